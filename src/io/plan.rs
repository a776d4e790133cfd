//! Plan folders: the units of a sweep, comparison or sensitivity study written down so that
//! they can run anywhere, in any number of pieces, and be assembled into the one-machine
//! result.
//!
//! A plan folder holds
//! - `plan.json` ([`PlanSpec`]): format, shequ version and commit, the command and its
//!   command line, seed, replications, years, the groups (points, arms or design rows), the
//!   unit count, the output manifest without its timing fields, a sensitivity study's
//!   SPACE.toml text, and a fingerprint of all of it and of the resolved scenarios;
//! - `scenarios/N.toml`: each resolved scenario, a file `shequ run` accepts as it is;
//! - `units.csv`: one line per unit (`unit`, group, `rep`, `seed`, `derived_seed`);
//! - `units/NNNNNNNNN.unit`: each finished unit's result, written to a temporary file and
//!   renamed into place, so a file there is always whole and a kill never corrupts one;
//!   several processes may write units of the same plan at once (no shared appends).
//!
//! `shequ sweep` keeps its resume checkpoint in the same form, beside its output folder
//! (`.NAME.sweep-partial`, [`checkpoint_path`]).
//!
//! A unit file is binary: `SHEQUNIT`, format byte, kind byte (1 a sweep's or sensitivity
//! study's end state and the months a sweep keeps with `--timeseries`, 2 a whole
//! replication), the plan's fingerprint
//! and the unit's index (u64 each), the payload (little-endian; floats as their bits, so
//! results are kept exactly) and an FNV-1a checksum of everything before it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::experiment::Replication;
use crate::experiment::sweep::Unit;
use crate::experiment::units;
use crate::io::error::{Error, Result};
use crate::io::output;
use crate::io::scenario::{self, Scenario};
use crate::model::kind::CompoundKind;
use crate::model::metrics::N_METRICS;
use crate::model::mobilisation::KindOutcome;
use crate::model::schedule::EventRow;

/// `format` of every plan.json this version writes.
pub const FORMAT: &str = "shequ plan 1";

/// A stable text fingerprint of what a run computes, so a checkpoint or a plan is used only
/// for the same run (FNV-1a over the parts, each followed by a NUL).
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// FNV-1a of bytes.
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A resume checkpoint beside output folder `out`: `.NAME.KIND-partial`.
pub fn checkpoint_path(out: &Path, kind: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.{kind}-partial"))
}

/// A resolved scenario of a plan: `scenarios/FILE` holds its values; the rest is what its
/// manifest records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioRecord {
    pub file: String,
    pub name: String,
    pub description: String,
    pub files: Vec<String>,
    pub overrides: Vec<String>,
}

/// `plan.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSpec {
    pub format: String,
    pub shequ_version: String,
    pub git_commit: serde_json::Value,
    /// `sweep`, `compare` or `sensitivity`.
    pub command: String,
    /// The command line of `shequ plan` (or of the sweep that checkpoints).
    pub command_line: Vec<String>,
    pub seed: u64,
    pub replications: u32,
    pub years: u32,
    /// Points of a sweep, arms of a comparison or rows of a sensitivity design.
    pub groups: usize,
    /// `groups x replications`.
    pub units: usize,
    pub scenarios: Vec<ScenarioRecord>,
    /// A sweep's varied keys, its design (`grid`, `lhs N`) and each point's values as TOML;
    /// a sensitivity study's factors and method.
    #[serde(default)]
    pub keys: Vec<String>,
    #[serde(default)]
    pub design: String,
    #[serde(default)]
    pub points: Vec<Vec<String>>,
    /// A comparison's arm labels (its folders).
    #[serde(default)]
    pub labels: Vec<String>,
    /// A sensitivity study's SPACE.toml, its text (its output folder keeps a copy).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub space: String,
    /// The output's manifest.json without `command_line`, `threads` and `wall_seconds`.
    pub manifest: serde_json::Value,
    /// Of everything above and of the scenario files.
    pub fingerprint: String,
}

