//! One metric over time, for one or several scenarios: the mean across replications with its
//! t-based 95 % band. With several scenarios the first is the base of a comparison: drawn
//! last, dashed, so it stays visible where another scenario follows it. A share or an index is
//! drawn on an axis from 0; a metric with an essay's target ([`M::target`]) gets the target as
//! a dotted line.

use std::path::Path;

use anyhow::{Result, bail};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::experiment::stats::Summary;
use crate::io::i18n::{self, fill};
use crate::io::plot::Figure;
use crate::io::plot::data::{Aggregate, aggregate, band};
use crate::io::plot::style::{
    Backend, Chart, DrawResult, INK, Key, MUTED, axis_label, axis_range, chart_builder, colour,
    legend, save, styled_mesh, target_label, tick, title, year_tick, zoomed,
};
use crate::model::metrics::M;

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

struct TimeSeriesChart {
    metric: M,
    lines: Vec<Line>,
}

/// Whether `m` can be drawn over `months` months: a flow is drawn as yearly totals, which
/// need a whole year.
pub fn drawable(m: M, months: usize) -> bool {
    Aggregate::of(m) == Aggregate::Monthly || months >= 12
}

/// Factor from the aggregated values of `m` (monthly values, or yearly totals of a flow) to
/// the shown values, in the registry's display unit.
pub fn shown_scale(m: M) -> f64 {
    match Aggregate::of(m) {
        Aggregate::YearlySum => m.meta().display_factor() / 12.0,
        Aggregate::Monthly | Aggregate::YearlyMean => m.meta().display_factor(),
    }
}

impl Chart for TimeSeriesChart {
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let meta = self.metric.meta();
        let area = title(root, i18n::title(self.metric))?;
        let single = self.lines.len() == 1;
        let mut keys = Vec::new();
        let any_band = self.lines.iter().any(|l| l.reps > 1);
        for (i, l) in self.lines.iter().enumerate() {
            let label = if single && l.reps == 1 {
                i18n::ONE_REPLICATION.get().to_string()
            } else if single {
                fill(i18n::MEAN_OF_REPS, "n", &l.reps.to_string())
            } else if i == 0 {
                format!("{} {}", l.name, i18n::BASE_SUFFIX.get())
            } else {
                l.name.clone()
            };
            let key = if !single && i == 0 {
                Key::Dashed(colour(i))
            } else {
                Key::Line(colour(i))
            };
            keys.push((key, label));
        }
        if any_band {
            keys.push((
                Key::Band(if single { colour(0) } else { MUTED }),
                i18n::CI_OF_MEAN.get().to_string(),
            ));
        }
        let target = self.metric.target();
        if let Some(t) = target {
            keys.push((Key::Target(INK), target_label(t)));
        }
        let area = legend(&area, &keys, 40)?;

        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut x_max: f64 = 1.0;
        let yearly = Aggregate::of(self.metric) != Aggregate::Monthly;
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
        if let Some(t) = target {
            lo = lo.min(t.at_least);
            hi = hi.max(t.at_least);
        }
        if meta.is_unit_interval() && !zoomed() {
            // Shares and indices from 0, so that noise does not look dramatic (`--zoom`:
            // to the data).
            lo = 0.0;
        }
        let (y0, y1) = axis_range(lo, hi, meta.display_bounds());
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
                i18n::YEAR_OF_RUN.get()
            } else {
                i18n::TIME_MONTHLY.get()
            })
            .y_desc(axis_label(self.metric))
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
        if let Some(t) = target {
            chart.draw_series(DashedLineSeries::new(
                [(xa, t.at_least), (xb, t.at_least)],
                4,
                8,
                INK.stroke_width(2),
            ))?;
        }
        // The others first, the base (line 0) last and dashed on top of them.
        let order = (1..self.lines.len()).chain([0]);
        for i in order {
            let l = &self.lines[i];
            let c = colour(i);
            let pts: Vec<(f64, f64)> =
                l.x.iter()
                    .zip(&l.band)
                    .filter(|(_, s)| s.mean.is_finite())
                    .map(|(x, s)| (*x, s.mean))
                    .collect();
            if single || i != 0 {
                chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(4)))?;
            } else {
                chart.draw_series(DashedLineSeries::new(pts.clone(), 14, 8, c.stroke_width(4)))?;
            }
            if yearly {
                chart.draw_series(pts.iter().map(|p| Circle::new(*p, 6, c.filled())))?;
            }
        }
        Ok(())
    }
}

/// Draws one metric over time for one or several scenarios (one colour each, same axes):
/// the mean across replications with its t-based 95 % band. A flow (`Year::Sum`) is drawn
/// as yearly totals, a level month by month, both in the registry's display unit. Writes
/// `PLOTS/STEM.png` and `.svg`.
pub fn time_series(
    plots_dir: &Path,
    stem: &str,
    metric: M,
    scenarios: &[ScenarioSeries<'_>],
) -> Result<Figure> {
    if scenarios.is_empty() {
        bail!("time_series: no scenario to draw");
    }
    let how = Aggregate::of(metric);
    let scale = shown_scale(metric);
    let lines: Vec<Line> = scenarios
        .iter()
        .map(|s| {
            let (x, mut values) = aggregate(s.reps, how);
            for v in values.iter_mut().flatten() {
                *v *= scale;
            }
            Line {
                name: s.name.to_string(),
                reps: s.reps.len(),
                x,
                band: band(&values),
            }
        })
        .collect();
    save(&TimeSeriesChart { metric, lines }, plots_dir, stem)?;
    let meta = metric.meta();
    let reps: Vec<String> = scenarios.iter().map(|s| s.reps.len().to_string()).collect();
    if i18n::lang() == i18n::Lang::Zh {
        let base = if scenarios.len() > 1 {
            i18n::fill(i18n::CAP_TS_BASE, "name", scenarios[0].name)
        } else {
            String::new()
        };
        let target = metric.target().map_or(String::new(), |t| {
            i18n::fmt(
                i18n::CAP_TS_TARGET,
                &[("name", &target_label(t)), ("s", t.section)],
            )
        });
        return Ok(Figure {
            stem: stem.to_string(),
            title: format!("{}（{}）", meta.zh, meta.name),
            caption: format!(
                "{}（timeseries.csv）：线为各次重复（{}）的均值，阴影为该均值基于 t 分布的 95% 置信区间（单次重复时无）。单位：{}。{base}{target}",
                meta.zh,
                reps.join(" / "),
                i18n::unit(metric)
            ),
        });
    }
    let how = match how {
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
    let base = if scenarios.len() > 1 {
        format!(
            " The dashed line is the base, {}, drawn on top.",
            scenarios[0].name
        )
    } else {
        String::new()
    };
    let target = metric.target().map_or(String::new(), |t| {
        format!(
            " The dotted line is the essay's target ({}, section {}).",
            target_label(t),
            t.section
        )
    });
    Ok(Figure {
        stem: stem.to_string(),
        title: format!("{} ({})", meta.title, meta.zh),
        caption: format!(
            "{how} of {} (timeseries.csv): the line is the mean over {who}; the shaded band is the t-based \
             95 % confidence interval of that mean (no band with a single replication).{base}{target}",
            meta.name
        ),
    })
}
