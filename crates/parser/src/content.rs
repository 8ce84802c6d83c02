//! Finds the article body among the blocks of a page and cleans it.
//!
//! Scoring follows the idea behind Readability and its descendants: every paragraph-shaped
//! block (long enough, few links) gives points to the elements that contain it, more to its
//! parent than to its grandparent; the element with the most points, discounted by its own
//! link density and helped by class hints, is where the article is. From there the container
//! climbs through wrappers to the ancestor that holds markedly more paragraph text while
//! staying prose (page builders split one article over many sections; the summaries of
//! other pages' teasers beside it do not count), and siblings that score well join it.
//!
//! Then, in page order: headings of level 1 (the title), captions (kept for `images`), widget
//! lines and date lines are dropped, and the first related-news or feedback heading ends the
//! body. Credits and bylines at either end go to their own fields.

mod pictures;
mod roots;

use crate::boilerplate::{self, Credit, Phrases};
use crate::bylines;
use crate::dates::{self, LocalZone};
use crate::dom::Attribute;
use crate::dom::{Block, Blocks};
use ego_tree::NodeId;
use scraper::{Html, Node};
// Maps keyed by node: the Fx hash is several times cheaper than SipHash on an integer key,
// and these maps are probed for every block's every ancestor. No key here comes from the
// page, so there is nothing to flood.
use crate::links::OwnSite;
use pictures::{caption_holders, holder_of, image_scope, images, is_decoration, Teasers};
use roots::{body_roots, teaser_units, TEASER_LEVELS};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use tinstream_model::normalize_text;

/// Blocks shorter than this give no points: labels, buttons, dates.
pub(super) const MIN_SCORED_CHARS: usize = 25;

/// Whether a block is paragraph text: long enough, not a heading or a caption, mostly not
/// links. Such blocks score the containers that hold them.
fn is_prose(block: &Block) -> bool {
    block.chars >= MIN_SCORED_CHARS
        && block.heading.is_none()
        && !block.in_caption
        && block.link_density() <= 0.5
}
/// How deep below a body container a block may sit and still be read as part of it.
const MAX_BODY_DEPTH: usize = 64;

/// A picture inside the text's own element: how many blocks come before it, and its caption.
pub(crate) type PictureInText = (usize, Option<String>);

/// The article part of a page.
#[derive(Debug, Default)]
pub(crate) struct Content {
    pub paragraphs: Vec<String>,
    pub lead: Option<String>,
    pub images: Vec<(String, Option<String>)>,
    /// The pictures inside the text's own element, in order: a photo story's text.
    pub pictures_in_text: Vec<PictureInText>,
    /// The block the text starts at, if it has any.
    pub text_starts_at: Option<usize>,
    /// The block the text ends at, if it has any.
    pub text_ends_at: Option<usize>,
    pub authors: Vec<String>,
    pub agency: Option<String>,
    /// Date lines seen in or just before the body, nearest the title first.
    pub date_lines: Vec<String>,
    /// Headings inside the body container that are links: teasers of a listing page.
    pub linked_headings: usize,
    /// Characters and link characters of the whole page's text.
    pub page_chars: usize,
    pub page_link_chars: usize,
}

impl Content {
    /// Characters of the body text.
    pub fn body_chars(&self) -> usize {
        self.paragraphs.iter().map(|p| p.chars().count()).sum()
    }
}

