//! Dates as news pages write them: machine-readable values from metadata, and the visible date
//! lines of Vietnamese (and English) sites.
//!
//! Day first, always: `1/12/2021` is the first of December. A time of day without an offset on a
//! Vietnamese page is local time in Asia/Ho_Chi_Minh, on a site under the domain of a country
//! that keeps one time zone (`.de`, `.jp`) that zone's; elsewhere such a time is kept as its
//! day only, since guessing an offset would make up a fact. A time given in UTC is shown in
//! the page's zone, and on a site of a country spanning several zones (`.ca`, `.au`) in its
//! main zone when the whole country is on the same day.
//!
//! Nothing here reads the clock: the same text gives the same date on any day. A date later
//! than the day after the page was fetched is not the page's; the parser makes the fetch day
//! the reference for the length of one parse ([`ReferenceDay`]). Outside a parse there is no
//! reference, and no upper bound.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use regex::Regex;
use std::cell::Cell;
use std::sync::LazyLock;
use tinstream_model::ArticleTime;

mod months;
use months::{month, month_alternation};

thread_local! {
    /// The day the page being parsed on this thread was fetched.
    static REFERENCE_DAY: Cell<Option<NaiveDate>> = const { Cell::new(None) };
}

/// The fetch day of the page being parsed, as the reference of the date rules ("no later than
/// the day after", "the century that puts a two-digit year no later than next year"), for as
/// long as this value lives. A parse runs on one thread from start to end, so the reference
/// is that thread's; the previous one comes back when this is dropped.
pub struct ReferenceDay {
    previous: Option<NaiveDate>,
}

impl ReferenceDay {
    /// Makes `day` the reference on this thread until the value is dropped.
    pub fn set(day: NaiveDate) -> ReferenceDay {
        ReferenceDay {
            previous: REFERENCE_DAY.with(|cell| cell.replace(Some(day))),
        }
    }
}

impl Drop for ReferenceDay {
    fn drop(&mut self) {
        REFERENCE_DAY.with(|cell| cell.set(self.previous));
    }
}

fn reference_day() -> Option<NaiveDate> {
    REFERENCE_DAY.with(Cell::get)
}

/// The time zone that applies to times a page gives without an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalZone {
    /// Vietnamese pages: Asia/Ho_Chi_Minh (UTC+7).
    Vietnam,
    /// The one time zone of the country whose domain the site uses (`.de`, `.jp`).
    Country(chrono_tz::Tz),
    /// A country spanning several zones (`.ca`, `.au`): a time without an offset cannot be
    /// placed, but a UTC time is read on the day it falls on across the whole country, when
    /// it falls on one (see [`LocalZone::day_zone`]).
    Spanning(CountryZones),
    /// Unknown: a time without an offset is reduced to its day.
    Unknown,
}

/// Country-code domains of countries that keep one time zone, with that zone (`.vn` is
/// [`LocalZone::Vietnam`], handled before this list). Countries spanning several are in
/// [`SPANNING_ZONES`]; the country domains sold as generic names (`.co`, `.me`, `.io`, `.tv`,
/// `.ai`, `.fm`, `.ly`) are in neither.
const COUNTRY_ZONES: &[(&str, chrono_tz::Tz)] = {
    use chrono_tz::{Africa, America, Asia, Atlantic, Europe};
    &[
        ("ae", Asia::Dubai),
        ("al", Europe::Tirane),
        ("ar", America::Argentina::Buenos_Aires),
        ("at", Europe::Vienna),
        ("ba", Europe::Sarajevo),
        ("bd", Asia::Dhaka),
        ("be", Europe::Brussels),
        ("bg", Europe::Sofia),
        ("bo", America::La_Paz),
        ("by", Europe::Minsk),
        ("ch", Europe::Zurich),
        ("cn", Asia::Shanghai),
        ("cr", America::Costa_Rica),
        ("cu", America::Havana),
        ("cy", Asia::Nicosia),
        ("cz", Europe::Prague),
        ("de", Europe::Berlin),
        ("dk", Europe::Copenhagen),
        ("do", America::Santo_Domingo),
        ("dz", Africa::Algiers),
        ("ee", Europe::Tallinn),
        ("eg", Africa::Cairo),
        ("es", Europe::Madrid),
        ("fi", Europe::Helsinki),
        ("fr", Europe::Paris),
        ("gh", Africa::Accra),
        ("gr", Europe::Athens),
        ("gt", America::Guatemala),
        ("hk", Asia::Hong_Kong),
        ("hn", America::Tegucigalpa),
        ("hr", Europe::Zagreb),
        ("hu", Europe::Budapest),
        ("ie", Europe::Dublin),
        ("il", Asia::Jerusalem),
        ("in", Asia::Kolkata),
        ("is", Atlantic::Reykjavik),
        ("it", Europe::Rome),
        ("jo", Asia::Amman),
        ("jp", Asia::Tokyo),
        ("ke", Africa::Nairobi),
        ("kr", Asia::Seoul),
        ("lb", Asia::Beirut),
        ("li", Europe::Vaduz),
        ("lk", Asia::Colombo),
        ("lt", Europe::Vilnius),
        ("lu", Europe::Luxembourg),
        ("lv", Europe::Riga),
        ("ma", Africa::Casablanca),
        ("mk", Europe::Skopje),
        ("mt", Europe::Malta),
        ("my", Asia::Kuala_Lumpur),
        ("ng", Africa::Lagos),
        ("ni", America::Managua),
        ("nl", Europe::Amsterdam),
        ("no", Europe::Oslo),
        ("np", Asia::Kathmandu),
        ("pa", America::Panama),
        ("pe", America::Lima),
        ("ph", Asia::Manila),
        ("pk", Asia::Karachi),
        ("pl", Europe::Warsaw),
        ("pt", Europe::Lisbon),
        ("py", America::Asuncion),
        ("qa", Asia::Qatar),
        ("ro", Europe::Bucharest),
        ("rs", Europe::Belgrade),
        ("sa", Asia::Riyadh),
        ("se", Europe::Stockholm),
        ("sg", Asia::Singapore),
        ("si", Europe::Ljubljana),
        ("sk", Europe::Bratislava),
        ("sv", America::El_Salvador),
        ("th", Asia::Bangkok),
        ("tn", Africa::Tunis),
        ("tr", Europe::Istanbul),
        ("tw", Asia::Taipei),
        ("ua", Europe::Kyiv),
        ("uk", Europe::London),
        ("uy", America::Montevideo),
        ("ve", America::Caracas),
        ("za", Africa::Johannesburg),
    ]
};

