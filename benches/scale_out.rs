//! Scale-out benchmark: one crawl shared by 1, 2 and 3 `tinstream run` workers (release
//! build, cluster mode) against twelve sites on their own loopback addresses, each page
//! answered after 100 ms; a single-node Kafka broker started here. Then the same crawl by one
//! process in local mode, for the CPU per record beside cluster mode; and the time to restore
//! a partition's state of 100,000 frontier URLs from the state topic.
//!
//! `cargo bench --bench scale_out` (TINSTREAM_BENCH_WORKERS, the worker counts to run,
//! default 1,2,3; TINSTREAM_BENCH_ARTICLES_PER_SITE, default 100; the
//! restore size TINSTREAM_BENCH_RESTORE_URLS, default 100000). Under `cargo test` it does
//! nothing.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "support/proc_stats.rs"]
#[allow(dead_code)]
mod proc_stats;

use proc_stats::cpu_seconds;
use std::path::Path;
use std::time::{Duration, Instant};
use support::broker::Cluster;
use support::newsroom::{self, Newsroom};
use support::service::{self, Service};

const SITES: usize = 12;
/// One partition per site: a group of 1, 2 or 3 workers splits the sites evenly.
const PARTITIONS: u32 = 12;
const LATENCY: Duration = Duration::from_millis(100);
/// Pages fetched at once per worker: with 100 ms a page, one worker's bound is 40 pages/s.
const CONCURRENCY: usize = 4;
/// The per-host delay: 50 ms spreads each site's pages over time, so that the pages due
/// first are of every site (with none, a site's pages are all due at once, and a worker's
/// fetch slots wait behind the two each host allows).
const PER_HOST_DELAY_MS: u64 = 50;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Twelve loopback addresses whose registrable domains fall on the twelve partitions.
fn addresses() -> Vec<String> {
    let mut by_partition = std::collections::BTreeMap::new();
    for last in 2..=254 {
        let address = format!("127.0.1.{last}");
        by_partition
            .entry(tinstream_engine::partition_of(&address, PARTITIONS))
            .or_insert(address);
        if by_partition.len() == SITES {
            break;
        }
    }
    assert_eq!(by_partition.len(), SITES, "not every partition has a site");
    by_partition.into_values().collect()
}

