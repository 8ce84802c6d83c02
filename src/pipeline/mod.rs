//! The crawl pipeline: discover → fetch → parse → deliver, with the sink's acknowledgements
//! flowing back into the crawl state.
//!
//! Each source has a poller task that reads it on its interval and adds the article URLs it
//! has not settled yet to the frontier, which lives in the state store (so a restart resumes
//! it, and memory does not grow with it). A dispatcher takes due pages from the frontier, at
//! most `crawler.concurrency` at a time, and runs each through robots.txt, per-host pacing,
//! fetching (with retries), parsing (on the blocking pool) and delivery. Only once the sink
//! confirms a record is the page written to the state store as delivered, in the transaction
//! that takes it out of the frontier; a crash before that means the page is done again after
//! restart, never lost. A transient failure puts the page back in the frontier with a later
//! due time, up to `crawler.max_requeues` times; then the failure is recorded.
//!
//! Backpressure runs back along the same path. A parsed record takes one of
//! `sink.max_in_flight` delivery permits before it leaves its fetch slot, and keeps it until
//! the sink confirms it; a delivery that fails for a transient reason (broker down) is retried
//! with backoff, holding its permit. So while the destination is down, crawling goes on until
//! the permits are gone, then the fetch slots fill and the dispatcher stops taking pages; the
//! frontier keeps growing on disk only: memory stays bounded and nothing is dropped. When the destination comes back, the waiting
//! records go out first.
//!
//! The stages talk through narrow types (`FrontierEntry` in, `StateChange` out), so that moving
//! the frontier to a Kafka topic later changes the transport, not the stages.
//!
//! This file holds the run, the dispatcher and a page's way through the stages; `sources`
//! the pollers, `polite` the fetching (robots.txt, pacing, retries, bot challenges), and
//! `upkeep` the state writer, expiry and the periodic report.

use crate::config::Config;
use crate::metrics::Metrics;
use crate::outcome::RunOutcome;
use anyhow::Context as _;
use rand::Rng;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tinstream_crawler::discover;
use tinstream_crawler::{
    urls, Challenge, Conditional, CrawlerConfig, FetchError, Fetched, Fetcher, FrontierEntry,
    HostGate, PageState, PageStatus, Recheck, RobotsCache, RobotsDecision, SourceConfig,
    SourceKind, StateChange, StateError, StateStore, Validators,
};
use tinstream_model::{Article, ArticleTime};
use tinstream_parser::{Extraction, Hints, Page, ParseError, Parser};
use tinstream_sink::{Backoff, DeadLetter, DeliveryError, Readiness, Sink, Stage};
use tokio::sync::{mpsc, oneshot, Notify, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, info_span, warn, Instrument};
use url::Url;

mod polite;
mod sources;
mod upkeep;

use polite::{Answer, PoliteError, SitemapRead};
pub use sources::Reload;
use sources::*;
use upkeep::*;

/// How long, after a stop is asked for, records in flight may take to be confirmed, and the
/// sink to flush.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(30);
/// State changes written per transaction, at most.
const CHANGE_BATCH: usize = 256;
/// URLs a poll adds to the frontier per transaction.
const ENQUEUE_BATCH: usize = 1000;
/// Longest wait before the dispatcher looks at the frontier again when nothing wakes it.
const IDLE_CHECK: Duration = Duration::from_secs(1);
/// Longest wait before a page put back in the frontier is tried again.
const REQUEUE_CAP: Duration = Duration::from_secs(3600);

/// A change for the state store, and who waits for its commit.
struct Change {
    change: StateChange,
    committed: Option<oneshot::Sender<()>>,
}

/// A page taken from the frontier.
#[derive(Debug, Clone)]
struct Job {
    /// Its normalised URL, the frontier's key.
    key: String,
    url: Url,
    source: Arc<str>,
    entry: FrontierEntry,
}

/// What became of a page taken from the frontier.
#[derive(Debug)]
enum Outcome {
    /// Its state is committed and it left the frontier (or came back as a re-check).
    Settled,
    /// It failed for a transient reason: back to the frontier, due later.
    Retry(String),
    /// The stop came first: it stays in the frontier, for the next start.
    Stopped,
}

/// What every stage shares.
struct Shared {
    crawler: CrawlerConfig,
    fetcher: Fetcher,
    robots: RobotsCache,
    hosts: HostGate,
    /// Replaced whole when SIGHUP brings new site rules.
    parser: std::sync::RwLock<Parser>,
    sink: Sink,
    state: StateStore,
    changes: mpsc::Sender<Change>,
    /// Wakes the dispatcher when pollers add pages to the frontier.
    wake: Notify,
    /// The due time last given to a new page of each server (host and port), to pace new
    /// pages per server in the frontier's order.
    schedule: std::sync::Mutex<std::collections::HashMap<String, u64>>,
    /// Content hashes of records being delivered and not yet settled: a copy of the same
    /// story under another URL waits for the first to settle, so that it is then found as a
    /// duplicate instead of racing it to the sink.
    delivering: std::sync::Mutex<HashSet<String>>,
    /// Permits of records handed to the sink and not yet confirmed (`sink.max_in_flight`).
    deliveries: Arc<Semaphore>,
    /// When records in flight stop being waited for: `FLUSH_TIMEOUT` after the stop was
    /// first noticed, the same instant for every task.
    drain_until: std::sync::OnceLock<tokio::time::Instant>,
    metrics: Arc<Metrics>,
    /// Hosts that have answered with a bot challenge, logged once each.
    blocked_hosts: std::sync::Mutex<HashSet<String>>,
    shutdown: CancellationToken,
}

