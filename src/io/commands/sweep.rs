//! `shequ sweep SCENARIO --vary ... | --design points.csv`: a grid (numeric ranges and value
//! lists of any type), a Latin hypercube or the points of a design file, with common random
//! numbers; `sweep.csv`, `sweep_points.csv`, optionally `sweep_timeseries.csv`, plots and
//! report.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use crate::experiment::sweep::{self, Design, Plan, SweepResult, Unit, Vary};
use crate::experiment::units;
use crate::io::i18n;
use crate::io::cli::CommonArgs;
use crate::io::commands::{
    check_all_fit, claim, emit, note, parse_metrics, parse_window, progress_bar, publish, resolve,
    threads, throughput,
};
use crate::io::design;
use crate::io::error::{Error, Result};
use crate::io::output::{self, RunInfo};
use crate::io::plan::{self, PlanSpec, ScenarioRecord, UnitResult, checkpoint_path};
use crate::io::scenario::Scenario;
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
    /// Continue an interrupted sweep of the same arguments from its finished units (kept
    /// beside the output folder in .NAME.sweep-partial); the result is byte-identical to an
    /// uninterrupted sweep.
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// A sweep resolved and checked: everything needed to run its units and write its folder.
#[derive(Debug, Clone)]
pub struct SweepJob {
    pub s: Scenario,
    pub plan: Plan,
    /// Design as the manifest and the plan record it: `grid`, `lhs N` or `file PATH`.
    pub design: String,
    /// The manifest's fields without the timing ones (command line, threads, wall time).
    pub manifest: serde_json::Value,
}

impl SweepJob {
    /// Units: points x replications.
    pub fn units(&self) -> usize {
        self.plan.points.len() * self.s.params.run.replications as usize
    }

    /// Where the output goes without `--out`.
    pub fn default_out(&self) -> PathBuf {
        PathBuf::from("output").join(format!("sweep-{}", labels(&[&self.s.name])[0]))
    }

    /// The line printed when the sweep starts.
    pub fn describe(&self) -> String {
        let run = &self.s.params.run;
        let how = match self.plan.design {
            Design::Grid => i18n::GRID.get().to_string(),
            Design::Lhs(n) => i18n::fill(i18n::LHS_SHORT, "n", &n.to_string()),
            Design::Given => i18n::fill(
                i18n::DESIGN_FILE,
                "name",
                self.design.trim_start_matches("file "),
            ),
        };
        i18n::fmt(
            i18n::SWEEP_DESCRIBE,
            &[
                ("name", &self.s.name),
                ("n", &self.plan.points.len().to_string()),
                ("how", &how),
                ("keys", &self.plan.keys.join(", ")),
                ("reps", &run.replications.to_string()),
                ("years", &run.years.to_string()),
                ("seed", &run.seed.to_string()),
            ],
        )
    }

    /// Runs unit `u` (point `u / reps`, replication `u % reps`).
    pub fn run_unit(&self, u: usize) -> Unit {
        let run = &self.s.params.run;
        sweep::run_unit(&self.plan, run.seed, run.replications, u)
    }
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
    plan.outputs = outputs(
        a.window.as_deref(),
        a.metrics.as_deref(),
        a.timeseries,
        base.run.years,
    )?;
    Ok(plan)
}

/// What a sweep keeps: `--window` (checked against the run's years), `--metrics`,
/// `--timeseries`.
fn outputs(
    window: Option<&str>,
    metrics: Option<&str>,
    timeseries: bool,
    years: u32,
) -> Result<sweep::Outputs> {
    let mut o = sweep::Outputs::default();
    if let Some(w) = window {
        let w = parse_window(w)?;
        if let Some(why) = w.beyond(years) {
            return Err(Error::Input(format!("--window {why}")));
        }
        o.window = w;
    }
    if let Some(m) = metrics {
        o.metrics = parse_metrics(m)?;
    }
    o.timeseries = timeseries;
    Ok(o)
}

