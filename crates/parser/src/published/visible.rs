//! The dates a page shows its readers: its date line, a line labelled as the publication date,
//! a dateline, a sentence that says when it was published, `<time>` and microdata elements,
//! and which of these belong to other items (cards, lists, comments, the masthead's clock).

use crate::dates::{self, LocalZone};
use crate::dom::Attribute;
use crate::{content, dom, meta};
use scraper::Html;
use tinstream_model::{normalize_text, ArticleTime};

/// The first of the date lines around the title that reads as a date.
pub(crate) fn date_line(content: &content::Content, zone: LocalZone) -> Option<ArticleTime> {
    content
        .date_lines
        .iter()
        .find_map(|l| dates::parse_visible(l, zone))
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
        .filter(|b| !crate::places::dated_by_others(html, b.node))
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
            if crate::places::in_foreign_box(html, b.node) {
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
        .filter(|b| !crate::places::in_foreign_box(html, b.node))
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

/// Short elements whose class or id names a date, in page order.
pub(crate) fn date_elements(html: &Html, zone: LocalZone) -> Option<ArticleTime> {
    date_element_texts(html).find_map(|text| dates::parse_visible(&text, zone))
}

/// The texts of the short elements whose class or id names a date, in page order: neither a
/// comment's, a related item's nor a teaser's, nor a text naming another time.
pub(crate) fn date_element_texts(html: &Html) -> impl Iterator<Item = String> + '_ {
    static DATE_HINT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)date|time|datum|fecha|ngay|publish|posted|thoigian|thoi-gian")
            .expect("static regex is valid")
    });
    static WITH_CLASS: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("[class], [id]").expect("static selector is valid")
    });
    html.select(&WITH_CLASS)
        .filter(|el| {
            dom::hints_match(el.value(), &DATE_HINT)
                && !crate::places::dated_by_others(html, el.id())
                && !crate::places::in_teaser(*el)
        })
        .take(50)
        .map(|el| {
            // An empty marker may hold the date it shows in an attribute, drawn by its style
            // (`<div data-date="18. März 2020" class="timeline__arrow">` under the headline).
            let text = meta::text_of(el);
            match el.value().attribute("data-date") {
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
        // A forum's clock, a thread's last post, a member's sign-up day, the day a video goes
        // offline: other times.
        for other in [
            "<p class=\"time\">Aktuelle Zeit: 14.10.2020, 12:18</p>",
            "<div class=\"starter\"><span>Letzter Beitrag:</span> 18.10.2010</div>",
            "<div class=\"userinfo\">Registriert seit: 03.03.2011</div>",
            "<dl><dt class=\"desc-text\">Video verfügbar bis 28.02.2021</dt></dl>",
            "<p class=\"date\">Available until 28 February 2021</p>",
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
    fn the_day_a_video_goes_offline_is_not_its_publication() {
        // A broadcaster's video page: the caption under the player gives the video's length,
        // its day, and the day it goes offline, nearest the text.
        let html = format!(
            "<html><head><title>US-Sport in Zeiten von Corona</title></head><body>\
             <h1>US-Sport in Zeiten von Corona</h1><div class=\"item-caption\">\
             <p class=\"item-description\">New York ist das Epizentrum der Pandemie.</p>\
             <dl><dt>2 min</dt><dt>04.04.2020</dt></dl>\
             <dl><dt class=\"desc-text\">Video verfügbar bis 28.02.2021</dt></dl></div>\
             <div class=\"text\">{}</div></body></html>",
            numbered_paragraphs(
                4,
                "Absatz",
                "Die Ligen haben ihre Spiele ausgesetzt, und niemand weiß, wann und wie es \
                 weitergeht, ob mit Zuschauern oder ohne sie.",
            )
        );
        let record = parsed_article(&html, "https://example.de/sport/us-sport-corona-100.html");
        assert_eq!(
            record.published_at.map(|t| t.to_string()).as_deref(),
            Some("2020-04-04")
        );
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
}
