//! The frontier and what it keeps: pages found once are done after a restart even when their
//! source no longer lists them; transient failures (500s, a slow response) are put back and
//! tried later, then recorded with their reason; the same story under two URLs is one
//! record; with a re-check window, an article that changed is delivered again under the same
//! id, and one that did not is not. And what sources say beside their links: a news sitemap's
//! publication date for a page that gives none, a plain URL list, a site's own parameters.

mod support;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::service::{self, Service};
use support::site::{paragraphs, template};

/// Articles the rotating feed lists, once.
const ROTATING: usize = 40;

/// The test web: its request log (`path`, or `304 path`) and the switch that edits an article.
#[derive(Clone, Default)]
struct Web {
    requests: Arc<Mutex<Vec<String>>>,
    edited: Arc<AtomicBool>,
    /// The address of the second server, for the feed that lists pages of both.
    other: Arc<Mutex<String>>,
}

impl Web {
    fn requested(&self, entry: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| *r == entry)
            .count()
    }
}

fn title(path: &str) -> String {
    match path {
        "/loi/chap-chon.html" => "Bài trên máy chủ chập chờn".into(),
        "/loi/cham.html" => "Bài trên máy chủ trả lời chậm".into(),
        "/loi/binh-thuong.html" => "Bài trên máy chủ bình thường".into(),
        "/tin/ban-goc.html" | "/khac/ban-sao.html" => "Một câu chuyện đăng ở hai địa chỉ".into(),
        "/cap-nhat/thay-doi.html" => "Bài được biên tập lại sau khi đăng".into(),
        "/khong-ngay/hop-bao.html" => "Họp báo thường kỳ không ghi ngày trên trang".into(),
        "/co-ngay/bai-co-ngay.html" => "Bài có ngày đăng trên trang của mình".into(),
        "/danh-sach/bai-mot.html" => "Bài thứ nhất của danh sách địa chỉ".into(),
        "/danh-sach/bai-hai.html" => "Bài thứ hai của danh sách địa chỉ".into(),
        "/cap-nhat/giu-nguyen.html" => "Bài không thay đổi sau khi đăng".into(),
        p if p.starts_with("/hang-doi/") => {
            format!("Bài {} trong hàng đợi của hai máy chủ", &p[10..])
        }
        _ => format!("Bài số {} trong luồng tin xoay vòng", number(path)),
    }
}

fn number(path: &str) -> usize {
    path.trim_start_matches("/tin/bai-")
        .trim_end_matches(".html")
        .parse()
        .unwrap_or(usize::MAX)
}

/// The paragraph an edit adds.
const ADDED: &str = "Cập nhật lúc 10 giờ: cơ quan chức năng đã công bố thêm số liệu mới về dự án, \
                     theo đó tổng vốn đầu tư được điều chỉnh tăng so với kế hoạch ban đầu.";

fn article(web: &Web, path: &str) -> String {
    let title = title(path);
    let mut body = paragraphs(&title);
    if path == "/cap-nhat/thay-doi.html" && web.edited.load(Ordering::SeqCst) {
        body.push(ADDED.to_string());
    }
    // One page gives no date at all: its news sitemap does.
    let date_line = if path == "/khong-ngay/hop-bao.html" {
        ""
    } else {
        "Thứ Hai, 06/12/2021 - 09:15"
    };
    template(&title, date_line, &body, "")
}

