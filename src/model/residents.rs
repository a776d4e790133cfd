//! Residents over time: moving out and being replaced, satisfaction that follows the service
//! experienced, expectations formed from what owners see (their own service, the other
//! compounds' service, their incomes: 业主不断提出高标准), trust that reverts.

use std::ops::Range;

use super::fees::income_factor;
use super::generate::{OccupantDraws, draw_occupant, draw_owner};
use super::metrics::{Sum, Tally};
use super::params::{Kind, Owners, Params};
use super::rates::monthly;
use super::rng::{BLOCK, Lanes, Rng};
use super::simd::dispatch;
use super::society;
use super::world::{Household, Households, Occupancy, bits, live, load, store};

/// What one compound's residents did and felt this month (sums for the tally).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ResidentsMonth {
    pub moves: u32,
    pub satisfaction_sum: f64,
    pub expectation_sum: f64,
    pub trust_sum: f64,
    pub occupied: u32,
    pub volunteers: u32,
    pub party_members: u32,
}

/// The sums of one chunk of at most [`BLOCK`] households, in single precision (exact for
/// the counts; the chunk's sums are then added to the month's in double precision).
#[derive(Debug, Clone, Copy, Default)]
pub struct Chunk {
    moves: u32,
    satisfaction: f32,
    expectation: f32,
    trust: f32,
    occupied: u32,
    volunteers: u32,
    party_members: u32,
}

impl ResidentsMonth {
    /// Adds one chunk's sums.
    #[inline(always)]
    pub fn add(&mut self, c: &Chunk) {
        self.moves += c.moves;
        self.satisfaction_sum += f64::from(c.satisfaction);
        self.expectation_sum += f64::from(c.expectation);
        self.trust_sum += f64::from(c.trust);
        self.occupied += c.occupied;
        self.volunteers += c.volunteers;
        self.party_members += c.party_members;
    }

    /// Adds this month's residents' sums to the tally.
    pub fn record(&self, t: &mut Tally) {
        t[Sum::Moves] += f64::from(self.moves);
        t[Sum::Satisfaction] += self.satisfaction_sum;
        t[Sum::Expectation] += self.expectation_sum;
        t[Sum::Trust] += self.trust_sum;
        t[Sum::Occupied] += f64::from(self.occupied);
        t[Sum::Volunteers] += f64::from(self.volunteers);
        t[Sum::PartyMembers] += f64::from(self.party_members);
    }
}

/// The service level owners of a compound expect to move toward at `month` (clamped to
/// [0, 1]): their own perceived service `own` and the mean perceived service `others` of the
/// community's other compounds, weighted by `expectation_social_weight`, plus
/// `expectation_income_elasticity` x ln(income factor).
pub fn expectation_reference(p: &Params, own: f64, others: f64, month: u32) -> f64 {
    let income = income_term(&p.owners, income_factor(&p.owners, month));
    reference_with_income(p, own, others, income)
}

/// The income part of [`expectation_reference`] at income factor `factor`
/// ([`income_factor`]): `expectation_income_elasticity` x ln(`factor`).
pub fn income_term(o: &Owners, factor: f64) -> f64 {
    o.expectation_income_elasticity * factor.ln()
}

/// [`expectation_reference`] with its income part `income` ([`income_term`]) given, as the
/// schedule computes it once per month.
pub fn reference_with_income(p: &Params, own: f64, others: f64, income: f64) -> f64 {
    let w = p.owners.expectation_social_weight;
    ((1.0 - w) * own + w * others + income).clamp(0.0, 1.0)
}

/// The residents' rules that depend only on the compound kind and the month: computed once
/// per month for every community ([`MonthFactors`](super::month::MonthFactors)), not per
/// compound (each takes a few `powf`s).
pub struct KindMonth {
    /// Chance of moving out this month by occupancy (owner-occupied, rented, vacant).
    p_move: [f32; 3],
    draws: OccupantDraws,
    volunteer: Volunteering,
}

impl KindMonth {
    /// The chance of moving out this month of a dwelling of occupancy `o` (an [`Occupancy`]
    /// as a number).
    #[inline(always)]
    fn p_move(&self, o: u32) -> f32 {
        Occupancy::pick(o, &self.p_move)
    }

