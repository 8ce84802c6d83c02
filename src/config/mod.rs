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

use figment::providers::Serialized;
use figment::Figment;

pub mod checks;
mod env;
mod interpolate;

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
    /// One process, or several workers sharing the crawl through Kafka.
    pub cluster: tinstream_engine::ClusterConfig,
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

/// A configuration with what is worth a warning in it.
pub struct Loaded {
    /// The configuration, valid.
    pub config: Config,
    /// Warnings (see [`checks::warnings`]), for the log or `check-config`.
    pub warnings: Vec<String>,
}

impl Config {
    /// Loads `path`, applies the environment overrides and validates the result.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Ok(Self::load_checked(path)?.config)
    }

    /// [`Config::load`], with the warnings the configuration deserves.
    pub fn load_checked(path: &Path) -> Result<Loaded, ConfigError> {
        Self::load_from(path, env::EnvOverrides::from_process(ENV_PREFIX), &|name| {
            std::env::var(name).ok()
        })
    }

    fn load_from(
        path: &Path,
        env: env::EnvOverrides,
        lookup: interpolate::Lookup<'_>,
    ) -> Result<Loaded, ConfigError> {
        let shown = path.display().to_string();
        let one = |message: String| ConfigError {
            messages: vec![message],
        };
        if !path.is_file() {
            return Err(one(missing_file(path)));
        }
        let text = std::fs::read_to_string(path).map_err(|e| one(format!("{shown}: {e}")))?;
        let mut written: toml::Value =
            toml::from_str(&text).map_err(|e| one(format!("{shown}: {e}")))?;
        let mut errors = Vec::new();
        interpolate::interpolate_tree(&mut written, &mut Vec::new(), lookup, &mut errors);
        if !errors.is_empty() {
            return Err(ConfigError {
                messages: errors.iter().map(|e| format!("{shown}: {e}")).collect(),
            });
        }
        let figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(Serialized::from(&written, figment::Profile::Default))
            .merge(env);
        let config: Config = figment.extract().map_err(|e| ConfigError {
            messages: e.into_iter().map(|e| describe(&e, &shown)).collect(),
        })?;
        config
            .validate()
            .map_err(|m| one(format!("{shown}: {m}")))?;
        let warnings = checks::warnings(&config, &written);
        Ok(Loaded { config, warnings })
    }

    /// The same configuration with every relative path made absolute from the working
    /// directory, as the service resolves them (`-` for standard output stays).
    pub fn with_absolute_paths(&self) -> Config {
        let mut c = self.clone();
        c.crawler.data_dir = absolute(&c.crawler.data_dir);
        c.parser.sites_dir = absolute(&c.parser.sites_dir);
        for path in [&mut c.sink.jsonl.path, &mut c.sink.jsonl.dead_letter_path] {
            if path.as_os_str() != "-" {
                *path = absolute(path);
            }
        }
        c.sink.spool.path = absolute(&c.sink.spool.path);
        c
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
        self.cluster.validate()?;
        if self.cluster.mode == tinstream_engine::ClusterMode::Kafka {
            if self.sink.kind != tinstream_sink::SinkKind::Kafka {
                return Err(
                    "cluster.mode = \"kafka\" needs the Kafka sink: set [sink] kind = \"kafka\" \
                     (the workers' brokers and security settings are those of [sink.kafka])"
                        .into(),
                );
            }
            for (key, topic) in [
                ("cluster.frontier_topic", &self.cluster.frontier_topic),
                ("cluster.state_topic", &self.cluster.state_topic),
            ] {
                if *topic == self.sink.kafka.topic || *topic == self.sink.kafka.dlq_topic {
                    return Err(format!(
                        "{key} {topic:?} is also a topic of [sink.kafka]: they must differ"
                    ));
                }
            }
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

/// `path` made absolute from the working directory (as it is when that cannot be read).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A configuration file that is not there, with where it was looked for.
fn missing_file(path: &Path) -> String {
    let shown = path.display();
    if path.is_absolute() {
        return format!("{shown}: no such configuration file; name another with -c/--config");
    }
    let cwd = std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|e| format!("(unreadable: {e})"));
    format!(
        "{shown}: no such configuration file (looked for {}; a relative path is taken from \
         the working directory, {cwd}); name the file with -c/--config",
        absolute(path).display()
    )
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
        load_path(&path, &[]).map(|l| l.config)
    }

    /// Loads `path` with `vars` as the whole environment.
    fn load_path(path: &Path, vars: &[(&str, &str)]) -> Result<Loaded, String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        Config::load_from(
            path,
            env::EnvOverrides::from_vars(ENV_PREFIX, vars.clone()),
            &lookup,
        )
        .map_err(|e| e.to_string())
    }

    /// Configuration-like text: lines of keys and values from the real tables, with
    /// `${…}` references, numbers, durations and broken quoting mixed in; or any text.
    fn config_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let line = prop_oneof![
            prop::sample::select(vec![
                "[crawler]",
                "[sink]",
                "[sink.kafka]",
                "[sink.jsonl]",
                "[[sources]]",
                "[sink.kafka.options]",
                "[parser]",
                "[service]",
                "[log]",
            ])
            .prop_map(str::to_string),
            (
                prop::sample::select(vec![
                    "kind",
                    "url",
                    "every",
                    "per_host_delay",
                    "concurrency",
                    "brokers",
                    "\"sasl.password\"",
                    "path",
                    "data_dir",
                    "max_body_bytes",
                    "listen",
                ]),
                prop::sample::select(vec![
                    "\"feed\"",
                    "\"https://ex.vn/rss\"",
                    "\"5m\"",
                    "\"${HOME}\"",
                    "\"${X:-y}\"",
                    "\"${file:/nonexistent}\"",
                    "\"$${\"",
                    "\"${\"",
                    "0",
                    "-1",
                    "1e400",
                    "true",
                    "[]",
                    "{}",
                    "\"",
                    "\"180d\"",
                    "\"-5s\"",
                    "18446744073709551616",
                ]),
            )
                .prop_map(|(k, v)| format!("{k} = {v}")),
            "[^\n]{0,20}",
        ];
        prop_oneof![
            prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n")),
            any::<String>(),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1500))]

        /// Whatever the file holds, loading it gives a configuration or an error naming
        /// the file, never a panic.
        #[test]
        fn any_file_loads_or_is_an_error_naming_it(text in config_text()) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("c.toml");
            std::fs::write(&path, &text).unwrap();
            if let Err(error) = load_path(&path, &[("HOME", "/root")]) {
                proptest::prop_assert!(error.contains("c.toml"), "{}", error);
            }
        }
    }

    /// Loads `toml` with `vars` as the whole environment.
    fn load_env(toml: &str, vars: &[(&str, &str)]) -> Result<Loaded, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, toml).unwrap();
        load_path(&path, vars)
    }

    #[test]
    fn librdkafka_settings_come_from_the_environment_whole() {
        let loaded = load_env(
            "[sink.kafka.options]\n\"linger.ms\" = 20\n",
            &[
                ("TINSTREAM__SINK__KAFKA__OPTIONS__SASL.PASSWORD", "p1"),
                ("TINSTREAM__SINK__KAFKA__OPTIONS__SASL_USERNAME", "u1"),
                ("TINSTREAM__SINK__KAFKA__TOPIC_CONFIG__RETENTION_MS", "1000"),
                ("TINSTREAM__CRAWLER__CONCURRENCY", "3"),
            ],
        )
        .unwrap();
        let kafka = &loaded.config.sink.kafka;
        assert_eq!(kafka.options["sasl.password"], "p1");
        assert_eq!(kafka.options["sasl.username"], "u1");
        assert_eq!(kafka.options["linger.ms"], "20");
        assert_eq!(kafka.topic_config["retention.ms"], "1000");
        assert_eq!(loaded.config.crawler.concurrency, 3);
    }

    #[test]
    fn the_environment_wins_over_the_file_and_errors_name_the_variable() {
        let toml = "[crawler]\nconcurrency = 5\n";
        let loaded = load_env(toml, &[("TINSTREAM__CRAWLER__CONCURRENCY", "2")]).unwrap();
        assert_eq!(loaded.config.crawler.concurrency, 2);
        let error = load_env(toml, &[("TINSTREAM__CRAWLER__CONCURRENCY", "many")])
            .err()
            .unwrap();
        assert!(
            error.contains("environment variable TINSTREAM__CRAWLER__CONCURRENCY"),
            "{error}"
        );
    }

    #[test]
    fn string_values_take_variables_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("password");
        std::fs::write(&secret, "from-file\n").unwrap();
        let toml = format!(
            "[sink.kafka]\nbrokers = \"${{BROKERS}}\"\n[sink.kafka.options]\n\
             \"sasl.password\" = \"${{file:{}}}\"\n\"sasl.username\" = \"${{USER_X:-tin}}\"\n",
            secret.display()
        );
        let loaded = load_env(&toml, &[("BROKERS", "k1:9092,k2:9092")]).unwrap();
        let kafka = &loaded.config.sink.kafka;
        assert_eq!(kafka.brokers, "k1:9092,k2:9092");
        assert_eq!(kafka.options["sasl.password"], "from-file");
        assert_eq!(kafka.options["sasl.username"], "tin");
        let error = load_env(&toml, &[]).err().unwrap();
        assert!(
            error.contains("c.toml: key `sink.kafka.brokers`"),
            "{error}"
        );
        assert!(error.contains("BROKERS is not set"), "{error}");
    }

    #[test]
    fn durations_print_as_written() {
        let loaded = load_env(
            "[crawler]\nstate_retention = \"180d\"\nper_host_delay = \"1500ms\"\n",
            &[],
        )
        .unwrap();
        let shown = loaded.config.to_masked_toml().unwrap();
        assert!(shown.contains("state_retention = \"180d\""), "{shown}");
        assert!(shown.contains("per_host_delay = \"1500ms\""), "{shown}");
        // And they read back as the same configuration.
        assert_eq!(load_env(&shown, &[]).unwrap().config, loaded.config);
    }

    #[test]
    fn a_relative_missing_file_says_from_where_and_how_to_name_another() {
        let error = load_path(Path::new("no/such/tinstream.toml"), &[])
            .err()
            .unwrap();
        let cwd = std::env::current_dir().unwrap();
        assert!(error.contains("no/such/tinstream.toml: no such configuration file"));
        assert!(error.contains(&cwd.display().to_string()), "{error}");
        assert!(error.contains("-c/--config"), "{error}");
    }

    #[test]
    fn no_sources_is_refused_for_run_only() {
        let config = load_str("").unwrap();
        let refusal = checks::refusal_for_run(&config, Path::new("c.toml")).unwrap();
        assert!(refusal.contains("no [[sources]]"), "{refusal}");
        assert!(
            refusal.contains("not laid over config/default.toml"),
            "{refusal}"
        );
        let one = load_str("[[sources]]\nkind = \"feed\"\nurl = \"https://x.vn/rss\"\n").unwrap();
        assert_eq!(checks::refusal_for_run(&one, Path::new("c.toml")), None);
    }

    #[test]
    fn suspicious_settings_are_warned_about() {
        let loaded = load_env(
            "[parser]\nsites_dir = \"/nonexistent/sites\"\n\
             [[sources]]\nkind = \"feed\"\nurl = \"http://127.0.0.1:8080/rss\"\n\
             [[sources]]\nkind = \"feed\"\nurl = \"http://localhost/rss\"\n\
             [[sources]]\nkind = \"feed\"\nurl = \"https://vnexpress.net/rss\"\n\
             [sink]\nkind = \"jsonl\"\n[sink.kafka]\nbrokers = \"k:9092\"\n",
            &[],
        )
        .unwrap();
        let w = loaded.warnings;
        assert_eq!(w.len(), 4, "{w:#?}");
        assert!(w[0].contains("parser.sites_dir") && w[0].contains("/nonexistent/sites"));
        assert!(w[1].contains("sources[0].url") && w[1].contains("allow_private_networks"));
        assert!(
            w[2].contains("sources[1].url http://localhost/rss"),
            "{}",
            w[2]
        );
        assert!(
            w[3].contains("[sink.kafka] is set but sink.kind is \"jsonl\""),
            "{}",
            w[3]
        );
        let allowed = load_env(
            "[crawler]\nallow_private_networks = true\n[parser]\nsites_dir = \".\"\n\
             [[sources]]\nkind = \"feed\"\nurl = \"http://127.0.0.1:8080/rss\"\n",
            &[],
        )
        .unwrap();
        assert!(allowed.warnings.is_empty(), "{:?}", allowed.warnings);
        let listed = load_env(
            "[crawler]\nprivate_hosts = [\"LocalHost\"]\n[parser]\nsites_dir = \".\"\n\
             [[sources]]\nkind = \"feed\"\nurl = \"http://localhost/rss\"\n\
             [[sources]]\nkind = \"feed\"\nurl = \"http://127.0.0.1:8080/rss\"\n",
            &[],
        )
        .unwrap();
        assert_eq!(listed.warnings.len(), 1, "{:?}", listed.warnings);
        assert!(
            listed.warnings[0].contains("sources[1].url"),
            "{:?}",
            listed.warnings
        );
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
        assert_eq!(
            err.to_string(),
            "/nonexistent/tinstream.toml: no such configuration file; name another with -c/--config"
        );
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
