//! Reading sources: the article links of RSS and Atom feeds, the URLs of sitemaps and sitemap
//! indexes (Google News sitemaps with their publication dates and titles), plain URL lists,
//! and which links of a section page look like articles.

use quick_xml::events::Event;
use quick_xml::Reader;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read};
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
    /// The source lists the page as one article: an item of a feed, an entry of a news
    /// sitemap (one with `<news:news>`), a URL the operator gave. The parser's verdict then
    /// expects an article. Entries of general sitemaps, which list every kind of page, and
    /// links found on section pages are not.
    #[serde(rename = "i", default, skip_serializing_if = "std::ops::Not::not")]
    pub item: bool,
}

impl Hint {
    /// True when the source said nothing.
    pub fn is_empty(&self) -> bool {
        self.published.is_none() && self.title.is_none() && !self.item
    }

    /// The hint of a page the operator named: an article, and nothing more is known.
    pub fn named() -> Hint {
        Hint {
            item: true,
            ..Hint::default()
        }
    }
}

impl Listed {
    /// A page the operator named (a URL list's line).
    fn named(url: Url) -> Listed {
        Listed {
            url,
            hint: Hint::named(),
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
    /// The sitemap's bytes could not be read (the connection failed halfway).
    #[error("{url}: the sitemap could not be read: {source}")]
    Read {
        /// The sitemap's URL.
        url: String,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
}

/// The largest feed read: 20 MiB, after decompression. A feed is parsed whole, and the largest
/// news feeds (a few thousand items with full text) stay well under it; a larger one is an
/// error naming this limit. Sitemaps, which are read as they arrive, have the protocol's.
pub const MAX_FEED_BYTES: usize = 20 * 1024 * 1024;

/// The items of an RSS or Atom feed, in feed order, with their dates and titles as hints.
pub fn feed_links(feed_url: &Url, bytes: &[u8]) -> Result<Vec<Listed>, DiscoverError> {
    let error = |reason: String| DiscoverError::Feed {
        url: feed_url.to_string(),
        reason,
    };
    // The feed parser counts open elements in 16 bits: a feed nested 65,536 deep overflows it
    // (a panic in a debug build, scopes gone wrong in a release one). Real feeds nest a few
    // levels, XHTML content a few dozen.
    if let Some(depth) = deeper_than(bytes, MAX_FEED_DEPTH) {
        return Err(error(format!(
            "elements nested more than {MAX_FEED_DEPTH} deep (at least {depth})"
        )));
    }
    let feed = feed_rs::parser::parse(bytes).map_err(|e| error(e.to_string()))?;
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
                    item: true,
                };
                out.push(Listed { url, hint });
            }
        }
    }
    Ok(out)
}

/// How deep a feed's elements may nest.
const MAX_FEED_DEPTH: usize = 1_000;

/// The depth reached, once it is past `max`; None for a document that stays within it (or
/// stops being XML first: the parser will say why).
fn deeper_than(bytes: &[u8], max: usize) -> Option<usize> {
    let mut reader = Reader::from_reader(bytes);
    let mut depth = 0usize;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) => {
                depth += 1;
                if depth > max {
                    return Some(depth);
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
        buf.clear();
    }
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
            out.push(Listed::named(url));
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
    /// The protocol's limit the sitemap went past: it was read up to there, and the rest left.
    pub truncated: Option<SitemapLimit>,
    /// The bytes read, uncompressed.
    pub bytes: u64,
}

/// A limit of the sitemap protocol (sitemaps.org): what one sitemap may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SitemapLimit {
    /// 50 MB (52,428,800 bytes) uncompressed.
    Bytes,
    /// 50,000 URLs (or child sitemaps, for an index).
    Urls,
}

impl std::fmt::Display for SitemapLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SitemapLimit::Bytes => write!(
                f,
                "longer than the protocol's {MAX_SITEMAP_BYTES} bytes uncompressed; read up to there"
            ),
            SitemapLimit::Urls => write!(
                f,
                "more than the protocol's {MAX_SITEMAP_URLS} URLs; the first {MAX_SITEMAP_URLS} taken"
            ),
        }
    }
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

