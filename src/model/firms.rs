//! Property-management firms (物业企业): accounts, staffing, quality, withdrawal (退管),
//! entry into unmanaged compounds, and owners' votes on the price.

use rand::RngExt;

use super::fees;
use super::kind::CompoundKind;
use super::metrics::{KindSum, Sum, Tally};
use super::params::{Kind, Params};
use super::rates::{HOURS_PER_MONTH, beta_mean_sd, monthly};
use super::rng::Rng;
use super::simd::dispatch;
use super::world::{Compound, Dwellings, Firm, Household};

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

/// Owners of compound `c` (its `households`) who would pay, in expectation, after a year of
/// a service of quality `quality` at fee `price`: each owner's payment probability (§7.3)
/// with satisfaction set to `quality`, iterated twelve months building by building from
/// this month's payments (conditional cooperation spreads or unravels).
pub fn assessed_payers(
    p: &Params,
    c: &Compound,
    households: Dwellings<'_>,
    price: f64,
    quality: f64,
    fx: &Factors,
) -> f64 {
    let o = &p.owners;
    let rule = fees::Rule::new(o);
    let fee = (price * c.floor_area / fx.income) as f32;
    let per = p.kind(c.kind).households_per_building.max(1) as usize;
    let mut total = 0.0;
    let (mut owners, mut pay) = (Vec::with_capacity(per), Vec::with_capacity(per));
    for b in households.chunks(per) {
        let others = (b.len().max(2) - 1) as f64;
        // What does not change over the year, once per owner (the same bits as computing
        // the whole propensity every month).
        owners.clear();
        owners.extend(b.iter().map(|h| {
            let served = Household {
                satisfaction: quality as f32,
                ..h
            };
            rule.terms_of(&served, fees::burden(&h, fee))
        }));
        pay.clear();
        pay.extend(b.iter().map(|h| f64::from(u8::from(h.paid))));
        for _ in 0..12 {
            let sum: f64 = pay.iter().sum();
            year_month(&rule, &owners, &mut pay, sum, others);
        }
        total += pay.iter().sum::<f64>();
    }
    total
}

dispatch! {
/// One month of [`assessed_payers`]' year in one building: each owner's payment probability
/// at the share of the others who paid, `sum` being last month's expected payers.
fn year_month(
    rule: &fees::Rule,
    owners: &[fees::Terms],
    pay: &mut [f64],
    sum: f64,
    others: f64,
) {
    for (t, q) in owners.iter().zip(pay.iter_mut()) {
        let share = ((sum - *q) / others) as f32;
        *q = f64::from(rule.probability(rule.z_of(share, t)));
    }
}
}

/// Whether `firm` would take compound `c` at fee `price`: the assessed payers' fees plus the
/// purchase's margin cover its full standard costs (and the cost of pursuing the rest) at
/// `entry_required_margin`. Returns the assessed payers too.
fn viable(
    p: &Params,
    c: &Compound,
    households: Dwellings<'_>,
    firm: &Firm,
    price: f64,
    fx: &Factors,
) -> (bool, f64) {
    let pr = &p.property;
    let n = c.households();
    let q = (firm.capability + renovation_gain(p, c)).min(1.0);
    let payers = assessed_payers(p, c, households, price, q, fx);
    let (_, work_cost) = purchased_work(p, n, fx);
    let o = &p.owners;
    let arrears = n as f64 - payers;
    let pursuit = o.enforcement * o.enforcement_firm_cost * arrears * fx.staff_cost;
    let revenue = payers * price * c.floor_area + pr.government_purchase * n as f64;
    let cost = running_cost(p, c, firm, firm.staff, fx) + work_cost + pursuit;
    let ok = revenue > 0.0 && (revenue - cost) / revenue >= pr.entry_required_margin;
    (ok, payers)
}

/// The markup at which `candidate` takes compound `c` (now at fee `price`): the current one
/// if it is viable there; else, with an owners' committee, the first step of
/// vote_price_step up to vote_max_price_factor at which it is viable and a majority of
/// owners would pay; `None` if there is none.
fn agreed_markup(
    p: &Params,
    c: &Compound,
    households: Dwellings<'_>,
    candidate: &Firm,
    price: f64,
    fx: &Factors,
) -> Option<f64> {
    let pr = &p.property;
    let n = c.households() as f64;
    let mut markup = c.price_markup;
    loop {
        let at = price * markup / c.price_markup;
        let (ok, payers) = viable(p, c, households, candidate, at, fx);
        if ok && (markup == c.price_markup || 2.0 * payers > n) {
            return Some(markup);
        }
        let next = (markup * (1.0 + pr.vote_price_step)).min(pr.vote_max_price_factor);
        if !c.owners_committee || next <= markup {
            return None;
        }
        markup = next;
    }
}