/// Runs the pipeline until `shutdown` is cancelled, or, with `once`, until every source was
/// polled once and every page found was processed.
pub async fn run(
    config: Config,
    once: bool,
    shutdown: CancellationToken,
    reload: Option<Reload>,
) -> anyhow::Result<RunOutcome> {
    let state = StateStore::open(&config.crawler.data_dir)?;
    let sink = Sink::open(&config.sink)
        .await
        .context("cannot open the sink")?;
    let fetcher = Fetcher::new(&config.crawler).context("cannot build the HTTP client")?;
    let (changes, changes_rx) = mpsc::channel(CHANGE_BATCH * 4);
    let writer = tokio::spawn(write_changes(state.clone(), changes_rx, shutdown.clone()));
    // Pages taken but not settled when the last run stopped become due again.
    let restore = state.clone();
    let frontier = tokio::task::spawn_blocking(move || restore.restore_frontier())
        .await
        .context("restoring the frontier panicked")??;
    let metrics = Arc::new(Metrics::default());
    let registry = metrics.registry(&config);

    let shared = Arc::new(Shared {
        robots: RobotsCache::new(
            fetcher.clone(),
            &config.crawler.user_agent,
            config.crawler.robots_ttl,
        )
        .with_blocked_retry(config.crawler.blocked_backoff),
        hosts: HostGate::new(config.crawler.per_host_concurrency),
        parser: std::sync::RwLock::new(crate::config::parser(&config.parser)?),
        crawler: config.crawler.clone(),
        fetcher,
        sink,
        state,
        changes,
        wake: Notify::new(),
        schedule: std::sync::Mutex::new(std::collections::HashMap::new()),
        delivering: std::sync::Mutex::new(HashSet::new()),
        deliveries: Arc::new(Semaphore::new(config.sink.max_in_flight)),
        drain_until: std::sync::OnceLock::new(),
        metrics: metrics.clone(),
        blocked_hosts: std::sync::Mutex::new(HashSet::new()),
        shutdown: shutdown.clone(),
    });
    let endpoints = match config.service.listen {
        Some(listen) => {
            let probe = shared.clone();
            let readiness: crate::serve::ReadinessCheck = Arc::new(move || {
                if probe.shutdown.is_cancelled() {
                    return Readiness::NotReady("stopping".into());
                }
                if let Err(error) = probe.state.page_count() {
                    return Readiness::NotReady(format!("crawl state: {error}"));
                }
                // A write that failed (a full disk) until one succeeds again.
                if let Some(error) = probe.state.write_failure() {
                    return Readiness::NotReady(format!("crawl state: {error}"));
                }
                probe.sink.readiness()
            });
            let sink = shared.clone();
            let state_file = config.crawler.data_dir.join("state.redb");
            let refresh: crate::serve::Refresh = Arc::new(move |metrics: &Metrics| {
                let gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
                metrics
                    .spool_bytes
                    .set(gauge(sink.sink.spool_bytes().unwrap_or(0)));
                if let Ok(frontier) = sink.state.frontier_len() {
                    metrics.frontier.set(gauge(frontier));
                }
                if let Ok(pages) = sink.state.page_count() {
                    metrics.state_pages.set(gauge(pages));
                }
                if let Ok(meta) = std::fs::metadata(&state_file) {
                    metrics.state_bytes.set(gauge(meta.len()));
                }
            });
            Some(
                crate::serve::start(
                    listen,
                    registry,
                    metrics,
                    readiness,
                    refresh,
                    shutdown.clone(),
                )
                .await?,
            )
        }
        None => None,
    };
    info!(
        sources = config.sources.len(),
        sink = ?config.sink.kind,
        data_dir = %config.crawler.data_dir.display(),
        frontier,
        "tinstream started"
    );

    expire_state(&shared).await;
    // Cancelled when every poller has stopped: in `once` mode, the run then ends as soon as
    // nothing due is left in the frontier.
    let discovery_done = CancellationToken::new();
    let mut pollers = Pollers::new(shared.clone(), discovery_done.clone(), once);
    let source_names: Vec<String> = config.sources.iter().map(|s| s.url.to_string()).collect();
    for source in config.sources.clone() {
        pollers.start(source);
    }
    let manager = tokio::spawn(manage_pollers(pollers, reload.filter(|_| !once), config));
    let reporter = tokio::spawn(report_periodically(shared.clone()));
    let expiry = tokio::spawn(expire_periodically(shared.clone()));

    dispatch(shared.clone(), once, discovery_done).await;
    // A `--once` run that is done ends on its own; a stop asked for before that interrupted it.
    let interrupted = shutdown.is_cancelled();

    // Pollers end by themselves in `once` mode; otherwise they stop on shutdown.
    let _ = manager.await;
    reporter.abort();
    let _ = reporter.await;
    expiry.abort();
    let _ = expiry.await;
    let left = shared
        .drain_until
        .get()
        .map_or(FLUSH_TIMEOUT, |until| {
            until.saturating_duration_since(tokio::time::Instant::now())
        })
        .max(Duration::from_secs(1));
    let mut outcome = RunOutcome {
        interrupted,
        unread_sources: source_names
            .iter()
            .filter(|source| {
                let label = crate::metrics::SourceLabel {
                    source: source.to_string(),
                };
                shared.metrics.source_failures.get_or_create(&label).get() > 0
            })
            .count(),
        ..RunOutcome::default()
    };
    if let Err(error) = shared.sink.flush(left).await {
        warn!(%error, "the sink did not flush everything before the deadline");
        outcome.unconfirmed = Some(error.to_string());
    }
    shared.metrics.log("tinstream stopped");
    if let Some(endpoints) = endpoints {
        // It holds a reference to the shared state through the readiness check.
        shutdown.cancel();
        let _ = endpoints.await;
    }
    // The last holder of the changes sender goes away here; the writer then commits what is
    // left.
    let Ok(shared) = Arc::try_unwrap(shared) else {
        anyhow::bail!("pipeline tasks still running at shutdown");
    };
    let state = shared.state.clone();
    drop(shared);
    writer.await.context("the state writer failed")??;
    outcome.pending_pages = tokio::task::spawn_blocking(move || state.pending_pages())
        .await
        .context("counting the pages left panicked")??;
    Ok(outcome)
}

