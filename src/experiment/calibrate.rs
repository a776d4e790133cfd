//! Calibration against external targets: history matching with an implausibility measure
//! and rejection ABC on it (docs/ODD.md §9).
//!
//! A [`Target`] is a range `[lo, hi]` that a metric over a window should fall in, with its
//! source and grade; held-out targets are reported, never used to accept a point.
//!
//! # Implausibility
//!
//! For one target and one parameter point with replication values `y_1..y_R` (mean `m`,
//! sample standard deviation `s`, 0 when `R = 1`):
//!
//! ```text
//! I = |m - c| / sqrt(h^2 / 3 + s^2 + s^2 / R),   c = (lo + hi) / 2,  h = (hi - lo) / 2
//! ```
//!
//! the distance of the replication mean from the target range's centre, in units of the
//! standard deviation of that difference (Vernon, Goldstein & Bower 2010, *Galaxy formation:
//! a Bayesian uncertainty analysis*, Bayesian Analysis 5(4): 619-670, eq. for I(x);
//! Andrianakis et al. 2015, *Bayesian history matching of complex infectious disease models
//! using emulation*, PLoS Comput Biol 11(1): e1003968, for a stochastic model). Its three
//! variances are:
//!
//! - `h^2 / 3`: the target's own uncertainty, the range read as a uniform distribution of
//!   the true value (observation error and model discrepancy together);
//! - `s^2`: the ensemble variability: the observed world is one realisation of a stochastic
//!   process, so a simulated replication may differ from it by the replications' spread;
//! - `s^2 / R`: the uncertainty of the replication mean as an estimate of the model's
//!   expectation (the role the emulator variance plays in Vernon et al.).
//!
//! Inside the range and without noise `I <= sqrt(3)`. A point is **accepted** when every
//! calibration (not held-out) target has `I < cutoff`; the default cutoff 3 is Pukelsheim's
//! three-sigma rule (Pukelsheim 1994, *The three sigma rule*, The American Statistician
//! 48(2): 88-91: for any unimodal distribution at least 95 % of the mass lies within 3
//! standard deviations of the mean). This is rejection ABC with the maximum implausibility
//! as the distance and the cutoff as the tolerance: the accepted points are a sample of the
//! prior (the design) restricted to the not-implausible region.

use rayon::prelude::*;

use crate::experiment::Row;
use crate::experiment::in_pool;
use crate::experiment::run_replication;
use crate::experiment::stats::summarize;
use crate::experiment::windows::{Window, value};
use crate::model::metrics::M;
use crate::model::params::Params;

/// The default implausibility cutoff (Pukelsheim's three-sigma rule).
pub const DEFAULT_CUTOFF: f64 = 3.0;

/// How trustworthy a target's figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    OfficialStatistic,
    PeerReviewed,
    Industry,
    Press,
    Assumption,
}

impl Grade {
    /// Every grade, in order of decreasing authority.
    pub const ALL: [Grade; 5] = [
        Grade::OfficialStatistic,
        Grade::PeerReviewed,
        Grade::Industry,
        Grade::Press,
        Grade::Assumption,
    ];

    /// The name used in `targets.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Grade::OfficialStatistic => "official statistic",
            Grade::PeerReviewed => "peer-reviewed",
            Grade::Industry => "industry",
            Grade::Press => "press",
            Grade::Assumption => "assumption",
        }
    }

    /// The grade named `name`.
    pub fn from_name(name: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.name() == name)
    }
}

/// One calibration target: metric `metric` over window `window` should lie in `[lo, hi]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// A short unique name (default: the metric's name).
    pub name: String,
    pub metric: M,
    pub window: Window,
    pub lo: f64,
    pub hi: f64,
    pub source: String,
    pub grade: Grade,
    /// Held out for validation: reported, not used for acceptance.
    pub holdout: bool,
}

impl Target {
    /// Centre of the range.
    pub fn centre(&self) -> f64 {
        0.5 * (self.lo + self.hi)
    }

    /// Whether `x` lies in the range.
    pub fn contains(&self, x: f64) -> bool {
        x >= self.lo && x <= self.hi
    }
}

