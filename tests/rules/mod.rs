//! The site rules shipped in `config/sites`, loaded as the service loads them, for the tests
//! that parse pages as the service would.

use std::path::Path;
use tinstream_parser::{SiteRule, SiteRuleConfig, SiteRules};

/// Every rule of `config/sites`; a file that does not load fails the test, naming the file.
pub fn shipped_rules() -> SiteRules {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/sites");
    let mut rules = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("config/sites") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).expect("rule file");
            let config: SiteRuleConfig =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            rules.push(
                SiteRule::compile(&config).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            );
        }
    }
    SiteRules::new(rules)
}
