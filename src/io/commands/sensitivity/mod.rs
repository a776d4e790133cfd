//! `shequ sensitivity sample | analyze | run`: global sensitivity analysis (Sobol' indices
//! with Saltelli's design, Morris screening), on shequ itself or, like SALib's command line,
//! on any model's outputs.
//!
//! - `sample` writes `design.csv`: a header of factor names and one row per model run, in
//!   the order they must be evaluated (Saltelli's A, AB_1..AB_k, B per base point; Morris
//!   trajectories of k+1 rows).
//! - `analyze` reads `design.csv` and `results.csv` (one or more output columns, one row per
//!   design row, in order) and writes `indices.csv`.
//! - `run` samples, simulates every row with common random numbers (the same seed and
//!   replications for every row), analyses and writes an output folder. `shequ plan
//!   sensitivity` writes the same run's units (design row x replication) to a plan folder
//!   instead, and `shequ merge` publishes them through the same writer ([`publish_result`]).
//!
//! Single-file outputs (`sample --out`, `analyze --out`) are written to a temporary file
//! beside the target and linked into place in one step: an existing file is never
//! overwritten unless `--force` is given (it is then replaced in one step). Folders (`run
//! --out`) follow the project's claim rules (`io::output::claim`).

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufRead, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use clap::{Args, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::experiment::sensitivity::{Method, morris, sobol};
use crate::experiment::windows::Window;
use crate::experiment::{in_pool, run_replication};
use crate::io::cli::CommonArgs;
use crate::io::commands::{claim, note, progress_bar, resolve, threads, throughput};
use crate::io::error::{Error, Result};
use crate::io::output::{self, cell};
use crate::io::plot::sensitivity::{self as plot, MorrisPoint, SobolRow};
use crate::io::space::{Dist, Factor, load_space};
use crate::model::metrics::M;
use crate::model::params::Params;
use crate::model::params::domain::{Domain, SetError};

/// Morris levels when `--levels` is not given (SALib's default).
pub const DEFAULT_LEVELS: usize = 4;
/// Bootstrap seed of `analyze` when `--seed` is not given.
pub const DEFAULT_ANALYZE_SEED: u64 = 1;
/// Outputs of `run` when `--metrics` is not given.
pub const DEFAULT_METRICS: &str =
    "managed_share,fee_collection_rate,worker_turnover_annual,public_cost";

/// The analysis method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Sobol' first-order and total indices (Saltelli design, N·(k+2) rows).
    Sobol,
    /// Morris elementary effects (N trajectories, N·(k+1) rows).
    Morris,
}

impl MethodArg {
    fn method(self) -> Method {
        match self {
            MethodArg::Sobol => Method::Sobol,
            MethodArg::Morris => Method::Morris,
        }
    }
}

/// `shequ sensitivity ...`.
#[derive(Subcommand, Debug)]
pub enum SensitivityCommand {
    /// Write a design (design.csv) for a space of factors (SPACE.toml).
    Sample(SampleArgs),
    /// Compute indices (indices.csv) from a design and its results.
    Analyze(AnalyzeArgs),
    /// Sample, simulate a scenario at every design row (common random numbers), analyse,
    /// and write design.csv, results.csv, indices.csv, convergence.csv, manifest.json and
    /// plots to a folder; a rerun resumes an interrupted run.
    Run(RunArgs),
}

