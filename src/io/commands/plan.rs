//! `shequ plan sweep|compare|sensitivity ARGS... --out PLANDIR`, `shequ run-plan PLANDIR
//! --shard I/N`, `shequ merge PLANDIR [--out DIR]` and `shequ slurm PLANDIR --tasks N`: a
//! sweep, a comparison or a sensitivity study (`sensitivity run`) cut into units that run
//! anywhere (a Slurm job array, several machines, one machine at several times) and merged
//! into the folder the same command would have written on one machine. The plan folder's format is in [`crate::io::plan`].

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Subcommand};
use rayon::prelude::*;

use crate::experiment::sweep::{SweepResult, Unit};
use crate::experiment::{RunResult, compare, footprint, in_pool, units};
use crate::io::commands::compare::{CompareArgs, CompareJob};
use crate::io::commands::sensitivity::{self, RunArgs as SensitivityArgs, SensJob};
use crate::io::commands::sweep::{SweepArgs, SweepJob, scenario_record};
use crate::io::commands::{claim, note, progress_bar, publish, say, threads};
use crate::io::error::{Error, Result};
use crate::io::output::RunInfo;
use crate::io::plan::{self, Loaded, PlanSpec, UnitResult};
use crate::model::params::Params;

/// What `shequ plan` plans.
#[derive(Subcommand, Debug, Clone)]
pub enum PlanCommand {
    /// The units of `shequ sweep ARGS...` (same arguments; --out names the plan folder).
    Sweep(SweepArgs),
    /// The units of `shequ compare ARGS...` (same arguments; --out names the plan folder).
    Compare(CompareArgs),
    /// The units of `shequ sensitivity run ARGS...` (same arguments; --out names the plan
    /// folder): one per design row and replication.
    Sensitivity(SensitivityArgs),
}

/// `shequ run-plan PLANDIR --shard I/N`.
#[derive(Args, Debug, Clone)]
pub struct RunPlanArgs {
    /// A plan folder written by `shequ plan`.
    pub plan: PathBuf,
    /// Which share of the units to run: I/N runs every N-th unit from the I-th (1 <= I <= N).
    #[arg(long, value_name = "I/N", default_value = "1/1")]
    pub shard: String,
    /// Worker threads (default: the cores this process may use, or RAYON_NUM_THREADS).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `shequ merge PLANDIR [--out DIR]`.
#[derive(Args, Debug, Clone)]
pub struct MergeArgs {
    /// A plan folder whose units are all done.
    pub plan: PathBuf,
    /// Output folder (default: PLANDIR/result).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads for reading the units (never changes the result).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `shequ slurm PLANDIR --tasks N`.
#[derive(Args, Debug, Clone)]
pub struct SlurmArgs {
    /// A plan folder written by `shequ plan`, on a file system every node sees.
    pub plan: PathBuf,
    /// Tasks of the job array: each runs its shard I/N of the units.
    #[arg(long)]
    pub tasks: usize,
    /// Slurm partition (sbatch --partition); default: the cluster's.
    #[arg(long)]
    pub partition: Option<String>,
    /// Time limit of each task (sbatch --time, e.g. 30:00 or 2:00:00); default: the partition's.
    #[arg(long)]
    pub time: Option<String>,
    /// Most tasks running at once (the %M of --array=1-N%M); default: no limit.
    #[arg(long)]
    pub max_running: Option<usize>,
    /// CPUs of each task (sbatch --cpus-per-task); default: the cluster's (often 1).
    #[arg(long)]
    pub cpus_per_task: Option<usize>,
    /// The shequ binary the tasks run (default: this one); must be reachable from every node.
    #[arg(long)]
    pub shequ: Option<PathBuf>,
}

/// Household-months one core simulates per second, for the rough task length `slurm`
/// prints: `shequ bench --households 250000 --threads 1` gave 31.9 M per CPU-second on the
/// shared development machine (2026-12-02, after issue 16's first step); rounded down.
const HM_PER_CORE_SECOND: f64 = 30e6;

/// A plan's work: a sweep, a comparison or a sensitivity study.
enum Job {
    Sweep(Box<SweepJob>),
    Compare(CompareJob),
    Sensitivity(Box<SensJob>),
}

impl Job {
    fn from_plan(p: &Loaded) -> Result<Job> {
        Ok(match p.spec.command.as_str() {
            "sweep" => Job::Sweep(Box::new(crate::io::commands::sweep::from_plan(p)?)),
            "sensitivity" => Job::Sensitivity(Box::new(SensJob::from_plan(p)?)),
            _ => Job::Compare(CompareJob {
                scenarios: p.scenarios.clone(),
                labels: p.spec.labels.clone(),
                windows: CompareJob::windows_of(&p.spec.manifest).map_err(|e| {
                    Error::Input(format!("{}: {e}", p.dir.join("plan.json").display()))
                })?,
                arm_params: p.scenarios.iter().map(|s| vec![s.params.clone()]).collect(),
                posterior: None,
                manifest: p.spec.manifest.clone(),
            }),
        })
    }

