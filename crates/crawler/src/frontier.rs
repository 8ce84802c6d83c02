//! The frontier: the pages the sources found that are not settled yet, kept in the crawl
//! state beside the settled pages.
//!
//! Keeping it on disk does three things. A restart resumes exactly where the crawl stopped,
//! even for items a feed listed only once; memory stays flat however many URLs a sitemap
//! lists; and a page that failed for a transient reason is not forgotten but put back with a
//! later due time. Two tables hold it: `frontier` (the entries, by normalised URL: that is
//! what makes an URL known while it waits or is in flight) and `frontier_due` (the same keys
//! ordered by due time: that is what the dispatcher takes from). Taking removes an entry from
//! the due table only; the entry itself stays until its page is settled, in the same
//! transaction that records the page. After a crash, [`StateStore::restore_frontier`]
//! rebuilds the due table, so the pages that were in flight are taken again.

use crate::discover::Hint;
use crate::fetch::Validators;
use crate::state::{PageState, StateError, StateStore, PAGES};
use redb::{ReadableTable, ReadableTableMetadata};
use serde::{Deserialize, Serialize};

pub(crate) const FRONTIER: redb::TableDefinition<&str, &[u8]> =
    redb::TableDefinition::new("frontier");
pub(crate) const FRONTIER_DUE: redb::TableDefinition<(u64, &str), ()> =
    redb::TableDefinition::new("frontier_due");
/// Content hash of each delivered record → the normalised URL it was delivered under.
pub(crate) const CONTENT: redb::TableDefinition<&str, &str> =
    redb::TableDefinition::new("content_hashes");

/// What became of the pages a source listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Added {
    /// New to the crawl: now in the frontier.
    pub new: usize,
    /// New, but refused because the frontier is full.
    pub refused: usize,
}

/// Entries taken from the frontier by key, and when the next one left is due (Unix ms).
pub type Taken = (Vec<(String, FrontierEntry)>, Option<u64>);

/// A page waiting in the frontier.
///
/// Stored as JSON with one-letter names and without what can be inferred (the URL when it is
/// the key itself, zero counts, no re-check): a frontier of millions of URLs is mostly keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontierEntry {
    /// The URL as the source listed it.
    #[serde(rename = "u", default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// The source that listed it (its URL).
    #[serde(rename = "s")]
    pub source: String,
    /// When it may be fetched (Unix milliseconds).
    #[serde(rename = "d")]
    pub due_ms: u64,
    /// How many times it was put back after a transient failure.
    #[serde(rename = "q", default, skip_serializing_if = "is_zero")]
    pub requeues: u32,
    /// Set when this is a re-check of an article delivered before.
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub recheck: Option<Recheck>,
    /// What the source said of the page (publication time, title), if anything.
    #[serde(rename = "h", default, skip_serializing_if = "Hint::is_empty")]
    pub hint: Hint,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What a re-check of a delivered article needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recheck {
    /// When the article was first delivered (Unix seconds): re-checks stop once the re-check
    /// window has passed since then.
    pub first_delivered: i64,
    /// The wait before this re-check; the next one waits twice as long.
    pub gap_secs: u64,
    /// The validators of the version delivered last, for a conditional fetch.
    #[serde(default)]
    pub validators: Validators,
}

/// One change to the crawl state, written with others in one transaction.
#[derive(Debug, Clone)]
pub enum StateChange {
    /// A page is settled under all its keys (URL as listed, final URL, canonical URL): its
    /// state is recorded, it leaves the frontier, and, when `recheck` is given, it comes back
    /// to the frontier as a re-check under the first key.
    Settle {
        /// Normalised URLs the page is known by; the last one is its canonical address.
        keys: Vec<String>,
        /// What became of it.
        state: PageState,
        /// The next re-check, if any.
        recheck: Option<FrontierEntry>,
    },
    /// A page leaves the frontier without a new state (a re-check that is not wanted any
    /// more, an entry that does not read).
    Unqueue {
        /// Its normalised URL.
        key: String,
    },
    /// A page goes back to the frontier with a later due time.
    Requeue {
        /// Its normalised URL.
        key: String,
        /// The entry with its new due time and count.
        entry: FrontierEntry,
    },
}

