//! The language of a text, as an ISO 639-1 code.

use whatlang::Lang;

/// Characters read to tell the language: a couple of thousand tell it as surely as the whole
/// text, and detection costs in proportion to what it reads.
const SAMPLE_CHARS: usize = 1500;

/// Characters read first when the page declares a language: when they reliably read as that
/// language, the longer sample would too, and the page is spared most of the detection
/// (the costliest step of the extraction after the parse and the body).
const CONFIRMING_CHARS: usize = 500;

/// Detects the language of `text` from its letters; falls back to the primary subtag of the
/// page's declared language (`<html lang="vi-VN">` gives `vi`) when the text is too short or
/// ambiguous.
pub(crate) fn detect(text: &str, declared: Option<&str>) -> Option<String> {
    let declared = declared.and_then(primary_subtag);
    if let Some(declared) = &declared {
        let head = sample(text, CONFIRMING_CHARS);
        if head.chars().count() == CONFIRMING_CHARS
            && whatlang::detect(&head)
                .filter(whatlang::Info::is_reliable)
                .and_then(|info| iso639_1(info.lang()))
                == Some(declared.as_str())
        {
            return Some(declared.clone());
        }
    }
    let sample = sample(text, SAMPLE_CHARS);
    let detected = whatlang::detect(&sample)
        .filter(|info| info.is_reliable() || sample.chars().count() > 400)
        .and_then(|info| iso639_1(info.lang()));
    detected.map(str::to_string).or(declared)
}

fn sample(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// The primary subtag of a declared language, lower-cased: `vi` for `vi-VN`.
fn primary_subtag(declared: &str) -> Option<String> {
    let primary = declared
        .split(['-', '_'])
        .next()?
        .trim()
        .to_ascii_lowercase();
    (primary.len() == 2 && primary.chars().all(|c| c.is_ascii_lowercase())).then_some(primary)
}

fn iso639_1(lang: Lang) -> Option<&'static str> {
    Some(match lang {
        Lang::Vie => "vi",
        Lang::Eng => "en",
        Lang::Deu => "de",
        Lang::Fra => "fr",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Nld => "nl",
        Lang::Rus => "ru",
        Lang::Ukr => "uk",
        Lang::Pol => "pl",
        Lang::Ces => "cs",
        Lang::Slk => "sk",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Bul => "bg",
        Lang::Ron => "ro",
        Lang::Hun => "hu",
        Lang::Fin => "fi",
        Lang::Swe => "sv",
        Lang::Dan => "da",
        Lang::Nob => "nb",
        Lang::Ell => "el",
        Lang::Tur => "tr",
        Lang::Ara => "ar",
        Lang::Heb => "he",
        Lang::Pes => "fa",
        Lang::Hin => "hi",
        Lang::Ben => "bn",
        Lang::Tha => "th",
        Lang::Khm => "km",
        Lang::Mya => "my",
        Lang::Ind => "id",
        Lang::Cmn => "zh",
        Lang::Jpn => "ja",
        Lang::Kor => "ko",
        Lang::Tgl => "tl",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Cat => "ca",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_text_is_vi_whatever_the_page_declares() {
        let text = "Đoàn kiểm tra của Bộ Chính trị làm việc tại Sơn La về việc thực hiện nghị quyết của Trung ương Đảng.";
        assert_eq!(detect(text, Some("en")).as_deref(), Some("vi"));
    }

    #[test]
    fn short_text_falls_back_to_the_declared_language() {
        assert_eq!(detect("ok", Some("vi-VN")).as_deref(), Some("vi"));
        assert_eq!(detect("", None), None);
    }
}
