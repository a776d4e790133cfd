//! Throughput of the monthly phases, in household-months per second (criterion reports
//! "elements/s"; one element = one household for one month; ns per household-month =
//! 1e9 / elements per second): the residents' step alone, the owners' payment decisions
//! alone, the whole monthly step of one community, and a replication of the baseline world.
//!
//! cargo bench --bench fees

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use shequ::experiment::run_replication;
use shequ::model::fees::{Rule, decide_buildings};
use shequ::model::firms::fee_price;
use shequ::model::month::MonthFactors;
use shequ::model::params::Params;
use shequ::model::residents::step_compound;
use shequ::model::schedule::step;
use shequ::model::world::Community;

fn fees(c: &mut Criterion) {
    let p = Params::default();
    let mut community = Community::generate(&p, 1, 0, 0);
    let n = community.len() as u64;

    let mut g = c.benchmark_group("fees");
    g.throughput(Throughput::Elements(n));
    // Owners' payment decisions only, every building of one community, one month.
    g.bench_function("decide_payments_one_community_month", |b| {
        b.iter(|| {
            let Community {
                households,
                building_start,
                compounds,
                fees_lanes,
                ..
            } = &mut community;
            let rule = Rule::new(&p.owners);
            let mut paid = 0;
            for comp in compounds.iter() {
                let fee = (fee_price(&p, comp, 1) * comp.floor_area) as f32;
                let buildings = comp.first_building as usize..comp.end_building as usize;
                paid += decide_buildings(
                    &rule,
                    fee,
                    households,
                    building_start,
                    buildings,
                    fees_lanes,
                    0.0,
                );
            }
            black_box(paid)
        })
    });
    // The residents' month only (moving, satisfaction, expectations, trust, volunteering).
    let mut m = 0;
    g.bench_function("residents_one_community_month", |b| {
        b.iter(|| {
            m = m % 240 + 1;
            let Community {
                households,
                compounds,
                residents_rng,
                moves_lanes,
                volunteers_lanes,
                ..
            } = &mut community;
            let mut moves = 0;
            for comp in compounds.iter() {
                let range = comp.first_household as usize..comp.end_household as usize;
                let k = p.kind(comp.kind);
                moves += step_compound(
                    &p,
                    k,
                    comp.quality,
                    0.5,
                    m,
                    households,
                    range,
                    residents_rng,
                    moves_lanes,
                    volunteers_lanes,
                )
                .moves;
            }
            black_box(moves)
        })
    });
    // The whole monthly step of one community (residents, payments, firms, entry, votes).
    // The month's factors are computed once per month for all communities, as in a run.
    let factors: Vec<MonthFactors> = (1..=240).map(|m| MonthFactors::new(&p, m)).collect();
    let mut month = 0;
    g.bench_function("step_one_community_month", |b| {
        b.iter(|| {
            month = month % 240 + 1;
            let f = &factors[month as usize - 1];
            black_box(step(&p, &mut community, f, &[], &mut Vec::new()))
        })
    });
    g.finish();

    // A whole replication of the baseline world (20 communities), one year, all threads.
    let mut q = Params::default();
    q.run.years = 1;
    let households: u64 = (0..q.world.communities)
        .map(|id| Community::generate(&q, 1, 0, id).len() as u64)
        .sum();
    let mut g = c.benchmark_group("replication");
    g.throughput(Throughput::Elements(households * 12));
    g.sample_size(20);
    g.bench_function("baseline_one_year", |b| {
        b.iter(|| black_box(run_replication(&q, 1, 0)))
    });
    g.finish();
}

criterion_group!(benches, fees);
criterion_main!(benches);
