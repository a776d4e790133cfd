//! The world: communities made of compounds, buildings and households, and how a
//! scenario generates them. Households are the many agents, kept in one flat vector per
//! community, contiguous by building and compound, so a building is a slice.

use rand::RngExt;
use rand_distr::{Beta, Distribution, LogNormal, Normal};

use super::params::{Kind, Owners, Params};
use super::rng::{self, Rng, Stream};
use super::workforce::{self, Staff};

/// Who lives in a dwelling. The owner owes the fee in every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Occupancy {
    /// The owner lives there.
    OwnerOccupied = 0,
    /// Let to a renter; the owner is absent.
    Rented = 1,
    /// Empty; the owner is absent.
    Vacant = 2,
}

/// Age group of the household head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Age {
    /// Under 40.
    Young = 0,
    /// 40 to 59.
    Middle = 1,
    /// 60 and over.
    Elderly = 2,
}

/// One dwelling: its occupant and its owner's fee-relevant state. 28 bytes.
///
/// `satisfaction`, `expectation`, `threshold`, `trust` and `paid` belong to the owner
/// (who may be absent); `age`, `vulnerable`, `income` and `months_resident` to the occupant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Household {
    /// Owner's satisfaction with property service, 0-1.
    pub satisfaction: f32,
    /// Service level the owner expects, 0-1; rises over time.
    pub expectation: f32,
    /// Share of building neighbours who must have paid before this owner pays (conditional cooperation).
    pub threshold: f32,
    /// Trust in the community and government, 0-1.
    pub trust: f32,
    /// Occupant household income, RMB/month.
    pub income: f32,
    /// Months the occupant has lived here.
    pub months_resident: u16,
    pub occupancy: Occupancy,
    pub age: Age,
    /// Elderly living alone or disabled.
    pub vulnerable: bool,
    /// The owner paid (or, in an unmanaged compound, would pay) the fee last month.
    pub paid: bool,
    /// Someone in the household volunteers (志愿者).
    pub volunteer: bool,
    /// An in-service party member registered at home (在职党员进社区), who helps in emergencies.
    pub party_member: bool,
}

/// A property-management firm serving one compound (物业企业).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Firm {
    /// Professional capability, 0-1: the quality it gives at full staffing.
    pub capability: f64,
    /// Staff employed in the compound (full-time equivalents).
    pub staff: f64,
    /// Cash reserves, RMB.
    pub reserves: f64,
    /// Consecutive months with a loss.
    pub loss_streak: u32,
}

/// Compound kinds (小区类型).
pub const KIND_NAMES: [&str; 3] = ["new_estate", "old_compound", "resettlement"];

/// A residential compound (小区): a range of buildings and households, at most one firm.
#[derive(Debug, Clone, PartialEq)]
pub struct Compound {
    /// Index into [`KIND_NAMES`] and `Params::kinds`.
    pub kind: u8,
    /// Households `[first_household, end_household)` of the community.
    pub first_household: u32,
    pub end_household: u32,
    /// Buildings `[first_building, end_building)` of the community.
    pub first_building: u32,
    pub end_building: u32,
    /// Floor area of each dwelling, m2.
    pub floor_area: f64,
    /// Service grade: price relative to the kind's guided price, fixed.
    pub grade: f64,
    /// Price rise agreed by owners' votes (1 = none).
    pub price_markup: f64,
    /// Owners' committee (业委会) exists.
    pub owners_committee: bool,
    pub firm: Option<Firm>,
    /// Service quality residents experienced this month, 0-1.
    pub quality: f64,
}

impl Compound {
    pub fn households(&self) -> usize {
        (self.end_household - self.first_household) as usize
    }
}

/// One community (社区) and its random streams.
#[derive(Debug, Clone)]
pub struct Community {
    pub id: u32,
    pub households: Vec<Household>,
    /// Start offset of each building in `households`, plus one sentinel at the end.
    pub building_start: Vec<u32>,
    /// Grid (网格) of each building.
    pub grid_of_building: Vec<u16>,
    pub grids: u16,
    pub compounds: Vec<Compound>,
    /// Community full-time workers (社区专职工作者).
    pub staff: Staff,
    /// Share of owner-firm disputes mediated this month (set by the workforce step).
    pub mediation_coverage: f64,
    pub residents_rng: Rng,
    pub fees_rng: Rng,
    pub firms_rng: Rng,
    pub workforce_rng: Rng,
    pub events_rng: Rng,
    pub volunteers_rng: Rng,
}