/// Resolves the scenario and the varied keys (or the design file) and places the points
/// (exit 2 on bad input).
pub fn prepare(a: &SweepArgs) -> Result<SweepJob> {
    let s = resolve(&a.scenario, &a.common)?;
    let plan = plan(a, &s.params)?;
    let design = plan.design;
    let run = s.params.run.clone();
    let design_text = match design {
        Design::Grid => "grid".to_string(),
        Design::Lhs(n) => format!("lhs {n}"),
        Design::Given => format!(
            "file {}",
            a.design.as_deref().unwrap_or(Path::new("")).display()
        ),
    };
    let manifest = output::scenario_manifest(
        &s,
        "sweep",
        serde_json::json!({
        "vary": a.vary,
        "design": design_text,
        "keys": plan.keys,
        "window": plan.outputs.window.name(),
        "metrics": plan.outputs.metrics.iter().map(|m| m.name()).collect::<Vec<_>>(),
        "timeseries": plan.outputs.timeseries,
        "lhs_stream": "Xoshiro256++ seeded with mix(mix(seed) ^ 0x4C48535F53574550) (shequ::experiment::sweep)",
        "points": plan.points.len(),
        "seed": run.seed,
        "replications": run.replications,
        "years": run.years,
        "end_state": format!("each metric over the window {} of each replication (last_year: the mean over the last 12 months)", plan.outputs.window.name()),
        "resolved": serde_json::to_value(s.params.to_table()).unwrap_or(serde_json::Value::Null),
            }),
    );
    Ok(SweepJob {
        s,
        plan,
        design: design_text,
        manifest,
    })
}

/// Writes a sweep's files into `dir` (the claimed temporary folder): `sweep.csv`,
/// `sweep_points.csv`, `sweep_timeseries.csv` (with `--timeseries`), `scenario.toml` and `manifest.json` (the job's manifest with the
/// command line, threads and wall time of `info`). The one writer of a sweep's folder,
/// whether it ran here, resumed or was merged from a plan's shards.
pub fn write_outputs(
    dir: &Path,
    job: &SweepJob,
    result: &SweepResult,
    info: &RunInfo,
) -> std::io::Result<()> {
    output::write_file(dir, "sweep.csv", |w| write_sweep(w, &job.plan, result))?;
    output::write_file(dir, "sweep_points.csv", |w| {
        write_sweep_points(w, &job.plan, result)
    })?;
    if job.plan.outputs.timeseries {
        output::write_file(dir, "sweep_timeseries.csv", |w| {
            write_sweep_timeseries(w, &job.plan, result)
        })?;
    }
    output::write_file(dir, "scenario.toml", |w| {
        w.write_all(output::resolved_toml(&job.s).as_bytes())
    })?;
    let manifest = with_timing(&job.manifest, info);
    output::write_file(dir, "manifest.json", |w| output::write_json(w, &manifest))
}

/// `manifest` with the timing fields of `info` added: `command_line`, `threads`,
/// `wall_seconds` (the fields that differ between two runs of the same work).
pub fn with_timing(manifest: &serde_json::Value, info: &RunInfo) -> serde_json::Value {
    let mut m = manifest.clone();
    m["command_line"] = serde_json::json!(info.command_line);
    m["threads"] = serde_json::json!(info.threads);
    m["wall_seconds"] = serde_json::json!(info.wall_seconds);
    m
}

/// The line printed when a sweep is done, and its table.
pub fn report_done(job: &SweepJob, result: &SweepResult, wall: f64, out: &Path, ran: usize) {
    let hm: f64 = result
        .households
        .iter()
        .map(|h| *h as f64 * f64::from(result.months))
        .sum::<f64>()
        * ran as f64
        / result.households.len().max(1) as f64;
    note(&i18n::fmt(
        i18n::SWEEP_DONE,
        &[
            ("n", &job.plan.points.len().to_string()),
            ("reps", &result.reps.to_string()),
            ("s", &format!("{wall:.2}")),
            ("t", &format!("{:.1}", throughput(hm, wall))),
            ("dir", &out.display().to_string()),
        ],
    ));
    emit(&text::sweep_table(&job.plan, result));
}

