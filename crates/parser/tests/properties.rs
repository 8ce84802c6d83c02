//! Properties of the date reader over generated text: any string, as a page shows it or as
//! metadata writes it, gives a time or nothing, never a panic; a time it gives is one a news
//! page fetched on the reference day can carry (from 1990 to the day after).

use proptest::prelude::*;
use tinstream_parser::dates::{self, LocalZone};

/// Date-like text (digits and separators around Vietnamese, English and German words), or
/// any text at all.
fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,4}([/.\\- |:]{1,2}[0-9]{1,4}){0,5}",
        "(Thứ (Hai|Ba|bảy)|ngày|lúc|Cập nhật:|GMT\\+7|Mon|March|Dezember|PM|T|Z|\\+07:00| |,|[0-9]{1,4}|/|:|-){0,12}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn any_text_gives_a_time_or_nothing(text in date_text()) {
        let fetched = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let _reference = dates::ReferenceDay::set(fetched);
        for zone in [LocalZone::Vietnam, LocalZone::Unknown] {
            for time in [
                dates::parse_machine(&text, zone),
                dates::parse_visible(&text, zone),
                dates::parse_short_year(&text, zone),
            ]
            .into_iter()
            .flatten()
            {
                let day = time.date();
                prop_assert!(
                    chrono::Datelike::year(&day) >= 1990 && day <= fetched.succ_opt().unwrap(),
                    "{text:?} gave {day}"
                );
            }
            let _ = dates::is_date_line(&text, zone);
        }
        let _ = dates::month_first_reading(&text);
        let _ = dates::opens_with_date(&text);
        let _ = dates::names_another_time(&text);
    }
}
