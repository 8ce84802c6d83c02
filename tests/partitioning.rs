//! The partition of a domain, as the crawl computes it, against the partition librdkafka's
//! Kafka-compatible partitioner (`murmur2_random`, Java's default) gives the same key on a real
//! broker: every client must put a domain on the same partition of the frontier topic.

mod support;

use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;
use std::time::Duration;
use tinstream_engine::partition_of;

#[tokio::test]
async fn the_crawl_and_kafka_put_a_domain_on_the_same_partition() {
    const PARTITIONS: i32 = 64;
    let topic = support::unique_topic("partitioning");
    support::create_topics(&[&topic], PARTITIONS, &[]).await;
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", support::kafka())
        .set("partitioner", "murmur2_random")
        .create()
        .expect("producer");
    let mut domains: Vec<String> = (0..300).map(|n| format!("bao{n}.vn")).collect();
    domains.extend(
        [
            "vnexpress.net",
            "tuoitre.vn",
            "chinhphu.gov.vn",
            "127.0.0.2",
            "::1",
            "xn--bo-mia.vn",
        ]
        .map(String::from),
    );
    let mut used = std::collections::HashSet::new();
    for domain in &domains {
        let delivery = producer
            .send(
                FutureRecord::to(&topic).key(domain).payload("x"),
                Duration::from_secs(30),
            )
            .await
            .unwrap_or_else(|(error, _)| panic!("cannot produce {domain}: {error}"));
        let partition = delivery.partition;
        assert_eq!(
            partition as u32,
            partition_of(domain, PARTITIONS as u32),
            "{domain}"
        );
        used.insert(partition);
    }
    // The keys spread over the partitions: the comparison was not made on one partition only.
    assert!(used.len() > 50, "{} partitions used", used.len());
}
