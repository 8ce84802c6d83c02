//! Polling as a long run does it: the second and later polls of an unchanged sitemap are
//! conditional (ETag, 304), also after a restart, and fetch nothing again; the poll interval
//! adapts between its bounds and is kept in the crawl state.

mod support;

use std::time::Duration;
use support::newsroom;
use support::service::{self, Service};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_sources_cost_a_304_and_polling_slows_down() {
    let site = newsroom::start(3, Duration::ZERO, false).await;
    let dir = tempfile::tempdir().unwrap();
    let listen = service::free_address();
    let config = dir.path().join("tinstream.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[crawler]
user_agent = "tinstream-test (+https://github.com/tinstream/tinstream)"
per_host_delay = "0s"
data_dir = "{state}"
allow_private_networks = true

[[sources]]
kind = "sitemap"
url = "{sitemap}"
every = "1s"
min_every = "1s"
max_every = "2s"

[service]
listen = "{listen}"

[sink.jsonl]
path = "{out}"
dead_letter_path = "{dead}"
"#,
            state = dir.path().join("state").display(),
            sitemap = site.url("/sitemap.xml"),
            out = dir.path().join("articles.jsonl").display(),
            dead = dir.path().join("dead.jsonl").display(),
        ),
    )
    .unwrap();
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    service
        .wait_until(
            "two conditional polls answered 304",
            Duration::from_secs(60),
            || async { site.requested("304 /sitemap.xml") >= 2 },
        )
        .await;
    assert_eq!(
        service.metric("tinstream_records_delivered_total").await,
        3.0
    );
    for i in 0..3 {
        assert_eq!(
            site.requested(&newsroom::path(i)),
            1,
            "article {i} fetched again"
        );
    }
    assert!(
        service
            .metric("tinstream_fetches_total{host=\"127.0.0.1\",class=\"3xx\"}")
            .await
            >= 2.0
    );
    // Nothing new: the interval grew from 1 s to its 2 s bound (1.5 s, then 2 s).
    let log = service.log();
    assert!(log.contains("\"next_poll_secs\":2"), "{log}");
    let status = service.terminate().await;
    assert!(status.success());

    // The validators are kept in the crawl state (what a crash left unsettled is in the
    // persisted frontier, not in the sitemap): a restart polls conditionally at once, gets a
    // 304, and fetches no settled article.
    let full_polls = site.requested("/sitemap.xml") - site.requested("304 /sitemap.xml");
    let not_modified = site.requested("304 /sitemap.xml");
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    service
        .wait_until(
            "a conditional poll after the restart",
            Duration::from_secs(30),
            || async { site.requested("304 /sitemap.xml") > not_modified },
        )
        .await;
    assert_eq!(
        site.requested("/sitemap.xml") - site.requested("304 /sitemap.xml"),
        full_polls,
        "the sitemap was read in full after the restart"
    );
    for i in 0..3 {
        assert_eq!(
            site.requested(&newsroom::path(i)),
            1,
            "article {i} fetched again"
        );
    }
    let status = service.terminate().await;
    assert!(status.success());
}

/// `run --once` on a one-source configuration with the given retention; returns the records
/// written so far.
async fn run_once(
    dir: &std::path::Path,
    site: &newsroom::Newsroom,
    retention: &str,
) -> Vec<serde_json::Value> {
    let config = dir.join("once.toml");
    std::fs::write(
        &config,
        format!(
            "[crawler]\nper_host_delay = \"0s\"\ndata_dir = \"{}\"\nallow_private_networks = true\nstate_retention = \"{retention}\"\n\n[[sources]]\nkind = \"sitemap\"\nurl = \"{}\"\n\n[sink.jsonl]\npath = \"{}\"\ndead_letter_path = \"{}\"\n",
            dir.join("state").display(),
            site.url("/sitemap.xml"),
            dir.join("out.jsonl").display(),
            dir.join("dead.jsonl").display(),
        ),
    )
    .unwrap();
    support::run_once(&config).await;
    support::read_jsonl(&dir.join("out.jsonl"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settled_pages_are_forgotten_after_the_retention_period() {
    let site = newsroom::start(2, Duration::ZERO, false).await;
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_once(dir.path(), &site, "180d").await.len(), 2);
    // Within the retention period: nothing is fetched again.
    assert_eq!(run_once(dir.path(), &site, "180d").await.len(), 2);
    assert_eq!(site.requested(&newsroom::path(0)), 1);
    // The retention period is what this test is about: let it pass (state times are whole
    // seconds, so a 1 s retention needs two).
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let records = run_once(dir.path(), &site, "1s").await;
    assert_eq!(
        site.requested(&newsroom::path(0)),
        2,
        "expired page not fetched again"
    );
    // Fetched again and, unchanged, delivered again as the same record.
    assert_eq!(site.check(&records), 2);
}
