//! Bytes to text: picks the page's character encoding the way browsers do.
//!
//! Order of evidence: a byte-order mark, then the charset of the HTTP `Content-Type`, then a
//! `<meta charset>` or `http-equiv` declaration in the first bytes of the page, then statistical
//! sniffing (chardetng). A declaration that the bytes contradict (a page labelled UTF-8 that is
//! not valid UTF-8) falls through to sniffing, since mislabelled Vietnamese pages are common.
//! Text that was encoded twice over ("donâ€™t") is then put back (`mojibake.rs`).

use encoding_rs::{Encoding, UTF_8};
use regex::bytes::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// How far into the page a `<meta>` charset declaration is looked for (the HTML standard's
/// prescan reads 1024 bytes; old portals put theirs after long inline scripts, so read further).
const META_PRESCAN_BYTES: usize = 16 * 1024;

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)"#)
        .expect("static regex is valid")
});

/// The text of a page, with the name of the encoding it was decoded from.
pub struct Decoded<'a> {
    /// The page as text: borrowed from the bytes when they are already UTF-8, as most
    /// pages are, so that reading them costs no copy.
    pub text: Cow<'a, str>,
    /// The encoding used, by its WHATWG name (such as `UTF-8` or `windows-1258`).
    pub encoding: &'static str,
}

/// Decodes page bytes to text. `http_charset` is the `charset` parameter of the HTTP
/// `Content-Type` header, when the page came over HTTP with one.
pub fn decode<'a>(bytes: &'a [u8], http_charset: Option<&str>) -> Decoded<'a> {
    let Decoded { text, encoding } = decode_as_labelled(bytes, http_charset);
    // A page whose text was encoded twice over is valid in its encoding: repaired once read.
    let text = match text {
        Cow::Borrowed(text) => crate::mojibake::repair(text),
        Cow::Owned(text) => match crate::mojibake::repair(&text) {
            Cow::Borrowed(_) => Cow::Owned(text),
            Cow::Owned(repaired) => Cow::Owned(repaired),
        },
    };
    Decoded { text, encoding }
}

/// The page's text in the encoding the evidence gives.
fn decode_as_labelled<'a>(bytes: &'a [u8], http_charset: Option<&str>) -> Decoded<'a> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return finish(encoding, &bytes[bom_len..]);
    }
    // The bytes read as UTF-8, validated at most once whichever branch asks.
    let utf8 = std::cell::OnceCell::new();
    let as_utf8 = || *utf8.get_or_init(|| std::str::from_utf8(bytes).ok());
    let declared = http_charset
        .and_then(|label| Encoding::for_label(label.trim().as_bytes()))
        .or_else(|| meta_charset(bytes));
    match declared {
        // A page declared in a legacy encoding whose bytes are valid UTF-8 with non-ASCII text
        // is UTF-8 mislabelled: natural text in a single-byte encoding is practically never
        // valid UTF-8.
        Some(enc) if enc.is_single_byte() && !bytes.is_ascii() => match as_utf8() {
            Some(text) => borrowed(text),
            None => finish(enc, bytes),
        },
        // The same for a multi-byte legacy encoding (GB2312, Shift_JIS, Big5, EUC-KR), once
        // there is enough text for chance to be ruled out: their byte pairs line up as UTF-8's
        // lead and continuation bytes only by accident, never over a page.
        Some(enc) if enc != UTF_8 && as_utf8().is_some_and(with_text) => {
            as_utf8().map_or_else(|| finish(UTF_8, bytes), borrowed)
        }
        // A page declared UTF-8 that is not valid UTF-8 is mislabelled: sniff instead.
        Some(enc) if enc == UTF_8 => match as_utf8() {
            Some(text) => borrowed(text),
            None => sniff(bytes, None),
        },
        // UTF-16 declared in a <meta> is impossible (the meta itself was read as ASCII).
        Some(enc) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
            as_utf8().map_or_else(|| finish(UTF_8, bytes), borrowed)
        }
        Some(enc) => finish(enc, bytes),
        None => sniff(bytes, as_utf8()),
    }
}

/// Text already validated as UTF-8, taken as it is.
fn borrowed(text: &str) -> Decoded<'_> {
    Decoded {
        text: Cow::Borrowed(text),
        encoding: UTF_8.name(),
    }
}

