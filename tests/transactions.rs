//! The transactor on the real broker: a batch is seen by `read_committed` readers whole or not
//! at all, consumed offsets commit with it, and a second instance with the same transactional
//! id fences the first.

mod support;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tinstream_cluster::{Batch, Outgoing, TransactionError, Transactor};
use tinstream_engine::{Event, Observer, Unobserved};
use tinstream_sink::KafkaConfig;

fn kafka() -> KafkaConfig {
    KafkaConfig {
        brokers: support::kafka().into(),
        ..Default::default()
    }
}

/// The outcomes of the transactions a transactor reports, in order.
#[derive(Default)]
struct Outcomes(std::sync::Mutex<Vec<&'static str>>);

impl Observer for Outcomes {
    fn observe(&self, event: Event<'_>) {
        if let Event::Transaction { outcome } = event {
            self.0.lock().unwrap().push(outcome);
        }
    }
}

impl Outcomes {
    fn seen(&self) -> Vec<&'static str> {
        self.0.lock().unwrap().clone()
    }
}

fn message(topic: &str, partition: i32, key: &str) -> Outgoing {
    Outgoing {
        topic: topic.into(),
        partition: Some(partition),
        key: key.into(),
        payload: Some(format!("{{\"key\":\"{key}\"}}").into_bytes()),
        headers: vec![("content-type", "application/json".into())],
    }
}

