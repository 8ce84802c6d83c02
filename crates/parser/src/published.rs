//! Publication and modification times: the order of evidence between metadata, the visible
//! date lines, the URL and scripts, and the page's time zone. Parsing a date string is
//! [`crate::dates`]'s; choosing which of the page's dates is its own is here.

use crate::dates::{self, LocalZone};
use crate::{content, dom, language, meta};
use scraper::Html;
use tinstream_model::{normalize_text, ArticleTime};
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
        .find_map(|a| element.value().attr(a))
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
    let machine = candidates.first().map(|first| {
        if let Some(day) = month_first_day {
            return on_day(*first, day);
        }
        let local = local_offset(*first, &same_instant, zone);
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
            .map(|t| local_offset(*t, &same_instant, zone))
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
        (day, None) => found("url", day),
        (_, stated) => match stated
            .and_then(|p| shown_revision(html, content, meta, p, zone, month_first_day.is_some()))
        {
            Some(revision) => found("revision the page shows", Some(revision)),
            None => found("metadata", stated),
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

/// The first of the date lines around the title that reads as a date.
pub(crate) fn date_line(content: &content::Content, zone: LocalZone) -> Option<ArticleTime> {
    content
        .date_lines
        .iter()
        .find_map(|l| dates::parse_visible(l, zone))
}

/// `time`, passed through, with a debug event naming where it was found: which of the many
/// places a page may state its date won is what explains a wrong one.
pub(crate) fn found(source: &'static str, time: Option<ArticleTime>) -> Option<ArticleTime> {
    if let Some(t) = &time {
        tracing::debug!(source, date = %t, "publication date");
    }
    time
}

/// The day the page shows near its title or in an element named as a date, if any.
pub(crate) fn shown_day(
    html: &Html,
    content: &content::Content,
    zone: LocalZone,
) -> Option<chrono::NaiveDate> {
    date_elements(html, zone)
        .or_else(|| date_line(content, zone))
        .map(|t| t.date())
}

/// The last resort, when neither metadata, the URL, date elements nor the lines around the
/// title give a date: the first short line of the page, outside links, that reads as a full
/// date ("Samstag, 19. Juli 2014", "06.10.2017 11:15"). Pages list newer items above older
/// ones less often than they put their own date near the top.
pub(crate) fn first_dated_line(
    html: &Html,
    blocks: &dom::Blocks,
    zone: LocalZone,
) -> Option<ArticleTime> {
    blocks
        .blocks
        .iter()
        // A date that is itself a link (a permalink) counts; a date inside a list of links
        // (archives, related posts) does not.
        .filter(|b| b.chars <= 100 && (b.link_density() < 0.5 || b.chars <= 40))
        .take(400)
        // Never a comment's time nor a related item's, nor today's in the masthead.
        .filter(|b| !dom::dated_by_others(html, b.node))
        .find_map(|b| {
            let date = b
                .text
                .split('\n')
                .filter(|l| l.chars().count() <= 100 && !dates::names_another_time(l))
                .find_map(|l| last_resort_day(l, zone))?;
            // Asked only of a dated block: the list around it is read once, not for every
            // item of a menu.
            (!(b.in_list_item && in_dated_list(html, b.node, zone))).then_some(date)
        })
}

/// A date as the last-resort scan reads one: a full date, or a day with a two-digit year.
pub(crate) fn last_resort_day(text: &str, zone: LocalZone) -> Option<ArticleTime> {
    dates::parse_visible(text, zone).or_else(|| dates::parse_short_year(text, zone))
}

/// How far before its date the word naming the page's own item may be in a description.
pub(crate) const DESCRIPTION_LABEL_REACH: usize = 40;

/// A date the page's description gives its own item ("ORSO MARSICANO: 2019 UN ANNO DA RECORD
/// (Notizia del 14 Gennaio 2020)"): a word naming a news item or its publication, then the
/// date. Read only when the page gives no other date, since a description may as well name
/// the day of the event it announces; the label is what says the date is the item's.
pub(crate) fn description_date(meta: &meta::Meta, zone: LocalZone) -> Option<ArticleTime> {
    static LABEL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(?:notizia|news|nachricht|meldung|artikel|article|comunicato|communiqué|pressemitteilung|press release|published|pubblicat[oa]|veröffentlicht|publié|publicado)\b",
        )
        .expect("static regex is valid")
    });
    let description = meta.tag(&["description", "og:description"])?;
    LABEL.find_iter(description).take(3).find_map(|label| {
        let reach = DESCRIPTION_LABEL_REACH;
        dates::parse_visible(
            window(description, label.start(), label.end(), 0, reach),
            zone,
        )
    })
}

/// Whether a node is in an item of a list of dated items ("Top-News" with each story's day):
/// a listing of other pages, whose dates are theirs. A list holding one date is the page's own
/// line of metadata ("<li>13 Oct 2020 18:29</li><li>Politics</li>").
pub(crate) fn in_dated_list(html: &Html, node: ego_tree::NodeId, zone: LocalZone) -> bool {
    /// The list items read, at most; a list's first few tell what it is.
    const ITEMS_READ: usize = 12;
    /// How far up from the block its list item may be.
    const LEVELS_UP: usize = 12;
    let Some(item) = html.tree.get(node).and_then(|n| {
        std::iter::once(n)
            .chain(n.ancestors())
            .take(LEVELS_UP)
            .find(|a| a.value().as_element().is_some_and(|e| e.name() == "li"))
    }) else {
        return false;
    };
    let Some(list) = item.parent() else {
        return false;
    };
    list.children()
        .filter_map(scraper::ElementRef::wrap)
        .filter(|e| e.value().name() == "li")
        .take(ITEMS_READ)
        .filter(|li| {
            li.text()
                .any(|t| t.len() <= 100 && last_resort_day(t, zone).is_some())
        })
        .nth(1)
        .is_some()
}

