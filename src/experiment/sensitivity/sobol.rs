//! Sobol' first-order (S1) and total (ST) indices from Saltelli's sampling scheme without
//! second order: N base points, N·(k+2) model runs.
//!
//! Rows, as SALib's `sample.sobol` with `calc_second_order=False`: for each base point j,
//! `A_j`, then `AB_j1 .. AB_jk` (`A_j` with column i taken from `B_j`), then `B_j`. `A` and
//! `B` are the first and last k coordinates of a scrambled 2k-dimensional Sobol' sequence.
//!
//! Estimators, as SALib's `analyze.sobol` (outputs first centred and scaled by their mean
//! and standard deviation over all rows, variance `V` of the `A` and `B` rows, divisor n):
//! - S1_i = mean(B · (AB_i − A)) / V (Saltelli et al. 2010, table 2 (b));
//! - ST_i = mean((A − AB_i)²) / (2V) (Jansen 1999; Saltelli et al. 2010, table 2 (f)).
//!
//! Intervals: `index ± 1.96 · sd` of the index over [`RESAMPLES`] bootstrap resamples of the
//! N base points, as SALib reports `S1_conf`.

use super::qmc::{MAX_DIM, Sobol};
use super::{RESAMPLES, Z95, for_each_resample, sd};

/// The most factors a Sobol' design can have (the sequence has 2k dimensions).
pub const MAX_FACTORS: usize = MAX_DIM / 2;

/// Saltelli's design in unit coordinates: `n * (k + 2)` rows of `k` values in (0, 1).
pub fn sample(k: usize, n: usize, seed: u64) -> Result<Vec<Vec<f64>>, String> {
    if k == 0 || k > MAX_FACTORS {
        return Err(format!(
            "a Sobol' design takes 1 to {MAX_FACTORS} factors; the space has {k}"
        ));
    }
    if !(2..=(1 << 30)).contains(&n) {
        return Err(format!(
            "--n {n}: a Sobol' design needs 2 to 2^30 base points (a power of 2 is best)"
        ));
    }
    let seq = Sobol::scrambled(2 * k, seed)?;
    let mut p = vec![0.0; 2 * k];
    let mut rows = Vec::with_capacity(n * (k + 2));
    for j in 0..n {
        seq.point(j as u32, &mut p);
        let (a, b) = p.split_at(k);
        rows.push(a.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            rows.push(ab);
        }
        rows.push(b.to_vec());
    }
    Ok(rows)
}

/// One factor's indices with their 95 % bootstrap intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indices {
    pub s1: f64,
    pub s1_lo: f64,
    pub s1_hi: f64,
    pub st: f64,
    pub st_lo: f64,
    pub st_hi: f64,
}

/// Checks that `x` (rows of factor values, any units) has the structure of a Saltelli design
/// of `k` factors: in each block, row `1 + i` equals the first row but in column `i`, where
/// it equals the last row. Gives the number of base points; the error names the row (from 1).
pub fn check_design(x: &[Vec<f64>], k: usize) -> Result<usize, String> {
    if k == 0 || x.is_empty() || x.len() % (k + 2) != 0 {
        return Err(format!(
            "a Sobol' design of {k} factors has N·(k+2) = N·{} rows; this one has {}",
            k + 2,
            x.len()
        ));
    }
    for (j, block) in x.chunks(k + 2).enumerate() {
        let (a, b) = (&block[0], &block[k + 1]);
        for i in 0..k {
            let ab = &block[1 + i];
            for c in 0..k {
                let want = if c == i { b[c] } else { a[c] };
                if ab[c] != want {
                    return Err(format!(
                        "row {} is not A with column {} from B (Saltelli's order A, AB_1..AB_k, B per base point); was the design sampled with --method sobol?",
                        j * (k + 2) + 2 + i,
                        i + 1
                    ));
                }
            }
        }
    }
    Ok(x.len() / (k + 2))
}