/// The implausibility of replication values `ys` against the range `[lo, hi]` (see the
/// module documentation). NaN when `ys` is empty or has a non-finite value.
pub fn implausibility(lo: f64, hi: f64, ys: &[f64]) -> f64 {
    if ys.is_empty() || ys.iter().any(|y| !y.is_finite()) {
        return f64::NAN;
    }
    let s = summarize(ys);
    let sd = if ys.len() > 1 { s.sd } else { 0.0 };
    let r = ys.len() as f64;
    let h = 0.5 * (hi - lo);
    let var = h * h / 3.0 + sd * sd * (1.0 + 1.0 / r);
    let d = (s.mean - 0.5 * (lo + hi)).abs();
    if var > 0.0 {
        d / var.sqrt()
    } else if d == 0.0 {
        0.0
    } else {
        f64::INFINITY
    }
}

/// How one point fits one target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Mean over replications.
    pub mean: f64,
    /// Sample standard deviation over replications (0 for one).
    pub sd: f64,
    pub implausibility: f64,
}

/// How one point fits every target, and whether it is accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct PointFit {
    /// One per target, in the order of the targets.
    pub fits: Vec<Fit>,
    /// The largest implausibility over the calibration (not held-out) targets; NaN if any
    /// is NaN (a metric without a value), which rejects the point.
    pub max_implausibility: f64,
    pub accepted: bool,
}

/// Assesses one point: `values[t]` are target `t`'s replication values.
pub fn assess(targets: &[Target], values: &[Vec<f64>], cutoff: f64) -> PointFit {
    let fits: Vec<Fit> = targets
        .iter()
        .zip(values)
        .map(|(t, ys)| {
            let s = summarize(ys);
            Fit {
                mean: s.mean,
                sd: if ys.len() > 1 { s.sd } else { 0.0 },
                implausibility: implausibility(t.lo, t.hi, ys),
            }
        })
        .collect();
    let mut max = 0.0f64;
    for (t, f) in targets.iter().zip(&fits) {
        if t.holdout {
            continue;
        }
        if f.implausibility.is_nan() {
            max = f64::NAN;
            break;
        }
        max = max.max(f.implausibility);
    }
    PointFit {
        fits,
        max_implausibility: max,
        accepted: max < cutoff,
    }
}

/// The value of every target in one replication's monthly rows.
pub fn target_values(targets: &[Target], rows: &[Row]) -> Vec<f64> {
    targets
        .iter()
        .map(|t| value(rows, t.metric, t.window))
        .collect()
}

/// The median of `xs` (mean of the middle two for an even count; NaN when empty).
pub fn median(xs: &[f64]) -> f64 {
    let mut v: Vec<f64> = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => v[n / 2],
        _ => 0.5 * (v[n / 2 - 1] + v[n / 2]),
    }
}

/// How the accepted points fit one target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SetFit {
    /// Accepted points whose replication mean lies in the range, as a share (NaN: none
    /// accepted).
    pub share_in_range: f64,
    /// Accepted points with implausibility below the cutoff, as a share.
    pub share_plausible: f64,
    /// Median over accepted points of the replication mean.
    pub median_mean: f64,
    /// Smallest and largest replication mean over accepted points.
    pub min_mean: f64,
    pub max_mean: f64,
}

/// How the points `accepted` (indices into `points`) fit target `t` (index `ti`).
pub fn set_fit(
    t: &Target,
    ti: usize,
    points: &[PointFit],
    accepted: &[usize],
    cutoff: f64,
) -> SetFit {
    let means: Vec<f64> = accepted.iter().map(|&p| points[p].fits[ti].mean).collect();
    let n = means.len() as f64;
    let share = |f: &dyn Fn(usize) -> bool| {
        if accepted.is_empty() {
            f64::NAN
        } else {
            accepted.iter().filter(|&&p| f(p)).count() as f64 / n
        }
    };
    let (lo, hi) = means
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(*x), b.max(*x))
        });
    SetFit {
        share_in_range: share(&|p| t.contains(points[p].fits[ti].mean)),
        share_plausible: share(&|p| points[p].fits[ti].implausibility < cutoff),
        median_mean: median(&means),
        min_mean: if means.is_empty() { f64::NAN } else { lo },
        max_mean: if means.is_empty() { f64::NAN } else { hi },
    }
}

