use shequ::model::mobilisation::run_event;
use shequ::model::params::Params;
use shequ::model::world::Community;
fn main() {
    let mut p = Params::default();
    p.world.communities = 10;
    p.world.oversized_community_share = 0.0;
    let mut cs: Vec<Community> = (0..10)
        .map(|id| Community::generate(&p, 1, 0, id))
        .collect();
    let mut tot = 0.0;
    for c in cs.iter_mut() {
        let mut rng = c.events_rng.clone();
        let o = run_event(&p, c, 0.8, &mut rng);
        tot += o[0].t50_hours;
    }
    println!("{tot}");
}
