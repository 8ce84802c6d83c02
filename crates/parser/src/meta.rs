//! Metadata a page declares about itself: `<meta>` tags (Open Graph, article:*, Dublin Core,
//! itemprop), JSON-LD objects, `<link rel=canonical>`, `<html lang>`, `<h1>` and `<title>`.

use crate::dom::Attribute;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;
use tinstream_model::normalize_text;

macro_rules! selector {
    ($s:expr) => {{
        static SEL: LazyLock<Selector> =
            LazyLock::new(|| Selector::parse($s).expect("static selector is valid"));
        &*SEL
    }};
}

/// JSON-LD types that are article pages.
const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "socialmediaposting",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
];

/// What the page says about itself.
#[derive(Debug, Default)]
pub(crate) struct Meta {
    /// `<meta>` values by lower-cased `property`, `name` or `itemprop`; first one wins.
    tags: HashMap<String, String>,
    pub html_lang: Option<String>,
    pub html_title: Option<String>,
    pub h1: Vec<String>,
    /// The text of the first `<h1>` that is the site's logo or name ([`is_site_logo`]): the
    /// name the site shows itself under.
    pub logo: Option<String>,
    /// `<h2>` to `<h4>` headings that are not links, in page order (the first few): old
    /// portals set their headline in one of these.
    pub subheadings: Vec<String>,
    pub canonical: Option<String>,
    pub time_datetimes: Vec<String>,
    /// Values of microdata `datePublished` / `dateModified` properties on elements other
    /// than `<meta>` (`<time itemprop=datePublished datetime=…>`, `<span
    /// itemprop=datePublished content=…>`, or the element's text when it has neither).
    pub microdata_published: Option<MicrodataDate>,
    pub microdata_modified: Option<MicrodataDate>,
    /// The page's microdata `headline`: a `<meta itemprop="headline">`'s, else the text of
    /// the element that carries it (`<h2 itemprop="headline">`) when the page has one such
    /// value (a listing's cards carry one each).
    pub microdata_headline: Option<String>,
    /// The `dc:date` of the RDF trackback description blog engines (Movable Type, TypePad,
    /// goo, livedoor) leave in a comment, when the page holds exactly one.
    pub trackback_date: Option<String>,
    pub ld: JsonLd,
}

/// The fields of the page's JSON-LD article object (and breadcrumbs).
#[derive(Debug, Default)]
pub(crate) struct JsonLd {
    pub is_article: bool,
    pub headline: Option<String>,
    pub date_published: Option<String>,
    /// The `datePublished` of the page object (`WebPage`) when no article object has one:
    /// SEO plugins put the post's date there.
    pub page_date_published: Option<String>,
    pub date_modified: Option<String>,
    pub authors: Vec<String>,
    pub section: Option<String>,
    pub keywords: Vec<String>,
    pub body: Option<String>,
    pub images: Vec<String>,
    pub url: Option<String>,
    pub breadcrumb: Vec<String>,
}

/// A microdata date property's value.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MicrodataDate {
    /// The machine value (`datetime`, `content`), or the element's text.
    pub value: String,
    /// Whether the value is the element's text, the date as readers see it.
    pub shown: bool,
}

impl Meta {
    /// The first non-empty `<meta>` value under any of `keys`, in that order.
    pub fn tag(&self, keys: &[&str]) -> Option<&str> {
        keys.iter()
            .filter_map(|k| self.tags.get(*k))
            .map(|v| v.trim())
            .find(|v| !v.is_empty())
    }

