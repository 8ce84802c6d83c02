//! HTTP fetching with the limits a crawler of the open web needs: timeouts, a body size cap
//! enforced while streaming (so a decompression bomb is stopped early), a redirect limit with
//! loop detection, and no connections to private networks unless allowed, checked after DNS
//! resolution and on every redirect.

use crate::challenge::{self, Challenge};
use crate::config::{canonical_host, CrawlerConfig};
use crate::discover::{self, DiscoverError, Sitemap};
use chrono::{DateTime, Utc};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{
    HeaderMap, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// A page as the server sent it.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The address the bytes came from, after redirects.
    pub url: Url,
    /// The HTTP status (2xx).
    pub status: u16,
    /// The body, decompressed.
    pub bytes: Vec<u8>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `charset` parameter of the `Content-Type` header.
    pub charset: Option<String>,
    /// When the response arrived.
    pub fetched_at: DateTime<Utc>,
    /// The response's validators, for a conditional request next time.
    pub validators: Validators,
}

/// What a server said identifies a version of a resource (`ETag`, `Last-Modified`), sent back
/// as `If-None-Match` / `If-Modified-Since` so that an unchanged resource costs a 304.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    pub last_modified: Option<String>,
}

impl Validators {
    /// True when the server gave neither.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// The answer to a conditional request: a whole page unless said otherwise.
#[derive(Debug)]
pub enum Conditional<T = Box<Fetched>> {
    /// The resource changed (or the server ignores validators): here it is.
    Modified(T),
    /// 304: unchanged since the validators were given.
    NotModified,
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL may not be fetched: not http(s), or a private address while those are not allowed.
    #[error("{url}: refused: {reason}")]
    Refused {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The server answered with a status that is not a success.
    #[error("{url}: HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// What `Retry-After` asked for, if anything.
        retry_after: Option<Duration>,
    },
    /// The body was larger than `max_body_bytes`.
    #[error("{url}: body larger than {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: usize,
    },
    /// The site answered with a bot challenge (a cookie script that reloads, a captcha, an
    /// "enable JavaScript" wall) instead of the page: it turns this crawler away.
    #[error("{url}: answered with {challenge} instead of the page (HTTP {status}): the site turns automated clients away")]
    Blocked {
        /// The URL.
        url: String,
        /// The status the challenge came with (200, 403, 503…).
        status: u16,
        /// What kind of challenge.
        challenge: Challenge,
    },
    /// Network failure, timeout, redirect loop or too many redirects. Shown with its whole
    /// cause chain (`connection refused`, the name that did not resolve, the TLS problem, which
    /// timeout), which reqwest's own message leaves out.
    #[error("{url}: {}", describe_network(source))]
    Network {
        /// The URL.
        url: String,
        /// What went wrong.
        #[source]
        source: reqwest::Error,
    },
}

impl FetchError {
    /// Whether trying again later may succeed: network failures, 429 and 5xx answers.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Status { status, .. } => *status == 429 || *status >= 500,
            FetchError::Network { source, .. } => !source.is_redirect() && !source.is_builder(),
            FetchError::Refused { .. }
            | FetchError::TooLarge { .. }
            | FetchError::Blocked { .. } => false,
        }
    }

    /// The wait the server asked for with `Retry-After`.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The HTTP client of the crawler. Cheap to clone.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    max_body_bytes: usize,
    access: Access,
}

/// Which non-public addresses the crawler may reach: all of them
/// (`crawler.allow_private_networks`), or those of the hosts listed in
/// `crawler.private_hosts`.
#[derive(Clone)]
struct Access {
    all: bool,
    hosts: Arc<HashSet<String>>,
}

impl Access {
    fn new(config: &CrawlerConfig) -> Access {
        let hosts = config
            .private_hosts
            .iter()
            .map(|host| canonical_host(host.trim()))
            .collect();
        Access {
            all: config.allow_private_networks,
            hosts: Arc::new(hosts),
        }
    }

    /// Whether `host` (as a URL or the resolver names it) may be on a non-public address.
    fn allows(&self, host: &str) -> bool {
        self.all || self.hosts.contains(&canonical_host(host))
    }
}

/// The environment variables through which reqwest sends requests to a proxy.
const PROXY_VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Requests through a proxy are resolved by the proxy, not by [`GuardedResolver`]: only
/// addresses written in URLs are then checked. The proxy is honoured (some networks have no
/// other way out), and the operator is told once what it now has to refuse.
fn warn_about_proxy() {
    let set = PROXY_VARIABLES
        .iter()
        .find(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));
    if let Some(name) = set {
        tracing::warn!(
            variable = name,
            "requests go through the proxy that {name} names: the proxy resolves the names, so \
             only addresses written in URLs are checked against crawler.allow_private_networks; \
             the proxy must refuse internal addresses itself"
        );
    }
}

