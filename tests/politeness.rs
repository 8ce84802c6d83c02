//! The crawler against three servers on loopback ports with faults injected: a robots.txt
//! `Crawl-delay`, a 429 with `Retry-After`, a redirect loop, a gzip bomb, a 100 MB page, a
//! wrong charset header and sitemaps that point at each other. Every article that can be had
//! is delivered once; every failure is recorded with its reason; spacing is kept.

mod support;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::site::{paragraphs, template};

/// One server: its request log (path, time) and the bytes it streamed for the huge page.
#[derive(Clone, Default)]
struct Server {
    requests: Arc<Mutex<Vec<(String, Instant)>>>,
    streamed: Arc<AtomicU64>,
    robots: &'static str,
}

impl Server {
    fn times(&self, path: &str) -> Vec<Instant> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, t)| *t)
            .collect()
    }
}

fn article(title: &str) -> String {
    template(title, "Thứ Hai, 06/12/2021 - 09:15", &paragraphs(title), "")
}

async fn start(server: Server) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().fallback(serve).with_state(server);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn sitemap(base: &str, pages: &[&str]) -> Response {
    let urls: String = pages
        .iter()
        .map(|p| format!("<url><loc>{base}{p}</loc></url>"))
        .collect();
    xml(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>"#
    ))
}

fn index(base: &str, maps: &[&str]) -> Response {
    let maps: String = maps
        .iter()
        .map(|p| format!("<sitemap><loc>{base}{p}</loc></sitemap>"))
        .collect();
    xml(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>"#
    ))
}

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/xml")], body).into_response()
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

