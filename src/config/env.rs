//! `TINSTREAM__...` environment variables as overrides of configuration keys.
//!
//! `__` separates a key's parts (`TINSTREAM__SINK__KAFKA__BROKERS` is `sink.kafka.brokers`)
//! and names are taken in lower case. Values are read as TOML scalars would be: `4` is a
//! number, `true` a boolean, anything else text.
//!
//! Under the tables of librdkafka and topic settings (`sink.kafka.options`,
//! `sink.kafka.topic_config`, `sink.kafka.dlq_topic_config`) the rest of the name is one
//! setting, whose dots may be written as dots or as `_` (no librdkafka or topic setting has an
//! `_`): `TINSTREAM__SINK__KAFKA__OPTIONS__SASL_PASSWORD` and `…__SASL.PASSWORD` are both
//! `sasl.password`, and the value stays text. figment's own `Env` provider would split the
//! dotted name into nested tables, which is why this one exists.

use figment::value::{Dict, Map, Value};
use figment::{Error, Metadata, Profile, Provider};

/// The tables whose keys are librdkafka or topic settings.
const SETTING_TABLES: [&str; 3] = ["options", "topic_config", "dlq_topic_config"];

/// Overrides from `prefix`ed variables.
pub struct EnvOverrides {
    prefix: String,
    vars: Vec<(String, String)>,
}

impl EnvOverrides {
    /// The overrides of the process's environment.
    pub fn from_process(prefix: &str) -> Self {
        Self::from_vars(prefix, std::env::vars())
    }

    /// The overrides among `vars` (for tests).
    pub fn from_vars(prefix: &str, vars: impl IntoIterator<Item = (String, String)>) -> Self {
        EnvOverrides {
            prefix: prefix.to_string(),
            vars: vars.into_iter().collect(),
        }
    }

    /// The key path a variable stands for, or none when it is not one of ours.
    fn key_path(&self, name: &str) -> Option<Vec<String>> {
        let rest = name.strip_prefix(&self.prefix)?;
        let parts: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
        if parts.iter().any(String::is_empty) {
            return None;
        }
        match parts.as_slice() {
            [sink, kafka, table, setting @ ..]
                if sink == "sink"
                    && kafka == "kafka"
                    && SETTING_TABLES.contains(&table.as_str())
                    && !setting.is_empty() =>
            {
                let setting = setting.join(".").replace('_', ".");
                Some(vec![sink.clone(), kafka.clone(), table.clone(), setting])
            }
            _ => Some(parts),
        }
    }
}

impl Provider for EnvOverrides {
    fn metadata(&self) -> Metadata {
        // `describe` in the parent module names the variable when an error comes from here.
        Metadata::named("environment variable")
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        let mut root = Dict::new();
        for (name, raw) in &self.vars {
            let Some(path) = self.key_path(name) else {
                continue;
            };
            let is_setting = path.len() == 4 && SETTING_TABLES.contains(&path[2].as_str());
            let value = if is_setting {
                Value::from(raw.clone())
            } else {
                raw.parse().unwrap_or_else(|never| match never {})
            };
            insert(&mut root, &path, value);
        }
        Ok(Profile::Default.collect(root))
    }
}

/// Sets `path` in `dict` to `value`, making the tables on the way.
fn insert(dict: &mut Dict, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut table = dict;
    for part in parents {
        let entry = table
            .entry(part.clone())
            .or_insert_with(|| Value::from(Dict::new()));
        if !matches!(entry, Value::Dict(..)) {
            *entry = Value::from(Dict::new());
        }
        let Value::Dict(_, inner) = entry else {
            return;
        };
        table = inner;
    }
    table.insert(last.clone(), value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(names: &[&str]) -> Vec<Option<String>> {
        let env = EnvOverrides::from_vars("T__", []);
        names
            .iter()
            .map(|n| env.key_path(n).map(|p| p.join("|")))
            .collect()
    }

    #[test]
    fn names_become_key_paths() {
        assert_eq!(
            paths(&[
                "T__SINK__KAFKA__BROKERS",
                "T__CRAWLER__PER_HOST_DELAY",
                "T__SINK__KAFKA__OPTIONS__SASL_PASSWORD",
                "T__SINK__KAFKA__OPTIONS__SASL.PASSWORD",
                "T__SINK__KAFKA__TOPIC_CONFIG__MIN_INSYNC_REPLICAS",
                "T__SINK__KAFKA__OPTIONS",
                "OTHER__SINK",
                "T__SINK____KIND",
            ]),
            [
                Some("sink|kafka|brokers".into()),
                Some("crawler|per_host_delay".into()),
                Some("sink|kafka|options|sasl.password".into()),
                Some("sink|kafka|options|sasl.password".into()),
                Some("sink|kafka|topic_config|min.insync.replicas".into()),
                Some("sink|kafka|options".into()),
                None,
                None,
            ]
        );
    }
}