/// Runs replications `0..reps` of every point with master seed `seed` (common random
/// numbers: every point sees the same streams) as one list of (point, replication) jobs on
/// `threads` threads, and returns per point, per target, the replication values in
/// replication order. Results do not depend on the thread count. `on_done` is called per
/// finished job.
pub fn simulate(
    points: &[Params],
    targets: &[Target],
    seed: u64,
    reps: u32,
    threads: Option<usize>,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<Vec<Vec<f64>>>, rayon::ThreadPoolBuildError> {
    let jobs: Vec<(usize, u64)> = (0..points.len())
        .flat_map(|p| (0..u64::from(reps)).map(move |r| (p, r)))
        .collect();
    let out: Vec<Vec<f64>> = in_pool(threads, || {
        jobs.par_iter()
            .map(|&(p, rep)| {
                let r = run_replication(&points[p], seed, rep);
                let v = target_values(targets, &r.months);
                on_done();
                v
            })
            .collect()
    })?;
    let r = reps as usize;
    Ok((0..points.len())
        .map(|p| {
            (0..targets.len())
                .map(|t| out[p * r..(p + 1) * r].iter().map(|v| v[t]).collect())
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(lo: f64, hi: f64, holdout: bool) -> Target {
        Target {
            name: "t".into(),
            metric: M::FeeCollectionRate,
            window: Window::LastYear,
            lo,
            hi,
            source: "test".into(),
            grade: Grade::Assumption,
            holdout,
        }
    }

    #[test]
    fn implausibility_on_hand_made_numbers() {
        // Range 0.7-0.9: centre 0.8, h = 0.1, h^2/3 = 0.01/3.
        // One replication at 0.9: no spread, I = 0.1 / sqrt(0.01/3) = sqrt(3).
        let i = implausibility(0.7, 0.9, &[0.9]);
        assert!((i - 3f64.sqrt()).abs() < 1e-12, "{i}");
        // Two replications 0.95 and 1.05: mean 1.0, s^2 = 0.005, var = 0.01/3 + 0.005 * 1.5.
        let i = implausibility(0.7, 0.9, &[0.95, 1.05]);
        let expected = 0.2 / (0.01 / 3.0 + 0.005 * 1.5f64).sqrt();
        assert!((i - expected).abs() < 1e-12, "{i} vs {expected}");
        // At the centre it is 0; symmetric around it; grows with the distance.
        assert_eq!(implausibility(0.7, 0.9, &[0.8]), 0.0);
        let below = implausibility(0.7, 0.9, &[0.6]);
        let above = implausibility(0.7, 0.9, &[1.0]);
        assert!((below - above).abs() < 1e-12);
        assert!(implausibility(0.7, 0.9, &[1.2]) > above);
        // Replication noise makes a distant mean less implausible.
        assert!(implausibility(0.7, 0.9, &[0.9, 1.1]) < implausibility(0.7, 0.9, &[1.0, 1.0]));
        // A point target: exact hit 0, any miss without noise infinite.
        assert_eq!(implausibility(0.5, 0.5, &[0.5]), 0.0);
        assert!(implausibility(0.5, 0.5, &[0.6]).is_infinite());
        assert!(implausibility(0.5, 0.5, &[]).is_nan());
        assert!(implausibility(0.5, 0.5, &[f64::NAN]).is_nan());
    }

    #[test]
    fn acceptance_ignores_held_out_targets() {
        let targets = [target(0.7, 0.9, false), target(0.0, 0.1, true)];
        // The calibration target fits; the held-out one is far off: accepted.
        let fit = assess(&targets, &[vec![0.8, 0.8], vec![0.9, 0.9]], DEFAULT_CUTOFF);
        assert!(fit.fits[1].implausibility > 10.0);
        assert_eq!(fit.max_implausibility, 0.0);
        assert!(fit.accepted);
        // Swap the roles: now the same values are rejected.
        let swapped = [target(0.7, 0.9, true), target(0.0, 0.1, false)];
        let fit = assess(&swapped, &[vec![0.8, 0.8], vec![0.9, 0.9]], DEFAULT_CUTOFF);
        assert!(!fit.accepted);
        assert!(fit.max_implausibility > 10.0);
        // The cutoff is strict and applies to the largest calibration implausibility.
        let fit = assess(&targets[..1], &[vec![0.9]], 3f64.sqrt() - 1e-9);
        assert!(!fit.accepted);
        let fit = assess(&targets[..1], &[vec![0.9]], 3f64.sqrt() + 1e-9);
        assert!(fit.accepted);
        // A missing value rejects.
        let fit = assess(&targets[..1], &[vec![f64::NAN]], DEFAULT_CUTOFF);
        assert!(!fit.accepted);
    }

    #[test]
    fn set_fit_and_median() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
        let t = target(0.7, 0.9, true);
        let points: Vec<PointFit> = [0.75, 0.95, 0.85]
            .iter()
            .map(|m| assess(std::slice::from_ref(&t), &[vec![*m]], DEFAULT_CUTOFF))
            .collect();
        let f = set_fit(&t, 0, &points, &[0, 1], DEFAULT_CUTOFF);
        assert_eq!(f.share_in_range, 0.5);
        assert_eq!(f.share_plausible, 1.0);
        assert_eq!(f.median_mean, 0.85);
        assert_eq!((f.min_mean, f.max_mean), (0.75, 0.95));
        assert!(
            set_fit(&t, 0, &points, &[], DEFAULT_CUTOFF)
                .share_in_range
                .is_nan()
        );
    }

    /// A toy calibration recovers a known parameter: the collection rate the model gives at
    /// `owners.enforcement = 0.5` (one small community, 6 years, 8 replications) is the target
    /// (its mean +- 0.01); 40 points of enforcement on 0.1-0.9 (a Latin hypercube, 2
    /// replications each, common random numbers) are assessed; the accepted median must lie
    /// within 0.1 of 0.5, and points far above the truth must be rejected.
    #[test]
    fn calibration_recovers_a_known_enforcement() {
        let mut base = Params::default();
        let set = |p: &mut Params, k: &str, v: toml::Value| p.set(k, &v).unwrap();
        set(&mut base, "world.communities", toml::Value::Integer(1));
        set(&mut base, "run.years", toml::Value::Integer(6));
        let truth = 0.5;
        let mut known = base.clone();
        set(&mut known, "owners.enforcement", toml::Value::Float(truth));
        let collection = |p: &Params, reps: u64, seed: u64| -> Vec<f64> {
            (0..reps)
                .map(|r| {
                    let rows = run_replication(p, seed, r).months;
                    value(&rows, M::FeeCollectionRate, Window::LastYear)
                })
                .collect()
        };
        // The "observation": another seed than the calibration's, so not the same draws.
        let obs = summarize(&collection(&known, 8, 99)).mean;
        let target = Target {
            lo: obs - 0.01,
            hi: obs + 0.01,
            ..target(0.0, 1.0, false)
        };
        let units = crate::experiment::sweep::lhs_unit(40, 1, 7);
        let xs: Vec<f64> = units.iter().map(|u| 0.1 + 0.8 * u[0]).collect();
        let points: Vec<Params> = xs
            .iter()
            .map(|x| {
                let mut p = base.clone();
                set(&mut p, "owners.enforcement", toml::Value::Float(*x));
                p
            })
            .collect();
        let targets = [target];
        let values = simulate(&points, &targets, 1, 2, Some(1), &|| {}).unwrap();
        let fits: Vec<PointFit> = values
            .iter()
            .map(|v| assess(&targets, v, DEFAULT_CUTOFF))
            .collect();
        let accepted: Vec<f64> = xs
            .iter()
            .zip(&fits)
            .filter(|(_, f)| f.accepted)
            .map(|(x, _)| *x)
            .collect();
        assert!(!accepted.is_empty(), "nothing accepted; target {obs}");
        let m = median(&accepted);
        assert!(
            (m - truth).abs() < 0.1,
            "accepted median {m} (of {} points: {accepted:?}), truth {truth}",
            accepted.len()
        );
        assert!(
            accepted.len() < xs.len(),
            "the target must reject some points"
        );
        // Collection rises with enforcement, so points well above the truth are rejected.
        // Well below it the small community's fee spiral sometimes collapses and sometimes
        // not: the replications' spread is wide, and history matching honestly keeps such
        // points (they are not implausible, only uncertain), so only the upper end is checked.
        assert!(
            xs.iter()
                .zip(&fits)
                .filter(|(x, _)| **x > truth + 0.2)
                .all(|(_, f)| !f.accepted),
            "points far above the truth accepted: {accepted:?}"
        );
    }
}
