//! The tinstream article record, version 1.
//!
//! This crate is the contract between tinstream and its downstream consumers: the [`Article`]
//! type that every sink publishes, how its identity ([`article_id`]) and content fingerprint
//! ([`content_hash`]) are computed, the text normalisation every field goes through
//! ([`normalize_text`]), the JSON Schema generated from the types ([`json_schema`]), and a
//! helper for consumers that drop redeliveries ([`dedup::Seen`]), and the URL normalisation
//! that ids are computed after ([`urls`]).
//!
//! It does not fetch, parse or deliver anything; it has no I/O at all, so consumers written in
//! Rust can depend on it alone.

pub mod dedup;
pub mod duration;
mod text;
mod time;
pub mod urls;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use text::{normalize_text, word_count};
pub use time::ArticleTime;

/// The version of the record layout, carried in every record and in the `schema_version` Kafka
/// header. It changes only when a field changes meaning or disappears; new optional fields keep it.
pub const SCHEMA_VERSION: u32 = 1;

/// One news article, as published to the sink.
///
/// All text fields are NFC-normalised with whitespace folded (see [`normalize_text`]); call
/// [`Article::normalize`] after filling a record by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(
    title = "tinstream article record",
    description = "One news article extracted by tinstream."
)]
pub struct Article {
    /// Layout version of this record; see [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Stable identity: the first 128 bits of SHA-256 over the canonical URL, in lower-case hex.
    /// The same article fetched again, or under another URL with the same canonical URL, keeps it.
    pub id: String,
    /// The address the page was fetched from (after redirects).
    pub url: String,
    /// The page's canonical address (`<link rel=canonical>`, `og:url`, else `url`).
    pub canonical_url: String,
    /// The publishing site: the canonical URL's host without a leading `www.`.
    pub site: String,
    /// The headline, without the site-name suffix.
    pub title: String,
    /// The lead (sapo, standfirst) when the page sets one apart from the body.
    pub lead: Option<String>,
    /// The article text: paragraphs in page order, separated by one blank line. Holds no
    /// bylines, captions, share widgets, related-news lists or other boilerplate.
    pub body: String,
    /// When the article was first published, with the page's own UTC offset (never converted).
    /// A page that states only a day gives a full-date string (`2021-12-01`).
    pub published_at: Option<ArticleTime>,
    /// When the article was last modified, when the page says so; same format as `published_at`.
    pub modified_at: Option<ArticleTime>,
    /// Named authors, one person per entry. Staff initials and organisation names are not authors.
    pub authors: Vec<String>,
    /// The news agency the article is credited to, such as `TTXVN`, when the page names one.
    pub source_agency: Option<String>,
    /// The site's section (category) the article belongs to.
    pub section: Option<String>,
    /// Keywords and tags the page gives.
    pub tags: Vec<String>,
    /// Images of the article with their captions.
    pub images: Vec<Image>,
    /// ISO 639-1 code of the article's language, detected from its text.
    pub language: Option<String>,
    /// Number of words in `body`.
    pub word_count: u32,
    /// SHA-256 over title, lead and body (see [`content_hash`]), in lower-case hex: changes
    /// exactly when the article's text changes.
    pub content_hash: String,
    /// When tinstream fetched the page, in UTC.
    pub fetched_at: chrono::DateTime<chrono::Utc>,
}

/// An image that belongs to the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Image {
    /// Absolute URL of the image.
    pub url: String,
    /// The caption shown with the image, credit included, if any.
    pub caption: Option<String>,
}

impl Article {
    /// Normalises every text field, and recomputes `word_count` and `content_hash` so that they
    /// agree with the text.
    pub fn normalize(&mut self) {
        fn opt(v: &mut Option<String>) {
            if let Some(s) = v.take() {
                let s = normalize_text(&s);
                if !s.is_empty() {
                    *v = Some(s);
                }
            }
        }
        fn list(v: &mut Vec<String>) {
            let mut seen = std::collections::HashSet::new();
            let items = std::mem::take(v);
            for item in items {
                let item = normalize_text(&item);
                if !item.is_empty() && seen.insert(item.to_lowercase()) {
                    v.push(item);
                }
            }
        }
        self.title = normalize_text(&self.title);
        opt(&mut self.lead);
        self.body = text::normalize_body(&self.body);
        list(&mut self.authors);
        opt(&mut self.source_agency);
        opt(&mut self.section);
        list(&mut self.tags);
        for image in &mut self.images {
            opt(&mut image.caption);
        }
        self.word_count = word_count(&self.body);
        self.content_hash = content_hash(&self.title, self.lead.as_deref(), &self.body);
    }
}

/// The stable record id for a canonical URL: the first 16 bytes of its SHA-256, in hex.
pub fn article_id(canonical_url: &str) -> String {
    let digest = Sha256::digest(canonical_url.as_bytes());
    hex::encode(&digest[..16])
}

/// The fingerprint of an article's text: SHA-256 over title, lead and body, each followed by a
/// NUL byte so that text cannot move between fields unnoticed.
pub fn content_hash(title: &str, lead: Option<&str>, body: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [title, lead.unwrap_or(""), body] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hex::encode(hasher.finalize())
}

/// The JSON Schema of [`Article`], as committed in `crates/model/schema/article.v1.schema.json`.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Article);
    schema.to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_is_sha256_prefix_of_the_canonical_url() {
        // Expected value from `printf %s https://example.com/a | sha256sum`.
        assert_eq!(
            article_id("https://example.com/a"),
            "2dce0a4c50441bfccfa9caf4b58c3cba"
        );
        assert_ne!(
            article_id("https://example.com/a"),
            article_id("https://example.com/b")
        );
    }

    #[test]
    fn content_hash_separates_fields() {
        assert_ne!(
            content_hash("ab", None, "c"),
            content_hash("a", Some("b"), "c")
        );
        assert_eq!(
            content_hash("a", None, "b"),
            content_hash("a", Some(""), "b")
        );
        // From `printf 'a\0\0b\0' | sha256sum`.
        assert_eq!(
            content_hash("a", None, "b"),
            "1e150340af37881c9b1e9e84429d13b8b5d15164d29d35b0ca9febd9abb4f059"
        );
    }

    #[test]
    fn normalize_composes_vietnamese_and_counts_words() {
        let mut a = sample();
        // "Việt" written decomposed: e + combining circumflex + combining dot below.
        a.title = "Vie\u{0302}\u{0323}t Nam".into();
        a.body = "  Một  hai\n\nba\u{200b} ".into();
        a.authors = vec!["An".into(), " an ".into(), "".into()];
        a.normalize();
        assert_eq!(a.title, "Việt Nam");
        assert_eq!(a.body, "Một hai\n\nba");
        assert_eq!(a.word_count, 3);
        assert_eq!(a.authors, vec!["An".to_string()]);
        assert_eq!(
            a.content_hash,
            content_hash("Việt Nam", None, "Một hai\n\nba")
        );
    }

    fn sample() -> Article {
        Article {
            schema_version: SCHEMA_VERSION,
            id: article_id("https://example.com/a"),
            url: "https://example.com/a".into(),
            canonical_url: "https://example.com/a".into(),
            site: "example.com".into(),
            title: String::new(),
            lead: None,
            body: String::new(),
            published_at: None,
            modified_at: None,
            authors: vec![],
            source_agency: None,
            section: None,
            tags: vec![],
            images: vec![],
            language: None,
            word_count: 0,
            content_hash: String::new(),
            fetched_at: chrono::Utc::now(),
        }
    }
}
