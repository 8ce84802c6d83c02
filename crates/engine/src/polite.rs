//! Fetching as a good guest: robots.txt first, the host's turn (per-host pacing, and a
//! back-off after a bot challenge), retries of transient failures, and the counts of each
//! answer. Pages are read whole; a sitemap as it arrives.

use crate::engine::Shared;
use crate::observe::{status_class, Event};
use rand::Rng;
use std::time::Duration;
use tinstream_crawler::{
    discover, Challenge, Conditional, FetchError, Fetched, RobotsDecision, Validators,
};
use tracing::{debug, warn};
use url::Url;

/// Wait before the first retry of a transient fetch failure; doubled each time.
pub(crate) const RETRY_BASE: Duration = Duration::from_millis(500);
/// Longest wait between retries, whatever `Retry-After` asks.
pub(crate) const RETRY_CAP: Duration = Duration::from_secs(300);

/// Why a polite fetch did not bring a page.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PoliteError {
    #[error("disallowed by robots.txt")]
    Disallowed,
    #[error("unexpected 304 to a request without validators")]
    NotModified,
    /// With why robots.txt could not be read, its cause included.
    #[error("{0}")]
    RobotsUnavailable(String),
    /// robots.txt was answered with a bot challenge; with the fetch error.
    #[error("{0}")]
    Blocked(String),
    #[error(transparent)]
    Fetch(FetchError),
}

impl Shared {
    /// A host answered with a bot challenge (the page, or its robots.txt): counted per host and
    /// logged the first time. The page is dead-lettered by the caller, never parsed; the host
    /// was backed off where the challenge was fetched.
    fn turned_away(&self, url: &Url, challenge: Challenge, reason: &str) {
        let host = url.host_str().unwrap_or("").to_string();
        self.observe(Event::Blocked {
            host: &host,
            challenge,
        });
        let first = self
            .blocked_hosts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(host.clone());
        let backoff = tinstream_model::duration::format(self.crawler.blocked_backoff);
        if first {
            warn!(
                %host,
                %reason,
                "the site turns the crawler away with a bot challenge: its pages are \
                 dead-lettered, not parsed, and the host is left alone for {backoff} \
                 (crawler.blocked_backoff) after each challenge; further ones are logged at \
                 debug level"
            );
        } else {
            debug!(%host, %reason, "bot challenge");
        }
    }

    /// Fetches with robots.txt, per-host pacing and retries of transient failures.
    pub(crate) async fn polite_fetch(&self, url: &Url) -> Result<Fetched, PoliteError> {
        match self
            .polite_fetch_if_modified(url, &Validators::default())
            .await?
        {
            Conditional::Modified(page) => Ok(*page),
            // Only sent validators can bring a 304 back.
            Conditional::NotModified => Err(PoliteError::NotModified),
        }
    }

