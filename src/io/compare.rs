//! `shequ compare` and `shequ sweep`: their command lines, their outputs
//! (`comparison.csv`, `sweep.csv`, `sweep_points.csv`) and the progress bar shared with
//! `shequ run`.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::experiment::RunResult;
use crate::experiment::compare::{self, Difference, Window};
use crate::experiment::sweep::{self, Design, Plan, SweepResult, Vary};
use crate::io::cli::{CommonArgs, EXIT_INPUT, EXIT_RUN, resolve};
use crate::io::output::{self, RunInfo};
use crate::io::scenario::{self, Scenario};
use crate::model::metrics::{M, METRICS};

/// `shequ compare BASE OTHER [MORE...]`.
#[derive(Args, Debug, Clone, Default)]
pub struct CompareArgs {
    /// The base scenario (TOML); every other scenario is compared with it.
    pub base: PathBuf,
    /// One or more scenarios to compare with the base. All run with the base's seed,
    /// replications and years, so replication r of each sees the same random draws.
    #[arg(required = true)]
    pub others: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

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

fn cell(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        x.to_string()
    }
}

fn write_file(
    dir: &Path,
    name: &str,
    f: impl FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let path = dir.join(name);
    let with = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    let mut w = BufWriter::new(fs::File::create(&path).map_err(with)?);
    f(&mut w).map_err(with)?;
    w.flush().map_err(with)
}

/// Columns of `comparison.csv`, in order (the plots read them back by these names).
pub const COMPARISON_COLUMNS: [&str; 12] = [
    "metric",
    "window",
    "scenario",
    "base",
    "n",
    "base_mean",
    "scenario_mean",
    "diff_mean",
    "diff_sd",
    "diff_ci95_low",
    "diff_ci95_high",
    "excludes_zero",
];

/// Writes `comparison.csv`: one row per metric x scenario x window (`labels[0]` is the base).
pub fn write_comparison(w: impl Write, labels: &[String], diffs: &[Difference]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(COMPARISON_COLUMNS)?;
    for d in diffs {
        w.write_record([
            d.metric.to_string(),
            d.window.name().to_string(),
            labels[d.scenario].clone(),
            labels[0].clone(),
            d.diff.n.to_string(),
            cell(d.base_mean),
            cell(d.scenario_mean),
            cell(d.diff.mean),
            cell(d.diff.sd),
            cell(d.diff.ci_low),
            cell(d.diff.ci_high),
            d.excludes_zero().to_string(),
        ])?;
    }
    w.flush()
}

/// Writes `sweep.csv`: one row per point x replication with the varied values and the
/// end state (last-year mean) of every metric.
pub fn write_sweep(w: impl Write, plan: &Plan, r: &SweepResult) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    let mut header = vec!["point".to_string(), "rep".to_string()];
    header.extend(plan.keys.iter().cloned());
    header.extend(METRICS.iter().map(|m| m.name.to_string()));
    w.write_record(&header)?;
    let mut rec = Vec::with_capacity(header.len());
    for (p, point) in plan.points.iter().enumerate() {
        for (rep, row) in r.point(p).iter().enumerate() {
            rec.clear();
            rec.push(p.to_string());
            rec.push(rep.to_string());
            rec.extend(point.values.iter().map(sweep::value_text));
            rec.extend(row.iter().map(|x| cell(*x)));
            w.write_record(&rec)?;
        }
    }
    w.flush()
}

/// Writes `sweep_points.csv`: one row per point with the varied values, the number of
/// replications and, per metric, the mean end state and its t-based 95 % interval
/// (`<metric>_mean`, `<metric>_ci95_low`, `<metric>_ci95_high`).
pub fn write_sweep_points(w: impl Write, plan: &Plan, r: &SweepResult) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    let mut header = vec!["point".to_string()];
    header.extend(plan.keys.iter().cloned());
    header.push("n".into());
    for m in METRICS {
        for suffix in ["mean", "ci95_low", "ci95_high"] {
            header.push(format!("{}_{suffix}", m.name));
        }
    }
    w.write_record(&header)?;
    for (p, point) in plan.points.iter().enumerate() {
        let mut rec = vec![p.to_string()];
        rec.extend(point.values.iter().map(sweep::value_text));
        rec.push(r.reps.to_string());
        for s in r.summary(p) {
            rec.extend([cell(s.mean), cell(s.ci_low), cell(s.ci_high)]);
        }
        w.write_record(&rec)?;
    }
    w.flush()
}

