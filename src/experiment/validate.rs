//! `shequ validate`: every validation case of the model, run and judged in one place.
//!
//! Four groups of cases, each a [`CaseResult`] with what was expected (and from where), what
//! the model gives, the tolerance and a verdict:
//!
//! 1. **Textbook** — each mechanism reduced to a case with a known answer, using the model's
//!    own functions: Granovetter's threshold cascade (`fees::decide_building`), the Bass
//!    curve (`mobilisation::warn_building`), the constant-hazard tenure
//!    (`workforce::step` with every driver off) and the visit queue
//!    (`mobilisation::visit_queue`). Tolerances allow for sampling error (4 standard errors).
//! 2. **Accounting** — invariants over full baseline runs: households conserved, fees paid
//!    equal to the firms' fee revenue, worker stocks and flows balance, rates within [0, 1].
//! 3. **Pattern** — the essay's stylised facts on the baseline (docs/ODD.md §1.3): the fee
//!    spiral, rising withdrawals, the workforce's composition and turnover, the weaknesses of
//!    mobilisation in a typhoon.
//! 4. **Reform** — each reform scenario against the baseline with the same seed (common
//!    random numbers, paired replications): does it move its indicator the way the essay
//!    expects? Where the model is known to answer otherwise (docs/ODD.md §1.6.5), the case is
//!    a *finding*: it is reported with [`Status::Finding`] and is not a failure.
//!
//! This module runs and judges; it neither reads files nor prints. Scenario files are
//! loaded through the `load` callback (the command line passes one that reads
//! `scenarios/`), and [`table`] formats the results as text.

use std::collections::HashMap;
use std::fmt::Write as _;

use rand_distr::{Distribution, Exp1};
use rayon::prelude::*;

use crate::experiment::stats::{Summary, summarize};
use crate::experiment::{Replication, run_replication};
use crate::model::fees;
use crate::model::kind::CompoundKind;
use crate::model::metrics::{M, METRICS};
use crate::model::mobilisation;
use crate::model::params::{Params, ScheduledEvent};
use crate::model::rng::{Stream, stream};
use crate::model::workforce;
use crate::model::world::Household;

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
pub enum Status {
    Pass,
    Fail,
    /// The model answers otherwise than the essay expects, and this is documented
    /// (docs/ODD.md §1.6.5): reported, not a failure.
    Finding,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "FAIL",
            Status::Finding => "finding",
        }
    }
}

/// One row of the validation table.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    pub group: Group,
    /// A stable snake_case name.
    pub name: &'static str,
    /// What the source leads one to expect.
    pub expected: String,
    /// Where the expectation comes from (essay section, reference tag of docs/ODD.md §6,
    /// or the mathematics).
    pub source: &'static str,
    /// What the model gives.
    pub simulated: String,
    /// How close is close enough, and why.
    pub tolerance: String,
    pub status: Status,
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
    /// Years of the runs of [`WORKFORCE_ONLY`] scenarios, whose indicators settle within a
    /// few years; compared with the first `short_years` of the baseline.
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

    /// Fewer replications, and 10 years for the workforce-only levers, for `cargo test`;
    /// the same cases and tolerances.
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

/// The scenario files whose long runs the reform cases use, besides `baseline.toml`.
pub const SCENARIOS: [&str; 19] = [
    "pay_floor.toml",
    "certificate_allowance.toml",
    "workers_per_250.toml",
    "localisation.toml",
    "career_path.toml",
    "work_admission.toml",
    "info_platform.toml",
    "split_oversized.toml",
    "owners_committee_coverage.toml",
    "three_in_one.toml",
    "star_rating.toml",
    "purchased_services.toml",
    "quasi_property.toml",
    "volunteers_10pct.toml",
    "reform_grid.toml",
    "reform_workforce.toml",
    "professional_firms.toml",
    "reform_package.toml",
    "budget_matched_property.toml",
];

/// Scenarios whose cases read only workforce indicators: with `--quick` they run
/// [`Options::short_years`] years.
pub const WORKFORCE_ONLY: [&str; 8] = [
    "pay_floor.toml",
    "certificate_allowance.toml",
    "workers_per_250.toml",
    "localisation.toml",
    "career_path.toml",
    "work_admission.toml",
    "info_platform.toml",
    "split_oversized.toml",
];

/// Scenarios run through a single typhoon (their mobilisation indicators).
pub const EVENT_SCENARIOS: [&str; 8] = [
    "baseline.toml",
    "grid_250.toml",
    "drills_command.toml",
    "info_platform.toml",
    "party_members_home.toml",
    "volunteers_10pct.toml",
    "reform_grid.toml",
    "reform_package.toml",
];

/// Every scenario file validation reads: the baseline, [`SCENARIOS`], [`EVENT_SCENARIOS`].
pub fn scenario_files() -> Vec<&'static str> {
    let mut names = vec!["baseline.toml"];
    for n in SCENARIOS.into_iter().chain(EVENT_SCENARIOS) {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names
}

/// Runs every case. Errors are scenario files that cannot be loaded.
pub fn run(o: &Options, load: Loader<'_>) -> Result<Vec<CaseResult>, String> {
    let mut out = textbook(o);
    // Long runs: the baseline and every reform, replication r of each with the same draws.
    let names = scenario_files();
    let mut params = HashMap::new();
    for n in &names {
        let mut p = load(n).map_err(|e| format!("{n}: {e}"))?;
        p.run.years = if WORKFORCE_ONLY.contains(n) {
            o.short_years
        } else {
            o.years
        };
        p.run.seed = o.seed;
        p.run.replications = o.reps;
        params.insert(*n, p);
    }
    let long: Vec<&'static str> = names
        .iter()
        .copied()
        .filter(|n| *n == "baseline.toml" || SCENARIOS.contains(n))
        .collect();
    let runs = run_all(o, &long, |n| params[n].clone());
    // One strong typhoon in month 8 of a one-year run, for the mobilisation cases.
    let events = run_all(o, &EVENT_SCENARIOS, |n| typhoon(&params[n]));
    let base = &runs["baseline.toml"];
    out.extend(accounting(base));
    out.extend(patterns(o, base, &events["baseline.toml"]));
    out.extend(reforms(&runs, &events));
    Ok(out)
}

