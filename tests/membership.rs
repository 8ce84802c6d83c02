//! Workers joining and leaving the consumer group of the frontier topic on the real broker:
//! the group splits the crawl's partitions among the workers' engines, with no partition owned
//! twice, and gives a leaving worker's partitions to those that remain.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tinstream_cluster::{ensure_topics, ClusterError, Member};
use tinstream_engine::{ClusterConfig, ClusterMode, Engine, EngineConfig, Event, Observer};
use tinstream_sink::{KafkaConfig, SinkConfig};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

const PARTITIONS: u32 = 6;

/// Keeps the partitions an engine owns, and the lag last reported for each, where a test can
/// wait for them.
struct Owned(
    watch::Sender<BTreeSet<u32>>,
    watch::Sender<std::collections::BTreeMap<u32, u64>>,
);

impl Observer for Owned {
    fn observe(&self, event: Event<'_>) {
        match event {
            Event::PartitionAssigned { partition, .. } => {
                self.0.send_modify(|owned| {
                    assert!(owned.insert(partition), "{partition} assigned twice");
                });
            }
            Event::PartitionRevoked { partition } => {
                self.0.send_modify(|owned| {
                    assert!(owned.remove(&partition), "{partition} revoked unowned");
                });
            }
            Event::FrontierLag {
                partition,
                messages,
            } => {
                self.1.send_modify(|lags| {
                    lags.insert(partition, messages);
                });
            }
            _ => {}
        }
    }
}

struct Worker {
    engine: tokio::task::JoinHandle<()>,
    member: Member,
    owned: watch::Receiver<BTreeSet<u32>>,
    lags: watch::Receiver<std::collections::BTreeMap<u32, u64>>,
    stop: CancellationToken,
    _dir: tempfile::TempDir,
}

fn cluster(group: &str, worker: &str) -> ClusterConfig {
    ClusterConfig {
        mode: ClusterMode::Kafka,
        group: group.into(),
        worker_id: worker.into(),
        frontier_topic: format!("{group}.frontier"),
        state_topic: format!("{group}.state"),
        partitions: PARTITIONS,
        commit_interval: Duration::from_millis(500),
    }
}

fn kafka() -> KafkaConfig {
    KafkaConfig {
        brokers: support::kafka().into(),
        create_topics: true,
        replication_factor: 1,
        ..Default::default()
    }
}

async fn start(group: &str, name: &str) -> Worker {
    let dir = tempfile::tempdir().unwrap();
    let mut config = EngineConfig {
        crawler: Default::default(),
        sources: Vec::new(),
        sink: SinkConfig::default(),
        partitions: PARTITIONS,
    };
    config.crawler.data_dir = dir.path().join("state");
    config.sink.jsonl.path = dir.path().join("articles.jsonl");
    config.sink.jsonl.dead_letter_path = dir.path().join("dead-letters.jsonl");
    let (owned, watched) = watch::channel(BTreeSet::new());
    let (lags, lags_watched) = watch::channel(Default::default());
    let observer = Arc::new(Owned(owned, lags));
    let stop = CancellationToken::new();
    let engine = Engine::open(config, Default::default(), observer.clone(), stop.clone())
        .await
        .unwrap();
    let member = Member::join(
        &cluster(group, name),
        &kafka(),
        engine.ownership(),
        observer,
        Default::default(),
    )
    .unwrap();
    let engine = tokio::spawn(async move {
        engine.run(false, None).await.unwrap();
    });
    Worker {
        engine,
        member,
        owned: watched,
        lags: lags_watched,
        stop,
        _dir: dir,
    }
}

/// Waits until `check` holds for what the workers own; a minute at most, so that a group that
/// never settles fails the test instead of hanging it.
async fn settled(workers: &mut [&mut Worker], check: impl Fn(&[BTreeSet<u32>]) -> bool) {
    let wait = async {
        loop {
            let owned: Vec<BTreeSet<u32>> =
                workers.iter().map(|w| w.owned.borrow().clone()).collect();
            if check(&owned) {
                return;
            }
            let changes = workers.iter_mut().map(|w| Box::pin(w.owned.changed()));
            let _ = futures::future::select_all(changes).await;
        }
    };
    if tokio::time::timeout(Duration::from_secs(60), wait)
        .await
        .is_err()
    {
        let owned: Vec<BTreeSet<u32>> = workers.iter().map(|w| w.owned.borrow().clone()).collect();
        panic!("the group did not settle: {owned:?}");
    }
}