    /// Reads the metadata of a parsed page. Repeated `article:tag` values are joined with commas.
    pub fn read(html: &Html) -> Meta {
        let mut meta = Meta::default();
        let found = Found::gather(html);
        let mut repeated_tags: Vec<String> = Vec::new();
        for el in found.metas {
            let v = el.value();
            let Some(content) = v.attribute("content") else {
                continue;
            };
            for attr in ["property", "name", "itemprop"] {
                if let Some(key) = v.attribute(attr) {
                    let key = key.trim().to_ascii_lowercase();
                    if key == "article:tag" {
                        repeated_tags.push(content.to_string());
                    }
                    meta.tags.entry(key).or_insert_with(|| content.to_string());
                }
            }
        }
        if !repeated_tags.is_empty() {
            meta.tags
                .insert("article:tag".into(), repeated_tags.join(","));
        }
        meta.html_lang = found.html_lang.map(str::to_string);
        meta.html_title = found.title.map(text_of);
        meta.h1 = found
            .h1s
            .iter()
            .copied()
            .filter(|h| !is_site_logo(*h) && !in_navigation(*h) && !is_section_heading(*h))
            .map(headline_text)
            .filter(|t| !t.is_empty())
            .take(5)
            .collect();
        meta.logo = found
            .h1s
            .iter()
            .copied()
            .filter(|h| is_site_logo(*h))
            .map(visible_line)
            .find(|t| !t.is_empty() && t.chars().count() <= MAX_LOGO_CHARS);
        meta.subheadings = found
            .subheadings
            .into_iter()
            .filter(|h| {
                h.select(selector!("a")).next().is_none()
                    && !h
                        .ancestors()
                        .any(|a| a.value().as_element().is_some_and(|e| e.name() == "a"))
            })
            .map(text_of)
            .filter(|t| !t.is_empty())
            .take(20)
            .collect();
        meta.canonical = found
            .links
            .into_iter()
            .find(|l| {
                l.value().attribute("rel").is_some_and(|r| {
                    r.split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                })
            })
            .and_then(|l| l.value().attribute("href"))
            .map(str::to_string);
        meta.trackback_date = trackback_date(&found.comments);
        meta.time_datetimes = found
            .times
            .into_iter()
            // Not a comment's or a related item's time, nor today's in the navigation or the
            // masthead, shown on every page.
            .filter(|t| {
                !crate::places::dated_by_others(html, t.id()) && !crate::places::in_teaser(*t)
            })
            .filter_map(time_value)
            .take(10)
            .collect();
        // A listing's cards carry their own dates in the same markup: a value is taken only
        // when every such element on the page agrees. One walk gathers both properties.
        let mut published: Vec<MicrodataDate> = Vec::new();
        let mut modified: Vec<MicrodataDate> = Vec::new();
        let mut headlines: Vec<String> = Vec::new();
        for el in found.itemprops {
            let Some(props) = el.value().attribute("itemprop") else {
                continue;
            };
            let has = |name: &str| {
                props
                    .split_whitespace()
                    .any(|p| p.eq_ignore_ascii_case(name))
            };
            if has("headline") {
                if let Some(text) = short_text(el, MAX_HEADLINE_CHARS).map(|t| normalize_text(&t)) {
                    if !text.is_empty() && !headlines.contains(&text) {
                        headlines.push(text);
                    }
                }
                continue;
            }
            let (is_published, is_modified) = (has("datePublished"), has("dateModified"));
            if !is_published && !is_modified {
                continue;
            }
            // An element without a machine value gives its text ("December 7, 2020"), as
            // microdata defines it; read no further than a date's length.
            let value = el
                .value()
                .attribute("datetime")
                .or_else(|| el.value().attribute("content"))
                .map(|v| MicrodataDate {
                    value: v.trim().to_string(),
                    shown: false,
                })
                .or_else(|| {
                    short_text(el, MAX_TIME_TEXT_CHARS)
                        .map(|value| MicrodataDate { value, shown: true })
                })
                .filter(|v| !v.value.is_empty());
            let Some(value) = value else {
                continue;
            };
            if crate::places::in_foreign_box(html, el.id()) {
                continue;
            }
            for (wanted, list) in [(is_published, &mut published), (is_modified, &mut modified)] {
                if wanted && list.len() < 20 {
                    list.push(value.clone());
                }
            }
        }
        let agreed = |values: &[MicrodataDate]| {
            let first = values.first()?;
            values.iter().all(|v| v == first).then(|| first.clone())
        };
        meta.microdata_published = agreed(&published);
        meta.microdata_modified = agreed(&modified);
        // A `<meta itemprop=headline>` holds the headline alone; an element's text may carry
        // more ("<h2 itemprop=headline><time>Jun 17</time> Das vielleicht schönste Ende…").
        meta.microdata_headline = match (meta.tags.get("headline"), headlines.as_slice()) {
            (Some(declared), _) => Some(normalize_text(declared)),
            (None, [one]) => Some(one.clone()),
            _ => None,
        };
        for script in found.json_ld {
            let raw: String = script.text().collect();
            // Sites leave raw control characters (newlines inside strings) in their JSON-LD.
            let cleaned: String = raw
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            // The first value is read even when something follows it: a stray closing
            // brace after a complete object is a common template slip.
            let first = serde_json::Deserializer::from_str(&cleaned)
                .into_iter::<Value>()
                .next();
            if let Some(Ok(value)) = first {
                read_json_ld(&value, &mut meta.ld, 0);
            }
        }
        meta
    }
}

