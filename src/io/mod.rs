//! Everything that touches the outside world: the command line and its commands, scenario
//! files, output files, plots and reports. The model and experiment layers below never do.
//!
//! Without the `cli` feature (the wasm build) only scenario parsing and the CSV text of
//! results remain: no files, clap, plotters or libc.

pub mod scenario;
pub mod series;

/// Declares the modules that only the `cli` feature builds.
macro_rules! cli_only {
    ($($m:ident),* $(,)?) => { $( #[cfg(feature = "cli")] pub mod $m; )* };
}

cli_only!(
    cli, commands, design, error, i18n, output, plan, plot, posterior, report, space, tables,
    targets, text, views,
);
