//! What the pipeline counts, in the Prometheus text format served at `/metrics`.
//!
//! Every way a page can end has its own counter, so that "nothing disappears silently" can be
//! checked from outside: fetched = delivered + duplicates + not articles + failed + deferred
//! (put back in the frontier), give or take what is in flight.

use crate::config::Config;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use tinstream_engine::{Event, Observer};
use tinstream_sink::Stage;

/// The label of counters split by pipeline stage.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StageLabel {
    /// `fetch`, `parse` or `deliver`.
    pub stage: &'static str,
}

/// The labels of fetch counters.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FetchLabel {
    /// The host fetched from.
    pub host: String,
    /// `2xx`, `3xx`, `4xx`, `5xx`, or `error` (network failure, timeout, refused address,
    /// body too large).
    pub class: &'static str,
}

/// The labels of pages turned away by a bot challenge.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BlockedLabel {
    /// The host that answered with the challenge.
    pub host: String,
    /// `script`, `captcha` or `javascript-required`.
    pub challenge: &'static str,
}

/// The labels of pages judged not to be articles.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NotArticleLabel {
    /// The host of the page.
    pub host: String,
    /// The rule of the verdict: `too little body`, `linked headings over little text`, ….
    pub reason: String,
}

/// The label of counts kept per host.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HostLabel {
    /// The host of the page.
    pub host: String,
}

/// The label of parse outcomes.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    /// Parses: `article`, `not_article` or `failed`; re-checks: `unchanged`, `changed` or
    /// `gone`; transactions: `committed`, `aborted` or `failed`.
    pub outcome: &'static str,
}

/// The label of per-source metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SourceLabel {
    /// The source's URL, as configured.
    pub source: String,
}

impl From<Stage> for StageLabel {
    fn from(stage: Stage) -> Self {
        StageLabel {
            stage: match stage {
                Stage::Fetch => "fetch",
                Stage::Parse => "parse",
                Stage::Deliver => "deliver",
            },
        }
    }
}

