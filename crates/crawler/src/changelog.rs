//! The crawl state as a changelog, for workers that share a crawl.
//!
//! Every change to the state is a list of [`Entry`]s, each the newest value of one key — a
//! page's state, a frontier entry, a source's last poll, a document's validators — or that
//! key's removal. A compacted Kafka topic of these entries (key → value, a removal being a
//! tombstone) is therefore the state itself: a worker that takes over a partition replays the
//! entries of that partition into its local store, from the offset its store had applied, and
//! has the state the previous owner left. Applying an entry twice changes nothing, so a replay
//! may start early.

use crate::fetch::Validators;
use crate::frontier::{FrontierEntry, StateChange, CONTENT, FRONTIER, FRONTIER_DUE};
use crate::state::{PageState, StateError, StateStore, PAGES};
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

/// The last request to each server (host and port) of the partition, Unix milliseconds.
const HOSTS: redb::TableDefinition<&str, i64> = redb::TableDefinition::new("host_turns");
/// Where the changelog offset a store has applied is kept.
const META: redb::TableDefinition<&str, i64> = redb::TableDefinition::new("changelog");
/// The key of that offset.
const APPLIED: &str = "applied_offset";

/// One key of the crawl state with its newest value, or its removal.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// What became of a page, under one of its normalised URLs.
    Page {
        key: String,
        state: Option<PageState>,
    },
    /// A page waiting in the frontier (or a re-check), under its normalised URL.
    Frontier {
        key: String,
        entry: Option<FrontierEntry>,
    },
    /// A source's last poll and the interval it had reached.
    Poll {
        source: String,
        at: i64,
        interval_secs: u64,
    },
    /// The validators of a source document read in full (none: read it in full next time).
    Document {
        url: String,
        validators: Option<Validators>,
    },
    /// When a server (host and port) may next be asked, in Unix milliseconds: its last
    /// request plus the delay that applied (the per-host delay, or a longer `Crawl-delay`), or
    /// later when it asked to be left alone. A new owner of the partition waits until then.
    Host { server: String, not_before_ms: i64 },
}

/// The stored value of a [`Entry::Poll`].
#[derive(Serialize, Deserialize)]
struct Poll {
    at: i64,
    interval_secs: u64,
}

/// Why bytes from the changelog are not an entry.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    #[error("changelog key {0:?} has no known kind (p/, f/, s/, d/)")]
    Kind(String),
    #[error("changelog key {key:?}: {message}")]
    Value { key: String, message: String },
}

impl Entry {
    /// Its key in the changelog: the kind, a slash, then the page key, source or document.
    pub fn key(&self) -> String {
        match self {
            Entry::Page { key, .. } => format!("p/{key}"),
            Entry::Frontier { key, .. } => format!("f/{key}"),
            Entry::Poll { source, .. } => format!("s/{source}"),
            Entry::Document { url, .. } => format!("d/{url}"),
            Entry::Host { server, .. } => format!("h/{server}"),
        }
    }

    /// Its value in the changelog, JSON; None for a removal (a tombstone).
    pub fn value(&self) -> Option<Vec<u8>> {
        // Structs of strings and numbers always serialise.
        match self {
            Entry::Page { state, .. } => state.as_ref().and_then(|s| serde_json::to_vec(s).ok()),
            Entry::Frontier { entry, .. } => {
                entry.as_ref().and_then(|e| serde_json::to_vec(e).ok())
            }
            Entry::Poll {
                at, interval_secs, ..
            } => serde_json::to_vec(&Poll {
                at: *at,
                interval_secs: *interval_secs,
            })
            .ok(),
            Entry::Document { validators, .. } => {
                validators.as_ref().and_then(|v| serde_json::to_vec(v).ok())
            }
            Entry::Host { not_before_ms, .. } => Some(not_before_ms.to_string().into_bytes()),
        }
    }

    /// The entry a changelog message holds.
    pub fn decode(key: &str, value: Option<&[u8]>) -> Result<Entry, EntryError> {
        let bad = |message: String| EntryError::Value {
            key: key.to_string(),
            message,
        };
        // A value straight from its JSON bytes; a tombstone is None.
        fn parse<T: serde::de::DeserializeOwned>(
            value: Option<&[u8]>,
            bad: impl Fn(String) -> EntryError,
        ) -> Result<Option<T>, EntryError> {
            value
                .map(|v| serde_json::from_slice(v).map_err(|e| bad(e.to_string())))
                .transpose()
        }
        let (kind, rest) = key
            .split_once('/')
            .ok_or_else(|| EntryError::Kind(key.to_string()))?;
        let rest = rest.to_string();
        Ok(match kind {
            "p" => Entry::Page {
                key: rest,
                state: parse(value, bad)?,
            },
            "f" => Entry::Frontier {
                key: rest,
                entry: parse(value, bad)?,
            },
            "s" => {
                let poll: Poll =
                    parse(value, bad)?.ok_or_else(|| bad("a poll cannot be removed".into()))?;
                Entry::Poll {
                    source: rest,
                    at: poll.at,
                    interval_secs: poll.interval_secs,
                }
            }
            "d" => Entry::Document {
                url: rest,
                validators: parse(value, bad)?,
            },
            "h" => Entry::Host {
                server: rest,
                not_before_ms: value
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| bad("a host's next turn is a number of milliseconds".into()))?,
            },
            _ => return Err(EntryError::Kind(key.to_string())),
        })
    }
}