/// The elements the metadata is read from, gathered in one walk of the document (in the
/// order `Html::select` visits them): a walk per selector cost as much as the rest of the
/// metadata together.
#[derive(Default)]
struct Found<'a> {
    metas: Vec<ElementRef<'a>>,
    html_lang: Option<&'a str>,
    title: Option<ElementRef<'a>>,
    h1s: Vec<ElementRef<'a>>,
    subheadings: Vec<ElementRef<'a>>,
    links: Vec<ElementRef<'a>>,
    times: Vec<ElementRef<'a>>,
    /// Elements other than `<meta>` with an `itemprop`.
    itemprops: Vec<ElementRef<'a>>,
    json_ld: Vec<ElementRef<'a>>,
    comments: Vec<&'a str>,
}

impl<'a> Found<'a> {
    fn gather(html: &'a Html) -> Found<'a> {
        let mut found = Found::default();
        for node in html.tree.nodes() {
            if let Some(comment) = node.value().as_comment() {
                found.comments.push(comment);
                continue;
            }
            let Some(el) = ElementRef::wrap(node) else {
                continue;
            };
            let value = el.value();
            match value.name() {
                "meta" => found.metas.push(el),
                "html" if found.html_lang.is_none() => found.html_lang = value.attribute("lang"),
                "title" if found.title.is_none() => found.title = Some(el),
                "h1" => found.h1s.push(el),
                "h2" | "h3" | "h4" => found.subheadings.push(el),
                "link" if value.attribute("rel").is_some() => found.links.push(el),
                "time" if value.attribute("datetime").is_some() => found.times.push(el),
                "script" if selector!(r#"script[type="application/ld+json"]"#).matches(&el) => {
                    found.json_ld.push(el)
                }
                _ => {}
            }
            if value.name() != "meta" && value.attribute("itemprop").is_some() {
                found.itemprops.push(el);
            }
        }
        found
    }
}

/// The text of an `<h1>` without its kicker: "<span class=dachzeile>Interne Unterlagen im
/// Netz</span> <span class=headline>Daten von Rheinmetall gehackt</span>" is the headline
/// "Daten von Rheinmetall gehackt", the label above it a heading of its own.
fn headline_text(h1: ElementRef<'_>) -> String {
    static KICKER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"kicker|dachzeile|overline|topline|eyebrow|roofline|spitzmarke|supertitle|pretitle",
        )
        .expect("static regex is valid")
    });
    let full = visible_line(h1);
    let kicker = h1
        .descendants()
        .skip(1)
        .filter_map(ElementRef::wrap)
        .find(|e| KICKER.is_match(&crate::dom::class_and_id(e.value())));
    let Some(kicker) = kicker else {
        return full;
    };
    let label = text_of(kicker);
    match full.strip_prefix(&label) {
        Some(rest) => {
            let rest = rest.trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '|')
            });
            if rest.is_empty() {
                full
            } else {
                rest.to_string()
            }
        }
        None => full,
    }
}

