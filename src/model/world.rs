//! The world: communities made of compounds, buildings and households, and how a
//! scenario generates them. Households are the many agents, kept field by field per
//! community ([`Households`]), contiguous by building and compound, so a building is a
//! range.

use super::kind::CompoundKind;
use std::ops::Range;

use super::rng::{BLOCK, Lanes, Rng};
use super::workforce::Staff;

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
/// A community stores its dwellings as structure of arrays ([`Households`]); this is one of
/// them as a value, for generation, tests and the rarer rules.
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

/// The bits of a dwelling's state word ([`Households::state`]): its months of residence,
/// occupancy, age group and four flags in one `u32`, so that the monthly loops work on
/// 32-bit lanes only.
pub mod bits {
    /// Bits 0-15: months the occupant has lived here.
    pub const MONTHS: u32 = 0xFFFF;
    /// Bits 16-17: the [`super::Occupancy`] as a number.
    pub const OCCUPANCY_SHIFT: u32 = 16;
    /// Bits 18-19: the [`super::Age`] as a number.
    pub const AGE_SHIFT: u32 = 18;
    /// Two-bit fields (occupancy, age) after their shift.
    pub const TWO: u32 = 0b11;
    pub const VULNERABLE: u32 = 1 << 20;
    pub const PAID_SHIFT: u32 = 21;
    pub const PAID: u32 = 1 << PAID_SHIFT;
    pub const VOLUNTEER_SHIFT: u32 = 22;
    pub const VOLUNTEER: u32 = 1 << VOLUNTEER_SHIFT;
    pub const PARTY_MEMBER_SHIFT: u32 = 23;
    pub const PARTY_MEMBER: u32 = 1 << PARTY_MEMBER_SHIFT;
}

impl Household {
    /// An empty dwelling: vacant, every number 0 (the padding of [`Households`]).
    pub const EMPTY: Household = Household {
        satisfaction: 0.0,
        expectation: 0.0,
        threshold: 0.0,
        trust: 0.0,
        income: 0.0,
        months_resident: 0,
        occupancy: Occupancy::Vacant,
        age: Age::Middle,
        vulnerable: false,
        paid: false,
        volunteer: false,
        party_member: false,
    };

    /// The dwelling's state word ([`bits`]).
    #[inline]
    pub fn state(&self) -> u32 {
        let flag = |b: bool, bit: u32| if b { bit } else { 0 };
        u32::from(self.months_resident)
            | (self.occupancy as u32) << bits::OCCUPANCY_SHIFT
            | (self.age as u32) << bits::AGE_SHIFT
            | flag(self.vulnerable, bits::VULNERABLE)
            | flag(self.paid, bits::PAID)
            | flag(self.volunteer, bits::VOLUNTEER)
            | flag(self.party_member, bits::PARTY_MEMBER)
    }
}

impl Occupancy {
    /// `values[o]` for an occupancy `o` given as a number (owner-occupied, rented, vacant):
    /// chosen, not looked up, so that a block of dwellings takes it in vector registers.
    #[inline(always)]
    pub fn pick(o: u32, values: &[f32; 3]) -> f32 {
        if o == Occupancy::OwnerOccupied as u32 {
            values[0]
        } else if o == Occupancy::Rented as u32 {
            values[1]
        } else {
            values[2]
        }
    }

    /// The occupancy of a state word ([`bits`]).
    #[inline]
    pub fn of(state: u32) -> Occupancy {
        match (state >> bits::OCCUPANCY_SHIFT) & bits::TWO {
            0 => Occupancy::OwnerOccupied,
            1 => Occupancy::Rented,
            _ => Occupancy::Vacant,
        }
    }
}

impl Age {
    /// The age group of a state word ([`bits`]).
    #[inline]
    pub fn of(state: u32) -> Age {
        match (state >> bits::AGE_SHIFT) & bits::TWO {
            0 => Age::Young,
            1 => Age::Middle,
            _ => Age::Elderly,
        }
    }
}

