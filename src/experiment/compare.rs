//! Paired comparison of scenarios under common random numbers.
//!
//! Every scenario of a comparison runs with the same seed, the same number of replications
//! and the same span. Because every random stream derives from
//! (seed, replication, community, mechanism), replication r of one scenario sees the same
//! draws as replication r of another wherever their worlds agree, so the difference
//! `scenario - base` is taken replication by replication (a paired comparison) and its
//! t-based confidence interval is far narrower than that of two independent samples.

use crate::experiment::stats::{Summary, quantile_sorted, summarize};
use crate::experiment::units;
pub use crate::experiment::windows::Window;
use crate::experiment::windows::per_rep;
use crate::experiment::{self, Replication, RunResult};
use crate::model::metrics::{M, METRICS};
use crate::model::params::Params;

/// The paired difference `other - base`, replication by replication: its mean, sd and
/// t-based 95 % confidence interval. `base` and `other` must have the same length.
pub fn paired(base: &[f64], other: &[f64]) -> Summary {
    assert_eq!(base.len(), other.len(), "paired samples of different sizes");
    let d: Vec<f64> = base.iter().zip(other).map(|(b, o)| o - b).collect();
    summarize(&d)
}

/// One row of `comparison.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub metric: &'static str,
    /// Index of the scenario in the list given to [`compare`] (0 is the base).
    pub scenario: usize,
    pub window: Window,
    pub base_mean: f64,
    pub scenario_mean: f64,
    /// Summary of the per-replication differences `scenario - base`.
    pub diff: Summary,
}

impl Difference {
    /// Whether the 95 % interval of the mean difference lies wholly above or below zero
    /// (false when there is no interval, i.e. with one replication).
    pub fn excludes_zero(&self) -> bool {
        self.diff.ci_low > 0.0 || self.diff.ci_high < 0.0
    }
}

/// Compares every result with `results[0]`, the base, over the windows of [`Window::ALL`]
/// followed by those of `extra` not already there. Rows are ordered metric, then scenario
/// (the base first, compared with itself: differences exactly 0), then window. Fails if the
/// runs do not have the same replications and months.
pub fn compare(results: &[RunResult], extra: &[Window]) -> Result<Vec<Difference>, String> {
    let mut windows = Window::ALL.to_vec();
    for w in extra {
        if !windows.contains(w) {
            windows.push(*w);
        }
    }
    let Some(base) = results.first() else {
        return Ok(Vec::new());
    };
    for (k, r) in results.iter().enumerate() {
        if r.reps.len() != base.reps.len() || r.months != base.months {
            return Err(format!(
                "scenario {k} ran {} replication(s) x {} months, the base {} x {}: paired comparison needs the same",
                r.reps.len(),
                r.months,
                base.reps.len(),
                base.months
            ));
        }
    }
    if base.months == 0 {
        return Err("no month was simulated".into());
    }
    let mut out = Vec::with_capacity(METRICS.len() * results.len() * windows.len());
    for m in METRICS {
        let bases: Vec<(Vec<f64>, f64)> = windows
            .iter()
            .map(|&w| {
                let b = per_rep(&base.reps, m.id, w);
                let mean = summarize(&b).mean;
                (b, mean)
            })
            .collect();
        for (k, r) in results.iter().enumerate() {
            for (&window, (b, base_mean)) in windows.iter().zip(&bases) {
                let o = per_rep(&r.reps, m.id, window);
                out.push(Difference {
                    metric: m.name,
                    scenario: k,
                    window,
                    base_mean: *base_mean,
                    scenario_mean: summarize(&o).mean,
                    diff: paired(b, &o),
                });
            }
        }
    }
    Ok(out)
}

/// How one row of [`compare`] spreads across the points of a plausible parameter set
/// (`compare --posterior`). Each scenario ran at every point with the same replications,
/// point after point, so replication `p * reps_per_point + r` is replication `r` at point `p`;
/// at each point the paired difference is the mean over its replications of
/// `scenario - base`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub points: usize,
    /// Share of points whose mean difference is above zero.
    pub share_above: f64,
    /// Share of points whose mean difference is below zero.
    pub share_below: f64,
    /// 2.5 % quantile of the points' mean differences (type 7).
    pub lo: f64,
    /// 97.5 % quantile.
    pub hi: f64,
}

/// The mean over each block of `reps_per_point` consecutive values.
fn block_means(xs: &[f64], reps_per_point: usize) -> Vec<f64> {
    xs.chunks(reps_per_point)
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .collect()
}

