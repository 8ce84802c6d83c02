//! Crawl throughput with politeness off and parsing skipped, and memory with a large frontier.
//!
//! A local site (its own thread) serves small article pages. The frontier is filled with
//! `TINSTREAM_BENCH_FRONTIER` URLs (default one million) through the same call the pollers use,
//! then `TINSTREAM_BENCH_PAGES` of them (default 100,000) are crawled as the pipeline's
//! dispatcher does: due pages taken from the store a batch at a time, `concurrency` fetches at
//! once through the host gate (no delay) and the fetcher, each page settled through a batching
//! state writer. Prints pages per second and the process's peak resident memory.
//!
//! `cargo bench -p tinstream-crawler --bench crawl`. Under `cargo test` it does nothing.

#[path = "../../../benches/support/proc_stats.rs"]
#[allow(dead_code)]
mod proc_stats;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tinstream_crawler::{
    urls, CrawlerConfig, Fetcher, FrontierEntry, HostGate, PageState, PageStatus, StateChange,
    StateStore,
};
use tokio::sync::{mpsc, Semaphore};
use url::Url;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// (current, peak) resident memory of this process, in KiB.
fn memory() -> (u64, u64) {
    proc_stats::memory(std::process::id())
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// A news page of about 3 KB.
fn page_body() -> String {
    let paragraph = "<p>Chiều 6/12, tại Hà Nội, Bộ Kế hoạch và Đầu tư tổ chức hội nghị tổng kết \
                     công tác năm và triển khai nhiệm vụ năm tới với sự tham dự của đại diện các \
                     bộ, ngành và địa phương.</p>";
    format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Bản tin</title>\
         </head><body><article><h1>Bản tin</h1>{}</article></body></html>",
        paragraph.repeat(12)
    )
}

