//! URL normalisation: any string that parses as a URL normalises without a panic, and a
//! normalised URL normalises to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinstream_model::urls;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = url::Url::parse("https://bao.example.vn/thoi-su/").ok();
    let Ok(url) = url::Url::options().base_url(base.as_ref()).parse(text) else {
        return;
    };
    let once = urls::normalize(&url);
    assert_eq!(urls::normalize(&once), once, "{text:?}");
    let _ = tinstream_model::article_id(once.as_str());
});