/// Test hook: `SHEQU_TEST_ABORT_AFTER_UNITS=K` aborts the process (as a kill would) once
/// this process has checkpointed K units, so tests can interrupt a sweep at a known point.
fn abort_hook() -> Option<usize> {
    std::env::var("SHEQU_TEST_ABORT_AFTER_UNITS")
        .ok()?
        .parse()
        .ok()
}

/// Runs `shequ sweep`. Every finished unit is checkpointed beside the output folder
/// (`.NAME.sweep-partial`, a plan folder: see [`crate::io::plan`]); `--resume` continues
/// from it, anything else starts afresh. The checkpoint is removed once the result is
/// published.
pub fn sweep(a: &SweepArgs, args: &[String]) -> Result {
    let quiet = a.common.quiet;
    let job = prepare(a)?;
    let threads = threads(a.common.threads)?;
    check_all_fit(
        job.plan.points.iter().map(|pt| &pt.params),
        job.plan.points.len(),
        threads,
        job.plan.outputs.timeseries,
        a.common.allow_large,
    )?;
    let run = job.s.params.run.clone();
    let out = a.common.out.clone().unwrap_or_else(|| job.default_out());
    let claim = claim(&out)?;
    let ckpt = checkpoint_path(&out, "sweep");
    let total = job.units();
    let mut spec = plan_spec(&job, args);
    let texts = [output::resolved_toml(&job.s)];
    let resumable = plan::read(&ckpt).ok();
    let mut done: Vec<Option<Unit>> = vec![None; total];
    match resumable {
        Some(old) if a.resume => {
            if old.spec.compute_fingerprint(&texts) != {
                let mut s2 = spec.clone();
                s2.command_line.clone_from(&old.spec.command_line);
                s2.compute_fingerprint(&texts)
            } {
                return Err(Error::Input(format!(
                    "--resume: the checkpoint {} is of a sweep with other arguments, scenario or shequ version; run the same sweep with --resume, or without --resume to start over",
                    ckpt.display()
                )));
            }
            spec = old.spec;
            for (u, slot) in done.iter_mut().enumerate() {
                if let Ok(Some(UnitResult::End(e))) = plan::read_unit(&ckpt, &spec.fingerprint, u) {
                    *slot = Some(*e);
                }
            }
        }
        _ => {
            if ckpt.join("plan.json").exists() && a.resume {
                return Err(Error::Input(format!(
                    "--resume: {} is not a checkpoint this shequ can use (written by another version, or changed); run without --resume to start over",
                    ckpt.display()
                )));
            }
            if ckpt.exists() {
                plan::remove(&ckpt);
                if ckpt.exists() {
                    return Err(Error::Input(format!(
                        "{} is in the way of the sweep's checkpoint and holds files shequ did not write; move it away",
                        ckpt.display()
                    )));
                }
            }
            plan::write(&ckpt, &mut spec, std::slice::from_ref(&job.s))?;
        }
    }
    let pending: Vec<usize> = (0..total).filter(|u| done[*u].is_none()).collect();
    if !quiet {
        let resumed = total - pending.len();
        let resume = if a.resume {
            i18n::fmt(
                i18n::SWEEP_RESUMING,
                &[("n", &resumed.to_string()), ("m", &total.to_string())],
            )
        } else {
            String::new()
        };
        note(&i18n::fmt(
            i18n::SWEEP_START,
            &[("what", &job.describe()), ("resume", &resume)],
        ));
    }
    let started = Instant::now();
    let bar = progress_bar(total as u64, quiet, "point-replications");
    bar.inc((total - pending.len()) as u64);
    let abort_after = abort_hook();
    let written = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::Mutex::new(None);
    let computed = units::run(&pending, threads, &|u| job.run_unit(u), &|u, r| {
        let bytes = plan::encode(&spec.fingerprint, u, &UnitResult::End(Box::new(r.clone())));
        if let Err(e) = plan::write_unit(&ckpt, u, &bytes) {
            if let Ok(mut f) = failed.lock() {
                f.get_or_insert(e);
            }
        }
        let n = written.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        if abort_after == Some(n) {
            std::process::abort();
        }
        bar.inc(1);
    });
    bar.finish_and_clear();
    let computed = computed.map_err(|e| Error::threads(threads, e))?;
    if let Some(e) = failed.into_inner().ok().flatten() {
        return Err(Error::Run(format!("cannot checkpoint the sweep: {e}")));
    }
    for (u, r) in pending.iter().zip(computed) {
        done[*u] = Some(r);
    }
    let result = SweepResult::from_units(run.replications, done.into_iter().flatten().collect());
    let wall = started.elapsed().as_secs_f64();
    let info = RunInfo {
        command_line: args.to_vec(),
        wall_seconds: wall,
        threads: threads.unwrap_or_else(rayon::current_num_threads),
        posterior: None,
    };
    publish(claim, quiet, |dir| write_outputs(dir, &job, &result, &info))?;
    plan::remove(&ckpt);
    if !quiet {
        report_done(&job, &result, wall, &out, pending.len());
    }
    Ok(())
}

