//! The service configuration: one TOML file, overridden by `TINSTREAM__...` environment
//! variables, checked as a whole before anything starts.
//!
//! Each component owns the struct of its table and its defaults (`CrawlerConfig`,
//! `ParserOptions`, `SinkConfig`); this module only assembles them and reports errors with the
//! file and the key.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use tinstream_crawler::{CrawlerConfig, SourceConfig};
use tinstream_parser::ParserOptions;
use tinstream_sink::SinkConfig;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;

/// The file used when no `--config` is given.
pub const DEFAULT_CONFIG_PATH: &str = "config/default.toml";
/// Prefix of environment variables that override keys; `__` separates the key's parts, as in
/// `TINSTREAM__SINK__KAFKA__BROKERS`.
pub const ENV_PREFIX: &str = "TINSTREAM__";

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Fetching and politeness.
    pub crawler: CrawlerConfig,
    /// What to crawl.
    pub sources: Vec<SourceConfig>,
    /// Extraction.
    pub parser: ParserOptions,
    /// Where records go.
    pub sink: SinkConfig,
    /// Logging.
    pub log: LogConfig,
    /// The service's HTTP endpoints.
    pub service: ServiceConfig,
}

/// The `[service]` table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceConfig {
    /// Address of the HTTP endpoints `/healthz`, `/readyz` and `/metrics`, such as
    /// `127.0.0.1:9464`; none when absent. Port 0 picks a free port (logged at start).
    pub listen: Option<std::net::SocketAddr>,
}

/// The `[log]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `auto` (readable text on a terminal, JSON otherwise), `text` or `json`.
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `info,tinstream_crawler=debug`; `RUST_LOG` wins.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Auto,
            level: "info".into(),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Text on a terminal, JSON otherwise.
    Auto,
    /// Human-readable text.
    Text,
    /// One JSON object per line.
    Json,
}

/// A configuration that cannot be used, with where the problem is.
#[derive(Debug)]
pub struct ConfigError {
    messages: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.messages.join("\n"))
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Loads `path`, applies the environment overrides and validates the result.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Self::load_with_env(path, Env::prefixed(ENV_PREFIX).split("__"))
    }

    fn load_with_env(path: &Path, env: Env) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        if !path.is_file() {
            return Err(ConfigError {
                messages: vec![format!("{shown}: no such configuration file")],
            });
        }
        let figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(path))
            .merge(env);
        let config: Config = figment.extract().map_err(|e| ConfigError {
            messages: e.into_iter().map(|e| describe(&e, &shown)).collect(),
        })?;
        config.validate().map_err(|m| ConfigError {
            messages: vec![format!("{shown}: {m}")],
        })?;
        Ok(config)
    }

    /// Checks what the types cannot: ranges, required keys of the chosen sink, source URLs.
    pub fn validate(&self) -> Result<(), String> {
        self.crawler.validate()?;
        for (i, source) in self.sources.iter().enumerate() {
            source.validate(i)?;
        }
        self.sink.validate()?;
        if self.parser.max_page_bytes == 0 {
            return Err("parser.max_page_bytes must be at least 1".into());
        }
        Ok(())
    }

    /// The configuration as TOML, with secrets in `sink.kafka.options` masked.
    pub fn to_masked_toml(&self) -> Result<String, toml::ser::Error> {
        let mut shown = self.clone();
        for (key, value) in shown.sink.kafka.options.iter_mut() {
            if is_secret(key) {
                *value = "********".into();
            }
        }
        toml::to_string_pretty(&shown)
    }
}

