//! Sensitivity charts: Sobol' indices (S1 and ST with their bootstrap intervals, one row per
//! factor, drawn as the end-state chart) and the Morris mu*-sigma plane.

use std::path::Path;

use anyhow::{Result, bail};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::io::i18n::{self, fmt};
use crate::io::plot::Figure;
use crate::io::plot::data::Estimate;
use crate::io::plot::end_state::{EndStateRow, indices_chart};
use crate::io::plot::style::{
    Backend, Chart, DrawResult, Key, NON_NEGATIVE, NOTE_PX, anchored, axis_range, chart_builder,
    colour, finite_range, font, legend, save, styled_mesh, tick, title,
};

/// One factor's Sobol' indices for the chart: (S1, lo, hi), (ST, lo, hi).
pub struct SobolRow<'a> {
    pub factor: &'a str,
    pub s1: (f64, f64, f64),
    pub st: (f64, f64, f64),
}

/// Draws S1 and ST with their 95 % bootstrap intervals per factor, on 0-1.
pub fn sobol(plots_dir: &Path, stem: &str, output: &str, rows: &[SobolRow]) -> Result<Figure> {
    let est = |(mean, ci_low, ci_high): (f64, f64, f64)| {
        Some(Estimate {
            mean,
            ci_low,
            ci_high,
        })
    };
    let rows: Vec<EndStateRow> = rows
        .iter()
        .map(|r| EndStateRow {
            label: r.factor.to_string(),
            estimates: vec![est(r.s1), est(r.st)],
        })
        .collect();
    let title = fmt(i18n::TITLE_SOBOL, &[("name", output_name(output))]);
    indices_chart(
        plots_dir,
        stem,
        &title,
        i18n::SOBOL_AXIS.get(),
        &[i18n::SOBOL_S1.get(), i18n::SOBOL_ST.get()],
        &rows,
        i18n::CAP_SOBOL.get(),
    )
}

/// An output's name in a title: as given (a column name), in Chinese a metric's term.
fn output_name(output: &str) -> &str {
    match (i18n::lang(), crate::model::metrics::M::from_name(output)) {
        (i18n::Lang::Zh, Some(m)) => i18n::title(m),
        _ => output,
    }
}

/// One factor's Morris measures for the chart.
pub struct MorrisPoint<'a> {
    pub factor: &'a str,
    pub mu_star: f64,
    pub mu_star_lo: f64,
    pub mu_star_hi: f64,
    pub sigma: f64,
}

/// Factors named in the Morris chart (those furthest from the origin).
const LABELLED: usize = 8;

struct MorrisChart<'a> {
    title: String,
    points: &'a [MorrisPoint<'a>],
}

impl Chart for MorrisChart<'_> {
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = title(root, &self.title)?;
        let keys = vec![
            (
                Key::DotLine(colour(0)),
                i18n::MORRIS_DOT.get().to_string(),
            ),
            (
                Key::ThinLine(colour(1)),
                i18n::MORRIS_LINE.get().to_string(),
            ),
        ];
        let area = legend(&area, &keys, 40)?;
        let (xl, xh) = finite_range(
            self.points
                .iter()
                .flat_map(|p| [p.mu_star, p.mu_star_hi, 0.0]),
        );
        let (yl, yh) = finite_range(self.points.iter().flat_map(|p| [p.sigma, 0.0]));
        let (x0, x1) = axis_range(xl, xh, NON_NEGATIVE);
        let (y0, y1) = axis_range(yl, yh, NON_NEGATIVE);
        let mut chart =
            chart_builder(&area, [20, 60, 10, 16], (80, 110)).build_cartesian_2d(x0..x1, y0..y1)?;
        let xfmt = |v: &f64| tick(*v, x1 - x0, 10);
        let yfmt = |v: &f64| tick(*v, y1 - y0, 8);
        styled_mesh(&mut chart, 10, 8)
            .x_desc(i18n::MORRIS_X.get())
            .y_desc(i18n::MORRIS_Y.get())
            .x_label_formatter(&xfmt)
            .y_label_formatter(&yfmt)
            .draw()?;
        // The diagonal sigma = mu*.
        let d = x1.min(y1);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0_f64.max(x0), 0.0_f64.max(y0)), (d, d)],
            colour(1).mix(0.45).stroke_width(2),
        )))?;
        let c = colour(0);
        let label = anchored(font(NOTE_PX), HPos::Left, VPos::Bottom);
        // Only the factors furthest from the origin are named: near it labels would pile up.
        let mut order: Vec<usize> = (0..self.points.len()).collect();
        let reach = |p: &MorrisPoint| p.mu_star.hypot(p.sigma);
        order.sort_by(|&i, &j| reach(&self.points[j]).total_cmp(&reach(&self.points[i])));
        let named: Vec<bool> = {
            let mut v = vec![false; self.points.len()];
            for &i in order.iter().take(LABELLED) {
                v[i] = true;
            }
            v
        };
        for (p, named) in self.points.iter().zip(named) {
            if !(p.mu_star.is_finite() && p.sigma.is_finite()) {
                continue;
            }
            if p.mu_star_lo.is_finite() && p.mu_star_hi.is_finite() {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![
                        (p.mu_star_lo.max(x0), p.sigma),
                        (p.mu_star_hi.min(x1), p.sigma),
                    ],
                    c.stroke_width(2),
                )))?;
            }
            chart.draw_series(std::iter::once(Circle::new(
                (p.mu_star, p.sigma),
                7,
                c.filled(),
            )))?;
            if named {
                let q = chart.backend_coord(&(p.mu_star, p.sigma));
                root.draw_text(p.factor, &label, (q.0 + 10, q.1 - 6))?;
            }
        }
        Ok(())
    }
}

