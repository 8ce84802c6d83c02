//! The article's pictures and their captions: where pictures are looked for, the small
//! element or the paragraph under a picture that holds its caption, and the pictures that are
//! not the article's (icons, thumbnails, the theme's, teaser cards' around the text).

use super::{element_name, PictureInText, MIN_SCORED_CHARS};
use crate::dom::Attribute;
use crate::dom::{Block, Blocks};
use crate::links::OwnSite;
use ego_tree::NodeId;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use scraper::Html;
use tinstream_model::normalize_text;

/// Pieces of text (outside a marked caption) that make the text beside an image an item of the
/// article rather than its caption.
const MIN_ITEM_PIECES: usize = 3;
/// A text holder around an image with at most this many characters is its caption.
const MAX_CAPTION_CHARS: usize = 400;
/// A `<p>` at least this long beside an image, where nothing is marked as its caption, is a
/// paragraph of the text: captions of this length are marked (`figcaption`, a caption class).
const MIN_PARAGRAPH_BESIDE_IMAGE: usize = 200;

/// The elements images of the article are looked for in: the body's containers and the
/// element up to three levels above the first of them (not the whole page).
pub(super) fn image_scope(html: &Html, roots: &HashSet<NodeId>) -> HashSet<NodeId> {
    let mut scope = roots.clone();
    if let Some(node) = roots.iter().min().and_then(|id| html.tree.get(*id)) {
        if let Some(up) = node
            .ancestors()
            .take(3)
            .take_while(|a| {
                !matches!(
                    a.value().as_element().map(|e| e.name()),
                    Some("body" | "html")
                )
            })
            .last()
        {
            scope.insert(up.id());
        }
    }
    scope
}

/// For each image inside the body, the small element around it that holds its caption.
pub(super) fn caption_holders(
    html: &Html,
    blocks: &Blocks,
    in_root: &dyn Fn(NodeId) -> bool,
) -> HashMap<NodeId, NodeId> {
    let mut holders = HashMap::default();
    for image in &blocks.images {
        if !in_root(image.node) {
            continue;
        }
        let Some(node) = html.tree.get(image.node) else {
            continue;
        };
        for ancestor in node.ancestors().take(5) {
            let chars = blocks.totals.get(&ancestor.id()).map_or(0, |t| t.0);
            if chars == 0 {
                continue;
            }
            // A whole `<article>` around a photo and a short text is the article, however
            // short (a news agency's brief of three lines).
            if chars <= MAX_CAPTION_CHARS
                && !matches!(
                    element_name(html, ancestor.id()),
                    Some("p" | "body" | "html" | "article" | "main")
                )
            {
                holders.insert(ancestor.id(), image.node);
            }
            break;
        }
    }
    // A caption has no headings: an image beside a titled piece of text (a step of a how-to,
    // a card of a feature list) is a section of the article, and its text is body.
    // Nor is it several pieces of text outside a marked caption: an image beside a name, a
    // figure and a paragraph is an item of the article (a checklist, a product card).
    // Nor is it a long paragraph beside the image when nothing there is marked as a caption: a
    // section of the text under its picture (a list of frameworks, one photo and one
    // paragraph each).
    // Either way a linked piece makes it a teaser of another page, which stays out: a linked
    // title, or, in an item without a heading, a link after its text (a writer's card and
    // "See Full Bio"). After a titled item's text a link is its button ("Buy on Amazon").
    let mut seen: HashMap<NodeId, BesideImage> = HashMap::default();
    // With no picture beside its text, no block is looked at.
    let beside: &[Block] = if holders.is_empty() {
        &[]
    } else {
        &blocks.blocks
    };
    for block in beside {
        let Some(holder) = holder_of(html, block, &holders) else {
            continue;
        };
        let text = seen.entry(holder).or_default();
        if block.link_density() > 0.5 {
            // After a piece of text that is not a link, a link is a button of the item ("Buy
            // on Amazon"); before it, the title of a teaser.
            if text.described {
                text.buttoned = true;
            } else {
                text.linked = true;
            }
        } else if block.chars >= MIN_SCORED_CHARS && block.heading.is_none() {
            text.described = true;
        }
        text.titled |= block.heading.is_some();
        if block.in_caption {
            text.marked = true;
        } else {
            text.pieces += 1;
        }
        text.paragraph |= block.chars >= MIN_PARAGRAPH_BESIDE_IMAGE
            && element_name(html, block.node) == Some("p");
    }
    holders.retain(|holder, _| seen.get(holder).is_none_or(BesideImage::is_caption));
    // Then the captions set as the paragraph under a picture that stands alone.
    let under: Vec<(NodeId, NodeId)> = captions_set_under(html, blocks, in_root)
        .into_iter()
        .filter(|(_, image)| !holders.values().any(|i| i == image))
        .collect();
    holders.extend(under);
    holders
}

