//! Emergency mobilisation (应急动员): a typhoon or flood alert reaches the community, passes
//! down through workers and grid, building and stairwell leaders, group messages and
//! neighbours; vulnerable residents need a visit by a helper. A continuous-time
//! sub-simulation over hours inside the event's month, one community at a time.
//!
//! Warning. Every occupied dwelling gets an external arrival time, the earliest of: the
//! leader chain (office -> workers call grid leaders -> grid leaders call building leaders ->
//! building leaders call stairwell leaders -> stairwell leaders knock on each door), the group
//! message (members read it after an exponential delay), and mass media (rate p). Inside a
//! building, warned neighbours pass it on (word of mouth: hazard q x ties x warned share) and
//! warned volunteers knock on doors. With only mass media and homogeneous word of mouth on,
//! the warned share follows the Bass curve.
//!
//! Help. Vulnerable households that need help (share = severity) are visited by helpers
//! (workers, volunteers, party members registered at home) in the order they become known:
//! at the alert if registered in the grid or known to a worker, when warned if a neighbour
//! reports them, never otherwise. k helpers, each taking s hours per visit, serve them first
//! come, first served: with n known at once the last is helped at ceil(n / k) x s.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use super::metrics::{Sum, Tally};
use super::params::{Kind, Mobilisation, Params};
use super::rng::Rng;
use super::simd::dispatch;
use super::society;
use super::workforce;
use super::world::{Age, Community, Compound, Occupancy, bits};

/// What one event did in one community, for one compound kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindOutcome {
    /// Occupied dwellings of this kind.
    pub households: u32,
    /// Hours until 50 % / 90 % of them were warned (NaN if never within the horizon).
    pub t50_hours: f64,
    pub t90_hours: f64,
    /// Vulnerable households that needed help.
    pub vulnerable_total: u32,
    pub vulnerable_helped_in_window: u32,
    /// Helpers who made at least one visit within the window.
    pub helpers_active: u32,
    /// Hours until 90 % of the vulnerable needing help were helped (NaN if never).
    pub help_t90_hours: f64,
}

/// Seconds are not needed: times are in hours, `f64`, with `INF` for "never".
const INF: f64 = f64::INFINITY;

/// Ties to its neighbours of the household in a dwelling with state word `state`
/// ([`bits`]), 0-1: the kind's level, built up over ~3 years (0 if vacant).
pub fn ties(k: &Kind, state: u32) -> f64 {
    if Occupancy::of(state) == Occupancy::Vacant {
        return 0.0;
    }
    k.ties * ties_built((state & bits::MONTHS) as u16)
}

/// 1 - e^(-months / 36): how far ties have built up after `months` of residence. Looked up
/// for the first [`TIES_TABLE`] months (each entry computed by this same expression once per
/// process), computed beyond.
fn ties_built(months: u16) -> f64 {
    let built = |m: u16| 1.0 - (-f64::from(m) / 36.0).exp();
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| (0..TIES_TABLE).map(built).collect());
    match table.get(usize::from(months)) {
        Some(&x) => x,
        None => built(months),
    }
}

/// Months of residence whose ties [`ties_built`] keeps in a table (a century and more).
const TIES_TABLE: u16 = 1536;

/// Delay multiplier from drills (at most four a year count).
pub fn drill_speed(m: &Mobilisation) -> f64 {
    1.0 / (1.0 + m.drill_effect * m.drills_per_year.min(4.0))
}

/// Hours from the official alert until the community office has it.
pub fn office_delay(m: &Mobilisation) -> f64 {
    let handoffs = if m.unified_command { 1 } else { m.handoffs };
    f64::from(handoffs) * m.handoff_minutes / 60.0
}

fn exp_draw(rng: &mut Rng, mean: f64) -> f64 {
    let e: f64 = Exp1.sample(rng);
    e * mean
}

