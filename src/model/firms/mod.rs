//! Property-management firms (物业企业): accounts, staffing, quality, withdrawal (退管),
//! entry into unmanaged compounds, and owners' votes on the price.

use rand::RngExt;

use super::fees;
use super::kind::CompoundKind;
use super::metrics::{KindSum, Sum, Tally};
use super::params::{Kind, Params};
use super::rates::{HOURS_PER_MONTH, beta_mean_sd, monthly};
use super::rng::Rng;
use super::world::{Compound, Dwellings, Firm};

mod entry;
pub use entry::{assessed_payers, consider_entry};

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

/// What the firms' rules take from (params, month) alone, computed once per month by
/// [`Factors::new`] with the very expressions of the direct functions (so bit for bit the
/// same values), instead of a few `powf`s per compound: the cost growth factors, the guided
/// price level of each kind, the owners' income factor, and monthly chances from annual
/// rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Factors {
    pub month: u32,
    /// [`staff_cost_factor`].
    pub staff_cost: f64,
    /// [`other_cost_factor`].
    pub other_cost: f64,
    /// [`guided_level`] of each kind, by [`CompoundKind::index`].
    pub guided_level: [f64; CompoundKind::COUNT],
    /// [`fees::income_factor`].
    pub income: f64,
    /// Monthly chance that an unmanaged compound is assessed by a firm, without and with an
    /// owners' committee (`entry_rate`; the larger of it and `tender_rate`).
    pub assessment: [f64; 2],
    /// Monthly chance of `committee_formation_rate`.
    pub committee_formation: f64,
    /// Monthly chance of `renovation_rate`.
    pub renovation: f64,
}

impl Factors {
    /// The factors of `month` under `p` (the parameters in force that month).
    pub fn new(p: &Params, month: u32) -> Factors {
        let pr = &p.property;
        Factors {
            month,
            staff_cost: staff_cost_factor(p, month),
            other_cost: other_cost_factor(p, month),
            guided_level: CompoundKind::ALL.map(|kind| guided_level(p, kind, month)),
            income: fees::income_factor(&p.owners, month),
            assessment: [
                monthly(pr.entry_rate),
                monthly(pr.entry_rate.max(pr.tender_rate)),
            ],
            committee_formation: monthly(pr.committee_formation_rate),
            renovation: monthly(pr.renovation_rate),
        }
    }
}

/// Fee per m2 per month of a compound at `month`
/// (guided price x review level x kind factor x service grade x owners' markup).
pub fn fee_price(p: &Params, c: &Compound, month: u32) -> f64 {
    price_at_level(p, c, guided_level(p, c.kind, month))
}

/// [`fee_price`] at the month of `fx`. The schedule computes it once per compound-month
/// and hands it to [`operate`] and [`consider_entry`].
pub fn fee_price_at(p: &Params, fx: &Factors, c: &Compound) -> f64 {
    price_at_level(p, c, fx.guided_level[c.kind.index()])
}

/// The fee of compound `c` at guided price level `level`.
fn price_at_level(p: &Params, c: &Compound, level: f64) -> f64 {
    p.property.guided_price * level * p.kind(c.kind).price_factor * c.grade * c.price_markup
}

/// Monthly cost of a firm with `staff` in a compound of `n` dwellings of `floor_area` m2 of
/// kind `kind` at the month of `fx`: staff wages (growing with the city wage) plus other
/// costs per m2 (growing with the price index).
fn cost_of(
    p: &Params,
    kind: CompoundKind,
    n: usize,
    floor_area: f64,
    staff: f64,
    fx: &Factors,
) -> f64 {
    let k = p.kind(kind);
    staff * p.property.staff_monthly_cost * fx.staff_cost
        + k.other_cost_per_m2 * floor_area * n as f64 * fx.other_cost
}

