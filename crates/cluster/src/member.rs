//! Membership of the consumer group: the group hands this worker partitions of the frontier
//! topic, and the worker's engine owns the same partitions of the crawl.
//!
//! The group's consumer runs on a thread of its own: librdkafka calls the rebalance callbacks
//! on the thread that polls, and a revocation has to wait there until the engine has settled
//! the partition's pages in flight and written its state — only then may the group give the
//! partition to another worker. Blocking a runtime worker for that long would stall the engine
//! it waits for; a plain thread can wait on the runtime instead.

use crate::ClusterError;
use crate::{FrontierMessage, FrontierOffsets};
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::{ClientContext, Message, Offset, TopicPartitionList};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tinstream_engine::{ClusterConfig, EngineError, Event, Observer, Ownership};
use tinstream_sink::{connection_config, KafkaConfig};
use tokio::runtime::Handle;
use tracing::{error, info, warn};

/// How long one poll of the group's consumer waits; a leave is noticed within it.
const POLL: Duration = Duration::from_millis(200);

/// How long the group waits for a silent worker before moving its partitions.
const SESSION_TIMEOUT_MS: &str = "10000";
const HEARTBEAT_MS: &str = "1000";

/// How long reading the group's committed offsets may take.
const COMMITTED_TIMEOUT: Duration = Duration::from_secs(10);

/// Frontier messages admitted per call, at most.
const ADMIT_BATCH: usize = 500;

/// How often the lag of each partition owned is reported, in milliseconds.
const LAG_EVERY_MS: &str = "5000";

type GroupConsumer = BaseConsumer<Rebalancer>;

/// This worker in the group.
pub struct Member {
    leaving: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    consumer: std::sync::Weak<GroupConsumer>,
}

impl Member {
    /// Joins the group `cluster.group` on the frontier topic, with cooperative-sticky
    /// assignment, and from then on hands `ownership` the partitions the group gives this
    /// worker and takes back those it moves elsewhere; every few seconds it reports the lag
    /// of each partition owned to `observer` ([`Event::FrontierLag`]). `offsets` get the
    /// offset the group committed for each partition it gives (see [`FrontierOffsets`]).
    /// Call it from within the runtime the engine runs on.
    pub fn join(
        cluster: &ClusterConfig,
        kafka: &KafkaConfig,
        ownership: Ownership,
        observer: Arc<dyn Observer>,
        offsets: FrontierOffsets,
    ) -> Result<Member, ClusterError> {
        let context = Rebalancer {
            offsets,
            ownership: ownership.clone(),
            runtime: Handle::current(),
            topic: cluster.frontier_topic.clone(),
            observer,
            pending: Default::default(),
        };
        let consumer: BaseConsumer<Rebalancer> = connection_config(kafka)
            .set("group.id", &cluster.group)
            .set(
                "client.id",
                format!("{}-{}", cluster.group, cluster.worker_id),
            )
            .set("partition.assignment.strategy", "cooperative-sticky")
            .set("enable.auto.commit", "false")
            .set("isolation.level", "read_committed")
            .set("auto.offset.reset", "earliest")
            // A worker that dies is noticed within this, and its partitions move.
            .set("session.timeout.ms", SESSION_TIMEOUT_MS)
            .set("heartbeat.interval.ms", HEARTBEAT_MS)
            // The statistics carry each partition's offsets, whence its lag.
            .set("statistics.interval.ms", LAG_EVERY_MS)
            .create_with_context(context)
            .map_err(|source| ClusterError::Client {
                what: "group consumer",
                source,
            })?;
        consumer
            .subscribe(&[&cluster.frontier_topic])
            .map_err(|source| ClusterError::Kafka {
                what: format!("cannot subscribe to topic {:?}", cluster.frontier_topic),
                source,
            })?;
        info!(group = %cluster.group, worker = %cluster.worker_id, "joining the group");
        let leaving = Arc::new(AtomicBool::new(false));
        let flag = leaving.clone();
        let consumer = Arc::new(consumer);
        let weak = Arc::downgrade(&consumer);
        let topic = cluster.frontier_topic.clone();
        let runtime = Handle::current();
        let thread = std::thread::Builder::new()
            .name("tinstream-group".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    take_pending(&consumer, &ownership, &runtime);
                    admit_polled(&consumer, &topic, &ownership, &runtime);
                }
                // Dropping the consumer leaves the group: its partitions are revoked (the
                // callback runs here) before the group hands them to others.
                drop(consumer);
            })
            .map_err(|e| ClusterError::Topic(format!("cannot start the group thread: {e}")))?;
        Ok(Member {
            leaving,
            thread: Some(thread),
            consumer: weak,
        })
    }

    /// The group's metadata, for the offsets a transaction commits; none once the worker has
    /// left.
    pub fn group_metadata(&self) -> crate::GroupMetadata {
        let consumer = self.consumer.clone();
        Arc::new(move || consumer.upgrade()?.group_metadata())
    }

    /// Leaves the group: the partitions owned are given back (their pages in flight settled
    /// and their states written, as a revocation does), then the group moves them to the
    /// workers that remain.
    pub async fn leave(mut self) {
        self.leaving.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            if tokio::task::spawn_blocking(move || thread.join())
                .await
                .is_err()
            {
                error!("the group thread panicked while leaving");
            }
        }
    }
}