/// The pipeline's counters and gauges.
pub struct Metrics {
    /// Pages fetched (HTTP 2xx with a body).
    pub fetched: Counter,
    /// HTTP requests by host and status class (pages, feeds and sitemaps; robots.txt has its
    /// own cache and is not counted here).
    pub fetches: Family<FetchLabel, Counter>,
    /// Body bytes received (after decompression).
    pub fetched_bytes: Counter,
    /// Retries of transient fetch failures.
    pub fetch_retries: Counter,
    /// Parse outcomes of fetched pages.
    pub parsed: Family<OutcomeLabel, Counter>,
    /// When each source was last polled (Unix seconds).
    pub source_polled: Family<SourceLabel, Gauge>,
    /// URLs each source listed that were neither settled nor queued already.
    pub source_new_items: Family<SourceLabel, Counter>,
    /// Polls of a source that could not read one of its documents (fetch failed, feed or
    /// sitemap unreadable, a section page that reads as an article).
    pub source_failures: Family<SourceLabel, Counter>,
    /// Pages and source documents a host answered with a bot challenge (or that waited on a
    /// robots.txt so answered), by host and kind of challenge.
    pub blocked: Family<BlockedLabel, Counter>,
    /// Pages the sources listed as articles that the parser judged not to be, per host and
    /// reason.
    pub not_article_pages: Family<NotArticleLabel, Counter>,
    /// Section pages given as sources that read as articles on their own, per host.
    pub listings_read_as_articles: Family<HostLabel, Counter>,
    /// Pages in the frontier: waiting, in flight, or scheduled for a re-check.
    pub frontier: Gauge,
    /// New pages refused because the frontier held `crawler.max_frontier` pages.
    pub frontier_refused: Counter,
    /// Pages with a state in the store.
    pub state_pages: Gauge,
    /// Size of the state store file, in bytes.
    pub state_bytes: Gauge,
    /// Page states deleted by the retention policy.
    pub state_expired: Counter,
    /// Records the sink confirmed.
    pub delivered: Counter,
    /// Pages that were read as something other than an article (listings, section pages).
    pub not_articles: Counter,
    /// Pages given up for good, by stage; each also has a dead letter.
    pub failed: Family<StageLabel, Counter>,
    /// Dead letters the sink confirmed, by stage.
    pub dead_letters: Family<StageLabel, Counter>,
    /// Pages robots.txt did not allow.
    pub disallowed: Counter,
    /// Pages put back in the frontier for a later try (a transient fetch failure after the
    /// retries, robots.txt unavailable).
    pub deferred: Counter,
    /// Articles not delivered because the same story was delivered under another URL
    /// (canonical URL or same content hash).
    pub duplicates: Counter,
    /// Re-checks of delivered articles, by outcome: `unchanged`, `changed` (delivered again),
    /// `gone` (no more re-checks).
    pub rechecks: Family<OutcomeLabel, Counter>,
    /// Delivery attempts that failed for a reason retrying can fix, and were retried.
    pub delivery_retries: Counter,
    /// Records handed to the sink and not yet settled (confirmed, and their page's state
    /// committed): the delivery permits taken.
    pub in_flight: Gauge,
    /// Pages taken from the frontier and waiting for a fetch slot.
    pub queued: Gauge,
    /// 1 while the sink can deliver, 0 while it cannot.
    pub sink_ready: Gauge,
    /// Bytes waiting in the on-disk spool (0 without one).
    pub spool_bytes: Gauge,
    /// Seconds from the end of a page's fetch to the sink's confirmation of its record.
    pub delivery_latency: Histogram,
    /// Seconds each request waited for its host's turn (per-host delay and concurrency),
    /// holding a fetch slot.
    pub host_wait: Histogram,
    /// Partitions of the crawl this process owns.
    pub partitions_owned: Gauge,
    /// Partitions assigned and revoked.
    pub partition_changes: Family<ChangeLabel, Counter>,
    /// Seconds to open a partition's state and restore its frontier when it is assigned.
    pub partition_restore: Histogram,
    /// Frontier-topic messages of each partition owned not read yet.
    pub partition_lag: Family<PartitionLabel, Gauge>,
    /// Transactions of the cluster's output, by how they ended.
    pub transactions: Family<OutcomeLabel, Counter>,
}

/// The label of per-partition gauges.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PartitionLabel {
    pub partition: u32,
}

/// The label of partition changes.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ChangeLabel {
    /// `assigned` or `revoked`.
    pub change: &'static str,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            fetched: Counter::default(),
            fetches: Family::default(),
            fetched_bytes: Counter::default(),
            fetch_retries: Counter::default(),
            parsed: Family::default(),
            source_polled: Family::default(),
            source_new_items: Family::default(),
            source_failures: Family::default(),
            blocked: Family::default(),
            not_article_pages: Family::default(),
            listings_read_as_articles: Family::default(),
            frontier: Gauge::default(),
            frontier_refused: Counter::default(),
            state_pages: Gauge::default(),
            state_bytes: Gauge::default(),
            state_expired: Counter::default(),
            delivered: Counter::default(),
            not_articles: Counter::default(),
            failed: Family::default(),
            dead_letters: Family::default(),
            disallowed: Counter::default(),
            deferred: Counter::default(),
            duplicates: Counter::default(),
            rechecks: Family::default(),
            delivery_retries: Counter::default(),
            in_flight: Gauge::default(),
            queued: Gauge::default(),
            sink_ready: Gauge::default(),
            spool_bytes: Gauge::default(),
            // 1 ms to about 10 minutes: a local file sink on one end, an outage on the other.
            delivery_latency: Histogram::new(exponential_buckets(0.001, 1.5, 34)),
            // 1 ms to about 15 minutes: no wait on one end, a long back-off on the other.
            host_wait: Histogram::new(exponential_buckets(0.001, 2.0, 20)),
            partitions_owned: Gauge::default(),
            partition_changes: Family::default(),
            // 1 ms to about 15 minutes: an empty partition on one end, a long restore on the
            // other.
            partition_restore: Histogram::new(exponential_buckets(0.001, 2.0, 20)),
            partition_lag: Family::default(),
            transactions: Family::default(),
        }
    }
}

