//! URL normalisation: one page reached under several spellings is one page. The crawl keys
//! its state by the normalised address, and a record's `url`, `canonical_url` (and so its
//! `id`) are normalised the same way, so that `?utm_source=rss` on a feed link changes none
//! of them.
//!
//! ```
//! use tinstream_model::urls::normalize;
//! let url = url::Url::parse("https://ex.vn/a-1.html?utm_source=rss&id=2#top").unwrap();
//! assert_eq!(normalize(&url).as_str(), "https://ex.vn/a-1.html?id=2");
//! ```

use url::Url;

/// Query parameters that only track where a visitor came from.
fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_")
        || matches!(
            name.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "yclid"
                | "mc_cid"
                | "mc_eid"
                | "igshid"
                | "_ga"
                | "_gl"
                | "ref_src"
                | "zarsrc"
                | "gidzl"
        )
}

/// Normalises a URL: scheme and host lower-cased and default ports dropped (the `url` crate
/// does this on parsing), the fragment removed, tracking parameters removed, an empty query
/// removed. A query with nothing to remove is left as it was written.
pub fn normalize(url: &Url) -> Url {
    normalize_with(url, |_| false)
}

/// [`normalize`], also dropping the query parameters `drop` names (a site's own rules).
pub fn normalize_with(url: &Url, drop: impl Fn(&str) -> bool) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    if url.query().is_some() {
        let dropped = |k: &str| is_tracking_param(k) || drop(k);
        if !url.query_pairs().any(|(k, _)| dropped(&k)) {
            if url.query() == Some("") {
                url.set_query(None);
            }
            return url;
        }
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !dropped(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_tracking_and_fragments() {
        let u = Url::parse("HTTPS://VnExpress.net:443/a-1.html?utm_source=fb&id=2&fbclid=x#top")
            .unwrap();
        assert_eq!(
            normalize(&u).as_str(),
            "https://vnexpress.net/a-1.html?id=2"
        );
        let u = Url::parse("http://example.com/a?utm_medium=x").unwrap();
        assert_eq!(normalize(&u).as_str(), "http://example.com/a");
    }

    #[test]
    fn a_site_can_drop_its_own_parameters() {
        let u = Url::parse("https://ex.vn/a-1.html?from=home&page=2&src_x=1").unwrap();
        let dropped = normalize_with(&u, |name| name == "from" || name.starts_with("src_"));
        assert_eq!(dropped.as_str(), "https://ex.vn/a-1.html?page=2");
    }

    #[test]
    fn a_query_with_nothing_to_drop_stays_as_written() {
        let u = Url::parse("https://ex.vn/tin-tuc.aspx?path=a/b&q=x%20y").unwrap();
        assert_eq!(
            normalize(&u).as_str(),
            "https://ex.vn/tin-tuc.aspx?path=a/b&q=x%20y"
        );
        let u = Url::parse("https://ex.vn/a?").unwrap();
        assert_eq!(normalize(&u).as_str(), "https://ex.vn/a");
    }
}
