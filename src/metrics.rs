//! What the pipeline counts, in the Prometheus text format served at `/metrics`.
//!
//! Every way a page can end has its own counter, so that "nothing disappears silently" can be
//! checked from outside: fetched = delivered + not articles + failed + deferred (to a later
//! poll), give or take what is in flight.

use crate::config::Config;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use tinstream_sink::Stage;

/// The label of counters split by pipeline stage.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StageLabel {
    /// `fetch`, `parse` or `deliver`.
    pub stage: &'static str,
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
    /// Pages left for a later poll (a transient fetch failure, robots.txt unavailable,
    /// shutdown before the sink confirmed).
    pub deferred: Counter,
    /// Delivery attempts that failed for a reason retrying can fix, and were retried.
    pub delivery_retries: Counter,
    /// Records handed to the sink and not yet settled (confirmed, and their page's state
    /// committed): the delivery permits taken.
    pub in_flight: Gauge,
    /// URLs waiting in the fetch queue.
    pub queued: Gauge,
    /// 1 while the sink can deliver, 0 while it cannot.
    pub sink_ready: Gauge,
    /// Bytes waiting in the on-disk spool (0 without one).
    pub spool_bytes: Gauge,
    /// Seconds from the end of a page's fetch to the sink's confirmation of its record.
    pub delivery_latency: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            fetched: Counter::default(),
            delivered: Counter::default(),
            not_articles: Counter::default(),
            failed: Family::default(),
            dead_letters: Family::default(),
            disallowed: Counter::default(),
            deferred: Counter::default(),
            delivery_retries: Counter::default(),
            in_flight: Gauge::default(),
            queued: Gauge::default(),
            sink_ready: Gauge::default(),
            spool_bytes: Gauge::default(),
            // 1 ms to about 10 minutes: a local file sink on one end, an outage on the other.
            delivery_latency: Histogram::new(exponential_buckets(0.001, 1.5, 34)),
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
            "Pages left for a later poll",
            self.deferred.clone(),
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
            "URLs waiting to be fetched",
            self.queued.clone(),
        );
        registry.register(
            "delivery_latency_seconds",
            "Seconds from the end of a page's fetch to the sink's confirmation of its record",
            self.delivery_latency.clone(),
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

    /// One log line with the totals.
    pub fn log(&self, message: &str) {
        let by_stage = |family: &Family<StageLabel, Counter>| -> u64 {
            [Stage::Fetch, Stage::Parse, Stage::Deliver]
                .into_iter()
                .map(|s| family.get_or_create(&s.into()).get())
                .sum()
        };
        tracing::info!(
            fetched = self.fetched.get(),
            delivered = self.delivered.get(),
            not_articles = self.not_articles.get(),
            failed = by_stage(&self.failed),
            disallowed = self.disallowed.get(),
            deferred = self.deferred.get(),
            dead_letters = by_stage(&self.dead_letters),
            delivery_retries = self.delivery_retries.get(),
            in_flight = self.in_flight.get(),
            "{message}"
        );
    }
}