/// The indices of each of `k` factors from the outputs `y` of a Saltelli design (one value
/// per row, in the design's order). A constant output gives zeros, as SALib.
pub fn analyze(y: &[f64], k: usize, seed: u64) -> Result<Vec<Indices>, String> {
    if k == 0 || y.is_empty() || y.len() % (k + 2) != 0 {
        return Err(format!(
            "a Sobol' design of {k} factors has N·(k+2) = N·{} rows; there are {} outputs",
            k + 2,
            y.len()
        ));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(format!(
            "output of row {} is {}; expected a finite number",
            i + 1,
            y[i]
        ));
    }
    let n = y.len() / (k + 2);
    let count = y.len() as f64;
    let mean = y.iter().sum::<f64>() / count;
    let std = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / count).sqrt();
    if std == 0.0 || n < 2 {
        let zero = Indices {
            s1: 0.0,
            s1_lo: 0.0,
            s1_hi: 0.0,
            st: 0.0,
            st_lo: 0.0,
            st_hi: 0.0,
        };
        return Ok(vec![zero; k]);
    }
    let z: Vec<f64> = y.iter().map(|v| (v - mean) / std).collect();
    let a: Vec<f64> = (0..n).map(|j| z[j * (k + 2)]).collect();
    let b: Vec<f64> = (0..n).map(|j| z[j * (k + 2) + k + 1]).collect();
    let all: Vec<usize> = (0..n).collect();
    let mut out = Vec::with_capacity(k);
    for i in 0..k {
        let ab: Vec<f64> = (0..n).map(|j| z[j * (k + 2) + 1 + i]).collect();
        let (s1, st) = estimate(&a, &ab, &b, &all);
        let mut boot_s1 = Vec::with_capacity(RESAMPLES);
        let mut boot_st = Vec::with_capacity(RESAMPLES);
        let mut all_constant = true;
        for_each_resample(n, seed, |idx| {
            let (x1, xt) = estimate(&a, &ab, &b, idx);
            if varies(&a, &b, idx) {
                all_constant = false;
            }
            boot_s1.push(x1);
            boot_st.push(xt);
        });
        let (c1, ct) = if all_constant {
            (0.0, 0.0)
        } else {
            (Z95 * sd(&boot_s1), Z95 * sd(&boot_st))
        };
        out.push(Indices {
            s1,
            s1_lo: s1 - c1,
            s1_hi: s1 + c1,
            st,
            st_lo: st - ct,
            st_hi: st + ct,
        });
    }
    Ok(out)
}

/// Whether the resampled `A` and `B` outputs are not all equal.
fn varies(a: &[f64], b: &[f64], idx: &[usize]) -> bool {
    let first = a[idx[0]];
    idx.iter().any(|&j| a[j] != first || b[j] != first)
}

