//! The Kafka sink against the real broker: what a consumer reads back, and a record the broker
//! refuses.

mod support;

use tinstream_model::Article;
use tinstream_sink::{DeliveryError, KafkaConfig, Sink, SinkConfig, SinkKind};

fn config(topic: &str, dlq: &str) -> SinkConfig {
    SinkConfig {
        kind: SinkKind::Kafka,
        kafka: KafkaConfig {
            brokers: support::kafka().into(),
            topic: topic.into(),
            dlq_topic: dlq.into(),
            ..KafkaConfig::default()
        },
        ..SinkConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivered_records_read_back_with_key_and_headers() {
    let topic = support::unique_topic("sink");
    let dlq = format!("{topic}-dlq");
    support::create_topics(&[&topic, &dlq], 2, &[]).await;
    let sink = Sink::open(&config(&topic, &dlq)).await.unwrap();
    let records: Vec<Article> = (0..20)
        .map(|i| {
            support::article(
                &format!("https://bao.example.vn/bai-{i}.html"),
                format!("Đoạn văn số {i}."),
            )
        })
        .collect();
    for r in &records {
        sink.deliver(r).await.unwrap();
    }
    let t = topic.clone();
    let received = tokio::task::spawn_blocking(move || support::read_topic(&t))
        .await
        .unwrap();
    assert_eq!(received.len(), records.len());
    for r in &records {
        let m = received
            .iter()
            .find(|m| m.key == r.id)
            .expect("record read back by key");
        let back: Article = serde_json::from_value(m.payload.clone()).unwrap();
        assert_eq!(&back, r);
        assert_eq!(
            back.published_at.unwrap().to_string(),
            "2021-12-01T14:35:00+07:00"
        );
        assert!(m.headers.contains(&("schema_version".into(), "1".into())));
        assert!(m
            .headers
            .contains(&("content-type".into(), "application/json".into())));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_larger_than_the_topic_accepts_is_rejected_not_retried() {
    let topic = support::unique_topic("small");
    let dlq = format!("{topic}-dlq");
    support::create_topics(&[&topic], 1, &[("max.message.bytes", "2048")]).await;
    support::create_topics(&[&dlq], 1, &[]).await;
    let sink = Sink::open(&config(&topic, &dlq)).await.unwrap();
    // Random-looking text so that compression cannot bring it under the limit.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let body: String = (0..8000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'a' + (state % 26) as u8)
        })
        .collect();
    let big = support::article("https://bao.example.vn/rat-dai.html", body);
    match sink.deliver(&big).await {
        Err(DeliveryError::Rejected(reason)) => {
            assert!(reason.to_lowercase().contains("too large"), "{reason}")
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_topic_is_an_error_at_start() {
    let topic = support::unique_topic("missing");
    let err = match Sink::open(&config(&topic, &format!("{topic}-dlq"))).await {
        Ok(_) => panic!("opened a sink on a missing topic"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains(&topic) && err.contains("does not exist"),
        "{err}"
    );
}