/// A file-system-safe label for each scenario name, unique within the comparison.
pub fn labels(names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let mut base: String = name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if base.is_empty() || base.starts_with('.') {
            base.insert(0, 's');
        }
        let mut label = base.clone();
        let mut k = 2;
        // Not the name of a file or folder the comparison itself writes.
        while out.contains(&label)
            || ["comparison.csv", "manifest.json", "plots", "report.html"].contains(&label.as_str())
        {
            label = format!("{base}-{k}");
            k += 1;
        }
        out.push(label);
    }
    out
}

fn household_months(households: u64, months: u32) -> f64 {
    households as f64 * f64::from(months)
}

fn commit() -> serde_json::Value {
    let c = env!("SHEQU_GIT_COMMIT");
    if c.is_empty() {
        serde_json::Value::Null
    } else {
        c.into()
    }
}

fn write_json(w: &mut BufWriter<fs::File>, v: &serde_json::Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, v)?;
    w.write_all(b"\n")
}

/// Writes to stdout, ignoring a closed pipe.
fn emit(text: &str) {
    let _ = io::stdout().lock().write_all(text.as_bytes());
}

/// The metrics in the terminal table of `compare` and `sweep`.
const MAIN_METRICS: [&str; 6] = [
    "fee_collection_rate",
    "service_quality",
    "owner_satisfaction",
    "managed_share",
    "firm_exits",
    "public_cost",
];

fn signed(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else if x.abs() >= 1e4 {
        format!("{x:+.0}")
    } else {
        format!("{x:+.3}")
    }
}

fn plain(x: f64) -> String {
    if x.abs() >= 1e4 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

/// The terminal table of a comparison: last-year differences of the main metrics.
pub fn comparison_table(labels: &[String], diffs: &[Difference], reps: usize) -> String {
    let mut s = String::new();
    for (k, label) in labels.iter().enumerate().skip(1) {
        let _ = writeln!(
            s,
            "\n{label} - {} (last-year means; paired over {reps} replication(s); * = 95 % CI excludes 0)",
            labels[0]
        );
        let _ = writeln!(
            s,
            "{:<22} {:>12} {:>12} {:>12}  95 % CI",
            "metric", "base", "scenario", "difference"
        );
        for m in MAIN_METRICS {
            let Some(d) = diffs
                .iter()
                .find(|d| d.metric == m && d.scenario == k && d.window == Window::LastYear)
            else {
                continue;
            };
            let ci = format!("[{}, {}]", signed(d.diff.ci_low), signed(d.diff.ci_high));
            let line = format!(
                "{m:<22} {:>12} {:>12} {:>12}  {ci:<27}{}",
                plain(d.base_mean),
                plain(d.scenario_mean),
                signed(d.diff.mean),
                if d.excludes_zero() { " *" } else { "" }
            );
            let _ = writeln!(s, "{}", line.trim_end());
        }
    }
    s
}

/// Draws the plots and report of a finished output directory, as `shequ run` does; on
/// failure prints the error (the CSVs stay) and gives the exit code.
fn render(out: &Path, quiet: bool) -> Result<(), i32> {
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
        Err(e) => {
            eprintln!(
                "error: {e:#}\n(the results are in {}; `shequ plot {}` retries the plots)",
                out.display(),
                out.display()
            );
            Err(EXIT_RUN)
        }
    }
}

