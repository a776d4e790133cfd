//! `shequ sensitivity run`: sample, simulate every design row of a shequ scenario with
//! common random numbers (resuming from a checkpoint), analyse, plot and publish the folder.

use super::*;
use crate::experiment::sensitivity::mean_over_reps;
use crate::experiment::sweep::{self, Unit};
use crate::experiment::units;
use crate::io::commands::sweep::{scenario_record, with_timing};
use crate::io::output::RunInfo;
use crate::io::output::claim::Claim;
use crate::io::plan::{self, PlanSpec, checkpoint_path, fingerprint};
use crate::io::scenario::Scenario;
use crate::io::space::{parse_space, read_space};

/// Parses `--window` (default `last_year`).
fn parse_window(w: Option<&str>) -> Result<Window> {
    w.map_or(Ok(Window::LastYear), crate::io::commands::parse_window)
}

/// Parses `--metrics` (default [`DEFAULT_METRICS`]).
fn parse_metrics(m: Option<&str>) -> Result<Vec<M>> {
    crate::io::commands::parse_metrics(m.unwrap_or(DEFAULT_METRICS))
}

/// Checks every factor names a numeric scenario key whose range the key allows; returns
/// whether each is a whole-number key (its values are then rounded when set).
fn check_factors(base: &Params, factors: &[Factor], space: &Path) -> Result<Vec<bool>> {
    let specs = Params::specs();
    let err = |f: &Factor, m: String| {
        Error::Input(format!("{}: factor `{}`: {m}", space.display(), f.name))
    };
    let mut ints = Vec::new();
    for f in factors {
        let Some(spec) = specs.iter().find(|s| s.key == f.name) else {
            return Err(err(
                f,
                "is not a scenario key (`shequ explain` lists them); `shequ sensitivity run` varies scenario keys".into(),
            ));
        };
        if f.name.starts_with("run.") {
            return Err(err(
                f,
                "run.* keys cannot be factors (every row shares seed, replications and years)"
                    .into(),
            ));
        }
        let int = match spec.domain {
            Domain::Real { .. } => false,
            Domain::Int { .. } => true,
            other => {
                return Err(err(
                    f,
                    format!("only numeric keys can be factors; this one takes {other}"),
                ));
            }
        };
        let ends: Vec<f64> = match f.dist {
            Dist::Uniform => vec![f.lo, f.hi],
            Dist::Normal => vec![0.5 * (f.lo + f.hi)],
        };
        for v in ends {
            let mut p = base.clone();
            if let Err(SetError::Invalid(m)) = p.set(&f.name, &value(v, int)) {
                return Err(err(f, format!("its range reaches {v}: {m}")));
            }
        }
        ints.push(int);
    }
    Ok(ints)
}

