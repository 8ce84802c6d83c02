//! Exactly-once output: what a worker writes in one commit interval — records, dead letters,
//! state entries, pages found for the frontier — goes out in one Kafka transaction, together
//! with the frontier offsets it consumed. A `read_committed` reader sees all of it or none.
//!
//! Callers hand a [`Batch`] and wait: the transactor begins a transaction when a batch comes,
//! sends the messages of every batch that arrives within one interval as it arrives, commits
//! at the interval's end, and answers each batch once the transaction is committed (or
//! aborted). Only then may a caller record the outcome locally: a worker that
//! dies before the commit has written nothing anyone reads, and the next owner does the work
//! again. The transactional id is the worker's own, so a restarted worker fences the
//! transactions of its previous life.

use crate::ClusterError;
use rdkafka::consumer::ConsumerGroupMetadata;
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tinstream_engine::{Event, Observer};
use tinstream_sink::{connection_config, KafkaConfig};
use tokio::sync::{mpsc, oneshot};
use tracing::{error, info, warn};

/// How long a transaction's commit or abort may take before it counts as failed.
const TRANSACTION_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a transaction's end waits for its messages' delivery reports: longer than the
/// producer's message timeout, which `transaction.timeout.ms` (10 s) caps.
const DELIVERY_WAIT: Duration = Duration::from_secs(15);
/// How long the consumed offsets may take to reach the group's coordinator. librdkafka does
/// not hold that call to its own timeout when the coordinator is down or gone (it waits for
/// the broker to come back: librdkafka issues 5456 and 5511, open in 2.12), so the wait is
/// also bounded here, a little later.
const OFFSETS_TIMEOUT: Duration = Duration::from_secs(10);
const OFFSETS_WAIT: Duration = Duration::from_secs(15);
/// Batches gathered into one transaction, at most.
const MAX_BATCHES: usize = 512;
/// How long to wait for room when the producer's queue is full.
const QUEUE_FULL_WAIT: Duration = Duration::from_millis(10);

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

/// A batch waiting for its transaction, with whom to answer and the number of partition
/// losses seen when it came.
struct Waiting {
    batch: Batch,
    done: oneshot::Sender<Result<(), TransactionError>>,
    losses: u64,
}

/// The worker's transactional producer and its commit loop.
pub struct Transactor {
    queue: mpsc::Sender<Waiting>,
    /// Partitions this worker lost (the group gave them away without waiting), counted.
    losses: Arc<AtomicU64>,
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
        observer: Arc<dyn Observer>,
    ) -> Result<Transactor, ClusterError> {
        let identity = Identity {
            kafka: kafka.clone(),
            transactional_id: transactional_id.to_string(),
        };
        let producer = identity.producer().await?;
        let (queue, waiting) = mpsc::channel(MAX_BATCHES);
        let losses = Arc::new(AtomicU64::new(0));
        tokio::spawn(commit_loop(
            identity,
            producer,
            Receiving {
                waiting,
                losses: losses.clone(),
            },
            interval,
            group,
            observer,
        ));
        Ok(Transactor { queue, losses })
    }

    /// The worker lost partitions: the group gave them to others without waiting, and their
    /// new owners do their work again. No batch handed over before this call is committed
    /// any more (a transaction holding one is aborted, and one still waiting is answered as
    /// aborted): committed, with the group's metadata of the worker's next generation, whose
    /// offsets the coordinator accepts, its records would be published twice. Call it before
    /// the worker rejoins the group, once nothing more of the lost partitions is handed over.
    pub fn lost(&self) {
        self.losses.fetch_add(1, Ordering::SeqCst);
    }

    /// Writes `batch` in the next transaction; resolves once it is committed or aborted.
    pub async fn commit(&self, batch: Batch) -> Result<(), TransactionError> {
        let (done, answer) = oneshot::channel();
        let losses = self.losses.load(Ordering::SeqCst);
        self.queue
            .send(Waiting {
                batch,
                done,
                losses,
            })
            .await
            .map_err(|_| TransactionError::Fatal("the transactor has stopped".into()))?;
        answer
            .await
            .map_err(|_| TransactionError::Fatal("the transactor has stopped".into()))?
    }
}

/// What the worker's transactional producer is made from, to make it again.
struct Identity {
    kafka: KafkaConfig,
    transactional_id: String,
}

