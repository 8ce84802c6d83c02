//! The sources: a poller per configured source, started, stopped and kept as SIGHUP
//! reloads change the list, each reading its feed, sitemap, list or section page into the
//! frontier on its own schedule.

use crate::dispatch::now_ms;
use crate::domain::domain_key;
use crate::engine::{EngineError, Reload, Shared};
use crate::journal::{Found, Unit};
use crate::observe::Event;
use crate::partition::Partition;
use crate::polite::{Answer, PoliteError, SitemapRead};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tinstream_crawler::changelog::Entry;
use tinstream_crawler::{
    discover, Conditional, FetchError, Fetched, FrontierEntry, SourceConfig, SourceKind, Validators,
};
use tinstream_parser::{Expect, Extraction};
use tinstream_sink::Backoff;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{info, info_span, warn, Instrument};
use url::Url;

/// URLs a poll adds to the frontier per transaction.
const ENQUEUE_BATCH: usize = 1000;

/// Sitemaps read from one source per poll, at most (indexes can point at thousands).
pub(crate) const MAX_SITEMAPS_PER_POLL: usize = 100;

/// The source pollers: one per configured source whose site is in a partition the engine
/// owns, started and stopped as reloads change the sources and as partitions are assigned and
/// revoked.
pub(crate) struct Pollers {
    shared: Arc<Shared>,
    /// Cancelled when the pollers are all stopped.
    done: CancellationToken,
    once: bool,
    set: JoinSet<()>,
    /// The sources configured now.
    sources: Vec<SourceConfig>,
    /// Each source with a poller, its partition, and the token that stops the poller. With
    /// `once`, a poller that is done stays listed, so that it is not started again.
    running: Vec<(SourceConfig, u32, CancellationToken)>,
}

impl Pollers {
    /// No poller yet (see [`Pollers::reconcile`]); `done` is cancelled once they have all
    /// stopped.
    pub(crate) fn new(
        shared: Arc<Shared>,
        sources: Vec<SourceConfig>,
        done: CancellationToken,
        once: bool,
    ) -> Self {
        Pollers {
            shared,
            done,
            once,
            set: JoinSet::new(),
            sources,
            running: Vec::new(),
        }
    }

    /// Starts a poller for each configured source of a partition owned, and stops those of
    /// sources gone or of partitions given up; sources that did not change keep their poller
    /// (and its schedule). Pages already queued or in flight are not touched. Returns
    /// (started, stopped).
    fn reconcile(&mut self) -> (usize, usize) {
        let owned = self.shared.owned();
        let before = self.running.len();
        let sources = &self.sources;
        self.running.retain(|(source, partition, stop)| {
            // A revoked partition cancelled the token: its source starts again if the
            // partition comes back.
            let keep = sources.contains(source)
                && !stop.is_cancelled()
                && owned.iter().any(|p| p.id == *partition);
            if !keep {
                stop.cancel();
            }
            keep
        });
        let stopped = before - self.running.len();
        let mut started = 0;
        for source in self.sources.clone() {
            if self
                .running
                .iter()
                .any(|(running, _, _)| *running == source)
            {
                continue;
            }
            let id = self.shared.layout.of(&source.url);
            let Some(partition) = owned.iter().find(|p| p.id == id) else {
                continue;
            };
            let stop = partition.revoked.child_token();
            let span = info_span!("source", source = %source.url, kind = ?source.kind);
            let poller = poll_source(
                self.shared.clone(),
                partition.clone(),
                source.clone(),
                self.once,
                stop.clone(),
            );
            // Tracked by its partition, which waits for it when it is revoked.
            let poller = partition.track(poller.instrument(span));
            self.set.spawn(async move {
                poller.await;
            });
            self.running.push((source, id, stop));
            started += 1;
        }
        (started, stopped)
    }
}

