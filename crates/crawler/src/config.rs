//! The crawler's settings: the `[crawler]` table and the `[[sources]]` list of the
//! configuration. Every default lives here, in the `Default` impls.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// The `[crawler]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrawlerConfig {
    /// The User-Agent sent with every request; it should carry a contact URL.
    pub user_agent: String,
    /// How many pages are fetched at once, over all hosts.
    pub concurrency: usize,
    /// How many requests one host may have in flight at once.
    pub per_host_concurrency: usize,
    /// The least time between two requests to one host (robots.txt `Crawl-delay` can raise it).
    #[serde(with = "tinstream_model::duration")]
    pub per_host_delay: Duration,
    /// Where the crawl state (seen URLs, poll times) is kept.
    pub data_dir: PathBuf,
    /// Allow connections to private, loopback and link-local addresses. Off in production so that
    /// a page cannot point the crawler at internal services; tests on 127.0.0.1 turn it on.
    pub allow_private_networks: bool,
    /// Hosts that may be reached on non-public addresses while `allow_private_networks` is
    /// off: an intranet portal among public sites. Names as in URLs (`portal.corp.example`,
    /// or an address such as `10.0.0.5`); a redirect elsewhere is still checked.
    pub private_hosts: Vec<String>,
    /// Time allowed to connect to a server.
    #[serde(with = "tinstream_model::duration")]
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included.
    #[serde(with = "tinstream_model::duration")]
    pub request_timeout: Duration,
    /// Time allowed between two reads of a response: a server that stops sending halfway
    /// fails this soon, without waiting for the whole request's time.
    #[serde(with = "tinstream_model::duration")]
    pub read_timeout: Duration,
    /// Bodies larger than this (after decompression) are abandoned while streaming.
    pub max_body_bytes: usize,
    /// Redirects followed before a fetch fails.
    pub max_redirects: usize,
    /// How long a fetched robots.txt is trusted.
    #[serde(with = "tinstream_model::duration")]
    pub robots_ttl: Duration,
    /// How long a host that answered with a bot challenge (a cookie script that reloads, a
    /// captcha, an "enable JavaScript" wall) is left alone: its next request waits this long.
    /// The challenged page is dead-lettered, not retried.
    #[serde(with = "tinstream_model::duration")]
    pub blocked_backoff: Duration,
    /// Tries of a fetch that failed for a transient reason (network, 5xx, 429) before the
    /// failure is recorded.
    pub max_retries: u32,
    /// How long the crawl state remembers a settled page; older entries are deleted (at start
    /// and every hour), which keeps the store bounded. A page a source still lists after that
    /// is fetched again (and, unchanged, delivered again with the same id and content hash), so
    /// keep it longer than sources list their articles. `0s` keeps entries forever.
    #[serde(with = "tinstream_model::duration")]
    pub state_retention: Duration,
    /// Pages the frontier may hold; new pages a source lists beyond that are refused (and
    /// counted) until it has room, so that no source can make it grow without bound.
    pub max_frontier: u64,
    /// A page whose fetch still fails for a transient reason after `max_retries` goes back to
    /// the frontier, due this long later; the wait doubles each time (at most one hour).
    #[serde(with = "tinstream_model::duration")]
    pub requeue_delay: Duration,
    /// Times a page may go back to the frontier before its failure is recorded for good
    /// (dead letter of stage `fetch`, state `failed` with the reason).
    pub max_requeues: u32,
    /// How long after its first delivery an article is fetched again to catch updates; `0s`
    /// (the default) turns re-checks off. A changed article is delivered again under the same
    /// id, with its new `content_hash` and `modified_at`; an unchanged one is not.
    #[serde(with = "tinstream_model::duration")]
    pub recheck_window: Duration,
    /// The wait before the first re-check of a delivered article; each next wait is twice as
    /// long, while the re-check window lasts.
    #[serde(with = "tinstream_model::duration")]
    pub recheck_interval: Duration,
}

impl Default for CrawlerConfig {
    fn default() -> Self {
        CrawlerConfig {
            user_agent: concat!(
                "tinstream/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/tinstream/tinstream)"
            )
            .to_string(),
            concurrency: 8,
            per_host_concurrency: 2,
            per_host_delay: Duration::from_secs(1),
            data_dir: PathBuf::from("data"),
            allow_private_networks: false,
            private_hosts: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(15),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            robots_ttl: Duration::from_secs(3600),
            blocked_backoff: Duration::from_secs(30 * 60),
            max_retries: 3,
            state_retention: Duration::from_secs(180 * 24 * 3600),
            max_frontier: 5_000_000,
            requeue_delay: Duration::from_secs(60),
            max_requeues: 5,
            recheck_window: Duration::ZERO,
            recheck_interval: Duration::from_secs(3600),
        }
    }
}

impl CrawlerConfig {
    /// Whether `host` is one of `private_hosts`, in any spelling (case, IDNA, IPv6 brackets).
    pub fn lists_private_host(&self, host: &str) -> bool {
        let host = canonical_host(host);
        self.private_hosts
            .iter()
            .any(|listed| canonical_host(listed.trim()) == host)
    }
}

