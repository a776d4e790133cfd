//! Phase plots: yearly means of two metrics as a path through time, and the property-fee
//! spiral.

use std::path::Path;

use anyhow::{Result, bail};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::io::plot::Figure;
use crate::io::plot::data::{Aggregate, aggregate};
use crate::io::plot::style::{
    Backend, Chart, DrawResult, INK, Key, LABEL_PX, MUTED, NOTE_PX, TICK_PX, anchored, axis_label,
    axis_range, bold, chart_builder, colour, font, legend, save, styled_mesh, tick, title, viridis,
    viridis_bar,
};
use crate::io::views;

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
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let single = self.paths.len() == 1;
        let many_reps = self.paths.iter().any(|p| p.reps.len() > 1);
        let years = self.paths.iter().map(|p| p.mean.len()).max().unwrap_or(0);
        let area = title(root, self.spec.title)?;
        let mut keys = Vec::new();
        if single {
            keys.push((
                Key::DotLine(viridis(0.5)),
                crate::io::i18n::YEAR_MEANS_ARROWS.get().to_string(),
            ));
            if many_reps {
                keys.push((
                    Key::ThinLine(MUTED),
                    crate::io::i18n::EACH_REPLICATION.get().to_string(),
                ));
            }
        } else {
            for (i, p) in self.paths.iter().enumerate() {
                keys.push((Key::DotLine(colour(i)), p.name.clone()));
            }
            if many_reps {
                keys.push((
                    Key::ThinLine(MUTED),
                    crate::io::i18n::REPLICATIONS.get().to_string(),
                ));
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
            let text = crate::io::i18n::fill(crate::io::i18n::YEAR_N, "n", &(k + 1).to_string());
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
            viridis_bar(root, x, top, bottom, 26)?;
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
    let [x, y] = views::SPIRAL;
    let (x_label, y_label) = (axis_label(x), axis_label(y));
    let spec = PhaseSpec {
        title: crate::io::i18n::TITLE_SPIRAL.get(),
        x_label: &x_label,
        y_label: &y_label,
        x_bounds: x.meta().display_bounds(),
        y_bounds: y.meta().display_bounds(),
    };
    let mut f = phase(plots_dir, "spiral", &spec, traces)?;
    f.caption = crate::io::i18n::CAP_SPIRAL.get().to_string();
    Ok(f)
}
