//! Where an element sits on the page, asked by the fields read outside the body walk (the
//! publication date, the bylines): in a box of other pages' items (comments, related
//! articles), in a teaser or a card that links to another page, in a picture's credit, in the
//! site's masthead. A date or a name there belongs to another page or to the site, not to the
//! article.

use crate::dom::{class_and_id, Attribute, CAPTION};
use ego_tree::NodeId;
use regex::Regex;
use scraper::node::Element;
use scraper::{ElementRef, Html, Node};
use std::sync::LazyLock;

/// Whether a node sits in a box of other people's or other pages' items: comments, related
/// or recommended articles, a quoted or embedded post. Dates found there are never the
/// page's own.
pub(crate) fn in_foreign_box(html: &Html, node: NodeId) -> bool {
    static FOREIGN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"comment|binh-?luan|related|relate|lien-?quan|recommend|tin-?khac|other-?news|more-?news|similar|recent-?(?:posts|entries|news|articles)|slider|carousel|swiper|splide",
        )
        .expect("static regex is valid")
    });
    let Some(start) = html.tree.get(node) else {
        return false;
    };
    start
        .ancestors()
        .take(20)
        .chain(std::iter::once(start))
        .filter_map(|n| n.value().as_element())
        .any(|el| {
            // A quoted or embedded post (a tweet, an Instagram post) carries its own time.
            if el.name() == "blockquote" {
                return true;
            }
            // The page's own classes name what the site's templates hold somewhere ("has-
            // related-posts", "fusion-slider"), not what holds the date.
            if matches!(el.name(), "html" | "body") {
                return false;
            }
            let hints = class_and_id(el);
            // "comments-date", "comment-count": the page's own line of metadata, which
            // counts its comments beside its date.
            !hints.is_empty()
                && FOREIGN.is_match(&hints)
                && !["date", "count", "number"]
                    .iter()
                    .any(|w| hints.contains(w))
        })
}

/// The characters of an element's text, spaces left out, counted no further than just past
/// `limit`: a link may wrap a whole page.
fn chars_over(e: ElementRef<'_>, limit: usize) -> usize {
    let mut n = 0;
    for t in e.text() {
        n += t.chars().filter(|c| !c.is_whitespace()).count();
        if n > limit {
            break;
        }
    }
    n
}

/// Whether a date element is a teaser's, another page's: inside a link that holds more than
/// the date (the other page's title), or in a list item beside such a link ("Le fil du blog":
/// a title link, its date and its author per item). A link holding only its date (to the
/// day's archive) is the page's own line of metadata, and so is an item whose only links are
/// its author's.
pub(crate) fn in_teaser(el: ElementRef<'_>) -> bool {
    /// What a teaser's link holds beyond its date, at the least, in characters.
    const TITLE_CHARS: usize = 20;
    /// A date element longer than this is no date (and no teaser's).
    const MAX_DATE_CHARS: usize = 200;
    /// How far above the date its list item may sit.
    const ITEM_DEPTH: usize = 4;
    let own = chars_over(el, MAX_DATE_CHARS);
    if own > MAX_DATE_CHARS {
        return false;
    }
    if link_holding_more(el, own, TITLE_CHARS).is_some() {
        return true;
    }
    let Some(item) = el
        .ancestors()
        .filter_map(ElementRef::wrap)
        .take(ITEM_DEPTH)
        .find(|a| a.value().name() == "li")
    else {
        return false;
    };
    item.descendants().filter_map(ElementRef::wrap).any(|a| {
        if a.value().name() != "a" || a.value().attribute("href").is_none() {
            return false;
        }
        !rel_author(a)
            && !el.ancestors().any(|n| n.id() == a.id())
            && chars_over(a, TITLE_CHARS) > TITLE_CHARS
    })
}

/// Whether an element is a picture's credit or caption: inside a `<figure>`, or within a few
/// levels of an element whose class names a caption or a credit ("credito-image",
/// "photo-credit"). A name there is the photographer's.
pub(crate) fn in_picture_credit(el: ElementRef<'_>) -> bool {
    /// Levels of ancestors looked at: a credit's wrapper is close.
    const LEVELS: usize = 4;
    static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"credit|credito|photo-?by|foto-?by").expect("static regex is valid")
    });
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .take(LEVELS)
        .any(|a| {
            let v = a.value();
            if matches!(v.name(), "figure" | "figcaption") {
                return true;
            }
            let hints = class_and_id(v);
            !hints.is_empty() && (CAPTION.is_match(&hints) || CREDIT.is_match(&hints))
        })
}