/// The stored form of an entry under `key`.
fn encode(key: &str, entry: &FrontierEntry) -> Vec<u8> {
    let bytes = if entry.url == key {
        serde_json::to_vec(&FrontierEntry {
            url: String::new(),
            ..entry.clone()
        })
    } else {
        serde_json::to_vec(entry)
    };
    // A struct of strings and numbers always serialises.
    bytes.unwrap_or_default()
}

/// An entry read back from under `key`.
fn decode(key: &str, bytes: &[u8]) -> Option<FrontierEntry> {
    let mut entry: FrontierEntry = serde_json::from_slice(bytes).ok()?;
    if entry.url.is_empty() {
        entry.url = key.to_string();
    }
    Some(entry)
}

impl StateStore {
    /// Adds pages found by a source, in one transaction. A page already settled or already in
    /// the frontier is skipped (re-check entries are added whatever the page's state); a new
    /// page is refused once the frontier holds `limit` pages, so that no source can make it
    /// grow without bound.
    pub fn add_to_frontier(
        &self,
        entries: &[(String, FrontierEntry)],
        limit: u64,
    ) -> Result<Added, StateError> {
        self.writing(|| {
            let mut added = Added::default();
            if entries.is_empty() {
                return Ok(added);
            }
            let txn = self.db()?.begin_write().map_err(|e| self.error(e))?;
            {
                let pages = txn.open_table(PAGES).map_err(|e| self.error(e))?;
                let mut frontier = txn.open_table(FRONTIER).map_err(|e| self.error(e))?;
                let mut due = txn.open_table(FRONTIER_DUE).map_err(|e| self.error(e))?;
                for (key, entry) in entries {
                    let settled = entry.recheck.is_none()
                        && pages
                            .get(key.as_str())
                            .map_err(|e| self.error(e))?
                            .is_some();
                    if settled
                        || frontier
                            .get(key.as_str())
                            .map_err(|e| self.error(e))?
                            .is_some()
                    {
                        continue;
                    }
                    if frontier.len().map_err(|e| self.error(e))? >= limit {
                        added.refused += 1;
                        continue;
                    }
                    frontier
                        .insert(key.as_str(), encode(key, entry).as_slice())
                        .map_err(|e| self.error(e))?;
                    due.insert((entry.due_ms, key.as_str()), ())
                        .map_err(|e| self.error(e))?;
                    added.new += 1;
                }
            }
            txn.commit().map_err(|e| self.error(e))?;
            Ok(added)
        })
    }

    /// For each key, whether the crawl knows it already: settled, or in the frontier.
    pub fn known(&self, keys: &[String]) -> Result<Vec<bool>, StateError> {
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let pages = txn.open_table(PAGES).map_err(|e| self.error(e))?;
        let frontier = txn.open_table(FRONTIER).map_err(|e| self.error(e))?;
        keys.iter()
            .map(|key| {
                Ok(pages
                    .get(key.as_str())
                    .map_err(|e| self.error(e))?
                    .is_some()
                    || frontier
                        .get(key.as_str())
                        .map_err(|e| self.error(e))?
                        .is_some())
            })
            .collect()
    }