/// The partitions are all owned, each by one worker.
fn split(owned: &[BTreeSet<u32>]) -> bool {
    let total: usize = owned.iter().map(|o| o.len()).sum();
    let union: BTreeSet<u32> = owned.iter().flatten().copied().collect();
    total == PARTITIONS as usize && union.len() == PARTITIONS as usize
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_group_splits_the_partitions_and_moves_those_of_a_worker_that_leaves() {
    let group = support::unique_topic("members");
    ensure_topics(&cluster(&group, "w1"), &kafka())
        .await
        .unwrap();

    let mut first = start(&group, "w1").await;
    settled(&mut [&mut first], split).await;
    assert_eq!(first.owned.borrow().len(), PARTITIONS as usize);

    // A second worker takes a share; no partition is owned by both at any moment (the
    // observer fails on a double assignment) and none is left out.
    let mut second = start(&group, "w2").await;
    settled(&mut [&mut first, &mut second], |owned| {
        split(owned) && owned.iter().all(|o| !o.is_empty())
    })
    .await;

    // The second leaves: its partitions, given back, go to the first.
    let Worker {
        member,
        stop,
        engine,
        ..
    } = second;
    member.leave().await;
    stop.cancel();
    engine.await.unwrap();
    settled(&mut [&mut first], split).await;

    first.member.leave().await;
    first.stop.cancel();
    first.engine.await.unwrap();
    assert!(first.owned.borrow().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_partition_owned_reports_its_lag() {
    let group = support::unique_topic("lag");
    let config = cluster(&group, "w1");
    ensure_topics(&config, &kafka()).await.unwrap();
    // Two messages on every partition of the frontier topic (no pages: each is skipped with
    // a warning), so that each has an end and a position to compare.
    {
        use rdkafka::producer::{FutureProducer, FutureRecord};
        let producer: FutureProducer = rdkafka::ClientConfig::new()
            .set("bootstrap.servers", support::kafka())
            .create()
            .unwrap();
        for partition in 0..PARTITIONS as i32 {
            for _ in 0..2 {
                producer
                    .send(
                        FutureRecord::<str, str>::to(&config.frontier_topic)
                            .partition(partition)
                            .key("x")
                            .payload("not a page"),
                        Duration::from_secs(10),
                    )
                    .await
                    .unwrap();
            }
        }
    }
    let mut worker = start(&group, "w1").await;
    settled(&mut [&mut worker], split).await;
    // Every partition, read up to its end, is reported with no lag (the statistics come
    // every 5 s); a lag counted from the committed offsets instead would stay at 2.
    let all_read = |lags: &std::collections::BTreeMap<u32, u64>| {
        lags.len() == PARTITIONS as usize && lags.values().all(|lag| *lag == 0)
    };
    let reported = tokio::time::timeout(Duration::from_secs(60), worker.lags.wait_for(all_read))
        .await
        .is_ok_and(|r| r.is_ok());
    assert!(reported, "lags reported: {:?}", *worker.lags.borrow());
    worker.member.leave().await;
    worker.stop.cancel();
    worker.engine.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_with_another_partition_count_are_refused() {
    let group = support::unique_topic("mismatch");
    let config = cluster(&group, "w1");
    support::create_topics(&[&config.frontier_topic, &config.state_topic], 3, &[]).await;
    let error = ensure_topics(&config, &kafka()).await.unwrap_err();
    assert!(matches!(error, ClusterError::Topic(_)), "{error}");
    let text = error.to_string();
    assert!(
        text.contains("has 3 partitions and cluster.partitions is 6"),
        "{text}"
    );
}
