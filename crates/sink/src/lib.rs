//! Delivers tinstream records to their destination and says when each one is safe.
//!
//! A sink is chosen by configuration ([`SinkConfig`]): JSON Lines files by default, Apache
//! Kafka in production. [`Sink::deliver`] resolves only once the record is durable: written and
//! synced to disk for the file sink, acknowledged by all in-sync replicas for Kafka. The
//! pipeline marks a page done only after that, which is what makes delivery at-least-once.
//!
//! Pages that fail and records that cannot be delivered go to the dead-letter destination
//! ([`Sink::dead_letter`]) with the URL, the stage and the reason, so nothing disappears.
//!
//! An optional on-disk spool ([`SpoolConfig`]) sits in front of the destination for long
//! outages: records are confirmed once synced to the spool, and forwarded from there.
//!
//! It does not decide what to fetch or how to parse; it never drops a record on its own.

mod append;
mod backoff;
pub mod config;
mod health;
mod jsonl;
mod kafka;
mod kafka_log;
mod spool;

pub use backoff::Backoff;
pub use config::{JsonlConfig, KafkaConfig, SinkConfig, SinkKind, SpoolConfig};
pub use health::Readiness;
pub use jsonl::JsonlSink;
pub use kafka::{connection_config, KafkaSink};
pub use kafka_log::{QuietContext, Signals};
#[doc(hidden)]
pub use spool::read_spool_bytes;

use serde::{Deserialize, Serialize};
use spool::Spool;
use std::sync::Arc;
use std::time::Duration;
use tinstream_model::Article;

/// The pipeline stage at which a page was given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Fetching failed for good.
    Fetch,
    /// The page could not be parsed.
    Parse,
    /// The sink refused the record.
    Deliver,
}

/// A page or record that could not go through, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The page's URL.
    pub url: String,
    /// Where it failed.
    pub stage: Stage,
    /// Why.
    pub reason: String,
    /// When (RFC 3339, UTC).
    pub at: chrono::DateTime<chrono::Utc>,
    /// The record's id, when a record was made.
    pub record_id: Option<String>,
}

/// Why a delivery did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The destination refused this record and always will (too large, invalid): send it to
    /// the dead letters.
    #[error("record rejected: {0}")]
    Rejected(String),
    /// The destination could not be reached or did not confirm in time; trying again later may
    /// succeed.
    #[error("delivery failed: {0}")]
    Unavailable(String),
}

/// Why a sink could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// A file of the JSON Lines sink.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The Kafka producer or topic.
    #[error("kafka: {0}")]
    Kafka(String),
}

/// The configured sink: the destination, with the spool in front of it when configured.
pub struct Sink {
    destination: Arc<Destination>,
    spool: Option<Spool>,
}

/// Where records end up.
pub(crate) enum Destination {
    /// JSON Lines files.
    Jsonl(JsonlSink),
    /// Apache Kafka.
    Kafka(KafkaSink),
}

impl Sink {
    /// Opens the sink the configuration names.
    pub async fn open(config: &SinkConfig) -> Result<Sink, SinkError> {
        let destination = Arc::new(match config.kind {
            SinkKind::Jsonl => Destination::Jsonl(JsonlSink::open(&config.jsonl).await?),
            SinkKind::Kafka => Destination::Kafka(KafkaSink::open(&config.kafka).await?),
        });
        let spool = if config.spool.enabled {
            Some(Spool::open(&config.spool, destination.clone()).await?)
        } else {
            None
        };
        Ok(Sink { destination, spool })
    }

    /// Whether records can be delivered now (the readiness endpoint reports this). With the
    /// spool, that is while the spool has room, whatever the destination's state.
    pub fn readiness(&self) -> Readiness {
        match &self.spool {
            Some(spool) => spool.readiness(),
            None => self.destination.readiness(),
        }
    }

    /// Bytes waiting in the spool; None without a spool.
    pub fn spool_bytes(&self) -> Option<u64> {
        self.spool.as_ref().map(Spool::bytes)
    }

    /// Delivers one record; resolves when it is durable (in the spool when there is one).
    pub async fn deliver(&self, record: &Article) -> Result<(), DeliveryError> {
        match &self.spool {
            Some(spool) => {
                spool
                    .append(&spool::Entry::Record(Box::new(record.clone())))
                    .await
            }
            None => self.destination.deliver(record).await,
        }
    }

    /// Delivers one dead letter; resolves when it is durable.
    pub async fn dead_letter(&self, letter: &DeadLetter) -> Result<(), DeliveryError> {
        match &self.spool {
            Some(spool) => {
                spool
                    .append(&spool::Entry::DeadLetter(letter.clone()))
                    .await
            }
            None => self.destination.dead_letter(letter).await,
        }
    }

    /// Waits until everything handed to the destination is delivered, for at most `timeout`.
    /// What is still in the spool stays there for the next start.
    pub async fn flush(&self, timeout: Duration) -> Result<(), DeliveryError> {
        self.destination.flush(timeout).await
    }
}

impl Destination {
    pub(crate) fn readiness(&self) -> Readiness {
        match self {
            Destination::Jsonl(s) => s.readiness(),
            Destination::Kafka(s) => s.readiness(),
        }
    }

    /// Resolves once the destination's last probe found it able to take records (files
    /// always are; Kafka when both topics exist and every partition has a leader).
    pub(crate) async fn reachable(&self) {
        match self {
            Destination::Jsonl(_) => {}
            Destination::Kafka(s) => s.reachable().await,
        }
    }

    pub(crate) async fn deliver(&self, record: &Article) -> Result<(), DeliveryError> {
        match self {
            Destination::Jsonl(s) => s.deliver(record).await,
            Destination::Kafka(s) => s.deliver(record).await,
        }
    }

    pub(crate) async fn dead_letter(&self, letter: &DeadLetter) -> Result<(), DeliveryError> {
        match self {
            Destination::Jsonl(s) => s.dead_letter(letter).await,
            Destination::Kafka(s) => s.dead_letter(letter).await,
        }
    }

    pub(crate) async fn flush(&self, timeout: Duration) -> Result<(), DeliveryError> {
        match self {
            Destination::Jsonl(s) => s.flush().await,
            Destination::Kafka(s) => s.flush(timeout).await,
        }
    }
}
