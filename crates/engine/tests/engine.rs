//! The engine on its own, without the service: a small site on loopback, a JSON Lines sink,
//! and an observer that keeps every event.

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tinstream_engine::{partition_of, Engine, EngineConfig, Event, Observer, Unobserved};
use tokio_util::sync::CancellationToken;

/// Three articles, each with its title and the paragraphs of its body, written for this test.
const ARTICLES: [(&str, &str); 3] = [
    (
        "/thoi-su/cau-moi-noi-hai-bo-song-1001.html",
        "Cầu mới nối hai bờ sông được thông xe sau hai năm thi công",
    ),
    (
        "/kinh-te/gia-lua-tang-vu-dong-xuan-1002.html",
        "Giá lúa vụ đông xuân tăng nhẹ, nông dân phấn khởi thu hoạch",
    ),
    (
        "/giao-duc/truong-hoc-mo-them-lop-1003.html",
        "Trường học vùng cao mở thêm lớp học buổi chiều cho học sinh",
    ),
];

fn paragraphs(title: &str) -> Vec<String> {
    (1..=6)
        .map(|n| {
            format!(
                "Đoạn {n} của bài “{title}”: người dân trong vùng cho biết đời sống đã thay đổi \
                 nhiều trong những năm gần đây, từ đường sá, trường lớp đến việc buôn bán hằng \
                 ngày, và chính quyền địa phương cam kết tiếp tục lắng nghe ý kiến của bà con."
            )
        })
        .collect()
}

fn article_page(title: &str) -> String {
    let body: String = paragraphs(title)
        .iter()
        .map(|p| format!("<p>{p}</p>\n"))
        .collect();
    format!(
        r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2026-11-30T08:15:00+07:00"></head>
<body><nav><a href="/">Trang chủ</a> <a href="/thoi-su/">Thời sự</a></nav>
<article><h1>{title}</h1><div class="content">{body}</div></article>
<footer>Báo Thử Nghiệm</footer></body></html>"#
    )
}

/// An article's title on a site: the site's label, if it has one, before the title.
fn titled(label: &str, title: &str) -> String {
    if label.is_empty() {
        title.to_string()
    } else {
        format!("{label}: {title}")
    }
}

fn feed(base: &str, label: &str) -> String {
    let items: String = ARTICLES
        .iter()
        .map(|(path, title)| {
            let title = titled(label, title);
            format!("<item><title>{title}</title><link>{base}{path}</link></item>")
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin mới</title>{items}</channel></rss>"#
    )
}

/// Every path a site was asked for, with when (Unix milliseconds); and whether its articles
/// are gone (404).
#[derive(Clone, Default)]
struct Requests(
    Arc<Mutex<Vec<(String, i64)>>>,
    Arc<std::sync::atomic::AtomicBool>,
);

impl Requests {
    fn to_articles(&self) -> usize {
        let seen = self.0.lock().unwrap();
        seen.iter()
            .filter(|(p, _)| ARTICLES.iter().any(|(path, _)| path == p))
            .count()
    }

    /// When `path` was first asked for.
    fn first(&self, path: &str) -> Option<i64> {
        let seen = self.0.lock().unwrap();
        seen.iter().find(|(p, _)| p == path).map(|(_, at)| *at)
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn serve(
    State((base, requests, label)): State<(String, Requests, &'static str)>,
    uri: Uri,
) -> impl IntoResponse {
    let path = uri.path().to_string();
    requests.0.lock().unwrap().push((path.clone(), now_ms()));
    if path == "/robots.txt" {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain")],
            String::new(),
        );
    }
    if path == "/rss.xml" {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/rss+xml")],
            feed(&base, label),
        );
    }
    let gone = requests.1.load(std::sync::atomic::Ordering::SeqCst);
    match ARTICLES.iter().find(|(p, _)| *p == path) {
        Some((_, title)) if !gone => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            article_page(&titled(label, title)),
        ),
        _ => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain")],
            String::new(),
        ),
    }
}

async fn site() -> (String, Requests) {
    site_at("127.0.0.1", "").await
}

/// A site on its own loopback address (all of 127.0.0.0/8 is loopback), its titles after
/// `label`.
async fn site_at(address: &str, label: &'static str) -> (String, Requests) {
    let listener = tokio::net::TcpListener::bind((address, 0)).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Requests::default();
    let app = Router::new()
        .fallback(serve)
        .with_state((base.clone(), requests.clone(), label));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, requests)
}

/// Keeps a summary of every event, and counts deliveries and polls where a test can wait for
/// them.
#[derive(Default)]
struct Recorder(
    Mutex<Vec<String>>,
    tokio::sync::watch::Sender<usize>,
    tokio::sync::watch::Sender<usize>,
);

