//! One pass over the DOM that turns a page into text blocks.
//!
//! A block is the run of text inside one block-level element (a `<p>`, a `<td>`, a `<div>` with
//! text of its own), with what the extractor needs to judge it: its length, how much of it is
//! link text, whether it is bold, a heading, a caption, a list item. Elements that never hold
//! article text (scripts, navigation, forms' controls, hidden elements, share and related-news
//! boxes recognised by their class or id) are skipped here, subtree and all.
//!
//! The walk is iterative (`ego_tree`'s traversal), so a page of 100,000 nested elements costs
//! memory, not stack.

use ego_tree::iter::Edge;
use ego_tree::NodeId;
use regex::Regex;
use scraper::node::Element;
use scraper::{ElementRef, Html, Node};
// Maps keyed by node: the Fx hash is several times cheaper than SipHash on an integer key,
// and these maps are probed for every block's every ancestor. No key here comes from the
// page, so there is nothing to flood.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

/// A run of text inside one block-level element.
#[derive(Debug)]
pub(crate) struct Block {
    /// The nearest block-level element holding the text.
    pub node: NodeId,
    /// The text as written; `<br>` becomes a line break.
    pub text: String,
    /// Characters that are not white space.
    pub chars: usize,
    /// Of those, how many are inside links.
    pub link_chars: usize,
    /// Of those, how many are inside `<b>` or `<strong>`.
    pub bold_chars: usize,
    /// The heading level (1-6) when the block is inside a heading.
    pub heading: Option<u8>,
    /// Inside a `<figcaption>` or an element whose class names a caption.
    pub in_caption: bool,
    /// The innermost enclosing element whose class names a lead (sapo), if any. Whether it
    /// really is one depends on its size (a "summary" class can wrap a whole body).
    pub lead_node: Option<NodeId>,
    /// Inside a list item.
    pub in_list_item: bool,
}

impl Block {
    pub fn link_density(&self) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f32 / self.chars as f32
        }
    }
}

/// An image found in the page body, with the element it sits in.
#[derive(Debug)]
pub(crate) struct ImageRef {
    pub node: NodeId,
    pub src: String,
    /// Inside a link: a teaser thumbnail rather than an article image.
    pub in_link: bool,
    /// How many blocks come before the image in the document: where it stands in the text.
    pub blocks_before: usize,
}

/// The blocks of a page, in document order, and per-element text totals.
pub(crate) struct Blocks {
    pub blocks: Vec<Block>,
    pub images: Vec<ImageRef>,
    /// For each element that holds text (directly or not, up to [`TOTALS_DEPTH`] levels up
    /// from a block): total characters and link characters.
    pub totals: HashMap<NodeId, (usize, usize)>,
}

/// How many ancestors of a block get its characters added to their totals. Deeper containers
/// are never candidates for the article body, and the bound keeps the cost linear.
pub(crate) const TOTALS_DEPTH: usize = 12;

/// The longest text a heading holds; longer text inside a heading element is read as text.
const MAX_HEADING_CHARS: usize = 300;

/// Classes and ids of elements that never hold article text.
static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(share|sharing|social|socials|comments?|comment-?list|related|relate|breadcrumbs?|menu|
        navbar|nav|navigation|sidebar|side-?bar|widget|banner|advert|advertisement|ads|ad-?slot|
        quang-?cao|qc|popup|modal|cookie|disclaimer|disclosures?|promo|subscribe|newsletter|tags?|tag-?list|keywords?|print|
        toolbar|tools?|rating|vote|poll|login|search|pagination|paging|footer|masthead|
        header-?top|top-?bar|most-?read|most-?viewed|trending|hot-?news|readmore|read-?more|
        box-?other|other-?news|more-?news|see-?also|next-?news|pre-?footer|more-?like-?this|
        read-?next|also-?read)\b
        |tinlienquan|lienquan|tinkhac|tin-khac|tin-lien-quan|binhluan|binh-luan|quangcao|
        chiase|chia-se|guibai|phan-?hoi|phanhoi|tin-?cung-?chuyen-?muc|xemthem|xem-them
        # VnExpress's place stamp before the lead ('TP HCM'), set apart by style alone: in
        # the text it would run into the lead's first word.
        |location-?stamp
        # A box of links to other stories set inside the text, named as one word
        # ('kbwscwl-relatedbox' on baochinhphu.vn).
        |relatedbox|relatednews",
    )
    .expect("static regex is valid")
});

pub(crate) static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"caption|chuthich|chu-thich|image-?desc|img-?desc|photo-?desc|desc-?image|figcaption|expnoedit")
        .expect("static regex is valid")
});

