//! Bot challenges: the pages a site serves instead of the one asked for when it takes the
//! client for a bot. A JavaScript cookie challenge (`document.cookie=…; location.reload()`,
//! Cloudflare's "Just a moment…"), a captcha, or an interstitial that asks to enable
//! JavaScript. Such a page is not an article nor a listing: parsed, it would give a record
//! titled "Just a moment…" or a listing without links, and the crawl would never learn that the
//! site turned it away.
//!
//! Every rule but the Cloudflare header needs the page to be nearly empty of text a reader
//! would see (scripts and styles left out): a real news page carries captcha widgets in its
//! comment form and "please enable JavaScript" in a `<noscript>`, but also its article, menus
//! and links.

use std::fmt;

/// What kind of challenge a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Challenge {
    /// A script that sets a cookie, or computes one, and reloads the page (Lao Động's,
    /// Cloudflare's managed challenge).
    Script,
    /// A captcha to solve (reCAPTCHA, hCaptcha, Turnstile, DataDome's, PerimeterX's).
    Captcha,
    /// A page that only asks to turn JavaScript on.
    JavaScriptRequired,
}

impl Challenge {
    /// The label used in metrics: `script`, `captcha` or `javascript-required`.
    pub fn as_str(self) -> &'static str {
        match self {
            Challenge::Script => "script",
            Challenge::Captcha => "captcha",
            Challenge::JavaScriptRequired => "javascript-required",
        }
    }
}

impl fmt::Display for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Challenge::Script => "a JavaScript challenge (a script that sets a cookie and reloads)",
            Challenge::Captcha => "a captcha page",
            Challenge::JavaScriptRequired => "a page that asks to enable JavaScript",
        })
    }
}

/// No challenge page is larger; a body beyond this is not looked at.
const MAX_CHALLENGE_BYTES: usize = 512 * 1024;

/// A page with more visible text than this (non-blank characters outside tags, scripts and
/// styles) is a page, whatever widgets it carries. Challenge pages show a sentence or two;
/// the shortest article pages of the test sets show well over a thousand with their menus.
const MAX_CHALLENGE_TEXT: usize = 600;

/// Markers of a script challenge, in a lower-cased page.
const SCRIPT_MARKERS: &[&str] = &[
    "cf_chl_opt",
    "<title>just a moment...</title>",
    "<title>just a moment…</title>",
    "id=\"challenge-form\"",
    "_incapsula_resource",
    "/_sec/cp_challenge/",
];

/// Markers of a captcha, in a lower-cased page.
const CAPTCHA_MARKERS: &[&str] = &[
    "g-recaptcha",
    "recaptcha/api.js",
    "h-captcha",
    "hcaptcha.com/1/api.js",
    "cf-turnstile",
    "challenges.cloudflare.com/turnstile",
    "captcha-delivery.com",
    "px-captcha",
    "<title>attention required! | cloudflare</title>",
];

/// What an interstitial says when it wants JavaScript, lower-cased, in English and Vietnamese.
const JAVASCRIPT_PHRASES: &[&str] = &[
    "enable javascript",
    "javascript is disabled",
    "javascript is required",
    "javascript must be enabled",
    "requires javascript",
    "turn on javascript",
    "javascript to run this app",
    "bật javascript",
    "kích hoạt javascript",
];

/// Whether a response is a bot challenge, and which. `mitigated` is true when the response
/// carried Cloudflare's `cf-mitigated: challenge` header, which says so outright; otherwise
/// the body decides.
pub fn detect(mitigated: bool, body: &[u8]) -> Option<Challenge> {
    if body.len() > MAX_CHALLENGE_BYTES {
        return mitigated.then_some(Challenge::Script);
    }
    let text = String::from_utf8_lossy(body);
    // Nearly every page ends here, before anything is copied: it shows text.
    if !mitigated && (!text.contains('<') || visible_text(&text) > MAX_CHALLENGE_TEXT) {
        return None;
    }
    let page = text.to_lowercase();
    let has = |markers: &[&str]| markers.iter().any(|m| page.contains(m));
    let captcha = has(CAPTCHA_MARKERS) || title_of(&page).is_some_and(|t| t.contains("captcha"));
    if mitigated {
        return Some(if captcha {
            Challenge::Captcha
        } else {
            Challenge::Script
        });
    }
    if captcha {
        return Some(Challenge::Captcha);
    }
    let reloads = [
        "location.reload",
        "location.href",
        "location.replace",
        "window.location",
    ]
    .iter()
    .any(|m| page.contains(m));
    if has(SCRIPT_MARKERS) || (page.contains("document.cookie") && reloads) {
        return Some(Challenge::Script);
    }
    if has(JAVASCRIPT_PHRASES) {
        return Some(Challenge::JavaScriptRequired);
    }
    None
}

/// The `<title>` of a lower-cased page.
fn title_of(page: &str) -> Option<&str> {
    let start = page.find("<title")?;
    let open_end = start + page[start..].find('>')? + 1;
    let end = open_end + page[open_end..].find("</title")?;
    Some(&page[open_end..end])
}