impl Observer for Recorder {
    fn observe(&self, event: Event<'_>) {
        let line = match event {
            Event::Delivered { .. } => {
                self.1.send_modify(|n| *n += 1);
                "delivered".to_string()
            }
            Event::Request { host, class } => format!("request {host} {class}"),
            Event::Parsed { outcome } => format!("parsed {outcome}"),
            Event::SourcePolled { new, .. } => {
                self.2.send_modify(|n| *n += 1);
                format!("polled {new} new")
            }
            Event::RecordHeld => "held".into(),
            Event::RecordReleased => "released".into(),
            other => format!("{other:?}"),
        };
        self.0.lock().unwrap().push(line);
    }
}

impl Recorder {
    fn count(&self, line: &str) -> usize {
        self.0.lock().unwrap().iter().filter(|l| *l == line).count()
    }
}

fn config(base: &str, dir: &std::path::Path) -> EngineConfig {
    config_of(&[base], 1, dir)
}

/// The feeds of the sites at `bases`, over `partitions`.
fn config_of(bases: &[&str], partitions: u32, dir: &std::path::Path) -> EngineConfig {
    let sources = bases
        .iter()
        .map(|base| toml::from_str(&format!("url = \"{base}/rss.xml\"\nkind = \"feed\"")).unwrap())
        .collect();
    let mut config = EngineConfig {
        crawler: Default::default(),
        sources,
        sink: Default::default(),
        partitions,
    };
    config.crawler.data_dir = dir.join("state");
    config.crawler.allow_private_networks = true;
    config.crawler.per_host_delay = Duration::from_millis(10);
    config.sink.jsonl.path = dir.join("articles.jsonl");
    config.sink.jsonl.dead_letter_path = dir.join("dead-letters.jsonl");
    config
}

