//! The title: the page's headline, agreed between its `<h1>`, its declared titles and its
//! site's name, which is cut off.

use crate::authors::*;
use crate::meta;
use tinstream_model::normalize_text;

/// The headline: the page's `<h1>` when it agrees with the declared titles, else the declared
/// title with the site's name cut off.
pub(crate) fn title(meta: &meta::Meta, site_name: Option<&str>, host: &str) -> Option<String> {
    chosen(meta, site_name, host).map(|t| cut_label(&t).to_string())
}

/// Words a headline must have before a `" | "` for what follows to be cut as its label.
pub(crate) const MIN_LABELLED_HEADLINE_WORDS: usize = 3;

/// A headline followed by `" | "` and something no longer than itself: the bar sets a label
/// beside the headline, never inside it ("How We Paid Off $113k in 28 Months | Our Debt-Free
/// Journey", "My Debt-Free Journey | Part 1", "… physical health | Opinion", "… iOS 13 ? |
/// iPhone | Forum"). The label is a series, a section or a site the other rules did not know.
pub(crate) fn cut_label(title: &str) -> &str {
    match title.split_once(" | ") {
        Some((head, tail))
            if head.split_whitespace().count() >= MIN_LABELLED_HEADLINE_WORDS
                && head.chars().count() >= tail.chars().count() =>
        {
            head.trim()
        }
        _ => title,
    }
}

/// The headline before its label is cut ([`cut_label`]).
fn chosen(meta: &meta::Meta, site_name: Option<&str>, host: &str) -> Option<String> {
    let declared: Vec<String> = [
        meta.ld.headline.clone(),
        meta.microdata_headline.clone(),
        meta.tag(&["og:title", "twitter:title"]).map(str::to_string),
        meta.html_title.clone(),
    ]
    .into_iter()
    .flatten()
    // Declared titles are often escaped twice ("Full &#038; Part Time"): decode what is left.
    .map(|t| normalize_text(&html_escape::decode_html_entities(&t)))
    .filter(|t| !t.is_empty())
    .collect();
    let key = title_key;
    // The site's name: declared, or what the declared titles carry after their headline
    // ("A Beginner’s Guide to Skincare – The Southerner"). An <h1> holding it is a logo.
    let site_keys: Vec<String> = site_name
        .map(key)
        .into_iter()
        .chain(
            declared
                .iter()
                .filter_map(|d| split_site_name(d, site_name, host).1.map(key)),
        )
        .collect();
    let h1s: Vec<String> = meta
        .h1
        .iter()
        // Titles escaped twice in the markup ("Python, SQL &#x26; AI") are decoded.
        .map(|h| normalize_text(&html_escape::decode_html_entities(h)))
        .filter(|h| !site_keys.contains(&key(h)))
        .collect();
    // An <h1> the declared titles contain is the headline without the site's name.
    for h1 in &h1s {
        let k = key(h1);
        if k.chars().count() >= 5 && declared.iter().any(|d| key(d).contains(&k)) {
            return Some(split_site_name_by(h1, site_name, host, false).0.to_string());
        }
    }
    // A declared title the page also shows as a heading is its headline, seen and declared:
    // the <h1> that differs from it is then a blog's or a section's name over the post
    // ("Stephen Bay's Photography Blog" over "<h2>My Creative Process for Landscape
    // Photography"), or a label.
    let declared_keys: Vec<String> = declared
        .iter()
        .flat_map(|d| [key(d), key(&strip_site_suffix(d, site_name, host))])
        .collect();
    let shown = meta
        .subheadings
        .iter()
        .map(|h| normalize_text(&html_escape::decode_html_entities(h)))
        .find(|h| {
            h.split_whitespace().count() >= MIN_LABELLED_HEADLINE_WORDS
                && declared_keys.contains(&key(h))
        });
    if shown.is_some() {
        return shown;
    }
    // Otherwise the visible headline wins over what the page declares for sharing (often a
    // reworded teaser): the first <h1> that reads like a headline, not a logo or site name.
    // A headline that names the site after itself ("… 2025 – Artlyst") is cut there.
    let headlines: Vec<&String> = h1s
        .iter()
        .filter(|h| {
            h.split_whitespace().count() >= 3
                && h.chars().count() <= 300
                // "A message from John Furrier, co-founder of SiliconANGLE:": a label over
                // something else.
                && !h.ends_with(':')
                && (declared.is_empty() || sentence_breaks(h) < PARAGRAPH_SENTENCE_BREAKS)
        })
        .collect();
    let headline = headlines
        .first()
        .map(|h| split_site_name_by(h, site_name, host, false).0.to_string());
    headline
        .or_else(|| {
            let first = strip_site_suffix(declared.first()?, site_name, host);
            // A headline cut at a length limit (JSON-LD's headline is often cut at 110
            // characters, mid-phrase) is read whole from a declared title that continues it.
            // A shorter one that another continues is a headline of its own, reworded for
            // sharing: only one as long as such a limit, or ending in an ellipsis, was cut.
            let stem = first.trim_end_matches(['…', '.']).trim_end();
            let cut = first.chars().count() >= CUT_HEADLINE_CHARS || stem.len() < first.len();
            let stem_key = key(stem);
            let whole = declared[1..]
                .iter()
                .map(|t| strip_site_suffix(t, site_name, host))
                .filter(|t| {
                    let k = key(t);
                    cut && k.len() > stem_key.len() && k.starts_with(&stem_key)
                })
                .max_by_key(|t| t.len());
            Some(whole.unwrap_or(first))
        })
        .or_else(|| meta.h1.first().map(|h| normalize_text(h)))
}

