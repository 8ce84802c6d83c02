//! The engine as a whole: what it is made of, how it starts, runs and stops.
//!
//! [`Engine::open`] restores the crawl state (pages taken but not settled when the last run
//! stopped become due again), opens the sink and builds the HTTP client; [`Engine::run`] then
//! starts a poller per source, the dispatcher, the state writer and the hourly expiry, and
//! returns once the stop was asked for and everything in flight is settled or given back.

use crate::drain::Drain;
use crate::observe::{Event, Observer};
use crate::outcome::RunOutcome;
use crate::sources::{manage_pollers, Pollers};
use crate::upkeep::{expire_periodically, expire_state, write_changes, Change, CHANGE_BATCH};
use std::collections::HashSet;
use std::sync::{Arc, Mutex, RwLock};
use tinstream_crawler::{
    CrawlerConfig, Fetcher, HostGate, RobotsCache, SourceConfig, StateError, StateStore,
};
use tinstream_parser::Parser;
use tinstream_sink::{Readiness, Sink, SinkConfig, SinkError};
use tokio::sync::{mpsc, Notify, Semaphore};
use tokio::task::{JoinError, JoinHandle};
use tokio_util::sync::CancellationToken;

/// What the engine needs to know: how to crawl, what to crawl, where records go.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Politeness, limits, the data directory of the crawl state.
    pub crawler: CrawlerConfig,
    /// The sources polled for pages.
    pub sources: Vec<SourceConfig>,
    /// Where records go, and how many may be in flight.
    pub sink: SinkConfig,
}

/// New sources and site rules for a running engine (the service sends one on SIGHUP).
pub struct Reload {
    /// The sources from now on: those that did not change keep their poller and schedule.
    pub sources: Vec<SourceConfig>,
    /// The parser from now on (with the site rules just loaded).
    pub parser: Parser,
}

