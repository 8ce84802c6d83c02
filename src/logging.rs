//! Log output: readable text on a terminal, JSON lines otherwise (or as configured).

use crate::config::{LogConfig, LogFormat};
use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// html5ever reports every markup error it recovers from; on the open web that is noise.
const QUIET_HTML5EVER: &str = "html5ever=error";

fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(format!("{default},{QUIET_HTML5EVER}")))
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{QUIET_HTML5EVER}")))
}

/// Sets up logging for the service. `RUST_LOG`, when set, overrides the configured level.
pub fn init(config: &LogConfig) {
    let filter = filter(&config.level);
    let json = match config.format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => !std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (in tests) is harmless; ignore it.
    let _ = if json {
        builder.json().with_current_span(true).try_init()
    } else {
        builder.try_init()
    };
}

/// Logging for one-shot commands: warnings and errors only, as text, unless `RUST_LOG` says
/// otherwise.
pub fn init_for_tools() {
    let filter = filter("warn");
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