pub(crate) fn extract(
    html: &Html,
    blocks: &Blocks,
    phrases: &Phrases,
    title: &str,
    zone: LocalZone,
    site: &OwnSite<'_>,
) -> Content {
    let mut content = Content {
        page_chars: blocks.blocks.iter().map(|b| b.chars).sum(),
        page_link_chars: blocks.blocks.iter().map(|b| b.link_chars).sum(),
        ..Content::default()
    };
    let teasers = teaser_units(html, blocks, site);
    let Some(roots) = body_roots(html, blocks, &teasers) else {
        return content;
    };
    let in_root = |node: NodeId| -> bool { within(html, node, &roots, MAX_BODY_DEPTH) };
    // Images often sit beside the body rather than in it (a photo table between the title and
    // the text), so they are looked for a few levels further up.
    let image_scope = image_scope(html, &roots);
    let in_image_scope =
        |node: NodeId| -> bool { within(html, node, &image_scope, MAX_BODY_DEPTH) };

    let leads = lead_elements(html, blocks, &roots, &in_root, &teasers);
    let captions = caption_holders(html, blocks, &in_image_scope);
    let mut caption_text: HashMap<NodeId, Vec<String>> = HashMap::default();
    let mut first_body_block: Option<usize> = None;
    let mut last_body_block: Option<usize> = None;
    let mut paragraphs: Vec<(String, bool)> = Vec::new();
    // Characters of `paragraphs`, kept as they are gathered: asked of every block.
    let mut gathered_chars = 0usize;
    let title_key = normalize_text(title).to_lowercase();

    'blocks: for (index, block) in blocks.blocks.iter().enumerate() {
        // A lead beside the article's picture (a header set over its hero image) is the
        // lead, not the picture's caption; one in a caption's element is a caption, and so
        // is a credit ("Foto: …") in an element named as a description.
        let lead_text = may_be_lead(&leads, block);
        if let Some(holder) = holder_of(html, block, &captions).filter(|_| !lead_text) {
            // Text beside an icon, before the prose begins, is the post's line of metadata
            // ("· November 22, 2011 · [mail icon] Email this post · [printer] Print"), whose
            // date is the page's, rather than a caption.
            let beside_icon = captions
                .get(&holder)
                .is_some_and(|image| is_decoration(html, *image));
            if beside_icon
                && in_root(block.node)
                && block.chars <= META_LINE_CHARS
                && gathered_chars < MAX_PROSE_BEFORE_META_LINE
            {
                let line = normalize_text(&block.text);
                if dates::parse_visible(&line, zone).is_some() && !dates::names_another_time(&line)
                {
                    content.date_lines.push(line);
                }
            }
            caption_text
                .entry(holder)
                .or_default()
                .push(normalize_text(&block.text));
            continue;
        }
        if !in_root(block.node) {
            continue;
        }
        if block.in_caption {
            // A caption whose image was not found: still not body text.
            continue;
        }
        if block.heading.is_some() && block.link_density() > 0.5 {
            // A listing links its headings to the site's own pages; a list of products or
            // sites ("the ten best multimeters") links them elsewhere, and is an article.
            if !links_elsewhere(html, block.node, site) {
                content.linked_headings += 1;
            }
            continue;
        }
        if block.heading == Some(1) || is_lead(&leads, block) {
            continue;
        }
        // Lists of links (related news, tags) inside the body container.
        if block.link_density() > 0.5
            && (block.in_list_item || block.chars < 200)
            && !cites_other_sites(html, block, site)
        {
            // Except the writers' line at the top of the text, their names linked ("Von
            // Roland Brockmann und Sebastian Drescher").
            if !block.in_list_item && gathered_chars < MAX_PROSE_BEFORE_META_LINE {
                let byline = block
                    .text
                    .split('\n')
                    .find_map(|line| opening_byline(&normalize_text(line)));
                content.authors.extend(byline.unwrap_or_default());
            }
            continue;
        }
        let bold = block.bold_chars * 10 >= block.chars * 8;
        // Preformatted text (a listing, a mail quoted whole) is the text as written: its lines
        // are no headings, date lines or bylines of the page ("Date: Fri, 1 Feb 2002",
        // "Comments?").
        let verbatim = element_name(html, block.node) == Some("pre");
        for line in block.text.split('\n') {
            let line = normalize_text(line);
            if line.is_empty() {
                continue;
            }
            if verbatim {
                first_body_block.get_or_insert(index);
                last_body_block = Some(index);
                gathered_chars += line.chars().count();
                paragraphs.push((line, false));
                continue;
            }
            if phrases.is_end(&line) {
                // A related-news heading ends the body; one met before the body began heads
                // a side box (an old portal's "Tin mới" column), whose links are skipped. So
                // does one with more of the article's prose after it than before: a box of
                // links set inside the article, which goes on below it.
                if first_body_block.is_some()
                    && prose_after(blocks, index, &in_root) * 2 <= gathered_chars
                {
                    break 'blocks;
                }
                continue;
            }
            if phrases.is_widget(&line) || is_title_again(&line, &title_key) {
                continue;
            }
            // A date in a cell of a data table is the table's content, not the page's date
            // line (layout tables put the date line in a cell alone in its row).
            if dates::is_date_line(&line, zone) && !in_data_cell(html, blocks, block.node) {
                content.date_lines.push(line);
                continue;
            }
            if gathered_chars < MAX_PROSE_BEFORE_META_LINE {
                if let Some(names) = opening_byline(&line) {
                    content.authors.extend(names);
                    continue;
                }
            }
            first_body_block.get_or_insert(index);
            last_body_block = Some(index);
            gathered_chars += line.chars().count();
            paragraphs.push((line, bold && block.heading.is_none()));
        }
    }

    // Short lines just before the body (the date line above or below the title), nearest first.
    if let Some(first) = first_body_block {
        // The few nearest may be mostly links: a post's line of metadata links its author,
        // its comments and a print view around the date.
        let before = blocks.blocks[..first]
            .iter()
            .rev()
            .take(30)
            .enumerate()
            .filter(|(near, b)| {
                (b.chars <= 80 && b.link_density() < 0.5)
                    || (*near < NEAR_BODY_BLOCKS && b.chars <= 120)
            })
            .map(|(_, b)| normalize_text(&b.text))
            // "Video verfügbar bis 28.02.2021" beside the day the video was published.
            .filter(|line| !dates::names_another_time(line));
        content.date_lines.extend(before);
    }

    // A writer's biography named like a lead stays out of the body, and is no lead either.
    let not_lead = |node: NodeId| html.tree.get(node).is_some_and(crate::dom::in_not_lead_box);
    content.lead = lead(blocks, &leads, first_body_block, &in_root, &not_lead);
    if content.lead.is_none() {
        // Vietnamese sites often set the lead apart only by making it bold.
        if let Some((first, true)) = paragraphs.first() {
            if first.chars().count() >= 60 && paragraphs.len() > 2 {
                content.lead = Some(first.clone());
                paragraphs.remove(0);
            }
        }
    }
    let mut paragraphs: Vec<String> = paragraphs.into_iter().map(|(p, _)| p).collect();
    drop_repeated(&mut paragraphs);
    if let Some(lead) = &content.lead {
        let key = normalize_text(lead);
        paragraphs.retain(|p| *p != key);
    }
    split_credits(&mut paragraphs, &mut content);
    content.paragraphs = paragraphs;
    content.text_starts_at = first_body_block;
    content.text_ends_at = last_body_block;
    (content.images, content.pictures_in_text) = images(
        html,
        blocks,
        &in_root,
        &in_image_scope,
        &captions,
        &caption_text,
        Teasers {
            site,
            text_span: first_body_block.zip(last_body_block),
        },
    );
    content
}

