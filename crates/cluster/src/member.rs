//! Membership of the consumer group: the group hands this worker partitions of the frontier
//! topic, and the worker's engine owns the same partitions of the crawl.
//!
//! The group's consumer runs on a thread of its own: librdkafka calls the rebalance callbacks
//! on the thread that polls, and a revocation has to wait there until the engine has settled
//! the partition's pages in flight and written its state — only then may the group give the
//! partition to another worker. Blocking a runtime worker for that long would stall the engine
//! it waits for; a plain thread can wait on the runtime instead.

use crate::ClusterError;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::{ClientContext, TopicPartitionList};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tinstream_engine::{ClusterConfig, Ownership};
use tinstream_sink::{connection_config, KafkaConfig};
use tokio::runtime::Handle;
use tracing::{error, info, warn};

/// How long one poll of the group's consumer waits; a leave is noticed within it.
const POLL: Duration = Duration::from_millis(200);

/// This worker in the group.
pub struct Member {
    leaving: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Member {
    /// Joins the group `cluster.group` on the frontier topic, with cooperative-sticky
    /// assignment, and from then on hands `ownership` the partitions the group gives this
    /// worker and takes back those it moves elsewhere. Call it from within the runtime the
    /// engine runs on.
    pub fn join(
        cluster: &ClusterConfig,
        kafka: &KafkaConfig,
        ownership: Ownership,
    ) -> Result<Member, ClusterError> {
        let context = Rebalancer {
            ownership,
            runtime: Handle::current(),
            topic: cluster.frontier_topic.clone(),
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
        let thread = std::thread::Builder::new()
            .name("tinstream-group".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    if let Some(Err(error)) = consumer.poll(POLL) {
                        warn!(%error, "the group's consumer reports a problem");
                    }
                }
                // Dropping the consumer leaves the group: its partitions are revoked (the
                // callback runs here) before the group hands them to others.
                drop(consumer);
            })
            .map_err(|e| ClusterError::Topic(format!("cannot start the group thread: {e}")))?;
        Ok(Member {
            leaving,
            thread: Some(thread),
        })
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

/// Turns the group's rebalances into the engine's ownership.
struct Rebalancer {
    ownership: Ownership,
    runtime: Handle,
    topic: String,
}

impl Rebalancer {
    /// The partitions of the frontier topic in a list.
    fn partitions(&self, list: &TopicPartitionList) -> Vec<u32> {
        list.elements_for_topic(&self.topic)
            .iter()
            .filter_map(|e| u32::try_from(e.partition()).ok())
            .collect()
    }
}

impl ClientContext for Rebalancer {}

impl ConsumerContext for Rebalancer {
    /// Before the group takes partitions away: each is revoked in the engine, which returns
    /// once its pages in flight are settled and its state is written. The group waits for it.
    fn pre_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(list) = rebalance else {
            return;
        };
        for partition in self.partitions(list) {
            if let Err(error) = self.runtime.block_on(self.ownership.revoke(partition)) {
                error!(partition, %error, "cannot give the partition up cleanly");
            }
        }
    }

    /// After the group gave partitions: each is assigned in the engine, which opens its state.
    /// Frontier messages are not read yet: the partitions are paused once assigned.
    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Assign(list) = rebalance else {
            if let Rebalance::Error(error) = rebalance {
                warn!(%error, "the group's rebalance failed");
            }
            return;
        };
        for partition in self.partitions(list) {
            if let Err(error) = self.runtime.block_on(self.ownership.assign(partition)) {
                error!(partition, %error, "cannot take the partition");
            }
        }
        if let Err(error) = consumer.pause(list) {
            warn!(%error, "cannot pause the frontier partitions");
        }
    }
}