/// Standard staff of a compound of `n` households of kind `k`.
pub fn standard_staff(k: &Kind, n: usize) -> f64 {
    k.staff_per_100_households * n as f64 / 100.0
}

/// Draws from a Beta with the given mean and sd (constant when sd is 0 or too large).
pub fn beta_mean_sd(rng: &mut Rng, mean: f64, sd: f64) -> f64 {
    let var = sd * sd;
    let max_var = mean * (1.0 - mean);
    if var <= 0.0 || var >= max_var {
        return mean;
    }
    let kappa = max_var / var - 1.0;
    match Beta::new(mean * kappa, (1.0 - mean) * kappa) {
        Ok(b) => b.sample(rng),
        Err(_) => mean,
    }
}

fn clamp01(x: f64) -> f32 {
    x.clamp(0.0, 1.0) as f32
}

fn normal01(rng: &mut Rng, mean: f64, sd: f64) -> f32 {
    let z: f64 = rand_distr::StandardNormal.sample(rng);
    clamp01(mean + sd * z)
}

/// Draws an owner's payment threshold: unconditional cooperators (0), free riders
/// (`free_rider_threshold`), and conditional cooperators from the configured distribution.
pub fn draw_threshold(o: &Owners, rng: &mut Rng) -> f32 {
    let u: f64 = rng.random();
    if u < o.unconditional_share {
        return 0.0;
    }
    if u < o.unconditional_share + o.free_rider_share {
        return o.free_rider_threshold as f32;
    }
    match o.threshold_distribution.as_str() {
        "uniform" => {
            let v: f64 = rng.random();
            (o.threshold_low + v * (o.threshold_high - o.threshold_low)) as f32
        }
        "constant" => o.threshold_mean as f32,
        _ => match Normal::new(o.threshold_mean, o.threshold_sd) {
            Ok(n) => clamp01(n.sample(rng)),
            Err(_) => o.threshold_mean as f32,
        },
    }
}

/// How new occupants of one compound kind are drawn; built once per compound and month.
pub struct OccupantDraws {
    /// Cumulative weights of owner-occupied, rented (the rest is vacant), and their total.
    owner: f64,
    owner_or_rented: f64,
    total: f64,
    income: LogNormal<f64>,
}

impl OccupantDraws {
    /// At the start (`turnover` false) occupancy follows the kind's shares. When a dwelling
    /// turns over, occupancy is drawn with weights share x monthly move-out chance, so that
    /// the shares stay the stationary distribution although owner-occupiers move less often
    /// than renters.
    pub fn new(k: &Kind, turnover: bool) -> Self {
        let vacant = (1.0 - k.owner_occupied_share - k.rented_share).max(0.0);
        let (w_owner, w_rented, w_vacant) = if turnover {
            let (owner, renter) = (
                super::residents::monthly(k.move_out_rate_owner),
                super::residents::monthly(k.move_out_rate_renter),
            );
            (
                k.owner_occupied_share * owner,
                k.rented_share * renter,
                vacant * renter,
            )
        } else {
            (k.owner_occupied_share, k.rented_share, vacant)
        };
        OccupantDraws {
            owner: w_owner,
            owner_or_rented: w_owner + w_rented,
            total: w_owner + w_rented + w_vacant,
            income: LogNormal::new(k.income_median.ln(), 0.5).expect("validated median"),
        }
    }
}

/// Draws the occupant of a dwelling (occupancy, age, vulnerability, income, tenure so far).
pub fn draw_occupant(p: &Params, k: &Kind, d: &OccupantDraws, rng: &mut Rng, h: &mut Household) {
    let u: f64 = rng.random::<f64>() * if d.total > 0.0 { d.total } else { 1.0 };
    h.occupancy = if u < d.owner || d.total <= 0.0 {
        Occupancy::OwnerOccupied
    } else if u < d.owner_or_rented {
        Occupancy::Rented
    } else {
        Occupancy::Vacant
    };
    let a: f64 = rng.random();
    h.age = if a < k.young_head_share {
        Age::Young
    } else if a < k.young_head_share + k.elderly_head_share {
        Age::Elderly
    } else {
        Age::Middle
    };
    let v: f64 = rng.random();
    h.vulnerable = h.age == Age::Elderly && v < k.vulnerable_share_of_elderly;
    let mut income: f64 = d.income.sample(rng);
    if h.age == Age::Elderly {
        // Pensions are lower than wages (assumption, docs/ODD.md).
        income *= 0.6;
    }
    h.income = income as f32;
    h.months_resident = 0;
    // A party member registered at home is of working age (in service).
    let w: f64 = rng.random();
    h.party_member = h.age != Age::Elderly && w < p.mobilisation.party_member_share;
    h.volunteer = false;
    if h.occupancy == Occupancy::Vacant {
        h.vulnerable = false;
        h.party_member = false;
    }
}