/// Shortest list item read as a piece the article cites rather than a link of the site.
const MIN_CITED_ITEM_CHARS: usize = 30;

/// Whether a list item that is a link is one of several pieces the article points to on
/// other sites (a release's changes, a round-up of newsletters, the products of a guide):
/// text of the article, where a list of the site's own pages is related news. A bare
/// address is a reference, not a piece, and a lone item a box of its own (an offer).
fn cites_other_sites(html: &Html, block: &Block, site: &OwnSite<'_>) -> bool {
    if !block.in_list_item
        || block.chars < MIN_CITED_ITEM_CHARS
        || crate::boilerplate::is_web_address(&block.text)
        || !links_elsewhere(html, block.node, site)
    {
        return false;
    }
    let Some(list) = html.tree.get(block.node).and_then(|node| {
        node.ancestors()
            .find(|a| matches!(a.value().as_element().map(|e| e.name()), Some("ul" | "ol")))
    }) else {
        return false;
    };
    list.children()
        .filter(|item| {
            item.value().as_element().is_some_and(|e| e.name() == "li")
                && links_elsewhere(html, item.id(), site)
        })
        .take(2)
        .count()
        >= 2
}

/// Longest block beside an icon read as a post's line of metadata.
const META_LINE_CHARS: usize = 120;

/// Body text after which a line beside an icon is no longer read as the post's metadata.
const MAX_PROSE_BEFORE_META_LINE: usize = 200;

/// The names of a line that says it is a byline ("Von Anna Berg", "Written by: Julie
/// Mollins"), as the text's first lines may be.
fn opening_byline(line: &str) -> Option<Vec<String>> {
    (line.chars().count() <= MAX_OPENING_BYLINE_CHARS && bylines::opens_byline(line))
        .then(|| bylines::byline_names(line))
        .flatten()
}

/// The longest line read as a byline at the top of the text.
const MAX_OPENING_BYLINE_CHARS: usize = 80;

/// Blocks just before the body whose lines are read as date lines even when they are mostly
/// links.
const NEAR_BODY_BLOCKS: usize = 3;

/// Shortest block counted as prose of the article after an end heading.
const MIN_PROSE_BLOCK_CHARS: usize = 150;

/// Characters of paragraph-like text (long blocks with few links) in the body after block
/// `index`.
fn prose_after(blocks: &Blocks, index: usize, in_root: &dyn Fn(NodeId) -> bool) -> usize {
    blocks.blocks[index + 1..]
        .iter()
        .filter(|b| {
            b.heading.is_none()
                && !b.in_caption
                && b.chars >= MIN_PROSE_BLOCK_CHARS
                && b.link_density() < 0.3
                && in_root(b.node)
        })
        .map(|b| b.chars)
        .sum()
}

pub(super) fn element_name(html: &Html, id: NodeId) -> Option<&str> {
    match html.tree.get(id)?.value() {
        Node::Element(el) => Some(el.name()),
        _ => None,
    }
}

/// Whether `node` is one of `set` or lies within `depth` levels below one.
pub(super) fn within(html: &Html, node: NodeId, set: &HashSet<NodeId>, depth: usize) -> bool {
    let Some(n) = html.tree.get(node) else {
        return false;
    };
    std::iter::once(n)
        .chain(n.ancestors())
        .take(depth + 1)
        .any(|a| set.contains(&a.id()))
}

/// A lead is one short passage: an element with a lead class holding at most this much text.
const MAX_LEAD_CHARS: usize = 600;

/// The shortest lead: less is a label or a credit.
const MIN_LEAD_CHARS: usize = 40;

