//! A linear pre-scan that refuses pathologically nested pages before they reach the HTML
//! parser, whose tree building costs time quadratic in the nesting depth (100,000 nested
//! `<div>`s take tens of seconds). Real pages nest a few dozen levels; the limit is far above.

/// Nesting deeper than this is refused.
pub(crate) const MAX_NESTING: usize = 4096;

/// Elements whose end tag is optional or absent: an unclosed one does not deepen the tree the
/// parser builds, so they are not counted.
fn counted(name: &[u8]) -> bool {
    // Every name left out is at most 8 letters: compare a lower-cased copy in one `match`
    // (this runs once per tag of every page).
    if name.is_empty() {
        return false;
    }
    if name.len() > 8 {
        return true;
    }
    let mut lower = [0u8; 8];
    for (to, from) in lower.iter_mut().zip(name) {
        *to = from.to_ascii_lowercase();
    }
    !matches!(
        &lower[..name.len()],
        b"p" | b"li"
            | b"dt"
            | b"dd"
            | b"tr"
            | b"td"
            | b"th"
            | b"option"
            | b"optgroup"
            | b"rb"
            | b"rt"
            | b"rp"
            | b"thead"
            | b"tbody"
            | b"tfoot"
            | b"colgroup"
            | b"caption"
            | b"html"
            | b"head"
            | b"body"
            | b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
            | b"image"
    )
}

/// Whether the page nests deeper than [`MAX_NESTING`]. A page with no more tags than that
/// cannot, and most pages have far fewer: counting `<` is all they cost.
pub(crate) fn too_deep(text: &str) -> bool {
    memchr::memchr_iter(b'<', text.as_bytes()).count() > MAX_NESTING
        && nesting_within(text, MAX_NESTING).is_none()
}

/// The deepest nesting of counted elements, or `None` as soon as it passes `limit`.
pub(crate) fn nesting_within(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut i = 0;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        i += offset + 1;
        let rest = &bytes[i..];
        if rest.starts_with(b"!--") {
            i += find(rest, b"-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let start = usize::from(closing);
        let name_len = rest[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let name = &rest[start..start + name_len];
        let Some(end) = memchr(b'>', rest) else {
            break;
        };
        let self_closing = end > 0 && rest[end - 1] == b'/';
        i += end + 1;
        if closing {
            if counted(name) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if name.eq_ignore_ascii_case(b"script") || name.eq_ignore_ascii_case(b"style") {
            // Their content is raw text: skip to the end tag.
            let closing_tag: &[u8] = if name.eq_ignore_ascii_case(b"script") {
                b"</script"
            } else {
                b"</style"
            };
            i += find_ignore_case(&bytes[i..], closing_tag).unwrap_or(bytes.len() - i);
            continue;
        }
        if counted(name) && !self_closing {
            depth += 1;
            deepest = deepest.max(depth);
            if depth > limit {
                return None;
            }
        }
    }
    Some(deepest)
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    memchr::memchr(needle, haystack)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// `needle` starts with `</`: find each `</` fast, then compare the rest without case.
fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&haystack[from..], b"</") {
        let start = from + at;
        if haystack
            .get(start..start + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            return Some(start);
        }
        from = start + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_nesting() {
        assert_eq!(
            nesting_within("<div><div><span>x</span></div></div>", 10),
            Some(3)
        );
        assert_eq!(nesting_within("<p>a<p>b<p>c<br><img src=x>", 10), Some(0));
        assert_eq!(
            nesting_within("<div><!-- <div><div> --></div>", 10),
            Some(1)
        );
        assert_eq!(
            nesting_within(
                "<script>if (a<b) { x = '<div><div><div>' }</script><div/>",
                10
            ),
            Some(0)
        );
        assert_eq!(nesting_within(&"<div>".repeat(20), 10), None);
    }

    #[test]
    fn only_deep_pages_are_too_deep() {
        assert!(too_deep(&"<div>".repeat(MAX_NESTING + 1)));
        // Many tags, none nested.
        assert!(!too_deep(&"<br>".repeat(MAX_NESTING * 2)));
        assert!(!too_deep(&"<div>".repeat(MAX_NESTING)));
    }
}
