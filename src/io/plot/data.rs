//! What the plots read: the columns of `timeseries.csv` and `summary.csv`, a run directory,
//! and the statistics of the plotted points (yearly aggregation, mean and 95 % band).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::experiment::stats::{Summary, summarize};
use crate::io::output::SUMMARY_COLUMNS;
use crate::io::plot::events::{EventRow, read_events};
use crate::model::metrics::{M, Year};

/// The monthly values of every column of a `timeseries.csv` (`rep`, `month`, metrics...).
#[derive(Debug, Clone)]
pub struct TimeSeries {
    /// Metric names, in file order (without `rep` and `month`).
    pub columns: Vec<String>,
    /// `values[column][rep][month - 1]`.
    values: Vec<Vec<Vec<f64>>>,
}

impl TimeSeries {
    /// Reads a `timeseries.csv`. Rows may come in any order; an empty cell is NaN.
    pub fn read(path: &Path) -> Result<Self> {
        let (mut r, cols) = Columns::open(path)?;
        let [rep_col, month_col] = cols.indices(["rep", "month"])?;
        let header = &cols.header;
        let metric_cols: Vec<usize> = (0..header.len())
            .filter(|&i| i != rep_col && i != month_col)
            .collect();
        let columns: Vec<String> = metric_cols.iter().map(|&i| header[i].to_string()).collect();
        let mut values: Vec<Vec<Vec<f64>>> = vec![Vec::new(); columns.len()];
        for (line, rec) in r.records().enumerate() {
            let rec = rec.with_context(|| format!("cannot read {}", path.display()))?;
            let bad = || format!("{}: row {}: bad rep or month", path.display(), line + 2);
            let rep: usize = cell(&rec, rep_col).parse().with_context(bad)?;
            let month: usize = cell(&rec, month_col).parse().with_context(bad)?;
            if month == 0 || rep > 100_000 || month > 100_000 {
                bail!(bad());
            }
            for (k, &c) in metric_cols.iter().enumerate() {
                let cell = cell(&rec, c);
                let x = if cell.is_empty() {
                    f64::NAN
                } else {
                    cell.parse().with_context(|| {
                        format!(
                            "{}: row {}: `{cell}` is not a number",
                            path.display(),
                            line + 2
                        )
                    })?
                };
                let reps = &mut values[k];
                if reps.len() <= rep {
                    reps.resize(rep + 1, Vec::new());
                }
                if reps[rep].len() < month {
                    reps[rep].resize(month, f64::NAN);
                }
                reps[rep][month - 1] = x;
            }
        }
        if values.first().is_none_or(|v| v.is_empty()) {
            bail!("{}: no rows", path.display());
        }
        Ok(Self { columns, values })
    }

    /// Number of replications.
    pub fn reps(&self) -> usize {
        self.values.first().map_or(0, Vec::len)
    }

    /// Number of months (of the longest replication).
    pub fn months(&self) -> usize {
        self.values
            .first()
            .map_or(0, |v| v.iter().map(Vec::len).max().unwrap_or(0))
    }

    /// One metric: `[rep][month - 1]`, or `None` if the file has no such column.
    pub fn metric(&self, name: &str) -> Option<&[Vec<f64>]> {
        let i = self.columns.iter().position(|c| c == name)?;
        Some(&self.values[i])
    }
}

/// A CSV file's header, for finding its columns by name.
pub(super) struct Columns<'p> {
    pub(super) path: &'p Path,
    pub(super) header: csv::StringRecord,
}

impl<'p> Columns<'p> {
    /// Opens `path` and reads its header.
    pub(super) fn open(path: &'p Path) -> Result<(csv::Reader<fs::File>, Self)> {
        let mut r = csv::Reader::from_path(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let header = r
            .headers()
            .with_context(|| format!("cannot read {}", path.display()))?
            .clone();
        Ok((r, Self { path, header }))
    }

    /// The index of the column `name`.
    pub(super) fn index(&self, name: &str) -> Result<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| anyhow!("{}: no `{name}` column", self.path.display()))
    }

    /// The indices of the columns `names`, in order.
    pub(super) fn indices<const N: usize>(&self, names: [&str; N]) -> Result<[usize; N]> {
        let mut out = [0; N];
        for (o, name) in out.iter_mut().zip(names) {
            *o = self.index(name)?;
        }
        Ok(out)
    }
}