/// The elements that hold the lead: those a lead by class and by size that do not hold the
/// body itself (a short page's whole text in a "text-with-summary" field). Several of them
/// inside the body are no lead but the descriptions of a list's items ("10 woodworking
/// projects", each item's text in an "mv-list-single-description"): those are text when the
/// body has prose of its own around them. A body of nothing but such descriptions is a
/// section page's teasers ("sapo_thumb_news"), which are no more its text than a lead.
fn lead_elements(
    html: &Html,
    blocks: &Blocks,
    roots: &HashSet<NodeId>,
    in_root: &dyn Fn(NodeId) -> bool,
    teasers: &HashSet<NodeId>,
) -> HashSet<NodeId> {
    let mut leads: HashSet<NodeId> = blocks.blocks.iter().filter_map(|b| b.lead_node).collect();
    leads.retain(|node| {
        // The summary of a teaser outside the body is another page's ("text-with-summary"
        // names every summary field of a Drupal site).
        if !in_root(*node) && within(html, *node, teasers, TEASER_LEVELS) {
            return false;
        }
        let small = blocks
            .totals
            .get(node)
            .is_some_and(|(chars, _)| *chars <= MAX_LEAD_CHARS);
        // (One of several containers of the body may be the lead alone: a lead in its own
        // `<div>` beside the text's.)
        let holds_body = roots.iter().any(|root| {
            within(html, *root, &HashSet::from_iter([*node]), MAX_BODY_DEPTH)
                && (root != node || roots.len() == 1)
        });
        small && !holds_body
    });
    // A summary that is a link is a teaser's, not a description of the body's own items
    // ("OtherTop_Lead" in a box of other news set in the article's column).
    let linked = |node: &NodeId| {
        blocks
            .totals
            .get(node)
            .is_some_and(|(chars, link_chars)| link_chars * 2 > *chars)
    };
    if leads
        .iter()
        .filter(|node| in_root(**node) && !linked(node))
        .count()
        < 2
    {
        return leads;
    }
    let own_prose: usize = blocks
        .blocks
        .iter()
        .filter(|b| {
            is_prose(b) && !b.lead_node.is_some_and(|n| leads.contains(&n)) && in_root(b.node)
        })
        .map(|b| b.chars)
        .sum();
    if own_prose >= MIN_OWN_PROSE_CHARS {
        leads.retain(|node| !in_root(*node));
    }
    leads
}

/// Prose of the body's own, outside its items' descriptions, that makes those descriptions
/// items of an article rather than a listing's teasers: as much as an article needs.
const MIN_OWN_PROSE_CHARS: usize = crate::verdict::MIN_ARTICLE_CHARS;

/// Whether a block sits in one of the [`lead_elements`].
fn is_lead(leads: &HashSet<NodeId>, block: &Block) -> bool {
    block.lead_node.is_some_and(|node| leads.contains(&node))
}

/// Whether a block may be the lead: in one of the [`lead_elements`], outside a caption, and
/// long enough not to be a label or a credit.
fn may_be_lead(leads: &HashSet<NodeId>, block: &Block) -> bool {
    is_lead(leads, block) && !block.in_caption && block.chars >= MIN_LEAD_CHARS
}

/// The lead: text in an element whose class names a lead, in the body or just before it.
fn lead(
    blocks: &Blocks,
    leads: &HashSet<NodeId>,
    first_body_block: Option<usize>,
    in_root: &dyn Fn(NodeId) -> bool,
    not_lead: &dyn Fn(NodeId) -> bool,
) -> Option<String> {
    let first = first_body_block?;
    blocks
        .blocks
        .iter()
        .enumerate()
        .filter(|(i, b)| {
            may_be_lead(leads, b)
                && !b.lead_node.is_some_and(not_lead)
                && b.heading != Some(1)
                && b.link_density() < 0.3
                && (*i < first || in_root(b.node))
                && first.saturating_sub(*i) <= 40
        })
        .map(|(_, b)| normalize_text(&b.text.replace('\n', " ")))
        .next()
}

/// Whether a node is a cell of a data table: a short `<td>`/`<th>` with sibling cells in its
/// row. (A layout table's cell holds a whole column of the page.)
fn in_data_cell(html: &Html, blocks: &Blocks, node: NodeId) -> bool {
    let Some(cell) = html.tree.get(node) else {
        return false;
    };
    if !matches!(element_name(html, node), Some("td" | "th")) {
        return false;
    }
    if blocks
        .totals
        .get(&node)
        .is_none_or(|(chars, _)| *chars > 100)
    {
        return false;
    }
    let Some(row) = cell.parent() else {
        return false;
    };
    row.children()
        .filter(|c| {
            c.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "td" | "th"))
        })
        .count()
        >= 2
}

/// Paragraphs this long are not said twice in one article: a second copy is the page's
/// markup repeating the text (a mobile and a desktop version, tabs, a print view).
const REPEAT_MIN_CHARS: usize = 40;

/// Drops the second and later copies of long paragraphs.
fn drop_repeated(paragraphs: &mut Vec<String>) {
    let mut seen = HashSet::default();
    paragraphs.retain(|p| p.chars().count() < REPEAT_MIN_CHARS || seen.insert(p.clone()));
}