/// Owns the pollers: applies reloads, reaps pollers that stopped, and returns when the engine
/// stops (or, with `once`, when every poller is done). Returning tells the dispatcher that
/// discovery is over.
pub(crate) async fn manage_pollers(
    mut pollers: Pollers,
    mut reloads: Option<mpsc::Receiver<Reload>>,
) {
    pollers.reconcile();
    loop {
        let shared = pollers.shared.clone();
        tokio::select! {
            _ = shared.drain.stopping() => break,
            Some(reload) = next_reload(&mut reloads) => {
                let rules = reload.parser.sites().len();
                *shared.parser.write().unwrap_or_else(|e| e.into_inner()) = reload.parser;
                info!(rules, "site rules reloaded");
                pollers.sources = reload.sources;
                let (started, stopped) = pollers.reconcile();
                info!(started, stopped, sources = pollers.running.len(), "sources reloaded");
            }
            _ = shared.ownership_changed.notified() => {
                let (started, stopped) = pollers.reconcile();
                if started + stopped > 0 {
                    info!(started, stopped, sources = pollers.running.len(), "the pollers follow the partitions owned");
                }
            }
            finished = pollers.set.join_next(), if pollers.once || !pollers.set.is_empty() => {
                if finished.is_none() && pollers.once {
                    break;
                }
            }
        }
    }
    for (_, _, stop) in &pollers.running {
        stop.cancel();
    }
    pollers.set.shutdown().await;
    pollers.done.cancel();
}

/// The next reload; never resolves without a channel, or once it is closed.
async fn next_reload(reloads: &mut Option<mpsc::Receiver<Reload>>) -> Option<Reload> {
    match reloads {
        Some(receiver) => match receiver.recv().await {
            Some(reload) => Some(reload),
            None => std::future::pending().await,
        },
        None => std::future::pending().await,
    }
}

/// Reads one source on its interval and adds what it finds to the frontier.
pub(crate) async fn poll_source(
    shared: Arc<Shared>,
    partition: Arc<Partition>,
    source: SourceConfig,
    once: bool,
    stop: CancellationToken,
) {
    // Started from a list of the partitions owned that a revocation may have changed since;
    // then the source is its partition's next owner's to poll.
    if stop.is_cancelled() {
        return;
    }
    let name: Arc<str> = Arc::from(source.url.as_str());
    let (min, max) = source.interval_bounds();
    // The interval the source had reached before a restart, else its configured one.
    let known = name.clone();
    let mut interval = match partition
        .store("reading the poll interval", move |s| {
            s.poll_interval(&known)
        })
        .await
    {
        Ok(Some(secs)) => Duration::from_secs(secs).clamp(min, max),
        _ => source.every,
    };
    loop {
        let discovered = discover_source(&shared, &partition, &source).await;
        let count = discovered.urls.len();
        if discovered.problems > 0 {
            shared.observe(Event::SourceFailed { source: &name });
            shared
                .unread_sources
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(name.to_string());
        }
        let new = match enqueue(&shared, &discovered.urls, &name, &stop).await {
            Some(new) => {
                // Everything listed is in the store: the next poll may be conditional.
                let documents: Vec<(String, Option<Validators>)> =
                    discovered.validators.into_iter().collect();
                let entries = documents
                    .iter()
                    .map(|(url, validators)| Entry::Document {
                        url: url.clone(),
                        validators: validators.clone(),
                    })
                    .collect();
                let recorded = match shared.journal_entries(&partition, entries).await {
                    Ok(()) => {
                        partition
                            .store("recording validators", move |s| {
                                s.record_document_validators(&documents)
                            })
                            .await
                    }
                    Err(error) => Err(error),
                };
                if let Err(error) = recorded {
                    warn!(%error, "cannot record the source's validators");
                }
                new
            }
            // Stopping before the pages found could be kept: the next start polls again.
            None => return,
        };
        interval = source.next_interval(interval, new);
        info!(
            links = count,
            new,
            not_modified = discovered.not_modified,
            next_poll_secs = interval.as_secs(),
            "source polled"
        );
        let at = chrono::Utc::now().timestamp();
        shared.observe(Event::SourcePolled {
            source: &name,
            at,
            new,
        });
        let (polled, secs) = (name.clone(), interval.as_secs());
        let entry = Entry::Poll {
            source: polled.to_string(),
            at,
            interval_secs: secs,
        };
        // When the source's server may be asked next, for a next owner's per-host delay.
        let server = crate::polite::server_of(&source.url);
        let asked = Entry::Host {
            not_before_ms: shared.next_turn_ms(&server),
            server,
        };
        let recorded = match shared.journal_entries(&partition, vec![entry, asked]).await {
            Ok(()) => {
                partition
                    .store("recording the poll", move |s| {
                        s.record_poll(&polled, at, secs)
                    })
                    .await
            }
            Err(error) => Err(error),
        };
        if let Err(error) = recorded {
            warn!(%error, "cannot record the poll time");
        }
        if once {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {},
            _ = stop.cancelled() => return,
        }
    }
}

