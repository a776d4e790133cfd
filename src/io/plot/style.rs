//! The common look of every chart: fonts and sizes, colours, title, legend strip, axis ranges
//! and tick labels, the mesh, and `save` (PNG and SVG of one `Chart`).

use std::error::Error;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::io::i18n::{self, Lang};
use crate::io::plot::{FONT, FONT_CJK, SIZE, cjk_font_face, ensure_fonts};
use crate::model::metrics::{M, Target};

pub(super) const TITLE_PX: u32 = 28;
pub(super) const LABEL_PX: u32 = 22;
pub(super) const TICK_PX: u32 = 20;
pub(super) const LEGEND_PX: u32 = 20;
pub(super) const NOTE_PX: u32 = 18;

/// The natural bounds of a share or an index.
pub(super) const UNIT_INTERVAL: (Option<f64>, Option<f64>) = (Some(0.0), Some(1.0));
/// The natural bounds of a count or a duration.
pub(super) const NON_NEGATIVE: (Option<f64>, Option<f64>) = (Some(0.0), None);

/// The axis label of a metric: its title (without a parenthetical) and its display unit,
/// e.g. `Worker turnover (per worker per year)`, `社工流失率 (每人每年)` in Chinese.
pub fn axis_label(m: M) -> String {
    let (title, unit) = (i18n::short_title(m), i18n::unit(m));
    format!("{title} ({unit})")
}

pub(super) type DrawResult = std::result::Result<(), Box<dyn Error + Send + Sync>>;

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

pub(super) const INK: RGBColor = RGBColor(30, 30, 30);

/// `c` mixed with white: `a` = 1 is `c`, 0 is white (an opaque stand-in for `c.mix(a)`).
pub(super) fn pale(c: RGBColor, a: f64) -> RGBColor {
    let m = |x: u8| (255.0 - (255.0 - f64::from(x)) * a).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}
pub(super) const GRID: RGBColor = RGBColor(220, 220, 220);
pub(super) const MUTED: RGBColor = RGBColor(90, 90, 90);

/// Viridis (cut before its pale yellow end, which vanishes on white), `t` in 0..=1.
pub(super) fn viridis(t: f64) -> RGBColor {
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

/// The font family of the current language: the CJK subset for Chinese.
fn family() -> &'static str {
    match i18n::lang() {
        Lang::En => FONT,
        Lang::Zh => FONT_CJK,
    }
}

pub(super) fn font(px: u32) -> TextStyle<'static> {
    TextStyle::from((family(), px).into_font()).color(&INK)
}

pub(super) fn bold(px: u32) -> TextStyle<'static> {
    TextStyle::from((family(), px, FontStyle::Bold).into_font()).color(&INK)
}

pub(super) fn anchored(s: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    s.pos(Pos::new(h, v))
}

/// A legend entry, drawn in a strip above the chart so it never hides data.
pub(super) enum Key {
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
    /// A dashed line: the base of a comparison.
    Dashed(RGBColor),
    /// A thin dotted line: an essay's target.
    Target(RGBColor),
}

/// The legend text of an essay's target: `essay's target: ≥ 35 %`; in Chinese with the
/// essay's section, `文章目标: ≥ 35 % (三.(三).4)` (the Latin plot font has no CJK glyphs).
pub(super) fn target_label(t: &Target) -> String {
    let at_least = format!("{}: ≥ {:.0} %", i18n::TARGET.get(), t.at_least * 100.0);
    match i18n::lang() {
        Lang::En => at_least,
        Lang::Zh => format!("{at_least} ({})", t.section),
    }
}

