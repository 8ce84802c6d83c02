//! A generated news site on 127.0.0.1 for the delivery tests: a sitemap of `n` article pages,
//! each with its own title and body, served with a fixed latency so that a crawl lasts long
//! enough to be interrupted. Optionally one more article far larger than a topic accepts.

use super::site::{paragraphs, template};
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The path of the oversized article, when there is one.
pub const BIG: &str = "/tin-tuc/bao-cao-toan-van-dai-5999999.html";

/// The running site.
pub struct Newsroom {
    pub addr: SocketAddr,
    pub n: usize,
    /// The number of its first article (0 but for [`start_on`]'s sites).
    pub first: usize,
    requests: Arc<Mutex<HashMap<String, usize>>>,
    /// Each request but robots.txt's, in the order they came.
    times: Times,
    _server: tokio::task::JoinHandle<()>,
}

/// The path of article `i`.
pub fn path(i: usize) -> String {
    format!("/tin-tuc/ban-tin-so-{i}-{}.html", 5_000_000 + i)
}

/// The title article `i` must get.
pub fn title(i: usize) -> String {
    format!("Bản tin số {i} về công tác quản lý đô thị")
}

fn topic(i: usize) -> String {
    format!("quy hoạch đô thị tại khu vực số {i}")
}

/// The body article `i` must get: its paragraphs, one blank line apart.
pub fn body(i: usize) -> String {
    paragraphs(&topic(i)).join("\n\n")
}

/// Text that compression cannot shrink much: `words` pseudo-random Vietnamese-looking words,
/// different for each `seed`.
fn noise(seed: u64, words: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "trường",
        "người",
        "những",
        "được",
        "quốc",
        "nghiệp",
        "thành",
        "phố",
        "công",
        "nhân",
        "đường",
        "huyện",
        "xã",
        "tỉnh",
        "mới",
        "lớn",
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ seed.wrapping_mul(0x2545_f491_4f6c_dd1d);
    let mut out = String::new();
    for w in 0..words {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push_str(SYLLABLES[(state % 16) as usize]);
        out.push_str(&format!("{}", state % 1000));
        out.push(if w % 20 == 19 { '.' } else { ' ' });
    }
    out
}

impl Newsroom {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// How many times `path` was requested.
    pub fn requested(&self, path: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// Checks that every article of the site is among `records` with its title and body, and
    /// that copies of one article are the same record (same id and content hash). Returns the
    /// number of records beyond one per article.
    pub fn check(&self, records: &[serde_json::Value]) -> usize {
        let mut by_url: HashMap<&str, Vec<&serde_json::Value>> = HashMap::new();
        for record in records {
            by_url
                .entry(record["url"].as_str().unwrap())
                .or_default()
                .push(record);
        }
        for i in self.first..self.first + self.n {
            let url = self.url(&path(i));
            let copies = by_url
                .get(url.as_str())
                .unwrap_or_else(|| panic!("{url} is missing from the topic"));
            for copy in copies {
                assert_eq!(copy["title"], title(i), "{url}");
                assert_eq!(copy["body"], body(i), "{url}");
                assert_eq!(copy["id"], copies[0]["id"], "{url}");
                assert_eq!(copy["content_hash"], copies[0]["content_hash"], "{url}");
            }
        }
        assert_eq!(
            by_url.len(),
            self.n,
            "records for pages that are not articles"
        );
        records.len() - self.n
    }

    /// The two requests to the site that came closest together (robots.txt's left out: it
    /// is asked before a host's turn, as robots.txt itself says nothing of its own pacing).
    pub fn closest(&self) -> Option<(Arrival, Arrival)> {
        let times = self.times.lock().unwrap();
        times
            .windows(2)
            .min_by_key(|w| w[1].at - w[0].at)
            .map(|w| (w[0].clone(), w[1].clone()))
    }

    /// Every request but robots.txt's, in the order they came.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.times.lock().unwrap().clone()
    }

    /// How many article pages were requested, repeats included.
    pub fn article_requests(&self) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.starts_with("/tin-tuc/"))
            .map(|(_, c)| c)
            .sum()
    }
}

/// Starts a site of `n` articles (plus the oversized one when `big`), each page answered
/// after `latency`.
pub async fn start(n: usize, latency: Duration, big: bool) -> Newsroom {
    start_sized(n, latency, big, 0).await
}

