//! The command line: `check-config`, `extract` and `eval` as a user runs them.

use std::path::Path;
use std::process::Command;

fn tinstream() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tinstream"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Runs the command, checks that it succeeded, and returns what it printed.
fn succeeds(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sites")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn check_config_prints_the_default_configuration() {
    let text = succeeds(tinstream().arg("check-config"));
    assert!(text.contains("kind = \"jsonl\""));
    assert!(text.contains("https://vnexpress.net/rss/tin-moi-nhat.rss"));
}

#[test]
fn environment_overrides_keys() {
    let text = succeeds(
        tinstream()
            .arg("check-config")
            .env("TINSTREAM__SINK__KIND", "kafka")
            .env("TINSTREAM__SINK__KAFKA__BROKERS", "127.0.0.1:29092"),
    );
    assert!(text.contains("kind = \"kafka\""), "{text}");
    assert!(text.contains("brokers = \"127.0.0.1:29092\""), "{text}");
}

#[test]
fn config_errors_name_the_file_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[sink]\nkind = \"kafka\"\n[sink.kafka]\ntopics = \"x\"\n",
    )
    .unwrap();
    let out = tinstream()
        .args(["check-config", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.toml"), "{err}");
    assert!(err.contains("topics"), "{err}");

    let out = tinstream()
        .args(["run", "--config", "/nonexistent/tinstream.toml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("/nonexistent/tinstream.toml"));
}

#[test]
fn extract_one_file_prints_one_pretty_record() {
    let text = succeeds(tinstream().args([
        "extract",
        &fixture("old-portal-article.html"),
        "--url",
        "http://portal.example.gov.vn/tin-tuc.aspx?id=35218",
    ]));
    assert!(text.starts_with("{\n"), "pretty JSON");
    let record: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        record["title"],
        "Đoàn kiểm tra của Bộ Chính trị làm việc tại Sơn La"
    );
    assert_eq!(record["source_agency"], "TTXVN");
    assert_eq!(record["published_at"], "2021-12-01");
}

#[test]
fn extract_a_directory_prints_a_line_per_page_with_its_source() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["vnexpress-article.html", "listing-page.html"] {
        std::fs::copy(fixture(name), dir.path().join(name)).unwrap();
    }
    // A compressed page, as the evaluation datasets store them.
    let gz = std::fs::File::create(dir.path().join("dantri.html.gz")).unwrap();
    let mut encoder = flate2::write::GzEncoder::new(gz, flate2::Compression::default());
    std::io::Write::write_all(
        &mut encoder,
        &std::fs::read(fixture("dantri-article.html")).unwrap(),
    )
    .unwrap();
    encoder.finish().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a page").unwrap();

    let lines: Vec<serde_json::Value> =
        succeeds(tinstream().args(["extract", "-j", "2"]).arg(dir.path()))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    assert_eq!(lines.len(), 3, "one line per .html and .html.gz file");
    let by_name = |n: &str| {
        lines
            .iter()
            .find(|l| l["source"].as_str().unwrap().ends_with(n))
            .unwrap()
    };
    assert_eq!(
        by_name("dantri.html.gz")["title"],
        "Học sinh Hà Nội trở lại trường sau thời gian dài học trực tuyến"
    );
    assert_eq!(by_name("vnexpress-article.html")["authors"][0], "Anh Minh");
    assert_eq!(by_name("listing-page.html")["is_article"], false);

    // Standard error is a pipe here, not a terminal: no progress bar, no control characters.
    let out = tinstream()
        .args(["extract", "-j", "2"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "{stderr:?}"
    );
}

#[test]
fn extract_a_missing_file_is_an_error_naming_it() {
    let out = tinstream()
        .args(["extract", "/nonexistent/page.html"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("/nonexistent/page.html"));
}

#[test]
fn a_bad_site_rule_is_named_by_check_config() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites");
    std::fs::create_dir_all(&sites).unwrap();
    std::fs::write(
        sites.join("baovidu.vn.toml"),
        "domains = [\"baovidu.vn\"]\nremove = [\".ok\", \"div[\"]\n",
    )
    .unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        format!("[parser]\nsites_dir = \"{}\"\n", sites.display()),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tinstream"))
        .args(["check-config", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("baovidu.vn.toml"), "{stderr}");
    assert!(stderr.contains("remove[1]"), "{stderr}");
}

/// Runs the command and returns its exit status, standard output and standard error.
fn outcome(command: &mut Command) -> (bool, String, String) {
    let out = command.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A port nothing listens on: bound, then closed.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

const ONE_SOURCE: &str = "[[sources]]\nkind = \"feed\"\nurl = \"https://ex.vn/rss\"\n";

#[test]
fn a_configuration_without_sources_is_refused_by_run_and_flagged_by_check_config() {
    let dir = tempfile::tempdir().unwrap();
    // The trap of a file that holds only the sink: it is not laid over config/default.toml.
    let config = write(dir.path(), "kafka.toml", "[sink]\nkind = \"jsonl\"\n");
    let (ok, _, err) = outcome(tinstream().arg("run").arg("-c").arg(&config));
    assert!(!ok);
    assert!(err.contains("kafka.toml: no [[sources]]"), "{err}");
    assert!(err.contains("not laid over config/default.toml"), "{err}");
    let (ok, out, err) = outcome(tinstream().args(["check-config", "-c"]).arg(&config));
    assert!(!ok, "check-config flags it with its exit status");
    assert!(
        out.contains("kind = \"jsonl\""),
        "the configuration is still shown: {out}"
    );
    assert!(err.contains("no [[sources]]"), "{err}");
}

#[test]
fn check_config_warns_and_shows_absolute_paths_and_durations_as_written() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "c.toml",
        &format!(
            "[crawler]\nstate_retention = \"180d\"\ndata_dir = \"relative/data\"\n\
             [parser]\nsites_dir = \"no-such-folder\"\n{ONE_SOURCE}\
             [[sources]]\nkind = \"section\"\nurl = \"http://10.1.2.3/\"\n\
             [sink.kafka]\nbrokers = \"k:9092\"\n"
        ),
    );
    // Run from the temporary folder: relative paths are taken from the working directory.
    let (ok, out, err) =
        outcome(
            tinstream()
                .current_dir(dir.path())
                .args(["check-config", "--config", "c.toml"]),
        );
    assert!(ok, "warnings alone do not fail: {err}");
    let cwd = std::fs::canonicalize(dir.path()).unwrap();
    assert!(out.contains("state_retention = \"180d\""), "{out}");
    assert!(
        out.contains(&format!(
            "data_dir = \"{}\"",
            cwd.join("relative/data").display()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "# effective configuration from {}",
            cwd.join("c.toml").display()
        )),
        "{out}"
    );
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 3, "{err}");
    assert!(
        warnings[0].contains("parser.sites_dir \"no-such-folder\""),
        "{err}"
    );
    assert!(
        warnings[1].contains("sources[1].url http://10.1.2.3/"),
        "{err}"
    );
    assert!(
        warnings[2].contains("[sink.kafka] is set but sink.kind is \"jsonl\""),
        "{err}"
    );
}

#[test]
fn a_missing_default_configuration_says_where_it_looked_and_how_to_name_one() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = outcome(tinstream().current_dir(dir.path()).arg("check-config"));
    assert!(!ok);
    let cwd = std::fs::canonicalize(dir.path()).unwrap();
    assert!(
        err.contains("config/default.toml: no such configuration file"),
        "{err}"
    );
    assert!(err.contains(&cwd.display().to_string()), "{err}");
    assert!(err.contains("-c/--config"), "{err}");
}

