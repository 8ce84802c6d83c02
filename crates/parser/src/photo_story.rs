//! A photo story: a page that tells itself in its pictures' captions, with next to no text of
//! its own (Ngôi Sao's thirteen pictures of a beauty queen and a line of credits; 24h's photo
//! report under a one-paragraph introduction). Its text is those captions, in the pictures'
//! order, with the page's own lines where they stand.

use crate::content::Content;
use crate::verdict::MIN_ARTICLE_CHARS;

/// Captioned pictures from which a page with next to no text of its own is a photo story.
const MIN_CAPTIONS: usize = 3;

/// The text of a photo story, or `None` when the page is not one: its own text (`paragraphs`)
/// is shorter than an article's, at least [`MIN_CAPTIONS`] pictures inside the text's element
/// carry a caption, more than half of them do (a page with a box of captioned teasers beside
/// a few lines of text, a readers' photo page, is not a story told in captions), and the
/// captions are an article's length. The page's own lines go after the captions when the text
/// starts after the last captioned picture (the credits under a gallery), before them
/// otherwise (an introduction). A caption given twice (a header's thumbnail repeating a
/// picture of the story) is read once, at its last place.
pub(crate) fn told_in_captions(content: &Content, paragraphs: &[String]) -> Option<Vec<String>> {
    let own_chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();
    if own_chars >= MIN_ARTICLE_CHARS {
        return None;
    }
    let pictures = &content.pictures_in_text;
    // Each caption at its last place: a header's thumbnail comes before the picture it
    // repeats.
    let all: Vec<&String> = pictures.iter().filter_map(|(_, c)| c.as_ref()).collect();
    let captions: Vec<String> = all
        .iter()
        .enumerate()
        .filter(|(i, c)| !all[i + 1..].contains(c))
        .map(|(_, c)| (*c).clone())
        .collect();
    let captioned = pictures.iter().filter(|(_, c)| c.is_some()).count();
    let caption_chars: usize = captions.iter().map(|c| c.chars().count()).sum();
    if captions.len() < MIN_CAPTIONS || captioned * 2 <= pictures.len() {
        return None;
    }
    if caption_chars < MIN_ARTICLE_CHARS {
        return None;
    }
    let last_captioned = pictures
        .iter()
        .rev()
        .find(|(_, c)| c.is_some())
        .map(|(at, _)| *at)?;
    let introduced = content
        .text_starts_at
        .is_some_and(|start| start < last_captioned);
    let own = paragraphs.iter().cloned();
    Some(if introduced {
        own.chain(captions).collect()
    } else {
        captions.into_iter().chain(own).collect()
    })
}

#[cfg(test)]
mod tests {
    /// A page of `captioned` pictures with captions, `intro` before them and a line of its
    /// own under them.
    fn story(captioned: usize, intro: &str) -> crate::Analysis {
        let captions = [
            "Nhiều người không thể nhận ra người đẹp Angola lúc cô bước lên sân khấu trao lại \
             vương miện cho tân Hoa hậu, tối 19/12.",
            "Hình ảnh mới của cô rất khác so với những đêm trước đó, với mái tóc vừa cắt ngắn.",
            "Năm ngoái, cô từng gây bất ngờ khi đăng quang, vượt qua rất nhiều nhan sắc khác.",
            "Cô xinh tươi xuất hiện trong buổi đấu giá tranh từ thiện của cuộc thi năm nay.",
        ];
        let figures: String = captions
            .iter()
            .take(captioned)
            .enumerate()
            .map(|(i, c)| {
                format!("<figure><img src=\"/anh/{i}.jpg\"><figcaption>{c}</figcaption></figure>")
            })
            .collect();
        let html = format!(
            "<html lang=\"vi\"><head><title>Hoa hậu gây sốc</title></head><body>\
             <h1>Hoa hậu gây sốc</h1><div class=\"content\">{intro}{figures}\
             <p>Cuộc thi năm nay có 89 thí sinh.</p></div></body></html>"
        );
        crate::Parser::default()
            .analyze(crate::Page {
                bytes: html.as_bytes(),
                url: &url::Url::parse("https://bao.example.vn/hoa-hau-gay-soc-3b9e.html")
                    .expect("static URL is valid"),
                http_charset: None,
                fetched_at: "2012-12-21T00:00:00Z"
                    .parse()
                    .expect("static time is valid"),
            })
            .expect("the page parses")
    }

    #[test]
    fn a_photo_story_s_text_is_its_captions() {
        // The page's lines under the gallery close the text; an introduction opens it.
        let gallery = story(4, "");
        assert!(gallery.is_article, "{}", gallery.verdict);
        let paragraphs: Vec<&str> = gallery.record.body.split("\n\n").collect();
        assert!(
            paragraphs[0].starts_with("Nhiều người không thể nhận ra"),
            "{paragraphs:?}"
        );
        assert_eq!(paragraphs.last(), Some(&"Cuộc thi năm nay có 89 thí sinh."));
        let introduced = story(4, "<p>Leila Lopes trong đêm chung kết năm nay.</p>");
        assert!(
            introduced
                .record
                .body
                .starts_with("Leila Lopes trong đêm chung kết"),
            "{}",
            introduced.record.body
        );
        assert!(introduced.record.body.contains("Cô xinh tươi xuất hiện"));
        // Two captions are a page's pictures, not a story told in them. (Most pictures must
        // say something too: `tests/verdict.rs` holds a readers' photo page whose column of
        // captioned teasers beside a few lines of text stays refused.)
        let pictures = story(2, "");
        assert!(!pictures.is_article, "{}", pictures.record.body);
    }
}
