//! Workers of tinstream sharing one crawl through Kafka, with no coordinator of their own: the
//! consumer group of the frontier topic decides which worker owns which partitions of the
//! crawl, and each worker's [`tinstream_engine::Engine`] works on those only.
//!
//! [`ensure_topics`] creates the frontier topic and the compacted state topic (or checks that
//! they have the partitions the crawl is split into); [`Member::join`] joins the group with
//! cooperative-sticky assignment and hands the engine the partitions the group gives this
//! worker, taking them back — their pages in flight settled — before the group moves them.
//!
//! ```no_run
//! use std::sync::{Arc, OnceLock};
//! use tinstream_cluster::{
//!     ensure_topics, ClusterJournal, FrontierOffsets, GroupMetadata, Member, StateTopic,
//!     Transactor,
//! };
//! use tinstream_engine::Unobserved;
//! # async fn example(
//! #     engine: tinstream_engine::Engine,
//! #     cluster: &tinstream_engine::ClusterConfig,
//! #     kafka: &tinstream_sink::KafkaConfig,
//! # ) -> Result<(), tinstream_cluster::ClusterError> {
//! ensure_topics(cluster, kafka).await?;
//! // One transactional id per worker; the group's metadata exists once the worker joined.
//! let group: Arc<OnceLock<GroupMetadata>> = Arc::default();
//! let metadata = group.clone();
//! let transactor = Transactor::start(
//!     kafka,
//!     &format!("{}-{}", cluster.group, cluster.worker_id),
//!     cluster.commit_interval,
//!     Some(Arc::new(move || metadata.get().and_then(|g| g()))),
//!     Arc::new(Unobserved),
//! )
//! .await?;
//! let offsets = FrontierOffsets::default();
//! let journal = ClusterJournal::new(Arc::new(transactor), cluster, kafka, offsets.clone());
//! let engine = engine
//!     .with_restorer(Arc::new(StateTopic::new(kafka, &cluster.state_topic)))
//!     .with_journal(Arc::new(journal));
//! let member = Member::join(cluster, kafka, engine.ownership(), Arc::new(Unobserved), offsets)?;
//! let _ = group.set(member.group_metadata());
//! // ... the engine runs on the partitions it is handed ...
//! member.leave().await;
//! # Ok(())
//! # }
//! ```

mod journal;
mod member;
mod restore;
mod topics;
mod transactor;

pub use journal::{ClusterJournal, FrontierMessage, FrontierOffsets};
pub use member::Member;
pub use restore::{restore, Restored, StateTopic};
pub use topics::ensure_topics;
pub use transactor::{Batch, GroupMetadata, Outgoing, TransactionError, Transactor};

/// Why a worker cannot take part in the cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// A Kafka client could not be created (a bad setting in `[sink.kafka]`).
    #[error("cannot create the Kafka {what}")]
    Client {
        what: &'static str,
        #[source]
        source: rdkafka::error::KafkaError,
    },
    /// The brokers did not answer or refused a request.
    #[error("{what}")]
    Kafka {
        what: String,
        #[source]
        source: rdkafka::error::KafkaError,
    },
    /// A topic of the cluster cannot be used as it is.
    #[error("{0}")]
    Topic(String),
    /// The local crawl state could not be written.
    #[error(transparent)]
    State(#[from] tinstream_crawler::StateError),
}
