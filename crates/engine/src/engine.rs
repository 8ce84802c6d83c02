//! The engine as a whole: what it is made of, how it starts, runs and stops.
//!
//! [`Engine::open`] restores the crawl state (pages taken but not settled when the last run
//! stopped become due again), opens the sink and builds the HTTP client; [`Engine::run`] then
//! starts a poller per source, the dispatcher, the state writer and the hourly expiry, and
//! returns once the stop was asked for and everything in flight is settled or given back.

use crate::drain::Drain;
use crate::observe::{Event, Observer};
use crate::outcome::RunOutcome;
use crate::partition::{Closing, Layout, Partition};
use crate::sources::{manage_pollers, Pollers};
use crate::upkeep::{expire_periodically, expire_state};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;
use tinstream_crawler::changelog::Entry;
use tinstream_crawler::{CrawlerConfig, Fetcher, HostGate, RobotsCache, SourceConfig, StateError};
use tinstream_parser::Parser;
use tinstream_sink::{Readiness, Sink, SinkConfig, SinkError};
use tokio::sync::{mpsc, Notify, Semaphore};
use tokio::task::JoinError;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};
use url::Url;

/// What the engine needs to know: how to crawl, what to crawl, where records go.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Politeness, limits, the data directory of the crawl state.
    pub crawler: CrawlerConfig,
    /// The sources polled for pages.
    pub sources: Vec<SourceConfig>,
    /// Where records go, and how many may be in flight.
    pub sink: SinkConfig,
    /// Partitions the crawl is split into, by registrable domain: 1 for a crawl of one
    /// process (its state directly in `crawler.data_dir`), more when workers share it.
    pub partitions: u32,
}

/// New sources and site rules for a running engine (the service sends one on SIGHUP).
pub struct Reload {
    /// The sources from now on: those that did not change keep their poller and schedule.
    pub sources: Vec<SourceConfig>,
    /// The parser from now on (with the site rules just loaded).
    pub parser: Parser,
}

