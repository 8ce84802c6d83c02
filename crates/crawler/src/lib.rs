//! Discovers and fetches news pages, politely, and remembers what it has done.
//!
//! The pieces, each usable alone: [`Fetcher`] (HTTP with size, time and address limits),
//! [`RobotsCache`] (robots.txt per origin), [`HostGate`] (per-host pacing), [`discover`]
//! (feeds, sitemaps, section-page links), [`urls`] (normalisation) and [`StateStore`] (the
//! crawl state that survives restarts, with the [`frontier`] of pages still to do). The binary wires them into the pipeline.
//!
//! It does not parse articles nor deliver records: those are the parser's and the sinks' jobs.

pub mod challenge;
pub mod changelog;
pub mod config;
pub mod discover;
pub mod fetch;
pub mod frontier;
pub mod hosts;
pub mod robots;
pub mod state;
/// URL normalisation lives with the record's identity; re-exported for the crawl's keys.
pub use tinstream_model::urls;

pub use challenge::Challenge;
pub use config::{CrawlerConfig, SourceConfig, SourceKind};
pub use fetch::{Conditional, FetchError, Fetched, Fetcher, Validators};
pub use frontier::{Added, FrontierEntry, Recheck, StateChange};
pub use hosts::HostGate;
pub use robots::{RobotsCache, RobotsDecision};
pub use state::{PageState, PageStatus, StateError, StateStore};
