//! The crawl state that survives restarts, in an embedded redb database under `data_dir`.
//!
//! It records what became of each page (delivered, not an article, failed), keyed by the
//! normalised URL, so that a restarted crawl does not fetch done work again. A page is written
//! here only after its record was confirmed by the sink: that ordering is what makes delivery
//! at-least-once across crashes. Writes come in batches, one transaction (and one sync) each.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

pub(crate) const PAGES: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("pages");
pub(crate) const SOURCES: redb::TableDefinition<&str, i64> =
    redb::TableDefinition::new("source_polls");
pub(crate) const SCHEDULES: redb::TableDefinition<&str, u64> =
    redb::TableDefinition::new("source_intervals");
/// The validators (ETag, Last-Modified) of source documents (feeds, sitemaps, section pages).
pub(crate) const DOCUMENTS: redb::TableDefinition<&str, &[u8]> =
    redb::TableDefinition::new("documents");
/// Memory the database may use for its cache. redb's default (1 GiB) would dwarf the rest
/// of the process; the operating system's page cache does the rest.
const CACHE_BYTES: usize = 32 * 1024 * 1024;

/// What became of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageStatus {
    /// Its record was confirmed by the sink.
    Delivered,
    /// It is not an article; it produced no record.
    NotArticle,
    /// It failed for a reason that retrying will not fix, or failed for transient reasons
    /// more times than the retry cap allows (recorded in `reason`).
    Failed,
    /// robots.txt does not allow it; it was not fetched.
    Disallowed,
}

/// The stored state of one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageState {
    /// What became of it.
    pub status: PageStatus,
    /// The record's content hash, for delivered pages.
    pub content_hash: Option<String>,
    /// Why it failed, for failed pages.
    pub reason: Option<String>,
    /// When this state was written (Unix seconds).
    pub at: i64,
}

/// Errors of the state store, naming the database file.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The database could not be opened or used.
    #[error("crawl state {path}: {message}")]
    Store {
        /// The database file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
}

/// The crawl state. Cheap to clone; all clones share one database.
#[derive(Clone)]
pub struct StateStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// The open database; None after a failed write closed it, until the next access opens it.
    db: RwLock<Option<Arc<redb::Database>>>,
    /// Why the last write failed, until one succeeds.
    write_failure: Mutex<Option<String>>,
}

/// Opens (or creates) the database file, with its tables.
fn open_database(path: &Path) -> Result<redb::Database, String> {
    if !path.exists() {
        create_database(path)?;
    }
    let db = builder().create(path).map_err(|e| e.to_string())?;
    create_tables(&db)?;
    Ok(db)
}

/// How the database is opened, the same for a new file and an existing one.
fn builder() -> redb::Builder {
    let mut builder = redb::Builder::new();
    builder.set_cache_size(CACHE_BYTES);
    builder
}

/// Creates the database file whole or not at all. redb sizes a new file and writes its header
/// in steps, the header's magic number last: a process killed between them (a SIGKILL during
/// the first start) leaves a file that every later open refuses as "invalid data", and a
/// service that never starts again. So the file is made under a temporary name, its tables
/// committed, and only then renamed into place; a leftover of an earlier attempt held no
/// state and is made anew.
fn create_database(path: &Path) -> Result<(), String> {
    let partial = path.with_extension("redb.partial");
    match std::fs::remove_file(&partial) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("{}: {e}", partial.display())),
    }
    {
        let db = builder()
            .create(&partial)
            .map_err(|e| format!("{}: {e}", partial.display()))?;
        create_tables(&db)?;
    }
    std::fs::rename(&partial, path).map_err(|e| format!("{}: {e}", partial.display()))?;
    // The rename is durable once the directory that holds it is.
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    Ok(())
}

/// Creates the tables up front, so that reads never meet a missing table.
fn create_tables(db: &redb::Database) -> Result<(), String> {
    let txn = db.begin_write().map_err(|e| e.to_string())?;
    txn.open_table(PAGES).map_err(|e| e.to_string())?;
    txn.open_table(SOURCES).map_err(|e| e.to_string())?;
    txn.open_table(SCHEDULES).map_err(|e| e.to_string())?;
    txn.open_table(DOCUMENTS).map_err(|e| e.to_string())?;
    txn.open_table(crate::frontier::FRONTIER)
        .map_err(|e| e.to_string())?;
    txn.open_table(crate::frontier::FRONTIER_DUE)
        .map_err(|e| e.to_string())?;
    txn.open_table(crate::frontier::CONTENT)
        .map_err(|e| e.to_string())?;
    txn.commit().map_err(|e| e.to_string())
}