/// Takes due pages from the frontier and processes them, `crawler.concurrency` at a time.
/// Returns on shutdown once the pages in flight are finished, or, in `once` mode, when the
/// pollers are done and no page is due or in flight.
async fn dispatch(shared: Arc<Shared>, once: bool, discovery_done: CancellationToken) {
    let slots = Arc::new(Semaphore::new(shared.crawler.concurrency));
    // Each task gives back its page's key when done.
    let mut in_flight: JoinSet<String> = JoinSet::new();
    // Keys taken and not done yet: a page is never started twice at once. Takes are not
    // synced to disk (a crash loses nothing: the due order is rebuilt at start), so after the
    // store is opened again following a failed write (a full disk), pages in flight can be
    // due again.
    let mut busy: HashSet<String> = HashSet::new();
    // Pages taken from the frontier and waiting for a fetch slot. Taking a few at a time
    // keeps the store's write transactions few; what is taken but not started when the
    // process stops is still in the frontier and comes back at the next start.
    let mut ready: VecDeque<(String, FrontierEntry)> = VecDeque::new();
    let take = (shared.crawler.concurrency * 2).max(16);
    // Taking pages is a write: on a full disk it fails until there is room. Said once.
    let mut taking_fails = false;
    loop {
        if shared.shutdown.is_cancelled() {
            break;
        }
        let mut next_due = None;
        if ready.is_empty() {
            let store = shared.state.clone();
            let now = now_ms();
            match tokio::task::spawn_blocking(move || store.take_due(now, take)).await {
                Ok(Ok((taken, next))) => {
                    if std::mem::take(&mut taking_fails) {
                        info!("pages are taken from the frontier again");
                    }
                    for (key, entry) in taken {
                        if busy.insert(key.clone()) {
                            ready.push_back((key, entry));
                        } else {
                            debug!(url = %entry.url, "due again while in flight; left to its task");
                        }
                    }
                    next_due = next;
                }
                Ok(Err(error)) if taking_fails => {
                    debug!(%error, "cannot take due pages from the frontier")
                }
                Ok(Err(error)) => {
                    warn!(%error, "cannot take due pages from the frontier; trying again (`/readyz` says why meanwhile)");
                    taking_fails = true;
                }
                Err(error) => warn!(%error, "reading the frontier panicked"),
            }
            shared.metrics.queued.set(ready.len() as i64);
        }
        let Some((key, entry)) = ready.pop_front() else {
            // A run with `--once` is over when discovery is, nothing is in flight, and what
            // is left in the frontier is not a page this run found and paced for later
            // (those are due by the last paced time; anything later was put back or is a
            // re-check, for the next run).
            if once && discovery_done.is_cancelled() && in_flight.is_empty() {
                let last_paced = shared
                    .schedule
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .values()
                    .copied()
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
                _ = shared.shutdown.cancelled() => {}
                _ = shared.wake.notified() => {}
                _ = discovery_done.cancelled(), if once && !discovery_done.is_cancelled() => {}
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    if let Ok(key) = done {
                        busy.remove(&key);
                    }
                }
                _ = tokio::time::sleep(wait) => {}
            }
            continue;
        };
        shared.metrics.queued.set(ready.len() as i64);
        let slot = tokio::select! {
            biased;
            _ = shared.shutdown.cancelled() => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let Ok(url) = Url::parse(&entry.url) else {
            // Only parsed URLs are added; an entry that does not read is dropped.
            warn!(url = %entry.url, "a frontier entry is not a URL; dropped");
            busy.remove(&key);
            shared
                .send(StateChange::Unqueue { key: key.clone() }, None)
                .await;
            continue;
        };
        let job = Job {
            key,
            url,
            source: Arc::from(entry.source.as_str()),
            entry,
        };
        let site = job.url.host_str().unwrap_or("").to_string();
        let span = info_span!("page", url = %job.url, site = %site, source = %job.source);
        let shared = shared.clone();
        in_flight.spawn(
            async move {
                match process(&shared, &job, slot).await {
                    Outcome::Settled | Outcome::Stopped => {}
                    Outcome::Retry(reason) => shared.requeue(&job, reason).await,
                }
                job.key
            }
            .instrument(span),
        );
        // Reap finished tasks so the set does not grow over a long run.
        while let Some(done) = in_flight.try_join_next() {
            if let Ok(key) = done {
                busy.remove(&key);
            }
        }
    }
    // Let what has started finish.
    while in_flight.join_next().await.is_some() {}
}