/// The zones of a country that spans several: the one most of its people live in, and the
/// westernmost and easternmost, between which every other falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountryZones {
    /// The zone a time is shown in when the whole country agrees on its day.
    pub main: chrono_tz::Tz,
    /// The country's westernmost zone.
    pub west: chrono_tz::Tz,
    /// The country's easternmost zone.
    pub east: chrono_tz::Tz,
}

/// Country-code domains of countries spanning several zones. Outlying islands far from the
/// rest (Guam, Lord Howe, the Chathams) are left out: a handful of readers there does not
/// make a day ambiguous for the country's sites.
const SPANNING_ZONES: &[(&str, CountryZones)] = {
    use chrono_tz::{America, Asia, Australia, Europe, Pacific};
    const fn zones(main: chrono_tz::Tz, west: chrono_tz::Tz, east: chrono_tz::Tz) -> CountryZones {
        CountryZones { main, west, east }
    }
    &[
        (
            "au",
            zones(Australia::Sydney, Australia::Perth, Australia::Sydney),
        ),
        (
            "br",
            zones(America::Sao_Paulo, America::Rio_Branco, America::Noronha),
        ),
        (
            "ca",
            zones(America::Toronto, America::Vancouver, America::St_Johns),
        ),
        ("id", zones(Asia::Jakarta, Asia::Jakarta, Asia::Jayapura)),
        (
            "mx",
            zones(America::Mexico_City, America::Tijuana, America::Cancun),
        ),
        (
            "ru",
            zones(Europe::Moscow, Europe::Kaliningrad, Asia::Kamchatka),
        ),
        (
            "us",
            zones(America::New_York, Pacific::Honolulu, America::New_York),
        ),
    ]
};

impl LocalZone {
    /// The zone of a host's country-code domain: its one zone, or the zones it spans.
    pub fn of_host(host: &str) -> Option<LocalZone> {
        let tld = host.trim_end_matches('.').rsplit('.').next()?;
        if tld.eq_ignore_ascii_case("vn") {
            return Some(LocalZone::Vietnam);
        }
        let one = COUNTRY_ZONES
            .iter()
            .find(|(code, _)| tld.eq_ignore_ascii_case(code))
            .map(|(_, tz)| LocalZone::Country(*tz));
        one.or_else(|| {
            SPANNING_ZONES
                .iter()
                .find(|(code, _)| tld.eq_ignore_ascii_case(code))
                .map(|(_, zones)| LocalZone::Spanning(*zones))
        })
    }

    /// The time zone of times without an offset, when there is one.
    pub fn tz(self) -> Option<chrono_tz::Tz> {
        match self {
            LocalZone::Vietnam => Some(chrono_tz::Asia::Ho_Chi_Minh),
            LocalZone::Country(tz) => Some(tz),
            LocalZone::Spanning(_) | LocalZone::Unknown => None,
        }
    }

    /// The zone in which to show an instant so that its day is the one the site's readers
    /// saw: the page's zone, or a spanning country's main zone when the instant falls on the
    /// same day from its west to its east. `None` when that day is not known.
    pub fn day_zone(self, instant: DateTime<FixedOffset>) -> Option<chrono_tz::Tz> {
        match self {
            LocalZone::Spanning(zones) => {
                let west = instant.with_timezone(&zones.west).date_naive();
                let east = instant.with_timezone(&zones.east).date_naive();
                (west == east).then_some(zones.main)
            }
            other => other.tz(),
        }
    }

