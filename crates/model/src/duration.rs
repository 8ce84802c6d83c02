//! Durations as tinstream's configuration writes them: `"180d"`, `"5m"`, `"1500ms"`.
//!
//! Reading accepts everything [`humantime`] does (`"1h 30m"`, `"2days"`). Writing uses the
//! largest unit that divides the duration exactly, so a value comes back as it was most
//! likely written: `"180d"` prints as `180d`, where humantime's own format would give
//! `5months 27days 19h 12m` (it counts a month as 30.44 days).
//!
//! ```
//! use std::time::Duration;
//! assert_eq!(tinstream_model::duration::format(Duration::from_secs(180 * 86_400)), "180d");
//! assert_eq!(tinstream_model::duration::format(Duration::from_millis(1500)), "1500ms");
//! ```
//!
//! Use it as `#[serde(with = "tinstream_model::duration")]`, or
//! `tinstream_model::duration::option` for an `Option<Duration>`.

use serde::{Deserialize, Deserializer, Serializer};
use std::time::Duration;

/// Units from the largest down, with their length in nanoseconds.
const UNITS: [(&str, u128); 7] = [
    ("d", 86_400_000_000_000),
    ("h", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("ns", 1),
];

/// `duration` in the largest unit that divides it exactly (`0s` for zero).
pub fn format(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    if nanos == 0 {
        return "0s".into();
    }
    for (unit, size) in UNITS {
        if nanos % size == 0 {
            return format!("{}{unit}", nanos / size);
        }
    }
    format!("{nanos}ns")
}

/// Reads a duration as [`humantime::parse_duration`] does.
pub fn parse(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{text:?} is not a duration: {e}"))
}

/// Serde: writes [`format`].
pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(*duration))
}

/// Serde: reads [`parse`].
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text).map_err(serde::de::Error::custom)
}

/// The same for `Option<Duration>`: absent or none stays none.
pub mod option {
    use super::*;

    /// Serde: writes [`format`](super::format), or nothing.
    pub fn serialize<S: Serializer>(
        duration: &Option<Duration>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match duration {
            Some(d) => serializer.serialize_some(&super::format(*d)),
            None => serializer.serialize_none(),
        }
    }

    /// Serde: reads [`parse`](super::parse), or nothing.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Duration>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|text| super::parse(&text).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_values_come_back_as_written() {
        for text in [
            "180d", "5m", "1s", "0s", "90s", "36h", "250ms", "7us", "3ns",
        ] {
            assert_eq!(format(parse(text).unwrap()), text);
        }
    }

    #[test]
    fn compound_values_take_the_largest_exact_unit() {
        assert_eq!(format(parse("1h 30m").unwrap()), "90m");
        assert_eq!(format(parse("2days").unwrap()), "2d");
        assert_eq!(format(parse("1s 5ms").unwrap()), "1005ms");
    }

    #[test]
    fn a_bad_value_is_named() {
        let error = parse("soon").unwrap_err();
        assert!(error.contains("\"soon\""), "{error}");
    }
}
