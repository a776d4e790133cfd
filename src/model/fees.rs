//! Owners' fee payment (业主缴费): conditional cooperation within a building, plus
//! satisfaction against expectation, ability to pay, enforcement and trust.
//!
//! Propensity z = w_social (s - theta) + w_sat (S - E) + w_enf * enforcement
//!              + w_trust (T - 0.5) - w_afford * max(0, b - tol) / tol - absence penalty,
//! where s is the share of the other dwellings in the building whose owners paid last month.
//! With noise 0 the owner pays iff z >= 0; otherwise with probability 1 / (1 + e^(-z / noise)).
//! With every weight but w_social at 0, noise 0 and every owner resident (or both absence
//! penalties 0) this is Granovetter's (1978) threshold model.

use std::ops::Range;

use super::floats::exp_f32;
use super::metrics::{KindSum, Sum, Tally};
use super::params::Owners;
use super::rng::{BLOCK, Lanes};
use super::simd::dispatch;
use super::world::{Compound, Household, Households, Occupancy, bits, live, load, store};

/// The owners' payment rule with its constants in single precision, computed once per
/// compound and month: the hot loop then does only the per-owner arithmetic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    social: f32,
    satisfaction: f32,
    /// w_enf x enforcement.
    enforcement: f32,
    trust: f32,
    /// w_afford / tol.
    afford: f32,
    tolerance: f32,
    /// The absence penalty by occupancy (owner-occupied, rented, vacant).
    absence: [f32; 3],
    /// 1 / noise (0 when the noise is 0: the decision is then z >= 0).
    inv_noise: f32,
}

impl Rule {
    pub fn new(o: &Owners) -> Rule {
        Rule {
            social: o.weight_social as f32,
            satisfaction: o.weight_satisfaction as f32,
            enforcement: (o.weight_enforcement * o.enforcement) as f32,
            trust: o.weight_trust as f32,
            afford: (o.weight_affordability / o.burden_tolerance) as f32,
            tolerance: o.burden_tolerance as f32,
            absence: [
                0.0,
                o.absent_owner_penalty as f32,
                o.vacant_owner_penalty as f32,
            ],
            inv_noise: if o.noise > 0.0 {
                (1.0 / o.noise) as f32
            } else {
                0.0
            },
        }
    }

    /// Payment propensity of owner `h`, given the share `share` of building neighbours who
    /// paid and the fee burden `burden` (fee / income; 0 where the owner does not live
    /// there). Branch-free: the affordability term is max(0, b - tol) and the absence
    /// penalty is looked up by occupancy.
    #[inline(always)]
    pub fn propensity(&self, h: &Household, share: f32, burden: f32) -> f32 {
        self.z_of(share, &self.terms_of(h, burden))
    }

    /// The absence penalty of an owner whose dwelling has occupancy `o` (an [`Occupancy`]
    /// as a number).
    #[inline(always)]
    fn absence(&self, o: u32) -> f32 {
        Occupancy::pick(o, &self.absence)
    }

    /// The propensity from its inputs: the one formula both [`Rule::propensity`] and the
    /// blocks of [`decide_building`] use. `gap` is satisfaction minus expectation.
    #[inline(always)]
    fn z(
        &self,
        share: f32,
        threshold: f32,
        gap: f32,
        trust: f32,
        burden: f32,
        absence: f32,
    ) -> f32 {
        self.z_of(share, &self.terms(threshold, gap, trust, burden, absence))
    }

    /// The terms of an owner's propensity that do not depend on the neighbours' share.
    #[inline(always)]
    pub fn terms(&self, threshold: f32, gap: f32, trust: f32, burden: f32, absence: f32) -> Terms {
        Terms {
            threshold,
            satisfaction: self.satisfaction * gap,
            trust: self.trust * (trust - 0.5),
            affordability: self.afford * (burden - self.tolerance).max(0.0),
            absence,
        }
    }

    /// The propensity at the neighbours' share `share` from an owner's [`Terms`], added in
    /// the order of the formula (module docs).
    #[inline(always)]
    pub fn z_of(&self, share: f32, t: &Terms) -> f32 {
        let mut z = self.social * (share - t.threshold);
        z += t.satisfaction;
        z += self.enforcement;
        z += t.trust;
        z -= t.affordability;
        z - t.absence
    }

    /// [`Rule::terms`] of owner `h` with the fee burden `burden`.
    #[inline(always)]
    pub fn terms_of(&self, h: &Household, burden: f32) -> Terms {
        self.terms(
            h.threshold,
            h.satisfaction - h.expectation,
            h.trust,
            burden,
            self.absence(h.occupancy as u32),
        )
    }