/// (S1, ST) over the base points `idx` (with repeats for a bootstrap resample).
fn estimate(a: &[f64], ab: &[f64], b: &[f64], idx: &[usize]) -> (f64, f64) {
    let m = idx.len() as f64;
    let (mut sum, mut sum2) = (0.0, 0.0);
    for &j in idx {
        sum += a[j] + b[j];
        sum2 += a[j] * a[j] + b[j] * b[j];
    }
    let mean = sum / (2.0 * m);
    let var = sum2 / (2.0 * m) - mean * mean;
    if var <= f64::EPSILON {
        return (0.0, 0.0);
    }
    let (mut first, mut total) = (0.0, 0.0);
    for &j in idx {
        first += b[j] * (ab[j] - a[j]);
        total += (a[j] - ab[j]).powi(2);
    }
    (first / m / var, 0.5 * total / m / var)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: impl Fn(&[f64]) -> f64, k: usize, n: usize) -> Vec<Indices> {
        let x = sample(k, n, 42).unwrap();
        assert_eq!(x.len(), n * (k + 2));
        assert_eq!(check_design(&x, k), Ok(n));
        let y: Vec<f64> = x.iter().map(|r| f(r)).collect();
        analyze(&y, k, 1).unwrap()
    }

    /// The check: y = 4a + 2b + 0c, a, b, c ~ U(0, 1): variances 16/12, 4/12, 0 give
    /// S1 = ST = 0.8, 0.2, 0; within 0.05 at N = 512.
    #[test]
    fn linear_model_indices() {
        let s = run(|x| 4.0 * x[0] + 2.0 * x[1], 3, 512);
        for (got, want) in s.iter().zip([0.8, 0.2, 0.0]) {
            assert!((got.s1 - want).abs() < 0.05, "{got:?} vs {want}");
            assert!((got.st - want).abs() < 0.05, "{got:?} vs {want}");
            assert!(got.s1_lo <= got.s1 && got.s1 <= got.s1_hi);
            assert!(got.st_lo <= got.st && got.st <= got.st_hi);
        }
        // A factor the output ignores has AB_3 = A exactly: ST = 0 with no spread.
        assert_eq!(s[2].st, 0.0);
        assert_eq!((s[2].st_lo, s[2].st_hi), (0.0, 0.0));
    }

    /// Sobol's g-function with a = (0, 1, 4.5, 9, 99, 99, 99, 99): V_i = 1 / (3 (1 + a_i)^2),
    /// S1_i = V_i / V, ST_i = V_i ∏_{j≠i}(1 + V_j) / V, V = ∏(1 + V_i) − 1. Within 0.03 of the
    /// analytic values at N = 4,096 (0.05 is reached from about N = 1,024).
    #[test]
    fn g_function_indices() {
        let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];
        let g = |x: &[f64]| -> f64 {
            x.iter()
                .zip(a)
                .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
                .product()
        };
        let vi: Vec<f64> = a
            .iter()
            .map(|a| 1.0 / (3.0 * (1.0 + a) * (1.0 + a)))
            .collect();
        let v = vi.iter().map(|v| 1.0 + v).product::<f64>() - 1.0;
        let s = run(g, a.len(), 4096);
        for (i, got) in s.iter().enumerate() {
            let s1 = vi[i] / v;
            let others: f64 = (0..a.len())
                .filter(|&j| j != i)
                .map(|j| 1.0 + vi[j])
                .product();
            let st = vi[i] * others / v;
            assert!(
                (got.s1 - s1).abs() < 0.03,
                "factor {i}: S1 {} vs {s1}",
                got.s1
            );
            assert!(
                (got.st - st).abs() < 0.03,
                "factor {i}: ST {} vs {st}",
                got.st
            );
            // The analytic value lies inside the bootstrap interval, widened by the tolerance
            // of a 95 % interval (most factors, not a guarantee for each).
            assert!(got.st_lo - 0.03 <= st && st <= got.st_hi + 0.03);
        }
        // Ranking: S1 falls with a_i.
        assert!(s[0].s1 > s[1].s1 && s[1].s1 > s[2].s1 && s[2].s1 > s[3].s1);
    }

    #[test]
    fn ishigami_indices() {
        // Ishigami with a = 7, b = 0.1 on [-pi, pi]^3: S1 = 0.314, 0.442, 0;
        // ST = 0.558, 0.442, 0.244 (Saltelli et al. 2008; SALib's documented example).
        let pi = std::f64::consts::PI;
        let f = |u: &[f64]| {
            let x: Vec<f64> = u.iter().map(|u| -pi + 2.0 * pi * u).collect();
            x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
        };
        let s = run(f, 3, 8192);
        let want_s1 = [0.3139, 0.4424, 0.0];
        let want_st = [0.5576, 0.4424, 0.2437];
        for i in 0..3 {
            assert!((s[i].s1 - want_s1[i]).abs() < 0.03, "S1[{i}] {}", s[i].s1);
            assert!((s[i].st - want_st[i]).abs() < 0.03, "ST[{i}] {}", s[i].st);
        }
    }

    #[test]
    fn refuses_wrong_row_counts_and_foreign_designs() {
        assert!(analyze(&[1.0; 9], 2, 1).unwrap_err().contains("N·4"));
        assert!(
            analyze(&[1.0, f64::NAN, 0.0, 0.0], 2, 1)
                .unwrap_err()
                .contains("row 2")
        );
        let mut x = sample(2, 4, 1).unwrap();
        x[5][0] += 0.1;
        assert!(check_design(&x, 2).unwrap_err().contains("row 6"));
        assert!(sample(0, 8, 1).is_err() && sample(2, 1, 1).is_err());
        // A constant output has no variance to apportion: zeros, as SALib.
        assert!(
            analyze(&[3.0; 8], 2, 1)
                .unwrap()
                .iter()
                .all(|s| s.s1 == 0.0 && s.st == 0.0)
        );
    }
}
