//! Bylines and author boxes as the page shows them: beside the headline, among the date
//! lines, after a label standing alone, and in elements marked as bylines or linking to an
//! author's page.

use super::could_be_a_name;
use crate::dom::Attribute;
use crate::{bylines, content, dom, meta};
use scraper::Html;
use tinstream_model::normalize_text;

/// A byline among the short lines around the title that says it is one ("By Sofia
/// Gonzalez", "Von Anna Berg"): without the word, two capitalised words there are as often
/// a section or a place.
pub(crate) fn byline_near_title(content: &content::Content) -> Vec<String> {
    content
        .date_lines
        .iter()
        .map(|line| bylines::spaced_by_label(line))
        .filter(|line| {
            bylines::opens_byline_after_date(line) || bylines::opens_with_author_label(line)
        })
        .find_map(|line| bylines::byline_names(&line))
        .unwrap_or_default()
}

/// Elements after the headline looked at for its byline.
const AFTER_HEADLINE: usize = 4;
/// A byline beside the headline is a short line.
const MAX_BYLINE_CHARS: usize = 120;

/// A byline set beside the headline, in the element that holds both (an article's
/// `<header>`: kicker, `<h1>`, standfirst, "By Sofia Gonzalez · December 2, 2025"), which the
/// text walk leaves out as page furniture. Only a line that says it is a byline.
pub(crate) fn byline_beside_headline(html: &Html, title: &str) -> Vec<String> {
    static H1: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("h1").expect("static selector is valid")
    });
    let key = crate::title::title_key(title);
    if key.is_empty() {
        return Vec::new();
    }
    let Some(headline) = html
        .select(&H1)
        .find(|h| crate::title::title_key(&meta::visible_text(*h)) == key)
    else {
        return Vec::new();
    };
    headline
        .next_siblings()
        .filter_map(scraper::ElementRef::wrap)
        .take(AFTER_HEADLINE)
        .map(meta::visible_line)
        .filter(|line| line.chars().count() <= MAX_BYLINE_CHARS)
        .map(|line| bylines::spaced_by_label(&line).into_owned())
        .filter(|line| {
            bylines::opens_byline_after_date(line) || bylines::opens_with_author_label(line)
        })
        .find_map(|line| bylines::byline_names(&line))
        .unwrap_or_default()
}

/// The names in the block after a byline label that stands alone ("Written by" in one
/// element, "Edzel Tabing" in the next), outside comment and related boxes.
pub(crate) fn labelled_byline(html: &Html, blocks: &dom::Blocks) -> Vec<String> {
    /// Blocks read from the top of the page.
    const LOOKED_AT: usize = 400;
    blocks
        .blocks
        .windows(2)
        .take(LOOKED_AT)
        .find_map(|pair| {
            let [label, next] = pair else {
                return None;
            };
            if label.chars <= 60
                && bylines::says_written_by(&label.text)
                && !crate::places::in_foreign_box(html, label.node)
            {
                if let Some(names) = bylines::byline_names(&label.text) {
                    return Some(names);
                }
            }
            (label.chars <= 20
                && bylines::is_byline_label(&label.text)
                && !crate::places::in_foreign_box(html, label.node))
            .then(|| bylines::byline_names(&next.text))
            .flatten()
        })
        .unwrap_or_default()
}

/// Links to an author's page, as a selector list: a byline, whatever its class.
pub(crate) const AUTHOR_PAGE_LINKS: &str = r#"a[href*="/author/"], a[href*="/authors/"], a[href*="/autor/"], a[href*="/autoren/"], a[href*="/tac-gia/"]"#;

