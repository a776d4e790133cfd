//! The plots of a `shequ calibrate` directory: marginal histograms of the factors over all
//! points and over the accepted ones, and the fit of each target (the points' replication
//! means against the target's range).

use std::path::Path;

use anyhow::{Context, Result, bail};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::experiment::windows::Window;
use crate::io::i18n::{self, fmt};
use crate::io::plot::Figure;
use crate::model::metrics::M;
use crate::io::plot::style::{
    Backend, Chart, DrawResult, Key, NOTE_PX, axis_range, bold, chart_builder, colour, legend,
    pale, save, styled_mesh, tick, title,
};

/// One target as `targets_fit.csv` records it.
#[derive(Debug, Clone)]
pub struct TargetRow {
    pub name: String,
    pub metric: String,
    pub window: String,
    pub lo: f64,
    pub hi: f64,
    pub grade: String,
    pub holdout: bool,
    pub share_in_range: f64,
    pub share_plausible: f64,
    pub median_mean: f64,
    pub min_mean: f64,
    pub max_mean: f64,
    pub source: String,
}

/// A `shequ calibrate` output directory, read back from its files.
#[derive(Debug, Clone)]
pub struct CalibrationDir {
    pub manifest: serde_json::Value,
    pub factors: Vec<String>,
    pub targets: Vec<TargetRow>,
    /// Per point: the factors' values.
    pub values: Vec<Vec<f64>>,
    /// Per point, per target: the replication mean and implausibility.
    pub means: Vec<Vec<f64>>,
    pub implausibility: Vec<Vec<f64>>,
    pub max_implausibility: Vec<f64>,
    pub accepted: Vec<bool>,
}

fn num(s: &str) -> f64 {
    if s.is_empty() {
        f64::NAN
    } else {
        s.parse().unwrap_or(f64::NAN)
    }
}

fn read(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header: Vec<String> = r
        .headers()
        .with_context(|| format!("cannot read {}", path.display()))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.with_context(|| format!("cannot read {}", path.display()))?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok((header, rows))
}

