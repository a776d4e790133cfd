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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fees;
    use crate::model::params::changes::Change;
    use crate::model::rates::monthly;
    use crate::model::world::Community;

    /// The keys and values of a scenario's `set` table.
    fn keys(pairs: &[(&str, toml::Value)]) -> Vec<(String, toml::Value)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    /// `base` with `pairs` set.
    fn with(base: &Params, pairs: &[(&str, toml::Value)]) -> Params {
        let mut p = base.clone();
        for (k, v) in keys(pairs) {
            p.set(&k, &v).unwrap_or_else(|e| panic!("{k}: {e:?}"));
        }
        p
    }

    /// Parameter sets that move every factor: the defaults; frequent lagged price reviews
    /// with drift and extra cost growth; other growth and rates; a kind with no costs at
    /// all (the other branch of `firms::cost_index`).
    fn parameter_sets() -> Vec<Params> {
        let base = Params::default();
        let reviews = with(
            &base,
            &[
                ("property.price_review_interval_months", 12.into()),
                ("property.price_review_lag_months", 3.into()),
                ("property.price_review_pass_through", 0.7.into()),
                ("property.guided_price_growth", 0.01.into()),
                ("property.cost_growth", 0.02.into()),
            ],
        );
        let rates = with(
            &base,
            &[
                ("owners.income_growth", (-0.03).into()),
                ("owners.expectation_income_elasticity", 0.3.into()),
                ("workforce.wage_growth", 0.08.into()),
                ("workforce.quit_rate", 0.3.into()),
                ("workforce.annual_training", true.into()),
                ("workforce.complaint_memory_months", 2.5.into()),
                ("property.entry_rate", 0.3.into()),
                ("property.tender_rate", 0.6.into()),
                ("property.committee_formation_rate", 0.4.into()),
                ("property.renovation_rate", 0.2.into()),
                ("property.price_review_interval_months", 7.into()),
                ("property.price_review_lag_months", 0.into()),
            ],
        );
        let costless = with(
            &reviews,
            &[
                ("old_compound.staff_per_100_households", 0.0.into()),
                ("old_compound.other_cost_per_m2", 0.0.into()),
            ],
        );
        vec![base, reviews, rates, costless]
    }

    fn same(what: &str, month: u32, cached: f64, direct: f64) {
        assert_eq!(
            cached.to_bits(),
            direct.to_bits(),
            "{what} in month {month}: cached {cached} vs direct {direct}"
        );
    }

    /// Every cached factor against the direct function (or the expression the rules used
    /// before the cache), bit for bit.
    fn check(p: &Params, month: u32, community: &Community) {
        let f = MonthFactors::new(p, month);
        assert_eq!(
            (f.month, f.firms.month, f.workforce.month),
            (month, month, month)
        );
        let (fx, pr) = (&f.firms, &p.property);
        same(
            "staff cost",
            month,
            fx.staff_cost,
            firms::staff_cost_factor(p, month),
        );
        same(
            "other cost",
            month,
            fx.other_cost,
            firms::other_cost_factor(p, month),
        );
        for kind in CompoundKind::ALL {
            let direct = firms::guided_level(p, kind, month);
            same("guided level", month, fx.guided_level[kind.index()], direct);
        }
        for c in &community.compounds {
            let direct = firms::fee_price(p, c, month);
            same("fee", month, firms::fee_price_at(p, fx, c), direct);
        }
        same(
            "income",
            month,
            fx.income,
            fees::income_factor(&p.owners, month),
        );
        for (committee, rate) in [pr.entry_rate, pr.entry_rate.max(pr.tender_rate)]
            .into_iter()
            .enumerate()
        {
            let direct = 1.0 - (1.0 - rate).powf(1.0 / 12.0);
            same("assessment", month, fx.assessment[committee], direct);
        }
        let committees = monthly(pr.committee_formation_rate);
        same("committees", month, fx.committee_formation, committees);
        same(
            "renovation",
            month,
            fx.renovation,
            monthly(pr.renovation_rate),
        );
        let (wx, w) = (&f.workforce, &p.workforce);
        let wage = workforce::average_wage(w, month);
        same("wage", month, wx.average_wage, wage);
        same("wage index", month, wx.wage_index, wage / w.average_wage);
        same("quit base", month, wx.quit_base, monthly(w.quit_rate));
        let fade = (-1.0 / w.complaint_memory_months).exp();
        same("complaint fade", month, wx.complaint_fade, fade);
        let cert = workforce::certification_chance(w);
        same("certification", month, wx.certification, cert);
        for (own, others) in [(0.0, 0.0), (0.4, 0.8), (0.93, 0.2), (1.0, 1.0)] {
            let cached = residents::reference_with_income(p, own, others, f.expectation_income);
            let direct = residents::expectation_reference(p, own, others, month);
            same("expectation reference", month, cached, direct);
        }
    }

    const MONTHS: [u32; 14] = [0, 1, 2, 11, 12, 13, 15, 59, 60, 131, 132, 133, 239, 240];

    #[test]
    fn cached_factors_equal_the_direct_functions_bit_for_bit() {
        for p in parameter_sets() {
            let community = Community::generate(&p, 1, 0, 0);
            for month in MONTHS {
                check(&p, month, &community);
            }
        }
    }

    /// With scheduled changes the factors are those of the parameters in force, and they do
    /// move when a change acts (so the comparison above is not between constants).
    #[test]
    fn factors_follow_the_parameters_in_force() {
        let changes = vec![
            Change {
                month: 13,
                ramp_months: 12,
                set: keys(&[
                    ("workforce.wage_growth", 0.09.into()),
                    ("owners.income_growth", 0.08.into()),
                    ("property.price_index_growth", 0.05.into()),
                ]),
            },
            Change {
                month: 61,
                ramp_months: 1,
                set: keys(&[
                    ("property.entry_rate", 0.9.into()),
                    ("property.price_review_pass_through", 0.4.into()),
                ]),
            },
        ];
        let mut p = Params {
            changes,
            ..Params::default()
        };
        p.check_changes().expect("valid changes");
        let community = Community::generate(&p, 2, 0, 0);
        let mut in_force: Option<Params> = None;
        for month in 1..=240 {
            if p.changes_in(month) {
                in_force = p.at_month(month);
            }
            let pm = in_force.as_ref().unwrap_or(&p);
            check(pm, month, &community);
            let (now, base) = (MonthFactors::new(pm, month), MonthFactors::new(&p, month));
            if month < 13 {
                assert_eq!(now.firms, base.firms, "month {month}");
                assert_eq!(now.workforce, base.workforce, "month {month}");
            } else {
                assert!(now.workforce.average_wage > base.workforce.average_wage);
                assert!(now.firms.income > base.firms.income);
                assert!(now.firms.other_cost > base.firms.other_cost);
                assert!(now.expectation_income > base.expectation_income);
            }
            if month >= 61 {
                assert!(now.firms.assessment[0] > base.firms.assessment[0]);
            }
        }
    }
}
