//! The plots of a `shequ sweep` directory, from `sweep_points.csv` (per point: the varied
//! values and, per metric, the mean end state with its 95 % CI):
//!
//! - one varied key: per main metric, the mean against the key with its 95 % band (a
//!   numeric key: a line over its ordered values), or one dot and whisker per value (a key
//!   of true/false or words: categories in the order swept);
//! - two varied keys on a full grid: per main metric, a heat map (colour = mean) with a
//!   colour bar;
//! - a Latin hypercube, more than two keys or irregular points: per main metric, scatter
//!   panels of the point means (with their CIs) against each varied key.
//!
//! A key of true/false or words is drawn as categories (positions 0, 1, ... labelled with
//! the values) in every layout. Axis labels name the key and its unit (from
//! [`Params::specs`]). The metrics drawn are the main ones ([`views::SWEEP`]) the file
//! has, else the first of its metrics (`--metrics`); captions name the window read
//! (`--window`, from the manifest).

use std::error::Error;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::io::i18n::{self, fmt};
use crate::io::plot::Figure;
use crate::io::plot::data::{
    Columns, Estimate, cell, num, read_manifest, required_file, scenario_named,
};
use crate::io::plot::style::{
    Backend, Chart, DrawResult, INK, Key, LABEL_PX, NOTE_PX, TICK_PX, anchored, axis_label,
    axis_range, bold, chart_builder, colour, finite_range, font, legend, pale, save, styled_mesh,
    tick, tick_decimals, title, viridis, viridis_bar,
};
use crate::io::views;
use crate::model::metrics::M;
use crate::model::params::Params;

/// How a main metric of a sweep ([`views::SWEEP`]) is shown, from the registry.
struct Spec {
    /// Its column in sweep_points.csv.
    metric: &'static str,
    title: &'static str,
    /// Axis label of the shown value, with its unit.
    label: String,
    /// Factor from the end state (a mean monthly value) to the shown value.
    factor: f64,
    bounds: (Option<f64>, Option<f64>),
}

impl Spec {
    fn of(m: M) -> Self {
        let meta = m.meta();
        Spec {
            metric: meta.name,
            title: crate::io::i18n::title(m),
            label: axis_label(m),
            factor: meta.display_factor(),
            bounds: meta.display_bounds(),
        }
    }
}

/// One point of a sweep.
#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// The varied values, in the order of the keys (a categorical key's: the value's
    /// position in [`SweepDir::categories`]).
    pub values: Vec<f64>,
    /// The same as written in the file.
    pub texts: Vec<String>,
    /// Replications.
    pub n: usize,
    /// Per metric column of the file (see [`SweepDir::metrics`]): mean and 95 % CI.
    stats: Vec<Estimate>,
}

/// Everything the plots and the report of one `shequ sweep` directory need.
#[derive(Debug, Clone)]
pub struct SweepDir {
    pub dir: PathBuf,
    /// `Null` when the directory has no manifest.json.
    pub manifest: serde_json::Value,
    /// Scenario name and description (from the manifest; the directory name if absent).
    pub scenario: String,
    pub description: String,
    /// The varied keys, in file order.
    pub keys: Vec<String>,
    /// Per key: its values in the order first swept when it is categorical (true/false or
    /// words), `None` when every value is a number.
    pub categories: Vec<Option<Vec<String>>>,
    /// The metrics of sweep_points.csv, in file order.
    pub metrics: Vec<String>,
    pub points: Vec<SweepPoint>,
    /// The window the metrics are read over (`window` of the manifest; `last_year` if
    /// absent).
    pub window: String,
}

/// How a sweep is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepLayout {
    /// One key: lines with bands.
    Line,
    /// Two keys, every combination of their values once: heat maps. The distinct values of
    /// the first key (x) and the second (y), ascending.
    Grid { xs: Vec<f64>, ys: Vec<f64> },
    /// Anything else: scatter panels, one per key.
    Scatter,
}

fn parse_value(s: &str) -> Option<f64> {
    s.parse().ok().filter(|x: &f64| x.is_finite())
}

