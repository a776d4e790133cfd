//! Scenario files, outputs and the command line: everything that touches the outside world.

pub mod bench;
pub mod cli;
pub mod compare;
pub mod output;
pub mod plot;
pub mod report;
pub mod scenario;
pub mod views;
