//! A three-broker KRaft cluster on loopback, topics with replication factor 3 and
//! `min.insync.replicas=2`: one broker is killed in the middle of a run, and every article
//! still reaches the topic, once.

mod support;

use std::time::Duration;
use support::broker::Cluster;
use support::newsroom;
use support::service::{self, Service};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_one_of_three_brokers_loses_no_article() {
    let cluster = tokio::task::spawn_blocking(|| Cluster::start(3))
        .await
        .unwrap();
    let bootstrap = cluster.bootstrap();
    let site = newsroom::start(300, Duration::from_millis(30), false).await;
    let dir = tempfile::tempdir().unwrap();
    let topic = support::unique_topic("replicated");
    let listen = service::free_address();
    let sink = format!(
        "kind = \"kafka\"\n[sink.kafka]\nbrokers = \"{bootstrap}\"\ntopic = \"{topic}\"\ndlq_topic = \"{topic}-dlq\"\ncreate_topics = true\npartitions = 3\nreplication_factor = 3\n[sink.kafka.topic_config]\n\"min.insync.replicas\" = \"2\"\n[sink.kafka.dlq_topic_config]\n\"min.insync.replicas\" = \"2\"\n"
    );
    let config = service::write_config(dir.path(), &site.url("/sitemap.xml"), listen, 2, 20, &sink);
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    service.wait_readiness(true, Duration::from_secs(60)).await;
    service::wait_for(&bootstrap, &topic, 30, &service).await;

    // One broker fails hard; it leads some partitions, whose leadership moves. Two in-sync
    // replicas remain, so acks=all writes go on.
    let victim = rand::random_range(0..3);
    eprintln!("killing broker {}", victim + 1);
    let cluster = tokio::task::spawn_blocking(move || {
        let mut cluster = cluster;
        cluster.kill_node(victim);
        cluster
    })
    .await
    .unwrap();

    service::wait_for(&bootstrap, &topic, site.n, &service).await;
    let log = service.log();
    let status = service.terminate().await;
    assert!(status.success(), "exit {status}; log:\n{log}");
    let records = service::read(&bootstrap, &topic).await;
    let duplicates = site.check(&records);
    assert_eq!(duplicates, 0, "records published twice");
    drop(cluster);
}