#[test]
fn secrets_come_from_the_environment_and_files_and_are_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let secret = write(dir.path(), "password", "file-secret-7431\n");
    let config = write(
        dir.path(),
        "c.toml",
        &format!(
            "{ONE_SOURCE}[sink]\nkind = \"kafka\"\n[sink.kafka]\nbrokers = \"${{BROKERS}}\"\n\
             [sink.kafka.options]\n\"linger.ms\" = 20\n\"enable.idempotence.x\" = true\n\
             \"ssl.key.password\" = \"${{file:{}}}\"\n",
            secret.display()
        ),
    );
    let (ok, out, err) = outcome(
        tinstream()
            .args(["check-config", "-c"])
            .arg(&config)
            .env("BROKERS", "k1:9092,k2:9092")
            .env(
                "TINSTREAM__SINK__KAFKA__OPTIONS__SASL_PASSWORD",
                "env-secret-5512",
            ),
    );
    assert!(ok, "{err}");
    assert!(out.contains("brokers = \"k1:9092,k2:9092\""), "{out}");
    assert!(out.contains("\"linger.ms\" = \"20\""), "{out}");
    assert!(out.contains("\"sasl.password\" = \"********\""), "{out}");
    assert!(out.contains("\"ssl.key.password\" = \"********\""), "{out}");
    for secret in ["file-secret-7431", "env-secret-5512"] {
        assert!(!out.contains(secret) && !err.contains(secret), "{out}{err}");
    }
    // Without the variable, the start fails naming it.
    let (ok, _, err) = outcome(tinstream().args(["check-config", "-c"]).arg(&config));
    assert!(!ok);
    assert!(
        err.contains("key `sink.kafka.brokers`: environment variable BROKERS is not set"),
        "{err}"
    );
}

