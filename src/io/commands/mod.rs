//! One module per command; each returns [`Result`](crate::io::error::Result) and leaves the
//! exit code to [`crate::io::cli`]. What several commands share lives here: resolving a
//! scenario with command-line overrides, the progress bar, drawing the plots and report of a
//! finished directory, and printing to stdout.

pub mod bench;
pub mod compare;
pub mod explain;
pub mod plot;
pub mod run;
pub mod sweep;
pub mod validate;

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::io::cli::CommonArgs;
use crate::io::error::{Error, Result};
use crate::io::scenario::{self, Scenario};

/// Loads the scenario and applies command-line overrides.
pub fn resolve(path: &Path, c: &CommonArgs) -> Result<Scenario> {
    let mut s = scenario::load(path)?;
    let mut sets = Vec::new();
    if let Some(r) = c.reps {
        sets.push(("--reps", format!("run.replications={r}")));
    }
    if let Some(seed) = c.seed {
        sets.push(("--seed", format!("run.seed={seed}")));
    }
    if let Some(y) = c.years {
        sets.push(("--years", format!("run.years={y}")));
    }
    sets.extend(c.sets.iter().map(|x| ("--set", x.clone())));
    scenario::apply_overrides(&mut s, &sets)?;
    Ok(s)
}

/// A progress bar on stderr counting `len` units of work, or a hidden one when `quiet` or
/// when stderr is not a terminal. Safe to advance from worker threads.
pub fn progress_bar(len: u64, quiet: bool, unit: &str) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] [{bar:30}] {pos}/{len} {msg} (eta {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(unit.to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Draws the plots and report of a finished output directory (run, compare or sweep).
/// The CSVs stay if this fails, and the error says how to retry.
pub fn render(out: &Path, quiet: bool) -> Result {
    match crate::io::report::render_dir(out) {
        Ok(r) => {
            if !quiet {
                eprintln!(
                    "plots in {}, report in {} ({:.2} s)",
                    r.plots_dir.display(),
                    r.report.display(),
                    r.seconds
                );
            }
            Ok(())
        }
        Err(e) => Err(Error::Run(format!(
            "{e:#}\n(the results are in {}; `shequ plot {}` retries the plots)",
            out.display(),
            out.display()
        ))),
    }
}

/// Writes to stdout, ignoring a closed pipe (`shequ explain | head` must not panic).
pub fn emit(text: &str) {
    let _ = io::stdout().lock().write_all(text.as_bytes());
}

/// Million household-months per second of `households` households over `months` months,
/// `reps` times, in `seconds`.
pub fn throughput(households: u64, months: u32, reps: usize, seconds: f64) -> f64 {
    households as f64 * f64::from(months) * reps as f64 / seconds.max(1e-9) / 1e6
}

/// Household-months of `households` households over `months` months.
pub fn household_months(households: u64, months: u32) -> f64 {
    households as f64 * f64::from(months)
}