/// First-come-first-served visits by `helpers` (each `(active_from, hours_per_visit)`) to
/// households becoming known at `available` (sorted ascending). Returns when each was helped
/// (in `available`'s order; INF if never) and how many visits each helper made by `window`.
pub fn visit_queue(helpers: &[(f64, f64)], available: &[f64], window: f64) -> (Vec<f64>, Vec<u32>) {
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> = helpers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.0.is_finite())
        .map(|(i, h)| Reverse((h.0.to_bits(), i)))
        .collect();
    let mut done = Vec::with_capacity(available.len());
    let mut visits = vec![0u32; helpers.len()];
    for &a in available {
        if !a.is_finite() {
            done.push(INF);
            continue;
        }
        let Some(Reverse((free_bits, i))) = heap.pop() else {
            done.push(INF);
            continue;
        };
        // Non-negative f64 order like their bit patterns.
        let free = f64::from_bits(free_bits);
        let finish = free.max(a) + helpers[i].1;
        if finish <= window {
            visits[i] += 1;
        }
        done.push(finish);
        heap.push(Reverse((finish.to_bits(), i)));
    }
    (done, visits)
}

/// Time at which `q` of the values are at most it (NaN if fewer than that are finite).
fn quantile_time(times: &mut [f64], q: f64) -> f64 {
    if times.is_empty() {
        return f64::NAN;
    }
    let k = ((q * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1;
    let (_, v, _) = times.select_nth_unstable_by(k, f64::total_cmp);
    if v.is_finite() { *v } else { f64::NAN }
}

dispatch! {
/// Warning times of the occupied households of one building, given their external arrival
/// times `ext` (INF if none), ties, and volunteer flags. Time-stepped word of mouth and door
/// knocking; `out` receives the warned time of each (INF if not within the horizon). `w` is
/// scratch space, kept from one building to the next so that an event allocates once per
/// community rather than once per building.
pub fn warn_building(
    m: &Mobilisation,
    ext: &[f64],
    ties: &[f64],
    volunteer: &[bool],
    rng: &mut Rng,
    out: &mut Vec<f64>,
    w: &mut Waiting,
) {
    let n = ext.len();
    out.clear();
    out.resize(n, INF);
    if n == 0 {
        return;
    }
    let dt = m.step_minutes / 60.0;
    let q = m.word_of_mouth_rate;
    // Each household is warned by neighbours once its cumulative hazard
    // ties_i x A(t) + K(t) passes its own Exp(1) threshold, where A accumulates q x warned
    // share and K the door-knocking rate: the same law as a Bernoulli draw per step, with
    // one draw per household instead of one per household and step.
    w.fill(ext, ties, volunteer, rng);
    let mut social = 0.0; // A(t)
    let mut knocked = 0.0; // K(t)
    let mut warned = 0usize;
    let mut volunteers_warned = 0usize;
    let others = (n.max(2) - 1) as f64;
    let (mut counted, mut social_step, mut knock_step) = (usize::MAX, 0.0, 0.0);
    let mut t = 0.0;
    while w.len > 0 && t < m.horizon_hours {
        if warned == 0 {
            // Nobody to spread it yet: jump to the step of the first external arrival.
            let first = w.ext[..w.len].iter().copied().fold(INF, f64::min);
            if !first.is_finite() || first >= m.horizon_hours {
                break;
            }
            t = step_start(first, dt);
        }
        let end = t + dt;
        // The step's increments change only when someone is warned: computed then (the same
        // expressions, so the same bits).
        if warned != counted {
            counted = warned;
            social_step = q * (warned as f64 / others) * dt;
            knock_step = m.knock_rate * volunteers_warned as f64 / w.len as f64 * dt;
        }
        social += social_step;
        if volunteers_warned > 0 {
            knocked += knock_step;
        }
        // Who is warned in this step: all the waiting at once, one bit each ([`Waiting::hits`]);
        // then each of them from the last down, so that removing one (the last waiting takes
        // its place, and has been looked at) leaves those not yet looked at in place. Who is
        // warned in a step, and when, does not depend on the order.
        if w.hits(end, social, knocked) {
            for word in (0..w.hit.len()).rev() {
                let mut set = w.hit[word];
                while set != 0 {
                    let bit = 63 - set.leading_zeros() as usize;
                    set &= !(1 << bit);
                    let j = word * 64 + bit;
                    let e = w.ext[j];
                    out[w.index[j] as usize] = if e < end { e.max(t) } else { end };
                    warned += 1;
                    volunteers_warned += usize::from(w.volunteer[j]);
                    w.swap_remove(j);
                }
            }
        }
        // Proof of progress: every pass moves time strictly forward by a step of at least
        // 0.1 minutes (the domain of step_minutes) towards the horizon, so the loop ends
        // after at most horizon / step passes.
        debug_assert!(end > t, "the warning step must advance time");
        if end <= t {
            break;
        }
        t = end;
    }
    for v in out.iter_mut() {
        if *v > m.horizon_hours {
            *v = INF;
        }
    }
}
}

/// The households of a building still waiting for the warning, as structure of arrays:
/// external arrival, ties, Exp(1) threshold, index in the building, volunteer; the first
/// `len` are waiting. The three tested arrays are padded to a whole number of [`QUAD`] with
/// households who are never warned (arrival and threshold INF, ties 0), so that every test
/// runs on whole vector registers. `hit` holds whether each is warned in the current step,
/// one bit each. Scratch space of [`warn_building`].
#[derive(Debug, Default)]
pub struct Waiting {
    len: usize,
    ext: Vec<f64>,
    ties: Vec<f64>,
    threshold: Vec<f64>,
    index: Vec<u32>,
    volunteer: Vec<bool>,
    hit: Vec<u64>,
}

/// Households [`Waiting::hits`] tests at once: four `f64` in an AVX2 register.
const QUAD: usize = 4;

impl Waiting {
    /// Every household of a building waiting, each with its Exp(1) threshold drawn in order.
    fn fill(&mut self, ext: &[f64], ties: &[f64], volunteer: &[bool], rng: &mut Rng) {
        let n = ext.len();
        let padded = n.next_multiple_of(QUAD);
        self.len = n;
        self.ext.clear();
        self.ext.extend_from_slice(ext);
        self.ext.resize(padded, INF);
        self.ties.clear();
        self.ties.extend_from_slice(ties);
        self.ties.resize(padded, 0.0);
        self.threshold.clear();
        self.threshold
            .extend((0..n).map(|_| -> f64 { Exp1.sample(rng) }));
        self.threshold.resize(padded, INF);
        self.index.clear();
        self.index.extend(0..n as u32);
        self.volunteer.clear();
        self.volunteer.extend_from_slice(volunteer);
        self.hit.clear();
        self.hit.resize(n.div_ceil(64), 0);
    }

    /// Removes waiting household `j`; the last waiting takes its place, and its old place
    /// becomes padding.
    fn swap_remove(&mut self, j: usize) {
        let last = self.len - 1;
        self.ext[j] = self.ext[last];
        self.ext[last] = INF;
        self.ties[j] = self.ties[last];
        self.ties[last] = 0.0;
        self.threshold[j] = self.threshold[last];
        self.threshold[last] = INF;
        self.index.swap_remove(j);
        self.volunteer.swap_remove(j);
        self.len = last;
    }

    /// Sets the bits of `hit` (bit `j % 64` of word `j / 64`) of the waiting households
    /// warned in the step ending at `end`: those whose external arrival comes before `end`,
    /// or whose cumulative hazard `ties x social + knocked` has reached their threshold.
    /// Returns whether anyone is. In AVX2 where the hot loops run their AVX2 compilation,
    /// one household at a time elsewhere: the same IEEE operations in the same order, so the
    /// same bits (tested).
    #[inline(always)]
    fn hits(&mut self, end: f64, social: f64, knocked: f64) -> bool {
        let quads = self.len.div_ceil(QUAD);
        self.hit.truncate(self.len.div_ceil(64));
        self.hit.fill(0);
        #[cfg(target_arch = "x86_64")]
        if super::simd::avx2() {
            // SAFETY: `avx2()` is true only where the processor has AVX2.
            return unsafe { self.hits_avx2(quads, end, social, knocked) };
        }
        self.hits_portable(quads, end, social, knocked)
    }

    /// [`Waiting::hits`] one household at a time, over the first `quads` x [`QUAD`].
    #[inline(always)]
    fn hits_portable(&mut self, quads: usize, end: f64, social: f64, knocked: f64) -> bool {
        let mut any = 0;
        for j in 0..quads * QUAD {
            let warned =
                (self.ext[j] < end) | (self.ties[j] * social + knocked >= self.threshold[j]);
            self.hit[j / 64] |= u64::from(warned) << (j % 64);
            any |= u64::from(warned);
        }
        any != 0
    }

    /// [`Waiting::hits`] in AVX2, [`QUAD`] households at a time.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn hits_avx2(&mut self, quads: usize, end: f64, social: f64, knocked: f64) -> bool {
        use std::arch::x86_64::{
            _CMP_GE_OQ, _CMP_LT_OQ, _mm256_add_pd, _mm256_cmp_pd, _mm256_loadu_pd,
            _mm256_movemask_pd, _mm256_mul_pd, _mm256_or_pd, _mm256_set1_pd,
        };
        let (end, social, knocked) = (
            _mm256_set1_pd(end),
            _mm256_set1_pd(social),
            _mm256_set1_pd(knocked),
        );
        let ext = &self.ext[..quads * QUAD];
        let ties = &self.ties[..quads * QUAD];
        let threshold = &self.threshold[..quads * QUAD];
        let mut any = 0;
        for q in 0..quads {
            let r = q * QUAD..q * QUAD + QUAD;
            // SAFETY: unaligned loads of four f64 from slices of four.
            let (e, k, h) = unsafe {
                (
                    _mm256_loadu_pd(ext[r.clone()].as_ptr()),
                    _mm256_loadu_pd(ties[r.clone()].as_ptr()),
                    _mm256_loadu_pd(threshold[r].as_ptr()),
                )
            };
            // (e < end) | (ties x social + knocked >= threshold), ordered comparisons as
            // Rust's `<` and `>=`; multiplication and addition not fused, as in Rust.
            let hazard = _mm256_add_pd(_mm256_mul_pd(k, social), knocked);
            let warned = _mm256_or_pd(
                _mm256_cmp_pd::<_CMP_LT_OQ>(e, end),
                _mm256_cmp_pd::<_CMP_GE_OQ>(hazard, h),
            );
            let bits = _mm256_movemask_pd(warned) as u64;
            self.hit[q / 16] |= bits << ((q % 16) * QUAD);
            any |= bits;
        }
        any != 0
    }
}

/// The start of the time step of length `dt` in which an arrival at `first` falls: the grid
/// point `floor(first / dt) x dt`, unless rounding puts that step's end at or before `first`
/// (then the step starts at `first`, so the arrival falls inside it and time advances).
pub fn step_start(first: f64, dt: f64) -> f64 {
    let grid = (first / dt).floor() * dt;
    if grid + dt > first { grid } else { first }
}

/// Building and stairwell leaders of compound `c` of kind `k` (expected headcount).
pub fn leaders(k: &Kind, c: &Compound) -> f64 {
    let n_buildings = f64::from(c.end_building - c.first_building);
    n_buildings * k.building_leader_share
        + (c.households() as f64 / f64::from(k.households_per_stairwell.max(1))).ceil()
            * k.stairwell_leader_share
}

/// Leaders' stipends, drills and volunteer support of a community with `leaders` leaders
/// (grid leaders included) and `volunteers` volunteers, RMB; follows wages, at `wage_index`
/// (the month's average wage relative to month 0, [`workforce::Factors::wage_index`]).
pub fn monthly_cost(p: &Params, leaders: f64, volunteers: f64, wage_index: f64) -> f64 {
    let m = &p.mobilisation;
    (leaders * m.leader_cost
        + m.drills_per_year * m.drill_cost / 12.0
        + volunteers * m.volunteer_support_cost)
        * wage_index
}

/// Share of the vulnerable households that needed help in an event who were not helped
/// within the window (0 if none needed help): the complaints the community's workers
/// carry afterwards (§7.7).
pub fn unhelped_share(outcomes: &[KindOutcome]) -> f64 {
    let need: u32 = outcomes.iter().map(|o| o.vulnerable_total).sum();
    let helped: u32 = outcomes.iter().map(|o| o.vulnerable_helped_in_window).sum();
    if need == 0 {
        0.0
    } else {
        f64::from(need - helped) / f64::from(need)
    }
}

impl KindOutcome {
    /// Adds this outcome's vulnerable households to the tally.
    pub fn record(&self, t: &mut Tally) {
        t[Sum::VulnerableNeeding] += f64::from(self.vulnerable_total);
        t[Sum::VulnerableHelped] += f64::from(self.vulnerable_helped_in_window);
    }
}

/// Runs one event of `severity` in a community. Returns per compound kind the outcome, and
/// applies the trust shocks to households (not helped in time, and the compound's spillover).
pub fn run_event(p: &Params, c: &mut Community, severity: f64, rng: &mut Rng) -> [KindOutcome; 3] {
    let m = &p.mobilisation;
    let speed = drill_speed(m);
    let office = office_delay(m);
    let call = m.call_minutes / 60.0 * speed;
    let knock = m.knock_minutes / 60.0 * speed;
    let reading = m.reading_delay_hours * speed;
    let known_by_workers = workforce::known_share(&p.workforce, &c.staff);
    let workers = c.staff.workers.len();
    let n = c.households.len();

    // 1. External arrival times through the leader chain, group messages and mass media.
    let mut ext = vec![INF; n];
    // Grid leaders are called by the workers, shared round robin.
    let mut grid_time = vec![INF; usize::from(c.grids)];
    for (g, t) in grid_time.iter_mut().enumerate() {
        if let Some(round) = g.checked_div(workers) {
            *t = office + (round + 1) as f64 * call;
        }
    }
    let mut calls_by_grid = vec![0u32; usize::from(c.grids)];
    for comp in &c.compounds {
        let k = p.kind(comp.kind);
        let elderly_leader = k.elderly_head_share;
        for b in comp.first_building as usize..comp.end_building as usize {
            let g = usize::from(c.grid_of_building[b]);
            let slow = if rng.random::<f64>() < elderly_leader {
                m.elderly_leader_slowdown
            } else {
                1.0
            };
            let has_building_leader = rng.random::<f64>() < k.building_leader_share;
            let building_time = if has_building_leader {
                calls_by_grid[g] += 1;
                grid_time[g] + f64::from(calls_by_grid[g]) * call
            } else {
                INF
            };
            let (start, end) = (
                c.building_start[b] as usize,
                c.building_start[b + 1] as usize,
            );
            let per_stairwell = (k.households_per_stairwell as usize).max(1);
            let mut first = start;
            let mut stairwell = 0;
            while first < end {
                let last = (first + per_stairwell).min(end);
                let has_leader = rng.random::<f64>() < k.stairwell_leader_share;
                stairwell += 1;
                let leader_time = if has_leader {
                    building_time + f64::from(stairwell) * call * slow
                } else {
                    INF
                };
                let mut door = 0.0;
                for (idx, &s) in (first..last).zip(&c.households.state[first..last]) {
                    if Occupancy::of(s) == Occupancy::Vacant {
                        continue;
                    }
                    door += 1.0;
                    let by_leader = leader_time + door * knock * slow;
                    let elderly = Age::of(s) == Age::Elderly;
                    let member_p = k.group_message_coverage * if elderly { 0.5 } else { 1.0 };
                    let u: f64 = rng.random();
                    let by_group = if u < member_p {
                        office + exp_draw(rng, reading * if elderly { 3.0 } else { 1.0 })
                    } else {
                        INF
                    };
                    let by_media = if m.broadcast_rate > 0.0 {
                        exp_draw(rng, 1.0 / m.broadcast_rate)
                    } else {
                        INF
                    };
                    ext[idx] = by_leader.min(by_group).min(by_media);
                }
                first = last;
            }
        }
    }

    // 2. Word of mouth and door knocking inside each building.
    let mut warned = vec![INF; n];
    let mut b_ext = Vec::new();
    let mut b_ties = Vec::new();
    let mut b_vol = Vec::new();
    let mut b_idx = Vec::new();
    let mut b_out = Vec::new();
    let mut waiting = Waiting::default();
    for comp in &c.compounds {
        let k = p.kind(comp.kind);
        for b in comp.first_building as usize..comp.end_building as usize {
            b_ext.clear();
            b_ties.clear();
            b_vol.clear();
            b_idx.clear();
            let first = c.building_start[b] as usize;
            let end = c.building_start[b + 1] as usize;
            for (i, &s) in (first..end).zip(&c.households.state[first..end]) {
                if Occupancy::of(s) == Occupancy::Vacant {
                    continue;
                }
                b_idx.push(i);
                b_ext.push(ext[i]);
                b_ties.push(ties(k, s));
                b_vol.push(s & (bits::VOLUNTEER | bits::PARTY_MEMBER) != 0);
            }
            warn_building(m, &b_ext, &b_ties, &b_vol, rng, &mut b_out, &mut waiting);
            for (j, &i) in b_idx.iter().enumerate() {
                warned[i] = b_out[j];
            }
        }
    }

    // 3. Help for the vulnerable, compound by compound; workers shared by need.
    let window = m.critical_window_hours;
    let mut need: Vec<Vec<(f64, usize)>> = Vec::with_capacity(c.compounds.len());
    for comp in &c.compounds {
        let k = p.kind(comp.kind);
        let mut list = Vec::new();
        let (first, end) = (comp.first_household as usize, comp.end_household as usize);
        for (i, &s) in (first..end).zip(&c.households.state[first..end]) {
            if s & bits::VULNERABLE == 0 || Occupancy::of(s) == Occupancy::Vacant {
                continue;
            }
            let u: f64 = rng.random();
            let v: f64 = rng.random();
            if u >= severity {
                continue;
            }
            let known = v < m.grid_registration + (1.0 - m.grid_registration) * known_by_workers;
            let w: f64 = rng.random();
            let available = if known {
                office
            } else if w < m.neighbour_report * ties(k, s) {
                warned[i]
            } else {
                INF
            };
            list.push((available, i));
        }
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        need.push(list);
    }
    let total_need: usize = need.iter().map(Vec::len).sum();
    let mut outcomes = [KindOutcome {
        households: 0,
        t50_hours: f64::NAN,
        t90_hours: f64::NAN,
        vulnerable_total: 0,
        vulnerable_helped_in_window: 0,
        helpers_active: 0,
        help_t90_hours: f64::NAN,
    }; 3];
    let mut help_times: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let mut unhelped = vec![0u32; c.compounds.len()];
    let mut assigned = 0usize;
    let mut helpers: Vec<(f64, f64)> = Vec::new();
    for (ci, comp) in c.compounds.iter().enumerate() {
        // Workers go where the need is: a share of them in proportion to this compound's need.
        let cum_before = need[..ci].iter().map(Vec::len).sum::<usize>();
        let cum_after = cum_before + need[ci].len();
        let share = |cum: usize| (workers * cum).checked_div(total_need).unwrap_or(0);
        let my_workers = share(cum_after) - share(cum_before);
        assigned += my_workers;
        helpers.clear();
        for _ in 0..my_workers {
            helpers.push((office, m.visit_hours));
        }
        // Units' staff where facilities are shared (society.rs), shared by need the same way.
        let units = society::unit_helpers(&p.society);
        let unit_share = |cum: usize| (units * cum).checked_div(total_need).unwrap_or(0);
        for _ in 0..unit_share(cum_after) - unit_share(cum_before) {
            helpers.push((office + p.society.unit_response_hours, m.visit_hours));
        }
        let (first, end) = (comp.first_household as usize, comp.end_household as usize);
        for (i, &s) in (first..end).zip(&c.households.state[first..end]) {
            let helps = s & (bits::VOLUNTEER | bits::PARTY_MEMBER) != 0;
            if helps && s & bits::VULNERABLE == 0 && warned[i].is_finite() {
                let slow = if Age::of(s) == Age::Elderly {
                    m.elderly_leader_slowdown
                } else {
                    1.0
                };
                helpers.push((warned[i], m.visit_hours * slow));
            }
        }
        let available: Vec<f64> = need[ci].iter().map(|x| x.0).collect();
        let (done, visits) = visit_queue(&helpers, &available, window);
        help_times[comp.kind.index()].extend_from_slice(&done);
        let o = &mut outcomes[comp.kind.index()];
        o.vulnerable_total += need[ci].len() as u32;
        let helped = done.iter().filter(|t| **t <= window).count() as u32;
        o.vulnerable_helped_in_window += helped;
        o.helpers_active += visits.iter().filter(|v| **v > 0).count() as u32;
        unhelped[ci] = need[ci].len() as u32 - helped;
        // Trust: those not helped in time lose it; the whole compound a little.
        for (j, x) in need[ci].iter().enumerate() {
            if done[j] > window {
                let trust = &mut c.households.trust[x.1];
                *trust = (*trust - m.trust_shock as f32).max(0.0);
            }
        }
    }
    debug_assert!(assigned <= workers);

    // 4. Warning times per kind, and the compound-wide trust spillover.
    let mut times: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for (ci, comp) in c.compounds.iter().enumerate() {
        let kind = comp.kind.index();
        let range = comp.first_household as usize..comp.end_household as usize;
        let occupied = range
            .clone()
            .filter(|&i| c.households.occupancy(i) != Occupancy::Vacant)
            .count();
        let unhelped_share = if occupied > 0 {
            f64::from(unhelped[ci]) / occupied as f64
        } else {
            0.0
        };
        let drop = (m.trust_spillover * unhelped_share) as f32;
        let hs = &mut c.households;
        for i in range {
            if hs.occupancy(i) == Occupancy::Vacant {
                continue;
            }
            times[kind].push(warned[i]);
            hs.trust[i] = (hs.trust[i] - drop).max(0.0);
        }
    }
    for (kind, t) in times.iter_mut().enumerate() {
        outcomes[kind].households = t.len() as u32;
        outcomes[kind].t50_hours = quantile_time(t, 0.5);
        outcomes[kind].t90_hours = quantile_time(t, 0.9);
        outcomes[kind].help_t90_hours = quantile_time(&mut help_times[kind], 0.9);
    }
    outcomes
}

/// An emergency in the city: a month, a severity, and the communities it reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct CityEvent {
    pub month: u32,
    pub severity: f64,
    /// Community ids reached, ascending.
    pub communities: Vec<u32>,
}

