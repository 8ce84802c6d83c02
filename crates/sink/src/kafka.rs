//! The Kafka sink: an idempotent producer (`enable.idempotence=true`, `acks=all`, zstd), keyed
//! by the record id so that every version of an article lands in one partition, in order.
//!
//! A record counts as delivered only when its delivery report comes back without error. A
//! record the broker refuses for good (too large, invalid) is reported as
//! [`DeliveryError::Rejected`] so the pipeline can dead-letter it; anything else (broker down,
//! topic missing, not enough in-sync replicas) is [`DeliveryError::Unavailable`]: the record is
//! not marked done and is tried again.
//!
//! A watcher task asks the brokers for the topics' metadata every few seconds. It feeds the
//! sink's readiness, and creates the topics when they are missing and `create_topics` is on,
//! which also covers a broker that was down when tinstream started.
//!
//! A broker that cannot be reached is waited for; a broker that answers and refuses is not:
//! credentials refused, a CA that did not sign the brokers' certificates, or ACLs that do not
//! let the principal write stop the start with a sentence naming the cause and the settings
//! to check, and turn readiness to 503 when they happen later. Write permission is known only
//! once the idempotent producer has its producer id (which needs WRITE on a topic or
//! IDEMPOTENT_WRITE), so the start waits for that, as the producer's statistics report it.

use crate::health::Health;
use crate::kafka_log::{refusal, QuietContext, Signals};
use crate::{DeadLetter, DeliveryError, KafkaConfig, Readiness, SinkError};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;
use rdkafka::ClientConfig;
use std::sync::Arc;
use std::time::Duration;
use tinstream_model::{Article, SCHEMA_VERSION};

/// How long one metadata request may take.
const METADATA_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the watcher asks about the topics.
const PROBE_INTERVAL: Duration = Duration::from_secs(3);
/// How long topic creation may take.
const CREATE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the start waits for the brokers to give the producer its id once they answer.
const WRITABLE_TIMEOUT: Duration = Duration::from_secs(15);
/// How often the producer reports its statistics, the idempotence state among them.
const STATISTICS_INTERVAL: &str = "1000";

/// Publishes records and dead letters to Kafka topics.
pub struct KafkaSink {
    producer: FutureProducer<QuietContext>,
    topic: String,
    dlq_topic: String,
    schema_version: String,
    health: Arc<Health>,
    watcher: tokio::task::JoinHandle<()>,
}

impl Drop for KafkaSink {
    fn drop(&mut self) {
        self.watcher.abort();
    }
}

/// librdkafka settings for the given configuration: the pass-through options first, then the
/// settings the delivery guarantees rest on.
pub(crate) fn client_config(config: &KafkaConfig) -> ClientConfig {
    let mut client = connection_config(config);
    client
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set(
            "message.timeout.ms",
            config.delivery_timeout.as_millis().to_string(),
        );
    if !config.options.contains_key("compression.type") {
        client.set("compression.type", "zstd");
    }
    if !config.options.contains_key("statistics.interval.ms") {
        client.set("statistics.interval.ms", STATISTICS_INTERVAL);
    }
    client
}

/// The pass-through options and the brokers: what every client (producer, consumer, admin)
/// needs to reach the cluster, security settings included.
pub fn connection_config(config: &KafkaConfig) -> ClientConfig {
    let mut client = ClientConfig::new();
    for (key, value) in &config.options {
        client.set(key, value);
    }
    client.set("bootstrap.servers", &config.brokers);
    client
}

/// What one look at the cluster found.
enum Probe {
    /// Both topics exist and every partition has a leader.
    Ready,
    /// The brokers did not answer.
    Unreachable(String),
    /// A topic does not exist.
    Missing(String),
    /// Something else is wrong (a partition without a leader, a creation that failed).
    NotReady(String),
    /// The brokers answered and refused: credentials, certificates or permissions. Waiting
    /// does not fix it.
    Refused(String),
}

/// What the watcher needs to probe the cluster and create topics.
struct Topics {
    producer: FutureProducer<QuietContext>,
    signals: Arc<Signals>,
    admin: Option<AdminClient<QuietContext>>,
    config: KafkaConfig,
}

impl Topics {
    /// Looks at both topics; creates them first when they are missing and creation is on.
    async fn probe(&self) -> Probe {
        let names = [self.config.topic.clone(), self.config.dlq_topic.clone()];
        let mut first = self.look(&names).await;
        if let (Probe::Missing(_), Some(admin)) = (&first, &self.admin) {
            if let Err(reason) = self.create(admin).await {
                return Probe::NotReady(reason);
            }
            first = match self.look(&names).await {
                // Just created: the brokers may not list it yet.
                Probe::Missing(topic) => {
                    Probe::NotReady(format!("topic {topic:?} created; waiting for its leaders"))
                }
                other => other,
            };
        }
        first
    }

