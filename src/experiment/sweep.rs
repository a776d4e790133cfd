//! Parameter sweeps: a full grid (numeric ranges and value lists of any type), a Latin
//! hypercube, or points given one by one (a design file) over some keys of a scenario.
//!
//! Every point runs the same replications with the same master seed, so two points differ
//! only by their parameters (common random numbers). Points x replications are one list of
//! jobs run on rayon's pool and collected in order, so the results are bit-identical
//! whatever the number of threads.
//!
//! A point keeps only its end state (every metric over one window, by default the last-year
//! mean), and its monthly series only when asked ([`Outputs::timeseries`]), so a sweep of
//! thousands of points fits in memory.
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

use crate::experiment::Row;
use crate::experiment::run_replication;
use crate::experiment::stats::{Summary, summarize};
use crate::experiment::units;
use crate::experiment::windows::{self, Window};
use crate::model::metrics::{M, METRICS, N_METRICS};
use crate::model::params::Params;
use crate::model::params::domain::{self, Domain, SetError};
use crate::model::rng::mix;

/// Tag of the Latin-hypercube stream ("LHS_SWEP"), distinct from the model's streams.
pub const LHS_STREAM: u64 = 0x4C48_535F_5357_4550;

/// Most points a sweep may have.
pub const MAX_POINTS: usize = 100_000;

/// A refused sweep: which key (if one is to blame), which point (its index and its values
/// as `key=value, ...`, if one is to blame) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepError {
    pub key: Option<String>,
    pub point: Option<(usize, String)>,
    pub message: String,
}

impl fmt::Display for SweepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("--vary: ")?;
        if let Some(k) = &self.key {
            write!(f, "key `{k}`: ")?;
        }
        if let Some((i, values)) = &self.point {
            write!(f, "point {i} ({values}): ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for SweepError {}

fn err(key: Option<&str>, message: String) -> SweepError {
    SweepError {
        key: key.map(str::to_string),
        point: None,
        message,
    }
}

/// The values one `--vary` gives its key.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// `lo:hi:steps`: `steps` numbers evenly spaced from `lo` to `hi` (1: `lo` only;
    /// whole-number keys rounded); `lo:hi` (no steps): the range of a Latin hypercube.
    Range {
        lo: f64,
        hi: f64,
        steps: Option<u32>,
    },
    /// `a,b,c`: these values in this order, of whatever type the key takes (numbers,
    /// `true`/`false`, words), each read like a `--set` value ([`domain::parse_text`]).
    List(Vec<toml::Value>),
}

/// One `--vary key=lo:hi[:steps]` or `--vary key=a,b,c`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub key: String,
    pub values: Values,
}

/// The form of `--vary`, for messages.
const VARY_FORMS: &str =
    "key=lo:hi:steps, key=a,b,c (a value list of any type), or key=lo:hi with --lhs";

impl Vary {
    /// Parses `key=lo:hi:steps` (grid), `key=lo:hi` (Latin hypercube) or `key=a,b,c` (a
    /// value list; one value without a comma is a list of one). Checks only the form;
    /// [`plan`] checks the key and the values.
    pub fn parse(spec: &str) -> Result<Vary, SweepError> {
        let Some((key, range)) = spec.split_once('=') else {
            return Err(err(
                None,
                format!("`{spec}` is not of the form {VARY_FORMS}"),
            ));
        };
        let key = key.trim();
        if range.contains(',') || !range.contains(':') {
            let items: Vec<&str> = range.split(',').map(str::trim).collect();
            if items.iter().any(|i| i.is_empty()) {
                return Err(err(
                    Some(key),
                    format!("`{range}` has an empty value; give key=a,b,c"),
                ));
            }
            return Ok(Vary {
                key: key.to_string(),
                values: Values::List(items.into_iter().map(domain::parse_text).collect()),
            });
        }
        let parts: Vec<&str> = range.split(':').map(str::trim).collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(err(
                Some(key),
                format!(
                    "`{range}` is not of the form lo:hi:steps (or lo:hi with --lhs, or a list a,b,c)"
                ),
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
            values: Values::Range { lo, hi, steps },
        })
    }
}