/// Monthly cost of a firm with `staff` in compound `c` at the month of `fx`.
pub fn firm_cost(p: &Params, c: &Compound, staff: f64, fx: &Factors) -> f64 {
    cost_of(p, c.kind, c.households(), c.floor_area, staff, fx)
}

/// A firm starting in a compound of `n` households at the month of `fx`,
/// with capability drawn for the kind and reserves of `initial_reserve_months`.
pub fn new_firm(
    p: &Params,
    kind: CompoundKind,
    n: usize,
    floor_area: f64,
    fx: &Factors,
    rng: &mut Rng,
) -> Firm {
    let k = p.kind(kind);
    let capability = beta_mean_sd(rng, k.capability_mean, p.property.capability_sd);
    let staff = standard_staff(k, n);
    Firm {
        capability,
        staff,
        reserves: p.property.initial_reserve_months * cost_of(p, kind, n, floor_area, staff, fx),
        loss_streak: 0,
        self_managed: false,
        low_ratings: 0,
    }
}

/// Months since the first move-in of a compound of kind `kind` at the start of the run,
/// uniform within the kind's range: new estates 0-10 years, old compounds 20-40,
/// resettlement estates 5-20 (assumption; only whether a compound is past 24 months matters).
pub fn initial_age_months(kind: CompoundKind, rng: &mut Rng) -> u32 {
    let (lo, hi) = match kind {
        CompoundKind::NewEstate => (0.0, 120.0),
        CompoundKind::OldCompound => (240.0, 480.0),
        CompoundKind::Resettlement => (60.0, 240.0),
    };
    (lo + (hi - lo) * rng.random::<f64>()) as u32
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
    /// Hours of purchased public-service work the firm performed.
    pub purchased_hours: f64,
    /// Collection and legal cost of pursuing arrears, borne by the firm (in `cost`), RMB.
    pub enforcement_firm: f64,
    /// Public cost of mediation and courts for arrears, RMB.
    pub enforcement_public: f64,
    /// Public cost of quasi-property service, star rating and renovation capital, RMB.
    pub lever_public: f64,
    /// The firm was removed by the star rating.
    pub removed: bool,
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
        t[Sum::PurchasedHours] += self.purchased_hours;
        t[Sum::EnforcementFirmCost] += self.enforcement_firm;
        t[Sum::EnforcementPublicCost] += self.enforcement_public;
        t[Sum::PropertyLeverCost] += self.lever_public;
        t[Sum::Removals] += f64::from(u8::from(self.removed));
        t[Sum::Committees] += f64::from(u8::from(c.owners_committee));
        t[Sum::SelfManaged] += f64::from(u8::from(matches!(c.firm, Some(f) if f.self_managed)));
        t[Sum::Renovated] += f64::from(u8::from(c.renovated));
    }
}

/// Service quality of a managed compound: capability x (staff / standard)^elasticity, in [0, 1].
pub fn quality(capability: f64, staff: f64, standard: f64, elasticity: f64) -> f64 {
    if standard <= 0.0 {
        return capability.clamp(0.0, 1.0);
    }
    (capability * (staff / standard).max(0.0).powf(elasticity)).clamp(0.0, 1.0)
}

/// Quality a renovated compound adds to whatever service it gets.
fn renovation_gain(p: &Params, c: &Compound) -> f64 {
    if c.renovated {
        p.property.renovation_quality_gain
    } else {
        0.0
    }
}

/// Service of a compound with neither firm nor self-management: quasi-property service
/// when that lever is on, else the street's basic level; plus any renovation gain.
pub fn unmanaged_level(p: &Params, c: &Compound) -> f64 {
    let pr = &p.property;
    let base = if pr.quasi_property {
        pr.quasi_property_quality
    } else {
        pr.unmanaged_quality
    };
    (base + renovation_gain(p, c)).min(1.0)
}

