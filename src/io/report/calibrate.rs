//! The report of one `shequ calibrate` directory: what was calibrated against what, how many
//! points were accepted, the fit of every target (held-out ones apart), the calibrated
//! values, every plot and the manifest.

use crate::io::i18n::{self, fmt};
use crate::io::plot::Figure;
use crate::io::plot::calibrate::CalibrationDir;
use crate::io::report::{
    Block, Report, Section, fmt_num, manifest_text, plots_section, provenance_rows, words,
};

fn share(x: f64) -> String {
    if x.is_finite() {
        format!("{:.0} %", 100.0 * x)
    } else {
        "–".to_string()
    }
}

/// `N of M` (`M 个中的 N 个`).
fn n_of_m(n: usize, m: usize) -> String {
    fmt(i18n::N_OF_M, &[("n", &n.to_string()), ("m", &m.to_string())])
}

/// `metric (window)`; in Chinese the metric's term and the window's name.
fn metric_window(metric: &str, window: &str) -> String {
    match i18n::lang() {
        i18n::Lang::En => format!("{metric} ({window})"),
        i18n::Lang::Zh => format!(
            "{}（{}）",
            crate::model::metrics::M::from_name(metric).map_or(metric, |m| i18n::title(m)),
            crate::io::report::window_text(window)
        ),
    }
}

/// The report of one `shequ calibrate` directory.
pub fn calibration_report(cal: &CalibrationDir, figures: &[Figure]) -> Report {
    let m = &cal.manifest;
    let n = cal.accepted.len();
    let n_acc = cal.n_accepted();
    let scenario = manifest_text(m, "scenario");
    let mut facts = vec![
        vec![i18n::SCENARIO.get().to_string(), scenario.clone()],
        vec![
            i18n::DESIGN.get().to_string(),
            fmt(i18n::LHS_OF, &[("n", &n.to_string())]),
        ],
        vec![
            i18n::REPS_PER_POINT.get().to_string(),
            manifest_text(m, "replications"),
        ],
        vec![i18n::YEARS.get().to_string(), manifest_text(m, "years")],
        vec![
            i18n::SEED_EVERY_POINT.get().to_string(),
            manifest_text(m, "seed"),
        ],
        vec![i18n::CUTOFF.get().to_string(), manifest_text(m, "cutoff")],
        vec![i18n::ACCEPTED_POINTS.get().to_string(), n_of_m(n_acc, n)],
    ];
    facts.extend(provenance_rows(m));
    let mut sections = vec![Section {
        heading: i18n::CALIBRATION_HEADING.get().to_string(),
        blocks: vec![
            Block::Paragraph(i18n::CAL_NOTE.get().to_string()),
            Block::Table {
                header: Vec::new(),
                rows: facts,
                numeric: Vec::new(),
            },
        ],
    }];
    let rows: Vec<Vec<String>> = cal
        .targets
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                metric_window(&t.metric, &t.window),
                format!("{}–{}", fmt_num(t.lo), fmt_num(t.hi)),
                i18n::grade(&t.grade),
                if t.holdout {
                    i18n::HELD_OUT
                } else {
                    i18n::CALIBRATION
                }
                .get()
                .to_string(),
                fmt_num(t.median_mean),
                format!("{}–{}", fmt_num(t.min_mean), fmt_num(t.max_mean)),
                share(t.share_in_range),
                share(t.share_plausible),
            ]
        })
        .collect();
    sections.push(Section {
        heading: i18n::FIT_HEADING.get().to_string(),
        blocks: vec![
            Block::Paragraph(fmt(i18n::FIT_NOTE, &[("n", &n_acc.to_string())])),
            Block::Table {
                header: words(&[
                    i18n::TARGET_NAME,
                    i18n::METRIC_WINDOW,
                    i18n::RANGE,
                    i18n::GRADE,
                    i18n::USE,
                    i18n::MEDIAN,
                    i18n::MIN_MAX,
                    i18n::IN_RANGE,
                    i18n::I_BELOW,
                ]),
                rows,
                numeric: vec![5, 6, 7, 8],
            },
            Block::Folded {
                summary: i18n::SOURCES.get().to_string(),
                blocks: vec![Block::Table {
                    header: words(&[i18n::TARGET_NAME, i18n::SOURCE]),
                    rows: cal
                        .targets
                        .iter()
                        .map(|t| vec![t.name.clone(), t.source.clone()])
                        .collect(),
                    numeric: Vec::new(),
                }],
            },
        ],
    });
    let calibrated = m
        .get("medians")
        .and_then(|v| v.as_object())
        .filter(|_| n_acc > 0);
    sections.push(Section {
        heading: i18n::CALIBRATED_HEADING.get().to_string(),
        blocks: match calibrated {
            Some(meds) => vec![
                Block::Paragraph(i18n::CALIBRATED_NOTE.get().to_string()),
                Block::Table {
                    header: words(&[i18n::FACTOR, i18n::MEDIAN_ACCEPTED]),
                    rows: meds
                        .iter()
                        .map(|(k, v)| vec![k.clone(), fmt_num(v.as_f64().unwrap_or(f64::NAN))])
                        .collect(),
                    numeric: vec![1],
                },
            ],
            None => vec![Block::Paragraph(i18n::NONE_ACCEPTED.get().to_string())],
        },
    });
    sections.push(plots_section(figures));
    if !m.is_null() {
        sections.push(Section {
            heading: i18n::MANIFEST.get().to_string(),
            blocks: vec![Block::Pre {
                summary: Some("manifest.json".to_string()),
                text: serde_json::to_string_pretty(m).unwrap_or_default(),
            }],
        });
    }
    Report {
        title: format!("shequ (社区) {}: {scenario}", i18n::CALIBRATION.get()),
        lead: fmt(
            i18n::CAL_LEAD,
            &[
                ("n", &n_acc.to_string()),
                ("m", &n.to_string()),
                ("keys", &cal.factors.join(", ")),
            ],
        ),
        sections,
    }
}