/// A host as URLs spell it: lower case, IDNA, IPv6 without brackets.
pub(crate) fn canonical_host(host: &str) -> String {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match url::Host::parse(bare) {
        Ok(url::Host::Ipv6(ip)) => ip.to_string(),
        Ok(parsed) => parsed.to_string(),
        Err(_) => bare.to_ascii_lowercase(),
    }
}

/// What a source is, which decides how its URL is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// An RSS or Atom feed: its items' links are articles.
    Feed,
    /// An XML sitemap or sitemap index (news sitemaps included), or a robots.txt whose
    /// `Sitemap:` lines are followed.
    Sitemap,
    /// A section or listing page: its links that look like articles are followed.
    Section,
    /// A plain text list of article URLs, one per line (`#` starts a comment line).
    List,
    /// One article URL.
    Url,
}

/// One `[[sources]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// How to read the URL.
    pub kind: SourceKind,
    /// Where the source is.
    pub url: Url,
    /// How often the source is polled at first; polling then adapts between `min_every`
    /// and `max_every`.
    #[serde(with = "tinstream_model::duration", default = "default_every")]
    pub every: Duration,
    /// Shortest interval polling may reach while the source keeps showing new items
    /// (default: a quarter of `every`, at least 1 s).
    #[serde(with = "tinstream_model::duration::option", default)]
    pub min_every: Option<Duration>,
    /// Longest interval polling may reach while the source shows nothing new (default: six
    /// times `every`).
    #[serde(with = "tinstream_model::duration::option", default)]
    pub max_every: Option<Duration>,
}

fn default_every() -> Duration {
    Duration::from_secs(300)
}

impl CrawlerConfig {
    /// Checks values that the types alone cannot; the error names the key.
    pub fn validate(&self) -> Result<(), String> {
        if self.concurrency == 0 {
            return Err("crawler.concurrency must be at least 1".into());
        }
        if self.per_host_concurrency == 0 {
            return Err("crawler.per_host_concurrency must be at least 1".into());
        }
        if self.user_agent.trim().is_empty() {
            return Err("crawler.user_agent must not be empty".into());
        }
        if !self.recheck_window.is_zero() && self.recheck_interval < Duration::from_secs(1) {
            return Err("crawler.recheck_interval must be at least 1s".into());
        }
        if self.max_body_bytes < 1024 {
            return Err("crawler.max_body_bytes must be at least 1024".into());
        }
        Ok(())
    }
}

impl SourceConfig {
    /// The bounds of the adaptive interval.
    pub fn interval_bounds(&self) -> (Duration, Duration) {
        let min = self
            .min_every
            .unwrap_or((self.every / 4).max(Duration::from_secs(1)));
        let max = self.max_every.unwrap_or(self.every * 6);
        (min, max.max(min))
    }

    /// The next poll interval: halved (down to the minimum) after a poll that found new items,
    /// one and a half times longer (up to the maximum) after one that found none.
    pub fn next_interval(&self, current: Duration, new_items: usize) -> Duration {
        let (min, max) = self.interval_bounds();
        let next = if new_items > 0 {
            current / 2
        } else {
            current * 3 / 2
        };
        next.clamp(min, max)
    }

    /// Checks values that the types alone cannot; `index` is the source's place in the list.
    pub fn validate(&self, index: usize) -> Result<(), String> {
        if !matches!(self.url.scheme(), "http" | "https") {
            return Err(format!(
                "sources[{index}].url must be http or https, not {:?}",
                self.url.as_str()
            ));
        }
        if self.every < Duration::from_secs(1) {
            return Err(format!("sources[{index}].every must be at least 1s"));
        }
        let (min, max) = self.interval_bounds();
        if min < Duration::from_secs(1) {
            return Err(format!("sources[{index}].min_every must be at least 1s"));
        }
        if min > self.every || max < self.every {
            return Err(format!(
                "sources[{index}]: min_every <= every <= max_every is required"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(extra: &str) -> SourceConfig {
        toml::from_str(&format!(
            "kind = \"feed\"\nurl = \"https://ex.vn/rss\"\nevery = \"4m\"\n{extra}"
        ))
        .unwrap()
    }

    #[test]
    fn polling_speeds_up_on_news_and_slows_down_without_within_bounds() {
        let s = source("");
        assert_eq!(
            s.interval_bounds(),
            (Duration::from_secs(60), Duration::from_secs(1440))
        );
        let every = Duration::from_secs(240);
        assert_eq!(s.next_interval(every, 3), Duration::from_secs(120));
        assert_eq!(
            s.next_interval(Duration::from_secs(100), 1),
            Duration::from_secs(60)
        );
        assert_eq!(s.next_interval(every, 0), Duration::from_secs(360));
        assert_eq!(
            s.next_interval(Duration::from_secs(1200), 0),
            Duration::from_secs(1440)
        );
    }

    #[test]
    fn bounds_must_hold_every() {
        assert!(source("min_every = \"5m\"").validate(0).is_err());
        assert!(source("max_every = \"1m\"").validate(0).is_err());
        assert!(source("min_every = \"1m\"\nmax_every = \"1h\"")
            .validate(0)
            .is_ok());
    }
}
