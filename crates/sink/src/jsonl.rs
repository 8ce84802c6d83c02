//! The JSON Lines sink: one record per line, appended to a local file.
//!
//! One writer task owns each file. Records queued while it syncs are written together and
//! synced once (group commit), so durability costs one `fsync` per batch, not per record; each
//! caller is answered after the sync that covers its line.

use crate::append::AppendFile;
use crate::health::Health;
use crate::{DeadLetter, DeliveryError, JsonlConfig, Readiness, SinkError};
use std::path::Path;
use std::sync::Arc;
use tinstream_model::Article;
use tokio::io::AsyncWriteExt;
use tokio::sync::{mpsc, oneshot};

/// Most lines written between two syncs.
const MAX_BATCH: usize = 1024;

type Ack = oneshot::Sender<Result<(), String>>;

enum Command {
    Write(Vec<u8>, Ack),
    Flush(Ack),
}

/// Appends records and dead letters to two files.
pub struct JsonlSink {
    records: mpsc::Sender<Command>,
    dead_letters: mpsc::Sender<Command>,
    /// Not ready while the last write failed (disk full, file removed).
    health: Arc<Health>,
}

impl JsonlSink {
    /// Opens (creating as needed) the record and dead-letter files.
    pub async fn open(config: &JsonlConfig) -> Result<JsonlSink, SinkError> {
        let health = Arc::new(Health::ready());
        Ok(JsonlSink {
            records: spawn_writer(&config.path, health.clone()).await?,
            dead_letters: spawn_writer(&config.dead_letter_path, health.clone()).await?,
            health,
        })
    }

    /// Whether records can be written now.
    pub fn readiness(&self) -> Readiness {
        self.health.readiness()
    }

    /// Appends one record; resolves after the line is synced to disk.
    pub async fn deliver(&self, record: &Article) -> Result<(), DeliveryError> {
        let line =
            serde_json::to_vec(record).map_err(|e| DeliveryError::Rejected(e.to_string()))?;
        submit(&self.records, line).await
    }

    /// Appends one dead letter; resolves after the line is synced to disk.
    pub async fn dead_letter(&self, letter: &DeadLetter) -> Result<(), DeliveryError> {
        let line =
            serde_json::to_vec(letter).map_err(|e| DeliveryError::Rejected(e.to_string()))?;
        submit(&self.dead_letters, line).await
    }

    /// Resolves once everything written before is synced.
    pub async fn flush(&self) -> Result<(), DeliveryError> {
        for writer in [&self.records, &self.dead_letters] {
            let (tx, rx) = oneshot::channel();
            writer
                .send(Command::Flush(tx))
                .await
                .map_err(|_| DeliveryError::Unavailable("file writer stopped".into()))?;
            rx.await
                .map_err(|_| DeliveryError::Unavailable("file writer stopped".into()))?
                .map_err(DeliveryError::Unavailable)?;
        }
        Ok(())
    }
}

async fn submit(writer: &mpsc::Sender<Command>, mut line: Vec<u8>) -> Result<(), DeliveryError> {
    line.push(b'\n');
    let (tx, rx) = oneshot::channel();
    writer
        .send(Command::Write(line, tx))
        .await
        .map_err(|_| DeliveryError::Unavailable("file writer stopped".into()))?;
    rx.await
        .map_err(|_| DeliveryError::Unavailable("file writer stopped".into()))?
        .map_err(DeliveryError::Unavailable)
}

enum Output {
    File(AppendFile),
    Stdout(tokio::io::Stdout),
}

