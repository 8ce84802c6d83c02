//! A small Vietnamese news site on 127.0.0.1: robots.txt (with a disallowed folder), an RSS
//! feed, a listing page and article pages, each article with its expected record.

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// What the record of one article page must hold.
#[derive(Debug, Clone)]
pub struct Expected {
    pub path: &'static str,
    pub title: &'static str,
    pub published_at: &'static str,
    pub agency: Option<&'static str>,
    pub paragraphs: Vec<String>,
}

/// The running site.
pub struct Site {
    pub addr: SocketAddr,
    pub articles: Vec<Expected>,
    /// Every path requested, in order.
    pub requests: Arc<Mutex<Vec<String>>>,
    _server: tokio::task::JoinHandle<()>,
}

impl Site {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn requested(&self, path: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|p| p.as_str() == path)
            .count()
    }
}

/// The path of a page the feed links to but robots.txt disallows.
pub const DISALLOWED: &str = "/private/bai-khong-duoc-thu-thap-4412999.html";
/// A page that answers 200 with an empty body: it must end up as a dead letter.
pub const EMPTY: &str = "/thoi-su/bai-rong-4412010.html";
/// The listing page: a section source and also linked from the feed.
pub const LISTING: &str = "/thoi-su/";

pub fn template(title: &str, date_line: &str, paragraphs: &[String], extra_head: &str) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        r##"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{title} | Báo Thử Nghiệm</title>{extra_head}</head>
<body>
<div class="top-menu"><a href="/">Trang chủ</a> <a href="/thoi-su/">Thời sự</a> <a href="/kinh-te/">Kinh tế</a></div>
<div class="main">
  <div class="article-header"><span class="post-date">{date_line}</span><h1>{title}</h1></div>
  <div class="share-tools"><a href="#">Chia sẻ</a> <a href="#">In bài</a></div>
  <div class="article-content">
{body}  </div>
  <div class="related-box"><h3>Tin liên quan</h3><ul>
    <li><a href="/thoi-su/tin-cu-khong-lien-quan-4400001.html">Một tin cũ không liên quan đến bài viết này</a></li>
  </ul></div>
</div>
<div class="footer">Báo Thử Nghiệm - Giấy phép số 01/GP-BTTTT. Ghi rõ nguồn khi đăng lại.</div>
</body></html>"##
    )
}

pub fn paragraphs(topic: &str) -> Vec<String> {
    vec![
        format!("Sáng nay, tại Hà Nội, các cơ quan chức năng đã tổ chức hội nghị bàn về {topic}, với sự tham gia của đại diện nhiều bộ, ngành và địa phương trên cả nước."),
        format!("Theo báo cáo tại hội nghị, trong năm qua công tác {topic} đã đạt nhiều kết quả tích cực, góp phần ổn định đời sống của người dân và thúc đẩy phát triển kinh tế - xã hội."),
        format!("Phát biểu kết luận, lãnh đạo bộ đề nghị các đơn vị tiếp tục rà soát, hoàn thiện cơ chế, chính sách liên quan đến {topic} trong thời gian tới."),
    ]
}

