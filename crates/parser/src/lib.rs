//! Turns the bytes of a web page into a clean article record, or, for pages that are not
//! articles (home, section, tag and search pages), into the links they offer for discovery.
//!
//! The parser is generic: it needs no rules for a site to find the title, body, dates, authors,
//! agency credit, images and captions of a news page. It decodes the bytes ([`decode`]), walks
//! the DOM once into text blocks (`dom`), scores the blocks to find the body (`content`), removes
//! boilerplate by structure and by phrase (`boilerplate`), and reads metadata from `<meta>`,
//! JSON-LD and the visible date lines (`meta`, [`dates`]).
//!
//! It does no I/O: fetching belongs to the crawler, delivery to the sinks. Any input gives a
//! record or a typed [`ParseError`]; nothing here panics on page content.

mod boilerplate;
mod content;
pub mod dates;
pub mod decode;
mod dom;
mod guard;
mod language;
mod meta;
pub mod sites;

use chrono::{DateTime, Utc};
use dates::LocalZone;
use scraper::Html;
use serde::{Deserialize, Serialize};
use tinstream_model::{
    article_id, normalize_text, urls, Article, ArticleTime, Image, SCHEMA_VERSION,
};
use url::Url;

pub use boilerplate::Phrases;
pub use sites::{SiteRule, SiteRuleConfig, SiteRuleError, SiteRules};

/// Settings of the parser; the `[parser]` table of the configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ParserOptions {
    /// Extra lines to drop wherever they appear (widgets, labels), added to the built-in list.
    pub widget_phrases: Vec<String>,
    /// Extra headings after which nothing belongs to the article, added to the built-in list.
    pub end_phrases: Vec<String>,
    /// Pages larger than this many bytes are refused with [`ParseError::TooLarge`].
    pub max_page_bytes: usize,
    /// Folder of per-site rules, one `<domain>.toml` each ([`SiteRuleConfig`]); a folder that
    /// does not exist means no rules.
    pub sites_dir: std::path::PathBuf,
}

impl Default for ParserOptions {
    fn default() -> Self {
        ParserOptions {
            widget_phrases: Vec::new(),
            end_phrases: Vec::new(),
            max_page_bytes: 20 * 1024 * 1024,
            sites_dir: std::path::PathBuf::from("config/sites"),
        }
    }
}

/// One page to parse.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    /// The raw bytes, in whatever encoding the server sent.
    pub bytes: &'a [u8],
    /// The address the page was fetched from; relative links resolve against it.
    pub url: &'a Url,
    /// The `charset` of the HTTP `Content-Type`, if any.
    pub http_charset: Option<&'a str>,
    /// When the page was fetched.
    pub fetched_at: DateTime<Utc>,
}

/// What the source that listed a page (a news sitemap, a feed) said of it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// The publication time as the source writes it (`news:publication_date`, RFC 3339).
    pub published: Option<&'a str>,
    /// The title the source gives.
    pub title: Option<&'a str>,
}

/// What a page turned out to be.
#[derive(Debug, Clone)]
pub enum Extraction {
    /// An article, ready to deliver.
    Article(Box<Article>),
    /// Not an article: no record, only links for discovery.
    NotArticle(NotArticle),
}

/// Everything extracted from a page, article or not.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Whether the page is an article.
    pub is_article: bool,
    /// The record the page gives (for a non-article, what it would be).
    pub record: Article,
    /// For a non-article, its links; empty for an article.
    pub links: Vec<String>,
}

/// A page that is not an article: a home, section, tag, search or listing page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotArticle {
    /// Always `false`; present so that the JSON says what it is.
    pub is_article: bool,
    /// The page's address.
    pub url: String,
    /// The page's title, if it has one.
    pub title: Option<String>,
    /// Absolute http(s) links found on the page, without fragments, in page order, each once.
    pub links: Vec<String>,
}

/// Why a page gave no result.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// The page has no bytes.
    #[error("the page is empty")]
    Empty,
    /// The page is larger than `max_page_bytes`.
    #[error("the page is {size} bytes, over the limit of {limit}")]
    TooLarge {
        /// Size of the page.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The bytes are not text (an image, an archive).
    #[error("the page is binary data, not HTML")]
    Binary,
    /// Elements nested deeper than any real page nests them.
    #[error("the page nests elements more than {limit} deep")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// An article page whose title could not be found.
    #[error("the page looks like an article but has no title")]
    NoTitle,
}

/// The article extractor. Cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Parser {
    phrases: Phrases,
    max_page_bytes: usize,
    sites: SiteRules,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new(&ParserOptions::default())
    }
}

/// A page is an article only if its body has at least this many characters.
const MIN_ARTICLE_CHARS: usize = 250;
/// ... or this many when its metadata says it is an article.
const MIN_DECLARED_ARTICLE_CHARS: usize = 120;
/// A body in one paragraph makes an article from this length (a text set with line breaks
/// only, an essay in one block).
const ONE_PARAGRAPH_ARTICLE_CHARS: usize = 1000;
/// Body text that makes a page an article even when the rest of it is mostly links.
const FULL_ARTICLE_CHARS: usize = 1500;
/// A body shorter than this after the strict pass gets a second, relaxed pass.
const RELAXED_PASS_BELOW_CHARS: usize = 2000;
/// Text per linked heading below which a page of linked headings is a listing.
const LISTING_TEASER_CHARS: usize = 400;
/// Links kept from one page.
const MAX_LINKS: usize = 5000;

impl Parser {
    /// A parser with the given options.
    pub fn new(options: &ParserOptions) -> Self {
        Parser {
            phrases: Phrases::new(&options.widget_phrases, &options.end_phrases),
            max_page_bytes: options.max_page_bytes,
            sites: SiteRules::default(),
        }
    }

    /// The same parser, with per-site rules.
    pub fn with_sites(mut self, sites: SiteRules) -> Self {
        self.sites = sites;
        self
    }

    /// The per-site rules in use.
    pub fn sites(&self) -> &SiteRules {
        &self.sites
    }

    /// Parses one page: an article record, or the links of a page that is not an article.
    pub fn parse(&self, page: Page<'_>) -> Result<Extraction, ParseError> {
        self.parse_with_hints(page, Hints::default())
    }

    /// [`Parser::parse`], with what the source that listed the page said of it as fallbacks
    /// for what the page itself does not give (its title, its publication time). The page
    /// wins whenever it says something.
    pub fn parse_with_hints(
        &self,
        page: Page<'_>,
        hints: Hints<'_>,
    ) -> Result<Extraction, ParseError> {
        let analysis = self.analyze_with_hints(page, hints)?;
        if !analysis.is_article {
            return Ok(Extraction::NotArticle(NotArticle {
                is_article: false,
                url: page.url.to_string(),
                title: (!analysis.record.title.is_empty()).then(|| analysis.record.title.clone()),
                links: analysis.links,
            }));
        }
        if analysis.record.title.is_empty() {
            return Err(ParseError::NoTitle);
        }
        Ok(Extraction::Article(Box::new(analysis.record)))
    }

    /// Extracts everything from a page whether or not it is an article: the record as it
    /// would be (its title may be empty), the verdict, and, for non-articles, the links.
    /// Evaluation uses this to score metadata on pages of every kind.
    pub fn analyze(&self, page: Page<'_>) -> Result<Analysis, ParseError> {
        self.analyze_with_hints(page, Hints::default())
    }

    /// [`Parser::analyze`] with the listing source's hints, each taken at its place in the
    /// order of evidence.
    fn analyze_with_hints(&self, page: Page<'_>, hints: Hints<'_>) -> Result<Analysis, ParseError> {
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
    fn analyze_text(
        &self,
        text: &str,
        page: &Page<'_>,
        hints: Hints<'_>,
    ) -> Result<Analysis, ParseError> {
        if guard::nesting_within(text, guard::MAX_NESTING).is_none() {
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
        let title = rule
            .and_then(|r| first_text(&html, r.title.as_ref()))
            .or_else(|| {
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
        let mut content = match &body_only {
            Some(body) => content::extract(
                body,
                &dom::blocks(body, true),
                &self.phrases,
                title_text,
                zone,
                &canonical,
            ),
            None => content::extract(&html, &blocks, &self.phrases, title_text, zone, &canonical),
        };
        if let Some(lead) = rule.and_then(|r| first_text(&html, r.lead.as_ref())) {
            content.paragraphs.retain(|p| *p != lead);
            // The rule's lead gets the same cleaning as a found one: "TTO - ", "(Dân trí) - "
            // and agency credits at its start.
            let lead = match boilerplate::leading_credit(&lead) {
                Some((rest, agency)) => {
                    if let Some(agency) = agency {
                        content.agency.get_or_insert(agency);
                    }
                    rest
                }
                None => lead,
            };
            content.paragraphs.retain(|p| *p != lead);
            content.lead = Some(lead);
        }
        // The blocks of the pass without class hints, made at most once: the relaxed body
        // pass and the last-resort date scan both read them.
        let mut relaxed_blocks: Option<dom::Blocks> = None;
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
                &canonical,
            );
            if relaxed.body_chars() > content.body_chars() * 2 {
                // The strict pass's count of linked headings stands: the relaxed one also
                // counts those of boxes the strict pass dropped (related posts), which make
                // no listing of the page.
                let linked_headings = content.linked_headings;
                content = relaxed;
                content.linked_headings = linked_headings;
            }
        }

        let rule_title = rule.and_then(|r| r.title.as_ref()).is_some();
        let title = match portal_headline(&meta, title_text, &content.paragraphs) {
            Some(headline) if !rule_title => {
                content.paragraphs.remove(0);
                Some(headline)
            }
            _ => title,
        };

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
        let body_chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();

        let is_article = is_article(page.url, &meta, &content, body_chars);
        let links = if is_article {
            Vec::new()
        } else {
            links(&html, page.url)
        };
        let title = title
            .or_else(|| hints.title.map(normalize_text).filter(|t| !t.is_empty()))
            .or_else(|| (!is_article).then(|| meta.html_title.clone()).flatten())
            .unwrap_or_default();

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
            if let Some(url) = fallback.and_then(|src| page.url.join(&src).ok()) {
                images.push(Image {
                    url: url.to_string(),
                    caption: None,
                });
            }
        }

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
            authors: rule
                .and_then(|r| r.authors.as_ref())
                .map(|selector| {
                    // One element per author, read like any byline ("Bài và ảnh: …", names
                    // in capitals); what does not read as names is dropped.
                    html.select(selector)
                        .map(|e| normalize_text(&e.text().collect::<String>()))
                        .filter_map(|text| boilerplate::byline_names(&text))
                        .flatten()
                        .collect::<Vec<_>>()
                })
                .filter(|names| !names.is_empty())
                .unwrap_or_else(|| authors(&html, &blocks, &meta, &content, &site_names)),
            source_agency: content.agency.clone(),
            section: section(&html, &meta),
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
        })
    }
}

/// Detaches the elements a site rule removes, before anything reads the document.
fn remove_elements(html: &mut Html, selectors: &[scraper::Selector]) {
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
fn first_text(html: &Html, selector: Option<&scraper::Selector>) -> Option<String> {
    let element = html.select(selector?).next()?;
    Some(normalize_text(&element.text().collect::<String>())).filter(|t| !t.is_empty())
}

/// The time a site rule's element gives: its `datetime` or `content` attribute, else its text.
fn rule_time(html: &Html, selector: &scraper::Selector, zone: LocalZone) -> Option<ArticleTime> {
    let element = html.select(selector).next()?;
    let attribute = ["datetime", "content"]
        .iter()
        .find_map(|a| element.value().attr(a))
        .and_then(|v| dates::parse_machine(v, zone));
    attribute.or_else(|| dates::parse_visible(&element.text().collect::<String>(), zone))
}

/// More than a few NUL or control bytes at the start: not a text document.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let control = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x09) || (0x0e..0x1b).contains(&b))
        .count();
    control * 20 > head.len().max(1)
        && !head.starts_with(b"\xff\xfe")
        && !head.starts_with(b"\xfe\xff")
}

/// The time zone of the page's times: Vietnam's for a Vietnamese site (by domain, declared
/// language or text), else the zone or zones of the site's country domain.
fn local_zone(url: &Url, meta: &meta::Meta, blocks: &dom::Blocks) -> LocalZone {
    let by_host = url.host_str().and_then(LocalZone::of_host);
    let declared_vi = meta
        .html_lang
        .as_deref()
        .is_some_and(|l| l.to_ascii_lowercase().starts_with("vi"));
    if declared_vi {
        return LocalZone::Vietnam;
    }
    if let Some(zone) = by_host {
        return zone;
    }
    let sample: String = blocks
        .blocks
        .iter()
        .filter(|b| b.chars > 60)
        .take(10)
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    // Vietnamese is written with letters no other language uses (ư, ơ, đ, ạ, ả, …): without
    // them the detector, a cost on every page, cannot say Vietnamese.
    if !sample.chars().any(is_vietnamese_letter) {
        return LocalZone::Unknown;
    }
    match language::detect(&sample, None).as_deref() {
        Some("vi") => LocalZone::Vietnam,
        _ => LocalZone::Unknown,
    }
}

/// A letter of the Vietnamese alphabet that other languages written in Latin letters hardly
/// use: đ, ư, ơ and the vowels with a dot below or a hook above, or, in text that arrives
/// decomposed, the hook, dot and horn marks themselves. A gate before the detector, which
/// decides.
fn is_vietnamese_letter(c: char) -> bool {
    matches!(
        c,
        'đ' | 'Đ' | 'ư' | 'Ư' | 'ơ' | 'Ơ' | '\u{1EA0}'
            ..='\u{1EF9}' | '\u{0309}' | '\u{031B}' | '\u{0323}'
    )
}

/// The headline: the page's `<h1>` when it agrees with the declared titles, else the declared
/// title with the site's name cut off.
fn title(meta: &meta::Meta, site_name: Option<&str>, host: &str) -> Option<String> {
    let declared: Vec<String> = [
        meta.ld.headline.clone(),
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
    // Otherwise the visible headline wins over what the page declares for sharing (often a
    // reworded teaser): the first <h1> that reads like a headline, not a logo or site name.
    // A headline that names the site after itself ("… 2025 – Artlyst") is cut there.
    let headline = h1s
        .iter()
        .find(|h| h.split_whitespace().count() >= 3 && h.chars().count() <= 300)
        .map(|h| split_site_name_by(h, site_name, host, false).0.to_string());
    headline
        .or_else(|| {
            declared
                .first()
                .map(|t| strip_site_suffix(t, site_name, host))
        })
        .or_else(|| meta.h1.first().map(|h| normalize_text(h)))
}

/// Titles compared without case or spacing differences.
fn title_key(s: &str) -> String {
    normalize_text(s).to_lowercase()
}

/// Older portals have no `<h1>`: they set the headline in an `<h2>`-`<h4>` at the top of the
/// content and give every page the same `<title>` ("Sở Y tế - Tin tức"). When the body found
/// opens with such a heading and the title taken from the metadata is not it, the heading is
/// the title (and leaves the body). Only pages whose one declared title is `<title>` qualify.
fn portal_headline(meta: &meta::Meta, title: &str, paragraphs: &[String]) -> Option<String> {
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
    (is_heading && (5..=40).contains(&words) && !agrees && !sentence && paragraphs.len() > 1)
        .then(|| first.clone())
}

/// Cuts " - VnExpress", " | Báo Tin tức" and similar from a title, and the "Blog Archive » "
/// that WordPress's classic themes set between the site's name and the post's.
fn strip_site_suffix(title: &str, site_name: Option<&str>, host: &str) -> String {
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
fn split_site_name<'a>(
    title: &'a str,
    site_name: Option<&str>,
    host: &str,
) -> (&'a str, Option<&'a str>) {
    split_site_name_by(title, site_name, host, true)
}

/// [`split_site_name`], where `by_length` also takes a short part after a long headline for
/// the site's name (right for declared titles, which carry one more often than not; a
/// visible headline is cut only where the site is named).
fn split_site_name_by<'a>(
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

fn is_article(url: &Url, meta: &meta::Meta, content: &content::Content, body_chars: usize) -> bool {
    let (verdict, reason) = article_verdict(url, meta, content, body_chars);
    // Which rule decided is what explains a wrong verdict.
    tracing::debug!(
        verdict,
        reason,
        body_chars,
        paragraphs = content.paragraphs.len(),
        linked_headings = content.linked_headings,
        "article verdict"
    );
    verdict
}

/// Whether a site-root address names one post by its query: WordPress's `/?p=5031` and
/// `/?page_id=12`, or an article number (`/?id=`, `/?newsid=`). Other queries at the root
/// (`?s=` searches, `?cat=` categories, `?page=2`, `?lang=en`) still make a listing.
fn names_a_post(url: &Url) -> bool {
    const POST_KEYS: &[&str] = &[
        "p",
        "page_id",
        "post",
        "id",
        "newsid",
        "articleid",
        "article_id",
        "storyid",
        "itemid",
    ];
    url.query_pairs().any(|(key, value)| {
        // "?p=959/": a slash copied along with the number.
        let number = value.trim_end_matches('/');
        POST_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k))
            && !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Whether the page's JSON-LD declares an article whose address, when it gives one, is
/// this page's (its path, or the canonical's).
fn ld_declares_this_page(url: &Url, meta: &meta::Meta) -> bool {
    if !meta.ld.is_article {
        return false;
    }
    let Some(declared) = meta.ld.url.as_deref().and_then(|u| url.join(u).ok()) else {
        return true;
    };
    let canonical = meta.canonical.as_deref().and_then(|c| url.join(c).ok());
    let same = |a: &Url, b: &Url| a.path().trim_end_matches('/') == b.path().trim_end_matches('/');
    same(&declared, url) || canonical.is_some_and(|c| same(&declared, &c))
}

/// The verdict and the rule that gave it.
fn article_verdict(
    url: &Url,
    meta: &meta::Meta,
    content: &content::Content,
    body_chars: usize,
) -> (bool, &'static str) {
    if (url.path() == "/" || url.path().is_empty()) && !names_a_post(url) {
        return (false, "home page");
    }
    // Headings that are links are a listing's items; a listicle links its headings too, but
    // writes paragraphs under each, where a listing has a line or two of teaser.
    // ... unless the page's JSON-LD declares it an article, itself (a listing's item list
    // declares its items, each with its own address).
    if content.linked_headings >= 3
        && body_chars < content.linked_headings * LISTING_TEASER_CHARS
        && !ld_declares_this_page(url, meta)
    {
        return (false, "linked headings over little text");
    }
    let declared = meta.ld.is_article
        || meta
            .tag(&["og:type"])
            .is_some_and(|t| t.eq_ignore_ascii_case("article"));
    let page_link_density = if content.page_chars == 0 {
        1.0
    } else {
        content.page_link_chars as f32 / content.page_chars as f32
    };
    if declared {
        (
            body_chars >= MIN_DECLARED_ARTICLE_CHARS,
            "declared an article",
        )
    } else if body_chars < MIN_ARTICLE_CHARS
        || (content.paragraphs.len() < 2 && body_chars < ONE_PARAGRAPH_ARTICLE_CHARS)
    {
        (false, "too little body")
    } else if page_link_density >= 0.75 && body_chars < FULL_ARTICLE_CHARS {
        // A page mostly of links is a link page, unless its body alone is a full article (a
        // government site's article under menus of hundreds of links).
        (false, "mostly links")
    } else {
        (true, "body")
    }
}

/// The site an address belongs to: its host, lower case, `www.` aside.
pub(crate) fn site_host(url: &Url) -> Option<String> {
    url.host_str()
        .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
}

fn canonical_url(url: &Url, meta: &meta::Meta) -> Url {
    [
        meta.canonical.as_deref(),
        meta.tag(&["og:url"]),
        meta.ld.url.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|c| url.join(c.trim()).ok())
    .find(|c| matches!(c.scheme(), "http" | "https") && c.host_str().is_some())
    .map(|mut c| {
        c.set_fragment(None);
        c
    })
    .unwrap_or_else(|| url.clone())
}

/// `<meta>` names that say "published".
const PUBLISHED_TAGS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "dc.date.issued",
    "dcterms.created",
    "parsely-pub-date",
    "cxenseparse:recs:publishtime",
    "published",
    "published-date",
    "published_date",
    "publication-date",
    "publication_date",
];

/// `<meta>` names that only say "date": weaker than any date the page shows (content
/// management systems rewrite them on every save), used when nothing else gives one.
const DATE_TAGS: &[&str] = &["dc.date", "date", "sailthru.date"];

const MODIFIED_TAGS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "lastmod",
    "last-modified",
    "article.updated",
];