    /// Takes up to `limit` entries due at `now_ms`, earliest first, out of the due order (they
    /// stay in the frontier until settled or requeued). Also returns when the next entry left
    /// is due, if any.
    pub fn take_due(&self, now_ms: u64, limit: usize) -> Result<Taken, StateError> {
        self.writing(|| {
            let mut txn = self.db()?.begin_write().map_err(|e| self.error(e))?;
            // Losing a take in a crash loses nothing: the due order is rebuilt at start.
            txn.set_durability(redb::Durability::None);
            let mut taken = Vec::new();
            let next;
            {
                let frontier = txn.open_table(FRONTIER).map_err(|e| self.error(e))?;
                let mut due = txn.open_table(FRONTIER_DUE).map_err(|e| self.error(e))?;
                let mut keys = Vec::new();
                for item in due.iter().map_err(|e| self.error(e))? {
                    let (k, _) = item.map_err(|e| self.error(e))?;
                    let (at, key) = k.value();
                    if at > now_ms || keys.len() >= limit {
                        break;
                    }
                    keys.push((at, key.to_string()));
                }
                for (at, key) in keys {
                    due.remove((at, key.as_str())).map_err(|e| self.error(e))?;
                    let entry = frontier
                        .get(key.as_str())
                        .map_err(|e| self.error(e))?
                        .and_then(|v| decode(&key, v.value()));
                    // A due key without its entry was settled under another URL meanwhile.
                    if let Some(entry) = entry {
                        taken.push((key, entry));
                    }
                }
                next = due
                    .first()
                    .map_err(|e| self.error(e))?
                    .map(|(k, _)| k.value().0);
            }
            txn.commit().map_err(|e| self.error(e))?;
            Ok((taken, next))
        })
    }

    /// Rebuilds the due order from the frontier's entries: run at start, it brings back the
    /// pages that were taken but not settled when the process stopped. Returns the number of
    /// entries in the frontier.
    pub fn restore_frontier(&self) -> Result<u64, StateError> {
        self.writing(|| {
            let txn = self.db()?.begin_write().map_err(|e| self.error(e))?;
            let count;
            {
                let frontier = txn.open_table(FRONTIER).map_err(|e| self.error(e))?;
                let mut due = txn.open_table(FRONTIER_DUE).map_err(|e| self.error(e))?;
                due.retain(|_, _| false).map_err(|e| self.error(e))?;
                for item in frontier.iter().map_err(|e| self.error(e))? {
                    let (key, value) = item.map_err(|e| self.error(e))?;
                    let at = decode(key.value(), value.value()).map_or(0, |e| e.due_ms);
                    due.insert((at, key.value()), ())
                        .map_err(|e| self.error(e))?;
                }
                count = frontier.len().map_err(|e| self.error(e))?;
            }
            txn.commit().map_err(|e| self.error(e))?;
            Ok(count)
        })
    }

    /// Number of pages in the frontier (waiting, in flight, or scheduled for a re-check).
    pub fn frontier_len(&self) -> Result<u64, StateError> {
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let table = txn.open_table(FRONTIER).map_err(|e| self.error(e))?;
        table.len().map_err(|e| self.error(e))
    }

    /// Pages in the frontier that were found and not settled yet: every entry but the
    /// re-checks of delivered articles. Reads the whole frontier.
    pub fn pending_pages(&self) -> Result<u64, StateError> {
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let table = txn.open_table(FRONTIER).map_err(|e| self.error(e))?;
        let mut pending = 0;
        for item in table.iter().map_err(|e| self.error(e))? {
            let (key, value) = item.map_err(|e| self.error(e))?;
            // An entry that does not decode is dropped when taken: it is no page to wait for.
            if decode(key.value(), value.value()).is_some_and(|e| e.recheck.is_none()) {
                pending += 1;
            }
        }
        Ok(pending)
    }

    /// The frontier entry of a page, if it has one.
    pub fn frontier_entry(&self, key: &str) -> Result<Option<FrontierEntry>, StateError> {
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let table = txn.open_table(FRONTIER).map_err(|e| self.error(e))?;
        Ok(table
            .get(key)
            .map_err(|e| self.error(e))?
            .and_then(|v| decode(key, v.value())))
    }

    /// The normalised URL a record with this content hash was delivered under, if any.
    pub fn content_owner(&self, content_hash: &str) -> Result<Option<String>, StateError> {
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let table = txn.open_table(CONTENT).map_err(|e| self.error(e))?;
        Ok(table
            .get(content_hash)
            .map_err(|e| self.error(e))?
            .map(|v| v.value().to_string()))
    }