impl Metrics {
    /// Registers every metric under the `tinstream_` prefix.
    pub fn registry(&self, config: &Config) -> Registry {
        let mut registry = Registry::with_prefix("tinstream");
        registry.register(
            "pages_fetched",
            "Pages fetched with a 2xx answer",
            self.fetched.clone(),
        );
        registry.register(
            "fetches",
            "HTTP requests by host and status class",
            self.fetches.clone(),
        );
        registry.register(
            "fetched_bytes",
            "Body bytes received, after decompression",
            self.fetched_bytes.clone(),
        );
        registry.register(
            "fetch_retries",
            "Retries of transient fetch failures",
            self.fetch_retries.clone(),
        );
        registry.register(
            "pages_parsed",
            "Parse outcomes of fetched pages",
            self.parsed.clone(),
        );
        registry.register(
            "source_last_poll_timestamp_seconds",
            "When each source was last polled",
            self.source_polled.clone(),
        );
        registry.register(
            "source_new_items",
            "URLs a source listed that were new to the crawl",
            self.source_new_items.clone(),
        );
        registry.register(
            "source_poll_failures",
            "Polls of a source that could not read one of its documents",
            self.source_failures.clone(),
        );
        registry.register(
            "pages_not_article",
            "Pages listed as articles by a source and judged not to be one, per host and reason",
            self.not_article_pages.clone(),
        );
        registry.register(
            "listings_read_as_articles",
            "Section pages given as sources that read as articles on their own, per host",
            self.listings_read_as_articles.clone(),
        );
        registry.register(
            "pages_blocked",
            "Pages and source documents a host answered with a bot challenge",
            self.blocked.clone(),
        );
        registry.register(
            "frontier_urls",
            "Pages in the frontier: waiting, in flight, or scheduled for a re-check",
            self.frontier.clone(),
        );
        registry.register(
            "frontier_refused",
            "New pages refused because the frontier was full (crawler.max_frontier)",
            self.frontier_refused.clone(),
        );
        registry.register(
            "state_pages",
            "Pages with a state in the crawl state store",
            self.state_pages.clone(),
        );
        registry.register(
            "state_store_bytes",
            "Size of the crawl state store file",
            self.state_bytes.clone(),
        );
        registry.register(
            "state_expired",
            "Page states deleted by crawler.state_retention",
            self.state_expired.clone(),
        );
        registry.register(
            "records_delivered",
            "Records the sink confirmed",
            self.delivered.clone(),
        );
        registry.register(
            "pages_not_article",
            "Pages read as something other than an article",
            self.not_articles.clone(),
        );
        registry.register(
            "pages_failed",
            "Pages given up for good, by stage",
            self.failed.clone(),
        );
        registry.register(
            "dead_letters",
            "Dead letters the sink confirmed, by stage",
            self.dead_letters.clone(),
        );
        registry.register(
            "pages_disallowed",
            "Pages robots.txt did not allow",
            self.disallowed.clone(),
        );
        registry.register(
            "pages_deferred",
            "Pages put back in the frontier for a later try",
            self.deferred.clone(),
        );
        registry.register(
            "pages_duplicate",
            "Articles not delivered again: the same story was delivered under another URL",
            self.duplicates.clone(),
        );
        registry.register(
            "rechecks",
            "Re-checks of delivered articles, by outcome (unchanged, changed, gone)",
            self.rechecks.clone(),
        );
        registry.register(
            "delivery_retries",
            "Deliveries that failed for a transient reason and were retried",
            self.delivery_retries.clone(),
        );
        registry.register(
            "records_in_flight",
            "Records handed to the sink and not yet confirmed",
            self.in_flight.clone(),
        );
        let limit = Gauge::<i64>::default();
        limit.set(i64::try_from(config.sink.max_in_flight).unwrap_or(i64::MAX));
        registry.register(
            "records_in_flight_limit",
            "Records the sink may hold unconfirmed (sink.max_in_flight)",
            limit,
        );
        registry.register(
            "queue_urls",
            "Pages taken from the frontier and waiting for a fetch slot",
            self.queued.clone(),
        );
        registry.register(
            "delivery_latency_seconds",
            "Seconds from the end of a page's fetch to the sink's confirmation of its record",
            self.delivery_latency.clone(),
        );
        registry.register(
            "host_wait_seconds",
            "Seconds each request waited for its host's turn, holding a fetch slot",
            self.host_wait.clone(),
        );
        registry.register(
            "partitions_owned",
            "Partitions of the crawl this process owns",
            self.partitions_owned.clone(),
        );
        registry.register(
            "partition_changes",
            "Partitions assigned to and revoked from this process",
            self.partition_changes.clone(),
        );
        registry.register(
            "partition_restore_seconds",
            "Seconds to open a partition's crawl state and restore its frontier",
            self.partition_restore.clone(),
        );
        registry.register(
            "partition_lag_messages",
            "Messages of each owned partition's frontier topic committed and not read yet",
            self.partition_lag.clone(),
        );
        registry.register(
            "transactions",
            "Transactions of the cluster's output, by outcome (committed, aborted, failed)",
            self.transactions.clone(),
        );
        registry.register(
            "spool_bytes",
            "Bytes waiting in the on-disk spool",
            self.spool_bytes.clone(),
        );
        registry.register(
            "sink_ready",
            "1 while the sink can deliver, 0 while it cannot",
            self.sink_ready.clone(),
        );
        registry
    }

