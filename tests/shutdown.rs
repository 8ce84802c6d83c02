//! Stopping the service while the broker is unreachable: SIGTERM waits for the records in
//! flight up to its deadline and exits 0; a second signal exits at once with 130. Neither
//! loses anything nor damages the crawl state: a later run with the broker up delivers every
//! article once.

mod support;

use std::time::{Duration, Instant};
use support::broker::Cluster;
use support::newsroom;
use support::service::{self, Crawl};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_during_an_outage_loses_nothing() {
    const MAX_IN_FLIGHT: usize = 10;
    let cluster = Cluster::prepared(1).await;
    let bootstrap = cluster.bootstrap();
    let site = newsroom::start(100, Duration::from_millis(5), false).await;
    let crawl = Crawl::new(&site, &bootstrap, "stopped", 2, MAX_IN_FLIGHT, "");
    let topic = crawl.topic.clone();

    // One SIGTERM: records in flight get the drain deadline (30 s), then the service exits 0.
    let service = crawl.start();
    service
        .wait_until("the in-flight bound", Duration::from_secs(60), || async {
            service.metric("tinstream_records_in_flight").await as usize == MAX_IN_FLIGHT
        })
        .await;
    let asked = Instant::now();
    service.signal("TERM");
    let status = service.wait(Duration::from_secs(90)).await;
    let took = asked.elapsed();
    assert!(status.success(), "exit {status}");
    eprintln!("SIGTERM with the broker down: exit 0 after {took:?}");
    let text = std::fs::read_to_string(&crawl.log).unwrap();
    assert!(text.contains("tinstream stopped"), "{text}");

    // Two signals: the second one ends the process at once, with status 130.
    let service = crawl.start();
    service
        .wait_until("the in-flight bound", Duration::from_secs(60), || async {
            service.metric("tinstream_records_in_flight").await as usize == MAX_IN_FLIGHT
        })
        .await;
    service.signal("TERM");
    // Signals sent back to back can reach the process as one (the kernel and tokio's signal
    // driver both coalesce a pending signal): the second is sent once the first was seen.
    let log = crawl.log.clone();
    service
        .wait_until("the first signal seen", Duration::from_secs(10), || async {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            text.matches("stop requested").count() >= 2
        })
        .await;
    service.signal("TERM");
    let status = service.wait(Duration::from_secs(10)).await;
    assert_eq!(status.code(), Some(130), "exit {status}");

    // The broker appears; a new run delivers every article, once.
    let cluster = cluster.with_node_started(0).await;
    let service = crawl.start();
    service::wait_for(&bootstrap, &topic, site.n, &service).await;
    let status = service.terminate().await;
    assert!(status.success(), "exit {status}");
    let records = service::read(&bootstrap, &topic).await;
    assert_eq!(site.check(&records), 0, "records published twice");
    drop(cluster);
}
