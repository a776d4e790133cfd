//! Property tests: any scenario inside the declared parameter domains runs, and its
//! outputs keep their invariants.
//!
//! A scenario is a set of `key = value` overrides drawn from `Params::specs()`: a handful of
//! keys, each with a value inside its domain (the bounds included, as often as the middle),
//! the world's shares of compound kinds drawn on the simplex, and the world capped to stay
//! fast (1-2 communities of at most 600 households, 1-2 years, 1-2 replications). Scenarios
//! that `check_consistency` refuses (the loader refuses them too) are discarded. Each is run
//! with `experiment::run` on one thread and checked:
//!
//! - no metric is NaN or infinite;
//! - every share or index (`Metric::is_unit_interval`) is within [0, 1];
//! - `households` is the same every month and equals `Replication.households`;
//! - employed workers never exceed funded positions (`worker_vacancy_rate` >= 0).
//!
//! A third property runs each scenario with the hot loops' AVX2 compilation and with their
//! baseline one (`shequ::model::simd`): the replications must be identical to the bit.
//!
//! A second property writes the same overrides as a scenario file: `scenario::load` accepts
//! it exactly when `Params::set` and `check_consistency` do, with the same parameters.
//!
//! The proptest seed is fixed and failures are not persisted, so CI sees the same cases.

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm, RngSeed};

use shequ::experiment;
use shequ::io::scenario;
use shequ::model::metrics::{M, METRICS};
use shequ::model::params::Params;
use shequ::model::params::domain::{Domain, ParamSpec};

/// Keys the strategy sets itself (the world's size and the run's length, and the shares of
/// compound kinds, which must sum to 1): not drawn at random.
const FIXED: [&str; 7] = [
    "world.communities",
    "world.households_per_community",
    "run.years",
    "run.replications",
    "world.share_new_estate",
    "world.share_old_compound",
    "world.share_resettlement",
];

/// Keys that may be drawn, in the order of `Params::specs()`.
fn drawable() -> Vec<ParamSpec> {
    Params::specs()
        .into_iter()
        .filter(|s| !FIXED.contains(&s.key.as_str()))
        .collect()
}

/// Where in its domain a value lies: the lower bound, the upper bound, or a point between
/// (0-1), each about as likely.
fn position() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64]
}

/// The value of `spec` at `at` (0-1) of its domain.
fn value_at(spec: &ParamSpec, at: f64) -> toml::Value {
    match spec.domain {
        Domain::Real { lo, hi } => toml::Value::Float((lo + at * (hi - lo)).clamp(lo, hi)),
        Domain::Int { lo, hi } => {
            let span = i128::from(hi) - i128::from(lo);
            let off = ((span as f64) * at).round() as i128;
            toml::Value::Integer((i128::from(lo) + off.clamp(0, span)) as i64)
        }
        Domain::Bool => toml::Value::Boolean(at >= 0.5),
        Domain::Choice(words) => {
            let i = ((words.len() as f64) * at) as usize;
            toml::Value::String(words[i.min(words.len() - 1)].to_string())
        }
    }
}

/// A drawn scenario: overrides as (key, value), in the order they are applied.
#[derive(Debug, Clone)]
struct Drawn {
    overrides: Vec<(String, toml::Value)>,
}

fn scenario() -> impl Strategy<Value = Drawn> {
    let n = drawable().len();
    let keys = prop::collection::vec((0..n, position()), 0..=16);
    // Simplex: three weights, one of which may be zero (the bound).
    let weights = (
        prop_oneof![Just(0.0), 0.0..=1.0f64],
        prop_oneof![Just(0.0), 0.0..=1.0f64],
        0.01..=1.0f64,
    );
    (
        keys,
        weights,
        1..=2i64,
        prop_oneof![Just(50i64), Just(600i64), 50..=600i64],
        1..=2i64,
        1..=2i64,
    )
        .prop_map(move |(keys, (a, b, c), communities, hpc, years, reps)| {
            let specs = drawable();
            let sum = a + b + c;
            let mut overrides: Vec<(String, toml::Value)> = keys
                .into_iter()
                .map(|(i, at)| (specs[i].key.clone(), value_at(&specs[i], at)))
                .collect();
            let (sn, so) = (a / sum, b / sum);
            overrides.extend([
                (
                    "world.communities".into(),
                    toml::Value::Integer(communities),
                ),
                (
                    "world.households_per_community".into(),
                    toml::Value::Integer(hpc),
                ),
                ("run.years".into(), toml::Value::Integer(years)),
                ("run.replications".into(), toml::Value::Integer(reps)),
                ("world.share_new_estate".into(), toml::Value::Float(sn)),
                ("world.share_old_compound".into(), toml::Value::Float(so)),
                (
                    "world.share_resettlement".into(),
                    toml::Value::Float((1.0 - sn - so).max(0.0)),
                ),
            ]);
            Drawn { overrides }
        })
}

