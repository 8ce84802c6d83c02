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

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::KafkaError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an identical message stays quiet after it was logged.
const REPEAT_AFTER: Duration = Duration::from_secs(30);
/// Distinct messages remembered, at most; the memory is cleared when it is full.
const REMEMBERED: usize = 256;

/// The client context of tinstream's Kafka clients.
#[derive(Default)]
pub struct QuietContext {
    seen: Mutex<HashMap<String, (Instant, u64)>>,
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
    let message = match message.strip_prefix("[thrd:") {
        Some(rest) => rest.split_once("]: ").map_or(message, |(_, text)| text),
        None => message,
    };
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
        if let Some(repeats) = self.admit(&shape(reason)) {
            tracing::warn!(target: "librdkafka", %error, repeats, "Kafka client error: {reason}");
        }
    }
}

/// Consumers (such as `tinstream tail`) log the same way.
impl ConsumerContext for QuietContext {}

#[cfg(test)]
mod tests {
    use super::*;

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
