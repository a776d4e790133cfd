//! Textbook cases: each mechanism reduced to a case with a known answer, run through the
//! model's own functions. These reductions start from `Params::default()` on purpose and
//! switch mechanisms off; they do not describe the status quo.

use rand_distr::{Distribution, Exp1};

use super::{Case, Group, Options, Shown, Text, Tolerance, Verdict};
use crate::model::params::Params;
use crate::model::rng::{Stream, stream};
use crate::model::{fees, mobilisation, workforce};

/// The cases of this group, in order.
pub const NAMES: [&str; 6] = [
    "threshold_cascade_uniform",
    "threshold_cascade_one_changed",
    "bass_curve",
    "constant_hazard_survival",
    "constant_hazard_annual_leaving",
    "visit_queue_makespan",
];

#[allow(clippy::too_many_arguments)]
fn case(
    name: &str,
    expected: Text,
    expected_value: Option<f64>,
    source: &str,
    simulated: f64,
    shown: Shown,
    tolerance: Tolerance,
    ok: bool,
) -> Case {
    Case {
        group: Group::Textbook,
        name: name.into(),
        expected,
        expected_value,
        simulated,
        shown,
        tolerance,
        verdict: Verdict::of(ok),
        source: source.into(),
    }
}

/// Every textbook case.
pub fn cases(o: &Options) -> Vec<Case> {
    let mut out = Vec::new();
    // Granovetter (1978): 100 owners of one building with thresholds 0, 1, ..., 99 (as
    // counts of the 99 neighbours) pay in a cascade; change the threshold 1 to 2 and only
    // the unconditional owner pays.
    let uniform: Vec<u32> = (0..100).collect();
    let mut changed = uniform.clone();
    changed[1] = 2;
    for (name, ks, want, what, what_zh) in [
        (
            NAMES[0],
            &uniform,
            100,
            "thresholds 0..99: all 100 pay",
            "阈值 0..99：100 户全部缴费",
        ),
        (
            NAMES[1],
            &changed,
            1,
            "threshold 1 -> 2: 1 pays",
            "阈值 1 -> 2：仅 1 户缴费",
        ),
    ] {
        let got = fees::threshold_cascade(ks);
        out.push(case(
            name,
            Text::new(what, what_zh),
            Some(f64::from(want)),
            "Granovetter 1978 [F9]",
            got.map_or(f64::NAN, f64::from),
            Shown::Text(match got {
                Some(n) => Text::new(format!("{n} pay"), format!("{n} 户缴费")),
                None => Text::new("no equilibrium in 1000 months", "1000 个月内未达均衡"),
            }),
            Tolerance::Exact,
            got == Some(want),
        ));
    }
    out.push(bass_case(o));
    out.extend(hazard_cases(o));
    out.push(queue_case());
    out
}

/// The warned share of a building under broadcast only (rate `p`) and homogeneous word of
/// mouth (`q`), against the Bass curve. Default parameters, mechanisms reduced.
fn bass_case(o: &Options) -> Case {
    let (p, q, step_minutes) = (0.15, 1.2, 0.5);
    let mut params = Params::default();
    let m = &mut params.mobilisation;
    m.step_minutes = step_minutes;
    m.horizon_hours = 12.0;
    m.word_of_mouth_rate = q;
    let n = o.sample;
    let mut rng = stream(9, 0, 0, Stream::Events);
    // Mass media only: external arrivals Exp(p); everyone has ties 1; no volunteers.
    let ext: Vec<f64> = (0..n)
        .map(|_| {
            let e: f64 = Exp1.sample(&mut rng);
            e / p
        })
        .collect();
    let mut out = Vec::new();
    mobilisation::warn_building(
        &params.mobilisation,
        &ext,
        &vec![1.0; n],
        &vec![false; n],
        &mut rng,
        &mut out,
        &mut mobilisation::Waiting::default(),
    );
    let bass = |t| mobilisation::bass_curve(p, q, t);
    let mut worst = (0.0f64, 0.0, 0.0, 0.0); // (|dev| / tolerance, t, dev, tolerance)
    let mut ok = true;
    for t in [0.5, 1.0, 2.0, 3.0, 4.0, 6.0] {
        let f = out.iter().filter(|x| **x <= t).count() as f64 / n as f64;
        let expected = bass(t);
        let se = (expected * (1.0 - expected) / n as f64).sqrt();
        // Sampling error, plus half a step of growth for the time step, plus 0.003.
        let step_err = 0.5 * (step_minutes / 60.0) * (p + q) * expected.max(0.05);
        let tol = 4.0 * se + step_err + 0.003;
        let dev = f - expected;
        ok &= dev.abs() < tol;
        if dev.abs() / tol > worst.0 {
            worst = (dev.abs() / tol, t, dev, tol);
        }
    }
    case(
        NAMES[2],
        Text::new(
            format!("warned share F(t), p = {p}, q = {q}/h, t = 0.5-6 h"),
            format!("已预警比例 F(t)，p = {p}，q = {q}/h，t = 0.5-6 h"),
        ),
        None,
        "Bass 1969 [F18]",
        worst.2,
        Shown::Text(Text::new(
            format!(
                "worst at t = {} h: F {:.4} vs {:.4} (n = {n})",
                worst.1,
                bass(worst.1) + worst.2,
                bass(worst.1)
            ),
            format!(
                "最大偏差在 t = {} h：F {:.4} 对 {:.4}（n = {n}）",
                worst.1,
                bass(worst.1) + worst.2,
                bass(worst.1)
            ),
        )),
        Tolerance::Text(Text::new(
            format!("4 SE + step + 0.003 (here {:.4})", worst.3),
            format!("4 倍标准误 + 步长 + 0.003（此处 {:.4}）", worst.3),
        )),
        ok,
    )
}