    fn resolve(self, naive: NaiveDateTime) -> ArticleTime {
        self.tz()
            .and_then(|tz| tz.from_local_datetime(&naive).single())
            .map(|dt| ArticleTime::DateTime(dt.fixed_offset()))
            .unwrap_or(ArticleTime::Date(naive.date()))
    }
}

macro_rules! regex {
    ($re:expr) => {{
        static RE: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($re).expect("static regex is valid"));
        &*RE
    }};
}

/// Parses a machine-readable date (JSON-LD, `<meta>`, `<time datetime>`): RFC 3339 and the
/// looser ISO shapes sites emit, falling back to the visible-date shapes.
pub fn parse_machine(value: &str, zone: LocalZone) -> Option<ArticleTime> {
    let value = value.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(value) {
        return plausible(ArticleTime::DateTime(dt));
    }
    // "Sat, 19 Oct 2019 00:04:00 +0200", as feeds and some `date` meta tags write it.
    if let Ok(dt) = DateTime::parse_from_rfc2822(value) {
        return plausible(ArticleTime::DateTime(dt));
    }
    let iso = regex!(
        r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{1,2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
    );
    if let Some(c) = iso.captures(value) {
        let date = ymd(&c[1], &c[2], &c[3])?;
        let Some(hour) = c.get(4) else {
            return plausible(ArticleTime::Date(date));
        };
        let time = hms(hour.as_str(), &c[5], c.get(6).map(|m| m.as_str()))?;
        let naive = date.and_time(time);
        return plausible(match c.get(7) {
            Some(off) => ArticleTime::DateTime(with_offset(naive, parse_offset(off.as_str())?)?),
            None => zone.resolve(naive),
        });
    }
    parse_visible(value, zone)
}

/// Parses a date line as a person reads it, for example "Thứ Tư, 1/12/2021",
/// "01/12/2021 14:35", "1/12/2021 | 14:35 GMT+7", "14:35 ngày 01/12/2021",
/// "ngày 1 tháng 12 năm 2021" or "December 1, 2021". A date must carry its year: "Sáng 8/8" is
/// not a date line.
pub fn parse_visible(text: &str, zone: LocalZone) -> Option<ArticleTime> {
    if !has_year_digits(text) && !text.contains("ngày") {
        return None;
    }
    let lower = text.to_lowercase();
    let date = find_date(&lower)?;
    // "4. November bis 2. Dezember 2023", "du 4 au 6 juin 2021", "June 4 – 6, 2021": the
    // dates of an event, not of the page.
    if is_range(&lower) {
        return None;
    }
    let Some(time) = find_time(&lower) else {
        return plausible(ArticleTime::Date(date));
    };
    let naive = date.and_time(time);
    let offset = regex!(r"(?:gmt|utc)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?")
        .captures(&lower)
        .and_then(|c| {
            let hours: i32 = c[2].parse().ok()?;
            let minutes: i32 = c.get(3).map_or(Some(0), |m| m.as_str().parse().ok())?;
            let sign = if &c[1] == "-" { -1 } else { 1 };
            FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
        });
    plausible(match offset {
        Some(off) => ArticleTime::DateTime(with_offset(naive, off)?),
        None => zone.resolve(naive),
    })
}

/// The date and time of day a visible text states, as written, with no zone applied
/// ("Nov. 8, 2023, 10:28 p.m. ET" → 2023-11-08 22:28): what an instant the metadata gives
/// in UTC can be held against to learn the offset the site shows its times in. None for a
/// range of days, or a time labelled GMT or UTC.
pub fn shown_local_time(text: &str) -> Option<NaiveDateTime> {
    let lower = text.to_lowercase();
    // The time first: most texts beside a date have none, and its pattern is the cheapest.
    let time = find_time(&lower)?;
    let date = find_date(&lower)?;
    // A time labelled GMT or UTC ("30 April 2019 13:10 GMT") is no reading of a local clock.
    if is_range(&lower) || regex!(r"\b(?:gmt|utc)\b").is_match(&lower) {
        return None;
    }
    Some(date.and_time(time))
}

/// The month-first reading of a value that opens with a numeric date readable both ways
/// ("03-09-2026", "06/13/2019" excluded: that one reads one way only), which the parsers read
/// day first. `None` when the value reads one way only or both readings are the same day.
pub fn month_first_reading(value: &str) -> Option<NaiveDate> {
    let c = regex!(r"^\s*(\d{1,2})([/\-])(\d{1,2})[/\-](\d{4})(?:[^\d]|$)").captures(value)?;
    let (first, second): (u32, u32) = (c[1].parse().ok()?, c[3].parse().ok()?);
    if first == second || first > 12 || second > 12 {
        return None;
    }
    ymd(&c[4], &c[1], &c[3])
}

/// A day written with a two-digit year, "02.12.19" or "28.09.19 12:44" (day first, dots
/// only): too ambiguous for everyday use, but a last resort for a page that gives no other
/// date. The century is [`full_year`]'s.
pub fn parse_short_year(text: &str, zone: LocalZone) -> Option<ArticleTime> {
    let lower = text.to_lowercase();
    let c = regex!(r"(?:^|[^\d.])(\d{1,2})\.(\d{1,2})\.(\d{2})(?:[^\d.]|$)").captures(&lower)?;
    let date = NaiveDate::from_ymd_opt(full_year(&c[3])?, c[2].parse().ok()?, c[1].parse().ok()?)?;
    plausible(match find_time(&lower) {
        Some(time) => zone.resolve(date.and_time(time)),
        None => ArticleTime::Date(date),
    })
}

/// A year written with two digits, in the century that puts it no later than the year after
/// the reference day's ([`ReferenceDay`]); without one, 00–68 are 2000–2068 and 69–99 are
/// 1969–1999, as POSIX `strptime` reads them.
fn full_year(two_digits: &str) -> Option<i32> {
    let short: i32 = two_digits.parse().ok()?;
    let next_year = reference_day().map_or(2068, |day| day.year() + 1);
    Some(if 2000 + short <= next_year {
        2000 + short
    } else {
        1900 + short
    })
}

/// Words a date line may hold beside its date: Vietnamese and English weekdays and parts of
/// the day, "Cập nhật", "published", "updated", "GMT".
const DATE_WORDS: &[&str] = &[
    "thứ",
    "hai",
    "ba",
    "tư",
    "năm",
    "sáu",
    "bảy",
    "chủ",
    "nhật",
    "ngày",
    "tháng",
    "cập",
    "đăng",
    "lúc",
    "gmt",
    "utc",
    "sáng",
    "chiều",
    "tối",
    "trưa",
    "giờ",
    "am",
    "pm",
    "sa",
    "ch",
    "published",
    "updated",
    "posted",
    "on",
    "at",
    "last",
    "modified",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "h",
];

/// Whether a short line is a date line (a date with at most a few other words: weekday,
/// "Cập nhật", "GMT+7"), not a sentence that mentions a date.
pub fn is_date_line(line: &str, zone: LocalZone) -> bool {
    if line.chars().count() > 80
        || !has_year_digits(line)
        || names_another_time(line)
        || parse_visible(line, zone).is_none()
    {
        return false;
    }
    let lower = line.to_lowercase();
    let other_words = lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .filter(|w| !DATE_WORDS.contains(w) && month(w).is_none())
        .count();
    other_words <= 2
}

/// Weekdays of the other languages whose date lines are read, in full and abbreviated
/// (English and Vietnamese ones are among [`DATE_WORDS`]).
const WEEKDAYS: &[&str] = &[
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "mo",
    "di",
    "mi",
    "do",
    "fr",
    "sa",
    "so",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
];

/// Words that introduce a date in the other languages' lines of metadata: "am 12.05.2014",
/// "le 7 mai 2020" (English and Vietnamese ones are among [`DATE_WORDS`]).
const DATE_INTRODUCERS: &[&str] = &["vom", "den", "le", "el", "il"];

/// Whether a text is a date line that begins with its date, its weekday or a word that
/// introduces it ("Fr, 13. März 2020", "Published Jan 5, 2025", "am 12.05.2014"), as the
/// tail of a byline is; a text that only ends with a date ("Tomas Spahn Fr, 13. März 2020")
/// is not.
pub fn opens_with_date(text: &str) -> bool {
    let lower = text.trim_start().to_lowercase();
    let first = lower
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    let opens = first.starts_with(|c: char| c.is_ascii_digit())
        || month(first).is_some()
        || DATE_WORDS.contains(&first)
        || WEEKDAYS.contains(&first)
        || DATE_INTRODUCERS.contains(&first);
    opens && is_date_line(text, LocalZone::Unknown)
}

/// Whether a short text labels its date as something other than the page's publication:
/// the clock a forum shows ("Aktuelle Zeit: 14.10.2020, 12:18"), a thread's last post, a
/// member's sign-up day, the day a video goes offline ("Video verfügbar bis 28.02.2021").
pub fn names_another_time(text: &str) -> bool {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)aktuelle zeit|current time|it is currently|heute ist|today is|letzter beitrag|last post|dernier message|registriert|mitglied seit|member since|joined|verfügbar bis|gültig bis|available until|valid until|expires|disponible jusqu|disponibile fino",
        )
        .expect("static regex is valid")
    });
    LABEL.is_match(text)
}

