//! What a month takes from (parameters, month) alone: the firms' cost growth and guided
//! price levels, the owners' income factor, the city wage, monthly chances from annual
//! rates, the residents' rules of each kind. [`MonthFactors::new`] computes them once per
//! replication-month from the parameters in force that month (scheduled `[[changes]]`
//! included), and every community's [`schedule::step`](super::schedule::step) reads them,
//! instead of a few `powf`s per compound, worker or community every month. Each part is
//! owned by its mechanism ([`firms::Factors`], [`workforce::Factors`],
//! [`residents::KindMonth`]) and computed with the very expressions of the direct functions
//! (`firms::staff_cost_factor`, `firms::guided_level`, `fees::income_factor`, ...), which
//! stay for reports and tests: the values are the same bit for bit.

use super::firms;
use super::kind::CompoundKind;
use super::params::Params;
use super::residents::{self, KindMonth};
use super::workforce;

/// The factors of one month under the parameters in force that month.
pub struct MonthFactors {
    /// The month (1-based in a run).
    pub month: u32,
    pub firms: firms::Factors,
    pub workforce: workforce::Factors,
    /// The residents' rules of each kind, by [`CompoundKind::index`].
    pub kinds: [KindMonth; CompoundKind::COUNT],
    /// The income part of the owners' expectation reference ([`residents::income_term`] of
    /// the month's income factor).
    pub expectation_income: f64,
}

impl MonthFactors {
    /// The factors of `month` under `p`.
    pub fn new(p: &Params, month: u32) -> MonthFactors {
        let firms = firms::Factors::new(p, month);
        MonthFactors {
            month,
            firms,
            workforce: workforce::Factors::new(&p.workforce, month),
            kinds: CompoundKind::ALL.map(|kind| KindMonth::new(p, p.kind(kind))),
            expectation_income: residents::income_term(&p.owners, firms.income),
        }
    }
}
