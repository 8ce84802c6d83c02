//! Dropping duplicate records on the consumer side.
//!
//! tinstream delivers at least once: after a crash, a record may arrive a second time, with
//! the same `id` and the same `content_hash`. An updated article also arrives again under its
//! `id`, but with a new `content_hash`. [`Seen`] tells the two apart with bounded memory.

use std::collections::{HashMap, VecDeque};

/// What a consumer should do with a record it just read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The first record with this id.
    New,
    /// A known id with new content: an update of the article.
    Updated,
    /// The same id and content as before: a redelivery, to drop.
    Duplicate,
}

/// The last content hash of the most recently seen ids, up to a capacity; the oldest id is
/// forgotten first.
#[derive(Debug)]
pub struct Seen {
    hashes: HashMap<String, String>,
    order: VecDeque<String>,
    capacity: usize,
}

impl Seen {
    /// Remembers at most `capacity` ids (at least one). Duplicates come from a crash window,
    /// so a capacity a little above the producer's records in flight is enough; more costs
    /// about 100 bytes an id.
    pub fn new(capacity: usize) -> Seen {
        Seen {
            hashes: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Judges one record by its `id` and `content_hash`, and remembers it.
    pub fn check(&mut self, id: &str, content_hash: &str) -> Verdict {
        if let Some(known) = self.hashes.get_mut(id) {
            if known == content_hash {
                return Verdict::Duplicate;
            }
            *known = content_hash.to_string();
            return Verdict::Updated;
        }
        if self.order.len() >= self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.hashes.remove(&oldest);
            }
        }
        self.order.push_back(id.to_string());
        self.hashes.insert(id.to_string(), content_hash.to_string());
        Verdict::New
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redeliveries_are_duplicates_and_new_content_is_an_update() {
        let mut seen = Seen::new(10);
        assert_eq!(seen.check("a", "h1"), Verdict::New);
        assert_eq!(seen.check("a", "h1"), Verdict::Duplicate);
        assert_eq!(seen.check("a", "h2"), Verdict::Updated);
        assert_eq!(seen.check("a", "h2"), Verdict::Duplicate);
        assert_eq!(seen.check("b", "h1"), Verdict::New);
    }

    #[test]
    fn the_oldest_id_is_forgotten_first() {
        let mut seen = Seen::new(2);
        seen.check("a", "h");
        seen.check("b", "h");
        seen.check("c", "h");
        assert_eq!(seen.check("b", "h"), Verdict::Duplicate);
        assert_eq!(seen.check("a", "h"), Verdict::New);
    }
}
