//! `DIR/report.html`: one self-contained page (no network: every image is inline as a
//! base64 `data:` URI, the CSS is inline) with the scenario, the key figures as tables,
//! every plot and the manifest. A page a teacher can project and a researcher can send.
//!
//! [`render_dir`] is what `shequ run`, `shequ compare`, `shequ sweep` (on the temporary
//! folder of their result, before it is published) and `shequ plot DIR` call: it recognises
//! the kind of directory ([`dir_kind`]), draws its plots into `DIR/plots/` (replaced as a
//! whole) and writes the report. Pages are built from
//! [`Report`] sections: [`run::run_report`], [`compare::compare_report`] (scenarios, the paired
//! differences with their CIs, every plot, the manifests) and [`sweep::sweep_report`] (the varied
//! keys with units, the results per point, every plot, the manifest).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use base64::Engine as _;

use crate::io::i18n;
use crate::io::output::commit_dir;
use crate::io::plot::calibrate::{CalibrationDir, plot_calibration};
use crate::io::plot::cjk_font_face;
use crate::io::plot::compare::{CompareDir, plot_compare};
use crate::io::plot::data::RunDir;
use crate::io::plot::events::{EventRow, EventSet, kind_label};
use crate::io::plot::sweep::{SweepDir, plot_sweep};
use crate::io::plot::{Figure, SIZE, plot_run};
use crate::io::report::calibrate::calibration_report;
use crate::io::report::compare::compare_report;
use crate::io::report::run::run_report;
use crate::io::report::sweep::sweep_report;

pub mod calibrate;
pub mod compare;
pub mod run;
pub mod sweep;

/// What [`render_dir`] produced.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub plots_dir: PathBuf,
    pub figures: Vec<Figure>,
    pub report: PathBuf,
    pub seconds: f64,
}

/// The kinds of output directory [`render_dir`] draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirKind {
    /// `shequ run`: timeseries.csv, summary.csv, events.csv, manifest.json.
    Run,
    /// `shequ compare`: comparison.csv, manifest.json and one run directory per scenario.
    Compare,
    /// `shequ sweep`: sweep.csv, sweep_points.csv, manifest.json.
    Sweep,
    /// `shequ calibrate`: all_points.csv, accepted.csv, targets_fit.csv, manifest.json.
    Calibrate,
}

/// What kind of output directory `dir` is, by its files (comparison.csv, then sweep.csv or
/// sweep_points.csv, then timeseries.csv); `None` if none.
pub fn dir_kind(dir: &Path) -> Option<DirKind> {
    if dir.join("comparison.csv").is_file() {
        Some(DirKind::Compare)
    } else if dir.join("all_points.csv").is_file() && dir.join("targets_fit.csv").is_file() {
        Some(DirKind::Calibrate)
    } else if dir.join("sweep_points.csv").is_file() || dir.join("sweep.csv").is_file() {
        Some(DirKind::Sweep)
    } else if dir.join("timeseries.csv").is_file() {
        Some(DirKind::Run)
    } else {
        None
    }
}

/// Whether `dir` is an output directory that [`render_dir`] can draw: one of `shequ run`
/// (timeseries.csv), `shequ compare` (comparison.csv) or `shequ sweep` (sweep.csv).
pub fn is_output_dir(dir: &Path) -> bool {
    dir_kind(dir).is_some()
}

/// Draws with `draw` into a temporary directory swapped in whole as `plots_dir`: no stale
/// or half-drawn plots.
fn draw_plots(
    dir: &Path,
    plots_dir: &Path,
    draw: impl FnOnce(&Path) -> Result<Vec<Figure>>,
) -> Result<Vec<Figure>> {
    let mut figures = Vec::new();
    commit_dir(plots_dir, |tmp| {
        figures = draw(tmp).map_err(|e| std::io::Error::other(format!("{e:#}")))?;
        Ok(())
    })
    .with_context(|| format!("cannot draw the plots of {}", dir.display()))?;
    Ok(figures)
}

