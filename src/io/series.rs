//! The CSV text of a run's results that both the output files and the web page of
//! `shequ teach` (the wasm module, `crate::wasm`) write, so the two agree to the last digit.

use std::io::{self, Write};

use crate::experiment::{Replication, RunResult};
use crate::model::metrics::{METRICS, N_METRICS};

/// Writes one row per replication x month.
pub fn write_timeseries(w: impl Write, r: &RunResult) -> io::Result<()> {
    write_timeseries_from(w, 0, &r.reps)
}

/// [`write_timeseries`] of replications `first..first + reps.len()` (the web page runs one
/// replication at a time to draw while it runs).
pub fn write_timeseries_from(w: impl Write, first: usize, reps: &[Replication]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    let mut header = vec!["rep".to_string(), "month".to_string()];
    header.extend(METRICS.iter().map(|m| m.name.to_string()));
    w.write_record(&header)?;
    let mut rec: Vec<String> = Vec::with_capacity(N_METRICS + 2);
    for (rep, one) in reps.iter().enumerate() {
        for (m, row) in one.months.iter().enumerate() {
            rec.clear();
            rec.push((first + rep).to_string());
            rec.push((m + 1).to_string());
            rec.extend(row.iter().map(|x| x.to_string()));
            w.write_record(&rec)?;
        }
    }
    w.flush()
}

/// A CSV cell: the shortest text that reads back as `x`; empty for NaN.
pub fn cell(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        x.to_string()
    }
}
