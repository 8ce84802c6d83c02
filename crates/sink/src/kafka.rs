//! The Kafka sink: an idempotent producer (`enable.idempotence=true`, `acks=all`, zstd), keyed
//! by the record id so that every version of an article lands in one partition, in order.
//!
//! A record counts as delivered only when its delivery report comes back without error. A
//! record the broker refuses for good (too large, invalid) is reported as
//! [`DeliveryError::Rejected`] so the pipeline can dead-letter it; anything else is
//! [`DeliveryError::Unavailable`] and is not marked done.

use crate::{DeadLetter, DeliveryError, KafkaConfig, SinkError};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;
use rdkafka::ClientConfig;
use std::time::Duration;
use tinstream_model::{Article, SCHEMA_VERSION};

/// How long `open` waits for the brokers' metadata before going on without it.
const METADATA_TIMEOUT: Duration = Duration::from_secs(10);

/// Publishes records and dead letters to Kafka topics.
pub struct KafkaSink {
    producer: FutureProducer,
    topic: String,
    dlq_topic: String,
    schema_version: String,
}

/// librdkafka settings for the given configuration: the pass-through options first, then the
/// settings the delivery guarantees rest on.
pub(crate) fn client_config(config: &KafkaConfig) -> ClientConfig {
    let mut client = ClientConfig::new();
    for (key, value) in &config.options {
        client.set(key, value);
    }
    client
        .set("bootstrap.servers", &config.brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set(
            "message.timeout.ms",
            config.delivery_timeout.as_millis().to_string(),
        );
    if !config.options.contains_key("compression.type") {
        client.set("compression.type", "zstd");
    }
    client
}

impl KafkaSink {
    /// Creates the producer and checks that the topics exist. A broker that cannot be reached
    /// yet is not an error (delivery waits for it); a topic the broker says is missing is.
    pub async fn open(config: &KafkaConfig) -> Result<KafkaSink, SinkError> {
        let producer: FutureProducer = client_config(config)
            .create()
            .map_err(|e| SinkError::Kafka(format!("cannot create the producer: {e}")))?;
        let sink = KafkaSink {
            producer,
            topic: config.topic.clone(),
            dlq_topic: config.dlq_topic.clone(),
            schema_version: SCHEMA_VERSION.to_string(),
        };
        for topic in [&config.topic, &config.dlq_topic] {
            sink.check_topic(topic, &config.brokers).await?;
        }
        Ok(sink)
    }

    async fn check_topic(&self, topic: &str, brokers: &str) -> Result<(), SinkError> {
        let producer = self.producer.clone();
        let name = topic.to_string();
        // Fetching metadata blocks the calling thread; keep it off the async workers.
        let metadata = tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_metadata(Some(&name), Timeout::After(METADATA_TIMEOUT))
        })
        .await
        .map_err(|e| SinkError::Kafka(e.to_string()))?;
        match metadata {
            Ok(metadata) => {
                let missing = metadata.topics().iter().any(|t| {
                    t.name() == topic
                        && matches!(
                            t.error().map(RDKafkaErrorCode::from),
                            Some(RDKafkaErrorCode::UnknownTopicOrPartition)
                        )
                });
                if missing {
                    return Err(SinkError::Kafka(format!(
                        "topic {topic:?} does not exist on {brokers}; create it (see README, \"Switching to Kafka\")"
                    )));
                }
                Ok(())
            }
            Err(error) => {
                tracing::warn!(%brokers, %error, "Kafka brokers not reachable yet; records wait for them");
                Ok(())
            }
        }
    }

    /// Publishes one record, keyed by its id; resolves on its delivery report.
    pub async fn deliver(&self, record: &Article) -> Result<(), DeliveryError> {
        let payload =
            serde_json::to_vec(record).map_err(|e| DeliveryError::Rejected(e.to_string()))?;
        self.send(&self.topic, &record.id, &payload).await
    }

    /// Publishes one dead letter, keyed by its URL.
    pub async fn dead_letter(&self, letter: &DeadLetter) -> Result<(), DeliveryError> {
        let payload =
            serde_json::to_vec(letter).map_err(|e| DeliveryError::Rejected(e.to_string()))?;
        self.send(&self.dlq_topic, &letter.url, &payload).await
    }

    async fn send(&self, topic: &str, key: &str, payload: &[u8]) -> Result<(), DeliveryError> {
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: "schema_version",
                value: Some(self.schema_version.as_str()),
            })
            .insert(Header {
                key: "content-type",
                value: Some("application/json"),
            });
        let record = FutureRecord::to(topic)
            .key(key)
            .payload(payload)
            .headers(headers);
        // Wait for room in librdkafka's queue rather than fail: that wait is the backpressure.
        match self.producer.send(record, Timeout::Never).await {
            Ok(_) => Ok(()),
            Err((error, _)) => Err(classify(error)),
        }
    }

    /// Waits for outstanding deliveries, for at most `timeout`.
    pub async fn flush(&self, timeout: Duration) -> Result<(), DeliveryError> {
        let producer = self.producer.clone();
        tokio::task::spawn_blocking(move || producer.flush(Timeout::After(timeout)))
            .await
            .map_err(|e| DeliveryError::Unavailable(e.to_string()))?
            .map_err(|e| DeliveryError::Unavailable(e.to_string()))
    }
}

/// Errors that retrying cannot fix are rejections; the rest are outages.
fn classify(error: KafkaError) -> DeliveryError {
    let permanent = matches!(
        error.rdkafka_error_code(),
        Some(
            RDKafkaErrorCode::MessageSizeTooLarge
                | RDKafkaErrorCode::InvalidMessageSize
                | RDKafkaErrorCode::InvalidMessage
                | RDKafkaErrorCode::InvalidRecord
                | RDKafkaErrorCode::TopicAuthorizationFailed
                | RDKafkaErrorCode::UnknownTopicOrPartition
        )
    );
    if permanent {
        DeliveryError::Rejected(error.to_string())
    } else {
        DeliveryError::Unavailable(error.to_string())
    }
}