/// The [`Spread`] of every row of `diffs` (from [`compare`]`(results, ..)`), in the same
/// order. Fails unless every run has a whole number of blocks of `reps_per_point`
/// replications.
pub fn spreads(
    results: &[RunResult],
    diffs: &[Difference],
    reps_per_point: usize,
) -> Result<Vec<Spread>, String> {
    let Some(base) = results.first() else {
        return Ok(Vec::new());
    };
    if reps_per_point == 0 || base.reps.len() % reps_per_point != 0 {
        return Err(format!(
            "{} replication(s) are not whole blocks of {reps_per_point} per point",
            base.reps.len()
        ));
    }
    diffs
        .iter()
        .map(|d| {
            let m = M::from_name(d.metric).ok_or_else(|| format!("no metric {}", d.metric))?;
            let b = per_rep(&base.reps, m, d.window);
            let o = per_rep(&results[d.scenario].reps, m, d.window);
            let diff: Vec<f64> = b.iter().zip(&o).map(|(b, o)| o - b).collect();
            let mut at_points = block_means(&diff, reps_per_point);
            let n = at_points.len();
            let share = |f: &dyn Fn(f64) -> bool| {
                at_points.iter().filter(|x| f(**x)).count() as f64 / n as f64
            };
            let (share_above, share_below) = (share(&|x| x > 0.0), share(&|x| x < 0.0));
            at_points.retain(|x| !x.is_nan());
            at_points.sort_by(f64::total_cmp);
            Ok(Spread {
                points: n,
                share_above,
                share_below,
                lo: quantile_sorted(&at_points, 0.025),
                hi: quantile_sorted(&at_points, 0.975),
            })
        })
        .collect()
}

/// Joins each arm's runs at its `points` points (consecutive in `runs`) into one run whose
/// replications go point after point, with the arm's total seconds.
pub fn pool_points(runs: Vec<(RunResult, f64)>, points: usize) -> (Vec<RunResult>, Vec<f64>) {
    let mut results = Vec::with_capacity(runs.len() / points.max(1));
    let mut secs = Vec::with_capacity(results.capacity());
    let mut it = runs.into_iter().peekable();
    while it.peek().is_some() {
        let mut pooled = RunResult {
            reps: Vec::new(),
            months: 0,
        };
        let mut total = 0.0;
        for (r, s) in it.by_ref().take(points.max(1)) {
            pooled.months = r.months;
            pooled.reps.extend(r.reps);
            total += s;
        }
        results.push(pooled);
        secs.push(total);
    }
    (results, secs)
}

/// Runs unit `index` of a comparison of the arms `ps` (arm `index / reps`, replication
/// `index % reps`, see [`units`]); every arm runs with the base's seed.
pub fn run_unit(ps: &[Params], reps: u32, index: usize) -> Replication {
    let u = units::unit(index, reps);
    experiment::run_replication(&ps[u.group], ps[0].run.seed, u64::from(u.rep))
}

/// The runs of a comparison from its units' results in unit order (arm by arm,
/// replications in order within an arm), each of `months` months.
pub fn assemble(reps: u32, months: u32, units: Vec<Replication>) -> Vec<RunResult> {
    let mut out = Vec::new();
    let mut it = units.into_iter().peekable();
    while it.peek().is_some() {
        out.push(RunResult {
            reps: it.by_ref().take(reps.max(1) as usize).collect(),
            months,
        });
    }
    out
}

