//! Text for the terminal: number formats and the tables `run`, `compare` and `sweep` print.
//! Which metrics they show comes from the views; titles and units from the registry.

use std::fmt::Write as _;

use crate::experiment::RunResult;
use crate::experiment::compare::{Difference, Spread, Window};
use crate::experiment::sweep::{self, Plan, SweepResult};
use crate::experiment::windows;
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
    let widths: Vec<usize> = cols.iter().map(|m| m.name().len().max(10)).collect();
    let mut s = String::new();
    let _ = write!(s, "{:>5}", "year");
    for (m, w) in cols.iter().zip(&widths) {
        let _ = write!(s, " {:>w$}", m.name());
    }
    s.push('\n');
    let _ = write!(s, "{:>5}", "");
    for (m, w) in cols.iter().zip(&widths) {
        let _ = write!(s, " {:>w$}", m.meta().display_unit());
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
        s.push_str(
            "(means over replications and over each year, flows per year; every month is in timeseries.csv)\n",
        );
    }
    s
}

/// The terminal table of a comparison: last-year differences of the main metrics.
pub fn comparison_table(labels: &[String], diffs: &[Difference], reps: usize) -> String {
    let mut s = String::new();
    for (k, label) in labels.iter().enumerate().skip(1) {
        let _ = writeln!(
            s,
            "\n{label} - {} (last-year means; paired over {reps} replication(s); * = 95 % CI excludes 0)",
            labels[0]
        );
        let _ = writeln!(
            s,
            "{:<22} {:>12} {:>12} {:>12}  95 % CI",
            "metric", "base", "scenario", "difference"
        );
        for m in views::TERMINAL_MAIN {
            let Some(d) = diffs
                .iter()
                .find(|d| d.metric == m.name() && d.scenario == k && d.window == Window::LastYear)
            else {
                continue;
            };
            let ci = format!("[{}, {}]", signed(d.diff.ci_low), signed(d.diff.ci_high));
            let line = format!(
                "{:<22} {:>12} {:>12} {:>12}  {ci:<27}{}",
                m.name(),
                plain(d.base_mean),
                plain(d.scenario_mean),
                signed(d.diff.mean),
                if d.excludes_zero() { " *" } else { "" }
            );
            let _ = writeln!(s, "{}", line.trim_end());
        }
    }
    s
}

/// The terminal table of `compare --posterior`: per scenario and main metric (last year),
/// the share of accepted points where it beats the base, the spread of the difference
/// across points and the verdict.
pub fn robust_table(labels: &[String], diffs: &[Difference], spreads: &[Spread]) -> String {
    let mut s = String::new();
    for (k, label) in labels.iter().enumerate().skip(1) {
        let points = spreads.first().map_or(0, |x| x.points);
        let _ = writeln!(
            s,
            "\n{label} - {} across {points} accepted point(s) (last-year means; robust = at >= {:.0} % of points)",
            labels[0],
            views::ROBUST_SHARE * 100.0
        );
        let _ = writeln!(
            s,
            "{:<22} {:>8} {:>8}  {:<27} verdict",
            "metric", "better", "p_better", "95 % of points"
        );
        for m in views::TERMINAL_MAIN {
            let Some((_, sp)) = diffs.iter().zip(spreads).find(|(d, _)| {
                d.metric == m.name() && d.scenario == k && d.window == Window::LastYear
            }) else {
                continue;
            };
            let Some(b) = Better::of(*m) else { continue };
            let (pb, pw) = b.shares(sp.share_above, sp.share_below);
            let range = format!("[{}, {}]", signed(sp.lo), signed(sp.hi));
            let _ = writeln!(
                s,
                "{:<22} {:>8} {:>8.2}  {range:<27} {}",
                m.name(),
                b.name(),
                pb,
                Better::verdict(pb, pw)
            );
        }
    }
    s
}

/// The terminal table of a sweep: per point, the varied values and the mean end state of
/// the first four main metrics.
pub fn sweep_table(plan: &Plan, r: &SweepResult) -> String {
    const MAX_ROWS: usize = 40;
    let mut s = String::new();
    let cols: Vec<M> = views::TERMINAL_MAIN.iter().copied().take(4).collect();
    let _ = write!(s, "{:>6}", "point");
    for k in &plan.keys {
        let short = k.rsplit('.').next().unwrap_or(k);
        let _ = write!(s, " {short:>20}");
    }
    for m in &cols {
        let _ = write!(s, " {:>20}", m.name());
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
            let _ = write!(s, " {:>20}", plain(sum[m.index()].mean));
        }
        s.push('\n');
    }
    if plan.points.len() > MAX_ROWS {
        let _ = writeln!(
            s,
            "... {} more point(s) in sweep_points.csv",
            plan.points.len() - MAX_ROWS
        );
    }
    s.push_str("(last-year means over replications; every metric with its 95 % CI is in sweep_points.csv)\n");
    s
}