/// `shequ sensitivity sample`.
#[derive(Args, Debug, Clone)]
pub struct SampleArgs {
    /// The analysis method.
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// The factors: [[factor]] tables with name, lo, hi (optional dist, comment).
    #[arg(long)]
    pub space: PathBuf,
    /// Base points (Sobol', a power of 2 is best) or trajectories (Morris).
    #[arg(long)]
    pub n: usize,
    /// Morris grid levels (even; default 4).
    #[arg(long)]
    pub levels: Option<usize>,
    /// Seed of the design (the Sobol' scrambling or the Morris trajectories).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The design file to write (CSV).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `shequ sensitivity analyze`.
#[derive(Args, Debug, Clone)]
pub struct AnalyzeArgs {
    /// The analysis method the design was sampled for.
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// The design (design.csv of `sample`, or any CSV with the same layout).
    #[arg(long)]
    pub design: PathBuf,
    /// The outputs: a header of output names and one row per design row, in order.
    #[arg(long)]
    pub results: PathBuf,
    /// Morris grid levels the design was sampled on (default 4).
    #[arg(long)]
    pub levels: Option<usize>,
    /// Seed of the bootstrap intervals.
    #[arg(long, default_value_t = DEFAULT_ANALYZE_SEED)]
    pub seed: u64,
    /// The indices file to write (CSV).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `shequ sensitivity run`.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Scenario file (TOML) whose keys the space's factors name.
    pub scenario: PathBuf,
    /// The factors: [[factor]] tables whose names are scenario keys (see scenarios/spaces/).
    #[arg(long)]
    pub space: PathBuf,
    /// The analysis method.
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// Base points (Sobol') or trajectories (Morris).
    #[arg(long)]
    pub n: usize,
    /// Morris grid levels (even; default 4).
    #[arg(long)]
    pub levels: Option<usize>,
    /// Output metrics, comma-separated (default: managed_share, fee_collection_rate,
    /// worker_turnover_annual, public_cost).
    #[arg(long)]
    pub metrics: Option<String>,
    /// Window each metric is read over: final_month, last_year (default), first_year,
    /// settled, whole_run, or months:FROM-TO.
    #[arg(long)]
    pub window: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `shequ sensitivity`.
pub fn sensitivity(c: &SensitivityCommand, args: &[String]) -> Result {
    match c {
        SensitivityCommand::Sample(a) => sample(a),
        SensitivityCommand::Analyze(a) => analyze(a),
        SensitivityCommand::Run(a) => run(a, args),
    }
}

/// The Morris levels: refused for Sobol', checked for Morris.
fn levels(method: MethodArg, levels: Option<usize>) -> Result<usize> {
    match (method, levels) {
        (MethodArg::Sobol, Some(_)) => Err(Error::Input(
            "--levels is for --method morris; a Sobol' design has no grid".into(),
        )),
        (MethodArg::Sobol, None) => Ok(0),
        (MethodArg::Morris, l) => {
            let l = l.unwrap_or(DEFAULT_LEVELS);
            morris::check_levels(l).map_err(Error::Input)?;
            Ok(l)
        }
    }
}

/// The unit design of `method` for `factors`, scaled to factor values.
fn design(
    method: MethodArg,
    factors: &[Factor],
    n: usize,
    levels: usize,
    seed: u64,
    space: &Path,
) -> Result<Vec<Vec<f64>>> {
    let k = factors.len();
    let unit = match method {
        MethodArg::Sobol => sobol::sample(k, n, seed),
        MethodArg::Morris => {
            if let Some(f) = factors.iter().find(|f| f.dist != Dist::Uniform) {
                return Err(Error::Input(format!(
                    "{}: factor `{}` has dist = \"{}\"; Morris needs uniform factors (its grid's end levels 0 and 1 would map to infinite values)",
                    space.display(),
                    f.name,
                    f.dist.name()
                )));
            }
            morris::sample(k, n, levels, seed)
        }
    }
    .map_err(|e| Error::Input(format!("{}: {e}", space.display())))?;
    Ok(unit
        .iter()
        .map(|u| factors.iter().zip(u).map(|(f, u)| f.scale(*u)).collect())
        .collect())
}

/// Writes a CSV of `header` and `rows` of numbers.
fn write_table(w: impl io::Write, header: &[String], rows: &[Vec<f64>]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(header)?;
    for r in rows {
        w.write_record(r.iter().map(|x| cell(*x)))?;
    }
    w.flush()
}

/// Writes `out` whole or not at all: a temporary file beside it, then a link into place
/// (refused if `out` exists) or, with `force`, a rename over it.
fn write_single(
    out: &Path,
    force: bool,
    fill: impl FnOnce(&mut fs::File) -> io::Result<()>,
) -> Result {
    if out.is_dir() {
        return Err(Error::Input(format!(
            "--out {} is a folder; give a file name",
            out.display()
        )));
    }
    if out.exists() && !force {
        return Err(Error::Input(format!(
            "--out {} exists; shequ does not overwrite a file it may not have written (remove it, choose another name, or pass --force)",
            out.display()
        )));
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(Error::Input(format!(
            "--out {}: folder {} does not exist",
            out.display(),
            parent.display()
        )));
    }
    let name = out
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        fill(&mut f)?;
        f.sync_all()?;
        drop(f);
        if force {
            fs::rename(&tmp, out)
        } else {
            fs::hard_link(&tmp, out)
        }
    })();
    let _ = fs::remove_file(&tmp);
    result.map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            Error::Input(format!(
                "--out {} appeared while writing; it was left as it is",
                out.display()
            ))
        } else {
            Error::Run(format!("cannot write {}: {e}", out.display()))
        }
    })
}

