//! The extraction as named steps: decode, clean, metadata, body, fields, record. Each field
//! is read by its own module; this one runs them in order and assembles the record.

use crate::authors::*;
use crate::dates::{self};
use crate::links::*;
use crate::published::*;
use crate::taxonomy::*;
use crate::title::*;
use crate::verdict::*;
use crate::*;
use crate::{bylines, content, dom, language, meta};
use scraper::Html;
use tinstream_model::{normalize_text, urls};

/// A body shorter than this after the strict pass gets a second, relaxed pass.
pub(crate) const RELAXED_PASS_BELOW_CHARS: usize = 2000;

impl Parser {
    /// [`Parser::analyze`] with the listing source's hints, each taken at its place in the
    /// order of evidence.
    pub(crate) fn analyze_with_hints(
        &self,
        page: Page<'_>,
        hints: Hints<'_>,
    ) -> Result<Analysis, ParseError> {
        if page.bytes.is_empty() {
            return Err(ParseError::Empty);
        }
        if page.bytes.len() > self.max_page_bytes {
            return Err(ParseError::TooLarge {
                size: page.bytes.len(),
                limit: self.max_page_bytes,
            });
        }
        if looks_binary(page.bytes) {
            return Err(ParseError::Binary);
        }
        // Dates are judged against the day the page was fetched, never the clock's: the same
        // bytes fetched at the same time give the same record on any day.
        let _reference = dates::ReferenceDay::set(page.fetched_at.date_naive());
        let decoded = decode::decode(page.bytes, page.http_charset);
        let analysis = self.analyze_text(&decoded.text, &page, hints)?;
        if analysis.record.body.chars().count() >= RELAXED_PASS_BELOW_CHARS {
            return Ok(analysis);
        }
        // Some templates ship the article as markup inside `<script type="text/template">`
        // for a script to insert: with nothing better found, read it as part of the page.
        let Some(unwrapped) = unwrap_templates(&decoded.text) else {
            return Ok(analysis);
        };
        match self.analyze_text(&unwrapped, &page, hints) {
            Ok(retry)
                if retry.record.body.chars().count() > analysis.record.body.chars().count() * 2 =>
            {
                Ok(retry)
            }
            _ => Ok(analysis),
        }
    }