/// Draws the Morris mu*-sigma plane of one output: one dot per factor.
pub fn morris(
    plots_dir: &Path,
    stem: &str,
    output: &str,
    points: &[MorrisPoint],
) -> Result<Figure> {
    if points.is_empty() {
        bail!("morris: no factor to draw");
    }
    let chart = MorrisChart {
        title: fmt(i18n::TITLE_MORRIS, &[("name", output_name(output))]),
        points,
    };
    save(&chart, plots_dir, stem)?;
    Ok(Figure {
        stem: stem.to_string(),
        title: chart.title.clone(),
        caption: i18n::CAP_MORRIS.get().to_string(),
    })
}

/// One factor's index at growing sample sizes, for the convergence chart.
pub struct ConvergenceLine<'a> {
    pub factor: &'a str,
    /// (sample size, index), sizes ascending.
    pub points: Vec<(usize, f64)>,
}

struct ConvergenceChart<'a> {
    title: String,
    y_label: &'a str,
    size_label: &'a str,
    lines: &'a [ConvergenceLine<'a>],
}

impl Chart for ConvergenceChart<'_> {
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = title(root, &self.title)?;
        let keys: Vec<(Key, String)> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (Key::DotLine(colour(i)), l.factor.to_string()))
            .collect();
        let area = legend(&area, &keys, 40)?;
        let log2 = |n: usize| (n as f64).log2();
        let (xl, xh) = finite_range(
            self.lines
                .iter()
                .flat_map(|l| l.points.iter().map(|p| log2(p.0))),
        );
        let (yl, yh) = finite_range(
            self.lines
                .iter()
                .flat_map(|l| l.points.iter().map(|p| p.1))
                .chain([0.0]),
        );
        let (x0, x1) = (xl - 0.3, xh + 0.3);
        let (y0, y1) = axis_range(yl, yh, (None, None));
        let mut chart =
            chart_builder(&area, [20, 60, 10, 16], (80, 110)).build_cartesian_2d(x0..x1, y0..y1)?;
        let xfmt = |v: &f64| {
            if (v - v.round()).abs() < 1e-6 && *v >= 0.0 {
                format!("{}", 1u64 << (v.round() as u32).min(62))
            } else {
                String::new()
            }
        };
        let yfmt = |v: &f64| tick(*v, y1 - y0, 8);
        styled_mesh(&mut chart, ((x1 - x0).round() as usize).max(2) + 1, 8)
            .x_desc(self.size_label)
            .y_desc(self.y_label)
            .x_label_formatter(&xfmt)
            .y_label_formatter(&yfmt)
            .draw()?;
        for (i, l) in self.lines.iter().enumerate() {
            let c = colour(i);
            let pts: Vec<(f64, f64)> = l.points.iter().map(|p| (log2(p.0), p.1)).collect();
            chart.draw_series(std::iter::once(PathElement::new(
                pts.clone(),
                c.stroke_width(3),
            )))?;
            chart.draw_series(pts.iter().map(|p| Circle::new(*p, 6, c.filled())))?;
        }
        Ok(())
    }
}

/// Draws an index of the leading factors against the sample size (log scale): whether the
/// ranking has settled at the size run.
pub fn convergence(
    plots_dir: &Path,
    stem: &str,
    output: &str,
    index: &str,
    size_label: &str,
    lines: &[ConvergenceLine],
) -> Result<Figure> {
    if lines.is_empty() {
        bail!("convergence: no factor to draw");
    }
    // The size axis as the command names it, in the current language.
    let size_label = [i18n::SIZE_SOBOL, i18n::SIZE_MORRIS]
        .into_iter()
        .find(|t| t.en == size_label)
        .map_or(size_label, |t| t.get());
    let chart = ConvergenceChart {
        title: fmt(
            i18n::TITLE_CONVERGENCE,
            &[("n", index), ("name", output_name(output))],
        ),
        y_label: index,
        size_label,
        lines,
    };
    save(&chart, plots_dir, stem)?;
    Ok(Figure {
        stem: stem.to_string(),
        title: chart.title.clone(),
        caption: fmt(i18n::CAP_CONVERGENCE, &[("n", index)]),
    })
}