/// Now, in Unix milliseconds: the frontier's clock.
fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
}

impl Shared {
    /// The parser in use (with the site rules of the last load).
    fn parser(&self) -> std::sync::RwLockReadGuard<'_, Parser> {
        self.parser.read().unwrap_or_else(|e| e.into_inner())
    }

    /// A page's key in the crawl state: its normalised URL, with the parameters its site's
    /// rule drops also removed.
    fn key(&self, url: &Url) -> String {
        let parser = self.parser();
        match parser.sites().for_url(url) {
            Some(rule) => urls::normalize_with(url, |name| rule.drops_param(name)).to_string(),
            None => urls::normalize(url).to_string(),
        }
    }

    /// Adds the pages a source listed to the frontier, a batch per transaction; pages settled
    /// or already in the frontier are skipped. Returns how many were new.
    async fn enqueue_all(
        &self,
        found: &[discover::Listed],
        source: &Arc<str>,
    ) -> Result<usize, StateError> {
        let now = now_ms();
        let mut new = 0;
        for chunk in found.chunks(ENQUEUE_BATCH) {
            let keys: Vec<String> = chunk.iter().map(|listed| self.key(&listed.url)).collect();
            // Pages known already are left out before pacing, so that they take no place in
            // their server's schedule (the insert checks again, in its own transaction).
            let store = self.state.clone();
            let lookup = keys.clone();
            let known = tokio::task::spawn_blocking(move || store.known(&lookup))
                .await
                .map_err(|e| StateError::Store {
                    path: "state.redb".into(),
                    message: format!("reading the frontier panicked: {e}"),
                })??;
            // New pages are due at the pace their server allows, so that the due order
            // interleaves servers: a sitemap of ten thousand pages of one site does not hold
            // every fetch slot waiting on that site while the others have work.
            let entries: Vec<(String, FrontierEntry)> = chunk
                .iter()
                .zip(keys)
                .zip(known)
                .filter(|(_, known)| !known)
                .map(|((listed, key), _)| {
                    let entry = FrontierEntry {
                        url: listed.url.to_string(),
                        source: source.to_string(),
                        due_ms: self.paced_due(&listed.url, now),
                        requeues: 0,
                        recheck: None,
                        hint: listed.hint.clone(),
                    };
                    (key, entry)
                })
                .collect();
            let store = self.state.clone();
            let limit = self.crawler.max_frontier;
            let added = tokio::task::spawn_blocking(move || store.add_to_frontier(&entries, limit))
                .await
                .map_err(|e| StateError::Store {
                    path: "state.redb".into(),
                    message: format!("adding to the frontier panicked: {e}"),
                })??;
            new += added.new;
            if added.refused > 0 {
                self.metrics.frontier_refused.inc_by(added.refused as u64);
                warn!(
                    refused = added.refused,
                    max_frontier = limit,
                    "the frontier is full; pages refused until it has room"
                );
            }
            self.wake.notify_one();
        }
        Ok(new)
    }

    /// When a new page of this URL's server may be fetched: `crawler.per_host_delay` after
    /// the last one scheduled for that server, and not before now.
    fn paced_due(&self, url: &Url, now: u64) -> u64 {
        let server = format!(
            "{}:{}",
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0)
        );
        let spacing = u64::try_from(self.crawler.per_host_delay.as_millis()).unwrap_or(u64::MAX);
        let mut schedule = self.schedule.lock().unwrap_or_else(|e| e.into_inner());
        let last = schedule.entry(server).or_insert(0);
        let due = now.max(last.saturating_add(spacing));
        *last = due;
        due
    }

    /// Hands a change to the state writer; with `committed`, the caller can wait for it.
    async fn send(&self, change: StateChange, committed: Option<oneshot::Sender<()>>) {
        if self
            .changes
            .send(Change { change, committed })
            .await
            .is_err()
        {
            warn!("the state writer has stopped; this page will be done again");
        }
    }

    /// Puts a page back in the frontier after a transient failure, due later (the wait
    /// doubles each time); past `crawler.max_requeues`, records the failure for good.
    async fn requeue(&self, job: &Job, reason: String) {
        let requeues = job.entry.requeues + 1;
        if requeues > self.crawler.max_requeues {
            let reason = format!("{reason} (gave up after {requeues} tries)");
            warn!(%reason, "page failed for good");
            self.give_up(&[&job.url], Stage::Fetch, reason, None).await;
            return;
        }
        self.metrics.deferred.inc();
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
        self.send(
            StateChange::Requeue {
                key: job.key.clone(),
                entry,
            },
            None,
        )
        .await;
    }

    /// Records what became of a page under every URL it is known by (the first is the one
    /// it was listed under, the last its canonical address), takes it out of the frontier
    /// (or schedules its re-check), and waits until the store has committed it. Waiting
    /// keeps the page's delivery permit taken until then, so that a crash can only redo
    /// pages within `sink.max_in_flight`.
    async fn settle(
        &self,
        urls: &[&Url],
        status: PageStatus,
        content_hash: Option<String>,
        reason: Option<String>,
        recheck: Option<FrontierEntry>,
    ) {
        let state = PageState {
            status,
            content_hash,
            reason,
            at: chrono::Utc::now().timestamp(),
        };
        self.settle_state(urls, state, recheck).await;
    }

    /// [`Shared::settle`] with the whole state given.
    async fn settle_state(&self, urls: &[&Url], state: PageState, recheck: Option<FrontierEntry>) {
        let mut keys: Vec<String> = Vec::with_capacity(urls.len());
        for url in urls {
            let key = self.key(url);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        let (committed, done) = oneshot::channel();
        self.send(
            StateChange::Settle {
                keys,
                state,
                recheck,
            },
            Some(committed),
        )
        .await;
        // An error here means the commit failed (logged by the writer) or the writer
        // stopped: the page will then be done again, which is safe.
        let _ = done.await;
    }

    async fn dead_letter(
        &self,
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
        match self.with_retries(|| self.sink.dead_letter(&letter)).await {
            Ok(()) => {
                self.metrics.dead_letters.get_or_create(&stage.into()).inc();
                true
            }
            Err(error) => {
                warn!(%error, "cannot deliver a dead letter; the page will be done again");
                false
            }
        }
    }

    /// Runs one delivery until the sink confirms or rejects it. Transient failures are retried
    /// with backoff for as long as the service runs; once a stop is asked for, a delivery
    /// already handed over still has `FLUSH_TIMEOUT` to be confirmed, and none is retried.
    async fn with_retries<'a, F, Fut>(&'a self, mut attempt: F) -> Result<(), DeliveryError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<(), DeliveryError>> + 'a,
    {
        let mut backoff = Backoff::default();
        loop {
            let outcome = tokio::select! {
                outcome = attempt() => outcome,
                _ = self.drain_deadline() => {
                    return Err(DeliveryError::Unavailable(
                        "stopped before the sink confirmed".into(),
                    ))
                }
            };
            match outcome {
                Err(DeliveryError::Unavailable(reason)) if !self.shutdown.is_cancelled() => {
                    self.metrics.delivery_retries.inc();
                    let wait = backoff.next_wait();
                    warn!(%reason, wait_ms = wait.as_millis() as u64, "delivery failed; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = self.shutdown.cancelled() => return Err(DeliveryError::Unavailable(reason)),
                    }
                }
                other => return other,
            }
        }
    }

    /// Resolves `FLUSH_TIMEOUT` after a stop is asked for.
    async fn drain_deadline(&self) {
        self.shutdown.cancelled().await;
        let until = *self
            .drain_until
            .get_or_init(|| tokio::time::Instant::now() + FLUSH_TIMEOUT);
        tokio::time::sleep_until(until).await;
    }

    /// Gives a page up for good: counts it, sends a dead letter and marks it failed under
    /// `urls`. Returns whether the page is settled (false when even the dead letter could not
    /// be delivered, so that the page is tried again later rather than lost).
    async fn give_up(
        &self,
        urls: &[&Url],
        stage: Stage,
        reason: String,
        record_id: Option<String>,
    ) -> bool {
        self.metrics.failed.get_or_create(&stage.into()).inc();
        let Some(url) = urls.first() else {
            return false;
        };
        if !self
            .dead_letter(url, stage, reason.clone(), record_id)
            .await
        {
            return false;
        }
        self.settle(urls, PageStatus::Failed, None, Some(reason), None)
            .await;
        true
    }

    /// Parses a fetched page on the blocking pool: parsing is CPU work that would stall the
    /// async workers. The outer error is a parser panic, which the caller turns into a dead
    /// letter instead of a stopped service.
    async fn parse(
        &self,
        page: Fetched,
        hint: discover::Hint,
    ) -> Result<Result<Extraction, ParseError>, tokio::task::JoinError> {
        let parser = self.parser().clone();
        tokio::task::spawn_blocking(move || {
            let page_in = Page {
                bytes: &page.bytes,
                url: &page.url,
                http_charset: page.charset.as_deref(),
                fetched_at: page.fetched_at,
            };
            let hints = Hints {
                published: hint.published.as_deref(),
                title: hint.title.as_deref(),
            };
            parser.parse_with_hints(page_in, hints)
        })
        .await
    }
}