/// Cell `i` of `rec` as text (empty if missing).
pub(super) fn cell(rec: &csv::StringRecord, i: usize) -> &str {
    rec.get(i).unwrap_or("")
}

/// Cell `i` of `rec` as a number; empty (or unreadable) cells are NaN.
pub(super) fn num(rec: &csv::StringRecord, i: usize) -> f64 {
    cell(rec, i).parse().unwrap_or(f64::NAN)
}

/// One row of `summary.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub metric: String,
    /// `final_month` or `last_year`.
    pub window: String,
    pub n: usize,
    pub mean: f64,
    pub sd: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Reads `summary.csv` (empty cells are NaN).
pub fn read_summary(path: &Path) -> Result<Vec<SummaryRow>> {
    let (mut r, cols) = Columns::open(path)?;
    let c = cols.indices(SUMMARY_COLUMNS)?;
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.with_context(|| format!("cannot read {}", path.display()))?;
        out.push(SummaryRow {
            metric: cell(&rec, c[0]).to_string(),
            window: cell(&rec, c[1]).to_string(),
            n: cell(&rec, c[2]).parse().unwrap_or(0),
            mean: num(&rec, c[3]),
            sd: num(&rec, c[4]),
            ci_low: num(&rec, c[5]),
            ci_high: num(&rec, c[6]),
        });
    }
    Ok(out)
}

/// `dir/file`, which must exist: without it `dir` is not the output directory of
/// `shequ command`.
pub fn required_file(dir: &Path, file: &str, command: &str) -> Result<PathBuf> {
    let path = dir.join(file);
    if !path.is_file() {
        bail!(
            "{} has no {file}: not the output directory of `shequ {command}`",
            dir.display()
        );
    }
    Ok(path)
}