impl SweepDir {
    /// Reads `sweep_points.csv` (required) and `manifest.json` (optional).
    pub fn load(dir: &Path) -> Result<Self> {
        let path = required_file(dir, "sweep_points.csv", "sweep")?;
        let (mut r, cols) = Columns::open(&path)?;
        let n_col = cols.index("n")?;
        let header = &cols.header;
        if header.get(0) != Some("point") || n_col < 2 {
            bail!(
                "{}: expected the columns point, the varied keys, n, then the metrics",
                path.display()
            );
        }
        let keys: Vec<String> = (1..n_col).map(|i| header[i].to_string()).collect();
        let mut metrics = Vec::new();
        let mut metric_cols = Vec::new();
        for (i, h) in header.iter().enumerate().skip(n_col + 1) {
            if let Some(m) = h.strip_suffix("_mean") {
                let lo = header.iter().position(|x| x == format!("{m}_ci95_low"));
                let hi = header.iter().position(|x| x == format!("{m}_ci95_high"));
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    metrics.push(m.to_string());
                    metric_cols.push((i, lo, hi));
                }
            }
        }
        let mut points = Vec::new();
        for rec in r.records() {
            let rec = rec.with_context(|| format!("cannot read {}", path.display()))?;
            let texts: Vec<String> = (1..n_col).map(|i| cell(&rec, i).to_string()).collect();
            points.push(SweepPoint {
                values: Vec::new(),
                texts,
                n: cell(&rec, n_col).parse().unwrap_or(0),
                stats: metric_cols
                    .iter()
                    .map(|&(m, lo, hi)| Estimate {
                        mean: num(&rec, m),
                        ci_low: num(&rec, lo),
                        ci_high: num(&rec, hi),
                    })
                    .collect(),
            });
        }
        // A key is categorical when any of its values is not a number.
        let categories: Vec<Option<Vec<String>>> = (0..keys.len())
            .map(|k| {
                if points.iter().all(|p| parse_value(&p.texts[k]).is_some()) {
                    return None;
                }
                let mut seen: Vec<String> = Vec::new();
                for p in &points {
                    if !seen.contains(&p.texts[k]) {
                        seen.push(p.texts[k].clone());
                    }
                }
                Some(seen)
            })
            .collect();
        for p in &mut points {
            p.values = categories
                .iter()
                .zip(&p.texts)
                .map(|(c, t)| match c {
                    Some(c) => c.iter().position(|x| x == t).unwrap_or(0) as f64,
                    None => parse_value(t).unwrap_or(f64::NAN),
                })
                .collect();
        }
        if points.is_empty() {
            bail!("{}: no points", path.display());
        }
        let manifest = read_manifest(dir)?;
        let (scenario, description) = scenario_named(&manifest, dir, "sweep");
        let window = manifest
            .get("window")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("last_year")
            .to_string();
        Ok(Self {
            dir: dir.to_path_buf(),
            scenario,
            description,
            manifest,
            keys,
            categories,
            metrics,
            points,
            window,
        })
    }

    /// The estimate of `metric` at point `p`, if the file has the metric.
    pub fn estimate(&self, p: usize, metric: &str) -> Option<Estimate> {
        let i = self.metrics.iter().position(|m| m == metric)?;
        self.points.get(p).map(|pt| pt.stats[i])
    }

    /// How the sweep is drawn (see [`SweepLayout`]).
    pub fn layout(&self) -> SweepLayout {
        match self.keys.len() {
            1 => SweepLayout::Line,
            2 => {
                let distinct = |k: usize| -> Vec<f64> {
                    let mut v: Vec<f64> = self.points.iter().map(|p| p.values[k]).collect();
                    v.sort_by(f64::total_cmp);
                    v.dedup();
                    v
                };
                let (xs, ys) = (distinct(0), distinct(1));
                let mut seen = vec![false; xs.len() * ys.len()];
                if xs.len() * ys.len() != self.points.len() {
                    return SweepLayout::Scatter;
                }
                for p in &self.points {
                    let i = xs.iter().position(|x| *x == p.values[0]).unwrap_or(0);
                    let j = ys.iter().position(|y| *y == p.values[1]).unwrap_or(0);
                    if std::mem::replace(&mut seen[i * ys.len() + j], true) {
                        return SweepLayout::Scatter;
                    }
                }
                SweepLayout::Grid { xs, ys }
            }
            _ => SweepLayout::Scatter,
        }
    }

    /// The metrics the plots and report show: the main ones ([`views::SWEEP`]) the file has,
    /// else (a sweep that kept none of them with `--metrics`) its first few.
    pub fn shown_metrics(&self) -> Vec<M> {
        let has = |m: &M| self.metrics.iter().any(|name| name == m.name());
        let shown: Vec<M> = views::SWEEP.iter().copied().filter(has).collect();
        if !shown.is_empty() {
            return shown;
        }
        self.metrics
            .iter()
            .filter_map(|name| M::from_name(name))
            .take(views::SWEEP.len())
            .collect()
    }

    /// The window in words, for captions: "in the last year", "in year 5".
    pub fn window_phrase(&self) -> String {
        crate::experiment::windows::Window::parse(&self.window)
            .map_or_else(
                || i18n::fill(i18n::OVER_WINDOW, "name", &self.window),
                i18n::window_phrase,
            )
    }

    /// Replications per point (the largest, if they differ).
    pub fn reps(&self) -> usize {
        self.points.iter().map(|p| p.n).max().unwrap_or(0)
    }
}

