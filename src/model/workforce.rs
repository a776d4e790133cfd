//! Community full-time social workers (社区专职工作者): who they are, why they leave, how
//! vacancies are filled, how much time administration leaves them, and what their capacity
//! does for residents (mediation between owners and firms; knowing who is vulnerable).

use rand::RngExt;

use super::metrics::{Sum, Tally};
use super::params::{Params, Workforce as WfParams};
use super::rates::monthly;
use super::rng::Rng;
use super::society;

pub use super::rates::HOURS_PER_MONTH;

/// One community worker. 8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Worker {
    pub tenure_months: u16,
    /// Age in years.
    pub age: u8,
    pub male: bool,
    /// Local (属地): registered in the area they serve.
    pub local: bool,
    /// College degree or above (大专及以上).
    pub college: bool,
    /// Holds the social-worker certificate (社会工作者职业水平证书).
    pub certified: bool,
    /// Head of one of the two committees (两委).
    pub head: bool,
}

/// The workers of one community and their positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Staff {
    pub workers: Vec<Worker>,
    /// Funded positions, heads included.
    pub positions: u32,
    pub head_positions: u32,
    /// Complaints the workers still carry from emergencies (share of the vulnerable needing
    /// help who were not helped in time, summed over events and fading over
    /// `complaint_memory_months`); set by the emergency phase, read by the quit hazard.
    pub complaints: f64,
}

/// What the workforce did and cost in one month.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WorkforceMonth {
    /// Quits (all causes, exam season included).
    pub separations: u32,
    /// Of which: left through the exam season or directed recruitment.
    pub exam_exits: u32,
    /// Recruits who started this month.
    pub hires: u32,
    /// Wages and allowances, RMB.
    pub cost: f64,
    /// Public cost of the platform, admission system and linkage levers, RMB.
    pub lever_cost: f64,
    /// Workload at the month's end, net of the casework the society levers relieve.
    pub workload: f64,
}

/// Share of a worker's hours that the tasks pushed down by departments take, after the
/// admission system (before any funding that follows them).
pub fn pushed_down_share(w: &WfParams) -> f64 {
    if w.work_admission {
        w.admin_share_pushed_down * (1.0 - w.admission_cut)
    } else {
        w.admin_share_pushed_down
    }
}

/// Share of a worker's hours that the funding following pushed-down tasks (费随事转) buys
/// back: paid extra hours take those tasks over.
pub fn funded_share(w: &WfParams) -> f64 {
    if w.funding_follows_tasks {
        pushed_down_share(w) * w.funded_task_share
    } else {
        0.0
    }
}

/// Share of working hours that goes to administration under the scenario's levers.
pub fn admin_share(w: &WfParams) -> f64 {
    let pushed = pushed_down_share(w) - funded_share(w);
    let duplicate = if w.integrated_platform {
        0.0
    } else {
        w.admin_share_duplicate_entry
    };
    w.admin_share_core + pushed + duplicate
}

/// Hours a month that integrated assistants (协管员) add to the workers' pool.
pub fn assistant_hours(w: &WfParams) -> f64 {
    if w.assistants_integrated {
        w.assistants_per_community * HOURS_PER_MONTH * (1.0 - w.assistant_department_share)
    } else {
        0.0
    }
}

/// Productivity of an assistant in casework and mediation: that of a new, uncertified
/// worker without a degree (casework is new to them).
pub fn assistant_productivity() -> f64 {
    0.7
}

/// Funded positions for `households`: staff at the staffing ratio plus the heads.
pub fn positions(w: &WfParams, households: usize) -> (u32, u32) {
    let staff = (households as f64 / w.households_per_worker).ceil() as u32;
    (staff + w.heads_per_community, w.heads_per_community)
}

/// Which half of a merged pair of undersized communities a community is (适度合并).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    First,
    Second,
}

/// Positions (total, heads) of a community of `households`: the staffing ratio, the heads,
/// and the extra positions of a small community. Half of a merged pair (`merged`) shares
/// one 两委 and counts staff on the pair's households (both halves are the same size); the
/// first half takes the odd one of each.
pub fn community_positions(w: &WfParams, households: usize, merged: Option<Half>) -> (u32, u32) {
    let unit = if merged.is_some() {
        2 * households
    } else {
        households
    };
    let (all, heads) = positions(w, unit);
    let extra = if unit < w.small_community_households as usize {
        w.small_community_extra_positions
    } else {
        0
    };
    let staff = all - heads + extra;
    let half = |x: u32| match merged {
        None => x,
        Some(Half::First) => x.div_ceil(2),
        Some(Half::Second) => x / 2,
    };
    (half(staff) + half(heads), half(heads))
}

