//! The dates a page gives outside its text: in its scripts (app state, analytics values)
//! and in its URL (`/2021/12/01/`, a day first).

use crate::dates::{self, LocalZone};
use scraper::Html;
use tinstream_model::ArticleTime;
use url::Url;

/// A publication date that only a script's data gives (`"published_at":"2019-03-02T06:22:28+01:00"`
/// in a page's state object, a JSON-LD block too broken to parse).
pub(crate) fn script_date(html: &Html, zone: LocalZone) -> Option<ArticleTime> {
    static KEY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#""(?:datePublished|date_published|publishedAt|published_at|publishDate|publish_date|pubDate)"\s*:\s*"([^"]{8,40})""#,
        )
        .expect("static regex is valid")
    });
    script_value(html, &KEY, 5, zone)
}

/// The date line a script writes into the page's date element
/// (`document.getElementById("pDateTime").innerHTML="Thứ năm, 20/12/2012, 16:10 GMT+7"` on
/// VnExpress's sites of 2012): what the page shows its readers, though its markup holds only
/// the empty element. The element's id must name a date or a time; the line is read as any
/// date line is, its character references decoded as the browser decodes them.
pub(crate) fn scripted_date_line(html: &Html, zone: LocalZone) -> Option<ArticleTime> {
    static WRITE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"getElementById\(\s*["']([A-Za-z0-9_-]{1,40})["']\s*\)\.innerHTML\s*=\s*["']([^"'<]{6,120})["']"#,
        )
        .expect("static regex is valid")
    });
    script_texts(html)
        .filter(|text| text.contains("innerHTML"))
        .find_map(|text| {
            WRITE.captures_iter(text).find_map(|c| {
                let id = c[1].to_ascii_lowercase();
                if !(id.contains("date") || id.contains("time")) {
                    return None;
                }
                let line = Html::parse_fragment(&c[2])
                    .root_element()
                    .text()
                    .collect::<String>();
                dates::parse_visible(&line, zone)
            })
        })
}

/// The creation time a page's script data gives its document ("createdAt" in an app's
/// state), the last resort: it names when the record was made, most often the article's.
pub(crate) fn script_created(html: &Html, zone: LocalZone) -> Option<ArticleTime> {
    static KEY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#""(?:createdAt|created_at)"\s*:\s*"([^"]{8,40})""#)
            .expect("static regex is valid")
    });
    script_value(html, &KEY, 1, zone)
}

/// The texts of the page's first 50 scripts, where the rules above look for dates.
fn script_texts(html: &Html) -> impl Iterator<Item = &str> {
    static SCRIPT: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("script").expect("static selector is valid")
    });
    html.select(&SCRIPT)
        .take(50)
        .flat_map(|script| script.text().collect::<Vec<_>>())
}

/// The first time among the first `per_script` values `key` captures in each of the page's
/// first scripts.
pub(crate) fn script_value(
    html: &Html,
    key: &regex::Regex,
    per_script: usize,
    zone: LocalZone,
) -> Option<ArticleTime> {
    script_texts(html).find_map(|text| {
        key.captures_iter(text)
            .take(per_script)
            .find_map(|c| dates::parse_machine(&c[1], zone))
    })
}

/// A day written day first in the URL's path ("/meldungen/29-10-2021"), or month first when
/// only that reads as a day ("wrap-up-12-19-2025"). A date that reads both ways
/// ("02-11-2023") is day first on a site of a country domain (`.fr`, `.vn`: [`LocalZone`]
/// known) and says nothing elsewhere. The last resort: such a day is as often part of a
/// title ("report of 22.04.2020") as the day the page was filed under.
pub(crate) fn day_first_in_url(url: &Url, zone: LocalZone) -> Option<ArticleTime> {
    static IN_PATH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[/_-](\d{1,2})([-._])(\d{1,2})([-._])((?:19|20)\d{2})(?:[/_.-]|$)")
            .expect("static regex is valid")
    });
    let c = IN_PATH.captures(url.path())?;
    // One separator throughout: "29-10-2021", not "1.2-2021".
    if c[2] != c[4] {
        return None;
    }
    let (a, b, year): (u32, u32, i32) =
        (c[1].parse().ok()?, c[3].parse().ok()?, c[5].parse().ok()?);
    let day_first = chrono::NaiveDate::from_ymd_opt(year, b, a);
    let month_first = chrono::NaiveDate::from_ymd_opt(year, a, b);
    match (day_first, month_first) {
        (Some(_), Some(_)) if zone.tz().is_none() && day_first != month_first => None,
        (Some(d), _) | (None, Some(d)) => Some(ArticleTime::Date(d)),
        (None, None) => None,
    }
}

