//! `shequ run` and the default demo: a scenario's replications, written atomically with its
//! plots and report, and a glance on the terminal.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use crate::experiment;
use crate::experiment::footprint;
use crate::io::i18n;
use crate::io::cli::CommonArgs;
use crate::io::commands::{
    check_fits, claim, cores, emit, note, progress_bar, publish, resolve, threads, throughput,
};
use crate::io::error::{Error, Result};
use crate::io::output::{self, RunInfo};
use crate::io::text;

/// `shequ run SCENARIO [options]`.
#[derive(Args, Debug, Clone, Default)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs the scenario's replications and writes the output directory; `demo` adds a line on
/// how to read the glance.
pub fn run(a: &RunArgs, args: &[String], demo: bool) -> Result {
    let s = resolve(&a.scenario, &a.common)?;
    let threads = threads(a.common.threads)?;
    let out = a
        .common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&s.name));
    let p = &s.params;
    let quiet = a.common.quiet;
    check_fits(
        &footprint::estimate(p, 1, threads.unwrap_or_else(cores), true),
        a.common.allow_large,
    )?;
    let claim = claim(&out)?;
    if !quiet {
        note(&i18n::fmt(
            i18n::RUN_START,
            &[
                ("name", &s.name),
                ("reps", &p.run.replications.to_string()),
                ("years", &p.run.years.to_string()),
                ("c", &p.world.communities.to_string()),
                ("seed", &p.run.seed.to_string()),
            ],
        ));
    }
    let started = Instant::now();
    let bar = progress_bar(u64::from(p.run.replications), quiet, "replications");
    let result = experiment::run(p, threads, &|| bar.inc(1));
    bar.finish_and_clear();
    let result = result.map_err(|e| Error::threads(threads, e))?;
    let wall = started.elapsed().as_secs_f64();
    let info = RunInfo {
        command_line: args.to_vec(),
        wall_seconds: wall,
        threads: threads.unwrap_or_else(rayon::current_num_threads),
        posterior: None,
    };
    // CSVs, plots and report, built beside `out` and published whole.
    publish(claim, quiet, |dir| {
        output::write_run(dir, &s, &result, &info)
    })?;
    if !quiet {
        note(&i18n::fmt(
            i18n::RUN_DONE,
            &[
                ("s", &format!("{wall:.2}")),
                (
                    "t",
                    &format!("{:.1}", throughput(result.household_months(), wall)),
                ),
                ("dir", &out.display().to_string()),
            ],
        ));
        emit(&text::glance(&result, demo));
    }
    Ok(())
}
