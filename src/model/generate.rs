//! How a scenario generates a community: compounds of three kinds, buildings, households,
//! their owners and occupants, firms and workers. Also the draws of new occupants and owners
//! that residents' turnover reuses.

use rand::RngExt;
use rand_distr::{Distribution, LogNormal, Normal};

use super::firms::{self, new_firm};
use super::kind::CompoundKind;
use super::params::{Kind, Owners, Params, World};
use super::rates::{clamp01, monthly, normal01};
use super::rng::{self, Lanes, Rng, Stream};
use super::society;
use super::workforce;
use super::world::{Age, Community, Compound, Household, Occupancy};

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
                monthly(k.move_out_rate_owner),
                monthly(k.move_out_rate_renter),
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

/// Draws a new owner's expectation (around `expected`, sd 0.1), threshold and trust.
/// Satisfaction is left to the caller: it starts at the service seen.
pub fn draw_owner(p: &Params, expected: f64, rng: &mut Rng, h: &mut Household) {
    let o = &p.owners;
    h.expectation = normal01(rng, expected, 0.1);
    h.threshold = draw_threshold(o, rng);
    h.trust = normal01(rng, o.initial_trust, 0.15);
}

/// Whether community `id` is picked by an even spread of `share` with `phase`:
/// ⌊(id + 1) share + phase⌋ > ⌊id share + phase⌋. Its rank among those picked is
/// ⌊id share + phase⌋.
fn picked(id: u32, share: f64, phase: f64) -> bool {
    ((f64::from(id) + 1.0) * share + phase).floor() > (f64::from(id) * share + phase).floor()
}

/// Phase of the undersized spread (the oversized one has 0), so the two rarely collide.
const UNDERSIZED_PHASE: f64 = 0.5;

/// Size of community `id` relative to an ordinary one, and, when undersized communities
/// are merged, which half of its pair it is. Oversized and undersized communities are
/// spread evenly by id, the same in every replication; a community both spreads pick is
/// oversized. Undersized communities pair by rank (0-1, 2-3, ...); one whose partner is
/// missing (beyond the city, or oversized) stays whole.
pub fn size_class(w: &World, id: u32) -> (f64, Option<workforce::Half>) {
    if picked(id, w.oversized_community_share, 0.0) {
        return (w.oversized_factor, None);
    }
    let share = w.undersized_community_share;
    if !picked(id, share, UNDERSIZED_PHASE) {
        return (1.0, None);
    }
    if !w.merge_undersized {
        return (w.undersized_factor, None);
    }
    let rank = (f64::from(id) * share + UNDERSIZED_PHASE).floor() as u64;
    let partner_rank = rank ^ 1;
    // The partner's id: near (rank + 1 - phase) / share; checked exactly.
    let guess = ((partner_rank as f64 + 1.0 - UNDERSIZED_PHASE) / share).ceil() as i64 - 1;
    let partner = (guess - 2..=guess + 2).find(|&j| {
        j >= 0
            && j < i64::from(w.communities)
            && picked(j as u32, share, UNDERSIZED_PHASE)
            && (j as f64 * share + UNDERSIZED_PHASE).floor() as u64 == partner_rank
            && !picked(j as u32, w.oversized_community_share, 0.0)
    });
    let half = match partner {
        None => None,
        Some(_) if rank % 2 == 0 => Some(workforce::Half::First),
        Some(_) => Some(workforce::Half::Second),
    };
    (w.undersized_factor, half)
}

