//! `shequ validate`: every validation case of the model, run and judged in one place.
//!
//! Four groups of cases, each a [`Case`]: what was expected (and from where), what the
//! model gives, the tolerance and a verdict, as values; [`table`] formats them for the
//! terminal and `shequ validate --out DIR` writes them to `DIR/validate.csv` (`io::output::write_validate_csv`).
//!
//! 1. **Textbook** ([`textbook`]) — each mechanism reduced to a case with a known answer,
//!    using the model's own functions: Granovetter's threshold cascade
//!    (`fees::threshold_cascade`), the Bass curve (`mobilisation::warn_building` against
//!    `mobilisation::bass_curve`), the constant-hazard tenure (`workforce::step` with
//!    `workforce::constant_hazard_params`) and the visit queue (`mobilisation::visit_queue`).
//!    Tolerances allow for sampling error (4 standard errors).
//! 2. **Accounting** ([`accounting`]) — invariants over full baseline runs: households
//!    conserved, fees paid equal to the firms' fee revenue, worker stocks and flows balance,
//!    shares and indices within [0, 1].
//! 3. **Pattern** ([`patterns`]) — the essay's stylised facts on the baseline (docs/ODD.md
//!    §1.3): the fee spiral, rising withdrawals, the workforce's composition and turnover,
//!    the weaknesses of mobilisation in a typhoon.
//! 4. **Reform** ([`reforms`]) — declared in the scenario files, not here: each file's
//!    `[expect]` table says which way its lever moves which indicator (paired with the
//!    baseline under common random numbers), a target it should reach, or a cost it should
//!    match. Where the model is known to answer otherwise (docs/ODD.md §1.6.5) the
//!    expectation says `finding = true`, and a miss is a [`Verdict::Finding`], not a failure.
//!
//! This module runs and judges; it neither reads files nor prints. Scenario files come in
//! through a [`Library`] (the command line builds one over `scenarios/`).

pub mod accounting;
pub mod patterns;
pub mod reforms;
pub mod textbook;

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use rayon::prelude::*;

use crate::experiment::compare::paired;
use crate::experiment::stats::Summary;
use crate::experiment::{Replication, run_replication};
use crate::model::params::{Params, ScheduledEvent};

pub use reforms::{Expectation, Indicator, Lever, LeverFile, RunLength, Test};

/// The language of a case's words: the io layer maps its `Lang` to it. Numbers are the
/// same digits in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// Words of a case in English and Chinese, declared together where the case is built.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

impl Text {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// The words in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

/// Which kind of evidence a case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// A mechanism reduced to a textbook case with a known answer.
    Textbook,
    /// An accounting invariant of a full run.
    Accounting,
    /// A stylised fact of the essay on the baseline (pattern-oriented validation).
    Pattern,
    /// A reform moves its indicator as the essay expects (paired with the baseline).
    Reform,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Group::Textbook => "textbook",
            Group::Accounting => "accounting",
            Group::Pattern => "pattern",
            Group::Reform => "reform",
        }
    }
}

/// The verdict on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// The model answers otherwise than the essay expects, and this is documented
    /// (docs/ODD.md §1.6.5, and `finding = true` in the scenario file): reported, not a
    /// failure.
    Finding,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::Finding => "finding",
        }
    }

    /// Pass if `ok`, else fail.
    pub fn of(ok: bool) -> Verdict {
        if ok { Verdict::Pass } else { Verdict::Fail }
    }

    /// Pass if `ok`, else a finding if `finding`, else fail.
    pub fn or_finding(ok: bool, finding: bool) -> Verdict {
        match (ok, finding) {
            (true, _) => Verdict::Pass,
            (false, true) => Verdict::Finding,
            (false, false) => Verdict::Fail,
        }
    }
}

/// Which way a paired difference must go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Up,
    Down,
}

impl Dir {
    /// `up` or `down`, as in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Dir::Up => "up",
            Dir::Down => "down",
        }
    }

    fn side(self) -> &'static str {
        match self {
            Dir::Up => "> 0",
            Dir::Down => "< 0",
        }
    }

    /// Whether the paired difference `d` goes this way: its 95 % CI excludes 0 on this side
    /// (with one replication, its sign).
    pub fn moved(self, d: &Summary) -> bool {
        let (lo, hi) = if d.n < 2 || d.ci_low.is_nan() {
            (d.mean, d.mean)
        } else {
            (d.ci_low, d.ci_high)
        };
        match self {
            Dir::Up => lo > 0.0,
            Dir::Down => hi < 0.0,
        }
    }
}

