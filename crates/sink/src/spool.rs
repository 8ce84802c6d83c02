//! The on-disk spool: a write-ahead buffer of segment files between the pipeline and the
//! destination, so that an outage of hours costs disk, not memory, and loses nothing.
//!
//! One writer task appends entries (records and dead letters, one JSON object per line) to
//! the current segment and syncs once per batch (group commit); each caller is answered after
//! the sync that covers its line, and only then does the pipeline mark the page done. The
//! writer starts a new segment when the current one reaches `segment_bytes`.
//!
//! One forwarder task reads the segments in order, up to what the writer has synced, and
//! hands each chunk of entries to the destination once its last probe found it able to take
//! them (for Kafka: both topics there, every partition with a leader), retrying transient failures for as long as
//! it takes and dead-lettering what the destination rejects. After each confirmed chunk it
//! saves its position (the `cursor` file); a closed segment whose entries are all confirmed
//! is deleted. After a crash, forwarding resumes at the saved position, so at most one chunk
//! is sent twice.
//!
//! When the segments reach `max_bytes`, appending waits for the forwarder to free space:
//! backpressure, as with `max_in_flight`, but after far more records.
//!
//! Order: entries are handed over in spool order, and the idempotent producer keeps that order
//! per partition. The one exception is an entry whose delivery report failed (librdkafka gave
//! up after `delivery_timeout`) and is sent again while later entries of its chunk went
//! through; two versions of one article in one chunk could then arrive swapped. Consumers that
//! keep the latest version should compare `modified_at` or `fetched_at`.

use crate::append::AppendFile;
use crate::health::Health;
use crate::{DeadLetter, DeliveryError, Destination, Readiness, SinkError, SpoolConfig, Stage};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tinstream_model::Article;
use tokio::io::AsyncWriteExt;
use tokio::sync::{mpsc, oneshot, watch, Notify};

/// Entries written per sync, at most.
const MAX_BATCH: usize = 1024;
/// Entries handed to the destination together, at most; also the most a crash can make the
/// forwarder send twice.
const CHUNK: usize = 256;
/// Wait before reading the spool again after a read error.
const REREAD_AFTER: Duration = Duration::from_secs(15);
/// Name of the file holding the forwarder's position.
const CURSOR: &str = "cursor";

/// One line of the spool.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub(crate) enum Entry {
    /// A record for the destination.
    Record(Box<Article>),
    /// A dead letter for the destination.
    DeadLetter(DeadLetter),
}

/// A place in the spool: a segment and a byte offset in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Position {
    segment: u64,
    offset: u64,
}

struct Append {
    line: Vec<u8>,
    ack: oneshot::Sender<Result<(), String>>,
}

/// What the writer, the forwarder and the callers share.
struct Shared {
    dir: PathBuf,
    max_bytes: u64,
    /// Bytes in segment files.
    bytes: AtomicU64,
    /// Woken when the forwarder deletes a segment.
    freed: Notify,
    /// Not ready while a write fails.
    health: Health,
}

