//! The report of one `shequ compare` directory: the scenarios, the paired differences with
//! their CIs, every plot and the manifests.

use crate::io::plot::Figure;
use crate::io::plot::compare::CompareDir;
use crate::io::plot::events::EventSet;
use crate::io::report::{
    Block, Report, Section, fmt_num, manifest_text, mobilisation_section, plots_section,
    provenance_rows,
};
use crate::io::views::{self, Better};
use crate::model::metrics::M;

/// The items of the manifest array `key` as text, joined by `sep` (empty when absent).
fn manifest_list(m: &serde_json::Value, key: &str, sep: &str) -> String {
    let Some(items) = m.get(key).and_then(|a| a.as_array()) else {
        return String::new();
    };
    let texts: Vec<String> = items
        .iter()
        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
        .collect();
    texts.join(sep)
}

/// The report of one `shequ compare` directory.
pub fn compare_report(cmp: &CompareDir, figures: &[Figure]) -> Report {
    let m = &cmp.manifest;
    let base = cmp.base();
    let others: Vec<&str> = cmp.labels[1..].iter().map(String::as_str).collect();
    let mut sections = Vec::new();

    // The scenarios.
    let scenario_rows: Vec<Vec<String>> = cmp
        .labels
        .iter()
        .zip(&cmp.runs)
        .enumerate()
        .map(|(i, (label, run))| {
            let files = manifest_list(&run.manifest, "scenario_files", ", ");
            let overrides = manifest_list(&run.manifest, "overrides", "; ");
            vec![
                if i == 0 {
                    format!("{label} (base)")
                } else {
                    label.clone()
                },
                run.description.clone(),
                files,
                overrides,
            ]
        })
        .collect();
    let first = &cmp.runs[0].timeseries;
    let mut facts = vec![
        vec!["base".to_string(), base.to_string()],
        vec!["compared with it".to_string(), others.join(", ")],
        vec![
            "replications (each scenario)".to_string(),
            first.reps().to_string(),
        ],
        vec![
            "simulated time".to_string(),
            format!(
                "{} months ({} years)",
                first.months(),
                first.months() as f64 / 12.0
            ),
        ],
        vec!["seed (all scenarios)".to_string(), manifest_text(m, "seed")],
    ];
    if let Some(post) = m.get("posterior") {
        facts.push(vec![
            "accepted parameter points (compare --posterior)".to_string(),
            format!(
                "{} from {}, {} replication(s) at each",
                manifest_text(post, "points"),
                manifest_text(post, "file"),
                manifest_text(post, "replications_per_point")
            ),
        ]);
    }
    facts.extend(provenance_rows(m));
    sections.push(Section {
        heading: "The scenarios".to_string(),
        blocks: vec![
            Block::Table {
                header: ["scenario", "description", "scenario files", "overrides"]
                    .map(String::from)
                    .to_vec(),
                rows: scenario_rows,
                numeric: vec![],
            },
            Block::Table {
                header: vec![],
                rows: facts,
                numeric: vec![],
            },
            Block::Html(
                "<p>Every scenario runs with the base's seed, replications and years, so \
                 replication <i>r</i> of each sees the same random draws wherever their worlds \
                 agree (common random numbers). Each scenario's own outputs are in its \
                 subfolder; <code>shequ run SUBFOLDER/scenario.toml</code> reproduces it and \
                 <code>shequ plot SUBFOLDER</code> draws its own report.</p>"
                    .to_string(),
            ),
        ],
    });

    // Paired differences of the key metrics.
    let mut rows = Vec::new();
    for &metric in views::DIFF_TABLE {
        let meta = metric.meta();
        let k = meta.display_factor();
        for o in &others {
            let Some(d) = cmp.diff(meta.name, o, "last_year") else {
                continue;
            };
            rows.push(vec![
                format!("{} ({})", meta.title, meta.zh),
                meta.display_unit().to_string(),
                (*o).to_string(),
                fmt_num(d.base_mean * k),
                fmt_num(d.scenario_mean * k),
                diff_text(d.diff_mean * k, d.diff_sd),
                diff_ci(d.ci_low * k, d.ci_high * k, d.diff_sd),
                if d.excludes_zero {
                    "yes".to_string()
                } else {
                    "no".to_string()
                },
            ]);
        }
    }
    let all: Vec<Vec<String>> = cmp
        .diffs
        .iter()
        .filter(|d| d.scenario != d.base)
        .map(|d| {
            vec![
                d.metric.clone(),
                d.window.replace('_', " "),
                d.scenario.clone(),
                fmt_num(d.base_mean),
                fmt_num(d.scenario_mean),
                diff_text(d.diff_mean, d.diff_sd),
                diff_ci(d.ci_low, d.ci_high, d.diff_sd),
                if d.excludes_zero { "yes" } else { "no" }.to_string(),
                d.n.to_string(),
            ]
        })
        .collect();
    let mut blocks = vec![Block::Paragraph(format!(
        "Last-year means of the base ({base}) and of each scenario, and the paired difference \
         scenario − base: the mean over replications of (scenario − base) in the same \
         replication, with its t-based 95 % confidence interval (comparison.csv). \"Excludes \
         0\": the interval lies wholly above or below zero, a difference the replications \
         show clearly."
    ))];
    if !rows.is_empty() {
        blocks.push(Block::Table {
            header: [
                "metric",
                "unit",
                "scenario",
                "base mean",
                "scenario mean",
                "difference",
                "95 % CI of the difference",
                "CI excludes 0",
            ]
            .map(String::from)
            .to_vec(),
            rows,
            numeric: vec![3, 4, 5, 6],
        });
    }
    blocks.push(Block::Folded {
        summary: "Every metric: final month, last year and whole run (comparison.csv)".to_string(),
        blocks: vec![Block::Table {
            header: [
                "metric",
                "window",
                "scenario",
                "base mean",
                "scenario mean",
                "difference",
                "95 % CI",
                "excludes 0",
                "n",
            ]
            .map(String::from)
            .to_vec(),
            rows: all,
            numeric: vec![3, 4, 5, 6, 8],
        }],
    });
    sections.push(Section {
        heading: "Paired differences at the end of the run".to_string(),
        blocks,
    });

    sections.extend(robust_section(cmp, &others));
    sections.extend(cost_effect_section(cmp, &others));

    let sets: Vec<EventSet<'_>> = cmp
        .labels
        .iter()
        .zip(&cmp.runs)
        .map(|(l, r)| EventSet {
            name: l,
            rows: &r.events,
        })
        .collect();
    sections.extend(mobilisation_section(&sets));

    sections.push(plots_section(figures));

    let mut manifests = Vec::new();
    if !m.is_null() {
        manifests.push(Block::Pre {
            summary: Some("manifest.json (the comparison)".to_string()),
            text: serde_json::to_string_pretty(m).unwrap_or_default(),
        });
    }
    for (label, run) in cmp.labels.iter().zip(&cmp.runs) {
        if !run.manifest.is_null() {
            manifests.push(Block::Pre {
                summary: Some(format!("{label}/manifest.json")),
                text: serde_json::to_string_pretty(&run.manifest).unwrap_or_default(),
            });
        }
    }
    if !manifests.is_empty() {
        manifests.insert(
            0,
            Block::Paragraph(
                "Everything needed to rerun this result: the comparison's settings and, per \
                 scenario, the fully resolved scenario, seed, replications, version and command \
                 line."
                    .to_string(),
            ),
        );
        sections.push(Section {
            heading: "Manifests".to_string(),
            blocks: manifests,
        });
    }

    Report {
        title: format!("shequ (社区) comparison: {base} vs {}", others.join(", ")),
        lead: format!(
            "{} compared with the base scenario {base}, replication by replication.",
            others.join(", ")
        ),
        sections,
    }
}

