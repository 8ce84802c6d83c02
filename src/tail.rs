//! `tinstream tail`: reads the records topic (or the dead-letter topic) and prints what
//! arrives, readable by default or as JSON lines, so that an operator can see what the
//! service publishes without other Kafka tools.

use crate::config::Config;
use anyhow::{bail, Context as _};
use futures::StreamExt;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use serde_json::Value;
use std::io::Write;
use std::time::{Duration, Instant};
use tinstream_sink::{QuietContext, Signals, SinkKind};

/// Where reading starts in each partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAt {
    /// The oldest record kept.
    Beginning,
    /// The next new record.
    End,
    /// This offset (or the oldest kept, when it is older).
    Offset(i64),
}

/// `-o/--offset`: `beginning`, `end` or a non-negative number.
pub fn parse_offset(text: &str) -> Result<StartAt, String> {
    match text {
        "beginning" => Ok(StartAt::Beginning),
        "end" => Ok(StartAt::End),
        n => match n.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(StartAt::Offset(n)),
            _ => Err(format!(
                "{n:?} is not beginning, end or an offset (0 or more)"
            )),
        },
    }
}

/// What `tail` was asked for.
pub struct TailOptions {
    /// `-b`: brokers instead of the configuration's.
    pub brokers: Option<String>,
    /// `-t`: topic instead of the configuration's.
    pub topic: Option<String>,
    /// `-o`: where to start.
    pub start: StartAt,
    /// Print each record as one JSON line.
    pub json: bool,
    /// Stop after this many records.
    pub count: Option<u64>,
    /// Read the dead-letter topic instead.
    pub dead_letters: bool,
    /// Fail when no broker answers within this long (at start, or while reading).
    pub timeout: Duration,
}