/// `firm` serves compound `c` (of `standard` staff) this month, at the quality it can give.
fn serve(p: &Params, c: &mut Compound, firm: Firm, standard: f64) {
    let q = quality(
        firm.capability,
        firm.staff,
        standard,
        p.property.quality_staff_elasticity,
    );
    c.quality = (q + renovation_gain(p, c)).min(1.0);
    c.firm = Some(firm);
}

/// Share of a firm's staff and other costs that the manager of `c` pays: 1 for a firm,
/// `self_management_cost_share` for a self-managing committee.
fn cost_scale(p: &Params, firm: &Firm) -> f64 {
    if firm.self_managed {
        p.property.self_management_cost_share
    } else {
        1.0
    }
}

/// Running cost of the manager `firm` of `c` with `staff` at the month of `fx`: staff plus
/// other costs, less the renovation saving on other costs, times the manager's cost scale.
fn running_cost(p: &Params, c: &Compound, firm: &Firm, staff: f64, fx: &Factors) -> f64 {
    let other = firm_cost(p, c, 0.0, fx);
    let saving = if c.renovated {
        p.property.renovation_other_cost_cut * other
    } else {
        0.0
    };
    (firm_cost(p, c, staff, fx) - saving) * cost_scale(p, firm)
}

/// Hours of public-service work the purchase of `c` buys at the month of `fx`, and the
/// firm's wage cost of performing them (RMB): hours = purchase / price per hour, at the
/// staff wage of 160 hours a month.
pub fn purchased_work(p: &Params, n: usize, fx: &Factors) -> (f64, f64) {
    let pr = &p.property;
    let f = fx.staff_cost;
    let purchase = pr.government_purchase * n as f64;
    let hours = purchase / (pr.purchase_price_per_hour * f);
    (hours, hours * pr.staff_monthly_cost * f / HOURS_PER_MONTH)
}

/// A firm's month in its compound at fee `price` (RMB/m2/month): collect the fees of the
/// `payers`, pay costs (staff, other, arrears pursuit, purchased work), resize staff, update
/// quality, and withdraw after persistent losses with reserves used up. A compound without
/// a firm gets its unmanaged level (and, with quasi-property service, its public cost).
pub fn operate(p: &Params, c: &mut Compound, price: f64, payers: u32, fx: &Factors) -> FirmMonth {
    let pr = &p.property;
    let k = p.kind(c.kind);
    let n = c.households();
    let f = fx.staff_cost;
    let Some(mut firm) = c.firm else {
        c.quality = unmanaged_level(p, c);
        let quasi = if pr.quasi_property {
            pr.quasi_property_cost * n as f64 * f
        } else {
            0.0
        };
        return FirmMonth {
            lever_public: quasi,
            ..FirmMonth::default()
        };
    };
    let fee = price * c.floor_area;
    let fee_revenue = f64::from(payers) * fee;
    // Purchased services go to firms only; a self-managing committee is not a contractor.
    let (purchased_hours, work_cost) = if firm.self_managed {
        (0.0, 0.0)
    } else {
        purchased_work(p, n, fx)
    };
    let revenue = fee_revenue
        + if firm.self_managed {
            0.0
        } else {
            pr.government_purchase * n as f64
        };
    // Pursuit of arrears: effort `enforcement` on every owner who did not pay.
    let arrears = n.saturating_sub(payers as usize) as f64;
    let o = &p.owners;
    let enforcement_firm = o.enforcement * o.enforcement_firm_cost * arrears * f;
    let enforcement_public = o.enforcement * o.enforcement_public_cost * arrears * f;
    let cost = running_cost(p, c, &firm, firm.staff, fx) + work_cost + enforcement_firm;
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

    // Staff the revenue (net of purchased work and pursuit) can carry at the target margin.
    let standard = standard_staff(k, n);
    let scale = cost_scale(p, &firm);
    let wage = pr.staff_monthly_cost * f * scale;
    let other = running_cost(p, c, &firm, 0.0, fx);
    let net = revenue - work_cost - enforcement_firm;
    let affordable = ((net * (1.0 - pr.target_margin) - other) / wage).max(0.0);
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
        if firm.self_managed {
            c.price_markup = 1.0;
        }
        c.firm = None;
        c.quality = unmanaged_level(p, c);
    } else {
        serve(p, c, firm, standard);
    }
    FirmMonth {
        fee_revenue,
        revenue,
        cost,
        withdrew,
        purchased_hours,
        enforcement_firm,
        enforcement_public,
        ..FirmMonth::default()
    }
}

