//! Whether a sink can deliver right now, as the readiness endpoint reports it.
//!
//! Two things feed it: a watcher that asks the destination about itself (for Kafka, the
//! topics' metadata), and the outcome of real deliveries. The sink is ready only when both are
//! good: a broker that answers metadata requests but times out on produce is not ready.

use std::sync::Mutex;
use tokio::sync::watch;

/// The answer of [`crate::Sink::readiness`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Records are being delivered, or would be.
    Ready,
    /// Records cannot be delivered now; the reason says why.
    NotReady(String),
}

impl Readiness {
    /// True when ready.
    pub fn is_ready(&self) -> bool {
        matches!(self, Readiness::Ready)
    }
}

#[derive(Debug)]
struct Inner {
    /// What the last probe of the destination found wrong, if anything.
    probe: Option<String>,
    /// Why the last delivery failed, until one succeeds again.
    delivery: Option<String>,
}

/// Shared readiness of one sink.
#[derive(Debug)]
pub(crate) struct Health {
    inner: Mutex<Inner>,
    /// Whether the last probe found the destination good, for those who wait for it.
    reachable: watch::Sender<bool>,
}

impl Health {
    /// A sink not known to be reachable yet.
    pub(crate) fn new(reason: impl Into<String>) -> Health {
        Health {
            inner: Mutex::new(Inner {
                probe: Some(reason.into()),
                delivery: None,
            }),
            reachable: watch::Sender::new(false),
        }
    }

    /// A sink that needs no probing (local files).
    pub(crate) fn ready() -> Health {
        Health {
            inner: Mutex::new(Inner {
                probe: None,
                delivery: None,
            }),
            reachable: watch::Sender::new(true),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn probe_ok(&self) {
        self.lock().probe = None;
        self.reachable
            .send_if_modified(|ok| !std::mem::replace(ok, true));
    }

    pub(crate) fn probe_failed(&self, reason: impl Into<String>) {
        self.lock().probe = Some(reason.into());
        self.reachable
            .send_if_modified(|ok| std::mem::replace(ok, false));
    }

    /// Resolves once the last probe found the destination good (at once when it did). Only the
    /// probe counts: a failed delivery must not keep the next attempt from being made.
    pub(crate) async fn reachable(&self) {
        let mut reachable = self.reachable.subscribe();
        // The sender lives as long as `self`, so the wait cannot fail while borrowed.
        let _ = reachable.wait_for(|ok| *ok).await;
    }

    pub(crate) fn delivered(&self) {
        self.lock().delivery = None;
    }

    pub(crate) fn delivery_failed(&self, reason: impl Into<String>) {
        self.lock().delivery = Some(reason.into());
    }

    pub(crate) fn readiness(&self) -> Readiness {
        let inner = self.lock();
        match (&inner.probe, &inner.delivery) {
            (None, None) => Readiness::Ready,
            (Some(reason), _) | (None, Some(reason)) => Readiness::NotReady(reason.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_only_when_probe_and_deliveries_are_good() {
        let health = Health::new("not connected yet");
        assert_eq!(
            health.readiness(),
            Readiness::NotReady("not connected yet".into())
        );
        health.probe_ok();
        assert!(health.readiness().is_ready());
        health.delivery_failed("timed out");
        assert_eq!(health.readiness(), Readiness::NotReady("timed out".into()));
        health.delivered();
        assert!(health.readiness().is_ready());
        health.probe_failed("broker down");
        health.delivered();
        assert_eq!(
            health.readiness(),
            Readiness::NotReady("broker down".into())
        );
    }

    #[tokio::test]
    async fn reachable_waits_for_a_good_probe_not_for_deliveries() {
        use std::sync::Arc;
        let health = Arc::new(Health::new("not connected yet"));
        let waiter = tokio::spawn({
            let health = health.clone();
            async move { health.reachable().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        health.probe_failed("still down");
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        health.probe_ok();
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("woken by the good probe")
            .unwrap();
        // A failed delivery leaves the destination reachable: the next attempt goes ahead.
        health.delivery_failed("timed out");
        tokio::time::timeout(std::time::Duration::from_secs(5), health.reachable())
            .await
            .expect("no wait while the probe is good");
    }
}
