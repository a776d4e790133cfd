//! Entry into unmanaged compounds: a candidate firm assesses the payers it would get and the
//! price owners would agree, and enters, or a committee manages the compound itself.

use rand::RngExt;

use super::{
    Factors, new_firm, purchased_work, renovation_gain, running_cost, serve, standard_staff,
};
use crate::model::fees;
use crate::model::params::Params;
use crate::model::rng::Rng;
use crate::model::simd::dispatch;
use crate::model::world::{Compound, Dwellings, Firm, Household};

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
