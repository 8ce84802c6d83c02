//! The lead when the body walk found none by name: a site rule's, or a heading of a
//! sentence's length opening the text; either cleaned of the paper's opening credit.

use crate::{boilerplate, content, dom};
use scraper::Html;
use tinstream_model::normalize_text;

/// A lead found outside the body walk (a site rule's, a heading's), cleaned as a found one
/// is: without the "TTO - ", "(Dân trí) - " or agency credit at its start, whose agency the
/// content takes when it has none.
pub(crate) fn without_leading_credit(lead: String, content: &mut content::Content) -> String {
    match boilerplate::leading_credit(&lead) {
        Some((rest, agency)) => {
            if let Some(agency) = agency {
                content.agency.get_or_insert(agency);
            }
            rest
        }
        None => lead,
    }
}

/// The words from which a heading opening the text reads as its lead, ending as a sentence.
const MIN_HEADING_LEAD_WORDS: usize = 15;

/// The most words of a label (a section's name, "Chính trị - Xã hội") over a lead set as a
/// heading.
const MAX_LABEL_WORDS: usize = 6;

/// A lead set as a heading at the top of the text, as older Vietnamese papers set it (Thanh
/// Niên's `<h2 class="ms-rteElement-H2">`, Zing's `<h2 class="pHead">`): the text's first
/// paragraph, or its second under a label of a few words, that is a heading of the page of a
/// sentence's length and ends as a sentence does, with more text after it. Returns the lead
/// and its place: it and what stands over it leave the body.
pub(crate) fn heading_lead(
    html: &Html,
    blocks: &dom::Blocks,
    paragraphs: &[String],
) -> Option<(String, usize)> {
    // The block's own element: a block that long is no heading to the walk
    // (`dom::MAX_HEADING_CHARS`), whatever its element.
    let is_heading = |p: &String| {
        let chars = p.chars().filter(|c| !c.is_whitespace()).count();
        blocks.blocks.iter().any(|b| {
            b.chars == chars
                && html
                    .tree
                    .get(b.node)
                    .and_then(|n| n.value().as_element())
                    .is_some_and(|e| matches!(e.name(), "h2" | "h3" | "h4"))
                && normalize_text(&b.text) == *p
        })
    };
    let is_lead = |p: &String| {
        p.split_whitespace().count() >= MIN_HEADING_LEAD_WORDS
            && p.ends_with(['.', '…'])
            && is_heading(p)
    };
    let is_label = |p: &String| {
        p.split_whitespace().count() <= MAX_LABEL_WORDS && !p.ends_with(['.', '!', '?', ':', '…'])
    };
    let at = match paragraphs {
        [first, _, _, ..] if is_lead(first) => 0,
        [label, second, _, _, ..] if is_label(label) && is_lead(second) => 1,
        _ => return None,
    };
    Some((paragraphs[at].clone(), at))
}

/// How many blocks may stand between the headline and the text: a date line, a lead, a
/// line of sharing buttons.
const MAX_BLOCKS_UNDER_HEADLINE: usize = 5;

/// A lead set as a heading between the headline and the text's element, outside it (Người
/// Lao Động 2012: `<h1>`, the date line, `<h3>(NLĐO) - Cho rằng …</h3>`, then
/// `<div class="content">`): a heading of a sentence's length ending as a sentence, not a
/// link, with the page's `<h1>` a few blocks above it. `starts_at` is the block the text
/// starts at among `blocks`, those the text was found in.
pub(crate) fn heading_over_text(
    html: &Html,
    blocks: &dom::Blocks,
    starts_at: usize,
) -> Option<String> {
    let element = |b: &dom::Block| {
        html.tree
            .get(b.node)
            .and_then(|n| n.value().as_element())
            .map(|e| e.name())
    };
    let above = blocks
        .blocks
        .get(starts_at.saturating_sub(MAX_BLOCKS_UNDER_HEADLINE)..starts_at)?;
    let headline = above.iter().rposition(|b| b.heading == Some(1))?;
    above[headline + 1..].iter().rev().find_map(|b| {
        // Without the links to related stories set under it, each on a line of its own
        // ("<br><a>>> Công chức, viên chức được nghỉ 9 ngày …</a>", Dân trí 2012).
        let mut lines: Vec<&str> = b
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        while lines.len() > 1 && lines.last().is_some_and(|l| l.starts_with(['>', '»'])) {
            lines.pop();
        }
        let text = normalize_text(&lines.join(" "));
        let reads_as_lead = matches!(element(b), Some("h2" | "h3" | "h4"))
            && b.link_density() < 0.5
            && text.split_whitespace().count() >= MIN_HEADING_LEAD_WORDS
            && text.ends_with(['.', '…']);
        reads_as_lead.then_some(text)
    })
}

