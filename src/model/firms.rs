//! Property-management firms (物业企业): accounts, staffing, quality, withdrawal (退管),
//! entry into unmanaged compounds, and owners' votes on the price.

use rand::RngExt;

use super::kind::CompoundKind;
use super::metrics::{KindSum, Sum, Tally};
use super::params::{Kind, Params};
use super::rates::beta_mean_sd;
use super::rng::Rng;
use super::world::{Compound, Firm, Household};

/// Standard staff of a compound of `n` households of kind `k`.
pub fn standard_staff(k: &Kind, n: usize) -> f64 {
    k.staff_per_100_households * n as f64 / 100.0
}

/// Growth factor at `month` of a firm employee's cost: the city wage's growth
/// (`workforce.wage_growth`) times `staff_wage_tracking`, and any extra `cost_growth`.
pub fn staff_cost_factor(p: &Params, month: u32) -> f64 {
    let pr = &p.property;
    let g = (1.0 + pr.staff_wage_tracking * p.workforce.wage_growth) * (1.0 + pr.cost_growth);
    g.powf(f64::from(month) / 12.0)
}

/// Growth factor at `month` of a firm's other costs (energy, lifts, materials): the price
/// index (`price_index_growth`) and any extra `cost_growth`.
pub fn other_cost_factor(p: &Params, month: u32) -> f64 {
    let pr = &p.property;
    ((1.0 + pr.price_index_growth) * (1.0 + pr.cost_growth)).powf(f64::from(month) / 12.0)
}

/// The cost index the price bureau reviews for compounds of `kind`: the cost of a fully
/// staffed dwelling of the kind at `month` relative to month 0 (staff and other costs
/// weighted by the kind's own cost structure).
pub fn cost_index(p: &Params, kind: CompoundKind, month: u32) -> f64 {
    let k = p.kind(kind);
    let staff = k.staff_per_100_households / 100.0 * p.property.staff_monthly_cost;
    let other = k.other_cost_per_m2 * k.floor_area_m2;
    if staff + other <= 0.0 {
        return other_cost_factor(p, month);
    }
    (staff * staff_cost_factor(p, month) + other * other_cost_factor(p, month)) / (staff + other)
}

/// The guided price of `kind` at `month` relative to month 0. The price bureau (价格主管部门)
/// reviews it every `price_review_interval_months` (the last review was at month 0): review j
/// at month j x interval raises it by `price_review_pass_through` x the growth of the kind's
/// cost index since review j - 1, from `price_review_lag_months` later on; times the optional
/// drift `guided_price_growth`. A pure function of (params, kind, month).
pub fn guided_level(p: &Params, kind: CompoundKind, month: u32) -> f64 {
    let pr = &p.property;
    let interval = pr.price_review_interval_months.max(1);
    let mut level = 1.0;
    let mut review = interval;
    while review.saturating_add(pr.price_review_lag_months) <= month {
        let growth = cost_index(p, kind, review) / cost_index(p, kind, review - interval);
        level *= (1.0 + pr.price_review_pass_through * (growth - 1.0)).max(0.0);
        review += interval;
    }
    level * (1.0 + pr.guided_price_growth).powf(f64::from(month) / 12.0)
}

/// Fee per m2 per month of a compound at `month`
/// (guided price x review level x kind factor x service grade x owners' markup). The
/// schedule computes it once per compound-month and hands it to [`operate`] and
/// [`consider_entry`].
pub fn fee_price(p: &Params, c: &Compound, month: u32) -> f64 {
    p.property.guided_price
        * guided_level(p, c.kind, month)
        * p.kind(c.kind).price_factor
        * c.grade
        * c.price_markup
}

/// Monthly cost of a firm with `staff` in a compound of `n` dwellings of `floor_area` m2 of
/// kind `kind` at `month`: staff wages (growing with the city wage) plus other costs per m2
/// (growing with the price index).
fn cost_of(
    p: &Params,
    kind: CompoundKind,
    n: usize,
    floor_area: f64,
    staff: f64,
    month: u32,
) -> f64 {
    let k = p.kind(kind);
    staff * p.property.staff_monthly_cost * staff_cost_factor(p, month)
        + k.other_cost_per_m2 * floor_area * n as f64 * other_cost_factor(p, month)
}

