//! Any bytes in: a record or a typed error out, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinstream_parser::{Page, Parser};

fuzz_target!(|data: &[u8]| {
    // The first byte picks a declared charset, so that decoding paths are fuzzed too.
    let (charset, bytes) = match data.split_first() {
        Some((0, rest)) => (Some("windows-1258"), rest),
        Some((1, rest)) => (Some("utf-8"), rest),
        Some((2, rest)) => (Some("utf-16le"), rest),
        _ => (None, data),
    };
    let Ok(url) = url::Url::parse("https://bao.example.vn/thoi-su/bai-viet-4412345.html") else {
        return;
    };
    let _ = Parser::default().parse(Page {
        bytes,
        url: &url,
        http_charset: charset,
        fetched_at: chrono::Utc::now(),
    });
});
