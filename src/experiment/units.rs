//! Units of work: one (arm, point or design row, replication) of a comparison, a sweep or
//! a sensitivity study.
//!
//! A sweep of `P` points, a comparison of `P` arms or a sensitivity design of `P` rows with
//! `R` replications is `P x R` units, numbered group-major: unit `u` is group `u / R`,
//! replication `u % R`. Every unit runs
//! with the master seed; its random streams derive from (seed, replication, community,
//! mechanism) ([`crate::model::rng::stream`]), so a unit's result depends on nothing but its
//! group's parameters, the seed and its replication, whichever machine, process or thread
//! runs it. That is what lets a sweep resume from its finished units and run in shards on
//! many machines, and still give results bit-identical to one uninterrupted run: run units
//! ([`run`]), keep each result, then assemble them in unit order
//! ([`crate::experiment::sweep::SweepResult::assemble`], [`crate::experiment::compare::assemble`]).

use rayon::prelude::*;

use crate::experiment::in_pool;
use crate::model::rng::mix;

/// One unit: group (arm, point or design row, from 0) and replication (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub group: usize,
    pub rep: u32,
}

/// Unit `index` of a plan with `reps` replications per group.
pub fn unit(index: usize, reps: u32) -> Unit {
    let r = reps.max(1) as usize;
    Unit {
        group: index / r,
        rep: (index % r) as u32,
    }
}

/// The seed a replication's streams derive from: `mix(mix(seed) ^ rep)`. Every stream of
/// replication `rep` is `mix(mix(derived ^ community) ^ mechanism)`, so this one number
/// (with the group's parameters) determines the unit's result.
pub fn derived_seed(seed: u64, rep: u32) -> u64 {
    mix(mix(seed) ^ u64::from(rep))
}

/// Runs the units `indices` on `threads` threads with `go`, calling `on_done` with each
/// finished unit's index and result (from worker threads: to checkpoint it, or count it).
/// Results come back in the order of `indices`, whatever the thread count.
pub fn run<T: Send>(
    indices: &[usize],
    threads: Option<usize>,
    go: &(dyn Fn(usize) -> T + Sync),
    on_done: &(dyn Fn(usize, &T) + Sync),
) -> Result<Vec<T>, rayon::ThreadPoolBuildError> {
    in_pool(threads, || {
        indices
            .par_iter()
            .map(|&u| {
                let r = go(u);
                on_done(u, &r);
                r
            })
            .collect()
    })
}

/// The units of shard `i` of `n` (1-based) among `total`: every `n`-th unit from `i - 1`
/// (strided, so each shard gets a share of every group and shards take about equally long
/// even where groups differ in cost).
pub fn shard(i: usize, n: usize, total: usize) -> Vec<usize> {
    if i == 0 || i > n {
        return Vec::new();
    }
    (i - 1..total).step_by(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::{Stream, stream};
    use rand::RngExt;

    #[test]
    fn units_are_group_major_and_shards_partition_them() {
        assert_eq!(unit(0, 3), Unit { group: 0, rep: 0 });
        assert_eq!(unit(5, 3), Unit { group: 1, rep: 2 });
        assert_eq!(unit(6, 3), Unit { group: 2, rep: 0 });
        let total = 17;
        let mut all: Vec<usize> = (1..=3).flat_map(|i| shard(i, 3, total)).collect();
        all.sort_unstable();
        assert_eq!(all, (0..total).collect::<Vec<_>>());
        assert_eq!(shard(2, 3, 7), vec![1, 4]);
        assert!(shard(0, 3, 7).is_empty() && shard(4, 3, 7).is_empty());
    }

    #[test]
    fn the_derived_seed_is_what_streams_start_from() {
        let (seed, rep, c) = (42, 3, 5);
        let d = derived_seed(seed, rep);
        let mut a = stream(seed, u64::from(rep), c, Stream::Fees);
        let h = mix(mix(d ^ c) ^ Stream::Fees as u64);
        let mut b = <crate::model::rng::Rng as rand::SeedableRng>::seed_from_u64(h);
        assert_eq!(a.random::<u64>(), b.random::<u64>());
    }

    #[test]
    fn run_keeps_the_order_of_indices_at_any_thread_count() {
        let idx = [4, 1, 3, 0];
        let seen = std::sync::Mutex::new(Vec::new());
        let one = run(&idx, Some(1), &|u| u * 10, &|u, _| {
            seen.lock().unwrap().push(u)
        })
        .unwrap();
        let two = run(&idx, Some(2), &|u| u * 10, &|_, _| {}).unwrap();
        assert_eq!(one, vec![40, 10, 30, 0]);
        assert_eq!(one, two);
        assert_eq!(seen.lock().unwrap().len(), 4);
    }
}
