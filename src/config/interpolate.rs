//! `${...}` in the string values of a configuration file, so that secrets and per-host values
//! come from the environment or from mounted files instead of the file itself.
//!
//! - `${NAME}`: the environment variable `NAME`; unset is an error naming it.
//! - `${NAME:-default}`: `default` when `NAME` is unset or empty.
//! - `${file:/run/secrets/kafka}`: the file's contents, less the line break at its end (the
//!   form of Docker and Kubernetes secrets).
//! - `$$`: one `$`. A `$` before anything else stays as it is.
//!
//! The same forms as Vector and Redpanda Connect use, less their bare `$NAME`: a password may
//! hold a `$` without quoting it.

/// Where `${NAME}` reads from: the process's environment in the service, a map in tests.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Replaces every `${...}` of `text`; the error names the variable or file and the cause.
pub fn interpolate(text: &str, lookup: Lookup<'_>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix('{') {
            let Some(end) = tail.find('}') else {
                return Err(format!("`${{` without its closing `}}` in {text:?}"));
            };
            out.push_str(&expand(&tail[..end], lookup)?);
            rest = &tail[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The value of one `${inner}`.
fn expand(inner: &str, lookup: Lookup<'_>) -> Result<String, String> {
    if let Some(path) = inner.strip_prefix("file:") {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the file {path:?} of `${{{inner}}}`: {e}"))?;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        return Ok(text.strip_suffix('\r').unwrap_or(text).to_string());
    }
    let (name, default) = match inner.split_once(":-") {
        Some((name, default)) => (name, Some(default)),
        None => (inner, None),
    };
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!(
            "`${{{inner}}}` does not name an environment variable (letters, digits and _) \
             or a file (`${{file:/path}}`); write `$$` for a literal `$`"
        ));
    }
    match (lookup(name), default) {
        (Some(value), Some(default)) if value.is_empty() => Ok(default.to_string()),
        (Some(value), _) => Ok(value),
        (None, Some(default)) => Ok(default.to_string()),
        (None, None) => Err(format!("environment variable {name} is not set")),
    }
}

/// Interpolates every string of a parsed file, in place; each error names its key.
pub fn interpolate_tree(
    value: &mut toml::Value,
    key: &mut Vec<String>,
    lookup: Lookup<'_>,
    errors: &mut Vec<String>,
) {
    match value {
        toml::Value::String(text) if text.contains('$') => match interpolate(text, lookup) {
            Ok(done) => *text = done,
            Err(error) => errors.push(format!("key `{}`: {error}", key.join("."))),
        },
        toml::Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                key.push(i.to_string());
                interpolate_tree(item, key, lookup, errors);
                key.pop();
            }
        }
        toml::Value::Table(table) => {
            for (name, item) in table.iter_mut() {
                key.push(name.clone());
                interpolate_tree(item, key, lookup, errors);
                key.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "KAFKA_PASSWORD" => Some("s3cr$t".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn variables_are_replaced() {
        assert_eq!(interpolate("${KAFKA_PASSWORD}", &env).unwrap(), "s3cr$t");
        assert_eq!(
            interpolate("a-${KAFKA_PASSWORD}-b", &env).unwrap(),
            "a-s3cr$t-b"
        );
        assert_eq!(interpolate("${UNSET:-9092}", &env).unwrap(), "9092");
        assert_eq!(interpolate("${EMPTY:-x}", &env).unwrap(), "x");
        assert_eq!(interpolate("${KAFKA_PASSWORD:-x}", &env).unwrap(), "s3cr$t");
    }

    #[test]
    fn dollars_that_are_not_references_stay() {
        assert_eq!(interpolate("pa$word", &env).unwrap(), "pa$word");
        assert_eq!(interpolate("$$ {x} $${y}", &env).unwrap(), "$ {x} ${y}");
        assert_eq!(interpolate("ends in $", &env).unwrap(), "ends in $");
    }

    #[test]
    fn an_unset_variable_is_named() {
        let error = interpolate("${KAFKA_PASSWORD_X}", &env).unwrap_err();
        assert_eq!(error, "environment variable KAFKA_PASSWORD_X is not set");
    }

    #[test]
    fn malformed_references_are_refused() {
        assert!(interpolate("${KAFKA", &env)
            .unwrap_err()
            .contains("closing"));
        assert!(interpolate("${a b}", &env)
            .unwrap_err()
            .contains("does not name"));
        assert!(interpolate("${}", &env)
            .unwrap_err()
            .contains("does not name"));
    }

    #[test]
    fn files_are_read_without_their_last_line_break() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "hunter2\n").unwrap();
        let reference = format!("${{file:{}}}", path.display());
        assert_eq!(interpolate(&reference, &env).unwrap(), "hunter2");
        let missing = format!("${{file:{}}}", dir.path().join("none").display());
        let error = interpolate(&missing, &env).unwrap_err();
        assert!(error.contains("cannot read the file"), "{error}");
        assert!(error.contains("none"), "{error}");
    }

    #[test]
    fn tree_errors_name_the_key() {
        let mut value: toml::Value =
            toml::from_str("[sink.kafka.options]\n\"sasl.password\" = \"${NOPE}\"\n").unwrap();
        let mut errors = Vec::new();
        interpolate_tree(&mut value, &mut Vec::new(), &env, &mut errors);
        assert_eq!(
            errors,
            ["key `sink.kafka.options.sasl.password`: environment variable NOPE is not set"]
        );
    }
}
