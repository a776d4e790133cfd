//! Plots of an output directory, drawn with plotters into `DIR/plots/`, each as PNG and SVG.
//!
//! The text is drawn with DejaVu Sans, embedded in the binary (`assets/fonts/`) and
//! registered once by [`ensure_fonts`], so plots render on a machine with no fonts installed.
//! Every chart is 1200 x 800 px with 28 px titles and 20-22 px labels: readable projected in a
//! classroom.
//!
//! # Reusable charts
//!
//! Each chart function takes one *or several* scenarios and writes `PLOTS/STEM.png` and
//! `PLOTS/STEM.svg`, returning a [`Figure`] (its file stem, title and caption) for the report:
//!
//! - [`time_series`]: one metric over time, for each scenario the mean line across
//!   replications with its t-based 95 % band; one colour per scenario, same axes. Input: a
//!   [`MetricPlot`] (what to draw, how to aggregate) and a slice of [`ScenarioSeries`]
//!   (scenario name, one `Vec<f64>` per replication with one value per month).
//! - [`phase`] (and [`spiral`], its fee-collection-rate x service-quality instance): yearly
//!   means of two metrics as a path through time with arrows, one trace per scenario
//!   ([`PhaseTrace`]); a single scenario is coloured by year.
//! - [`end_state`]: dot-and-whisker of last-year means with 95 % CIs, one row per metric
//!   ([`EndStateRow`]), one dot per scenario.
//!
//! A comparison overlays scenarios by passing several series, e.g.
//! ```no_run
//! use shequ::io::plot::{self, ScenarioSeries, TimeSeries, metric_plot};
//! # fn main() -> anyhow::Result<()> {
//! let base = TimeSeries::read("out/base/timeseries.csv".as_ref())?;
//! let reform = TimeSeries::read("out/reform/timeseries.csv".as_ref())?;
//! let spec = metric_plot("fee_collection_rate").unwrap();
//! let series = [
//!     ScenarioSeries { name: "baseline", reps: base.metric(spec.metric).unwrap() },
//!     ScenarioSeries { name: "reform", reps: reform.metric(spec.metric).unwrap() },
//! ];
//! plot::time_series("out/cmp/plots".as_ref(), "fee_collection_rate", spec, &series)?;
//! # Ok(()) }
//! ```
//! [`plot_run`] draws the whole set for one run directory; `io::report` puts them in a page.
//!
//! # Other output directories
//!
//! - [`mobilisation`] (module `events`): the distribution over events of `t90_hours`,
//!   `vulnerable_helped_share` and `help_t90_hours` by compound kind from `events.csv`, as
//!   box plots with the single events beside them, side by side per scenario.
//! - [`CompareDir`] and [`plot_compare`] (module `compare`): the overlays of a `shequ compare`
//!   directory and [`differences`], the paired differences scenario − base with their 95 %
//!   CIs and a zero line, one panel per unit.
//! - [`SweepDir`] and [`plot_sweep`] (module `sweep`): a line with its band per main metric
//!   for one varied key, a heat map per main metric for a two-key grid, scatter panels (one
//!   per key) for a Latin hypercube or more keys.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result, anyhow, bail};
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

use crate::experiment::stats::{Summary, summarize};

mod compare;
mod events;
mod sweep;

pub use compare::{
    CompareDir, DIFF_OTHER, DiffPanel, DiffRow, differences, plot_compare, read_comparison,
};
pub use events::{EventRow, EventSet, MOBILISATION_PLOTS, kind_label, mobilisation, read_events};
pub use sweep::{
    SWEEP_METRICS, SweepDir, SweepLayout, SweepMetric, SweepPoint, key_label, plot_sweep,
};

/// Pixel size of every chart.
pub const SIZE: (u32, u32) = (1200, 800);
const TITLE_PX: u32 = 28;
const LABEL_PX: u32 = 22;
const TICK_PX: u32 = 20;
const LEGEND_PX: u32 = 20;
const NOTE_PX: u32 = 18;
const FONT: &str = "sans-serif";

static FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded fonts with plotters (once per process). Every chart function calls
/// it; without it plotters fails with `FontUnavailable`.
pub fn ensure_fonts() -> Result<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        register_font(FONT, FontStyle::Normal, FONT_REGULAR).is_ok()
            && register_font(FONT, FontStyle::Bold, FONT_BOLD).is_ok()
    });
    if ok {
        Ok(())
    } else {
        bail!("the embedded plot font cannot be read")
    }
}

// ---------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------

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
struct Columns<'p> {
    path: &'p Path,
    header: csv::StringRecord,
}

impl<'p> Columns<'p> {
    /// Opens `path` and reads its header.
    fn open(path: &'p Path) -> Result<(csv::Reader<fs::File>, Self)> {
        let mut r = csv::Reader::from_path(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let header = r
            .headers()
            .with_context(|| format!("cannot read {}", path.display()))?
            .clone();
        Ok((r, Self { path, header }))
    }

    /// The index of the column `name`.
    fn index(&self, name: &str) -> Result<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| anyhow!("{}: no `{name}` column", self.path.display()))
    }

    /// The indices of the columns `names`, in order.
    fn indices<const N: usize>(&self, names: [&str; N]) -> Result<[usize; N]> {
        let mut out = [0; N];
        for (o, name) in out.iter_mut().zip(names) {
            *o = self.index(name)?;
        }
        Ok(out)
    }
}

/// Cell `i` of `rec` as text (empty if missing).
fn cell(rec: &csv::StringRecord, i: usize) -> &str {
    rec.get(i).unwrap_or("")
}