/// The events of one replication: the scenario's `[[events]]`, then seasonal typhoons
/// (Poisson `typhoons_per_year` a year, each in July-October, severity uniform in
/// [severity_low, severity_high], reaching each community with chance `affected_share`),
/// drawn from the replication's city stream. Sorted by month (stable).
pub fn calendar(p: &Params, seed: u64, rep: u64) -> Vec<CityEvent> {
    let m = &p.mobilisation;
    let all: Vec<u32> = (0..p.world.communities).collect();
    let mut out: Vec<CityEvent> = p
        .events
        .iter()
        .map(|e| CityEvent {
            month: e.month,
            severity: e.severity,
            communities: if e.communities.is_empty() {
                all.clone()
            } else {
                let mut c = e.communities.clone();
                c.sort_unstable();
                c.dedup();
                c
            },
        })
        .collect();
    let mut rng = super::rng::stream(seed, rep, u64::MAX, super::rng::Stream::City);
    if m.typhoons_per_year > 0.0 {
        let poisson = rand_distr::Poisson::new(m.typhoons_per_year).expect("validated rate");
        for year in 0..p.run.years {
            let n: f64 = poisson.sample(&mut rng);
            for _ in 0..n as u32 {
                let month = year * 12 + 7 + rng.random_range(0..4u32);
                let severity =
                    m.severity_low + rng.random::<f64>() * (m.severity_high - m.severity_low);
                let communities = all
                    .iter()
                    .copied()
                    .filter(|_| rng.random::<f64>() < m.affected_share)
                    .collect();
                out.push(CityEvent {
                    month,
                    severity,
                    communities,
                });
            }
        }
    }
    out.sort_by_key(|e| e.month);
    out
}

/// Bass (1969): the adopted (warned) share at time `t` under external influence `p` and
/// word of mouth `q`, F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}). What
/// [`warn_building`] gives with broadcast `p`, ties 1 and no volunteers; used by tests and
/// `shequ validate`.
pub fn bass_curve(p: f64, q: f64, t: f64) -> f64 {
    let e = (-(p + q) * t).exp();
    (1.0 - e) / (1.0 + q / p * e)
}

#[cfg(test)]
mod tests;