/// Whether an element sits in the page's navigation (`<nav>`, `role="navigation"`) or its
/// footer (`<footer>`, `role="contentinfo"`, an element named a footer, "et_pb_section_0_tb_footer"
/// as page builders write it): a heading there names the menu ("Menu di navigazione") or a
/// box of the site ("Contact Us", "Return to Nationwide Website"), not the page. A wrapper
/// named after the footer that holds the page's `<main>` ("flex-wrap-footer", a layout
/// that keeps the footer down) is the page.
fn in_navigation(el: ElementRef<'_>) -> bool {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .filter(|a| !matches!(a.value().name(), "html" | "body"))
        .any(|a| {
            let value = a.value();
            let footer = value.name() == "footer"
                || value.attribute("role") == Some("contentinfo")
                || crate::dom::hint_classes(value)
                    .chain(value.attribute("id"))
                    .any(|hint| crate::dom::mentions(hint, "footer"));
            value.name() == "nav"
                || value.attribute("role") == Some("navigation")
                || (footer && a.select(selector!("main")).next().is_none())
        })
}

/// The longest text of an `<h1>` logo read as the site's name.
const MAX_LOGO_CHARS: usize = 80;

/// Whether an `<h1>` is the site's logo or name rather than a headline: named so by its class
/// or id ("site-title", "global-logo", "brand"), or a link to the home page.
fn is_site_logo(h1: ElementRef<'_>) -> bool {
    static LOGO: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"logo|site-?name|site-?title|brand|menu-toggle")
            .expect("static regex is valid")
    });
    if LOGO.is_match(&crate::dom::class_and_id(h1.value())) {
        return true;
    }
    h1.select(selector!("a[href]")).any(|a| {
        a.value().attribute("href").is_some_and(is_home_address)
            || a.value()
                .attribute("rel")
                .is_some_and(|r| r.split_whitespace().any(|t| t == "home"))
    })
}

/// Whether an `<h1>` heads a section of the text rather than the page: it links to itself
/// (`<h1 id="but-what-they-love"><a class="anchor" href="#but-what-they-love">`), as the
/// Markdown renderers of blogs and documentation set every heading of a text.
fn is_section_heading(h1: ElementRef<'_>) -> bool {
    let Some(id) = h1.value().attribute("id").filter(|id| !id.is_empty()) else {
        return false;
    };
    h1.select(selector!("a[href]")).any(|a| {
        a.value()
            .attribute("href")
            .and_then(|href| href.strip_prefix('#'))
            == Some(id)
    })
}

/// Whether a link's address is a site's home page: "/", or a whole address naming no path
/// ("https://davidbau.com/").
fn is_home_address(href: &str) -> bool {
    let href = href.trim();
    href == "/"
        || url::Url::parse(href).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.path() == "/"
                && u.query().is_none()
                && u.fragment().is_none()
        })
}

/// The `dc:date` of the page's RDF trackback description, kept in an HTML comment:
/// `<!-- <rdf:RDF …><rdf:Description rdf:about="…" dc:date="2020-07-12T22:00:00+09:00" …/>
/// </rdf:RDF> -->`. A listing carries one per entry; then none is the page's.
fn trackback_date(comments: &[&str]) -> Option<String> {
    static DC_DATE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"<rdf:Description\b[^>]*?\bdc:date\s*=\s*"([^"]{10,40})""#)
            .expect("static regex is valid")
    });
    let mut dates = comments
        .iter()
        .filter(|c| c.contains("dc:date"))
        .flat_map(|c| {
            DC_DATE
                .captures_iter(c)
                .map(|m| m[1].to_string())
                .collect::<Vec<_>>()
        });
    let first = dates.next()?;
    dates.next().is_none().then_some(first)
}

/// Concatenated, whitespace-folded text of a heading or a byline, without the parts inside
/// it hidden from sighted readers (a heading's `<span class="element-invisible"> |
/// Site</span>`, a byline's name said again for screen readers) and without a `<time>` it
/// holds (a blog's "<h1><a><time>Dec 18 2025</time> Preparing a transition</a></h1>": the
/// date is the post's, not a word of its title).
pub(crate) fn visible_text(el: ElementRef<'_>) -> String {
    shown_text(el, WordBreaks::BetweenTexts)
}

/// [`visible_text`] set as a browser sets a line: the texts of inline elements run on
/// ("Planning <span class=\"hand\">C</span>ycle" reads "Planning Cycle"), block elements and
/// line breaks part words. Where an element's text ends in a small letter and the next one's
/// starts with a capital ("<span>Zoonosen</span><span>Wie …</span>"), the two are set apart by
/// their style: no word changes case so.
pub(crate) fn visible_line(el: ElementRef<'_>) -> String {
    shown_text(el, WordBreaks::AtBlocks)
}

