//! Exactly-once output: what a worker writes in one commit interval — records, dead letters,
//! state entries, pages found for the frontier — goes out in one Kafka transaction, together
//! with the frontier offsets it consumed. A `read_committed` reader sees all of it or none.
//!
//! Callers hand a [`Batch`] and wait: the transactor gathers the batches that arrive within
//! one interval, writes them in one transaction, and answers each once the transaction is
//! committed (or aborted). Only then may a caller record the outcome locally: a worker that
//! dies before the commit has written nothing anyone reads, and the next owner does the work
//! again. The transactional id is the worker's own, so a restarted worker fences the
//! transactions of its previous life.

use crate::ClusterError;
use rdkafka::consumer::ConsumerGroupMetadata;
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;
use rdkafka::{Offset, TopicPartitionList};
use std::sync::Arc;
use std::time::Duration;
use tinstream_sink::{connection_config, KafkaConfig};
use tokio::sync::{mpsc, oneshot};
use tracing::{error, warn};

/// How long a transaction's commit or abort may take before it counts as failed.
const TRANSACTION_TIMEOUT: Duration = Duration::from_secs(30);
/// Batches gathered into one transaction, at most.
const MAX_BATCHES: usize = 512;

/// One message of a batch.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub topic: String,
    /// The partition; none lets the producer choose by key.
    pub partition: Option<i32>,
    pub key: String,
    /// None is a tombstone.
    pub payload: Option<Vec<u8>>,
    pub headers: Vec<(&'static str, String)>,
}

/// What one caller writes atomically.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    pub messages: Vec<Outgoing>,
    /// Frontier offsets consumed: (topic, partition, next offset to read).
    pub consumed: Vec<(String, i32, i64)>,
}

/// Why a batch was not committed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransactionError {
    /// The transaction was aborted: nothing of it is visible; the work may be done again.
    #[error("the transaction was aborted: {0}")]
    Aborted(String),
    /// The producer can no longer write (another instance with this worker's transactional id
    /// took over, or a fatal error): the worker must stop.
    #[error("transactions can no longer be written: {0}")]
    Fatal(String),
}

/// Where the consumer group's metadata comes from, for committing consumed offsets.
pub type GroupMetadata = Arc<dyn Fn() -> Option<ConsumerGroupMetadata> + Send + Sync>;

type Waiting = (Batch, oneshot::Sender<Result<(), TransactionError>>);

/// The worker's transactional producer and its commit loop.
pub struct Transactor {
    queue: mpsc::Sender<Waiting>,
}

impl Transactor {
    /// Creates the producer with `transactional_id` (fencing an earlier instance with the same
    /// id, whose open transaction is aborted) and starts the loop that commits every
    /// `interval`. `group` gives the consumer group's metadata when batches carry consumed
    /// offsets.
    pub async fn start(
        kafka: &KafkaConfig,
        transactional_id: &str,
        interval: Duration,
        group: Option<GroupMetadata>,
    ) -> Result<Transactor, ClusterError> {
        let producer: FutureProducer = connection_config(kafka)
            .set("transactional.id", transactional_id)
            .set("enable.idempotence", "true")
            .set("acks", "all")
            // A worker that dies in a transaction holds back what readers see (and a new
            // owner's restore) until the brokers abort it: keep that short. A commit interval
            // is far shorter.
            .set("transaction.timeout.ms", "10000")
            .create()
            .map_err(|source| ClusterError::Client {
                what: "transactional producer",
                source,
            })?;
        let init = producer.clone();
        tokio::task::spawn_blocking(move || init.init_transactions(TRANSACTION_TIMEOUT))
            .await
            .map_err(|e| ClusterError::Topic(format!("initialising transactions panicked: {e}")))?
            .map_err(|source| ClusterError::Kafka {
                what: format!("cannot initialise the transactions of {transactional_id:?}"),
                source,
            })?;
        let (queue, waiting) = mpsc::channel(MAX_BATCHES);
        tokio::spawn(commit_loop(producer, waiting, interval, group));
        Ok(Transactor { queue })
    }

    /// Writes `batch` in the next transaction; resolves once it is committed or aborted.
    pub async fn commit(&self, batch: Batch) -> Result<(), TransactionError> {
        let (done, answer) = oneshot::channel();
        self.queue
            .send((batch, done))
            .await
            .map_err(|_| TransactionError::Fatal("the transactor has stopped".into()))?;
        answer
            .await
            .map_err(|_| TransactionError::Fatal("the transactor has stopped".into()))?
    }
}