impl CalibrationDir {
    /// Reads `all_points.csv`, `targets_fit.csv` and `manifest.json` (optional) of `dir`.
    pub fn load(dir: &Path) -> Result<CalibrationDir> {
        let manifest = std::fs::read_to_string(dir.join("manifest.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::Value::Null);
        let (th, trows) = read(&dir.join("targets_fit.csv"))?;
        let c = |name: &str| th.iter().position(|h| h == name);
        let need =
            |name: &str| c(name).with_context(|| format!("targets_fit.csv has no column {name}"));
        let (ci, cm, cw, clo, chi, cg, ch) = (
            need("target")?,
            need("metric")?,
            need("window")?,
            need("lo")?,
            need("hi")?,
            need("grade")?,
            need("holdout")?,
        );
        let (cr, cp, cmed, cmin, cmax, cs) = (
            need("share_in_range")?,
            need("share_plausible")?,
            need("median_mean")?,
            need("min_mean")?,
            need("max_mean")?,
            need("source")?,
        );
        let targets: Vec<TargetRow> = trows
            .iter()
            .map(|r| TargetRow {
                name: r[ci].clone(),
                metric: r[cm].clone(),
                window: r[cw].clone(),
                lo: num(&r[clo]),
                hi: num(&r[chi]),
                grade: r[cg].clone(),
                holdout: r[ch] == "true",
                share_in_range: num(&r[cr]),
                share_plausible: num(&r[cp]),
                median_mean: num(&r[cmed]),
                min_mean: num(&r[cmin]),
                max_mean: num(&r[cmax]),
                source: r[cs].clone(),
            })
            .collect();
        let (h, rows) = read(&dir.join("all_points.csv"))?;
        let nt = targets.len();
        if h.len() < 3 + 3 * nt || h[0] != "point" {
            bail!("all_points.csv does not have the columns of shequ calibrate");
        }
        let nf = h.len() - 3 - 3 * nt;
        let factors = h[1..1 + nf].to_vec();
        let mut out = CalibrationDir {
            manifest,
            factors,
            targets,
            values: Vec::new(),
            means: Vec::new(),
            implausibility: Vec::new(),
            max_implausibility: Vec::new(),
            accepted: Vec::new(),
        };
        for r in &rows {
            if r.len() != h.len() {
                bail!(
                    "all_points.csv: a row has {} cells, the header {}",
                    r.len(),
                    h.len()
                );
            }
            out.values
                .push(r[1..1 + nf].iter().map(|s| num(s)).collect());
            out.means
                .push((0..nt).map(|t| num(&r[1 + nf + 3 * t])).collect());
            out.implausibility
                .push((0..nt).map(|t| num(&r[1 + nf + 3 * t + 2])).collect());
            out.max_implausibility.push(num(&r[h.len() - 2]));
            out.accepted.push(r[h.len() - 1] == "true");
        }
        Ok(out)
    }

    /// Number of accepted points.
    pub fn n_accepted(&self) -> usize {
        self.accepted.iter().filter(|a| **a).count()
    }
}

/// One histogram panel: every point's value and the accepted points' values.
struct Panel {
    label: String,
    all: Vec<f64>,
    accepted: Vec<f64>,
    /// The range of the axis (the factor's space, or what covers values and band).
    range: (f64, f64),
    /// A shaded band (a target's range).
    band: Option<(f64, f64)>,
}

struct Histograms {
    title: String,
    band_label: Option<String>,
    panels: Vec<Panel>,
}

const BINS: usize = 12;

fn counts(xs: &[f64], lo: f64, hi: f64) -> [usize; BINS] {
    let mut c = [0; BINS];
    for &x in xs {
        if x.is_finite() && hi > lo {
            let b = (((x - lo) / (hi - lo)) * BINS as f64).floor();
            c[(b.max(0.0) as usize).min(BINS - 1)] += 1;
        }
    }
    c
}

impl Chart for Histograms {
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = title(root, &self.title)?;
        let mut keys = vec![
            (Key::Band(colour(6)), i18n::ALL_POINTS.get().to_string()),
            (Key::Line(colour(0)), i18n::ACCEPTED_PTS.get().to_string()),
        ];
        if let Some(b) = &self.band_label {
            keys.push((Key::Band(colour(2)), b.clone()));
        }
        let area = legend(&area, &keys, 36)?;
        let n = self.panels.len().max(1);
        let cols = if n <= 1 {
            1
        } else if n <= 4 {
            2
        } else {
            3
        };
        let rows = n.div_ceil(cols);
        let cells = area.split_evenly((rows, cols));
        for (p, cell) in self.panels.iter().zip(cells.iter()) {
            let (lo, hi) = p.range;
            let all = counts(&p.all, lo, hi);
            let acc = counts(&p.accepted, lo, hi);
            let top = all.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.1;
            let (cap, rest) = cell.split_vertically(30);
            cap.draw_text(&p.label, &bold(NOTE_PX), (60, 6))?;
            let mut chart = chart_builder(&rest, [8, 20, 4, 8], (40, 56))
                .build_cartesian_2d(lo..hi, 0.0..top)?;
            let span = hi - lo;
            let xfmt = |v: &f64| tick(*v, span, 5);
            let yfmt = |v: &f64| format!("{v:.0}");
            styled_mesh(&mut chart, 5, 4)
                .disable_x_mesh()
                .x_label_formatter(&xfmt)
                .y_label_formatter(&yfmt)
                .draw()?;
            if let Some((a, b)) = p.band {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(a.max(lo), 0.0), (b.min(hi), top)],
                    pale(colour(2), 0.35).filled(),
                )))?;
            }
            let w = span / BINS as f64;
            for (counts, style) in [
                (all, pale(colour(6), 0.35).filled()),
                (acc, colour(0).filled()),
            ] {
                chart.draw_series(counts.iter().enumerate().filter(|(_, c)| **c > 0).map(
                    |(i, c)| {
                        let x0 = lo + i as f64 * w;
                        Rectangle::new([(x0 + w * 0.08, 0.0), (x0 + w * 0.92, *c as f64)], style)
                    },
                ))?;
            }
        }
        Ok(())
    }
}

