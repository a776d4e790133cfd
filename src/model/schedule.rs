//! The monthly schedule of one community, in a fixed order, and what it observes.
//!
//! Order within a month: (1) residents move, update satisfaction from last month's service,
//! raise expectations, revert trust; (2) owners decide to pay, building by building,
//! reacting to last month's neighbours; (3) firms collect, pay, resize staff, set this
//! month's quality, and may withdraw; (4) unmanaged compounds may attract a firm;
//! (5) owners' committees may vote on a price rise. Communities do not interact within a
//! month, so the experiment layer may run them in parallel.

use super::fees;
use super::firms;
use super::params::Params;
use super::residents;
use super::world::{Community, fee_price};

/// Raw sums of one community in one month; added across communities in a fixed order,
/// then turned into rates by [`Tally::metrics`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub households: f64,
    /// Dwellings in managed compounds (fees billed).
    pub billed: f64,
    /// Billed dwellings whose owner paid.
    pub paid: f64,
    /// Sum over households of their compound's quality.
    pub quality_sum: f64,
    pub satisfaction_sum: f64,
    pub expectation_sum: f64,
    pub trust_sum: f64,
    pub compounds: f64,
    pub managed: f64,
    pub exits: f64,
    pub entries: f64,
    pub fee_revenue: f64,
    pub revenue: f64,
    pub cost: f64,
    /// Sum over billed dwellings of the fee price.
    pub price_sum: f64,
    pub moves: f64,
    pub price_rises: f64,
    /// Per compound kind: compounds, managed compounds, billed dwellings, paying owners.
    pub kind_compounds: [f64; 3],
    pub kind_managed: [f64; 3],
    pub kind_billed: [f64; 3],
    pub kind_paid: [f64; 3],
}

impl Tally {
    pub fn add(&mut self, o: &Tally) {
        self.households += o.households;
        self.billed += o.billed;
        self.paid += o.paid;
        self.quality_sum += o.quality_sum;
        self.satisfaction_sum += o.satisfaction_sum;
        self.expectation_sum += o.expectation_sum;
        self.trust_sum += o.trust_sum;
        self.compounds += o.compounds;
        self.managed += o.managed;
        self.exits += o.exits;
        self.entries += o.entries;
        self.fee_revenue += o.fee_revenue;
        self.revenue += o.revenue;
        self.cost += o.cost;
        self.price_sum += o.price_sum;
        self.moves += o.moves;
        self.price_rises += o.price_rises;
        for k in 0..3 {
            self.kind_compounds[k] += o.kind_compounds[k];
            self.kind_managed[k] += o.kind_managed[k];
            self.kind_billed[k] += o.kind_billed[k];
            self.kind_paid[k] += o.kind_paid[k];
        }
    }

    /// The metrics of [`METRICS`], in that order.
    pub fn metrics(&self) -> [f64; N_METRICS] {
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        [
            ratio(self.paid, self.billed),
            ratio(self.quality_sum, self.households),
            ratio(self.satisfaction_sum, self.households),
            ratio(self.expectation_sum, self.households),
            ratio(self.managed, self.compounds),
            self.exits,
            self.entries,
            ratio(self.revenue - self.cost, self.revenue),
            ratio(self.price_sum, self.billed),
            ratio(self.trust_sum, self.households),
            self.compounds - self.managed,
            self.fee_revenue,
            self.households,
            ratio(self.moves, self.households),
            self.price_rises,
            ratio(self.kind_paid[0], self.kind_billed[0]),
            ratio(self.kind_paid[1], self.kind_billed[1]),
            ratio(self.kind_paid[2], self.kind_billed[2]),
            ratio(self.kind_managed[0], self.kind_compounds[0]),
            ratio(self.kind_managed[1], self.kind_compounds[1]),
            ratio(self.kind_managed[2], self.kind_compounds[2]),
        ]
    }
}

/// Number of metrics per month.
pub const N_METRICS: usize = 21;

