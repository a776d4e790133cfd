//! The monthly schedule of one community: the month's phases in a fixed order. Each
//! mechanism owns its rules and what it adds to the month's [`Tally`]; this file only says
//! in which order they run.
//!
//! Order within a month: (0) the community's workers quit, sit exams, are recruited, and
//! their capacity (net of pushed-down work that last month's purchased services took over)
//! sets this month's mediation coverage; (0b) this month's emergencies warn
//! and help, shock trust, and leave complaints with the workers; then compound by compound:
//! (0c) residents' councils and units' facilities (society.rs); (1) residents move, update
//! satisfaction from last month's service, move expectations toward what they see (their
//! own and, computed once per month, the other compounds' service), revert trust; (2) owners
//! decide to pay, building by building, reacting to last month's neighbours; (3) firms
//! collect, pay, resize staff, set this month's quality, and may withdraw; (4) unmanaged
//! compounds may attract a firm, or a committee tender for one; (5) owners' committees may
//! vote on a price rise; (6) the star rating, committees forming and renovation; last, the
//! month's mobilisation cost. Communities do not interact, so the experiment layer runs each
//! through all its months on its own, in parallel.

use super::fees;
use super::firms;
use super::kind::CompoundKind;
use super::metrics::{Sum, Tally};
use super::mobilisation;
use super::month::MonthFactors;
use super::params::{Kind, Params};
use super::residents;
use super::rng::{BLOCK, Lanes, Rng};
use super::simd::dispatch;
use super::society;
use super::workforce;
use super::world::{Community, Compound, Households};

/// One event's result in one community for one compound kind (a row of `events.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventRow {
    pub month: u32,
    /// Index of the event within the replication.
    pub event: u32,
    pub community: u32,
    pub kind: CompoundKind,
    pub severity: f64,
    pub outcome: mobilisation::KindOutcome,
}

/// Runs month `f.month` (1-based) of one community under `p`, the parameters in force that
/// month, and `f`, that month's factors computed from `p` ([`MonthFactors::new`]), and
/// returns its tally. `events` lists the emergencies that reach this community this month
/// as (event index, severity); their results are appended to `rows`.
pub fn step(
    p: &Params,
    c: &mut Community,
    f: &MonthFactors,
    events: &[(u32, f64)],
    rows: &mut Vec<EventRow>,
) -> Tally {
    let mut t = Tally::default();
    t[Sum::Households] = c.len() as f64;
    t[Sum::Compounds] = c.compounds.len() as f64;
    workforce_month(p, c, &f.workforce, &mut t);
    emergencies(p, c, f.month, events, rows, &mut t);
    let mut soc = society::SocietyMonth::default();
    let leaders = compounds_month(p, c, f, &mut soc, &mut t);
    c.purchased_hours = t[Sum::PurchasedHours];
    let wage_index = f.workforce.wage_index;
    t[Sum::MobilisationCost] =
        mobilisation::monthly_cost(p, leaders, t[Sum::Volunteers], wage_index);
    society::record(p, &soc, wage_index, &mut t);
    t
}

/// (0) The workforce: quits, exams, recruitment; then what its capacity covers. (The relief
/// below changes no parameter that `fx` reads.)
fn workforce_month(p: &Params, c: &mut Community, fx: &workforce::Factors, t: &mut Tally) {
    // Last month's purchased public-service hours (§7.4) take over pushed-down work.
    let relieved;
    let p = if c.purchased_hours > 0.0 {
        let capacity = c.staff.workers.len().max(1) as f64 * workforce::HOURS_PER_MONTH;
        let mut q = p.clone();
        let w = &mut q.workforce;
        w.admin_share_pushed_down =
            (w.admin_share_pushed_down - c.purchased_hours / capacity).max(0.0);
        relieved = q;
        &relieved
    } else {
        p
    };
    let wf = &p.workforce;
    let n = c.len();
    let w = workforce::step_at(
        p,
        &mut c.staff,
        n,
        c.compounds.len(),
        fx,
        &mut c.workforce_rng,
    );
    let hours = workforce::mediation_hours(wf, &c.staff);
    c.mediation_coverage = society::worker_coverage(p, hours, n);
    workforce::record(wf, &c.staff, &w, n, c.mediation_coverage, t);
}

/// (0b) This month's emergencies: warning, help, and trust shocks.
fn emergencies(
    p: &Params,
    c: &mut Community,
    month: u32,
    events: &[(u32, f64)],
    rows: &mut Vec<EventRow>,
    t: &mut Tally,
) {
    for &(event, severity) in events {
        let mut rng = c.events_rng.clone();
        let outcomes = mobilisation::run_event(p, c, severity, &mut rng);
        c.events_rng = rng;
        t[Sum::Events] += 1.0;
        c.staff.complaints += mobilisation::unhelped_share(&outcomes);
        for (kind, o) in CompoundKind::ALL.into_iter().zip(outcomes) {
            o.record(t);
            if o.households > 0 {
                rows.push(EventRow {
                    month,
                    event,
                    community: c.id,
                    kind,
                    severity,
                    outcome: o,
                });
            }
        }
    }
}

