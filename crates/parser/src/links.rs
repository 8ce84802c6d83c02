//! Addresses: the page's site and canonical URL, and the links a page that is not an article
//! offers for discovery.

use crate::dom::Attribute;
use crate::meta;
use scraper::Html;
use url::Url;

/// Links kept from one page.
pub(crate) const MAX_LINKS: usize = 5000;

/// The site an address belongs to: its host, lower case, `www.` aside.
pub(crate) fn site_host(url: &Url) -> Option<String> {
    url.host_str()
        .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
}

pub(crate) fn canonical_url(url: &Url, meta: &meta::Meta) -> Url {
    [
        meta.canonical.as_deref(),
        meta.tag(&["og:url"]),
        meta.ld.url.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|c| url.join(c.trim()).ok())
    .find(|c| matches!(c.scheme(), "http" | "https") && c.host_str().is_some())
    .map(|mut c| {
        c.set_fragment(None);
        c
    })
    .unwrap_or_else(|| url.clone())
}

pub(crate) fn links(html: &Html, base: &Url) -> Vec<String> {
    static ANCHOR: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("a[href]").expect("static selector is valid")
    });
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for a in html.select(&ANCHOR) {
        let Some(href) = a.value().attribute("href") else {
            continue;
        };
        let Ok(mut url) = base.join(href.trim()) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        url.set_fragment(None);
        let s = url.to_string();
        if seen.insert(s.clone()) {
            out.push(s);
            if out.len() >= MAX_LINKS {
                break;
            }
        }
    }
    out
}