    pub fn new(p: &Params, k: &Kind) -> KindMonth {
        let (p_owner, p_renter) = (
            monthly(k.move_out_rate_owner) as f32,
            monthly(k.move_out_rate_renter) as f32,
        );
        KindMonth {
            p_move: [p_owner, p_renter, p_renter],
            draws: OccupantDraws::new(k, true),
            volunteer: Volunteering {
                quit: monthly(p.mobilisation.volunteer_quit_rate) as f32,
                join: monthly(
                    (k.volunteer_join_rate * society::join_multiplier(&p.society)).min(1.0),
                ) as f32,
            },
        }
    }
}

/// The residents' rules for one compound and month, their constants computed once: moving,
/// satisfaction, expectations, trust and volunteering, applied household by household by
/// [`Residents::step`].
pub struct Residents<'a> {
    kind: &'a KindMonth,
    rate: f32,
    quality: f32,
    exp_rate: f32,
    exp_ref: f32,
    exp_drift: f32,
    /// What a new owner expects.
    newcomer: f64,
    t0: f32,
    rev: f32,
}

impl<'a> Residents<'a> {
    /// The rules of a compound of kind `kind` whose owners perceive service `quality`, the
    /// community's other compounds `others` (last month's mean), at `month`.
    pub fn new(
        p: &Params,
        kind: &'a KindMonth,
        quality: f64,
        others: f64,
        month: u32,
    ) -> Residents<'a> {
        let reference = expectation_reference(p, quality, others, month);
        Self::with_reference(p, kind, quality, reference, month)
    }

    /// The same rules with the owners' expectation reference `reference` given
    /// ([`expectation_reference`]; the schedule takes its income part from the month's
    /// cached factors).
    pub fn with_reference(
        p: &Params,
        kind: &'a KindMonth,
        quality: f64,
        reference: f64,
        month: u32,
    ) -> Residents<'a> {
        let o = &p.owners;
        Residents {
            kind,
            rate: o.satisfaction_rate as f32,
            quality: quality as f32,
            exp_rate: o.expectation_rate as f32,
            exp_ref: reference as f32,
            exp_drift: (o.expectation_growth / 12.0) as f32,
            newcomer: reference + o.expectation_growth * f64::from(month) / 12.0,
            t0: o.initial_trust as f32,
            rev: o.trust_reversion as f32,
        }
    }

    /// A household moving out this month: an owner-occupier sells (a new owner arrives,
    /// expecting the current reference, starts from the service he sees and settles the
    /// arrears at transfer); a renter or vacancy turning over brings a new occupant under
    /// the same owner. The new occupant and owner are drawn from `rng`.
    #[inline(never)]
    fn turnover(&self, p: &Params, k: &Kind, rng: &mut Rng, h: &mut Household) {
        let sold = h.occupancy == Occupancy::OwnerOccupied;
        draw_occupant(p, k, &self.kind.draws, rng, h);
        if sold {
            draw_owner(p, self.newcomer, rng, h);
            h.satisfaction = self.quality;
            h.paid = true;
        }
    }

    /// The month of dwellings `start..start + n` (`n` at most [`BLOCK`]: a chunk of a
    /// building), with the uniforms `u` (does it move out?) and `v` (does its volunteer stop,
    /// or does someone start?), element j for dwelling `start + j`. Adds them to `out`.
    ///
    /// Every rule but moving is computed for the whole block at once, field by field; the
    /// few households that move out this month ([`Residents::turnover`]) are then redrawn one
    /// by one, in order, from `rng`, and volunteering follows from the new state. The block
    /// reads [`BLOCK`] dwellings whatever `n` (a community's fields are padded) and writes
    /// back only the first `n` changed. The chunk's sums of satisfaction, expectation and
    /// trust are taken in single precision, dwelling by dwelling in order, then added to the
    /// month's in double precision.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub fn step_chunk(
        &self,
        p: &Params,
        k: &Kind,
        hs: &mut Households,
        start: usize,
        n: usize,
        rng: &mut Rng,
        u: &[f32; BLOCK],
        v: &[f32; BLOCK],
        out: &mut ResidentsMonth,
    ) {
        let r = start..start + BLOCK;
        let live = live(n);
        let sat0 = load(&hs.satisfaction[r.clone()]);
        let exp0 = load(&hs.expectation[r.clone()]);
        let trust0 = load(&hs.trust[r.clone()]);
        let state0 = load(&hs.state[r.clone()]);
        let (mut sat, mut expect, mut trust) = ([0f32; BLOCK], [0f32; BLOCK], [0f32; BLOCK]);
        for j in 0..BLOCK {
            sat[j] = sat0[j] + self.rate * (self.quality - sat0[j]);
            expect[j] = (exp0[j] + self.exp_rate * (self.exp_ref - exp0[j]) + self.exp_drift)
                .clamp(0.0, 1.0);
            trust[j] = trust0[j] + self.rev * (self.t0 - trust0[j]);
        }
        let mut moving = [0u32; BLOCK];
        let mut state = [0u32; BLOCK];
        for j in 0..BLOCK {
            let occupancy = (state0[j] >> bits::OCCUPANCY_SHIFT) & bits::TWO;
            moving[j] = live[j] & u32::from(u[j] < self.kind.p_move(occupancy));
            // One more month resident (u16's saturating addition).
            let months = ((state0[j] & bits::MONTHS) + 1).min(bits::MONTHS);
            state[j] = (state0[j] & !bits::MONTHS) | months;
        }
        let mut c = Chunk::default();
        if moving.iter().any(|&m| m != 0) {
            for j in (0..n).filter(|&j| moving[j] != 0) {
                c.moves += 1;
                let mut h = hs.get(start + j);
                self.turnover(p, k, rng, &mut h);
                // Threshold and income are written here; the block below writes the rest.
                hs.set(start + j, &h);
                (sat[j], expect[j], trust[j]) = (h.satisfaction, h.expectation, h.trust);
                state[j] = h.state();
            }
        }
        let (mut occupied, mut volunteers, mut party_members) =
            ([0u32; BLOCK], [0u32; BLOCK], [0u32; BLOCK]);
        for j in 0..BLOCK {
            let s = state[j];
            let here =
                u32::from((s >> bits::OCCUPANCY_SHIFT) & bits::TWO != Occupancy::Vacant as u32);
            let volunteer = self.kind.volunteer.next(
                (s >> bits::VOLUNTEER_SHIFT) & 1,
                here,
                s & bits::MONTHS,
                trust[j],
                v[j],
            );
            state[j] = (s & !bits::VOLUNTEER) | (volunteer << bits::VOLUNTEER_SHIFT);
            occupied[j] = live[j] & here;
            volunteers[j] = live[j] & volunteer;
            party_members[j] = live[j] & here & (s >> bits::PARTY_MEMBER_SHIFT) & 1;
        }
        // In order over the whole block, the lanes past `n` as +0.0. A sum started from +0.0
        // is never -0.0 (round to nearest), and x + (+0.0) is x for every other x: so this
        // is, bit for bit, the sum of the first `n` in order.
        for j in 0..BLOCK {
            let keep = 0u32.wrapping_sub(live[j]);
            c.satisfaction += f32::from_bits(sat[j].to_bits() & keep);
            c.expectation += f32::from_bits(expect[j].to_bits() & keep);
            c.trust += f32::from_bits(trust[j].to_bits() & keep);
        }
        c.occupied = occupied.iter().sum();
        c.volunteers = volunteers.iter().sum();
        c.party_members = party_members.iter().sum();
        out.add(&c);
        store(&mut hs.satisfaction[r.clone()], &sat, live);
        store(&mut hs.expectation[r.clone()], &expect, live);
        store(&mut hs.trust[r.clone()], &trust, live);
        store(&mut hs.state[r], &state, live);
    }
}