/// Counts a record in `tinstream_records_in_flight` for as long as it lives.
struct InFlight<'a>(&'a Metrics);

impl<'a> InFlight<'a> {
    fn enter(metrics: &'a Metrics) -> Self {
        metrics.in_flight.inc();
        InFlight(metrics)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.dec();
    }
}

/// Runs one page through fetch, parse and deliver. The fetch slot is given back once the
/// record holds a delivery permit.
async fn process(shared: &Shared, job: &Job, slot: OwnedSemaphorePermit) -> Outcome {
    if let Some(recheck) = &job.entry.recheck {
        return process_recheck(shared, job, recheck, slot).await;
    }
    let page = match shared.polite_fetch(&job.url).await {
        Ok(page) => page,
        Err(PoliteError::Disallowed) => {
            shared.metrics.disallowed.inc();
            info!("disallowed by robots.txt; not fetched");
            let reason = Some("disallowed by robots.txt".to_string());
            shared
                .settle(&[&job.url], PageStatus::Disallowed, None, reason, None)
                .await;
            return Outcome::Settled;
        }
        Err(_) if shared.shutdown.is_cancelled() => return Outcome::Stopped,
        Err(PoliteError::RobotsUnavailable(reason)) => return Outcome::Retry(reason),
        // Logged once per host where the challenge was seen.
        Err(PoliteError::Blocked(reason)) => {
            return settled_or_stopped(
                shared
                    .give_up(&[&job.url], Stage::Fetch, reason, None)
                    .await,
            );
        }
        Err(PoliteError::Fetch(error @ FetchError::Blocked { .. })) => {
            return settled_or_stopped(
                shared
                    .give_up(&[&job.url], Stage::Fetch, error.to_string(), None)
                    .await,
            );
        }
        // Only sent validators bring a 304, and none were sent.
        Err(PoliteError::NotModified) => return Outcome::Retry("unexpected 304".into()),
        Err(PoliteError::Fetch(error)) if error.is_transient() => {
            warn!(%error, "fetch failed");
            return Outcome::Retry(error.to_string());
        }
        Err(PoliteError::Fetch(error)) => {
            warn!(%error, "fetch failed for good");
            return settled_or_stopped(
                shared
                    .give_up(&[&job.url], Stage::Fetch, error.to_string(), None)
                    .await,
            );
        }
    };

    let fetched_at = std::time::Instant::now();
    let final_url = page.url.clone();
    let validators = page.validators.clone();
    let record = match parse_counted(shared, page, &job.entry.hint).await {
        Ok(Extraction::Article(record)) => record,
        Ok(Extraction::NotArticle(page)) => {
            // Every page in the frontier was listed as an article (a feed or sitemap item, an
            // article-looking link of a section): one judged otherwise is either a listing a
            // source let through or an article lost, and a host where this grows is worth a look.
            shared.metrics.not_articles.inc();
            shared
                .metrics
                .not_article_pages
                .get_or_create(&crate::metrics::NotArticleLabel {
                    host: job.url.host_str().unwrap_or_default().to_string(),
                    reason: page.reason.clone(),
                })
                .inc();
            info!(reason = %page.reason, "listed as an article, judged not to be one");
            shared
                .settle(
                    &[&job.url, &final_url],
                    PageStatus::NotArticle,
                    None,
                    None,
                    None,
                )
                .await;
            return Outcome::Settled;
        }
        Err(reason) => {
            warn!(%reason, "page could not be parsed");
            return settled_or_stopped(
                shared
                    .give_up(&[&job.url, &final_url], Stage::Parse, reason, None)
                    .await,
            );
        }
    };
    let canonical = Url::parse(&record.canonical_url).unwrap_or_else(|_| final_url.clone());
    if let Some(original) = shared.delivered_before(&record, &[&job.url, &final_url, &canonical]) {
        // The same story under another URL: one record is enough.
        shared.metrics.duplicates.inc();
        info!(same_as = %original, "already delivered under another URL");
        shared
            .settle(
                &[&job.url, &final_url],
                PageStatus::Delivered,
                Some(record.content_hash.clone()),
                None,
                None,
            )
            .await;
        return Outcome::Settled;
    }
    let Some(_claim) = ContentClaim::take(shared, &record.content_hash) else {
        return Outcome::Retry("the same content is being delivered under another URL".into());
    };
    let held = match deliver(shared, &record, slot, fetched_at).await {
        Delivery::Confirmed(held) => held,
        Delivery::Rejected(reason) => {
            let id = Some(record.id.clone());
            return settled_or_stopped(
                shared
                    .give_up(&[&job.url, &final_url], Stage::Deliver, reason, id)
                    .await,
            );
        }
        Delivery::Stopped => return Outcome::Stopped,
    };
    let now = chrono::Utc::now().timestamp();
    let recheck = shared.next_recheck(job, now, None, validators);
    shared
        .settle(
            &[&job.url, &final_url, &canonical],
            PageStatus::Delivered,
            Some(record.content_hash.clone()),
            None,
            recheck,
        )
        .await;
    drop(held);
    Outcome::Settled
}

