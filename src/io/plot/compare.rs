//! The plots of a `shequ compare` directory: every key metric over time with one colour per
//! scenario, the spiral with one trace per scenario, the last-year levels, the paired
//! differences scenario − base with their 95 % CIs (from comparison.csv) and the
//! mobilisation distributions side by side.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::io::i18n;
use crate::io::plot::Figure;
use crate::io::plot::data::{Columns, Estimate, RunDir, cell, num, read_manifest, required_file};
use crate::io::plot::end_state::{EndStateRow, end_state};
use crate::io::plot::events::{EventSet, mobilisation};
use crate::io::plot::phase::{PhaseTrace, spiral};
use crate::io::plot::style::{
    Backend, Chart, DrawResult, GRID, INK, Key, LABEL_PX, MUTED, NOTE_PX, anchored, bold,
    chart_builder, colour, font, legend, save, styled_mesh, tick, tick_decimals, title,
};
use crate::io::plot::time_series::{ScenarioSeries, drawable, time_series};
use crate::io::views;
use crate::model::metrics::M;

/// One row of `comparison.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffRow {
    pub metric: String,
    /// `final_month` or `last_year`.
    pub window: String,
    /// The scenario's label (its subdirectory).
    pub scenario: String,
    pub base: String,
    pub n: usize,
    pub base_mean: f64,
    pub scenario_mean: f64,
    pub diff_mean: f64,
    pub diff_sd: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub excludes_zero: bool,
    /// With `compare --posterior` (else `None`): the columns of
    /// [`crate::io::tables::POSTERIOR_COLUMNS`].
    pub posterior: Option<PosteriorCells>,
}

/// A row's spread across the accepted points of `compare --posterior`.
#[derive(Debug, Clone, PartialEq)]
pub struct PosteriorCells {
    /// `higher`, `lower` or empty.
    pub better: String,
    pub points: usize,
    /// NaN when the metric has no better direction.
    pub p_better: f64,
    pub p_worse: f64,
    /// 2.5 % and 97.5 % quantiles of the points' mean differences.
    pub lo: f64,
    pub hi: f64,
}

/// Reads `comparison.csv` (empty cells are NaN).
pub fn read_comparison(path: &Path) -> Result<Vec<DiffRow>> {
    let (mut r, cols) = Columns::open(path)?;
    let c = cols.indices(crate::io::tables::COMPARISON_COLUMNS)?;
    let post = if cols.header.iter().any(|h| h == "p_better") {
        Some(cols.indices(crate::io::tables::POSTERIOR_COLUMNS)?)
    } else {
        None
    };
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.with_context(|| format!("cannot read {}", path.display()))?;
        let text = |i: usize| cell(&rec, c[i]).to_string();
        out.push(DiffRow {
            metric: text(0),
            window: text(1),
            scenario: text(2),
            base: text(3),
            n: cell(&rec, c[4]).parse().unwrap_or(0),
            base_mean: num(&rec, c[5]),
            scenario_mean: num(&rec, c[6]),
            diff_mean: num(&rec, c[7]),
            diff_sd: num(&rec, c[8]),
            ci_low: num(&rec, c[9]),
            ci_high: num(&rec, c[10]),
            excludes_zero: rec.get(c[11]) == Some("true"),
            posterior: post.map(|p| PosteriorCells {
                better: cell(&rec, p[0]).to_string(),
                points: cell(&rec, p[1]).parse().unwrap_or(0),
                p_better: num(&rec, p[2]),
                p_worse: num(&rec, p[3]),
                lo: num(&rec, p[4]),
                hi: num(&rec, p[5]),
            }),
        });
    }
    if out.is_empty() {
        bail!("{}: no rows", path.display());
    }
    Ok(out)
}

/// Everything the plots and the report of one `shequ compare` directory need.
#[derive(Debug, Clone)]
pub struct CompareDir {
    pub dir: PathBuf,
    /// `Null` when the directory has no manifest.json.
    pub manifest: serde_json::Value,
    /// Scenario labels (their subdirectories), the base first.
    pub labels: Vec<String>,
    /// The run of each label, in the same order.
    pub runs: Vec<RunDir>,
    /// comparison.csv.
    pub diffs: Vec<DiffRow>,
}

