//! Several workers share one crawl through Kafka: six sites on their own loopback addresses,
//! two `tinstream run` processes in one cluster (frontier and state topics, a consumer group,
//! transactions). A `read_committed` reader finds every article exactly once, both workers
//! fetched some, no site was asked twice within the per-host delay (across workers and
//! handovers), and no article was fetched more than the in-flight bound allows.

mod support;

use std::time::Duration;
use support::newsroom::{self, Newsroom};
use support::service::Service;

const SITES: usize = 6;
const ARTICLES_PER_SITE: usize = 20;
const PARTITIONS: u32 = 8;
const PER_HOST_DELAY: Duration = Duration::from_millis(400);
const MAX_IN_FLIGHT: usize = 10;

fn worker_config(
    dir: &std::path::Path,
    sites: &[Newsroom],
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
replication_factor = 1

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
        brokers = support::kafka(),
    );
    std::fs::write(&path, config).unwrap();
    path
}

/// Reads the topic as a `read_committed` consumer until `n` records have come (3 minutes at
/// most); whether they came.
fn committed_arrive(topic: &str, n: usize) -> bool {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", support::kafka())
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
    group: &str,
    topic: &str,
    names: &[&str],
) -> Vec<Service> {
    names
        .iter()
        .map(|name| {
            let listen = support::service::free_address();
            let config = worker_config(dir, sites, group, topic, name, listen);
            let log = dir.join(format!("{name}.log"));
            Service::start(&config, &log, listen)
        })
        .collect()
}

/// Waits for `n` records to be committed, showing the workers' logs if they do not come.
async fn wait_committed(topic: &str, n: usize, workers: &[&Service]) {
    let t = topic.to_string();
    let arrived = tokio::task::spawn_blocking(move || committed_arrive(&t, n))
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
async fn check_exactly_once(topic: &str, sites: &[Newsroom], bound: usize) {
    let t = topic.to_string();
    let records =
        tokio::task::spawn_blocking(move || support::read_committed(support::kafka(), &t))
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
        let gap = site.shortest_gap().unwrap();
        assert!(
            gap >= PER_HOST_DELAY - Duration::from_millis(50),
            "two requests to {} {gap:?} apart",
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
    let workers = workers(dir.path(), &sites, &group, &topic, &["w1", "w2"]);
    let total = SITES * ARTICLES_PER_SITE;
    wait_committed(&topic, total, &workers.iter().collect::<Vec<_>>()).await;

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
    check_exactly_once(&topic, &sites, total + MAX_IN_FLIGHT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_crawl_loses_nothing_and_duplicates_nothing() {
    let sites = sites().await;
    let dir = tempfile::tempdir().unwrap();
    let group = support::unique_topic("cluster");
    let topic = support::unique_topic("articles");
    let mut workers = workers(dir.path(), &sites, &group, &topic, &["w1", "w2"]);
    let total = SITES * ARTICLES_PER_SITE;
    wait_committed(&topic, total / 4, &workers.iter().collect::<Vec<_>>()).await;

    // w1 dies without a word, in the middle of whatever it was doing, and does not come
    // back: the group moves its partitions to w2 once its session times out, and w2 restores
    // their state from the state topic.
    let survivor = workers.pop().unwrap();
    let victim = workers.pop().unwrap();
    assert!(
        victim.metric("tinstream_pages_fetched_total").await > 0.0,
        "the worker to kill had fetched nothing yet"
    );
    let assigned_before = survivor.log().matches("partition assigned").count();
    victim.kill().await;
    wait_committed(&topic, total, &[&survivor]).await;
    // The survivor took the dead worker's partitions.
    let assigned_after = survivor.log().matches("partition assigned").count();
    assert!(
        assigned_after > assigned_before,
        "no partition moved to the survivor; log:\n{}",
        survivor.log()
    );
    let status = survivor.terminate().await;
    assert!(status.success(), "exit {status}");
    // What the killed worker had fetched and not committed is fetched again: at most its
    // records in flight.
    check_exactly_once(&topic, &sites, total + MAX_IN_FLIGHT).await;
}
