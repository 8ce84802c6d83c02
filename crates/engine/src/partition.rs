//! The partitions of the crawl an engine owns.
//!
//! The crawl is split by registrable domain into a fixed number of partitions
//! ([`crate::partition_of`]); each has its own crawl state (frontier, page states, the sources'
//! schedules and validators) and its own state writer. An engine works only on the partitions
//! it owns: it takes due pages from their frontiers and polls only the sources whose domain
//! falls in them. One process alone owns the single partition of a local crawl; workers that
//! share a crawl are handed partitions and take them back as their group changes.
//!
//! A partition is handed over cleanly: when it is revoked, no new page of it starts, the pages
//! in flight finish (their states are committed), its pollers stop and its writer commits what
//! is left; pages taken and not started stay in its frontier, due again for the next owner.
//! A partition lost (the group moved it without waiting, as when this worker's session ran
//! out) stops at once instead: the next owner may be working on it already, and whatever this
//! engine still wrote would be refused by the group anyway.

use crate::domain::{domain_key, partition_of};
use crate::engine::{EngineError, Restorer};
use crate::upkeep::{write_changes, Change, CHANGE_BATCH};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tinstream_crawler::{StateError, StateStore};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use url::Url;

/// How the crawl is split: the number of partitions, fixed for the life of a crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub(crate) count: u32,
}

impl Layout {
    /// The partition a URL belongs to: that of its registrable domain.
    pub(crate) fn of(&self, url: &Url) -> u32 {
        if self.count <= 1 {
            return 0;
        }
        partition_of(&domain_key(url).unwrap_or_default(), self.count)
    }

    /// Where a partition's crawl state lives under `data_dir`: the folder itself for a crawl
    /// of one partition (as a local crawl always was), a folder per partition otherwise.
    pub(crate) fn dir(&self, data_dir: &Path, partition: u32) -> PathBuf {
        if self.count <= 1 {
            data_dir.to_path_buf()
        } else {
            data_dir.join(format!("partition-{partition}"))
        }
    }
}

/// A partition the engine owns.
pub(crate) struct Partition {
    pub(crate) id: u32,
    pub(crate) state: StateStore,
    changes: mpsc::Sender<Change>,
    /// The due time last given to a new page of each server (host and port), to pace new
    /// pages per server in the frontier's order.
    pub(crate) schedule: Mutex<HashMap<String, u64>>,
    /// Cancelled when the partition is revoked (or the engine stops): its pollers stop and no
    /// new page of it starts.
    pub(crate) revoked: CancellationToken,
    /// Cancelled when the partition was lost (the group gave it to another worker without
    /// waiting for this one): its tasks stop where they are, and nothing more of it is written.
    pub(crate) lost: CancellationToken,
    /// The page tasks and pollers of this partition, waited for when it is revoked.
    pub(crate) tasks: TaskTracker,
    /// Dropped after `state` (fields drop in order): tells the revoking task that the
    /// partition's database is closed and its file free for the next owner.
    _closed: oneshot::Sender<()>,
}

/// What is left to finish a revoked partition: its writer, which ends once it has committed
/// what it was given.
pub(crate) struct Closing {
    writer: JoinHandle<Result<(), EngineError>>,
    close: CancellationToken,
    /// Resolves once the last handle to the partition is gone.
    pub(crate) closed: oneshot::Receiver<()>,
}

