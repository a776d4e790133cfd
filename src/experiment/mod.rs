//! Replications and their statistics. Owns parallelism: replications and, within a
//! replication, communities (each through all its months) run on rayon's pool; every random
//! stream derives from
//! (seed, replication, community, mechanism), and sums are taken in a fixed order, so the
//! output is bit-identical whatever the number of threads.

pub mod calibrate;
pub mod compare;
pub mod footprint;
pub mod sensitivity;
pub mod stats;
pub mod sweep;
pub mod units;
pub mod validate;
pub mod windows;

use rayon::prelude::*;

use crate::model::metrics::{self, N_METRICS, Tally};
use crate::model::mobilisation;
use crate::model::month::MonthFactors;
use crate::model::params::Params;
use crate::model::schedule::{self, EventRow};
use crate::model::world::Community;

/// One month's metrics, in the order of [`metrics::METRICS`].
pub type Row = [f64; N_METRICS];

/// What one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    /// One row per month, months 1..=12 x years.
    pub months: Vec<Row>,
    /// Households at the start (conserved through the run).
    pub households: u64,
    /// One row per event x community x compound kind, in month, event, community order.
    pub events: Vec<EventRow>,
}

/// What a whole run produced: replications in order 0..reps.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    pub reps: Vec<Replication>,
    pub months: u32,
}

impl RunResult {
    /// Household-months simulated: households x months, summed over replications.
    pub fn household_months(&self) -> f64 {
        self.reps
            .iter()
            .map(|r| r.households as f64 * f64::from(self.months))
            .sum()
    }
}

/// Runs replication `rep` of the scenario with master seed `seed`.
///
/// Communities do not interact within a month: each month's step reads only the community,
/// the parameters in force and the month's factors (computed once for the city, below), and
/// the events reaching it. So each community runs all its months in one go, while its
/// dwellings stay in the core's cache, and is dropped when done; the city's month is then
/// the sum of the communities' months taken in community order, the same additions in the
/// same order as stepping the whole city month by month, so the result is the same bits.
/// Communities run in blocks of [`BLOCK_COMMUNITIES`] per thread, which bounds the months'
/// sums held at once.
pub fn run_replication(p: &Params, seed: u64, rep: u64) -> Replication {
    let months = p.run.years * 12;
    let calendar = mobilisation::calendar(p, seed, rep);
    // The parameters in force each month (`[[changes]]`), and the month's factors, computed
    // once for every community. Before the first change's month this is `p` itself, so a
    // run is identical to the same scenario without the changes up to that month. Streams
    // are keyed by (seed, replication, community, mechanism), never by a parameter, and the
    // event calendar (drawn once, above) reads only keys a change may not touch, so a
    // change shifts no stream before it acts. From its month on, draws whose number depends
    // on a value can differ in number (e.g. the owners' threshold distribution, Beta draws
    // by rejection, leaders and volunteers drawn only where they exist), so later draws of
    // that community's stream may differ too: common random numbers hold exactly before a
    // change and approximately after it. The parameters in force move only in the months a
    // change acts in.
    let mut versions: Vec<Params> = Vec::new();
    let mut plan: Vec<(Option<usize>, MonthFactors)> = Vec::with_capacity(months as usize);
    let mut current: Option<usize> = None;
    for month in 1..=months {
        if p.changes_in(month) {
            current = p.at_month(month).map(|q| {
                versions.push(q);
                versions.len() - 1
            });
        }
        let pm = current.map_or(p, |v| &versions[v]);
        plan.push((current, MonthFactors::new(pm, month)));
    }
    // The calendar's events of each month, in calendar order.
    let mut by_month: Vec<Vec<u32>> = vec![Vec::new(); months as usize + 1];
    for (i, e) in calendar.iter().enumerate() {
        if let Some(list) = by_month.get_mut(e.month as usize) {
            list.push(i as u32);
        }
    }
    let run_community = |id: u32| -> (u64, Vec<Tally>, Vec<EventRow>) {
        let mut c = Community::generate(p, seed, rep, id);
        let households = c.len() as u64;
        let mut tallies = Vec::with_capacity(months as usize);
        let mut rows = Vec::new();
        let mut todays: Vec<(u32, f64)> = Vec::new();
        for (month, (version, factors)) in (1..=months).zip(&plan) {
            todays.clear();
            for &i in &by_month[month as usize] {
                let e = &calendar[i as usize];
                // Each event's communities are ascending.
                if e.communities.binary_search(&id).is_ok() {
                    todays.push((i, e.severity));
                }
            }
            let pm = version.map_or(p, |v| &versions[v]);
            tallies.push(schedule::step(pm, &mut c, factors, &todays, &mut rows));
        }
        (households, tallies, rows)
    };
    let mut totals = vec![Tally::default(); months as usize];
    let mut events = Vec::new();
    let mut households = 0;
    let block = BLOCK_COMMUNITIES * rayon::current_num_threads() as u32;
    let mut first = 0;
    while first < p.world.communities {
        let end = first.saturating_add(block).min(p.world.communities);
        let done: Vec<(u64, Vec<Tally>, Vec<EventRow>)> =
            (first..end).into_par_iter().map(run_community).collect();
        // Summed in community order: floating-point addition is not associative.
        for (n, tallies, rows) in done {
            households += n;
            for (total, t) in totals.iter_mut().zip(&tallies) {
                total.add(t);
            }
            events.extend(rows);
        }
        first = end;
    }
    let mut rows: Vec<Row> = totals.iter().map(Tally::metrics).collect();
    metrics::rolling_turnover(&mut rows);
    metrics::cumulative_costs(&mut rows);
    events.sort_by_key(|e| (e.month, e.event, e.community, e.kind));
    Replication {
        months: rows,
        households,
        events,
    }
}

/// Communities a thread runs in one block of [`run_replication`]: enough to keep every
/// thread busy when communities differ in size, few enough that the blocks' monthly sums
/// (a few hundred kilobytes a community over 20 years) stay small beside the city.
pub const BLOCK_COMMUNITIES: u32 = 16;

/// Runs `p.run.replications` replications with seed `p.run.seed`, on `threads` threads
/// (`None`: rayon's default, which honours `RAYON_NUM_THREADS`). `on_done` is called once per
/// finished replication (from worker threads) for progress reporting.
pub fn run(
    p: &Params,
    threads: Option<usize>,
    on_done: &(dyn Fn() + Sync),
) -> Result<RunResult, rayon::ThreadPoolBuildError> {
    let go = || {
        (0..u64::from(p.run.replications))
            .into_par_iter()
            .map(|rep| {
                let r = run_replication(p, p.run.seed, rep);
                on_done();
                r
            })
            .collect::<Vec<_>>()
    };
    Ok(RunResult {
        reps: in_pool(threads, go)?,
        months: p.run.years * 12,
    })
}

/// Runs `go` on a pool of `threads` threads (`None`: rayon's global pool, which honours
/// `RAYON_NUM_THREADS`). The one place a thread pool is built.
pub fn in_pool<T: Send>(
    threads: Option<usize>,
    go: impl FnOnce() -> T + Send,
) -> Result<T, rayon::ThreadPoolBuildError> {
    Ok(match threads {
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()?
            .install(go),
        None => go(),
    })
}
