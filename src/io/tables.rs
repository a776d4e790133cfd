//! The CSV files of `compare` and `sweep`: `comparison.csv`, `sweep.csv` and
//! `sweep_points.csv` (columns and writers), and the labels that name each scenario's folder.

use std::io::{self, Write};

use crate::experiment::compare::{Difference, Spread};
use crate::experiment::sweep::{self, Plan, SweepResult};
use crate::io::output::cell;
use crate::io::views::Better;
use crate::model::metrics::{M, METRICS};

/// Columns of `comparison.csv`, in order (the plots read them back by these names).
pub const COMPARISON_COLUMNS: [&str; 12] = [
    "metric",
    "window",
    "scenario",
    "base",
    "n",
    "base_mean",
    "scenario_mean",
    "diff_mean",
    "diff_sd",
    "diff_ci95_low",
    "diff_ci95_high",
    "excludes_zero",
];

/// The columns `compare --posterior` adds to `comparison.csv`: which way the metric improves
/// (`higher`, `lower` or empty, from `io::views`), the number of accepted points, the shares
/// of points where the scenario's mean difference from the base is better and worse (empty
/// without a direction), and the 2.5 % and 97.5 % quantiles of the points' mean differences.
pub const POSTERIOR_COLUMNS: [&str; 6] = [
    "better",
    "points",
    "p_better",
    "p_worse",
    "diff_points_p025",
    "diff_points_p975",
];

/// The cells of [`POSTERIOR_COLUMNS`] for the row of metric `metric`.
fn posterior_cells(metric: &str, s: &Spread) -> [String; 6] {
    let better = M::from_name(metric).and_then(Better::of);
    let (p_better, p_worse) = match better {
        Some(b) => {
            let (pb, pw) = b.shares(s.share_above, s.share_below);
            (cell(pb), cell(pw))
        }
        None => (String::new(), String::new()),
    };
    [
        better.map_or("", Better::name).to_string(),
        s.points.to_string(),
        p_better,
        p_worse,
        cell(s.lo),
        cell(s.hi),
    ]
}

/// Writes `comparison.csv`: one row per metric x scenario x window (`labels[0]` is the base).
/// With `spreads` (one per row, from `compare --posterior`) the [`POSTERIOR_COLUMNS`] follow.
pub fn write_comparison(
    w: impl Write,
    labels: &[String],
    diffs: &[Difference],
    spreads: Option<&[Spread]>,
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    let mut header = COMPARISON_COLUMNS.to_vec();
    if spreads.is_some() {
        header.extend(POSTERIOR_COLUMNS);
    }
    w.write_record(&header)?;
    for (i, d) in diffs.iter().enumerate() {
        let mut rec = vec![
            d.metric.to_string(),
            d.window.name().to_string(),
            labels[d.scenario].clone(),
            labels[0].clone(),
            d.diff.n.to_string(),
            cell(d.base_mean),
            cell(d.scenario_mean),
            cell(d.diff.mean),
            cell(d.diff.sd),
            cell(d.diff.ci_low),
            cell(d.diff.ci_high),
            d.excludes_zero().to_string(),
        ];
        if let Some(s) = spreads.and_then(|s| s.get(i)) {
            rec.extend(posterior_cells(d.metric, s));
        }
        w.write_record(&rec)?;
    }
    w.flush()
}

/// Writes `sweep.csv`: one row per point x replication with the varied values and the
/// end state (last-year mean) of every metric.
pub fn write_sweep(w: impl Write, plan: &Plan, r: &SweepResult) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    let mut header = vec!["point".to_string(), "rep".to_string()];
    header.extend(plan.keys.iter().cloned());
    header.extend(METRICS.iter().map(|m| m.name.to_string()));
    w.write_record(&header)?;
    let mut rec = Vec::with_capacity(header.len());
    for (p, point) in plan.points.iter().enumerate() {
        for (rep, row) in r.point(p).iter().enumerate() {
            rec.clear();
            rec.push(p.to_string());
            rec.push(rep.to_string());
            rec.extend(point.values.iter().map(sweep::value_text));
            rec.extend(row.iter().map(|x| cell(*x)));
            w.write_record(&rec)?;
        }
    }
    w.flush()
}

/// Writes `sweep_points.csv`: one row per point with the varied values, the number of
/// replications and, per metric, the mean end state and its t-based 95 % interval
/// (`<metric>_mean`, `<metric>_ci95_low`, `<metric>_ci95_high`).
pub fn write_sweep_points(w: impl Write, plan: &Plan, r: &SweepResult) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    let mut header = vec!["point".to_string()];
    header.extend(plan.keys.iter().cloned());
    header.push("n".into());
    for m in METRICS {
        for suffix in ["mean", "ci95_low", "ci95_high"] {
            header.push(format!("{}_{suffix}", m.name));
        }
    }
    w.write_record(&header)?;
    for (p, point) in plan.points.iter().enumerate() {
        let mut rec = vec![p.to_string()];
        rec.extend(point.values.iter().map(sweep::value_text));
        rec.push(r.reps.to_string());
        for s in r.summary(p) {
            rec.extend([cell(s.mean), cell(s.ci_low), cell(s.ci_high)]);
        }
        w.write_record(&rec)?;
    }
    w.flush()
}

/// A file-system-safe label for each scenario name, unique within the comparison.
pub fn labels(names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let mut base: String = name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if base.is_empty() || base.starts_with('.') {
            base.insert(0, 's');
        }
        let mut label = base.clone();
        let mut k = 2;
        // Not the name of a file or folder the comparison itself writes.
        while out.contains(&label)
            || ["comparison.csv", "manifest.json", "plots", "report.html"].contains(&label.as_str())
        {
            label = format!("{base}-{k}");
            k += 1;
        }
        out.push(label);
    }
    out
}