/// The most characters of a caption set as the paragraph under its picture.
const MAX_CAPTION_UNDER_CHARS: usize = 300;

/// Captions set as a paragraph of their own under a paragraph holding the picture alone, as
/// Vietnamese papers' editors set them: `<DIV align=center><IMG …></DIV><DIV
/// align=center>Hoa đào đem không khí Tết đến mọi nhà</DIV>` (Dân trí, 2012), or centred in
/// italics (24h). The paragraph under is the picture's caption when it says what the picture's
/// `alt` says, or when both are centred and it is short and links nowhere: the text's own
/// paragraphs are not set so. Returns each caption's element and its picture.
fn captions_set_under(
    html: &Html,
    blocks: &Blocks,
    in_root: &dyn Fn(NodeId) -> bool,
) -> Vec<(NodeId, NodeId)> {
    let chars_of = |id: NodeId| blocks.totals.get(&id).copied().unwrap_or((0, 0));
    let mut found = Vec::new();
    for image in &blocks.images {
        if !in_root(image.node) {
            continue;
        }
        let Some(node) = html.tree.get(image.node) else {
            continue;
        };
        // The paragraph that holds the picture and nothing else (through a link to its
        // larger version).
        let Some(frame) = node.ancestors().take(3).find(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "p" | "div" | "center"))
        }) else {
            continue;
        };
        if chars_of(frame.id()).0 > 0 {
            continue;
        }
        let Some(under) = frame.next_siblings().find_map(scraper::ElementRef::wrap) else {
            continue;
        };
        if !matches!(under.value().name(), "p" | "div" | "center") {
            continue;
        }
        let (chars, link_chars) = chars_of(under.id());
        if chars == 0 || chars > MAX_CAPTION_UNDER_CHARS || link_chars > 0 {
            continue;
        }
        let text = normalize_text(&under.text().collect::<String>());
        let says_alt = node
            .value()
            .as_element()
            .and_then(|e| e.attr("alt"))
            .is_some_and(|alt| normalize_text(alt) == text);
        // Centring sets a caption apart only from text that is not centred: on a page that
        // centres every paragraph (a photo blog) the one under a picture is the text's. A
        // caption in italics is set apart either way.
        let frame_centred = scraper::ElementRef::wrap(frame).is_some_and(is_centred);
        let next_text = under
            .next_siblings()
            .filter_map(scraper::ElementRef::wrap)
            .find(|e| chars_of(e.id()).0 > 0);
        let apart = is_italic(under) || next_text.is_none_or(|e| !is_centred(e));
        if says_alt || frame_centred && is_centred(under) && apart {
            found.push((under.id(), image.node));
        }
    }
    found
}

/// Whether an element sets its text in italics: a style's `font-style: italic`, or all its
/// text inside `<em>` or `<i>`.
fn is_italic(el: scraper::ElementRef<'_>) -> bool {
    let emphasised = || {
        el.descendants()
            .filter_map(|n| n.value().as_text().map(|t| (n, t)))
            .filter(|(_, t)| !t.trim().is_empty())
            .all(|(n, _)| {
                n.ancestors().take_while(|a| a.id() != el.id()).any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "em" | "i"))
                })
            })
    };
    crate::dom::style_property(el.value(), "font-style").as_deref() == Some("italic")
        || emphasised()
}

/// Whether an element sets its text in the middle of the line ([`crate::dom::alignment`]),
/// itself or the one element it wraps.
fn is_centred(el: scraper::ElementRef<'_>) -> bool {
    let centred =
        |e: &scraper::node::Element| crate::dom::alignment(e).as_deref() == Some("center");
    let mut children = el.children().filter_map(scraper::ElementRef::wrap);
    centred(el.value())
        || match (children.next(), children.next()) {
            (Some(only), None) => centred(only.value()),
            _ => false,
        }
}

