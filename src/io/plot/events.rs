//! Mobilisation plots from `events.csv`: for each event, community and compound kind, how
//! long it took to warn 90 % of households, what share of the vulnerable households needing
//! help were helped in time and how long it took to help 90 % of them.
//!
//! The two durations are censored (an event that never reaches 90 % within the simulated
//! hours has no time), so they are drawn as survival curves, one panel per compound kind:
//! the share of observations not yet at 90 % after each hour, ending at the horizon in the
//! share that never got there ([`survival_by_kind`]). A box plot of the times would drop
//! those and make the slowest kind look fastest. The helped share is drawn as box plots by
//! compound kind with the single events as dots beside each box ("raincloud"), one box per
//! scenario within each kind.

use std::path::Path;

use anyhow::{Context, Result, bail};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::io::i18n::{self, Text};
use crate::io::plot::Figure;
use crate::io::plot::data::{Columns, cell};
use crate::io::plot::style::{
    Backend, Chart, DrawResult, INK, Key, LABEL_PX, MUTED, NON_NEGATIVE, NOTE_PX, UNIT_INTERVAL,
    anchored, axis_range, bold, chart_builder, colour, finite_range, font, legend, save,
    styled_mesh, tick, title,
};
use crate::io::plot::style::{GRID, Key as LegendKey};
use crate::model::kind::CompoundKind;
use crate::model::metrics::EventColumn;

/// One row of `events.csv` (the columns the plots use).
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub rep: u32,
    pub month: u32,
    /// `new_estate`, `old_compound` or `resettlement`.
    pub kind: String,
    /// Occupied dwellings of this kind in the community.
    pub households: u32,
    /// Hours until 90 % were warned; NaN if never.
    pub t90_hours: f64,
    /// Vulnerable households that needed help.
    pub vulnerable_total: u32,
    /// Share of them helped within the window; NaN when none needed help.
    pub vulnerable_helped_share: f64,
    /// Hours until 90 % of them were helped; NaN if never (or none needed help).
    pub help_t90_hours: f64,
}

/// Reads `events.csv` (empty cells are NaN). A file with a header and no rows gives an
/// empty list.
pub fn read_events(path: &Path) -> Result<Vec<EventRow>> {
    let (mut r, cols) = Columns::open(path)?;
    let c = cols.indices(
        [
            EventColumn::Rep,
            EventColumn::Month,
            EventColumn::CompoundKind,
            EventColumn::Households,
            EventColumn::T90Hours,
            EventColumn::VulnerableTotal,
            EventColumn::VulnerableHelpedShare,
            EventColumn::HelpT90Hours,
        ]
        .map(EventColumn::name),
    )?;
    let mut out = Vec::new();
    for (line, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("cannot read {}", path.display()))?;
        let bad = |what: &str| format!("{}: row {}: bad {what}", path.display(), line + 2);
        let int = |i: usize, what: EventColumn| -> Result<u32> {
            cell(&rec, c[i]).parse().with_context(|| bad(what.name()))
        };
        let real = |i: usize, what: EventColumn| -> Result<f64> {
            let cell = cell(&rec, c[i]);
            if cell.is_empty() {
                Ok(f64::NAN)
            } else {
                cell.parse().with_context(|| bad(what.name()))
            }
        };
        out.push(EventRow {
            rep: int(0, EventColumn::Rep)?,
            month: int(1, EventColumn::Month)?,
            kind: cell(&rec, c[2]).to_string(),
            households: int(3, EventColumn::Households)?,
            t90_hours: real(4, EventColumn::T90Hours)?,
            vulnerable_total: int(5, EventColumn::VulnerableTotal)?,
            vulnerable_helped_share: real(6, EventColumn::VulnerableHelpedShare)?,
            help_t90_hours: real(7, EventColumn::HelpT90Hours)?,
        });
    }
    Ok(out)
}

/// A compound kind as the plots and the report name it (in the current language).
pub fn kind_label(kind: &str) -> String {
    CompoundKind::from_key(kind)
        .map_or_else(|| kind.replace('_', " "), |k| i18n::kind(k).to_string())
}

/// One scenario's events.
#[derive(Debug, Clone, Copy)]
pub struct EventSet<'a> {
    pub name: &'a str,
    pub rows: &'a [EventRow],
}

