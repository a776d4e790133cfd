//! The simulation itself: pure and deterministic. No files, no printing, no threads, no
//! clock. Takes a resolved scenario ([`params::Params`]) and a seed; returns observations.

pub mod fees;
pub mod firms;
pub mod mobilisation;
pub mod params;
pub mod residents;
pub mod rng;
pub mod schedule;
pub mod workforce;
pub mod world;