/// Monthly cost of a firm with `staff` in compound `c` at `month`.
pub fn firm_cost(p: &Params, c: &Compound, staff: f64, month: u32) -> f64 {
    cost_of(p, c.kind, c.households(), c.floor_area, staff, month)
}

/// A firm starting in a compound of `n` households at `month`, fully staffed,
/// with capability drawn for the kind and reserves of `initial_reserve_months`.
pub fn new_firm(
    p: &Params,
    kind: CompoundKind,
    n: usize,
    floor_area: f64,
    month: u32,
    rng: &mut Rng,
) -> Firm {
    let k = p.kind(kind);
    let capability = beta_mean_sd(rng, k.capability_mean, p.property.capability_sd);
    let staff = standard_staff(k, n);
    Firm {
        capability,
        staff,
        reserves: p.property.initial_reserve_months * cost_of(p, kind, n, floor_area, staff, month),
        loss_streak: 0,
    }
}

/// What happened to a compound's firm this month.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FirmMonth {
    /// Fees collected (RMB).
    pub fee_revenue: f64,
    /// Fees plus government-purchased services (RMB).
    pub revenue: f64,
    pub cost: f64,
    pub withdrew: bool,
    /// A firm entered the (unmanaged) compound.
    pub entered: bool,
    /// The owners' committee voted a price rise.
    pub price_rose: bool,
}

impl FirmMonth {
    /// Adds compound `c`'s month (after its firm's month, entry and vote) to the tally.
    pub fn record(&self, c: &Compound, t: &mut Tally) {
        let managed = f64::from(u8::from(c.firm.is_some()));
        t[(c.kind, KindSum::Compounds)] += 1.0;
        t[Sum::Entries] += f64::from(u8::from(self.entered));
        t[Sum::PriceRises] += f64::from(u8::from(self.price_rose));
        t[Sum::FeeRevenue] += self.fee_revenue;
        t[Sum::PurchaseCost] += self.revenue - self.fee_revenue;
        t[Sum::Revenue] += self.revenue;
        t[Sum::Cost] += self.cost;
        t[Sum::Exits] += f64::from(u8::from(self.withdrew));
        t[Sum::Managed] += managed;
        t[(c.kind, KindSum::Managed)] += managed;
        t[Sum::Quality] += c.quality * c.households() as f64;
    }
}

/// Service quality of a managed compound: capability x (staff / standard)^elasticity, in [0, 1].
pub fn quality(capability: f64, staff: f64, standard: f64, elasticity: f64) -> f64 {
    if standard <= 0.0 {
        return capability.clamp(0.0, 1.0);
    }
    (capability * (staff / standard).max(0.0).powf(elasticity)).clamp(0.0, 1.0)
}

/// `firm` serves compound `c` (of `standard` staff) this month, at the quality it can give.
fn serve(c: &mut Compound, firm: Firm, standard: f64, elasticity: f64) {
    c.quality = quality(firm.capability, firm.staff, standard, elasticity);
    c.firm = Some(firm);
}