impl Fetcher {
    /// Builds the client from the crawler settings.
    pub fn new(config: &CrawlerConfig) -> Result<Fetcher, reqwest::Error> {
        Self::with_hosts(config, HashMap::new())
    }

    /// [`Fetcher::new`], with fixed addresses for some host names instead of DNS (as an
    /// `/etc/hosts` of the crawler's own). The private-network rule applies to them as to any
    /// resolved address; tests use it to give a public-looking name a loopback address.
    pub fn with_hosts(
        config: &CrawlerConfig,
        hosts: HashMap<String, Vec<IpAddr>>,
    ) -> Result<Fetcher, reqwest::Error> {
        let fixed = Arc::new(
            hosts
                .into_iter()
                .map(|(name, ips)| (name.to_ascii_lowercase(), ips))
                .collect(),
        );
        let access = Access::new(config);
        if !config.allow_private_networks {
            warn_about_proxy();
        }
        let max_redirects = config.max_redirects;
        let redirects = access.clone();
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                attempt.error(format!("more than {max_redirects} redirects"))
            } else if attempt.previous().iter().any(|u| u == attempt.url()) {
                attempt.error("redirect loop")
            } else if let Err(reason) = check_url(attempt.url(), &redirects) {
                attempt.error(reason)
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(&config.user_agent)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .read_timeout(config.read_timeout)
            .redirect(redirect)
            .dns_resolver(Arc::new(GuardedResolver {
                access: access.clone(),
                fixed,
            }))
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()?;
        Ok(Fetcher {
            client,
            max_body_bytes: config.max_body_bytes,
            access,
        })
    }

    /// Fetches one URL with GET.
    pub async fn fetch(&self, url: &Url) -> Result<Fetched, FetchError> {
        match self.fetch_if_modified(url, &Validators::default()).await? {
            Conditional::Modified(page) => Ok(*page),
            // Without validators a server has nothing to compare; a 304 anyway is an error.
            Conditional::NotModified => Err(FetchError::Status {
                url: url.to_string(),
                status: 304,
                retry_after: None,
            }),
        }
    }

    /// Fetches one URL with GET, sending `validators` as `If-None-Match` and
    /// `If-Modified-Since`, and reads its body up to `crawler.max_body_bytes`.
    pub async fn fetch_if_modified(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<Conditional, FetchError> {
        self.fetch_up_to(url, validators, self.max_body_bytes).await
    }

    /// [`Fetcher::fetch_if_modified`] with a body limit of its own (a feed's, say).
    pub async fn fetch_up_to(
        &self,
        url: &Url,
        validators: &Validators,
        limit: usize,
    ) -> Result<Conditional, FetchError> {
        Ok(match self.open_if_modified(url, validators).await? {
            Conditional::Modified(opened) => {
                Conditional::Modified(Box::new(opened.read(limit).await?))
            }
            Conditional::NotModified => Conditional::NotModified,
        })
    }

    /// Sends the request of [`Fetcher::fetch_if_modified`] and stops at the response's head:
    /// the body is read by the caller, whole ([`Opened::read`]) or as a stream
    /// ([`Opened::into_reader`]). An error status is an error here, a bot challenge among them.
    pub async fn open_if_modified(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<Conditional<Opened>, FetchError> {
        let refused = |reason: String| FetchError::Refused {
            url: url.to_string(),
            reason,
        };
        check_url(url, &self.access).map_err(refused)?;
        let network = |source| FetchError::Network {
            url: url.to_string(),
            source,
        };
        let mut request = self.client.get(url.clone());
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(date) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, date);
        }
        let mut response = request.send().await.map_err(network)?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED && !validators.is_empty() {
            return Ok(Conditional::NotModified);
        }
        if !status.is_success() {
            // Challenges often come as 403 or 503: a short look at the body tells them from a
            // plain refusal or outage.
            if let Some(challenge) = challenge_in_error(&mut response).await {
                return Err(FetchError::Blocked {
                    url: url.to_string(),
                    status: status.as_u16(),
                    challenge,
                });
            }
            return Err(FetchError::Status {
                url: url.to_string(),
                status: status.as_u16(),
                retry_after: retry_after(response.headers()),
            });
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        Ok(Conditional::Modified(Opened {
            asked: url.to_string(),
            url: response.url().clone(),
            status: status.as_u16(),
            content_type: header(CONTENT_TYPE),
            validators: Validators {
                etag: header(ETAG),
                last_modified: header(LAST_MODIFIED),
            },
            fetched_at: Utc::now(),
            response,
        }))
    }
}

/// A successful response whose body is still to be read.
#[derive(Debug)]
pub struct Opened {
    /// The URL asked for, as errors name it.
    asked: String,
    /// The address the body comes from, after redirects.
    pub url: Url,
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The response's validators.
    pub validators: Validators,
    /// When the response's head arrived.
    pub fetched_at: DateTime<Utc>,
    response: reqwest::Response,
}

impl Opened {
    /// Whether the body may be an HTML page (HTML, or a type the server did not name), and so
    /// possibly a bot challenge.
    pub fn may_be_a_page(&self) -> bool {
        looks_like_a_page(self.content_type.as_deref())
    }