    /// The analysis of a page's decoded text.
    pub(crate) fn analyze_text(
        &self,
        text: &str,
        page: &Page<'_>,
        hints: Hints<'_>,
    ) -> Result<Analysis, ParseError> {
        if guard::too_deep(text) {
            return Err(ParseError::TooDeep {
                limit: guard::MAX_NESTING,
            });
        }
        let mut html = Html::parse_document(text);
        let rule = self.sites.for_url(page.url);
        if let Some(rule) = rule {
            remove_elements(&mut html, &rule.remove);
        }
        let meta = meta::Meta::read(&html);
        // The page's own address: a feed's redirect (feedproxy.google.com/~r/…) names another
        // host than the site's.
        // Both addresses without tracking parameters and the site's own dropped ones, so that
        // a feed's `?utm_source=rss` changes neither the record's URLs nor its id.
        let drops = |name: &str| rule.is_some_and(|r| r.drops_param(name));
        let address = urls::normalize_with(page.url, drops);
        let canonical = urls::normalize_with(&canonical_url(page.url, &meta), drops);
        let blocks = dom::blocks(&html, true);

        let zone = local_zone(page.url, &meta, &blocks);
        // The name the site declares, else the one its logo shows.
        let site_name = meta
            .tag(&["og:site_name", "application-name"])
            .map(str::to_string)
            .or_else(|| meta.logo.clone());
        let rule_title = rule.and_then(|r| first_text(&html, r.title.as_ref()));
        // Whether the site's rule found the headline (a rule's selector may find nothing on
        // the site's older pages).
        let by_rule = rule_title.is_some();
        let title = rule_title.or_else(|| {
            title(
                &meta,
                site_name.as_deref(),
                canonical.host_str().unwrap_or(""),
            )
        });
        let title_text = title.as_deref().unwrap_or("");
        // The site's body element, when its rule names one: the generic cleaning runs inside
        // it only.
        let body_only = rule
            .and_then(|r| r.body.as_ref())
            .map(|selector| html.select(selector).map(|e| e.html()).collect::<String>())
            .filter(|inner| !inner.is_empty())
            .map(|inner| Html::parse_document(&format!("<html><body>{inner}</body></html>")));
        let own_site = OwnSite::new(page.url, &canonical);
        let mut content = match &body_only {
            Some(body) => content::extract(
                body,
                &dom::blocks(body, true),
                &self.phrases,
                title_text,
                zone,
                &own_site,
            ),
            None => content::extract(&html, &blocks, &self.phrases, title_text, zone, &own_site),
        };
        if let Some(lead) = rule.and_then(|r| first_text(&html, r.lead.as_ref())) {
            content.paragraphs.retain(|p| *p != lead);
            let lead = crate::lead::without_leading_credit(lead, &mut content);
            content.paragraphs.retain(|p| *p != lead);
            content.lead = Some(lead);
        }
        // The blocks of the pass without class hints, made at most once: the relaxed body
        // pass and the last-resort date scan both read them.
        let mut relaxed_blocks: Option<dom::Blocks> = None;
        // Whether the text was found by the relaxed pass, in its blocks.
        let mut from_relaxed = false;
        if body_only.is_none() && content.body_chars() < RELAXED_PASS_BELOW_CHARS {
            // Class hints can be wrong (a main column named "sidebar-1", article cards in a
            // "page-footer"): try again without them, and keep that body if it is more than
            // twice as long (on wcxb dev this beat Readability's rule of retrying only when
            // nearly nothing was found).
            let relaxed = content::extract(
                &html,
                relaxed_blocks.get_or_insert_with(|| dom::blocks(&html, false)),
                &self.phrases,
                title_text,
                zone,
                &own_site,
            );
            if relaxed.body_chars() > content.body_chars() * 2 {
                // The strict pass's count of linked headings stands: the relaxed one also
                // counts those of boxes the strict pass dropped (related posts), which make
                // no listing of the page.
                let linked_headings = content.linked_headings;
                content = relaxed;
                content.linked_headings = linked_headings;
                from_relaxed = true;
            }
        }

        let title = match portal_headline(&meta, title_text, &content.paragraphs) {
            Some(headline) if !by_rule => {
                content.paragraphs.remove(0);
                Some(headline)
            }
            _ => title,
        };
        // The blocks the text was found in: the relaxed pass's when its text was kept.
        let walked = match &relaxed_blocks {
            Some(relaxed) if from_relaxed => relaxed,
            _ => &blocks,
        };
        if content.lead.is_none() {
            if let Some((lead, at)) = crate::lead::heading_lead(&html, walked, &content.paragraphs)
            {
                content.paragraphs.drain(..=at);
                content.lead = Some(crate::lead::without_leading_credit(lead, &mut content));
            }
        }
        if content.lead.is_none() && body_only.is_none() {
            // Places among `walked` count from the text's start.
            let over_text = content
                .text_starts_at
                .and_then(|at| crate::lead::heading_over_text(&html, walked, at));
            if let Some(lead) = over_text {
                content.lead = Some(crate::lead::without_leading_credit(lead, &mut content));
            }
        }

        let mut paragraphs = content.paragraphs.clone();
        let body_chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();
        if let Some(ld_body) = &meta.ld.body {
            // Some sites render the body with scripts and give it whole only in JSON-LD.
            if ld_body.chars().count() > body_chars * 2 && body_chars < MIN_ARTICLE_CHARS {
                paragraphs = ld_body
                    .split('\n')
                    .map(normalize_text)
                    .filter(|p| !p.is_empty())
                    .collect();
            }
        }
        if let Some(told) = crate::photo_story::told_in_captions(&content, &paragraphs) {
            // The verdict counts them as the text's paragraphs too.
            content.paragraphs.clone_from(&told);
            paragraphs = told;
        }
        let body_chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();

        let title = title.or_else(|| hints.title.map(normalize_text).filter(|t| !t.is_empty()));

        let site = site_host(&canonical).unwrap_or_default();
        let site_names = SiteNames::new(site_name.as_deref(), &site);
        let body = paragraphs.join("\n\n");
        // Whether the metadata writes its numeric days month first ("03-09-2026" under
        // "Published March 9, 2026"): read once, for the publication and the modification.
        let month_first_day =
            month_first_publication(&declared_publication_values(&meta), zone, || {
                shown_day(&html, &content, zone)
            });
        // What the page states; then what its listing source says (a news sitemap's or
        // feed's date); then the last resorts.
        let published_at = rule
            .and_then(|r| r.published.as_ref())
            .and_then(|selector| found("site rule", rule_time(&html, selector, zone)))
            .or_else(|| {
                published_at(
                    page.url,
                    &html,
                    &blocks,
                    &meta,
                    &content,
                    zone,
                    month_first_day,
                )
            })
            .or_else(|| {
                let hinted = hints
                    .published
                    .and_then(|value| dates::parse_machine(value, zone));
                found("listing source", hinted)
            })
            .or_else(|| found("script data", script_date(&html, zone)))
            .or_else(|| found("scripted date line", scripted_date_line(&html, zone)))
            // A wiki page states no publication, only its revision: the page as shown was
            // published then, and the dates in its text are its subject's.
            .or_else(|| found("wiki revision", wiki_revision(&html, &meta, zone)))
            .or_else(|| {
                let blocks = relaxed_blocks.get_or_insert_with(|| dom::blocks(&html, false));
                found("dateline", dateline(&content, zone))
                    .or_else(|| found("first dated line", first_dated_line(&html, blocks, zone)))
                    .or_else(|| {
                        found(
                            "publication sentence",
                            publication_sentence(&html, blocks, zone),
                        )
                    })
                    .or_else(|| found("script creation time", script_created(&html, zone)))
                    .or_else(|| found("description", description_date(&meta, zone)))
                    // Last of all: such a day is as often the subject of the title ("tăng
                    // lương từ 1-7-2024") as the day the page was filed under.
                    .or_else(|| found("day-first url", day_first_in_url(page.url, zone)))
            });
        let modified_at = modified_at(&html, &meta, zone, month_first_day.is_some());
        let language = language::detect(&body, meta.html_lang.as_deref());

        let mut images: Vec<Image> = content
            .images
            .iter()
            .filter_map(|(src, caption)| {
                Some(Image {
                    url: page.url.join(src).ok()?.to_string(),
                    caption: caption.clone(),
                })
            })
            .collect();
        if images.is_empty() {
            let fallback = meta
                .tag(&["og:image", "twitter:image"])
                .map(str::to_string)
                .or_else(|| meta.ld.images.first().cloned());
            // A site's root names no picture (an og:image left as the home page's address).
            // Other addresses ending in a slash may: image services end their resize paths so.
            let picture = fallback
                .and_then(|src| page.url.join(&src).ok())
                .filter(|url| url.path() != "/" || url.query().is_some());
            if let Some(url) = picture {
                images.push(Image {
                    url: url.to_string(),
                    caption: None,
                });
            }
        }

        let authors = rule
            .and_then(|r| r.authors.as_ref())
            .map(|selector| {
                // One element per author, read like any byline ("Bài và ảnh: …", names
                // in capitals); what does not read as names is dropped.
                html.select(selector)
                    .map(|e| normalize_text(&e.text().collect::<String>()))
                    .filter_map(|text| bylines::byline_names(&text))
                    .flatten()
                    .collect::<Vec<_>>()
            })
            .filter(|names| !names.is_empty())
            .unwrap_or_else(|| {
                let headline = title.as_deref().unwrap_or_default();
                authors(&html, &blocks, &meta, &content, &site_names, headline)
            });
        // A writer's name alone on the text's first or last line (thesaigontimes.vn's
        // "SGTOAuthor" paragraph under the headline) is the byline the authors hold.
        let body = if crate::authors::drop_name_lines(&mut paragraphs, &authors) {
            // The paper's tag that opened the text under the name ("(TBKTSG) - Tôi là …")
            // opens it now, and leaves it as it would have.
            if content.lead.is_none() {
                if let Some(first) = paragraphs.first_mut() {
                    *first =
                        crate::lead::without_leading_credit(std::mem::take(first), &mut content);
                }
            }
            paragraphs.join("\n\n")
        } else {
            body
        };

        // Whether the page names its writer and its day, as a post does and a listing does
        // not: evidence for a short text.
        let signature = crate::verdict::Signature {
            named: !authors.is_empty(),
            dated: published_at.is_some(),
        };
        let verdict = is_article(
            page.url,
            &meta,
            &content,
            body_chars,
            signature,
            hints.expect,
        );
        let is_article = verdict.is_article;
        let links = if is_article {
            Vec::new()
        } else {
            links(&html, page.url)
        };
        let title = title
            .or_else(|| (!is_article).then(|| meta.html_title.clone()).flatten())
            .unwrap_or_default();
        let section = rule
            .and_then(|r| first_text(&html, r.section.as_ref()))
            .or_else(|| section(&html, &meta, &title, &site_names));
        let mut record = Article {
            schema_version: SCHEMA_VERSION,
            id: article_id(canonical.as_str()),
            url: address.to_string(),
            canonical_url: canonical.to_string(),
            site,
            title,
            lead: content.lead.clone(),
            body,
            published_at,
            modified_at,
            authors,
            source_agency: content.agency.clone(),
            section,
            tags: tags(&meta),
            images,
            language,
            word_count: 0,
            content_hash: String::new(),
            fetched_at: page.fetched_at,
        };
        record.normalize();
        Ok(Analysis {
            is_article,
            record,
            links,
            verdict: verdict.reason,
            reads_as_article: verdict.reads_as_article,
        })
    }
}