/// Which rankings hold across the plausible set (`compare --posterior`): per scenario and
/// key metric with a better direction, the share of accepted points where the scenario
/// beats the base in the last year, the spread of the difference across points and the
/// verdict ([`views::Better::verdict`]).
fn robust_section(cmp: &CompareDir, others: &[&str]) -> Option<Section> {
    let mut rows = Vec::new();
    let mut points = 0;
    for &metric in views::DIFF_TABLE {
        let meta = metric.meta();
        let k = meta.display_factor();
        let Some(better) = Better::of(metric) else {
            continue;
        };
        for o in others {
            let Some(post) = cmp
                .diff(meta.name, o, "last_year")
                .and_then(|d| d.posterior.as_ref())
            else {
                continue;
            };
            points = post.points;
            rows.push(vec![
                format!("{} ({})", meta.title, meta.zh),
                (*o).to_string(),
                better.name().to_string(),
                format!("{:.0} %", post.p_better * 100.0),
                format!("{:.0} %", post.p_worse * 100.0),
                format!(
                    "[{}, {}] {}",
                    signed_num(post.lo * k),
                    signed_num(post.hi * k),
                    meta.display_unit()
                ),
                Better::verdict(post.p_better, post.p_worse).to_string(),
            ]);
        }
    }
    if rows.is_empty() {
        return None;
    }
    Some(Section {
        heading: "Which rankings hold across the plausible parameters".to_string(),
        blocks: vec![
            Block::Paragraph(format!(
                "Every scenario ran at each of the {points} accepted parameter points of the \
                 calibration (compare --posterior), with the same seed and replications at \
                 every point. At each point the difference scenario − base is the mean over \
                 its replications (last year). \"Better\" and \"worse\" are the shares of \
                 points where that difference goes the metric's better or worse way; a \
                 ranking is called robust when it holds at no fewer than {:.0} % of points. \
                 The range is the 2.5 %–97.5 % quantiles of the points' differences: the \
                 parameter uncertainty the accepted set leaves, with the replication noise \
                 at each point. Which way is better is a judgement stated in docs/ODD.md §9.4.",
                views::ROBUST_SHARE * 100.0
            )),
            Block::Table {
                header: [
                    "metric",
                    "scenario",
                    "better is",
                    "better at",
                    "worse at",
                    "difference across points (95 %)",
                    "verdict",
                ]
                .map(String::from)
                .to_vec(),
                rows,
                numeric: vec![3, 4],
            },
        ],
    })
}