/// The publication time the page states, from its metadata, URL and date lines.
/// `month_first_day`: the declared publication's day when the metadata writes its numeric
/// days month first ([`month_first_publication`]).
fn published_at(
    url: &Url,
    html: &Html,
    blocks: &dom::Blocks,
    meta: &meta::Meta,
    content: &content::Content,
    zone: LocalZone,
    month_first_day: Option<chrono::NaiveDate>,
) -> Option<ArticleTime> {
    // The values that name themselves the publication time, in order of trust; then the
    // `<time>` elements and the rest.
    let declared: Vec<ArticleTime> = declared_publication_values(meta)
        .iter()
        .filter_map(|v| dates::parse_machine(v, zone))
        .collect();

    // A microdata element holding its date as text ("December 7, 2020") states it as the
    // page shows it, no more: no vote among the declared values.
    let microdata_shown = meta
        .microdata_published
        .as_ref()
        .filter(|m| m.shown)
        .and_then(|m| dates::parse_visible(&m.value, zone));
    let candidates: Vec<ArticleTime> = declared
        .iter()
        .copied()
        .chain(microdata_shown)
        .chain(
            meta.time_datetimes
                .iter()
                .map(String::as_str)
                .chain(meta.ld.page_date_published.as_deref())
                .chain(meta.trackback_date.as_deref())
                .filter_map(|v| dates::parse_machine(v, zone)),
        )
        .collect();
    // The generic date tags are too often rewritten to choose the day (they come last), but
    // one that names the same instant in the site's own offset shows what day its readers saw.
    let generic: Vec<ArticleTime> = DATE_TAGS
        .iter()
        .filter_map(|k| meta.tag(&[k]))
        .filter_map(|v| dates::parse_machine(v, zone))
        .collect();
    let same_instant: Vec<ArticleTime> = candidates.iter().chain(&generic).copied().collect();
    // The day the page shows, read at most once and only when the metadata leaves a doubt.
    let shown = std::cell::OnceCell::new();
    let shown_day = || *shown.get_or_init(|| shown_day(html, content, zone));
    let machine = candidates.first().map(|first| {
        if let Some(day) = month_first_day {
            return on_day(*first, day);
        }
        let local = local_offset(*first, &same_instant, zone);
        // A site may show its times in UTC all the same ("26/12/2019" beside
        // 2019-12-26T23:07:45+00:00): the day it shows wins over the day of its country.
        if local.date() != first.date() && shown_day() == Some(first.date()) {
            return *first;
        }
        // Declared values that disagree (a JSON-LD day two days before the Open Graph one):
        // the one naming the day the page shows. Read only then, the page's text costs
        // nothing on the many pages whose metadata agrees.
        let others: Vec<ArticleTime> = declared
            .iter()
            .skip(1)
            .map(|t| local_offset(*t, &same_instant, zone))
            .filter(|t| t.date() != local.date())
            .collect();
        if !others.is_empty() {
            if let Some(day) = shown_day().filter(|d| *d != local.date()) {
                if let Some(other) = others.into_iter().find(|t| t.date() == day) {
                    return other;
                }
            }
        }
        local
    });
    // Metadata first, then the day in the URL, then elements named as dates, then the date
    // lines around the title.
    // A full date in the URL is what the site filed the article under; metadata that
    // disagrees with it is more often a re-save than a publication, unless it is the next
    // day: filed in the evening, published in the morning. When they agree, the metadata's
    // time and offset are kept.
    let filed = match (date_in_url(url), machine) {
        (Some(day), Some(meta))
            if day.date() != meta.date() && !published_the_day_after_filing(day, meta) =>
        {
            found("url over metadata", Some(day))
        }
        (day, None) => found("url", day),
        (_, stated) => match stated
            .and_then(|p| shown_revision(html, content, meta, p, zone, month_first_day.is_some()))
        {
            Some(revision) => found("revision the page shows", Some(revision)),
            None => found("metadata", stated),
        },
    };
    filed
        .or_else(|| {
            found(
                "labelled line",
                labelled_publication_line(html, blocks, zone),
            )
        })
        .or_else(|| found("date element", date_elements(html, zone)))
        .or_else(|| found("date line", date_line(content, zone)))
        .or_else(|| found("generic date meta", generic.first().copied()))
}

/// The values that name themselves the publication time, as written, in order of trust.
fn declared_publication_values(meta: &meta::Meta) -> Vec<&str> {
    meta.ld
        .date_published
        .iter()
        .map(String::as_str)
        .chain(PUBLISHED_TAGS.iter().filter_map(|k| meta.tag(&[k])))
        .chain(
            meta.microdata_published
                .as_ref()
                .filter(|m| !m.shown)
                .map(|m| m.value.as_str()),
        )
        .collect()
}

/// The day of the first declared publication value read month first, when it is a numeric
/// day that reads both ways and the page shows it month first: "03-09-2026" in
/// `article:published_time`, read day first like every such day, under "Published March 9,
/// 2026". `shown_day` is asked only of such a value.
fn month_first_publication(
    declared_values: &[&str],
    zone: LocalZone,
    shown_day: impl FnOnce() -> Option<chrono::NaiveDate>,
) -> Option<chrono::NaiveDate> {
    let day = declared_values
        .iter()
        .find(|v| dates::parse_machine(v, zone).is_some())
        .and_then(|v| dates::month_first_reading(v))?;
    (shown_day() == Some(day)).then_some(day)
}

/// `time` moved to `day`, at the same time of day and offset.
fn on_day(time: ArticleTime, day: chrono::NaiveDate) -> ArticleTime {
    match time {
        ArticleTime::Date(_) => ArticleTime::Date(day),
        ArticleTime::DateTime(t) => {
            chrono::TimeZone::from_local_datetime(t.offset(), &day.and_time(t.time()))
                .single()
                .map_or(ArticleTime::Date(day), ArticleTime::DateTime)
        }
    }
}

/// Whether `meta` is the day after the one in the URL wherever the page is read: the story
/// was filed one day and published the next (a newsroom's URL names the day it was created).
/// A time with the site's own offset is read on its stated day; a UTC one must fall on the
/// next day from UTC−10 (Hawaii) eastwards, or it may be the URL's day for the site's readers.
fn published_the_day_after_filing(url: ArticleTime, meta: ArticleTime) -> bool {
    /// Hours past midnight UTC from which a time is the same day at UTC−10.
    const SAME_DAY_WEST_OF_UTC_HOURS: u32 = 10;
    let ArticleTime::DateTime(meta) = meta else {
        return false;
    };
    meta.date_naive() == url.date() + chrono::Days::new(1)
        && (meta.offset().local_minus_utc() != 0
            || chrono::Timelike::hour(&meta) >= SAME_DAY_WEST_OF_UTC_HOURS)
}

/// Most days a story's revision may follow its first publication and still be the story as
/// its readers got it: one news cycle. A page shown under a day months later is an old page
/// refreshed, whose first publication the metadata keeps.
const NEWS_CYCLE_DAYS: i64 = 7;

/// The metadata's modified time, when the page shows that day as the story's date and the
/// published day nowhere ("Mittwoch, 26.01.2022 - 14:30" over a hidden
/// `article:published_time` of the 25th, a press release dated the morning after the evening
/// it was entered). The date shown first must not be labelled as a revision ("Updated March
/// 14"), and the revision must come within a news cycle of the publication.
fn shown_revision(
    html: &Html,
    content: &content::Content,
    meta: &meta::Meta,
    published: ArticleTime,
    zone: LocalZone,
    month_first: bool,
) -> Option<ArticleTime> {
    let modified = modified_at(html, meta, zone, month_first)?;
    let gap = (modified.date() - published.date()).num_days();
    if !(1..=NEWS_CYCLE_DAYS).contains(&gap) {
        return None;
    }
    let shown: Vec<(ArticleTime, String)> = date_element_texts(html)
        .chain(content.date_lines.iter().cloned())
        .filter_map(|text| dates::parse_visible(&text, zone).map(|t| (t, text)))
        .collect();
    let (first, first_text) = shown.first()?;
    let shows_revision = first.date() == modified.date()
        && !dates::names_revision(first_text)
        && shown.iter().all(|(t, _)| t.date() != published.date());
    // The time as the page shows it ("07.11.2023, 07:30 Uhr" beside a re-save at 10:14),
    // or the metadata's when the page shows the day alone.
    shows_revision.then_some(match first {
        ArticleTime::DateTime(_) => *first,
        ArticleTime::Date(_) => modified,
    })
}

/// The first of the date lines around the title that reads as a date.
fn date_line(content: &content::Content, zone: LocalZone) -> Option<ArticleTime> {
    content
        .date_lines
        .iter()
        .find_map(|l| dates::parse_visible(l, zone))
}

/// `time`, passed through, with a debug event naming where it was found: which of the many
/// places a page may state its date won is what explains a wrong one.
fn found(source: &'static str, time: Option<ArticleTime>) -> Option<ArticleTime> {
    if let Some(t) = &time {
        tracing::debug!(source, date = %t, "publication date");
    }
    time
}

/// The day the page shows near its title or in an element named as a date, if any.
fn shown_day(
    html: &Html,
    content: &content::Content,
    zone: LocalZone,
) -> Option<chrono::NaiveDate> {
    date_elements(html, zone)
        .or_else(|| date_line(content, zone))
        .map(|t| t.date())
}

/// The last resort, when neither metadata, the URL, date elements nor the lines around the
/// title give a date: the first short line of the page, outside links, that reads as a full
/// date ("Samstag, 19. Juli 2014", "06.10.2017 11:15"). Pages list newer items above older
/// ones less often than they put their own date near the top.
fn first_dated_line(html: &Html, blocks: &dom::Blocks, zone: LocalZone) -> Option<ArticleTime> {
    blocks
        .blocks
        .iter()
        // A date that is itself a link (a permalink) counts; a date inside a list of links
        // (archives, related posts) does not.
        .filter(|b| b.chars <= 100 && (b.link_density() < 0.5 || b.chars <= 40))
        .take(400)
        // Never a comment's time nor a related item's, nor today's in the masthead.
        .filter(|b| !dom::dated_by_others(html, b.node))
        .find_map(|b| {
            let date = b
                .text
                .split('\n')
                .filter(|l| l.chars().count() <= 100 && !dates::names_another_time(l))
                .find_map(|l| last_resort_day(l, zone))?;
            // Asked only of a dated block: the list around it is read once, not for every
            // item of a menu.
            (!(b.in_list_item && in_dated_list(html, b.node, zone))).then_some(date)
        })
}

/// A date as the last-resort scan reads one: a full date, or a day with a two-digit year.
fn last_resort_day(text: &str, zone: LocalZone) -> Option<ArticleTime> {
    dates::parse_visible(text, zone).or_else(|| dates::parse_short_year(text, zone))
}

/// How far before its date the word naming the page's own item may be in a description.
const DESCRIPTION_LABEL_REACH: usize = 40;

/// A date the page's description gives its own item ("ORSO MARSICANO: 2019 UN ANNO DA RECORD
/// (Notizia del 14 Gennaio 2020)"): a word naming a news item or its publication, then the
/// date. Read only when the page gives no other date, since a description may as well name
/// the day of the event it announces; the label is what says the date is the item's.
fn description_date(meta: &meta::Meta, zone: LocalZone) -> Option<ArticleTime> {
    static LABEL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(?:notizia|news|nachricht|meldung|artikel|article|comunicato|communiqué|pressemitteilung|press release|published|pubblicat[oa]|veröffentlicht|publié|publicado)\b",
        )
        .expect("static regex is valid")
    });
    let description = meta.tag(&["description", "og:description"])?;
    LABEL.find_iter(description).take(3).find_map(|label| {
        let reach = DESCRIPTION_LABEL_REACH;
        dates::parse_visible(
            window(description, label.start(), label.end(), 0, reach),
            zone,
        )
    })
}

/// Whether a node is in an item of a list of dated items ("Top-News" with each story's day):
/// a listing of other pages, whose dates are theirs. A list holding one date is the page's own
/// line of metadata ("<li>13 Oct 2020 18:29</li><li>Politics</li>").
fn in_dated_list(html: &Html, node: ego_tree::NodeId, zone: LocalZone) -> bool {
    /// The list items read, at most; a list's first few tell what it is.
    const ITEMS_READ: usize = 12;
    /// How far up from the block its list item may be.
    const LEVELS_UP: usize = 12;
    let Some(item) = html.tree.get(node).and_then(|n| {
        std::iter::once(n)
            .chain(n.ancestors())
            .take(LEVELS_UP)
            .find(|a| a.value().as_element().is_some_and(|e| e.name() == "li"))
    }) else {
        return false;
    };
    let Some(list) = item.parent() else {
        return false;
    };
    list.children()
        .filter_map(scraper::ElementRef::wrap)
        .filter(|e| e.value().name() == "li")
        .take(ITEMS_READ)
        .filter(|li| {
            li.text()
                .any(|t| t.len() <= 100 && last_resort_day(t, zone).is_some())
        })
        .nth(1)
        .is_some()
}

/// The page's text with the markup of its `<script type="text/template">` elements put in
/// place of the elements, when one of them holds paragraphs; `None` when none does.
fn unwrap_templates(text: &str) -> Option<String> {
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

/// A short line that names itself the publication date, wherever it stands: "Erschienen am:
/// 01.11.2023", "Veröffentlicht am 16.08.2019", "Published: March 4, 2020", "Ngày đăng:
/// 01/12/2021". Stronger than a line that is only a date (it could be an event's or an
/// update's).
fn labelled_publication_line(
    html: &Html,
    blocks: &dom::Blocks,
    zone: LocalZone,
) -> Option<ArticleTime> {
    static LABEL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)(?:^|[^\p{L}])(?:erschienen am|veröffentlicht am|publiziert am|meldung vom|artikel vom|beitrag vom|pressemitteilung vom|nachricht vom|notizia del|published(?: on)?|publié le|pubblicato il|publicado(?: el)?|ngày đăng|ngày xuất bản)\s*:?(?:\s|$)",
        )
        .expect("static regex is valid")
    });
    blocks
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.chars <= 200)
        .find_map(|(i, b)| {
            // The date right after the label: a line may hold other dates before it
            // ("Letzte Änderung: 31.10.2023 Erschienen am: 01.11.2023").
            let label = LABEL.find(&b.text)?;
            if dom::in_foreign_box(html, b.node) {
                return None;
            }
            let after = window(&b.text, label.start(), label.end(), 0, LABELLED_DATE_CHARS);
            if !b.text[label.end()..].trim().is_empty() {
                return dates::parse_visible(after, zone);
            }
            // A label ending its block ("Erschienen am:" in a span, the day in the heading
            // after it): the next block, when it is short.
            blocks
                .blocks
                .get(i + 1)
                .filter(|next| next.chars <= LABELLED_DATE_CHARS)
                .and_then(|next| dates::parse_visible(&next.text, zone))
        })
}

