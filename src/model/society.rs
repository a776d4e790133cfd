//! Community levers of essay section 三 outside the workforce, the firms and the
//! mobilisation network (ODD §7.12.1-7.12.6):
//!
//! - social organisations (社区社会组织, 公益创投, buying services from them): purchased
//!   service hours relieve workers' casework, funded organisations recruit volunteers;
//! - residents' councils (住户理事会, building self-governance) in old compounds and
//!   resettlement estates: they settle part of the disputes workers leave unmediated and
//!   raise their residents' trust;
//! - one-stop community service centres (社区公共服务中心 / 邻里中心): fewer casework hours
//!   per household;
//! - comprehensive law enforcement reaching communities (综合执法进社区): fewer disputes;
//! - units in the area sharing facilities (驻区单位共驻共建): a little trust, staff who help
//!   in emergencies, at the units' cost (`unit_contribution`, not public);
//! - the volunteer target counted in persons (`persons_per_household`).
//!
//! Every public cost lands in `society_cost`, part of `public_cost`. Nothing here draws a
//! random number: councils are placed by a fixed rule and community-wide levers act at their
//! share, so the other mechanisms' streams stay aligned (common random numbers). With every
//! lever at its status-quo value (0) each function returns the status quo's value exactly.

use super::kind::CompoundKind;
use super::metrics::{Sum, Tally};
use super::params::{Params, Society};

/// Social organisations in a community.
pub fn organisations(s: &Society) -> f64 {
    s.organisations_unfunded + s.organisations_funded
}

/// Service hours the government buys from a community's organisations in a month.
pub fn purchased_hours(s: &Society) -> f64 {
    organisations(s) * s.purchased_hours_per_organisation
}

/// Factor on the casework hours workers need (1: nothing relieved): the service centre's
/// one-stop handling cuts hours per household, and the purchased hours that substitute for
/// casework are taken off what remains (never below 0).
pub fn casework_factor(p: &Params, households: usize) -> f64 {
    let s = &p.society;
    let need = households as f64 * p.workforce.hours_per_household;
    if need <= 0.0 {
        return 1.0;
    }
    let after_centre = need * (1.0 - s.service_centres * s.centre_casework_cut);
    let relieved = s.service_substitution * purchased_hours(s);
    (after_centre - relieved).max(0.0) / need
}

/// Multiplier of the volunteer join rates: funded organisations recruit volunteers.
pub fn join_multiplier(s: &Society) -> f64 {
    1.0 + s.organisation_volunteer_boost * s.organisations_funded
}

/// Disputes that still arise, relative to the status quo: law enforcement removes some.
pub fn disputes(s: &Society) -> f64 {
    1.0 - s.law_enforcement * s.enforcement_dispute_cut
}

/// Share of the disputes that still arise which workers mediate: the linkage times their
/// capacity (`mediation_hours`) against the need, which law enforcement lowers.
pub fn worker_coverage(p: &Params, mediation_hours: f64, households: usize) -> f64 {
    super::workforce::mediation_coverage(
        &p.workforce,
        mediation_hours,
        households,
        disputes(&p.society),
    )
}

/// Which compounds have a residents' council: old compounds and resettlement estates, the
/// j-th of them (from 0, in the community's order) when ⌊(j + 1) s⌋ > ⌊j s⌋ for
/// s = `councils_share`, so a share s of them, spread evenly, and none at s = 0.
#[derive(Debug, Clone, Copy)]
pub struct Councils {
    share: f64,
    seen: u32,
}

impl Councils {
    pub fn new(s: &Society) -> Self {
        Councils {
            share: s.councils_share,
            seen: 0,
        }
    }

    /// Whether the next compound, of `kind`, has a council.
    pub fn next(&mut self, kind: CompoundKind) -> bool {
        if kind == CompoundKind::NewEstate {
            return false;
        }
        let j = f64::from(self.seen);
        self.seen += 1;
        ((j + 1.0) * self.share).floor() > (j * self.share).floor()
    }
}

/// Disputes of a compound left unsettled, relative to the status-quo incidence: those that
/// still arise, not mediated by workers (`worker_coverage`), not settled by a council.
pub fn unsettled(s: &Society, worker_coverage: f64, council: bool) -> f64 {
    let settle = if council { s.council_settle_share } else { 0.0 };
    disputes(s) * (1.0 - worker_coverage) * (1.0 - settle)
}

/// The coverage that, in `workforce::perceived_quality`, spoils service by the unsettled
/// disputes: `1 - unsettled` (exactly `worker_coverage` when no lever acts).
pub fn settled(s: &Society, worker_coverage: f64, council: bool) -> f64 {
    if !council && s.law_enforcement == 0.0 {
        return worker_coverage;
    }
    1.0 - unsettled(s, worker_coverage, council)
}

