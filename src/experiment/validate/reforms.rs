//! Reform cases, declared by the scenario files: a file's `[lever]` table says what the
//! lever is and its `[expect]` table what validation checks, one case per entry.
//! `io::scenario` parses them into [`LeverFile`]s (refusing unknown keys, metrics and
//! windows with file, line and what is allowed); this module only judges. A new lever and
//! its case therefore touch the parameters, the mechanism and the scenario file, and
//! nothing here. `shequ validate` finds them by scanning the library for `[expect]`.
//!
//! ```toml
//! [lever]
//! section = "三.(三).4"                        # essay section; the default source
//! cost = ["workforce_cost", "public_cost"]    # metrics its cost shows in
//! runs = "short"                              # "long" (default) or "short": settles within
//!                                             # a few years, `--quick` runs fewer years
//!
//! [expect.pay_floor_lowers_turnover]          # the case name
//! metric = "worker_turnover_annual"           # a metric of the registry ...
//! window = "settled"                          # ... over a window (windows.rs: final_month,
//!                                             # last_year, first_year, settled, whole_run)
//! # indicator = "t90_hours"                   # ... or a derived indicator instead:
//!                                             # quits_per_worker, t90_hours,
//!                                             # vulnerable_helped_share (typhoon run)
//! dir = "down"                                # the test, exactly one of:
//!                                             #   dir = "up"|"down"  paired with the baseline
//!                                             #     (against = "first_year": with that
//!                                             #     window of its own runs instead)
//!                                             #   at_least = 0.35    a target
//!                                             #   within = 0.10, of = "other.toml"
//!                                             #   recovery_after = 73, slower_than = 60
//!                                             #     (a metric, no window: hysteresis if
//!                                             #     the gap to the baseline takes longer
//!                                             #     than 60 months after month 73 to
//!                                             #     close to a tenth)
//! finding = false                             # a miss is a documented finding (ODD §1.6.5)
//! decimals = 3                                # shown (default 3)
//! expected = "pay floors: fewer workers quit" # what the essay expects
//! expected_zh = "工资底线：离职的社区工作者减少" # the same in Chinese (`--lang zh`;
//!                                             # default: the English)
//! source = "essay 三.(三).4"                   # default: essay <section>
//! ```
//!
//! Neither table is inherited through `extends` or written to a run's `scenario.toml`; they
//! do not change a run.

use std::collections::HashMap;

use super::{BASELINE, Case, Dir, Group, Shown, Text, Tolerance, Verdict, mean, num, paired_case};
use crate::experiment::Replication;
use crate::experiment::windows::{Window, per_rep, truncated};
use crate::model::metrics::M;
use crate::model::params::Params;

use super::patterns::{helped_per_rep, quits_per_worker, t90_per_rep};

/// How long a lever file's long runs are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunLength {
    /// `validate`'s long runs (20 years).
    #[default]
    Long,
    /// Its indicators settle within a few years: `validate --quick` runs
    /// [`super::Options::short_years`], compared with the same months of the baseline.
    Short,
}

impl RunLength {
    pub const ALL: [RunLength; 2] = [RunLength::Long, RunLength::Short];

    pub fn name(self) -> &'static str {
        match self {
            RunLength::Long => "long",
            RunLength::Short => "short",
        }
    }
}

/// The `[lever]` table of a scenario file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lever {
    /// The essay section the lever implements (e.g. `三.(三).4`). An expectation without a
    /// `source` cites `essay <section>`.
    pub section: Option<String>,
    /// The metrics its cost shows in.
    pub cost: Vec<M>,
    pub runs: RunLength,
}

/// What an expectation reads, per replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Indicator {
    /// A metric over a window of the long runs.
    Metric(M, Window),
    /// Quits (separations other than exam exits) per worker a year, from year 2 on.
    QuitsPerWorker,
    /// Hours to warn 90 % of households in the typhoon run (never warned: the horizon).
    T90Hours,
    /// Share of the vulnerable needing help who were helped in time, in the typhoon run.
    HelpedShare,
}

