//! Which metrics each view shows, in the order shown: the only presentation choice that is not
//! in the registry. Titles, units, Chinese terms, bounds, how a year aggregates a metric and
//! how it is scaled for display all come from [`crate::model::metrics::METRICS`]; a view names
//! metrics by id ([`M`]), never by their column name.

use crate::model::metrics::M;

/// The key metrics drawn over time for a run or a comparison, in report order: the
/// property-fee cycle, then the workforce (`plot::plot_run`, `plot::compare::plot_compare`;
/// the key-figures table of the run report). Metrics missing from a directory are skipped.
pub const RUN_TIME_SERIES: &[M] = &[
    M::FeeCollectionRate,
    M::ServiceCoverage,
    M::ServiceQuality,
    M::OwnerSatisfaction,
    M::ManagedShare,
    M::CommitteeShare,
    M::FirmExits,
    M::FirmEntries,
    M::EnforcementCost,
    M::WorkersEmployed,
    M::WorkerVacancyRate,
    M::WorkerTurnoverAnnual,
    M::CertifiedShare,
    M::LocalShare,
    M::MediationCoverage,
];

/// The spiral (phase plot): x, then y.
pub const SPIRAL: [M; 2] = [M::FeeCollectionRate, M::ServiceQuality];

/// The rows of the end-state chart (last-year means), all on a 0-1 scale.
pub const END_STATE: &[M] = &[
    M::FeeCollectionRate,
    M::ServiceCoverage,
    M::ServiceQuality,
    M::OwnerSatisfaction,
    M::ManagedShare,
    M::CommitteeShare,
    M::WorkerVacancyRate,
    M::CertifiedShare,
    M::LocalShare,
    M::MediationCoverage,
];

/// The rows of the first paired-differences chart of a comparison (one 0-1 axis).
pub const DIFF_SHARES: &[M] = END_STATE;

/// The panels of the second paired-differences chart of a comparison (each in its own unit).
pub const DIFF_OTHER: &[M] = &[
    M::FirmExits,
    M::FirmEntries,
    M::EnforcementCost,
    M::WorkersEmployed,
    M::WorkerTurnoverAnnual,
    M::PublicCost,
];

/// The rows of the paired-differences table of the comparison report: the key metrics over
/// time, then the public cost.
pub const DIFF_TABLE: &[M] = &followed_by::<16>(RUN_TIME_SERIES, M::PublicCost);

/// `first`, then `last`: `N` must be `first.len() + 1` (checked when the constant is built).
const fn followed_by<const N: usize>(first: &[M], last: M) -> [M; N] {
    assert!(first.len() + 1 == N);
    let mut out = [last; N];
    let mut i = 0;
    while i < first.len() {
        out[i] = first[i];
        i += 1;
    }
    out
}

/// The outcomes of the comparison report's cost-effectiveness table: last-year difference
/// per 100 million RMB of extra public cost over the whole run.
pub const COST_EFFECT: &[M] = &[
    M::ServiceCoverage,
    M::FeeCollectionRate,
    M::ManagedShare,
    M::ServiceQuality,
    M::WorkerTurnoverAnnual,
];

/// The columns of the yearly glance `shequ run` prints to the terminal (`io::text::glance`).
pub const GLANCE: &[M] = &[
    M::FeeCollectionRate,
    M::ServiceQuality,
    M::OwnerSatisfaction,
    M::ManagedShare,
    M::FirmExits,
];

/// The main metrics of a sweep: the glance, then the public cost; one chart each and the
/// columns of the report's table by point (`plot::sweep::plot_sweep`,
/// `report::sweep::sweep_report`).
pub const SWEEP: &[M] = &followed_by::<6>(GLANCE, M::PublicCost);

/// The metrics of the terminal tables of `shequ compare` (all) and `shequ sweep` (the first
/// four), in `io::text`.
pub const TERMINAL_MAIN: &[M] = SWEEP;

/// Which way a metric improves, for `p_better` in `compare --posterior` and the report's
/// robust rankings. A value judgement, not a model rule: the essay's aims (paid and served
/// compounds, satisfied owners, trust, a stable, local and certified workforce, mediation,
/// volunteers, vulnerable households reached in time) and lower cost. Metrics in neither
/// list (prices, entries, hires, composition, hours bought ...) have no better direction.
pub const HIGHER_IS_BETTER: &[M] = &[
    M::FeeCollectionRate,
    M::ServiceCoverage,
    M::ServiceQuality,
    M::OwnerSatisfaction,
    M::ManagedShare,
    M::Trust,
    M::FeeCollectionRateNewEstate,
    M::FeeCollectionRateOldCompound,
    M::FeeCollectionRateResettlement,
    M::ManagedShareNewEstate,
    M::ManagedShareOldCompound,
    M::ManagedShareResettlement,
    M::WorkerMeanTenureMonths,
    M::LocalShare,
    M::CertifiedShare,
    M::MediationCapacity,
    M::MediationCoverage,
    M::VulnerableKnownShare,
    M::VolunteerShare,
    M::VolunteerSharePersons,
    M::VulnerableHelpedInWindow,
    M::CommitteeShare,
];

