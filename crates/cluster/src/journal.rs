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
use tinstream_sink::KafkaConfig;

/// A message of the frontier topic: a page for its site's partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontierMessage {
    /// The page's key in the crawl state (its normalised URL).
    pub key: String,
    pub entry: FrontierEntry,
}

/// The cluster's journal: units written through the worker's transactor.
pub struct ClusterJournal {
    transactor: Arc<Transactor>,
    records_topic: String,
    dead_letter_topic: String,
    state_topic: String,
    frontier_topic: String,
}

impl ClusterJournal {
    pub fn new(transactor: Arc<Transactor>, cluster: &ClusterConfig, kafka: &KafkaConfig) -> Self {
        ClusterJournal {
            transactor,
            records_topic: kafka.topic.clone(),
            dead_letter_topic: kafka.dlq_topic.clone(),
            state_topic: cluster.state_topic.clone(),
            frontier_topic: cluster.frontier_topic.clone(),
        }
    }

    /// The messages of a unit, as the sink would write its records and dead letters.
    pub fn batch(&self, unit: &Unit) -> Result<Batch, JournalError> {
        let partition = i32::try_from(unit.partition)?;
        // Records and dead letters go out as the sink writes them: JSON, with the schema
        // version in the headers, keyed by record id or URL.
        let sink_message = |topic: &str, key: &str, payload: Vec<u8>| Outgoing {
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
        };
        let mut messages = Vec::new();
        for record in &unit.records {
            messages.push(sink_message(
                &self.records_topic,
                &record.id,
                serde_json::to_vec(record)?,
            ));
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
        let consumed = unit
            .consumed
            .map(|next| vec![(self.frontier_topic.clone(), partition, next)])
            .unwrap_or_default();
        Ok(Batch { messages, consumed })
    }
}

impl Journal for ClusterJournal {
    fn write(&self, unit: Unit) -> Pin<Box<dyn Future<Output = Result<(), JournalError>> + Send>> {
        let batch = self.batch(&unit);
        let transactor = self.transactor.clone();
        Box::pin(async move {
            transactor.commit(batch?).await?;
            Ok(())
        })
    }
}