/// How close is close enough.
#[derive(Debug, Clone, PartialEq)]
pub enum Tolerance {
    /// No deviation at all.
    Exact,
    /// Within `tol` of the expected value; `why` says where the width comes from.
    Abs { tol: f64, why: Text },
    /// Within a relative `tol` of the expected value (0.1: +-10 %).
    Rel(f64),
    /// The 95 % CI of the paired difference lies wholly on the side `dir` of 0 (with one
    /// replication, its sign); `n` replications.
    PairedCi { dir: Dir, n: usize },
    /// A target: none.
    Target,
    /// Anything else, in words.
    Text(Text),
}

impl Tolerance {
    /// The width, where it is a number.
    pub fn width(&self) -> Option<f64> {
        match self {
            Tolerance::Exact => Some(0.0),
            Tolerance::Abs { tol, .. } | Tolerance::Rel(tol) => Some(*tol),
            _ => None,
        }
    }
}

impl Tolerance {
    /// The tolerance in words, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Tolerance::Exact if zh => "精确".into(),
            Tolerance::Exact => "exact".into(),
            Tolerance::Abs { tol, why } if zh => format!("+-{tol}（{}）", why.zh),
            Tolerance::Abs { tol, why } => format!("+-{tol} ({})", why.en),
            Tolerance::Rel(tol) => format!("+-{} %", tol * 100.0),
            Tolerance::PairedCi { dir, n } if zh => {
                format!("配对差值的 95 % 置信区间 {}（n = {n}）", dir.side())
            }
            Tolerance::PairedCi { dir, n } => {
                format!("95 % CI of paired diff {} (n = {n})", dir.side())
            }
            Tolerance::Target if zh => "无（目标值）".into(),
            Tolerance::Target => "none (a target)".into(),
            Tolerance::Text(t) => t.get(lang).into(),
        }
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// How the table shows what the model gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// A paired comparison: the two means and the difference's summary.
    Paired {
        base: f64,
        other: f64,
        diff: Summary,
        decimals: usize,
    },
    /// [`Case::simulated`] with `decimals` decimals, then `suffix`.
    Value { decimals: usize, suffix: Text },
    /// In words.
    Text(Text),
}

/// One validation case, as values.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub group: Group,
    /// A stable snake_case name.
    pub name: String,
    /// What the source leads one to expect, in words.
    pub expected: Text,
    /// The expected number, where there is one.
    pub expected_value: Option<f64>,
    /// What the model gives, as one number: a paired comparison's mean difference, a
    /// value's mean over replications, a count or the largest deviation.
    pub simulated: f64,
    /// How the table shows it.
    pub shown: Shown,
    pub tolerance: Tolerance,
    pub verdict: Verdict,
    /// Where the expectation comes from (essay section, reference tag of docs/ODD.md §6,
    /// or the mathematics).
    pub source: String,
}

impl Case {
    /// The simulated outcome as the table shows it, in English.
    pub fn simulated_text(&self) -> String {
        self.simulated_in(Lang::En)
    }

    /// The simulated outcome as the table shows it, in `lang`.
    pub fn simulated_in(&self, lang: Lang) -> String {
        match &self.shown {
            Shown::Paired {
                base,
                other,
                diff,
                decimals,
            } => paired_text(*base, *other, diff, *decimals, lang),
            Shown::Value { decimals, suffix } => {
                format!("{:.*}{}", *decimals, self.simulated, suffix.get(lang))
            }
            Shown::Text(t) => t.get(lang).into(),
        }
    }
}

/// How much to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Replications of every scenario (paired: replication r of each shares its draws).
    pub reps: u32,
    /// Master seed of every run.
    pub seed: u64,
    /// Years of the long runs (the spiral needs 20).
    pub years: u32,
    /// Years of the runs of scenarios whose `[lever]` says `runs = "short"` (their
    /// indicators settle within a few years); compared with the first `short_years` of the
    /// baseline.
    pub short_years: u32,
    /// Households in the Bass-curve building and workers in the hazard cohort.
    pub sample: usize,
}

