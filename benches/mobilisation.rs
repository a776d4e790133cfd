//! A city-wide typhoon over two million households: warning and help in every community,
//! communities in parallel (both cores). The target: well under a second per event.
//!
//! cargo bench --bench mobilisation

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use shequ::model::mobilisation::run_event;
use shequ::model::params::Params;
use shequ::model::world::Community;

fn city_event(c: &mut Criterion) {
    let mut p = Params::default();
    p.world.communities = 800;
    p.world.oversized_community_share = 0.0;
    let city: Vec<Community> = (0..p.world.communities)
        .into_par_iter()
        .map(|id| Community::generate(&p, 1, 0, id))
        .collect();
    let households: u64 = city.iter().map(|c| c.len() as u64).sum();
    let mut g = c.benchmark_group("mobilisation");
    g.throughput(Throughput::Elements(households));
    g.sample_size(10);
    g.bench_function("city_event_2m_households", |b| {
        b.iter_batched(
            || city.clone(),
            |mut city| {
                let outcomes: Vec<_> = city
                    .par_iter_mut()
                    .map(|c| {
                        let mut rng = c.events_rng.clone();
                        run_event(&p, c, 0.8, &mut rng)
                    })
                    .collect();
                black_box(outcomes)
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, city_event);
criterion_main!(benches);
