//! Reading sources: the article links of RSS and Atom feeds, the URLs of sitemaps and sitemap
//! indexes (Google News sitemaps with their publication dates and titles), plain URL lists,
//! and which links of a section page look like articles.

use quick_xml::events::Event;
use quick_xml::Reader;
use serde::{Deserialize, Serialize};
use url::Url;

/// A page a source lists, with what the source says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    /// The page.
    pub url: Url,
    /// What the source says beside the link.
    pub hint: Hint,
}

/// What a source says of a page beside its link: a fallback for the page's own metadata,
/// never a replacement for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hint {
    /// Publication time as the source writes it (`news:publication_date`, a feed item's
    /// date in RFC 3339).
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The title the source gives (`news:title`, a feed item's title).
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Hint {
    /// True when the source said nothing.
    pub fn is_empty(&self) -> bool {
        self.published.is_none() && self.title.is_none()
    }
}

impl Listed {
    fn bare(url: Url) -> Listed {
        Listed {
            url,
            hint: Hint::default(),
        }
    }
}

/// Why a source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// The feed did not parse.
    #[error("{url}: not a valid RSS or Atom feed: {reason}")]
    Feed {
        /// The feed's URL.
        url: String,
        /// The parser's message.
        reason: String,
    },
    /// The sitemap did not parse.
    #[error("{url}: not a valid sitemap: {reason}")]
    Sitemap {
        /// The sitemap's URL.
        url: String,
        /// The parser's message.
        reason: String,
    },
}

/// The items of an RSS or Atom feed, in feed order, with their dates and titles as hints.
pub fn feed_links(feed_url: &Url, bytes: &[u8]) -> Result<Vec<Listed>, DiscoverError> {
    let feed = feed_rs::parser::parse(bytes).map_err(|e| DiscoverError::Feed {
        url: feed_url.to_string(),
        reason: e.to_string(),
    })?;
    let mut out = Vec::new();
    for entry in feed.entries {
        // Prefer the alternate (HTML) link; fall back to an id that is a URL.
        let href = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .map(|l| l.href.clone())
            .or_else(|| entry.id.starts_with("http").then(|| entry.id.clone()));
        if let Some(url) = href.and_then(|h| feed_url.join(h.trim()).ok()) {
            if !out.iter().any(|l: &Listed| l.url == url) {
                let hint = Hint {
                    published: entry.published.map(|d| d.to_rfc3339()),
                    title: entry
                        .title
                        .map(|t| t.content.trim().to_string())
                        .filter(|t| !t.is_empty()),
                };
                out.push(Listed { url, hint });
            }
        }
    }
    Ok(out)
}

/// A plain URL list: one URL per line, relative ones resolved against the list's address;
/// blank lines and lines starting with `#` are skipped, and so are lines that are not http(s)
/// URLs.
pub fn url_list(list_url: &Url, bytes: &[u8]) -> Vec<Listed> {
    let text = String::from_utf8_lossy(bytes);
    let mut out: Vec<Listed> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Ok(url) = list_url.join(line) else {
            continue;
        };
        if matches!(url.scheme(), "http" | "https") && !out.iter().any(|l| l.url == url) {
            out.push(Listed::bare(url));
        }
    }
    out
}

/// What a sitemap lists: pages (`<urlset>`) or further sitemaps (`<sitemapindex>`).
#[derive(Debug, Default, PartialEq)]
pub struct Sitemap {
    /// Pages, with the `news:publication_date` and `news:title` of Google News sitemaps.
    pub urls: Vec<Listed>,
    /// Child sitemaps of an index.
    pub sitemaps: Vec<Url>,
}

/// The element whose text is being read.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    None,
    Loc,
    Published,
    Title,
}

/// The largest sitemap the protocol allows, uncompressed (sitemaps.org: 50 MB).
pub const MAX_SITEMAP_BYTES: u64 = 50 * 1024 * 1024;