/// Turns the group's rebalances into the engine's ownership, and the consumer's statistics
/// into lag reports.
struct Rebalancer {
    ownership: Ownership,
    offsets: FrontierOffsets,
    runtime: Handle,
    topic: String,
    observer: Arc<dyn Observer>,
    /// Partitions the group gave this worker and the engine could not take yet (their state
    /// could not be restored: the brokers were out of reach). Their frontier is paused, and
    /// taking them is tried again until it works or the group moves them: left alone, they
    /// would be owned by this worker in the group and crawled by nobody.
    pending: std::sync::Mutex<std::collections::BTreeMap<u32, Retry>>,
}

/// When a partition not taken yet is tried again.
struct Retry {
    at: Instant,
    wait: Duration,
    tries: u32,
}

/// The first and the longest wait before taking a partition again.
const RETRY_FIRST: Duration = Duration::from_secs(1);
const RETRY_MAX: Duration = Duration::from_secs(30);

impl Rebalancer {
    fn pending(&self) -> std::sync::MutexGuard<'_, std::collections::BTreeMap<u32, Retry>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stops reading `partition`'s frontier until the engine has taken it.
    fn put_off(&self, consumer: &GroupConsumer, partition: u32, error: &EngineError) {
        let mut pending = self.pending();
        let retry = pending.entry(partition).or_insert(Retry {
            at: Instant::now(),
            wait: RETRY_FIRST / 2,
            tries: 0,
        });
        retry.tries += 1;
        retry.wait = (retry.wait * 2).min(RETRY_MAX);
        retry.at = Instant::now() + retry.wait;
        error!(
            partition,
            error = %Chain(error),
            tries = retry.tries,
            retry_secs = retry.wait.as_secs(),
            "cannot take the partition; trying again"
        );
        drop(pending);
        if let Err(error) = consumer.pause(&self.list(partition)) {
            warn!(partition, %error, "cannot pause the partition's frontier");
        }
    }

    fn list(&self, partition: u32) -> TopicPartitionList {
        let mut list = TopicPartitionList::new();
        list.add_partition(&self.topic, i32::try_from(partition).unwrap_or(i32::MAX));
        list
    }

    /// Keeps the offsets the group committed for the partitions in `list`, which this worker's
    /// transactions commit again (see [`FrontierOffsets`]). A partition with none yet (nothing
    /// was ever admitted) gets one with its first admission.
    fn note_committed(&self, consumer: &GroupConsumer, list: &TopicPartitionList) {
        match consumer.committed_offsets(list.clone(), COMMITTED_TIMEOUT) {
            Ok(committed) => {
                for element in committed.elements_for_topic(&self.topic) {
                    if let (Ok(partition), Offset::Offset(next)) =
                        (u32::try_from(element.partition()), element.offset())
                    {
                        self.offsets.assigned(partition, next);
                    }
                }
            }
            Err(error) => warn!(
                %error,
                "cannot read the offsets the group committed; the partitions' transactions are fenced from their first admission on"
            ),
        }
    }

    /// The partitions of the frontier topic in a list.
    fn partitions(&self, list: &TopicPartitionList) -> Vec<u32> {
        list.elements_for_topic(&self.topic)
            .iter()
            .filter_map(|e| u32::try_from(e.partition()).ok())
            .collect()
    }
}

impl ClientContext for Rebalancer {
    /// For each partition owned, how far what the engine was handed is behind the end of what
    /// is committed (the last stable offset, for a `read_committed` consumer). A partition
    /// not fetched yet is left out until it is.
    fn stats(&self, statistics: rdkafka::Statistics) {
        let Some(topic) = statistics.topics.get(&self.topic) else {
            return;
        };
        for partition in topic.partitions.values() {
            let Ok(id) = u32::try_from(partition.partition) else {
                // librdkafka's internal "unassigned" partition, -1.
                continue;
            };
            if !partition.desired {
                continue;
            }
            if let Some(messages) = lag(partition.app_offset, partition.ls_offset) {
                self.observer.observe(Event::FrontierLag {
                    partition: id,
                    messages,
                });
            }
        }
    }
}

impl ConsumerContext for Rebalancer {
    /// Before the group takes partitions away: each is revoked in the engine, which returns
    /// once its pages in flight are settled and its state is written. The group waits for it.
    ///
    /// A lost assignment (this worker's session ran out: the group gave its partitions to
    /// others without waiting) is let go of at once, writing nothing more.
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(list) = rebalance else {
            return;
        };
        let lost = consumer.assignment_lost();
        for partition in self.partitions(list) {
            self.pending().remove(&partition);
            let given_up = if lost {
                self.runtime.block_on(self.ownership.lose(partition))
            } else {
                self.runtime.block_on(self.ownership.revoke(partition))
            };
            if let Err(error) = given_up {
                error!(partition, error = %Chain(&error), "cannot give the partition up cleanly");
            }
            // After the engine's last writes for it, which commit its offset too.
            self.offsets.revoked(partition);
        }
    }

    /// After the group gave partitions: each is assigned in the engine, which opens (and
    /// restores) its state before its frontier messages are read.
    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Assign(list) = rebalance else {
            if let Rebalance::Error(error) = rebalance {
                warn!(%error, "the group's rebalance failed");
            }
            return;
        };
        self.note_committed(consumer, list);
        for partition in self.partitions(list) {
            if let Err(error) = self.runtime.block_on(self.ownership.assign(partition)) {
                self.put_off(consumer, partition, &error);
            }
        }
    }
}