    /// Reads the whole body, up to `limit` bytes (after decompression; checked against
    /// `Content-Length` first, then as chunks arrive, so that a bomb is stopped early). A page
    /// that is a bot challenge is an error.
    pub async fn read(mut self, limit: usize) -> Result<Fetched, FetchError> {
        let too_large = || FetchError::TooLarge {
            url: self.asked.clone(),
            limit,
        };
        if self
            .response
            .content_length()
            .is_some_and(|n| n > limit as u64)
        {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        loop {
            let chunk = match self.response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(source) => {
                    return Err(FetchError::Network {
                        url: self.asked,
                        source,
                    })
                }
            };
            if bytes.len() + chunk.len() > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        if self.may_be_a_page() {
            if let Some(challenge) = challenge::detect(false, &bytes) {
                return Err(FetchError::Blocked {
                    url: self.asked,
                    status: self.status,
                    challenge,
                });
            }
        }
        Ok(Fetched {
            url: self.url,
            status: self.status,
            charset: self.content_type.as_deref().and_then(charset_of),
            content_type: self.content_type,
            bytes,
            fetched_at: self.fetched_at,
            validators: self.validators,
        })
    }

    /// The body as a stream of bytes (decompressed as `Content-Encoding` says), for a reader
    /// that keeps only what it needs, such as a sitemap's. A network failure halfway is an
    /// I/O error holding the [`reqwest::Error`].
    pub fn into_reader(self) -> impl tokio::io::AsyncRead + Send + Unpin + 'static {
        use futures::TryStreamExt;
        tokio_util::io::StreamReader::new(
            self.response.bytes_stream().map_err(std::io::Error::other),
        )
    }

    /// Reads the body as a sitemap while it arrives, on the blocking pool, keeping only what
    /// it lists: a sitemap may be 50 MB, five times the usual page limit
    /// ([`discover::read_sitemap`]). One served as HTML (or without a type) is read whole
    /// within `page_limit` instead, for it may be a bot challenge. The outer error is the
    /// fetch's (the connection failed halfway: worth another try); the inner, a document that
    /// is no sitemap.
    pub async fn read_sitemap(
        self,
        page_limit: usize,
    ) -> Result<Result<Sitemap, DiscoverError>, FetchError> {
        if self.may_be_a_page() {
            let page = self.read(page_limit).await?;
            return Ok(discover::sitemap(&page.url, &page.bytes));
        }
        let (asked, at) = (self.asked.clone(), self.url.clone());
        let body = tokio_util::io::SyncIoBridge::new(self.into_reader());
        let reading = tokio::task::spawn_blocking(move || discover::read_sitemap(&at, body));
        match reading.await {
            Ok(Err(DiscoverError::Read { url, source })) => {
                match FetchError::from_body_error(&asked, source) {
                    Ok(failure) => Err(failure),
                    Err(source) => Ok(Err(DiscoverError::Read { url, source })),
                }
            }
            Ok(read) => Ok(read),
            Err(panicked) => Ok(Err(DiscoverError::Sitemap {
                url: asked,
                reason: format!("the sitemap reader panicked: {panicked}"),
            })),
        }
    }
}

impl FetchError {
    /// The fetch error behind an I/O error of [`Opened::into_reader`]'s stream, if it is one.
    fn from_body_error(url: &str, error: std::io::Error) -> Result<FetchError, std::io::Error> {
        if !error.get_ref().is_some_and(|e| e.is::<reqwest::Error>()) {
            return Err(error);
        }
        match error.into_inner().map(|e| e.downcast::<reqwest::Error>()) {
            Some(Ok(source)) => Ok(FetchError::Network {
                url: url.to_string(),
                source: *source,
            }),
            // Checked above; an error all the same rather than a panic.
            _ => Err(std::io::Error::other("the body could not be read")),
        }
    }
}

/// Whether a body of this type may be a challenge page: HTML, or a type the server did not
/// name. Feeds, sitemaps and JSON are never looked at.
fn looks_like_a_page(content_type: Option<&str>) -> bool {
    content_type.is_none_or(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("html") || t.starts_with("text/plain")
    })
}

