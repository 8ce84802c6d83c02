//! The `[cluster]` table: whether the crawl is one process's, or shared by several workers
//! through Kafka (a frontier topic keyed by registrable domain, consumer groups, a compacted
//! state topic).

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How the crawl is shared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterMode {
    /// One process, its crawl state in an embedded database.
    #[default]
    Local,
    /// Several workers share the crawl through Kafka.
    Kafka,
}

/// The `[cluster]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// `local` (one process, as by default) or `kafka`.
    pub mode: ClusterMode,
    /// The consumer group the workers join, and the prefix of their transactional ids.
    pub group: String,
    /// This worker's name, stable across its restarts (a restarted worker takes over the
    /// transactions of its previous life); required in `kafka` mode.
    pub worker_id: String,
    /// The topic of pages to crawl, keyed by registrable domain.
    pub frontier_topic: String,
    /// The compacted topic of the crawl state, partitioned like the frontier.
    pub state_topic: String,
    /// Partitions of the two topics, fixed when they are created: the most workers that can
    /// share the crawl.
    pub partitions: u32,
    /// How often a worker commits its transaction: what it produced becomes visible to
    /// `read_committed` readers this late, and a worker that dies loses (and its successor
    /// redoes) at most this much work.
    #[serde(with = "tinstream_model::duration")]
    pub commit_interval: Duration,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            mode: ClusterMode::Local,
            group: "tinstream".into(),
            worker_id: String::new(),
            frontier_topic: "tinstream.frontier".into(),
            state_topic: "tinstream.state".into(),
            partitions: 64,
            commit_interval: Duration::from_millis(500),
        }
    }
}

/// The longest commit interval: a transaction stays open that long, and the brokers abort one
/// open longer than the transaction timeout (10 s).
const MAX_COMMIT_INTERVAL: Duration = Duration::from_secs(5);

/// Most partitions the topics may have: far above what one crawl needs, and within what a
/// Kafka cluster handles per topic.
const MAX_PARTITIONS: u32 = 10_000;

impl ClusterConfig {
    /// Checks what the types cannot, naming the key.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_PARTITIONS).contains(&self.partitions) {
            return Err(format!(
                "cluster.partitions must be between 1 and {MAX_PARTITIONS}, not {}",
                self.partitions
            ));
        }
        if self.commit_interval.is_zero() || self.commit_interval > MAX_COMMIT_INTERVAL {
            return Err(format!(
                "cluster.commit_interval must be above 0 and at most {}, not {}",
                humantime::format_duration(MAX_COMMIT_INTERVAL),
                humantime::format_duration(self.commit_interval)
            ));
        }
        for (key, name) in [
            ("cluster.frontier_topic", &self.frontier_topic),
            ("cluster.state_topic", &self.state_topic),
        ] {
            topic_name(name).map_err(|problem| format!("{key} {name:?}: {problem}"))?;
        }
        if self.frontier_topic == self.state_topic {
            return Err(format!(
                "cluster.frontier_topic and cluster.state_topic are both {:?}: they must differ",
                self.state_topic
            ));
        }
        if self.mode == ClusterMode::Kafka {
            if self.group.trim().is_empty() {
                return Err("cluster.group must not be empty in kafka mode".into());
            }
            if self.worker_id.trim().is_empty() {
                return Err(
                    "cluster.worker_id is required in kafka mode: a name stable across \
                     the worker's restarts (env TINSTREAM__CLUSTER__WORKER_ID), such as the pod's \
                     name in a StatefulSet"
                        .into(),
                );
            }
        }
        Ok(())
    }
}

/// Whether `name` is a topic name Kafka accepts: 1 to 249 of `a-z A-Z 0-9 . _ -`, not `.` or
/// `..`.
fn topic_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 249 {
        return Err("a topic name has 1 to 249 characters");
    }
    if name == "." || name == ".." {
        return Err("a topic cannot be named . or ..");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("a topic name holds only ASCII letters, digits, '.', '_' and '-'");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_interval_outside_its_bounds_is_refused_by_name() {
        for bad in [Duration::ZERO, Duration::from_secs(6)] {
            let config = ClusterConfig {
                commit_interval: bad,
                ..ClusterConfig::default()
            };
            let error = config.validate().expect_err("out of bounds");
            assert!(error.starts_with("cluster.commit_interval"), "{error}");
        }
        let config = ClusterConfig {
            commit_interval: Duration::from_secs(5),
            ..ClusterConfig::default()
        };
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn the_default_is_local_and_valid() {
        let config = ClusterConfig::default();
        assert_eq!(config.mode, ClusterMode::Local);
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn kafka_mode_needs_a_worker_id() {
        let mut config = ClusterConfig {
            mode: ClusterMode::Kafka,
            ..Default::default()
        };
        let error = config.validate().unwrap_err();
        assert!(error.contains("cluster.worker_id is required"), "{error}");
        config.worker_id = "w1".into();
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn bad_values_name_their_key() {
        let bad = |change: fn(&mut ClusterConfig)| {
            let mut config = ClusterConfig::default();
            change(&mut config);
            config.validate().unwrap_err()
        };
        assert!(bad(|c| c.partitions = 0).starts_with("cluster.partitions"));
        assert!(bad(|c| c.partitions = 10_001).starts_with("cluster.partitions"));
        assert!(bad(|c| c.frontier_topic = "tin stream".into())
            .starts_with("cluster.frontier_topic \"tin stream\""));
        assert!(bad(|c| c.state_topic = String::new()).starts_with("cluster.state_topic"));
        assert!(bad(|c| c.state_topic = "..".into()).starts_with("cluster.state_topic"));
        assert!(bad(|c| c.state_topic = c.frontier_topic.clone()).contains("must differ"));
    }
}
