//! `tinstream extract`: one-shot extraction of files, directories and URLs.
//!
//! `--format json` prints one indented object per input, `jsonl` one line per input; the
//! default is json for one input and jsonl for several. With several inputs each object
//! carries its `source`, and an input that cannot be read, fetched or parsed gives an object
//! with its `source` and `error` in its place: the others go on, and the exit status is 1.
//! Keys come in the record's schema order, as the sinks write them. Pages are parsed on a
//! pool of `-j` threads.

use anyhow::{bail, Context};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tinstream_crawler::{CrawlerConfig, Fetcher};
use tinstream_parser::{Expect, Extraction, Hints, Page, Parser, ParserOptions};
use url::Url;

/// How records are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One indented JSON object per input.
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// What the page's source is taken to list it as (`--listed-as`): the service weighs in its
/// sources' word (a feed's item is expected to be an article, an operator's section page a
/// listing); this lets a page be judged as one of them would see it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ListedAs {
    /// Nothing known: the page alone decides (an entry of a general sitemap).
    #[default]
    Unknown,
    /// An article: a feed's item, a news sitemap's entry, a `url` or `list` source.
    Article,
    /// A listing: a `section` source.
    Listing,
}

impl ListedAs {
    /// The parser's expectation.
    pub fn expect(self) -> Expect {
        match self {
            ListedAs::Unknown => Expect::Unknown,
            ListedAs::Article => Expect::Article,
            ListedAs::Listing => Expect::Listing,
        }
    }
}

/// What `extract` was asked for.
pub struct Request<'a> {
    /// Files, directories or URLs, as given.
    pub inputs: &'a [String],
    /// `--url`: the address of a single file input.
    pub base_url: Option<&'a str>,
    /// `--format`, if given.
    pub format: Option<Format>,
    /// `-c/--config`: the configuration whose [parser] (and [crawler], for URLs) is used;
    /// without it, the built-in defaults.
    pub config: Option<&'a Path>,
    /// `--sites-dir`: overrides parser.sites_dir.
    pub sites_dir: Option<PathBuf>,
    /// `-j`: parsing threads.
    pub jobs: Option<usize>,
    /// `--force`: print what a page gives even when it is not an article.
    pub force: bool,
    /// `--allow-private-networks`: fetch non-public addresses too.
    pub allow_private_networks: bool,
    /// `--listed-as`: what the page's source is taken to list it as.
    pub listed_as: ListedAs,
}

enum Input {
    File(PathBuf),
    Url(Url),
    /// An input that could not be expanded, with why.
    Unusable(String, String),
}

impl Input {
    fn source(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Url(u) => u.to_string(),
            Input::Unusable(source, _) => source.clone(),
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

/// One printed object: the record, then what `extract` adds to it.
#[derive(Serialize)]
struct Printed<'a, T: Serialize> {
    #[serde(flatten)]
    record: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_article: Option<bool>,
    /// With `--force`: the rule of the verdict, as a refused page's `reason` gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

/// How each result is written.
#[derive(Clone, Copy)]
struct Style<'a> {
    pretty: bool,
    source: Option<&'a str>,
}

impl Style<'_> {
    fn write<T: Serialize>(
        &self,
        record: &T,
        verdict: Option<(bool, &str)>,
    ) -> Result<String, String> {
        let printed = Printed {
            record,
            is_article: verdict.map(|v| v.0),
            verdict: verdict.map(|v| v.1),
            source: self.source,
        };
        let text = if self.pretty {
            serde_json::to_string_pretty(&printed)
        } else {
            serde_json::to_string(&printed)
        };
        text.map_err(|e| format!("cannot write the record as JSON: {e}"))
    }
}

