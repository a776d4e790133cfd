//! Run outputs: `timeseries.csv`, `summary.csv`, `manifest.json` and the resolved
//! `scenario.toml`. Output folders are claimed before anything runs and published whole
//! (CSVs, plots and report) in one atomic step: see [`claim::claim`].

use std::ffi::CString;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

pub mod claim;

pub use super::series::{cell, write_timeseries};

use crate::experiment::RunResult;
use crate::experiment::validate::Case;
use crate::experiment::windows;
use crate::io::scenario::Scenario;
use crate::model::metrics::{EVENT_COLUMNS, METRICS, Year};

/// Facts about the run that are not in the scenario.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub command_line: Vec<String>,
    pub wall_seconds: f64,
    pub threads: usize,
    /// With `compare --posterior`: the points the run's replications were taken at (added to
    /// the manifest as `posterior`).
    pub posterior: Option<serde_json::Value>,
}

fn ctx<T>(r: io::Result<T>, what: &dyn Fn() -> String) -> io::Result<T> {
    r.map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", what())))
}

/// The parent and last component of `out`; refuses `.`, `..`, `/` and paths ending in `..`.
pub(crate) fn split(out: &Path) -> io::Result<(PathBuf, String)> {
    let name = match out.components().next_back() {
        Some(Component::Normal(n)) => n.to_string_lossy().into_owned(),
        _ => {
            return Err(io::Error::other(format!(
                "{}: not a folder name",
                out.display()
            )));
        }
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// Fills a fresh temporary directory beside `out` with `fill`, then puts it in place of `out`
/// in one step ([`swap_in`]). On failure the temporary directory is removed and `out` is left
/// as it was. Used for `DIR/plots/` by `shequ plot DIR`; whole output folders go through
/// [`claim::claim`].
pub fn commit_dir(out: &Path, fill: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
    let (parent, name) = split(out)?;
    if out.exists() && !out.is_dir() {
        return Err(io::Error::other(format!(
            "{} exists and is not a directory",
            out.display()
        )));
    }
    ctx(fs::create_dir_all(&parent), &|| {
        format!("cannot create {}", parent.display())
    })?;
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    ctx(fs::create_dir(&tmp), &|| {
        format!("cannot create {}", tmp.display())
    })?;
    if let Err(e) = fill(&tmp) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if let Err(e) = swap_in(&tmp, out, &parent, &name) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let _ = fs::remove_dir_all(&tmp);
    Ok(())
}

/// Puts directory `tmp` in place of `out` (same parent) in one atomic step: a plain rename
/// when `out` does not exist, else `renameat2(RENAME_EXCHANGE)`, which leaves the old `out`
/// at `tmp` for the caller to remove. At every instant `out` is the old or the new directory.
pub(crate) fn swap_in(tmp: &Path, out: &Path, parent: &Path, name: &str) -> io::Result<()> {
    let failed =
        |e: io::Error| io::Error::new(e.kind(), format!("cannot write {}: {e}", out.display()));
    match fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return fs::rename(tmp, out).map_err(failed);
        }
        Err(e) => return Err(failed(e)),
        Ok(_) => {}
    }
    match exchange(tmp, out) {
        Ok(true) => return Ok(()),
        Ok(false) => {}
        Err(e) => return Err(failed(e)),
    }
    // Fallback only where RENAME_EXCHANGE is unsupported (not Linux, or a file system
    // without it): two renames, so for an instant `out` does not exist; a kill between them
    // leaves the old result at `.NAME.old-PID` and the new one at `tmp`.
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&old);
    fs::rename(out, &old).map_err(failed)?;
    if let Err(e) = fs::rename(tmp, out) {
        let _ = fs::rename(&old, out);
        return Err(failed(e));
    }
    // Leave the old result where the caller expects it.
    fs::rename(&old, tmp).map_err(failed)
}

/// Exchanges directories `a` and `b` atomically; `Ok(false)` where the system or the file
/// system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    let ca = c_path(a)?;
    let cb = c_path(b)?;
    // SAFETY: both arguments are NUL-terminated paths that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

fn c_path(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes())
        .map_err(|_| io::Error::other(format!("{}: NUL in the path", p.display())))
}