impl Options {
    /// The full validation: 10 replications of 20 years.
    pub fn full(seed: u64) -> Self {
        Options {
            reps: 10,
            seed,
            years: 20,
            short_years: 20,
            sample: 20_000,
        }
    }

    /// Fewer replications, and 10 years for the short-run levers, for `cargo test`; the
    /// same cases and tolerances.
    pub fn quick(seed: u64) -> Self {
        Options {
            reps: 5,
            short_years: 10,
            ..Self::full(seed)
        }
    }
}

/// Loads a scenario file of the library by file name (e.g. `"pay_floor.toml"`).
pub type Loader<'a> = &'a (dyn Fn(&str) -> Result<Params, String> + Sync);

/// The status quo every reform is compared with.
pub const BASELINE: &str = "baseline.toml";

/// The scenario library as validation sees it.
pub struct Library<'a> {
    /// Loads a file by name.
    pub load: Loader<'a>,
    /// Every file with an `[expect]` table, in file-name order.
    pub levers: Vec<LeverFile>,
}

impl Library<'_> {
    /// Every scenario file validation reads: the baseline, then the lever files and the
    /// files their expectations name.
    pub fn files(&self) -> Vec<String> {
        let mut names = vec![BASELINE.to_string()];
        for f in &self.levers {
            for n in std::iter::once(&f.file).chain(f.expect.iter().filter_map(|e| e.of())) {
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
        }
        names
    }
}

/// The names of the cases that are code, not data (textbook, accounting, pattern), in
/// table order. The reform cases are those the library's `[expect]` tables declare.
pub fn fixed_cases() -> Vec<(Group, &'static str)> {
    let g = |group: Group, names: &[&'static str]| -> Vec<(Group, &'static str)> {
        names.iter().map(|n| (group, *n)).collect()
    };
    [
        g(Group::Textbook, &textbook::NAMES),
        g(Group::Accounting, &accounting::NAMES),
        g(Group::Pattern, &patterns::NAMES),
    ]
    .concat()
}

/// Runs every case. Errors are scenario files that cannot be loaded or expectations that
/// contradict each other (a case name twice).
pub fn run(o: &Options, lib: &Library<'_>) -> Result<Vec<Case>, String> {
    let mut seen = HashMap::new();
    for f in &lib.levers {
        for e in &f.expect {
            if let Some(other) = seen.insert(e.case.clone(), f.file.clone()) {
                return Err(format!(
                    "case `{}` is declared in both {other} and {}",
                    e.case, f.file
                ));
            }
        }
    }
    let mut out = textbook::cases(o);
    let status_quo = (lib.load)(BASELINE).map_err(|e| format!("{BASELINE}: {e}"))?;
    // Long runs: the baseline and every reform, replication r of each with the same draws.
    let mut params = HashMap::new();
    let mut long = Vec::new();
    let mut typhoon_runs = vec![BASELINE.to_string()];
    for n in lib.files() {
        let mut p = (lib.load)(&n).map_err(|e| format!("{n}: {e}"))?;
        let lever = lib.levers.iter().find(|f| f.file == n);
        let short = lever.is_some_and(|f| f.lever.runs == RunLength::Short);
        p.run.years = if short { o.short_years } else { o.years };
        p.run.seed = o.seed;
        p.run.replications = o.reps;
        let needs_long =
            n == BASELINE || lever.is_none_or(|f| f.expect.iter().any(|e| !e.indicator.is_event()));
        if needs_long {
            long.push(n.clone());
        }
        if lever.is_some_and(|f| f.expect.iter().any(|e| e.indicator.is_event())) {
            typhoon_runs.push(n.clone());
        }
        params.insert(n, p);
    }
    let runs = run_all(o, &long, |n| params[n].clone());
    // One strong typhoon in month 8 of a one-year run, for the mobilisation cases.
    let events = run_all(o, &typhoon_runs, |n| typhoon(&params[n]));
    let base = &runs[BASELINE];
    out.extend(accounting::cases(base));
    out.extend(patterns::cases(o, &status_quo, base, &events[BASELINE]));
    out.extend(reforms::cases(&lib.levers, &status_quo, &runs, &events));
    let fixed: Vec<&str> = out
        .iter()
        .filter(|c| c.group != Group::Reform)
        .map(|c| c.name.as_str())
        .collect();
    debug_assert_eq!(fixed, fixed_cases().iter().map(|c| c.1).collect::<Vec<_>>());
    Ok(out)
}