    /// Applies several changes in one transaction (one sync).
    pub fn apply(&self, changes: &[StateChange]) -> Result<(), StateError> {
        self.writing(|| {
            if changes.is_empty() {
                return Ok(());
            }
            let txn = self.db()?.begin_write().map_err(|e| self.error(e))?;
            {
                let mut pages = txn.open_table(PAGES).map_err(|e| self.error(e))?;
                let mut frontier = txn.open_table(FRONTIER).map_err(|e| self.error(e))?;
                let mut due = txn.open_table(FRONTIER_DUE).map_err(|e| self.error(e))?;
                let mut content = txn.open_table(CONTENT).map_err(|e| self.error(e))?;
                for change in changes {
                    match change {
                        StateChange::Settle {
                            keys,
                            state,
                            recheck,
                        } => {
                            let bytes = serde_json::to_vec(state).map_err(|e| self.error(e))?;
                            for key in keys {
                                pages
                                    .insert(key.as_str(), bytes.as_slice())
                                    .map_err(|e| self.error(e))?;
                                self.unqueue_in(&mut frontier, &mut due, key)?;
                            }
                            if let (Some(hash), Some(owner)) = (&state.content_hash, keys.last()) {
                                self.claim_content(&mut content, hash, owner)?;
                            }
                            if let (Some(entry), Some(key)) = (recheck, keys.first()) {
                                self.queue_in(&mut frontier, &mut due, key, entry)?;
                            }
                        }
                        StateChange::Unqueue { key } => {
                            self.unqueue_in(&mut frontier, &mut due, key)?
                        }
                        StateChange::Requeue { key, entry } => {
                            self.unqueue_in(&mut frontier, &mut due, key)?;
                            self.queue_in(&mut frontier, &mut due, key, entry)?;
                        }
                    }
                }
            }
            txn.commit().map_err(|e| self.error(e))
        })
    }
}