/// A cohort of workers hired at once, every driver of the hazard off: survival
/// S(t) = (1 - h)^t, and a share 1 - (1 - h)^12 leaves within a year. Runs the model's own
/// monthly workforce step; vacancies are refilled at once by recruits who are never local,
/// while the cohort is all local, so the survivors are the local workers.
fn hazard_cases(o: &Options) -> Vec<Case> {
    let h: f64 = 0.02;
    let mut p = workforce::constant_hazard_params(h);
    let w = &mut p.workforce;
    w.households_per_worker = 20.0;
    w.initial_mean_tenure_months = 0.0;
    w.initial_local_share = 1.0;
    w.pool_local_share = 0.0;
    let households = o.sample * 20;
    let mut rng = stream(2, 0, 0, Stream::Workforce);
    let mut staff = workforce::initial_staff(&p, households, &mut rng);
    let n0 = staff.workers.len() as f64;
    let mut worst = (0.0f64, 0usize, 0.0, 0.0); // (|dev| / tolerance, t, simulated, expected)
    let mut ok = true;
    let mut annual = (0.0, 0.0, 0.0);
    for t in 1..=60u32 {
        workforce::step(&p, &mut staff, households, 1, t, &mut rng);
        let s = staff.workers.iter().filter(|x| x.local).count() as f64 / n0;
        let expected = (1.0 - h).powi(t as i32);
        let se = (expected * (1.0 - expected) / n0).sqrt();
        let dev = (s - expected).abs();
        ok &= dev < 4.0 * se + 1e-12;
        if dev / (4.0 * se) > worst.0 {
            worst = (dev / (4.0 * se), t as usize, s, expected);
        }
        if t == 12 {
            annual = (1.0 - s, 1.0 - expected, 4.0 * se);
        }
    }
    let hazard = workforce::quit_hazard(&p.workforce, &staff.workers[0], 1.0);
    vec![
        case(
            NAMES[3],
            Text::new(
                format!("S(t) = (1 - h)^t, h = {h}/month, t = 1-60"),
                format!("S(t) = (1 - h)^t，h = {h}/月，t = 1-60"),
            ),
            None,
            "geometric law",
            worst.2 - worst.3,
            Shown::Text(Text::new(
                format!(
                    "h = {hazard:.4}; worst at t = {}: {:.4} vs {:.4} (n = {n0})",
                    worst.1, worst.2, worst.3
                ),
                format!(
                    "h = {hazard:.4}；最大偏差在 t = {}：{:.4} 对 {:.4}（n = {n0}）",
                    worst.1, worst.2, worst.3
                ),
            )),
            Tolerance::Text(Text::new("4 SE at every t", "每个 t 均为 4 倍标准误")),
            ok && (hazard - h).abs() < 1e-12,
        ),
        case(
            NAMES[4],
            Text::new(
                format!("1 - (1 - h)^12 = {:.4} leave in a year", annual.1),
                format!("1 - (1 - h)^12 = {:.4} 在一年内离职", annual.1),
            ),
            Some(annual.1),
            "geometric law",
            annual.0,
            Shown::Value {
                decimals: 4,
                suffix: Text::default(),
            },
            Tolerance::Text(Text::new(
                format!("4 SE ({:.4})", annual.2),
                format!("4 倍标准误（{:.4}）", annual.2),
            )),
            (annual.0 - annual.1).abs() < annual.2,
        ),
    ]
}

/// First come, first served with `k` helpers of service time `s`: the last of `n`
/// households is visited at ceil(n/k) x s.
fn queue_case() -> Case {
    let cases = [
        (10usize, 3usize, 0.5f64),
        (12, 4, 0.75),
        (1, 5, 2.0),
        (7, 1, 0.25),
    ];
    let mut ok = true;
    let mut got = Vec::new();
    let mut worst = 0.0f64;
    for (n, k, s) in cases {
        let (done, visits) =
            mobilisation::visit_queue(&vec![(0.0, s); k], &vec![0.0; n], f64::INFINITY);
        let last = done.iter().copied().fold(0.0, f64::max);
        let dev = (last - n.div_ceil(k) as f64 * s).abs();
        worst = worst.max(dev);
        ok &= dev < 1e-12;
        ok &= visits.iter().sum::<u32>() as usize == n;
        got.push(format!("{last}"));
    }
    case(
        NAMES[5],
        Text::new(
            "ceil(n/k) x s: 2, 2.25, 2, 1.75 h",
            "ceil(n/k) x s：2、2.25、2、1.75 h",
        ),
        None,
        "FCFS queue, k servers",
        worst,
        Shown::Text(Text::new(
            format!("{} h", got.join(", ")),
            format!("{} h", got.join("、")),
        )),
        Tolerance::Text(Text::new(
            "1e-12; each visited once",
            "1e-12；每户恰好探访一次",
        )),
        ok,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_cases_pass_with_a_small_sample() {
        let o = Options {
            sample: 5_000,
            ..Options::quick(1)
        };
        let cs = cases(&o);
        assert_eq!(
            cs.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            NAMES
        );
        for c in cs {
            assert_eq!(c.verdict, Verdict::Pass, "{c:?}");
        }
    }
}
