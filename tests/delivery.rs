//! Delivery guarantees against real Kafka brokers: a broker stopped for 30 s in the middle of
//! a run, a broker that is down when the service starts, and a record larger than the topic
//! accepts. Each outage test runs its own broker, so that stopping it disturbs nobody else.

mod support;

use rdkafka::admin::{AdminClient, AdminOptions, ResourceSpecifier};
use rdkafka::client::DefaultClientContext;
use rdkafka::ClientConfig;
use std::time::{Duration, Instant};
use support::broker::Cluster;
use support::newsroom::{self, Newsroom};
use support::service::{self, Crawl, Service};

/// While the sink cannot deliver, crawling goes on until the records in flight reach the
/// bound, and then stops.
async fn reach_the_bound(service: &Service, site: &Newsroom, max_in_flight: usize, slots: usize) {
    service
        .wait_until(
            "the records in flight to reach the bound",
            Duration::from_secs(60),
            || async {
                service.metric("tinstream_records_in_flight").await as usize == max_in_flight
            },
        )
        .await;
    check_backpressure(service, site, max_in_flight, slots).await;
}

/// While the sink cannot deliver, the service fetches no more than the records it may hold
/// unconfirmed, plus one page per fetch slot.
async fn check_backpressure(
    service: &Service,
    site: &Newsroom,
    max_in_flight: usize,
    slots: usize,
) {
    let delivered = service.metric("tinstream_records_delivered_total").await as usize;
    let fetched = site.article_requests();
    assert!(
        fetched <= delivered + max_in_flight + slots,
        "{fetched} pages fetched with {delivered} delivered and {max_in_flight} in flight at most"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_stopped_for_30_seconds_loses_nothing_and_repeats_nothing() {
    const MAX_IN_FLIGHT: usize = 20;
    const SLOTS: usize = 2;
    let mut cluster = Cluster::started(1).await;
    let bootstrap = cluster.bootstrap();
    let site = newsroom::start(400, Duration::from_millis(50), false).await;
    let crawl = Crawl::new(&site, &bootstrap, "outage", SLOTS, MAX_IN_FLIGHT, "");
    let topic = crawl.topic.clone();
    let service = crawl.start();
    service.wait_readiness(true, Duration::from_secs(60)).await;
    service::wait_for(&bootstrap, &topic, 20, &service).await;

    // The outage: the broker shuts down cleanly and stays down for 30 s.
    cluster = cluster.with_node_stopped(0).await;
    let down_since = Instant::now();
    let reason = service.wait_readiness(false, Duration::from_secs(30)).await;
    assert!(reason.contains("not ready"), "{reason}");
    // Crawling goes on until the records in flight reach the bound, then stops.
    reach_the_bound(&service, &site, MAX_IN_FLIGHT, SLOTS).await;
    let fetched_during_outage = site.article_requests();
    // The outage lasts 30 s by design; this is the length of the test scenario, not a wait
    // for a condition.
    tokio::time::sleep(Duration::from_secs(30).saturating_sub(down_since.elapsed())).await;
    check_backpressure(&service, &site, MAX_IN_FLIGHT, SLOTS).await;
    assert_eq!(
        site.article_requests(),
        fetched_during_outage,
        "pages were fetched while every delivery permit was taken"
    );
    assert_eq!(service.get("/healthz").await.map(|r| r.0), Some(200));

    // The broker comes back on its old log directory; delivery resumes by itself.
    let cluster = cluster.with_node_started(0).await;
    service.wait_readiness(true, Duration::from_secs(120)).await;
    service::wait_for(&bootstrap, &topic, site.n, &service).await;
    let log = service.log();
    let status = service.terminate().await;
    assert!(status.success(), "exit {status}; log:\n{log}");
    let records = service::read(&bootstrap, &topic).await;
    let duplicates = site.check(&records);
    assert_eq!(duplicates, 0, "records published twice");
    drop(cluster);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_down_at_start_is_waited_for() {
    const MAX_IN_FLIGHT: usize = 30;
    const SLOTS: usize = 2;
    let cluster = Cluster::prepared(1).await;
    let bootstrap = cluster.bootstrap();
    let site = newsroom::start(200, Duration::from_millis(10), false).await;
    let crawl = Crawl::new(&site, &bootstrap, "late", SLOTS, MAX_IN_FLIGHT, "");
    let topic = crawl.topic.clone();
    let service = crawl.start();
    let reason = service.wait_readiness(false, Duration::from_secs(60)).await;
    assert!(reason.contains("not reachable"), "{reason}");
    reach_the_bound(&service, &site, MAX_IN_FLIGHT, SLOTS).await;
    assert_eq!(service.metric("tinstream_sink_ready").await, 0.0);

    // The broker appears; tinstream creates the topics and delivers everything.
    let cluster = cluster.with_node_started(0).await;
    service.wait_readiness(true, Duration::from_secs(120)).await;
    service::wait_for(&bootstrap, &topic, site.n, &service).await;
    let log = service.log();
    let status = service.terminate().await;
    assert!(status.success(), "exit {status}; log:\n{log}");
    let records = service::read(&bootstrap, &topic).await;
    assert_eq!(site.check(&records), 0, "records published twice");
    drop(cluster);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_topics_take_their_settings_and_a_record_too_large_is_a_dead_letter() {
    let site = newsroom::start(5, Duration::ZERO, true).await;
    let dir = tempfile::tempdir().unwrap();
    let topic = support::unique_topic("created");
    let dlq = format!("{topic}-dlq");
    let listen = service::free_address();
    let sink = format!(
        "kind = \"kafka\"\n[sink.kafka]\nbrokers = \"{}\"\ntopic = \"{topic}\"\ndlq_topic = \"{dlq}\"\ncreate_topics = true\npartitions = 2\nreplication_factor = 1\n[sink.kafka.topic_config]\n\"max.message.bytes\" = \"16384\"\n\"cleanup.policy\" = \"delete\"\n",
        support::kafka()
    );
    let config = service::write_config(dir.path(), &site.url("/sitemap.xml"), listen, 2, 10, &sink);
    let log = support::run_once(&config).await;

    // The topic exists with the partitions and settings of the configuration.
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", support::kafka())
        .create()
        .unwrap();
    let described = admin
        .describe_configs(
            &[ResourceSpecifier::Topic(&topic)],
            &AdminOptions::new().request_timeout(Some(Duration::from_secs(30))),
        )
        .await
        .unwrap();
    let resource = described[0].as_ref().expect("topic config");
    let setting = |name: &str| {
        resource
            .get(name)
            .and_then(|e| e.value.clone())
            .unwrap_or_default()
    };
    assert_eq!(setting("max.message.bytes"), "16384");
    assert_eq!(setting("cleanup.policy"), "delete");
    let t = topic.clone();
    let partitions = tokio::task::spawn_blocking(move || {
        use rdkafka::consumer::{BaseConsumer, Consumer};
        let c: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", support::kafka())
            .create()
            .unwrap();
        c.fetch_metadata(Some(&t), Duration::from_secs(10))
            .unwrap()
            .topics()[0]
            .partitions()
            .len()
    })
    .await
    .unwrap();
    assert_eq!(partitions, 2);

    // The five ordinary articles are in the topic; the oversized one is a dead letter with
    // its reason and its record id.
    let records = service::read(support::kafka(), &topic).await;
    assert_eq!(site.check(&records), 0, "{log}");
    let letters = service::read(support::kafka(), &dlq).await;
    assert_eq!(letters.len(), 1, "{letters:#?}");
    let big = site.url(newsroom::BIG);
    assert_eq!(letters[0]["url"], big.as_str());
    assert_eq!(letters[0]["stage"], "deliver");
    let reason = letters[0]["reason"].as_str().unwrap().to_lowercase();
    assert!(reason.contains("too large"), "{reason}");
    assert_eq!(letters[0]["record_id"], tinstream_model::article_id(&big));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spool_carries_an_outage_across_a_crash() {
    const MAX_IN_FLIGHT: usize = 10;
    let cluster = Cluster::prepared(1).await;
    let bootstrap = cluster.bootstrap();
    let site = newsroom::start(200, Duration::from_millis(5), false).await;
    let spool_dir = tempfile::tempdir().unwrap();
    // A record handed to librdkafka while the broker just restarted has once stayed
    // unacknowledged past the test's wait (with no error, under the full suite's load): a
    // delivery timeout well inside that wait makes such a record fail and the spool send it
    // again, as it would after the default five minutes.
    let spool = format!(
        "delivery_timeout = \"30s\"\n[sink.spool]\nenabled = true\npath = \"{}\"\nsegment_bytes = 65536\n",
        spool_dir.path().display()
    );
    let crawl = Crawl::new(&site, &bootstrap, "spooled", 2, MAX_IN_FLIGHT, &spool);
    let topic = crawl.topic.clone();

    // The broker is down: every article is crawled anyway, far beyond the in-flight bound,
    // because the spool confirms each record once it is on disk.
    let service = crawl.start();
    service
        .wait_until(
            "every record in the spool",
            Duration::from_secs(120),
            || async {
                service.metric("tinstream_records_delivered_total").await as usize == site.n
            },
        )
        .await;
    assert!(service.metric("tinstream_spool_bytes").await > 0.0);
    service.wait_readiness(true, Duration::from_secs(10)).await;
    // A crash while everything is only in the spool.
    service.kill().await;

    // The broker comes up; the next start forwards the spool, and fetches nothing again.
    let cluster = cluster.with_node_started(0).await;
    let service = crawl.start();
    service::wait_for(&bootstrap, &topic, site.n, &service).await;
    service
        .wait_until("an empty spool", Duration::from_secs(60), || async {
            service.metric("tinstream_spool_bytes").await == 0.0
        })
        .await;
    let status = service.terminate().await;
    assert!(status.success(), "exit {status}");
    let records = service::read(&bootstrap, &topic).await;
    assert_eq!(site.check(&records), 0, "records published twice");
    assert_eq!(site.article_requests(), site.n, "articles fetched again");
    drop(cluster);
}

/// `run --once` is safe for cron: with the broker down it does not claim success. Stopped
/// by `--max-duration`, or by a signal once every article was fetched, it says what is left
/// and exits 1; the next run, with the broker there, delivers every article once and exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_once_with_the_broker_down_exits_1_and_the_next_run_finishes_the_work() {
    let site = newsroom::start(3, Duration::ZERO, false).await;
    let dir = tempfile::tempdir().unwrap();
    let topic = support::unique_topic("once-down");
    // A port nothing listens on.
    let dead = format!("127.0.0.1:{}", support::free_port());
    let sitemap = site.url("/sitemap.xml");
    let config = |brokers: &str| {
        service::write_config(
            dir.path(),
            &sitemap,
            service::free_address(),
            2,
            10,
            &service::kafka_sink(brokers, &topic, ""),
        )
    };
    let once = |args: &[&str], config: &std::path::Path| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_tinstream"));
        command
            .args(["run", "--once"])
            .args(args)
            .arg("-c")
            .arg(config)
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        command
    };

    // Bounded by --max-duration: whatever it reached by then, the run is not done.
    let run = tokio::time::timeout(
        Duration::from_secs(120),
        once(&["--max-duration", "2s"], &config(&dead)).output(),
    )
    .await
    .expect("--max-duration ends the run")
    .unwrap();
    let log = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "log:\n{log}");
    assert!(log.contains("--max-duration reached"), "{log}");
    assert!(
        log.contains("tinstream: the run ended with work left: it was stopped"),
        "{log}"
    );

    // Stopped by SIGTERM once every article was fetched: the three pages are left.
    let child = once(&[], &config(&dead)).spawn().unwrap();
    let fetched = tokio::time::timeout(Duration::from_secs(60), async {
        while site.article_requests() < 3 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(fetched.is_ok(), "the articles were not fetched");
    let pid = child.id().unwrap().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let run = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("the run ends after the drain deadline")
        .unwrap();
    let log = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "log:\n{log}");
    assert!(log.contains("3 page(s) found are not settled"), "{log}");
    assert!(
        log.contains("the sink did not confirm every record"),
        "{log}"
    );
    assert_eq!(site.article_requests(), 3, "every article was fetched once");

    support::run_once(&config(support::kafka())).await;
    let records = service::read(support::kafka(), &topic).await;
    assert_eq!(site.check(&records), 0, "records published twice");
}
