//! Whether a sink can deliver right now, as the readiness endpoint reports it.
//!
//! Two things feed it: a watcher that asks the destination about itself (for Kafka, the
//! topics' metadata), and the outcome of real deliveries. The sink is ready only when both are
//! good: a broker that answers metadata requests but times out on produce is not ready.

use std::sync::Mutex;

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
}

impl Health {
    /// A sink not known to be reachable yet.
    pub(crate) fn new(reason: impl Into<String>) -> Health {
        Health {
            inner: Mutex::new(Inner {
                probe: Some(reason.into()),
                delivery: None,
            }),
        }
    }

    /// A sink that needs no probing (local files).
    pub(crate) fn ready() -> Health {
        Health {
            inner: Mutex::new(Inner {
                probe: None,
                delivery: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn probe_ok(&self) {
        self.lock().probe = None;
    }

    pub(crate) fn probe_failed(&self, reason: impl Into<String>) {
        self.lock().probe = Some(reason.into());
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
}
