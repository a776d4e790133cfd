//! Tests of the warning, the visit queue, the Bass curve, ties and the alert chain.

use super::*;
use crate::model::rng::{Stream, stream};

#[test]
fn warning_steps_always_contain_the_first_arrival() {
    // Issue 11: with step_minutes = 1, floor(first / dt) x dt + dt <= first for some
    // arrival times, and the warning loop never advanced. The step must contain the arrival.
    let mut m = Params::default().mobilisation;
    m.step_minutes = 1.0;
    let dt = m.step_minutes / 60.0;
    let mut rounding_cases = 0;
    let mut rng = crate::model::rng::stream(1, 0, 0, crate::model::rng::Stream::Events);
    let mut out = Vec::new();
    for i in 0..20_000 {
        // Whole minutes and odd fractions of an hour, as hand-offs and knocks produce.
        let first = if i % 2 == 0 {
            f64::from(i / 2) * dt
        } else {
            f64::from(i) * 0.001_73
        };
        if (first / dt).floor() * dt + dt <= first {
            rounding_cases += 1;
        }
        let t = step_start(first, dt);
        assert!(
            t <= first && first < t + dt,
            "{first}: step [{t}, {})",
            t + dt
        );
        if first < m.horizon_hours {
            warn_building(
                &m,
                &[first],
                &[1.0],
                &[false],
                &mut rng,
                &mut out,
                &mut Waiting::default(),
            );
            assert_eq!(out[0], first);
        }
    }
    assert!(
        rounding_cases > 0,
        "the test must exercise the rounding case"
    );
}

/// The table of ties' build-up gives the formula's bits, in and beyond it.
#[test]
fn ties_build_up_is_the_formula_to_the_bit() {
    for m in 0..=u16::MAX {
        let exact = 1.0 - (-f64::from(m) / 36.0).exp();
        assert_eq!(ties_built(m).to_bits(), exact.to_bits(), "month {m}");
    }
}

#[test]
fn queue_completion_is_ceil_n_over_k_times_s() {
    for (n, k, s) in [
        (10usize, 3usize, 0.5f64),
        (12, 4, 0.75),
        (1, 5, 2.0),
        (7, 1, 0.25),
    ] {
        let helpers = vec![(0.0, s); k];
        let available = vec![0.0; n];
        let (done, visits) = visit_queue(&helpers, &available, f64::INFINITY);
        let last = done.iter().cloned().fold(0.0, f64::max);
        let expected = n.div_ceil(k) as f64 * s;
        assert!(
            (last - expected).abs() < 1e-12,
            "n={n} k={k}: {last} vs {expected}"
        );
        assert_eq!(visits.iter().sum::<u32>() as usize, n);
    }
    // No helper: nobody is helped.
    let (done, _) = visit_queue(&[], &[0.0, 1.0], 10.0);
    assert!(done.iter().all(|t| t.is_infinite()));
    // Helpers start when they are active; late arrivals wait for nobody.
    let (done, _) = visit_queue(&[(2.0, 1.0)], &[0.0, 5.0], 10.0);
    assert_eq!(done, vec![3.0, 6.0]);
}

fn bass(p: f64, q: f64, t: f64) -> f64 {
    bass_curve(p, q, t)
}

#[test]
fn broadcast_plus_homogeneous_word_of_mouth_follows_the_bass_curve() {
    let mut params = Params::default();
    let m = &mut params.mobilisation;
    m.step_minutes = 0.5;
    m.horizon_hours = 12.0;
    m.word_of_mouth_rate = 1.2;
    let (p, q) = (0.15, 1.2);
    let n = 20_000;
    let mut rng = stream(9, 0, 0, Stream::Events);
    let ext: Vec<f64> = (0..n).map(|_| exp_draw(&mut rng, 1.0 / p)).collect();
    let ties = vec![1.0; n];
    let vol = vec![false; n];
    let mut out = Vec::new();
    warn_building(
        &params.mobilisation,
        &ext,
        &ties,
        &vol,
        &mut rng,
        &mut out,
        &mut Waiting::default(),
    );
    for t in [0.5, 1.0, 2.0, 3.0, 4.0, 6.0] {
        let f = out.iter().filter(|x| **x <= t).count() as f64 / n as f64;
        let expected = bass(p, q, t);
        let se = (expected * (1.0 - expected) / n as f64).sqrt();
        // Sampling error plus the time step's discretisation (half a step of growth).
        let step_err = 0.5 * (0.5 / 60.0) * (p + q) * expected.max(0.05);
        assert!(
            (f - expected).abs() < 4.0 * se + step_err + 0.003,
            "t={t}: simulated {f:.4} vs Bass {expected:.4}"
        );
    }
}

