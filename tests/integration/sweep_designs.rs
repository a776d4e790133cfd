//! Tests of the sweep's point definitions and outputs: value lists of any type, design
//! files (equal to the grid at the same points; bad files refused with file:line and nothing
//! written), `--timeseries`, `--metrics`, and the `year:N` window of `sweep.csv` and
//! `comparison.csv` against a run's own time series.
//!
//! Runs are tiny (1 community, 2-3 years, 2 replications) to keep the file fast.

use std::fs;
use std::path::Path;

use crate::util::{
    BASELINE, TINY, col, path_str as s, read_bytes as bytes, read_csv, run, run_ok, text, with,
};

#[test]
fn value_lists_of_a_boolean_and_a_number_with_timeseries_and_chosen_metrics() {
    let d = tempfile::tempdir().unwrap();
    let sweep = |out: &Path, threads: &str| {
        run_ok(&with(
            &[
                "sweep",
                BASELINE,
                "--vary",
                "workforce.career_path=false,true",
                "--vary",
                "property.government_purchase=0,10,30",
                "--timeseries",
                "--metrics",
                "managed_share,fee_collection_rate",
                "--threads",
                threads,
                "--out",
                s(out),
            ],
            &TINY,
        ))
    };
    let (one, two) = (d.path().join("t1"), d.path().join("t2"));
    sweep(&one, "1");
    sweep(&two, "2");
    for f in ["sweep.csv", "sweep_points.csv", "sweep_timeseries.csv"] {
        assert!(
            bytes(&one.join(f)) == bytes(&two.join(f)),
            "{f} differs between --threads 1 and 2"
        );
    }
    // sweep.csv: the values of both lists, first key slowest; only the chosen metrics.
    let (h, rows) = read_csv(&one.join("sweep.csv"));
    assert_eq!(
        h,
        [
            "point",
            "rep",
            "workforce.career_path",
            "property.government_purchase",
            "managed_share",
            "fee_collection_rate"
        ]
    );
    assert_eq!(rows.len(), 6 * 2, "points x replications");
    let pairs: Vec<String> = rows
        .iter()
        .step_by(2)
        .map(|r| format!("{} {}", r[2], r[3]))
        .collect();
    assert_eq!(
        pairs,
        [
            "false 0", "false 10", "false 30", "true 0", "true 10", "true 30"
        ]
    );
    let (ph, _) = read_csv(&one.join("sweep_points.csv"));
    assert!(ph.contains(&"managed_share_mean".to_string()));
    assert!(!ph.iter().any(|c| c.starts_with("service_quality")));
    // sweep_timeseries.csv: points x reps x months rows, point, rep, month, the metrics.
    let (th, trows) = read_csv(&one.join("sweep_timeseries.csv"));
    assert_eq!(
        th,
        [
            "point",
            "rep",
            "month",
            "managed_share",
            "fee_collection_rate"
        ]
    );
    assert_eq!(trows.len(), 6 * 2 * 24);
    assert_eq!(&trows[24][..3], ["0", "1", "1"]);
    assert_eq!(&trows[trows.len() - 1][..3], ["5", "1", "24"]);
    // A point's last-year value in sweep.csv is the mean of its last 12 months.
    let m = col(&th, "managed_share");
    let last_year: f64 = trows[12..24]
        .iter()
        .map(|r| r[m].parse::<f64>().unwrap())
        .sum::<f64>()
        / 12.0;
    let v: f64 = rows[0][col(&h, "managed_share")].parse().unwrap();
    assert!((v - last_year).abs() < 1e-12, "{v} vs {last_year}");
    // Plots and report of a categorical key were drawn.
    assert!(one.join("report.html").is_file());
    assert!(fs::read_dir(one.join("plots")).unwrap().count() > 0);
}

#[test]
fn a_design_file_equals_the_grid_at_the_same_points() {
    let d = tempfile::tempdir().unwrap();
    let grid = d.path().join("grid");
    run_ok(&with(
        &[
            "sweep",
            BASELINE,
            "--vary",
            "property.government_purchase=0:20:3",
            "--vary",
            "workforce.career_path=false,true",
            "--out",
            s(&grid),
        ],
        &TINY,
    ));
    let design = d.path().join("points.csv");
    fs::write(
        &design,
        "property.government_purchase,workforce.career_path\n\
         0,false\n0,true\n10,false\n10.0,true\n20,false\n20,true\n",
    )
    .unwrap();
    let given = d.path().join("given");
    run_ok(&with(
        &[
            "sweep",
            BASELINE,
            "--design",
            s(&design),
            "--out",
            s(&given),
        ],
        &TINY,
    ));
    for f in ["sweep.csv", "sweep_points.csv"] {
        assert!(
            bytes(&grid.join(f)) == bytes(&given.join(f)),
            "{f} of the design differs from the grid's"
        );
    }
    // Row order is kept: the same file reversed gives the points reversed.
    let rev = d.path().join("rev.csv");
    fs::write(
        &rev,
        "property.government_purchase,workforce.career_path\n20,true\n0,false\n",
    )
    .unwrap();
    let out = d.path().join("rev");
    run_ok(&with(
        &["sweep", BASELINE, "--design", s(&rev), "--out", s(&out)],
        &TINY,
    ));
    let (_, rows) = read_csv(&out.join("sweep_points.csv"));
    let firsts: Vec<(&str, &str)> = rows.iter().map(|r| (&r[1][..], &r[2][..])).collect();
    assert_eq!(firsts, [("20", "true"), ("0", "false")]);
}

