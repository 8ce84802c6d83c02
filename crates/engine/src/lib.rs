//! The crawl engine of tinstream: sources polled into a frontier, pages fetched politely,
//! parsed and delivered, and the crawl state committed as the sink confirms.
//!
//! The crawl is split by registrable domain into partitions, each with its crawl state (the
//! frontier, what became of each page, the sources' schedules); an [`Engine`] works on the
//! partitions it is handed through its [`Ownership`] and can give them back while it runs, so
//! that workers can share a crawl. A crawl of one process is one partition. [`Engine::run`] starts a poller per source, which adds the article
//! URLs a feed, sitemap, list or section page gives to the frontier; a dispatcher takes due
//! pages from it, at most `crawler.concurrency` at a time, and runs each through robots.txt,
//! per-host pacing, fetching with retries, parsing on the blocking pool and delivery. A page
//! is written to the state as delivered only once the sink confirms its record, in the same
//! transaction that takes it out of the frontier: a crash before that means the page is done
//! again after restart, never lost.
//!
//! Backpressure runs back along the same path. A parsed record takes one of
//! `sink.max_in_flight` delivery permits before it leaves its fetch slot and keeps it until
//! the sink confirms it; while the destination is down, crawling goes on until the permits are
//! gone, then the fetch slots fill and the dispatcher stops taking pages. The frontier grows on
//! disk only: memory stays bounded and nothing is dropped.
//!
//! The engine reports what it does as typed [`Event`]s to the [`Observer`] it is given, and
//! how it can be asked from elsewhere (readiness, state size) through a [`Probe`].
//!
//! ```no_run
//! use std::sync::Arc;
//! use tinstream_engine::{Engine, EngineConfig, Unobserved};
//! use tokio_util::sync::CancellationToken;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let mut config = EngineConfig {
//!     crawler: Default::default(),
//!     sources: vec![toml::from_str(r#"url = "https://example.com/rss" kind = "feed""#)?],
//!     sink: Default::default(),
//!     // The whole crawl in one partition, in `crawler.data_dir`.
//!     partitions: 1,
//! };
//! config.crawler.data_dir = "/var/lib/tinstream".into();
//! let parser = tinstream_parser::Parser::default();
//! let stop = CancellationToken::new();
//! let engine = Engine::open(config, parser, Arc::new(Unobserved), stop.clone()).await?;
//! let pages_waiting = engine.ownership().assign(0).await?;
//! // Every source polled once and every page found settled, then the run ends.
//! let outcome = engine.run(true, None).await?;
//! println!("{outcome}");
//! # Ok(())
//! # }
//! ```

mod cluster;
mod deliver;
mod dispatch;
mod domain;
mod drain;
mod engine;
mod journal;
mod observe;
mod outcome;
mod page;
mod partition;
mod polite;
mod settle;
mod sources;
mod upkeep;

pub use cluster::{ClusterConfig, ClusterMode};
pub use domain::{domain_key, partition_of};
pub use engine::{Engine, EngineConfig, EngineError, Ownership, Probe, Reload, Restorer};
pub use journal::{Found, Journal, JournalError, Unit};
pub use observe::{status_class, Event, Observer, Unobserved};
pub use outcome::RunOutcome;