/// The warning loop written plainly: every step tests every household not yet warned,
/// in order, with the step's increments computed afresh.
fn plain_warning(
    m: &Mobilisation,
    ext: &[f64],
    ties: &[f64],
    volunteer: &[bool],
    rng: &mut Rng,
) -> Vec<f64> {
    let n = ext.len();
    let threshold: Vec<f64> = (0..n).map(|_| Exp1.sample(rng)).collect();
    let mut out = vec![INF; n];
    let (dt, others) = (m.step_minutes / 60.0, (n.max(2) - 1) as f64);
    let (mut social, mut knocked, mut warned, mut volunteers) = (0.0, 0.0, 0, 0);
    let mut t = 0.0;
    while warned < n && t < m.horizon_hours {
        if warned == 0 {
            let first = ext.iter().copied().fold(INF, f64::min);
            if !first.is_finite() || first >= m.horizon_hours {
                break;
            }
            t = step_start(first, dt);
        }
        let end = t + dt;
        social += m.word_of_mouth_rate * (warned as f64 / others) * dt;
        if volunteers > 0 {
            knocked += m.knock_rate * volunteers as f64 / (n - warned) as f64 * dt;
        }
        let hits: Vec<usize> = (0..n)
            .filter(|&i| out[i] == INF)
            .filter(|&i| ext[i] < end || ties[i] * social + knocked >= threshold[i])
            .collect();
        for i in hits {
            out[i] = if ext[i] < end { ext[i].max(t) } else { end };
            warned += 1;
            volunteers += usize::from(volunteer[i]);
        }
        t = end;
    }
    out.iter()
        .map(|&v| if v > m.horizon_hours { INF } else { v })
        .collect()
}

/// External arrivals (half of them within 4 hours, the rest never) and ties of a
/// building of `n` waiting households, for the warning tests.
fn building_draws(draw: &mut Rng, n: usize) -> (Vec<f64>, Vec<f64>) {
    let ext = (0..n)
        .map(|_| {
            let u: f64 = draw.random();
            if u < 0.5 { u * 8.0 } else { INF }
        })
        .collect();
    let ties = (0..n).map(|_| draw.random::<f64>() * 0.9).collect();
    (ext, ties)
}

/// Buildings of many sizes (past 64, so that hits span several words), one scratch space
/// kept from one to the next: the same warned times, bit for bit, as the plain loop, and
/// the stream left in the same place.
#[test]
fn the_warning_loop_equals_the_plain_one_with_scratch_reused() {
    let mut m = Params::default().mobilisation;
    let mut draw = stream(3, 0, 0, Stream::Events);
    let mut waiting = Waiting::default();
    let mut out = Vec::new();
    let mut warned = 0;
    for (case, n) in [1usize, 37, 0, 9, 150, 64, 65, 300, 2, 48]
        .into_iter()
        .enumerate()
    {
        m.broadcast_rate = if case % 3 == 0 { 0.2 } else { 0.0 };
        m.step_minutes = [5.0, 1.0, 12.5][case % 3];
        let (ext, ties) = building_draws(&mut draw, n);
        let volunteer: Vec<bool> = (0..n).map(|_| draw.random::<f64>() < 0.1).collect();
        let (mut a, mut b) = (draw.clone(), draw.clone());
        warn_building(&m, &ext, &ties, &volunteer, &mut a, &mut out, &mut waiting);
        let plain = plain_warning(&m, &ext, &ties, &volunteer, &mut b);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&out), bits(&plain), "building of {n}");
        assert_eq!(a.random::<u64>(), b.random::<u64>(), "stream after {n}");
        warned += out.iter().filter(|t| t.is_finite()).count();
        draw = a;
    }
    assert!(warned > 400, "the cases must warn many: {warned}");
}