/// Starts the site on its own thread and runtime; returns its address.
fn start_site() -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the site");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a loopback port");
            tx.send(listener.local_addr().expect("an address"))
                .expect("the bench waits");
            let body: &'static str = Box::leak(page_body().into_boxed_str());
            let app = axum::Router::new().fallback(move || async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    body,
                )
            });
            axum::serve(listener, app).await.expect("the site runs");
        });
    });
    rx.recv().expect("the site starts")
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let frontier_size = env_number("TINSTREAM_BENCH_FRONTIER", 1_000_000);
    let pages = env_number("TINSTREAM_BENCH_PAGES", 100_000).min(frontier_size);
    let concurrency = env_number("TINSTREAM_BENCH_CONCURRENCY", 64) as usize;
    let addr = start_site();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = StateStore::open(dir.path()).expect("the state store opens");

    // Peak memory is sampled all along, and the process's high-water mark read at the end.
    let sampling = Arc::new(AtomicBool::new(true));
    let peak_sampled = Arc::new(AtomicU64::new(0));
    let sampler = {
        let sampling = sampling.clone();
        let peak = peak_sampled.clone();
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                peak.fetch_max(memory().0, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };

    // Fill the frontier as pollers do: batches of 1,000 through `add_to_frontier`.
    let started = Instant::now();
    let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
    let mut added = 0;
    let mut i = 0u64;
    while i < frontier_size {
        let end = (i + 1000).min(frontier_size);
        let batch: Vec<(String, FrontierEntry)> = (i..end)
            .map(|n| {
                let url = format!(
                    "http://{addr}/thoi-su/ban-tin-so-{n}-{}.html",
                    4_000_000 + n
                );
                let key = Url::parse(&url)
                    .map(|u| urls::normalize(&u).to_string())
                    .unwrap_or_else(|_| url.clone());
                let entry = FrontierEntry {
                    url,
                    source: format!("http://{addr}/sitemap.xml"),
                    due_ms: now_ms,
                    requeues: 0,
                    recheck: None,
                    hint: Default::default(),
                };
                (key, entry)
            })
            .collect();
        added += store
            .add_to_frontier(&batch, u64::MAX)
            .expect("the frontier takes pages")
            .new;
        i = end;
    }
    let fill = started.elapsed();
    let after_fill = memory();
    let filled_bytes = std::fs::metadata(dir.path().join("state.redb"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "frontier: {added} URLs added in {:.1} s ({:.0} URLs/s); RSS {:.1} MiB, peak {:.1} MiB; \
         state file {:.1} MiB",
        fill.as_secs_f64(),
        added as f64 / fill.as_secs_f64(),
        mib(after_fill.0),
        mib(after_fill.1),
        filled_bytes as f64 / 1024.0 / 1024.0,
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime for the crawl");
    let (fetched, bytes, failed, elapsed) =
        runtime.block_on(crawl(store.clone(), pages, concurrency));
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.join();
    let (_, peak) = memory();
    let state_bytes = std::fs::metadata(dir.path().join("state.redb"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "crawl: {fetched} pages ({failed} failed) in {:.1} s = {:.0} pages/s, {:.1} MB/s of HTML, \
         concurrency {concurrency}",
        elapsed.as_secs_f64(),
        fetched as f64 / elapsed.as_secs_f64(),
        bytes as f64 / 1e6 / elapsed.as_secs_f64(),
    );
    println!(
        "memory: peak RSS {:.1} MiB (sampled max {:.1} MiB); frontier left {} URLs; state file {:.1} MiB",
        mib(peak),
        mib(peak_sampled.load(Ordering::Relaxed)),
        store.frontier_len().unwrap_or(0),
        state_bytes as f64 / 1024.0 / 1024.0,
    );
}

/// Crawls `pages` pages from the frontier; returns (fetched, bytes, failed, elapsed).
async fn crawl(store: StateStore, pages: u64, concurrency: usize) -> (u64, u64, u64, Duration) {
    let config = CrawlerConfig {
        allow_private_networks: true,
        per_host_delay: Duration::ZERO,
        per_host_concurrency: concurrency,
        concurrency,
        ..CrawlerConfig::default()
    };
    let fetcher = Fetcher::new(&config).expect("an HTTP client");
    let hosts = Arc::new(HostGate::new(concurrency));
    let fetched = Arc::new(AtomicU64::new(0));
    let bytes = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));

    // The state writer, batching as the pipeline's does.
    let (changes, mut changes_rx) = mpsc::channel::<StateChange>(1024);
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(256);
            while changes_rx.recv_many(&mut batch, 256).await > 0 {
                let to_write: Vec<StateChange> = std::mem::take(&mut batch);
                let store = store.clone();
                tokio::task::spawn_blocking(move || store.apply(&to_write))
                    .await
                    .expect("the writer runs")
                    .expect("the state is written");
            }
        })
    };

    let slots = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let mut dispatched = 0u64;
    'crawl: while dispatched < pages {
        let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        let taking = store.clone();
        let (taken, _) = tokio::task::spawn_blocking(move || taking.take_due(now, 128))
            .await
            .expect("the frontier is read")
            .expect("the frontier reads");
        if taken.is_empty() {
            break;
        }
        for (key, entry) in taken {
            if dispatched >= pages {
                break 'crawl;
            }
            dispatched += 1;
            let slot = slots
                .clone()
                .acquire_owned()
                .await
                .expect("slots stay open");
            let (fetcher, hosts, changes) = (fetcher.clone(), hosts.clone(), changes.clone());
            let (fetched, bytes, failed) = (fetched.clone(), bytes.clone(), failed.clone());
            tokio::spawn(async move {
                let Ok(url) = Url::parse(&entry.url) else {
                    failed.fetch_add(1, Ordering::Relaxed);
                    return;
                };
                let server = format!(
                    "{}:{}",
                    url.host_str().unwrap_or(""),
                    url.port().unwrap_or(80)
                );
                let result = {
                    let _turn = hosts.enter(&server, Duration::ZERO).await;
                    fetcher.fetch(&url).await
                };
                match result {
                    Ok(page) => {
                        fetched.fetch_add(1, Ordering::Relaxed);
                        bytes.fetch_add(page.bytes.len() as u64, Ordering::Relaxed);
                        let state = PageState {
                            status: PageStatus::NotArticle,
                            content_hash: None,
                            reason: None,
                            at: page.fetched_at.timestamp(),
                        };
                        let settle = StateChange::Settle {
                            keys: vec![key],
                            state,
                            recheck: None,
                        };
                        let _ = changes.send(settle).await;
                    }
                    Err(_) => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                drop(slot);
            });
        }
    }
    let _ = slots.acquire_many(concurrency as u32).await;
    let elapsed = started.elapsed();
    drop(changes);
    writer.await.expect("the writer ends");
    (
        fetched.load(Ordering::Relaxed),
        bytes.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        elapsed,
    )
}
