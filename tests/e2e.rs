//! End to end: `tinstream run` crawls a small Vietnamese news site on 127.0.0.1 and delivers
//! its articles to a real Kafka broker, or to JSON Lines files.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::site::{self, Site};

fn write_config(dir: &Path, site: &Site, sink: &str) -> PathBuf {
    let path = dir.join("tinstream.toml");
    let config = format!(
        r#"
[crawler]
user_agent = "tinstream-test (+https://github.com/tinstream/tinstream)"
concurrency = 4
per_host_delay = "20ms"
data_dir = "{data}"
allow_private_networks = true

[[sources]]
kind = "feed"
url = "{feed}"
every = "1h"

[[sources]]
kind = "section"
url = "{listing}"
every = "1h"

{sink}
"#,
        data = dir.join("state").display(),
        feed = site.url("/rss.xml"),
        listing = site.url(site::LISTING),
    );
    std::fs::write(&path, config).unwrap();
    path
}

/// Every article of the site once, with the fields of its page, and nothing else.
fn check_records(site: &Site, records: &[Value]) {
    assert_eq!(
        records.len(),
        site.articles.len(),
        "one record per article page: {:#?}",
        records.iter().map(|r| &r["url"]).collect::<Vec<_>>()
    );
    for expected in &site.articles {
        let url = site.url(expected.path);
        let matching: Vec<&Value> = records
            .iter()
            .filter(|r| r["url"] == url.as_str())
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "{url} delivered {} times",
            matching.len()
        );
        let record = matching[0];
        assert_eq!(record["title"], expected.title, "{url}");
        assert_eq!(record["published_at"], expected.published_at, "{url}");
        assert_eq!(record["source_agency"].as_str(), expected.agency, "{url}");
        assert_eq!(record["body"], expected.paragraphs.join("\n\n"), "{url}");
        assert_eq!(record["language"], "vi", "{url}");
        assert_eq!(record["site"], "127.0.0.1", "{url}");
        assert_eq!(record["schema_version"], 1);
        let canonical = record["canonical_url"].as_str().unwrap();
        assert_eq!(
            record["id"],
            tinstream_model::article_id(canonical),
            "{url}"
        );
    }
    assert_eq!(
        site.requested(site::DISALLOWED),
        0,
        "a disallowed page was fetched"
    );
}

/// The empty page, and only it, is a dead letter of the parse stage.
fn check_dead_letters(site: &Site, letters: &[Value]) {
    assert_eq!(letters.len(), 1, "{letters:#?}");
    assert_eq!(letters[0]["url"], site.url(site::EMPTY).as_str());
    assert_eq!(letters[0]["stage"], "parse");
    assert_eq!(letters[0]["reason"], "the page is empty");
}

