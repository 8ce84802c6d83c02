//! `tinstream ingest-warc` on a WARC file written here the way Common Crawl's CC-NEWS writes
//! them: one gzip member per record, request and response records, responses of every kind.

mod support;

use std::io::Write;
use support::site::{paragraphs, template};
use warc::{RecordBuilder, RecordType, WarcHeader, WarcWriter};

fn record(kind: RecordType, uri: &str, date: &str, body: Vec<u8>) -> Vec<u8> {
    let record = RecordBuilder::default()
        .warc_type(kind)
        .header(WarcHeader::TargetURI, uri)
        .date(date.parse().unwrap())
        .body(body)
        .build()
        .unwrap();
    let mut plain = WarcWriter::new(std::io::BufWriter::new(Vec::new()));
    plain.write(&record).unwrap();
    let plain = plain.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    gz.finish().unwrap()
}

fn http(head: &str, body: &[u8]) -> Vec<u8> {
    let mut out = head.replace('\n', "\r\n").into_bytes();
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

#[test]
fn ingest_warc_delivers_the_articles_of_an_archive() {
    let dir = tempfile::tempdir().unwrap();
    let first = paragraphs("phòng chống thiên tai");
    let second = paragraphs("giáo dục nghề nghiệp");
    let article = |title: &str, p: &[String]| {
        template(title, "Thứ Hai, 06/12/2021 - 09:15", p, "").into_bytes()
    };
    let chunked = {
        let page = article("Đổi mới giáo dục nghề nghiệp", &second);
        let (a, b) = page.split_at(page.len() / 2);
        let mut out = Vec::new();
        for part in [a, b] {
            out.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            out.extend_from_slice(part);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
        out
    };
    let date = "2021-12-06T02:20:00Z";
    let mut archive = Vec::new();
    for part in [
        record(
            RecordType::WarcInfo,
            "",
            date,
            b"software: test\r\n".to_vec(),
        ),
        record(
            RecordType::Request,
            "https://bao.example.vn/thoi-su/phong-chong-thien-tai-101.html",
            date,
            b"GET /thoi-su/phong-chong-thien-tai-101.html HTTP/1.1\r\nHost: bao.example.vn\r\n\r\n"
                .to_vec(),
        ),
        record(
            RecordType::Response,
            "https://bao.example.vn/thoi-su/phong-chong-thien-tai-101.html",
            date,
            http(
                "HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\n",
                &article("Chủ động phòng chống thiên tai mùa mưa lũ", &first),
            ),
        ),
        record(
            RecordType::Response,
            "https://bao.example.vn/giao-duc/giao-duc-nghe-nghiep-102.html",
            date,
            http(
                "HTTP/1.1 200 OK\nContent-Type: text/html\nTransfer-Encoding: chunked\n",
                &chunked,
            ),
        ),
        record(
            RecordType::Response,
            "https://bao.example.vn/anh/1.jpg",
            date,
            http(
                "HTTP/1.1 200 OK\nContent-Type: image/jpeg\n",
                b"\xff\xd8\xff",
            ),
        ),
        record(
            RecordType::Response,
            "https://bao.example.vn/khong-co.html",
            date,
            http(
                "HTTP/1.1 404 Not Found\nContent-Type: text/html\n",
                b"<p>404</p>",
            ),
        ),
        record(
            RecordType::Response,
            "https://bao.example.vn/rong.html",
            date,
            http("HTTP/1.1 200 OK\nContent-Type: text/html\n", b""),
        ),
    ] {
        archive.extend(part);
    }
    let warc_path = dir.path().join("CC-NEWS-20211206.warc.gz");
    std::fs::write(&warc_path, archive).unwrap();
    let out = dir.path().join("articles.jsonl");
    let dead = dir.path().join("dead.jsonl");
    let config = dir.path().join("tinstream.toml");
    std::fs::write(
        &config,
        format!(
            "[sink]\nkind = \"jsonl\"\n[sink.jsonl]\npath = \"{}\"\ndead_letter_path = \"{}\"\n",
            out.display(),
            dead.display()
        ),
    )
    .unwrap();

    let run = std::process::Command::new(env!("CARGO_BIN_EXE_tinstream"))
        .args(["ingest-warc", "--config"])
        .arg(&config)
        .arg(&warc_path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("7 WARC records, 3 HTML responses (2 other responses skipped): 2 records delivered, 0 not articles, 1 dead letters"),
        "{stderr}"
    );
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_url = |url: &str| {
        records
            .iter()
            .find(|r| r["url"] == url)
            .unwrap_or_else(|| panic!("{url} missing: {records:#?}"))
    };
    let a = by_url("https://bao.example.vn/thoi-su/phong-chong-thien-tai-101.html");
    assert_eq!(a["title"], "Chủ động phòng chống thiên tai mùa mưa lũ");
    assert_eq!(a["body"], first.join("\n\n"));
    assert_eq!(a["published_at"], "2021-12-06T09:15:00+07:00");
    // The archive's capture time, not the time of the backfill.
    assert_eq!(a["fetched_at"], "2021-12-06T02:20:00Z");
    let b = by_url("https://bao.example.vn/giao-duc/giao-duc-nghe-nghiep-102.html");
    assert_eq!(b["title"], "Đổi mới giáo dục nghề nghiệp");
    assert_eq!(b["body"], second.join("\n\n"));
    let letters = std::fs::read_to_string(&dead).unwrap();
    let letter: serde_json::Value = serde_json::from_str(letters.trim()).unwrap();
    assert_eq!(letter["url"], "https://bao.example.vn/rong.html");
    assert_eq!(letter["stage"], "parse");
}

#[test]
fn a_missing_warc_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tinstream.toml");
    std::fs::write(
        &config,
        format!(
            "[sink.jsonl]\npath = \"{}\"\n",
            dir.path().join("a.jsonl").display()
        ),
    )
    .unwrap();
    let missing = dir.path().join("nope.warc.gz");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_tinstream"))
        .args(["ingest-warc", "--config"])
        .arg(&config)
        .arg(&missing)
        .output()
        .unwrap();
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("nope.warc.gz: cannot open"), "{stderr}");
    assert!(!missing.exists(), "the missing file was created");
}
