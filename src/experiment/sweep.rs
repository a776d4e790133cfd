//! Parameter sweeps: a full grid or a Latin hypercube over some keys of a scenario.
//!
//! Every point runs the same replications with the same master seed, so two points differ
//! only by their parameters (common random numbers). Points x replications are one list of
//! jobs run on rayon's pool and collected in order, so the results are bit-identical
//! whatever the number of threads.
//!
//! A point keeps only its end state (the last-year mean of every metric), never the
//! monthly series, so a sweep of thousands of points fits in memory.
//!
//! # The Latin hypercube stream
//!
//! An LHS sample of `N` points over `K` keys is drawn from its own stream: a Xoshiro256++
//! generator seeded (`seed_from_u64`) with `mix(mix(seed) ^ LHS_STREAM)` where `mix` is
//! [`crate::model::rng::mix`] and `seed` the run's master seed. For each key in the order
//! given: a random permutation `perm` of the `N` strata (Fisher-Yates from the last index
//! down, index `j` in `0..=i` drawn as `(next_u64 * (i + 1)) >> 64`), then for each point
//! `p` in order a uniform `u = (next_u64 >> 11) * 2^-53` in `[0, 1)`; the point's unit
//! coordinate is `(perm[p] + u) / N`, so every key has exactly one point in each of its
//! `N` strata `[s/N, (s+1)/N)`. A unit coordinate `t` maps to `lo * (1 - t) + hi * t`,
//! rounded for whole-number keys (so two points of a narrow whole-number range may share a
//! value). Same seed, keys and `N` → the same sample.

use std::fmt;

use rand::{Rng as _, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::experiment::run_replication;
use crate::experiment::stats::{Summary, summarize};
use crate::experiment::units;
use crate::experiment::windows::end_state;
use crate::model::metrics::N_METRICS;
use crate::model::params::Params;
use crate::model::params::domain::{Domain, SetError};
use crate::model::rng::mix;

/// Tag of the Latin-hypercube stream ("LHS_SWEP"), distinct from the model's streams.
pub const LHS_STREAM: u64 = 0x4C48_535F_5357_4550;

/// Most points a sweep may have.
pub const MAX_POINTS: usize = 100_000;

/// A refused sweep: which key (if one is to blame) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepError {
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for SweepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(k) => write!(f, "--vary: key `{k}`: {}", self.message),
            None => write!(f, "--vary: {}", self.message),
        }
    }
}

impl std::error::Error for SweepError {}

fn err(key: Option<&str>, message: String) -> SweepError {
    SweepError {
        key: key.map(str::to_string),
        message,
    }
}

/// One `--vary key=lo:hi[:steps]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub key: String,
    pub lo: f64,
    pub hi: f64,
    /// Grid values from `lo` to `hi` (1: `lo` only); absent for a Latin hypercube.
    pub steps: Option<u32>,
}

impl Vary {
    /// Parses `key=lo:hi:steps` (grid) or `key=lo:hi` (Latin hypercube). Checks only the
    /// form; [`plan`] checks the key and the values.
    pub fn parse(spec: &str) -> Result<Vary, SweepError> {
        let Some((key, range)) = spec.split_once('=') else {
            return Err(err(
                None,
                format!("`{spec}` is not of the form key=lo:hi:steps (or key=lo:hi with --lhs)"),
            ));
        };
        let key = key.trim();
        let parts: Vec<&str> = range.split(':').map(str::trim).collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(err(
                Some(key),
                format!("`{range}` is not of the form lo:hi:steps (or lo:hi with --lhs)"),
            ));
        }
        let num = |what: &str, s: &str| -> Result<f64, SweepError> {
            match s.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x),
                _ => Err(err(
                    Some(key),
                    format!("{what} `{s}` is not a finite number"),
                )),
            }
        };
        let lo = num("lo", parts[0])?;
        let hi = num("hi", parts[1])?;
        let steps = match parts.get(2) {
            None => None,
            Some(s) => Some(s.parse::<u32>().map_err(|_| {
                err(
                    Some(key),
                    format!("steps `{s}` is not a whole number of at least 1"),
                )
            })?),
        };
        Ok(Vary {
            key: key.to_string(),
            lo,
            hi,
            steps,
        })
    }
}

/// How points are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Every combination of every key's `steps` values; the first key varies slowest.
    Grid,
    /// A Latin hypercube of this many points (see the module documentation).
    Lhs(u32),
}

/// One point of a sweep: the varied values (in the order of the keys) and the parameters.
#[derive(Debug, Clone)]
pub struct Point {
    pub values: Vec<toml::Value>,
    pub params: Params,
}