/// Runs `shequ compare`; returns the exit code.
pub fn compare_command(a: &CompareArgs, args: &[String]) -> i32 {
    let quiet = a.common.quiet;
    let mut scenarios: Vec<Scenario> = Vec::new();
    for path in std::iter::once(&a.base).chain(&a.others) {
        match resolve(path, &a.common) {
            Ok(s) => scenarios.push(s),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_INPUT;
            }
        }
    }
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
            eprintln!(
                "note: {} runs with the base's {} (recorded in its manifest)",
                s.name,
                what.join(", ")
            );
        }
        if let Err(e) = scenario::apply_overrides(s, &sets) {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    }
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    let labels = labels(&names);
    let out = a.common.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!(
            "compare-{}-vs-{}",
            labels[0],
            labels[1..].join("-")
        ))
    });
    if !quiet {
        eprintln!(
            "shequ compare: {} vs {} - {} replication(s) x {} years each, seed {} (common random numbers)",
            labels[0],
            labels[1..].join(", "),
            run.replications,
            run.years,
            run.seed
        );
    }
    let started = Instant::now();
    let params: Vec<_> = scenarios.iter().map(|s| s.params.clone()).collect();
    let bar = progress_bar(
        params.len() as u64 * u64::from(run.replications),
        quiet,
        "replications",
    );
    let runs = match compare::run_all(&params, a.common.threads, &|| bar.inc(1)) {
        Ok(r) => r,
        Err(e) => {
            bar.finish_and_clear();
            eprintln!("error: cannot start {:?} threads: {e}", a.common.threads);
            return EXIT_INPUT;
        }
    };
    bar.finish_and_clear();
    let (results, secs): (Vec<RunResult>, Vec<f64>) = runs.into_iter().unzip();
    let diffs = match compare::compare(&results) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_RUN;
        }
    };
    let wall = started.elapsed().as_secs_f64();
    let threads = a.common.threads.unwrap_or_else(rayon::current_num_threads);
    let written = output::commit_dir(&out, |dir| {
        for (((s, r), secs), label) in scenarios.iter().zip(&results).zip(&secs).zip(&labels) {
            let info = RunInfo {
                command_line: args.to_vec(),
                wall_seconds: *secs,
                threads,
            };
            output::write_run(&dir.join(label), s, r, &info)?;
        }
        write_file(dir, "comparison.csv", |w| {
            write_comparison(w, &labels, &diffs)
        })?;
        let manifest = serde_json::json!({
            "shequ_version": env!("CARGO_PKG_VERSION"),
            "git_commit": commit(),
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
            "pairing": "every scenario runs replications 0..replications with the same seed; streams derive from (seed, replication, community, mechanism), so replication r of each scenario sees the same draws wherever the worlds agree. comparison.csv: differences scenario - base taken replication by replication, t-based 95 % CI",
            "command_line": args,
            "threads": threads,
            "wall_seconds": wall,
        });
        write_file(dir, "manifest.json", |w| write_json(w, &manifest))
    });
    if let Err(e) = written {
        eprintln!("error: {e}");
        return EXIT_RUN;
    }
    if !quiet {
        let hm: f64 = results
            .iter()
            .map(|r| {
                r.reps.len() as f64
                    * household_months(r.reps.first().map_or(0, |x| x.households), r.months)
            })
            .sum();
        eprintln!(
            "done: {} scenarios x {} replication(s) in {wall:.2} s ({:.1} million household-months/s); results in {}",
            scenarios.len(),
            run.replications,
            hm / wall.max(1e-9) / 1e6,
            out.display()
        );
        emit(&comparison_table(
            &labels,
            &diffs,
            run.replications as usize,
        ));
    }
    // Plots and report, drawn from the finished directory; the CSVs stay if this fails.
    if let Err(code) = render(&out, quiet) {
        return code;
    }
    0
}