/// Hours casework needs over the hours administration leaves the workers free (1 = just enough).
/// Integrated assistants' hours join the pool.
pub fn workload(w: &WfParams, households: usize, employed: usize) -> f64 {
    let free = HOURS_PER_MONTH * (1.0 - admin_share(w));
    let pool = employed.max(1) as f64 * free.max(1e-9) + assistant_hours(w);
    households as f64 * w.hours_per_household / pool
}

/// How many times faster than the status quo workers learn: annual training (年度例训).
pub fn training_speed(w: &WfParams) -> f64 {
    if w.annual_training {
        1.0 + w.training_learning_effect
    } else {
        1.0
    }
}

/// Productivity of a worker: experience raises it with tenure; the certificate and a degree help.
pub fn productivity(x: &Worker) -> f64 {
    productivity_at(x, 1.0)
}

/// Productivity of a worker who climbs the experience curve `speed` times as fast.
pub fn productivity_at(x: &Worker, speed: f64) -> f64 {
    let experience = 0.7 + 0.3 * (1.0 - (-f64::from(x.tenure_months) * speed / 24.0).exp());
    experience * if x.certified { 1.15 } else { 1.0 } * if x.college { 1.05 } else { 1.0 }
}

/// Share of the vulnerable households in a worker's patch that the worker knows. Annual
/// training and dual appraisal make workers learn faster.
pub fn knowledge(w: &WfParams, x: &Worker) -> f64 {
    let start = if x.local { w.local_head_start } else { 0.0 };
    let focus = if w.dual_appraisal {
        1.0 + w.appraisal_focus
    } else {
        1.0
    };
    let months = w.knowledge_months / (training_speed(w) * focus);
    1.0 - (1.0 - start) * (-f64::from(x.tenure_months) / months).exp()
}

/// Share of free hours given to owner-firm mediation; dual appraisal turns hours toward it.
pub fn mediation_share(w: &WfParams) -> f64 {
    if w.dual_appraisal {
        (w.mediation_time_share * (1.0 + w.appraisal_focus)).min(1.0)
    } else {
        w.mediation_time_share
    }
}

/// Mediation hours available in a month (free hours x mediation share x productivity),
/// integrated assistants' included.
pub fn mediation_hours(w: &WfParams, s: &Staff) -> f64 {
    let share = mediation_share(w);
    let free = HOURS_PER_MONTH * (1.0 - admin_share(w)) * share;
    let speed = training_speed(w);
    let workers: f64 = s
        .workers
        .iter()
        .map(|x| free * productivity_at(x, speed))
        .sum();
    workers + assistant_hours(w) * share * assistant_productivity()
}

/// Share of owner-firm disputes that get mediated, 0-1: linkage x capacity / need, for
/// `hours` of mediation a month and disputes at `disputes` times the status quo's incidence
/// (law enforcement lowers it, `society::disputes`).
pub fn mediation_coverage(w: &WfParams, hours: f64, households: usize, disputes: f64) -> f64 {
    let need = households as f64 * w.mediation_hours_per_household * disputes;
    let capacity = if need > 0.0 {
        (hours / need).min(1.0)
    } else {
        1.0
    };
    w.three_in_one_linkage * capacity
}

/// Service owners of a managed compound perceive, given mediation coverage.
pub fn perceived_quality(w: &WfParams, quality: f64, coverage: f64) -> f64 {
    quality * (1.0 - w.dispute_loss * (1.0 - coverage))
}

/// Share of vulnerable households known to a worker (vacant positions know nobody).
pub fn known_share(w: &WfParams, s: &Staff) -> f64 {
    if s.positions == 0 {
        return 0.0;
    }
    s.workers.iter().map(|x| knowledge(w, x)).sum::<f64>() / f64::from(s.positions)
}

/// Pay relative to the average wage (allowance and grid bonus included, indexed to wages).
pub fn pay_ratio(w: &WfParams, x: &Worker) -> f64 {
    let base = if x.head {
        w.pay_ratio_head
    } else {
        w.pay_ratio_staff
    };
    let allowance = if x.certified {
        w.certificate_allowance * 12.0 / w.average_wage
    } else {
        0.0
    };
    base + allowance + bonus_ratio(w, x)
}

/// The grid performance bonus relative to the average wage (staff only).
pub fn bonus_ratio(w: &WfParams, x: &Worker) -> f64 {
    if x.head {
        0.0
    } else {
        w.grid_bonus * 12.0 / w.average_wage
    }
}

/// Pay as it retains: a RMB of performance bonus counts `bonus_retention` of a RMB of base pay.
pub fn retaining_pay_ratio(w: &WfParams, x: &Worker) -> f64 {
    pay_ratio(w, x) - (1.0 - w.bonus_retention) * bonus_ratio(w, x)
}

