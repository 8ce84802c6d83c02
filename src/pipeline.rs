//! The crawl pipeline: discover → fetch → parse → deliver, with the sink's acknowledgements
//! flowing back into the crawl state.
//!
//! Each source has a poller task that reads it on its interval and queues the article URLs it
//! has not settled yet. A dispatcher takes queued pages, at most `crawler.concurrency` at a
//! time, and runs each through robots.txt, per-host pacing, fetching (with retries), parsing
//! (on the blocking pool) and delivery. Only once the sink confirms a record is the page
//! written to the state store as delivered; a crash before that means the page is done again
//! after restart, never lost.
//!
//! Backpressure runs back along the same path. A parsed record takes one of
//! `sink.max_in_flight` delivery permits before it leaves its fetch slot, and keeps it until
//! the sink confirms it; a delivery that fails for a transient reason (broker down) is retried
//! with backoff, holding its permit. So while the destination is down, crawling goes on until
//! the permits are gone, then the fetch slots fill, then the queue, then the pollers wait:
//! memory stays bounded and nothing is dropped. When the destination comes back, the waiting
//! records go out first.
//!
//! The stages talk through narrow types (`Job` in, `PageState` marks out), so that moving the
//! queue to a Kafka frontier topic later changes the transport, not the stages.

use crate::config::Config;
use crate::metrics::Metrics;
use anyhow::Context as _;
use rand::Rng;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tinstream_crawler::discover;
use tinstream_crawler::{
    urls, Conditional, CrawlerConfig, FetchError, Fetched, Fetcher, HostGate, PageState,
    PageStatus, RobotsCache, RobotsDecision, SourceConfig, SourceKind, StateStore, Validators,
};
use tinstream_parser::{Extraction, Page, ParseError, Parser};
use tinstream_sink::{Backoff, DeadLetter, DeliveryError, Readiness, Sink, Stage};
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{info, info_span, warn, Instrument};
use url::Url;

/// How long, after a stop is asked for, records in flight may take to be confirmed, and the
/// sink to flush.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(30);
/// State marks written per transaction, at most.
const MARK_BATCH: usize = 256;
/// Sitemaps read from one source per poll, at most (indexes can point at thousands).
const MAX_SITEMAPS_PER_POLL: usize = 100;
/// Wait before the first retry of a transient fetch failure; doubled each time.
const RETRY_BASE: Duration = Duration::from_millis(500);
/// Longest wait between retries, whatever `Retry-After` asks.
const RETRY_CAP: Duration = Duration::from_secs(300);

/// A page state for the store, and who waits for its commit.
struct Mark {
    key: String,
    state: PageState,
    committed: oneshot::Sender<()>,
}

/// What became of a URL a source listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Enqueued {
    /// Queued: new to the crawl.
    New,
    /// Settled already, or queued already.
    Known,
    /// Not queued: the queue is closed (shutdown).
    Closed,
}

/// A page to fetch, and the source that found it.
#[derive(Debug, Clone)]
struct Job {
    url: Url,
    source: Arc<str>,
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
    marks: mpsc::Sender<Mark>,
    /// Normalised URLs queued or in flight, or settled but not yet committed to the store:
    /// a page is in here from the moment it is queued until its state is on disk.
    pending: Arc<Mutex<HashSet<String>>>,
    /// The validators (ETag, Last-Modified) of each source's documents (feeds, sitemaps,
    /// section pages) from its last complete poll, so that the next poll of an unchanged
    /// document costs a 304. Kept in memory only: the first poll after a start is
    /// unconditional, because it is what queues again the pages a crash left unsettled. A
    /// source whose page is deferred forgets its validators for the same reason.
    validators:
        Mutex<std::collections::HashMap<Arc<str>, std::collections::HashMap<String, Validators>>>,
    /// Permits of records handed to the sink and not yet confirmed (`sink.max_in_flight`).
    deliveries: Arc<Semaphore>,
    /// When records in flight stop being waited for: `FLUSH_TIMEOUT` after the stop was
    /// first noticed, the same instant for every task.
    drain_until: std::sync::OnceLock<tokio::time::Instant>,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
}

