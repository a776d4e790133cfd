//! Small numeric helpers shared by the mechanisms: rates over time and bounded draws.

use rand_distr::{Beta, Distribution};

use super::rng::Rng;

/// Working hours of a full-time employee in a month: a community worker, an assistant, or a
/// firm employee performing purchased services.
pub const HOURS_PER_MONTH: f64 = 160.0;

/// Monthly probability from an annual one.
#[inline]
pub fn monthly(annual: f64) -> f64 {
    1.0 - (1.0 - annual).powf(1.0 / 12.0)
}

/// Draws from a Beta with the given mean and sd (constant when sd is 0 or too large).
pub fn beta_mean_sd(rng: &mut Rng, mean: f64, sd: f64) -> f64 {
    let var = sd * sd;
    let max_var = mean * (1.0 - mean);
    if var <= 0.0 || var >= max_var {
        return mean;
    }
    let kappa = max_var / var - 1.0;
    match Beta::new(mean * kappa, (1.0 - mean) * kappa) {
        Ok(b) => b.sample(rng),
        Err(_) => mean,
    }
}

/// `x` clamped to 0-1, as f32.
pub fn clamp01(x: f64) -> f32 {
    x.clamp(0.0, 1.0) as f32
}

/// Draws from a normal with `mean` and `sd`, clamped to 0-1.
pub fn normal01(rng: &mut Rng, mean: f64, sd: f64) -> f32 {
    let z: f64 = rand_distr::StandardNormal.sample(rng);
    clamp01(mean + sd * z)
}
