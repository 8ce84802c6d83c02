//! A three-broker KRaft cluster on loopback, topics with replication factor 3 and
//! `min.insync.replicas=2`: one broker is killed in the middle of a run, and every article
//! still reaches the topic, once.

mod support;

use std::time::Duration;
use support::broker::Cluster;
use support::newsroom;
use support::service::{self, Crawl};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_one_of_three_brokers_loses_no_article() {
    let cluster = Cluster::started(3).await;
    let bootstrap = cluster.bootstrap();
    let site = newsroom::start(300, Duration::from_millis(30), false).await;
    let replicated = "replication_factor = 3\n[sink.kafka.topic_config]\n\"min.insync.replicas\" = \"2\"\n[sink.kafka.dlq_topic_config]\n\"min.insync.replicas\" = \"2\"\n";
    let crawl = Crawl::new(&site, &bootstrap, "replicated", 2, 20, replicated);
    let topic = crawl.topic.clone();
    let service = crawl.start();
    service.wait_readiness(true, Duration::from_secs(60)).await;
    service::wait_for(&bootstrap, &topic, 30, &service).await;

    // One broker fails hard; it leads some partitions, whose leadership moves. Two in-sync
    // replicas remain, so acks=all writes go on.
    let victim = rand::random_range(0..3);
    eprintln!("killing broker {}", victim + 1);
    let cluster = cluster.with_node_killed(victim).await;

    service::wait_for(&bootstrap, &topic, site.n, &service).await;
    let log = service.log();
    let status = service.terminate().await;
    assert!(status.success(), "exit {status}; log:\n{log}");
    let records = service::read(&bootstrap, &topic).await;
    let duplicates = site.check(&records);
    assert_eq!(duplicates, 0, "records published twice");
    drop(cluster);
}