impl PlanSpec {
    /// The plan of `command` (its command line `args`) with the seed, replications and
    /// years of `run`, `groups x replications` units and the output `manifest`; the
    /// command's own fields (scenarios, keys, points, labels, space) are left empty and the
    /// fingerprint is filled in by [`write`].
    pub fn new(
        command: &str,
        args: &[String],
        run: &crate::model::params::Run,
        groups: usize,
        manifest: serde_json::Value,
    ) -> PlanSpec {
        PlanSpec {
            format: FORMAT.to_string(),
            shequ_version: env!("CARGO_PKG_VERSION").to_string(),
            git_commit: output::git_commit(),
            command: command.into(),
            command_line: args.to_vec(),
            seed: run.seed,
            replications: run.replications,
            years: run.years,
            groups,
            units: groups * run.replications as usize,
            scenarios: Vec::new(),
            keys: Vec::new(),
            design: String::new(),
            points: Vec::new(),
            labels: Vec::new(),
            space: String::new(),
            manifest,
            fingerprint: String::new(),
        }
    }

    /// The fingerprint of this spec (its `fingerprint` field left out) and of the texts of
    /// its scenario files.
    pub fn compute_fingerprint(&self, scenario_texts: &[String]) -> String {
        let mut bare = self.clone();
        bare.fingerprint = String::new();
        let json = serde_json::to_string(&bare).unwrap_or_default();
        let mut parts: Vec<&str> = vec![&json];
        parts.extend(scenario_texts.iter().map(String::as_str));
        fingerprint(&parts)
    }

    /// What a group is (the group column of `units.csv`): an arm, a point or a design row.
    pub fn group_name(&self) -> &'static str {
        match self.command.as_str() {
            "compare" => "arm",
            "sensitivity" => "row",
            _ => "point",
        }
    }
}

/// A plan read back: its spec and its scenarios, checked.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dir: PathBuf,
    pub spec: PlanSpec,
    pub scenarios: Vec<Scenario>,
}

/// Writes a plan folder for `spec` (its fingerprint is filled in here) with `scenarios`
/// (in the order of `spec.scenarios`) into `dir`, whole: built beside it and renamed into
/// place. `dir` must not exist or be empty: a plan is never written over anything.
pub fn write(dir: &Path, spec: &mut PlanSpec, scenarios: &[Scenario]) -> Result {
    if let Ok(mut entries) = fs::read_dir(dir) {
        if entries.next().is_some() {
            return Err(Error::Input(format!(
                "{} already exists and is not empty; a plan goes into a new folder (an existing plan is never overwritten: its units may hold hours of work)",
                dir.display()
            )));
        }
    } else if dir.exists() {
        return Err(Error::Input(format!(
            "{} exists and is not a folder",
            dir.display()
        )));
    }
    let texts: Vec<String> = scenarios.iter().map(output::resolved_toml).collect();
    spec.fingerprint = spec.compute_fingerprint(&texts);
    let json = serde_json::to_string_pretty(&spec).map_err(Error::run)?;
    output::commit_dir(dir, |tmp| {
        fs::create_dir(tmp.join("scenarios"))?;
        for (rec, text) in spec.scenarios.iter().zip(&texts) {
            fs::write(tmp.join("scenarios").join(&rec.file), text)?;
        }
        fs::create_dir(tmp.join("units"))?;
        output::write_file(tmp, "units.csv", |w| write_units_csv(w, spec))?;
        fs::write(tmp.join("plan.json"), format!("{json}\n"))
    })
    .map_err(|e| Error::Run(format!("cannot write the plan {}: {e}", dir.display())))?;
    // Every scenario must come back exactly as it was planned.
    let back = read(dir)?;
    for (a, b) in scenarios.iter().zip(&back.scenarios) {
        if a.params.to_table() != b.params.to_table() {
            return Err(Error::Run(format!(
                "{}: scenario `{}` does not read back with the same values",
                dir.display(),
                a.name
            )));
        }
    }
    Ok(())
}

