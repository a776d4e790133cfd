//! Tests of `shequ calibrate`: it writes accepted.csv and a calibrated.toml that `shequ run`
//! accepts, its outputs are byte-identical at 1 and 2 threads, a run with no accepted point
//! writes no calibrated.toml, and bad targets or spaces are refused before anything runs.

use std::fs;
use std::path::Path;

use crate::util::{BASELINE, col, path_str as s, read_bytes as bytes, read_csv, run, run_ok, text};

const TARGETS: &str = r#"
[[target]]
name = "collection"
metric = "fee_collection_rate"
window = "last_year"
lo = 0.80
hi = 0.90
source = "test"
grade = "assumption"
holdout = false

[[target]]
metric = "firm_profit_margin"
window = "last_year"
lo = 0.0
hi = 0.05
source = "test"
grade = "industry"
holdout = true
"#;

const SPACE: &str = r#"
[[factor]]
name = "owners.enforcement"
lo = 0.1
hi = 0.8
"#;

fn calibrate(dir: &Path, out: &str, targets: &str, threads: &str) -> std::process::Output {
    let t = dir.join("targets.toml");
    let sp = dir.join("space.toml");
    fs::write(&t, targets).unwrap();
    fs::write(&sp, SPACE).unwrap();
    let out = dir.join(out);
    run(&[
        "calibrate",
        BASELINE,
        "--targets",
        s(&t),
        "--space",
        s(&sp),
        "--n",
        "12",
        "--reps",
        "2",
        "--years",
        "4",
        "--set",
        "world.communities=1",
        "--threads",
        threads,
        "--quiet",
        "--out",
        s(&out),
    ])
}

#[test]
fn calibrate_writes_accepted_points_and_a_runnable_calibrated_scenario() {
    let d = tempfile::tempdir().unwrap();
    for t in ["1", "2"] {
        let o = calibrate(d.path(), &format!("t{t}"), TARGETS, t);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    }
    let (a, b) = (d.path().join("t1"), d.path().join("t2"));
    for f in [
        "all_points.csv",
        "accepted.csv",
        "targets_fit.csv",
        "calibrated.toml",
    ] {
        assert!(
            bytes(&a.join(f)) == bytes(&b.join(f)),
            "{f} differs between --threads 1 and 2"
        );
    }
    assert!(a.join("report.html").is_file() && a.join("manifest.json").is_file());
    assert!(a.join("plots/calibration_marginals.png").is_file());

    let (h, all) = read_csv(&a.join("all_points.csv"));
    assert_eq!(all.len(), 12);
    let (ha, acc) = read_csv(&a.join("accepted.csv"));
    assert_eq!(h, ha);
    let ci = col(&h, "collection_I");
    let mi = col(&h, "max_I");
    let ac = col(&h, "accepted");
    // Accepted means every calibration target below the cutoff; the held-out margin is not
    // part of max_I.
    for r in &all {
        let i: f64 = r[ci].parse().unwrap();
        assert_eq!(r[mi].parse::<f64>().unwrap(), i);
        assert_eq!(r[ac] == "true", i < 3.0);
    }
    assert_eq!(acc.len(), all.iter().filter(|r| r[ac] == "true").count());
    assert!(
        !acc.is_empty() && acc.len() < all.len(),
        "{} accepted",
        acc.len()
    );

    // calibrated.toml extends the scenario and runs as it is.
    let cal = fs::read_to_string(a.join("calibrated.toml")).unwrap();
    assert!(cal.contains("extends = "), "{cal}");
    assert!(cal.contains("owners.enforcement = "), "{cal}");
    assert!(cal.contains("world.communities = 1"), "{cal}");
    let out = d.path().join("rerun");
    run_ok(&[
        "run",
        s(&a.join("calibrated.toml")),
        "--reps",
        "1",
        "--years",
        "1",
        "--quiet",
        "--out",
        s(&out),
    ]);
    assert!(out.join("summary.csv").is_file());
    // A second calibration into the same folder replaces it (an earlier shequ result).
    let o = calibrate(d.path(), "t1", TARGETS, "1");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn no_accepted_point_writes_no_calibrated_scenario() {
    let d = tempfile::tempdir().unwrap();
    // Households are fixed by the world: no point can have a billion.
    let impossible = TARGETS.replace(
        "metric = \"fee_collection_rate\"\nwindow = \"last_year\"\nlo = 0.80\nhi = 0.90",
        "metric = \"households\"\nwindow = \"last_year\"\nlo = 1e9\nhi = 1.1e9",
    );
    assert_ne!(impossible, TARGETS);
    let o = calibrate(d.path(), "none", &impossible, "1");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = d.path().join("none");
    assert!(out.join("all_points.csv").is_file());
    assert!(!out.join("calibrated.toml").exists());
    let (_, acc) = read_csv(&out.join("accepted.csv"));
    assert!(acc.is_empty());
}

#[test]
fn bad_targets_and_spaces_are_refused_before_anything_runs() {
    let d = tempfile::tempdir().unwrap();
    let o = calibrate(
        d.path(),
        "bad",
        &TARGETS.replace("fee_collection_rate", "fee_colection_rate"),
        "1",
    );
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(
        e.contains("targets.toml:4") && e.contains("did you mean"),
        "{e}"
    );
    assert!(!d.path().join("bad").exists());
    fs::write(d.path().join("targets.toml"), TARGETS).unwrap();
    fs::write(
        d.path().join("space2.toml"),
        SPACE.replace("owners.enforcement", "owners.enforcment"),
    )
    .unwrap();
    let o = run(&[
        "calibrate",
        BASELINE,
        "--targets",
        s(&d.path().join("targets.toml")),
        "--space",
        s(&d.path().join("space2.toml")),
        "--n",
        "4",
        "--out",
        s(&d.path().join("bad2")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("owners.enforcment"),
        "{}",
        text(&o.stderr)
    );
    assert!(!d.path().join("bad2").exists());
}