/// Cell `i` of `rec` as a number; empty (or unreadable) cells are NaN.
fn num(rec: &csv::StringRecord, i: usize) -> f64 {
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
    let c = cols.indices([
        "metric",
        "window",
        "n",
        "mean",
        "sd",
        "ci95_low",
        "ci95_high",
    ])?;
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
        let ts = dir.join("timeseries.csv");
        if !ts.is_file() {
            bail!(
                "{} has no timeseries.csv: not the output directory of `shequ run`",
                dir.display()
            );
        }
        let timeseries = TimeSeries::read(&ts)?;
        let sp = dir.join("summary.csv");
        let summary = if sp.is_file() {
            read_summary(&sp)?
        } else {
            Vec::new()
        };
        let mp = dir.join("manifest.json");
        let manifest = if mp.is_file() {
            let text =
                fs::read_to_string(&mp).with_context(|| format!("cannot read {}", mp.display()))?;
            serde_json::from_str(&text).with_context(|| format!("{}: bad JSON", mp.display()))?
        } else {
            serde_json::Value::Null
        };
        let ep = dir.join("events.csv");
        let events = if ep.is_file() {
            read_events(&ep)?
        } else {
            Vec::new()
        };
        let fallback = dir
            .file_name()
            .map_or_else(|| "run".to_string(), |n| n.to_string_lossy().into_owned());
        let text = |k: &str| manifest.get(k).and_then(|v| v.as_str()).map(str::to_string);
        Ok(Self {
            dir: dir.to_path_buf(),
            name: text("scenario").unwrap_or(fallback),
            description: text("description").unwrap_or_default(),
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

// ---------------------------------------------------------------------------------------
// What to plot
// ---------------------------------------------------------------------------------------

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

/// How to draw one metric over time.
#[derive(Debug, Clone, Copy)]
pub struct MetricPlot {
    /// Column name in timeseries.csv.
    pub metric: &'static str,
    /// Chart title (English: the embedded font has no CJK glyphs).
    pub title: &'static str,
    /// Y-axis label, with unit.
    pub y_label: &'static str,
    /// The term used in Chinese policy texts, for the HTML report.
    pub zh: &'static str,
    pub aggregate: Aggregate,
    /// Natural limits of the value (0-1 for shares); the axis never goes beyond them.
    pub bounds: (Option<f64>, Option<f64>),
}

const SHARE: (Option<f64>, Option<f64>) = (Some(0.0), Some(1.0));
const COUNT: (Option<f64>, Option<f64>) = (Some(0.0), None);

/// The key metrics drawn over time, in report order: the property-fee cycle, then the
/// workforce. Metrics missing from a directory's timeseries.csv are skipped.
pub const KEY_TIME_SERIES: &[MetricPlot] = &[
    MetricPlot {
        metric: "fee_collection_rate",
        title: "Fee collection rate",
        y_label: "share of billed dwellings paying",
        zh: "物业费收缴率",
        aggregate: Aggregate::Monthly,
        bounds: SHARE,
    },
    MetricPlot {
        metric: "service_quality",
        title: "Service quality",
        y_label: "quality index (0-1)",
        zh: "物业服务质量",
        aggregate: Aggregate::Monthly,
        bounds: SHARE,
    },
    MetricPlot {
        metric: "owner_satisfaction",
        title: "Owner satisfaction",
        y_label: "satisfaction index (0-1)",
        zh: "业主满意度",
        aggregate: Aggregate::Monthly,
        bounds: SHARE,
    },
    MetricPlot {
        metric: "managed_share",
        title: "Compounds with a property firm",
        y_label: "share of compounds",
        zh: "有物业服务的小区比例",
        aggregate: Aggregate::Monthly,
        bounds: SHARE,
    },
    MetricPlot {
        metric: "firm_exits",
        title: "Property firms withdrawing, per year",
        y_label: "firms withdrawing per year",
        zh: "物业企业退管",
        aggregate: Aggregate::YearlySum,
        bounds: COUNT,
    },
    MetricPlot {
        metric: "workers_employed",
        title: "Community workers employed",
        y_label: "workers (headcount)",
        zh: "社区专职工作者人数",
        aggregate: Aggregate::Monthly,
        bounds: COUNT,
    },
    MetricPlot {
        metric: "worker_vacancy_rate",
        title: "Vacant worker positions",
        y_label: "share of funded positions empty",
        zh: "岗位空缺率",
        aggregate: Aggregate::Monthly,
        bounds: SHARE,
    },
    MetricPlot {
        metric: "worker_turnover_annual",
        title: "Worker turnover (rolling 12 months)",
        y_label: "leavers per worker per year",
        zh: "社工流失率",
        aggregate: Aggregate::Monthly,
        bounds: COUNT,
    },
    MetricPlot {
        metric: "certified_share",
        title: "Certified social workers",
        y_label: "share of workers certified",
        zh: "持证社工比例",
        aggregate: Aggregate::Monthly,
        bounds: SHARE,
    },
    MetricPlot {
        metric: "local_share",
        title: "Local workers",
        y_label: "share of workers who are local",
        zh: "属地工作者比例",
        aggregate: Aggregate::Monthly,
        bounds: SHARE,
    },
    MetricPlot {
        metric: "mediation_coverage",
        title: "Owner-firm disputes mediated",
        y_label: "share of disputes mediated",
        zh: "三位一体调解覆盖率",
        aggregate: Aggregate::Monthly,
        bounds: SHARE,
    },
];

/// The plot settings of a key metric, if it is one.
pub fn metric_plot(metric: &str) -> Option<&'static MetricPlot> {
    KEY_TIME_SERIES.iter().find(|m| m.metric == metric)
}

/// The metrics of the end-state chart (all on a 0-1 scale) and their row labels.
pub const END_STATE_METRICS: &[(&str, &str)] = &[
    ("fee_collection_rate", "Fee collection rate"),
    ("service_quality", "Service quality"),
    ("owner_satisfaction", "Owner satisfaction"),
    ("managed_share", "Compounds with a firm"),
    ("worker_vacancy_rate", "Vacant positions"),
    ("certified_share", "Certified workers"),
    ("local_share", "Local workers"),
    ("mediation_coverage", "Disputes mediated"),
];

/// A chart written as `PLOTS/STEM.png` and `PLOTS/STEM.svg`.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub stem: String,
    pub title: String,
    /// What the chart shows and how to read it (plain text, for the report).
    pub caption: String,
}

impl Figure {
    pub fn png(&self, plots_dir: &Path) -> PathBuf {
        plots_dir.join(format!("{}.png", self.stem))
    }
    pub fn svg(&self, plots_dir: &Path) -> PathBuf {
        plots_dir.join(format!("{}.svg", self.stem))
    }
}

// ---------------------------------------------------------------------------------------
// Statistics of the plotted points
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Drawing helpers
// ---------------------------------------------------------------------------------------

type DrawResult = std::result::Result<(), Box<dyn Error + Send + Sync>>;

/// One colour per scenario (colour-blind-safe Okabe-Ito order, then Tableau).
pub const PALETTE: &[RGBColor] = &[
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(80, 80, 80),
    RGBColor(140, 86, 75),
    RGBColor(188, 189, 34),
    RGBColor(148, 103, 189),
];

/// Colour of scenario `i`.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

const INK: RGBColor = RGBColor(30, 30, 30);

/// `c` mixed with white: `a` = 1 is `c`, 0 is white (an opaque stand-in for `c.mix(a)`).
fn pale(c: RGBColor, a: f64) -> RGBColor {
    let m = |x: u8| (255.0 - (255.0 - f64::from(x)) * a).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}
const GRID: RGBColor = RGBColor(220, 220, 220);
const MUTED: RGBColor = RGBColor(90, 90, 90);

/// Viridis (cut before its pale yellow end, which vanishes on white), `t` in 0..=1.
fn viridis(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (190.0, 215.0, 40.0),
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

fn font(px: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, px).into_font()).color(&INK)
}

