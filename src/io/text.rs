//! Text for the terminal: number formats and the tables `run`, `compare` and `sweep` print.
//! Which metrics they show comes from the views; titles and units from the registry.

use std::fmt::Write as _;

use crate::experiment::RunResult;
use crate::experiment::compare::{Difference, Spread, Window};
use crate::experiment::sweep::{self, Plan, SweepResult};
use crate::experiment::windows;
use crate::io::i18n::{self, Lang};
use crate::io::views::{self, Better};
use crate::model::metrics::{M, Year};

/// `+0.041`, `-1.200`, `+12345`: signed, three decimals below 10,000; `-` for NaN.
pub fn signed(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else if x.abs() >= 1e4 {
        format!("{x:+.0}")
    } else {
        format!("{x:+.3}")
    }
}

/// `0.041`, `12345`: three decimals below 10,000.
pub fn plain(x: f64) -> String {
    if x.abs() >= 1e4 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

/// The run's glance: per marked year (1, 5, 10, … and the last), the mean over replications
/// of each year's mean of the [`views::GLANCE`] metrics, in their display unit (flows per
/// year).
pub fn glance(r: &RunResult, demo: bool) -> String {
    let cols = views::GLANCE;
    let years = (r.months / 12) as usize;
    let mut marks: Vec<usize> = [1, 5, 10, 15, 20, 30, 40, 50]
        .into_iter()
        .filter(|y| *y <= years)
        .collect();
    if marks.last() != Some(&years) {
        marks.push(years);
    }
    // Column heads: the metric's name and its display unit (in Chinese: its term and unit).
    let head = |m: &M| i18n::pick(m.name(), i18n::short_title(*m));
    let widths: Vec<usize> = cols
        .iter()
        .map(|m| {
            i18n::width(head(m))
                .max(i18n::width(i18n::unit(*m)))
                .max(10)
        })
        .collect();
    let mut s = String::new();
    s.push_str(&i18n::right(i18n::YEAR.get(), 5));
    for (m, w) in cols.iter().zip(&widths) {
        let _ = write!(s, " {}", i18n::right(head(m), *w));
    }
    s.push('\n');
    let _ = write!(s, "{:>5}", "");
    for (m, w) in cols.iter().zip(&widths) {
        let _ = write!(s, " {}", i18n::right(i18n::unit(*m), *w));
    }
    s.push('\n');
    for y in marks {
        let _ = write!(s, "{y:>5}");
        for (m, w) in cols.iter().zip(&widths) {
            // The year's value per replication (a level's mean, a flow's total), averaged
            // over replications, then shown as its monthly mean times the display factor.
            let year = windows::summary(&r.reps, *m, Window::Months((y - 1) * 12 + 1, y * 12));
            let monthly = match m.meta().year {
                Year::Sum => year.mean / 12.0,
                Year::Mean => year.mean,
            };
            let v = monthly * m.meta().display_factor();
            let _ = write!(s, " {v:>w$.3}");
        }
        s.push('\n');
    }
    if demo {
        s.push_str(i18n::GLANCE_NOTE.get());
        s.push('\n');
    }
    s
}

/// The widest display unit of the main metrics, in terminal columns.
fn unit_width() -> usize {
    views::TERMINAL_MAIN
        .iter()
        .map(|m| i18n::width(i18n::unit(*m)))
        .max()
        .unwrap_or(4)
}

/// The terminal table of a comparison: last-year differences of the main metrics, each in
/// its display unit (flows per year, money in million RMB per year), as the plots show them.
pub fn comparison_table(labels: &[String], diffs: &[Difference], reps: usize) -> String {
    let mut s = String::new();
    let wu = unit_width();
    for (k, label) in labels.iter().enumerate().skip(1) {
        let _ = writeln!(
            s,
            "\n{label} - {} {}",
            labels[0],
            i18n::fill(i18n::DIFF_TABLE_HEAD, "n", &reps.to_string())
        );
        let _ = writeln!(
            s,
            "{} {} {} {} {}  {}",
            pad_to(i18n::METRIC.get(), 22),
            pad_to(i18n::UNIT.get(), wu),
            i18n::right(i18n::BASE.get(), 12),
            i18n::right(i18n::SCENARIO.get(), 12),
            i18n::right(i18n::DIFFERENCE.get(), 12),
            i18n::CI95.get()
        );
        for m in views::TERMINAL_MAIN {
            let Some(d) = diffs
                .iter()
                .find(|d| d.metric == m.name() && d.scenario == k && d.window == Window::LastYear)
            else {
                continue;
            };
            let f = m.meta().display_factor();
            let ci = format!(
                "[{}, {}]",
                signed(d.diff.ci_low * f),
                signed(d.diff.ci_high * f)
            );
            let line = format!(
                "{:<22} {} {:>12} {:>12} {:>12}  {ci:<27}{}",
                m.name(),
                pad_to(i18n::unit(*m), wu),
                plain(d.base_mean * f),
                plain(d.scenario_mean * f),
                signed(d.diff.mean * f),
                if d.excludes_zero() { " *" } else { "" }
            );
            let _ = writeln!(s, "{}", line.trim_end());
        }
    }
    s
}

/// The terminal table of `compare --posterior`: per scenario and main metric (last year),
/// the share of accepted points where it beats the base, the spread of the difference
/// across points (in the metric's display unit) and the verdict.
pub fn robust_table(labels: &[String], diffs: &[Difference], spreads: &[Spread]) -> String {
    let mut s = String::new();
    let wu = unit_width();
    for (k, label) in labels.iter().enumerate().skip(1) {
        let points = spreads.first().map_or(0, |x| x.points);
        let _ = writeln!(
            s,
            "\n{label} - {} {}",
            labels[0],
            i18n::fmt(
                i18n::ROBUST_TERMINAL,
                &[
                    ("n", &points.to_string()),
                    ("m", &format!("{:.0}", views::ROBUST_SHARE * 100.0)),
                ]
            )
        );
        let _ = writeln!(
            s,
            "{} {} {} {}  {} {}",
            pad_to(i18n::METRIC.get(), 22),
            pad_to(i18n::UNIT.get(), wu),
            i18n::right(i18n::BETTER_COL.get(), 8),
            i18n::right(i18n::P_BETTER.get(), 8),
            pad_to(i18n::PCT_OF_POINTS.get(), 27),
            i18n::VERDICT.get()
        );
        for m in views::TERMINAL_MAIN {
            let Some((_, sp)) = diffs.iter().zip(spreads).find(|(d, _)| {
                d.metric == m.name() && d.scenario == k && d.window == Window::LastYear
            }) else {
                continue;
            };
            let Some(b) = Better::of(*m) else { continue };
            let (pb, pw) = b.shares(sp.share_above, sp.share_below);
            let f = m.meta().display_factor();
            let range = format!("[{}, {}]", signed(sp.lo * f), signed(sp.hi * f));
            let _ = writeln!(
                s,
                "{:<22} {} {} {:>8.2}  {range:<27} {}",
                m.name(),
                pad_to(i18n::unit(*m), wu),
                i18n::right(b.word(), 8),
                pb,
                Better::verdict(pb, pw)
            );
        }
    }
    s
}

use i18n::left as pad_to;

/// The terminal table of a sweep: per point, the varied values and the mean end state of
/// the first four main metrics.
pub fn sweep_table(plan: &Plan, r: &SweepResult) -> String {
    const MAX_ROWS: usize = 40;
    let mut s = String::new();
    let kept = &plan.outputs.metrics;
    let mut cols: Vec<M> = views::TERMINAL_MAIN
        .iter()
        .copied()
        .filter(|m| kept.contains(m))
        .take(4)
        .collect();
    if cols.is_empty() {
        cols = kept.iter().copied().take(4).collect();
    }
    let _ = write!(s, "{}", i18n::right(i18n::POINT.get(), 6));
    for k in &plan.keys {
        let short = k.rsplit('.').next().unwrap_or(k);
        let _ = write!(s, " {short:>20}");
    }
    for m in &cols {
        let _ = write!(s, " {:>20}", m.name());
    }
    s.push('\n');
    // The display unit of each metric under its name (flows per year), as in the plots.
    let _ = write!(s, "{:>6}", "");
    for _ in &plan.keys {
        let _ = write!(s, " {:>20}", "");
    }
    for m in &cols {
        let _ = write!(s, " {}", i18n::right(i18n::unit(*m), 20));
    }
    s.push('\n');
    for (p, point) in plan.points.iter().enumerate().take(MAX_ROWS) {
        let _ = write!(s, "{p:>6}");
        for v in &point.values {
            let shown = match v {
                toml::Value::Float(x) if x.fract() != 0.0 => format!("{x:.4}"),
                other => sweep::value_text(other),
            };
            let _ = write!(s, " {shown:>20}");
        }
        let sum = r.summary(p);
        for m in &cols {
            let _ = write!(
                s,
                " {:>20}",
                plain(sum[m.index()].mean * m.meta().display_factor())
            );
        }
        s.push('\n');
    }
    if plan.points.len() > MAX_ROWS {
        let _ = writeln!(
            s,
            "{}",
            i18n::fill(
                i18n::MORE_POINTS,
                "n",
                &(plan.points.len() - MAX_ROWS).to_string()
            )
        );
    }
    let _ = writeln!(
        s,
        "{}",
        i18n::fmt(
            i18n::SWEEP_FOOT,
            &[
                ("w", &i18n::window_phrase(plan.outputs.window)),
                ("name", &plan.outputs.window.name()),
            ]
        )
    );
    s
}

/// The table of `shequ validate` in the current language: expectations, outcomes and
/// tolerances in it too (case names and sources stay as the scenario files and the essay
/// give them).
pub fn validate_table(results: &[crate::experiment::validate::Case]) -> String {
    use crate::experiment::validate::{TableWords, Verdict, table, table_in};
    if i18n::lang() == Lang::En {
        return table(results);
    }
    table_in(
        results,
        &TableWords {
            header: ["案例", "预期", "来源", "模拟结果", "容差", "结论"],
            verdict: |v| match v {
                Verdict::Pass => "通过",
                Verdict::Fail => "未通过",
                Verdict::Finding => "发现",
            },
            group: |g| {
                use crate::experiment::validate::Group;
                match g {
                    Group::Textbook => i18n::GROUP_TEXTBOOK,
                    Group::Accounting => i18n::GROUP_ACCOUNTING,
                    Group::Pattern => i18n::GROUP_PATTERN,
                    Group::Reform => i18n::GROUP_REFORM,
                }
                .zh
            },
            count: |n, pass, fail, finding| {
                format!(
                    "共 {n} 个案例：{pass} 个通过，{fail} 个未通过，{finding} 个发现（模型的答案与文章预期不同；不算失败）"
                )
            },
            lang: crate::experiment::validate::Lang::Zh,
        },
    )
}