/// Adds what a poll found to the frontier; the number of new pages, or `None` when the stop
/// came first. A store that cannot take them (a full disk) is tried again with backoff rather
/// than the pages dropped until the next poll, which may be hours away and would see the
/// source as having nothing new. Pages a failed try managed to add are known on the next one
/// and not counted again.
async fn enqueue(
    shared: &Shared,
    found: &[discover::Listed],
    source: &Arc<str>,
    stop: &CancellationToken,
) -> Option<usize> {
    let mut backoff = Backoff::default();
    let mut failing = false;
    loop {
        match shared.enqueue_all(found, source).await {
            Ok(added) => {
                if failing {
                    info!("the source's pages are in the frontier again");
                }
                return Some(added);
            }
            Err(error) => {
                if !failing {
                    warn!(%error, "cannot add the source's pages to the frontier; trying again");
                    failing = true;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff.next_wait()) => {}
            _ = stop.cancelled() => return None,
        }
    }
}

impl Shared {
    /// Adds the pages a source listed to the frontiers of their sites' partitions, a batch
    /// per transaction; pages settled or already in the frontier are skipped. Returns how many
    /// were new.
    async fn enqueue_all(
        &self,
        found: &[discover::Listed],
        source: &Arc<str>,
    ) -> Result<usize, EngineError> {
        if let Some(journal) = self.journal.get() {
            return self.enqueue_found(journal.as_ref(), found, source).await;
        }
        let mut by_partition: BTreeMap<u32, (Arc<Partition>, Vec<&discover::Listed>)> =
            BTreeMap::new();
        let mut unowned = 0;
        for listed in found {
            match self.owner_of(&listed.url) {
                Some(partition) => by_partition
                    .entry(partition.id)
                    .or_insert_with(|| (partition, Vec::new()))
                    .1
                    .push(listed),
                None => unowned += 1,
            }
        }
        if unowned > 0 {
            warn!(
                pages = unowned,
                "the source lists pages of sites in partitions this engine does not own; \
                 they are left to the owners of those partitions"
            );
        }
        let mut new = 0;
        for (partition, pages) in by_partition.into_values() {
            new += self.enqueue_into(&partition, &pages, source).await?;
        }
        Ok(new)
    }

    /// With a journal, the pages a source listed go to the frontier of their site's partition
    /// through it, whoever owns that partition; its owner admits them (see
    /// [`crate::Ownership::admit`]). Pages of partitions owned here that are known already are
    /// left out. Returns how many were handed on.
    async fn enqueue_found(
        &self,
        journal: &dyn crate::Journal,
        found: &[discover::Listed],
        source: &Arc<str>,
    ) -> Result<usize, EngineError> {
        let now = now_ms();
        let mut handed = 0;
        for chunk in found.chunks(ENQUEUE_BATCH) {
            let mut pages = Vec::with_capacity(chunk.len());
            for listed in chunk {
                let key = self.key(&listed.url);
                let owner = self.owner_of(&listed.url);
                if let Some(partition) = &owner {
                    let lookup = vec![key.clone()];
                    let known = partition
                        .store("reading the frontier", move |s| s.known(&lookup))
                        .await?;
                    if known.first().copied().unwrap_or(false) {
                        continue;
                    }
                }
                let due_ms = match &owner {
                    Some(partition) => self.paced_due(partition, &listed.url, now),
                    None => now,
                };
                pages.push(Found {
                    partition: self.layout.of(&listed.url),
                    domain: domain_key(&listed.url).unwrap_or_default(),
                    key,
                    entry: FrontierEntry {
                        url: listed.url.to_string(),
                        source: source.to_string(),
                        due_ms,
                        requeues: 0,
                        recheck: None,
                        hint: listed.hint.clone(),
                    },
                });
            }
            if pages.is_empty() {
                continue;
            }
            handed += pages.len();
            let unit = Unit {
                found: pages,
                ..Unit::default()
            };
            journal.write(unit).await.map_err(EngineError::Journal)?;
        }
        Ok(handed)
    }

    /// With a journal, writes state entries of `partition` there (before they are applied
    /// locally); without one, nothing to do.
    pub(crate) async fn journal_entries(
        &self,
        partition: &Partition,
        entries: Vec<Entry>,
    ) -> Result<(), EngineError> {
        let Some(journal) = self.journal.get() else {
            return Ok(());
        };
        if entries.is_empty() {
            return Ok(());
        }
        let unit = Unit {
            partition: partition.id,
            entries,
            ..Unit::default()
        };
        journal.write(unit).await.map_err(EngineError::Journal)
    }

    /// [`Shared::enqueue_all`] for the pages of one partition.
    async fn enqueue_into(
        &self,
        partition: &Partition,
        found: &[&discover::Listed],
        source: &Arc<str>,
    ) -> Result<usize, EngineError> {
        let now = now_ms();
        let mut new = 0;
        for chunk in found.chunks(ENQUEUE_BATCH) {
            let keys: Vec<String> = chunk.iter().map(|listed| self.key(&listed.url)).collect();
            // Pages known already are left out before pacing, so that they take no place in
            // their server's schedule (the insert checks again, in its own transaction).
            let lookup = keys.clone();
            let known = partition
                .store("reading the frontier", move |s| s.known(&lookup))
                .await?;
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
                        due_ms: self.paced_due(partition, &listed.url, now),
                        requeues: 0,
                        recheck: None,
                        hint: listed.hint.clone(),
                    };
                    (key, entry)
                })
                .collect();
            let limit = self.crawler.max_frontier;
            let added = partition
                .store("adding to the frontier", move |s| {
                    s.add_to_frontier(&entries, limit)
                })
                .await?;
            new += added.new;
            if added.refused > 0 {
                self.observe(Event::FrontierRefused {
                    pages: added.refused,
                });
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
    fn paced_due(&self, partition: &Partition, url: &Url, now: u64) -> u64 {
        let server = format!(
            "{}:{}",
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0)
        );
        let spacing = u64::try_from(self.crawler.per_host_delay.as_millis()).unwrap_or(u64::MAX);
        let mut schedule = partition.schedule.lock().unwrap_or_else(|e| e.into_inner());
        let last = schedule.entry(server).or_insert(0);
        let due = now.max(last.saturating_add(spacing));
        *last = due;
        due
    }
}

