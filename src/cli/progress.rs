//! The spinner long-running commands show while they work: the phase the library says
//! it is in and the time so far. Only on a terminal, only for output meant for people,
//! and cleared before anything else is printed, so it never mixes with the results.

use std::cell::RefCell;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

/// A spinner on standard error, or nothing.
#[derive(Default)]
pub struct Spinner {
    bar: RefCell<Option<ProgressBar>>,
}

impl Spinner {
    /// Starts spinning, when standard error is a terminal that can redraw a line.
    pub fn start(&self) {
        let term = std::env::var("TERM").ok();
        if !shown(std::io::stderr().is_terminal(), term.as_deref()) {
            return;
        }
        let style = ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
            .with_style(style)
            .with_finish(ProgressFinish::AndClear);
        bar.enable_steady_tick(Duration::from_millis(100));
        *self.bar.borrow_mut() = Some(bar);
    }

    pub fn phase(&self, name: &str) {
        if let Some(bar) = self.bar.borrow().as_ref() {
            bar.set_message(name.to_string());
        }
    }

    /// Clears the spinner's line for good.
    pub fn clear(&self) {
        if let Some(bar) = self.bar.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}

/// Whether to draw: on a terminal that is not `TERM=dumb` (which cannot redraw a line).
fn shown(stderr_is_terminal: bool, term: Option<&str>) -> bool {
    stderr_is_terminal && term != Some("dumb")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_terminals_that_can_redraw_get_a_spinner() {
        assert!(shown(true, Some("xterm-256color")));
        assert!(shown(true, None));
        assert!(!shown(true, Some("dumb")));
        assert!(!shown(false, Some("xterm-256color")));
    }
}