/// A quantity of `events.csv` drawn by compound kind.
#[derive(Debug, Clone, Copy)]
pub struct DistPlot {
    pub stem: &'static str,
    pub title: Text,
    pub y_label: Text,
    /// Column of events.csv.
    pub column: EventColumn,
    pub value: fn(&EventRow) -> f64,
    /// Whether the row counts at all (a kind with no households, no vulnerable in need).
    pub applies: fn(&EventRow) -> bool,
    /// What a NaN among the rows that apply means ("never"), if it can happen.
    pub never: Option<i18n::Text>,
    pub bounds: (Option<f64>, Option<f64>),
    pub caption: i18n::Text,
}

/// The mobilisation plots, in report order.
pub const MOBILISATION_PLOTS: [DistPlot; 3] = [
    DistPlot {
        stem: "mobilisation_t90",
        title: i18n::TITLE_T90,
        y_label: i18n::HOURS_AFTER_ALERT,
        column: EventColumn::T90Hours,
        value: |r| r.t90_hours,
        applies: |r| r.households > 0,
        never: Some(i18n::NEVER),
        bounds: NON_NEGATIVE,
        caption: i18n::CAP_T90,
    },
    DistPlot {
        stem: "mobilisation_helped",
        title: i18n::TITLE_HELPED,
        y_label: i18n::SHARE_HELPED,
        column: EventColumn::VulnerableHelpedShare,
        value: |r| r.vulnerable_helped_share,
        applies: |r| r.vulnerable_total > 0,
        never: None,
        bounds: UNIT_INTERVAL,
        caption: i18n::CAP_HELPED,
    },
    DistPlot {
        stem: "mobilisation_help_t90",
        title: i18n::TITLE_HELP_T90,
        y_label: i18n::HOURS_AFTER_ALERT,
        column: EventColumn::HelpT90Hours,
        value: |r| r.help_t90_hours,
        applies: |r| r.vulnerable_total > 0,
        never: Some(i18n::NEVER),
        bounds: NON_NEGATIVE,
        caption: i18n::CAP_HELP_T90,
    },
];

/// Most dots drawn beside one box (evenly sampled from the sorted values).
const MAX_DOTS: usize = 300;

// Linear-interpolation quantile of sorted values (type 7), shared with the statistics.
use crate::experiment::stats::quantile_sorted as quantile;

/// One box: the finite values of one scenario and kind.
#[derive(Debug, Clone)]
struct BoxStats {
    /// Rows that apply.
    n: usize,
    /// Of those, NaN ("never").
    never: usize,
    p05: f64,
    q1: f64,
    median: f64,
    q3: f64,
    p95: f64,
    /// The dots: the sorted finite values, evenly sampled down to [`MAX_DOTS`].
    dots: Vec<f64>,
}

impl BoxStats {
    fn of(values: &mut Vec<f64>, n: usize) -> BoxStats {
        let never = values.iter().filter(|v| !v.is_finite()).count();
        values.retain(|v| v.is_finite());
        values.sort_by(f64::total_cmp);
        let dots = if values.len() <= MAX_DOTS {
            values.clone()
        } else {
            (0..MAX_DOTS)
                .map(|i| values[i * (values.len() - 1) / (MAX_DOTS - 1)])
                .collect()
        };
        BoxStats {
            n,
            never,
            p05: quantile(values, 0.05),
            q1: quantile(values, 0.25),
            median: quantile(values, 0.5),
            q3: quantile(values, 0.75),
            p95: quantile(values, 0.95),
            dots,
        }
    }
}

struct DistChart<'a> {
    spec: &'a DistPlot,
    kinds: Vec<String>,
    names: Vec<String>,
    /// `[kind][scenario]`; `None` where no row applies.
    boxes: Vec<Vec<Option<BoxStats>>>,
}