    /// Turns a propensity and a uniform draw into a decision: with noise 0, z >= 0;
    /// otherwise u < 1 / (1 + e^(-z / noise)), with e^x from [`exp_f32`].
    #[inline(always)]
    pub fn pays(&self, z: f32, u: f32) -> bool {
        if self.inv_noise == 0.0 {
            z >= 0.0
        } else {
            u * (1.0 + exp_f32(-z * self.inv_noise)) < 1.0
        }
    }

    /// [`Rule::pays`] for a block of propensities and draws at once: 1 where the owner pays.
    #[inline(always)]
    pub fn pays_block(&self, z: &[f32; BLOCK], u: &[f32; BLOCK]) -> [u32; BLOCK] {
        let mut out = [0; BLOCK];
        if self.inv_noise == 0.0 {
            for (o, z) in out.iter_mut().zip(z) {
                *o = u32::from(*z >= 0.0);
            }
        } else {
            let mut e = [0f32; BLOCK];
            for (e, z) in e.iter_mut().zip(z) {
                *e = exp_f32(-z * self.inv_noise);
            }
            for ((o, e), u) in out.iter_mut().zip(e).zip(u) {
                *o = u32::from(u * (1.0 + e) < 1.0);
            }
        }
        out
    }

    /// Probability that an owner of propensity `z` pays: the rule of [`Rule::pays`] as a
    /// probability.
    #[inline(always)]
    pub fn probability(&self, z: f32) -> f32 {
        if self.inv_noise == 0.0 {
            f32::from(u8::from(z >= 0.0))
        } else {
            1.0 / (1.0 + exp_f32(-z * self.inv_noise))
        }
    }
}

/// The terms of one owner's propensity that do not depend on the neighbours' share
/// ([`Rule::terms`]): each product is computed once, and [`Rule::z_of`] adds them in the
/// formula's order, so the propensity has the same bits however it is computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Terms {
    threshold: f32,
    /// w_sat x (S - E).
    satisfaction: f32,
    /// w_trust x (T - 0.5).
    trust: f32,
    /// w_afford / tol x max(0, b - tol).
    affordability: f32,
    absence: f32,
}

/// One month of payment decisions in one building, dwellings `building`, updated
/// synchronously: every owner reacts to what the others did last month. `fee` is the
/// monthly fee of a dwelling (RMB); `lanes` give the uniforms, a fresh block of [`BLOCK`]
/// for each [`BLOCK`] owners (every owner draws, paying or not, so draws stay aligned across
/// scenarios: common random numbers). An owner who does not pay loses `arrears_loss` of
/// trust, as [`pursue_arrears`] does (0 where nobody pursues). Returns the number of owners
/// who pay this month.
///
/// Owners are taken [`BLOCK`] at a time, field by field: their propensities, then the
/// exponentials of the block in one straight loop the compiler vectorises, then the
/// decisions. A block reads [`BLOCK`] dwellings whatever the building's size (the fields are
/// padded) and writes back only the building's.
#[inline(always)]
pub fn decide_building(
    rule: &Rule,
    fee: f32,
    hs: &mut Households,
    building: Range<usize>,
    lanes: &mut Lanes,
    arrears_loss: f32,
) -> u32 {
    let n = building.len();
    let before: u32 = hs.state[building.clone()]
        .iter()
        .map(|&s| (s >> bits::PAID_SHIFT) & 1)
        .sum();
    let others = (n.max(2) - 1) as f32;
    // The share of the others who paid is one of two values, by whether the owner paid.
    // In f32 like the thresholds, so a share equal to a threshold compares equal.
    let share_if_paid = before.saturating_sub(1) as f32 / others;
    let share_if_not = before as f32 / others;
    let mut after = 0;
    for start in building.clone().step_by(BLOCK) {
        let m = (building.end - start).min(BLOCK);
        let draws = lanes.next_block();
        let r = start..start + BLOCK;
        let threshold = load(&hs.threshold[r.clone()]);
        let satisfaction = load(&hs.satisfaction[r.clone()]);
        let expectation = load(&hs.expectation[r.clone()]);
        let trust = load(&hs.trust[r.clone()]);
        let income = load(&hs.income[r.clone()]);
        // Flags widened to 32 bits, so that every loop below runs on lanes of one width.
        let state = load(&hs.state[r.clone()]);
        let mut z = [0f32; BLOCK];
        for j in 0..BLOCK {
            let share = if state[j] & bits::PAID != 0 {
                share_if_paid
            } else {
                share_if_not
            };
            let occupancy = (state[j] >> bits::OCCUPANCY_SHIFT) & bits::TWO;
            let resident = occupancy == Occupancy::OwnerOccupied as u32;
            z[j] = rule.z(
                share,
                threshold[j],
                satisfaction[j] - expectation[j],
                trust[j],
                burden_of(resident, income[j], fee),
                rule.absence(occupancy),
            );
        }
        let pays = rule.pays_block(&z, &draws);
        let live = live(m);
        let mut counted = [0u32; BLOCK];
        let mut trust_after = [0f32; BLOCK];
        let mut state_after = [0u32; BLOCK];
        for j in 0..BLOCK {
            counted[j] = live[j] & pays[j];
            trust_after[j] = if pays[j] != 0 {
                trust[j]
            } else {
                pursued(trust[j], arrears_loss)
            };
            state_after[j] = (state[j] & !bits::PAID) | (pays[j] << bits::PAID_SHIFT);
        }
        after += counted.iter().sum::<u32>();
        store(&mut hs.state[r.clone()], &state_after, live);
        store(&mut hs.trust[r], &trust_after, live);
    }
    after
}