thread_local! {
    static ZOOM: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether share and index axes zoom to the data (`--zoom`) instead of starting at 0.
pub fn zoomed() -> bool {
    ZOOM.with(std::cell::Cell::get)
}

/// Sets `--zoom` for the charts this thread draws.
pub fn set_zoom(zoom: bool) {
    ZOOM.with(|z| z.set(zoom));
}

/// A vertical viridis colour bar `width` pixels wide from `top` (1) to `bottom` (0), framed.
pub(super) fn viridis_bar<DB: Backend>(
    root: &DrawingArea<DB, Shift>,
    x: i32,
    top: i32,
    bottom: i32,
    width: i32,
) -> DrawResult {
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
pub(super) fn title<DB: Backend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
) -> std::result::Result<DrawingArea<DB, Shift>, Box<dyn Error + Send + Sync>> {
    let (w, _) = root.dim_in_pixel();
    root.draw_text(
        text,
        &anchored(bold(TITLE_PX), HPos::Center, VPos::Center),
        (w as i32 / 2, 34),
    )?;
    Ok(root.clone().split_vertically(64).1)
}

/// Legend entries centred in a strip of `height` px; returns the area below.
pub(super) fn legend<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[(Key, String)],
    height: u32,
) -> std::result::Result<DrawingArea<DB, Shift>, Box<dyn Error + Send + Sync>> {
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
            // A line across the swatch.
            let across = |style: ShapeStyle| {
                area.draw(&PathElement::new(vec![(x, y), (x + swatch, y)], style))
            };
            match key {
                Key::Line(c) => {
                    across(c.stroke_width(4))?;
                }
                Key::ThinLine(c) => {
                    across(c.mix(0.45).stroke_width(2))?;
                }
                Key::Dashed(c) => {
                    for (a, b) in [(0, 14), (22, 36)] {
                        area.draw(&PathElement::new(
                            vec![(x + a, y), (x + b, y)],
                            c.stroke_width(4),
                        ))?;
                    }
                }
                Key::Target(c) => {
                    for a in [0, 12, 24, 36] {
                        area.draw(&PathElement::new(
                            vec![(x + a, y), (x + a + 6, y)],
                            c.stroke_width(2),
                        ))?;
                    }
                }
                Key::Band(c) => {
                    area.draw(&Rectangle::new(
                        [(x, y - 10), (x + swatch, y + 10)],
                        c.mix(0.22).filled(),
                    ))?;
                }
                Key::DotLine(c) => {
                    across(c.stroke_width(2))?;
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
                    across(c.stroke_width(2))?;
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
pub(super) fn axis_range(lo: f64, hi: f64, bounds: (Option<f64>, Option<f64>)) -> (f64, f64) {
    // Values near the ends of f64 (a hand-edited 1e308) are clamped so that spans and
    // padding stay finite: plotters panics on a NaN range.
    const LARGEST: f64 = 1e300;
    let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() {
        (lo.clamp(-LARGEST, LARGEST), hi.clamp(-LARGEST, LARGEST))
    } else {
        (0.0, 1.0)
    };
    let magnitude = hi.abs().max(lo.abs());
    let min_span = if bounds == UNIT_INTERVAL {
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
    if lo.is_finite() && hi.is_finite() && hi > lo {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

/// Decimals that the ticks of an axis spanning `span` with at most `labels` labels need:
/// those of the smallest 1-2-5 step of at least span / labels (plotters' are never finer).
pub(super) fn tick_decimals(span: f64, labels: usize) -> usize {
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
pub(super) fn tick(v: f64, span: f64, labels: usize) -> String {
    let d = tick_decimals(span, labels);
    let s = format!("{v:.d$}");
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// Year tick: whole years without decimals.
pub(super) fn year_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{}", v.round())
    } else {
        format!("{v:.1}")
    }
}

/// The smallest and the largest finite value; `(INFINITY, NEG_INFINITY)` when none is finite.
pub(super) fn finite_range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

/// A plotters backend whose errors can be boxed into a [`DrawResult`] (every backend the
/// plots use).
pub(super) trait Backend: DrawingBackend<ErrorType: 'static> {}

impl<DB: DrawingBackend<ErrorType: 'static>> Backend for DB {}

/// Something drawable on any plotters backend.
pub(super) trait Chart {
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// Draws `chart` into `PLOTS/STEM.png` and `PLOTS/STEM.svg`.
/// A chart builder on `area` with the margins `[left, right, top, bottom]` and the label
/// areas `(x, y)`.
pub(super) fn chart_builder<'a, 'b, DB: DrawingBackend>(
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
pub(super) fn styled_mesh<'a, 'c, DB: DrawingBackend>(
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

pub(super) fn save(chart: &impl Chart, plots_dir: &Path, stem: &str) -> Result<()> {
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
    if i18n::lang() == Lang::Zh {
        svg = embed_font(&svg);
    }
    fs::write(&svg_path, svg).with_context(|| format!("cannot write {}", svg_path.display()))
}

/// `svg` with the CJK subset embedded as `@font-face` right after the opening `<svg …>` tag,
/// so its Chinese text shows without a CJK font installed.
fn embed_font(svg: &str) -> String {
    let Some(at) = svg
        .find("<svg")
        .and_then(|i| svg[i..].find('>').map(|j| i + j + 1))
    else {
        return svg.to_string();
    };
    format!(
        "{}\n<defs><style>{}</style></defs>{}",
        &svg[..at],
        cjk_font_face(),
        &svg[at..]
    )
}

#[cfg(test)]
mod tests {
    use super::{UNIT_INTERVAL, axis_label, axis_range, tick};
    use crate::model::metrics::M;

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
        let (a, b) = axis_range(0.5, 0.5, UNIT_INTERVAL);
        assert!(a < 0.5 && b > 0.5 && b - a >= 0.05);
        let (a, b) = axis_range(0.0, 1.0, UNIT_INTERVAL);
        assert_eq!((a, b), (0.0, 1.0));
        let (a, b) = axis_range(0.0, 0.0, (Some(0.0), None));
        assert!(a == 0.0 && b >= 1.0);
        let (a, b) = axis_range(f64::NAN, f64::NAN, UNIT_INTERVAL);
        assert!(a.is_finite() && b.is_finite() && b > a);
        for (lo, hi) in [
            (-1e308, 1e308),
            (1e308, 1e308),
            (-f64::MAX, 0.0),
            (0.0, f64::MAX),
        ] {
            for bounds in [UNIT_INTERVAL, (Some(0.0), None), (None, None)] {
                let (a, b) = axis_range(lo, hi, bounds);
                assert!(
                    a.is_finite() && b.is_finite() && b > a,
                    "{lo} {hi}: {a} {b}"
                );
            }
        }
    }

    #[test]
    fn axis_labels_name_the_display_unit() {
        assert_eq!(
            axis_label(M::WorkerTurnoverAnnual),
            "Worker turnover (per worker per year)"
        );
        assert_eq!(axis_label(M::PublicCost), "Public cost (million RMB/year)");
    }
}