/// Classes and ids of a lead: the words of several languages for it ("sapo", "chapo",
/// "standfirst", "sommario", "dek", "Vorspann"), as a whole word of a class, where a word
/// ends at any sign, an underscore too ("content__intro", "article__abstract" in the
/// block-element naming many themes use). A word followed by a number is a size of type
/// ("subtitle-2"), not a part of the page. TYPO3's news pages name their lead "teaser-text",
/// as the whole class (in other names "teaser-text" is a teaser's). An excerpt or a teaser is
/// the lead when the article's: "entry-excerpt", "article-single__excerpt", "article-teaser"
/// (a writer's box is "with-excerpt"; a list's are "card-teaser"). Matched against
/// [`class_and_id`], which is in lower case.
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:^|[^a-z0-9])
        (lead|summary|description|chapeau|chappeau|chapo|standfirst|tomtat|tom-tat|intro|
         introduction|abstract|subtitle|sub-?headline|sommario|dek|bajada|entradilla|copete|
         catenaccio|linha-?fina|preface)
        (?:$|[^a-z0-9-]|-[a-z-])
        |(?:^|\s)teaser-text(?:$|\s)
        |(?:^|\s)(?:article|entry|post|story)[a-z0-9_-]*[-_](?:excerpt|teaser)(?:$|\s|[-_])
        |sapo|einleitung|vorspann",
    )
    .expect("static regex is valid")
});

/// Classes that name a lead inside an article's own header, and elsewhere name other
/// things: "teaser" (another page's, in a list), "excerpt" (a list's, or a writer's box's).
/// In lower case, as [`LEAD`].
static HEADER_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^a-z0-9])(teaser|excerpt)(?:$|[^a-z0-9-]|-[a-z-])")
        .expect("static regex is valid")
});

/// Classes of a box whose "description" or "subtitle" is no lead: a writer's (the writer's
/// biography) or a call to subscribe ("hermes-cta-description").
static NOT_LEAD_BOX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)author|profile|\bbio\b|byline|avatar|vcard|\bcta\b|paywall|marketing")
        .expect("static regex is valid")
});

/// Whether an element's class and id (in lower case) name a lead.
fn names_lead(hints: &str) -> bool {
    !hints.is_empty() && LEAD.is_match(hints)
}

/// Whether an element, or one of the few around it, is named as a box whose text is no
/// lead however the element itself is named: a writer's box ("author-description",
/// "mini-profile__subtitle", a "description" in a "vcard author" section), a call to
/// subscribe ("hermes-cta-description").
pub(crate) fn in_not_lead_box(node: ego_tree::NodeRef<'_, Node>) -> bool {
    /// Levels looked at: the element and its parents up to the box's own.
    const LEVELS: usize = 4;
    std::iter::once(node)
        .chain(node.ancestors())
        .take(LEVELS)
        .filter_map(|n| n.value().as_element())
        // An article's own classes name its writer and its paywall ("author-article",
        // "steady-paywall-container"): they say nothing of the parts inside it.
        .take_while(|el| !matches!(el.name(), "article" | "main" | "body"))
        .any(|el| hints_match(el, &NOT_LEAD_BOX))
}

/// Tags whose subtree is never text of the article. Ruby annotations (`<rt>`, and the
/// brackets `<rp>` gives browsers without ruby) are the reading of the text they sit on, as
/// Japanese pages print furigana above the kanji: the text is the base alone.
fn is_skipped_tag(name: &str) -> bool {
    matches!(
        name,
        "rt" | "rp"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "object"
            | "embed"
            | "svg"
            | "canvas"
            | "button"
            | "select"
            | "textarea"
            | "input"
            | "label"
            | "video"
            | "audio"
            | "head"
            | "title"
            | "map"
    )
}

pub(crate) fn is_block_tag(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "blockquote"
            | "body"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "div"
            | "dl"
            | "footer"
            | "header"
            | "nav"
            | "aside"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "hr"
            | "html"
            | "li"
            | "main"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "ul"
            | "summary"
    )
}

/// The class and id of an element, lower-cased, for the hint patterns.
pub(crate) fn class_and_id(el: &Element) -> String {
    let mut s = String::new();
    write_class_and_id(el, &mut s);
    s
}

/// [`class_and_id`] written into `out` (cleared first), so that a walk over every element
/// reuses one buffer.
fn write_class_and_id(el: &Element, out: &mut String) {
    out.clear();
    let (class, id) = (el.attribute("class"), el.attribute("id"));
    if class.is_none() && id.is_none() {
        return;
    }
    for class in hint_classes(el) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(class);
    }
    if let Some(id) = id {
        out.push(' ');
        out.push_str(id);
    }
    out.make_ascii_lowercase();
}

/// Whether `hint` (a case-insensitive pattern) matches one of the element's classes (those
/// [`class_and_id`] reads) or its id: the same answer as matching `class_and_id`'s text for
/// a pattern that does not span words, with nothing allocated, for tests run on every
/// element of a page.
pub(crate) fn hints_match(el: &Element, hint: &regex::Regex) -> bool {
    hint_classes(el).any(|class| hint.is_match(class))
        || el.attribute("id").is_some_and(|id| hint.is_match(id))
}

/// An element's attribute by name, read without interning the name: `Element::attr` turns
/// the name into an atom (a hash lookup) on every call, which made attribute reads the
/// largest single cost of the walks that test every element of a page.
pub(crate) trait Attribute {
    /// The value of the attribute `name` in no namespace, as `Element::attr` gives it.
    fn attribute(&self, name: &str) -> Option<&str>;
}

impl Attribute for Element {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(qualified, _)| &*qualified.local == name && qualified.ns.is_empty())
            .map(|(_, value)| &**value)
    }
}