/// The plan of a sweep's units (`plan.json`): what `shequ plan sweep` writes and what a
/// sweep checkpoints into. Its fingerprint is filled in by [`plan::write`].
pub fn plan_spec(job: &SweepJob, args: &[String]) -> PlanSpec {
    let mut spec = PlanSpec::new(
        "sweep",
        args,
        &job.s.params.run,
        job.plan.points.len(),
        job.manifest.clone(),
    );
    spec.scenarios = vec![scenario_record(&job.s, "1.toml")];
    spec.keys = job.plan.keys.clone();
    spec.design = job.design.clone();
    spec.points = job
        .plan
        .points
        .iter()
        .map(|p| p.values.iter().map(toml::Value::to_string).collect())
        .collect();
    spec
}

/// How a plan records scenario `s`, kept in `scenarios/FILE`.
pub fn scenario_record(s: &Scenario, file: &str) -> ScenarioRecord {
    ScenarioRecord {
        file: file.to_string(),
        name: s.name.clone(),
        description: s.description.clone(),
        files: s.files.iter().map(|f| f.display().to_string()).collect(),
        overrides: s.overrides.clone(),
    }
}

/// The sweep of a plan read back (exit 2 if its points no longer check).
pub fn from_plan(p: &plan::Loaded) -> Result<SweepJob> {
    let bad = |m: String| Error::Input(format!("{}: {m}", p.dir.join("plan.json").display()));
    let s = p
        .scenarios
        .first()
        .ok_or_else(|| bad("a sweep plan needs its scenario".into()))?
        .clone();
    let design = match p.spec.design.as_str() {
        "grid" => Design::Grid,
        d if d.starts_with("file ") => Design::Given,
        d => match d.strip_prefix("lhs ").and_then(|n| n.parse().ok()) {
            Some(n) => Design::Lhs(n),
            None => return Err(bad(format!("design `{d}` is not grid, lhs N or file PATH"))),
        },
    };
    let mut rows = Vec::with_capacity(p.spec.points.len());
    for (i, texts) in p.spec.points.iter().enumerate() {
        let values = texts
            .iter()
            .map(|t| {
                format!("v = {t}")
                    .parse::<toml::Table>()
                    .ok()
                    .and_then(|mut tb| tb.remove("v"))
                    .ok_or_else(|| bad(format!("point {i}: `{t}` is not a TOML value")))
            })
            .collect::<Result<Vec<_>>>()?;
        rows.push(values);
    }
    let mut plan =
        sweep::plan_given(&s.params, &p.spec.keys, rows).map_err(|e| bad(e.to_string()))?;
    plan.design = design;
    // What the sweep keeps, as its manifest records it.
    let m = &p.spec.manifest;
    let metrics: Vec<&str> = m["metrics"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    plan.outputs = outputs(
        m["window"].as_str(),
        (!metrics.is_empty()).then(|| metrics.join(",")).as_deref(),
        m["timeseries"].as_bool().unwrap_or(false),
        s.params.run.years,
    )
    .map_err(|e| bad(e.to_string()))?;
    Ok(SweepJob {
        s,
        plan,
        design: p.spec.design.clone(),
        manifest: p.spec.manifest.clone(),
    })
}