/// How far after its label a publication date is looked for, in characters.
const LABELLED_DATE_CHARS: usize = 40;

/// Longest opening of a paragraph read as its dateline.
const MAX_DATELINE_CHARS: usize = 50;

/// The dateline a press release or agency story opens with: "27.1.2022 - Bei der …",
/// "BERLIN, 28.10.2021 – …", in the lead or one of the first three paragraphs.
fn dateline(content: &content::Content, zone: LocalZone) -> Option<ArticleTime> {
    content
        .lead
        .iter()
        .chain(content.paragraphs.iter().take(3))
        .find_map(|paragraph| {
            // "Karlsruhe, (12.11.2021). Traditionell …": a place, then the day in brackets.
            static PLACE_DAY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
                regex::Regex::new(r"^\p{Lu}[\p{L} .'/-]{1,40},\s*\(([^()]{6,40})\)")
                    .expect("static regex is valid")
            });
            if let Some(day) = PLACE_DAY.captures(paragraph) {
                return dates::parse_visible(&day[1], zone);
            }
            // "01.02.2022 „Der Arbeitsmarkt …": a numeric day opening the paragraph.
            static OPENING_DAY: std::sync::LazyLock<regex::Regex> =
                std::sync::LazyLock::new(|| {
                    regex::Regex::new(r"^(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2})\s")
                        .expect("static regex is valid")
                });
            if let Some(day) = OPENING_DAY.captures(paragraph) {
                return dates::parse_visible(&day[1], zone);
            }
            let (opening, _) = [" - ", " – ", " — "]
                .iter()
                .filter_map(|dash| paragraph.split_once(dash))
                .min_by_key(|(opening, _)| opening.len())?;
            (opening.chars().count() <= MAX_DATELINE_CHARS)
                .then(|| dates::parse_visible(opening, zone))
                .flatten()
        })
}

/// How far from its verb the date of a publication sentence may be, in characters.
const PUBLICATION_SENTENCE_REACH: usize = 120;

/// The very last resort: a sentence that says when the page was published, wherever it is
/// ("Dieser Beitrag wurde am Samstag, 3. Dezember 2011 veröffentlicht", "This entry was
/// posted on May 4, 2016"), blogs' post footers mostly, which link the post, its categories
/// and its feeds around the sentence. The verb must be there, and the date near it: a
/// sentence that only mentions a date says nothing about the page.
fn publication_sentence(html: &Html, blocks: &dom::Blocks, zone: LocalZone) -> Option<ArticleTime> {
    static VERB: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)veröffentlicht|gepostet|publiziert|\bwurde am\b|\bverfasst am\b|\bpublished\b|\bposted\b|\bpublié|\bpubblicato|\bpublicado|đăng lúc|đăng ngày|xuất bản",
        )
        .expect("static regex is valid")
    });
    blocks
        .blocks
        .iter()
        .filter(|b| b.link_density() < 0.8 && VERB.is_match(&b.text))
        .filter(|b| !dom::in_foreign_box(html, b.node))
        .find_map(|b| {
            VERB.find_iter(&b.text).take(3).find_map(|verb| {
                let reach = PUBLICATION_SENTENCE_REACH;
                dates::parse_visible(
                    window(&b.text, verb.start(), verb.end(), reach, reach),
                    zone,
                )
            })
        })
}

/// The text of `text[start..end]` widened by `before` characters on its left and `after` on
/// its right (fewer at the ends of the text).
fn window(text: &str, start: usize, end: usize, before: usize, after: usize) -> &str {
    let from = if before == 0 {
        start
    } else {
        text[..start]
            .char_indices()
            .rev()
            .nth(before - 1)
            .map_or(0, |(i, _)| i)
    };
    let to = text[end..]
        .char_indices()
        .nth(after)
        .map_or(text.len(), |(i, _)| end + i);
    &text[from..to]
}

/// A publication date that only a script's data gives (`"published_at":"2019-03-02T06:22:28+01:00"`
/// in a page's state object, a JSON-LD block too broken to parse).
fn script_date(html: &Html, zone: LocalZone) -> Option<ArticleTime> {
    static KEY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#""(?:datePublished|date_published|publishedAt|published_at|publishDate|publish_date|pubDate)"\s*:\s*"([^"]{8,40})""#,
        )
        .expect("static regex is valid")
    });
    script_value(html, &KEY, 5, zone)
}

/// The creation time a page's script data gives its document ("createdAt" in an app's
/// state), the last resort: it names when the record was made, most often the article's.
fn script_created(html: &Html, zone: LocalZone) -> Option<ArticleTime> {
    static KEY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#""(?:createdAt|created_at)"\s*:\s*"([^"]{8,40})""#)
            .expect("static regex is valid")
    });
    script_value(html, &KEY, 1, zone)
}

/// The first time among the first `per_script` values `key` captures in each of the page's
/// first scripts.
fn script_value(
    html: &Html,
    key: &regex::Regex,
    per_script: usize,
    zone: LocalZone,
) -> Option<ArticleTime> {
    static SCRIPT: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("script").expect("static selector is valid")
    });
    html.select(&SCRIPT)
        .take(50)
        .flat_map(|script| script.text().collect::<Vec<_>>())
        .find_map(|text| {
            key.captures_iter(text)
                .take(per_script)
                .find_map(|c| dates::parse_machine(&c[1], zone))
        })
}

/// A time given in UTC ("2019-10-18T22:04:00Z") is shown in the page's own offset when the
/// page says it elsewhere (the same instant as "Sat, 19 Oct 2019 00:04:00 +0200"), else in
/// the page's zone when known (Vietnam's, or its country domain's): the day a reader sees is
/// the local one.
fn local_offset(time: ArticleTime, others: &[ArticleTime], zone: LocalZone) -> ArticleTime {
    let ArticleTime::DateTime(utc) = time else {
        return time;
    };
    if utc.offset().local_minus_utc() != 0 {
        return time;
    }
    let same_instant = others.iter().find_map(|other| match other {
        ArticleTime::DateTime(t) if t.offset().local_minus_utc() != 0 && *t == utc => Some(*t),
        _ => None,
    });
    if let Some(local) = same_instant {
        return ArticleTime::DateTime(local);
    }
    match zone.day_zone(utc) {
        Some(tz) => ArticleTime::DateTime(utc.with_timezone(&tz).fixed_offset()),
        None => time,
    }
}

/// A day written day first in the URL's path ("/meldungen/29-10-2021"), or month first when
/// only that reads as a day ("wrap-up-12-19-2025"). A date that reads both ways
/// ("02-11-2023") is day first on a site of a country domain (`.fr`, `.vn`: [`LocalZone`]
/// known) and says nothing elsewhere. The last resort: such a day is as often part of a
/// title ("report of 22.04.2020") as the day the page was filed under.
fn day_first_in_url(url: &Url, zone: LocalZone) -> Option<ArticleTime> {
    static IN_PATH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[/_-](\d{1,2})([-._])(\d{1,2})([-._])((?:19|20)\d{2})(?:[/_.-]|$)")
            .expect("static regex is valid")
    });
    let c = IN_PATH.captures(url.path())?;
    // One separator throughout: "29-10-2021", not "1.2-2021".
    if c[2] != c[4] {
        return None;
    }
    let (a, b, year): (u32, u32, i32) =
        (c[1].parse().ok()?, c[3].parse().ok()?, c[5].parse().ok()?);
    let day_first = chrono::NaiveDate::from_ymd_opt(year, b, a);
    let month_first = chrono::NaiveDate::from_ymd_opt(year, a, b);
    match (day_first, month_first) {
        (Some(_), Some(_)) if zone.tz().is_none() && day_first != month_first => None,
        (Some(d), _) | (None, Some(d)) => Some(ArticleTime::Date(d)),
        (None, None) => None,
    }
}

/// A day written in the URL's path: `/2021/12/01/`, `/2021-12-01-` and the like.
fn date_in_url(url: &Url) -> Option<ArticleTime> {
    // "/2020/04/28/slug" (the day a whole segment: in "/2023/10/3-fragen" the 3 starts the
    // slug), "2020-04-28-slug", "_2020_04_28", or a segment of its own "/20200428/".
    static IN_PATH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:[/.]|$)|[/_-]((?:19|20)\d{2})[_-](\d{1,2})[_-](\d{1,2})(?:[/_.-]|$)|/((?:19|20)\d{2})(\d{2})(\d{2})(?:/|$)",
        )
        .expect("static regex is valid")
    });
    let c = IN_PATH.captures(url.path())?;
    let first = [1, 4, 7].into_iter().find(|&i| c.get(i).is_some())?;
    let (year, month, day) = (
        c.get(first)?.as_str(),
        c.get(first + 1)?.as_str(),
        c.get(first + 2)?.as_str(),
    );
    let day = chrono::NaiveDate::from_ymd_opt(
        year.parse().ok()?,
        month.parse().ok()?,
        day.parse().ok()?,
    )?;
    dates::parse_machine(&day.format("%Y-%m-%d").to_string(), LocalZone::Unknown)
}

/// The time the metadata declares the page last modified, else the revision a wiki's footer
/// shows. `month_first`: the page's metadata writes its numeric days month first (its
/// publication says so, [`month_first_publication`]).
fn modified_at(
    html: &Html,
    meta: &meta::Meta,
    zone: LocalZone,
    month_first: bool,
) -> Option<ArticleTime> {
    meta.ld
        .date_modified
        .iter()
        .map(String::as_str)
        .chain(MODIFIED_TAGS.iter().filter_map(|k| meta.tag(&[k])))
        .chain(meta.microdata_modified.as_ref().map(|m| m.value.as_str()))
        .find_map(|v| {
            let time = dates::parse_machine(v, zone)?;
            Some(
                match dates::month_first_reading(v).filter(|_| month_first) {
                    Some(day) => on_day(time, day),
                    None => time,
                },
            )
        })
        .or_else(|| wiki_revision(html, meta, zone))
}

/// The time of the revision a MediaWiki page shows, from the footer line it writes in the
/// wiki's language ("Diese Seite wurde zuletzt am 29. Januar 2020 um 13:22 Uhr geändert.",
/// "This page was last edited on 25 October 2019, at 15:47").
fn wiki_revision(html: &Html, meta: &meta::Meta, zone: LocalZone) -> Option<ArticleTime> {
    // Asked of MediaWiki's pages alone, which name their generator: no other page pays for
    // the search.
    if !meta
        .tag(&["generator"])
        .is_some_and(|g| g.starts_with("MediaWiki"))
    {
        return None;
    }
    static LAST_MODIFIED: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("#footer-info-lastmod").expect("static selector is valid")
    });
    let footer = html.select(&LAST_MODIFIED).next()?;
    dates::parse_visible(&meta::text_of(footer), zone)
}

/// Short elements whose class or id names a date, in page order.
fn date_elements(html: &Html, zone: LocalZone) -> Option<ArticleTime> {
    date_element_texts(html).find_map(|text| dates::parse_visible(&text, zone))
}

/// The texts of the short elements whose class or id names a date, in page order: neither a
/// comment's, a related item's nor a teaser's, nor a text naming another time.
fn date_element_texts(html: &Html) -> impl Iterator<Item = String> + '_ {
    static DATE_HINT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"date|time|datum|fecha|ngay|publish|posted|thoigian|thoi-gian")
            .expect("static regex is valid")
    });
    static WITH_CLASS: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("[class], [id]").expect("static selector is valid")
    });
    html.select(&WITH_CLASS)
        .filter(|el| {
            let hints = dom::class_and_id(el.value());
            DATE_HINT.is_match(&hints)
                && !dom::dated_by_others(html, el.id())
                && !dom::in_teaser(*el)
        })
        .take(50)
        .map(|el| {
            // An empty marker may hold the date it shows in an attribute, drawn by its style
            // (`<div data-date="18. März 2020" class="timeline__arrow">` under the headline).
            let text = meta::text_of(el);
            match el.value().attr("data-date") {
                Some(shown) if text.is_empty() => normalize_text(shown),
                _ => text,
            }
        })
        .filter(|text| text.chars().count() <= 120 && !dates::names_another_time(text))
}

fn authors(
    html: &Html,
    blocks: &dom::Blocks,
    meta: &meta::Meta,
    content: &content::Content,
    site: &SiteNames,
) -> Vec<String> {
    let declared = meta
        .ld
        .authors
        .iter()
        .cloned()
        .chain(
            meta.tag(&[
                "author",
                "article:author",
                "dc.creator",
                "parsely-author",
                "sailthru.author",
            ])
            // "Olympia-Verlag GmbH, Nürnberg, Germany": what follows an organisation (or the
            // site itself) is its address, not more people.
            .map(|a| {
                a.split([',', ';'])
                    .take_while(|part| !boilerplate::is_not_a_name(part) && !site.named_by(part))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
        )
        // Values escaped twice ("Redacci&oacute;n") are decoded.
        .map(|a| normalize_text(&html_escape::decode_html_entities(&a)))
        .filter(|a| is_person(a, site));
    let mut out: Vec<String> = declared.collect();
    out.extend(content.authors.iter().cloned());
    if out.is_empty() {
        out.extend(byline_elements(html));
    }
    if out.is_empty() {
        out.extend(labelled_byline(html, blocks));
    }
    if out.is_empty() {
        out.extend(byline_near_title(content));
    }
    // One person given twice, as a handle and as a name ("arianschlichenmayer", "Arian
    // Schlichenmayer"): the written-out name, in the first one's place.
    let mut unique: Vec<(String, String)> = Vec::with_capacity(out.len());
    for name in out {
        let key = name_key(&name);
        match unique.iter_mut().find(|(kept_key, _)| *kept_key == key) {
            Some((_, kept))
                if name.split_whitespace().count() > kept.split_whitespace().count() =>
            {
                *kept = name;
            }
            Some(_) => {}
            None => unique.push((key, name)),
        }
    }
    unique.into_iter().map(|(_, name)| name).collect()
}

/// A byline among the short lines around the title that says it is one ("By Sofia
/// Gonzalez", "Von Anna Berg"): without the word, two capitalised words there are as often
/// a section or a place.
fn byline_near_title(content: &content::Content) -> Vec<String> {
    content
        .date_lines
        .iter()
        .filter(|line| {
            boilerplate::opens_byline(line) || boilerplate::opens_with_author_label(line)
        })
        .find_map(|line| boilerplate::byline_names(line))
        .unwrap_or_default()
}

/// The names in the block after a byline label that stands alone ("Written by" in one
/// element, "Edzel Tabing" in the next), outside comment and related boxes.
fn labelled_byline(html: &Html, blocks: &dom::Blocks) -> Vec<String> {
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
                && boilerplate::says_written_by(&label.text)
                && !dom::in_foreign_box(html, label.node)
            {
                if let Some(names) = boilerplate::byline_names(&label.text) {
                    return Some(names);
                }
            }
            (label.chars <= 20
                && boilerplate::is_byline_label(&label.text)
                && !dom::in_foreign_box(html, label.node))
            .then(|| boilerplate::byline_names(&next.text))
            .flatten()
        })
        .unwrap_or_default()
}

/// Links to an author's page, as a selector list: a byline, whatever its class.
const AUTHOR_PAGE_LINKS: &str = r#"a[href*="/author/"], a[href*="/authors/"], a[href*="/autor/"], a[href*="/autoren/"], a[href*="/tac-gia/"]"#;

/// Names in elements marked as bylines (`class="author"`, `rel="author"`, `itemprop="author"`).
fn byline_elements(html: &Html) -> Vec<String> {
    static BYLINE: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse(
            &format!(
                r#"[class*="author"], [class*="byline"], [class*="auteur"], [class*="autor"], [class*="tac-gia"], [rel="author"], [itemprop="author"], {AUTHOR_PAGE_LINKS}"#
            ),
        )
        .expect("static selector is valid")
    });
    static NAME_LINK: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("a").expect("static selector is valid")
    });
    html.select(&BYLINE)
        .take(20)
        // Another article's card names its own author, a comment its commenter.
        .filter(|element| !dom::in_card(*element) && !dom::in_foreign_box(html, element.id()))
        .find_map(|element| {
            // Several authors are often several links side by side, with no separator in
            // the text: each link is one name.
            let linked: Vec<String> = element
                .select(&NAME_LINK)
                .map(meta::visible_text)
                .filter(|t| !t.is_empty())
                .collect();
            if linked.len() >= 2 {
                let names: Option<Vec<String>> = linked
                    .iter()
                    .map(|t| boilerplate::byline_names(t).filter(|n| n.len() == 1))
                    .map(|n| n.and_then(|mut n| n.pop()))
                    .collect();
                if let Some(names) = names {
                    return Some(names);
                }
            }
            let text = meta::visible_text(element);
            (!text.is_empty() && text.chars().count() <= 60)
                .then(|| boilerplate::byline_names(&text))
                .flatten()
                // A byline that goes on with the writer's job ("<a>Daniel Burstein</a>,
                // Senior Director, Content & Marketing, …"): its one link is the name.
                .or_else(|| match linked.as_slice() {
                    [name] if text.starts_with(name.as_str()) => {
                        boilerplate::byline_names(name).filter(|n| n.len() == 1)
                    }
                    _ => None,
                })
                .or_else(|| author_handle(element).map(|handle| vec![handle]))
                .or_else(|| portrait_name(element, &text))
        })
        .unwrap_or_default()
}