impl Indicator {
    /// The indicators that are not a metric of the registry, by the name a scenario file
    /// gives them (`indicator = "..."`).
    pub const DERIVED: [(&'static str, Indicator); 3] = [
        ("quits_per_worker", Indicator::QuitsPerWorker),
        ("t90_hours", Indicator::T90Hours),
        ("vulnerable_helped_share", Indicator::HelpedShare),
    ];

    /// The derived indicator named `name`.
    pub fn derived(name: &str) -> Option<Indicator> {
        Self::DERIVED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, i)| *i)
    }

    /// Whether it is read from the typhoon runs.
    pub fn is_event(self) -> bool {
        matches!(self, Indicator::T90Hours | Indicator::HelpedShare)
    }

    /// What the table calls it.
    pub fn label(self) -> &'static str {
        match self {
            Indicator::Metric(m, _) => m.name(),
            Indicator::QuitsPerWorker => "quits per worker a year",
            Indicator::T90Hours => "t90_hours",
            Indicator::HelpedShare => "vulnerable_helped_share",
        }
    }

    /// [`Indicator::label`] in Chinese: the metric's Chinese term.
    pub fn label_zh(self) -> &'static str {
        match self {
            Indicator::Metric(m, _) => m.meta().zh,
            Indicator::QuitsPerWorker => "每名社区工作者每年主动离职数",
            Indicator::T90Hours => "预警 90 % 住户的用时",
            Indicator::HelpedShare => "困难群体及时获帮扶比例",
        }
    }

    /// Its value in each replication; `horizon`: the warning horizon of the status quo.
    pub fn values(self, reps: &[Replication], horizon: f64) -> Vec<f64> {
        match self {
            Indicator::Metric(m, w) => per_rep(reps, m, w),
            Indicator::QuitsPerWorker => quits_per_worker(reps),
            Indicator::T90Hours => t90_per_rep(reps, horizon),
            Indicator::HelpedShare => helped_per_rep(reps),
        }
    }
}

/// How an expectation is judged.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// The paired difference with the baseline (`against: None`; the same window of the
    /// baseline's runs) or with another window of the file's own runs goes `dir`.
    Paired { dir: Dir, against: Option<Window> },
    /// The mean over replications reaches a target.
    AtLeast(f64),
    /// The mean over replications is within a relative `rel` of that of scenario file `of`.
    Within { rel: f64, of: String },
    /// Hysteresis: after the policy is restored in month `after`, the metric's gap to the
    /// baseline (same replication, same seed) takes longer than `slower_than` months to
    /// close to a tenth of its size at restoration ([`recovery_months`]). Pass = hysteresis.
    Recovery { after: u32, slower_than: u32 },
}

/// Share of the gap at restoration that counts as closed: the gap is closed when it is at
/// most this share of what it was.
pub const RECOVERED_GAP: f64 = 0.1;

/// Months after month `after` (the month a policy is restored, 1-based) until the gap
/// `base - own` of metric `m`, averaged over the 12 months from that month on, is at most
/// [`RECOVERED_GAP`] of the gap averaged over the 12 months before `after`; per replication
/// (paired by index). `None`: not within the run. A gap that never opened recovers in 0.
pub fn recovery_months(
    base: &[Replication],
    own: &[Replication],
    m: M,
    after: u32,
) -> Vec<Option<u32>> {
    let i = m.index();
    base.iter()
        .zip(own)
        .map(|(b, o)| {
            let gap: Vec<f64> = b
                .months
                .iter()
                .zip(&o.months)
                .map(|(x, y)| x[i] - y[i])
                .collect();
            let start = (after as usize).saturating_sub(1).min(gap.len());
            let mean = |r: std::ops::Range<usize>| {
                gap[r.clone()].iter().sum::<f64>() / r.len().max(1) as f64
            };
            let before = mean(start.saturating_sub(12)..start).abs();
            if before < 1e-12 {
                return Some(0);
            }
            (start..gap.len().saturating_sub(11))
                .find(|&t| mean(t..t + 12).abs() <= RECOVERED_GAP * before)
                .map(|t| (t - start) as u32)
        })
        .collect()
}