fn feed(base: &str, paths: &[String]) -> Response {
    let items: String = paths
        .iter()
        .map(|p| {
            format!(
                "<item><title>{}</title><link>{base}{p}</link></item>",
                title(p)
            )
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin</title><link>{base}/</link>{items}</channel></rss>"#
        ),
    )
        .into_response()
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

async fn serve(State(web): State<Web>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().to_string();
    let base = format!(
        "http://{}",
        headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("")
    );
    let etag_matches = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == b"\"v1\"");
    let seen = {
        let mut requests = web.requests.lock().unwrap();
        let entry = if path == "/cap-nhat/giu-nguyen.html" && etag_matches {
            format!("304 {path}")
        } else {
            path.clone()
        };
        requests.push(entry);
        requests.iter().filter(|r| **r == path).count()
    };
    let list = |paths: &[&str]| -> Vec<String> { paths.iter().map(|p| p.to_string()).collect() };
    match path.as_str() {
        "/robots.txt" => "User-agent: *\nAllow: /\n".into_response(),
        // Lists its articles on the first request only, as a busy feed that has moved on.
        // Ten pages of this server, then two of the other one.
        "/fair.xml" => {
            let other = web.other.lock().unwrap().clone();
            let mut items: Vec<String> = (1..=10)
                .map(|i| format!("{base}/hang-doi/a-{i}.html"))
                .collect();
            items.extend((1..=2).map(|i| format!("{other}/hang-doi/b-{i}.html")));
            feed("", &items)
        }
        p if p.starts_with("/hang-doi/") => html(article(&web, p)),
        "/rotating.xml" if seen == 1 => feed(
            &base,
            &(0..ROTATING)
                .map(|i| format!("/tin/bai-{i}.html"))
                .collect::<Vec<_>>(),
        ),
        "/rotating.xml" => feed(&base, &[]),
        p if p.starts_with("/tin/bai-") => {
            // Slow enough for the crawl to be stopped halfway.
            tokio::time::sleep(Duration::from_millis(100)).await;
            html(article(&web, p))
        }
        "/faults.xml" => feed(
            &base,
            &list(&[
                "/loi/chap-chon.html",
                "/loi/hong.html",
                "/loi/cham.html",
                "/loi/binh-thuong.html",
            ]),
        ),
        "/loi/chap-chon.html" if seen <= 3 => {
            (StatusCode::INTERNAL_SERVER_ERROR, "try again").into_response()
        }
        "/loi/hong.html" => (StatusCode::INTERNAL_SERVER_ERROR, "broken").into_response(),
        "/loi/cham.html" if seen == 1 => {
            // Longer than the request timeout.
            tokio::time::sleep(Duration::from_secs(4)).await;
            html(article(&web, &path))
        }
        "/copies.xml" => feed(
            &base,
            &list(&[
                "/tin/ban-goc.html",
                "/tin/ban-goc.html?utm_source=rss&amp;utm_medium=feed",
                "/khac/ban-sao.html",
            ]),
        ),
        "/tracked.xml" => feed(
            &base,
            &list(&["/tin/chi-co-utm.html?utm_source=rss&amp;utm_medium=feed&amp;fbclid=x"]),
        ),
        "/updates.xml" => feed(
            &base,
            &list(&["/cap-nhat/thay-doi.html", "/cap-nhat/giu-nguyen.html"]),
        ),
        "/lon.xml" | "/qua-lon.xml" => (
            [(header::CONTENT_TYPE, "application/xml")],
            big_sitemap(&base, path == "/qua-lon.xml"),
        )
            .into_response(),
        "/qua-lon.rss" => {
            // One item, then a description of 21 MiB: past the 20 MiB a feed may have.
            let item = format!("<item><title>A</title><link>{base}/tin/a.html</link></item>");
            let filler = "x".repeat(21 * 1024 * 1024);
            (
                [(header::CONTENT_TYPE, "application/rss+xml")],
                format!(r#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{item}<item><title>B</title><description>{filler}</description></item></channel></rss>"#),
            )
                .into_response()
        }
        "/sitemap.xml.gz" => {
            // Served as a file, not with a Content-Encoding the client would undo.
            let xml = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/tin/nen-1.html</loc></url></urlset>"#
            );
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            std::io::Write::write_all(&mut gz, xml.as_bytes()).unwrap();
            (
                [(header::CONTENT_TYPE, "application/x-gzip")],
                gz.finish().unwrap(),
            )
                .into_response()
        }
        "/sitemap-news.xml" => (
            [(header::CONTENT_TYPE, "application/xml")],
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/khong-ngay/hop-bao.html</loc><news:news><news:publication><news:name>Báo Thử Nghiệm</news:name><news:language>vi</news:language></news:publication>
<news:publication_date>2021-12-01T14:35:00+07:00</news:publication_date><news:title>Họp báo thường kỳ</news:title></news:news></url>
<url><loc>{base}/co-ngay/bai-co-ngay.html</loc><news:news><news:publication_date>2021-12-05T08:00:00+07:00</news:publication_date></news:news></url>
</urlset>"#
            ),
        )
            .into_response(),
        "/danh-sach.txt" => {
            "# Bài hôm nay\n/danh-sach/bai-mot.html?from=home\n\n/danh-sach/bai-mot.html\n/danh-sach/bai-hai.html\n"
                .into_response()
        }
        p if p.starts_with("/khong-ngay/")
            || p.starts_with("/co-ngay/")
            || p.starts_with("/danh-sach/") =>
        {
            html(article(&web, p))
        }
        "/cap-nhat/giu-nguyen.html" if etag_matches => {
            (StatusCode::NOT_MODIFIED, [(header::ETAG, "\"v1\"")]).into_response()
        }
        "/cap-nhat/giu-nguyen.html" => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::ETAG, "\"v1\""),
            ],
            article(&web, &path),
        )
            .into_response(),
        p if p.starts_with("/loi/") || p.starts_with("/tin/") || p.starts_with("/khac/") => {
            html(article(&web, p))
        }
        p if p.starts_with("/cap-nhat/") => html(article(&web, p)),
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// A sitemap larger than the page limit: 43 MB of blank space before its one URL; or, `huge`,
/// one URL, then 55 MB of blank space, past the protocol's 50 MB, then another URL.
fn big_sitemap(base: &str, huge: bool) -> Vec<u8> {
    let entry = |path: &str| format!("<url><loc>{base}{path}</loc></url>\n");
    let blank = |mb: usize| " ".repeat(mb * 1024 * 1024);
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#,
    );
    if huge {
        xml += &entry("/tin/dau-so-do.html");
        xml += &blank(55);
        xml += &entry("/tin/qua-gioi-han.html");
    } else {
        xml += &blank(43);
        xml += &entry("/tin/cuoi-so-do.html");
    }
    xml += "</urlset>";
    xml.into_bytes()
}