/// The terminal table of a sweep: per point, the varied values and the mean end state of
/// the main metrics.
pub fn sweep_table(plan: &Plan, r: &SweepResult) -> String {
    const MAX_ROWS: usize = 40;
    let mut s = String::new();
    let cols: Vec<(usize, &str)> = MAIN_METRICS
        .iter()
        .filter_map(|m| M::from_name(m).map(M::index).map(|i| (i, *m)))
        .take(4)
        .collect();
    let _ = write!(s, "{:>6}", "point");
    for k in &plan.keys {
        let short = k.rsplit('.').next().unwrap_or(k);
        let _ = write!(s, " {short:>20}");
    }
    for (_, m) in &cols {
        let _ = write!(s, " {m:>20}");
    }
    s.push('\n');
    for (p, point) in plan.points.iter().enumerate().take(MAX_ROWS) {
        let _ = write!(s, "{p:>6}");
        for v in &point.values {
            let shown = match v {
                toml::Value::Float(x) if x.fract() != 0.0 => format!("{x:.4}"),
                other => sweep::value_text(other),
            };
            let _ = write!(s, " {shown:>20}");
        }
        let sum = r.summary(p);
        for (i, _) in &cols {
            let _ = write!(s, " {:>20}", plain(sum[*i].mean));
        }
        s.push('\n');
    }
    if plan.points.len() > MAX_ROWS {
        let _ = writeln!(
            s,
            "... {} more point(s) in sweep_points.csv",
            plan.points.len() - MAX_ROWS
        );
    }
    s.push_str("(last-year means over replications; every metric with its 95 % CI is in sweep_points.csv)\n");
    s
}

/// Runs `shequ sweep`; returns the exit code.
pub fn sweep_command(a: &SweepArgs, args: &[String]) -> i32 {
    let quiet = a.common.quiet;
    let s = match resolve(&a.scenario, &a.common) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let varies: Vec<Vary> = match a.vary.iter().map(|v| Vary::parse(v)).collect() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let design = a.lhs.map_or(Design::Grid, Design::Lhs);
    let plan = match sweep::plan(&s.params, &varies, design) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let run = s.params.run.clone();
    let out = a.common.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!("sweep-{}", labels(&[&s.name])[0]))
    });
    let n_points = plan.points.len();
    if !quiet {
        let how = match design {
            Design::Grid => "grid".to_string(),
            Design::Lhs(n) => format!("Latin hypercube of {n}"),
        };
        eprintln!(
            "shequ sweep: {} - {n_points} point(s) ({how} over {}) x {} replication(s) x {} years, seed {} (common random numbers)",
            s.name,
            plan.keys.join(", "),
            run.replications,
            run.years,
            run.seed
        );
    }
    let started = Instant::now();
    let bar = progress_bar(
        n_points as u64 * u64::from(run.replications),
        quiet,
        "point-replications",
    );
    let result = match sweep::run(&plan, run.seed, run.replications, a.common.threads, &|| {
        bar.inc(1)
    }) {
        Ok(r) => r,
        Err(e) => {
            bar.finish_and_clear();
            eprintln!("error: cannot start {:?} threads: {e}", a.common.threads);
            return EXIT_INPUT;
        }
    };
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let threads = a.common.threads.unwrap_or_else(rayon::current_num_threads);
    let written = output::commit_dir(&out, |dir| {
        write_file(dir, "sweep.csv", |w| write_sweep(w, &plan, &result))?;
        write_file(dir, "sweep_points.csv", |w| {
            write_sweep_points(w, &plan, &result)
        })?;
        write_file(dir, "scenario.toml", |w| {
            w.write_all(output::resolved_toml(&s).as_bytes())
        })?;
        let manifest = serde_json::json!({
            "shequ_version": env!("CARGO_PKG_VERSION"),
            "git_commit": commit(),
            "command": "sweep",
            "scenario": s.name,
            "description": s.description,
            "scenario_files": s.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
            "overrides": s.overrides,
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
        });
        write_file(dir, "manifest.json", |w| write_json(w, &manifest))
    });
    if let Err(e) = written {
        eprintln!("error: {e}");
        return EXIT_RUN;
    }
    if !quiet {
        let hm: f64 = result
            .households
            .iter()
            .map(|h| household_months(*h, result.months))
            .sum();
        eprintln!(
            "done: {n_points} point(s) x {} replication(s) in {wall:.2} s ({:.1} million household-months/s); results in {}",
            run.replications,
            hm / wall.max(1e-9) / 1e6,
            out.display()
        );
        emit(&sweep_table(&plan, &result));
    }
    // Plots and report, drawn from the finished directory; the CSVs stay if this fails.
    if let Err(code) = render(&out, quiet) {
        return code;
    }
    0
}
