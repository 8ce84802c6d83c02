//! The pages both speed benches read.

use std::io::Read;
use std::path::Path;

/// The first 300 pages of `../shared/datasets/wcxb-articles` (decompressed here, before any
/// timing) when that folder exists beside the repository, else the fixtures of
/// `tests/fixtures/sites`.
pub fn pages() -> Vec<Vec<u8>> {
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