    /// The parameters of each group (point, arm or design row).
    fn group_params(&self) -> Vec<&Params> {
        match self {
            Job::Sweep(j) => j.plan.points.iter().map(|p| &p.params).collect(),
            Job::Compare(j) => j.scenarios.iter().map(|s| &s.params).collect(),
            Job::Sensitivity(j) => j.params.iter().collect(),
        }
    }

    /// Household-months of all units: what the plan costs to run.
    fn household_months(&self) -> f64 {
        self.group_params()
            .iter()
            .map(|p| {
                footprint::households(p)
                    * f64::from(p.run.years * 12)
                    * f64::from(p.run.replications)
            })
            .sum()
    }
}

/// The plan of a comparison's units.
fn compare_spec(job: &CompareJob, args: &[String]) -> PlanSpec {
    let mut spec = PlanSpec::new(
        "compare",
        args,
        &job.scenarios[0].params.run,
        job.scenarios.len(),
        job.manifest.clone(),
    );
    spec.scenarios = job
        .scenarios
        .iter()
        .enumerate()
        .map(|(k, s)| scenario_record(s, &format!("{}.toml", k + 1)))
        .collect();
    spec.labels = job.labels.clone();
    spec
}

/// `shequ plan sweep|compare|sensitivity ARGS... --out PLANDIR`.
pub fn plan(c: &PlanCommand, args: &[String]) -> Result {
    let started = Instant::now();
    let (common, resume) = match c {
        PlanCommand::Sweep(a) => (&a.common, a.resume),
        PlanCommand::Compare(a) => (&a.common, false),
        PlanCommand::Sensitivity(a) => (&a.common, false),
    };
    if resume {
        return Err(Error::Input(
            "shequ plan: --resume is for `shequ sweep`; `shequ run-plan` always skips the units already done".into(),
        ));
    }
    if let PlanCommand::Compare(a) = c
        && a.posterior.is_some()
    {
        return Err(Error::Input(
            "shequ plan compare: --posterior is not supported in a plan yet (a plan's units are one arm x one replication, not the arms at each accepted point); run `shequ compare --posterior` on one machine".into(),
        ));
    }
    let Some(dir) = common.out.clone() else {
        return Err(Error::Input(
            "shequ plan: give the plan folder with --out PLANDIR (a new or empty folder)".into(),
        ));
    };
    let (job, mut spec, scenarios, what) = match c {
        PlanCommand::Sweep(a) => {
            let job = crate::io::commands::sweep::prepare(a)?;
            let spec = crate::io::commands::sweep::plan_spec(&job, args);
            let (s, what) = (job.s.clone(), format!("sweep {}", job.describe()));
            (Job::Sweep(Box::new(job)), spec, vec![s], what)
        }
        PlanCommand::Compare(a) => {
            let job = crate::io::commands::compare::prepare(a)?;
            let spec = compare_spec(&job, args);
            let run = &job.scenarios[0].params.run;
            let what = format!(
                "compare {} - {} arm(s) x {} replication(s) x {} years, seed {}",
                job.labels.join(" vs "),
                job.scenarios.len(),
                run.replications,
                run.years,
                run.seed
            );
            let scenarios = job.scenarios.clone();
            (Job::Compare(job), spec, scenarios, what)
        }
        PlanCommand::Sensitivity(a) => {
            let job = sensitivity::prepare(a)?;
            let spec = job.plan_spec(args);
            let (s, what) = (job.s.clone(), format!("sensitivity run {}", job.describe()));
            (Job::Sensitivity(Box::new(job)), spec, vec![s], what)
        }
    };
    let hm = job.household_months();
    plan::write(&dir, &mut spec, &scenarios)?;
    if !common.quiet {
        let secs = started.elapsed().as_secs_f64();
        note(&format!(
            "shequ plan: {what}\nwrote {}: {} unit(s) (about {:.2e} household-months, {:.1} core-hours at {:.0} M household-months/s per core) in {secs:.2} s ({:.1} µs per unit)",
            dir.display(),
            spec.units,
            hm,
            hm / HM_PER_CORE_SECOND / 3600.0,
            HM_PER_CORE_SECOND / 1e6,
            secs * 1e6 / spec.units.max(1) as f64
        ));
        note(&format!(
            "next: shequ run-plan {0} --shard I/N on any machines (or shequ slurm {0} --tasks N), then shequ merge {0}",
            dir.display()
        ));
    }
    Ok(())
}

/// Parses `I/N` (1 <= I <= N); exit 2 otherwise.
pub fn parse_shard(s: &str) -> Result<(usize, usize)> {
    let bad = || {
        Error::Input(format!(
            "--shard {s}: expected I/N with whole numbers 1 <= I <= N, e.g. 2/10 (the second of ten shards)"
        ))
    };
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if i == 0 || n == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Runs unit `u` of `job`.
fn run_unit(job: &Job, params: &[Params], u: usize) -> UnitResult {
    match job {
        Job::Sweep(j) => UnitResult::End(Box::new(j.run_unit(u))),
        Job::Sensitivity(j) => UnitResult::End(Box::new(j.run_unit(u))),
        Job::Compare(j) => UnitResult::Run(compare::run_unit(
            params,
            j.scenarios[0].params.run.replications,
            u,
        )),
    }
}

/// `shequ run-plan PLANDIR --shard I/N`: runs this shard's units not yet done, each written
/// whole as soon as it is finished.
pub fn run_plan(a: &RunPlanArgs) -> Result {
    let (i, n) = parse_shard(&a.shard)?;
    let threads = threads(a.threads)?;
    let p = plan::read(&a.plan)?;
    let job = Job::from_plan(&p)?;
    let params: Vec<_> = p.scenarios.iter().map(|s| s.params.clone()).collect();
    let print = &p.spec.fingerprint;
    let mine = units::shard(i, n, p.spec.units);
    let mut pending = Vec::new();
    for &u in &mine {
        match plan::read_unit(&p.dir, print, u) {
            Ok(Some(_)) => {}
            Ok(None) => pending.push(u),
            Err(e) => return Err(Error::Input(e)),
        }
    }
    let started = Instant::now();
    let bar = progress_bar(mine.len() as u64, a.quiet, "units");
    bar.inc((mine.len() - pending.len()) as u64);
    let failed = std::sync::Mutex::new(None);
    let ran = units::run(
        &pending,
        threads,
        &|u| run_unit(&job, &params, u),
        &|u, r| {
            if let Err(e) = plan::write_unit(&p.dir, u, &plan::encode(print, u, r)) {
                if let Ok(mut f) = failed.lock() {
                    f.get_or_insert(e);
                }
            }
            bar.inc(1);
        },
    );
    bar.finish_and_clear();
    ran.map_err(|e| Error::threads(threads, e))?;
    if let Some(e) = failed.into_inner().ok().flatten() {
        return Err(Error::Run(e.to_string()));
    }
    if !a.quiet {
        note(&format!(
            "shequ run-plan {} --shard {i}/{n}: {} unit(s) in this shard, {} already done, ran {} in {:.2} s",
            p.dir.display(),
            mine.len(),
            mine.len() - pending.len(),
            pending.len(),
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(())
}

/// How many missing units a refusal lists.
const SHOWN_MISSING: usize = 8;

/// `shequ merge PLANDIR [--out DIR]`: refuses (exit 2, nothing written) a plan with units
/// not done, listing them; else writes the folder the planned command would have written.
pub fn merge(a: &MergeArgs, args: &[String]) -> Result {
    let started = Instant::now();
    let threads = threads(a.threads)?;
    let p = plan::read(&a.plan)?;
    let total = p.spec.units;
    let missing: Vec<usize> = (0..total)
        .filter(|u| !plan::unit_path(&p.dir, *u).is_file())
        .collect();
    if !missing.is_empty() {
        let group = p.spec.group_name();
        let shown: Vec<String> = missing
            .iter()
            .take(SHOWN_MISSING)
            .map(|&u| {
                let x = units::unit(u, p.spec.replications);
                format!("{u} ({group} {}, rep {})", x.group, x.rep)
            })
            .collect();
        return Err(Error::Input(format!(
            "{}: {} of {total} unit(s) are not done: {}{}. Run their shards again (shequ run-plan {} --shard I/N; done units are skipped); nothing was written",
            p.dir.display(),
            missing.len(),
            shown.join(", "),
            if missing.len() > SHOWN_MISSING {
                ", ..."
            } else {
                ""
            },
            p.dir.display()
        )));
    }
    let job = Job::from_plan(&p)?;
    let print = &p.spec.fingerprint;
    let read: Vec<UnitResult> = in_pool(threads, || {
        (0..total)
            .into_par_iter()
            .map(|u| match plan::read_unit(&p.dir, print, u) {
                Ok(Some(r)) => Ok(r),
                Ok(None) => Err(format!(
                    "{}: unit {u} vanished while merging",
                    plan::unit_path(&p.dir, u).display()
                )),
                Err(e) => Err(e),
            })
            .collect::<std::result::Result<Vec<_>, String>>()
    })
    .map_err(|e| Error::threads(threads, e))?
    .map_err(Error::Input)?;
    let out = a.out.clone().unwrap_or_else(|| p.dir.join("result"));
    let claim = claim(&out)?;
    let reps = p.spec.replications;
    let info = |wall: f64| RunInfo {
        command_line: p.spec.command_line.clone(),
        wall_seconds: wall,
        threads: threads.unwrap_or_else(rayon::current_num_threads),
        posterior: None,
    };
    let _ = args;
    match job {
        Job::Sweep(job) => {
            let result = SweepResult::from_units(reps, end_states(read, &p)?);
            let info = info(started.elapsed().as_secs_f64());
            publish(claim, a.quiet, |dir| {
                crate::io::commands::sweep::write_outputs(dir, &job, &result, &info)
            })?;
            if !a.quiet {
                crate::io::commands::sweep::report_done(
                    &job,
                    &result,
                    started.elapsed().as_secs_f64(),
                    &out,
                    0,
                );
            }
        }
        Job::Compare(job) => {
            let reps_of = read
                .into_iter()
                .map(|r| match r {
                    UnitResult::Run(x) => Ok(x),
                    UnitResult::End(_) => Err(()),
                })
                .collect::<std::result::Result<Vec<_>, ()>>()
                .map_err(|()| wrong_kind(&p))?;
            let results: Vec<RunResult> = compare::assemble(reps, p.spec.years * 12, reps_of);
            let diffs = compare::compare(&results, &job.windows).map_err(Error::Run)?;
            let wall = started.elapsed().as_secs_f64();
            let info = info(wall);
            let secs = vec![wall; results.len()];
            publish(claim, a.quiet, |dir| {
                crate::io::commands::compare::write_outputs(
                    dir, &job, &results, &diffs, None, &secs, &info,
                )
            })?;
            if !a.quiet {
                crate::io::commands::compare::report_done(&job, &results, &diffs, None, wall, &out);
            }
        }
        Job::Sensitivity(job) => {
            let y = job.rows_from_units(&end_states(read, &p)?);
            let wall = started.elapsed().as_secs_f64();
            let summary = sensitivity::publish_result(claim, &job, &y, &info(wall), 0)?;
            if !a.quiet {
                note(&format!(
                    "done: merged {total} unit(s) ({} design row(s) x {reps} replication(s)) in {wall:.2} s; results in {}",
                    job.x.len(),
                    out.display()
                ));
                crate::io::commands::emit(&summary);
            }
        }
    }
    Ok(())
}

fn wrong_kind(p: &Loaded) -> Error {
    Error::Input(format!(
        "{}: a unit holds another kind of result than a {} needs",
        p.dir.join("units").display(),
        p.spec.command
    ))
}

/// The end states of a sweep's or sensitivity study's units, in unit order.
fn end_states(read: Vec<UnitResult>, p: &Loaded) -> Result<Vec<Unit>> {
    read.into_iter()
        .map(|r| match r {
            UnitResult::End(e) => Ok(*e),
            UnitResult::Run(_) => Err(wrong_kind(p)),
        })
        .collect()
}

/// A shell word: `'...'` with single quotes escaped.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// First line of every file `shequ slurm` writes: what marks it as shequ's to rewrite.
const SLURM_MARK: &str = "# written by shequ slurm";

/// Refuses (exit 2) a `path` that exists and is not a file `shequ slurm` wrote.
fn check_ours(path: &Path) -> Result {
    let ours = fs::read_to_string(path).is_ok_and(|old| {
        old.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with(SLURM_MARK))
    });
    if path.exists() && !ours {
        return Err(Error::Input(format!(
            "{} exists and was not written by shequ slurm; move it away first (nothing was written)",
            path.display()
        )));
    }
    Ok(())
}

/// Writes `text` to `path` through a temporary file and a rename.
fn write_script(path: &Path, text: &str, executable: bool) -> Result {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let go = || -> std::io::Result<()> {
        fs::write(&tmp, text)?;
        if executable {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755))?;
        }
        fs::rename(&tmp, path)
    };
    go().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::Run(format!("cannot write {}: {e}", path.display()))
    })
}

/// Refuses a Slurm option value that would break the script (exit 2).
fn slurm_word(option: &str, v: &str) -> Result<String> {
    let ok = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_:.,+".contains(c));
    if ok {
        Ok(v.to_string())
    } else {
        Err(Error::Input(format!(
            "{option} {v:?}: expected letters, digits and - _ : . , + only (as Slurm writes it, e.g. --time 1:30:00)"
        )))
    }
}

/// `shequ slurm PLANDIR --tasks N ...`: writes the job array, the merge job and the script
/// that submits both, and prints how to submit.
pub fn slurm(a: &SlurmArgs) -> Result {
    let p = plan::read(&a.plan)?;
    let total = p.spec.units;
    if a.tasks == 0 || a.tasks > total {
        return Err(Error::Input(format!(
            "--tasks {}: expected 1 to {total} (the plan's units; each task runs at least one)",
            a.tasks
        )));
    }
    if a.max_running == Some(0) || a.cpus_per_task == Some(0) {
        return Err(Error::Input(
            "--max-running and --cpus-per-task must be at least 1".into(),
        ));
    }
    let partition = a
        .partition
        .as_deref()
        .map(|v| slurm_word("--partition", v))
        .transpose()?;
    let time = a
        .time
        .as_deref()
        .map(|v| slurm_word("--time", v))
        .transpose()?;
    let dir =
        fs::canonicalize(&p.dir).map_err(|e| Error::Input(format!("{}: {e}", p.dir.display())))?;
    let bin = match &a.shequ {
        Some(b) => fs::canonicalize(b)
            .map_err(|e| Error::Input(format!("--shequ {}: {e}", b.display())))?,
        None => std::env::current_exe()
            .map_err(|e| Error::Run(format!("cannot tell where this shequ is: {e}")))?,
    };
    let (d, b) = (dir.display().to_string(), bin.display().to_string());
    for f in ["submit.sbatch", "merge.sbatch", "submit.sh"] {
        check_ours(&dir.join(f))?;
    }
    let logs = dir.join("logs");
    fs::create_dir_all(&logs)
        .map_err(|e| Error::Run(format!("cannot create {}: {e}", logs.display())))?;
    let head = |name: &str, log: &str| {
        let mut h = format!(
            "#!/bin/bash\n{SLURM_MARK} for the plan in this folder; rewrite it with `shequ slurm`.\n#SBATCH --job-name={name}\n#SBATCH --output={}/{log}\n",
            logs.display()
        );
        if let Some(pt) = &partition {
            h.push_str(&format!("#SBATCH --partition={pt}\n"));
        }
        h
    };
    let mut array = head("shequ-units", "task-%a.out");
    array.push_str(&format!(
        "#SBATCH --array=1-{}{}\n",
        a.tasks,
        a.max_running.map_or(String::new(), |m| format!("%{m}"))
    ));
    if let Some(t) = &time {
        array.push_str(&format!("#SBATCH --time={t}\n"));
    }
    if let Some(c) = a.cpus_per_task {
        array.push_str(&format!("#SBATCH --cpus-per-task={c}\n"));
    }
    array.push_str(&format!(
        "# Task I runs shard I/{n}: units I-1, I-1+{n}, I-1+2x{n}, ... of units.csv; a unit already done is skipped.\nexec {} run-plan {} --shard \"$SLURM_ARRAY_TASK_ID/{n}\" --quiet\n",
        quote(&b),
        quote(&d),
        n = a.tasks
    ));
    let mut merge = head("shequ-merge", "merge.out");
    if let Some(t) = &time {
        merge.push_str(&format!("#SBATCH --time={t}\n"));
    }
    merge.push_str(&format!("exec {} merge {} --quiet\n", quote(&b), quote(&d)));
    let submit = format!(
        "#!/bin/sh\n{SLURM_MARK}: submits the job array, then the merge job to run once every task succeeded.\nset -e\ncd {}\njid=$(sbatch --parsable submit.sbatch)\njid=${{jid%%;*}}\nmid=$(sbatch --parsable --dependency=afterok:$jid merge.sbatch)\nmid=${{mid%%;*}}\necho \"submitted job array $jid ({} tasks) and merge job $mid\"\n",
        quote(&d),
        a.tasks
    );
    write_script(&dir.join("submit.sbatch"), &array, false)?;
    write_script(&dir.join("merge.sbatch"), &merge, false)?;
    write_script(&dir.join("submit.sh"), &submit, true)?;
    let per_task = total.div_ceil(a.tasks);
    let hm_per_unit = Job::from_plan(&p)?.household_months() / total.max(1) as f64;
    let minutes = per_task as f64 * hm_per_unit
        / (HM_PER_CORE_SECOND * a.cpus_per_task.unwrap_or(1) as f64)
        / 60.0;
    say(&format!(
        "wrote {d}/submit.sbatch (a job array of {} task(s){}, up to {per_task} unit(s) each: about {minutes:.1} min per task on {} core(s) at {:.0} M household-months/s per core), {d}/merge.sbatch and {d}/submit.sh",
        a.tasks,
        a.max_running
            .map_or(String::new(), |m| format!(", at most {m} at once")),
        a.cpus_per_task.unwrap_or(1),
        HM_PER_CORE_SECOND / 1e6
    ));
    if minutes < 2.0 && a.tasks > 1 {
        say(&format!(
            "note: tasks this short spend much of their time waiting in the queue; fewer tasks (--tasks {}) would each run a few minutes",
            (total as f64 * hm_per_unit / HM_PER_CORE_SECOND / 300.0)
                .ceil()
                .max(1.0) as usize
        ));
    }
    say(&format!(
        "submit:  sh {d}/submit.sh\n   (by hand: jid=$(sbatch --parsable {d}/submit.sbatch); sbatch --dependency=afterok:$jid {d}/merge.sbatch)\nwatch:   squeue -u $USER; logs in {}\nresult:  {d}/result (or, if a task failed: sbatch {d}/submit.sbatch again, then shequ merge {d})",
        logs.display()
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_parsed_or_refused() {
        assert_eq!(parse_shard("2/3").unwrap(), (2, 3));
        assert_eq!(parse_shard("1/1").unwrap(), (1, 1));
        for bad in ["4/3", "0/3", "x/y", "3", "1/0", "-1/3", "1/3/5", ""] {
            assert!(
                matches!(parse_shard(bad), Err(Error::Input(_))),
                "{bad} accepted"
            );
        }
        assert_eq!(quote("a'b"), r"'a'\''b'");
        assert!(slurm_word("--time", "1:30:00").is_ok());
        assert!(slurm_word("--time", "1;rm").is_err());
    }
}