fn bold(px: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, px, FontStyle::Bold).into_font()).color(&INK)
}

fn anchored(s: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    s.pos(Pos::new(h, v))
}

/// A legend entry, drawn in a strip above the chart so it never hides data.
enum Key {
    Line(RGBColor),
    Band(RGBColor),
    ThinLine(RGBColor),
    DotLine(RGBColor),
    /// A box of a box plot (with its median line).
    Box(RGBColor),
    /// A small translucent dot: one observation.
    Dot(RGBColor),
    /// An open circle: an estimate whose interval includes zero.
    OpenDot(RGBColor),
    /// A vertical whisker with caps.
    Whisker(RGBColor),
}

/// A vertical viridis colour bar `width` pixels wide from `top` (1) to `bottom` (0), framed.
fn viridis_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    x: i32,
    top: i32,
    bottom: i32,
    width: i32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let h = f64::from(bottom - top);
    let steps = 120;
    for s in 0..steps {
        let t0 = s as f64 / steps as f64;
        let t1 = (s + 1) as f64 / steps as f64;
        let ya = bottom - (h * t0).floor() as i32;
        let yb = bottom - (h * t1).ceil() as i32;
        root.draw(&Rectangle::new(
            [(x, yb), (x + width, ya)],
            viridis((t0 + t1) / 2.0).filled(),
        ))?;
    }
    root.draw(&Rectangle::new(
        [(x, top), (x + width, bottom)],
        INK.stroke_width(1),
    ))?;
    Ok(())
}

/// Title at the top; returns the area below it.
fn title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
) -> std::result::Result<DrawingArea<DB, Shift>, Box<dyn Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let (w, _) = root.dim_in_pixel();
    root.draw_text(
        text,
        &anchored(bold(TITLE_PX), HPos::Center, VPos::Center),
        (w as i32 / 2, 34),
    )?;
    Ok(root.clone().split_vertically(64).1)
}

/// Legend entries centred in a strip of `height` px; returns the area below.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[(Key, String)],
    height: u32,
) -> std::result::Result<DrawingArea<DB, Shift>, Box<dyn Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let (w, _) = area.dim_in_pixel();
    let style = anchored(font(LEGEND_PX), HPos::Left, VPos::Center);
    let swatch = 44;
    let gap = 36;
    let mut widths = Vec::new();
    for (_, label) in keys {
        widths.push(area.estimate_text_size(label, &style)?.0 as i32);
    }
    // Lay the entries out in rows that fit the width.
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut row_w = 0;
    for (i, tw) in widths.iter().enumerate() {
        let need = swatch + 10 + tw + gap;
        if row_w + need > w as i32 - 40 && !rows.last().is_none_or(Vec::is_empty) {
            rows.push(Vec::new());
            row_w = 0;
        }
        rows.last_mut().expect("a row").push(i);
        row_w += need;
    }
    let line_h = 30;
    let used = (rows.len() as u32 * line_h as u32).max(height);
    for (r, row) in rows.iter().enumerate() {
        let total: i32 = row
            .iter()
            .map(|&i| swatch + 10 + widths[i] + gap)
            .sum::<i32>()
            - gap;
        let mut x = (w as i32 - total) / 2;
        let y = (used as i32 - rows.len() as i32 * line_h) / 2 + r as i32 * line_h + line_h / 2;
        for &i in row {
            let (key, label) = &keys[i];
            match key {
                Key::Line(c) => {
                    area.draw(&PathElement::new(
                        vec![(x, y), (x + swatch, y)],
                        c.stroke_width(4),
                    ))?;
                }
                Key::ThinLine(c) => {
                    area.draw(&PathElement::new(
                        vec![(x, y), (x + swatch, y)],
                        c.mix(0.45).stroke_width(2),
                    ))?;
                }
                Key::Band(c) => {
                    area.draw(&Rectangle::new(
                        [(x, y - 10), (x + swatch, y + 10)],
                        c.mix(0.22).filled(),
                    ))?;
                }
                Key::DotLine(c) => {
                    area.draw(&PathElement::new(
                        vec![(x, y), (x + swatch, y)],
                        c.stroke_width(2),
                    ))?;
                    area.draw(&Circle::new((x + swatch / 2, y), 7, c.filled()))?;
                }
                Key::Box(c) => {
                    area.draw(&Rectangle::new(
                        [(x + 8, y - 12), (x + swatch - 8, y + 12)],
                        c.mix(0.3).filled(),
                    ))?;
                    area.draw(&Rectangle::new(
                        [(x + 8, y - 12), (x + swatch - 8, y + 12)],
                        c.stroke_width(2),
                    ))?;
                    area.draw(&PathElement::new(
                        vec![(x + 8, y + 2), (x + swatch - 8, y + 2)],
                        INK.stroke_width(3),
                    ))?;
                }
                Key::Dot(c) => {
                    for (dx, dy) in [(10, -5), (20, 4), (30, -2), (36, 6)] {
                        area.draw(&Circle::new((x + dx, y + dy), 3, c.mix(0.5).filled()))?;
                    }
                }
                Key::OpenDot(c) => {
                    area.draw(&PathElement::new(
                        vec![(x, y), (x + swatch, y)],
                        c.stroke_width(2),
                    ))?;
                    area.draw(&Circle::new((x + swatch / 2, y), 7, WHITE.filled()))?;
                    area.draw(&Circle::new((x + swatch / 2, y), 7, c.stroke_width(3)))?;
                }
                Key::Whisker(c) => {
                    let m = x + swatch / 2;
                    area.draw(&PathElement::new(
                        vec![(m, y - 12), (m, y + 12)],
                        c.stroke_width(2),
                    ))?;
                    for yy in [y - 12, y + 12] {
                        area.draw(&PathElement::new(
                            vec![(m - 7, yy), (m + 7, yy)],
                            c.stroke_width(2),
                        ))?;
                    }
                }
            }
            area.draw_text(label, &style, (x + swatch + 10, y))?;
            x += swatch + 10 + widths[i] + gap;
        }
    }
    Ok(area.clone().split_vertically(used).1)
}