dispatch! {
/// One month for dwellings `range` of a compound with perceived service `quality`, in one
/// pass ([`Residents::step_chunk`]), [`BLOCK`] households at a time. Each household takes one
/// uniform from `moves` and one from `volunteering` whatever happens, so these draws stay
/// aligned across scenarios; new occupants and owners are drawn from the scalar stream
/// `rng`. `others` is the mean perceived service of the community's other compounds last
/// month. (The monthly schedule runs the same steps fused with the payments, building by
/// building.)
#[allow(clippy::too_many_arguments)]
pub fn step_compound(
    p: &Params,
    k: &Kind,
    quality: f64,
    others: f64,
    month: u32,
    hs: &mut Households,
    range: Range<usize>,
    rng: &mut Rng,
    moves: &mut Lanes,
    volunteering: &mut Lanes,
) -> ResidentsMonth {
    let kind = KindMonth::new(p, k);
    let r = Residents::new(p, &kind, quality, others, month);
    let mut out = ResidentsMonth::default();
    for start in range.clone().step_by(BLOCK) {
        let (u, v) = (moves.next_block(), volunteering.next_block());
        let n = (range.end - start).min(BLOCK);
        r.step_chunk(p, k, hs, start, n, rng, &u, &v, &mut out);
    }
    out
}
}

