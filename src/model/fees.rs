//! Owners' fee payment (业主缴费): conditional cooperation within a building, plus
//! satisfaction against expectation, ability to pay, enforcement and trust.
//!
//! Propensity z = w_social (s - theta) + w_sat (S - E) + w_enf * enforcement
//!              + w_trust (T - 0.5) - w_afford * max(0, b - tol) / tol - absence penalty,
//! where s is the share of the other dwellings in the building whose owners paid last month.
//! With noise 0 the owner pays iff z >= 0; otherwise with probability 1 / (1 + e^(-z / noise)).
//! With every weight but w_social at 0, noise 0 and every owner resident (or both absence
//! penalties 0) this is Granovetter's (1978) threshold model.

use rand::RngExt;

use super::metrics::{KindSum, Sum, Tally};
use super::params::Owners;
use super::rng::Rng;
use super::world::{Compound, Household, Occupancy};

/// Payment propensity of one owner, given the share `share` of building neighbours who paid
/// and the fee burden `burden` (fee / income; 0 where the owner does not live there).
#[inline]
pub fn propensity(o: &Owners, h: &Household, share: f64, burden: f64) -> f64 {
    let mut z = o.weight_social * (share - f64::from(h.threshold));
    z += o.weight_satisfaction * (f64::from(h.satisfaction) - f64::from(h.expectation));
    z += o.weight_enforcement * o.enforcement;
    z += o.weight_trust * (f64::from(h.trust) - 0.5);
    let excess = burden - o.burden_tolerance;
    if excess > 0.0 {
        z -= o.weight_affordability * excess / o.burden_tolerance;
    }
    match h.occupancy {
        Occupancy::OwnerOccupied => z,
        Occupancy::Rented => z - o.absent_owner_penalty,
        Occupancy::Vacant => z - o.vacant_owner_penalty,
    }
}

/// Turns a propensity and a uniform draw into a decision.
#[inline]
pub fn decide(z: f64, noise: f64, u: f64) -> bool {
    if noise <= 0.0 {
        z >= 0.0
    } else {
        u * (1.0 + (-z / noise).exp()) < 1.0
    }
}

/// One month of payment decisions in one building, updated synchronously: every owner
/// reacts to what the others did last month. `fee` is the monthly fee of a dwelling (RMB).
/// Returns the number of owners who pay this month.
pub fn decide_building(o: &Owners, fee: f64, hs: &mut [Household], rng: &mut Rng) -> u32 {
    let n = hs.len();
    let before: u32 = hs.iter().map(|h| u32::from(h.paid)).sum();
    let others = (n.max(2) - 1) as f32;
    let mut after = 0;
    for h in hs.iter_mut() {
        // Computed in f32 like the thresholds, so a share equal to a threshold compares equal.
        let share = f64::from((before - u32::from(h.paid)) as f32 / others);
        let z = propensity(o, h, share, burden(h, fee));
        // Always draw, so streams stay aligned across scenarios (common random numbers).
        let u: f64 = rng.random();
        h.paid = decide(z, o.noise, u);
        after += u32::from(h.paid);
    }
    after
}

/// Probability that an owner of propensity `z` pays: the rule of [`decide`] as a probability.
#[inline]
pub fn pay_probability(z: f64, noise: f64) -> f64 {
    if noise <= 0.0 {
        f64::from(u8::from(z >= 0.0))
    } else {
        1.0 / (1.0 + (-z / noise).exp())
    }
}

/// Fee burden of `h` for a monthly fee `fee` at start-of-run incomes (0 for absent owners).
#[inline]
pub fn burden(h: &Household, fee: f64) -> f64 {
    if h.occupancy == Occupancy::OwnerOccupied {
        fee / f64::from(h.income.max(1.0))
    } else {
        0.0
    }
}

/// The conflict cost of pursuing arrears (催缴): every owner of a managed compound who did
/// not pay this month loses `enforcement x enforcement_trust_loss` of trust. Returns the
/// owners in arrears.
pub fn pursue_arrears(o: &Owners, hs: &mut [Household]) -> u32 {
    let loss = (o.enforcement * o.enforcement_trust_loss) as f32;
    let mut arrears = 0;
    for h in hs.iter_mut().filter(|h| !h.paid) {
        h.trust = (h.trust - loss).max(0.0);
        arrears += 1;
    }
    arrears
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

/// One month of payment decisions in compound `c` at fee `price` (RMB/m2/month), building by
/// building. `households` are the community's; `building_start` its building offsets. The
/// burden is the fee deflated to start-of-run incomes (`income_factor`).
pub fn collect(
    o: &Owners,
    c: &Compound,
    price: f64,
    income_factor: f64,
    households: &mut [Household],
    building_start: &[u32],
    rng: &mut Rng,
) -> Payments {
    let fee = price * c.floor_area / income_factor;
    let mut out = Payments::default();
    for b in c.first_building as usize..c.end_building as usize {
        let hs = &mut households[building_start[b] as usize..building_start[b + 1] as usize];
        let n = decide_building(o, fee, hs, rng);
        out.payers += n;
        // Owners' payments, building by building (the firm books them all at once).
        out.paid += f64::from(n) * price * c.floor_area;
    }
    out
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
    let mut hs: Vec<Household> = thresholds_as_counts
        .iter()
        .map(|&k| neutral_owner(k as f32 / (n - 1.0)))
        .collect();
    let o = pure_threshold_owners();
    let mut rng = crate::model::rng::stream(1, 0, 0, crate::model::rng::Stream::Fees);
    let mut last = u32::MAX;
    for _ in 0..1000 {
        let paid = decide_building(&o, 100.0, &mut hs, &mut rng);
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
    use crate::model::rng::{Stream, stream};

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
        let mut rng = stream(5, 0, 0, Stream::Fees);
        let (z, noise) = (0.3, 0.2);
        let n = 200_000;
        let paid = (0..n).filter(|_| decide(z, noise, rng.random())).count() as f64 / n as f64;
        let expected = 1.0 / (1.0 + (-z / noise).exp());
        assert!((paid - expected).abs() < 0.005, "{paid} vs {expected}");
        assert!(decide(0.0, 0.0, 0.99));
        assert!(!decide(-1e-12, 0.0, 0.0));
    }
}
