//! Turns the bytes of a web page into a clean article record, or, for pages that are not
//! articles (home, section, tag and search pages), into the links they offer for discovery.
//!
//! The parser is generic: it needs no rules for a site to find the title, body, dates, authors,
//! agency credit, images and captions of a news page. It does no I/O (fetching belongs to the
//! crawler, delivery to the sinks); any input gives a record or a typed [`ParseError`], and
//! nothing here panics on page content.
//!
//! This file is only the public surface. The extraction runs as named steps (`extract`):
//! decode the bytes ([`decode`]), clean the document (site rules, `guard`), read its metadata
//! (`meta`: `<meta>`, JSON-LD), walk the DOM once into text blocks (`dom`), find the body
//! (`content`, with `boilerplate` for what is not the article), then read each field in a
//! module of its own: `title`, `authors` (bylines and credits, whose words `bylines` reads), `published` (publication and
//! modification times, over the date parsing of [`dates`]), `verdict` (article or not),
//! `taxonomy` (section and tags), `links` (canonical URL, links for discovery) and `language`.
//! Each module keeps its selectors and thresholds, and its tests.
//!
//! ```
//! use tinstream_parser::{Extraction, Page, Parser};
//!
//! let body = "<p>Sáng 1/12, UBND TP Hà Nội tổ chức lễ khởi công xây dựng cầu Trần Hưng Đạo \
//!     bắc qua sông Hồng, nối hai quận Hoàn Kiếm và Long Biên.</p>\
//!     <p>Cây cầu dài khoảng 5,5 km, rộng 35 m, có sáu làn xe cơ giới và hai làn xe buýt, với \
//!     tổng mức đầu tư hơn 8.000 tỷ đồng từ ngân sách thành phố.</p>\
//!     <p>Theo kế hoạch, công trình hoàn thành sau 36 tháng thi công, góp phần giảm ùn tắc cho \
//!     các cầu hiện có như Chương Dương và Long Biên.</p>";
//! let html = format!(
//!     "<html lang=\"vi\"><head><title>Hà Nội khởi công cầu Trần Hưng Đạo - Báo Ví Dụ</title>\
//!      <meta property=\"article:published_time\" content=\"2021-12-01T10:35:00+07:00\">\
//!      </head><body><nav><a href=\"/\">Trang chủ</a></nav>\
//!      <h1>Hà Nội khởi công cầu Trần Hưng Đạo</h1><article>{body}</article>\
//!      <p>Gửi cho bạn bè</p></body></html>"
//! );
//! let url = url::Url::parse("https://bao.example.vn/ha-noi-khoi-cong-cau-123.html").unwrap();
//! let page = Page {
//!     bytes: html.as_bytes(),
//!     url: &url,
//!     http_charset: None,
//!     fetched_at: "2021-12-01T04:00:00Z".parse().unwrap(),
//! };
//! let Ok(Extraction::Article(record)) = Parser::default().parse(page) else {
//!     panic!("an article");
//! };
//! assert_eq!(record.title, "Hà Nội khởi công cầu Trần Hưng Đạo");
//! assert_eq!(record.published_at.unwrap().to_string(), "2021-12-01T10:35:00+07:00");
//! assert!(!record.body.contains("Gửi cho bạn bè"));
//! ```

mod authors;
mod boilerplate;
mod bylines;
mod content;
pub mod dates;
pub mod decode;
mod dom;
mod extract;
mod guard;
mod language;
mod lead;
mod links;
mod meta;
mod mojibake;
mod photo_story;
mod places;
mod published;
pub mod sites;
mod taxonomy;
#[cfg(test)]
mod test_pages;
mod title;
mod verdict;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tinstream_model::{article_id, Article, Image, SCHEMA_VERSION};
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
    /// What the source expects the page to be; it weighs in the verdict.
    pub expect: Expect,
}

/// What the source that listed a page expects it to be. The page's own evidence decides
/// when it is clear; the source's word decides the cases the page leaves open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Expect {
    /// Nothing said (an entry of a general sitemap, a link found on a page): the page alone
    /// decides.
    #[default]
    Unknown,
    /// One article: an item of a feed, an entry of a news sitemap, a URL the operator gave.
    /// A short body, or one under menus of links, is then still an article, as long as it
    /// is not nearly empty and the page is not a site's home page.
    Article,
    /// A listing: a section page the operator gave as a source. It is never an article,
    /// however it reads: its links are what is wanted.
    Listing,
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
    /// The rule that gave the verdict ("body", "declared an article", "too little body",
    /// "linked headings over little text", "mostly links", "home page", "listed as an
    /// article", "listed as a listing").
    pub verdict: &'static str,
    /// What the page alone reads as, before the source's expectation ([`Hints::expect`])
    /// weighed in; differs from `is_article` when the source's word decided.
    pub reads_as_article: bool,
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
    /// Why it is not one: the rule of the verdict ("too little body", "linked headings over
    /// little text", "mostly links", "home page", …).
    #[serde(default)]
    pub reason: String,
    /// The page alone reads as an article; only its source's expectation (a listing) made
    /// it none.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reads_as_article: bool,
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
                reason: analysis.verdict.to_string(),
                reads_as_article: analysis.reads_as_article,
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

    /// [`Parser::analyze`], with what the page's source said of it (as
    /// [`Parser::parse_with_hints`] takes it).
    pub fn analyze_listed(&self, page: Page<'_>, hints: Hints<'_>) -> Result<Analysis, ParseError> {
        self.analyze_with_hints(page, hints)
    }
}