/// A firm's month in its compound at fee `price` (RMB/m2/month): collect the fees of the
/// `payers`, pay costs, resize staff, update quality, and withdraw after persistent losses
/// with reserves used up.
pub fn operate(p: &Params, c: &mut Compound, price: f64, payers: u32, month: u32) -> FirmMonth {
    let pr = &p.property;
    let k = p.kind(c.kind);
    let n = c.households();
    let Some(mut firm) = c.firm else {
        c.quality = pr.unmanaged_quality;
        return FirmMonth::default();
    };
    let fee = price * c.floor_area;
    let fee_revenue = f64::from(payers) * fee;
    let revenue = fee_revenue + pr.government_purchase * n as f64;
    let cost = firm_cost(p, c, firm.staff, month);
    let profit = revenue - cost;
    // Profits above the cap are paid out: a firm does not bank years of surplus in one compound.
    firm.reserves = (firm.reserves + profit).min(pr.reserve_cap_months * cost);
    firm.loss_streak = if profit < 0.0 {
        firm.loss_streak + 1
    } else {
        0
    };
    if profit >= 0.0 {
        firm.capability = (firm.capability + pr.capability_growth / 12.0).min(1.0);
    }

    // Staff the revenue can carry at the target margin.
    let standard = standard_staff(k, n);
    let wage = pr.staff_monthly_cost * staff_cost_factor(p, month);
    let other = firm_cost(p, c, 0.0, month);
    let affordable = ((revenue * (1.0 - pr.target_margin) - other) / wage).max(0.0);
    let floor = pr.min_staff_share * standard;
    if affordable < firm.staff {
        firm.staff = (firm.staff * (1.0 - pr.staff_cut_rate))
            .max(affordable)
            .max(floor);
    } else if firm.staff < standard {
        firm.staff = (firm.staff + pr.staff_rehire_rate * standard)
            .min(affordable)
            .min(standard);
    }
    let withdrew = firm.loss_streak >= pr.withdraw_after_loss_months && firm.reserves < 0.0;
    if withdrew {
        c.firm = None;
        c.quality = pr.unmanaged_quality;
    } else {
        serve(c, firm, standard, pr.quality_staff_elasticity);
    }
    FirmMonth {
        fee_revenue,
        revenue,
        cost,
        withdrew,
        entered: false,
        price_rose: false,
    }
}

/// An unmanaged compound may be assessed by a firm (chance `entry_rate` a year). The firm
/// enters when the owners now willing to pay the fee `price` (RMB/m2/month), plus purchased
/// services, would cover full standard staffing at the required margin. Returns whether it
/// entered.
pub fn consider_entry(
    p: &Params,
    c: &mut Compound,
    households: &[Household],
    price: f64,
    month: u32,
    rng: &mut Rng,
) -> bool {
    let pr = &p.property;
    let u: f64 = rng.random();
    let kind = c.kind;
    // The candidate's capability is drawn whether or not it enters, to keep streams aligned.
    let candidate = new_firm(p, kind, c.households(), c.floor_area, month, rng);
    if c.firm.is_some() || u >= 1.0 - (1.0 - pr.entry_rate).powf(1.0 / 12.0) {
        return false;
    }
    let willing = households.iter().filter(|h| h.paid).count() as f64;
    let revenue = willing * price * c.floor_area + pr.government_purchase * c.households() as f64;
    let cost = firm_cost(p, c, candidate.staff, month);
    if revenue <= 0.0 || (revenue - cost) / revenue < pr.entry_required_margin {
        return false;
    }
    let standard = standard_staff(p.kind(kind), c.households());
    serve(c, candidate, standard, pr.quality_staff_elasticity);
    true
}

