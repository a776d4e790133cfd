//! Cost of the sensitivity estimators, apart from the model runs they analyse: Saltelli
//! sampling and Sobol' analysis (with 1,000 bootstrap resamples) of 20 factors at N = 1,024
//! (22,528 rows), and a Morris screening of 20 factors x 100 trajectories. Criterion reports
//! elements/s with one element = one design row.
//!
//! cargo bench --bench sensitivity

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use shequ::experiment::sensitivity::{morris, sobol};

/// A smooth test function with interactions: sum of i·x_i plus x_0·x_1.
fn model(x: &[f64]) -> f64 {
    x.iter().enumerate().map(|(i, v)| i as f64 * v).sum::<f64>() + x[0] * x[1]
}

fn estimators(c: &mut Criterion) {
    let k = 20;
    let mut g = c.benchmark_group("sensitivity");
    g.sample_size(10);

    let n = 1024;
    let rows = (n * (k + 2)) as u64;
    g.throughput(Throughput::Elements(rows));
    g.bench_function("saltelli_sample_k20_n1024", |b| {
        b.iter(|| black_box(sobol::sample(k, n, 1).unwrap()))
    });
    let x = sobol::sample(k, n, 1).unwrap();
    let y: Vec<f64> = x.iter().map(|r| model(r)).collect();
    g.bench_function("sobol_analyze_k20_n1024", |b| {
        b.iter(|| black_box(sobol::analyze(&y, k, 1).unwrap()))
    });

    let trajectories = 100;
    g.throughput(Throughput::Elements((trajectories * (k + 1)) as u64));
    let xm = morris::sample(k, trajectories, 4, 1).unwrap();
    let ym: Vec<f64> = xm.iter().map(|r| model(r)).collect();
    g.bench_function("morris_analyze_k20_r100", |b| {
        b.iter(|| black_box(morris::analyze(&xm, &ym, k, 4, 1).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, estimators);
criterion_main!(benches);
