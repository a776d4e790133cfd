//! Integration tests: the binary on real scenario files, its outputs, plots, reports and the
//! tutorial's commands. Fast: the statistical checks are in `tests/statistical/`.

#[path = "../util/mod.rs"]
mod util;

mod cli;
mod compare_sweep;
mod plots;
mod properties;
mod tutorial;
