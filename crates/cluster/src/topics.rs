//! The cluster's two topics: the frontier (pages to crawl, keyed by registrable domain) and the
//! crawl state (compacted), with as many partitions as the crawl is split into.

use crate::ClusterError;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::types::RDKafkaErrorCode;
use std::time::Duration;
use tinstream_engine::ClusterConfig;
use tinstream_sink::{connection_config, KafkaConfig};

/// How long a request to the brokers may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Creates the frontier and state topics when they are missing and `create_topics` is on (the
/// state topic compacted, both with the sink's replication factor), then checks that both
/// exist with `cluster.partitions` partitions: the partition of a domain depends on that
/// number, so a topic with another count would send pages to the wrong workers.
pub async fn ensure_topics(
    cluster: &ClusterConfig,
    kafka: &KafkaConfig,
) -> Result<(), ClusterError> {
    if kafka.create_topics {
        create(cluster, kafka).await?;
    }
    let consumer: BaseConsumer =
        connection_config(kafka)
            .create()
            .map_err(|source| ClusterError::Client {
                what: "metadata client",
                source,
            })?;
    let consumer = std::sync::Arc::new(consumer);
    for topic in [&cluster.frontier_topic, &cluster.state_topic] {
        let (consumer, name) = (consumer.clone(), topic.clone());
        // Fetching metadata blocks the calling thread; keep it off the async workers.
        let metadata = tokio::task::spawn_blocking(move || {
            consumer.fetch_metadata(Some(&name), REQUEST_TIMEOUT)
        })
        .await
        .map_err(|e| {
            ClusterError::Topic(format!("reading the metadata of {topic:?} panicked: {e}"))
        })?
        .map_err(|source| ClusterError::Kafka {
            what: format!(
                "cannot read the metadata of topic {topic:?} from {}",
                kafka.brokers
            ),
            source,
        })?;
        let found = metadata
            .topics()
            .iter()
            .find(|t| t.name() == topic.as_str());
        let partitions = match found {
            Some(t) if t.error().is_none() => t.partitions().len(),
            _ => {
                return Err(ClusterError::Topic(format!(
                    "topic {topic:?} does not exist: create it with {} partitions, or set \
                     sink.kafka.create_topics = true",
                    cluster.partitions
                )))
            }
        };
        if partitions != cluster.partitions as usize {
            return Err(ClusterError::Topic(format!(
                "topic {topic:?} has {partitions} partitions and cluster.partitions is {}: they \
                 must be equal (a domain's partition depends on the count)",
                cluster.partitions
            )));
        }
    }
    Ok(())
}

async fn create(cluster: &ClusterConfig, kafka: &KafkaConfig) -> Result<(), ClusterError> {
    let admin: AdminClient<DefaultClientContext> =
        connection_config(kafka)
            .create()
            .map_err(|source| ClusterError::Client {
                what: "admin client",
                source,
            })?;
    let partitions = i32::try_from(cluster.partitions).unwrap_or(i32::MAX);
    let replication = || TopicReplication::Fixed(kafka.replication_factor);
    let topics = [
        NewTopic::new(&cluster.frontier_topic, partitions, replication()),
        // The state is a table keyed by page: only the last value of a key matters.
        NewTopic::new(&cluster.state_topic, partitions, replication())
            .set("cleanup.policy", "compact"),
    ];
    let options = AdminOptions::new()
        .request_timeout(Some(REQUEST_TIMEOUT))
        .operation_timeout(Some(REQUEST_TIMEOUT));
    let results = admin
        .create_topics(&topics, &options)
        .await
        .map_err(|source| ClusterError::Kafka {
            what: format!("cannot create the cluster's topics on {}", kafka.brokers),
            source,
        })?;
    for result in results {
        match result {
            Ok(name) => tracing::info!(topic = %name, partitions, "created the topic"),
            Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((name, code)) => {
                return Err(ClusterError::Topic(format!(
                    "cannot create topic {name:?}: {code}"
                )))
            }
        }
    }
    Ok(())
}
