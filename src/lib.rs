//! shequ (社区): an agent-based simulator of urban community governance.
//!
//! Three layers, each using only the one below it (see `docs/ARCHITECTURE.md`):
//! [`model`] (the simulation, pure and deterministic), [`experiment`] (replications,
//! statistics, parallelism) and [`io`] (scenario files, outputs, command line). [`wasm`] is the web page's entry point
//! (`shequ teach`): scenario text in, the `timeseries.csv` text out.

pub mod experiment;
pub mod io;
pub mod model;
pub mod wasm;