/// What a real news page carries around its article, up to about `bytes`: a "most read" box
/// of linked headlines with teasers, and the page's script data. The extractor must leave all
/// of it out, so the records are those of [`start`]'s pages.
fn furniture(i: usize, bytes: usize) -> (String, String) {
    let mut boxes = String::from(r#"<div class="most-read"><h3>Tin liên quan</h3><ul>"#);
    let mut script = String::from(r#"<script>window.__DATA__ = {"items": ["#);
    let mut j = 0u64;
    while boxes.len() + script.len() < bytes {
        let seed = (i as u64) * 1_000 + j;
        if j % 2 == 0 {
            boxes.push_str(&format!(
                r#"<li><a href="/tin-tuc/tin-khac-{seed}.html">{}</a><p class="sapo">{}</p></li>"#,
                noise(seed, 12),
                noise(seed + 7, 30)
            ));
        } else {
            script.push_str(&format!(r#"{{"id": {seed}, "t": "{}"}},"#, noise(seed, 40)));
        }
        j += 1;
    }
    boxes.push_str("</ul></div>");
    script.push_str("null]};</script>");
    (boxes, script)
}

/// [`start`], with each article page padded to about `page_bytes` by [`furniture`] (0: no
/// padding, pages of about 3 KB).
pub async fn start_sized(n: usize, latency: Duration, big: bool, page_bytes: usize) -> Newsroom {
    start_at("127.0.0.1", 0, n, latency, big, page_bytes).await
}

/// A site on its own loopback address (all of 127.0.0.0/8 is loopback: a distinct host and
/// registrable domain), with articles `first` to `first + n - 1`, so that several sites have
/// different stories.
pub async fn start_on(address: &str, first: usize, n: usize, latency: Duration) -> Newsroom {
    start_at(address, first, n, latency, false, 0).await
}

async fn start_at(
    address: &str,
    first: usize,
    n: usize,
    latency: Duration,
    big: bool,
    page_bytes: usize,
) -> Newsroom {
    let listener = tokio::net::TcpListener::bind((address, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let mut pages: HashMap<String, (String, &'static str)> = HashMap::new();
    let html = "text/html; charset=utf-8";
    let mut locs = String::new();
    for i in first..first + n {
        let p = paragraphs(&topic(i));
        let mut page = template(&title(i), "Thứ Hai, 06/12/2021 - 09:15", &p, "");
        if page_bytes > page.len() {
            let (boxes, script) = furniture(i, page_bytes - page.len());
            page = page
                .replacen(
                    "<div class=\"footer\">",
                    &format!("{boxes}<div class=\"footer\">"),
                    1,
                )
                .replacen("</head>", &format!("{script}</head>"), 1);
        }
        pages.insert(path(i), (page, html));
        locs.push_str(&format!("<url><loc>{base}{}</loc></url>", path(i)));
    }
    if big {
        let p: Vec<String> = (0..60).map(|seed| noise(seed, 400)).collect();
        pages.insert(
            BIG.into(),
            (
                template(
                    "Toàn văn báo cáo tổng kết công tác năm",
                    "Thứ Hai, 06/12/2021 - 09:15",
                    &p,
                    "",
                ),
                html,
            ),
        );
        locs.push_str(&format!("<url><loc>{base}{BIG}</loc></url>"));
    }
    pages.insert(
        "/sitemap.xml".into(),
        (
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>"#),
            "application/xml",
        ),
    );
    pages.insert(
        "/robots.txt".into(),
        ("User-agent: *\nAllow: /\n".into(), "text/plain"),
    );
    let requests = Arc::new(Mutex::new(HashMap::new()));
    let times: Times = Arc::default();
    let state = (Arc::new(pages), requests.clone(), latency, times.clone());
    let app = Router::new().fallback(serve).with_state(state);
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Newsroom {
        addr,
        n,
        first,
        requests,
        times,
        _server: server,
    }
}

type Pages = Arc<HashMap<String, (String, &'static str)>>;
type Requests = Arc<Mutex<HashMap<String, usize>>>;
type Times = Arc<Mutex<Vec<Arrival>>>;

/// A request as the site saw it come.
#[derive(Clone, Debug)]
pub struct Arrival {
    pub at: std::time::Instant,
    /// The same moment by the wall clock, which the workers' logs use.
    pub wall: chrono::DateTime<chrono::Utc>,
    pub path: String,
    /// Who asked: the worker's user agent.
    pub agent: String,
}

impl std::fmt::Display for Arrival {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.wall.format("%H:%M:%S%.6f");
        write!(f, "{} ({}, {at})", self.path, self.agent)
    }
}

/// The sitemap's entity tag: the site does not change while a test runs.
pub const SITEMAP_ETAG: &str = "\"sitemap-v1\"";

async fn serve(
    State((pages, requests, latency, times)): State<(Pages, Requests, Duration, Times)>,
    uri: Uri,
    headers: axum::http::HeaderMap,
) -> Response {
    if uri.path() != "/robots.txt" {
        // Who asked, and when (also by the clock the workers' logs use).
        let agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("?");
        times.lock().unwrap().push(Arrival {
            at: std::time::Instant::now(),
            wall: chrono::Utc::now(),
            path: uri.path().to_string(),
            agent: agent.to_string(),
        });
    }
    *requests
        .lock()
        .unwrap()
        .entry(uri.path().to_string())
        .or_default() += 1;
    if uri.path() == "/sitemap.xml" {
        let conditional = headers
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v.as_bytes() == SITEMAP_ETAG.as_bytes());
        if conditional {
            *requests
                .lock()
                .unwrap()
                .entry("304 /sitemap.xml".into())
                .or_default() += 1;
            return StatusCode::NOT_MODIFIED.into_response();
        }
        if let Some((body, content_type)) = pages.get(uri.path()) {
            return (
                [
                    (header::CONTENT_TYPE, *content_type),
                    (header::ETAG, SITEMAP_ETAG),
                ],
                body.clone(),
            )
                .into_response();
        }
    }
    if uri.path().starts_with("/tin-tuc/") {
        // A slow origin, so that a crawl of a few hundred pages takes seconds.
        tokio::time::sleep(latency).await;
    }
    match pages.get(uri.path()) {
        Some((body, content_type)) => {
            ([(header::CONTENT_TYPE, *content_type)], body.clone()).into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
