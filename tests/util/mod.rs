//! Helpers shared by the test crates: the binary run from the crate root, and readers of
//! its output files. Not every crate uses every helper.
#![allow(dead_code)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// The crate root: where `scenarios/` is.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// The status quo.
pub const BASELINE: &str = "scenarios/baseline.toml";
/// A small, quick run (well under a second): 2 replications, 2 years, 4 communities.
pub const SMALL: [&str; 6] = [
    "--reps",
    "2",
    "--years",
    "2",
    "--set",
    "world.communities=4",
];
/// Tiny runs: 1 community, 2 years, 2 replications.
pub const TINY: [&str; 7] = [
    "--years",
    "2",
    "--reps",
    "2",
    "--set",
    "world.communities=1",
    "--quiet",
];
/// The counter-scenario that breaks the fee spiral.
pub const PROFESSIONAL: &str = "scenarios/professional_firms.toml";

/// The binary, run from the crate root, with no inherited RAYON_NUM_THREADS.
pub fn shequ(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shequ"));
    c.current_dir(ROOT)
        .args(args)
        .env_remove("RAYON_NUM_THREADS");
    c
}

/// The arguments `head` followed by `tail`.
pub fn with<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(tail).copied().collect()
}

/// Runs the binary and returns what it did.
pub fn run(args: &[&str]) -> Output {
    shequ(args).output().expect("cannot start shequ")
}

/// Bytes as text, lossily.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs and asserts success, showing stderr if not.
pub fn run_ok(args: &[&str]) -> Output {
    let o = run(args);
    assert!(
        o.status.success(),
        "shequ {args:?} failed with {:?}\nstderr:\n{}",
        o.status.code(),
        text(&o.stderr)
    );
    o
}

/// A temporary path as a command-line argument.
pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// A CSV file as its header and rows of cells.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let header = r
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The position of column `name` in a CSV header.
pub fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// A file's bytes.
pub fn read_bytes(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `shequ plan KIND ARGS... --out PLAN`, which must succeed.
pub fn make_plan(kind: &str, args: &[&str], plan: &Path) {
    run_ok(&with(
        &["plan", kind],
        &with(args, &["--out", path_str(plan)]),
    ));
}

/// Runs the given shards of a plan in that order, then merges it into `PLAN/result`.
pub fn shards_then_merge(plan: &Path, shards: &[&str]) {
    for shard in shards {
        run_ok(&["run-plan", path_str(plan), "--shard", shard, "-q"]);
    }
    run_ok(&["merge", path_str(plan), "-q"]);
}

/// A SPACE.toml of two owners' keys, for quick sensitivity runs.
pub const OWNERS_SPACE: &str = "[[factor]]\nname = \"owners.enforcement\"\nlo = 0.2\nhi = 0.6\n\n[[factor]]\nname = \"owners.weight_satisfaction\"\nlo = 1\nhi = 3\n";

/// A sensitivity study of the factors of `space` by `method` on one small community for
/// one year, 2 replications.
pub fn sensitivity_args<'a>(space: &'a str, method: &'a [&'a str]) -> Vec<&'a str> {
    with(
        &with(&[BASELINE, "--space", space], method),
        &[
            "--reps",
            "2",
            "--years",
            "1",
            "--set",
            "world.communities=1",
            "--set",
            "world.households_per_community=200",
            "--metrics",
            "fee_collection_rate,managed_share",
            "-q",
        ],
    )
}