#[test]
fn extract_formats_and_orders_keys_as_the_sink_does() {
    let page = fixture("vnexpress-article.html");
    let one_line = succeeds(tinstream().args(["extract", "--format", "jsonl", &page]));
    assert_eq!(one_line.lines().count(), 1, "{one_line}");
    // The record's own order (the schema's), not sorted: `schema_version` first, `id`
    // before `body`, and `content_hash` last.
    let record: serde_json::Value = serde_json::from_str(&one_line).unwrap();
    let at = |key: &str| {
        one_line
            .find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("{key}"))
    };
    assert_eq!(at("schema_version"), 1);
    assert!(at("id") < at("url") && at("url") < at("canonical_url"));
    assert!(at("title") < at("body") && at("body") < at("published_at"));
    assert!(at("word_count") < at("content_hash"));
    // Exactly the line the sinks write for this record.
    let article: tinstream_model::Article = serde_json::from_value(record).unwrap();
    assert_eq!(
        one_line.trim_end(),
        serde_json::to_string(&article).unwrap()
    );

    // Several inputs in `json` are indented objects, each with its source.
    let two = succeeds(tinstream().args(["extract", "--format", "json", &page, &page]));
    assert_eq!(
        two.matches("\n{\n").count() + usize::from(two.starts_with("{\n")),
        2
    );
    assert_eq!(
        two.matches(&format!("\"source\": \"{page}\"")).count(),
        2,
        "{two}"
    );
}

#[test]
fn extract_goes_on_past_inputs_that_fail() {
    let page = fixture("vnexpress-article.html");
    let (ok, out, err) = outcome(tinstream().args([
        "extract",
        "/nonexistent/first.html",
        &page,
        "http://[not-a-url/",
    ]));
    assert!(!ok, "failures give exit status 1");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0]["source"], "/nonexistent/first.html");
    assert!(lines[0]["error"].as_str().unwrap().contains("cannot read"));
    assert_eq!(lines[1]["source"], page.as_str());
    assert_eq!(lines[1]["authors"][0], "Anh Minh");
    assert!(lines[2]["error"]
        .as_str()
        .unwrap()
        .contains("not a valid URL"));
    assert!(err.contains("2 of 3 inputs failed"), "{err}");
}

