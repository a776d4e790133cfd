//! End-to-end tests of the `shequ` binary: the baseline spiral and its counter-scenario,
//! the output files, determinism across thread counts, `--set`, refused input, atomic
//! output directories, `explain`, and docs/parameters.md.
//!
//! Every run writes into a temporary directory; the binary runs from the crate root so
//! relative scenario paths work as they do for a user.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use shequ::model::metrics::M;

use crate::util::{
    BASELINE, PROFESSIONAL, ROOT, path_str, read_bytes, read_csv, run, run_ok, shequ, text,
};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn read_json(path: &Path) -> serde_json::Value {
    let s =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Names in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// timeseries.csv parsed to numbers: one row per (rep, month).
struct Series {
    header: Vec<String>,
    rows: Vec<Vec<f64>>,
}

impl Series {
    fn read(path: &Path) -> Series {
        let (header, cells) = read_csv(path);
        assert_eq!(&header[..2], ["rep", "month"], "{}", path.display());
        let rows = cells
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&header)
                    .map(|(c, h)| {
                        c.parse::<f64>()
                            .unwrap_or_else(|_| panic!("{h}: `{c}` is not a number"))
                    })
                    .collect()
            })
            .collect();
        Series { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("timeseries.csv has no column `{name}`: {:?}", self.header))
    }

    fn reps(&self) -> usize {
        let rep = self.col("rep");
        self.rows
            .iter()
            .map(|r| r[rep] as usize)
            .max()
            .map_or(0, |m| m + 1)
    }

    fn months(&self) -> usize {
        let month = self.col("month");
        self.rows
            .iter()
            .map(|r| r[month] as usize)
            .max()
            .unwrap_or(0)
    }

    /// Values of `name` in months of years `first..=last` (1-based), all reps.
    fn in_years(&self, name: &str, first: usize, last: usize) -> Vec<f64> {
        let (i, month) = (self.col(name), self.col("month"));
        self.rows
            .iter()
            .filter(|r| {
                let m = r[month] as usize;
                m > (first - 1) * 12 && m <= last * 12
            })
            .map(|r| r[i])
            .collect()
    }

    /// Mean over reps and over the months of `year`.
    fn year_mean(&self, name: &str, year: usize) -> f64 {
        let v = self.in_years(name, year, year);
        assert!(!v.is_empty(), "no months in year {year}");
        v.iter().sum::<f64>() / v.len() as f64
    }

    /// Sum over the months of years `first..=last`, averaged over reps.
    fn years_sum_per_rep(&self, name: &str, first: usize, last: usize) -> f64 {
        self.in_years(name, first, last).iter().sum::<f64>() / self.reps() as f64
    }

    fn last_year(&self) -> usize {
        self.months() / 12
    }
}

/// Runs `scenario` with `extra` arguments into a fresh temporary directory; returns its series.
fn simulate(scenario: &str, extra: &[&str]) -> Series {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let mut args = vec!["run", scenario, "--out", path_str(&out), "-q"];
    args.extend_from_slice(extra);
    run_ok(&args);
    Series::read(&out.join("timeseries.csv"))
}

/// The 20-year baseline, 3 reps, seed 7: shared by the spiral and counter-scenario tests.
fn baseline_20y() -> &'static Series {
    static S: OnceLock<Series> = OnceLock::new();
    S.get_or_init(|| simulate(BASELINE, &["--reps", "3", "--seed", "7"]))
}

/// First-year and last-year means of a metric, for messages.
fn first_last(s: &Series, name: &str) -> (f64, f64) {
    (s.year_mean(name, 1), s.year_mean(name, s.last_year()))
}

// ---------------------------------------------------------------------------------------
// 1-2. The model's headline behaviour
// ---------------------------------------------------------------------------------------

/// The `--set`s that switch every driver of the spiral off (docs/ODD.md §1.4, arm all_off).
const DRIVERS_OFF: [&str; 14] = [
    "--set",
    "property.price_review_interval_months=1",
    "--set",
    "property.price_review_lag_months=0",
    "--set",
    "property.price_review_pass_through=1",
    "--set",
    "property.staff_wage_tracking=0",
    "--set",
    "property.price_index_growth=0",
    "--set",
    "owners.expectation_rate=0",
    "--set",
    "owners.expectation_income_elasticity=0",
];

