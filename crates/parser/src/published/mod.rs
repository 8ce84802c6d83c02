//! Publication and modification times: the order of evidence between metadata, the visible
//! date lines (`visible`), the URL and scripts (`url_and_scripts`), and the page's time zone.
//! Parsing a date string is [`crate::dates`]'s; choosing which of the page's dates is its own
//! is here.

mod url_and_scripts;
mod visible;

pub(crate) use url_and_scripts::*;
pub(crate) use visible::*;

use crate::dates::{self, LocalZone};
use crate::dom::Attribute;
use crate::{content, dom, language, meta};
use chrono::Timelike;
use scraper::Html;
use tinstream_model::ArticleTime;
use url::Url;

/// The time zone of the page's times: Vietnam's for a Vietnamese site (by domain, declared
/// language or text), else the zone or zones of the site's country domain.
pub(crate) fn local_zone(url: &Url, meta: &meta::Meta, blocks: &dom::Blocks) -> LocalZone {
    let by_host = url.host_str().and_then(LocalZone::of_host);
    let declared_vi = meta
        .html_lang
        .as_deref()
        .is_some_and(|l| l.to_ascii_lowercase().starts_with("vi"));
    if declared_vi {
        return LocalZone::Vietnam;
    }
    if let Some(zone) = by_host {
        return zone;
    }
    let sample: String = blocks
        .blocks
        .iter()
        .filter(|b| b.chars > 60)
        .take(10)
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    // Vietnamese is written with letters no other language uses (ư, ơ, đ, ạ, ả, …): without
    // them the detector, a cost on every page, cannot say Vietnamese.
    if !sample.chars().any(is_vietnamese_letter) {
        return LocalZone::Unknown;
    }
    match language::detect(&sample, None).as_deref() {
        Some("vi") => LocalZone::Vietnam,
        _ => LocalZone::Unknown,
    }
}

/// A letter of the Vietnamese alphabet that other languages written in Latin letters hardly
/// use: đ, ư, ơ and the vowels with a dot below or a hook above, or, in text that arrives
/// decomposed, the hook, dot and horn marks themselves. A gate before the detector, which
/// decides.
pub(crate) fn is_vietnamese_letter(c: char) -> bool {
    matches!(
        c,
        'đ' | 'Đ' | 'ư' | 'Ư' | 'ơ' | 'Ơ' | '\u{1EA0}'
            ..='\u{1EF9}' | '\u{0309}' | '\u{031B}' | '\u{0323}'
    )
}

/// The time a site rule's element gives: its `datetime` or `content` attribute, else its text.
pub(crate) fn rule_time(
    html: &Html,
    selector: &scraper::Selector,
    zone: LocalZone,
) -> Option<ArticleTime> {
    let element = html.select(selector).next()?;
    let attribute = ["datetime", "content"]
        .iter()
        .find_map(|a| element.value().attribute(a))
        .and_then(|v| dates::parse_machine(v, zone));
    attribute.or_else(|| dates::parse_visible(&element.text().collect::<String>(), zone))
}

/// `<meta>` names that say "published".
pub(crate) const PUBLISHED_TAGS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "dc.date.issued",
    "dcterms.created",
    "parsely-pub-date",
    "cxenseparse:recs:publishtime",
    "published",
    "published-date",
    "published_date",
    "publication-date",
    "publication_date",
];

/// `<meta>` names that only say "date": weaker than any date the page shows (content
/// management systems rewrite them on every save), used when nothing else gives one.
pub(crate) const DATE_TAGS: &[&str] = &["dc.date", "date", "sailthru.date"];

pub(crate) const MODIFIED_TAGS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "lastmod",
    "last-modified",
    "article.updated",
];