/// Draws a new owner's expectation, threshold and trust. `months` is the current month
/// (expectations rise). Satisfaction is left to the caller: it starts at the service seen.
pub fn draw_owner(p: &Params, k: &Kind, months: u32, rng: &mut Rng, h: &mut Household) {
    let o = &p.owners;
    let drift = o.expectation_growth * f64::from(months) / 12.0;
    h.expectation = normal01(rng, k.initial_expectation + drift, 0.1);
    h.threshold = draw_threshold(o, rng);
    h.trust = normal01(rng, o.initial_trust, 0.15);
}

impl Community {
    /// Generates community `id` of replication `rep` from the scenario.
    pub fn generate(p: &Params, seed: u64, rep: u64, id: u32) -> Community {
        let mut rng = rng::stream(seed, rep, u64::from(id), Stream::World);
        let w = &p.world;
        // Oversized communities are spread evenly by id, the same in every replication, so
        // the city (and its household count) is fixed and only processes vary between runs.
        let share = w.oversized_community_share;
        let oversized = ((f64::from(id) + 1.0) * share).floor() > (f64::from(id) * share).floor();
        let size_factor = if oversized { w.oversized_factor } else { 1.0 };
        let n_total = (f64::from(w.households_per_community) * size_factor).round() as usize;
        // The workforce comes first: owners' starting satisfaction reflects its mediation.
        let staff = workforce::initial_staff(
            p,
            n_total,
            &mut rng::stream(seed, rep, u64::from(id), Stream::WorkforceInit),
        );
        let coverage = workforce::mediation_coverage(&p.workforce, &staff, n_total);
        let shares = [
            w.share_new_estate,
            w.share_old_compound,
            w.share_resettlement,
        ];

        let mut households = Vec::with_capacity(n_total);
        let mut building_start = Vec::new();
        let mut compounds = Vec::new();
        let mut allotted = 0usize;
        for (kind, share) in shares.iter().enumerate() {
            // The last kind takes the rounding remainder so households are conserved.
            let n_kind = if kind == 2 {
                n_total - allotted
            } else {
                ((n_total as f64) * share).round() as usize
            };
            let n_kind = n_kind.min(n_total - allotted);
            allotted += n_kind;
            let k = &p.kinds[kind];
            let mean = k.households_per_compound as usize;
            let mut left = n_kind;
            while left > 0 {
                let draw = (mean as f64 * (0.5 + rng.random::<f64>())).round() as usize;
                let mut size = draw.max(1).min(left);
                if left - size < mean / 2 {
                    size = left; // do not leave a sliver of a compound
                }
                left -= size;
                let c = Self::generate_compound(
                    p,
                    kind,
                    size,
                    coverage,
                    &mut rng,
                    &mut households,
                    &mut building_start,
                );
                compounds.push(c);
            }
        }
        building_start.push(households.len() as u32);

        // Grids group whole buildings, in order, to about households_per_grid.
        let n_buildings = building_start.len() - 1;
        let mut grid_of_building = Vec::with_capacity(n_buildings);
        let mut grid: u16 = 0;
        let mut in_grid = 0u32;
        for b in 0..n_buildings {
            let size = building_start[b + 1] - building_start[b];
            if in_grid > 0 && in_grid + size / 2 > w.households_per_grid {
                grid += 1;
                in_grid = 0;
            }
            grid_of_building.push(grid);
            in_grid += size;
        }

        Community {
            id,
            households,
            building_start,
            grid_of_building,
            grids: if n_buildings == 0 { 0 } else { grid + 1 },
            compounds,
            staff,
            mediation_coverage: coverage,
            residents_rng: rng::stream(seed, rep, u64::from(id), Stream::Residents),
            fees_rng: rng::stream(seed, rep, u64::from(id), Stream::Fees),
            firms_rng: rng::stream(seed, rep, u64::from(id), Stream::Firms),
            workforce_rng: rng::stream(seed, rep, u64::from(id), Stream::Workforce),
            events_rng: rng::stream(seed, rep, u64::from(id), Stream::Events),
            volunteers_rng: rng::stream(seed, rep, u64::from(id), Stream::Volunteers),
        }
    }