/// The titles of the records delivered, sorted.
fn delivered_titles(dir: &std::path::Path) -> Vec<String> {
    let mut titles: Vec<String> = records(dir)
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

fn records(dir: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("articles.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test]
async fn a_run_delivers_each_article_once_and_a_second_run_fetches_none_again() {
    let (base, requests) = site().await;
    let dir = tempfile::tempdir().unwrap();

    let recorder = Arc::new(Recorder::default());
    let engine = Engine::open(
        config(&base, dir.path()),
        Default::default(),
        recorder.clone(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(engine.ownership().assign(0).await.unwrap(), 0);
    let outcome = engine.run(true, None).await.unwrap();
    assert!(outcome.is_complete(), "{outcome}");

    let titles = delivered_titles(dir.path());
    let mut expected: Vec<String> = ARTICLES.iter().map(|(_, t)| t.to_string()).collect();
    expected.sort();
    assert_eq!(titles, expected);
    for record in records(dir.path()) {
        let body = record["body"].as_str().unwrap();
        let title = record["title"].as_str().unwrap();
        assert_eq!(body.split("\n\n").collect::<Vec<_>>(), paragraphs(title));
    }
    assert_eq!(requests.to_articles(), 3);

    // What the observer heard matches what happened: three articles parsed and delivered,
    // each record held and released, one poll with three new pages, and the feed and the
    // three articles answered 2xx (robots.txt is the robots cache's request, not a page's).
    let host = "127.0.0.1";
    assert_eq!(recorder.count("delivered"), 3);
    assert_eq!(recorder.count("parsed article"), 3);
    assert_eq!(recorder.count("held"), 3);
    assert_eq!(recorder.count("released"), 3);
    assert_eq!(recorder.count("polled 3 new"), 1);
    assert_eq!(recorder.count(&format!("request {host} 2xx")), 4);

    // The same state again: the feed lists nothing new, and no article is fetched again.
    let recorder = Arc::new(Recorder::default());
    let engine = Engine::open(
        config(&base, dir.path()),
        Default::default(),
        recorder.clone(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    engine.ownership().assign(0).await.unwrap();
    let outcome = engine.run(true, None).await.unwrap();
    assert!(outcome.is_complete(), "{outcome}");
    assert_eq!(recorder.count("polled 0 new"), 1);
    assert_eq!(recorder.count("delivered"), 0);
    assert_eq!(requests.to_articles(), 3);
    assert_eq!(records(dir.path()).len(), 3);
}

#[tokio::test]
async fn a_stop_ends_a_run_that_would_go_on() {
    let (base, _requests) = site().await;
    let dir = tempfile::tempdir().unwrap();
    let stop = CancellationToken::new();
    let recorder = Arc::new(Recorder::default());
    let engine = Engine::open(
        config(&base, dir.path()),
        Default::default(),
        recorder.clone(),
        stop.clone(),
    )
    .await
    .unwrap();
    engine.ownership().assign(0).await.unwrap();
    let probe = engine.probe();
    let run = tokio::spawn(engine.run(false, None));
    // Not `once`: the engine would poll the feed again and again. It stops when asked, once
    // the three articles are in.
    let mut delivered = recorder.1.subscribe();
    delivered.wait_for(|n| *n == 3).await.unwrap();
    assert!(probe.readiness().is_ready());
    stop.cancel();
    let outcome = run.await.unwrap().unwrap();
    assert!(outcome.interrupted);
    assert_eq!(outcome.pending_pages, 0, "{outcome}");
    assert!(!probe.readiness().is_ready());
    assert_eq!(records(dir.path()).len(), 3);
}

#[tokio::test]
async fn partitions_are_taken_and_given_back_while_the_engine_runs() {
    // Two sites on two addresses: two registrable domains (an address is its own key), in
    // two different partitions.
    let (a, a_requests) = site_at("127.0.0.2", "A").await;
    let (b, b_requests) = site_at("127.0.0.3", "B").await;
    let partitions = (2..64)
        .find(|&n| partition_of("127.0.0.2", n) != partition_of("127.0.0.3", n))
        .unwrap();
    let (part_a, part_b) = (
        partition_of("127.0.0.2", partitions),
        partition_of("127.0.0.3", partitions),
    );
    let dir = tempfile::tempdir().unwrap();
    let stop = CancellationToken::new();
    let recorder = Arc::new(Recorder::default());
    let engine = Engine::open(
        config_of(&[&a, &b], partitions, dir.path()),
        Default::default(),
        recorder.clone(),
        stop.clone(),
    )
    .await
    .unwrap();
    let ownership = engine.ownership();
    ownership.assign(part_a).await.unwrap();
    let run = tokio::spawn(engine.run(false, None));
    let mut delivered = recorder.1.subscribe();

    // Owning A's partition only: A's articles come in, and B is never asked for anything,
    // not even its feed.
    delivered.wait_for(|n| *n == 3).await.unwrap();
    assert_eq!(a_requests.to_articles(), 3);
    assert!(
        b_requests.0.lock().unwrap().is_empty(),
        "{:?}",
        b_requests.0
    );

    // Taking B's partition starts its source's poller; its articles follow.
    assert_eq!(ownership.assign(part_b).await.unwrap(), 0);
    delivered.wait_for(|n| *n == 6).await.unwrap();
    assert_eq!(b_requests.to_articles(), 3);
    let mut owned = vec![part_a, part_b];
    owned.sort();
    assert_eq!(ownership.owned(), owned);

    // Giving A back: its state is written and closed in its own folder, which a new owner
    // opens as it was left (A's three articles settled there, nothing waiting).
    ownership.revoke(part_a).await.unwrap();
    assert_eq!(ownership.owned(), vec![part_b]);
    let a_state = tinstream_crawler::StateStore::open(
        &dir.path().join("state").join(format!("partition-{part_a}")),
    )
    .unwrap();
    assert_eq!(a_state.page_count().unwrap(), 3);
    assert_eq!(a_state.pending_pages().unwrap(), 0);
    drop(a_state);

    // Taken again, A opens as it was left: its feed is read again and lists nothing new, and
    // no article of A is fetched twice.
    let mut polls = recorder.2.subscribe();
    let before = *polls.borrow_and_update();
    assert_eq!(ownership.assign(part_a).await.unwrap(), 0);
    polls.wait_for(|n| *n > before).await.unwrap();
    assert_eq!(recorder.count("polled 0 new"), 1);
    assert_eq!(a_requests.to_articles(), 3);

    stop.cancel();
    let outcome = run.await.unwrap().unwrap();
    assert_eq!(outcome.pending_pages, 0, "{outcome}");
    assert!(ownership.owned().is_empty());
    let titles = delivered_titles(dir.path());
    let mut expected: Vec<String> = ["A", "B"]
        .iter()
        .flat_map(|label| ARTICLES.iter().map(move |(_, t)| titled(label, t)))
        .collect();
    expected.sort();
    assert_eq!(titles, expected);
    // Each assignment and revocation was reported: three of each, the stop revoking the two
    // partitions owned at the end.
    let changes = recorder
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("Partition"))
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(changes.len(), 6, "{changes:?}");
}

/// A restorer that adds one page to the frontier, once the test lets it go on.
struct HeldRestorer {
    entered: std::sync::mpsc::SyncSender<u32>,
    go: Mutex<std::sync::mpsc::Receiver<()>>,
}

impl tinstream_engine::Restorer for HeldRestorer {
    fn restore(
        &self,
        partition: u32,
        store: &tinstream_crawler::StateStore,
    ) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
        self.entered.send(partition)?;
        self.go.lock().unwrap().recv()?;
        let entry = tinstream_crawler::changelog::Entry::Frontier {
            key: "https://restored.example/a".into(),
            entry: Some(tinstream_crawler::FrontierEntry {
                url: "https://restored.example/a".into(),
                source: "https://restored.example/rss".into(),
                due_ms: u64::MAX,
                requeues: 0,
                recheck: None,
                hint: Default::default(),
            }),
        };
        store.apply_entries(&[entry], Some(0))?;
        Ok(1)
    }
}

#[tokio::test]
async fn a_partition_is_restored_before_it_is_used_and_readiness_says_so_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let (entered, restoring) = std::sync::mpsc::sync_channel(1);
    let (go, held) = std::sync::mpsc::channel();
    let engine = Engine::open(
        config_of(&[], 4, dir.path()),
        Default::default(),
        Arc::new(Recorder::default()),
        CancellationToken::new(),
    )
    .await
    .unwrap()
    .with_restorer(Arc::new(HeldRestorer {
        entered,
        go: Mutex::new(held),
    }));
    let probe = engine.probe();
    assert!(probe.readiness().is_ready());
    let ownership = engine.ownership();
    let assigning = tokio::spawn(async move { ownership.assign(3).await });
    let partition = tokio::task::spawn_blocking(move || restoring.recv().unwrap())
        .await
        .unwrap();
    assert_eq!(partition, 3);
    match probe.readiness() {
        tinstream_sink::Readiness::NotReady(reason) => {
            assert_eq!(reason, "restoring the state of partition 3")
        }
        ready => panic!("ready while restoring: {ready:?}"),
    }
    go.send(()).unwrap();
    // What the restorer applied is the partition's frontier.
    assert_eq!(assigning.await.unwrap().unwrap(), 1);
    assert!(probe.readiness().is_ready());
    assert_eq!(engine.ownership().owned(), vec![3]);
}

/// A journal that keeps every unit, and fails the writes it is told to: the next ones, or
/// the next ones that carry records.
#[derive(Default)]
struct Kept {
    written: Mutex<Vec<tinstream_engine::Unit>>,
    failed: Mutex<Vec<tinstream_engine::Unit>>,
    fail_next: std::sync::atomic::AtomicUsize,
    fail_records: std::sync::atomic::AtomicUsize,
    writes: tokio::sync::watch::Sender<usize>,
    /// Records with this title cannot be written (as a record too large for its topic).
    refused_title: Mutex<Option<String>>,
    /// While set, writes of units with records never end (kept in `held`), as a transaction
    /// that cannot commit.
    hold_records: std::sync::atomic::AtomicBool,
    held: Mutex<Vec<tinstream_engine::Unit>>,
    /// Each loss told: the partition, and how many units had been handed over by then.
    lost: Mutex<Vec<(u32, usize)>>,
}

impl tinstream_engine::Journal for Kept {
    fn write(
        &self,
        unit: tinstream_engine::Unit,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), tinstream_engine::JournalError>> + Send>,
    > {
        use std::sync::atomic::Ordering;
        let take = |counter: &std::sync::atomic::AtomicUsize| {
            counter
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
        };
        if !unit.records.is_empty() && self.hold_records.load(Ordering::SeqCst) {
            self.held.lock().unwrap().push(unit);
            self.writes.send_modify(|n| *n += 1);
            return Box::pin(std::future::pending());
        }
        let fail = take(&self.fail_next) || (!unit.records.is_empty() && take(&self.fail_records));
        let result: Result<(), tinstream_engine::JournalError> = if fail {
            self.failed.lock().unwrap().push(unit);
            Err("aborted by the test".into())
        } else {
            self.written.lock().unwrap().push(unit);
            Ok(())
        };
        self.writes.send_modify(|n| *n += 1);
        Box::pin(async move { result })
    }

    fn lost(&self, partition: u32) {
        let handed = self.written.lock().unwrap().len()
            + self.failed.lock().unwrap().len()
            + self.held.lock().unwrap().len();
        self.lost.lock().unwrap().push((partition, handed));
    }

    fn admits(&self, record: &tinstream_model::Article) -> Result<(), String> {
        match &*self.refused_title.lock().unwrap() {
            Some(title) if record.title.contains(title.as_str()) => {
                Err("too large for the test".into())
            }
            _ => Ok(()),
        }
    }
}

impl Kept {
    /// The pages the feed's poll found, as the frontier topic would bring them back.
    fn found(&self) -> Vec<(String, tinstream_crawler::FrontierEntry)> {
        self.written
            .lock()
            .unwrap()
            .iter()
            .flat_map(|u| u.found.iter().map(|f| (f.key.clone(), f.entry.clone())))
            .collect()
    }

    fn dead_letters(&self) -> Vec<tinstream_sink::DeadLetter> {
        self.written
            .lock()
            .unwrap()
            .iter()
            .flat_map(|u| u.dead_letters.clone())
            .collect()
    }

    fn records_written(&self) -> usize {
        self.written
            .lock()
            .unwrap()
            .iter()
            .map(|u| u.records.len())
            .sum()
    }
}

#[tokio::test]
async fn with_a_journal_a_page_is_written_with_its_record_in_one_unit_and_redone_when_that_fails() {
    let (base, requests) = site().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(&base, dir.path());
    config.crawler.requeue_delay = Duration::from_millis(10);
    let journal = Arc::new(Kept::default());
    let stop = CancellationToken::new();
    let recorder = Arc::new(Recorder::default());
    let engine = Engine::open(config, Default::default(), recorder.clone(), stop.clone())
        .await
        .unwrap()
        .with_journal(journal.clone());
    let ownership = engine.ownership();
    ownership.assign(0).await.unwrap();
    let probe = engine.probe();
    let run = tokio::spawn(engine.run(false, None));
    let mut writes = journal.writes.subscribe();

    // The feed's pages go to the journal (the frontier topic), not to the local frontier;
    // the poll is recorded there last (after which the poller sleeps until its next poll).
    writes
        .wait_for(|_| {
            journal.written.lock().unwrap().iter().any(|u| {
                u.entries
                    .iter()
                    .any(|e| matches!(e, tinstream_crawler::changelog::Entry::Poll { .. }))
            })
        })
        .await
        .unwrap();
    let found: Vec<tinstream_engine::Found> = journal
        .written
        .lock()
        .unwrap()
        .iter()
        .flat_map(|u| u.found.clone())
        .collect();
    assert_eq!(found.len(), 3);
    assert!(found
        .iter()
        .all(|f| f.partition == 0 && f.domain == "127.0.0.1"));
    assert_eq!(probe.frontier_len().unwrap(), 0);
    assert_eq!(requests.to_articles(), 0);

    // Admitting them: a failed write admits nothing; the same pages again are admitted.
    let pages: Vec<(String, tinstream_crawler::FrontierEntry)> = found
        .iter()
        .map(|f| (f.key.clone(), f.entry.clone()))
        .collect();
    journal
        .fail_next
        .store(1, std::sync::atomic::Ordering::SeqCst);
    assert!(ownership.admit(0, pages.clone(), 3).await.is_err());
    assert_eq!(probe.frontier_len().unwrap(), 0);
    // The first page's record and state, written together, are aborted: the page is done
    // again.
    journal
        .fail_records
        .store(1, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(ownership.admit(0, pages, 3).await.unwrap(), 3);
    {
        let written = journal.written.lock().unwrap();
        let admitted = written
            .iter()
            .find(|u| u.consumed.is_some())
            .expect("the admission's unit");
        assert_eq!(admitted.consumed, Some(3));
        assert_eq!(admitted.entries.len(), 3);
    }
    writes
        .wait_for(|_| journal.records_written() == 3)
        .await
        .unwrap();

    // No record went to the sink: each is in the unit that settles its page.
    assert!(records(dir.path()).is_empty());
    let written = journal.written.lock().unwrap().clone();
    let settles: Vec<&tinstream_engine::Unit> =
        written.iter().filter(|u| !u.records.is_empty()).collect();
    assert_eq!(settles.len(), 3);
    for unit in &settles {
        assert_eq!(unit.records.len(), 1);
        let url = &unit.records[0].url;
        assert!(unit.entries.iter().any(|e| matches!(e,
            tinstream_crawler::changelog::Entry::Page { key, state: Some(s) }
                if key == url && s.status == tinstream_crawler::PageStatus::Delivered)));
        assert!(unit.entries.iter().any(|e| matches!(e,
            tinstream_crawler::changelog::Entry::Frontier { key, entry: None } if key == url)));
    }
    // The aborted unit held one page's record and state; that page was fetched again.
    let failed = journal.failed.lock().unwrap().clone();
    let aborted: Vec<&tinstream_engine::Unit> =
        failed.iter().filter(|u| !u.records.is_empty()).collect();
    assert_eq!(aborted.len(), 1);
    assert_eq!(requests.to_articles(), 4);
    // Counted as delivered once written: the aborted one is not.
    assert_eq!(recorder.count("delivered"), 3);
    stop.cancel();
    let outcome = run.await.unwrap().unwrap();
    assert_eq!(outcome.pending_pages, 0, "{outcome}");
}

/// An engine writing through `journal` that owns the crawl's one partition and runs, once its
/// feed's pages are found (not admitted yet).
async fn journaled(
    config: EngineConfig,
    journal: Arc<Kept>,
    observer: Arc<dyn Observer>,
) -> (
    tinstream_engine::Ownership,
    CancellationToken,
    tokio::task::JoinHandle<Result<tinstream_engine::RunOutcome, tinstream_engine::EngineError>>,
) {
    let stop = CancellationToken::new();
    let engine = Engine::open(config, Default::default(), observer, stop.clone())
        .await
        .unwrap()
        .with_journal(journal.clone());
    let ownership = engine.ownership();
    ownership.assign(0).await.unwrap();
    let run = tokio::spawn(engine.run(false, None));
    journal
        .writes
        .subscribe()
        .wait_for(|_| journal.found().len() == ARTICLES.len())
        .await
        .unwrap();
    (ownership, stop, run)
}

#[tokio::test]
async fn a_record_the_journal_can_never_write_is_a_dead_letter_at_once() {
    let (base, requests) = site().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(&base, dir.path());
    config.crawler.requeue_delay = Duration::from_millis(10);
    let journal = Arc::new(Kept::default());
    let refused = ARTICLES[1].1;
    *journal.refused_title.lock().unwrap() = Some(refused.to_string());
    let (ownership, stop, run) = journaled(config, journal.clone(), Arc::new(Unobserved)).await;
    let mut writes = journal.writes.subscribe();
    ownership.admit(0, journal.found(), 3).await.unwrap();
    writes
        .wait_for(|_| journal.records_written() + journal.dead_letters().len() == 3)
        .await
        .unwrap();

    // The other two are records; the refused one is a dead letter of the delivery, with the
    // journal's reason, written with its page's state; no unit failed, and no page was
    // fetched twice.
    assert_eq!(journal.records_written(), 2);
    let letters = journal.dead_letters();
    assert_eq!(letters.len(), 1, "{letters:?}");
    let letter = &letters[0];
    assert_eq!(letter.stage, tinstream_sink::Stage::Deliver);
    assert!(
        letter.reason.contains("too large for the test"),
        "{letter:?}"
    );
    assert!(letter.url.ends_with(ARTICLES[1].0), "{letter:?}");
    let written = journal.written.lock().unwrap().clone();
    assert!(written
        .iter()
        .flat_map(|u| &u.records)
        .all(|r| r.title != refused));
    let unit = written.iter().find(|u| !u.dead_letters.is_empty()).unwrap();
    assert!(unit.entries.iter().any(|e| matches!(e,
        tinstream_crawler::changelog::Entry::Page { key, state: Some(s) }
            if key.ends_with(ARTICLES[1].0) && s.status == tinstream_crawler::PageStatus::Failed)));
    assert!(journal.failed.lock().unwrap().is_empty());
    assert_eq!(requests.to_articles(), 3);
    stop.cancel();
    let outcome = run.await.unwrap().unwrap();
    assert_eq!(outcome.pending_pages, 0, "{outcome}");
}

#[tokio::test]
async fn a_lost_partition_is_let_go_at_once_and_nothing_more_of_it_is_written() {
    let (base, _requests) = site().await;
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Kept::default());
    let recorder = Arc::new(Recorder::default());
    let (ownership, stop, run) =
        journaled(config(&base, dir.path()), journal.clone(), recorder.clone()).await;
    let mut writes = journal.writes.subscribe();
    // The pages' outcomes cannot be written (their transaction never ends).
    journal
        .hold_records
        .store(true, std::sync::atomic::Ordering::SeqCst);
    ownership.admit(0, journal.found(), 3).await.unwrap();
    writes
        .wait_for(|_| journal.held.lock().unwrap().len() == 3)
        .await
        .unwrap();
    let before = journal.written.lock().unwrap().len();

    // A revocation would wait for them; a loss does not, and writes nothing more: no
    // states, no turns of the site's server.
    tokio::time::timeout(Duration::from_secs(10), ownership.lose(0))
        .await
        .expect("a loss waits for no write")
        .unwrap();
    assert_eq!(journal.written.lock().unwrap().len(), before);
    assert!(ownership.owned().is_empty());
    // The journal was told, after the last unit of the partition was handed over: none of
    // them may become durable now.
    assert_eq!(*journal.lost.lock().unwrap(), [(0, before + 3)]);
    // The records' delivery permits are back.
    assert_eq!(recorder.count("held"), 3);
    assert_eq!(recorder.count("released"), 3);
    // It can be taken again (the group gives it back): its state opens.
    ownership.assign(0).await.unwrap();
    stop.cancel();
    run.await.unwrap().unwrap();
}

/// A restorer that leaves what a partition's previous owner left: one page waiting, and when
/// that page's server may be asked next.
struct PreviousOwner {
    server: String,
    url: String,
    turn_ms: i64,
}

impl tinstream_engine::Restorer for PreviousOwner {
    fn restore(
        &self,
        _: u32,
        store: &tinstream_crawler::StateStore,
    ) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
        use tinstream_crawler::changelog::Entry;
        let entries = [
            Entry::Host {
                server: self.server.clone(),
                not_before_ms: self.turn_ms,
            },
            Entry::Frontier {
                key: self.url.clone(),
                entry: Some(tinstream_crawler::FrontierEntry {
                    url: self.url.clone(),
                    source: "restored".into(),
                    due_ms: 0,
                    requeues: 0,
                    recheck: None,
                    hint: Default::default(),
                }),
            },
        ];
        store.apply_entries(&entries, Some(0))?;
        Ok(2)
    }
}

#[tokio::test]
async fn a_new_owner_waits_for_the_turn_the_previous_owner_left() {
    let (base, requests) = site().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_of(&[], 1, dir.path());
    config.crawler.per_host_delay = Duration::from_millis(1500);
    let server = base.trim_start_matches("http://").to_string();
    let path = ARTICLES[0].0;
    // The previous owner asked the server just now, with a delay of 1.5 s.
    let turn_ms = now_ms() + 1500;
    let journal = Arc::new(Kept::default());
    let stop = CancellationToken::new();
    let engine = Engine::open(
        config,
        Default::default(),
        Arc::new(Recorder::default()),
        stop.clone(),
    )
    .await
    .unwrap()
    .with_restorer(Arc::new(PreviousOwner {
        server,
        url: format!("{base}{path}"),
        turn_ms,
    }))
    .with_journal(journal.clone());
    engine.ownership().assign(0).await.unwrap();
    let run = tokio::spawn(engine.run(false, None));
    let mut writes = journal.writes.subscribe();
    writes
        .wait_for(|_| journal.records_written() == 1)
        .await
        .unwrap();
    // The page was due at once, but its server's turn had not come. (The site notes when a
    // request arrives, a little after its turn.)
    let asked = requests.first(path).unwrap();
    assert!(
        asked >= turn_ms,
        "asked {} ms before the turn the previous owner left",
        turn_ms - asked
    );
    // Its own fetch goes to the state with the page: the server's next turn, a delay after.
    let written = journal.written.lock().unwrap().clone();
    assert!(written.iter().any(|u| u.entries.iter().any(|e| matches!(e,
        tinstream_crawler::changelog::Entry::Host { not_before_ms, .. }
            if *not_before_ms >= asked + 1500 - 20 && *not_before_ms <= asked + 1500 + 1000))));
    stop.cancel();
    run.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_revoked_partition_hands_over_its_hosts_turns_even_after_failed_requests() {
    let (base, requests) = site().await;
    // Every article is gone: each request ends in a dead letter, with no fetch of a page to
    // note the server's turn in its unit.
    requests.1.store(true, std::sync::atomic::Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_of(&[&base], 1, dir.path());
    let delay = 300;
    config.crawler.per_host_delay = Duration::from_millis(delay);
    let journal = Arc::new(Kept::default());
    let stop = CancellationToken::new();
    let engine = Engine::open(
        config,
        Default::default(),
        Arc::new(Recorder::default()),
        stop.clone(),
    )
    .await
    .unwrap()
    .with_journal(journal.clone());
    let ownership = engine.ownership();
    ownership.assign(0).await.unwrap();
    let run = tokio::spawn(engine.run(false, None));
    let mut writes = journal.writes.subscribe();
    // The feed's pages, found, come back through the frontier (here, by hand).
    let found = || -> Vec<(String, tinstream_crawler::FrontierEntry)> {
        let written = journal.written.lock().unwrap();
        written
            .iter()
            .flat_map(|u| u.found.iter().map(|f| (f.key.clone(), f.entry.clone())))
            .collect()
    };
    writes
        .wait_for(|_| found().len() == ARTICLES.len())
        .await
        .unwrap();
    ownership.admit(0, found(), 3).await.unwrap();
    let dead_letters = || -> usize {
        let written = journal.written.lock().unwrap();
        written.iter().map(|u| u.dead_letters.len()).sum()
    };
    writes
        .wait_for(|_| dead_letters() == ARTICLES.len())
        .await
        .unwrap();
    let last_asked = ARTICLES
        .iter()
        .filter_map(|(path, _)| requests.first(path))
        .max()
        .unwrap();
    ownership.revoke(0).await.unwrap();

    // The server's next turn, a delay after its last request, is in the state for the next
    // owner.
    let server = base.trim_start_matches("http://").to_string();
    let written = journal.written.lock().unwrap().clone();
    let turns: Vec<i64> = written
        .iter()
        .flat_map(|u| u.entries.iter())
        .filter_map(|e| match e {
            tinstream_crawler::changelog::Entry::Host {
                server: s,
                not_before_ms,
            } if *s == server => Some(*not_before_ms),
            _ => None,
        })
        .collect();
    let delay = delay as i64;
    assert!(
        turns
            .iter()
            .any(|t| *t >= last_asked + delay - 20 && *t <= last_asked + delay + 1000),
        "no turn of {server} a delay after {last_asked}: {turns:?}"
    );
    stop.cancel();
    run.await.unwrap().unwrap();
}

/// A photo story: a caption's worth of text under its photo, too little to be an article on
/// its own word.
fn photo_story(title: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Trang chủ</a> <a href="/anh/">Ảnh</a></nav>
<h1>{title}</h1><figure><img src="/anh/cho-noi.jpg"></figure>
<p>Sáng sớm, hàng trăm ghe thuyền tụ về chợ nổi, người bán kẻ mua tấp nập trên sông, giữ nét sinh hoạt quen thuộc của miền Tây.</p>
</body></html>"#
    )
}

/// A section page whose first teaser runs long, as some sites' do: it reads as an article
/// on its own.
fn section_page() -> String {
    let teaser: String = paragraphs("Chuyên mục Thời sự")
        .iter()
        .take(4)
        .map(|p| format!("<p>{p}</p>"))
        .collect();
    let links: String = ARTICLES
        .iter()
        .map(|(path, title)| format!("<li><a href=\"{path}\">{title}</a></li>"))
        .collect();
    format!(
        r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Thời sự</title></head>
<body><h1>Thời sự</h1><div class="lead-story">{teaser}</div><ul>{links}</ul></body></html>"#
    )
}

async fn serve_listed(base: State<String>, uri: Uri) -> impl IntoResponse {
    let html = |body: String| {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
    };
    let xml = |body: String| {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/xml")],
            body,
        )
    };
    let base = base.0;
    match uri.path() {
        "/robots.txt" => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain")],
            String::new(),
        ),
        "/rss.xml" => xml(format!(
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Ảnh</title>
<item><title>Chợ nổi buổi sớm</title><link>{base}/anh/cho-noi-buoi-som-2001.html</link></item>
</channel></rss>"#
        )),
        "/sitemap.xml" => xml(format!(
            r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/anh/cho-noi-buoi-chieu-2002.html</loc></url></urlset>"#
        )),
        "/anh/cho-noi-buoi-som-2001.html" => html(photo_story("Chợ nổi buổi sớm")),
        "/anh/cho-noi-buoi-chieu-2002.html" => html(photo_story("Chợ nổi buổi chiều")),
        "/thoi-su/" => html(section_page()),
        path => match ARTICLES.iter().find(|(p, _)| *p == path) {
            Some((_, title)) => html(article_page(title)),
            None => (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/plain")],
                String::new(),
            ),
        },
    }
}

#[tokio::test]
async fn what_a_source_lists_a_page_as_weighs_in_its_verdict() {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new()
        .fallback(serve_listed)
        .with_state(base.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(&base, dir.path());
    config.sources = ["feed /rss.xml", "sitemap /sitemap.xml", "section /thoi-su/"]
        .iter()
        .map(|s| {
            let (kind, path) = s.split_once(' ').unwrap();
            toml::from_str(&format!("url = \"{base}{path}\"\nkind = \"{kind}\"")).unwrap()
        })
        .collect();

    let recorder = Arc::new(Recorder::default());
    let engine = Engine::open(
        config,
        Default::default(),
        recorder.clone(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    engine.ownership().assign(0).await.unwrap();
    let outcome = engine.run(true, None).await.unwrap();
    assert!(outcome.is_complete(), "{outcome}");

    let titles = delivered_titles(dir.path());
    // The feed's photo story is an article, on the feed's word; the same page met in a
    // general sitemap is not (a sitemap lists pages of every kind). The section's page reads
    // as an article on its own, but the operator gave it as a section: its links are taken
    // and its three articles delivered, and it is not delivered itself.
    let mut expected: Vec<String> = ARTICLES.iter().map(|(_, t)| t.to_string()).collect();
    expected.push("Chợ nổi buổi sớm".into());
    expected.sort();
    assert_eq!(titles, expected);
    assert_eq!(recorder.count("parsed not_article"), 1);
    let events = recorder.0.lock().unwrap().clone();
    assert!(
        events.contains(&"NotArticle { host: \"127.0.0.1\", reason: \"too little body\" }".into()),
        "{events:?}"
    );
    assert!(
        events.contains(&"ListingReadAsArticle { host: \"127.0.0.1\" }".into()),
        "{events:?}"
    );
}
