//! What librdkafka says, in tinstream's log, without flooding it.
//!
//! While a broker is down, librdkafka reports the same connection failure many times a
//! second, once per client and per attempt. The readiness watcher already says, once, that the
//! brokers are unreachable; here each distinct message is logged at most once per
//! [`REPEAT_AFTER`], with the number of repeats that were held back.
//!
//! librdkafka also reports one failure twice: as a log line (`[thrd:…]: 127.0.0.1:9092/
//! bootstrap: Connect to … failed: Connection refused`) and through the error callback with
//! the same text as its reason. Both are remembered under the text without its thread
//! prefix, so whichever comes first is the one logged.
//!
//! The context also keeps what the sink must tell its operator beyond the log: the last
//! refusal that retrying cannot fix (credentials refused, a certificate not trusted, a missing
//! ACL), with the settings to look at, and the idempotent producer's state as its statistics
//! report it, so that the sink knows when the brokers have let it write.

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long an identical message stays quiet after it was logged.
const REPEAT_AFTER: Duration = Duration::from_secs(30);
/// Distinct messages remembered, at most; the memory is cleared when it is full.
const REMEMBERED: usize = 256;

/// The client context of tinstream's Kafka clients.
#[derive(Default)]
pub struct QuietContext {
    seen: Mutex<HashMap<String, (Instant, u64)>>,
    signals: Arc<Signals>,
}

/// What a client's context learnt that its owner reads: shared, because librdkafka's wrappers
/// keep the context to themselves.
pub struct Signals {
    refusal: watch::Sender<Option<String>>,
    idempotence: watch::Sender<Option<String>>,
}

impl Default for Signals {
    fn default() -> Self {
        Signals {
            refusal: watch::Sender::new(None),
            idempotence: watch::Sender::new(None),
        }
    }
}

/// The part of librdkafka's statistics that the sink reads.
#[derive(serde::Deserialize)]
struct Statistics {
    eos: Option<Eos>,
}

#[derive(serde::Deserialize)]
struct Eos {
    idemp_state: String,
}

impl QuietContext {
    /// What this context learns, for the client's owner.
    pub fn signals(&self) -> Arc<Signals> {
        self.signals.clone()
    }
}

impl Signals {
    /// The last refusal the brokers gave that retrying will not fix, with what to check.
    pub fn refusal(&self) -> Option<String> {
        self.refusal.borrow().clone()
    }

    /// Resolves with the next refusal (at once if there is one).
    pub async fn refused(&self) -> String {
        self.refusal_after(false).await
    }

    /// Resolves with the first refusal reported after this call.
    pub async fn new_refusal(&self) -> String {
        self.refusal_after(true).await
    }

    async fn refusal_after(&self, only_new: bool) -> String {
        let mut refusal = self.refusal.subscribe();
        if only_new {
            refusal.borrow_and_update();
            // The sender lives in `self`: the channel cannot close while this waits.
            let _ = refusal.changed().await;
        }
        loop {
            if let Some(reason) = refusal.borrow_and_update().clone() {
                return reason;
            }
            let _ = refusal.changed().await;
        }
    }

    /// Forgets the last refusal: the brokers answered since.
    pub fn clear_refusal(&self) {
        self.refusal
            .send_if_modified(|refusal| refusal.take().is_some());
    }

    fn refuse(&self, reason: String) {
        self.refusal.send_replace(Some(reason));
    }

    /// The idempotent producer's state (`Init`, `WaitPID`, `Assigned`, `FatalError`, …) as
    /// its last statistics said; `None` before the first statistics.
    pub fn idempotence(&self) -> watch::Receiver<Option<String>> {
        self.idempotence.subscribe()
    }
}

impl QuietContext {
    /// Whether to log `key` now, and how many times it was held back since last logged.
    fn admit(&self, key: &str) -> Option<u64> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if let Some((last, held)) = seen.get_mut(key) {
            if now.duration_since(*last) < REPEAT_AFTER {
                *held += 1;
                return None;
            }
            let repeats = *held;
            *last = now;
            *held = 0;
            return Some(repeats);
        }
        if seen.len() >= REMEMBERED {
            seen.clear();
        }
        seen.insert(key.to_string(), (now, 0));
        Some(0)
    }
}