/// The name an author box gives twice: as its portrait's `alt` and as the whole text of one
/// of its elements (`<img alt="Lauren Vetter">`, `<div>Lauren Vetter</div>`, then the
/// biography; `text` is the box's visible text). Said twice so, it is the box's person,
/// unless the box names a reviewer ("Reviewed by", "Fact checked by"). A box is a name, a
/// line or two and a biography; a longer element with "author" in its class is a wrapper of
/// the page, whose logo and site name say the same thing twice too.
fn portrait_name(element: scraper::ElementRef<'_>, text: &str) -> Option<Vec<String>> {
    /// The most characters an author box holds.
    const BOX_CHARS: usize = 600;
    static REVIEWER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:reviewed|fact[- ]checked|edited)\b")
            .expect("static regex is valid")
    });
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
        .filter_map(|img| img.value().attr("alt"))
        .map(normalize_text)
        .find(|alt| !alt.is_empty())?;
    element
        .select(&NAMED)
        .take(30)
        .any(|named| meta::visible_text(named) == alt)
        .then(|| boilerplate::byline_names(&alt).filter(|names| names.len() == 1))
        .flatten()
}

/// The one-word name a link to an author's page gives ("Creeny", "marc", "gizzmo": the
/// handles blogs sign with), when the element is such a link or holds exactly one. Only
/// an explicit link (`rel="author"`, an author-page address) vouches for a word that no
/// name pattern would accept. A handle that is the site's name stays: a personal blog is
/// named after the one who writes it.
fn author_handle(element: scraper::ElementRef<'_>) -> Option<String> {
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

/// The names a site goes by: its declared name (`og:site_name`) and its domain's own label
/// ("automobilwoche" for www.automobilwoche.de), to tell the site's credit from a person's.
struct SiteNames {
    declared: Option<String>,
    /// The longest label of the host, letters and digits only, lower case.
    host_key: String,
}

impl SiteNames {
    fn new(declared: Option<&str>, host: &str) -> Self {
        SiteNames {
            declared: declared.map(str::to_lowercase),
            host_key: host_key(host),
        }
    }

    /// Whether a credit is the site's name ("L-MAG – Das Magazin für Lesben", "Lebensmittel
    /// Praxis" on lebensmittelpraxis.de, "La República" on larepublica.pe).
    fn named_by(&self, credit: &str) -> bool {
        let lower = credit.to_lowercase();
        if self.declared.as_deref().is_some_and(|s| lower.contains(s)) {
            return true;
        }
        // A personal site is named after its author (garymarcus.substack.com): a credit that
        // reads as a person's name stays one.
        if boilerplate::looks_like_name(credit.trim()) {
            return false;
        }
        let key = name_key(credit);
        // A domain's label shorter than this matches names by chance ("ard", "taz").
        const MIN_HOST_KEY: usize = 6;
        self.host_key.len() >= MIN_HOST_KEY && !key.is_empty() && key.contains(&self.host_key)
    }
}

/// The longest label of a host, letters and digits only, lower case: "pronats" for
/// www.pronats.de, "muffinrezept" for muffinrezept.net.
fn host_key(host: &str) -> String {
    host.trim_start_matches("www.")
        .split('.')
        .map(name_key)
        .max_by_key(String::len)
        .unwrap_or_default()
}

/// A host's key shorter than this matches a title's words by chance ("ard", "taz", "fr").
const MIN_TITLE_HOST_KEY: usize = 5;

/// The longest part of a title read as the site's name.
const MAX_SITE_NAME_CHARS: usize = 40;

/// Letters and digits of a name, lower case, accents dropped: "La República" -> "larepublica".
fn name_key(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Rejects what sites put in author fields that is not a person: URLs and domain names, the
/// site's own name, staff initials, organisations and labels.
fn is_person(name: &str, site: &SiteNames) -> bool {
    could_be_a_name(name) && !site.named_by(name)
}

/// Whether a credit could name someone: letters, not a web address, a social account
/// ("@NatGeoUK", often the site's own), an agency, a label or an organisation.
fn could_be_a_name(name: &str) -> bool {
    static DOMAIN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)https?:|www\.|[\w-]\.[a-z]{2,6}$").expect("static regex is valid")
    });
    name.chars().any(char::is_alphabetic)
        && name.chars().count() <= 60
        && !DOMAIN.is_match(name.trim())
        && !name.trim_start().starts_with('@')
        && boilerplate::classify_credit(name).is_none()
        && !boilerplate::is_not_a_name(name)
}

fn section(html: &Html, meta: &meta::Meta) -> Option<String> {
    static BREADCRUMB: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse(
            r#"[class*="breadcrumb"] a, [id*="breadcrumb"] a, [class*="bread-crumb"] a, [itemtype*="BreadcrumbList"] a, [class*="detail-cate"] a"#,
        )
        .expect("static selector is valid")
    });
    let is_home = |s: &str| {
        let l = s.to_lowercase();
        l.is_empty() || l == "trang chủ" || l == "home" || l == "trang chu"
    };
    meta.ld
        .section
        .clone()
        .or_else(|| meta.tag(&["article:section"]).map(str::to_string))
        .or_else(|| meta.ld.breadcrumb.iter().find(|b| !is_home(b)).cloned())
        .or_else(|| {
            html.select(&BREADCRUMB)
                .map(meta::text_of)
                .find(|t| !is_home(t))
        })
}