fn tinstream() -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_tinstream"));
    command.env("RUST_LOG", "info").kill_on_drop(true);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_into_kafka_then_stop_on_sigterm() {
    let site = site::start().await;
    let dir = tempfile::tempdir().unwrap();
    let topic = support::unique_topic("e2e-articles");
    let dlq = format!("{topic}-dlq");
    support::create_topics(&[&topic, &dlq], 3, &[]).await;
    let sink = format!(
        "[sink]\nkind = \"kafka\"\n[sink.kafka]\nbrokers = \"{}\"\ntopic = \"{topic}\"\ndlq_topic = \"{dlq}\"\n",
        support::kafka()
    );
    let config = write_config(dir.path(), &site, &sink);
    let log = std::fs::File::create(dir.path().join("run.log")).unwrap();
    let mut child = tinstream()
        .arg("run")
        .arg("--config")
        .arg(&config)
        .stderr(log)
        .spawn()
        .unwrap();

    let expected = site.articles.len() as i64;
    let topic_clone = topic.clone();
    let arrived = tokio::task::spawn_blocking(move || {
        support::wait_for_messages(&topic_clone, expected, Duration::from_secs(120))
    })
    .await
    .unwrap();
    let log_text = || std::fs::read_to_string(dir.path().join("run.log")).unwrap_or_default();
    assert!(arrived, "records did not arrive; log:\n{}", log_text());

    // The service runs until told to stop; SIGTERM must drain and exit 0.
    let pid = child.id().expect("running");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("exits after SIGTERM")
        .unwrap();
    assert!(exit.success(), "exit status {exit}; log:\n{}", log_text());

    let topic_clone = topic.clone();
    let received = tokio::task::spawn_blocking(move || support::read_topic(&topic_clone))
        .await
        .unwrap();
    for message in &received {
        assert_eq!(
            message.key,
            message.payload["id"].as_str().unwrap(),
            "key is the record id"
        );
        assert!(message
            .headers
            .contains(&("schema_version".into(), "1".into())));
        assert!(message
            .headers
            .contains(&("content-type".into(), "application/json".into())));
    }
    let records: Vec<Value> = received.into_iter().map(|m| m.payload).collect();
    check_records(&site, &records);
    let letters = tokio::task::spawn_blocking(move || support::read_topic(&dlq))
        .await
        .unwrap();
    let letters: Vec<Value> = letters.into_iter().map(|m| m.payload).collect();
    check_dead_letters(&site, &letters);
    assert!(log_text().contains("tinstream stopped"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_into_json_lines_and_resume_without_refetching() {
    let site = site::start().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out/articles.jsonl");
    let dead = dir.path().join("out/dead-letter.jsonl");
    let sink = format!(
        "[sink]\nkind = \"jsonl\"\n[sink.jsonl]\npath = \"{}\"\ndead_letter_path = \"{}\"\n",
        out.display(),
        dead.display()
    );
    let config = write_config(dir.path(), &site, &sink);

    support::run_once(&config).await;
    let read = || -> Vec<Value> {
        std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    check_records(&site, &read());
    let letters: Vec<Value> = std::fs::read_to_string(&dead)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    check_dead_letters(&site, &letters);
    let first = site.articles[0].path;
    assert_eq!(
        site.requested(first),
        1,
        "the same article under two URLs is fetched once"
    );

    // A second run resumes from the crawl state: nothing is fetched or delivered again.
    support::run_once(&config).await;
    assert_eq!(read().len(), site.articles.len());
    assert_eq!(
        site.requested(site::EMPTY),
        1,
        "a dead-lettered page is settled"
    );
    for article in &site.articles {
        assert_eq!(
            site.requested(article.path),
            1,
            "{} fetched again",
            article.path
        );
    }
    // Twice as the section source (once a run), once as a feed item that is not an article:
    // that item is settled and not fetched again.
    assert_eq!(site.requested(site::LISTING), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics_over_http() {
    let site = site::start().await;
    let dir = tempfile::tempdir().unwrap();
    let listen = support::service::free_address();
    let sink = format!(
        "[service]\nlisten = \"{listen}\"\n[sink]\nkind = \"jsonl\"\n[sink.jsonl]\npath = \"{}\"\ndead_letter_path = \"{}\"\n",
        dir.path().join("articles.jsonl").display(),
        dir.path().join("dead.jsonl").display()
    );
    let config = write_config(dir.path(), &site, &sink);
    let service = support::service::Service::start(&config, &dir.path().join("run.log"), listen);
    assert_eq!(
        service.wait_readiness(true, Duration::from_secs(30)).await,
        "ready\n"
    );
    let articles = site.articles.len() as f64;
    service
        .wait_until(
            "every article delivered",
            Duration::from_secs(60),
            || async {
                let metrics = service.metrics().await;
                let value = |name: &str| metrics.get(name).copied().unwrap_or(-1.0);
                value("tinstream_records_delivered_total") == articles
                    && value("tinstream_dead_letters_total{stage=\"parse\"}") == 1.0
                    && value("tinstream_records_in_flight") == 0.0
            },
        )
        .await;
    assert_eq!(service.get("/healthz").await, Some((200, "ok\n".into())));
    let metrics = service.metrics().await;
    let value = |name: &str| metrics.get(name).copied().unwrap_or(-1.0);
    // What the site holds (tests/support/site.rs): five articles, the listing page reached as a
    // feed item, the empty page, the disallowed page.
    assert_eq!(
        value("tinstream_pages_parsed_total{outcome=\"article\"}"),
        5.0
    );
    assert_eq!(
        value("tinstream_pages_parsed_total{outcome=\"not_article\"}"),
        1.0
    );
    // That listing page, reached as a feed item, by host and by why: its three linked
    // headings over teasers of a line each.
    assert_eq!(
        value("tinstream_pages_not_article_total{host=\"127.0.0.1\",reason=\"linked headings over little text\"}"),
        1.0,
        "{metrics:#?}"
    );
    assert_eq!(value("tinstream_dead_letters_total{stage=\"parse\"}"), 1.0);
    assert_eq!(value("tinstream_pages_failed_total{stage=\"parse\"}"), 1.0);
    assert_eq!(value("tinstream_pages_disallowed_total"), 1.0);
    // The feed, the section page, and seven pages (the listing twice: as the section source
    // and as a feed item); the tracking-parameter duplicate is not fetched.
    assert_eq!(
        value("tinstream_fetches_total{host=\"127.0.0.1\",class=\"2xx\"}"),
        9.0,
        "{metrics:#?}"
    );
    assert_eq!(value("tinstream_records_in_flight"), 0.0);
    assert_eq!(value("tinstream_sink_ready"), 1.0);
    assert_eq!(value("tinstream_delivery_latency_seconds_count"), 5.0);
    // Every request waited for its host's turn once (if only for the gate's lock), whatever
    // its answer.
    let requests: f64 = metrics
        .iter()
        .filter(|(name, _)| name.starts_with("tinstream_fetches_total{"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(
        value("tinstream_host_wait_seconds_count"),
        requests,
        "{metrics:#?}"
    );
    assert!(value("tinstream_state_pages") >= 5.0, "{metrics:#?}");
    assert!(value("tinstream_state_store_bytes") > 0.0);
    let feed = site.url("/rss.xml");
    assert!(
        value(&format!(
            "tinstream_source_last_poll_timestamp_seconds{{source=\"{feed}\"}}"
        )) > 1.7e9
    );
    let status = service.terminate().await;
    assert!(status.success());
}
