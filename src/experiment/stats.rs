//! Summary statistics across replications: mean, standard deviation and a t-based 95 %
//! confidence interval of the mean.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean, sample sd and 95 % confidence interval of the mean of `n` values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    pub sd: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Two-sided 97.5 % quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: usize) -> f64 {
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        Err(_) => f64::NAN,
    }
}

/// Summarises `xs`. With one value the sd and interval are NaN (written as empty cells).
pub fn summarize(xs: &[f64]) -> Summary {
    let n = xs.len();
    let mean = if n == 0 {
        f64::NAN
    } else {
        xs.iter().sum::<f64>() / n as f64
    };
    if n < 2 {
        return Summary {
            n,
            mean,
            sd: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
        };
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let half = t975(n - 1) * sd / (n as f64).sqrt();
    Summary {
        n,
        mean,
        sd,
        ci_low: mean - half,
        ci_high: mean + half,
    }
}

/// Linear-interpolation quantile `p` in [0, 1] of ascending `sorted` values (R's and NumPy's
/// default, type 7); NaN when empty.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let (i, f) = (h.floor() as usize, h - h.floor());
    if i + 1 < sorted.len() {
        sorted[i] + (sorted[i + 1] - sorted[i]) * f
    } else {
        sorted[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        assert!((t975(1) - 12.706).abs() < 1e-3);
        assert!((t975(4) - 2.776).abs() < 1e-3);
        assert!((t975(29) - 2.045).abs() < 1e-3);
    }

    #[test]
    fn interval_of_a_hand_sample() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd sqrt(32/7).
        let s = summarize(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(s.mean, 5.0);
        assert!((s.sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        let half = 2.364_624 * s.sd / 8f64.sqrt();
        assert!((s.ci_low - (5.0 - half)).abs() < 1e-5);
        assert!((s.ci_high - (5.0 + half)).abs() < 1e-5);
    }

    #[test]
    fn one_value_has_no_interval() {
        let s = summarize(&[3.0]);
        assert_eq!(s.mean, 3.0);
        assert!(s.sd.is_nan() && s.ci_low.is_nan());
    }

    #[test]
    fn quantiles_interpolate_like_type_7() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_sorted(&xs, 0.0), 1.0);
        assert_eq!(quantile_sorted(&xs, 1.0), 5.0);
        assert_eq!(quantile_sorted(&xs, 0.5), 3.0);
        // numpy.quantile([1, 2, 3, 4, 5], 0.025) = 1.1
        assert!((quantile_sorted(&xs, 0.025) - 1.1).abs() < 1e-12);
        assert!(quantile_sorted(&[], 0.5).is_nan());
    }
}
