//! `tinstream run`: the service. Wires the configuration into the crawl engine, serves
//! `/healthz`, `/readyz` and `/metrics` beside it, turns SIGHUP into reloads of the sources
//! and site rules, and logs a one-line summary every minute.

use crate::config::Config;
use crate::metrics::Metrics;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tinstream_cluster::{
    ensure_topics, ClusterJournal, FrontierOffsets, GroupMetadata, Member, StateTopic, Transactor,
};
use tinstream_engine::{ClusterMode, Engine, EngineConfig, Reload, RunOutcome};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

/// Runs the service until `stop` is cancelled, or, with `once`, until every source was polled
/// once and every page found was processed. Each message on `hangups` reloads the sources and
/// site rules from `path`.
pub async fn run(
    config: Config,
    path: PathBuf,
    once: bool,
    stop: CancellationToken,
    hangups: mpsc::Receiver<()>,
) -> anyhow::Result<RunOutcome> {
    let metrics = Arc::new(Metrics::default());
    let registry = metrics.registry(&config);
    let cluster = &config.cluster;
    let shared = cluster.mode == ClusterMode::Kafka;
    if shared {
        ensure_topics(cluster, &config.sink.kafka).await?;
    }
    let engine = Engine::open(
        EngineConfig {
            crawler: config.crawler.clone(),
            sources: config.sources.clone(),
            sink: config.sink.clone(),
            // One process: the whole crawl is one partition, in `crawler.data_dir`.
            partitions: if shared { cluster.partitions } else { 1 },
        },
        crate::config::parser(&config.parser)?,
        metrics.clone(),
        stop.clone(),
    )
    .await?;
    let (engine, member, frontier) = if shared {
        let (engine, member) = join_cluster(engine, &config, metrics.clone()).await?;
        (engine, Some(member), 0)
    } else {
        let frontier = engine.ownership().assign(0).await?;
        (engine, None, frontier)
    };

    // The endpoints have their own token: in `once` mode the run ends without a stop, and
    // they must end with it.
    let endpoints_stop = stop.child_token();
    let endpoints = match config.service.listen {
        Some(listen) => {
            let probe = engine.probe();
            let readiness: crate::serve::ReadinessCheck = Arc::new(move || probe.readiness());
            let probe = engine.probe();
            let state_file = config.crawler.data_dir.join("state.redb");
            let refresh: crate::serve::Refresh = Arc::new(move |metrics: &Metrics| {
                let gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
                metrics.spool_bytes.set(gauge(probe.spool_bytes()));
                if let Ok(frontier) = probe.frontier_len() {
                    metrics.frontier.set(gauge(frontier));
                }
                if let Ok(pages) = probe.page_count() {
                    metrics.state_pages.set(gauge(pages));
                }
                if let Ok(meta) = std::fs::metadata(&state_file) {
                    metrics.state_bytes.set(gauge(meta.len()));
                }
            });
            Some(
                crate::serve::start(
                    listen,
                    registry,
                    metrics.clone(),
                    readiness,
                    refresh,
                    endpoints_stop.clone(),
                )
                .await?,
            )
        }
        None => None,
    };
    info!(
        sources = config.sources.len(),
        sink = ?config.sink.kind,
        data_dir = %config.crawler.data_dir.display(),
        frontier,
        "tinstream started"
    );

    let (reloads, reloaded) = mpsc::channel(1);
    let reloader = tokio::spawn(reload_on_hangup(hangups, path, config, reloads));
    let reporter = tokio::spawn(report_periodically(metrics.clone()));
    let outcome = engine.run(once, Some(reloaded)).await;
    if let Some(member) = member {
        member.leave().await;
    }
    reporter.abort();
    reloader.abort();
    metrics.log("tinstream stopped");
    endpoints_stop.cancel();
    if let Some(endpoints) = endpoints {
        let _ = endpoints.await;
    }
    Ok(outcome?)
}

/// Makes the engine one of the cluster's workers: its partitions' states restored from the
/// state topic, what it produces written in the worker's transactions, and the partitions
/// handed out by the consumer group it joins.
async fn join_cluster(
    engine: Engine,
    config: &Config,
    metrics: Arc<Metrics>,
) -> anyhow::Result<(Engine, Member)> {
    let (cluster, kafka) = (&config.cluster, &config.sink.kafka);
    // The transactor commits consumed offsets with the group's metadata, which exists once
    // the worker has joined; the journal must exist before, for the first admission.
    let group: Arc<std::sync::OnceLock<GroupMetadata>> = Arc::default();
    let metadata = group.clone();
    let transactor = Transactor::start(
        kafka,
        &format!("{}-{}", cluster.group, cluster.worker_id),
        cluster.commit_interval,
        Some(Arc::new(move || metadata.get().and_then(|g| g()))),
        metrics.clone(),
    )
    .await?;
    let offsets = FrontierOffsets::default();
    let journal = ClusterJournal::new(Arc::new(transactor), cluster, kafka, offsets.clone());
    let engine = engine
        .with_restorer(Arc::new(StateTopic::new(kafka, &cluster.state_topic)))
        .with_journal(Arc::new(journal));
    let member = Member::join(cluster, kafka, engine.ownership(), metrics, offsets)?;
    let _ = group.set(member.group_metadata());
    info!(
        group = %cluster.group,
        worker = %cluster.worker_id,
        partitions = cluster.partitions,
        "joined the cluster"
    );
    Ok((engine, member))
}

/// Reads the configuration again on each hangup and hands the engine its sources and site
/// rules. The rest of the configuration is read at start only: a change there is reported,
/// not applied.
async fn reload_on_hangup(
    mut hangups: mpsc::Receiver<()>,
    path: PathBuf,
    mut current: Config,
    reloads: mpsc::Sender<Reload>,
) {
    while hangups.recv().await.is_some() {
        let loaded = Config::load(&path).and_then(|new| {
            let parser = crate::config::parser(&new.parser)?;
            Ok((new, parser))
        });
        let (new, parser) = match loaded {
            Ok(loaded) => loaded,
            Err(error) => {
                tracing::error!(%error, config = %path.display(), "reload failed; the current sources stay");
                continue;
            }
        };
        if !same_but_reloadable(&new, &current) {
            warn!(config = %path.display(), "only [[sources]] and the site rules are reloaded; restart to apply the other changes");
        }
        info!(config = %path.display(), sources = new.sources.len(), "configuration read again");
        let reload = Reload {
            sources: new.sources.clone(),
            parser,
        };
        if reloads.send(reload).await.is_err() {
            return;
        }
        current.sources = new.sources;
        current.parser = new.parser;
    }
}

/// Whether two configurations differ only in what a reload applies.
fn same_but_reloadable(a: &Config, b: &Config) -> bool {
    let rest = |config: &Config| {
        let mut rest = config.clone();
        rest.sources = Vec::new();
        rest.parser = Default::default();
        rest
    };
    rest(a) == rest(b)
}

/// Logs a one-line summary every minute.
async fn report_periodically(metrics: Arc<Metrics>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    tick.tick().await;
    let mut last = metrics.snapshot();
    loop {
        tick.tick().await;
        last = metrics.log_progress(&last);
    }
}