    async fn look(&self, names: &[String]) -> Probe {
        if let Some(reason) = fatal(&self.producer) {
            return Probe::Refused(reason);
        }
        for name in names {
            let producer = self.producer.clone();
            let topic = name.clone();
            // Fetching metadata blocks the calling thread; keep it off the async workers.
            let fetch = tokio::task::spawn_blocking(move || {
                producer
                    .client()
                    .fetch_metadata(Some(&topic), Timeout::After(METADATA_TIMEOUT))
            });
            // A connection refused while this waits will not pass: no need to wait for the
            // timeout to say so.
            let metadata = tokio::select! {
                metadata = fetch => metadata,
                refusal = self.signals.new_refusal() => {
                    return Probe::Refused(format!("Kafka brokers {}: {refusal}", self.config.brokers));
                }
            };
            let metadata = match metadata {
                Ok(Ok(metadata)) => {
                    self.signals.clear_refusal();
                    metadata
                }
                Ok(Err(error)) => {
                    // The connection may have failed for a reason that waiting does not fix.
                    if let Some(refusal) = self.signals.refusal() {
                        return Probe::Refused(format!(
                            "Kafka brokers {}: {refusal}",
                            self.config.brokers
                        ));
                    }
                    return Probe::Unreachable(format!(
                        "Kafka brokers {} not reachable: {error}",
                        self.config.brokers
                    ));
                }
                Err(error) => return Probe::NotReady(error.to_string()),
            };
            let Some(found) = metadata.topics().iter().find(|t| t.name() == name) else {
                return Probe::Missing(name.clone());
            };
            match found.error().map(RDKafkaErrorCode::from) {
                Some(RDKafkaErrorCode::UnknownTopicOrPartition) => {
                    return Probe::Missing(name.clone())
                }
                Some(code @ RDKafkaErrorCode::TopicAuthorizationFailed) => {
                    let reason = refusal(&KafkaError::Global(code), &code.to_string())
                        .unwrap_or_else(|| code.to_string());
                    return Probe::Refused(format!("topic {name:?}: {reason}"));
                }
                Some(code) => return Probe::NotReady(format!("topic {name:?}: {code}")),
                None => {}
            }
            if found.partitions().is_empty() {
                return Probe::Missing(name.clone());
            }
            if let Some(p) = found.partitions().iter().find(|p| p.leader() < 0) {
                return Probe::NotReady(format!(
                    "partition {} of topic {name:?} has no leader",
                    p.id()
                ));
            }
        }
        Probe::Ready
    }

    async fn create(&self, admin: &AdminClient<QuietContext>) -> Result<(), String> {
        let config = &self.config;
        let topics = [
            new_topic(&config.topic, &config.topic_config, config),
            new_topic(&config.dlq_topic, &config.dlq_topic_config, config),
        ];
        let options = AdminOptions::new()
            .request_timeout(Some(CREATE_TIMEOUT))
            .operation_timeout(Some(CREATE_TIMEOUT));
        let results = admin
            .create_topics(&topics, &options)
            .await
            .map_err(|e| format!("cannot create topics: {e}"))?;
        for result in results {
            match result {
                Ok(name) => tracing::info!(topic = %name, "created the topic"),
                Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((name, code @ RDKafkaErrorCode::TopicAuthorizationFailed))
                | Err((name, code @ RDKafkaErrorCode::ClusterAuthorizationFailed)) => {
                    return Err(format!(
                        "cannot create topic {name:?}: {code}; the principal needs CREATE on it, or create it beforehand and set sink.kafka.create_topics = false"
                    ))
                }
                Err((name, code)) => return Err(format!("cannot create topic {name:?}: {code}")),
            }
        }
        Ok(())
    }
}