/// The dwellings of a community as structure of arrays: one vector per number, and one
/// state word per dwelling for the rest ([`bits`]), in the same order (contiguous by
/// building and compound, so a building is a range). 24 bytes a dwelling. The monthly hot
/// loops read and write [`BLOCK`] dwellings of a field at once; so that a building's last
/// block may do so too, every vector holds [`BLOCK`] padding dwellings past the last one
/// ([`Household::EMPTY`]), which no rule reads as a household and which
/// [`Households::len`] does not count.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Households {
    len: usize,
    /// Owner's satisfaction with property service, 0-1.
    pub satisfaction: Vec<f32>,
    /// Service level the owner expects, 0-1.
    pub expectation: Vec<f32>,
    /// Share of building neighbours who must have paid before the owner pays.
    pub threshold: Vec<f32>,
    /// Trust in the community and government, 0-1.
    pub trust: Vec<f32>,
    /// Occupant household income, RMB/month.
    pub income: Vec<f32>,
    /// Months resident, occupancy, age and flags ([`bits`]).
    pub state: Vec<u32>,
}

impl Households {
    /// Bytes one dwelling takes: five `f32` fields and the state word.
    pub const BYTES_PER_DWELLING: usize =
        5 * std::mem::size_of::<f32>() + std::mem::size_of::<u32>();

    /// Dwelling `i` as a value.
    #[inline]
    pub fn get(&self, i: usize) -> Household {
        let s = self.state[i];
        Household {
            satisfaction: self.satisfaction[i],
            expectation: self.expectation[i],
            threshold: self.threshold[i],
            trust: self.trust[i],
            income: self.income[i],
            months_resident: (s & bits::MONTHS) as u16,
            occupancy: Occupancy::of(s),
            age: Age::of(s),
            vulnerable: s & bits::VULNERABLE != 0,
            paid: s & bits::PAID != 0,
            volunteer: s & bits::VOLUNTEER != 0,
            party_member: s & bits::PARTY_MEMBER != 0,
        }
    }

    /// Sets every field of dwelling `i`.
    #[inline]
    pub fn set(&mut self, i: usize, h: &Household) {
        self.satisfaction[i] = h.satisfaction;
        self.expectation[i] = h.expectation;
        self.threshold[i] = h.threshold;
        self.trust[i] = h.trust;
        self.income[i] = h.income;
        self.state[i] = h.state();
    }

    /// The occupancy of dwelling `i`.
    #[inline]
    pub fn occupancy(&self, i: usize) -> Occupancy {
        Occupancy::of(self.state[i])
    }

    fn reserve_exact(&mut self, n: usize) {
        self.satisfaction.reserve_exact(n);
        self.expectation.reserve_exact(n);
        self.threshold.reserve_exact(n);
        self.trust.reserve_exact(n);
        self.income.reserve_exact(n);
        self.state.reserve_exact(n);
    }

    fn push(&mut self, h: &Household) {
        self.satisfaction.push(h.satisfaction);
        self.expectation.push(h.expectation);
        self.threshold.push(h.threshold);
        self.trust.push(h.trust);
        self.income.push(h.income);
        self.state.push(h.state());
    }
}

impl FromIterator<Household> for Households {
    fn from_iter<I: IntoIterator<Item = Household>>(iter: I) -> Households {
        let iter = iter.into_iter();
        let mut hs = Households::default();
        hs.reserve_exact(iter.size_hint().0 + BLOCK);
        for h in iter {
            hs.push(&h);
            hs.len += 1;
        }
        for _ in 0..BLOCK {
            hs.push(&Household::EMPTY);
        }
        hs
    }
}

impl Households {
    /// Number of dwellings (the padding not counted).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Dwellings `range` as a read-only view.
    pub fn view(&self, range: Range<usize>) -> Dwellings<'_> {
        assert!(range.start <= range.end && range.end <= self.len);
        Dwellings {
            hs: self,
            start: range.start,
            end: range.end,
        }
    }

    /// Every dwelling as a read-only view.
    pub fn all(&self) -> Dwellings<'_> {
        self.view(0..self.len)
    }

    /// Every dwelling as a value, in order.
    pub fn iter(&self) -> impl Iterator<Item = Household> + '_ {
        (0..self.len).map(|i| self.get(i))
    }

    /// A copy of dwellings `range` (for tests and the rarer rules).
    pub fn copy(&self, range: Range<usize>) -> Households {
        self.view(range).iter().collect()
    }
}

