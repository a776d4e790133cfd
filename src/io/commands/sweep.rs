//! `shequ sweep SCENARIO --vary ... | --design points.csv`: a grid (numeric ranges and value
//! lists of any type), a Latin hypercube or the points of a design file, with common random
//! numbers; `sweep.csv`, `sweep_points.csv`, optionally `sweep_timeseries.csv`, plots and
//! report.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use crate::experiment::sweep::{self, Design, Plan, Vary};
use crate::io::cli::CommonArgs;
use crate::io::commands::{
    check_all_fit, claim, emit, note, parse_metrics, parse_window, progress_bar, publish, resolve,
    threads, throughput,
};
use crate::io::design;
use crate::io::error::{Error, Result};
use crate::io::output;
use crate::io::tables::{labels, write_sweep, write_sweep_points, write_sweep_timeseries};
use crate::io::text;

/// `shequ sweep SCENARIO --vary KEY=LO:HI:STEPS ... | --vary KEY=A,B,C ... | --lhs N --vary
/// KEY=LO:HI ... | --design points.csv`.
#[derive(Args, Debug, Clone, Default)]
pub struct SweepArgs {
    /// Scenario file (TOML) whose keys are varied.
    pub scenario: PathBuf,
    /// A key to vary: KEY=LO:HI:STEPS (STEPS numbers from LO to HI; whole-number keys are
    /// rounded), KEY=A,B,C (these values in this order, of any type: numbers, true/false,
    /// words), or KEY=LO:HI with --lhs. Repeatable: a grid is every combination, the first
    /// key varying slowest.
    #[arg(
        long = "vary",
        value_name = "KEY=LO:HI[:STEPS]|KEY=A,B,C",
        required_unless_present = "design"
    )]
    pub vary: Vec<String>,
    /// A Latin hypercube of N points instead of a grid (numeric ranges only; its own stream
    /// derived from the seed).
    #[arg(long, value_name = "N", conflicts_with = "design")]
    pub lhs: Option<u32>,
    /// Run the points of a CSV file instead of --vary: a header of scenario keys, one point
    /// per row, in row order (e.g. a SALib or EMA Workbench design).
    #[arg(long, value_name = "POINTS.csv", conflicts_with = "vary")]
    pub design: Option<PathBuf>,
    /// Also write sweep_timeseries.csv: every month of every point and replication.
    #[arg(long)]
    pub timeseries: bool,
    /// Keep only these metrics (comma-separated) in sweep.csv, sweep_points.csv and
    /// sweep_timeseries.csv (`shequ explain --metrics` lists them; default: all).
    #[arg(long, value_name = "M1,M2")]
    pub metrics: Option<String>,
    /// The window sweep.csv and sweep_points.csv read each metric over: last_year (default),
    /// final_month, first_year, settled, whole_run (flows totalled), year:N (the mean over
    /// year N, 1-based) or months:FROM-TO.
    #[arg(long, value_name = "WINDOW")]
    pub window: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The checked plan of `a`'s points and outputs, before anything is run or written.
fn plan(a: &SweepArgs, base: &crate::model::params::Params) -> Result<Plan> {
    let mut plan = match &a.design {
        Some(path) => design::load(path, base)?,
        None => {
            let varies: Vec<Vary> = a
                .vary
                .iter()
                .map(|v| Vary::parse(v))
                .collect::<std::result::Result<_, _>>()
                .map_err(Error::input)?;
            let design = a.lhs.map_or(Design::Grid, Design::Lhs);
            sweep::plan(base, &varies, design).map_err(Error::input)?
        }
    };
    if let Some(w) = &a.window {
        let w = parse_window(w)?;
        if let Some(why) = w.beyond(base.run.years) {
            return Err(Error::Input(format!("--window {why}")));
        }
        plan.outputs.window = w;
    }
    if let Some(m) = &a.metrics {
        plan.outputs.metrics = parse_metrics(m)?;
    }
    plan.outputs.timeseries = a.timeseries;
    Ok(plan)
}

