//! Integration tests: the binary on real scenario files, its outputs, plots, reports and the
//! tutorial's commands, the safety of a user's files, and property tests of the model over
//! drawn scenarios. Fast: the statistical checks are in `tests/statistical/`.

#[path = "../util/mod.rs"]
mod util;

mod calibrate;
mod changes;
mod cli;
mod compare_sweep;
mod lang;
mod ownership;
mod plan;
mod plots;
mod posterior;
mod properties;
mod safety;
mod sensitivity;
mod slurm;
mod sweep_designs;
mod teach;
mod tutorial;