/// The challenge an error answer holds, if any: Cloudflare's `cf-mitigated: challenge` header,
/// else the first 64 KiB of the body (read with the request's timeouts; an unreadable body
/// is no challenge).
async fn challenge_in_error(response: &mut reqwest::Response) -> Option<Challenge> {
    const LOOK: usize = 64 * 1024;
    let mitigated = response
        .headers()
        .get("cf-mitigated")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"challenge"));
    let mut head = Vec::new();
    while head.len() < LOOK {
        match response.chunk().await {
            Ok(Some(chunk)) => head.extend_from_slice(&chunk),
            _ => break,
        }
    }
    challenge::detect(mitigated, &head)
}

/// The `charset` parameter of a `Content-Type` value.
pub fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_string())
    })
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = DateTime::parse_from_rfc2822(value).ok()?;
    (when.with_timezone(&Utc) - Utc::now()).to_std().ok()
}

/// Only http(s); and no private address literal unless allowed.
fn check_url(url: &Url, access: &Access) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("scheme {:?} is not http or https", url.scheme()));
    }
    if url.as_str().len() > 2048 {
        return Err("URL longer than 2048 bytes".into());
    }
    if !access.allows(url.host_str().unwrap_or_default()) {
        let ip = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        if let Some(ip) = ip {
            if let Some(class) = address_class(ip) {
                return Err(refusal(&ip.to_string(), ip, class));
            }
        }
    }
    Ok(())
}

/// Loopback, private, link-local, shared, unspecified and similar non-public addresses.
pub fn is_private(ip: IpAddr) -> bool {
    address_class(ip).is_some()
}

/// The kind of non-public address `ip` is (`"loopback"`, `"private"`, `"link-local"`,
/// `"unique-local"`, `"multicast"`, …), or none for a public address. An IPv4 address mapped
/// into IPv6 (`::ffff:127.0.0.1`) is its IPv4 address's kind.
pub fn address_class(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            let class = if v4.is_loopback() {
                "loopback"
            } else if v4.is_private() {
                "private"
            } else if v4.is_link_local() {
                "link-local"
            } else if v4.is_unspecified() || o[0] == 0 {
                "unspecified"
            } else if v4.is_broadcast() {
                "broadcast"
            } else if v4.is_multicast() {
                "multicast"
            } else if v4.is_documentation() {
                "documentation"
            } else if o[0] == 100 && (64..128).contains(&o[1]) {
                "shared (carrier-grade NAT)"
            } else if o[0] == 198 && (o[1] == 18 || o[1] == 19) {
                "benchmarking"
            } else if o[0] >= 240 {
                "reserved"
            } else {
                return None;
            };
            Some(class)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return address_class(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            let class = if v6.is_loopback() {
                "loopback"
            } else if v6.is_unspecified() {
                "unspecified"
            } else if (first & 0xfe00) == 0xfc00 {
                "unique-local"
            } else if (first & 0xffc0) == 0xfe80 {
                "link-local"
            } else if v6.is_multicast() {
                "multicast"
            } else {
                return None;
            };
            Some(class)
        }
    }
}

/// Why a host on a non-public address is refused, naming the address, its kind and the
/// setting that allows it.
fn refusal(host: &str, ip: IpAddr, class: &str) -> String {
    let address = if host == ip.to_string() {
        format!("{ip}")
    } else {
        format!("{host} resolves to {ip}")
    };
    format!(
        "{address}, a {class} address: refused while crawler.allow_private_networks is false \
         (or list the host in crawler.private_hosts)"
    )
}

/// A network failure as a sentence with its causes: what failed (connecting, a timeout, a
/// redirect, reading the body), then each cause in turn, so that a refused connection, a name
/// that does not resolve or a certificate that is not trusted says so.
fn describe_network(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_redirect() {
        "redirect refused"
    } else if error.is_body() || error.is_decode() {
        "cannot read the body"
    } else if error.is_request() {
        "request failed"
    } else {
        "failed"
    };
    let mut parts: Vec<String> = vec![what.to_string()];
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        let text = inner.to_string();
        // Wrappers repeat their inner error's text; say each thing once.
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = inner.source();
    }
    if parts.len() == 1 {
        // No cause given: reqwest's own message is all there is.
        parts.push(error.to_string());
    }
    parts.join(": ")
}