/// `key (unit)`, with the unit from the parameter declarations (none for `-`).
pub fn key_label(key: &str) -> String {
    match Params::specs().into_iter().find(|s| s.key == key) {
        Some(s) if !s.unit.is_empty() && s.unit != "-" => {
            format!("{key} ({})", i18n::param_unit(s.unit))
        }
        _ => key.to_string(),
    }
}

/// The fewest decimals (up to 6) that show every value of an axis exactly enough.
fn axis_decimals(values: &[f64]) -> usize {
    (0..=6)
        .find(|&d| {
            let k = 10f64.powi(d as i32);
            values
                .iter()
                .all(|v| ((v * k).round() / k - v).abs() <= 1e-9 * v.abs().max(1.0))
        })
        .unwrap_or(6)
}

/// Round values (multiples of a 1-2-5 step) in `lo..=hi`, at most about `n` of them.
fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    // Also when either is NaN.
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return vec![lo];
    }
    let raw = (hi - lo) / n.max(1) as f64;
    let e = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * e)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * e);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// The name of the category at position `v` of an axis (nothing between positions).
fn category_label(categories: &[String], v: f64) -> String {
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    categories.get(i as usize).cloned().unwrap_or_default()
}

fn scaled(e: Estimate, f: f64) -> Estimate {
    Estimate {
        mean: e.mean * f,
        ci_low: e.ci_low * f,
        ci_high: e.ci_high * f,
    }
}

/// "mean of 1 replication", "mean of 3 replications".
fn mean_of_reps(reps: usize) -> String {
    match i18n::lang() {
        i18n::Lang::En => format!(
            "mean of {reps} replication{}",
            if reps == 1 { "" } else { "s" }
        ),
        i18n::Lang::Zh => fmt(i18n::MEAN_OF_REPS_SWEEP, &[("n", &reps.to_string())]),
    }
}

// ---------------------------------------------------------------------------------------
// One key: a line with its band
// ---------------------------------------------------------------------------------------

struct LineChart<'a> {
    spec: &'a Spec,
    x_label: String,
    /// A categorical key's values, in order (x is the position): dots and whiskers, no line.
    categories: Option<&'a [String]>,
    /// The window in words ("in the last year").
    window: String,
    reps: usize,
    /// (x, estimate), ascending in x.
    points: Vec<(f64, Estimate)>,
}

