//! Tests of resumable sweeps and plans: a killed sweep resumes to the same bytes, a plan run
//! in three shards and merged gives the one-machine sweep's and comparison's files, an
//! incomplete plan is refused with what is missing, and bad shards and tampered plans are
//! refused with exit 2 and nothing written.

use std::fs;
use std::path::Path;

use crate::util::{
    BASELINE, OWNERS_SPACE, PROFESSIONAL, make_plan, path_str as s, read_bytes as bytes, run,
    run_ok, sensitivity_args, shards_then_merge, shequ, text, with,
};

/// A sweep of 3 points x 3 replications of a tiny city for 2 years.
pub const SWEEP: [&str; 12] = [
    BASELINE,
    "--vary",
    "property.government_purchase=0:20:3",
    "--reps",
    "3",
    "--years",
    "2",
    "--set",
    "world.communities=2",
    "--set",
    "world.oversized_community_share=0",
    "-q",
];

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The manifest without the fields that differ between two runs of the same work.
fn manifest_without_timing(path: &Path) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(&bytes(path)).unwrap();
    for k in ["command_line", "threads", "wall_seconds"] {
        assert!(v.get(k).is_some(), "{} has no {k}", path.display());
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

/// Two output folders hold the same files with the same bytes, except the manifests'
/// timing fields (and the report that shows them).
pub fn assert_same_output(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(
        fa,
        fb,
        "{} and {} hold different files",
        a.display(),
        b.display()
    );
    assert!(fa.iter().any(|f| f.ends_with(".png")), "no plots in {fa:?}");
    for f in &fa {
        if f.ends_with("manifest.json") {
            assert_eq!(
                manifest_without_timing(&a.join(f)),
                manifest_without_timing(&b.join(f)),
                "{f}"
            );
        } else if f != "report.html" {
            assert!(bytes(&a.join(f)) == bytes(&b.join(f)), "{f} differs");
        }
    }
}

#[test]
fn a_killed_sweep_resumes_byte_identical_and_refuses_other_arguments() {
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    run_ok(&with(&["sweep"], &with(&SWEEP, &["--out", s(&whole)])));
    let out = d.path().join("resumed");
    let args = with(&["sweep"], &with(&SWEEP, &["--out", s(&out)]));
    // Killed (abort, like SIGKILL: nothing cleaned up) after 4 of 9 units. On one thread,
    // so that no other worker checkpoints a fifth unit before the abort lands.
    let o = shequ(&args)
        .env("SHEQU_TEST_ABORT_AFTER_UNITS", "4")
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(!out.exists(), "a killed sweep publishes nothing");
    let ckpt = d.path().join(".resumed.sweep-partial");
    let done = fs::read_dir(ckpt.join("units"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".unit")
        })
        .count();
    assert_eq!(done, 4, "four units were checkpointed");
    // Other arguments cannot resume this checkpoint (exit 2, nothing written).
    let other = with(
        &["sweep"],
        &with(&SWEEP, &["--seed", "9", "--out", s(&out), "--resume"]),
    );
    let o = run(&other);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("other arguments"),
        "{}",
        text(&o.stderr)
    );
    assert!(!out.exists());
    let o = run_ok(&with(&args, &["--resume"]));
    assert!(o.status.success());
    assert_same_output(&whole, &out);
    assert!(!ckpt.exists(), "the checkpoint is removed once published");
}

