//! Section and tags, from the breadcrumb and the page's metadata.

use crate::authors::SiteNames;
use crate::meta;
use scraper::Html;

/// The shortest section read as a title when the title holds it or it holds the title ("Blog:
/// Best Social Media Advertising Agencies …" for "Best Social Media Advertising Agencies …");
/// a shorter one must equal the title.
const MIN_TITLE_LIKE_CHARS: usize = 25;

/// The page's section: declared, or the first item of its breadcrumb trail that is neither
/// the home page (or the site's name) nor the page itself (a trail "Home > {the title}" names
/// no section).
pub(crate) fn section(
    html: &Html,
    meta: &meta::Meta,
    title: &str,
    site: &SiteNames,
) -> Option<String> {
    // The trails first, then their links: a selector of links under a trail would test every
    // link of the page against its ancestors.
    static BREADCRUMB: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse(
            r#"[class*="breadcrumb"], [id*="breadcrumb"], [class*="bread-crumb"], [itemtype*="BreadcrumbList"], [class*="detail-cate"]"#,
        )
        .expect("static selector is valid")
    });
    static LINK: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("a").expect("static selector is valid")
    });
    let title = title.to_lowercase();
    // The trail's first step, home, in the languages of the sites read; and a step with no
    // word ("…", "»").
    const HOME: &[&str] = &[
        "trang chủ",
        "trang chu",
        "home",
        "homepage",
        "home page",
        "startseite",
        "accueil",
        "inicio",
        "início",
    ];
    let is_home = |s: &str| {
        let l = s.trim().to_lowercase();
        !l.chars().any(char::is_alphanumeric) || HOME.contains(&l.as_str())
    };
    let is_title = |s: &str| {
        let l = s.to_lowercase();
        l == title
            || l.chars().count() >= MIN_TITLE_LIKE_CHARS
                && !title.is_empty()
                && (title.contains(&l) || l.contains(&title))
    };
    // The site's own name is its home's.
    let names_no_section = |s: &str| is_home(s) || is_title(s) || site.is_exactly(s);
    meta.ld
        .section
        .clone()
        .or_else(|| meta.tag(&["article:section"]).map(str::to_string))
        .filter(|s| !is_title(s) && !site.is_exactly(s))
        .or_else(|| {
            meta.ld
                .breadcrumb
                .iter()
                .find(|b| !names_no_section(b))
                .cloned()
        })
        .or_else(|| {
            // Every alternative of the selector needs one of these attributes to name a trail.
            // The page's own classes ("genesis-breadcrumbs-hidden" on <body>) name no trail.
            let could_match = |el: &scraper::node::Element| {
                !matches!(el.name(), "html" | "body")
                    && el.attrs().any(|(name, value)| match name {
                        "class" => {
                            value.contains("breadcrumb")
                                || value.contains("bread-crumb")
                                || value.contains("detail-cate")
                        }
                        "id" => value.contains("breadcrumb"),
                        "itemtype" => value.contains("BreadcrumbList"),
                        _ => false,
                    })
            };
            crate::dom::select_where(html, &BREADCRUMB, could_match)
                .flat_map(|trail| trail.select(&LINK))
                // A link within the page ("Zur Hauptnavigation springen", a skip link set
                // in the trail) names no place on the site.
                .filter(|a| !a.value().attr("href").is_some_and(|h| h.starts_with('#')))
                .map(meta::text_of)
                .find(|t| !names_no_section(t))
        })
}

pub(crate) fn tags(meta: &meta::Meta) -> Vec<String> {
    let from_meta = |keys: &[&str]| -> Vec<String> {
        meta.tag(keys)
            .map(|v| {
                v.split([',', ';'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut tags = meta.ld.keywords.clone();
    if tags.is_empty() {
        tags = from_meta(&["article:tag", "news_keywords"]);
    }
    if tags.is_empty() {
        tags = from_meta(&["keywords"]);
    }
    tags.truncate(30);
    tags
}

#[cfg(test)]
mod tests {
    use crate::test_pages::*;

    /// The section of a page whose head holds `head` and whose body opens with `trail`.
    fn section(head: &str, trail: &str) -> Option<String> {
        let body = numbered_paragraphs(
            3,
            "Absatz",
            "die Ministerin stellte am Morgen die neuen Regeln vor, die ab dem kommenden \
             Monat für alle Betriebe gelten sollen.",
        );
        let html = format!(
            "<html><head><title>Neue Regeln ab März</title>{head}</head>\
             <body class=\"single genesis-breadcrumbs-hidden\">{trail}<h1>Neue Regeln ab \
             März</h1><div class=\"story\">{body}</div></body></html>"
        );
        parsed_article(&html, "https://example.de/politik/neue-regeln").section
    }

    #[test]
    fn a_section_is_a_step_of_the_trail_not_home_nor_the_page() {
        let ld = |names: &[&str]| {
            let items: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{{\"position\": {}, \"name\": \"{n}\"}}", i + 1))
                .collect();
            format!(
                "<script type=\"application/ld+json\">{{\"@type\": \"BreadcrumbList\", \
                 \"itemListElement\": [{}]}}</script>",
                items.join(",")
            )
        };
        // Home in German, then the section.
        assert_eq!(
            section(&ld(&["Startseite", "Politik", "Neue Regeln ab März"]), ""),
            Some("Politik".into())
        );
        // The site's name is its home's ("Example" on example.de).
        assert_eq!(
            section(&ld(&["Example", "Politik", "Neue Regeln ab März"]), ""),
            Some("Politik".into())
        );
        // A trail of home and the page itself names no section.
        assert_eq!(section(&ld(&["Home", "Neue Regeln ab März"]), ""), None);
        // Names escaped as HTML inside the JSON are decoded.
        assert_eq!(
            section(
                &ld(&["Trang chủ", "Ch&#237;nh s&#225;ch v&#224; cuộc sống"]),
                ""
            ),
            Some("Chính sách và cuộc sống".into())
        );
        // In the markup: a skip link inside the trail is no step of it, and the page's own
        // classes ("genesis-breadcrumbs-hidden" on <body>) make no trail of the page.
        assert_eq!(
            section(
                "",
                "<nav class=\"breadcrumb\"><a href=\"#content\">Zum Inhalt springen</a>\
                 <a href=\"/\">Startseite</a> » <a href=\"/politik/\">Politik</a></nav>"
            ),
            Some("Politik".into())
        );
        assert_eq!(
            section(
                "",
                "<a href=\"#content\">Zum Inhalt springen</a><a href=\"/\">Blog</a>"
            ),
            None
        );
    }
}