    /// [`Shared::polite_fetch`], conditional on `validators`.
    pub(crate) async fn polite_fetch_if_modified(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<Conditional, PoliteError> {
        self.polite_fetch_up_to(url, validators, self.crawler.max_body_bytes)
            .await
    }

    /// [`Shared::polite_fetch_if_modified`] with a body limit of its own.
    pub(crate) async fn polite_fetch_up_to(
        &self,
        url: &Url,
        validators: &Validators,
        limit: usize,
    ) -> Result<Conditional, PoliteError> {
        self.polite(url, || self.fetcher.fetch_up_to(url, validators, limit))
            .await
    }

    /// Fetches a sitemap as [`Shared::polite_fetch_if_modified`] fetches a page, but reads it
    /// as it arrives, keeping only what it lists (see [`tinstream_crawler::fetch::Opened::read_sitemap`]).
    pub(crate) async fn polite_sitemap(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<Conditional<SitemapRead>, PoliteError> {
        self.polite(url, || async {
            let opened = match self.fetcher.open_if_modified(url, validators).await? {
                Conditional::Modified(opened) => opened,
                Conditional::NotModified => return Ok(Conditional::NotModified),
            };
            let (status, validators) = (opened.status, opened.validators.clone());
            let map = opened.read_sitemap(self.crawler.max_body_bytes).await?;
            Ok(Conditional::Modified(SitemapRead {
                status,
                validators,
                map,
            }))
        })
        .await
    }

    /// Runs `fetch` (one request to `url`, its body read as the caller needs) with
    /// robots.txt, per-host pacing (the host's turn is held until `fetch` is done) and
    /// retries of transient failures, and counts it.
    async fn polite<T, F, Fut>(&self, url: &Url, fetch: F) -> Result<Conditional<T>, PoliteError>
    where
        T: Answer,
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<Conditional<T>, FetchError>>,
    {
        let crawl_delay = match self.robots.check(url).await {
            RobotsDecision::Allowed { crawl_delay } => crawl_delay,
            RobotsDecision::Disallowed => return Err(PoliteError::Disallowed),
            RobotsDecision::Unavailable { reason } => {
                return Err(PoliteError::RobotsUnavailable(reason))
            }
            RobotsDecision::Blocked { challenge, reason } => {
                self.turned_away(url, challenge, &reason);
                return Err(PoliteError::Blocked(reason));
            }
        };
        let delay = crawl_delay.map_or(self.crawler.per_host_delay, |d| {
            d.max(self.crawler.per_host_delay)
        });
        let host = url.host_str().unwrap_or("").to_string();
        let server = server_of(url);
        let mut attempt = 0;
        loop {
            let result = {
                let asked = std::time::Instant::now();
                let turn = self.hosts.enter(&server, delay).await;
                self.observe(Event::HostWaited {
                    waited: asked.elapsed(),
                });
                // When the host's turn began, by the wall clock (as the gate read it, not
                // when this line is written): what a site's own log of requests can be held
                // against, across workers.
                let started = chrono::DateTime::<chrono::Utc>::from(turn.started())
                    .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
                debug!(%url, %started, "request started");
                let result = fetch().await;
                if let Err(FetchError::Blocked { .. }) = &result {
                    // Before the turn is given up, so that no request waiting for it starts
                    // at the usual pace.
                    self.hosts.back_off(&server, self.crawler.blocked_backoff);
                }
                result
            };
            let class = match &result {
                Ok(Conditional::Modified(page)) => status_class(page.status()),
                Ok(Conditional::NotModified) => "3xx",
                Err(FetchError::Status { status, .. }) => status_class(*status),
                Err(_) => "error",
            };
            self.observe(Event::Request { host: &host, class });
            match result {
                Ok(Conditional::Modified(page)) => {
                    self.observe(Event::Fetched {
                        bytes: page.body_bytes(),
                    });
                    return Ok(Conditional::Modified(page));
                }
                Ok(Conditional::NotModified) => return Ok(Conditional::NotModified),
                Err(error @ FetchError::Blocked { challenge, .. }) => {
                    self.turned_away(url, challenge, &error.to_string());
                    return Err(PoliteError::Fetch(error));
                }
                Err(error) if error.is_transient() && attempt < self.crawler.max_retries => {
                    let backoff = RETRY_BASE * 2u32.saturating_pow(attempt);
                    let jitter = rand::rng().random_range(0..=backoff.as_millis() as u64 / 2);
                    let wait = error
                        .retry_after()
                        .unwrap_or(backoff + Duration::from_millis(jitter))
                        .min(RETRY_CAP);
                    warn!(%error, attempt, wait_ms = wait.as_millis() as u64, "fetch failed; retrying");
                    self.observe(Event::FetchRetried);
                    attempt += 1;
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {},
                        _ = self.drain.stopping() => return Err(PoliteError::Fetch(error)),
                    }
                }
                Err(error) => return Err(PoliteError::Fetch(error)),
            }
        }
    }
}

/// What [`Shared::polite`] counts of an answer.
pub(crate) trait Answer {
    /// The HTTP status.
    fn status(&self) -> u16;
    /// The body's bytes, as read (after decompression).
    fn body_bytes(&self) -> u64;
    /// The response's validators.
    fn validators(&self) -> &Validators;
}

impl Answer for Box<Fetched> {
    fn status(&self) -> u16 {
        self.status
    }
    fn body_bytes(&self) -> u64 {
        self.bytes.len() as u64
    }
    fn validators(&self) -> &Validators {
        &self.validators
    }
}

/// A sitemap as it came from the network: read, or found unreadable.
pub(crate) struct SitemapRead {
    status: u16,
    validators: Validators,
    /// What it lists, or why it could not be read (a document that is no sitemap; a broken
    /// connection is a fetch failure instead, retried).
    pub(crate) map: Result<discover::Sitemap, discover::DiscoverError>,
}

impl Answer for SitemapRead {
    fn status(&self) -> u16 {
        self.status
    }
    fn body_bytes(&self) -> u64 {
        self.map.as_ref().map_or(0, |m| m.bytes)
    }
    fn validators(&self) -> &Validators {
        &self.validators
    }
}

/// The server a URL is on, as pacing counts them: host and port, as robots.txt is per origin.
pub(crate) fn server_of(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}