async fn spawn_writer(
    path: &Path,
    health: Arc<Health>,
) -> Result<mpsc::Sender<Command>, SinkError> {
    let output = if path.as_os_str() == "-" {
        Output::Stdout(tokio::io::stdout())
    } else {
        let err = |source| SinkError::File {
            path: path.display().to_string(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(parent).await.map_err(err)?;
        }
        let file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .await
            .map_err(err)?;
        Output::File(AppendFile::new(file).await.map_err(err)?)
    };
    let (tx, rx) = mpsc::channel(MAX_BATCH);
    tokio::spawn(write_loop(output, rx, path.display().to_string(), health));
    Ok(tx)
}

async fn write_loop(
    mut output: Output,
    mut rx: mpsc::Receiver<Command>,
    path: String,
    health: Arc<Health>,
) {
    let mut batch: Vec<Command> = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut buf = Vec::new();
        for command in &batch {
            if let Command::Write(line, _) = command {
                buf.extend_from_slice(line);
            }
        }
        let result = match &mut output {
            Output::File(file) => file.append(buf).await,
            Output::Stdout(out) => match out.write_all(&buf).await {
                Ok(()) => out.flush().await,
                Err(e) => Err(e),
            },
        }
        .map_err(|e| format!("{path}: {e}"));
        match &result {
            Ok(()) => health.delivered(),
            Err(error) => {
                tracing::error!(%path, %error, "writing records failed");
                health.delivery_failed(error.clone());
            }
        }
        for command in batch.drain(..) {
            let (Command::Write(_, ack) | Command::Flush(ack)) = command;
            // A caller that stopped waiting no longer needs the answer.
            let _ = ack.send(result.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_and_dead_letters_are_appended_as_lines() {
        let dir = tempfile::tempdir().unwrap();
        let config = JsonlConfig {
            path: dir.path().join("out/articles.jsonl"),
            dead_letter_path: dir.path().join("out/dead.jsonl"),
        };
        let sink = JsonlSink::open(&config).await.unwrap();
        let letter = DeadLetter {
            url: "https://ex.vn/a".into(),
            stage: crate::Stage::Parse,
            reason: "the page is empty".into(),
            at: chrono::Utc::now(),
            record_id: None,
        };
        sink.dead_letter(&letter).await.unwrap();
        sink.dead_letter(&letter).await.unwrap();
        sink.flush().await.unwrap();
        let text = std::fs::read_to_string(&config.dead_letter_path).unwrap();
        assert_eq!(text.lines().count(), 2);
        let back: DeadLetter = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(back, letter);
        assert!(std::fs::read_to_string(&config.path).unwrap().is_empty());
    }

    /// A full disk: the write fails naming the file and the cause, readiness says so, the file
    /// holds only whole lines, and writing goes on once there is room again.
    #[tokio::test]
    async fn a_full_disk_leaves_whole_lines_and_writing_resumes_with_room() {
        let disk = crate::append::Tmpfs::mount("64k");
        let config = JsonlConfig {
            path: disk.path().join("articles.jsonl"),
            dead_letter_path: disk.path().join("dead.jsonl"),
        };
        let sink = JsonlSink::open(&config).await.unwrap();
        let letter = |i: usize| DeadLetter {
            url: format!("https://ex.vn/bai-{i}.html"),
            stage: crate::Stage::Parse,
            reason: "x".repeat(700),
            at: chrono::Utc::now(),
            record_id: None,
        };
        // Leave some 20 KB free: a few dozen lines fit, then the disk is full.
        let filler = disk.path().join("filler");
        std::fs::write(&filler, vec![0u8; 44 * 1024]).unwrap();
        let mut written = 0;
        let error = loop {
            match sink.dead_letter(&letter(written)).await {
                Ok(()) => written += 1,
                Err(error) => break error.to_string(),
            }
            assert!(written < 1000, "the disk never filled");
        };
        assert!(written > 0);
        let path = config.dead_letter_path.display().to_string();
        // The system's own words for ENOSPC.
        assert!(
            error.contains(&path) && error.contains("No space left on device"),
            "{error}"
        );
        assert!(matches!(sink.readiness(), Readiness::NotReady(r) if r.contains(&path)));
        let whole = |expected: usize| {
            let text = std::fs::read_to_string(&config.dead_letter_path).unwrap();
            assert!(text.is_empty() || text.ends_with('\n'));
            let urls: Vec<String> = text
                .lines()
                .map(|l| serde_json::from_str::<DeadLetter>(l).unwrap().url)
                .collect();
            let wanted: Vec<String> = (0..expected).map(|i| letter(i).url).collect();
            assert_eq!(urls, wanted);
        };
        whole(written);
        // Room again: the failed line goes in whole, after the others.
        std::fs::remove_file(&filler).unwrap();
        sink.dead_letter(&letter(written)).await.unwrap();
        assert_eq!(sink.readiness(), Readiness::Ready);
        whole(written + 1);
    }
}