/// The publication time the page states, from its metadata, URL and date lines.
/// `month_first_day`: the declared publication's day when the metadata writes its numeric
/// days month first ([`month_first_publication`]).
pub(crate) fn published_at(
    url: &Url,
    html: &Html,
    blocks: &dom::Blocks,
    meta: &meta::Meta,
    content: &content::Content,
    zone: LocalZone,
    month_first_day: Option<chrono::NaiveDate>,
) -> Option<ArticleTime> {
    // The values that name themselves the publication time, in order of trust; then the
    // `<time>` elements and the rest.
    let declared: Vec<ArticleTime> = declared_publication_values(meta)
        .iter()
        .filter_map(|v| dates::parse_machine(v, zone))
        .collect();

    // A microdata element holding its date as text ("December 7, 2020") states it as the
    // page shows it, no more: no vote among the declared values.
    let microdata_shown = meta
        .microdata_published
        .as_ref()
        .filter(|m| m.shown)
        .and_then(|m| dates::parse_visible(&m.value, zone));
    let candidates: Vec<ArticleTime> = declared
        .iter()
        .copied()
        .chain(microdata_shown)
        .chain(
            meta.time_datetimes
                .iter()
                .map(String::as_str)
                .chain(meta.ld.page_date_published.as_deref())
                .chain(meta.trackback_date.as_deref())
                .filter_map(|v| dates::parse_machine(v, zone)),
        )
        .collect();
    // The generic date tags are too often rewritten to choose the day (they come last), but
    // one that names the same instant in the site's own offset shows what day its readers saw.
    let generic: Vec<ArticleTime> = DATE_TAGS
        .iter()
        .filter_map(|k| meta.tag(&[k]))
        .filter_map(|v| dates::parse_machine(v, zone))
        .collect();
    let same_instant: Vec<ArticleTime> = candidates.iter().chain(&generic).copied().collect();
    // The day the page shows, read at most once and only when the metadata leaves a doubt.
    let shown = std::cell::OnceCell::new();
    let shown_day = || *shown.get_or_init(|| shown_day(html, content, zone));
    // The times the date lines around the title show, as written. Not the elements named as
    // dates: finding those walks the whole page, which would cost every page whose metadata
    // is in UTC some 4 % of its extraction time for a few more offsets (42 pages of
    // htmldate-eval take their offset from the date lines, 13 more would from the elements).
    let shown_times = || {
        content
            .date_lines
            .iter()
            .filter_map(|line| dates::shown_local_time(line))
    };
    let machine = candidates.first().map(|first| {
        if let Some(day) = month_first_day {
            return on_day(*first, day);
        }
        let local = local_offset(*first, &same_instant, zone, shown_times());
        // A site may show its times in UTC all the same ("26/12/2019" beside
        // 2019-12-26T23:07:45+00:00): the day it shows wins over the day of its country.
        if local.date() != first.date() && shown_day() == Some(first.date()) {
            return *first;
        }
        // Declared values that disagree (a JSON-LD day two days before the Open Graph one):
        // the one naming the day the page shows. Read only then, the page's text costs
        // nothing on the many pages whose metadata agrees.
        let others: Vec<ArticleTime> = declared
            .iter()
            .skip(1)
            .map(|t| local_offset(*t, &same_instant, zone, shown_times()))
            .filter(|t| t.date() != local.date())
            .collect();
        if !others.is_empty() {
            if let Some(day) = shown_day().filter(|d| *d != local.date()) {
                if let Some(other) = others.into_iter().find(|t| t.date() == day) {
                    return other;
                }
            }
        }
        local
    });
    // Metadata first, then the day in the URL, then elements named as dates, then the date
    // lines around the title.
    // A full date in the URL is what the site filed the article under; metadata that
    // disagrees with it is more often a re-save than a publication, unless it is the next
    // day: filed in the evening, published in the morning. When they agree, the metadata's
    // time and offset are kept.
    let filed = match (date_in_url(url), machine) {
        (Some(day), Some(meta))
            if day.date() != meta.date() && !published_the_day_after_filing(day, meta) =>
        {
            found("url over metadata", Some(day))
        }
        // A day in the URL and no metadata: the time of day the page shows on that day
        // ("19/12/2012 17:41" under /pages/20121219/) completes it.
        (Some(ArticleTime::Date(day)), None) => {
            match shown_time_on(html, blocks, content, zone, day, true) {
                Some(time) => found("url, with the time the page shows", Some(time)),
                None => found("url", Some(ArticleTime::Date(day))),
            }
        }
        (day, None) => found("url", day),
        (_, stated) => match stated
            .and_then(|p| shown_revision(html, content, meta, p, zone, month_first_day.is_some()))
        {
            Some(revision) => found("revision the page shows", Some(revision)),
            // A day alone in the metadata (Dân trí 2012's `itemprop="datePublished"`
            // "2012-12-25" over "Thứ Ba, 25/12/2012 - 10:03"): the time the page shows on it
            // in its lines. Not in the elements named as dates: walking the page for them
            // would cost every such page for the few that show their time only there.
            None => match stated {
                Some(ArticleTime::Date(day)) => {
                    match shown_time_on(html, blocks, content, zone, day, false) {
                        Some(time) => {
                            found("metadata's day, with the time the page shows", Some(time))
                        }
                        None => found("metadata", stated),
                    }
                }
                _ => found("metadata", stated),
            },
        },
    };
    filed
        .or_else(|| {
            found(
                "labelled line",
                labelled_publication_line(html, blocks, zone),
            )
        })
        .or_else(|| found("date element", date_elements(html, zone)))
        .or_else(|| found("date line", date_line(content, zone)))
        .or_else(|| found("generic date meta", generic.first().copied()))
}

/// A time of day the page shows on `day`: in a line labelled as the publication or a date line
/// around the title; with `elements`, also in an element named as a date, which is found by
/// walking the whole page.
fn shown_time_on(
    html: &Html,
    blocks: &dom::Blocks,
    content: &content::Content,
    zone: LocalZone,
    day: chrono::NaiveDate,
    elements: bool,
) -> Option<ArticleTime> {
    // Each looked for only when the one before gives no time on that day.
    let on_day = |t: &ArticleTime| matches!(t, ArticleTime::DateTime(_)) && t.date() == day;
    labelled_publication_line(html, blocks, zone)
        .filter(on_day)
        .or_else(|| date_line(content, zone).filter(on_day))
        .or_else(|| {
            elements
                .then(|| date_elements(html, zone))
                .flatten()
                .filter(on_day)
        })
}

/// The values that name themselves the publication time, as written, in order of trust.
pub(crate) fn declared_publication_values(meta: &meta::Meta) -> Vec<&str> {
    meta.ld
        .date_published
        .iter()
        .map(String::as_str)
        .chain(PUBLISHED_TAGS.iter().filter_map(|k| meta.tag(&[k])))
        .chain(
            meta.microdata_published
                .as_ref()
                .filter(|m| !m.shown)
                .map(|m| m.value.as_str()),
        )
        .collect()
}

