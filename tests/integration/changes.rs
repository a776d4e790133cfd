//! `[[changes]]`: a run is byte-identical to the same scenario without the change before
//! the change's month, differs after it, reruns from its resolved `scenario.toml`, and bad
//! changes are refused (exit 2) with the file and line.

use std::fs;
use std::path::Path;

use crate::util::{BASELINE, ROOT, path_str, run, run_ok, text};

/// Writes a scenario extending the baseline with `changes` (TOML text).
fn scenario(dir: &Path, name: &str, changes: &str) -> String {
    let base = Path::new(ROOT).join(BASELINE);
    let p = dir.join(format!("{name}.toml"));
    fs::write(
        &p,
        format!(
            "name = \"{name}\"\nextends = \"{}\"\n{changes}",
            base.display()
        ),
    )
    .unwrap();
    p.display().to_string()
}

/// timeseries.csv rows by (rep, month), as text.
fn rows(dir: &Path) -> Vec<(u32, String)> {
    fs::read_to_string(dir.join("timeseries.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let month = l.split(',').nth(1).unwrap().parse().unwrap();
            (month, l.to_string())
        })
        .collect()
}

#[test]
fn identical_before_the_change_month_and_different_after() {
    let d = tempfile::tempdir().unwrap();
    let plain = scenario(d.path(), "plain", "");
    let changed = scenario(
        d.path(),
        "changed",
        "[[changes]]\nmonth = 13\nset = { \"owners.enforcement\" = 1.0, \"property.guided_price\" = 3.0 }\n",
    );
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    let common = ["--reps", "2", "--years", "3", "--seed", "7", "-q"];
    for (s, out) in [(&plain, &a), (&changed, &b)] {
        let mut args = vec!["run", s.as_str(), "--out", path_str(out)];
        args.extend(common);
        run_ok(&args);
    }
    let (ra, rb) = (rows(&a), rows(&b));
    assert_eq!(ra.len(), rb.len());
    let before: Vec<_> = ra.iter().zip(&rb).filter(|(x, _)| x.0 < 13).collect();
    assert_eq!(before.len(), 2 * 12);
    for (x, y) in &before {
        assert_eq!(x.1, y.1, "month {} differs before the change", x.0);
    }
    let after = ra
        .iter()
        .zip(&rb)
        .filter(|(x, y)| x.0 >= 13 && x.1 != y.1)
        .count();
    assert!(after > 0, "the change made no difference");
    let m = fs::read_to_string(b.join("manifest.json")).unwrap();
    assert!(m.contains("month 13: owners.enforcement = 1.0"), "{m}");
    assert!(
        !fs::read_to_string(a.join("manifest.json"))
            .unwrap()
            .contains("\"changes\"")
    );
    // The resolved scenario.toml reproduces the run.
    let c = d.path().join("c");
    run_ok(&[
        "run",
        path_str(&b.join("scenario.toml")),
        "--out",
        path_str(&c),
        "-q",
    ]);
    assert_eq!(
        fs::read(b.join("timeseries.csv")).unwrap(),
        fs::read(c.join("timeseries.csv")).unwrap()
    );
}

#[test]
fn bad_changes_are_refused_with_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    for (name, body, line, needle) in [
        (
            "zero",
            "[[changes]]\nmonth = 0\nset = { \"owners.enforcement\" = 0.5 }\n",
            4,
            "from 1",
        ),
        (
            "late",
            "[[changes]]\nmonth = 9999\nset = { \"owners.enforcement\" = 0.5 }\n",
            4,
            "run.years x 12",
        ),
        (
            "world",
            "[[changes]]\nmonth = 5\nset = { \"world.communities\" = 3 }\n",
            5,
            "generated once",
        ),
        (
            "value",
            "[[changes]]\nmonth = 5\nset = { \"owners.enforcement\" = 5.0 }\n",
            5,
            "not allowed",
        ),
        (
            "field",
            "[[changes]]\nmonth = 5\nramp = 3\nset = { \"owners.enforcement\" = 0.5 }\n",
            5,
            "not a key of a change",
        ),
        (
            "ramp",
            "[[changes]]\nmonth = 5\nramp_months = 4\nset = { \"owners.threshold_distribution\" = \"uniform\" }\n",
            6,
            "cannot ramp",
        ),
    ] {
        let s = scenario(d.path(), name, body);
        let out = d.path().join(format!("out-{name}"));
        let o = run(&["run", &s, "--out", path_str(&out), "-q"]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains(&format!("{name}.toml:{line}:")),
            "{name}: {err}"
        );
        assert!(err.contains(needle), "{name}: {err}");
        assert!(!out.exists(), "{name}");
    }
}
