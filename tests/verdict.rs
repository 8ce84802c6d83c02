//! The article verdict on real saved pages of Vietnamese news sites
//! (`../shared/datasets/vn-real-dev`, articles and section pages, 2012–2026, each with its
//! kind): every page judged as its kind says, except the misses named here. The list is a
//! ratchet: a page that becomes right, or one that goes wrong, fails the test until the list
//! says so.

use std::path::PathBuf;
use tinstream_parser::{Page, Parser};
use url::Url;

/// Pages judged against their kind today, with why.
const KNOWN_MISSES: &[(&str, &str)] = &[
    // A 2012 readers' photo story: a few lines of text, the rest in photos.
    ("html/vnexpress-08.html", "article"),
    // A 2012 photo story whose text is all in the photos' captions.
    ("html/ngoisao-01.html", "article"),
];

fn dataset() -> PathBuf {
    let shared = std::env::var_os("TINSTREAM_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let dir = shared.join("datasets/vn-real-dev");
    assert!(
        dir.join("pages.jsonl").exists(),
        "{} is missing: the project's shared datasets sit beside the checkout (or set TINSTREAM_SHARED)",
        dir.display()
    );
    dir
}

#[test]
fn real_pages_are_judged_as_their_kind_says() {
    let dir = dataset();
    let pages = std::fs::read_to_string(dir.join("pages.jsonl")).unwrap();
    let parser = Parser::default();
    let mut misses = Vec::new();
    let mut counted = 0;
    for line in pages.lines().filter(|l| !l.trim().is_empty()) {
        let page: serde_json::Value = serde_json::from_str(line).unwrap();
        let file = page["file"].as_str().unwrap();
        let kind = page["kind"].as_str().unwrap();
        let url = page["url"]
            .as_str()
            .map(|u| Url::parse(u).unwrap())
            .unwrap_or_else(|| Url::parse("https://example.vn/page").unwrap());
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let analysis = parser
            .analyze(Page {
                bytes: &bytes,
                url: &url,
                http_charset: None,
                fetched_at: page["saved"]
                    .as_str()
                    .and_then(|d| format!("{d}T12:00:00Z").parse().ok())
                    .unwrap_or_else(chrono::Utc::now),
            })
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        counted += 1;
        if analysis.is_article != (kind == "article") {
            misses.push((file.to_string(), kind.to_string()));
        }
    }
    assert!(counted >= 29, "only {counted} pages read");
    let known: Vec<(String, String)> = KNOWN_MISSES
        .iter()
        .map(|(f, k)| (f.to_string(), k.to_string()))
        .collect();
    assert_eq!(
        misses, known,
        "pages judged against their kind (file, kind)"
    );
}