/// Owners' committee vote on a price rise asked by a losing firm: passes when a majority of
/// owners are at least `vote_satisfaction_needed` satisfied. Returns whether the price rose.
pub fn owners_vote(p: &Params, c: &mut Compound, households: Dwellings<'_>, month: u32) -> bool {
    let pr = &p.property;
    let losing = matches!(c.firm, Some(f) if f.loss_streak > 0 && !f.self_managed);
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

/// Annual star rating (星级评价, with `star_rating` on, in month 12, 24, ...): a firm's score
/// is the mean of its service quality and its owners' mean satisfaction; a score below
/// `star_rating_removal_score` two years running removes the firm, and the compound tenders
/// next month. Returns (removed, the month's public cost of the rating for this compound).
pub fn star_rating(
    p: &Params,
    c: &mut Compound,
    households: Dwellings<'_>,
    fx: &Factors,
) -> (bool, f64) {
    let pr = &p.property;
    if !pr.star_rating {
        return (false, 0.0);
    }
    let month = fx.month;
    let cost = pr.star_rating_cost_per_compound * fx.staff_cost;
    let Some(mut firm) = c.firm.filter(|f| !f.self_managed) else {
        return (false, cost);
    };
    if month % 12 != 0 || households.is_empty() {
        return (false, cost);
    }
    let satisfaction = households
        .iter()
        .map(|h| f64::from(h.satisfaction))
        .sum::<f64>()
        / households.len() as f64;
    let score = 0.5 * (c.quality + satisfaction);
    firm.low_ratings = if score < pr.star_rating_removal_score {
        firm.low_ratings + 1
    } else {
        0
    };
    if firm.low_ratings >= 2 {
        c.firm = None;
        c.quality = unmanaged_level(p, c);
        c.tender_due = true;
        return (true, cost);
    }
    c.firm = Some(firm);
    (false, cost)
}

/// What the compound's governance did this month.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Governance {
    /// An owners' committee formed.
    pub committee_formed: bool,
    /// Public capital cost of a renovation done this month, RMB.
    pub renovation_cost: f64,
}

/// The compound ages a month; an eligible compound without an owners' committee (at least
/// half its dwellings occupied, at least 24 months old) forms one with chance
/// `committee_formation_rate` a year; an old compound not yet renovated is renovated with
/// chance `renovation_rate` a year. Both uniforms are drawn every month for every compound,
/// to keep the stream aligned. `occupied` is the number of dwellings occupied this month
/// (the residents' step counts them).
pub fn governance(
    p: &Params,
    c: &mut Compound,
    occupied: usize,
    rng: &mut Rng,
    fx: &Factors,
) -> Governance {
    let pr = &p.property;
    let u_committee: f64 = rng.random();
    let u_renovation: f64 = rng.random();
    c.age_months += 1;
    let mut g = Governance::default();
    let households = c.households();
    let eligible = 2 * occupied >= households && c.age_months >= 24;
    if !c.owners_committee && eligible && u_committee < fx.committee_formation {
        c.owners_committee = true;
        g.committee_formed = true;
    }
    if c.kind == CompoundKind::OldCompound && !c.renovated && u_renovation < fx.renovation {
        c.renovated = true;
        g.renovation_cost = pr.renovation_cost_per_household * households as f64 * fx.other_cost;
    }
    g
}

#[cfg(test)]
mod tests;
