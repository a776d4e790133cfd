//! Accounting invariants over full baseline runs.

use super::{Case, Group, Shown, Text, Tolerance, Verdict};
use crate::experiment::Replication;
use crate::model::metrics::{M, METRICS};

/// The cases of this group, in order.
pub const NAMES: [&str; 4] = [
    "households_conserved",
    "fees_paid_equal_fee_revenue",
    "worker_stock_flow_balance",
    "rates_within_unit_interval",
];

fn case(
    name: &str,
    expected: Text,
    source: &str,
    simulated: f64,
    shown: Text,
    tolerance: Tolerance,
    ok: bool,
) -> Case {
    Case {
        group: Group::Accounting,
        name: name.into(),
        expected,
        expected_value: None,
        simulated,
        shown: Shown::Text(shown),
        tolerance,
        verdict: Verdict::of(ok),
        source: source.into(),
    }
}

/// Every accounting case, over the baseline's long runs.
pub fn cases(base: &[Replication]) -> Vec<Case> {
    let rows = base.len() * base[0].months.len();
    let of = format!("{rows} months of {} baseline runs", base.len());
    let of_zh = format!("{} 次基准运行的 {rows} 个月", base.len());
    // Households: the column never changes and equals the households generated.
    let hh = M::Households.index();
    let mut bad_hh = 0;
    for r in base {
        bad_hh += r
            .months
            .iter()
            .filter(|row| row[hh] != r.households as f64)
            .count();
    }
    // Fees: paid by owners (summed household by household) = booked by firms.
    let (paid, booked) = (M::FeesPaid.index(), M::FeeRevenue.index());
    let mut worst_fee = 0.0f64;
    for r in base {
        for row in &r.months {
            let rel = (row[paid] - row[booked]).abs() / row[booked].abs().max(1.0);
            worst_fee = worst_fee.max(rel);
        }
    }
    // Workers: stock(t) = stock(t-1) - separations(t) + hires(t).
    let (emp, sep, hire) = (
        M::WorkersEmployed.index(),
        M::WorkerSeparations.index(),
        M::WorkerHires.index(),
    );
    let mut worst_flow = 0.0f64;
    for r in base {
        for t in 1..r.months.len() {
            let (a, b) = (&r.months[t - 1], &r.months[t]);
            worst_flow = worst_flow.max((b[emp] - (a[emp] - b[sep] + b[hire])).abs());
        }
    }
    // Shares and 0-1 indices within [0, 1].
    let unit: Vec<usize> = METRICS
        .iter()
        .filter(|m| m.is_unit_interval())
        .map(|m| m.id.index())
        .collect();
    let mut outside = Vec::new();
    for r in base {
        for row in &r.months {
            for &i in &unit {
                if !(0.0..=1.0).contains(&row[i]) && !outside.contains(&METRICS[i].name) {
                    outside.push(METRICS[i].name);
                }
            }
        }
    }
    vec![
        case(
            NAMES[0],
            Text::new(
                format!("{} households every month", base[0].households),
                format!("每月 {} 户", base[0].households),
            ),
            "moving replaces occupants",
            bad_hh as f64,
            Text::new(
                format!("{bad_hh} of {of} differ"),
                format!("{of_zh}中有 {bad_hh} 个不同"),
            ),
            Tolerance::Exact,
            bad_hh == 0,
        ),
        case(
            NAMES[1],
            Text::new(
                format!("{} = {}", M::FeesPaid.name(), M::FeeRevenue.name()),
                format!("{} = {}", M::FeesPaid.meta().zh, M::FeeRevenue.meta().zh),
            ),
            "owners' payments = firms' books",
            worst_fee,
            Text::new(
                format!("largest relative gap {worst_fee:.1e}"),
                format!("最大相对差 {worst_fee:.1e}"),
            ),
            Tolerance::Text(Text::new("relative 1e-9", "相对 1e-9")),
            worst_fee <= 1e-9,
        ),
        case(
            NAMES[2],
            Text::new(
                "employed(t) = employed(t-1) - separations(t) + hires(t)",
                "在岗(t) = 在岗(t-1) - 离职(t) + 招聘(t)",
            ),
            "stocks and flows",
            worst_flow,
            Text::new(
                format!("largest gap {worst_flow} workers"),
                format!("最大差 {worst_flow} 名社区工作者"),
            ),
            Tolerance::Exact,
            worst_flow == 0.0,
        ),
        case(
            NAMES[3],
            Text::new(
                format!("{} rate and share columns within [0, 1]", unit.len()),
                format!("{} 个比率和比例列均在 [0, 1] 内", unit.len()),
            ),
            "definitions",
            outside.len() as f64,
            if outside.is_empty() {
                Text::new(format!("all within, {of}"), format!("全部在内，{of_zh}"))
            } else {
                Text::new(
                    format!("outside: {}", outside.join(", ")),
                    format!("超出：{}", outside.join("、")),
                )
            },
            Tolerance::Exact,
            outside.is_empty(),
        ),
    ]
}