async fn start(web: Web) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    serve_on(listener, web)
}

fn serve_on(listener: tokio::net::TcpListener, web: Web) -> String {
    let addr = listener.local_addr().unwrap();
    let app = Router::new().fallback(serve).with_state(web);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// A configuration reading one feed into JSON Lines, with `[crawler]` extras (which may set
/// the pacing keys themselves).
fn config(dir: &Path, feed: &str, crawler: &str) -> (std::path::PathBuf, std::net::SocketAddr) {
    let listen = service::free_address();
    let mut pacing = String::new();
    if !crawler.contains("per_host_concurrency") {
        pacing.push_str("per_host_concurrency = 2\n");
    }
    if !crawler.contains("per_host_delay") {
        pacing.push_str("per_host_delay = \"0s\"\n");
    }
    let path = dir.join("tinstream.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[crawler]
user_agent = "tinstream-test (+https://github.com/tinstream/tinstream)"
concurrency = 2
{pacing}data_dir = "{state}"
allow_private_networks = true
{crawler}

[[sources]]
kind = "feed"
url = "{feed}"
every = "1h"

[service]
listen = "{listen}"

{sink}"#,
            state = dir.join("state").display(),
            sink = support::jsonl_sink_toml(dir),
        ),
    )
    .unwrap();
    (path, listen)
}

fn records(dir: &Path) -> Vec<serde_json::Value> {
    support::read_jsonl(&dir.join("out.jsonl"))
}

