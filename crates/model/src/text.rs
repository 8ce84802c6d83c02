//! Text normalisation shared by every field of the record.

use unicode_normalization::UnicodeNormalization;

/// Characters that carry no text and only break matching: zero-width spaces and joiners,
/// the byte-order mark and the soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Normalises one line of text: NFC (Vietnamese pages often arrive decomposed), invisible
/// characters removed, every run of white space (non-breaking spaces included) folded into one
/// space, and the ends trimmed.
pub fn normalize_text(s: &str) -> String {
    // Most text is NFC already (and ASCII always is): composing it again costs more than
    // the quick check that says so.
    if s.is_ascii()
        || unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        // Text read from a page is folded again at each step that takes it (a block, the
        // body, the record): copied whole when there is nothing to fold.
        if is_folded(s) {
            return s.to_string();
        }
        fold(s.chars(), s.len())
    } else {
        fold(s.nfc(), s.len())
    }
}

/// Whether [`fold`] would return the text unchanged: no invisible characters, and no white
/// space other than single spaces between other characters.
fn is_folded(s: &str) -> bool {
    let mut after_space = true;
    for c in s.chars() {
        if c == ' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if c.is_whitespace() || is_invisible(c) {
            return false;
        } else {
            after_space = false;
        }
    }
    !after_space || s.is_empty()
}

/// Drops invisible characters and folds white space, from characters already in NFC.
fn fold(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut pending_space = false;
    for c in chars {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Normalises a body: each paragraph (separated by blank lines, or by single line breaks) goes
/// through [`normalize_text`]; empty paragraphs are dropped; paragraphs are joined by one blank
/// line.
pub(crate) fn normalize_body(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for para in s.split('\n') {
        let para = normalize_text(para);
        if para.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&para);
    }
    out
}

/// Counts words: runs of characters separated by white space that hold at least one letter or
/// digit (so a lone dash or bullet is not a word).
pub fn word_count(s: &str) -> u32 {
    let n = s
        .split_whitespace()
        // An ASCII letter or digit settles it without decoding the word.
        .filter(|w| {
            w.bytes().any(|b| b.is_ascii_alphanumeric())
                || (!w.is_ascii() && w.chars().any(char::is_alphanumeric))
        })
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_nbsp_and_strips_zero_width() {
        assert_eq!(normalize_text("\u{a0}a\u{a0}\u{a0}b\u{200b}c "), "a bc");
    }

    #[test]
    fn body_keeps_paragraphs_apart() {
        assert_eq!(normalize_body("a\n \n\n b  c\nd"), "a\n\nb c\n\nd");
    }

    proptest::proptest! {
        /// The shortcut for text with nothing to fold answers as folding would.
        #[test]
        fn folded_text_is_what_folding_leaves_unchanged(
            s in "[ a\u{a0}\t\n\u{200b}\u{ad}ế]{0,12}"
        ) {
            proptest::prop_assert_eq!(is_folded(&s), fold(s.chars(), s.len()) == s);
        }
    }

    #[test]
    fn text_with_nothing_to_fold_is_copied_whole() {
        assert_eq!(normalize_text("Hà Nội, 2 giờ"), "Hà Nội, 2 giờ");
        assert!(is_folded("a b") && !is_folded(" a") && !is_folded("a ") && !is_folded("a  b"));
    }

    #[test]
    fn dashes_are_not_words() {
        assert_eq!(word_count("Hà Nội - 2021 ."), 3);
    }
}