/// Brings a partition's local crawl state up to date from where it is kept durably (the state
/// topic of a cluster), when the engine takes the partition. Called on the blocking pool;
/// returns the entries applied.
pub trait Restorer: Send + Sync {
    fn restore(
        &self,
        partition: u32,
        store: &tinstream_crawler::StateStore,
    ) -> Result<u64, Box<dyn std::error::Error + Send + Sync>>;
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
    /// A partition's state could not be restored.
    #[error("cannot restore partition {partition}")]
    Restore {
        partition: u32,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The journal could not write what the crawl produced.
    #[error("cannot write the crawl's outcome")]
    Journal(#[source] crate::JournalError),
    /// A partition was asked for that the crawl does not have.
    #[error("partition {partition} is not one of the crawl's {count}")]
    NoSuchPartition { partition: u32, count: u32 },
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
    /// How the crawl is split, and where the partitions' states live.
    pub(crate) layout: Layout,
    pub(crate) data_dir: PathBuf,
    /// The partitions this engine owns now.
    pub(crate) owned: Owned,
    /// The writers of the owned partitions, finished when a partition is revoked.
    closing: tokio::sync::Mutex<BTreeMap<u32, Closing>>,
    /// Brings a partition's state up to date when it is assigned, if the state is kept
    /// elsewhere too.
    restorer: std::sync::OnceLock<Arc<dyn Restorer>>,
    /// Where the crawl's outcome is made durable first, when it is shared (see
    /// [`crate::Journal`]).
    pub(crate) journal: std::sync::OnceLock<Arc<dyn crate::Journal>>,
    /// Partitions being restored now; readiness says so meanwhile.
    pub(crate) restoring: Arc<Mutex<std::collections::BTreeSet<u32>>>,
    /// Wakes the pollers' manager when the partitions owned change.
    pub(crate) ownership_changed: Notify,
    /// Wakes the dispatcher when pollers add pages to the frontier.
    pub(crate) wake: Notify,
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

/// The partitions an engine owns, by number; shared with its [`Probe`].
pub(crate) type Owned = Arc<RwLock<BTreeMap<u32, Arc<Partition>>>>;

impl Shared {
    /// The partitions owned now.
    pub(crate) fn owned(&self) -> Vec<Arc<Partition>> {
        let owned = self.owned.read().unwrap_or_else(|e| e.into_inner());
        owned.values().cloned().collect()
    }

    /// The partition a URL belongs to, if this engine owns it.
    pub(crate) fn owner_of(&self, url: &url::Url) -> Option<Arc<Partition>> {
        let id = self.layout.of(url);
        let owned = self.owned.read().unwrap_or_else(|e| e.into_inner());
        owned.get(&id).cloned()
    }

    /// Takes a partition: opens its crawl state (pages taken and not settled become due
    /// again), and lets its pages be dispatched and its sources polled. Returns the pages in
    /// its frontier; a partition owned already is left as it is.
    pub(crate) async fn assign(&self, id: u32) -> Result<u64, EngineError> {
        if id >= self.layout.count {
            return Err(EngineError::NoSuchPartition {
                partition: id,
                count: self.layout.count,
            });
        }
        let mut closing = self.closing.lock().await;
        if closing.contains_key(&id) {
            return Ok(0);
        }
        let started = Instant::now();
        let dir = self.layout.dir(&self.data_dir, id);
        let restorer = self.restorer.get().cloned();
        self.restoring
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id);
        let opened = Partition::open(id, dir, self.drain.token(), restorer).await;
        self.restoring
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        let (partition, writer, pages) = opened?;
        if self.journal.get().is_some() {
            self.keep_host_delays(&partition).await;
        }
        closing.insert(id, writer);
        self.owned
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, Arc::new(partition));
        drop(closing);
        let restore = started.elapsed();
        info!(
            partition = id,
            frontier = pages,
            restore_ms = restore.as_millis() as u64,
            "partition assigned"
        );
        self.observe(Event::PartitionAssigned {
            partition: id,
            restore,
        });
        self.ownership_changed.notify_one();
        self.wake.notify_one();
        Ok(pages)
    }

    /// Gives a partition up: no new page of it starts, its pollers stop, the pages in flight
    /// finish and their states are committed; pages taken and not started stay in its
    /// frontier for the next owner. Returns, once its state is written and closed, the pages
    /// left in its frontier.
    pub(crate) async fn revoke(&self, id: u32) -> Result<u64, EngineError> {
        self.give_up_partition(id, false).await
    }

    /// Lets go of a partition the group already gave to another worker: its tasks stop where
    /// they are, and nothing more of it is written (no states, no turns of its hosts); pages in
    /// flight are the next owner's to do. Returns the pages left in its frontier as this
    /// engine last wrote it.
    pub(crate) async fn lose(&self, id: u32) -> Result<u64, EngineError> {
        self.give_up_partition(id, true).await
    }

    /// Tells the journal that `id` was lost, once nothing more of it is written: what it was
    /// handed before must not become durable any more.
    fn lost_to_journal(&self, id: u32) {
        if let Some(journal) = self.journal.get() {
            journal.lost(id);
        }
    }

    async fn give_up_partition(&self, id: u32, lost: bool) -> Result<u64, EngineError> {
        let mut closing = self.closing.lock().await;
        let Some(mut writer) = closing.remove(&id) else {
            return Ok(0);
        };
        let partition = self
            .owned
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        let mut left = 0;
        if let Some(partition) = partition {
            if lost {
                partition.lost.cancel();
            }
            partition.revoked.cancel();
            self.ownership_changed.notify_one();
            // The dispatcher lets go of the pages it took from this partition and had not
            // started.
            self.wake.notify_one();
            partition.tasks.close();
            partition.tasks.wait().await;
            if lost {
                writer.abandon_writes().await;
                self.lost_to_journal(id);
            } else {
                self.hand_over_turns(&partition).await;
                writer.finish_writes().await?;
            }
            left = partition
                .store("counting the pages left", |s| s.pending_pages())
                .await?;
        } else if lost {
            writer.abandon_writes().await;
            self.lost_to_journal(id);
        } else {
            writer.finish_writes().await?;
        }
        // The database closes with the last handle to the partition; a new owner (this
        // engine again, or another process on the same disk) can then open it.
        if tokio::time::timeout(PARTITION_RELEASE, writer.closed)
            .await
            .is_err()
        {
            warn!(
                partition = id,
                "the partition's state is still in use {}s after it was revoked; it closes \
                 when released",
                PARTITION_RELEASE.as_secs()
            );
        }
        if lost {
            warn!(partition = id, frontier = left, "partition lost: the group moved it without waiting; its pages in flight are left to the next owner");
        } else {
            info!(partition = id, frontier = left, "partition revoked");
        }
        self.observe(Event::PartitionRevoked { partition: id });
        Ok(left)
    }
}

impl Shared {
    /// Holds each server of a partition just taken until the turn its previous owner left it
    /// in the partition's state: its last request plus the delay that applied, or a back-off.
    async fn keep_host_delays(&self, partition: &Partition) {
        let turns = match partition
            .store("reading the hosts' next turns", |s| s.host_turns())
            .await
        {
            Ok(turns) => turns,
            Err(error) => {
                warn!(partition = partition.id, %error, "cannot read when each host may be asked next; the per-host delay counts from the first request");
                return;
            }
        };
        let now = i64::try_from(crate::dispatch::now_ms()).unwrap_or(i64::MAX);
        for (server, not_before_ms) in turns {
            let wait = not_before_ms.saturating_sub(now);
            if wait > 0 {
                self.hosts
                    .back_off(&server, std::time::Duration::from_millis(wait as u64));
            }
        }
    }