/// The elements `selector` matches, in the order `Html::select` gives them, with the selector
/// tried only on those `could_match` lets through. A selector of many alternatives costs
/// its every alternative on every element of the page; a cheap test of the attributes that
/// any match must have rules out nearly all of them first. `could_match` must accept every
/// element the selector matches.
pub(crate) fn select_where<'a>(
    html: &'a Html,
    selector: &'a scraper::Selector,
    could_match: impl Fn(&Element) -> bool + 'a,
) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    html.tree
        .nodes()
        .filter_map(ElementRef::wrap)
        .filter(move |element| could_match(element.value()) && selector.matches(element))
}

/// Whether `value` holds `word`, ASCII letters compared without case ("breadCrumb" names a
/// breadcrumb as "breadcrumb" does): class names are written in every case, and this is asked
/// of many elements, so it allocates nothing.
pub(crate) fn mentions(value: &str, word: &str) -> bool {
    !word.is_empty()
        && value
            .as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// The element's classes that say what it holds. Utility classes with variants or arbitrary
/// values ("lg:col-span-8", "[&_figcaption]:mt-xs") style the element and say nothing of
/// what it holds; read as hints they would make a whole article a caption.
pub(crate) fn hint_classes(el: &Element) -> impl Iterator<Item = &str> {
    // Classes are separated by ASCII white space only, as the HTML standard splits them.
    el.attribute("class")
        .unwrap_or_default()
        .split_ascii_whitespace()
        .filter(|class| !class.bytes().any(|b| matches!(b, b':' | b'[' | b'&')))
}

pub(crate) fn is_hidden(el: &Element) -> bool {
    // One look at each attribute: this runs on every element of every walk.
    let (mut hidden, mut class, mut style) = (false, None, None);
    for (name, value) in &el.attrs {
        if !name.ns.is_empty() {
            continue;
        }
        match &*name.local {
            "hidden" => hidden = true,
            "aria-hidden" if &**value == "true" => return true,
            // A modal dialog is hidden until the reader opens it (a newsletter form, the
            // privacy policy it links to, a cookie notice).
            "role" if matches!(&**value, "dialog" | "alertdialog") => return true,
            "class" => class = Some(&**value),
            "style" => style = Some(&**value),
            _ => {}
        }
    }
    if hidden && !is_streamed_segment(el) {
        return true;
    }
    if class.is_some_and(hidden_by_class) {
        return true;
    }
    let hidden_by_style = style.is_some_and(|style| {
        // Most styles hide nothing: only those naming either property are read closely.
        let lower = style.to_ascii_lowercase();
        if !lower.contains("display") && !lower.contains("visibility") {
            return false;
        }
        let style: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
        style.contains("display:none") || style.contains("visibility:hidden")
    });
    hidden_by_style && !is_collapsed_panel(el)
}

/// The value of a property of an element's `style` (`font-style: italic;` gives "italic"),
/// lower case, the last one written winning as in CSS.
pub(crate) fn style_property(el: &Element, property: &str) -> Option<String> {
    el.attr("style")?
        .split(';')
        .filter_map(|declaration| declaration.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case(property))
        .map(|(_, value)| {
            let value = value.trim().to_ascii_lowercase();
            value.trim_end_matches("!important").trim_end().to_string()
        })
        .next_back()
}

/// How an element aligns its text: its style's `text-align`, which overrides the older
/// `align` attribute (`<p style="text-align: left;" align="center">` is set left), else that
/// attribute; `<center>` centres.
pub(crate) fn alignment(el: &Element) -> Option<String> {
    style_property(el, "text-align")
        .or_else(|| el.attr("align").map(|a| a.trim().to_ascii_lowercase()))
        .or_else(|| (el.name() == "center").then(|| "center".to_string()))
}

/// A panel the reader opens, closed until then (an accordion's section, a tab): ARIA marks
/// it as a region or tab panel labelled by its header. Its text is the article's.
fn is_collapsed_panel(el: &Element) -> bool {
    matches!(el.attribute("role"), Some("region" | "tabpanel"))
        && el.attribute("aria-labelledby").is_some()
}

/// Whether a utility class hides the element on every screen ("hidden", "d-none", "sr-only")
/// with no class that shows it again from some width on ("md:block", "d-lg-flex"). Parts a
/// reader opens (an accordion's answer, a tab, "read more") are hidden the same way and are
/// content: those are kept.
fn hidden_by_class(classes: &str) -> bool {
    const OPENED_BY_READER: &[&str] = &[
        "accordion",
        "collapse",
        "tab",
        "panel",
        "faq",
        "answer",
        "content",
        "toggle",
        "expand",
        "more",
        "spoiler",
        "details",
    ];
    let hiding = classes.split_ascii_whitespace().any(|class| {
        matches!(
            class,
            "hidden"
                | "mfp-hide"
                | "d-none"
                | "sr-only"
                | "visually-hidden"
                | "visuallyhidden"
                | "screen-reader-text"
                | "element-invisible"
                | "element-hidden"
        )
    });
    if !hiding {
        return false;
    }
    let lower = classes.to_ascii_lowercase();
    if OPENED_BY_READER.iter().any(|w| lower.contains(w)) {
        return false;
    }
    let shown_again = classes.split_ascii_whitespace().any(|class| {
        class.contains(':')
            && ["block", "flex", "grid", "inline", "table", "contents"]
                .iter()
                .any(|d| class.ends_with(d))
            || class.starts_with("d-") && !class.ends_with("-none")
    });
    !shown_again
}

/// The lead of an article's own `<header>`, which is otherwise skipped (its title, byline,
/// date and picture are read by their own steps): the outermost elements in it named as a
/// lead ([`LEAD`]; "ts-intro", "article-subheadline") that hold a lead's worth of text and
/// no title, outside a writer's box. A header is an article's when it sits in an
/// `<article>` or `<main>`, or when it is a [title header](is_title_header); the header of
/// the page around them holds the site's tagline ("site-description"), never a lead.
fn leads_of_article_header(header: ego_tree::NodeRef<'_, Node>) -> Vec<NodeId> {
    /// Text a lead holds, in characters: less is a kicker or a label, more is no header's.
    const LEAD_CHARS: std::ops::RangeInclusive<usize> = 40..=600;
    /// Text of a subtitle not named as a lead: a sentence, not a kicker.
    const MIN_PLAIN_LEAD_CHARS: usize = 60;
    let in_article = header.ancestors().any(|a| {
        a.value().as_element().is_some_and(|e| {
            matches!(e.name(), "article" | "main") || e.attr("role") == Some("main")
        })
    });
    if !in_article && !is_title_header(header) {
        return Vec::new();
    }
    let mut leads = Vec::new();
    for node in header.descendants().skip(1) {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let hints = class_and_id(el);
        let named = names_lead(&hints) || HEADER_LEAD.is_match(&hints);
        // A second heading in the title's group (`<hgroup>`) is the subtitle. (A paragraph
        // in the header without a name is as often a disclosure or a reviewer's note.)
        let plain = heading_level(el.name()).is_some_and(|level| level > 1)
            && node
                .parent()
                .and_then(|p| p.value().as_element())
                .is_some_and(|p| p.name() == "hgroup");
        if !(named || plain)
            || in_not_lead_box(node)
            || leads.iter().any(|l| node.ancestors().any(|a| a.id() == *l))
        {
            continue;
        }
        let holds_title = node
            .descendants()
            .filter_map(|n| n.value().as_element())
            .any(|e| e.name() == "h1");
        let chars: usize = node
            .descendants()
            .filter_map(|n| n.value().as_text())
            .map(|t| t.chars().filter(|c| !c.is_whitespace()).count())
            .sum();
        let min_chars = if named {
            *LEAD_CHARS.start()
        } else {
            MIN_PLAIN_LEAD_CHARS
        };
        if !holds_title && chars >= min_chars && chars <= *LEAD_CHARS.end() {
            leads.push(node.id());
        }
    }
    leads
}

/// Whether a header is the head of the article wherever it sits: it holds the page's `<h1>`
/// and nothing of a site's header (a menu, a logo, a search form, the site's tagline).
fn is_title_header(header: ego_tree::NodeRef<'_, Node>) -> bool {
    static SITE_PARTS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)logo|menu|\bnav|search|brand|\bsite\b|masthead|tagline")
            .expect("static regex is valid")
    });
    let mut title = false;
    // The header itself too: a blog's "site-header" holds the blog's name as its `<h1>`.
    for el in header.descendants().filter_map(|n| n.value().as_element()) {
        match el.name() {
            "h1" => title = true,
            "nav" | "form" | "ul" => return false,
            _ if hints_match(el, &SITE_PARTS) => return false,
            _ => {}
        }
    }
    title
}

