//! One crawl shared by several `tinstream run` workers: sites on their own loopback addresses
//! (each its own host, domain and partition), the workers' configuration, and the checks a
//! `read_committed` reader of the records topic makes at the end.

use super::newsroom::{self, Newsroom};
use super::service::Service;
use std::path::PathBuf;
use std::time::Duration;

pub const SITES: usize = 6;
pub const ARTICLES_PER_SITE: usize = 20;
pub const PARTITIONS: u32 = 8;
pub const PER_HOST_DELAY: Duration = Duration::from_millis(400);
pub const MAX_IN_FLIGHT: usize = 10;

/// Where the workers' brokers are, and how their topics are replicated.
#[derive(Clone)]
pub struct Brokers {
    pub bootstrap: String,
    pub replication: usize,
}

impl Brokers {
    /// The test broker every test shares.
    pub fn shared() -> Brokers {
        Brokers {
            bootstrap: super::kafka().to_string(),
            replication: 1,
        }
    }
}

/// The crawl: its sites, brokers, consumer group and records topic, and a folder for the
/// workers' configurations, states and logs.
pub struct Crawl {
    pub sites: Vec<Newsroom>,
    pub brokers: Brokers,
    pub group: String,
    pub topic: String,
    /// `[cluster]` lines added to every worker's configuration.
    pub cluster_extra: String,
    dir: tempfile::TempDir,
}