/// A fixed pseudo-random jitter in 0..1 for the i-th dot (a SplitMix64 hash of i: no
/// visible pattern along the sorted values, the same picture every time).
fn jitter(i: usize) -> f64 {
    let mut z = (i as u64)
        .wrapping_add(1)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

impl Chart for DistChart<'_> {
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = title(root, self.spec.title.get())?;
        let ns = self.names.len().max(1);
        let single = ns == 1;
        let mut keys: Vec<(Key, String)> = Vec::new();
        if single {
            keys.push((Key::Box(colour(0)), i18n::BOX_LEGEND.get().to_string()));
        } else {
            for (i, n) in self.names.iter().enumerate() {
                keys.push((Key::Box(colour(i)), n.clone()));
            }
        }
        keys.push((Key::Whisker(INK), i18n::WHISKER_LEGEND.get().to_string()));
        keys.push((Key::Dot(MUTED), i18n::SINGLE_EVENTS.get().to_string()));
        let area = legend(&area, &keys, 40)?;

        let boxes = self.boxes.iter().flatten().flatten();
        let values = boxes.flat_map(|b| b.dots.iter().chain([&b.p05, &b.p95]));
        let (mut lo, hi) = finite_range(values.copied());
        if self.spec.bounds.0 == Some(0.0) && self.spec.bounds != UNIT_INTERVAL {
            // Hours: from zero, so boxes compare by height.
            lo = 0.0;
        }
        let (y0, y1) = axis_range(lo, hi, self.spec.bounds);
        let span = y1 - y0;
        let nk = self.kinds.len().max(1);
        let has_never = self.boxes.iter().flatten().flatten().any(|b| b.never > 0);
        let label_area = if has_never { 148 } else { 124 };
        let mut chart = chart_builder(&area, [20, 50, 10, 10], (label_area, 120))
            .build_cartesian_2d(0.0..nk as f64, y0..y1)?;
        let yfmt = |v: &f64| tick(*v, span, 8);
        styled_mesh(&mut chart, 0, 8)
            .disable_x_mesh()
            .y_desc(self.spec.y_label.get())
            .y_label_formatter(&yfmt)
            .draw()?;
        let plot = chart.plotting_area().clone();
        // Kinds apart.
        for k in 1..nk {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(k as f64, y0), (k as f64, y1)],
                RGBColor(190, 190, 190).stroke_width(2),
            )))?;
        }
        let slot = 0.84 / ns as f64;
        let (_, yr) = plot.get_pixel_range();
        let base_y = yr.end + 10;
        let note = anchored(font(NOTE_PX), HPos::Center, VPos::Top);
        let note_bold = anchored(bold(NOTE_PX), HPos::Center, VPos::Top);
        let clamp = |v: f64| v.clamp(y0, y1);
        for (k, kind) in self.kinds.iter().enumerate() {
            // The counts: one "n = …" under the kind when every scenario has the same, else
            // each box's count under it, on two staggered rows so that they never touch.
            let ns_here: Vec<usize> = self.boxes[k].iter().flatten().map(|b| b.n).collect();
            let same_n = ns_here.windows(2).all(|w| w[0] == w[1]);
            if same_n {
                if let Some(n) = ns_here.first() {
                    let cx = plot.map_coordinate(&(k as f64 + 0.5, y0)).0;
                    let each = if single {
                        ""
                    } else {
                        i18n::EACH.get()
                    };
                    root.draw_text(&format!("n = {n}{each}"), &note, (cx, base_y))?;
                }
            }
            for (s, b) in self.boxes[k].iter().enumerate() {
                let c = colour(s);
                let centre = k as f64 + 0.5 + (s as f64 - (ns - 1) as f64 / 2.0) * slot;
                // The box left of the slot's centre, the dots right of it.
                let bx = centre - slot * 0.16;
                let hw = slot * 0.16;
                let (d0, d1) = (centre + slot * 0.06, centre + slot * 0.42);
                let px = plot.map_coordinate(&(centre, y0)).0;
                let stagger = if ns > 2 { (s % 2) as i32 * 22 } else { 0 };
                let Some(b) = b else {
                    root.draw_text(i18n::NO_DATA.get(), &note.color(&c), (px, base_y + stagger))?;
                    continue;
                };
                if !same_n {
                    let counts = if ns > 2 {
                        b.n.to_string()
                    } else {
                        format!("n = {}", b.n)
                    };
                    root.draw_text(&counts, &note.color(&c), (px, base_y + stagger))?;
                }
                if b.never > 0 {
                    let text = format!("{} {}", b.never, self.spec.never.unwrap_or(i18n::NOT_REACHED).get());
                    root.draw_text(&text, &note_bold.color(&c), (px, base_y + 48))?;
                }
                if b.dots.is_empty() {
                    continue;
                }
                chart.draw_series(b.dots.iter().enumerate().map(|(i, v)| {
                    Circle::new(
                        (d0 + (d1 - d0) * jitter(i), clamp(*v)),
                        3,
                        c.mix(0.45).filled(),
                    )
                }))?;
                // Whiskers with caps.
                for (from, to) in [(b.p05, b.q1), (b.q3, b.p95)] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(bx, clamp(from)), (bx, clamp(to))],
                        INK.stroke_width(2),
                    )))?;
                }
                for v in [b.p05, b.p95] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(bx - hw * 0.5, clamp(v)), (bx + hw * 0.5, clamp(v))],
                        INK.stroke_width(2),
                    )))?;
                }
                let (a, z) = (
                    plot.map_coordinate(&(bx - hw, clamp(b.q3))),
                    plot.map_coordinate(&(bx + hw, clamp(b.q1))),
                );
                // At least 4 px tall, so a box of equal quartiles stays visible.
                let (top, bottom) = if z.1 - a.1 < 4 {
                    let m = (a.1 + z.1) / 2;
                    (m - 2, m + 2)
                } else {
                    (a.1, z.1)
                };
                root.draw(&Rectangle::new(
                    [(a.0, top), (z.0, bottom)],
                    c.mix(0.35).filled(),
                ))?;
                root.draw(&Rectangle::new(
                    [(a.0, top), (z.0, bottom)],
                    c.stroke_width(3),
                ))?;
                let m = plot.map_coordinate(&(bx, clamp(b.median)));
                root.draw(&PathElement::new(
                    vec![(a.0 + 2, m.1), (z.0 - 2, m.1)],
                    INK.stroke_width(4),
                ))?;
            }
            let cx = plot.map_coordinate(&(k as f64 + 0.5, y0)).0;
            let y = base_y + if has_never { 80 } else { 56 };
            root.draw_text(
                kind,
                &anchored(bold(LABEL_PX), HPos::Center, VPos::Top),
                (cx, y),
            )?;
        }
        Ok(())
    }
}

