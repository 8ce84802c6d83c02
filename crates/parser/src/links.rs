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

/// The site a page belongs to, to tell its own pages from other sites': the hosts of its
/// address and of its canonical address, `www.` aside. Hosts, not registrable domains: the
/// subdomains of a large domain are separate sites (a study on `pubmed.ncbi.nlm.nih.gov`
/// cited by `nccih.nih.gov`).
pub(crate) struct OwnSite<'a> {
    page: &'a Url,
    canonical: Url,
    hosts: [Option<String>; 2],
}

impl<'a> OwnSite<'a> {
    pub fn new(page: &'a Url, canonical: &Url) -> Self {
        OwnSite {
            page,
            canonical: canonical.clone(),
            hosts: [site_host(page), site_host(canonical)],
        }
    }

    /// Whether `href`, as written in the page, leads to the page itself (its address or its
    /// canonical one, whatever the fragment).
    pub fn is_this_page(&self, href: &str) -> bool {
        let Ok(mut target) = self.page.join(href.trim()) else {
            return false;
        };
        target.set_fragment(None);
        let same = |url: &Url| {
            let mut url = url.clone();
            url.set_fragment(None);
            url == target
        };
        same(self.page) || same(&self.canonical)
    }

    /// Whether `href`, as written in the page, leads to a page of another site.
    pub fn is_elsewhere(&self, href: &str) -> bool {
        let Ok(target) = self.page.join(href.trim()) else {
            return false;
        };
        if !matches!(target.scheme(), "http" | "https") {
            return false;
        }
        let host = site_host(&target);
        host.is_some() && !self.hosts.contains(&host)
    }
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
