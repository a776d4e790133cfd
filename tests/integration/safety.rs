//! Issue 11 regressions: runs that cannot fit are refused at once with a memory figure, the
//! thread count is bounded, and the warning step that used to hang finishes.

use std::time::{Duration, Instant};

use crate::util::{BASELINE, path_str, run, run_ok, text};

/// A quiet run of `scenario` with `reps` replications over `years` years into `out`.
fn small_run(scenario: &str, reps: &str, years: &str, out: &std::path::Path) {
    run_ok(&[
        "run",
        scenario,
        "--reps",
        reps,
        "--years",
        years,
        "-q",
        "--out",
        path_str(out),
    ]);
}

/// Runs `args`, expecting exit 2 within `limit` with stderr containing every `needle`.
fn refused_quickly(args: &[&str], needles: &[&str], limit: Duration) {
    let started = Instant::now();
    let o = run(args);
    let took = started.elapsed();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(took < limit, "{args:?} took {took:?}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: `{n}` not in {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn worlds_that_cannot_fit_are_refused_at_once_with_a_memory_figure() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("huge");
    let ten = Duration::from_secs(10);
    refused_quickly(
        &[
            "run",
            BASELINE,
            "--set",
            "world.communities=20000",
            "--set",
            "mobilisation.typhoons_per_year=12",
            "--years",
            "200",
            "--out",
            path_str(&out),
        ],
        &["GiB of memory", "--allow-large"],
        ten,
    );
    refused_quickly(
        &[
            "run",
            BASELINE,
            "--reps",
            "100000",
            "--years",
            "200",
            "--out",
            path_str(&out),
        ],
        &["GiB of memory", "GiB of output"],
        ten,
    );
    refused_quickly(
        &["bench", "--households", "18446744073709551615"],
        &["GiB of memory"],
        ten,
    );
    assert!(!out.exists(), "a refused run wrote {}", out.display());
}

#[test]
fn thread_counts_are_bounded() {
    let ten = Duration::from_secs(10);
    refused_quickly(
        &["run", BASELINE, "--threads", "100000"],
        &["--threads 100000", "per core"],
        ten,
    );
    refused_quickly(&["run", BASELINE, "--threads", "0"], &["--threads 0"], ten);
    refused_quickly(
        &["validate", "--threads", "100000"],
        &["--threads 100000"],
        ten,
    );
}

#[test]
fn the_warning_step_finishes_at_settings_that_used_to_hang() {
    let d = tempfile::tempdir().unwrap();
    for (i, sets) in [
        &["mobilisation.step_minutes=1"][..],
        &[
            "mobilisation.handoff_minutes=15",
            "mobilisation.knock_minutes=5",
        ][..],
    ]
    .iter()
    .enumerate()
    {
        let out = d.path().join(format!("r{i}"));
        let mut args = vec![
            "run",
            "scenarios/typhoon_stress.toml",
            "--years",
            "1",
            "--reps",
            "1",
            "-q",
            "--out",
            path_str(&out),
        ];
        for s in *sets {
            args.extend(["--set", s]);
        }
        let started = Instant::now();
        run_ok(&args);
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{sets:?} took too long"
        );
        assert!(out.join("events.csv").is_file());
    }
}

/// Rewrites numeric cells of a CSV file with `value`: in every row, the cells from the third
/// column on whose column + row index is a multiple of `every`.
fn poison(path: &std::path::Path, every: usize, value: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let mut out = String::from(lines.next().unwrap_or(""));
    out.push('\n');
    for (r, line) in lines.enumerate() {
        let cells: Vec<String> = line
            .split(',')
            .enumerate()
            .map(|(c, cell)| {
                if c >= 2 && (c + r) % every == 0 && cell.parse::<f64>().is_ok() {
                    value.to_string()
                } else {
                    cell.to_string()
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn plot_never_panics_on_hand_edited_csvs() {
    let d = tempfile::tempdir().unwrap();
    let base = d.path().join("base");
    small_run("scenarios/typhoon_stress.toml", "2", "2", &base);
    let values = [
        "1e308",
        "-1e308",
        "inf",
        "-inf",
        "NaN",
        "0",
        "1e-320",
        "99999999999999999999",
    ];
    for (k, value) in values.iter().enumerate() {
        let dir = d.path().join(format!("v{k}"));
        std::fs::create_dir(&dir).unwrap();
        for f in [
            "timeseries.csv",
            "summary.csv",
            "events.csv",
            "manifest.json",
            "scenario.toml",
        ] {
            std::fs::copy(base.join(f), dir.join(f)).unwrap();
        }
        for f in ["timeseries.csv", "summary.csv", "events.csv"] {
            poison(&dir.join(f), 2 + k % 3, value);
        }
        let o = run(&["plot", path_str(&dir)]);
        let err = text(&o.stderr);
        assert!(
            matches!(o.status.code(), Some(0..=2)) && !err.contains("panicked"),
            "{value}: {:?} {err}",
            o.status.code()
        );
    }
}

#[test]
fn a_closed_pipe_never_makes_shequ_panic() {
    use std::process::Stdio;
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r");
    let cases: [&[&str]; 3] = [
        &["explain"],
        &[
            "run",
            BASELINE,
            "--reps",
            "1",
            "--years",
            "1",
            "--out",
            path_str(&out),
        ],
        &["run", "no/such/scenario.toml"],
    ];
    for args in cases {
        // Both ends closed before shequ writes: every write fails with a broken pipe.
        let mut child = crate::util::shequ(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start shequ");
        drop(child.stdout.take());
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_ne!(status.code(), Some(101), "{args:?} panicked");
        assert!(status.code().is_some(), "{args:?} was killed by a signal");
    }
}

#[test]
fn plot_never_removes_a_users_file_from_the_plots_folder() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r");
    small_run(BASELINE, "1", "1", &out);
    let mine = out.join("plots").join("my notes.txt");
    std::fs::write(&mine, "mine").unwrap();
    let o = run(&["plot", path_str(&out)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("my notes.txt"));
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "mine");
    std::fs::remove_file(&mine).unwrap();
    run_ok(&["plot", path_str(&out)]);
    // A file of the user's beside the outputs is left alone by a redraw.
    let beside = out.join("notes.txt");
    std::fs::write(&beside, "mine").unwrap();
    run_ok(&["plot", path_str(&out)]);
    assert_eq!(std::fs::read_to_string(&beside).unwrap(), "mine");
}