/// 1 for the first `n` elements of a block, 0 for the rest (32-bit lanes, so that the
/// loops that use it vectorise on lanes of one width). Looked up in a table.
#[inline(always)]
pub fn live(n: usize) -> &'static [u32; BLOCK] {
    const LIVE: [[u32; BLOCK]; BLOCK + 1] = {
        let mut t = [[0; BLOCK]; BLOCK + 1];
        let mut n = 0;
        while n <= BLOCK {
            let mut j = 0;
            while j < n {
                t[n][j] = 1;
                j += 1;
            }
            n += 1;
        }
        t
    };
    &LIVE[n.min(BLOCK)]
}

/// [`BLOCK`] consecutive values of a field (the slice is [`BLOCK`] long).
#[inline(always)]
pub fn load<T: Copy>(field: &[T]) -> [T; BLOCK] {
    field.try_into().expect("a block of BLOCK dwellings")
}

/// Writes `new` into a block of [`BLOCK`] dwellings of a 32-bit field where `live` is 1
/// (see [`live`]), leaving the rest as they were: the block is written whole, blended bit by
/// bit (`f32` fields through their bits, which are kept exactly).
#[inline(always)]
pub fn store<T: Bits32>(field: &mut [T], new: &[T; BLOCK], live: &[u32; BLOCK]) {
    let field: &mut [T; BLOCK] = field.try_into().expect("a block of BLOCK dwellings");
    let mut out = [0u32; BLOCK];
    for j in 0..BLOCK {
        let keep = 0u32.wrapping_sub(live[j]);
        out[j] = (new[j].bits() & keep) | (field[j].bits() & !keep);
    }
    for j in 0..BLOCK {
        field[j] = T::from_bits(out[j]);
    }
}

/// A 32-bit field's values as bits, for [`store`].
pub trait Bits32: Copy {
    fn bits(self) -> u32;
    fn from_bits(b: u32) -> Self;
}

impl Bits32 for u32 {
    #[inline(always)]
    fn bits(self) -> u32 {
        self
    }
    #[inline(always)]
    fn from_bits(b: u32) -> u32 {
        b
    }
}

impl Bits32 for f32 {
    #[inline(always)]
    fn bits(self) -> u32 {
        self.to_bits()
    }
    #[inline(always)]
    fn from_bits(b: u32) -> f32 {
        f32::from_bits(b)
    }
}

/// A read-only view of a range of a community's dwellings (a compound, a building).
#[derive(Debug, Clone, Copy)]
pub struct Dwellings<'a> {
    hs: &'a Households,
    start: usize,
    end: usize,
}

impl<'a> Dwellings<'a> {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// The view's dwellings as values, in order.
    pub fn iter(&self) -> impl Iterator<Item = Household> + 'a {
        let hs = self.hs;
        (self.start..self.end).map(move |i| hs.get(i))
    }

    /// The view in consecutive pieces of `size` dwellings (the last may be shorter).
    pub fn chunks(&self, size: usize) -> impl Iterator<Item = Dwellings<'a>> + 'a {
        let (hs, end) = (self.hs, self.end);
        (self.start..self.end)
            .step_by(size.max(1))
            .map(move |a| Dwellings {
                hs,
                start: a,
                end: (a + size.max(1)).min(end),
            })
    }
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
    /// The owners' committee manages the compound itself (自治式), not a firm.
    pub self_managed: bool,
    /// Consecutive annual star ratings in the lowest band.
    pub low_ratings: u32,
}