impl CompareDir {
    /// Reads `comparison.csv`, `manifest.json` (optional: without it the scenarios are those
    /// named in comparison.csv) and each scenario's run directory.
    pub fn load(dir: &Path) -> Result<Self> {
        let cp = required_file(dir, "comparison.csv", "compare")?;
        let diffs = read_comparison(&cp)?;
        let manifest = read_manifest(dir)?;
        let mut labels: Vec<String> = Vec::new();
        let mut dirs: Vec<String> = Vec::new();
        if let Some(list) = manifest.get("scenarios").and_then(|s| s.as_array()) {
            for s in list {
                let Some(label) = s.get("label").and_then(|l| l.as_str()) else {
                    continue;
                };
                let sub = s.get("directory").and_then(|d| d.as_str()).unwrap_or(label);
                labels.push(label.to_string());
                dirs.push(sub.to_string());
            }
        }
        if labels.is_empty() {
            labels.push(diffs[0].base.clone());
            for d in &diffs {
                if !labels.contains(&d.scenario) {
                    labels.push(d.scenario.clone());
                }
            }
            dirs = labels.clone();
        }
        if labels.len() < 2 {
            bail!("{}: fewer than two scenarios", cp.display());
        }
        let mut runs = Vec::with_capacity(labels.len());
        for sub in &dirs {
            if sub.contains(['/', '\\']) || sub == ".." {
                let mp = dir.join("manifest.json");
                bail!("{}: bad scenario directory `{sub}`", mp.display());
            }
            runs.push(
                RunDir::load(&dir.join(sub))
                    .with_context(|| format!("{}: scenario `{sub}`", dir.display()))?,
            );
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            manifest,
            labels,
            runs,
            diffs,
        })
    }

    /// The difference of `metric` for scenario `label` over `window`.
    pub fn diff(&self, metric: &str, label: &str, window: &str) -> Option<&DiffRow> {
        self.diffs
            .iter()
            .find(|d| d.metric == metric && d.scenario == label && d.window == window)
    }

    /// The base's label.
    pub fn base(&self) -> &str {
        &self.labels[0]
    }

    /// `f` of each scenario's label and run, in order; `None` where `f` fails for any.
    fn each_scenario<'a, T>(
        &'a self,
        f: impl Fn(&'a str, &'a RunDir) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.labels
            .iter()
            .zip(&self.runs)
            .map(|(l, r)| f(l, r))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Paired differences: dot and whisker with a zero line, one panel per unit
// ---------------------------------------------------------------------------------------

/// A panel of the differences chart: rows (metrics) that share a unit and an x axis.
#[derive(Debug, Clone)]
pub struct DiffPanel {
    /// The x axis: what a difference of 1 means.
    pub x_label: String,
    /// One row per metric; its estimates are the differences, one per non-base scenario.
    pub rows: Vec<EndStateRow>,
}

struct DiffChart<'a> {
    title: &'a str,
    base: &'a str,
    others: &'a [&'a str],
    panels: &'a [DiffPanel],
}

/// `+0.041`, `-1.2`, `+0.000`: signed, with the decimals of the axis.
/// A value too small for the decimals gets two significant digits instead.
fn signed(v: f64, decimals: usize) -> String {
    let s = format!("{v:+.decimals$}");
    if !s.trim_start_matches(['-', '+', '0', '.']).is_empty() {
        s
    } else if v.abs() > 1e-9 && v.is_finite() {
        // (Below 1e-9: a rounding residue of a mean of exact zeros, shown as 0.)
        let d = ((-v.abs().log10()).ceil() as usize + 1).min(12);
        format!("{v:+.d$}")
    } else {
        format!("{:.decimals$}", 0.0)
    }
}

