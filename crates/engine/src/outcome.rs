//! How a run of the pipeline ended, for `run --once`'s exit status: a cron job must be able
//! to tell a run that did everything it found from one that left work behind.

/// How a run ended: what `run --once` answers with its exit status.
#[derive(Debug, Default)]
pub struct RunOutcome {
    /// Whether a stop (a signal, `--max-duration`) ended the run before it was done.
    pub interrupted: bool,
    /// Sources whose poll in this run could not read one of their documents.
    pub unread_sources: usize,
    /// Pages found and not settled (delivered, not an article, or dead-lettered) when the run
    /// ended: still in the frontier, done by the next run.
    pub pending_pages: u64,
    /// Why the sink did not confirm everything handed to it before the run ended, if it did
    /// not.
    pub unconfirmed: Option<String>,
}

impl RunOutcome {
    /// Whether every page found was settled and every record handed to the sink was
    /// confirmed (with the spool on, a record is confirmed once it is synced to the spool).
    pub fn is_complete(&self) -> bool {
        !self.interrupted
            && self.unread_sources == 0
            && self.pending_pages == 0
            && self.unconfirmed.is_none()
    }
}

impl std::fmt::Display for RunOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if self.interrupted {
            parts.push("it was stopped (signal or --max-duration) before it was done".into());
        }
        if self.unread_sources > 0 {
            parts.push(format!(
                "{} source(s) could not be read (the log says why)",
                self.unread_sources
            ));
        }
        if self.pending_pages > 0 {
            parts.push(format!(
                "{} page(s) found are not settled yet (kept in the crawl state for the next run)",
                self.pending_pages
            ));
        }
        if let Some(reason) = &self.unconfirmed {
            parts.push(format!("the sink did not confirm every record: {reason}"));
        }
        if parts.is_empty() {
            return f.write_str("every page found was settled");
        }
        write!(f, "the run ended with work left: {}", parts.join("; "))
    }
}