/// Runs replications `0..o.reps` of each named scenario, all jobs on one pool.
fn run_all(
    o: &Options,
    names: &[String],
    params: impl Fn(&str) -> Params + Sync,
) -> HashMap<String, Vec<Replication>> {
    let jobs: Vec<(usize, u64)> = (0..names.len())
        .flat_map(|i| (0..u64::from(o.reps)).map(move |r| (i, r)))
        .collect();
    let done: Vec<(usize, Replication)> = jobs
        .par_iter()
        .map(|&(i, r)| (i, run_replication(&params(&names[i]), o.seed, r)))
        .collect();
    let mut out: HashMap<String, Vec<Replication>> = HashMap::new();
    for (i, rep) in done {
        out.entry(names[i].clone()).or_default().push(rep);
    }
    out
}

/// The scenario with no seasonal typhoon and one of severity 1 in month 8 of a one-year run.
fn typhoon(p: &Params) -> Params {
    let mut p = p.clone();
    p.run.years = 1;
    p.mobilisation.typhoons_per_year = 0.0;
    p.events = vec![ScheduledEvent {
        month: 8,
        severity: 1.0,
        communities: Vec::new(),
    }];
    p
}

/// A case judged by the paired difference `other - base` (`experiment::compare::paired`).
/// `finding`: if it does not move `dir`, the verdict is a finding instead of a failure.
#[allow(clippy::too_many_arguments)]
fn paired_case(
    group: Group,
    name: &str,
    expected: Text,
    source: &str,
    base: &[f64],
    other: &[f64],
    dir: Dir,
    decimals: usize,
    finding: bool,
) -> Case {
    let diff = paired(base, other);
    Case {
        group,
        name: name.into(),
        expected,
        expected_value: None,
        simulated: diff.mean,
        shown: Shown::Paired {
            base: mean(base),
            other: mean(other),
            diff,
            decimals,
        },
        tolerance: Tolerance::PairedCi { dir, n: diff.n },
        verdict: Verdict::or_finding(dir.moved(&diff), finding),
        source: source.into(),
    }
}

// ---------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Formats a number with `prec` decimals, or in thousands / millions when large.
pub fn num(x: f64, prec: usize) -> String {
    if x.is_nan() {
        "-".into()
    } else if x.abs() >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x.abs() >= 1e4 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.prec$}")
    }
}

fn signed(x: f64, prec: usize) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{x:+.prec$}")
    }
}

/// "a -> b, diff d [lo, hi]" for a paired comparison.
fn paired_text(base: f64, other: f64, d: &Summary, prec: usize, lang: Lang) -> String {
    let ci = if d.ci_low.is_nan() {
        String::new()
    } else {
        format!(" [{}, {}]", signed(d.ci_low, prec), signed(d.ci_high, prec))
    };
    let diff = match lang {
        Lang::En => ", diff",
        Lang::Zh => "，差值",
    };
    format!(
        "{} -> {}{diff} {}{ci}",
        num(base, prec),
        num(other, prec),
        signed(d.mean, prec)
    )
}

/// Display width of a cell on a terminal: CJK characters take two columns.
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x2E80..=0x9FFF).contains(&u) || (0xFF00..=0xFF60).contains(&u) {
                2
            } else {
                1
            }
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// The columns of the table, in English.
pub const HEADER: [&str; 6] = [
    "case",
    "expected",
    "source",
    "simulated",
    "tolerance",
    "result",
];