/// Loads the per-site rules of `dir` (every `*.toml` in it, in name order). A folder that does
/// not exist gives no rules; a file that cannot be read or compiled is an error naming the file
/// and the key.
pub fn load_site_rules(dir: &Path) -> Result<tinstream_parser::SiteRules, ConfigError> {
    use tinstream_parser::{SiteRule, SiteRuleConfig, SiteRules};
    let error = |message: String| ConfigError {
        messages: vec![message],
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SiteRules::default()),
        Err(e) => return Err(error(format!("{}: {e}", dir.display()))),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut rules = Vec::new();
    for file in files {
        let shown = file.display().to_string();
        let text = std::fs::read_to_string(&file).map_err(|e| error(format!("{shown}: {e}")))?;
        let config: SiteRuleConfig =
            toml::from_str(&text).map_err(|e| error(format!("{shown}: {e}")))?;
        rules.push(SiteRule::compile(&config).map_err(|e| error(format!("{shown}: {e}")))?);
    }
    Ok(SiteRules::new(rules))
}

/// The parser the `[parser]` table describes, with the site rules of its `sites_dir`.
pub fn parser(
    options: &tinstream_parser::ParserOptions,
) -> Result<tinstream_parser::Parser, ConfigError> {
    Ok(tinstream_parser::Parser::new(options).with_sites(load_site_rules(&options.sites_dir)?))
}

/// librdkafka keys that hold secrets.
pub fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("password") || k.contains("secret") || k.contains("token") || k.ends_with(".key.pem")
}

/// One figment error as "file: key a.b.c: problem", naming the environment variable when the
/// value came from one.
fn describe(error: &figment::Error, file: &str) -> String {
    let key = error.path.join(".");
    let origin = match error.metadata.as_ref() {
        Some(m) if m.name.contains("environment") => {
            format!(
                "environment variable {ENV_PREFIX}{}",
                key.to_uppercase().replace('.', "__")
            )
        }
        _ => file.to_string(),
    };
    if key.is_empty() {
        format!("{origin}: {}", error.kind)
    } else {
        format!("{origin}: key `{key}`: {}", error.kind)
    }
}

/// The path to use: the one given, or the default.
pub fn path_or_default(path: Option<PathBuf>) -> PathBuf {
    path.unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_PATH))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(toml: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, toml).unwrap();
        Config::load_with_env(&path, Env::prefixed("TINSTREAM_TEST_UNUSED__"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(load_str("").unwrap(), Config::default());
    }

    #[test]
    fn unknown_key_is_named() {
        let err = load_str("[crawler]\nconcurrenc = 3\n").unwrap_err();
        assert!(err.contains("concurrenc"), "{err}");
        assert!(err.contains("c.toml"), "{err}");
    }

    #[test]
    fn wrong_type_is_named() {
        let err = load_str("[crawler]\nconcurrency = \"many\"\n").unwrap_err();
        assert!(err.contains("crawler.concurrency"), "{err}");
    }

    #[test]
    fn bad_values_are_named() {
        let err = load_str("[crawler]\nconcurrency = 0\n").unwrap_err();
        assert!(
            err.contains("crawler.concurrency must be at least 1"),
            "{err}"
        );
        let err = load_str("[[sources]]\nkind = \"feed\"\nurl = \"ftp://x.vn/rss\"\n").unwrap_err();
        assert!(err.contains("sources[0].url"), "{err}");
        let err =
            load_str("[[sources]]\nkind = \"magazine\"\nurl = \"https://x.vn/\"\n").unwrap_err();
        assert!(err.contains("magazine"), "{err}");
        let err = load_str("[crawler]\nper_host_delay = \"soon\"\n").unwrap_err();
        assert!(err.contains("crawler.per_host_delay"), "{err}");
    }

    #[test]
    fn missing_file_is_named() {
        let err = Config::load(Path::new("/nonexistent/tinstream.toml")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/tinstream.toml"));
    }

    #[test]
    fn secrets_are_masked() {
        let mut c = Config::default();
        c.sink
            .kafka
            .options
            .insert("sasl.password".into(), "hunter2".into());
        let shown = c.to_masked_toml().unwrap();
        assert!(!shown.contains("hunter2"));
        assert!(shown.contains("sasl.password"));
    }
}
