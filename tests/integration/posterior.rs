//! `shequ compare --posterior`: every arm runs at each accepted point with common random
//! numbers, and `p_better` and the spread across points agree with separate comparisons
//! run point by point; an arm that sets a calibrated key keeps its own value; bad files are
//! refused with their line and nothing written.

use std::fs;

use crate::util::{BASELINE, col, path_str as s, read_csv, run, run_ok, text};

/// Small runs: one community of 400 households, 3 years, 2 replications.
const SMALL: [&str; 8] = [
    "--years",
    "3",
    "--reps",
    "2",
    "--set",
    "world.communities=1",
    "--set",
    "world.households_per_community=400",
];

/// Three plausible points over two keys, as calibrate writes them (one row not accepted).
const ACCEPTED: &str = "point,owners.enforcement,owners.noise,collection_mean,max_I,accepted\n\
                        0,0.20,0.10,0.7,1.2,true\n\
                        1,0.35,0.20,0.7,3.4,false\n\
                        2,0.50,0.15,0.7,0.8,true\n\
                        3,0.30,0.12,0.7,2.0,true\n";

/// The last-year cells of `metric` for `scenario` in a comparison.csv.
fn last_year(rows: &[Vec<String>], h: &[String], metric: &str, scenario: &str) -> Vec<String> {
    rows.iter()
        .find(|r| {
            r[col(h, "metric")] == metric
                && r[col(h, "window")] == "last_year"
                && r[col(h, "scenario")] == scenario
        })
        .unwrap_or_else(|| panic!("no last_year row for {metric} / {scenario}"))
        .clone()
}

#[test]
fn p_better_counts_the_points_where_separate_comparisons_favour_the_arm() {
    let d = tempfile::tempdir().unwrap();
    let acc = d.path().join("accepted.csv");
    fs::write(&acc, ACCEPTED).unwrap();
    let out = d.path().join("post");
    // Arm 2 raises the satisfaction weight (not a factor) and sets the enforcement (a
    // factor), which it must keep at every point.
    let mut args = vec![
        "compare",
        BASELINE,
        BASELINE,
        "--arm",
        "2:owners.enforcement=0.9",
        "--posterior",
        s(&acc),
        "--out",
        s(&out),
        "-q",
    ];
    args.extend(SMALL);
    run_ok(&args);
    let (h, rows) = read_csv(&out.join("comparison.csv"));
    for c in [
        "better",
        "points",
        "p_better",
        "p_worse",
        "diff_points_p025",
    ] {
        col(&h, c);
    }
    let arm = "baseline_owners.enforcement_0.9";
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["posterior"]["points"], 3);
    assert_eq!(
        manifest["posterior"]["kept_by_scenario"][arm][0],
        "owners.enforcement"
    );
    // The same comparison point by point, with the point's values set on both arms
    // (--arm comes after --set, so arm 2 keeps 0.9).
    let points = [("0.20", "0.10"), ("0.50", "0.15"), ("0.30", "0.12")];
    for metric in ["fee_collection_rate", "firm_exits", "public_cost"] {
        let mut diffs = Vec::new();
        for (i, (e, n)) in points.iter().enumerate() {
            let one = d.path().join(format!("{metric}-{i}"));
            let se = format!("owners.enforcement={e}");
            let sn = format!("owners.noise={n}");
            let mut a = vec![
                "compare",
                BASELINE,
                BASELINE,
                "--set",
                &se,
                "--set",
                &sn,
                "--arm",
                "2:owners.enforcement=0.9",
                "--out",
                s(&one),
                "-q",
            ];
            a.extend(SMALL);
            run_ok(&a);
            let (h1, r1) = read_csv(&one.join("comparison.csv"));
            let row = last_year(&r1, &h1, metric, arm);
            diffs.push(row[col(&h1, "diff_mean")].parse::<f64>().unwrap());
        }
        let row = last_year(&rows, &h, metric, arm);
        let better = &row[col(&h, "better")];
        let wins = diffs
            .iter()
            .filter(|x| {
                if better == "lower" {
                    **x < 0.0
                } else {
                    **x > 0.0
                }
            })
            .count();
        let p_better: f64 = row[col(&h, "p_better")].parse().unwrap();
        assert_eq!(p_better, wins as f64 / 3.0, "{metric}: {diffs:?}");
        let lo: f64 = row[col(&h, "diff_points_p025")].parse().unwrap();
        let hi: f64 = row[col(&h, "diff_points_p975")].parse().unwrap();
        let min = diffs.iter().copied().fold(f64::INFINITY, f64::min);
        let max = diffs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert!(
            min <= lo + 1e-12 && hi <= max + 1e-12,
            "{metric}: [{lo}, {hi}] vs {diffs:?}"
        );
        // The pooled mean difference is the mean of the points' differences.
        let pooled: f64 = row[col(&h, "diff_mean")].parse().unwrap();
        let mean = diffs.iter().sum::<f64>() / 3.0;
        assert!(
            (pooled - mean).abs() <= 1e-9 * mean.abs().max(1.0),
            "{metric}"
        );
    }
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Which rankings hold across the plausible parameters"));
}

#[test]
fn bad_posterior_files_are_refused_with_their_line_and_nothing_written() {
    let d = tempfile::tempdir().unwrap();
    let cases = [
        ("owners.enforcement\n0.2\n7.5\n", ":3", "owners.enforcement"),
        ("not_a_key,x\n1,2\n", ":1", "not a scenario key"),
        (
            "owners.enforcement,accepted\n0.3,false\n",
            "",
            "no accepted point",
        ),
    ];
    for (i, (body, line, says)) in cases.iter().enumerate() {
        let acc = d.path().join(format!("bad{i}.csv"));
        fs::write(&acc, body).unwrap();
        let out = d.path().join(format!("out{i}"));
        let mut args = vec![
            "compare",
            BASELINE,
            BASELINE,
            "--posterior",
            s(&acc),
            "--out",
            s(&out),
        ];
        args.extend(SMALL);
        let o = run(&args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{body:?}: {err}");
        assert!(
            err.contains(&format!("bad{i}.csv{line}")),
            "{body:?}: {err}"
        );
        assert!(err.contains(says), "{body:?}: {err}");
        assert!(!out.exists(), "{body:?}: an output folder was written");
    }
}