/// What each scenario buys per 100 million RMB of extra public cost over the run: the
/// last-year difference of each outcome of [`views::COST_EFFECT`] divided by the whole-run
/// difference in `public_cost`. Only where the extra cost is clearly positive (its 95 % CI
/// above 0); otherwise the table says the scenario costs no more, or saves.
fn cost_effect_section(cmp: &CompareDir, others: &[&str]) -> Option<Section> {
    let cost = M::PublicCost.name();
    let mut rows = Vec::new();
    for o in others {
        let Some(c) = cmp.diff(cost, o, "whole_run") else {
            continue;
        };
        let millions = c.diff_mean / 1e6;
        let spend = format!(
            "{} [{}, {}]",
            signed_num(millions),
            signed_num(c.ci_low / 1e6),
            signed_num(c.ci_high / 1e6)
        );
        for &metric in views::COST_EFFECT {
            let meta = metric.meta();
            let k = meta.display_factor();
            let Some(d) = cmp.diff(meta.name, o, "last_year") else {
                continue;
            };
            let per = if c.ci_low > 0.0 {
                signed_num(d.diff_mean * k / millions * 100.0)
            } else if c.ci_high < 0.0 {
                "saves money".to_string()
            } else {
                "no clear extra cost".to_string()
            };
            rows.push(vec![
                (*o).to_string(),
                spend.clone(),
                format!("{} ({})", meta.title, meta.zh),
                meta.display_unit().to_string(),
                diff_text(d.diff_mean * k, d.diff_sd),
                per,
            ]);
        }
    }
    if rows.is_empty() {
        return None;
    }
    Some(Section {
        heading: "What the money buys".to_string(),
        blocks: vec![
            Block::Paragraph(
                "Extra public cost over the whole run (public_cost, window whole_run, paired \
                 difference with its 95 % CI, million RMB) and, per outcome, the last-year \
                 difference divided by it, per 100 million RMB. A ratio only where the extra \
                 cost is clearly above zero; it carries the uncertainty of both differences, \
                 and the outcomes are not additive."
                    .to_string(),
            ),
            Block::Table {
                header: [
                    "scenario",
                    "extra public cost over the run (M RMB)",
                    "outcome",
                    "unit",
                    "last-year difference",
                    "difference per 100 M RMB",
                ]
                .map(String::from)
                .to_vec(),
                rows,
                numeric: vec![4, 5],
            },
        ],
    })
}

/// A difference with its sign.
fn signed_num(x: f64) -> String {
    let s = fmt_num(x);
    if x.is_finite() && x > 0.0 && !s.trim_start_matches(['0', '.', ',']).is_empty() {
        format!("+{s}")
    } else {
        s
    }
}

/// A paired difference; `0 (identical)` when every replication pair agrees exactly.
fn diff_text(mean: f64, sd: f64) -> String {
    if mean == 0.0 && sd == 0.0 {
        "0 (identical)".to_string()
    } else {
        signed_num(mean)
    }
}

/// The interval of a paired difference as `[low, high]`, signed (`–` when the pairs agree
/// exactly or there is one replication).
fn diff_ci(lo: f64, hi: f64, sd: f64) -> String {
    if sd == 0.0 {
        "–".to_string()
    } else if lo.is_finite() && hi.is_finite() {
        format!("[{}, {}]", signed_num(lo), signed_num(hi))
    } else {
        "– (one replication)".to_string()
    }
}