/// The spool in front of one destination.
pub(crate) struct Spool {
    appends: mpsc::Sender<Append>,
    shared: Arc<Shared>,
    destination: Arc<Destination>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Spool {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn segment_path(dir: &Path, segment: u64) -> PathBuf {
    dir.join(format!("{segment:016}.spool"))
}

impl Spool {
    /// Opens the spool folder, forwarding whatever an earlier run left in it first.
    pub(crate) async fn open(
        config: &SpoolConfig,
        destination: Arc<Destination>,
    ) -> Result<Spool, SinkError> {
        let dir = config.path.clone();
        let err = |source| SinkError::File {
            path: dir.display().to_string(),
            source,
        };
        tokio::fs::create_dir_all(&dir).await.map_err(err)?;
        // Segments an earlier run left, oldest first.
        let mut existing = Vec::new();
        let mut bytes = 0;
        let mut entries = tokio::fs::read_dir(&dir).await.map_err(err)?;
        while let Some(entry) = entries.next_entry().await.map_err(err)? {
            let name = entry.file_name();
            let Some(seq) = name
                .to_str()
                .and_then(|n| n.strip_suffix(".spool"))
                .and_then(|n| n.parse::<u64>().ok())
            else {
                continue;
            };
            bytes += entry.metadata().await.map_err(err)?.len();
            existing.push(seq);
        }
        existing.sort_unstable();
        // This run writes to a new segment after all of them.
        let first_new = existing.last().map_or(1, |last| last + 1);
        let start = match read_cursor(&dir).await {
            Some(cursor) if existing.contains(&cursor.segment) => cursor,
            _ => Position {
                segment: existing.first().copied().unwrap_or(first_new),
                offset: 0,
            },
        };
        if bytes > 0 {
            tracing::info!(path = %dir.display(), bytes, segments = existing.len(), "forwarding what the spool holds from an earlier run");
        }
        let shared = Arc::new(Shared {
            dir: dir.clone(),
            max_bytes: config.max_bytes,
            bytes: AtomicU64::new(bytes),
            freed: Notify::new(),
            health: Health::ready(),
        });
        let file = open_segment(&dir, first_new).await?;
        let (appends, appends_rx) = mpsc::channel(MAX_BATCH);
        let (synced, synced_rx) = watch::channel(Position {
            segment: first_new,
            offset: 0,
        });
        let writer = tokio::spawn(write_loop(
            shared.clone(),
            appends_rx,
            file,
            synced,
            config.segment_bytes,
        ));
        let forwarder = tokio::spawn(forward_loop(
            shared.clone(),
            destination.clone(),
            synced_rx,
            start,
        ));
        Ok(Spool {
            appends,
            shared,
            destination,
            tasks: vec![writer, forwarder],
        })
    }

    /// Bytes waiting in the spool.
    pub(crate) fn bytes(&self) -> u64 {
        self.shared.bytes.load(Ordering::Relaxed)
    }

    /// Ready while the spool can take entries; when it is full, the destination's state says
    /// why.
    pub(crate) fn readiness(&self) -> Readiness {
        if let Readiness::NotReady(reason) = self.shared.health.readiness() {
            return Readiness::NotReady(format!("spool: {reason}"));
        }
        if self.bytes() >= self.shared.max_bytes {
            let why = match self.destination.readiness() {
                Readiness::NotReady(reason) => reason,
                Readiness::Ready => "the destination is slower than the crawl".into(),
            };
            return Readiness::NotReady(format!("spool full: {why}"));
        }
        Readiness::Ready
    }

    /// Appends one entry; resolves once it is synced to disk. Waits while the spool is full.
    pub(crate) async fn append(&self, entry: &Entry) -> Result<(), DeliveryError> {
        let mut line =
            serde_json::to_vec(entry).map_err(|e| DeliveryError::Rejected(e.to_string()))?;
        line.push(b'\n');
        loop {
            let freed = self.shared.freed.notified();
            tokio::pin!(freed);
            // Register before looking, so that a deletion between the look and the wait
            // still wakes this caller.
            freed.as_mut().enable();
            if self.bytes() < self.shared.max_bytes {
                break;
            }
            freed.await;
        }
        let (ack, answer) = oneshot::channel();
        self.appends
            .send(Append { line, ack })
            .await
            .map_err(|_| DeliveryError::Unavailable("the spool writer stopped".into()))?;
        answer
            .await
            .map_err(|_| DeliveryError::Unavailable("the spool writer stopped".into()))?
            .map_err(DeliveryError::Unavailable)
    }
}

async fn open_segment(dir: &Path, segment: u64) -> Result<AppendFile, SinkError> {
    let path = segment_path(dir, segment);
    let err = |source| SinkError::File {
        path: path.display().to_string(),
        source,
    };
    let file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .await
        .map_err(err)?;
    // The new name must survive a crash too, not only the bytes written under it.
    tokio::fs::File::open(dir)
        .await
        .map_err(err)?
        .sync_all()
        .await
        .map_err(err)?;
    AppendFile::new(file).await.map_err(err)
}

async fn read_cursor(dir: &Path) -> Option<Position> {
    let text = tokio::fs::read(dir.join(CURSOR)).await.ok()?;
    serde_json::from_slice(&text).ok()
}

/// One line of a segment, its line break included: the entry, or why not (None: a line cut
/// short by a crash before its sync, with no line break).
fn read_line(line: &[u8]) -> Result<Entry, Option<serde_json::Error>> {
    if line.last() != Some(&b'\n') {
        return Err(None);
    }
    serde_json::from_slice::<Entry>(line).map_err(Some)
}

/// Reads `bytes` as the spool's files are read: lines of a segment, and a cursor. Returns the
/// entries read. For the fuzz target and the property tests: whatever the bytes, no panic.
#[doc(hidden)]
pub fn read_spool_bytes(bytes: &[u8]) -> usize {
    let _ = serde_json::from_slice::<Position>(bytes);
    bytes
        .split_inclusive(|b| *b == b'\n')
        .filter(|line| read_line(line).is_ok())
        .count()
}

/// Saves the forwarder's position: written to a temporary file, synced, then renamed over
/// the old one, so that a crash leaves either the old position or the new one.
async fn save_cursor(dir: &Path, position: Position) -> std::io::Result<()> {
    let tmp = dir.join(format!("{CURSOR}.tmp"));
    let mut file = tokio::fs::File::create(&tmp).await?;
    file.write_all(&serde_json::to_vec(&position).unwrap_or_default())
        .await?;
    file.sync_data().await?;
    tokio::fs::rename(&tmp, dir.join(CURSOR)).await
}

/// Appends batches, syncs, answers, and publishes how far the current segment is synced.
async fn write_loop(
    shared: Arc<Shared>,
    mut appends: mpsc::Receiver<Append>,
    mut file: AppendFile,
    synced: watch::Sender<Position>,
    segment_bytes: u64,
) {
    let mut position = *synced.borrow();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while appends.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut buf = Vec::new();
        for append in &batch {
            buf.extend_from_slice(&append.line);
        }
        let size = buf.len() as u64;
        // Synced, or cut back out of the file: the callers are told it failed, and the
        // forwarder must not send any part of it.
        let result = match file.append(buf).await {
            Ok(()) => {
                position.offset += size;
                shared.bytes.fetch_add(size, Ordering::Relaxed);
                shared.health.delivered();
                synced.send_replace(position);
                Ok(())
            }
            Err(error) => {
                let path = segment_path(&shared.dir, position.segment);
                let reason = format!("{}: {error}", path.display());
                tracing::error!(%reason, "writing to the spool failed");
                shared.health.delivery_failed(reason.clone());
                Err(reason)
            }
        };
        for append in batch.drain(..) {
            let _ = append.ack.send(result.clone());
        }
        if position.offset >= segment_bytes {
            match open_segment(&shared.dir, position.segment + 1).await {
                Ok(next) => {
                    file = next;
                    position = Position {
                        segment: position.segment + 1,
                        offset: 0,
                    };
                    synced.send_replace(position);
                }
                Err(error) => {
                    tracing::error!(%error, "cannot start a new spool segment; writing on to the current one")
                }
            }
        }
    }
}

/// Sends the spool to the destination in order, for as long as the spool is open.
async fn forward_loop(
    shared: Arc<Shared>,
    destination: Arc<Destination>,
    mut synced: watch::Receiver<Position>,
    mut next: Position,
) {
    loop {
        let writing = *synced.borrow_and_update();
        let path = segment_path(&shared.dir, next.segment);
        let closed = next.segment < writing.segment;
        let end = if closed {
            match tokio::fs::metadata(&path).await {
                Ok(meta) => meta.len(),
                Err(_) => {
                    // Already deleted (or never there): on to the next segment.
                    next = Position {
                        segment: next.segment + 1,
                        offset: 0,
                    };
                    continue;
                }
            }
        } else {
            writing.offset
        };
        if next.offset < end {
            // Hold the spool back until the destination is seen able to take it: a broker
            // that just came up may have topics without leaders yet, and records handed to
            // the producer then can wait out its whole message timeout.
            destination.reachable().await;
            match forward_range(&shared, &destination, &path, next, end).await {
                Ok(reached) => next = reached,
                Err(error) => {
                    tracing::error!(path = %path.display(), %error, "cannot read the spool; retrying");
                    tokio::time::sleep(REREAD_AFTER).await;
                    continue;
                }
            }
            continue;
        }
        if closed {
            // Every entry of this closed segment is confirmed: delete it, free its space.
            if tokio::fs::remove_file(&path).await.is_ok() {
                let _ = shared
                    .bytes
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                        Some(b.saturating_sub(end))
                    });
                shared.freed.notify_waiters();
            }
            next = Position {
                segment: next.segment + 1,
                offset: 0,
            };
            if let Err(error) = save_cursor(&shared.dir, next).await {
                tracing::warn!(%error, "cannot save the spool position");
            }
            continue;
        }
        // Caught up with the writer: wait for more.
        if synced.changed().await.is_err() {
            return;
        }
    }
}