/// The parameters of a drawn scenario, or `None` if a value or a check between keys is
/// refused (as the loader would refuse it).
fn params_of(d: &Drawn) -> Option<Params> {
    let mut p = Params::default();
    for (k, v) in &d.overrides {
        p.set(k, v).ok()?;
    }
    p.check_consistency().ok()?;
    Some(p)
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        max_global_rejects: 4096,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x5e9_0c0d),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(8000))]

    #[test]
    fn any_allowed_scenario_keeps_the_output_invariants(d in scenario()) {
        let p = params_of(&d);
        prop_assume!(p.is_some());
        let p = p.unwrap();
        let r = experiment::run(&p, Some(1), &|| ()).expect("thread pool");
        prop_assert_eq!(r.reps.len() as u32, p.run.replications);
        for (rep, rr) in r.reps.iter().enumerate() {
            prop_assert_eq!(rr.months.len() as u32, p.run.years * 12);
            for (month, row) in rr.months.iter().enumerate() {
                let at = format!("rep {rep} month {}", month + 1);
                for m in METRICS {
                    let x = row[m.id.index()];
                    prop_assert!(x.is_finite(), "{}: {} is {}", at, m.name, x);
                    if m.is_unit_interval() {
                        prop_assert!(
                            (0.0..=1.0).contains(&x),
                            "{}: {} = {} is outside [0, 1]", at, m.name, x
                        );
                    }
                }
                prop_assert_eq!(
                    row[M::Households.index()],
                    rr.households as f64,
                    "{}: households differ from the replication's", at
                );
                prop_assert!(
                    row[M::WorkerVacancyRate.index()] >= 0.0,
                    "{}: more workers employed than positions funded", at
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(config(150))]

    #[test]
    fn vector_and_baseline_kernels_give_identical_replications(d in scenario()) {
        use shequ::model::simd;
        let p = params_of(&d);
        prop_assume!(p.is_some());
        let p = p.unwrap();
        simd::use_vector_kernels(false);
        prop_assert!(!simd::avx2());
        let baseline = experiment::run(&p, Some(1), &|| ()).expect("thread pool");
        simd::use_vector_kernels(true);
        #[cfg(target_arch = "x86_64")]
        prop_assert_eq!(simd::avx2(), std::arch::is_x86_feature_detected!("avx2"));
        let vector = experiment::run(&p, Some(1), &|| ()).expect("thread pool");
        // Compared as printed (shortest round-trip digits), so that NaN event times compare
        // equal and every other number to the bit.
        prop_assert_eq!(format!("{baseline:?}"), format!("{vector:?}"));
    }
}

/// The overrides as a scenario file (sections of `key = value`; a later value of a key
/// replaces an earlier one, as `Params::set` in order does).
fn as_toml(d: &Drawn) -> String {
    let mut root = toml::Table::new();
    for (k, v) in &d.overrides {
        let (section, field) = k.split_once('.').expect("section.field");
        let t = root
            .entry(section)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if let toml::Value::Table(t) = t {
            t.insert(field.to_string(), v.clone());
        }
    }
    toml::to_string(&root).expect("serialise")
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn the_loader_agrees_with_params_set(d in scenario()) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("drawn.toml");
        std::fs::write(&path, as_toml(&d)).expect("write");
        match (params_of(&d), scenario::load(&path)) {
            (Some(p), Ok(s)) => prop_assert_eq!(p, s.params),
            (None, Err(_)) => {}
            (Some(_), Err(e)) => prop_assert!(false, "the loader refuses an allowed scenario: {}", e),
            (None, Ok(_)) => prop_assert!(false, "the loader accepts a refused scenario"),
        }
    }
}
