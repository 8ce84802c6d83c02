//! What the engine reports as it works: one typed [`Event`] per thing that happened, handed to
//! the [`Observer`] the engine was given. The engine keeps no metrics of its own; the service
//! turns events into Prometheus counters, a test into a list it can check.

use std::time::Duration;
use tinstream_crawler::Challenge;
use tinstream_sink::Stage;

/// One thing that happened in the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<'a> {
    /// An HTTP request was answered (or failed): `class` is `2xx`, `3xx`, `4xx`, `5xx` or
    /// `error` (see [`status_class`]).
    Request { host: &'a str, class: &'static str },
    /// A page or document came back whole with a 2xx answer, with its body's size after
    /// decompression.
    Fetched { bytes: u64 },
    /// A transient fetch failure is tried again.
    FetchRetried,
    /// A request waited `waited` for its host's turn (the per-host delay and concurrency)
    /// before it started, holding its fetch slot.
    HostWaited { waited: Duration },
    /// A host answered with a bot challenge (`script`, `captcha`, `javascript-required`).
    Blocked { host: &'a str, challenge: Challenge },
    /// robots.txt does not allow a page.
    Disallowed,
    /// A fetched page was parsed: `article`, `not_article` or `failed`.
    Parsed { outcome: &'static str },
    /// A page listed as an article was judged not to be one, by the verdict's rule `reason`.
    NotArticle { host: &'a str, reason: &'a str },
    /// A section page the operator gave as a source reads as an article on its own (its
    /// links are taken all the same).
    ListingReadAsArticle { host: &'a str },
    /// The same story was delivered already under another URL.
    Duplicate,
    /// A page went back to the frontier after a transient failure.
    Deferred,
    /// A page failed for good at `stage`.
    Failed { stage: Stage },
    /// A dead letter was delivered.
    DeadLetter { stage: Stage },
    /// A delivery the sink could not take yet is tried again.
    DeliveryRetried,
    /// The sink confirmed a record, `latency` after its page was fetched.
    Delivered { latency: Duration },
    /// A delivered article was fetched again: `unchanged`, `changed` or `gone`.
    Rechecked { outcome: &'static str },
    /// A record took a delivery permit (it is in flight until its page's state is committed).
    RecordHeld,
    /// A record's page is committed (or given up): its permit is back.
    RecordReleased,
    /// Pages taken from the frontier and waiting for a fetch slot, now.
    Queued { pages: usize },
    /// The frontier was full and refused pages.
    FrontierRefused { pages: usize },
    /// Old crawl-state entries were deleted.
    StateExpired { entries: usize },
    /// A source was polled at `at` (Unix seconds) and listed `new` pages not seen before.
    SourcePolled {
        source: &'a str,
        at: i64,
        new: usize,
    },
    /// A poll of the source could not read one of its documents (logged with the reason).
    SourceFailed { source: &'a str },
    /// The engine took a partition of the crawl; its state was opened and its frontier
    /// restored in `restore`.
    PartitionAssigned { partition: u32, restore: Duration },
    /// The engine gave a partition up, its pages in flight settled.
    PartitionRevoked { partition: u32 },
    /// Messages of a partition's frontier topic that are committed and not read yet, as the
    /// group's consumer last saw them: pages found for the partition and not yet in its
    /// frontier. Reported by the cluster's member, not the engine.
    FrontierLag { partition: u32, messages: u64 },
    /// A transaction of the cluster's output ended: `committed`, `aborted` (its work is done
    /// again, also when its producer failed and was made again) or `failed` (the worker can
    /// write no more transactions). Reported by the cluster's transactor, not the engine.
    Transaction { outcome: &'static str },
}

/// Receives the engine's events. Called on the engine's tasks: it must return quickly and
/// never block.
pub trait Observer: Send + Sync {
    /// One event.
    fn observe(&self, event: Event<'_>);
}

/// An observer that drops every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unobserved;

impl Observer for Unobserved {
    fn observe(&self, _: Event<'_>) {}
}

/// The class of an HTTP status, as [`Event::Request`] gives it.
pub fn status_class(status: u16) -> &'static str {
    match status {
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        500..=599 => "5xx",
        _ => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_classes() {
        assert_eq!(status_class(200), "2xx");
        assert_eq!(status_class(304), "3xx");
        assert_eq!(status_class(429), "4xx");
        assert_eq!(status_class(503), "5xx");
        assert_eq!(status_class(99), "error");
        assert_eq!(status_class(600), "error");
    }
}
