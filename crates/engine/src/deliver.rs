//! A record's way through the sink: a delivery permit taken before the fetch slot is given
//! back, transient failures retried for as long as the engine runs, and the permit held until
//! the page's state is committed.

use crate::engine::Shared;
use crate::observe::Event;
use crate::page::Job;
use tinstream_model::Article;
use tinstream_sink::{Backoff, DeliveryError};
use tokio::sync::OwnedSemaphorePermit;
use tracing::{info, warn};

impl Shared {
    /// Runs one delivery until the sink confirms or rejects it. Transient failures are retried
    /// with backoff for as long as the service runs; once a stop is asked for, a delivery
    /// already handed over still has `FLUSH_TIMEOUT` to be confirmed, and none is retried.
    pub(crate) async fn with_retries<'a, F, Fut>(
        &'a self,
        mut attempt: F,
    ) -> Result<(), DeliveryError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<(), DeliveryError>> + 'a,
    {
        let mut backoff = Backoff::default();
        loop {
            let outcome = tokio::select! {
                outcome = attempt() => outcome,
                _ = self.drain.deadline() => {
                    return Err(DeliveryError::Unavailable(
                        "stopped before the sink confirmed".into(),
                    ))
                }
            };
            match outcome {
                Err(DeliveryError::Unavailable(reason)) if !self.drain.is_stopping() => {
                    self.observe(Event::DeliveryRetried);
                    let wait = backoff.next_wait();
                    warn!(%reason, wait_ms = wait.as_millis() as u64, "delivery failed; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = self.drain.stopping() => return Err(DeliveryError::Unavailable(reason)),
                    }
                }
                other => return other,
            }
        }
    }
}

/// A record in flight, as the observer hears of it: held while this lives.
pub(crate) struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> Self {
        shared.observe(Event::RecordHeld);
        InFlight(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.observe(Event::RecordReleased);
    }
}

/// A content hash being delivered, released when dropped (after the page's state is
/// committed).
pub(crate) struct ContentClaim<'a> {
    shared: &'a Shared,
    hash: String,
}

impl<'a> ContentClaim<'a> {
    /// None when a record with this hash is being delivered already.
    pub(crate) fn take(shared: &'a Shared, hash: &str) -> Option<Self> {
        let mut delivering = shared.delivering.lock().unwrap_or_else(|e| e.into_inner());
        delivering.insert(hash.to_string()).then(|| ContentClaim {
            shared,
            hash: hash.to_string(),
        })
    }
}

impl Drop for ContentClaim<'_> {
    fn drop(&mut self) {
        self.shared
            .delivering
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.hash);
    }
}

/// A record's way through the sink.
pub(crate) enum Delivery<'a> {
    /// Confirmed; hold this until the page's state is committed.
    Confirmed(Held<'a>),
    /// Refused for good, with the reason.
    Rejected(String),
    /// The stop came before the confirmation.
    Stopped,
}

/// A delivery permit and the in-flight count of one record.
pub(crate) struct Held<'a> {
    _permit: OwnedSemaphorePermit,
    _in_flight: InFlight<'a>,
}

/// Waits for room among the records in flight, gives the fetch slot back, and delivers the
/// record, retrying transient failures.
pub(crate) async fn deliver<'a>(
    shared: &'a Shared,
    job: &Job,
    record: &Article,
    slot: OwnedSemaphorePermit,
    fetched_at: std::time::Instant,
) -> Delivery<'a> {
    let permit = tokio::select! {
        permit = shared.deliveries.clone().acquire_owned() => permit,
        _ = shared.drain.deadline() => return Delivery::Stopped,
    };
    let Ok(permit) = permit else {
        return Delivery::Stopped;
    };
    drop(slot);
    // Counted until the page's state is committed, like the permit.
    let held = Held {
        _permit: permit,
        _in_flight: InFlight::enter(shared),
    };
    if let Some(journal) = shared.journal.get() {
        if let Err(reason) = journal.admits(record) {
            warn!(%reason, "the record cannot be written");
            return Delivery::Rejected(reason);
        }
        // Written with the page's state, in one unit: confirmed when that is.
        let mut outbox = job.outbox.lock().unwrap_or_else(|e| e.into_inner());
        outbox.records.push(record.clone());
        // Counted as delivered once the unit is written.
        outbox.fetched.push(fetched_at);
        drop(outbox);
        return Delivery::Confirmed(held);
    }
    match shared.with_retries(|| shared.sink.deliver(record)).await {
        Ok(()) => {
            shared.observe(Event::Delivered {
                latency: fetched_at.elapsed(),
            });
            info!(id = %record.id, title = %record.title, "delivered");
            Delivery::Confirmed(held)
        }
        Err(DeliveryError::Rejected(reason)) => {
            warn!(%reason, "the sink rejected the record");
            Delivery::Rejected(reason)
        }
        Err(DeliveryError::Unavailable(reason)) => {
            warn!(%reason, "not delivered before the stop; the page will be done again");
            Delivery::Stopped
        }
    }
}