/// What one poll of a source found.
#[derive(Default)]
pub(crate) struct Discovered {
    /// The pages it lists.
    urls: Vec<discover::Listed>,
    /// The validators to keep for the documents read, by URL (None: keep none, so the next
    /// read is in full).
    validators: std::collections::HashMap<String, Option<Validators>>,
    /// Documents that answered 304.
    not_modified: usize,
    /// Documents that could not be fetched or read (each logged).
    problems: usize,
}

impl Discovered {
    /// Fetches one document of the source (a feed, a sitemap, a section page), conditionally
    /// when an earlier complete poll left validators for it. None when it is unchanged (304) or
    /// could not be fetched (logged).
    async fn document(
        &mut self,
        shared: &Shared,
        partition: &Partition,
        url: &Url,
        limit: usize,
    ) -> Option<Fetched> {
        self.conditional(partition, url, |known| async move {
            shared.polite_fetch_up_to(url, &known, limit).await
        })
        .await
        .map(|page| *page)
    }

    /// A sitemap of the source, read as [`Discovered::document`] reads a document, but as its
    /// bytes arrive: up to the protocol's 50 MB and 50,000 URLs, past the page size limit.
    async fn sitemap(
        &mut self,
        shared: &Shared,
        partition: &Partition,
        url: &Url,
    ) -> Option<SitemapRead> {
        self.conditional(partition, url, |known| async move {
            shared.polite_sitemap(url, &known).await
        })
        .await
    }

    /// Runs `fetch` with the validators an earlier complete poll left for `url`, keeps the
    /// answer's validators, and counts what happened.
    async fn conditional<T, F, Fut>(
        &mut self,
        partition: &Partition,
        url: &Url,
        fetch: F,
    ) -> Option<T>
    where
        T: Answer,
        F: FnOnce(Validators) -> Fut,
        Fut: std::future::Future<Output = Result<Conditional<T>, PoliteError>>,
    {
        let document = url.to_string();
        let known = partition
            .store("reading validators", move |s| {
                s.document_validators(&document)
            })
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        match fetch(known).await {
            Ok(Conditional::Modified(answer)) => {
                let validators = Some(answer.validators().clone()).filter(|v| !v.is_empty());
                self.validators.insert(url.to_string(), validators);
                Some(answer)
            }
            Ok(Conditional::NotModified) => {
                self.not_modified += 1;
                None
            }
            // Logged once per host where the challenge was seen.
            Err(PoliteError::Blocked(_) | PoliteError::Fetch(FetchError::Blocked { .. })) => {
                self.problems += 1;
                None
            }
            Err(error) => {
                warn!(%error, document = %url, "cannot fetch the source document");
                self.problems += 1;
                None
            }
        }
    }
}

