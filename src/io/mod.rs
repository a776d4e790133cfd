//! Scenario files, outputs and the command line: everything that touches the outside world.

pub mod cli;
pub mod output;
pub mod scenario;
