//! `tinstream`: crawls news sites, extracts clean article records and publishes them.
//!
//! Commands: `run` (the long-lived service), `extract` (one-shot extraction of files or URLs),
//! `eval` (score the parser on a dataset), `check-config` (validate and print the effective
//! configuration), `tail` (print what the service publishes) and `ingest-warc` (backfill from
//! web archives).

mod config;
mod eval;
mod extract;
mod ingest_warc;
mod logging;
mod metrics;
mod progress;
mod serve;
mod service;
mod tail;

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "tinstream",
    version,
    about = "News ingestion: crawl, extract, publish to Kafka"
)]
struct Cli {
    /// Configuration file, for every command (default: config/default.toml, from the working
    /// directory).
    #[arg(short = 'c', long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the crawler service until SIGINT or SIGTERM.
    Run {
        /// Poll every source once, finish the pages found, then exit: 0 when every page found
        /// is settled (delivered, not an article, or dead-lettered), 1 otherwise.
        #[arg(long)]
        once: bool,
        /// Stop after this long (such as `10m`), as a SIGTERM would; pages not settled by then
        /// make a `--once` run exit 1.
        #[arg(long, value_name = "DURATION", value_parser = tinstream_model::duration::parse)]
        max_duration: Option<std::time::Duration>,
    },
    /// Extract article records from files, directories of .html/.html.gz, or URLs.
    Extract {
        /// Files, directories or http(s) URLs.
        #[arg(required = true)]
        inputs: Vec<String>,
        /// The page's address, for a single file input (resolves links, names the site).
        #[arg(long)]
        url: Option<String>,
        /// `json`: one indented object per input; `jsonl`: one line per input, with its
        /// `source`. Default: json for one input, jsonl for several.
        #[arg(long, value_enum)]
        format: Option<extract::Format>,
        /// Folder of site rules (default: the configuration's parser.sites_dir).
        #[arg(long, value_name = "DIR")]
        sites_dir: Option<PathBuf>,
        /// Threads used to parse (default: all cores).
        #[arg(short = 'j', long)]
        jobs: Option<usize>,
        /// Print the record a page gives even when it is not judged an article (with
        /// `is_article` in it), to see what the extractor found.
        #[arg(long)]
        force: bool,
        /// Fetch URLs on loopback, private and other non-public addresses too (as
        /// crawler.allow_private_networks = true does for the service).
        #[arg(long)]
        allow_private_networks: bool,
        /// Judge each page as the service does when a source lists it so: `article` (a
        /// feed's item, a news sitemap's entry), `listing` (a section source), `unknown`.
        #[arg(long, value_enum, default_value_t)]
        listed_as: extract::ListedAs,
    },
    /// Score the parser on an extraction dataset (truth.jsonl + html/<id>.html.gz).
    Eval {
        /// The dataset folder, such as ../shared/datasets/wcxb-articles.
        dataset: PathBuf,
        /// Only the pages of this split or subset (such as `test`, `dev`, `bbaw`).
        #[arg(long)]
        split: Option<String>,
        /// Threads used to parse (default: all cores).
        #[arg(short = 'j', long)]
        jobs: Option<usize>,
        /// Also list the N pages with the lowest body F1.
        #[arg(long, default_value_t = 0)]
        worst: usize,
        /// Also write each page's record (with the page's `id` and `is_article`), one JSON
        /// line per page, to this file: what a miss is made of.
        #[arg(long, value_name = "FILE")]
        records: Option<PathBuf>,
        /// Judge each page as the service does when a source lists it so (see `extract`);
        /// the figures are the parser's alone with the default, `unknown`.
        #[arg(long, value_enum, default_value_t)]
        listed_as: extract::ListedAs,
    },
    /// Validate the configuration, print it as the service would use it (paths made
    /// absolute, secrets masked) and warn about what looks unintended.
    CheckConfig,
    /// Backfill: parse the HTML responses of WARC files (plain or gzipped, such as CC-NEWS)
    /// and deliver their records to the configured sink ([parser] and [sink] tables).
    IngestWarc {
        /// WARC files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the records arriving in a Kafka topic (by default the configured sink's).
    Tail {
        /// Bootstrap brokers (default: sink.kafka.brokers of the configuration).
        #[arg(short = 'b', long)]
        brokers: Option<String>,
        /// Topic to read (default: sink.kafka.topic, or sink.kafka.dlq_topic with
        /// --dead-letters).
        #[arg(short = 't', long)]
        topic: Option<String>,
        /// Where to start: `beginning`, `end` (the next new record) or an offset N in every
        /// partition.
        #[arg(short = 'o', long, default_value = "end", value_parser = tail::parse_offset)]
        offset: tail::StartAt,
        /// Same as `-o beginning`.
        #[arg(long, conflicts_with = "offset")]
        from_beginning: bool,
        /// One JSON object per line, as published, instead of readable text.
        #[arg(long)]
        json: bool,
        /// Stop after this many records.
        #[arg(long)]
        count: Option<u64>,
        /// Read the dead-letter topic instead.
        #[arg(long)]
        dead_letters: bool,
        /// Fail when no broker answers within this long.
        #[arg(long, default_value = "10s", value_parser = tinstream_model::duration::parse)]
        timeout: std::time::Duration,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let path = cli.config.clone();
    let result = match cli.command {
        Command::Run { once, max_duration } => run(path, once, max_duration),
        Command::Extract {
            inputs,
            url,
            format,
            sites_dir,
            jobs,
            force,
            allow_private_networks,
            listed_as,
        } => {
            logging::init_for_tools();
            extract::main(extract::Request {
                inputs: &inputs,
                base_url: url.as_deref(),
                format,
                config: path.as_deref(),
                sites_dir,
                jobs,
                force,
                allow_private_networks,
                listed_as,
            })
        }
        Command::Eval {
            dataset,
            split,
            jobs,
            worst,
            records,
            listed_as,
        } => {
            logging::init_for_tools();
            eval::main(eval::Request {
                dataset: &dataset,
                split: split.as_deref(),
                jobs,
                worst,
                records: records.as_deref(),
                expect: listed_as.expect(),
            })
        }
        Command::CheckConfig => check_config(path),
        Command::IngestWarc { files } => ingest_warc(path, &files),
        Command::Tail {
            brokers,
            topic,
            offset,
            from_beginning,
            json,
            count,
            dead_letters,
            timeout,
        } => tail(
            path,
            tail::TailOptions {
                brokers,
                topic,
                start: if from_beginning {
                    tail::StartAt::Beginning
                } else {
                    offset
                },
                json,
                count,
                dead_letters,
                timeout,
            },
        ),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("tinstream: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn ingest_warc(path: Option<PathBuf>, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let path = config::path_or_default(path);
    let config = config::Config::load(&path)?;
    logging::init_for_tools();
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(ingest_warc::main(&config, files))
}

fn tail(path: Option<PathBuf>, options: tail::TailOptions) -> anyhow::Result<ExitCode> {
    // With the brokers and the topic on the command line, no configuration is needed; one
    // that was named must still load.
    let config = match (&path, &options.brokers) {
        (None, Some(_)) => None,
        _ => Some(config::Config::load(&config::path_or_default(path))?),
    };
    logging::init_for_tools();
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let outcome = runtime.block_on(tail::main(config.as_ref(), options));
    // A question to the brokers may still be waiting on the blocking pool; its answer no
    // longer matters, and waiting for it would hold the exit back until its timeout.
    runtime.shutdown_background();
    outcome?;
    Ok(ExitCode::SUCCESS)
}

fn run(
    path: Option<PathBuf>,
    once: bool,
    max_duration: Option<std::time::Duration>,
) -> anyhow::Result<ExitCode> {
    let path = config::path_or_default(path);
    let loaded = config::Config::load_checked(&path)?;
    if let Some(refusal) = config::checks::refusal_for_run(&loaded.config, &path) {
        anyhow::bail!(refusal);
    }
    logging::init(&loaded.config.log);
    for warning in &loaded.warnings {
        tracing::warn!(config = %path.display(), "{warning}");
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let outcome = runtime.block_on(async {
        let shutdown = tokio_util::sync::CancellationToken::new();
        tokio::spawn(watch_signals(shutdown.clone()));
        if let Some(limit) = max_duration {
            tokio::spawn(stop_after(limit, shutdown.clone()));
        }
        let (requests, received) = tokio::sync::mpsc::channel(1);
        tokio::spawn(watch_hangups(requests));
        service::run(loaded.config, path, once, shutdown, received).await
    });
    // What the service needed is done once it returned. The blocking pool may still hold a
    // question to the brokers (a refused start) or a Kafka client being destroyed that waits
    // on brokers (a transactional producer that was given up): safe to cut short, since the
    // stores survive a kill and the brokers abort an open transaction, and waiting could hold
    // the exit back for ever.
    let grace = if outcome.is_err() { 1 } else { 10 };
    runtime.shutdown_timeout(std::time::Duration::from_secs(grace));
    let outcome = outcome?;
    if once && !outcome.is_complete() {
        eprintln!("tinstream: {outcome}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// `--max-duration`: asks for the same graceful stop as a first SIGTERM once `limit` is up.
async fn stop_after(limit: std::time::Duration, shutdown: tokio_util::sync::CancellationToken) {
    tokio::select! {
        _ = tokio::time::sleep(limit) => {
            tracing::warn!(
                max_duration = %tinstream_model::duration::format(limit),
                "--max-duration reached: finishing pages in flight"
            );
            shutdown.cancel();
        }
        _ = shutdown.cancelled() => {}
    }
}

/// The first SIGINT or SIGTERM asks for a graceful stop; a second one exits at once. The
/// crawl state is only ever written in whole transactions, so an immediate exit loses at most
/// the confirmations not yet written, and those pages are done again on restart.
async fn watch_signals(shutdown: tokio_util::sync::CancellationToken) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot install signal handlers");
        return;
    };
    for round in 0..2 {
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
        if round == 0 {
            tracing::info!("stop requested: finishing pages in flight (signal again to exit now)");
            shutdown.cancel();
        } else {
            tracing::warn!("second stop signal: exiting now");
            std::process::exit(130);
        }
    }
}

/// Each SIGHUP asks for the sources to be read again from the configuration file.
async fn watch_hangups(requests: tokio::sync::mpsc::Sender<()>) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        tracing::error!("cannot install the SIGHUP handler; reload by restarting");
        return;
    };
    while hangups.recv().await.is_some() {
        tracing::info!("SIGHUP: reloading the sources");
        // A request already waiting covers this one too.
        let _ = requests.try_send(());
    }
}

fn check_config(path: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let path = config::path_or_default(path);
    let loaded = config::Config::load_checked(&path)?;
    let config = loaded.config.with_absolute_paths();
    let rules = config::load_site_rules(&config.parser.sites_dir)?;
    let shown = config
        .to_masked_toml()
        .context("cannot print the configuration")?;
    println!(
        "# effective configuration from {}",
        config::absolute(&path).display()
    );
    println!(
        "# {} site rule(s) from {}",
        rules.len(),
        config.parser.sites_dir.display()
    );
    print!("{shown}");
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    if let Some(refusal) = config::checks::refusal_for_run(&loaded.config, &path) {
        eprintln!("tinstream: {refusal}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