/// The message without the parts that change on every repeat ("after 0ms", counts) and
/// without librdkafka's thread prefix (`[thrd:main]: `).
fn shape(message: &str) -> String {
    let message = shape_free(message);
    let mut out = String::with_capacity(message.len());
    for c in message.chars() {
        if c.is_ascii_digit() {
            // A run of digits, whatever its length, is one `#`.
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    // librdkafka's own count of repeats it held back is not part of the message.
    out.replace(", # identical error(s) suppressed", "")
}

impl ClientContext for QuietContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        // A consumer hands its errors over only when polled, but logs them at once: a failed
        // connection's log line is where a command that has not polled yet learns why.
        if fac == "FAIL" {
            if let Some(refusal) = refused_connection(message) {
                self.signals.refuse(refusal);
            }
        }
        let Some(repeats) = self.admit(&shape(message)) else {
            return;
        };
        match level {
            RDKafkaLogLevel::Emerg
            | RDKafkaLogLevel::Alert
            | RDKafkaLogLevel::Critical
            | RDKafkaLogLevel::Error
            | RDKafkaLogLevel::Warning => {
                tracing::warn!(target: "librdkafka", facility = fac, repeats, "{message}")
            }
            RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
                tracing::info!(target: "librdkafka", facility = fac, repeats, "{message}")
            }
            RDKafkaLogLevel::Debug => {
                tracing::debug!(target: "librdkafka", facility = fac, repeats, "{message}")
            }
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        if let Some(refusal) = refusal(&error, reason) {
            self.signals.refuse(refusal);
        }
        if let Some(repeats) = self.admit(&shape(reason)) {
            tracing::warn!(target: "librdkafka", %error, repeats, "Kafka client error: {reason}");
        }
    }

    fn stats_raw(&self, statistics: &[u8]) {
        // Only the producer asks for statistics (`statistics.interval.ms`), for this.
        if let Ok(Statistics { eos: Some(eos) }) = serde_json::from_slice(statistics) {
            self.signals.idempotence.send_if_modified(|state| {
                let changed = state.as_deref() != Some(eos.idemp_state.as_str());
                *state = Some(eos.idemp_state);
                changed
            });
        }
    }
}

/// A failed connection, as librdkafka logs it, that retrying will not fix: its text is all
/// there is, and librdkafka's and OpenSSL's wording for these is stable.
fn refused_connection(message: &str) -> Option<String> {
    let reason = shape_free(message);
    let code = if reason.contains("SASL authentication error") {
        RDKafkaErrorCode::Authentication
    } else if reason.contains("SSL handshake failed") {
        RDKafkaErrorCode::SSL
    } else if reason.contains("SSL alert number") {
        RDKafkaErrorCode::BrokerTransportFailure
    } else {
        return None;
    };
    refusal(&KafkaError::Global(code), reason)
}

/// The message without librdkafka's thread prefix (`[thrd:main]: `).
fn shape_free(message: &str) -> &str {
    match message.strip_prefix("[thrd:") {
        Some(rest) => rest.split_once("]: ").map_or(message, |(_, text)| text),
        None => message,
    }
}

/// A client error that retrying will not fix, as a sentence that names the settings or the
/// permissions to check; `None` for the errors that pass (a broker down, a timeout).
pub(crate) fn refusal(error: &KafkaError, reason: &str) -> Option<String> {
    // A broker that rejects the client's certificate (or its absence) ends the TLS session
    // with an alert after the handshake, which librdkafka reports as a failed receive, a
    // transport error like any other; OpenSSL's text is what tells it apart.
    if reason.contains("SSL alert number") {
        return Some(format!(
            "the brokers ended the TLS session: for mutual TLS, check the sink.kafka.options \"ssl.certificate.location\" and \"ssl.key.location\" (a client certificate signed by a CA the brokers trust) ({reason})"
        ));
    }
    let hint = match error.rdkafka_error_code()? {
        RDKafkaErrorCode::Authentication | RDKafkaErrorCode::SaslAuthenticationFailed => {
            "the brokers refused the credentials: check the sink.kafka.options \"sasl.mechanism\", \"sasl.username\" and \"sasl.password\""
        }
        RDKafkaErrorCode::SSL => {
            "TLS with the brokers failed: check the sink.kafka.options \"ssl.ca.location\" (the CA that signed the brokers' certificates) and, for mutual TLS, \"ssl.certificate.location\" and \"ssl.key.location\""
        }
        RDKafkaErrorCode::ClusterAuthorizationFailed => {
            "the brokers' ACLs do not let this principal write: it needs WRITE on the topics (or IDEMPOTENT_WRITE on the cluster)"
        }
        RDKafkaErrorCode::TopicAuthorizationFailed => {
            "the brokers' ACLs do not let this principal use the topic: it needs DESCRIBE and WRITE on the topics"
        }
        _ => return None,
    };
    Some(format!("{hint} ({reason})"))
}

