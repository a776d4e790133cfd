//! Tests of `shequ compare` and `shequ sweep`: the paired t interval against hand-computed
//! values, byte-identical outputs across thread counts, common random numbers (a scenario
//! compared with an identical copy differs by exactly zero), the direction of a sweep,
//! Latin-hypercube strata, and refused --vary specs.
//!
//! Runs are small (4 communities, 2 years, 3 replications) to keep the file fast.

use std::fs;
use std::path::{Path, PathBuf};

use shequ::experiment::compare::paired;
use shequ::experiment::sweep::lhs_unit;

use shequ::model::metrics::M;

use crate::util::{
    BASELINE, PROFESSIONAL, ROOT, col, path_str as s, read_bytes as bytes, read_csv, run, run_ok,
    text,
};
/// Small runs: 4 communities, 2 years, 3 replications.
const SMALL: [&str; 6] = [
    "--years",
    "2",
    "--reps",
    "3",
    "--set",
    "world.communities=4",
];

pub fn with<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(tail).copied().collect()
}

// ---------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------

#[test]
fn paired_t_interval_of_a_hand_made_sample() {
    // Differences 0.5, 1.5, 1.0, 2.0, 0.0, 1.0: mean 1.0, sample variance 0.5 (sum of
    // squared deviations 2.5 over 5), sd 0.7071068, t(0.975, 5) = 2.570582,
    // half-width 2.570582 * 0.7071068 / sqrt(6) = 0.7420631.
    let base = [3.0, 2.5, 4.0, 1.0, 5.0, 2.0];
    let other = [3.5, 4.0, 5.0, 3.0, 5.0, 3.0];
    let d = paired(&base, &other);
    assert_eq!(d.n, 6);
    assert!((d.mean - 1.0).abs() < 1e-12, "{d:?}");
    assert!((d.sd - 0.5f64.sqrt()).abs() < 1e-12, "{d:?}");
    assert!((d.ci_low - (1.0 - 0.742_063_1)).abs() < 1e-6, "{d:?}");
    assert!((d.ci_high - (1.0 + 0.742_063_1)).abs() < 1e-6, "{d:?}");
    // Swapping the samples flips the sign.
    let r = paired(&other, &base);
    assert_eq!(
        (r.mean, r.ci_low, r.ci_high),
        (-d.mean, -d.ci_high, -d.ci_low)
    );
}

// ---------------------------------------------------------------------------------------
// compare
// ---------------------------------------------------------------------------------------

