//! `shequ bench`: the speed and memory figures, reproducible with one command.
//! Runs one replication (or `--reps N`, in parallel) of a scenario (default: the baseline,
//! all mechanisms on) at a given number of households, and prints household-months per
//! wall-clock second and per CPU-second (the process's user + system time, from
//! `getrusage`, which stays meaningful on a shared machine), time per month, and peak
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

/// CPU time this process has used so far (user + system, every thread), seconds.
pub fn cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    {
        // SAFETY: getrusage writes into the zeroed struct it is given and reads nothing else.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
            return None;
        }
        let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
        Some(secs(u.ru_utime) + secs(u.ru_stime))
    }
    #[cfg(not(unix))]
    None
}

/// One measured run of `reps` replications.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    pub households: u64,
    pub reps: u32,
    pub months: u32,
    pub seconds: f64,
    /// CPU-seconds the run used (None where the platform does not say).
    pub cpu_seconds: Option<f64>,
    pub threads: usize,
}

impl Measure {
    /// Household-months simulated.
    pub fn household_months(&self) -> f64 {
        self.households as f64 * f64::from(self.months) * f64::from(self.reps)
    }

    pub fn household_months_per_second(&self) -> f64 {
        self.household_months() / self.seconds
    }

    pub fn household_months_per_cpu_second(&self) -> Option<f64> {
        self.cpu_seconds.map(|c| self.household_months() / c)
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

/// The months of each replication of a measured run.
pub type Rows = Vec<Vec<[f64; crate::model::metrics::N_METRICS]>>;

/// Runs `reps` replications on `threads` threads (in parallel, as `run` does) and times
/// them, in wall-clock and CPU time (world generation included).
pub fn measure(p: &Params, threads: usize, reps: u32) -> std::result::Result<(Measure, Rows), String> {
    let ((rows, households), seconds, cpu) = in_pool(Some(threads), || {
        use rayon::prelude::*;
        let cpu0 = cpu_seconds();
        let start = Instant::now();
        let reps: Vec<_> = (0..u64::from(reps))
            .into_par_iter()
            .map(|rep| run_replication(p, p.run.seed, rep))
            .collect();
        let seconds = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds().zip(cpu0).map(|(b, a)| b - a);
        let households = reps.first().map_or(0, |r| r.households);
        ((reps.into_iter().map(|r| r.months).collect::<Rows>(), households), seconds, cpu)
    })
    .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    Ok((
        Measure {
            households,
            reps,
            months: p.run.years * 12,
            seconds,
            cpu_seconds: cpu,
            threads,
        },
        rows,
    ))
}

/// One line of the table.
fn line(m: &Measure, note: &str) -> String {
    let cpu = |x: Option<f64>, scale: f64, prec: usize| {
        x.map_or("-".to_string(), |v| format!("{:.*}", prec, v / scale))
    };
    format!(
        "{:>11} {:>5} {:>7} {:>9.3} {:>9} {:>11.1} {:>11} {:>11.2}{note}",
        m.households,
        m.reps,
        m.months,
        m.seconds,
        cpu(m.cpu_seconds, 1.0, 3),
        m.household_months_per_second() / 1e6,
        cpu(m.household_months_per_cpu_second(), 1e6, 1),
        m.seconds * 1e3 / f64::from(m.months) / f64::from(m.reps),
    )
}

/// The `bench` command: `households` (default 2,000,000), `scaling` runs 0.25 M to 4 M;
/// `baseline_kernels` runs the hot loops' baseline compilation instead of the AVX2 one.
pub fn bench(
    scenario: &Path,
    households: u64,
    scaling: bool,
    check_threads: bool,
    baseline_kernels: bool,
    common: &CommonArgs,
) -> Result {
    let s = resolve(scenario, common)?;
    let threads = threads(common.threads)?.unwrap_or_else(cores);
    let reps = common.reps.unwrap_or(1);
    let sizes: Vec<u64> = if scaling {
        vec![250_000, 500_000, 1_000_000, 2_000_000, 4_000_000]
    } else {
        vec![households]
    };
    // Refuse a city that cannot fit before printing anything (bench writes no files).
    for &n in &sizes {
        let mut p = city(&s.params, n);
        p.run.replications = reps;
        let need = footprint::Footprint {
            output_bytes: 0.0,
            ..footprint::estimate(&p, 1, threads, true)
        };
        check_fits(&need, common.allow_large)?;
    }
    crate::model::simd::use_vector_kernels(!baseline_kernels);
    say(&format!(
        "shequ bench: scenario {}, {} years, seed {}, {} thread(s), {} core(s) available, hot loops compiled for {}",
        s.name,
        s.params.run.years,
        s.params.run.seed,
        threads,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if crate::model::simd::avx2() {
            "AVX2"
        } else {
            "the baseline"
        }
    ));
    say(&format!(
        "{:>11} {:>5} {:>7} {:>9} {:>9} {:>11} {:>11} {:>11}",
        "households", "reps", "months", "wall s", "CPU s", "M hm/wall-s", "M hm/CPU-s", "ms/month"
    ));
    for n in sizes {
        let p = city(&s.params, n);
        let (m, rows) = measure(&p, threads, reps).map_err(Error::Input)?;
        say(&line(&m, ""));
        if check_threads && threads != 1 {
            let (one, rows1) = measure(&p, 1, reps).map_err(Error::Input)?;
            let same = if rows1 == rows { "yes" } else { "NO" };
            say(&line(&one, &format!("   1 thread; output identical: {same}")));
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