/// Trust gained this month, as a share of the gap to full trust, by the households of a
/// compound: its council, and the units' open facilities.
pub fn trust_gain(s: &Society, council: bool) -> f64 {
    let c = if council { s.council_trust_gain } else { 0.0 };
    (c + s.unit_facilities * s.facilities_trust_gain).min(1.0)
}

/// Raises every household's trust (the field `trust` of a compound's dwellings) by `gain`
/// of its gap to 1 (nothing at gain 0).
pub fn raise_trust(trust: &mut [f32], gain: f64) {
    if gain <= 0.0 {
        return;
    }
    let g = gain as f32;
    for t in trust.iter_mut() {
        *t = (*t + g * (1.0 - *t)).min(1.0);
    }
}

/// Units' staff who help the vulnerable in an emergency in a community.
pub fn unit_helpers(s: &Society) -> usize {
    (s.unit_facilities * s.unit_helpers).round() as usize
}

/// What a community's compounds did under the society levers this month.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SocietyMonth {
    /// Compounds with a residents' council.
    pub councils: u32,
    /// Σ over compounds of unsettled disputes x households.
    pub unsettled: f64,
    /// Σ over compounds of (settled - workers' coverage) x households: what councils add
    /// to the mediation coverage.
    pub council_coverage: f64,
}

impl SocietyMonth {
    /// Adds one compound of `households` with the workers' coverage and its council.
    pub fn add(&mut self, s: &Society, households: usize, worker_coverage: f64, council: bool) {
        let n = households as f64;
        let left = unsettled(s, worker_coverage, council);
        self.unsettled += left * n;
        if council {
            self.councils += 1;
            let settled_by_workers = disputes(s) * (1.0 - worker_coverage);
            // Disputes councils settle, as a share of those that still arise.
            let share = if disputes(s) > 0.0 {
                (settled_by_workers - left) / disputes(s)
            } else {
                0.0
            };
            self.council_coverage += share * n;
        }
    }
}

/// The community's public cost of the society levers at wage index `wage_index`, RMB/month.
pub fn public_cost(s: &Society, councils: u32, wage_index: f64) -> f64 {
    (s.organisations_funded * s.organisation_grant
        + purchased_hours(s) * s.service_hour_price
        + f64::from(councils) * s.council_stipend
        + s.service_centres * s.centre_cost
        + s.law_enforcement * s.law_enforcement_cost)
        * wage_index
}

