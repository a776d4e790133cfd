//! `shequ compare BASE OTHER [MORE...]`: every scenario with the base's seed, replications
//! and years (common random numbers), paired differences in `comparison.csv`, each run in
//! its own folder, plots and report.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use crate::experiment::RunResult;
use crate::experiment::compare;
use crate::io::cli::CommonArgs;
use crate::io::commands::{
    check_all_fit, claim, emit, note, parse_window, progress_bar, publish, resolve, threads,
    throughput,
};
use crate::io::error::{Error, Result};
use crate::io::output::{self, RunInfo};
use crate::io::scenario::{self, Scenario};
use crate::io::tables::{labels, write_comparison};
use crate::io::text;

/// `shequ compare BASE OTHER [MORE...]`.
#[derive(Args, Debug, Clone, Default)]
pub struct CompareArgs {
    /// The base scenario (TOML); every other scenario is compared with it.
    pub base: PathBuf,
    /// One or more scenarios to compare with the base. All run with the base's seed,
    /// replications and years, so replication r of each sees the same random draws.
    #[arg(required = true)]
    pub others: Vec<PathBuf>,
    /// Override a key in one arm only: --arm 2:owners.enforcement=0.6 (arms are numbered from
    /// 1 in the order given, the base first; repeatable; applied after --set).
    #[arg(long = "arm", value_name = "N:KEY=VALUE")]
    pub arms: Vec<String>,
    /// Add a window to comparison.csv beside final_month, last_year and whole_run:
    /// year:N (the mean over year N of the run, 1-based), first_year, settled or
    /// months:FROM-TO. Repeatable.
    #[arg(long = "window", value_name = "WINDOW")]
    pub windows: Vec<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Applies the `--arm N:KEY=VALUE` overrides to their arms (numbered from 1, the base
/// first), after `--set`. An arm's name gains its overrides (`baseline+owners.enforcement=0.6`),
/// so its label, folder and legend say what differs.
fn apply_arms(scenarios: &mut [Scenario], arms: &[String]) -> Result {
    let n = scenarios.len();
    for raw in arms {
        let parsed = raw
            .split_once(':')
            .and_then(|(i, kv)| Some((i.trim().parse::<usize>().ok()?, kv.trim())));
        let Some((i, kv)) = parsed.filter(|(i, _)| (1..=n).contains(i)) else {
            return Err(Error::Input(format!(
                "--arm {raw}: expected N:KEY=VALUE with N an arm from 1 (the base) to {n}, in the order the scenarios are given"
            )));
        };
        let s = &mut scenarios[i - 1];
        scenario::apply_overrides(s, &[(&format!("--arm {i}"), kv.to_string())])?;
        s.name = format!("{}+{kv}", s.name);
    }
    Ok(())
}

/// Runs `shequ compare`.
pub fn compare(a: &CompareArgs, args: &[String]) -> Result {
    let quiet = a.common.quiet;
    let mut scenarios: Vec<Scenario> = Vec::new();
    for path in std::iter::once(&a.base).chain(&a.others) {
        scenarios.push(resolve(path, &a.common)?);
    }
    apply_arms(&mut scenarios, &a.arms)?;
    // Every scenario runs with the base's seed, replications and years (common random
    // numbers, paired replications, the same final month).
    let run = scenarios[0].params.run.clone();
    for s in &mut scenarios[1..] {
        let mut sets = Vec::new();
        if s.params.run.seed != run.seed {
            sets.push(("compare (as the base)", format!("run.seed={}", run.seed)));
        }
        if s.params.run.replications != run.replications {
            sets.push((
                "compare (as the base)",
                format!("run.replications={}", run.replications),
            ));
        }
        if s.params.run.years != run.years {
            sets.push(("compare (as the base)", format!("run.years={}", run.years)));
        }
        if sets.is_empty() {
            continue;
        }
        if !quiet {
            let what: Vec<&str> = sets.iter().map(|x| x.1.as_str()).collect();
            note(&format!(
                "note: {} runs with the base's {} (recorded in its manifest)",
                s.name,
                what.join(", ")
            ));
        }
        scenario::apply_overrides(s, &sets)?;
    }
    let windows = a
        .windows
        .iter()
        .map(|w| parse_window(w))
        .collect::<Result<Vec<_>>>()?;
    for w in &windows {
        if let Some(why) = w.beyond(run.years) {
            return Err(Error::Input(format!("--window {why}")));
        }
    }
    let threads = threads(a.common.threads)?;
    check_all_fit(
        scenarios.iter().map(|s| &s.params),
        scenarios.len(),
        threads,
        true,
        a.common.allow_large,
    )?;
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    let labels = labels(&names);
    let out = a.common.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!(
            "compare-{}-vs-{}",
            labels[0],
            labels[1..].join("-")
        ))
    });
    let claim = claim(&out)?;
    if !quiet {
        note(&format!(
            "shequ compare: {} vs {} - {} replication(s) x {} years each, seed {} (common random numbers)",
            labels[0],
            labels[1..].join(", "),
            run.replications,
            run.years,
            run.seed
        ));
    }
    let started = Instant::now();
    let params: Vec<_> = scenarios.iter().map(|s| s.params.clone()).collect();
    let bar = progress_bar(
        params.len() as u64 * u64::from(run.replications),
        quiet,
        "replications",
    );
    let runs = compare::run_all(&params, threads, &|| bar.inc(1));
    bar.finish_and_clear();
    let runs = runs.map_err(|e| Error::threads(threads, e))?;
    let (results, secs): (Vec<RunResult>, Vec<f64>) = runs.into_iter().unzip();
    let diffs = compare::compare(&results, &windows).map_err(Error::Run)?;
    let wall = started.elapsed().as_secs_f64();
    let threads = threads.unwrap_or_else(rayon::current_num_threads);
    publish(claim, quiet, |dir| {
        for (((s, r), secs), label) in scenarios.iter().zip(&results).zip(&secs).zip(&labels) {
            let info = RunInfo {
                command_line: args.to_vec(),
                wall_seconds: *secs,
                threads,
            };
            let sub = dir.join(label);
            std::fs::create_dir(&sub).map_err(|e| {
                std::io::Error::new(e.kind(), format!("cannot create {}: {e}", sub.display()))
            })?;
            output::write_run(&sub, s, r, &info)?;
        }
        output::write_file(dir, "comparison.csv", |w| {
            write_comparison(w, &labels, &diffs)
        })?;
        let manifest = serde_json::json!({
            "shequ_version": env!("CARGO_PKG_VERSION"),
            "git_commit": output::git_commit(),
            "command": "compare",
            "base": labels[0],
            "scenarios": scenarios.iter().zip(&labels).map(|(s, l)| serde_json::json!({
                "label": l,
                "name": s.name,
                "directory": l,
                "scenario_files": s.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
                "overrides": s.overrides,
            })).collect::<Vec<_>>(),
            "seed": run.seed,
            "replications": run.replications,
            "years": run.years,
            "extra_windows": windows.iter().map(|w| w.name()).collect::<Vec<_>>(),
            "pairing": "every scenario runs replications 0..replications with the same seed; streams derive from (seed, replication, community, mechanism), so replication r of each scenario sees the same draws wherever the worlds agree. comparison.csv: differences scenario - base taken replication by replication, t-based 95 % CI",
            "command_line": args,
            "threads": threads,
            "wall_seconds": wall,
        });
        output::write_file(dir, "manifest.json", |w| output::write_json(w, &manifest))
    })?;
    if !quiet {
        let hm: f64 = results.iter().map(RunResult::household_months).sum();
        note(&format!(
            "done: {} scenarios x {} replication(s) in {wall:.2} s ({:.1} million household-months/s); results in {}",
            scenarios.len(),
            run.replications,
            throughput(hm, wall),
            out.display()
        ));
        emit(&text::comparison_table(
            &labels,
            &diffs,
            run.replications as usize,
        ));
    }
    Ok(())
}
