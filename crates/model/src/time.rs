//! Publication and modification times as news pages state them.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time with the UTC offset the page gave, or only a calendar day when the page
/// states no time of day.
///
/// Serialised as an RFC 3339 string: `2021-12-01T14:35:00+07:00` for a time, `2021-12-01`
/// (RFC 3339 `full-date`) for a day. The offset is the page's own and is never converted to UTC,
/// so a consumer can still tell what the page's local time was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleTime {
    /// A time of day with its UTC offset.
    DateTime(DateTime<FixedOffset>),
    /// A calendar day, when the page gives no time of day.
    Date(NaiveDate),
}

impl ArticleTime {
    /// The calendar day in the page's own offset.
    pub fn date(&self) -> NaiveDate {
        match self {
            ArticleTime::DateTime(dt) => dt.date_naive(),
            ArticleTime::Date(d) => *d,
        }
    }
}

impl fmt::Display for ArticleTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArticleTime::DateTime(dt) => {
                f.write_str(&dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            }
            ArticleTime::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// Error for a string that is neither an RFC 3339 date-time nor a full-date.
#[derive(Debug)]
pub struct ParseArticleTimeError(String);

impl fmt::Display for ParseArticleTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is neither an RFC 3339 date-time nor a YYYY-MM-DD date",
            self.0
        )
    }
}

impl std::error::Error for ParseArticleTimeError {}

impl std::str::FromStr for ArticleTime {
    type Err = ParseArticleTimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Ok(ArticleTime::DateTime(dt));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(ArticleTime::Date)
            .map_err(|_| ParseArticleTimeError(s.to_string()))
    }
}

impl Serialize for ArticleTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ArticleTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for ArticleTime {
    fn schema_name() -> Cow<'static, str> {
        "ArticleTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "RFC 3339 date-time with the page's own UTC offset, or a full-date (YYYY-MM-DD) when the page gives no time of day.",
            "type": "string",
            "anyOf": [
                { "format": "date-time" },
                { "format": "date" }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_offset_and_round_trips() {
        let t: ArticleTime = "2021-12-01T14:35:00+07:00".parse().unwrap();
        assert_eq!(t.to_string(), "2021-12-01T14:35:00+07:00");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"2021-12-01T14:35:00+07:00\"");
        assert_eq!(serde_json::from_str::<ArticleTime>(&json).unwrap(), t);
    }

    #[test]
    fn date_only_stays_date_only() {
        let t: ArticleTime = "2021-12-01".parse().unwrap();
        assert_eq!(
            t,
            ArticleTime::Date(NaiveDate::from_ymd_opt(2021, 12, 1).unwrap())
        );
        assert_eq!(t.to_string(), "2021-12-01");
    }

    #[test]
    fn rejects_other_shapes() {
        assert!("1/12/2021".parse::<ArticleTime>().is_err());
    }
}
