//! `DIR/report.html`: one self-contained page (no network: every image is inline as a
//! base64 `data:` URI, the CSS is inline) with the scenario, the key figures as tables,
//! every plot and the manifest. A page a teacher can project and a researcher can send.
//!
//! [`render_dir`] is what `shequ run` and `shequ plot DIR` call: it draws the plots of a
//! directory into `DIR/plots/` (replaced as a whole) and writes the report. The page is
//! built from [`Report`] sections, so other commands (`compare`, `sweep`) can assemble
//! their own pages from the same blocks and [`Report::write`].

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use base64::Engine as _;

use crate::io::output::commit_dir;
use crate::io::plot::{self, Figure, KEY_TIME_SERIES, RunDir};

/// What [`render_dir`] produced.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub plots_dir: PathBuf,
    pub figures: Vec<Figure>,
    pub report: PathBuf,
    pub seconds: f64,
}

/// Whether `dir` is an output directory that [`render_dir`] can draw (today: one with
/// `timeseries.csv`, as `shequ run` writes).
pub fn is_output_dir(dir: &Path) -> bool {
    dir.join("timeseries.csv").is_file()
}

/// Draws the plots of an output directory into `DIR/plots/` and writes `DIR/report.html`.
/// Today: the directory of `shequ run` (timeseries.csv, summary.csv, manifest.json).
/// To add another kind (comparison.csv, sweep.csv), detect its file here and build its
/// figures and [`Report`] the same way.
pub fn render_dir(dir: &Path) -> Result<Rendered> {
    let started = Instant::now();
    if !dir.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    let run = RunDir::load(dir)?;
    let plots_dir = dir.join("plots");
    let mut figures = Vec::new();
    // Drawn into a temporary directory and swapped in whole: no stale or half-drawn plots.
    commit_dir(&plots_dir, |tmp| {
        figures = plot::plot_run(&run, tmp).map_err(std::io::Error::other)?;
        Ok(())
    })
    .with_context(|| format!("cannot draw the plots of {}", dir.display()))?;
    let report = dir.join("report.html");
    run_report(&run, &figures).write(&report, &plots_dir)?;
    Ok(Rendered {
        plots_dir,
        figures,
        report,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A piece of a report page.
#[derive(Debug, Clone)]
pub enum Block {
    /// Plain text (escaped).
    Paragraph(String),
    /// Trusted HTML, written as it is.
    Html(String),
    /// A table: header cells (none: no header row), rows of cells (escaped); cells of the
    /// `numeric` columns are right-aligned.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<usize>,
    },
    /// A figure: its PNG is inlined from the plots directory.
    Figure(Figure),
    /// Preformatted text (escaped), optionally folded under a summary line.
    Pre {
        summary: Option<String>,
        text: String,
    },
    /// Blocks folded under a summary line (`<details>`).
    Folded { summary: String, blocks: Vec<Block> },
}

/// A headed section of a report.
#[derive(Debug, Clone)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// A report page.
#[derive(Debug, Clone)]
pub struct Report {
    /// `<title>` and `<h1>` (escaped).
    pub title: String,
    /// Text under the heading (escaped).
    pub lead: String,
    pub sections: Vec<Section>,
}

/// Escapes text for HTML content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
body{margin:0;background:#f6f6f3;color:#1e1e1e;font:18px/1.5 system-ui,-apple-system,'Segoe UI',
 'Noto Sans','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px 32px 64px;background:#fff}
h1{font-size:34px;margin:8px 0 4px}h2{font-size:26px;margin:40px 0 12px;
 border-bottom:2px solid #ddd;padding-bottom:4px}h3{font-size:21px;margin:28px 0 8px}
.lead{font-size:20px;color:#333;margin:4px 0 20px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:17px}
th,td{padding:6px 12px;border-bottom:1px solid #e2e2e2;text-align:left;vertical-align:top}
th{background:#f0f0ec}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:16px 0 32px}figure img{width:100%;max-width:1200px;height:auto;
 border:1px solid #ddd}figcaption{color:#444;font-size:16px;margin-top:6px}
pre{background:#f4f4f0;padding:12px;overflow:auto;font-size:14px;line-height:1.35;
 max-height:640px}code{font-size:0.92em}details{margin:8px 0}summary{cursor:pointer;
 font-weight:600}.muted{color:#666;font-size:15px}
@media print{main{max-width:none;padding:0}figure{break-inside:avoid}}
";

impl Report {
    /// The page as HTML; figures' PNGs are read from `plots_dir` and inlined.
    pub fn to_html(&self, plots_dir: &Path) -> Result<String> {
        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n\
             <h1>{}</h1>\n<p class=\"lead\">{}</p>\n",
            escape(&self.title),
            escape(&self.title),
            escape(&self.lead)
        );
        for s in &self.sections {
            let _ = writeln!(h, "<h2>{}</h2>", escape(&s.heading));
            for b in &s.blocks {
                block_html(&mut h, b, plots_dir)?;
            }
        }
        h.push_str(
            "<p class=\"muted\">Made by shequ (社区), an agent-based simulator of urban community \
             governance. Plots are also in the <code>plots/</code> folder as PNG and SVG.</p>\n\
             </main>\n</body>\n</html>\n",
        );
        Ok(h)
    }

    /// Writes the page to `path` (through a temporary file, renamed into place).
    pub fn write(&self, path: &Path, plots_dir: &Path) -> Result<()> {
        let html = self.to_html(plots_dir)?;
        let tmp = path.with_extension(format!("html.tmp-{}", std::process::id()));
        fs::write(&tmp, html).with_context(|| format!("cannot write {}", tmp.display()))?;
        fs::rename(&tmp, path).with_context(|| {
            let _ = fs::remove_file(&tmp);
            format!("cannot write {}", path.display())
        })
    }
}

fn block_html(h: &mut String, b: &Block, plots_dir: &Path) -> Result<()> {
    match b {
        Block::Paragraph(t) => {
            let _ = writeln!(h, "<p>{}</p>", escape(t));
        }
        Block::Html(t) => {
            h.push_str(t);
            h.push('\n');
        }
        Block::Table {
            header,
            rows,
            numeric,
        } => {
            h.push_str("<table>\n");
            if !header.is_empty() {
                h.push_str("<thead><tr>");
                for c in header {
                    let _ = write!(h, "<th>{}</th>", escape(c));
                }
                h.push_str("</tr></thead>\n");
            }
            h.push_str("<tbody>\n");
            for r in rows {
                h.push_str("<tr>");
                for (i, c) in r.iter().enumerate() {
                    let class = if numeric.contains(&i) {
                        " class=\"n\""
                    } else {
                        ""
                    };
                    let _ = write!(h, "<td{class}>{}</td>", escape(c));
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</tbody>\n</table>\n");
        }
        Block::Figure(f) => {
            let png = f.png(plots_dir);
            let bytes = fs::read(&png).with_context(|| format!("cannot read {}", png.display()))?;
            let data = base64::engine::general_purpose::STANDARD.encode(bytes);
            let _ = writeln!(
                h,
                "<figure id=\"{stem}\">\n<h3>{title}</h3>\n<img src=\"data:image/png;base64,{data}\" \
                 alt=\"{title}\" width=\"{w}\" height=\"{hh}\">\n<figcaption>{cap} \
                 <span class=\"muted\">(plots/{stem}.png, plots/{stem}.svg)</span></figcaption>\n</figure>",
                stem = escape(&f.stem),
                title = escape(&f.title),
                cap = escape(&f.caption),
                w = plot::SIZE.0,
                hh = plot::SIZE.1,
            );
        }
        Block::Pre { summary, text } => {
            if let Some(s) = summary {
                let _ = write!(h, "<details>\n<summary>{}</summary>\n", escape(s));
            }
            let _ = writeln!(h, "<pre>{}</pre>", escape(text));
            if summary.is_some() {
                h.push_str("</details>\n");
            }
        }
        Block::Folded { summary, blocks } => {
            let _ = write!(h, "<details>\n<summary>{}</summary>\n", escape(summary));
            for b in blocks {
                block_html(h, b, plots_dir)?;
            }
            h.push_str("</details>\n");
        }
    }
    Ok(())
}

/// A number for a table: enough digits to read, no more.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let a = x.abs();
    let s = if a >= 1_000.0 {
        let digits = format!("{:.0}", a);
        let mut g = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                g.push(',');
            }
            g.push(ch);
        }
        if x < 0.0 { format!("-{g}") } else { g }
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 10.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    };
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.', ',']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

fn ci_text(lo: f64, hi: f64) -> String {
    if lo.is_finite() && hi.is_finite() {
        format!("{} – {}", fmt_num(lo), fmt_num(hi))
    } else {
        "– (one replication)".to_string()
    }
}

/// The meaning of a metric as stored in the manifest.
fn meaning<'a>(manifest: &'a serde_json::Value, metric: &str) -> &'a str {
    manifest
        .get("metrics")
        .and_then(|m| m.as_array())
        .and_then(|a| {
            a.iter()
                .find(|m| m.get("name").and_then(|n| n.as_str()) == Some(metric))
        })
        .and_then(|m| m.get("meaning"))
        .and_then(|m| m.as_str())
        .unwrap_or("")
}

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
        for spec in KEY_TIME_SERIES {
            let Some(s) = run.summary_of(spec.metric, "last_year") else {
                continue;
            };
            // Monthly counts are easier to read per year (the interval scales with them).
            let k = if spec.aggregate == plot::Aggregate::YearlySum {
                12.0
            } else {
                1.0
            };
            rows.push(vec![
                format!("{} ({})", spec.title, spec.zh),
                spec.y_label.to_string(),
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

    sections.push(Section {
        heading: "Plots".to_string(),
        blocks: figures.iter().cloned().map(Block::Figure).collect(),
    });

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_numbers() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(fmt_num(0.63227), "0.632");
        assert_eq!(fmt_num(12.345), "12.35");
        assert_eq!(fmt_num(5_412_530.58), "5,412,531");
        assert_eq!(fmt_num(57_500.0), "57,500");
        assert_eq!(fmt_num(1_000.0), "1,000");
        assert_eq!(fmt_num(-0.0001), "0.000");
        assert_eq!(fmt_num(f64::NAN), "–");
    }
}
