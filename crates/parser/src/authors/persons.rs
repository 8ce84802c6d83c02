//! Whether a credit names a person: not the site itself (by its declared name or its
//! domain's), not an organisation, a label, an address or a job title.

use crate::{boilerplate, bylines};

/// The names a site goes by: its declared name (`og:site_name`) and its domain's own label
/// ("automobilwoche" for www.automobilwoche.de), to tell the site's credit from a person's.
pub(crate) struct SiteNames {
    declared: Option<String>,
    /// The longest label of the host, letters and digits only, lower case.
    host_key: String,
    /// Every label of the host so, but `www`.
    host_labels: Vec<String>,
}

impl SiteNames {
    pub(crate) fn new(declared: Option<&str>, host: &str) -> Self {
        SiteNames {
            declared: declared.map(str::to_lowercase),
            host_key: host_key(host),
            host_labels: host
                .split('.')
                .filter(|l| *l != "www")
                .map(name_key)
                .collect(),
        }
    }

    /// Whether a credit is the site's name ("L-MAG – Das Magazin für Lesben", "Lebensmittel
    /// Praxis" on lebensmittelpraxis.de, "La República" on larepublica.pe).
    pub(crate) fn named_by(&self, credit: &str) -> bool {
        let lower = credit.to_lowercase();
        if let Some(declared) = self.declared.as_deref().filter(|s| lower.contains(s)) {
            // A personal site is named after the person who signs its posts, as its address
            // says: "Sam Bossley" on sam.bossley.com, "Cory Dransfeldt" on coryd.dev.
            let personal = declared == lower.trim() && self.address_names(credit.trim());
            return !personal;
        }
        // A personal site is named after its author (garymarcus.substack.com): a credit that
        // reads as a person's name stays one.
        if bylines::looks_like_name(credit.trim()) {
            return false;
        }
        let key = name_key(credit);
        // A domain's label shorter than this matches names by chance ("ard", "taz").
        const MIN_HOST_KEY: usize = 6;
        self.host_key.len() >= MIN_HOST_KEY && !key.is_empty() && key.contains(&self.host_key)
    }
}

impl SiteNames {
    /// Whether a text is the site's name and nothing more: its declared name, or its
    /// domain's label ("Vietnamnet" on vietnamnet.vn, "DATEV magazin" on datev-magazin.de).
    pub(crate) fn is_exactly(&self, text: &str) -> bool {
        let text = text.trim();
        self.declared
            .as_deref()
            .is_some_and(|d| d.trim() == text.to_lowercase())
            || !self.host_key.is_empty() && name_key(text) == self.host_key
    }

    /// Whether `name` is a person's and the site's address carries it as a person's site
    /// does: a label that is one of the name's words ("bossley"), or its first word with
    /// the next one's initial ("coryd"). An organisation's name is told by its article
    /// ("The Economist"), an acronym ("QCY Official") or a label that runs more of it
    /// together ("happycoffee", "elcomercio").
    fn address_names(&self, name: &str) -> bool {
        /// A shorter label matches a name's word by chance.
        const MIN_LABEL: usize = 3;
        /// Words a personal name has.
        const NAME_WORDS: std::ops::RangeInclusive<usize> = 2..=3;
        const ARTICLES: &[&str] = &["the", "el", "la", "le", "les", "los", "die", "der", "das"];
        let raw: Vec<&str> = name.split_whitespace().collect();
        let is_acronym = |w: &&str| {
            w.chars().filter(|c| c.is_alphabetic()).count() > 1
                && !w.chars().any(char::is_lowercase)
        };
        if !NAME_WORDS.contains(&raw.len())
            || !bylines::looks_like_name(name)
            || raw.iter().any(is_acronym)
            || ARTICLES.contains(&raw[0].to_lowercase().as_str())
        {
            return false;
        }
        let words: Vec<String> = raw.iter().map(|w| name_key(w)).collect();
        let initialled = format!(
            "{}{}",
            words[0],
            words[1]
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default()
        );
        self.host_labels.iter().any(|label| {
            label.len() >= MIN_LABEL && (words.contains(label) || *label == initialled)
        })
    }
}

/// The longest label of a host, letters and digits only, lower case: "pronats" for
/// www.pronats.de, "muffinrezept" for muffinrezept.net.
pub(crate) fn host_key(host: &str) -> String {
    host.trim_start_matches("www.")
        .split('.')
        .map(name_key)
        .max_by_key(String::len)
        .unwrap_or_default()
}

/// A host's key shorter than this matches a title's words by chance ("ard", "taz", "fr").
pub(crate) const MIN_TITLE_HOST_KEY: usize = 5;

/// The longest part of a title read as the site's name.
pub(crate) const MAX_SITE_NAME_CHARS: usize = 40;

/// Letters and digits of a name, lower case, accents dropped: "La República" -> "larepublica".
pub(crate) fn name_key(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Rejects what sites put in author fields that is not a person: URLs and domain names, the
/// site's own name, staff initials, organisations and labels.
pub(crate) fn is_person(name: &str, site: &SiteNames) -> bool {
    could_be_a_name(name) && !site.named_by(name)
}

/// Whether a credit could name someone: letters, not a web address, a social account
/// ("@NatGeoUK", often the site's own), an agency, a label or an organisation.
pub(crate) fn could_be_a_name(name: &str) -> bool {
    name.chars().any(char::is_alphabetic)
        && name.chars().count() <= 60
        && !boilerplate::is_web_address(name)
        && !name.trim_start().starts_with('@')
        && boilerplate::classify_credit(name).is_none()
        && !bylines::is_not_a_name(name)
        // "Marketing and Event Coordinator": a job with no one named.
        && !bylines::is_job_title(name)
}
