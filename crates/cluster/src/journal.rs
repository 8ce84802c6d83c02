//! The engine's journal in a cluster: each unit of the crawl's outcome becomes messages of one
//! batch of the worker's transactor — records and dead letters on the sink's topics, state
//! entries on the state topic (on the unit's partition), pages found on the frontier topic (on
//! their site's partition, keyed by registrable domain) — and the frontier offset consumed.

use crate::transactor::{Batch, Outgoing, Transactor};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tinstream_crawler::FrontierEntry;
use tinstream_engine::{ClusterConfig, Journal, JournalError, Unit};
use tinstream_model::Article;
use tinstream_sink::KafkaConfig;

/// A message of the frontier topic: a page for its site's partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontierMessage {
    /// The page's key in the crawl state (its normalised URL).
    pub key: String,
    pub entry: FrontierEntry,
}

/// For each partition this worker owns, the frontier offset its group has committed (the next
/// message to read): set when the partition is assigned, advanced as admissions commit.
///
/// Every transaction commits the offset of each partition it writes for, even one that
/// consumed nothing: committing consumed offsets is what makes the group coordinator check
/// the worker's generation (KIP-447). A worker that lost its partitions without knowing yet
/// (its session ran out while the coordinator moved) has its transactions refused, instead of
/// committing records of pages the new owner does again.
#[derive(Clone, Default)]
pub struct FrontierOffsets(Arc<std::sync::Mutex<std::collections::HashMap<u32, i64>>>);

impl FrontierOffsets {
    fn map(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<u32, i64>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The offset committed for `partition` when it was assigned.
    pub fn assigned(&self, partition: u32, offset: i64) {
        self.map().insert(partition, offset);
    }

    /// `partition` is no longer this worker's.
    pub fn revoked(&self, partition: u32) {
        self.map().remove(&partition);
    }

    /// An admission of `partition` up to `offset` is committed.
    fn advanced(&self, partition: u32, offset: i64) {
        let mut map = self.map();
        let at = map.entry(partition).or_insert(offset);
        *at = (*at).max(offset);
    }

    /// The offset to commit for `partition`, if one is known.
    pub fn get(&self, partition: u32) -> Option<i64> {
        self.map().get(&partition).copied()
    }
}

/// The cluster's journal: units written through the worker's transactor.
pub struct ClusterJournal {
    transactor: Arc<Transactor>,
    records_topic: String,
    dead_letter_topic: String,
    state_topic: String,
    frontier_topic: String,
    /// The producer's `message.max.bytes`: a larger message fails its transaction.
    max_message_bytes: usize,
    offsets: FrontierOffsets,
}

/// librdkafka's own limit when `message.max.bytes` is not set.
const DEFAULT_MAX_MESSAGE_BYTES: usize = 1_000_000;

/// What a message takes beyond its key, value and headers, at most (the record's length,
/// attributes, timestamp and offset deltas, and the counts: varints of 5 bytes or less).
const MESSAGE_OVERHEAD: usize = 32;

impl ClusterJournal {
    /// A journal writing through `transactor`; `offsets` are the ones [`crate::Member`] keeps.
    pub fn new(
        transactor: Arc<Transactor>,
        cluster: &ClusterConfig,
        kafka: &KafkaConfig,
        offsets: FrontierOffsets,
    ) -> Self {
        ClusterJournal {
            transactor,
            records_topic: kafka.topic.clone(),
            dead_letter_topic: kafka.dlq_topic.clone(),
            state_topic: cluster.state_topic.clone(),
            frontier_topic: cluster.frontier_topic.clone(),
            // A value that is no number makes the producer refuse to start, with its reason.
            max_message_bytes: kafka
                .options
                .get("message.max.bytes")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(DEFAULT_MAX_MESSAGE_BYTES),
            offsets,
        }
    }

    /// How large a message is as the producer counts it against `message.max.bytes`.
    fn message_bytes(message: &Outgoing) -> usize {
        let headers: usize = message
            .headers
            .iter()
            .map(|(key, value)| key.len() + value.len() + 2 * 5)
            .sum();
        MESSAGE_OVERHEAD
            + message.key.len()
            + message.payload.as_ref().map_or(0, Vec::len)
            + headers
    }