impl StateChange {
    /// The entries that make this change, in the order to apply them.
    pub fn entries(&self) -> Vec<Entry> {
        match self {
            StateChange::Settle {
                keys,
                state,
                recheck,
            } => {
                // The canonical key (the last) first: the content index keeps the first key
                // recorded with a hash, and it must be the canonical one, as in a local store.
                let mut out: Vec<Entry> = keys
                    .iter()
                    .rev()
                    .map(|key| Entry::Page {
                        key: key.clone(),
                        state: Some(state.clone()),
                    })
                    .collect();
                for (i, key) in keys.iter().enumerate() {
                    out.push(Entry::Frontier {
                        key: key.clone(),
                        entry: if i == 0 { recheck.clone() } else { None },
                    });
                }
                out
            }
            StateChange::Unqueue { key } => vec![Entry::Frontier {
                key: key.clone(),
                entry: None,
            }],
            StateChange::Requeue { key, entry } => vec![Entry::Frontier {
                key: key.clone(),
                entry: Some(entry.clone()),
            }],
        }
    }
}

impl StateStore {
    /// Applies changelog entries in one transaction and, with `through`, records that the
    /// changelog is applied up to that offset (included).
    pub fn apply_entries(&self, entries: &[Entry], through: Option<i64>) -> Result<(), StateError> {
        self.writing(|| {
            let txn = self.db()?.begin_write().map_err(|e| self.error(e))?;
            {
                let mut pages = txn.open_table(PAGES).map_err(|e| self.error(e))?;
                let mut frontier = txn.open_table(FRONTIER).map_err(|e| self.error(e))?;
                let mut due = txn.open_table(FRONTIER_DUE).map_err(|e| self.error(e))?;
                let mut content = txn.open_table(CONTENT).map_err(|e| self.error(e))?;
                let mut sources = txn
                    .open_table(crate::state::SOURCES)
                    .map_err(|e| self.error(e))?;
                let mut schedules = txn
                    .open_table(crate::state::SCHEDULES)
                    .map_err(|e| self.error(e))?;
                let mut documents = txn
                    .open_table(crate::state::DOCUMENTS)
                    .map_err(|e| self.error(e))?;
                let mut hosts = txn.open_table(HOSTS).map_err(|e| self.error(e))?;
                for entry in entries {
                    match entry {
                        Entry::Page { key, state } => {
                            let old: Option<PageState> = pages
                                .remove(key.as_str())
                                .map_err(|e| self.error(e))?
                                .and_then(|v| serde_json::from_slice(v.value()).ok());
                            if let Some(hash) = old.and_then(|o| o.content_hash) {
                                let owned = content
                                    .get(hash.as_str())
                                    .map_err(|e| self.error(e))?
                                    .is_some_and(|owner| owner.value() == key);
                                if owned && state.is_none() {
                                    content.remove(hash.as_str()).map_err(|e| self.error(e))?;
                                }
                            }
                            if let Some(state) = state {
                                let bytes = serde_json::to_vec(state).map_err(|e| self.error(e))?;
                                pages
                                    .insert(key.as_str(), bytes.as_slice())
                                    .map_err(|e| self.error(e))?;
                                if let Some(hash) = &state.content_hash {
                                    self.claim_content(&mut content, hash, key)?;
                                }
                            }
                        }
                        Entry::Frontier { key, entry } => {
                            self.unqueue_in(&mut frontier, &mut due, key)?;
                            if let Some(entry) = entry {
                                self.queue_in(&mut frontier, &mut due, key, entry)?;
                            }
                        }
                        Entry::Poll {
                            source,
                            at,
                            interval_secs,
                        } => {
                            sources
                                .insert(source.as_str(), *at)
                                .map_err(|e| self.error(e))?;
                            schedules
                                .insert(source.as_str(), *interval_secs)
                                .map_err(|e| self.error(e))?;
                        }
                        Entry::Host {
                            server,
                            not_before_ms,
                        } => {
                            let later = hosts
                                .get(server.as_str())
                                .map_err(|e| self.error(e))?
                                .is_none_or(|known| known.value() < *not_before_ms);
                            if later {
                                hosts
                                    .insert(server.as_str(), *not_before_ms)
                                    .map_err(|e| self.error(e))?;
                            }
                        }
                        Entry::Document { url, validators } => match validators {
                            Some(v) => {
                                let bytes = serde_json::to_vec(v).map_err(|e| self.error(e))?;
                                documents
                                    .insert(url.as_str(), bytes.as_slice())
                                    .map_err(|e| self.error(e))?;
                            }
                            None => {
                                documents.remove(url.as_str()).map_err(|e| self.error(e))?;
                            }
                        },
                    }
                }
                if let Some(offset) = through {
                    let mut meta = txn.open_table(META).map_err(|e| self.error(e))?;
                    meta.insert(APPLIED, offset).map_err(|e| self.error(e))?;
                }
            }
            txn.commit().map_err(|e| self.error(e))
        })
    }