/// Axis range covering `lo..hi`, padded, kept within `bounds`, never empty.
fn axis_range(lo: f64, hi: f64, bounds: (Option<f64>, Option<f64>)) -> (f64, f64) {
    let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let magnitude = hi.abs().max(lo.abs());
    let min_span = if bounds == SHARE {
        0.05
    } else if magnitude > 0.0 {
        magnitude * 0.1
    } else {
        1.0
    };
    if hi - lo < min_span {
        let mid = (hi + lo) / 2.0;
        lo = mid - min_span / 2.0;
        hi = mid + min_span / 2.0;
    }
    let pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
    if let Some(b) = bounds.0 {
        if lo < b {
            hi += b - lo;
            lo = b;
        }
    }
    if let Some(b) = bounds.1 {
        if hi > b {
            lo = (lo - (hi - b)).max(bounds.0.unwrap_or(f64::NEG_INFINITY));
            hi = b;
        }
    }
    (lo, hi)
}

/// Decimals that the ticks of an axis spanning `span` with at most `labels` labels need:
/// those of the smallest 1-2-5 step of at least span / labels (plotters' are never finer).
fn tick_decimals(span: f64, labels: usize) -> usize {
    if !(span.is_finite() && span > 0.0) {
        return 2;
    }
    let raw = span / labels.max(1) as f64;
    let e = raw.log10().floor();
    let m = raw / 10f64.powf(e);
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    let step = nice * 10f64.powf(e);
    (-step.log10().floor()).clamp(0.0, 6.0) as usize
}

/// Tick label with as many decimals as the axis span needs.
fn tick(v: f64, span: f64, labels: usize) -> String {
    let d = tick_decimals(span, labels);
    let s = format!("{v:.d$}");
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// Year tick: whole years without decimals.
fn year_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{}", v.round())
    } else {
        format!("{v:.1}")
    }
}

/// Something drawable on any plotters backend.
trait Chart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// Draws `chart` into `PLOTS/STEM.png` and `PLOTS/STEM.svg`.
/// A chart builder on `area` with the margins `[left, right, top, bottom]` and the label
/// areas `(x, y)`.
fn chart_builder<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    [left, right, top, bottom]: [u32; 4],
    (x_area, y_area): (u32, u32),
) -> ChartBuilder<'a, 'b, DB> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_left(left)
        .margin_right(right)
        .margin_top(top)
        .margin_bottom(bottom)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area);
    builder
}

/// The common mesh style: grid lines at the labelled ticks only, a heavy axis, the usual
/// fonts, and `x_labels` and `y_labels` tick labels.
fn styled_mesh<'a, 'c, DB: DrawingBackend>(
    chart: &'c mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x_labels: usize,
    y_labels: usize,
) -> MeshStyle<'a, 'c, RangedCoordf64, RangedCoordf64, DB> {
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK.stroke_width(2))
        .x_labels(x_labels)
        .y_labels(y_labels)
        .label_style(font(TICK_PX))
        .axis_desc_style(font(LABEL_PX));
    mesh
}

fn save(chart: &impl Chart, plots_dir: &Path, stem: &str) -> Result<()> {
    ensure_fonts()?;
    fs::create_dir_all(plots_dir)
        .with_context(|| format!("cannot create {}", plots_dir.display()))?;
    let png = plots_dir.join(format!("{stem}.png"));
    {
        let root = BitMapBackend::new(&png, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
        chart
            .draw(&root)
            .map_err(|e| anyhow!("cannot draw {}: {e}", png.display()))?;
        root.present()
            .map_err(|e| anyhow!("cannot write {}: {e}", png.display()))?;
    }
    let svg_path = plots_dir.join(format!("{stem}.svg"));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
        chart
            .draw(&root)
            .map_err(|e| anyhow!("cannot draw {}: {e}", svg_path.display()))?;
        root.present().map_err(|e| anyhow!("{e}"))?;
    }
    fs::write(&svg_path, svg).with_context(|| format!("cannot write {}", svg_path.display()))
}

// ---------------------------------------------------------------------------------------
// Time series
// ---------------------------------------------------------------------------------------

/// One scenario's values of one metric: `reps[r][m]` is replication r's value in month m+1.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioSeries<'a> {
    pub name: &'a str,
    pub reps: &'a [Vec<f64>],
}

struct Line {
    name: String,
    reps: usize,
    x: Vec<f64>,
    band: Vec<Summary>,
}

struct TimeSeriesChart<'a> {
    spec: &'a MetricPlot,
    lines: Vec<Line>,
}

impl Chart for TimeSeriesChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = title(root, self.spec.title)?;
        let single = self.lines.len() == 1;
        let mut keys = Vec::new();
        let any_band = self.lines.iter().any(|l| l.reps > 1);
        for (i, l) in self.lines.iter().enumerate() {
            let label = if single && l.reps == 1 {
                "one replication (no confidence band)".to_string()
            } else if single {
                format!("mean of {} replications", l.reps)
            } else {
                l.name.clone()
            };
            keys.push((Key::Line(colour(i)), label));
        }
        if any_band {
            keys.push((
                Key::Band(if single { colour(0) } else { MUTED }),
                "95 % confidence interval of the mean".to_string(),
            ));
        }
        let area = legend(&area, &keys, 40)?;

        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut x_max: f64 = 1.0;
        let yearly = self.spec.aggregate != Aggregate::Monthly;
        for l in &self.lines {
            for s in &l.band {
                for v in [s.mean, s.ci_low, s.ci_high] {
                    if v.is_finite() {
                        lo = lo.min(v);
                        hi = hi.max(v);
                    }
                }
            }
            x_max = x_max.max(l.x.last().copied().unwrap_or(1.0));
        }
        let (y0, y1) = axis_range(lo, hi, self.spec.bounds);
        let span = y1 - y0;
        // Yearly points sit on whole years, with half a year of room either side.
        let (xa, xb) = if yearly {
            (0.5, x_max + 0.5)
        } else {
            (0.0, x_max)
        };
        let mut chart =
            chart_builder(&area, [20, 50, 10, 16], (80, 120)).build_cartesian_2d(xa..xb, y0..y1)?;
        let yfmt = |v: &f64| tick(*v, span, 8);
        let xfmt = |v: &f64| {
            if yearly && (v - v.round()).abs() > 1e-6 {
                String::new()
            } else {
                year_tick(*v)
            }
        };
        styled_mesh(&mut chart, 12, 8)
            .x_desc(if yearly {
                "year of the simulation"
            } else {
                "time (years since start; one point per month)"
            })
            .y_desc(self.spec.y_label)
            .x_label_formatter(&xfmt)
            .y_label_formatter(&yfmt)
            .draw()?;
        // Bands first, then lines on top. Several scenarios: lighter bands with thin edges,
        // so each stays traceable where they overlap.
        let band_alpha = if single { 0.22 } else { 0.12 };
        for (i, l) in self.lines.iter().enumerate() {
            let c = colour(i);
            let mut run: Vec<(f64, f64, f64)> = Vec::new();
            let mut flush = |run: &mut Vec<(f64, f64, f64)>| -> DrawResult {
                if run.len() >= 2 {
                    let mut pts: Vec<(f64, f64)> = run.iter().map(|p| (p.0, p.2)).collect();
                    pts.extend(run.iter().rev().map(|p| (p.0, p.1)));
                    chart.draw_series(std::iter::once(Polygon::new(
                        pts,
                        c.mix(band_alpha).filled(),
                    )))?;
                    if !single {
                        for edge in [
                            run.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
                            run.iter().map(|p| (p.0, p.2)).collect(),
                        ] {
                            chart.draw_series(LineSeries::new(edge, c.mix(0.7).stroke_width(1)))?;
                        }
                    }
                }
                run.clear();
                Ok(())
            };
            for (x, s) in l.x.iter().zip(&l.band) {
                if s.ci_low.is_finite() && s.ci_high.is_finite() {
                    run.push((*x, s.ci_low.max(y0), s.ci_high.min(y1)));
                } else {
                    flush(&mut run)?;
                }
            }
            flush(&mut run)?;
        }
        for (i, l) in self.lines.iter().enumerate() {
            let c = colour(i);
            let pts: Vec<(f64, f64)> =
                l.x.iter()
                    .zip(&l.band)
                    .filter(|(_, s)| s.mean.is_finite())
                    .map(|(x, s)| (*x, s.mean))
                    .collect();
            chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(4)))?;
            if yearly {
                chart.draw_series(pts.iter().map(|p| Circle::new(*p, 6, c.filled())))?;
            }
        }
        Ok(())
    }
}