/// Where [`shown_text`] puts a space between the texts of an element.
#[derive(Clone, Copy, PartialEq)]
enum WordBreaks {
    /// Between any two texts: elements side by side are often set apart by their style
    /// alone (a byline's name and date in two spans).
    BetweenTexts,
    /// Only around block elements and `<br>`.
    AtBlocks,
}

/// Elements that flow within a line of text.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "cite"
            | "code"
            | "data"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "u"
            | "var"
            | "wbr"
    )
}

fn shown_text(el: ElementRef<'_>, breaks: WordBreaks) -> String {
    use ego_tree::iter::Edge;
    let mut raw = String::new();
    let mut hidden: Option<ego_tree::NodeId> = None;
    for edge in el.traverse() {
        match edge {
            Edge::Open(node) if hidden.is_none() => match node.value() {
                // The element itself counts whatever its classes (a hidden <h1> may hold
                // the headline for machines); only what it hides inside is left out.
                scraper::Node::Element(e)
                    if node.id() != el.id() && (crate::dom::is_hidden(e) || e.name() == "time") =>
                {
                    hidden = Some(node.id())
                }
                scraper::Node::Element(e) if breaks == WordBreaks::AtBlocks => {
                    raw.push(if is_inline(e.name()) { SEAM } else { ' ' })
                }
                scraper::Node::Text(t) => {
                    raw.push_str(t);
                    if breaks == WordBreaks::BetweenTexts {
                        raw.push(' ');
                    }
                }
                _ => {}
            },
            Edge::Close(node) if hidden == Some(node.id()) => hidden = None,
            Edge::Close(node) if hidden.is_none() && breaks == WordBreaks::AtBlocks => {
                if let Some(e) = node.value().as_element() {
                    raw.push(if is_inline(e.name()) { SEAM } else { ' ' })
                }
            }
            _ => {}
        }
    }
    if breaks == WordBreaks::AtBlocks {
        raw = close_seams(&raw);
    }
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where an inline element opens or closes, in the text [`shown_text`] gathers.
const SEAM: char = '\u{1}';

/// The text with its seams closed up, or opened to a space between a small letter and a
/// capital.
fn close_seams(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    let mut last: Option<char> = None;
    while let Some(c) = chars.next() {
        if c != SEAM {
            out.push(c);
            last = Some(c);
            continue;
        }
        while chars.peek() == Some(&SEAM) {
            chars.next();
        }
        let next = chars.peek().copied();
        if last.is_some_and(char::is_lowercase) && next.is_some_and(char::is_uppercase) {
            out.push(' ');
        }
    }
    out
}

/// Concatenated, whitespace-folded text of an element.
pub(crate) fn text_of(el: ElementRef<'_>) -> String {
    let raw: String = el.text().collect::<Vec<_>>().join(" ");
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read_json_ld(value: &Value, ld: &mut JsonLd, depth: usize) {
    if depth > 6 {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                read_json_ld(item, ld, depth + 1);
            }
        }
        Value::Object(obj) => {
            let types = type_names(obj.get("@type"));
            if types.iter().any(|t| ARTICLE_TYPES.contains(&t.as_str())) && !ld.is_article {
                ld.is_article = true;
                ld.headline = string(obj.get("headline")).or_else(|| string(obj.get("name")));
                ld.date_published = string(obj.get("datePublished"));
                ld.date_modified = string(obj.get("dateModified"));
                ld.authors = names(obj.get("author"));
                ld.section = list(obj.get("articleSection")).into_iter().next();
                ld.keywords = list(obj.get("keywords"));
                ld.body = string(obj.get("articleBody"));
                ld.images = images(obj.get("image"));
                ld.url = string(obj.get("url")).or_else(|| match obj.get("mainEntityOfPage") {
                    Some(Value::Object(o)) => string(o.get("@id")),
                    other => string(other),
                });
            }
            if types.iter().any(|t| t == "webpage" || t == "itempage")
                && ld.page_date_published.is_none()
            {
                ld.page_date_published = string(obj.get("datePublished"));
            }
            if types.iter().any(|t| t == "breadcrumblist") && ld.breadcrumb.is_empty() {
                if let Some(Value::Array(items)) = obj.get("itemListElement") {
                    let mut items: Vec<(i64, String)> = items
                        .iter()
                        .filter_map(|i| {
                            let pos = i.get("position").and_then(Value::as_i64).unwrap_or(0);
                            let name = string(i.get("name"))
                                .or_else(|| i.get("item").and_then(|it| string(it.get("name"))))?;
                            Some((pos, name))
                        })
                        .collect();
                    items.sort_by_key(|(p, _)| *p);
                    ld.breadcrumb = items.into_iter().map(|(_, n)| n).collect();
                }
            }
            if let Some(graph) = obj.get("@graph") {
                read_json_ld(graph, ld, depth + 1);
            }
        }
        _ => {}
    }
}