/// Writes `units.csv`: `unit,GROUP,rep,seed,derived_seed`.
fn write_units_csv(w: &mut impl io::Write, spec: &PlanSpec) -> io::Result<()> {
    writeln!(w, "unit,{},rep,seed,derived_seed", spec.group_name())?;
    let reps = spec.replications;
    for u in 0..spec.units {
        let unit = units::unit(u, reps);
        writeln!(
            w,
            "{u},{},{},{},{}",
            unit.group,
            unit.rep,
            spec.seed,
            units::derived_seed(spec.seed, unit.rep)
        )?;
    }
    Ok(())
}

/// Reads and checks plan folder `dir`: a plan.json of this format, version and commit whose
/// fingerprint matches its content and scenario files. Every refusal names the file (exit 2).
pub fn read(dir: &Path) -> Result<Loaded> {
    let path = dir.join("plan.json");
    let bad = |m: String| Error::Input(format!("{}: {m}", path.display()));
    let text = fs::read_to_string(&path).map_err(|e| {
        bad(format!(
            "cannot read it ({e}); name a folder written by `shequ plan`"
        ))
    })?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| bad(format!("not a plan written by shequ (not valid JSON: {e})")))?;
    match v.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(bad(format!(
                "a plan of format `{other}`; this shequ reads `{FORMAT}`"
            )));
        }
        None => return Err(bad("not a plan written by shequ (no `format`)".into())),
    }
    let version = v
        .get("shequ_version")
        .and_then(|f| f.as_str())
        .unwrap_or("");
    if version != env!("CARGO_PKG_VERSION") {
        return Err(bad(format!(
            "written by shequ {version}; this is shequ {}. Run the plan with the shequ that wrote it, or plan again",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let commit = output::git_commit();
    if let (Some(theirs), Some(ours)) = (
        v.get("git_commit").and_then(|c| c.as_str()),
        commit.as_str(),
    ) {
        if theirs != ours {
            return Err(bad(format!(
                "written by shequ built from commit {theirs}; this one is built from {ours}. Results could differ: run the plan with the shequ that wrote it, or plan again"
            )));
        }
    }
    let spec: PlanSpec = serde_json::from_value(v)
        .map_err(|e| bad(format!("not a plan this shequ can read: {e}")))?;
    let mut texts = Vec::new();
    for rec in &spec.scenarios {
        let ok = !rec.file.is_empty()
            && !rec.file.contains(['/', '\\'])
            && !rec.file.starts_with('.')
            && rec.file.ends_with(".toml");
        if !ok {
            return Err(bad(format!(
                "scenario file `{}` is not a file name of scenarios/",
                rec.file
            )));
        }
        let p = dir.join("scenarios").join(&rec.file);
        texts.push(
            fs::read_to_string(&p)
                .map_err(|e| Error::Input(format!("{}: cannot read it ({e})", p.display())))?,
        );
    }
    if spec.compute_fingerprint(&texts) != spec.fingerprint {
        return Err(bad(
            "its content or its scenarios/*.toml were changed after `shequ plan` wrote them (the fingerprint does not match); plan again rather than edit a plan".into(),
        ));
    }
    if spec.units != spec.groups * spec.replications as usize
        || (spec.command == "sweep" && spec.points.len() != spec.groups)
        || (spec.command == "compare" && spec.scenarios.len() != spec.groups)
        || (spec.command == "sensitivity" && (spec.scenarios.len() != 1 || spec.space.is_empty()))
        || !["sweep", "compare", "sensitivity"].contains(&spec.command.as_str())
    {
        return Err(bad("its counts do not agree with each other".into()));
    }
    let mut scenarios = Vec::new();
    for rec in &spec.scenarios {
        let p = dir.join("scenarios").join(&rec.file);
        let mut s = scenario::load(&p)?;
        s.name = rec.name.clone();
        s.description = rec.description.clone();
        s.files = rec.files.iter().map(PathBuf::from).collect();
        s.overrides = rec.overrides.clone();
        scenarios.push(s);
    }
    Ok(Loaded {
        dir: dir.to_path_buf(),
        spec,
        scenarios,
    })
}

/// The file of unit `u` in a plan folder.
pub fn unit_path(dir: &Path, u: usize) -> PathBuf {
    dir.join("units").join(format!("{u:09}.unit"))
}

/// A number that differs between writers: host, process, time and a counter.
fn temp_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let host = fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{:016x}-{}-{}",
        fnv(format!("{host} {nanos}").as_bytes()),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Writes unit `u`'s result `bytes` into plan folder `dir`: a temporary file, synced, then
/// renamed into place, so the unit file is whole or absent. Safe when several processes
/// write the same unit (the last rename wins; their bytes are the same).
pub fn write_unit(dir: &Path, u: usize, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let path = unit_path(dir, u);
    let tmp = dir
        .join("units")
        .join(format!(".{u:09}.tmp-{}", temp_suffix()));
    let done = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &path)
    })();
    if done.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    done.map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))
}