/// Consumers (such as `tinstream tail`) log the same way.
impl ConsumerContext for QuietContext {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_what_to_check_and_outages_are_not_refusals() {
        let wrong_password = refusal(
            &KafkaError::Global(RDKafkaErrorCode::Authentication),
            "SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512",
        )
        .unwrap();
        assert!(
            wrong_password.contains("\"sasl.password\""),
            "{wrong_password}"
        );
        assert!(
            wrong_password.contains("invalid credentials"),
            "{wrong_password}"
        );
        let unknown_ca = refusal(
            &KafkaError::Global(RDKafkaErrorCode::SSL),
            "SSL handshake failed: certificate verify failed",
        )
        .unwrap();
        assert!(unknown_ca.contains("\"ssl.ca.location\""), "{unknown_ca}");
        let no_acl = refusal(
            &KafkaError::Global(RDKafkaErrorCode::ClusterAuthorizationFailed),
            "Failed to acquire idempotence PID",
        )
        .unwrap();
        assert!(no_acl.contains("WRITE on the topics"), "{no_acl}");
        let no_certificate = refusal(
            &KafkaError::Global(RDKafkaErrorCode::BrokerTransportFailure),
            "ssl://127.0.0.1:9093/bootstrap: Receive failed: error:0A000412:SSL routines::sslv3 alert bad certificate: SSL alert number 42",
        )
        .unwrap();
        assert!(
            no_certificate.contains("\"ssl.certificate.location\""),
            "{no_certificate}"
        );
        for code in [
            RDKafkaErrorCode::AllBrokersDown,
            RDKafkaErrorCode::BrokerTransportFailure,
            RDKafkaErrorCode::MessageTimedOut,
        ] {
            assert_eq!(refusal(&KafkaError::Global(code), "down"), None, "{code:?}");
        }
    }

    #[test]
    fn a_refused_connection_is_read_from_the_log_line() {
        let context = QuietContext::default();
        context.log(
            RDKafkaLogLevel::Error,
            "FAIL",
            "[thrd:sasl_ssl://127.0.0.1:19292/bootstrap]: sasl_ssl://127.0.0.1:19292/bootstrap: SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512 (after 327ms in state AUTH_REQ)",
        );
        let refusal = context.signals().refusal().unwrap();
        assert!(
            refusal.starts_with("the brokers refused the credentials"),
            "{refusal}"
        );
        assert!(!refusal.contains("[thrd:"), "{refusal}");
        let other = QuietContext::default();
        other.log(
            RDKafkaLogLevel::Error,
            "FAIL",
            "[thrd:127.0.0.1:9/bootstrap]: 127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused (after 0ms in state CONNECT)",
        );
        assert_eq!(other.signals().refusal(), None);
    }

    #[test]
    fn the_idempotent_producers_state_is_read_from_its_statistics() {
        let context = QuietContext::default();
        let state = context.signals().idempotence();
        assert_eq!(*state.borrow(), None);
        context.stats_raw(br#"{"name":"p","eos":{"idemp_state":"Assigned","idemp_stateage":3}}"#);
        assert_eq!(state.borrow().as_deref(), Some("Assigned"));
        // Statistics of a consumer have no "eos"; garbage is ignored.
        context.stats_raw(br#"{"name":"c"}"#);
        context.stats_raw(b"not json");
        assert_eq!(state.borrow().as_deref(), Some("Assigned"));
    }

    #[test]
    fn repeats_of_one_message_are_held_back() {
        let context = QuietContext::default();
        let first = shape("Connect to ipv4#127.0.0.1:40449 failed (after 0ms in state CONNECT)");
        let again = shape("Connect to ipv4#127.0.0.1:40449 failed (after 12ms in state CONNECT)");
        assert_eq!(first, again);
        assert_eq!(context.admit(&first), Some(0));
        assert_eq!(context.admit(&again), None);
        assert_eq!(context.admit("another message"), Some(0));
    }

    #[test]
    fn a_failure_reported_as_a_log_line_and_an_error_is_logged_once() {
        let context = QuietContext::default();
        let line = "[thrd:127.0.0.1:9/bootstrap]: 127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused (after 0ms in state CONNECT)";
        let reason = "127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused (after 1ms in state CONNECT)";
        assert_eq!(context.admit(&shape(line)), Some(0));
        assert_eq!(context.admit(&shape(reason)), None);
        let counted = "[thrd:127.0.0.1:9/bootstrap]: 127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused (after 0ms in state CONNECT, 1 identical error(s) suppressed)";
        assert_eq!(context.admit(&shape(counted)), None);
    }
}