/// Volunteering for one month: a volunteer stops with chance `quit`; another occupied
/// household starts with chance `join` x trust (halved in its first two years).
#[derive(Debug, Clone, Copy)]
struct Volunteering {
    quit: f32,
    join: f32,
}

impl Volunteering {
    /// Whether a household volunteers this month (1) or not (0): whether it did last
    /// month (`volunteer`), whether its dwelling is `occupied` (1) or vacant (0), its
    /// resident `months`, its `trust`, and `u` uniform on [0, 1).
    #[inline(always)]
    fn next(&self, volunteer: u32, occupied: u32, months: u32, trust: f32, u: f32) -> u32 {
        let settled = if months >= 24 { 1.0 } else { 0.5 };
        let stays = u32::from(u >= self.quit);
        let starts = u32::from(u < self.join * trust * settled);
        // A volunteer stays or stops; anyone else may start (bit operations, no branch).
        ((volunteer & stays) | ((volunteer ^ 1) & starts)) & occupied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::{Lanes, Stream, stream};
    use crate::model::world::Community;

    #[test]
    fn monthly_hazard_compounds_to_the_annual_one() {
        for a in [0.0, 0.05, 0.3, 0.9] {
            let m = monthly(a);
            assert!(((1.0 - m).powi(12) - (1.0 - a)).abs() < 1e-12);
        }
    }

    /// Households of a new-estate community with nobody moving, satisfaction and expectations
    /// reset to `e0`.
    fn settled(p: &mut Params, e0: f32) -> Households {
        p.kinds[0].move_out_rate_owner = 0.0;
        p.kinds[0].move_out_rate_renter = 0.0;
        let c = Community::generate(p, 1, 0, 0);
        let mut hs = c.households.copy(0..200);
        hs.expectation[..200].fill(e0);
        hs
    }

    fn mean_expectation(hs: &Households) -> f64 {
        hs.iter().map(|h| f64::from(h.expectation)).sum::<f64>() / hs.len() as f64
    }

    /// Textbook adaptive expectations: with only habituation on, E_t - q = (1 - r)^t (E_0 - q).
    #[test]
    fn expectations_converge_exponentially_to_the_service_experienced() {
        let mut p = Params::default();
        p.owners.expectation_social_weight = 0.0;
        p.owners.expectation_income_elasticity = 0.0;
        p.owners.expectation_growth = 0.0;
        let r = p.owners.expectation_rate;
        let mut hs = settled(&mut p, 0.8);
        let mut rng = stream(1, 0, 0, Stream::Residents);
        let mut vol = Lanes::new(1, 0, 0, Stream::Volunteers);
        let mut mv = Lanes::new(1, 0, 0, Stream::Residents);
        let q = 0.3;
        for m in 1..=60u32 {
            step_compound(
                &p,
                &p.kinds[0],
                q,
                0.9,
                m,
                &mut hs,
                0..200,
                &mut rng,
                &mut mv,
                &mut vol,
            );
            let gap = mean_expectation(&hs) - q;
            let expected = (1.0 - r).powi(m as i32) * (0.8 - q);
            assert!(
                (gap - expected).abs() < 1e-4,
                "month {m}: gap {gap}, expected {expected}"
            );
        }
        for h in hs.iter() {
            assert!(
                (h.satisfaction - 0.3).abs() < 1e-3,
                "satisfaction follows quality"
            );
        }
        // With the rate at 0, expectations do not move.
        p.owners.expectation_rate = 0.0;
        let before = mean_expectation(&hs);
        step_compound(
            &p,
            &p.kinds[0],
            0.9,
            0.9,
            61,
            &mut hs,
            0..200,
            &mut rng,
            &mut mv,
            &mut vol,
        );
        assert_eq!(mean_expectation(&hs), before);
    }

    /// Owners who see better service next door, or whose incomes grow, expect more; the
    /// optional drift adds its yearly step.
    #[test]
    fn better_neighbours_and_income_growth_raise_expectations() {
        let run = |others: f64, income_growth: f64, drift: f64| {
            let mut p = Params::default();
            p.owners.income_growth = income_growth;
            p.owners.expectation_growth = drift;
            let mut hs = settled(&mut p, 0.5);
            let mut rng = stream(1, 0, 0, Stream::Residents);
            let mut vol = Lanes::new(1, 0, 0, Stream::Volunteers);
            let mut mv = Lanes::new(1, 0, 0, Stream::Residents);
            for m in 1..=120 {
                step_compound(
                    &p,
                    &p.kinds[0],
                    0.5,
                    others,
                    m,
                    &mut hs,
                    0..200,
                    &mut rng,
                    &mut mv,
                    &mut vol,
                );
            }
            mean_expectation(&hs)
        };
        let base = run(0.5, 0.0, 0.0);
        assert!(
            (base - 0.5).abs() < 1e-4,
            "in balance nothing moves: {base}"
        );
        assert!(
            run(0.8, 0.0, 0.0) > base + 0.05,
            "a better neighbouring compound"
        );
        assert!(
            run(0.2, 0.0, 0.0) < base - 0.05,
            "a worse neighbouring compound"
        );
        assert!(run(0.5, 0.05, 0.0) > base + 0.02, "income growth");
        assert!(run(0.5, 0.0, 0.01) > base + 0.02, "the optional drift");
        // The reference itself: own and others' service weighted, plus the income term.
        let mut p = Params::default();
        p.owners.expectation_social_weight = 0.25;
        p.owners.expectation_income_elasticity = 0.2;
        p.owners.income_growth = 0.1;
        let r = expectation_reference(&p, 0.4, 0.8, 24);
        let expected = 0.75 * 0.4 + 0.25 * 0.8 + 0.2 * 2.0 * 1.1f64.ln();
        assert!((r - expected).abs() < 1e-12, "{r} vs {expected}");
    }

    #[test]
    fn turnover_rate_matches_the_hazard() {
        let mut p = Params::default();
        p.kinds[0].owner_occupied_share = 1.0;
        p.kinds[0].rented_share = 0.0;
        p.kinds[0].move_out_rate_owner = 0.2;
        let mut rng = stream(2, 0, 0, Stream::Residents);
        let mut vol = Lanes::new(2, 0, 0, Stream::Volunteers);
        let mut mv = Lanes::new(2, 0, 0, Stream::Residents);
        let c = Community::generate(&p, 2, 0, 0);
        let mut hs: Households = c
            .households
            .iter()
            .map(|h| Household {
                occupancy: Occupancy::OwnerOccupied,
                ..h
            })
            .collect();
        // Keep everyone an owner-occupier so the hazard stays the owners' one.
        let mut k = p.kinds[0].clone();
        k.owner_occupied_share = 1.0;
        let all = 0..hs.len();
        let moves = f64::from(
            step_compound(
                &p, &k, 0.5, 0.5, 1, &mut hs, all, &mut rng, &mut mv, &mut vol,
            )
            .moves,
        );
        let expected = monthly(0.2) * hs.len() as f64;
        let sd = (expected * (1.0 - monthly(0.2))).sqrt();
        assert!((moves - expected).abs() < 4.0 * sd, "{moves} vs {expected}");
    }
}

#[cfg(test)]
mod occupancy_tests {
    use super::*;
    use crate::model::rng::{Lanes, Stream, stream};
    use crate::model::world::Community;

