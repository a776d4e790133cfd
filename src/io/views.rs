//! Which metrics each view shows: the only presentation choice left outside the registry
//! (`model::metrics`). Placeholder lists for the terminal tables; the plot views are added
//! with the plot modules.

use crate::model::metrics::M;

/// The run's terminal glance (`shequ run`, the default demo).
pub const GLANCE: &[M] = &[
    M::FeeCollectionRate,
    M::ServiceQuality,
    M::OwnerSatisfaction,
    M::ManagedShare,
    M::FirmExits,
];

/// The terminal tables of `compare` (all six) and `sweep` (the first four).
pub const TERMINAL_MAIN: &[M] = &[
    M::FeeCollectionRate,
    M::ServiceQuality,
    M::OwnerSatisfaction,
    M::ManagedShare,
    M::FirmExits,
    M::PublicCost,
];