fn config(
    dir: &Path,
    name: &str,
    sites: &[Newsroom],
    bootstrap: &str,
    topic: &str,
    group: &str,
    cluster: bool,
) -> (std::path::PathBuf, std::net::SocketAddr) {
    let listen = service::free_address();
    let sources = support::workers::sitemap_sources(sites);
    let cluster = if cluster {
        format!(
            "[cluster]\nmode = \"kafka\"\ngroup = \"{group}\"\nworker_id = \"{name}\"\nfrontier_topic = \"{group}.frontier\"\nstate_topic = \"{group}.state\"\npartitions = {PARTITIONS}\n"
        )
    } else {
        String::new()
    };
    let text = format!(
        r#"
[crawler]
concurrency = {CONCURRENCY}
per_host_delay = "{PER_HOST_DELAY_MS}ms"
per_host_concurrency = 2
data_dir = "{data}"
allow_private_networks = true

{sources}
[service]
listen = "{listen}"

[sink]
kind = "kafka"
max_in_flight = 1000
[sink.kafka]
brokers = "{bootstrap}"
topic = "{topic}"
dlq_topic = "{topic}-dlq"
create_topics = true
partitions = 3
replication_factor = 1

{cluster}
[log]
level = "warn"
"#,
        data = dir.join(name).display(),
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    (path, listen)
}

/// When each committed record arrived, as a `read_committed` reader saw them, until `n` came.
fn arrivals(bootstrap: &str, topic: &str, n: usize) -> Vec<Instant> {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", support::unique_topic("bench-reader"))
        .set("isolation.level", "read_committed")
        .set("auto.offset.reset", "earliest")
        .set("topic.metadata.refresh.interval.ms", "500")
        .create()
        .unwrap();
    consumer.subscribe(&[topic]).unwrap();
    let deadline = Instant::now() + Duration::from_secs(1800);
    let mut seen = Vec::with_capacity(n);
    while seen.len() < n && Instant::now() < deadline {
        if let Some(Ok(_)) = consumer.poll(Duration::from_millis(200)) {
            seen.push(Instant::now());
        }
    }
    assert_eq!(seen.len(), n, "not every record arrived");
    seen
}

/// Records per second between the arrival of the 10th and the 90th percent of the records:
/// the steady rate, without the start (group join, first polls) and the tail.
fn steady_rate(arrived: &[Instant]) -> f64 {
    let (a, b) = (arrived.len() / 10, arrived.len() * 9 / 10);
    (b - a) as f64 / (arrived[b] - arrived[a]).as_secs_f64()
}

struct Measured {
    rate: f64,
    cpu_ms_per_record: f64,
    /// Cores the whole machine kept busy (workers, broker, sites), from `/proc/stat`.
    machine_cores: f64,
}

/// Busy and total jiffies of the whole machine so far.
fn machine_jiffies() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let cpu: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = cpu.iter().sum();
    // idle and iowait
    let idle = cpu.get(3).copied().unwrap_or(0) + cpu.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

/// One crawl of the twelve sites by `workers` processes (or one local process), measured.
async fn crawl(bootstrap: &str, per_site: usize, workers: usize, cluster: bool) -> Measured {
    let mut sites = Vec::new();
    for (k, address) in addresses().iter().enumerate() {
        sites.push(newsroom::start_on(address, k * 100_000, per_site, LATENCY).await);
    }
    let dir = tempfile::tempdir().unwrap();
    let topic = support::unique_topic("bench-scale");
    let group = support::unique_topic("bench-group");
    let n = SITES * per_site;
    let reader = {
        let (b, t) = (bootstrap.to_string(), topic.clone());
        tokio::task::spawn_blocking(move || arrivals(&b, &t, n))
    };
    let services: Vec<Service> = (0..workers)
        .map(|i| {
            let name = format!("w{}", i + 1);
            let (path, listen) = config(
                dir.path(),
                &name,
                &sites,
                bootstrap,
                &topic,
                &group,
                cluster,
            );
            Service::start(&path, &dir.path().join(format!("{name}.log")), listen)
        })
        .collect();
    let before = machine_jiffies();
    let arrived = reader.await.unwrap();
    let after = machine_jiffies();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let machine_cores = (after.0 - before.0) as f64 / (after.1 - before.1).max(1) as f64 * cores;
    let cpu: f64 = services.iter().map(|s| cpu_seconds(s.pid())).sum();
    // What each worker did, and what it owned at the end: a worker that owns fewer sites
    // than its fetch slots can serve finishes early, and the others' rate is the tail's.
    let mut shares = Vec::new();
    for (i, service) in services.iter().enumerate() {
        shares.push(format!(
            "w{}: {} pages, {} partitions, {:.1} s waiting for hosts' turns",
            i + 1,
            service.metric("tinstream_pages_fetched_total").await,
            service.metric("tinstream_partitions_owned").await,
            service.metric("tinstream_host_wait_seconds_sum").await
        ));
    }
    println!("  {}", shares.join("; "));
    for service in services {
        service.terminate().await;
    }
    let records = {
        let (b, t) = (bootstrap.to_string(), topic.clone());
        tokio::task::spawn_blocking(move || support::read_committed(&b, &t))
            .await
            .unwrap()
    };
    let mut duplicates = 0;
    for site in &sites {
        let mine: Vec<serde_json::Value> = records
            .iter()
            .filter(|r| r["url"].as_str().unwrap().starts_with(&site.url("/")))
            .cloned()
            .collect();
        duplicates += site.check(&mine);
    }
    assert_eq!(duplicates, 0, "records published twice");
    Measured {
        rate: steady_rate(&arrived),
        cpu_ms_per_record: cpu * 1000.0 / n as f64,
        machine_cores,
    }
}

/// Seconds to restore one partition holding `urls` frontier entries into an empty store.
async fn restore(bootstrap: &str, urls: usize) -> f64 {
    use rdkafka::producer::{FutureProducer, FutureRecord};
    use tinstream_crawler::changelog::Entry;
    let topic = support::unique_topic("bench-state");
    support::create_topics_on(bootstrap, &[&topic], 1, &[("cleanup.policy", "compact")]).await;
    let producer: FutureProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "20")
        .set("compression.type", "zstd")
        .create()
        .unwrap();
    let mut sends = Vec::new();
    for i in 0..urls {
        let url = format!("https://bao-{}.example.vn/thoi-su/bai-{i}.html", i % 50);
        let entry = Entry::Frontier {
            key: url.clone(),
            entry: Some(tinstream_crawler::FrontierEntry {
                url,
                source: "https://bao.example.vn/sitemap.xml".into(),
                due_ms: 1_796_000_000_000 + i as u64,
                requeues: 0,
                recheck: None,
                hint: Default::default(),
            }),
        };
        let (key, value) = (entry.key(), entry.value().unwrap());
        let producer = producer.clone();
        let topic = topic.clone();
        sends.push(async move {
            producer
                .send(
                    FutureRecord::to(&topic)
                        .partition(0)
                        .key(&key)
                        .payload(&value),
                    Duration::from_secs(60),
                )
                .await
                .map(|_| ())
                .map_err(|(e, _)| e)
        });
        if sends.len() == 10_000 {
            for sent in futures::future::join_all(sends.drain(..)).await {
                sent.unwrap();
            }
        }
    }
    for sent in futures::future::join_all(sends).await {
        sent.unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let kafka = tinstream_sink::KafkaConfig {
        brokers: bootstrap.to_string(),
        ..Default::default()
    };
    tokio::task::spawn_blocking(move || {
        let store = tinstream_crawler::StateStore::open(dir.path()).unwrap();
        let started = Instant::now();
        let restored = tinstream_cluster::restore(&kafka, &topic, 0, &store).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(restored.entries as usize, urls);
        assert_eq!(store.frontier_len().unwrap() as usize, urls);
        seconds
    })
    .await
    .unwrap()
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("scale_out: run with `cargo bench --bench scale_out`");
        return;
    }
    let per_site = env_number("TINSTREAM_BENCH_ARTICLES_PER_SITE", 100) as usize;
    let urls = env_number("TINSTREAM_BENCH_RESTORE_URLS", 100_000) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let cluster = tokio::task::spawn_blocking(|| Cluster::start(1))
            .await
            .unwrap();
        let bootstrap = cluster.bootstrap();
        let n = SITES * per_site;
        let local = crawl(&bootstrap, per_site, 1, false).await;
        println!(
            "local, 1 process: {:.1} records/s, CPU {:.2} ms per record, machine busy {:.2} cores ({n} records)",
            local.rate, local.cpu_ms_per_record, local.machine_cores
        );
        let mut one = None;
        let counts: Vec<usize> = std::env::var("TINSTREAM_BENCH_WORKERS")
            .ok()
            .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
            .unwrap_or_else(|| vec![1, 2, 3]);
        for workers in counts {
            let m = crawl(&bootstrap, per_site, workers, true).await;
            if workers == 1 {
                one = Some(m.rate);
            }
            // Beside one worker, when it was measured.
            let ratio = one.map_or(String::new(), |base| format!(" ({:.2}x)", m.rate / base));
            println!(
                "cluster, {workers} worker(s): {:.1} records/s{ratio}, CPU {:.2} ms per record over all workers, machine busy {:.2} cores ({n} records)",
                m.rate,
                m.cpu_ms_per_record,
                m.machine_cores
            );
        }
        let seconds = restore(&bootstrap, urls).await;
        println!(
            "restore: {urls} frontier URLs of one partition in {seconds:.2} s ({:.0} entries/s)",
            urls as f64 / seconds
        );
        drop(cluster);
    });
}
