//! The report of one `shequ run` directory.

use crate::io::plot::Figure;
use crate::io::plot::data::RunDir;
use crate::io::plot::events::EventSet;
use crate::io::report::{
    Block, Report, Section, ci_text, fmt_num, meaning, mobilisation_section, plots_section,
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
    let mut facts = vec![
        vec!["scenario".to_string(), run.name.clone()],
        vec![
            "replications".to_string(),
            run.timeseries.reps().to_string(),
        ],
        vec![
            "simulated time".to_string(),
            format!(
                "{} months ({} years)",
                run.timeseries.months(),
                run.timeseries.months() as f64 / 12.0
            ),
        ],
    ];
    if !m.is_null() {
        for (k, label) in [
            ("seed", "seed"),
            ("total_households", "households"),
            ("shequ_version", "shequ version"),
            ("git_commit", "git commit"),
            ("wall_seconds", "wall time (s)"),
        ] {
            let mut v = get(k);
            if let Some(x) = m.get(k).and_then(|x| x.as_f64()) {
                if k == "wall_seconds" {
                    v = format!("{x:.2}");
                } else if k == "total_households" {
                    v = fmt_num(x);
                }
            }
            facts.push(vec![label.to_string(), v]);
        }
        if let Some(changes) = m.get("changes").and_then(|c| c.as_array()) {
            let lines: Vec<&str> = changes.iter().filter_map(|c| c.as_str()).collect();
            if !lines.is_empty() {
                facts.push(vec!["policy changes".to_string(), lines.join("; ")]);
            }
        }
        if let Some(cl) = m.get("command_line").and_then(|c| c.as_array()) {
            let words: Vec<&str> = cl.iter().filter_map(|w| w.as_str()).collect();
            facts.push(vec!["command".to_string(), words.join(" ")]);
        }
    }
    sections.push(Section {
        heading: "The run".to_string(),
        blocks: vec![
            Block::Table {
                header: vec![],
                rows: facts,
                numeric: vec![],
            },
            Block::Html(
                "<p>To reproduce it exactly: <code>shequ run scenario.toml</code> in this folder \
                 (same shequ version); every resolved value is in <code>scenario.toml</code> and \
                 in the manifest below.</p>"
                    .to_string(),
            ),
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
                format!("{} ({})", meta.title, meta.zh),
                meta.display_unit().to_string(),
                fmt_num(s.mean * k),
                ci_text(s.ci_low * k, s.ci_high * k),
                s.n.to_string(),
            ]);
        }
        let all: Vec<Vec<String>> = run
            .summary
            .iter()
            .map(|r| {
                vec![
                    r.metric.clone(),
                    r.window.replace('_', " "),
                    fmt_num(r.mean),
                    ci_text(r.ci_low, r.ci_high),
                    fmt_num(r.sd),
                    r.n.to_string(),
                    meaning(m, &r.metric).to_string(),
                ]
            })
            .collect();
        let mut blocks = vec![Block::Paragraph(
            "Mean over replications of each metric's average over the last simulated year, \
             with the t-based 95 % confidence interval of that mean (from summary.csv)."
                .to_string(),
        )];
        if !rows.is_empty() {
            blocks.push(Block::Table {
                header: ["metric", "unit", "mean", "95 % CI", "n"]
                    .map(String::from)
                    .to_vec(),
                rows,
                numeric: vec![2, 3, 4],
            });
        }
        blocks.push(Block::Folded {
            summary: "Every metric: last year and final month (summary.csv)".to_string(),
            blocks: vec![Block::Table {
                header: ["metric", "window", "mean", "95 % CI", "sd", "n", "meaning"]
                    .map(String::from)
                    .to_vec(),
                rows: all,
                numeric: vec![2, 3, 4, 5],
            }],
        });
        sections.push(Section {
            heading: "Key figures at the end of the run".to_string(),
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
            heading: "Manifest".to_string(),
            blocks: vec![
                Block::Paragraph(
                    "Everything needed to rerun this result: the fully resolved scenario, seed, \
                     replications, version and command line (manifest.json)."
                        .to_string(),
                ),
                Block::Pre {
                    summary: Some("manifest.json".to_string()),
                    text,
                },
            ],
        });
    }

    let lead = if run.description.is_empty() {
        format!("Results of scenario {}.", run.name)
    } else {
        run.description.clone()
    };
    Report {
        title: format!("shequ (社区) report: {}", run.name),
        lead,
        sections,
    }
}