/// Moves agency credits and bylines from the ends of the body to their fields.
fn split_credits(paragraphs: &mut Vec<String>, content: &mut Content) {
    // A byline, a credit, and a byline again at most ("Minh Anh" / "(TTXVN)").
    for _ in 0..3 {
        let Some(last) = paragraphs.last().cloned() else {
            break;
        };
        if paragraphs.len() > 1 {
            if let Some((names, agency)) = boilerplate::signature(&last) {
                content.agency.get_or_insert(agency);
                content.authors.extend(names);
                paragraphs.pop();
                continue;
            }
        }
        if let Some((rest, credit)) = boilerplate::trailing_credit(&last) {
            match credit {
                Credit::Agency(name) => {
                    content.agency.get_or_insert(name);
                }
                Credit::People(names) => content.authors.extend(names),
                Credit::Staff => {}
            }
            replace_last(paragraphs, rest);
            continue;
        }
        if let Some(names) = bylines::byline_names(&last) {
            if paragraphs.len() > 1 {
                content.authors.extend(names);
                paragraphs.pop();
                continue;
            }
        }
        break;
    }
    // The opening credit stands at the start of the lead, or of the body when there is none.
    let opening = match content.lead.as_mut() {
        Some(lead) => Some(lead),
        None => paragraphs.first_mut(),
    };
    if let Some(first) = opening {
        if let Some((rest, agency)) = boilerplate::leading_credit(first) {
            if let Some(agency) = agency {
                content.agency.get_or_insert(agency);
            }
            *first = rest;
        }
    }
    paragraphs.retain(|p| !p.is_empty());
}

fn replace_last(paragraphs: &mut Vec<String>, rest: String) {
    if rest.trim().is_empty() {
        paragraphs.pop();
    } else if let Some(last) = paragraphs.last_mut() {
        *last = rest;
    }
}

/// Whether the first link in an element leads to another site than the page's.
fn links_elsewhere(html: &Html, node: NodeId, site: &OwnSite<'_>) -> bool {
    let Some(element) = html.tree.get(node) else {
        return false;
    };
    element
        .descendants()
        .filter_map(|d| d.value().as_element())
        .find(|e| e.name() == "a")
        .and_then(|a| a.attribute("href"))
        .is_some_and(|href| site.is_elsewhere(href))
}

