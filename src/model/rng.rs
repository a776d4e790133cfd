//! Random streams. Every stream is a Xoshiro256++ generator seeded from a hash of
//! (seed, replication, community, mechanism), never from the thread that runs it: results
//! do not depend on the thread count, and two scenarios share their draws wherever their
//! worlds agree (common random numbers).

use rand::SeedableRng;

#[cfg(target_arch = "x86_64")]
use super::simd::avx2;
pub use rand_xoshiro::Xoshiro256PlusPlus as Rng;

/// Which mechanism a stream belongs to; each gets its own so that switching one
/// mechanism off does not shift the draws of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    World = 1,
    Residents = 2,
    Fees = 3,
    Firms = 4,
    Workforce = 5,
    WorkforceInit = 6,
    Events = 7,
    Volunteers = 8,
    /// City-level draws (the seasonal event calendar); used with community = u64::MAX.
    City = 9,
    /// Owners' committees forming, renovation, compound ages.
    Governance = 10,
}

/// SplitMix64 finaliser: a bijective 64-bit mixer.
#[inline(always)]
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key of one (seed, replication, community, mechanism).
#[inline(always)]
fn key(seed: u64, rep: u64, community: u64, which: Stream) -> u64 {
    mix(mix(mix(mix(seed) ^ rep) ^ community) ^ which as u64)
}

/// The stream of one (seed, replication, community, mechanism).
pub fn stream(seed: u64, rep: u64, community: u64, which: Stream) -> Rng {
    Rng::seed_from_u64(key(seed, rep, community, which))
}

/// Number of Xoshiro256++ generators a [`Lanes`] steps side by side.
pub const LANES: usize = 8;
/// Uniforms one step of a [`Lanes`] yields: two 24-bit ones from each 64-bit output.
pub const BLOCK: usize = 2 * LANES;

/// [`LANES`] independent Xoshiro256++ generators stepped together, their states stored as
/// structure of arrays so that the compiler steps them in vector registers. They give the
/// per-household decisions of the monthly hot loops (moving, volunteering, paying) their
/// uniforms in blocks of [`BLOCK`]: each 64-bit output gives two uniforms on [0, 1) with 24
/// random bits each (its top and its next 24 bits), exactly what an `f32` holds. A lane's
/// state is seeded by SplitMix64 from the mechanism's key and the lane's number, so lanes
/// never share a state with each other or with the scalar [`stream`] of the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lanes {
    s: [[u64; LANES]; 4],
}

/// 2^-24: the spacing of the uniforms a [`Lanes`] yields.
const UNIT_24: f32 = 1.0 / 16_777_216.0;

impl Lanes {
    /// The lanes of one (seed, replication, community, mechanism).
    pub fn new(seed: u64, rep: u64, community: u64, which: Stream) -> Lanes {
        let k = key(seed, rep, community, which);
        let mut s = [[0u64; LANES]; 4];
        for lane in 0..LANES {
            // SplitMix64 from a lane seed that no scalar stream uses.
            let mut z = mix(k ^ 0x4C41_4E45_5300_0000 ^ lane as u64);
            for word in &mut s {
                z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
                word[lane] = mix(z);
            }
        }
        Lanes { s }
    }

    /// One step of every lane: the Xoshiro256++ output and state update. Where the hot loops
    /// run their AVX2 compilation ([`avx2`]) it runs four lanes at a time in AVX2 registers
    /// ([`Lanes::next_u64s_avx2`]); elsewhere lane by lane ([`Lanes::next_u64s_portable`]).
    /// Integer operations only: the same bits either way (tested).
    #[inline(always)]
    pub fn next_u64s(&mut self) -> [u64; LANES] {
        #[cfg(target_arch = "x86_64")]
        if avx2() {
            // SAFETY: `avx2()` is true only where the processor has AVX2.
            return unsafe { self.next_u64s_avx2() };
        }
        self.next_u64s_portable()
    }