impl Chart for LineChart<'_> {
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = title(root, &fmt(i18n::AGAINST_VARIED, &[("name", self.spec.title)]))?;
        let c = colour(0);
        let mut keys = vec![(
            if self.categories.is_some() {
                Key::Dot(c)
            } else {
                Key::DotLine(c)
            },
            fmt(
                i18n::AT_EACH_POINT,
                &[("name", &mean_of_reps(self.reps)), ("w", &self.window)],
            ),
        )];
        let any_band = self
            .points
            .iter()
            .any(|(_, e)| e.ci_low.is_finite() && e.ci_high.is_finite());
        if any_band {
            keys.push((
                if self.categories.is_some() {
                    Key::Whisker(pale(c, 0.5))
                } else {
                    Key::Band(c)
                },
                i18n::CI_OF_MEAN.get().to_string(),
            ));
        }
        let area = legend(&area, &keys, 40)?;
        let estimates = self.points.iter().map(|(_, e)| e);
        let (lo, hi) = finite_range(estimates.flat_map(|e| [e.mean, e.ci_low, e.ci_high]));
        let (y0, y1) = axis_range(lo, hi, self.spec.bounds);
        let (xa, xb) = (
            self.points.first().map_or(0.0, |p| p.0),
            self.points.last().map_or(1.0, |p| p.0),
        );
        let xpad = if self.categories.is_some() {
            0.5
        } else if xb > xa {
            (xb - xa) * 0.04
        } else {
            xa.abs().max(1.0) * 0.5
        };
        let (x0, x1) = (xa - xpad, xb + xpad);
        let (xs, ys) = (x1 - x0, y1 - y0);
        let mut chart =
            chart_builder(&area, [20, 50, 10, 16], (80, 120)).build_cartesian_2d(x0..x1, y0..y1)?;
        let xfmt = |v: &f64| match self.categories {
            Some(c) => category_label(c, *v),
            None => tick(*v, xs, 10),
        };
        let yfmt = |v: &f64| tick(*v, ys, 8);
        let x_labels = self.categories.map_or(10, |c| c.len() + 1);
        styled_mesh(&mut chart, x_labels, 8)
            .x_desc(&self.x_label)
            .y_desc(&self.spec.label)
            .x_label_formatter(&xfmt)
            .y_label_formatter(&yfmt)
            .draw()?;
        let band: Vec<(f64, f64, f64)> = self
            .points
            .iter()
            .filter(|(_, e)| e.ci_low.is_finite() && e.ci_high.is_finite())
            .map(|(x, e)| (*x, e.ci_low.max(y0), e.ci_high.min(y1)))
            .collect();
        if band.len() >= 2 && self.categories.is_none() {
            let mut pts: Vec<(f64, f64)> = band.iter().map(|p| (p.0, p.2)).collect();
            pts.extend(band.iter().rev().map(|p| (p.0, p.1)));
            chart.draw_series(std::iter::once(Polygon::new(pts, c.mix(0.22).filled())))?;
        } else {
            for (x, lo, hi) in &band {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(*x, *lo), (*x, *hi)],
                    c.mix(0.5).stroke_width(8),
                )))?;
            }
        }
        let line: Vec<(f64, f64)> = self
            .points
            .iter()
            .filter(|(_, e)| e.mean.is_finite())
            .map(|(x, e)| (*x, e.mean))
            .collect();
        if self.categories.is_none() {
            chart.draw_series(LineSeries::new(line.clone(), c.stroke_width(4)))?;
        }
        let r = if line.len() > 40 { 4 } else { 7 };
        chart.draw_series(line.iter().map(|p| Circle::new(*p, r, c.filled())))?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Two keys: a heat map
// ---------------------------------------------------------------------------------------

struct HeatMap<'a> {
    spec: &'a Spec,
    x_label: String,
    y_label: String,
    xs: &'a [f64],
    ys: &'a [f64],
    /// The names of categorical x and y values (by position), if the key is categorical.
    x_names: Option<&'a [String]>,
    y_names: Option<&'a [String]>,
    /// `cells[i][j]`: the mean at xs[i], ys[j] (NaN where undefined).
    cells: Vec<Vec<f64>>,
    reps: usize,
}