/// The two ways of testing who is warned in a step give the same bits, on buildings of
/// 0 to 140 waiting (whole words, a partial last quad, padding after removals), with
/// hazards that land exactly on thresholds; and a household is warned exactly when the
/// rule says so.
#[test]
fn the_step_tests_agree_in_every_instruction_set() {
    let mut draw = stream(8, 0, 0, Stream::Events);
    let mut w = Waiting::default();
    for n in (0..=140).step_by(7).chain([1, 2, 3, 63, 64, 65, 128]) {
        let (ext, ties) = building_draws(&mut draw, n);
        w.fill(&ext, &ties, &vec![false; n], &mut draw);
        // Removals leave padding inside the last quad.
        for _ in 0..n / 5 {
            let j = draw.random_range(0..w.len);
            w.swap_remove(j);
        }
        let (end, social, knocked) = (2.0, draw.random::<f64>() * 3.0, 0.25);
        // Some hazards land exactly on the threshold: warned (>=).
        for j in (0..w.len).step_by(9) {
            w.threshold[j] = w.ties[j] * social + knocked;
        }
        let quads = w.len.div_ceil(QUAD);
        w.hit.truncate(w.len.div_ceil(64));
        w.hit.fill(0);
        let any = w.hits_portable(quads, end, social, knocked);
        let portable = w.hit.clone();
        for j in 0..w.len {
            let rule = w.ext[j] < end || w.ties[j] * social + knocked >= w.threshold[j];
            assert_eq!(portable[j / 64] >> (j % 64) & 1 == 1, rule, "n {n}, j {j}");
        }
        assert_eq!(any, portable.iter().any(|&x| x != 0));
        assert!(portable.len() * 64 >= w.len);
        assert_eq!(w.hits(end, social, knocked), any);
        assert_eq!(w.hit, portable, "n {n}: the dispatched test");
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            w.hit.fill(0);
            // SAFETY: the processor has AVX2.
            assert_eq!(unsafe { w.hits_avx2(quads, end, social, knocked) }, any);
            assert_eq!(w.hit, portable, "n {n}: AVX2");
        }
    }
}

#[test]
fn word_of_mouth_needs_ties_and_knocking_needs_volunteers() {
    let params = Params::default();
    let m = &params.mobilisation;
    let n = 100;
    let mut ext = vec![INF; n];
    ext[0] = 0.1;
    let mut rng = stream(1, 0, 0, Stream::Events);
    let (mut out, mut waiting) = (Vec::new(), Waiting::default());
    let mut warned = |ties: f64, volunteer: &[bool]| {
        let ties = vec![ties; n];
        warn_building(m, &ext, &ties, volunteer, &mut rng, &mut out, &mut waiting);
        out.iter().filter(|t| t.is_finite()).count()
    };
    assert_eq!(warned(0.0, &vec![false; n]), 1, "no ties, no spread");
    let with_ties = warned(0.8, &vec![false; n]);
    assert!(with_ties > 90, "{with_ties}");
    let mut vol = vec![false; n];
    vol[0] = true;
    assert!(warned(0.0, &vol) > 50, "a volunteer knocks");
}

#[test]
fn unified_command_and_drills_speed_the_alert() {
    let mut m = Params::default().mobilisation;
    let slow = office_delay(&m);
    m.unified_command = true;
    assert!(office_delay(&m) < slow);
    assert_eq!(drill_speed(&m), 1.0);
    m.drills_per_year = 2.0;
    assert!(drill_speed(&m) < 1.0);
}