/// (1)-(5) compound by compound: residents, payments, the firm, entry, the owners' vote.
/// Returns the community's leaders (grid, building and stairwell) for the mobilisation cost;
/// `soc` receives the councils and unsettled disputes of the society levers.
fn compounds_month(
    p: &Params,
    c: &mut Community,
    f: &MonthFactors,
    soc: &mut society::SocietyMonth,
    t: &mut Tally,
) -> f64 {
    let wf = &p.workforce;
    let coverage = c.mediation_coverage;
    let (month, fx) = (f.month, &f.firms);
    let income_factor = fx.income;
    let Community {
        households,
        building_start,
        compounds,
        residents_rng,
        moves_lanes,
        fees_lanes,
        firms_rng,
        volunteers_lanes,
        governance_rng,
        grids,
        ..
    } = c;
    let mut leaders = f64::from(*grids);
    // Which compounds have a residents' council (society.rs): fixed by their order.
    let mut councils = society::Councils::new(&p.society);
    let council: Vec<bool> = compounds.iter().map(|c| councils.next(c.kind)).collect();
    // Owners of a managed compound perceive its service net of disputes neither mediated
    // nor settled by a council. The community's total (household-weighted) is taken once
    // from last month's qualities, so the other compounds' mean that owners compare with
    // does not depend on compound order.
    let seen = |comp: &Compound, council: bool| {
        if comp.firm.is_some() {
            let settled = society::settled(&p.society, coverage, council);
            workforce::perceived_quality(wf, comp.quality, settled)
        } else {
            comp.quality
        }
    };
    let (seen_total, households_total) =
        compounds
            .iter()
            .zip(&council)
            .fold((0.0, 0.0), |(s, n), (comp, &council)| {
                let h = comp.households() as f64;
                (s + seen(comp, council) * h, n + h)
            });
    for (comp, &council) in compounds.iter_mut().zip(&council) {
        let k = p.kind(comp.kind);
        let range = comp.first_household as usize..comp.end_household as usize;
        // (0c) residents' council and open facilities of units (society.rs)
        soc.add(&p.society, comp.households(), coverage, council);
        let gain = society::trust_gain(&p.society, council);
        society::raise_trust(&mut households.trust[range.clone()], gain);
        // (1) residents, who compare their service with the other compounds' last month
        let own = seen(comp, council);
        let n = comp.households() as f64;
        let others = if households_total > n {
            (seen_total - own * n) / (households_total - n)
        } else {
            own
        };
        leaders += mobilisation::leaders(k, comp);
        // (2) payment decisions, building by building, at this month's one price; managed
        // owners in arrears are pursued (3). (1) and (2) run fused, building by building.
        let price = firms::fee_price_at(p, fx, comp);
        let managed_before = comp.firm.is_some();
        let (residents_month, pay) = households_month(
            p,
            k,
            &residents::Residents::with_reference(
                p,
                &f.kinds[comp.kind.index()],
                own,
                residents::reference_with_income(p, own, others, f.expectation_income),
                month,
            ),
            &Payer {
                rule: fees::Rule::new(&p.owners),
                fee: (price * comp.floor_area / income_factor) as f32,
                paid_per_payer: price * comp.floor_area,
                arrears_loss: if managed_before {
                    fees::arrears_loss(&p.owners)
                } else {
                    0.0
                },
            },
            comp,
            households,
            building_start,
            &mut Draws {
                residents: residents_rng,
                moves: moves_lanes,
                volunteering: volunteers_lanes,
                fees: fees_lanes,
            },
        );
        residents_month.record(t);
        let occupied = residents_month.occupied as usize;
        // (3) the firm's month, (4) entry, (5) vote, (6) star rating, committees forming,
        // renovation
        let mut m = firms::operate(p, comp, price, pay.payers, fx);
        let hs = households.view(range);
        if managed_before {
            pay.record(comp, price, t);
        } else {
            m.entered = firms::consider_entry(p, comp, hs, price, fx, firms_rng);
        }
        m.price_rose = firms::owners_vote(p, comp, hs, month);
        let (removed, rating_cost) = firms::star_rating(p, comp, hs, fx);
        let g = firms::governance(p, comp, occupied, governance_rng, fx);
        m.removed = removed;
        m.lever_public += rating_cost + g.renovation_cost;
        m.record(comp, t);
    }
    leaders
}

/// What the payments of one compound need for a month: the owners' rule, the monthly fee
/// of a dwelling at start-of-run incomes (for the burden), what each payer pays (RMB), and
/// the trust an owner in arrears loses (0 where nobody pursues).
pub struct Payer {
    pub rule: fees::Rule,
    pub fee: f32,
    pub paid_per_payer: f64,
    pub arrears_loss: f32,
}