/// See [`HIGHER_IS_BETTER`].
pub const LOWER_IS_BETTER: &[M] = &[
    M::FirmExits,
    M::UnmanagedCompounds,
    M::WorkerVacancyRate,
    M::WorkerSeparations,
    M::WorkerTurnoverAnnual,
    M::WorkerExamExits,
    M::HouseholdsPerWorker,
    M::AdminLoadShare,
    M::Workload,
    M::DisputesUnsettled,
    M::EnforcementCost,
    M::MobilisationCost,
    M::PublicCost,
    M::PublicCostCumulative,
    M::PublicCostDiscounted,
];

/// The share of a plausible set's points at which a ranking must hold to be called robust
/// (docs/ODD.md §9.4).
pub const ROBUST_SHARE: f64 = 0.9;

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

impl Better {
    /// The direction of `m`, if it has one.
    pub fn of(m: M) -> Option<Better> {
        if HIGHER_IS_BETTER.contains(&m) {
            Some(Better::Higher)
        } else if LOWER_IS_BETTER.contains(&m) {
            Some(Better::Lower)
        } else {
            None
        }
    }

    /// `higher` or `lower`, as in `comparison.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Better::Higher => "higher",
            Better::Lower => "lower",
        }
    }

    /// `higher` or `lower` in the current language (reports and terminal tables).
    pub fn word(self) -> &'static str {
        match self {
            Better::Higher => crate::io::i18n::HIGHER,
            Better::Lower => crate::io::i18n::LOWER,
        }
        .get()
    }

    /// The verdict on a ranking across a plausible set: better, or worse, at no fewer than
    /// [`ROBUST_SHARE`] of its points, else it depends on the uncertain parameters (in the
    /// current language).
    pub fn verdict(p_better: f64, p_worse: f64) -> &'static str {
        use crate::io::i18n::{BETTER_ROBUST, DEPENDS, NO_CHANGE, WORSE_ROBUST};
        if p_better >= ROBUST_SHARE {
            BETTER_ROBUST
        } else if p_worse >= ROBUST_SHARE {
            WORSE_ROBUST
        } else if p_better + p_worse == 0.0 {
            NO_CHANGE
        } else {
            DEPENDS
        }
        .get()
    }

    /// (share of points better, share worse) from the shares above and below zero.
    pub fn shares(self, above: f64, below: f64) -> (f64, f64) {
        match self {
            Better::Higher => (above, below),
            Better::Lower => (below, above),
        }
    }
}

/// The charts of `shequ teach`'s page, in the order shown: the fee cycle, trust, the
/// workforce and the public cost.
pub const TEACH_CHARTS: &[M] = &[
    M::FeeCollectionRate,
    M::ServiceQuality,
    M::OwnerSatisfaction,
    M::ManagedShare,
    M::Trust,
    M::WorkerTurnoverAnnual,
    M::MediationCoverage,
    M::PublicCost,
];

#[cfg(test)]
mod tests {
    use super::{
        DIFF_OTHER, DIFF_SHARES, DIFF_TABLE, END_STATE, GLANCE, HIGHER_IS_BETTER, LOWER_IS_BETTER,
        RUN_TIME_SERIES, SPIRAL, SWEEP, TERMINAL_MAIN,
    };
    use crate::model::metrics::M;

    const VIEWS: &[(&str, &[M])] = &[
        ("RUN_TIME_SERIES", RUN_TIME_SERIES),
        ("SPIRAL", &SPIRAL),
        ("END_STATE", END_STATE),
        ("DIFF_SHARES", DIFF_SHARES),
        ("DIFF_OTHER", DIFF_OTHER),
        ("DIFF_TABLE", DIFF_TABLE),
        ("SWEEP", SWEEP),
        ("TERMINAL_MAIN", TERMINAL_MAIN),
        ("GLANCE", GLANCE),
        ("HIGHER_IS_BETTER", HIGHER_IS_BETTER),
        ("LOWER_IS_BETTER", LOWER_IS_BETTER),
    ];

    #[test]
    fn views_are_non_empty_without_duplicates() {
        for (name, view) in VIEWS {
            assert!(!view.is_empty(), "{name} is empty");
            for (i, m) in view.iter().enumerate() {
                assert!(!view[..i].contains(m), "{name} lists {m:?} twice");
            }
        }
    }

    #[test]
    fn unit_interval_views_hold_only_shares_and_indices() {
        for m in END_STATE.iter().chain(DIFF_SHARES).chain(&SPIRAL) {
            assert!(m.meta().is_unit_interval(), "{m:?} is not on 0-1");
        }
    }

    #[test]
    fn no_metric_improves_both_ways() {
        for m in HIGHER_IS_BETTER {
            assert!(!LOWER_IS_BETTER.contains(m), "{m:?} is in both lists");
        }
    }
}
