//! The report of one `shequ compare` directory: the scenarios, the paired differences with
//! their CIs, every plot and the manifests.

use crate::io::i18n::{self, fill, fmt};
use crate::io::plot::Figure;
use crate::io::plot::compare::CompareDir;
use crate::io::plot::events::EventSet;
use crate::io::report::{
    Block, Report, Section, fmt_num, manifest_list, manifest_text, mobilisation_section,
    plots_section, provenance_rows, shown_in_window, titled, window_text, words,
};
use crate::io::views::{self, Better};
use crate::model::metrics::M;

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
                    format!("{label} {}", i18n::BASE_SUFFIX.get())
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
        vec![i18n::BASE.get().to_string(), base.to_string()],
        vec![i18n::COMPARED_WITH.get().to_string(), others.join(", ")],
        vec![i18n::REPS_EACH.get().to_string(), first.reps().to_string()],
        vec![
            i18n::SIMULATED_TIME.get().to_string(),
            fill(i18n::MONTHS_YEARS, "m", &first.months().to_string())
                .replace("{y}", &(first.months() as f64 / 12.0).to_string()),
        ],
        vec![i18n::SEED_ALL.get().to_string(), manifest_text(m, "seed")],
    ];
    if let Some(post) = m.get("posterior") {
        facts.push(vec![
            i18n::POSTERIOR_ROW.get().to_string(),
            fmt(
                i18n::POSTERIOR_FACT,
                &[
                    ("n", &manifest_text(post, "points")),
                    ("name", &manifest_text(post, "file")),
                    ("m", &manifest_text(post, "replications_per_point")),
                ],
            ),
        ]);
    }
    facts.extend(provenance_rows(m));
    sections.push(Section {
        heading: i18n::THE_SCENARIOS.get().to_string(),
        blocks: vec![
            Block::Table {
                header: words(&[
                    i18n::SCENARIO,
                    i18n::DESCRIPTION,
                    i18n::SCENARIO_FILES,
                    i18n::OVERRIDES,
                ]),
                rows: scenario_rows,
                numeric: vec![],
            },
            Block::Table {
                header: vec![],
                rows: facts,
                numeric: vec![],
            },
            Block::Html(i18n::CRN_NOTE.get().to_string()),
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
                metric_label(metric),
                i18n::unit(metric).to_string(),
                (*o).to_string(),
                fmt_num(d.base_mean * k),
                fmt_num(d.scenario_mean * k),
                diff_text(d.diff_mean * k, d.diff_sd),
                diff_ci(d.ci_low * k, d.ci_high * k, d.diff_sd),
                yes_no(d.excludes_zero),
            ]);
        }
    }
    let all: Vec<Vec<String>> = cmp
        .diffs
        .iter()
        .filter(|d| d.scenario != d.base)
        .map(|d| {
            // In the registry's display unit, as in the table above and the plots.
            let (k, unit) = M::from_name(&d.metric)
                .map_or((1.0, String::new()), |id| shown_in_window(id, &d.window));
            vec![
                d.metric.clone(),
                window_text(&d.window),
                unit,
                d.scenario.clone(),
                fmt_num(d.base_mean * k),
                fmt_num(d.scenario_mean * k),
                diff_text(d.diff_mean * k, d.diff_sd * k),
                diff_ci(d.ci_low * k, d.ci_high * k, d.diff_sd * k),
                yes_no(d.excludes_zero),
                d.n.to_string(),
            ]
        })
        .collect();
    let mut blocks = vec![Block::Paragraph(fill(i18n::PAIRED_NOTE, "name", base))];
    if !rows.is_empty() {
        blocks.push(Block::Table {
            header: words(&[
                i18n::METRIC,
                i18n::UNIT,
                i18n::SCENARIO,
                i18n::BASE_MEAN,
                i18n::SCENARIO_MEAN,
                i18n::DIFFERENCE,
                i18n::CI_OF_DIFF,
                i18n::EXCLUDES_ZERO,
            ]),
            rows,
            numeric: vec![3, 4, 5, 6],
        });
    }
    blocks.push(Block::Folded {
        summary: i18n::EVERY_METRIC_CMP.get().to_string(),
        blocks: vec![Block::Table {
            header: words(&[
                i18n::METRIC,
                i18n::WINDOW,
                i18n::UNIT,
                i18n::SCENARIO,
                i18n::BASE_MEAN,
                i18n::SCENARIO_MEAN,
                i18n::DIFFERENCE,
                i18n::CI95,
                i18n::EXCLUDES_ZERO,
                i18n::N,
            ]),
            rows: all,
            numeric: vec![4, 5, 6, 7, 9],
        }],
    });
    sections.push(Section {
        heading: i18n::PAIRED_HEADING.get().to_string(),
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
            summary: Some(i18n::MANIFEST_CMP.get().to_string()),
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
        manifests.insert(0, Block::Paragraph(i18n::MANIFESTS_NOTE.get().to_string()));
        sections.push(Section {
            heading: i18n::MANIFESTS.get().to_string(),
            blocks: manifests,
        });
    }

    let versus = format!("{base} {} {}", i18n::VS.get(), others.join(", "));
    Report {
        title: titled(i18n::COMPARISON, &versus, m),
        lead: fill(i18n::CMP_LEAD, "name", base).replace("{others}", &others.join(", ")),
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
                metric_label(metric),
                (*o).to_string(),
                better.word().to_string(),
                format!("{:.0} %", post.p_better * 100.0),
                format!("{:.0} %", post.p_worse * 100.0),
                format!(
                    "[{}, {}] {}",
                    signed_num(post.lo * k),
                    signed_num(post.hi * k),
                    i18n::unit(metric)
                ),
                Better::verdict(post.p_better, post.p_worse).to_string(),
            ]);
        }
    }
    if rows.is_empty() {
        return None;
    }
    Some(Section {
        heading: i18n::ROBUST_HEADING.get().to_string(),
        blocks: vec![
            Block::Paragraph(fmt(
                i18n::ROBUST_NOTE,
                &[
                    ("n", &points.to_string()),
                    ("m", &format!("{:.0}", views::ROBUST_SHARE * 100.0)),
                ],
            )),
            Block::Table {
                header: words(&[
                    i18n::METRIC,
                    i18n::SCENARIO,
                    i18n::BETTER_IS,
                    i18n::BETTER_AT,
                    i18n::WORSE_AT,
                    i18n::ACROSS_POINTS,
                    i18n::VERDICT,
                ]),
                rows,
                numeric: vec![3, 4],
            },
        ],
    })
}