fn dead_letters(dir: &Path) -> Vec<serde_json::Value> {
    support::read_jsonl(&dir.join("dead.jsonl"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_found_once_are_done_after_a_restart() {
    let web = Web::default();
    let base = start(web.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let (config, listen) = config(dir.path(), &format!("{base}/rotating.xml"), "");

    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    service
        .wait_until("a few records", Duration::from_secs(60), || async {
            records(dir.path()).len() >= 6
        })
        .await;
    assert!(service.terminate().await.success());
    let first = records(dir.path()).len();
    assert!(
        first < ROTATING,
        "the whole feed was done before the stop ({first}); the test proves nothing"
    );

    // The feed lists nothing any more: what is left comes from the frontier.
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    service
        .wait_until("every article", Duration::from_secs(60), || async {
            records(dir.path()).len() >= ROTATING
        })
        .await;
    service
        .wait_until("an empty frontier", Duration::from_secs(10), || async {
            service.metric("tinstream_frontier_urls").await == 0.0
        })
        .await;
    assert!(service.terminate().await.success());
    assert_eq!(web.requested("/rotating.xml"), 2, "one poll per start");
    let mut titles: Vec<String> = records(dir.path())
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    let mut expected: Vec<String> = (0..ROTATING)
        .map(|i| title(&format!("/tin/bai-{i}.html")))
        .collect();
    expected.sort();
    assert_eq!(titles, expected, "each article exactly once");
    for i in 0..ROTATING {
        assert_eq!(
            web.requested(&format!("/tin/bai-{i}.html")),
            1,
            "article {i} fetched again"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_failures_are_tried_later_then_recorded() {
    let web = Web::default();
    let base = start(web.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let (config, listen) = config(
        dir.path(),
        &format!("{base}/faults.xml"),
        "max_retries = 1\nrequeue_delay = \"300ms\"\nmax_requeues = 2\nrequest_timeout = \"1s\"",
    );
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    service
        .wait_until(
            "three records and one dead letter",
            Duration::from_secs(60),
            || async { records(dir.path()).len() >= 3 && !dead_letters(dir.path()).is_empty() },
        )
        .await;
    let metrics = service.metrics().await;
    assert!(service.terminate().await.success());

    let mut titles: Vec<String> = records(dir.path())
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    let mut expected = vec![
        title("/loi/chap-chon.html"),
        title("/loi/cham.html"),
        title("/loi/binh-thuong.html"),
    ];
    expected.sort();
    assert_eq!(titles, expected);
    // 500, retry 500, put back; 500, retry 200.
    assert_eq!(web.requested("/loi/chap-chon.html"), 4);
    // Timed out, retry answered.
    assert_eq!(web.requested("/loi/cham.html"), 2);
    // Three rounds of a try and a retry, then the failure is recorded and never tried again.
    assert_eq!(web.requested("/loi/hong.html"), 6);
    let dead = dead_letters(dir.path());
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert!(dead[0]["url"].as_str().unwrap().ends_with("/loi/hong.html"));
    assert_eq!(dead[0]["stage"], "fetch");
    let reason = dead[0]["reason"].as_str().unwrap();
    assert!(reason.contains("500"), "{reason}");
    assert!(reason.contains("gave up after 3 tries"), "{reason}");
    // chap-chon once, hong twice.
    assert_eq!(metrics["tinstream_pages_deferred_total"], 3.0);
    assert_eq!(
        metrics["tinstream_pages_failed_total{stage=\"fetch\"}"],
        1.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_story_under_two_urls_is_one_record() {
    let web = Web::default();
    let base = start(web.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let (config, listen) = config(
        dir.path(),
        &format!("{base}/copies.xml"),
        "requeue_delay = \"200ms\"",
    );
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    service
        .wait_until("the copy found out", Duration::from_secs(30), || async {
            service.metric("tinstream_pages_duplicate_total").await == 1.0
        })
        .await;
    // Three links, two pages: the tracking-parameter variant is the same URL.
    let new_items = format!("tinstream_source_new_items_total{{source=\"{base}/copies.xml\"}}");
    assert_eq!(service.metric(&new_items).await, 2.0);
    assert!(service.terminate().await.success());
    let records = records(dir.path());
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["title"], title("/tin/ban-goc.html"));
    // Each fetched once; or, when both were fetched at the same moment, the one that lost the
    // race waited and was fetched once more, then found to be a copy.
    let fetches = web.requested("/tin/ban-goc.html") + web.requested("/khac/ban-sao.html");
    assert!(fetches == 2 || fetches == 3, "{fetches} fetches");
}

/// Runs the service on one source of `kind` until it delivered a record, stops it, and
/// returns what it delivered.
async fn first_records(dir: &Path, source: &str, kind: &str) -> Vec<serde_json::Value> {
    first_records_and_log(dir, source, kind).await.0
}

/// [`first_records`], with the service's log and its peak resident memory in bytes.
async fn first_records_and_log(
    dir: &Path,
    source: &str,
    kind: &str,
) -> (Vec<serde_json::Value>, String, u64) {
    let (config, listen) = config(dir, source, "");
    let config_text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("kind = \"feed\"", &format!("kind = \"{kind}\""));
    std::fs::write(&config, config_text).unwrap();
    let service = Service::start(&config, &dir.join("run.log"), listen);
    service
        .wait_until("a record", Duration::from_secs(60), || async {
            !records(dir).is_empty()
        })
        .await;
    let peak = peak_memory(service.pid());
    let log = service.log();
    assert!(service.terminate().await.success());
    (records(dir), log, peak)
}

/// A process's peak resident memory (`VmHWM`), in bytes.
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

/// A gzipped sitemap, served as `application/x-gzip` without a `Content-Encoding`, is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gzipped_sitemap_is_read() {
    let web = Web::default();
    let base = start(web.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let records = first_records(dir.path(), &format!("{base}/sitemap.xml.gz"), "sitemap").await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["url"], format!("{base}/tin/nen-1.html").as_str());
}

/// A 43 MB sitemap, past the 10 MB page limit, is read as it arrives, to its end; a 98 MB one is
/// read up to the protocol's 50 MB, with a warning naming the limit. Neither is held whole:
/// the service's peak memory is that of a run on a sitemap of one line, give or take much less
/// than either's size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_sitemaps_are_read_as_they_arrive_up_to_the_protocols_limit() {
    let web = Web::default();
    let base = start(web.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let small = format!("{base}/sitemap.xml.gz");
    let (_, _, baseline) = first_records_and_log(dir.path(), &small, "sitemap").await;
    for (sitemap, read, left) in [
        ("/lon.xml", "/tin/cuoi-so-do.html", None),
        (
            "/qua-lon.xml",
            "/tin/dau-so-do.html",
            Some("/tin/qua-gioi-han.html"),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (records, log, peak) =
            first_records_and_log(dir.path(), &format!("{base}{sitemap}"), "sitemap").await;
        assert_eq!(records.len(), 1, "{records:?}");
        assert_eq!(records[0]["url"], format!("{base}{read}").as_str());
        // Measured: 1.3 MiB above the baseline of 45.5 MiB, for either sitemap.
        let above = peak.saturating_sub(baseline);
        assert!(
            above < 16 * 1024 * 1024,
            "{above} bytes above a one-line sitemap's run"
        );
        if let Some(left) = left {
            assert_eq!(web.requested(left), 0);
            let warned = log.lines().any(|l| {
                l.contains("the sitemap is longer than the protocol's 52428800 bytes uncompressed")
            });
            assert!(warned, "{log}");
        }
    }
}

/// A feed past its 20 MiB limit is refused, with the limit in the log, and counted as a source
/// that could not be read; no page of it is fetched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_past_its_limit_is_refused_with_the_limit_named() {
    let web = Web::default();
    let base = start(web.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let feed = format!("{base}/qua-lon.rss");
    let (config, listen) = config(dir.path(), &feed, "");
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    let failures = format!("tinstream_source_poll_failures_total{{source=\"{feed}\"}}");
    service
        .wait_until(
            "the feed counted as unread",
            Duration::from_secs(30),
            || async { service.metric(&failures).await >= 1.0 },
        )
        .await;
    let log = service.log();
    assert!(service.terminate().await.success());
    assert!(
        log.contains(&format!("{feed}: body larger than 20971520 bytes")),
        "{log}"
    );
    assert_eq!(web.requested("/tin/a.html"), 0);
}

/// A feed that links an article only with tracking parameters: the record's URLs and id are
/// those of the plain address, as if the feed had linked it so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracking_parameters_stay_out_of_the_record() {
    let web = Web::default();
    let base = start(web.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let records = first_records(dir.path(), &format!("{base}/tracked.xml"), "feed").await;
    assert_eq!(records.len(), 1, "{records:?}");
    let plain = format!("{base}/tin/chi-co-utm.html");
    assert_eq!(records[0]["url"], plain.as_str());
    assert_eq!(records[0]["canonical_url"], plain.as_str());
    assert_eq!(records[0]["id"], tinstream_model::article_id(&plain));
    assert_eq!(web.requested("/tin/chi-co-utm.html"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rechecks_deliver_changed_articles_again_and_only_them() {
    let web = Web::default();
    let base = start(web.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let (config, listen) = config(
        dir.path(),
        &format!("{base}/updates.xml"),
        "recheck_window = \"30s\"\nrecheck_interval = \"1s\"",
    );
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    service
        .wait_until("both articles", Duration::from_secs(30), || async {
            records(dir.path()).len() >= 2
        })
        .await;
    web.edited.store(true, Ordering::SeqCst);
    let changed = "tinstream_rechecks_total{outcome=\"changed\"}";
    let unchanged = "tinstream_rechecks_total{outcome=\"unchanged\"}";
    service
        .wait_until(
            "the edit delivered, then seen unchanged",
            Duration::from_secs(30),
            || async {
                let metrics = service.metrics().await;
                metrics.get(changed) == Some(&1.0)
                    && metrics.get(unchanged).is_some_and(|n| *n >= 3.0)
            },
        )
        .await;
    assert!(service.terminate().await.success());

    let records = records(dir.path());
    assert_eq!(records.len(), 3, "{records:?}");
    let edited: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r["title"] == title("/cap-nhat/thay-doi.html"))
        .collect();
    assert_eq!(edited.len(), 2, "the edit delivered once more");
    assert_eq!(edited[0]["id"], edited[1]["id"], "under the same key");
    assert_ne!(edited[0]["content_hash"], edited[1]["content_hash"]);
    assert!(!edited[0]["body"].as_str().unwrap().contains(ADDED));
    assert!(edited[1]["body"].as_str().unwrap().contains(ADDED));
    // The page states no modification time: the time the change was seen stands for it.
    assert!(edited[0]["modified_at"].is_null());
    let modified = edited[1]["modified_at"].as_str().unwrap();
    let fetched = edited[1]["fetched_at"].as_str().unwrap();
    let modified = chrono::DateTime::parse_from_rfc3339(modified).unwrap();
    let fetched = chrono::DateTime::parse_from_rfc3339(fetched).unwrap();
    assert!(
        (modified - fetched).num_seconds().abs() <= 1,
        "{modified} vs {fetched}"
    );
    // The unchanged article: delivered once, re-checked with its ETag.
    let kept = records
        .iter()
        .filter(|r| r["title"] == title("/cap-nhat/giu-nguyen.html"))
        .count();
    assert_eq!(kept, 1);
    assert!(web.requested("304 /cap-nhat/giu-nguyen.html") >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_sitemaps_and_url_lists_with_site_parameters() {
    let web = Web::default();
    let base = start(web.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites");
    std::fs::create_dir_all(&sites).unwrap();
    std::fs::write(
        sites.join("127.0.0.1.toml"),
        "domains = [\"127.0.0.1\"]\ndrop_params = [\"from\"]\n",
    )
    .unwrap();
    let config = dir.path().join("once.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[crawler]
per_host_delay = "0s"
data_dir = "{state}"
allow_private_networks = true

[parser]
sites_dir = "{sites}"

[[sources]]
kind = "sitemap"
url = "{base}/sitemap-news.xml"

[[sources]]
kind = "list"
url = "{base}/danh-sach.txt"

{sink}"#,
            state = dir.path().join("state").display(),
            sites = sites.display(),
            sink = support::jsonl_sink_toml(dir.path()),
        ),
    )
    .unwrap();
    support::run_once(&config).await;
    let records = records(dir.path());
    let by_title = |path: &str| {
        records
            .iter()
            .find(|r| r["title"] == title(path))
            .unwrap_or_else(|| panic!("no record for {path}: {records:?}"))
    };
    assert_eq!(records.len(), 4, "{records:?}");
    // The page gives no date: the sitemap's publication date, offset kept.
    assert_eq!(
        by_title("/khong-ngay/hop-bao.html")["published_at"],
        "2021-12-01T14:35:00+07:00"
    );
    // The page's own date wins over the sitemap's.
    assert_eq!(
        by_title("/co-ngay/bai-co-ngay.html")["published_at"],
        "2021-12-06T09:15:00+07:00"
    );
    by_title("/danh-sach/bai-mot.html");
    by_title("/danh-sach/bai-hai.html");
    // `?from=home` is dropped by the site's rule: one page, fetched once.
    assert_eq!(web.requested("/danh-sach/bai-mot.html"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_busy_server_does_not_hold_up_another() {
    // Two servers; the feed lists ten pages of the first, then two of the second. Pages of one
    // server are fetched at most one at a time, 400 ms apart. Server "a" gets the lower port,
    // so that its URLs also sort first: without pacing in the frontier, its ten pages would
    // hold both fetch slots and the second server's pages would come last.
    let mut listeners = vec![
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
    ];
    listeners.sort_by_key(|l| l.local_addr().unwrap().port());
    let web = Web::default();
    let second = listeners.pop().unwrap();
    let first = listeners.pop().unwrap();
    let base_b = serve_on(second, web.clone());
    *web.other.lock().unwrap() = base_b;
    let base_a = serve_on(first, web.clone());
    let dir = tempfile::tempdir().unwrap();
    let (config, listen) = config(
        dir.path(),
        &format!("{base_a}/fair.xml"),
        "per_host_delay = \"400ms\"\nper_host_concurrency = 1",
    );
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    service
        .wait_until("all twelve pages", Duration::from_secs(60), || async {
            records(dir.path()).len() >= 12
        })
        .await;
    assert!(service.terminate().await.success());
    let log = web.requests.lock().unwrap().clone();
    let position = |path: &str| log.iter().position(|r| r == path).unwrap();
    let last_b = position("/hang-doi/b-2.html");
    let fourth_a = position("/hang-doi/a-4.html");
    assert!(
        last_b < fourth_a,
        "the second server waited behind the first: {log:?}"
    );
}