/// The day of the first declared publication value read month first, when it is a numeric
/// day that reads both ways and the page shows it month first: "03-09-2026" in
/// `article:published_time`, read day first like every such day, under "Published March 9,
/// 2026". `shown_day` is asked only of such a value.
pub(crate) fn month_first_publication(
    declared_values: &[&str],
    zone: LocalZone,
    shown_day: impl FnOnce() -> Option<chrono::NaiveDate>,
) -> Option<chrono::NaiveDate> {
    let day = declared_values
        .iter()
        .find(|v| dates::parse_machine(v, zone).is_some())
        .and_then(|v| dates::month_first_reading(v))?;
    (shown_day() == Some(day)).then_some(day)
}

/// `time` moved to `day`, at the same time of day and offset.
pub(crate) fn on_day(time: ArticleTime, day: chrono::NaiveDate) -> ArticleTime {
    match time {
        ArticleTime::Date(_) => ArticleTime::Date(day),
        ArticleTime::DateTime(t) => {
            chrono::TimeZone::from_local_datetime(t.offset(), &day.and_time(t.time()))
                .single()
                .map_or(ArticleTime::Date(day), ArticleTime::DateTime)
        }
    }
}

/// Whether `meta` is the day after the one in the URL wherever the page is read: the story
/// was filed one day and published the next (a newsroom's URL names the day it was created).
/// A time with the site's own offset is read on its stated day; a UTC one must fall on the
/// next day from UTC−10 (Hawaii) eastwards, or it may be the URL's day for the site's readers.
pub(crate) fn published_the_day_after_filing(url: ArticleTime, meta: ArticleTime) -> bool {
    /// Hours past midnight UTC from which a time is the same day at UTC−10.
    const SAME_DAY_WEST_OF_UTC_HOURS: u32 = 10;
    let ArticleTime::DateTime(meta) = meta else {
        return false;
    };
    meta.date_naive() == url.date() + chrono::Days::new(1)
        && (meta.offset().local_minus_utc() != 0
            || chrono::Timelike::hour(&meta) >= SAME_DAY_WEST_OF_UTC_HOURS)
}

/// Most days a story's revision may follow its first publication and still be the story as
/// its readers got it: one news cycle. A page shown under a day months later is an old page
/// refreshed, whose first publication the metadata keeps.
pub(crate) const NEWS_CYCLE_DAYS: i64 = 7;

/// The metadata's modified time, when the page shows that day as the story's date and the
/// published day nowhere ("Mittwoch, 26.01.2022 - 14:30" over a hidden
/// `article:published_time` of the 25th, a press release dated the morning after the evening
/// it was entered). The date shown first must not be labelled as a revision ("Updated March
/// 14"), and the revision must come within a news cycle of the publication.
pub(crate) fn shown_revision(
    html: &Html,
    content: &content::Content,
    meta: &meta::Meta,
    published: ArticleTime,
    zone: LocalZone,
    month_first: bool,
) -> Option<ArticleTime> {
    let modified = modified_at(html, meta, zone, month_first)?;
    let gap = (modified.date() - published.date()).num_days();
    if !(1..=NEWS_CYCLE_DAYS).contains(&gap) {
        return None;
    }
    let shown: Vec<(ArticleTime, String)> = date_element_texts(html)
        .chain(content.date_lines.iter().cloned())
        .filter_map(|text| dates::parse_visible(&text, zone).map(|t| (t, text)))
        .collect();
    let (first, first_text) = shown.first()?;
    let shows_revision = first.date() == modified.date()
        && !dates::names_revision(first_text)
        && shown.iter().all(|(t, _)| t.date() != published.date());
    // The time as the page shows it ("07.11.2023, 07:30 Uhr" beside a re-save at 10:14),
    // or the metadata's when the page shows the day alone.
    shows_revision.then_some(match first {
        ArticleTime::DateTime(_) => *first,
        ArticleTime::Date(_) => modified,
    })
}

/// `time`, passed through, with a debug event naming where it was found: which of the many
/// places a page may state its date won is what explains a wrong one.
pub(crate) fn found(source: &'static str, time: Option<ArticleTime>) -> Option<ArticleTime> {
    if let Some(t) = &time {
        tracing::debug!(source, date = %t, "publication date");
    }
    time
}

/// A time given in UTC ("2019-10-18T22:04:00Z") is shown in the page's own offset when the
/// page says it elsewhere: the same instant with an offset ("Sat, 19 Oct 2019 00:04:00
/// +0200"), or the same minute shown to readers in their clock (`shown`, the date lines'
/// times as written: "Nov. 8, 2023, 10:28 p.m. ET" beside 2023-11-09T03:28:35Z); else in the
/// page's zone when known (Vietnam's, or its country domain's). The day a reader sees is the
/// local one.
pub(crate) fn local_offset(
    time: ArticleTime,
    others: &[ArticleTime],
    zone: LocalZone,
    shown: impl IntoIterator<Item = chrono::NaiveDateTime>,
) -> ArticleTime {
    let ArticleTime::DateTime(utc) = time else {
        return time;
    };
    if utc.offset().local_minus_utc() != 0 {
        return time;
    }
    let same_instant = others.iter().find_map(|other| match other {
        ArticleTime::DateTime(t) if t.offset().local_minus_utc() != 0 && *t == utc => Some(*t),
        _ => None,
    });
    if let Some(local) = same_instant {
        return ArticleTime::DateTime(local);
    }
    if let Some(offset) = shown_offset(utc, shown) {
        return ArticleTime::DateTime(utc.with_timezone(&offset));
    }
    match zone.day_zone(utc) {
        Some(tz) => ArticleTime::DateTime(utc.with_timezone(&tz).fixed_offset()),
        None => time,
    }
}

