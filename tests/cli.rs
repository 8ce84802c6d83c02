//! The command line: `check-config` and `extract` as a user runs them.

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
