//! Reading sources: the article links of RSS and Atom feeds, the URLs of sitemaps and sitemap
//! indexes, and which links of a section page look like articles.

use quick_xml::events::Event;
use quick_xml::Reader;
use url::Url;

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

/// The item links of an RSS or Atom feed, in feed order.
pub fn feed_links(feed_url: &Url, bytes: &[u8]) -> Result<Vec<Url>, DiscoverError> {
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
            if !out.contains(&url) {
                out.push(url);
            }
        }
    }
    Ok(out)
}

/// What a sitemap lists: page URLs (`<urlset>`) or further sitemaps (`<sitemapindex>`).
#[derive(Debug, Default, PartialEq)]
pub struct Sitemap {
    /// Pages.
    pub urls: Vec<Url>,
    /// Child sitemaps of an index.
    pub sitemaps: Vec<Url>,
}

/// Reads a sitemap or sitemap index (Google News sitemaps are sitemaps with extra tags).
pub fn sitemap(sitemap_url: &Url, bytes: &[u8]) -> Result<Sitemap, DiscoverError> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut out = Sitemap::default();
    let mut in_index = false;
    let mut in_loc = false;
    let mut buf = Vec::new();
    let mut saw_root = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let name = e.local_name();
                match name.as_ref() {
                    b"sitemapindex" => {
                        in_index = true;
                        saw_root = true;
                    }
                    b"urlset" => saw_root = true,
                    b"loc" => in_loc = true,
                    _ => {}
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"loc" => in_loc = false,
            Ok(Event::Text(t)) if in_loc => {
                let text = t.unescape().map(|c| c.into_owned()).unwrap_or_default();
                if let Ok(url) = sitemap_url.join(text.trim()) {
                    if in_index {
                        out.sitemaps.push(url);
                    } else {
                        out.urls.push(url);
                    }
                }
            }
            Ok(Event::CData(t)) if in_loc => {
                let text = String::from_utf8_lossy(&t).into_owned();
                if let Ok(url) = sitemap_url.join(text.trim()) {
                    if in_index {
                        out.sitemaps.push(url);
                    } else {
                        out.urls.push(url);
                    }
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                return Err(DiscoverError::Sitemap {
                    url: sitemap_url.to_string(),
                    reason: e.to_string(),
                })
            }
            _ => {}
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

    #[test]
    fn feed_items() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><title>A</title><link>https://ex.vn/a-1.html</link></item>
            <item><title>B</title><link>/b-2.html</link></item>
            <item><title>A again</title><link>https://ex.vn/a-1.html</link></item>
            </channel></rss>"#;
        let base = Url::parse("https://ex.vn/rss/home.rss").unwrap();
        let links = feed_links(&base, rss).unwrap();
        let links: Vec<&str> = links.iter().map(Url::as_str).collect();
        assert_eq!(links, ["https://ex.vn/a-1.html", "https://ex.vn/b-2.html"]);
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
        let index =
            br#"<sitemapindex><sitemap><loc>https://ex.vn/s1.xml</loc></sitemap></sitemapindex>"#;
        let s = sitemap(&base, index).unwrap();
        assert_eq!(s.sitemaps[0].as_str(), "https://ex.vn/s1.xml");
        assert!(sitemap(&base, b"<html></html>").is_err());
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
