//! The Sobol' low-discrepancy sequence (Joe-Kuo direction numbers), optionally scrambled by
//! a random linear matrix scramble and digital shift (Matoušek 1998), as SciPy's
//! `qmc.Sobol(scramble=True)` that SALib samples from.
//!
//! Points are taken in Gray-code order (as SciPy and Joe-Kuo's generator) and computed by
//! index, so any row can be made on its own. Coordinates have 32 bits; each is returned at
//! the centre of its 2^-32 cell, `(x + 0.5) / 2^32`, so it lies strictly inside (0, 1) and a
//! normal factor never maps to an infinite value. Scrambled, the first point is not skipped
//! (Owen 2020: skipping points of a scrambled sequence only loses balance).

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::directions::JOE_KUO;

/// Bits per coordinate.
const BITS: usize = 32;

/// The most dimensions this sequence has (the direction numbers shipped).
pub const MAX_DIM: usize = JOE_KUO.len() + 1;

/// A Sobol' sequence of fixed dimension.
#[derive(Debug, Clone)]
pub struct Sobol {
    /// Direction numbers per dimension, `v[d][b]` for bit `b` (most significant first).
    v: Vec<[u32; BITS]>,
    /// Digital shift per dimension (0 unscrambled).
    shift: Vec<u32>,
}

impl Sobol {
    /// The unscrambled sequence in `dim` dimensions (1 to [`MAX_DIM`]).
    pub fn new(dim: usize) -> Result<Self, String> {
        if dim == 0 || dim > MAX_DIM {
            return Err(format!(
                "a Sobol' sequence here has 1 to {MAX_DIM} dimensions; {dim} were asked"
            ));
        }
        let mut v = Vec::with_capacity(dim);
        for d in 0..dim {
            let mut dv = [0u32; BITS];
            if d == 0 {
                for (b, x) in dv.iter_mut().enumerate() {
                    *x = 1 << (BITS - 1 - b);
                }
            } else {
                let (s, a, m) = JOE_KUO[d - 1];
                let s = s as usize;
                for i in 0..s.min(BITS) {
                    dv[i] = m[i] << (BITS - 1 - i);
                }
                for i in s..BITS {
                    let mut x = dv[i - s] ^ (dv[i - s] >> s);
                    for k in 1..s {
                        if (a >> (s - 1 - k)) & 1 == 1 {
                            x ^= dv[i - k];
                        }
                    }
                    dv[i] = x;
                }
            }
            v.push(dv);
        }
        Ok(Sobol {
            shift: vec![0; dim],
            v,
        })
    }

    /// The sequence in `dim` dimensions scrambled with a random lower-triangular binary
    /// matrix (unit diagonal) and a random digital shift per dimension, drawn from `seed`.
    /// Scrambling keeps the sequence's net structure and makes the estimators unbiased.
    pub fn scrambled(dim: usize, seed: u64) -> Result<Self, String> {
        let mut s = Sobol::new(dim)?;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        for d in 0..dim {
            // Row r of the matrix: which input bits (0 = most significant) output bit r
            // takes, as a mask in the number's own bit positions; always bit r itself.
            let mut rows = [0u32; BITS];
            for (r, row) in rows.iter_mut().enumerate() {
                let below: u32 = rng.next_u32();
                // Columns c < r are random, column r is 1, columns c > r are 0.
                let keep_above = if r == 0 { 0 } else { !0u32 << (BITS - r) };
                *row = (below & keep_above) | (1 << (BITS - 1 - r));
            }
            for b in 0..BITS {
                let x = s.v[d][b];
                let mut y = 0u32;
                for (r, row) in rows.iter().enumerate() {
                    y |= ((row & x).count_ones() & 1) << (BITS - 1 - r);
                }
                s.v[d][b] = y;
            }
            s.shift[d] = rng.next_u32();
        }
        Ok(s)
    }

    /// Dimensions.
    pub fn dim(&self) -> usize {
        self.v.len()
    }