/// Writes `events.csv`: one row per replication x event x community x compound kind.
pub fn write_events(w: impl Write, r: &RunResult) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(EVENT_COLUMNS.iter().map(|c| c.name))?;
    for (rep, reps) in r.reps.iter().enumerate() {
        for e in &reps.events {
            let o = &e.outcome;
            let share = if o.vulnerable_total > 0 {
                f64::from(o.vulnerable_helped_in_window) / f64::from(o.vulnerable_total)
            } else {
                f64::NAN
            };
            w.write_record([
                rep.to_string(),
                e.month.to_string(),
                e.event.to_string(),
                e.community.to_string(),
                e.kind.key().to_string(),
                e.severity.to_string(),
                o.households.to_string(),
                cell(o.t50_hours),
                cell(o.t90_hours),
                o.vulnerable_total.to_string(),
                o.vulnerable_helped_in_window.to_string(),
                cell(share),
                o.helpers_active.to_string(),
                cell(o.help_t90_hours),
            ])?;
        }
    }
    w.flush()
}

/// The header of `summary.csv`.
pub const SUMMARY_COLUMNS: [&str; 7] = [
    "metric",
    "window",
    "n",
    "mean",
    "sd",
    "ci95_low",
    "ci95_high",
];

/// Writes `summary.csv`.
pub fn write_summary(w: impl Write, r: &RunResult) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(SUMMARY_COLUMNS)?;
    for (m, window, s) in windows::summaries(&r.reps) {
        w.write_record([
            m.name().to_string(),
            window.name().to_string(),
            s.n.to_string(),
            cell(s.mean),
            cell(s.sd),
            cell(s.ci_low),
            cell(s.ci_high),
        ])?;
    }
    w.flush()
}

/// The metric registry as the manifest records it: what each column of timeseries.csv is,
/// its unit and bounds, how a year aggregates it and how it is shown.
pub fn metrics_json() -> serde_json::Value {
    METRICS
        .iter()
        .map(|m| {
            serde_json::json!({
                "name": m.name,
                "title": m.title,
                "zh": m.zh,
                "meaning": m.meaning,
                "unit": m.unit.en,
                "unit_zh": m.unit.zh,
                "lo": m.unit.lo,
                "hi": m.unit.hi,
                "per_year": match m.year { Year::Mean => "mean", Year::Sum => "sum" },
                "display_factor": m.display_factor(),
                "display_unit": m.display_unit(),
            })
        })
        .collect()
}

/// The head every manifest of a command over one scenario shares (version, commit, the
/// command, the scenario and its files and overrides), with the command's own `fields`
/// added (a JSON object; keys are written sorted, so the merge order does not matter).
pub fn scenario_manifest(
    s: &Scenario,
    command: &str,
    fields: serde_json::Value,
) -> serde_json::Value {
    let mut m = serde_json::json!({
        "shequ_version": env!("CARGO_PKG_VERSION"),
        "git_commit": git_commit(),
        "command": command,
        "scenario": s.name,
        "description": s.description,
        "scenario_files": s.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        "overrides": s.overrides,
    });
    if let (Some(head), serde_json::Value::Object(rest)) = (m.as_object_mut(), fields) {
        head.extend(rest);
    }
    m
}

/// The manifest: everything needed to rerun the exact result.
pub fn manifest(s: &Scenario, r: &RunResult, info: &RunInfo) -> serde_json::Value {
    let p = &s.params;
    let mut m = serde_json::json!({
        "shequ_version": env!("CARGO_PKG_VERSION"),
        "git_commit": git_commit(),
        "scenario": s.name,
        "description": s.description,
        "scenario_files": s.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        "overrides": s.overrides,
        "seed": p.run.seed,
        "replications": p.run.replications,
        "years": p.run.years,
        "months": r.months,
        "total_households": r.reps.first().map_or(0, |x| x.households),
        "command_line": info.command_line,
        "threads": info.threads,
        "wall_seconds": info.wall_seconds,
        "rerun": "shequ run scenario.toml --out DIR  (scenario.toml in this directory holds every resolved value)",
        "metrics": metrics_json(),
        "resolved": serde_json::to_value(p.to_table()).unwrap_or(serde_json::Value::Null),
    });
    if let Some(post) = &info.posterior {
        m["posterior"] = post.clone();
    }
    // Only with [[changes]], so the manifests of other scenarios are unchanged.
    if !p.changes.is_empty() {
        m["changes"] = p.changes.iter().map(|c| c.describe()).collect();
    }
    m
}

