//! End state: a dot-and-whisker chart of last-year means with their 95 % CIs, one row per
//! metric and one dot per scenario.

use std::path::Path;

use anyhow::{Result, bail};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::io::plot::Figure;
use crate::io::plot::data::Estimate;
use crate::io::plot::style::{
    Backend, Chart, DrawResult, GRID, Key, LABEL_PX, NOTE_PX, anchored, chart_builder, colour,
    font, legend, save, styled_mesh, tick, title,
};

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
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = title(root, self.title)?;
        let k = self.names.len().max(1);
        let mut keys: Vec<(Key, String)> = Vec::new();
        if k == 1 {
            keys.push((
                Key::DotLine(colour(0)),
                crate::io::i18n::LAST_YEAR_MEAN_CI.get().to_string(),
            ));
        } else {
            for (i, n) in self.names.iter().enumerate() {
                keys.push((Key::DotLine(colour(i)), (*n).to_string()));
            }
        }
        let area = legend(&area, &keys, 40)?;
        let n = self.rows.len().max(1);
        let label_style = anchored(font(LABEL_PX), HPos::Right, VPos::Center);
        // Room for the longest row label (at least 280 px).
        let mut label_w = 0;
        for row in self.rows {
            label_w = label_w.max(root.estimate_text_size(&row.label, &label_style)?.0);
        }
        let mut chart = chart_builder(&area, [20, 50, 10, 16], (80, (label_w + 40).max(280)))
            .build_cartesian_2d(0.0..1.0, 0.0..n as f64)?;
        let xfmt = |v: &f64| tick(*v, 1.0, 11);
        styled_mesh(&mut chart, 11, 0)
            .disable_y_mesh()
            .x_desc(self.x_label)
            .x_label_formatter(&xfmt)
            .draw()?;
        let plot = chart.plotting_area().clone();
        let (px_range, _) = plot.get_pixel_range();
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
        x_label: crate::io::i18n::LAST_YEAR_AXIS.get(),
        names,
        rows,
    };
    save(&chart, plots_dir, stem)?;
    Ok(Figure {
        stem: stem.to_string(),
        title: title.to_string(),
        caption: crate::io::i18n::CAP_END_STATE.get().to_string(),
    })
}

/// Draws a dot-and-whisker chart of indices on a 0-1 scale with its own axis label and
/// caption: one row per factor, one dot per kind of index (named in `names`).
pub fn indices_chart(
    plots_dir: &Path,
    stem: &str,
    title: &str,
    x_label: &str,
    names: &[&str],
    rows: &[EndStateRow],
    caption: &str,
) -> Result<Figure> {
    if rows.is_empty() {
        bail!("indices_chart: no row to draw");
    }
    let chart = EndStateChart {
        title,
        x_label,
        names,
        rows,
    };
    save(&chart, plots_dir, stem)?;
    Ok(Figure {
        stem: stem.to_string(),
        title: title.to_string(),
        caption: caption.to_string(),
    })
}
