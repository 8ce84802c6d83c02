//! Work beside the crawl: the writer that commits state changes in batches, and the expiry
//! of old state.

use crate::engine::{EngineError, Shared};
use crate::observe::Event;
use crate::partition::Partition;
use std::sync::Arc;
use std::time::Duration;
use tinstream_crawler::{StateChange, StateStore};
use tinstream_sink::Backoff;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

/// State changes written per transaction, at most.
pub(crate) const CHANGE_BATCH: usize = 256;

/// A change for the state store, and who waits for its commit.
pub(crate) struct Change {
    pub(crate) change: StateChange,
    pub(crate) committed: Option<oneshot::Sender<()>>,
}

/// Writes state changes in batches: whatever arrived while the previous batch was committing
/// goes into the next transaction, and each waiter hears when its change is on disk.
///
/// A batch that fails (a full disk) is held and tried again with backoff, not dropped: its
/// waiters keep their delivery permits meanwhile, so fetching pauses once the permits run
/// out, `/readyz` says why, and the crawl carries on where it stopped once the write goes
/// through, with nothing done twice. Only a stop gives up on it: its pages are then done
/// again by the next run, which is safe.
///
/// `closing` ends the writer once what was handed to it is committed (the partition was
/// revoked, or the engine stopped): later changes are refused, and their pages done again.
pub(crate) async fn write_changes(
    state: StateStore,
    mut changes: mpsc::Receiver<Change>,
    shutdown: CancellationToken,
    closing: CancellationToken,
) -> Result<(), EngineError> {
    let mut batch = Vec::with_capacity(CHANGE_BATCH);
    loop {
        let received = tokio::select! {
            received = changes.recv_many(&mut batch, CHANGE_BATCH) => received,
            _ = closing.cancelled() => {
                // What was sent before the close is still received; then the channel is empty.
                changes.close();
                changes.recv_many(&mut batch, CHANGE_BATCH).await
            }
        };
        if received == 0 {
            break;
        }
        let (to_write, waiting): (Vec<StateChange>, Vec<Option<oneshot::Sender<()>>>) =
            batch.drain(..).map(|c| (c.change, c.committed)).unzip();
        let to_write = Arc::new(to_write);
        let mut backoff = Backoff::default();
        let mut failing = false;
        let written = loop {
            let (store, changes) = (state.clone(), to_write.clone());
            let result = tokio::task::spawn_blocking(move || store.apply(&changes))
                .await
                .map_err(|source| EngineError::Panicked {
                    what: "the state writer",
                    source,
                })?;
            let error = match result {
                Ok(()) => break true,
                Err(error) => error,
            };
            if shutdown.is_cancelled() {
                warn!(%error, "cannot write the crawl state while stopping; its pages will be done again");
                break false;
            }
            let wait = backoff.next_wait();
            if failing {
                debug!(%error, wait_ms = wait.as_millis() as u64, "cannot write the crawl state; retrying");
            } else {
                warn!(%error, wait_ms = wait.as_millis() as u64, "cannot write the crawl state; retrying until it can (pages wait for it)");
                failing = true;
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.cancelled() => {}
            }
        };
        if failing && written {
            info!("the crawl state is written again");
        }
        if written {
            for waiter in waiting.into_iter().flatten() {
                let _ = waiter.send(());
            }
        }
    }
    Ok(())
}

/// Entries deleted per transaction when the state expires.
pub(crate) const EXPIRE_BATCH: usize = 10_000;

/// Deletes crawl-state entries older than `crawler.state_retention`, in batches so that no
/// transaction grows large. Runs before the first poll (so that a start sees the state as
/// the policy says it is), then every hour.
pub(crate) async fn expire_state(shared: &Shared, partition: &Partition) {
    let retention = shared.crawler.state_retention;
    if retention.is_zero() {
        return;
    }
    let cutoff = chrono::Utc::now().timestamp() - retention.as_secs() as i64;
    let mut removed = 0;
    loop {
        let batch = partition
            .store("expiring old state", move |s| {
                s.expire_pages(cutoff, EXPIRE_BATCH)
            })
            .await;
        match batch {
            Ok(n) => {
                removed += n;
                shared.observe(Event::StateExpired { entries: n });
                if n < EXPIRE_BATCH {
                    break;
                }
            }
            Err(error) => {
                warn!(%error, partition = partition.id, "cannot expire old crawl state");
                break;
            }
        }
    }
    if removed > 0 {
        info!(removed, partition = partition.id, "old crawl state expired");
        // A source that still lists an expired page must be read in full to list it again,
        // not answered with a 304.
        let forgotten = partition
            .store("resetting validators", |s| s.forget_document_validators())
            .await;
        if let Err(error) = forgotten {
            warn!(%error, "cannot reset the sources' validators");
        }
    }
}

/// [`expire_state`] every hour.
pub(crate) async fn expire_periodically(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    tick.tick().await;
    loop {
        tick.tick().await;
        for partition in shared.owned() {
            expire_state(&shared, &partition).await;
        }
    }
}