/// The baseline declines (how far is a finding, docs/ODD.md §1.4, not asserted), and the
/// decline comes from the drivers: with all of them off, collection does not fall.
#[test]
fn baseline_shows_the_fee_spiral() {
    let s = baseline_20y();
    assert_eq!(s.reps(), 3);
    assert_eq!(s.months(), 240);
    for name in [M::FeeCollectionRate.name(), M::ServiceQuality.name()] {
        let (first, last) = first_last(s, name);
        assert!(
            first - last > 0.02,
            "baseline {name} should fall: year 1 {first:.3}, year 20 {last:.3}"
        );
    }
    let early = s.years_sum_per_rep(M::FirmExits.name(), 1, 10);
    let late = s.years_sum_per_rep(M::FirmExits.name(), 11, 20);
    assert!(
        late > early,
        "firm withdrawals should rise: {early:.2} per rep in years 1-10, {late:.2} in years 11-20"
    );
    let (_, last) = first_last(s, M::FeeCollectionRate.name());
    assert!(
        (0.4..=0.8).contains(&last),
        "year-20 collection rate {last:.3} is outside the plausible 0.4-0.8"
    );
    let mut args = vec!["--reps", "3", "--seed", "7"];
    args.extend_from_slice(&DRIVERS_OFF);
    let off = simulate(BASELINE, &args);
    let (first, last) = first_last(&off, M::FeeCollectionRate.name());
    assert!(
        last >= first - 0.01,
        "drivers off: collection should not fall: year 1 {first:.3}, year 20 {last:.3}"
    );
    for name in [M::FeeCollectionRate.name(), M::ServiceQuality.name()] {
        let (mine, theirs) = (off.year_mean(name, 20), s.year_mean(name, 20));
        assert!(
            mine > theirs,
            "year-20 {name}: drivers off {mine:.3} should exceed baseline {theirs:.3}"
        );
    }
}

/// Cost-indexed fees, capability growth and purchased services keep firms in place and beat
/// the baseline. Collection may still erode: expectations rise with incomes (a finding,
/// docs/ODD.md §1.4), so it is compared with the baseline, not with year 1.
#[test]
fn firms_re_enter_compounds_in_the_baseline() {
    // A candidate assesses owners under its own service and committees tender (ODD §7.5),
    // so some withdrawn compounds get a firm again.
    let base = baseline_20y();
    let entries = base.years_sum_per_rep(M::FirmEntries.name(), 1, 20);
    assert!(entries > 0.0, "no firm entered in 20 years of the baseline");
}