/// Draws one metric over time for one or several scenarios (one colour each, same axes):
/// the mean across replications with its t-based 95 % band, aggregated as `spec.aggregate`
/// says. Writes `PLOTS/STEM.png` and `.svg`.
pub fn time_series(
    plots_dir: &Path,
    stem: &str,
    spec: &MetricPlot,
    scenarios: &[ScenarioSeries<'_>],
) -> Result<Figure> {
    if scenarios.is_empty() {
        bail!("time_series: no scenario to draw");
    }
    let lines: Vec<Line> = scenarios
        .iter()
        .map(|s| {
            let (x, values) = aggregate(s.reps, spec.aggregate);
            Line {
                name: s.name.to_string(),
                reps: s.reps.len(),
                x,
                band: band(&values),
            }
        })
        .collect();
    save(&TimeSeriesChart { spec, lines }, plots_dir, stem)?;
    let reps: Vec<String> = scenarios.iter().map(|s| s.reps.len().to_string()).collect();
    let how = match spec.aggregate {
        Aggregate::Monthly => "Monthly values",
        Aggregate::YearlySum => "Yearly totals",
        Aggregate::YearlyMean => "Yearly means",
    };
    let who = if scenarios.len() == 1 {
        format!("{} replications", reps[0])
    } else if reps.iter().all(|r| *r == reps[0]) {
        format!("{} replications of each scenario", reps[0])
    } else {
        format!("{} replications (scenario by scenario)", reps.join(" / "))
    };
    Ok(Figure {
        stem: stem.to_string(),
        title: if spec.zh.is_empty() {
            spec.title.to_string()
        } else {
            format!("{} ({})", spec.title, spec.zh)
        },
        caption: format!(
            "{how} of {} (timeseries.csv): the line is the mean over {who}; the shaded band is the t-based \
             95 % confidence interval of that mean (no band with a single replication).",
            spec.metric
        ),
    })
}

// ---------------------------------------------------------------------------------------
// Phase plot (the spiral)
// ---------------------------------------------------------------------------------------

/// One scenario's trajectory in a phase plot: two metrics, `[rep][month - 1]` each.
#[derive(Debug, Clone, Copy)]
pub struct PhaseTrace<'a> {
    pub name: &'a str,
    pub x: &'a [Vec<f64>],
    pub y: &'a [Vec<f64>],
}

/// Titles of a phase plot.
#[derive(Debug, Clone, Copy)]
pub struct PhaseSpec<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub x_bounds: (Option<f64>, Option<f64>),
    pub y_bounds: (Option<f64>, Option<f64>),
}

struct Path2 {
    name: String,
    /// Mean over replications of each year's mean.
    mean: Vec<(f64, f64)>,
    /// Each replication's yearly means.
    reps: Vec<Vec<(f64, f64)>>,
}

struct PhaseChart<'a> {
    spec: &'a PhaseSpec<'a>,
    paths: Vec<Path2>,
}