impl Chart for DiffChart<'_> {
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = title(root, self.title)?;
        let k = self.others.len().max(1);
        let mut keys: Vec<(Key, String)> = self
            .others
            .iter()
            .enumerate()
            .map(|(i, n)| (Key::DotLine(colour(i + 1)), format!("{n} − {}", self.base)))
            .collect();
        keys.push((Key::OpenDot(MUTED), i18n::OPEN_DOT.get().to_string()));
        let area = legend(&area, &keys, 40)?;
        // The numbers go in a column right of the panels, level with their dots.
        let value_style = anchored(font(NOTE_PX), HPos::Left, VPos::Center);
        let mut value_w = 0;
        for p in self.panels {
            let d = panel_decimals(p);
            for e in p.rows.iter().flat_map(|r| r.estimates.iter().flatten()) {
                let w = root.estimate_text_size(&value_text(e, d), &value_style)?.0;
                value_w = value_w.max(w as i32);
            }
        }
        let header = anchored(bold(NOTE_PX), HPos::Left, VPos::Center);
        let header_w = root
            .estimate_text_size(i18n::DIFFERENCE_CI.get(), &header)?
            .0 as i32;
        let value_w = value_w.max(header_w).clamp(60, 380) + 44;
        let (w, _) = area.dim_in_pixel();
        area.draw_text(
            i18n::DIFFERENCE_CI.get(),
            &header.color(&MUTED),
            (w as i32 - value_w + 24, 12),
        )?;
        // Room below the header for the first row's numbers, stacked 20 px apart.
        let header_h = 24 + 10 * (k.min(4) as u32 - 1);
        let area = area.split_vertically(header_h).1;
        // Room for the longest row label of any panel (at least 260 px), the same in each.
        let label_style = anchored(font(LABEL_PX), HPos::Right, VPos::Center);
        let mut label_w = 0;
        for row in self.panels.iter().flat_map(|p| &p.rows) {
            label_w = label_w.max(root.estimate_text_size(&row.label, &label_style)?.0);
        }
        let label_w = (label_w + 40).max(260);
        let (_, h) = area.dim_in_pixel();
        let axis_h: u32 = 86;
        let total_rows: usize = self.panels.iter().map(|p| p.rows.len().max(1)).sum();
        let free = h.saturating_sub(axis_h * self.panels.len() as u32 + 10);
        let row_h = (f64::from(free) / total_rows.max(1) as f64).floor() as u32;
        let mut rest = area;
        for (pi, panel) in self.panels.iter().enumerate() {
            let ph = if pi + 1 == self.panels.len() {
                rest.dim_in_pixel().1
            } else {
                row_h * panel.rows.len().max(1) as u32 + axis_h
            };
            let (a, b) = rest.split_vertically(ph);
            rest = b;
            draw_diff_panel(root, &a, panel, k, (value_w, label_w))?;
        }
        Ok(())
    }
}

