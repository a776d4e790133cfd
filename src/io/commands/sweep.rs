//! `shequ sweep SCENARIO --vary ...`: a grid or Latin hypercube over scenario keys with
//! common random numbers; `sweep.csv`, `sweep_points.csv`, plots and report.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use crate::experiment::sweep::{self, Design, Vary};
use crate::io::cli::CommonArgs;
use crate::io::commands::{
    check_all_fit, claim, emit, note, progress_bar, publish, resolve, threads, throughput,
};
use crate::io::error::{Error, Result};
use crate::io::output;
use crate::io::tables::{labels, write_sweep, write_sweep_points};
use crate::io::text;

/// `shequ sweep SCENARIO --vary KEY=LO:HI:STEPS ... | --lhs N --vary KEY=LO:HI ...`.
#[derive(Args, Debug, Clone, Default)]
pub struct SweepArgs {
    /// Scenario file (TOML) whose keys are varied.
    pub scenario: PathBuf,
    /// A key to vary: KEY=LO:HI:STEPS for a grid (STEPS values from LO to HI; whole-number
    /// keys are rounded), or KEY=LO:HI with --lhs. Repeatable: a grid is every combination.
    #[arg(long = "vary", value_name = "KEY=LO:HI[:STEPS]", required = true)]
    pub vary: Vec<String>,
    /// A Latin hypercube of N points instead of a grid (its own stream derived from the seed).
    #[arg(long, value_name = "N")]
    pub lhs: Option<u32>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `shequ sweep`.
pub fn sweep(a: &SweepArgs, args: &[String]) -> Result {
    let quiet = a.common.quiet;
    let s = resolve(&a.scenario, &a.common)?;
    let varies: Vec<Vary> = a
        .vary
        .iter()
        .map(|v| Vary::parse(v))
        .collect::<std::result::Result<_, _>>()
        .map_err(Error::input)?;
    let design = a.lhs.map_or(Design::Grid, Design::Lhs);
    let plan = sweep::plan(&s.params, &varies, design).map_err(Error::input)?;
    let threads = threads(a.common.threads)?;
    check_all_fit(
        plan.points.iter().map(|pt| &pt.params),
        plan.points.len(),
        threads,
        false,
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
        output::write_file(dir, "scenario.toml", |w| {
            w.write_all(output::resolved_toml(&s).as_bytes())
        })?;
        let manifest = output::scenario_manifest(
            &s,
            "sweep",
            serde_json::json!({
            "vary": varies.iter().map(|v| serde_json::json!({
                "key": v.key, "lo": v.lo, "hi": v.hi, "steps": v.steps,
            })).collect::<Vec<_>>(),
            "design": match design { Design::Grid => "grid".to_string(), Design::Lhs(n) => format!("lhs {n}") },
            "lhs_stream": "Xoshiro256++ seeded with mix(mix(seed) ^ 0x4C48535F53574550) (shequ::experiment::sweep)",
            "points": n_points,
            "seed": run.seed,
            "replications": run.replications,
            "years": run.years,
            "end_state": "mean of each metric over the last 12 months of each replication",
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
