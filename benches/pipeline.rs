//! End-to-end benchmark: a generated news site on loopback -> `tinstream run` (release build)
//! -> a real single-node Kafka broker, started here from the jars of `scripts/kafka.sh`.
//!
//! Two runs: a steady one (records per second, latency from fetch to acknowledged delivery,
//! CPU time per record, peak memory), and one where the broker is stopped for a while in the
//! middle (memory sampled through the outage must stay flat).
//!
//! `cargo bench --bench pipeline` (TINSTREAM_BENCH_ARTICLES sets the number of articles,
//! default 5000; TINSTREAM_BENCH_OUTAGE_SECS the outage, default 20; TINSTREAM_BENCH_PAGE_KB
//! pads each article page to that size with a related-news box and script data, default 0:
//! 3 KB pages). Under `cargo test` it
//! does nothing.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "support/proc_stats.rs"]
mod proc_stats;

use proc_stats::{cpu_seconds, memory};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};
use support::broker::Cluster;
use support::newsroom;
use support::service::{self, Service};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A quantile of a Prometheus histogram, interpolated within its bucket.
fn quantile(metrics: &HashMap<String, f64>, name: &str, q: f64) -> f64 {
    let prefix = format!("{name}_bucket{{le=\"");
    let mut buckets: Vec<(f64, f64)> = metrics
        .iter()
        .filter_map(|(k, v)| {
            let le = k.strip_prefix(&prefix)?.strip_suffix("\"}")?;
            let bound = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().ok()?
            };
            Some((bound, *v))
        })
        .collect();
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total = buckets.last().map_or(0.0, |b| b.1);
    let target = q * total;
    let mut previous = (0.0, 0.0);
    for (bound, count) in buckets {
        if count >= target {
            if !bound.is_finite() || count == previous.1 {
                return previous.0;
            }
            let within = (target - previous.1) / (count - previous.1);
            return previous.0 + within * (bound - previous.0);
        }
        previous = (bound, count);
    }
    f64::NAN
}

struct Run {
    service: Service,
    started: Instant,
}

async fn start(dir: &Path, site: &newsroom::Newsroom, bootstrap: &str, topic: &str) -> Run {
    let listen = service::free_address();
    let config = service::write_config(
        dir,
        &site.url("/sitemap.xml"),
        listen,
        8,
        1000,
        &service::kafka_sink(bootstrap, topic, ""),
    );
    // Build the service's log next to its state, quietly: logging every record would measure
    // the terminal.
    let config_text = std::fs::read_to_string(&config).unwrap() + "\n[log]\nlevel = \"warn\"\n";
    std::fs::write(&config, config_text).unwrap();
    let started = Instant::now();
    let service = Service::start(&config, &dir.join("run.log"), listen);
    Run { service, started }
}

async fn delivered(service: &Service) -> usize {
    service.metric("tinstream_records_delivered_total").await as usize
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("pipeline: run with `cargo bench --bench pipeline`");
        return;
    }
    let n = env_number("TINSTREAM_BENCH_ARTICLES", 5000) as usize;
    let outage = Duration::from_secs(env_number("TINSTREAM_BENCH_OUTAGE_SECS", 20));
    // Real news pages are about 100 KB (the median of the Vietnamese pages of
    // ../shared/datasets/vn-real-dev is 105 KiB); 0 keeps the 3 KB pages.
    let page_bytes = env_number("TINSTREAM_BENCH_PAGE_KB", 0) as usize * 1024;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let cluster = tokio::task::spawn_blocking(|| Cluster::start(1)).await.unwrap();
        let bootstrap = cluster.bootstrap();

        // 1. Steady state.
        let site = newsroom::start_sized(n, Duration::ZERO, false, page_bytes).await;
        let dir = tempfile::tempdir().unwrap();
        let run_topic = support::unique_topic("bench");
        let run = start(dir.path(), &site, &bootstrap, &run_topic).await;
        let service = &run.service;
        service
            .wait_until("every record delivered", Duration::from_secs(1800), || async {
                delivered(service).await >= n
            })
            .await;
        let elapsed = run.started.elapsed();
        let metrics = service.metrics().await;
        let pid = service.pid();
        let cpu = cpu_seconds(pid);
        let (_, peak) = memory(pid);
        let p50 = quantile(&metrics, "tinstream_delivery_latency_seconds", 0.5);
        let p99 = quantile(&metrics, "tinstream_delivery_latency_seconds", 0.99);
        println!("steady: {n} records in {:.1} s = {:.0} records/s (from process start, broker and site on the same 2 cores)", elapsed.as_secs_f64(), n as f64 / elapsed.as_secs_f64());
        println!("steady: fetch -> acknowledged delivery p50 {:.1} ms, p99 {:.1} ms", p50 * 1000.0, p99 * 1000.0);
        println!("steady: CPU {cpu:.2} s = {:.2} ms per record; peak RSS {:.1} MiB", cpu * 1000.0 / n as f64, peak as f64 / 1024.0);
        let records = service::read(&bootstrap, &run_topic).await;
        assert_eq!(site.check(&records), 0, "records published twice");
        run.service.terminate().await;

        // 2. The broker stops for a while in the middle of the run.
        let site = newsroom::start(n, Duration::ZERO, false).await;
        let dir = tempfile::tempdir().unwrap();
        let run = start(dir.path(), &site, &bootstrap, &support::unique_topic("bench-outage")).await;
        let service = &run.service;
        service
            .wait_until("a fifth of the records", Duration::from_secs(1800), || async {
                delivered(service).await >= n / 5
            })
            .await;
        let pid = service.pid();
        let mut cluster = tokio::task::spawn_blocking(move || {
            let mut cluster = cluster;
            cluster.stop_node(0);
            cluster
        })
        .await
        .unwrap();
        let down = Instant::now();
        let mut samples = Vec::new();
        while down.elapsed() < outage {
            samples.push((down.elapsed().as_secs_f64(), memory(pid).0));
            // Sampling memory at a fixed rate through the outage.
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let in_flight = service.metric("tinstream_records_in_flight").await;
        let at_outage_end = delivered(service).await;
        cluster = tokio::task::spawn_blocking(move || {
            cluster.start_node(0);
            cluster
        })
        .await
        .unwrap();
        service
            .wait_until("every record delivered", Duration::from_secs(1800), || async {
                delivered(service).await >= n
            })
            .await;
        let elapsed = run.started.elapsed();
        let (_, peak) = memory(pid);
        let second_half: Vec<u64> = samples
            .iter()
            .filter(|(t, _)| *t >= outage.as_secs_f64() / 2.0)
            .map(|(_, rss)| *rss)
            .collect();
        let first = samples.first().map_or(0, |s| s.1);
        println!(
            "outage: broker down {} s; records in flight at the end of it {in_flight} (bound 1000); delivered {at_outage_end} before it came back",
            outage.as_secs()
        );
        println!(
            "outage: RSS at the start of the outage {:.1} MiB; through its second half min {:.1} / max {:.1} MiB; peak {:.1} MiB",
            first as f64 / 1024.0,
            second_half.iter().min().copied().unwrap_or(0) as f64 / 1024.0,
            second_half.iter().max().copied().unwrap_or(0) as f64 / 1024.0,
            peak as f64 / 1024.0
        );
        println!("outage: {n} records in {:.1} s overall", elapsed.as_secs_f64());
        run.service.terminate().await;
        drop(cluster);
    });
}
