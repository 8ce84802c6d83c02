//! Sites that turn the crawler away with a bot challenge instead of the page: a cookie script
//! that reloads (as Lao Động answers scripted clients), or Cloudflare's "Just a moment…" with
//! `cf-mitigated: challenge`, even on robots.txt. Nothing of them becomes a record or a
//! listing; each challenged page is dead-lettered with the reason, counted per host, logged
//! once per host, and the host is left alone for `crawler.blocked_backoff` after each
//! challenge.

mod support;

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::service::{self, Service};

/// The back-off the test sets: long enough to see in the request times, short enough for
/// three pages in a few seconds.
const BACKOFF: Duration = Duration::from_secs(2);

/// Every request a server answered, with when.
#[derive(Clone, Default)]
struct Requests(Arc<Mutex<Vec<(Instant, String)>>>);

impl Requests {
    /// When each request for a path that `matches` came, in order.
    fn times(&self, matches: impl Fn(&str) -> bool) -> Vec<Instant> {
        let log = self.0.lock().unwrap();
        log.iter()
            .filter(|(_, p)| matches(p))
            .map(|(t, _)| *t)
            .collect()
    }
}

const COOKIE_CHALLENGE: &str = r#"<html><head><script>document.cookie="D1N=4f2a9c1e; path=/"; location.reload();</script></head><body></body></html>"#;

const CLOUDFLARE: &str = r#"<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body><div class="main-content"><h1>localhost</h1><p>Verifying you are human. This may take a few seconds.</p></div><script>window._cf_chl_opt={cvId: '3', cType: 'managed'};</script></body></html>"#;

/// A site that answers every page with a cookie challenge (200, HTML), behind a feed and a
/// section page that are challenged as well; robots.txt is missing.
async fn cookie_site(State((requests, base)): State<(Requests, String)>, uri: Uri) -> Response {
    let path = uri.path().to_string();
    requests
        .0
        .lock()
        .unwrap()
        .push((Instant::now(), path.clone()));
    match path.as_str() {
        "/robots.txt" => (StatusCode::NOT_FOUND, "").into_response(),
        "/feed.xml" => {
            let items: String = (1..=3)
                .map(|i| format!("<item><title>Bài {i}</title><link>{base}/tin/bai-so-{i}-4412{i:03}.html</link></item>"))
                .collect();
            (
                [(header::CONTENT_TYPE, "application/rss+xml")],
                format!(r#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>"#),
            )
                .into_response()
        }
        _ => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            COOKIE_CHALLENGE,
        )
            .into_response(),
    }
}

/// A site behind Cloudflare's managed challenge: 403 with `cf-mitigated: challenge`, robots.txt
/// included.
async fn cloudflare_site(State((requests, _)): State<(Requests, String)>, uri: Uri) -> Response {
    requests
        .0
        .lock()
        .unwrap()
        .push((Instant::now(), uri.path().to_string()));
    (
        StatusCode::FORBIDDEN,
        [
            (header::CONTENT_TYPE, "text/html; charset=UTF-8"),
            (header::HeaderName::from_static("cf-mitigated"), "challenge"),
        ],
        CLOUDFLARE,
    )
        .into_response()
}