/// What the text beside an image holds, to tell its caption from an item of the article.
#[derive(Default)]
struct BesideImage {
    /// A heading.
    titled: bool,
    /// A link before any other text: a teaser's title.
    linked: bool,
    /// A link after other text: an item's button.
    buttoned: bool,
    /// A piece of text that is not a link.
    described: bool,
    /// Text marked as a caption.
    marked: bool,
    /// A `<p>` as long as a paragraph of the text.
    paragraph: bool,
    /// Pieces of text outside a marked caption.
    pieces: usize,
}

impl BesideImage {
    fn is_caption(&self) -> bool {
        let item =
            self.titled || self.pieces >= MIN_ITEM_PIECES || (self.paragraph && !self.marked);
        !item || self.linked || (!self.titled && self.buttoned)
    }
}

/// The caption holder a block belongs to, if any.
pub(super) fn holder_of(
    html: &Html,
    block: &Block,
    holders: &HashMap<NodeId, NodeId>,
) -> Option<NodeId> {
    let node = html.tree.get(block.node)?;
    std::iter::once(node)
        .chain(node.ancestors())
        .take(6)
        .find(|a| holders.contains_key(&a.id()))
        .map(|a| a.id())
}

pub(super) fn images(
    html: &Html,
    blocks: &Blocks,
    in_root: &dyn Fn(NodeId) -> bool,
    in_scope: &dyn Fn(NodeId) -> bool,
    holders: &HashMap<NodeId, NodeId>,
    caption_text: &HashMap<NodeId, Vec<String>>,
    teasers: Teasers<'_, '_>,
) -> (Vec<(String, Option<String>)>, Vec<PictureInText>) {
    let by_image: HashMap<NodeId, NodeId> = holders.iter().map(|(h, i)| (*i, *h)).collect();
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut in_text: Vec<PictureInText> = Vec::new();
    // The pages the document links to by a title, gathered the first time a linked picture
    // asks.
    let mut titled: Option<std::collections::HashSet<&str>> = None;
    for image in &blocks.images {
        // Outside the body proper, an image in a link is a teaser of another article.
        let wanted = in_root(image.node) || (in_scope(image.node) && !image.in_link);
        if !wanted || is_decoration(html, image.node) || is_theme_asset(&image.src) {
            continue;
        }
        // Inside it but before or after the text, a picture linking to another page of the
        // site that the document also links to by a title is that page's teaser card ("Không
        // thể bỏ lỡ" under VietNamNet's text); one linking to its larger version, an
        // attachment's page or a shop is the article's, and so is one among the text's
        // paragraphs (a list of products, each linked to its page).
        if image.in_link && teasers.outside_text(image.blocks_before) {
            let target = teaser_target(html, image.node, teasers.site);
            if let Some(target) = target {
                let titled = titled.get_or_insert_with(|| titled_targets(html));
                if titled.contains(target) {
                    continue;
                }
            }
        }
        let caption = by_image
            .get(&image.node)
            .and_then(|h| caption_text.get(h))
            .map(|lines| lines.join(" "))
            .filter(|c| !c.is_empty());
        if !out.iter().any(|(src, _)| *src == image.src) {
            if in_root(image.node) {
                in_text.push((image.blocks_before, caption.clone()));
            }
            out.push((image.src.clone(), caption));
        }
    }
    (out, in_text)
}

/// What tells a teaser card's picture from the article's: the site, and the blocks the text
/// runs over (the first and the last that gave it a paragraph).
pub(super) struct Teasers<'s, 'u> {
    pub(super) site: &'s OwnSite<'u>,
    pub(super) text_span: Option<(usize, usize)>,
}

impl Teasers<'_, '_> {
    /// Whether a picture with this many blocks before it stands before or after the text.
    fn outside_text(&self, blocks_before: usize) -> bool {
        self.text_span
            .is_none_or(|(first, last)| blocks_before <= first || blocks_before > last)
    }
}

