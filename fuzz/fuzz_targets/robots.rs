//! robots.txt as the crawler reads it: any bytes give a decision and a list of sitemaps,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinstream_crawler::robots::{read_robots, RobotsDecision};

fuzz_target!(|data: &[u8]| {
    let (Ok(robots), Ok(page)) = (
        url::Url::parse("https://bao.example.vn/robots.txt"),
        url::Url::parse("https://bao.example.vn/thoi-su/bai-viet-4412345.html?trang=2"),
    ) else {
        return;
    };
    let (decision, _sitemaps) = read_robots("tinstream", &robots, data, &page);
    if let RobotsDecision::Allowed {
        crawl_delay: Some(delay),
    } = decision
    {
        assert!(delay.as_secs() <= 60);
    }
});
