//! Shared pieces of the end-to-end tests: the real Kafka broker, topics, a consumer that reads
//! a topic to its end, and a small Vietnamese news site served on 127.0.0.1.
#![allow(dead_code)]

pub mod broker;
pub mod newsroom;
pub mod secure;
pub mod service;
pub mod site;
pub mod workers;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::{ClientConfig, TopicPartitionList};
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The bootstrap address of the test broker: `TINSTREAM_TEST_KAFKA` when set (the README's test
/// command sets it), otherwise the broker of `scripts/kafka.sh`, started here if needed.
pub fn kafka() -> &'static str {
    static ADDRESS: OnceLock<String> = OnceLock::new();
    ADDRESS.get_or_init(|| {
        if let Ok(address) = std::env::var("TINSTREAM_TEST_KAFKA") {
            return address;
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/kafka.sh");
        let status = std::process::Command::new("bash")
            .arg(&script)
            .arg("start")
            .status()
            .expect("run scripts/kafka.sh");
        assert!(status.success(), "scripts/kafka.sh start failed");
        let out = std::process::Command::new("bash")
            .arg(&script)
            .arg("address")
            .output()
            .expect("run scripts/kafka.sh");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    })
}

/// A loopback port nobody listens on, for a server a test starts later (a broker, the
/// service's endpoints). Ports are taken below Linux's ephemeral range (32768 and up), so that
/// no outgoing connection can take the port between this choice and the bind, and each port is
/// handed out once per process, so that tests running side by side never share one.
pub fn free_port() -> u16 {
    use std::sync::Mutex;
    static NEXT: Mutex<Option<u16>> = Mutex::new(None);
    let mut next = NEXT.lock().unwrap();
    let start = 20_000 + (std::process::id() % 1000) as u16 * 10;
    let mut port = next.unwrap_or(start);
    loop {
        port = if port >= 32_000 { 20_000 } else { port + 1 };
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            *next = Some(port);
            return port;
        }
    }
}

/// `tinstream run --once --config <config>`, which must end by itself (within two minutes)
/// and exit 0; returns its standard error (the log).
pub async fn run_once(config: &Path) -> String {
    let run = tokio::time::timeout(
        Duration::from_secs(120),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_tinstream"))
            .args(["run", "--once", "--config"])
            .arg(config)
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("run --once ends by itself")
    .expect("tinstream runs");
    let log = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "exit {}; log:\n{log}", run.status);
    log
}

/// The `[sink.jsonl]` table of a test configuration: records to `dir/out.jsonl`, dead
/// letters to `dir/dead.jsonl`.
#[allow(dead_code)]
pub fn jsonl_sink_toml(dir: &Path) -> String {
    format!(
        "[sink.jsonl]\npath = \"{}\"\ndead_letter_path = \"{}\"\n",
        dir.join("out.jsonl").display(),
        dir.join("dead.jsonl").display()
    )
}

/// Every line of a JSON Lines file, parsed; none when the file does not exist.
pub fn read_jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// A topic name no other test uses.
pub fn unique_topic(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// Creates topics on the test broker, with extra topic settings.
pub async fn create_topics(names: &[&str], partitions: i32, config: &[(&str, &str)]) {
    create_topics_on(kafka(), names, partitions, config).await
}

/// Creates topics on the brokers at `bootstrap`, with extra topic settings.
pub async fn create_topics_on(
    bootstrap: &str,
    names: &[&str],
    partitions: i32,
    config: &[(&str, &str)],
) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("admin client");
    let topics: Vec<NewTopic> = names
        .iter()
        .map(|n| {
            let mut t = NewTopic::new(n, partitions, TopicReplication::Fixed(1));
            for (k, v) in config {
                t = t.set(k, v);
            }
            t
        })
        .collect();
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let results = admin
        .create_topics(&topics, &options)
        .await
        .expect("create topics");
    for result in results {
        result.expect("topic created");
    }
}

/// One message as read back.
#[derive(Debug)]
pub struct Received {
    pub key: String,
    pub payload: serde_json::Value,
    pub headers: Vec<(String, String)>,
}

/// Reads every message of a topic of the shared test broker.
pub fn read_topic(topic: &str) -> Vec<Received> {
    read_topic_from(kafka(), topic)
}