/// Paragraph text in a `<header>` beyond which it is the article, not its furniture (site
/// builders wrap whole sections in `<header>`).
const MAX_HEADER_PARAGRAPH_CHARS: usize = 1000;

/// Whether an element holds more paragraph text than a header would. Looks at a bounded
/// number of nodes, so a huge subtree costs no more than that.
fn holds_paragraphs(node: ego_tree::NodeRef<'_, Node>) -> bool {
    let mut chars = 0;
    for descendant in node.descendants().take(5000) {
        if let Node::Text(text) = descendant.value() {
            let in_paragraph = descendant
                .parent()
                .and_then(|p| p.value().as_element())
                .is_some_and(|p| p.name() == "p");
            if in_paragraph {
                chars += text.trim().chars().count();
                if chars > MAX_HEADER_PARAGRAPH_CHARS {
                    return true;
                }
            }
        }
    }
    false
}

/// Whether a class or id names a thread of readers' comments ("comments", "comment-list",
/// "entry-comments", "binhluan"), not a page that has some ("has-comments", "comments-open",
/// "comment-count").
fn names_comment_thread(token: &str) -> bool {
    const THREADS: &[&str] = &[
        "comments",
        "comment-list",
        "commentlist",
        "comments-list",
        "comments-area",
        "comment-thread",
        "comments-section",
        "binhluan",
        "binh-luan",
    ];
    // "article_comments" is "article-comments": compared byte by byte with '_' read as '-',
    // so that the test, run on every class of every element, allocates nothing.
    let same = |a: &[u8], b: &str| {
        a.len() == b.len()
            && a.iter()
                .zip(b.bytes())
                .all(|(&x, y)| x == y || (x == b'_' && y == b'-'))
    };
    let bytes = token.as_bytes();
    let starts = |prefix: &str| bytes.len() >= prefix.len() && same(&bytes[..prefix.len()], prefix);
    let ends = |suffix: &str| {
        bytes.len() >= suffix.len() && same(&bytes[bytes.len() - suffix.len()..], suffix)
    };
    if THREADS.iter().any(|t| same(bytes, t)) {
        return true;
    }
    // Vietnamese sites' comment boxes: "box_comment", "box_comment_vne".
    if starts("box-comment") {
        return true;
    }
    // One comment, or a part of one: "comment-body", "comment-content", VnExpress 2012's
    // "comment_ct_fb". Not the page's own line that counts them or links to them.
    if starts("comment-")
        && !["count", "number", "link", "status", "open", "closed"]
            .iter()
            .any(|w| token.contains(w))
    {
        return true;
    }
    ends("-comments") && !["has-", "no-", "with-"].iter().any(|p| starts(p))
}