impl Chart for HeatMap<'_> {
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = title(
            root,
            &fmt(i18n::OVER_GRID, &[("name", self.spec.title)]),
        )?;
        let area = area.split_vertically(12).1;
        let (w, _) = area.dim_in_pixel();
        let (area, bar_area) = area.split_horizontally(w - 190);
        let (nx, ny) = (self.xs.len(), self.ys.len());
        let (mut lo, mut hi) = finite_range(self.cells.iter().flatten().copied());
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if hi - lo < 1e-12 {
            let m = if hi.abs() > 0.0 {
                hi.abs() * 0.05
            } else {
                0.05
            };
            lo -= m;
            hi += m;
        }
        let t = |v: f64| (v - lo) / (hi - lo);
        let mut chart = chart_builder(&area, [20, 10, 10, 16], (80, 130))
            .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .axis_style(INK.stroke_width(2))
            .x_labels(0)
            .y_labels(0)
            .axis_desc_style(font(LABEL_PX))
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .draw()?;
        let plot = chart.plotting_area().clone();
        let cell_w = {
            let a = plot.map_coordinate(&(0.0, 0.0));
            let b = plot.map_coordinate(&(1.0, 1.0));
            ((b.0 - a.0).abs(), (a.1 - b.1).abs())
        };
        let show_values = cell_w.0 >= 64 && cell_w.1 >= 26;
        let value_style = anchored(font(NOTE_PX), HPos::Center, VPos::Center);
        for (i, col) in self.cells.iter().enumerate() {
            for (j, v) in col.iter().enumerate() {
                let fill = if v.is_finite() {
                    viridis(t(*v))
                } else {
                    RGBColor(200, 200, 200)
                };
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(i as f64, j as f64), (i as f64 + 1.0, j as f64 + 1.0)],
                    fill.filled(),
                )))?;
                if show_values {
                    let p = plot.map_coordinate(&(i as f64 + 0.5, j as f64 + 0.5));
                    let text = if v.is_finite() {
                        let d = tick_decimals(hi - lo, 6) + 1;
                        format!("{v:.d$}")
                    } else {
                        "–".to_string()
                    };
                    let ink = if v.is_finite() && t(*v) > 0.55 {
                        INK
                    } else {
                        WHITE
                    };
                    root.draw_text(&text, &value_style.color(&ink), p)?;
                }
            }
        }
        // Tick labels at the cell centres (at most about 12 per axis).
        let (xr, yr) = plot.get_pixel_range();
        let xstep = nx.div_ceil(12).max(1);
        let ystep = ny.div_ceil(14).max(1);
        let xstyle = anchored(font(TICK_PX), HPos::Center, VPos::Top);
        let ystyle = anchored(font(TICK_PX), HPos::Right, VPos::Center);
        let (xd, yd) = (axis_decimals(self.xs), axis_decimals(self.ys));
        for (i, x) in self.xs.iter().enumerate().step_by(xstep) {
            let p = plot.map_coordinate(&(i as f64 + 0.5, 0.0));
            root.draw(&PathElement::new(
                vec![(p.0, yr.end), (p.0, yr.end + 6)],
                INK.stroke_width(2),
            ))?;
            let text = self
                .x_names
                .map_or_else(|| format!("{x:.xd$}"), |c| category_label(c, *x));
            root.draw_text(&text, &xstyle, (p.0, yr.end + 10))?;
        }
        for (j, y) in self.ys.iter().enumerate().step_by(ystep) {
            let p = plot.map_coordinate(&(0.0, j as f64 + 0.5));
            root.draw(&PathElement::new(
                vec![(xr.start - 6, p.1), (xr.start, p.1)],
                INK.stroke_width(2),
            ))?;
            let text = self
                .y_names
                .map_or_else(|| format!("{y:.yd$}"), |c| category_label(c, *y));
            root.draw_text(&text, &ystyle, (xr.start - 10, p.1))?;
        }
        // The colour bar, level with the plotting area.
        let (bx, _) = bar_area.get_base_pixel();
        let x = bx + 20;
        let (top, bottom) = (yr.start, yr.end);
        let h = f64::from(bottom - top);
        viridis_bar(root, x, top, bottom, 28)?;
        let style = anchored(font(TICK_PX), HPos::Left, VPos::Center);
        for v in nice_ticks(lo, hi, 6) {
            let f = t(v);
            let py = bottom - (h * f).round() as i32;
            root.draw(&PathElement::new(
                vec![(x + 28, py), (x + 34, py)],
                INK.stroke_width(1),
            ))?;
            root.draw_text(&tick(v, hi - lo, 5), &style, (x + 38, py))?;
        }
        let rotated = anchored(font(LABEL_PX), HPos::Center, VPos::Center)
            .transform(FontTransform::Rotate270);
        let label = format!("{} ({})", self.spec.label, mean_of_reps(self.reps));
        root.draw_text(&label, &rotated, (x + 140, (top + bottom) / 2))?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Latin hypercube or more keys: scatter panels
// ---------------------------------------------------------------------------------------

struct Scatter<'a> {
    spec: &'a Spec,
    keys: Vec<String>,
    /// Per key: its categories when it is categorical.
    categories: &'a [Option<Vec<String>>],
    window: String,
    /// Per point: the varied values and the estimate.
    points: Vec<(Vec<f64>, Estimate)>,
    reps: usize,
}