#[test]
fn extract_takes_the_site_rules_of_the_configuration_or_of_sites_dir() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites");
    std::fs::create_dir_all(&sites).unwrap();
    // A rule that takes the title from the first paragraph: visible in the record.
    std::fs::write(
        sites.join("ex.vn.toml"),
        "domains = [\"ex.vn\"]\ntitle = \"p\"\n",
    )
    .unwrap();
    let page = fixture("vnexpress-article.html");
    let title = |args: &[&str]| -> String {
        let out = succeeds(
            tinstream()
                .args(["extract", "--url", "https://ex.vn/a-1.html", &page])
                .args(args),
        );
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["title"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let generic = title(&[]);
    let sites_dir = sites.display().to_string();
    let ruled = title(&["--sites-dir", &sites_dir]);
    assert_ne!(generic, ruled, "the rule applies");
    let config = write(
        dir.path(),
        "c.toml",
        &format!("[parser]\nsites_dir = \"{sites_dir}\"\n"),
    );
    assert_eq!(title(&["-c", &config.display().to_string()]), ruled);
    let (ok, _, err) =
        outcome(tinstream().args(["extract", "--sites-dir", "/nonexistent/x", &page]));
    assert!(!ok);
    assert!(
        err.contains("--sites-dir /nonexistent/x: no such folder"),
        "{err}"
    );
}

#[test]
fn tracking_parameters_change_neither_the_urls_nor_the_id() {
    let page = fixture("old-portal-article.html");
    let record = |url: &str| -> serde_json::Value {
        serde_json::from_str(&succeeds(
            tinstream().args(["extract", &page, "--url", url]),
        ))
        .unwrap()
    };
    let plain = record("http://portal.example.gov.vn/tin-tuc.aspx?id=35218");
    let tracked = record(
        "http://portal.example.gov.vn/tin-tuc.aspx?utm_source=rss&id=35218&utm_medium=feed&fbclid=x",
    );
    assert_eq!(
        tracked["url"],
        "http://portal.example.gov.vn/tin-tuc.aspx?id=35218"
    );
    for key in ["url", "canonical_url", "id"] {
        assert_eq!(plain[key], tracked[key], "{key}");
    }
}

#[test]
fn tail_refuses_a_configuration_whose_sink_is_not_kafka() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "c.toml",
        "[sink.jsonl]\npath = \"/srv/out.jsonl\"\ndead_letter_path = \"/srv/dead.jsonl\"\n",
    );
    let (ok, _, err) = outcome(tinstream().args(["tail", "-c"]).arg(&config));
    assert!(!ok);
    assert!(err.contains("sink is not Kafka"), "{err}");
    assert!(err.contains("/srv/out.jsonl"), "{err}");
    assert!(err.contains("-b/--brokers"), "{err}");
}

#[test]
fn tail_fails_when_no_broker_answers() {
    let port = closed_port();
    let start = std::time::Instant::now();
    let (ok, _, err) = outcome(tinstream().args([
        "tail",
        "-b",
        &format!("127.0.0.1:{port}"),
        "-t",
        "tinstream.articles",
        "--timeout",
        "2s",
    ]));
    assert!(!ok);
    assert!(
        err.contains(&format!("no broker answered at 127.0.0.1:{port} within 2s")),
        "{err}"
    );
    // Said once, not a line per retry.
    assert!(err.lines().count() <= 3, "{err}");
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
}

/// The README's quick start shows a record: it is what step 1 prints today (the body is cut
/// there, and `fetched_at` is the time of the run).
#[test]
fn the_readme_sample_record_is_what_extract_prints() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("```json\n{").expect("a JSON block") + "```json\n".len();
    let end = start + readme[start..].find("\n```").unwrap();
    let shown: serde_json::Value = serde_json::from_str(&readme[start..end]).unwrap();
    let url = shown["url"].as_str().unwrap();
    let printed: serde_json::Value = serde_json::from_str(&succeeds(tinstream().args([
        "extract",
        "--url",
        url,
        &fixture("tuoitre-article.html"),
    ])))
    .unwrap();
    let (Some(shown_fields), Some(printed_fields)) = (shown.as_object(), printed.as_object())
    else {
        panic!("objects");
    };
    assert_eq!(
        shown_fields.keys().collect::<Vec<_>>(),
        printed_fields.keys().collect::<Vec<_>>()
    );
    for (key, value) in shown_fields {
        match key.as_str() {
            "fetched_at" => {}
            "body" => {
                let cut = value.as_str().unwrap().trim_end_matches('…');
                assert!(printed[key].as_str().unwrap().starts_with(cut), "body");
            }
            _ => assert_eq!(&printed[key], value, "{key}"),
        }
    }
}

