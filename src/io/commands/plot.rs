//! `shequ plot DIR`: the plots and report of an earlier output directory.

use std::path::Path;

use crate::io::commands::note;
use crate::io::error::{Error, Result};

/// Redraws `dir/plots/` and `dir/report.html`.
pub fn plot(dir: &Path) -> Result {
    if !crate::io::report::is_output_dir(dir) {
        return Err(Error::Input(format!(
            "{} has no timeseries.csv, comparison.csv or sweep.csv: name the output directory of `shequ run`, `shequ compare` or `shequ sweep`",
            dir.display()
        )));
    }
    let r = crate::io::report::render_dir(dir).map_err(|e| Error::Run(format!("{e:#}")))?;
    note(&format!(
        "{} plots in {}, report in {} ({:.2} s)",
        r.figures.len(),
        r.plots_dir.display(),
        r.report.display(),
        r.seconds
    ));
    Ok(())
}