/// A segment of a page that React streams from the server (`<div hidden id="S:0">`): hidden
/// only until a script moves it into its place in the page, so it is the page's content
/// (often the whole article).
pub(crate) fn is_streamed_segment(el: &Element) -> bool {
    el.name() == "div"
        && el.attribute("id").is_some_and(|id| {
            id.strip_prefix("S:")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_hexdigit()))
        })
}

/// Whether an element and everything in it is left out of the text. With `by_class` off,
/// only tags and hidden elements are skipped (the fallback pass for pages whose main column
/// has a class such as "sidebar-1").
fn skip_element(
    node: ego_tree::NodeRef<'_, Node>,
    el: &Element,
    hints: &str,
    by_class: bool,
    main_holders: &HashSet<NodeId>,
) -> bool {
    let name = el.name();
    if is_skipped_tag(name) || is_hidden(el) {
        return true;
    }
    // Page furniture by its tag; sites also misuse these for content, hence only in the
    // strict pass, and never a <header> that holds an article's worth of paragraphs.
    if by_class && matches!(name, "nav" | "aside" | "footer" | "header") {
        return name != "header" || !holds_paragraphs(node);
    }
    // The outermost containers hold the whole page; their classes say nothing about content.
    if matches!(name, "html" | "body" | "main" | "article") {
        return false;
    }
    // A dialog or a consent notice lies over the page until the reader opens or closes it,
    // in either pass: its name is no guess.
    if is_overlay(el, hints) {
        return true;
    }
    if hints.is_empty() {
        return false;
    }
    // Readers' comments are never the article, in either pass: the pass without class hints
    // is there for main columns with misleading names, not for a thread of comments that
    // outweighs a short article.
    if hints.split_ascii_whitespace().any(names_comment_thread) {
        return true;
    }
    // A wrapper named after the menu beside the page ("left-navigation-wrapper") may hold the
    // page's main element: then it is the page, not the menu.
    by_class
        && NEGATIVE.is_match(hints)
        && !CAPTION.is_match(hints)
        && !main_holders.contains(&node.id())
        && !is_blog_post(hints)
        && !named_after_its_heading(node, el)
}

/// Whether an element's furniture-like name is only its id, and that id its heading's anchor.
fn named_after_its_heading(node: ego_tree::NodeRef<'_, Node>, el: &Element) -> bool {
    let by_classes = hint_classes(el).any(|class| NEGATIVE.is_match(class));
    !by_classes
        && el
            .attribute("id")
            .is_some_and(|id| is_heading_anchor(node, id))
}

/// Whether an id is the anchor of the section's own heading, the heading's words made into
/// a slug ("menu-innovation-strategies-building-memorable-dining-experiences" for "Menu
/// Innovation Strategies: Building …"): a name taken from the text, which says nothing of
/// what the section is, whatever words it holds.
/// (A box of related links so named, "Related articles you may like", stays out all the
/// same: its heading is an end heading, its links the site's own.)
fn is_heading_anchor(node: ego_tree::NodeRef<'_, Node>, id: &str) -> bool {
    /// The shortest slug read as a heading's: shorter ids ("menu-main") are names.
    const MIN_SLUG_CHARS: usize = 20;
    let letters = |text: &str| -> String {
        text.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let slug = letters(id);
    if slug.len() < MIN_SLUG_CHARS {
        return false;
    }
    node.descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| heading_level(e.value().name()).is_some())
        .is_some_and(|heading| letters(&heading.text().collect::<String>()).starts_with(&slug))
}

/// Whether an element lies over the page: a dialog the page opens over itself (a newsletter
/// form, its privacy policy), a `<dialog>` not open, an element named "dialog" ("dialog",
/// "dialog__content", "yt-dialog"; those whose role says so are hidden, see [`is_hidden`]),
/// or a consent notice. Drupal's main wrapper, "dialog-off-canvas-main-canvas", is the page
/// itself.
fn is_overlay(el: &Element, hints: &str) -> bool {
    (el.name() == "dialog" && el.attribute("open").is_none())
        || (hints.contains("dialog")
            && hints.split_ascii_whitespace().any(|class| {
                class == "dialog"
                    || class.starts_with("dialog__")
                    || class.ends_with("-dialog")
                    || class.ends_with("_dialog")
            }))
        || OVERLAY.is_match(hints)
}

