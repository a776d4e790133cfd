//! Statistical checks: `shequ validate --quick` (every validation case, with replications)
//! and the mechanisms' stylised facts over 20-year runs. The slow part of the suite:
//! `cargo test --release --test statistical`.

#[path = "../util/mod.rs"]
mod util;

mod mechanisms;
mod validate;