#[test]
fn three_shards_merged_equal_the_one_machine_sweep_and_compare() {
    let d = tempfile::tempdir().unwrap();
    let one = d.path().join("one");
    run_ok(&with(&["sweep"], &with(&SWEEP, &["--out", s(&one)])));
    let plan = d.path().join("plan");
    make_plan("sweep", &SWEEP, &plan);
    let units = fs::read_to_string(plan.join("units.csv")).unwrap();
    let lines: Vec<&str> = units.lines().collect();
    assert_eq!(lines[0], "unit,point,rep,seed,derived_seed");
    assert_eq!(lines.len(), 10);
    assert!(lines[4].starts_with("3,1,0,1,"), "{}", lines[4]);
    for shard in ["1/3", "2/3", "3/3"] {
        run_ok(&[
            "run-plan",
            s(&plan),
            "--shard",
            shard,
            "--threads",
            "1",
            "-q",
        ]);
    }
    // Idempotent: a shard run again skips its done units.
    let o = run_ok(&["run-plan", s(&plan), "--shard", "2/3"]);
    assert!(
        text(&o.stderr).contains("3 already done, ran 0"),
        "{}",
        text(&o.stderr)
    );
    let merged = d.path().join("merged");
    run_ok(&["merge", s(&plan), "--out", s(&merged), "-q"]);
    assert_same_output(&one, &merged);

    // A comparison with a per-arm override, planned and run in three shards.
    let cmp = [
        BASELINE,
        PROFESSIONAL,
        "--arm",
        "2:owners.enforcement=0.6",
        "--reps",
        "2",
        "--years",
        "1",
        "--set",
        "world.communities=2",
        "--set",
        "world.oversized_community_share=0",
        "-q",
    ];
    let one = d.path().join("cmp-one");
    run_ok(&with(&["compare"], &with(&cmp, &["--out", s(&one)])));
    let plan = d.path().join("cmp-plan");
    make_plan("compare", &cmp, &plan);
    shards_then_merge(&plan, &["3/3", "1/3", "2/3"]);
    assert_same_output(&one, &plan.join("result"));
}

