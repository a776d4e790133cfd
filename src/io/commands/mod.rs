//! One module per command; each returns [`Result`](crate::io::error::Result) and leaves the
//! exit code to [`crate::io::cli`]. What several commands share lives here: resolving a
//! scenario with command-line overrides, the progress bar, claiming the output folder before
//! simulating and publishing it whole with its plots and report, and printing to stdout.

pub mod bench;
pub mod calibrate;
pub mod compare;
pub mod explain;
pub mod plan;
pub mod plot;
pub mod run;
pub mod sensitivity;
pub mod sweep;
pub mod teach;
pub mod validate;

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::experiment::footprint::{self, Footprint};
use crate::experiment::windows::Window;
use crate::io::cli::CommonArgs;
use crate::io::error::{Error, Result};
use crate::io::output::{self, claim::Claim};
use crate::io::scenario::{self, Scenario};
use crate::model::metrics::{M, METRICS};
use crate::model::params::Params;

/// Loads the scenario and applies command-line overrides.
pub fn resolve(path: &Path, c: &CommonArgs) -> Result<Scenario> {
    let mut s = scenario::load(path)?;
    let mut sets = scenario::run_overrides(c.reps, c.seed, c.years);
    sets.extend(c.sets.iter().map(|x| ("--set", x.clone())));
    scenario::apply_overrides(&mut s, &sets)?;
    Ok(s)
}

/// Parses a `--window`: a window name, `months:FROM-TO` or `year:N` ([`Window::parse`]).
pub fn parse_window(w: &str) -> Result<Window> {
    Window::parse(w).ok_or_else(|| {
        Error::Input(format!(
            "--window {}: allowed: {}",
            crate::model::params::domain::quoted(w),
            Window::ALLOWED
        ))
    })
}

/// Parses a `--metrics m1,m2` list against the metric registry, in the order given. An
/// unknown name is refused with the nearest names; so are a repeat and an empty list.
pub fn parse_metrics(list: &str) -> Result<Vec<M>> {
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some(id) = M::from_name(name) else {
            let mut near: Vec<(f64, &str)> = METRICS
                .iter()
                .map(|m| (strsim::jaro_winkler(name, m.name), m.name))
                .filter(|(s, _)| *s >= 0.8)
                .collect();
            near.sort_by(|a, b| b.0.total_cmp(&a.0));
            let hint = if near.is_empty() {
                String::new()
            } else {
                let names: Vec<String> =
                    near.iter().take(3).map(|(_, n)| format!("`{n}`")).collect();
                format!("; nearest: {}", names.join(", "))
            };
            return Err(Error::Input(format!(
                "--metrics: `{name}` is not a metric{hint} (`shequ explain --metrics` lists them)"
            )));
        };
        if out.contains(&id) {
            return Err(Error::Input(format!("--metrics: `{name}` is listed twice")));
        }
        out.push(id);
    }
    if out.is_empty() {
        return Err(Error::Input("--metrics needs at least one metric".into()));
    }
    Ok(out)
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

/// Claims output folder `out` before anything is simulated: refuses (exit 2) a location
/// that is not a new folder, an empty one or an earlier shequ result, or that cannot be
/// written, and stops (exit 1) when another run is writing it. See [`output::claim`].
pub fn claim(out: &Path) -> Result<Claim> {
    output::claim::claim(out)
}

/// Fills the claimed temporary folder with `fill` (the CSVs and manifest), draws its plots
/// and report there and publishes it whole in place of the output folder. On any failure
/// the earlier result is left as it was and the temporary folder is removed.
pub fn publish(claim: Claim, quiet: bool, fill: impl FnOnce(&Path) -> io::Result<()>) -> Result {
    let out = claim.out().to_path_buf();
    let existed = out.exists();
    let kept = |e: String| {
        Error::Run(if existed {
            format!(
                "{e}\n(nothing was published: {} is as it was before this run)",
                out.display()
            )
        } else {
            format!(
                "{e}\n(nothing was published: {} was not created)",
                out.display()
            )
        })
    };
    fill(claim.dir()).map_err(|e| kept(e.to_string()))?;
    let r = crate::io::report::render_dir(claim.dir()).map_err(|e| kept(format!("{e:#}")))?;
    claim.publish().map_err(|e| kept(e.to_string()))?;
    if !quiet {
        note(&crate::io::i18n::fmt(
            crate::io::i18n::PLOTS_IN,
            &[
                ("dir", &out.join("plots").display().to_string()),
                ("file", &out.join("report.html").display().to_string()),
                ("s", &format!("{:.2}", r.seconds)),
            ],
        ));
    }
    Ok(())
}

