//! Pages built to hurt: the parser must answer each with a record or a typed error, without
//! panicking, in bounded time (these run in the ordinary test suite; no timing is asserted).

use tinstream_parser::{Extraction, Page, ParseError, Parser, ParserOptions};
use url::Url;

fn parse(bytes: &[u8]) -> Result<Extraction, ParseError> {
    let url = Url::parse("https://bao.example.vn/bai-viet-123456.html").unwrap();
    Parser::default().parse(Page {
        bytes,
        url: &url,
        http_charset: None,
        fetched_at: chrono::Utc::now(),
    })
}

#[test]
fn empty_input_is_a_typed_error() {
    assert_eq!(parse(b"").unwrap_err(), ParseError::Empty);
}

#[test]
fn binary_garbage_is_a_typed_error() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let bytes: Vec<u8> = (0..100_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    assert_eq!(parse(&bytes).unwrap_err(), ParseError::Binary);
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let depth = 100_000;
    let mut page = String::from("<html><body>");
    page.push_str(&"<div>".repeat(depth));
    page.push_str("<p>Một đoạn văn nằm rất sâu trong cây DOM, đủ dài để được tính điểm như một đoạn văn thật.</p>");
    page.push_str(&"</div>".repeat(depth));
    page.push_str("</body></html>");
    assert_eq!(
        parse(page.as_bytes()).unwrap_err(),
        ParseError::TooDeep { limit: 4096 }
    );
}

#[test]
fn broken_markup_still_gives_the_text() {
    let page = "<html><head><title>Tin nóng | Báo</title><body><h1>Tin nóng hôm nay về giao thông</h1><div><p>Sáng nay, nhiều tuyến phố ùn tắc kéo dài, người dân phải chờ hàng giờ để qua các nút giao.<p>Lực lượng chức năng đã có mặt điều tiết, đến trưa thì giao thông cơ bản thông suốt trở lại.<table><tr><td>lạc chỗ<div></span></b>Cơ quan chức năng khuyến cáo người dân chọn tuyến đường khác trong giờ cao điểm.";
    match parse(page.as_bytes()) {
        Ok(Extraction::Article(record)) => {
            assert!(
                record.body.contains("nhiều tuyến phố ùn tắc"),
                "{}",
                record.body
            );
        }
        other => panic!("expected an article, got {other:?}"),
    }
}

#[test]
fn oversized_pages_are_refused_before_parsing() {
    let parser = Parser::new(&ParserOptions {
        max_page_bytes: 1024,
        ..ParserOptions::default()
    });
    let url = Url::parse("https://bao.example.vn/").unwrap();
    let bytes = vec![b'a'; 2048];
    let err = parser
        .parse(Page {
            bytes: &bytes,
            url: &url,
            http_charset: None,
            fetched_at: chrono::Utc::now(),
        })
        .unwrap_err();
    assert_eq!(
        err,
        ParseError::TooLarge {
            size: 2048,
            limit: 1024
        }
    );
}

#[test]
fn a_50_mb_page_is_refused_by_the_default_limit_without_being_parsed() {
    // A page of real markup, so that only the size can refuse it.
    let paragraph =
        "<p>Đoạn văn rất dài của một trang khổng lồ, lặp lại cho đến năm mươi megabyte.</p>";
    let mut page = String::from("<html><head><title>Trang khổng lồ</title></head><body>");
    while page.len() < 50 * 1024 * 1024 {
        page.push_str(paragraph);
    }
    let size = page.len();
    let limit = ParserOptions::default().max_page_bytes;
    assert!(size > limit, "the page must exceed the default limit");
    assert_eq!(
        parse(page.as_bytes()).unwrap_err(),
        ParseError::TooLarge { size, limit }
    );
}

#[test]
fn a_large_page_of_many_paragraphs_is_handled() {
    let mut page = String::from("<html><head><title>Trang rất dài</title></head><body><article>");
    // Numbered, so that no paragraph repeats another (repeats are dropped as markup copies).
    let mut n = 0;
    while page.len() < 8 * 1024 * 1024 {
        n += 1;
        page.push_str(&format!(
            "<p>Đoạn văn thử nghiệm số {n} với <a href='/x'>một liên kết</a>, dấu phẩy, và đủ chữ để được chấm điểm như nội dung.</p>"
        ));
    }
    page.push_str("</article></body></html>");
    match parse(page.as_bytes()) {
        Ok(Extraction::Article(record)) => assert!(record.word_count > 1_000_000),
        other => panic!("expected an article, got {other:?}"),
    }
}
