//! Restoring a partition's crawl state from the state topic.
//!
//! The state topic is the crawl state's changelog ([`tinstream_crawler::changelog`]),
//! partitioned like the frontier. A worker that takes a partition replays that partition of
//! the topic into its local store, from the offset the store had applied (the store is a
//! cache of the topic, which may be a partition's last owner's on this disk, or nothing) up to
//! the end of what is committed. Entries are idempotent, so a replay that starts early is only
//! slower.

use crate::ClusterError;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::{Message, Offset, TopicPartitionList};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tinstream_crawler::changelog::Entry;
use tinstream_crawler::StateStore;
use tinstream_sink::{connection_config, KafkaConfig};
use tracing::{info, warn};

/// Entries applied per store transaction during a replay.
const BATCH: usize = 2_000;
/// How long a request to the brokers may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What a replay did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restored {
    /// Changelog messages applied.
    pub entries: u64,
    /// Messages that were no entry (skipped, each logged).
    pub unreadable: u64,
    /// The offset the store has applied up to now, if any.
    pub through: Option<i64>,
}

/// Replays partition `partition` of `topic` into `store`, from the offset after the one the
/// store had applied, up to the end of what is committed. Blocks: run it on the blocking pool.
pub fn restore(
    kafka: &KafkaConfig,
    topic: &str,
    partition: u32,
    store: &StateStore,
) -> Result<Restored, ClusterError> {
    replay(&restore_consumer(kafka)?, topic, partition, store)
}

/// A consumer for replays: not in any group's assignment (partitions are assigned by hand),
/// reading only what is committed.
fn restore_consumer(kafka: &KafkaConfig) -> Result<BaseConsumer, ClusterError> {
    connection_config(kafka)
        // Only what is committed: an aborted transaction (a worker that died in the middle of
        // one) never reaches the state.
        .set("isolation.level", "read_committed")
        .set("enable.auto.commit", "false")
        .set("group.id", "tinstream-restore")
        .create()
        .map_err(|source| ClusterError::Client {
            what: "restore consumer",
            source,
        })
}

/// [`restore`] with a consumer of [`restore_consumer`]'s, which it leaves with nothing
/// assigned.
fn replay(
    consumer: &BaseConsumer,
    topic: &str,
    partition: u32,
    store: &StateStore,
) -> Result<Restored, ClusterError> {
    let replayed = replay_assigned(consumer, topic, partition, store);
    if let Err(error) = consumer.unassign() {
        warn!(%error, "cannot clear the restore consumer's assignment");
    }
    replayed
}