fn run_all(
    o: &Options,
    names: &[&'static str],
    params: impl Fn(&str) -> Params + Sync,
) -> HashMap<&'static str, Vec<Replication>> {
    let jobs: Vec<(usize, u64)> = (0..names.len())
        .flat_map(|i| (0..u64::from(o.reps)).map(move |r| (i, r)))
        .collect();
    let done: Vec<(usize, Replication)> = jobs
        .par_iter()
        .map(|&(i, r)| (i, run_replication(&params(names[i]), o.seed, r)))
        .collect();
    let mut out: HashMap<&'static str, Vec<Replication>> = HashMap::new();
    for (i, rep) in done {
        out.entry(names[i]).or_default().push(rep);
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

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn col(name: &str) -> usize {
    M::from_name(name)
        .map(M::index)
        .unwrap_or_else(|| panic!("unknown metric {name}"))
}

/// Per replication: the mean of a metric over months `from..=to` (1-based).
fn window(reps: &[Replication], metric: &str, from: usize, to: usize) -> Vec<f64> {
    let i = col(metric);
    reps.iter()
        .map(|r| {
            let rows = &r.months[from - 1..to.min(r.months.len())];
            rows.iter().map(|row| row[i]).sum::<f64>() / rows.len() as f64
        })
        .collect()
}

/// Per replication: the sum of a metric over months `from..=to`.
fn total(reps: &[Replication], metric: &str, from: usize, to: usize) -> Vec<f64> {
    let i = col(metric);
    reps.iter()
        .map(|r| {
            r.months[from - 1..to.min(r.months.len())]
                .iter()
                .map(|row| row[i])
                .sum()
        })
        .collect()
}

/// The replications cut to their first `months` months. The first months of a longer run
/// are those of a shorter one: nothing in a month depends on later months, and the seasonal
/// calendar is drawn year by year.
fn truncated(reps: &[Replication], months: usize) -> Vec<Replication> {
    reps.iter()
        .map(|r| Replication {
            months: r.months[..months.min(r.months.len())].to_vec(),
            households: r.households,
            events: Vec::new(),
        })
        .collect()
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn months(reps: &[Replication]) -> usize {
    reps[0].months.len()
}

/// Per replication: the last year's mean.
fn last_year(reps: &[Replication], metric: &str) -> Vec<f64> {
    let m = months(reps);
    window(reps, metric, m - 11, m)
}

/// Per replication: the first year's mean.
fn first_year(reps: &[Replication], metric: &str) -> Vec<f64> {
    window(reps, metric, 1, 12)
}

/// Per replication: the mean over years 2 to the end (the workforce's settled state).
fn settled(reps: &[Replication], metric: &str) -> Vec<f64> {
    window(reps, metric, 13, months(reps))
}

/// Per replication: quits (separations other than exam-season exits) per employed worker
/// a year, over years 2 to the end. The metric name is ignored.
fn quits_per_worker(reps: &[Replication], _metric: &str) -> Vec<f64> {
    let (sep, exam, emp) = (
        col("worker_separations"),
        col("worker_exam_exits"),
        col("workers_employed"),
    );
    reps.iter()
        .map(|r| {
            let rows = &r.months[12..];
            let quits: f64 = rows.iter().map(|row| row[sep] - row[exam]).sum();
            let workers = rows.iter().map(|row| row[emp]).sum::<f64>() / rows.len() as f64;
            quits / workers / (rows.len() as f64 / 12.0)
        })
        .collect()
}

/// Which way a paired difference must go.
#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Up,
    Down,
}

/// Whether the paired difference `other - base` goes `dir`: its 95 % CI excludes 0 on that
/// side (with one replication, its sign).
fn moves(d: &Summary, dir: Dir) -> bool {
    let (lo, hi) = if d.n < 2 || d.ci_low.is_nan() {
        (d.mean, d.mean)
    } else {
        (d.ci_low, d.ci_high)
    };
    match dir {
        Dir::Up => lo > 0.0,
        Dir::Down => hi < 0.0,
    }
}

/// Formats a number with `prec` decimals, or in thousands / millions when large.
fn num(x: f64, prec: usize) -> String {
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

/// "a → b, Δ d [lo, hi]" for a paired comparison.
fn paired_text(base: &[f64], other: &[f64], d: &Summary, prec: usize) -> String {
    let ci = if d.ci_low.is_nan() {
        String::new()
    } else {
        format!(" [{}, {}]", signed(d.ci_low, prec), signed(d.ci_high, prec))
    };
    format!(
        "{} -> {}, diff {}{ci}",
        num(mean(base), prec),
        num(mean(other), prec),
        signed(d.mean, prec)
    )
}

fn tol_text(dir: Dir, n: usize) -> String {
    let side = match dir {
        Dir::Up => "> 0",
        Dir::Down => "< 0",
    };
    format!("95 % CI of paired diff {side} (n = {n})")
}

fn paired_diff(base: &[f64], other: &[f64]) -> Summary {
    let d: Vec<f64> = base.iter().zip(other).map(|(b, o)| o - b).collect();
    summarize(&d)
}

/// A case judged by a paired difference. `finding`: if it does not move as expected, the
/// status is [`Status::Finding`] instead of [`Status::Fail`].
#[allow(clippy::too_many_arguments)]
fn paired_case(
    group: Group,
    name: &'static str,
    expected: &str,
    source: &'static str,
    base: &[f64],
    other: &[f64],
    dir: Dir,
    prec: usize,
    finding: bool,
) -> CaseResult {
    let d = paired_diff(base, other);
    let ok = moves(&d, dir);
    CaseResult {
        group,
        name,
        expected: expected.into(),
        source,
        simulated: paired_text(base, other, &d, prec),
        tolerance: tol_text(dir, d.n),
        status: match (ok, finding) {
            (true, _) => Status::Pass,
            (false, true) => Status::Finding,
            (false, false) => Status::Fail,
        },
    }
}

fn verdict(ok: bool) -> Status {
    if ok { Status::Pass } else { Status::Fail }
}

// ---------------------------------------------------------------------------------------
// 1. Textbook cases
// ---------------------------------------------------------------------------------------

fn textbook(o: &Options) -> Vec<CaseResult> {
    let mut out = Vec::new();
    // Granovetter (1978): 100 owners of one building with thresholds 0, 1, ..., 99 (as
    // counts of the 99 neighbours) pay in a cascade; change the threshold 1 to 2 and only
    // the unconditional owner pays.
    let uniform: Vec<u32> = (0..100).collect();
    let mut changed = uniform.clone();
    changed[1] = 2;
    for (name, ks, want, what) in [
        (
            "threshold_cascade_uniform",
            &uniform,
            100,
            "thresholds 0..99: all 100 pay",
        ),
        (
            "threshold_cascade_one_changed",
            &changed,
            1,
            "threshold 1 -> 2: 1 pays",
        ),
    ] {
        let got = cascade(ks);
        out.push(CaseResult {
            group: Group::Textbook,
            name,
            expected: what.into(),
            source: "Granovetter 1978 [F9]",
            simulated: match got {
                Some(n) => format!("{n} pay"),
                None => "no equilibrium in 1000 months".into(),
            },
            tolerance: "exact".into(),
            status: verdict(got == Some(want)),
        });
    }
    out.push(bass_case(o));
    out.extend(hazard_cases(o));
    out.push(queue_case());
    out
}

fn threshold_owner(threshold: f32) -> Household {
    fees::neutral_owner(threshold)
}

/// Payers at the equilibrium of the pure threshold model (synchronous updating) for
/// thresholds given as counts of neighbours; `None` if none is reached.
fn cascade(counts: &[u32]) -> Option<u32> {
    let n = counts.len() as f32;
    let mut hs: Vec<Household> = counts
        .iter()
        .map(|&k| threshold_owner(k as f32 / (n - 1.0)))
        .collect();
    let mut o = Params::default().owners;
    o.weight_social = 1.0;
    o.weight_satisfaction = 0.0;
    o.weight_affordability = 0.0;
    o.weight_enforcement = 0.0;
    o.weight_trust = 0.0;
    o.noise = 0.0;
    let mut rng = stream(1, 0, 0, Stream::Fees);
    let mut last = u32::MAX;
    for _ in 0..1000 {
        let paid = fees::decide_building(&o, 100.0, &mut hs, &mut rng);
        if paid == last {
            return Some(paid);
        }
        last = paid;
    }
    None
}

/// Bass (1969): F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}).
fn bass(p: f64, q: f64, t: f64) -> f64 {
    let e = (-(p + q) * t).exp();
    (1.0 - e) / (1.0 + q / p * e)
}

fn bass_case(o: &Options) -> CaseResult {
    let (p, q, step_minutes) = (0.15, 1.2, 0.5);
    let mut params = Params::default();
    let m = &mut params.mobilisation;
    m.step_minutes = step_minutes;
    m.horizon_hours = 12.0;
    m.word_of_mouth_rate = q;
    let n = o.sample;
    let mut rng = stream(9, 0, 0, Stream::Events);
    // Mass media only: external arrivals Exp(p); everyone has ties 1; no volunteers.
    let ext: Vec<f64> = (0..n)
        .map(|_| {
            let e: f64 = Exp1.sample(&mut rng);
            e / p
        })
        .collect();
    let mut out = Vec::new();
    mobilisation::warn_building(
        &params.mobilisation,
        &ext,
        &vec![1.0; n],
        &vec![false; n],
        &mut rng,
        &mut out,
    );
    let mut worst = (0.0f64, 0.0, 0.0, 0.0); // (|dev| / tolerance, t, dev, tolerance)
    let mut ok = true;
    for t in [0.5, 1.0, 2.0, 3.0, 4.0, 6.0] {
        let f = out.iter().filter(|x| **x <= t).count() as f64 / n as f64;
        let expected = bass(p, q, t);
        let se = (expected * (1.0 - expected) / n as f64).sqrt();
        // Sampling error, plus half a step of growth for the time step, plus 0.003.
        let step_err = 0.5 * (step_minutes / 60.0) * (p + q) * expected.max(0.05);
        let tol = 4.0 * se + step_err + 0.003;
        let dev = f - expected;
        ok &= dev.abs() < tol;
        if dev.abs() / tol > worst.0 {
            worst = (dev.abs() / tol, t, dev, tol);
        }
    }
    CaseResult {
        group: Group::Textbook,
        name: "bass_curve",
        expected: format!("warned share F(t), p = {p}, q = {q}/h, t = 0.5-6 h"),
        source: "Bass 1969 [F18]",
        simulated: format!(
            "worst at t = {} h: F {:.4} vs {:.4} (n = {n})",
            worst.1,
            bass(p, q, worst.1) + worst.2,
            bass(p, q, worst.1)
        ),
        tolerance: format!("4 SE + step + 0.003 (here {:.4})", worst.3),
        status: verdict(ok),
    }
}

/// A cohort of workers hired at once, every driver of the hazard off: survival
/// S(t) = (1 - h)^t, and a share 1 - (1 - h)^12 leaves within a year. Runs the model's own
/// monthly workforce step; vacancies are refilled at once by recruits who are never local,
/// while the cohort is all local, so the survivors are the local workers.
fn hazard_cases(o: &Options) -> Vec<CaseResult> {
    let h: f64 = 0.02;
    let mut p = workforce::constant_hazard_params(h);
    let w = &mut p.workforce;
    w.households_per_worker = 20.0;
    w.initial_mean_tenure_months = 0.0;
    w.initial_local_share = 1.0;
    w.pool_local_share = 0.0;
    let households = o.sample * 20;
    let mut rng = stream(2, 0, 0, Stream::Workforce);
    let mut staff = workforce::initial_staff(&p, households, &mut rng);
    let n0 = staff.workers.len() as f64;
    let mut worst = (0.0f64, 0usize, 0.0, 0.0); // (|dev| / tolerance, t, simulated, expected)
    let mut ok = true;
    let mut annual = (0.0, 0.0, 0.0);
    for t in 1..=60u32 {
        workforce::step(&p, &mut staff, households, 1, t, &mut rng);
        let s = staff.workers.iter().filter(|x| x.local).count() as f64 / n0;
        let expected = (1.0 - h).powi(t as i32);
        let se = (expected * (1.0 - expected) / n0).sqrt();
        let dev = (s - expected).abs();
        ok &= dev < 4.0 * se + 1e-12;
        if dev / (4.0 * se) > worst.0 {
            worst = (dev / (4.0 * se), t as usize, s, expected);
        }
        if t == 12 {
            annual = (1.0 - s, 1.0 - expected, 4.0 * se);
        }
    }
    let hazard = workforce::quit_hazard(&p.workforce, &staff.workers[0], 1.0);
    vec![
        CaseResult {
            group: Group::Textbook,
            name: "constant_hazard_survival",
            expected: format!("S(t) = (1 - h)^t, h = {h}/month, t = 1-60"),
            source: "geometric law",
            simulated: format!(
                "h = {hazard:.4}; worst at t = {}: {:.4} vs {:.4} (n = {n0})",
                worst.1, worst.2, worst.3
            ),
            tolerance: "4 SE at every t".into(),
            status: verdict(ok && (hazard - h).abs() < 1e-12),
        },
        CaseResult {
            group: Group::Textbook,
            name: "constant_hazard_annual_leaving",
            expected: format!("1 - (1 - h)^12 = {:.4} leave in a year", annual.1),
            source: "geometric law",
            simulated: format!("{:.4}", annual.0),
            tolerance: format!("4 SE ({:.4})", annual.2),
            status: verdict((annual.0 - annual.1).abs() < annual.2),
        },
    ]
}

fn queue_case() -> CaseResult {
    let cases = [
        (10usize, 3usize, 0.5f64),
        (12, 4, 0.75),
        (1, 5, 2.0),
        (7, 1, 0.25),
    ];
    let mut ok = true;
    let mut got = Vec::new();
    for (n, k, s) in cases {
        let (done, visits) =
            mobilisation::visit_queue(&vec![(0.0, s); k], &vec![0.0; n], f64::INFINITY);
        let last = done.iter().copied().fold(0.0, f64::max);
        ok &= (last - n.div_ceil(k) as f64 * s).abs() < 1e-12;
        ok &= visits.iter().sum::<u32>() as usize == n;
        got.push(format!("{last}"));
    }
    CaseResult {
        group: Group::Textbook,
        name: "visit_queue_makespan",
        expected: "ceil(n/k) x s: 2, 2.25, 2, 1.75 h".into(),
        source: "FCFS queue, k servers",
        simulated: format!("{} h", got.join(", ")),
        tolerance: "1e-12; each visited once".into(),
        status: verdict(ok),
    }
}

// ---------------------------------------------------------------------------------------
// 2. Accounting invariants
// ---------------------------------------------------------------------------------------

/// Columns that are shares or 0-1 indices.
fn is_unit_interval(name: &str) -> bool {
    name.ends_with("_share")
        || name.ends_with("_rate")
        || name.starts_with("fee_collection_rate")
        || name.starts_with("managed_share")
        || matches!(
            name,
            "service_quality"
                | "owner_satisfaction"
                | "owner_expectation"
                | "trust"
                | "mediation_coverage"
        )
}

fn accounting(base: &[Replication]) -> Vec<CaseResult> {
    let rows = base.len() * months(base);
    let of = format!("{rows} months of {} baseline runs", base.len());
    // Households: the column never changes and equals the households generated.
    let hh = col("households");
    let mut bad_hh = 0;
    for r in base {
        bad_hh += r
            .months
            .iter()
            .filter(|row| row[hh] != r.households as f64)
            .count();
    }
    // Fees: paid by owners (summed household by household) = booked by firms.
    let (paid, booked) = (col("fees_paid"), col("fee_revenue"));
    let mut worst_fee = 0.0f64;
    for r in base {
        for row in &r.months {
            let rel = (row[paid] - row[booked]).abs() / row[booked].abs().max(1.0);
            worst_fee = worst_fee.max(rel);
        }
    }
    // Workers: stock(t) = stock(t-1) - separations(t) + hires(t).
    let (emp, sep, hire) = (
        col("workers_employed"),
        col("worker_separations"),
        col("worker_hires"),
    );
    let mut worst_flow = 0.0f64;
    for r in base {
        for t in 1..r.months.len() {
            let (a, b) = (&r.months[t - 1], &r.months[t]);
            worst_flow = worst_flow.max((b[emp] - (a[emp] - b[sep] + b[hire])).abs());
        }
    }
    // Rates and shares within [0, 1].
    let unit: Vec<usize> = (0..METRICS.len())
        .filter(|&i| is_unit_interval(METRICS[i].name))
        .collect();
    let mut outside = Vec::new();
    for r in base {
        for row in &r.months {
            for &i in &unit {
                if !(0.0..=1.0).contains(&row[i]) && !outside.contains(&METRICS[i].name) {
                    outside.push(METRICS[i].name);
                }
            }
        }
    }
    vec![
        CaseResult {
            group: Group::Accounting,
            name: "households_conserved",
            expected: format!("{} households every month", base[0].households),
            source: "moving replaces occupants",
            simulated: format!("{bad_hh} of {} differ", of),
            tolerance: "exact".into(),
            status: verdict(bad_hh == 0),
        },
        CaseResult {
            group: Group::Accounting,
            name: "fees_paid_equal_fee_revenue",
            expected: "fees_paid = fee_revenue".into(),
            source: "owners' payments = firms' books",
            simulated: format!("largest relative gap {worst_fee:.1e}"),
            tolerance: "relative 1e-9".into(),
            status: verdict(worst_fee <= 1e-9),
        },
        CaseResult {
            group: Group::Accounting,
            name: "worker_stock_flow_balance",
            expected: "employed(t) = employed(t-1) - separations(t) + hires(t)".into(),
            source: "stocks and flows",
            simulated: format!("largest gap {worst_flow} workers"),
            tolerance: "exact".into(),
            status: verdict(worst_flow == 0.0),
        },
        CaseResult {
            group: Group::Accounting,
            name: "rates_within_unit_interval",
            expected: format!("{} rate and share columns within [0, 1]", unit.len()),
            source: "definitions",
            simulated: if outside.is_empty() {
                format!("all within, {}", of)
            } else {
                format!("outside: {}", outside.join(", "))
            },
            tolerance: "exact".into(),
            status: verdict(outside.is_empty()),
        },
    ]
}

// ---------------------------------------------------------------------------------------
// 3. Stylised facts of the essay on the baseline
// ---------------------------------------------------------------------------------------

/// Per compound kind, pooled over replications: mean t90_hours (never warned = the
/// horizon), helped-in-window share, mean help_t90_hours (over rows where defined).
#[derive(Debug, Clone, Copy, Default)]
struct KindStats {
    t90: f64,
    helped: f64,
    help_t90: f64,
}

fn by_kind(reps: &[Replication], horizon: f64) -> [KindStats; 3] {
    let mut acc = [[0.0f64; 6]; 3];
    for r in reps {
        for e in &r.events {
            let a = &mut acc[e.kind.index()];
            let o = &e.outcome;
            a[0] += if o.t90_hours.is_nan() {
                horizon
            } else {
                o.t90_hours
            };
            a[1] += 1.0;
            a[2] += f64::from(o.vulnerable_helped_in_window);
            a[3] += f64::from(o.vulnerable_total);
            if !o.help_t90_hours.is_nan() {
                a[4] += o.help_t90_hours;
                a[5] += 1.0;
            }
        }
    }
    acc.map(|a| KindStats {
        t90: a[0] / a[1].max(1.0),
        helped: a[2] / a[3].max(1.0),
        help_t90: if a[5] > 0.0 { a[4] / a[5] } else { f64::NAN },
    })
}

/// Per replication: mean t90_hours over every community and kind (never warned = horizon).
fn t90_per_rep(reps: &[Replication], horizon: f64) -> Vec<f64> {
    reps.iter()
        .map(|r| {
            let xs: Vec<f64> = r
                .events
                .iter()
                .map(|e| {
                    if e.outcome.t90_hours.is_nan() {
                        horizon
                    } else {
                        e.outcome.t90_hours
                    }
                })
                .collect();
            mean(&xs)
        })
        .collect()
}

/// Per replication: vulnerable households helped within the window / those needing help.
fn helped_per_rep(reps: &[Replication]) -> Vec<f64> {
    reps.iter()
        .map(|r| {
            let (h, n) = r.events.iter().fold((0.0, 0.0), |(h, n), e| {
                (
                    h + f64::from(e.outcome.vulnerable_helped_in_window),
                    n + f64::from(e.outcome.vulnerable_total),
                )
            });
            h / n.max(1.0)
        })
        .collect()
}

/// A value that must lie within `tol` of a target.
fn near_case(
    name: &'static str,
    expected: &str,
    source: &'static str,
    value: f64,
    target: f64,
    tol: f64,
    why: &str,
) -> CaseResult {
    CaseResult {
        group: Group::Pattern,
        name,
        expected: expected.into(),
        source,
        simulated: format!("{value:.3}"),
        tolerance: format!("+-{tol} ({why})"),
        status: verdict((value - target).abs() <= tol),
    }
}

/// Share of recruits from the baseline pool who leave within 12 months of being hired, at
/// workload `load`: twelve monthly quit hazards (the first-year factor on tenures 1-11, as
/// in `workforce::step`) and one exam season; averaged over `n` recruits.
fn first_year_leaving(p: &Params, load: f64, n: usize) -> f64 {
    let w = &p.workforce;
    let mut rng = stream(p.run.seed, 0, 0, Stream::Workforce);
    let mut stay = 0.0;
    for _ in 0..n {
        let mut x = workforce::recruit(w, &mut rng);
        let mut s = 1.0 - workforce::exam_chance(w, &x);
        for tenure in 1..=12u16 {
            x.tenure_months = tenure;
            s *= 1.0 - workforce::quit_hazard(w, &x, load);
        }
        stay += s;
    }
    1.0 - stay / n as f64
}

fn patterns(o: &Options, base: &[Replication], typhoon: &[Replication]) -> Vec<CaseResult> {
    let mut out = Vec::new();
    let n = base.len();
    let spiral = [
        (
            "spiral_collection_falls",
            "fee_collection_rate",
            "collection rate falls, year 1 -> last year",
        ),
        (
            "spiral_quality_falls",
            "service_quality",
            "service quality falls with it",
        ),
        (
            "spiral_satisfaction_follows",
            "owner_satisfaction",
            "owners' satisfaction follows quality down",
        ),
        (
            "compounds_left_unmanaged",
            "managed_share",
            "firms withdraw: managed share falls",
        ),
    ];
    for (name, metric, what) in spiral {
        out.push(paired_case(
            Group::Pattern,
            name,
            what,
            "essay 二.(四)",
            &first_year(base, metric),
            &last_year(base, metric),
            Dir::Down,
            3,
            false,
        ));
    }
    let m = months(base);
    let half = m / 2;
    out.push(paired_case(
        Group::Pattern,
        "withdrawals_rise",
        "more firm exits in the second half of the run than the first",
        "essay 二.(四) 逐年增多; [F5]",
        &total(base, "firm_exits", 1, half),
        &total(base, "firm_exits", half + 1, m),
        Dir::Up,
        1,
        false,
    ));
    // P4: starts above the national average and passes it within the run.
    let collection = col("fee_collection_rate");
    let years = m / 12;
    let yearly: Vec<f64> = (0..years)
        .map(|y| {
            base.iter()
                .map(|r| {
                    r.months[y * 12..y * 12 + 12]
                        .iter()
                        .map(|row| row[collection])
                        .sum::<f64>()
                        / 12.0
                })
                .sum::<f64>()
                / n as f64
        })
        .collect();
    let crossing = yearly.iter().position(|c| *c < 0.763);
    out.push(CaseResult {
        group: Group::Pattern,
        name: "collection_passes_national_average",
        expected: "starts above 76.3 %, falls below it within the run".into(),
        source: "[F1]",
        simulated: format!(
            "year 1 {:.3}, year {years} {:.3}; below in year {}",
            yearly[0],
            yearly[years - 1],
            crossing.map_or("-".into(), |y| (y + 1).to_string())
        ),
        tolerance: "crossing within the run".into(),
        status: verdict(yearly[0] > 0.763 && crossing.is_some()),
    });
    // The workforce (years 2 to the end).
    let s = |metric| mean(&settled(base, metric));
    out.push(near_case(
        "worker_turnover_18pct",
        "annual turnover 17.6 %",
        "[F13]",
        s("worker_turnover_annual"),
        0.176,
        0.06,
        "~210 workers; as tests/mechanisms.rs",
    ));
    let p = Params::default();
    let fyl = first_year_leaving(&p, s("workload"), o.sample);
    out.push(near_case(
        "first_year_leaving_29pct",
        "28.7 % of recruits leave in year 1",
        "[F14]",
        fyl,
        0.287,
        0.05,
        "from the hazard at the run's workload",
    ));
    for (name, metric, expected, source, target, tol) in [
        (
            "workforce_male_share",
            "male_share",
            "men about 20 %",
            "essay 二.(二)",
            0.20,
            0.07,
        ),
        (
            "workforce_local_share",
            "local_share",
            "locals under 30 % (start 28 %)",
            "essay 二.(二)",
            0.28,
            0.08,
        ),
        (
            "workforce_college_share",
            "college_share",
            "college degree 76 %",
            "essay 二.(二)",
            0.76,
            0.08,
        ),
        (
            "workforce_certified_share",
            "certified_share",
            "certified about 30 %",
            "essay 二.(二)",
            0.30,
            0.08,
        ),
    ] {
        out.push(near_case(
            name,
            expected,
            source,
            s(metric),
            target,
            tol,
            "composition drifts; as tests/mechanisms.rs",
        ));
    }
    // Mobilisation: one typhoon of severity 1 in month 8.
    let horizon = p.mobilisation.horizon_hours;
    let k = by_kind(typhoon, horizon);
    let (new, old, res) = (
        k[CompoundKind::NewEstate.index()],
        k[CompoundKind::OldCompound.index()],
        k[CompoundKind::Resettlement.index()],
    );
    out.push(CaseResult {
        group: Group::Pattern,
        name: "new_estates_slowest_to_warn",
        expected: "new estates take longest to warn 90 %".into(),
        source: "essay 二.(三)",
        simulated: format!(
            "t90 new {:.1} h, old {:.1} h, resettlement {:.1} h",
            new.t90, old.t90, res.t90
        ),
        tolerance: "new > 1.5 x old and > resettlement".into(),
        status: verdict(new.t90 > 1.5 * old.t90 && new.t90 > res.t90),
    });
    out.push(CaseResult {
        group: Group::Pattern,
        name: "old_compounds_slowest_to_help",
        expected: "old compounds help the vulnerable least and latest".into(),
        source: "essay 二.(三)",
        simulated: format!(
            "helped new {:.2}, old {:.2}, res. {:.2}; help t90 old {:.1} h, res. {:.1} h",
            new.helped, old.helped, res.helped, old.help_t90, res.help_t90
        ),
        tolerance: "old: lowest helped share, help t90 > resettlement".into(),
        status: verdict(
            old.helped < res.helped && old.helped < new.helped && old.help_t90 > res.help_t90,
        ),
    });
    out.push(paired_case(
        Group::Pattern,
        "unhelped_lose_trust",
        "trust falls in the month of the typhoon",
        "essay 二.(三)",
        &window(typhoon, "trust", 7, 7),
        &window(typhoon, "trust", 8, 8),
        Dir::Down,
        4,
        false,
    ));
    out
}

// ---------------------------------------------------------------------------------------
// 4. Reforms against the baseline
// ---------------------------------------------------------------------------------------

/// Which runs a reform case reads.
#[derive(Clone, Copy, PartialEq)]
enum Runs {
    /// The long runs (20 years, or `short_years` for workforce-only levers).
    Long,
    /// One typhoon of severity 1 in month 8 of a one-year run.
    Typhoon,
}

/// A per-replication indicator of a set of runs; the `&str` names the metric where it is
/// one.
type Indicator = fn(&[Replication], &str) -> Vec<f64>;

/// A reform case judged by its paired difference with the baseline.
struct Lever {
    name: &'static str,
    scenario: &'static str,
    /// The metric (or what a derived indicator measures).
    metric: &'static str,
    indicator: Indicator,
    runs: Runs,
    dir: Dir,
    decimals: usize,
    /// A documented finding: if the indicator does not move as the essay expects, the case
    /// is reported as a finding, not a failure.
    finding: bool,
    expected: &'static str,
    source: &'static str,
}

/// The reform cases, one per line pair: name, scenario, metric, indicator, runs,
/// direction, decimals, finding?; then what the essay expects and where it says so.
macro_rules! levers {
    ($( $name:literal, $scenario:literal, $metric:literal, $indicator:expr, $runs:ident, $dir:ident,
        $decimals:literal, $finding:literal, $expected:literal, $source:literal; )*) => {
        [ $( Lever {
            name: $name, scenario: $scenario, metric: $metric, indicator: $indicator,
            runs: Runs::$runs, dir: Dir::$dir, decimals: $decimals, finding: $finding,
            expected: $expected, source: $source,
        }, )* ]
    };
}

/// Per replication: the sum of a metric over the whole run.
fn whole_run(reps: &[Replication], metric: &str) -> Vec<f64> {
    total(reps, metric, 1, months(reps))
}

/// Per replication: mean t90_hours over the event rows (never warned = the horizon).
fn t90(reps: &[Replication], _metric: &str) -> Vec<f64> {
    t90_per_rep(reps, Params::default().mobilisation.horizon_hours)
}

/// Per replication: share of the vulnerable needing help who were helped in time.
fn helped(reps: &[Replication], _metric: &str) -> Vec<f64> {
    helped_per_rep(reps)
}

#[rustfmt::skip]
const LEVERS: [Lever; 31] = levers! {
    "pay_floor_lowers_turnover", "pay_floor.toml", "worker_turnover_annual", settled, Long, Down, 3, false,
        "pay floors: fewer workers quit", "essay 三.(三).4";
    "certificate_allowance_raises_certified", "certificate_allowance.toml", "certified_share", last_year, Long, Up, 3, false,
        "allowance: more certified workers", "essay 三.(三).4";
    "workers_per_250_lowers_workload", "workers_per_250.toml", "workload", settled, Long, Down, 3, false,
        "1 worker per 250 households: lighter load", "essay 三.(三).4";
    "localisation_raises_local_share", "localisation.toml", "local_share", last_year, Long, Up, 3, false,
        "more local workers", "essay 三.(三).4";
    "career_path_fewer_quits", "career_path.toml", "quits per worker a year", quits_per_worker, Long, Down, 3, false,
        "the post is more attractive: fewer quit", "essay 三.(三).4";
    "career_path_lowers_turnover", "career_path.toml", "worker_turnover_annual", settled, Long, Down, 3, true,
        "fewer leave, all causes", "essay 三.(三).4; ODD §1.6.5";
    "career_path_keeps_talent", "career_path.toml", "worker_exam_exits", settled, Long, Down, 3, true,
        "fewer of the best leave (吸引力)", "essay 三.(三).4; ODD §1.6.5";
    "work_admission_cuts_admin_load", "work_admission.toml", "admin_load_share", settled, Long, Down, 3, false,
        "admission system: less pushed-down work", "essay 三.(一).2";
    "info_platform_cuts_admin_load", "info_platform.toml", "admin_load_share", settled, Long, Down, 3, false,
        "platform: no duplicated data entry", "essay 三.(四).3, 二.(一)";
    "owners_committees_vote_price_rises", "owners_committee_coverage.toml", "price_rises", whole_run, Long, Up, 1, true,
        "committees agree fees with firms", "essay 三.(三).3; finding";
    "owners_committees_keep_firms", "owners_committee_coverage.toml", "managed_share", last_year, Long, Up, 3, true,
        "committees keep compounds managed", "essay 三.(三).3; finding";
    "three_in_one_raises_mediation", "three_in_one.toml", "mediation_coverage", settled, Long, Up, 3, false,
        "linkage: disputes mediated", "essay 三.(三).3";
    "three_in_one_raises_satisfaction", "three_in_one.toml", "owner_satisfaction", settled, Long, Up, 3, false,
        "linkage: owners more satisfied", "essay 三.(三).3";
    "star_rating_raises_quality", "star_rating.toml", "service_quality", last_year, Long, Up, 3, false,
        "rating: better firms, better service", "essay 三.(三).3";
    "purchased_services_raise_managed_share", "purchased_services.toml", "managed_share", last_year, Long, Up, 3, false,
        "purchase: firms stay in compounds", "essay 三.(三).3";
    "quasi_property_raises_basic_service", "quasi_property.toml", "service_quality", last_year, Long, Up, 3, false,
        "compounds without a firm still served", "essay 三.(三).3";
    "volunteers_10pct_raises_volunteers", "volunteers_10pct.toml", "volunteer_share", last_year, Long, Up, 3, false,
        "recruitment drive: more volunteers", "essay 三.(二).3";
    "split_oversized_lowers_span", "split_oversized.toml", "households_per_worker", settled, Long, Down, 1, false,
        "communities of ~2,500: smaller span", "essay 三.(三).1";
    "reform_grid_moves_fees", "reform_grid.toml", "fee_collection_rate", last_year, Long, Up, 3, true,
        "trust from mobilisation feeds payment", "model brief §4; ODD §1.6.5";
    "reform_workforce_lowers_turnover", "reform_workforce.toml", "worker_turnover_annual", settled, Long, Down, 3, false,
        "the workforce package retains workers", "essay 三.(三).4";
    "reform_workforce_raises_collection", "reform_workforce.toml", "fee_collection_rate", settled, Long, Up, 3, false,
        "via mediation, owners pay more", "essay 三.(三).3-4";
    "professional_firms_raise_collection", "professional_firms.toml", "fee_collection_rate", last_year, Long, Up, 3, false,
        "stronger firms, cost-indexed fees", "essay 二.(四), 三.(三).3";
    "reform_package_raises_collection", "reform_package.toml", "fee_collection_rate", last_year, Long, Up, 3, false,
        "the full package (定责还权减负增能)", "essay 三";
    "grid_250_speeds_warning", "grid_250.toml", "t90_hours", t90, Typhoon, Down, 2, false,
        "grids of 250 with leaders: faster warning", "essay 三.(二).2";
    "drills_command_speeds_warning", "drills_command.toml", "t90_hours", t90, Typhoon, Down, 2, false,
        "drills and unified command: faster warning", "essay 三.(二).4";
    "info_platform_speeds_warning", "info_platform.toml", "t90_hours", t90, Typhoon, Down, 2, false,
        "WeChat/SMS groups: faster warning", "essay 三.(四).3";
    "reform_grid_speeds_warning", "reform_grid.toml", "t90_hours", t90, Typhoon, Down, 2, false,
        "the mobilisation package: faster warning", "essay 三.(二).2-4";
    "grid_250_helps_vulnerable", "grid_250.toml", "vulnerable_helped_share", helped, Typhoon, Up, 3, false,
        "grid registration (包片联户): more helped in time", "essay 三.(二).2";
    "volunteers_10pct_help_vulnerable", "volunteers_10pct.toml", "vulnerable_helped_share", helped, Typhoon, Up, 3, false,
        "more volunteers: more helped in time", "essay 三.(二).3";
    "party_members_help_vulnerable", "party_members_home.toml", "vulnerable_helped_share", helped, Typhoon, Up, 3, false,
        "party members at home: more helped in time", "essay 三.(四).1";
    "reform_package_helps_vulnerable", "reform_package.toml", "vulnerable_helped_share", helped, Typhoon, Up, 3, false,
        "the full package: more helped in time", "essay 三";
};

/// Targets the essay sets, reached or not (a finding when not): name, scenario, metric
/// (last-year mean), goal, what, source.
#[rustfmt::skip]
const TARGETS: [(&str, &str, &str, f64, &str, &str); 3] = [
    ("certificate_allowance_reaches_35pct", "certificate_allowance.toml", "certified_share", 0.35,
        "35 % certified", "essay 三.(三).4"),
    ("volunteers_10pct_holds_target", "volunteers_10pct.toml", "volunteer_share", 0.10,
        "volunteers >= 10 %", "essay 三.(二).3; ODD §1.6.5"),
    ("reform_package_reaches_90pct_coverage", "reform_package.toml", "managed_share", 0.90,
        "property coverage >= 90 %", "essay 三.(三).3"),
];

fn reforms(
    runs: &HashMap<&'static str, Vec<Replication>>,
    events: &HashMap<&'static str, Vec<Replication>>,
) -> Vec<CaseResult> {
    let base = &runs["baseline.toml"];
    let mut out = Vec::new();
    for l in &LEVERS {
        let (b, s) = match l.runs {
            // A shorter run is compared with the same months of the baseline.
            Runs::Long => (
                truncated(base, months(&runs[l.scenario])),
                &runs[l.scenario],
            ),
            Runs::Typhoon => (events["baseline.toml"].clone(), &events[l.scenario]),
        };
        out.push(paired_case(
            Group::Reform,
            l.name,
            &format!("{} ({})", l.expected, l.metric),
            l.source,
            &(l.indicator)(&b, l.metric),
            &(l.indicator)(s, l.metric),
            l.dir,
            l.decimals,
            l.finding,
        ));
    }
    for (name, scenario, metric, goal, what, source) in TARGETS {
        let v = mean(&last_year(&runs[scenario], metric));
        out.push(CaseResult {
            group: Group::Reform,
            name,
            expected: format!("{what}: {metric} >= {goal} ({scenario})"),
            source,
            simulated: format!("{v:.3} in the last year"),
            tolerance: "none (a target)".into(),
            status: if v >= goal {
                Status::Pass
            } else {
                Status::Finding
            },
        });
    }
    // The spiral under the essay's workforce package: delayed, or stopped?
    let rw = &runs["reform_workforce.toml"];
    out.push(paired_case(
        Group::Reform,
        "reform_workforce_stops_spiral",
        "collection no longer falls, year 1 -> last year",
        "essay 三.(三).3-4; ODD §1.6.5",
        &first_year(rw, "fee_collection_rate"),
        &last_year(rw, "fee_collection_rate"),
        Dir::Up,
        3,
        true,
    ));
    // The budget-matched alternative costs what the workforce package costs.
    let cost = |s: &str| mean(&window(&runs[s], "public_cost", 1, months(base)));
    let (a, b) = (
        cost("reform_workforce.toml"),
        cost("budget_matched_property.toml"),
    );
    out.push(CaseResult {
        group: Group::Reform,
        name: "budget_matched_costs_equal",
        expected: "budget_matched_property costs as reform_workforce".into(),
        source: "scenario headers",
        simulated: format!(
            "mean public_cost {} vs {} RMB/month ({:+.1} %)",
            num(b, 0),
            num(a, 0),
            (b / a - 1.0) * 100.0
        ),
        tolerance: "+-10 %".into(),
        status: verdict((b / a - 1.0).abs() <= 0.10),
    });
    out
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

/// Display width of a cell: CJK characters take two columns.
fn width(s: &str) -> usize {
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

/// The results as an aligned text table, one case per line, with a count at the end.
pub fn table(results: &[CaseResult]) -> String {
    let header = [
        "case",
        "expected",
        "source",
        "simulated",
        "tolerance",
        "result",
    ];
    let rows: Vec<[String; 6]> = results
        .iter()
        .map(|r| {
            [
                r.name.to_string(),
                r.expected.clone(),
                r.source.to_string(),
                r.simulated.clone(),
                r.tolerance.clone(),
                r.status.name().to_string(),
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
            let _ = writeln!(s, "-- {} --", r.group.name());
        }
        s.push_str(&line(cells));
    }
    let count = |st: Status| results.iter().filter(|r| r.status == st).count();
    let _ = writeln!(
        s,
        "{} cases: {} pass, {} fail, {} finding (the model answers otherwise than the essay expects; not failures)",
        results.len(),
        count(Status::Pass),
        count(Status::Fail),
        count(Status::Finding)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_cases_pass_with_a_small_sample() {
        let o = Options {
            sample: 5_000,
            ..Options::quick(1)
        };
        for c in textbook(&o) {
            assert_eq!(c.status, Status::Pass, "{c:?}");
        }
    }

    #[test]
    fn paired_direction_needs_the_interval_on_one_side() {
        let up = paired_diff(&[1.0, 2.0, 3.0], &[1.5, 2.6, 3.4]);
        assert!(moves(&up, Dir::Up) && !moves(&up, Dir::Down));
        let noise = paired_diff(&[1.0, 2.0, 3.0], &[1.5, 1.6, 3.1]);
        assert!(!moves(&noise, Dir::Up) && !moves(&noise, Dir::Down));
    }

    #[test]
    fn table_aligns_chinese_and_counts() {
        let r = CaseResult {
            group: Group::Reform,
            name: "x",
            expected: "定责".into(),
            source: "essay 三.(三).4",
            simulated: "1".into(),
            tolerance: "t".into(),
            status: Status::Finding,
        };
        let t = table(&[
            r.clone(),
            CaseResult {
                status: Status::Pass,
                ..r
            },
        ]);
        assert!(t.contains("-- reform --"));
        assert!(t.contains("2 cases: 1 pass, 0 fail, 1 finding"), "{t}");
        assert_eq!(width("三.(三)"), 7);
    }
}