impl KafkaSink {
    /// Creates the producer and looks at the topics: creates them when they are missing and
    /// `create_topics` is on, or fails naming the missing topic. A broker that cannot be
    /// reached yet is not an error: the sink reports not ready, records wait, and the watcher
    /// finishes this work once the broker answers.
    pub async fn open(config: &KafkaConfig) -> Result<KafkaSink, SinkError> {
        let context = QuietContext::default();
        let signals = context.signals();
        let producer: FutureProducer<QuietContext> = client_config(config)
            .create_with_context(context)
            .map_err(|e| SinkError::Kafka(format!("cannot create the producer: {e}")))?;
        let admin = if config.create_topics {
            Some(
                connection_config(config)
                    .create_with_context(QuietContext::default())
                    .map_err(|e| {
                        SinkError::Kafka(format!("cannot create the admin client: {e}"))
                    })?,
            )
        } else {
            None
        };
        let topics = Topics {
            producer: producer.clone(),
            signals: signals.clone(),
            admin,
            config: config.clone(),
        };
        let health = Arc::new(Health::new(format!(
            "not connected to {} yet",
            config.brokers
        )));
        match topics.probe().await {
            Probe::Ready => {
                writable(&producer, &signals).await.map_err(SinkError::Kafka)?;
                health.probe_ok()
            }
            Probe::Refused(reason) => return Err(SinkError::Kafka(reason)),
            Probe::Missing(topic) => {
                return Err(SinkError::Kafka(format!(
                    "topic {topic:?} does not exist on {}; create it, or set sink.kafka.create_topics = true (see docs/kafka.md)",
                    config.brokers
                )))
            }
            Probe::Unreachable(reason) => {
                tracing::warn!(%reason, "records wait until the brokers answer");
                health.probe_failed(reason);
            }
            Probe::NotReady(reason) => {
                if config.create_topics && reason.starts_with("cannot create") {
                    return Err(SinkError::Kafka(reason));
                }
                tracing::warn!(%reason, "the Kafka sink is not ready");
                health.probe_failed(reason);
            }
        }
        let watcher = tokio::spawn(watch(topics, health.clone()));
        Ok(KafkaSink {
            producer,
            topic: config.topic.clone(),
            dlq_topic: config.dlq_topic.clone(),
            schema_version: SCHEMA_VERSION.to_string(),
            health,
            watcher,
        })
    }

    /// Whether records can be delivered now.
    pub fn readiness(&self) -> Readiness {
        self.health.readiness()
    }

    /// Resolves once the topics were last seen with a leader for every partition.
    pub(crate) async fn reachable(&self) {
        self.health.reachable().await
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
            Ok(_) => {
                self.health.delivered();
                Ok(())
            }
            Err((error, _)) => {
                let explained = explain(&self.producer, topic, &error);
                let error = match (classify(error), explained) {
                    (DeliveryError::Unavailable(_), Some(reason)) => {
                        DeliveryError::Unavailable(reason)
                    }
                    (error, _) => error,
                };
                if let DeliveryError::Unavailable(reason) = &error {
                    self.health.delivery_failed(reason.clone());
                }
                Err(error)
            }
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

/// The creation request of one topic.
fn new_topic<'a>(
    name: &'a str,
    settings: &'a std::collections::BTreeMap<String, String>,
    config: &KafkaConfig,
) -> NewTopic<'a> {
    let mut topic = NewTopic::new(
        name,
        config.partitions,
        TopicReplication::Fixed(config.replication_factor),
    );
    for (key, value) in settings {
        topic = topic.set(key, value);
    }
    topic
}

/// Probes the cluster for as long as the sink lives, keeping its readiness current.
async fn watch(topics: Topics, health: Arc<Health>) {
    let mut was_ready = health.readiness().is_ready();
    loop {
        tokio::time::sleep(PROBE_INTERVAL).await;
        let ready = match topics.probe().await {
            Probe::Ready => {
                health.probe_ok();
                true
            }
            Probe::Missing(topic) => {
                health.probe_failed(format!(
                    "topic {topic:?} does not exist; create it, or set sink.kafka.create_topics = true"
                ));
                false
            }
            Probe::Unreachable(reason) | Probe::NotReady(reason) | Probe::Refused(reason) => {
                health.probe_failed(reason);
                false
            }
        };
        if ready != was_ready {
            match health.readiness() {
                Readiness::Ready => tracing::info!("the Kafka sink is ready"),
                Readiness::NotReady(reason) => {
                    tracing::warn!(%reason, "the Kafka sink is not ready")
                }
            }
            was_ready = ready;
        }
    }
}

