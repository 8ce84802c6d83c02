//! Authors: bylines, author boxes and links to author pages, told apart from the site's and
//! other organisations' names. The order of evidence and the declared names are here; the
//! bylines and author boxes the page shows are read in `in_page.rs`, and what is a person
//! rather than the site or an organisation is told in `persons.rs`.

mod in_page;
mod persons;

pub(crate) use in_page::*;
pub(crate) use persons::*;

use crate::{boilerplate, bylines, content, dom, meta};
use scraper::Html;
use tinstream_model::normalize_text;

pub(crate) fn authors(
    html: &Html,
    blocks: &dom::Blocks,
    meta: &meta::Meta,
    content: &content::Content,
    site: &SiteNames,
    title: &str,
) -> Vec<String> {
    let declared = meta
        .ld
        .authors
        .iter()
        .flat_map(|a| signed_names(a).unwrap_or_else(|| listed_names(a)))
        .chain(
            meta.tag(&[
                "author",
                "article:author",
                "dc.creator",
                "parsely-author",
                "sailthru.author",
            ])
            // "Olympia-Verlag GmbH, Nürnberg, Germany": what follows an organisation (or the
            // site itself) is its address, not more people.
            .map(|a| match (signed_names(a), surname_first(a)) {
                (Some(names), _) => names,
                (None, Some(name)) => vec![name],
                (None, None) => a
                    .split([',', ';'])
                    .take_while(|part| !bylines::is_not_a_name(part) && !site.named_by(part))
                    .flat_map(joined_names)
                    .collect::<Vec<_>>(),
            })
            .unwrap_or_default(),
        )
        // Values escaped twice ("Redacci&oacute;n") are decoded.
        .map(|a| normalize_text(&html_escape::decode_html_entities(&a)))
        .filter(|a| is_person(a, site));
    let mut out: Vec<String> = declared.collect();
    // A declared author that is a login ("andrew.keaveney") is the account that posted the
    // page: a name the page's byline writes out is the writer.
    if !out.is_empty() && out.iter().all(|a| is_login(a)) {
        // Not a picture's credit: the photographer is no writer, and the login may be.
        let shown = byline_elements(html, true);
        if !shown.is_empty() && !shown.iter().any(|a| is_login(a)) {
            out = shown;
        }
    }
    out.extend(content.authors.iter().cloned());
    if out.is_empty() {
        out.extend(byline_elements(html, false));
    }
    if out.is_empty() {
        out.extend(labelled_byline(html, blocks));
    }
    if out.is_empty() {
        out.extend(byline_near_title(content));
    }
    if out.is_empty() {
        out.extend(byline_beside_headline(html, title));
    }
    if out.is_empty() {
        out.extend(signed_under_text(html, blocks, content));
    }
    // Last, what the Twitter card says: the account that posted the page, when the page
    // itself names no one (some cards name the account, not the writer).
    if out.is_empty() {
        out.extend(
            written_by_card(meta)
                .into_iter()
                .filter(|name| is_person(name, site)),
        );
    }
    // A byline's buttons read into the name ("Jane Doe Twitter"); a name set in capitals
    // ("SONG MAI", as plo.vn declares its writers) is written as the bylines' are.
    let out: Vec<String> = out
        .into_iter()
        .map(|name| bylines::name_case(without_social_links(&name)))
        .filter(|name| !name.is_empty())
        .collect();
    // One person given twice, as a handle and as a name ("arianschlichenmayer", "Arian
    // Schlichenmayer"): the written-out name, in the first one's place.
    let mut unique: Vec<(String, String)> = Vec::with_capacity(out.len());
    for name in out {
        let key = name_key(&name);
        match unique.iter_mut().find(|(kept_key, _)| *kept_key == key) {
            Some((_, kept))
                if name.split_whitespace().count() > kept.split_whitespace().count() =>
            {
                *kept = name;
            }
            Some(_) => {}
            None => unique.push((key, name)),
        }
    }
    unique.into_iter().map(|(_, name)| name).collect()
}

/// The writers a Twitter card's label names ("twitter:label1" = "Written by",
/// "twitter:data1" = "Nawaz Dhandala", as Yoast writes them), read as a byline: "Nataly
/// Birch, Andrian Valeanu" is two names; a login or a handle is none.
fn written_by_card(meta: &meta::Meta) -> Vec<String> {
    /// The labelled pairs a card carries.
    const PAIRS: usize = 4;
    (1..=PAIRS)
        .find_map(|n| {
            let label = meta.tag(&[format!("twitter:label{n}").as_str()])?;
            bylines::is_byline_label(label)
                .then(|| meta.tag(&[format!("twitter:data{n}").as_str()]))
                .flatten()
        })
        .and_then(|data| bylines::byline_names(&normalize_text(data)))
        .unwrap_or_default()
}

/// Whether a declared author reads as an account's login rather than a name: one word, in
/// small letters, or joined by a dot or an underscore ("andrew.keaveney", "q_admin").
pub(crate) fn is_login(name: &str) -> bool {
    !name.contains(char::is_whitespace)
        && (name.contains(['.', '_']) || !name.chars().any(char::is_uppercase))
}

/// Words of the links a byline sets after the name, to the writer's profiles elsewhere.
const SOCIAL_LINK_WORDS: &[&str] = &[
    "twitter",
    "facebook",
    "linkedin",
    "instagram",
    "mastodon",
    "bluesky",
    "threads",
    "youtube",
    "tiktok",
    "email",
    "e-mail",
    "mail",
    "rss",
    "follow",
];