fn tags(meta: &meta::Meta) -> Vec<String> {
    let from_meta = |keys: &[&str]| -> Vec<String> {
        meta.tag(keys)
            .map(|v| {
                v.split([',', ';'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut tags = meta.ld.keywords.clone();
    if tags.is_empty() {
        tags = from_meta(&["article:tag", "news_keywords"]);
    }
    if tags.is_empty() {
        tags = from_meta(&["keywords"]);
    }
    tags.truncate(30);
    tags
}

fn links(html: &Html, base: &Url) -> Vec<String> {
    static ANCHOR: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("a[href]").expect("static selector is valid")
    });
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for a in html.select(&ANCHOR) {
        let Some(href) = a.value().attr("href") else {
            continue;
        };
        let Ok(mut url) = base.join(href.trim()) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        url.set_fragment(None);
        let s = url.to_string();
        if seen.insert(s.clone()) {
            out.push(s);
            if out.len() >= MAX_LINKS {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses a page given as text, fetched now from `url`.
    fn parse_html(html: &str, url: &str, hints: Hints<'_>) -> Result<Extraction, ParseError> {
        let url = Url::parse(url).unwrap();
        Parser::default().parse_with_hints(
            Page {
                bytes: html.as_bytes(),
                url: &url,
                http_charset: None,
                fetched_at: Utc::now(),
            },
            hints,
        )
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

    /// The article record of a page fetched from `url`; fails the test when it is not one.
    fn parsed_article(html: &str, url: &str) -> Article {
        match parse_html(html, url, Hints::default()) {
            Ok(Extraction::Article(record)) => *record,
            other => panic!("the article is found: {other:?}"),
        }
    }

    /// An article of three paragraphs with `extra` between the first and the others.
    fn article_with(extra: &str) -> Article {
        let para = |n: u32| {
            format!(
                "<p>Paragraph {n} of the guide explains, in plain words and at some length, \
                 why a car needs regular care, what it costs, and when to do it yourself.</p>"
            )
        };
        let html = format!(
            "<html><head><title>Car care</title></head><body><h1>Car care</h1>\
             <div class=\"story\">{}{extra}{}{}</div></body></html>",
            para(1),
            para(2),
            para(3)
        );
        match parse_html(
            &html,
            "https://example.com/guides/car-care",
            Hints::default(),
        ) {
            Ok(Extraction::Article(record)) => *record,
            other => panic!("the article is found: {other:?}"),
        }
    }

    /// `count` paragraphs "`label` 1: `sentence`", "`label` 2: `sentence`", … as markup.
    fn numbered_paragraphs(count: u32, label: &str, sentence: &str) -> String {
        (1..=count)
            .map(|i| format!("<p>{label} {i}: {sentence}</p>"))
            .collect()
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
        // An icon beside a name, two figures and a paragraph: an item of a checklist.
        let record = article_with(
            "<div class=\"item\"><img src=\"/c.png\"><div>Coolant flush</div>\
             <div>INTERVAL: Up to 100,000 miles</div><div>PRICE: $373-$400</div>\
             <div>Old coolant damages head gaskets.</div></div>",
        );
        for piece in ["Coolant flush", "PRICE: $373-$400", "head gaskets"] {
            assert!(record.body.contains(piece), "{piece}: {}", record.body);
        }
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
        let analysis = Parser::default()
            .analyze(Page {
                bytes: html.as_bytes(),
                url: &Url::parse("https://example.com/2015/07/garden-spray.html").unwrap(),
                http_charset: None,
                fetched_at: Utc::now(),
            })
            .unwrap();
        assert!(analysis.record.body.contains("onion and a garlic bulb"));
        assert!(
            !analysis.record.body.contains("Comment 1:"),
            "{}",
            analysis.record.body
        );
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
    fn a_full_article_under_menus_of_links_is_an_article_a_link_page_is_not() {
        let menu: String = (1..=300)
            .map(|i| {
                format!("<li><a href=\"/bereich/{i}\">Bereich der Verwaltung Nummer {i}</a></li>")
            })
            .collect();
        let verdict = |paragraphs: usize| {
            let body: String = (1..=paragraphs)
                .map(|i| {
                    format!(
                        "<p>Absatz {i}: Die Bundesministerin hat heute ein Programm vorgestellt, das \
                         Frauen in der Wissenschaft fördern und Karrieren sichtbarer machen soll.</p>"
                    )
                })
                .collect();
            let html = format!(
                "<html><head><title>Programm</title></head><body><ul class=\"bereiche\">{menu}</ul>\
                 <h1>Programm</h1><div class=\"text\">{body}</div></body></html>"
            );
            matches!(
                parse_html(
                    &html,
                    "https://example.gv.at/nachrichten/2022/programm",
                    Hints::default()
                ),
                Ok(Extraction::Article(_))
            )
        };
        assert!(
            verdict(12),
            "a 1,700-character article is one, whatever its menus"
        );
        assert!(
            !verdict(2),
            "two paragraphs among 300 links are a link page"
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
    fn a_listicle_with_linked_headings_is_an_article_a_listing_is_not() {
        let verdict = |items: &str| {
            let html = format!(
                "<html><head><title>Các điểm đến</title></head><body><h1>Năm điểm đến mùa thu</h1>\
                 <div class=\"content\">{items}</div></body></html>"
            );
            matches!(
                parse_html(
                    &html,
                    "https://example.vn/diem-den-mua-thu-4412345.html",
                    Hints::default()
                ),
                Ok(Extraction::Article(_))
            )
        };
        let paragraph = "<p>Mùa thu là thời điểm đẹp nhất trong năm để ghé thăm nơi này, khi \
            thời tiết mát mẻ, lá cây chuyển màu và các lễ hội truyền thống diễn ra sôi nổi, thu \
            hút đông đảo du khách trong và ngoài nước đến tham quan, trải nghiệm.</p>";
        // Each paragraph is its own (a paragraph said twice is dropped as a repeat).
        let listicle: String = (1..=5)
            .map(|i| {
                let own = paragraph.replace("<p>", &format!("<p>Điểm đến số {i}: "));
                let more = paragraph.replace("<p>", &format!("<p>Ngoài ra, ở điểm số {i}, "));
                format!("<h2><a href=\"/dia-diem-{i}\">Điểm đến số {i}</a></h2>{own}{more}")
            })
            .collect();
        let listing: String = (1..=5)
            .map(|i| {
                format!(
                    "<h2><a href=\"/bai-{i}-44100{i}.html\">Bài viết số {i} về du lịch mùa thu</a></h2>\
                     <p>Một đoạn giới thiệu ngắn về bài viết số {i}.</p>"
                )
            })
            .collect();
        assert!(verdict(&listicle), "a listicle is an article");
        assert!(!verdict(&listing), "a listing is not");
        // A short article with teasers of others below it, which its JSON-LD declares an
        // article: an article. JSON-LD declaring other pages' articles (a listing's teasers
        // as an array) says nothing.
        let short = "<p>Mùa thu là thời điểm đẹp nhất trong năm để ghé thăm nơi này, khi thời \
                     tiết mát mẻ và lá cây chuyển màu.</p><p>Các lễ hội truyền thống diễn ra sôi \
                     nổi, thu hút đông đảo du khách trong và ngoài nước.</p>";
        let ld = |json: &str| {
            format!("<script type=\"application/ld+json\">{json}</script>{short}{listing}")
        };
        let own = ld(r#"{"@type":"NewsArticle","headline":"Năm điểm đến mùa thu",
            "url":"https://example.vn/diem-den-mua-thu-4412345.html"}"#);
        assert!(verdict(&own), "declared an article itself");
        // Headings linking to other sites (a list of products or shops) make no listing.
        let products: String = (1..=5)
            .map(|i| {
                format!(
                    "<h2><a href=\"https://shop{i}.example.com/san-pham\">Sản phẩm số {i}</a>\
                     </h2><p>Một đoạn giới thiệu ngắn về sản phẩm số {i}.</p>"
                )
            })
            .collect();
        assert!(verdict(&format!("{short}{products}")), "a list of products");
        // Read at a feed's redirect, the page's own links are told by its canonical address.
        let teasers: String = (1..=5)
            .map(|i| {
                format!(
                    "<h2><a href=\"https://example.vn/bai-{i}-44100{i}.html\">Bài viết số {i} \
                     về du lịch mùa thu</a></h2><p>Một đoạn giới thiệu về bài viết số {i}, kể \
                     về những nơi nên đến và những món nên ăn khi mùa thu về.</p>"
                )
            })
            .collect();
        let redirected = format!(
            "<html><head><title>Tin mới</title>\
             <link rel=\"canonical\" href=\"https://example.vn/\"></head><body>\
             <h1>Tin mới</h1><div class=\"content\">{teasers}</div></body></html>"
        );
        assert!(matches!(
            parse_html(
                &redirected,
                "http://feedproxy.google.com/~r/Example/~3/abc/",
                Hints::default()
            ),
            Ok(Extraction::NotArticle(_))
        ));
        let items = ld(
            r#"[{"@type":"NewsArticle","url":"https://example.vn/bai-1-441001.html"},
            {"@type":"NewsArticle","url":"https://example.vn/bai-2-441002.html"}]"#,
        );
        assert!(!verdict(&items), "other pages declared");
    }

    #[test]
    fn a_sitemap_s_date_beats_a_guess_but_not_what_the_page_states() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Đoạn {i}: Ủy ban nhân dân tỉnh vừa tổ chức hội nghị triển khai kế hoạch \
                     phát triển kinh tế - xã hội năm tới với sự tham gia của các sở, ngành.</p>"
                )
            })
            .collect();
        let page = |head: &str| {
            format!(
                "<html><head><title>Hội nghị triển khai kế hoạch</title>{head}</head><body>\
                 <h1>Hội nghị triển khai kế hoạch</h1><div class=\"noi-dung\">{paragraphs}</div>\
                 <p>Lượt xem: 120 - Cập nhật 03/01/2022</p></body></html>"
            )
        };
        let published = |html: String| {
            let hints = Hints {
                published: Some("2021-12-30T08:00:00+07:00"),
                title: None,
            };
            match parse_html(
                &html,
                "https://tinh.example.vn/tin-tuc/hoi-nghi-4412345.html",
                hints,
            ) {
                Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
                other => panic!("not an article: {other:?}"),
            }
        };
        // Only a stray dated line on the page: the sitemap's date wins over that guess.
        assert_eq!(
            published(page("")).as_deref(),
            Some("2021-12-30T08:00:00+07:00")
        );
        // The page states its date: the page wins.
        assert_eq!(
            published(page(
                r#"<meta property="article:published_time" content="2021-12-29T10:00:00+07:00">"#
            ))
            .as_deref(),
            Some("2021-12-29T10:00:00+07:00")
        );
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
    fn a_date_only_a_script_gives_is_found() {
        let html = Html::parse_document(
            r#"<html><body><script>window.__STATE__ = {"post":{"title":"Sidamo","published_at":"2019-03-02T06:22:28+01:00","views":3}};</script></body></html>"#,
        );
        assert_eq!(
            script_date(&html, LocalZone::Unknown)
                .map(|t| t.to_string())
                .as_deref(),
            Some("2019-03-02T06:22:28+01:00")
        );
        let none = Html::parse_document(r#"<script>var a = {"created_at":"2013-02-16"};</script>"#);
        assert_eq!(script_date(&none, LocalZone::Unknown), None);
    }

    #[test]
    fn a_revision_the_page_shows_as_its_date_is_the_story_as_published() {
        let paragraphs = numbered_paragraphs(
            4,
            "Absatz",
            "Die Polizei ermittelt wegen Nötigung, nachdem mehrere Waldwege im Revier ohne \
             Genehmigung mit Schranken gesperrt worden waren, berichtet die Behörde.",
        );
        let page = |modified: &str, header: &str| {
            let html = format!(
                "<html><head><title>Waldwege gesperrt</title>\
                 <meta property=\"article:published_time\" content=\"2022-01-25T14:45:00+01:00\">\
                 <meta property=\"article:modified_time\" content=\"{modified}\"></head><body>\
                 <article><h1>Waldwege gesperrt</h1>{header}{paragraphs}</article></body></html>"
            );
            parsed_article(&html, "https://jagd.example.de/news/waldwege-gesperrt")
                .published_at
                .map(|t| t.to_string())
        };
        let next_day = "2022-01-26T14:30:00+01:00";
        // The page shows the revision's day as the story's date, and the 25th nowhere: the day
        // and time shown.
        assert_eq!(
            page(
                next_day,
                "<div class=\"date\">Mittwoch, 26.01.2022 - 14:30</div>"
            )
            .as_deref(),
            Some("2022-01-26T14:30:00+01:00")
        );
        // The day alone: the metadata's time of that day.
        assert_eq!(
            page(next_day, "<div class=\"date\">Mittwoch, 26.01.2022</div>").as_deref(),
            Some(next_day)
        );
        let published = Some("2022-01-25T14:45:00+01:00");
        // Shown as an update, it is one.
        assert_eq!(
            page(
                next_day,
                "<div class=\"date\">Aktualisiert: 26.01.2022 - 14:30</div>"
            )
            .as_deref(),
            published
        );
        // The page also shows the day of the first publication.
        assert_eq!(
            page(
                next_day,
                "<div class=\"date\">26.01.2022 - 14:30</div><div class=\"date\">Erstmals 25.01.2022</div>"
            )
            .as_deref(),
            published
        );
        // Weeks later, a refreshed page keeps its first publication.
        assert_eq!(
            page(
                "2022-02-16T14:30:00+01:00",
                "<div class=\"date\">Mittwoch, 16.02.2022 - 14:30</div>"
            )
            .as_deref(),
            published
        );
        // No date shown at all: the metadata's publication.
        assert_eq!(page(next_day, "").as_deref(), published);
    }

    #[test]
    fn a_description_gives_the_item_s_date_when_it_names_it_so() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Parte {i}: nel 2019 il censimento delle femmine con cuccioli ha dato il \
                     numero più alto mai registrato nel parco, dicono i ricercatori.</p>"
                )
            })
            .collect();
        let page = |description: &str| {
            let html = format!(
                "<html><head><title>Orso marsicano: 2019 un anno da record</title>\
                 <meta name=\"description\" content=\"{description}\"></head><body>\
                 <h1>Orso marsicano: 2019 un anno da record</h1>{paragraphs}</body></html>"
            );
            parsed_article(&html, "https://parco.example/dettaglio.php?id=58354")
                .published_at
                .map(|t| t.to_string())
        };
        assert_eq!(
            page("ORSO MARSICANO: 2019 UN ANNO DA RECORD (Notizia del 14 Gennaio 2020)").as_deref(),
            Some("2020-01-14")
        );
        // A day the description only mentions is the event's, not the page's.
        assert_eq!(page("Visite guidate nel parco il 14 Gennaio 2020"), None);
    }

    #[test]
    fn an_empty_date_marker_gives_the_date_it_holds_in_its_attribute() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Teil {i}: Aufmerksamkeit ist in der Krise ein zusätzlicher Stressfaktor, \
                     das Konzept der Achtsamkeit kann hier helfen, sagen die Fachleute.</p>"
                )
            })
            .collect();
        let page = |marker: &str| {
            let html = format!(
                "<html><head><title>Achtsam durch die Krise</title></head><body>\
                 <header class=\"article-header\"><h1>Achtsam durch die Krise</h1>\
                 <div class=\"article-header__timeline\">{marker}</div></header>\
                 {paragraphs}</body></html>"
            );
            parsed_article(
                &html,
                "https://zeitung.example/gesellschaft/achtsam-2497954",
            )
            .published_at
            .map(|t| t.to_string())
        };
        assert_eq!(
            page("<div data-date=\"18. März 2020\" class=\"timeline__arrow\"></div>").as_deref(),
            Some("2020-03-18")
        );
        // A marker that shows text of its own is read by its text, not its attribute.
        assert_eq!(
            page("<div data-date=\"18. März 2020\" class=\"timeline__arrow\">Archiv</div>"),
            None
        );
    }

    #[test]
    fn a_numeric_day_in_metadata_that_reads_both_ways_is_read_as_the_page_shows_it() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Part {i}: fasting for part of the day changes how the body uses its \
                     stores of energy, and researchers are still weighing the benefits.</p>"
                )
            })
            .collect();
        let page = |published: &str, shown: &str| {
            let html = format!(
                "<html><head><title>Intermittent fasting</title>\
                 <meta name=\"article:published_time\" content=\"{published}\">\
                 <meta name=\"article:modified_time\" content=\"03-07-2026\"></head><body>\
                 <h1>Intermittent fasting</h1><p class=\"byline\">{shown}</p>{paragraphs}\
                 </body></html>"
            );
            let record = parsed_article(
                &html,
                "https://magazine.example/health/intermittent-fasting",
            );
            let day = |t: Option<ArticleTime>| t.map(|t| t.to_string());
            (day(record.published_at), day(record.modified_at))
        };
        let both = |published: &str, modified: &str| {
            (Some(published.to_string()), Some(modified.to_string()))
        };
        // Its modification is written the same way.
        assert_eq!(
            page("03-09-2026", "Published March 9, 2026"),
            both("2026-03-09", "2026-03-07")
        );
        // Shown nowhere, the days are read day first, as everywhere.
        assert_eq!(page("03-09-2026", ""), both("2026-09-03", "2026-07-03"));
        // A page showing the day-first day keeps it.
        assert_eq!(
            page("03-09-2026", "Published 3 September 2026"),
            both("2026-09-03", "2026-07-03")
        );
    }

    #[test]
    fn a_wiki_page_is_dated_by_its_revision_not_by_the_days_its_text_names() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Punkt {i}: Der Stammtisch trifft sich jeden ersten Mittwoch im Monat, \
                     wer neu ist, kommt einfach vorbei und bringt Fragen mit.</p>"
                )
            })
            .collect();
        let page = |footer: &str| {
            let html = format!(
                "<html><head><title>Stammtisch</title>\
                 <meta name=\"generator\" content=\"MediaWiki 1.23.17\"></head>\
                 <body><h1>Stammtisch</h1>\
                 <p>Der nächste Stammtisch findet am Mi. 5. Februar 2020 ab 19 Uhr statt.</p>\
                 {paragraphs}<div id=\"footer\"><ul>{footer}</ul></div></body></html>"
            );
            let record = parsed_article(&html, "https://wiki.example/Kassel/Stammtisch");
            let day = |t: Option<ArticleTime>| t.map(|t| t.date().to_string());
            (day(record.published_at), day(record.modified_at))
        };
        let revised = Some("2020-01-29".to_string());
        assert_eq!(
            page(
                "<li id=\"footer-info-lastmod\"> Diese Seite wurde zuletzt am 29. Januar 2020 \
                 um 13:22 Uhr geändert.</li>"
            ),
            (revised.clone(), revised)
        );
        // Without the footer, the first dated line is all there is.
        assert_eq!(page(""), (Some("2020-02-05".to_string()), None));
    }

    #[test]
    fn the_last_resort_date_is_the_page_s_own_never_a_comment_s() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Teil {i}: Die Stadtverwaltung hat am Montag neue Pläne für den Ausbau \
                     der Radwege vorgestellt, die in den kommenden Jahren umgesetzt werden.</p>"
                )
            })
            .collect();
        let page = |header: &str| {
            format!(
                "<html><head><title>Neue Radwege für die Stadt</title></head><body>\
                 <header class=\"entry-header\"><h1>Neue Radwege für die Stadt</h1>{header}</header>\
                 <div class=\"entry-content\">{paragraphs}</div>\
                 <div class=\"comments\"><p>Schöne Idee! Geschrieben am 21. Juli 2014</p></div>\
                 </body></html>"
            )
        };
        let published =
            |html: String| match parse_html(&html, "https://example.org/radwege", Hints::default())
            {
                Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
                other => panic!("not an article: {other:?}"),
            };
        assert_eq!(
            published(page("<span>[ Samstag, 19. Juli 2014 ]</span>")).as_deref(),
            Some("2014-07-19")
        );
        assert_eq!(published(page("")), None);
    }

    #[test]
    fn dates_in_a_list_of_dated_items_are_the_items_not_the_page_s() {
        let paragraphs = numbered_paragraphs(
            4,
            "Teil",
            "Die Stadtverwaltung hat am Montag neue Pläne für den Ausbau der Radwege \
             vorgestellt, die in den kommenden Jahren umgesetzt werden sollen.",
        );
        let published = |list: &str| {
            let html = format!(
                "<html><head><title>Neue Radwege</title></head><body><h1>Neue Radwege</h1>\
                 <div class=\"story\">{paragraphs}</div>\
                 <section class=\"panel\"><h3>Top-News</h3>{list}</section></body></html>"
            );
            parsed_article(&html, "https://example.org/radwege")
                .published_at
                .map(|t| t.to_string())
        };
        // Each item with its day: a listing of other stories.
        assert_eq!(
            published(
                "<ul><li><span>13.10.19</span><span>Neue Lautsprecher im Test</span></li>\
                 <li><span>12.10.19</span><span>Ein Monitor für Fotografen</span></li></ul>"
            ),
            None
        );
        // One date in the list: the page's own line of metadata.
        assert_eq!(
            published("<ul><li><span>13.10.19</span></li><li>Politik</li></ul>").as_deref(),
            Some("2019-10-13")
        );
    }

    #[test]
    fn a_publication_sentence_dates_the_page_a_mere_mention_does_not() {
        let page = |footer: &str| {
            format!(
                "<html><head><title>Kein Cyberterrorismus</title></head><body>\
                 <h1>Kein Cyberterrorismus</h1><div class=\"post\">\
                 <p>Am 5. Mai 2010 meldeten Zeitungen einen Angriff auf eine Wasserpumpe, der sich \
                 später als schlichter Defekt herausstellte, wie eine Untersuchung ergab.</p>\
                 <p>Die Behörden haben ihre erste Einschätzung seither nicht korrigiert, obwohl \
                 die Fakten seit Wochen bekannt sind und die Presse darüber berichtet.</p></div>\
                 <p class=\"postmetadata\"><small>{footer}</small></p></body></html>"
            )
        };
        let dates = |html: String| match parse_html(
            &html,
            "https://example.de/news/kein-cyberterrorismus/",
            Hints::default(),
        ) {
            Ok(Extraction::Article(a)) => (
                a.published_at.map(|t| t.to_string()),
                a.modified_at.map(|t| t.to_string()),
            ),
            other => panic!("not an article: {other:?}"),
        };
        let footer = "Dieser Beitrag wurde am Samstag, 3. Dezember 2011 um 10:15 Uhr \
                      veröffentlicht und unter Cybercrime gespeichert. Sie können die Kommentare \
                      zu diesem Beitrag über den RSS-2.0-Feed verfolgen, einen Kommentar \
                      schreiben oder einen Trackback auf Ihrer Seite einrichten.";
        // A time without an offset on a German site is Berlin's.
        assert_eq!(
            dates(page(footer)).0.as_deref(),
            Some("2011-12-03T10:15:00+01:00")
        );
        // A footer that links the post, its categories and feeds around the sentence.
        let linked = "<a href=\"/typo\">Literatur und Animated Typography</a> wurde am 19. Mai 2010 \
                      um 23:03 Uhr gepostet und unter <a href=\"/c/1\">Lesenswert</a>, \
                      <a href=\"/c/2\">Typografie</a> abgelegt. <a href=\"/feed\">Kommentare (RSS)</a> \
                      <a href=\"/tb\">Trackback</a> <a href=\"/p\">Permalink</a>";
        assert_eq!(
            dates(page(linked)).0.as_deref(),
            Some("2010-05-19T23:03:00+02:00")
        );
        // The date in the first paragraph is an event, not the publication.
        assert_eq!(dates(page("Kommentare sind geschlossen.")).0, None);
        // Microdata on an element other than <meta> is read as metadata.
        let microdata = "<span itemprop=\"datePublished\" content=\"2020-03-18T13:15:00+01:00\"></span>\
                         <span itemprop=\"dateModified\" content=\"2020-03-19T08:00:00+01:00\"></span>";
        assert_eq!(
            dates(page(microdata)),
            (
                Some("2020-03-18T13:15:00+01:00".to_string()),
                Some("2020-03-19T08:00:00+01:00".to_string())
            )
        );
    }

    #[test]
    fn json_ld_with_a_stray_brace_after_it_is_still_read() {
        let record = article_with(
            "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", \
             \"datePublished\": \"2020-10-26T18:10:00+01:00\"}\n}\n</script>\
             <div class=\"date\">9. August 2020</div>",
        );
        // Unread, the metadata would lose to the visible date element.
        assert_eq!(
            record.published_at.map(|t| t.to_string()).as_deref(),
            Some("2020-10-26T18:10:00+01:00")
        );
    }

    #[test]
    fn a_dateline_or_a_linked_line_of_metadata_dates_the_page() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Absatz {i}: Bei der Erinnerung an die Verfolgten des NS-Regimes werden \
                     viele Gruppen noch immer zu selten genannt, sagen die Historikerinnen.</p>"
                )
            })
            .collect();
        let published = |before_body: &str, first: &str| {
            let html = format!(
                "<html><head><title>Gedenken</title></head><body><h1>Gedenken</h1>\
                 {before_body}<div class=\"story\"><p>{first}</p>{paragraphs}</div></body></html>"
            );
            match parse_html(&html, "https://example.de/news/gedenken", Hints::default()) {
                Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
                other => panic!("not an article: {other:?}"),
            }
        };
        // Longer than the short lines the last-resort scan reads.
        let opening = "Sie wurden lange vergessen, und das soll sich nun ändern, wie alle sagen, \
                       die sich seit Jahren für ein würdiges Gedenken einsetzen.";
        assert_eq!(published("", opening), None);
        assert_eq!(
            published("", &format!("27.1.2022 - {opening}")).as_deref(),
            Some("2022-01-27")
        );
        assert_eq!(
            published("", &format!("Karlsruhe, (12.11.2021). {opening}")).as_deref(),
            Some("2021-11-12")
        );
        assert_eq!(
            published("", &format!("01.02.2022 „{opening}“")).as_deref(),
            Some("2022-02-01")
        );
        // A date deeper in a paragraph is not a dateline.
        assert_eq!(
            published("", &format!("{opening} Karlsruhe, (12.11.2021).")),
            None
        );
        assert_eq!(
            published(
                "",
                &format!("{opening} Am 27.1.2022 - so der Plan - ist es so weit.")
            ),
            None
        );
        // A line of metadata just above the body, mostly links around its date.
        let meta = "<div class=\"post_meta\">· November 22, 2011 · \
                    <a href=\"/email\">Email this post</a> · <a href=\"/print\">Print</a> · \
                    <a href=\"#comments\">Kommentieren</a></div>";
        assert_eq!(published(meta, opening).as_deref(), Some("2011-11-22"));
    }

    #[test]
    fn a_link_to_an_author_s_page_names_the_author() {
        let record = article_with(
            "<div class=\"meta\"><span><a href=\"/authors/trevor-jackins\">Trevor Jackins\
             </a></span></div>",
        );
        assert_eq!(record.authors, vec!["Trevor Jackins".to_string()]);
        // A link to the list of all authors names nobody.
        let record = article_with("<p><a href=\"/authors/\">Our authors</a></p>");
        assert!(record.authors.is_empty(), "{:?}", record.authors);
        // A blog's one-word handle, vouched for by the link to its author page.
        let handle = |name: &str| {
            article_with(&format!(
                "<span class=\"byline\"><span class=\"sep\"> von </span>\
                 <span class=\"author vcard\"><a class=\"url fn n\" \
                 href=\"https://blog.example.com/author/x/\" rel=\"author\">{name}</a>\
                 </span></span>"
            ))
            .authors
        };
        assert_eq!(handle("Creeny"), vec!["Creeny".to_string()]);
        assert_eq!(handle("gizzmo"), vec!["gizzmo".to_string()]);
        // Labels and placeholders are no handles.
        assert!(handle("Webmaster").is_empty());
        assert!(handle("undefined").is_empty());
        assert!(handle("wordpressadmin").is_empty());
        // Without the link, one word in an author slot says nothing.
        let record = article_with("<span class=\"author\">Creeny</span>");
        assert!(record.authors.is_empty(), "{:?}", record.authors);
    }

    #[test]
    fn organisations_and_the_site_are_not_authors() {
        for credit in [
            "L-MAG – Das Magazin für Lesben",
            "Frankfurter Allgemeine Zeitung GmbH",
            "TVT-Redaktion",
            "CBS News",
            "Wirtualna Polska Media",
            "NATURSTROM AG",
            "Feuerwehr Oldenburg",
            "Abteilung Wasserrettung",
            "Deutsches Rotes Kreuz",
            "Diakonie Deutschland",
            // A photo credit, a connecting word left at the start, a box of recipes.
            "Fotos Essen-Westviertel",
            "Und Grundschritt",
            "Try These Next",
        ] {
            assert!(
                !is_person(credit, &SiteNames::new(Some("L-MAG"), "l-mag.de")),
                "{credit}"
            );
        }
        for name in ["Claudia Lindner", "Marek Świerczyński", "Nguyễn Văn An"] {
            assert!(
                is_person(name, &SiteNames::new(Some("L-MAG"), "l-mag.de")),
                "{name}"
            );
        }
        // The site by its domain's name, a domain, a label or an organisation.
        for (credit, host) in [
            ("Automobilwoche", "www.automobilwoche.de"),
            ("Kirche und Leben", "www.kirche-und-leben.de"),
            ("oe24.at", "auto.oe24.at"),
            ("www.haufe.de", "www.haufe.de"),
            ("publisher", "www.bsi.bund.de"),
            (
                "Bundesministerium für Wirtschaft und Klimaschutz",
                "www.bmwi.de",
            ),
            ("Ähnliche Themen", "blog.example.de"),
        ] {
            assert!(!is_person(credit, &SiteNames::new(None, host)), "{credit}");
        }
        // Labels and numbers are not people; a name set in capitals is one.
        // Links to a list of posts, sponsored boxes, a theme's credit, a social account.
        for label in [
            "Written By",
            "Pin For Later",
            "262588213843476",
            "Alle Beiträge",
            "Gesponserte Inhalte",
            "Peter Amende und Fuchsy designed",
            "@NatGeoUK",
        ] {
            assert!(
                !is_person(label, &SiteNames::new(None, "example.com")),
                "{label}"
            );
        }
        assert!(is_person(
            "LEONARDO GARCIA",
            &SiteNames::new(None, "example.com")
        ));
        // A person whose name shares letters with a short domain is still a person, and
        // so is the author a personal site is named after.
        assert!(is_person("Marta Zahn", &SiteNames::new(None, "taz.de")));
        assert!(is_person(
            "Gary Marcus",
            &SiteNames::new(None, "garymarcus.substack.com")
        ));
        // A publisher's credit in the author meta tag, with its address after it.
        let record = article_with("");
        assert!(record.authors.is_empty());
        let paragraphs: String = (1..=4)
            .map(|n| {
                format!(
                    "<p>Paragraph {n} of the guide explains, in plain words and at some length, \
                     why a car needs regular care, what it costs, and when to do it yourself.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Car care</title>\
             <meta name=\"author\" content=\"Olympia-Verlag GmbH, Nürnberg, Germany\"></head>\
             <body><h1>Car care</h1><div class=\"story\">{paragraphs}</div></body></html>"
        );
        let record = parsed_article(&html, "https://example.de/guides/car-care");
        assert_eq!(record.authors, Vec::<String>::new());
    }

    #[test]
    fn a_generic_date_meta_tag_yields_to_the_visible_date() {
        let paragraphs: String = (1..=4)
            .map(|n| {
                format!(
                    "<p>Absatz {n}: Der Riesling feiert Geburtstag, und die Winzer laden an \
                     vielen Orten zu Proben, Führungen und Gesprächen über den Jahrgang ein.</p>"
                )
            })
            .collect();
        let published = |head: &str| {
            let html = format!(
                "<html><head><title>Riesling</title>{head}</head><body><h1>Riesling</h1>\
                 <span class=\"date\">27.01.2022</span><div class=\"story\">{paragraphs}</div>\
                 </body></html>"
            );
            parsed_article(&html, "https://example.de/aktuelles/riesling")
                .published_at
                .map(|t| t.to_string())
        };
        // "date" says nothing of what the date is (CMSs rewrite it on every save).
        let generic = "<meta name=\"date\" content=\"2021-12-20T11:02:44+01:00\">";
        assert_eq!(published(generic).as_deref(), Some("2022-01-27"));
        // Metadata that says "published" still comes first.
        let specific =
            "<meta property=\"article:published_time\" content=\"2022-01-26T09:00:00+01:00\">";
        assert_eq!(
            published(specific).as_deref(),
            Some("2022-01-26T09:00:00+01:00")
        );
        // Also by the plain names content systems give it, in a machine or a reader's form.
        for (tag, day) in [
            (
                "<meta name=\"published-date\" content=\"2021-02-16\">",
                "2021-02-16",
            ),
            (
                "<meta name=\"published\" content=\"July 17, 2025\">",
                "2025-07-17",
            ),
        ] {
            assert_eq!(published(tag).as_deref(), Some(day), "{tag}");
        }
        // With nothing else, the generic tag is used.
        let html = format!(
            "<html><head><title>Riesling</title>{generic}</head><body><h1>Riesling</h1>\
             <div class=\"story\">{paragraphs}</div></body></html>"
        );
        assert_eq!(
            parsed_article(&html, "https://example.de/aktuelles/riesling")
                .published_at
                .map(|t| t.to_string())
                .as_deref(),
            Some("2021-12-20T11:02:44+01:00")
        );
    }

    #[test]
    fn a_line_labelled_as_the_publication_date_wins_over_other_visible_dates() {
        let published = |footer: &str| {
            article_with(&format!(
                "<div class=\"meta-date\">06.11.2023</div><p class=\"info\">{footer}</p>"
            ))
            .published_at
            .map(|t| t.to_string())
        };
        assert_eq!(
            published("Letzte Änderung: 31.10.2023<br>Erschienen am: 01.11.2023").as_deref(),
            Some("2023-11-01")
        );
        assert_eq!(
            published("Pressemitteilung vom 02.11.2023").as_deref(),
            Some("2023-11-02")
        );
        // Without the label the element named as a date is taken.
        assert_eq!(published("Lesungen: 12").as_deref(), Some("2023-11-06"));
    }

    #[test]
    fn the_page_s_own_classes_do_not_make_its_date_another_s() {
        // A theme names on <body> what its templates hold somewhere ("fusion-slider",
        // "has-related-posts", "avada-top-header"): the date in the article is the page's.
        let html = "<html class=\"avada-html-header-position-top\"><head><title>Wedding \
                    timeline</title></head><body class=\"single-post fusion-slider \
                    has-related-posts avada-top-header\"><main><h1>Wedding timeline</h1>\
                    <p>Twelve months before the day, set the budget and the guest list, and \
                    book the venue before the best dates of the season are gone.</p>\
                    <p>Six months before, send the invitations, choose the menu and the music, \
                    and order the rings so that they are ready in good time.</p></main>\
                    <div class=\"fusion-meta-tb\"><span class=\"fusion-tb-published-date\">\
                    Published On: 15 August 2025</span></div></body></html>";
        let record = match parse_html(
            html,
            "https://example.sg/wedding-timeline",
            Hints::default(),
        ) {
            Ok(Extraction::Article(record)) => *record,
            other => panic!("the article is found: {other:?}"),
        };
        assert_eq!(
            record.published_at.map(|t| t.to_string()).as_deref(),
            Some("2025-08-15")
        );
        // A <body> named after the top header does not make the page its masthead.
        let themed = Html::parse_document(
            "<body class=\"avada-top-header\"><div class=\"entry\"><span class=\"post-date\">\
             15 August 2025</span></div></body>",
        );
        assert_eq!(
            date_elements(&themed, LocalZone::Unknown).map(|t| t.to_string()),
            Some("2025-08-15".to_string())
        );
    }

    #[test]
    fn a_microdata_date_given_as_text_is_the_page_s_shown_date() {
        let published = |extra: &str| article_with(extra).published_at.map(|t| t.to_string());
        // Microdata's value of an element without `content` is its text: the page's date,
        // ahead of a later card's element named as a date.
        let shown = "<span itemprop=\"datePublished\">December 7, 2020</span>\
                     <div class=\"card-date\">March 13, 2026</div>";
        assert_eq!(published(shown).as_deref(), Some("2020-12-07"));
        // It casts no vote against a declared machine value that names another day.
        let html = "<html><head><script type=\"application/ld+json\">{\"@type\": \
                    \"BlogPosting\", \"headline\": \"Trends\", \"datePublished\": \
                    \"2025-11-17T12:53:27+00:00\"}</script></head><body><h1>Trends</h1>\
                    <ul><li itemprop=\"datePublished\"><span>Created: </span>\
                    <time>Dec 19, 2025</time></li></ul>\
                    <p>The first trend of the year is a return to plain pages that load fast \
                    and read well on every screen, from phones to wide monitors.</p>\
                    <p>The second is type set large, with generous white space around it, so \
                    that a page can be taken in at a glance before it is read.</p></body></html>";
        let record = match parse_html(html, "https://example.com/blog/trends", Hints::default()) {
            Ok(Extraction::Article(record)) => *record,
            other => panic!("the article is found: {other:?}"),
        };
        assert_eq!(
            record.published_at.map(|t| t.date().to_string()).as_deref(),
            Some("2025-11-17")
        );
    }

    #[test]
    fn a_byline_opening_the_text_names_the_authors_and_leaves_the_body() {
        let linked = "<p>Von <a href=\"https://a.example/rb\">Roland Brockmann</a> und \
                      <a href=\"https://b.example/sd\">Sebastian Drescher</a></p>";
        let article = article_with(linked);
        assert_eq!(
            article.authors,
            vec![
                "Roland Brockmann".to_string(),
                "Sebastian Drescher".to_string()
            ]
        );
        assert!(!article.body.contains("Brockmann"), "{}", article.body);
        let plain = article_with("<p>Written by: Julie Mollins</p>");
        assert_eq!(plain.authors, vec!["Julie Mollins".to_string()]);
        assert!(!plain.body.contains("Mollins"), "{}", plain.body);
        // Lower in the text, such a line is the article's own (a quoted letter's signature).
        let paragraphs = numbered_paragraphs(
            3,
            "Absatz",
            "Die Stadt baut neue Radwege, und die Anwohner streiten über Parkplätze, Bäume \
             und die Frage, wer am Ende die Kosten trägt.",
        );
        let html = format!(
            "<html><head><title>Radwege</title><meta name=\"author\" content=\"annaberg\">\
             </head><body><h1>Radwege</h1>{paragraphs}<p>Von Anna Berg</p>\
             <p>Die Debatte geht im Stadtrat weiter, der im Herbst über den Haushalt und \
             damit über die Radwege entscheidet.</p></body></html>"
        );
        let record = parsed_article(&html, "https://example.de/radwege");
        assert!(record.body.contains("Von Anna Berg"), "{}", record.body);
        // One person given as a handle and as a name is named once, written out.
        let html = html.replace(&paragraphs, "").replace(
            "<p>Von Anna Berg</p>",
            &format!("<p>Von Anna Berg</p>{paragraphs}"),
        );
        let record = parsed_article(&html, "https://example.de/radwege");
        assert_eq!(record.authors, vec!["Anna Berg".to_string()]);
    }

    #[test]
    fn another_article_s_card_does_not_name_the_author() {
        let authors = |extra: &str| article_with(extra).authors;
        let card = "<a href=\"/guides/tyres\"><div class=\"card-author\">Jane Roe</div>\
                    <h3>Winter tyres: when to change them and what they cost</h3></a>";
        // The page's own byline, in French markup, with its date after the name.
        let own = "<div class=\"dates_auteurs\">par <span class=\"auteurs\">Didier Roy\
                   </span>, 21 juin 2018</div>";
        assert_eq!(
            authors(&format!("{card}{own}")),
            vec!["Didier Roy".to_string()]
        );
        assert_eq!(authors(card), Vec::<String>::new());
        // A link to the author's own page around the name and a line of biography is the
        // page's author box.
        let author_box = "<a href=\"/author/anna-berg\"><span class=\"author-name\">Anna Berg\
                          </span><p>Anna has written about cars and the cost of keeping them \
                          since 2010.</p></a>";
        assert_eq!(authors(author_box), vec!["Anna Berg".to_string()]);
        // A commenter is named in the comments, not as the page's author.
        let comment = "<ol class=\"comment-list\"><li><div class=\"comment-author vcard\">\
                       <a href=\"https://florence.example\">Florence Maier</a></div>\
                       <p>Thank you, this helped.</p></li></ol>";
        assert_eq!(authors(comment), Vec::<String>::new());
        // A byline whose text goes on with the writer's job: its one link, opening it, is
        // the name.
        let with_job = "<span class=\"author\"><a href=\"/about/#daniel-burstein\">Daniel \
                        Burstein</a>, Senior Director, Content &amp; Marketing, Example Media \
                        and Example Institute</span>";
        assert_eq!(authors(with_job), vec!["Daniel Burstein".to_string()]);
        // A name said again for screen readers is read once, as sighted readers see it.
        let said_twice = "<p class=\"episode-authors\"><a href=\"/author/kristen-falchon\">\
                          Kristen Falchon<span class=\"screen-reader-text\">Kristen Falchon\
                          </span></a></p>";
        assert_eq!(authors(said_twice), vec!["Kristen Falchon".to_string()]);
    }

    #[test]
    fn a_post_s_line_of_metadata_among_icons_and_links_dates_it() {
        let page = |before: &str, after: &str| {
            let para = |n: u32| {
                format!(
                    "<p>Part {n}: Malaga is one of the largest cities of Spain, and a good base \
                     for trips along the coast and into the hills of Andalusia behind it.</p>"
                )
            };
            let html = format!(
                "<html><body><div class=\"post\"><h2>Travel</h2><h1>Malaga</h1>{before}\
                 {}{}{after}{}{}</div></body></html>",
                para(1),
                para(2),
                para(3),
                para(4)
            );
            match parse_html(&html, "http://example.de/malaga.html", Hints::default()) {
                Ok(Extraction::Article(record)) => {
                    record.published_at.map(|t| t.date().to_string())
                }
                other => panic!("the article is found: {other:?}"),
            }
        };
        // The line under the title: a date between a mail icon's link, a print icon's link
        // and the comments' link.
        let meta = "<div class=\"post_meta\"> · November 22, 2011 · \
                    <img class=\"WP-EmailIcon\" src=\"/images/email.gif\" alt=\"Email\">\
                    <a href=\"/mail\">Email this post</a> · \
                    <img class=\"WP-PrintIcon\" src=\"/images/print.gif\" alt=\"Print\">\
                    <a href=\"/print\">Diese Seite ausdrucken</a> · \
                    <a href=\"#comments\">Kommentieren</a></div>";
        assert_eq!(page(meta, "").as_deref(), Some("2011-11-22"));
        // Once the prose has begun, such a line is no longer read as the page's date.
        assert_eq!(page("", meta), None);
    }

    #[test]
    fn dates_of_cards_and_of_the_navigation_are_not_the_page_s() {
        let published = |extra: &str| article_with(extra).published_at.map(|t| t.to_string());
        // Cards of other articles, each with its own microdata date: none is taken.
        let cards = "<div class=\"card\"><span itemprop=\"datePublished\" content=\"2026-03-13T16:44:22+00:00\">\
                     </span></div><div class=\"card\"><span itemprop=\"datePublished\" \
                     content=\"2026-03-12T15:44:00+00:00\"></span></div>";
        assert_eq!(published(cards), None);
        // Today's date in the navigation is not the page's.
        assert_eq!(
            published("<nav><time datetime=\"2023-11-01T13:56:20+01:00\">heute</time></nav>"),
            None
        );
        // A teaser of another page, a link with its title and date in a list: its date.
        let teaser = "<ul><li><a href=\"/covid-reisen\"><span>Reisen in Zeiten der \
                      COVID-19-Pandemie: was gilt</span> <em class=\"pubdate\">04.11.2021</em>\
                      </a></li></ul>";
        assert_eq!(published(teaser), None);
        // The same in a sidebar's block, outside any list: not an element dating the page.
        let sidebar = Html::parse_document(
            "<div class=\"sidebar-block\"><a href=\"/scheinloesungen\">\
             <h4>Wettstreit der Scheinlösungen im Bundestag</h4>\
             <p class=\"datum\">04.11.2023</p></a></div>",
        );
        assert_eq!(date_elements(&sidebar, LocalZone::Unknown), None);
        // A list item linking only the page's date to the day's archive: the page's.
        let own = "<ul class=\"post-info\"><li><a href=\"/2019/10/19/\">\
                   <span class=\"item--type-date\">19. Oktober 2019</span></a></li></ul>";
        assert_eq!(published(own).as_deref(), Some("2019-10-19"));
        // A blog's list of its other posts, each item a title link with its `<time>` and its
        // author beside it, and a `<time>` inside a title link: theirs, not the page's.
        let blog_list = "<ul><li><a href=\"/blog/300719/habituer\">Nous sommes en train de \
                         nous habituer</a> <span class=\"author\"><time datetime=\"2019-07-30\">\
                         30 juil. 2019</time> Par <a rel=\"author\" href=\"/elba\">Elba</a>\
                         </span></li></ul>";
        assert_eq!(published(blog_list), None);
        let linked_time = "<a href=\"/blog/bombe\">Violences policières: bombe à retardement \
                           <time datetime=\"2019-07-30\">30 juil. 2019</time></a>";
        assert_eq!(published(linked_time), None);
        // An embedded post quoted in the article (Instagram's, a tweet) carries its own time.
        let embed = "<blockquote class=\"instagram-media\"><p>Ein Beitrag von Vreni Frost am \
                     <time datetime=\"2018-03-12T19:30:12+00:00\">Mär 12, 2018</time></p>\
                     </blockquote>";
        assert_eq!(published(embed), None);
        // An item holding the page's `<time>` and its author's link alone: the page's.
        let by_line = "<ul class=\"meta\"><li><time datetime=\"2019-06-27\">27 juin 2019</time> \
                       Par <a rel=\"author\" href=\"/elba\">Elba</a></li></ul>";
        assert_eq!(published(by_line).as_deref(), Some("2019-06-27"));
        // A card in a slider of other pages.
        let slide = "<div class=\"splide__slide\"><a href=\"/kolumne\"><div class=\"date\">\
                     <p>Über das Spiel</p> 24. Oktober 2023</div></a></div>";
        assert_eq!(published(slide), None);
        // An element named as a date in German ("Datum").
        let datum = Html::parse_document(
            "<p><span class=\"text_datum\">31. Oktober 2023.</span> Dragqueens sind \
             Kunstfiguren aus Make-Up und Glitter, auf Partys und in Shows.</p>",
        );
        assert_eq!(
            date_elements(&datum, LocalZone::Unknown).map(|t| t.to_string()),
            Some("2023-10-31".to_string())
        );
        // A forum's clock, a thread's last post, a member's sign-up day: other times.
        for other in [
            "<p class=\"time\">Aktuelle Zeit: 14.10.2020, 12:18</p>",
            "<div class=\"starter\"><span>Letzter Beitrag:</span> 18.10.2010</div>",
            "<div class=\"userinfo\">Registriert seit: 03.03.2011</div>",
        ] {
            assert_eq!(published(other), None, "{other}");
        }
        // The page's own microdata, once or repeated alike, is.
        assert_eq!(
            published(
                "<span itemprop=\"datePublished\" content=\"2021-10-27T20:35:36+01:00\"></span>"
            )
            .as_deref(),
            Some("2021-10-27T20:35:36+01:00")
        );
    }

    #[test]
    fn today_s_date_in_the_masthead_is_not_the_page_s() {
        let paragraphs = numbered_paragraphs(
            4,
            "Absatz",
            "Wer die Arbeit der Zukunft verstehen will, muss auf die Maschinen schauen, die \
             sie verändern, und auf die Menschen dahinter.",
        );
        let page = |top: &str, article_header: &str| {
            format!(
                "<html><head><title>Die Zukunft der Arbeit</title></head><body>\
                 <header><h1><a href=\"/\">Sender</a></h1>\
                 <span class=\"dlf-date\">Mittwoch, 26.02.2020</span>\
                 <nav><a href=\"/politik\">Politik</a> <a href=\"/kultur\">Kultur</a></nav>\
                 </header>\
                 <div class=\"header--topbar\"><span class=\"date\">Tuesday, (08 Dec 2020)\
                 </span><time datetime=\"2020-12-08\">heute</time></div>{top}\
                 <article><header><h2>Die Zukunft der Arbeit</h2>\
                 <nav><a href=\"#teil-2\">Teil 2</a></nav>{article_header}</header>\
                 {paragraphs}</article></body></html>"
            )
        };
        let published = |html: String| match parse_html(
            &html,
            "https://example.de/zukunft-der-arbeit",
            Hints::default(),
        ) {
            Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
            other => panic!("the article is found: {other:?}"),
        };
        // The site's header with its menu, and a top bar, show today's date.
        assert_eq!(published(page("", "")), None);
        // So does a page header holding only the site's logo.
        let logo_only = page("", "").replace(
            "<nav><a href=\"/politik\">Politik</a> <a href=\"/kultur\">Kultur</a></nav>",
            "",
        );
        assert!(!logo_only.contains("/politik"));
        assert_eq!(published(logo_only.clone()), None);
        assert_eq!(
            published(logo_only.replace("<a href=\"/\">Sender</a>", "Sender")).as_deref(),
            Some("2020-02-26"),
            "a header holding neither menu nor logo is no masthead"
        );
        // The last item of a breadcrumb trail is the page, its date the page's.
        let trail = "<nav aria-label=\"breadcrumb\"><a href=\"/\">Start</a> / \
                     <span>01.05.2017 | Die Zukunft der Arbeit</span></nav>";
        assert_eq!(published(page(trail, "")).as_deref(), Some("2017-05-01"));
        // The article's own header, menu or not, holds the article's date.
        let own = "<span class=\"date\">1. Mai 2017</span>";
        assert_eq!(published(page("", own)).as_deref(), Some("2017-05-01"));
    }

    #[test]
    fn a_blog_s_trackback_description_dates_the_page() {
        let rdf = |about: &str, date: &str| {
            format!(
                "<!--\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n\
                 xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<rdf:Description\n  \
                 rdf:about=\"{about}\"\n  dc:title=\"JRA (2020/7/11-12)\"\n  \
                 dc:date=\"{date}\" />\n</rdf:RDF>\n-->"
            )
        };
        let one = rdf("https://blog.example.jp/e/1", "2020-07-12T22:00:00+09:00");
        assert_eq!(
            article_with(&one)
                .published_at
                .map(|t| t.to_string())
                .as_deref(),
            Some("2020-07-12T22:00:00+09:00")
        );
        // A listing's entries each carry one: none is the page's.
        let two = format!(
            "{one}{}",
            rdf("https://blog.example.jp/e/2", "2020-07-10T08:00:00+09:00")
        );
        assert_eq!(article_with(&two).published_at, None);
    }

    #[test]
    fn times_in_comments_and_related_boxes_are_not_the_page_s() {
        let paragraphs: String = (1..=4)
            .map(|i| {
                format!(
                    "<p>Absatz {i}: Tomaten schneidet man am besten mit einem scharfen \
                     Wellenschliffmesser, damit die Haut nicht reißt und der Saft bleibt.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Tomaten richtig schneiden</title></head><body>\
             <h1>Tomaten richtig schneiden</h1>\
             <div class=\"post-meta\"><div class=\"wpcom-comments-date\">\
             <span class=\"date\">August 30, 2017</span></div></div>\
             <div class=\"entry\">{paragraphs}</div>\
             <div class=\"related-posts\"><span class=\"post-date\">09/09/2019</span></div>\
             <div id=\"similar_threads\"><span class=\"date\">18.10.2010</span></div>\
             <ul><li class=\"widget widget_recent_entries\"><span class=\"post-date\">\
             10/09/2019</span></li></ul>\
             <ol class=\"comment-list\"><li><time datetime=\"2020-09-23T18:19:00+02:00\">\
             23.09.2020</time> Danke für den Tipp!</li></ol></body></html>"
        );
        let record = parsed_article(&html, "https://example.de/tipp/tomaten");
        assert_eq!(
            record.published_at.map(|t| t.to_string()).as_deref(),
            Some("2017-08-30")
        );
    }

    #[test]
    fn utc_times_take_the_local_offset_the_page_gives_or_vietnam_s() {
        let t = |s: &str| dates::parse_machine(s, LocalZone::Unknown).unwrap();
        let utc = t("2019-10-18T22:04:00Z");
        let local = t("2019-10-19T00:04:00+02:00");
        assert_eq!(
            local_offset(utc, &[utc, local], LocalZone::Unknown).to_string(),
            "2019-10-19T00:04:00+02:00"
        );
        // A generic date tag naming the same instant in the site's offset (a page's whole
        // metadata, in the shape a feed writes it).
        let page = "<html><head><title>Therapien</title>\
                    <meta name=\"date\" content=\"Sat, 19 Oct 2019 00:04:00 +0200\">\
                    <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\
                    \"datePublished\":\"2019-10-18T22:04:00Z\"}</script></head><body>\
                    <h1>Therapien</h1><p>Was alternative Therapien bei Krebs bringen, haben \
                    Ärzte in einer großen Studie mit vielen Patienten untersucht und \
                    beschrieben.</p></body></html>";
        let published = match parse_html(page, "https://example.at/therapien", Hints::default()) {
            Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
            other => panic!("the article is found: {other:?}"),
        };
        assert_eq!(published.as_deref(), Some("2019-10-19T00:04:00+02:00"));
        // Nothing else said: kept as given, unless the page is Vietnamese.
        assert_eq!(
            local_offset(utc, &[utc], LocalZone::Unknown).to_string(),
            "2019-10-18T22:04:00Z"
        );
        assert_eq!(
            local_offset(utc, &[utc], LocalZone::Vietnam).to_string(),
            "2019-10-19T05:04:00+07:00"
        );
        // A time with its own offset is left alone.
        assert_eq!(
            local_offset(local, &[local], LocalZone::Vietnam).to_string(),
            "2019-10-19T00:04:00+02:00"
        );
    }

    #[test]
    fn metadata_that_disagrees_with_itself_gives_the_day_the_page_shows() {
        let body = numbered_paragraphs(
            4,
            "Absatz",
            "Mit dem Campingbus durch Schweden: Seen, Wälder und lange Abende am Wasser, \
             dazu Tipps für Stellplätze und die beste Reisezeit.",
        );
        let page = |shown: &str| {
            format!(
                "<html><head><title>Vanlife in Schweden</title>\
                 <meta property=\"article:published_time\" content=\"2022-01-06T08:29:34\">\
                 <script type=\"application/ld+json\">{{\"@type\":\"Article\",\
                 \"datePublished\":\"2022-01-04T07:29:00.000Z\"}}</script></head><body>\
                 <h1>Vanlife in Schweden</h1><div class=\"date\">{shown}</div>{body}\
                 </body></html>"
            )
        };
        let day = |html: &str| {
            parsed_article(html, "https://example.com/szene/vanlife")
                .published_at
                .map(|t| t.date().to_string())
        };
        // The page shows the day of its Open Graph tag, not the JSON-LD's.
        assert_eq!(day(&page("06.01.2022")).as_deref(), Some("2022-01-06"));
        // Shown nowhere, or another day again: the JSON-LD, first in line, stands.
        assert_eq!(day(&page("")).as_deref(), Some("2022-01-04"));
        assert_eq!(day(&page("09.01.2022")).as_deref(), Some("2022-01-04"));
    }

    #[test]
    fn an_app_state_s_creation_time_is_the_last_resort() {
        let body = numbered_paragraphs(
            4,
            "Absatz",
            "Der Stabhochspringer hat in der Halle sechs Meter übersprungen und bereitet \
             sich nun auf die Europameisterschaften im Sommer vor.",
        );
        let page = |script: &str| {
            format!(
                "<html><head><title>Topathleten</title></head><body><h1>Topathleten</h1>\
                 {body}<script>window.__STATE__={{\"document\":{{\"@type\":\"Page\",\
                 {script}\"enabled\":true}}}}</script></body></html>"
            )
        };
        let day = |html: &str| {
            parsed_article(html, "https://example.com/de/topathleten")
                .published_at
                .map(|t| t.to_string())
        };
        assert_eq!(
            day(&page("\"createdAt\":\"2022-01-31T15:58:43+01:00\",")).as_deref(),
            Some("2022-01-31T15:58:43+01:00")
        );
        // A publication key in the same data wins over it.
        assert_eq!(
            day(&page(
                "\"createdAt\":\"2022-01-31T15:58:43+01:00\",\
                 \"publishDate\":\"2022-02-01T08:00:00+01:00\","
            ))
            .as_deref(),
            Some("2022-02-01T08:00:00+01:00")
        );
        assert_eq!(day(&page("")), None);
    }

    #[test]
    fn a_publication_label_may_stand_in_the_block_before_its_date() {
        let body = numbered_paragraphs(
            4,
            "Absatz",
            "Die Delegiertenversammlung hat eine neue Präsidentin gewählt, die als erste Frau \
             in der Geschichte des Verbandes dieses Amt innehaben wird.",
        );
        let page = |label: &str| {
            format!(
                "<html><head><title>Neue Präsidentin</title>\
                 <meta name=\"date\" content=\"2021-10-15\"></head><body>\
                 <div class=\"left-navigation-wrapper\"><main>\
                 <div class=\"eventbox\"><h1>Neue Präsidentin gewählt</h1>\
                 <div class=\"eventbox__right-col\"><span class=\"subheadline\">{label}</span>\
                 <h2 class=\"headline\">13.10.2021</h2><strong>Herausgeber:</strong> Verband\
                 </div></div>{body}<div class=\"author\"><h4>Zuletzt geändert am:</h4>\
                 <ul class=\"timestamp-list\"><li class=\"timestamp-list__item\">15.10.2021\
                 </li></ul></div></main></div></body></html>"
            )
        };
        let day = |html: &str| {
            parsed_article(html, "https://example.org/presse/praesidentin")
                .published_at
                .map(|t| t.to_string())
        };
        // (The whole page sits in a wrapper named after its menu, around its <main>.)
        assert_eq!(day(&page("Erschienen am:")).as_deref(), Some("2021-10-13"));
        // No label: the heading is a day like any other, weaker than an element named as a
        // date.
        assert_eq!(day(&page("Ort:")).as_deref(), Some("2021-10-15"));
    }

    #[test]
    fn a_time_element_showing_another_day_gives_the_day_it_shows() {
        let body = numbered_paragraphs(
            4,
            "Paragraphe",
            "Les grenades sont un enjeu stratégique pour la doctrine du maintien de l'ordre, \
             comme le montrent les documents publiés cette semaine.",
        );
        let day = |time: &str| {
            let html = format!(
                "<html><head><title>Les grenades</title></head><body><h1>Les grenades</h1>\
                 <div class=\"time\">{time}</div>{body}</body></html>"
            );
            parsed_article(&html, "https://example.info/les-grenades-12355")
                .published_at
                .map(|t| t.to_string())
        };
        assert_eq!(
            day("<time datetime=\"2019-07-03T10:18:46Z\">Publié le 29 juin 2019</time>").as_deref(),
            Some("2019-06-29")
        );
        // The same day shown: the attribute, with its time.
        assert_eq!(
            day("<time datetime=\"2019-07-03T10:18:46Z\">3 juillet 2019</time>").as_deref(),
            Some("2019-07-03T10:18:46Z")
        );
        // A month-first date read day first is the attribute's day.
        assert_eq!(
            day("<time datetime=\"2017-03-01\">03/01/2017</time>").as_deref(),
            Some("2017-03-01")
        );
    }

    #[test]
    fn a_short_article_beside_a_hidden_login_panel_and_related_posts() {
        let login: String = (1..=20)
            .map(|i| format!("<p>Anmelden und Passwort zurücksetzen, Schritt {i} von zwanzig</p>"))
            .collect();
        let menu: String = (1..=6)
            .map(|i| {
                format!(
                    "<li><h3 class=\"entry-title\"><a href=\"/artikel/{i}\">Meldung \
                     Nummer {i} aus der Region an der Mosel</a></h3></li>"
                )
            })
            .collect();
        let page = |popup_class: &str| {
            format!(
                "<html><head><title>Weinbergsbahnen nicht manipuliert</title></head><body>\
                 <div class=\"td-header\"><ul class=\"sf-menu\">{menu}</ul>\
                 <div class=\"{popup_class}\">{login}</div></div>\
                 <article><h1>Weinbergsbahnen nicht manipuliert</h1>\
                 <div class=\"td-post-content\"><p>ERDEN. Wie berichtet, meldete die Polizei \
                 Anfang Oktober, dass an zwei Zahnradbahnen in der Weinlage technische \
                 Manipulationen zur Anzeige gebracht worden waren.</p><p>Vorausgegangen war \
                 ein Fall in Trittenheim, bei dem sich ein Winzersohn nur durch einen \
                 beherzten Sprung retten konnte, als die Bahn hangabwärts sauste.</p>\
                 <p>Die Ermittlungen zu diesem Fall gehen weiter, teilte die Polizei am \
                 Dienstag mit.</p></div></article></body></html>"
            )
        };
        match parse_html(
            &page("white-popup-block mfp-hide td-login-modal-wrap"),
            "https://example.de/artikel/310144/weinbergsbahnen/",
            Hints::default(),
        ) {
            Ok(Extraction::Article(a)) => {
                assert!(a.body.starts_with("ERDEN. Wie berichtet"), "{}", a.body);
                assert!(!a.body.contains("Passwort"), "{}", a.body);
            }
            other => panic!("the article is found: {other:?}"),
        }
        // Related posts in the article's column, linked headings over teasers: the pass
        // without class hints reads them (and wins, twice as long), but headings the strict
        // pass left out as boilerplate make no listing of the page.
        let related: String = (1..=6)
            .map(|i| {
                format!(
                    "<div class=\"td-related-posts\"><h3><a href=\"/artikel/{i}\">Weitere \
                     Meldung Nummer {i}</a></h3><p>Ein Anriss der weiteren Meldung {i}, mit \
                     ein paar Sätzen darüber, was in der Region Trier und an der Mosel in \
                     dieser Woche geschehen ist.</p></div>"
                )
            })
            .collect();
        let with_related = page("white-popup-block mfp-hide td-login-modal-wrap")
            .replace("</article>", &format!("{related}</article>"));
        match parse_html(
            &with_related,
            "https://example.de/artikel/310144/weinbergsbahnen/",
            Hints::default(),
        ) {
            Ok(Extraction::Article(a)) => {
                assert!(a.body.contains("Vorausgegangen war"), "{}", a.body);
            }
            other => panic!("the article is found: {other:?}"),
        }
    }

    #[test]
    fn a_post_addressed_by_its_number_at_the_site_root_is_no_home_page() {
        let post = |url: &str| names_a_post(&Url::parse(url).unwrap());
        assert!(post("https://www.talent.ch/?p=5031"));
        assert!(post("http://blog.example.de/?p=959/"));
        assert!(post("https://example.org/?page_id=12"));
        assert!(post("https://example.org/?newsid=6486285&lang=de"));
        for listing in [
            "https://example.org/",
            "https://example.org/?s=wahl",
            "https://example.org/?cat=5",
            "https://example.org/?page=2",
            "https://example.org/?lang=en",
            "https://example.org/?p=",
            "https://example.org/?p=abc",
        ] {
            assert!(!post(listing), "{listing}");
        }
        // The whole verdict: the same blog post at "/?p=" and at "/".
        let body = numbered_paragraphs(
            4,
            "Absatz",
            "Der Vorstand hat die Statuten beraten und eine Formulierung gefunden, über die \
             die Mitglieder an der nächsten Versammlung abstimmen werden.",
        );
        let html = format!(
            "<html><head><title>Protokoll der Vorstandssitzung</title></head><body>\
             <h1>Protokoll der Vorstandssitzung</h1>{body}</body></html>"
        );
        let verdict = |url: &str| {
            matches!(
                parse_html(&html, url, Hints::default()),
                Ok(Extraction::Article(_))
            )
        };
        assert!(verdict("https://www.example.ch/?p=5031"));
        assert!(!verdict("https://www.example.ch/"));
    }

    #[test]
    fn an_article_in_one_long_paragraph_is_an_article() {
        let sentence = "The committee met on Tuesday and agreed on a plan for the river banks, \
                        which will be planted with willows over the next three years. ";
        let verdict = |sentences: usize| {
            let html = format!(
                "<html><head><title>River banks</title></head><body><h1>River banks</h1>\
                 <div class=\"text\"><p>{}</p></div></body></html>",
                sentence.repeat(sentences)
            );
            matches!(
                parse_html(
                    &html,
                    "https://example.org/news/river-banks",
                    Hints::default()
                ),
                Ok(Extraction::Article(_))
            )
        };
        // 1,330 characters in one block: an article; 665: too little to tell.
        assert!(verdict(10));
        assert!(!verdict(5));
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
    fn a_country_domain_gives_its_country_s_zones() {
        let zone = |host: &str| LocalZone::of_host(host);
        assert_eq!(
            zone("www.kas.de"),
            Some(LocalZone::Country(chrono_tz::Europe::Berlin))
        );
        assert_eq!(
            zone("www.bbc.co.uk"),
            Some(LocalZone::Country(chrono_tz::Europe::London))
        );
        assert_eq!(zone("baochinhphu.vn"), Some(LocalZone::Vietnam));
        assert_eq!(
            zone("www.lanacion.com.ar"),
            Some(LocalZone::Country(
                chrono_tz::America::Argentina::Buenos_Aires
            ))
        );
        assert!(matches!(
            zone("ici.radio-canada.ca"),
            Some(LocalZone::Spanning(_))
        ));
        // Generic domains and domains sold as generic names say nothing.
        for host in [
            "example.com",
            "vnexpress.net",
            "elcolombiano.co",
            "example.io",
            "localhost",
        ] {
            assert_eq!(zone(host), None, "{host}");
        }
        let body = numbered_paragraphs(
            4,
            "Absatz",
            "Die Kommunalwahlen haben das Land verändert, die Regierung steht unter Druck, \
             und die Opposition gewinnt in vielen Städten.",
        );
        let page = |host: &str, shown: &str| {
            let html = format!(
                "<html><head><title>Kommunalwahlen</title>\
                 <meta property=\"article:published_time\" content=\"2021-11-04T23:00Z\">\
                 </head><body><h1>Kommunalwahlen</h1>{shown}{body}</body></html>"
            );
            match parse_html(&html, &format!("https://{host}/wahlen"), Hints::default()) {
                Ok(Extraction::Article(a)) => a.published_at.map(|t| t.to_string()),
                other => panic!("the article is found: {other:?}"),
            }
        };
        // Midnight in Berlin, written in UTC: the reader's day is the next one.
        assert_eq!(
            page("www.example.de", "").as_deref(),
            Some("2021-11-05T00:00:00+01:00")
        );
        assert_eq!(
            page("www.example.com", "").as_deref(),
            Some("2021-11-04T23:00:00Z")
        );
        // In a country of several zones, the day the whole country sees, in its main zone:
        // afternoon from Vancouver to St. John's, morning from Perth to Sydney.
        assert_eq!(
            page("www.example.ca", "").as_deref(),
            Some("2021-11-04T19:00:00-04:00")
        );
        assert_eq!(
            page("www.example.com.au", "").as_deref(),
            Some("2021-11-05T10:00:00+11:00")
        );
        // Four hours later it is the evening of the 4th in Vancouver and already the 5th in
        // St. John's: the day is not the country's, and the time stays in UTC.
        let Some(canada) = zone("www.example.ca") else {
            panic!("Canada's zones are known");
        };
        let late = chrono::DateTime::parse_from_rfc3339("2021-11-05T03:00:00Z")
            .unwrap_or_else(|e| panic!("valid time: {e}"));
        assert_eq!(canada.day_zone(late), None);
        assert_eq!(
            local_offset(ArticleTime::DateTime(late), &[], canada).to_string(),
            "2021-11-05T03:00:00Z"
        );
        // A site that shows its UTC day keeps it.
        let shown = "<span class=\"entry-date\">04/11/2021</span>";
        assert_eq!(
            page("www.example.ch", shown).as_deref(),
            Some("2021-11-04T23:00:00Z")
        );
        // A visible time without an offset is the country's.
        assert_eq!(
            dates::parse_visible(
                "19. Oktober 2019 00:04 Uhr",
                LocalZone::Country(chrono_tz::Europe::Vienna)
            )
            .map(|t| t.to_string())
            .as_deref(),
            Some("2019-10-19T00:04:00+02:00")
        );
    }

    #[test]
    fn day_in_the_url_path() {
        let cases = [
            ("https://ex.com/2019/06/29/story/", Some("2019-06-29")),
            (
                "https://ex.com/news/2020-1-5-title.html",
                Some("2020-01-05"),
            ),
            ("https://ex.com/2019/13/40/x", None),
            ("https://ex.vn/bai-viet-20211201103512345.htm", None),
            // The slug starts with a number: the path gives a month, not a day.
            ("https://blog.ex.de/2023/10/3-fragen-an-tina/", None),
            ("https://ex.com/archive/2021/3/8.html", Some("2021-03-08")),
            (
                "https://ex.com/photos_2018_11_04_parade",
                Some("2018-11-04"),
            ),
            (
                "https://www.ex.se/20200428/meet-the-swede",
                Some("2020-04-28"),
            ),
            ("https://ex.com/item/20201399/", None),
        ];
        for (url, day) in cases {
            let got = date_in_url(&Url::parse(url).unwrap()).map(|t| t.to_string());
            assert_eq!(got.as_deref(), day, "{url}");
        }
    }

    #[test]
    fn day_first_in_the_url_path() {
        let cases = [
            (
                "https://ex.de/media-news/meldungen/29-10-2021",
                Some("2021-10-29"),
            ),
            (
                "https://ex.it/de/newsroom/23-01-2022-wierer-jubelt/17-378.html",
                Some("2022-01-23"),
            ),
            ("https://ex.com/news/13-04-2021-story", Some("2021-04-13")),
            (
                "https://ex.com/artikel/bericht_vom_22.04.2020_politik",
                Some("2020-04-22"),
            ),
            // Only month first reads as a day.
            (
                "https://ex.com/blog/post/wrap-up-12-19-2025",
                Some("2025-12-19"),
            ),
            // Both ways, or neither, or mixed separators: no day.
            ("https://ex.com/news/03-04-2021-story", None),
            ("https://ex.com/news/31-13-2021-story", None),
            ("https://ex.com/news/29-10.2021-story", None),
            ("https://ex.com/news/story-2021", None),
        ];
        for (url, day) in cases {
            let got = day_first_in_url(&Url::parse(url).unwrap(), LocalZone::Unknown);
            assert_eq!(got.map(|t| t.to_string()).as_deref(), day, "{url}");
        }
        // A country's site writes days first.
        let french = Url::parse("https://ex.fr/meteo/tempete-records-02-11-2023-XVZ4H2.php");
        let zone = LocalZone::Country(chrono_tz::Europe::Paris);
        assert_eq!(
            day_first_in_url(&french.unwrap(), zone)
                .map(|t| t.to_string())
                .as_deref(),
            Some("2023-11-02")
        );
    }

    #[test]
    fn source_line_breaks_are_spaces_but_br_and_pre_break_lines() {
        let page = "<html><head><title>Một bài viết thử nghiệm</title></head><body><article><h1>Một bài viết thử nghiệm</h1>\
            <p>Đoạn thứ nhất được viết\ntrên hai dòng trong mã nguồn, nhưng vẫn là một đoạn văn duy nhất của bài.</p>\
            <p>Đoạn thứ hai có dấu ngắt<br>ngay giữa câu, nên phải tách thành hai dòng riêng biệt trong nội dung.</p>\
            <pre>dòng một\ndòng hai</pre></article></body></html>";
        let url = Url::parse("https://bao.example.vn/bai-viet-4412345.html").unwrap();
        let analysis = Parser::default()
            .analyze(Page {
                bytes: page.as_bytes(),
                url: &url,
                http_charset: None,
                fetched_at: chrono::Utc::now(),
            })
            .unwrap();
        let body = analysis.record.body;
        assert!(body.contains("được viết trên hai dòng"), "{body}");
        assert!(body.contains("dấu ngắt\n\nngay giữa câu"), "{body}");
        assert!(body.contains("dòng một\n\ndòng hai"), "{body}");
    }

    #[test]
    fn url_day_and_metadata() {
        let published_at = |url: &str, meta: &str| {
            let page = format!(
                r#"<html><head><title>Tiêu đề</title>
                <meta property="article:published_time" content="{meta}">
                </head><body><p>Nội dung.</p></body></html>"#
            );
            let url = Url::parse(url).unwrap();
            Parser::default()
                .analyze(Page {
                    bytes: page.as_bytes(),
                    url: &url,
                    http_charset: None,
                    fetched_at: chrono::Utc::now(),
                })
                .unwrap()
                .record
                .published_at
                .map(|t| t.to_string())
        };
        let published = |url: &str| published_at(url, "2019-06-17T18:28:00+02:00");
        // Agreeing: the metadata's time and offset are kept.
        assert_eq!(
            published("https://ex.de/2019/06/17/a").as_deref(),
            Some("2019-06-17T18:28:00+02:00")
        );
        // Disagreeing: the day the site filed the article under.
        assert_eq!(
            published("https://ex.de/2017/7/12/a").as_deref(),
            Some("2017-07-12")
        );
        // No day in the URL: the metadata.
        assert_eq!(
            published("https://ex.de/a").as_deref(),
            Some("2019-06-17T18:28:00+02:00")
        );
        // A day written day first is weaker than the metadata.
        assert_eq!(
            published("https://ex.de/meldungen/12-07-2017").as_deref(),
            Some("2019-06-17T18:28:00+02:00")
        );
        // The day after the URL's, on the site's clock or after 10:00 UTC (the next day as
        // far west as Hawaii): filed one day, published the next.
        assert_eq!(
            published("https://ex.de/2019/06/16/a").as_deref(),
            Some("2019-06-17T18:28:00+02:00")
        );
        assert_eq!(
            published_at("https://ex.com/2020/07/08/a", "2020-07-09T10:04:04Z").as_deref(),
            Some("2020-07-09T10:04:04Z")
        );
        // A UTC time early on the next day may still be the URL's day where the site is.
        assert_eq!(
            published_at("https://ex.com/2020/07/08/a", "2020-07-09T02:00:00Z").as_deref(),
            Some("2020-07-08")
        );
        // Two days after: the day the site filed the article under.
        assert_eq!(
            published("https://ex.de/2019/06/15/a").as_deref(),
            Some("2019-06-15")
        );
    }

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
    fn a_byline_label_standing_alone_names_the_next_element() {
        // "Written by" in one element, the name in the next, no class naming either.
        let byline = "<div><p class=\"text-grey-1200\">Written by</p>\
                      <p class=\"text-grey-700\">Edzel Tabing</p></div>";
        assert_eq!(
            article_with(byline).authors,
            vec!["Edzel Tabing".to_string()]
        );
        // The same shape in a slide of other posts is theirs.
        let slide = "<div class=\"splide__slide\"><p>Written by</p><p>Anna Berg</p></div>";
        assert_eq!(article_with(slide).authors, Vec::<String>::new());
    }

    #[test]
    fn a_line_saying_written_by_names_the_author_wherever_it_stands() {
        // Joomla's "createdby" line, an author box's "Written by …": no class names either.
        let line = "<div><p class=\"brxe-text-basic\">Written by John Crenshaw</p></div>";
        assert_eq!(
            article_with(line).authors,
            vec!["John Crenshaw".to_string()]
        );
        let spanish = "<dl><dd class=\"createdby\">Escrito por Jose Pablo Segura Vargas</dd></dl>";
        assert_eq!(
            article_with(spanish).authors,
            vec!["Jose Pablo Segura Vargas".to_string()]
        );
        // In a comment box the line is the commenter's.
        let comment = "<div class=\"comments\"><p>Written by Anna Berg</p></div>";
        assert_eq!(article_with(comment).authors, Vec::<String>::new());
    }

    #[test]
    fn an_author_box_names_the_person_its_portrait_and_its_text_both_name() {
        let author_box = |inner: &str| {
            format!(
                "<div class=\"blog_author-box\"><div class=\"blog_author-image-wrapper\">\
                 <img alt=\"Lauren Vetter\" src=\"/lauren.webp\"></div>\
                 <div class=\"blog_author-text\">{inner}<div class=\"text-rich-text_author\">\
                 <p>Lauren Vetter is a growth-focused marketing professional specializing in \
                 healthcare technology, who has written for clinics across the country for \
                 more than a decade.</p></div></div></div>"
            )
        };
        let named = author_box("<div class=\"text-size-small\">Lauren Vetter</div>");
        assert_eq!(
            article_with(&named).authors,
            vec!["Lauren Vetter".to_string()]
        );
        // Named once only, by the portrait: a picture's description is not a byline.
        let pictured = author_box("<div class=\"text-size-small\">Marketing</div>");
        assert_eq!(article_with(&pictured).authors, Vec::<String>::new());
        // A reviewer's box names the reviewer.
        let reviewer =
            author_box("<div class=\"text-size-small\">Reviewed by</div><div>Lauren Vetter</div>");
        assert_eq!(article_with(&reviewer).authors, Vec::<String>::new());
    }

    #[test]
    fn a_byline_above_the_body_is_read_when_it_says_it_is_one() {
        let body = numbered_paragraphs(
            4,
            "Dining",
            "the new restaurant opens its doors in the Memorial City area this spring, with a \
             menu built around the grill and a long bar for walk-ins.",
        );
        let page = |line: &str| {
            format!(
                "<html><head><title>A new grill</title></head><body><h1>A new grill opens \
                 in Memorial City</h1><p class=\"page-header__meta\"><span>{line}</span></p>\
                 <div class=\"story\">{body}</div></body></html>"
            )
        };
        let by = page("By <a href=\"/producers/sofia-gonzalez\">Sofia Gonzalez</a>");
        let record = parsed_article(&by, "https://example.com/eat/a-new-grill");
        assert_eq!(record.authors, vec!["Sofia Gonzalez".to_string()]);
        // An author label with its colon says so too.
        let labelled = page(
            "<span class=\"meta-label\">Author: </span><a href=\"/person/sofia-gonzalez/\">Sofia Gonzalez</a>",
        );
        let record = parsed_article(&labelled, "https://example.com/eat/a-new-grill");
        assert_eq!(record.authors, vec!["Sofia Gonzalez".to_string()]);
        // Without the word, two capitalised words there may be a section or a place.
        let place = page("Memorial City");
        let record = parsed_article(&place, "https://example.com/eat/a-new-grill");
        assert_eq!(record.authors, Vec::<String>::new());
    }

    #[test]
    fn a_book_s_author_in_a_review_is_not_the_review_s() {
        let body = numbered_paragraphs(
            4,
            "Review",
            "the novel follows a family of painters through three generations, and its magic \
             is quiet enough that the reader barely notices it at first.",
        );
        let html = format!(
            "<html><head><title>Book Beat</title></head><body><h1>Book Beat: gothic \
             romance and more</h1><div class=\"story\"><p>Title: The Unlikely Escape</p>\
             <p>Author: Helena Parry</p>{body}</div></body></html>"
        );
        let record = parsed_article(&html, "https://example.com/book-beat");
        assert_eq!(record.authors, Vec::<String>::new());
        assert!(
            record.body.contains("Author: Helena Parry"),
            "{}",
            record.body
        );
    }

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
}
