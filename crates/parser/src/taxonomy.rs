//! Section and tags, from the breadcrumb and the page's metadata.

use crate::meta;
use scraper::Html;

pub(crate) fn section(html: &Html, meta: &meta::Meta) -> Option<String> {
    // The trails first, then their links: a selector of links under a trail would test every
    // link of the page against its ancestors.
    static BREADCRUMB: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse(
            r#"[class*="breadcrumb"], [id*="breadcrumb"], [class*="bread-crumb"], [itemtype*="BreadcrumbList"], [class*="detail-cate"]"#,
        )
        .expect("static selector is valid")
    });
    static LINK: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
        scraper::Selector::parse("a").expect("static selector is valid")
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
            // Every alternative of the selector needs one of these attributes to name a trail.
            let could_match = |el: &scraper::node::Element| {
                el.attrs().any(|(name, value)| match name {
                    "class" => {
                        value.contains("breadcrumb")
                            || value.contains("bread-crumb")
                            || value.contains("detail-cate")
                    }
                    "id" => value.contains("breadcrumb"),
                    "itemtype" => value.contains("BreadcrumbList"),
                    _ => false,
                })
            };
            crate::dom::select_where(html, &BREADCRUMB, could_match)
                .flat_map(|trail| trail.select(&LINK))
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