/// A residential compound (小区): a range of buildings and households, at most one firm.
#[derive(Debug, Clone, PartialEq)]
pub struct Compound {
    pub kind: CompoundKind,
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
    /// Months since the first move-in (for owners' committees forming).
    pub age_months: u32,
    /// Renovated old compound (老旧小区改造).
    pub renovated: bool,
    /// The compound tenders next month whatever the chance (its firm was removed).
    pub tender_due: bool,
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
    pub households: Households,
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
    /// Hours of purchased public-service work firms delivered last month (set by the
    /// compounds step; they relieve the workers' pushed-down work).
    pub purchased_hours: f64,
    /// New occupants' and owners' draws when a dwelling turns over.
    pub residents_rng: Rng,
    /// Who moves out each month (one uniform per household).
    pub moves_lanes: Lanes,
    /// Owners' payment decisions (one uniform per household and month).
    pub fees_lanes: Lanes,
    pub firms_rng: Rng,
    pub workforce_rng: Rng,
    pub events_rng: Rng,
    /// Volunteers stopping and starting (one uniform per household and month).
    pub volunteers_lanes: Lanes,
    /// Committees forming, renovation, and (at generation) compound ages.
    pub governance_rng: Rng,
}

impl Community {
    /// Number of households.
    pub fn len(&self) -> usize {
        self.households.len()
    }

    pub fn is_empty(&self) -> bool {
        self.households.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::month::MonthFactors;
    use crate::model::params::Params;
    use crate::model::schedule::step;

    /// Every combination of occupancy, age and flags, and months at both ends of their range,
    /// comes back unchanged through the state word.
    #[test]
    fn dwellings_round_trip_through_the_state_word() {
        let mut all = Vec::new();
        for occupancy in [
            Occupancy::OwnerOccupied,
            Occupancy::Rented,
            Occupancy::Vacant,
        ] {
            for age in [Age::Young, Age::Middle, Age::Elderly] {
                for flags in 0..16u32 {
                    for months in [0, 1, 23, 24, 4321, u16::MAX] {
                        all.push(Household {
                            satisfaction: 0.25,
                            expectation: 0.75,
                            threshold: 0.5,
                            trust: f32::from_bits(0x3f00_0001),
                            income: 12_345.5,
                            months_resident: months,
                            occupancy,
                            age,
                            vulnerable: flags & 1 != 0,
                            paid: flags & 2 != 0,
                            volunteer: flags & 4 != 0,
                            party_member: flags & 8 != 0,
                        });
                    }
                }
            }
        }
        let hs: Households = all.iter().copied().collect();
        assert_eq!(hs.len(), all.len());
        assert_eq!(hs.state.len(), all.len() + BLOCK, "padded by a block");
        for (i, h) in all.iter().enumerate() {
            assert_eq!(hs.get(i), *h);
            assert_eq!(hs.occupancy(i), h.occupancy);
        }
        assert_eq!(hs.copy(0..all.len()).iter().collect::<Vec<_>>(), all);
        assert_eq!(hs.copy(2..5), hs.view(2..5).iter().collect());
    }

    /// A block write changes exactly the live lanes, bit for bit.
    #[test]
    fn a_block_write_changes_only_its_live_lanes() {
        for n in 0..=BLOCK {
            let mut field: Vec<f32> = (0..BLOCK).map(|j| -(j as f32) - 0.5).collect();
            let new: [f32; BLOCK] = std::array::from_fn(|j| j as f32 + 0.25);
            store(&mut field, &new, live(n));
            for (j, x) in field.iter().enumerate() {
                let expected = if j < n {
                    j as f32 + 0.25
                } else {
                    -(j as f32) - 0.5
                };
                assert_eq!(x.to_bits(), expected.to_bits(), "n {n}, lane {j}");
            }
        }
    }

    /// Two years of the whole schedule never write the padding past a community's last
    /// dwelling (blocks reach into it, but only their live lanes are written).
    #[test]
    fn the_padding_stays_empty_through_the_months() {
        let mut p = Params::default();
        p.world.households_per_community = 997;
        let mut c = Community::generate(&p, 3, 0, 0);
        let n = c.len();
        for month in 1..=24 {
            step(
                &p,
                &mut c,
                &MonthFactors::new(&p, month),
                &[],
                &mut Vec::new(),
            );
        }
        let hs = &c.households;
        for i in n..n + BLOCK {
            assert_eq!(hs.get(i), Household::EMPTY, "padding {i}");
        }
    }
}