/// Monthly quitting hazard of a worker at the given workload (exam season aside), with
/// the workers' remembered complaints `complaints` (§7.7).
pub fn quit_hazard_with(w: &WfParams, x: &Worker, workload: f64, complaints: f64) -> f64 {
    let base = monthly(w.quit_rate);
    hazard_with(w, base, x, workload, complaint_factor(w, complaints))
}

/// How remembered complaints `complaints` multiply every worker's quitting hazard.
fn complaint_factor(w: &WfParams, complaints: f64) -> f64 {
    let log = w.weight_complaints * complaints;
    log.exp()
}

/// [`quit_hazard_with`] from the monthly base hazard `base` and the complaints' factor.
fn hazard_with(w: &WfParams, base: f64, x: &Worker, workload: f64, complaints: f64) -> f64 {
    (hazard_from(w, base, x, workload) * complaints).clamp(0.0, 1.0)
}

/// Monthly quitting hazard of a worker at the given workload (exam season aside).
pub fn quit_hazard(w: &WfParams, x: &Worker, workload: f64) -> f64 {
    hazard_from(w, monthly(w.quit_rate), x, workload)
}

/// [`quit_hazard`] from the monthly base hazard `base` (`quit_rate` made monthly).
fn hazard_from(w: &WfParams, base: f64, x: &Worker, workload: f64) -> f64 {
    let mut log = w.weight_pay * (w.pay_reference - retaining_pay_ratio(w, x))
        + w.weight_workload * (workload - 1.0);
    if x.college {
        log += w.weight_college;
    }
    if x.certified {
        log += w.weight_certified;
    }
    if x.male {
        log += w.weight_male;
    }
    if x.local {
        log -= w.weight_local;
    }
    if w.career_path {
        log -= w.career_attraction;
    }
    let mut h = base * log.exp();
    if x.tenure_months < 12 {
        h *= w.first_year_factor;
    }
    h.clamp(0.0, 1.0)
}

/// Chance of leaving in the exam season: the exams take the best (degree, certificate, young);
/// with the career path, good experienced workers are also recruited away.
pub fn exam_chance(w: &WfParams, x: &Worker) -> f64 {
    let mut p = w.exam_pass_rate
        * if x.college { 1.0 } else { 0.3 }
        * if x.certified { 1.0 } else { 0.6 }
        * if x.age < 35 { 1.0 } else { 0.4 };
    if w.career_path && x.college && x.tenure_months >= 36 {
        p += w.directed_recruitment_rate;
    }
    p.min(1.0)
}

/// A recruit from the applicant pool.
pub fn recruit(w: &WfParams, rng: &mut Rng) -> Worker {
    let young = rng.random::<f64>() < w.pool_young_share;
    let age = if young {
        22 + rng.random_range(0..13u8)
    } else {
        35 + rng.random_range(0..16u8)
    };
    Worker {
        tenure_months: 0,
        age,
        male: rng.random::<f64>() < w.pool_male_share,
        local: rng.random::<f64>() < w.pool_local_share,
        college: rng.random::<f64>() < w.pool_college_share,
        certified: rng.random::<f64>() < w.pool_certified_share,
        head: false,
    }
}

/// The workforce of a community of `households` at the start, matching the essay's figures.
pub fn initial_staff(p: &Params, households: usize, rng: &mut Rng) -> Staff {
    initial_staff_in(p, positions(&p.workforce, households), rng)
}

/// The workforce at the start in `(positions, head positions)`.
pub fn initial_staff_in(p: &Params, (n, heads): (u32, u32), rng: &mut Rng) -> Staff {
    let w = &p.workforce;
    let mut workers = Vec::with_capacity(n as usize);
    for i in 0..n {
        let head = i < heads;
        let u: f64 = rng.random();
        let mean = w.initial_mean_tenure_months * if head { 2.0 } else { 1.0 };
        let tenure = (-mean * (1.0 - u).ln()).min(f64::from(u16::MAX)) as u16;
        let age = (24.0 + f64::from(tenure) / 12.0 + rng.random::<f64>() * 15.0).min(60.0) as u8;
        workers.push(Worker {
            tenure_months: tenure,
            age,
            male: rng.random::<f64>() < w.initial_male_share,
            local: rng.random::<f64>() < w.initial_local_share,
            college: rng.random::<f64>() < w.initial_college_share,
            certified: rng.random::<f64>() < w.initial_certified_share,
            head,
        });
    }
    Staff {
        workers,
        positions: n,
        head_positions: heads,
        complaints: 0.0,
    }
}

/// Average wage (RMB/year) at `month`.
pub fn average_wage(w: &WfParams, month: u32) -> f64 {
    w.average_wage * (1.0 + w.wage_growth).powf(f64::from(month) / 12.0)
}

