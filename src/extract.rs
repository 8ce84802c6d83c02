//! `tinstream extract`: one-shot extraction of files, directories and URLs.
//!
//! One input prints one pretty JSON object; several print one JSON line per input, in input
//! order, each with a `source` field. Pages are parsed on a pool of `-j` threads.

use anyhow::{bail, Context};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tinstream_crawler::{CrawlerConfig, Fetcher};
use tinstream_parser::{Extraction, Page, Parser, ParserOptions};
use url::Url;

enum Input {
    File(PathBuf),
    Url(Url),
}

impl Input {
    fn source(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Url(u) => u.to_string(),
        }
    }
}

/// Inputs parsed together before their results are printed.
const CHUNK: usize = 256;

/// Loaded bytes with what the parser needs to know about them.
struct Loaded {
    bytes: Vec<u8>,
    url: Url,
    charset: Option<String>,
}

pub fn main(
    inputs: &[String],
    base_url: Option<&str>,
    jobs: Option<usize>,
    force: bool,
) -> anyhow::Result<ExitCode> {
    let base_url = base_url
        .map(|u| Url::parse(u).with_context(|| format!("--url {u:?} is not a valid URL")))
        .transpose()?;
    let mut expanded = Vec::new();
    for input in inputs {
        expand(input, &mut expanded)?;
    }
    if base_url.is_some() && expanded.len() != 1 {
        bail!(
            "--url applies to a single input, but {} were given",
            expanded.len()
        );
    }
    let single = inputs.len() == 1 && expanded.len() == 1;
    let options = ParserOptions::default();
    // The site rules of the working directory's config/sites, as `run` would use them.
    let parser = crate::config::parser(&options)?;

    // Fetch URL inputs first (network I/O), then parse everything on the thread pool.
    let fetched = fetch_urls(&expanded)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .context("cannot start the parsing threads")?;
    // Pages are parsed a chunk at a time and printed in input order, so memory stays bounded
    // however many inputs a directory holds.
    let mut fetched = fetched;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failures = 0;
    let progress = crate::progress::bar(if single { 0 } else { expanded.len() as u64 }, "pages");
    for (chunk_index, chunk) in expanded.chunks(CHUNK).enumerate() {
        let work: Vec<(&Input, Option<Result<Loaded, String>>)> = chunk
            .iter()
            .enumerate()
            .map(|(j, input)| (input, fetched[chunk_index * CHUNK + j].take()))
            .collect();
        let results: Vec<Result<Value, String>> = pool.install(|| {
            work.into_par_iter()
                .map(|(input, prefetched)| {
                    let loaded = match input {
                        Input::File(path) => {
                            load_file(path, base_url.as_ref(), options.max_page_bytes)
                        }
                        Input::Url(_) => prefetched.unwrap_or_else(|| Err("not fetched".into())),
                    }?;
                    parse(&parser, &loaded, force)
                })
                .collect()
        });
        progress.inc(chunk.len() as u64);
        for (input, result) in chunk.iter().zip(results) {
            let source = input.source();
            match result {
                Ok(value) if single => writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?,
                Ok(mut value) => {
                    if let Value::Object(map) = &mut value {
                        map.insert("source".into(), Value::String(source));
                    }
                    writeln!(out, "{}", serde_json::to_string(&value)?)?;
                }
                Err(error) if single => {
                    out.flush()?;
                    bail!("{source}: {error}");
                }
                Err(error) => {
                    failures += 1;
                    writeln!(out, "{}", json!({ "source": source, "error": error }))?;
                }
            }
        }
    }
    out.flush()?;
    progress.finish_and_clear();
    if failures > 0 {
        eprintln!("tinstream: {failures} of {} inputs failed", expanded.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn expand(input: &str, out: &mut Vec<Input>) -> anyhow::Result<()> {
    if input.starts_with("http://") || input.starts_with("https://") {
        out.push(Input::Url(
            Url::parse(input).with_context(|| format!("{input:?} is not a valid URL"))?,
        ));
        return Ok(());
    }
    let path = Path::new(input);
    let meta = std::fs::metadata(path).with_context(|| format!("{input}: cannot read"))?;
    if meta.is_dir() {
        let mut files = Vec::new();
        walk(path, &mut files).with_context(|| format!("{input}: cannot list the directory"))?;
        files.sort();
        out.extend(files.into_iter().map(Input::File));
    } else {
        out.push(Input::File(path.to_path_buf()));
    }
    Ok(())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".html") || name.ends_with(".htm") || name.ends_with(".html.gz") {
                out.push(path);
            }
        }
    }
    Ok(())
}

fn load_file(path: &Path, base_url: Option<&Url>, limit: usize) -> Result<Loaded, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    // Read one byte past the limit so that the parser can say the page is too large.
    let cap = limit as u64 + 1;
    let read = if path.extension().is_some_and(|e| e == "gz") {
        flate2::read::GzDecoder::new(file)
            .take(cap)
            .read_to_end(&mut bytes)
    } else {
        file.take(cap).read_to_end(&mut bytes)
    };
    read.map_err(|e| e.to_string())?;
    let url = match base_url {
        Some(u) => u.clone(),
        None => {
            let absolute = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
            Url::from_file_path(&absolute).map_err(|_| "cannot make a file URL".to_string())?
        }
    };
    Ok(Loaded {
        bytes,
        url,
        charset: None,
    })
}

fn fetch_urls(inputs: &[Input]) -> anyhow::Result<Vec<Option<Result<Loaded, String>>>> {
    if !inputs.iter().any(|i| matches!(i, Input::Url(_))) {
        return Ok(inputs.iter().map(|_| None).collect());
    }
    // Addresses on the command line are the user's own choice: private ones are allowed.
    let config = CrawlerConfig {
        allow_private_networks: true,
        ..CrawlerConfig::default()
    };
    let fetcher = Fetcher::new(&config).context("cannot build the HTTP client")?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    Ok(runtime.block_on(async {
        let mut out = Vec::with_capacity(inputs.len());
        for input in inputs {
            out.push(match input {
                Input::File(_) => None,
                Input::Url(url) => Some(
                    fetcher
                        .fetch(url)
                        .await
                        .map(|f| Loaded {
                            bytes: f.bytes,
                            url: f.url,
                            charset: f.charset,
                        })
                        .map_err(|e| e.to_string()),
                ),
            });
        }
        out
    }))
}

fn parse(parser: &Parser, loaded: &Loaded, force: bool) -> Result<Value, String> {
    let page = Page {
        bytes: &loaded.bytes,
        url: &loaded.url,
        http_charset: loaded.charset.as_deref(),
        fetched_at: chrono::Utc::now(),
    };
    if force {
        let analysis = parser.analyze(page).map_err(|e| e.to_string())?;
        let mut value = serde_json::to_value(&analysis.record).map_err(|e| e.to_string())?;
        if let Value::Object(map) = &mut value {
            map.insert("is_article".into(), Value::Bool(analysis.is_article));
        }
        return Ok(value);
    }
    let extraction = parser.parse(page).map_err(|e| e.to_string())?;
    let value = match extraction {
        Extraction::Article(article) => serde_json::to_value(&*article),
        Extraction::NotArticle(page) => serde_json::to_value(&page),
    };
    value.map_err(|e| e.to_string())
}