/// `dir/manifest.json`, or `Null` when the directory has none.
pub fn read_manifest(dir: &Path) -> Result<serde_json::Value> {
    let mp = dir.join("manifest.json");
    if !mp.is_file() {
        return Ok(serde_json::Value::Null);
    }
    let text = fs::read_to_string(&mp).with_context(|| format!("cannot read {}", mp.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}: bad JSON", mp.display()))
}

/// The scenario name and description a manifest gives; without a name, the last component
/// of `dir` (or `fallback` when it has none).
pub fn scenario_named(
    manifest: &serde_json::Value,
    dir: &Path,
    fallback: &str,
) -> (String, String) {
    let text = |k: &str| manifest.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let name = text("scenario").unwrap_or_else(|| {
        dir.file_name().map_or_else(
            || fallback.to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    });
    (name, text("description").unwrap_or_default())
}

/// Everything the plots and the report of one `shequ run` directory need.
#[derive(Debug, Clone)]
pub struct RunDir {
    pub dir: PathBuf,
    /// Scenario name and description (from the manifest; the directory name if absent).
    pub name: String,
    pub description: String,
    pub timeseries: TimeSeries,
    /// Empty when the directory has no summary.csv.
    pub summary: Vec<SummaryRow>,
    /// `Null` when the directory has no manifest.json.
    pub manifest: serde_json::Value,
    /// The rows of events.csv (empty when it is absent or has no rows).
    pub events: Vec<EventRow>,
}

impl RunDir {
    /// Reads `timeseries.csv` (required), `summary.csv`, `manifest.json` and `events.csv`
    /// (optional).
    pub fn load(dir: &Path) -> Result<Self> {
        let ts = required_file(dir, "timeseries.csv", "run")?;
        let timeseries = TimeSeries::read(&ts)?;
        let sp = dir.join("summary.csv");
        let summary = if sp.is_file() {
            read_summary(&sp)?
        } else {
            Vec::new()
        };
        let manifest = read_manifest(dir)?;
        let ep = dir.join("events.csv");
        let events = if ep.is_file() {
            read_events(&ep)?
        } else {
            Vec::new()
        };
        let (name, description) = scenario_named(&manifest, dir, "run");
        Ok(Self {
            dir: dir.to_path_buf(),
            name,
            description,
            timeseries,
            summary,
            manifest,
            events,
        })
    }

    /// The summary of `metric` over `window` (`last_year` or `final_month`).
    pub fn summary_of(&self, metric: &str, window: &str) -> Option<&SummaryRow> {
        self.summary
            .iter()
            .find(|r| r.metric == metric && r.window == window)
    }
}

/// How monthly values are turned into the plotted points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// Every month, at x = month / 12.
    Monthly,
    /// Each replication's sum over each year (counts such as firm exits), at x = year.
    YearlySum,
    /// Each replication's mean over each year, at x = year.
    YearlyMean,
}

impl Aggregate {
    /// How `m` is drawn over time: a flow ([`Year::Sum`]) as each year's total, a level
    /// month by month.
    pub fn of(m: M) -> Self {
        match m.meta().year {
            Year::Sum => Aggregate::YearlySum,
            Year::Mean => Aggregate::Monthly,
        }
    }
}

/// Per replication, the plotted values: monthly as they are, or summed / averaged per
/// complete year. Returns `(x, values[rep][point])` with x in years.
pub fn aggregate(reps: &[Vec<f64>], how: Aggregate) -> (Vec<f64>, Vec<Vec<f64>>) {
    let months = reps.iter().map(Vec::len).min().unwrap_or(0);
    match how {
        Aggregate::Monthly => (
            (1..=months).map(|m| m as f64 / 12.0).collect(),
            reps.iter().map(|r| r[..months].to_vec()).collect(),
        ),
        Aggregate::YearlySum | Aggregate::YearlyMean => {
            let years = months / 12;
            let per = |r: &Vec<f64>| -> Vec<f64> {
                (0..years)
                    .map(|y| {
                        let s: f64 = r[y * 12..(y + 1) * 12].iter().sum();
                        if how == Aggregate::YearlySum {
                            s
                        } else {
                            s / 12.0
                        }
                    })
                    .collect()
            };
            (
                (1..=years).map(|y| y as f64).collect(),
                reps.iter().map(per).collect(),
            )
        }
    }
}

/// Mean and t-based 95 % confidence interval across replications at each point
/// (`values[rep][point]`), by [`summarize`]. With one replication the interval is NaN.
pub fn band(values: &[Vec<f64>]) -> Vec<Summary> {
    let points = values.iter().map(Vec::len).min().unwrap_or(0);
    let mut column = Vec::with_capacity(values.len());
    (0..points)
        .map(|i| {
            column.clear();
            column.extend(values.iter().map(|r| r[i]));
            summarize(&column)
        })
        .collect()
}

/// A mean with its 95 % confidence interval (NaN bounds: no interval).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

#[cfg(test)]
mod tests {
    use super::{Aggregate, aggregate, band};
    use crate::model::metrics::M;

    #[test]
    fn yearly_aggregation_and_band() {
        let reps = vec![(1..=24).map(f64::from).collect::<Vec<_>>(); 3];
        let (x, v) = aggregate(&reps, Aggregate::YearlySum);
        assert_eq!(x, vec![1.0, 2.0]);
        assert_eq!(v[0], vec![78.0, 222.0]);
        let (_, m) = aggregate(&reps, Aggregate::YearlyMean);
        assert_eq!(m[0], vec![6.5, 18.5]);
        let b = band(&[vec![1.0, 2.0], vec![3.0, 4.0]]);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].mean, 2.0);
        // n = 2: half-width t(0.975, 1) * sd / sqrt(2) = 12.706 * sqrt(2) / sqrt(2).
        assert!((b[0].ci_high - 2.0 - 12.706).abs() < 1e-3);
    }

    #[test]
    fn flows_are_drawn_as_yearly_totals() {
        assert_eq!(Aggregate::of(M::FirmExits), Aggregate::YearlySum);
        assert_eq!(Aggregate::of(M::FeeCollectionRate), Aggregate::Monthly);
    }
}