/// How points are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Every combination of every key's values; the first key varies slowest.
    Grid,
    /// A Latin hypercube of this many points (see the module documentation).
    Lhs(u32),
    /// Points given one by one (a design file), in the order given.
    Given,
}

/// One point of a sweep: the varied values (in the order of the keys) and the parameters.
#[derive(Debug, Clone)]
pub struct Point {
    pub values: Vec<toml::Value>,
    pub params: Params,
}

/// What a sweep keeps of each run and writes: the window the metrics are read over, which
/// metrics its tables show, and whether every month is kept (`sweep_timeseries.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub window: Window,
    /// In column order.
    pub metrics: Vec<M>,
    pub timeseries: bool,
}

impl Default for Outputs {
    /// The last-year mean of every metric, no time series.
    fn default() -> Self {
        Outputs {
            window: Window::LastYear,
            metrics: METRICS.iter().map(|m| m.id).collect(),
            timeseries: false,
        }
    }
}

/// The checked points of a sweep and what to keep of them.
#[derive(Debug, Clone)]
pub struct Plan {
    pub keys: Vec<String>,
    pub design: Design,
    pub points: Vec<Point>,
    pub outputs: Outputs,
}

/// A whole-number key's domain is rounded to; a real key's is taken as it is.
fn numeric_domain(key: &str, d: Domain) -> Result<bool, SweepError> {
    match d {
        Domain::Real { .. } => Ok(false),
        Domain::Int { .. } => Ok(true),
        other => Err(err(
            Some(key),
            format!(
                "a range lo:hi needs a numeric key; this one takes {other}: give a list, e.g. {}",
                example_list(other)
            ),
        )),
    }
}

/// A value list a key of domain `d` accepts, for messages.
fn example_list(d: Domain) -> String {
    match d {
        Domain::Bool => "key=false,true".into(),
        Domain::Choice(words) => format!("key={}", words.join(",")),
        _ => "key=a,b,c".into(),
    }
}

/// `; did you mean `k`?` for the known key nearest `key`, else a pointer to `shequ explain`.
pub fn suggest(key: &str, known: &[String]) -> String {
    known
        .iter()
        .map(|k| (strsim::levenshtein(key, k), k))
        .filter(|(d, k)| *d <= 3.max(k.len() / 5))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_else(|| "; `shequ explain` lists every key".into())
}