    /// When `server` may be asked next, in Unix milliseconds: its turn in the pacing schedule,
    /// or a per-host delay from now when none is to come.
    pub(crate) fn next_turn_ms(&self, server: &str) -> i64 {
        let turn = self
            .hosts
            .next_turn(server)
            .unwrap_or_else(|| std::time::SystemTime::now() + self.crawler.per_host_delay);
        unix_ms(turn)
    }

    /// With a journal, writes the next turn of every server of the partition that still has
    /// one to come, as the partition is handed over: whatever asked them last (a page, a
    /// source's poll, robots.txt, a poll cut short by the revocation), the next owner keeps
    /// the pace.
    async fn hand_over_turns(&self, partition: &Partition) {
        let layout = self.layout;
        let turns = self.hosts.next_turns(|server| {
            Url::parse(&format!("http://{server}/"))
                .is_ok_and(|url| layout.of(&url) == partition.id)
        });
        let entries = turns
            .into_iter()
            .map(|(server, turn)| Entry::Host {
                server,
                not_before_ms: unix_ms(turn),
            })
            .collect();
        if let Err(error) = self.journal_entries(partition, entries).await {
            warn!(partition = partition.id, %error, "cannot record when the partition's hosts may be asked next; its next owner may ask them sooner than the per-host delay");
        }
    }