/// `shequ sensitivity sample`.
fn sample(a: &SampleArgs) -> Result {
    let levels = levels(a.method, a.levels)?;
    let factors = load_space(&a.space)?;
    let x = design(a.method, &factors, a.n, levels, a.seed, &a.space)?;
    let header: Vec<String> = factors.iter().map(|f| f.name.clone()).collect();
    write_single(&a.out, a.force, |f| {
        let mut w = io::BufWriter::new(f);
        write_table(&mut w, &header, &x)?;
        w.flush()
    })?;
    note(&format!(
        "shequ sensitivity sample: {} design of {} factor(s), {} row(s) (seed {}) in {}",
        a.method.method().name(),
        factors.len(),
        x.len(),
        a.seed,
        a.out.display()
    ));
    if a.method == MethodArg::Sobol && !a.n.is_power_of_two() {
        note("note: --n is not a power of 2; the Sobol' sequence is balanced at powers of 2");
    }
    Ok(())
}

/// A numeric CSV: its header and rows. Errors name the file, the line and the column.
fn read_table(path: &Path) -> Result<(Vec<String>, Vec<Vec<f64>>)> {
    let file = fs::File::open(path)
        .map_err(|e| Error::Input(format!("{}: cannot read: {e}", path.display())))?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(io::BufReader::new(file));
    let header: Vec<String> = r
        .headers()
        .map_err(|e| Error::Input(format!("{}: not a CSV file: {e}", path.display())))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.is_empty() || header.iter().any(String::is_empty) {
        return Err(Error::Input(format!(
            "{}: line 1 must name every column (a header of factor or output names)",
            path.display()
        )));
    }
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| Error::Input(format!("{}: line {line}: {e}", path.display())))?;
        let row: Vec<f64> = rec
            .iter()
            .zip(&header)
            .map(|(v, h)| match v.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x),
                _ => Err(Error::Input(format!(
                    "{}: line {line}, column `{h}`: `{v}` is not a finite number",
                    path.display()
                ))),
            })
            .collect::<Result<_>>()?;
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(Error::Input(format!("{}: no data rows", path.display())));
    }
    Ok((header, rows))
}

/// Computes the indices of every output column of `y` (rows) from design `x`; returns the
/// indices.csv rows as text cells.
fn indices_rows(
    method: MethodArg,
    factors: &[String],
    x: &[Vec<f64>],
    outputs: &[String],
    y: &[Vec<f64>],
    levels: usize,
    seed: u64,
) -> std::result::Result<Analysis, String> {
    let k = factors.len();
    let mut out = Analysis::default();
    if method == MethodArg::Sobol {
        sobol::check_design(x, k)?;
    } else {
        morris::steps(x, k)?;
    }
    for (o, name) in outputs.iter().enumerate() {
        let col: Vec<f64> = y.iter().map(|r| r[o]).collect();
        match method {
            MethodArg::Sobol => {
                let s =
                    sobol::analyze(&col, k, seed).map_err(|e| format!("output `{name}`: {e}"))?;
                out.sobol.push((name.clone(), s));
            }
            MethodArg::Morris => {
                let m = morris::analyze(x, &col, k, levels, seed)
                    .map_err(|e| format!("output `{name}`: {e}"))?;
                out.morris.push((name.clone(), m));
            }
        }
    }
    Ok(out)
}

/// One row group of `convergence.csv`: output, sample size, per factor (S1, ST) or
/// (mu_star, sigma).
type ConvergenceRow = (String, usize, Vec<(f64, f64)>);

/// Sample sizes of the convergence table: N, N/2, N/4, ... down to `min`, at most 6,
/// ascending. Designs are nested: the first m base points (or trajectories) are a design.
fn convergence_sizes(n: usize, min: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut m = n;
    while m >= min && sizes.len() < 6 {
        sizes.push(m);
        m /= 2;
    }
    sizes.reverse();
    sizes
}