    /// A record's message, as the sink writes it.
    fn record_message(&self, record: &Article) -> Result<Outgoing, serde_json::Error> {
        Ok(sink_message(
            &self.records_topic,
            &record.id,
            serde_json::to_vec(record)?,
        ))
    }

    /// The messages of a unit, as the sink would write its records and dead letters.
    pub fn batch(&self, unit: &Unit) -> Result<Batch, JournalError> {
        let partition = i32::try_from(unit.partition)?;
        // Records and dead letters go out as the sink writes them: JSON, with the schema
        // version in the headers, keyed by record id or URL.
        let mut messages = Vec::new();
        for record in &unit.records {
            messages.push(self.record_message(record)?);
        }
        for letter in &unit.dead_letters {
            messages.push(sink_message(
                &self.dead_letter_topic,
                &letter.url,
                serde_json::to_vec(letter)?,
            ));
        }
        for entry in &unit.entries {
            messages.push(Outgoing {
                topic: self.state_topic.clone(),
                partition: Some(partition),
                key: entry.key(),
                payload: entry.value(),
                headers: Vec::new(),
            });
        }
        for found in &unit.found {
            let message = FrontierMessage {
                key: found.key.clone(),
                entry: found.entry.clone(),
            };
            messages.push(Outgoing {
                topic: self.frontier_topic.clone(),
                partition: Some(i32::try_from(found.partition)?),
                key: found.domain.clone(),
                payload: Some(serde_json::to_vec(&message)?),
                headers: Vec::new(),
            });
        }
        // The offset the unit consumed up to, or the partition's last one: either way the
        // transaction commits an offset, which fences a worker that lost the partition. (An
        // older offset committed beside a newer one in a later transaction only makes the
        // next owner read messages it then finds known.)
        let consumed = unit
            .consumed
            .or_else(|| self.offsets.get(unit.partition))
            .map(|next| vec![(self.frontier_topic.clone(), partition, next)])
            .unwrap_or_default();
        Ok(Batch { messages, consumed })
    }
}

/// A message of the sink's topics: JSON, with the schema version in the headers, keyed by
/// record id or URL.
fn sink_message(topic: &str, key: &str, payload: Vec<u8>) -> Outgoing {
    Outgoing {
        topic: topic.to_string(),
        partition: None,
        key: key.to_string(),
        payload: Some(payload),
        headers: vec![
            (
                "schema_version",
                tinstream_model::SCHEMA_VERSION.to_string(),
            ),
            ("content-type", "application/json".to_string()),
        ],
    }
}

impl Journal for ClusterJournal {
    /// Every batch handed to the transactor before is kept from committing: one transaction
    /// holds the work of every partition of the worker, and committed after the worker
    /// rejoined, it would pass the coordinator's check with the new generation.
    fn lost(&self, _partition: u32) {
        self.transactor.lost();
    }

    fn write(&self, unit: Unit) -> Pin<Box<dyn Future<Output = Result<(), JournalError>> + Send>> {
        let batch = self.batch(&unit);
        let transactor = self.transactor.clone();
        let offsets = self.offsets.clone();
        let (partition, consumed) = (unit.partition, unit.consumed);
        Box::pin(async move {
            transactor.commit(batch?).await?;
            if let Some(next) = consumed {
                offsets.advanced(partition, next);
            }
            Ok(())
        })
    }

    fn admits(&self, record: &Article) -> Result<(), String> {
        let message = self
            .record_message(record)
            .map_err(|e| format!("the record cannot be written as JSON: {e}"))?;
        let bytes = Self::message_bytes(&message);
        if bytes > self.max_message_bytes {
            return Err(format!(
                "the record's message is {bytes} bytes, over the {} bytes of message.max.bytes (sink.kafka.options)",
                self.max_message_bytes
            ));
        }
        Ok(())
    }
}