/// The streams the households' month draws from.
pub struct Draws<'a> {
    pub residents: &'a mut Rng,
    pub moves: &'a mut Lanes,
    pub volunteering: &'a mut Lanes,
    pub fees: &'a mut Lanes,
}

dispatch! {
/// (1) and (2) of one compound fused, building by building: every household's residents'
/// month ([`residents::Residents::step`]), then the building's payment decisions
/// ([`fees::decide_building`]), which react to last month's payments of the others and the
/// new owners who settled at transfer. The same as running (1) over the compound and then
/// (2), because a building's payments read only its own households. Each mechanism draws
/// from its own lanes, a fresh block of [`BLOCK`] uniforms for every [`BLOCK`] households
/// of a building (the rest of a building's last block is skipped).
#[allow(clippy::too_many_arguments)]
pub fn households_month(
    p: &Params,
    k: &Kind,
    residents: &residents::Residents,
    payer: &Payer,
    comp: &Compound,
    households: &mut Households,
    building_start: &[u32],
    draws: &mut Draws,
) -> (residents::ResidentsMonth, fees::Payments) {
    let mut out = residents::ResidentsMonth::default();
    let mut pay = fees::Payments::default();
    for b in comp.first_building as usize..comp.end_building as usize {
        let building = building_start[b] as usize..building_start[b + 1] as usize;
        for start in building.clone().step_by(BLOCK) {
            let (u, v) = (draws.moves.next_block(), draws.volunteering.next_block());
            let n = (building.end - start).min(BLOCK);
            residents.step_chunk(p, k, households, start, n, draws.residents, &u, &v, &mut out);
        }
        let n = fees::decide_building(
            &payer.rule,
            payer.fee,
            households,
            building,
            draws.fees,
            payer.arrears_loss,
        );
        pay.payers += n;
        // Owners' payments, building by building (the firm books them all at once).
        pay.paid += f64::from(n) * payer.paid_per_payer;
    }
    (out, pay)
}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A severe event in which nobody is helped in time raises the workers' quits in the
    /// following months, against the same seed without the event (the events draw from
    /// their own stream, so the workers' draws are the same until the quits differ).
    #[test]
    fn an_unhelped_emergency_raises_quits_afterwards() {
        let mut p = Params::default();
        p.world.households_per_community = 20_000;
        p.world.oversized_community_share = 0.0;
        p.world.undersized_community_share = 0.0;
        p.mobilisation.critical_window_hours = 0.1;
        let quits_after = |p: &Params, event: bool| {
            let mut c = Community::generate(p, 5, 0, 0);
            let mut rows = Vec::new();
            let events: &[(u32, f64)] = if event { &[(0, 1.0)] } else { &[] };
            step(p, &mut c, &MonthFactors::new(p, 1), events, &mut rows);
            let complaints = c.staff.complaints;
            let quits: f64 = (2..=7)
                .map(|m| {
                    step(p, &mut c, &MonthFactors::new(p, m), &[], &mut rows)[Sum::Separations]
                })
                .sum();
            (complaints, quits)
        };
        let (calm, quiet) = quits_after(&p, false);
        let (angry, after) = quits_after(&p, true);
        assert_eq!(calm, 0.0);
        assert!(angry > 0.9, "nobody helped in time: {angry}");
        assert!(
            after > quiet,
            "{after} quits after the event vs {quiet} without"
        );
        // Without the weight the event leaves the workers' months unchanged.
        p.workforce.weight_complaints = 0.0;
        let (_, unmoved) = quits_after(&p, true);
        assert_eq!(unmoved, quiet);
    }

    #[test]
    fn purchased_hours_relieve_pushed_down_work_the_next_month() {
        let base = Params::default();
        let mut bought = base.clone();
        bought.property.government_purchase = 10.0;
        let run = |p: &Params| {
            let mut c = Community::generate(p, 1, 0, 0);
            let mut rows = Vec::new();
            let first = step(p, &mut c, &MonthFactors::new(p, 1), &[], &mut rows);
            let second = step(p, &mut c, &MonthFactors::new(p, 2), &[], &mut rows);
            (first, second, c.purchased_hours)
        };
        let (b1, b2, b_hours) = run(&base);
        let (p1, p2, p_hours) = run(&bought);
        assert_eq!(b_hours, 0.0);
        assert!(p_hours > 0.0);
        // Month 1 has nothing to relieve yet; month 2 does.
        assert_eq!(b1[Sum::Admin], p1[Sum::Admin]);
        assert!(
            p2[Sum::Admin] < b2[Sum::Admin],
            "{} vs {}",
            p2[Sum::Admin],
            b2[Sum::Admin]
        );
    }
}