fn factor_range(cal: &CalibrationDir, k: usize) -> (f64, f64) {
    let f = cal
        .manifest
        .get("factors")
        .and_then(|f| f.get(k))
        .and_then(|f| Some((f.get("lo")?.as_f64()?, f.get("hi")?.as_f64()?)));
    let (a, b) = cal
        .values
        .iter()
        .map(|v| v[k])
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
    match f {
        Some((lo, hi)) if hi > lo => (lo.min(a), hi.max(b)),
        _ => axis_range(a, b, (None, None)),
    }
}

/// A target's panel label: `metric (window)`, `, held out` for a held-out one; in Chinese the
/// metric's term and the window's name.
pub fn target_label(tr: &TargetRow) -> String {
    let held = if tr.holdout {
        i18n::HELD_OUT_SUFFIX.get()
    } else {
        ""
    };
    match i18n::lang() {
        i18n::Lang::En => format!("{} ({}){held}", tr.metric, tr.window),
        i18n::Lang::Zh => {
            let metric = M::from_name(&tr.metric).map_or(tr.metric.as_str(), |m| i18n::title(m));
            let window = Window::from_name(&tr.window)
                .map_or_else(|| tr.window.clone(), |w| i18n::window(w).zh.to_string());
            format!("{metric} ({window}){held}")
        }
    }
}

/// Draws the plots of a calibration directory into `plots_dir`.
pub fn plot_calibration(cal: &CalibrationDir, plots_dir: &Path) -> Result<Vec<Figure>> {
    let n_acc = cal.n_accepted();
    let n = cal.accepted.len();
    let pick = |f: &dyn Fn(usize) -> f64, only: bool| -> Vec<f64> {
        (0..n)
            .filter(|&p| !only || cal.accepted[p])
            .map(f)
            .collect()
    };
    let marginals = Histograms {
        title: fmt(
            i18n::TITLE_MARGINALS,
            &[("n", &n.to_string()), ("m", &n_acc.to_string())],
        ),
        band_label: None,
        panels: (0..cal.factors.len())
            .map(|k| Panel {
                label: cal.factors[k].clone(),
                all: pick(&|p| cal.values[p][k], false),
                accepted: pick(&|p| cal.values[p][k], true),
                range: factor_range(cal, k),
                band: None,
            })
            .collect(),
    };
    save(&marginals, plots_dir, "calibration_marginals")?;
    let fit = Histograms {
        title: i18n::TITLE_TARGETS.get().to_string(),
        band_label: Some(i18n::TARGET_RANGE.get().to_string()),
        panels: cal
            .targets
            .iter()
            .enumerate()
            .map(|(t, tr)| {
                let all = pick(&|p| cal.means[p][t], false);
                let (a, b) = all
                    .iter()
                    .copied()
                    .filter(|x| x.is_finite())
                    .fold((tr.lo, tr.hi), |(a, b), x| (a.min(x), b.max(x)));
                Panel {
                    label: target_label(tr),
                    accepted: pick(&|p| cal.means[p][t], true),
                    all,
                    range: axis_range(a, b, (None, None)),
                    band: Some((tr.lo, tr.hi)),
                }
            })
            .collect(),
    };
    save(&fit, plots_dir, "calibration_targets")?;
    Ok(vec![
        Figure {
            stem: "calibration_marginals".into(),
            title: i18n::TITLE_MARGINALS_SHORT.get().to_string(),
            caption: fmt(
                i18n::CAP_MARGINALS,
                &[("n", &n.to_string()), ("m", &n_acc.to_string())],
            ),
        },
        Figure {
            stem: "calibration_targets".into(),
            title: i18n::TITLE_FIT.get().to_string(),
            caption: i18n::CAP_TARGETS.get().to_string(),
        },
    ])
}
