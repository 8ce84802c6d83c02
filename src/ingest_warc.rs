//! `tinstream ingest-warc`: backfill from web archives. Reads WARC files (plain, or gzip per
//! record as Common Crawl's CC-NEWS is), takes their successful HTML responses, and runs them
//! through the same parser and sink as the service, dead letters included.
//!
//! Reading and parsing run on blocking threads (a chunk of responses parsed in parallel at a
//! time); delivery runs on the async side with at most `sink.max_in_flight` records waiting,
//! and a full delivery side stops the reading, so memory stays flat however large the archive.

use crate::config::Config;
use anyhow::Context as _;
use flate2::read::MultiGzDecoder;
use rayon::prelude::*;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tinstream_model::Article;
use tinstream_parser::{Extraction, Page, Parser};
use tinstream_sink::{Backoff, DeadLetter, DeliveryError, Sink, Stage};
use tokio::sync::{mpsc, Semaphore};
use url::Url;
use warc::{RecordType, WarcHeader, WarcReader};

/// Responses parsed together.
const CHUNK: usize = 64;

/// One HTML response taken from an archive.
struct Response {
    url: Url,
    body: Vec<u8>,
    charset: Option<String>,
    fetched_at: chrono::DateTime<chrono::Utc>,
}

/// What became of one response.
enum Outcome {
    Article(Box<Article>),
    NotArticle,
    Failed { url: String, reason: String },
}

/// Counts for the summary line.
#[derive(Default)]
struct Counts {
    records: AtomicU64,
    responses: AtomicU64,
    skipped: AtomicU64,
    delivered: AtomicU64,
    not_articles: AtomicU64,
    dead_letters: AtomicU64,
}

/// Counts the bytes read from a file, for the progress bar.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

