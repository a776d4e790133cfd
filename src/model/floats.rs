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
}