/// Runs the pipeline until `shutdown` is cancelled, or, with `once`, until every source was
/// polled once and every page found was processed.
pub async fn run(
    config: Config,
    once: bool,
    shutdown: CancellationToken,
    reload: Option<Reload>,
) -> anyhow::Result<()> {
    let state = StateStore::open(&config.crawler.data_dir)?;
    let sink = Sink::open(&config.sink)
        .await
        .context("cannot open the sink")?;
    let fetcher = Fetcher::new(&config.crawler).context("cannot build the HTTP client")?;
    let pending = Arc::new(Mutex::new(HashSet::new()));
    let (marks, marks_rx) = mpsc::channel(MARK_BATCH * 4);
    let writer = tokio::spawn(write_marks(state.clone(), marks_rx, pending.clone()));
    let metrics = Arc::new(Metrics::default());
    let registry = metrics.registry(&config);

    let shared = Arc::new(Shared {
        robots: RobotsCache::new(
            fetcher.clone(),
            &config.crawler.user_agent,
            config.crawler.robots_ttl,
        ),
        hosts: HostGate::new(config.crawler.per_host_concurrency),
        parser: std::sync::RwLock::new(crate::config::parser(&config.parser)?),
        crawler: config.crawler.clone(),
        fetcher,
        sink,
        state,
        marks,
        pending,
        validators: Mutex::new(std::collections::HashMap::new()),
        deliveries: Arc::new(Semaphore::new(config.sink.max_in_flight)),
        drain_until: std::sync::OnceLock::new(),
        metrics: metrics.clone(),
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
                probe.sink.readiness()
            });
            let sink = shared.clone();
            let state_file = config.crawler.data_dir.join("state.redb");
            let refresh: crate::serve::Refresh = Arc::new(move |metrics: &Metrics| {
                let gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
                metrics
                    .spool_bytes
                    .set(gauge(sink.sink.spool_bytes().unwrap_or(0)));
                let frontier = sink.pending.lock().unwrap_or_else(|e| e.into_inner()).len();
                metrics.frontier.set(gauge(frontier as u64));
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
        "tinstream started"
    );

    // The queue is bounded: when workers fall behind, pollers wait instead of piling up URLs.
    let (jobs, jobs_rx) = mpsc::channel::<Job>(config.crawler.concurrency * 4);
    expire_state(&shared).await;
    let mut pollers = Pollers {
        shared: shared.clone(),
        jobs,
        once,
        set: JoinSet::new(),
        running: Vec::new(),
    };
    for source in config.sources.clone() {
        pollers.start(source);
    }
    let manager = tokio::spawn(manage_pollers(pollers, reload.filter(|_| !once), config));
    let reporter = tokio::spawn(report_periodically(shared.clone()));
    let expiry = tokio::spawn(expire_periodically(shared.clone()));

    dispatch(shared.clone(), jobs_rx).await;

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
    if let Err(error) = shared.sink.flush(left).await {
        warn!(%error, "the sink did not flush everything before the deadline");
    }
    shared.metrics.log("tinstream stopped");
    if let Some(endpoints) = endpoints {
        // It holds a reference to the shared state through the readiness check.
        shutdown.cancel();
        let _ = endpoints.await;
    }
    // The last holder of the marks sender goes away here; the writer then commits what is left.
    let Ok(shared) = Arc::try_unwrap(shared) else {
        anyhow::bail!("pipeline tasks still running at shutdown");
    };
    drop(shared);
    writer.await.context("the state writer failed")??;
    Ok(())
}

/// Takes queued pages and processes them, `crawler.concurrency` at a time. Returns when the
/// queue is closed and drained, or on shutdown once the pages in flight are finished.
async fn dispatch(shared: Arc<Shared>, mut jobs: mpsc::Receiver<Job>) {
    let slots = Arc::new(Semaphore::new(shared.crawler.concurrency));
    let mut in_flight = JoinSet::new();
    loop {
        let job = tokio::select! {
            biased;
            _ = shared.shutdown.cancelled() => break,
            job = jobs.recv() => match job {
                Some(job) => job,
                None => break,
            },
        };
        shared.metrics.queued.dec();
        let Ok(slot) = slots.clone().acquire_owned().await else {
            break;
        };
        let site = job.url.host_str().unwrap_or("").to_string();
        let span = info_span!("page", url = %job.url, site = %site, source = %job.source);
        let shared = shared.clone();
        in_flight.spawn(
            async move {
                let key = urls::normalize(&job.url).to_string();
                let settled = process(&shared, &job, slot).await;
                if !settled {
                    // Not settled: forget it, so the next poll can queue it again; that poll
                    // must read its source in full, not get a 304.
                    shared.metrics.deferred.inc();
                    shared.forget(&key);
                    shared
                        .validators
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(&job.source);
                }
            }
            .instrument(span),
        );
        // Reap finished tasks so the set does not grow over a long run.
        while in_flight.try_join_next().is_some() {}
    }
    // Stop taking work; let what has started finish.
    jobs.close();
    while in_flight.join_next().await.is_some() {}
}

impl Shared {
    /// The parser in use (with the site rules of the last load).
    fn parser(&self) -> std::sync::RwLockReadGuard<'_, Parser> {
        self.parser.read().unwrap_or_else(|e| e.into_inner())
    }

    fn forget(&self, key: &str) {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }

    /// Queues a page unless it is settled in the store or already pending.
    async fn enqueue(
        &self,
        url: Url,
        source: &Arc<str>,
        jobs: &mpsc::Sender<Job>,
        stop: &CancellationToken,
    ) -> Enqueued {
        let key = urls::normalize(&url).to_string();
        match self.state.page(&key) {
            Ok(Some(_)) => return Enqueued::Known,
            Ok(None) => {}
            Err(error) => {
                warn!(%error, url = %key, "cannot read the crawl state");
                return Enqueued::Known;
            }
        }
        if !self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.clone())
        {
            return Enqueued::Known;
        }
        let job = Job {
            url,
            source: source.clone(),
        };
        // Count it before it can be taken, so that the gauge never goes below zero.
        self.metrics.queued.inc();
        let sent = tokio::select! {
            sent = jobs.send(job) => sent.is_ok(),
            _ = stop.cancelled() => false,
        };
        if !sent {
            self.metrics.queued.dec();
            self.forget(&key);
            return Enqueued::Closed;
        }
        Enqueued::New
    }

    /// Records what became of a page (and of the other URLs it is known by), and waits until
    /// the store has committed it. Waiting keeps the page's delivery permit taken until then,
    /// so that a crash can only redo pages within `sink.max_in_flight`.
    async fn mark(
        &self,
        urls: &[&Url],
        status: PageStatus,
        content_hash: Option<String>,
        reason: Option<String>,
    ) {
        let state = PageState {
            status,
            content_hash,
            reason,
            at: chrono::Utc::now().timestamp(),
        };
        let mut seen = HashSet::new();
        let mut commits = Vec::new();
        for url in urls {
            let key = urls::normalize(url).to_string();
            if seen.insert(key.clone()) {
                // The writer removes the key from `pending` after its commit.
                self.pending
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(key.clone());
                let (committed, done) = oneshot::channel();
                let mark = Mark {
                    key,
                    state: state.clone(),
                    committed,
                };
                if self.marks.send(mark).await.is_err() {
                    warn!("the state writer has stopped; this page will be done again");
                }
                commits.push(done);
            }
        }
        for done in commits {
            // An error here means the commit failed (logged by the writer) or the writer
            // stopped: the page will then be done again, which is safe.
            let _ = done.await;
        }
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
        self.mark(urls, PageStatus::Failed, None, Some(reason))
            .await;
        true
    }

    /// Parses a fetched page on the blocking pool: parsing is CPU work that would stall the
    /// async workers. The outer error is a parser panic, which the caller turns into a dead
    /// letter instead of a stopped service.
    async fn parse(
        &self,
        page: Fetched,
    ) -> Result<Result<Extraction, ParseError>, tokio::task::JoinError> {
        let parser = self.parser().clone();
        tokio::task::spawn_blocking(move || {
            parser.parse(Page {
                bytes: &page.bytes,
                url: &page.url,
                http_charset: page.charset.as_deref(),
                fetched_at: page.fetched_at,
            })
        })
        .await
    }

    /// Fetches with robots.txt, per-host pacing and retries of transient failures.
    async fn polite_fetch(&self, url: &Url) -> Result<Fetched, PoliteError> {
        match self
            .polite_fetch_if_modified(url, &Validators::default())
            .await?
        {
            Conditional::Modified(page) => Ok(*page),
            // Only sent validators can bring a 304 back.
            Conditional::NotModified => Err(PoliteError::NotModified),
        }
    }

    /// [`Shared::polite_fetch`], conditional on `validators`.
    async fn polite_fetch_if_modified(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<Conditional, PoliteError> {
        let crawl_delay = match self.robots.check(url).await {
            RobotsDecision::Allowed { crawl_delay } => crawl_delay,
            RobotsDecision::Disallowed => return Err(PoliteError::Disallowed),
            RobotsDecision::Unavailable => return Err(PoliteError::RobotsUnavailable),
        };
        let delay = crawl_delay.map_or(self.crawler.per_host_delay, |d| {
            d.max(self.crawler.per_host_delay)
        });
        let host = url.host_str().unwrap_or("").to_string();
        // Pacing is per server: host and port, as robots.txt is per origin.
        let server = format!("{host}:{}", url.port_or_known_default().unwrap_or(0));
        let mut attempt = 0;
        loop {
            let result = {
                let _turn = self.hosts.enter(&server, delay).await;
                self.fetcher.fetch_if_modified(url, validators).await
            };
            let class = match &result {
                Ok(Conditional::Modified(page)) => crate::metrics::status_class(page.status),
                Ok(Conditional::NotModified) => "3xx",
                Err(FetchError::Status { status, .. }) => crate::metrics::status_class(*status),
                Err(_) => "error",
            };
            self.metrics
                .fetches
                .get_or_create(&crate::metrics::FetchLabel {
                    host: host.clone(),
                    class,
                })
                .inc();
            match result {
                Ok(Conditional::Modified(page)) => {
                    self.metrics.fetched.inc();
                    self.metrics.fetched_bytes.inc_by(page.bytes.len() as u64);
                    return Ok(Conditional::Modified(page));
                }
                Ok(Conditional::NotModified) => return Ok(Conditional::NotModified),
                Err(error) if error.is_transient() && attempt < self.crawler.max_retries => {
                    let backoff = RETRY_BASE * 2u32.saturating_pow(attempt);
                    let jitter = rand::rng().random_range(0..=backoff.as_millis() as u64 / 2);
                    let wait = error
                        .retry_after()
                        .unwrap_or(backoff + Duration::from_millis(jitter))
                        .min(RETRY_CAP);
                    warn!(%error, attempt, wait_ms = wait.as_millis() as u64, "fetch failed; retrying");
                    self.metrics.fetch_retries.inc();
                    attempt += 1;
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {},
                        _ = self.shutdown.cancelled() => return Err(PoliteError::Fetch(error)),
                    }
                }
                Err(error) => return Err(PoliteError::Fetch(error)),
            }
        }
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

#[derive(Debug)]
enum PoliteError {
    Disallowed,
    NotModified,
    RobotsUnavailable,
    Fetch(FetchError),
}

/// Runs one page through fetch, parse and deliver. Returns whether the page was settled
/// (its state is on its way to the store), so that unsettled pages can be queued again later.
/// The fetch slot is given back once the record holds a delivery permit.
async fn process(shared: &Shared, job: &Job, slot: OwnedSemaphorePermit) -> bool {
    let page = match shared.polite_fetch(&job.url).await {
        Ok(page) => page,
        Err(PoliteError::Disallowed) => {
            shared.metrics.disallowed.inc();
            info!("disallowed by robots.txt; not fetched");
            return false;
        }
        Err(PoliteError::RobotsUnavailable | PoliteError::NotModified) => return false,
        Err(PoliteError::Fetch(error)) if error.is_transient() => {
            warn!(%error, "fetch failed; the page will be tried on a later poll");
            return false;
        }
        Err(PoliteError::Fetch(error)) => {
            warn!(%error, "fetch failed for good");
            return shared
                .give_up(&[&job.url], Stage::Fetch, error.to_string(), None)
                .await;
        }
    };

    let fetched_at = std::time::Instant::now();
    let final_url = page.url.clone();
    let parsed = shared.parse(page).await;
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
    let extraction = match parsed {
        Ok(Ok(extraction)) => extraction,
        Ok(Err(error)) => {
            warn!(%error, "page could not be parsed");
            return shared
                .give_up(
                    &[&job.url, &final_url],
                    Stage::Parse,
                    error.to_string(),
                    None,
                )
                .await;
        }
        Err(join_error) => {
            // The parser is written not to panic; if it ever does, the page is dead-lettered
            // and the service goes on.
            let reason = format!("parser panicked: {join_error}");
            warn!(%reason, "page could not be parsed");
            return shared
                .give_up(&[&job.url], Stage::Parse, reason, None)
                .await;
        }
    };

    let record = match extraction {
        Extraction::NotArticle(_) => {
            shared.metrics.not_articles.inc();
            info!("not an article");
            shared
                .mark(&[&job.url, &final_url], PageStatus::NotArticle, None, None)
                .await;
            return true;
        }
        Extraction::Article(record) => record,
    };
    let canonical = Url::parse(&record.canonical_url).unwrap_or_else(|_| final_url.clone());
    // The same story under another URL: its canonical address was delivered already.
    if let Ok(Some(known)) = shared.state.page(urls::normalize(&canonical).as_str()) {
        if known.status == PageStatus::Delivered
            && known.content_hash.as_deref() == Some(record.content_hash.as_str())
        {
            info!(canonical = %canonical, "already delivered under its canonical URL");
            shared
                .mark(
                    &[&job.url, &final_url],
                    PageStatus::Delivered,
                    Some(record.content_hash.clone()),
                    None,
                )
                .await;
            return true;
        }
    }
    // Wait for room among the records in flight, then let the next page be fetched.
    let permit = tokio::select! {
        permit = shared.deliveries.clone().acquire_owned() => permit,
        _ = shared.drain_deadline() => return false,
    };
    let Ok(_permit) = permit else {
        return false;
    };
    drop(slot);
    // Counted until the page's state is committed, like the permit.
    let _in_flight = InFlight::enter(&shared.metrics);
    let delivered = shared.with_retries(|| shared.sink.deliver(&record)).await;
    match delivered {
        Ok(()) => {
            shared.metrics.delivered.inc();
            shared
                .metrics
                .delivery_latency
                .observe(fetched_at.elapsed().as_secs_f64());
            info!(id = %record.id, title = %record.title, "delivered");
            shared
                .mark(
                    &[&job.url, &final_url, &canonical],
                    PageStatus::Delivered,
                    Some(record.content_hash.clone()),
                    None,
                )
                .await;
            true
        }
        Err(DeliveryError::Rejected(reason)) => {
            warn!(%reason, "the sink rejected the record");
            let id = Some(record.id.clone());
            shared
                .give_up(&[&job.url, &final_url], Stage::Deliver, reason, id)
                .await
        }
        Err(DeliveryError::Unavailable(reason)) => {
            warn!(%reason, "not delivered before the stop; the page will be done again");
            false
        }
    }
}

/// Where to read the configuration again, and the requests to do so (SIGHUP).
pub struct Reload {
    /// The configuration file.
    pub path: std::path::PathBuf,
    /// One message per request.
    pub requests: mpsc::Receiver<()>,
}

/// The running source pollers.
struct Pollers {
    shared: Arc<Shared>,
    jobs: mpsc::Sender<Job>,
    once: bool,
    set: JoinSet<()>,
    /// Each running source with the token that stops its poller.
    running: Vec<(SourceConfig, CancellationToken)>,
}

impl Pollers {
    fn start(&mut self, source: SourceConfig) {
        let stop = self.shared.shutdown.child_token();
        let span = info_span!("source", source = %source.url, kind = ?source.kind);
        self.set.spawn(
            poll_source(
                self.shared.clone(),
                source.clone(),
                self.jobs.clone(),
                self.once,
                stop.clone(),
            )
            .instrument(span),
        );
        self.running.push((source, stop));
    }

    /// Stops the pollers of sources that are gone and starts those of new ones; sources that
    /// did not change keep their poller (and its schedule). Pages already queued or in flight
    /// are not touched. Returns (started, stopped).
    fn apply(&mut self, sources: Vec<SourceConfig>) -> (usize, usize) {
        let before = self.running.len();
        self.running.retain(|(source, stop)| {
            let keep = sources.contains(source);
            if !keep {
                stop.cancel();
            }
            keep
        });
        let stopped = before - self.running.len();
        let mut started = 0;
        for source in sources {
            if !self.running.iter().any(|(running, _)| *running == source) {
                self.start(source);
                started += 1;
            }
        }
        (started, stopped)
    }
}

/// Owns the pollers: applies reload requests, reaps pollers that stopped, and returns when
/// the service stops (or, with `--once`, when every poller is done). Returning drops the last
/// sender of the queue, which lets the dispatcher finish.
async fn manage_pollers(mut pollers: Pollers, mut reload: Option<Reload>, mut current: Config) {
    loop {
        tokio::select! {
            _ = pollers.shared.shutdown.cancelled() => break,
            Some(path) = next_reload(&mut reload) => {
                let loaded = Config::load(&path).and_then(|new| {
                    let parser = crate::config::parser(&new.parser)?;
                    Ok((new, parser))
                });
                match loaded {
                    Ok((new, parser)) => {
                        let rules = parser.sites().len();
                        *pollers.shared.parser.write().unwrap_or_else(|e| e.into_inner()) = parser;
                        info!(rules, "site rules reloaded");
                        let mut others_new = new.clone();
                        others_new.sources = Vec::new();
                        others_new.parser = Default::default();
                        let mut others_now = current.clone();
                        others_now.sources = Vec::new();
                        others_now.parser = Default::default();
                        if others_new != others_now {
                            warn!(config = %path.display(), "only [[sources]] are reloaded; restart to apply the other changes");
                        }
                        let (started, stopped) = pollers.apply(new.sources.clone());
                        info!(config = %path.display(), started, stopped, sources = pollers.running.len(), "sources reloaded");
                        current.sources = new.sources;
                        current.parser = new.parser;
                    }
                    Err(error) => {
                        tracing::error!(%error, "reload failed; the current sources stay");
                    }
                }
            }
            finished = pollers.set.join_next(), if pollers.once || !pollers.set.is_empty() => {
                if finished.is_none() && pollers.once {
                    break;
                }
            }
        }
    }
    for (_, stop) in &pollers.running {
        stop.cancel();
    }
    drop(pollers.jobs);
    pollers.set.shutdown().await;
}

/// The next reload request's configuration path; never resolves without reloading.
async fn next_reload(reload: &mut Option<Reload>) -> Option<std::path::PathBuf> {
    match reload {
        Some(reload) => {
            reload.requests.recv().await?;
            Some(reload.path.clone())
        }
        None => std::future::pending().await,
    }
}

/// Reads one source on its interval and queues what it finds.
async fn poll_source(
    shared: Arc<Shared>,
    source: SourceConfig,
    jobs: mpsc::Sender<Job>,
    once: bool,
    stop: CancellationToken,
) {
    let name: Arc<str> = Arc::from(source.url.as_str());
    let (min, max) = source.interval_bounds();
    // The interval the source had reached before a restart, else its configured one.
    let mut interval = match shared.state.poll_interval(&name) {
        Ok(Some(secs)) => Duration::from_secs(secs).clamp(min, max),
        _ => source.every,
    };
    loop {
        let discovered = discover_source(&shared, &source, &name).await;
        let count = discovered.urls.len();
        let mut open = true;
        let mut new = 0u64;
        for url in discovered.urls {
            match shared.enqueue(url, &name, &jobs, &stop).await {
                Enqueued::New => new += 1,
                Enqueued::Known => {}
                Enqueued::Closed => {
                    open = false;
                    break;
                }
            }
        }
        if open {
            // Everything listed is queued or settled: the next poll may be conditional.
            shared
                .validators
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(name.clone(), discovered.validators);
        }
        interval = source.next_interval(interval, new as usize);
        info!(
            links = count,
            new,
            not_modified = discovered.not_modified,
            next_poll_secs = interval.as_secs(),
            "source polled"
        );
        let label = crate::metrics::SourceLabel {
            source: name.to_string(),
        };
        shared
            .metrics
            .source_new_items
            .get_or_create(&label)
            .inc_by(new);
        shared
            .metrics
            .source_polled
            .get_or_create(&label)
            .set(chrono::Utc::now().timestamp());
        if let Err(error) =
            shared
                .state
                .record_poll(&name, chrono::Utc::now().timestamp(), interval.as_secs())
        {
            warn!(%error, "cannot record the poll time");
        }
        if once || !open {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {},
            _ = stop.cancelled() => return,
        }
    }
}

/// What one poll of a source found.
#[derive(Default)]
struct Discovered {
    /// The page URLs it lists.
    urls: Vec<Url>,
    /// The validators of the documents read (or still valid after a 304), by URL.
    validators: std::collections::HashMap<String, Validators>,
    /// Documents that answered 304.
    not_modified: usize,
}

impl Discovered {
    /// Fetches one document of the source (a feed, a sitemap, a section page), conditionally
    /// when the last complete poll left validators for it. None when it is unchanged (304) or
    /// could not be fetched (logged).
    async fn document(&mut self, shared: &Shared, source: &Arc<str>, url: &Url) -> Option<Fetched> {
        let known = shared
            .validators
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(source)
            .and_then(|docs| docs.get(url.as_str()).cloned())
            .unwrap_or_default();
        match shared.polite_fetch_if_modified(url, &known).await {
            Ok(Conditional::Modified(page)) => {
                if !page.validators.is_empty() {
                    self.validators
                        .insert(url.to_string(), page.validators.clone());
                }
                Some(*page)
            }
            Ok(Conditional::NotModified) => {
                self.not_modified += 1;
                self.validators.insert(url.to_string(), known);
                None
            }
            Err(error) => {
                warn!(?error, document = %url, "cannot fetch the source document");
                None
            }
        }
    }
}

/// The article URLs a source lists now.
async fn discover_source(shared: &Shared, source: &SourceConfig, name: &Arc<str>) -> Discovered {
    let mut found = Discovered::default();
    match source.kind {
        SourceKind::Url => found.urls.push(source.url.clone()),
        SourceKind::Feed => {
            if let Some(page) = found.document(shared, name, &source.url).await {
                match discover::feed_links(&page.url, &page.bytes) {
                    Ok(links) => found.urls = links,
                    Err(error) => warn!(%error, "cannot read the feed"),
                }
            }
        }
        SourceKind::Sitemap => sitemap_urls(shared, &source.url, name, &mut found).await,
        SourceKind::Section => {
            if let Some(page) = found.document(shared, name, &source.url).await {
                let section_url = page.url.clone();
                match shared.parse(page).await {
                    Ok(Ok(Extraction::NotArticle(listing))) => {
                        found.urls = listing
                            .links
                            .iter()
                            .filter_map(|l| Url::parse(l).ok())
                            .filter(|l| {
                                // The site's own article URL patterns, when its rule has some.
                                shared
                                    .parser()
                                    .sites()
                                    .is_article_url(l)
                                    .unwrap_or_else(|| {
                                        discover::looks_like_article(l, &section_url)
                                    })
                            })
                            .collect()
                    }
                    Ok(Ok(Extraction::Article(_))) => {
                        warn!("the section page reads as an article; no links taken")
                    }
                    Ok(Err(error)) => warn!(%error, "cannot parse the section page"),
                    Err(error) => warn!(%error, "the parser panicked on the section page"),
                }
            }
        }
    }
    found
}

/// Page URLs of a sitemap, following sitemap indexes; a robots.txt URL stands for all the
/// sitemaps it lists. Indexes are always read in full (an unchanged index can list changed
/// sitemaps); the sitemaps of pages are read conditionally.
async fn sitemap_urls(shared: &Shared, url: &Url, name: &Arc<str>, found: &mut Discovered) {
    let mut to_read: Vec<Url> = if url.path().ends_with("/robots.txt") {
        match shared.robots.sitemaps(url).await {
            Ok(list) => list,
            Err(error) => {
                warn!(%error, "cannot read the sitemaps of robots.txt");
                return;
            }
        }
    } else {
        vec![url.clone()]
    };
    let mut read = HashSet::new();
    while let Some(next) = to_read.pop() {
        if read.len() >= MAX_SITEMAPS_PER_POLL || !read.insert(next.clone()) {
            continue;
        }
        if let Some(page) = found.document(shared, name, &next).await {
            match discover::sitemap(&page.url, &page.bytes) {
                Ok(map) => {
                    if !map.sitemaps.is_empty() {
                        found.validators.remove(next.as_str());
                    }
                    found.urls.extend(map.urls);
                    to_read.extend(map.sitemaps);
                }
                Err(error) => warn!(%error, sitemap = %next, "cannot read the sitemap"),
            }
        }
    }
}

/// Writes page states in batches: whatever arrived while the previous batch was committing
/// goes into the next transaction. Pages leave `pending` only once their state is on disk.
async fn write_marks(
    state: StateStore,
    mut marks: mpsc::Receiver<Mark>,
    pending: Arc<Mutex<HashSet<String>>>,
) -> anyhow::Result<()> {
    let mut batch = Vec::with_capacity(MARK_BATCH);
    while marks.recv_many(&mut batch, MARK_BATCH).await > 0 {
        let (to_write, waiting): (Vec<(String, PageState)>, Vec<oneshot::Sender<()>>) = batch
            .drain(..)
            .map(|m| ((m.key, m.state), m.committed))
            .unzip();
        let store = state.clone();
        let (written, result) = tokio::task::spawn_blocking(move || {
            let result = store.record_pages(&to_write);
            (to_write, result)
        })
        .await
        .context("the state writer panicked")?;
        // Committed or not, the pages leave `pending`: either they are settled in the store,
        // or they must be free to be queued and done again.
        {
            let mut pending = pending.lock().unwrap_or_else(|e| e.into_inner());
            for (key, _) in &written {
                pending.remove(key);
            }
        }
        match result {
            Ok(()) => {
                for waiter in waiting {
                    let _ = waiter.send(());
                }
            }
            // Losing marks only means pages are done again; the sink already has them.
            // Dropping the waiters tells them so.
            Err(error) => warn!(%error, "cannot write the crawl state"),
        }
    }
    Ok(())
}

/// Entries deleted per transaction when the state expires.
const EXPIRE_BATCH: usize = 10_000;

/// Deletes crawl-state entries older than `crawler.state_retention`, in batches so that no
/// transaction grows large. Runs before the first poll (so that a start sees the state as
/// the policy says it is), then every hour.
async fn expire_state(shared: &Shared) {
    let retention = shared.crawler.state_retention;
    if retention.is_zero() {
        return;
    }
    let cutoff = chrono::Utc::now().timestamp() - retention.as_secs() as i64;
    let mut removed = 0;
    loop {
        let state = shared.state.clone();
        let batch =
            tokio::task::spawn_blocking(move || state.expire_pages(cutoff, EXPIRE_BATCH)).await;
        match batch {
            Ok(Ok(n)) => {
                removed += n;
                shared.metrics.state_expired.inc_by(n as u64);
                if n < EXPIRE_BATCH {
                    break;
                }
            }
            Ok(Err(error)) => {
                warn!(%error, "cannot expire old crawl state");
                break;
            }
            Err(_) => break,
        }
    }
    if removed > 0 {
        info!(removed, "old crawl state expired");
    }
}

/// [`expire_state`] every hour.
async fn expire_periodically(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    tick.tick().await;
    loop {
        tick.tick().await;
        expire_state(&shared).await;
    }
}

/// Logs a one-line summary every minute.
async fn report_periodically(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    tick.tick().await;
    let mut last = shared.metrics.snapshot();
    loop {
        tick.tick().await;
        last = shared.metrics.log_progress(&last);
    }
}