pub async fn main(config: &Config, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let sink = Arc::new(
        Sink::open(&config.sink)
            .await
            .context("cannot open the sink")?,
    );
    let parser = crate::config::parser(&config.parser)?;
    let counts = Arc::new(Counts::default());
    let slots = Arc::new(Semaphore::new(config.sink.max_in_flight));
    let mut failed_files = 0;
    for file in files {
        let (outcomes, mut received) = mpsc::channel::<Outcome>(CHUNK);
        let reader = {
            let (file, parser, counts) = (file.clone(), parser.clone(), counts.clone());
            tokio::task::spawn_blocking(move || read_file(&file, &parser, &counts, &outcomes))
        };
        let mut deliveries = tokio::task::JoinSet::new();
        while let Some(outcome) = received.recv().await {
            // Waiting for a slot here leaves the channel full, which stops the reader.
            let Ok(slot) = slots.clone().acquire_owned().await else {
                break;
            };
            let (sink, counts) = (sink.clone(), counts.clone());
            deliveries.spawn(async move {
                settle(&sink, &counts, outcome).await;
                drop(slot);
            });
            while deliveries.try_join_next().is_some() {}
        }
        while deliveries.join_next().await.is_some() {}
        match reader.await.context("the WARC reader panicked")? {
            Ok(()) => {}
            Err(error) => {
                failed_files += 1;
                eprintln!("tinstream: {error:#}");
            }
        }
    }
    if let Err(error) = sink.flush(Duration::from_secs(30)).await {
        eprintln!("tinstream: the sink did not flush everything: {error}");
    }
    eprintln!(
        "ingest-warc: {} WARC records, {} HTML responses ({} other responses skipped): {} records delivered, {} not articles, {} dead letters",
        counts.records.load(Ordering::Relaxed),
        counts.responses.load(Ordering::Relaxed),
        counts.skipped.load(Ordering::Relaxed),
        counts.delivered.load(Ordering::Relaxed),
        counts.not_articles.load(Ordering::Relaxed),
        counts.dead_letters.load(Ordering::Relaxed),
    );
    Ok(if failed_files > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Delivers one outcome: the record, or a dead letter; transient failures are retried.
async fn settle(sink: &Sink, counts: &Counts, outcome: Outcome) {
    let (url, stage, reason, record_id) = match outcome {
        Outcome::NotArticle => {
            counts.not_articles.fetch_add(1, Ordering::Relaxed);
            return;
        }
        Outcome::Article(record) => match retry(|| sink.deliver(&record)).await {
            Ok(()) => {
                counts.delivered.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Err(reason) => (
                record.url.clone(),
                Stage::Deliver,
                reason,
                Some(record.id.clone()),
            ),
        },
        Outcome::Failed { url, reason } => (url, Stage::Parse, reason, None),
    };
    let letter = DeadLetter {
        url,
        stage,
        reason,
        at: chrono::Utc::now(),
        record_id,
    };
    match retry(|| sink.dead_letter(&letter)).await {
        Ok(()) => {
            counts.dead_letters.fetch_add(1, Ordering::Relaxed);
        }
        Err(reason) => eprintln!(
            "tinstream: {}: the dead letter was refused: {reason}",
            letter.url
        ),
    }
}

/// Retries transient failures with backoff until the sink confirms or refuses for good;
/// returns the reason of a refusal.
async fn retry<F, Fut>(mut attempt: F) -> Result<(), String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), DeliveryError>>,
{
    let mut backoff = Backoff::default();
    loop {
        match attempt().await {
            Ok(()) => return Ok(()),
            Err(DeliveryError::Rejected(reason)) => return Err(reason),
            Err(DeliveryError::Unavailable(reason)) => {
                tracing::warn!(%reason, "delivery failed; retrying");
                tokio::time::sleep(backoff.next_wait()).await;
            }
        }
    }
}

/// Reads one WARC file, parses its HTML responses a chunk at a time, and sends the outcomes.
fn read_file(
    path: &Path,
    parser: &Parser,
    counts: &Counts,
    outcomes: &mpsc::Sender<Outcome>,
) -> anyhow::Result<()> {
    let shown = path.display().to_string();
    let mut file = std::fs::File::open(path).with_context(|| format!("{shown}: cannot open"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut magic = [0u8; 2];
    let gzip = file.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
    let file = std::fs::File::open(path).with_context(|| format!("{shown}: cannot open"))?;
    let read = Arc::new(AtomicU64::new(0));
    let counting = Counting {
        inner: file,
        read: read.clone(),
    };
    let input: Box<dyn Read + Send> = if gzip {
        // Common Crawl writes one gzip member per record: read them all.
        Box::new(MultiGzDecoder::new(BufReader::new(counting)))
    } else {
        Box::new(counting)
    };
    let progress = crate::progress::bytes(size);
    progress.set_message(shown.clone());
    let mut chunk = Vec::with_capacity(CHUNK);
    for record in WarcReader::new(BufReader::new(input)).iter_records() {
        let record = record.with_context(|| format!("{shown}: not a readable WARC file"))?;
        counts.records.fetch_add(1, Ordering::Relaxed);
        if *record.warc_type() != RecordType::Response {
            continue;
        }
        match html_response(&record) {
            Some(response) => {
                counts.responses.fetch_add(1, Ordering::Relaxed);
                chunk.push(response);
            }
            None => {
                counts.skipped.fetch_add(1, Ordering::Relaxed);
            }
        }
        if chunk.len() >= CHUNK {
            if !send(parse_chunk(parser, std::mem::take(&mut chunk)), outcomes) {
                return Ok(());
            }
            progress.set_position(read.load(Ordering::Relaxed));
        }
    }
    send(parse_chunk(parser, chunk), outcomes);
    progress.finish_and_clear();
    Ok(())
}

fn send(outcomes: Vec<Outcome>, to: &mpsc::Sender<Outcome>) -> bool {
    outcomes
        .into_iter()
        .all(|outcome| to.blocking_send(outcome).is_ok())
}

fn parse_chunk(parser: &Parser, responses: Vec<Response>) -> Vec<Outcome> {
    responses
        .into_par_iter()
        .map(|response| {
            let page = Page {
                bytes: &response.body,
                url: &response.url,
                http_charset: response.charset.as_deref(),
                fetched_at: response.fetched_at,
            };
            match parser.parse(page) {
                Ok(Extraction::Article(record)) => Outcome::Article(record),
                Ok(Extraction::NotArticle(_)) => Outcome::NotArticle,
                Err(error) => Outcome::Failed {
                    url: response.url.to_string(),
                    reason: error.to_string(),
                },
            }
        })
        .collect()
}

/// The HTML page of a response record: a 2xx HTTP response whose content type is HTML (or
/// absent). Other responses (images, redirects, errors) give None.
fn html_response(record: &warc::Record<warc::BufferedBody>) -> Option<Response> {
    let url = Url::parse(record.header(WarcHeader::TargetURI)?.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let raw = record.body();
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut http = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(offset) = http.parse(raw).ok()? else {
        return None;
    };
    if !(200..300).contains(&http.code?) {
        return None;
    }
    let header = |name: &str| {
        http.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
            .map(str::trim)
    };
    let content_type = header("content-type");
    if let Some(kind) = content_type {
        let kind = kind.to_ascii_lowercase();
        if !(kind.starts_with("text/html") || kind.starts_with("application/xhtml")) {
            return None;
        }
    }
    let mut body = raw[offset..].to_vec();
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body)?;
    }
    if header("content-encoding").is_some_and(|v| v.eq_ignore_ascii_case("gzip"))
        && body.starts_with(&[0x1f, 0x8b])
    {
        let mut decoded = Vec::new();
        MultiGzDecoder::new(&body[..])
            .read_to_end(&mut decoded)
            .ok()?;
        body = decoded;
    }
    Some(Response {
        url,
        body,
        charset: content_type.and_then(tinstream_crawler::fetch::charset_of),
        fetched_at: *record.date(),
    })
}

/// The payload of a body in HTTP/1.1 chunked transfer coding, as archived by crawlers that
/// keep the wire bytes.
fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Whatever a WARC file holds, its records are read or refused, never a panic: a
        /// well-formed response record with any block, and any bytes at all.
        #[test]
        fn any_warc_bytes_are_read_without_a_panic(
            block in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            http in "HTTP/1\\.[01] [0-9]{3} [A-Z]{0,3}\r\n(Content-Type: text/html(; charset=[a-z0-9\\-]{0,8})?\r\n)?(Transfer-Encoding: chunked\r\n)?\r\n",
            raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
        ) {
            let mut body = http.into_bytes();
            body.extend_from_slice(&block);
            let mut file = format!(
                "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Date: 2021-12-01T03:35:00Z\r\nWARC-Target-URI: https://ex.vn/a-1.html\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            file.extend_from_slice(&body);
            file.extend_from_slice(b"\r\n\r\n");
            for bytes in [&file[..], &raw[..]] {
                for record in WarcReader::new(std::io::BufReader::new(bytes)).iter_records() {
                    let Ok(record) = record else { break };
                    let _ = html_response(&record);
                }
            }
        }
    }

    #[test]
    fn chunked_bodies_are_joined() {
        let raw = b"5\r\nXin c\r\n6;ext=1\r\nh\xc3\xa0o b\r\n0\r\n\r\n";
        assert_eq!(dechunk(raw).unwrap(), "Xin chào b".as_bytes());
        assert_eq!(dechunk(b"zz\r\n"), None);
        assert_eq!(dechunk(b"5\r\nab"), None);
    }
}