/// Runs each scenario in turn (replications in parallel inside each), calling `on_done`
/// once per finished replication. All of `ps` should share seed, replications and years.
pub fn run_all(
    ps: &[Params],
    threads: Option<usize>,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<(RunResult, f64)>, rayon::ThreadPoolBuildError> {
    ps.iter()
        .map(|p| {
            let t = std::time::Instant::now();
            experiment::run(p, threads, on_done).map(|r| (r, t.elapsed().as_secs_f64()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metrics::N_METRICS;

    #[test]
    fn paired_interval_of_a_hand_sample() {
        // Differences 1, 2, 3, 4, 5: mean 3, sd sqrt(2.5), t(4) = 2.776445.
        let base = [10.0, 20.0, 30.0, 40.0, 50.0];
        let other = [11.0, 22.0, 33.0, 44.0, 55.0];
        let s = paired(&base, &other);
        assert_eq!(s.n, 5);
        assert_eq!(s.mean, 3.0);
        assert!((s.sd - 2.5f64.sqrt()).abs() < 1e-12);
        let half = 2.776_445 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((s.ci_low - (3.0 - half)).abs() < 1e-5, "{s:?}");
        assert!((s.ci_high - (3.0 + half)).abs() < 1e-5, "{s:?}");
    }

    /// A run whose every metric in every month of replication k is `values[k]`. Built from
    /// a real (tiny) replication so that it has whatever fields a replication has.
    fn result(values: &[f64]) -> RunResult {
        let mut p = Params::default();
        p.world.communities = 1;
        p.world.households_per_community = 50;
        p.run.years = 1;
        let template = experiment::run_replication(&p, 1, 0);
        RunResult {
            reps: values
                .iter()
                .map(|v| {
                    let mut r = template.clone();
                    r.months = vec![[*v; N_METRICS]; 24];
                    r
                })
                .collect(),
            months: 24,
        }
    }

    #[test]
    fn base_row_is_exactly_zero_and_order_is_metric_scenario_window() {
        let rs = [result(&[1.0, 2.0, 4.0]), result(&[3.0, 4.0, 7.0])];
        let d = compare(&rs, &[]).unwrap();
        let w = Window::ALL.len();
        assert_eq!(d.len(), N_METRICS * 2 * w);
        assert_eq!((d[0].scenario, d[0].window), (0, Window::FinalMonth));
        assert_eq!((d[1].scenario, d[1].window), (0, Window::LastYear));
        assert_eq!((d[2].scenario, d[2].window), (0, Window::WholeRun));
        assert_eq!((d[w].scenario, d[w].window), (1, Window::FinalMonth));
        assert_eq!(d[2 * w].metric, METRICS[1].name);
        assert_eq!(d[0].diff.mean, 0.0);
        assert_eq!((d[0].diff.ci_low, d[0].diff.ci_high), (0.0, 0.0));
        assert!(!d[0].excludes_zero());
        // Differences 2, 2, 3: mean 7/3, half-width 4.303 * 0.577 / sqrt(3) = 1.434.
        assert!((d[w].diff.mean - 7.0 / 3.0).abs() < 1e-12);
        assert!(d[w].excludes_zero());
    }

    #[test]
    fn spreads_count_points_not_replications() {
        // Two points of two replications each. Base 0 everywhere; the other scenario
        // +1, +3 at point 0 (mean +2) and -1, -2 at point 1 (mean -1.5).
        let rs = [result(&[0.0; 4]), result(&[1.0, 3.0, -1.0, -2.0])];
        let d = compare(&rs, &[]).unwrap();
        let s = spreads(&rs, &d, 2).unwrap();
        assert_eq!(s.len(), d.len());
        let w = Window::ALL.len();
        let other = s[w];
        assert_eq!(other.points, 2);
        assert_eq!((other.share_above, other.share_below), (0.5, 0.5));
        // Type 7 quantiles of {-1.5, 2}: -1.5 + 0.025 * 3.5 and 2 - 0.025 * 3.5.
        assert!((other.lo - (-1.5 + 0.0875)).abs() < 1e-12, "{other:?}");
        assert!((other.hi - (2.0 - 0.0875)).abs() < 1e-12, "{other:?}");
        // The base against itself: never above or below.
        assert_eq!((s[0].share_above, s[0].share_below), (0.0, 0.0));
        assert!(spreads(&rs, &d, 3).is_err());
    }

    #[test]
    fn pooling_joins_each_arms_points_in_order() {
        let runs = vec![
            (result(&[1.0]), 1.0),
            (result(&[2.0]), 2.0),
            (result(&[3.0]), 4.0),
            (result(&[4.0]), 8.0),
        ];
        let (pooled, secs) = pool_points(runs, 2);
        assert_eq!(secs, [3.0, 12.0]);
        assert_eq!(pooled.len(), 2);
        let first: Vec<f64> = pooled[1].reps.iter().map(|r| r.months[0][0]).collect();
        assert_eq!(first, [3.0, 4.0]);
        assert_eq!(pooled[0].months, 24);
    }

    #[test]
    fn units_assembled_are_the_runs() {
        let mut p = Params::default();
        p.world.communities = 1;
        p.world.households_per_community = 60;
        p.run.years = 1;
        p.run.replications = 2;
        let mut q = p.clone();
        q.owners.enforcement = 0.9;
        let ps = [p.clone(), q.clone()];
        let units: Vec<Replication> = (0..4).map(|u| run_unit(&ps, 2, u)).collect();
        let runs = assemble(2, 12, units);
        let whole: Vec<RunResult> = ps
            .iter()
            .map(|p| experiment::run(p, Some(1), &|| {}).unwrap())
            .collect();
        // Compared as printed (shortest round-trip digits): an event that never reaches 90 %
        // has a NaN time, which `==` would call unequal to itself.
        assert_eq!(format!("{runs:?}"), format!("{whole:?}"));
    }

    #[test]
    fn mismatched_runs_are_refused() {
        assert!(compare(&[result(&[1.0, 2.0]), result(&[1.0])], &[]).is_err());
    }

    #[test]
    fn extra_windows_follow_the_standard_ones_once() {
        let rs = [result(&[1.0, 2.0]), result(&[3.0, 4.0])];
        let d = compare(&rs, &[Window::Year(2), Window::LastYear]).unwrap();
        let w = Window::ALL.len() + 1;
        assert_eq!(d.len(), N_METRICS * 2 * w);
        assert_eq!(d[w - 1].window, Window::Year(2));
        assert_eq!(d[2 * w - 1].window, Window::Year(2));
        assert_eq!(d[2 * w - 1].diff.mean, 2.0);
    }
}
