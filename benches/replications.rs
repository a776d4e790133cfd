//! Replications scale with cores: 8 replications of a 4-community, 5-year baseline on a
//! rayon pool of 1 thread and of 2 threads (criterion's "elements/s" are household-months
//! per second). The ratio of the two times is the parallel speed-up.
//!
//! cargo bench --bench replications

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use shequ::experiment;
use shequ::io::scenario;
use shequ::model::world::Community;

fn replications(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let mut s = scenario::load(&path).expect("scenarios/baseline.toml loads");
    scenario::apply_overrides(
        &mut s,
        &[
            ("bench", "world.communities=4".to_string()),
            ("bench", "run.years=5".to_string()),
            ("bench", "run.replications=8".to_string()),
        ],
    )
    .expect("bench overrides are valid");
    let p = s.params;
    let households: u64 = (0..p.world.communities)
        .map(|id| Community::generate(&p, p.run.seed, 0, id).len() as u64)
        .sum();

    let mut g = c.benchmark_group("replications");
    g.throughput(Throughput::Elements(
        households * u64::from(p.run.years) * 12 * u64::from(p.run.replications),
    ));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        g.bench_with_input(
            BenchmarkId::new(
                "baseline_8reps_4communities_5years",
                format!("{threads}_threads"),
            ),
            &threads,
            |b, _| {
                b.iter(|| pool.install(|| black_box(experiment::run(&p, None, &|| {}).unwrap())))
            },
        );
    }
    g.finish();
}

criterion_group!(benches, replications);
criterion_main!(benches);
