//! Fetch failures that say why: an address the crawler may not reach (named, with its kind
//! and the setting that allows it), a refused connection, a name without addresses, a
//! server that does not answer in time. Names are given fixed loopback addresses, so no
//! test leaves the machine.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;
use tinstream_crawler::{CrawlerConfig, Fetcher};
use url::Url;

fn config(allow_private_networks: bool) -> CrawlerConfig {
    CrawlerConfig {
        allow_private_networks,
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(1),
        ..CrawlerConfig::default()
    }
}

fn loopback_name(name: &str) -> HashMap<String, Vec<IpAddr>> {
    HashMap::from([(name.to_string(), vec!["127.0.0.1".parse().unwrap()])])
}

/// The error of fetching `url`, as the log and the dead letters show it.
async fn fetch_error(config: &CrawlerConfig, url: &str) -> String {
    Fetcher::new(config)
        .unwrap()
        .fetch(&Url::parse(url).unwrap())
        .await
        .unwrap_err()
        .to_string()
}

/// A server on loopback answering every request with a short page.
async fn server() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(|| async { "<html><body>ok</body></html>" });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[tokio::test]
async fn a_public_looking_name_on_loopback_is_refused_naming_the_address_and_the_setting() {
    let addr = server().await;
    let url = Url::parse(&format!("http://news.example.test:{}/a.html", addr.port())).unwrap();
    let hosts = loopback_name("news.example.test");

    let refused = Fetcher::with_hosts(&config(false), hosts.clone())
        .unwrap()
        .fetch(&url)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains(
            "news.example.test resolves to 127.0.0.1, a loopback address: refused while \
             crawler.allow_private_networks is false"
        ),
        "{refused}"
    );

    // The same page with the setting on.
    let page = Fetcher::with_hosts(&config(true), hosts)
        .unwrap()
        .fetch(&url)
        .await
        .unwrap();
    assert_eq!(page.bytes, b"<html><body>ok</body></html>");
}

/// A server on loopback whose `/go` redirects to `target` and whose other pages answer with a
/// short page; it counts the requests by `Host` header.
async fn redirecting_server(
    target: impl Fn(u16) -> String + Send + Sync + 'static,
) -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let location = target(addr.port());
    let log = seen.clone();
    let app = axum::Router::new()
        .route(
            "/go",
            axum::routing::get(move || {
                let location = location.clone();
                async move { axum::response::Redirect::temporary(&location) }
            }),
        )
        .fallback(|| async { "<html><body>ok</body></html>" })
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let log = log.clone();
                async move {
                    let host = request
                        .headers()
                        .get("host")
                        .and_then(|h| h.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    log.lock().unwrap().push(host);
                    next.run(request).await
                }
            },
        ));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, seen)
}

#[tokio::test]
async fn a_redirect_to_a_name_on_a_private_address_is_refused_before_connecting() {
    // portal.example.test is allowed on a private address (crawler.private_hosts); it
    // redirects to inside.example.test, a public-looking name that resolves to loopback too.
    let (addr, seen) =
        redirecting_server(|port| format!("http://inside.example.test:{port}/a.html")).await;
    let hosts = HashMap::from([
        (
            "portal.example.test".to_string(),
            vec!["127.0.0.1".parse().unwrap()],
        ),
        (
            "inside.example.test".to_string(),
            vec!["127.0.0.1".parse().unwrap()],
        ),
    ]);
    let config = CrawlerConfig {
        private_hosts: vec!["Portal.Example.Test".into()],
        ..config(false)
    };
    let fetcher = Fetcher::with_hosts(&config, hosts).unwrap();
    let portal = format!("http://portal.example.test:{}", addr.port());

    // The listed host itself is reached.
    let page = fetcher
        .fetch(&Url::parse(&format!("{portal}/a.html")).unwrap())
        .await
        .unwrap();
    assert_eq!(page.bytes, b"<html><body>ok</body></html>");

    let error = fetcher
        .fetch(&Url::parse(&format!("{portal}/go")).unwrap())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(
            "inside.example.test resolves to 127.0.0.1, a loopback address: refused while \
             crawler.allow_private_networks is false (or list the host in crawler.private_hosts)"
        ),
        "{error}"
    );
    assert!(
        error.contains(&format!("{portal}/go")),
        "the error names the page: {error}"
    );
    // No connection was made to the redirect's target.
    let port = addr.port();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            format!("portal.example.test:{port}"),
            format!("portal.example.test:{port}")
        ]
    );
}

#[tokio::test]
async fn a_redirect_to_a_private_address_literal_is_refused() {
    let (addr, seen) = redirecting_server(|port| format!("http://127.0.0.1:{port}/a.html")).await;
    let config = CrawlerConfig {
        private_hosts: vec!["portal.example.test".into()],
        ..config(false)
    };
    let fetcher = Fetcher::with_hosts(&config, loopback_name("portal.example.test")).unwrap();
    let error = fetcher
        .fetch(&Url::parse(&format!("http://portal.example.test:{}/go", addr.port())).unwrap())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(
            "127.0.0.1, a loopback address: refused while crawler.allow_private_networks is false"
        ),
        "{error}"
    );
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "only the redirecting page was asked"
    );
}

#[tokio::test]
async fn numeric_spellings_of_loopback_are_refused_before_any_connection() {
    let fetcher = Fetcher::new(&config(false)).unwrap();
    for url in [
        "http://2130706433/",
        "http://0x7f.1/",
        "http://[::ffff:7f00:1]/",
    ] {
        let error = fetcher
            .fetch(&Url::parse(url).unwrap())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("127.0.0.1, a loopback address: refused while crawler.allow_private_networks is false"),
            "{url}: {error}"
        );
    }
}

#[tokio::test]
async fn a_refused_connection_says_so() {
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = fetch_error(&config(true), &format!("http://127.0.0.1:{port}/")).await;
    assert!(error.contains("cannot connect"), "{error}");
    assert!(error.contains("Connection refused"), "{error}");
}

#[tokio::test]
async fn a_name_without_addresses_is_named() {
    let hosts = HashMap::from([("gone.example.test".to_string(), Vec::new())]);
    let error = Fetcher::with_hosts(&config(true), hosts)
        .unwrap()
        .fetch(&Url::parse("http://gone.example.test/").unwrap())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("the name gone.example.test resolves to no address"),
        "{error}"
    );
}

#[tokio::test]
async fn a_server_that_does_not_answer_times_out_and_says_so() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let error = fetch_error(&config(true), &format!("http://{addr}/")).await;
    assert!(error.contains("timed out"), "{error}");
}
