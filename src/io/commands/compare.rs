//! `shequ compare BASE OTHER [MORE...]`: every scenario with the base's seed, replications
//! and years (common random numbers), paired differences in `comparison.csv`, each run in
//! its own folder, plots and report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use crate::experiment::RunResult;
use crate::experiment::compare::{self, Spread, Window};
use crate::io::i18n;
use crate::io::cli::CommonArgs;
use crate::io::commands::sweep::with_timing;
use crate::io::commands::{
    check_all_fit, claim, emit, note, parse_window, progress_bar, publish, resolve, threads,
    throughput,
};
use crate::io::error::{Error, Result};
use crate::io::output::{self, RunInfo};
use crate::io::posterior::{self, Posterior};
use crate::io::scenario::{self, Scenario};
use crate::io::tables::{labels, write_comparison};
use crate::io::text;
use crate::model::params::Params;

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
    /// Run every arm at each accepted point of a calibration (`shequ calibrate`'s
    /// accepted.csv, or any CSV whose first columns are scenario keys), with the same
    /// replications at every point; comparison.csv gains p_better and the spread of the
    /// difference across points (docs/ODD.md §9.4).
    #[arg(long, value_name = "ACCEPTED.csv")]
    pub posterior: Option<PathBuf>,
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

/// The parameters of scenario `s` at each point of `post` (read from `path`), in order, and
/// the keys of the points that `s` keeps at its own value: those it sets differently from
/// the base (a reform that sets a calibrated key, e.g. the enforcement, keeps its setting at
/// every point; otherwise the points would undo the reform). A value a key does not accept
/// is refused with the file and line.
fn at_points(
    s: &Scenario,
    base: &Params,
    post: &Posterior,
    path: &Path,
) -> Result<(Vec<Params>, Vec<String>)> {
    let kept: Vec<String> = post
        .keys
        .iter()
        .filter(|k| s.params.get(k) != base.get(k))
        .cloned()
        .collect();
    let params = (0..post.points.len())
        .map(|i| {
            let mut t = s.clone();
            let origin = format!("{}:{}", path.display(), post.points[i].0);
            let sets: Vec<(&str, String)> = post
                .overrides(i)
                .into_iter()
                .filter(|kv| {
                    !kept
                        .iter()
                        .any(|k| kv.split_once('=').is_some_and(|x| x.0 == k))
                })
                .map(|kv| (origin.as_str(), kv))
                .collect();
            scenario::apply_overrides(&mut t, &sets)?;
            Ok(t.params)
        })
        .collect::<Result<_>>()?;
    Ok((params, kept))
}

/// A comparison resolved and checked: its arms and everything needed to write its folder.
#[derive(Debug, Clone)]
pub struct CompareJob {
    /// The arms, the base first, each with the base's seed, replications and years.
    pub scenarios: Vec<Scenario>,
    /// Each arm's folder name.
    pub labels: Vec<String>,
    /// The windows comparison.csv adds to the standard ones (`--window`).
    pub windows: Vec<Window>,
    /// Each arm's parameters at each point it runs at: its own only, or one set per
    /// accepted point with `--posterior`.
    pub arm_params: Vec<Vec<Params>>,
    /// With `--posterior`: the points (as the manifest records them).
    pub posterior: Option<serde_json::Value>,
    /// The comparison's manifest without the timing fields (command line, threads, wall
    /// time).
    pub manifest: serde_json::Value,
}

impl CompareJob {
    /// Units: arms x replications.
    pub fn units(&self) -> usize {
        self.scenarios.len() * self.scenarios[0].params.run.replications as usize
    }

    /// Where the output goes without `--out`.
    pub fn default_out(&self) -> PathBuf {
        PathBuf::from("output").join(format!(
            "compare-{}-vs-{}",
            self.labels[0],
            self.labels[1..].join("-")
        ))
    }

    /// Every arm's parameters (at every point, arm by arm).
    pub fn params(&self) -> Vec<Params> {
        self.arm_params.concat()
    }

