//! Everything that touches the outside world: the command line and its commands, scenario
//! files, output files, plots and reports. The model and experiment layers below never do.

pub mod cli;
pub mod commands;
pub mod design;
pub mod error;
pub mod output;
pub mod plan;
pub mod plot;
pub mod posterior;
pub mod report;
pub mod scenario;
pub mod space;
pub mod tables;
pub mod targets;
pub mod text;
pub mod views;
