//! `shequ calibrate SCENARIO --targets targets.toml --space SPACE.toml --n N`: history
//! matching / rejection ABC of a scenario's uncertain keys against external targets
//! (docs/ODD.md §9, `experiment::calibrate`).
//!
//! Samples `N` points of the space as a Latin hypercube (the sweep's stream,
//! `experiment::sweep::lhs_unit`, mapped through each factor's distribution), runs every
//! point's replications with common random numbers, and writes `all_points.csv`,
//! `accepted.csv`, `targets_fit.csv`, `calibrated.toml` (if a point is accepted),
//! `manifest.json`, the plots and `report.html`, published whole (a failed run leaves an
//! earlier result intact).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use clap::Args;

use crate::experiment::calibrate::{self, DEFAULT_CUTOFF, PointFit, Target};
use crate::experiment::sweep::{MAX_POINTS, lhs_unit};
use crate::io::i18n;
use crate::io::cli::CommonArgs;
use crate::io::commands::{
    check_all_fit, claim, note, progress_bar, publish, resolve, say, threads,
};
use crate::io::error::{Error, Result};
use crate::io::output::{self, cell};
use crate::io::scenario::Scenario;
use crate::io::space::{Factor, load_space};
use crate::io::targets;
use crate::model::params::Params;
use crate::model::params::domain::{Domain, SetError};