impl Crawl {
    pub async fn new(brokers: Brokers) -> Crawl {
        Crawl {
            sites: sites().await,
            brokers,
            group: super::unique_topic("cluster"),
            topic: super::unique_topic("articles"),
            cluster_extra: String::new(),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Every worker's log (of every run under its name), one after the other.
    pub fn logs(&self) -> String {
        let mut logs: Vec<_> = std::fs::read_dir(self.dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "log"))
            .collect();
        logs.sort();
        logs.iter()
            .map(|p| {
                format!(
                    "== {}\n{}",
                    p.display(),
                    std::fs::read_to_string(p).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Every request the workers' logs say they started, in all their runs.
    pub fn request_starts(&self) -> Vec<Start> {
        let mut starts = Vec::new();
        for entry in std::fs::read_dir(self.dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "log") {
                continue;
            }
            let worker = path.file_stem().unwrap().to_string_lossy().to_string();
            for line in std::fs::read_to_string(&path).unwrap_or_default().lines() {
                let Ok(event) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                if event["fields"]["message"] != "request started" {
                    continue;
                }
                starts.push(Start {
                    wall: event["fields"]["started"]
                        .as_str()
                        .unwrap()
                        .parse()
                        .unwrap(),
                    url: event["fields"]["url"].as_str().unwrap().to_string(),
                    worker: worker.clone(),
                });
            }
        }
        starts.sort_by_key(|s| s.wall);
        starts
    }

    pub fn total(&self) -> usize {
        SITES * ARTICLES_PER_SITE
    }

    /// Starts worker `name` (its state and log under the crawl's folder, kept across its
    /// restarts).
    pub fn start(&self, name: &str) -> Service {
        let listen = super::service::free_address();
        let config = self.config(name, listen);
        let log = self.dir.path().join(format!("{name}.log"));
        Service::start(&config, &log, listen)
    }

    pub fn start_all(&self, names: &[&str]) -> Vec<Service> {
        names.iter().map(|name| self.start(name)).collect()
    }

    fn config(&self, worker: &str, listen: std::net::SocketAddr) -> PathBuf {
        let sources = sitemap_sources(&self.sites);
        let path = self.dir.path().join(format!("{worker}.toml"));
        let config = format!(
            r#"
[crawler]
concurrency = 4
per_host_delay = "{delay}ms"
user_agent = "tinstream-test {worker}"
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
{extra}
"#,
            data = self.dir.path().join(worker).display(),
            delay = PER_HOST_DELAY.as_millis(),
            brokers = self.brokers.bootstrap,
            replication = self.brokers.replication,
            min_insync = self.brokers.replication.min(2),
            topic = self.topic,
            group = self.group,
            extra = self.cluster_extra,
        );
        std::fs::write(&path, config).unwrap();
        path
    }

    /// Waits for `n` records to be committed (3 minutes at most), showing the workers' logs if
    /// they do not come.
    pub async fn wait_committed(&self, n: usize, workers: &[&Service]) {
        let (b, t) = (self.brokers.bootstrap.clone(), self.topic.clone());
        let arrived = tokio::task::spawn_blocking(move || committed_arrive(&b, &t, n))
            .await
            .unwrap();
        assert!(
            arrived,
            "{n} records did not arrive; logs:\n{}",
            logs(workers)
        );
    }

    /// Checks the topic as a `read_committed` reader sees it: every article of every site
    /// exactly once; no two requests to one site closer than the per-host delay; articles
    /// fetched at most `bound` times in all.
    pub async fn check_exactly_once(&self, bound: usize) {
        let (b, t) = (self.brokers.bootstrap.clone(), self.topic.clone());
        let records = tokio::task::spawn_blocking(move || super::read_committed(&b, &t))
            .await
            .unwrap();
        for site in &self.sites {
            let mine: Vec<serde_json::Value> = records
                .iter()
                .filter(|r| r["url"].as_str().unwrap().starts_with(&site.url("/")))
                .cloned()
                .collect();
            if site.check(&mine) > 0 {
                let mut seen = std::collections::HashMap::new();
                for record in &mine {
                    *seen.entry(record["url"].as_str().unwrap()).or_insert(0) += 1;
                }
                let twice: Vec<_> = seen.into_iter().filter(|(_, n)| *n > 1).collect();
                panic!("records published twice: {twice:?}; logs:\n{}", self.logs());
            }
        }
        assert_eq!(records.len(), self.total());
        // No two requests to one site started closer than the per-host delay, across workers
        // and handovers. The site notes when a request arrives, which is later than the start
        // by the time the request takes to reach it: on a loaded 2-core machine up to 130 ms
        // was seen (a worker or the test's runtime not scheduled), so the sites' gaps alone
        // cannot tell a breach from a slow way. The workers log when each host's turn began
        // (by the wall clock both sides read); every request a site saw must be one the logs
        // started, and the starts, across all workers, must be the delay apart.
        let starts = self.request_starts();
        for site in &self.sites {
            let pacing = Pacing::of(site, &starts);
            let (first, second) = site.closest().unwrap();
            let at_site = format!(
                "closest at the site {:?} apart: {first} then {second}",
                second.at - first.at
            );
            assert!(
                pacing.unlogged.is_empty(),
                "requests to {} that no worker's log started; {pacing}; {at_site}; logs:\n{}",
                site.url("/"),
                self.logs()
            );
            let (a, b) = pacing.closest_starts.as_ref().unwrap();
            // Less a millisecond for the logs' rounding to microseconds and the two clocks
            // read to turn the gate's instant into wall time.
            let delay = chrono::TimeDelta::from_std(PER_HOST_DELAY).unwrap();
            assert!(
                b.wall - a.wall >= delay - chrono::TimeDelta::milliseconds(1),
                "two requests to {} started closer than the delay; {pacing}; {at_site}; logs:\n{}",
                site.url("/"),
                self.logs()
            );
        }
        let fetches: usize = self.sites.iter().map(|s| s.article_requests()).sum();
        assert!(
            fetches <= bound,
            "{fetches} article fetches; at most {bound} expected; logs:\n{}",
            self.logs()
        );
    }

    /// Stops the workers (each must exit 0), then checks the topic (see
    /// [`Crawl::check_exactly_once`]) with the bound of every article once, plus what one
    /// worker may have in flight when it dies, plus as much for every transaction the
    /// workers saw aborted: those pages are done again. A page's record holds one of the
    /// worker's `max_in_flight` delivery permits until its transaction ends, so no
    /// transaction holds more.
    pub async fn finish(&self, workers: Vec<Service>) {
        let mut aborted = 0.0;
        for worker in workers {
            aborted += worker
                .metric("tinstream_transactions_total{outcome=\"aborted\"}")
                .await;
            let status = worker.terminate().await;
            assert!(status.success(), "exit {status}");
        }
        self.check_exactly_once(self.total() + MAX_IN_FLIGHT * (1 + aborted as usize))
            .await;
    }
}

/// A `[[sources]]` table for the sitemap of each site, polled hourly (once, in a test).
pub fn sitemap_sources(sites: &[Newsroom]) -> String {
    sites
        .iter()
        .map(|site| {
            format!(
                "[[sources]]\nkind = \"sitemap\"\nurl = \"{}\"\nevery = \"1h\"\n",
                site.url("/sitemap.xml")
            )
        })
        .collect()
}

/// The workers' logs, one after the other.
pub fn logs(workers: &[&Service]) -> String {
    workers
        .iter()
        .map(|w| w.log())
        .collect::<Vec<_>>()
        .join("\n----\n")
}

/// How many partitions the workers' logs say were assigned to them, in all.
pub fn assignments(workers: &[Service]) -> usize {
    workers
        .iter()
        .map(|w| w.log().matches("partition assigned").count())
        .sum()
}

/// Reads the topic as a `read_committed` consumer until `n` records have come (3 minutes at
/// most); whether they came.
fn committed_arrive(bootstrap: &str, topic: &str, n: usize) -> bool {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", super::unique_topic("watcher"))
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
/// two workers or more, each worker owns some of them, whatever the split.
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

/// A request as a worker's log says it started it: when the host's turn began.
#[derive(Clone, Debug)]
pub struct Start {
    pub wall: chrono::DateTime<chrono::Utc>,
    pub url: String,
    pub worker: String,
}

/// A site's requests held against the workers' starts of them: the shortest gap between two
/// starts (across workers), and the longest way from a start to the site.
pub struct Pacing {
    site: String,
    /// The two starts closest together.
    closest_starts: Option<(Start, Start)>,
    /// The longest way, and its request.
    slowest: Option<(chrono::TimeDelta, newsroom::Arrival)>,
    /// Requests the site saw that no worker's log started.
    unlogged: Vec<newsroom::Arrival>,
}

impl Pacing {
    pub fn of(site: &Newsroom, starts: &[Start]) -> Pacing {
        let base = site.url("/");
        let mine: Vec<&Start> = starts.iter().filter(|s| s.url.starts_with(&base)).collect();
        let closest_starts = mine
            .windows(2)
            .min_by_key(|w| w[1].wall - w[0].wall)
            .map(|w| (w[0].clone(), w[1].clone()));
        let mut slowest: Option<(chrono::TimeDelta, newsroom::Arrival)> = None;
        let mut unlogged = Vec::new();
        for arrival in site.arrivals() {
            let url = site.url(&arrival.path);
            // The latest start of that page by that worker before it came.
            let start = mine.iter().rev().find(|s| {
                s.url == url
                    && arrival.agent.ends_with(&format!(" {}", s.worker))
                    && s.wall <= arrival.wall
            });
            match start {
                Some(start) => {
                    let way = arrival.wall - start.wall;
                    if slowest.as_ref().is_none_or(|(w, _)| way > *w) {
                        slowest = Some((way, arrival));
                    }
                }
                None => unlogged.push(arrival),
            }
        }
        Pacing {
            site: base,
            closest_starts,
            slowest,
            unlogged,
        }
    }
}

impl std::fmt::Display for Pacing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pacing of {}:", self.site)?;
        if let Some((a, b)) = &self.closest_starts {
            let gap = (b.wall - a.wall).num_microseconds().unwrap_or(0) as f64 / 1000.0;
            write!(
                f,
                " closest starts {gap:.3} ms apart ({} by {} at {}, {} by {} at {});",
                a.url,
                a.worker,
                a.wall.format("%H:%M:%S%.6f"),
                b.url,
                b.worker,
                b.wall.format("%H:%M:%S%.6f")
            )?;
        }
        if let Some((way, arrival)) = &self.slowest {
            let ms = way.num_microseconds().unwrap_or(0) as f64 / 1000.0;
            write!(f, " slowest way from start to site {ms:.3} ms ({arrival});")?;
        }
        write!(f, " {} requests no log started", self.unlogged.len())?;
        for arrival in self.unlogged.iter().take(5) {
            write!(f, " [{arrival}]")?;
        }
        Ok(())
    }
}
