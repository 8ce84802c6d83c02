//! The cluster's two topics: the frontier (pages to crawl, keyed by registrable domain) and the
//! crawl state (compacted), with as many partitions as the crawl is split into.

use crate::ClusterError;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::types::RDKafkaErrorCode;
use std::time::{Duration, Instant};
use tinstream_engine::ClusterConfig;
use tinstream_sink::{connection_config, Backoff, KafkaConfig};

/// How long a request to the brokers may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long topics just created may take to be known, with leaders, to the broker asked.
const CREATED_WAIT: Duration = Duration::from_secs(30);

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
        // A topic just created is not known to every broker at once: with creation on, it is
        // waited for (and for a leader of each partition), a while.
        let deadline = Instant::now() + CREATED_WAIT;
        let mut backoff = Backoff::default();
        let partitions = loop {
            match look(&consumer, topic, kafka).await? {
                Look::Ready(partitions) => break partitions,
                other if !kafka.create_topics || Instant::now() >= deadline => {
                    return Err(ClusterError::Topic(match other {
                        Look::NoLeader(partition) => {
                            format!("partition {partition} of topic {topic:?} has no leader")
                        }
                        _ => format!(
                            "topic {topic:?} does not exist: create it with {} partitions, or \
                             set sink.kafka.create_topics = true",
                            cluster.partitions
                        ),
                    }))
                }
                _ => tokio::time::sleep(backoff.next_wait()).await,
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

/// What the metadata says of a topic.
enum Look {
    /// It exists, every partition with a leader: its partition count.
    Ready(usize),
    Missing,
    /// This partition has no leader yet.
    NoLeader(i32),
}

async fn look(
    consumer: &std::sync::Arc<BaseConsumer>,
    topic: &str,
    kafka: &KafkaConfig,
) -> Result<Look, ClusterError> {
    let (consumer, name) = (consumer.clone(), topic.to_string());
    // Fetching metadata blocks the calling thread; keep it off the async workers.
    let metadata =
        tokio::task::spawn_blocking(move || consumer.fetch_metadata(Some(&name), REQUEST_TIMEOUT))
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
    Ok(match metadata.topics().iter().find(|t| t.name() == topic) {
        Some(t) if t.error().is_none() && !t.partitions().is_empty() => {
            match t.partitions().iter().find(|p| p.leader() < 0) {
                Some(p) => Look::NoLeader(p.id()),
                None => Look::Ready(t.partitions().len()),
            }
        }
        _ => Look::Missing,
    })
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
