//! The sources: a poller per configured source, started, stopped and kept as SIGHUP
//! reloads change the list, each reading its feed, sitemap, list or section page into the
//! frontier on its own schedule.

use super::*;

/// Sitemaps read from one source per poll, at most (indexes can point at thousands).
pub(super) const MAX_SITEMAPS_PER_POLL: usize = 100;

/// Where to read the configuration again, and the requests to do so (SIGHUP).
pub struct Reload {
    /// The configuration file.
    pub path: std::path::PathBuf,
    /// One message per request.
    pub requests: mpsc::Receiver<()>,
}

/// The running source pollers.
pub(super) struct Pollers {
    shared: Arc<Shared>,
    /// Cancelled when the pollers are all stopped.
    done: CancellationToken,
    once: bool,
    set: JoinSet<()>,
    /// Each running source with the token that stops its poller.
    running: Vec<(SourceConfig, CancellationToken)>,
}

impl Pollers {
    /// No poller yet; `done` is cancelled once they have all stopped.
    pub(super) fn new(shared: Arc<Shared>, done: CancellationToken, once: bool) -> Self {
        Pollers {
            shared,
            done,
            once,
            set: JoinSet::new(),
            running: Vec::new(),
        }
    }

    pub(super) fn start(&mut self, source: SourceConfig) {
        let stop = self.shared.shutdown.child_token();
        let span = info_span!("source", source = %source.url, kind = ?source.kind);
        self.set.spawn(
            poll_source(self.shared.clone(), source.clone(), self.once, stop.clone())
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
/// the service stops (or, with `--once`, when every poller is done). Returning tells the
/// dispatcher that discovery is over.
pub(super) async fn manage_pollers(
    mut pollers: Pollers,
    mut reload: Option<Reload>,
    mut current: Config,
) {
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
    pollers.set.shutdown().await;
    pollers.done.cancel();
}

/// The next reload request's configuration path; never resolves without reloading.
pub(super) async fn next_reload(reload: &mut Option<Reload>) -> Option<std::path::PathBuf> {
    match reload {
        Some(reload) => {
            reload.requests.recv().await?;
            Some(reload.path.clone())
        }
        None => std::future::pending().await,
    }
}

/// Reads one source on its interval and adds what it finds to the frontier.
pub(super) async fn poll_source(
    shared: Arc<Shared>,
    source: SourceConfig,
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
        let discovered = discover_source(&shared, &source).await;
        let count = discovered.urls.len();
        let label = crate::metrics::SourceLabel {
            source: name.to_string(),
        };
        if discovered.problems > 0 {
            shared.metrics.source_failures.get_or_create(&label).inc();
        }
        let new = match enqueue(&shared, &discovered.urls, &name, &stop).await {
            Some(new) => {
                // Everything listed is in the store: the next poll may be conditional.
                let documents: Vec<(String, Option<Validators>)> =
                    discovered.validators.into_iter().collect();
                if let Err(error) = shared.state.record_document_validators(&documents) {
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
        shared
            .metrics
            .source_new_items
            .get_or_create(&label)
            .inc_by(new as u64);
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

/// What one poll of a source found.
#[derive(Default)]
pub(super) struct Discovered {
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
    async fn document(&mut self, shared: &Shared, url: &Url, limit: usize) -> Option<Fetched> {
        self.conditional(shared, url, |known| async move {
            shared.polite_fetch_up_to(url, &known, limit).await
        })
        .await
        .map(|page| *page)
    }

    /// A sitemap of the source, read as [`Discovered::document`] reads a document, but as its
    /// bytes arrive: up to the protocol's 50 MB and 50,000 URLs, past the page size limit.
    async fn sitemap(&mut self, shared: &Shared, url: &Url) -> Option<SitemapRead> {
        self.conditional(shared, url, |known| async move {
            shared.polite_sitemap(url, &known).await
        })
        .await
    }

    /// Runs `fetch` with the validators an earlier complete poll left for `url`, keeps the
    /// answer's validators, and counts what happened.
    async fn conditional<T, F, Fut>(&mut self, shared: &Shared, url: &Url, fetch: F) -> Option<T>
    where
        T: Answer,
        F: FnOnce(Validators) -> Fut,
        Fut: std::future::Future<Output = Result<Conditional<T>, PoliteError>>,
    {
        let known = shared
            .state
            .document_validators(url.as_str())
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
pub(super) async fn discover_source(shared: &Shared, source: &SourceConfig) -> Discovered {
    let mut found = Discovered::default();
    match source.kind {
        SourceKind::Url => found.urls.push(discover::Listed {
            url: source.url.clone(),
            hint: Default::default(),
        }),
        SourceKind::List => {
            let limit = shared.crawler.max_body_bytes;
            if let Some(page) = found.document(shared, &source.url, limit).await {
                found.urls = discover::url_list(&page.url, &page.bytes);
            }
        }
        SourceKind::Feed => {
            let limit = discover::MAX_FEED_BYTES;
            if let Some(page) = found.document(shared, &source.url, limit).await {
                match discover::feed_links(&page.url, &page.bytes) {
                    Ok(links) => found.urls = links,
                    Err(error) => {
                        warn!(%error, "cannot read the feed");
                        found.problems += 1;
                    }
                }
            }
        }
        SourceKind::Sitemap => sitemap_urls(shared, &source.url, &mut found).await,
        SourceKind::Section => {
            let limit = shared.crawler.max_body_bytes;
            if let Some(page) = found.document(shared, &source.url, limit).await {
                let section_url = page.url.clone();
                match shared.parse(page, Default::default()).await {
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
                            .map(|url| discover::Listed {
                                url,
                                hint: Default::default(),
                            })
                            .collect()
                    }
                    Ok(Ok(Extraction::Article(_))) => {
                        warn!("the section page reads as an article; no links taken");
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
pub(super) async fn sitemap_urls(shared: &Shared, url: &Url, found: &mut Discovered) {
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
        if let Some(read) = found.sitemap(shared, &next).await {
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