    /// When each server may next be asked, as the changelog recorded it (Unix milliseconds):
    /// the pacing a previous owner of the partition leaves to the next.
    pub fn host_turns(&self) -> Result<Vec<(String, i64)>, StateError> {
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let table = match txn.open_table(HOSTS) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(self.error(e)),
        };
        let mut out = Vec::new();
        for item in table.iter().map_err(|e| self.error(e))? {
            let (server, at) = item.map_err(|e| self.error(e))?;
            out.push((server.value().to_string(), at.value()));
        }
        Ok(out)
    }

    /// The changelog offset this store has applied up to (included), if it applied any.
    pub fn changelog_offset(&self) -> Result<Option<i64>, StateError> {
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let table = match txn.open_table(META) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(self.error(e)),
        };
        Ok(table
            .get(APPLIED)
            .map_err(|e| self.error(e))?
            .map(|v| v.value()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::Hint;
    use crate::frontier::Recheck;
    use crate::state::PageStatus;

    fn entry(url: &str, due_ms: u64) -> FrontierEntry {
        FrontierEntry {
            url: url.to_string(),
            source: "https://ex.vn/rss".into(),
            due_ms,
            requeues: 0,
            recheck: None,
            hint: Hint {
                published: Some("2026-11-30T08:00:00+07:00".into()),
                title: Some("Tin".into()),
                item: true,
            },
        }
    }

    fn state(status: PageStatus, hash: Option<&str>) -> PageState {
        PageState {
            status,
            content_hash: hash.map(String::from),
            reason: None,
            at: 7,
        }
    }

    /// The same history two ways: into one store through its local calls, into another as
    /// changelog entries (each passed through its key and value bytes, as a topic carries
    /// them). Both must answer alike.
    #[test]
    fn replaying_the_changelog_gives_the_state_the_local_calls_give() {
        let dir = tempfile::tempdir().unwrap();
        let local = StateStore::open(&dir.path().join("local")).unwrap();
        let replayed = StateStore::open(&dir.path().join("replayed")).unwrap();
        let mut log: Vec<Entry> = Vec::new();

        let found = [("a", 30), ("b", 10), ("c", 20), ("d", 40)];
        let entries: Vec<(String, FrontierEntry)> = found
            .iter()
            .map(|(k, due)| (k.to_string(), entry(&format!("https://ex.vn/{k}"), *due)))
            .collect();
        local.add_to_frontier(&entries, 100).unwrap();
        log.extend(entries.iter().map(|(key, e)| Entry::Frontier {
            key: key.clone(),
            entry: Some(e.clone()),
        }));
        let recheck = FrontierEntry {
            recheck: Some(Recheck {
                first_delivered: 7,
                gap_secs: 3600,
                validators: Validators {
                    etag: Some("\"v1\"".into()),
                    last_modified: None,
                },
            }),
            due_ms: 99_000,
            ..entry("https://ex.vn/a", 0)
        };
        let changes = [
            StateChange::Settle {
                keys: vec!["a".into(), "a-final".into(), "a-canonical".into()],
                state: state(PageStatus::Delivered, Some("h1")),
                recheck: Some(recheck),
            },
            StateChange::Settle {
                keys: vec!["b".into()],
                state: state(PageStatus::NotArticle, None),
                recheck: None,
            },
            StateChange::Requeue {
                key: "c".into(),
                entry: FrontierEntry {
                    requeues: 1,
                    due_ms: 50,
                    ..entry("https://ex.vn/c", 0)
                },
            },
            StateChange::Unqueue { key: "d".into() },
            // The same story under another URL: the content stays owned by the first.
            StateChange::Settle {
                keys: vec!["e".into()],
                state: state(PageStatus::Delivered, Some("h1")),
                recheck: None,
            },
        ];
        local.apply(&changes).unwrap();
        log.extend(changes.iter().flat_map(|c| c.entries()));
        let validators = Validators {
            etag: None,
            last_modified: Some("Mon, 30 Nov 2026 01:00:00 GMT".into()),
        };
        local.record_poll("https://ex.vn/rss", 1_700, 600).unwrap();
        local
            .record_document_validators(&[("https://ex.vn/rss".into(), Some(validators.clone()))])
            .unwrap();
        log.push(Entry::Poll {
            source: "https://ex.vn/rss".into(),
            at: 1_700,
            interval_secs: 600,
        });
        log.push(Entry::Document {
            url: "https://ex.vn/rss".into(),
            validators: Some(validators),
        });

        // Through the bytes a topic holds; applied twice, as a replay that starts early does.
        let carried: Vec<Entry> = log
            .iter()
            .map(|e| Entry::decode(&e.key(), e.value().as_deref()).unwrap())
            .collect();
        assert_eq!(carried, log);
        replayed.apply_entries(&carried, Some(41)).unwrap();
        replayed.apply_entries(&carried, Some(41)).unwrap();
        assert_eq!(replayed.changelog_offset().unwrap(), Some(41));
        assert_eq!(local.changelog_offset().unwrap(), None);

        for key in ["a", "a-final", "a-canonical", "b", "c", "d", "e", "x"] {
            assert_eq!(
                replayed.page(key).unwrap(),
                local.page(key).unwrap(),
                "{key}"
            );
            assert_eq!(
                replayed.frontier_entry(key).unwrap(),
                local.frontier_entry(key).unwrap(),
                "{key}"
            );
        }
        assert_eq!(
            replayed.content_owner("h1").unwrap().as_deref(),
            Some("a-canonical")
        );
        assert_eq!(
            local.content_owner("h1").unwrap().as_deref(),
            Some("a-canonical")
        );
        assert_eq!(
            replayed.frontier_len().unwrap(),
            local.frontier_len().unwrap()
        );
        assert_eq!(
            replayed.pending_pages().unwrap(),
            local.pending_pages().unwrap()
        );
        let source = "https://ex.vn/rss";
        assert_eq!(replayed.poll_interval(source).unwrap(), Some(600));
        assert_eq!(replayed.last_poll(source).unwrap(), Some(1_700));
        assert_eq!(
            replayed.document_validators(source).unwrap(),
            local.document_validators(source).unwrap()
        );
        // The due order too: c (requeued to 50), then the re-check of a.
        let (taken, _) = replayed.take_due(100_000, 10).unwrap();
        let (expected, _) = local.take_due(100_000, 10).unwrap();
        assert_eq!(taken, expected);
        let keys: Vec<&str> = taken.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["c", "a"]);
    }

    #[test]
    fn removals_forget_the_key_and_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        let page = |state| Entry::Page {
            key: "a".into(),
            state,
        };
        store
            .apply_entries(&[page(Some(state(PageStatus::Delivered, Some("h"))))], None)
            .unwrap();
        assert_eq!(store.content_owner("h").unwrap().as_deref(), Some("a"));
        let tombstone = page(None);
        assert_eq!(tombstone.value(), None);
        store.apply_entries(&[tombstone], Some(3)).unwrap();
        assert_eq!(store.page("a").unwrap(), None);
        assert_eq!(store.content_owner("h").unwrap(), None);
        assert_eq!(store.changelog_offset().unwrap(), Some(3));
    }

    #[test]
    fn the_latest_turn_of_a_host_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        assert!(store.host_turns().unwrap().is_empty());
        let host = |not_before_ms| Entry::Host {
            server: "ex.vn:443".into(),
            not_before_ms,
        };
        let carried = |e: Entry| Entry::decode(&e.key(), e.value().as_deref()).unwrap();
        // A replay may bring an older entry after a newer one: the newer stands.
        store
            .apply_entries(&[carried(host(2_000)), carried(host(1_000))], None)
            .unwrap();
        assert_eq!(
            store.host_turns().unwrap(),
            [("ex.vn:443".to_string(), 2_000)]
        );
        assert!(Entry::decode("h/ex.vn:443", Some(b"soon")).is_err());
    }

    #[test]
    fn bytes_that_are_no_entry_are_named() {
        let error = Entry::decode("q/x", Some(b"{}")).unwrap_err();
        assert!(error.to_string().contains("\"q/x\""), "{error}");
        let error = Entry::decode("p/https://ex.vn/a", Some(b"not json")).unwrap_err();
        assert!(error.to_string().contains("p/https://ex.vn/a"), "{error}");
        assert!(Entry::decode("s/https://ex.vn/rss", None).is_err());
        assert!(Entry::decode("nokind", None).is_err());
        // A key with slashes keeps them after the kind.
        let decoded = Entry::decode("f/https://ex.vn/a/b", None).unwrap();
        assert_eq!(
            decoded,
            Entry::Frontier {
                key: "https://ex.vn/a/b".into(),
                entry: None
            }
        );
    }
}