/// `shequ calibrate SCENARIO --targets FILE --space FILE --n N [--cutoff C]`.
#[derive(Args, Debug, Clone, Default)]
pub struct CalibrateArgs {
    /// Scenario file (TOML) whose keys are calibrated.
    pub scenario: PathBuf,
    /// Targets file: [[target]] tables with metric, window, lo, hi, source, grade, holdout.
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    /// Space file: [[factor]] tables with name (a scenario key), lo, hi and optional dist.
    #[arg(long, value_name = "FILE")]
    pub space: PathBuf,
    /// Points of the Latin hypercube.
    #[arg(long, value_name = "N")]
    pub n: u32,
    /// Implausibility cutoff: a point is accepted when every calibration target's
    /// implausibility is below it (default 3, Pukelsheim's three-sigma rule).
    #[arg(long, value_name = "C", default_value_t = DEFAULT_CUTOFF)]
    pub cutoff: f64,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// One sampled point: the factors' values and the parameters.
struct Point {
    values: Vec<toml::Value>,
    params: Params,
}

fn number(v: &toml::Value) -> f64 {
    match v {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(x) => *x,
        _ => f64::NAN,
    }
}

fn text(v: &toml::Value) -> String {
    match v {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(x) => x.to_string(),
        other => other.to_string(),
    }
}

/// Checks the factors against the parameter registry and places `n` points.
fn sample(base: &Params, factors: &[Factor], n: u32, space: &Path) -> Result<Vec<Point>> {
    let refuse =
        |name: &str, m: String| Error::Input(format!("{}: factor `{name}`: {m}", space.display()));
    if n == 0 || n as usize > MAX_POINTS {
        return Err(Error::Input(format!(
            "--n {n}: expected 1 to {MAX_POINTS} points"
        )));
    }
    let specs = Params::specs();
    let mut ints = Vec::with_capacity(factors.len());
    for f in factors {
        let Some(spec) = specs.iter().find(|s| s.key == f.name) else {
            return Err(refuse(
                &f.name,
                "not a scenario key; `shequ explain` lists every key".into(),
            ));
        };
        if f.name.starts_with("run.") {
            return Err(refuse(
                &f.name,
                "run.* keys cannot be calibrated; use --seed, --reps, --years".into(),
            ));
        }
        ints.push(match spec.domain {
            Domain::Real { .. } => false,
            Domain::Int { .. } => true,
            other => {
                return Err(refuse(
                    &f.name,
                    format!("only numeric keys can be calibrated; this one takes {other}"),
                ));
            }
        });
    }
    let units = lhs_unit(n as usize, factors.len(), base.run.seed);
    let mut points = Vec::with_capacity(units.len());
    for (index, unit) in units.iter().enumerate() {
        let mut params = base.clone();
        let mut values = Vec::with_capacity(factors.len());
        for ((f, u), int) in factors.iter().zip(unit).zip(&ints) {
            let x = f.scale(*u);
            if !x.is_finite() {
                return Err(refuse(&f.name, format!("point {index}: no finite value")));
            }
            let v = if *int {
                toml::Value::Integer(x.round() as i64)
            } else {
                toml::Value::Float(x)
            };
            match params.set(&f.name, &v) {
                Ok(()) => {}
                Err(SetError::Unknown) => return Err(refuse(&f.name, "no such key".into())),
                Err(SetError::Invalid(m)) => {
                    return Err(refuse(
                        &f.name,
                        format!("point {index} ({}): {m}", text(&v)),
                    ));
                }
            }
            values.push(v);
        }
        if let Err((keys, m)) = params.check_consistency() {
            return Err(Error::Input(format!(
                "{}: point {index}: {} ({m})",
                space.display(),
                keys.join(", ")
            )));
        }
        if let Err(e) = params.check_changes() {
            return Err(Error::Input(format!(
                "{}: point {index}: changes[{}]: {}",
                space.display(),
                e.index,
                e.message
            )));
        }
        points.push(Point { values, params });
    }
    Ok(points)
}

/// The header of `all_points.csv` and `accepted.csv`.
fn header(factors: &[Factor], targets: &[Target]) -> Vec<String> {
    let mut h = vec!["point".to_string()];
    h.extend(factors.iter().map(|f| f.name.clone()));
    for t in targets {
        h.push(format!("{}_mean", t.name));
        h.push(format!("{}_sd", t.name));
        h.push(format!("{}_I", t.name));
    }
    h.extend(["max_I".to_string(), "accepted".to_string()]);
    h
}

fn write_points(
    w: impl std::io::Write,
    factors: &[Factor],
    targets: &[Target],
    points: &[Point],
    fits: &[PointFit],
    only_accepted: bool,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(header(factors, targets))?;
    for (p, (pt, fit)) in points.iter().zip(fits).enumerate() {
        if only_accepted && !fit.accepted {
            continue;
        }
        let mut rec = vec![p.to_string()];
        rec.extend(pt.values.iter().map(text));
        for f in &fit.fits {
            rec.extend([cell(f.mean), cell(f.sd), cell(f.implausibility)]);
        }
        rec.extend([cell(fit.max_implausibility), fit.accepted.to_string()]);
        w.write_record(&rec)?;
    }
    w.flush()
}

/// The header of `targets_fit.csv`.
pub const TARGETS_FIT_COLUMNS: [&str; 14] = [
    "target",
    "metric",
    "window",
    "lo",
    "hi",
    "grade",
    "holdout",
    "accepted",
    "share_in_range",
    "share_plausible",
    "median_mean",
    "min_mean",
    "max_mean",
    "source",
];

fn write_targets_fit(
    w: impl std::io::Write,
    targets: &[Target],
    fits: &[PointFit],
    accepted: &[usize],
    cutoff: f64,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(TARGETS_FIT_COLUMNS)?;
    for (i, t) in targets.iter().enumerate() {
        let f = calibrate::set_fit(t, i, fits, accepted, cutoff);
        w.write_record([
            t.name.clone(),
            t.metric.name().to_string(),
            t.window.name().to_string(),
            cell(t.lo),
            cell(t.hi),
            t.grade.name().to_string(),
            t.holdout.to_string(),
            accepted.len().to_string(),
            cell(f.share_in_range),
            cell(f.share_plausible),
            cell(f.median_mean),
            cell(f.min_mean),
            cell(f.max_mean),
            t.source.clone(),
        ])?;
    }
    w.flush()
}

/// `to` (a file) relative to directory `from`, both absolute, with `/` separators.
fn relative(from: &Path, to: &Path) -> String {
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".into(); a.len() - common];
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// A TOML value as it is written in a file.
fn toml_text(v: &toml::Value) -> String {
    v.to_string()
}

/// `calibrated.toml`: a scenario that extends `extends` (relative to the output folder)
/// with the command line's overrides and each factor at the accepted points' median.
fn calibrated_toml(
    s: &Scenario,
    extends: &str,
    factors: &[Factor],
    medians: &[toml::Value],
    accepted: usize,
    n: usize,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Calibrated by `shequ calibrate` ({}): scenario `{}` with each factor of the space at the\n\
         # median of the {accepted} accepted point(s) of {n} (docs/ODD.md §9). The overrides given on the\n\
         # command line are repeated below so that `shequ run` on this file runs what was calibrated.",
        env!("CARGO_PKG_VERSION"),
        s.name
    );
    let _ = writeln!(
        out,
        "name = {}",
        toml::Value::String(format!("{}-calibrated", s.name))
    );
    let _ = writeln!(
        out,
        "description = {}",
        toml::Value::String(format!(
            "{} Calibrated: {} at the median of the accepted points.",
            s.description,
            factors
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    );
    let _ = writeln!(
        out,
        "extends = {}",
        toml::Value::String(extends.to_string())
    );
    let mut written: Vec<String> = Vec::new();
    for o in &s.overrides {
        // As recorded: "--set key=value", "--years run.years=4", ...
        let raw = o.split_once(' ').map_or(o.as_str(), |x| x.1);
        let Some((key, _)) = raw.split_once('=') else {
            continue;
        };
        let key = key.trim().to_string();
        if factors.iter().any(|f| f.name == key) || written.contains(&key) {
            continue;
        }
        if let Some(v) = s.params.get(&key) {
            let _ = writeln!(out, "{key} = {}   # command-line override", toml_text(&v));
            written.push(key);
        }
    }
    for (f, v) in factors.iter().zip(medians) {
        let _ = writeln!(
            out,
            "{} = {}   # median of accepted points; space {}-{}",
            f.name,
            toml_text(v),
            f.lo,
            f.hi
        );
    }
    out
}

/// Runs `shequ calibrate`.
pub fn calibrate(a: &CalibrateArgs, args: &[String]) -> Result {
    let quiet = a.common.quiet;
    let s = resolve(&a.scenario, &a.common)?;
    let targets = targets::load(&a.targets)?;
    let factors = load_space(&a.space)?;
    if !(a.cutoff.is_finite() && a.cutoff > 0.0) {
        return Err(Error::Input(format!(
            "--cutoff {}: expected a positive number (3: Pukelsheim's three-sigma rule)",
            a.cutoff
        )));
    }
    let points = sample(&s.params, &factors, a.n, &a.space)?;
    let threads = threads(a.common.threads)?;
    check_all_fit(
        points.iter().map(|pt| &pt.params),
        points.len(),
        threads,
        false,
        a.common.allow_large,
    )?;
    let run = s.params.run.clone();
    let out = a.common.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!("calibrate-{}", s.name.replace(' ', "_")))
    });
    // The path of the scenario from the output folder, for calibrated.toml's `extends`.
    let scenario_abs = a
        .scenario
        .canonicalize()
        .map_err(|e| Error::Input(format!("{}: {e}", a.scenario.display())))?;
    let claim = claim(&out)?;
    let out_abs = match (out.parent(), out.file_name()) {
        (Some(p), Some(name)) => {
            let p = if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            };
            p.canonicalize().map(|p| p.join(name))
        }
        _ => out.canonicalize(),
    }
    .map_err(|e| Error::Run(format!("{}: {e}", out.display())))?;
    let extends = relative(&out_abs, &scenario_abs);
    let n_points = points.len();
    if !quiet {
        let keys: Vec<&str> = factors.iter().map(|f| f.name.as_str()).collect();
        note(&i18n::fmt(
            i18n::CAL_START,
            &[
                ("name", &s.name),
                ("n", &n_points.to_string()),
                ("keys", &keys.join(", ")),
                ("reps", &run.replications.to_string()),
                ("years", &run.years.to_string()),
                ("seed", &run.seed.to_string()),
                ("t", &targets.len().to_string()),
                (
                    "h",
                    &targets.iter().filter(|t| t.holdout).count().to_string(),
                ),
                ("c", &a.cutoff.to_string()),
            ],
        ));
    }
    let started = Instant::now();
    let bar = progress_bar(
        n_points as u64 * u64::from(run.replications),
        quiet,
        "point-replications",
    );
    let params: Vec<Params> = points.iter().map(|p| p.params.clone()).collect();
    let values = calibrate::simulate(
        &params,
        &targets,
        run.seed,
        run.replications,
        threads,
        &|| bar.inc(1),
    );
    bar.finish_and_clear();
    let values = values.map_err(|e| Error::threads(threads, e))?;
    let wall = started.elapsed().as_secs_f64();
    let fits: Vec<PointFit> = values
        .iter()
        .map(|v| calibrate::assess(&targets, v, a.cutoff))
        .collect();
    let accepted: Vec<usize> = (0..n_points).filter(|&p| fits[p].accepted).collect();
    let medians: Vec<toml::Value> = (0..factors.len())
        .map(|k| {
            let xs: Vec<f64> = accepted
                .iter()
                .map(|&p| number(&points[p].values[k]))
                .collect();
            let m = calibrate::median(&xs);
            match points[0].values[k] {
                toml::Value::Integer(_) => toml::Value::Integer(m.round() as i64),
                _ => toml::Value::Float(m),
            }
        })
        .collect();
    let used_threads = threads.unwrap_or_else(rayon::current_num_threads);
    let calibrated = (!accepted.is_empty())
        .then(|| calibrated_toml(&s, &extends, &factors, &medians, accepted.len(), n_points));
    publish(claim, quiet, |dir| {
        output::write_file(dir, "all_points.csv", |w| {
            write_points(w, &factors, &targets, &points, &fits, false)
        })?;
        output::write_file(dir, "accepted.csv", |w| {
            write_points(w, &factors, &targets, &points, &fits, true)
        })?;
        output::write_file(dir, "targets_fit.csv", |w| {
            write_targets_fit(w, &targets, &fits, &accepted, a.cutoff)
        })?;
        if let Some(text) = &calibrated {
            output::write_file(dir, "calibrated.toml", |w| w.write_all(text.as_bytes()))?;
        }
        let manifest = output::scenario_manifest(
            &s,
            "calibrate",
            serde_json::json!({
            "targets_file": a.targets.display().to_string(),
            "space_file": a.space.display().to_string(),
            "factors": factors.iter().map(Factor::to_json).collect::<Vec<_>>(),
            "targets": targets.iter().map(|t| serde_json::json!({
                "name": t.name, "metric": t.metric.name(), "window": t.window.name(),
                "lo": t.lo, "hi": t.hi, "grade": t.grade.name(), "holdout": t.holdout,
                "source": t.source,
            })).collect::<Vec<_>>(),
            "design": format!("lhs {n_points}"),
            "lhs_stream": "Xoshiro256++ seeded with mix(mix(seed) ^ 0x4C48535F53574550) (shequ::experiment::sweep::lhs_unit), unit coordinates mapped by each factor's distribution",
            "implausibility": "|mean - (lo+hi)/2| / sqrt(((hi-lo)/2)^2/3 + sd^2 + sd^2/reps) (shequ::experiment::calibrate)",
            "cutoff": a.cutoff,
            "points": n_points,
            "accepted": accepted.len(),
            "calibrated": calibrated.is_some(),
            "medians": factors.iter().zip(&medians).map(|(f, v)| (f.name.clone(), serde_json::json!(number(v)))).collect::<serde_json::Map<_, _>>(),
            "seed": run.seed,
            "replications": run.replications,
            "years": run.years,
            "command_line": args,
            "threads": used_threads,
            "wall_seconds": wall,
            "resolved": serde_json::to_value(s.params.to_table()).unwrap_or(serde_json::Value::Null),
                }),
        );
        output::write_file(dir, "manifest.json", |w| output::write_json(w, &manifest))
    })?;
    if !quiet {
        note(&i18n::fmt(
            i18n::CAL_DONE,
            &[
                ("n", &n_points.to_string()),
                ("reps", &run.replications.to_string()),
                ("s", &format!("{wall:.2}")),
                ("a", &accepted.len().to_string()),
                ("c", &a.cutoff.to_string()),
                ("dir", &out.display().to_string()),
            ],
        ));
        if calibrated.is_none() {
            note(i18n::CAL_NONE.get());
        }
        let mut lines = String::new();
        for (i, t) in targets.iter().enumerate() {
            let f = calibrate::set_fit(t, i, &fits, &accepted, a.cutoff);
            let _ = writeln!(
                lines,
                "{:<12} {:<28} {:<11} [{}, {}] {} {}",
                t.name,
                t.metric.name(),
                t.window.name(),
                t.lo,
                t.hi,
                i18n::left(
                    if t.holdout {
                        i18n::HELD_OUT
                    } else {
                        i18n::CAL_USE
                    }
                    .get(),
                    9
                ),
                i18n::fmt(
                    i18n::CAL_FIT_LINE,
                    &[
                        (
                            "m",
                            &if f.median_mean.is_nan() {
                                "-".into()
                            } else {
                                format!("{:.4}", f.median_mean)
                            }
                        ),
                        (
                            "r",
                            &if f.share_in_range.is_nan() {
                                "-".into()
                            } else {
                                format!("{:.0} %", 100.0 * f.share_in_range)
                            }
                        ),
                    ]
                ),
            );
        }
        say(lines.trim_end());
        for (f, v) in factors.iter().zip(&medians) {
            if !accepted.is_empty() {
                say(&format!(
                    "{} = {} {}",
                    f.name,
                    text(v),
                    i18n::MEDIAN_OF_ACCEPTED.get()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_and_descend() {
        assert_eq!(
            relative(Path::new("/a/b/out"), Path::new("/a/scenarios/x.toml")),
            "../../scenarios/x.toml"
        );
        assert_eq!(
            relative(Path::new("/a/out"), Path::new("/a/out/x.toml")),
            "x.toml"
        );
    }
}