/// Fetches a delivered article again (conditionally) and delivers it again if its content
/// changed. Whatever happens, the next re-check is scheduled while the window lasts; a page
/// that is gone or no longer an article is not re-checked again.
async fn process_recheck(
    shared: &Shared,
    job: &Job,
    recheck: &Recheck,
    slot: OwnedSemaphorePermit,
) -> Outcome {
    let known = match shared.state.page(&job.key) {
        Ok(Some(known)) if known.status == PageStatus::Delivered => known,
        // Expired or settled otherwise since: nothing to compare with.
        _ => {
            shared
                .send(
                    StateChange::Unqueue {
                        key: job.key.clone(),
                    },
                    None,
                )
                .await;
            return Outcome::Settled;
        }
    };
    let count = |outcome: &'static str| {
        shared
            .metrics
            .rechecks
            .get_or_create(&crate::metrics::OutcomeLabel { outcome })
            .inc();
    };
    let now = chrono::Utc::now().timestamp();
    // The record stands as delivered; only the state's time and the schedule move on.
    let unchanged = |validators: Validators| {
        count("unchanged");
        let state = PageState {
            at: now,
            ..known.clone()
        };
        let next = shared.next_recheck(job, now, Some(recheck), validators);
        async move {
            shared.settle_state(&[&job.url], state, next).await;
            Outcome::Settled
        }
    };
    // The page is gone or no longer an article: its record stands, and re-checks end.
    let gone = || {
        count("gone");
        let state = PageState {
            at: now,
            ..known.clone()
        };
        async move {
            shared.settle_state(&[&job.url], state, None).await;
            Outcome::Settled
        }
    };
    let page = match shared
        .polite_fetch_if_modified(&job.url, &recheck.validators)
        .await
    {
        Ok(Conditional::Modified(page)) => *page,
        Ok(Conditional::NotModified) => return unchanged(recheck.validators.clone()).await,
        Err(_) if shared.shutdown.is_cancelled() => return Outcome::Stopped,
        Err(PoliteError::Fetch(error))
            if !error.is_transient() && !matches!(error, FetchError::Blocked { .. }) =>
        {
            // Gone (404, 410, ...): the delivered record stands; no more re-checks.
            info!(%error, "re-check: the article is gone");
            return gone().await;
        }
        Err(error) => {
            // Unreachable for now: skip this re-check, keep the next.
            info!(%error, "re-check failed; the next one stays scheduled");
            return unchanged(recheck.validators.clone()).await;
        }
    };
    let fetched_at = std::time::Instant::now();
    let seen_at = page.fetched_at;
    let validators = page.validators.clone();
    let mut record = match parse_counted(shared, page, &job.entry.hint).await {
        Ok(Extraction::Article(record)) => record,
        _ => {
            info!("re-check: the page is no longer an article; no more re-checks");
            return gone().await;
        }
    };
    if known.content_hash.as_deref() == Some(record.content_hash.as_str()) {
        return unchanged(validators).await;
    }
    count("changed");
    if record.modified_at.is_none() {
        // The page does not say when it changed: the time the change was seen is the best
        // bound there is.
        record.modified_at = Some(ArticleTime::DateTime(seen_at.fixed_offset()));
    }
    let held = match deliver(shared, &record, slot, fetched_at).await {
        Delivery::Confirmed(held) => held,
        Delivery::Rejected(reason) => {
            let id = Some(record.id.clone());
            shared
                .dead_letter(&job.url, Stage::Deliver, reason, id)
                .await;
            return unchanged(validators).await;
        }
        Delivery::Stopped => return Outcome::Stopped,
    };
    info!(id = %record.id, "re-check: updated article delivered again");
    let next = shared.next_recheck(job, now, Some(recheck), validators);
    shared
        .settle(
            &[&job.url],
            PageStatus::Delivered,
            Some(record.content_hash.clone()),
            None,
            next,
        )
        .await;
    drop(held);
    Outcome::Settled
}