/// Names in elements marked as bylines (`class="author"`, `rel="author"`, `itemprop="author"`);
/// with `skip_credits`, none in a picture's credit or caption (`<p class="autor">` under
/// "Foto:"), which is the photographer's.
pub(crate) fn byline_elements(html: &Html, skip_credits: bool) -> Vec<String> {
    static BYLINE: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse(
            &format!(
                r#"[class*="author" i], [class*="byline" i], [class*="auteur" i], [class*="autor" i], [class*="tac-gia"], [rel="author"], [itemprop="author"], {AUTHOR_PAGE_LINKS}"#
            ),
        )
        .expect("static selector is valid")
    });
    static NAME_LINK: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("a").expect("static selector is valid")
    });
    let could_match = |el: &scraper::node::Element| {
        el.attrs().any(|(name, value)| match name {
            // Any case: "BlogArticleAuthor__AuthorName", "ArticleByline".
            "class" => names_a_byline(value),
            "rel" | "itemprop" => true,
            "href" => value.contains("/aut") || value.contains("/tac-gia/"),
            _ => false,
        })
    };
    dom::select_where(html, &BYLINE, could_match)
        .take(20)
        // Another article's card names its own author, a comment its commenter.
        .filter(|element| {
            !crate::places::in_card(*element)
                && !labelled_reviewer(*element)
                && !crate::places::in_foreign_box(html, element.id())
                && (!skip_credits || !crate::places::in_picture_credit(*element))
        })
        .find_map(|element| {
            // Several authors are often several links side by side, with no separator in
            // the text: each link is one name.
            let linked: Vec<String> = element
                .select(&NAME_LINK)
                // "By <a>Shelby Loos</a>. Reviewed by <a>Molly Price</a>": one writer.
                .filter(|link| !labelled_reviewer(*link))
                .map(meta::visible_text)
                .filter(|t| !t.is_empty())
                .collect();
            if linked.len() >= 2 {
                let names: Option<Vec<String>> = linked
                    .iter()
                    .map(|t| bylines::byline_names(t).filter(|n| n.len() == 1))
                    .map(|n| n.and_then(|mut n| n.pop()))
                    .collect();
                if let Some(names) = names {
                    return Some(names);
                }
            }
            let text = meta::visible_text(element);
            (!text.is_empty() && text.chars().count() <= 60)
                .then(|| bylines::byline_names(&text))
                .flatten()
                // A byline that goes on with the writer's job ("<a>Daniel Burstein</a>,
                // Senior Director, Content & Marketing, …"): its one link is the name.
                .or_else(|| match linked.as_slice() {
                    [name] if text.starts_with(name.as_str()) => {
                        bylines::byline_names(name).filter(|n| n.len() == 1)
                    }
                    _ => None,
                })
                .or_else(|| author_handle(element).map(|handle| vec![handle]))
                .or_else(|| portrait_name(element, &text))
        })
        .unwrap_or_default()
}

/// Words that name a reviewer of the page, not its writer ("Reviewed by", "Fact checked
/// by", "Edited by").
static REVIEWER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(?:reviewed|fact[- ]checked|edited)\b")
        .expect("static regex is valid")
});

/// Whether the text just before an element labels it as a reviewer ("Peer reviewed by"
/// `<a href="/authors/…">Dr Colin Tidy</a>`): the link to a person's page is not the writer's.
fn labelled_reviewer(element: scraper::ElementRef<'_>) -> bool {
    /// Levels of parents whose earlier siblings are looked at for the label.
    const LEVELS: usize = 2;
    /// A label is short; what is longer is text of its own.
    const LABEL_CHARS: usize = 40;
    let mut node = *element;
    for _ in 0..LEVELS {
        for sibling in node.prev_siblings() {
            let text: String = match sibling.value() {
                scraper::Node::Text(t) => t.to_string(),
                scraper::Node::Element(_) => scraper::ElementRef::wrap(sibling)
                    .map(meta::visible_text)
                    .unwrap_or_default(),
                _ => continue,
            };
            let text = text.trim();
            if !text.is_empty() {
                return text.chars().count() <= LABEL_CHARS && REVIEWER.is_match(text);
            }
        }
        match node.parent() {
            Some(parent) => node = parent,
            None => return false,
        }
    }
    false
}

/// Whether a class names a byline: holds "author", "byline", "auteur", "autor" or "tac-gia",
/// in any case. Asked of every element with a class, so in one pass over its bytes.
pub(super) fn names_a_byline(class: &str) -> bool {
    let bytes = class.as_bytes();
    let at = |i: usize, word: &[u8]| {
        bytes
            .get(i..i + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    (0..bytes.len()).any(|i| match bytes[i] | 0x20 {
        b'a' => at(i, b"autor") || at(i, b"author") || at(i, b"auteur"),
        b'b' => at(i, b"byline"),
        b't' => at(i, b"tac-gia"),
        _ => false,
    })
}

/// The name an author box gives twice: as its portrait's `alt` and as the whole text of one
/// of its elements (`<img alt="Lauren Vetter">`, `<div>Lauren Vetter</div>`, then the
/// biography; `text` is the box's visible text). Said twice so, it is the box's person,
/// unless the box names a reviewer ("Reviewed by", "Fact checked by"). A box is a name, a
/// line or two and a biography; a longer element with "author" in its class is a wrapper of
/// the page, whose logo and site name say the same thing twice too.
pub(crate) fn portrait_name(element: scraper::ElementRef<'_>, text: &str) -> Option<Vec<String>> {
    /// The most characters an author box holds.
    const BOX_CHARS: usize = 600;
    if text.chars().count() > BOX_CHARS || REVIEWER.is_match(text) {
        return None;
    }
    static PORTRAIT: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("img[alt]").expect("static selector is valid")
    });
    static NAMED: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("div, p, span, strong, b, h2, h3, h4, h5, h6, a")
            .expect("static selector is valid")
    });
    let alt = element
        .select(&PORTRAIT)
        .filter_map(|img| img.value().attribute("alt"))
        .map(normalize_text)
        .find(|alt| !alt.is_empty())?;
    element
        .select(&NAMED)
        .take(30)
        .any(|named| meta::visible_text(named) == alt)
        .then(|| bylines::byline_names(&alt).filter(|names| names.len() == 1))
        .flatten()
}