    /// [`Lanes::next_u64s`] in AVX2, four lanes of each state word in one register. Written
    /// out because the compiler's own vectorisation of the portable step moves the state's
    /// 45-bit rotation lane by lane into scalar registers: measured alone, a step took 12 ns
    /// that way and 5 ns this way; a community's month takes about 3 % fewer instructions.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn next_u64s_avx2(&mut self) -> [u64; LANES] {
        use std::arch::x86_64::{
            __m256i, _mm256_add_epi64, _mm256_loadu_si256, _mm256_or_si256, _mm256_slli_epi64,
            _mm256_srli_epi64, _mm256_storeu_si256, _mm256_xor_si256,
        };
        let mut out = [0u64; LANES];
        let [s0, s1, s2, s3] = &mut self.s;
        for k in (0..LANES).step_by(4) {
            let quad = |w: &mut [u64; LANES]| -> *mut __m256i { w[k..k + 4].as_mut_ptr().cast() };
            // SAFETY: the caller's processor has AVX2; each load and store is unaligned, of
            // the 32 bytes of four lanes of one array.
            unsafe {
                let (a, b) = (_mm256_loadu_si256(quad(s0)), _mm256_loadu_si256(quad(s1)));
                let (c, d) = (_mm256_loadu_si256(quad(s2)), _mm256_loadu_si256(quad(s3)));
                // The output: rotl(s0 + s3, 23) + s0.
                let sum = _mm256_add_epi64(a, d);
                let rotated =
                    _mm256_or_si256(_mm256_slli_epi64::<23>(sum), _mm256_srli_epi64::<41>(sum));
                _mm256_storeu_si256(quad(&mut out), _mm256_add_epi64(rotated, a));
                // The state update, in the portable step's order.
                let t = _mm256_slli_epi64::<17>(b);
                let c = _mm256_xor_si256(c, a);
                let d = _mm256_xor_si256(d, b);
                let b = _mm256_xor_si256(b, c);
                let a = _mm256_xor_si256(a, d);
                let c = _mm256_xor_si256(c, t);
                let d = _mm256_or_si256(_mm256_slli_epi64::<45>(d), _mm256_srli_epi64::<19>(d));
                _mm256_storeu_si256(quad(s0), a);
                _mm256_storeu_si256(quad(s1), b);
                _mm256_storeu_si256(quad(s2), c);
                _mm256_storeu_si256(quad(s3), d);
            }
        }
        out
    }

    /// [`Lanes::next_u64s`] in plain Rust, lane by lane (processors without AVX2, the
    /// baseline kernels, the web page's wasm).
    #[inline(always)]
    pub fn next_u64s_portable(&mut self) -> [u64; LANES] {
        let [s0, s1, s2, s3] = &mut self.s;
        let mut out = [0u64; LANES];
        for i in 0..LANES {
            out[i] = s0[i]
                .wrapping_add(s3[i])
                .rotate_left(23)
                .wrapping_add(s0[i]);
            let t = s1[i] << 17;
            s2[i] ^= s0[i];
            s3[i] ^= s1[i];
            s1[i] ^= s2[i];
            s0[i] ^= s3[i];
            s2[i] ^= t;
            s3[i] = s3[i].rotate_left(45);
        }
        out
    }

    /// The next [`BLOCK`] uniforms on [0, 1): lane i's output gives elements i (its top 24
    /// bits) and `LANES + i` (the 24 below them).
    #[inline(always)]
    pub fn next_block(&mut self) -> [f32; BLOCK] {
        let x = self.next_u64s();
        let mut out = [0f32; BLOCK];
        for i in 0..LANES {
            // Below 2^24, so exact as i32 and as f32 (i32 converts in one vector instruction).
            out[i] = (x[i] >> 40) as i32 as f32 * UNIT_24;
            out[LANES + i] = ((x[i] >> 16) & 0xFF_FFFF) as i32 as f32 * UNIT_24;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_differ_by_every_coordinate_and_repeat_exactly() {
        let draw = |s, r, c, w| stream(s, r, c, w).random::<u64>();
        let base = draw(1, 0, 0, Stream::Fees);
        assert_eq!(base, draw(1, 0, 0, Stream::Fees));
        assert_ne!(base, draw(2, 0, 0, Stream::Fees));
        assert_ne!(base, draw(1, 1, 0, Stream::Fees));
        assert_ne!(base, draw(1, 0, 1, Stream::Fees));
        assert_ne!(base, draw(1, 0, 0, Stream::Firms));
        // The order of hashing matters: (rep 1, community 0) is not (rep 0, community 1).
        assert_ne!(draw(1, 1, 0, Stream::Fees), draw(1, 0, 1, Stream::Fees));
    }

    /// Each lane is exactly a Xoshiro256++ generator (checked against `rand_xoshiro` from
    /// the same state), and the uniforms are its output's top bits scaled to [0, 1).
    #[test]
    fn lanes_are_xoshiro256plusplus_generators() {
        let mut l = Lanes::new(3, 1, 2, Stream::Fees);
        let mut scalar: Vec<Rng> = (0..LANES)
            .map(|i| {
                let mut bytes = [0u8; 32];
                for w in 0..4 {
                    bytes[8 * w..8 * w + 8].copy_from_slice(&l.s[w][i].to_le_bytes());
                }
                Rng::from_seed(bytes)
            })
            .collect();
        for _ in 0..100 {
            let before = l.clone();
            let x = l.next_u64s();
            for i in 0..LANES {
                assert_eq!(x[i], scalar[i].random::<u64>());
            }
            let mut again = before;
            let b = again.next_block();
            for i in 0..LANES {
                assert_eq!(f64::from(b[i]), (x[i] >> 40) as f64 / 16_777_216.0);
                assert_eq!(
                    f64::from(b[LANES + i]),
                    ((x[i] >> 16) & 0xFF_FFFF) as f64 / 16_777_216.0
                );
                assert!(b[i] < 1.0 && b[LANES + i] < 1.0);
            }
        }
        // The portable step is the same generator, step for step, whichever step
        // `next_u64s` takes on this processor.
        let mut fast = Lanes::new(4, 0, 7, Stream::Volunteers);
        let mut portable = fast.clone();
        for _ in 0..1000 {
            assert_eq!(fast.next_u64s(), portable.next_u64s_portable());
            assert_eq!(fast, portable);
        }
        // Lanes differ from each other and by key.
        let a = Lanes::new(3, 1, 2, Stream::Fees).next_u64s();
        let b = Lanes::new(3, 1, 2, Stream::Residents).next_u64s();
        assert_ne!(a, b);
        for i in 1..LANES {
            assert_ne!(a[i], a[0]);
        }
    }

    /// The uniforms are uniform: mean 1/2, variance 1/12, and each tenth holds a tenth.
    #[test]
    fn lane_uniforms_are_uniform() {
        let mut l = Lanes::new(9, 0, 0, Stream::Residents);
        let n = 400_000;
        let mut bins = [0u32; 10];
        let (mut s, mut s2) = (0.0, 0.0);
        for x in (0..n / BLOCK as u32).flat_map(|_| l.next_block()) {
            let x = f64::from(x);
            s += x;
            s2 += x * x;
            bins[(x * 10.0) as usize] += 1;
        }
        let mean = s / f64::from(n);
        let var = s2 / f64::from(n) - mean * mean;
        assert!((mean - 0.5).abs() < 0.002, "{mean}");
        assert!((var - 1.0 / 12.0).abs() < 0.001, "{var}");
        for b in bins {
            assert!(
                (f64::from(b) / f64::from(n) - 0.1).abs() < 0.003,
                "{bins:?}"
            );
        }
    }
}