    /// Point `i` (from 0) into `out` (length [`Sobol::dim`]), each coordinate in (0, 1).
    pub fn point(&self, i: u32, out: &mut [f64]) {
        let gray = i ^ (i >> 1);
        for (d, o) in out.iter_mut().enumerate() {
            let mut x = self.shift[d];
            let mut g = gray;
            let mut b = 0;
            while g != 0 {
                if g & 1 == 1 {
                    x ^= self.v[d][b];
                }
                g >>= 1;
                b += 1;
            }
            *o = (f64::from(x) + 0.5) / 4_294_967_296.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cell of width 2^-m a coordinate falls in.
    fn cell(u: f64, m: u32) -> u32 {
        (u * f64::from(1u32 << m)).floor() as u32
    }

    #[test]
    fn matches_scipy_unscrambled_points() {
        // scipy.stats.qmc.Sobol(d=40, scramble=False).random(16), rows 5 and 13 (SciPy 1.17).
        let row5 = [
            0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375, 0.375, 0.125, 0.375, 0.875,
            0.875, 0.125, 0.875, 0.375, 0.875, 0.375, 0.375, 0.625, 0.625, 0.625, 0.875, 0.375,
            0.375, 0.375, 0.875, 0.125, 0.625, 0.625, 0.875, 0.625, 0.375, 0.375, 0.125, 0.125,
            0.125, 0.375, 0.875, 0.375,
        ];
        let row13 = [
            0.8125, 0.6875, 0.8125, 0.0625, 0.4375, 0.9375, 0.5625, 0.5625, 0.5625, 0.4375, 0.8125,
            0.9375, 0.0625, 0.8125, 0.1875, 0.5625, 0.1875, 0.6875, 0.5625, 0.9375, 0.5625, 0.0625,
            0.8125, 0.5625, 0.0625, 0.4375, 0.4375, 0.0625, 0.0625, 0.3125, 0.5625, 0.4375, 0.4375,
            0.5625, 0.6875, 0.3125, 0.0625, 0.6875, 0.6875, 0.9375,
        ];
        let s = Sobol::new(40).unwrap();
        let mut p = vec![0.0; 40];
        let half = 0.5 / 4_294_967_296.0;
        s.point(5, &mut p);
        for (a, b) in p.iter().zip(row5) {
            assert_eq!(*a - half, b);
        }
        s.point(13, &mut p);
        for (a, b) in p.iter().zip(row13) {
            assert_eq!(*a - half, b);
        }
    }

    /// The first 2^m points put exactly one point in each cell of width 2^-m of every
    /// coordinate, scrambled or not: the property the estimators rely on.
    #[test]
    fn every_dimension_is_balanced() {
        let m = 10;
        for s in [
            Sobol::new(MAX_DIM).unwrap(),
            Sobol::scrambled(MAX_DIM, 7).unwrap(),
        ] {
            let mut seen = vec![vec![false; 1 << m]; MAX_DIM];
            let mut p = vec![0.0; MAX_DIM];
            for i in 0..(1u32 << m) {
                s.point(i, &mut p);
                for (d, u) in p.iter().enumerate() {
                    assert!(*u > 0.0 && *u < 1.0);
                    let c = cell(*u, m) as usize;
                    assert!(!seen[d][c], "dimension {d} has two points in cell {c}");
                    seen[d][c] = true;
                }
            }
        }
    }

    /// The same seed gives the same points, another seed others.
    #[test]
    fn scrambling_changes_points_and_is_seeded() {
        let a = Sobol::scrambled(4, 1).unwrap();
        let b = Sobol::scrambled(4, 1).unwrap();
        let c = Sobol::scrambled(4, 2).unwrap();
        let (mut pa, mut pb, mut pc) = (vec![0.0; 4], vec![0.0; 4], vec![0.0; 4]);
        a.point(3, &mut pa);
        b.point(3, &mut pb);
        c.point(3, &mut pc);
        assert_eq!(pa, pb);
        assert_ne!(pa, pc);
        assert!(Sobol::new(0).is_err() && Sobol::new(MAX_DIM + 1).is_err());
    }
}