/// Owners' committee vote on a price rise asked by a losing firm: passes when a majority of
/// owners are at least `vote_satisfaction_needed` satisfied. Returns whether the price rose.
pub fn owners_vote(p: &Params, c: &mut Compound, households: &[Household], month: u32) -> bool {
    let pr = &p.property;
    let losing = matches!(c.firm, Some(f) if f.loss_streak > 0);
    if !c.owners_committee || !losing || month % pr.vote_interval_months != 0 {
        return false;
    }
    let yes = households
        .iter()
        .filter(|h| f64::from(h.satisfaction) >= pr.vote_satisfaction_needed)
        .count();
    if 2 * yes <= households.len() {
        return false;
    }
    let raised = (c.price_markup * (1.0 + pr.vote_price_step)).min(pr.vote_max_price_factor);
    let changed = raised > c.price_markup;
    c.price_markup = raised;
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::world::{Community, Firm};

    fn managed_compound(p: &Params) -> (Compound, Vec<Household>) {
        let mut seed = 0;
        loop {
            let c = Community::generate(p, seed, 0, 0);
            if let Some(comp) = c
                .compounds
                .iter()
                .find(|x| x.kind == CompoundKind::NewEstate && x.firm.is_some())
            {
                let hs = c.households[comp.first_household as usize..comp.end_household as usize]
                    .to_vec();
                return (comp.clone(), hs);
            }
            seed += 1;
        }
    }

    /// The guided price steps only in the month a review takes effect (review month + lag),
    /// each time by the pass-through share of the cost index's growth since the last review.
    #[test]
    fn guided_price_steps_after_each_review_by_the_pass_through_share() {
        let mut p = Params::default();
        p.property.price_review_interval_months = 36;
        p.property.price_review_lag_months = 7;
        p.property.price_review_pass_through = 0.6;
        p.property.guided_price_growth = 0.0;
        for kind in CompoundKind::ALL {
            let mut level = 1.0;
            let mut steps = 0;
            for m in 0..=240u32 {
                let now = guided_level(&p, kind, m);
                let in_force = m >= 7 && (m - 7) % 36 == 0 && m >= 36 + 7;
                if in_force {
                    let review = m - 7;
                    let growth = cost_index(&p, kind, review) / cost_index(&p, kind, review - 36);
                    assert!(growth > 1.0, "costs grow");
                    let expected = level * (1.0 + 0.6 * (growth - 1.0));
                    assert!(
                        (now - expected).abs() < 1e-12,
                        "month {m}: {now} vs {expected}"
                    );
                    steps += 1;
                } else {
                    assert_eq!(now, level, "month {m}: no step outside review months");
                }
                level = now;
            }
            assert_eq!(steps, (240 - 7) / 36);
            // Pass-through below 1: the price falls behind the cost index.
            assert!(level < cost_index(&p, kind, 240));
        }
        // Full pass-through, yearly, no lag: the price is the cost index at the last review.
        p.property.price_review_interval_months = 12;
        p.property.price_review_lag_months = 0;
        p.property.price_review_pass_through = 1.0;
        for m in [12, 24, 120] {
            let (l, c) = (
                guided_level(&p, CompoundKind::NewEstate, m),
                cost_index(&p, CompoundKind::NewEstate, m),
            );
            assert!((l - c).abs() < 1e-9, "month {m}: {l} vs {c}");
        }
        // No pass-through: the price stands still; the optional drift still applies.
        p.property.price_review_pass_through = 0.0;
        assert_eq!(guided_level(&p, CompoundKind::OldCompound, 200), 1.0);
        p.property.guided_price_growth = 0.02;
        assert!(
            (guided_level(&p, CompoundKind::OldCompound, 120) - 1.02f64.powi(10)).abs() < 1e-12
        );
    }

    /// Staff cost grows at wage growth x tracking; other costs with the price index; the
    /// optional cost_growth multiplies both.
    #[test]
    fn staff_cost_follows_the_city_wage_times_tracking() {
        let mut p = Params::default();
        p.workforce.wage_growth = 0.06;
        p.property.staff_wage_tracking = 0.5;
        p.property.price_index_growth = 0.02;
        p.property.cost_growth = 0.0;
        let ten = 120;
        assert!((staff_cost_factor(&p, ten) - 1.03f64.powi(10)).abs() < 1e-12);
        assert!((other_cost_factor(&p, ten) - 1.02f64.powi(10)).abs() < 1e-12);
        p.property.staff_wage_tracking = 1.0;
        let wage_ratio = crate::model::workforce::average_wage(&p.workforce, ten)
            / crate::model::workforce::average_wage(&p.workforce, 0);
        assert!(
            (staff_cost_factor(&p, ten) - wage_ratio).abs() < 1e-9,
            "full tracking = the city wage"
        );
        p.property.cost_growth = 0.01;
        assert!((other_cost_factor(&p, ten) - (1.02f64 * 1.01).powi(10)).abs() < 1e-12);
        // A firm's cost splits into the two parts.
        let (c, _) = managed_compound(&p);
        let staff = 3.0;
        let expected = staff * p.property.staff_monthly_cost * staff_cost_factor(&p, ten)
            + p.kinds[0].other_cost_per_m2
                * c.floor_area
                * c.households() as f64
                * other_cost_factor(&p, ten);
        assert!((firm_cost(&p, &c, staff, ten) - expected).abs() < 1e-6);
    }

    #[test]
    fn quality_follows_staff_and_capability() {
        assert_eq!(quality(0.6, 10.0, 10.0, 1.0), 0.6);
        assert!((quality(0.6, 5.0, 10.0, 1.0) - 0.3).abs() < 1e-12);
        assert_eq!(quality(0.6, 5.0, 10.0, 0.0), 0.6);
        assert_eq!(quality(2.0, 10.0, 10.0, 1.0), 1.0);
    }

    #[test]
    fn full_payment_is_profitable_and_keeps_staff() {
        let p = Params::default();
        let (mut c, _) = managed_compound(&p);
        let n = c.households() as u32;
        let before = c.firm.unwrap();
        let price = fee_price(&p, &c, 1);
        let m = operate(&p, &mut c, price, n, 1);
        assert!(m.revenue > m.cost, "{m:?}");
        let after = c.firm.unwrap();
        assert_eq!(after.loss_streak, 0);
        assert!(after.staff >= before.staff - 1e-9);
        assert!((m.fee_revenue - f64::from(n) * fee_price(&p, &c, 1) * c.floor_area).abs() < 1e-6);
    }

    #[test]
    fn shortfall_cuts_staff_to_the_floor_then_the_firm_withdraws() {
        let p = Params::default();
        let (mut c, _) = managed_compound(&p);
        let standard = standard_staff(&p.kinds[0], c.households());
        let mut months = 0;
        let mut last_staff = c.firm.unwrap().staff;
        while c.firm.is_some() {
            months += 1;
            let price = fee_price(&p, &c, months);
            let m = operate(&p, &mut c, price, 0, months);
            assert!(m.cost > m.revenue);
            if let Some(f) = c.firm {
                assert!(
                    f.staff <= last_staff + 1e-9,
                    "staff never rises while losing"
                );
                assert!(f.staff >= p.property.min_staff_share * standard - 1e-9);
                last_staff = f.staff;
            }
            assert!(months < 200, "never withdrew");
        }
        assert!(months >= p.property.withdraw_after_loss_months);
        assert_eq!(c.quality, p.property.unmanaged_quality);
    }

    #[test]
    fn a_firm_enters_only_where_willing_owners_cover_its_costs() {
        let mut p = Params::default();
        p.property.entry_rate = 1.0;
        let (mut c, mut hs) = managed_compound(&p);
        c.firm = None;
        let mut rng = crate::model::rng::stream(1, 0, 0, crate::model::rng::Stream::Firms);
        for h in hs.iter_mut() {
            h.paid = false;
        }
        let price = fee_price(&p, &c, 1);
        assert!(!consider_entry(&p, &mut c, &hs, price, 1, &mut rng));
        for h in hs.iter_mut() {
            h.paid = true;
        }
        assert!(consider_entry(&p, &mut c, &hs, price, 1, &mut rng));
        assert!(c.firm.is_some());
    }

    #[test]
    fn owners_vote_raises_price_only_with_a_committee_and_a_satisfied_majority() {
        let p = Params::default();
        let (mut c, mut hs) = managed_compound(&p);
        c.firm = Some(Firm {
            loss_streak: 3,
            ..c.firm.unwrap()
        });
        for h in hs.iter_mut() {
            h.satisfaction = 0.9;
        }
        c.owners_committee = false;
        assert!(!owners_vote(&p, &mut c, &hs, 12));
        c.owners_committee = true;
        assert!(!owners_vote(&p, &mut c, &hs, 7), "only in vote months");
        assert!(owners_vote(&p, &mut c, &hs, 12));
        assert!((c.price_markup - 1.1).abs() < 1e-12);
        for h in hs.iter_mut() {
            h.satisfaction = 0.2;
        }
        assert!(!owners_vote(&p, &mut c, &hs, 24));
    }
}