    fn generate_compound(
        p: &Params,
        kind: usize,
        size: usize,
        coverage: f64,
        rng: &mut Rng,
        households: &mut Vec<Household>,
        building_start: &mut Vec<u32>,
    ) -> Compound {
        let k = &p.kinds[kind];
        let first_household = households.len() as u32;
        let first_building = building_start.len() as u32;
        let per_building = k.households_per_building as usize;
        let draws = OccupantDraws::new(k, false);
        let years_lived_max = [5.0, 25.0, 12.0][kind];
        for i in 0..size {
            if i % per_building == 0 {
                building_start.push(households.len() as u32);
            }
            let mut h = Household {
                satisfaction: 0.0,
                expectation: 0.0,
                threshold: 0.0,
                trust: 0.0,
                income: 0.0,
                months_resident: 0,
                occupancy: Occupancy::OwnerOccupied,
                age: Age::Middle,
                vulnerable: false,
                paid: false,
                volunteer: false,
                party_member: false,
            };
            draw_occupant(p, k, &draws, rng, &mut h);
            h.volunteer =
                h.occupancy != Occupancy::Vacant && rng.random::<f64>() < k.initial_volunteer_share;
            h.months_resident = (rng.random::<f64>() * years_lived_max * 12.0) as u16;
            draw_owner(p, k, 0, rng, &mut h);
            h.paid = rng.random::<f64>() < p.owners.initial_paid_share;
            households.push(h);
        }
        let managed = rng.random::<f64>() < k.initial_managed_share;
        let owners_committee = rng.random::<f64>() < k.owners_committee_share;
        let floor_area = k.floor_area_m2;
        let grade = 1.0 + p.property.price_grade_spread * (2.0 * rng.random::<f64>() - 1.0);
        let firm = if managed {
            Some(new_firm(p, kind, size, floor_area, 0, rng))
        } else {
            None
        };
        let quality = match &firm {
            Some(f) => f.capability,
            None => p.property.unmanaged_quality,
        };
        // Owners start satisfied with the service they perceive (net of unmediated disputes).
        // In managed compounds they expect the firm's service as it would be seen with no
        // mediation at all (plus initial_expectation_gap), so that mediation, a reform lever,
        // is not absorbed into expectations at the start; elsewhere the kind's expectation.
        let (seen, expected) = if firm.is_some() {
            (
                workforce::perceived_quality(&p.workforce, quality, coverage),
                workforce::perceived_quality(&p.workforce, quality, 0.0),
            )
        } else {
            (quality, quality)
        };
        for h in &mut households[first_household as usize..] {
            h.satisfaction = seen as f32;
            if firm.is_some() {
                h.expectation = normal01(rng, expected + p.owners.initial_expectation_gap, 0.1);
            }
        }
        Compound {
            kind: kind as u8,
            first_household,
            end_household: households.len() as u32,
            first_building,
            end_building: building_start.len() as u32,
            floor_area,
            grade,
            price_markup: 1.0,
            owners_committee,
            firm,
            quality,
        }
    }

    /// Number of households.
    pub fn len(&self) -> usize {
        self.households.len()
    }

    pub fn is_empty(&self) -> bool {
        self.households.is_empty()
    }
}

/// Cost growth factor at `month` (staff wages and materials).
pub fn cost_factor(p: &Params, month: u32) -> f64 {
    (1.0 + p.property.cost_growth).powf(f64::from(month) / 12.0)
}

/// Fee per m2 per month of a compound at `month`
/// (guided price x kind factor x service grade x owners' markup).
pub fn fee_price(p: &Params, c: &Compound, month: u32) -> f64 {
    let pr = &p.property;
    pr.guided_price
        * (1.0 + pr.guided_price_growth).powf(f64::from(month) / 12.0)
        * p.kinds[c.kind as usize].price_factor
        * c.grade
        * c.price_markup
}

