//! What a configuration can hold that is valid but most likely not what its author meant:
//! warnings for `check-config` and the service's start, and the one outcome that `run`
//! refuses outright (nothing to crawl).

use super::Config;
use std::path::Path;
use tinstream_sink::SinkKind;
use url::Host;

/// Why `run` refuses a configuration that the other commands accept: without sources the
/// service would run forever doing nothing.
pub fn refusal_for_run(config: &Config, file: &Path) -> Option<String> {
    if !config.sources.is_empty() {
        return None;
    }
    Some(format!(
        "{}: no [[sources]]: the service would have nothing to crawl. A configuration file is \
         complete in itself: it is not laid over config/default.toml, keys it leaves out take \
         their built-in defaults, and the built-in list of sources is empty. List the sources \
         in this file (config/default.toml has the Vietnamese sites).",
        file.display()
    ))
}

/// Warnings about `config`, read from `file` whose parsed text is `written` (to tell the
/// tables the author wrote from the defaults). Each names the key and what follows from it.
pub fn warnings(config: &Config, written: &toml::Value) -> Vec<String> {
    let mut out = Vec::new();
    let sites_dir = &config.parser.sites_dir;
    if !sites_dir.is_dir() {
        let resolved = if sites_dir.is_relative() {
            format!(
                " ({}: a relative path is taken from the working directory)",
                super::absolute(sites_dir).display()
            )
        } else {
            String::new()
        };
        out.push(format!(
            "parser.sites_dir {:?}{resolved} is not a folder: no site rules are loaded, and \
             pages of the sites that have rules are read by the generic extraction alone",
            sites_dir.display().to_string(),
        ));
    }
    if !config.crawler.allow_private_networks {
        for (i, source) in config.sources.iter().enumerate() {
            let listed = source
                .url
                .host_str()
                .is_some_and(|host| config.crawler.lists_private_host(host));
            if listed {
                continue;
            }
            if let Some(class) = private_host(source.url.host()) {
                out.push(format!(
                    "sources[{i}].url {} is on {class}: it will be refused while \
                     crawler.allow_private_networks is false",
                    source.url
                ));
            }
        }
    }
    let sink_tables: [(&str, SinkKind); 2] =
        [("jsonl", SinkKind::Jsonl), ("kafka", SinkKind::Kafka)];
    let written_sink = written.get("sink");
    for (table, kind) in sink_tables {
        if config.sink.kind != kind && written_sink.and_then(|s| s.get(table)).is_some() {
            out.push(format!(
                "[sink.{table}] is set but sink.kind is {:?}: its keys are not used",
                kind_name(config.sink.kind)
            ));
        }
    }
    out
}

fn kind_name(kind: SinkKind) -> &'static str {
    match kind {
        SinkKind::Jsonl => "jsonl",
        SinkKind::Kafka => "kafka",
    }
}

/// The kind of address a source's host is on, when the crawler refuses it by default: the
/// crawler's own classification for an address, and `localhost` names, which resolve to
/// loopback.
fn private_host(host: Option<Host<&str>>) -> Option<String> {
    let ip = match host? {
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            return (name == "localhost" || name.ends_with(".localhost"))
                .then(|| "a loopback name".to_string());
        }
        Host::Ipv4(ip) => std::net::IpAddr::V4(ip),
        Host::Ipv6(ip) => std::net::IpAddr::V6(ip),
    };
    tinstream_crawler::fetch::address_class(ip).map(|class| format!("a {class} address"))
}