/// Where the link around a picture leads, without its fragment, when that is another page of
/// the site (not a picture file, nor the page itself).
fn teaser_target<'h>(html: &'h Html, image: NodeId, site: &OwnSite<'_>) -> Option<&'h str> {
    let link = html
        .tree
        .get(image)?
        .ancestors()
        .take(4)
        .filter_map(|a| a.value().as_element())
        .find(|e| e.name() == "a")?;
    let href = link.attr("href")?.trim();
    let target = href.split('#').next().unwrap_or_default().trim();
    let lower = target.to_ascii_lowercase();
    let picture = [".jpg", ".jpeg", ".png", ".gif", ".webp"]
        .iter()
        .any(|ext| lower.split('?').next().unwrap_or_default().ends_with(ext));
    (!target.is_empty() && !picture && !site.is_elsewhere(target) && !site.is_this_page(target))
        .then_some(target)
}

/// Characters of a link's text from which it names the page it leads to.
const MIN_TITLE_LINK_CHARS: usize = 15;

/// The targets, without fragments, of the document's links that carry a title's worth of text
/// and no picture (a picture's own link may carry its credit: "vergrößern (Bildquelle: …)").
fn titled_targets(html: &Html) -> std::collections::HashSet<&str> {
    static LINK: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("a[href]").expect("static selector is valid")
    });
    html.select(&LINK)
        .filter(|a| {
            !a.descendants()
                .any(|n| n.value().as_element().is_some_and(|e| e.name() == "img"))
        })
        .filter(|a| {
            a.text()
                .map(|t| t.chars().filter(|c| !c.is_whitespace()).count())
                .sum::<usize>()
                >= MIN_TITLE_LINK_CHARS
        })
        .filter_map(|a| a.value().attr("href"))
        .map(|href| href.trim().split('#').next().unwrap_or_default().trim())
        .filter(|t| !t.is_empty())
        .collect()
}

/// A picture of the site's theme: its buttons and badges ("App_Themes/Default/Images/
/// video2.png" beside a link to a video), never the article's. Read from the source the image
/// shows, not a lazy loader's placeholder (which themes keep in the same place).
fn is_theme_asset(src: &str) -> bool {
    let src = src.to_ascii_lowercase();
    ["/app_themes/", "/wp-content/themes/"]
        .iter()
        .any(|dir| src.contains(dir))
}

/// Below this many pixels on a side, an image is an icon or a spacer.
const MIN_IMAGE_SIDE: u32 = 50;

/// At most this many pixels on both sides, an image is a thumbnail: a teaser's or a card's
/// (24h.com.vn's 75 by 75 "THÔNG TIN DOANH NGHIỆP" under the text), not the article's.
const MAX_THUMBNAIL_SIDE: u32 = 100;

/// Icons, spacers, thumbnails, logos and avatars are not article images.
pub(super) fn is_decoration(html: &Html, node: NodeId) -> bool {
    let Some(el) = html.tree.get(node).and_then(|n| n.value().as_element()) else {
        return true;
    };
    let side = |attr: &str| {
        el.attribute(attr)
            .and_then(|v| v.trim_end_matches("px").trim().parse::<u32>().ok())
    };
    let small = |attr: &str| side(attr).is_some_and(|v| v < MIN_IMAGE_SIDE);
    let thumbnail = side("width").is_some_and(|w| w <= MAX_THUMBNAIL_SIDE)
        && side("height").is_some_and(|h| h <= MAX_THUMBNAIL_SIDE);
    let hints = format!(
        "{} {}",
        crate::dom::class_and_id(el),
        el.attribute("src").unwrap_or("").to_ascii_lowercase()
    );
    small("width")
        || small("height")
        || thumbnail
        || [
            "logo",
            "icon",
            "avatar",
            "spacer",
            "blank.gif",
            "pixel",
            "banner",
        ]
        .iter()
        .any(|w| hints.contains(w))
}

#[cfg(test)]
mod tests {
    use crate::test_pages::*;

    #[test]
    fn a_page_wrapper_named_caption_is_no_caption() {
        // A theme's page wrapper carries "caption" among its classes: the article inside it
        // is still body, and a real caption inside the article is still a caption.
        let paragraphs = numbered_paragraphs(
            4,
            "Sport",
            "la Confédération africaine de football a reporté le championnat en raison de la \
             propagation du coronavirus, et le Togo devait y participer.",
        );
        let html = format!(
            "<html><head><title>Le CHAN n'aura pas lieu</title></head><body>\
             <div class=\"section_id_1 right-column-shift caption\"><div class=\"article\">\
             <h1>Le CHAN n'aura pas lieu</h1><figure><img src=\"/chan.jpg\">\
             <figcaption>Pas d'autre choix</figcaption></figure>{paragraphs}</div></div>\
             </body></html>"
        );
        let record = parsed_article(&html, "https://example.tg/sport/le-chan-n-aura-pas-lieu");
        assert!(record.body.starts_with("Sport 1:"), "{:?}", record.body);
        assert_eq!(
            record.images.first().and_then(|i| i.caption.as_deref()),
            Some("Pas d'autre choix")
        );
    }