/// Draws the plots of an output directory into `DIR/plots/` and writes `DIR/report.html`:
/// the directory of `shequ run`, `shequ compare` or `shequ sweep` (see [`dir_kind`]).
pub fn render_dir(dir: &Path) -> Result<Rendered> {
    let started = Instant::now();
    if !dir.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    let plots_dir = dir.join("plots");
    let report = dir.join("report.html");
    let figures = match dir_kind(dir) {
        Some(DirKind::Compare) => {
            let cmp = CompareDir::load(dir)?;
            let figures = draw_plots(dir, &plots_dir, |tmp| plot_compare(&cmp, tmp))?;
            compare_report(&cmp, &figures).write(&report, &plots_dir)?;
            figures
        }
        Some(DirKind::Sweep) => {
            let sw = SweepDir::load(dir)?;
            let figures = draw_plots(dir, &plots_dir, |tmp| plot_sweep(&sw, tmp))?;
            sweep_report(&sw, &figures).write(&report, &plots_dir)?;
            figures
        }
        Some(DirKind::Calibrate) => {
            let cal = CalibrationDir::load(dir)?;
            let figures = draw_plots(dir, &plots_dir, |tmp| plot_calibration(&cal, tmp))?;
            calibration_report(&cal, &figures).write(&report, &plots_dir)?;
            figures
        }
        Some(DirKind::Run) | None => {
            let run = RunDir::load(dir)?;
            let figures = draw_plots(dir, &plots_dir, |tmp| plot_run(&run, tmp))?;
            run_report(&run, &figures).write(&report, &plots_dir)?;
            figures
        }
    };
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

/// The page's style; the embedded CJK subset ([`crate::io::plot::cjk_font_face`]) is the
/// fallback for every Chinese character a system font lacks.
const CSS: &str = "
body{margin:0;background:#f6f6f3;color:#1e1e1e;font:18px/1.5 system-ui,-apple-system,'Segoe UI',
 'Noto Sans','Noto Sans CJK SC','PingFang SC','Microsoft YaHei','shequ-cjk',sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px 32px 64px;background:#fff}
h1{font-size:34px;margin:8px 0 4px}h2{font-size:26px;margin:40px 0 12px;
 border-bottom:2px solid #ddd;padding-bottom:4px}h3{font-size:21px;margin:28px 0 8px}
.lead{font-size:20px;color:#333;margin:4px 0 20px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:17px}.wide{overflow-x:auto}
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
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{face}{CSS}</style>\n</head>\n<body>\n<main>\n\
             <h1>{}</h1>\n<p class=\"lead\">{}</p>\n",
            escape(&self.title),
            escape(&self.title),
            escape(&self.lead),
            lang = i18n::lang().code(),
            face = cjk_font_face(),
        );
        for s in &self.sections {
            let _ = writeln!(h, "<h2>{}</h2>", escape(&s.heading));
            for b in &s.blocks {
                block_html(&mut h, b, plots_dir)?;
            }
        }
        let _ = write!(
            h,
            "<p class=\"muted\">{}</p>\n</main>\n</body>\n</html>\n",
            i18n::FOOTER.get()
        );
        Ok(h)
    }

    /// Writes the page to `path` (through a temporary file, renamed into place).
    pub fn write(&self, path: &Path, plots_dir: &Path) -> Result<()> {
        let html = self.to_html(plots_dir)?;
        let tmp = path.with_extension(format!("html.tmp-{}", std::process::id()));
        fs::write(&tmp, html).with_context(|| {
            let _ = fs::remove_file(&tmp);
            format!("cannot write {}", tmp.display())
        })?;
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
            h.push_str("<div class=\"wide\"><table>\n");
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
            h.push_str("</tbody>\n</table></div>\n");
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
                w = SIZE.0,
                hh = SIZE.1,
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

pub(super) fn ci_text(lo: f64, hi: f64) -> String {
    if lo.is_finite() && hi.is_finite() {
        format!("{} – {}", fmt_num(lo), fmt_num(hi))
    } else {
        i18n::ONE_REP_CI.get().to_string()
    }
}

/// The title of a report: `shequ (社区) WHAT: NAME`, with the `--set` and `--arm` overrides
/// that ran (from the manifest's `overrides`, e.g. `--set property.guided_price=2.0`), so that
/// a changed run is never titled as the unchanged scenario. `--reps`, `--years` and `--seed`
/// change no world and stay in the facts.
pub(super) fn titled(what: i18n::Text, name: &str, manifest: &serde_json::Value) -> String {
    let changed: Vec<&str> = manifest
        .get("overrides")
        .and_then(|o| o.as_array())
        .into_iter()
        .flatten()
        .filter_map(|o| o.as_str())
        .filter_map(|o| {
            o.strip_prefix("--set ")
                .or(o.starts_with("--arm").then_some(o))
        })
        .collect();
    let mut t = format!("shequ (社区) {}: {name}", what.get());
    if !changed.is_empty() {
        let _ = write!(t, " ({} {})", i18n::WITH.get(), changed.join(", "));
    }
    t
}

/// The header cells of a table, in the current language.
pub(super) fn words(ts: &[i18n::Text]) -> Vec<String> {
    ts.iter().map(|t| t.get().to_string()).collect()
}

/// A window's name as `summary.csv` and `comparison.csv` write it (`last_year`), in the
/// current language.
pub(super) fn window_text(name: &str) -> String {
    crate::experiment::windows::Window::NAMED
        .iter()
        .find(|w| w.name() == name)
        .map_or_else(
            || name.replace('_', " "),
            |w| i18n::window(*w).get().to_string(),
        )
}

/// The factor and unit in which a metric's value over the window named `window` (as in
/// summary.csv) is shown: a mean in the registry's display unit; a flow totalled over the
/// whole run in its display unit without "per year" (million RMB, or a count).
pub(super) fn shown_in_window(m: crate::model::metrics::M, window: &str) -> (f64, String) {
    use crate::experiment::windows::Window;
    use crate::model::metrics::{MILLION_RMB_PER_YEAR, Year};
    let meta = m.meta();
    let totalled = Window::from_name(window).is_some_and(Window::sums) && meta.year == Year::Sum;
    if !totalled {
        return (meta.display_factor(), i18n::unit(m).to_string());
    }
    let total = i18n::TOTAL_OVER_RUN.get();
    if meta.display == MILLION_RMB_PER_YEAR {
        (1e-6, format!("{}, {total}", i18n::MILLION_RMB.get()))
    } else {
        (meta.display_factor() / 12.0, total.to_string())
    }
}

/// The essay's target of a metric for a table (`≥ 0.35 (三.(三).4)`), empty without one.
pub(super) fn target_text(m: crate::model::metrics::M) -> String {
    m.target()
        .map(|t| format!("≥ {} ({})", fmt_num(t.at_least), t.section))
        .unwrap_or_default()
}

/// The items of the manifest array `key` as text, joined by `sep` (empty when absent).
pub(super) fn manifest_list(m: &serde_json::Value, key: &str, sep: &str) -> String {
    let Some(items) = m.get(key).and_then(|a| a.as_array()) else {
        return String::new();
    };
    let texts: Vec<String> = items
        .iter()
        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
        .collect();
    texts.join(sep)
}

/// The meaning of a metric: in Chinese from the registry, else as stored in the manifest.
pub(super) fn meaning<'a>(manifest: &'a serde_json::Value, metric: &str) -> &'a str {
    if i18n::lang() == i18n::Lang::Zh
        && let Some(m) = crate::model::metrics::M::from_name(metric)
    {
        return m.meta().meaning_zh;
    }
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

/// The value of a manifest key as text (`–` when absent).
pub(super) fn manifest_text(m: &serde_json::Value, k: &str) -> String {
    match m.get(k) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "–".to_string(),
        Some(v) => v.to_string(),
    }
}

/// Version, commit, threads, wall time and command line of a manifest, as table rows.
pub(super) fn provenance_rows(m: &serde_json::Value) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    if m.is_null() {
        return rows;
    }
    for (k, label) in [
        ("shequ_version", i18n::VERSION.get()),
        ("git_commit", i18n::GIT_COMMIT.get()),
        ("threads", i18n::THREADS.get()),
        ("wall_seconds", i18n::WALL_TIME.get()),
    ] {
        let v = match m.get(k).and_then(|x| x.as_f64()) {
            Some(x) if k == "wall_seconds" => format!("{x:.2}"),
            _ => manifest_text(m, k),
        };
        rows.push(vec![label.to_string(), v]);
    }
    if let Some(cl) = m.get("command_line").and_then(|c| c.as_array()) {
        let words: Vec<&str> = cl.iter().filter_map(|w| w.as_str()).collect();
        rows.push(vec![i18n::COMMAND.get().to_string(), words.join(" ")]);
    }
    rows
}