impl Chart for PhaseChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let single = self.paths.len() == 1;
        let many_reps = self.paths.iter().any(|p| p.reps.len() > 1);
        let years = self.paths.iter().map(|p| p.mean.len()).max().unwrap_or(0);
        let area = title(root, self.spec.title)?;
        let mut keys = Vec::new();
        if single {
            keys.push((
                Key::DotLine(viridis(0.5)),
                "mean of each year (arrows: direction of time)".to_string(),
            ));
            if many_reps {
                keys.push((Key::ThinLine(MUTED), "each replication".to_string()));
            }
        } else {
            for (i, p) in self.paths.iter().enumerate() {
                keys.push((Key::DotLine(colour(i)), p.name.clone()));
            }
            if many_reps {
                keys.push((Key::ThinLine(MUTED), "replications".to_string()));
            }
        }
        let area = legend(&area, &keys, 40)?;
        // A colour bar for time on the right when one scenario is coloured by year.
        let (w, _) = area.dim_in_pixel();
        let (area, with_bar) = if single {
            (area.split_horizontally(w - 130).0, true)
        } else {
            (area, false)
        };
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for p in &self.paths {
            for &(x, y) in p.mean.iter().chain(p.reps.iter().flatten()) {
                if x.is_finite() && y.is_finite() {
                    x0 = x0.min(x);
                    x1 = x1.max(x);
                    y0 = y0.min(y);
                    y1 = y1.max(y);
                }
            }
        }
        let (x0, x1) = axis_range(x0, x1, self.spec.x_bounds);
        let (y0, y1) = axis_range(y0, y1, self.spec.y_bounds);
        let (xs, ys) = (x1 - x0, y1 - y0);
        let mut chart = chart_builder(&area, [20, if single { 10 } else { 50 }, 10, 16], (80, 120))
            .build_cartesian_2d(x0..x1, y0..y1)?;
        let xfmt = |v: &f64| tick(*v, xs, 10);
        let yfmt = |v: &f64| tick(*v, ys, 8);
        styled_mesh(&mut chart, 10, 8)
            .x_desc(self.spec.x_label)
            .y_desc(self.spec.y_label)
            .x_label_formatter(&xfmt)
            .y_label_formatter(&yfmt)
            .draw()?;
        let year_colour = |y: usize| viridis(y as f64 / (years.max(2) - 1) as f64);
        for (i, p) in self.paths.iter().enumerate() {
            let c = if single { MUTED } else { colour(i) };
            for r in p.reps.iter().filter(|_| p.reps.len() > 1) {
                chart.draw_series(LineSeries::new(
                    r.iter()
                        .copied()
                        .filter(|(x, y)| x.is_finite() && y.is_finite()),
                    c.mix(0.45).stroke_width(1),
                ))?;
            }
        }
        let plot = chart.plotting_area().clone();
        // The start and end of each mean path: (year index, pixel, label on the right?).
        let mut ends: Vec<(usize, (i32, i32), bool, RGBColor)> = Vec::new();
        for (i, p) in self.paths.iter().enumerate() {
            let pts: Vec<(f64, f64)> = p.mean.clone();
            for (k, seg) in pts.windows(2).enumerate() {
                let c = if single {
                    year_colour(k + 1)
                } else {
                    colour(i)
                };
                if seg.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
                    continue;
                }
                chart.draw_series(LineSeries::new(seg.to_vec(), c.stroke_width(4)))?;
                // An arrowhead halfway along the segment, in pixels.
                let a = plot.map_coordinate(&seg[0]);
                let b = plot.map_coordinate(&seg[1]);
                let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
                let len = dx.hypot(dy);
                if len > 22.0 {
                    let (ux, uy) = (dx / len, dy / len);
                    let (mx, my) = (
                        f64::from(a.0) + dx * 0.55 + ux * 7.0,
                        f64::from(a.1) + dy * 0.55 + uy * 7.0,
                    );
                    let (l, h) = (16.0, 8.0);
                    let tri = vec![
                        (mx.round() as i32, my.round() as i32),
                        (
                            (mx - ux * l - uy * h).round() as i32,
                            (my - uy * l + ux * h).round() as i32,
                        ),
                        (
                            (mx - ux * l + uy * h).round() as i32,
                            (my - uy * l - ux * h).round() as i32,
                        ),
                    ];
                    root.draw(&Polygon::new(tri, c.filled()))?;
                }
            }
            for (k, pt) in pts.iter().enumerate() {
                if !pt.0.is_finite() || !pt.1.is_finite() {
                    continue;
                }
                let c = if single { year_colour(k) } else { colour(i) };
                chart.draw_series(std::iter::once(Circle::new(*pt, 6, c.filled())))?;
            }
            // Start and end: a ring now, a label once every path is drawn.
            let mut mark = |k: usize, prefer_right: bool| -> DrawResult {
                let Some(pt) = pts.get(k) else {
                    return Ok(());
                };
                if !pt.0.is_finite() || !pt.1.is_finite() {
                    return Ok(());
                }
                let px = plot.map_coordinate(pt);
                let c = if single { year_colour(k) } else { colour(i) };
                root.draw(&Circle::new(px, 10, c.stroke_width(3)))?;
                ends.push((k, px, prefer_right, c));
                Ok(())
            };
            let n = pts.len();
            if n > 1 {
                // The path leaves the start towards the first segment and arrives at the end
                // along the last: put the labels where the path is not.
                mark(0, pts[1].0 <= pts[0].0)?;
                mark(n - 1, pts[n - 1].0 >= pts[n - 2].0)?;
            } else {
                mark(0, true)?;
            }
        }
        // Year labels beside their rings: on the preferred side, else the other, else above
        // or below, wherever no other ring, label or mean path is; scenarios that start (or
        // end) together share one label.
        let style = anchored(bold(NOTE_PX), HPos::Left, VPos::Center);
        let (xr, yr) = plot.get_pixel_range();
        let overlaps =
            |a: &[i32; 4], b: &[i32; 4]| a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
        let rings: Vec<[i32; 4]> = ends
            .iter()
            .map(|(_, p, _, _)| [p.0 - 12, p.1 - 12, p.0 + 12, p.1 + 12])
            .collect();
        // Points along every mean path, as small boxes.
        let mut along: Vec<[i32; 4]> = Vec::new();
        for p in &self.paths {
            for seg in p.mean.windows(2) {
                if seg.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
                    continue;
                }
                let (a, b) = (plot.map_coordinate(&seg[0]), plot.map_coordinate(&seg[1]));
                let steps = (f64::from((b.0 - a.0).abs() + (b.1 - a.1).abs()) / 6.0).ceil() as i32;
                for t in 0..=steps.max(1) {
                    let x = a.0 + (b.0 - a.0) * t / steps.max(1);
                    let y = a.1 + (b.1 - a.1) * t / steps.max(1);
                    along.push([x - 3, y - 3, x + 3, y + 3]);
                }
            }
        }
        let mut placed: Vec<(String, (i32, i32), [i32; 4])> = Vec::new();
        for (k, px, prefer_right, c) in &ends {
            let text = format!("year {}", k + 1);
            if placed
                .iter()
                .any(|(t, p, _)| *t == text && (p.0 - px.0).abs() + (p.1 - px.1).abs() < 70)
            {
                continue;
            }
            let (pw, _) = root.estimate_text_size(&text, &style)?;
            let pw = pw as i32;
            let right = (px.0 + 16, px.1);
            let left = (px.0 - 16 - pw, px.1);
            let (first, second) = if *prefer_right {
                (right, left)
            } else {
                (left, right)
            };
            let above = (px.0 - pw / 2, px.1 - 26);
            let below = (px.0 - pw / 2, px.1 + 26);
            let own_ring = |r: &[i32; 4]| (r[0] + 12, r[1] + 12) == *px;
            let near_own = |r: &[i32; 4]| (r[0] + 3 - px.0).abs() + (r[1] + 3 - px.1).abs() <= 14;
            let free = |at: (i32, i32)| {
                let bbox = [at.0 - 2, at.1 - 12, at.0 + pw + 2, at.1 + 12];
                let inside = bbox[0] >= xr.start
                    && bbox[2] <= xr.end
                    && bbox[1] >= yr.start
                    && bbox[3] <= yr.end;
                let clear = rings
                    .iter()
                    .filter(|r| !own_ring(r))
                    .all(|r| !overlaps(r, &bbox))
                    && along
                        .iter()
                        .filter(|r| !near_own(r))
                        .all(|r| !overlaps(r, &bbox))
                    && placed.iter().all(|(_, _, b)| !overlaps(b, &bbox));
                (inside && clear).then_some(bbox)
            };
            let chosen = [first, second, above, below]
                .into_iter()
                .find_map(|at| free(at).map(|b| (at, b)));
            if let Some((at, bbox)) = chosen {
                let ink = if single { INK } else { *c };
                root.draw_text(&text, &style.color(&ink), at)?;
                placed.push((text, *px, bbox));
            }
        }
        if with_bar {
            // The colour bar for time, level with the plotting area, right of it.
            let (xr, yr) = plot.get_pixel_range();
            let (top, bottom) = (yr.start + 40, yr.end);
            let x = xr.end + 40;
            let h = f64::from(bottom - top);
            viridis_bar(&root, x, top, bottom, 26)?;
            let style = anchored(font(TICK_PX), HPos::Left, VPos::Center);
            let n = years.max(1);
            let marks: Vec<usize> = if n <= 5 {
                (1..=n).collect()
            } else {
                let mut m: Vec<usize> = (0..=4).map(|k| 1 + k * (n - 1) / 4).collect();
                m.dedup();
                m
            };
            for y in marks {
                let t = if n > 1 {
                    (y - 1) as f64 / (n - 1) as f64
                } else {
                    0.0
                };
                let py = bottom - (h * t).round() as i32;
                root.draw(&PathElement::new(
                    vec![(x + 26, py), (x + 32, py)],
                    INK.stroke_width(1),
                ))?;
                root.draw_text(&format!("{y}"), &style, (x + 36, py))?;
            }
            root.draw_text(
                "year",
                &anchored(font(LABEL_PX), HPos::Center, VPos::Bottom),
                (x + 13, top - 10),
            )?;
        }
        Ok(())
    }
}