/// Runs `shequ sweep`.
pub fn sweep(a: &SweepArgs, args: &[String]) -> Result {
    let quiet = a.common.quiet;
    let s = resolve(&a.scenario, &a.common)?;
    let plan = plan(a, &s.params)?;
    let design = plan.design;
    let threads = threads(a.common.threads)?;
    check_all_fit(
        plan.points.iter().map(|pt| &pt.params),
        plan.points.len(),
        threads,
        plan.outputs.timeseries,
        a.common.allow_large,
    )?;
    let run = s.params.run.clone();
    let out = a.common.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!("sweep-{}", labels(&[&s.name])[0]))
    });
    let claim = claim(&out)?;
    let n_points = plan.points.len();
    if !quiet {
        let how = match design {
            Design::Grid => "grid".to_string(),
            Design::Lhs(n) => format!("Latin hypercube of {n}"),
            Design::Given => format!(
                "design {}",
                a.design.as_deref().unwrap_or(Path::new("")).display()
            ),
        };
        note(&format!(
            "shequ sweep: {} - {n_points} point(s) ({how} over {}) x {} replication(s) x {} years, seed {} (common random numbers)",
            s.name,
            plan.keys.join(", "),
            run.replications,
            run.years,
            run.seed
        ));
    }
    let started = Instant::now();
    let bar = progress_bar(
        n_points as u64 * u64::from(run.replications),
        quiet,
        "point-replications",
    );
    let result = sweep::run(&plan, run.seed, run.replications, threads, &|| bar.inc(1));
    bar.finish_and_clear();
    let result = result.map_err(|e| Error::threads(threads, e))?;
    let wall = started.elapsed().as_secs_f64();
    let threads = threads.unwrap_or_else(rayon::current_num_threads);
    publish(claim, quiet, |dir| {
        output::write_file(dir, "sweep.csv", |w| write_sweep(w, &plan, &result))?;
        output::write_file(dir, "sweep_points.csv", |w| {
            write_sweep_points(w, &plan, &result)
        })?;
        if plan.outputs.timeseries {
            output::write_file(dir, "sweep_timeseries.csv", |w| {
                write_sweep_timeseries(w, &plan, &result)
            })?;
        }
        output::write_file(dir, "scenario.toml", |w| {
            w.write_all(output::resolved_toml(&s).as_bytes())
        })?;
        let manifest = output::scenario_manifest(
            &s,
            "sweep",
            serde_json::json!({
            "vary": a.vary,
            "design": match design {
                Design::Grid => "grid".to_string(),
                Design::Lhs(n) => format!("lhs {n}"),
                Design::Given => format!("file {}", a.design.as_deref().unwrap_or(Path::new("")).display()),
            },
            "keys": plan.keys,
            "window": plan.outputs.window.name(),
            "metrics": plan.outputs.metrics.iter().map(|m| m.name()).collect::<Vec<_>>(),
            "timeseries": plan.outputs.timeseries,
            "lhs_stream": "Xoshiro256++ seeded with mix(mix(seed) ^ 0x4C48535F53574550) (shequ::experiment::sweep)",
            "points": n_points,
            "seed": run.seed,
            "replications": run.replications,
            "years": run.years,
            "end_state": format!("each metric over the window {} of each replication (last_year: the mean over the last 12 months)", plan.outputs.window.name()),
            "command_line": args,
            "threads": threads,
            "wall_seconds": wall,
            "resolved": serde_json::to_value(s.params.to_table()).unwrap_or(serde_json::Value::Null),
                }),
        );
        output::write_file(dir, "manifest.json", |w| output::write_json(w, &manifest))
    })?;
    if !quiet {
        let hm: f64 = result
            .households
            .iter()
            .map(|h| *h as f64 * f64::from(result.months))
            .sum();
        note(&format!(
            "done: {n_points} point(s) x {} replication(s) in {wall:.2} s ({:.1} million household-months/s); results in {}",
            run.replications,
            throughput(hm, wall),
            out.display()
        ));
        emit(&text::sweep_table(&plan, &result));
    }
    Ok(())
}