/// The checked points of a sweep.
#[derive(Debug, Clone)]
pub struct Plan {
    pub keys: Vec<String>,
    pub design: Design,
    pub points: Vec<Point>,
}

/// A whole-number key's domain is rounded to; a real key's is taken as it is.
fn numeric_domain(key: &str, d: Domain) -> Result<bool, SweepError> {
    match d {
        Domain::Real { .. } => Ok(false),
        Domain::Int { .. } => Ok(true),
        other => Err(err(
            Some(key),
            format!("only numeric keys can be varied; this one takes {other}"),
        )),
    }
}

fn suggest(key: &str, known: &[String]) -> String {
    known
        .iter()
        .map(|k| (strsim::levenshtein(key, k), k))
        .filter(|(d, k)| *d <= 3.max(k.len() / 5))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_else(|| "; `shequ explain` lists every key".into())
}

/// `lo * (1 - t) + hi * t`, exact at both ends and never outside `[lo, hi]`.
fn lerp(lo: f64, hi: f64, t: f64) -> f64 {
    (lo * (1.0 - t) + hi * t).clamp(lo, hi)
}

/// Unit coordinates in `[0, 1)` of an `n`-point Latin hypercube over `k` keys, point by
/// point, from the stream described in the module documentation.
pub fn lhs_unit(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix(mix(seed) ^ LHS_STREAM));
    let mut points = vec![Vec::with_capacity(k); n];
    for _ in 0..k {
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = ((u128::from(rng.next_u64()) * (i as u128 + 1)) >> 64) as usize;
            perm.swap(i, j);
        }
        for (p, point) in points.iter_mut().enumerate() {
            let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            // (perm + u) / n can round up to 1.0 for u near 1: keep it inside its stratum.
            let t = (perm[p] as f64 + u) / n as f64;
            let top = (perm[p] + 1) as f64 / n as f64;
            point.push(if t < top {
                t
            } else {
                f64::from_bits(top.to_bits() - 1)
            });
        }
    }
    points
}

/// A varied value as written in CSV files and messages: `4`, `0.25`, `60`.
pub fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(x) => x.to_string(),
        other => other.to_string(),
    }
}

/// Checks the keys and ranges, places the points and validates each through
/// [`Params::set`] and [`Params::check_consistency`]. `base.run.seed` seeds the Latin
/// hypercube. Errors name the key and, for a refused value, the point.
pub fn plan(base: &Params, varies: &[Vary], design: Design) -> Result<Plan, SweepError> {
    if varies.is_empty() {
        return Err(err(None, "give at least one --vary key=lo:hi:steps".into()));
    }
    let specs = Params::specs();
    let known: Vec<String> = specs.iter().map(|s| s.key.clone()).collect();
    let mut ints = Vec::with_capacity(varies.len());
    for (i, v) in varies.iter().enumerate() {
        let key = v.key.as_str();
        let Some(spec) = specs.iter().find(|s| s.key == key) else {
            return Err(err(
                Some(key),
                format!("no such key{}", suggest(key, &known)),
            ));
        };
        if key.starts_with("run.") {
            return Err(err(
                Some(key),
                "run.* keys cannot be varied (every point shares seed, replications and years); use --seed, --reps, --years".into(),
            ));
        }
        if varies[..i].iter().any(|w| w.key == key) {
            return Err(err(Some(key), "is varied twice".into()));
        }
        ints.push(numeric_domain(key, spec.domain)?);
        if v.lo > v.hi {
            return Err(err(
                Some(key),
                format!("lo ({}) is greater than hi ({})", v.lo, v.hi),
            ));
        }
        match (design, v.steps) {
            (Design::Grid, None) => {
                return Err(err(
                    Some(key),
                    "a grid needs steps: key=lo:hi:steps (or use --lhs N)".into(),
                ));
            }
            (Design::Grid, Some(0)) => {
                return Err(err(Some(key), "steps must be at least 1".into()));
            }
            (Design::Lhs(_), Some(_)) => {
                return Err(err(
                    Some(key),
                    "with --lhs give key=lo:hi (no steps: --lhs N sets the number of points)"
                        .into(),
                ));
            }
            _ => {}
        }
    }
    let units: Vec<Vec<f64>> = match design {
        Design::Lhs(0) => return Err(err(None, "--lhs needs at least 1 point".into())),
        Design::Lhs(n) => {
            if n as usize > MAX_POINTS {
                return Err(err(
                    None,
                    format!("--lhs {n} is more than {MAX_POINTS} points"),
                ));
            }
            lhs_unit(n as usize, varies.len(), base.run.seed)
        }
        Design::Grid => {
            let mut total: usize = 1;
            for v in varies {
                total = total.saturating_mul(v.steps.unwrap_or(1) as usize);
            }
            if total > MAX_POINTS {
                return Err(err(
                    None,
                    format!("the grid has {total} points, more than {MAX_POINTS}"),
                ));
            }
            let mut units = vec![Vec::new()];
            for v in varies {
                let steps = v.steps.unwrap_or(1);
                let mut next = Vec::with_capacity(units.len() * steps as usize);
                for u in &units {
                    for s in 0..steps {
                        let t = if steps == 1 {
                            0.0
                        } else {
                            f64::from(s) / f64::from(steps - 1)
                        };
                        let mut w = u.clone();
                        w.push(t);
                        next.push(w);
                    }
                }
                units = next;
            }
            units
        }
    };
    let keys: Vec<String> = varies.iter().map(|v| v.key.clone()).collect();
    let mut points = Vec::with_capacity(units.len());
    for (index, unit) in units.iter().enumerate() {
        let values: Vec<toml::Value> = varies
            .iter()
            .zip(unit)
            .zip(&ints)
            .map(|((v, t), int)| {
                let x = lerp(v.lo, v.hi, *t);
                if *int {
                    toml::Value::Integer(x.round() as i64)
                } else {
                    toml::Value::Float(x)
                }
            })
            .collect();
        points.push(point(base, &keys, values, index)?);
    }
    Ok(Plan {
        keys,
        design,
        points,
    })
}

