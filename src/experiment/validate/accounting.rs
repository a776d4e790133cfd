//! Accounting invariants over full baseline runs.

use super::{Case, Group, Shown, Tolerance, Verdict};
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
    expected: String,
    source: &str,
    simulated: f64,
    shown: String,
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
            format!("{} households every month", base[0].households),
            "moving replaces occupants",
            bad_hh as f64,
            format!("{bad_hh} of {of} differ"),
            Tolerance::Exact,
            bad_hh == 0,
        ),
        case(
            NAMES[1],
            format!("{} = {}", M::FeesPaid.name(), M::FeeRevenue.name()),
            "owners' payments = firms' books",
            worst_fee,
            format!("largest relative gap {worst_fee:.1e}"),
            Tolerance::Text("relative 1e-9".into()),
            worst_fee <= 1e-9,
        ),
        case(
            NAMES[2],
            "employed(t) = employed(t-1) - separations(t) + hires(t)".into(),
            "stocks and flows",
            worst_flow,
            format!("largest gap {worst_flow} workers"),
            Tolerance::Exact,
            worst_flow == 0.0,
        ),
        case(
            NAMES[3],
            format!("{} rate and share columns within [0, 1]", unit.len()),
            "definitions",
            outside.len() as f64,
            if outside.is_empty() {
                format!("all within, {of}")
            } else {
                format!("outside: {}", outside.join(", "))
            },
            Tolerance::Exact,
            outside.is_empty(),
        ),
    ]
}