/// Yearly means per replication of two monthly series, as points.
fn yearly_points(x: &[Vec<f64>], y: &[Vec<f64>]) -> Vec<Vec<(f64, f64)>> {
    let (_, xa) = aggregate(x, Aggregate::YearlyMean);
    let (_, ya) = aggregate(y, Aggregate::YearlyMean);
    xa.iter()
        .zip(&ya)
        .map(|(a, b)| a.iter().copied().zip(b.iter().copied()).collect())
        .collect()
}

/// Draws a phase plot: for each trace, the yearly means of `x` against `y`, one path per
/// replication (thin) and the mean path (thick, with arrows; coloured by year when there is
/// one trace, by scenario otherwise).
pub fn phase(
    plots_dir: &Path,
    stem: &str,
    spec: &PhaseSpec<'_>,
    traces: &[PhaseTrace<'_>],
) -> Result<Figure> {
    if traces.is_empty() {
        bail!("phase: no scenario to draw");
    }
    let paths: Vec<Path2> = traces
        .iter()
        .map(|t| {
            let reps = yearly_points(t.x, t.y);
            let years = reps.iter().map(Vec::len).min().unwrap_or(0);
            let mean = (0..years)
                .map(|k| {
                    let n = reps.len() as f64;
                    (
                        reps.iter().map(|r| r[k].0).sum::<f64>() / n,
                        reps.iter().map(|r| r[k].1).sum::<f64>() / n,
                    )
                })
                .collect();
            Path2 {
                name: t.name.to_string(),
                mean,
                reps,
            }
        })
        .collect();
    save(&PhaseChart { spec, paths }, plots_dir, stem)?;
    Ok(Figure {
        stem: stem.to_string(),
        title: spec.title.to_string(),
        caption: String::new(),
    })
}

/// The spiral: fee collection rate against service quality, yearly means through time.
/// Movement down and to the left is the vicious cycle (fewer pay, service cut).
pub fn spiral(plots_dir: &Path, traces: &[PhaseTrace<'_>]) -> Result<Figure> {
    let spec = PhaseSpec {
        title: "The property-fee spiral: collection vs. service quality",
        x_label: "fee collection rate (share of billed dwellings paying)",
        y_label: "service quality (index 0-1)",
        x_bounds: SHARE,
        y_bounds: SHARE,
    };
    let mut f = phase(plots_dir, "spiral", &spec, traces)?;
    f.caption = "Each dot is the mean of one simulated year (fee collection rate across, \
                 service quality up); arrows show the direction of time, thin lines are single \
                 replications. A path running down and to the left is the vicious cycle: fewer \
                 owners pay, service is cut, still fewer pay (物业费越来越难收，服务越来越差)."
        .to_string();
    Ok(f)
}

// ---------------------------------------------------------------------------------------
// End state: dot and whisker
// ---------------------------------------------------------------------------------------

/// A mean with its 95 % confidence interval (NaN bounds: no interval).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// One row of the end-state chart: a metric and, per scenario, its estimate.
#[derive(Debug, Clone)]
pub struct EndStateRow {
    pub label: String,
    /// One per scenario, in the order of the scenario names; `None` where missing.
    pub estimates: Vec<Option<Estimate>>,
}

struct EndStateChart<'a> {
    title: &'a str,
    x_label: &'a str,
    names: &'a [&'a str],
    rows: &'a [EndStateRow],
}

