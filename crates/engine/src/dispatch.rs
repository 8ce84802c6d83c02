//! The dispatcher: takes due pages from the frontier and starts a page task for each, at most
//! `crawler.concurrency` at a time, never the same page twice at once.

use crate::engine::Shared;
use crate::observe::Event;
use crate::page::{process, Job, Outcome};
use crate::partition::Partition;
use crate::polite::server_of;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tinstream_crawler::{FrontierEntry, StateChange};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, info_span, warn, Instrument};
use url::Url;

/// Longest wait before the dispatcher looks at the frontier again when nothing wakes it.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// Takes due pages from the frontiers of the partitions owned and processes them,
/// `crawler.concurrency` at a time. Returns on shutdown once the pages in flight are finished,
/// or, in `once` mode, when the pollers are done and no page is due or in flight.
pub(crate) async fn dispatch(shared: Arc<Shared>, once: bool, discovery_done: CancellationToken) {
    let slots = Arc::new(Semaphore::new(shared.crawler.concurrency));
    // Each task gives back its page's partition and key when done.
    let mut in_flight: JoinSet<(u32, String)> = JoinSet::new();
    // Pages taken and not done yet: a page is never started twice at once. Takes are not
    // synced to disk (a crash loses nothing: the due order is rebuilt at start), so after the
    // store is opened again following a failed write (a full disk), pages in flight can be
    // due again.
    let mut busy: HashSet<(u32, String)> = HashSet::new();
    // Pages taken from the frontiers and waiting for a fetch slot. Taking a few at a time
    // keeps the store's write transactions few; what is taken but not started when the
    // process stops (or the partition is revoked) is still in its frontier and comes back
    // when the partition is next opened.
    let mut ready: VecDeque<(Arc<Partition>, String, FrontierEntry)> = VecDeque::new();
    let take = (shared.crawler.concurrency * 2).max(16);
    // Taking pages is a write: on a full disk it fails until there is room. Said once.
    let mut taking_fails = false;
    loop {
        if shared.drain.is_stopping() {
            break;
        }
        // Pages of a partition given up meanwhile are left to its next owner.
        ready.retain(|(partition, key, _)| {
            let keep = !partition.revoked.is_cancelled();
            if !keep {
                busy.remove(&(partition.id, key.clone()));
            }
            keep
        });
        let mut next_due: Option<u64> = None;
        if ready.is_empty() {
            let owned = shared.owned();
            let each = (take / owned.len().max(1)).max(2);
            let now = now_ms();
            let mut gathered = Vec::new();
            for partition in owned {
                let taken = partition
                    .store("taking due pages", move |s| s.take_due(now, each))
                    .await;
                match taken {
                    Ok((taken, next)) => {
                        if std::mem::take(&mut taking_fails) {
                            info!("pages are taken from the frontier again");
                        }
                        for (key, entry) in taken {
                            if busy.insert((partition.id, key.clone())) {
                                gathered.push((partition.clone(), key, entry));
                            } else {
                                debug!(url = %entry.url, "due again while in flight; left to its task");
                            }
                        }
                        next_due = match (next_due, next) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        };
                    }
                    Err(error) if taking_fails => {
                        debug!(%error, "cannot take due pages from the frontier")
                    }
                    Err(error) => {
                        warn!(%error, "cannot take due pages from the frontier; trying again (`/readyz` says why meanwhile)");
                        taking_fails = true;
                    }
                }
            }
            // Earliest due first across the partitions, not one partition's pages after
            // another's, and the servers taking turns (see `take_turns`): the fetch slots do
            // not all wait behind the per-host limit of one site.
            take_turns(
                &mut gathered,
                |(_, _, entry)| entry.due_ms,
                |(_, _, entry)| match Url::parse(&entry.url) {
                    Ok(url) => server_of(&url),
                    Err(_) => entry.url.clone(),
                },
            );
            ready.extend(gathered);
            shared.observe(Event::Queued { pages: ready.len() });
        }
        let Some((partition, key, entry)) = ready.pop_front() else {
            // A run with `--once` is over when discovery is, nothing is in flight, and what
            // is left in the frontier is not a page this run found and paced for later
            // (those are due by the last paced time; anything later was put back or is a
            // re-check, for the next run).
            if once && discovery_done.is_cancelled() && in_flight.is_empty() {
                let last_paced = shared
                    .owned()
                    .iter()
                    .filter_map(|p| {
                        let schedule = p.schedule.lock().unwrap_or_else(|e| e.into_inner());
                        schedule.values().copied().max()
                    })
                    .max()
                    .unwrap_or(0);
                if next_due.is_none_or(|due| due > last_paced) {
                    break;
                }
            }
            // Nothing due: wait for new pages, a finished page (it may requeue or end the
            // run), the next due time, or the stop.
            let wait = next_due
                .map(|at| Duration::from_millis(at.saturating_sub(now_ms())))
                .unwrap_or(IDLE_CHECK)
                .min(IDLE_CHECK);
            tokio::select! {
                _ = shared.drain.stopping() => {}
                _ = shared.wake.notified() => {}
                _ = discovery_done.cancelled(), if once && !discovery_done.is_cancelled() => {}
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    if let Ok(done) = done {
                        busy.remove(&done);
                    }
                }
                _ = tokio::time::sleep(wait) => {}
            }
            continue;
        };
        shared.observe(Event::Queued { pages: ready.len() });
        let slot = tokio::select! {
            biased;
            _ = shared.drain.stopping() => break,
            // Given up while waiting for a slot: the page stays in its frontier.
            _ = partition.revoked.cancelled() => {
                busy.remove(&(partition.id, key));
                continue;
            }
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let Ok(url) = Url::parse(&entry.url) else {
            // Only parsed URLs are added; an entry that does not read is dropped.
            warn!(url = %entry.url, "a frontier entry is not a URL; dropped");
            busy.remove(&(partition.id, key.clone()));
            shared
                .send(
                    &partition,
                    StateChange::Unqueue { key },
                    None,
                    Default::default(),
                )
                .await;
            continue;
        };
        let job = Job {
            key,
            url,
            source: Arc::from(entry.source.as_str()),
            entry,
            partition: partition.clone(),
            outbox: Default::default(),
        };
        let site = job.url.host_str().unwrap_or("").to_string();
        let span = info_span!("page", url = %job.url, site = %site, source = %job.source);
        let shared = shared.clone();
        // Tracked by its partition too, which waits for it when it is revoked.
        let done = (partition.id, job.key.clone());
        let task = partition.track(
            async move {
                match process(&shared, &job, slot).await {
                    Outcome::Settled | Outcome::Stopped => {}
                    Outcome::Retry(reason) => shared.requeue(&job, reason).await,
                }
            }
            .instrument(span),
        );
        let task = async move {
            task.await;
            done
        };
        in_flight.spawn(task);
        // Reap finished tasks so the set does not grow over a long run.
        while let Some(done) = in_flight.try_join_next() {
            if let Ok(done) = done {
                busy.remove(&done);
            }
        }
    }
    // Let what has started finish.
    while in_flight.join_next().await.is_some() {}
}