/// Serves `handler` on loopback; returns its requests and its base URL under `host`.
async fn serve<T: 'static>(
    host: &str,
    handler: impl axum::handler::Handler<T, (Requests, String)>,
) -> (Requests, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{host}:{}", listener.local_addr().unwrap().port());
    let requests = Requests::default();
    let app = Router::new()
        .fallback(handler)
        .with_state((requests.clone(), base.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (requests, base)
}

fn read_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn challenged_pages_are_dead_lettered_counted_logged_once_and_their_host_backed_off() {
    // Two hosts for the service, though both are this machine: 127.0.0.1 and localhost.
    let (cookie, cookie_base) = serve("127.0.0.1", cookie_site).await;
    let (cloudflare, cloudflare_base) = serve("localhost", cloudflare_site).await;
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
# One request at a time: two started together, before either was challenged, would not be
# held apart.
per_host_concurrency = 1
data_dir = "{state}"
allow_private_networks = true
blocked_backoff = "{backoff}s"

[[sources]]
kind = "feed"
url = "{cookie_base}/feed.xml"
every = "1h"

[[sources]]
kind = "section"
url = "{cookie_base}/thoi-su/"
every = "1h"

[[sources]]
kind = "feed"
url = "{cloudflare_base}/rss/home.rss"
every = "1h"

[service]
listen = "{listen}"

[sink]
kind = "jsonl"
[sink.jsonl]
path = "{out}"
dead_letter_path = "{dead}"
"#,
            state = dir.path().join("state").display(),
            backoff = BACKOFF.as_secs(),
            out = dir.path().join("out.jsonl").display(),
            dead = dir.path().join("dead.jsonl").display(),
        ),
    )
    .unwrap();
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    let dead = dir.path().join("dead.jsonl");
    service
        .wait_until(
            "three dead letters and the challenged sources counted",
            Duration::from_secs(40),
            || async {
                let failures = service.metrics().await;
                let failed = |source: &str| {
                    failures
                        .get(&format!(
                            "tinstream_source_poll_failures_total{{source=\"{source}\"}}"
                        ))
                        .copied()
                        .unwrap_or(0.0)
                };
                read_lines(&dead).len() >= 3
                    && failed(&format!("{cookie_base}/thoi-su/")) >= 1.0
                    && failed(&format!("{cloudflare_base}/rss/home.rss")) >= 1.0
            },
        )
        .await;
    let metrics = service.metrics().await;
    let log = service.log();
    assert!(service.terminate().await.success());

    // Nothing became a record; each page is a dead letter naming the challenge.
    assert!(read_lines(&dir.path().join("out.jsonl")).is_empty());
    let letters = read_lines(&dead);
    let mut urls: Vec<&str> = letters.iter().map(|l| l["url"].as_str().unwrap()).collect();
    urls.sort();
    let expected: Vec<String> = (1..=3)
        .map(|i| format!("{cookie_base}/tin/bai-so-{i}-4412{i:03}.html"))
        .collect();
    assert_eq!(urls, expected, "{letters:?}");
    for letter in &letters {
        assert_eq!(letter["stage"], "fetch");
        let reason = letter["reason"].as_str().unwrap();
        assert!(
            reason.contains("a JavaScript challenge") && reason.contains("HTTP 200"),
            "{reason}"
        );
    }

    // Counted per host and kind: the three pages and the section page on one, the feed on the
    // other (whose robots.txt was challenged, so the feed itself was never asked for).
    let blocked = |host: &str| {
        metrics
            .get(&format!(
                "tinstream_pages_blocked_total{{host=\"{host}\",challenge=\"script\"}}"
            ))
            .copied()
            .unwrap_or(0.0)
    };
    assert!(blocked("127.0.0.1") >= 4.0, "{metrics:?}");
    assert!(blocked("localhost") >= 1.0, "{metrics:?}");
    assert!(cloudflare.times(|p| p == "/rss/home.rss").is_empty());

    // Logged once per host, with the reason.
    let warnings: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("turns the crawler away"))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(warnings
        .iter()
        .any(|l| l.contains("\"host\":\"127.0.0.1\"") && l.contains("JavaScript challenge")));
    assert!(warnings
        .iter()
        .any(|l| l.contains("\"host\":\"localhost\"") && l.contains("robots.txt")));

    // Backed off: after each challenge, the host's next request waited the back-off.
    let starts = cookie.times(|p| p != "/robots.txt" && p != "/feed.xml");
    assert!(starts.len() >= 4, "{} requests", starts.len());
    for pair in starts.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= BACKOFF, "a request {gap:?} after a challenge");
    }
}