dispatch! {
/// The payment decisions of buildings `buildings` (indices into `building_start`) for one
/// month, building by building ([`decide_building`]); returns the payers. The payments
/// alone, for benchmarks and tests: the monthly schedule runs them fused with the
/// residents' step (`schedule::households_month`).
#[allow(clippy::too_many_arguments)]
pub fn decide_buildings(
    rule: &Rule,
    fee: f32,
    households: &mut Households,
    building_start: &[u32],
    buildings: std::ops::Range<usize>,
    lanes: &mut Lanes,
    arrears_loss: f32,
) -> u32 {
    let mut payers = 0;
    for b in buildings {
        let building = building_start[b] as usize..building_start[b + 1] as usize;
        payers += decide_building(rule, fee, households, building, lanes, arrears_loss);
    }
    payers
}
}

/// Fee burden of `h` for a monthly fee `fee` at start-of-run incomes (0 for absent owners).
#[inline(always)]
pub fn burden(h: &Household, fee: f32) -> f32 {
    burden_of(h.occupancy == Occupancy::OwnerOccupied, h.income, fee)
}

/// [`burden`] from its inputs: the fee over the income where the owner lives there.
#[inline(always)]
fn burden_of(resident: bool, income: f32, fee: f32) -> f32 {
    if resident { fee / income.max(1.0) } else { 0.0 }
}

/// The conflict cost of pursuing arrears (催缴): every owner of a managed compound who did
/// not pay this month loses `enforcement x enforcement_trust_loss` of trust. Returns the
/// owners in arrears.
pub fn pursue_arrears(o: &Owners, hs: &mut Households, range: Range<usize>) -> u32 {
    let loss = arrears_loss(o);
    let mut arrears = 0;
    for (trust, _) in hs.trust[range.clone()]
        .iter_mut()
        .zip(&hs.state[range])
        .filter(|(_, state)| **state & bits::PAID == 0)
    {
        *trust = pursued(*trust, loss);
        arrears += 1;
    }
    arrears
}

/// The trust of an owner in arrears after a month of pursuit costing `loss` (not below 0).
#[inline(always)]
fn pursued(trust: f32, loss: f32) -> f32 {
    (trust - loss).max(0.0)
}

/// The trust an owner in arrears loses in a month of pursuit.
pub fn arrears_loss(o: &Owners) -> f32 {
    (o.enforcement * o.enforcement_trust_loss) as f32
}

/// Incomes grow: the factor by which they have grown at `month` since the start.
pub fn income_factor(o: &Owners, month: u32) -> f64 {
    (1.0 + o.income_growth).powf(f64::from(month) / 12.0)
}

/// The payments of one compound in one month.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Payments {
    /// Owners who pay.
    pub payers: u32,
    /// What they pay, RMB, summed building by building.
    pub paid: f64,
}

impl Payments {
    /// Adds a managed compound's billing to the tally (unmanaged compounds bill nothing).
    pub fn record(&self, c: &Compound, price: f64, t: &mut Tally) {
        let n = c.households() as f64;
        t[Sum::FeesPaid] += self.paid;
        t[Sum::Billed] += n;
        t[Sum::Paid] += f64::from(self.payers);
        t[(c.kind, KindSum::Billed)] += n;
        t[(c.kind, KindSum::Paid)] += f64::from(self.payers);
        t[Sum::Price] += price * n;
    }
}

/// A resident owner with every motive but the neighbours' share neutral (satisfaction equal
/// to expectation, trust 0.5, a low fee burden): the agent of the pure threshold model.
pub fn neutral_owner(threshold: f32) -> Household {
    Household {
        satisfaction: 0.5,
        expectation: 0.5,
        threshold,
        trust: 0.5,
        income: 10_000.0,
        months_resident: 0,
        occupancy: Occupancy::OwnerOccupied,
        age: super::world::Age::Middle,
        vulnerable: false,
        paid: false,
        volunteer: false,
        party_member: false,
    }
}