/// Whether an element sits in a card that leads to another page: inside a link that holds
/// more than the element (the other page's title and teaser). A byline there is the other
/// page's.
pub(crate) fn in_card(el: ElementRef<'_>) -> bool {
    /// What a card's link holds beyond the element, at the least, in characters.
    const TITLE_CHARS: usize = 30;
    let own = chars_over(el, MAX_CARD_TEXT);
    if own > MAX_CARD_TEXT {
        return false;
    }
    link_holding_more(el, own, TITLE_CHARS).is_some_and(|link| {
        // A link to the page itself or to its author's page, around the name and a line of
        // biography, is the page's own author box.
        let own_box = link.value().attribute("aria-current").is_some()
            || rel_author(link)
            || link.value().attribute("href").is_some_and(|h| {
                let h = h.to_ascii_lowercase();
                ["/author", "/autor", "/auteur", "/tac-gia/"]
                    .iter()
                    .any(|p| h.contains(p))
            });
        !own_box
    })
}

/// The nearest link around an element, when it holds more than the element's `own`
/// characters by over `beyond`: another page's title and teaser beside it.
fn link_holding_more(el: ElementRef<'_>, own: usize, beyond: usize) -> Option<ElementRef<'_>> {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == "a")
        .filter(|link| chars_over(*link, own + beyond) > own + beyond)
}

/// Whether a link says it leads to the author (`rel="author"`).
fn rel_author(link: ElementRef<'_>) -> bool {
    link.value().attribute("rel").is_some_and(|r| {
        r.split_whitespace()
            .any(|r| r.eq_ignore_ascii_case("author"))
    })
}

/// The longest element [`in_card`] weighs: beyond it, an element is no card's line.
const MAX_CARD_TEXT: usize = 200;

/// Whether a date at a node belongs to something other than the page: another page's or
/// person's item ([`in_foreign_box`]) or today's date in the masthead ([`in_masthead`]).
pub(crate) fn dated_by_others(html: &Html, node: NodeId) -> bool {
    in_foreign_box(html, node) || in_masthead(html, node)
}

/// Whether a node sits in the site's masthead or navigation: a `<nav>`, a banner, a bar
/// named as the top navigation ("navbar", "topbar", "masthead"), or a page `<header>` that
/// holds a menu or the site's logo. A date there is today's, shown on every page, not the page's own.
pub(crate) fn in_masthead(html: &Html, node: NodeId) -> bool {
    static BAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"navbar|navtop|top-?nav|top-?bar|masthead|site-?header|header-?top|top-?header")
            .expect("static regex is valid")
    });
    let Some(start) = html.tree.get(node) else {
        return false;
    };
    for n in std::iter::once(start).chain(start.ancestors()).take(24) {
        let Some(el) = n.value().as_element() else {
            continue;
        };
        // The page's own classes ("avada-top-header") say nothing of where the date sits.
        if matches!(el.name(), "html" | "body") {
            break;
        }
        let hints = class_and_id(el);
        // A breadcrumb trail ends with the page itself ("08.11.2021 | Online-Fachtag").
        let breadcrumb = hints.contains("breadcrumb")
            || el
                .attribute("aria-label")
                .is_some_and(|l| l.to_lowercase().contains("breadcrumb"));
        if breadcrumb || el.attribute("aria-current") == Some("page") {
            return false;
        }
        if el.name() == "nav" || matches!(el.attribute("role"), Some("navigation" | "banner")) {
            return true;
        }
        if el.name() == "header" && !within_article(n) && holds_menu(n) {
            return true;
        }
        if !hints.is_empty() && BAR.is_match(&hints) {
            return true;
        }
    }
    false
}

/// Whether a node lies inside an `<article>` or `<main>`: a `<header>` there is the
/// article's.
fn within_article(node: ego_tree::NodeRef<'_, Node>) -> bool {
    node.ancestors()
        .filter_map(|a| a.value().as_element())
        .any(|a| matches!(a.name(), "article" | "main"))
}

/// Whether an element's class or id names a logo, read as [`class_and_id`] reads them but
/// without building the string: a header's every descendant is asked.
fn names_logo(el: &Element) -> bool {
    let mentions = |v: &str| crate::dom::mentions(v, "logo");
    let by_class = el.attribute("class").is_some_and(|c| {
        c.split_whitespace()
            .filter(|class| !class.contains([':', '[', '&']))
            .any(mentions)
    });
    by_class || el.attribute("id").is_some_and(mentions)
}

/// Whether an element holds a `<nav>` menu or the site's logo (a link home, an element
/// named "logo"): what makes a `<header>` the site's, not the article's.
fn holds_menu(node: ego_tree::NodeRef<'_, Node>) -> bool {
    node.descendants()
        .take(2000)
        .filter_map(|d| d.value().as_element())
        .any(|d| {
            d.name() == "nav"
                || (d.name() == "a" && d.attribute("href") == Some("/"))
                || names_logo(d)
        })
}