impl Partition {
    /// Opens the partition's crawl state in `dir`: pages taken but not settled when it was
    /// last closed become due again. Returns it, its writer, and the pages in its frontier.
    pub(crate) async fn open(
        id: u32,
        dir: PathBuf,
        stop: &CancellationToken,
        restorer: Option<Arc<dyn Restorer>>,
    ) -> Result<(Partition, Closing, u64), EngineError> {
        let state = tokio::task::spawn_blocking(move || StateStore::open(&dir))
            .await
            .map_err(|source| EngineError::Panicked {
                what: "opening the crawl state",
                source,
            })??;
        if let Some(restorer) = restorer {
            // The local store is a cache of the partition's durable state: bring it up to date
            // before anything reads it.
            let store = state.clone();
            tokio::task::spawn_blocking(move || restorer.restore(id, &store))
                .await
                .map_err(|source| EngineError::Panicked {
                    what: "restoring the partition",
                    source,
                })?
                .map_err(|source| EngineError::Restore {
                    partition: id,
                    source,
                })?;
        }
        let restore = state.clone();
        let restored = tokio::task::spawn_blocking(move || restore.restore_frontier())
            .await
            .map_err(|source| EngineError::Panicked {
                what: "restoring the frontier",
                source,
            })??;
        let (changes, changes_rx) = mpsc::channel(CHANGE_BATCH * 4);
        let close = CancellationToken::new();
        let writer = tokio::spawn(write_changes(
            state.clone(),
            changes_rx,
            stop.clone(),
            close.clone(),
        ));
        let (closed_tx, closed) = oneshot::channel();
        let partition = Partition {
            id,
            state,
            changes,
            schedule: Mutex::new(HashMap::new()),
            revoked: stop.child_token(),
            lost: CancellationToken::new(),
            tasks: TaskTracker::new(),
            _closed: closed_tx,
        };
        let closing = Closing {
            writer,
            close,
            closed,
        };
        Ok((partition, closing, restored))
    }

    /// Runs `task` as one of the partition's tasks, which stops where it is if the partition
    /// is lost.
    pub(crate) fn track<F>(&self, task: F) -> impl std::future::Future<Output = Option<F::Output>>
    where
        F: std::future::Future,
    {
        let lost = self.lost.clone();
        self.tasks.track_future(async move {
            tokio::select! {
                biased;
                _ = lost.cancelled() => None,
                done = task => Some(done),
            }
        })
    }

    /// Hands a change to the partition's writer; false when the writer has stopped.
    pub(crate) async fn send(&self, change: Change) -> bool {
        self.changes.send(change).await.is_ok()
    }

    /// Runs a call on the partition's crawl state on the blocking pool: the store reads and
    /// writes files, which must not stall the async workers.
    pub(crate) async fn store<T, F>(&self, what: &'static str, call: F) -> Result<T, EngineError>
    where
        T: Send + 'static,
        F: FnOnce(&StateStore) -> Result<T, StateError> + Send + 'static,
    {
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || call(&state))
            .await
            .map_err(|source| EngineError::Panicked { what, source })?
            .map_err(EngineError::from)
    }
}

impl Closing {
    /// Closes the writer and waits for it to commit what it was given: call it once the
    /// partition's tasks are done.
    pub(crate) async fn finish_writes(&mut self) -> Result<(), EngineError> {
        self.close.cancel();
        (&mut self.writer)
            .await
            .map_err(|source| EngineError::Panicked {
                what: "the state writer",
                source,
            })?
    }

    /// Stops the writer where it is: what it was given and had not written is dropped.
    pub(crate) async fn abandon_writes(&mut self) {
        self.writer.abort();
        let _ = (&mut self.writer).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_partition_is_the_data_folder_itself() {
        let one = Layout { count: 1 };
        let url = Url::parse("https://vnexpress.net/a").unwrap();
        assert_eq!(one.of(&url), 0);
        assert_eq!(one.dir(Path::new("/d"), 0), Path::new("/d"));
        let many = Layout { count: 8 };
        assert_eq!(many.of(&url), partition_of("vnexpress.net", 8));
        // Every host of a site is in the site's partition.
        let other_host = Url::parse("https://e.vnexpress.net/b").unwrap();
        assert_eq!(many.of(&other_host), many.of(&url));
        assert_eq!(many.dir(Path::new("/d"), 5), Path::new("/d/partition-5"));
    }
}
