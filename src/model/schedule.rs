//! The monthly schedule of one community, in a fixed order, and what it observes.
//!
//! Order within a month: (0) the community's workers quit, sit exams, are recruited, and
//! their capacity sets this month's mediation coverage; (1) residents move, update satisfaction from last month's service,
//! raise expectations, revert trust; (2) owners decide to pay, building by building,
//! reacting to last month's neighbours; (3) firms collect, pay, resize staff, set this
//! month's quality, and may withdraw; (4) unmanaged compounds may attract a firm;
//! (5) owners' committees may vote on a price rise. Communities do not interact within a
//! month, so the experiment layer may run them in parallel.

use super::fees;
use super::firms;
use super::mobilisation;
use super::params::Params;
use super::residents;
use super::workforce;
use super::world::{Community, fee_price};

/// Raw sums of one community in one month; added across communities in a fixed order,
/// then turned into rates by [`Tally::metrics`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub households: f64,
    /// Dwellings in managed compounds (fees billed).
    pub billed: f64,
    /// Billed dwellings whose owner paid.
    pub paid: f64,
    /// Sum over households of their compound's quality.
    pub quality_sum: f64,
    pub satisfaction_sum: f64,
    pub expectation_sum: f64,
    pub trust_sum: f64,
    pub compounds: f64,
    pub managed: f64,
    pub exits: f64,
    pub entries: f64,
    pub fee_revenue: f64,
    /// Fees owed by the owners flagged as paying, summed household by household (an
    /// accounting check on `fee_revenue`, which the firms book).
    pub fees_paid: f64,
    pub revenue: f64,
    pub cost: f64,
    /// Sum over billed dwellings of the fee price.
    pub price_sum: f64,
    pub moves: f64,
    pub price_rises: f64,
    /// Per compound kind: compounds, managed compounds, billed dwellings, paying owners.
    pub kind_compounds: [f64; 3],
    pub kind_managed: [f64; 3],
    pub kind_billed: [f64; 3],
    pub kind_paid: [f64; 3],
    /// Workforce: funded positions, employed workers, separations, exam-season exits.
    pub positions: f64,
    pub employed: f64,
    pub separations: f64,
    pub hires: f64,
    pub exam_exits: f64,
    pub tenure_sum: f64,
    pub male: f64,
    pub local: f64,
    pub college: f64,
    pub certified: f64,
    /// Admin share of hours, weighted by employed workers.
    pub admin_sum: f64,
    /// Workload, weighted by households.
    pub workload_sum: f64,
    pub workforce_cost: f64,
    pub lever_cost: f64,
    pub purchase_cost: f64,
    pub mediation_hours: f64,
    /// Mediation coverage, weighted by households.
    pub coverage_sum: f64,
    /// Share of vulnerable households known to workers, weighted by households.
    pub known_sum: f64,
    /// Occupied dwellings, volunteers and party members registered at home.
    pub occupied: f64,
    pub volunteers: f64,
    pub party_members: f64,
    /// Leaders' stipends, drills and volunteer support this month, RMB.
    pub mobilisation_cost: f64,
    /// Events this month (community x event).
    pub events: f64,
    pub vulnerable_needing: f64,
    pub vulnerable_helped: f64,
}