type FrontierTable<'t> = redb::Table<'t, &'static str, &'static [u8]>;
type DueTable<'t> = redb::Table<'t, (u64, &'static str), ()>;

impl StateStore {
    /// Takes `key` out of the frontier and its due order, within a write transaction.
    pub(crate) fn unqueue_in(
        &self,
        frontier: &mut FrontierTable<'_>,
        due: &mut DueTable<'_>,
        key: &str,
    ) -> Result<(), StateError> {
        let old = frontier
            .remove(key)
            .map_err(|e| self.error(e))?
            .and_then(|v| decode(key, v.value()));
        if let Some(old) = old {
            due.remove((old.due_ms, key)).map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    /// Puts `entry` in the frontier under `key`, in its place in the due order (take the key
    /// out first if it may be there).
    pub(crate) fn queue_in(
        &self,
        frontier: &mut FrontierTable<'_>,
        due: &mut DueTable<'_>,
        key: &str,
        entry: &FrontierEntry,
    ) -> Result<(), StateError> {
        frontier
            .insert(key, encode(key, entry).as_slice())
            .map_err(|e| self.error(e))?;
        due.insert((entry.due_ms, key), ())
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Records `owner` as the page a content hash was first delivered under, unless it has
    /// one.
    pub(crate) fn claim_content(
        &self,
        content: &mut redb::Table<'_, &'static str, &'static str>,
        hash: &str,
        owner: &str,
    ) -> Result<(), StateError> {
        if content.get(hash).map_err(|e| self.error(e))?.is_none() {
            content.insert(hash, owner).map_err(|e| self.error(e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::PageStatus;

    fn entry(url: &str, due_ms: u64) -> (String, FrontierEntry) {
        (
            url.to_string(),
            FrontierEntry {
                url: url.to_string(),
                source: "https://ex.vn/rss".into(),
                due_ms,
                requeues: 0,
                recheck: None,
                hint: Hint::default(),
            },
        )
    }

    fn delivered(hash: &str) -> PageState {
        PageState {
            status: PageStatus::Delivered,
            content_hash: Some(hash.into()),
            reason: None,
            at: 1,
        }
    }

    #[test]
    fn pages_are_taken_in_due_order_once_and_stay_known_until_settled() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        let added = store
            .add_to_frontier(&[entry("b", 20), entry("a", 10), entry("c", 5_000)], 10)
            .unwrap();
        assert_eq!(added.new, 3);
        // Listed again: known.
        assert_eq!(store.add_to_frontier(&[entry("a", 30)], 10).unwrap().new, 0);
        let (taken, next) = store.take_due(100, 10).unwrap();
        let keys: Vec<&str> = taken.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(next, Some(5_000));
        // Taken, not settled: still known, not taken twice.
        assert_eq!(store.add_to_frontier(&[entry("a", 30)], 10).unwrap().new, 0);
        assert!(store.take_due(100, 10).unwrap().0.is_empty());
        store
            .apply(&[StateChange::Settle {
                keys: vec!["a".into(), "a-canonical".into()],
                state: delivered("h1"),
                recheck: None,
            }])
            .unwrap();
        assert_eq!(store.frontier_len().unwrap(), 2);
        assert_eq!(store.add_to_frontier(&[entry("a", 30)], 10).unwrap().new, 0);
        assert_eq!(
            store.content_owner("h1").unwrap().as_deref(),
            Some("a-canonical")
        );
        // "b" was in flight when the process stopped: a restart brings it back.
        let store = {
            drop(store);
            StateStore::open(dir.path()).unwrap()
        };
        assert_eq!(store.restore_frontier().unwrap(), 2);
        let (taken, _) = store.take_due(100, 10).unwrap();
        assert_eq!(taken, vec![entry("b", 20)]);
    }

    #[test]
    fn settling_under_an_alias_removes_a_waiting_entry_and_requeue_delays() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        store
            .add_to_frontier(&[entry("a", 1), entry("a-canonical", 2), entry("x", 3)], 10)
            .unwrap();
        let (taken, _) = store.take_due(1, 1).unwrap();
        assert_eq!(taken[0].0, "a");
        let mut later = entry("x", 500).1;
        later.requeues = 1;
        store
            .apply(&[
                StateChange::Settle {
                    keys: vec!["a".into(), "a-canonical".into()],
                    state: delivered("h"),
                    recheck: None,
                },
                StateChange::Requeue {
                    key: "x".into(),
                    entry: later.clone(),
                },
            ])
            .unwrap();
        let (taken, next) = store.take_due(100, 10).unwrap();
        assert!(taken.is_empty(), "{taken:?}");
        assert_eq!(next, Some(500));
        let (taken, _) = store.take_due(500, 10).unwrap();
        assert_eq!(taken, vec![("x".to_string(), later)]);
    }

    #[test]
    fn a_full_frontier_refuses_new_pages() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        let added = store
            .add_to_frontier(
                &[entry("a", 1), entry("b", 1), entry("c", 1), entry("a", 1)],
                2,
            )
            .unwrap();
        assert_eq!(added, Added { new: 2, refused: 1 });
        assert_eq!(store.frontier_len().unwrap(), 2);
        // Room again once a page is settled.
        store
            .apply(&[StateChange::Settle {
                keys: vec!["a".into()],
                state: delivered("h"),
                recheck: None,
            }])
            .unwrap();
        assert_eq!(store.add_to_frontier(&[entry("c", 1)], 2).unwrap().new, 1);
    }

    #[test]
    fn a_recheck_comes_back_for_a_settled_page() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        let (key, mut recheck) = entry("a", 900);
        recheck.recheck = Some(Recheck {
            first_delivered: 1,
            gap_secs: 60,
            validators: Validators::default(),
        });
        store
            .apply(&[StateChange::Settle {
                keys: vec![key.clone()],
                state: delivered("h"),
                recheck: Some(recheck.clone()),
            }])
            .unwrap();
        assert!(store.page("a").unwrap().is_some());
        assert!(store.take_due(899, 10).unwrap().0.is_empty());
        assert_eq!(store.take_due(900, 10).unwrap().0, vec![(key, recheck)]);
    }
}