/// A page given up (dead letter delivered, failure recorded) is settled; one whose dead
/// letter could not be delivered before the stop stays in the frontier.
fn settled_or_stopped(settled: bool) -> Outcome {
    if settled {
        Outcome::Settled
    } else {
        Outcome::Stopped
    }
}

/// Parses on the blocking pool and counts the outcome; a parse error or a parser panic comes
/// back as its reason.
async fn parse_counted(
    shared: &Shared,
    page: Fetched,
    hint: &discover::Hint,
) -> Result<Extraction, String> {
    let parsed = shared.parse(page, hint.clone()).await;
    let outcome = match &parsed {
        Ok(Ok(Extraction::Article(_))) => "article",
        Ok(Ok(Extraction::NotArticle(_))) => "not_article",
        _ => "failed",
    };
    shared
        .metrics
        .parsed
        .get_or_create(&crate::metrics::OutcomeLabel { outcome })
        .inc();
    match parsed {
        Ok(Ok(extraction)) => Ok(extraction),
        Ok(Err(error)) => Err(error.to_string()),
        // The parser is written not to panic; if it ever does, the page is dead-lettered and
        // the service goes on.
        Err(join_error) => Err(format!("parser panicked: {join_error}")),
    }
}

/// A content hash being delivered, released when dropped (after the page's state is
/// committed).
struct ContentClaim<'a> {
    shared: &'a Shared,
    hash: String,
}

