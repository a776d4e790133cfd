//! The windows of a run that statistics are taken over, defined once: `summary.csv`,
//! `comparison.csv`, `sweep.csv` and `shequ validate` all read a metric through [`value`] /
//! [`per_rep`] and summarise it across replications with [`summary`].
//!
//! A window is a range of months. Its value for one replication is the metric's monthly
//! mean over those months, except for the windows that [`Window::sums`]: there a flow
//! ([`Year::Sum`], e.g. `firm_exits`) is totalled and a level averaged, as a year of the
//! metric aggregates.

use std::borrow::Cow;

use crate::experiment::stats::{Summary, summarize};
use crate::experiment::{Replication, Row};
use crate::model::metrics::{M, METRICS, N_METRICS, Year};

/// Which part of a run a value summarises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The value of the last simulated month.
    FinalMonth,
    /// The monthly mean over the last 12 months (or over all months of a shorter run).
    LastYear,
    /// The monthly mean over months 1-12.
    FirstYear,
    /// The monthly mean over year 2 to the end: the settled state (the workforce settles
    /// within a year).
    Settled,
    /// The whole run: flows totalled, levels averaged (by [`Year`]).
    WholeRun,
    /// Months `from..=to` (1-based; `to` is cut to the run): flows totalled, levels averaged.
    Months(usize, usize),
    /// Year `N` of the run (1-based, months `12N-11..=12N`): the monthly mean, like
    /// [`Window::LastYear`] and [`Window::FirstYear`] (`year:1` is `first_year`).
    Year(usize),
}

impl Window {
    /// The windows of `summary.csv` and `comparison.csv`, in output order.
    pub const ALL: [Window; 3] = [Window::FinalMonth, Window::LastYear, Window::WholeRun];

    /// The windows that have a name (every one but [`Window::Months`]).
    pub const NAMED: [Window; 5] = [
        Window::FinalMonth,
        Window::LastYear,
        Window::FirstYear,
        Window::Settled,
        Window::WholeRun,
    ];

    /// The name used in CSV and scenario files (`final_month`, `last_year`, ...,
    /// `months:FROM-TO`, `year:N`); [`Window::parse`] reads it back.
    pub fn name(self) -> Cow<'static, str> {
        match self {
            Window::FinalMonth => "final_month".into(),
            Window::LastYear => "last_year".into(),
            Window::FirstYear => "first_year".into(),
            Window::Settled => "settled".into(),
            Window::WholeRun => "whole_run".into(),
            Window::Months(a, b) => format!("months:{a}-{b}").into(),
            Window::Year(n) => format!("year:{n}").into(),
        }
    }

    /// The window named `name` (one of [`Window::NAMED`]).
    pub fn from_name(name: &str) -> Option<Window> {
        Window::NAMED.into_iter().find(|w| w.name() == name)
    }

    /// What `--window` accepts, for error messages.
    pub const ALLOWED: &'static str = "final_month, last_year, first_year, settled, whole_run, months:FROM-TO (1 <= FROM <= TO) or year:N (N >= 1)";

    /// A window as given on the command line: a name of [`Window::NAMED`],
    /// `months:FROM-TO` (1 <= FROM <= TO) or `year:N` (N >= 1). `None` for anything else.
    pub fn parse(text: &str) -> Option<Window> {
        let text = text.trim();
        if let Some(w) = Window::from_name(text) {
            return Some(w);
        }
        if let Some(range) = text.strip_prefix("months:") {
            let (a, b) = range.split_once('-')?;
            let (a, b) = (
                a.trim().parse::<usize>().ok()?,
                b.trim().parse::<usize>().ok()?,
            );
            return (a >= 1 && a <= b).then_some(Window::Months(a, b));
        }
        let n = text.strip_prefix("year:")?.trim().parse::<usize>().ok()?;
        (n >= 1).then_some(Window::Year(n))
    }

    /// Why the window cannot be taken over a run of `years` years (`year:N` beyond its last
    /// year, months beyond its last month), or `None` when it can.
    pub fn beyond(self, years: u32) -> Option<String> {
        let years = years as usize;
        match self {
            Window::Year(n) if n > years => Some(format!(
                "year:{n} is beyond the run's {years} year(s); allowed: year:1 to year:{years}"
            )),
            Window::Months(a, _) if a > years * 12 => Some(format!(
                "months:{a}-… starts beyond the run's {} months",
                years * 12
            )),
            _ => None,
        }
    }

    /// The window in words, after a value: "in the last year".
    pub fn phrase(self) -> String {
        match self {
            Window::FinalMonth => "in the final month".into(),
            Window::LastYear => "in the last year".into(),
            Window::FirstYear => "in the first year".into(),
            Window::Settled => "from year 2 on".into(),
            Window::WholeRun => "over the whole run".into(),
            Window::Months(a, b) => format!("in months {a}-{b}"),
            Window::Year(n) => format!("in year {n}"),
        }
    }

    /// [`Window::phrase`] in Chinese.
    pub fn phrase_zh(self) -> String {
        match self {
            Window::FinalMonth => "最后一个月".into(),
            Window::LastYear => "最后一年".into(),
            Window::FirstYear => "第一年".into(),
            Window::Settled => "第 2 年起".into(),
            Window::WholeRun => "全程".into(),
            Window::Months(a, b) => format!("第 {a}-{b} 个月"),
            Window::Year(n) => format!("第 {n} 年"),
        }
    }

    /// Whether a flow is totalled over the window (otherwise every metric is averaged).
    pub fn sums(self) -> bool {
        matches!(self, Window::WholeRun | Window::Months(..))
    }

    /// The months of the window in a run of `months` months, as row indices.
    pub fn range(self, months: usize) -> std::ops::Range<usize> {
        match self {
            Window::FinalMonth => months.saturating_sub(1)..months,
            Window::LastYear => months - months.min(12)..months,
            Window::FirstYear => 0..months.min(12),
            Window::Settled => months.min(12)..months,
            Window::WholeRun => 0..months,
            Window::Months(from, to) => (from - 1).min(months)..to.min(months),
            Window::Year(n) => (12 * (n - 1)).min(months)..(12 * n).min(months),
        }
    }
}