/// Adds the community's month to the tally: costs (public, and the units' own), purchased
/// hours, residents in persons (from the occupied dwellings already tallied), unsettled
/// disputes and the councils' share of the mediation coverage. Costs follow wages.
pub fn record(p: &Params, m: &SocietyMonth, wage_index: f64, t: &mut Tally) {
    let s = &p.society;
    t[Sum::SocietyCost] += public_cost(s, m.councils, wage_index);
    t[Sum::UnitContribution] += s.unit_facilities * s.unit_facility_cost * wage_index;
    t[Sum::OrganisationHours] += purchased_hours(s);
    t[Sum::Persons] += t[Sum::Occupied] * s.persons_per_household;
    t[Sum::Unsettled] += m.unsettled;
    t[Sum::Coverage] += m.council_coverage;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metrics::M;

    fn sq() -> Params {
        Params::default()
    }

    #[test]
    fn the_status_quo_changes_nothing_and_costs_nothing() {
        let p = sq();
        let s = &p.society;
        assert_eq!(casework_factor(&p, 2500), 1.0);
        assert_eq!(join_multiplier(s), 1.0);
        assert_eq!(disputes(s), 1.0);
        let mut c = Councils::new(s);
        assert!(CompoundKind::ALL.iter().all(|k| !c.next(*k)));
        assert_eq!(settled(s, 0.3, false), 0.3);
        assert_eq!(trust_gain(s, false), 0.0);
        assert_eq!(unit_helpers(s), 0);
        assert_eq!(public_cost(s, 0, 1.7), 0.0);
        let w = &p.workforce;
        let need = 2500.0 * w.mediation_hours_per_household;
        assert_eq!(
            worker_coverage(&p, need / 2.0, 2500),
            w.three_in_one_linkage * 0.5
        );
    }

    #[test]
    fn organisations_relieve_casework_recruit_volunteers_and_cost_grants_and_hours() {
        let mut p = sq();
        p.society.organisations_funded = 6.0;
        p.society.purchased_hours_per_organisation = 40.0;
        let s = &p.society;
        // 10 organisations x 40 h x 0.25 substitute for 100 of the 500 casework hours.
        let f = casework_factor(&p, 2500);
        assert!((f - 0.8).abs() < 1e-12, "{f}");
        assert!(join_multiplier(s) > 1.0);
        // Cost accounting: grants of the funded plus every purchased hour, indexed.
        let expected = (6.0 * s.organisation_grant + 400.0 * s.service_hour_price) * 1.5;
        assert!((public_cost(s, 0, 1.5) - expected).abs() < 1e-9);
        // Relief never makes casework negative.
        p.society.purchased_hours_per_organisation = 1e4;
        p.society.service_substitution = 1.0;
        assert_eq!(casework_factor(&p, 2500), 0.0);
    }

    #[test]
    fn centres_cut_casework_and_cost_per_community() {
        let mut p = sq();
        p.society.service_centres = 1.0;
        let f = casework_factor(&p, 2500);
        assert!((f - (1.0 - p.society.centre_casework_cut)).abs() < 1e-12);
        assert_eq!(public_cost(&p.society, 0, 1.0), p.society.centre_cost);
        p.society.service_centres = 0.5;
        assert_eq!(public_cost(&p.society, 0, 1.0), p.society.centre_cost / 2.0);
    }

    #[test]
    fn councils_are_spread_over_old_and_resettlement_compounds_only() {
        let mut s = sq().society;
        s.councils_share = 0.5;
        let mut c = Councils::new(&s);
        let kinds = [
            CompoundKind::NewEstate,
            CompoundKind::OldCompound,
            CompoundKind::OldCompound,
            CompoundKind::Resettlement,
            CompoundKind::NewEstate,
            CompoundKind::OldCompound,
        ];
        let got: Vec<bool> = kinds.iter().map(|k| c.next(*k)).collect();
        // Eligible j = 0..4: councils at j = 1 and 3.
        assert_eq!(got, [false, false, true, false, false, true]);
        s.councils_share = 1.0;
        let mut all = Councils::new(&s);
        assert!(!all.next(CompoundKind::NewEstate));
        assert!(all.next(CompoundKind::OldCompound) && all.next(CompoundKind::Resettlement));
    }

    #[test]
    fn councils_and_enforcement_leave_fewer_disputes_unsettled() {
        let mut s = sq().society;
        let base = unsettled(&s, 0.3, false);
        assert_eq!(base, 0.7);
        s.councils_share = 1.0;
        let with_council = unsettled(&s, 0.3, true);
        assert!((with_council - 0.7 * (1.0 - s.council_settle_share)).abs() < 1e-12);
        assert!(settled(&s, 0.3, true) > 0.3);
        // Councils add to the mediation coverage exactly what they settle.
        let mut m = SocietyMonth::default();
        m.add(&s, 100, 0.3, true);
        assert_eq!(m.councils, 1);
        assert!((m.council_coverage / 100.0 - (0.7 - with_council)).abs() < 1e-12);
        assert!(trust_gain(&s, true) > 0.0);
        s.law_enforcement = 1.0;
        assert!(unsettled(&s, 0.3, false) < base);
        // Fewer disputes: the same hours cover more of them.
        let mut p = sq();
        let hours = 0.5 * 2500.0 * p.workforce.mediation_hours_per_household;
        let before = worker_coverage(&p, hours, 2500);
        p.society.law_enforcement = 1.0;
        assert!(worker_coverage(&p, hours, 2500) > before);
        assert!(public_cost(&p.society, 0, 1.0) >= p.society.law_enforcement_cost);
    }

    #[test]
    fn trust_rises_towards_one_and_units_help_at_their_own_cost() {
        let p = sq();
        let mut trust = crate::model::world::Community::generate(&p, 1, 0, 0)
            .households
            .trust[..50]
            .to_vec();
        let before = trust.clone();
        raise_trust(&mut trust, 0.1);
        for (t, b) in trust.iter().zip(&before) {
            assert!(*t >= *b && *t <= 1.0);
        }
        let mut q = sq();
        q.society.unit_facilities = 1.0;
        assert_eq!(unit_helpers(&q.society), 10);
        assert!(trust_gain(&q.society, false) > 0.0);
        // The units pay: public cost unchanged, their contribution recorded apart.
        assert_eq!(public_cost(&q.society, 0, 1.0), 0.0);
        let mut t = Tally::default();
        t[Sum::Occupied] = 100.0;
        record(&q, &SocietyMonth::default(), 1.0, &mut t);
        let row = t.metrics();
        assert_eq!(
            row[M::UnitContribution.index()],
            q.society.unit_facility_cost
        );
        assert_eq!(row[M::SocietyCost.index()], 0.0);
        assert_eq!(row[M::PublicCost.index()], 0.0);
    }

    /// Months of one community under `p` (the schedule end to end), as metric rows.
    fn months(p: &Params, n: u32) -> (Vec<Tally>, usize) {
        let mut c = crate::model::world::Community::generate(p, 7, 0, 0);
        let mut rows = Vec::new();
        let eligible = c
            .compounds
            .iter()
            .filter(|x| x.kind != CompoundKind::NewEstate)
            .count();
        let tallies = (1..=n)
            .map(|m| {
                let f = crate::model::month::MonthFactors::new(p, m);
                crate::model::schedule::step(p, &mut c, &f, &[], &mut rows)
            })
            .collect();
        (tallies, eligible)
    }

    #[test]
    fn levers_off_change_nothing_whatever_their_unit_costs() {
        let p = sq();
        let mut q = sq();
        q.society.organisation_grant = 9999.0;
        q.society.service_hour_price = 999.0;
        q.society.council_stipend = 9999.0;
        q.society.centre_cost = 1.0;
        q.society.law_enforcement_cost = 1.0;
        q.society.unit_facility_cost = 1.0;
        q.society.council_settle_share = 1.0;
        q.society.centre_casework_cut = 1.0;
        q.society.enforcement_dispute_cut = 1.0;
        assert_eq!(months(&p, 24).0, months(&q, 24).0);
    }

    #[test]
    fn every_lever_on_costs_its_formula_and_moves_the_community() {
        let p = sq();
        let mut q = sq();
        q.society.organisations_funded = 6.0;
        q.society.purchased_hours_per_organisation = 40.0;
        q.society.councils_share = 1.0;
        q.society.service_centres = 1.0;
        q.society.law_enforcement = 1.0;
        q.society.unit_facilities = 1.0;
        let (base, _) = months(&p, 36);
        let (reform, councils) = months(&q, 36);
        assert!(councils > 0);
        let s = &q.society;
        for (m, t) in reform.iter().enumerate() {
            let wage_index = (1.0 + q.workforce.wage_growth).powf((m + 1) as f64 / 12.0);
            let expected = (6.0 * s.organisation_grant
                + 10.0 * 40.0 * s.service_hour_price
                + councils as f64 * s.council_stipend
                + s.centre_cost
                + s.law_enforcement_cost)
                * wage_index;
            let got = t[Sum::SocietyCost];
            assert!(
                (got - expected).abs() < 1e-6 * expected,
                "{got} vs {expected}"
            );
            assert!((t[Sum::UnitContribution] - s.unit_facility_cost * wage_index).abs() < 1e-6);
            let row = t.metrics();
            let b = base[m].metrics();
            // public_cost carries society_cost, never the units' contribution.
            let parts = row[M::WorkforceCost.index()]
                + row[M::LeverCost.index()]
                + row[M::MobilisationCost.index()]
                + row[M::SocietyCost.index()]
                + t[Sum::PurchaseCost]
                + row[M::PropertyLeverCost.index()]
                + t[Sum::EnforcementPublicCost];
            assert!((row[M::PublicCost.index()] - parts).abs() < 1e-6 * parts);
            assert!(
                row[M::Workload.index()] < b[M::Workload.index()],
                "month {}",
                m + 1
            );
            assert!(row[M::DisputesUnsettled.index()] < b[M::DisputesUnsettled.index()]);
            assert!(row[M::MediationCoverage.index()] > b[M::MediationCoverage.index()]);
        }
        let mean = |ts: &[Tally], id: M| ts.iter().map(|t| t.metrics()[id.index()]).sum::<f64>();
        assert!(mean(&reform, M::Trust) > mean(&base, M::Trust));
        assert!(mean(&reform, M::VolunteerShare) > mean(&base, M::VolunteerShare));
    }

    #[test]
    fn units_staff_help_more_vulnerable_in_time() {
        let p = sq();
        let mut q = sq();
        q.society.unit_facilities = 1.0;
        let helped = |p: &Params| -> f64 {
            (0..4)
                .map(|id| {
                    let mut c = crate::model::world::Community::generate(p, 3, 0, id);
                    let mut rows = Vec::new();
                    let f = crate::model::month::MonthFactors::new(p, 1);
                    crate::model::schedule::step(p, &mut c, &f, &[(0, 1.0)], &mut rows)
                        [Sum::VulnerableHelped]
                })
                .sum()
        };
        assert!(helped(&q) > helped(&p), "{} vs {}", helped(&q), helped(&p));
    }

    #[test]
    fn volunteers_in_persons_divide_by_household_size() {
        let p = sq();
        let mut t = Tally::default();
        t[Sum::Occupied] = 1000.0;
        t[Sum::Volunteers] = 100.0;
        record(&p, &SocietyMonth::default(), 1.0, &mut t);
        let row = t.metrics();
        let households = row[M::VolunteerShare.index()];
        let persons = row[M::VolunteerSharePersons.index()];
        assert!((persons - households / p.society.persons_per_household).abs() < 1e-12);
        assert!(persons < households);
    }
}
