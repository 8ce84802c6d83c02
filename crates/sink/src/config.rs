//! The `[sink]` table of the configuration, with every default.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// A table of librdkafka or topic settings. librdkafka takes every value as text; a number or
/// a boolean written without quotes is taken as the same text (`20`, `true`), so that
/// `"linger.ms" = 20` means what it says. Tables and arrays are refused with the key.
fn scalar_values<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    use serde_json::Value;
    let values = BTreeMap::<String, Value>::deserialize(deserializer)?;
    values
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                Value::String(text) => text,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => {
                    let kind = if other.is_array() {
                        "an array"
                    } else {
                        "a table"
                    };
                    return Err(serde::de::Error::custom(format!(
                        "`{key}` must be a string, a number or a boolean, not {kind}"
                    )));
                }
            };
            Ok((key, text))
        })
        .collect()
}

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SinkConfig {
    /// Which sink to use.
    pub kind: SinkKind,
    /// Records handed to the sink and not yet confirmed, at most. When the destination is slow
    /// or down, this many records wait in memory; then fetching stops until some are
    /// confirmed. It bounds both memory and the duplicates a crash can cause.
    pub max_in_flight: usize,
    /// Settings of the JSON Lines sink.
    pub jsonl: JsonlConfig,
    /// Settings of the Kafka sink.
    pub kafka: KafkaConfig,
    /// The optional on-disk spool in front of the sink.
    pub spool: SpoolConfig,
}

/// The `[sink.spool]` table: an on-disk write-ahead buffer in front of the sink, for outages
/// longer than `max_in_flight` records can carry.
///
/// With the spool on, a record counts as delivered once it is synced to the spool; a
/// forwarder sends the spool to the sink in order and deletes what the sink confirmed. When
/// the spool is full, delivery waits, which stops fetching as `max_in_flight` does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpoolConfig {
    /// Use the spool.
    pub enabled: bool,
    /// Folder of the spool's segment files.
    pub path: PathBuf,
    /// Most bytes the spool may hold on disk.
    pub max_bytes: u64,
    /// Size at which a segment file is closed and a new one started; a closed segment is
    /// deleted once the sink confirmed all of it.
    pub segment_bytes: u64,
}

impl Default for SpoolConfig {
    fn default() -> Self {
        SpoolConfig {
            enabled: false,
            path: PathBuf::from("data/spool"),
            max_bytes: 1024 * 1024 * 1024,
            segment_bytes: 8 * 1024 * 1024,
        }
    }
}

impl Default for SinkConfig {
    fn default() -> Self {
        SinkConfig {
            kind: SinkKind::default(),
            max_in_flight: 1000,
            jsonl: JsonlConfig::default(),
            kafka: KafkaConfig::default(),
            spool: SpoolConfig::default(),
        }
    }
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
    #[serde(with = "tinstream_model::duration")]
    pub delivery_timeout: Duration,
    /// Other librdkafka settings, passed through as they are to the producer and to the admin
    /// client (for example `security.protocol`, `sasl.mechanism`, `sasl.password`,
    /// `ssl.ca.location`, `linger.ms`). Values are never logged. Numbers and booleans are
    /// taken as librdkafka's text for them (`"linger.ms" = 20`).
    #[serde(deserialize_with = "scalar_values")]
    pub options: BTreeMap<String, String>,
    /// Create `topic` and `dlq_topic` when they do not exist (with `partitions`,
    /// `replication_factor` and the topic configs below). When false, a missing topic stops
    /// the start with a message naming it.
    pub create_topics: bool,
    /// Partitions of a topic tinstream creates; -1 takes the broker's `num.partitions`.
    pub partitions: i32,
    /// Replication factor of a topic tinstream creates; -1 takes the broker's
    /// `default.replication.factor`.
    pub replication_factor: i32,
    /// Topic-level settings of `topic` when tinstream creates it (for example
    /// `cleanup.policy`, `min.insync.replicas`, `retention.ms`, `max.message.bytes`).
    #[serde(deserialize_with = "scalar_values")]
    pub topic_config: BTreeMap<String, String>,
    /// Topic-level settings of `dlq_topic` when tinstream creates it.
    #[serde(deserialize_with = "scalar_values")]
    pub dlq_topic_config: BTreeMap<String, String>,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        KafkaConfig {
            brokers: "127.0.0.1:9092".into(),
            topic: "tinstream.articles".into(),
            dlq_topic: "tinstream.dead-letter".into(),
            delivery_timeout: Duration::from_secs(300),
            options: BTreeMap::new(),
            create_topics: false,
            partitions: 6,
            replication_factor: -1,
            topic_config: BTreeMap::new(),
            dlq_topic_config: BTreeMap::new(),
        }
    }
}

impl SinkConfig {
    /// Checks values that the types alone cannot; the error names the key.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_in_flight == 0 {
            return Err("sink.max_in_flight must be at least 1".into());
        }
        if self.spool.enabled {
            if self.spool.path.as_os_str().is_empty() {
                return Err("sink.spool.path must not be empty".into());
            }
            if self.spool.segment_bytes < 4096 {
                return Err("sink.spool.segment_bytes must be at least 4096".into());
            }
            if self.spool.max_bytes < 2 * self.spool.segment_bytes {
                return Err(
                    "sink.spool.max_bytes must be at least twice sink.spool.segment_bytes".into(),
                );
            }
        }
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
                for (key, value) in [
                    ("partitions", self.kafka.partitions),
                    ("replication_factor", self.kafka.replication_factor),
                ] {
                    if value == 0 || value < -1 {
                        return Err(format!(
                            "sink.kafka.{key} must be positive, or -1 for the broker's default"
                        ));
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn librdkafka_values_may_be_numbers_and_booleans() {
        let config: KafkaConfig = serde_json::from_str(
            r#"{"options": {"linger.ms": 20, "enable.ssl.certificate.verification": false,
                "security.protocol": "SASL_SSL"},
                "topic_config": {"min.insync.replicas": 2, "min.cleanable.dirty.ratio": 0.5}}"#,
        )
        .unwrap();
        assert_eq!(config.options["linger.ms"], "20");
        assert_eq!(
            config.options["enable.ssl.certificate.verification"],
            "false"
        );
        assert_eq!(config.options["security.protocol"], "SASL_SSL");
        assert_eq!(config.topic_config["min.insync.replicas"], "2");
        assert_eq!(config.topic_config["min.cleanable.dirty.ratio"], "0.5");
    }

    #[test]
    fn a_table_as_a_librdkafka_value_is_named() {
        let error = serde_json::from_str::<KafkaConfig>(r#"{"options": {"sasl": {"x": "y"}}}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("`sasl` must be a string"), "{error}");
    }
}