impl<'a> ContentClaim<'a> {
    /// None when a record with this hash is being delivered already.
    fn take(shared: &'a Shared, hash: &str) -> Option<Self> {
        let mut delivering = shared.delivering.lock().unwrap_or_else(|e| e.into_inner());
        delivering.insert(hash.to_string()).then(|| ContentClaim {
            shared,
            hash: hash.to_string(),
        })
    }
}

impl Drop for ContentClaim<'_> {
    fn drop(&mut self) {
        self.shared
            .delivering
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.hash);
    }
}

/// A record's way through the sink.
enum Delivery<'a> {
    /// Confirmed; hold this until the page's state is committed.
    Confirmed(Held<'a>),
    /// Refused for good, with the reason.
    Rejected(String),
    /// The stop came before the confirmation.
    Stopped,
}

/// A delivery permit and the in-flight count of one record.
struct Held<'a> {
    _permit: OwnedSemaphorePermit,
    _in_flight: InFlight<'a>,
}

/// Waits for room among the records in flight, gives the fetch slot back, and delivers the
/// record, retrying transient failures.
async fn deliver<'a>(
    shared: &'a Shared,
    record: &Article,
    slot: OwnedSemaphorePermit,
    fetched_at: std::time::Instant,
) -> Delivery<'a> {
    let permit = tokio::select! {
        permit = shared.deliveries.clone().acquire_owned() => permit,
        _ = shared.drain_deadline() => return Delivery::Stopped,
    };
    let Ok(permit) = permit else {
        return Delivery::Stopped;
    };
    drop(slot);
    // Counted until the page's state is committed, like the permit.
    let held = Held {
        _permit: permit,
        _in_flight: InFlight::enter(&shared.metrics),
    };
    match shared.with_retries(|| shared.sink.deliver(record)).await {
        Ok(()) => {
            shared.metrics.delivered.inc();
            shared
                .metrics
                .delivery_latency
                .observe(fetched_at.elapsed().as_secs_f64());
            info!(id = %record.id, title = %record.title, "delivered");
            Delivery::Confirmed(held)
        }
        Err(DeliveryError::Rejected(reason)) => {
            warn!(%reason, "the sink rejected the record");
            Delivery::Rejected(reason)
        }
        Err(DeliveryError::Unavailable(reason)) => {
            warn!(%reason, "not delivered before the stop; the page will be done again");
            Delivery::Stopped
        }
    }
}

impl Shared {
    /// The URL under which the same story was delivered already, if it was: under its
    /// canonical address, or under any other URL with the same content hash. `mine` are the
    /// URLs of the page at hand.
    fn delivered_before(&self, record: &Article, mine: &[&Url]) -> Option<String> {
        let mine: Vec<String> = mine.iter().map(|u| self.key(u)).collect();
        let same = |key: &str| {
            matches!(
                self.state.page(key),
                Ok(Some(known)) if known.status == PageStatus::Delivered
                    && known.content_hash.as_deref() == Some(record.content_hash.as_str())
            )
        };
        if let Some(canonical) = mine.last() {
            if same(canonical) {
                return Some(canonical.clone());
            }
        }
        match self.state.content_owner(&record.content_hash) {
            Ok(Some(owner)) if !mine.contains(&owner) && same(&owner) => Some(owner),
            _ => None,
        }
    }

    /// The next re-check of a delivered page, if re-checks are on and the window lasts:
    /// the first one `recheck_interval` after the first delivery, each next one twice as far.
    fn next_recheck(
        &self,
        job: &Job,
        now: i64,
        last: Option<&Recheck>,
        validators: Validators,
    ) -> Option<FrontierEntry> {
        let window = self.crawler.recheck_window;
        if window.is_zero() {
            return None;
        }
        let (first_delivered, gap_secs) = match last {
            Some(last) => (last.first_delivered, last.gap_secs.saturating_mul(2)),
            None => (now, self.crawler.recheck_interval.as_secs().max(1)),
        };
        let due = now.saturating_add(gap_secs as i64);
        if due > first_delivered.saturating_add(window.as_secs() as i64) {
            return None;
        }
        Some(FrontierEntry {
            url: job.url.to_string(),
            source: job.source.to_string(),
            due_ms: u64::try_from(due).unwrap_or(0).saturating_mul(1000),
            requeues: 0,
            hint: job.entry.hint.clone(),
            recheck: Some(Recheck {
                first_delivered,
                gap_secs,
                validators,
            }),
        })
    }
}
