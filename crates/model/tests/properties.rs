//! Properties of URL normalisation over generated addresses: it never panics, and a
//! normalised URL normalises to itself (so a key computed twice is the same key).

use proptest::prelude::*;
use tinstream_model::urls::{normalize, normalize_with};

/// URL-like text: schemes, hosts (numeric and IPv6 among them), ports, paths with escapes and
/// dot segments, queries with tracking parameters, fragments; or any text at all.
fn url_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::sample::select(vec!["http://", "https://", "HTTPS://", "//", ""]),
            prop::sample::select(vec![
                "ex.vn",
                "VnExpress.NET",
                "0x7f.1",
                "2130706433",
                "[::ffff:7f00:1]",
                "xn--bo-mi-wta.vn",
                "bão.vn",
                "a.b.c.d.e",
            ]),
            prop::option::of(0u32..70_000),
            "(/[a-zA-Z0-9%._~\\-]{0,8}){0,4}",
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "utm_source",
                        "UTM_Medium",
                        "fbclid",
                        "id",
                        "a",
                        "",
                        "trang",
                        "%20",
                    ]),
                    "[a-z0-9%=&+]{0,6}"
                ),
                0..4
            ),
            prop::option::of("[a-z0-9#?]{0,6}"),
        )
            .prop_map(|(scheme, host, port, path, query, fragment)| {
                let mut text = format!("{scheme}{host}");
                if let Some(port) = port {
                    text += &format!(":{port}");
                }
                text += &path;
                if !query.is_empty() {
                    let pairs: Vec<String> =
                        query.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    text += &format!("?{}", pairs.join("&"));
                }
                if let Some(fragment) = fragment {
                    text += &format!("#{fragment}");
                }
                text
            }),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn normalising_twice_changes_nothing(text in url_text()) {
        let base = url::Url::parse("https://bao.example.vn/thoi-su/").unwrap();
        if let Ok(url) = url::Url::options().base_url(Some(&base)).parse(&text) {
            let once = normalize(&url);
            prop_assert_eq!(&normalize(&once), &once);
            let site = |name: &str| name == "trang";
            let once = normalize_with(&url, site);
            prop_assert_eq!(&normalize_with(&once, site), &once);
            prop_assert!(once.fragment().is_none());
            prop_assert!(!once
                .query_pairs()
                .any(|(k, _)| k.to_ascii_lowercase().starts_with("utm_") || k == "trang"));
        }
    }
}