    #[test]
    fn a_short_article_beside_its_photo_is_no_caption() {
        // A news agency's brief of three lines under a photo, the whole of an <article>.
        let html = "<html><head><meta property=\"og:type\" content=\"article\">\
                    <title>California certifica voto</title></head><body><article>\
                    <div class=\"cont_foto\"><a href=\"/foto.jpg\"><img src=\"/foto.jpg\"></a>\
                    </div><div class=\"testo_articolo\">WASHINGTON, DEC 5 - La California ha \
                    certificato l'esito del voto dando ufficialmente a Joe Biden oltre i 270 grandi \
                    elettori necessari per essere eletto presidente. (ANSA).</div></article>\
                    </body></html>";
        let record = parsed_article(html, "https://example.it/news/mondo/1265473/california");
        assert!(
            record.body.contains("La California ha certificato"),
            "{:?}",
            record.body
        );
        assert_eq!(
            record.images.first().and_then(|i| i.caption.as_deref()),
            None
        );
    }

    #[test]
    fn thumbnails_and_boxes_of_other_stories_give_no_images() {
        let body = numbered_paragraphs(
            3,
            "Đoạn",
            "học viên đổ xô tới ôn luyện trước kỳ thi công chức tại những ký túc xá tư nhân \
             quanh trường.",
        );
        let html = format!(
            "<html lang=\"vi\"><head><title>Lò luyện thi</title></head><body>\
             <h1>Lò luyện thi</h1><div class=\"content\"><p><img src=\"/anh/lop-hoc.jpg\" \
             width=\"450\" height=\"300\"></p>{body}\
             <div class=\"kbwscwl-relatedbox\"><img src=\"/anh/tin-khac.jpg\">\
             <a href=\"/tin-khac.html\">Chính sách mới có hiệu lực từ tháng 2</a></div>\
             <div class=\"doanhNghiepItem\"><img src=\"/anh/fce-ava.jpg\" width=\"75\" \
             height=\"75\"><a href=\"/fce.html\">Chứng chỉ FCE</a></div></div></body></html>"
        );
        let record = parsed_article(&html, "https://bao.example.vn/lo-luyen-thi-508182.html");
        let images: Vec<&str> = record.images.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(images, ["https://bao.example.vn/anh/lop-hoc.jpg"]);
    }

    #[test]
    fn a_caption_set_as_the_paragraph_under_its_picture_is_the_caption() {
        let body = numbered_paragraphs(
            3,
            "Đoạn",
            "công chức, viên chức sẽ được nghỉ 4 ngày liên tục, từ ngày 29/12/2012 đến hết \
             ngày 1/1/2013 theo lịch của thành phố.",
        );
        let record = |figure: &str| {
            let html = format!(
                "<html lang=\"vi\"><head><title>Chốt lịch nghỉ Tết</title></head><body>\
                 <h1>Chốt lịch nghỉ Tết</h1><div class=\"content\">{body}{figure}\
                 <p>Dịp Tết Âm lịch năm 2013, công chức, viên chức sẽ được nghỉ 9 ngày liên \
                 tục, từ ngày 9/2/2013 đến hết ngày 17/2/2013.</p></div></body></html>"
            );
            parsed_article(
                &html,
                "https://bao.example.vn/chot-lich-nghi-tet-677789.htm",
            )
        };
        let caption = "Hoa đào đem không khí Tết đến mọi nhà";
        let picture = |attrs: &str| format!("<img src=\"/anh/hoa-dao.jpg\" width=\"450\" {attrs}>");
        // Dân trí, 2012: both centred; 24h: in italics; or saying what the picture's alt says.
        for figure in [
            format!(
                "<DIV align=center>{}</DIV><DIV align=center><SPAN>{caption}</SPAN></DIV>",
                picture("")
            ),
            format!(
                "<p style=\"text-align: center\">{}</p><p style=\"text-align: center; \
                 font-style: italic\">{caption}</p>",
                picture("")
            ),
            format!(
                "<p>{}</p><p>{caption}</p>",
                picture(&format!("alt=\"{caption}\""))
            ),
        ] {
            let got = record(&figure);
            assert_eq!(got.images.len(), 1, "{figure}");
            assert_eq!(got.images[0].caption.as_deref(), Some(caption), "{figure}");
            assert!(!got.body.contains(caption), "{figure}");
        }
        // A paragraph under a picture that is set as the text is, or that goes on as the
        // text does on a page centring every paragraph, is the text's.
        for figure in [
            format!("<p>{}</p><p>{caption}</p>", picture("")),
            // A style's alignment wins over the older attribute's.
            format!(
                "<p align=\"center\">{}</p><p style=\"text-align: left;\" align=\"center\">\
                 {caption}</p>",
                picture("")
            ),
            format!(
                "<p align=center>{}</p><p align=center>{caption}</p><p align=center>Mùa xuân \
                 về trên mọi nẻo đường, người người đi chợ hoa.</p>",
                picture("")
            ),
        ] {
            let got = record(&figure);
            assert_eq!(got.images[0].caption, None, "{figure}");
            assert!(got.body.contains(caption), "{figure}");
        }
        // The theme's buttons beside a link to a video are no pictures of the article.
        let got = record(
            "<p><img src=\"/App_Themes/Default/Images/video2.png\"><a href=\"/video.htm\">\
             Video: Chuyện về thị trấn</a></p>",
        );
        assert!(got.images.is_empty(), "{:?}", got.images);
    }

