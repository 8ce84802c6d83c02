//! Restoring a partition's crawl state from the state topic on the real broker: the replay
//! gives the state the changes were made in, reads only its own partition, skips what an
//! aborted transaction wrote, and starts again where the store's last replay ended.

mod support;

use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::ClientConfig;
use std::time::Duration;
use tinstream_cluster::restore;
use tinstream_crawler::changelog::Entry;
use tinstream_crawler::discover::Hint;
use tinstream_crawler::{FrontierEntry, PageState, PageStatus, StateChange, StateStore};
use tinstream_sink::KafkaConfig;

const PARTITION: i32 = 2;

fn entry(key: &str, due_ms: u64) -> Entry {
    Entry::Frontier {
        key: key.into(),
        entry: Some(FrontierEntry {
            url: format!("https://ex.vn/{key}"),
            source: "https://ex.vn/rss".into(),
            due_ms,
            requeues: 0,
            recheck: None,
            hint: Hint::default(),
        }),
    }
}

fn settled(key: &str, status: PageStatus, hash: Option<&str>) -> Vec<Entry> {
    StateChange::Settle {
        keys: vec![key.into()],
        state: PageState {
            status,
            content_hash: hash.map(String::from),
            reason: None,
            at: 5,
        },
        recheck: None,
    }
    .entries()
}

/// A transactional producer, as a worker writes the state topic with.
fn writer() -> FutureProducer {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", support::kafka())
        .set("transactional.id", support::unique_topic("restore-writer"))
        .create()
        .unwrap();
    producer.init_transactions(Duration::from_secs(30)).unwrap();
    producer
}