fn replay_assigned(
    consumer: &BaseConsumer,
    topic: &str,
    partition: u32,
    store: &StateStore,
) -> Result<Restored, ClusterError> {
    let started = Instant::now();
    let partition = i32::try_from(partition).unwrap_or(i32::MAX);
    // The partition's leader may be moving (a broker died): ask again for a while.
    let high = loop {
        match consumer.fetch_watermarks(topic, partition, REQUEST_TIMEOUT) {
            Ok((_, high)) => break high,
            Err(error) if transient(&error) && started.elapsed() < REQUEST_TIMEOUT => {
                warn!(partition, %error, "cannot read the end of the state topic yet; asking again");
                std::thread::sleep(Duration::from_secs(1));
            }
            Err(source) => {
                return Err(ClusterError::Kafka {
                    what: format!("cannot read the end of {topic:?} partition {partition}"),
                    source,
                })
            }
        }
    };
    let applied = store.changelog_offset()?;
    let start = applied.map_or(Offset::Beginning, |o| Offset::Offset(o + 1));
    let mut restored = Restored {
        entries: 0,
        unreadable: 0,
        through: applied,
    };
    if applied.is_some_and(|o| o + 1 >= high) || high == 0 {
        return Ok(restored);
    }
    let mut assignment = TopicPartitionList::new();
    assignment
        .add_partition_offset(topic, partition, start)
        .map_err(|source| ClusterError::Kafka {
            what: format!("cannot assign {topic:?} partition {partition}"),
            source,
        })?;
    consumer
        .assign(&assignment)
        .map_err(|source| ClusterError::Kafka {
            what: format!("cannot assign {topic:?} partition {partition}"),
            source,
        })?;
    let mut batch: Vec<Entry> = Vec::with_capacity(BATCH);
    let mut last = applied;
    let mut waiting_said = false;
    let mut transient_said = false;
    loop {
        // Done once the position passed the end seen at the start (aborted messages and
        // transaction markers count, without being returned).
        let position = consumer.position().ok().and_then(|list| {
            match list.find_partition(topic, partition)?.offset() {
                Offset::Offset(o) => Some(o),
                _ => None,
            }
        });
        if position.is_some_and(|p| p >= high) {
            break;
        }
        let Some(message) = consumer.poll(Duration::from_millis(500)) else {
            if !waiting_said && started.elapsed() > Duration::from_secs(10) {
                // An open transaction (a worker that died in one) holds the end back until
                // the brokers abort it (transaction.timeout.ms).
                warn!(
                    partition,
                    "restoring waits for an open transaction on the state topic to end"
                );
                waiting_said = true;
            }
            continue;
        };
        let message = match message {
            Ok(message) => message,
            // A broker that went away (the cluster elects new leaders) is the client's to
            // reconnect to: poll again.
            Err(error) if transient(&error) => {
                if !transient_said {
                    warn!(partition, %error, "restoring waits for the brokers");
                    transient_said = true;
                }
                continue;
            }
            Err(source) => {
                return Err(ClusterError::Kafka {
                    what: format!("cannot read {topic:?} partition {partition}"),
                    source,
                })
            }
        };
        // The consumer is reused from replay to replay: never apply a message of a
        // partition replayed before, should one still be queued.
        if message.partition() != partition || message.topic() != topic {
            continue;
        }
        let key = String::from_utf8_lossy(message.key().unwrap_or_default()).into_owned();
        match Entry::decode(&key, message.payload()) {
            Ok(entry) => {
                batch.push(entry);
                restored.entries += 1;
            }
            Err(error) => {
                warn!(%error, offset = message.offset(), "a state topic message is no entry; skipped");
                restored.unreadable += 1;
            }
        }
        last = Some(message.offset());
        if batch.len() >= BATCH {
            store.apply_entries(&batch, last)?;
            batch.clear();
        }
    }
    if last != applied {
        store.apply_entries(&batch, last)?;
    }
    restored.through = last;
    info!(
        partition,
        entries = restored.entries,
        ms = started.elapsed().as_millis() as u64,
        "partition state restored"
    );
    Ok(restored)
}

/// Whether a consumer's error says the brokers are (for a moment) out of reach, rather than
/// that the topic cannot be read: librdkafka reconnects and the leaders move by themselves.
fn transient(error: &KafkaError) -> bool {
    use RDKafkaErrorCode as Code;
    matches!(
        error.rdkafka_error_code(),
        Some(
            Code::BrokerTransportFailure
                | Code::AllBrokersDown
                | Code::Resolve
                | Code::OperationTimedOut
                | Code::KafkaStorageError
                | Code::RequestTimedOut
                | Code::NetworkException
                | Code::LeaderNotAvailable
                | Code::NotLeaderForPartition
                | Code::FencedLeaderEpoch
                | Code::UnknownLeaderEpoch
                | Code::OffsetNotAvailable
                | Code::NotEnoughReplicas
                | Code::BrokerNotAvailable
                | Code::ReplicaNotAvailable
        )
    )
}

/// Restores each partition an engine takes from the cluster's state topic.
pub struct StateTopic {
    kafka: KafkaConfig,
    topic: String,
    /// One consumer for every replay, made at the first: a new client costs its connections
    /// and metadata (over 100 ms a partition, when a worker takes dozens at once). One that
    /// failed is made again for the next replay.
    consumer: Mutex<Option<BaseConsumer>>,
}

impl StateTopic {
    /// The state topic `topic` on the brokers of `kafka`.
    pub fn new(kafka: &KafkaConfig, topic: &str) -> Self {
        StateTopic {
            kafka: kafka.clone(),
            topic: topic.to_string(),
            consumer: Mutex::new(None),
        }
    }
}

impl tinstream_engine::Restorer for StateTopic {
    fn restore(
        &self,
        partition: u32,
        store: &StateStore,
    ) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
        // Replays take turns with the one consumer.
        let mut cached = self.consumer.lock().unwrap_or_else(|e| e.into_inner());
        let consumer = match cached.take() {
            Some(consumer) => consumer,
            None => restore_consumer(&self.kafka)?,
        };
        let restored = replay(&consumer, &self.topic, partition, store)?;
        *cached = Some(consumer);
        Ok(restored.entries)
    }
}