impl Chart for Scatter<'_> {
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = title(
            root,
            &fmt(i18n::AGAINST_EACH, &[("name", self.spec.title)]),
        )?;
        let c = colour(0);
        let keys = vec![
            (
                Key::Dot(c),
                fmt(
                    i18n::ONE_POINT,
                    &[("name", &mean_of_reps(self.reps)), ("w", &self.window)],
                ),
            ),
            (Key::Whisker(pale(c, 0.5)), i18n::CI_SHORT.get().to_string()),
        ];
        let area = legend(&area, &keys, 40)?;
        let k = self.keys.len().max(1);
        let (cols, rows) = match k {
            1..=3 => (k, 1),
            4 => (2, 2),
            5 | 6 => (3, 2),
            _ => {
                let c = (k as f64).sqrt().ceil() as usize;
                (c, k.div_ceil(c))
            }
        };
        let estimates = self.points.iter().map(|(_, e)| e);
        let (lo, hi) = finite_range(estimates.flat_map(|e| [e.mean, e.ci_low, e.ci_high]));
        let (y0, y1) = axis_range(lo, hi, self.spec.bounds);
        let ys = y1 - y0;
        let panels = area.split_evenly((rows, cols));
        let many = self.points.len() > 60;
        for (ki, key) in self.keys.iter().enumerate() {
            let panel = &panels[ki];
            let (mut a, mut b) = (f64::INFINITY, f64::NEG_INFINITY);
            for (v, _) in &self.points {
                a = a.min(v[ki]);
                b = b.max(v[ki]);
            }
            let names = self.categories.get(ki).and_then(Option::as_deref);
            let pad = if names.is_some() {
                0.5
            } else if b > a {
                (b - a) * 0.05
            } else {
                a.abs().max(1.0) * 0.5
            };
            let (x0, x1) = (a - pad, b + pad);
            let xs = x1 - x0;
            let first_col = ki % cols == 0;
            let mut chart = chart_builder(
                panel,
                [10, 30, 40, 10],
                (76, if first_col { 110 } else { 70 }),
            )
            .build_cartesian_2d(x0..x1, y0..y1)?;
            let xfmt = |v: &f64| match names {
                Some(c) => category_label(c, *v),
                None => tick(*v, xs, 5),
            };
            let yfmt = |v: &f64| tick(*v, ys, 6);
            let unit = Params::specs()
                .into_iter()
                .find(|s| &s.key == key)
                .map(|s| s.unit)
                .filter(|u| !u.is_empty() && *u != "-")
                .unwrap_or(i18n::VALUE.get());
            let mut mesh = styled_mesh(&mut chart, names.map_or(5, |c| c.len() + 1), 6);
            mesh.x_desc(unit)
                .x_label_formatter(&xfmt)
                .y_label_formatter(&yfmt);
            if first_col {
                mesh.y_desc(&self.spec.label);
            }
            mesh.draw()?;
            // The key above its panel (without its section if that does not fit).
            let (xr, yr) = chart.plotting_area().get_pixel_range();
            let head = anchored(bold(LABEL_PX), HPos::Center, VPos::Bottom);
            let fits = |t: &str| -> std::result::Result<bool, Box<dyn Error + Send + Sync>> {
                Ok(root.estimate_text_size(t, &head)?.0 as i32 <= xr.end - xr.start + 40)
            };
            let heading = if fits(key)? {
                key.clone()
            } else {
                key.split_once('.')
                    .map_or(key.clone(), |(_, r)| r.to_string())
            };
            root.draw_text(&heading, &head, ((xr.start + xr.end) / 2, yr.start - 10))?;
            for (v, e) in &self.points {
                if e.ci_low.is_finite() && e.ci_high.is_finite() {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(v[ki], e.ci_low.max(y0)), (v[ki], e.ci_high.min(y1))],
                        c.mix(0.4).stroke_width(2),
                    )))?;
                }
            }
            chart.draw_series(self.points.iter().filter(|(_, e)| e.mean.is_finite()).map(
                |(v, e)| {
                    Circle::new(
                        (v[ki], e.mean),
                        if many { 4 } else { 6 },
                        c.mix(0.8).filled(),
                    )
                },
            ))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// A whole sweep directory
// ---------------------------------------------------------------------------------------