/// The one-word name a link to an author's page gives ("Creeny", "marc", "gizzmo": the
/// handles blogs sign with), when the element is such a link or holds exactly one. Only
/// an explicit link (`rel="author"`, an author-page address) vouches for a word that no
/// name pattern would accept. A handle that is the site's name stays: a personal blog is
/// named after the one who writes it.
pub(crate) fn author_handle(element: scraper::ElementRef<'_>) -> Option<String> {
    static AUTHOR_LINK: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse(&format!(r#"a[rel~="author"], {AUTHOR_PAGE_LINKS}"#))
            .expect("static selector is valid")
    });
    let link = if AUTHOR_LINK.matches(&element) {
        element
    } else {
        let mut links = element.select(&AUTHOR_LINK);
        let first = links.next()?;
        if links.next().is_some() {
            return None;
        }
        first
    };
    let text = meta::text_of(link);
    let handle = text.trim();
    let plausible = (2..=20).contains(&handle.chars().count())
        && handle
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        // "admin", "wordpressadmin": the account that set the blog up, not a writer.
        && !handle.to_lowercase().contains("admin")
        && could_be_a_name(handle);
    plausible.then(|| handle.to_string())
}

/// The most words of a name signed under the text ([`signed_under_text`]).
const MAX_SIGNED_WORDS: usize = 4;

/// The writer's name signed under the text as older Vietnamese papers set it: the text's last
/// paragraph, or the line just under the text's element, aligned right and all in bold
/// (VnExpress 2012's `<P class=Normal align=right><STRONG>Papai</STRONG></P>`, Người Lao
/// Động 2012's `<div style="text-align:right;…;font-weight:bold">K. Miên</div>`). Set so, a
/// pen name of one word is a name, where a word alone elsewhere is not, and so is a given
/// name under an initial; initials alone are the newsroom's staff ("H.V."), and a sentence is
/// no name.
pub(crate) fn signed_under_text(
    html: &Html,
    blocks: &dom::Blocks,
    content: &content::Content,
) -> Option<String> {
    let under_text = content
        .text_ends_at
        .and_then(|end| blocks.blocks.get(end + 1..))
        .and_then(|after| after.iter().find(|b| b.chars > 0))
        .map(|b| normalize_text(&b.text));
    content
        .paragraphs
        .last()
        .cloned()
        .into_iter()
        .chain(under_text)
        .find(|line| is_signature(html, blocks, line))
}

/// Whether `line` is a name that a block of `blocks` sets alone, aligned right, in bold.
fn is_signature(html: &Html, blocks: &dom::Blocks, line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let initial = |w: &str| {
        w.ends_with('.')
            && w.split('.')
                .filter(|part| !part.is_empty())
                .all(|part| part.chars().count() == 1)
    };
    let name_like = (1..=MAX_SIGNED_WORDS).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && (initial(w) || w.chars().all(|c| c.is_alphabetic() || c == '-'))
        })
        && words.iter().any(|w| !initial(w))
        && could_be_a_name(line);
    if !name_like {
        return false;
    }
    let Some(block) = blocks
        .blocks
        .iter()
        .rev()
        .find(|b| normalize_text(&b.text) == line)
    else {
        return false;
    };
    let Some(element) = html
        .tree
        .get(block.node)
        .and_then(scraper::ElementRef::wrap)
    else {
        return false;
    };
    let right = dom::alignment(element.value()).as_deref() == Some("right");
    let bold = block.bold_chars == block.chars
        || dom::style_property(element.value(), "font-weight")
            .is_some_and(|w| matches!(w.as_str(), "bold" | "bolder" | "700" | "800" | "900"));
    right && bold
}
