//! Tests of the firms' prices, accounts, staffing, entry, votes, rating and governance.

use super::*;
use crate::model::world::{Community, Firm, Household, Households, Occupancy};

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

/// The first compound of `kind` with a firm, from community 0 of seeds 0, 1, 2, ...
fn managed_compound(p: &Params, kind: CompoundKind) -> (Compound, Vec<Household>) {
    let mut seed = 0;
    loop {
        let c = Community::generate(p, seed, 0, 0);
        if let Some(comp) = c
            .compounds
            .iter()
            .find(|x| x.kind == kind && x.firm.is_some())
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
    assert!((guided_level(&p, CompoundKind::OldCompound, 120) - 1.02f64.powi(10)).abs() < 1e-12);
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
    let (c, _) = managed_compound(&p, CompoundKind::NewEstate);
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
    let (mut c, _) = managed_compound(&p, CompoundKind::NewEstate);
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
    let (mut c, _) = managed_compound(&p, CompoundKind::NewEstate);
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
    let (mut c, mut hs) = managed_compound(&p, CompoundKind::NewEstate);
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
    let (c, mut hs) = managed_compound(&p, CompoundKind::NewEstate);
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
    assert!(assessed_payers(&p, &c, view(&hs).all(), price * 3.0, 0.7, &at(&p, 1)) <= high + 1e-9);
}

#[test]
fn pursuing_arrears_costs_more_with_more_enforcement_and_costs_payers_nothing() {
    let mut p = Params::default();
    let (c, mut hs) = managed_compound(&p, CompoundKind::NewEstate);
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
        (strict.cost - weak.cost - (strict.enforcement_firm - weak.enforcement_firm)).abs() < 1e-6
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
    let (mut c, _) = managed_compound(&p, CompoundKind::NewEstate);
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
        (hours - purchase / p.property.purchase_price_per_hour / staff_cost_factor(&p, 1)).abs()
            < 1e-9
    );
}

#[test]
fn quasi_property_serves_unmanaged_compounds_at_a_public_cost() {
    let mut p = Params::default();
    let (mut c, _) = managed_compound(&p, CompoundKind::NewEstate);
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
    let (mut c, mut hs) = managed_compound(&p, CompoundKind::NewEstate);
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
    let (mut c, hs) = managed_compound(&p, CompoundKind::NewEstate);
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
        running_cost(&p, &c, &body, body.staff, &fx) < running_cost(&p, &c, &firm, body.staff, &fx)
    );
}

#[test]
fn star_rating_removes_firms_rated_lowest_two_years_running() {
    let mut p = Params::default();
    let (mut c, mut hs) = managed_compound(&p, CompoundKind::NewEstate);
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
    let (mut c, hs) = managed_compound(&p, CompoundKind::OldCompound);
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
    let (mut c, mut hs) = managed_compound(&p, CompoundKind::NewEstate);
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