/// A name without the profile links a byline puts after it ("Jane Doe Twitter", "Jane Doe
/// Follow Email"), which pages' markup often glues to the name with no space to tell.
pub(crate) fn without_social_links(name: &str) -> &str {
    let mut name = name.trim();
    while let Some((head, last)) = name.rsplit_once(char::is_whitespace) {
        let word = last
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if !SOCIAL_LINK_WORDS.contains(&word.as_str()) {
            break;
        }
        name = head.trim_end();
    }
    name
}

/// Names a declared author value joins with a conjunction, "Kari Nordmann og Ola Hansen" or
/// "Anna Berg und Jonas Weber", each; a value without one is one name. Only conjunctions that
/// are never part of a name: the Spanish "y" and Portuguese "e" join family names ("Ortega y
/// Gasset"), and "&" joins job titles ("Master Horticulturalist & Garden Educator").
pub(crate) fn joined_names(value: &str) -> Vec<String> {
    static JOIN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\s+(?:and|og|och|und|và)\s+").expect("static regex is valid")
    });
    let parts: Vec<&str> = JOIN.split(value).map(str::trim).collect();
    // Each side a name of its own: two words or more, or the sides of "A. and B. Smith" are
    // not split; and no comma, whose "A and B, The Commercial Appeal" adds an outlet that
    // the value whole is refused for.
    if parts.len() > 1
        && !value.contains(',')
        && parts.iter().all(|p| p.split_whitespace().count() >= 2)
    {
        parts.into_iter().map(str::to_string).collect()
    } else {
        vec![value.trim().to_string()]
    }
}

/// The writers of a declared author value written as a closing signature: "Theo Sầm Hoa
/// (Vietnamnet/Reuters)" (24h.com.vn's meta author) is Sầm Hoa, credited to a source, which
/// the body's own signature gives the record; "PV/VOV" is the staff, nobody to name.
fn signed_names(value: &str) -> Option<Vec<String>> {
    boilerplate::signature(value).map(|(names, _source)| names)
}

/// The names of a structured-data author value: each name a conjunction joins
/// ([`joined_names`]), or each name a comma sets apart when every part is a name of two words
/// or more ("THUẬN VĂN, LÊ ÁNH", as plo.vn declares its two writers as one person). A comma
/// before a credential or a job ("Genevieve Carlton, Ph.D.") or between a surname and a given
/// name leaves one name.
fn listed_names(value: &str) -> Vec<String> {
    let parts = value.split(',').count();
    if parts > 1 && value.split(',').all(|p| p.split_whitespace().count() >= 2) {
        if let Some(names) = bylines::byline_names(value).filter(|n| n.len() == parts) {
            return names;
        }
    }
    joined_names(value)
}

/// "Hansen, Ola" (surname first, as library catalogues and some sites write it) as "Ola
/// Hansen": a value of exactly two single words around one comma.
pub(crate) fn surname_first(value: &str) -> Option<String> {
    let (surname, given) = value.split_once(',')?;
    let (surname, given) = (surname.trim(), given.trim());
    let one_word = |w: &str| {
        !w.is_empty()
            && !w.contains(char::is_whitespace)
            && w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
    };
    // "Reuters, Berlin" is an agency and its bureau.
    let credit = |w: &str| boilerplate::classify_credit(w).is_some() || bylines::is_not_a_name(w);
    (one_word(surname) && one_word(given) && !credit(surname) && !credit(given))
        .then(|| format!("{given} {surname}"))
}