#[test]
fn professional_firms_break_the_spiral() {
    let s = simulate(PROFESSIONAL, &["--reps", "3", "--seed", "7"]);
    assert_eq!(s.months(), 240);
    let (first, last) = first_last(&s, M::ManagedShare.name());
    assert!(
        last >= first - 0.02,
        "professional_firms managed share should not fall: year 1 {first:.3}, year 20 {last:.3}"
    );
    // Firms re-enter and some entrants fail again, so withdrawals never stop and their
    // count is no measure of the spiral; the end state against the baseline is.
    let base = baseline_20y();
    for name in [
        M::FeeCollectionRate.name(),
        M::ServiceQuality.name(),
        M::ManagedShare.name(),
    ] {
        let (mine, theirs) = (s.year_mean(name, 20), base.year_mean(name, 20));
        assert!(
            mine > theirs,
            "year-20 {name}: professional_firms {mine:.3} should exceed baseline {theirs:.3}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 3. Output files
// ---------------------------------------------------------------------------------------

/// Columns that are shares or 0-1 indices, by the metric registry.
fn is_rate(name: &str) -> bool {
    M::from_name(name).is_some_and(|m| m.meta().is_unit_interval())
}

#[test]
fn outputs_are_complete_consistent_and_reproducible() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("run");
    let (reps, years) = (3usize, 5usize);
    run_ok(&[
        "run",
        BASELINE,
        "--reps",
        "3",
        "--years",
        "5",
        "--seed",
        "11",
        "--out",
        path_str(&out),
        "-q",
    ]);
    for f in [
        "timeseries.csv",
        "summary.csv",
        "manifest.json",
        "scenario.toml",
    ] {
        assert!(out.join(f).is_file(), "{f} was not written");
    }

    // timeseries.csv: rep x month rows in order, rates within [0, 1].
    let s = Series::read(&out.join("timeseries.csv"));
    assert_eq!(s.rows.len(), reps * years * 12);
    let (rep, month) = (s.col("rep"), s.col("month"));
    for (k, r) in s.rows.iter().enumerate() {
        assert_eq!(
            (r[rep] as usize, r[month] as usize),
            (k / (years * 12), k % (years * 12) + 1),
            "row {k} out of order"
        );
    }
    for name in [
        M::FeeCollectionRate.name(),
        M::ServiceQuality.name(),
        M::OwnerSatisfaction.name(),
        M::ManagedShare.name(),
    ] {
        assert!(is_rate(name), "{name} is missing from the rate list");
        s.col(name);
    }
    let rates: Vec<&String> = s.header.iter().filter(|h| is_rate(h)).collect();
    for name in &rates {
        let i = s.col(name);
        for r in &s.rows {
            assert!(
                (0.0..=1.0).contains(&r[i]),
                "{name} = {} in rep {} month {} is not within [0, 1]",
                r[i],
                r[rep],
                r[month]
            );
        }
    }

    // Households are conserved within each replication.
    let hh = s.col(M::Households.name());
    let mut per_rep: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    for r in &s.rows {
        per_rep.entry(r[rep] as usize).or_default().push(r[hh]);
    }
    for (k, v) in &per_rep {
        assert!(v[0] > 0.0, "rep {k} has no households");
        let changed = v.iter().find(|x| **x != v[0]);
        assert!(
            changed.is_none(),
            "rep {k}: households change over months: {} then {changed:?}",
            v[0]
        );
    }

    // summary.csv: both windows for every metric, mean inside its interval.
    let (sh, srows) = read_csv(&out.join("summary.csv"));
    let c = |n: &str| {
        sh.iter()
            .position(|h| h == n)
            .unwrap_or_else(|| panic!("summary.csv has no `{n}`"))
    };
    let (cm, cw, cn, cmean, clo, chi) = (
        c("metric"),
        c("window"),
        c("n"),
        c("mean"),
        c("ci95_low"),
        c("ci95_high"),
    );
    let metrics: Vec<&String> = s.header[2..].iter().collect();
    let mut seen = BTreeMap::new();
    for r in &srows {
        let num = |i: usize| -> f64 {
            r[i].parse().unwrap_or_else(|_| {
                panic!("summary {} {}: `{}` is not a number", r[cm], r[cw], r[i])
            })
        };
        assert_eq!(r[cn], reps.to_string(), "summary n for {} {}", r[cm], r[cw]);
        let (lo, mean, hi) = (num(clo), num(cmean), num(chi));
        assert!(
            lo <= mean && mean <= hi,
            "summary {} {}: not ci95_low {lo} <= mean {mean} <= ci95_high {hi}",
            r[cm],
            r[cw]
        );
        seen.insert((r[cm].clone(), r[cw].clone()), mean);
    }
    for m in &metrics {
        for w in ["final_month", "last_year", "whole_run"] {
            assert!(
                seen.contains_key(&((*m).clone(), w.to_string())),
                "summary.csv lacks {m} / {w}"
            );
        }
    }
    assert_eq!(seen.len(), metrics.len() * 3, "unexpected summary rows");
    // The cumulative public cost at the final month is the whole run's public cost.
    let total = seen[&(M::PublicCost.name().into(), "whole_run".into())];
    let cumulative = seen[&(M::PublicCostCumulative.name().into(), "final_month".into())];
    assert!(
        (total - cumulative).abs() <= 1e-6 * total,
        "{total} vs {cumulative}"
    );
    // The summary agrees with the series it summarises.
    let from_series = s.year_mean(M::FeeCollectionRate.name(), years);
    let summarised = seen[&(M::FeeCollectionRate.name().into(), "last_year".into())];
    assert!(
        (from_series - summarised).abs() < 1e-9,
        "summary last_year collection {summarised} != timeseries {from_series}"
    );

    // manifest.json
    let m = read_json(&out.join("manifest.json"));
    assert_eq!(m["seed"], 11);
    assert_eq!(m["replications"], 3);
    assert_eq!(m["months"], 60);
    assert_eq!(m["shequ_version"], env!("CARGO_PKG_VERSION"));
    let rep0_households = per_rep[&0][0];
    assert_eq!(
        m["total_households"].as_f64(),
        Some(rep0_households),
        "manifest total_households vs the households column (rep 0)"
    );
    let cl: Vec<&str> = m["command_line"]
        .as_array()
        .expect("command_line is an array")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(cl.windows(2).any(|w| w == ["--seed", "11"]), "{cl:?}");
    assert!(cl.contains(&"run") && cl.contains(&BASELINE), "{cl:?}");
    assert_eq!(
        m["resolved"]["property"]["guided_price"].as_f64(),
        Some(1.5)
    );
    assert_eq!(m["resolved"]["run"]["seed"], 11);

    // The resolved scenario.toml reruns to the same bytes (its seed, reps and years).
    let again = d.path().join("again");
    let resolved = out.join("scenario.toml");
    run_ok(&["run", path_str(&resolved), "--out", path_str(&again), "-q"]);
    assert!(
        read_bytes(&out.join("timeseries.csv")) == read_bytes(&again.join("timeseries.csv")),
        "rerunning {} did not reproduce timeseries.csv",
        resolved.display()
    );
}

// ---------------------------------------------------------------------------------------
// 4-5. Determinism and overrides
// ---------------------------------------------------------------------------------------

#[test]
fn results_do_not_depend_on_threads_but_do_on_seed() {
    let d = tempfile::tempdir().unwrap();
    let go = |name: &str, seed: &str, threads: Option<&str>, env: Option<&str>| -> PathBuf {
        let out = d.path().join(name);
        let mut args = vec![
            "run",
            BASELINE,
            "--years",
            "3",
            "--reps",
            "3",
            "--seed",
            seed,
            "--out",
            path_str(&out),
            "-q",
        ];
        if let Some(t) = threads {
            args.extend(["--threads", t]);
        }
        let mut c = shequ(&args);
        if let Some(e) = env {
            c.env("RAYON_NUM_THREADS", e);
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{name}: {}", text(&o.stderr));
        // The thread setting took effect (otherwise the comparison proves nothing).
        let used = read_json(&out.join("manifest.json"))["threads"].clone();
        assert_eq!(
            used.as_u64().map(|t| t.to_string()).as_deref(),
            threads.or(env),
            "{name}: manifest threads"
        );
        out.join("timeseries.csv")
    };
    let reference = read_bytes(&go("t1", "5", Some("1"), None));
    for (name, threads, env) in [
        ("t2", Some("2"), None),
        ("env1", None, Some("1")),
        ("env2", None, Some("2")),
    ] {
        assert!(
            read_bytes(&go(name, "5", threads, env)) == reference,
            "{name}: timeseries.csv differs from --threads 1"
        );
    }
    assert!(
        read_bytes(&go("seed6", "6", Some("2"), None)) != reference,
        "a different seed gave the same timeseries.csv"
    );
}

#[test]
fn set_overrides_a_parameter() {
    let d = tempfile::tempdir().unwrap();
    let with = d.path().join("with");
    let without = d.path().join("without");
    let common = ["--years", "2", "--reps", "1", "-q"];
    let mut args = vec!["run", BASELINE, "--out", path_str(&with)];
    args.extend(["--set", "property.guided_price=2.0"]);
    args.extend(common);
    run_ok(&args);
    let mut args = vec!["run", BASELINE, "--out", path_str(&without)];
    args.extend(common);
    run_ok(&args);

    let m = read_json(&with.join("manifest.json"));
    assert_eq!(
        m["resolved"]["property"]["guided_price"].as_f64(),
        Some(2.0)
    );
    let m0 = read_json(&without.join("manifest.json"));
    assert_eq!(
        m0["resolved"]["property"]["guided_price"].as_f64(),
        Some(1.5)
    );

    let month1 = |dir: &Path| {
        let s = Series::read(&dir.join("timeseries.csv"));
        assert_eq!(s.months(), 24);
        s.rows[0][s.col(M::MeanFeePrice.name())]
    };
    let (hi, lo) = (month1(&with), month1(&without));
    assert!(
        hi > lo * 1.2,
        "month-1 mean_fee_price with guided_price 2.0 ({hi}) should be well above the default's ({lo})"
    );
}

// ---------------------------------------------------------------------------------------
// 6-7. Refused input
// ---------------------------------------------------------------------------------------

/// Runs `args` (which must send output to `out`) and checks the refusal: exit code 2,
/// each of `expect` in stderr, and no output directory (nor its parent) created.
fn assert_refused(args: &[&str], out: &Path, expect: &[&str]) {
    let o = run(args);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "shequ {args:?}: stderr:\n{err}");
    for e in expect {
        assert!(
            err.contains(e),
            "shequ {args:?}: stderr lacks `{e}`:\n{err}"
        );
    }
    let parent = out.parent().unwrap();
    assert!(
        !parent.exists(),
        "shequ {args:?} created {} although it refused the input",
        parent.display()
    );
}

#[test]
fn bad_input_is_refused_with_a_precise_message() {
    let d = tempfile::tempdir().unwrap();
    // The output goes to a not-yet-existing subfolder, which must stay absent.
    let out = d.path().join("results").join("run");
    let out_s = path_str(&out);
    let file = |name: &str, body: &str| -> String {
        let p = d.path().join(name);
        fs::write(&p, body).unwrap();
        path_str(&p).to_string()
    };
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            file(
                "unknown.toml",
                "name = \"u\"\n[property]\nguided_prise = 2.0\n",
            ),
            vec![
                "unknown.toml:3:",
                "property.guided_prise",
                "did you mean `property.guided_price`",
            ],
        ),
        (
            file("section.toml", "[propety]\nguided_price = 2.0\n"),
            vec!["section.toml:1:", "[propety]", "did you mean [property]"],
        ),
        (
            file(
                "range.toml",
                "name = \"x\"\n\n[property]\nguided_price = -1\n",
            ),
            vec![
                "range.toml:4:",
                "property.guided_price",
                "-1 is not allowed",
                "from 0 to 50",
            ],
        ),
        (
            file("type.toml", "[world]\ncommunities = \"ten\"\n"),
            vec![
                "type.toml:2:",
                "world.communities",
                "whole number from 1 to 20000",
                "found a string",
            ],
        ),
        (
            file(
                "shares.toml",
                "[world]\nshare_new_estate = 0.9\nshare_old_compound = 0.4\n",
            ),
            vec!["shares.toml:2:", "world.share_new_estate", "must sum to 1"],
        ),
        (
            file("syntax.toml", "[world\ncommunities = 3\n"),
            vec!["syntax.toml:1:", "not valid TOML"],
        ),
        (
            path_str(&d.path().join("missing.toml")).to_string(),
            vec!["missing.toml", "cannot read the scenario file"],
        ),
    ];
    for (scenario, expect) in &cases {
        assert_refused(&["run", scenario, "--out", out_s], &out, expect);
    }
    assert_refused(
        &["run", BASELINE, "--set", "nonsense", "--out", out_s],
        &out,
        &["--set", "`nonsense`", "key=value"],
    );
    assert_refused(
        &["run", BASELINE, "--set", "owners.noise=abc", "--out", out_s],
        &out,
        &[
            "--set",
            "owners.noise",
            "a number from 0 to 10",
            "found a string",
        ],
    );
    assert_refused(
        &[
            "run",
            BASELINE,
            "--set",
            "property.guided_prise=2",
            "--out",
            out_s,
        ],
        &out,
        &["--set", "did you mean `property.guided_price`"],
    );
    // Nothing but the scenario files was written beside them.
    let mut expected: Vec<String> = [
        "range.toml",
        "section.toml",
        "shares.toml",
        "syntax.toml",
        "type.toml",
        "unknown.toml",
    ]
    .map(String::from)
    .to_vec();
    expected.sort();
    assert_eq!(listing(d.path()), expected);
}