/// Detaches the elements a site rule removes, before anything reads the document.
pub(crate) fn remove_elements(html: &mut Html, selectors: &[scraper::Selector]) {
    let ids: Vec<ego_tree::NodeId> = selectors
        .iter()
        .flat_map(|s| html.select(s).map(|e| e.id()).collect::<Vec<_>>())
        .collect();
    for id in ids {
        if let Some(mut node) = html.tree.get_mut(id) {
            node.detach();
        }
    }
}

/// The normalised text of the first element `selector` matches, when not empty.
pub(crate) fn first_text(html: &Html, selector: Option<&scraper::Selector>) -> Option<String> {
    let element = html.select(selector?).next()?;
    Some(normalize_text(&element.text().collect::<String>())).filter(|t| !t.is_empty())
}

/// More than a few NUL or control bytes at the start: not a text document.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let control = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x09) || (0x0e..0x1b).contains(&b))
        .count();
    control * 20 > head.len().max(1)
        && !head.starts_with(b"\xff\xfe")
        && !head.starts_with(b"\xfe\xff")
}

/// The page's text with the markup of its `<script type="text/template">` elements put in
/// place of the elements, when one of them holds paragraphs; `None` when none does.
pub(crate) fn unwrap_templates(text: &str) -> Option<String> {
    static TEMPLATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?is)<script\b[^>]*\btype\s*=\s*["']?text/(?:template|x-template)["']?[^>]*>(.*?)</script\s*>"#,
        )
        .expect("static regex is valid")
    });
    if memchr::memmem::find(text.as_bytes(), b"text/template").is_none()
        && memchr::memmem::find(text.as_bytes(), b"text/x-template").is_none()
    {
        return None;
    }
    let mut paragraphs = false;
    let unwrapped = TEMPLATE.replace_all(text, |c: &regex::Captures<'_>| {
        let inner = &c[1];
        paragraphs |= inner.contains("<p");
        inner.to_string()
    });
    paragraphs.then(|| unwrapped.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pages::*;

    #[test]
    fn the_declared_picture_stands_in_only_when_it_names_one() {
        let with_og_image = |address: &str| {
            let body = numbered_paragraphs(
                3,
                "Paragraph",
                "the council voted on the new budget after a long debate about the roads.",
            );
            let html = format!(
                "<html><head><title>Budget</title><meta property=\"og:image\" \
                 content=\"{address}\"></head><body><h1>Budget</h1>\
                 <div class=\"story\">{body}</div></body></html>"
            );
            let record = parsed_article(&html, "https://example.com/news/budget");
            record.images.into_iter().map(|i| i.url).collect::<Vec<_>>()
        };
        // The site's root, left where the page has no picture: none.
        assert!(with_og_image("https://example.com/").is_empty());
        // An image service's address, ending in a slash or at its root with a query: one.
        let resized = "https://cms.example.com/images/332174/fill-1200x650/";
        assert_eq!(with_og_image(resized), [resized]);
        let served = "https://img.example.com/?url=https%3A%2F%2Fexample.com%2Fa.jpg";
        assert_eq!(with_og_image(served), [served]);
    }

    #[test]
    fn utility_classes_are_not_read_as_hints() {
        let paragraphs: String = (1..=5)
            .map(|i| {
                format!(
                    "<p>Step {i}: the batching change cut the cost of embedding short queries, \
                     because requests are now grouped by their token count instead of their number.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Token-count-based batching</title></head><body>\
             <h1>Token-count-based batching</h1>\
             <article class=\"break-words [&_figcaption]:mt-xxs lg:[&>*]:col-start-3 md:col-span-7\">\
             {paragraphs}</article></body></html>"
        );
        let record = parsed_article(&html, "https://example.com/blog/token-count-batching");
        assert_eq!(record.body.matches("batching change").count(), 5);
    }

    #[test]
    fn text_beside_an_image_is_a_caption_unless_it_is_an_item_of_the_article() {
        // A short text beside a photo: its caption, not body.
        let record = article_with(
            "<div class=\"photo\"><img src=\"/a.jpg\"><div>Oil being drained from an engine.</div></div>",
        );
        assert!(
            !record.body.contains("Oil being drained"),
            "{}",
            record.body
        );
        assert_eq!(
            record.images[0].caption.as_deref(),
            Some("Oil being drained from an engine.")
        );
        // An image beside a heading and its text: a step of the guide.
        let record = article_with(
            "<div class=\"step\"><img src=\"/b.jpg\"><h3>Rotate the tyres</h3>\
             <p>Move the front tyres to the back so that they wear evenly.</p></div>",
        );
        assert!(record.body.contains("Rotate the tyres"), "{}", record.body);
        assert!(record.body.contains("wear evenly"), "{}", record.body);
        // A photo above a paragraph of the text, in a section of its own (a list of
        // frameworks, one picture and one paragraph each): the paragraph is body.
        let paragraph = "TurboGears is an open-source, rapid-development web framework \
             in Python. It combines the Pylons framework with a Bootstrap-based skin to give a \
             platform for a project that starts small and has to grow without a rewrite: a \
             database layer, templates and a widget toolkit come with it.";
        let record = article_with(&format!(
            "<div class=\"blog-paragraph\"><p class=\"text-center\"><img src=\"/tg.png\" \
             alt=\"TurboGears\"></p><p>{paragraph}</p></div>"
        ));
        assert!(record.body.contains(paragraph), "{}", record.body);
        assert_eq!(record.images[0].caption, None);
        // As long a text marked as the photo's caption stays its caption.
        let record = article_with(&format!(
            "<div class=\"photo\"><img src=\"/tg.png\"><p class=\"caption\">{paragraph}</p></div>"
        ));
        assert!(!record.body.contains("TurboGears"), "{}", record.body);
        assert_eq!(record.images[0].caption.as_deref(), Some(paragraph));
        // An icon beside a name, two figures and a paragraph: an item of a checklist.
        let record = article_with(
            "<div class=\"item\"><img src=\"/c.png\"><div>Coolant flush</div>\
             <div>INTERVAL: Up to 100,000 miles</div><div>PRICE: $373-$400</div>\
             <div>Old coolant damages head gaskets.</div></div>",
        );
        for piece in ["Coolant flush", "PRICE: $373-$400", "head gaskets"] {
            assert!(record.body.contains(piece), "{piece}: {}", record.body);
        }
        // A product of a buying guide: its title, its price, its description, and a button
        // after them that links to a shop. The button makes no teaser of it.
        let record = article_with(
            "<div class=\"product\"><img src=\"/lamp.jpg\"><h3>Govee floor lamp</h3><p>$99.99</p>\
             <p>Tell the speaker what mood you want and watch the room change colour.</p>\
             <a href=\"/go/30od\">Buy on Amazon</a></div>",
        );
        for piece in ["Govee floor lamp", "$99.99", "watch the room change colour"] {
            assert!(record.body.contains(piece), "{piece}: {}", record.body);
        }
        assert!(!record.body.contains("Buy on Amazon"), "{}", record.body);
        // Without a title, a photo, a name, a line and a link after them is a card of
        // another page (a writer's bio and the link to it): left out.
        let record = article_with(
            "<div class=\"card\"><img src=\"/writer.jpg\"><div>Maureen Salamon</div>\
             <div>Executive editor of the health letter.</div><div>She writes on mood.</div>\
             <a href=\"/authors/maureen-salamon\">See Full Bio</a></div>",
        );
        assert!(!record.body.contains("Executive editor"), "{}", record.body);
        // The same shape with a linked title is a teaser of another page: left out.
        let record = article_with(
            "<div class=\"item\"><img src=\"/d.jpg\"><h3><a href=\"/guides/brakes\">Brake pads</a></h3>\
             <div>Guides</div><div>When to change them.</div></div>",
        );
        assert!(!record.body.contains("Brake pads"), "{}", record.body);
        assert!(
            !record.body.contains("When to change them"),
            "{}",
            record.body
        );
    }

    #[test]
    fn classes_of_the_body_element_describe_the_page_not_a_caption() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Absatz {i}: Seit Dezember verschickt ein Verband zahlreiche Abmahnungen \
                     wegen Bildern, die unter einer freien Lizenz veröffentlicht wurden.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Abmahnungen</title></head>\
             <body class=\"single-post wp-featherlight-captions lead-in\"><main class=\"site-main\">\
             <article><h1>Abmahnungen</h1><div class=\"entry-content\">{paragraphs}</div>\
             </article></main></body></html>"
        );
        let record = parsed_article(&html, "https://example.org/2016/abmahnungen/");
        assert_eq!(record.body.matches("Abmahnungen").count(), 4);
        assert_eq!(record.lead, None);
    }

    #[test]
    fn an_article_shipped_in_a_template_script_is_read() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Paragraph {i}: over the past few years we have seen threats on the web \
                     becoming increasingly sophisticated, and protection has to keep up.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Enhanced protection</title></head><body>\
             <h1>Enhanced protection</h1><div class=\"post-body\"><div class=\"post-content\">\
             <script type=\"text/template\"><span class=\"byline-author\">Posted by the team</span>\
             {paragraphs}</script><noscript></noscript></div></div></body></html>"
        );
        let record = parsed_article(
            &html,
            "https://blog.example.com/2020/05/enhanced-protection.html",
        );
        assert_eq!(record.body.matches("increasingly sophisticated").count(), 4);
        // A template of something else (no paragraphs) is left alone.
        assert_eq!(
            unwrap_templates("<script type=\"text/template\"><li><%= name %></li></script>"),
            None
        );
    }

    #[test]
    fn a_segment_react_streams_hidden_is_content_other_hidden_elements_are_not() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Paragraph {i}: an electric car runs only on electricity, with no gas \
                     tank, no exhaust pipe and no engine noise at the stoplight.</p>"
                )
            })
            .collect();
        let later: String = (1..=2)
            .map(|i| {
                format!(
                    "<p>Tip {i}: a wall box in the garage charges the car overnight, which costs \
                     far less than fast charging on the road and is kinder to the battery.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Full EV cars</title></head><body>\
             <div id=\"app\"><h1>Full EV cars</h1><template id=\"B:0\"></template>Loading…</div>\
             <div hidden id=\"S:0\"><main class=\"article-content\">{paragraphs}</main></div>\
             <div hidden id=\"S:1\"><div class=\"section\"><h2>Charging at home</h2>{later}</div></div>\
             <div hidden id=\"menu\"><p>A hidden drawer with a long enough sentence to count as a \
             paragraph of text, which must never reach the body.</p></div>\
             <script>$RC(\"B:0\",\"S:0\")</script></body></html>"
        );
        let record = parsed_article(&html, "https://example.com/articles/full-ev-cars-guide");
        assert_eq!(record.body.matches("no exhaust pipe").count(), 4);
        // The section streamed in a later segment is part of the body too.
        assert_eq!(record.body.matches("wall box").count(), 2);
        assert!(!record.body.contains("hidden drawer"), "{}", record.body);
    }

    #[test]
    fn utility_classes_that_hide_for_good_hide_those_a_reader_opens_do_not() {
        let record = article_with(
            "<div class=\"partner-domains hidden\">example.org, example.net, example.com, \
             partner.example, shop.example, news.example, help.example, id.example</div>\
             <span class=\"sr-only\">Opens in a new window</span>\
             <p class=\"hidden md:block\">Shown from medium screens on: a paragraph of the guide.</p>\
             <div class=\"faq-answer hidden\"><p>Answer: change the oil every 10,000 km.</p></div>\
             <div id=\"step-2\" role=\"region\" aria-labelledby=\"step-2-header\" style=\"display: none\">\
             <p>Step two, in a closed accordion: check the tyre pressure monthly.</p></div>\
             <div style=\"display:none\"><p>A hidden pop-up: sign up for our newsletter today.</p></div>",
        );
        assert!(!record.body.contains("partner.example"), "{}", record.body);
        assert!(!record.body.contains("new window"), "{}", record.body);
        assert!(
            record.body.contains("Shown from medium screens"),
            "{}",
            record.body
        );
        assert!(record.body.contains("every 10,000 km"), "{}", record.body);
        assert!(
            record.body.contains("tyre pressure monthly"),
            "{}",
            record.body
        );
        assert!(!record.body.contains("hidden pop-up"), "{}", record.body);
    }

    #[test]
    fn a_long_comment_thread_never_joins_a_short_article() {
        let comments: String = (1..=30)
            .map(|i| {
                format!(
                    "<li class=\"comment\"><article><div class=\"comment-content\"><p>Comment {i}: \
                     I tried this spray on my cabbages last summer and the worms were gone within \
                     a week, thank you so much for sharing it with us!</p></div></article></li>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Garden spray</title></head><body><main>\
             <article><h1>Garden spray</h1><div class=\"entry-content has-comments comments-open\">\
             <p>Blend an onion and a garlic bulb with water, leave it overnight, then strain it.</p>\
             <p>Add a tablespoon of liquid soap and spray the leaves once or twice a week.</p>\
             <p>Spray in the evening, when the sun will not burn the wet leaves.</p></div></article>\
             <div class=\"entry-comments\" id=\"comments\"><ol class=\"comment-list\">{comments}</ol></div>\
             </main></body></html>"
        );
        let analysis = analyzed(&html, "https://example.com/2015/07/garden-spray.html");
        assert!(analysis.record.body.contains("onion and a garlic bulb"));
        assert!(
            !analysis.record.body.contains("Comment 1:"),
            "{}",
            analysis.record.body
        );
    }

    #[test]
    fn a_blog_post_classed_by_its_tags_is_the_article_not_a_tag_list() {
        // The shape of a WordPress theme that wraps the post in a <div>: the post's classes
        // name each of its tags ("tag-gegenlicht"), and the sidebar beside it holds a longer
        // disclaimer. Only the tag list's own box is not the article.
        let disclaimer: String = (1..=2)
            .map(|i| {
                format!(
                    "<p>Hinweis {i}: Auf diesem Blog gibt es gelegentlich Links zu fremden \
                     Webseiten, auf deren Inhalte ich keinen Einfluss habe, und für die ich \
                     deshalb auch keine Verantwortung übernehmen kann oder will.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Scherenschnitt (3)</title></head><body>\
             <div class=\"content\"><div class=\"post-27529 post type-post status-publish \
             format-standard hentry category-fotografie tag-abendhimmel tag-gegenlicht \
             tag-silhouette\" id=\"post-27529\"><h1>Scherenschnitt (3)</h1>\
             <p>Die Stadt steht schwarz und schweiget, und über ihr zieht ein Flugzeug seinen Streifen.</p>\
             <p>Für den von der Kamera gewählten ISO-Wert sieht das anständig aus, ist aber verrauscht.</p>\
             <p>Aufgestützt und mit ISO 80 länger belichtet gefällt es mir besser, auch wenn danach \
             der Kondensstreifen weg war und das Bild fast nach einem Kalenderspruch aussieht.</p>\
             <div class=\"tag-list\"><a href=\"/tag/abendhimmel/\" rel=\"tag\">Abendhimmel, \
             Gegenlicht und Silhouette als Schlagwörter</a></div></div></div>\
             <div class=\"sidebar-box\"><div class=\"textwidget\">{disclaimer}</div></div>\
             </body></html>"
        );
        let record = parsed_article(
            &html,
            "https://blog.example.de/2020/01/05/scherenschnitt-3/",
        );
        assert!(
            record.body.starts_with("Die Stadt steht schwarz"),
            "{}",
            record.body
        );
        assert!(record.body.contains("ISO-Wert"));
        assert!(!record.body.contains("Hinweis"), "{}", record.body);
        assert!(!record.body.contains("Schlagwörter"), "{}", record.body);
    }

    #[test]
    fn descriptions_of_a_list_s_items_are_text_the_one_summary_is_the_lead() {
        // A round-up as a list plugin writes it: each item a title linked to its maker and a
        // description in a "description" element, the class a lead has on other pages.
        let items: String = [
            (
                "Quick Coat Hooks",
                "These genius coat hooks are perfect for little kids.",
            ),
            (
                "DIY Plant Stand",
                "A simple plant stand for your deck, done in two hours.",
            ),
            (
                "DIY Mirror Frame",
                "Frame a plain mirror with four boards and some stain.",
            ),
        ]
        .iter()
        .enumerate()
        .map(|(i, (title, text))| {
            format!(
                "<div class=\"mv-list-single\"><h2><a href=\"https://maker{i}.example.net/\">\
                 {title}</a></h2><div class=\"mv-list-single-description\"><p>{text} It \
                 takes basic tools and an afternoon, and the full plans are on the maker's \
                 own page.</p></div></div>"
            )
        })
        .collect();
        let html = format!(
            "<html><head><title>10 woodworking projects for your home</title></head><body>\
             <article><h1>10 woodworking projects for your home</h1>\
             <div class=\"summary\"><p>Ten projects for a weekend, most done in two hours.</p></div>\
             <div class=\"entry-content\"><p>Adding style and function to your home can be \
             fun, and you can do it yourself with a few tools and some patience.</p>\
             <p>These are great for beginners: they require some tools but are not so \
             complicated that you will not be able to complete them.</p>\
             <p>Each month a group of friends shares a new project, and this month I picked \
             the ones I loved, with a few that have been in use at my house for years.</p>{items}\
             <p>If you like these projects, save this page for later and share it.</p>\
             </div></article></body></html>"
        );
        let record = parsed_article(&html, "https://blog.example.com/woodworking-projects/");
        for text in ["genius coat hooks", "simple plant stand", "plain mirror"] {
            assert!(record.body.contains(text), "{text}: {}", record.body);
        }
        // The summary before the body is still the lead: it is not one of the items.
        assert_eq!(
            record.lead.as_deref(),
            Some("Ten projects for a weekend, most done in two hours.")
        );
        // A section page is nothing but such cards, their descriptions its stories' leads:
        // no prose of its own, so no article, whatever its metadata declares.
        let teasers: String = (1..=8)
            .map(|i| {
                format!(
                    "<article class=\"d-flex\"><a href=\"/tin-{i}-d53890{i}.html\" \
                     class=\"fs22 fbold\">Tin số {i} về thị trường chứng khoán hôm nay</a>\
                     <div class=\"sapo_thumb_news\">Thanh khoản giảm đáng kể trong phiên hôm \
                     nay với áp lực bán chủ động vẫn chiếm ưu thế trên cả hai sàn.</div>\
                     </article>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Tài chính - Chứng khoán</title>\
             <meta property=\"og:type\" content=\"article\"></head><body>\
             <h1>Tài chính - Chứng khoán</h1><div class=\"list_news\">{teasers}</div>\
             </body></html>"
        );
        let analysis = analyzed(&html, "https://bao.example.vn/tai-chinh-chung-khoan-d6/");
        assert!(!analysis.is_article, "{}", analysis.record.body);
        assert!(!analysis.record.body.contains("Thanh khoản"));
    }

    #[test]
    fn dialogs_and_disclaimers_are_never_the_body() {
        // The article is spread over sections of a page builder, one step each; the page
        // also holds, in one piece, a privacy policy its newsletter form opens as a dialog.
        let policy: String = (1..=8)
            .map(|i| {
                format!(
                    "<p>Policy clause {i}: this website records some information about you, \
                     your device, your browser and your visit, stores it, protects it, and \
                     uses it only to improve the quality of the website.</p>"
                )
            })
            .collect();
        let steps: String = (1..=6)
            .map(|i| {
                format!(
                    "<div class=\"the-content\"><section class=\"columns\"><div class=\"col\">\
                     <h3>Step {i}</h3><p>Step {i} of growing lemons from seed: keep the paper \
                     towel moist, warm and dark, and check the seeds, which sprout in weeks.</p>\
                     <p>Seeds from an organic lemon sprout best; rinse them, peel off the outer \
                     coat, and plant them about one inch apart in a pot of moist soil.</p>\
                     </div></section></div>"
                )
            })
            .collect();
        for dialog in [
            format!("<div class=\"dialog \" id=\"privacy\"><div class=\"dialog__content\">{policy}</div></div>"),
            format!("<dialog id=\"privacy\">{policy}</dialog>"),
            format!("<div role=\"dialog\" aria-modal=\"true\">{policy}</div>"),
            format!("<div id=\"disclosures\"><div class=\"cmp-richtext--disclaimer\">{policy}</div></div>"),
        ] {
            let html = format!(
                "<html><head><title>How to grow lemon trees</title></head><body>\
                 <h1>How to grow lemon trees</h1><div class=\"wrapper\">{steps}</div>{dialog}\
                 </body></html>"
            );
            let record = parsed_article(&html, "https://garden.example.com/lemon-trees/");
            assert!(record.body.contains("Step 6 of growing"), "{}", record.body);
            assert!(!record.body.contains("Policy clause"), "{dialog}: {}", record.body);
        }
        // Drupal wraps every page in "dialog-off-canvas-main-canvas": that is the page.
        let html = format!(
            "<html><head><title>How to grow lemon trees</title></head><body>\
             <div class=\"dialog-off-canvas-main-canvas\"><h1>How to grow lemon trees</h1>\
             <div class=\"wrapper\">{steps}</div></div></body></html>"
        );
        let record = parsed_article(&html, "https://garden.example.com/lemon-trees/");
        assert!(record.body.contains("Step 6 of growing"), "{}", record.body);
    }

    #[test]
    fn a_consent_notice_is_never_the_body_of_a_short_post() {
        // A short post beside a privacy plugin's notice three times as long: the walk
        // without class hints, tried for short bodies, must not take the notice either.
        let notice: String = (1..=6)
            .map(|i| {
                format!(
                    "<p>Hinweis {i}: Diese Website verwendet Cookies, damit wir Dir die \
                     bestmögliche Benutzererfahrung bieten können; sie werden in deinem Browser \
                     gespeichert und erkennen Dich wieder, wenn Du zurückkehrst.</p>"
                )
            })
            .collect();
        for wrapper in [
            "<div id=\"moove_gdpr_cookie_modal\"><div class=\"moove-gdpr-tab-main\">",
            "<div class=\"widget_eu_cookie_law_widget\"><div id=\"eu-cookie-law\">",
        ] {
            let html = format!(
                "<html><head><title>Ein Gespräch</title></head><body><h1>Ein Gespräch</h1>\
                 <div class=\"entry\"><p>„Ich weiß, ich bin betrunken und sollte das vielleicht \
                 nicht sagen“, sagte er an der Bar, und sie antwortete: „Dann sag es nicht.“</p>\
                 <p>Er nickte, bestellte noch ein Wasser und schwieg, bis die Musik wieder \
                 einsetzte und der Abend weiterging, als wäre nichts gewesen.</p></div>\
                 {wrapper}{notice}</div></div></body></html>"
            );
            let analysis = analyzed(&html, "https://blog.example.de/2013/06/14/gespraech/");
            assert!(
                analysis.record.body.starts_with("„Ich weiß"),
                "{wrapper}: {}",
                analysis.record.body
            );
            assert!(!analysis.record.body.contains("Cookies"), "{wrapper}");
        }
    }

    #[test]
    fn a_header_holding_the_whole_article_is_read_a_page_header_is_not() {
        let paragraphs: String = (1..=20)
            .map(|i| {
                format!(
                    "<p>Paragraph {i}: selecting the right health insurance provider requires \
                     careful consideration of the factors that shape your care.</p>"
                )
            })
            .collect();
        // Questions long enough that the pass without class hints is not tried.
        let questions: String = (1..=20)
            .map(|i| {
                format!(
                    "<p>Question {i}: which insurer is the largest? The one with the largest \
                     share of the market this year, by the number of people it covers.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Top health insurers</title></head><body>\
             <header class=\"site-header\"><p>Plans for teams of every size, from two people up.</p></header>\
             <main><h1>Top health insurers</h1>\
             <header class=\"section_blog-post-content\"><div class=\"rich-text\">{paragraphs}</div></header>\
             <section class=\"faq\"><h2>Questions</h2>{questions}</section></main></body></html>"
        );
        let record = parsed_article(
            &html,
            "https://example.com/blog/top-health-insurance-companies",
        );
        assert_eq!(record.body.matches("careful consideration").count(), 20);
        assert!(
            !record.body.contains("teams of every size"),
            "{}",
            record.body
        );
    }

    #[test]
    fn an_end_heading_ends_the_body_unless_the_article_goes_on_below_it() {
        let para = |n: u32, topic: &str| {
            format!(
                "<p>{topic} {n}: the invoicing tool sends reminders on its own, accepts card \
                 payments, converts foreign currencies at the day's rate and keeps every receipt \
                 in one place for the tax return.</p>"
            )
        };
        let before: String = (1..=4).map(|n| para(n, "Wave")).collect();
        let after: String = (1..=4).map(|n| para(n, "Xero")).collect();
        let page = |after: &str| {
            format!(
                "<html><head><title>Invoicing tools</title></head><body><h1>Invoicing tools</h1>\
                 <div class=\"post\">{before}<h3>Ähnliche Beiträge</h3>\
                 <ul><li><a href=\"/a\">Die besten Buchhaltungsprogramme</a></li>\
                 <li><a href=\"/b\">Steuern für Selbständige</a></li></ul>{after}</div></body></html>"
            )
        };
        let body = |html: String| match parse_html(
            &html,
            "https://example.de/blog/invoicing-tools",
            Hints::default(),
        ) {
            Ok(Extraction::Article(a)) => a.body,
            other => panic!("not an article: {other:?}"),
        };
        // The article goes on below the box: all of it is kept, not the heading.
        let kept = body(page(&after));
        assert_eq!(kept.matches("the invoicing tool").count(), 8, "{kept}");
        assert!(!kept.contains("Ähnliche Beiträge"), "{kept}");
        // Teasers below the heading: the body ends there.
        let teasers = "<p>Kurz gesagt: ein Vergleich.</p><p>Lesen Sie mehr darüber.</p>";
        let ended = body(page(teasers));
        assert_eq!(ended.matches("the invoicing tool").count(), 4, "{ended}");
        assert!(!ended.contains("Kurz gesagt"), "{ended}");
    }

    #[test]
    fn comment_boxes_player_chrome_and_thread_labels_stay_out_of_the_body() {
        let story = |extra: &str| {
            let html = format!(
                "<html lang=\"vi\"><head><title>Giá xăng giảm mạnh - Báo Ví Dụ</title></head>\
                 <body><h1>Giá xăng giảm mạnh</h1><div class=\"content\">\
                 <p>Liên Bộ Công Thương - Tài chính vừa điều chỉnh giá bán lẻ xăng dầu, theo đó \
                 giá xăng RON95 giảm hơn 1.000 đồng mỗi lít so với kỳ điều hành trước.</p>\
                 <p>Đây là lần giảm thứ hai liên tiếp trong tháng, sau khi giá dầu thế giới đi \
                 xuống do lo ngại về biến thể mới của virus corona.</p>\
                 <p>Các doanh nghiệp đầu mối được yêu cầu tiếp tục trích lập quỹ bình ổn giá ở \
                 mức như kỳ trước.</p>{extra}</div></body></html>"
            );
            parsed_article(
                &html,
                "https://bao.example.vn/kinh-te/gia-xang-giam-4412345.html",
            )
            .body
        };
        for extra in [
            // VnExpress's comment box, by its class and by its heading with a count.
            "<div class=\"box_comment_vne\"><p>Nguyễn Văn A</p>\
             <p>Giảm thế này vẫn còn cao lắm, mong giảm nữa.</p><p>Xem thêm ý kiến</p></div>",
            "<div><p>Ý kiến bạn đọc (12)</p><p>Nguyễn Văn A</p>\
             <p>Giảm thế này vẫn còn cao lắm, mong giảm nữa.</p></div>",
            "<div class=\"player\"><p>Video is loading...</p><p>Trình phát Video</p></div>",
            "<p>Dòng sự kiện: Giá xăng dầu</p>",
        ] {
            let body = story(extra);
            assert!(body.ends_with("mức như kỳ trước."), "{extra}: {body}");
        }
    }

    #[test]
    fn an_article_set_inside_a_heading_element_is_read() {
        // A mobile site that puts the whole story in an <h4>, paragraphs split by <br>.
        let lines: String = (1..=5)
            .map(|i| {
                format!(
                    "Đoạn {i}: thành phố vừa tổ chức lễ trao tặng quà cho các gia đình khó khăn \
                     trong dịp cuối năm, với sự tham gia của nhiều doanh nghiệp.<br><br>"
                )
            })
            .collect();
        let html = format!(
            "<html lang=\"vi\"><head><title>Trao quà cuối năm</title></head><body>\
             <h1>Trao quà cuối năm</h1><h4><div class=\"m_cont\">{lines}</div></h4>\
             </body></html>"
        );
        let record = parsed_article(&html, "https://bao.example.vn/tin/trao-qua-4412345.html");
        assert_eq!(
            record.body.matches("trao tặng quà").count(),
            5,
            "{}",
            record.body
        );
    }

    #[test]
    fn highlighted_code_keeps_its_comments() {
        let record = article_with(
            "<pre><code class=\"language-bash hljs\"><span class=\"hljs-comment\"># initialize git</span>\n\
             git init\n<span class=\"hljs-comment\"># view the tags</span>\ngit tag</code></pre>",
        );
        for line in ["# initialize git", "git init", "# view the tags", "git tag"] {
            assert!(record.body.contains(line), "{line}: {}", record.body);
        }
    }

    #[test]
    fn dates_in_a_data_table_are_content_and_a_read_next_box_does_not_end_the_body() {
        let rows: String = (1..=6)
            .map(|m| format!("<tr><td>{m}/1/2016</td><td>+6.{m}%</td></tr>"))
            .collect();
        let html = format!(
            "<html><head><title>Home prices</title></head><body><h1>Home prices keep rising</h1>\
             <div class=\"article-body\">\
             <p>Prices of homes rose again last month across most large markets, the data show, \
             with the fastest gains in the South and in mid-sized cities.</p>\
             <div class=\"block-more-like-this\"><span class=\"read-next-title\">Read Next</span>\
             <ul><li><a href=\"/a\">Another story about something else entirely</a></li></ul></div>\
             <h2>Monthly change</h2><table>{rows}</table>\
             <p>Analysts expect the pace to slow in the second half of the year as mortgage rates \
             stay high and more sellers list their homes, adding supply.</p></div></body></html>"
        );
        let Ok(Extraction::Article(record)) = parse_html(
            &html,
            "https://example.com/research/home-prices",
            Hints::default(),
        ) else {
            panic!("an article");
        };
        assert!(record.body.contains("3/1/2016"), "{}", record.body);
        assert!(record.body.contains("Analysts expect"), "{}", record.body);
        assert!(!record.body.contains("Read Next"), "{}", record.body);
    }

    #[test]
    fn vietnamese_text_is_told_by_its_letters_before_the_detector_runs() {
        for text in [
            "Thứ Tư",
            "Đà Nẵng",
            "người dân",
            "Hà Nội",
            "cu\u{0309}a",
            "ho\u{031B}n",
        ] {
            assert!(text.chars().any(is_vietnamese_letter), "{text}");
        }
        for text in [
            "Die Zukunft der Arbeit",
            "Ça coûte très cher",
            "São Paulo, ação",
        ] {
            assert!(!text.chars().any(is_vietnamese_letter), "{text}");
        }
        // A .com page in Vietnamese, with no declared language, is still Vietnamese.
        let body = numbered_paragraphs(
            3,
            "Đoạn",
            "Ủy ban nhân dân thành phố vừa tổ chức hội nghị triển khai kế hoạch phát triển \
             kinh tế - xã hội năm tới với sự tham gia của các sở, ngành.",
        );
        let html = format!(
            "<html><head><title>Hội nghị</title></head><body><h1>Hội nghị triển khai kế \
             hoạch</h1><div class=\"time\">01/12/2021 14:35</div>{body}</body></html>"
        );
        assert_eq!(
            parsed_article(&html, "https://example.com/hoi-nghi")
                .published_at
                .map(|t| t.to_string())
                .as_deref(),
            Some("2021-12-01T14:35:00+07:00")
        );
    }

    #[test]
    fn source_line_breaks_are_spaces_but_br_and_pre_break_lines() {
        let page = "<html><head><title>Một bài viết thử nghiệm</title></head><body><article><h1>Một bài viết thử nghiệm</h1>\
            <p>Đoạn thứ nhất được viết\ntrên hai dòng trong mã nguồn, nhưng vẫn là một đoạn văn duy nhất của bài.</p>\
            <p>Đoạn thứ hai có dấu ngắt<br>ngay giữa câu, nên phải tách thành hai dòng riêng biệt trong nội dung.</p>\
            <pre>dòng một\ndòng hai</pre></article></body></html>";
        let body = analyzed(page, "https://bao.example.vn/bai-viet-4412345.html")
            .record
            .body;
        assert!(body.contains("được viết trên hai dòng"), "{body}");
        assert!(body.contains("dấu ngắt\n\nngay giữa câu"), "{body}");
        assert!(body.contains("dòng một\n\ndòng hai"), "{body}");
    }
}
