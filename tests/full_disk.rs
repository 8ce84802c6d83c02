//! A full disk under the crawl state: the service says so (`/readyz` 503 naming `state.redb`
//! and the system's cause), holds the pages it cannot record, and carries on where it stopped
//! once there is room again: every article delivered once, none fetched twice, and a later run
//! finds every page settled. The disk is a small tmpfs the
//! test mounts (the project's machines run tests as root).
//!
//! A full disk does not fail a store that still has room inside its file: redb reuses the
//! pages it freed, and settling a page takes about the room its frontier entry gave back. So
//! the disk is filled while a second sitemap, of many pages, is held back by the site; released
//! after, it needs room the file does not have.

mod support;

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::service::{self, Service};
use support::site::{paragraphs, template};

/// Pages of the first sitemap, crawled before the disk fills.
const FIRST: usize = 5;
/// Pages of the second sitemap, which the site answers only once the disk is full: far more
/// than a small store can hold in the pages it has freed.
const SECOND: usize = 200;
const PAGES: usize = FIRST + SECOND;

/// Requests per path.
#[derive(Clone, Default)]
struct Requests(Arc<Mutex<HashMap<String, usize>>>);

/// The site's state: requests per path, its address, and whether the second sitemap may be
/// answered.
type Site = (Requests, String, tokio::sync::watch::Receiver<bool>);

/// The path of page `i`.
fn page(i: usize) -> String {
    format!("/tin/bai-so-{i}-44{i:04}.html")
}

fn sitemap(base: &str, pages: std::ops::Range<usize>) -> Response {
    let urls: String = pages
        .map(|i| format!("<url><loc>{base}{}</loc></url>", page(i)))
        .collect();
    (
        [(header::CONTENT_TYPE, "application/xml")],
        format!(r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>"#),
    )
        .into_response()
}

async fn site(State((requests, base, mut release)): State<Site>, uri: Uri) -> Response {
    let path = uri.path().to_string();
    *requests.0.lock().unwrap().entry(path.clone()).or_default() += 1;
    match path.as_str() {
        "/robots.txt" => (StatusCode::NOT_FOUND, "").into_response(),
        "/first.xml" => sitemap(&base, 0..FIRST),
        "/second.xml" => {
            // Held until the test has filled the disk.
            let _ = release.wait_for(|released| *released).await;
            sitemap(&base, FIRST..PAGES)
        }
        p if p.starts_with("/tin/bai-so-") => {
            let n = p.trim_start_matches("/tin/bai-so-");
            let title = format!("Bài số {n} về đĩa đầy và trạng thái thu thập");
            // A body of its own: pages with one body are one story.
            let body = paragraphs(&format!("lưu trữ số {n}"));
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                template(&title, "Thứ Hai, 06/12/2021 - 09:15", &body, ""),
            )
                .into_response()
        }
        _ => (StatusCode::NOT_FOUND, "").into_response(),
    }
}

/// A tmpfs of `size`, unmounted (lazily) when dropped.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(status.success(), "mount -t tmpfs failed (it needs root)");
        Tmpfs(dir)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.0.path())
            .status();
    }
}

/// Fills the disk holding `path` with one file there, to the last byte.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 4096];
    while file.write_all(&chunk).is_ok() {}
    while file.write_all(&chunk[..1]).is_ok() {}
}

fn urls(out: &Path) -> HashSet<String> {
    support::read_jsonl(out)
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_under_the_crawl_state_is_reported_and_outlived() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Requests::default();
    let (release, released) = tokio::sync::watch::channel(false);
    let app = Router::new()
        .fallback(site)
        .with_state((requests.clone(), base.clone(), released));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let disk = Tmpfs::mount("4m");
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
url = "{base}/first.xml"
every = "1h"

[[sources]]
kind = "sitemap"
url = "{base}/second.xml"
every = "1h"

[service]
listen = "{listen}"

[sink]
kind = "jsonl"
{jsonl}"#,
            state = disk.0.path().join("state").display(),
            jsonl = support::jsonl_sink_toml(dir.path()),
        ),
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    service
        .wait_until("a first record", Duration::from_secs(30), || async {
            !urls(&out).is_empty()
        })
        .await;
    let filler = disk.0.path().join("filler");
    fill(&filler);
    release.send_replace(true);
    let reason = service.wait_readiness(false, Duration::from_secs(30)).await;
    assert!(
        reason.contains("state.redb") && reason.contains("No space left on device"),
        "{reason}"
    );
    std::fs::remove_file(&filler).unwrap();
    service
        .wait_until("every page delivered", Duration::from_secs(120), || async {
            urls(&out).len() == PAGES
        })
        .await;
    service.wait_readiness(true, Duration::from_secs(30)).await;
    let log = service.log();
    assert!(service.terminate().await.success(), "{log}");

    // Every page's record, once: the pages whose state could not be written waited for it
    // rather than being done again.
    let expected: HashSet<String> = (0..PAGES).map(|i| format!("{base}{}", page(i))).collect();
    assert_eq!(urls(&out), expected);
    assert_eq!(support::read_jsonl(&out).len(), PAGES);
    // Whichever write met the full disk first (taking pages, or settling them) said so once.
    assert!(log.contains("No space left on device"), "{log}");

    // The state recorded every page once there was room: a later run fetches none again.
    support::run_once(&config).await;
    let fetched = requests.0.lock().unwrap().clone();
    for path in (0..PAGES).map(page) {
        assert_eq!(fetched.get(&path), Some(&1), "{path}");
    }
}