/// Connection settings that a consumer shares with the producer: brokers and security.
/// Producer-only settings (`linger.ms`, `compression.type`, …) are left out.
fn consumer_config(config: Option<&Config>, brokers: &str) -> ClientConfig {
    let mut client = ClientConfig::new();
    let options = config.map(|c| &c.sink.kafka.options).into_iter().flatten();
    for (key, value) in options {
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
    client.set("bootstrap.servers", brokers);
    client
}

/// The brokers and topic to read: the command line's, else the configuration's Kafka sink.
/// A configuration whose sink is not Kafka has no topic to read, and says where its records
/// are instead.
fn target(config: Option<&Config>, options: &TailOptions) -> anyhow::Result<(String, String)> {
    let defaults = tinstream_sink::KafkaConfig::default();
    let kafka = config.map_or(&defaults, |c| &c.sink.kafka);
    if let Some(config) = config.filter(|c| c.sink.kind != SinkKind::Kafka) {
        if options.brokers.is_none() {
            let jsonl = &config.sink.jsonl;
            bail!(
                "the configuration's sink is not Kafka (sink.kind = \"jsonl\"): its records are in \
                 {} and its dead letters in {}; to read a Kafka topic all the same, name the \
                 brokers with -b/--brokers",
                crate::config::absolute(&jsonl.path).display(),
                crate::config::absolute(&jsonl.dead_letter_path).display()
            );
        }
    }
    let brokers = options
        .brokers
        .clone()
        .unwrap_or_else(|| kafka.brokers.clone());
    let topic = options.topic.clone().unwrap_or_else(|| {
        if options.dead_letters {
            kafka.dlq_topic.clone()
        } else {
            kafka.topic.clone()
        }
    });
    Ok((brokers, topic))
}

/// The partitions of `topic`, asked of the brokers within `timeout`.
async fn partitions(
    consumer: &std::sync::Arc<StreamConsumer<QuietContext>>,
    signals: &Signals,
    brokers: &str,
    topic: &str,
    timeout: Duration,
) -> anyhow::Result<Vec<i32>> {
    let asking = consumer.clone();
    let name = topic.to_string();
    // A blocking librdkafka call: off the async workers.
    let fetch = tokio::task::spawn_blocking(move || asking.fetch_metadata(Some(&name), timeout));
    tokio::pin!(fetch);
    let metadata = loop {
        tokio::select! {
            metadata = &mut fetch => break metadata.context("asking the brokers panicked")?,
            // Meanwhile the consumer's queue is served: a consumer hands over its logs and
            // errors (a refused connection among them) only when polled. Nothing is assigned
            // yet, so no record is taken here.
            _ = consumer.recv() => {}
            // A refusal will not pass: say it now rather than at the timeout.
            refusal = signals.refused() => bail!("Kafka brokers {brokers}: {refusal}"),
        }
    };
    // Brokers that answered and refused (credentials, certificates, ACLs) are not "no answer".
    let metadata = match (metadata, signals.refusal()) {
        (Ok(metadata), _) => metadata,
        (Err(_), Some(refusal)) => bail!("Kafka brokers {brokers}: {refusal}"),
        (Err(error), None) => {
            return Err(error).with_context(|| {
                format!(
                    "no broker answered at {brokers} within {}",
                    tinstream_model::duration::format(timeout)
                )
            })
        }
    };
    let Some(found) = metadata.topics().iter().find(|t| t.name() == topic) else {
        bail!("the brokers at {brokers} did not describe topic {topic:?}");
    };
    if let Some(error) = found.error() {
        bail!(
            "topic {topic:?} on {brokers}: {}",
            rdkafka::error::RDKafkaErrorCode::from(error)
        );
    }
    let ids: Vec<i32> = found.partitions().iter().map(|p| p.id()).collect();
    if ids.is_empty() {
        bail!("topic {topic:?} on {brokers} has no partitions");
    }
    Ok(ids)
}

/// Prints records until `count` is reached or the user interrupts.
pub async fn main(config: Option<&Config>, options: TailOptions) -> anyhow::Result<()> {
    let (brokers, topic) = target(config, &options)?;
    // A group of its own, committing nothing: tailing never moves a real consumer's offsets.
    let group = format!("tinstream-tail-{}", std::process::id());
    let context = QuietContext::default();
    let signals = context.signals();
    let consumer: StreamConsumer<QuietContext> = consumer_config(config, &brokers)
        .set("group.id", &group)
        .set("enable.auto.commit", "false")
        .create_with_context(context)
        .context("cannot create the Kafka consumer")?;
    let consumer = std::sync::Arc::new(consumer);
    let ids = partitions(&consumer, &signals, &brokers, &topic, options.timeout).await?;
    let offset = match options.start {
        StartAt::Beginning => Offset::Beginning,
        StartAt::End => Offset::End,
        StartAt::Offset(n) => Offset::Offset(n),
    };
    let mut assignment = TopicPartitionList::new();
    for id in &ids {
        assignment
            .add_partition_offset(&topic, *id, offset)
            .with_context(|| format!("cannot start partition {id} of {topic:?}"))?;
    }
    consumer
        .assign(&assignment)
        .with_context(|| format!("cannot read {topic:?}"))?;
    let from = match options.start {
        StartAt::Beginning => " from the beginning".to_string(),
        StartAt::End => String::new(),
        StartAt::Offset(n) => format!(" from offset {n}"),
    };
    eprintln!(
        "tail: reading {topic} ({} partitions) on {brokers}{from}",
        ids.len()
    );
    let mut stream = consumer.stream();
    let mut printed = 0u64;
    // Errors are printed once each until a record arrives; one that lasts longer than the
    // timeout ends the command.
    let mut failing: Option<(Instant, String)> = None;
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
            Ok(message) => {
                failing = None;
                message
            }
            Err(error) => {
                let error = error.to_string();
                match &failing {
                    Some((since, _)) if since.elapsed() > options.timeout => {
                        bail!("reading {topic:?} on {brokers}: {error}")
                    }
                    Some((_, last)) if *last == error => {}
                    _ => eprintln!("tail: {error}"),
                }
                let since = failing.map_or_else(Instant::now, |(since, _)| since);
                failing = Some((since, error));
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
        let client = consumer_config(Some(&config), "k:9092");
        assert_eq!(client.get("linger.ms"), None);
        assert_eq!(client.get("sasl.username"), Some("u"));
        assert_eq!(client.get("security.protocol"), Some("SASL_SSL"));
        assert_eq!(client.get("bootstrap.servers"), Some("k:9092"));
    }

    #[test]
    fn offsets_are_read_as_kcat_reads_them() {
        assert_eq!(parse_offset("beginning"), Ok(StartAt::Beginning));
        assert_eq!(parse_offset("end"), Ok(StartAt::End));
        assert_eq!(parse_offset("42"), Ok(StartAt::Offset(42)));
        assert!(parse_offset("-1").is_err());
        assert!(parse_offset("start").unwrap_err().contains("\"start\""));
    }
}
