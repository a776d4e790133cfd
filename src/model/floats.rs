//! One implementation of `exp`, `ln` and `powf` on every platform, so that a scenario and
//! seed give the same digits natively (Linux, macOS) and in the web page's wasm module.
//!
//! Rust's `f64::exp`, `ln` and `powf` (in the model and in `rand_distr`'s samplers) call the
//! C symbols `exp`, `log` and `pow`. Natively the system's C library answers, in wasm
//! Rust's own port of musl; the two differ in the last bit of some results, which a
//! simulation then carries into its outputs. Defining the symbols here makes every build use
//! the `libm` crate (the same port, one pinned version in Cargo.lock): a definition in the
//! program is preferred to the system library's by the linker, and to the weak one of Rust's
//! builtins in wasm. Each is within 1 ulp of the exact result, like the C library's.

/// `e^x`.
#[unsafe(no_mangle)]
pub extern "C" fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// The natural logarithm.
#[unsafe(no_mangle)]
pub extern "C" fn log(x: f64) -> f64 {
    libm::log(x)
}

/// `x^y`.
#[unsafe(no_mangle)]
pub extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// `e^x` in single precision for the hot loops: Cody and Waite's reduction x = n ln 2 + r
/// with |r| <= ln 2 / 2 and Moshier's degree-7 polynomial for e^r (the one of Cephes'
/// `expf`), scaled by 2^n through the exponent bits. Within 2 ulp of the exact result
/// (relative error below 2.4e-7, checked against `f64::exp` in the tests) for x in
/// [-87, 88]; x outside is clamped to that range, so the result is always finite and
/// positive. Only additions, multiplications and bit moves: the same bits on every
/// platform, natively and in wasm, and in vector registers as in scalar ones.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split so that n * LN2_HI is exact for |n| < 2^9.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // 1.5 x 2^23: adding and subtracting it rounds to the nearest integer (ties to even).
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let shifted = x * LOG2E + ROUND;
    let n = shifted - ROUND;
    // The integer n sits in the low mantissa bits of `shifted`: no float-to-int conversion.
    let scale = (shifted.to_bits().wrapping_sub(ROUND.to_bits()) as i32 + 127) as u32;
    let r = x - n * LN2_HI - n * LN2_LO;
    let mut p = 1.987_569_1e-4;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let e = p * r * r + r + 1.0;
    // 2^n for n in [-126, 127] through the exponent field.
    e * f32::from_bits(scale << 23)
}

#[cfg(test)]
mod tests {
    #[test]
    fn std_math_goes_through_libm() {
        // Values where the system's C library and musl's port are known to differ are
        // platform-specific; instead check that std's methods give libm's bits exactly.
        for i in 1..2000 {
            let x = f64::from(i) * 0.013_7 - 9.0;
            let y = f64::from(i).sqrt() * 0.31;
            assert_eq!(x.exp().to_bits(), libm::exp(x).to_bits(), "exp({x})");
            assert_eq!(y.ln().to_bits(), libm::log(y).to_bits(), "ln({y})");
            assert_eq!(y.powf(x).to_bits(), libm::pow(y, x).to_bits(), "{y}^{x}");
        }
    }

    #[test]
    fn exp_f32_is_within_its_stated_error() {
        let mut worst = 0.0f64;
        for i in 0..=1_750_000 {
            let x = -87.0 + f64::from(i) * 1e-4;
            let x32 = x as f32;
            let got = f64::from(super::exp_f32(x32));
            let exact = f64::from(x32).exp();
            worst = worst.max((got - exact).abs() / exact);
        }
        assert!(worst < 2.4e-7, "relative error {worst}");
        // Exact where it must be, finite and positive outside the range.
        assert_eq!(super::exp_f32(0.0), 1.0);
        assert!(super::exp_f32(-1e30) > 0.0 && super::exp_f32(1e30).is_finite());
        assert_eq!(super::exp_f32(-1000.0), super::exp_f32(-87.0));
    }
}