#[test]
fn run_once_exits_1_when_a_source_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let port = closed_port();
    let config = write(
        dir.path(),
        "c.toml",
        &format!(
            "[crawler]\nallow_private_networks = true\ndata_dir = \"{data}\"\n\
             [[sources]]\nkind = \"feed\"\nurl = \"http://127.0.0.1:{port}/rss.xml\"\n\
             [sink.jsonl]\npath = \"{data}/out.jsonl\"\ndead_letter_path = \"{data}/dead.jsonl\"\n",
            data = dir.path().join("data").display()
        ),
    );
    let (ok, _, err) = outcome(tinstream().args(["run", "--once", "-c"]).arg(&config));
    assert!(!ok, "{err}");
    assert!(
        err.contains("tinstream: the run ended with work left: 1 source(s) could not be read"),
        "{err}"
    );
}

#[test]
fn extract_says_why_a_url_could_not_be_fetched() {
    let url = format!("http://127.0.0.1:{}/bai.html", closed_port());
    // As the service does, extract refuses a loopback address unless told otherwise.
    let (ok, _, err) = outcome(tinstream().args(["extract", &url]));
    assert!(!ok);
    assert!(
        err.contains(
            "127.0.0.1, a loopback address: refused while crawler.allow_private_networks is false"
        ),
        "{err}"
    );
    let (ok, _, err) = outcome(tinstream().args(["extract", "--allow-private-networks", &url]));
    assert!(!ok);
    assert!(err.contains("Connection refused"), "{err}");
    assert!(err.contains("cannot connect"), "{err}");
    assert_eq!(err.matches(&url).count(), 1, "the URL named once: {err}");
}

#[test]
fn the_cluster_table_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    // Kafka mode with the file sink: the brokers would come from nowhere.
    let config = write(
        dir.path(),
        "cluster.toml",
        &format!("{ONE_SOURCE}[cluster]\nmode = \"kafka\"\nworker_id = \"w1\"\n"),
    );
    let (ok, _, err) = outcome(tinstream().args(["check-config", "-c"]).arg(&config));
    assert!(!ok);
    assert!(err.contains("needs the Kafka sink"), "{err}");
    assert!(err.contains("[sink] kind = \"kafka\""), "{err}");

    // With the Kafka sink, the worker's name comes from the environment; a missing one is
    // named with its variable.
    let config = write(
        dir.path(),
        "cluster.toml",
        &format!(
            "{ONE_SOURCE}[sink]\nkind = \"kafka\"\n[sink.kafka]\nbrokers = \"127.0.0.1:{}\"\n\
             [cluster]\nmode = \"kafka\"\npartitions = 12\n",
            closed_port()
        ),
    );
    let (ok, _, err) = outcome(tinstream().args(["check-config", "-c"]).arg(&config));
    assert!(!ok);
    assert!(err.contains("cluster.worker_id is required"), "{err}");
    assert!(err.contains("TINSTREAM__CLUSTER__WORKER_ID"), "{err}");
    let (ok, out, err) = outcome(
        tinstream()
            .args(["check-config", "-c"])
            .arg(&config)
            .env("TINSTREAM__CLUSTER__WORKER_ID", "worker-7"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("[cluster]"), "{out}");
    assert!(out.contains("worker_id = \"worker-7\""), "{out}");
    assert!(out.contains("partitions = 12"), "{out}");

    // Bad values name their key.
    let config = write(
        dir.path(),
        "cluster.toml",
        &format!("{ONE_SOURCE}[cluster]\npartitions = 0\n"),
    );
    let (ok, _, err) = outcome(tinstream().args(["check-config", "-c"]).arg(&config));
    assert!(!ok);
    assert!(
        err.contains("cluster.partitions must be between 1 and"),
        "{err}"
    );
}