/// Forwards the entries of `path` between `from` and `end`, a chunk at a time, saving the
/// position after each confirmed chunk. Returns the position reached.
async fn forward_range(
    shared: &Shared,
    destination: &Destination,
    path: &Path,
    from: Position,
    end: u64,
) -> std::io::Result<Position> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut file = tokio::fs::File::open(path).await?;
    file.seek(std::io::SeekFrom::Start(from.offset)).await?;
    let mut bytes = Vec::with_capacity((end - from.offset) as usize);
    (&mut file)
        .take(end - from.offset)
        .read_to_end(&mut bytes)
        .await?;
    let mut position = from;
    let mut lines = bytes.split_inclusive(|b| *b == b'\n').peekable();
    while lines.peek().is_some() {
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut chunk_bytes = 0u64;
        for line in lines.by_ref().take(CHUNK) {
            chunk_bytes += line.len() as u64;
            match read_line(line) {
                Ok(entry) => chunk.push(entry),
                // Its caller was never told it was written, so its page is done again.
                Err(None) => {
                    tracing::warn!(path = %path.display(), "skipping a partial spool line")
                }
                Err(Some(error)) => {
                    tracing::error!(path = %path.display(), %error, "skipping an unreadable spool line")
                }
            }
        }
        futures::future::join_all(chunk.iter().map(|entry| forward(destination, entry))).await;
        position.offset += chunk_bytes;
        if let Err(error) = save_cursor(&shared.dir, position).await {
            tracing::warn!(%error, "cannot save the spool position");
        }
    }
    Ok(position)
}

