//! A page's way through the stages: fetched politely, parsed on the blocking pool, checked
//! against what was delivered already, delivered, and settled. A re-check of a delivered
//! article takes the same way, conditionally, and delivers it again only if it changed.

use crate::deliver::{deliver, ContentClaim, Delivery};
use crate::engine::Shared;
use crate::journal::Output;
use crate::observe::Event;
use crate::partition::Partition;
use crate::polite::PoliteError;
use std::sync::Arc;
use tinstream_crawler::{
    discover, urls, Conditional, FetchError, Fetched, FrontierEntry, PageState, PageStatus,
    Recheck, StateChange, Validators,
};
use tinstream_model::{Article, ArticleTime};
use tinstream_parser::{Expect, Extraction, Hints, Page, ParseError, Parser};
use tinstream_sink::Stage;
use tokio::sync::OwnedSemaphorePermit;
use tracing::{info, warn};
use url::Url;

/// A page taken from the frontier.
#[derive(Clone)]
pub(crate) struct Job {
    /// Its normalised URL, the frontier's key.
    pub(crate) key: String,
    pub(crate) url: Url,
    pub(crate) source: Arc<str>,
    pub(crate) entry: FrontierEntry,
    /// The partition it belongs to.
    pub(crate) partition: Arc<Partition>,
    /// The records and dead letters it produced and whose state is not written yet: with a
    /// journal, they are written together.
    pub(crate) outbox: Arc<std::sync::Mutex<Output>>,
}

/// What became of a page taken from the frontier.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Its state is committed and it left the frontier (or came back as a re-check).
    Settled,
    /// It failed for a transient reason: back to the frontier, due later.
    Retry(String),
    /// The stop came first: it stays in the frontier, for the next start.
    Stopped,
}

