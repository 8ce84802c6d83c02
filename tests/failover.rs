//! Failures in the middle of a transaction, on the real brokers: a worker SIGKILLed after it
//! sent records of an open transaction and before its commit, and the broker that
//! coordinates a worker's transactions SIGKILLed while one is open. A `read_committed`
//! reader then finds every article exactly once; what the open transaction had sent is on
//! the brokers and never seen.

mod support;

use rdkafka::consumer::{BaseConsumer, Consumer};
use std::time::Duration;
use support::broker::Cluster;
use support::service::Service;
use support::workers::{logs, Brokers, Crawl};

/// A commit interval long enough that a transaction is open most of the time: records are
/// sent as pages are done and committed at the interval's end.
const LONG_COMMITS: &str = "commit_interval = \"3s\"";

/// The end of each partition of `topic` for a reader of `isolation` (`read_uncommitted`: the
/// high watermark; `read_committed`: the last stable offset, which an open transaction holds
/// back).
fn ends(bootstrap: &str, topic: &str, isolation: &str) -> Vec<i64> {
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("isolation.level", isolation)
        .create()
        .unwrap();
    (0..3)
        .map(|partition| {
            consumer
                .fetch_watermarks(topic, partition, Duration::from_secs(10))
                .map(|(_, high)| high)
                .unwrap_or(0)
        })
        .collect()
}

/// Whether records of an open transaction are on the brokers: some partition's high
/// watermark is past its last stable offset.
fn open_transaction(bootstrap: &str, topic: &str) -> bool {
    let stable = ends(bootstrap, topic, "read_committed");
    let high = ends(bootstrap, topic, "read_uncommitted");
    high.iter().zip(&stable).any(|(h, s)| h > s)
}

/// Freezes `worker` (SIGSTOP) at a moment when its open transaction has sent records, and
/// returns with it frozen there. A worker frozen between two transactions is let go on and
/// frozen again a little later.
async fn freeze_in_a_transaction(crawl: &Crawl, worker: &Service) {
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        worker.signal("STOP");
        let (b, t) = (crawl.brokers.bootstrap.clone(), crawl.topic.clone());
        let open = tokio::task::spawn_blocking(move || open_transaction(&b, &t))
            .await
            .unwrap();
        if open {
            return;
        }
        worker.signal("CONT");
        assert!(
            std::time::Instant::now() < deadline,
            "no transaction with records was seen open; log:\n{}",
            worker.log()
        );
        // Paces the checks while the worker works on.
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_between_produce_and_commit_is_redone_by_its_restart_exactly_once() {
    let mut crawl = Crawl::new(Brokers::shared()).await;
    crawl.cluster_extra = LONG_COMMITS.into();
    let worker = crawl.start("w1");
    crawl.wait_committed(crawl.total() / 4, &[&worker]).await;

    // Frozen with records sent in an open transaction, then killed there.
    freeze_in_a_transaction(&crawl, &worker).await;
    worker.kill().await;

    // The same worker comes back: its transactional id fences the dead instance (whose open
    // transaction is aborted), it restores its partitions and does the rest.
    let worker = crawl.start("w1");
    crawl.wait_committed(crawl.total(), &[&worker]).await;
    crawl.finish(vec![worker]).await;
    // The killed transaction's records are in the topic, aborted: a reader of everything
    // finds more records than articles, and some articles twice.
    let (b, t) = (crawl.brokers.bootstrap.clone(), crawl.topic.clone());
    let all = tokio::task::spawn_blocking(move || support::read_uncommitted(&b, &t))
        .await
        .unwrap();
    assert!(all.len() > crawl.total(), "{} records in all", all.len());
}

/// Java's `String.hashCode`, which Kafka uses to place a transactional id on a partition of
/// `__transaction_state`, whose leader is the id's transaction coordinator.
fn java_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |hash, unit| {
        hash.wrapping_mul(31).wrapping_add(unit as i32)
    })
}

/// The node (0-based; broker ids are 1-based) that coordinates `transactional_id`.
fn coordinator(bootstrap: &str, transactional_id: &str) -> usize {
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .unwrap();
    let metadata = consumer
        .fetch_metadata(Some("__transaction_state"), Duration::from_secs(10))
        .unwrap();
    let partitions = metadata.topics()[0].partitions();
    assert!(!partitions.is_empty(), "no __transaction_state yet");
    let index = (java_hash(transactional_id) & 0x7fff_ffff) as usize % partitions.len();
    let leader = partitions
        .iter()
        .find(|p| p.id() as usize == index)
        .unwrap()
        .leader();
    usize::try_from(leader - 1).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_transaction_coordinator_killed_during_a_transaction_loses_and_duplicates_nothing() {
    let cluster = Cluster::started(3).await;
    let mut crawl = Crawl::new(Brokers {
        bootstrap: cluster.bootstrap(),
        replication: 3,
    })
    .await;
    crawl.cluster_extra = LONG_COMMITS.into();
    let workers = crawl.start_all(&["w1", "w2"]);
    crawl
        .wait_committed(crawl.total() / 4, &workers.iter().collect::<Vec<_>>())
        .await;

    // w1 frozen in an open transaction; the broker that coordinates its transactions dies;
    // w1 goes on and commits (or aborts and redoes) with the coordinator that takes over.
    let w1 = &workers[0];
    freeze_in_a_transaction(&crawl, w1).await;
    let bootstrap = crawl.brokers.bootstrap.clone();
    let id = format!("{}-w1", crawl.group);
    let node = tokio::task::spawn_blocking(move || coordinator(&bootstrap, &id))
        .await
        .unwrap();
    let cluster = cluster.with_node_killed(node).await;
    w1.signal("CONT");

    crawl
        .wait_committed(crawl.total(), &workers.iter().collect::<Vec<_>>())
        .await;
    for worker in &workers {
        assert!(
            worker.metric("tinstream_pages_fetched_total").await > 0.0,
            "a worker fetched nothing; logs:\n{}",
            logs(&workers.iter().collect::<Vec<_>>())
        );
    }
    crawl.finish(workers).await;
    drop(cluster);
}