/// The article URLs a source lists now.
pub(crate) async fn discover_source(
    shared: &Shared,
    partition: &Partition,
    source: &SourceConfig,
) -> Discovered {
    let mut found = Discovered::default();
    match source.kind {
        SourceKind::Url => found.urls.push(discover::Listed {
            url: source.url.clone(),
            hint: discover::Hint::named(),
        }),
        SourceKind::List => {
            let limit = shared.crawler.max_body_bytes;
            if let Some(page) = found.document(shared, partition, &source.url, limit).await {
                found.urls = discover::url_list(&page.url, &page.bytes);
            }
        }
        SourceKind::Feed => {
            let limit = discover::MAX_FEED_BYTES;
            if let Some(page) = found.document(shared, partition, &source.url, limit).await {
                match discover::feed_links(&page.url, &page.bytes) {
                    Ok(links) => found.urls = links,
                    Err(error) => {
                        warn!(%error, "cannot read the feed");
                        found.problems += 1;
                    }
                }
            }
        }
        SourceKind::Sitemap => sitemap_urls(shared, partition, &source.url, &mut found).await,
        SourceKind::Section => {
            let limit = shared.crawler.max_body_bytes;
            if let Some(page) = found.document(shared, partition, &source.url, limit).await {
                let section_url = page.url.clone();
                // The operator named a section: whatever its page reads as, its links are
                // what is wanted.
                match shared
                    .parse(page, Default::default(), Expect::Listing)
                    .await
                {
                    Ok(Ok(Extraction::NotArticle(listing))) => {
                        if listing.reads_as_article {
                            // The same page met through a feed would be delivered: the verdict
                            // misjudges this site's listings, which is worth a look.
                            info!("the section page reads as an article on its own");
                            shared.observe(Event::ListingReadAsArticle {
                                host: section_url.host_str().unwrap_or_default(),
                            });
                        }
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
                            .map(|url| discover::Listed {
                                url,
                                hint: Default::default(),
                            })
                            .collect()
                    }
                    Ok(Ok(Extraction::Article(_))) => {
                        // Not given by a parser that honours the expectation of a listing.
                        warn!("the section page was parsed as an article; no links taken");
                        found.problems += 1;
                    }
                    Ok(Err(error)) => {
                        warn!(%error, "cannot parse the section page");
                        found.problems += 1;
                    }
                    Err(error) => {
                        warn!(%error, "the parser panicked on the section page");
                        found.problems += 1;
                    }
                }
            }
        }
    }
    found
}

/// Page URLs of a sitemap, following sitemap indexes; a robots.txt URL stands for all the
/// sitemaps it lists. Indexes are always read in full (an unchanged index can list changed
/// sitemaps); the sitemaps of pages are read conditionally.
pub(crate) async fn sitemap_urls(
    shared: &Shared,
    partition: &Partition,
    url: &Url,
    found: &mut Discovered,
) {
    let mut to_read: Vec<Url> = if url.path().ends_with("/robots.txt") {
        match shared.robots.sitemaps(url).await {
            Ok(list) => list,
            Err(error) => {
                warn!(%error, "cannot read the sitemaps of robots.txt");
                found.problems += 1;
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
        if let Some(read) = found.sitemap(shared, partition, &next).await {
            match read.map {
                Ok(map) => {
                    if let Some(limit) = map.truncated {
                        warn!(sitemap = %next, "the sitemap is {limit}");
                    }
                    if !map.sitemaps.is_empty() {
                        found.validators.insert(next.to_string(), None);
                    }
                    found.urls.extend(map.urls);
                    to_read.extend(map.sitemaps);
                }
                Err(error) => {
                    warn!(%error, sitemap = %next, "cannot read the sitemap");
                    found.problems += 1;
                }
            }
        }
    }
}
