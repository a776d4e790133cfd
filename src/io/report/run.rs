//! The report of one `shequ run` directory.

use crate::io::i18n::{self, fill};
use crate::io::plot::Figure;
use crate::io::plot::data::RunDir;
use crate::io::plot::events::EventSet;
use crate::io::report::{
    Block, Report, Section, ci_text, fmt_num, meaning, mobilisation_section, plots_section,
    target_text, titled, words,
};
use crate::io::views;

/// The report of one `shequ run` directory.
pub fn run_report(run: &RunDir, figures: &[Figure]) -> Report {
    let m = &run.manifest;
    let get = |k: &str| -> String {
        match m.get(k) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Null) | None => "–".to_string(),
            Some(v) => v.to_string(),
        }
    };
    let mut sections = Vec::new();

    // The run in a few facts.
    let months = run.timeseries.months();
    let mut facts = vec![
        vec![i18n::SCENARIO.get().to_string(), run.name.clone()],
        vec![
            i18n::REPLICATIONS_ROW.get().to_string(),
            run.timeseries.reps().to_string(),
        ],
        vec![
            i18n::SIMULATED_TIME.get().to_string(),
            fill(i18n::MONTHS_YEARS, "m", &months.to_string())
                .replace("{y}", &(months as f64 / 12.0).to_string()),
        ],
    ];
    if !m.is_null() {
        for (k, label) in [
            ("seed", i18n::SEED),
            ("total_households", i18n::HOUSEHOLDS),
            ("shequ_version", i18n::VERSION),
            ("git_commit", i18n::GIT_COMMIT),
            ("wall_seconds", i18n::WALL_TIME),
        ] {
            let mut v = get(k);
            if let Some(x) = m.get(k).and_then(|x| x.as_f64()) {
                if k == "wall_seconds" {
                    v = format!("{x:.2}");
                } else if k == "total_households" {
                    v = fmt_num(x);
                }
            }
            facts.push(vec![label.get().to_string(), v]);
        }
        let overrides = crate::io::report::manifest_list(m, "overrides", "; ");
        if !overrides.is_empty() {
            facts.push(vec![i18n::OVERRIDES.get().to_string(), overrides]);
        }
        if let Some(changes) = m.get("changes").and_then(|c| c.as_array()) {
            let lines: Vec<&str> = changes.iter().filter_map(|c| c.as_str()).collect();
            if !lines.is_empty() {
                facts.push(vec![
                    i18n::POLICY_CHANGES.get().to_string(),
                    lines.join("; "),
                ]);
            }
        }
        if let Some(cl) = m.get("command_line").and_then(|c| c.as_array()) {
            let words: Vec<&str> = cl.iter().filter_map(|w| w.as_str()).collect();
            facts.push(vec![i18n::COMMAND.get().to_string(), words.join(" ")]);
        }
    }
    sections.push(Section {
        heading: i18n::THE_RUN.get().to_string(),
        blocks: vec![
            Block::Table {
                header: vec![],
                rows: facts,
                numeric: vec![],
            },
            Block::Html(format!("<p>{}</p>", i18n::REPRODUCE.get())),
        ],
    });

    // Key figures from summary.csv.
    if !run.summary.is_empty() {
        let mut rows = Vec::new();
        for &metric in views::RUN_TIME_SERIES {
            let Some(s) = run.summary_of(metric.name(), "last_year") else {
                continue;
            };
            // Shown as the registry says: monthly flows per year (the interval scales too).
            let meta = metric.meta();
            let k = meta.display_factor();
            rows.push(vec![
                i18n::pick(
                    format!("{} ({})", meta.title, meta.zh),
                    format!("{}（{}）", meta.zh, meta.name),
                ),
                i18n::unit(metric).to_string(),
                fmt_num(s.mean * k),
                ci_text(s.ci_low * k, s.ci_high * k),
                target_text(metric),
                s.n.to_string(),
            ]);
        }
        let all: Vec<Vec<String>> = run
            .summary
            .iter()
            .map(|r| {
                // In the registry's display unit, as in the key figures and the plots.
                let (k, unit) = crate::model::metrics::M::from_name(&r.metric)
                    .map_or((1.0, String::new()), |id| {
                        crate::io::report::shown_in_window(id, &r.window)
                    });
                vec![
                    r.metric.clone(),
                    crate::io::report::window_text(&r.window),
                    unit,
                    fmt_num(r.mean * k),
                    ci_text(r.ci_low * k, r.ci_high * k),
                    fmt_num(r.sd * k),
                    r.n.to_string(),
                    meaning(m, &r.metric).to_string(),
                ]
            })
            .collect();
        let mut blocks = vec![Block::Paragraph(i18n::KEY_FIGURES_NOTE.get().to_string())];
        if !rows.is_empty() {
            blocks.push(Block::Table {
                header: words(&[
                    i18n::METRIC,
                    i18n::UNIT,
                    i18n::MEAN,
                    i18n::CI95,
                    i18n::TARGET_COL,
                    i18n::N,
                ]),
                rows,
                numeric: vec![2, 3, 5],
            });
        }
        blocks.push(Block::Folded {
            summary: i18n::EVERY_METRIC.get().to_string(),
            blocks: vec![Block::Table {
                header: words(&[
                    i18n::METRIC,
                    i18n::WINDOW,
                    i18n::UNIT,
                    i18n::MEAN,
                    i18n::CI95,
                    i18n::SD,
                    i18n::N,
                    i18n::MEANING,
                ]),
                rows: all,
                numeric: vec![3, 4, 5, 6],
            }],
        });
        sections.push(Section {
            heading: i18n::KEY_FIGURES.get().to_string(),
            blocks,
        });
    }

    sections.extend(mobilisation_section(&[EventSet {
        name: &run.name,
        rows: &run.events,
    }]));

    sections.push(plots_section(figures));

    if !m.is_null() {
        let text = serde_json::to_string_pretty(m).unwrap_or_default();
        sections.push(Section {
            heading: i18n::MANIFEST.get().to_string(),
            blocks: vec![
                Block::Paragraph(i18n::MANIFEST_NOTE.get().to_string()),
                Block::Pre {
                    summary: Some("manifest.json".to_string()),
                    text,
                },
            ],
        });
    }

    let lead = if run.description.is_empty() {
        fill(i18n::RESULTS_OF, "name", &run.name)
    } else {
        run.description.clone()
    };
    Report {
        title: titled(i18n::REPORT, &run.name, m),
        lead,
        sections,
    }
}
