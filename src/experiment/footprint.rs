//! How much memory and disk a run will need, estimated from the scenario before anything is
//! simulated, so that a world that cannot fit is refused in a moment instead of failing
//! (or thrashing) after minutes. Pure arithmetic: the io layer compares it with the machine.

use crate::experiment::BLOCK_COMMUNITIES;
use crate::model::metrics::{N_METRICS, Tally};
use crate::model::params::Params;
use crate::model::schedule::EventRow;
use crate::model::world::Households;

/// Bytes a simulated household costs at peak beyond its own fields: buildings, grids,
/// workers, and the per-event scratch vectors of the warning sub-simulation. Measured with
/// `shequ bench` when the whole city was held at once (peak resident memory 29.7-30.0 bytes
/// per household at 2 M households, of which 24 are its fields) and rounded up, so the
/// estimate errs on the side of refusing.
const OVERHEAD_PER_HOUSEHOLD: f64 = 16.0;
/// Fixed cost of the process (binary, allocator, thread stacks), bytes.
const BASE: f64 = 64.0 * 1024.0 * 1024.0;
/// Mean length of a number in the CSV files, with its comma.
const CSV_CELL: f64 = 20.0;

/// What a run is estimated to need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Footprint {
    /// Households of one replication's city.
    pub households: f64,
    /// Peak memory, bytes: the communities in flight and their monthly sums, plus every
    /// result held until written.
    pub peak_bytes: f64,
    /// Size of the output files, bytes.
    pub output_bytes: f64,
}

/// Households of the city the scenario generates (oversized and undersized communities
/// included; the counts of the even spreads of `generate::size_class`, ignoring the rare
/// community both pick).
pub fn households(p: &Params) -> f64 {
    let w = &p.world;
    let per = f64::from(w.households_per_community);
    let n = f64::from(w.communities);
    let oversized = (n * w.oversized_community_share).floor();
    let undersized = (n * w.undersized_community_share + 0.5).floor();
    per * (n + oversized * (w.oversized_factor - 1.0) + undersized * (w.undersized_factor - 1.0))
}

/// The footprint of `arms` scenarios like `p` (a compare runs its arms one after the other
/// and keeps every result), each with `p.run.replications` replications of which `threads`
/// run at once. `keep_months`: whether every month of every replication is kept (run,
/// compare) or only an end state (sweep).
///
/// A replication holds a community only while that community runs through its months
/// (`experiment::run_replication`), so at most `threads` communities are in memory at once,
/// each at most the largest size the scenario makes; beside them, each replication in
/// flight holds the monthly sums of one block of communities and of the city.
pub fn estimate(p: &Params, arms: usize, threads: usize, keep_months: bool) -> Footprint {
    let hh = households(p);
    let reps = f64::from(p.run.replications);
    let months = f64::from(p.run.years) * 12.0;
    let threads = threads.max(1) as f64;
    let in_flight = reps.min(threads);
    let per_household = Households::BYTES_PER_DWELLING as f64 + OVERHEAD_PER_HOUSEHOLD;
    let w = &p.world;
    let communities = f64::from(w.communities);
    let largest = f64::from(w.households_per_community) * w.oversized_factor.max(1.0);
    let live = (reps * communities).min(threads) * largest.min(hh) * per_household;
    let block = communities.min(f64::from(BLOCK_COMMUNITIES) * threads);
    let sums = in_flight * (block + 1.0) * months * std::mem::size_of::<Tally>() as f64;
    let cities = live + sums;
    // Expected event rows: each event reaches every community, three kinds each.
    let events = reps
        * f64::from(p.run.years)
        * (p.mobilisation.typhoons_per_year + p.events.len() as f64)
        * f64::from(p.world.communities)
        * 3.0;
    let event_bytes = events * std::mem::size_of::<EventRow>() as f64;
    let arms = arms.max(1) as f64;
    let (rows, csv) = if keep_months {
        let cells = reps * months * (N_METRICS as f64 + 2.0);
        (cells * 8.0, cells * CSV_CELL + events * 14.0 * CSV_CELL)
    } else {
        let cells = reps * (N_METRICS as f64 + 2.0);
        (cells * 8.0, cells * CSV_CELL)
    };
    Footprint {
        households: hh,
        peak_bytes: BASE + cities + arms * (rows + event_bytes),
        output_bytes: arms * csv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn households_count_the_oversized_communities() {
        let mut p = Params::default();
        p.world.communities = 20;
        p.world.households_per_community = 2500;
        p.world.oversized_community_share = 0.15;
        p.world.oversized_factor = 2.0;
        p.world.undersized_community_share = 0.0;
        // 3 of 20 communities are twice the size.
        assert_eq!(households(&p), 2500.0 * 23.0);
        // And 2 of 20 half the size.
        p.world.undersized_community_share = 0.1;
        p.world.undersized_factor = 0.5;
        assert_eq!(households(&p), 2500.0 * 22.0);
    }

    #[test]
    fn an_impossible_world_is_estimated_in_the_tens_of_gigabytes() {
        // The largest city is held a few communities at a time: well under a gigabyte...
        let mut p = Params::default();
        p.world.communities = 20_000;
        p.world.households_per_community = 50_000;
        let f = estimate(&p, 1, 2, true);
        assert!(f.peak_bytes < 1e9, "{f:?}");
        // ...but a typhoon every month for 200 years leaves 144 M event rows to keep.
        p.mobilisation.typhoons_per_year = 12.0;
        p.run.years = 200;
        let e = estimate(&p, 1, 2, true);
        assert!(e.peak_bytes > 10e9, "{e:?}");
        let mut q = Params::default();
        q.run.replications = 100_000;
        q.run.years = 200;
        let g = estimate(&q, 1, 2, true);
        assert!(g.peak_bytes > 100e9 && g.output_bytes > 100e9, "{g:?}");
        let base = estimate(&Params::default(), 1, 2, true);
        assert!(base.peak_bytes < 1e9, "{base:?}");
    }
}