    /// The numbers the periodic summary compares from one line to the next.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            fetched: self.fetched.get(),
            delivered: self.delivered.get(),
            at: std::time::Instant::now(),
        }
    }

    /// One log line with the rates since `previous` and the totals.
    pub fn log_progress(&self, previous: &Snapshot) -> Snapshot {
        let now = self.snapshot();
        let seconds = now.at.duration_since(previous.at).as_secs_f64().max(0.001);
        let rate = |a: u64, b: u64| (a.saturating_sub(b) as f64 / seconds * 10.0).round() / 10.0;
        tracing::info!(
            pages_per_second = rate(now.fetched, previous.fetched),
            records_per_second = rate(now.delivered, previous.delivered),
            fetched = now.fetched,
            delivered = now.delivered,
            failed = sum_over_stages(&self.failed),
            dead_letters = sum_over_stages(&self.dead_letters),
            deferred = self.deferred.get(),
            queued = self.queued.get(),
            in_flight = self.in_flight.get(),
            frontier = self.frontier.get(),
            "progress"
        );
        now
    }

    /// One log line with the totals.
    pub fn log(&self, message: &str) {
        tracing::info!(
            fetched = self.fetched.get(),
            delivered = self.delivered.get(),
            not_articles = self.not_articles.get(),
            failed = sum_over_stages(&self.failed),
            disallowed = self.disallowed.get(),
            deferred = self.deferred.get(),
            dead_letters = sum_over_stages(&self.dead_letters),
            delivery_retries = self.delivery_retries.get(),
            in_flight = self.in_flight.get(),
            "{message}"
        );
    }
}

/// The total of a counter split by stage.
fn sum_over_stages(family: &Family<StageLabel, Counter>) -> u64 {
    [Stage::Fetch, Stage::Parse, Stage::Deliver]
        .into_iter()
        .map(|s| family.get_or_create(&s.into()).get())
        .sum()
}

