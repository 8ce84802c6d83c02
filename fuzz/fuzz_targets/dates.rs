//! The date reader: any text, as a page shows it or as metadata writes it, gives a time or
//! nothing, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinstream_parser::dates::{self, LocalZone};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let zones = [
        Some(LocalZone::Vietnam),
        LocalZone::of_host("www.spiegel.de"),
        LocalZone::of_host("www.abc.net.au"),
        Some(LocalZone::Unknown),
    ];
    for zone in zones.into_iter().flatten() {
        let _ = dates::parse_machine(text, zone);
        let _ = dates::parse_visible(text, zone);
        let _ = dates::parse_short_year(text, zone);
        let _ = dates::is_date_line(text, zone);
    }
    let _ = dates::month_first_reading(text);
    let _ = dates::opens_with_date(text);
    let _ = dates::names_another_time(text);
});
