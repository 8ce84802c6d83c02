//! The `[sink]` table of the configuration, with every default.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Which sink receives the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SinkKind {
    /// JSON Lines files on local disk: the embedded default, no broker needed.
    #[default]
    Jsonl,
    /// Apache Kafka.
    Kafka,
}

/// The `[sink]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct SinkConfig {
    /// Which sink to use.
    pub kind: SinkKind,
    /// Settings of the JSON Lines sink.
    pub jsonl: JsonlConfig,
    /// Settings of the Kafka sink.
    pub kafka: KafkaConfig,
}

/// The `[sink.jsonl]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JsonlConfig {
    /// File the records are appended to, one JSON object per line; `-` is standard output.
    pub path: PathBuf,
    /// File the dead letters (pages that failed, records that could not be delivered) are
    /// appended to.
    pub dead_letter_path: PathBuf,
}

impl Default for JsonlConfig {
    fn default() -> Self {
        JsonlConfig {
            path: PathBuf::from("data/articles.jsonl"),
            dead_letter_path: PathBuf::from("data/dead-letter.jsonl"),
        }
    }
}

/// The `[sink.kafka]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KafkaConfig {
    /// Bootstrap brokers, comma-separated `host:port`.
    pub brokers: String,
    /// Topic the records are published to.
    pub topic: String,
    /// Topic the dead letters are published to.
    pub dlq_topic: String,
    /// How long librdkafka keeps trying to deliver one record (`message.timeout.ms`).
    #[serde(with = "humantime_serde")]
    pub delivery_timeout: Duration,
    /// Other librdkafka producer settings, passed through as they are (for example
    /// `security.protocol`, `sasl.mechanism`, `linger.ms`).
    pub options: BTreeMap<String, String>,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        KafkaConfig {
            brokers: "127.0.0.1:9092".into(),
            topic: "tinstream.articles".into(),
            dlq_topic: "tinstream.dead-letter".into(),
            delivery_timeout: Duration::from_secs(300),
            options: BTreeMap::new(),
        }
    }
}

impl SinkConfig {
    /// Checks values that the types alone cannot; the error names the key.
    pub fn validate(&self) -> Result<(), String> {
        match self.kind {
            SinkKind::Jsonl => {
                if self.jsonl.path.as_os_str().is_empty() {
                    return Err("sink.jsonl.path must not be empty".into());
                }
            }
            SinkKind::Kafka => {
                if self.kafka.brokers.trim().is_empty() {
                    return Err("sink.kafka.brokers must not be empty".into());
                }
                if self.kafka.topic.trim().is_empty() {
                    return Err("sink.kafka.topic must not be empty".into());
                }
                if self.kafka.topic == self.kafka.dlq_topic {
                    return Err("sink.kafka.dlq_topic must differ from sink.kafka.topic".into());
                }
                for key in ["enable.idempotence", "acks"] {
                    if self.kafka.options.contains_key(key) {
                        return Err(format!(
                            "sink.kafka.options.{key} cannot be set: tinstream's delivery guarantees depend on it"
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
