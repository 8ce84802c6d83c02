//! Progress bars for the one-shot commands: shown on a terminal, absent otherwise (logs and
//! pipes get no control characters).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar for `total` items of `unit` on standard error; hidden when standard error is not a
/// terminal or there is only one item.
pub fn bar(total: u64, unit: &str) -> ProgressBar {
    if total <= 1 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let template = format!(
        "{{bar:40}} {{pos}}/{{len}} {unit} · {{per_sec}} · {{elapsed_precise}} · ETA {{eta}}"
    );
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

/// A bar over `total` bytes of input, for archives read as streams.
pub fn bytes(total: u64) -> ProgressBar {
    if total == 0 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} · {bytes_per_sec} · {elapsed_precise} · ETA {eta} · {msg}",
    ) {
        bar.set_style(style);
    }
    bar
}
