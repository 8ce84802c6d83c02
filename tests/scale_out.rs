//! Several workers share one crawl through Kafka: six sites on their own loopback addresses,
//! two `tinstream run` processes in one cluster (frontier and state topics, a consumer group,
//! transactions). A `read_committed` reader finds every article exactly once, both workers
//! fetched some, no site was asked twice within the per-host delay (across workers and
//! handovers), and no article was fetched more than the in-flight bound allows.

mod support;

use std::time::Duration;
use support::broker::Cluster;
use support::newsroom::{self, Newsroom};
use support::service::Service;

const SITES: usize = 6;
const ARTICLES_PER_SITE: usize = 20;
const PARTITIONS: u32 = 8;
const PER_HOST_DELAY: Duration = Duration::from_millis(400);
const MAX_IN_FLIGHT: usize = 10;

/// Where the workers' brokers are, and how their topics are replicated.
struct Brokers {
    bootstrap: String,
    replication: usize,
}

impl Brokers {
    fn shared() -> Brokers {
        Brokers {
            bootstrap: support::kafka().to_string(),
            replication: 1,
        }
    }
}

fn worker_config(
    dir: &std::path::Path,
    sites: &[Newsroom],
    brokers: &Brokers,
    group: &str,
    topic: &str,
    worker: &str,
    listen: std::net::SocketAddr,
) -> std::path::PathBuf {
    let sources: String = sites
        .iter()
        .map(|site| {
            format!(
                "[[sources]]\nkind = \"sitemap\"\nurl = \"{}\"\nevery = \"1h\"\n",
                site.url("/sitemap.xml")
            )
        })
        .collect();
    let path = dir.join(format!("{worker}.toml"));
    let config = format!(
        r#"
[crawler]
concurrency = 4
per_host_delay = "{delay}ms"
data_dir = "{data}"
allow_private_networks = true

{sources}
[service]
listen = "{listen}"

[sink]
kind = "kafka"
max_in_flight = {MAX_IN_FLIGHT}
[sink.kafka]
brokers = "{brokers}"
topic = "{topic}"
dlq_topic = "{topic}-dlq"
create_topics = true
partitions = 3
replication_factor = {replication}
[sink.kafka.topic_config]
"min.insync.replicas" = "{min_insync}"

[cluster]
mode = "kafka"
group = "{group}"
worker_id = "{worker}"
frontier_topic = "{group}.frontier"
state_topic = "{group}.state"
partitions = {PARTITIONS}
"#,
        data = dir.join(worker).display(),
        delay = PER_HOST_DELAY.as_millis(),
        brokers = brokers.bootstrap,
        replication = brokers.replication,
        min_insync = brokers.replication.min(2),
    );
    std::fs::write(&path, config).unwrap();
    path
}

/// Reads the topic as a `read_committed` consumer until `n` records have come (3 minutes at
/// most); whether they came.
fn committed_arrive(bootstrap: &str, topic: &str, n: usize) -> bool {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", support::unique_topic("watcher"))
        .set("isolation.level", "read_committed")
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        // The topic is created by the workers, maybe after this starts.
        .set("topic.metadata.refresh.interval.ms", "500")
        .create()
        .unwrap();
    consumer.subscribe(&[topic]).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    let mut seen = 0;
    while seen < n && std::time::Instant::now() < deadline {
        if let Some(Ok(_)) = consumer.poll(Duration::from_millis(500)) {
            seen += 1;
        }
    }
    seen >= n
}

/// Six sites on addresses in six different partitions: with eight partitions split between
/// two workers, each worker owns some of them, whatever the split.
async fn sites() -> Vec<Newsroom> {
    let mut addresses = Vec::new();
    let mut used = std::collections::HashSet::new();
    for last in 2..=254 {
        let address = format!("127.0.0.{last}");
        if used.insert(tinstream_engine::partition_of(&address, PARTITIONS)) {
            addresses.push(address);
        }
        if addresses.len() == SITES {
            break;
        }
    }
    let mut sites = Vec::new();
    for (k, address) in addresses.iter().enumerate() {
        sites.push(
            newsroom::start_on(
                address,
                k * 1000,
                ARTICLES_PER_SITE,
                Duration::from_millis(20),
            )
            .await,
        );
    }
    sites
}

/// Starts the workers `names` of one cluster.
fn workers(
    dir: &std::path::Path,
    sites: &[Newsroom],
    brokers: &Brokers,
    group: &str,
    topic: &str,
    names: &[&str],
) -> Vec<Service> {
    names
        .iter()
        .map(|name| {
            let listen = support::service::free_address();
            let config = worker_config(dir, sites, brokers, group, topic, name, listen);
            let log = dir.join(format!("{name}.log"));
            Service::start(&config, &log, listen)
        })
        .collect()
}

/// Waits for `n` records to be committed, showing the workers' logs if they do not come.
async fn wait_committed(brokers: &Brokers, topic: &str, n: usize, workers: &[&Service]) {
    let (b, t) = (brokers.bootstrap.clone(), topic.to_string());
    let arrived = tokio::task::spawn_blocking(move || committed_arrive(&b, &t, n))
        .await
        .unwrap();
    assert!(
        arrived,
        "{n} records did not arrive; logs:\n{}",
        workers
            .iter()
            .map(|w| w.log())
            .collect::<Vec<_>>()
            .join("\n----\n")
    );
}