impl Tally {
    pub fn add(&mut self, o: &Tally) {
        self.households += o.households;
        self.billed += o.billed;
        self.paid += o.paid;
        self.quality_sum += o.quality_sum;
        self.satisfaction_sum += o.satisfaction_sum;
        self.expectation_sum += o.expectation_sum;
        self.trust_sum += o.trust_sum;
        self.compounds += o.compounds;
        self.managed += o.managed;
        self.exits += o.exits;
        self.entries += o.entries;
        self.fee_revenue += o.fee_revenue;
        self.revenue += o.revenue;
        self.cost += o.cost;
        self.price_sum += o.price_sum;
        self.moves += o.moves;
        self.price_rises += o.price_rises;
        self.positions += o.positions;
        self.employed += o.employed;
        self.separations += o.separations;
        self.hires += o.hires;
        self.fees_paid += o.fees_paid;
        self.exam_exits += o.exam_exits;
        self.tenure_sum += o.tenure_sum;
        self.male += o.male;
        self.local += o.local;
        self.college += o.college;
        self.certified += o.certified;
        self.admin_sum += o.admin_sum;
        self.workload_sum += o.workload_sum;
        self.workforce_cost += o.workforce_cost;
        self.lever_cost += o.lever_cost;
        self.purchase_cost += o.purchase_cost;
        self.mediation_hours += o.mediation_hours;
        self.coverage_sum += o.coverage_sum;
        self.known_sum += o.known_sum;
        self.occupied += o.occupied;
        self.volunteers += o.volunteers;
        self.party_members += o.party_members;
        self.mobilisation_cost += o.mobilisation_cost;
        self.events += o.events;
        self.vulnerable_needing += o.vulnerable_needing;
        self.vulnerable_helped += o.vulnerable_helped;
        for k in 0..3 {
            self.kind_compounds[k] += o.kind_compounds[k];
            self.kind_managed[k] += o.kind_managed[k];
            self.kind_billed[k] += o.kind_billed[k];
            self.kind_paid[k] += o.kind_paid[k];
        }
    }

    /// The metrics of [`METRICS`], in that order.
    pub fn metrics(&self) -> [f64; N_METRICS] {
        std::array::from_fn(|i| (METRICS[i].value)(self))
    }
}

