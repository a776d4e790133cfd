//! Everything that touches the outside world: the command line and its commands, scenario
//! files, output files, plots and reports. The model and experiment layers below never do.

//!
//! Without the `cli` feature (the wasm build) only scenario parsing and the CSV text of
//! results remain: no files, clap, plotters or libc.

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "cli")]
pub mod commands;
#[cfg(feature = "cli")]
pub mod error;
#[cfg(feature = "cli")]
pub mod output;
#[cfg(feature = "cli")]
pub mod plot;
#[cfg(feature = "cli")]
pub mod posterior;
#[cfg(feature = "cli")]
pub mod report;
pub mod scenario;
pub mod series;
#[cfg(feature = "cli")]
pub mod space;
#[cfg(feature = "cli")]
pub mod tables;
#[cfg(feature = "cli")]
pub mod targets;
#[cfg(feature = "cli")]
pub mod text;
#[cfg(feature = "cli")]
pub mod views;