/// Why the engine could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The crawl state could not be opened or read.
    #[error(transparent)]
    State(#[from] StateError),
    /// The sink could not be opened.
    #[error("cannot open the sink")]
    Sink(#[source] SinkError),
    /// The HTTP client could not be built (a bad TLS setting, a bad proxy).
    #[error("cannot build the HTTP client")]
    HttpClient(#[source] reqwest::Error),
    /// A task of the engine panicked.
    #[error("{what} panicked")]
    Panicked {
        what: &'static str,
        #[source]
        source: JoinError,
    },
    /// A task still held the engine when it stopped (a bug).
    #[error("engine tasks still running at shutdown")]
    StillRunning,
}

/// What every stage shares.
pub(crate) struct Shared {
    pub(crate) crawler: CrawlerConfig,
    pub(crate) fetcher: Fetcher,
    pub(crate) robots: RobotsCache,
    pub(crate) hosts: HostGate,
    /// Replaced whole when a reload brings new site rules.
    pub(crate) parser: RwLock<Parser>,
    pub(crate) sink: Arc<Sink>,
    pub(crate) state: StateStore,
    pub(crate) changes: mpsc::Sender<Change>,
    /// Wakes the dispatcher when pollers add pages to the frontier.
    pub(crate) wake: Notify,
    /// The due time last given to a new page of each server (host and port), to pace new
    /// pages per server in the frontier's order.
    pub(crate) schedule: Mutex<std::collections::HashMap<String, u64>>,
    /// Content hashes of records being delivered and not yet settled: a copy of the same
    /// story under another URL waits for the first to settle, so that it is then found as a
    /// duplicate instead of racing it to the sink.
    pub(crate) delivering: Mutex<HashSet<String>>,
    /// Permits of records handed to the sink and not yet confirmed (`sink.max_in_flight`).
    pub(crate) deliveries: Arc<Semaphore>,
    pub(crate) drain: Drain,
    pub(crate) observer: Arc<dyn Observer>,
    /// Hosts that have answered with a bot challenge, logged once each.
    pub(crate) blocked_hosts: Mutex<HashSet<String>>,
    /// Sources a poll of which could not read one of their documents in this run.
    pub(crate) unread_sources: Mutex<HashSet<String>>,
}

impl Shared {
    /// Hands an event to the observer.
    pub(crate) fn observe(&self, event: Event<'_>) {
        self.observer.observe(event)
    }
}

/// A crawl engine over one crawl state.
pub struct Engine {
    shared: Arc<Shared>,
    sources: Vec<SourceConfig>,
    writer: JoinHandle<Result<(), EngineError>>,
    restored: u64,
}

impl Engine {
    /// Opens the crawl state in `config.crawler.data_dir` (pages taken but not settled when
    /// the last run stopped become due again), the sink, and the HTTP client. Nothing is
    /// fetched before [`Engine::run`]. The engine stops when `stop` is cancelled.
    pub async fn open(
        config: EngineConfig,
        parser: Parser,
        observer: Arc<dyn Observer>,
        stop: CancellationToken,
    ) -> Result<Engine, EngineError> {
        let state = StateStore::open(&config.crawler.data_dir)?;
        let sink = Sink::open(&config.sink).await.map_err(EngineError::Sink)?;
        let fetcher = Fetcher::new(&config.crawler).map_err(EngineError::HttpClient)?;
        let (changes, changes_rx) = mpsc::channel(CHANGE_BATCH * 4);
        let writer = tokio::spawn(write_changes(state.clone(), changes_rx, stop.clone()));
        let restore = state.clone();
        let restored = tokio::task::spawn_blocking(move || restore.restore_frontier())
            .await
            .map_err(|source| EngineError::Panicked {
                what: "restoring the frontier",
                source,
            })??;
        let crawler = config.crawler;
        let shared = Arc::new(Shared {
            robots: RobotsCache::new(fetcher.clone(), &crawler.user_agent, crawler.robots_ttl)
                .with_blocked_retry(crawler.blocked_backoff),
            hosts: HostGate::new(crawler.per_host_concurrency),
            parser: RwLock::new(parser),
            fetcher,
            sink: Arc::new(sink),
            state,
            changes,
            wake: Notify::new(),
            schedule: Mutex::new(std::collections::HashMap::new()),
            delivering: Mutex::new(HashSet::new()),
            deliveries: Arc::new(Semaphore::new(config.sink.max_in_flight)),
            drain: Drain::new(stop),
            observer,
            blocked_hosts: Mutex::new(HashSet::new()),
            unread_sources: Mutex::new(HashSet::new()),
            crawler,
        });
        Ok(Engine {
            shared,
            sources: config.sources,
            writer,
            restored,
        })
    }

    /// Pages in the frontier when the engine was opened.
    pub fn restored_pages(&self) -> u64 {
        self.restored
    }

    /// A handle to ask the engine, from elsewhere, whether it is ready and how large its
    /// state is.
    pub fn probe(&self) -> Probe {
        Probe {
            state: self.shared.state.clone(),
            sink: self.shared.sink.clone(),
            stop: self.shared.drain.child(),
        }
    }

    /// Runs until the stop is asked for, or, with `once`, until every source was polled once
    /// and every page found was processed. `reloads` brings new sources and site rules while
    /// it runs (ignored with `once`).
    pub async fn run(
        self,
        once: bool,
        reloads: Option<mpsc::Receiver<Reload>>,
    ) -> Result<RunOutcome, EngineError> {
        let Engine {
            shared,
            sources,
            writer,
            restored: _,
        } = self;
        expire_state(&shared).await;
        // Cancelled when every poller has stopped: in `once` mode, the run then ends as soon
        // as nothing due is left in the frontier.
        let discovery_done = CancellationToken::new();
        let mut pollers = Pollers::new(shared.clone(), discovery_done.clone(), once);
        for source in sources {
            pollers.start(source);
        }
        let manager = tokio::spawn(manage_pollers(pollers, reloads.filter(|_| !once)));
        let expiry = tokio::spawn(expire_periodically(shared.clone()));

        crate::dispatch::dispatch(shared.clone(), once, discovery_done).await;
        // A `--once` run that is done ends on its own; a stop asked for before that
        // interrupted it.
        let interrupted = shared.drain.is_stopping();

        // Pollers end by themselves in `once` mode; otherwise they stop with the engine.
        let _ = manager.await;
        expiry.abort();
        let _ = expiry.await;
        let mut outcome = RunOutcome {
            interrupted,
            unread_sources: shared
                .unread_sources
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .len(),
            ..RunOutcome::default()
        };
        if let Err(error) = shared.sink.flush(shared.drain.time_left()).await {
            tracing::warn!(%error, "the sink did not flush everything before the deadline");
            outcome.unconfirmed = Some(error.to_string());
        }
        // The last holder of the changes sender goes away here; the writer then commits
        // what is left.
        let Ok(shared) = Arc::try_unwrap(shared) else {
            return Err(EngineError::StillRunning);
        };
        let state = shared.state.clone();
        drop(shared);
        writer.await.map_err(|source| EngineError::Panicked {
            what: "the state writer",
            source,
        })??;
        outcome.pending_pages = tokio::task::spawn_blocking(move || state.pending_pages())
            .await
            .map_err(|source| EngineError::Panicked {
                what: "counting the pages left",
                source,
            })??;
        Ok(outcome)
    }
}

/// Asks a running engine whether it can work and how large its state is; for a readiness
/// endpoint and gauges. Each call reads the store: call it from the blocking pool.
#[derive(Clone)]
pub struct Probe {
    state: StateStore,
    sink: Arc<Sink>,
    stop: CancellationToken,
}

impl Probe {
    /// Whether pages can be crawled and delivered now, or why not.
    pub fn readiness(&self) -> Readiness {
        if self.stop.is_cancelled() {
            return Readiness::NotReady("stopping".into());
        }
        if let Err(error) = self.state.page_count() {
            return Readiness::NotReady(format!("crawl state: {error}"));
        }
        // A write that failed (a full disk) until one succeeds again.
        if let Some(error) = self.state.write_failure() {
            return Readiness::NotReady(format!("crawl state: {error}"));
        }
        self.sink.readiness()
    }

    /// Pages in the frontier.
    pub fn frontier_len(&self) -> Result<u64, StateError> {
        self.state.frontier_len()
    }

    /// Pages the crawl state knows the outcome of.
    pub fn page_count(&self) -> Result<u64, StateError> {
        self.state.page_count()
    }

    /// Bytes waiting in the sink's spool (0 without one).
    pub fn spool_bytes(&self) -> u64 {
        self.sink.spool_bytes().unwrap_or(0)
    }
}

impl Shared {
    /// Runs a call on the crawl state on the blocking pool: the store reads and writes files,
    /// which must not stall the async workers.
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
