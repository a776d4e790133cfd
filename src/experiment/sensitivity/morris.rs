//! Morris elementary effects: N trajectories on a grid of L levels, N·(k+1) model runs.
//!
//! Sampling as SALib's `sample.morris` without optimised trajectories (Morris 1991): the step
//! is `delta = L / (2 (L − 1))`; each trajectory starts at a random grid point `x*` with
//! coordinates in `{0, 1/(L−1), …, 1 − delta}`, draws a direction (up or down) per factor
//! and a random order, and moves one factor by `delta` per row, each factor once.
//!
//! Analysis as SALib's `analyze.morris`: the effect of a factor in a trajectory is
//! `(y(up) − y(down)) / delta`, so `mu_star` (mean |effect|) is in output units per unit of
//! the factor's range scaled to [0, 1]; `mu` the mean effect, `sigma` the standard deviation
//! of the effects (divisor N − 1). Interval: `mu_star ± 1.96 · sd` of mu_star over
//! [`RESAMPLES`] bootstrap resamples of the trajectories, as SALib's `mu_star_conf`.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::{RESAMPLES, Z95, for_each_resample, sd};

/// The step of a Morris design on `levels` levels, in unit coordinates.
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// Checks a level count: even, from 2 (SALib refuses odd counts: the step would not land
/// on the grid).
pub fn check_levels(levels: usize) -> Result<(), String> {
    if levels < 2 || levels % 2 != 0 || levels > 1000 {
        return Err(format!(
            "--levels {levels}: a Morris grid needs an even number of levels from 2 to 1000 (4 is usual)"
        ));
    }
    Ok(())
}

/// A Morris design in unit coordinates: `n` trajectories of `k + 1` rows.
pub fn sample(k: usize, n: usize, levels: usize, seed: u64) -> Result<Vec<Vec<f64>>, String> {
    check_levels(levels)?;
    if k == 0 || k > 10_000 {
        return Err(format!(
            "a Morris design takes 1 to 10,000 factors; the space has {k}"
        ));
    }
    if !(2..=1_000_000).contains(&n) {
        return Err(format!(
            "--n {n}: a Morris design needs 2 to 1,000,000 trajectories (sigma needs two)"
        ));
    }
    let step = delta(levels);
    let starts = levels / 2;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut rows = Vec::with_capacity(n * (k + 1));
    let mut order: Vec<usize> = (0..k).collect();
    for _ in 0..n {
        let mut x = vec![0.0; k];
        let mut up = vec![true; k];
        for i in 0..k {
            let g = rng.random_range(0..starts);
            up[i] = rng.random_bool(0.5);
            let base = g as f64 / (levels as f64 - 1.0);
            x[i] = if up[i] { base } else { base + step };
        }
        // Fisher-Yates: the order the factors move in.
        for i in (1..k).rev() {
            let j = rng.random_range(0..=i);
            order.swap(i, j);
        }
        rows.push(x.clone());
        for &i in &order {
            x[i] += if up[i] { step } else { -step };
            rows.push(x.clone());
        }
    }
    Ok(rows)
}

/// One factor's Morris measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indices {
    pub mu: f64,
    pub mu_star: f64,
    pub mu_star_lo: f64,
    pub mu_star_hi: f64,
    pub sigma: f64,
}

/// For each trajectory step, the factor it moves and whether up: read from the design `x`
/// (rows of factor values, any units). Errors name the row (from 1).
pub fn steps(x: &[Vec<f64>], k: usize) -> Result<Vec<(usize, bool)>, String> {
    if k == 0 || x.is_empty() || x.len() % (k + 1) != 0 {
        return Err(format!(
            "a Morris design of {k} factors has N·(k+1) = N·{} rows; this one has {}",
            k + 1,
            x.len()
        ));
    }
    let mut out = Vec::with_capacity(x.len() / (k + 1) * k);
    for (t, traj) in x.chunks(k + 1).enumerate() {
        let mut moved = vec![false; k];
        for s in 0..k {
            let (r0, r1) = (&traj[s], &traj[s + 1]);
            let changed: Vec<usize> = (0..k).filter(|&c| r0[c] != r1[c]).collect();
            let row = t * (k + 1) + s + 2;
            let [c] = changed[..] else {
                return Err(format!(
                    "row {row} changes {} factors from the row before; a Morris trajectory changes exactly one per row (was the design sampled with --method morris?)",
                    changed.len()
                ));
            };
            if moved[c] {
                return Err(format!(
                    "row {row} moves factor {} a second time in its trajectory; each factor moves once per trajectory of k+1 rows",
                    c + 1
                ));
            }
            moved[c] = true;
            out.push((c, r1[c] > r0[c]));
        }
    }
    Ok(out)
}