/// Produces entries to one partition, in one transaction, committed or aborted.
async fn produce(
    producer: &FutureProducer,
    topic: &str,
    partition: i32,
    entries: &[Entry],
    commit: bool,
) {
    producer.begin_transaction().unwrap();
    for e in entries {
        let key = e.key();
        let value = e.value();
        let mut record = FutureRecord::<String, Vec<u8>>::to(topic)
            .partition(partition)
            .key(&key);
        if let Some(value) = &value {
            record = record.payload(value);
        }
        producer
            .send(record, Duration::from_secs(30))
            .await
            .map_err(|(e, _)| e)
            .unwrap();
    }
    if commit {
        producer
            .commit_transaction(Duration::from_secs(30))
            .unwrap();
    } else {
        producer.abort_transaction(Duration::from_secs(30)).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partition_is_restored_from_what_was_committed_to_it() {
    let topic = support::unique_topic("state");
    support::create_topics(&[&topic], 4, &[("cleanup.policy", "compact")]).await;
    let producer = writer();
    let kafka = KafkaConfig {
        brokers: support::kafka().into(),
        ..Default::default()
    };

    // Partition 2: four pages found, two settled; another partition has its own page.
    let mut first = vec![
        entry("a", 10),
        entry("b", 20),
        entry("c", 30),
        entry("d", 40),
    ];
    first.extend(settled("a", PageStatus::Delivered, Some("h1")));
    first.extend(settled("b", PageStatus::NotArticle, None));
    first.push(Entry::Poll {
        source: "https://ex.vn/rss".into(),
        at: 1_700,
        interval_secs: 300,
    });
    produce(&producer, &topic, PARTITION, &first, true).await;
    produce(&producer, &topic, 0, &[entry("elsewhere", 1)], true).await;
    // A transaction that was aborted (a worker that died before committing): never applied.
    let mut aborted = settled("c", PageStatus::Failed, None);
    aborted.push(entry("ghost", 5));
    produce(&producer, &topic, PARTITION, &aborted, false).await;

    let dir = tempfile::tempdir().unwrap();
    let store = StateStore::open(dir.path()).unwrap();
    let (kafka2, topic2, store2) = (kafka.clone(), topic.clone(), store.clone());
    let restored =
        tokio::task::spawn_blocking(move || restore(&kafka2, &topic2, PARTITION as u32, &store2))
            .await
            .unwrap()
            .unwrap();
    assert_eq!(restored.entries, first.len() as u64);
    assert_eq!(restored.unreadable, 0);
    assert_eq!(
        store.page("a").unwrap().unwrap().status,
        PageStatus::Delivered
    );
    assert_eq!(store.content_owner("h1").unwrap().as_deref(), Some("a"));
    assert_eq!(
        store.page("b").unwrap().unwrap().status,
        PageStatus::NotArticle
    );
    assert_eq!(
        store.page("c").unwrap(),
        None,
        "the aborted settle was applied"
    );
    assert!(store.frontier_entry("c").unwrap().is_some());
    assert!(store.frontier_entry("ghost").unwrap().is_none());
    assert!(store.frontier_entry("elsewhere").unwrap().is_none());
    assert_eq!(store.frontier_len().unwrap(), 2);
    assert_eq!(store.poll_interval("https://ex.vn/rss").unwrap(), Some(300));
    // The pages found and not settled are due again, in order.
    let (taken, _) = store.take_due(1_000, 10).unwrap();
    let keys: Vec<&str> = taken.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["c", "d"]);
    let through = restored.through.unwrap();
    assert_eq!(store.changelog_offset().unwrap(), Some(through));

    // More is committed; a second replay reads only that.
    let more = settled("c", PageStatus::Delivered, Some("h3"));
    produce(&producer, &topic, PARTITION, &more, true).await;
    let (kafka2, topic2, store2) = (kafka.clone(), topic.clone(), store.clone());
    let again =
        tokio::task::spawn_blocking(move || restore(&kafka2, &topic2, PARTITION as u32, &store2))
            .await
            .unwrap()
            .unwrap();
    assert_eq!(again.entries, more.len() as u64);
    assert!(again.through.unwrap() > through);
    assert_eq!(
        store.page("c").unwrap().unwrap().status,
        PageStatus::Delivered
    );
    assert!(store.frontier_entry("c").unwrap().is_none());

    // Nothing new: nothing read.
    let (kafka2, topic2, store2) = (kafka.clone(), topic.clone(), store.clone());
    let idle =
        tokio::task::spawn_blocking(move || restore(&kafka2, &topic2, PARTITION as u32, &store2))
            .await
            .unwrap()
            .unwrap();
    assert_eq!(idle.entries, 0);
    assert_eq!(idle.through, again.through);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_restores_a_partition_it_takes_from_the_state_topic() {
    let topic = support::unique_topic("state");
    support::create_topics(&[&topic], 4, &[("cleanup.policy", "compact")]).await;
    let producer = writer();
    let mut history = vec![entry("a", 10), entry("b", 20), entry("c", 30)];
    history.extend(settled("a", PageStatus::Delivered, Some("h1")));
    produce(&producer, &topic, PARTITION, &history, true).await;

    let dir = tempfile::tempdir().unwrap();
    let mut config = tinstream_engine::EngineConfig {
        crawler: Default::default(),
        sources: Vec::new(),
        sink: Default::default(),
        partitions: 4,
    };
    config.crawler.data_dir = dir.path().join("state");
    config.sink.jsonl.path = dir.path().join("articles.jsonl");
    config.sink.jsonl.dead_letter_path = dir.path().join("dead-letters.jsonl");
    let kafka = KafkaConfig {
        brokers: support::kafka().into(),
        ..Default::default()
    };
    let engine = tinstream_engine::Engine::open(
        config,
        Default::default(),
        std::sync::Arc::new(tinstream_engine::Unobserved),
        tokio_util::sync::CancellationToken::new(),
    )
    .await
    .unwrap()
    .with_restorer(std::sync::Arc::new(tinstream_cluster::StateTopic::new(
        &kafka, &topic,
    )));
    // b and c wait in the frontier the previous owner left; a is settled.
    assert_eq!(
        engine.ownership().assign(PARTITION as u32).await.unwrap(),
        2
    );
    // Given back and taken again: the store is up to date, the replay reads nothing new.
    engine.ownership().revoke(PARTITION as u32).await.unwrap();
    assert_eq!(
        engine.ownership().assign(PARTITION as u32).await.unwrap(),
        2
    );
    let store_dir = dir
        .path()
        .join("state")
        .join(format!("partition-{PARTITION}"));
    engine.ownership().revoke(PARTITION as u32).await.unwrap();
    let store = StateStore::open(&store_dir).unwrap();
    assert_eq!(
        store.page("a").unwrap().unwrap().status,
        PageStatus::Delivered
    );
    assert!(store.changelog_offset().unwrap().is_some());
}
