//! robots.txt, fetched once per origin and kept for a while.
//!
//! The rules follow RFC 9309: a robots.txt that is missing or answers 4xx allows everything; one
//! that answers 5xx or cannot be reached means "wait": nothing on that origin is fetched until a
//! later try succeeds.

use crate::challenge::Challenge;
use crate::fetch::{FetchError, Fetcher};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use texting_robots::Robot;
use url::Url;

/// What robots.txt says of one URL.
#[derive(Debug, Clone, PartialEq)]
pub enum RobotsDecision {
    /// Allowed; with the `Crawl-delay` of the group that applies, if any.
    Allowed {
        /// The delay robots.txt asks for between requests.
        crawl_delay: Option<Duration>,
    },
    /// Disallowed by a rule.
    Disallowed,
    /// robots.txt could not be read (5xx, network, a refused address); try the URL again
    /// later.
    Unavailable {
        /// Why it could not be read, with the cause (the fetch error).
        reason: String,
    },
    /// robots.txt was answered with a bot challenge: the site turns this crawler away, and
    /// nothing on the origin is fetched until a later try of robots.txt gets through.
    Blocked {
        /// The kind of challenge.
        challenge: Challenge,
        /// The fetch error, naming the URL and the challenge.
        reason: String,
    },
}

/// What a robots.txt body says of `url` for the product `token`, and the sitemaps it lists:
/// the reading [`RobotsCache`] does of a fetched robots.txt (an unparsable one allows
/// everything).
pub fn read_robots(
    token: &str,
    robots_url: &Url,
    body: &[u8],
    url: &Url,
) -> (RobotsDecision, Vec<Url>) {
    match Robot::new(token, body) {
        Ok(robot) => (decide(&robot, url), sitemaps_of(&robot, robots_url)),
        Err(_) => (RobotsDecision::Allowed { crawl_delay: None }, Vec::new()),
    }
}

/// Whether `robot` allows `url`, with its `Crawl-delay` (at most a minute).
fn decide(robot: &Robot, url: &Url) -> RobotsDecision {
    if robot.allowed(url.as_str()) {
        RobotsDecision::Allowed {
            crawl_delay: robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f32(d.min(60.0))),
        }
    } else {
        RobotsDecision::Disallowed
    }
}

/// The `Sitemap:` lines of `robot`, resolved against its own address.
fn sitemaps_of(robot: &Robot, robots_url: &Url) -> Vec<Url> {
    robot
        .sitemaps
        .iter()
        .filter_map(|s| robots_url.join(s).ok())
        .collect()
}

/// How long an origin whose robots.txt could not be read is left alone.
const UNAVAILABLE_RETRY: Duration = Duration::from_secs(60);

enum Rules {
    AllowAll,
    Parsed(Box<Robot>),
    /// With why.
    Unavailable(String),
    /// With the challenge and the fetch error.
    Blocked(Challenge, String),
}

struct Entry {
    rules: Rules,
    fetched: Instant,
}

/// robots.txt per origin, with a time to live.
pub struct RobotsCache {
    fetcher: Fetcher,
    user_agent: String,
    ttl: Duration,
    blocked_retry: Duration,
    entries: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Entry>>>>>,
}

impl RobotsCache {
    /// A cache that fetches with `fetcher` and matches rules for `user_agent`.
    pub fn new(fetcher: Fetcher, user_agent: &str, ttl: Duration) -> Self {
        // Groups in robots.txt name the product token, not the whole header value.
        let token = user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or(user_agent)
            .to_string();
        RobotsCache {
            fetcher,
            user_agent: token,
            ttl,
            blocked_retry: UNAVAILABLE_RETRY,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Sets how long an origin whose robots.txt was answered with a bot challenge is left
    /// alone before robots.txt is tried again (one minute unless set).
    pub fn with_blocked_retry(mut self, wait: Duration) -> Self {
        self.blocked_retry = wait;
        self
    }

    /// Decides whether `url` may be fetched, fetching robots.txt first when needed.
    pub async fn check(&self, url: &Url) -> RobotsDecision {
        let origin = url.origin().ascii_serialization();
        let slot = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.entry(origin.clone()).or_default().clone()
        };
        // One fetch per origin at a time; other tasks for that origin wait for its result.
        let mut entry = slot.lock().await;
        let fresh = entry.as_ref().is_some_and(|e| {
            let ttl = match e.rules {
                Rules::Unavailable(_) => UNAVAILABLE_RETRY,
                Rules::Blocked(..) => self.blocked_retry,
                _ => self.ttl,
            };
            e.fetched.elapsed() < ttl
        });
        if !fresh {
            *entry = Some(Entry {
                rules: self.fetch_rules(&origin).await,
                fetched: Instant::now(),
            });
        }
        match entry.as_ref().map(|e| &e.rules) {
            Some(Rules::AllowAll) | None => RobotsDecision::Allowed { crawl_delay: None },
            Some(Rules::Unavailable(reason)) => RobotsDecision::Unavailable {
                reason: reason.clone(),
            },
            Some(Rules::Blocked(challenge, reason)) => RobotsDecision::Blocked {
                challenge: *challenge,
                reason: reason.clone(),
            },
            Some(Rules::Parsed(robot)) => decide(robot, url),
        }
    }

    /// The `Sitemap:` lines of an origin's robots.txt.
    pub async fn sitemaps(&self, robots_url: &Url) -> Result<Vec<Url>, FetchError> {
        let page = self.fetcher.fetch(robots_url).await?;
        let robot = Robot::new(&self.user_agent, &page.bytes).ok();
        Ok(robot.map_or_else(Vec::new, |r| sitemaps_of(&r, robots_url)))
    }

    async fn fetch_rules(&self, origin: &str) -> Rules {
        let Ok(url) = Url::parse(&format!("{origin}/robots.txt")) else {
            return Rules::AllowAll;
        };
        match self.fetcher.fetch(&url).await {
            Ok(page) => match Robot::new(&self.user_agent, &page.bytes) {
                Ok(robot) => Rules::Parsed(Box::new(robot)),
                Err(error) => {
                    tracing::warn!(%url, %error, "unparsable robots.txt; treating as allow-all");
                    Rules::AllowAll
                }
            },
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => {
                Rules::AllowAll
            }
            // Logged by the caller, once per host.
            Err(error @ FetchError::Blocked { challenge, .. }) => {
                Rules::Blocked(challenge, format!("robots.txt: {error}"))
            }
            Err(error) => {
                tracing::warn!(%url, %error, "robots.txt unavailable; holding the origin");
                Rules::Unavailable(format!("robots.txt unavailable: {error}"))
            }
        }
    }
}
