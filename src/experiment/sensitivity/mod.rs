//! Global sensitivity analysis, pure (no files): Sobol' indices from Saltelli's sampling
//! scheme and Morris elementary effects, with bootstrap intervals, following SALib's
//! conventions (sample order, estimators, scaling) so designs and results can be mixed with
//! it. The command line (`shequ sensitivity`) lives in `io::commands::sensitivity`.
//!
//! Designs here are in unit coordinates, one row per model evaluation; the caller scales
//! them to factor values (`io::space::Factor::scale`). Everything is deterministic given
//! the seed and independent of the thread count.

mod directions;
pub mod morris;
pub mod qmc;
pub mod sobol;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Bootstrap resamples for the intervals (SALib's default is 1,000 for Morris, 100 for
/// Sobol'; 1,000 for both here, which costs little).
pub const RESAMPLES: usize = 1000;

/// The standard normal quantile of the two-sided 95 % interval, as SALib's
/// `norm.ppf(0.5 + 0.95 / 2)`.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Which analysis a design is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Sobol,
    Morris,
}

impl Method {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Method::Sobol => "sobol",
            Method::Morris => "morris",
        }
    }
}

/// The mean over replications of each of `width` outputs, summed in replication order from
/// 0 and then divided by the count. Floating-point addition is not associative, so every
/// path that averages a design row's replications (`sensitivity run`, a merged plan) uses
/// this one and they agree to the bit.
pub fn mean_over_reps<'a>(per_rep: impl IntoIterator<Item = &'a [f64]>, width: usize) -> Vec<f64> {
    let mut mean = vec![0.0; width];
    let mut n = 0u32;
    for v in per_rep {
        for (m, x) in mean.iter_mut().zip(v) {
            *m += x;
        }
        n += 1;
    }
    for m in mean.iter_mut() {
        *m /= f64::from(n);
    }
    mean
}

/// The sample standard deviation (divisor n - 1) of `x`; 0 for fewer than 2 values.
fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// Bootstrap resample index sets: `RESAMPLES` draws of `n` indices with replacement from a
/// generator seeded with `seed`; calls `f` with each set. The same seed gives the same sets,
/// so every factor and output is resampled alike (as SALib does).
fn for_each_resample(n: usize, seed: u64, mut f: impl FnMut(&[usize])) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut idx = vec![0usize; n];
    for _ in 0..RESAMPLES {
        for i in idx.iter_mut() {
            *i = rng.random_range(0..n);
        }
        f(&idx);
    }
}
