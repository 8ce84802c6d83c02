//! Per-site rules: what a site's own markup says, for the places where generic extraction
//! needs help. One rule per site, written as data (`config/sites/<domain>.toml`), never as code.
//!
//! A rule may name CSS selectors for the title, lead, body, publication time, authors and
//! section, selectors of elements to remove before anything is extracted, and regular
//! expressions of the site's article URLs (used when reading section pages). Everything left
//! out is found by the generic extraction as on any other site.

use regex::Regex;
use scraper::Selector;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use url::Url;

/// One site's rule as written in its file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteRuleConfig {
    /// Hosts the rule applies to; each also covers its subdomains (`vnexpress.net` covers
    /// `e.vnexpress.net`).
    pub domains: Vec<String>,
    /// The headline.
    pub title: Option<String>,
    /// The lead (sapo).
    pub lead: Option<String>,
    /// The element(s) holding the article text; the generic cleaning still runs inside.
    pub body: Option<String>,
    /// The publication time: the element's `datetime` or `content` attribute, else its text.
    pub published: Option<String>,
    /// One element per author.
    pub authors: Option<String>,
    /// The section the article is filed under (the trail's step, a label over the headline):
    /// the first element's text.
    pub section: Option<String>,
    /// Elements removed before extraction (widgets, related lists, ads).
    pub remove: Vec<String>,
    /// Regular expressions matched against the whole URL of links on section pages: a link
    /// that matches one is an article of this site, one that matches none is not.
    pub article_urls: Vec<String>,
    /// Query parameters that do not change the page on this site, dropped when URLs are
    /// normalised (as `utm_*` and the other tracking parameters are everywhere), so that the
    /// page is one entry of the crawl state however it is linked. A name ending in `*` is a
    /// prefix.
    pub drop_params: Vec<String>,
}

/// A rule that could not be compiled: which key, and why.
#[derive(Debug, thiserror::Error)]
#[error("key `{key}`: {message}")]
pub struct SiteRuleError {
    /// The key, such as `remove[2]`.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

/// A compiled rule.
#[derive(Debug)]
pub struct SiteRule {
    domains: Vec<String>,
    pub(crate) title: Option<Selector>,
    pub(crate) lead: Option<Selector>,
    pub(crate) body: Option<Selector>,
    pub(crate) published: Option<Selector>,
    pub(crate) authors: Option<Selector>,
    pub(crate) section: Option<Selector>,
    pub(crate) remove: Vec<Selector>,
    article_urls: Vec<Regex>,
    drop_params: Vec<String>,
}

fn selector(key: &str, text: &str) -> Result<Selector, SiteRuleError> {
    Selector::parse(text).map_err(|e| SiteRuleError {
        key: key.to_string(),
        message: format!("{text:?} is not a valid CSS selector: {e}"),
    })
}

fn optional(key: &str, text: &Option<String>) -> Result<Option<Selector>, SiteRuleError> {
    text.as_deref().map(|t| selector(key, t)).transpose()
}

impl SiteRule {
    /// Compiles a rule; the error names the key at fault.
    pub fn compile(config: &SiteRuleConfig) -> Result<SiteRule, SiteRuleError> {
        if config.domains.is_empty() {
            return Err(SiteRuleError {
                key: "domains".into(),
                message: "at least one domain is needed".into(),
            });
        }
        let remove = config
            .remove
            .iter()
            .enumerate()
            .map(|(i, s)| selector(&format!("remove[{i}]"), s))
            .collect::<Result<_, _>>()?;
        let article_urls = config
            .article_urls
            .iter()
            .enumerate()
            .map(|(i, pattern)| {
                Regex::new(pattern).map_err(|e| SiteRuleError {
                    key: format!("article_urls[{i}]"),
                    message: e.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(SiteRule {
            domains: config
                .domains
                .iter()
                .map(|d| d.trim().trim_start_matches("www.").to_ascii_lowercase())
                .collect(),
            title: optional("title", &config.title)?,
            lead: optional("lead", &config.lead)?,
            body: optional("body", &config.body)?,
            published: optional("published", &config.published)?,
            authors: optional("authors", &config.authors)?,
            section: optional("section", &config.section)?,
            remove,
            article_urls,
            drop_params: config
                .drop_params
                .iter()
                .map(|p| p.trim().to_ascii_lowercase())
                .filter(|p| !p.is_empty())
                .collect(),
        })
    }

    /// Whether this site's rule drops the query parameter `name` from its URLs.
    pub fn drops_param(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.drop_params.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => name == *p,
        })
    }

    fn covers(&self, host: &str) -> bool {
        let host = host.trim_start_matches("www.");
        self.domains.iter().any(|d| {
            host == d
                || host
                    .strip_suffix(d.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    }
}

/// Every site's rule, cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct SiteRules {
    rules: Arc<Vec<SiteRule>>,
}

impl SiteRules {
    /// The given rules.
    pub fn new(rules: Vec<SiteRule>) -> SiteRules {
        SiteRules {
            rules: Arc::new(rules),
        }
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule of a URL's host, if one covers it.
    pub fn for_url(&self, url: &Url) -> Option<&SiteRule> {
        let host = url.host_str()?.to_ascii_lowercase();
        self.rules.iter().find(|r| r.covers(&host))
    }

    /// Whether the site's rule says `url` is an article; None when no rule of its host has
    /// article URL patterns (then the generic heuristics decide).
    pub fn is_article_url(&self, url: &Url) -> Option<bool> {
        let rule = self.for_url(url)?;
        if rule.article_urls.is_empty() {
            return None;
        }
        Some(rule.article_urls.iter().any(|re| re.is_match(url.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(toml_text: &str) -> Result<SiteRule, SiteRuleError> {
        let config: SiteRuleConfig = toml::from_str(toml_text).unwrap();
        SiteRule::compile(&config)
    }

    #[test]
    fn bad_selectors_and_patterns_name_their_key() {
        let err = rule("domains = [\"a.vn\"]\nremove = [\".ok\", \"div[\"]\n").unwrap_err();
        assert_eq!(err.key, "remove[1]");
        let err = rule("domains = [\"a.vn\"]\narticle_urls = [\"(\"]\n").unwrap_err();
        assert_eq!(err.key, "article_urls[0]");
        let err = rule("title = \"h1\"\n").unwrap_err();
        assert_eq!(err.key, "domains");
    }

    #[test]
    fn a_rule_covers_its_domain_and_subdomains_only() {
        let rules = SiteRules::new(vec![rule(
            "domains = [\"vnexpress.net\"]\narticle_urls = ['-\\d{7}\\.html$']\n",
        )
        .unwrap()]);
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(rules
            .for_url(&url("https://e.vnexpress.net/news/a"))
            .is_some());
        assert!(rules.for_url(&url("https://www.vnexpress.net/")).is_some());
        assert!(rules.for_url(&url("https://notvnexpress.net/")).is_none());
        assert_eq!(
            rules.is_article_url(&url("https://vnexpress.net/thoi-su/bai-viet-4412001.html")),
            Some(true)
        );
        assert_eq!(
            rules.is_article_url(&url("https://vnexpress.net/thoi-su")),
            Some(false)
        );
        assert_eq!(
            rules.is_article_url(&url("https://tuoitre.vn/a-1.htm")),
            None
        );
    }
}
