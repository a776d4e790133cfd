//! `shequ validate --quick`: every validation case runs, none fails, and the table and
//! `validate.csv` name every case: the library's fixed cases and those the scenario files
//! declare in `[expect]`. The same cases and tolerances as the full `shequ validate`, with
//! fewer replications (see `src/experiment/validate/`). Also `shequ scenarios`.

use std::path::Path;
use std::process::{Command, Output};

use shequ::experiment::validate;
use shequ::io::scenario;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn shequ(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shequ"))
        .current_dir(ROOT)
        .args(args)
        .env_remove("RAYON_NUM_THREADS")
        .output()
        .expect("cannot start shequ")
}

/// Every case validation should report, with whether a miss is a documented finding: the
/// fixed cases of the library (textbook, accounting, pattern) and the reform cases the
/// scenario files declare in their `[expect]` tables.
fn declared_cases() -> Vec<(String, bool)> {
    let mut cases: Vec<(String, bool)> = validate::fixed_cases()
        .into_iter()
        .map(|(_, n)| (n.to_string(), validate::patterns::FINDINGS.contains(&n)))
        .collect();
    let levers = scenario::library_levers(&Path::new(ROOT).join("scenarios"))
        .unwrap_or_else(|e| panic!("the library does not load: {e}"));
    assert!(!levers.is_empty(), "no scenario file has an [expect] table");
    for f in levers {
        for e in f.expect {
            cases.push((e.case, e.finding));
        }
    }
    cases
}

#[test]
fn validate_quick_passes_every_case() {
    let out = tempfile::tempdir().unwrap();
    let o = shequ(&["validate", "--quick", "--out", out.path().to_str().unwrap()]);
    let table = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(0),
        "shequ validate --quick failed\n{table}\n{stderr}"
    );
    for line in table.lines() {
        assert!(!line.contains("FAIL"), "a case failed: {line}\n\n{table}");
    }
    let cases = declared_cases();
    let names: Vec<&str> = table
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for (case, _) in &cases {
        assert_eq!(
            names.iter().filter(|n| *n == case).count(),
            1,
            "case {case} should appear once in the table:\n{table}"
        );
    }
    let rows = table
        .lines()
        .filter(|l| l.ends_with("pass") || l.ends_with("finding") || l.ends_with("FAIL"))
        .count();
    assert_eq!(rows, cases.len(), "one row per case:\n{table}");
    assert!(
        table.contains(&format!("{} cases:", cases.len())),
        "the count line:\n{table}"
    );
    // The header names the columns the issue asks for.
    let header = table.lines().next().unwrap_or("");
    for col in [
        "case",
        "expected",
        "source",
        "simulated",
        "tolerance",
        "result",
    ] {
        assert!(header.contains(col), "column {col} in {header}");
    }
    // validate.csv: the same cases, each passing or a documented finding.
    let mut r = csv::Reader::from_path(out.path().join("validate.csv")).unwrap();
    let head = r.headers().unwrap().clone();
    let col = |name: &str| {
        head.iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("validate.csv has no column {name}: {head:?}"))
    };
    let (case, verdict) = (col("case"), col("verdict"));
    for c in ["expected", "simulated", "tolerance", "group", "source"] {
        col(c);
    }
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), cases.len(), "one row per case in validate.csv");
    for (name, finding) in &cases {
        let row = rows
            .iter()
            .find(|row| &row[case] == name)
            .unwrap_or_else(|| panic!("case {name} not in validate.csv"));
        let v = &row[verdict];
        assert!(
            v == "pass" || (*finding && v == "finding"),
            "case {name}: {v} (only a case declared `finding = true` may be a finding)"
        );
    }
    // Nothing left behind but the file and its manifest (which marks the folder as
    // shequ's, so a later run may replace it).
    let mut left: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["manifest.json", "validate.csv"]);
}

#[test]
fn validate_refuses_a_missing_library() {
    let d = tempfile::tempdir().unwrap();
    let o = shequ(&[
        "validate",
        "--quick",
        "--scenarios",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("baseline.toml"));
    assert!(o.stdout.is_empty());
}

#[test]
fn scenarios_lists_the_library_one_line_each() {
    let o = shequ(&["scenarios"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    let files: Vec<String> = std::fs::read_dir(format!("{ROOT}/scenarios"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml").then(|| p.file_stem().unwrap().to_string_lossy().into())
        })
        .collect();
    assert!(files.len() >= 25, "{files:?}");
    assert_eq!(text.lines().count(), files.len() + 1, "{text}");
    for f in &files {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(f.as_str()))
            .unwrap_or_else(|| panic!("{f} not listed:\n{text}"));
        // Every scenario file of the library has a description.
        assert!(line.trim().len() > f.len() + 10, "no description: {line}");
    }
    // Every file in the library loads, and every reform file names its essay section.
    for f in &files {
        let body = std::fs::read_to_string(format!("{ROOT}/scenarios/{f}.toml")).unwrap();
        assert!(body.starts_with('#'), "{f}.toml has no header comment");
        if f != "baseline" {
            assert!(
                body.contains("extends = \"baseline.toml\""),
                "{f}.toml extends the baseline"
            );
        }
    }
    // A directory that does not exist is refused.
    let o = shequ(&["scenarios", "no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
}