/// Draws the plots of a sweep directory into `plots_dir`, one per main metric (see
/// [`SweepLayout`]). Returns the figures in report order.
pub fn plot_sweep(sw: &SweepDir, plots_dir: &Path) -> Result<Vec<Figure>> {
    let layout = sw.layout();
    let reps = sw.reps();
    let window = sw.window_phrase();
    let mut figures = Vec::new();
    for m in sw.shown_metrics() {
        let spec = &Spec::of(m);
        let est = |p: usize| scaled(sw.estimate(p, spec.metric).expect("metric"), spec.factor);
        let figure = match &layout {
            SweepLayout::Line => {
                let mut points: Vec<(f64, Estimate)> = (0..sw.points.len())
                    .map(|p| (sw.points[p].values[0], est(p)))
                    .collect();
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                let stem = format!("sweep_{}", spec.metric);
                let categories = sw.categories[0].as_deref();
                let chart = LineChart {
                    spec,
                    x_label: key_label(&sw.keys[0]),
                    categories,
                    window: window.clone(),
                    reps,
                    points,
                };
                save(&chart, plots_dir, &stem)?;
                let how = if categories.is_some() {
                    i18n::HOW_DOTS
                } else {
                    i18n::HOW_LINE
                };
                Figure {
                    stem,
                    title: fmt(i18n::AGAINST, &[("name", spec.title), ("keys", &sw.keys[0])]),
                    caption: fmt(
                        i18n::CAP_SWEEP_LINE,
                        &[
                            ("name", &spec.label),
                            ("w", &window),
                            ("keys", &sw.keys[0]),
                            ("how", how.get()),
                        ],
                    ),
                }
            }
            SweepLayout::Grid { xs, ys } => {
                let mut cells = vec![vec![f64::NAN; ys.len()]; xs.len()];
                for (p, pt) in sw.points.iter().enumerate() {
                    let i = xs.iter().position(|x| *x == pt.values[0]).unwrap_or(0);
                    let j = ys.iter().position(|y| *y == pt.values[1]).unwrap_or(0);
                    cells[i][j] = est(p).mean;
                }
                let stem = format!("heatmap_{}", spec.metric);
                let chart = HeatMap {
                    spec,
                    x_label: key_label(&sw.keys[0]),
                    y_label: key_label(&sw.keys[1]),
                    xs,
                    ys,
                    x_names: sw.categories[0].as_deref(),
                    y_names: sw.categories[1].as_deref(),
                    cells,
                    reps,
                };
                save(&chart, plots_dir, &stem)?;
                Figure {
                    stem,
                    title: fmt(
                        i18n::GRID_TITLE,
                        &[
                            ("name", spec.title),
                            ("keys", &format!("{} × {}", sw.keys[0], sw.keys[1])),
                        ],
                    ),
                    caption: fmt(
                        i18n::CAP_SWEEP_GRID,
                        &[("name", &spec.label), ("w", &window)],
                    ),
                }
            }
            SweepLayout::Scatter => {
                let points: Vec<(Vec<f64>, Estimate)> = (0..sw.points.len())
                    .map(|p| (sw.points[p].values.clone(), est(p)))
                    .collect();
                let stem = format!("scatter_{}", spec.metric);
                let chart = Scatter {
                    spec,
                    keys: sw.keys.clone(),
                    categories: &sw.categories,
                    window: window.clone(),
                    points,
                    reps,
                };
                save(&chart, plots_dir, &stem)?;
                Figure {
                    stem,
                    title: fmt(i18n::AGAINST_EACH, &[("name", spec.title)]),
                    caption: fmt(
                        i18n::CAP_SWEEP_SCATTER,
                        &[("name", &spec.label), ("w", &window)],
                    ),
                }
            }
        };
        figures.push(figure);
    }
    if figures.is_empty() {
        bail!(
            "{}: sweep_points.csv has no metric to draw",
            sw.dir.display()
        );
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::{axis_decimals, key_label, nice_ticks};

    #[test]
    fn value_labels() {
        assert_eq!(axis_decimals(&[0.2, 0.4, 0.6000000000000001, 0.8]), 1);
        assert_eq!(axis_decimals(&[0.0, 10.0, 40.0]), 0);
        assert_eq!(axis_decimals(&[0.25, 0.5]), 2);
        assert_eq!(
            nice_ticks(29.3, 56.4, 6),
            vec![30.0, 35.0, 40.0, 45.0, 50.0, 55.0]
        );
        assert_eq!(nice_ticks(29.3, 56.4, 5), vec![30.0, 40.0, 50.0]);
        assert_eq!(
            key_label("property.government_purchase"),
            "property.government_purchase (RMB/household/month)"
        );
        assert_eq!(key_label("no.such_key"), "no.such_key");
    }
}