fn value(x: f64, int: bool) -> toml::Value {
    if int {
        toml::Value::Integer(x.round() as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// The parameters of each design row.
fn row_params(
    base: &Params,
    factors: &[Factor],
    ints: &[bool],
    x: &[Vec<f64>],
    space: &Path,
) -> Result<Vec<Params>> {
    x.iter()
        .enumerate()
        .map(|(r, row)| {
            let mut p = base.clone();
            for ((f, v), int) in factors.iter().zip(row).zip(ints) {
                p.set(&f.name, &value(*v, *int)).map_err(|e| {
                    let m = match e {
                        SetError::Unknown => "no such key".to_string(),
                        SetError::Invalid(m) => m,
                    };
                    Error::Input(format!(
                        "{}: design row {}: factor `{}` = {v}: {m}",
                        space.display(),
                        r + 1,
                        f.name
                    ))
                })?;
            }
            p.check_consistency().map_err(|(_, m)| {
                Error::Input(format!(
                    "{}: design row {} is not a consistent scenario: {m}",
                    space.display(),
                    r + 1
                ))
            })?;
            Ok(p)
        })
        .collect()
}

/// Rows finished by an interrupted run with the same fingerprint: row -> outputs. A line
/// cut short by the interruption is ignored.
fn read_checkpoint(path: &Path, print: &str, width: usize) -> HashMap<usize, Vec<f64>> {
    let mut done = HashMap::new();
    let Ok(f) = fs::File::open(path) else {
        return done;
    };
    let mut lines = io::BufReader::new(f).lines();
    match lines.next() {
        Some(Ok(first)) if first == format!("fingerprint {print}") => {}
        _ => return done,
    }
    for line in lines.map_while(std::result::Result::ok) {
        let mut cells = line.split(',');
        let Some(Ok(row)) = cells.next().map(str::parse::<usize>) else {
            continue;
        };
        let vals: Vec<f64> = cells.filter_map(|c| c.parse().ok()).collect();
        // A complete line ends with the row number again.
        if vals.len() == width + 1 && vals[width] == row as f64 {
            done.insert(row, vals[..width].to_vec());
        }
    }
    done
}

/// A `shequ sensitivity run` resolved and checked: the scenario, the space, the design
/// and the scenario's parameters at every design row. Its units are (design row,
/// replication), numbered row-major as a sweep's (point, replication)
/// ([`crate::experiment::units`]); every row runs replications `0..R` with the scenario's
/// seed (common random numbers).
pub struct SensJob {
    pub s: Scenario,
    pub method: MethodArg,
    pub n: usize,
    /// Morris grid levels (0 for Sobol').
    pub levels: usize,
    /// The text of SPACE.toml (the folder keeps a copy; a plan keeps it in plan.json).
    pub space_text: String,
    pub factors: Vec<Factor>,
    pub metrics: Vec<M>,
    pub window: Window,
    /// The design: one row of factor values per model evaluation.
    pub x: Vec<Vec<f64>>,
    /// The scenario's parameters at each design row.
    pub params: Vec<Params>,
    /// The output's manifest without `command_line`, `threads`, `wall_seconds` and
    /// `resumed_rows`.
    pub manifest: serde_json::Value,
}

/// Resolves the scenario, reads the space and places the design rows (exit 2 on bad input).
pub fn prepare(a: &RunArgs) -> Result<SensJob> {
    let s = resolve(&a.scenario, &a.common)?;
    let (space_text, factors) = read_space(&a.space)?;
    build(a, s, space_text, factors)
}

/// The job of `a` on resolved scenario `s` with the space's text and factors.
fn build(a: &RunArgs, s: Scenario, space_text: String, factors: Vec<Factor>) -> Result<SensJob> {
    let levels = levels(a.method, a.levels)?;
    let metrics = parse_metrics(a.metrics.as_deref())?;
    let window = parse_window(a.window.as_deref())?;
    let ints = check_factors(&s.params, &factors, &a.space)?;
    let seed = s.params.run.seed;
    let x = design(a.method, &factors, a.n, levels, seed, &a.space)?;
    let params = row_params(&s.params, &factors, &ints, &x, &a.space)?;
    let manifest = output::scenario_manifest(
        &s,
        "sensitivity run",
        serde_json::json!({
        "method": a.method.method().name(),
        "n": a.n,
        "levels": if a.method == MethodArg::Morris { serde_json::json!(levels) } else { serde_json::Value::Null },
        "space": a.space.display().to_string(),
        "factors": factors.iter().map(Factor::to_json).collect::<Vec<_>>(),
        "rows": x.len(),
        "metrics": metrics.iter().map(|m| m.name()).collect::<Vec<_>>(),
        "window": window.name(),
        "seed": seed,
        "replications": s.params.run.replications,
        "years": s.params.run.years,
        "output_per_row": "mean over replications of each metric over the window; every row runs replications 0..R with the same seed (common random numbers)",
        "integer_keys": "whole-number keys are rounded when set; design.csv keeps the unrounded values",
        "bootstrap": format!("{} resamples, seed {DEFAULT_ANALYZE_SEED}, interval = index ± 1.96 bootstrap sd (as SALib)", crate::experiment::sensitivity::RESAMPLES),
        "resolved": serde_json::to_value(s.params.to_table()).unwrap_or(serde_json::Value::Null),
            }),
    );
    Ok(SensJob {
        s,
        method: a.method,
        n: a.n,
        levels,
        space_text,
        factors,
        metrics,
        window,
        x,
        params,
        manifest,
    })
}

impl SensJob {
    /// Replications per design row.
    pub fn reps(&self) -> u32 {
        self.s.params.run.replications
    }

    /// The factors' names (design.csv's header).
    pub fn names(&self) -> Vec<String> {
        self.factors.iter().map(|f| f.name.clone()).collect()
    }

    /// The outputs' names (results.csv's header).
    pub fn outputs(&self) -> Vec<String> {
        self.metrics.iter().map(|m| m.name().to_string()).collect()
    }

    /// What is run, for the first line a command prints.
    pub fn describe(&self) -> String {
        let run = &self.s.params.run;
        format!(
            "{} - {} design of {} factor(s), {} row(s) x {} replication(s) x {} years, seed {} (common random numbers)",
            self.s.name,
            self.method.method().name(),
            self.factors.len(),
            self.x.len(),
            run.replications,
            run.years,
            run.seed
        )
    }

    /// Replication `rep` of design row `row`: every metric over the job's window.
    pub fn run_rep(&self, row: usize, rep: u32) -> Unit {
        let r = run_replication(&self.params[row], self.s.params.run.seed, u64::from(rep));
        sweep::end_unit(r, self.window, false)
    }

    /// Unit `u` (design row `u / R`, replication `u % R`).
    pub fn run_unit(&self, u: usize) -> Unit {
        let x = units::unit(u, self.reps());
        self.run_rep(x.group, x.rep)
    }

    /// The job's outputs of one replication, in `--metrics` order.
    fn values(&self, unit: &Unit) -> Vec<f64> {
        self.metrics.iter().map(|m| unit.end[m.index()]).collect()
    }

    /// The output of a design row from its replications in order: the mean of each metric.
    fn row_output(&self, reps: &[Unit]) -> Vec<f64> {
        let v: Vec<Vec<f64>> = reps.iter().map(|u| self.values(u)).collect();
        mean_over_reps(v.iter().map(Vec::as_slice), self.metrics.len())
    }

    /// Every design row's output (results.csv) from all units in unit order.
    pub fn rows_from_units(&self, units: &[Unit]) -> Vec<Vec<f64>> {
        units
            .chunks(self.reps().max(1) as usize)
            .map(|c| self.row_output(c))
            .collect()
    }

    /// The plan of this job's units (`plan.json` of `shequ plan sensitivity`).
    pub fn plan_spec(&self, args: &[String]) -> PlanSpec {
        let mut spec = PlanSpec::new(
            "sensitivity",
            args,
            &self.s.params.run,
            self.x.len(),
            self.manifest.clone(),
        );
        spec.scenarios = vec![scenario_record(&self.s, "1.toml")];
        spec.keys = self.names();
        spec.design = self.method.method().name().to_string();
        spec.space = self.space_text.clone();
        spec
    }

    /// The job of a sensitivity plan read back: the arguments its manifest records, the
    /// space it keeps and its scenario (exit 2 if they no longer check).
    pub fn from_plan(p: &plan::Loaded) -> Result<SensJob> {
        let bad = |m: &str| {
            Error::Input(format!(
                "{}: {m}; plan again rather than edit a plan",
                p.dir.join("plan.json").display()
            ))
        };
        let m = &p.spec.manifest;
        let text =
            |k: &str| m[k].as_str().ok_or_else(|| bad(&format!("its manifest has no `{k}`")));
        let method = MethodArg::from_str(text("method")?, false)
            .map_err(|_| bad("its manifest's `method` is not sobol or morris"))?;
        let n = m["n"].as_u64().ok_or_else(|| bad("its manifest has no `n`"))?;
        let metrics: Vec<&str> = m["metrics"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
            .unwrap_or_default();
        let space = PathBuf::from(text("space")?);
        let a = RunArgs {
            scenario: PathBuf::new(),
            space: space.clone(),
            method,
            n: usize::try_from(n).map_err(|_| bad("its manifest's `n` is too large"))?,
            levels: m["levels"].as_u64().and_then(|l| usize::try_from(l).ok()),
            metrics: Some(metrics.join(",")),
            window: Some(text("window")?.to_string()),
            common: CommonArgs::default(),
        };
        let s = p
            .scenarios
            .first()
            .ok_or_else(|| bad("a sensitivity plan needs its scenario"))?
            .clone();
        let factors = parse_space(&p.spec.space, &space.display().to_string())?;
        let mut job = build(&a, s, p.spec.space.clone(), factors)?;
        if job.x.len() != p.spec.groups {
            return Err(bad("its design does not have the planned number of rows"));
        }
        job.manifest = m.clone();
        Ok(job)
    }
}

/// Analyses the design rows' outputs `y` and publishes the folder in `claim`: design.csv,
/// results.csv, indices.csv, convergence.csv, space.toml, scenario.toml, manifest.json (the
/// job's manifest with `info`'s command line, threads and wall time and `resumed_rows`)
/// and the plots. The one writer of a sensitivity folder, whether it ran here or was merged
/// from a plan's units. Returns the indices as a table for the terminal.
pub fn publish_result(
    claim: Claim,
    job: &SensJob,
    y: &[Vec<f64>],
    info: &RunInfo,
    resumed_rows: usize,
) -> Result<String> {
    if let Some(r) = y.iter().position(|v| v.iter().any(|x| !x.is_finite())) {
        return Err(Error::Run(format!(
            "design row {} gave a non-finite output (a metric undefined over window {}); choose other --metrics or --window",
            r + 1,
            job.window.name()
        )));
    }
    let (names, outputs, x) = (job.names(), job.outputs(), &job.x);
    let analysis = indices_rows(
        job.method,
        &names,
        x,
        &outputs,
        y,
        job.levels,
        DEFAULT_ANALYZE_SEED,
    )
    .map_err(Error::Run)?;
    let conv =
        convergence(job.method, names.len(), x, &outputs, y, job.levels).map_err(Error::Run)?;
    let fill = |dir: &Path| -> io::Result<()> {
        output::write_file(dir, "design.csv", |w| write_table(w, &names, x))?;
        output::write_file(dir, "convergence.csv", |w| {
            let mut w = csv::Writer::from_writer(w);
            let (a1, a2) = match job.method {
                MethodArg::Sobol => ("S1", "ST"),
                MethodArg::Morris => ("mu_star", "sigma"),
            };
            w.write_record(["output", "factor", "n", a1, a2])?;
            for (o, m, v) in &conv {
                for (f, (i1, i2)) in names.iter().zip(v) {
                    w.write_record([o.clone(), f.clone(), m.to_string(), cell(*i1), cell(*i2)])?;
                }
            }
            w.flush()
        })?;
        output::write_file(dir, "results.csv", |w| write_table(w, &outputs, y))?;
        output::write_file(dir, "indices.csv", |w| write_indices(w, &names, &analysis))?;
        output::write_file(dir, "space.toml", |w| w.write_all(job.space_text.as_bytes()))?;
        output::write_file(dir, "scenario.toml", |w| {
            w.write_all(output::resolved_toml(&job.s).as_bytes())
        })?;
        let mut manifest = with_timing(&job.manifest, info);
        manifest["resumed_rows"] = serde_json::json!(resumed_rows);
        output::write_file(dir, "manifest.json", |w| output::write_json(w, &manifest))?;
        draw(dir, &names, &analysis, job.method, &conv)
            .map_err(|e| io::Error::other(format!("{e:#}")))
    };
    let out = claim.out().to_path_buf();
    let existed = out.exists();
    let kept = |e: String| {
        Error::Run(format!(
            "{e}\n(nothing was published: {} {})",
            out.display(),
            if existed {
                "is as it was before this run"
            } else {
                "was not created"
            }
        ))
    };
    fill(claim.dir()).map_err(|e| kept(e.to_string()))?;
    claim.publish().map_err(|e| kept(e.to_string()))?;
    Ok(summary_text(&names, &analysis))
}

/// `shequ sensitivity run`.
pub(super) fn run(a: &RunArgs, args: &[String]) -> Result {
    let quiet = a.common.quiet;
    let job = prepare(a)?;
    let s = &job.s;
    let (seed, reps) = (s.params.run.seed, job.reps());
    let threads = threads(a.common.threads)?;
    let out = a
        .common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("sensitivity-{}", s.name)));
    let claim = claim(&out)?;
    let outputs = job.outputs();
    let print = fingerprint(&[
        env!("CARGO_PKG_VERSION"),
        &toml::to_string(&s.params.to_table()).unwrap_or_default(),
        &format!("{:?}", job.factors),
        &format!("{:?} {} {} {seed} {reps}", a.method, a.n, job.levels),
        &outputs.join(","),
        &format!("{:?}", job.window),
    ]);
    let ckpt = checkpoint_path(&out, "sensitivity");
    let done = read_checkpoint(&ckpt, &print, outputs.len());
    let rows = job.x.len();
    let pending: Vec<usize> = (0..rows).filter(|r| !done.contains_key(r)).collect();
    if !quiet {
        note(&format!(
            "shequ sensitivity run: {}{}",
            job.describe(),
            if done.is_empty() {
                String::new()
            } else {
                format!("; resuming: {} row(s) already done", done.len())
            }
        ));
    }
    // The checkpoint: rewritten with the rows kept, then appended to as rows finish.
    let write_err = |e: io::Error| Error::Run(format!("cannot write {}: {e}", ckpt.display()));
    let mut text = format!("fingerprint {print}\n");
    let line = |r: usize, v: &[f64]| {
        let cells: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        format!("{r},{},{r}\n", cells.join(","))
    };
    let mut kept: Vec<_> = done.iter().collect();
    kept.sort_by_key(|(r, _)| **r);
    for (r, v) in kept {
        text.push_str(&line(*r, v));
    }
    fs::write(&ckpt, text).map_err(write_err)?;
    let file = Mutex::new(
        fs::OpenOptions::new()
            .append(true)
            .open(&ckpt)
            .map_err(write_err)?,
    );
    let started = Instant::now();
    let bar = progress_bar(rows as u64, quiet, "design rows");
    bar.inc(done.len() as u64);
    let computed: Vec<(usize, Vec<f64>, u64)> = in_pool(threads, || {
        pending
            .par_iter()
            .map(|&r| {
                let per_rep: Vec<Unit> = (0..reps)
                    .into_par_iter()
                    .map(|rep| job.run_rep(r, rep))
                    .collect();
                let mean = job.row_output(&per_rep);
                let hh = per_rep.iter().map(|u| u.households).sum::<u64>();
                if let Ok(mut f) = file.lock() {
                    let _ = f.write_all(line(r, &mean).as_bytes());
                }
                bar.inc(1);
                (r, mean, hh)
            })
            .collect()
    })
    .map_err(|e| Error::threads(threads, e))?;
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let mut y: Vec<Vec<f64>> = vec![Vec::new(); rows];
    for (r, v) in done {
        y[r] = v;
    }
    let mut household_months = 0.0;
    for (r, v, hh) in computed {
        y[r] = v;
        household_months += hh as f64 * f64::from(s.params.run.years * 12);
    }
    let info = RunInfo {
        command_line: args.to_vec(),
        wall_seconds: wall,
        threads: threads.unwrap_or_else(rayon::current_num_threads),
        posterior: None,
    };
    let summary = publish_result(claim, &job, &y, &info, rows - pending.len())?;
    let _ = fs::remove_file(&ckpt);
    if !quiet {
        note(&format!(
            "done: {} row(s) x {reps} replication(s) in {wall:.2} s ({:.1} million household-months/s); results in {}",
            pending.len(),
            throughput(household_months, wall),
            out.display()
        ));
        crate::io::commands::emit(&summary);
    }
    Ok(())
}

/// Plots of every output into DIR/plots.
fn draw(
    dir: &Path,
    factors: &[String],
    a: &Analysis,
    method: MethodArg,
    conv: &[ConvergenceRow],
) -> anyhow::Result<()> {
    let plots = dir.join("plots");
    // Convergence of ST (Sobol') or mu* (Morris) for the 8 factors leading at full size.
    let mut outputs: Vec<&str> = conv.iter().map(|c| c.0.as_str()).collect();
    outputs.dedup();
    for o in outputs {
        let rows: Vec<&ConvergenceRow> = conv.iter().filter(|c| c.0 == o).collect();
        let Some(last) = rows.last() else { continue };
        // The plotted index: ST for Sobol', mu* for Morris.
        let pick = |v: &(f64, f64)| if method == MethodArg::Sobol { v.1 } else { v.0 };
        let mut lead: Vec<usize> = (0..factors.len()).collect();
        lead.sort_by(|&i, &j| {
            pick(&last.2[j])
                .total_cmp(&pick(&last.2[i]))
                .then(i.cmp(&j))
        });
        let (index, size_label) = match method {
            MethodArg::Sobol => ("ST", "N: base points of the Saltelli design (log scale)"),
            MethodArg::Morris => ("mu*", "N: Morris trajectories (log scale)"),
        };
        let lines: Vec<plot::ConvergenceLine> = lead
            .iter()
            .take(8)
            .map(|&f| plot::ConvergenceLine {
                factor: &factors[f],
                points: rows.iter().map(|r| (r.1, pick(&r.2[f]))).collect(),
            })
            .collect();
        plot::convergence(
            &plots,
            &format!("convergence_{o}"),
            o,
            index,
            size_label,
            &lines,
        )?;
    }
    for (o, s) in &a.sobol {
        let rows: Vec<SobolRow> = factors
            .iter()
            .zip(s)
            .map(|(f, i)| SobolRow {
                factor: f,
                s1: (i.s1, i.s1_lo, i.s1_hi),
                st: (i.st, i.st_lo, i.st_hi),
            })
            .collect();
        plot::sobol(&plots, &format!("sobol_{o}"), o, &rows)?;
    }
    for (o, m) in &a.morris {
        let points: Vec<MorrisPoint> = factors
            .iter()
            .zip(m)
            .map(|(f, i)| MorrisPoint {
                factor: f,
                mu_star: i.mu_star,
                mu_star_lo: i.mu_star_lo,
                mu_star_hi: i.mu_star_hi,
                sigma: i.sigma,
            })
            .collect();
        plot::morris(&plots, &format!("morris_{o}"), o, &points)?;
    }
    Ok(())
}

/// The indices as a plain table for the terminal: per output, factors by falling ST or mu*.
fn summary_text(factors: &[String], a: &Analysis) -> String {
    let mut t = String::new();
    let w = factors.iter().map(String::len).max().unwrap_or(6).max(6);
    for (o, s) in &a.sobol {
        t.push_str(&format!(
            "\n{o}\n  {:<w$}  {:>7}  {:>7}\n",
            "factor", "S1", "ST"
        ));
        let mut idx: Vec<usize> = (0..s.len()).collect();
        idx.sort_by(|&i, &j| s[j].st.total_cmp(&s[i].st));
        for i in idx {
            t.push_str(&format!(
                "  {:<w$}  {:>7.3}  {:>7.3}\n",
                factors[i], s[i].s1, s[i].st
            ));
        }
    }
    for (o, m) in &a.morris {
        t.push_str(&format!(
            "\n{o}\n  {:<w$}  {:>10}  {:>10}\n",
            "factor", "mu*", "sigma"
        ));
        let mut idx: Vec<usize> = (0..m.len()).collect();
        idx.sort_by(|&i, &j| m[j].mu_star.total_cmp(&m[i].mu_star));
        for i in idx {
            t.push_str(&format!(
                "  {:<w$}  {:>10.4}  {:>10.4}\n",
                factors[i], m[i].mu_star, m[i].sigma
            ));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_keeps_complete_lines_of_the_same_run_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".out.sensitivity-partial");
        // Row 3 was cut short by the interruption (no closing row number).
        fs::write(&p, "fingerprint abc\n0,0.5,1.5,0\n2,0.25,-1,2\n3,0.1\n").unwrap();
        let done = read_checkpoint(&p, "abc", 2);
        assert_eq!(done.len(), 2);
        assert_eq!(done[&0], vec![0.5, 1.5]);
        assert_eq!(done[&2], vec![0.25, -1.0]);
        // Another run's checkpoint (other fingerprint or outputs) is not reused.
        assert!(read_checkpoint(&p, "abd", 2).is_empty());
        assert!(read_checkpoint(&p, "abc", 3).is_empty());
        assert!(read_checkpoint(&dir.path().join("none"), "abc", 2).is_empty());
        assert_eq!(
            checkpoint_path(Path::new("a/b/out"), "sensitivity"),
            Path::new("a/b/.out.sensitivity-partial")
        );
    }

    #[test]
    fn windows_and_metrics_are_parsed_or_refused() {
        assert_eq!(parse_window(None).unwrap(), Window::LastYear);
        assert_eq!(
            parse_window(Some("months:13-24")).unwrap(),
            Window::Months(13, 24)
        );
        assert!(parse_window(Some("months:5-2")).is_err());
        assert!(parse_window(Some("lastyear")).is_err());
        assert_eq!(parse_metrics(None).unwrap().len(), 4);
        assert!(parse_metrics(Some("managed_share,managed_share")).is_err());
        assert!(parse_metrics(Some("managed")).is_err());
    }
}
