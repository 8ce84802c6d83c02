//! The parser on pages in the markup of the big Vietnamese sites and of older government
//! portals, three or more per site. Each page's expected record is in
//! `tests/fixtures/sites/expected.json`, written by hand from the page's content (the fixtures
//! are our own pages in each site's markup, so the truth is known). Every page must give its
//! record both with no site rule and with the rules shipped in `config/sites`.

mod rules;

use rules::shipped_rules;
use serde_json::Value;
use std::path::Path;
use tinstream_parser::{Extraction, Page, Parser};
use url::Url;

fn fixtures() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites");
    let text = std::fs::read_to_string(dir.join("expected.json")).expect("expected.json");
    let map: serde_json::Map<String, Value> = serde_json::from_str(&text).expect("valid JSON");
    map.into_iter().collect()
}

fn parse(file: &str, url: &str) -> Extraction {
    parse_with(&Parser::default(), file, url)
}

fn parse_with(parser: &Parser, file: &str, url: &str) -> Extraction {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sites")
        .join(file);
    let bytes = std::fs::read(&path).expect("fixture");
    let url = Url::parse(url).expect("url");
    parser
        .parse(Page {
            bytes: &bytes,
            url: &url,
            http_charset: None,
            fetched_at: chrono::Utc::now(),
        })
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Without any site rule: the generic extraction alone must give every record.
#[test]
fn every_fixture_gives_its_expected_record() {
    check_all(&Parser::default());
}

/// With the rules of `config/sites`: they refine, and must not spoil, the same records.
#[test]
fn every_fixture_gives_its_expected_record_with_the_shipped_rules() {
    let rules = shipped_rules();
    assert!(rules.len() >= 10, "a rule per named site");
    check_all(&Parser::default().with_sites(rules));
}

fn check_all(parser: &Parser) {
    let mut failures = Vec::new();
    for (file, expected) in fixtures() {
        let url = expected["url"].as_str().expect("url");
        match parse_with(parser, &file, url) {
            Extraction::NotArticle(page) => {
                if expected.get("is_article") != Some(&Value::Bool(false)) {
                    failures.push(format!("{file}: read as not an article"));
                    continue;
                }
                for link in expected["links_include"].as_array().into_iter().flatten() {
                    if !page.links.iter().any(|l| Some(l.as_str()) == link.as_str()) {
                        failures.push(format!("{file}: link {link} missing"));
                    }
                }
            }
            Extraction::Article(record) => {
                if expected.get("is_article") == Some(&Value::Bool(false)) {
                    failures.push(format!("{file}: read as an article: {:?}", record.title));
                    continue;
                }
                let got = serde_json::to_value(&*record).expect("serialises");
                for key in [
                    "title",
                    "lead",
                    "published_at",
                    "modified_at",
                    "authors",
                    "source_agency",
                    "section",
                    "tags",
                    "images",
                    "language",
                    "canonical_url",
                    "site",
                ] {
                    if got[key] != expected[key] {
                        failures.push(format!(
                            "{file}: {key}: got {} expected {}",
                            got[key], expected[key]
                        ));
                    }
                }
                let body: Vec<&str> = expected["body"]
                    .as_array()
                    .expect("body")
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                let want = body.join("\n\n");
                if record.body != want {
                    failures.push(format!(
                        "{file}: body differs\n--- got ---\n{}\n--- expected ---\n{}",
                        record.body, want
                    ));
                }
                let words = want
                    .split_whitespace()
                    .filter(|w| w.chars().any(char::is_alphanumeric))
                    .count();
                if record.word_count as usize != words {
                    failures.push(format!(
                        "{file}: word_count {} expected {words}",
                        record.word_count
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn old_portal_body_has_none_of_the_boilerplate() {
    let Extraction::Article(record) = parse(
        "old-portal-article.html",
        "http://portal.example.gov.vn/tin-tuc.aspx?id=35218",
    ) else {
        panic!("the old portal page is an article");
    };
    for phrase in [
        "Gửi cho bạn bè",
        "Phản hồi",
        "Thông tin người gửi phản hồi",
        "Các tin khác",
        "(TTXVN)",
        "Trang chủ",
        "Thăm dò ý kiến",
        "Cơ quan chủ quản",
        "Thứ Tư",
        "Đồng chí Trương Thị Mai phát biểu tại buổi làm việc với lãnh đạo",
    ] {
        assert!(!record.body.contains(phrase), "body contains {phrase:?}");
    }
    assert_eq!(
        record.published_at.map(|t| t.to_string()).as_deref(),
        Some("2021-12-01")
    );
}