fn type_names(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_ascii_lowercase)
            .collect(),
        _ => vec![],
    }
}

/// A JSON-LD string as text. Some sites write HTML's entities into it ("Ch&#237;nh s&#225;ch
/// v&#224; cuộc sống", baochinhphu.vn's breadcrumb), which JSON does not decode: they are.
fn ld_text(s: &str) -> String {
    html_escape::decode_html_entities(s.trim())
        .trim()
        .to_string()
}

fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(ld_text(s)).filter(|t| !t.is_empty()),
        Value::Array(a) => a.iter().find_map(|x| string(Some(x))),
        _ => None,
    }
}

fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => ld_text(s)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        Some(Value::Array(a)) => a.iter().flat_map(|x| list(Some(x))).collect(),
        _ => vec![],
    }
}

fn names(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![ld_text(s)],
        Some(Value::Object(o)) => string(o.get("name")).into_iter().collect(),
        Some(Value::Array(a)) => a.iter().flat_map(|x| names(Some(x))).collect(),
        _ => vec![],
    }
}

fn images(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Object(o)) => string(o.get("url")).into_iter().collect(),
        Some(Value::Array(a)) => a.iter().flat_map(|x| images(Some(x))).collect(),
        _ => vec![],
    }
}

/// The time a `<time datetime>` element gives: its `datetime`, unless its own text shows
/// another day ("Publié le 29 juin 2019" over `2019-07-03T10:18:46Z`, a re-save): the day
/// readers see wins. A text that is the attribute's day with day and month swapped is a
/// month-first date read day first, not another day.
fn time_value(time: scraper::ElementRef<'_>) -> Option<String> {
    use chrono::Datelike;
    let value = time.value().attribute("datetime")?;
    // Read no further than a date's length: a <time> may wrap a whole page.
    let Some(text) = short_text(time, MAX_TIME_TEXT_CHARS) else {
        return Some(value.to_string());
    };
    let zone = crate::dates::LocalZone::Unknown;
    let (Some(shown), Some(machine)) = (
        crate::dates::parse_visible(&text, zone),
        crate::dates::parse_machine(value, zone),
    ) else {
        return Some(value.to_string());
    };
    let (shown, machine) = (shown.date(), machine.date());
    let swapped = shown.year() == machine.year()
        && shown.month() == machine.day()
        && shown.day() == machine.month();
    if shown != machine && !swapped {
        return Some(shown.format("%Y-%m-%d").to_string());
    }
    Some(value.to_string())
}

/// An element's text, trimmed, when it is no longer than `limit` characters: read no
/// further than that, as the element may wrap a whole page.
fn short_text(el: ElementRef<'_>, limit: usize) -> Option<String> {
    let mut text = String::new();
    for piece in el.text() {
        text.push_str(piece);
        if text.chars().count() > limit {
            return None;
        }
    }
    Some(text.trim().to_string())
}

/// Longest text of an element read as a microdata headline: a longer one wraps more than
/// the headline.
const MAX_HEADLINE_CHARS: usize = 300;

/// Longest text of a `<time>` element read as the day it shows.
const MAX_TIME_TEXT_CHARS: usize = 80;