    /// The points each arm runs at: 1, or the accepted points of `--posterior`.
    pub fn points(&self) -> usize {
        self.arm_params.first().map_or(1, Vec::len)
    }

    /// The extra windows a plan's manifest records (`extra_windows`).
    pub fn windows_of(manifest: &serde_json::Value) -> Result<Vec<Window>> {
        manifest["extra_windows"]
            .as_array()
            .map(|ws| {
                ws.iter()
                    .map(|w| parse_window(w.as_str().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_else(|| Ok(Vec::new()))
    }
}

/// Resolves every arm (exit 2 on bad input), with the base's seed, replications and years.
pub fn prepare(a: &CompareArgs) -> Result<CompareJob> {
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
    let post = a.posterior.as_deref().map(posterior::read).transpose()?;
    // The parameters of each arm: its own, or one set per accepted point.
    let mut arm_params: Vec<Vec<Params>> = Vec::with_capacity(scenarios.len());
    let mut kept: Vec<Vec<String>> = Vec::with_capacity(scenarios.len());
    for s in &scenarios {
        match (&post, &a.posterior) {
            (Some(post), Some(path)) => {
                let (ps, k) = at_points(s, &scenarios[0].params, post, path)?;
                if !quiet && !k.is_empty() {
                    note(&format!(
                        "note: {} sets {} itself: it keeps its own value at every accepted point",
                        s.name,
                        k.join(", ")
                    ));
                }
                arm_params.push(ps);
                kept.push(k);
            }
            _ => {
                arm_params.push(vec![s.params.clone()]);
                kept.push(Vec::new());
            }
        }
    }
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    let labels = labels(&names);
    let points = arm_params[0].len();
    let posterior_json = post.as_ref().zip(a.posterior.as_ref()).map(|(post, path)| {
        serde_json::json!({
            "file": path.display().to_string(),
            "keys": post.keys,
            "points": points,
            "lines": post.points.iter().map(|p| p.0).collect::<Vec<_>>(),
            "replications_per_point": run.replications,
            "kept_by_scenario": labels.iter().zip(&kept).filter(|(_, k)| !k.is_empty()).map(|(l, k)| (l.clone(), serde_json::json!(k))).collect::<serde_json::Map<_, _>>(),
            "order": "replication p * replications_per_point + r is replication r at the p-th accepted point (lines gives each point's line in the file); every point runs with the same seed",
        })
    });
    let mut manifest = serde_json::json!({
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
    });
    if let Some(p) = &posterior_json {
        manifest["posterior"] = p.clone();
    }
    Ok(CompareJob {
        scenarios,
        labels,
        windows,
        arm_params,
        posterior: posterior_json,
        manifest,
    })
}

/// Writes a comparison's files into `dir` (the claimed temporary folder): one run folder
/// per arm (with `secs[k]`, the arm's wall seconds), `comparison.csv` (with the spread
/// across accepted points, `spreads`, under `--posterior`) and `manifest.json`
/// with the timing fields of `info`. The one writer of a comparison's folder, whether it
/// ran here or was merged from a plan's shards.
pub fn write_outputs(
    dir: &Path,
    job: &CompareJob,
    results: &[RunResult],
    diffs: &[compare::Difference],
    spreads: Option<&[Spread]>,
    secs: &[f64],
    info: &RunInfo,
) -> std::io::Result<()> {
    for (((s, r), secs), label) in job.scenarios.iter().zip(results).zip(secs).zip(&job.labels) {
        let info = RunInfo {
            wall_seconds: *secs,
            posterior: job.posterior.clone(),
            ..info.clone()
        };
        let sub = dir.join(label);
        std::fs::create_dir(&sub).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot create {}: {e}", sub.display()))
        })?;
        output::write_run(&sub, s, r, &info)?;
    }
    output::write_file(dir, "comparison.csv", |w| {
        write_comparison(w, &job.labels, diffs, spreads)
    })?;
    let manifest = with_timing(&job.manifest, info);
    output::write_file(dir, "manifest.json", |w| output::write_json(w, &manifest))
}

/// The line printed when a comparison is done, and its table.
pub fn report_done(
    job: &CompareJob,
    results: &[RunResult],
    diffs: &[compare::Difference],
    spreads: Option<&[Spread]>,
    wall: f64,
    out: &Path,
) {
    let run = &job.scenarios[0].params.run;
    let hm: f64 = results.iter().map(RunResult::household_months).sum();
    note(&i18n::fmt(
        i18n::CMP_DONE,
        &[
            ("n", &job.scenarios.len().to_string()),
            ("reps", &run.replications.to_string()),
            ("s", &format!("{wall:.2}")),
            ("t", &format!("{:.1}", throughput(hm, wall))),
            ("dir", &out.display().to_string()),
        ],
    ));
    emit(&text::comparison_table(
        &job.labels,
        diffs,
        run.replications as usize * job.points(),
    ));
    if let Some(spreads) = spreads {
        emit(&text::robust_table(&job.labels, diffs, spreads));
    }
}

/// Runs `shequ compare`.
pub fn compare(a: &CompareArgs, args: &[String]) -> Result {
    let quiet = a.common.quiet;
    let job = prepare(a)?;
    let threads = threads(a.common.threads)?;
    // Each arm's replications at all its points are kept, as one run.
    let pooled: Vec<Params> = job
        .arm_params
        .iter()
        .map(|ps| {
            let mut p = ps[0].clone();
            p.run.replications = p.run.replications.saturating_mul(ps.len() as u32);
            p
        })
        .collect();
    check_all_fit(
        pooled.iter(),
        job.scenarios.len(),
        threads,
        true,
        a.common.allow_large,
    )?;
    let run = job.scenarios[0].params.run.clone();
    let labels = &job.labels;
    let out = a.common.out.clone().unwrap_or_else(|| job.default_out());
    let claim = claim(&out)?;
    let points = job.points();
    if !quiet {
        let at = match &a.posterior {
            Some(path) => i18n::fmt(
                i18n::CMP_AT,
                &[
                    ("n", &points.to_string()),
                    ("dir", &path.display().to_string()),
                ],
            ),
            None => String::new(),
        };
        note(&i18n::fmt(
            i18n::CMP_START,
            &[
                ("name", &labels[0]),
                ("others", &labels[1..].join(", ")),
                ("reps", &run.replications.to_string()),
                ("years", &run.years.to_string()),
                ("at", &at),
                ("seed", &run.seed.to_string()),
            ],
        ));
    }
    let started = Instant::now();
    let params = job.params();
    let bar = progress_bar(
        params.len() as u64 * u64::from(run.replications),
        quiet,
        "replications",
    );
    let runs = compare::run_all(&params, threads, &|| bar.inc(1));
    bar.finish_and_clear();
    let runs = runs.map_err(|e| Error::threads(threads, e))?;
    let (results, secs) = compare::pool_points(runs, points);
    let diffs = compare::compare(&results, &job.windows).map_err(Error::Run)?;
    let spreads = job
        .posterior
        .as_ref()
        .map(|_| compare::spreads(&results, &diffs, run.replications as usize))
        .transpose()
        .map_err(Error::Run)?;
    let wall = started.elapsed().as_secs_f64();
    let info = RunInfo {
        command_line: args.to_vec(),
        wall_seconds: wall,
        threads: threads.unwrap_or_else(rayon::current_num_threads),
        posterior: None,
    };
    publish(claim, quiet, |dir| {
        write_outputs(
            dir,
            &job,
            &results,
            &diffs,
            spreads.as_deref(),
            &secs,
            &info,
        )
    })?;
    if !quiet {
        report_done(&job, &results, &diffs, spreads.as_deref(), wall, &out);
    }
    Ok(())
}