/// Non-blank characters a reader would see in a page: text outside tags, comments, scripts and
/// styles (tag names in any case). Rough (entities count as written), which is enough to tell
/// a page from an interstitial.
fn visible_text(page: &str) -> usize {
    let mut count = 0;
    let mut rest = page;
    while let Some(open) = rest.find('<') {
        count += rest[..open].chars().filter(|c| !c.is_whitespace()).count();
        let tag = &rest[open..];
        // Where the text resumes: after the element's end for scripts and styles, after the
        // comment's end, else after the tag.
        let skip_to = if starts_with_ignore_case(tag, "<script") {
            find_ignore_case(tag, "</script").map(|i| i + "</script".len())
        } else if starts_with_ignore_case(tag, "<style") {
            find_ignore_case(tag, "</style").map(|i| i + "</style".len())
        } else if tag.starts_with("<!--") {
            // The comment's own `>` ends it.
            tag.find("-->").map(|i| i + "--".len())
        } else {
            Some(0)
        };
        let Some(after) = skip_to.and_then(|i| tag[i..].find('>').map(|j| i + j + 1)) else {
            return count;
        };
        rest = &tag[after..];
    }
    count + rest.chars().filter(|c| !c.is_whitespace()).count()
}

/// Whether `text` opens with the ASCII `prefix`, in any case.
fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Where the ASCII `needle` first occurs in `text`, in any case.
fn find_ignore_case(text: &str, needle: &str) -> Option<usize> {
    text.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_script_that_reloads_is_a_challenge() {
        // The shape Lao Động answers scripted clients with.
        let page = br#"<html><head><script>document.cookie="D1N=8c2d1f; path=/"; location.reload();</script></head><body></body></html>"#;
        assert_eq!(detect(false, page), Some(Challenge::Script));
    }

    #[test]
    fn cloudflare_pages_are_challenges() {
        let page = br#"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div class="main-wrapper"><h1>news.example</h1><p>Verifying you are human. This may take a few seconds.</p></div><script>window._cf_chl_opt={cvId:'3'};</script></body></html>"#;
        assert_eq!(detect(false, page), Some(Challenge::Script));
        // The header alone says so, whatever the body.
        assert_eq!(detect(true, b"{}"), Some(Challenge::Script));
        let turnstile = br#"<html><head><title>Attention Required! | Cloudflare</title></head><body><div class="cf-turnstile"></div></body></html>"#;
        assert_eq!(detect(true, turnstile), Some(Challenge::Captcha));
    }

    #[test]
    fn captcha_and_javascript_walls() {
        let captcha = br#"<html><head><script src="https://www.google.com/recaptcha/api.js"></script></head><body><form><div class="g-recaptcha" data-sitekey="x"></div></form><p>Please confirm you are not a robot.</p></body></html>"#;
        assert_eq!(detect(false, captcha), Some(Challenge::Captcha));
        let js = "<html><body><noscript>Vui lòng bật JavaScript để tiếp tục.</noscript><div id=\"app\"></div></body></html>";
        assert_eq!(
            detect(false, js.as_bytes()),
            Some(Challenge::JavaScriptRequired)
        );
    }

    #[test]
    fn a_page_with_text_is_not_a_challenge_whatever_widgets_it_carries() {
        let story = "Người dân đi bộ trên cầu mới khánh thành sáng nay. ".repeat(30);
        let page = format!(
            r#"<html><head><title>Cầu mới</title><script src="https://www.google.com/recaptcha/api.js"></script>
            <script>document.cookie="seen=1"; if (x) location.reload();</script></head>
            <body><noscript>Please enable JavaScript for comments.</noscript><article><h1>Cầu mới</h1><p>{story}</p></article>
            <form><div class="g-recaptcha"></div></form></body></html>"#
        );
        assert_eq!(detect(false, page.as_bytes()), None);
        // Plain text and feeds are not looked at as pages.
        assert_eq!(detect(false, b"User-agent: *\nDisallow: /private\n"), None);
        // A script's text is not text a reader sees: a short page stays short however long its
        // scripts are, and a long one stays long however short its tags are.
        let scripted = format!(
            "<html><script>var s = '{}';</script><body><p>Enable JavaScript.</p></body></html>",
            "x".repeat(5000)
        );
        assert_eq!(
            detect(false, scripted.as_bytes()),
            Some(Challenge::JavaScriptRequired)
        );
    }

    #[test]
    fn visible_text_skips_scripts_styles_comments_and_tags() {
        assert_eq!(
            visible_text("<p>ab c</p><script>xyz</script><style>.a{}</style><!-- d -->e"),
            4
        );
        assert_eq!(visible_text("<P>ab</P><SCRIPT>xyz</Script>e"), 3);
        // An unclosed script hides the rest; an unclosed tag too.
        assert_eq!(visible_text("ab<script>cd"), 2);
        assert_eq!(visible_text("ab<p"), 2);
    }
}
