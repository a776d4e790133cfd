//! The world: communities made of compounds, buildings and households, and how a
//! scenario generates them. Households are the many agents, kept in one flat vector per
//! community, contiguous by building and compound, so a building is a slice.

use super::kind::CompoundKind;
use super::rng::{Lanes, Rng};
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