/// Classes and ids of the consent notices of cookie and privacy plugins ("moove-gdpr-tab-main",
/// "eu-cookie-law"). No site names its main column so, unlike a "sidebar-1"; "modal" is left
/// to the strict pass, as layouts name their states with it ("modal-enabled", "modal-open").
static OVERLAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bgdpr\b|\bconsent\b|\bcookie-?(?:law|notice|banner|consent|bar|popup|box)\b")
        .expect("static regex is valid")
});

/// Whether an element's classes mark it as a blog's post itself: WordPress gives the post's
/// container `hentry` and `type-post`, beside one class per tag of the post ("tag-abendhimmel"),
/// which read like a tag list's name but are the article's.
fn is_blog_post(hints: &str) -> bool {
    hints
        .split_ascii_whitespace()
        .any(|class| matches!(class, "hentry" | "type-post"))
}

/// The elements that hold a `<main>` element, found in one pass: each `<main>`'s ancestors,
/// climbing only until one already found, so that nested `<main>`s cost no more than the
/// tree's size.
fn main_holders(html: &Html) -> HashSet<NodeId> {
    let mut holders = HashSet::default();
    for node in html.tree.nodes() {
        if node
            .value()
            .as_element()
            .is_some_and(|e| e.name() == "main")
        {
            for ancestor in node.ancestors() {
                if !holders.insert(ancestor.id()) {
                    break;
                }
            }
        }
    }
    holders
}

/// An article's header being skipped all but its lead ([`leads_of_article_header`]).
struct HeaderSkip {
    header: NodeId,
    /// The lead's elements, read as if the header were not there.
    leads: Vec<NodeId>,
    /// The lead element being read, if the walk is inside one.
    open: Option<NodeId>,
}

/// Per-element state kept on the walk's stack.
struct Open {
    block: bool,
    pre: bool,
    link: bool,
    bold: bool,
    heading: Option<u8>,
    caption: bool,
    lead: bool,
    list_item: bool,
}

/// What encloses the text being read, kept as counters so that each text node costs O(1)
/// however deep the document is.
#[derive(Default)]
struct Context {
    stack: Vec<Open>,
    blocks: Vec<NodeId>,
    headings: Vec<u8>,
    links: u32,
    bold: u32,
    captions: u32,
    leads: Vec<NodeId>,
    list_items: u32,
    preformatted: u32,
}

impl Context {
    fn push(&mut self, id: NodeId, open: Open) {
        if open.block {
            self.blocks.push(id);
        }
        if let Some(level) = open.heading {
            self.headings.push(level);
        }
        self.links += u32::from(open.link);
        self.bold += u32::from(open.bold);
        self.captions += u32::from(open.caption);
        if open.lead {
            self.leads.push(id);
        }
        self.list_items += u32::from(open.list_item);
        self.preformatted += u32::from(open.pre);
        self.stack.push(open);
    }

    fn pop(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        if open.block {
            self.blocks.pop();
        }
        if open.heading.is_some() {
            self.headings.pop();
        }
        self.links -= u32::from(open.link);
        self.bold -= u32::from(open.bold);
        self.captions -= u32::from(open.caption);
        if open.lead {
            self.leads.pop();
        }
        self.list_items -= u32::from(open.list_item);
        self.preformatted -= u32::from(open.pre);
    }
}