/// Monthly chance that an uncertified worker gets the social-work certificate: the annual
/// `certification_rate`, raised by the allowance and the annual training.
pub fn certification_chance(w: &WfParams) -> f64 {
    let training = if w.annual_training {
        1.0 + w.training_certification_effect
    } else {
        1.0
    };
    monthly(
        (w.certification_rate
            * (1.0 + w.allowance_effect * w.certificate_allowance / 1000.0)
            * training)
            .min(0.99),
    )
}

/// What the workforce's month takes from (params, month) alone, computed once per month by
/// [`Factors::new`] with the very expressions of the direct functions (so bit for bit the
/// same values), instead of a `powf` per worker or per community.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Factors {
    pub month: u32,
    /// [`average_wage`].
    pub average_wage: f64,
    /// The average wage relative to month 0: what wage-linked costs grow by.
    pub wage_index: f64,
    /// `quit_rate` made monthly: the base of [`quit_hazard`].
    pub quit_base: f64,
    /// [`certification_chance`].
    pub certification: f64,
    /// What share of the workers' remembered complaints is left after a month.
    pub complaint_fade: f64,
}

impl Factors {
    /// The factors of `month` under `w` (the parameters in force that month).
    pub fn new(w: &WfParams, month: u32) -> Factors {
        let average_wage = average_wage(w, month);
        Factors {
            month,
            average_wage,
            wage_index: average_wage / w.average_wage,
            quit_base: monthly(w.quit_rate),
            certification: certification_chance(w),
            complaint_fade: (-1.0 / w.complaint_memory_months).exp(),
        }
    }
}

/// One month of the workforce: quits, exam season, promotion to head, recruitment,
/// certification, tenure. `compounds` counts the community's compounds (for lever costs).
pub fn step(
    p: &Params,
    s: &mut Staff,
    households: usize,
    compounds: usize,
    month: u32,
    rng: &mut Rng,
) -> WorkforceMonth {
    let fx = Factors::new(&p.workforce, month);
    step_at(p, s, households, compounds, &fx, rng)
}

/// [`step`] at the month of `fx` (the schedule computes the factors once per month).
pub fn step_at(
    p: &Params,
    s: &mut Staff,
    households: usize,
    compounds: usize,
    fx: &Factors,
    rng: &mut Rng,
) -> WorkforceMonth {
    let w = &p.workforce;
    let month = fx.month;
    let relief = society::casework_factor(p, households);
    let load = workload(w, households, s.workers.len()) * relief;
    let exam_season = month % 12 == w.exam_month % 12;
    let complaints = complaint_factor(w, s.complaints);
    s.complaints *= fx.complaint_fade;
    let mut separations = 0;
    let mut exam_exits = 0;
    s.workers.retain(|x| {
        // Both draws are always made, so streams stay aligned across scenarios.
        let u: f64 = rng.random();
        let v: f64 = rng.random();
        if u < hazard_with(w, fx.quit_base, x, load, complaints) {
            separations += 1;
            return false;
        }
        if exam_season && v < exam_chance(w, x) {
            separations += 1;
            exam_exits += 1;
            return false;
        }
        true
    });
    // A head who leaves is replaced by the longest-serving staff member; the vacancy is staff's.
    let heads = s.workers.iter().filter(|x| x.head).count() as u32;
    for _ in heads..s.head_positions {
        let best = s
            .workers
            .iter_mut()
            .filter(|x| !x.head)
            .max_by_key(|x| x.tenure_months);
        match best {
            Some(x) => x.head = true,
            None => break,
        }
    }
    let fill = if w.recruit_delay_months <= 0.0 {
        1.0
    } else {
        1.0 / (1.0 + w.recruit_delay_months)
    };
    let vacancies = s.positions.saturating_sub(s.workers.len() as u32);
    let mut hires = 0;
    for _ in 0..vacancies {
        let u: f64 = rng.random();
        let mut x = recruit(w, rng);
        if u < fill {
            let heads = s.workers.iter().filter(|y| y.head).count() as u32;
            x.head = heads < s.head_positions;
            s.workers.push(x);
            hires += 1;
        }
    }
    let cert = fx.certification;
    let wage = fx.average_wage / 12.0;
    let mut cost = 0.0;
    for x in s.workers.iter_mut() {
        let u: f64 = rng.random();
        if !x.certified && u < cert {
            x.certified = true;
        }
        x.tenure_months = x.tenure_months.saturating_add(1);
        if month % 12 == 0 {
            x.age = x.age.saturating_add(1);
        }
        cost += pay_ratio(w, x) * wage;
    }
    let growth = fx.wage_index;
    let mut lever_cost = w.linkage_cost_per_compound * w.three_in_one_linkage * compounds as f64;
    if w.integrated_platform {
        lever_cost += w.platform_cost_per_household * households as f64;
    }
    if w.work_admission {
        lever_cost += w.admission_cost_per_community;
    }
    let (levers_pay, levers_other) = levers_cost(w, s.workers.len(), wage);
    cost += levers_pay;
    lever_cost += levers_other;
    WorkforceMonth {
        separations,
        exam_exits,
        hires,
        cost,
        lever_cost: lever_cost * growth,
        workload: workload(w, households, s.workers.len()) * relief,
    }
}