/// The keys a `read_committed` reader finds in a topic: everything up to its end, where aborted
/// messages and transaction markers are skipped.
fn committed_keys(topic: &str) -> Vec<String> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", support::kafka())
        .set("group.id", support::unique_topic("reader"))
        .set("isolation.level", "read_committed")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(30))
        .unwrap();
    let mut keys = Vec::new();
    for partition in metadata.topics()[0].partitions() {
        let id = partition.id();
        let (_, high) = consumer
            .fetch_watermarks(topic, id, Duration::from_secs(30))
            .unwrap();
        let mut list = TopicPartitionList::new();
        list.add_partition_offset(topic, id, Offset::Beginning)
            .unwrap();
        consumer.assign(&list).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let position = consumer
                .position()
                .unwrap()
                .find_partition(topic, id)
                .and_then(|p| match p.offset() {
                    Offset::Offset(o) => Some(o),
                    _ => None,
                });
            if position.is_some_and(|p| p >= high) || high == 0 {
                break;
            }
            assert!(Instant::now() < deadline, "reading {topic} timed out");
            if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
                keys.push(String::from_utf8_lossy(m.key().unwrap_or_default()).into_owned());
            }
        }
    }
    keys.sort();
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_committed_whole_or_not_at_all() {
    let records = support::unique_topic("tx-records");
    let state = support::unique_topic("tx-state");
    support::create_topics(&[&records], 2, &[]).await;
    support::create_topics(&[&state], 2, &[("cleanup.policy", "compact")]).await;
    let id = support::unique_topic("worker");
    let outcomes = Arc::new(Outcomes::default());
    let transactor = Transactor::start(
        &kafka(),
        &id,
        Duration::from_millis(50),
        None,
        outcomes.clone(),
    )
    .await
    .unwrap();

    // Two batches at once: both in the interval's transaction, both committed.
    let one = Batch {
        messages: vec![message(&records, 0, "r1"), message(&state, 1, "p/a")],
        consumed: vec![],
    };
    let two = Batch {
        messages: vec![
            message(&records, 1, "r2"),
            Outgoing {
                payload: None,
                ..message(&state, 1, "f/a")
            },
        ],
        consumed: vec![],
    };
    let (a, b) = tokio::join!(transactor.commit(one), transactor.commit(two));
    a.unwrap();
    b.unwrap();
    assert_eq!(committed_keys(&records), ["r1", "r2"]);
    // One transaction for both.
    assert_eq!(outcomes.seen(), ["committed"]);
    assert_eq!(committed_keys(&state), ["f/a", "p/a"]);

    // A batch with a message that cannot be written (a partition the topic does not have):
    // the transaction is aborted, and its other message is never seen.
    let broken = Batch {
        messages: vec![message(&records, 0, "r3"), message(&records, 7, "r4")],
        consumed: vec![],
    };
    let error = transactor.commit(broken).await.unwrap_err();
    assert!(matches!(error, TransactionError::Aborted(_)), "{error}");
    // The transactor goes on: the next batch commits.
    transactor
        .commit(Batch {
            messages: vec![message(&records, 0, "r5")],
            consumed: vec![],
        })
        .await
        .unwrap();
    assert_eq!(committed_keys(&records), ["r1", "r2", "r5"]);
    assert_eq!(outcomes.seen(), ["committed", "aborted", "committed"]);

    // The same worker starts again: the new instance fences the old one, whose transaction
    // then fails: nothing of it is ever seen. (The old one would make its producer again for
    // a next batch, fencing the new one in turn; a worker's zombie has none: the group took
    // its partitions when its session ran out.)
    let again = Transactor::start(
        &kafka(),
        &id,
        Duration::from_millis(50),
        None,
        Arc::new(Unobserved),
    )
    .await
    .unwrap();
    let error = transactor
        .commit(Batch {
            messages: vec![message(&records, 0, "zombie")],
            consumed: vec![],
        })
        .await
        .unwrap_err();
    assert!(matches!(error, TransactionError::Aborted(_)), "{error}");
    // Fenced: the old producer failed for good and is made again; its work counts as aborted.
    assert_eq!(
        outcomes.seen(),
        ["committed", "aborted", "committed", "aborted"]
    );
    again
        .commit(Batch {
            messages: vec![message(&records, 1, "r6")],
            consumed: vec![],
        })
        .await
        .unwrap();
    assert_eq!(committed_keys(&records), ["r1", "r2", "r5", "r6"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumed_offsets_commit_with_the_batch() {
    let frontier = support::unique_topic("tx-frontier");
    let out = support::unique_topic("tx-out");
    support::create_topics(&[&frontier, &out], 1, &[]).await;
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", support::kafka())
        .create()
        .unwrap();
    for n in 0..5 {
        producer
            .send(
                FutureRecord::to(&frontier)
                    .key(&format!("k{n}"))
                    .payload("x"),
                Duration::from_secs(30),
            )
            .await
            .unwrap();
    }
    let group = support::unique_topic("group");
    let consumer: Arc<BaseConsumer> = Arc::new(
        ClientConfig::new()
            .set("bootstrap.servers", support::kafka())
            .set("group.id", &group)
            .set("enable.auto.commit", "false")
            .set("auto.offset.reset", "earliest")
            .create()
            .unwrap(),
    );
    consumer.subscribe(&[&frontier]).unwrap();
    let mut read = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while read < 5 {
        assert!(Instant::now() < deadline, "the frontier was not read");
        if let Some(Ok(_)) = consumer.poll(Duration::from_millis(200)) {
            read += 1;
        }
    }
    let metadata_source = consumer.clone();
    let transactor = Transactor::start(
        &kafka(),
        &support::unique_topic("worker"),
        Duration::from_millis(50),
        Some(Arc::new(move || metadata_source.group_metadata())),
        Arc::new(Unobserved),
    )
    .await
    .unwrap();
    transactor
        .commit(Batch {
            messages: vec![message(&out, 0, "from-k0-to-k4")],
            consumed: vec![(frontier.clone(), 0, 5)],
        })
        .await
        .unwrap();
    let committed = consumer
        .committed(Duration::from_secs(30))
        .unwrap()
        .find_partition(&frontier, 0)
        .unwrap()
        .offset();
    assert_eq!(committed, Offset::Offset(5));
    assert_eq!(committed_keys(&out), ["from-k0-to-k4"]);
}

/// A worker that is no longer the group's member it was (its session ran out and the group
/// moved on without it) cannot commit: the offsets every transaction commits carry its
/// generation, which the group's coordinator checks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_of_a_member_the_group_moved_on_from_is_refused() {
    let frontier = support::unique_topic("tx-frontier");
    let out = support::unique_topic("tx-out");
    support::create_topics(&[&frontier, &out], 2, &[]).await;
    let group = support::unique_topic("group");
    let member = || -> BaseConsumer {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", support::kafka())
            .set("group.id", &group)
            .set("enable.auto.commit", "false")
            .set("partition.assignment.strategy", "cooperative-sticky")
            .create()
            .unwrap();
        consumer.subscribe(&[&frontier]).unwrap();
        consumer
    };
    let assigned = |consumer: &BaseConsumer, partitions: usize| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while consumer.assignment().unwrap().count() != partitions {
            assert!(Instant::now() < deadline, "no assignment came");
            let _ = consumer.poll(Duration::from_millis(100));
        }
    };
    let old = member();
    assigned(&old, 2);
    // What the old member's transactions will carry: the generation it had.
    let stale = std::sync::Mutex::new(old.group_metadata());
    let transactor = Transactor::start(
        &kafka(),
        &support::unique_topic("worker"),
        Duration::from_millis(50),
        Some(Arc::new(move || stale.lock().unwrap().take())),
        Arc::new(Unobserved),
    )
    .await
    .unwrap();
    // It leaves; a new member takes both partitions, in a generation of its own.
    drop(old);
    let new = member();
    assigned(&new, 2);

    let error = transactor
        .commit(Batch {
            messages: vec![message(&out, 0, "from-a-zombie")],
            consumed: vec![(frontier.clone(), 0, 0)],
        })
        .await
        .unwrap_err();
    assert!(matches!(error, TransactionError::Aborted(_)), "{error}");
    // Refused for who sent it, not for anything else.
    let reason = error.to_string();
    assert!(
        reason.contains("Unknown member") || reason.contains("generation"),
        "{reason}"
    );
    assert!(committed_keys(&out).is_empty());
}

/// The journal's size rule agrees with the producer's: the largest record it lets through is
/// one the producer takes, and one byte more is refused with its size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_largest_record_the_journal_admits_is_one_the_producer_takes() {
    use tinstream_cluster::{ClusterJournal, FrontierOffsets};
    use tinstream_engine::{ClusterConfig, Journal, Unit};
    let out = support::unique_topic("tx-large");
    support::create_topics(&[&out], 1, &[]).await;
    let mut kafka = kafka();
    kafka.topic = out.clone();
    kafka.dlq_topic = format!("{out}-dlq");
    kafka
        .options
        .insert("message.max.bytes".into(), "20000".into());
    let transactor = Transactor::start(
        &kafka,
        &support::unique_topic("worker"),
        Duration::from_millis(50),
        None,
        Arc::new(Unobserved),
    )
    .await
    .unwrap();
    let journal = ClusterJournal::new(
        Arc::new(transactor),
        &ClusterConfig::default(),
        &kafka,
        FrontierOffsets::default(),
    );
    let record = |words: usize| {
        support::article(
            "http://127.0.0.1/tin-tuc/bai-lon.html",
            "chữ ".repeat(words),
        )
    };
    // The most words the rule lets through.
    let (mut low, mut high) = (0, 20_000);
    while low + 1 < high {
        let middle = (low + high) / 2;
        if journal.admits(&record(middle)).is_ok() {
            low = middle;
        } else {
            high = middle;
        }
    }
    assert!(low > 1_000, "{low} words");
    let refusal = journal.admits(&record(low + 1)).unwrap_err();
    assert!(
        refusal.contains("message.max.bytes") && refusal.contains("20000"),
        "{refusal}"
    );
    let largest = record(low);
    journal
        .write(Unit {
            records: vec![largest.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(committed_keys(&out), [largest.id]);
}

/// The group's coordinator goes down while a transaction is open (librdkafka's mock cluster,
/// where a broker can be taken down and brought back). librdkafka then waits for it in the
/// call that sends the consumed offsets, past that call's own timeout; the transactor bounds
/// the wait, gives the stuck producer up and answers the batch as aborted, so that its work is
/// done again, and once the coordinator is back, transactions commit again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_coordinator_that_goes_down_mid_transaction_aborts_it_and_the_next_commits() {
    use rdkafka::mocking::{MockCluster, MockCoordinator};
    let mock = MockCluster::new(3).unwrap();
    let (group, id) = ("crawl", "crawl-w1");
    // Broker 1 leads the topics and coordinates the transactions; broker 2 only coordinates
    // the group.
    for topic in ["frontier", "records"] {
        mock.create_topic(topic, 1, 3).unwrap();
        mock.partition_leader(topic, 0, Some(1)).unwrap();
    }
    mock.coordinator(MockCoordinator::Group(group.into()), 2)
        .unwrap();
    mock.coordinator(MockCoordinator::Transaction(id.into()), 1)
        .unwrap();
    let kafka = KafkaConfig {
        brokers: mock.bootstrap_servers(),
        ..Default::default()
    };
    let consumer: Arc<BaseConsumer> = Arc::new(
        ClientConfig::new()
            .set("bootstrap.servers", mock.bootstrap_servers())
            .set("group.id", group)
            .create()
            .unwrap(),
    );
    let metadata_source = consumer.clone();
    let outcomes = Arc::new(Outcomes::default());
    let transactor = Transactor::start(
        &kafka,
        id,
        Duration::from_millis(50),
        Some(Arc::new(move || metadata_source.group_metadata())),
        outcomes.clone(),
    )
    .await
    .unwrap();
    let batch = |key: &str, offset: i64| Batch {
        messages: vec![message("records", 0, key)],
        consumed: vec![("frontier".into(), 0, offset)],
    };
    transactor.commit(batch("r1", 1)).await.unwrap();

    mock.broker_down(2).unwrap();
    // Far below the transactor's bound on a whole transaction (over 2 minutes): the answer
    // comes from the bound on the offsets' step.
    let answer = tokio::time::timeout(Duration::from_secs(60), transactor.commit(batch("r2", 2)))
        .await
        .expect("the transaction did not end while the group's coordinator was down");
    let error = answer.unwrap_err();
    assert!(matches!(error, TransactionError::Aborted(_)), "{error}");
    assert!(error.to_string().contains("consumed offsets"), "{error}");

    mock.broker_up(2).unwrap();
    // The producer is made again; the first transactions may meet a coordinator still
    // coming back, and abort: each answer comes, and one commits.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match transactor.commit(batch("r2", 2)).await {
            Ok(()) => break,
            Err(TransactionError::Aborted(_)) if Instant::now() < deadline => {}
            Err(error) => panic!("no transaction commits once the coordinator is back: {error}"),
        }
    }
    let seen = outcomes.seen();
    assert_eq!(seen.first(), Some(&"committed"), "{seen:?}");
    assert_eq!(seen.get(1), Some(&"aborted"), "{seen:?}");
    assert_eq!(seen.last(), Some(&"committed"), "{seen:?}");
}

