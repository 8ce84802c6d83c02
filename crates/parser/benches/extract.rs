//! Whole-extraction throughput: bytes of HTML turned into records per second, on real pages.
//!
//! Reads the pages of `../shared/datasets/wcxb-articles` (decompressed once, before timing)
//! when that folder exists beside the repository, else the fixtures of `tests/fixtures/sites`.
//! Run with `cargo bench -p tinstream-parser --bench extract`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::io::Read;
use std::path::Path;
use tinstream_parser::{Page, Parser};
use url::Url;

fn pages() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dataset = root.join("../shared/datasets/wcxb-articles/html");
    let mut pages = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dataset) {
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths.into_iter().take(300) {
            let mut bytes = Vec::new();
            if let Ok(file) = std::fs::File::open(&path) {
                if flate2::read::GzDecoder::new(file)
                    .read_to_end(&mut bytes)
                    .is_ok()
                {
                    pages.push(bytes);
                }
            }
        }
    }
    if pages.is_empty() {
        let fixtures = root.join("tests/fixtures/sites");
        for entry in std::fs::read_dir(fixtures).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "html") {
                pages.push(std::fs::read(path).unwrap_or_default());
            }
        }
    }
    pages
}

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