/// Whether a date line labels its date as a revision ("Updated March 14, 2021",
/// "Aktualisiert: 11.04.2020", "mis à jour le", "Cập nhật"), not as the publication.
pub fn names_revision(text: &str) -> bool {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)updated|\bupdate\b|modified|revised|aktualisiert|geändert|bearbeitet|editiert|mis à jour|modifié|actualizad[oa]|aggiornat[oa]|bijgewerkt|cập nhật",
        )
        .expect("static regex is valid")
    });
    LABEL.is_match(text)
}

/// Whether a text holds four ASCII digits in a row: every date [`find_date`] reads has its
/// year so, and most lines of a page have none, so this test spares them the patterns.
fn has_year_digits(text: &str) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run == 4 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

fn find_date(lower: &str) -> Option<NaiveDate> {
    let words = regex!(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2}),?\s+năm\s+(\d{4})");
    if let Some(c) = words.captures(lower) {
        return ymd(&c[3], &c[2], &c[1]);
    }
    // "ngày 24/12/12" (Zing 2012): a year of two digits, said to be a date by "ngày" (day).
    let short_year = regex!(r"ngày\s+(\d{1,2})/(\d{1,2})/(\d{2})(?:[^\d/]|$)");
    if let Some(c) = short_year.captures(lower) {
        return NaiveDate::from_ymd_opt(full_year(&c[3])?, c[2].parse().ok()?, c[1].parse().ok()?);
    }
    let dmy =
        regex!(r"(?:^|[^\d/.\-])(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?:[^\d]|$)");
    if let Some(c) = dmy.captures(lower) {
        // Day first; a date that only reads month first ("3/14/2025", US order) is that.
        let month_first = || (&c[2] != ".").then(|| ymd(&c[4], &c[1], &c[3])).flatten();
        return ymd(&c[4], &c[3], &c[1]).or_else(month_first);
    }
    // "26 | 01 | 2022": a site's date line with bars for separators, day first.
    let barred = regex!(r"(?:^|[^\d|])(\d{1,2})\s*\|\s*(\d{1,2})\s*\|\s*(\d{4})(?:[^\d|]|$)");
    if let Some(c) = barred.captures(lower) {
        return ymd(&c[3], &c[2], &c[1]);
    }
    let ymd_re = regex!(r"(?:^|[^\d])(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[^\d]|$)");
    if let Some(c) = ymd_re.captures(lower) {
        return ymd(&c[1], &c[2], &c[3]);
    }
    static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"(?:^|[^\p{{L}}])({})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?:[^\d]|$)",
            month_alternation()
        ))
        .expect("month regex is valid")
    });
    if let Some(c) = MONTH_DAY_YEAR.captures(lower) {
        return NaiveDate::from_ymd_opt(c[3].parse().ok()?, month(&c[1])?, c[2].parse().ok()?);
    }
    static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"(?:^|[^\d])(\d{{1,2}})(?:st|nd|rd|th|er)?(?:\.\s*|\s+)(?:de\s+)?({months})\.?(?:\s*/\s*(?:{months}))?,?\s+(?:de\s+)?(\d{{4}})(?:[^\d]|$)",
            months = month_alternation()
        ))
        .expect("month regex is valid")
    });
    if let Some(c) = DAY_MONTH_YEAR.captures(lower) {
        return NaiveDate::from_ymd_opt(c[3].parse().ok()?, month(&c[2])?, c[1].parse().ok()?);
    }
    None
}

