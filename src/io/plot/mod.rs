//! Plots of an output directory, drawn with plotters into `DIR/plots/`, each as PNG and SVG.
//!
//! The text is drawn with DejaVu Sans (`--lang en`) or a WenQuanYi Micro Hei subset
//! (`--lang zh`, [`crate::io::i18n`]), both embedded in the binary (`assets/fonts/`) and
//! registered once by [`ensure_fonts`], so plots render on a machine with no fonts installed;
//! Chinese SVGs embed the subset as `@font-face`.
//! Every chart is 1200 x 800 px with 28 px titles and 20-22 px labels: readable projected in a
//! classroom. Titles, axis units, bounds and scales come from the metric registry
//! ([`crate::model::metrics`]); which metrics a chart shows comes from [`crate::io::views`].
//!
//! # Modules, by chart family
//!
//! Each chart function takes one *or several* scenarios and writes `PLOTS/STEM.png` and
//! `PLOTS/STEM.svg`, returning a [`Figure`] (its file stem, title and caption) for the report:
//!
//! - [`time_series::time_series`]: one metric over time, for each scenario the mean line across
//!   replications with its t-based 95 % band; one colour per scenario, same axes. Input: a
//!   metric id (the registry says how to aggregate and scale it) and a slice of
//!   [`time_series::ScenarioSeries`] (scenario name, one `Vec<f64>` per replication with one
//!   value per month).
//! - [`phase::phase`] (and [`phase::spiral`], its fee-collection-rate x service-quality
//!   instance): yearly means of two metrics as a path through time with arrows, one trace per
//!   scenario ([`phase::PhaseTrace`]); a single scenario is coloured by year.
//! - [`end_state::end_state`]: dot-and-whisker of last-year means with 95 % CIs, one row per
//!   metric ([`end_state::EndStateRow`]), one dot per scenario.
//! - [`events::mobilisation`]: the distribution over events of `t90_hours`,
//!   `vulnerable_helped_share` and `help_t90_hours` by compound kind from `events.csv`, as
//!   box plots with the single events beside them, side by side per scenario.
//! - [`compare::CompareDir`] and [`compare::plot_compare`]: the overlays of a `shequ compare`
//!   directory and [`compare::differences`], the paired differences scenario − base with their
//!   95 % CIs and a zero line, one panel per unit.
//! - [`sweep::SweepDir`] and [`sweep::plot_sweep`]: a line with its band per main metric for
//!   one varied key, a heat map per main metric for a two-key grid, scatter panels (one per
//!   key) for a Latin hypercube or more keys.
//!
//! [`data`] reads the CSV files; [`style`] holds the common look (fonts, colours, legend, axes,
//! saving).
//!
//! A comparison overlays scenarios by passing several series, e.g.
//! ```no_run
//! use shequ::io::plot::data::TimeSeries;
//! use shequ::io::plot::time_series::{ScenarioSeries, time_series};
//! use shequ::model::metrics::M;
//! # fn main() -> anyhow::Result<()> {
//! let base = TimeSeries::read("out/base/timeseries.csv".as_ref())?;
//! let reform = TimeSeries::read("out/reform/timeseries.csv".as_ref())?;
//! let m = M::FeeCollectionRate;
//! let series = [
//!     ScenarioSeries { name: "baseline", reps: base.metric(m.name()).unwrap() },
//!     ScenarioSeries { name: "reform", reps: reform.metric(m.name()).unwrap() },
//! ];
//! time_series("out/cmp/plots".as_ref(), m.name(), m, &series)?;
//! # Ok(()) }
//! ```
//! [`plot_run`] draws the whole set for one run directory; `io::report` puts them in a page.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Result, bail};
use plotters::style::{FontStyle, register_font};

use crate::io::plot::data::{Estimate, RunDir};
use crate::io::plot::end_state::{EndStateRow, end_state};
use crate::io::plot::events::{EventSet, mobilisation};
use crate::io::plot::phase::{PhaseTrace, spiral};
use crate::io::plot::time_series::{ScenarioSeries, drawable, time_series};
use crate::io::views;

pub mod calibrate;
pub mod compare;
pub mod data;
pub mod end_state;
pub mod events;
pub mod phase;
pub mod sensitivity;
pub mod style;
pub mod sweep;
pub mod time_series;

/// Pixel size of every chart.
pub const SIZE: (u32, u32) = (1200, 800);
/// The family name the embedded Latin fonts are registered under (`--lang en`).
pub(crate) const FONT: &str = "sans-serif";
/// The family name of the embedded CJK subset (`--lang zh`), also its `@font-face` name.
pub(crate) const FONT_CJK: &str = "shequ-cjk";

