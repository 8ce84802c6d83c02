//! The real saved pages of Vietnamese news sites in `../shared/datasets/vn-real-dev`, as the
//! tests that read them need them: the folder, and each page's bytes, address and day saved.

use std::path::PathBuf;
use url::Url;

/// The dataset's folder: `../shared` beside the checkout, or `TINSTREAM_SHARED`.
pub fn dataset() -> PathBuf {
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

/// One saved page and what the dataset says of it.
pub struct RealPage {
    /// The file, relative to the dataset ("html/plo-01.html").
    pub file: String,
    /// "article" or "listing".
    pub kind: String,
    /// The page's address, or a stand-in where the dataset knows none.
    pub url: Url,
    /// The day it was saved, at noon UTC: the reference for its dates.
    pub fetched_at: chrono::DateTime<chrono::Utc>,
    pub bytes: Vec<u8>,
}

/// Every page of the dataset, in its order.
pub fn pages() -> Vec<RealPage> {
    let dir = dataset();
    let list = std::fs::read_to_string(dir.join("pages.jsonl")).expect("pages.jsonl");
    list.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let page: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let file = page["file"].as_str().expect("file").to_string();
            let url = page["url"]
                .as_str()
                .map(|u| Url::parse(u).expect("url"))
                .unwrap_or_else(|| Url::parse("https://example.vn/page").expect("url"));
            let fetched_at = page["saved"]
                .as_str()
                .and_then(|d| format!("{d}T12:00:00Z").parse().ok())
                .expect("saved day");
            let bytes = std::fs::read(dir.join(&file)).expect("page");
            RealPage {
                kind: page["kind"].as_str().expect("kind").to_string(),
                file,
                url,
                fetched_at,
                bytes,
            }
        })
        .collect()
}