/// The x range of a panel: every dot and whisker and zero, padded.
fn panel_range(panel: &DiffPanel) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for e in panel.rows.iter().flat_map(|r| r.estimates.iter().flatten()) {
        for v in [e.mean, e.ci_low, e.ci_high] {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    if hi - lo <= 0.0 {
        let m = if hi.abs() > 0.0 { hi.abs() } else { 0.01 };
        lo -= m;
        hi += m;
    }
    let pad = (hi - lo) * 0.06;
    (lo - pad, hi + pad)
}

/// Decimals of a panel's numbers: one more than its ticks.
fn panel_decimals(panel: &DiffPanel) -> usize {
    let (x0, x1) = panel_range(panel);
    tick_decimals(x1 - x0, 9) + 1
}

/// `+0.041 [+0.030, +0.052]`; `0 (identical)` when every replication pair agrees exactly.
fn value_text(e: &Estimate, decimals: usize) -> String {
    if e.mean == 0.0 && e.ci_low == 0.0 && e.ci_high == 0.0 {
        i18n::IDENTICAL.get().to_string()
    } else if e.ci_low.is_finite() && e.ci_high.is_finite() {
        format!(
            "{} [{}, {}]",
            signed(e.mean, decimals),
            signed(e.ci_low, decimals),
            signed(e.ci_high, decimals)
        )
    } else {
        signed(e.mean, decimals)
    }
}

fn draw_diff_panel<DB: Backend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    panel: &DiffPanel,
    k: usize,
    (value_w, label_w): (i32, u32),
) -> DrawResult {
    let n = panel.rows.len().max(1);
    let (x0, x1) = panel_range(panel);
    let span = x1 - x0;
    let mut chart = chart_builder(area, [20, value_w as u32, 6, 4], (76, label_w))
        .build_cartesian_2d(x0..x1, 0.0..n as f64)?;
    let xfmt = |v: &f64| tick(*v, span, 9);
    styled_mesh(&mut chart, 9, 0)
        .disable_y_mesh()
        .x_desc(&panel.x_label)
        .x_label_formatter(&xfmt)
        .draw()?;
    // The zero line: no difference.
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (0.0, n as f64)],
        INK.stroke_width(2),
    )))?;
    let plot = chart.plotting_area().clone();
    let (px_range, _) = plot.get_pixel_range();
    let decimals = panel_decimals(panel);
    let label_style = anchored(font(LABEL_PX), HPos::Right, VPos::Center);
    let value_style = anchored(font(NOTE_PX), HPos::Left, VPos::Center);
    let row_px = {
        let a = plot.map_coordinate(&(0.0, 0.0)).1;
        let b = plot.map_coordinate(&(0.0, 1.0)).1;
        (a - b).abs()
    };
    for (r, row) in panel.rows.iter().enumerate() {
        let yc = n as f64 - r as f64 - 0.5;
        if r > 0 {
            let y = n as f64 - r as f64;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x0, y), (x1, y)],
                GRID.stroke_width(1),
            )))?;
        }
        let p = plot.map_coordinate(&(x0, yc));
        root.draw_text(&row.label, &label_style, (px_range.start - 14, p.1))?;
        // Dots of one row sit at most 30 px apart, centred on the row.
        let step = (0.7 / k as f64).min(30.0 / f64::from(row_px.max(1)));
        for (i, e) in row.estimates.iter().enumerate() {
            let Some(e) = e else { continue };
            if !e.mean.is_finite() {
                continue;
            }
            let y = yc - (i as f64 - (k - 1) as f64 / 2.0) * step;
            let c = colour(i + 1);
            let has_ci = e.ci_low.is_finite() && e.ci_high.is_finite();
            let excludes = has_ci && (e.ci_low > 0.0 || e.ci_high < 0.0);
            if has_ci {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(e.ci_low, y), (e.ci_high, y)],
                    c.stroke_width(3),
                )))?;
                for v in [e.ci_low, e.ci_high] {
                    let q = plot.map_coordinate(&(v, y));
                    root.draw(&PathElement::new(
                        vec![(q.0, q.1 - 8), (q.0, q.1 + 8)],
                        c.stroke_width(3),
                    ))?;
                }
            }
            let q = plot.map_coordinate(&(e.mean, y));
            if excludes {
                root.draw(&Circle::new(q, 8, c.filled()))?;
            } else {
                root.draw(&Circle::new(q, 8, WHITE.filled()))?;
                root.draw(&Circle::new(q, 8, c.stroke_width(3)))?;
            }
            // The numbers of one row stacked 20 px apart around its centre, in the order of
            // the dots, so that they never run into each other.
            let text = value_text(e, decimals);
            let x = px_range.end + 24;
            let centre = plot.map_coordinate(&(x0, yc)).1;
            let ty = centre + ((2 * i) as i32 - (k as i32 - 1)) * 10;
            root.draw_text(&text, &value_style.color(&c), (x, ty))?;
        }
    }
    Ok(())
}

/// Draws paired differences `others[i] − base` as dots with 95 % whiskers and a zero line:
/// one panel per unit (its own x axis), one row per metric, one dot per scenario in the
/// scenario's overlay colour (`colour(i + 1)`; the base has colour 0). A dot is filled when
/// its interval excludes zero, open when it does not.
pub fn differences(
    plots_dir: &Path,
    stem: &str,
    title: &str,
    base: &str,
    others: &[&str],
    panels: &[DiffPanel],
) -> Result<Figure> {
    let panels: Vec<DiffPanel> = panels
        .iter()
        .filter(|p| !p.rows.is_empty())
        .cloned()
        .collect();
    if panels.is_empty() || others.is_empty() {
        bail!("differences: nothing to draw");
    }
    let chart = DiffChart {
        title,
        base,
        others,
        panels: &panels,
    };
    save(&chart, plots_dir, stem)?;
    Ok(Figure {
        stem: stem.to_string(),
        title: title.to_string(),
        caption: i18n::fill(i18n::CAP_DIFFS, "name", base),
    })
}

// ---------------------------------------------------------------------------------------
// A whole compare directory
// ---------------------------------------------------------------------------------------