/// The resolved scenario as a TOML file that `shequ run` accepts as it is.
pub fn resolved_toml(s: &Scenario) -> String {
    let mut t = s.params.to_table();
    t.insert("name".into(), toml::Value::String(s.name.clone()));
    t.insert(
        "description".into(),
        toml::Value::String(s.description.clone()),
    );
    let body = toml::to_string(&t).unwrap_or_default();
    format!(
        "# Every value of scenario `{}` as resolved by shequ {}; rerun with `shequ run` on this file.\n{body}",
        s.name,
        env!("CARGO_PKG_VERSION")
    )
}

/// Writes file `name` of `dir` through a buffer; errors name the file.
pub fn write_file(
    dir: &Path,
    name: &str,
    f: impl FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let path = dir.join(name);
    let file = ctx(fs::File::create(&path), &|| {
        format!("cannot create {}", path.display())
    })?;
    let mut w = BufWriter::new(file);
    ctx(f(&mut w), &|| format!("cannot write {}", path.display()))?;
    ctx(w.flush(), &|| format!("cannot write {}", path.display()))
}

/// The git commit the binary was built from (null outside a checkout).
pub fn git_commit() -> serde_json::Value {
    let commit = env!("SHEQU_GIT_COMMIT");
    if commit.is_empty() {
        serde_json::Value::Null
    } else {
        commit.into()
    }
}

/// Writes `v` as pretty JSON and a newline.
pub fn write_json(w: &mut impl Write, v: &serde_json::Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, v)?;
    w.write_all(b"\n")
}

/// Writes `validate.csv`: one row per validation case, as [`crate::experiment::validate::Case`]
/// holds it (empty cells where a number is not defined).
pub fn write_validate_csv(w: impl Write, cases: &[Case]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record([
        "case",
        "group",
        "expected",
        "expected_value",
        "simulated",
        "simulated_text",
        "tolerance",
        "tolerance_value",
        "verdict",
        "source",
    ])?;
    for c in cases {
        w.write_record([
            c.name.clone(),
            c.group.name().to_string(),
            c.expected.en.clone(),
            c.expected_value.map_or(String::new(), cell),
            cell(c.simulated),
            c.simulated_text(),
            c.tolerance.to_string(),
            c.tolerance.width().map_or(String::new(), cell),
            c.verdict.name().to_string(),
            c.source.clone(),
        ])?;
    }
    w.flush()
}

/// Writes every output of a run into the existing directory `dir` (the temporary directory
/// of a [`claim::Claim`], or a compare's per-scenario folder inside it).
pub fn write_run(dir: &Path, s: &Scenario, r: &RunResult, info: &RunInfo) -> io::Result<()> {
    write_file(dir, "timeseries.csv", |w| write_timeseries(w, r))?;
    write_file(dir, "summary.csv", |w| write_summary(w, r))?;
    write_file(dir, "events.csv", |w| write_events(w, r))?;
    write_file(dir, "scenario.toml", |w| {
        w.write_all(resolved_toml(s).as_bytes())
    })?;
    write_file(dir, "manifest.json", |w| {
        write_json(w, &manifest(s, r, info))
    })
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::io;

    use super::commit_dir;

    #[test]
    fn commit_dir_replaces_on_success_and_keeps_the_old_on_failure() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("run");
        commit_dir(&out, |dir| fs::write(dir.join("a.txt"), "first")).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "first");
        let failed = commit_dir(&out, |dir| {
            fs::write(dir.join("a.txt"), "half")?;
            Err(io::Error::other("boom"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "first");
        commit_dir(&out, |dir| fs::write(dir.join("b.txt"), "second")).unwrap();
        assert!(!out.join("a.txt").exists());
        assert_eq!(fs::read_to_string(out.join("b.txt")).unwrap(), "second");
        // No temporary directories are left behind.
        let left: Vec<_> = fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(left.len(), 1);
    }
}