#[cfg(test)]
mod tests {
    use crate::test_pages::*;

    #[test]
    fn a_lead_set_as_a_heading_over_the_text_is_the_lead() {
        let body = numbered_paragraphs(
            3,
            "Đoạn",
            "theo cáo trạng, công an thành phố đã bắt quả tang các bị cáo đang mua bán trái \
             phép chất ma túy tại một quán cà phê.",
        );
        let record = |top: &str| {
            let html = format!(
                "<html lang=\"vi\"><head><title>Năm bị cáo lãnh án</title></head><body>\
                 <h1>Năm bị cáo lãnh án</h1><div class=\"content\">{top}{body}</div>\
                 </body></html>"
            );
            parsed_article(
                &html,
                "https://bao.example.vn/nam-bi-cao-lanh-an-4412345.html",
            )
        };
        let lead = "Tòa án nhân dân thành phố hôm qua xét xử sơ thẩm và tuyên phạt năm bị cáo \
                    tổng cộng 40 năm tù về tội mua bán trái phép chất ma túy.";
        // Under the section's name, as Thanh Niên set it.
        let heading = record(&format!(
            "<span class=\"categories\">Chính trị - Xã hội</span><h2>{lead}</h2>"
        ));
        assert_eq!(heading.lead.as_deref(), Some(lead));
        assert!(heading.body.starts_with("Đoạn 1:"), "{}", heading.body);
        // A heading that is a heading (short, or not ending as a sentence) stays in the text.
        let question = "Vì sao các bị cáo lại chọn quán cà phê này làm nơi mua bán trong \
                        suốt nhiều tháng liền mà không bị phát hiện?";
        let kept = record(&format!("<h2>{question}</h2>"));
        assert_eq!(kept.lead, None);
        assert!(kept.body.starts_with(question), "{}", kept.body);
    }

    #[test]
    fn a_lead_set_as_a_heading_between_the_headline_and_the_text_is_the_lead() {
        let body = numbered_paragraphs(
            3,
            "Đoạn",
            "tòa phúc thẩm đã tuyên bác kháng cáo, y án mười tám năm tù giam đối với bị cáo về \
             tội giết người.",
        );
        let lead = "Cho rằng chủ hụi mách mẹ vợ chuyện mình thiếu nợ, bị cáo đã xách dao đi nói \
                    chuyện khiến một người vô can chết oan...";
        let record = |top: &str| {
            let html = format!(
                "<html lang=\"vi\"><head><title>Thiếu tiền hụi</title></head><body>\
                 {top}<div class=\"content\">{body}</div></body></html>"
            );
            parsed_article(&html, "https://bao.example.vn/thieu-tien-hui-20121226.htm")
        };
        // Người Lao Động 2012: the headline, the date line, the lead with the paper's tag,
        // then the text's element.
        let under_headline = record(&format!(
            "<h1>Thiếu tiền hụi</h1><p class=\"time\">Thứ Tư, 26/12/2012 17:14</p>\
             <h3>(NLĐO) - {lead}</h3>"
        ));
        assert_eq!(under_headline.lead.as_deref(), Some(lead));
        assert!(under_headline.body.starts_with("Đoạn 1:"));
        // Dân trí 2012: a link to a related story on a line of its own under the lead.
        let with_link = record(&format!(
            "<h1>Thiếu tiền hụi</h1><h2>(Dân trí) - {lead}<br><a href=\"/xa-hoi/vu-an-666258.htm\">\
             <b> >> Những vụ án vì nợ hụi</b></a></h2>"
        ));
        assert_eq!(with_link.lead.as_deref(), Some(lead));
        assert!(
            !with_link.body.contains("Những vụ án"),
            "{}",
            with_link.body
        );
        // With no headline above it, a sentence set as a heading is the site's (a tagline);
        // a heading that is no sentence is a label.
        let no_headline = record(&format!("<h3>{lead}</h3>"));
        assert_eq!(no_headline.lead, None);
        let label = record("<h1>Thiếu tiền hụi</h1><h3>Pháp luật - Tin nhanh</h3>");
        assert_eq!(label.lead, None);
    }
}
