//! Kafka brokers that a test owns: one or several KRaft nodes on free loopback ports, with
//! their data in a temporary folder, which the test can stop, kill and start again. They run
//! the same jars as `scripts/kafka.sh` (installed by it from Maven Central when missing).

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A KRaft cluster of `n` combined broker-and-controller nodes.
pub struct Cluster {
    dir: tempfile::TempDir,
    nodes: Vec<Node>,
}

struct Node {
    port: u16,
    properties: PathBuf,
    log: PathBuf,
    process: Option<Child>,
}

fn libs() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let libs = root.join("scripts/kafka/target/libs");
    if !libs.join(".complete").exists() {
        let status = Command::new("bash")
            .arg(root.join("scripts/kafka.sh"))
            .arg("install")
            .status()
            .expect("run scripts/kafka.sh install");
        assert!(status.success(), "scripts/kafka.sh install failed");
    }
    libs
}

fn java(args: &[&str]) -> Command {
    let mut command = Command::new("java");
    command
        .arg("-cp")
        .arg(format!("{}/*", libs().display()))
        .args(args);
    command
}

impl Cluster {
    /// Writes the nodes' configuration and formats their storage, without starting them.
    pub fn prepare(n: usize) -> Cluster {
        let dir = tempfile::tempdir().expect("temporary folder");
        let ports: Vec<(u16, u16)> = (0..n)
            .map(|_| (super::free_port(), super::free_port()))
            .collect();
        let voters: Vec<String> = ports
            .iter()
            .enumerate()
            .map(|(i, (_, controller))| format!("{}@127.0.0.1:{controller}", i + 1))
            .collect();
        let replication = n.min(3);
        let log4j = dir.path().join("log4j2.properties");
        std::fs::write(
            &log4j,
            "rootLogger.level=WARN\nrootLogger.appenderRef.stdout.ref=STDOUT\nappender.stdout.type=Console\nappender.stdout.name=STDOUT\nappender.stdout.layout.type=PatternLayout\nappender.stdout.layout.pattern=[%d] %p %m (%c)%n\n",
        )
        .unwrap();
        let cluster_id = {
            let out = java(&["kafka.tools.StorageTool", "random-uuid"])
                .output()
                .expect("run StorageTool");
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .last()
                .expect("a cluster id")
                .trim()
                .to_string()
        };
        let mut nodes = Vec::new();
        for (i, (port, controller)) in ports.iter().enumerate() {
            let node_dir = dir.path().join(format!("node-{}", i + 1));
            std::fs::create_dir_all(&node_dir).unwrap();
            let properties = node_dir.join("server.properties");
            std::fs::write(
                &properties,
                format!(
                    "process.roles=broker,controller
node.id={id}
controller.quorum.voters={voters}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs={data}
num.partitions=1
auto.create.topics.enable=false
default.replication.factor={replication}
offsets.topic.replication.factor={replication}
offsets.topic.num.partitions=4
transaction.state.log.replication.factor={replication}
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
",
                    id = i + 1,
                    voters = voters.join(","),
                    data = node_dir.join("data").display(),
                ),
            )
            .unwrap();
            let log = node_dir.join("broker.log");
            let status = java(&[
                "kafka.tools.StorageTool",
                "format",
                "-t",
                &cluster_id,
                "-c",
                properties.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("format storage");
            assert!(status.success(), "formatting node {} failed", i + 1);
            nodes.push(Node {
                port: *port,
                properties,
                log,
                process: None,
            });
        }
        let _ = log4j;
        Cluster { dir, nodes }
    }

    /// Prepares and starts `n` nodes, and waits until every broker is in the metadata.
    pub fn start(n: usize) -> Cluster {
        let mut cluster = Cluster::prepare(n);
        // All at once: a node's broker waits for a controller quorum of the others.
        for i in 0..n {
            cluster.spawn_node(i);
        }
        for i in 0..n {
            cluster.wait_for_node(i);
        }
        cluster.wait_for_brokers(n, Duration::from_secs(120));
        cluster
    }

    /// The bootstrap address list.
    pub fn bootstrap(&self) -> String {
        self.nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Starts node `i` (again), on its old data, and waits until it accepts connections.
    pub fn start_node(&mut self, i: usize) {
        self.spawn_node(i);
        self.wait_for_node(i);
    }

    fn spawn_node(&mut self, i: usize) {
        let log4j = self.dir.path().join("log4j2.properties");
        let node = &mut self.nodes[i];
        assert!(node.process.is_none(), "node {} already runs", i + 1);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&node.log)
            .unwrap();
        let child = Command::new("java")
            .args(["-Xmx384m", "-Xms384m", "-XX:+UseG1GC"])
            .arg(format!("-Dlog4j2.configurationFile={}", log4j.display()))
            .arg("-cp")
            .arg(format!("{}/*", libs().display()))
            .arg("kafka.Kafka")
            .arg(&node.properties)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start a broker");
        node.process = Some(child);
    }

    fn wait_for_node(&mut self, i: usize) {
        let port = self.nodes[i].port;
        let deadline = Instant::now() + Duration::from_secs(120);
        // Listening is not enough: the broker must be ours and still running (a port taken by
        // something else would make it exit).
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
            || self.nodes[i]
                .process
                .as_mut()
                .is_some_and(|p| p.try_wait().ok().flatten().is_some())
        {
            if let Some(status) = self.nodes[i]
                .process
                .as_mut()
                .and_then(|p| p.try_wait().ok().flatten())
            {
                let log = std::fs::read_to_string(&self.nodes[i].log).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(30).collect();
                panic!(
                    "broker {} exited ({status}); end of its log:\n{}",
                    i + 1,
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                );
            }
            assert!(
                Instant::now() < deadline,
                "broker {} did not listen on {port}",
                i + 1
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops node `i` the way an operator does (SIGTERM, controlled shutdown) and waits for
    /// it to exit.
    pub fn stop_node(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].process.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                if child.try_wait().ok().flatten().is_some() {
                    break;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    /// Kills node `i` at once (SIGKILL), as a machine failure would.
    pub fn kill_node(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Waits until the cluster's metadata lists `n` brokers.
    pub fn wait_for_brokers(&self, n: usize, timeout: Duration) {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", self.bootstrap())
            .create()
            .expect("client");
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(metadata) = consumer.fetch_metadata(None, Duration::from_secs(5)) {
                if metadata.brokers().len() >= n {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "the cluster did not form");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            if let Some(mut child) = node.process.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// The same operations from async tests: each runs on the blocking pool (starting or stopping
/// a broker waits for it) and hands the cluster back.
impl Cluster {
    /// [`Cluster::start`].
    pub async fn started(n: usize) -> Cluster {
        tokio::task::spawn_blocking(move || Cluster::start(n))
            .await
            .unwrap()
    }

    /// [`Cluster::prepare`].
    pub async fn prepared(n: usize) -> Cluster {
        tokio::task::spawn_blocking(move || Cluster::prepare(n))
            .await
            .unwrap()
    }

    /// [`Cluster::start_node`].
    pub async fn with_node_started(mut self, i: usize) -> Cluster {
        tokio::task::spawn_blocking(move || {
            self.start_node(i);
            self
        })
        .await
        .unwrap()
    }

    /// [`Cluster::stop_node`].
    pub async fn with_node_stopped(mut self, i: usize) -> Cluster {
        tokio::task::spawn_blocking(move || {
            self.stop_node(i);
            self
        })
        .await
        .unwrap()
    }

    /// [`Cluster::kill_node`].
    pub async fn with_node_killed(mut self, i: usize) -> Cluster {
        tokio::task::spawn_blocking(move || {
            self.kill_node(i);
            self
        })
        .await
        .unwrap()
    }
}