/// Whether a line is the title said again (`title_key`: the title lower-cased). Lower-casing
/// changes a text's length in bytes by less than half, so lines far longer or shorter than
/// the title, nearly all of them, are told apart without lower-casing them.
fn is_title_again(line: &str, title_key: &str) -> bool {
    line.len() <= title_key.len() * 2
        && line.len() * 2 >= title_key.len()
        && line.to_lowercase() == title_key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_other_news_after_the_text_ends_the_body() {
        use crate::test_pages::{numbered_paragraphs, parsed_article};
        let paragraphs = numbered_paragraphs(
            3,
            "Paragraph",
            "the institute has opened enrolment for its evening language courses, which \
             run for twelve weeks and are free for residents of the islands.",
        );
        let page = format!(
            "<html><head><title>Enrolment open</title></head><body><h1>Enrolment open</h1>\
             <div class=\"post\">{paragraphs}<h3>ALSO IN THE NEWS</h3><p>Front Page</p>\
             <p>Webmaster</p><p>Ministers meet in Kingstown to discuss the budget for the \
             coming year and the repair of the airport road.</p></div></body></html>"
        );
        let record = parsed_article(&page, "https://example.vc/press-release/enrolment-open");
        assert_eq!(record.body.split("\n\n").count(), 3, "{}", record.body);
        assert!(!record.body.contains("Ministers"));
    }

    #[test]
    fn links_to_pieces_on_other_sites_are_text_and_links_to_the_site_are_not() {
        use crate::test_pages::article_with;
        let item = |host: &str, text: &str| {
            format!("<li><a href=\"https://{host}/pull/1\">{text}</a></li>")
        };
        // A release's list of changes, each a link to the code host: text of the post.
        let changes = [
            item("github.com", "Allow casts between integers and pointers"),
            item("github.com", "Add support for the weak variable attribute"),
        ]
        .concat();
        let record = article_with(&format!("<ul>{changes}</ul>"));
        assert!(
            record.body.contains("weak variable attribute"),
            "{}",
            record.body
        );
        // The same list pointing to the site's own pages is related news (www. aside).
        let related = [
            item(
                "www.example.com",
                "Allow casts between integers and pointers",
            ),
            item("example.com", "Add support for the weak variable attribute"),
        ]
        .concat();
        let record = article_with(&format!("<ul>{related}</ul>"));
        assert!(!record.body.contains("weak variable"), "{}", record.body);
        // A lone link elsewhere is a box of its own (an offer), and bare addresses are a
        // reference list.
        let offer = item(
            "leasing.example.org",
            "Compare new car deals with our partner",
        );
        let record = article_with(&format!("<ul>{offer}</ul>"));
        assert!(
            !record.body.contains("Compare new car deals"),
            "{}",
            record.body
        );
        let references = [
            item(
                "en.wikipedia.org",
                "https://en.wikipedia.org/wiki/Strategic_planning",
            ),
            item(
                "productive.io",
                "https://productive.io/blog/strategic-planning/",
            ),
        ]
        .concat();
        let record = article_with(&format!("<ul>{references}</ul>"));
        assert!(!record.body.contains("wikipedia"), "{}", record.body);
    }

    #[test]
    fn preformatted_text_is_kept_as_written() {
        use crate::test_pages::article_with;
        // A mail quoted whole: its header is no date line of the page, its closing question
        // no heading of a comment section.
        let record = article_with(
            "<pre>Date: Fri, 1 Feb 2002 11:53:40 -0500 (EST)\nFrom: Miod Vallat\n\
             Subject: boot_hppa(8)\n\nThe manual page could be a bit more verbose.\n\n\
             Comments?\n}</pre>",
        );
        for line in [
            "Date: Fri, 1 Feb 2002 11:53:40 -0500 (EST)",
            "Comments?",
            "}",
        ] {
            assert!(record.body.contains(line), "{line}: {}", record.body);
        }
        // The paragraphs after it are still the text.
        assert!(
            record.body.contains("Paragraph 3 of the guide"),
            "{}",
            record.body
        );
        assert_eq!(record.published_at, None);
    }

    #[test]
    fn addresses_full_of_commas_do_not_outweigh_the_text() {
        use crate::test_pages::parsed_article;
        // The article in sections, few commas to a paragraph; the footer lists the offices,
        // a dozen commas to an address.
        let section = |n: u32| {
            format!(
                "<h2>Part {n}</h2><p>Choosing a university abroad is an investment in a career, \
                 and the schools on this list give students the chance to learn in advanced \
                 laboratories with the industry close by. Part {n} looks at what admission asks \
                 and what it costs.</p>"
            )
        };
        let address = "<p>No. 61, First Floor, 2nd Avenue, Near Roundtana, Opposite the Metro, \
                       A Block, Anna Nagar East, Chennai, Tamil Nadu, 600102</p>";
        let page = format!(
            "<html><head><title>Best universities</title></head><body><h1>Best universities</h1>\
             <div class=\"limitwidth\">{}</div><div class=\"bottom\"><div class=\"branches\">\
             <h3>Branches</h3>{}</div></div></body></html>",
            (1..=8).map(section).collect::<String>(),
            address.repeat(3)
        );
        let record = parsed_article(&page, "https://example.com/blog/best-universities");
        assert!(record.body.contains("Part 1 looks at"), "{}", record.body);
        assert!(!record.body.contains("Anna Nagar"), "{}", record.body);
    }

    #[test]
    fn a_column_of_teasers_beside_the_text_is_not_taken_in() {
        use crate::test_pages::{numbered_paragraphs, parsed_article};
        // A news site's layout (a Drupal theme): the right column, a box of other stories
        // each under its linked title with its summary, comes before the article in the
        // markup, and both sit in the page's main container. The article's head links its
        // section's name over the title: no teaser.
        let teaser = |n: u32| {
            format!(
                "<div class=\"node node-teaser\"><div class=\"content\"><div class=\"field-title\">\
                 <div class=\"field-items\"><div class=\"field-item\"><h2><a href=\"/noticias/\
                 story-{n}\">Other story of the day, number {n}</a></h2></div></div></div><div class=\"field-type-text-with-summary\">\
                 <p>Summary {n}: the council voted on the new budget for roads and schools \
                 this week, and more is to come.</p></div></div></div>"
            )
        };
        let article = numbered_paragraphs(
            4,
            "Paragraph",
            "four days after the coach left the national team, its captain broke the \
             silence with a message to the man who had led the side through two seasons \
             of qualifiers, thanking him for his trust and wishing him well in whatever \
             he chooses to do next, and the other senior players are expected to follow \
             with their own words in the coming days.",
        );
        let page = format!(
            "<html><head><title>The captain speaks</title></head><body><div class=\"t-main\">\
             <h1>Sport</h1><div class=\"region region-right\"><h2>Most read</h2>{}</div>\
             <div class=\"t-content\"><div class=\"node node-article\"><div class=\"head\"><h4><a href=\
             \"/noticias/deportes\">Sport</a></h4><h1>The captain speaks</h1><p class=\"summary\">\
             The captain of the national team thanks the coach who left it four days ago.</p>\
             </div><div class=\"field-name-body\"><div class=\"field-item\">{article}</div>\
             </div></div></div></div></body></html>",
            (1..=12).map(teaser).collect::<String>()
        );
        let record = parsed_article(&page, "https://example.com.co/noticias/the-captain-speaks");
        assert_eq!(record.body.split("\n\n").count(), 4, "{}", record.body);
        assert!(!record.body.contains("Summary"), "{}", record.body);
        // Nor is a teaser's summary the article's lead, whatever its class says: the lead is
        // the article's own.
        assert_eq!(
            record.lead.as_deref(),
            Some("The captain of the national team thanks the coach who left it four days ago.")
        );

        // A guide whose every item is a linked name and a few lines (a city's restaurants):
        // the items are the body, and all of them are kept (whether such a page is an
        // article is the verdict's to say).
        let venue = |n: u32| {
            format!(
                "<article class=\"venue\"><h2><a href=\"/cities/ny/venue-{n}\">Restaurant {n}\
                 </a></h2><p>Restaurant {n} serves a tasting menu of the seasons, with a wine \
                 list that favours small growers.</p></article>"
            )
        };
        let page = format!(
            "<html><head><title>The winners</title></head><body><h1>The winners</h1>\
             <div class=\"article\">{}</div></body></html>",
            (1..=12).map(venue).collect::<String>()
        );
        let record =
            crate::test_pages::analyzed(&page, "https://blog.example.com/2025/11/the-winners/")
                .record;
        for n in [1, 6, 12] {
            assert!(
                record.body.contains(&format!("Restaurant {n} serves")),
                "{n}: {}",
                record.body
            );
        }
    }

    #[test]
    fn a_lead_is_named_in_german_and_as_an_abstract() {
        use crate::test_pages::{numbered_paragraphs, parsed_article};
        let lead = "Am vergangenen Freitag hat die Regierung den Entwurf beschlossen, und die \
                    Branche protestiert.";
        let body = numbered_paragraphs(
            4,
            "Absatz",
            "Mehrfach und vehement hatte die Branche die Nachteile des Gesetzes dargelegt und \
             Vorschläge zu seiner Änderung gemacht, die bisher ohne Antwort geblieben sind.",
        );
        // An introduction ("Einleitung", "Vorspann") or an abstract, before the text.
        for class in ["DefaultEinleitung", "artikel-vorspann", "article-abstract"] {
            let page = format!(
                "<html><head><title>Strompreisbremse</title></head><body><h1>Strompreisbremse\
                 </h1><p class=\"{class}\">{lead}</p><div class=\"content\"><div class=\"frame\">\
                 {body}</div></div></body></html>"
            );
            let record = parsed_article(&page, "https://example.eu/energie/strompreisbremse/");
            assert_eq!(record.lead.as_deref(), Some(lead), "{class}");
            assert!(!record.body.contains("Am vergangenen"), "{class}");
        }
    }

    /// An article whose page wraps the text in `wrapper`, the lead in `lead_markup`
    /// (`{lead}` stands for the lead's text) and sets `extra` after the text.
    fn page_with_lead(wrapper: (&str, &str), lead_markup: &str, extra: &str) -> String {
        let body = crate::test_pages::numbered_paragraphs(
            4,
            "Paragraph",
            "The council voted on Tuesday to close the old bridge to cars, after two years of \
             studies that found its steel worn beyond repair.",
        );
        let lead_markup = lead_markup.replace("{lead}", LEAD_TEXT);
        format!(
            "<html><head><title>Bridge to close</title></head><body><header class=\"site-header\">\
             <p class=\"site-description\">The daily news of the river towns and the hills around \
             them</p></header>{}{lead_markup}<div class=\"text\">{body}</div>{extra}{}</body></html>",
            wrapper.0, wrapper.1
        )
    }

    const LEAD_TEXT: &str = "The old bridge closes to cars next month; walkers and cyclists may \
                             still cross it.";

    #[test]
    fn the_lead_in_an_articles_header_is_read() {
        use crate::test_pages::parsed_article;
        let url = "https://news.example.com/2025/05/bridge-to-close/";
        // The article's own header is skipped but for its lead: not the kicker, the title,
        // the byline or the date; the page's header, with the site's tagline, is no article's.
        let header = "<header class=\"article-header\"><span class=\"kicker\">Town council\
                      </span><h1>Bridge to close</h1><p class=\"ts-intro\">{lead}</p><div>By \
                      Anna Berg, 12 May 2025</div></header>";
        for wrapper in [("<article>", "</article>"), ("<main>", "</main>")] {
            let record = parsed_article(&page_with_lead(wrapper, header, ""), url);
            assert_eq!(record.lead.as_deref(), Some(LEAD_TEXT), "{wrapper:?}");
            for furniture in ["Town council", "Anna Berg", "river towns"] {
                assert!(
                    !record.body.contains(furniture),
                    "{furniture}: {}",
                    record.body
                );
            }
        }
        // Outside them, a header is the article's when it holds the title and nothing of the
        // site's: no menu, no logo, no tagline.
        let record = parsed_article(&page_with_lead(("<div>", "</div>"), header, ""), url);
        assert_eq!(record.lead.as_deref(), Some(LEAD_TEXT));
        let site_header = "<header class=\"site-header\"><h1>Bridge to close</h1>\
                           <p class=\"site-description\">{lead}</p></header>";
        let record = parsed_article(&page_with_lead(("<div>", "</div>"), site_header, ""), url);
        assert_eq!(record.lead, None);
        let with_menu = "<header><h1>Bridge to close</h1><p class=\"intro\">{lead}</p><ul>\
                         <li><a href=\"/\">Home</a></li></ul></header>";
        let record = parsed_article(&page_with_lead(("<div>", "</div>"), with_menu, ""), url);
        assert_eq!(record.lead, None);
        // Inside an article's header a teaser or an excerpt is its own, and the second
        // heading of the title's group its subtitle; not a paragraph without a name, as
        // often a disclosure.
        for (lead, expected) in [
            (
                "<div class=\"artikel-teaser\"><p>{lead}</p></div>",
                Some(LEAD_TEXT),
            ),
            (
                "<div class=\"entry-excerpt\"><p>{lead}</p></div>",
                Some(LEAD_TEXT),
            ),
            (
                "<hgroup><h1>Bridge to close</h1><h2>{lead}</h2></hgroup>",
                Some(LEAD_TEXT),
            ),
            ("<h1>Bridge to close</h1><p>{lead}</p>", None),
        ] {
            let header = format!("<header><span>Town council</span>{lead}</header>");
            let page = page_with_lead(("<article>", "</article>"), &header, "");
            let record = parsed_article(&page, url);
            assert_eq!(record.lead.as_deref(), expected, "{lead}");
        }
    }

    #[test]
    fn a_lead_is_named_in_the_words_of_themes() {
        use crate::test_pages::parsed_article;
        let url = "https://news.example.com/2025/05/bridge-to-close/";
        let article = ("<article>", "</article>");
        // Words of a class end at an underscore too ("block__element" naming), and the
        // subtitle, the dek and the French "chapo" are leads. Not: a size of type, a word
        // inside another, a teaser's "teaser-text-…" box, an excerpt that is not the
        // article's.
        let leads = [
            "content__intro",
            "article__abstract",
            "article-subtitle",
            "entry-dek",
            "chapo",
            "bajada",
            "teaser-text",
            "entry-excerpt",
            "article-single__excerpt",
        ];
        let not_leads = [
            "subtitle-2",
            "leading-relaxed",
            "intros",
            "txt-teaser-text-on-photo",
            "with-excerpt",
        ];
        let cases = leads.iter().map(|c| (c, true));
        for (class, is_lead) in cases.chain(not_leads.iter().map(|c| (c, false))) {
            let markup = format!("<div class=\"{class}\"><p>{{lead}}</p></div>");
            let record = parsed_article(&page_with_lead(article, &markup, ""), url);
            let expected = is_lead.then_some(LEAD_TEXT);
            assert_eq!(record.lead.as_deref(), expected, "{class}");
            assert!(!is_lead || !record.body.contains("walkers"), "{class}");
        }
    }

    #[test]
    fn captions_biographies_and_calls_to_subscribe_are_no_lead() {
        use crate::test_pages::parsed_article;
        let url = "https://news.example.com/2025/05/bridge-to-close/";
        let article = ("<article>", "</article>");
        let caption = "<figure class=\"article-header__lead\"><img src=\"/bridge.jpg\">\
                       <figcaption>The old bridge at dusk, seen from the northern bank of the \
                       river</figcaption></figure>";
        let record = parsed_article(&page_with_lead(article, caption, ""), url);
        assert_eq!(record.lead, None, "{:?}", record.lead);
        // Nor is a lead the caption of the picture its header is set over; a credit in an
        // element named as a description is a caption.
        let hero = "<div class=\"article__hero\"><img src=\"/bridge.jpg\"><header><h1>Bridge \
                    to close</h1><div class=\"article__header_description\">{lead}</div>\
                    </header></div>";
        let record = parsed_article(&page_with_lead(article, hero, ""), url);
        assert_eq!(record.lead.as_deref(), Some(LEAD_TEXT));
        assert_eq!(
            record.images.first().map(|i| i.caption.as_deref()),
            Some(None)
        );
        let credit =
            "<div class=\"media\"><img src=\"/bridge.jpg\"><p class=\"media__description\">\
                      Foto: Anna Berg</p></div>";
        let record = parsed_article(&page_with_lead(article, credit, ""), url);
        let captions: Vec<_> = record.images.iter().map(|i| i.caption.as_deref()).collect();
        assert_eq!(captions, [Some("Foto: Anna Berg")]);
        let boxes = [
            "<div class=\"abh_box\"><section class=\"vcard author\"><div class=\"description\">\
             Anna is a writer and teacher who has covered the river towns for twenty years.\
             </div></section></div>",
            "<div class=\"author-box\"><p class=\"author-description\">Anna is a writer and \
             teacher who has covered the river towns for twenty years.</p></div>",
            "<div class=\"marketing-inline\"><p class=\"hermes-cta-description\">The trusted \
             destination for professionals, students and lifelong learners.</p></div>",
        ];
        for writer_box in boxes {
            let record = parsed_article(&page_with_lead(article, "", writer_box), url);
            assert_eq!(record.lead, None, "{writer_box}");
            for text in ["twenty years", "trusted destination"] {
                assert!(!record.body.contains(text), "{writer_box}: {}", record.body);
            }
        }
    }

    #[test]
    fn a_body_said_twice_is_kept_once() {
        let long = "Đoạn văn này đủ dài để không thể lặp lại một cách tình cờ trong bài.";
        let second = "Đoạn thứ hai của bài viết, cũng khá dài để được tính.";
        let mut paragraphs: Vec<String> = [long, "Ảnh", second, long, "Ảnh"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        drop_repeated(&mut paragraphs);
        assert_eq!(paragraphs, [long, "Ảnh", second, "Ảnh"]);
    }
}