#[test]
fn a_failed_run_leaves_earlier_results_intact() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("run");
    let ts = out.join("timeseries.csv");
    let out_s = path_str(&out);
    fn args<'a>(seed: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut v = vec![
            "run", BASELINE, "--years", "1", "--reps", "1", "--seed", seed, "--out", out, "-q",
        ];
        v.extend_from_slice(extra);
        v
    }
    run_ok(&args("3", out_s, &[]));
    let before = read_bytes(&ts);

    let o = run(&args("4", out_s, &["--set", "property.guided_price=-1"]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        read_bytes(&ts) == before,
        "a refused run changed timeseries.csv"
    );
    assert_eq!(listing(d.path()), ["run"], "stray files beside the output");

    // A successful rerun replaces the results whole, again leaving nothing beside them.
    run_ok(&args("4", out_s, &[]));
    assert!(
        read_bytes(&ts) != before,
        "the second run did not replace the results"
    );
    assert_eq!(listing(d.path()), ["run"], "stray files beside the output");
    let files = listing(&out);
    for f in [
        "events.csv",
        "manifest.json",
        "scenario.toml",
        "summary.csv",
        "timeseries.csv",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} missing from {files:?}");
    }
    assert!(
        files.iter().all(|x| !x.contains(".tmp")),
        "temporary files left: {files:?}"
    );
}

