//! A downstream consumer of tinstream's topic: reads the records with a consumer group,
//! drops redeliveries by `id` and `content_hash`, and prints one line per new or updated
//! article. Offsets are committed only after a record is handled, so that a crash of the
//! consumer re-reads rather than skips.
//!
//! ```sh
//! cargo run --example consumer -- 127.0.0.1:9092 tinstream.articles my-group
//! ```
//!
//! A real consumer would store the article where the `println!` is.

use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::ClientConfig;
use tinstream_model::dedup::{Seen, Verdict};
use tinstream_model::Article;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let brokers = args.next().unwrap_or_else(|| "127.0.0.1:9092".into());
    let topic = args.next().unwrap_or_else(|| "tinstream.articles".into());
    let group = args.next().unwrap_or_else(|| "tinstream-example".into());

    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &brokers)
        .set("group.id", &group)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()?;
    consumer.subscribe(&[&topic])?;
    // Redeliveries come from the producer's crash window, so a few thousand ids suffice.
    let mut seen = Seen::new(100_000);
    loop {
        let message = consumer.recv().await?;
        match message.payload().map(serde_json::from_slice::<Article>) {
            Some(Ok(article)) => match seen.check(&article.id, &article.content_hash) {
                Verdict::New => println!("new      {} {}", article.id, article.title),
                Verdict::Updated => println!("updated  {} {}", article.id, article.title),
                Verdict::Duplicate => {}
            },
            Some(Err(error)) => eprintln!(
                "partition {} offset {}: not a record: {error}",
                message.partition(),
                message.offset()
            ),
            None => {}
        }
        consumer.commit_message(&message, CommitMode::Async)?;
    }
}