/// A gzipped sitemap (`sitemap.xml.gz`, served as `application/gzip` or `application/x-gzip`
/// rather than with a `Content-Encoding` the HTTP client would undo) is known by its first two
/// bytes and decompressed, up to the protocol's limit.
fn gunzip_if_gzipped<'a>(
    sitemap_url: &Url,
    bytes: &'a [u8],
) -> Result<std::borrow::Cow<'a, [u8]>, DiscoverError> {
    use std::io::Read;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    let error = |reason: String| DiscoverError::Sitemap {
        url: sitemap_url.to_string(),
        reason,
    };
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_SITEMAP_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| error(format!("gzip data that does not decompress: {e}")))?;
    if out.len() as u64 > MAX_SITEMAP_BYTES {
        return Err(error(format!(
            "more than {MAX_SITEMAP_BYTES} bytes once decompressed, the protocol's limit"
        )));
    }
    Ok(std::borrow::Cow::Owned(out))
}

/// Reads a sitemap or sitemap index (Google News sitemaps are sitemaps with extra tags),
/// plain or gzipped.
pub fn sitemap(sitemap_url: &Url, bytes: &[u8]) -> Result<Sitemap, DiscoverError> {
    let bytes = gunzip_if_gzipped(sitemap_url, bytes)?;
    let mut reader = Reader::from_reader(bytes.as_ref());
    reader.config_mut().trim_text(true);
    let mut out = Sitemap::default();
    let mut in_index = false;
    let mut field = Field::None;
    let mut buf = Vec::new();
    let mut saw_root = false;
    // The `<url>` (or `<sitemap>`) being read.
    let mut loc: Option<Url> = None;
    let mut hint = Hint::default();
    // Inside `<news:news>`: image and video extensions have titles of their own.
    let mut in_news = false;
    // Element depth, and that of the `<url>` being read: only its own `<loc>` is the page's
    // (`<image:loc>` is an image's).
    let mut depth = 0usize;
    let mut entry_depth = usize::MAX;
    loop {
        let text = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                depth += 1;
                match e.local_name().as_ref() {
                    b"sitemapindex" => {
                        in_index = true;
                        saw_root = true;
                    }
                    b"urlset" => saw_root = true,
                    b"url" | b"sitemap" => {
                        loc = None;
                        hint = Hint::default();
                        entry_depth = depth;
                    }
                    b"news" => in_news = true,
                    b"loc" if depth == entry_depth + 1 => field = Field::Loc,
                    b"publication_date" if in_news => field = Field::Published,
                    b"title" if in_news => field = Field::Title,
                    _ => {}
                }
                None
            }
            Ok(Event::End(e)) => {
                depth = depth.saturating_sub(1);
                match e.local_name().as_ref() {
                    b"url" | b"sitemap" => {
                        entry_depth = usize::MAX;
                        if let Some(url) = loc.take() {
                            if in_index {
                                out.sitemaps.push(url);
                            } else {
                                out.urls.push(Listed {
                                    url,
                                    hint: std::mem::take(&mut hint),
                                });
                            }
                        }
                    }
                    b"news" => in_news = false,
                    b"loc" | b"publication_date" | b"title" => field = Field::None,
                    _ => {}
                }
                None
            }
            Ok(Event::Text(t)) if field != Field::None => {
                Some(t.unescape().map(|c| c.into_owned()).unwrap_or_default())
            }
            Ok(Event::CData(t)) if field != Field::None => {
                Some(String::from_utf8_lossy(&t).into_owned())
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                return Err(DiscoverError::Sitemap {
                    url: sitemap_url.to_string(),
                    reason: e.to_string(),
                })
            }
            _ => None,
        };
        if let Some(text) = text {
            let text = text.trim();
            match field {
                Field::Loc => loc = sitemap_url.join(text).ok(),
                Field::Published if !text.is_empty() => hint.published = Some(text.to_string()),
                Field::Title if !text.is_empty() => hint.title = Some(text.to_string()),
                _ => {}
            }
        }
        buf.clear();
    }
    if !saw_root {
        return Err(DiscoverError::Sitemap {
            url: sitemap_url.to_string(),
            reason: "no <urlset> or <sitemapindex> element".into(),
        });
    }
    Ok(out)
}