/// The month's cost of the levers of 三.(三).4 and 三.(一).2 at monthly wage `wage` (RMB),
/// as (pay, in `workforce_cost`; other, in `lever_cost` at start-of-run prices):
/// integrated assistants' pay brought to the staff scale and their management; the
/// funding that follows pushed-down tasks (their hours at staff pay); dual appraisal;
/// annual training of the `employed` workers.
pub fn levers_cost(w: &WfParams, employed: usize, wage: f64) -> (f64, f64) {
    let mut pay = 0.0;
    let mut other = 0.0;
    if w.assistants_integrated {
        let top_up = (w.pay_ratio_staff - w.assistant_pay_ratio).max(0.0);
        pay += w.assistants_per_community * top_up * wage;
        other += w.assistants_per_community * w.assistant_management_cost;
    }
    // The funded hours are the share of every employed worker's hours the funding buys back.
    pay += funded_share(w) * employed as f64 * w.pay_ratio_staff * wage;
    if w.dual_appraisal {
        other += w.appraisal_cost_per_community;
    }
    if w.annual_training {
        other += w.training_cost_per_worker / 12.0 * employed as f64;
    }
    (pay, other)
}

/// Adds the workforce's month to the tally: positions, headcount and composition, flows,
/// hours and costs, and what its capacity covers (`coverage` of owner-firm disputes mediated)
/// for a community of `households`.
pub fn record(
    w: &WfParams,
    s: &Staff,
    m: &WorkforceMonth,
    households: usize,
    coverage: f64,
    t: &mut Tally,
) {
    let employed = s.workers.len() as f64;
    let n = households as f64;
    t[Sum::Positions] += f64::from(s.positions);
    t[Sum::Employed] += employed;
    t[Sum::Separations] += f64::from(m.separations);
    t[Sum::Hires] += f64::from(m.hires);
    t[Sum::ExamExits] += f64::from(m.exam_exits);
    for x in &s.workers {
        t[Sum::Tenure] += f64::from(x.tenure_months);
        t[Sum::Male] += f64::from(u8::from(x.male));
        t[Sum::Local] += f64::from(u8::from(x.local));
        t[Sum::College] += f64::from(u8::from(x.college));
        t[Sum::Certified] += f64::from(u8::from(x.certified));
    }
    t[Sum::Admin] += admin_share(w) * employed;
    t[Sum::Workload] += m.workload * n;
    t[Sum::WorkforceCost] += m.cost;
    t[Sum::LeverCost] += m.lever_cost;
    t[Sum::MediationHours] += mediation_hours(w, s);
    t[Sum::Coverage] += coverage * n;
    t[Sum::Known] += known_share(w, s) * n;
}

