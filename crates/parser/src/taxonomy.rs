//! Section and tags, from the breadcrumb and the page's metadata.

use crate::authors::SiteNames;
use crate::dom::mentions;
use crate::meta;
use scraper::Html;
use tinstream_model::normalize_text;

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
            r#"[class*="breadcrumb" i], [id*="breadcrumb" i], [class*="bread-crumb" i], [itemtype*="BreadcrumbList"], [class*="detail-cate"]"#,
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
        "trang nhất",
        "home",
        "homepage",
        "home page",
        "start",
        "startseite",
        "accueil",
        "inicio",
        "início",
        "首页",
        "主页",
        "ホーム",
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
    let declares_section =
        |s: &str| !s.is_empty() && !is_title(s) && !site.is_exactly(s) && !is_placeholder(s);
    meta.ld
        .section
        .clone()
        .or_else(|| meta.tag(&["article:section"]).map(str::to_string))
        .map(|s| first_of_list(&s))
        .filter(|s| declares_section(s))
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
                        // Written in any case: VnExpress 2012's "breadCrumb". Every element
                        // is asked, so the case-blind search runs only where "crumb" is.
                        "class" => {
                            value.contains("detail-cate")
                                || (names_crumb(value)
                                    && (mentions(value, "breadcrumb")
                                        || mentions(value, "bread-crumb")))
                        }
                        "id" => names_crumb(value) && mentions(value, "breadcrumb"),
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
        // Last, microdata's: VnExpress gives its subsection there ("Vĩ mô" under "Kinh
        // doanh", the trail's first step).
        .or_else(|| {
            meta.tag(&["articlesection"])
                .map(first_of_list)
                .filter(|s| declares_section(s))
        })
}

/// Whether a class or id may name a breadcrumb, in any case: it holds "crumb". One pass over
/// its bytes, for every element of the page is asked.
fn names_crumb(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b.eq_ignore_ascii_case(&b'c')
            && bytes
                .get(i..i + 5)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"crumb"))
    })
}

/// A section declared as the steps of its trail joined by bare commas (plo.vn's "Thời
/// sự,Chính trị") is the first of them; a comma followed by a space may be the name's own.
fn first_of_list(section: &str) -> String {
    let section = normalize_text(section);
    match section.split_once(',') {
        Some((first, rest))
            if !first.trim().is_empty() && rest.chars().next().is_some_and(char::is_alphabetic) =>
        {
            first.trim().to_string()
        }
        _ => section,
    }
}

/// Sections a publishing system gives a post filed under none.
fn is_placeholder(section: &str) -> bool {
    const NONE: &[&str] = &[
        "uncategorized",
        "uncategorised",
        "non classé",
        "sin categoría",
        "senza categoria",
        "sem categoria",
        "chưa phân loại",
    ];
    NONE.contains(&section.to_lowercase().as_str())
}