/// Draws one quantity of events.csv by compound kind, a box per scenario within each kind.
pub fn distribution_by_kind(
    plots_dir: &Path,
    spec: &DistPlot,
    sets: &[EventSet<'_>],
) -> Result<Figure> {
    if sets.is_empty() {
        bail!("distribution_by_kind: no scenario to draw");
    }
    let kinds = kinds_of(sets);
    let boxes = by_kind(&kinds, sets, spec, |mut v| {
        let n = v.len();
        (n > 0).then(|| BoxStats::of(&mut v, n))
    });
    let chart = DistChart {
        spec,
        kinds: kinds.iter().map(|k| kind_label(k)).collect(),
        names: sets.iter().map(|s| s.name.to_string()).collect(),
        boxes,
    };
    save(&chart, plots_dir, spec.stem)?;
    let never = if spec.never.is_some() {
        i18n::CAP_BOX_COUNTS_NEVER.get()
    } else {
        i18n::CAP_BOX_COUNTS.get()
    };
    Ok(Figure {
        stem: spec.stem.to_string(),
        title: spec.title.get().to_string(),
        caption: format!(
            "{}{}{}{never}",
            spec.caption.get(),
            i18n::pick(" ", ""),
            i18n::fill(i18n::CAP_BOXES, "n", &MAX_DOTS.to_string())
        ),
    })
}

/// One survival curve: the sorted finite times of the observations that apply, and how many
/// never got there.
#[derive(Debug, Clone, PartialEq)]
struct Survival {
    n: usize,
    never: usize,
    times: Vec<f64>,
}

impl Survival {
    fn of(values: Vec<f64>) -> Option<Survival> {
        let mut times: Vec<f64> = Vec::new();
        let mut n = 0;
        for v in values {
            n += 1;
            if v.is_finite() {
                times.push(v);
            }
        }
        times.sort_by(f64::total_cmp);
        (n > 0).then(|| Survival {
            n,
            never: n - times.len(),
            times,
        })
    }

    /// The share never reaching 90 % within the simulated hours.
    fn never_share(&self) -> f64 {
        self.never as f64 / self.n as f64
    }

    /// The step curve (hour, share not yet there) from hour 0 to `horizon`.
    fn steps(&self, horizon: f64) -> Vec<(f64, f64)> {
        let n = self.n as f64;
        let mut left = self.n;
        let mut pts = vec![(0.0, 1.0)];
        for (i, t) in self.times.iter().enumerate() {
            if i == 0 || self.times[i - 1] != *t {
                pts.push((*t, left as f64 / n));
            }
            left -= 1;
            // Ties: one step per distinct time.
            if self.times.get(i + 1) != Some(t) {
                pts.push((*t, left as f64 / n));
            }
        }
        pts.push((horizon, left as f64 / n));
        pts
    }
}

struct SurvivalChart<'a> {
    spec: &'a DistPlot,
    kinds: Vec<String>,
    names: Vec<String>,
    /// `[kind][scenario]`.
    curves: Vec<Vec<Option<Survival>>>,
    horizon: f64,
}