/// The value of metric `m` over window `w` of one replication's monthly rows. A mean over
/// no month is NaN.
pub fn value(rows: &[Row], m: M, w: Window) -> f64 {
    let i = m.index();
    let months = rows.len();
    if w == Window::FinalMonth {
        return rows[months - 1][i];
    }
    let rows = &rows[w.range(months)];
    let total = rows.iter().map(|row| row[i]).sum::<f64>();
    if w.sums() && m.meta().year == Year::Sum {
        total
    } else {
        total / rows.len() as f64
    }
}

/// The value of metric `m` over window `w` in each replication, in replication order.
pub fn per_rep(reps: &[Replication], m: M, w: Window) -> Vec<f64> {
    reps.iter().map(|r| value(&r.months, m, w)).collect()
}

/// Mean, sd and 95 % interval across replications of metric `m` over window `w`.
pub fn summary(reps: &[Replication], m: M, w: Window) -> Summary {
    summarize(&per_rep(reps, m, w))
}

/// Per metric (in output order), then per window of [`Window::ALL`]: the summary across
/// replications. The statistics of `summary.csv`.
pub fn summaries(reps: &[Replication]) -> Vec<(M, Window, Summary)> {
    METRICS
        .iter()
        .flat_map(|m| Window::ALL.map(|w| (m.id, w, summary(reps, m.id, w))))
        .collect()
}

/// The end state of one replication: every metric's last-year mean (NaN with no month).
pub fn end_state(rows: &[Row]) -> [f64; N_METRICS] {
    std::array::from_fn(|i| value(rows, METRICS[i].id, Window::LastYear))
}

/// The replications cut to their first `months` months. The first months of a longer run
/// are those of a shorter one: nothing in a month depends on later months, and the seasonal
/// calendar is drawn year by year.
pub fn truncated(reps: &[Replication], months: usize) -> Vec<Replication> {
    reps.iter()
        .map(|r| Replication {
            months: r.months[..months.min(r.months.len())].to_vec(),
            households: r.households,
            events: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<Row> {
        (1..=n).map(|k| [k as f64; N_METRICS]).collect()
    }

    #[test]
    fn windows_pick_their_months() {
        let r = rows(30);
        let level = M::FeeCollectionRate;
        let flow = M::FirmExits;
        // A flow's last year is a mean like a level's; over the whole run a flow is totalled.
        let cases = [
            (level, Window::FinalMonth, 30.0),
            (level, Window::LastYear, 24.5),
            (flow, Window::LastYear, 24.5),
            (level, Window::FirstYear, 6.5),
            (level, Window::Settled, 21.5),
            (level, Window::WholeRun, 15.5),
            (flow, Window::WholeRun, 465.0),
            (flow, Window::Months(2, 3), 5.0),
            (level, Window::Months(7, 7), 7.0),
        ];
        for (m, w, expected) in cases {
            assert_eq!(value(&r, m, w), expected, "{m:?} {w:?}");
        }
        // A short run: the last year is all of it, and nothing is settled.
        let s = rows(6);
        assert_eq!(value(&s, level, Window::LastYear), 3.5);
        assert!(value(&s, level, Window::Settled).is_nan());
        for w in Window::NAMED {
            assert_eq!(Window::from_name(&w.name()), Some(w));
        }
    }

    #[test]
    fn year_n_is_the_mean_over_that_year_and_parses_back() {
        let r = rows(30);
        // Year 2: months 13-24, mean 18.5, a flow averaged too (a year's monthly mean).
        assert_eq!(value(&r, M::FeeCollectionRate, Window::Year(2)), 18.5);
        assert_eq!(value(&r, M::FirmExits, Window::Year(2)), 18.5);
        assert_eq!(
            value(&r, M::Trust, Window::Year(1)),
            value(&r, M::Trust, Window::FirstYear)
        );
        // A year cut short by the run's end: the months there are.
        assert_eq!(value(&r, M::Trust, Window::Year(3)), 27.5);
        for text in ["year:7", "months:13-24", "whole_run", "last_year"] {
            let w = Window::parse(text).unwrap();
            assert_eq!(w.name(), text);
        }
        for bad in [
            "year:0",
            "year:",
            "year:x",
            "months:5-2",
            "months:0-3",
            "lastyear",
        ] {
            assert_eq!(Window::parse(bad), None, "{bad}");
        }
        assert!(Window::Year(21).beyond(20).is_some());
        assert!(Window::Year(20).beyond(20).is_none());
        assert!(Window::LastYear.beyond(1).is_none());
    }
}