/// A worker that lost partitions (the group gave them away without waiting) must not commit
/// what it handed over before: its next owner does that work again, and the coordinator
/// would accept the offsets with the worker's next generation. What comes after commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_handed_over_before_a_loss_of_partitions_is_committed() {
    let records = support::unique_topic("tx-lost");
    support::create_topics(&[&records], 1, &[]).await;
    let outcomes = Arc::new(Outcomes::default());
    let transactor = Transactor::start(
        &kafka(),
        &support::unique_topic("worker"),
        // Long enough that the first batch is still in its transaction at the loss.
        Duration::from_secs(2),
        None,
        outcomes.clone(),
    )
    .await
    .unwrap();
    let batch = |key: &str| Batch {
        messages: vec![message(&records, 0, key)],
        consumed: vec![],
    };
    // Handed over (the first poll queues it), then the loss.
    let mut before = Box::pin(transactor.commit(batch("before")));
    assert!(futures::poll!(&mut before).is_pending());
    transactor.lost();
    let error = before.await.unwrap_err();
    assert!(matches!(error, TransactionError::Aborted(_)), "{error}");
    assert!(error.to_string().contains("lost partitions"), "{error}");

    transactor.commit(batch("after")).await.unwrap();
    assert_eq!(committed_keys(&records), ["after"]);
    assert_eq!(outcomes.seen(), ["aborted", "committed"]);
}
