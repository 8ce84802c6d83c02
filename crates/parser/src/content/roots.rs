//! Where the article is on the page: the element whose paragraph text scores best, moved up
//! through wrappers to the part of the page that holds the rest of the article, with the
//! siblings that score well. Teasers of other pages (a title linked to the site and a summary)
//! are told apart here, since their summaries are paragraph text too.

use super::{element_name, is_prose, links_elsewhere, within};
use crate::dom::Attribute;
use crate::dom::{Blocks, TOTALS_DEPTH};
use crate::links::OwnSite;
use ego_tree::NodeId;
use regex::Regex;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use scraper::Html;
use std::sync::LazyLock;

/// How many levels the body container may move up to take in the rest of the article.
const MAX_PROMOTIONS: usize = 16;
/// Paragraph text a streamed segment must hold to join the body.
const MIN_SEGMENT_CHARS: usize = 200;

static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"article|content|body|detail|main|post|entry|story|text|news|noidung|noi-dung|chitiet|chi-tiet|baiviet|fck|maincontent|cms")
        .expect("static regex is valid")
});

/// The elements that hold the article: the best-scoring one and its well-scoring siblings.
pub(super) fn body_roots(
    html: &Html,
    blocks: &Blocks,
    teasers: &HashSet<NodeId>,
) -> Option<HashSet<NodeId>> {
    let mut scores: HashMap<NodeId, f32> = HashMap::default();
    for block in blocks.blocks.iter().filter(|b| is_prose(b)) {
        // A comma is a clause of prose, up to one in 40 characters: beyond that the block is
        // a list of its own (a footer of office addresses, a dozen commas to a line), which
        // would outweigh an article of plain sentences.
        let commas = block
            .text
            .matches([',', '，', '、', ';'])
            .count()
            .min(block.chars / 40) as f32;
        let mut points = 1.0 + commas + (block.chars as f32 / 100.0).min(3.0);
        // Code listings are full of commas and say little about where the prose is.
        if matches!(element_name(html, block.node), Some("pre" | "code")) {
            points *= 0.3;
        }
        let node = html.tree.get(block.node)?;
        let paragraph_like = matches!(
            element_name(html, block.node),
            Some("p" | "li" | "blockquote" | "pre" | "dd" | "dt" | "span")
        );
        let start = if paragraph_like { 1 } else { 0 };
        for (level, ancestor) in std::iter::once(node)
            .chain(node.ancestors())
            .skip(start)
            .take(3)
            .enumerate()
        {
            *scores.entry(ancestor.id()).or_default() += points / (level as f32 + 1.0);
        }
    }
    let final_score = |id: NodeId, raw: f32| -> f32 {
        let (chars, links) = blocks.totals.get(&id).copied().unwrap_or((0, 0));
        let density = if chars == 0 {
            0.0
        } else {
            links as f32 / chars as f32
        };
        let hint = html
            .tree
            .get(id)
            .and_then(|n| n.value().as_element())
            .map(|el| {
                let hints = crate::dom::class_and_id(el);
                let mut bonus = 0.0;
                if el.name() == "article" || el.attribute("itemprop") == Some("articleBody") {
                    bonus += 5.0;
                }
                if !hints.is_empty() && POSITIVE.is_match(&hints) {
                    bonus += 3.0;
                }
                bonus
            })
            .unwrap_or(0.0);
        raw * (1.0 - density) + hint
    };
    let scored: HashMap<NodeId, f32> = scores
        .iter()
        .map(|(&id, &raw)| (id, final_score(id, raw)))
        .collect();
    let (&best, &best_score) = scored
        .iter()
        .filter(|(id, _)| {
            !matches!(element_name(html, **id), Some("html" | "body")) || scored.len() == 1
        })
        .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0.cmp(a.0)))?;
    tracing::trace!(
        element = ?describe(html, best),
        score = best_score,
        "body container, best scoring"
    );
    // Paragraph text under each element: an article split into several containers (one per
    // section, one per "page") has its best-scoring container hold only part of it. Move up
    // while the parent holds markedly more paragraph text and stays free of links.
    //
    // The summaries of other pages' teasers beside the article (a column of headlines, each
    // with its summary) are paragraph text too, but not more of the article: they do not count.
    // Unless the best container is such an item itself: a guide's venues, each under its
    // linked name, or an old blog's short post under its own title linked to itself. Not
    // counting the post's own text there left it too short to be an article (measured on
    // trafilatura-eval), and a home page of such items grew into one.
    let in_teaser = |node: NodeId| within(html, node, teasers, TEASER_LEVELS);
    let skip_teasers = !in_teaser(best);
    let mut good: HashMap<NodeId, usize> = HashMap::default();
    for block in blocks
        .blocks
        .iter()
        .filter(|b| is_prose(b) && !(skip_teasers && in_teaser(b.node)))
    {
        if let Some(node) = html.tree.get(block.node) {
            for ancestor in std::iter::once(node)
                .chain(node.ancestors())
                .take(TOTALS_DEPTH)
            {
                *good.entry(ancestor.id()).or_default() += block.chars;
            }
        }
    }
    // Wrappers with a single child hold the same text as it, so equal levels are passed
    // through; a level is taken when it holds markedly more paragraph text.
    let mut best = best;
    let mut climbing = best;
    for _ in 0..MAX_PROMOTIONS {
        let Some(parent) = html.tree.get(climbing).and_then(|n| n.parent()) else {
            break;
        };
        if matches!(
            element_name(html, parent.id()),
            Some("body" | "html") | None
        ) {
            break;
        }
        let here = good.get(&best).copied().unwrap_or(0);
        let there = good.get(&parent.id()).copied().unwrap_or(0);
        let (chars, links) = blocks.totals.get(&parent.id()).copied().unwrap_or((0, 0));
        let density = links as f32 / chars.max(1) as f32;
        // Mostly paragraph text, few links: the parent is more of the article, not a page
        // region full of teasers.
        let prose = there as f32 / chars.max(1) as f32;
        tracing::trace!(
            parent = ?describe(html, parent.id()),
            here,
            there,
            chars,
            links,
            "body container, parent weighed"
        );
        if density >= 0.45 || prose < 0.3 {
            break;
        }
        if there as f32 >= here as f32 * 1.2 {
            best = parent.id();
        }
        climbing = parent.id();
    }
    let mut roots = HashSet::from_iter([best]);
    let best_node = html.tree.get(best)?;
    // A page React streams arrives in segments, one per suspended part, side by side at the
    // end of the document: the article's sections are spread over several of them. Take each
    // segment that holds paragraph text when the body is in one.
    let segment = std::iter::once(best_node)
        .chain(best_node.ancestors())
        .find(|n| {
            n.value()
                .as_element()
                .is_some_and(crate::dom::is_streamed_segment)
        });
    if let Some(parent) = segment.and_then(|s| s.parent()) {
        for sibling in parent.children() {
            let is_segment = sibling
                .value()
                .as_element()
                .is_some_and(crate::dom::is_streamed_segment);
            if is_segment && good.get(&sibling.id()).copied().unwrap_or(0) >= MIN_SEGMENT_CHARS {
                roots.insert(sibling.id());
            }
        }
    }
    if let Some(parent) = best_node.parent() {
        let threshold = (best_score * 0.25).max(3.0);
        for sibling in parent.children() {
            if sibling.id() == best {
                continue;
            }
            if scored.get(&sibling.id()).is_some_and(|s| *s >= threshold) {
                roots.insert(sibling.id());
            }
        }
    }
    Some(roots)
}