/// Whether a link found on a section page looks like an article of the same site: same host,
/// and a path that ends in a long slug or a numeric id (`/ten-bai-viet-4412345.html`,
/// `/2021/12/01/some-story`), not a section (`/thoi-su/`), tag, search or media page.
pub fn looks_like_article(link: &Url, section: &Url) -> bool {
    if link.host_str() != section.host_str() || link.path() == section.path() {
        return false;
    }
    let path = link.path().to_ascii_lowercase();
    const NOT_ARTICLES: &[&str] = &[
        "/tag/",
        "/tags/",
        "/tim-kiem",
        "/search",
        "/video/",
        "/author/",
        "/tac-gia/",
        "/login",
        "/dang-nhap",
        "/rss",
        "/lien-he",
        "/contact",
        "/gioi-thieu",
        "/about",
    ];
    if NOT_ARTICLES.iter().any(|p| path.contains(p)) {
        return false;
    }
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let stem = last.split('.').next().unwrap_or("");
    let words = stem.split(['-', '_']).filter(|w| !w.is_empty()).count();
    let has_id = stem
        .split(['-', '_'])
        .any(|w| w.len() >= 5 && w.chars().all(|c| c.is_ascii_digit()));
    let dated = path.split('/').any(|seg| {
        seg.len() == 4 && seg.starts_with("20") && seg.chars().all(|c| c.is_ascii_digit())
    });
    words >= 4 || has_id || (dated && words >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn a_gzipped_sitemap_is_read() {
        let url = Url::parse("https://ex.vn/sitemap.xml.gz").unwrap();
        let xml = br#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://ex.vn/a-1.html</loc></url><url><loc>https://ex.vn/b-2.html</loc></url></urlset>"#;
        let map = sitemap(&url, &gzip(xml)).unwrap();
        let locs: Vec<&str> = map.urls.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(locs, ["https://ex.vn/a-1.html", "https://ex.vn/b-2.html"]);
    }

    #[test]
    fn a_gzip_bomb_is_refused_at_the_protocols_limit() {
        let url = Url::parse("https://ex.vn/sitemap.xml.gz").unwrap();
        // 60 MB of spaces compress to some 60 KB.
        let bomb = gzip(&vec![b' '; 60 * 1024 * 1024]);
        assert!(bomb.len() < 200_000);
        let error = sitemap(&url, &bomb).unwrap_err().to_string();
        assert!(error.contains("the protocol's limit"), "{error}");
        let broken = [0x1f, 0x8b, 1, 2, 3];
        let error = sitemap(&url, &broken).unwrap_err().to_string();
        assert!(error.contains("does not decompress"), "{error}");
    }

    #[test]
    fn feed_items() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><title>A</title><link>https://ex.vn/a-1.html</link></item>
            <item><title>B</title><link>/b-2.html</link></item>
            <item><title>A again</title><link>https://ex.vn/a-1.html</link></item>
            </channel></rss>"#;
        let base = Url::parse("https://ex.vn/rss/home.rss").unwrap();
        let listed = feed_links(&base, rss).unwrap();
        let links: Vec<&str> = listed.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(links, ["https://ex.vn/a-1.html", "https://ex.vn/b-2.html"]);
        assert_eq!(listed[0].hint.title.as_deref(), Some("A"));
        assert!(feed_links(&base, b"<html>not a feed</html>").is_err());
    }

    #[test]
    fn sitemaps_and_indexes() {
        let base = Url::parse("https://ex.vn/sitemap.xml").unwrap();
        let set = br#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
            <url><loc>https://ex.vn/a.html</loc><news:news><news:title>A</news:title></news:news></url>
            <url><loc><![CDATA[https://ex.vn/b.html]]></loc></url></urlset>"#;
        let s = sitemap(&base, set).unwrap();
        assert_eq!(s.urls.len(), 2);
        assert!(s.sitemaps.is_empty());
        assert_eq!(s.urls[0].hint.title.as_deref(), Some("A"));
        assert_eq!(s.urls[1].url.as_str(), "https://ex.vn/b.html");
        assert!(s.urls[1].hint.is_empty());
        let index =
            br#"<sitemapindex><sitemap><loc>https://ex.vn/s1.xml</loc></sitemap></sitemapindex>"#;
        let s = sitemap(&base, index).unwrap();
        assert_eq!(s.sitemaps[0].as_str(), "https://ex.vn/s1.xml");
        assert!(sitemap(&base, b"<html></html>").is_err());
    }

    #[test]
    fn google_news_sitemap_hints_stay_with_their_url() {
        let base = Url::parse("https://baomoi.vn/sitemap-news.xml").unwrap();
        let news = r#"<?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
                    xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
              <url>
                <loc>https://baomoi.vn/hop-bao-chinh-phu-thuong-ky-4412345.html</loc>
                <lastmod>2021-12-02T08:00:00+07:00</lastmod>
                <news:news>
                  <news:publication><news:name>Báo Mới</news:name><news:language>vi</news:language></news:publication>
                  <news:publication_date>2021-12-01T14:35:00+07:00</news:publication_date>
                  <news:title>Họp báo Chính phủ thường kỳ &amp; các vấn đề nóng</news:title>
                </news:news>
              </url>
              <url><loc>https://baomoi.vn/tin-khong-co-ngay-4412346.html</loc>
                <image:image><image:loc>https://baomoi.vn/a.jpg</image:loc><image:title>Ảnh</image:title></image:image>
              </url>
            </urlset>"#;
        let s = sitemap(&base, news.as_bytes()).unwrap();
        let urls: Vec<&str> = s.urls.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://baomoi.vn/hop-bao-chinh-phu-thuong-ky-4412345.html",
                "https://baomoi.vn/tin-khong-co-ngay-4412346.html"
            ]
        );
        assert_eq!(
            s.urls[0].hint,
            Hint {
                published: Some("2021-12-01T14:35:00+07:00".into()),
                title: Some("Họp báo Chính phủ thường kỳ & các vấn đề nóng".into()),
            }
        );
        // The publication's name is not the article's title, an image's title neither, and
        // the next URL gets nothing of the first's.
        assert!(s.urls[1].hint.is_empty());
    }

    #[test]
    fn plain_url_lists() {
        let base = Url::parse("https://ex.vn/lists/today.txt").unwrap();
        let list = b"# today\nhttps://ex.vn/a-1.html\n\n  /b-2.html  \nftp://ex.vn/x\nhttps://ex.vn/a-1.html\n";
        let urls: Vec<String> = url_list(&base, list)
            .into_iter()
            .map(|l| l.url.to_string())
            .collect();
        assert_eq!(urls, ["https://ex.vn/a-1.html", "https://ex.vn/b-2.html"]);
    }

    #[test]
    fn article_like_links() {
        let section = Url::parse("https://ex.vn/thoi-su/").unwrap();
        let yes = |s: &str| looks_like_article(&Url::parse(s).unwrap(), &section);
        assert!(yes(
            "https://ex.vn/thoi-su/doan-kiem-tra-lam-viec-tai-son-la-4412345.html"
        ));
        assert!(yes("https://ex.vn/2021/12/01/son-la"));
        assert!(!yes("https://ex.vn/the-gioi/"));
        assert!(!yes("https://ex.vn/tag/son-la-12345"));
        assert!(!yes(
            "https://other.vn/doan-kiem-tra-lam-viec-tai-son-la-4412345.html"
        ));
    }
}