    pub(crate) async fn admit(
        &self,
        id: u32,
        pages: Vec<(String, tinstream_crawler::FrontierEntry)>,
        next_offset: i64,
    ) -> Result<usize, EngineError> {
        let partition = {
            let owned = self.owned.read().unwrap_or_else(|e| e.into_inner());
            owned.get(&id).cloned()
        };
        let Some(partition) = partition else {
            return Err(EngineError::NoSuchPartition {
                partition: id,
                count: self.layout.count,
            });
        };
        let keys: Vec<String> = pages.iter().map(|(key, _)| key.clone()).collect();
        let known = partition
            .store("reading the frontier", move |s| s.known(&keys))
            .await?;
        let new: Vec<(String, tinstream_crawler::FrontierEntry)> = pages
            .into_iter()
            .zip(known)
            .filter(|(_, known)| !known)
            .map(|(page, _)| page)
            .collect();
        if let Some(journal) = self.journal.get() {
            let unit = crate::Unit {
                partition: id,
                entries: new
                    .iter()
                    .map(
                        |(key, entry)| tinstream_crawler::changelog::Entry::Frontier {
                            key: key.clone(),
                            entry: Some(entry.clone()),
                        },
                    )
                    .collect(),
                consumed: Some(next_offset),
                ..crate::Unit::default()
            };
            journal.write(unit).await.map_err(EngineError::Journal)?;
        }
        let count = new.len();
        if count > 0 {
            let limit = self.crawler.max_frontier;
            partition
                .store("adding to the frontier", move |s| {
                    s.add_to_frontier(&new, limit)
                })
                .await?;
            self.wake.notify_one();
        }
        Ok(count)
    }
}

/// How long a revoked partition's state may stay in use by the tasks that are letting go of it
/// (the dispatcher's queue, a probe) before the revocation goes on without waiting.
const PARTITION_RELEASE: std::time::Duration = std::time::Duration::from_secs(30);

/// A crawl engine: the partitions of a crawl it owns, a sink, and the work between.
pub struct Engine {
    shared: Arc<Shared>,
    sources: Vec<SourceConfig>,
}

impl Engine {
    /// Opens the sink and builds the HTTP client; the engine owns no partition yet (see
    /// [`Ownership::assign`]) and fetches nothing before [`Engine::run`]. It stops when
    /// `stop` is cancelled.
    pub async fn open(
        config: EngineConfig,
        parser: Parser,
        observer: Arc<dyn Observer>,
        stop: CancellationToken,
    ) -> Result<Engine, EngineError> {
        let sink = Sink::open(&config.sink).await.map_err(EngineError::Sink)?;
        let fetcher = Fetcher::new(&config.crawler).map_err(EngineError::HttpClient)?;
        let crawler = config.crawler;
        let shared = Arc::new(Shared {
            robots: RobotsCache::new(fetcher.clone(), &crawler.user_agent, crawler.robots_ttl)
                .with_blocked_retry(crawler.blocked_backoff),
            hosts: HostGate::new(crawler.per_host_concurrency),
            parser: RwLock::new(parser),
            fetcher,
            sink: Arc::new(sink),
            layout: Layout {
                count: config.partitions.max(1),
            },
            data_dir: crawler.data_dir.clone(),
            owned: Arc::new(RwLock::new(BTreeMap::new())),
            closing: tokio::sync::Mutex::new(BTreeMap::new()),
            restorer: std::sync::OnceLock::new(),
            journal: std::sync::OnceLock::new(),
            restoring: Arc::new(Mutex::new(std::collections::BTreeSet::new())),
            ownership_changed: Notify::new(),
            wake: Notify::new(),
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
        })
    }

    /// Restores each partition's state with `restorer` when it is assigned (a cluster keeps
    /// the state in its state topic); before the first assignment.
    pub fn with_restorer(self, restorer: Arc<dyn Restorer>) -> Self {
        let _ = self.shared.restorer.set(restorer);
        self
    }

    /// Writes what the crawl produces through `journal` before applying it locally: records
    /// and dead letters go there instead of the sink, with the state changes they settle, and
    /// pages found go there instead of the local frontier (a cluster's transactions).
    pub fn with_journal(self, journal: Arc<dyn crate::Journal>) -> Self {
        let _ = self.shared.journal.set(journal);
        self
    }

    /// A handle to hand the engine partitions and take them back, before and while it runs.
    pub fn ownership(&self) -> Ownership {
        Ownership {
            shared: self.shared.clone(),
        }
    }

    /// A handle to ask the engine, from elsewhere, whether it is ready and how large its
    /// state is.
    pub fn probe(&self) -> Probe {
        Probe {
            owned: self.shared.owned.clone(),
            restoring: self.shared.restoring.clone(),
            sink: self.shared.sink.clone(),
            stop: self.shared.drain.child(),
        }
    }

    /// Runs until the stop is asked for, or, with `once`, until every source was polled once
    /// and every page found was processed. `reloads` brings new sources and site rules while
    /// it runs (ignored with `once`). At the end every partition is given up, its state
    /// written.
    pub async fn run(
        self,
        once: bool,
        reloads: Option<mpsc::Receiver<Reload>>,
    ) -> Result<RunOutcome, EngineError> {
        let Engine { shared, sources } = self;
        for partition in shared.owned() {
            expire_state(&shared, &partition).await;
        }
        // Cancelled when every poller has stopped: in `once` mode, the run then ends as soon
        // as nothing due is left in the frontier.
        let discovery_done = CancellationToken::new();
        let pollers = Pollers::new(shared.clone(), sources, discovery_done.clone(), once);
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
        // Every partition is given up: its writer commits the last changes, then what is left
        // in its frontier is counted.
        let owned: Vec<u32> = shared.owned().iter().map(|p| p.id).collect();
        for id in owned {
            outcome.pending_pages += shared.revoke(id).await?;
        }
        Ok(outcome)
    }
}

/// Hands partitions of the crawl to a running engine and takes them back.
#[derive(Clone)]
pub struct Ownership {
    shared: Arc<Shared>,
}

impl Ownership {
    /// Takes a partition: opens its crawl state (pages taken and not settled when it was last
    /// closed become due again) and lets its pages be fetched and its sources polled. Returns
    /// the pages in its frontier. A partition owned already is left as it is.
    pub async fn assign(&self, partition: u32) -> Result<u64, EngineError> {
        self.shared.assign(partition).await
    }