impl Chart for EndStateChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = title(root, self.title)?;
        let k = self.names.len().max(1);
        let mut keys: Vec<(Key, String)> = Vec::new();
        if k == 1 {
            keys.push((
                Key::DotLine(colour(0)),
                "mean of the last year, with 95 % confidence interval".to_string(),
            ));
        } else {
            for (i, n) in self.names.iter().enumerate() {
                keys.push((Key::DotLine(colour(i)), (*n).to_string()));
            }
        }
        let area = legend(&area, &keys, 40)?;
        let n = self.rows.len().max(1);
        let mut chart = chart_builder(&area, [20, 50, 10, 16], (80, 280))
            .build_cartesian_2d(0.0..1.0, 0.0..n as f64)?;
        let xfmt = |v: &f64| tick(*v, 1.0, 11);
        styled_mesh(&mut chart, 11, 0)
            .disable_y_mesh()
            .x_desc(self.x_label)
            .x_label_formatter(&xfmt)
            .draw()?;
        let plot = chart.plotting_area().clone();
        let (px_range, _) = plot.get_pixel_range();
        let label_style = anchored(font(LABEL_PX), HPos::Right, VPos::Center);
        let value_style = anchored(font(NOTE_PX), HPos::Left, VPos::Center);
        for (r, row) in self.rows.iter().enumerate() {
            let yc = n as f64 - r as f64 - 0.5;
            if r > 0 {
                let y = n as f64 - r as f64;
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, y), (1.0, y)],
                    GRID.stroke_width(1),
                )))?;
            }
            let p = plot.map_coordinate(&(0.0, yc));
            root.draw_text(&row.label, &label_style, (px_range.start - 14, p.1))?;
            for (i, e) in row.estimates.iter().enumerate() {
                let Some(e) = e else { continue };
                if !e.mean.is_finite() {
                    continue;
                }
                let off = if k == 1 {
                    0.0
                } else {
                    (i as f64 - (k - 1) as f64 / 2.0) * (0.7 / k as f64)
                };
                let y = yc - off;
                let c = colour(i);
                let clamp = |v: f64| v.clamp(0.0, 1.0);
                let has_ci = e.ci_low.is_finite() && e.ci_high.is_finite();
                if has_ci {
                    let (a, b) = (clamp(e.ci_low), clamp(e.ci_high));
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(a, y), (b, y)],
                        c.stroke_width(3),
                    )))?;
                    for v in [a, b] {
                        let q = plot.map_coordinate(&(v, y));
                        root.draw(&PathElement::new(
                            vec![(q.0, q.1 - 9), (q.0, q.1 + 9)],
                            c.stroke_width(3),
                        ))?;
                    }
                }
                chart.draw_series(std::iter::once(Circle::new(
                    (clamp(e.mean), y),
                    8,
                    c.filled(),
                )))?;
                let text = if has_ci {
                    format!("{:.3} [{:.3}, {:.3}]", e.mean, e.ci_low, e.ci_high)
                } else {
                    format!("{:.3}", e.mean)
                };
                let (tw, _) = root.estimate_text_size(&text, &value_style)?;
                let right =
                    plot.map_coordinate(&(clamp(if has_ci { e.ci_high } else { e.mean }), y));
                let left = plot.map_coordinate(&(clamp(if has_ci { e.ci_low } else { e.mean }), y));
                let x = if right.0 + 18 + tw as i32 <= px_range.end {
                    right.0 + 18
                } else {
                    left.0 - 18 - tw as i32
                };
                root.draw_text(&text, &value_style.color(&c), (x, right.1))?;
            }
        }
        Ok(())
    }
}

/// Draws a dot-and-whisker chart of estimates on a 0-1 scale: one row per metric, one dot
/// per scenario (named in `names`, in the order of each row's estimates).
pub fn end_state(
    plots_dir: &Path,
    stem: &str,
    title: &str,
    names: &[&str],
    rows: &[EndStateRow],
) -> Result<Figure> {
    if rows.is_empty() {
        bail!("end_state: no metric to draw");
    }
    let chart = EndStateChart {
        title,
        x_label: "mean over the last simulated year (share or index, 0-1)",
        names,
        rows,
    };
    save(&chart, plots_dir, stem)?;
    Ok(Figure {
        stem: stem.to_string(),
        title: title.to_string(),
        caption: "Each dot is the mean over replications of the metric's last-year average; \
                  the whiskers and the numbers in square brackets are its t-based 95 % \
                  confidence interval (from summary.csv)."
            .to_string(),
    })
}

// ---------------------------------------------------------------------------------------
// A whole run directory
// ---------------------------------------------------------------------------------------

/// Draws every plot of one run into `plots_dir`: the key metrics over time, the spiral and
/// the end state. Metrics the directory lacks are skipped. Returns the figures in report
/// order.
pub fn plot_run(run: &RunDir, plots_dir: &Path) -> Result<Vec<Figure>> {
    let ts = &run.timeseries;
    if ts.months() < 1 {
        bail!("{}: timeseries.csv has no months", run.dir.display());
    }
    let mut figures = Vec::new();
    let name = run.name.as_str();
    for spec in KEY_TIME_SERIES {
        let Some(reps) = ts.metric(spec.metric) else {
            continue;
        };
        if spec.aggregate != Aggregate::Monthly && ts.months() < 12 {
            continue;
        }
        figures.push(time_series(
            plots_dir,
            spec.metric,
            spec,
            &[ScenarioSeries { name, reps }],
        )?);
    }
    if let (Some(x), Some(y)) = (
        ts.metric("fee_collection_rate"),
        ts.metric("service_quality"),
    ) {
        if ts.months() >= 12 {
            // After the first two time series, where it reads best.
            let f = spiral(plots_dir, &[PhaseTrace { name, x, y }])?;
            let at = figures.len().min(2);
            figures.insert(at, f);
        }
    }
    let rows: Vec<EndStateRow> = END_STATE_METRICS
        .iter()
        .filter_map(|(m, label)| {
            let s = run.summary_of(m, "last_year")?;
            Some(EndStateRow {
                label: (*label).to_string(),
                estimates: vec![Some(Estimate {
                    mean: s.mean,
                    ci_low: s.ci_low,
                    ci_high: s.ci_high,
                })],
            })
        })
        .collect();
    if !rows.is_empty() {
        figures.push(end_state(
            plots_dir,
            "end_state",
            "Where the run ends: last-year means",
            &[name],
            &rows,
        )?);
    }
    if !run.events.is_empty() {
        figures.extend(mobilisation(
            plots_dir,
            &[EventSet {
                name,
                rows: &run.events,
            }],
        )?);
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fonts_register() {
        ensure_fonts().unwrap();
        ensure_fonts().unwrap();
    }

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
    fn tick_labels_have_the_decimals_of_the_step() {
        assert_eq!(tick(0.85, 0.17, 8), "0.85");
        assert_eq!(tick(0.5, 0.44, 10), "0.50");
        assert_eq!(tick(10.0, 11.0, 8), "10");
        assert_eq!(tick(-0.0, 1.0, 11), "0.0");
        assert_eq!(tick(215.0, 38.0, 8), "215");
    }

    #[test]
    fn axis_ranges_stay_within_bounds_and_are_never_empty() {
        let (a, b) = axis_range(0.5, 0.5, SHARE);
        assert!(a < 0.5 && b > 0.5 && b - a >= 0.05);
        let (a, b) = axis_range(0.0, 1.0, SHARE);
        assert_eq!((a, b), (0.0, 1.0));
        let (a, b) = axis_range(0.0, 0.0, COUNT);
        assert!(a == 0.0 && b >= 1.0);
        let (a, b) = axis_range(f64::NAN, f64::NAN, SHARE);
        assert!(a.is_finite() && b.is_finite() && b > a);
    }
}