/// Characters outside ASCII that a valid UTF-8 page must have before a multi-byte legacy
/// label on it is taken for a mistake.
const UTF8_EVIDENCE_CHARS: usize = 16;

/// Whether a text has at least [`UTF8_EVIDENCE_CHARS`] non-ASCII characters.
fn with_text(text: &str) -> bool {
    text.chars()
        .filter(|c| !c.is_ascii())
        .take(UTF8_EVIDENCE_CHARS)
        .count()
        == UTF8_EVIDENCE_CHARS
}

fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_PRESCAN_BYTES)];
    let caps = META_CHARSET.captures(head)?;
    Encoding::for_label(caps.get(1)?.as_bytes())
}

/// Guesses the encoding; `utf8` is the bytes as UTF-8 when that is already known to hold.
fn sniff<'a>(bytes: &'a [u8], utf8: Option<&'a str>) -> Decoded<'a> {
    if let Some(text) = utf8 {
        return borrowed(text);
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    // The top-level domain is unknown here; allow UTF-8 guesses.
    finish(detector.guess(None, true), bytes)
}

fn finish<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> Decoded<'a> {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding: encoding.name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_encoded_twice_is_read_as_its_writer_wrote_it() {
        // "don’t", "we’ll" and "—" as UTF-8, read as Latin-1 and saved as UTF-8 again.
        let twice = "<meta charset=utf-8><p>We don’t know — we’ll see, they’re here.</p>"
            .bytes()
            .map(char::from)
            .collect::<String>();
        let d = decode(twice.as_bytes(), None);
        assert_eq!(d.encoding, "UTF-8");
        assert!(
            d.text.contains("We don’t know — we’ll see, they’re here."),
            "{}",
            d.text
        );
    }

    #[test]
    fn http_charset_wins_over_meta() {
        // "Việt" in windows-1258: 0xEA is "ê" and 0xF2 the combining dot below (U+0323).
        let bytes = b"<meta charset=utf-8><p>Vi\xea\xf2t</p>";
        let d = decode(bytes, Some("windows-1258"));
        assert_eq!(d.encoding, "windows-1258");
        assert!(d.text.contains("Vi\u{ea}\u{323}t"), "{}", d.text);
    }

    #[test]
    fn meta_charset_is_used() {
        let d = decode(b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\"></head><body>Vi\xea\xf2t</body>", None);
        assert_eq!(d.encoding, "windows-1258");
    }

    #[test]
    fn mislabelled_utf8_is_sniffed() {
        // Latin-1 bytes labelled UTF-8.
        let d = decode(
            b"<meta charset=utf-8><p>caf\xe9 cr\xe8me br\xfbl\xe9e</p>",
            None,
        );
        assert_ne!(d.encoding, "UTF-8");
        assert!(d.text.contains("café"), "{}", d.text);
    }

    #[test]
    fn valid_utf8_labelled_latin1_is_utf8() {
        let d = decode(
            "<meta charset=iso-8859-1><p>let’s café</p>".as_bytes(),
            None,
        );
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains("let’s café"));
    }

    #[test]
    fn valid_utf8_labelled_gb2312_is_utf8_but_real_gb2312_stays() {
        let text = "<meta charset=gb2312><p>Giá xăng giảm mạnh từ chiều nay, theo quyết định của liên Bộ Công Thương - Tài chính.</p>";
        let d = decode(text.as_bytes(), None);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains("Giá xăng giảm mạnh"), "{}", d.text);
        // Chinese in GBK, labelled so: read as labelled.
        let (gbk, _, _) = encoding_rs::GBK
            .encode("<meta charset=gb2312><p>北京今天天气很好，我们一起去公园散步吧。</p>");
        let d = decode(&gbk, None);
        assert_eq!(d.encoding, "GBK");
        assert!(d.text.contains("北京今天天气很好"), "{}", d.text);
        // Too little text to tell: the label stands.
        let d = decode("<meta charset=gb2312><p>Giá</p>".as_bytes(), None);
        assert_eq!(d.encoding, "GBK");
    }

    #[test]
    fn bom_wins() {
        let d = decode(b"\xef\xbb\xbf<p>Vi\xe1\xbb\x87t</p>", Some("windows-1252"));
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, "<p>Việt</p>");
    }
}
