//! `tinstream tail`: reads the records topic (or the dead-letter topic) and prints what
//! arrives, readable by default or as JSON lines, so that an operator can see what the
//! service publishes without other Kafka tools.

use crate::config::Config;
use anyhow::Context as _;
use futures::StreamExt;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::ClientConfig;
use serde_json::Value;
use std::io::Write;

/// What `tail` was asked for.
pub struct TailOptions {
    /// Start at the oldest record instead of the next new one.
    pub from_beginning: bool,
    /// Print each record as one JSON line.
    pub json: bool,
    /// Stop after this many records.
    pub count: Option<u64>,
    /// Read the dead-letter topic instead.
    pub dead_letters: bool,
}

/// Connection settings that a consumer shares with the producer: brokers and security.
/// Producer-only settings (`linger.ms`, `compression.type`, …) are left out.
fn consumer_config(config: &Config) -> ClientConfig {
    let kafka = &config.sink.kafka;
    let mut client = ClientConfig::new();
    for (key, value) in &kafka.options {
        let shared = [
            "security.",
            "sasl.",
            "ssl.",
            "socket.",
            "client.",
            "broker.",
        ]
        .iter()
        .any(|prefix| key.starts_with(prefix));
        if shared {
            client.set(key, value);
        }
    }
    client.set("bootstrap.servers", &kafka.brokers);
    client
}

/// Prints records until `count` is reached or the user interrupts.
pub async fn main(config: &Config, options: TailOptions) -> anyhow::Result<()> {
    let topic = if options.dead_letters {
        &config.sink.kafka.dlq_topic
    } else {
        &config.sink.kafka.topic
    };
    // A group of its own, committing nothing: tailing never moves a real consumer's offsets.
    let group = format!("tinstream-tail-{}", std::process::id());
    let consumer: StreamConsumer = consumer_config(config)
        .set("group.id", &group)
        .set("enable.auto.commit", "false")
        .set(
            "auto.offset.reset",
            if options.from_beginning {
                "earliest"
            } else {
                "latest"
            },
        )
        .create()
        .context("cannot create the Kafka consumer")?;
    consumer
        .subscribe(&[topic])
        .with_context(|| format!("cannot subscribe to {topic:?}"))?;
    eprintln!(
        "tail: reading {topic} on {}{}",
        config.sink.kafka.brokers,
        if options.from_beginning {
            " from the beginning"
        } else {
            ""
        }
    );
    let mut stream = consumer.stream();
    let mut printed = 0u64;
    let stdout = std::io::stdout();
    loop {
        if options.count.is_some_and(|count| printed >= count) {
            return Ok(());
        }
        let message = tokio::select! {
            message = stream.next() => message,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let Some(message) = message else {
            return Ok(());
        };
        let message = match message {
            Ok(message) => message,
            Err(error) => {
                eprintln!("tail: {error}");
                continue;
            }
        };
        let payload = message.payload().unwrap_or_default();
        let mut out = stdout.lock();
        if options.json {
            out.write_all(payload)?;
            out.write_all(b"\n")?;
        } else {
            match serde_json::from_slice::<Value>(payload) {
                Ok(value) if options.dead_letters => write!(out, "{}", pretty_letter(&value))?,
                Ok(value) => write!(out, "{}", pretty_record(&value))?,
                Err(error) => writeln!(
                    out,
                    "(offset {} of partition {}: not JSON: {error})",
                    message.offset(),
                    message.partition()
                )?,
            }
        }
        out.flush()?;
        printed += 1;
    }
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Cuts `s` to about `max` characters, at a character boundary.
fn excerpt(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_string(),
    }
}

/// A record as a few readable lines.
fn pretty_record(record: &Value) -> String {
    let mut lines = Vec::new();
    let when = match text(record, "published_at") {
        "" => "no date".to_string(),
        date => date.to_string(),
    };
    lines.push(format!(
        "── {when} · {} · {}",
        text(record, "site"),
        text(record, "language")
    ));
    lines.push(text(record, "title").to_string());
    lines.push(text(record, "url").to_string());
    let lead = text(record, "lead");
    if !lead.is_empty() {
        lines.push(excerpt(lead, 300));
    }
    let first_paragraph = text(record, "body").split("\n\n").next().unwrap_or("");
    lines.push(excerpt(first_paragraph, 300));
    let authors: Vec<&str> = record
        .get("authors")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut credits = Vec::new();
    if !authors.is_empty() {
        credits.push(format!("by {}", authors.join(", ")));
    }
    if let Some(agency) = record.get("source_agency").and_then(Value::as_str) {
        credits.push(format!("agency {agency}"));
    }
    credits.push(format!(
        "{} words",
        record
            .get("word_count")
            .and_then(Value::as_u64)
            .unwrap_or(0)
    ));
    credits.push(format!("id {}", text(record, "id")));
    lines.push(credits.join(" · "));
    lines.join("\n") + "\n\n"
}

/// A dead letter as one line.
fn pretty_letter(letter: &Value) -> String {
    format!(
        "{} [{}] {}: {}\n",
        text(letter, "at"),
        text(letter, "stage"),
        text(letter, "url"),
        text(letter, "reason")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_as_a_few_lines() {
        let record = serde_json::json!({
            "id": "abc", "site": "bao.example.vn", "language": "vi",
            "published_at": "2021-12-01T14:35:00+07:00", "title": "Tiêu đề",
            "url": "https://bao.example.vn/a.html", "lead": null,
            "body": "Đoạn một.\n\nĐoạn hai.", "authors": ["Minh Anh"],
            "source_agency": "TTXVN", "word_count": 4
        });
        assert_eq!(
            pretty_record(&record),
            "── 2021-12-01T14:35:00+07:00 · bao.example.vn · vi\nTiêu đề\nhttps://bao.example.vn/a.html\nĐoạn một.\nby Minh Anh · agency TTXVN · 4 words · id abc\n\n"
        );
    }

    #[test]
    fn excerpts_cut_at_characters() {
        assert_eq!(excerpt("Hà Nội", 2), "Hà…");
        assert_eq!(excerpt("Hà", 5), "Hà");
    }

    #[test]
    fn producer_only_settings_stay_out_of_the_consumer() {
        let mut config = Config::default();
        for (k, v) in [
            ("linger.ms", "20"),
            ("sasl.username", "u"),
            ("security.protocol", "SASL_SSL"),
        ] {
            config.sink.kafka.options.insert(k.into(), v.into());
        }
        let client = consumer_config(&config);
        assert_eq!(client.get("linger.ms"), None);
        assert_eq!(client.get("sasl.username"), Some("u"));
        assert_eq!(client.get("security.protocol"), Some("SASL_SSL"));
    }
}