/// Reads every message of a topic, from the beginning to the high watermark of each partition.
pub fn read_topic_from(bootstrap: &str, topic: &str) -> Vec<Received> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", unique_topic("reader"))
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("consumer");
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(30))
        .expect("metadata");
    let partitions: Vec<i32> = metadata.topics()[0]
        .partitions()
        .iter()
        .map(|p| p.id())
        .collect();
    let mut assignment = TopicPartitionList::new();
    let mut remaining = 0i64;
    let mut highs = std::collections::HashMap::new();
    for p in &partitions {
        let (low, high) = consumer
            .fetch_watermarks(topic, *p, Duration::from_secs(30))
            .expect("watermarks");
        assignment
            .add_partition_offset(topic, *p, rdkafka::Offset::Offset(low))
            .unwrap();
        remaining += high - low;
        highs.insert(*p, high);
    }
    consumer.assign(&assignment).expect("assign");
    let mut out = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while remaining > 0 {
        assert!(Instant::now() < deadline, "timed out reading {topic}");
        let Some(message) = consumer.poll(Duration::from_millis(500)) else {
            continue;
        };
        // Errors here are the client's reports about the cluster (a broker that is down);
        // the read goes on with the brokers that are up, within the deadline.
        let Ok(message) = message else {
            continue;
        };
        if message.offset() >= highs[&message.partition()] {
            continue;
        }
        remaining -= 1;
        let headers = message
            .headers()
            .map(|h| {
                h.iter()
                    .map(|h| {
                        (
                            h.key.to_string(),
                            String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Received {
            key: String::from_utf8_lossy(message.key().unwrap_or_default()).into_owned(),
            payload: serde_json::from_slice(message.payload().unwrap_or_default())
                .expect("payload is JSON"),
            headers,
        });
    }
    out
}

/// Waits until `topic` of the shared test broker holds at least `count` messages.
pub fn wait_for_messages(topic: &str, count: i64, timeout: Duration) -> bool {
    wait_for_messages_on(kafka(), topic, count, timeout)
}

/// Waits until `topic` holds at least `count` messages, reading watermarks.
pub fn wait_for_messages_on(bootstrap: &str, topic: &str, count: i64, timeout: Duration) -> bool {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", unique_topic("watcher"))
        .create()
        .expect("consumer");
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let Ok(metadata) = consumer.fetch_metadata(Some(topic), Duration::from_secs(10)) else {
            continue;
        };
        let total: i64 = metadata.topics()[0]
            .partitions()
            .iter()
            .map(|p| {
                consumer
                    .fetch_watermarks(topic, p.id(), Duration::from_secs(10))
                    .map(|(low, high)| high - low)
                    .unwrap_or(0)
            })
            .sum();
        if total >= count {
            return true;
        }
        // Watermark queries are cheap round trips; this only paces them.
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

/// The payloads a `read_committed` reader finds in a topic, from the beginning to the end of
/// each partition (aborted messages and transaction markers are skipped).
pub fn read_committed(bootstrap: &str, topic: &str) -> Vec<serde_json::Value> {
    read_as(bootstrap, topic, "read_committed")
}

/// The payloads of every message in a topic, those of aborted transactions included.
pub fn read_uncommitted(bootstrap: &str, topic: &str) -> Vec<serde_json::Value> {
    read_as(bootstrap, topic, "read_uncommitted")
}

fn read_as(bootstrap: &str, topic: &str, isolation: &str) -> Vec<serde_json::Value> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", unique_topic("committed-reader"))
        .set("isolation.level", isolation)
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(30))
        .expect("metadata");
    let mut out = Vec::new();
    for partition in metadata.topics()[0].partitions() {
        let id = partition.id();
        let (_, high) = consumer
            .fetch_watermarks(topic, id, Duration::from_secs(30))
            .expect("watermarks");
        if high == 0 {
            continue;
        }
        let mut list = TopicPartitionList::new();
        list.add_partition_offset(topic, id, rdkafka::Offset::Beginning)
            .unwrap();
        consumer.assign(&list).expect("assign");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let position = consumer.position().ok().and_then(|p| {
                match p.find_partition(topic, id)?.offset() {
                    rdkafka::Offset::Offset(o) => Some(o),
                    _ => None,
                }
            });
            if position.is_some_and(|p| p >= high) {
                break;
            }
            assert!(Instant::now() < deadline, "reading {topic} timed out");
            if let Some(Ok(message)) = consumer.poll(Duration::from_millis(200)) {
                out.push(
                    serde_json::from_slice(message.payload().unwrap_or_default())
                        .expect("payload is JSON"),
                );
            }
        }
    }
    out
}

/// An article record of `url` with `body`, as the parser would give it.
pub fn article(url: &str, body: String) -> tinstream_model::Article {
    let mut a = tinstream_model::Article {
        schema_version: tinstream_model::SCHEMA_VERSION,
        id: tinstream_model::article_id(url),
        url: url.into(),
        canonical_url: url.into(),
        site: "bao.example.vn".into(),
        title: "Tiêu đề".into(),
        lead: None,
        body,
        published_at: Some("2021-12-01T14:35:00+07:00".parse().unwrap()),
        modified_at: None,
        authors: vec!["Minh Anh".into()],
        source_agency: Some("TTXVN".into()),
        section: None,
        tags: vec![],
        images: vec![],
        language: Some("vi".into()),
        word_count: 0,
        content_hash: String::new(),
        fetched_at: chrono::Utc::now(),
    };
    a.normalize();
    a
}