/// An unmanaged compound may be assessed by a firm: by chance `entry_rate` a year, or
/// `tender_rate` when it has an owners' committee (which invites tenders), or for sure when
/// its firm was removed by the star rating. The candidate assesses the payers it would get
/// under its own service ([`assessed_payers`]) and enters when they, plus the purchase's
/// margin, cover full standard staffing at the required margin; a committee may agree a
/// markup (steps of vote_price_step up to vote_max_price_factor) that a majority of owners
/// would pay. A committee whose tender fails may manage the compound itself
/// (`self_management`). Returns whether a firm entered.
pub fn consider_entry(
    p: &Params,
    c: &mut Compound,
    households: Dwellings<'_>,
    price: f64,
    fx: &Factors,
    rng: &mut Rng,
) -> bool {
    let pr = &p.property;
    let u: f64 = rng.random();
    let kind = c.kind;
    // The candidate's capability is drawn whether or not it enters, to keep streams aligned.
    let candidate = new_firm(p, kind, c.households(), c.floor_area, fx, rng);
    let assessed = c.tender_due || u < fx.assessment[usize::from(c.owners_committee)];
    if c.firm.is_some() || !assessed {
        return false;
    }
    c.tender_due = false;
    let barred = pr.star_rating && candidate.capability < pr.star_rating_entry_bar;
    let agreed = if barred {
        None
    } else {
        agreed_markup(p, c, households, &candidate, price, fx)
    };
    let standard = standard_staff(p.kind(kind), c.households());
    if let Some(markup) = agreed {
        c.price_markup = markup;
        serve(p, c, candidate, standard);
        return true;
    }
    if c.owners_committee && pr.self_management {
        let body = Firm {
            capability: pr.self_management_quality,
            self_managed: true,
            reserves: 0.0,
            ..candidate
        };
        c.price_markup = pr.self_management_fee_factor;
        serve(p, c, body, standard);
    }
    false
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
mod tests {
    use super::*;
    use crate::model::world::{Community, Firm, Households, Occupancy};

    /// Dwellings as a community stores them.
    fn view(hs: &[Household]) -> Households {
        hs.iter().copied().collect()
    }

    /// The firms' factors of `month` under `p`.
    fn at(p: &Params, month: u32) -> Factors {
        Factors::new(p, month)
    }

    /// [`consider_entry`] for dwellings held as values.
    fn entry(
        p: &Params,
        c: &mut Compound,
        hs: &[Household],
        price: f64,
        fx: &Factors,
        rng: &mut Rng,
    ) -> bool {
        consider_entry(p, c, view(hs).all(), price, fx, rng)
    }

    fn occupied(hs: &[Household]) -> usize {
        hs.iter()
            .filter(|h| h.occupancy != Occupancy::Vacant)
            .count()
    }

    fn managed_compound(p: &Params) -> (Compound, Vec<Household>) {
        let mut seed = 0;
        loop {
            let c = Community::generate(p, seed, 0, 0);
            if let Some(comp) = c
                .compounds
                .iter()
                .find(|x| x.kind == CompoundKind::NewEstate && x.firm.is_some())
            {
                let hs = c
                    .households
                    .view(comp.first_household as usize..comp.end_household as usize)
                    .iter()
                    .collect();
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
        assert!((firm_cost(&p, &c, staff, &at(&p, ten)) - expected).abs() < 1e-6);
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
        let m = operate(&p, &mut c, price, n, &at(&p, 1));
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
            let m = operate(&p, &mut c, price, 0, &at(&p, months));
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
        // Owners who expect far more than any firm gives, none paying: none would pay it.
        for h in hs.iter_mut() {
            h.expectation = 1.0;
        }
        let price = fee_price(&p, &c, 1);
        let fx = at(&p, 1);
        assert!(!entry(&p, &mut c, &hs, price, &fx, &mut rng));
        assert!(c.firm.is_none());
        // Owners content with what a firm gives, all paying: the firm is covered.
        for h in hs.iter_mut() {
            h.paid = true;
            h.expectation = 0.3;
        }
        assert!(entry(&p, &mut c, &hs, price, &fx, &mut rng));
        assert!(c.firm.is_some());
    }

    #[test]
    fn owners_assess_a_better_service_as_worth_paying_more_often() {
        let p = Params::default();
        let (c, mut hs) = managed_compound(&p);
        for (i, h) in hs.iter_mut().enumerate() {
            h.paid = i % 3 == 0;
            h.satisfaction = 0.1;
        }
        let price = fee_price(&p, &c, 1);
        let low = assessed_payers(&p, &c, view(&hs).all(), price, 0.2, &at(&p, 1));
        let high = assessed_payers(&p, &c, view(&hs).all(), price, 0.7, &at(&p, 1));
        assert!(high > low, "{low} vs {high}");
        assert!(high <= hs.len() as f64 && low >= 0.0);
        // A higher fee (more burden) never raises them.
        assert!(
            assessed_payers(&p, &c, view(&hs).all(), price * 3.0, 0.7, &at(&p, 1)) <= high + 1e-9
        );
    }

    #[test]
    fn pursuing_arrears_costs_more_with_more_enforcement_and_costs_payers_nothing() {
        let mut p = Params::default();
        let (c, mut hs) = managed_compound(&p);
        let n = c.households() as u32;
        let price = fee_price(&p, &c, 1);
        let cost_at = |p: &Params, payers: u32| {
            let mut c = c.clone();
            operate(p, &mut c, price, payers, &at(p, 1))
        };
        let weak = cost_at(&p, n / 2);
        assert!(weak.enforcement_firm > 0.0 && weak.enforcement_public > 0.0);
        assert_eq!(cost_at(&p, n).enforcement_firm, 0.0, "nobody in arrears");
        p.owners.enforcement = 0.8;
        let strict = cost_at(&p, n / 2);
        assert!(strict.enforcement_firm > weak.enforcement_firm);
        assert!(strict.enforcement_public > weak.enforcement_public);
        assert!(
            (strict.cost - weak.cost - (strict.enforcement_firm - weak.enforcement_firm)).abs()
                < 1e-6
        );
        // The conflict cost: only owners in arrears lose trust, more under stricter pursuit.
        for (i, h) in hs.iter_mut().enumerate() {
            h.paid = i % 2 == 0;
            h.trust = 0.6;
        }
        let mut all = view(&hs);
        let arrears = fees::pursue_arrears(&p.owners, &mut all, 0..hs.len());
        hs = all.iter().collect();
        assert_eq!(arrears as usize, hs.len() / 2);
        for (i, h) in hs.iter().enumerate() {
            if i % 2 == 0 {
                assert_eq!(h.trust, 0.6);
            } else {
                assert!(h.trust < 0.6);
            }
        }
    }

    #[test]
    fn purchased_services_buy_hours_at_wage_cost_and_leave_only_a_margin() {
        let mut p = Params::default();
        let (mut c, _) = managed_compound(&p);
        let n = c.households();
        let price = fee_price(&p, &c, 1);
        let without = operate(&p, &mut c.clone(), price, n as u32, &at(&p, 1));
        p.property.government_purchase = 10.0;
        let with = operate(&p, &mut c, price, n as u32, &at(&p, 1));
        let purchase = 10.0 * n as f64;
        assert!((with.revenue - without.revenue - purchase).abs() < 1e-6);
        let work = with.cost - without.cost;
        assert!(work > 0.0 && work < purchase, "work {work} of {purchase}");
        let (hours, cost) = purchased_work(&p, n, &at(&p, 1));
        assert!((with.purchased_hours - hours).abs() < 1e-9 && (work - cost).abs() < 1e-6);
        // Hours at the price: purchase / price per hour.
        assert!(
            (hours - purchase / p.property.purchase_price_per_hour / staff_cost_factor(&p, 1))
                .abs()
                < 1e-9
        );
    }

    #[test]
    fn quasi_property_serves_unmanaged_compounds_at_a_public_cost() {
        let mut p = Params::default();
        let (mut c, _) = managed_compound(&p);
        c.firm = None;
        let off = operate(&p, &mut c, 1.0, 0, &at(&p, 1));
        assert_eq!(c.quality, p.property.unmanaged_quality);
        assert_eq!(off.lever_public, 0.0);
        p.property.quasi_property = true;
        let on = operate(&p, &mut c, 1.0, 0, &at(&p, 1));
        assert_eq!(c.quality, p.property.quasi_property_quality);
        assert!(on.lever_public > 0.0);
    }

    #[test]
    fn committees_form_only_in_occupied_compounds_two_years_old() {
        let mut p = Params::default();
        p.property.committee_formation_rate = 1.0;
        let (mut c, mut hs) = managed_compound(&p);
        let mut rng = crate::model::rng::stream(1, 0, 0, crate::model::rng::Stream::Governance);
        c.owners_committee = false;
        c.age_months = 0;
        assert!(
            !governance(&p, &mut c, occupied(&hs), &mut rng, &at(&p, 1)).committee_formed,
            "too young"
        );
        c.age_months = 30;
        for h in hs.iter_mut() {
            h.occupancy = Occupancy::Vacant;
        }
        assert!(
            !governance(&p, &mut c, occupied(&hs), &mut rng, &at(&p, 1)).committee_formed,
            "empty"
        );
        for h in hs.iter_mut() {
            h.occupancy = Occupancy::OwnerOccupied;
        }
        assert!(governance(&p, &mut c, occupied(&hs), &mut rng, &at(&p, 1)).committee_formed);
        assert!(c.owners_committee);
    }

    #[test]
    fn a_committee_that_finds_no_firm_may_manage_itself() {
        let mut p = Params::default();
        p.property.star_rating = true;
        p.property.star_rating_entry_bar = 1.0; // no firm can enter
        let (mut c, hs) = managed_compound(&p);
        c.firm = None;
        c.owners_committee = true;
        c.tender_due = true;
        let mut rng = crate::model::rng::stream(1, 0, 0, crate::model::rng::Stream::Firms);
        let price = fee_price(&p, &c, 1);
        let fx = at(&p, 1);
        assert!(!entry(&p, &mut c, &hs, price, &fx, &mut rng));
        assert!(c.firm.is_none(), "self-management is off");
        p.property.self_management = true;
        c.tender_due = true;
        assert!(!entry(&p, &mut c, &hs, price, &fx, &mut rng));
        let body = c.firm.expect("self-managed");
        assert!(body.self_managed);
        assert_eq!(c.price_markup, p.property.self_management_fee_factor);
        // It costs less than a firm with the same staff.
        let firm = Firm {
            self_managed: false,
            ..body
        };
        assert!(
            running_cost(&p, &c, &body, body.staff, &fx)
                < running_cost(&p, &c, &firm, body.staff, &fx)
        );
    }

    #[test]
    fn star_rating_removes_firms_rated_lowest_two_years_running() {
        let mut p = Params::default();
        let (mut c, mut hs) = managed_compound(&p);
        for h in hs.iter_mut() {
            h.satisfaction = 0.05;
        }
        c.quality = 0.1;
        let rate =
            |p: &Params, c: &mut Compound, month| star_rating(p, c, view(&hs).all(), &at(p, month));
        assert_eq!(rate(&p, &mut c, 12), (false, 0.0), "off");
        p.property.star_rating = true;
        let (removed, cost) = rate(&p, &mut c, 12);
        assert!(!removed && cost > 0.0);
        assert!(!rate(&p, &mut c, 13).0, "only once a year");
        assert!(rate(&p, &mut c, 24).0);
        assert!(c.firm.is_none() && c.tender_due);
    }

    #[test]
    fn renovation_cuts_other_costs_raises_quality_and_books_its_capital_cost() {
        let mut p = Params::default();
        p.property.renovation_rate = 1.0;
        let mut seed = 0;
        let (mut c, hs) = loop {
            let comm = Community::generate(&p, seed, 0, 0);
            if let Some(x) = comm
                .compounds
                .iter()
                .find(|x| x.kind == CompoundKind::OldCompound && x.firm.is_some())
            {
                let hs: Vec<Household> = comm
                    .households
                    .view(x.first_household as usize..x.end_household as usize)
                    .iter()
                    .collect();
                break (x.clone(), hs);
            }
            seed += 1;
        };
        let firm = c.firm.unwrap();
        let before = running_cost(&p, &c, &firm, firm.staff, &at(&p, 1));
        let mut rng = crate::model::rng::stream(1, 0, 0, crate::model::rng::Stream::Governance);
        let g = governance(&p, &mut c, occupied(&hs), &mut rng, &at(&p, 1));
        assert!(c.renovated);
        let capital =
            p.property.renovation_cost_per_household * hs.len() as f64 * other_cost_factor(&p, 1);
        assert!((g.renovation_cost - capital).abs() < 1e-6);
        assert!(running_cost(&p, &c, &firm, firm.staff, &at(&p, 1)) < before);
        let price = fee_price(&p, &c, 1);
        let n = c.households() as u32;
        operate(&p, &mut c, price, n, &at(&p, 1));
        let f = c.firm.unwrap();
        let plain = quality(
            f.capability,
            f.staff,
            standard_staff(p.kind(c.kind), c.households()),
            p.property.quality_staff_elasticity,
        );
        assert!(c.quality > plain);
        assert!(
            !governance(&p, &mut c, occupied(&hs), &mut rng, &at(&p, 2))
                .renovation_cost
                .is_nan()
        );
        assert_eq!(
            governance(&p, &mut c, occupied(&hs), &mut rng, &at(&p, 3)).renovation_cost,
            0.0,
            "once"
        );
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
        assert!(!owners_vote(&p, &mut c, view(&hs).all(), 12));
        c.owners_committee = true;
        assert!(
            !owners_vote(&p, &mut c, view(&hs).all(), 7),
            "only in vote months"
        );
        assert!(owners_vote(&p, &mut c, view(&hs).all(), 12));
        assert!((c.price_markup - 1.1).abs() < 1e-12);
        for h in hs.iter_mut() {
            h.satisfaction = 0.2;
        }
        assert!(!owners_vote(&p, &mut c, view(&hs).all(), 24));
    }
}