/// Checks that `keys` are scenario keys that may be varied, none twice; returns each key's
/// domain.
pub fn check_keys(keys: &[&str]) -> Result<Vec<Domain>, SweepError> {
    let specs = Params::specs();
    let known: Vec<String> = specs.iter().map(|s| s.key.clone()).collect();
    let mut domains = Vec::with_capacity(keys.len());
    for (i, &key) in keys.iter().enumerate() {
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
        if keys[..i].contains(&key) {
            return Err(err(Some(key), "is varied twice".into()));
        }
        domains.push(spec.domain);
    }
    Ok(domains)
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

/// A varied value as written in CSV files and messages: `4`, `0.25`, `true`, `uniform`.
pub fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A number of a range as the key takes it: rounded for a whole-number key.
fn number(x: f64, int: bool) -> toml::Value {
    if int {
        toml::Value::Integer(x.round() as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// Checks the keys and values, places the points and validates each through
/// [`Params::set`] and [`Params::check_consistency`]. `base.run.seed` seeds the Latin
/// hypercube. Errors name the key and, for a refused value, the point.
pub fn plan(base: &Params, varies: &[Vary], design: Design) -> Result<Plan, SweepError> {
    if varies.is_empty() {
        return Err(err(
            None,
            format!("give at least one --vary ({VARY_FORMS})"),
        ));
    }
    let keys: Vec<&str> = varies.iter().map(|v| v.key.as_str()).collect();
    let domains = check_keys(&keys)?;
    let mut ints = Vec::with_capacity(varies.len());
    for (v, d) in varies.iter().zip(&domains) {
        let key = v.key.as_str();
        match (&v.values, design) {
            (Values::List(_), Design::Lhs(_)) => {
                return Err(err(
                    Some(key),
                    "--lhs samples numeric ranges only: give key=lo:hi, or drop --lhs for a grid over the value list".into(),
                ));
            }
            (Values::List(list), _) => {
                if list.is_empty() {
                    return Err(err(Some(key), "the value list is empty".into()));
                }
                ints.push(false);
                continue;
            }
            (Values::Range { .. }, _) => {}
        }
        let Values::Range { lo, hi, steps } = v.values else {
            continue;
        };
        ints.push(numeric_domain(key, *d)?);
        if lo > hi {
            return Err(err(
                Some(key),
                format!("lo ({lo}) is greater than hi ({hi})"),
            ));
        }
        match (design, steps) {
            (Design::Grid | Design::Given, None) => {
                return Err(err(
                    Some(key),
                    "a grid needs steps: key=lo:hi:steps (or use --lhs N)".into(),
                ));
            }
            (Design::Grid | Design::Given, Some(0)) => {
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
    let rows: Vec<Vec<toml::Value>> = match design {
        Design::Lhs(0) => return Err(err(None, "--lhs needs at least 1 point".into())),
        Design::Lhs(n) => {
            if n as usize > MAX_POINTS {
                return Err(err(
                    None,
                    format!("--lhs {n} is more than {MAX_POINTS} points"),
                ));
            }
            lhs_unit(n as usize, varies.len(), base.run.seed)
                .into_iter()
                .map(|unit| {
                    varies
                        .iter()
                        .zip(&unit)
                        .zip(&ints)
                        .map(|((v, t), int)| match v.values {
                            Values::Range { lo, hi, .. } => number(lerp(lo, hi, *t), *int),
                            // Refused above.
                            Values::List(_) => toml::Value::Float(f64::NAN),
                        })
                        .collect()
                })
                .collect()
        }
        Design::Grid | Design::Given => {
            let axes: Vec<Vec<toml::Value>> = varies
                .iter()
                .zip(&ints)
                .map(|(v, int)| match &v.values {
                    Values::List(list) => list.clone(),
                    Values::Range { lo, hi, steps } => {
                        let steps = steps.unwrap_or(1);
                        (0..steps)
                            .map(|s| {
                                let t = if steps == 1 {
                                    0.0
                                } else {
                                    f64::from(s) / f64::from(steps - 1)
                                };
                                number(lerp(*lo, *hi, t), *int)
                            })
                            .collect()
                    }
                })
                .collect();
            let mut total: usize = 1;
            for a in &axes {
                total = total.saturating_mul(a.len());
            }
            if total > MAX_POINTS {
                return Err(err(
                    None,
                    format!("the grid has {total} points, more than {MAX_POINTS}"),
                ));
            }
            let mut rows = vec![Vec::new()];
            for axis in &axes {
                let mut next = Vec::with_capacity(rows.len() * axis.len());
                for row in &rows {
                    for x in axis {
                        let mut w = row.clone();
                        w.push(x.clone());
                        next.push(w);
                    }
                }
                rows = next;
            }
            rows
        }
    };
    let points = check_points(base, &keys, &domains, rows)?;
    Ok(Plan {
        keys: keys.iter().map(|k| k.to_string()).collect(),
        design,
        points,
        outputs: Outputs::default(),
    })
}

/// The points of a design given point by point (a design file): `rows[i]` holds the
/// values of `keys` at point `i`. Errors name the key and the point.
pub fn plan_given(
    base: &Params,
    keys: &[String],
    rows: Vec<Vec<toml::Value>>,
) -> Result<Plan, SweepError> {
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let domains = check_keys(&refs)?;
    if rows.is_empty() {
        return Err(err(None, "the design has no point".into()));
    }
    if rows.len() > MAX_POINTS {
        return Err(err(
            None,
            format!(
                "the design has {} points, more than {MAX_POINTS}",
                rows.len()
            ),
        ));
    }
    let points = check_points(base, &refs, &domains, rows)?;
    Ok(Plan {
        keys: keys.to_vec(),
        design: Design::Given,
        points,
        outputs: Outputs::default(),
    })
}

/// Sets every point's values on a copy of `base` and checks them: each value against its
/// key's domain, the keys' consistency and the scenario's `[[changes]]`. A whole-number
/// value of a real key is kept as the real number it sets (`10` is written `10` either
/// way, so a list, a range and a design file write the same point the same).
fn check_points(
    base: &Params,
    keys: &[&str],
    domains: &[Domain],
    rows: Vec<Vec<toml::Value>>,
) -> Result<Vec<Point>, SweepError> {
    let mut points = Vec::with_capacity(rows.len());
    for (index, mut values) in rows.into_iter().enumerate() {
        for (x, d) in values.iter_mut().zip(domains) {
            if let (Domain::Real { .. }, toml::Value::Integer(i)) = (d, &*x) {
                *x = toml::Value::Float(*i as f64);
            }
        }
        let at = |key: Option<&str>, message: String| SweepError {
            key: key.map(str::to_string),
            point: Some((
                index,
                keys.iter()
                    .zip(&values)
                    .map(|(k, x)| format!("{k}={}", value_text(x)))
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
            message,
        };
        let mut params = base.clone();
        for (key, x) in keys.iter().zip(&values) {
            match params.set(key, x) {
                Ok(()) => {}
                Err(SetError::Unknown) => return Err(at(Some(key), "no such key".into())),
                Err(SetError::Invalid(m)) => return Err(at(Some(key), m)),
            }
        }
        if let Err((involved, m)) = params.check_consistency() {
            // Blame a varied key among those involved, if one is.
            let key = involved
                .iter()
                .find(|k| keys.contains(&k.as_str()))
                .or(involved.first());
            return Err(at(key.map(String::as_str), m));
        }
        // The scenario's [[changes]] must still hold at this point's values.
        if let Err(e) = params.check_changes() {
            return Err(at(
                e.key.as_deref(),
                format!("changes[{}]: {}", e.index, e.message),
            ));
        }
        points.push(Point { values, params });
    }
    Ok(points)
}

/// The end state of one replication: every metric over the plan's window
/// ([`Outputs::window`]; by default the last-year mean, the `last_year` window of
/// `summary.csv`), in registry order.
pub type EndState = [f64; N_METRICS];

/// What one (point, replication) of a sweep produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub end: EndState,
    pub households: u64,
    pub months: u32,
    /// Every month's row when the plan keeps time series ([`Outputs::timeseries`]), else
    /// empty.
    pub series: Vec<Row>,
}

/// Runs unit `index` of `plan` (point `index / reps`, replication `index % reps`, see
/// [`units`]) with master seed `seed`.
pub fn run_unit(plan: &Plan, seed: u64, reps: u32, index: usize) -> Unit {
    let u = units::unit(index, reps);
    let r = run_replication(&plan.points[u.group].params, seed, u64::from(u.rep));
    end_unit(r, plan.outputs.window, plan.outputs.timeseries)
}

/// What replication `r` leaves as a unit: every metric over window `w` (and every month,
/// with `keep_series`). Sweeps and sensitivity studies keep their units this way.
pub fn end_unit(r: crate::experiment::Replication, w: Window, keep_series: bool) -> Unit {
    Unit {
        end: std::array::from_fn(|i| windows::value(&r.months, METRICS[i].id, w)),
        households: r.households,
        months: r.months.len() as u32,
        series: if keep_series { r.months } else { Vec::new() },
    }
}

/// What a sweep produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResult {
    pub reps: u32,
    /// `points x reps` rows, point by point, replications in order within a point.
    pub rows: Vec<EndState>,
    /// Households of each replication, in the same order (for throughput reporting).
    pub households: Vec<u64>,
    pub months: u32,
    /// With [`Outputs::timeseries`]: every month of each replication, in the order of
    /// `rows`; else empty.
    pub series: Vec<Vec<Row>>,
}

impl SweepResult {
    /// The result of `units` run for `reps` replications per point, in job order (point by
    /// point, replications in order within a point).
    pub fn from_units(reps: u32, units: Vec<Unit>) -> Self {
        let months = units.first().map_or(0, |u| u.months);
        let mut r = SweepResult {
            reps,
            rows: Vec::with_capacity(units.len()),
            households: Vec::with_capacity(units.len()),
            months,
            series: Vec::new(),
        };
        for u in units {
            r.rows.push(u.end);
            r.households.push(u.households);
            if !u.series.is_empty() {
                r.series.push(u.series);
            }
        }
        r
    }

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
    Ok(SweepResult::from_units(reps, out))
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
                values: Values::Range {
                    lo: 1.0,
                    hi: 2.0,
                    steps: Some(3)
                }
            }
        );
        assert_eq!(
            vary("owners.enforcement=0.1:0.9").values,
            Values::Range {
                lo: 0.1,
                hi: 0.9,
                steps: None
            }
        );
        assert!(Vary::parse("owners.enforcement").is_err());
        // A list of any type, one value without a comma included.
        assert_eq!(
            vary("workforce.career_path=false, true").values,
            Values::List(vec![
                toml::Value::Boolean(false),
                toml::Value::Boolean(true)
            ])
        );
        assert_eq!(
            vary("owners.threshold_distribution=uniform").values,
            Values::List(vec![toml::Value::String("uniform".into())])
        );
        assert!(Vary::parse("property.guided_price=1,,2").is_err());
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
    fn value_lists_join_the_grid_in_their_order_and_are_checked() {
        let p = Params::default();
        let plan = plan(
            &p,
            &[
                vary("workforce.career_path=true,false"),
                vary("property.government_purchase=30,0"),
                vary("world.communities=1:3:2"),
            ],
            Design::Grid,
        )
        .unwrap();
        let vals: Vec<String> = plan
            .points
            .iter()
            .map(|pt| {
                let v: Vec<String> = pt.values.iter().map(value_text).collect();
                v.join(" ")
            })
            .collect();
        assert_eq!(
            vals,
            [
                "true 30 1",
                "true 30 3",
                "true 0 1",
                "true 0 3",
                "false 30 1",
                "false 30 3",
                "false 0 1",
                "false 0 3"
            ]
        );
        assert!(!plan.points[4].params.workforce.career_path);
        assert_eq!(plan.points[0].params.property.government_purchase, 30.0);
        // A whole number given for a real key is the real number a range gives.
        assert_eq!(plan.points[0].values[1], toml::Value::Float(30.0));
        // The same points given one by one: the same values and parameters.
        let rows: Vec<Vec<toml::Value>> = plan.points.iter().map(|p| p.values.clone()).collect();
        let given = plan_given(&p, &plan.keys, rows).unwrap();
        assert_eq!(given.design, Design::Given);
        for (a, b) in plan.points.iter().zip(&given.points) {
            assert_eq!(a.values, b.values);
            assert_eq!(a.params.to_table(), b.params.to_table());
        }
        let bad = |spec: &str, d| plan_err(&p, spec, d);
        let e = bad("workforce.career_path=false,maybe", Design::Grid);
        assert_eq!(e.point.as_ref().map(|x| x.0), Some(1));
        assert!(e.to_string().contains("true or false"), "{e}");
        assert!(
            bad("workforce.career_path=0:1:2", Design::Grid)
                .to_string()
                .contains("key=false,true")
        );
        assert!(
            bad("owners.enforcement=0.1,0.2", Design::Lhs(3))
                .to_string()
                .contains("--lhs")
        );
    }

    fn plan_err(p: &Params, spec: &str, d: Design) -> SweepError {
        plan(p, &[vary(spec)], d).unwrap_err()
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