// ---------------------------------------------------------------------------------------
// 8-9. Help, explain and the parameter docs
// ---------------------------------------------------------------------------------------

#[test]
fn help_and_explain() {
    let help = text(&run_ok(&["--help"]).stdout);
    for cmd in ["run", "explain"] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(cmd)),
            "--help does not list `{cmd}`:\n{help}"
        );
    }

    let o = run_ok(&["explain", "property.guided_price"]);
    let out = text(&o.stdout);
    let field = |name: &str| -> String {
        out.lines()
            .find_map(|l| l.trim_start().strip_prefix(&format!("{name}:")))
            .unwrap_or_else(|| panic!("explain prints no `{name}:` line:\n{out}"))
            .trim()
            .to_string()
    };
    assert!(out.starts_with("property.guided_price"), "{out}");
    assert!(!field("meaning").is_empty());
    assert_eq!(field("unit"), "RMB/m2/month");
    assert_eq!(field("allowed"), "a number from 0 to 50");
    assert_eq!(field("default"), "1.5");

    let o = run(&["explain", "no.such"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no.such"), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
}

#[test]
fn parameter_docs_match_the_declarations() {
    let o = run_ok(&["explain", "--markdown"]);
    let generated = text(&o.stdout);
    assert!(generated.contains("`guided_price`"), "{generated}");
    let path = Path::new(ROOT).join("docs/parameters.md");
    if std::env::var("SHEQU_UPDATE_DOCS").as_deref() == Ok("1") {
        if fs::read_to_string(&path).ok().as_deref() != Some(generated.as_str()) {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &generated).unwrap();
            eprintln!("rewrote {}", path.display());
        }
        return;
    }
    let fix = "regenerate it with `SHEQU_UPDATE_DOCS=1 cargo test --release --test integration parameter_docs`";
    let current = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; {fix}", path.display()));
    if current != generated {
        let line = current
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| current.lines().count().min(generated.lines().count()));
        panic!(
            "{} differs from `shequ explain --markdown` (first at line {}):\n  file:      {}\n  generated: {}\n{fix}",
            path.display(),
            line + 1,
            current.lines().nth(line).unwrap_or("<end of file>"),
            generated.lines().nth(line).unwrap_or("<end of output>"),
        );
    }
}

#[test]
fn bench_reports_speed_memory_and_thread_independence() {
    let out = Command::new(env!("CARGO_BIN_EXE_shequ"))
        .args([
            "bench",
            "--households",
            "20000",
            "--years",
            "1",
            "--threads",
            "2",
            "--check-threads",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("output identical: yes"), "{text}");
    // The table row: households, reps, months, wall s, CPU s, then a positive throughput.
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("20000"))
        .unwrap_or_else(|| panic!("no row for 20000 households:\n{text}"));
    let cols: Vec<f64> = row
        .split_whitespace()
        .take(6)
        .map(|c| c.parse().unwrap())
        .collect();
    assert_eq!(cols[1], 1.0, "reps");
    assert_eq!(cols[2], 12.0, "months");
    assert!(cols[5] > 0.0, "throughput");
    if cfg!(target_os = "linux") {
        assert!(text.contains("bytes per household"), "{text}");
    }
}