/// Runs one page through fetch, parse and deliver. The fetch slot is given back once the
/// record holds a delivery permit.
pub(crate) async fn process(shared: &Shared, job: &Job, slot: OwnedSemaphorePermit) -> Outcome {
    // The dispatcher saw the partition owned when it took the slot, but a revocation on
    // another thread may have waited for the partition's tasks before this one was tracked:
    // the page is then its next owner's, and no request goes to its host from here.
    if job.partition.revoked.is_cancelled() {
        return Outcome::Stopped;
    }
    if let Some(recheck) = &job.entry.recheck {
        return process_recheck(shared, job, recheck, slot).await;
    }
    let page = match shared.polite_fetch(&job.url).await {
        Ok(page) => page,
        Err(PoliteError::Disallowed) => {
            shared.observe(Event::Disallowed);
            info!("disallowed by robots.txt; not fetched");
            let reason = Some("disallowed by robots.txt".to_string());
            let written = shared
                .settle(job, &[&job.url], PageStatus::Disallowed, None, reason, None)
                .await;
            return settled_or_retry(written);
        }
        Err(_) if shared.drain.is_stopping() => return Outcome::Stopped,
        Err(PoliteError::RobotsUnavailable(reason)) => return Outcome::Retry(reason),
        // Logged once per host where the challenge was seen.
        Err(PoliteError::Blocked(reason)) => {
            return settled_or_stopped(
                shared,
                shared
                    .give_up(job, &[&job.url], Stage::Fetch, reason, None)
                    .await,
            );
        }
        Err(PoliteError::Fetch(error @ FetchError::Blocked { .. })) => {
            return settled_or_stopped(
                shared,
                shared
                    .give_up(job, &[&job.url], Stage::Fetch, error.to_string(), None)
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
                shared,
                shared
                    .give_up(job, &[&job.url], Stage::Fetch, error.to_string(), None)
                    .await,
            );
        }
    };

    shared.note_fetch(job);
    let fetched_at = std::time::Instant::now();
    let final_url = page.url.clone();
    let validators = page.validators.clone();
    let record = match parse_counted(shared, page, &job.entry.hint).await {
        Ok(Extraction::Article(record)) => record,
        Ok(Extraction::NotArticle(page)) => {
            // Every page in the frontier was listed as an article (a feed or sitemap item, an
            // article-looking link of a section): one judged otherwise is either a listing a
            // source let through or an article lost, and a host where this grows is worth a look.
            shared.observe(Event::NotArticle {
                host: job.url.host_str().unwrap_or_default(),
                reason: &page.reason,
            });
            info!(reason = %page.reason, "listed as an article, judged not to be one");
            let written = shared
                .settle(
                    job,
                    &[&job.url, &final_url],
                    PageStatus::NotArticle,
                    None,
                    None,
                    None,
                )
                .await;
            return settled_or_retry(written);
        }
        Err(reason) => {
            warn!(%reason, "page could not be parsed");
            return settled_or_stopped(
                shared,
                shared
                    .give_up(job, &[&job.url, &final_url], Stage::Parse, reason, None)
                    .await,
            );
        }
    };
    let canonical = Url::parse(&record.canonical_url).unwrap_or_else(|_| final_url.clone());
    let mine = [&job.url, &final_url, &canonical];
    if let Some(original) = shared.delivered_before(job, &record, &mine).await {
        // The same story under another URL: one record is enough.
        shared.observe(Event::Duplicate);
        info!(same_as = %original, "already delivered under another URL");
        let written = shared
            .settle(
                job,
                &[&job.url, &final_url],
                PageStatus::Delivered,
                Some(record.content_hash.clone()),
                None,
                None,
            )
            .await;
        return settled_or_retry(written);
    }
    let Some(_claim) = ContentClaim::take(shared, &record.content_hash) else {
        return Outcome::Retry("the same content is being delivered under another URL".into());
    };
    let held = match deliver(shared, job, &record, slot, fetched_at).await {
        Delivery::Confirmed(held) => held,
        Delivery::Rejected(reason) => {
            let id = Some(record.id.clone());
            return settled_or_stopped(
                shared,
                shared
                    .give_up(job, &[&job.url, &final_url], Stage::Deliver, reason, id)
                    .await,
            );
        }
        Delivery::Stopped => return Outcome::Stopped,
    };
    let now = chrono::Utc::now().timestamp();
    let recheck = shared.next_recheck(job, now, None, validators);
    let written = shared
        .settle(
            job,
            &[&job.url, &final_url, &canonical],
            PageStatus::Delivered,
            Some(record.content_hash.clone()),
            None,
            recheck,
        )
        .await;
    drop(held);
    settled_or_retry(written)
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
    let key = job.key.clone();
    let read = job
        .partition
        .store("reading the page's state", move |s| s.page(&key));
    let known = match read.await {
        Ok(Some(known)) if known.status == PageStatus::Delivered => known,
        // Expired or settled otherwise since: nothing to compare with.
        _ => {
            let written = shared
                .send(
                    &job.partition,
                    StateChange::Unqueue {
                        key: job.key.clone(),
                    },
                    None,
                    Output::default(),
                )
                .await;
            return settled_or_retry(written);
        }
    };
    let count = |outcome: &'static str| {
        shared.observe(Event::Rechecked { outcome });
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
            let written = shared.settle_state(job, &[&job.url], state, next).await;
            settled_or_retry(written)
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
            let written = shared.settle_state(job, &[&job.url], state, None).await;
            settled_or_retry(written)
        }
    };
    let page = match shared
        .polite_fetch_if_modified(&job.url, &recheck.validators)
        .await
    {
        Ok(Conditional::Modified(page)) => *page,
        Ok(Conditional::NotModified) => return unchanged(recheck.validators.clone()).await,
        Err(_) if shared.drain.is_stopping() => return Outcome::Stopped,
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
    shared.note_fetch(job);
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
    let held = match deliver(shared, job, &record, slot, fetched_at).await {
        Delivery::Confirmed(held) => held,
        Delivery::Rejected(reason) => {
            let id = Some(record.id.clone());
            shared
                .dead_letter(job, &job.url, Stage::Deliver, reason, id)
                .await;
            return unchanged(validators).await;
        }
        Delivery::Stopped => return Outcome::Stopped,
    };
    info!(id = %record.id, "re-check: updated article delivered again");
    let next = shared.next_recheck(job, now, Some(recheck), validators);
    let written = shared
        .settle(
            job,
            &[&job.url],
            PageStatus::Delivered,
            Some(record.content_hash.clone()),
            None,
            next,
        )
        .await;
    drop(held);
    settled_or_retry(written)
}

/// A page given up (dead letter delivered, failure recorded) is settled; one whose dead
/// letter could not be delivered before the stop stays in the frontier.
/// With a journal, a give-up whose outcome could not be written while the engine runs is
/// done again.
fn settled_or_stopped(shared: &Shared, settled: bool) -> Outcome {
    if settled {
        Outcome::Settled
    } else if shared.journal.get().is_some() && !shared.drain.is_stopping() {
        Outcome::Retry("its outcome could not be written".into())
    } else {
        Outcome::Stopped
    }
}