/// A declared headline this long may have been cut at a length limit (JSON-LD's is often cut
/// at 110 characters).
pub(crate) const CUT_HEADLINE_CHARS: usize = 100;

/// Sentence breaks from which an `<h1>` reads as a paragraph (a standfirst set in the headline's
/// place: "Learn which … (return on investment)? Get expert tips … ROI. We'll help you …"),
/// not a headline, when the page declares a title.
pub(crate) const PARAGRAPH_SENTENCE_BREAKS: usize = 2;

/// The sentence breaks inside a text: a full stop, question or exclamation mark, a space,
/// then a capital letter.
pub(crate) fn sentence_breaks(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(3)
        .filter(|w| matches!(w[0], '.' | '?' | '!') && w[1] == ' ' && w[2].is_uppercase())
        .count()
}

/// Titles compared without case or spacing differences.
pub(crate) fn title_key(s: &str) -> String {
    normalize_text(s).to_lowercase()
}

/// Older portals have no `<h1>`: they set the headline in an `<h2>`-`<h4>` at the top of the
/// content and give every page the same `<title>` ("Sở Y tế - Tin tức"). When the body found
/// opens with such a heading and the title taken from the metadata is not it, the heading is
/// the title (and leaves the body). Only pages whose one declared title is `<title>` qualify.
pub(crate) fn portal_headline(
    meta: &meta::Meta,
    title: &str,
    paragraphs: &[String],
) -> Option<String> {
    // Pages that declare a headline for sharing (Open Graph, JSON-LD) are not of that kind.
    let declares_headline =
        meta.ld.headline.is_some() || meta.tag(&["og:title", "twitter:title"]).is_some();
    if declares_headline || !meta.h1.is_empty() {
        return None;
    }
    let first = paragraphs.first()?;
    let words = first.split_whitespace().count();
    let is_heading = meta.subheadings.iter().any(|h| normalize_text(h) == *first);
    let (heading, declared) = (title_key(first), title_key(title));
    let agrees = declared.contains(&heading) || heading.contains(&declared);
    // A heading that ends as a sentence ends is a lead set in bold, not a headline.
    let sentence = first.ends_with('.') && !first.ends_with("...");
    // The title may be the heading with the page's section or site after it ("Những người
    // khổ hạnh vì bớt lạ - Ảnh | Trang thông tin …" over the heading "Những người khổ hạnh vì
    // bớt lạ"): the heading is the headline then too.
    let labelled = declared.strip_prefix(&heading).is_some_and(|rest| {
        [" - ", " – ", " — ", " | "]
            .iter()
            .any(|sep| rest.starts_with(sep))
    });
    (is_heading
        && (5..=40).contains(&words)
        && (!agrees || labelled)
        && !sentence
        && paragraphs.len() > 1)
        .then(|| first.clone())
}

/// Cuts " - VnExpress", " | Báo Tin tức" and similar from a title, and the "Blog Archive » "
/// that WordPress's classic themes set between the site's name and the post's.
pub(crate) fn strip_site_suffix(title: &str, site_name: Option<&str>, host: &str) -> String {
    let headline = split_site_name(title, site_name, host).0;
    ["Blog Archive » ", "Blog Archiv » "]
        .iter()
        .find_map(|crumb| headline.strip_prefix(crumb))
        .filter(|rest| !rest.trim().is_empty())
        .unwrap_or(headline)
        .to_string()
}