#[test]
fn bad_design_files_exit_2_with_file_and_line_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("never");
    let cases: [(&str, &str, &[&str]); 7] = [
        (
            "unknown_key.csv",
            "owners.enforcment,workforce.career_path\n0.5,true\n",
            &[":1:", "owners.enforcment", "owners.enforcement"],
        ),
        (
            "bad_value.csv",
            "owners.enforcement,workforce.career_path\n0.5,true\n0.6,maybe\n",
            &[":3:", "workforce.career_path", "true or false"],
        ),
        (
            "out_of_range.csv",
            "property.guided_price\n1.5\n\n99\n",
            &[":4:", "property.guided_price", "from 0 to 50"],
        ),
        (
            "ragged.csv",
            "owners.enforcement,workforce.career_path\n0.5,true\n0.6\n",
            &[":3:", "1 value(s) in a row of 2 key(s)"],
        ),
        ("empty.csv", "", &["empty.csv", "is empty"]),
        (
            "header_only.csv",
            "owners.enforcement\n",
            &[":1:", "no point"],
        ),
        (
            "twice.csv",
            "owners.enforcement,owners.enforcement\n0.5,0.6\n",
            &[":1:", "twice"],
        ),
    ];
    for (name, content, says) in cases {
        let file = d.path().join(name);
        fs::write(&file, content).unwrap();
        let o = run(&with(
            &["sweep", BASELINE, "--design", s(&file), "--out", s(&out)],
            &TINY,
        ));
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name), "{name} should be named: {err}");
        for x in says {
            assert!(err.contains(x), "{name} should say {x}: {err}");
        }
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(!out.exists(), "{name} wrote {}", out.display());
    }
    // --design and --vary are exclusive.
    let file = d.path().join("bad_value.csv");
    let o = run(&[
        "sweep",
        BASELINE,
        "--design",
        s(&file),
        "--vary",
        "owners.enforcement=0.1,0.2",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn year_n_is_the_mean_over_that_year_of_a_runs_timeseries() {
    let d = tempfile::tempdir().unwrap();
    let small = ["--years", "3", "--reps", "2", "--quiet"];
    let r = d.path().join("run");
    run_ok(&with(
        &[
            "run",
            BASELINE,
            "--set",
            "world.communities=1",
            "--out",
            s(&r),
        ],
        &small,
    ));
    let (th, trows) = read_csv(&r.join("timeseries.csv"));
    let metric = "fee_collection_rate";
    let m = col(&th, metric);
    // Per replication: the mean of months 13-24.
    let year2: Vec<f64> = (0..2)
        .map(|rep| {
            let v: Vec<f64> = trows
                .iter()
                .filter(|row| row[0] == rep.to_string())
                .filter(|row| (13..=24).contains(&row[1].parse::<u32>().unwrap()))
                .map(|row| row[m].parse().unwrap())
                .collect();
            assert_eq!(v.len(), 12);
            v.iter().sum::<f64>() / 12.0
        })
        .collect();
    // sweep.csv over the window year:2, at the run's own point.
    let sw = d.path().join("sweep");
    run_ok(&with(
        &[
            "sweep",
            BASELINE,
            "--vary",
            "world.communities=1",
            "--window",
            "year:2",
            "--out",
            s(&sw),
        ],
        &small,
    ));
    let (h, rows) = read_csv(&sw.join("sweep.csv"));
    for (rep, want) in year2.iter().enumerate() {
        let got: f64 = rows[rep][col(&h, metric)].parse().unwrap();
        assert!((got - want).abs() < 1e-12, "rep {rep}: {got} vs {want}");
    }
    // comparison.csv gains the year:2 rows; its base mean is the same year's mean.
    let cmp = d.path().join("cmp");
    run_ok(&with(
        &[
            "compare",
            BASELINE,
            BASELINE,
            "--set",
            "world.communities=1",
            "--window",
            "year:2",
            "--out",
            s(&cmp),
        ],
        &small,
    ));
    let (ch, crows) = read_csv(&cmp.join("comparison.csv"));
    let row = crows
        .iter()
        .find(|x| x[col(&ch, "metric")] == metric && x[col(&ch, "window")] == "year:2")
        .expect("a year:2 row");
    let base_mean: f64 = row[col(&ch, "base_mean")].parse().unwrap();
    let want = (year2[0] + year2[1]) / 2.0;
    assert!((base_mean - want).abs() < 1e-12, "{base_mean} vs {want}");
    for w in ["final_month", "last_year", "whole_run"] {
        assert!(crows.iter().any(|x| x[col(&ch, "window")] == w), "{w}");
    }
    // A year beyond the run is refused before anything runs.
    let never = d.path().join("never");
    for cmd in [
        vec!["sweep", BASELINE, "--vary", "world.communities=1"],
        vec!["compare", BASELINE, BASELINE],
    ] {
        let o = run(&with(
            &cmd,
            &["--years", "3", "--window", "year:4", "--out", s(&never)],
        ));
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {err}");
        assert!(err.contains("year:4") && err.contains("year:3"), "{err}");
        assert!(!never.exists());
    }
}
