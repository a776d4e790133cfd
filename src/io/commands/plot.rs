//! `shequ plot DIR`: the plots and report of an earlier output directory.

use std::path::Path;

use crate::io::commands::note;
use crate::io::error::{Error, Result};
use crate::io::output::claim;

/// Redraws `dir/plots/` and `dir/report.html`.
pub fn plot(dir: &Path) -> Result {
    if !crate::io::report::is_output_dir(dir) {
        return Err(Error::Input(format!(
            "{} has no timeseries.csv, comparison.csv or sweep.csv: name the output directory of `shequ run`, `shequ compare` or `shequ sweep`",
            dir.display()
        )));
    }
    // The plots folder and the report are replaced whole: refuse if the user keeps files of
    // their own in the plots folder (anything but drawn plots).
    let manifest = claim::shequ_manifest(dir).unwrap_or(serde_json::Value::Null);
    let foreign: Vec<String> = claim::foreign_entries(dir, &manifest)
        .map_err(|e| Error::Input(format!("cannot read {}: {e}", dir.display())))?
        .into_iter()
        .filter(|f| f.starts_with("plots/") || f == "plots")
        .collect();
    if !foreign.is_empty() {
        return Err(Error::Input(format!(
            "{}: the plots folder holds what shequ did not write ({}); move that away first, since redrawing replaces the plots folder whole",
            dir.display(),
            foreign.join(", ")
        )));
    }
    let r = crate::io::report::render_dir(dir).map_err(|e| Error::Run(format!("{e:#}")))?;
    note(&crate::io::i18n::fmt(
        crate::io::i18n::N_PLOTS_IN,
        &[
            ("n", &r.figures.len().to_string()),
            ("dir", &r.plots_dir.display().to_string()),
            ("file", &r.report.display().to_string()),
            ("s", &format!("{:.2}", r.seconds)),
        ],
    ));
    Ok(())
}
