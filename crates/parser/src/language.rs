//! The language of a text, as an ISO 639-1 code.

use whatlang::Lang;

/// Detects the language of `text` from its letters; falls back to the primary subtag of the
/// page's declared language (`<html lang="vi-VN">` gives `vi`) when the text is too short or
/// ambiguous.
pub(crate) fn detect(text: &str, declared: Option<&str>) -> Option<String> {
    // A couple of thousand characters tell the language as surely as the whole text, and
    // detection costs in proportion to what it reads.
    let sample: String = text.chars().take(1500).collect();
    let detected = whatlang::detect(&sample)
        .filter(|info| info.is_reliable() || sample.chars().count() > 400)
        .and_then(|info| iso639_1(info.lang()));
    detected.map(str::to_string).or_else(|| {
        let primary = declared?
            .split(['-', '_'])
            .next()?
            .trim()
            .to_ascii_lowercase();
        (primary.len() == 2 && primary.chars().all(|c| c.is_ascii_lowercase())).then_some(primary)
    })
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