/// A page whose outcome was written is settled; one whose outcome could not be written (a
/// cluster's transaction that aborted) is done again.
fn settled_or_retry(written: bool) -> Outcome {
    if written {
        Outcome::Settled
    } else {
        Outcome::Retry("its outcome could not be written".into())
    }
}

/// Parses on the blocking pool and counts the outcome; a parse error or a parser panic comes
/// back as its reason.
async fn parse_counted(
    shared: &Shared,
    page: Fetched,
    hint: &discover::Hint,
) -> Result<Extraction, String> {
    // A page its source lists as an article (a feed's item, a news sitemap's entry, a URL the
    // operator gave) is expected to be one; other pages are judged on their own.
    let expect = if hint.item {
        Expect::Article
    } else {
        Expect::Unknown
    };
    let parsed = shared.parse(page, hint.clone(), expect).await;
    let outcome = match &parsed {
        Ok(Ok(Extraction::Article(_))) => "article",
        Ok(Ok(Extraction::NotArticle(_))) => "not_article",
        _ => "failed",
    };
    shared.observe(Event::Parsed { outcome });
    match parsed {
        Ok(Ok(extraction)) => Ok(extraction),
        Ok(Err(error)) => Err(error.to_string()),
        // The parser is written not to panic; if it ever does, the page is dead-lettered and
        // the service goes on.
        Err(join_error) => Err(format!("parser panicked: {join_error}")),
    }
}

impl Shared {
    /// With a journal, notes that the page's server was just asked for it, and when it may
    /// be asked next, to be written with the page's state (see
    /// [`crate::journal::Output::turns`]).
    fn note_fetch(&self, job: &Job) {
        if self.journal.get().is_some() {
            let server = crate::polite::server_of(&job.url);
            let turn = self.next_turn_ms(&server);
            let mut outbox = job.outbox.lock().unwrap_or_else(|e| e.into_inner());
            outbox.turns.push((server, turn));
        }
    }

    /// The parser in use (with the site rules of the last load).
    pub(crate) fn parser(&self) -> std::sync::RwLockReadGuard<'_, Parser> {
        self.parser.read().unwrap_or_else(|e| e.into_inner())
    }

    /// A page's key in the crawl state: its normalised URL, with the parameters its site's
    /// rule drops also removed.
    pub(crate) fn key(&self, url: &Url) -> String {
        let parser = self.parser();
        match parser.sites().for_url(url) {
            Some(rule) => urls::normalize_with(url, |name| rule.drops_param(name)).to_string(),
            None => urls::normalize(url).to_string(),
        }
    }

    /// Parses a fetched page on the blocking pool: parsing is CPU work that would stall the
    /// async workers. The outer error is a parser panic, which the caller turns into a dead
    /// letter instead of a stopped service.
    pub(crate) async fn parse(
        &self,
        page: Fetched,
        hint: discover::Hint,
        expect: Expect,
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
                expect,
            };
            parser.parse_with_hints(page_in, hints)
        })
        .await
    }
}

impl Shared {
    /// The URL under which the same story was delivered already, if it was: under its
    /// canonical address, or under any other URL with the same content hash, as the crawl
    /// state of the page's partition (its site's) knows. `mine` are the URLs of the page at
    /// hand.
    async fn delivered_before(&self, job: &Job, record: &Article, mine: &[&Url]) -> Option<String> {
        let mine: Vec<String> = mine.iter().map(|u| self.key(u)).collect();
        let hash = record.content_hash.clone();
        let lookup = job
            .partition
            .store("reading the delivered pages", move |state| {
                let same = |key: &str| -> Result<bool, tinstream_crawler::StateError> {
                    Ok(matches!(
                        state.page(key)?,
                        Some(known) if known.status == PageStatus::Delivered
                            && known.content_hash.as_deref() == Some(hash.as_str())
                    ))
                };
                if let Some(canonical) = mine.last() {
                    if same(canonical)? {
                        return Ok(Some(canonical.clone()));
                    }
                }
                Ok(match state.content_owner(&hash)? {
                    Some(owner) if !mine.contains(&owner) && same(&owner)? => Some(owner),
                    _ => None,
                })
            });
        // A store that cannot be read now: delivered again rather than lost.
        lookup.await.ok().flatten()
    }

    /// The next re-check of a delivered page, if re-checks are on and the window lasts:
    /// the first one `recheck_interval` after the first delivery, each next one twice as far.
    pub(crate) fn next_recheck(
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