impl Chart for SurvivalChart<'_> {
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = title(root, self.spec.title.get())?;
        let single = self.names.len() == 1;
        let mut keys: Vec<(LegendKey, String)> = Vec::new();
        for (i, n) in self.names.iter().enumerate() {
            let label = if single {
                i18n::SHARE_NOT_YET.get().to_string()
            } else {
                n.clone()
            };
            keys.push((LegendKey::Line(colour(i)), label));
        }
        let area = legend(&area, &keys, 40)?;
        let nk = self.kinds.len().max(1);
        let panels = area.split_evenly((1, nk));
        let note = anchored(bold(NOTE_PX), HPos::Right, VPos::Top);
        let xfmt = |v: &f64| tick(*v, self.horizon, 5);
        let yfmt = |v: &f64| format!("{:.0} %", v * 100.0);
        for (k, (panel, kind)) in panels.iter().zip(&self.kinds).enumerate() {
            let (left, y_area) = if k == 0 { (10, 110) } else { (4, 56) };
            let mut chart = chart_builder(panel, [left, 24, 36, 10], (80, y_area))
                .build_cartesian_2d(0.0..self.horizon, 0.0..1.0)?;
            let mut mesh = styled_mesh(&mut chart, 5, 6);
            mesh.x_desc(self.spec.y_label.get())
                .x_label_formatter(&xfmt)
                .y_label_formatter(&yfmt);
            if k == 0 {
                mesh.y_desc(i18n::SHARE_NOT_YET.get());
            }
            mesh.draw()?;
            let (w, _) = panel.dim_in_pixel();
            panel.draw_text(
                kind,
                &anchored(bold(LABEL_PX), HPos::Center, VPos::Top),
                (i32::try_from(w).unwrap_or(0) / 2 + 20, 4),
            )?;
            let plot = chart.plotting_area().clone();
            let (xr, yr) = plot.get_pixel_range();
            let mut row = 0;
            for (s, curve) in self.curves[k].iter().enumerate() {
                let Some(curve) = curve else { continue };
                let c = colour(s);
                chart.draw_series(LineSeries::new(
                    curve.steps(self.horizon),
                    c.stroke_width(3),
                ))?;
                // The share that never got there, written at the horizon.
                let text = format!(
                    "{}: {:.0} %",
                    i18n::NEVER.get(),
                    curve.never_share() * 100.0
                );
                panel.draw_text(
                    &text,
                    &note.color(&c),
                    (
                        xr.end - panel.get_base_pixel().0 - 6,
                        yr.start - panel.get_base_pixel().1 + 6 + row * 22,
                    ),
                )?;
                row += 1;
            }
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(self.horizon, 0.0), (self.horizon, 1.0)],
                GRID.stroke_width(2),
            )))?;
        }
        Ok(())
    }
}