/// The offset under which one of the times a page shows is `utc`'s minute: the first shown
/// time that differs from it by an offset some place keeps (whole hours from UTC−12 to
/// UTC+14, and the half and three-quarter hours in use). A page that shows the UTC time
/// itself has offset zero. Times are compared to the minute, as pages show them.
pub(crate) fn shown_offset(
    utc: chrono::DateTime<chrono::FixedOffset>,
    shown: impl IntoIterator<Item = chrono::NaiveDateTime>,
) -> Option<chrono::FixedOffset> {
    /// Offsets in use that are not whole hours, in minutes east of UTC.
    const FRACTIONAL_MINUTES: &[i32] = &[-570, -210, 210, 270, 330, 345, 390, 525, 570, 630, 765];
    let minute = |t: chrono::NaiveDateTime| {
        t.with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(t)
    };
    let at = minute(utc.naive_utc());
    shown.into_iter().find_map(|local| {
        let minutes = i32::try_from((minute(local) - at).num_minutes()).ok()?;
        let in_use = (minutes % 60 == 0 && (-12 * 60..=14 * 60).contains(&minutes))
            || FRACTIONAL_MINUTES.contains(&minutes);
        in_use
            .then(|| chrono::FixedOffset::east_opt(minutes * 60))
            .flatten()
    })
}

/// The time the metadata declares the page last modified, else the revision a wiki's footer
/// shows. `month_first`: the page's metadata writes its numeric days month first (its
/// publication says so, [`month_first_publication`]).
pub(crate) fn modified_at(
    html: &Html,
    meta: &meta::Meta,
    zone: LocalZone,
    month_first: bool,
) -> Option<ArticleTime> {
    meta.ld
        .date_modified
        .iter()
        .map(String::as_str)
        .chain(MODIFIED_TAGS.iter().filter_map(|k| meta.tag(&[k])))
        .chain(meta.microdata_modified.as_ref().map(|m| m.value.as_str()))
        .find_map(|v| {
            let time = dates::parse_machine(v, zone)?;
            Some(
                match dates::month_first_reading(v).filter(|_| month_first) {
                    Some(day) => on_day(time, day),
                    None => time,
                },
            )
        })
        .or_else(|| wiki_revision(html, meta, zone))
}