    #[test]
    fn pictures_of_the_teaser_cards_around_the_text_are_not_the_article_s() {
        let paragraph = |n: usize| {
            format!(
                "<p>Đoạn {n}: bạn có thể chia sẻ vị trí của mình với người thân, bạn bè và \
                 ngược lại, ngay trong ứng dụng bản đồ trên điện thoại.</p>"
            )
        };
        let card = |slug: &str, title: &str| {
            format!(
                "<div class=\"item\"><a href=\"/vn/cong-nghe/{slug}.html\"><img \
                 src=\"/anh/{slug}-400x266.jpg\"></a><a href=\"/vn/cong-nghe/{slug}.html\">\
                 {title}</a></div>"
            )
        };
        let html = format!(
            "<html lang=\"vi\"><head><title>Giám sát vị trí</title></head><body>\
             <h1>Giám sát vị trí</h1><p class=\"permalink\"><a \
             href=\"/giam-sat-vi-tri-514378.html\">Giám sát vị trí của trẻ nhỏ</a></p>\
             <div class=\"content\"><p><a href=\"/giam-sat-vi-tri-514378.html#top\"><img \
             src=\"/anh/chinh.jpg\"></a></p>{}\
             <p><a href=\"/anh/ban-do-lon.jpg\"><img src=\"/anh/ban-do.jpg\"></a></p>{}\
             <p><a href=\"/vn/cong-nghe/ung-dung-ban-do.html\"><img src=\"/anh/ung-dung.jpg\">\
             </a></p><p><a href=\"/vn/cong-nghe/ung-dung-ban-do.html\">Ứng dụng bản đồ cho \
             gia đình</a> là một lựa chọn khác cho cha mẹ.</p>{}\
             {}<div class=\"box\"><h3>Không thể bỏ lỡ</h3>{}{}</div></div></body></html>",
            paragraph(1),
            paragraph(2),
            paragraph(3),
            paragraph(4),
            card("tra-loi-cuoc-goi", "Mẹo hay: tự động trả lời cuộc gọi"),
            card("sao-luu-anh", "Sao lưu ảnh nhanh chóng hơn"),
        );
        let record = parsed_article(&html, "https://bao.example.vn/giam-sat-vi-tri-514378.html");
        let images: Vec<&str> = record.images.iter().map(|i| i.url.as_str()).collect();
        // A picture over the text linked to the page itself, one linked to its larger version,
        // one among the paragraphs linked to the page it is about are the article's; the
        // cards' under the text are not.
        assert_eq!(
            images,
            [
                "https://bao.example.vn/anh/chinh.jpg",
                "https://bao.example.vn/anh/ban-do.jpg",
                "https://bao.example.vn/anh/ung-dung.jpg",
            ]
        );
    }
}