/// The owners' rule reduced to Granovetter's pure threshold model: only the neighbours'
/// share counts (every other weight and the noise 0). Starts from the defaults on purpose.
pub fn pure_threshold_owners() -> Owners {
    Owners {
        weight_social: 1.0,
        weight_satisfaction: 0.0,
        weight_affordability: 0.0,
        weight_enforcement: 0.0,
        weight_trust: 0.0,
        noise: 0.0,
        ..crate::model::params::Params::default().owners
    }
}

/// Payers at the equilibrium of the pure threshold model (synchronous updating, one
/// building of [`neutral_owner`]s) for thresholds given as counts of the other owners;
/// `None` if none is reached in 1000 months. Used by tests and `shequ validate`.
pub fn threshold_cascade(thresholds_as_counts: &[u32]) -> Option<u32> {
    let n = thresholds_as_counts.len() as f32;
    let mut hs: Households = thresholds_as_counts
        .iter()
        .map(|&k| neutral_owner(k as f32 / (n - 1.0)))
        .collect();
    let building = 0..hs.len();
    let rule = Rule::new(&pure_threshold_owners());
    let mut lanes = Lanes::new(1, 0, 0, crate::model::rng::Stream::Fees);
    let mut last = u32::MAX;
    for _ in 0..1000 {
        let paid = decide_building(&rule, 100.0, &mut hs, building.clone(), &mut lanes, 0.0);
        if paid == last {
            return Some(paid);
        }
        last = paid;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::Params;
    use crate::model::rng::Stream;

    fn owner(threshold: f32) -> Household {
        neutral_owner(threshold)
    }

    fn cascade(thresholds_as_counts: &[u32]) -> u32 {
        threshold_cascade(thresholds_as_counts).expect("no equilibrium")
    }

    #[test]
    fn granovetter_uniform_thresholds_cascade_to_everyone() {
        let ks: Vec<u32> = (0..100).collect();
        assert_eq!(cascade(&ks), 100);
    }

    #[test]
    fn granovetter_one_changed_threshold_stops_the_cascade() {
        let mut ks: Vec<u32> = (0..100).collect();
        ks[1] = 2;
        assert_eq!(cascade(&ks), 1);
    }

    #[test]
    fn each_driver_moves_the_propensity_the_right_way() {
        let o = Params::default().owners;
        let propensity = |o: &Owners, h: &Household, share: f32, burden: f32| {
            Rule::new(o).propensity(h, share, burden)
        };
        let h = owner(0.5);
        let base = propensity(&o, &h, 0.5, 0.0);
        assert!(
            propensity(&o, &h, 0.9, 0.0) > base,
            "more neighbours paying"
        );
        let happier = Household {
            satisfaction: 0.8,
            ..h
        };
        assert!(propensity(&o, &happier, 0.5, 0.0) > base, "satisfaction");
        let demanding = Household {
            expectation: 0.8,
            ..h
        };
        assert!(propensity(&o, &demanding, 0.5, 0.0) < base, "expectation");
        let trusting = Household { trust: 0.9, ..h };
        assert!(propensity(&o, &trusting, 0.5, 0.0) > base, "trust");
        assert!(
            propensity(&o, &h, 0.5, 0.2) < base,
            "burden above tolerance"
        );
        assert_eq!(
            propensity(&o, &h, 0.5, 0.01),
            base,
            "burden within tolerance"
        );
        let rented = Household {
            occupancy: Occupancy::Rented,
            ..h
        };
        assert!(propensity(&o, &rented, 0.5, 0.0) < base, "absent owner");
        let mut strict = o.clone();
        strict.enforcement = 0.9;
        assert!(propensity(&strict, &h, 0.5, 0.0) > base, "enforcement");
    }

    #[test]
    fn logistic_decision_has_the_logistic_rate() {
        let mut lanes = Lanes::new(5, 0, 0, Stream::Fees);
        let mut o = Params::default().owners;
        o.noise = 0.2;
        let rule = Rule::new(&o);
        let z = 0.3f32;
        let n = 200_000;
        let paid = (0..n / BLOCK as u32)
            .flat_map(|_| lanes.next_block())
            .filter(|&u| rule.pays(z, u))
            .count() as f64
            / f64::from(n);
        let expected = 1.0 / (1.0 + (-0.3f64 / 0.2).exp());
        assert!((paid - expected).abs() < 0.005, "{paid} vs {expected}");
        assert!((f64::from(rule.probability(z)) - expected).abs() < 1e-6);
        // Without noise the rule is the threshold z >= 0, whatever the draw.
        o.noise = 0.0;
        let sharp = Rule::new(&o);
        assert!(sharp.pays(0.0, 0.99));
        assert!(!sharp.pays(-1e-12, 0.0));
        assert_eq!(sharp.probability(0.0), 1.0);
        assert_eq!(sharp.probability(-1e-12), 0.0);
    }
}