    #[test]
    fn occupancy_shares_are_stationary_under_turnover() {
        let p = Params::default();
        let mut c = Community::generate(&p, 4, 0, 0);
        let k = p.kinds[0].clone();
        let comp = c
            .compounds
            .iter()
            .find(|x| x.kind == crate::model::kind::CompoundKind::NewEstate)
            .unwrap()
            .clone();
        let range = comp.first_household as usize..comp.end_household as usize;
        let hs = &mut c.households;
        let mut rng = stream(4, 0, 0, Stream::Residents);
        let mut vol = Lanes::new(4, 0, 0, Stream::Volunteers);
        let mut mv = Lanes::new(4, 0, 0, Stream::Residents);
        let mut owner = 0.0;
        let mut n = 0.0;
        for m in 1..=240 {
            step_compound(
                &p,
                &k,
                0.5,
                0.5,
                m,
                hs,
                range.clone(),
                &mut rng,
                &mut mv,
                &mut vol,
            );
            if m > 120 {
                owner += range
                    .clone()
                    .filter(|&i| hs.occupancy(i) == Occupancy::OwnerOccupied)
                    .count() as f64;
                n += range.len() as f64;
            }
        }
        let share = owner / n;
        assert!(
            (share - k.owner_occupied_share).abs() < 0.05,
            "owner-occupied {share}"
        );
    }
}