/// The most URLs one sitemap may list, and the most sitemaps an index may (sitemaps.org).
pub const MAX_SITEMAP_URLS: usize = 50_000;

/// Reads a sitemap or sitemap index held in memory (Google News sitemaps are sitemaps with
/// extra tags), plain or gzipped. See [`read_sitemap`].
pub fn sitemap(sitemap_url: &Url, bytes: &[u8]) -> Result<Sitemap, DiscoverError> {
    read_sitemap(sitemap_url, bytes)
}

/// Reads a sitemap or sitemap index as its bytes arrive, in bounded memory: what it keeps is
/// the URLs listed (at most [`MAX_SITEMAP_URLS`]) and the element being read, never the whole
/// document. A gzipped sitemap (`sitemap.xml.gz`, served as `application/gzip` or
/// `application/x-gzip` rather than with a `Content-Encoding` the HTTP client would undo) is
/// known by its first two bytes and decompressed on the way. One beyond the protocol's limits
/// (50 MB uncompressed, 50,000 URLs) is read up to them, and [`Sitemap::truncated`] says which.
pub fn read_sitemap(sitemap_url: &Url, source: impl Read) -> Result<Sitemap, DiscoverError> {
    let mut source = BufReader::new(source);
    let read_error = |source| DiscoverError::Read {
        url: sitemap_url.to_string(),
        source,
    };
    let gzipped = source
        .fill_buf()
        .map_err(read_error)?
        .starts_with(&[0x1f, 0x8b]);
    // One byte past the limit tells a sitemap of exactly the limit from a longer one.
    let limited: Box<dyn Read + '_> = if gzipped {
        Box::new(flate2::read::MultiGzDecoder::new(source).take(MAX_SITEMAP_BYTES + 1))
    } else {
        Box::new(source.take(MAX_SITEMAP_BYTES + 1))
    };
    let mut counted = Counted {
        inner: limited,
        read: 0,
        failure: None,
    };
    let result = parse_sitemap(sitemap_url, BufReader::new(&mut counted));
    // A failure to read comes first: the XML reader only saw its shadow.
    if let Some(error) = counted.failure {
        use std::io::ErrorKind::{InvalidData, InvalidInput, UnexpectedEof};
        // The decompressor's own complaints; a failed connection below it is of another kind.
        let corrupt = matches!(error.kind(), InvalidData | InvalidInput | UnexpectedEof);
        return Err(if gzipped && corrupt {
            DiscoverError::Sitemap {
                url: sitemap_url.to_string(),
                reason: format!("gzip data that does not decompress: {error}"),
            }
        } else {
            read_error(error)
        });
    }
    let over = counted.read > MAX_SITEMAP_BYTES;
    match result {
        Ok(mut map) => {
            if over {
                map.truncated = Some(SitemapLimit::Bytes);
            }
            map.bytes = counted.read;
            Ok(map)
        }
        // Cut off at the limit, the document ends halfway: what was read stands.
        Err(Partial { mut read, .. }) if over && read.saw_root => {
            read.sitemap.truncated = Some(SitemapLimit::Bytes);
            read.sitemap.bytes = counted.read;
            Ok(read.sitemap)
        }
        Err(Partial { reason, .. }) => Err(DiscoverError::Sitemap {
            url: sitemap_url.to_string(),
            reason: if over {
                format!("{reason}, in the first {MAX_SITEMAP_BYTES} bytes (the protocol's limit)")
            } else {
                reason
            },
        }),
    }
}

/// Counts the bytes read through it, and keeps the first read error for the caller (the XML
/// reader above gets a copy of its kind and message only).
struct Counted<R> {
    inner: R,
    read: u64,
    failure: Option<std::io::Error>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.read += n as u64;
                Ok(n)
            }
            Err(error) => {
                let shadow = std::io::Error::new(error.kind(), error.to_string());
                self.failure.get_or_insert(error);
                Err(shadow)
            }
        }
    }
}

