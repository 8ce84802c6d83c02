//! `tinstream run` as a child process, with its HTTP endpoints: readiness, metrics, SIGTERM
//! and SIGKILL.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::{Duration, Instant};

/// How long the metrics endpoint may take to answer, a start included.
const METRICS_ANSWER: Duration = Duration::from_secs(30);

/// A running `tinstream run`.
pub struct Service {
    child: std::sync::Mutex<tokio::process::Child>,
    log: PathBuf,
    pub listen: SocketAddr,
    http: reqwest::Client,
}

/// A free loopback address for the service's endpoints.
pub fn free_address() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], super::free_port()))
}

/// A configuration crawling one sitemap, with the given `[crawler]`/`[sink]` extras.
#[allow(clippy::too_many_arguments)]
pub fn write_config(
    dir: &Path,
    sitemap: &str,
    listen: SocketAddr,
    concurrency: usize,
    max_in_flight: usize,
    sink: &str,
) -> PathBuf {
    let path = dir.join("tinstream.toml");
    let config = format!(
        r#"
[crawler]
user_agent = "tinstream-test (+https://github.com/tinstream/tinstream)"
concurrency = {concurrency}
per_host_concurrency = {concurrency}
per_host_delay = "0s"
data_dir = "{data}"
allow_private_networks = true

[[sources]]
kind = "sitemap"
url = "{sitemap}"
every = "1h"

[service]
listen = "{listen}"

[sink]
max_in_flight = {max_in_flight}
{sink}
"#,
        data = dir.join("state").display(),
    );
    std::fs::write(&path, config).unwrap();
    path
}

impl Service {
    /// Starts `tinstream run --config <config>`, appending its log to `log`.
    pub fn start(config: &Path, log: &Path, listen: SocketAddr) -> Service {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_tinstream"))
            .arg("run")
            .arg("--config")
            .arg(config)
            // The start of each request at debug level: the politeness checks hold the sites'
            // logs against it.
            .env(
                "RUST_LOG",
                "info,rdkafka=warn,tinstream_engine::polite=debug",
            )
            .stdout(std::process::Stdio::null())
            .stderr(out)
            .kill_on_drop(true)
            .spawn()
            .expect("start tinstream");
        Service {
            child: std::sync::Mutex::new(child),
            log: log.to_path_buf(),
            listen,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap(),
        }
    }

    /// Fails the test, with the log, when the process has exited.
    fn check_running(&self) {
        if let Ok(Some(status)) = self.child.lock().unwrap().try_wait() {
            panic!("tinstream exited ({status}); log:\n{}", self.log());
        }
    }

    /// The log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// GETs one endpoint: status and body; None while nothing answers.
    pub async fn get(&self, path: &str) -> Option<(u16, String)> {
        let response = self
            .http
            .get(format!("http://{}{path}", self.listen))
            .send()
            .await
            .ok()?;
        let status = response.status().as_u16();
        Some((status, response.text().await.ok()?))
    }