impl Identity {
    /// A transactional producer with the worker's id, its transactions initialised: an
    /// earlier producer with the same id is fenced, and its open transaction aborted.
    async fn producer(&self) -> Result<FutureProducer, ClusterError> {
        let producer: FutureProducer = connection_config(&self.kafka)
            .set("transactional.id", &self.transactional_id)
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
                what: format!(
                    "cannot initialise the transactions of {:?}",
                    self.transactional_id
                ),
                source,
            })?;
        Ok(producer)
    }
}

/// Fatal producer errors within [`REMAKE_WINDOW`] after which the transactor stops making its
/// producer again: more means another process writes with this worker's id (two workers with
/// one `worker_id`), and each would go on fencing the other.
const MAX_REMAKES: usize = 5;
const REMAKE_WINDOW: Duration = Duration::from_secs(300);

/// Runs one transaction per interval: begun when a batch comes, each batch of the interval
/// sent as it comes, committed at the interval's end; then answers every batch of it.
///
/// A fatal error ends the producer, not the worker: a broker that coordinated the
/// transactions and died can leave the producer fenced by the epoch its successor bumped. The
/// batches of that transaction are answered as aborted (their work is done again), and the
/// producer is made again for the next one, unless that keeps happening.
async fn commit_loop(
    identity: Identity,
    producer: FutureProducer,
    mut waiting: Receiving,
    interval: Duration,
    group: Option<GroupMetadata>,
    observer: Arc<dyn Observer>,
) {
    let mut producer = Some(producer);
    let mut fatal: Option<String> = None;
    let mut remakes: std::collections::VecDeque<std::time::Instant> = Default::default();
    while let Some(first) = waiting.waiting.recv().await {
        let mut answers = Vec::new();
        if producer.is_none() && fatal.is_none() {
            match identity.producer().await {
                Ok(made) => {
                    info!(transactional_id = %identity.transactional_id, "the transactional producer is made again");
                    producer = Some(made);
                }
                Err(error) => {
                    warn!(%error, "cannot make the transactional producer again; trying with the next batch")
                }
            }
        }
        let outcome = match (&producer, &fatal) {
            (_, Some(reason)) => {
                answers.push(first.done);
                Err(TransactionError::Fatal(reason.clone()))
            }
            (None, None) => {
                answers.push(first.done);
                Err(TransactionError::Aborted(
                    "no transactional producer (being made again)".into(),
                ))
            }
            (Some(_), None) if waiting.lost_since(first.losses) => {
                answers.push(first.done);
                Err(TransactionError::Aborted(LOST.into()))
            }
            (Some(current), None) => {
                let step = std::sync::Mutex::new("beginning");
                let open = Open {
                    producer: current,
                    waiting: &mut waiting,
                    answers: &mut answers,
                    group: group.as_ref(),
                    step: &step,
                };
                // Every step has a timeout of its own; this bounds them all, whatever state
                // the producer is left in. A transaction that overran it is given up with its
                // producer, which is made again.
                let limit = interval + 4 * TRANSACTION_TIMEOUT;
                match tokio::time::timeout(limit, open.run(first, interval)).await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        let step = *step.lock().unwrap_or_else(|e| e.into_inner());
                        error!(
                            limit_secs = limit.as_secs(),
                            step, "a transaction did not end in time; its producer is made again"
                        );
                        Err(TransactionError::Fatal(format!(
                            "the transaction did not end within {} s",
                            limit.as_secs()
                        )))
                    }
                }
            }
        };
        let outcome = match outcome {
            Err(TransactionError::Fatal(reason)) if fatal.is_none() => {
                let now = std::time::Instant::now();
                remakes.retain(|at| now.duration_since(*at) < REMAKE_WINDOW);
                remakes.push_back(now);
                // Destroying a client waits for its threads: not on an async task.
                if let Some(old) = producer.take() {
                    tokio::task::spawn_blocking(move || drop(old));
                }
                if remakes.len() > MAX_REMAKES {
                    error!(%reason, transactional_id = %identity.transactional_id, "the transactional producer failed for good {} times in {} s: is another worker running with this worker_id? No more transactions are written", remakes.len(), REMAKE_WINDOW.as_secs());
                    fatal = Some(reason.clone());
                    Err(TransactionError::Fatal(reason))
                } else {
                    warn!(%reason, "the transactional producer failed for good; its transaction's work is done again, with a new producer");
                    // Waits a little, so that a cluster that is electing leaders has time.
                    tokio::time::sleep(REMAKE_PAUSE).await;
                    Err(TransactionError::Aborted(reason))
                }
            }
            other => other,
        };
        if let Err(TransactionError::Aborted(reason)) = &outcome {
            warn!(%reason, batches = answers.len(), "transaction aborted; its work is done again");
        }
        observer.observe(Event::Transaction {
            outcome: match &outcome {
                Ok(()) => "committed",
                Err(TransactionError::Aborted(_)) => "aborted",
                Err(TransactionError::Fatal(_)) => "failed",
            },
        });
        for done in answers {
            let _ = done.send(outcome.clone());
        }
    }
}