/// The textbook reduction of the quitting rule: every driver off (pay, workload, outside
/// options, gender, locality, first year, exams, career path) and vacancies refilled at once,
/// so every worker quits with the same monthly hazard `h`. Used by tests and `shequ validate`.
pub fn constant_hazard_params(h: f64) -> Params {
    let defaults = Params::default();
    Params {
        workforce: WfParams {
            quit_rate: 1.0 - (1.0 - h).powi(12),
            first_year_factor: 1.0,
            weight_pay: 0.0,
            weight_workload: 0.0,
            weight_college: 0.0,
            weight_certified: 0.0,
            weight_male: 0.0,
            weight_local: 0.0,
            exam_pass_rate: 0.0,
            career_path: false,
            recruit_delay_months: 0.0,
            ..defaults.workforce
        },
        ..defaults
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::{Stream, stream};

    fn constant_hazard(h: f64) -> Params {
        constant_hazard_params(h)
    }

    #[test]
    fn initial_workforce_matches_the_essay() {
        let p = Params::default();
        let mut rng = stream(1, 0, 0, Stream::WorkforceInit);
        let mut all = Vec::new();
        for _ in 0..400 {
            all.extend(initial_staff(&p, 2500, &mut rng).workers);
        }
        let n = all.len() as f64;
        let share = |f: fn(&Worker) -> bool| all.iter().filter(|x| f(x)).count() as f64 / n;
        // Tolerance: 4 standard errors at n ~ 3,600.
        let tol = |p: f64| 4.0 * (p * (1.0 - p) / n).sqrt();
        assert!((share(|x| x.male) - 0.20).abs() < tol(0.2));
        assert!((share(|x| x.local) - 0.28).abs() < tol(0.28));
        assert!(share(|x| x.local) < 0.30 + tol(0.3));
        assert!((share(|x| x.college) - 0.76).abs() < tol(0.76));
        assert!((share(|x| x.certified) - 0.30).abs() < tol(0.3));
    }

    #[test]
    fn constant_hazard_gives_geometric_tenure() {
        let h = 0.02;
        let p = constant_hazard(h);
        let w = &p.workforce;
        let x = recruit(w, &mut stream(1, 0, 0, Stream::Workforce));
        for load in [0.2, 1.0, 3.0] {
            assert!((quit_hazard(w, &x, load) - h).abs() < 1e-12);
        }
        // A cohort of 20,000 followed for 5 years: S(t) = (1 - h)^t.
        let mut rng = stream(2, 0, 0, Stream::Workforce);
        let n = 20_000;
        let mut alive = vec![true; n];
        let mut tenure_sum = 0.0;
        for t in 1..=60 {
            for a in alive.iter_mut().filter(|a| **a) {
                if rng.random::<f64>() < h {
                    *a = false;
                    tenure_sum += f64::from(t);
                }
            }
            let s = alive.iter().filter(|a| **a).count() as f64 / n as f64;
            let expected = (1.0 - h).powi(t);
            let se = (expected * (1.0 - expected) / n as f64).sqrt();
            assert!(
                (s - expected).abs() < 4.0 * se + 1e-9,
                "t={t}: {s} vs {expected}"
            );
            if t == 12 {
                let left = 1.0 - s;
                let annual = 1.0 - (1.0 - h).powi(12);
                assert!(
                    (left - annual).abs() < 4.0 * se,
                    "annual {left} vs {annual}"
                );
            }
        }
        // Mean completed tenure of those who left within 60 months, against the truncated geometric.
        let leavers = alive.iter().filter(|a| !**a).count() as f64;
        let mean = tenure_sum / leavers;
        let q = 1.0 - h;
        let num: f64 = (1..=60).map(|t| f64::from(t) * q.powi(t - 1) * h).sum();
        let den = 1.0 - q.powi(60);
        assert!((mean - num / den).abs() < 0.5, "{mean} vs {}", num / den);
    }

    #[test]
    fn separations_per_headcount_are_twelve_h_with_instant_refill() {
        let h = 0.015;
        let p = constant_hazard(h);
        let mut rng = stream(3, 0, 0, Stream::Workforce);
        let mut s = initial_staff(&p, 25_000, &mut rng);
        let n = s.positions as f64;
        let mut seps = 0.0;
        let months = 240;
        for m in 1..=months {
            let out = step(&p, &mut s, 25_000, 10, m, &mut rng);
            seps += f64::from(out.separations);
            assert_eq!(s.workers.len() as u32, s.positions, "refilled at once");
        }
        let annual = seps / (months as f64 / 12.0) / n;
        let expected = 12.0 * h;
        let se = (12.0 * h * n).sqrt() / n / (months as f64 / 12.0).sqrt();
        assert!(
            (annual - expected).abs() < 4.0 * se,
            "{annual} vs {expected}"
        );
    }

    #[test]
    fn each_driver_moves_the_hazard_the_right_way() {
        let p = Params::default();
        let w = &p.workforce;
        let x = Worker {
            tenure_months: 24,
            age: 30,
            male: false,
            local: false,
            college: false,
            certified: false,
            head: false,
        };
        let base = quit_hazard(w, &x, 1.0);
        assert!(quit_hazard(w, &x, 2.0) > base, "workload");
        assert!(
            quit_hazard(w, &Worker { male: true, ..x }, 1.0) > base,
            "men"
        );
        assert!(
            quit_hazard(w, &Worker { local: true, ..x }, 1.0) < base,
            "locals"
        );
        assert!(
            quit_hazard(w, &Worker { college: true, ..x }, 1.0) > base,
            "degree"
        );
        assert!(
            quit_hazard(
                w,
                &Worker {
                    tenure_months: 3,
                    ..x
                },
                1.0
            ) > base,
            "first year"
        );
        let mut paid = p.clone();
        paid.workforce.pay_ratio_staff = 1.0;
        assert!(quit_hazard(&paid.workforce, &x, 1.0) < base, "pay floor");
        let mut career = p.clone();
        career.workforce.career_path = true;
        assert!(
            quit_hazard(&career.workforce, &x, 1.0) < base,
            "career path attracts"
        );
        let good = Worker {
            college: true,
            tenure_months: 48,
            ..x
        };
        assert!(
            exam_chance(&career.workforce, &good) > exam_chance(w, &good),
            "and takes talent"
        );
        let top = Worker {
            college: true,
            certified: true,
            ..x
        };
        assert!(
            exam_chance(w, &top) > exam_chance(w, &x),
            "exams take the best"
        );
    }

    #[test]
    fn levers_cut_administration_and_raise_capacity() {
        let p = Params::default();
        let mut r = p.clone();
        r.workforce.work_admission = true;
        r.workforce.integrated_platform = true;
        assert!(admin_share(&r.workforce) < admin_share(&p.workforce) - 0.2);
        assert!(workload(&r.workforce, 2500, 10) < workload(&p.workforce, 2500, 10));
        let mut rng = stream(1, 0, 0, Stream::WorkforceInit);
        let s = initial_staff(&p, 2500, &mut rng);
        assert!(mediation_hours(&r.workforce, &s) > mediation_hours(&p.workforce, &s));
        let c = mediation_coverage(&p.workforce, mediation_hours(&p.workforce, &s), 2500, 1.0);
        assert!(c > 0.0 && c <= p.workforce.three_in_one_linkage + 1e-12);
        assert!(perceived_quality(&p.workforce, 0.5, 1.0) == 0.5);
        assert!(perceived_quality(&p.workforce, 0.5, 0.0) < 0.5);
    }

    #[test]
    fn merged_halves_share_one_committee_and_small_communities_get_extra_staff() {
        let mut w = Params::default().workforce;
        let alone = community_positions(&w, 1250, None);
        assert_eq!(alone, positions(&w, 1250));
        let a = community_positions(&w, 1250, Some(Half::First));
        let b = community_positions(&w, 1250, Some(Half::Second));
        assert_eq!(
            a.0 + b.0,
            positions(&w, 2500).0,
            "the pair counts as one community"
        );
        assert_eq!(a.1 + b.1, w.heads_per_community, "one 两委 per pair");
        assert!(a.0 + b.0 < 2 * alone.0);
        w.small_community_extra_positions = 1;
        assert_eq!(community_positions(&w, 1250, None).0, alone.0 + 1);
        assert_eq!(community_positions(&w, 1250, None).1, alone.1);
        assert_eq!(community_positions(&w, 2500, None), positions(&w, 2500));
        // A merged pair of 2,500 is not small.
        let c = community_positions(&w, 1250, Some(Half::First));
        let d = community_positions(&w, 1250, Some(Half::Second));
        assert_eq!(c.0 + d.0, positions(&w, 2500).0);
    }

    #[test]
    fn assistants_and_funding_add_hours_at_their_cost() {
        let p = Params::default();
        let mut rng = stream(1, 0, 0, Stream::WorkforceInit);
        let s = initial_staff(&p, 2500, &mut rng);
        let n = s.workers.len();
        let wage = p.workforce.average_wage / 12.0;
        let base = &p.workforce;
        assert_eq!(
            levers_cost(base, n, wage),
            (0.0, 0.0),
            "status quo: no lever cost"
        );
        // Integrated assistants: their free hours join the pool.
        let mut a = base.clone();
        a.assistants_integrated = true;
        let free = HOURS_PER_MONTH * (1.0 - admin_share(base));
        let need = 2500.0 * base.hours_per_household;
        let hours = 4.0 * HOURS_PER_MONTH * 0.5;
        assert!((assistant_hours(&a) - hours).abs() < 1e-9);
        assert!((workload(&a, 2500, n) - need / (n as f64 * free + hours)).abs() < 1e-12);
        assert!(mediation_hours(&a, &s) > mediation_hours(base, &s));
        let (pay, other) = levers_cost(&a, n, wage);
        assert!((pay - 4.0 * (0.8 - 0.5) * wage).abs() < 1e-6);
        assert!((other - 4.0 * a.assistant_management_cost).abs() < 1e-9);
        // Funding follows tasks: the funded share of hours leaves administration, and its
        // cost is exactly those hours at staff pay.
        let mut f = base.clone();
        f.work_admission = true;
        let admitted = admin_share(&f);
        f.funding_follows_tasks = true;
        assert!((admitted - admin_share(&f) - pushed_down_share(&f)).abs() < 1e-12);
        assert!(workload(&f, 2500, n) < workload(base, 2500, n));
        let hourly = base.pay_ratio_staff * wage / HOURS_PER_MONTH;
        let funded_hours = funded_share(&f) * HOURS_PER_MONTH * n as f64;
        assert!((levers_cost(&f, n, wage).0 - funded_hours * hourly).abs() < 1e-6);
        f.funded_task_share = 0.0;
        assert!((admin_share(&f) - admitted).abs() < 1e-12);
    }

    #[test]
    fn bonus_retains_less_than_base_pay_and_appraisal_and_training_help() {
        let p = Params::default();
        let w = &p.workforce;
        let x = Worker {
            tenure_months: 24,
            age: 30,
            male: false,
            local: false,
            college: true,
            certified: false,
            head: false,
        };
        let mut bonus = w.clone();
        bonus.grid_bonus = 500.0;
        let mut base = w.clone();
        base.pay_ratio_staff += 500.0 * 12.0 / w.average_wage;
        assert!(
            (pay_ratio(&bonus, &x) - pay_ratio(&base, &x)).abs() < 1e-12,
            "same money"
        );
        let h = quit_hazard(w, &x, 1.0);
        assert!(quit_hazard(&bonus, &x, 1.0) < h, "a bonus retains");
        assert!(
            quit_hazard(&base, &x, 1.0) < quit_hazard(&bonus, &x, 1.0),
            "base pay retains better"
        );
        bonus.bonus_retention = 1.0;
        assert!((quit_hazard(&bonus, &x, 1.0) - quit_hazard(&base, &x, 1.0)).abs() < 1e-15);
        assert_eq!(bonus_ratio(&bonus, &Worker { head: true, ..x }), 0.0);
        // Dual appraisal and training: more mediation hours, faster learning.
        let mut rng = stream(1, 0, 0, Stream::WorkforceInit);
        let s = initial_staff(&p, 2500, &mut rng);
        let mut d = w.clone();
        d.dual_appraisal = true;
        assert!(mediation_hours(&d, &s) > mediation_hours(w, &s));
        assert!(knowledge(&d, &x) > knowledge(w, &x));
        let mut t = w.clone();
        t.annual_training = true;
        let new = Worker {
            tenure_months: 6,
            ..x
        };
        assert!(productivity_at(&new, training_speed(&t)) > productivity(&new));
        assert!(knowledge(&t, &new) > knowledge(w, &new));
        assert!(mediation_hours(&t, &s) > mediation_hours(w, &s));
        let wage = w.average_wage / 12.0;
        assert!(
            (levers_cost(&t, 10, wage).1 - 10.0 * t.training_cost_per_worker / 12.0).abs() < 1e-9
        );
        assert!((levers_cost(&d, 10, wage).1 - d.appraisal_cost_per_community).abs() < 1e-9);
    }

    #[test]
    fn complaints_raise_the_hazard_and_fade() {
        let p = Params::default();
        let w = &p.workforce;
        let x = recruit(w, &mut stream(1, 0, 0, Stream::Workforce));
        let h = quit_hazard(w, &x, 1.0);
        assert_eq!(quit_hazard_with(w, &x, 1.0, 0.0), h);
        let with = quit_hazard_with(w, &x, 1.0, 0.5);
        assert!((with - (h * (w.weight_complaints * 0.5).exp()).min(1.0)).abs() < 1e-15);
        let mut s = initial_staff(&p, 2500, &mut stream(1, 0, 0, Stream::WorkforceInit));
        s.complaints = 0.8;
        step(
            &p,
            &mut s,
            2500,
            5,
            1,
            &mut stream(1, 0, 0, Stream::Workforce),
        );
        let fade = (-1.0 / w.complaint_memory_months).exp();
        assert!((s.complaints - 0.8 * fade).abs() < 1e-12);
        // Same draws, more complaints: at least as many quits in the month.
        let mut quits = [0u32; 2];
        for (i, c) in [0.0, 1.0].into_iter().enumerate() {
            let mut s = initial_staff(&p, 25_000, &mut stream(2, 0, 0, Stream::WorkforceInit));
            s.complaints = c;
            quits[i] = step(
                &p,
                &mut s,
                25_000,
                5,
                1,
                &mut stream(2, 0, 0, Stream::Workforce),
            )
            .separations;
        }
        assert!(quits[1] >= quits[0], "{quits:?}");
    }

    #[test]
    fn knowledge_grows_with_tenure_and_locals_start_ahead() {
        let w = Params::default().workforce;
        let x = Worker {
            tenure_months: 0,
            age: 30,
            male: false,
            local: false,
            college: true,
            certified: false,
            head: false,
        };
        assert_eq!(knowledge(&w, &x), 0.0);
        assert_eq!(
            knowledge(&w, &Worker { local: true, ..x }),
            w.local_head_start
        );
        assert!(
            knowledge(
                &w,
                &Worker {
                    tenure_months: 24,
                    ..x
                }
            ) > 0.8
        );
    }
}