    /// The service's metrics, by name with labels (`tinstream_pages_failed_total{stage="parse"}`).
    /// Waits for the endpoint to answer (it listens a moment after the start): a request that
    /// goes unanswered is never read as an empty page, which would pass any check for zero.
    /// Fails with the log when the process exits, the endpoint answers other than 200, or it
    /// does not answer within [`METRICS_ANSWER`].
    pub async fn metrics(&self) -> HashMap<String, f64> {
        let text = self
            .poll(
                METRICS_ANSWER,
                || format!("/metrics did not answer in {METRICS_ANSWER:?}"),
                || async move {
                    match self.get("/metrics").await? {
                        (200, text) => Some(text),
                        (status, text) => {
                            panic!("/metrics answered {status}: {text}; log:\n{}", self.log())
                        }
                    }
                },
            )
            .await;
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (name, value) = l.rsplit_once(' ')?;
                Some((name.to_string(), value.parse().ok()?))
            })
            .collect()
    }

    /// One metric; 0 when the service does not report it (yet): counters appear on their
    /// first increment.
    pub async fn metric(&self, name: &str) -> f64 {
        self.metrics().await.get(name).copied().unwrap_or(0.0)
    }

    /// Waits until `check` holds, polling the service; fails with the log after `timeout`.
    pub async fn wait_until<F, Fut>(&self, what: &str, timeout: Duration, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        self.poll(
            timeout,
            || format!("timed out waiting for {what}"),
            || {
                let holds = check();
                async move { holds.await.then_some(()) }
            },
        )
        .await
    }

    /// Asks `attempt` until it gives a value, every 100 ms; fails with the log when the
    /// process has exited, or after `timeout` with `what_failed()`.
    async fn poll<T, F, Fut>(
        &self,
        timeout: Duration,
        what_failed: impl Fn() -> String,
        mut attempt: F,
    ) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(value) = attempt().await {
                return value;
            }
            self.check_running();
            assert!(
                Instant::now() < deadline,
                "{}; log:\n{}",
                what_failed(),
                self.log()
            );
            // Polling an HTTP endpoint or a file; this only paces the attempts.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `/readyz` answers `ready` (200) or not (503); returns its body.
    pub async fn wait_readiness(&self, ready: bool, timeout: Duration) -> String {
        let want = if ready { 200 } else { 503 };
        // The last other answer, for the failure's message.
        let last = &std::sync::Mutex::new(String::new());
        self.poll(
            timeout,
            || {
                format!(
                    "/readyz never answered {want} (last: {:?})",
                    last.lock().unwrap()
                )
            },
            || async move {
                let (status, text) = self.get("/readyz").await?;
                if status == want {
                    return Some(text);
                }
                *last.lock().unwrap() = text;
                None
            },
        )
        .await
    }

    /// SIGTERM, then waits for the exit.
    pub async fn terminate(self) -> ExitStatus {
        let mut child = self.child.into_inner().unwrap();
        let pid = child.id().expect("running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        match tokio::time::timeout(Duration::from_secs(90), child.wait()).await {
            Ok(status) => status.unwrap(),
            Err(_) => panic!(
                "no exit 90 s after SIGTERM; log:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            ),
        }
    }

    /// Sends `signal` (such as `TERM`) to the process.
    pub fn signal(&self, signal: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit, for at most `timeout`.
    pub async fn wait(self, timeout: Duration) -> ExitStatus {
        let mut child = self.child.into_inner().unwrap();
        tokio::time::timeout(timeout, child.wait())
            .await
            .expect("the process exits")
            .unwrap()
    }

    /// SIGKILL: no chance to clean up.
    pub async fn kill(self) {
        let mut child = self.child.into_inner().unwrap();
        child.start_kill().unwrap();
        let _ = child.wait().await;
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.lock().unwrap().id().expect("running")
    }
}

/// The `[sink]` lines of a Kafka sink that creates its topics (3 partitions, the brokers'
/// default replication factor).
pub fn kafka_sink(brokers: &str, topic: &str, extra: &str) -> String {
    format!(
        "kind = \"kafka\"\n[sink.kafka]\nbrokers = \"{brokers}\"\ntopic = \"{topic}\"\ndlq_topic = \"{topic}-dlq\"\ncreate_topics = true\npartitions = 3\n{extra}"
    )
}

/// Waits until the topic holds at least `n` messages.
pub async fn wait_for(bootstrap: &str, topic: &str, n: usize, service: &Service) {
    let (b, t) = (bootstrap.to_string(), topic.to_string());
    let arrived = tokio::task::spawn_blocking(move || {
        super::wait_for_messages_on(&b, &t, n as i64, Duration::from_secs(180))
    })
    .await
    .unwrap();
    assert!(
        arrived,
        "{n} records did not arrive; log:\n{}",
        service.log()
    );
}

/// Every payload of a topic.
pub async fn read(bootstrap: &str, topic: &str) -> Vec<serde_json::Value> {
    let (b, t) = (bootstrap.to_string(), topic.to_string());
    tokio::task::spawn_blocking(move || super::read_topic_from(&b, &t))
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.payload)
        .collect()
}

/// A crawl of a generated site into a Kafka topic: its folder (state, log), topic, endpoint
/// address and configuration.
pub struct Crawl {
    pub dir: tempfile::TempDir,
    pub topic: String,
    pub listen: SocketAddr,
    pub config: PathBuf,
    pub log: PathBuf,
}

impl Crawl {
    /// Writes the configuration: the site's sitemap as the source, `slots` fetches at once,
    /// `max_in_flight` records in flight, a Kafka sink on `bootstrap` that creates its topics
    /// (`sink_extra` adds lines to `[sink.kafka]`).
    pub fn new(
        site: &super::newsroom::Newsroom,
        bootstrap: &str,
        topic_prefix: &str,
        slots: usize,
        max_in_flight: usize,
        sink_extra: &str,
    ) -> Crawl {
        let dir = tempfile::tempdir().unwrap();
        let topic = super::unique_topic(topic_prefix);
        let listen = free_address();
        let config = write_config(
            dir.path(),
            &site.url("/sitemap.xml"),
            listen,
            slots,
            max_in_flight,
            &kafka_sink(bootstrap, &topic, sink_extra),
        );
        let log = dir.path().join("run.log");
        Crawl {
            dir,
            topic,
            listen,
            config,
            log,
        }
    }

    /// Starts `tinstream run` on this configuration.
    pub fn start(&self) -> Service {
        Service::start(&self.config, &self.log, self.listen)
    }
}
