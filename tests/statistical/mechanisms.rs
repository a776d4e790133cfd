//! The workforce and mobilisation mechanisms end to end: the binary on the shipped
//! scenarios, read back from its CSVs. The essay's stylised facts in the baseline, and the
//! direction in which each reform moves them, at a reported cost.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use shequ::model::metrics::{EventColumn, M};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_shequ"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("binary runs");
    assert!(
        out.status.success(),
        "shequ {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Rows of a CSV as maps from column to value.
fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = `{}` is not a number", row[col]))
}

/// Mean of a timeseries column over months `from..=to` and all replications.
fn mean(rows: &[BTreeMap<String, String>], col: &str, from: u32, to: u32) -> f64 {
    let xs: Vec<f64> = rows
        .iter()
        .filter(|r| (from..=to).contains(&(num(r, "month") as u32)))
        .map(|r| num(r, col))
        .collect();
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn run_scenario(dir: &Path, scenario: &str, extra: &[&str]) -> Vec<BTreeMap<String, String>> {
    run_reps(dir, scenario, "3", extra)
}

/// [`run_scenario`] with `reps` replications.
fn run_reps(
    dir: &Path,
    scenario: &str,
    reps: &str,
    extra: &[&str],
) -> Vec<BTreeMap<String, String>> {
    let out = dir.join(Path::new(scenario).file_stem().unwrap());
    let mut args = vec![
        "run",
        scenario,
        "--reps",
        reps,
        "--seed",
        "5",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    run(&args);
    read_csv(&out.join("timeseries.csv"))
}

#[test]
fn workforce_baseline_matches_the_essay_and_the_reform_moves_it() {
    let d = tempfile::tempdir().unwrap();
    let base = run_scenario(d.path(), "scenarios/baseline.toml", &["--years", "10"]);
    let reform = run_scenario(
        d.path(),
        "scenarios/reform_workforce.toml",
        &["--years", "10"],
    );
    let (from, to) = (13, 120);

    // Turnover near the published ~18 %/year (Shenzhen 17.6 %, 2012).
    let turnover = mean(&base, M::WorkerTurnoverAnnual.name(), from, to);
    assert!((0.12..0.25).contains(&turnover), "turnover {turnover}");
    // Composition near the essay's figures (二.(二)).
    let male = mean(&base, M::MaleShare.name(), from, to);
    let local = mean(&base, M::LocalShare.name(), from, to);
    let college = mean(&base, M::CollegeShare.name(), from, to);
    let certified = mean(&base, M::CertifiedShare.name(), from, to);
    assert!((0.13..0.27).contains(&male), "male {male}");
    assert!((0.2..0.36).contains(&local), "local {local}");
    assert!((0.66..0.84).contains(&college), "college {college}");
    assert!((0.24..0.42).contains(&certified), "certified {certified}");

    // The essay's package: lower turnover, more certified and local workers, at a cost.
    let r_turnover = mean(&reform, M::WorkerTurnoverAnnual.name(), from, to);
    assert!(r_turnover < turnover - 0.03, "{r_turnover} vs {turnover}");
    let r_certified = mean(&reform, M::CertifiedShare.name(), 109, 120);
    assert!(r_certified >= 0.35, "certified in year 10: {r_certified}");
    assert!(r_certified > mean(&base, M::CertifiedShare.name(), 109, 120));
    assert!(
        mean(&reform, M::LocalShare.name(), 109, 120) > mean(&base, M::LocalShare.name(), 109, 120)
    );
    assert!(
        mean(&reform, M::Workload.name(), from, to) < mean(&base, M::Workload.name(), from, to)
    );
    assert!(
        mean(&reform, M::MediationCoverage.name(), from, to)
            > mean(&base, M::MediationCoverage.name(), from, to)
    );
    let cost = |rows: &[BTreeMap<String, String>]| {
        mean(rows, M::WorkforceCost.name(), 1, 120) + mean(rows, M::LeverCost.name(), 1, 120)
    };
    assert!(cost(&reform) > 1.2 * cost(&base), "the package costs more");
    // Mediation feeds the fee cycle: owners perceive more of their service and are more
    // satisfied. Whether they then pay more is not asserted: expectations adapt to the
    // service owners see (docs/ODD.md §7.2), so the satisfaction gain is not a lasting gap
    // over expectation, and collection barely moves (a finding, ODD §1.6.5).
    assert!(
        mean(&reform, M::OwnerSatisfaction.name(), from, to)
            > mean(&base, M::OwnerSatisfaction.name(), from, to)
    );
}

/// A scenario file in `dir` that extends `parent` (absolute) with one strong typhoon.
fn typhoon_scenario(dir: &Path, name: &str, parent: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    let text = format!(
        "name = \"{name}\"\nextends = \"{}\"\n[run]\nyears = 2\n[world]\ncommunities = 10\n\
         [mobilisation]\ntyphoons_per_year = 0.0\n[[events]]\nmonth = 8\nseverity = 1.0\n",
        root().join(parent).display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Per compound kind: mean t90_hours, pooled helped share, and mean help_t90_hours.
fn by_kind(rows: &[BTreeMap<String, String>]) -> BTreeMap<String, (f64, f64, f64)> {
    let mut acc: BTreeMap<String, (f64, f64, f64, f64, f64, f64)> = BTreeMap::new();
    for r in rows {
        let e = acc.entry(r["compound_kind"].clone()).or_default();
        let t50 = num(r, "t50_hours");
        let t90 = num(r, "t90_hours");
        assert!(t50 <= t90, "t50 {t50} after t90 {t90}");
        let total = num(r, "vulnerable_total");
        let helped = num(r, EventColumn::VulnerableHelpedInWindow.name());
        assert!(helped <= total);
        e.0 += t90;
        e.1 += 1.0;
        e.2 += helped;
        e.3 += total;
        if let Ok(h) = r["help_t90_hours"].parse::<f64>() {
            e.4 += h;
            e.5 += 1.0;
        }
    }
    acc.into_iter()
        .map(|(k, e)| (k, (e.0 / e.1, e.2 / e.3, e.4 / e.5.max(1.0))))
        .collect()
}

#[test]
fn mobilisation_shows_the_essays_weaknesses_and_the_grid_reform_fixes_them() {
    let d = tempfile::tempdir().unwrap();
    let base = typhoon_scenario(d.path(), "typhoon_base", "scenarios/baseline.toml");
    let grid = typhoon_scenario(d.path(), "typhoon_grid", "scenarios/reform_grid.toml");
    // Ten replications: the gap in the helped share between old compounds and resettlement
    // estates (about 0.07 at 30 replications) is within the noise of three.
    let base_ts = run_reps(d.path(), base.to_str().unwrap(), "10", &[]);
    let grid_ts = run_reps(d.path(), grid.to_str().unwrap(), "10", &[]);
    let base_ev = read_csv(&d.path().join("typhoon_base/events.csv"));
    let grid_ev = read_csv(&d.path().join("typhoon_grid/events.csv"));
    // One event x 10 communities x 3 kinds x 10 replications (every community has all kinds).
    assert_eq!(base_ev.len(), 300);
    assert!(base_ev.iter().all(|r| r["month"] == "8"));

    let b = by_kind(&base_ev);
    let g = by_kind(&grid_ev);
    let (new, old, res) = ("new_estate", "old_compound", "resettlement");
    // New estates are slow to warn: few ties, few group members, few leaders and volunteers.
    assert!(
        b[new].0 > 1.5 * b[old].0,
        "t90 new {} vs old {}",
        b[new].0,
        b[old].0
    );
    assert!(b[new].0 > b[res].0);
    // Old compounds are slow to help: many elderly to visit, elderly helpers.
    assert!(
        b[old].1 < b[res].1,
        "helped old {} vs resettlement {}",
        b[old].1,
        b[res].1
    );
    assert!(
        b[old].2 > b[res].2,
        "help t90 old {} vs resettlement {}",
        b[old].2,
        b[res].2
    );
    // The grid reform improves both, in every kind of compound.
    for k in [new, old, res] {
        assert!(g[k].0 < b[k].0, "{k}: t90 {} vs {}", g[k].0, b[k].0);
        assert!(g[k].1 > b[k].1, "{k}: helped {} vs {}", g[k].1, b[k].1);
    }
    assert!(g[new].0 < 0.5 * b[new].0);
    // ... at a reported cost.
    assert!(
        mean(&grid_ts, M::MobilisationCost.name(), 1, 24)
            > mean(&base_ts, M::MobilisationCost.name(), 1, 24)
    );
    // Unhelped vulnerable residents turn on the community: trust drops in the event month,
    // more where fewer were helped.
    let drop = |ts: &[BTreeMap<String, String>]| {
        mean(ts, M::Trust.name(), 7, 7) - mean(ts, M::Trust.name(), 8, 8)
    };
    assert!(drop(&base_ts) > 0.0, "trust fell after the typhoon");
    assert!(drop(&base_ts) > drop(&grid_ts));
    assert!(mean(&base_ts, M::VulnerableNeedingHelp.name(), 8, 8) > 0.0);
    assert_eq!(mean(&base_ts, M::VulnerableNeedingHelp.name(), 9, 9), 0.0);
}