/// The engine's events, counted.
impl Observer for Metrics {
    fn observe(&self, event: Event<'_>) {
        match event {
            Event::Request { host, class } => {
                self.fetches
                    .get_or_create(&FetchLabel {
                        host: host.to_string(),
                        class,
                    })
                    .inc();
            }
            Event::Fetched { bytes } => {
                self.fetched.inc();
                self.fetched_bytes.inc_by(bytes);
            }
            Event::FetchRetried => {
                self.fetch_retries.inc();
            }
            Event::HostWaited { waited } => {
                self.host_wait.observe(waited.as_secs_f64());
            }
            Event::Blocked { host, challenge } => {
                self.blocked
                    .get_or_create(&BlockedLabel {
                        host: host.to_string(),
                        challenge: challenge.as_str(),
                    })
                    .inc();
            }
            Event::Disallowed => {
                self.disallowed.inc();
            }
            Event::Parsed { outcome } => {
                self.parsed.get_or_create(&OutcomeLabel { outcome }).inc();
            }
            Event::NotArticle { host, reason } => {
                self.not_articles.inc();
                self.not_article_pages
                    .get_or_create(&NotArticleLabel {
                        host: host.to_string(),
                        reason: reason.to_string(),
                    })
                    .inc();
            }
            Event::ListingReadAsArticle { host } => {
                self.listings_read_as_articles
                    .get_or_create(&HostLabel {
                        host: host.to_string(),
                    })
                    .inc();
            }
            Event::Duplicate => {
                self.duplicates.inc();
            }
            Event::Deferred => {
                self.deferred.inc();
            }
            Event::Failed { stage } => {
                self.failed.get_or_create(&stage.into()).inc();
            }
            Event::DeadLetter { stage } => {
                self.dead_letters.get_or_create(&stage.into()).inc();
            }
            Event::DeliveryRetried => {
                self.delivery_retries.inc();
            }
            Event::Delivered { latency } => {
                self.delivered.inc();
                self.delivery_latency.observe(latency.as_secs_f64());
            }
            Event::Rechecked { outcome } => {
                self.rechecks.get_or_create(&OutcomeLabel { outcome }).inc();
            }
            Event::RecordHeld => {
                self.in_flight.inc();
            }
            Event::RecordReleased => {
                self.in_flight.dec();
            }
            Event::Queued { pages } => {
                self.queued.set(i64::try_from(pages).unwrap_or(i64::MAX));
            }
            Event::FrontierRefused { pages } => {
                self.frontier_refused.inc_by(pages as u64);
            }
            Event::StateExpired { entries } => {
                self.state_expired.inc_by(entries as u64);
            }
            Event::SourcePolled { source, at, new } => {
                let label = SourceLabel {
                    source: source.to_string(),
                };
                self.source_new_items
                    .get_or_create(&label)
                    .inc_by(new as u64);
                self.source_polled.get_or_create(&label).set(at);
            }
            Event::PartitionAssigned { restore, .. } => {
                self.partitions_owned.inc();
                self.partition_changes
                    .get_or_create(&ChangeLabel { change: "assigned" })
                    .inc();
                self.partition_restore.observe(restore.as_secs_f64());
            }
            Event::PartitionRevoked { partition } => {
                self.partitions_owned.dec();
                // A partition given up has no lag here any more: its new owner reports it.
                self.partition_lag.remove(&PartitionLabel { partition });
                self.partition_changes
                    .get_or_create(&ChangeLabel { change: "revoked" })
                    .inc();
            }
            Event::Transaction { outcome } => {
                self.transactions
                    .get_or_create(&OutcomeLabel { outcome })
                    .inc();
            }
            Event::FrontierLag {
                partition,
                messages,
            } => {
                self.partition_lag
                    .get_or_create(&PartitionLabel { partition })
                    .set(i64::try_from(messages).unwrap_or(i64::MAX));
            }
            Event::SourceFailed { source } => {
                self.source_failures
                    .get_or_create(&SourceLabel {
                        source: source.to_string(),
                    })
                    .inc();
            }
        }
    }
}

/// Counter values at one moment, for rates.
pub struct Snapshot {
    fetched: u64,
    delivered: u64,
    at: std::time::Instant,
}