    /// Gives a partition up: no new page of it starts, its pollers stop, the pages in flight
    /// finish and are committed, and its state is closed; pages taken and not started stay in
    /// its frontier, due again for the next owner. Returns the pages left in its frontier.
    pub async fn revoke(&self, partition: u32) -> Result<u64, EngineError> {
        self.shared.revoke(partition).await
    }

    /// Lets go of a partition that is no longer this engine's (the group gave it to another
    /// worker without waiting, as when this worker's session ran out): its pages in flight
    /// stop where they are and nothing more of it is written, since the next owner may be
    /// working on it already. Returns the pages left in its frontier.
    pub async fn lose(&self, partition: u32) -> Result<u64, EngineError> {
        self.shared.lose(partition).await
    }

    /// Admits pages of a partition's frontier (read from a frontier topic up to
    /// `next_offset`): the ones its state does not know are written through the journal,
    /// with the offset, then added to the local frontier. Returns how many were new; an error
    /// means nothing was admitted, and the same pages come again.
    pub async fn admit(
        &self,
        partition: u32,
        pages: Vec<(String, tinstream_crawler::FrontierEntry)>,
        next_offset: i64,
    ) -> Result<usize, EngineError> {
        self.shared.admit(partition, pages, next_offset).await
    }

    /// The partitions owned now, in order.
    pub fn owned(&self) -> Vec<u32> {
        self.shared.owned().iter().map(|p| p.id).collect()
    }
}

/// Asks a running engine whether it can work and how large its state is; for a readiness
/// endpoint and gauges. Each call reads the stores: call it from the blocking pool.
#[derive(Clone)]
pub struct Probe {
    owned: Owned,
    restoring: Arc<Mutex<std::collections::BTreeSet<u32>>>,
    sink: Arc<Sink>,
    stop: CancellationToken,
}

impl Probe {
    fn owned(&self) -> Vec<Arc<Partition>> {
        let owned = self.owned.read().unwrap_or_else(|e| e.into_inner());
        owned.values().cloned().collect()
    }

    /// Whether pages can be crawled and delivered now, or why not.
    pub fn readiness(&self) -> Readiness {
        if self.stop.is_cancelled() {
            return Readiness::NotReady("stopping".into());
        }
        let restoring: Vec<String> = self
            .restoring
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|p| p.to_string())
            .collect();
        if !restoring.is_empty() {
            return Readiness::NotReady(format!(
                "restoring the state of partition {}",
                restoring.join(", ")
            ));
        }
        for partition in self.owned() {
            if let Err(error) = partition.state.page_count() {
                return Readiness::NotReady(format!("crawl state: {error}"));
            }
            // A write that failed (a full disk) until one succeeds again.
            if let Some(error) = partition.state.write_failure() {
                return Readiness::NotReady(format!("crawl state: {error}"));
            }
        }
        self.sink.readiness()
    }

    /// Pages in the frontiers of the partitions owned.
    pub fn frontier_len(&self) -> Result<u64, StateError> {
        let mut total = 0;
        for partition in self.owned() {
            total += partition.state.frontier_len()?;
        }
        Ok(total)
    }

    /// Pages the crawl states of the partitions owned know the outcome of.
    pub fn page_count(&self) -> Result<u64, StateError> {
        let mut total = 0;
        for partition in self.owned() {
            total += partition.state.page_count()?;
        }
        Ok(total)
    }

    /// Bytes waiting in the sink's spool (0 without one).
    pub fn spool_bytes(&self) -> u64 {
        self.sink.spool_bytes().unwrap_or(0)
    }
}

/// A wall-clock time in Unix milliseconds.
fn unix_ms(time: std::time::SystemTime) -> i64 {
    let ms = time
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    i64::try_from(ms).unwrap_or(i64::MAX)
}