/// Hands one entry to the destination until it is confirmed; a rejected record becomes a
/// dead letter.
async fn forward(destination: &Destination, entry: &Entry) {
    let mut backoff = crate::Backoff::default();
    let mut failed_before = false;
    loop {
        let outcome = match entry {
            Entry::Record(record) => match destination.deliver(record).await {
                Err(DeliveryError::Rejected(reason)) => {
                    tracing::warn!(url = %record.url, %reason, "the destination rejected a spooled record");
                    let letter = DeadLetter {
                        url: record.url.clone(),
                        stage: Stage::Deliver,
                        reason,
                        at: chrono::Utc::now(),
                        record_id: Some(record.id.clone()),
                    };
                    Box::pin(forward(destination, &Entry::DeadLetter(letter))).await;
                    return;
                }
                other => other,
            },
            Entry::DeadLetter(letter) => destination.dead_letter(letter).await,
        };
        match outcome {
            Ok(()) => return,
            Err(DeliveryError::Rejected(reason)) => {
                tracing::error!(%reason, "the destination rejected a dead letter; dropped from the spool");
                return;
            }
            Err(DeliveryError::Unavailable(reason)) => {
                let wait = backoff.next_wait();
                // The first failure of an entry says why the spool is not draining; its
                // retries would repeat it.
                if failed_before {
                    tracing::debug!(%reason, wait_ms = wait.as_millis() as u64, "forwarding from the spool failed; retrying");
                } else {
                    tracing::warn!(%reason, wait_ms = wait.as_millis() as u64, "forwarding from the spool failed; retrying");
                    failed_before = true;
                }
                tokio::time::sleep(wait).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{JsonlConfig, JsonlSink};
    use tinstream_model::{article_id, SCHEMA_VERSION};

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Whatever a crash or a disk left in a segment, reading it back panics on nothing:
        /// good lines among the garbage are read, the garbage skipped.
        #[test]
        fn any_bytes_read_back_without_a_panic(
            garbage in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
            at in 0usize..2048,
        ) {
            let _ = read_spool_bytes(&garbage);
            let good = serde_json::to_vec(&Entry::Record(Box::new(record(1)))).unwrap();
            let mut segment = garbage.clone();
            segment.push(b'\n');
            segment.extend_from_slice(&good);
            segment.push(b'\n');
            // The good line is read whatever comes before it; cut anywhere, it is not.
            proptest::prop_assert!(read_spool_bytes(&segment) >= 1);
            let cut = garbage.len() + 1 + at.min(good.len());
            let _ = read_spool_bytes(&segment[..cut]);
        }
    }

    fn record(i: usize) -> Article {
        let url = format!("https://bao.example.vn/bai-{i}.html");
        let mut a = Article {
            schema_version: SCHEMA_VERSION,
            id: article_id(&url),
            url: url.clone(),
            canonical_url: url,
            site: "bao.example.vn".into(),
            title: format!("Bài số {i}"),
            lead: None,
            body: format!("Nội dung của bài số {i}."),
            published_at: None,
            modified_at: None,
            authors: vec![],
            source_agency: None,
            section: None,
            tags: vec![],
            images: vec![],
            language: Some("vi".into()),
            word_count: 0,
            content_hash: String::new(),
            fetched_at: chrono::Utc::now(),
        };
        a.normalize();
        a
    }

    async fn jsonl(dir: &Path) -> (Arc<Destination>, PathBuf) {
        let out = dir.join("out.jsonl");
        let sink = JsonlSink::open(&JsonlConfig {
            path: out.clone(),
            dead_letter_path: dir.join("dead.jsonl"),
        })
        .await
        .unwrap();
        (Arc::new(Destination::Jsonl(sink)), out)
    }

    fn titles(out: &Path) -> Vec<String> {
        std::fs::read_to_string(out)
            .unwrap_or_default()
            .lines()
            .map(|l| {
                serde_json::from_str::<Article>(l)
                    .unwrap()
                    .title
                    .to_string()
            })
            .collect()
    }

    async fn wait_for_lines(out: &Path, n: usize) {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while titles(out).len() < n {
            assert!(std::time::Instant::now() < deadline, "timed out");
            // Polling a file the forwarder appends to.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A full disk under the spool: the append fails naming the segment and the cause,
    /// readiness says so, the segment holds only whole lines, everything acknowledged is
    /// forwarded, and appending goes on once there is room again.
    #[tokio::test]
    async fn a_full_disk_leaves_whole_lines_and_appending_resumes_with_room() {
        let dir = tempfile::tempdir().unwrap();
        let (destination, out) = jsonl(dir.path()).await;
        let disk = crate::append::Tmpfs::mount("64k");
        // One open segment that is never closed, so never deleted: the disk fills.
        let config = SpoolConfig {
            enabled: true,
            path: disk.path().join("spool"),
            max_bytes: 1 << 30,
            segment_bytes: 1 << 30,
        };
        let spool = Spool::open(&config, destination).await.unwrap();
        let filler = disk.path().join("filler");
        std::fs::write(&filler, vec![0u8; 40 * 1024]).unwrap();
        let mut acknowledged = 0;
        let error = loop {
            match spool
                .append(&Entry::Record(Box::new(record(acknowledged))))
                .await
            {
                Ok(()) => acknowledged += 1,
                Err(error) => break error.to_string(),
            }
            assert!(acknowledged < 1000, "the disk never filled");
        };
        assert!(acknowledged > 0);
        let segment = segment_path(&config.path, 1).display().to_string();
        assert!(
            error.contains(&segment) && error.contains("No space left on device"),
            "{error}"
        );
        assert!(!spool.readiness().is_ready());
        let text = std::fs::read_to_string(&segment).unwrap();
        assert!(text.ends_with('\n'));
        assert_eq!(read_spool_bytes(text.as_bytes()), acknowledged);
        assert_eq!(text.lines().count(), acknowledged);
        std::fs::remove_file(&filler).unwrap();
        spool
            .append(&Entry::Record(Box::new(record(acknowledged))))
            .await
            .unwrap();
        assert!(spool.readiness().is_ready());
        wait_for_lines(&out, acknowledged + 1).await;
        let expected: Vec<String> = (0..=acknowledged).map(|i| format!("Bài số {i}")).collect();
        assert_eq!(titles(&out), expected);
    }

    #[tokio::test]
    async fn entries_are_forwarded_in_order_and_closed_segments_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let (destination, out) = jsonl(dir.path()).await;
        let config = SpoolConfig {
            enabled: true,
            path: dir.path().join("spool"),
            max_bytes: 64 * 1024,
            segment_bytes: 4096,
        };
        let spool = Spool::open(&config, destination).await.unwrap();
        for i in 0..300 {
            spool
                .append(&Entry::Record(Box::new(record(i))))
                .await
                .unwrap();
        }
        wait_for_lines(&out, 300).await;
        let expected: Vec<String> = (0..300).map(|i| format!("Bài số {i}")).collect();
        assert_eq!(titles(&out), expected);
        // 300 records of ~600 bytes do not fit in 64 KiB: appending went on only because
        // forwarded segments were deleted. What is left is at most the open segment.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while spool.bytes() > 2 * 4096 {
            assert!(
                std::time::Instant::now() < deadline,
                "{} bytes left",
                spool.bytes()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(spool.readiness().is_ready());
    }

    #[tokio::test]
    async fn a_restart_resumes_at_the_saved_position_and_skips_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let spool_dir = dir.path().join("spool");
        std::fs::create_dir_all(&spool_dir).unwrap();
        // What a crashed run left: three synced entries, the first already forwarded, and
        // the start of a fourth line that was never synced.
        let mut segment = Vec::new();
        let mut after_first = 0;
        for i in 0..3 {
            segment.extend(serde_json::to_vec(&Entry::Record(Box::new(record(i)))).unwrap());
            segment.push(b'\n');
            if i == 0 {
                after_first = segment.len() as u64;
            }
        }
        segment.extend_from_slice(br#"{"kind":"record","value":{"schema_ver"#);
        std::fs::write(segment_path(&spool_dir, 7), &segment).unwrap();
        std::fs::write(
            spool_dir.join(CURSOR),
            serde_json::to_vec(&Position {
                segment: 7,
                offset: after_first,
            })
            .unwrap(),
        )
        .unwrap();

        let (destination, out) = jsonl(dir.path()).await;
        let config = SpoolConfig {
            enabled: true,
            path: spool_dir.clone(),
            ..SpoolConfig::default()
        };
        let spool = Spool::open(&config, destination).await.unwrap();
        wait_for_lines(&out, 2).await;
        // The old segment is deleted once forwarded.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while segment_path(&spool_dir, 7).exists() {
            assert!(std::time::Instant::now() < deadline, "segment 7 kept");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(titles(&out), vec!["Bài số 1", "Bài số 2"]);
        // New entries go to a segment after the old ones.
        spool
            .append(&Entry::Record(Box::new(record(3))))
            .await
            .unwrap();
        wait_for_lines(&out, 3).await;
        assert!(segment_path(&spool_dir, 8).exists());
    }
}