impl Community {
    /// Generates community `id` of replication `rep` from the scenario.
    pub fn generate(p: &Params, seed: u64, rep: u64, id: u32) -> Community {
        let mut rng = rng::stream(seed, rep, u64::from(id), Stream::World);
        let w = &p.world;
        // Oversized communities are spread evenly by id, the same in every replication, so
        // the city (and its household count) is fixed and only processes vary between runs.
        let (size_factor, merged) = size_class(w, id);
        let n_total = (f64::from(w.households_per_community) * size_factor).round() as usize;
        // The workforce comes first: owners' starting satisfaction reflects its mediation.
        let staff = workforce::initial_staff_in(
            p,
            workforce::community_positions(&p.workforce, n_total, merged),
            &mut rng::stream(seed, rep, u64::from(id), Stream::WorkforceInit),
        );
        let hours = workforce::mediation_hours(&p.workforce, &staff);
        let coverage = society::worker_coverage(p, hours, n_total);
        let shares = [
            w.share_new_estate,
            w.share_old_compound,
            w.share_resettlement,
        ];

        let mut households = Vec::with_capacity(n_total);
        let mut building_start = Vec::new();
        let mut compounds = Vec::new();
        let mut allotted = 0usize;
        for (kind, share) in CompoundKind::ALL.into_iter().zip(shares) {
            // The last kind takes the rounding remainder so households are conserved.
            let n_kind = if kind == CompoundKind::Resettlement {
                n_total - allotted
            } else {
                ((n_total as f64) * share).round() as usize
            };
            let n_kind = n_kind.min(n_total - allotted);
            allotted += n_kind;
            let k = p.kind(kind);
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

        // Compound ages come from their own stream, so the world's draws are unchanged.
        let mut governance_rng = rng::stream(seed, rep, u64::from(id), Stream::Governance);
        for c in &mut compounds {
            c.age_months = firms::initial_age_months(c.kind, &mut governance_rng);
        }

        Community {
            id,
            households: households.into_iter().collect(),
            building_start,
            grid_of_building,
            grids: if n_buildings == 0 { 0 } else { grid + 1 },
            compounds,
            staff,
            mediation_coverage: coverage,
            purchased_hours: 0.0,
            residents_rng: rng::stream(seed, rep, u64::from(id), Stream::Residents),
            moves_lanes: Lanes::new(seed, rep, u64::from(id), Stream::Residents),
            fees_lanes: Lanes::new(seed, rep, u64::from(id), Stream::Fees),
            firms_rng: rng::stream(seed, rep, u64::from(id), Stream::Firms),
            workforce_rng: rng::stream(seed, rep, u64::from(id), Stream::Workforce),
            events_rng: rng::stream(seed, rep, u64::from(id), Stream::Events),
            volunteers_lanes: Lanes::new(seed, rep, u64::from(id), Stream::Volunteers),
            governance_rng,
        }
    }

    fn generate_compound(
        p: &Params,
        kind: CompoundKind,
        size: usize,
        coverage: f64,
        rng: &mut Rng,
        households: &mut Vec<Household>,
        building_start: &mut Vec<u32>,
    ) -> Compound {
        let k = p.kind(kind);
        let first_household = households.len() as u32;
        let first_building = building_start.len() as u32;
        let per_building = k.households_per_building as usize;
        let draws = OccupantDraws::new(k, false);
        let years_lived_max = [5.0, 25.0, 12.0][kind.index()];
        for i in 0..size {
            if i % per_building == 0 {
                building_start.push(households.len() as u32);
            }
            let mut h = Household {
                occupancy: Occupancy::OwnerOccupied,
                ..Household::EMPTY
            };
            draw_occupant(p, k, &draws, rng, &mut h);
            h.volunteer =
                h.occupancy != Occupancy::Vacant && rng.random::<f64>() < k.initial_volunteer_share;
            h.months_resident = (rng.random::<f64>() * years_lived_max * 12.0) as u16;
            draw_owner(p, k.initial_expectation, rng, &mut h);
            h.paid = rng.random::<f64>() < p.owners.initial_paid_share;
            households.push(h);
        }
        let managed = rng.random::<f64>() < k.initial_managed_share;
        let owners_committee = rng.random::<f64>() < k.owners_committee_share;
        let floor_area = k.floor_area_m2;
        let grade = 1.0 + p.property.price_grade_spread * (2.0 * rng.random::<f64>() - 1.0);
        let firm = if managed {
            Some(new_firm(
                p,
                kind,
                size,
                floor_area,
                &firms::Factors::new(p, 0),
                rng,
            ))
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
            kind,
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
            age_months: 0,
            renovated: false,
            tender_due: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rates::beta_mean_sd;
    use crate::model::world::*;

    #[test]
    fn household_is_compact() {
        assert!(std::mem::size_of::<Household>() <= 28);
    }

    #[test]
    fn generation_conserves_households_and_nests_ranges() {
        let p = Params::default();
        for id in 0..6 {
            let c = Community::generate(&p, 3, 0, id);
            let expected = [1250usize, 2500, 5000];
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
    fn undersized_communities_merge_in_pairs_keeping_ids_and_households() {
        let mut p = Params::default();
        p.world.communities = 60;
        let w = &p.world;
        let classes: Vec<_> = (0..60).map(|id| size_class(w, id)).collect();
        let undersized = classes
            .iter()
            .filter(|c| c.0 == w.undersized_factor)
            .count();
        let oversized = classes.iter().filter(|c| c.0 == w.oversized_factor).count();
        assert_eq!(undersized, 6, "10 % of 60");
        assert_eq!(oversized, 9, "15 % of 60");
        assert!(
            classes.iter().all(|c| c.1.is_none()),
            "no merger in the status quo"
        );
        let mut merged = p.clone();
        merged.world.merge_undersized = true;
        let halves: Vec<_> = (0..60).map(|id| size_class(&merged.world, id)).collect();
        // The same communities keep the same sizes; the undersized ones pair up.
        for (a, b) in classes.iter().zip(&halves) {
            assert_eq!(a.0, b.0);
            assert_eq!(b.1.is_some(), a.0 == w.undersized_factor);
        }
        let first = halves
            .iter()
            .filter(|c| c.1 == Some(workforce::Half::First));
        let second = halves
            .iter()
            .filter(|c| c.1 == Some(workforce::Half::Second));
        assert_eq!(first.count(), 3);
        assert_eq!(second.count(), 3);
        // Each half is generated as before (same id, households and streams), with fewer
        // positions: the pair has one 两委.
        for id in 0..60 {
            let a = Community::generate(&p, 7, 0, id);
            let b = Community::generate(&merged, 7, 0, id);
            assert_eq!(a.id, b.id);
            assert_eq!(a.households, b.households, "community {id}");
            if halves[id as usize].1.is_some() {
                assert!(b.staff.positions < a.staff.positions);
                assert_eq!(b.staff.head_positions, 1);
            } else {
                assert_eq!(a.staff, b.staff);
            }
        }
        // An odd one out stays whole.
        let mut odd = merged.clone();
        odd.world.communities = 51;
        let lone = (0..51)
            .map(|id| size_class(&odd.world, id))
            .filter(|c| c.0 == w.undersized_factor && c.1.is_none())
            .count();
        assert_eq!(lone, 1, "five undersized: two pairs and one alone");
    }

    #[test]
    fn kind_shares_follow_the_scenario() {
        let p = Params::default();
        let mut by_kind = [0usize; 3];
        let mut total = 0;
        for id in 0..20 {
            let c = Community::generate(&p, 1, 0, id);
            for comp in &c.compounds {
                by_kind[comp.kind.index()] += comp.households();
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
        let elderly_share = |kind: CompoundKind| {
            let (mut e, mut n) = (0, 0);
            for comp in c.compounds.iter().filter(|x| x.kind == kind) {
                for h in c
                    .households
                    .view(comp.first_household as usize..comp.end_household as usize)
                    .iter()
                {
                    n += 1;
                    e += (h.age == Age::Elderly) as usize;
                }
            }
            e as f64 / n as f64
        };
        assert!(elderly_share(CompoundKind::OldCompound) > 0.35);
        assert!(elderly_share(CompoundKind::NewEstate) < 0.15);
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
