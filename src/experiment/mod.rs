//! Replications and their statistics. Owns parallelism: replications and, within a month,
//! communities run on rayon's pool; every random stream derives from
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
pub fn run_replication(p: &Params, seed: u64, rep: u64) -> Replication {
    let mut communities: Vec<Community> = (0..p.world.communities)
        .into_par_iter()
        .map(|id| Community::generate(p, seed, rep, id))
        .collect();
    let households = communities.iter().map(|c| c.len() as u64).sum();
    let months = p.run.years * 12;
    let calendar = mobilisation::calendar(p, seed, rep);
    let mut rows = Vec::with_capacity(months as usize);
    let mut events = Vec::new();
    let mut todays: Vec<Vec<(u32, f64)>> = vec![Vec::new(); communities.len()];
    let mut in_force: Option<Params> = None;
    for month in 1..=months {
        for t in todays.iter_mut() {
            t.clear();
        }
        for (i, e) in calendar
            .iter()
            .enumerate()
            .filter(|(_, e)| e.month == month)
        {
            for &c in &e.communities {
                todays[c as usize].push((i as u32, e.severity));
            }
        }
        // The parameters in force this month (`[[changes]]`), computed once for every
        // community. Before the first change's month this is `p` itself, so a run is
        // identical to the same scenario without the changes up to that month. Streams are
        // keyed by (seed, replication, community, mechanism), never by a parameter, and the
        // event calendar (drawn once, above) reads only keys a change may not touch, so a
        // change shifts no stream before it acts. From its month on, draws whose number
        // depends on a value can differ in number (e.g. the owners' threshold distribution,
        // Beta draws by rejection, leaders and volunteers drawn only where they exist), so
        // later draws of that community's stream may differ too: common random numbers hold
        // exactly before a change and approximately after it.
        // The parameters in force move only in the months a change acts in.
        if p.changes_in(month) {
            in_force = p.at_month(month);
        }
        let pm = in_force.as_ref().unwrap_or(p);
        // What the month takes from (parameters, month) alone, computed once for every
        // community from the parameters in force.
        let factors = MonthFactors::new(pm, month);
        let results: Vec<(Tally, Vec<EventRow>)> = communities
            .par_iter_mut()
            .zip(todays.par_iter())
            .map(|(c, todays)| {
                let mut rows = Vec::new();
                let t = schedule::step(pm, c, &factors, todays, &mut rows);
                (t, rows)
            })
            .collect();
        // Summed in community order: floating-point addition is not associative.
        let mut total = Tally::default();
        for (t, r) in results {
            total.add(&t);
            events.extend(r);
        }
        rows.push(total.metrics());
    }
    metrics::rolling_turnover(&mut rows);
    metrics::cumulative_costs(&mut rows);
    events.sort_by_key(|e| (e.month, e.event, e.community, e.kind));
    Replication {
        months: rows,
        households,
        events,
    }
}

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