impl StateStore {
    /// Opens (or creates) the state database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<StateStore, StateError> {
        let path = data_dir.join("state.redb");
        let err = |message: String| StateError::Store {
            path: path.clone(),
            message,
        };
        std::fs::create_dir_all(data_dir).map_err(|e| err(e.to_string()))?;
        let db = open_database(&path).map_err(err)?;
        let store = StateStore {
            inner: Arc::new(Inner {
                path: path.clone(),
                db: RwLock::new(Some(Arc::new(db))),
                write_failure: Mutex::new(None),
            }),
        };
        Ok(store)
    }

    pub(crate) fn error(&self, e: impl std::fmt::Display) -> StateError {
        StateError::Store {
            path: self.inner.path.clone(),
            message: e.to_string(),
        }
    }

    /// The open database; opened again first if a failed write closed it.
    pub(crate) fn db(&self) -> Result<Arc<redb::Database>, StateError> {
        if let Some(db) = self
            .inner
            .db
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            return Ok(db);
        }
        let mut slot = self.inner.db.write().unwrap_or_else(|e| e.into_inner());
        if let Some(db) = slot.clone() {
            return Ok(db);
        }
        let db = open_database(&self.inner.path)
            .map_err(|e| self.error(format!("cannot open it again after a failed write: {e}")))?;
        let db = Arc::new(db);
        *slot = Some(db.clone());
        Ok(db)
    }

    /// Why the last write failed (a full disk, say), until a write succeeds again: the
    /// service is not ready meanwhile.
    pub fn write_failure(&self) -> Option<StateError> {
        let failure = self
            .inner
            .write_failure
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        failure.as_ref().map(|message| StateError::Store {
            path: self.inner.path.clone(),
            message: message.clone(),
        })
    }

    /// Runs a write and notes how it ended; after a failure, closes the database, to be opened
    /// again by the next access. redb refuses every write after an I/O error ("Previous I/O
    /// error occurred") until it is closed and opened again, so without this a disk that was
    /// full for a moment would stop the crawl state for good.
    pub(crate) fn writing<T>(
        &self,
        write: impl FnOnce() -> Result<T, StateError>,
    ) -> Result<T, StateError> {
        let result = write();
        let failure = result.as_ref().err().map(|e| match e {
            StateError::Store { message, .. } => message.clone(),
        });
        let failed = failure.is_some();
        *self
            .inner
            .write_failure
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = failure;
        if failed {
            self.close();
        }
        result
    }

    /// Closes the database, if nothing else holds it right now (else the next failed write
    /// tries again).
    fn close(&self) {
        let mut slot = self.inner.db.write().unwrap_or_else(|e| e.into_inner());
        if let Some(current) = slot.take() {
            if let Err(in_use) = Arc::try_unwrap(current) {
                *slot = Some(in_use);
            }
        }
    }

    /// The state of one page, by normalised URL.
    pub fn page(&self, url: &str) -> Result<Option<PageState>, StateError> {
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let table = txn.open_table(PAGES).map_err(|e| self.error(e))?;
        let Some(value) = table.get(url).map_err(|e| self.error(e))? else {
            return Ok(None);
        };
        serde_json::from_slice(value.value())
            .map(Some)
            .map_err(|e| self.error(format!("entry for {url}: {e}")))
    }

    /// Writes the states of several pages in one transaction (each page also leaves the
    /// frontier).
    pub fn record_pages(&self, batch: &[(String, PageState)]) -> Result<(), StateError> {
        let changes: Vec<crate::frontier::StateChange> = batch
            .iter()
            .map(|(url, state)| crate::frontier::StateChange::Settle {
                keys: vec![url.clone()],
                state: state.clone(),
                recheck: None,
            })
            .collect();
        self.apply(&changes)
    }

    /// Deletes the pages whose state was written before `cutoff` (Unix seconds), at most
    /// `limit` of them in this one transaction. Returns how many went.
    pub fn expire_pages(&self, cutoff: i64, limit: usize) -> Result<usize, StateError> {
        self.writing(|| {
            use redb::ReadableTable;
            let old: Vec<(String, Option<String>)> = {
                let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
                let table = txn.open_table(PAGES).map_err(|e| self.error(e))?;
                let mut old = Vec::new();
                for entry in table.iter().map_err(|e| self.error(e))? {
                    let (key, value) = entry.map_err(|e| self.error(e))?;
                    // An entry that does not read as a state is old by definition.
                    let (at, hash) = serde_json::from_slice::<PageState>(value.value())
                        .map(|s| (s.at, s.content_hash))
                        .unwrap_or((i64::MIN, None));
                    if at < cutoff {
                        old.push((key.value().to_string(), hash));
                        if old.len() >= limit {
                            break;
                        }
                    }
                }
                old
            };
            if old.is_empty() {
                return Ok(0);
            }
            let txn = self.db()?.begin_write().map_err(|e| self.error(e))?;
            {
                let mut table = txn.open_table(PAGES).map_err(|e| self.error(e))?;
                let mut content = txn
                    .open_table(crate::frontier::CONTENT)
                    .map_err(|e| self.error(e))?;
                for (key, hash) in &old {
                    table.remove(key.as_str()).map_err(|e| self.error(e))?;
                    // The content index forgets the page with it.
                    if let Some(hash) = hash {
                        let owned = content
                            .get(hash.as_str())
                            .map_err(|e| self.error(e))?
                            .is_some_and(|owner| owner.value() == key);
                        if owned {
                            content.remove(hash.as_str()).map_err(|e| self.error(e))?;
                        }
                    }
                }
            }
            txn.commit().map_err(|e| self.error(e))?;
            Ok(old.len())
        })
    }

    /// Number of pages with a recorded state.
    pub fn page_count(&self) -> Result<u64, StateError> {
        use redb::ReadableTableMetadata;
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let table = txn.open_table(PAGES).map_err(|e| self.error(e))?;
        table.len().map_err(|e| self.error(e))
    }

    /// When a source was last polled (Unix seconds).
    pub fn last_poll(&self, source: &str) -> Result<Option<i64>, StateError> {
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let table = txn.open_table(SOURCES).map_err(|e| self.error(e))?;
        Ok(table
            .get(source)
            .map_err(|e| self.error(e))?
            .map(|v| v.value()))
    }

    /// Records that a source was polled at `at` (Unix seconds) and will be polled again
    /// after `interval_secs`.
    pub fn record_poll(&self, source: &str, at: i64, interval_secs: u64) -> Result<(), StateError> {
        self.writing(|| {
            let txn = self.db()?.begin_write().map_err(|e| self.error(e))?;
            {
                let mut table = txn.open_table(SOURCES).map_err(|e| self.error(e))?;
                table.insert(source, at).map_err(|e| self.error(e))?;
                let mut table = txn.open_table(SCHEDULES).map_err(|e| self.error(e))?;
                table
                    .insert(source, interval_secs)
                    .map_err(|e| self.error(e))?;
            }
            txn.commit().map_err(|e| self.error(e))
        })
    }

    /// The poll interval a source had reached (seconds), if it was polled before.
    pub fn poll_interval(&self, source: &str) -> Result<Option<u64>, StateError> {
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let table = txn.open_table(SCHEDULES).map_err(|e| self.error(e))?;
        Ok(table
            .get(source)
            .map_err(|e| self.error(e))?
            .map(|v| v.value()))
    }

    /// The validators a source document had when it was last read in full.
    pub fn document_validators(
        &self,
        url: &str,
    ) -> Result<Option<crate::fetch::Validators>, StateError> {
        let txn = self.db()?.begin_read().map_err(|e| self.error(e))?;
        let table = txn.open_table(DOCUMENTS).map_err(|e| self.error(e))?;
        Ok(table
            .get(url)
            .map_err(|e| self.error(e))?
            .and_then(|v| serde_json::from_slice(v.value()).ok()))
    }

    /// Forgets the validators of every source document, so that the next poll of each reads
    /// it in full.
    pub fn forget_document_validators(&self) -> Result<(), StateError> {
        self.writing(|| {
            let txn = self.db()?.begin_write().map_err(|e| self.error(e))?;
            {
                let mut table = txn.open_table(DOCUMENTS).map_err(|e| self.error(e))?;
                table.retain(|_, _| false).map_err(|e| self.error(e))?;
            }
            txn.commit().map_err(|e| self.error(e))
        })
    }

    /// Replaces the validators of the documents of one poll, in one transaction; documents
    /// mapped to None forget theirs.
    pub fn record_document_validators(
        &self,
        documents: &[(String, Option<crate::fetch::Validators>)],
    ) -> Result<(), StateError> {
        self.writing(|| {
            if documents.is_empty() {
                return Ok(());
            }
            let txn = self.db()?.begin_write().map_err(|e| self.error(e))?;
            {
                let mut table = txn.open_table(DOCUMENTS).map_err(|e| self.error(e))?;
                for (url, validators) in documents {
                    match validators {
                        Some(v) => {
                            let bytes = serde_json::to_vec(v).map_err(|e| self.error(e))?;
                            table
                                .insert(url.as_str(), bytes.as_slice())
                                .map_err(|e| self.error(e))?;
                        }
                        None => {
                            table.remove(url.as_str()).map_err(|e| self.error(e))?;
                        }
                    }
                }
            }
            txn.commit().map_err(|e| self.error(e))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_start_killed_while_creating_the_database_leaves_none_behind() {
        let dir = tempfile::tempdir().unwrap();
        // What redb leaves when the process dies after sizing a new file and before writing
        // its header's magic number: a file of zeros, refused by every later open.
        let cut_short = vec![0u8; 4096];
        std::fs::write(dir.path().join("state.redb"), &cut_short).unwrap();
        let refused = StateStore::open(dir.path())
            .err()
            .expect("the file is refused");
        assert!(
            refused.to_string().contains("state.redb"),
            "the error names the file: {refused}"
        );
        // With the file made under a temporary name first, such a leftover is the temporary
        // file, and the next start makes the database anew.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("state.redb.partial"), &cut_short).unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        store.record_poll("https://ex.vn/rss", 42, 600).unwrap();
        drop(store);
        assert!(!dir.path().join("state.redb.partial").exists());
        let store = StateStore::open(dir.path()).unwrap();
        assert_eq!(store.last_poll("https://ex.vn/rss").unwrap(), Some(42));
    }

    #[test]
    fn pages_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let state = PageState {
            status: PageStatus::Delivered,
            content_hash: Some("abc".into()),
            reason: None,
            at: 1,
        };
        {
            let store = StateStore::open(dir.path()).unwrap();
            assert_eq!(store.page("https://ex.vn/a").unwrap(), None);
            store
                .record_pages(&[("https://ex.vn/a".into(), state.clone())])
                .unwrap();
            store.record_poll("https://ex.vn/rss", 42, 600).unwrap();
        }
        let store = StateStore::open(dir.path()).unwrap();
        assert_eq!(store.page("https://ex.vn/a").unwrap(), Some(state));
        assert_eq!(store.page_count().unwrap(), 1);
        assert_eq!(store.last_poll("https://ex.vn/rss").unwrap(), Some(42));
        assert_eq!(store.poll_interval("https://ex.vn/rss").unwrap(), Some(600));
        assert_eq!(store.poll_interval("https://ex.vn/other").unwrap(), None);
    }

    #[test]
    fn old_pages_expire_and_recent_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        let state = |at| PageState {
            status: PageStatus::Delivered,
            content_hash: Some("h".into()),
            reason: None,
            at,
        };
        let batch: Vec<(String, PageState)> = (0..10)
            .map(|i| {
                (
                    format!("https://ex.vn/{i}"),
                    state(if i < 6 { 100 } else { 1000 }),
                )
            })
            .collect();
        store.record_pages(&batch).unwrap();
        assert_eq!(store.expire_pages(500, 4).unwrap(), 4, "at most the limit");
        assert_eq!(store.expire_pages(500, 100).unwrap(), 2);
        assert_eq!(store.expire_pages(500, 100).unwrap(), 0);
        assert_eq!(store.page_count().unwrap(), 4);
        assert!(store.page("https://ex.vn/9").unwrap().is_some());
        assert!(store.page("https://ex.vn/0").unwrap().is_none());
    }
}