/// How many levels above a linked heading its teaser may be.
pub(super) const TEASER_LEVELS: usize = 5;
/// The most text a teaser holds: a title, a summary, a date.
const MAX_TEASER_CHARS: usize = 400;

/// Small elements holding a heading that is a link to the site's own page: teasers of other
/// pages, each a title and a summary. A heading linked to another site names a product or a
/// brand the article is about.
pub(super) fn teaser_units(html: &Html, blocks: &Blocks, site: &OwnSite<'_>) -> HashSet<NodeId> {
    let mut units = HashSet::default();
    for block in blocks.blocks.iter().filter(|b| {
        b.heading.is_some() && b.link_density() > 0.5 && !links_elsewhere(html, b.node, site)
    }) {
        let Some(node) = html.tree.get(block.node) else {
            continue;
        };
        for ancestor in node.ancestors().take(TEASER_LEVELS) {
            let chars = blocks.totals.get(&ancestor.id()).map_or(0, |t| t.0);
            // The head of the article itself: its section's name, linked, over the title.
            let holds_title = || {
                ancestor
                    .descendants()
                    .any(|d| d.value().as_element().is_some_and(|e| e.name() == "h1"))
            };
            if chars > MAX_TEASER_CHARS || holds_title() {
                break;
            }
            units.insert(ancestor.id());
        }
    }
    units
}

/// An element as its tag and its class and id, for the trace of how the body was found.
fn describe(html: &Html, id: NodeId) -> Option<(String, String)> {
    let el = html.tree.get(id)?.value().as_element()?;
    Some((el.name().to_string(), crate::dom::class_and_id(el)))
}
