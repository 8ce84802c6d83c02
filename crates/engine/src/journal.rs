//! Where the outcome of the crawl is made durable before it is applied to the local store,
//! when the crawl is shared by several workers: a cluster writes each [`Unit`] in one Kafka
//! transaction (records, dead letters, state entries, pages found for the frontier, frontier
//! offsets consumed), so that a page's record and its settled state are seen together or not
//! at all. Without a journal (one process), records go to the sink and states to the local
//! store, each confirmed in turn.

use std::future::Future;
use std::pin::Pin;
use tinstream_crawler::changelog::Entry;
use tinstream_crawler::FrontierEntry;
use tinstream_model::Article;
use tinstream_sink::DeadLetter;

/// Why a unit was not written.
pub type JournalError = Box<dyn std::error::Error + Send + Sync>;

/// What one step of the crawl produced, written atomically.
#[derive(Debug, Default, Clone)]
pub struct Unit {
    /// The partition the state entries and consumed offset belong to.
    pub partition: u32,
    /// Records delivered by this step.
    pub records: Vec<Article>,
    /// Dead letters of pages given up in this step.
    pub dead_letters: Vec<DeadLetter>,
    /// Changes to the partition's crawl state.
    pub entries: Vec<Entry>,
    /// Pages found, for the frontier of their own partition.
    pub found: Vec<Found>,
    /// The frontier offset of `partition` read up to (the next one to read), when the step
    /// admitted frontier messages.
    pub consumed: Option<i64>,
}

/// A page found by a source, on its way to its site's partition.
#[derive(Debug, Clone)]
pub struct Found {
    /// The partition of its registrable domain.
    pub partition: u32,
    /// Its registrable domain: the frontier topic's key.
    pub domain: String,
    /// Its key in the crawl state (the normalised URL).
    pub key: String,
    pub entry: FrontierEntry,
}

/// A step's records and dead letters, kept with the page until its state is written.
#[derive(Debug, Default)]
pub(crate) struct Output {
    pub(crate) records: Vec<Article>,
    /// When each record's page was fetched, for the delivery latency once it is written.
    pub(crate) fetched: Vec<std::time::Instant>,
    pub(crate) dead_letters: Vec<DeadLetter>,
    /// The server asked for the page, and when it may be asked next (Unix milliseconds): kept
    /// in the partition's state, so that a new owner keeps the per-host delay.
    pub(crate) turns: Vec<(String, i64)>,
}

/// Makes units durable; each write resolves once its unit is.
pub trait Journal: Send + Sync {
    fn write(&self, unit: Unit) -> Pin<Box<dyn Future<Output = Result<(), JournalError>> + Send>>;

    /// Whether the journal can ever write `record`: the reason when it cannot (it is larger
    /// than a message may be). Such a record goes to the dead letters at once; written, it
    /// would fail its whole unit, and every other page's with it, each time it is redone.
    fn admits(&self, record: &Article) -> Result<(), String> {
        let _ = record;
        Ok(())
    }

    /// `partition` was lost (given to another worker without waiting), and nothing more of it
    /// will be written. Units written before must not become durable any more, if they are
    /// not yet: the next owner does their work again.
    fn lost(&self, partition: u32) {
        let _ = partition;
    }
}