/// A declared title split into its headline and the site's name beside it, if any: after it
/// ("Giá xăng giảm mạnh - VnExpress", "Kinder und Arbeit » ProNATs e.V.", "der Schreibstil -
/// chadim.net", "Was ist Freie Software - MyOOS Community Forum" on myoos.de) or, when named
/// exactly or as a domain, before it ("mediaarchitecture.de // Jens Weber").
pub(crate) fn split_site_name<'a>(
    title: &'a str,
    site_name: Option<&str>,
    host: &str,
) -> (&'a str, Option<&'a str>) {
    split_site_name_by(title, site_name, host, true)
}

/// [`split_site_name`], where `by_length` also takes a short part after a long headline for
/// the site's name (right for declared titles, which carry one more often than not; a
/// visible headline is cut only where the site is named).
pub(crate) fn split_site_name_by<'a>(
    title: &'a str,
    site_name: Option<&str>,
    host: &str,
    by_length: bool,
) -> (&'a str, Option<&'a str>) {
    const SEPARATORS: [&str; 9] = [
        " | ", " - ", " – ", " — ", " :: ", " » ", " // ", " · ", " • ",
    ];
    static DOMAIN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$")
            .expect("static regex is valid")
    });
    let named = |part: &str| {
        site_name.is_some_and(|s| part.eq_ignore_ascii_case(s.trim())) || DOMAIN.is_match(part)
    };
    // After the headline, a part holding the host's name is the site's ("ProNATs e.V." on
    // pronats.de); before it, such a part is as often the headline's own subject
    // ("Gardening in a Warming World" on gardening.cals.cornell.edu).
    let host_key = host_key(host);
    let named_after = |part: &str| {
        named(part)
            || host_key.chars().count() >= MIN_TITLE_HOST_KEY
                && part.chars().count() <= MAX_SITE_NAME_CHARS
                && name_key(part).contains(&host_key)
    };
    // " : " separates a subtitle as often as a site's name (French sets it so): only a part
    // that names the site is cut there ("Muffin Grundrezept : Muffin Rezepte").
    if let Some(pos) = title.rfind(" : ") {
        let (head, tail) = (title[..pos].trim(), title[pos + 3..].trim());
        if named_after(tail) && !head.is_empty() {
            return (head, Some(tail));
        }
    }
    for sep in SEPARATORS {
        if let Some(pos) = title.rfind(sep) {
            let (head, tail) = (title[..pos].trim(), title[pos + sep.len()..].trim());
            let tail_is_site = named_after(tail)
                || by_length
                    && tail.chars().count() <= 30
                    && head.chars().count() > tail.chars().count() * 2;
            if tail_is_site && !head.is_empty() {
                return (head, Some(tail));
            }
        }
        if let Some(pos) = title.find(sep) {
            let (head, tail) = (title[..pos].trim(), title[pos + sep.len()..].trim());
            if named(head) && !tail.is_empty() {
                return (tail, Some(head));
            }
        }
    }
    (title, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pages::*;

    #[test]
    fn site_suffixes_are_cut_from_titles() {
        // WordPress's classic "Site » Blog Archive » Post".
        assert_eq!(
            strip_site_suffix(
                "disfunctions.de » Blog Archiv » Podcasts in Plex einbinden",
                None,
                "disfunctions.de"
            ),
            "Podcasts in Plex einbinden"
        );
        assert_eq!(
            strip_site_suffix("Giá xăng giảm mạnh - VnExpress", Some("VnExpress"), ""),
            "Giá xăng giảm mạnh"
        );
        assert_eq!(
            strip_site_suffix("Hà Nội khởi công cầu mới | Báo Tin tức", None, ""),
            "Hà Nội khởi công cầu mới"
        );
        assert_eq!(
            strip_site_suffix("Covid-19 - một năm nhìn lại", None, ""),
            "Covid-19 - một năm nhìn lại"
        );
        // Other separators; a domain as the site's name, after the headline or before it.
        assert_eq!(
            strip_site_suffix("Kinder und Arbeit » ProNATs e.V.", Some("ProNATs e.V."), ""),
            "Kinder und Arbeit"
        );
        assert_eq!(
            strip_site_suffix("der Schreibstil - chadim.net", None, ""),
            "der Schreibstil"
        );
        assert_eq!(
            strip_site_suffix("mediaarchitecture.de // Jens Weber", None, ""),
            "Jens Weber"
        );
        assert_eq!(
            strip_site_suffix(
                "Gregory Szorc's Digital Home | Mercurial's Journey",
                Some("Gregory Szorc's Digital Home"),
                ""
            ),
            "Mercurial's Journey"
        );
        // A headline's own dash before a short word stays.
        assert_eq!(
            strip_site_suffix("Klimaschutz - Bohren, bis es heiß wird", None, ""),
            "Klimaschutz - Bohren, bis es heiß wird"
        );
        // A part after the headline that holds the host's name is the site's, after " : "
        // too; a French subtitle after " : " stays.
        assert_eq!(
            strip_site_suffix(
                "Was ist Freie Software - MyOOS Community Forum",
                None,
                "foren.myoos.de"
            ),
            "Was ist Freie Software"
        );
        assert_eq!(
            strip_site_suffix(
                "Muffin Grundrezept : Muffin Rezepte",
                None,
                "www.muffinrezept.net"
            ),
            "Muffin Grundrezept"
        );
        assert_eq!(
            strip_site_suffix("Retraites : le gouvernement recule", None, "www.lemonde.fr"),
            "Retraites : le gouvernement recule"
        );
        // Before the headline, the host's name may be the headline's subject.
        let cornell = "Gardening in a Warming World | Cornell Garden-Based Learning";
        assert_eq!(
            split_site_name(cornell, None, "gardening.cals.cornell.edu").0,
            cornell
        );
    }

    #[test]
    fn an_old_portal_s_heading_is_its_headline_unless_it_reads_as_a_sentence() {
        let paragraphs = numbered_paragraphs(
            4,
            "Đoạn",
            "Sở Y tế tỉnh đã tổ chức hội nghị triển khai kế hoạch tiêm chủng mở rộng cho trẻ \
             em dưới năm tuổi tại các trạm y tế xã, phường trên địa bàn.",
        );
        let title = |heading: &str| {
            let html = format!(
                "<html><head><title>Sở Y tế - Tin tức</title></head><body>\
                 <div class=\"content\"><h3>{heading}</h3>{paragraphs}</div></body></html>"
            );
            parsed_article(&html, "https://soyte.example.gov.vn/tin-tuc/123").title
        };
        assert_eq!(
            title("Triển khai kế hoạch tiêm chủng mở rộng năm 2024"),
            "Triển khai kế hoạch tiêm chủng mở rộng năm 2024"
        );
        // A heading that ends as a sentence is a lead set in bold.
        assert_eq!(
            title("Sở Y tế vừa triển khai kế hoạch tiêm chủng mở rộng cho năm 2024."),
            "Sở Y tế - Tin tức"
        );
        // A <title> that is the heading with the section and the site after it: the heading,
        // which leaves the body.
        let html = format!(
            "<html><head><title>Những người khổ hạnh vì bớt lạ - Ảnh | Trang thông tin dành \
             cho giới trẻ</title></head><body><div class=\"content\"><h3>Những người khổ \
             hạnh vì bớt lạ</h3>{paragraphs}</div></body></html>"
        );
        let record = parsed_article(&html, "https://soyte.example.gov.vn/tin-tuc/124");
        assert_eq!(record.title, "Những người khổ hạnh vì bớt lạ");
        assert!(record.body.starts_with("Đoạn 1:"), "{}", record.body);
    }

    #[test]
    fn an_h1_of_several_sentences_is_a_standfirst_not_the_headline() {
        let paragraphs = numbered_paragraphs(
            3,
            "Paragraph",
            "a kitchen remodel returns less than a new garage door, and the figures below show \
             what each project costs and adds to a home's value.",
        );
        let title_of = |heading: &str| {
            let html = format!(
                "<html><head><title>The 10 Best Home Improvement ROI Projects | RenoFi</title>\
                 </head><body>{heading}<div class=\"story\">{paragraphs}</div></body></html>"
            );
            parsed_article(&html, "https://example.com/learn/roi/").title
        };
        let title = |h1: &str| title_of(&format!("<h1>{h1}</h1>"));
        assert_eq!(
            title(
                "Learn which home renovations have the best ROI? Get expert tips on how to \
                 calculate it. We'll help you learn what a project adds."
            ),
            "The 10 Best Home Improvement ROI Projects"
        );
        // One break is a headline with a subtitle, and stays.
        assert_eq!(
            title("What Tutoring Is Not. Choosing a Good, Effective Tutor"),
            "What Tutoring Is Not. Choosing a Good, Effective Tutor"
        );
        // A heading of the text that links to itself (as Markdown renderers set them), and a
        // label ending in a colon, are not the headline either.
        let anchored = "<a class=\"anchor\" href=\"#what-they-love\" aria-hidden=\"true\"></a>\
                        What they love is the sense of empowerment";
        assert_eq!(
            title_of(&format!("<h1 id=\"what-they-love\">{anchored}</h1>")),
            "The 10 Best Home Improvement ROI Projects"
        );
        // The same heading with no id of its own is the headline.
        assert_eq!(
            title_of(&format!("<h1>{anchored}</h1>")),
            "What they love is the sense of empowerment"
        );
        assert_eq!(
            title("A message from the co-founder of RenoFi:"),
            "The 10 Best Home Improvement ROI Projects"
        );
        // An abbreviation before a name counts too ("Dr. Smith"): one break is allowed.
        assert_eq!(
            sentence_breaks("Dr. Smith went home. He slept. Then? Nothing"),
            4
        );
        assert_eq!(sentence_breaks("Dr. Smith Goes Home"), 1);
    }

    #[test]
    fn a_logo_or_site_name_in_an_h1_is_not_the_headline() {
        let paragraphs = numbered_paragraphs(
            3,
            "Paragraph",
            "a calm routine in the morning helps more than any new product, and sleep, water \
             and sunscreen do most of the work for skin.",
        );
        let title = |head: &str, top: &str| {
            let html = format!(
                "<html><head>{head}</head><body>{top}<div class=\"story\">{paragraphs}</div>\
                 </body></html>"
            );
            parsed_article(&html, "https://example.com/skincare-guide/").title
        };
        let declared = "<title>A Beginner’s Guide to Skincare – The Southerner</title>";
        // The site's name as an <h1>: plain, as the declared title's suffix.
        assert_eq!(
            title(declared, "<h1>The Southerner</h1>"),
            "A Beginner’s Guide to Skincare"
        );
        // A logo linking home, or an <h1> named as the site's title or logo.
        let og = "<meta property=\"og:title\" content=\"Yoga Won’t Fix the Plumbing\">";
        for logo in [
            "<h1><a href=\"https://example.com\" rel=\"home\">Yoga Pathways for Everyone</a></h1>",
            "<h1 class=\"wp-block-site-title\">Yoga Pathways for Everyone</h1>",
            "<h1 id=\"gt-logo\">Georgia Institute of Technology</h1>",
            // A whole address naming no path is the home page too.
            "<h1><a href=\"https://yoga.example/\" accesskey=\"1\">Yoga Pathways for Everyone</a></h1>",
        ] {
            assert_eq!(title(og, logo), "Yoga Won’t Fix the Plumbing", "{logo}");
        }
        // The logo names the site, whose name the declared title then carries.
        assert_eq!(
            title(
                "<title>Rinderleber-Geschnetzeltes mit Apfel und Zwiebel | Liebe geht durch den \
                 Magen</title>",
                "<h1><a href=\"https://example.com/\">Liebe geht durch den Magen</a></h1>"
            ),
            "Rinderleber-Geschnetzeltes mit Apfel und Zwiebel"
        );
        // A link to a page of the site is the headline's own.
        assert_eq!(
            title(
                og,
                "<h1><a href=\"https://example.com/skincare-guide/\">Yoga Pathways for Everyone</a></h1>"
            ),
            "Yoga Pathways for Everyone"
        );
        // A kicker above the headline, inside the <h1>, is not part of it.
        for h1 in [
            "<h1><span class=\"dachzeile\">Hautpflege</span> <span class=\"headline\">\
             Yoga Won’t Fix the Plumbing</span></h1>",
            "<h1><span class=\"article-heading__kicker\">Hautpflege</span>\
             <span class=\"visually-hidden\">: </span><span>Yoga Won’t Fix the Plumbing</span></h1>",
        ] {
            assert_eq!(title(og, h1), "Yoga Won’t Fix the Plumbing", "{h1}");
        }
        // Nor is the post's date that a blog puts inside its <h1>.
        assert_eq!(
            title(
                og,
                "<h1><a href=\"/blog/plumbing.html\" rel=\"bookmark\"><time datetime=\"2025-12-18\">\
                 Dec <span>18</span> 2025</time> Yoga Won’t Fix the Plumbing</a></h1>"
            ),
            "Yoga Won’t Fix the Plumbing"
        );
        // The headline itself still wins, its entities decoded when escaped twice.
        assert_eq!(
            title(og, "<h1>Python, SQL &amp;#x26; AI for everyone</h1>"),
            "Python, SQL & AI for everyone"
        );
    }

    #[test]
    fn a_declared_title_the_page_shows_as_a_heading_is_the_headline() {
        let paragraphs = numbered_paragraphs(
            3,
            "Paragraph",
            "scouting a place in every light and season comes first, long before the camera \
             is set up, and most of the work is walking.",
        );
        let title = |head: &str, top: &str| {
            let html = format!(
                "<html><head>{head}</head><body>{top}<div class=\"story\">{paragraphs}</div>\
                 </body></html>"
            );
            parsed_article(&html, "https://example.com/blog/creative-process/").title
        };
        let og = "<meta property=\"og:title\" content=\"My Creative Process for Landscape \
                  Photography\">";
        // A blog's <h1>s are its sections; the post's title is the <h2> that repeats the
        // declared one.
        let post = "<h1>Process #1 - Scouting and Exploration</h1>\
                    <h2 class=\"blog-post-title\">My Creative Process for Landscape Photography</h2>";
        assert_eq!(
            title(og, post),
            "My Creative Process for Landscape Photography"
        );
        // Without it, the <h1> stays the headline, as the visible one.
        assert_eq!(
            title(
                og,
                "<h1>Process #1 - Scouting and Exploration</h1><h2>Planning</h2>"
            ),
            "Process #1 - Scouting and Exploration"
        );
        // A heading that only shares words with the declared title is not it.
        assert_eq!(
            title(
                og,
                "<h1>Process #1 - Scouting and Exploration</h1><h2>Landscape Photography</h2>"
            ),
            "Process #1 - Scouting and Exploration"
        );
        // A microdata headline is declared as Open Graph's is: it is read beside a
        // <title> that carries the site's names before the headline.
        let microdata = "<h1>Pulse!</h1><h2 itemprop=\"headline\"> The Five Best \
                         Noise-Canceling Headphones (According to Me) </h2>";
        let named = "<title>SoundStage! Xperience | SoundStageXperience.com - The Five Best \
                     Noise-Canceling Headphones (According to Me)</title>";
        assert_eq!(
            title(named, microdata),
            "The Five Best Noise-Canceling Headphones (According to Me)"
        );
        // ... as the <meta> a template sets beside it, whose text has the post's day too.
        assert_eq!(
            title(
                "<title>BeFifty - Der Blog für Frauen über 40</title>",
                "<meta itemprop=\"headline\" content=\"Das schönste Ende der Welt: Montauk\">\
                 <h2 itemprop=\"headline\"><time>Jun 17</time> Das schönste Ende der Welt: \
                 Montauk</h2>"
            ),
            "Das schönste Ende der Welt: Montauk"
        );
        // A listing's cards each carry a headline: none of them is the page's.
        let cards = title(
            named,
            "<h1>Pulse!</h1><h2 itemprop=\"headline\">First Story of the Week</h2>\
             <h2 itemprop=\"headline\">Second Story of the Week</h2>",
        );
        assert!(!cards.contains("Story of the Week"), "{cards}");
    }

    #[test]
    fn a_declared_headline_cut_at_a_length_limit_is_read_whole() {
        let paragraphs: String = (1..=3)
            .map(|n| {
                format!(
                    "<p>Paragraph {n}: four readers sent photos of their living rooms, and each                      got a plan for the sofa, the rug and the light that suits the room.</p>"
                )
            })
            .collect();
        let page = |headline: &str, title: &str| {
            let html = format!(
                "<html><head><title>{title} - Studio Journal</title>\
                 <script type=\"application/ld+json\">{{\"@type\":\"BlogPosting\",\
                 \"headline\":\"{headline}\"}}</script></head>\
                 <body><div class=\"story\">{paragraphs}</div></body></html>"
            );
            parsed_article(&html, "https://example.com/fix-it-friday/").title
        };
        let whole = "Fix It Friday: Struggling With How To Arrange Your Living Room? We Help 4 \
                     Readers Find Solutions (Including One Universal Trick That Works)";
        // JSON-LD's headline cut at 110 characters, mid-phrase: the <title> gives it whole.
        let cut: String = whole.chars().take(110).collect();
        assert_eq!(page(cut.trim_end(), whole), whole);
        // ... and one cut with an ellipsis.
        assert_eq!(
            page("Fix It Friday: Struggling With How To Arrange…", whole),
            whole
        );
        // A short headline that the <title> continues is a headline of its own.
        assert_eq!(
            page("Fix It Friday", "Fix It Friday: Four Living Rooms"),
            "Fix It Friday"
        );
    }

    #[test]
    fn titles_escaped_twice_are_decoded() {
        let paragraphs: String = (1..=3)
            .map(|n| {
                format!(
                    "<p>Paragraph {n}: the rankings compare full-time and part-time programmes \
                     by cost, salary after graduation and the share of students who finish.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>x</title>\
             <meta property=\"og:title\" content=\"MBA Rankings: Full &amp;#038; Part Time for Tomorrow&amp;#8217;s Leaders\">\
             </head><body><div class=\"story\">{paragraphs}</div></body></html>"
        );
        let record = parsed_article(&html, "https://example.com/mba-rankings/");
        assert_eq!(
            record.title,
            "MBA Rankings: Full & Part Time for Tomorrow’s Leaders"
        );
    }

    #[test]
    fn a_heading_of_the_navigation_is_not_the_title() {
        // An <h1> for screen readers naming the menu: the page's title is declared.
        let paragraphs: String = (1..=4)
            .map(|n| {
                format!(
                    "<p>Punto {n}: una perturbazione di origine polare porta neve e vento forte \
                     su gran parte del Centro e del Sud, mentre il Nord resta al riparo.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Perturbazione polare - La Stampa</title>\
             <meta property=\"og:title\" content=\"Perturbazione polare al Centro e al Sud\">\
             </head><body><nav role=\"navigation\"><h1 class=\"ls-assistive\">Menu di \
             navigazione</h1><ul><li><a href=\"/meteo\">Meteo</a></li></ul></nav>\
             <div class=\"story\">{paragraphs}</div></body></html>"
        );
        let record = parsed_article(&html, "https://www.lastampa.it/meteo/perturbazione");
        assert_eq!(record.title, "Perturbazione polare al Centro e al Sud");
    }

    #[test]
    fn headings_of_the_footer_are_not_the_title() {
        // A page builder's footer sets its boxes' names in <h1>s, and the article's headline
        // is given only as declared titles.
        let paragraphs = numbered_paragraphs(
            4,
            "Point",
            "Smart speakers, cameras and locks each open a door into the home network, and \
             shoppers ask retailers which of them keep their data safe.",
        );
        for footer in [
            "<div class=\"et_pb_section et_pb_section_0_tb_footer\">",
            "<footer>",
            "<div role=\"contentinfo\">",
        ] {
            let close = if footer == "<footer>" {
                "</footer>"
            } else {
                "</div>"
            };
            let html = format!(
                "<html><head><title>Cybersecurity Concerns Around the Smart Home – Nationwide\
                 </title><script type=\"application/ld+json\">{{\"@type\":\"BlogPosting\",\
                 \"headline\":\"Cybersecurity Concerns Around the Smart Home\"}}</script>\
                 </head><body><div class=\"post\">{paragraphs}</div>{footer}<div>\
                 <h1>Contact Us</h1><p>Email: info@example.org</p>\
                 <h1>Return to Nationwide Website</h1></div>{close}</body></html>"
            );
            let record = parsed_article(&html, "https://example.org/smart-home-security/");
            assert_eq!(
                record.title, "Cybersecurity Concerns Around the Smart Home",
                "{footer}"
            );
        }
        // A layout's wrapper named after the footer it keeps down holds the whole page: its
        // <h1> is the headline.
        let html = format!(
            "<html><head><title>Smart Home – Nationwide</title></head><body>\
             <div class=\"flex-wrap-footer\"><main><h1>Smart homes open new doors to \
             intruders</h1><div class=\"post\">{paragraphs}</div></main></div></body></html>"
        );
        let record = parsed_article(&html, "https://example.org/smart-home-security/");
        assert_eq!(record.title, "Smart homes open new doors to intruders");
    }

    #[test]
    fn a_headline_naming_its_site_after_itself_is_cut_there() {
        let body = numbered_paragraphs(
            4,
            "Exhibition",
            "the critics chose the shows of the year across the country, from the big \
             museums to the small galleries that surprised them most.",
        );
        let page = |h1: &str| {
            format!(
                "<html><head><title>{h1} - Artlyst</title><meta property=\"og:title\" \
                 content=\"{h1} - Artlyst\"></head><body><h1>{h1}</h1>\
                 <div class=\"story\">{body}</div></body></html>"
            )
        };
        let named = page("Critics’ Choice: Best UK Art Exhibitions 2025 – Artlyst");
        let record = parsed_article(&named, "https://artlyst.com/features/critics-choice-2025/");
        assert_eq!(
            record.title,
            "Critics’ Choice: Best UK Art Exhibitions 2025"
        );
        // A short part after a visible headline that does not name the site is the headline's.
        let own = page("Der neue Golf im Test – Fazit");
        let record = parsed_article(&own, "https://artlyst.com/features/golf/");
        assert_eq!(record.title, "Der neue Golf im Test – Fazit");
    }

    #[test]
    fn what_a_headline_hides_from_readers_is_not_the_title() {
        let paragraphs: String = (1..=4)
            .map(|n| {
                format!(
                    "<p>Teil {n}: Wer über sich selbst nichts hören will, verlegt sich aufs \
                     Handeln, und falscher Aktionismus ist schlimmer als keiner.</p>"
                )
            })
            .collect();
        let page = |h1: &str| {
            format!(
                "<html><head><title>x</title></head><body>{h1}\
                 <div class=\"story\">{paragraphs}</div></body></html>"
            )
        };
        // Drupal's visually hidden site name inside the <h1>.
        let drupal = page(
            "<h1 class=\"title\">Was wir über uns nicht hören wollen<span \
             class=\"element-invisible\"> | FASSETTE.NET</span></h1>",
        );
        let record = parsed_article(&drupal, "https://example.net/hoeren");
        assert_eq!(record.title, "Was wir über uns nicht hören wollen");
        // An <h1> hidden as a whole still names the page.
        let hidden =
            page("<h1 class=\"d-none\"><span>Tax 101: Understanding the basics</span></h1>");
        let record = parsed_article(&hidden, "https://example.com/tax-101");
        assert_eq!(record.title, "Tax 101: Understanding the basics");
    }

    #[test]
    fn a_headline_reads_as_a_browser_sets_it() {
        let paragraphs: String = (1..=4)
            .map(|n| {
                format!(
                    "<p>Teil {n}: Das Technische Hilfswerk zählt heute mehr Helferinnen als je \
                     zuvor, und die Ortsverbände werben weiter um Nachwuchs.</p>"
                )
            })
            .collect();
        let title = |h1: &str| {
            let html = format!(
                "<html><head><title>x</title></head><body><h1>{h1}</h1>\
                 <div class=\"story\">{paragraphs}</div></body></html>"
            );
            parsed_article(&html, "https://example.de/frauen-im-thw").title
        };
        // Inline elements run on with the text around them: a drop cap, an abbreviation.
        assert_eq!(
            title("How AI Can Cut Your Planning <span class=\"hand\">C</span>ycle"),
            "How AI Can Cut Your Planning Cycle"
        );
        assert_eq!(
            title("Frauen im <abbr title=\"Technisches Hilfswerk\">THW</abbr>: Vergangenheit"),
            "Frauen im THW: Vergangenheit"
        );
        // Block elements and line breaks part words; so does a small letter met by a
        // capital, two spans set apart by their style.
        assert_eq!(
            title("Zoonosen<br>Wie Umweltzerstörung Epidemien begünstigt"),
            "Zoonosen Wie Umweltzerstörung Epidemien begünstigt"
        );
        assert_eq!(
            title("<span>Zoonosen</span><span>Wie Umweltzerstörung Epidemien begünstigt</span>"),
            "Zoonosen Wie Umweltzerstörung Epidemien begünstigt"
        );
    }

    #[test]
    fn a_label_after_a_bar_is_not_the_headline() {
        let body = numbered_paragraphs(
            4,
            "Month",
            "we paid the smallest loan first, then rolled its payment into the next one \
             until every balance on the list was gone.",
        );
        let title = |h1: &str| {
            let html = format!(
                "<html><head><title>{h1} - Example Blog</title></head><body><h1>{h1}</h1>\
                 <div class=\"story\">{body}</div></body></html>"
            );
            parsed_article(&html, "https://example.com/debt-free/").title
        };
        // A series, a part, a section after the bar.
        assert_eq!(
            title("How We Paid Off $113k in 28 Months | Our Debt-Free Journey"),
            "How We Paid Off $113k in 28 Months"
        );
        assert_eq!(
            title("My Debt-Free Journey | Part 1"),
            "My Debt-Free Journey"
        );
        assert_eq!(
            title("How meditation improves physical health | Opinion"),
            "How meditation improves physical health"
        );
        // A label longer than what stands before the bar, or two words before it: no headline
        // and label, the bar is left.
        assert_eq!(
            title("Our Journey | How We Paid Off $113k in 28 Months"),
            "Our Journey | How We Paid Off $113k in 28 Months"
        );
        assert_eq!(
            title("Debt-free living | Part 1 of a series"),
            "Debt-free living | Part 1 of a series"
        );
        assert_eq!(
            title("How we did it: paid off, no pipes"),
            "How we did it: paid off, no pipes"
        );
    }
}