/// Waits until the brokers have given the idempotent producer its id, which they do only to a
/// principal allowed to write; fails with the refusal when they will not. Without a word
/// within [`WRITABLE_TIMEOUT`] (statistics turned off, a slow cluster) the start goes on and
/// the first delivery tells.
async fn writable(
    producer: &FutureProducer<QuietContext>,
    signals: &Signals,
) -> Result<(), String> {
    let mut state = signals.idempotence();
    let deadline = tokio::time::Instant::now() + WRITABLE_TIMEOUT;
    loop {
        if let Some(reason) = fatal(producer) {
            return Err(reason);
        }
        if state.borrow_and_update().as_deref() == Some("Assigned") {
            return Ok(());
        }
        if !matches!(
            tokio::time::timeout_at(deadline, state.changed()).await,
            Ok(Ok(()))
        ) {
            tracing::warn!(
                "the brokers have not given the producer its id within {}s; deliveries will tell whether it may write",
                WRITABLE_TIMEOUT.as_secs()
            );
            return Ok(());
        }
    }
}

/// The producer's fatal error, if it had one, as a sentence: such a producer delivers nothing
/// any more, so tinstream must be restarted once the cause is fixed.
fn fatal(producer: &FutureProducer<QuietContext>) -> Option<String> {
    let (code, reason) = producer.client().fatal_error()?;
    let reason = refusal(&KafkaError::Global(code), &reason).unwrap_or(reason);
    Some(format!(
        "the Kafka producer stopped for good ({reason}); restart tinstream once this is fixed"
    ))
}

/// A failed delivery's cause in words when librdkafka's own are not enough: a refusal names
/// what to check, a fatal error gives its reason instead of the bare "Fatal".
fn explain(
    producer: &FutureProducer<QuietContext>,
    topic: &str,
    error: &KafkaError,
) -> Option<String> {
    let reason = match error.rdkafka_error_code()? {
        RDKafkaErrorCode::Fatal => fatal(producer)?,
        _ => refusal(error, &error.to_string())?,
    };
    Some(format!("cannot write to topic {topic:?}: {reason}"))
}

/// Errors that retrying cannot fix are rejections; the rest are outages. A missing topic or a
/// denied write is an outage, not a rejection: dead-lettering every record because of a
/// configuration mistake would lose the crawl, waiting for the fix loses nothing.
fn classify(error: KafkaError) -> DeliveryError {
    let permanent = matches!(
        error.rdkafka_error_code(),
        Some(
            RDKafkaErrorCode::MessageSizeTooLarge
                | RDKafkaErrorCode::InvalidMessageSize
                | RDKafkaErrorCode::InvalidMessage
                | RDKafkaErrorCode::InvalidRecord
        )
    );
    if permanent {
        DeliveryError::Rejected(error.to_string())
    } else {
        DeliveryError::Unavailable(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_settings_pass_through_and_guarantees_win() {
        let mut config = KafkaConfig::default();
        for (key, value) in [
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "SCRAM-SHA-512"),
            ("sasl.username", "tinstream"),
            ("sasl.password", "hunter2"),
            ("ssl.ca.location", "/etc/ssl/kafka-ca.pem"),
            ("linger.ms", "20"),
        ] {
            config.options.insert(key.into(), value.into());
        }
        let producer = client_config(&config);
        assert_eq!(producer.get("security.protocol"), Some("SASL_SSL"));
        assert_eq!(producer.get("sasl.password"), Some("hunter2"));
        assert_eq!(
            producer.get("ssl.ca.location"),
            Some("/etc/ssl/kafka-ca.pem")
        );
        assert_eq!(producer.get("enable.idempotence"), Some("true"));
        assert_eq!(producer.get("acks"), Some("all"));
        assert_eq!(producer.get("compression.type"), Some("zstd"));
        assert_eq!(producer.get("message.timeout.ms"), Some("300000"));
        // The start reads the idempotence state from the statistics.
        assert_eq!(producer.get("statistics.interval.ms"), Some("1000"));
        // The admin client that creates topics reaches the cluster the same way.
        let admin = connection_config(&config);
        assert_eq!(admin.get("sasl.username"), Some("tinstream"));
        assert_eq!(admin.get("bootstrap.servers"), Some("127.0.0.1:9092"));
    }

    #[test]
    fn only_size_and_validity_errors_are_rejections() {
        let rejected = classify(KafkaError::MessageProduction(
            RDKafkaErrorCode::MessageSizeTooLarge,
        ));
        assert!(matches!(rejected, DeliveryError::Rejected(_)));
        for code in [
            RDKafkaErrorCode::UnknownTopicOrPartition,
            RDKafkaErrorCode::TopicAuthorizationFailed,
            RDKafkaErrorCode::MessageTimedOut,
            RDKafkaErrorCode::NotEnoughReplicas,
            RDKafkaErrorCode::AllBrokersDown,
        ] {
            assert!(
                matches!(
                    classify(KafkaError::MessageProduction(code)),
                    DeliveryError::Unavailable(_)
                ),
                "{code:?}"
            );
        }
    }
}