/// Orders pages taken together so that their servers take turns: every server's earliest
/// page first (earliest due first), then every server's second, and so on. In due order
/// alone, a batch holding several pages of one server (a partition's pages are paced per
/// server, but each partition gives a few at a time, so with few partitions a batch holds runs
/// of one server's pages) hands that server every fetch slot, and the slots past its
/// `per_host_concurrency` wait at its gate while other servers' pages are due: with 4 slots
/// and 4 partitions of one site each, a worker fetched about 27 pages/s, and 31 once the
/// servers took turns (BENCHMARKS.md, scale out).
fn take_turns<T>(pages: &mut Vec<T>, due: impl Fn(&T) -> u64, server: impl Fn(&T) -> String) {
    pages.sort_by_key(|page| due(page));
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut ranked: Vec<(usize, T)> = pages
        .drain(..)
        .map(|page| {
            let turn = seen.entry(server(&page)).or_insert(0);
            *turn += 1;
            (*turn, page)
        })
        .collect();
    // Stable: within a turn, the due order stays.
    ranked.sort_by_key(|(turn, _)| *turn);
    pages.extend(ranked.into_iter().map(|(_, page)| page));
}

/// Now, in Unix milliseconds: the frontier's clock.
pub(crate) fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::take_turns;

    #[test]
    fn servers_take_turns_in_due_order() {
        // (due, server): a's four pages are due first, then b's and c's.
        let mut pages = vec![
            (40, "c"),
            (10, "a"),
            (11, "a"),
            (12, "a"),
            (13, "a"),
            (20, "b"),
            (21, "b"),
        ];
        take_turns(&mut pages, |p| p.0, |p| p.1.to_string());
        assert_eq!(
            pages,
            [
                (10, "a"),
                (20, "b"),
                (40, "c"),
                (11, "a"),
                (21, "b"),
                (12, "a"),
                (13, "a")
            ]
        );
    }
}
