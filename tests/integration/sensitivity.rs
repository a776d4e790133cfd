//! Tests of `shequ sensitivity`: sample and analyze on external files (a model computed
//! here, outside shequ), the linear check through the command line, refused input,
//! files never overwritten, and `run` byte-identical at 1 and 2 threads.

use std::fs;
use std::path::Path;

use crate::util::{
    OWNERS_SPACE, col, path_str as s, read_bytes as bytes, read_csv, run, run_ok, sensitivity_args,
    text, with,
};

fn write(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
}

/// Three factors on different ranges: a on [0, 2], b on [5, 6], c on [-1, 1].
const SPACE: &str = "[[factor]]\nname = \"a\"\nlo = 0\nhi = 2\n\n[[factor]]\nname = \"b\"\nlo = 5\nhi = 6\n\n[[factor]]\nname = \"c\"\nlo = -1\nhi = 1\ncomment = \"ignored by the model\"\n";

/// y = 4 a' + 2 b' + 0 c' with each factor scaled to [0, 1]: the linear model.
fn linear(row: &[f64]) -> f64 {
    4.0 * (row[0] / 2.0) + 2.0 * (row[1] - 5.0)
}

/// Evaluates the design outside shequ and writes results.csv with two outputs: the linear
/// model and a constant.
fn evaluate(design: &Path, results: &Path) -> usize {
    let (header, rows) = read_csv(design);
    assert_eq!(header, ["a", "b", "c"]);
    let mut out = String::from("y,constant\n");
    for r in &rows {
        let x: Vec<f64> = r.iter().map(|v| v.parse().unwrap()).collect();
        out.push_str(&format!("{},{}\n", linear(&x), 7.0));
    }
    write(results, &out);
    rows.len()
}

fn value(rows: &[Vec<String>], header: &[String], output: &str, factor: &str, column: &str) -> f64 {
    let (o, f, c) = (
        col(header, "output"),
        col(header, "factor"),
        col(header, column),
    );
    rows.iter()
        .find(|r| r[o] == output && r[f] == factor)
        .unwrap_or_else(|| panic!("no row {output}/{factor}"))[c]
        .parse()
        .unwrap()
}

#[test]
fn sobol_sample_and_analyze_on_external_files() {
    let dir = tempfile::tempdir().unwrap();
    let (space, design, results, indices) = (
        dir.path().join("space.toml"),
        dir.path().join("design.csv"),
        dir.path().join("results.csv"),
        dir.path().join("indices.csv"),
    );
    write(&space, SPACE);
    run_ok(&[
        "sensitivity",
        "sample",
        "--method",
        "sobol",
        "--space",
        s(&space),
        "--n",
        "512",
        "--seed",
        "5",
        "--out",
        s(&design),
    ]);
    assert_eq!(evaluate(&design, &results), 512 * 5);
    run_ok(&[
        "sensitivity",
        "analyze",
        "--method",
        "sobol",
        "--design",
        s(&design),
        "--results",
        s(&results),
        "--out",
        s(&indices),
    ]);
    let (header, rows) = read_csv(&indices);
    assert_eq!(
        header,
        [
            "output", "factor", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"
        ]
    );
    assert_eq!(rows.len(), 6);
    for (f, want) in [("a", 0.8), ("b", 0.2), ("c", 0.0)] {
        for idx in ["S1", "ST"] {
            let got = value(&rows, &header, "y", f, idx);
            assert!((got - want).abs() < 0.05, "{idx} of {f}: {got} vs {want}");
            let lo = value(&rows, &header, "y", f, &format!("{idx}_lo"));
            let hi = value(&rows, &header, "y", f, &format!("{idx}_hi"));
            assert!(lo <= got && got <= hi);
        }
        // A constant output has no variance to share out.
        assert_eq!(value(&rows, &header, "constant", f, "ST"), 0.0);
    }
    // Analysis is deterministic: the same files give the same bytes.
    let again = dir.path().join("again.csv");
    run_ok(&[
        "sensitivity",
        "analyze",
        "--method",
        "sobol",
        "--design",
        s(&design),
        "--results",
        s(&results),
        "--out",
        s(&again),
    ]);
    assert_eq!(bytes(&indices), bytes(&again));
}