/// Walks the document once and returns its blocks; `by_class` also skips elements whose class
/// or id names boilerplate.
pub(crate) fn blocks(html: &Html, by_class: bool) -> Blocks {
    let mut out = Blocks {
        blocks: Vec::new(),
        images: Vec::new(),
        totals: HashMap::default(),
    };
    let mut ctx = Context::default();
    let mut skipping: Option<NodeId> = None;
    let mut current = Pending::default();
    // The class and id of the element being opened.
    let mut hints = String::new();
    let main_holders = if by_class {
        main_holders(html)
    } else {
        HashSet::default()
    };

    // An article's own `<header>` is skipped like a page's (its title, byline, date and
    // picture are read elsewhere), all but its lead, read as if the header were not there.
    let mut header: Option<HeaderSkip> = None;

    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                let opens_header_lead = match &mut header {
                    Some(skip) if skip.open.is_none() => {
                        if !skip.leads.contains(&node.id()) {
                            continue;
                        }
                        skip.open = Some(node.id());
                        true
                    }
                    _ => false,
                };
                match node.value() {
                    Node::Element(el) => {
                        // Inside preformatted text, classes come from syntax highlighters
                        // ("hljs-comment", "token tag"): they mark code, not page furniture.
                        let by_class = by_class && ctx.preformatted == 0;
                        let name = el.name();
                        // The outermost containers' classes describe the whole page
                        // ("wp-featherlight-captions" on <body>), never one part of it.
                        if matches!(name, "html" | "body" | "main") {
                            hints.clear();
                        } else {
                            write_class_and_id(el, &mut hints);
                        }
                        if !opens_header_lead
                            && skip_element(node, el, &hints, by_class, &main_holders)
                        {
                            let leads = if name == "header" && by_class {
                                leads_of_article_header(node)
                            } else {
                                Vec::new()
                            };
                            if leads.is_empty() {
                                skipping = Some(node.id());
                            } else {
                                header = Some(HeaderSkip {
                                    header: node.id(),
                                    leads,
                                    open: None,
                                });
                            }
                            continue;
                        }
                        let block = is_block_tag(name) || opens_header_lead;
                        if block {
                            current.flush(&ctx, &mut out.blocks);
                        }
                        if name == "br" {
                            current.line_break();
                        }
                        if name == "img" {
                            if let Some(src) = image_source(el) {
                                out.images.push(ImageRef {
                                    node: node.id(),
                                    src: src.to_string(),
                                    in_link: ctx.links > 0,
                                    blocks_before: out.blocks.len(),
                                });
                            }
                        }
                        ctx.push(
                            node.id(),
                            Open {
                                block,
                                pre: matches!(name, "pre" | "textarea" | "listing"),
                                link: name == "a",
                                bold: matches!(name, "b" | "strong"),
                                heading: heading_level(name),
                                caption: name == "figcaption"
                                    || (!hints.is_empty()
                                        && CAPTION.is_match(&hints)
                                        && !holds_sections(node)),
                                lead: opens_header_lead || names_lead(&hints),
                                list_item: name == "li",
                            },
                        );
                    }
                    Node::Text(text) => current.push_text(text, &ctx),
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if let Some(skip) = &header {
                    if skip.open.is_none() {
                        if skip.header == node.id() {
                            header = None;
                        }
                        continue;
                    }
                }
                let closes_header_lead = header
                    .as_ref()
                    .is_some_and(|skip| skip.open == Some(node.id()));
                if let Node::Element(el) = node.value() {
                    if is_block_tag(el.name()) || closes_header_lead {
                        current.flush(&ctx, &mut out.blocks);
                    }
                    ctx.pop();
                }
                if closes_header_lead {
                    if let Some(skip) = &mut header {
                        skip.open = None;
                    }
                }
            }
        }
    }
    current.flush(&ctx, &mut out.blocks);
    out.totals = totals(html, &out.blocks);
    out
}

/// Whether an element holds what no caption does: headings, sections, or several
/// paragraphs. A theme may name a whole page's wrapper "caption"; read as a caption, the
/// article in it would be one. Only the first few hundred descendants are looked at.
fn holds_sections(node: ego_tree::NodeRef<'_, Node>) -> bool {
    /// Paragraphs a caption may hold.
    const CAPTION_PARAGRAPHS: usize = 2;
    /// Descendants looked at.
    const LOOKED_AT: usize = 500;
    let mut paragraphs = 0;
    for el in node
        .descendants()
        .skip(1)
        .take(LOOKED_AT)
        .filter_map(|n| n.value().as_element())
    {
        match el.name() {
            "p" => {
                paragraphs += 1;
                if paragraphs > CAPTION_PARAGRAPHS {
                    return true;
                }
            }
            "h1" | "h2" | "h3" | "h4" | "article" | "section" | "main" | "nav" => return true,
            _ => {}
        }
    }
    false
}