/// The time of the revision a MediaWiki page shows, from the footer line it writes in the
/// wiki's language ("Diese Seite wurde zuletzt am 29. Januar 2020 um 13:22 Uhr geändert.",
/// "This page was last edited on 25 October 2019, at 15:47").
pub(crate) fn wiki_revision(
    html: &Html,
    meta: &meta::Meta,
    zone: LocalZone,
) -> Option<ArticleTime> {
    // Asked of MediaWiki's pages alone, which name their generator: no other page pays for
    // the search.
    if !meta
        .tag(&["generator"])
        .is_some_and(|g| g.starts_with("MediaWiki"))
    {
        return None;
    }
    static LAST_MODIFIED: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("#footer-info-lastmod").expect("static selector is valid")
    });
    let footer = html.select(&LAST_MODIFIED).next()?;
    dates::parse_visible(&meta::text_of(footer), zone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pages::*;
    use crate::*;

    #[test]
    fn the_same_page_fetched_at_the_same_time_gives_the_same_record_on_any_day() {
        // A page dated 2031: a date after the fetch is not the page's, whatever today is.
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Đoạn {i}: Hội đồng nhân dân thành phố thông qua nghị quyết về kế hoạch \
                     đầu tư công trung hạn, với nhiều dự án giao thông trọng điểm.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Thông qua nghị quyết đầu tư công</title></head><body>\
             <h1>Thông qua nghị quyết đầu tư công</h1><p class=\"date\">Thứ Ba, 14/1/2031</p>\
             <div class=\"noi-dung\">{paragraphs}</div></body></html>"
        );
        let url = Url::parse("https://tinh.example.vn/tin-tuc/nghi-quyet-4412345.html").unwrap();
        let record = |fetched_at: &str| {
            let page = Page {
                bytes: html.as_bytes(),
                url: &url,
                http_charset: None,
                fetched_at: fetched_at.parse().unwrap(),
            };
            match Parser::default().parse(page) {
                Ok(Extraction::Article(a)) => *a,
                other => panic!("not an article: {other:?}"),
            }
        };
        let fetched_then = record("2031-01-14T03:00:00Z");
        assert_eq!(
            fetched_then.published_at.map(|t| t.to_string()).as_deref(),
            Some("2031-01-14")
        );
        assert_eq!(record("2031-01-14T03:00:00Z"), fetched_then);
        // Fetched years before the date it shows: that date cannot be its publication.
        assert_eq!(record("2026-12-02T03:00:00Z").published_at, None);
    }

    #[test]
    fn the_day_in_the_address_takes_the_time_the_page_shows_on_it() {
        let paragraphs = numbered_paragraphs(
            4,
            "Đoạn",
            "Tòa án nhân dân thành phố mở phiên xét xử sơ thẩm vụ án mua bán trái phép chất \
             ma túy với năm bị cáo.",
        );
        let published = |date_line: &str| {
            let html = format!(
                "<html><head><title>Năm bị cáo lãnh án</title></head><body>\
                 <h1>Năm bị cáo lãnh án</h1><span class=\"date-line\">{date_line}</span>\
                 <div class=\"noi-dung\">{paragraphs}</div></body></html>"
            );
            parsed_article(
                &html,
                "http://bao.example.vn/pages/20121219/nam-bi-cao.aspx",
            )
            .published_at
            .map(|t| t.to_string())
        };
        // The address gives the day, the date line the time of day on it.
        assert_eq!(
            published("19/12/2012 17:41").as_deref(),
            Some("2012-12-19T17:41:00+07:00")
        );
        // A time shown on another day is not the address's day's: the day alone stays.
        assert_eq!(published("20/12/2012 08:00").as_deref(), Some("2012-12-19"));
    }

    #[test]
    fn a_day_alone_in_the_metadata_takes_the_time_the_page_shows_on_it() {
        let body = numbered_paragraphs(
            3,
            "Đoạn",
            "công chức, viên chức sẽ được nghỉ chín ngày liên tục trong dịp Tết Âm lịch năm \
             nay theo thông báo mới của thành phố.",
        );
        let published = |line: &str| {
            let html = format!(
                "<html lang=\"vi\"><head><title>Chốt lịch nghỉ Tết</title>\
                 <meta itemprop=\"datePublished\" content=\"2012-12-25\"></head><body>\
                 <span class=\"time\">{line}</span><h1>Chốt lịch nghỉ Tết</h1>\
                 <div class=\"content\">{body}</div></body></html>"
            );
            parsed_article(
                &html,
                "https://bao.example.vn/chot-lich-nghi-tet-677792.htm",
            )
            .published_at
            .map(|t| t.to_string())
        };
        // Dân trí 2012: the day in microdata, its time in the line over the headline.
        assert_eq!(
            published("Thứ Ba, 25/12/2012 - 10:03").as_deref(),
            Some("2012-12-25T10:03:00+07:00")
        );
        // A time shown on another day is another time: the day stands alone.
        assert_eq!(
            published("Thứ Hai, 24/12/2012 - 10:03").as_deref(),
            Some("2012-12-25")
        );
    }

    #[test]
    fn a_sitemap_s_date_beats_a_guess_but_not_what_the_page_states() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Đoạn {i}: Ủy ban nhân dân tỉnh vừa tổ chức hội nghị triển khai kế hoạch \
                     phát triển kinh tế - xã hội năm tới với sự tham gia của các sở, ngành.</p>"
                )
            })
            .collect();
        let page = |head: &str| {
            format!(
                "<html><head><title>Hội nghị triển khai kế hoạch</title>{head}</head><body>\
                 <h1>Hội nghị triển khai kế hoạch</h1><div class=\"noi-dung\">{paragraphs}</div>\
                 <p>Lượt xem: 120 - Cập nhật 03/01/2022</p></body></html>"
            )
        };
        let published = |html: String| {
            let hints = Hints {
                published: Some("2021-12-30T08:00:00+07:00"),
                ..Hints::default()
            };
            match parse_html(
                &html,
                "https://tinh.example.vn/tin-tuc/hoi-nghi-4412345.html",
                hints,
            ) {
                Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
                other => panic!("not an article: {other:?}"),
            }
        };
        // Only a stray dated line on the page: the sitemap's date wins over that guess.
        assert_eq!(
            published(page("")).as_deref(),
            Some("2021-12-30T08:00:00+07:00")
        );
        // The page states its date: the page wins.
        assert_eq!(
            published(page(
                r#"<meta property="article:published_time" content="2021-12-29T10:00:00+07:00">"#
            ))
            .as_deref(),
            Some("2021-12-29T10:00:00+07:00")
        );
    }

    #[test]
    fn a_revision_the_page_shows_as_its_date_is_the_story_as_published() {
        let paragraphs = numbered_paragraphs(
            4,
            "Absatz",
            "Die Polizei ermittelt wegen Nötigung, nachdem mehrere Waldwege im Revier ohne \
             Genehmigung mit Schranken gesperrt worden waren, berichtet die Behörde.",
        );
        let page = |modified: &str, header: &str| {
            let html = format!(
                "<html><head><title>Waldwege gesperrt</title>\
                 <meta property=\"article:published_time\" content=\"2022-01-25T14:45:00+01:00\">\
                 <meta property=\"article:modified_time\" content=\"{modified}\"></head><body>\
                 <article><h1>Waldwege gesperrt</h1>{header}{paragraphs}</article></body></html>"
            );
            parsed_article(&html, "https://jagd.example.de/news/waldwege-gesperrt")
                .published_at
                .map(|t| t.to_string())
        };
        let next_day = "2022-01-26T14:30:00+01:00";
        // The page shows the revision's day as the story's date, and the 25th nowhere: the day
        // and time shown.
        assert_eq!(
            page(
                next_day,
                "<div class=\"date\">Mittwoch, 26.01.2022 - 14:30</div>"
            )
            .as_deref(),
            Some("2022-01-26T14:30:00+01:00")
        );
        // The day alone: the metadata's time of that day.
        assert_eq!(
            page(next_day, "<div class=\"date\">Mittwoch, 26.01.2022</div>").as_deref(),
            Some(next_day)
        );
        let published = Some("2022-01-25T14:45:00+01:00");
        // Shown as an update, it is one.
        assert_eq!(
            page(
                next_day,
                "<div class=\"date\">Aktualisiert: 26.01.2022 - 14:30</div>"
            )
            .as_deref(),
            published
        );
        // The page also shows the day of the first publication.
        assert_eq!(
            page(
                next_day,
                "<div class=\"date\">26.01.2022 - 14:30</div><div class=\"date\">Erstmals 25.01.2022</div>"
            )
            .as_deref(),
            published
        );
        // Weeks later, a refreshed page keeps its first publication.
        assert_eq!(
            page(
                "2022-02-16T14:30:00+01:00",
                "<div class=\"date\">Mittwoch, 16.02.2022 - 14:30</div>"
            )
            .as_deref(),
            published
        );
        // No date shown at all: the metadata's publication.
        assert_eq!(page(next_day, "").as_deref(), published);
    }

    #[test]
    fn a_numeric_day_in_metadata_that_reads_both_ways_is_read_as_the_page_shows_it() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Part {i}: fasting for part of the day changes how the body uses its \
                     stores of energy, and researchers are still weighing the benefits.</p>"
                )
            })
            .collect();
        let page = |published: &str, shown: &str| {
            let html = format!(
                "<html><head><title>Intermittent fasting</title>\
                 <meta name=\"article:published_time\" content=\"{published}\">\
                 <meta name=\"article:modified_time\" content=\"03-07-2026\"></head><body>\
                 <h1>Intermittent fasting</h1><p class=\"byline\">{shown}</p>{paragraphs}\
                 </body></html>"
            );
            let record = parsed_article(
                &html,
                "https://magazine.example/health/intermittent-fasting",
            );
            let day = |t: Option<ArticleTime>| t.map(|t| t.to_string());
            (day(record.published_at), day(record.modified_at))
        };
        let both = |published: &str, modified: &str| {
            (Some(published.to_string()), Some(modified.to_string()))
        };
        // Its modification is written the same way.
        assert_eq!(
            page("03-09-2026", "Published March 9, 2026"),
            both("2026-03-09", "2026-03-07")
        );
        // Shown nowhere, the days are read day first, as everywhere.
        assert_eq!(page("03-09-2026", ""), both("2026-09-03", "2026-07-03"));
        // A page showing the day-first day keeps it.
        assert_eq!(
            page("03-09-2026", "Published 3 September 2026"),
            both("2026-09-03", "2026-07-03")
        );
    }

    #[test]
    fn a_wiki_page_is_dated_by_its_revision_not_by_the_days_its_text_names() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Punkt {i}: Der Stammtisch trifft sich jeden ersten Mittwoch im Monat, \
                     wer neu ist, kommt einfach vorbei und bringt Fragen mit.</p>"
                )
            })
            .collect();
        let page = |footer: &str| {
            let html = format!(
                "<html><head><title>Stammtisch</title>\
                 <meta name=\"generator\" content=\"MediaWiki 1.23.17\"></head>\
                 <body><h1>Stammtisch</h1>\
                 <p>Der nächste Stammtisch findet am Mi. 5. Februar 2020 ab 19 Uhr statt.</p>\
                 {paragraphs}<div id=\"footer\"><ul>{footer}</ul></div></body></html>"
            );
            let record = parsed_article(&html, "https://wiki.example/Kassel/Stammtisch");
            let day = |t: Option<ArticleTime>| t.map(|t| t.date().to_string());
            (day(record.published_at), day(record.modified_at))
        };
        let revised = Some("2020-01-29".to_string());
        assert_eq!(
            page(
                "<li id=\"footer-info-lastmod\"> Diese Seite wurde zuletzt am 29. Januar 2020 \
                 um 13:22 Uhr geändert.</li>"
            ),
            (revised.clone(), revised)
        );
        // Without the footer, the first dated line is all there is.
        assert_eq!(page(""), (Some("2020-02-05".to_string()), None));
    }

    #[test]
    fn json_ld_with_a_stray_brace_after_it_is_still_read() {
        let record = article_with(
            "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", \
             \"datePublished\": \"2020-10-26T18:10:00+01:00\"}\n}\n</script>\
             <div class=\"date\">9. August 2020</div>",
        );
        // Unread, the metadata would lose to the visible date element.
        assert_eq!(
            record.published_at.map(|t| t.to_string()).as_deref(),
            Some("2020-10-26T18:10:00+01:00")
        );
    }

    #[test]
    fn a_generic_date_meta_tag_yields_to_the_visible_date() {
        let paragraphs: String = (1..=4)
            .map(|n| {
                format!(
                    "<p>Absatz {n}: Der Riesling feiert Geburtstag, und die Winzer laden an \
                     vielen Orten zu Proben, Führungen und Gesprächen über den Jahrgang ein.</p>"
                )
            })
            .collect();
        let published = |head: &str| {
            let html = format!(
                "<html><head><title>Riesling</title>{head}</head><body><h1>Riesling</h1>\
                 <span class=\"date\">27.01.2022</span><div class=\"story\">{paragraphs}</div>\
                 </body></html>"
            );
            parsed_article(&html, "https://example.de/aktuelles/riesling")
                .published_at
                .map(|t| t.to_string())
        };
        // "date" says nothing of what the date is (CMSs rewrite it on every save).
        let generic = "<meta name=\"date\" content=\"2021-12-20T11:02:44+01:00\">";
        assert_eq!(published(generic).as_deref(), Some("2022-01-27"));
        // Metadata that says "published" still comes first.
        let specific =
            "<meta property=\"article:published_time\" content=\"2022-01-26T09:00:00+01:00\">";
        assert_eq!(
            published(specific).as_deref(),
            Some("2022-01-26T09:00:00+01:00")
        );
        // Also by the plain names content systems give it, in a machine or a reader's form.
        for (tag, day) in [
            (
                "<meta name=\"published-date\" content=\"2021-02-16\">",
                "2021-02-16",
            ),
            (
                "<meta name=\"published\" content=\"July 17, 2025\">",
                "2025-07-17",
            ),
        ] {
            assert_eq!(published(tag).as_deref(), Some(day), "{tag}");
        }
        // With nothing else, the generic tag is used.
        let html = format!(
            "<html><head><title>Riesling</title>{generic}</head><body><h1>Riesling</h1>\
             <div class=\"story\">{paragraphs}</div></body></html>"
        );
        assert_eq!(
            parsed_article(&html, "https://example.de/aktuelles/riesling")
                .published_at
                .map(|t| t.to_string())
                .as_deref(),
            Some("2021-12-20T11:02:44+01:00")
        );
    }

    #[test]
    fn utc_times_take_the_local_offset_the_page_gives_or_vietnam_s() {
        let t = |s: &str| dates::parse_machine(s, LocalZone::Unknown).unwrap();
        let utc = t("2019-10-18T22:04:00Z");
        let local = t("2019-10-19T00:04:00+02:00");
        assert_eq!(
            local_offset(utc, &[utc, local], LocalZone::Unknown, std::iter::empty()).to_string(),
            "2019-10-19T00:04:00+02:00"
        );
        // A generic date tag naming the same instant in the site's offset (a page's whole
        // metadata, in the shape a feed writes it).
        let page = "<html><head><title>Therapien</title>\
                    <meta name=\"date\" content=\"Sat, 19 Oct 2019 00:04:00 +0200\">\
                    <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\
                    \"datePublished\":\"2019-10-18T22:04:00Z\"}</script></head><body>\
                    <h1>Therapien</h1><p>Was alternative Therapien bei Krebs bringen, haben \
                    Ärzte in einer großen Studie mit vielen Patienten untersucht und \
                    beschrieben.</p></body></html>";
        let published = match parse_html(page, "https://example.at/therapien", Hints::default()) {
            Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
            other => panic!("the article is found: {other:?}"),
        };
        assert_eq!(published.as_deref(), Some("2019-10-19T00:04:00+02:00"));
        // Nothing else said: kept as given, unless the page is Vietnamese.
        assert_eq!(
            local_offset(utc, &[utc], LocalZone::Unknown, std::iter::empty()).to_string(),
            "2019-10-18T22:04:00Z"
        );
        assert_eq!(
            local_offset(utc, &[utc], LocalZone::Vietnam, std::iter::empty()).to_string(),
            "2019-10-19T05:04:00+07:00"
        );
        // A time with its own offset is left alone.
        assert_eq!(
            local_offset(local, &[local], LocalZone::Vietnam, std::iter::empty()).to_string(),
            "2019-10-19T00:04:00+02:00"
        );
    }

    #[test]
    fn a_utc_time_takes_the_offset_under_which_the_page_shows_it() {
        let utc = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
        let shown = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let offset = |u: &str, s: &[&str]| {
            let s: Vec<_> = s.iter().map(|s| shown(s)).collect();
            shown_offset(utc(u), s).map(|o| o.to_string())
        };
        // New York in November, Kathmandu, a page showing UTC itself.
        assert_eq!(
            offset("2023-11-09T03:28:35Z", &["2023-11-08 22:28"]).as_deref(),
            Some("-05:00")
        );
        assert_eq!(
            offset("2020-05-01T06:15:00Z", &["2020-05-01 12:00"]).as_deref(),
            Some("+05:45")
        );
        assert_eq!(
            offset("2023-11-09T03:28:35Z", &["2023-11-09 03:28"]).as_deref(),
            Some("+00:00")
        );
        // Another minute (an update at 22:41), an offset no place keeps (+14:30), or more
        // than a day apart: not this instant.
        assert_eq!(offset("2023-11-09T03:28:35Z", &["2023-11-08 22:41"]), None);
        assert_eq!(offset("2023-11-09T03:28:35Z", &["2023-11-09 17:58"]), None);
        assert_eq!(offset("2023-11-09T03:28:35Z", &["2023-11-07 03:28"]), None);
        // The first shown time that fits wins.
        assert_eq!(
            offset(
                "2023-11-09T03:28:35Z",
                &["2023-11-08 22:41", "2023-11-08 19:28", "2023-11-08 22:28"]
            )
            .as_deref(),
            Some("-08:00")
        );

        // A page: JSON-LD in UTC, the date line in the newsroom's clock.
        let body = numbered_paragraphs(
            4,
            "Paragraph",
            "The debate on the stage in Miami drew five candidates and a crowd that cheered \
             each answer on the economy, the border and the war abroad.",
        );
        let page = |line: &str| {
            format!(
                "<html><head><title>Debate</title><script type=\"application/ld+json\">\
                 {{\"@type\":\"NewsArticle\",\"datePublished\":\"2023-11-09T03:28:35Z\"}}\
                 </script></head><body><h1>Debate</h1><div class=\"date\">{line}</div>\
                 <div class=\"story\">{body}</div></body></html>"
            )
        };
        let published = |line: &str| {
            parsed_article(&page(line), "https://example.com/politics/debate")
                .published_at
                .map(|t| t.to_string())
        };
        assert_eq!(
            published("Published Nov. 8, 2023, 10:28 p.m. ET").as_deref(),
            Some("2023-11-08T22:28:35-05:00")
        );
        // A shown time that is not this instant's leaves it in UTC.
        assert_eq!(
            published("Updated Nov. 8, 2023, 10:41 p.m. ET").as_deref(),
            Some("2023-11-09T03:28:35Z")
        );
    }

    #[test]
    fn metadata_that_disagrees_with_itself_gives_the_day_the_page_shows() {
        let body = numbered_paragraphs(
            4,
            "Absatz",
            "Mit dem Campingbus durch Schweden: Seen, Wälder und lange Abende am Wasser, \
             dazu Tipps für Stellplätze und die beste Reisezeit.",
        );
        let page = |shown: &str| {
            format!(
                "<html><head><title>Vanlife in Schweden</title>\
                 <meta property=\"article:published_time\" content=\"2022-01-06T08:29:34\">\
                 <script type=\"application/ld+json\">{{\"@type\":\"Article\",\
                 \"datePublished\":\"2022-01-04T07:29:00.000Z\"}}</script></head><body>\
                 <h1>Vanlife in Schweden</h1><div class=\"date\">{shown}</div>{body}\
                 </body></html>"
            )
        };
        let day = |html: &str| {
            parsed_article(html, "https://example.com/szene/vanlife")
                .published_at
                .map(|t| t.date().to_string())
        };
        // The page shows the day of its Open Graph tag, not the JSON-LD's.
        assert_eq!(day(&page("06.01.2022")).as_deref(), Some("2022-01-06"));
        // Shown nowhere, or another day again: the JSON-LD, first in line, stands.
        assert_eq!(day(&page("")).as_deref(), Some("2022-01-04"));
        assert_eq!(day(&page("09.01.2022")).as_deref(), Some("2022-01-04"));
    }

    #[test]
    fn a_country_domain_gives_its_country_s_zones() {
        let zone = |host: &str| LocalZone::of_host(host);
        assert_eq!(
            zone("www.kas.de"),
            Some(LocalZone::Country(chrono_tz::Europe::Berlin))
        );
        assert_eq!(
            zone("www.bbc.co.uk"),
            Some(LocalZone::Country(chrono_tz::Europe::London))
        );
        assert_eq!(zone("baochinhphu.vn"), Some(LocalZone::Vietnam));
        assert_eq!(
            zone("www.lanacion.com.ar"),
            Some(LocalZone::Country(
                chrono_tz::America::Argentina::Buenos_Aires
            ))
        );
        assert!(matches!(
            zone("ici.radio-canada.ca"),
            Some(LocalZone::Spanning(_))
        ));
        // Generic domains and domains sold as generic names say nothing.
        for host in [
            "example.com",
            "vnexpress.net",
            "elcolombiano.co",
            "example.io",
            "localhost",
        ] {
            assert_eq!(zone(host), None, "{host}");
        }
        let body = numbered_paragraphs(
            4,
            "Absatz",
            "Die Kommunalwahlen haben das Land verändert, die Regierung steht unter Druck, \
             und die Opposition gewinnt in vielen Städten.",
        );
        let page = |host: &str, shown: &str| {
            let html = format!(
                "<html><head><title>Kommunalwahlen</title>\
                 <meta property=\"article:published_time\" content=\"2021-11-04T23:00Z\">\
                 </head><body><h1>Kommunalwahlen</h1>{shown}{body}</body></html>"
            );
            match parse_html(&html, &format!("https://{host}/wahlen"), Hints::default()) {
                Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
                other => panic!("the article is found: {other:?}"),
            }
        };
        // Midnight in Berlin, written in UTC: the reader's day is the next one.
        assert_eq!(
            page("www.example.de", "").as_deref(),
            Some("2021-11-05T00:00:00+01:00")
        );
        assert_eq!(
            page("www.example.com", "").as_deref(),
            Some("2021-11-04T23:00:00Z")
        );
        // In a country of several zones, the day the whole country sees, in its main zone:
        // afternoon from Vancouver to St. John's, morning from Perth to Sydney.
        assert_eq!(
            page("www.example.ca", "").as_deref(),
            Some("2021-11-04T19:00:00-04:00")
        );
        assert_eq!(
            page("www.example.com.au", "").as_deref(),
            Some("2021-11-05T10:00:00+11:00")
        );
        // Four hours later it is the evening of the 4th in Vancouver and already the 5th in
        // St. John's: the day is not the country's, and the time stays in UTC.
        let Some(canada) = zone("www.example.ca") else {
            panic!("Canada's zones are known");
        };
        let late = chrono::DateTime::parse_from_rfc3339("2021-11-05T03:00:00Z")
            .unwrap_or_else(|e| panic!("valid time: {e}"));
        assert_eq!(canada.day_zone(late), None);
        assert_eq!(
            local_offset(ArticleTime::DateTime(late), &[], canada, std::iter::empty()).to_string(),
            "2021-11-05T03:00:00Z"
        );
        // A site that shows its UTC day keeps it.
        let shown = "<span class=\"entry-date\">04/11/2021</span>";
        assert_eq!(
            page("www.example.ch", shown).as_deref(),
            Some("2021-11-04T23:00:00Z")
        );
        // A visible time without an offset is the country's.
        assert_eq!(
            dates::parse_visible(
                "19. Oktober 2019 00:04 Uhr",
                LocalZone::Country(chrono_tz::Europe::Vienna)
            )
            .map(|t| t.to_string())
            .as_deref(),
            Some("2019-10-19T00:04:00+02:00")
        );
    }
}