async fn serve(State(server): State<Server>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().to_string();
    let seen = {
        let mut requests = server.requests.lock().unwrap();
        requests.push((path.clone(), Instant::now()));
        requests.iter().filter(|(p, _)| *p == path).count()
    };
    let base = format!(
        "http://{}",
        headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("")
    );
    match path.as_str() {
        "/robots.txt" => server.robots.into_response(),
        // Site A: four articles behind a Crawl-delay.
        "/a/sitemap.xml" => sitemap(
            &base,
            &[
                "/a/bai-1.html",
                "/a/bai-2.html",
                "/a/bai-3.html",
                "/a/bai-4.html",
            ],
        ),
        p if p.starts_with("/a/bai-") => html(article(&format!("Bài chậm số {}", &p[7..8]))),
        // Site B: an article that is rate-limited once.
        "/b/sitemap.xml" => sitemap(&base, &["/b/gioi-han.html", "/b/binh-thuong.html"]),
        "/b/gioi-han.html" if seen == 1 => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            "slow down",
        )
            .into_response(),
        "/b/gioi-han.html" => html(article("Bài bị giới hạn tốc độ một lần")),
        "/b/binh-thuong.html" => html(article("Bài bình thường của trang thứ hai")),
        // Site C: faults, behind sitemaps that point at each other.
        "/c/sitemap-a.xml" => index(&base, &["/c/sitemap-b.xml"]),
        "/c/sitemap-b.xml" => index(&base, &["/c/sitemap-a.xml", "/c/sitemap-la.xml"]),
        "/c/sitemap-la.xml" => sitemap(
            &base,
            &[
                "/c/vong-1.html",
                "/c/bom.html",
                "/c/rat-lon.html",
                "/c/sai-bang-ma.html",
                "/c/tot.html",
            ],
        ),
        "/c/vong-1.html" => {
            (StatusCode::FOUND, [(header::LOCATION, "/c/vong-2.html")]).into_response()
        }
        "/c/vong-2.html" => {
            (StatusCode::FOUND, [(header::LOCATION, "/c/vong-1.html")]).into_response()
        }
        "/c/bom.html" => {
            // 10 MB of zeros, about 10 KB on the wire.
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gz.write_all(&vec![0u8; 10 * 1024 * 1024]).unwrap();
            (
                [
                    (header::CONTENT_TYPE, "text/html"),
                    (header::CONTENT_ENCODING, "gzip"),
                ],
                gz.finish().unwrap(),
            )
                .into_response()
        }
        "/c/rat-lon.html" => {
            // 100 MB, streamed without a length, as fast as the client reads.
            let streamed = server.streamed.clone();
            let chunk = vec![b'a'; 64 * 1024];
            let stream = futures::stream::iter((0..1600).map(move |_| {
                streamed.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                Ok::<_, std::io::Error>(chunk.clone())
            }));
            (
                [(header::CONTENT_TYPE, "text/html")],
                Body::from_stream(stream),
            )
                .into_response()
        }
        "/c/sai-bang-ma.html" => (
            // The bytes are UTF-8; the header says otherwise.
            [(header::CONTENT_TYPE, "text/html; charset=iso-8859-1")],
            article("Tiêu đề tiếng Việt có dấu đầy đủ"),
        )
            .into_response(),
        "/c/tot.html" => html(article("Bài tốt giữa những trang hỏng")),
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faulty_web_is_crawled_politely_and_nothing_is_lost() {
    let a = Server {
        robots: "User-agent: *\nCrawl-delay: 1\n",
        ..Server::default()
    };
    let b = Server {
        robots: "User-agent: *\nAllow: /\n",
        ..Server::default()
    };
    let c = Server {
        robots: "User-agent: *\nAllow: /\n",
        ..Server::default()
    };
    let (addr_a, addr_b, addr_c) = (
        start(a.clone()).await,
        start(b.clone()).await,
        start(c.clone()).await,
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("articles.jsonl");
    let dead = dir.path().join("dead.jsonl");
    let config = dir.path().join("tinstream.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[crawler]
user_agent = "tinstream-test (+https://github.com/tinstream/tinstream)"
concurrency = 4
per_host_concurrency = 2
per_host_delay = "0s"
max_body_bytes = 1048576
max_retries = 2
data_dir = "{state}"
allow_private_networks = true

[[sources]]
kind = "sitemap"
url = "http://{addr_a}/a/sitemap.xml"
every = "1h"

[[sources]]
kind = "sitemap"
url = "http://{addr_b}/b/sitemap.xml"
every = "1h"

[[sources]]
kind = "sitemap"
url = "http://{addr_c}/c/sitemap-a.xml"
every = "1h"

[sink.jsonl]
path = "{out}"
dead_letter_path = "{dead}"
"#,
            state = dir.path().join("state").display(),
            out = out.display(),
            dead = dead.display(),
        ),
    )
    .unwrap();
    support::run_once(&config).await;

    let records = support::read_jsonl(&out);
    let titles: HashMap<String, usize> = records.iter().fold(HashMap::new(), |mut m, r| {
        *m.entry(r["title"].as_str().unwrap().to_string())
            .or_default() += 1;
        m
    });
    let expected = [
        "Bài chậm số 1",
        "Bài chậm số 2",
        "Bài chậm số 3",
        "Bài chậm số 4",
        "Bài bị giới hạn tốc độ một lần",
        "Bài bình thường của trang thứ hai",
        "Tiêu đề tiếng Việt có dấu đầy đủ",
        "Bài tốt giữa những trang hỏng",
    ];
    for title in expected {
        assert_eq!(titles.get(title), Some(&1), "{title}: {titles:?}");
    }
    assert_eq!(records.len(), expected.len(), "{titles:?}");

    // Crawl-delay: 1 s between request starts on server A (tolerance 100 ms).
    let mut times: Vec<Instant> = (1..=4)
        .flat_map(|i| a.times(&format!("/a/bai-{i}.html")))
        .collect();
    times.sort();
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(900), "requests {gap:?} apart");
    }

    // 429 with Retry-After: 1: asked again once, a second later.
    let limited = b.times("/b/gioi-han.html");
    assert_eq!(limited.len(), 2);
    assert!(limited[1] - limited[0] >= Duration::from_millis(900));

    // The failures, each once, with its stage and reason.
    let letters = support::read_jsonl(&dead);
    let reason = |path: &str| {
        let url = format!("http://{addr_c}{path}");
        let found: Vec<&serde_json::Value> = letters
            .iter()
            .filter(|l| l["url"] == url.as_str())
            .collect();
        assert_eq!(found.len(), 1, "{path}: {letters:#?}");
        assert_eq!(found[0]["stage"], "fetch");
        found[0]["reason"].as_str().unwrap().to_string()
    };
    assert!(reason("/c/vong-1.html").contains("redirect"));
    assert!(reason("/c/bom.html").contains("larger than 1048576 bytes"));
    assert!(reason("/c/rat-lon.html").contains("larger than 1048576 bytes"));
    assert_eq!(letters.len(), 3, "{letters:#?}");
    // The 100 MB page was abandoned early, not read to its end.
    assert!(c.streamed.load(Ordering::Relaxed) < 20 * 1024 * 1024);
    // Each sitemap of the loop was read once.
    assert_eq!(c.times("/c/sitemap-a.xml").len(), 1);
    assert_eq!(c.times("/c/sitemap-b.xml").len(), 1);
}