fn median(values: &mut Vec<f64>) -> f64 {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn hours(h: f64) -> String {
    if h.is_finite() {
        format!("{h:.1}")
    } else {
        "–".to_string()
    }
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "–".to_string()
    } else {
        format!("{:.1} %", 100.0 * part as f64 / whole as f64)
    }
}

/// The mobilisation key figures with their note (`None` without events).
pub(super) fn mobilisation_section(sets: &[EventSet<'_>]) -> Option<Section> {
    let table = mobilisation_table(sets)?;
    Some(Section {
        heading: i18n::MOBILISATION.get().to_string(),
        blocks: vec![mobilisation_note(), table],
    })
}

/// Every plot, in order.
pub(super) fn plots_section(figures: &[Figure]) -> Section {
    Section {
        heading: i18n::PLOTS.get().to_string(),
        blocks: figures.iter().cloned().map(Block::Figure).collect(),
    }
}

fn mobilisation_note() -> Block {
    Block::Paragraph(i18n::MOBILISATION_NOTE.get().to_string())
}

/// The mobilisation key figures by compound kind (and scenario); `None` without events.
fn mobilisation_table(sets: &[EventSet<'_>]) -> Option<Block> {
    if sets.iter().all(|s| s.rows.is_empty()) {
        return None;
    }
    let several = sets.len() > 1;
    let mut kinds: Vec<&str> = crate::model::kind::CompoundKind::ALL
        .iter()
        .map(|k| k.key())
        .collect();
    for s in sets {
        for r in s.rows {
            if !kinds.contains(&r.kind.as_str()) {
                kinds.push(&r.kind);
            }
        }
    }
    let mut rows = Vec::new();
    for kind in kinds {
        for s in sets {
            let of: Vec<&EventRow> = s
                .rows
                .iter()
                .filter(|r| r.kind == kind && r.households > 0)
                .collect();
            if of.is_empty() {
                continue;
            }
            let needy: Vec<&&EventRow> = of.iter().filter(|r| r.vulnerable_total > 0).collect();
            let mut t90: Vec<f64> = of.iter().map(|r| r.t90_hours).collect();
            let t90_never = t90.iter().filter(|v| !v.is_finite()).count();
            let mut help: Vec<f64> = needy.iter().map(|r| r.help_t90_hours).collect();
            let help_never = help.iter().filter(|v| !v.is_finite()).count();
            let shares: Vec<f64> = needy
                .iter()
                .map(|r| r.vulnerable_helped_share)
                .filter(|v| v.is_finite())
                .collect();
            let helped = if shares.is_empty() {
                f64::NAN
            } else {
                shares.iter().sum::<f64>() / shares.len() as f64
            };
            let mut row = Vec::new();
            if several {
                row.push(s.name.to_string());
            }
            row.extend([
                kind_label(kind),
                of.len().to_string(),
                hours(median(&mut t90)),
                percent(t90_never, of.len()),
                fmt_num(helped),
                hours(median(&mut help)),
                percent(help_never, needy.len()),
            ]);
            rows.push(row);
        }
    }
    let mut header: Vec<String> = Vec::new();
    if several {
        header.push(i18n::SCENARIO.get().into());
    }
    header.extend(
        [
            i18n::COMPOUND_KIND,
            i18n::OBSERVATIONS,
            i18n::HOURS_WARN_MEDIAN,
            i18n::NEVER_WARNED,
            i18n::HELPED_MEAN,
            i18n::HOURS_HELP_MEDIAN,
            i18n::NEVER_HELPED,
        ]
        .map(|t| t.get().to_string()),
    );
    let off = usize::from(several);
    Some(Block::Table {
        header,
        rows,
        numeric: (off + 1..off + 7).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::{escape, fmt_num};

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