/// A day written in the URL's path: `/2021/12/01/`, `/2021-12-01-` and the like.
pub(crate) fn date_in_url(url: &Url) -> Option<ArticleTime> {
    // "/2020/04/28/slug" (the day a whole segment: in "/2023/10/3-fragen" the 3 starts the
    // slug), "2020-04-28-slug", "_2020_04_28", or a segment of its own "/20200428/".
    static IN_PATH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:[/.]|$)|[/_-]((?:19|20)\d{2})[_-](\d{1,2})[_-](\d{1,2})(?:[/_.-]|$)|/((?:19|20)\d{2})(\d{2})(\d{2})(?:/|$)",
        )
        .expect("static regex is valid")
    });
    let c = IN_PATH.captures(url.path())?;
    let first = [1, 4, 7].into_iter().find(|&i| c.get(i).is_some())?;
    let (year, month, day) = (
        c.get(first)?.as_str(),
        c.get(first + 1)?.as_str(),
        c.get(first + 2)?.as_str(),
    );
    let day = chrono::NaiveDate::from_ymd_opt(
        year.parse().ok()?,
        month.parse().ok()?,
        day.parse().ok()?,
    )?;
    dates::parse_machine(&day.format("%Y-%m-%d").to_string(), LocalZone::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pages::*;
    use crate::*;

    #[test]
    fn a_date_only_a_script_gives_is_found() {
        let html = Html::parse_document(
            r#"<html><body><script>window.__STATE__ = {"post":{"title":"Sidamo","published_at":"2019-03-02T06:22:28+01:00","views":3}};</script></body></html>"#,
        );
        assert_eq!(
            script_date(&html, LocalZone::Unknown)
                .map(|t| t.to_string())
                .as_deref(),
            Some("2019-03-02T06:22:28+01:00")
        );
        let none = Html::parse_document(r#"<script>var a = {"created_at":"2013-02-16"};</script>"#);
        assert_eq!(script_date(&none, LocalZone::Unknown), None);
    }

    #[test]
    fn a_date_line_a_script_writes_into_the_date_element_is_the_page_s() {
        let page = |id: &str, line: &str| {
            Html::parse_document(&format!(
                "<html><body><h1>Hoa hậu</h1><p id=\"{id}\"></p>\
                 <script>document.getElementById(\"{id}\").innerHTML=\"{line}\";</script>\
                 </body></html>"
            ))
        };
        // As ngoisao.net wrote it in 2012: character references in the script's string.
        let written = page("pDateTime", "Th&#7913; n&#259;m, 20/12/2012, 16:10 GMT+7");
        assert_eq!(
            scripted_date_line(&written, LocalZone::Vietnam)
                .map(|t| t.to_string())
                .as_deref(),
            Some("2012-12-20T16:10:00+07:00")
        );
        // Written into an element that is not the date's: a counter, a title.
        let elsewhere = page("pViews", "Thứ năm, 20/12/2012, 16:10 GMT+7");
        assert_eq!(scripted_date_line(&elsewhere, LocalZone::Vietnam), None);
    }

    #[test]
    fn an_app_state_s_creation_time_is_the_last_resort() {
        let body = numbered_paragraphs(
            4,
            "Absatz",
            "Der Stabhochspringer hat in der Halle sechs Meter übersprungen und bereitet \
             sich nun auf die Europameisterschaften im Sommer vor.",
        );
        let page = |script: &str| {
            format!(
                "<html><head><title>Topathleten</title></head><body><h1>Topathleten</h1>\
                 {body}<script>window.__STATE__={{\"document\":{{\"@type\":\"Page\",\
                 {script}\"enabled\":true}}}}</script></body></html>"
            )
        };
        let day = |html: &str| {
            parsed_article(html, "https://example.com/de/topathleten")
                .published_at
                .map(|t| t.to_string())
        };
        assert_eq!(
            day(&page("\"createdAt\":\"2022-01-31T15:58:43+01:00\",")).as_deref(),
            Some("2022-01-31T15:58:43+01:00")
        );
        // A publication key in the same data wins over it.
        assert_eq!(
            day(&page(
                "\"createdAt\":\"2022-01-31T15:58:43+01:00\",\
                 \"publishDate\":\"2022-02-01T08:00:00+01:00\","
            ))
            .as_deref(),
            Some("2022-02-01T08:00:00+01:00")
        );
        assert_eq!(day(&page("")), None);
    }

    #[test]
    fn day_in_the_url_path() {
        let cases = [
            ("https://ex.com/2019/06/29/story/", Some("2019-06-29")),
            (
                "https://ex.com/news/2020-1-5-title.html",
                Some("2020-01-05"),
            ),
            ("https://ex.com/2019/13/40/x", None),
            ("https://ex.vn/bai-viet-20211201103512345.htm", None),
            // The slug starts with a number: the path gives a month, not a day.
            ("https://blog.ex.de/2023/10/3-fragen-an-tina/", None),
            ("https://ex.com/archive/2021/3/8.html", Some("2021-03-08")),
            (
                "https://ex.com/photos_2018_11_04_parade",
                Some("2018-11-04"),
            ),
            (
                "https://www.ex.se/20200428/meet-the-swede",
                Some("2020-04-28"),
            ),
            ("https://ex.com/item/20201399/", None),
        ];
        for (url, day) in cases {
            let got = date_in_url(&Url::parse(url).unwrap()).map(|t| t.to_string());
            assert_eq!(got.as_deref(), day, "{url}");
        }
    }

    #[test]
    fn day_first_in_the_url_path() {
        let cases = [
            (
                "https://ex.de/media-news/meldungen/29-10-2021",
                Some("2021-10-29"),
            ),
            (
                "https://ex.it/de/newsroom/23-01-2022-wierer-jubelt/17-378.html",
                Some("2022-01-23"),
            ),
            ("https://ex.com/news/13-04-2021-story", Some("2021-04-13")),
            (
                "https://ex.com/artikel/bericht_vom_22.04.2020_politik",
                Some("2020-04-22"),
            ),
            // Only month first reads as a day.
            (
                "https://ex.com/blog/post/wrap-up-12-19-2025",
                Some("2025-12-19"),
            ),
            // Both ways, or neither, or mixed separators: no day.
            ("https://ex.com/news/03-04-2021-story", None),
            ("https://ex.com/news/31-13-2021-story", None),
            ("https://ex.com/news/29-10.2021-story", None),
            ("https://ex.com/news/story-2021", None),
        ];
        for (url, day) in cases {
            let got = day_first_in_url(&Url::parse(url).unwrap(), LocalZone::Unknown);
            assert_eq!(got.map(|t| t.to_string()).as_deref(), day, "{url}");
        }
        // A country's site writes days first.
        let french = Url::parse("https://ex.fr/meteo/tempete-records-02-11-2023-XVZ4H2.php");
        let zone = LocalZone::Country(chrono_tz::Europe::Paris);
        assert_eq!(
            day_first_in_url(&french.unwrap(), zone)
                .map(|t| t.to_string())
                .as_deref(),
            Some("2023-11-02")
        );
    }

    #[test]
    fn url_day_and_metadata() {
        let published_at = |url: &str, meta: &str| {
            let page = format!(
                r#"<html><head><title>Tiêu đề</title>
                <meta property="article:published_time" content="{meta}">
                </head><body><p>Nội dung.</p></body></html>"#
            );
            let url = Url::parse(url).unwrap();
            Parser::default()
                .analyze(Page {
                    bytes: page.as_bytes(),
                    url: &url,
                    http_charset: None,
                    fetched_at: chrono::Utc::now(),
                })
                .unwrap()
                .record
                .published_at
                .map(|t| t.to_string())
        };
        let published = |url: &str| published_at(url, "2019-06-17T18:28:00+02:00");
        // Agreeing: the metadata's time and offset are kept.
        assert_eq!(
            published("https://ex.de/2019/06/17/a").as_deref(),
            Some("2019-06-17T18:28:00+02:00")
        );
        // Disagreeing: the day the site filed the article under.
        assert_eq!(
            published("https://ex.de/2017/7/12/a").as_deref(),
            Some("2017-07-12")
        );
        // No day in the URL: the metadata.
        assert_eq!(
            published("https://ex.de/a").as_deref(),
            Some("2019-06-17T18:28:00+02:00")
        );
        // A day written day first is weaker than the metadata.
        assert_eq!(
            published("https://ex.de/meldungen/12-07-2017").as_deref(),
            Some("2019-06-17T18:28:00+02:00")
        );
        // The day after the URL's, on the site's clock or after 10:00 UTC (the next day as
        // far west as Hawaii): filed one day, published the next.
        assert_eq!(
            published("https://ex.de/2019/06/16/a").as_deref(),
            Some("2019-06-17T18:28:00+02:00")
        );
        assert_eq!(
            published_at("https://ex.com/2020/07/08/a", "2020-07-09T10:04:04Z").as_deref(),
            Some("2020-07-09T10:04:04Z")
        );
        // A UTC time early on the next day may still be the URL's day where the site is.
        assert_eq!(
            published_at("https://ex.com/2020/07/08/a", "2020-07-09T02:00:00Z").as_deref(),
            Some("2020-07-08")
        );
        // Two days after: the day the site filed the article under.
        assert_eq!(
            published("https://ex.de/2019/06/15/a").as_deref(),
            Some("2019-06-15")
        );
    }
}
