//! Per-host pacing: at most `per_host_concurrency` requests in flight to one host, and
//! requests to one host started at least `per_host_delay` (or the robots.txt `Crawl-delay`)
//! apart.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

struct HostState {
    next_start: Instant,
    /// When the last request really started (not when it was due).
    last_start: Option<Instant>,
    in_flight: Arc<Semaphore>,
}

/// The pacing state of every host seen.
pub struct HostGate {
    per_host_concurrency: usize,
    hosts: Mutex<HashMap<String, HostState>>,
}

/// Held while a request to a host is in flight.
pub struct HostPermit {
    _permit: Option<OwnedSemaphorePermit>,
    started: SystemTime,
}

impl HostPermit {
    /// When the host's turn began, by the wall clock: read together with the instant the next
    /// turn is spaced from, so that the two differ by nothing a busy machine puts between
    /// later readings.
    pub fn started(&self) -> SystemTime {
        self.started
    }
}

impl HostGate {
    /// A gate allowing `per_host_concurrency` requests per host at once.
    pub fn new(per_host_concurrency: usize) -> Self {
        HostGate {
            per_host_concurrency: per_host_concurrency.max(1),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for this host's turn: a free slot, and `delay` since the previous start.
    pub async fn enter(&self, host: &str, delay: Duration) -> HostPermit {
        let semaphore = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            hosts
                .entry(host.to_string())
                .or_insert_with(|| self.fresh())
                .in_flight
                .clone()
        };
        // The semaphore is never closed, so acquiring does not fail.
        let permit = semaphore.acquire_owned().await.ok();
        let started = loop {
            // Reserve the next start slot, then sleep until it comes.
            let start = {
                let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                match hosts.get_mut(host) {
                    Some(state) => {
                        let start = state.next_start.max(now);
                        state.next_start = start + delay;
                        start
                    }
                    None => now,
                }
            };
            tokio::time::sleep_until(start).await;
            // A process that was paused (or a runtime that fell behind) past several
            // reserved slots wakes their holders together: each start is also held to the
            // delay after the last real one, and waits for a slot again if it is too close.
            let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let wall = SystemTime::now();
            match hosts.get_mut(host) {
                Some(state) if state.last_start.is_some_and(|last| now < last + delay) => {}
                Some(state) => {
                    state.last_start = Some(now);
                    break wall;
                }
                None => break wall,
            }
        };
        HostPermit {
            _permit: permit,
            started,
        }
    }

    /// A host not seen before: free now.
    fn fresh(&self) -> HostState {
        HostState {
            next_start: Instant::now(),
            last_start: None,
            in_flight: Arc::new(Semaphore::new(self.per_host_concurrency)),
        }
    }

    /// When `host` may next be asked (its last start plus the delay that applied to it, or a
    /// back-off), if that is still to come: its turn, as the clock on the wall tells it, for
    /// another process that takes the host over.
    pub fn next_turn(&self, host: &str) -> Option<SystemTime> {
        let hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .get(host)
            .and_then(|state| wall_clock(state.next_start))
    }

    /// [`HostGate::next_turn`] of every host that `select` picks and whose turn is to come.
    pub fn next_turns(&self, mut select: impl FnMut(&str) -> bool) -> Vec<(String, SystemTime)> {
        let hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .iter()
            .filter(|(host, _)| select(host))
            .filter_map(|(host, state)| Some((host.clone(), wall_clock(state.next_start)?)))
            .collect()
    }

    /// Holds every next request to this host for `wait` from now (or longer if its next turn
    /// is already later): for a host that turns the crawler away, so that it is not asked
    /// again at the usual pace.
    pub fn back_off(&self, host: &str, wait: Duration) {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let state = hosts
            .entry(host.to_string())
            .or_insert_with(|| self.fresh());
        state.next_start = state.next_start.max(Instant::now() + wait);
    }
}

/// The wall-clock time of a future instant; None once it has passed.
fn wall_clock(at: Instant) -> Option<SystemTime> {
    let ahead = at.checked_duration_since(Instant::now())?;
    (!ahead.is_zero()).then(|| SystemTime::now() + ahead)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn starts_are_spaced_per_host() {
        let gate = HostGate::new(4);
        let t0 = Instant::now();
        let _a = gate.enter("a.example", Duration::from_secs(2)).await;
        let _b = gate.enter("a.example", Duration::from_secs(2)).await;
        assert_eq!(t0.elapsed(), Duration::from_secs(2));
        let _c = gate.enter("b.example", Duration::from_secs(2)).await;
        assert_eq!(
            t0.elapsed(),
            Duration::from_secs(2),
            "other hosts are not held up"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_host_backed_off_waits_and_others_do_not() {
        let gate = HostGate::new(4);
        let t0 = Instant::now();
        gate.back_off("a.example", Duration::from_secs(600));
        let _b = gate.enter("b.example", Duration::from_secs(1)).await;
        assert_eq!(t0.elapsed(), Duration::ZERO);
        let _a = gate.enter("a.example", Duration::from_secs(1)).await;
        assert_eq!(t0.elapsed(), Duration::from_secs(600));
        // A shorter back-off does not bring the next turn forward.
        gate.back_off("a.example", Duration::from_secs(5));
        gate.back_off("a.example", Duration::ZERO);
        let _a = gate.enter("a.example", Duration::from_secs(1)).await;
        assert_eq!(t0.elapsed(), Duration::from_secs(605));
    }

    #[tokio::test(start_paused = true)]
    async fn a_hosts_next_turn_is_its_last_start_plus_the_delay_or_its_back_off() {
        let gate = HostGate::new(4);
        assert_eq!(gate.next_turn("a.example"), None, "never asked");
        let before = SystemTime::now();
        let _a = gate.enter("a.example", Duration::from_secs(30)).await;
        gate.back_off("b.example", Duration::from_secs(90));
        let turn = gate.next_turn("a.example").unwrap();
        let mut turns = gate.next_turns(|host| host.starts_with('b'));
        let after = SystemTime::now();
        assert!(
            turn >= before + Duration::from_secs(30) && turn <= after + Duration::from_secs(30)
        );
        assert_eq!(turns.len(), 1);
        let (host, turn) = turns.remove(0);
        assert_eq!(host, "b.example");
        assert!(
            turn >= before + Duration::from_secs(90) && turn <= after + Duration::from_secs(90)
        );
        // A turn that has come is no constraint left to hand over.
        tokio::time::advance(Duration::from_secs(31)).await;
        assert_eq!(gate.next_turn("a.example"), None);
        assert_eq!(gate.next_turns(|_| true).len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn holders_of_slots_a_pause_overran_still_start_a_delay_apart() {
        let gate = Arc::new(HostGate::new(4));
        let delay = Duration::from_secs(2);
        let _first = gate.enter("a.example", delay).await;
        let (tx, mut starts) = tokio::sync::mpsc::unbounded_channel();
        for _ in 0..2 {
            let (gate, tx) = (gate.clone(), tx.clone());
            tokio::spawn(async move {
                let _turn = gate.enter("a.example", delay).await;
                tx.send(Instant::now()).unwrap();
            });
        }
        // Both reserve their slots (2 s and 4 s from now), then the process is paused for
        // 10 s: both slots are long past when it wakes.
        tokio::task::yield_now().await;
        tokio::time::advance(Duration::from_secs(10)).await;
        let a = starts.recv().await.unwrap();
        let b = starts.recv().await.unwrap();
        assert!(b - a >= delay, "{:?} apart", b - a);
    }
}