/// The Morris measures of each of `k` factors from the design `x` and its outputs `y` (one
/// per row), sampled on `levels` levels.
pub fn analyze(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    levels: usize,
    seed: u64,
) -> Result<Vec<Indices>, String> {
    check_levels(levels)?;
    if y.len() != x.len() {
        return Err(format!("{} outputs for {} design rows", y.len(), x.len()));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(format!(
            "output of row {} is {}; expected a finite number",
            i + 1,
            y[i]
        ));
    }
    let steps = steps(x, k)?;
    let n = x.len() / (k + 1);
    let step = delta(levels);
    // effects[i][t]: factor i's effect in trajectory t.
    let mut effects = vec![vec![0.0; n]; k];
    for (s, &(i, up)) in steps.iter().enumerate() {
        let t = s / k;
        let row = t * (k + 1) + s % k;
        let d = y[row + 1] - y[row];
        effects[i][t] = if up { d } else { -d } / step;
    }
    let mut out = Vec::with_capacity(k);
    for e in &effects {
        let mu = e.iter().sum::<f64>() / n as f64;
        let mu_star = e.iter().map(|v| v.abs()).sum::<f64>() / n as f64;
        let mut boot = Vec::with_capacity(RESAMPLES);
        for_each_resample(n, seed, |idx| {
            boot.push(idx.iter().map(|&t| e[t].abs()).sum::<f64>() / n as f64);
        });
        let conf = Z95 * sd(&boot);
        out.push(Indices {
            mu,
            mu_star,
            mu_star_lo: mu_star - conf,
            mu_star_hi: mu_star + conf,
            sigma: sd(e),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_moves_each_factor_once_by_delta_on_the_grid() {
        for levels in [2, 4, 6] {
            let x = sample(5, 20, levels, 3).unwrap();
            assert_eq!(x.len(), 20 * 6);
            let steps = steps(&x, 5).unwrap();
            assert_eq!(steps.len(), 20 * 5);
            let d = delta(levels);
            for traj in x.chunks(6) {
                for w in traj.windows(2) {
                    let moved: f64 = w[0].iter().zip(&w[1]).map(|(a, b)| (a - b).abs()).sum();
                    assert!((moved - d).abs() < 1e-12);
                }
                for r in traj {
                    for u in r {
                        let level = u * (levels as f64 - 1.0);
                        assert!((level - level.round()).abs() < 1e-9 && *u >= 0.0 && *u <= 1.0);
                    }
                }
            }
        }
    }

    /// The check: y = 4a + 2b + 0c gives mu* = 4, 2, 0 (every effect of a linear
    /// model is its slope times the unit range) and sigma = 0, exactly up to rounding.
    #[test]
    fn linear_model_effects() {
        let x = sample(3, 20, 4, 9).unwrap();
        let y: Vec<f64> = x.iter().map(|r| 4.0 * r[0] + 2.0 * r[1]).collect();
        let m = analyze(&x, &y, 3, 4, 1).unwrap();
        for (got, want) in m.iter().zip([4.0, 2.0, 0.0]) {
            assert!((got.mu_star - want).abs() < 1e-9, "{got:?}");
            assert!((got.mu - want).abs() < 1e-9 && got.sigma < 1e-9);
            assert!((got.mu_star_hi - got.mu_star_lo).abs() < 1e-9);
        }
        // In factor units: a factor on [10, 20] scaled back gives the same unit effects.
        let xs: Vec<Vec<f64>> = x
            .iter()
            .map(|r| r.iter().map(|u| 10.0 + 10.0 * u).collect())
            .collect();
        let m2 = analyze(&xs, &y, 3, 4, 1).unwrap();
        assert!((m2[0].mu_star - 4.0).abs() < 1e-9);
    }

    /// A non-monotone factor (y = (a − 0.5)²) has mu near 0 but mu* and sigma above 0; an
    /// interaction (y = a·b) gives sigma > 0 for both.
    #[test]
    fn nonlinear_and_interacting_factors_show_in_sigma() {
        let x = sample(3, 50, 4, 5).unwrap();
        let y: Vec<f64> = x
            .iter()
            .map(|r| r[0] * r[1] + (r[2] - 0.5).powi(2))
            .collect();
        let m = analyze(&x, &y, 3, 4, 2).unwrap();
        assert!(m[0].sigma > 0.05 && m[1].sigma > 0.05);
        assert!(m[2].mu.abs() < 0.5 * m[2].mu_star && m[2].mu_star > 0.1);
        assert!(m[0].mu_star_lo < m[0].mu_star && m[0].mu_star < m[0].mu_star_hi);
    }

    #[test]
    fn refuses_bad_levels_and_foreign_designs() {
        assert!(sample(2, 4, 3, 1).unwrap_err().contains("even"));
        assert!(sample(2, 1, 4, 1).is_err());
        let mut x = sample(2, 3, 4, 1).unwrap();
        let y = vec![0.0; x.len()];
        assert!(analyze(&x, &y[1..], 2, 4, 1).is_err());
        x[1] = x[0].iter().map(|v| v + 0.1).collect();
        assert!(
            analyze(&x, &y, 2, 4, 1)
                .unwrap_err()
                .contains("row 2 changes 2 factors")
        );
    }
}