/// The page's text with the markup of its `<script type="text/template">` elements put in
/// place of the elements, when one of them holds paragraphs; `None` when none does.
pub(crate) fn unwrap_templates(text: &str) -> Option<String> {
    static TEMPLATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?is)<script\b[^>]*\btype\s*=\s*["']?text/(?:template|x-template)["']?[^>]*>(.*?)</script\s*>"#,
        )
        .expect("static regex is valid")
    });
    if memchr::memmem::find(text.as_bytes(), b"text/template").is_none()
        && memchr::memmem::find(text.as_bytes(), b"text/x-template").is_none()
    {
        return None;
    }
    let mut paragraphs = false;
    let unwrapped = TEMPLATE.replace_all(text, |c: &regex::Captures<'_>| {
        let inner = &c[1];
        paragraphs |= inner.contains("<p");
        inner.to_string()
    });
    paragraphs.then(|| unwrapped.into_owned())
}

/// A short line that names itself the publication date, wherever it stands: "Erschienen am:
/// 01.11.2023", "Veröffentlicht am 16.08.2019", "Published: March 4, 2020", "Ngày đăng:
/// 01/12/2021". Stronger than a line that is only a date (it could be an event's or an
/// update's).
pub(crate) fn labelled_publication_line(
    html: &Html,
    blocks: &dom::Blocks,
    zone: LocalZone,
) -> Option<ArticleTime> {
    static LABEL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)(?:^|[^\p{L}])(?:erschienen am|veröffentlicht am|publiziert am|meldung vom|artikel vom|beitrag vom|pressemitteilung vom|nachricht vom|notizia del|published(?: on)?|publié le|pubblicato il|publicado(?: el)?|ngày đăng|ngày xuất bản)\s*:?(?:\s|$)",
        )
        .expect("static regex is valid")
    });
    blocks
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.chars <= 200)
        .find_map(|(i, b)| {
            // The date right after the label: a line may hold other dates before it
            // ("Letzte Änderung: 31.10.2023 Erschienen am: 01.11.2023").
            let label = LABEL.find(&b.text)?;
            if dom::in_foreign_box(html, b.node) {
                return None;
            }
            let after = window(&b.text, label.start(), label.end(), 0, LABELLED_DATE_CHARS);
            if !b.text[label.end()..].trim().is_empty() {
                return dates::parse_visible(after, zone);
            }
            // A label ending its block ("Erschienen am:" in a span, the day in the heading
            // after it): the next block, when it is short.
            blocks
                .blocks
                .get(i + 1)
                .filter(|next| next.chars <= LABELLED_DATE_CHARS)
                .and_then(|next| dates::parse_visible(&next.text, zone))
        })
}

/// How far after its label a publication date is looked for, in characters.
pub(crate) const LABELLED_DATE_CHARS: usize = 40;

/// Longest opening of a paragraph read as its dateline.
pub(crate) const MAX_DATELINE_CHARS: usize = 50;

/// The dateline a press release or agency story opens with: "27.1.2022 - Bei der …",
/// "BERLIN, 28.10.2021 – …", in the lead or one of the first three paragraphs.
pub(crate) fn dateline(content: &content::Content, zone: LocalZone) -> Option<ArticleTime> {
    content
        .lead
        .iter()
        .chain(content.paragraphs.iter().take(3))
        .find_map(|paragraph| {
            // "Karlsruhe, (12.11.2021). Traditionell …": a place, then the day in brackets.
            static PLACE_DAY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
                regex::Regex::new(r"^\p{Lu}[\p{L} .'/-]{1,40},\s*\(([^()]{6,40})\)")
                    .expect("static regex is valid")
            });
            if let Some(day) = PLACE_DAY.captures(paragraph) {
                return dates::parse_visible(&day[1], zone);
            }
            // "01.02.2022 „Der Arbeitsmarkt …": a numeric day opening the paragraph.
            static OPENING_DAY: std::sync::LazyLock<regex::Regex> =
                std::sync::LazyLock::new(|| {
                    regex::Regex::new(r"^(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2})\s")
                        .expect("static regex is valid")
                });
            if let Some(day) = OPENING_DAY.captures(paragraph) {
                return dates::parse_visible(&day[1], zone);
            }
            let (opening, _) = [" - ", " – ", " — "]
                .iter()
                .filter_map(|dash| paragraph.split_once(dash))
                .min_by_key(|(opening, _)| opening.len())?;
            (opening.chars().count() <= MAX_DATELINE_CHARS)
                .then(|| dates::parse_visible(opening, zone))
                .flatten()
        })
}

/// How far from its verb the date of a publication sentence may be, in characters.
pub(crate) const PUBLICATION_SENTENCE_REACH: usize = 120;