/// What a unit file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitResult {
    /// A sweep's or sensitivity study's unit: the end state (and every month, when a sweep
    /// keeps time series).
    End(Box<Unit>),
    /// A comparison's unit: the whole replication (monthly rows and events).
    Run(Replication),
}

const MAGIC: &[u8; 8] = b"SHEQUNIT";
const UNIT_FORMAT: u8 = 1;

struct Enc(Vec<u8>);

impl Enc {
    fn u8(&mut self, x: u8) {
        self.0.push(x);
    }
    fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn f64(&mut self, x: f64) {
        self.u64(x.to_bits());
    }
    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
}

struct Dec<'a>(&'a [u8]);

impl Dec<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|b| b[0])
    }
    fn u32(&mut self) -> Option<u32> {
        self.take::<4>().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take::<8>().map(u64::from_le_bytes)
    }
    fn f64(&mut self) -> Option<f64> {
        self.u64().map(f64::from_bits)
    }
    /// A count no larger than what the remaining bytes could hold at `each` bytes apiece.
    fn len(&mut self, each: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n.checked_mul(each)? <= self.0.len()).then_some(n)
    }
}

fn write_row(e: &mut Enc, row: &[f64; N_METRICS]) {
    e.len(row.len());
    for x in row {
        e.f64(*x);
    }
}

fn read_row(d: &mut Dec<'_>) -> Option<[f64; N_METRICS]> {
    if d.len(8)? != N_METRICS {
        return None;
    }
    let mut row = [0.0; N_METRICS];
    for x in row.iter_mut() {
        *x = d.f64()?;
    }
    Some(row)
}

/// The bytes of unit `u`'s result in a plan of fingerprint `print`.
pub fn encode(print: &str, u: usize, r: &UnitResult) -> Vec<u8> {
    let mut e = Enc(Vec::with_capacity(64 + 8 * N_METRICS));
    e.0.extend_from_slice(MAGIC);
    e.u8(UNIT_FORMAT);
    e.u64(u64::from_str_radix(print, 16).unwrap_or(0));
    e.u64(u as u64);
    match r {
        UnitResult::End(x) => {
            e.u8(1);
            e.u64(x.households);
            e.u32(x.months);
            write_row(&mut e, &x.end);
            e.len(x.series.len());
            for row in &x.series {
                write_row(&mut e, row);
            }
        }
        UnitResult::Run(x) => {
            e.u8(2);
            e.u64(x.households);
            e.len(x.months.len());
            for row in &x.months {
                write_row(&mut e, row);
            }
            e.len(x.events.len());
            for ev in &x.events {
                e.u32(ev.month);
                e.u32(ev.event);
                e.u32(ev.community);
                e.u8(ev.kind.index() as u8);
                e.f64(ev.severity);
                let o = &ev.outcome;
                e.u32(o.households);
                e.f64(o.t50_hours);
                e.f64(o.t90_hours);
                e.u32(o.vulnerable_total);
                e.u32(o.vulnerable_helped_in_window);
                e.u32(o.helpers_active);
                e.f64(o.help_t90_hours);
            }
        }
    }
    let sum = fnv(&e.0);
    e.u64(sum);
    e.0
}