/// Per output, per size: the indices from the design's first `size` base points or
/// trajectories. Rows of `convergence.csv`: output, factor, n, then S1, ST or mu_star, sigma.
fn convergence(
    method: MethodArg,
    k: usize,
    x: &[Vec<f64>],
    outputs: &[String],
    y: &[Vec<f64>],
    levels: usize,
) -> std::result::Result<Vec<ConvergenceRow>, String> {
    let (block, min) = match method {
        MethodArg::Sobol => (k + 2, 4),
        MethodArg::Morris => (k + 1, 2),
    };
    let n = x.len() / block;
    let mut out = Vec::new();
    for (o, name) in outputs.iter().enumerate() {
        let col: Vec<f64> = y.iter().map(|r| r[o]).collect();
        for m in convergence_sizes(n, min) {
            let rows = m * block;
            let v: Vec<(f64, f64)> = match method {
                MethodArg::Sobol => sobol::analyze(&col[..rows], k, DEFAULT_ANALYZE_SEED)?
                    .iter()
                    .map(|i| (i.s1, i.st))
                    .collect(),
                MethodArg::Morris => {
                    morris::analyze(&x[..rows], &col[..rows], k, levels, DEFAULT_ANALYZE_SEED)?
                        .iter()
                        .map(|i| (i.mu_star, i.sigma))
                        .collect()
                }
            };
            out.push((name.clone(), m, v));
        }
    }
    Ok(out)
}

/// The indices of each output.
#[derive(Default)]
struct Analysis {
    sobol: Vec<(String, Vec<sobol::Indices>)>,
    morris: Vec<(String, Vec<morris::Indices>)>,
}

/// The header of Sobol' indices.csv.
pub const SOBOL_COLUMNS: [&str; 8] = [
    "output", "factor", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi",
];
/// The header of Morris indices.csv.
pub const MORRIS_COLUMNS: [&str; 6] = [
    "output",
    "factor",
    "mu_star",
    "mu_star_lo",
    "mu_star_hi",
    "sigma",
];

fn write_indices(w: impl io::Write, factors: &[String], a: &Analysis) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    if a.morris.is_empty() {
        w.write_record(SOBOL_COLUMNS)?;
    } else {
        w.write_record(MORRIS_COLUMNS)?;
    }
    for (o, s) in &a.sobol {
        for (f, i) in factors.iter().zip(s) {
            w.write_record([
                o.clone(),
                f.clone(),
                cell(i.s1),
                cell(i.s1_lo),
                cell(i.s1_hi),
                cell(i.st),
                cell(i.st_lo),
                cell(i.st_hi),
            ])?;
        }
    }
    for (o, m) in &a.morris {
        for (f, i) in factors.iter().zip(m) {
            w.write_record([
                o.clone(),
                f.clone(),
                cell(i.mu_star),
                cell(i.mu_star_lo),
                cell(i.mu_star_hi),
                cell(i.sigma),
            ])?;
        }
    }
    w.flush()
}

/// `shequ sensitivity analyze`.
fn analyze(a: &AnalyzeArgs) -> Result {
    let levels = levels(a.method, a.levels)?;
    let (factors, x) = read_table(&a.design)?;
    let (outputs, y) = read_table(&a.results)?;
    if y.len() != x.len() {
        return Err(Error::Input(format!(
            "{} has {} data row(s) but {} has {}; results need one row per design row, in the design's order",
            a.results.display(),
            y.len(),
            a.design.display(),
            x.len()
        )));
    }
    let analysis =
        indices_rows(a.method, &factors, &x, &outputs, &y, levels, a.seed).map_err(|e| {
            Error::Input(format!(
                "{} / {}: {e}",
                a.design.display(),
                a.results.display()
            ))
        })?;
    write_single(&a.out, a.force, |f| {
        let mut w = io::BufWriter::new(f);
        write_indices(&mut w, &factors, &analysis)?;
        w.flush()
    })?;
    note(&format!(
        "shequ sensitivity analyze: {} indices of {} output(s) x {} factor(s) in {}",
        a.method.method().name(),
        outputs.len(),
        factors.len(),
        a.out.display()
    ));
    Ok(())
}

mod run;
use run::run;
pub use run::{SensJob, prepare, publish_result};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn convergence_sizes_halve_down_to_the_minimum() {
        assert_eq!(convergence_sizes(64, 4), vec![4, 8, 16, 32, 64]);
        assert_eq!(
            convergence_sizes(1024, 4),
            vec![32, 64, 128, 256, 512, 1024]
        );
        assert_eq!(convergence_sizes(20, 2), vec![2, 5, 10, 20]);
        assert_eq!(convergence_sizes(3, 4), Vec::<usize>::new());
    }
}