#[test]
fn an_incomplete_plan_is_refused_listing_what_is_missing() {
    let d = tempfile::tempdir().unwrap();
    let plan = d.path().join("plan");
    make_plan("sweep", &SWEEP, &plan);
    run_ok(&["run-plan", s(&plan), "--shard", "1/3", "-q"]);
    let out = d.path().join("out");
    let o = run(&["merge", s(&plan), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("6 of 9 unit(s) are not done"), "{e}");
    assert!(
        e.contains("1 (point 0, rep 1), 2 (point 0, rep 2), 4 (point 1, rep 1)"),
        "{e}"
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn bad_shards_other_versions_and_tampered_plans_exit_2_writing_nothing() {
    let d = tempfile::tempdir().unwrap();
    let plan = d.path().join("plan");
    make_plan("sweep", &SWEEP, &plan);
    let no_units = |plan: &Path| fs::read_dir(plan.join("units")).unwrap().count() == 0;
    for shard in ["4/3", "0/3", "x/y", "3", "1/0"] {
        let o = run(&["run-plan", s(&plan), "--shard", shard]);
        assert_eq!(o.status.code(), Some(2), "{shard}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains("--shard"), "{}", text(&o.stderr));
        assert!(no_units(&plan));
    }
    // A plan is never written over.
    let o = run(&with(
        &["plan", "sweep"],
        &with(&SWEEP, &["--out", s(&plan)]),
    ));
    assert_eq!(o.status.code(), Some(2));
    let json = fs::read_to_string(plan.join("plan.json")).unwrap();
    let cases = [
        (
            "another version",
            json.replacen("\"shequ_version\": \"", "\"shequ_version\": \"0.0.0-", 1),
            "written by shequ 0.0.0-",
        ),
        (
            "a changed seed",
            json.replacen("\"seed\": 1,", "\"seed\": 2,", 1),
            "changed after",
        ),
        ("not JSON", "{".to_string(), "not valid JSON"),
    ];
    for (what, tampered, says) in cases {
        assert_ne!(tampered, json, "{what}: the test did not change plan.json");
        fs::write(plan.join("plan.json"), &tampered).unwrap();
        for args in [
            vec!["run-plan", s(&plan), "--shard", "1/1"],
            vec!["merge", s(&plan)],
            vec!["slurm", s(&plan), "--tasks", "2"],
        ] {
            let o = run(&args);
            let e = text(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{what} {args:?}: {e}");
            assert!(e.contains("plan.json") && e.contains(says), "{what}: {e}");
        }
        assert!(
            no_units(&plan)
                && !plan.join("result").exists()
                && !plan.join("submit.sbatch").exists()
        );
    }
    // A changed scenario file is refused too.
    fs::write(plan.join("plan.json"), &json).unwrap();
    let sc = plan.join("scenarios").join("1.toml");
    let t = fs::read_to_string(&sc).unwrap();
    fs::write(&sc, t.replacen("years = 2", "years = 3", 1)).unwrap();
    let o = run(&["run-plan", s(&plan)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(no_units(&plan));
}

#[test]
fn slurm_writes_an_array_and_a_chained_merge_job() {
    let d = tempfile::tempdir().unwrap();
    let plan = d.path().join("plan");
    make_plan("sweep", &SWEEP, &plan);
    let o = run_ok(&[
        "slurm",
        s(&plan),
        "--tasks",
        "3",
        "--max-running",
        "2",
        "--time",
        "10:00",
        "--partition",
        "short",
    ]);
    assert!(text(&o.stdout).contains("submit.sh"), "{}", text(&o.stdout));
    let array = fs::read_to_string(plan.join("submit.sbatch")).unwrap();
    for line in [
        "#SBATCH --array=1-3%2",
        "#SBATCH --time=10:00",
        "#SBATCH --partition=short",
        "--shard \"$SLURM_ARRAY_TASK_ID/3\"",
    ] {
        assert!(array.contains(line), "{line} not in\n{array}");
    }
    let submit = fs::read_to_string(plan.join("submit.sh")).unwrap();
    assert!(
        submit.contains("--dependency=afterok:$jid merge.sbatch"),
        "{submit}"
    );
    for bad in [
        vec!["--tasks", "0"],
        vec!["--tasks", "10"],
        vec!["--tasks", "2", "--time", "1;rm"],
    ] {
        let o = run(&with(&["slurm", s(&plan)], &bad));
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
    }
    // A file of the user's with that name is never overwritten.
    fs::write(plan.join("submit.sh"), "#!/bin/sh\necho mine\n").unwrap();
    let o = run(&["slurm", s(&plan), "--tasks", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(plan.join("submit.sh")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
}

/// Two replications of two years of a tiny city, quietly.
const TWO_BY_TWO: [&str; 9] = [
    "--reps",
    "2",
    "--years",
    "2",
    "--set",
    "world.communities=2",
    "--set",
    "world.oversized_community_share=0",
    "-q",
];

/// What a sweep keeps (`--design`, `--metrics`, `--window year:N`, `--timeseries`) survives
/// a kill and `--resume`, and a plan run in two shards and merged.
#[test]
fn sweep_outputs_survive_resume_and_plans() {
    let d = tempfile::tempdir().unwrap();
    let design = d.path().join("points.csv");
    fs::write(
        &design,
        "property.government_purchase,workforce.career_path\n0,true\n20,false\n",
    )
    .unwrap();
    let dp = s(&design);
    let sweep = with(
        &[
            BASELINE,
            "--design",
            dp,
            "--timeseries",
            "--metrics",
            "managed_share,fee_collection_rate",
            "--window",
            "year:1",
        ],
        &TWO_BY_TWO,
    );
    let whole = d.path().join("whole");
    run_ok(&with(&["sweep"], &with(&sweep, &["--out", s(&whole)])));
    let ts = fs::read_to_string(whole.join("sweep_timeseries.csv")).unwrap();
    // 2 points x 2 replications x 24 months, and a header.
    assert_eq!(ts.lines().count(), 1 + 2 * 2 * 24);
    let manifest: serde_json::Value =
        serde_json::from_slice(&bytes(&whole.join("manifest.json"))).unwrap();
    assert_eq!(manifest["window"], "year:1");
    assert_eq!(manifest["timeseries"], true);

    let resumed = d.path().join("resumed");
    let args = with(&["sweep"], &with(&sweep, &["--out", s(&resumed)]));
    let o = shequ(&args)
        .env("SHEQU_TEST_ABORT_AFTER_UNITS", "2")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(!resumed.exists());
    run_ok(&with(&args, &["--resume"]));
    assert_same_output(&whole, &resumed);

    let plan = d.path().join("plan");
    make_plan("sweep", &sweep, &plan);
    shards_then_merge(&plan, &["2/2", "1/2"]);
    assert_same_output(&whole, &plan.join("result"));
}

/// `compare --window` runs through a plan to the one-machine bytes; `--posterior` is
/// refused by `plan compare` (exit 2, nothing written).
#[test]
fn plan_compare_keeps_windows_and_refuses_posterior() {
    let d = tempfile::tempdir().unwrap();
    let cmp = with(&[BASELINE, PROFESSIONAL, "--window", "year:1"], &TWO_BY_TWO);
    let one = d.path().join("one");
    run_ok(&with(&["compare"], &with(&cmp, &["--out", s(&one)])));
    let csv = fs::read_to_string(one.join("comparison.csv")).unwrap();
    assert!(csv.contains(",year:1,"), "no year:1 rows");
    let plan = d.path().join("plan");
    make_plan("compare", &cmp, &plan);
    run_ok(&["run-plan", s(&plan), "-q"]);
    run_ok(&["merge", s(&plan), "-q"]);
    assert_same_output(&one, &plan.join("result"));

    let acc = d.path().join("accepted.csv");
    fs::write(&acc, "point,owners.enforcement,accepted\n0,0.3,true\n").unwrap();
    let refused = d.path().join("refused");
    let o = run(&with(
        &["plan", "compare"],
        &with(&cmp, &["--posterior", s(&acc), "--out", s(&refused)]),
    ));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("--posterior"),
        "{}",
        text(&o.stderr)
    );
    assert!(!refused.exists(), "nothing written");
}

/// `plan sensitivity` run in three shards and merged writes the folder of `sensitivity
/// run` (CSVs, space, scenario, plots; the manifest but for timing), for Sobol' and Morris;
/// units are (design row, replication) with the replication's derived seed.
#[test]
fn three_shards_merged_equal_the_one_machine_sensitivity_run() {
    let d = tempfile::tempdir().unwrap();
    let space = d.path().join("space.toml");
    fs::write(&space, OWNERS_SPACE).unwrap();
    let sobol = ["--method", "sobol", "--n", "8"];
    let morris = ["--method", "morris", "--n", "4", "--levels", "4"];
    // Sobol': 8 x (2 + 2) rows; Morris: 4 x (2 + 1) rows.
    for (method, rows) in [(&sobol[..], 32), (&morris[..], 12)] {
        let args = sensitivity_args(s(&space), method);
        let one = d.path().join(format!("one-{}", method[1]));
        run_ok(&with(
            &["sensitivity", "run"],
            &with(&args, &["--out", s(&one)]),
        ));
        let plan = d.path().join(format!("plan-{}", method[1]));
        make_plan("sensitivity", &args, &plan);
        let units = fs::read_to_string(plan.join("units.csv")).unwrap();
        let lines: Vec<&str> = units.lines().collect();
        assert_eq!(lines[0], "unit,row,rep,seed,derived_seed");
        assert_eq!(lines.len(), 1 + rows * 2, "{}", method[1]);
        assert!(lines[4].starts_with("3,1,1,1,"), "{}", lines[4]);
        // Replication r has one derived seed whatever the row.
        assert_eq!(lines[2].rsplit(',').next(), lines[4].rsplit(',').next());
        shards_then_merge(&plan, &["3/3", "1/3", "2/3"]);
        assert_same_output(&one, &plan.join("result"));
        assert!(
            plan.join("result")
                .join(format!("plots/{}_managed_share.png", method[1]))
                .is_file()
        );
    }
}

/// `merge` refuses a sensitivity plan with a unit missing, naming its row and replication
/// (exit 2, nothing written); a bad space file at plan time writes no plan (exit 2).
#[test]
fn sensitivity_plans_refuse_missing_units_and_bad_spaces() {
    let d = tempfile::tempdir().unwrap();
    let space = d.path().join("space.toml");
    fs::write(
        &space,
        "[[factor]]\nname = \"owners.enforcement\"\nlo = 0.2\nhi = 0.6\n",
    )
    .unwrap();
    let args = sensitivity_args(s(&space), &["--method", "morris", "--n", "2"]);
    let plan = d.path().join("plan");
    make_plan("sensitivity", &args, &plan);
    run_ok(&["run-plan", s(&plan), "-q"]);
    fs::remove_file(plan.join("units").join("000000005.unit")).unwrap();
    let out = d.path().join("out");
    let o = run(&["merge", s(&plan), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let e = text(&o.stderr);
    assert!(
        e.contains("1 of 8 unit(s) are not done: 5 (row 2, rep 1)"),
        "{e}"
    );
    assert!(!out.exists(), "nothing written");

    for (bad, says) in [
        (
            "[[factor]]\nname = \"owners.enforcment\"\nlo = 0\nhi = 1\n",
            "not a scenario key",
        ),
        (
            "[[factor]]\nname = \"owners.enforcement\"\nlo = 0.5\nhi = 0.2\n",
            "space.toml",
        ),
    ] {
        fs::write(&space, bad).unwrap();
        let refused = d.path().join("refused");
        let o = run(&with(
            &["plan", "sensitivity"],
            &with(&args, &["--out", s(&refused)]),
        ));
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains(says), "{}", text(&o.stderr));
        assert!(!refused.exists(), "nothing written");
    }
}
