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
//!   replications for every row), analyses and writes an output folder.
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
use crate::experiment::windows::{self, Window};
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

/// Parses `--window`.
fn parse_window(w: Option<&str>) -> Result<Window> {
    let Some(w) = w else {
        return Ok(Window::LastYear);
    };
    if let Some(w) = Window::from_name(w) {
        return Ok(w);
    }
    if let Some(range) = w.strip_prefix("months:") {
        if let Some((a, b)) = range.split_once('-') {
            if let (Ok(a), Ok(b)) = (a.trim().parse::<usize>(), b.trim().parse::<usize>()) {
                if a >= 1 && a <= b {
                    return Ok(Window::Months(a, b));
                }
            }
        }
    }
    Err(Error::Input(format!(
        "--window {w}: allowed: final_month, last_year, first_year, settled, whole_run, or months:FROM-TO (1 <= FROM <= TO)"
    )))
}

/// Parses `--metrics`.
fn parse_metrics(m: Option<&str>) -> Result<Vec<M>> {
    let list = m.unwrap_or(DEFAULT_METRICS);
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let id = M::from_name(name).ok_or_else(|| {
            Error::Input(format!(
                "--metrics: `{name}` is not a metric (`shequ explain --metrics` lists them)"
            ))
        })?;
        if out.contains(&id) {
            return Err(Error::Input(format!("--metrics: `{name}` is listed twice")));
        }
        out.push(id);
    }
    if out.is_empty() {
        return Err(Error::Input("--metrics needs at least one metric".into()));
    }
    Ok(out)
}

/// Checks every factor names a numeric scenario key whose range the key allows; returns
/// whether each is a whole-number key (its values are then rounded when set).
fn check_factors(base: &Params, factors: &[Factor], space: &Path) -> Result<Vec<bool>> {
    let specs = Params::specs();
    let err = |f: &Factor, m: String| {
        Error::Input(format!("{}: factor `{}`: {m}", space.display(), f.name))
    };
    let mut ints = Vec::new();
    for f in factors {
        let Some(spec) = specs.iter().find(|s| s.key == f.name) else {
            return Err(err(
                f,
                "is not a scenario key (`shequ explain` lists them); `shequ sensitivity run` varies scenario keys".into(),
            ));
        };
        if f.name.starts_with("run.") {
            return Err(err(
                f,
                "run.* keys cannot be factors (every row shares seed, replications and years)"
                    .into(),
            ));
        }
        let int = match spec.domain {
            Domain::Real { .. } => false,
            Domain::Int { .. } => true,
            other => {
                return Err(err(
                    f,
                    format!("only numeric keys can be factors; this one takes {other}"),
                ));
            }
        };
        let ends: Vec<f64> = match f.dist {
            Dist::Uniform => vec![f.lo, f.hi],
            Dist::Normal => vec![0.5 * (f.lo + f.hi)],
        };
        for v in ends {
            let mut p = base.clone();
            if let Err(SetError::Invalid(m)) = p.set(&f.name, &value(v, int)) {
                return Err(err(f, format!("its range reaches {v}: {m}")));
            }
        }
        ints.push(int);
    }
    Ok(ints)
}