/// Builds the site's pages and their expected records.
fn pages() -> (HashMap<String, (String, &'static str)>, Vec<Expected>) {
    let mut pages: HashMap<String, (String, &'static str)> = HashMap::new();
    let mut expected = Vec::new();
    let html = "text/html; charset=utf-8";

    let p1 = paragraphs("cải cách hành chính");
    let path1 = "/thoi-su/hoi-nghi-cai-cach-hanh-chinh-4412001.html";
    pages.insert(
        path1.into(),
        (
            template(
                "Hội nghị toàn quốc về cải cách hành chính",
                "Thứ Hai, 06/12/2021 - 09:15",
                &p1,
                "",
            ),
            html,
        ),
    );
    expected.push(Expected {
        path: path1,
        title: "Hội nghị toàn quốc về cải cách hành chính",
        published_at: "2021-12-06T09:15:00+07:00",
        agency: None,
        paragraphs: p1,
    });

    let mut p2 = paragraphs("chuyển đổi số");
    let last = p2.len() - 1;
    p2[last].push_str(" (TTXVN)");
    let path2 = "/kinh-te/day-manh-chuyen-doi-so-4412002.html";
    pages.insert(
        path2.into(),
        (
            template(
                "Đẩy mạnh chuyển đổi số trong doanh nghiệp nhỏ",
                "14:35 ngày 01/12/2021",
                &p2,
                "",
            ),
            html,
        ),
    );
    let mut p2_expected = p2.clone();
    p2_expected[last] = p2_expected[last].trim_end_matches(" (TTXVN)").to_string();
    expected.push(Expected {
        path: path2,
        title: "Đẩy mạnh chuyển đổi số trong doanh nghiệp nhỏ",
        published_at: "2021-12-01T14:35:00+07:00",
        agency: Some("TTXVN"),
        paragraphs: p2_expected,
    });

    let p3 = paragraphs("bảo vệ môi trường");
    let path3 = "/thoi-su/bao-ve-moi-truong-song-hong-4412003.html";
    let ld = r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Bảo vệ môi trường lưu vực sông Hồng","datePublished":"2021-12-03T08:00:00+07:00"}</script>"#;
    pages.insert(
        path3.into(),
        (
            template("Bảo vệ môi trường lưu vực sông Hồng", "", &p3, ld),
            html,
        ),
    );
    expected.push(Expected {
        path: path3,
        title: "Bảo vệ môi trường lưu vực sông Hồng",
        published_at: "2021-12-03T08:00:00+07:00",
        agency: None,
        paragraphs: p3,
    });

    // Found only through the listing page (the section source), not the feed.
    let p4 = paragraphs("an toàn giao thông");
    let path4 = "/thoi-su/bao-dam-an-toan-giao-thong-dip-tet-4412004.html";
    pages.insert(
        path4.into(),
        (
            template(
                "Bảo đảm an toàn giao thông dịp Tết",
                "Thứ Sáu, 10/12/2021 | 07:30 GMT+7",
                &p4,
                "",
            ),
            html,
        ),
    );
    expected.push(Expected {
        path: path4,
        title: "Bảo đảm an toàn giao thông dịp Tết",
        published_at: "2021-12-10T07:30:00+07:00",
        agency: None,
        paragraphs: p4,
    });

    // The old portal page of the fixtures.
    let portal = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sites/old-portal-article.html"),
    )
    .unwrap();
    let path5 = "/cu/tin-tuc-35218.aspx";
    pages.insert(path5.into(), (portal, html));
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites/expected.json"),
    )
    .unwrap();
    let sample: serde_json::Value = serde_json::from_str(&sample).unwrap();
    let p5: Vec<String> = sample["old-portal-article.html"]["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    expected.push(Expected {
        path: path5,
        title: "Đoàn kiểm tra của Bộ Chính trị làm việc tại Sơn La",
        published_at: "2021-12-01",
        agency: Some("TTXVN"),
        paragraphs: p5,
    });

    pages.insert(EMPTY.into(), (String::new(), html));

    let mut private = paragraphs("một chủ đề bị chặn");
    private.truncate(3);
    pages.insert(
        DISALLOWED.into(),
        (
            template("Bài không được thu thập", "01/12/2021", &private, ""),
            html,
        ),
    );

    let listing_items: String = [path1, path4, path3]
        .iter()
        .enumerate()
        .map(|(i, p)| format!(r#"<article class="story"><a href="{p}"><img src="/img/{i}.jpg"></a><h3><a href="{p}">Tiêu đề bài viết số {i} trên trang chuyên mục</a></h3><p class="sapo">Tóm tắt ngắn của bài viết số {i}, đủ dài để giống một trang danh sách thật của báo điện tử.</p></article>"#))
        .collect();
    pages.insert(
        LISTING.into(),
        (format!(r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Thời sự | Báo Thử Nghiệm</title></head><body><div class="menu"><a href="/">Trang chủ</a></div><h1>Thời sự</h1><section class="list">{listing_items}</section><div class="paging"><a href="/thoi-su/trang-2">Trang 2</a></div></body></html>"#), html),
    );
    (pages, expected)
}

fn rss(base: &str) -> String {
    let items = [
        "/thoi-su/hoi-nghi-cai-cach-hanh-chinh-4412001.html",
        "/kinh-te/day-manh-chuyen-doi-so-4412002.html",
        "/thoi-su/bao-ve-moi-truong-song-hong-4412003.html",
        DISALLOWED,
        LISTING,
        EMPTY,
        "/cu/tin-tuc-35218.aspx",
        // Listed twice, as feeds do; it must still give one record.
        "/thoi-su/hoi-nghi-cai-cach-hanh-chinh-4412001.html?utm_source=rss",
    ];
    let items: String = items
        .iter()
        .map(|p| format!("<item><title>Tin</title><link>{base}{p}</link></item>"))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Báo Thử Nghiệm</title><link>{base}/</link><description>Tin mới</description>{items}</channel></rss>"#
    )
}

/// Starts the site on a free port of 127.0.0.1.
pub async fn start() -> Site {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let (mut pages, articles) = pages();
    pages.insert(
        "/rss.xml".into(),
        (rss(&base), "application/rss+xml; charset=utf-8"),
    );
    pages.insert(
        "/robots.txt".into(),
        ("User-agent: *\nDisallow: /private/\n".into(), "text/plain"),
    );
    let requests = Arc::new(Mutex::new(Vec::new()));
    let state = (Arc::new(pages), requests.clone());
    let app = Router::new().fallback(serve).with_state(state);
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Site {
        addr,
        articles,
        requests,
        _server: server,
    }
}

type Pages = Arc<HashMap<String, (String, &'static str)>>;

async fn serve(
    State((pages, requests)): State<(Pages, Arc<Mutex<Vec<String>>>)>,
    uri: Uri,
) -> Response {
    requests.lock().unwrap().push(uri.path().to_string());
    match pages.get(uri.path()) {
        Some((body, content_type)) => {
            ([(header::CONTENT_TYPE, *content_type)], body.clone()).into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