/// One entry of a file's `[expect]` table: one reform case.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// The case name (the entry's key).
    pub case: String,
    pub indicator: Indicator,
    pub test: Test,
    /// A documented finding (docs/ODD.md §1.6.5): a miss is reported, not a failure.
    pub finding: bool,
    /// Decimals shown.
    pub decimals: usize,
    /// What the essay expects, in words.
    pub expected: String,
    /// The same in Chinese (`expected_zh` in the scenario file).
    pub expected_zh: String,
    /// Where it says so.
    pub source: String,
}

impl Expectation {
    /// The other scenario file it reads, if any.
    pub fn of(&self) -> Option<&String> {
        match &self.test {
            Test::Within { of, .. } => Some(of),
            _ => None,
        }
    }
}

/// A scenario file with an `[expect]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct LeverFile {
    /// Its file name in the library (`pay_floor.toml`).
    pub file: String,
    pub lever: Lever,
    pub expect: Vec<Expectation>,
}

/// Every reform case of `files`, in their order. `runs` and `events` hold the long and the
/// typhoon runs by file name (the baseline's included); `status_quo` is the baseline.
pub fn cases(
    files: &[LeverFile],
    status_quo: &Params,
    runs: &HashMap<String, Vec<Replication>>,
    events: &HashMap<String, Vec<Replication>>,
) -> Vec<Case> {
    let horizon = status_quo.mobilisation.horizon_hours;
    let mut out = Vec::new();
    for f in files {
        for e in &f.expect {
            let (own, base) = if e.indicator.is_event() {
                (&events[&f.file], events[BASELINE].clone())
            } else {
                // A shorter run is compared with the same months of the baseline.
                let own = &runs[&f.file];
                (own, truncated(&runs[BASELINE], own[0].months.len()))
            };
            let values = e.indicator.values(own, horizon);
            let label = e.indicator.label();
            let label_zh = e.indicator.label_zh();
            // A metric's window, said after its label.
            let phrase = match e.indicator {
                Indicator::Metric(_, w) => {
                    Text::new(format!(" {}", w.phrase()), format!(" {}", w.phrase_zh()))
                }
                _ => Text::default(),
            };
            out.push(match &e.test {
                Test::Paired { dir, against } => {
                    let b = match (against, e.indicator) {
                        (Some(w), Indicator::Metric(m, _)) => per_rep(own, m, *w),
                        _ => e.indicator.values(&base, horizon),
                    };
                    paired_case(
                        Group::Reform,
                        &e.case,
                        Text::new(
                            format!("{} ({label})", e.expected),
                            format!("{}（{label_zh}）", e.expected_zh),
                        ),
                        &e.source,
                        &b,
                        &values,
                        *dir,
                        e.decimals,
                        e.finding,
                    )
                }
                Test::AtLeast(goal) => {
                    let v = mean(&values);
                    Case {
                        group: Group::Reform,
                        name: e.case.clone(),
                        expected: Text::new(
                            format!("{}: {label} >= {goal} ({})", e.expected, f.file),
                            format!("{}：{label_zh} >= {goal}（{}）", e.expected_zh, f.file),
                        ),
                        expected_value: Some(*goal),
                        simulated: v,
                        shown: Shown::Value {
                            decimals: e.decimals,
                            suffix: phrase,
                        },
                        tolerance: Tolerance::Target,
                        verdict: Verdict::or_finding(v >= *goal, e.finding),
                        source: e.source.clone(),
                    }
                }
                Test::Recovery { after, slower_than } => {
                    let Indicator::Metric(m, _) = e.indicator else {
                        unreachable!("a recovery case reads a metric (checked when parsed)")
                    };
                    let months = recovery_months(&base, own, m, *after);
                    let recovered: Vec<u32> = months.iter().flatten().copied().collect();
                    let mut sorted = recovered.clone();
                    sorted.sort_unstable();
                    // The median over replications, a replication that never recovered
                    // counting as slower than any that did.
                    let median = if 2 * sorted.len() > months.len() {
                        Some(sorted[months.len() / 2])
                    } else {
                        None
                    };
                    let hysteresis = median.is_none_or(|x| x > *slower_than);
                    let within_run = (own[0].months.len() as u32 + 1).saturating_sub(*after);
                    Case {
                        group: Group::Reform,
                        name: e.case.clone(),
                        expected: Text::new(
                            format!(
                                "{}: {label}'s gap to the baseline takes more than {slower_than} months after month {after} to close to {} % ({})",
                                e.expected,
                                RECOVERED_GAP * 100.0,
                                f.file
                            ),
                            format!(
                                "{}：第 {after} 个月后，{label_zh}与基准情景的差距需要超过 {slower_than} 个月才能缩小到 {} %（{}）",
                                e.expected_zh,
                                RECOVERED_GAP * 100.0,
                                f.file
                            ),
                        ),
                        expected_value: Some(f64::from(*slower_than)),
                        simulated: median.map_or(f64::NAN, f64::from),
                        shown: Shown::Text(Text::new(
                            format!(
                                "recovered in {} of {} replications within {within_run} months; median {}",
                                recovered.len(),
                                months.len(),
                                median.map_or("never".to_string(), |x| format!("{x} months"))
                            ),
                            format!(
                                "{} 次重复中有 {} 次在 {within_run} 个月内恢复；{}",
                                months.len(),
                                recovered.len(),
                                median.map_or("中位数：从未恢复".to_string(), |x| format!("中位数 {x} 个月"))
                            ),
                        )),
                        tolerance: Tolerance::Target,
                        verdict: Verdict::or_finding(hysteresis, e.finding),
                        source: e.source.clone(),
                    }
                }
                Test::Within { rel, of } => {
                    let (b, a) = (mean(&values), mean(&e.indicator.values(&runs[of], horizon)));
                    let gap = b / a - 1.0;
                    let (b, a) = (num(b, e.decimals), num(a, e.decimals));
                    Case {
                        group: Group::Reform,
                        name: e.case.clone(),
                        expected: Text::new(e.expected.clone(), e.expected_zh.clone()),
                        expected_value: Some(0.0),
                        simulated: gap,
                        shown: Shown::Text(Text::new(
                            format!("{label}{} {b} vs {a} ({:+.1} %)", phrase.en, gap * 100.0),
                            format!("{label_zh}{} {b} 对 {a}（{:+.1} %）", phrase.zh, gap * 100.0),
                        )),
                        tolerance: Tolerance::Rel(*rel),
                        verdict: Verdict::or_finding(gap.abs() <= *rel, e.finding),
                        source: e.source.clone(),
                    }
                }
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Row;
    use crate::model::metrics::N_METRICS;

    /// A replication whose managed share follows `path` month by month.
    fn rep(path: &[f64]) -> Replication {
        let months = path
            .iter()
            .map(|&x| {
                let mut row: Row = [0.0; N_METRICS];
                row[M::ManagedShare.index()] = x;
                row
            })
            .collect();
        Replication {
            months,
            households: 1,
            events: Vec::new(),
        }
    }

    #[test]
    fn recovery_counts_months_until_the_gap_closes_to_a_tenth() {
        let base = rep(&[0.8; 120]);
        // Lapse from month 13 to 48 (gap 0.5), restored at month 49; closes linearly over
        // 24 months from month 49 on.
        let mut path = vec![0.8; 12];
        path.extend([0.3; 36]);
        path.extend((0..72).map(|t| (0.3 + 0.5 * f64::from(t) / 24.0).min(0.8)));
        let own = rep(&path);
        let r = recovery_months(std::slice::from_ref(&base), &[own], M::ManagedShare, 49);
        // The 12-month mean gap starting at t is at most 0.05 first when the window sits
        // mostly past the closing; it must be found, after month 49 and before 24 + 12.
        let m = r[0].expect("recovers");
        assert!((12..=24).contains(&m), "{m}");
        // Never closes: None. No gap at all: 0.
        let stuck = rep(&[[0.8; 12].as_slice(), &[0.3; 108]].concat());
        assert_eq!(
            recovery_months(std::slice::from_ref(&base), &[stuck], M::ManagedShare, 49),
            vec![None]
        );
        assert_eq!(
            recovery_months(
                std::slice::from_ref(&base),
                std::slice::from_ref(&base),
                M::ManagedShare,
                49
            ),
            vec![Some(0)]
        );
    }
}