pub fn main(request: Request<'_>) -> anyhow::Result<ExitCode> {
    let base_url = request
        .base_url
        .map(|u| Url::parse(u).with_context(|| format!("--url {u:?} is not a valid URL")))
        .transpose()?;
    let (mut options, crawler) = match request.config {
        Some(path) => {
            let config = crate::config::Config::load(path)?;
            (config.parser, config.crawler)
        }
        None => (ParserOptions::default(), CrawlerConfig::default()),
    };
    if let Some(dir) = request.sites_dir {
        if !dir.is_dir() {
            bail!("--sites-dir {}: no such folder", dir.display());
        }
        options.sites_dir = dir;
    }
    let mut expanded = Vec::new();
    for input in request.inputs {
        expand(input, &mut expanded);
    }
    if base_url.is_some() && expanded.len() != 1 {
        bail!(
            "--url applies to a single input, but {} were given",
            expanded.len()
        );
    }
    let single = request.inputs.len() == 1 && expanded.len() == 1;
    let format = request
        .format
        .unwrap_or(if single { Format::Json } else { Format::Jsonl });
    let parser = crate::config::parser(&options)?;

    // Fetch URL inputs first (network I/O), then parse everything on the thread pool.
    // The service's rule on non-public addresses, unless the command line says otherwise.
    let crawler = CrawlerConfig {
        allow_private_networks: crawler.allow_private_networks || request.allow_private_networks,
        ..crawler
    };
    let mut fetched = fetch_urls(&expanded, &crawler)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(request.jobs.unwrap_or(0))
        .build()
        .context("cannot start the parsing threads")?;
    // Pages are parsed a chunk at a time and printed in input order, so memory stays bounded
    // however many inputs a directory holds.
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
        let results: Vec<(String, Result<String, String>)> = pool.install(|| {
            work.into_par_iter()
                .map(|(input, prefetched)| {
                    let source = input.source();
                    let style = Style {
                        pretty: format == Format::Json,
                        source: (!single).then_some(source.as_str()),
                    };
                    let result = match input {
                        Input::File(path) => {
                            load_file(path, base_url.as_ref(), options.max_page_bytes)
                        }
                        Input::Url(_) => prefetched.unwrap_or_else(|| Err("not fetched".into())),
                        Input::Unusable(_, error) => Err(error.clone()),
                    }
                    .and_then(|loaded| {
                        parse(
                            &parser,
                            &loaded,
                            request.force,
                            request.listed_as.expect(),
                            style,
                        )
                    });
                    (source, result)
                })
                .collect()
        });
        progress.inc(chunk.len() as u64);
        for (source, result) in results {
            match result {
                Ok(text) => writeln!(out, "{text}")?,
                Err(error) if single => {
                    out.flush()?;
                    bail!("{source}: {error}");
                }
                Err(error) => {
                    failures += 1;
                    let letter = serde_json::json!({ "source": source, "error": error });
                    let text = if format == Format::Json {
                        serde_json::to_string_pretty(&letter)?
                    } else {
                        letter.to_string()
                    };
                    writeln!(out, "{text}")?;
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

/// Adds the pages `input` stands for; one that cannot be used becomes an error entry, so
/// that the other inputs still go on.
fn expand(input: &str, out: &mut Vec<Input>) {
    let unusable = |error: String| Input::Unusable(input.to_string(), error);
    if input.starts_with("http://") || input.starts_with("https://") {
        out.push(match Url::parse(input) {
            Ok(url) => Input::Url(url),
            Err(e) => unusable(format!("not a valid URL: {e}")),
        });
        return;
    }
    let path = Path::new(input);
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => return out.push(unusable(format!("cannot read: {e}"))),
    };
    if meta.is_dir() {
        let mut files = Vec::new();
        if let Err(e) = walk(path, &mut files) {
            return out.push(unusable(format!("cannot list the directory: {e}")));
        }
        files.sort();
        out.extend(files.into_iter().map(Input::File));
    } else {
        out.push(Input::File(path.to_path_buf()));
    }
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

fn fetch_urls(
    inputs: &[Input],
    crawler: &CrawlerConfig,
) -> anyhow::Result<Vec<Option<Result<Loaded, String>>>> {
    if !inputs.iter().any(|i| matches!(i, Input::Url(_))) {
        return Ok(inputs.iter().map(|_| None).collect());
    }
    let fetcher = Fetcher::new(crawler).context("cannot build the HTTP client")?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    Ok(runtime.block_on(async {
        let mut out = Vec::with_capacity(inputs.len());
        for input in inputs {
            out.push(match input {
                Input::File(_) | Input::Unusable(..) => None,
                Input::Url(url) => Some(
                    fetcher
                        .fetch(url)
                        .await
                        .map(|f| Loaded {
                            bytes: f.bytes,
                            url: f.url,
                            charset: f.charset,
                        })
                        // The error names the URL, which the output names already.
                        .map_err(|e| {
                            let text = e.to_string();
                            let prefix = format!("{url}: ");
                            text.strip_prefix(&prefix)
                                .map_or(text.clone(), str::to_string)
                        }),
                ),
            });
        }
        out
    }))
}

fn parse(
    parser: &Parser,
    loaded: &Loaded,
    force: bool,
    expect: Expect,
    style: Style<'_>,
) -> Result<String, String> {
    let page = Page {
        bytes: &loaded.bytes,
        url: &loaded.url,
        http_charset: loaded.charset.as_deref(),
        fetched_at: chrono::Utc::now(),
    };
    let hints = Hints {
        expect,
        ..Hints::default()
    };
    if force {
        let analysis = parser
            .analyze_listed(page, hints)
            .map_err(|e| e.to_string())?;
        return style.write(
            &analysis.record,
            Some((analysis.is_article, analysis.verdict)),
        );
    }
    match parser
        .parse_with_hints(page, hints)
        .map_err(|e| e.to_string())?
    {
        Extraction::Article(article) => style.write(&*article, None),
        Extraction::NotArticle(page) => style.write(&page, None),
    }
}