#[test]
fn compare_is_identical_across_thread_counts_and_writes_every_run() {
    let d = tempfile::tempdir().unwrap();
    let outs: Vec<PathBuf> = ["1", "2"]
        .iter()
        .map(|t| {
            let out = d.path().join(format!("t{t}"));
            run_ok(&with(
                &[
                    "compare",
                    BASELINE,
                    PROFESSIONAL,
                    "--threads",
                    t,
                    "--quiet",
                    "--out",
                    s(&out),
                ],
                &SMALL,
            ));
            out
        })
        .collect();
    for f in [
        "comparison.csv",
        "baseline/timeseries.csv",
        "baseline/summary.csv",
        "professional_firms/timeseries.csv",
        "professional_firms/summary.csv",
    ] {
        assert!(
            bytes(&outs[0].join(f)) == bytes(&outs[1].join(f)),
            "{f} differs between --threads 1 and 2"
        );
    }
    for f in [
        "manifest.json",
        "baseline/manifest.json",
        "professional_firms/scenario.toml",
    ] {
        assert!(outs[0].join(f).is_file(), "{f} missing");
    }
    let (h, rows) = read_csv(&outs[0].join("comparison.csv"));
    // metric x scenario x window.
    let windows = 3; // final_month, last_year, whole_run
    let metrics = read_csv(&outs[0].join("baseline/summary.csv")).1.len() / windows;
    assert_eq!(rows.len(), metrics * 2 * windows);
    let (metric, window, scen) = (col(&h, "metric"), col(&h, "window"), col(&h, "scenario"));
    let key = |r: &Vec<String>| (r[metric].clone(), r[scen].clone(), r[window].clone());
    assert_eq!(
        rows[..4].iter().map(key).collect::<Vec<_>>(),
        [
            (M::FeeCollectionRate.name(), "baseline", "final_month"),
            (M::FeeCollectionRate.name(), "baseline", "last_year"),
            (M::FeeCollectionRate.name(), "baseline", "whole_run"),
            (
                M::FeeCollectionRate.name(),
                "professional_firms",
                "final_month"
            ),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    // The base mean is the one in the base's own summary.csv, and the reform's paired
    // difference is its mean minus the base's.
    let (sh, srows) = read_csv(&outs[0].join("baseline/summary.csv"));
    let base_mean = &srows
        .iter()
        .find(|r| r[0] == M::ServiceQuality.name() && r[1] == "last_year")
        .unwrap()[col(&sh, "mean")];
    let row = rows
        .iter()
        .find(|r| {
            r[metric] == M::ServiceQuality.name()
                && r[scen] == "professional_firms"
                && r[window] == "last_year"
        })
        .unwrap();
    assert_eq!(&row[col(&h, "base_mean")], base_mean);
    let num = |c: &str| row[col(&h, c)].parse::<f64>().unwrap();
    assert!(
        (num("diff_mean") - (num("scenario_mean") - num("base_mean"))).abs() < 1e-12,
        "{row:?}"
    );
    assert!(num("diff_ci95_low") <= num("diff_mean") && num("diff_mean") <= num("diff_ci95_high"));
}

/// Every row's difference is exactly zero and no interval excludes zero.
fn assert_all_zero(comparison: &Path) {
    let (h, rows) = read_csv(comparison);
    assert!(!rows.is_empty());
    for r in &rows {
        for c in ["diff_mean", "diff_sd", "diff_ci95_low", "diff_ci95_high"] {
            assert_eq!(r[col(&h, c)], "0", "{c} of {r:?}");
        }
        assert_eq!(
            r[col(&h, "base_mean")],
            r[col(&h, "scenario_mean")],
            "{r:?}"
        );
        assert_eq!(r[col(&h, "excludes_zero")], "false", "{r:?}");
    }
}

#[test]
fn arm_overrides_change_one_arm_only_and_name_it() {
    let d = tempfile::tempdir().unwrap();
    // The same file twice: identical arms differ by exactly zero ...
    let same = d.path().join("same");
    run_ok(&with(
        &["compare", BASELINE, BASELINE, "--quiet", "--out", s(&same)],
        &SMALL,
    ));
    assert_all_zero(&same.join("comparison.csv"));
    // ... and with --arm 2 only the second arm changes: collection rises with enforcement.
    let out = d.path().join("arm");
    run_ok(&with(
        &[
            "compare",
            BASELINE,
            BASELINE,
            "--arm",
            "2:owners.enforcement=0.8",
            "--quiet",
            "--out",
            s(&out),
        ],
        &SMALL,
    ));
    let arm = "baseline_owners.enforcement_0.8";
    assert!(
        out.join(arm).join("timeseries.csv").is_file(),
        "arm folder named by its override"
    );
    assert_eq!(
        bytes(&out.join("baseline/timeseries.csv")),
        bytes(&same.join("baseline/timeseries.csv")),
        "the base arm is untouched"
    );
    let (h, rows) = read_csv(&out.join("comparison.csv"));
    let row = rows
        .iter()
        .find(|r| {
            r[col(&h, "metric")] == M::FeeCollectionRate.name()
                && r[col(&h, "window")] == "last_year"
                && r[col(&h, "scenario")] != r[col(&h, "base")]
        })
        .expect("a collection row for the arm");
    let diff: f64 = row[col(&h, "diff_mean")].parse().unwrap();
    assert!(
        diff > 0.05,
        "stricter enforcement in arm 2 raises collection: {diff}"
    );
    let manifest = fs::read_to_string(out.join(arm).join("manifest.json")).unwrap();
    assert!(
        manifest.contains("--arm 2 owners.enforcement=0.8"),
        "{manifest}"
    );
    // The report says what the arm's money buys, from the whole-run cost difference.
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("What the money buys"),
        "no cost-effectiveness section"
    );
    assert!(
        rows.iter()
            .any(|r| r[col(&h, "metric")] == M::PublicCost.name()
                && r[col(&h, "window")] == "whole_run"),
        "comparison.csv has the whole-run public cost"
    );
    // Bad arm numbers and keys: exit 2, nothing written.
    for (spec, says) in [
        ("3:owners.enforcement=0.8", "from 1 (the base) to 2"),
        ("x:owners.enforcement=0.8", "N:KEY=VALUE"),
        ("2:owners.enforcment=0.8", "owners.enforcment"),
        ("2:owners.enforcement=7", "owners.enforcement"),
    ] {
        let bad = d.path().join("bad");
        let o = run(&with(
            &[
                "compare",
                BASELINE,
                BASELINE,
                "--arm",
                spec,
                "--out",
                s(&bad),
            ],
            &SMALL,
        ));
        assert_eq!(o.status.code(), Some(2), "{spec}");
        assert!(
            text(&o.stderr).contains(says),
            "{spec}: {}",
            text(&o.stderr)
        );
        assert!(!bad.exists(), "{spec}: nothing written");
    }
}

#[test]
fn common_random_numbers_an_identical_copy_differs_by_exactly_zero() {
    let d = tempfile::tempdir().unwrap();
    let baseline = Path::new(ROOT).join(BASELINE);
    let copy = d.path().join("copy.toml");
    fs::write(
        &copy,
        format!("name = \"baseline_copy\"\nextends = {:?}\n", s(&baseline)),
    )
    .unwrap();
    let out = d.path().join("crn");
    run_ok(&with(
        &["compare", BASELINE, s(&copy), "--quiet", "--out", s(&out)],
        &SMALL,
    ));
    assert_all_zero(&out.join("comparison.csv"));
    assert_eq!(
        bytes(&out.join("baseline/timeseries.csv")),
        bytes(&out.join("baseline_copy/timeseries.csv"))
    );

    // A copy whose [run] section differs is run with the base's seed, replications and
    // years (so it pairs), says so, and records it.
    let reseeded = d.path().join("reseeded.toml");
    fs::write(
        &reseeded,
        format!(
            "name = \"reseeded\"\nextends = {:?}\n[run]\nseed = 99\nyears = 3\n",
            s(&baseline)
        ),
    )
    .unwrap();
    let out2 = d.path().join("aligned");
    let o = run_ok(&with(
        &["compare", BASELINE, s(&reseeded), "--out", s(&out2)],
        &SMALL,
    ));
    assert!(
        text(&o.stderr).contains("run.seed=1"),
        "{}",
        text(&o.stderr)
    );
    assert_all_zero(&out2.join("comparison.csv"));
    let manifest = fs::read_to_string(out2.join("reseeded/manifest.json")).unwrap();
    assert!(manifest.contains("run.seed=1"), "{manifest}");
    // The terminal table names the scenarios.
    assert!(
        text(&o.stdout).contains("reseeded - baseline"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn compare_refuses_a_bad_scenario_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("never");
    let o = run(&[
        "compare",
        BASELINE,
        "scenarios/no_such.toml",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(!out.exists());
    // One scenario is not a comparison.
    assert_eq!(run(&["compare", BASELINE]).status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------
// sweep
// ---------------------------------------------------------------------------------------

#[test]
fn sweep_grid_is_deterministic_and_service_quality_rises_with_purchase() {
    let d = tempfile::tempdir().unwrap();
    let outs: Vec<PathBuf> = ["1", "2"]
        .iter()
        .map(|t| {
            let out = d.path().join(format!("t{t}"));
            run_ok(&with(
                &[
                    "sweep",
                    BASELINE,
                    "--vary",
                    "property.government_purchase=0:40:3",
                    "--threads",
                    t,
                    "--quiet",
                    "--out",
                    s(&out),
                ],
                &SMALL,
            ));
            out
        })
        .collect();
    for f in ["sweep.csv", "sweep_points.csv"] {
        assert!(
            bytes(&outs[0].join(f)) == bytes(&outs[1].join(f)),
            "{f} differs between --threads 1 and 2"
        );
    }
    assert!(outs[0].join("manifest.json").is_file() && outs[0].join("scenario.toml").is_file());

    let (h, rows) = read_csv(&outs[0].join("sweep.csv"));
    assert_eq!(rows.len(), 3 * 3, "points x replications");
    assert_eq!(&h[..3], ["point", "rep", "property.government_purchase"]);
    let gp = col(&h, "property.government_purchase");
    let values: Vec<&str> = rows.iter().map(|r| r[gp].as_str()).collect();
    assert_eq!(values, ["0", "0", "0", "20", "20", "20", "40", "40", "40"]);

    let (h, points) = read_csv(&outs[0].join("sweep_points.csv"));
    assert_eq!(points.len(), 3);
    let q = col(&h, "service_quality_mean");
    let quality: Vec<f64> = points.iter().map(|r| r[q].parse().unwrap()).collect();
    assert!(
        quality.windows(2).all(|w| w[0] <= w[1]),
        "service quality should not fall as the government buys more services: {quality:?}"
    );
    // The per-point mean is the mean of that point's replications in sweep.csv.
    let (sh, srows) = read_csv(&outs[0].join("sweep.csv"));
    let sq = col(&sh, M::ServiceQuality.name());
    let mean0: f64 = srows[..3]
        .iter()
        .map(|r| r[sq].parse::<f64>().unwrap())
        .sum::<f64>()
        / 3.0;
    assert!((mean0 - quality[0]).abs() < 1e-12);
    for c in ["service_quality_ci95_low", "service_quality_ci95_high", "n"] {
        col(&h, c);
    }
}

#[test]
fn latin_hypercube_has_one_point_in_each_stratum_of_every_key() {
    // The sampler itself, for several sizes.
    for n in [1, 2, 5, 64] {
        let u = lhs_unit(n, 3, 7);
        for k in 0..3 {
            let mut strata: Vec<usize> = u.iter().map(|p| (p[k] * n as f64) as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>(), "n {n}, key {k}");
        }
    }
    // Through the command line: the values written, mapped back onto their ranges.
    let d = tempfile::tempdir().unwrap();
    let n = 7;
    let out = d.path().join("lhs");
    let lhs = |out: &Path, threads: &str| {
        run_ok(&[
            "sweep",
            BASELINE,
            "--lhs",
            "7",
            "--vary",
            "property.government_purchase=0:40",
            "--vary",
            "owners.enforcement=0.1:0.9",
            "--years",
            "1",
            "--reps",
            "2",
            "--set",
            "world.communities=2",
            "--threads",
            threads,
            "--quiet",
            "--out",
            s(out),
        ])
    };
    lhs(&out, "1");
    let (h, rows) = read_csv(&out.join("sweep_points.csv"));
    assert_eq!(rows.len(), n);
    for (key, lo, hi) in [
        ("property.government_purchase", 0.0, 40.0),
        ("owners.enforcement", 0.1, 0.9),
    ] {
        let c = col(&h, key);
        let mut strata: Vec<usize> = rows
            .iter()
            .map(|r| {
                let x: f64 = r[c].parse().unwrap();
                assert!((lo..=hi).contains(&x), "{key} = {x}");
                (((x - lo) / (hi - lo) * n as f64) as usize).min(n - 1)
            })
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..n).collect::<Vec<_>>(), "{key}");
    }
    // Same seed, same sample and results, whatever the thread count.
    let again = d.path().join("lhs2");
    lhs(&again, "2");
    assert!(bytes(&out.join("sweep.csv")) == bytes(&again.join("sweep.csv")));
}

#[test]
fn bad_vary_specs_exit_2_name_the_key_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("never");
    let cases: [(&[&str], &str); 8] = [
        (
            &["--vary", "property.guided_prise=1:2:3"],
            "property.guided_prise",
        ),
        (
            &["--vary", "property.guided_price=2:1:3"],
            "property.guided_price",
        ),
        (
            &["--vary", "property.guided_price=1:2:0"],
            "property.guided_price",
        ),
        (
            &["--vary", "property.guided_price=1:60:3"],
            "property.guided_price",
        ),
        (
            &["--vary", "owners.enforcement=x:1:2"],
            "owners.enforcement",
        ),
        (&["--vary", "owners.enforcement=0:1"], "owners.enforcement"),
        (
            &["--lhs", "4", "--vary", "owners.enforcement=0:1:3"],
            "owners.enforcement",
        ),
        (&["--vary", "run.seed=1:5:2"], "run.seed"),
    ];
    for (spec, key) in cases {
        let args = with(&with(&["sweep", BASELINE], spec), &["--out", s(&out)]);
        let o = run(&args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(key), "{args:?} should name {key}: {err}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
    // An out-of-range grid point is named with its value.
    let o = run(&["sweep", BASELINE, "--vary", "property.guided_price=1:60:3"]);
    let err = text(&o.stderr);
    assert!(
        err.contains("point 2 (property.guided_price=60)") && err.contains("from 0 to 50"),
        "{err}"
    );
    // No temporary directories left beside the output either.
    assert_eq!(fs::read_dir(d.path()).unwrap().count(), 0);
}