/// Metric column names with their meaning and unit, in output order.
pub const METRICS: [(&str, &str); N_METRICS] = [
    (
        "fee_collection_rate",
        "share of billed dwellings (managed compounds) whose owner paid this month",
    ),
    (
        "service_quality",
        "household-weighted mean service quality, 0-1 (unmanaged compounds count at their basic level)",
    ),
    (
        "owner_satisfaction",
        "mean owner satisfaction with property service, 0-1",
    ),
    ("owner_expectation", "mean service level owners expect, 0-1"),
    ("managed_share", "share of compounds with a property firm"),
    ("firm_exits", "firms that withdrew (退管) this month, count"),
    (
        "firm_entries",
        "firms that entered an unmanaged compound this month, count",
    ),
    (
        "firm_profit_margin",
        "(revenue - cost) / revenue over all firms this month",
    ),
    (
        "mean_fee_price",
        "mean fee over billed dwellings, RMB/m2/month",
    ),
    ("trust", "mean trust in community and government, 0-1"),
    ("unmanaged_compounds", "compounds without a firm, count"),
    ("fee_revenue", "fees collected this month, RMB"),
    ("households", "households, count"),
    (
        "move_rate",
        "share of dwellings whose occupant changed this month",
    ),
    (
        "price_rises",
        "owners' votes that raised a price this month, count",
    ),
    (
        "fee_collection_rate_new_estate",
        "fee_collection_rate in new commodity estates",
    ),
    (
        "fee_collection_rate_old_compound",
        "fee_collection_rate in old compounds",
    ),
    (
        "fee_collection_rate_resettlement",
        "fee_collection_rate in resettlement estates",
    ),
    (
        "managed_share_new_estate",
        "managed_share of new commodity estates",
    ),
    (
        "managed_share_old_compound",
        "managed_share of old compounds",
    ),
    (
        "managed_share_resettlement",
        "managed_share of resettlement estates",
    ),
];

/// Index of a metric by name.
pub fn metric_index(name: &str) -> Option<usize> {
    METRICS.iter().position(|(n, _)| *n == name)
}

/// Runs month `month` (1-based) of one community and returns its tally.
pub fn step(p: &Params, c: &mut Community, month: u32) -> Tally {
    let mut t = Tally {
        households: c.len() as f64,
        compounds: c.compounds.len() as f64,
        ..Tally::default()
    };
    let Community {
        households,
        building_start,
        compounds,
        residents_rng,
        fees_rng,
        firms_rng,
        ..
    } = c;
    for comp in compounds.iter_mut() {
        let k = &p.kinds[comp.kind as usize];
        let range = comp.first_household as usize..comp.end_household as usize;
        // (1) residents
        t.moves += f64::from(residents::step_compound(
            p,
            k,
            comp.quality,
            month,
            &mut households[range.clone()],
            residents_rng,
        ));
        // (2) payment decisions, building by building
        let price = fee_price(p, comp, month);
        let fee = price * comp.floor_area;
        let mut payers = 0;
        for b in comp.first_building as usize..comp.end_building as usize {
            let hs = &mut households[building_start[b] as usize..building_start[b + 1] as usize];
            payers += fees::decide_building(&p.owners, fee, hs, fees_rng);
        }
        // (3) the firm's month, (4) entry, (5) vote
        let managed_before = comp.firm.is_some();
        let m = firms::operate(p, comp, payers, month);
        let hs = &households[range];
        let kind = comp.kind as usize;
        t.kind_compounds[kind] += 1.0;
        if managed_before {
            t.billed += comp.households() as f64;
            t.paid += f64::from(payers);
            t.kind_billed[kind] += comp.households() as f64;
            t.kind_paid[kind] += f64::from(payers);
            t.price_sum += price * comp.households() as f64;
        } else if firms::consider_entry(p, comp, hs, month, firms_rng) {
            t.entries += 1.0;
        }
        if firms::owners_vote(p, comp, hs, month) {
            t.price_rises += 1.0;
        }
        t.fee_revenue += m.fee_revenue;
        t.revenue += m.revenue;
        t.cost += m.cost;
        t.exits += f64::from(u8::from(m.withdrew));
        t.managed += f64::from(u8::from(comp.firm.is_some()));
        t.kind_managed[kind] += f64::from(u8::from(comp.firm.is_some()));
        let n = comp.households() as f64;
        t.quality_sum += comp.quality * n;
        for h in hs {
            t.satisfaction_sum += f64::from(h.satisfaction);
            t.expectation_sum += f64::from(h.expectation);
            t.trust_sum += f64::from(h.trust);
        }
    }
    t
}