/// Point `index` of a sweep: `base` with `keys` set to `values`, checked through
/// [`Params::set`], [`Params::check_consistency`] and the scenario's `[[changes]]`. Errors
/// name the key to blame and the point.
pub fn point(
    base: &Params,
    keys: &[String],
    values: Vec<toml::Value>,
    index: usize,
) -> Result<Point, SweepError> {
    let describe = || {
        keys.iter()
            .zip(&values)
            .map(|(k, x)| format!("{k}={}", value_text(x)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut params = base.clone();
    for (k, x) in keys.iter().zip(&values) {
        match params.set(k, x) {
            Ok(()) => {}
            Err(SetError::Unknown) => {
                return Err(err(Some(k), "no such key".into()));
            }
            Err(SetError::Invalid(m)) => {
                return Err(err(Some(k), format!("point {index} ({}): {m}", describe())));
            }
        }
    }
    if let Err((involved, m)) = params.check_consistency() {
        // Blame a varied key among those involved, if one is.
        let key = involved
            .iter()
            .find(|k| keys.contains(k))
            .or(involved.first());
        return Err(err(
            key.map(String::as_str),
            format!("point {index} ({}): {m}", describe()),
        ));
    }
    // The scenario's [[changes]] must still hold at this point's values.
    if let Err(e) = params.check_changes() {
        let key = e.key.clone();
        return Err(err(
            key.as_deref(),
            format!(
                "point {index} ({}): changes[{}]: {}",
                describe(),
                e.index,
                e.message
            ),
        ));
    }
    Ok(Point { values, params })
}

/// The end state of one replication: the last-year mean of every metric
/// ([`end_state`], the `last_year` window of `summary.csv`).
pub type EndState = [f64; N_METRICS];

/// What a sweep produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResult {
    pub reps: u32,
    /// `points x reps` rows, point by point, replications in order within a point.
    pub rows: Vec<EndState>,
    /// Households of each replication, in the same order (for throughput reporting).
    pub households: Vec<u64>,
    pub months: u32,
}

impl SweepResult {
    /// The end states of point `p`'s replications.
    pub fn point(&self, p: usize) -> &[EndState] {
        let r = self.reps as usize;
        &self.rows[p * r..(p + 1) * r]
    }

    /// Per metric, the summary of point `p`'s end states across replications.
    pub fn summary(&self, p: usize) -> Vec<Summary> {
        let rows = self.point(p);
        (0..N_METRICS)
            .map(|i| summarize(&rows.iter().map(|r| r[i]).collect::<Vec<_>>()))
            .collect()
    }
}

/// What one unit (point, replication) of a sweep produced: its end state, its
/// households and the months it ran.
#[derive(Debug, Clone, PartialEq)]
pub struct EndUnit {
    pub end: EndState,
    pub households: u64,
    pub months: u32,
}

/// Runs unit `index` of `plan` (point `index / reps`, replication `index % reps`, see
/// [`units`]) with master seed `seed`.
pub fn run_unit(plan: &Plan, seed: u64, reps: u32, index: usize) -> EndUnit {
    let u = units::unit(index, reps);
    let r = run_replication(&plan.points[u.group].params, seed, u64::from(u.rep));
    EndUnit {
        end: end_state(&r.months),
        households: r.households,
        months: r.months.len() as u32,
    }
}

impl SweepResult {
    /// The result of a sweep from its units' results, in unit order (`points x reps`).
    pub fn assemble(reps: u32, units: Vec<EndUnit>) -> SweepResult {
        let months = units.first().map_or(0, |o| o.months);
        let (rows, households) = units.into_iter().map(|u| (u.end, u.households)).unzip();
        SweepResult {
            reps,
            rows,
            households,
            months,
        }
    }
}

/// Runs every point of `plan` for replications `0..reps` with master seed `seed`, as one
/// list of (point, replication) units on `threads` threads, calling `on_done` per finished
/// unit. Results are collected in unit order, so they do not depend on the thread count.
pub fn run(
    plan: &Plan,
    seed: u64,
    reps: u32,
    threads: Option<usize>,
    on_done: &(dyn Fn() + Sync),
) -> Result<SweepResult, rayon::ThreadPoolBuildError> {
    let all: Vec<usize> = (0..plan.points.len() * reps as usize).collect();
    let out = units::run(
        &all,
        threads,
        &|u| run_unit(plan, seed, reps, u),
        &|_, _| on_done(),
    )?;
    Ok(SweepResult::assemble(reps, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary(spec: &str) -> Vary {
        Vary::parse(spec).unwrap()
    }

    #[test]
    fn specs_parse_and_bad_forms_are_refused() {
        assert_eq!(
            vary("property.guided_price=1:2:3"),
            Vary {
                key: "property.guided_price".into(),
                lo: 1.0,
                hi: 2.0,
                steps: Some(3)
            }
        );
        assert_eq!(vary("owners.enforcement=0.1:0.9").steps, None);
        assert!(Vary::parse("owners.enforcement").is_err());
        assert!(Vary::parse("owners.enforcement=1").is_err());
        let e = Vary::parse("owners.enforcement=a:1:2").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("owners.enforcement"));
        assert!(Vary::parse("owners.enforcement=0:1:-2").is_err());
        assert!(Vary::parse("owners.enforcement=0:inf:2").is_err());
    }

    #[test]
    fn grid_is_the_full_product_first_key_slowest_with_exact_ends() {
        let p = Params::default();
        let plan = plan(
            &p,
            &[
                vary("property.guided_price=0.1:0.3:3"),
                vary("world.communities=1:4:3"),
            ],
            Design::Grid,
        )
        .unwrap();
        let vals: Vec<String> = plan
            .points
            .iter()
            .map(|pt| format!("{} {}", pt.values[0], pt.values[1]))
            .collect();
        assert_eq!(
            vals,
            [
                "0.1 1", "0.1 3", "0.1 4", "0.2 1", "0.2 3", "0.2 4", "0.3 1", "0.3 3", "0.3 4"
            ]
        );
        assert_eq!(plan.points[8].params.property.guided_price, 0.3);
        assert_eq!(plan.points[8].params.world.communities, 4);
    }

    #[test]
    fn lhs_has_one_point_per_stratum_and_repeats() {
        let n = 17;
        let u = lhs_unit(n, 3, 42);
        assert_eq!(u, lhs_unit(n, 3, 42));
        assert_ne!(u, lhs_unit(n, 3, 43));
        for k in 0..3 {
            let mut strata: Vec<usize> = u.iter().map(|p| (p[k] * n as f64) as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn bad_keys_and_values_name_the_key() {
        let p = Params::default();
        let key = |specs: &[&str], d| {
            let v: Vec<Vary> = specs.iter().map(|s| vary(s)).collect();
            plan(&p, &v, d).unwrap_err().key
        };
        let cases = [
            (
                "property.guided_prise=1:2:2",
                Design::Grid,
                "property.guided_prise",
            ),
            (
                "property.guided_price=2:1:2",
                Design::Grid,
                "property.guided_price",
            ),
            (
                "property.guided_price=1:2:0",
                Design::Grid,
                "property.guided_price",
            ),
            (
                "property.guided_price=1:60:2",
                Design::Grid,
                "property.guided_price",
            ),
            (
                "property.guided_price=1:2",
                Design::Grid,
                "property.guided_price",
            ),
            (
                "property.guided_price=1:2:2",
                Design::Lhs(4),
                "property.guided_price",
            ),
            ("run.seed=1:2:2", Design::Grid, "run.seed"),
            (
                "owners.threshold_distribution=1:2:2",
                Design::Grid,
                "owners.threshold_distribution",
            ),
        ];
        for (spec, design, named) in cases {
            assert_eq!(key(&[spec], design).as_deref(), Some(named), "{spec}");
        }
        let e = plan(&p, &[vary("property.guided_price=1:60:3")], Design::Grid).unwrap_err();
        assert!(
            e.to_string().contains("point 2 (property.guided_price=60)"),
            "{e}"
        );
    }
}