pub(crate) fn tags(meta: &meta::Meta) -> Vec<String> {
    // Keywords that repeat the page's description, when it is a sentence, are its text split
    // at its commas, not tags (Tuổi Trẻ 2015: "TT - Trao đổi với Tuổi Trẻ, ông Hoàng Nam Sơn,
    // phó giám đốc … nói "chúng tôi sẽ kiểm điểm nghiêm túc"."). A description that copies
    // the keywords ("Halloween Verkleidung, Halloween Ideen, …") leaves them tags.
    let description = meta
        .tag(&["description", "og:description"])
        .map(|d| normalize_text(&html_escape::decode_html_entities(d)).to_lowercase())
        .filter(|d| {
            d.trim_end_matches(['"', '”', '»', '\'', ')'])
                .ends_with(['.', '…', '!', '?'])
        });
    let copies_description = |v: &str| {
        description.as_deref().is_some_and(|d| {
            normalize_text(&html_escape::decode_html_entities(v)).to_lowercase() == d
        })
    };
    let from_meta = |keys: &[&str]| -> Vec<String> {
        meta.tag(keys)
            .filter(|v| !copies_description(v))
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
    if copies_description(&tags.join(", ")) {
        tags.clear();
    }
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
        // "Start" is home too.
        assert_eq!(
            section(&ld(&["Start", "Aktuelles", "Neue Regeln ab März"]), ""),
            Some("Aktuelles".into())
        );
        // A trail named in another case (VnExpress 2012's "breadCrumb"), and a front page
        // ("Trang nhất", "首页") as its first step.
        assert_eq!(
            section(
                "",
                "<div class=\"breadCrumb\"><a href=\"/\">Trang nhất</a>\
                 <a href=\"/gl/ban-doc-viet/tam-su/\">Tâm sự</a></div>"
            ),
            Some("Tâm sự".into())
        );
        assert_eq!(
            section(
                "",
                "<div id=\"BreadCrumb\"><a href=\"/\">首页</a><a href=\"/tech/\">科技</a></div>"
            ),
            Some("科技".into())
        );
    }

    #[test]
    fn a_declared_section_is_read_as_a_trail_is() {
        let og = |value: &str| format!("<meta property=\"article:section\" content=\"{value}\">");
        // Steps joined by bare commas (plo.vn): the first; a comma and a space may be the
        // name's own.
        assert_eq!(
            section(&og("Thời sự,Chính trị"), ""),
            Some("Thời sự".into())
        );
        assert_eq!(
            section(&og("Food, Drink & Travel"), ""),
            Some("Food, Drink & Travel".into())
        );
        // What a publishing system files a post under when it is filed under nothing.
        let trail = "<nav class=\"breadcrumb\"><a href=\"/\">Startseite</a> \
                     <a href=\"/politik/\">Politik</a></nav>";
        assert_eq!(section(&og("Uncategorized"), trail), Some("Politik".into()));
        assert_eq!(section(&og("Uncategorized"), ""), None);
        // Microdata's comes after the trail: VnExpress gives its subsection there.
        let microdata = "<meta itemprop=\"articleSection\" content=\"Vĩ mô\">";
        assert_eq!(
            section(
                microdata,
                "<ul class=\"breadcrumb\"><li><a href=\"/kinh-doanh\">Kinh doanh</a></li>\
                 <li><a href=\"/kinh-doanh/vi-mo\">Vĩ mô</a></li></ul>"
            ),
            Some("Kinh doanh".into())
        );
        assert_eq!(section(microdata, ""), Some("Vĩ mô".into()));
    }

    #[test]
    fn keywords_that_repeat_a_sentence_of_description_are_no_tags() {
        let tags = |head: &str| {
            let body = numbered_paragraphs(
                3,
                "Đoạn",
                "thành phố sẽ kiểm điểm việc chặt hạ, thay thế cây xanh trên các tuyến phố \
                 thời gian gần đây.",
            );
            let html = format!(
                "<html><head><title>Chặt cây xanh Hà Nội</title>{head}</head><body>\
                 <h1>Chặt cây xanh Hà Nội</h1><div class=\"story\">{body}</div></body></html>"
            );
            parsed_article(&html, "https://bao.example.vn/chat-cay-xanh/724115.html").tags
        };
        let sentence = "TT - Trao đổi với Tuổi Trẻ, ông Hoàng Nam Sơn, phó giám đốc Sở Xây dựng \
                        Hà Nội nói &quot;chúng tôi sẽ kiểm điểm nghiêm túc&quot;.";
        assert_eq!(
            tags(&format!(
                "<meta name=\"keywords\" content=\"{sentence}\">\
                 <meta name=\"description\" content=\"{sentence}\">"
            )),
            Vec::<String>::new()
        );
        // Tags that the description copies stay tags.
        let list = "cây xanh, Hà Nội, Sở Xây dựng";
        assert_eq!(
            tags(&format!(
                "<meta name=\"keywords\" content=\"{list}\">\
                 <meta name=\"description\" content=\"{list}\">"
            )),
            ["cây xanh", "Hà Nội", "Sở Xây dựng"]
        );
    }
}