fn totals(html: &Html, blocks: &[Block]) -> HashMap<NodeId, (usize, usize)> {
    let mut totals: HashMap<NodeId, (usize, usize)> = HashMap::default();
    for block in blocks {
        let Some(node) = html.tree.get(block.node) else {
            continue;
        };
        for ancestor in std::iter::once(node)
            .chain(node.ancestors())
            .take(TOTALS_DEPTH)
        {
            let entry = totals.entry(ancestor.id()).or_default();
            entry.0 += block.chars;
            entry.1 += block.link_chars;
        }
    }
    totals
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// The address of an image, from `src` or the lazy-loading attributes sites use instead.
pub(crate) fn image_source(el: &Element) -> Option<&str> {
    ["data-src", "data-original", "data-lazy-src", "src"]
        .into_iter()
        .filter_map(|a| el.attribute(a))
        .map(str::trim)
        .find(|s| !s.is_empty() && !s.starts_with("data:"))
}

/// The block being gathered.
#[derive(Default)]
struct Pending {
    text: String,
    chars: usize,
    link_chars: usize,
    bold_chars: usize,
}

impl Pending {
    fn push_text(&mut self, text: &str, ctx: &Context) {
        // ASCII text, most of every page, is counted by its bytes, without decoding.
        let chars = if text.is_ascii() {
            text.bytes()
                .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
                .count()
        } else {
            text.chars().filter(|c| !c.is_whitespace()).count()
        };
        if chars == 0 {
            if !self.text.is_empty() && !self.text.ends_with(char::is_whitespace) {
                self.text.push(' ');
            }
            return;
        }
        if ctx.preformatted > 0 {
            self.text.push_str(text);
        } else {
            // Outside <pre>, line breaks in the source are only white space; a paragraph
            // break comes from <br> or a block element.
            for (index, piece) in text.split(['\n', '\r']).enumerate() {
                if index > 0 {
                    self.text.push(' ');
                }
                self.text.push_str(piece);
            }
        }
        self.chars += chars;
        if ctx.links > 0 {
            self.link_chars += chars;
        }
        if ctx.bold > 0 {
            self.bold_chars += chars;
        }
    }

    fn line_break(&mut self) {
        self.text.push('\n');
    }

    fn flush(&mut self, ctx: &Context, blocks: &mut Vec<Block>) {
        if self.chars == 0 {
            self.text.clear();
            return;
        }
        let pending = std::mem::take(self);
        let Some(&container) = ctx.blocks.last() else {
            return;
        };
        blocks.push(Block {
            node: container,
            text: pending.text,
            chars: pending.chars,
            link_chars: pending.link_chars,
            bold_chars: pending.bold_chars,
            // Text this long inside a heading element is not a heading: a page that sets its
            // whole article inside an `<h4>` (a Korean paper's mobile site does).
            heading: ctx
                .headings
                .last()
                .copied()
                .filter(|_| pending.chars <= MAX_HEADING_CHARS),
            in_caption: ctx.captions > 0,
            lead_node: ctx.leads.last().copied(),
            in_list_item: ctx.list_items > 0,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_named_after_its_heading_is_read_whatever_words_its_name_holds() {
        use crate::test_pages::article_with;
        let section = |id: &str, heading: &str| {
            format!(
                "<div id=\"{id}\"><h2>{heading}</h2><p>Guests arrive with dietary needs \
                 that go far beyond the traditional ones, and a flexible menu meets them.</p></div>"
            )
        };
        let record = article_with(&section(
            "menu-innovation-strategies-building-memorable-dining-experiences",
            "Menu Innovation Strategies: Building Memorable Dining Experiences",
        ));
        assert!(record.body.contains("dietary needs"), "{}", record.body);
        // A short id is a name: the site's menu.
        let record = article_with(&section("menu-main", "Menu Main"));
        assert!(!record.body.contains("dietary needs"), "{}", record.body);
        // A related box named so is still no text: its heading ends the article.
        let record = article_with(
            "<div id=\"related-articles-you-may-like\"><h2>Related articles you may like</h2>\
             <ul><li><a href=\"/guides/brakes\">When to change the brake pads of a car</a></li>\
             <li><a href=\"/guides/tyres\">How to rotate the tyres of a car at home</a></li></ul></div>"
        );
        assert!(!record.body.contains("brake pads"), "{}", record.body);
    }

    #[test]
    fn wrappers_named_as_menus_that_hold_the_main_element_are_read() {
        let text_of = |html: &str| -> String {
            let doc = Html::parse_document(html);
            blocks(&doc, true)
                .blocks
                .iter()
                .map(|b| b.text.trim().to_string())
                .collect::<Vec<_>>()
                .join("|")
        };
        // Deeply nested, as a hostile page would: every level holds the <main>.
        let depth = 2000;
        let html = format!(
            "<html><body>{}<main><p>Der Artikel selbst.</p></main>{}\
             <div class=\"menu\"><p>Startseite</p></div></body></html>",
            "<div class=\"left-navigation-wrapper\">".repeat(depth),
            "</div>".repeat(depth)
        );
        assert_eq!(text_of(&html), "Der Artikel selbst.");
        assert_eq!(main_holders(&Html::parse_document(&html)).len(), depth + 3);
    }

    #[test]
    fn a_style_s_alignment_wins_over_the_align_attribute() {
        let first = |markup: &str| {
            let html = Html::parse_fragment(markup);
            let el = html
                .root_element()
                .children()
                .find_map(scraper::ElementRef::wrap)
                .expect("the markup holds an element");
            (
                alignment(el.value()),
                style_property(el.value(), "font-style"),
            )
        };
        assert_eq!(
            first("<p style=\"text-align: left;\" align=\"center\">x</p>")
                .0
                .as_deref(),
            Some("left")
        );
        assert_eq!(first("<P align=CENTER>x</P>").0.as_deref(), Some("center"));
        assert_eq!(first("<center>x</center>").0.as_deref(), Some("center"));
        assert_eq!(first("<p>x</p>").0, None);
        assert_eq!(
            first("<p style=\"TEXT-ALIGN:Right !important; font-style : Italic\">x</p>"),
            (Some("right".into()), Some("italic".into()))
        );
    }

    #[test]
    fn ruby_annotations_are_not_text() {
        // Furigana as NHK's easy-Japanese news sets them, with and without <rp> brackets.
        let doc = Html::parse_document(
            "<html><body><p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rp>(</rp>\
             <rt>ぎゃくたい</rt><rp>)</rp></ruby>をなくすための<ruby>法律<rt>ほうりつ</rt>\
             </ruby>ができました。</p></body></html>",
        );
        let text: Vec<String> = blocks(&doc, true)
            .blocks
            .iter()
            .map(|b| b.text.trim().to_string())
            .collect();
        assert_eq!(text, ["子どもへの虐待をなくすための法律ができました。"]);
    }

    #[test]
    fn comment_threads_are_named_with_dashes_or_underscores() {
        for thread in [
            "comments",
            "entry-comments",
            "article_comments",
            "comment_list",
            // One comment's parts (VnExpress 2012's "comment_ct_fb").
            "comment-body",
            "comment_ct_fb",
        ] {
            assert!(names_comment_thread(thread), "{thread}");
        }
        for page in [
            "has-comments",
            "has_comments",
            "comments-open",
            "comment-count",
            "comment-status-open",
            "comment-link",
        ] {
            assert!(!names_comment_thread(page), "{page}");
        }
    }
}