/// The words of [`table_in`]: the header, the verdicts' names and the closing count line
/// (of all cases, passes, failures and findings).
pub struct TableWords {
    pub header: [&'static str; 6],
    pub verdict: fn(Verdict) -> &'static str,
    pub group: fn(Group) -> &'static str,
    pub count: fn(usize, usize, usize, usize) -> String,
    /// The language of the cases' expectations, outcomes and tolerances.
    pub lang: Lang,
}

/// The cases as an aligned text table, one case per line, with a count at the end.
pub fn table(results: &[Case]) -> String {
    table_in(
        results,
        &TableWords {
            header: HEADER,
            verdict: Verdict::name,
            group: Group::name,
            count: |n, pass, fail, finding| {
                format!(
                    "{n} cases: {pass} pass, {fail} fail, {finding} finding (the model answers otherwise than the essay expects; not failures)"
                )
            },
            lang: Lang::En,
        },
    )
}

/// [`table`] in other words (another language).
pub fn table_in(results: &[Case], words: &TableWords) -> String {
    let header = words.header;
    let rows: Vec<[String; 6]> = results
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                r.expected.get(words.lang).into(),
                r.source.clone(),
                r.simulated_in(words.lang),
                r.tolerance.text(words.lang),
                (words.verdict)(r.verdict).to_string(),
            ]
        })
        .collect();
    let mut w = header.map(width);
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(width(c));
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&pad(c, w[i]));
                s.push_str("  ");
            }
        }
        s.push('\n');
        s
    };
    let mut s = line(&header.map(String::from));
    let mut group = None;
    for (r, cells) in results.iter().zip(&rows) {
        if group != Some(r.group) {
            group = Some(r.group);
            let _ = writeln!(s, "-- {} --", (words.group)(r.group));
        }
        s.push_str(&line(cells));
    }
    let count = |v: Verdict| results.iter().filter(|r| r.verdict == v).count();
    let _ = writeln!(
        s,
        "{}",
        (words.count)(
            results.len(),
            count(Verdict::Pass),
            count(Verdict::Fail),
            count(Verdict::Finding)
        )
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_chinese_and_counts() {
        let r = Case {
            group: Group::Reform,
            name: "x".into(),
            expected: Text::new("定责", "定责"),
            expected_value: None,
            simulated: 1.0,
            shown: Shown::Value {
                decimals: 0,
                suffix: Text::default(),
            },
            tolerance: Tolerance::Text(Text::new("t", "t")),
            verdict: Verdict::Finding,
            source: "essay 三.(三).4".into(),
        };
        let t = table(&[
            r.clone(),
            Case {
                verdict: Verdict::Pass,
                ..r
            },
        ]);
        assert!(t.contains("-- reform --"));
        assert!(t.contains("2 cases: 1 pass, 0 fail, 1 finding"), "{t}");
        assert_eq!(width("三.(三)"), 7);
    }

    #[test]
    fn paired_direction_needs_the_interval_on_one_side() {
        let up = paired(&[1.0, 2.0, 3.0], &[1.5, 2.6, 3.4]);
        assert!(Dir::Up.moved(&up) && !Dir::Down.moved(&up));
        let noise = paired(&[1.0, 2.0, 3.0], &[1.5, 1.6, 3.1]);
        assert!(!Dir::Up.moved(&noise) && !Dir::Down.moved(&noise));
    }

    #[test]
    fn tolerances_read_as_before() {
        let t = |x: Tolerance| x.to_string();
        assert_eq!(t(Tolerance::Rel(0.1)), "+-10 %");
        assert_eq!(
            t(Tolerance::PairedCi { dir: Dir::Up, n: 5 }),
            "95 % CI of paired diff > 0 (n = 5)"
        );
        assert_eq!(
            t(Tolerance::Abs {
                tol: 0.06,
                why: Text::new("w", "宽")
            }),
            "+-0.06 (w)"
        );
        // The same numbers in Chinese words.
        let zh = |x: Tolerance| x.text(Lang::Zh);
        assert_eq!(
            zh(Tolerance::PairedCi { dir: Dir::Up, n: 5 }),
            "配对差值的 95 % 置信区间 > 0（n = 5）"
        );
        assert_eq!(
            zh(Tolerance::Abs {
                tol: 0.06,
                why: Text::new("w", "宽")
            }),
            "+-0.06（宽）"
        );
        assert_eq!(zh(Tolerance::Exact), "精确");
        let d = paired(&[1.0, 2.0, 3.0], &[1.5, 2.6, 3.4]);
        let (en, zh) = (
            paired_text(2.0, 2.5, &d, 2, Lang::En),
            paired_text(2.0, 2.5, &d, 2, Lang::Zh),
        );
        assert!(en.starts_with("2.00 -> 2.50, diff +0.50 ["), "{en}");
        assert_eq!(zh, en.replace(", diff", "，差值"));
    }
}
