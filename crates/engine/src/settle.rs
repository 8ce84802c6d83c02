//! How a page's end is recorded: the changes handed to the state writer, a page put back in
//! the frontier after a transient failure, and a page given up for good with its dead letter.

use crate::dispatch::now_ms;
use crate::engine::Shared;
use crate::journal::{Output, Unit};
use crate::observe::Event;
use crate::page::Job;
use crate::partition::Partition;
use crate::upkeep::Change;
use std::time::Duration;
use tinstream_crawler::changelog::Entry;
use tinstream_crawler::{FrontierEntry, PageState, PageStatus, StateChange};
use tinstream_sink::{DeadLetter, Stage};
use tokio::sync::oneshot;
use tracing::{info, warn};
use url::Url;

/// Longest wait before a page put back in the frontier is tried again.
const REQUEUE_CAP: Duration = Duration::from_secs(3600);

impl Shared {
    /// Hands a change to the state writer; with `committed`, the caller can wait for it.
    /// With a journal, the change and `output` (the records and dead letters it settles) are
    /// written there first, together; false when that failed, and nothing was applied.
    pub(crate) async fn send(
        &self,
        partition: &Partition,
        change: StateChange,
        committed: Option<oneshot::Sender<()>>,
        output: Output,
    ) -> bool {
        if let Some(journal) = self.journal.get() {
            let mut entries = change.entries();
            entries.extend(
                output
                    .turns
                    .into_iter()
                    .map(|(server, not_before_ms)| Entry::Host {
                        server,
                        not_before_ms,
                    }),
            );
            let unit = Unit {
                partition: partition.id,
                records: output.records,
                dead_letters: output.dead_letters,
                entries,
                found: Vec::new(),
                consumed: None,
            };
            if let Err(error) = journal.write(unit).await {
                warn!(%error, "the crawl's outcome could not be written; this page will be done again");
                return false;
            }
            for fetched_at in output.fetched {
                self.observe(Event::Delivered {
                    latency: fetched_at.elapsed(),
                });
            }
        }
        if !partition.send(Change { change, committed }).await {
            warn!("the state writer has stopped; this page will be done again");
        }
        true
    }

    /// Puts a page back in the frontier after a transient failure, due later (the wait
    /// doubles each time); past `crawler.max_requeues`, records the failure for good.
    pub(crate) async fn requeue(&self, job: &Job, reason: String) {
        let requeues = job.entry.requeues + 1;
        if requeues > self.crawler.max_requeues {
            let reason = format!("{reason} (gave up after {requeues} tries)");
            warn!(%reason, "page failed for good");
            self.give_up(job, &[&job.url], Stage::Fetch, reason, None)
                .await;
            return;
        }
        self.observe(Event::Deferred);
        let wait = self
            .crawler
            .requeue_delay
            .saturating_mul(2u32.saturating_pow(job.entry.requeues))
            .min(REQUEUE_CAP);
        info!(%reason, requeues, wait_secs = wait.as_secs_f64(), "page put back in the frontier");
        let entry = FrontierEntry {
            due_ms: now_ms() + wait.as_millis() as u64,
            requeues,
            ..job.entry.clone()
        };
        // The page left the due order when it was taken; only the requeue brings it back. A
        // requeue that could not be written (a cluster's transaction aborted while a broker
        // failed) is written again, until the engine stops or the partition moves: then the
        // page is still in the partition's frontier for the next start or owner.
        let mut backoff = tinstream_sink::Backoff::default();
        loop {
            let change = StateChange::Requeue {
                key: job.key.clone(),
                entry: entry.clone(),
            };
            if self
                .send(&job.partition, change, None, Output::default())
                .await
            {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff.next_wait()) => {}
                _ = self.drain.stopping() => return,
                _ = job.partition.revoked.cancelled() => return,
            }
        }
    }

    /// Records what became of a page under every URL it is known by (the first is the one
    /// it was listed under, the last its canonical address), takes it out of the frontier
    /// (or schedules its re-check), and waits until the store has committed it. Waiting
    /// keeps the page's delivery permit taken until then, so that a crash can only redo
    /// pages within `sink.max_in_flight`.
    pub(crate) async fn settle(
        &self,
        job: &Job,
        urls: &[&Url],
        status: PageStatus,
        content_hash: Option<String>,
        reason: Option<String>,
        recheck: Option<FrontierEntry>,
    ) -> bool {
        let state = PageState {
            status,
            content_hash,
            reason,
            at: chrono::Utc::now().timestamp(),
        };
        self.settle_state(job, urls, state, recheck).await
    }

    /// [`Shared::settle`] with the whole state given. False when the outcome could not be
    /// written (with a journal): the page is then not settled, and is done again.
    pub(crate) async fn settle_state(
        &self,
        job: &Job,
        urls: &[&Url],
        state: PageState,
        recheck: Option<FrontierEntry>,
    ) -> bool {
        let mut keys: Vec<String> = Vec::with_capacity(urls.len());
        for url in urls {
            let key = self.key(url);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        let (committed, done) = oneshot::channel();
        let output = std::mem::take(&mut *job.outbox.lock().unwrap_or_else(|e| e.into_inner()));
        let written = self
            .send(
                &job.partition,
                StateChange::Settle {
                    keys,
                    state,
                    recheck,
                },
                Some(committed),
                output,
            )
            .await;
        if !written {
            return false;
        }
        // An error here means the commit failed (logged by the writer) or the writer
        // stopped: the page will then be done again, which is safe.
        let _ = done.await;
        true
    }

    pub(crate) async fn dead_letter(
        &self,
        job: &Job,
        url: &Url,
        stage: Stage,
        reason: String,
        record_id: Option<String>,
    ) -> bool {
        let letter = DeadLetter {
            url: url.to_string(),
            stage,
            reason,
            at: chrono::Utc::now(),
            record_id,
        };
        if self.journal.get().is_some() {
            // Written with the page's state, in one unit.
            self.observe(Event::DeadLetter { stage });
            let mut outbox = job.outbox.lock().unwrap_or_else(|e| e.into_inner());
            outbox.dead_letters.push(letter);
            return true;
        }
        match self.with_retries(|| self.sink.dead_letter(&letter)).await {
            Ok(()) => {
                self.observe(Event::DeadLetter { stage });
                true
            }
            Err(error) => {
                warn!(%error, "cannot deliver a dead letter; the page will be done again");
                false
            }
        }
    }

    /// Gives a page up for good: counts it, sends a dead letter and marks it failed under
    /// `urls`. Returns whether the page is settled (false when even the dead letter could not
    /// be delivered, so that the page is tried again later rather than lost).
    pub(crate) async fn give_up(
        &self,
        job: &Job,
        urls: &[&Url],
        stage: Stage,
        reason: String,
        record_id: Option<String>,
    ) -> bool {
        self.observe(Event::Failed { stage });
        let Some(url) = urls.first() else {
            return false;
        };
        if !self
            .dead_letter(job, url, stage, reason.clone(), record_id)
            .await
        {
            return false;
        }
        self.settle(job, urls, PageStatus::Failed, None, Some(reason), None)
            .await
    }
}