/// Checks the topic as a `read_committed` reader sees it: every article of every site exactly
/// once; and that articles were fetched at most `bound` times in all.
async fn check_exactly_once(brokers: &Brokers, topic: &str, sites: &[Newsroom], bound: usize) {
    let (b, t) = (brokers.bootstrap.clone(), topic.to_string());
    let records = tokio::task::spawn_blocking(move || support::read_committed(&b, &t))
        .await
        .unwrap();
    for site in sites {
        let mine: Vec<serde_json::Value> = records
            .iter()
            .filter(|r| r["url"].as_str().unwrap().starts_with(&site.url("/")))
            .cloned()
            .collect();
        assert_eq!(site.check(&mine), 0, "records published twice");
    }
    assert_eq!(records.len(), SITES * ARTICLES_PER_SITE);
    // No two requests to one site closer than the per-host delay, across workers and
    // handovers. The site notes when a request arrives, not when the crawler started it: a
    // request that took longer to arrive than the next one shortens the gap seen, by the
    // connection's set-up on a busy machine at most.
    for site in sites {
        let (gap, first, second) = site.shortest_gap().unwrap();
        assert!(
            gap >= PER_HOST_DELAY - Duration::from_millis(50),
            "two requests to {} {gap:?} apart: {first} then {second}",
            site.url("/")
        );
    }
    let fetches: usize = sites.iter().map(|s| s.article_requests()).sum();
    assert!(
        fetches <= bound,
        "{fetches} article fetches; at most {bound} expected"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_share_a_crawl_and_every_article_is_published_once() {
    let sites = sites().await;
    let dir = tempfile::tempdir().unwrap();
    let group = support::unique_topic("cluster");
    let topic = support::unique_topic("articles");
    let brokers = Brokers::shared();
    let workers = workers(dir.path(), &sites, &brokers, &group, &topic, &["w1", "w2"]);
    let total = SITES * ARTICLES_PER_SITE;
    wait_committed(&brokers, &topic, total, &workers.iter().collect::<Vec<_>>()).await;

    // Both workers fetched articles: the group gave each a share of the sites.
    for worker in &workers {
        let fetched = worker.metric("tinstream_pages_fetched_total").await;
        assert!(
            fetched > 0.0,
            "a worker fetched nothing; log:\n{}",
            worker.log()
        );
    }
    for worker in workers {
        let status = worker.terminate().await;
        assert!(status.success(), "exit {status}");
    }
    check_exactly_once(&brokers, &topic, &sites, total + MAX_IN_FLIGHT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_crawl_loses_nothing_and_duplicates_nothing() {
    killed_worker(Brokers::shared(), &["w1", "w2"]).await;
}

/// Three workers on a three-broker cluster (replication factor 3, `min.insync.replicas` 2):
/// one is killed and not restarted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_on_three_brokers_lose_one_and_publish_each_article_once() {
    let cluster = Cluster::started(3).await;
    let brokers = Brokers {
        bootstrap: cluster.bootstrap(),
        replication: 3,
    };
    killed_worker(brokers, &["w1", "w2", "w3"]).await;
    drop(cluster);
}

/// The workers `names` share the crawl; the first is SIGKILLed once a quarter of the records
/// are committed, and not restarted.
async fn killed_worker(brokers: Brokers, names: &[&str]) {
    let sites = sites().await;
    let dir = tempfile::tempdir().unwrap();
    let group = support::unique_topic("cluster");
    let topic = support::unique_topic("articles");
    let mut workers = workers(dir.path(), &sites, &brokers, &group, &topic, names);
    let total = SITES * ARTICLES_PER_SITE;
    wait_committed(
        &brokers,
        &topic,
        total / 4,
        &workers.iter().collect::<Vec<_>>(),
    )
    .await;

    // The first worker dies without a word, in the middle of whatever it was doing, and does
    // not come back: the group moves its partitions to the others once its session times
    // out, and they restore their state from the state topic.
    let victim = workers.remove(0);
    assert!(
        victim.metric("tinstream_pages_fetched_total").await > 0.0,
        "the worker to kill had fetched nothing yet"
    );
    let assigned = |workers: &[Service]| -> usize {
        workers
            .iter()
            .map(|w| w.log().matches("partition assigned").count())
            .sum()
    };
    let assigned_before = assigned(&workers);
    victim.kill().await;
    wait_committed(&brokers, &topic, total, &workers.iter().collect::<Vec<_>>()).await;
    // The survivors took the dead worker's partitions.
    assert!(
        assigned(&workers) > assigned_before,
        "no partition moved to a survivor; logs:\n{}",
        workers
            .iter()
            .map(|w| w.log())
            .collect::<Vec<_>>()
            .join("\n----\n")
    );
    for survivor in workers {
        let status = survivor.terminate().await;
        assert!(status.success(), "exit {status}");
    }
    // What the killed worker had fetched and not committed is fetched again: at most its
    // records in flight.
    check_exactly_once(&brokers, &topic, &sites, total + MAX_IN_FLIGHT).await;
}
