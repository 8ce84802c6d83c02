//! Runs the bot-challenge check over saved pages and lists those it takes for challenges: the
//! measure of its false positives on pages known to be articles.
//!
//! ```sh
//! cargo run --release -p tinstream-crawler --example challenges -- ../shared/datasets/*/html
//! ```
//!
//! Files ending in `.gz` are decompressed first.

use std::io::Read;
use std::path::{Path, PathBuf};

fn main() -> std::io::Result<()> {
    let mut pages = 0;
    let mut flagged = 0;
    for dir in std::env::args().skip(1) {
        let mut files = Vec::new();
        collect(Path::new(&dir), &mut files)?;
        files.sort();
        for file in files {
            let mut bytes = std::fs::read(&file)?;
            if file.extension().is_some_and(|e| e == "gz") {
                let mut plain = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut plain)?;
                bytes = plain;
            }
            pages += 1;
            if let Some(challenge) = tinstream_crawler::challenge::detect(false, &bytes) {
                flagged += 1;
                println!("{}\t{}", file.display(), challenge.as_str());
            }
        }
    }
    println!("{pages} pages, {flagged} taken for challenges");
    Ok(())
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            collect(&entry?.path(), out)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}