/// How long to wait before making the producer again.
const REMAKE_PAUSE: Duration = Duration::from_secs(1);

/// Why a batch from before a loss of partitions is not committed.
const LOST: &str = "the worker lost partitions since this work was handed over";

/// Where batches come from, and the count of partition losses they are held against.
struct Receiving {
    waiting: mpsc::Receiver<Waiting>,
    losses: Arc<AtomicU64>,
}

impl Receiving {
    /// Whether partitions were lost since the count was `seen`.
    fn lost_since(&self, seen: u64) -> bool {
        self.losses.load(Ordering::SeqCst) > seen
    }
}

/// One transaction in the making.
struct Open<'a> {
    producer: &'a FutureProducer,
    waiting: &'a mut Receiving,
    /// Whom to answer: every batch taken into this transaction.
    answers: &'a mut Vec<oneshot::Sender<Result<(), TransactionError>>>,
    group: Option<&'a GroupMetadata>,
    /// The step the transaction is at, for the log when it overruns.
    step: &'a std::sync::Mutex<&'static str>,
}

impl Open<'_> {
    fn at(&self, step: &'static str) {
        *self.step.lock().unwrap_or_else(|e| e.into_inner()) = step;
    }

    /// Begins the transaction and sends `first`'s messages; sends those of every batch that
    /// comes within `interval` as it comes (so that they are on the brokers, uncommitted, by
    /// the end); then adds the consumed offsets and commits. An error on the way aborts it.
    async fn run(self, first: Waiting, interval: Duration) -> Result<(), TransactionError> {
        let Waiting {
            batch,
            done,
            losses,
        } = first;
        self.answers.push(done);
        // The fewest losses any batch of this transaction saw: a loss after it aborts it.
        let mut oldest = losses;
        self.producer.begin_transaction().map_err(classify)?;
        self.at("sending");
        let deadline = tokio::time::Instant::now() + interval;
        let mut deliveries = Vec::new();
        let mut consumed: BTreeMap<(String, i32), i64> = BTreeMap::new();
        let mut failed = None;
        let mut next = Some(batch);
        while let Some(batch) = next.take() {
            if failed.is_none() {
                if let Err(error) = send(self.producer, &batch, &mut deliveries).await {
                    failed = Some(error);
                }
            }
            for (topic, partition, offset) in batch.consumed {
                // The latest offset of a partition wins when several batches carry one.
                let at = consumed.entry((topic, partition)).or_insert(offset);
                *at = (*at).max(offset);
            }
            if self.answers.len() >= MAX_BATCHES {
                break;
            }
            if let Ok(Some(waiting)) =
                tokio::time::timeout_at(deadline, self.waiting.waiting.recv()).await
            {
                self.answers.push(waiting.done);
                oldest = oldest.min(waiting.losses);
                next = Some(waiting.batch);
            }
        }
        self.at("waiting for delivery reports");
        let sent = match failed {
            Some(error) => Err(error),
            None => self.finish(deliveries, consumed, oldest).await,
        };
        let outcome = match sent {
            Ok(()) => {
                self.at("committing");
                let committing = self.producer.clone();
                tokio::task::spawn_blocking(move || {
                    committing.commit_transaction(TRANSACTION_TIMEOUT)
                })
                .await
                .map_err(|e| TransactionError::Fatal(format!("committing panicked: {e}")))?
                .map_err(classify)
            }
            Err(error) => Err(error),
        };
        match outcome {
            Err(TransactionError::Aborted(reason)) => {
                self.at("aborting");
                abort(self.producer).await?;
                Err(TransactionError::Aborted(reason))
            }
            other => other,
        }
    }

    /// Waits for every message to be delivered, then adds the consumed offsets.
    async fn finish(
        &self,
        deliveries: Vec<DeliveryFuture>,
        consumed: BTreeMap<(String, i32), i64>,
        oldest: u64,
    ) -> Result<(), TransactionError> {
        // A producer whose transaction failed (messages timed out: the epoch must be bumped)
        // holds its other messages until the transaction is aborted, neither delivering nor
        // failing them: do not wait for ever. A healthy producer delivers or fails each message
        // within its message timeout, which the transaction timeout caps.
        let Ok(delivered) =
            tokio::time::timeout(DELIVERY_WAIT, futures::future::join_all(deliveries)).await
        else {
            return Err(TransactionError::Aborted(format!(
                "the transaction's messages were not all delivered within {} s",
                DELIVERY_WAIT.as_secs()
            )));
        };
        for delivery in delivered {
            match delivery {
                Ok(Ok(_)) => {}
                Ok(Err((error, _))) => return Err(classify(error)),
                Err(_) => {
                    return Err(TransactionError::Aborted(
                        "a message's delivery report was lost".into(),
                    ))
                }
            }
        }
        if consumed.is_empty() {
            if self.waiting.lost_since(oldest) {
                return Err(TransactionError::Aborted(LOST.into()));
            }
            return Ok(());
        }
        let mut offsets = TopicPartitionList::new();
        for ((topic, partition), next) in consumed {
            offsets
                .add_partition_offset(&topic, partition, Offset::Offset(next))
                .map_err(|e| TransactionError::Aborted(e.to_string()))?;
        }
        let Some(metadata) = self.group.and_then(|g| g()) else {
            return Err(TransactionError::Aborted(
                "consumed offsets without the group's metadata".into(),
            ));
        };
        // In this order: the metadata first, then the losses. A loss is counted before the
        // worker rejoins, so either the count shows it, or the metadata is of the generation
        // before it, which the coordinator refuses once the group moved on.
        if self.waiting.lost_since(oldest) {
            return Err(TransactionError::Aborted(LOST.into()));
        }
        self.at("sending the consumed offsets");
        let sending = self.producer.clone();
        // On a thread of its own, not the blocking pool: a call that may never return must
        // not hold up the runtime's shutdown, which waits for the pool.
        let (sent, answer) = oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name("tx-offsets".into())
            .spawn(move || {
                let _ = sent.send(sending.send_offsets_to_transaction(
                    &offsets,
                    &metadata,
                    OFFSETS_TIMEOUT,
                ));
            });
        if let Err(error) = spawned {
            return Err(TransactionError::Aborted(format!(
                "cannot start a thread to send the consumed offsets: {error}"
            )));
        }
        match tokio::time::timeout(OFFSETS_WAIT, answer).await {
            Ok(Ok(result)) => result.map_err(classify),
            Ok(Err(_)) => Err(TransactionError::Fatal(
                "sending the consumed offsets panicked".into(),
            )),
            // The producer is stuck in the call, which cannot be taken back: it is given up
            // (its transaction aborts when the next producer with this id is made, or times
            // out on the brokers) and the transaction's work is done again.
            Err(_) => Err(TransactionError::Fatal(format!(
                "the group's coordinator did not take the consumed offsets within {} s",
                OFFSETS_WAIT.as_secs()
            ))),
        }
    }
}

/// Hands a batch's messages to the producer, to be sent in the open transaction.
async fn send(
    producer: &FutureProducer,
    batch: &Batch,
    deliveries: &mut Vec<DeliveryFuture>,
) -> Result<(), TransactionError> {
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
        loop {
            match producer.send_result(record) {
                Ok(delivery) => {
                    deliveries.push(delivery);
                    break;
                }
                // The producer's queue is full: wait for deliveries to make room.
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    record = back;
                    tokio::time::sleep(QUEUE_FULL_WAIT).await;
                }
                Err((error, _)) => return Err(classify(error)),
            }
        }
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
