//! Whole-extraction throughput: bytes of HTML turned into records per second, on real pages.
//!
//! Reads the pages of `../shared/datasets/wcxb-articles` (decompressed once, before timing)
//! when that folder exists beside the repository, else the fixtures of `tests/fixtures/sites`.
//! Run with `cargo bench -p tinstream-parser --bench extract`. The `passes` bench measures
//! the same ratio in a way that drifting machine speed does not skew.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tinstream_parser::{Page, Parser};
use url::Url;

mod common;
use common::pages;

fn extract(c: &mut Criterion) {
    let pages = pages();
    let total: usize = pages.iter().map(Vec::len).sum();
    let parser = Parser::default();
    let url = Url::parse("https://bao.example.vn/bai-viet-4412345.html").expect("static URL");
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(total as u64));
    group.sample_size(10);
    group.bench_function(format!("{} pages", pages.len()), |b| {
        b.iter(|| {
            for bytes in &pages {
                let _ = parser.parse(Page {
                    bytes,
                    url: &url,
                    http_charset: None,
                    fetched_at: chrono::Utc::now(),
                });
            }
        })
    });
    // The HTML parse alone, for comparison: what the extraction adds on top of it.
    let texts: Vec<String> = pages
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    group.bench_function("html5ever parse only", |b| {
        b.iter(|| {
            for text in &texts {
                std::hint::black_box(scraper::Html::parse_document(text));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, extract);
criterion_main!(benches);
