//! The stop, as every task of the engine sees it.
//!
//! A stop is asked for by cancelling the token the engine was given. From then on nothing new
//! starts, but what was handed to the sink still gets [`FLUSH_TIMEOUT`] to be confirmed: the
//! same instant for every task, counted from the first task that noticed the stop, so that a
//! stop takes at most that long however many records are waiting.

use std::sync::OnceLock;
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// How long, after a stop is asked for, records in flight may take to be confirmed, and the
/// sink to flush.
pub(crate) const FLUSH_TIMEOUT: Duration = Duration::from_secs(30);

/// The stop and the deadline of the drain that follows it.
pub(crate) struct Drain {
    stop: CancellationToken,
    until: OnceLock<Instant>,
}

impl Drain {
    pub(crate) fn new(stop: CancellationToken) -> Self {
        Drain {
            stop,
            until: OnceLock::new(),
        }
    }

    /// Whether a stop was asked for.
    pub(crate) fn is_stopping(&self) -> bool {
        self.stop.is_cancelled()
    }

    /// Resolves when a stop is asked for.
    pub(crate) async fn stopping(&self) {
        self.stop.cancelled().await
    }

    /// The stop's token.
    pub(crate) fn token(&self) -> &CancellationToken {
        &self.stop
    }

    /// A token cancelled with the stop, or on its own (a source's poller, removed by a reload).
    pub(crate) fn child(&self) -> CancellationToken {
        self.stop.child_token()
    }

    /// Resolves [`FLUSH_TIMEOUT`] after a stop is asked for: until then, records handed to the
    /// sink are still waited for.
    pub(crate) async fn deadline(&self) {
        self.stop.cancelled().await;
        let until = *self.until.get_or_init(|| Instant::now() + FLUSH_TIMEOUT);
        tokio::time::sleep_until(until).await;
    }

    /// What is left of the drain for the sink's last flush: all of [`FLUSH_TIMEOUT`] when no
    /// task has started counting it yet, and never less than a second.
    pub(crate) fn time_left(&self) -> Duration {
        self.until
            .get()
            .map_or(FLUSH_TIMEOUT, |until| {
                until.saturating_duration_since(Instant::now())
            })
            .max(Duration::from_secs(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_deadline_is_one_instant_for_every_task() {
        let stop = CancellationToken::new();
        let drain = std::sync::Arc::new(Drain::new(stop.clone()));
        assert_eq!(drain.time_left(), FLUSH_TIMEOUT);
        stop.cancel();
        let first = tokio::spawn({
            let drain = drain.clone();
            async move { drain.deadline().await }
        });
        tokio::time::sleep(Duration::from_secs(10)).await;
        let started = Instant::now();
        // A task that starts waiting later ends at the same instant as the first.
        drain.deadline().await;
        assert_eq!(started.elapsed(), FLUSH_TIMEOUT - Duration::from_secs(10));
        first.await.unwrap();
        assert_eq!(drain.time_left(), Duration::from_secs(1));
    }
}