/// A sitemap read that failed: what it had read, and the XML reader's message.
struct Partial {
    read: Progress,
    reason: String,
}

/// What a sitemap read has gathered.
struct Progress {
    sitemap: Sitemap,
    saw_root: bool,
}

/// The sitemap reader proper.
fn parse_sitemap(sitemap_url: &Url, source: impl BufRead) -> Result<Sitemap, Partial> {
    let mut reader = Reader::from_reader(source);
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
                    b"news" => {
                        in_news = true;
                        hint.item = true;
                    }
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
                        if loc.is_some() && out.urls.len() + out.sitemaps.len() >= MAX_SITEMAP_URLS
                        {
                            out.truncated = Some(SitemapLimit::Urls);
                            break;
                        }
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
                return Err(Partial {
                    read: Progress {
                        sitemap: out,
                        saw_root,
                    },
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
        return Err(Partial {
            read: Progress {
                sitemap: out,
                saw_root,
            },
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
    fn a_gzip_bomb_is_read_up_to_the_protocols_limit() {
        let url = Url::parse("https://ex.vn/sitemap.xml.gz").unwrap();
        // Two URLs, then 60 MB of spaces (some 60 KB gzipped), then a third URL.
        let mut xml = br#"<urlset><url><loc>https://ex.vn/a-1.html</loc></url><url><loc>https://ex.vn/b-2.html</loc></url>"#.to_vec();
        xml.resize(xml.len() + 60 * 1024 * 1024, b' ');
        xml.extend_from_slice(b"<url><loc>https://ex.vn/c-3.html</loc></url></urlset>");
        let bomb = gzip(&xml);
        assert!(bomb.len() < 200_000);
        let map = sitemap(&url, &bomb).unwrap();
        assert_eq!(map.urls.len(), 2);
        assert_eq!(map.truncated, Some(SitemapLimit::Bytes));
        assert!(map
            .truncated
            .unwrap()
            .to_string()
            .contains("52428800 bytes"));
        // Nothing but spaces: no sitemap in the first 50 MB.
        let spaces = gzip(&vec![b' '; 60 * 1024 * 1024]);
        let error = sitemap(&url, &spaces).unwrap_err().to_string();
        assert!(
            error.contains("no <urlset>") && error.contains("the protocol's limit"),
            "{error}"
        );
        let broken = [0x1f, 0x8b, 1, 2, 3];
        let error = sitemap(&url, &broken).unwrap_err().to_string();
        assert!(error.contains("does not decompress"), "{error}");
    }

    #[test]
    fn a_sitemap_is_read_up_to_fifty_thousand_urls() {
        let url = Url::parse("https://ex.vn/sitemap.xml").unwrap();
        let entries = |n: usize| -> String {
            (0..n)
                .map(|i| format!("<url><loc>https://ex.vn/bai-{i}.html</loc></url>"))
                .collect()
        };
        let full = format!("<urlset>{}</urlset>", entries(MAX_SITEMAP_URLS));
        let map = sitemap(&url, full.as_bytes()).unwrap();
        assert_eq!(map.urls.len(), MAX_SITEMAP_URLS);
        assert_eq!(map.truncated, None);
        let over = format!("<urlset>{}</urlset>", entries(MAX_SITEMAP_URLS + 2));
        let map = sitemap(&url, over.as_bytes()).unwrap();
        assert_eq!(map.urls.len(), MAX_SITEMAP_URLS);
        assert_eq!(
            map.urls.last().unwrap().url.as_str(),
            format!("https://ex.vn/bai-{}.html", MAX_SITEMAP_URLS - 1)
        );
        assert_eq!(map.truncated, Some(SitemapLimit::Urls));
    }

    #[test]
    fn a_read_that_fails_halfway_is_a_read_error_not_a_short_sitemap() {
        /// Gives its bytes, then fails.
        struct Cut(&'static [u8]);
        impl Read for Cut {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::ConnectionReset,
                        "connection reset",
                    ));
                }
                let n = buf.len().min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let url = Url::parse("https://ex.vn/sitemap.xml").unwrap();
        let error = read_sitemap(
            &url,
            Cut(b"<urlset><url><loc>https://ex.vn/a-1.html</loc></url>"),
        )
        .unwrap_err();
        match error {
            DiscoverError::Read { source, .. } => {
                assert_eq!(source.kind(), std::io::ErrorKind::ConnectionReset)
            }
            other => panic!("{other}"),
        }
    }

    /// Entities defined in a DOCTYPE are not expanded ("billion laughs"): the feed reads in
    /// its own size, and no text grows.
    #[test]
    fn entity_expansion_is_refused_cheaply() {
        let mut doctype = String::from("<!DOCTYPE rss [<!ENTITY l0 \"lol\">");
        for i in 1..10 {
            let prev = format!("&l{};", i - 1).repeat(10);
            doctype += &format!("<!ENTITY l{i} \"{prev}\">");
        }
        doctype += "]>";
        let base = Url::parse("https://ex.vn/rss").unwrap();
        let rss = format!(
            r#"<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>&l9;</title><item><title>&l9;</title><link>https://ex.vn/a-1.html</link></item></channel></rss>"#
        );
        if let Ok(links) = feed_links(&base, rss.as_bytes()) {
            assert!(links
                .iter()
                .all(|l| l.hint.title.as_ref().is_none_or(|t| t.len() < 100)));
        }
        let sitemap_xml = format!(
            r#"<?xml version="1.0"?>{}<urlset><url><loc>https://ex.vn/&l9;</loc></url></urlset>"#,
            doctype.replace("rss", "urlset")
        );
        if let Ok(map) = sitemap(&base, sitemap_xml.as_bytes()) {
            assert!(map.urls.iter().all(|l| l.url.as_str().len() < 100));
        }
    }

    /// Elements nested a hundred thousand deep are read without recursion, in a feed as in a
    /// sitemap.
    #[test]
    fn deep_nesting_is_read_without_recursion() {
        let deep = |root: &str, inner: &str| {
            let depth = 100_000;
            format!(
                "<{root}>{}{inner}{}</{root}>",
                "<x>".repeat(depth),
                "</x>".repeat(depth)
            )
        };
        let base = Url::parse("https://ex.vn/sitemap.xml").unwrap();
        let map = sitemap(
            &base,
            deep("urlset", "<url><loc>https://ex.vn/a-1.html</loc></url>").as_bytes(),
        )
        .unwrap();
        // The <url> is not a child of the root here, but it is still a <url> with its <loc>.
        assert_eq!(map.urls.len(), 1);
        let feed = deep(
            r#"rss version="2.0""#,
            "<channel><item><link>https://ex.vn/a-1.html</link></item></channel>",
        )
        .replace("</rss version=\"2.0\">", "</rss>");
        // The feed parser would overflow its depth counter (a panic in a debug build): refused
        // before it, naming the limit.
        let error = feed_links(&base, feed.as_bytes()).unwrap_err().to_string();
        assert!(error.contains("nested more than 1000 deep"), "{error}");
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
        // A feed's items are articles, by what a feed is.
        assert!(listed.iter().all(|l| l.hint.item));
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
        assert!(s.urls[0].hint.item, "a news entry is an article");
        assert_eq!(s.urls[1].url.as_str(), "https://ex.vn/b.html");
        // A general sitemap lists pages of every kind: nothing is expected of them.
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
                item: true,
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
        let listed = url_list(&base, list);
        // The operator's list names articles.
        assert!(listed.iter().all(|l| l.hint == Hint::named()));
        let urls: Vec<String> = listed.into_iter().map(|l| l.url.to_string()).collect();
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
