//! The extraction's time against the html5ever parse alone, measured so that a machine whose
//! speed drifts (a shared virtual machine) does not skew the ratio: every page is parsed alone
//! and extracted back to back (in turns, which first), so that both see the machine at the
//! same speed, and the ratio of each round's sums is taken; the median round is reported.
//!
//! `cargo bench -p tinstream-parser --bench passes` prints the median round and the ratio.
//! Under `valgrind --tool=callgrind` (see `scripts/instructions.sh`), `PASSES_MODE`
//! (`parse`, `extract` or `none`), `PASSES_PAGES` and `PASSES_REPEAT` choose one kind of pass
//! and how many, so that instruction counts, which do not drift, can be compared.

use std::time::{Duration, Instant};
use tinstream_parser::{Page, Parser};
use url::Url;

mod common;

fn main() {
    let pages = common::pages();
    // The parse alone reads text, as the extraction's parse does after decoding.
    let texts: Vec<String> = pages
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let parser = Parser::default();
    let url = Url::parse("https://bao.example.vn/bai-viet-4412345.html").expect("static URL");
    // One fetch time for every pass: the same bytes give the same record.
    let fetched_at = chrono::Utc::now();
    let extract = |count: usize| {
        for bytes in pages.iter().take(count) {
            let _ = std::hint::black_box(parser.parse(Page {
                bytes,
                url: &url,
                http_charset: None,
                fetched_at,
            }));
        }
    };
    let parse = |count: usize| {
        for text in texts.iter().take(count) {
            std::hint::black_box(scraper::Html::parse_document(text));
        }
    };
    // `cargo test` runs bench targets too, without `--bench` and in a debug build: there the
    // bench only checks that both passes run, on a few pages, as criterion's benches do.
    if !std::env::args().any(|arg| arg == "--bench") {
        extract(3);
        parse(3);
        println!("passes: both passes ran on 3 pages; `cargo bench` measures them");
        return;
    }
    let setting = |name: &str| std::env::var(name).ok();
    if let Some(mode) = setting("PASSES_MODE") {
        let count = setting("PASSES_PAGES")
            .and_then(|v| v.parse().ok())
            .unwrap_or(pages.len());
        let repeat: usize = setting("PASSES_REPEAT")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        for _ in 0..repeat {
            match mode.as_str() {
                "parse" => parse(count),
                "extract" => extract(count),
                _ => {}
            }
        }
        return;
    }
    let rounds: usize = setting("PASSES_ROUNDS")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    // A first extraction builds the parser's patterns, which later passes reuse.
    extract(pages.len());
    let mut rounds_seen: Vec<(Duration, Duration)> = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let (mut parsing, mut extracting) = (Duration::ZERO, Duration::ZERO);
        for (index, (bytes, text)) in pages.iter().zip(&texts).enumerate() {
            let parse_one = || {
                let start = Instant::now();
                std::hint::black_box(scraper::Html::parse_document(text));
                start.elapsed()
            };
            let extract_one = || {
                let start = Instant::now();
                let _ = std::hint::black_box(parser.parse(Page {
                    bytes,
                    url: &url,
                    http_charset: None,
                    fetched_at,
                }));
                start.elapsed()
            };
            if index % 2 == 0 {
                parsing += parse_one();
                extracting += extract_one();
            } else {
                extracting += extract_one();
                parsing += parse_one();
            }
        }
        rounds_seen.push((parsing, extracting));
    }
    let ratio = |(parsing, extracting): &(Duration, Duration)| {
        extracting.as_secs_f64() / parsing.as_secs_f64()
    };
    rounds_seen.sort_by(|a, b| ratio(a).total_cmp(&ratio(b)));
    let median = rounds_seen[rounds_seen.len() / 2];
    let mib = pages.iter().map(Vec::len).sum::<usize>() as f64 / (1024.0 * 1024.0);
    println!(
        "{} pages, {mib:.1} MiB, median of {rounds} rounds (ratios {:.2}x to {:.2}x):",
        pages.len(),
        ratio(&rounds_seen[0]),
        ratio(&rounds_seen[rounds_seen.len() - 1]),
    );
    for (what, time) in [
        ("html5ever parse only", median.0),
        ("whole extraction", median.1),
    ] {
        println!(
            "  {what:<22} {:>7.3} s  {:>6.1} MiB/s",
            time.as_secs_f64(),
            mib / time.as_secs_f64()
        );
    }
    println!("  extraction / parse     {:>7.2}x", ratio(&median));
}