/// Draws a censored duration of events.csv as survival curves, one panel per compound kind
/// and one curve per scenario: the share of observations not yet at 90 % by hour, ending at
/// the horizon (the longest time observed) in the share that never got there.
pub fn survival_by_kind(
    plots_dir: &Path,
    spec: &DistPlot,
    sets: &[EventSet<'_>],
) -> Result<Figure> {
    if sets.is_empty() {
        bail!("survival_by_kind: no scenario to draw");
    }
    let kinds = kinds_of(sets);
    let curves = by_kind(&kinds, sets, spec, Survival::of);
    let longest = curves
        .iter()
        .flatten()
        .flatten()
        .filter_map(|c| c.times.last().copied())
        .fold(0.0f64, f64::max);
    let horizon = if longest > 0.0 { longest * 1.05 } else { 1.0 };
    let never: Vec<String> = kinds
        .iter()
        .zip(&curves)
        .flat_map(|(k, cs)| {
            cs.iter().zip(sets).filter_map(move |(c, s)| {
                let c = c.as_ref()?;
                Some(format!(
                    "{}{}: {:.0} %",
                    kind_label(k),
                    if sets.len() > 1 {
                        format!(" ({})", s.name)
                    } else {
                        String::new()
                    },
                    c.never_share() * 100.0
                ))
            })
        })
        .collect();
    let chart = SurvivalChart {
        spec,
        kinds: kinds.iter().map(|k| kind_label(k)).collect(),
        names: sets.iter().map(|s| s.name.to_string()).collect(),
        curves,
        horizon,
    };
    save(&chart, plots_dir, spec.stem)?;
    Ok(Figure {
        stem: spec.stem.to_string(),
        title: spec.title.get().to_string(),
        caption: format!(
            "{}{}{}",
            spec.caption.get(),
            i18n::pick(" ", ""),
            i18n::fill(
                i18n::CAP_SURVIVAL,
                "name",
                &never.join(i18n::pick("; ", "；"))
            )
        ),
    })
}

/// `f` of the values of `spec` in the rows that apply, per kind (`[kind][scenario]`).
fn by_kind<T>(
    kinds: &[String],
    sets: &[EventSet<'_>],
    spec: &DistPlot,
    f: impl Fn(Vec<f64>) -> Option<T>,
) -> Vec<Vec<Option<T>>> {
    kinds
        .iter()
        .map(|k| {
            sets.iter()
                .map(|s| {
                    f(s.rows
                        .iter()
                        .filter(|r| &r.kind == k && (spec.applies)(r))
                        .map(spec.value)
                        .collect())
                })
                .collect()
        })
        .collect()
}

/// The compound kinds in the sets: the model's order, then any other in order of appearance.
fn kinds_of(sets: &[EventSet<'_>]) -> Vec<String> {
    let mut kinds: Vec<String> = CompoundKind::ALL
        .iter()
        .map(|k| k.key())
        .filter(|k| sets.iter().any(|s| s.rows.iter().any(|r| r.kind == **k)))
        .map(|k| (*k).to_string())
        .collect();
    for s in sets {
        for r in s.rows {
            if !kinds.contains(&r.kind) {
                kinds.push(r.kind.clone());
            }
        }
    }
    kinds
}

/// Draws the three mobilisation plots (when any set has events), in report order: censored
/// durations as survival curves, the helped share as box plots.
pub fn mobilisation(plots_dir: &Path, sets: &[EventSet<'_>]) -> Result<Vec<Figure>> {
    if sets.iter().all(|s| s.rows.is_empty()) {
        return Ok(Vec::new());
    }
    MOBILISATION_PLOTS
        .iter()
        .map(|spec| {
            if spec.never.is_some() {
                survival_by_kind(plots_dir, spec, sets)
            } else {
                distribution_by_kind(plots_dir, spec, sets)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{BoxStats, Survival, quantile};

    #[test]
    fn survival_curves_keep_the_events_that_never_get_there() {
        let s = Survival::of(vec![2.0, f64::NAN, 1.0, 2.0, f64::NAN]).unwrap();
        assert_eq!((s.n, s.never), (5, 2));
        assert_eq!(s.never_share(), 0.4);
        // From 100 % down one step per distinct time, to the never share at the horizon.
        assert_eq!(
            s.steps(3.0),
            vec![
                (0.0, 1.0),
                (1.0, 1.0),
                (1.0, 0.8),
                (2.0, 0.8),
                (2.0, 0.4),
                (3.0, 0.4)
            ]
        );
        assert_eq!(Survival::of(Vec::new()), None);
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.25), 2.0);
        assert_eq!(quantile(&v, 0.1), 1.4);
        assert!(quantile(&[], 0.5).is_nan());
        let mut w = vec![3.0, f64::NAN, 1.0, 2.0];
        let b = BoxStats::of(&mut w, 4);
        assert_eq!((b.n, b.never, b.median), (4, 1, 2.0));
    }
}
