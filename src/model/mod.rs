//! The simulation itself: pure and deterministic. No files, no printing, no threads, no
//! clock. Takes a resolved scenario ([`params::Params`]) and a seed; returns observations.
//!
//! Modules import only downwards, with no loops: `params`, `kind`, `rng`, `rates` and
//! `metrics` are leaves; `world` holds the entity types; `generate` builds a community; the
//! mechanisms (`workforce`, `residents`, `fees`, `firms`, `mobilisation`) each own their rules,
//! economics and what they add to the month's [`metrics::Tally`]; `month` gathers what the
//! mechanisms take from (parameters, month) alone, computed once a month; `schedule` calls
//! them in the month's order.

pub mod fees;
pub mod firms;
pub mod floats;
pub mod generate;
pub mod kind;
pub mod metrics;
pub mod mobilisation;
pub mod month;
pub mod params;
pub mod rates;
pub mod residents;
pub mod rng;
pub mod schedule;
pub mod simd;
pub mod society;
pub mod workforce;
pub mod world;