/// Gathers the batches of one interval, writes them in one transaction, answers each.
async fn commit_loop(
    producer: FutureProducer,
    mut waiting: mpsc::Receiver<Waiting>,
    interval: Duration,
    group: Option<GroupMetadata>,
) {
    let mut fatal: Option<String> = None;
    let mut gathered: Vec<Waiting> = Vec::new();
    while waiting.recv_many(&mut gathered, MAX_BATCHES).await > 0 {
        // What else arrives within the interval joins this transaction.
        let deadline = tokio::time::Instant::now() + interval;
        while gathered.len() < MAX_BATCHES {
            match tokio::time::timeout_at(deadline, waiting.recv()).await {
                Ok(Some(more)) => gathered.push(more),
                _ => break,
            }
        }
        let outcome = match &fatal {
            Some(reason) => Err(TransactionError::Fatal(reason.clone())),
            None => transaction(&producer, &gathered, group.as_ref()).await,
        };
        if let Err(TransactionError::Fatal(reason)) = &outcome {
            if fatal.is_none() {
                error!(%reason, "the transactional producer can no longer write");
                fatal = Some(reason.clone());
            }
        }
        for (_, done) in gathered.drain(..) {
            let _ = done.send(outcome.clone());
        }
    }
}

/// One transaction: begin, produce every message, add the consumed offsets, commit; an error
/// on the way aborts it.
async fn transaction(
    producer: &FutureProducer,
    batches: &[Waiting],
    group: Option<&GroupMetadata>,
) -> Result<(), TransactionError> {
    producer.begin_transaction().map_err(classify)?;
    match produce_all(producer, batches, group).await {
        Ok(()) => {
            let committing = producer.clone();
            let committed = tokio::task::spawn_blocking(move || {
                committing.commit_transaction(TRANSACTION_TIMEOUT)
            })
            .await
            .map_err(|e| TransactionError::Fatal(format!("committing panicked: {e}")))?;
            match committed.map_err(classify) {
                Ok(()) => Ok(()),
                Err(TransactionError::Aborted(reason)) => {
                    abort(producer).await?;
                    Err(TransactionError::Aborted(reason))
                }
                Err(fatal) => Err(fatal),
            }
        }
        Err(TransactionError::Aborted(reason)) => {
            abort(producer).await?;
            Err(TransactionError::Aborted(reason))
        }
        Err(fatal) => Err(fatal),
    }
}

async fn produce_all(
    producer: &FutureProducer,
    batches: &[Waiting],
    group: Option<&GroupMetadata>,
) -> Result<(), TransactionError> {
    let mut deliveries = Vec::new();
    for (batch, _) in batches {
        for message in &batch.messages {
            let mut headers = OwnedHeaders::new();
            for (key, value) in &message.headers {
                headers = headers.insert(Header {
                    key,
                    value: Some(value.as_str()),
                });
            }
            let mut record = FutureRecord::<str, [u8]>::to(&message.topic)
                .key(message.key.as_str())
                .headers(headers);
            if let Some(partition) = message.partition {
                record = record.partition(partition);
            }
            if let Some(payload) = &message.payload {
                record = record.payload(payload.as_slice());
            }
            // Waits for room in the producer's queue rather than failing.
            deliveries.push(producer.send(record, Timeout::Never));
        }
    }
    for delivery in futures::future::join_all(deliveries).await {
        if let Err((error, _)) = delivery {
            return Err(classify(error));
        }
    }
    let mut offsets = TopicPartitionList::new();
    for (batch, _) in batches {
        for (topic, partition, next) in &batch.consumed {
            // The latest offset of a partition wins when several batches carry one.
            offsets
                .add_partition_offset(topic, *partition, Offset::Offset(*next))
                .map_err(|e| TransactionError::Aborted(e.to_string()))?;
        }
    }
    if offsets.count() > 0 {
        let Some(metadata) = group.and_then(|g| g()) else {
            return Err(TransactionError::Aborted(
                "consumed offsets without the group's metadata".into(),
            ));
        };
        let sending = producer.clone();
        tokio::task::spawn_blocking(move || {
            sending.send_offsets_to_transaction(&offsets, &metadata, TRANSACTION_TIMEOUT)
        })
        .await
        .map_err(|e| TransactionError::Fatal(format!("sending offsets panicked: {e}")))?
        .map_err(classify)?;
    }
    Ok(())
}

async fn abort(producer: &FutureProducer) -> Result<(), TransactionError> {
    let aborting = producer.clone();
    tokio::task::spawn_blocking(move || aborting.abort_transaction(TRANSACTION_TIMEOUT))
        .await
        .map_err(|e| TransactionError::Fatal(format!("aborting panicked: {e}")))?
        .map_err(|error| {
            warn!(%error, "cannot abort the transaction");
            TransactionError::Fatal(error.to_string())
        })
}

/// Whether an error ends this transaction only, or the producer.
fn classify(error: KafkaError) -> TransactionError {
    match &error {
        KafkaError::Transaction(e) if e.is_fatal() => TransactionError::Fatal(error.to_string()),
        KafkaError::Transaction(e) if e.txn_requires_abort() || e.is_retriable() => {
            TransactionError::Aborted(error.to_string())
        }
        KafkaError::Transaction(_) => TransactionError::Fatal(error.to_string()),
        // A message that could not be delivered: this transaction cannot commit.
        _ => TransactionError::Aborted(error.to_string()),
    }
}