/// Tries again to take the partitions put off whose time has come; a partition taken is read
/// again from where it was paused.
fn take_pending(consumer: &GroupConsumer, ownership: &Ownership, runtime: &Handle) {
    let rebalancer = consumer.context();
    let now = Instant::now();
    let due: Vec<u32> = rebalancer
        .pending()
        .iter()
        .filter(|(_, retry)| retry.at <= now)
        .map(|(partition, _)| *partition)
        .collect();
    for partition in due {
        match runtime.block_on(ownership.assign(partition)) {
            Ok(_) => {
                let tries = rebalancer
                    .pending()
                    .remove(&partition)
                    .map_or(0, |r| r.tries);
                info!(partition, tries, "partition taken after all");
                if let Err(error) = consumer.resume(&rebalancer.list(partition)) {
                    warn!(partition, %error, "cannot resume the partition's frontier");
                }
            }
            Err(error) => rebalancer.put_off(consumer, partition, &error),
        }
    }
}

/// An error with its causes, one after the other.
struct Chain<'a>(&'a (dyn std::error::Error + 'static));

impl std::fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

/// Reads what the frontier topic has for the partitions owned (waiting up to one poll for the
/// first message, then taking what is already there) and admits it into the engine, a call
/// per partition. A partition whose admission failed is read again from its first message.
fn admit_polled(consumer: &GroupConsumer, topic: &str, ownership: &Ownership, runtime: &Handle) {
    let mut polled: std::collections::BTreeMap<i32, Polled> = std::collections::BTreeMap::new();
    let mut wait = POLL;
    for _ in 0..ADMIT_BATCH {
        let message = match consumer.poll(wait) {
            None => break,
            Some(Err(error)) => {
                warn!(%error, "the group's consumer reports a problem");
                break;
            }
            Some(Ok(message)) => message,
        };
        wait = Duration::ZERO;
        let at = polled.entry(message.partition()).or_insert_with(|| Polled {
            first: message.offset(),
            next: message.offset(),
            pages: Vec::new(),
        });
        at.next = message.offset() + 1;
        match serde_json::from_slice::<FrontierMessage>(message.payload().unwrap_or_default()) {
            Ok(page) => at.pages.push((page.key, page.entry)),
            Err(error) => warn!(
                %error,
                partition = message.partition(),
                offset = message.offset(),
                "a frontier message is no page; skipped"
            ),
        }
    }
    for (partition, read) in polled {
        let Ok(id) = u32::try_from(partition) else {
            continue;
        };
        match runtime.block_on(ownership.admit(id, read.pages, read.next)) {
            Ok(_) => {}
            // Not taken yet (its pause came after these were fetched): read them again once
            // it is.
            Err(EngineError::NoSuchPartition { .. })
                if consumer.context().pending().contains_key(&id) =>
            {
                if let Err(error) =
                    consumer.seek(topic, partition, Offset::Offset(read.first), POLL)
                {
                    warn!(partition, %error, "cannot go back in the frontier topic");
                }
            }
            // Revoked meanwhile: its next owner reads these from the committed offset.
            Err(EngineError::NoSuchPartition { .. }) => {}
            Err(error) => {
                warn!(partition, %error, "cannot admit frontier pages; reading them again");
                if let Err(error) =
                    consumer.seek(topic, partition, Offset::Offset(read.first), POLL)
                {
                    warn!(partition, %error, "cannot go back in the frontier topic");
                }
            }
        }
    }
}

/// Messages from `position` to `end`; none when either is not an offset yet.
fn lag(position: i64, end: i64) -> Option<u64> {
    if position < 0 || end < 0 {
        return None;
    }
    Some(u64::try_from(end - position).unwrap_or(0))
}

/// The frontier messages of one partition read in one round.
struct Polled {
    first: i64,
    next: i64,
    pages: Vec<(String, tinstream_crawler::FrontierEntry)>,
}

#[cfg(test)]
mod tests {
    use super::lag;

    #[test]
    fn lag_is_what_lies_between_the_position_and_the_end() {
        assert_eq!(lag(10, 25), Some(15));
        assert_eq!(lag(25, 25), Some(0));
        // The end seen at the last fetch may trail a position moved since.
        assert_eq!(lag(30, 25), Some(0));
        // librdkafka's "no offset yet" values.
        assert_eq!(lag(-1001, 25), None);
        assert_eq!(lag(3, -1), None);
    }
}