#[test]
fn eval_scores_a_dataset_and_writes_each_page_s_record() {
    // A dataset of two pages in the layout of ../shared/datasets: the VnExpress article,
    // annotated with its own title and a wrong day, and a listing page.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("html")).unwrap();
    for (id, name) in [
        ("a1", "vnexpress-article.html"),
        ("l1", "listing-page.html"),
    ] {
        let gz = std::fs::File::create(dir.path().join(format!("html/{id}.html.gz"))).unwrap();
        let mut encoder = flate2::write::GzEncoder::new(gz, flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, &std::fs::read(fixture(name)).unwrap()).unwrap();
        encoder.finish().unwrap();
    }
    std::fs::write(
        dir.path().join("truth.jsonl"),
        "{\"id\": \"a1\", \"url\": \"https://vnexpress.net/gia-xang-giam-hon-1-000-dong-moi-lit-4397312.html\", \
         \"title\": \"Giá xăng giảm hơn 1.000 đồng mỗi lít\", \"published\": \"1999-01-01\"}\n\
         {\"id\": \"l1\", \"url\": \"https://vnexpress.net/kinh-doanh\"}\n",
    )
    .unwrap();
    let records = dir.path().join("records.jsonl");
    let report = succeeds(
        tinstream()
            .args(["eval", "-j", "1", "--worst", "5", "--records"])
            .arg(&records)
            .arg(dir.path()),
    );
    assert!(
        report.contains("| title exact match | 1.000 (1/1) |"),
        "{report}"
    );
    assert!(
        report.contains("| date accuracy | 0.000 (0/1) |"),
        "{report}"
    );
    assert!(
        report.contains("| pages judged not an article | 1 |"),
        "{report}"
    );
    assert!(
        report.contains("| a1 | 1999-01-01 |"),
        "the miss is listed: {report}"
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&records)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "one record per page");
    let by_id = |id: &str| lines.iter().find(|l| l["id"] == id).unwrap();
    assert_eq!(by_id("a1")["is_article"], true);
    assert_eq!(by_id("a1")["title"], "Giá xăng giảm hơn 1.000 đồng mỗi lít");
    assert_eq!(by_id("l1")["is_article"], false);
}

#[test]
fn extract_judges_a_page_as_its_source_would_list_it() {
    let dir = tempfile::tempdir().unwrap();
    // A photo story: one caption-long paragraph under its headline.
    let page = write(
        dir.path(),
        "anh.html",
        "<html lang=\"vi\"><head><title>Chợ nổi buổi sớm</title></head><body><h1>Chợ nổi buổi \
         sớm</h1><img src=\"/a.jpg\"><p>Sáng sớm, hàng trăm ghe thuyền tụ về chợ nổi, người bán \
         kẻ mua tấp nập trên sông, giữ nét sinh hoạt quen thuộc của miền Tây.</p></body></html>",
    );
    let page = page.display().to_string();
    let url = "https://bao.example.vn/anh/cho-noi-2001.html";
    let judged = |listed_as: &str| -> serde_json::Value {
        let out = succeeds(tinstream().args([
            "extract",
            "--force",
            "--url",
            url,
            "--listed-as",
            listed_as,
            &page,
        ]));
        serde_json::from_str(&out).unwrap()
    };
    let alone = judged("unknown");
    assert_eq!(
        (&alone["is_article"], &alone["verdict"]),
        (&false.into(), &"too little body".into())
    );
    let item = judged("article");
    assert_eq!(
        (&item["is_article"], &item["verdict"]),
        (&true.into(), &"listed as an article".into())
    );
    // Without --force, a refused page prints its reason, and the default is the page alone.
    let out = succeeds(tinstream().args(["extract", "--url", url, &page]));
    let refused: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(refused["reason"], "too little body");
}