/// The very last resort: a sentence that says when the page was published, wherever it is
/// ("Dieser Beitrag wurde am Samstag, 3. Dezember 2011 veröffentlicht", "This entry was
/// posted on May 4, 2016"), blogs' post footers mostly, which link the post, its categories
/// and its feeds around the sentence. The verb must be there, and the date near it: a
/// sentence that only mentions a date says nothing about the page.
pub(crate) fn publication_sentence(
    html: &Html,
    blocks: &dom::Blocks,
    zone: LocalZone,
) -> Option<ArticleTime> {
    static VERB: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)veröffentlicht|gepostet|publiziert|\bwurde am\b|\bverfasst am\b|\bpublished\b|\bposted\b|\bpublié|\bpubblicato|\bpublicado|đăng lúc|đăng ngày|xuất bản",
        )
        .expect("static regex is valid")
    });
    blocks
        .blocks
        .iter()
        .filter(|b| b.link_density() < 0.8 && VERB.is_match(&b.text))
        .filter(|b| !dom::in_foreign_box(html, b.node))
        .find_map(|b| {
            VERB.find_iter(&b.text).take(3).find_map(|verb| {
                let reach = PUBLICATION_SENTENCE_REACH;
                dates::parse_visible(
                    window(&b.text, verb.start(), verb.end(), reach, reach),
                    zone,
                )
            })
        })
}

/// The text of `text[start..end]` widened by `before` characters on its left and `after` on
/// its right (fewer at the ends of the text).
pub(crate) fn window(text: &str, start: usize, end: usize, before: usize, after: usize) -> &str {
    let from = if before == 0 {
        start
    } else {
        text[..start]
            .char_indices()
            .rev()
            .nth(before - 1)
            .map_or(0, |(i, _)| i)
    };
    let to = text[end..]
        .char_indices()
        .nth(after)
        .map_or(text.len(), |(i, _)| end + i);
    &text[from..to]
}

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

/// The creation time a page's script data gives its document ("createdAt" in an app's
/// state), the last resort: it names when the record was made, most often the article's.
pub(crate) fn script_created(html: &Html, zone: LocalZone) -> Option<ArticleTime> {
    static KEY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#""(?:createdAt|created_at)"\s*:\s*"([^"]{8,40})""#)
            .expect("static regex is valid")
    });
    script_value(html, &KEY, 1, zone)
}

/// The first time among the first `per_script` values `key` captures in each of the page's
/// first scripts.
pub(crate) fn script_value(
    html: &Html,
    key: &regex::Regex,
    per_script: usize,
    zone: LocalZone,
) -> Option<ArticleTime> {
    static SCRIPT: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("script").expect("static selector is valid")
    });
    html.select(&SCRIPT)
        .take(50)
        .flat_map(|script| script.text().collect::<Vec<_>>())
        .find_map(|text| {
            key.captures_iter(text)
                .take(per_script)
                .find_map(|c| dates::parse_machine(&c[1], zone))
        })
}

