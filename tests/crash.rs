//! Crash safety: `tinstream run` killed with SIGKILL at random moments, five times, during a
//! crawl into the real broker. Every article must reach the topic; duplicates may only come
//! from the records in flight at each crash, and are the same record.

mod support;

use rand::{Rng, SeedableRng};
use std::time::Duration;
use support::newsroom;
use support::service::{self, Crawl};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_kills_lose_nothing_and_duplicate_only_what_was_in_flight() {
    const MAX_IN_FLIGHT: usize = 16;
    const SLOTS: usize = 2;
    const KILLS: usize = 5;
    let site = newsroom::start(500, Duration::from_millis(25), false).await;
    let crawl = Crawl::new(&site, support::kafka(), "crash", SLOTS, MAX_IN_FLIGHT, "");
    let topic = crawl.topic.clone();
    let seed: u64 = rand::rng().random();
    eprintln!("kill moments from seed {seed}");
    let mut moments = rand::rngs::StdRng::seed_from_u64(seed);
    for kill in 0..KILLS {
        let service = crawl.start();
        // Any moment of the run: during start-up, fetching, delivering or committing state.
        let after = Duration::from_millis(moments.random_range(300..2500));
        // The kill moment is what the test is about; the process is not awaited for a state.
        tokio::time::sleep(after).await;
        eprintln!(
            "kill {} after {after:?}: {} article requests so far",
            kill + 1,
            site.article_requests()
        );
        service.kill().await;
    }

    // A last run, left to finish.
    let service = crawl.start();
    service::wait_for(support::kafka(), &topic, site.n, &service).await;
    // Enough messages can include duplicates; wait until every article is there.
    service
        .wait_until(
            "every article in the topic",
            Duration::from_secs(180),
            || {
                let topic = topic.clone();
                let n = site.n;
                async move {
                    let records = service::read(support::kafka(), &topic).await;
                    let urls: std::collections::HashSet<&str> =
                        records.iter().filter_map(|r| r["url"].as_str()).collect();
                    urls.len() >= n
                }
            },
        )
        .await;
    let status = service.terminate().await;
    assert!(status.success(), "exit {status}");

    let records = service::read(support::kafka(), &topic).await;
    let duplicates = site.check(&records);
    eprintln!(
        "{} records for {} articles: {duplicates} duplicates after {KILLS} kills; {} article requests",
        records.len(),
        site.n,
        site.article_requests()
    );
    assert!(
        duplicates <= KILLS * MAX_IN_FLIGHT,
        "{duplicates} duplicates, more than {KILLS} crashes x {MAX_IN_FLIGHT} in flight"
    );
    // Restarts resume from the state store: only pages unsettled at a crash are fetched again.
    assert!(
        site.article_requests() <= site.n + KILLS * (MAX_IN_FLIGHT + SLOTS),
        "{} article requests for {} articles",
        site.article_requests(),
        site.n
    );
}
