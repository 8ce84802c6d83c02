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
