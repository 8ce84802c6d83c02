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
mod pipeline;
mod progress;
mod serve;
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the crawler service until SIGINT or SIGTERM.
    Run {
        /// Configuration file (default: config/default.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Poll every source once, finish the pages found, then exit.
        #[arg(long)]
        once: bool,
    },
    /// Extract article records from files, directories of .html/.html.gz, or URLs.
    Extract {
        /// Files, directories or http(s) URLs.
        #[arg(required = true)]
        inputs: Vec<String>,
        /// The page's address, for a single file input (resolves links, names the site).
        #[arg(long)]
        url: Option<String>,
        /// Threads used to parse (default: all cores).
        #[arg(short = 'j', long)]
        jobs: Option<usize>,
        /// Print the record a page gives even when it is not judged an article (with
        /// `is_article` in it), to see what the extractor found.
        #[arg(long)]
        force: bool,
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
    },
    /// Validate the configuration and print it as the service would use it.
    CheckConfig {
        /// Configuration file (default: config/default.toml).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Backfill: parse the HTML responses of WARC files (plain or gzipped, such as CC-NEWS)
    /// and deliver their records to the configured sink.
    IngestWarc {
        /// Configuration file (default: config/default.toml); its [parser] and [sink] tables
        /// are used.
        #[arg(long)]
        config: Option<PathBuf>,
        /// WARC files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the records arriving in the Kafka topic of the configuration.
    Tail {
        /// Configuration file (default: config/default.toml); its [sink.kafka] table says
        /// where to read.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Start with the oldest record in the topic instead of the next new one.
        #[arg(long)]
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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { config, once } => run(config, once),
        Command::Extract {
            inputs,
            url,
            jobs,
            force,
        } => {
            logging::init_for_tools();
            extract::main(&inputs, url.as_deref(), jobs, force)
        }
        Command::Eval {
            dataset,
            split,
            jobs,
            worst,
        } => {
            logging::init_for_tools();
            eval::main(&dataset, split.as_deref(), jobs, worst)
        }
        Command::CheckConfig { config } => check_config(config),
        Command::IngestWarc { config, files } => ingest_warc(config, &files),
        Command::Tail {
            config,
            from_beginning,
            json,
            count,
            dead_letters,
        } => tail(
            config,
            tail::TailOptions {
                from_beginning,
                json,
                count,
                dead_letters,
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
    let path = config::path_or_default(path);
    let config = config::Config::load(&path)?;
    logging::init_for_tools();
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(tail::main(&config, options))?;
    Ok(ExitCode::SUCCESS)
}

fn run(path: Option<PathBuf>, once: bool) -> anyhow::Result<ExitCode> {
    let path = config::path_or_default(path);
    let config = config::Config::load(&path)?;
    logging::init(&config.log);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let shutdown = tokio_util::sync::CancellationToken::new();
        tokio::spawn(watch_signals(shutdown.clone()));
        let (requests, received) = tokio::sync::mpsc::channel(1);
        tokio::spawn(watch_hangups(requests));
        let reload = pipeline::Reload {
            path,
            requests: received,
        };
        pipeline::run(config, once, shutdown, Some(reload)).await
    })?;
    Ok(ExitCode::SUCCESS)
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
    let config = config::Config::load(&path)?;
    let rules = config::load_site_rules(&config.parser.sites_dir)?;
    let shown = config
        .to_masked_toml()
        .context("cannot print the configuration")?;
    println!("# effective configuration from {}", path.display());
    println!(
        "# {} site rule(s) from {}",
        rules.len(),
        config.parser.sites_dir.display()
    );
    print!("{shown}");
    Ok(ExitCode::SUCCESS)
}
