//! Which instructions the hot loops run on: on x86-64 processors with AVX2 (most made since
//! 2013) the per-household loops of residents and payments are compiled a second time with
//! AVX2 enabled and chosen at run time; elsewhere (older processors, other architectures, the
//! web page's wasm) the same code runs as compiled for the baseline. Two steps the compiler
//! vectorises badly are written out in AVX2 instructions and taken under the same choice:
//! the random lanes' step (`rng::Lanes::next_u64s`) and the warning's test of who is warned
//! in a time step (`mobilisation::Waiting::hits`); each has a plain twin, tested equal.
//!
//! Both compilations give the same bits: the loops use integer operations and IEEE
//! additions, multiplications, divisions and comparisons only, which are exact in every
//! instruction set, and Rust never fuses a multiplication and an addition on its own. The
//! test `vector_and_baseline_kernels_give_identical_replications` checks it, and the web
//! page's test checks the wasm build against the native one.

use std::sync::atomic::{AtomicU8, Ordering};

const UNKNOWN: u8 = 0;
const BASELINE: u8 = 1;
const AVX2: u8 = 2;

static CHOICE: AtomicU8 = AtomicU8::new(UNKNOWN);

/// Whether the AVX2 compilation of the hot loops runs.
#[inline]
pub fn avx2() -> bool {
    match CHOICE.load(Ordering::Relaxed) {
        UNKNOWN => {
            let c = if detect() { AVX2 } else { BASELINE };
            CHOICE.store(c, Ordering::Relaxed);
            c == AVX2
        }
        c => c == AVX2,
    }
}

#[cfg(target_arch = "x86_64")]
fn detect() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

#[cfg(not(target_arch = "x86_64"))]
fn detect() -> bool {
    false
}

/// Makes the hot loops run their baseline compilation (`false`) or choose by the processor
/// again (`true`). Results do not change; `shequ bench --baseline-kernels` and the tests
/// use it to compare the two.
pub fn use_vector_kernels(yes: bool) {
    let c = if yes && detect() { AVX2 } else { BASELINE };
    CHOICE.store(c, Ordering::Relaxed);
}

/// Defines `fn $name(args) -> ret` (with its visibility; without `-> ret`, returning nothing)
/// that runs `$body` compiled for AVX2 when [`avx2`] says so and for the baseline otherwise.
/// The body and everything it calls with `#[inline]` are compiled into both.
macro_rules! dispatch {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $crate::model::simd::dispatch! {
            $(#[$meta])* $vis fn $name($($arg: $ty),*) -> () $body
        }
    };
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        $(#[$meta])*
        #[allow(clippy::unused_unit)]
        $vis fn $name($($arg: $ty),*) -> $ret {
            #[inline(always)]
            #[allow(clippy::too_many_arguments, clippy::unused_unit)]
            fn kernel($($arg: $ty),*) -> $ret $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            #[allow(clippy::too_many_arguments, clippy::unused_unit)]
            unsafe fn kernel_avx2($($arg: $ty),*) -> $ret {
                kernel($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            if $crate::model::simd::avx2() {
                // SAFETY: `avx2()` is true only where the processor has AVX2.
                return unsafe { kernel_avx2($($arg),*) };
            }
            kernel($($arg),*)
        }
    };
}
pub(crate) use dispatch;
