//! The service's HTTP endpoints: `/healthz` (the process answers), `/readyz` (records can be
//! delivered: 503 with the reason while the sink cannot deliver or the service is stopping)
//! and `/metrics` (Prometheus text format).

use crate::metrics::Metrics;
use anyhow::Context as _;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use prometheus_client::registry::Registry;
use std::net::SocketAddr;
use std::sync::Arc;
use tinstream_sink::Readiness;
use tokio_util::sync::CancellationToken;

/// Tells whether the service can deliver records now.
pub type ReadinessCheck = Arc<dyn Fn() -> Readiness + Send + Sync>;
/// Brings the gauges that are read rather than counted up to date before a scrape.
pub type Refresh = Arc<dyn Fn(&Metrics) + Send + Sync>;

struct Endpoints {
    registry: Registry,
    metrics: Arc<Metrics>,
    readiness: ReadinessCheck,
    refresh: Refresh,
}

/// Binds `listen` and serves the endpoints until `shutdown`. Binding errors are returned at
/// once, naming the address, so that a wrong `service.listen` stops the start.
pub async fn start(
    listen: SocketAddr,
    registry: Registry,
    metrics: Arc<Metrics>,
    readiness: ReadinessCheck,
    refresh: Refresh,
    shutdown: CancellationToken,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("service.listen: cannot listen on {listen}"))?;
    let local = listener.local_addr().unwrap_or(listen);
    tracing::info!(address = %local, "serving /healthz, /readyz and /metrics");
    let endpoints = Arc::new(Endpoints {
        registry,
        metrics,
        readiness,
        refresh,
    });
    let app = Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(serve_metrics))
        .with_state(endpoints);
    Ok(tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "the HTTP endpoints stopped");
        }
    }))
}

async fn readyz(State(endpoints): State<Arc<Endpoints>>) -> impl IntoResponse {
    // The check reads the crawl state's files: on the blocking pool.
    let readiness = tokio::task::spawn_blocking(move || (endpoints.readiness)())
        .await
        .unwrap_or_else(|error| {
            Readiness::NotReady(format!("the readiness check panicked: {error}"))
        });
    match readiness {
        Readiness::Ready => (StatusCode::OK, "ready\n".to_string()),
        Readiness::NotReady(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {reason}\n"),
        ),
    }
}

async fn serve_metrics(State(endpoints): State<Arc<Endpoints>>) -> impl IntoResponse {
    // The gauges are read from the crawl state's files: on the blocking pool.
    let reading = endpoints.clone();
    let _ = tokio::task::spawn_blocking(move || {
        let ready = (reading.readiness)().is_ready();
        reading.metrics.sink_ready.set(i64::from(ready));
        (reading.refresh)(&reading.metrics);
    })
    .await;
    let mut text = String::new();
    match prometheus_client::encoding::text::encode(&mut text, &endpoints.registry) {
        Ok(()) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        ),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            error.to_string(),
        ),
    }
}
