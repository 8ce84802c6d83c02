//! Section and tags, from the breadcrumb and the page's metadata.

use crate::meta;
use scraper::Html;

pub(crate) fn section(html: &Html, meta: &meta::Meta) -> Option<String> {
    static BREADCRUMB: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse(
            r#"[class*="breadcrumb"] a, [id*="breadcrumb"] a, [class*="bread-crumb"] a, [itemtype*="BreadcrumbList"] a, [class*="detail-cate"] a"#,
        )
        .expect("static selector is valid")
    });
    let is_home = |s: &str| {
        let l = s.to_lowercase();
        l.is_empty() || l == "trang chủ" || l == "home" || l == "trang chu"
    };
    meta.ld
        .section
        .clone()
        .or_else(|| meta.tag(&["article:section"]).map(str::to_string))
        .or_else(|| meta.ld.breadcrumb.iter().find(|b| !is_home(b)).cloned())
        .or_else(|| {
            html.select(&BREADCRUMB)
                .map(meta::text_of)
                .find(|t| !is_home(t))
        })
}

pub(crate) fn tags(meta: &meta::Meta) -> Vec<String> {
    let from_meta = |keys: &[&str]| -> Vec<String> {
        meta.tag(keys)
            .map(|v| {
                v.split([',', ';'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut tags = meta.ld.keywords.clone();
    if tags.is_empty() {
        tags = from_meta(&["article:tag", "news_keywords"]);
    }
    if tags.is_empty() {
        tags = from_meta(&["keywords"]);
    }
    tags.truncate(30);
    tags
}