/// Whether a lower-cased text spans days: a day, a connecting word or dash, then another day
/// with its month ("4. bis 6. november", "4.–6.11.", "du 4 au 6 juin", "june 4 – 6"). A time
/// after a dash ("01/12/2021 – 14:35") is no second day.
fn is_range(lower: &str) -> bool {
    static RANGE: LazyLock<Regex> = LazyLock::new(|| {
        let months = month_alternation();
        Regex::new(&format!(
            r"(?:^|[^\d])\d{{1,2}}(?:\.|\.?\s*(?:{months})\.?|\.\d{{1,2}}\.(?:\d{{2,4}})?)?\s*(?:bis|to|until|till|through|au|al|đến|–|—)\s*\d{{1,2}}(?:\.\s*|\s+)(?:de\s+)?(?:{months}|\d{{1,2}}\.)|(?:^|[^\p{{L}}])(?:{months})\.?\s+\d{{1,2}}\s*(?:to|until|through|thru|–|—|-)\s*(?:(?:{months})\.?\s+)?\d{{1,2}}(?:[^\d:]|$)"
        ))
        .expect("range regex is valid")
    });
    RANGE.is_match(lower)
}

fn find_time(lower: &str) -> Option<NaiveTime> {
    let re = regex!(
        r"(?:^|[^\d])(\d{1,2})\s*(?::|h)\s*(\d{2})(?:\s*:\s*(\d{2}))?(?:\s*(am\b|pm\b|a\.\s?m\.|p\.\s?m\.|sa\b|ch\b|sáng|chiều|tối))?"
    );
    let c = re.captures(lower)?;
    let mut hour: u32 = c[1].parse().ok()?;
    // "10:28 pm", "10:28 p.m." (as American papers write it), "10:28 CH" (chiều), "04:00
    // chiều" (afternoon) and "11:05 tối" (evening) as Zing wrote them in 2012.
    let part = c.get(4).map(|m| m.as_str().replace(['.', ' '], ""));
    match part.as_deref() {
        Some("pm" | "ch" | "chiều" | "tối") if hour < 12 => hour += 12,
        Some("am" | "sa" | "sáng") if hour == 12 => hour = 0,
        _ => {}
    }
    hms(&hour.to_string(), &c[2], c.get(3).map(|m| m.as_str()))
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn hms(h: &str, m: &str, s: Option<&str>) -> Option<NaiveTime> {
    let s = match s {
        Some(s) => s.parse().ok()?,
        None => 0,
    };
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, s)
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    if s.eq_ignore_ascii_case("z") {
        return FixedOffset::east_opt(0);
    }
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 4 {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

fn with_offset(naive: NaiveDateTime, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    offset.from_local_datetime(&naive).single()
}

/// Rejects dates no news page can carry: before the web, or later than the day after the
/// reference day (the fetch day; see [`ReferenceDay`]).
fn plausible(t: ArticleTime) -> Option<ArticleTime> {
    let day = t.date();
    let earliest = NaiveDate::from_ymd_opt(1990, 1, 1)?;
    let too_late = reference_day()
        .and_then(|reference| reference.succ_opt())
        .is_some_and(|latest| day > latest);
    (day >= earliest && !too_late).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_digit_years_are_a_last_resort() {
        let t = |s: &str| parse_short_year(s, LocalZone::Unknown).map(|t| t.to_string());
        assert_eq!(t("02.12.19").as_deref(), Some("2019-12-02"));
        assert_eq!(
            t("macbacchi 28.09.19 12:44 hallo").as_deref(),
            Some("2019-09-28")
        );
        assert_eq!(
            t("von Klaus-Peter Schöppner, 8.5.12").as_deref(),
            Some("2012-05-08")
        );
        assert_eq!(t("31.10.23 / 0 Kommentare").as_deref(), Some("2023-10-31"));
        // Version numbers and full dates are not this.
        assert_eq!(t("Version 1.2.19.4"), None);
        assert_eq!(t("32.13.19"), None);
        assert_eq!(t("Ausgabe 02.12.2019"), None);
    }

    #[test]
    fn dates_are_judged_against_the_reference_day_not_the_clock() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let short = |s: &str| parse_short_year(s, LocalZone::Unknown).map(|t| t.to_string());
        let visible = |s: &str| parse_visible(s, LocalZone::Vietnam).map(|t| t.to_string());
        // No reference: no upper bound, and two-digit years as strptime reads them.
        assert_eq!(visible("Thứ Hai, 7/6/2032").as_deref(), Some("2032-06-07"));
        assert_eq!(short("02.12.68").as_deref(), Some("2068-12-02"));
        assert_eq!(short("02.12.95").as_deref(), Some("1995-12-02"));
        {
            let _fetched = ReferenceDay::set(day("2020-03-01"));
            // A day after the fetch day passes (time zones), two days do not.
            assert_eq!(visible("2/3/2020").as_deref(), Some("2020-03-02"));
            assert_eq!(visible("3/3/2020"), None);
            {
                let _fetched = ReferenceDay::set(day("2021-12-05"));
                assert_eq!(short("02.12.21").as_deref(), Some("2021-12-02"));
                // 2023 would be after next year, and 1923 is before the web.
                assert_eq!(short("02.12.23"), None);
                assert_eq!(short("02.12.95").as_deref(), Some("1995-12-02"));
            }
            {
                let _inner = ReferenceDay::set(day("2032-06-07"));
                assert_eq!(visible("Thứ Hai, 7/6/2032").as_deref(), Some("2032-06-07"));
            }
            // The outer reference is back.
            assert_eq!(visible("Thứ Hai, 7/6/2032"), None);
        }
        assert_eq!(visible("Thứ Hai, 7/6/2032").as_deref(), Some("2032-06-07"));
    }

    #[test]
    fn a_shown_time_is_read_as_written_in_twelve_or_twenty_four_hours() {
        let t = |s: &str| shown_local_time(s).map(|t| t.to_string());
        assert_eq!(
            t("Published Nov. 8, 2023, 10:28 p.m. ET").as_deref(),
            Some("2023-11-08 22:28:00")
        );
        assert_eq!(
            t("PUBLISHED: November 8, 2023 at 11:30 PM").as_deref(),
            Some("2023-11-08 23:30:00")
        );
        assert_eq!(
            t("Nov 9, 2023 12:05 a.m.").as_deref(),
            Some("2023-11-09 00:05:00")
        );
        assert_eq!(
            t("08.11.2023, 17:49:12 Uhr").as_deref(),
            Some("2023-11-08 17:49:12")
        );
        // A day alone, a range of days, a time labelled as UTC: no local clock read.
        assert_eq!(t("November 8, 2023"), None);
        assert_eq!(t("June 4 – 6, 2021, 10:00"), None);
        assert_eq!(t("30 April 2019 13:10 GMT"), None);
    }

    fn vn(s: &str) -> Option<String> {
        parse_visible(s, LocalZone::Vietnam).map(|t| t.to_string())
    }

    #[test]
    fn vietnamese_date_lines() {
        assert_eq!(vn("Thứ Tư, 1/12/2021").as_deref(), Some("2021-12-01"));
        assert_eq!(
            vn("01/12/2021 14:35").as_deref(),
            Some("2021-12-01T14:35:00+07:00")
        );
        assert_eq!(
            vn("Thứ Tư, 01/12/2021 - 14:35").as_deref(),
            Some("2021-12-01T14:35:00+07:00")
        );
        assert_eq!(
            vn("1/12/2021 | 14:35 GMT+7").as_deref(),
            Some("2021-12-01T14:35:00+07:00")
        );
        assert_eq!(
            vn("14:35 ngày 01/12/2021").as_deref(),
            Some("2021-12-01T14:35:00+07:00")
        );
        assert_eq!(
            vn("ngày 1 tháng 12 năm 2021").as_deref(),
            Some("2021-12-01")
        );
        assert_eq!(
            vn("Cập nhật: 08h05 ngày 2/1/2022").as_deref(),
            Some("2022-01-02T08:05:00+07:00")
        );
        // Zing 2012: a year of two digits after "ngày", the time with the part of the day.
        assert_eq!(
            vn("Cập nhật thứ hai, ngày 24/12/12 11:05 tối").as_deref(),
            Some("2012-12-24T23:05:00+07:00")
        );
        assert_eq!(
            vn("Cập nhật thứ sáu, ngày 30/11/12 04:00 chiều").as_deref(),
            Some("2012-11-30T16:00:00+07:00")
        );
        assert_eq!(
            vn("ngày 30/11/12 09:15 sáng").as_deref(),
            Some("2012-11-30T09:15:00+07:00")
        );
    }

    #[test]
    fn leads_without_a_year_are_not_dates() {
        assert_eq!(vn("Sáng 8/8, Thủ tướng đã chủ trì hội nghị"), None);
        // Two digits of year are a year only after "ngày": a score or a ratio is not.
        assert_eq!(vn("Tỷ số 24/12/12 sau ba hiệp"), None);
        assert_eq!(vn("Trong ngày 8/8, giá vàng tăng"), None);
    }

    #[test]
    fn machine_values_keep_their_offset() {
        let t = parse_machine("2021-12-01T14:35:00+07:00", LocalZone::Unknown).unwrap();
        assert_eq!(t.to_string(), "2021-12-01T14:35:00+07:00");
        let t = parse_machine("2021-12-01T07:35:00.000Z", LocalZone::Vietnam).unwrap();
        assert_eq!(t.to_string(), "2021-12-01T07:35:00Z");
        let t = parse_machine("2021-12-01 14:35:00", LocalZone::Vietnam).unwrap();
        assert_eq!(t.to_string(), "2021-12-01T14:35:00+07:00");
        // Seconds written with one digit keep the offset after them.
        let t = parse_machine("2020-12-05T23:15:0Z", LocalZone::Unknown).unwrap();
        assert_eq!(t.to_string(), "2020-12-05T23:15:00Z");
        let t = parse_machine("2021-12-01T14:35:00+0700", LocalZone::Unknown).unwrap();
        assert_eq!(t.to_string(), "2021-12-01T14:35:00+07:00");
        let t = parse_machine("2021-12-01 14:35", LocalZone::Unknown).unwrap();
        assert_eq!(t.to_string(), "2021-12-01");
    }

    #[test]
    fn english_dates() {
        let t = parse_visible("Published December 1, 2021 at 2:35 pm", LocalZone::Unknown);
        assert_eq!(t.map(|t| t.to_string()).as_deref(), Some("2021-12-01"));
        let t = parse_visible("1st Dec 2021", LocalZone::Unknown);
        assert_eq!(t.map(|t| t.to_string()).as_deref(), Some("2021-12-01"));
        // Numbers are day first, unless only month first reads as a date (US order).
        let day = |s: &str| parse_visible(s, LocalZone::Unknown).map(|t| t.to_string());
        assert_eq!(day("Posted 3/14/2025").as_deref(), Some("2025-03-14"));
        assert_eq!(day("03/04/2025").as_deref(), Some("2025-04-03"));
        assert_eq!(day("14.3.2025").as_deref(), Some("2025-03-14"));
        // Dots are never month first.
        assert_eq!(day("3.14.2025"), None);
        // Bars between day, month and year, as one Swiss site writes them.
        assert_eq!(day("26 | 01 | 2022").as_deref(), Some("2022-01-26"));
        assert_eq!(
            day("Schweiz | 26 | 01 | 2022 | Praxis").as_deref(),
            Some("2022-01-26")
        );
        // Numbers in a table row are no date: the year must have four digits, the day and
        // month must be valid.
        assert_eq!(day("26 | 13 | 2022"), None);
        assert_eq!(day("3 | 4 | 5"), None);
    }

    #[test]
    fn date_lines_are_not_sentences() {
        assert!(is_date_line(
            "Thứ Tư, 01/12/2021 - 14:35",
            LocalZone::Vietnam
        ));
        assert!(is_date_line(
            "Cập nhật: 14:35 ngày 01/12/2021 GMT+7",
            LocalZone::Vietnam
        ));
        assert!(!is_date_line(
            "Hội nghị diễn ra ngày 1/12/2021 tại Hà Nội.",
            LocalZone::Vietnam
        ));
    }

    #[test]
    fn european_month_names() {
        let day = |s: &str| parse_visible(s, LocalZone::Unknown).map(|t| t.to_string());
        assert_eq!(day("12. Juli 2017").as_deref(), Some("2017-07-12"));
        assert_eq!(
            day("Veröffentlicht am 3. März 2020").as_deref(),
            Some("2020-03-03")
        );
        assert_eq!(day("le 1er décembre 2021").as_deref(), Some("2021-12-01"));
        assert_eq!(day("27 de junio de 2019").as_deref(), Some("2019-06-27"));
        assert_eq!(day("September 5, 2019").as_deref(), Some("2019-09-05"));
    }

    #[test]
    fn month_names_of_more_languages() {
        let cases = [
            ("15 августа 2016, 13:43", Some("2016-08-15")),
            ("duminică, 20 septembrie 2020", Some("2020-09-20")),
            ("الأربعاء، 07 أكتوبر 2020 12:19 م", Some("2020-10-07")),
            ("3 listopada 2021", Some("2021-11-03")),
            ("5. listopadu 2019", Some("2019-11-05")),
            ("12 листопада 2020", Some("2020-11-12")),
            ("14 Ekim 2020", Some("2020-10-14")),
            ("17 maj 2021", Some("2021-05-17")),
            ("9 de juliol de 2018", Some("2018-07-09")),
            // The Levant's month names, alone or beside the Latin ones.
            (
                "تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً",
                Some("2020-04-24"),
            ),
            ("الثلاثاء 3 تشرين الثاني 2020", Some("2020-11-03")),
            ("15 آب 2019", Some("2019-08-15")),
            // A link around the month leaves no space after the day's dot.
            ("8.Dezember 2010 um 09:43", Some("2010-12-08")),
            // A month name needs its day and year.
            ("Ekim ayında", None),
        ];
        for (line, day) in cases {
            let got = parse_visible(line, LocalZone::Unknown).map(|t| t.to_string());
            assert_eq!(got.as_deref().map(|t| &t[..10]), day, "{line}");
        }
    }

    #[test]
    fn the_days_of_an_event_are_not_a_date_line() {
        let ranges = [
            "Ausstellungsdauer: 4. November bis 2. Dezember 2023",
            "4.–6. November 2023",
            "vom 4.11. bis 6.11.2023",
            "du 4 au 6 juin 2021",
            "del 4 al 6 de junio de 2021",
            "June 4 – 6, 2021",
            "June 4 to July 6, 2021",
        ];
        for line in ranges {
            assert_eq!(parse_visible(line, LocalZone::Unknown), None, "{line}");
        }
        // A time after a dash is no second day, nor a reading time after the year.
        let dates = [
            ("Thứ Tư, 01/12/2021 – 14:35", "2021-12-01"),
            ("1.12.2021 – 14.35 Uhr", "2021-12-01"),
            ("June 4, 2021 - 10 min read", "2021-06-04"),
            ("5 June 2020 – 14 comments", "2020-06-05"),
        ];
        for (line, day) in dates {
            let got = parse_visible(line, LocalZone::Unknown).map(|t| t.to_string());
            assert_eq!(got.as_deref().map(|t| &t[..10]), Some(day), "{line}");
        }
    }

    #[test]
    fn a_numeric_day_has_a_month_first_reading_only_when_it_reads_both_ways() {
        let reading = |v: &str| month_first_reading(v).map(|d| d.to_string());
        assert_eq!(reading("03-09-2026").as_deref(), Some("2026-03-09"));
        assert_eq!(reading("03/09/2026 10:00").as_deref(), Some("2026-03-09"));
        // One reading only, the same day both ways, dots (always day first), ISO.
        assert_eq!(reading("06/13/2019"), None);
        assert_eq!(reading("13/06/2019"), None);
        assert_eq!(reading("05-05-2020"), None);
        assert_eq!(reading("03.09.2026"), None);
        assert_eq!(reading("2026-03-09"), None);
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(vn("31/02/2021"), None);
        assert_eq!(vn("01/01/1850"), None);
    }
}