/// Drops the paragraphs at the start and at the end of the text that are only a writer's
/// name each ("Luana Patriolino" / "Raphael Felice" over the text), as long as the text keeps
/// two more; whether it dropped any.
pub(crate) fn drop_name_lines(paragraphs: &mut Vec<String>, authors: &[String]) -> bool {
    let is_name = |p: &str| authors.iter().any(|a| a.to_lowercase() == p.to_lowercase());
    let before = paragraphs.len();
    while paragraphs.len() > 2 && paragraphs.last().is_some_and(|p| is_name(p)) {
        paragraphs.pop();
    }
    let opening = paragraphs
        .iter()
        .take(paragraphs.len().saturating_sub(2))
        .take_while(|p| is_name(p))
        .count();
    paragraphs.drain(..opening);
    paragraphs.len() != before
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pages::*;
    use tinstream_model::Article;

    /// A Vietnamese story of three paragraphs ending with `credit`.
    fn credited(credit: &str) -> Article {
        let html = format!(
            "<html lang=\"vi\"><head><title>Giá xăng giảm mạnh - Báo Ví Dụ</title>\
             <meta property=\"og:site_name\" content=\"Báo Ví Dụ\"></head><body>\
             <h1>Giá xăng giảm mạnh</h1><div class=\"content\">\
             <p>Liên Bộ Công Thương - Tài chính vừa điều chỉnh giá bán lẻ xăng dầu, theo đó giá \
             xăng RON95 giảm hơn 1.000 đồng mỗi lít so với kỳ điều hành trước.</p>\
             <p>Đây là lần giảm thứ hai liên tiếp trong tháng, sau khi giá dầu thế giới đi \
             xuống do lo ngại về biến thể mới của virus corona.</p>\
             <p>Các doanh nghiệp đầu mối được yêu cầu tiếp tục trích lập quỹ bình ổn giá ở mức \
             như kỳ trước.</p>{credit}</div></body></html>"
        );
        parsed_article(
            &html,
            "https://bao.example.vn/kinh-te/gia-xang-giam-4412345.html",
        )
    }

    #[test]
    fn a_declared_login_gives_way_to_the_name_the_byline_writes_out() {
        assert!(is_login("andrew.keaveney"));
        assert!(is_login("q_admin"));
        assert!(is_login("srauturier"));
        assert!(!is_login("Denise Everheart"));
        assert!(!is_login("Corti"));
        let page = |shown: &str| {
            let html = format!(
                "<html><head><title>A guide to meditation</title>\
                 <meta name=\"author\" content=\"andrew.keaveney\"></head><body>\
                 <h1>A guide to meditation</h1>{shown}<div class=\"entry\">{}</div>\
                 </body></html>",
                crate::test_pages::numbered_paragraphs(
                    3,
                    "Step",
                    "sit comfortably, close your eyes and follow your breath for ten minutes, \
                     letting each thought pass without holding on to it."
                )
            );
            parsed_article(&html, "https://example.org/guide-to-meditation/").authors
        };
        let byline = "<div class=\"author-info\"><img src=\"/d.png\" alt=\"\">\
                      <span>Denise Everheart</span></div>";
        assert_eq!(page(byline), ["Denise Everheart"]);
        // A photographer's credit is no byline: the login stays.
        let credit = "<figure><img src=\"/p.jpg\"><div class=\"credito-image\">\
                      <strong>Foto:</strong><p class=\"autor\">Jaiver Nieto</p></div></figure>";
        assert_eq!(page(credit), ["andrew.keaveney"]);
    }

    #[test]
    fn a_personal_site_s_name_is_its_author_an_outlet_s_is_not() {
        let person = |declared: &str, host: &str, credit: &str| {
            is_person(credit, &SiteNames::new(Some(declared), host))
        };
        // Named after the person who signs, as the address says.
        assert!(person("Sam Bossley", "sam.bossley.com", "Sam Bossley"));
        assert!(person(
            "Cory Dransfeldt",
            "www.coryd.dev",
            "Cory Dransfeldt"
        ));
        assert!(person(
            "Anil Madhavapeddy",
            "anil.recoil.org",
            "Anil Madhavapeddy"
        ));
        // Outlets, whatever their names look like.
        assert!(!person("Dân Trí", "dantri.com.vn", "Dân Trí"));
        assert!(!person("Người Lao Động", "nld.com.vn", "Người Lao Động"));
        assert!(!person("The Economist", "economist.com", "The Economist"));
        assert!(!person("QCY Official", "qcy.com", "QCY Official"));
        assert!(!person(
            "El Comercio Perú",
            "elcomercio.pe",
            "El Comercio Perú"
        ));
        assert!(!person(
            "Happy Coffee",
            "de.happycoffee.org",
            "Happy Coffee Deutschland"
        ));
        // A name the address does not carry is the site's.
        assert!(!person(
            "Emily Henderson",
            "stylebyemilyhenderson.com",
            "Emily Henderson"
        ));
    }

    #[test]
    fn a_byline_in_the_headline_s_header_is_read() {
        let paragraphs: String = (1..=4)
            .map(|n| {
                format!(
                    "<p>Restaurant {n}: a new outpost has opened in River Oaks, with a menu of \
                     dumplings, noodles and a long list of teas, open late on weekends.</p>"
                )
            })
            .collect();
        let page = |header_rest: &str| {
            let html = format!(
                "<html><head><title>New Restaurants to Visit This Month</title></head><body>\
                 <header class=\"story-header\"><div class=\"kicker\">Hit List</div>\
                 <h1>New Restaurants to Visit This Month</h1>{header_rest}</header>\
                 <section class=\"c-body\">{paragraphs}</section></body></html>"
            );
            parsed_article(&html, "https://example.com/eat/new-restaurants").authors
        };
        let byline = "<p class=\"inline-list\"><span>By <a href=\"/producers/sofia-gonzalez\">\
                      Sofia Gonzalez</a></span> <span>December 2, 2025</span></p>";
        assert_eq!(page(byline), ["Sofia Gonzalez"]);
        // After the standfirst too.
        let standfirst = "<div class=\"subhed\">A new outpost has landed in River Oaks.</div>";
        assert_eq!(page(&format!("{standfirst}{byline}")), ["Sofia Gonzalez"]);
        // A line that does not say it is a byline is not read as one.
        assert!(
            page("<p><span>Sofia Gonzalez</span> <span>December 2, 2025</span></p>").is_empty()
        );
    }

    #[test]
    fn profile_links_are_not_part_of_a_name() {
        assert_eq!(without_social_links("Jane Doe Twitter"), "Jane Doe");
        assert_eq!(without_social_links("Jane Doe Follow Email"), "Jane Doe");
        assert_eq!(without_social_links("Jane Doe"), "Jane Doe");
        // A one-word name stays, whatever it is.
        assert_eq!(without_social_links("Twitter"), "Twitter");
        let paragraphs: String = (1..=3)
            .map(|i| {
                format!(
                    "<p>Paragraph {i}: the city council approved the new budget on Tuesday after \
                     a long debate over spending on schools and roads.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html lang=\"en\"><head><title>Council approves the budget</title></head><body>\
             <h1>Council approves the budget</h1><div class=\"author\">Jane Doe<span>Twitter\
             </span></div><article>{paragraphs}</article></body></html>"
        );
        let record = parsed_article(&html, "https://news.example.com/a/council-budget-12345");
        assert_eq!(record.authors, ["Jane Doe"]);
    }

    #[test]
    fn declared_names_are_split_at_conjunctions_and_read_given_name_first() {
        assert_eq!(
            joined_names("Kari Nordmann og Ola Hansen"),
            ["Kari Nordmann", "Ola Hansen"]
        );
        assert_eq!(
            joined_names("Anna Berg und Jonas Weber"),
            ["Anna Berg", "Jonas Weber"]
        );
        assert_eq!(
            joined_names("José Ortega y Gasset"),
            ["José Ortega y Gasset"]
        );
        assert_eq!(joined_names("Tom and Jerry"), ["Tom and Jerry"]);
        assert_eq!(
            joined_names("Manoj Jain and Jagpreet Chhatwal, The Commercial Appeal"),
            ["Manoj Jain and Jagpreet Chhatwal, The Commercial Appeal"]
        );
        assert_eq!(
            joined_names("Forbes & Garden Educator"),
            ["Forbes & Garden Educator"]
        );
        assert_eq!(surname_first("Hansen, Ola").as_deref(), Some("Ola Hansen"));
        assert_eq!(surname_first("Ola Hansen, Kari Nordmann"), None);
        assert_eq!(surname_first("Reuters, Berlin"), None);
    }

    #[test]
    fn an_attribution_names_the_source_or_the_writer_never_both() {
        for (credit, authors, agency) in [
            ("<p>(Theo AFP)</p>", vec![], Some("AFP")),
            ("<p><strong>Dân Trí</strong></p>", vec![], Some("Dân Trí")),
            (
                "<p class=\"author\">Theo Hồ Hương</p>",
                vec!["Hồ Hương"],
                None,
            ),
            (
                "<p class=\"author\">Theo Sầm Hoa (Vietnamnet/Reuters)</p>",
                vec!["Sầm Hoa"],
                Some("Vietnamnet/Reuters"),
            ),
            (
                "<p class=\"author\">THUẬN VĂN, LÊ ÁNH</p>",
                vec!["Thuận Văn", "Lê Ánh"],
                None,
            ),
        ] {
            let record = credited(credit);
            assert_eq!(record.authors, authors, "{credit}");
            assert_eq!(record.source_agency.as_deref(), agency, "{credit}");
            assert!(
                record.body.ends_with("như kỳ trước."),
                "{credit}: {}",
                record.body
            );
        }
    }

    #[test]
    fn a_link_to_an_author_s_page_names_the_author() {
        let record = article_with(
            "<div class=\"meta\"><span><a href=\"/authors/trevor-jackins\">Trevor Jackins\
             </a></span></div>",
        );
        assert_eq!(record.authors, vec!["Trevor Jackins".to_string()]);
        // A link to the list of all authors names nobody.
        let record = article_with("<p><a href=\"/authors/\">Our authors</a></p>");
        assert!(record.authors.is_empty(), "{:?}", record.authors);
        // A blog's one-word handle, vouched for by the link to its author page.
        let handle = |name: &str| {
            article_with(&format!(
                "<span class=\"byline\"><span class=\"sep\"> von </span>\
                 <span class=\"author vcard\"><a class=\"url fn n\" \
                 href=\"https://blog.example.com/author/x/\" rel=\"author\">{name}</a>\
                 </span></span>"
            ))
            .authors
        };
        assert_eq!(handle("Creeny"), vec!["Creeny".to_string()]);
        assert_eq!(handle("gizzmo"), vec!["gizzmo".to_string()]);
        // Labels and placeholders are no handles.
        assert!(handle("Webmaster").is_empty());
        assert!(handle("undefined").is_empty());
        assert!(handle("wordpressadmin").is_empty());
        // Without the link, one word in an author slot says nothing.
        let record = article_with("<span class=\"author\">Creeny</span>");
        assert!(record.authors.is_empty(), "{:?}", record.authors);
    }

    #[test]
    fn a_reviewer_s_link_does_not_name_the_author() {
        // As patient.info sets it: the reviewer first, beside the headline; the writer lower.
        let record = article_with(
            "<div class=\"Header_by-line-wrapper\"><p><span>Peer reviewed by</span> \
             <a href=\"/authors/dr-colin-tidy\">Dr Colin Tidy, MRCGP</a></p></div>\
             <p class=\"ArticleHistory_reviewby\">Authored by:</p>\
             <a href=\"/authors/victoria\">Victoria Raw</a>",
        );
        assert_eq!(record.authors, vec!["Victoria Raw".to_string()]);
        // Without the label, the same link is the writer's, the degree left out.
        let record =
            article_with("<p><a href=\"/authors/dr-colin-tidy\">Dr Colin Tidy, MRCGP</a></p>");
        assert_eq!(record.authors, vec!["Dr Colin Tidy".to_string()]);
    }

    #[test]
    fn a_twitter_card_s_written_by_names_the_author() {
        let page = |label: &str| {
            let html = format!(
                "<html><head><title>Rust ownership</title>\
                 <meta name=\"twitter:label1\" content=\"{label}\">\
                 <meta name=\"twitter:data1\" content=\"Nawaz Dhandala\"></head><body>\
                 <h1>Rust ownership</h1><div class=\"entry\">{}</div></body></html>",
                crate::test_pages::numbered_paragraphs(
                    3,
                    "Rule",
                    "each value has one owner, and the value is dropped when its owner goes \
                     out of scope, which frees its memory without a collector."
                )
            );
            parsed_article(&html, "https://example.com/blog/rust-ownership").authors
        };
        assert_eq!(page("Written by"), ["Nawaz Dhandala"]);
        // The card's other labels name no writer.
        assert!(page("Est. reading time").is_empty());
    }

    #[test]
    fn an_author_class_is_read_in_any_case() {
        for class in [
            "post-author",
            "ArticleByline",
            "AUTOR-box",
            "bai-tac-gia",
            "auteur",
        ] {
            assert!(names_a_byline(class), "{class}");
        }
        for class in ["auto", "by-line", "article"] {
            assert!(!names_a_byline(class), "{class}");
        }
        // CSS-module classes, as a Next.js blog writes them.
        let record = article_with(
            "<div class=\"BlogArticleAuthor_BlogArticleAuthor__yEfs_\">\
             <span class=\"BlogArticleAuthor_BlogArticleAuthor__AuthorName__QrjbQ\">David Mráz\
             </span></div>",
        );
        assert_eq!(record.authors, vec!["David Mráz".to_string()]);
        // A byline that goes on with the writer's job in small letters.
        let record = article_with(
            "<div class=\"svelte-1inb62h byline\">By&nbsp;<address>Heather Leah</address>\
             &nbsp;, WRAL multiplatform producer</div>",
        );
        assert_eq!(record.authors, vec!["Heather Leah".to_string()]);
    }

    #[test]
    fn organisations_and_the_site_are_not_authors() {
        for credit in [
            "L-MAG – Das Magazin für Lesben",
            "Frankfurter Allgemeine Zeitung GmbH",
            "TVT-Redaktion",
            "CBS News",
            "Wirtualna Polska Media",
            "NATURSTROM AG",
            "Feuerwehr Oldenburg",
            "Abteilung Wasserrettung",
            "Deutsches Rotes Kreuz",
            "Diakonie Deutschland",
            // A photo credit, a connecting word left at the start, a box of recipes.
            "Fotos Essen-Westviertel",
            "Und Grundschritt",
            "Try These Next",
        ] {
            assert!(
                !is_person(credit, &SiteNames::new(Some("L-MAG"), "l-mag.de")),
                "{credit}"
            );
        }
        for name in ["Claudia Lindner", "Marek Świerczyński", "Nguyễn Văn An"] {
            assert!(
                is_person(name, &SiteNames::new(Some("L-MAG"), "l-mag.de")),
                "{name}"
            );
        }
        // The site by its domain's name, a domain, a label or an organisation.
        for (credit, host) in [
            ("Automobilwoche", "www.automobilwoche.de"),
            ("Kirche und Leben", "www.kirche-und-leben.de"),
            ("oe24.at", "auto.oe24.at"),
            ("www.haufe.de", "www.haufe.de"),
            ("publisher", "www.bsi.bund.de"),
            (
                "Bundesministerium für Wirtschaft und Klimaschutz",
                "www.bmwi.de",
            ),
            ("Ähnliche Themen", "blog.example.de"),
        ] {
            assert!(!is_person(credit, &SiteNames::new(None, host)), "{credit}");
        }
        // Labels and numbers are not people; a name set in capitals is one.
        // Links to a list of posts, sponsored boxes, a theme's credit, a social account.
        for label in [
            "Written By",
            "Pin For Later",
            "262588213843476",
            "Alle Beiträge",
            "Gesponserte Inhalte",
            "Zum Thema",
            "Peter Amende und Fuchsy designed",
            "@NatGeoUK",
        ] {
            assert!(
                !is_person(label, &SiteNames::new(None, "example.com")),
                "{label}"
            );
        }
        assert!(is_person(
            "LEONARDO GARCIA",
            &SiteNames::new(None, "example.com")
        ));
        // A person whose name shares letters with a short domain is still a person, and
        // so is the author a personal site is named after.
        assert!(is_person("Marta Zahn", &SiteNames::new(None, "taz.de")));
        assert!(is_person(
            "Gary Marcus",
            &SiteNames::new(None, "garymarcus.substack.com")
        ));
        // A publisher's credit in the author meta tag, with its address after it.
        let record = article_with("");
        assert!(record.authors.is_empty());
        let paragraphs: String = (1..=4)
            .map(|n| {
                format!(
                    "<p>Paragraph {n} of the guide explains, in plain words and at some length, \
                     why a car needs regular care, what it costs, and when to do it yourself.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Car care</title>\
             <meta name=\"author\" content=\"Olympia-Verlag GmbH, Nürnberg, Germany\"></head>\
             <body><h1>Car care</h1><div class=\"story\">{paragraphs}</div></body></html>"
        );
        let record = parsed_article(&html, "https://example.de/guides/car-care");
        assert_eq!(record.authors, Vec::<String>::new());
    }

    #[test]
    fn a_byline_opening_the_text_names_the_authors_and_leaves_the_body() {
        let linked = "<p>Von <a href=\"https://a.example/rb\">Roland Brockmann</a> und \
                      <a href=\"https://b.example/sd\">Sebastian Drescher</a></p>";
        let article = article_with(linked);
        assert_eq!(
            article.authors,
            vec![
                "Roland Brockmann".to_string(),
                "Sebastian Drescher".to_string()
            ]
        );
        assert!(!article.body.contains("Brockmann"), "{}", article.body);
        let plain = article_with("<p>Written by: Julie Mollins</p>");
        assert_eq!(plain.authors, vec!["Julie Mollins".to_string()]);
        assert!(!plain.body.contains("Mollins"), "{}", plain.body);
        // Lower in the text, such a line is the article's own (a quoted letter's signature).
        let paragraphs = numbered_paragraphs(
            3,
            "Absatz",
            "Die Stadt baut neue Radwege, und die Anwohner streiten über Parkplätze, Bäume \
             und die Frage, wer am Ende die Kosten trägt.",
        );
        let html = format!(
            "<html><head><title>Radwege</title><meta name=\"author\" content=\"annaberg\">\
             </head><body><h1>Radwege</h1>{paragraphs}<p>Von Anna Berg</p>\
             <p>Die Debatte geht im Stadtrat weiter, der im Herbst über den Haushalt und \
             damit über die Radwege entscheidet.</p></body></html>"
        );
        let record = parsed_article(&html, "https://example.de/radwege");
        assert!(record.body.contains("Von Anna Berg"), "{}", record.body);
        // One person given as a handle and as a name is named once, written out.
        let html = html.replace(&paragraphs, "").replace(
            "<p>Von Anna Berg</p>",
            &format!("<p>Von Anna Berg</p>{paragraphs}"),
        );
        let record = parsed_article(&html, "https://example.de/radwege");
        assert_eq!(record.authors, vec!["Anna Berg".to_string()]);
    }

    #[test]
    fn another_article_s_card_does_not_name_the_author() {
        let authors = |extra: &str| article_with(extra).authors;
        let card = "<a href=\"/guides/tyres\"><div class=\"card-author\">Jane Roe</div>\
                    <h3>Winter tyres: when to change them and what they cost</h3></a>";
        // The page's own byline, in French markup, with its date after the name.
        let own = "<div class=\"dates_auteurs\">par <span class=\"auteurs\">Didier Roy\
                   </span>, 21 juin 2018</div>";
        assert_eq!(
            authors(&format!("{card}{own}")),
            vec!["Didier Roy".to_string()]
        );
        assert_eq!(authors(card), Vec::<String>::new());
        // A link to the author's own page around the name and a line of biography is the
        // page's author box.
        let author_box = "<a href=\"/author/anna-berg\"><span class=\"author-name\">Anna Berg\
                          </span><p>Anna has written about cars and the cost of keeping them \
                          since 2010.</p></a>";
        assert_eq!(authors(author_box), vec!["Anna Berg".to_string()]);
        // A commenter is named in the comments, not as the page's author.
        let comment = "<ol class=\"comment-list\"><li><div class=\"comment-author vcard\">\
                       <a href=\"https://florence.example\">Florence Maier</a></div>\
                       <p>Thank you, this helped.</p></li></ol>";
        assert_eq!(authors(comment), Vec::<String>::new());
        // A byline whose text goes on with the writer's job: its one link, opening it, is
        // the name.
        let with_job = "<span class=\"author\"><a href=\"/about/#daniel-burstein\">Daniel \
                        Burstein</a>, Senior Director, Content &amp; Marketing, Example Media \
                        and Example Institute</span>";
        assert_eq!(authors(with_job), vec!["Daniel Burstein".to_string()]);
        // A name said again for screen readers is read once, as sighted readers see it.
        let said_twice = "<p class=\"episode-authors\"><a href=\"/author/kristen-falchon\">\
                          Kristen Falchon<span class=\"screen-reader-text\">Kristen Falchon\
                          </span></a></p>";
        assert_eq!(authors(said_twice), vec!["Kristen Falchon".to_string()]);
    }

    #[test]
    fn a_byline_label_standing_alone_names_the_next_element() {
        // "Written by" in one element, the name in the next, no class naming either.
        let byline = "<div><p class=\"text-grey-1200\">Written by</p>\
                      <p class=\"text-grey-700\">Edzel Tabing</p></div>";
        assert_eq!(
            article_with(byline).authors,
            vec!["Edzel Tabing".to_string()]
        );
        // An author box's heading as the label.
        let heading = "<div><h2 class=\"text-3xl\">Article by</h2>\
                       <div class=\"leading-relaxed\">Matias Heikkilä</div></div>";
        assert_eq!(
            article_with(heading).authors,
            vec!["Matias Heikkilä".to_string()]
        );
        // The same shape in a slide of other posts is theirs.
        let slide = "<div class=\"splide__slide\"><p>Written by</p><p>Anna Berg</p></div>";
        assert_eq!(article_with(slide).authors, Vec::<String>::new());
    }

    #[test]
    fn a_line_saying_written_by_names_the_author_wherever_it_stands() {
        // Joomla's "createdby" line, an author box's "Written by …": no class names either.
        let line = "<div><p class=\"brxe-text-basic\">Written by John Crenshaw</p></div>";
        assert_eq!(
            article_with(line).authors,
            vec!["John Crenshaw".to_string()]
        );
        let spanish = "<dl><dd class=\"createdby\">Escrito por Jose Pablo Segura Vargas</dd></dl>";
        assert_eq!(
            article_with(spanish).authors,
            vec!["Jose Pablo Segura Vargas".to_string()]
        );
        // In a comment box the line is the commenter's.
        let comment = "<div class=\"comments\"><p>Written by Anna Berg</p></div>";
        assert_eq!(article_with(comment).authors, Vec::<String>::new());
    }

    #[test]
    fn an_author_box_names_the_person_its_portrait_and_its_text_both_name() {
        let author_box = |inner: &str| {
            format!(
                "<div class=\"blog_author-box\"><div class=\"blog_author-image-wrapper\">\
                 <img alt=\"Lauren Vetter\" src=\"/lauren.webp\"></div>\
                 <div class=\"blog_author-text\">{inner}<div class=\"text-rich-text_author\">\
                 <p>Lauren Vetter is a growth-focused marketing professional specializing in \
                 healthcare technology, who has written for clinics across the country for \
                 more than a decade.</p></div></div></div>"
            )
        };
        let named = author_box("<div class=\"text-size-small\">Lauren Vetter</div>");
        assert_eq!(
            article_with(&named).authors,
            vec!["Lauren Vetter".to_string()]
        );
        // Named once only, by the portrait: a picture's description is not a byline.
        let pictured = author_box("<div class=\"text-size-small\">Marketing</div>");
        assert_eq!(article_with(&pictured).authors, Vec::<String>::new());
        // A reviewer's box names the reviewer.
        let reviewer =
            author_box("<div class=\"text-size-small\">Reviewed by</div><div>Lauren Vetter</div>");
        assert_eq!(article_with(&reviewer).authors, Vec::<String>::new());
    }

    #[test]
    fn a_byline_above_the_body_is_read_when_it_says_it_is_one() {
        let body = numbered_paragraphs(
            4,
            "Dining",
            "the new restaurant opens its doors in the Memorial City area this spring, with a \
             menu built around the grill and a long bar for walk-ins.",
        );
        let page = |line: &str| {
            format!(
                "<html><head><title>A new grill</title></head><body><h1>A new grill opens \
                 in Memorial City</h1><p class=\"page-header__meta\"><span>{line}</span></p>\
                 <div class=\"story\">{body}</div></body></html>"
            )
        };
        let by = page("By <a href=\"/producers/sofia-gonzalez\">Sofia Gonzalez</a>");
        let record = parsed_article(&by, "https://example.com/eat/a-new-grill");
        assert_eq!(record.authors, vec!["Sofia Gonzalez".to_string()]);
        // An author label with its colon says so too.
        let labelled = page(
            "<span class=\"meta-label\">Author: </span><a href=\"/person/sofia-gonzalez/\">Sofia Gonzalez</a>",
        );
        let record = parsed_article(&labelled, "https://example.com/eat/a-new-grill");
        assert_eq!(record.authors, vec!["Sofia Gonzalez".to_string()]);
        // The label and the name in elements of their own, spaced by the page's style alone.
        let glued = page("<span class=\"tChGB\">By</span><span>Sofia Gonzalez</span>");
        let record = parsed_article(&glued, "https://example.com/eat/a-new-grill");
        assert_eq!(record.authors, vec!["Sofia Gonzalez".to_string()]);
        assert_eq!(
            crate::bylines::spaced_by_label("ByteDance opens an office"),
            "ByteDance opens an office",
            "a word that opens with the letters is left alone"
        );
        // Without the word, two capitalised words there may be a section or a place.
        let place = page("Memorial City");
        let record = parsed_article(&place, "https://example.com/eat/a-new-grill");
        assert_eq!(record.authors, Vec::<String>::new());
    }

    #[test]
    fn a_book_s_author_in_a_review_is_not_the_review_s() {
        let body = numbered_paragraphs(
            4,
            "Review",
            "the novel follows a family of painters through three generations, and its magic \
             is quiet enough that the reader barely notices it at first.",
        );
        let html = format!(
            "<html><head><title>Book Beat</title></head><body><h1>Book Beat: gothic \
             romance and more</h1><div class=\"story\"><p>Title: The Unlikely Escape</p>\
             <p>Author: Helena Parry</p>{body}</div></body></html>"
        );
        let record = parsed_article(&html, "https://example.com/book-beat");
        assert_eq!(record.authors, Vec::<String>::new());
        assert!(
            record.body.contains("Author: Helena Parry"),
            "{}",
            record.body
        );
    }

    #[test]
    fn declared_authors_are_read_as_bylines_are() {
        let body = numbered_paragraphs(
            3,
            "Đoạn",
            "các đoàn đại biểu đến dâng hoa, thắp hương tưởng niệm các anh hùng liệt sĩ tại \
             nghĩa trang của tỉnh trong buổi sáng.",
        );
        let authors = |head: &str| {
            let html = format!(
                "<html lang=\"vi\"><head><title>Dâng hoa tưởng niệm</title>{head}</head>\
                 <body><h1>Dâng hoa tưởng niệm</h1><div class=\"story\">{body}</div>\
                 </body></html>"
            );
            parsed_article(&html, "https://bao.example.vn/dang-hoa-post874982.html").authors
        };
        let person = |name: &str| {
            format!(
                "<script type=\"application/ld+json\">{{\"@type\": \"NewsArticle\", \
                 \"headline\": \"Dâng hoa tưởng niệm\", \"author\": {{\"@type\": \
                 \"Person\", \"name\": \"{name}\"}}}}</script>"
            )
        };
        // Two writers declared as one person, a comma between names of two words each.
        assert_eq!(
            authors(&person("THUẬN VĂN, LÊ ÁNH")),
            ["Thuận Văn", "Lê Ánh"]
        );
        // A credential or a job after the comma, a surname before it: one name.
        assert_eq!(
            authors(&person("Genevieve Carlton, Ph.D.")),
            ["Genevieve Carlton, Ph.D."]
        );
        assert_eq!(authors(&person("Hansen, Ola")), ["Hansen, Ola"]);
        // A meta author written as a closing signature: the writer, not the source.
        assert_eq!(
            authors("<meta name=\"author\" content=\"Theo Sầm Hoa (Vietnamnet/Reuters)\">"),
            ["Sầm Hoa"]
        );
        assert_eq!(
            authors("<meta name=\"author\" content=\"Quang Minh/VOV.VN\">"),
            ["Quang Minh"]
        );
        // A name declared in capitals is written as the bylines' are.
        assert_eq!(authors(&person("SONG MAI")), ["Song Mai"]);
    }

    #[test]
    fn the_writers_names_around_the_text_are_its_byline() {
        let body = numbered_paragraphs(
            3,
            "Đoạn",
            "tôi thích cái cảm giác cầm trong tay tờ báo mới vào mỗi thứ Năm hàng tuần với \
             nhiều thông tin thú vị.",
        );
        let record = |text: &str| {
            let html = format!(
                "<html lang=\"vi\"><head><title>Báo giấy vẫn thú vị!</title>\
                 <meta name=\"author\" content=\"Lê Ngọc Quỳnh\"></head><body>\
                 <h1>Báo giấy vẫn thú vị!</h1><div class=\"content\">{text}</div></body></html>"
            );
            parsed_article(&html, "https://bao.example.vn/bao-giay-274113.html")
        };
        // The writer's name over the text, as a paragraph of its own.
        let named = record(&format!("<p>Lê Ngọc Quỳnh</p>{body}"));
        assert_eq!(named.authors, ["Lê Ngọc Quỳnh"]);
        assert!(named.body.starts_with("Đoạn 1:"), "{}", named.body);
        // A name in the text that is no writer's stays.
        let other = record(&format!("<p>Nguyễn Văn An</p>{body}"));
        assert!(other.body.starts_with("Nguyễn Văn An"), "{}", other.body);
        // The paper's tag under that name leaves the text with it.
        let tagged = record(&format!(
            "<p>Lê Ngọc Quỳnh</p><p>(TBKTSG) - Tôi là độc giả.</p>{body}"
        ));
        assert!(
            tagged.body.starts_with("Tôi là độc giả."),
            "{}",
            tagged.body
        );
        assert_eq!(tagged.source_agency, None);
    }

    #[test]
    fn a_name_signed_under_the_text_aligned_right_in_bold_is_its_writer() {
        let body = numbered_paragraphs(
            3,
            "Đoạn",
            "cậu bé đã ở trong tình trạng tóc mọc quá nhiều bên má phải, và càng ngày nó càng \
             phát triển dài hơn.",
        );
        let page = |inside: &str, under: &str| {
            let html = format!(
                "<html lang=\"vi\"><head><title>Những người khổ hạnh vì bớt lạ</title></head>\
                 <body><h1>Những người khổ hạnh vì bớt lạ</h1><div class=\"content\">{body}\
                 {inside}</div>{under}<a href=\"javascript:history.go(-1)\">[Quay lại]</a>\
                 </body></html>"
            );
            parsed_article(
                &html,
                "https://ione.example.vn/nhung-nguoi-kho-hanh-41584.html",
            )
        };
        let record = |signature: &str| page(signature, "");
        // Người Lao Động 2012: under the text's element, in bold by its style, a given name
        // under an initial.
        let under = |signature: &str| page("", signature).authors;
        assert_eq!(
            under("<div style=\"text-align:right;font-weight:bold\">K. Miên</div>"),
            ["K. Miên"]
        );
        assert_eq!(
            under("<div style=\"text-align:right\">K. Miên</div>"),
            Vec::<String>::new()
        );
        assert_eq!(
            under("<div style=\"text-align:right;font-weight:bold\">T.T.</div>"),
            Vec::<String>::new()
        );
        // VnExpress 2012: a one-word pen name, as a name of several words.
        for (signature, name) in [
            (
                "<P class=Normal align=right><STRONG>Papai</STRONG></P>",
                "Papai",
            ),
            (
                "<p style=\"text-align: right;\"><b>Lê Tuyết</b></p>",
                "Lê Tuyết",
            ),
        ] {
            let signed = record(signature);
            assert_eq!(signed.authors, [name], "{signature}");
            assert!(
                signed.body.ends_with("phát triển dài hơn."),
                "{}",
                signed.body
            );
        }
        // Not aligned right, or not in bold, a word alone is no one's name; nor are staff
        // initials, or a line that is not a name.
        for signature in [
            "<p><strong>Papai</strong></p>",
            "<p align=\"right\">Papai</p>",
            "<p align=\"right\"><strong>H.V.</strong></p>",
            "<p align=\"right\"><strong>Xem tiếp</strong></p>",
        ] {
            assert_eq!(
                record(signature).authors,
                Vec::<String>::new(),
                "{signature}"
            );
        }
    }
}