/// Unit `u`'s result from `bytes`, if they are a whole unit file of unit `u` of the plan of
/// fingerprint `print`.
pub fn decode(print: &str, u: usize, bytes: &[u8]) -> Option<UnitResult> {
    let (body, sum) = bytes.split_last_chunk::<8>()?;
    if fnv(body) != u64::from_le_bytes(*sum) {
        return None;
    }
    let mut d = Dec(body);
    if d.take::<8>()? != *MAGIC || d.u8()? != UNIT_FORMAT {
        return None;
    }
    if d.u64()? != u64::from_str_radix(print, 16).ok()? || d.u64()? != u as u64 {
        return None;
    }
    let r = match d.u8()? {
        1 => {
            let households = d.u64()?;
            let months = d.u32()?;
            let end = read_row(&mut d)?;
            let n = d.len(8 * N_METRICS)?;
            let series = (0..n).map(|_| read_row(&mut d)).collect::<Option<_>>()?;
            UnitResult::End(Box::new(Unit {
                households,
                months,
                end,
                series,
            }))
        }
        2 => {
            let households = d.u64()?;
            let n = d.len(8 * N_METRICS)?;
            let months = (0..n).map(|_| read_row(&mut d)).collect::<Option<_>>()?;
            let n = d.len(61)?;
            let mut events = Vec::with_capacity(n);
            for _ in 0..n {
                events.push(EventRow {
                    month: d.u32()?,
                    event: d.u32()?,
                    community: d.u32()?,
                    kind: *CompoundKind::ALL.get(usize::from(d.u8()?))?,
                    severity: d.f64()?,
                    outcome: KindOutcome {
                        households: d.u32()?,
                        t50_hours: d.f64()?,
                        t90_hours: d.f64()?,
                        vulnerable_total: d.u32()?,
                        vulnerable_helped_in_window: d.u32()?,
                        helpers_active: d.u32()?,
                        help_t90_hours: d.f64()?,
                    },
                });
            }
            UnitResult::Run(Replication {
                months,
                households,
                events,
            })
        }
        _ => return None,
    };
    d.0.is_empty().then_some(r)
}

