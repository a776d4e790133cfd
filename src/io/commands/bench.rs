//! `shequ bench`: the city-scale speed and memory figures, reproducible with one command.
//! Runs one replication of a scenario (default: the baseline, all mechanisms on) at a given
//! number of households, and prints household-months per second, time per month, and peak
//! resident memory per household (VmHWM from /proc/self/status, Linux only). Writes nothing.

use std::path::Path;
use std::time::Instant;

use crate::experiment::footprint;
use crate::experiment::in_pool;
use crate::experiment::run_replication;
use crate::io::cli::CommonArgs;
use crate::io::commands::{check_fits, cores, resolve, say, threads};
use crate::io::error::{Error, Result};
use crate::model::params::Params;

/// Peak resident set size of this process, bytes (None where /proc is unavailable).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// One measured replication.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    pub households: u64,
    pub months: u32,
    pub seconds: f64,
    pub threads: usize,
}

impl Measure {
    pub fn household_months_per_second(&self) -> f64 {
        self.households as f64 * f64::from(self.months) / self.seconds
    }
}

/// Params for `households` households of ordinary size (no oversized or undersized communities).
pub fn city(base: &Params, households: u64) -> Params {
    let mut p = base.clone();
    p.world.oversized_community_share = 0.0;
    p.world.undersized_community_share = 0.0;
    p.world.communities = (households as f64 / f64::from(p.world.households_per_community))
        .round()
        .max(1.0) as u32;
    p
}

/// Runs one replication on `threads` threads and times it (world generation included).
pub fn measure(
    p: &Params,
    threads: usize,
) -> std::result::Result<(Measure, Vec<[f64; crate::model::metrics::N_METRICS]>), String> {
    let (r, seconds) = in_pool(Some(threads), || {
        let start = Instant::now();
        let r = run_replication(p, p.run.seed, 0);
        (r, start.elapsed().as_secs_f64())
    })
    .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    Ok((
        Measure {
            households: r.households,
            months: p.run.years * 12,
            seconds,
            threads,
        },
        r.months,
    ))
}

/// The `bench` command: `households` (default 2,000,000), `scaling` runs 0.25 M to 4 M.
pub fn bench(
    scenario: &Path,
    households: u64,
    scaling: bool,
    check_threads: bool,
    common: &CommonArgs,
) -> Result {
    let s = resolve(scenario, common)?;
    let threads = threads(common.threads)?.unwrap_or_else(cores);
    let sizes: Vec<u64> = if scaling {
        vec![250_000, 500_000, 1_000_000, 2_000_000, 4_000_000]
    } else {
        vec![households]
    };
    // Refuse a city that cannot fit before printing anything (bench writes no files).
    for &n in &sizes {
        let mut p = city(&s.params, n);
        p.run.replications = 1;
        let need = footprint::Footprint {
            output_bytes: 0.0,
            ..footprint::estimate(&p, 1, 1, true)
        };
        check_fits(&need, common.allow_large)?;
    }
    say(&format!(
        "shequ bench: scenario {}, {} years, seed {}, {} thread(s), {} core(s) available",
        s.name,
        s.params.run.years,
        s.params.run.seed,
        threads,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    ));
    say(&format!(
        "{:>12} {:>8} {:>12} {:>16} {:>16}",
        "households", "months", "seconds", "M hh-months/s", "ms per month"
    ));
    for n in sizes {
        let p = city(&s.params, n);
        let (m, rows) = measure(&p, threads).map_err(Error::Input)?;
        say(&format!(
            "{:>12} {:>8} {:>12.2} {:>16.1} {:>16.2}",
            m.households,
            m.months,
            m.seconds,
            m.household_months_per_second() / 1e6,
            m.seconds * 1e3 / f64::from(m.months)
        ));
        if check_threads && threads != 1 {
            let (one, rows1) = measure(&p, 1).map_err(Error::Input)?;
            say(&format!(
                "{:>12} {:>8} {:>12.2} {:>16.1} {:>16.2}   1 thread; output identical: {}",
                one.households,
                one.months,
                one.seconds,
                one.household_months_per_second() / 1e6,
                one.seconds * 1e3 / f64::from(one.months),
                if rows1 == rows { "yes" } else { "NO" }
            ));
        }
    }
    if let Some(peak) = peak_rss_bytes() {
        let largest = if scaling { 4_000_000 } else { households };
        say(&format!(
            "peak resident memory: {:.1} MiB = {:.1} bytes per household (largest run, {} households)",
            peak as f64 / 1_048_576.0,
            peak as f64 / largest as f64,
            largest
        ));
    }
    Ok(())
}