/// Resolves names with the system resolver (or the fixed addresses it was given for some
/// names) and drops non-public addresses unless allowed, so a public name that points inside
/// the network is refused at connection time, redirects included, with the address and its
/// kind in the error.
struct GuardedResolver {
    access: Access,
    fixed: Arc<HashMap<String, Vec<IpAddr>>>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let access = self.access.clone();
        let fixed = self.fixed.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = match fixed.get(&host.to_ascii_lowercase()) {
                Some(ips) => ips.iter().map(|ip| SocketAddr::new(*ip, 0)).collect(),
                None => tokio::net::lookup_host((host.as_str(), 0))
                    .await
                    .map_err(|e| format!("the name {host} does not resolve: {e}"))?
                    .collect(),
            };
            let allowed = access.allows(&host);
            let mut refused = None;
            let addrs: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| match address_class(a.ip()) {
                    Some(class) if !allowed => {
                        refused.get_or_insert((a.ip(), class));
                        false
                    }
                    _ => true,
                })
                .collect();
            if addrs.is_empty() {
                return Err(match refused {
                    Some((ip, class)) => refusal(&host, ip, class).into(),
                    None => format!("the name {host} resolves to no address").into(),
                });
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "1.1.1.1", "2606:4700::1111"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn address_kinds_are_named() {
        for (ip, class) in [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private"),
            ("169.254.169.254", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("224.0.0.1", "multicast"),
            ("100.64.0.1", "shared (carrier-grade NAT)"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fd12::1", "unique-local"),
            ("fe80::1", "link-local"),
            ("ff02::1", "multicast"),
            ("::ffff:10.0.0.1", "private"),
        ] {
            assert_eq!(address_class(ip.parse().unwrap()), Some(class), "{ip}");
        }
        assert_eq!(address_class("93.184.216.34".parse().unwrap()), None);
    }

    /// The access of a crawler with `allow_private_networks` set so and `private_hosts`.
    fn access(all: bool, hosts: &[&str]) -> Access {
        Access::new(&CrawlerConfig {
            allow_private_networks: all,
            private_hosts: hosts.iter().map(|h| h.to_string()).collect(),
            ..CrawlerConfig::default()
        })
    }

    #[test]
    fn numeric_hosts_are_read_as_the_addresses_they_are() {
        let u = |s: &str| Url::parse(s).unwrap();
        for url in [
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            let reason = check_url(&u(url), &access(false, &[])).unwrap_err();
            assert!(reason.contains("a loopback address"), "{url}: {reason}");
            assert!(
                reason.contains("crawler.allow_private_networks"),
                "{reason}"
            );
        }
    }

    #[test]
    fn urls_are_checked() {
        let u = |s: &str| Url::parse(s).unwrap();
        let closed = access(false, &[]);
        assert_eq!(
            check_url(&u("http://127.0.0.1/"), &closed).unwrap_err(),
            "127.0.0.1, a loopback address: refused while crawler.allow_private_networks is false \
             (or list the host in crawler.private_hosts)"
        );
        assert!(check_url(&u("http://127.0.0.1/"), &access(true, &[])).is_ok());
        assert!(check_url(&u("ftp://example.com/"), &access(true, &[])).is_err());
        assert!(check_url(&u("https://example.com/"), &closed).is_ok());
    }

    #[test]
    fn listed_hosts_are_allowed_one_by_one_in_any_spelling() {
        let u = |s: &str| Url::parse(s).unwrap();
        let listed = access(
            false,
            &["Portal.Example", "10.0.0.5", "[::1]", "bücher.example"],
        );
        for url in [
            "http://portal.example/",
            "http://10.0.0.5/",
            "http://[::1]:8080/",
            "http://xn--bcher-kva.example/",
        ] {
            assert!(listed.allows(u(url).host_str().unwrap()), "{url}");
        }
        assert!(!listed.allows("other.example"));
        assert!(check_url(&u("http://10.0.0.6/"), &listed).is_err());
        assert!(check_url(&u("http://10.0.0.5/a"), &listed).is_ok());
    }

    #[test]
    fn charset_parameter() {
        assert_eq!(
            charset_of("text/html; charset=\"windows-1258\"").as_deref(),
            Some("windows-1258")
        );
        assert_eq!(charset_of("text/html"), None);
    }
}
