//! What a source serves, as the crawler reads it: a feed, a sitemap (plain or gzipped), a URL
//! list. Any bytes in: links or a typed error out, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinstream_crawler::discover;

fuzz_target!(|data: &[u8]| {
    let Ok(base) = url::Url::parse("https://bao.example.vn/rss/tin-moi.rss") else {
        return;
    };
    // The first byte picks the reader, so that each gets the whole corpus.
    let Some((kind, bytes)) = data.split_first() else {
        return;
    };
    match kind % 3 {
        0 => {
            let _ = discover::feed_links(&base, bytes);
        }
        1 => {
            if let Ok(map) = discover::sitemap(&base, bytes) {
                assert!(map.urls.len() + map.sitemaps.len() <= discover::MAX_SITEMAP_URLS);
            }
        }
        _ => {
            for listed in discover::url_list(&base, bytes) {
                assert!(matches!(listed.url.scheme(), "http" | "https"));
            }
        }
    }
});
