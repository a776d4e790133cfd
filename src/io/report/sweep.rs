//! The report of one `shequ sweep` directory: the varied keys with units, the results per
//! point, every plot and the manifest.

use crate::io::i18n::{self, fmt};
use crate::io::plot::Figure;
use crate::io::plot::data::Estimate;
use crate::io::plot::sweep::{SweepDir, SweepLayout};
use crate::io::report::{
    Block, Report, Section, fmt_num, manifest_text, plots_section, provenance_rows, words,
};
use crate::model::metrics::Metric;
use crate::model::params::Params;

/// A varied value as written, or rounded for reading when it is long (a Latin hypercube's
/// `0.7070848395708168`).
fn short_value(text: &str, value: f64) -> String {
    if text.len() > 8 {
        fmt_num(value)
    } else {
        text.to_string()
    }
}

/// `mean ± half-width` of a t-based interval (symmetric), or the mean alone.
fn mean_pm(e: Estimate) -> String {
    if e.ci_low.is_finite() && e.ci_high.is_finite() {
        format!(
            "{} ± {}",
            fmt_num(e.mean),
            fmt_num((e.ci_high - e.ci_low) / 2.0)
        )
    } else {
        fmt_num(e.mean)
    }
}

/// The report of one `shequ sweep` directory.
pub fn sweep_report(sw: &SweepDir, figures: &[Figure]) -> Report {
    let m = &sw.manifest;
    let mut sections = Vec::new();
    let design = match manifest_text(m, "design").as_str() {
        "grid" => i18n::FULL_GRID.get().to_string(),
        d if d.starts_with("lhs ") => fmt(i18n::LHS_OF, &[("n", &d[4..])]),
        _ => match sw.layout() {
            SweepLayout::Line => i18n::ONE_KEY.get().to_string(),
            SweepLayout::Grid { .. } => i18n::GRID_TWO.get().to_string(),
            SweepLayout::Scatter => i18n::SCATTERED.get().to_string(),
        },
    };
    let mut facts = vec![
        vec![i18n::SCENARIO.get().to_string(), sw.scenario.clone()],
        vec![i18n::DESIGN.get().to_string(), design],
        vec![i18n::POINTS.get().to_string(), sw.points.len().to_string()],
        vec![i18n::REPS_PER_POINT.get().to_string(), sw.reps().to_string()],
        vec![i18n::YEARS.get().to_string(), manifest_text(m, "years")],
        vec![
            i18n::SEED_EVERY_POINT.get().to_string(),
            manifest_text(m, "seed"),
        ],
    ];
    facts.extend(provenance_rows(m));
    let specs = Params::specs();
    let key_rows: Vec<Vec<String>> = sw
        .keys
        .iter()
        .enumerate()
        .map(|(k, key)| {
            let spec = specs.iter().find(|s| &s.key == key);
            // The extremes as written in sweep_points.csv.
            let lo = sw
                .points
                .iter()
                .min_by(|a, b| a.values[k].total_cmp(&b.values[k]))
                .map_or_else(String::new, |p| short_value(&p.texts[k], p.values[k]));
            let hi = sw
                .points
                .iter()
                .max_by(|a, b| a.values[k].total_cmp(&b.values[k]))
                .map_or_else(String::new, |p| short_value(&p.texts[k], p.values[k]));
            let mut distinct: Vec<f64> = sw.points.iter().map(|p| p.values[k]).collect();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            vec![
                key.clone(),
                spec.map_or("", |s| i18n::param_unit(s.unit)).to_string(),
                lo,
                hi,
                distinct.len().to_string(),
                spec.map_or_else(String::new, |s| s.default.to_string()),
                spec.map_or("", |s| i18n::pick(s.doc, s.zh)).to_string(),
            ]
        })
        .collect();
    sections.push(Section {
        heading: i18n::THE_SWEEP.get().to_string(),
        blocks: vec![
            Block::Table {
                header: vec![],
                rows: facts,
                numeric: vec![],
            },
            Block::Table {
                header: words(&[
                    i18n::VARIED_KEY,
                    i18n::UNIT,
                    i18n::FROM,
                    i18n::TO,
                    i18n::VALUES,
                    i18n::DEFAULT,
                    i18n::MEANING,
                ]),
                rows: key_rows,
                numeric: vec![2, 3, 4],
            },
            Block::Html(fmt(
                i18n::SWEEP_NOTE,
                &[
                    ("w", &crate::io::report::escape(&sw.window_phrase())),
                    ("name", &crate::io::report::escape(&sw.window)),
                ],
            )),
        ],
    });

    // Results by point.
    let shown: Vec<&Metric> = sw.shown_metrics().iter().map(|m| m.meta()).collect();
    let mut header: Vec<String> = sw.keys.clone();
    header.extend(shown.iter().map(|s| {
        let title = crate::io::i18n::title(s.id);
        if s.display_factor() == 1.0 {
            title.to_string()
        } else {
            format!("{title} ({})", crate::io::i18n::unit(s.id))
        }
    }));
    let rows: Vec<Vec<String>> = sw
        .points
        .iter()
        .enumerate()
        .map(|(p, pt)| {
            let mut row: Vec<String> = pt
                .texts
                .iter()
                .zip(&pt.values)
                .map(|(t, v)| short_value(t, *v))
                .collect();
            for s in &shown {
                let f = s.display_factor();
                row.push(sw.estimate(p, s.name).map_or_else(
                    || "–".to_string(),
                    |e| {
                        mean_pm(Estimate {
                            mean: e.mean * f,
                            ci_low: e.ci_low * f,
                            ci_high: e.ci_high * f,
                        })
                    },
                ));
            }
            row
        })
        .collect();
    let nk = sw.keys.len();
    let table = Block::Table {
        header,
        rows,
        numeric: (0..nk + shown.len()).collect(),
    };
    let intro = Block::Paragraph(fmt(i18n::RESULTS_NOTE, &[("w", &sw.window_phrase())]));
    sections.push(Section {
        heading: i18n::RESULTS_BY_POINT.get().to_string(),
        blocks: if sw.points.len() <= 25 {
            vec![intro, table]
        } else {
            vec![
                intro,
                Block::Folded {
                    summary: fmt(i18n::N_POINTS, &[("n", &sw.points.len().to_string())]),
                    blocks: vec![table],
                },
            ]
        },
    });

    sections.push(plots_section(figures));

    if !m.is_null() {
        sections.push(Section {
            heading: crate::io::i18n::MANIFEST.get().to_string(),
            blocks: vec![
                Block::Paragraph(i18n::SWEEP_MANIFEST_NOTE.get().to_string()),
                Block::Pre {
                    summary: Some("manifest.json".to_string()),
                    text: serde_json::to_string_pretty(m).unwrap_or_default(),
                },
            ],
        });
    }

    let mut lead = fmt(
        i18n::SWEEP_LEAD,
        &[("name", &sw.scenario), ("keys", &sw.keys.join(", "))],
    );
    if !sw.description.is_empty() {
        lead = format!("{lead} {}", sw.description);
    }
    Report {
        title: crate::io::report::titled(crate::io::i18n::SWEEP, &sw.scenario, &sw.manifest),
        lead,
        sections,
    }
}
