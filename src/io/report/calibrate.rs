//! The report of one `shequ calibrate` directory: what was calibrated against what, how many
//! points were accepted, the fit of every target (held-out ones apart), the calibrated
//! values, every plot and the manifest.

use crate::io::plot::Figure;
use crate::io::plot::calibrate::CalibrationDir;
use crate::io::report::{
    Block, Report, Section, fmt_num, manifest_text, plots_section, provenance_rows,
};

fn share(x: f64) -> String {
    if x.is_finite() {
        format!("{:.0} %", 100.0 * x)
    } else {
        "–".to_string()
    }
}

/// The report of one `shequ calibrate` directory.
pub fn calibration_report(cal: &CalibrationDir, figures: &[Figure]) -> Report {
    let m = &cal.manifest;
    let n = cal.accepted.len();
    let n_acc = cal.n_accepted();
    let scenario = manifest_text(m, "scenario");
    let mut facts = vec![
        vec!["scenario".to_string(), scenario.clone()],
        vec![
            "design".to_string(),
            format!("Latin hypercube of {n} points"),
        ],
        vec![
            "replications per point".to_string(),
            manifest_text(m, "replications"),
        ],
        vec!["years".to_string(), manifest_text(m, "years")],
        vec!["seed (every point)".to_string(), manifest_text(m, "seed")],
        vec![
            "implausibility cutoff".to_string(),
            manifest_text(m, "cutoff"),
        ],
        vec!["accepted points".to_string(), format!("{n_acc} of {n}")],
    ];
    facts.extend(provenance_rows(m));
    let mut sections = vec![Section {
        heading: "Calibration".to_string(),
        blocks: vec![
            Block::Paragraph(
                "History matching with rejection: every point of the design is run with the same \
                 replications (common random numbers); for each target the implausibility \
                 I = |mean − centre| / sqrt(half-width²/3 + sd² + sd²/reps) measures how far the \
                 replication mean lies from the target range (Vernon et al. 2010; Andrianakis et \
                 al. 2015). A point is accepted when every calibration target has I below the \
                 cutoff (3: Pukelsheim's three-sigma rule). Held-out targets are not used to \
                 accept: they check the accepted set (docs/ODD.md §9)."
                    .to_string(),
            ),
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
                format!("{} ({})", t.metric, t.window),
                format!("{}–{}", fmt_num(t.lo), fmt_num(t.hi)),
                t.grade.clone(),
                if t.holdout { "held out" } else { "calibration" }.to_string(),
                fmt_num(t.median_mean),
                format!("{}–{}", fmt_num(t.min_mean), fmt_num(t.max_mean)),
                share(t.share_in_range),
                share(t.share_plausible),
            ]
        })
        .collect();
    sections.push(Section {
        heading: "Fit of each target".to_string(),
        blocks: vec![
            Block::Paragraph(format!(
                "Over the {n_acc} accepted points: the median and range of the points' \
                 replication means, the share of points whose mean lies in the target range and \
                 the share with I below the cutoff (for calibration targets this is 100 % by \
                 construction)."
            )),
            Block::Table {
                header: [
                    "target",
                    "metric (window)",
                    "range",
                    "grade",
                    "use",
                    "median",
                    "min–max",
                    "in range",
                    "I < cutoff",
                ]
                .map(str::to_string)
                .to_vec(),
                rows,
                numeric: vec![5, 6, 7, 8],
            },
            Block::Folded {
                summary: "Sources".to_string(),
                blocks: vec![Block::Table {
                    header: vec!["target".to_string(), "source".to_string()],
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
        heading: "Calibrated values".to_string(),
        blocks: match calibrated {
            Some(meds) => vec![
                Block::Paragraph(
                    "calibrated.toml extends the scenario with each factor at the median of the \
                     accepted points:"
                        .to_string(),
                ),
                Block::Table {
                    header: vec!["factor".to_string(), "median of accepted".to_string()],
                    rows: meds
                        .iter()
                        .map(|(k, v)| vec![k.clone(), fmt_num(v.as_f64().unwrap_or(f64::NAN))])
                        .collect(),
                    numeric: vec![1],
                },
            ],
            None => vec![Block::Paragraph(
                "No point was accepted: no calibrated.toml was written. The targets cannot all be \
                 met within this space at this cutoff (or the replications are too few)."
                    .to_string(),
            )],
        },
    });
    sections.push(plots_section(figures));
    if !m.is_null() {
        sections.push(Section {
            heading: "Manifest".to_string(),
            blocks: vec![Block::Pre {
                summary: Some("manifest.json".to_string()),
                text: serde_json::to_string_pretty(m).unwrap_or_default(),
            }],
        });
    }
    Report {
        title: format!("shequ (社区) calibration: {scenario}"),
        lead: format!(
            "{n_acc} of {n} points accepted over {}.",
            cal.factors.join(", ")
        ),
        sections,
    }
}
