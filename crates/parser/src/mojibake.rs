//! Text encoded twice: UTF-8 bytes read once as Latin-1 or Windows-1252 and written out again
//! as UTF-8 ("donâ€™t" for "don’t", "Viá»‡t Nam" for "Việt Nam"). Some sites serve their pages
//! so, from a database or a template that converted them once too often; the page is valid
//! UTF-8, so no charset detection can see it. Each run of characters that spells out a UTF-8
//! sequence byte by byte is put back as the character it encodes.
//!
//! Only what cannot be ordinary text is changed: a lead byte's character (`Â` to `ô`) followed
//! by the right number of continuation bytes' characters, which decode to a character of a
//! script or a punctuation block that pages use, and only when a page holds a few of them:
//! one such pair could be a quotation ("»Spaß«" is the bytes DF AB, a character of N'Ko).

use std::borrow::Cow;

/// Repaired sequences a text must hold before any is repaired.
const MIN_SEQUENCES: usize = 3;

/// The text with its doubly encoded sequences decoded; borrowed when there are none.
pub(crate) fn repair(text: &str) -> Cow<'_, str> {
    if candidates(text).take(MIN_SEQUENCES).count() < MIN_SEQUENCES {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, repaired, len) in candidates(text) {
        // Candidates may overlap a sequence already repaired.
        if at < copied {
            continue;
        }
        out.push_str(&text[copied..at]);
        out.push(repaired);
        copied = at + len;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Each doubly encoded sequence in `text`: where it starts, the character it encodes and its
/// length in `text`'s bytes.
fn candidates(text: &str) -> impl Iterator<Item = (usize, char, usize)> + '_ {
    let bytes = text.as_bytes();
    // The lead bytes' characters, U+00C2 to U+00F4, are written C3 82 to C3 B4 in UTF-8.
    memchr::memchr_iter(0xC3, bytes)
        .filter(move |&at| bytes.get(at + 1).is_some_and(|b| (0x82..=0xB4).contains(b)))
        .filter_map(move |at| sequence_at(&text[at..]).map(|(c, len)| (at, c, len)))
}

/// The character that the characters opening `s` spell out as UTF-8 bytes, and their length
/// in `s`, when they do.
fn sequence_at(s: &str) -> Option<(char, usize)> {
    let mut chars = s.chars();
    let lead = chars.next()?;
    let first = byte_of(lead)?;
    let needed = match first {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut buffer = [first, 0, 0, 0];
    let mut len = lead.len_utf8();
    let mut previous = lead;
    for slot in buffer.iter_mut().take(needed).skip(1) {
        let c = chars.next()?;
        // French sets a no-break space before a closing guillemet ("sécurité\u{a0}»"):
        // the bytes E9 A0 BB, which would read as the ideograph 頻.
        if previous == '\u{a0}' && c == '»' {
            return None;
        }
        let byte = byte_of(c).filter(|b| (0x80..=0xBF).contains(b))?;
        *slot = byte;
        len += c.len_utf8();
        previous = c;
    }
    let decoded = std::str::from_utf8(&buffer[..needed])
        .ok()?
        .chars()
        .next()?;
    is_plausible(decoded).then_some((decoded, len))
}

/// The byte a character stands for in Latin-1 or Windows-1252.
fn byte_of(c: char) -> Option<u8> {
    /// Windows-1252's characters for the bytes 0x80 to 0x9F (those it leaves undefined read
    /// as Latin-1's control characters, which `u8::try_from` covers).
    const WINDOWS_1252: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8A),
        ('‹', 0x8B),
        ('Œ', 0x8C),
        ('Ž', 0x8E),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9A),
        ('›', 0x9B),
        ('œ', 0x9C),
        ('ž', 0x9E),
        ('Ÿ', 0x9F),
    ];
    match u8::try_from(u32::from(c)) {
        Ok(byte) if byte >= 0x80 => Some(byte),
        Ok(_) => None,
        Err(_) => WINDOWS_1252
            .iter()
            .find(|(special, _)| *special == c)
            .map(|(_, byte)| *byte),
    }
}

/// Whether a repaired character belongs to what pages write: Latin letters and their
/// accents (Vietnamese among them), Greek, Cyrillic, Hebrew, Arabic, punctuation, currency
/// and letter-like signs, CJK, Hangul, emoji. Rare scripts are left as they were read.
fn is_plausible(c: char) -> bool {
    matches!(u32::from(c),
        0x00A0..=0x024F // Latin-1 supplement, Latin extended A and B
        | 0x0300..=0x036F // combining accents
        | 0x0370..=0x06FF // Greek, Cyrillic, Armenian, Hebrew, Arabic
        | 0x0E00..=0x0E7F // Thai
        | 0x1E00..=0x1EFF // Latin extended additional: Vietnamese
        | 0x2000..=0x22FF // punctuation, currency, letter-like signs, arrows, mathematics
        | 0x2600..=0x27BF // symbols and dingbats
        | 0x3000..=0x30FF // CJK punctuation, kana
        | 0x4E00..=0x9FFF // CJK ideographs
        | 0xAC00..=0xD7AF // Hangul
        | 0x1F300..=0x1FAFF // emoji
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_encoded_twice_is_put_back() {
        // Read as Latin-1 (control characters for 0x80-0x9F), as a saved page had it.
        assert_eq!(
            repair("competitor\u{e2}\u{80}\u{99}s CTO, we\u{e2}\u{80}\u{99}ll see \u{e2}\u{80}\u{94} now"),
            "competitor’s CTO, we’ll see — now"
        );
        // Read as Windows-1252.
        assert_eq!(repair("donâ€™t, cafÃ©, naÃ¯ve"), "don’t, café, naïve");
        // Vietnamese: three-byte sequences.
        assert_eq!(
            repair("Viá»‡t Nam, HÃ\u{a0}Ná»™i, \u{c4}\u{90}Ã\u{a0} Náºµng"),
            "Việt Nam, HàNội, Đà Nẵng"
        );
    }

    #[test]
    fn ordinary_text_is_left_as_it_is() {
        for text in [
            "Thủ tướng Phạm Minh Chính chủ trì phiên họp Chính phủ thường kỳ tháng 11.",
            "»Spaß« und »Fuß« – à la carte, Ärger «quoted» São Paulo",
            "Giá vàng hôm nay “tăng” – “giảm” ‘nhẹ’ ô” à– â€",
            "la sécurité\u{a0}», «\u{a0}liberté\u{a0}», «\u{a0}égalité\u{a0}», «\u{a0}vérité\u{a0}»",
        ] {
            assert!(matches!(repair(text), Cow::Borrowed(_)), "{text}");
        }
        // One or two sequences could be a quotation: a page that is read twice holds many.
        assert!(matches!(repair("donâ€™t and wonâ€™t"), Cow::Borrowed(_)));
    }
}