/// Writes to stdout, ignoring a closed pipe (`shequ explain | head` must not panic).
pub fn emit(text: &str) {
    let _ = io::stdout().lock().write_all(text.as_bytes());
}

/// Writes one line to stdout, ignoring a closed pipe.
pub fn say(line: &str) {
    let _ = writeln!(io::stdout().lock(), "{line}");
}

/// Writes one line of progress or notes to stderr, ignoring a closed pipe
/// (`shequ run … 2>&1 | head -1` must not panic).
pub fn note(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Million household-months per second: the speed figure every command prints.
pub fn throughput(household_months: f64, seconds: f64) -> f64 {
    household_months / seconds.max(1e-9) / 1e6
}

/// Most worker threads allowed per core: more only slows a run down (10,000 threads made a
/// 0.1 s run take 208 s).
pub const THREADS_PER_CORE: usize = 4;

/// The thread count to run with: `--threads`, else `RAYON_NUM_THREADS`, else rayon's default
/// (`None`). Refuses 0 and more than [`THREADS_PER_CORE`] x the cores of this machine.
pub fn threads(requested: Option<usize>) -> Result<Option<usize>> {
    let cores = cores();
    let limit = THREADS_PER_CORE * cores;
    let (n, what) = match requested {
        Some(n) => (n, "--threads"),
        None => match std::env::var("RAYON_NUM_THREADS") {
            Ok(v) => match v.trim().parse::<usize>() {
                // rayon reads 0 as "the default".
                Ok(0) => return Ok(None),
                Ok(n) => (n, "RAYON_NUM_THREADS"),
                Err(_) => {
                    return Err(Error::Input(format!(
                        "RAYON_NUM_THREADS is {}: expected a whole number from 1 to {limit}",
                        crate::model::params::domain::quoted(&v)
                    )));
                }
            },
            Err(_) => return Ok(None),
        },
    };
    if n == 0 || n > limit {
        return Err(Error::Input(format!(
            "{what} {n} is not allowed; expected 1 to {limit} ({THREADS_PER_CORE} per core on this machine's {cores} core(s))"
        )));
    }
    Ok(Some(n))
}

/// Cores of this machine (1 where the system does not say).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Memory this process may still use, bytes (`MemAvailable` of /proc/meminfo; `None` where
/// the system does not say).
pub fn available_memory() -> Option<f64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

/// Bytes as GiB with two significant decimals.
pub fn gib(bytes: f64) -> String {
    format!("{:.2} GiB", bytes / 1024f64.powi(3))
}

/// Checks that the largest of `runs` runs of any of `params` fits in memory
/// ([`check_fits`]); `keep_runs`: whether whole runs are kept for the outputs.
pub fn check_all_fit<'a>(
    params: impl IntoIterator<Item = &'a Params>,
    runs: usize,
    threads: Option<usize>,
    keep_runs: bool,
    allow_large: bool,
) -> Result {
    let need = params
        .into_iter()
        .map(|p| footprint::estimate(p, runs, threads.unwrap_or_else(cores), keep_runs))
        .max_by(|x, y| x.peak_bytes.total_cmp(&y.peak_bytes));
    match need {
        Some(need) => check_fits(&need, allow_large),
        None => Ok(()),
    }
}

/// Refuses a run whose estimated peak memory exceeds what this machine has available,
/// before anything is simulated, unless `allow_large` (`--allow-large`).
pub fn check_fits(f: &Footprint, allow_large: bool) -> Result {
    let Some(available) = available_memory() else {
        return Ok(());
    };
    if allow_large || f.peak_bytes <= available {
        return Ok(());
    }
    let output = if f.output_bytes > 0.0 {
        format!(" and write about {} of output", gib(f.output_bytes))
    } else {
        String::new()
    };
    Err(Error::Input(format!(
        "this run would need about {} of memory ({:.3e} households per city){output}; this machine has {} available. Use fewer communities, households, replications or years, or pass --allow-large if you know better",
        gib(f.peak_bytes),
        f.households,
        gib(available)
    )))
}