/// Monthly cost of a firm with `staff` in a compound at `month`.
pub fn firm_cost(p: &Params, c: &Compound, staff: f64, month: u32) -> f64 {
    let k = &p.kinds[c.kind as usize];
    let f = cost_factor(p, month);
    staff * p.property.staff_monthly_cost * f
        + k.other_cost_per_m2 * c.floor_area * c.households() as f64 * f
}

/// A firm starting in a compound of `n` households at `month`, fully staffed,
/// with capability drawn for the kind and reserves of `initial_reserve_months`.
pub fn new_firm(
    p: &Params,
    kind: usize,
    n: usize,
    floor_area: f64,
    month: u32,
    rng: &mut Rng,
) -> Firm {
    let k = &p.kinds[kind];
    let capability = beta_mean_sd(rng, k.capability_mean, p.property.capability_sd);
    let staff = standard_staff(k, n);
    let f = cost_factor(p, month);
    let monthly_cost =
        staff * p.property.staff_monthly_cost * f + k.other_cost_per_m2 * floor_area * n as f64 * f;
    Firm {
        capability,
        staff,
        reserves: p.property.initial_reserve_months * monthly_cost,
        loss_streak: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn household_is_compact() {
        assert!(std::mem::size_of::<Household>() <= 28);
    }

    #[test]
    fn generation_conserves_households_and_nests_ranges() {
        let p = Params::default();
        for id in 0..6 {
            let c = Community::generate(&p, 3, 0, id);
            let expected = [2500usize, 5000];
            assert!(expected.contains(&c.len()), "size {}", c.len());
            // Compounds tile the households and the buildings, in order.
            let mut next_h = 0;
            let mut next_b = 0;
            for comp in &c.compounds {
                assert_eq!(comp.first_household, next_h);
                assert_eq!(comp.first_building, next_b);
                assert!(comp.end_household > comp.first_household);
                assert_eq!(
                    c.building_start[comp.first_building as usize],
                    comp.first_household
                );
                next_h = comp.end_household;
                next_b = comp.end_building;
            }
            assert_eq!(next_h as usize, c.len());
            assert_eq!(next_b as usize, c.building_start.len() - 1);
            assert_eq!(c.grid_of_building.len(), c.building_start.len() - 1);
        }
    }

    #[test]
    fn kind_shares_follow_the_scenario() {
        let p = Params::default();
        let mut by_kind = [0usize; 3];
        let mut total = 0;
        for id in 0..20 {
            let c = Community::generate(&p, 1, 0, id);
            for comp in &c.compounds {
                by_kind[comp.kind as usize] += comp.households();
            }
            total += c.len();
        }
        let share = |k: usize| by_kind[k] as f64 / total as f64;
        assert!((share(0) - 0.45).abs() < 0.01);
        assert!((share(1) - 0.40).abs() < 0.01);
        assert!((share(2) - 0.15).abs() < 0.01);
    }

    #[test]
    fn old_compounds_are_older_than_new_estates() {
        let p = Params::default();
        let c = Community::generate(&p, 1, 0, 0);
        let elderly_share = |kind: u8| {
            let (mut e, mut n) = (0, 0);
            for comp in c.compounds.iter().filter(|x| x.kind == kind) {
                for h in &c.households[comp.first_household as usize..comp.end_household as usize] {
                    n += 1;
                    e += (h.age == Age::Elderly) as usize;
                }
            }
            e as f64 / n as f64
        };
        assert!(elderly_share(1) > 0.35);
        assert!(elderly_share(0) < 0.15);
    }

    #[test]
    fn grids_are_about_the_target_size() {
        let p = Params::default();
        let c = Community::generate(&p, 1, 0, 0);
        let mean = c.len() as f64 / f64::from(c.grids);
        let target = f64::from(p.world.households_per_grid);
        assert!(
            (0.6 * target..1.4 * target).contains(&mean),
            "mean grid {mean}, target {target}"
        );
    }

    #[test]
    fn beta_draws_have_the_asked_mean() {
        let mut rng = rng::stream(1, 0, 0, Stream::Firms);
        let n = 20_000;
        let m: f64 = (0..n)
            .map(|_| beta_mean_sd(&mut rng, 0.4, 0.15))
            .sum::<f64>()
            / n as f64;
        assert!((m - 0.4).abs() < 0.01, "{m}");
    }
}