fn value(x: f64, int: bool) -> toml::Value {
    if int {
        toml::Value::Integer(x.round() as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// The parameters of each design row.
fn row_params(
    base: &Params,
    factors: &[Factor],
    ints: &[bool],
    x: &[Vec<f64>],
    space: &Path,
) -> Result<Vec<Params>> {
    x.iter()
        .enumerate()
        .map(|(r, row)| {
            let mut p = base.clone();
            for ((f, v), int) in factors.iter().zip(row).zip(ints) {
                p.set(&f.name, &value(*v, *int)).map_err(|e| {
                    let m = match e {
                        SetError::Unknown => "no such key".to_string(),
                        SetError::Invalid(m) => m,
                    };
                    Error::Input(format!(
                        "{}: design row {}: factor `{}` = {v}: {m}",
                        space.display(),
                        r + 1,
                        f.name
                    ))
                })?;
            }
            p.check_consistency().map_err(|(_, m)| {
                Error::Input(format!(
                    "{}: design row {} is not a consistent scenario: {m}",
                    space.display(),
                    r + 1
                ))
            })?;
            Ok(p)
        })
        .collect()
}

/// A stable text fingerprint of what a run computes, so a checkpoint is reused only for the
/// same run (FNV-1a over the description).
fn fingerprint(parts: &[String]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The checkpoint beside the output folder: `.NAME.sensitivity-partial`.
fn checkpoint_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.sensitivity-partial"))
}

/// Rows finished by an interrupted run with the same fingerprint: row -> outputs. A line
/// cut short by the interruption is ignored.
fn read_checkpoint(path: &Path, print: &str, width: usize) -> HashMap<usize, Vec<f64>> {
    let mut done = HashMap::new();
    let Ok(f) = fs::File::open(path) else {
        return done;
    };
    let mut lines = io::BufReader::new(f).lines();
    match lines.next() {
        Some(Ok(first)) if first == format!("fingerprint {print}") => {}
        _ => return done,
    }
    for line in lines.map_while(std::result::Result::ok) {
        let mut cells = line.split(',');
        let Some(Ok(row)) = cells.next().map(str::parse::<usize>) else {
            continue;
        };
        let vals: Vec<f64> = cells.filter_map(|c| c.parse().ok()).collect();
        // A complete line ends with the row number again.
        if vals.len() == width + 1 && vals[width] == row as f64 {
            done.insert(row, vals[..width].to_vec());
        }
    }
    done
}

/// `shequ sensitivity run`.
fn run(a: &RunArgs, args: &[String]) -> Result {
    let quiet = a.common.quiet;
    let levels = levels(a.method, a.levels)?;
    let s = resolve(&a.scenario, &a.common)?;
    let factors = load_space(&a.space)?;
    let metrics = parse_metrics(a.metrics.as_deref())?;
    let window = parse_window(a.window.as_deref())?;
    let ints = check_factors(&s.params, &factors, &a.space)?;
    let seed = s.params.run.seed;
    let reps = s.params.run.replications;
    let x = design(a.method, &factors, a.n, levels, seed, &a.space)?;
    let params = row_params(&s.params, &factors, &ints, &x, &a.space)?;
    let threads = threads(a.common.threads)?;
    let out = a
        .common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("sensitivity-{}", s.name)));
    let claim = claim(&out)?;
    let names: Vec<String> = factors.iter().map(|f| f.name.clone()).collect();
    let outputs: Vec<String> = metrics.iter().map(|m| m.name().to_string()).collect();
    let print = fingerprint(&[
        env!("CARGO_PKG_VERSION").to_string(),
        toml::to_string(&s.params.to_table()).unwrap_or_default(),
        format!("{factors:?}"),
        format!("{:?} {} {levels} {seed} {reps}", a.method, a.n),
        outputs.join(","),
        format!("{window:?}"),
    ]);
    let ckpt = checkpoint_path(&out);
    let done = read_checkpoint(&ckpt, &print, outputs.len());
    let pending: Vec<usize> = (0..x.len()).filter(|r| !done.contains_key(r)).collect();
    if !quiet {
        note(&format!(
            "shequ sensitivity run: {} - {} design of {} factor(s), {} row(s) x {reps} replication(s) x {} years, seed {seed} (common random numbers){}",
            s.name,
            a.method.method().name(),
            factors.len(),
            x.len(),
            s.params.run.years,
            if done.is_empty() {
                String::new()
            } else {
                format!("; resuming: {} row(s) already done", done.len())
            }
        ));
    }
    // The checkpoint: rewritten with the rows kept, then appended to as rows finish.
    let write_err = |e: io::Error| Error::Run(format!("cannot write {}: {e}", ckpt.display()));
    let mut text = format!("fingerprint {print}\n");
    let line = |r: usize, v: &[f64]| {
        let cells: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        format!("{r},{},{r}\n", cells.join(","))
    };
    let mut kept: Vec<_> = done.iter().collect();
    kept.sort_by_key(|(r, _)| **r);
    for (r, v) in kept {
        text.push_str(&line(*r, v));
    }
    fs::write(&ckpt, text).map_err(write_err)?;
    let file = Mutex::new(
        fs::OpenOptions::new()
            .append(true)
            .open(&ckpt)
            .map_err(write_err)?,
    );
    let started = Instant::now();
    let bar = progress_bar(x.len() as u64, quiet, "design rows");
    bar.inc(done.len() as u64);
    let computed: Vec<(usize, Vec<f64>, u64)> = in_pool(threads, || {
        pending
            .par_iter()
            .map(|&r| {
                let per_rep: Vec<(Vec<f64>, u64)> = (0..u64::from(reps))
                    .into_par_iter()
                    .map(|rep| {
                        let res = run_replication(&params[r], seed, rep);
                        let v = metrics
                            .iter()
                            .map(|m| windows::value(&res.months, *m, window))
                            .collect();
                        (v, res.households)
                    })
                    .collect();
                // Mean over replications, summed in replication order.
                let mut mean = vec![0.0; metrics.len()];
                for (v, _) in &per_rep {
                    for (m, x) in mean.iter_mut().zip(v) {
                        *m += x;
                    }
                }
                for m in mean.iter_mut() {
                    *m /= f64::from(reps);
                }
                let hh = per_rep.iter().map(|p| p.1).sum::<u64>();
                if let Ok(mut f) = file.lock() {
                    let _ = f.write_all(line(r, &mean).as_bytes());
                }
                bar.inc(1);
                (r, mean, hh)
            })
            .collect()
    })
    .map_err(|e| Error::threads(threads, e))?;
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let mut y: Vec<Vec<f64>> = vec![Vec::new(); x.len()];
    for (r, v) in done {
        y[r] = v;
    }
    let mut household_months = 0.0;
    for (r, v, hh) in computed {
        y[r] = v;
        household_months += hh as f64 * f64::from(s.params.run.years * 12);
    }
    if let Some(r) = y.iter().position(|v| v.iter().any(|x| !x.is_finite())) {
        return Err(Error::Run(format!(
            "design row {} gave a non-finite output (a metric undefined over window {}); choose other --metrics or --window",
            r + 1,
            window.name()
        )));
    }
    let analysis = indices_rows(
        a.method,
        &names,
        &x,
        &outputs,
        &y,
        levels,
        DEFAULT_ANALYZE_SEED,
    )
    .map_err(Error::Run)?;
    let conv = convergence(a.method, names.len(), &x, &outputs, &y, levels).map_err(Error::Run)?;
    let threads_used = threads.unwrap_or_else(rayon::current_num_threads);
    let fill = |dir: &Path| -> io::Result<()> {
        output::write_file(dir, "design.csv", |w| write_table(w, &names, &x))?;
        output::write_file(dir, "convergence.csv", |w| {
            let mut w = csv::Writer::from_writer(w);
            let (a1, a2) = match a.method {
                MethodArg::Sobol => ("S1", "ST"),
                MethodArg::Morris => ("mu_star", "sigma"),
            };
            w.write_record(["output", "factor", "n", a1, a2])?;
            for (o, m, v) in &conv {
                for (f, (i1, i2)) in names.iter().zip(v) {
                    w.write_record([o.clone(), f.clone(), m.to_string(), cell(*i1), cell(*i2)])?;
                }
            }
            w.flush()
        })?;
        output::write_file(dir, "results.csv", |w| write_table(w, &outputs, &y))?;
        output::write_file(dir, "indices.csv", |w| write_indices(w, &names, &analysis))?;
        fs::copy(&a.space, dir.join("space.toml"))?;
        output::write_file(dir, "scenario.toml", |w| {
            w.write_all(output::resolved_toml(&s).as_bytes())
        })?;
        let manifest = output::scenario_manifest(
            &s,
            "sensitivity run",
            serde_json::json!({
            "method": a.method.method().name(),
            "n": a.n,
            "levels": if a.method == MethodArg::Morris { serde_json::json!(levels) } else { serde_json::Value::Null },
            "space": a.space.display().to_string(),
            "factors": factors.iter().map(Factor::to_json).collect::<Vec<_>>(),
            "rows": x.len(),
            "metrics": outputs,
            "window": window.name(),
            "seed": seed,
            "replications": reps,
            "years": s.params.run.years,
            "output_per_row": "mean over replications of each metric over the window; every row runs replications 0..R with the same seed (common random numbers)",
            "integer_keys": "whole-number keys are rounded when set; design.csv keeps the unrounded values",
            "bootstrap": format!("{} resamples, seed {DEFAULT_ANALYZE_SEED}, interval = index ± 1.96 bootstrap sd (as SALib)", crate::experiment::sensitivity::RESAMPLES),
            "command_line": args,
            "threads": threads_used,
            "wall_seconds": wall,
            "resumed_rows": x.len() - pending.len(),
            "resolved": serde_json::to_value(s.params.to_table()).unwrap_or(serde_json::Value::Null),
                }),
        );
        output::write_file(dir, "manifest.json", |w| output::write_json(w, &manifest))?;
        draw(dir, &names, &analysis, a.method, &conv)
            .map_err(|e| io::Error::other(format!("{e:#}")))
    };
    let existed = out.exists();
    let kept = |e: String| {
        Error::Run(format!(
            "{e}\n(nothing was published: {} {})",
            out.display(),
            if existed {
                "is as it was before this run"
            } else {
                "was not created"
            }
        ))
    };
    fill(claim.dir()).map_err(|e| kept(e.to_string()))?;
    claim.publish().map_err(|e| kept(e.to_string()))?;
    let _ = fs::remove_file(&ckpt);
    if !quiet {
        note(&format!(
            "done: {} row(s) x {reps} replication(s) in {wall:.2} s ({:.1} million household-months/s); results in {}",
            pending.len(),
            throughput(household_months, wall),
            out.display()
        ));
        crate::io::commands::emit(&summary_text(&names, &analysis));
    }
    Ok(())
}

/// Plots of every output into DIR/plots.
fn draw(
    dir: &Path,
    factors: &[String],
    a: &Analysis,
    method: MethodArg,
    conv: &[ConvergenceRow],
) -> anyhow::Result<()> {
    let plots = dir.join("plots");
    // Convergence of ST (Sobol') or mu* (Morris) for the 8 factors leading at full size.
    let mut outputs: Vec<&str> = conv.iter().map(|c| c.0.as_str()).collect();
    outputs.dedup();
    for o in outputs {
        let rows: Vec<&ConvergenceRow> = conv.iter().filter(|c| c.0 == o).collect();
        let Some(last) = rows.last() else { continue };
        // The plotted index: ST for Sobol', mu* for Morris.
        let pick = |v: &(f64, f64)| if method == MethodArg::Sobol { v.1 } else { v.0 };
        let mut lead: Vec<usize> = (0..factors.len()).collect();
        lead.sort_by(|&i, &j| {
            pick(&last.2[j])
                .total_cmp(&pick(&last.2[i]))
                .then(i.cmp(&j))
        });
        let (index, size_label) = match method {
            MethodArg::Sobol => ("ST", "N: base points of the Saltelli design (log scale)"),
            MethodArg::Morris => ("mu*", "N: Morris trajectories (log scale)"),
        };
        let lines: Vec<plot::ConvergenceLine> = lead
            .iter()
            .take(8)
            .map(|&f| plot::ConvergenceLine {
                factor: &factors[f],
                points: rows.iter().map(|r| (r.1, pick(&r.2[f]))).collect(),
            })
            .collect();
        plot::convergence(
            &plots,
            &format!("convergence_{o}"),
            o,
            index,
            size_label,
            &lines,
        )?;
    }
    for (o, s) in &a.sobol {
        let rows: Vec<SobolRow> = factors
            .iter()
            .zip(s)
            .map(|(f, i)| SobolRow {
                factor: f,
                s1: (i.s1, i.s1_lo, i.s1_hi),
                st: (i.st, i.st_lo, i.st_hi),
            })
            .collect();
        plot::sobol(&plots, &format!("sobol_{o}"), o, &rows)?;
    }
    for (o, m) in &a.morris {
        let points: Vec<MorrisPoint> = factors
            .iter()
            .zip(m)
            .map(|(f, i)| MorrisPoint {
                factor: f,
                mu_star: i.mu_star,
                mu_star_lo: i.mu_star_lo,
                mu_star_hi: i.mu_star_hi,
                sigma: i.sigma,
            })
            .collect();
        plot::morris(&plots, &format!("morris_{o}"), o, &points)?;
    }
    Ok(())
}

/// The indices as a plain table for the terminal: per output, factors by falling ST or mu*.
fn summary_text(factors: &[String], a: &Analysis) -> String {
    let mut t = String::new();
    let w = factors.iter().map(String::len).max().unwrap_or(6).max(6);
    for (o, s) in &a.sobol {
        t.push_str(&format!(
            "\n{o}\n  {:<w$}  {:>7}  {:>7}\n",
            "factor", "S1", "ST"
        ));
        let mut idx: Vec<usize> = (0..s.len()).collect();
        idx.sort_by(|&i, &j| s[j].st.total_cmp(&s[i].st));
        for i in idx {
            t.push_str(&format!(
                "  {:<w$}  {:>7.3}  {:>7.3}\n",
                factors[i], s[i].s1, s[i].st
            ));
        }
    }
    for (o, m) in &a.morris {
        t.push_str(&format!(
            "\n{o}\n  {:<w$}  {:>10}  {:>10}\n",
            "factor", "mu*", "sigma"
        ));
        let mut idx: Vec<usize> = (0..m.len()).collect();
        idx.sort_by(|&i, &j| m[j].mu_star.total_cmp(&m[i].mu_star));
        for i in idx {
            t.push_str(&format!(
                "  {:<w$}  {:>10.4}  {:>10.4}\n",
                factors[i], m[i].mu_star, m[i].sigma
            ));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_keeps_complete_lines_of_the_same_run_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".out.sensitivity-partial");
        // Row 3 was cut short by the interruption (no closing row number).
        fs::write(&p, "fingerprint abc\n0,0.5,1.5,0\n2,0.25,-1,2\n3,0.1\n").unwrap();
        let done = read_checkpoint(&p, "abc", 2);
        assert_eq!(done.len(), 2);
        assert_eq!(done[&0], vec![0.5, 1.5]);
        assert_eq!(done[&2], vec![0.25, -1.0]);
        // Another run's checkpoint (other fingerprint or outputs) is not reused.
        assert!(read_checkpoint(&p, "abd", 2).is_empty());
        assert!(read_checkpoint(&p, "abc", 3).is_empty());
        assert!(read_checkpoint(&dir.path().join("none"), "abc", 2).is_empty());
        assert_eq!(
            checkpoint_path(Path::new("a/b/out")),
            Path::new("a/b/.out.sensitivity-partial")
        );
        assert_ne!(
            fingerprint(&["a".into(), "bc".into()]),
            fingerprint(&["ab".into(), "c".into()])
        );
    }

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

    #[test]
    fn windows_and_metrics_are_parsed_or_refused() {
        assert_eq!(parse_window(None).unwrap(), Window::LastYear);
        assert_eq!(
            parse_window(Some("months:13-24")).unwrap(),
            Window::Months(13, 24)
        );
        assert!(parse_window(Some("months:5-2")).is_err());
        assert!(parse_window(Some("lastyear")).is_err());
        assert_eq!(parse_metrics(None).unwrap().len(), 4);
        assert!(parse_metrics(Some("managed_share,managed_share")).is_err());
        assert!(parse_metrics(Some("managed")).is_err());
    }
}