static FONT_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static FONT_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
/// WenQuanYi Micro Hei subset to every character shequ prints (`assets/fonts/README.md`).
pub(crate) static FONT_CJK_TTF: &[u8] = include_bytes!("../../../assets/fonts/shequ-cjk.ttf");
/// The same subset as WOFF2, for `@font-face` in the report and the SVGs.
pub static FONT_CJK_WOFF2: &[u8] = include_bytes!("../../../assets/fonts/shequ-cjk.woff2");

/// The CSS `@font-face` rule that embeds [`FONT_CJK_WOFF2`] as the family [`FONT_CJK`].
pub fn cjk_font_face() -> String {
    use base64::Engine as _;
    format!(
        "@font-face{{font-family:'{FONT_CJK}';src:url(data:font/woff2;base64,{}) format('woff2')}}",
        base64::engine::general_purpose::STANDARD.encode(FONT_CJK_WOFF2)
    )
}

/// Registers the embedded fonts with plotters (once per process). Every chart function calls
/// it; without it plotters fails with `FontUnavailable`.
pub fn ensure_fonts() -> Result<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        register_font(FONT, FontStyle::Normal, FONT_REGULAR).is_ok()
            && register_font(FONT, FontStyle::Bold, FONT_BOLD).is_ok()
            && register_font(FONT_CJK, FontStyle::Normal, FONT_CJK_TTF).is_ok()
            && register_font(FONT_CJK, FontStyle::Bold, FONT_CJK_TTF).is_ok()
    });
    if ok {
        Ok(())
    } else {
        bail!("the embedded plot font cannot be read")
    }
}

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
    for &m in views::RUN_TIME_SERIES {
        let Some(reps) = ts.metric(m.name()) else {
            continue;
        };
        if !drawable(m, ts.months()) {
            continue;
        }
        figures.push(time_series(
            plots_dir,
            m.name(),
            m,
            &[ScenarioSeries { name, reps }],
        )?);
    }
    let [mx, my] = views::SPIRAL;
    if let (Some(x), Some(y)) = (ts.metric(mx.name()), ts.metric(my.name())) {
        if ts.months() >= 12 {
            // Right after the charts of its two axes, where it reads best.
            let f = spiral(plots_dir, &[PhaseTrace { name, x, y }])?;
            let at = figures
                .iter()
                .rposition(|g| g.stem == mx.name() || g.stem == my.name())
                .map_or(0, |i| i + 1);
            figures.insert(at, f);
        }
    }
    let rows: Vec<EndStateRow> = views::END_STATE
        .iter()
        .filter_map(|&m| {
            let s = run.summary_of(m.name(), "last_year")?;
            Some(EndStateRow {
                label: crate::io::i18n::title(m).to_string(),
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
            crate::io::i18n::TITLE_END_STATE_RUN.get(),
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
    use super::{FONT_CJK_TTF, FONT_CJK_WOFF2, ensure_fonts};

    #[test]
    fn embedded_fonts_register() {
        ensure_fonts().unwrap();
        ensure_fonts().unwrap();
        assert_eq!(&FONT_CJK_WOFF2[..4], b"wOF2");
    }

    /// Every character of every label shequ prints in Chinese (the i18n table, the metric
    /// registry's terms and units, the compound kinds, the windows) and printable ASCII must
    /// have a glyph in the embedded subset: regenerate it with `scripts/font-subset.sh`.
    #[test]
    fn glyph_coverage_of_the_cjk_subset() {
        let face = ttf_parser::Face::parse(FONT_CJK_TTF, 0).expect("the subset parses");
        let ascii: String = (0x20u8..0x7F).map(char::from).collect();
        let mut missing: Vec<(char, &str)> = Vec::new();
        for label in crate::io::i18n::printed_zh()
            .into_iter()
            .chain([ascii.as_str()])
        {
            for c in label.chars() {
                if !c.is_whitespace() && face.glyph_index(c).is_none() {
                    missing.push((c, label));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "characters missing from assets/fonts/shequ-cjk.ttf (run scripts/font-subset.sh): {missing:?}"
        );
        // The test can fail: a CJK character that no source file holds is not in the subset
        // (U+9F98, written as a number so that the subset script does not pick it up).
        let rare = char::from_u32(0x9F98).expect("a character");
        assert!(face.glyph_index(rare).is_none());
    }
}