/// One output column: its name, meaning (with unit) and how it is computed from the sums.
pub struct Metric {
    pub name: &'static str,
    pub meaning: &'static str,
    pub value: fn(&Tally) -> f64,
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

macro_rules! metrics {
    ($( $name:literal, $meaning:literal, |$t:ident| $e:expr; )*) => {
        /// Every output column, in output order.
        pub const METRICS: &[Metric] = &[
            $( Metric { name: $name, meaning: $meaning, value: |$t: &Tally| $e }, )*
        ];
        /// Number of metrics per month.
        pub const N_METRICS: usize = [$($name),*].len();
    };
}

metrics! {
    "fee_collection_rate", "share of billed dwellings (managed compounds) whose owner paid this month",
        |t| ratio(t.paid, t.billed);
    "service_quality", "household-weighted mean service quality, 0-1 (unmanaged compounds count at their basic level)",
        |t| ratio(t.quality_sum, t.households);
    "owner_satisfaction", "mean owner satisfaction with property service, 0-1",
        |t| ratio(t.satisfaction_sum, t.households);
    "owner_expectation", "mean service level owners expect, 0-1",
        |t| ratio(t.expectation_sum, t.households);
    "managed_share", "share of compounds with a property firm",
        |t| ratio(t.managed, t.compounds);
    "firm_exits", "firms that withdrew (退管) this month, count",
        |t| t.exits;
    "firm_entries", "firms that entered an unmanaged compound this month, count",
        |t| t.entries;
    "firm_profit_margin", "(revenue - cost) / revenue over all firms this month",
        |t| ratio(t.revenue - t.cost, t.revenue);
    "mean_fee_price", "mean fee over billed dwellings, RMB/m2/month",
        |t| ratio(t.price_sum, t.billed);
    "trust", "mean trust in community and government, 0-1",
        |t| ratio(t.trust_sum, t.households);
    "unmanaged_compounds", "compounds without a firm, count",
        |t| t.compounds - t.managed;
    "fee_revenue", "fees collected this month, RMB (booked by firms)",
        |t| t.fee_revenue;
    "fees_paid", "fees paid this month, RMB (summed over paying owners; equals fee_revenue)",
        |t| t.fees_paid;
    "households", "households, count",
        |t| t.households;
    "move_rate", "share of dwellings whose occupant changed this month",
        |t| ratio(t.moves, t.households);
    "price_rises", "owners' votes that raised a price this month, count",
        |t| t.price_rises;
    "fee_collection_rate_new_estate", "fee_collection_rate in new commodity estates",
        |t| ratio(t.kind_paid[0], t.kind_billed[0]);
    "fee_collection_rate_old_compound", "fee_collection_rate in old compounds",
        |t| ratio(t.kind_paid[1], t.kind_billed[1]);
    "fee_collection_rate_resettlement", "fee_collection_rate in resettlement estates",
        |t| ratio(t.kind_paid[2], t.kind_billed[2]);
    "managed_share_new_estate", "managed_share of new commodity estates",
        |t| ratio(t.kind_managed[0], t.kind_compounds[0]);
    "managed_share_old_compound", "managed_share of old compounds",
        |t| ratio(t.kind_managed[1], t.kind_compounds[1]);
    "managed_share_resettlement", "managed_share of resettlement estates",
        |t| ratio(t.kind_managed[2], t.kind_compounds[2]);
    "workers_employed", "community full-time workers employed, count",
        |t| t.employed;
    "worker_vacancy_rate", "share of funded worker positions that are empty",
        |t| ratio(t.positions - t.employed, t.positions);
    "worker_separations", "workers who left this month, count",
        |t| t.separations;
    "worker_hires", "recruits who started this month, count",
        |t| t.hires;
    "worker_turnover_annual", "separations over the last 12 months / mean headcount over them (annualised in the first year)",
        |_t| 0.0; // filled from the last 12 rows by `rolling_turnover`
    "worker_mean_tenure_months", "mean tenure of employed workers, months",
        |t| ratio(t.tenure_sum, t.employed);
    "male_share", "share of workers who are men",
        |t| ratio(t.male, t.employed);
    "local_share", "share of workers who are local (属地)",
        |t| ratio(t.local, t.employed);
    "college_share", "share of workers with a college degree or above",
        |t| ratio(t.college, t.employed);
    "certified_share", "share of workers holding the social-worker certificate",
        |t| ratio(t.certified, t.employed);
    "households_per_worker", "households per employed worker",
        |t| ratio(t.households, t.employed);
    "admin_load_share", "share of workers' hours taken by administration",
        |t| ratio(t.admin_sum, t.employed);
    "workload", "casework hours needed / free hours (above 1: overloaded), household-weighted",
        |t| ratio(t.workload_sum, t.households);
    "workforce_cost", "wages and allowances of community workers this month, RMB",
        |t| t.workforce_cost;
    "mediation_capacity", "mediation hours available per 100 households this month",
        |t| ratio(t.mediation_hours * 100.0, t.households);
    "mediation_coverage", "share of owner-firm disputes mediated (三位一体), household-weighted",
        |t| ratio(t.coverage_sum, t.households);
    "vulnerable_known_share", "share of vulnerable households known to a worker, household-weighted",
        |t| ratio(t.known_sum, t.households);
    "worker_exam_exits", "workers who left through exams or directed recruitment this month, count",
        |t| t.exam_exits;
    "lever_cost", "public cost of platform, admission system and linkage this month, RMB",
        |t| t.lever_cost;
    "volunteer_share", "share of occupied dwellings with an active volunteer",
        |t| ratio(t.volunteers, t.occupied);
    "party_member_share", "share of occupied dwellings with an in-service party member registered at home",
        |t| ratio(t.party_members, t.occupied);
    "event_communities", "communities hit by an emergency event this month, count",
        |t| t.events;
    "vulnerable_needing_help", "vulnerable households needing help in this month's events, count (events.csv has the detail)",
        |t| t.vulnerable_needing;
    "vulnerable_helped_in_window", "of them, helped within mobilisation.critical_window_hours, count",
        |t| t.vulnerable_helped;
    "mobilisation_cost", "leaders' stipends, drills and volunteer support this month, RMB",
        |t| t.mobilisation_cost;
    "public_cost", "workforce_cost + lever_cost + mobilisation_cost + government purchase of services this month, RMB",
        |t| t.workforce_cost + t.lever_cost + t.mobilisation_cost + t.purchase_cost;
}

/// Index of a metric by name.
pub fn metric_index(name: &str) -> Option<usize> {
    METRICS.iter().position(|m| m.name == name)
}

/// Fills `worker_turnover_annual` of each row from the separations and headcounts of the
/// last 12 months (annualised over the months available in the first year).
pub fn rolling_turnover(rows: &mut [[f64; N_METRICS]]) {
    let sep = metric_index("worker_separations").expect("metric");
    let emp = metric_index("workers_employed").expect("metric");
    let out = metric_index("worker_turnover_annual").expect("metric");
    for m in 0..rows.len() {
        let window = &rows[m.saturating_sub(11)..=m];
        let n = window.len() as f64;
        let separations: f64 = window.iter().map(|r| r[sep]).sum();
        let headcount: f64 = window.iter().map(|r| r[emp]).sum::<f64>() / n;
        rows[m][out] = ratio(separations * 12.0 / n, headcount);
    }
}

/// One event's result in one community for one compound kind (a row of `events.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventRow {
    pub month: u32,
    /// Index of the event within the replication.
    pub event: u32,
    pub community: u32,
    pub kind: u8,
    pub severity: f64,
    pub outcome: mobilisation::KindOutcome,
}