#[test]
fn morris_sample_and_analyze_give_the_slopes_per_unit_range() {
    let dir = tempfile::tempdir().unwrap();
    let (space, design, results, indices) = (
        dir.path().join("space.toml"),
        dir.path().join("design.csv"),
        dir.path().join("results.csv"),
        dir.path().join("indices.csv"),
    );
    write(&space, SPACE);
    run_ok(&[
        "sensitivity",
        "sample",
        "--method",
        "morris",
        "--space",
        s(&space),
        "--n",
        "10",
        "--levels",
        "6",
        "--seed",
        "2",
        "--out",
        s(&design),
    ]);
    assert_eq!(evaluate(&design, &results), 10 * 4);
    // Analysed with the wrong number of levels the effects would be scaled wrongly: the
    // levels are part of the design.
    run_ok(&[
        "sensitivity",
        "analyze",
        "--method",
        "morris",
        "--levels",
        "6",
        "--design",
        s(&design),
        "--results",
        s(&results),
        "--out",
        s(&indices),
    ]);
    let (header, rows) = read_csv(&indices);
    assert_eq!(
        header,
        [
            "output",
            "factor",
            "mu_star",
            "mu_star_lo",
            "mu_star_hi",
            "sigma"
        ]
    );
    for (f, want) in [("a", 4.0), ("b", 2.0), ("c", 0.0)] {
        let got = value(&rows, &header, "y", f, "mu_star");
        assert!((got - want).abs() < 1e-9, "mu* of {f}: {got}");
        assert!(value(&rows, &header, "y", f, "sigma") < 1e-9);
    }
    // A Morris design is not a Saltelli design.
    let o = run(&[
        "sensitivity",
        "analyze",
        "--method",
        "sobol",
        "--design",
        s(&design),
        "--results",
        s(&results),
        "--out",
        s(&dir.path().join("x.csv")),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(!dir.path().join("x.csv").exists());
}

#[test]
fn refuses_bad_input_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let (space, design, results) = (
        dir.path().join("space.toml"),
        dir.path().join("design.csv"),
        dir.path().join("results.csv"),
    );
    write(&space, SPACE);
    run_ok(&[
        "sensitivity",
        "sample",
        "--method",
        "sobol",
        "--space",
        s(&space),
        "--n",
        "8",
        "--out",
        s(&design),
    ]);
    evaluate(&design, &results);
    let before = bytes(&design);
    // An existing file is not overwritten without --force.
    let o = run(&[
        "sensitivity",
        "sample",
        "--method",
        "sobol",
        "--space",
        s(&space),
        "--n",
        "16",
        "--out",
        s(&design),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--force"), "{}", text(&o.stderr));
    assert_eq!(bytes(&design), before);
    run_ok(&[
        "sensitivity",
        "sample",
        "--method",
        "sobol",
        "--space",
        s(&space),
        "--n",
        "16",
        "--out",
        s(&design),
        "--force",
    ]);
    assert_eq!(read_csv(&design).1.len(), 16 * 5);
    // Results with a row missing: refused, naming both counts.
    let short = dir.path().join("short.csv");
    write(&short, "y\n1\n2\n");
    let out = dir.path().join("indices.csv");
    let o = run(&[
        "sensitivity",
        "analyze",
        "--method",
        "sobol",
        "--design",
        s(&design),
        "--results",
        s(&short),
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("2 data row(s)") && text(&o.stderr).contains("80"),
        "{}",
        text(&o.stderr)
    );
    assert!(!out.exists());
    // A cell that is not a number: file, line and column named.
    let bad = dir.path().join("bad.csv");
    write(&bad, "y\n1\nabc\n");
    let o = run(&[
        "sensitivity",
        "analyze",
        "--method",
        "sobol",
        "--design",
        s(&design),
        "--results",
        s(&bad),
        "--out",
        s(&out),
    ]);
    assert!(
        text(&o.stderr).contains("line 3, column `y`"),
        "{}",
        text(&o.stderr)
    );
    // A space with lo >= hi: file, line and key named.
    let broken = dir.path().join("broken.toml");
    write(&broken, "[[factor]]\nname = \"a\"\nlo = 2\nhi = 1\n");
    let o = run(&[
        "sensitivity",
        "sample",
        "--method",
        "morris",
        "--space",
        s(&broken),
        "--n",
        "4",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(
        e.contains("broken.toml:4") && e.contains("factor[0].hi") && e.contains("lo < hi"),
        "{e}"
    );
    // A normal factor cannot be screened on a Morris grid; --levels is Morris's alone.
    let normal = dir.path().join("normal.toml");
    write(
        &normal,
        "[[factor]]\nname = \"a\"\nlo = 0\nhi = 1\ndist = \"normal\"\n",
    );
    let o = run(&[
        "sensitivity",
        "sample",
        "--method",
        "morris",
        "--space",
        s(&normal),
        "--n",
        "4",
        "--out",
        s(&out),
    ]);
    assert!(text(&o.stderr).contains("uniform"), "{}", text(&o.stderr));
    let o = run(&[
        "sensitivity",
        "sample",
        "--method",
        "sobol",
        "--levels",
        "4",
        "--space",
        s(&space),
        "--n",
        "4",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
}

/// A tiny shequ run: a Sobol' design of 4 base points on the space at `space` (16 rows
/// for two factors), 2 replications of 1 year on one community.
fn tiny_run(space: &Path, out: &Path, threads: &str) -> std::process::Output {
    let args = sensitivity_args(s(space), &["--method", "sobol", "--n", "4"]);
    run(&with(
        &["sensitivity", "run"],
        &with(&args, &["--threads", threads, "--out", s(out)]),
    ))
}

#[test]
fn run_is_byte_identical_at_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let space = dir.path().join("space.toml");
    write(&space, OWNERS_SPACE);
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    for (out, t) in [(&one, "1"), (&two, "2")] {
        let o = tiny_run(&space, out, t);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    for f in [
        "design.csv",
        "results.csv",
        "indices.csv",
        "convergence.csv",
    ] {
        assert_eq!(bytes(&one.join(f)), bytes(&two.join(f)), "{f} differs");
    }
    let (header, rows) = read_csv(&one.join("results.csv"));
    assert_eq!(header, ["fee_collection_rate", "managed_share"]);
    assert_eq!(rows.len(), 16);
    assert!(one.join("plots/sobol_managed_share.png").is_file());
    assert!(one.join("plots/convergence_managed_share.png").is_file());
    // The convergence table's full size is the analysis itself: the same S1 and ST.
    let (ih, irows) = read_csv(&one.join("indices.csv"));
    let (ch, crows) = read_csv(&one.join("convergence.csv"));
    assert_eq!(ch, ["output", "factor", "n", "S1", "ST"]);
    let full: Vec<_> = crows.iter().filter(|r| r[2] == "4").collect();
    assert_eq!(full.len(), irows.len());
    for (c, i) in full.iter().zip(&irows) {
        assert_eq!(
            (&c[0], &c[1]),
            (&i[col(&ih, "output")], &i[col(&ih, "factor")])
        );
        assert_eq!(c[3], i[col(&ih, "S1")]);
        assert_eq!(c[4], i[col(&ih, "ST")]);
    }
    // The run's design is `sample`'s with the scenario's seed (1).
    let design = dir.path().join("design.csv");
    run_ok(&[
        "sensitivity",
        "sample",
        "--method",
        "sobol",
        "--space",
        s(&space),
        "--n",
        "4",
        "--seed",
        "1",
        "--out",
        s(&design),
    ]);
    assert_eq!(bytes(&design), bytes(&one.join("design.csv")));
    // No checkpoint is left behind once published.
    assert!(!dir.path().join(".one.sensitivity-partial").exists());
    // A second run may replace the folder shequ wrote.
    let o = tiny_run(&space, &one, "2");
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn run_refuses_factors_that_are_not_numeric_scenario_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (space, says) in [
        (
            "[[factor]]\nname = \"owners.enforcment\"\nlo = 0\nhi = 1\n",
            "not a scenario key",
        ),
        (
            "[[factor]]\nname = \"owners.enforcement\"\nlo = 0\nhi = 2\n",
            "range reaches 2",
        ),
        (
            "[[factor]]\nname = \"run.years\"\nlo = 1\nhi = 2\n",
            "run.* keys",
        ),
    ] {
        let p = dir.path().join("space.toml");
        write(&p, space);
        let o = tiny_run(&p, &out, "1");
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains(says), "{}", text(&o.stderr));
        assert!(!out.exists());
    }
}

/// Every shipped space loads, names numeric scenario keys whose ranges the keys allow, and
/// says why its range is what it is.
#[test]
fn shipped_spaces_name_valid_keys_with_justified_ranges() {
    use shequ::io::space::load_space;
    use shequ::model::params::Params;
    let dir = Path::new(crate::util::ROOT).join("scenarios/spaces");
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    names.sort();
    let stems: Vec<String> = names
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(stems, ["fee_cycle", "mobilisation", "workforce"]);
    for path in &names {
        let factors = load_space(path).unwrap_or_else(|e| panic!("{e}"));
        assert!(factors.len() >= 10, "{}", path.display());
        for f in &factors {
            assert!(
                f.comment.as_deref().is_some_and(|c| c.len() > 20),
                "{}: factor {} has no justification",
                path.display(),
                f.name
            );
            for v in [f.lo, f.hi] {
                let mut p = Params::default();
                p.set(&f.name, &toml::Value::Float(v))
                    .unwrap_or_else(|e| panic!("{}: {} = {v}: {e:?}", path.display(), f.name));
            }
        }
    }
}