/// Unit `u`'s result in plan folder `dir` of fingerprint `print`: `Ok(None)` when it is not
/// there yet, an error naming the file when the file is not a unit of this plan.
pub fn read_unit(
    dir: &Path,
    print: &str,
    u: usize,
) -> std::result::Result<Option<UnitResult>, String> {
    let path = unit_path(dir, u);
    match fs::read(&path) {
        Ok(bytes) => decode(print, u, &bytes).map(Some).ok_or_else(|| {
            format!(
                "{}: not a result of unit {u} of this plan (another plan's file, or damaged); move it away and run its shard again",
                path.display()
            )
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: cannot read it ({e})", path.display())),
    }
}

/// Removes plan folder `dir` if it is one of shequ's (its plan.json has shequ's format):
/// only the entries a plan holds (plan.json, units.csv, scenarios/*.toml, units/*.unit and
/// their temporary files); a folder left with anything else in it stays.
pub fn remove(dir: &Path) {
    let is_plan = fs::read_to_string(dir.join("plan.json")).is_ok_and(|t| t.contains(FORMAT));
    if !is_plan {
        return;
    }
    let clear = |sub: &Path, ours: &dyn Fn(&str) -> bool| {
        if let Ok(entries) = fs::read_dir(sub) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if ours(&name) && e.file_type().is_ok_and(|t| t.is_file()) {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
        let _ = fs::remove_dir(sub);
    };
    clear(&dir.join("units"), &|n| {
        n.ends_with(".unit") || (n.starts_with('.') && n.contains(".tmp-"))
    });
    clear(&dir.join("scenarios"), &|n| n.ends_with(".toml"));
    let _ = fs::remove_file(dir.join("units.csv"));
    let _ = fs::remove_file(dir.join("plan.json"));
    let _ = fs::remove_dir(dir);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::Params;

    fn tiny() -> Params {
        let mut p = Params::default();
        p.world.communities = 2;
        p.world.households_per_community = 80;
        p.run.years = 1;
        p.mobilisation.typhoons_per_year = 6.0;
        p
    }

    #[test]
    fn unit_files_round_trip_exactly_and_refuse_other_plans_and_damage() {
        let p = tiny();
        let rep = crate::experiment::run_replication(&p, 7, 1);
        assert!(!rep.events.is_empty(), "the test needs events");
        assert!(
            rep.events.iter().any(|e| e.outcome.help_t90_hours.is_nan()),
            "the test needs a NaN (never helped) to check it is kept"
        );
        let whole = UnitResult::Run(rep.clone());
        let bytes = encode("00000000000000ab", 5, &whole);
        // Bit for bit (NaN != NaN, so compare the bytes of the decoded result).
        let back = decode("00000000000000ab", 5, &bytes).expect("decodes");
        assert_eq!(encode("00000000000000ab", 5, &back), bytes);
        let UnitResult::Run(r) = back else {
            panic!("a replication comes back as a replication")
        };
        assert_eq!(
            (r.months.len(), r.households),
            (rep.months.len(), rep.households)
        );
        assert_eq!(r.events.len(), rep.events.len());
        assert_eq!(decode("00000000000000ac", 5, &bytes), None);
        assert_eq!(decode("00000000000000ab", 6, &bytes), None);
        let mut bad = bytes.clone();
        bad[40] ^= 1;
        assert_eq!(decode("00000000000000ab", 5, &bad), None);
        assert_eq!(
            decode("00000000000000ab", 5, &bytes[..bytes.len() - 1]),
            None
        );
        let end = UnitResult::End(Box::new(Unit {
            end: rep.months[3],
            households: rep.households,
            months: 12,
            series: rep.months[..2].to_vec(),
        }));
        let b = encode("0000000000000001", 0, &end);
        assert_eq!(decode("0000000000000001", 0, &b), Some(end));
    }

    #[test]
    fn fingerprints_and_checkpoint_paths() {
        assert_ne!(fingerprint(&["a", "bc"]), fingerprint(&["ab", "c"]));
        assert_eq!(
            checkpoint_path(Path::new("a/b/out"), "sweep"),
            Path::new("a/b/.out.sweep-partial")
        );
        assert_eq!(
            checkpoint_path(Path::new("out"), "x"),
            Path::new("./.out.x-partial")
        );
    }

    #[test]
    fn units_are_written_whole_and_plan_folders_removed_without_foreign_files() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("plan");
        fs::create_dir_all(dir.join("units")).unwrap();
        fs::write(
            dir.join("plan.json"),
            format!("{{\"format\": \"{FORMAT}\"}}"),
        )
        .unwrap();
        let r = UnitResult::End(Box::new(Unit {
            end: [0.5; N_METRICS],
            households: 9,
            months: 12,
            series: Vec::new(),
        }));
        write_unit(&dir, 3, &encode("0000000000000002", 3, &r)).unwrap();
        assert_eq!(read_unit(&dir, "0000000000000002", 3), Ok(Some(r)));
        assert_eq!(read_unit(&dir, "0000000000000002", 4), Ok(None));
        assert!(read_unit(&dir, "0000000000000003", 3).is_err());
        let left: Vec<_> = fs::read_dir(dir.join("units")).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
        fs::write(dir.join("units").join("mine.txt"), "user's").unwrap();
        remove(&dir);
        assert!(dir.join("units").join("mine.txt").exists());
        assert!(!dir.join("plan.json").exists());
        assert!(!unit_path(&dir, 3).exists());
    }
}