/// A metric in a table row: `Title (中文)` in English, `中文（name）` in Chinese.
fn metric_label(metric: M) -> String {
    let meta = metric.meta();
    i18n::pick(
        format!("{} ({})", meta.title, meta.zh),
        format!("{}（{}）", meta.zh, meta.name),
    )
}

fn yes_no(yes: bool) -> String {
    if yes { i18n::YES } else { i18n::NO }.get().to_string()
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
                i18n::SAVES_MONEY.get().to_string()
            } else {
                i18n::NO_CLEAR_COST.get().to_string()
            };
            rows.push(vec![
                (*o).to_string(),
                spend.clone(),
                metric_label(metric),
                i18n::unit(metric).to_string(),
                diff_text(d.diff_mean * k, d.diff_sd),
                per,
            ]);
        }
    }
    if rows.is_empty() {
        return None;
    }
    Some(Section {
        heading: i18n::MONEY_HEADING.get().to_string(),
        blocks: vec![
            Block::Paragraph(i18n::MONEY_NOTE.get().to_string()),
            Block::Table {
                header: words(&[
                    i18n::SCENARIO,
                    i18n::EXTRA_COST,
                    i18n::OUTCOME,
                    i18n::UNIT,
                    i18n::LAST_YEAR_DIFF,
                    i18n::PER_100M,
                ]),
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
        i18n::IDENTICAL.get().to_string()
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
        i18n::ONE_REP_CI.get().to_string()
    }
}