/// Draws every plot of a compare directory into `plots_dir`: the key metrics over time
/// (one colour per scenario), the spiral (one trace per scenario), the last-year levels,
/// the paired differences and the mobilisation distributions. Returns the figures in
/// report order.
pub fn plot_compare(cmp: &CompareDir, plots_dir: &Path) -> Result<Vec<Figure>> {
    let names: Vec<&str> = cmp.labels.iter().map(String::as_str).collect();
    let months = cmp
        .runs
        .iter()
        .map(|r| r.timeseries.months())
        .min()
        .unwrap_or(0);
    if months < 1 {
        bail!("{}: a scenario has no months", cmp.dir.display());
    }
    let mut figures = Vec::new();
    for &m in views::RUN_TIME_SERIES {
        if !drawable(m, months) {
            continue;
        }
        let series = cmp.each_scenario(|name, r| {
            Some(ScenarioSeries {
                name,
                reps: r.timeseries.metric(m.name())?,
            })
        });
        let Some(series) = series else { continue };
        figures.push(time_series(plots_dir, m.name(), m, &series)?);
    }
    if months >= 12 {
        let [mx, my] = views::SPIRAL;
        let traces = cmp.each_scenario(|name, r| {
            Some(PhaseTrace {
                name,
                x: r.timeseries.metric(mx.name())?,
                y: r.timeseries.metric(my.name())?,
            })
        });
        if let Some(traces) = traces {
            let f = spiral(plots_dir, &traces)?;
            figures.insert(figures.len().min(2), f);
        }
    }

    // Paired differences: shares on one axis, then one panel per other unit.
    let others = &names[1..];
    let diff_row = |m: M| -> Option<EndStateRow> {
        let factor = m.meta().display_factor();
        let estimates: Vec<Option<Estimate>> = others
            .iter()
            .map(|o| {
                cmp.diff(m.name(), o, "last_year").map(|d| Estimate {
                    mean: d.diff_mean * factor,
                    ci_low: d.ci_low * factor,
                    ci_high: d.ci_high * factor,
                })
            })
            .collect();
        estimates.iter().any(Option::is_some).then(|| EndStateRow {
            label: i18n::title(m).to_string(),
            estimates,
        })
    };
    let shares = DiffPanel {
        x_label: i18n::DIFF_AXIS_SHARES.get().to_string(),
        rows: views::DIFF_SHARES
            .iter()
            .filter_map(|&m| diff_row(m))
            .collect(),
    };
    if !shares.rows.is_empty() {
        figures.push(differences(
            plots_dir,
            "differences",
            i18n::TITLE_DIFFS.get(),
            names[0],
            others,
            &[shares],
        )?);
    }
    let panels: Vec<DiffPanel> = views::DIFF_OTHER
        .iter()
        .filter_map(|&m| {
            Some(DiffPanel {
                x_label: format!("{} ({})", i18n::DIFFERENCE.get(), i18n::unit(m)),
                rows: vec![diff_row(m)?],
            })
        })
        .collect();
    if !panels.is_empty() {
        let mut f = differences(
            plots_dir,
            "differences_other",
            i18n::TITLE_DIFFS_OTHER.get(),
            names[0],
            others,
            &panels,
        )?;
        f.caption.push_str(i18n::CAP_DIFFS_OTHER.get());
        figures.push(f);
    }

    // Last-year levels of every scenario.
    let rows: Vec<EndStateRow> = views::END_STATE
        .iter()
        .filter_map(|&m| {
            let estimates: Vec<Option<Estimate>> = cmp
                .runs
                .iter()
                .map(|r| {
                    r.summary_of(m.name(), "last_year").map(|s| Estimate {
                        mean: s.mean,
                        ci_low: s.ci_low,
                        ci_high: s.ci_high,
                    })
                })
                .collect();
            estimates.iter().any(Option::is_some).then(|| EndStateRow {
                label: i18n::title(m).to_string(),
                estimates,
            })
        })
        .collect();
    if !rows.is_empty() {
        figures.push(end_state(
            plots_dir,
            "end_state",
            i18n::TITLE_END_STATE_CMP.get(),
            &names,
            &rows,
        )?);
    }

    let sets: Vec<EventSet<'_>> = cmp
        .runs
        .iter()
        .zip(&names)
        .map(|(r, name)| EventSet {
            name,
            rows: &r.events,
        })
        .collect();
    figures.extend(mobilisation(plots_dir, &sets)?);
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::signed;

    #[test]
    fn signed_numbers() {
        assert_eq!(signed(0.0412, 3), "+0.041");
        assert_eq!(signed(-1.25, 1), "-1.2");
        assert_eq!(signed(-0.0001, 3), "-0.00010");
        assert_eq!(signed(0.0, 3), "0.000");
        assert_eq!(signed(2.2e-16, 1), "0.0");
    }
}
