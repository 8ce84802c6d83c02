//! The service as its operators and consumers meet it: SIGHUP reloads the sources, and
//! `tinstream tail` prints what `run` delivered.

mod support;

use std::time::Duration;
use support::newsroom;
use support::service::{self, Service};

fn config_with_sources(
    dir: &std::path::Path,
    listen: std::net::SocketAddr,
    sources: &str,
) -> std::path::PathBuf {
    let path = dir.join("tinstream.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[crawler]
user_agent = "tinstream-test (+https://github.com/tinstream/tinstream)"
per_host_delay = "0s"
data_dir = "{state}"
allow_private_networks = true

[parser]
sites_dir = "{sites}"

{sources}

[service]
listen = "{listen}"

[sink]
kind = "jsonl"
[sink.jsonl]
path = "{out}"
dead_letter_path = "{dead}"
"#,
            state = dir.join("state").display(),
            sites = dir.join("sites").display(),
            out = dir.join("articles.jsonl").display(),
            dead = dir.join("dead.jsonl").display(),
        ),
    )
    .unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_sources_and_a_bad_file_changes_nothing() {
    let site = newsroom::start(5, Duration::ZERO, false).await;
    let dir = tempfile::tempdir().unwrap();
    let listen = service::free_address();
    let one_page = format!(
        "[[sources]]\nkind = \"url\"\nurl = \"{}\"\nevery = \"1h\"\n",
        site.url(&newsroom::path(0))
    );
    let config = config_with_sources(dir.path(), listen, &one_page);
    let service = Service::start(&config, &dir.path().join("run.log"), listen);
    service
        .wait_until(
            "the one page delivered",
            Duration::from_secs(60),
            || async { service.metric("tinstream_records_delivered_total").await == 1.0 },
        )
        .await;

    // A broken file: the reload is refused, the service goes on with what it had.
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, good.replace("per_host_delay", "per_host_dealy")).unwrap();
    service.signal("HUP");
    service
        .wait_until(
            "the refused reload in the log",
            Duration::from_secs(30),
            || async { service.log().contains("reload failed") },
        )
        .await;
    assert!(
        service.log().contains("per_host_dealy"),
        "the error names the key"
    );
    assert_eq!(service.get("/healthz").await.map(|r| r.0), Some(200));

    // A new source, and a site rule for the site: both apply without a restart.
    std::fs::create_dir_all(dir.path().join("sites")).unwrap();
    std::fs::write(
        dir.path().join("sites/127.0.0.1.toml"),
        "domains = [\"127.0.0.1\"]\nlead = \".article-header .post-date\"\n",
    )
    .unwrap();
    let both = format!(
        "{one_page}\n[[sources]]\nkind = \"sitemap\"\nurl = \"{}\"\nevery = \"1h\"\n",
        site.url("/sitemap.xml")
    );
    config_with_sources(dir.path(), listen, &both);
    service.signal("HUP");
    service
        .wait_until("every page delivered", Duration::from_secs(60), || async {
            service.metric("tinstream_records_delivered_total").await == 5.0
        })
        .await;
    assert!(service.log().contains("sources reloaded"));
    assert!(service.log().contains("site rules reloaded"));
    assert_eq!(
        site.requested(&newsroom::path(0)),
        1,
        "a page fetched twice"
    );
    let status = service.terminate().await;
    assert!(status.success());
    let records = support::read_jsonl(&dir.path().join("articles.jsonl"));
    assert_eq!(site.check(&records), 0);
    // The page delivered before the reload has no lead; those after it take the rule's.
    for record in &records {
        let expected = if record["url"] == site.url(&newsroom::path(0)).as_str() {
            serde_json::Value::Null
        } else {
            serde_json::Value::from("Thứ Hai, 06/12/2021 - 09:15")
        };
        assert_eq!(record["lead"], expected, "{}", record["url"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_prints_what_run_delivered() {
    let site = newsroom::start(3, Duration::ZERO, false).await;
    let dir = tempfile::tempdir().unwrap();
    let topic = support::unique_topic("tail");
    let config = service::write_config(
        dir.path(),
        &site.url("/sitemap.xml"),
        service::free_address(),
        2,
        10,
        &service::kafka_sink(support::kafka(), &topic, ""),
    );
    support::run_once(&config).await;

    let tail = |args: &[&str]| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_tinstream"));
        command
            .args(["tail", "--from-beginning", "--count", "3", "--config"])
            .arg(&config)
            .args(args)
            .kill_on_drop(true);
        command
    };
    let json = tokio::time::timeout(Duration::from_secs(60), tail(&["--json"]).output())
        .await
        .expect("tail --count 3 ends")
        .unwrap();
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let printed: Vec<serde_json::Value> = String::from_utf8(json.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(site.check(&printed), 0);

    let pretty = tokio::time::timeout(Duration::from_secs(60), tail(&[]).output())
        .await
        .expect("tail --count 3 ends")
        .unwrap();
    let text = String::from_utf8(pretty.stdout).unwrap();
    for i in 0..3 {
        assert!(text.contains(&newsroom::title(i)), "{text}");
        assert!(text.contains(&site.url(&newsroom::path(i))), "{text}");
    }
    assert!(
        text.contains("── 2021-12-06T09:15:00+07:00 · 127.0.0.1 · vi"),
        "{text}"
    );

    // As kcat: brokers and topic on the command line, no configuration file at all (run
    // from an empty folder, where config/default.toml does not exist).
    let empty = tempfile::tempdir().unwrap();
    let bare = tokio::process::Command::new(env!("CARGO_BIN_EXE_tinstream"))
        .current_dir(empty.path())
        .args(["tail", "-b", support::kafka(), "-t", &topic])
        .args(["-o", "beginning", "--json", "--count", "3"])
        .kill_on_drop(true)
        .output();
    let bare = tokio::time::timeout(Duration::from_secs(60), bare)
        .await
        .expect("tail --count 3 ends")
        .unwrap();
    assert!(
        bare.status.success(),
        "{}",
        String::from_utf8_lossy(&bare.stderr)
    );
    let printed: Vec<serde_json::Value> = String::from_utf8(bare.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(site.check(&printed), 0);
}
