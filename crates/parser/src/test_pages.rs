//! Pages for the tests of every field: a page given as text, parsed as fetched from a URL.

use crate::*;
use chrono::Utc;
use url::Url;

/// Parses a page given as text, fetched now from `url`.
pub(crate) fn parse_html(
    html: &str,
    url: &str,
    hints: Hints<'_>,
) -> Result<Extraction, ParseError> {
    let url = Url::parse(url).unwrap();
    Parser::default().parse_with_hints(
        Page {
            bytes: html.as_bytes(),
            url: &url,
            http_charset: None,
            fetched_at: Utc::now(),
        },
        hints,
    )
}

/// What the parser makes of a page fetched now from `url`, article or not.
pub(crate) fn analyzed(html: &str, url: &str) -> Analysis {
    let url = Url::parse(url).unwrap();
    Parser::default()
        .analyze(Page {
            bytes: html.as_bytes(),
            url: &url,
            http_charset: None,
            fetched_at: Utc::now(),
        })
        .unwrap()
}

/// The article record of a page fetched from `url`; fails the test when it is not one.
pub(crate) fn parsed_article(html: &str, url: &str) -> Article {
    match parse_html(html, url, Hints::default()) {
        Ok(Extraction::Article(record)) => *record,
        other => panic!("the article is found: {other:?}"),
    }
}

/// An article of three paragraphs with `extra` between the first and the others.
pub(crate) fn article_with(extra: &str) -> Article {
    let para = |n: u32| {
        format!(
            "<p>Paragraph {n} of the guide explains, in plain words and at some length, \
             why a car needs regular care, what it costs, and when to do it yourself.</p>"
        )
    };
    let html = format!(
        "<html><head><title>Car care</title></head><body><h1>Car care</h1>\
         <div class=\"story\">{}{extra}{}{}</div></body></html>",
        para(1),
        para(2),
        para(3)
    );
    match parse_html(
        &html,
        "https://example.com/guides/car-care",
        Hints::default(),
    ) {
        Ok(Extraction::Article(record)) => *record,
        other => panic!("the article is found: {other:?}"),
    }
}

/// `count` paragraphs "`label` 1: `sentence`", "`label` 2: `sentence`", … as markup.
pub(crate) fn numbered_paragraphs(count: u32, label: &str, sentence: &str) -> String {
    (1..=count)
        .map(|i| format!("<p>{label} {i}: {sentence}</p>"))
        .collect()
}