/// A time given in UTC ("2019-10-18T22:04:00Z") is shown in the page's own offset when the
/// page says it elsewhere (the same instant as "Sat, 19 Oct 2019 00:04:00 +0200"), else in
/// the page's zone when known (Vietnam's, or its country domain's): the day a reader sees is
/// the local one.
pub(crate) fn local_offset(
    time: ArticleTime,
    others: &[ArticleTime],
    zone: LocalZone,
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
    match zone.day_zone(utc) {
        Some(tz) => ArticleTime::DateTime(utc.with_timezone(&tz).fixed_offset()),
        None => time,
    }
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

/// Short elements whose class or id names a date, in page order.
pub(crate) fn date_elements(html: &Html, zone: LocalZone) -> Option<ArticleTime> {
    date_element_texts(html).find_map(|text| dates::parse_visible(&text, zone))
}

/// The texts of the short elements whose class or id names a date, in page order: neither a
/// comment's, a related item's nor a teaser's, nor a text naming another time.
pub(crate) fn date_element_texts(html: &Html) -> impl Iterator<Item = String> + '_ {
    static DATE_HINT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"date|time|datum|fecha|ngay|publish|posted|thoigian|thoi-gian")
            .expect("static regex is valid")
    });
    static WITH_CLASS: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("[class], [id]").expect("static selector is valid")
    });
    html.select(&WITH_CLASS)
        .filter(|el| {
            let hints = dom::class_and_id(el.value());
            DATE_HINT.is_match(&hints)
                && !dom::dated_by_others(html, el.id())
                && !dom::in_teaser(*el)
        })
        .take(50)
        .map(|el| {
            // An empty marker may hold the date it shows in an attribute, drawn by its style
            // (`<div data-date="18. März 2020" class="timeline__arrow">` under the headline).
            let text = meta::text_of(el);
            match el.value().attr("data-date") {
                Some(shown) if text.is_empty() => normalize_text(shown),
                _ => text,
            }
        })
        .filter(|text| text.chars().count() <= 120 && !dates::names_another_time(text))
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
                title: None,
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
    fn a_description_gives_the_item_s_date_when_it_names_it_so() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Parte {i}: nel 2019 il censimento delle femmine con cuccioli ha dato il \
                     numero più alto mai registrato nel parco, dicono i ricercatori.</p>"
                )
            })
            .collect();
        let page = |description: &str| {
            let html = format!(
                "<html><head><title>Orso marsicano: 2019 un anno da record</title>\
                 <meta name=\"description\" content=\"{description}\"></head><body>\
                 <h1>Orso marsicano: 2019 un anno da record</h1>{paragraphs}</body></html>"
            );
            parsed_article(&html, "https://parco.example/dettaglio.php?id=58354")
                .published_at
                .map(|t| t.to_string())
        };
        assert_eq!(
            page("ORSO MARSICANO: 2019 UN ANNO DA RECORD (Notizia del 14 Gennaio 2020)").as_deref(),
            Some("2020-01-14")
        );
        // A day the description only mentions is the event's, not the page's.
        assert_eq!(page("Visite guidate nel parco il 14 Gennaio 2020"), None);
    }

    #[test]
    fn an_empty_date_marker_gives_the_date_it_holds_in_its_attribute() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Teil {i}: Aufmerksamkeit ist in der Krise ein zusätzlicher Stressfaktor, \
                     das Konzept der Achtsamkeit kann hier helfen, sagen die Fachleute.</p>"
                )
            })
            .collect();
        let page = |marker: &str| {
            let html = format!(
                "<html><head><title>Achtsam durch die Krise</title></head><body>\
                 <header class=\"article-header\"><h1>Achtsam durch die Krise</h1>\
                 <div class=\"article-header__timeline\">{marker}</div></header>\
                 {paragraphs}</body></html>"
            );
            parsed_article(
                &html,
                "https://zeitung.example/gesellschaft/achtsam-2497954",
            )
            .published_at
            .map(|t| t.to_string())
        };
        assert_eq!(
            page("<div data-date=\"18. März 2020\" class=\"timeline__arrow\"></div>").as_deref(),
            Some("2020-03-18")
        );
        // A marker that shows text of its own is read by its text, not its attribute.
        assert_eq!(
            page("<div data-date=\"18. März 2020\" class=\"timeline__arrow\">Archiv</div>"),
            None
        );
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
    fn the_last_resort_date_is_the_page_s_own_never_a_comment_s() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Teil {i}: Die Stadtverwaltung hat am Montag neue Pläne für den Ausbau \
                     der Radwege vorgestellt, die in den kommenden Jahren umgesetzt werden.</p>"
                )
            })
            .collect();
        let page = |header: &str| {
            format!(
                "<html><head><title>Neue Radwege für die Stadt</title></head><body>\
                 <header class=\"entry-header\"><h1>Neue Radwege für die Stadt</h1>{header}</header>\
                 <div class=\"entry-content\">{paragraphs}</div>\
                 <div class=\"comments\"><p>Schöne Idee! Geschrieben am 21. Juli 2014</p></div>\
                 </body></html>"
            )
        };
        let published =
            |html: String| match parse_html(&html, "https://example.org/radwege", Hints::default())
            {
                Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
                other => panic!("not an article: {other:?}"),
            };
        assert_eq!(
            published(page("<span>[ Samstag, 19. Juli 2014 ]</span>")).as_deref(),
            Some("2014-07-19")
        );
        assert_eq!(published(page("")), None);
    }

    #[test]
    fn dates_in_a_list_of_dated_items_are_the_items_not_the_page_s() {
        let paragraphs = numbered_paragraphs(
            4,
            "Teil",
            "Die Stadtverwaltung hat am Montag neue Pläne für den Ausbau der Radwege \
             vorgestellt, die in den kommenden Jahren umgesetzt werden sollen.",
        );
        let published = |list: &str| {
            let html = format!(
                "<html><head><title>Neue Radwege</title></head><body><h1>Neue Radwege</h1>\
                 <div class=\"story\">{paragraphs}</div>\
                 <section class=\"panel\"><h3>Top-News</h3>{list}</section></body></html>"
            );
            parsed_article(&html, "https://example.org/radwege")
                .published_at
                .map(|t| t.to_string())
        };
        // Each item with its day: a listing of other stories.
        assert_eq!(
            published(
                "<ul><li><span>13.10.19</span><span>Neue Lautsprecher im Test</span></li>\
                 <li><span>12.10.19</span><span>Ein Monitor für Fotografen</span></li></ul>"
            ),
            None
        );
        // One date in the list: the page's own line of metadata.
        assert_eq!(
            published("<ul><li><span>13.10.19</span></li><li>Politik</li></ul>").as_deref(),
            Some("2019-10-13")
        );
    }

    #[test]
    fn a_publication_sentence_dates_the_page_a_mere_mention_does_not() {
        let page = |footer: &str| {
            format!(
                "<html><head><title>Kein Cyberterrorismus</title></head><body>\
                 <h1>Kein Cyberterrorismus</h1><div class=\"post\">\
                 <p>Am 5. Mai 2010 meldeten Zeitungen einen Angriff auf eine Wasserpumpe, der sich \
                 später als schlichter Defekt herausstellte, wie eine Untersuchung ergab.</p>\
                 <p>Die Behörden haben ihre erste Einschätzung seither nicht korrigiert, obwohl \
                 die Fakten seit Wochen bekannt sind und die Presse darüber berichtet.</p></div>\
                 <p class=\"postmetadata\"><small>{footer}</small></p></body></html>"
            )
        };
        let dates = |html: String| match parse_html(
            &html,
            "https://example.de/news/kein-cyberterrorismus/",
            Hints::default(),
        ) {
            Ok(Extraction::Article(a)) => (
                a.published_at.map(|t| t.to_string()),
                a.modified_at.map(|t| t.to_string()),
            ),
            other => panic!("not an article: {other:?}"),
        };
        let footer = "Dieser Beitrag wurde am Samstag, 3. Dezember 2011 um 10:15 Uhr \
                      veröffentlicht und unter Cybercrime gespeichert. Sie können die Kommentare \
                      zu diesem Beitrag über den RSS-2.0-Feed verfolgen, einen Kommentar \
                      schreiben oder einen Trackback auf Ihrer Seite einrichten.";
        // A time without an offset on a German site is Berlin's.
        assert_eq!(
            dates(page(footer)).0.as_deref(),
            Some("2011-12-03T10:15:00+01:00")
        );
        // A footer that links the post, its categories and feeds around the sentence.
        let linked = "<a href=\"/typo\">Literatur und Animated Typography</a> wurde am 19. Mai 2010 \
                      um 23:03 Uhr gepostet und unter <a href=\"/c/1\">Lesenswert</a>, \
                      <a href=\"/c/2\">Typografie</a> abgelegt. <a href=\"/feed\">Kommentare (RSS)</a> \
                      <a href=\"/tb\">Trackback</a> <a href=\"/p\">Permalink</a>";
        assert_eq!(
            dates(page(linked)).0.as_deref(),
            Some("2010-05-19T23:03:00+02:00")
        );
        // The date in the first paragraph is an event, not the publication.
        assert_eq!(dates(page("Kommentare sind geschlossen.")).0, None);
        // Microdata on an element other than <meta> is read as metadata.
        let microdata = "<span itemprop=\"datePublished\" content=\"2020-03-18T13:15:00+01:00\"></span>\
                         <span itemprop=\"dateModified\" content=\"2020-03-19T08:00:00+01:00\"></span>";
        assert_eq!(
            dates(page(microdata)),
            (
                Some("2020-03-18T13:15:00+01:00".to_string()),
                Some("2020-03-19T08:00:00+01:00".to_string())
            )
        );
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
    fn a_dateline_or_a_linked_line_of_metadata_dates_the_page() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Absatz {i}: Bei der Erinnerung an die Verfolgten des NS-Regimes werden \
                     viele Gruppen noch immer zu selten genannt, sagen die Historikerinnen.</p>"
                )
            })
            .collect();
        let published = |before_body: &str, first: &str| {
            let html = format!(
                "<html><head><title>Gedenken</title></head><body><h1>Gedenken</h1>\
                 {before_body}<div class=\"story\"><p>{first}</p>{paragraphs}</div></body></html>"
            );
            match parse_html(&html, "https://example.de/news/gedenken", Hints::default()) {
                Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
                other => panic!("not an article: {other:?}"),
            }
        };
        // Longer than the short lines the last-resort scan reads.
        let opening = "Sie wurden lange vergessen, und das soll sich nun ändern, wie alle sagen, \
                       die sich seit Jahren für ein würdiges Gedenken einsetzen.";
        assert_eq!(published("", opening), None);
        assert_eq!(
            published("", &format!("27.1.2022 - {opening}")).as_deref(),
            Some("2022-01-27")
        );
        assert_eq!(
            published("", &format!("Karlsruhe, (12.11.2021). {opening}")).as_deref(),
            Some("2021-11-12")
        );
        assert_eq!(
            published("", &format!("01.02.2022 „{opening}“")).as_deref(),
            Some("2022-02-01")
        );
        // A date deeper in a paragraph is not a dateline.
        assert_eq!(
            published("", &format!("{opening} Karlsruhe, (12.11.2021).")),
            None
        );
        assert_eq!(
            published(
                "",
                &format!("{opening} Am 27.1.2022 - so der Plan - ist es so weit.")
            ),
            None
        );
        // A line of metadata just above the body, mostly links around its date.
        let meta = "<div class=\"post_meta\">· November 22, 2011 · \
                    <a href=\"/email\">Email this post</a> · <a href=\"/print\">Print</a> · \
                    <a href=\"#comments\">Kommentieren</a></div>";
        assert_eq!(published(meta, opening).as_deref(), Some("2011-11-22"));
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
    fn a_line_labelled_as_the_publication_date_wins_over_other_visible_dates() {
        let published = |footer: &str| {
            article_with(&format!(
                "<div class=\"meta-date\">06.11.2023</div><p class=\"info\">{footer}</p>"
            ))
            .published_at
            .map(|t| t.to_string())
        };
        assert_eq!(
            published("Letzte Änderung: 31.10.2023<br>Erschienen am: 01.11.2023").as_deref(),
            Some("2023-11-01")
        );
        assert_eq!(
            published("Pressemitteilung vom 02.11.2023").as_deref(),
            Some("2023-11-02")
        );
        // Without the label the element named as a date is taken.
        assert_eq!(published("Lesungen: 12").as_deref(), Some("2023-11-06"));
    }

    #[test]
    fn the_page_s_own_classes_do_not_make_its_date_another_s() {
        // A theme names on <body> what its templates hold somewhere ("fusion-slider",
        // "has-related-posts", "avada-top-header"): the date in the article is the page's.
        let html = "<html class=\"avada-html-header-position-top\"><head><title>Wedding \
                    timeline</title></head><body class=\"single-post fusion-slider \
                    has-related-posts avada-top-header\"><main><h1>Wedding timeline</h1>\
                    <p>Twelve months before the day, set the budget and the guest list, and \
                    book the venue before the best dates of the season are gone.</p>\
                    <p>Six months before, send the invitations, choose the menu and the music, \
                    and order the rings so that they are ready in good time.</p></main>\
                    <div class=\"fusion-meta-tb\"><span class=\"fusion-tb-published-date\">\
                    Published On: 15 August 2025</span></div></body></html>";
        let record = match parse_html(
            html,
            "https://example.sg/wedding-timeline",
            Hints::default(),
        ) {
            Ok(Extraction::Article(record)) => *record,
            other => panic!("the article is found: {other:?}"),
        };
        assert_eq!(
            record.published_at.map(|t| t.to_string()).as_deref(),
            Some("2025-08-15")
        );
        // A <body> named after the top header does not make the page its masthead.
        let themed = Html::parse_document(
            "<body class=\"avada-top-header\"><div class=\"entry\"><span class=\"post-date\">\
             15 August 2025</span></div></body>",
        );
        assert_eq!(
            date_elements(&themed, LocalZone::Unknown).map(|t| t.to_string()),
            Some("2025-08-15".to_string())
        );
    }

    #[test]
    fn a_microdata_date_given_as_text_is_the_page_s_shown_date() {
        let published = |extra: &str| article_with(extra).published_at.map(|t| t.to_string());
        // Microdata's value of an element without `content` is its text: the page's date,
        // ahead of a later card's element named as a date.
        let shown = "<span itemprop=\"datePublished\">December 7, 2020</span>\
                     <div class=\"card-date\">March 13, 2026</div>";
        assert_eq!(published(shown).as_deref(), Some("2020-12-07"));
        // It casts no vote against a declared machine value that names another day.
        let html = "<html><head><script type=\"application/ld+json\">{\"@type\": \
                    \"BlogPosting\", \"headline\": \"Trends\", \"datePublished\": \
                    \"2025-11-17T12:53:27+00:00\"}</script></head><body><h1>Trends</h1>\
                    <ul><li itemprop=\"datePublished\"><span>Created: </span>\
                    <time>Dec 19, 2025</time></li></ul>\
                    <p>The first trend of the year is a return to plain pages that load fast \
                    and read well on every screen, from phones to wide monitors.</p>\
                    <p>The second is type set large, with generous white space around it, so \
                    that a page can be taken in at a glance before it is read.</p></body></html>";
        let record = match parse_html(html, "https://example.com/blog/trends", Hints::default()) {
            Ok(Extraction::Article(record)) => *record,
            other => panic!("the article is found: {other:?}"),
        };
        assert_eq!(
            record.published_at.map(|t| t.date().to_string()).as_deref(),
            Some("2025-11-17")
        );
    }

    #[test]
    fn a_post_s_line_of_metadata_among_icons_and_links_dates_it() {
        let page = |before: &str, after: &str| {
            let para = |n: u32| {
                format!(
                    "<p>Part {n}: Malaga is one of the largest cities of Spain, and a good base \
                     for trips along the coast and into the hills of Andalusia behind it.</p>"
                )
            };
            let html = format!(
                "<html><body><div class=\"post\"><h2>Travel</h2><h1>Malaga</h1>{before}\
                 {}{}{after}{}{}</div></body></html>",
                para(1),
                para(2),
                para(3),
                para(4)
            );
            match parse_html(&html, "http://example.de/malaga.html", Hints::default()) {
                Ok(Extraction::Article(record)) => {
                    record.published_at.map(|t| t.date().to_string())
                }
                other => panic!("the article is found: {other:?}"),
            }
        };
        // The line under the title: a date between a mail icon's link, a print icon's link
        // and the comments' link.
        let meta = "<div class=\"post_meta\"> · November 22, 2011 · \
                    <img class=\"WP-EmailIcon\" src=\"/images/email.gif\" alt=\"Email\">\
                    <a href=\"/mail\">Email this post</a> · \
                    <img class=\"WP-PrintIcon\" src=\"/images/print.gif\" alt=\"Print\">\
                    <a href=\"/print\">Diese Seite ausdrucken</a> · \
                    <a href=\"#comments\">Kommentieren</a></div>";
        assert_eq!(page(meta, "").as_deref(), Some("2011-11-22"));
        // Once the prose has begun, such a line is no longer read as the page's date.
        assert_eq!(page("", meta), None);
    }

    #[test]
    fn dates_of_cards_and_of_the_navigation_are_not_the_page_s() {
        let published = |extra: &str| article_with(extra).published_at.map(|t| t.to_string());
        // Cards of other articles, each with its own microdata date: none is taken.
        let cards = "<div class=\"card\"><span itemprop=\"datePublished\" content=\"2026-03-13T16:44:22+00:00\">\
                     </span></div><div class=\"card\"><span itemprop=\"datePublished\" \
                     content=\"2026-03-12T15:44:00+00:00\"></span></div>";
        assert_eq!(published(cards), None);
        // Today's date in the navigation is not the page's.
        assert_eq!(
            published("<nav><time datetime=\"2023-11-01T13:56:20+01:00\">heute</time></nav>"),
            None
        );
        // A teaser of another page, a link with its title and date in a list: its date.
        let teaser = "<ul><li><a href=\"/covid-reisen\"><span>Reisen in Zeiten der \
                      COVID-19-Pandemie: was gilt</span> <em class=\"pubdate\">04.11.2021</em>\
                      </a></li></ul>";
        assert_eq!(published(teaser), None);
        // The same in a sidebar's block, outside any list: not an element dating the page.
        let sidebar = Html::parse_document(
            "<div class=\"sidebar-block\"><a href=\"/scheinloesungen\">\
             <h4>Wettstreit der Scheinlösungen im Bundestag</h4>\
             <p class=\"datum\">04.11.2023</p></a></div>",
        );
        assert_eq!(date_elements(&sidebar, LocalZone::Unknown), None);
        // A list item linking only the page's date to the day's archive: the page's.
        let own = "<ul class=\"post-info\"><li><a href=\"/2019/10/19/\">\
                   <span class=\"item--type-date\">19. Oktober 2019</span></a></li></ul>";
        assert_eq!(published(own).as_deref(), Some("2019-10-19"));
        // A blog's list of its other posts, each item a title link with its `<time>` and its
        // author beside it, and a `<time>` inside a title link: theirs, not the page's.
        let blog_list = "<ul><li><a href=\"/blog/300719/habituer\">Nous sommes en train de \
                         nous habituer</a> <span class=\"author\"><time datetime=\"2019-07-30\">\
                         30 juil. 2019</time> Par <a rel=\"author\" href=\"/elba\">Elba</a>\
                         </span></li></ul>";
        assert_eq!(published(blog_list), None);
        let linked_time = "<a href=\"/blog/bombe\">Violences policières: bombe à retardement \
                           <time datetime=\"2019-07-30\">30 juil. 2019</time></a>";
        assert_eq!(published(linked_time), None);
        // An embedded post quoted in the article (Instagram's, a tweet) carries its own time.
        let embed = "<blockquote class=\"instagram-media\"><p>Ein Beitrag von Vreni Frost am \
                     <time datetime=\"2018-03-12T19:30:12+00:00\">Mär 12, 2018</time></p>\
                     </blockquote>";
        assert_eq!(published(embed), None);
        // An item holding the page's `<time>` and its author's link alone: the page's.
        let by_line = "<ul class=\"meta\"><li><time datetime=\"2019-06-27\">27 juin 2019</time> \
                       Par <a rel=\"author\" href=\"/elba\">Elba</a></li></ul>";
        assert_eq!(published(by_line).as_deref(), Some("2019-06-27"));
        // A card in a slider of other pages.
        let slide = "<div class=\"splide__slide\"><a href=\"/kolumne\"><div class=\"date\">\
                     <p>Über das Spiel</p> 24. Oktober 2023</div></a></div>";
        assert_eq!(published(slide), None);
        // An element named as a date in German ("Datum").
        let datum = Html::parse_document(
            "<p><span class=\"text_datum\">31. Oktober 2023.</span> Dragqueens sind \
             Kunstfiguren aus Make-Up und Glitter, auf Partys und in Shows.</p>",
        );
        assert_eq!(
            date_elements(&datum, LocalZone::Unknown).map(|t| t.to_string()),
            Some("2023-10-31".to_string())
        );
        // A forum's clock, a thread's last post, a member's sign-up day: other times.
        for other in [
            "<p class=\"time\">Aktuelle Zeit: 14.10.2020, 12:18</p>",
            "<div class=\"starter\"><span>Letzter Beitrag:</span> 18.10.2010</div>",
            "<div class=\"userinfo\">Registriert seit: 03.03.2011</div>",
        ] {
            assert_eq!(published(other), None, "{other}");
        }
        // The page's own microdata, once or repeated alike, is.
        assert_eq!(
            published(
                "<span itemprop=\"datePublished\" content=\"2021-10-27T20:35:36+01:00\"></span>"
            )
            .as_deref(),
            Some("2021-10-27T20:35:36+01:00")
        );
    }

    #[test]
    fn today_s_date_in_the_masthead_is_not_the_page_s() {
        let paragraphs = numbered_paragraphs(
            4,
            "Absatz",
            "Wer die Arbeit der Zukunft verstehen will, muss auf die Maschinen schauen, die \
             sie verändern, und auf die Menschen dahinter.",
        );
        let page = |top: &str, article_header: &str| {
            format!(
                "<html><head><title>Die Zukunft der Arbeit</title></head><body>\
                 <header><h1><a href=\"/\">Sender</a></h1>\
                 <span class=\"dlf-date\">Mittwoch, 26.02.2020</span>\
                 <nav><a href=\"/politik\">Politik</a> <a href=\"/kultur\">Kultur</a></nav>\
                 </header>\
                 <div class=\"header--topbar\"><span class=\"date\">Tuesday, (08 Dec 2020)\
                 </span><time datetime=\"2020-12-08\">heute</time></div>{top}\
                 <article><header><h2>Die Zukunft der Arbeit</h2>\
                 <nav><a href=\"#teil-2\">Teil 2</a></nav>{article_header}</header>\
                 {paragraphs}</article></body></html>"
            )
        };
        let published = |html: String| match parse_html(
            &html,
            "https://example.de/zukunft-der-arbeit",
            Hints::default(),
        ) {
            Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
            other => panic!("the article is found: {other:?}"),
        };
        // The site's header with its menu, and a top bar, show today's date.
        assert_eq!(published(page("", "")), None);
        // So does a page header holding only the site's logo.
        let logo_only = page("", "").replace(
            "<nav><a href=\"/politik\">Politik</a> <a href=\"/kultur\">Kultur</a></nav>",
            "",
        );
        assert!(!logo_only.contains("/politik"));
        assert_eq!(published(logo_only.clone()), None);
        assert_eq!(
            published(logo_only.replace("<a href=\"/\">Sender</a>", "Sender")).as_deref(),
            Some("2020-02-26"),
            "a header holding neither menu nor logo is no masthead"
        );
        // The last item of a breadcrumb trail is the page, its date the page's.
        let trail = "<nav aria-label=\"breadcrumb\"><a href=\"/\">Start</a> / \
                     <span>01.05.2017 | Die Zukunft der Arbeit</span></nav>";
        assert_eq!(published(page(trail, "")).as_deref(), Some("2017-05-01"));
        // The article's own header, menu or not, holds the article's date.
        let own = "<span class=\"date\">1. Mai 2017</span>";
        assert_eq!(published(page("", own)).as_deref(), Some("2017-05-01"));
    }

    #[test]
    fn a_blog_s_trackback_description_dates_the_page() {
        let rdf = |about: &str, date: &str| {
            format!(
                "<!--\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n\
                 xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<rdf:Description\n  \
                 rdf:about=\"{about}\"\n  dc:title=\"JRA (2020/7/11-12)\"\n  \
                 dc:date=\"{date}\" />\n</rdf:RDF>\n-->"
            )
        };
        let one = rdf("https://blog.example.jp/e/1", "2020-07-12T22:00:00+09:00");
        assert_eq!(
            article_with(&one)
                .published_at
                .map(|t| t.to_string())
                .as_deref(),
            Some("2020-07-12T22:00:00+09:00")
        );
        // A listing's entries each carry one: none is the page's.
        let two = format!(
            "{one}{}",
            rdf("https://blog.example.jp/e/2", "2020-07-10T08:00:00+09:00")
        );
        assert_eq!(article_with(&two).published_at, None);
    }

    #[test]
    fn times_in_comments_and_related_boxes_are_not_the_page_s() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Absatz {i}: Tomaten schneidet man am besten mit einem scharfen \
                     Wellenschliffmesser, damit die Haut nicht reißt und der Saft bleibt.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Tomaten richtig schneiden</title></head><body>\
             <h1>Tomaten richtig schneiden</h1>\
             <div class=\"post-meta\"><div class=\"wpcom-comments-date\">\
             <span class=\"date\">August 30, 2017</span></div></div>\
             <div class=\"entry\">{paragraphs}</div>\
             <div class=\"related-posts\"><span class=\"post-date\">09/09/2019</span></div>\
             <div id=\"similar_threads\"><span class=\"date\">18.10.2010</span></div>\
             <ul><li class=\"widget widget_recent_entries\"><span class=\"post-date\">\
             10/09/2019</span></li></ul>\
             <ol class=\"comment-list\"><li><time datetime=\"2020-09-23T18:19:00+02:00\">\
             23.09.2020</time> Danke für den Tipp!</li></ol></body></html>"
        );
        let record = parsed_article(&html, "https://example.de/tipp/tomaten");
        assert_eq!(
            record.published_at.map(|t| t.to_string()).as_deref(),
            Some("2017-08-30")
        );
    }

    #[test]
    fn utc_times_take_the_local_offset_the_page_gives_or_vietnam_s() {
        let t = |s: &str| dates::parse_machine(s, LocalZone::Unknown).unwrap();
        let utc = t("2019-10-18T22:04:00Z");
        let local = t("2019-10-19T00:04:00+02:00");
        assert_eq!(
            local_offset(utc, &[utc, local], LocalZone::Unknown).to_string(),
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
            local_offset(utc, &[utc], LocalZone::Unknown).to_string(),
            "2019-10-18T22:04:00Z"
        );
        assert_eq!(
            local_offset(utc, &[utc], LocalZone::Vietnam).to_string(),
            "2019-10-19T05:04:00+07:00"
        );
        // A time with its own offset is left alone.
        assert_eq!(
            local_offset(local, &[local], LocalZone::Vietnam).to_string(),
            "2019-10-19T00:04:00+02:00"
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
    fn a_publication_label_may_stand_in_the_block_before_its_date() {
        let body = numbered_paragraphs(
            4,
            "Absatz",
            "Die Delegiertenversammlung hat eine neue Präsidentin gewählt, die als erste Frau \
             in der Geschichte des Verbandes dieses Amt innehaben wird.",
        );
        let page = |label: &str| {
            format!(
                "<html><head><title>Neue Präsidentin</title>\
                 <meta name=\"date\" content=\"2021-10-15\"></head><body>\
                 <div class=\"left-navigation-wrapper\"><main>\
                 <div class=\"eventbox\"><h1>Neue Präsidentin gewählt</h1>\
                 <div class=\"eventbox__right-col\"><span class=\"subheadline\">{label}</span>\
                 <h2 class=\"headline\">13.10.2021</h2><strong>Herausgeber:</strong> Verband\
                 </div></div>{body}<div class=\"author\"><h4>Zuletzt geändert am:</h4>\
                 <ul class=\"timestamp-list\"><li class=\"timestamp-list__item\">15.10.2021\
                 </li></ul></div></main></div></body></html>"
            )
        };
        let day = |html: &str| {
            parsed_article(html, "https://example.org/presse/praesidentin")
                .published_at
                .map(|t| t.to_string())
        };
        // (The whole page sits in a wrapper named after its menu, around its <main>.)
        assert_eq!(day(&page("Erschienen am:")).as_deref(), Some("2021-10-13"));
        // No label: the heading is a day like any other, weaker than an element named as a
        // date.
        assert_eq!(day(&page("Ort:")).as_deref(), Some("2021-10-15"));
    }

    #[test]
    fn a_time_element_showing_another_day_gives_the_day_it_shows() {
        let body = numbered_paragraphs(
            4,
            "Paragraphe",
            "Les grenades sont un enjeu stratégique pour la doctrine du maintien de l'ordre, \
             comme le montrent les documents publiés cette semaine.",
        );
        let day = |time: &str| {
            let html = format!(
                "<html><head><title>Les grenades</title></head><body><h1>Les grenades</h1>\
                 <div class=\"time\">{time}</div>{body}</body></html>"
            );
            parsed_article(&html, "https://example.info/les-grenades-12355")
                .published_at
                .map(|t| t.to_string())
        };
        assert_eq!(
            day("<time datetime=\"2019-07-03T10:18:46Z\">Publié le 29 juin 2019</time>").as_deref(),
            Some("2019-06-29")
        );
        // The same day shown: the attribute, with its time.
        assert_eq!(
            day("<time datetime=\"2019-07-03T10:18:46Z\">3 juillet 2019</time>").as_deref(),
            Some("2019-07-03T10:18:46Z")
        );
        // A month-first date read day first is the attribute's day.
        assert_eq!(
            day("<time datetime=\"2017-03-01\">03/01/2017</time>").as_deref(),
            Some("2017-03-01")
        );
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
            local_offset(ArticleTime::DateTime(late), &[], canada).to_string(),
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