/// Runs month `month` (1-based) of one community and returns its tally. `events` lists the
/// emergencies that reach this community this month as (event index, severity); their
/// results are appended to `rows`.
pub fn step(
    p: &Params,
    c: &mut Community,
    month: u32,
    events: &[(u32, f64)],
    rows: &mut Vec<EventRow>,
) -> Tally {
    let n_households = c.len();
    let mut t = Tally {
        households: n_households as f64,
        compounds: c.compounds.len() as f64,
        ..Tally::default()
    };
    // (0) the workforce: quits, exams, recruitment; then what its capacity covers
    let wf = &p.workforce;
    let w = workforce::step(
        p,
        &mut c.staff,
        n_households,
        c.compounds.len(),
        month,
        &mut c.workforce_rng,
    );
    c.mediation_coverage = workforce::mediation_coverage(wf, &c.staff, n_households);
    let employed = c.staff.workers.len() as f64;
    t.positions = f64::from(c.staff.positions);
    t.employed = employed;
    t.separations = f64::from(w.separations);
    t.hires = f64::from(w.hires);
    t.exam_exits = f64::from(w.exam_exits);
    for x in &c.staff.workers {
        t.tenure_sum += f64::from(x.tenure_months);
        t.male += f64::from(u8::from(x.male));
        t.local += f64::from(u8::from(x.local));
        t.college += f64::from(u8::from(x.college));
        t.certified += f64::from(u8::from(x.certified));
    }
    t.admin_sum = workforce::admin_share(wf) * employed;
    t.workload_sum = workforce::workload(wf, n_households, c.staff.workers.len()) * t.households;
    t.workforce_cost = w.cost;
    t.lever_cost = w.lever_cost;
    t.mediation_hours = workforce::mediation_hours(wf, &c.staff);
    t.coverage_sum = c.mediation_coverage * t.households;
    t.known_sum = workforce::known_share(wf, &c.staff) * t.households;
    let coverage = c.mediation_coverage;

    // (0b) emergencies of this month: warning, help, and trust shocks
    for &(event, severity) in events {
        let mut rng = c.events_rng.clone();
        let outcomes = mobilisation::run_event(p, c, severity, &mut rng);
        c.events_rng = rng;
        t.events += 1.0;
        for (kind, o) in outcomes.iter().enumerate() {
            t.vulnerable_needing += f64::from(o.vulnerable_total);
            t.vulnerable_helped += f64::from(o.vulnerable_helped_in_window);
            if o.households > 0 {
                rows.push(EventRow {
                    month,
                    event,
                    community: c.id,
                    kind: kind as u8,
                    severity,
                    outcome: *o,
                });
            }
        }
    }
    let income_factor = (1.0 + p.owners.income_growth).powf(f64::from(month) / 12.0);

    let Community {
        households,
        building_start,
        compounds,
        residents_rng,
        fees_rng,
        firms_rng,
        volunteers_rng,
        grids,
        ..
    } = c;
    let m = &p.mobilisation;
    let mut leaders = f64::from(*grids);
    for comp in compounds.iter_mut() {
        let k = &p.kinds[comp.kind as usize];
        let range = comp.first_household as usize..comp.end_household as usize;
        // (1) residents; owners of a managed compound perceive its service net of
        // unmediated disputes
        let seen = if comp.firm.is_some() {
            workforce::perceived_quality(wf, comp.quality, coverage)
        } else {
            comp.quality
        };
        let r = residents::step_compound(
            p,
            k,
            seen,
            month,
            &mut households[range.clone()],
            residents_rng,
            volunteers_rng,
        );
        t.moves += f64::from(r.moves);
        t.satisfaction_sum += r.satisfaction_sum;
        t.expectation_sum += r.expectation_sum;
        t.trust_sum += r.trust_sum;
        t.occupied += f64::from(r.occupied);
        t.volunteers += f64::from(r.volunteers);
        t.party_members += f64::from(r.party_members);
        let n_buildings = f64::from(comp.end_building - comp.first_building);
        leaders += n_buildings * k.building_leader_share
            + (comp.households() as f64 / f64::from(k.households_per_stairwell.max(1))).ceil()
                * k.stairwell_leader_share;
        // (2) payment decisions, building by building
        let price = fee_price(p, comp, month);
        // Incomes grow: the burden is the fee deflated to start-of-run incomes.
        let fee = price * comp.floor_area / income_factor;
        let mut payers = 0;
        let mut paid_by_owners = 0.0;
        for b in comp.first_building as usize..comp.end_building as usize {
            let hs = &mut households[building_start[b] as usize..building_start[b + 1] as usize];
            let n = fees::decide_building(&p.owners, fee, hs, fees_rng);
            payers += n;
            // Owners' payments, building by building (the firm books them all at once).
            paid_by_owners += f64::from(n) * price * comp.floor_area;
        }
        // (3) the firm's month, (4) entry, (5) vote
        let managed_before = comp.firm.is_some();
        let m = firms::operate(p, comp, payers, month);
        let hs = &households[range];
        let kind = comp.kind as usize;
        t.kind_compounds[kind] += 1.0;
        if managed_before {
            t.fees_paid += paid_by_owners;
            t.billed += comp.households() as f64;
            t.paid += f64::from(payers);
            t.kind_billed[kind] += comp.households() as f64;
            t.kind_paid[kind] += f64::from(payers);
            t.price_sum += price * comp.households() as f64;
        } else if firms::consider_entry(p, comp, hs, month, firms_rng) {
            t.entries += 1.0;
        }
        if firms::owners_vote(p, comp, hs, month) {
            t.price_rises += 1.0;
        }
        t.fee_revenue += m.fee_revenue;
        t.purchase_cost += m.revenue - m.fee_revenue;
        t.revenue += m.revenue;
        t.cost += m.cost;
        t.exits += f64::from(u8::from(m.withdrew));
        t.managed += f64::from(u8::from(comp.firm.is_some()));
        t.kind_managed[kind] += f64::from(u8::from(comp.firm.is_some()));
        t.quality_sum += comp.quality * comp.households() as f64;
    }
    let wage_index = workforce::average_wage(wf, month) / wf.average_wage;
    t.mobilisation_cost = (leaders * m.leader_cost
        + m.drills_per_year * m.drill_cost / 12.0
        + t.volunteers * m.volunteer_support_cost)
        * wage_index;
    t
}
