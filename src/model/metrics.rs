//! The one place a model output is declared: [`METRICS`], with its name, meaning, unit,
//! bounds, how a year aggregates it, how it is displayed, its English title and Chinese term,
//! and its formula over the month's raw sums ([`Tally`]).
//!
//! Everything else — CSV headers, plots, tables, the report, `shequ explain --metrics`,
//! `validate`, the tests — reads this registry and names a metric by its id [`M`], so a
//! metric's name is spelled here only, and renaming it cannot make it vanish from a chart.
//!
//! Mechanisms fill the raw sums: a [`Tally`] is an array indexed by [`Sum`] (and by
//! [`KindSum`] per compound kind), so a new sum is one enum variant, added across communities
//! by one loop in a fixed order.

use std::ops::{Index, IndexMut};

use super::kind::CompoundKind;

macro_rules! sums {
    ($(#[$outer:meta])* $name:ident { $( $(#[$doc:meta])* $v:ident, )* }) => {
        $(#[$outer])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $( $(#[$doc])* $v, )* }
        impl $name {
            /// Number of variants: the length of the sums array.
            pub const COUNT: usize = [$($name::$v),*].len();
        }
    };
}

sums! {
    /// A raw sum of one community-month, filled by the mechanisms.
    Sum {
        Households,
        /// Dwellings in managed compounds (fees billed).
        Billed,
        /// Billed dwellings whose owner paid.
        Paid,
        /// Sum over households of their compound's quality.
        Quality,
        Satisfaction,
        Expectation,
        Trust,
        Compounds,
        Managed,
        Exits,
        Entries,
        /// Fees collected, as booked by the firms, RMB.
        FeeRevenue,
        /// Fees owed by the owners flagged as paying, summed household by household (an
        /// accounting check on `FeeRevenue`).
        FeesPaid,
        Revenue,
        Cost,
        /// Sum over billed dwellings of the fee price.
        Price,
        Moves,
        PriceRises,
        /// Funded worker positions.
        Positions,
        Employed,
        Separations,
        Hires,
        ExamExits,
        Tenure,
        Male,
        Local,
        College,
        Certified,
        /// Admin share of hours, weighted by employed workers.
        Admin,
        /// Workload, weighted by households.
        Workload,
        WorkforceCost,
        LeverCost,
        PurchaseCost,
        MediationHours,
        /// Mediation coverage, weighted by households.
        Coverage,
        /// Share of vulnerable households known to workers, weighted by households.
        Known,
        /// Occupied dwellings.
        Occupied,
        Volunteers,
        PartyMembers,
        /// Leaders' stipends, drills and volunteer support, RMB.
        MobilisationCost,
        /// Events (community x event).
        Events,
        VulnerableNeeding,
        VulnerableHelped,
        /// Social organisations' grants and purchased services, councils' stipends, service
        /// centres and law enforcement, RMB (`society.rs`).
        SocietyCost,
        /// What units in the area spend on opening facilities and sending staff, RMB (not public).
        UnitContribution,
        /// Residents: occupied dwellings x persons per household.
        Persons,
        /// Service hours bought from social organisations.
        OrganisationHours,
        /// Disputes left unsettled relative to the status-quo incidence, weighted by households.
        Unsettled,
        /// Hours of purchased public-service work performed by firms.
        PurchasedHours,
        /// Firms' cost of pursuing arrears, RMB (also in `Cost`).
        EnforcementFirmCost,
        /// Public cost of mediation and courts for arrears, RMB.
        EnforcementPublicCost,
        /// Quasi-property service, star rating and renovation capital, RMB.
        PropertyLeverCost,
        /// Firms removed by the star rating.
        Removals,
        /// Compounds with an owners' committee.
        Committees,
        /// Self-managed compounds.
        SelfManaged,
        /// Renovated old compounds.
        Renovated,
    }
}

sums! {
    /// A raw sum kept per compound kind.
    KindSum {
        Compounds,
        Managed,
        Billed,
        Paid,
    }
}

/// The raw sums of one community in one month (or of a whole city, added in community order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tally {
    sums: [f64; Sum::COUNT],
    kinds: [[f64; KindSum::COUNT]; CompoundKind::COUNT],
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            sums: [0.0; Sum::COUNT],
            kinds: [[0.0; KindSum::COUNT]; CompoundKind::COUNT],
        }
    }
}

impl Index<Sum> for Tally {
    type Output = f64;
    fn index(&self, s: Sum) -> &f64 {
        &self.sums[s as usize]
    }
}

impl IndexMut<Sum> for Tally {
    fn index_mut(&mut self, s: Sum) -> &mut f64 {
        &mut self.sums[s as usize]
    }
}

impl Index<(CompoundKind, KindSum)> for Tally {
    type Output = f64;
    fn index(&self, (k, s): (CompoundKind, KindSum)) -> &f64 {
        &self.kinds[k.index()][s as usize]
    }
}

impl IndexMut<(CompoundKind, KindSum)> for Tally {
    fn index_mut(&mut self, (k, s): (CompoundKind, KindSum)) -> &mut f64 {
        &mut self.kinds[k.index()][s as usize]
    }
}

impl Tally {
    /// Adds every sum of `o` to this one.
    pub fn add(&mut self, o: &Tally) {
        for (a, b) in self.sums.iter_mut().zip(&o.sums) {
            *a += b;
        }
        for (ka, kb) in self.kinds.iter_mut().zip(&o.kinds) {
            for (a, b) in ka.iter_mut().zip(kb) {
                *a += b;
            }
        }
    }

    /// The metrics of [`METRICS`], in that order.
    pub fn metrics(&self) -> [f64; N_METRICS] {
        std::array::from_fn(|i| (METRICS[i].value)(self))
    }
}

/// What a metric measures, for axes and tables: its unit and natural bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    /// English unit, as printed after a value.
    pub en: &'static str,
    /// Chinese unit.
    pub zh: &'static str,
    /// Natural limits of the value; an axis never goes beyond them.
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

const fn unit(en: &'static str, zh: &'static str, lo: Option<f64>, hi: Option<f64>) -> Unit {
    Unit { en, zh, lo, hi }
}

/// A share of a whole, 0-1.
pub const SHARE: Unit = unit("share", "比例", Some(0.0), Some(1.0));
/// An index on 0-1.
pub const INDEX: Unit = unit("index 0-1", "指数 (0-1)", Some(0.0), Some(1.0));
/// Events or people per month (a flow).
pub const PER_MONTH: Unit = unit("per month", "每月", Some(0.0), None);
/// A headcount or number of things (a stock).
pub const COUNT: Unit = unit("count", "个", Some(0.0), None);
/// Money per month.
pub const RMB_PER_MONTH: Unit = unit("RMB/month", "元/月", Some(0.0), None);
/// An amount of money.
pub const RMB: Unit = unit("RMB", "元", Some(0.0), None);
/// A fee.
pub const RMB_PER_M2_MONTH: Unit = unit("RMB/m2/month", "元/平方米/月", Some(0.0), None);
/// A duration.
pub const MONTHS: Unit = unit("months", "月", Some(0.0), None);
/// Leavers per worker per year.
pub const PER_WORKER_YEAR: Unit = unit("per worker per year", "每人每年", Some(0.0), None);
/// A ratio of two amounts, unbounded above.
pub const RATIO: Unit = unit("ratio", "比值", Some(0.0), None);
/// Profit over revenue: at most 1, unbounded below.
pub const MARGIN: Unit = unit("share of revenue", "占收入比例", None, Some(1.0));

/// How a metric aggregates over a year (or any window of months).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Year {
    /// A level: the window's mean.
    Mean,
    /// A flow: the window's total.
    Sum,
}

/// How a metric is shown: a monthly value (or a window's monthly mean) times `factor`, in
/// `unit`. Flows are shown per year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Display {
    pub factor: f64,
    pub en: &'static str,
    pub zh: &'static str,
}

/// As the metric is: factor 1, in its own unit.
pub const AS_IS: Option<Display> = None;
/// A monthly flow shown per year.
pub const PER_YEAR: Option<Display> = Some(Display {
    factor: 12.0,
    en: "per year",
    zh: "每年",
});
/// RMB shown as million RMB.
pub const MILLION_RMB: Option<Display> = Some(Display {
    factor: 1.0e-6,
    en: "million RMB",
    zh: "百万元",
});
/// RMB per month shown as million RMB per year.
pub const MILLION_RMB_PER_YEAR: Option<Display> = Some(Display {
    factor: 12.0e-6,
    en: "million RMB/year",
    zh: "百万元/年",
});

/// One output column.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    pub id: M,
    /// Column name (snake_case).
    pub name: &'static str,
    /// English title for charts and tables.
    pub title: &'static str,
    /// The term used in Chinese policy texts.
    pub zh: &'static str,
    pub unit: Unit,
    pub year: Year,
    /// How it is shown; `None`: as it is.
    pub display: Option<Display>,
    /// What it measures, in one sentence.
    pub meaning: &'static str,
    /// What it measures, in Chinese.
    pub meaning_zh: &'static str,
    /// Its value from the month's sums.
    pub value: fn(&Tally) -> f64,
}

impl Metric {
    /// Factor from the monthly value to the shown value.
    pub fn display_factor(&self) -> f64 {
        self.display.map_or(1.0, |d| d.factor)
    }

    /// The unit of the shown value, in English.
    pub fn display_unit(&self) -> &'static str {
        self.display.map_or(self.unit.en, |d| d.en)
    }

    /// Bounds of the shown value.
    pub fn display_bounds(&self) -> (Option<f64>, Option<f64>) {
        let f = self.display_factor();
        (self.unit.lo.map(|x| x * f), self.unit.hi.map(|x| x * f))
    }

    /// A share or index on 0-1.
    pub fn is_unit_interval(&self) -> bool {
        self.unit.lo == Some(0.0) && self.unit.hi == Some(1.0)
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

macro_rules! metrics {
    ($( $id:ident = $name:literal, $title:literal, $zh:literal, $unit:expr, $year:ident, $display:expr,
        $meaning:literal, $meaning_zh:literal, |$t:ident| $e:expr; )*) => {
        /// A metric's id: the only way code names a metric.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum M { $( $id, )* }

        /// Every output column, in output order (the order of [`M`]).
        pub const METRICS: &[Metric] = &[
            $( Metric {
                id: M::$id,
                name: $name,
                title: $title,
                zh: $zh,
                unit: $unit,
                year: Year::$year,
                display: $display,
                meaning: $meaning,
                meaning_zh: $meaning_zh,
                value: |$t: &Tally| $e,
            }, )*
        ];
    };
}

/// Number of metrics per month.
pub const N_METRICS: usize = METRICS.len();

impl M {
    /// Position in a row of metrics.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The registry entry.
    pub fn meta(self) -> &'static Metric {
        &METRICS[self.index()]
    }

    /// Column name.
    pub fn name(self) -> &'static str {
        self.meta().name
    }

    /// The metric named `name`.
    pub fn from_name(name: &str) -> Option<M> {
        METRICS.iter().find(|m| m.name == name).map(|m| m.id)
    }
}

use CompoundKind::{NewEstate, OldCompound, Resettlement};
use Sum::*;

fn kind_rate(t: &Tally, k: CompoundKind, num: KindSum, den: KindSum) -> f64 {
    ratio(t[(k, num)], t[(k, den)])
}

metrics! {
    FeeCollectionRate = "fee_collection_rate", "Fee collection rate", "物业费收缴率", SHARE, Mean, AS_IS,
        "share of billed dwellings (managed compounds) whose owner paid this month",
        "有物业服务的小区中，本月业主已缴费的应缴住房所占比例",
        |t| ratio(t[Paid], t[Billed]);
    ServiceCoverage = "service_coverage", "Households served and paying", "有物业服务且缴费的住户比例", SHARE, Mean, AS_IS,
        "share of all households that live in a managed compound and whose owner paid this month; unlike fee_collection_rate it falls when firms withdraw",
        "本月住在有物业服务的小区且业主已缴费的住户占全部住户的比例；与 fee_collection_rate 不同，物业企业退管时它会下降",
        |t| ratio(t[Paid], t[Households]);
    ServiceQuality = "service_quality", "Service quality", "物业服务质量", INDEX, Mean, AS_IS,
        "household-weighted mean service quality (unmanaged compounds count at their basic level)",
        "按户数加权的平均物业服务质量（无物业小区按其基本水平计）",
        |t| ratio(t[Quality], t[Households]);
    OwnerSatisfaction = "owner_satisfaction", "Owner satisfaction", "业主满意度", INDEX, Mean, AS_IS,
        "mean owner satisfaction with property service",
        "业主对物业服务的平均满意度",
        |t| ratio(t[Satisfaction], t[Households]);
    OwnerExpectation = "owner_expectation", "Owner expectation", "业主服务期望", INDEX, Mean, AS_IS,
        "mean service level owners expect",
        "业主期望的平均服务水平",
        |t| ratio(t[Expectation], t[Households]);
    ManagedShare = "managed_share", "Compounds with a property firm", "有物业服务的小区比例", SHARE, Mean, AS_IS,
        "share of compounds with a property firm",
        "有物业企业的小区所占比例",
        |t| ratio(t[Managed], t[Compounds]);
    FirmExits = "firm_exits", "Property firms withdrawing", "物业企业退管", PER_MONTH, Sum, PER_YEAR,
        "firms that withdrew (退管) from their compound this month",
        "本月从所服务小区退管的物业企业数",
        |t| t[Exits];
    FirmEntries = "firm_entries", "Property firms entering", "物业企业进驻", PER_MONTH, Sum, PER_YEAR,
        "firms that entered an unmanaged compound this month",
        "本月进驻无物业小区的物业企业数",
        |t| t[Entries];
    FirmProfitMargin = "firm_profit_margin", "Firms' profit margin", "物业企业利润率", MARGIN, Mean, AS_IS,
        "(revenue - cost) / revenue over all firms this month",
        "本月全部物业企业的（收入 − 成本）/ 收入",
        |t| ratio(t[Revenue] - t[Cost], t[Revenue]);
    MeanFeePrice = "mean_fee_price", "Mean property fee", "平均物业费", RMB_PER_M2_MONTH, Mean, AS_IS,
        "mean fee over billed dwellings",
        "应缴住房的平均物业费单价",
        |t| ratio(t[Price], t[Billed]);
    Trust = "trust", "Trust in community and government", "居民信任度", INDEX, Mean, AS_IS,
        "mean trust of households in the community and government",
        "住户对社区和政府的平均信任",
        |t| ratio(t[Trust], t[Households]);
    UnmanagedCompounds = "unmanaged_compounds", "Compounds without a firm", "无物业小区数", COUNT, Mean, AS_IS,
        "compounds without a property firm",
        "没有物业企业的小区数",
        |t| t[Compounds] - t[Managed];
    FeeRevenue = "fee_revenue", "Fee revenue", "物业费收入", RMB_PER_MONTH, Sum, MILLION_RMB_PER_YEAR,
        "fees collected this month, as booked by the firms",
        "本月物业企业入账的物业费收入",
        |t| t[FeeRevenue];
    FeesPaid = "fees_paid", "Fees paid", "业主缴费额", RMB_PER_MONTH, Sum, MILLION_RMB_PER_YEAR,
        "fees paid this month, summed over paying owners (an accounting check: equals fee_revenue)",
        "本月缴费业主所缴物业费之和（核算检验：等于 fee_revenue）",
        |t| t[FeesPaid];
    Households = "households", "Households", "户数", COUNT, Mean, AS_IS,
        "households (dwellings) in the city",
        "全市住户（住房）数",
        |t| t[Households];
    MoveRate = "move_rate", "Move rate", "住户流动率", SHARE, Mean, AS_IS,
        "share of dwellings whose occupant changed this month",
        "本月住户更换的住房所占比例",
        |t| ratio(t[Moves], t[Households]);
    PriceRises = "price_rises", "Price rises voted", "业主表决提价", PER_MONTH, Sum, PER_YEAR,
        "owners' votes that raised a compound's fee this month",
        "本月业主表决通过、提高小区物业费的次数",
        |t| t[PriceRises];
    FeeCollectionRateNewEstate = "fee_collection_rate_new_estate", "Fee collection rate, new estates", "新建商品房小区物业费收缴率", SHARE, Mean, AS_IS,
        "fee_collection_rate in new commodity estates",
        "新建商品房小区的 fee_collection_rate",
        |t| kind_rate(t, NewEstate, KindSum::Paid, KindSum::Billed);
    FeeCollectionRateOldCompound = "fee_collection_rate_old_compound", "Fee collection rate, old compounds", "老旧小区物业费收缴率", SHARE, Mean, AS_IS,
        "fee_collection_rate in old compounds",
        "老旧小区的 fee_collection_rate",
        |t| kind_rate(t, OldCompound, KindSum::Paid, KindSum::Billed);
    FeeCollectionRateResettlement = "fee_collection_rate_resettlement", "Fee collection rate, resettlement estates", "拆迁安置小区物业费收缴率", SHARE, Mean, AS_IS,
        "fee_collection_rate in resettlement estates",
        "拆迁安置小区的 fee_collection_rate",
        |t| kind_rate(t, Resettlement, KindSum::Paid, KindSum::Billed);
    ManagedShareNewEstate = "managed_share_new_estate", "Managed share, new estates", "新建商品房小区物业覆盖率", SHARE, Mean, AS_IS,
        "managed_share of new commodity estates",
        "新建商品房小区的 managed_share",
        |t| kind_rate(t, NewEstate, KindSum::Managed, KindSum::Compounds);
    ManagedShareOldCompound = "managed_share_old_compound", "Managed share, old compounds", "老旧小区物业覆盖率", SHARE, Mean, AS_IS,
        "managed_share of old compounds",
        "老旧小区的 managed_share",
        |t| kind_rate(t, OldCompound, KindSum::Managed, KindSum::Compounds);
    ManagedShareResettlement = "managed_share_resettlement", "Managed share, resettlement estates", "拆迁安置小区物业覆盖率", SHARE, Mean, AS_IS,
        "managed_share of resettlement estates",
        "拆迁安置小区的 managed_share",
        |t| kind_rate(t, Resettlement, KindSum::Managed, KindSum::Compounds);
    WorkersEmployed = "workers_employed", "Community workers employed", "社区专职工作者人数", COUNT, Mean, AS_IS,
        "community full-time workers employed (headcount)",
        "在岗的社区专职工作者人数",
        |t| t[Employed];
    WorkerVacancyRate = "worker_vacancy_rate", "Vacant worker positions", "岗位空缺率", SHARE, Mean, AS_IS,
        "share of funded worker positions that are empty",
        "有经费的工作人员岗位中空缺的比例",
        |t| ratio(t[Positions] - t[Employed], t[Positions]);
    WorkerSeparations = "worker_separations", "Workers leaving", "社工离职人数", PER_MONTH, Sum, PER_YEAR,
        "workers who left this month",
        "本月离职的社区工作者人数",
        |t| t[Separations];
    WorkerHires = "worker_hires", "Workers hired", "社工招聘人数", PER_MONTH, Sum, PER_YEAR,
        "recruits who started this month",
        "本月入职的新招聘人员数",
        |t| t[Hires];
    WorkerTurnoverAnnual = "worker_turnover_annual", "Worker turnover (rolling 12 months)", "社工流失率", PER_WORKER_YEAR, Mean, AS_IS,
        "separations over the last 12 months / mean headcount over them (annualised in the first year)",
        "过去 12 个月的离职人数 / 同期平均在岗人数（第一年按年折算）",
        |_t| 0.0; // filled from the last 12 rows by `rolling_turnover`
    WorkerMeanTenureMonths = "worker_mean_tenure_months", "Mean tenure of workers", "社工平均任职时长", MONTHS, Mean, AS_IS,
        "mean tenure of employed workers",
        "在岗社区工作者的平均任职时间",
        |t| ratio(t[Tenure], t[Employed]);
    MaleShare = "male_share", "Men among workers", "男性社工比例", SHARE, Mean, AS_IS,
        "share of workers who are men",
        "社区工作者中男性的比例",
        |t| ratio(t[Male], t[Employed]);
    LocalShare = "local_share", "Local workers", "属地工作者比例", SHARE, Mean, AS_IS,
        "share of workers who are local (属地)",
        "社区工作者中属地人员的比例",
        |t| ratio(t[Local], t[Employed]);
    CollegeShare = "college_share", "Workers with a degree", "大专及以上学历比例", SHARE, Mean, AS_IS,
        "share of workers with a college degree or above",
        "社区工作者中大专及以上学历的比例",
        |t| ratio(t[College], t[Employed]);
    CertifiedShare = "certified_share", "Certified social workers", "持证社工比例", SHARE, Mean, AS_IS,
        "share of workers holding the social-worker certificate",
        "社区工作者中持有社会工作者职业资格证书的比例",
        |t| ratio(t[Certified], t[Employed]);
    HouseholdsPerWorker = "households_per_worker", "Households per worker", "每名社工服务户数", RATIO, Mean, AS_IS,
        "households per employed worker",
        "每名在岗社区工作者服务的户数",
        |t| ratio(t[Households], t[Employed]);
    AdminLoadShare = "admin_load_share", "Administrative load", "行政事务占比", SHARE, Mean, AS_IS,
        "share of workers' hours taken by administration",
        "社区工作者工时中行政事务所占比例",
        |t| ratio(t[Admin], t[Employed]);
    Workload = "workload", "Workload", "工作负荷", RATIO, Mean, AS_IS,
        "casework hours needed / free hours (above 1: overloaded), household-weighted",
        "所需个案工时 / 可用工时（大于 1：超负荷），按户数加权",
        |t| ratio(t[Workload], t[Households]);
    WorkforceCost = "workforce_cost", "Workforce cost", "社工队伍经费", RMB_PER_MONTH, Sum, MILLION_RMB_PER_YEAR,
        "wages and allowances of community workers this month",
        "本月社区工作者的工资与津贴",
        |t| t[WorkforceCost];
    MediationCapacity = "mediation_capacity", "Mediation capacity", "调解能力", unit("hours per 100 households/month", "小时/百户/月", Some(0.0), None), Mean, AS_IS,
        "mediation hours available per 100 households this month",
        "本月每百户可用的调解工时",
        |t| ratio(t[MediationHours] * 100.0, t[Households]);
    MediationCoverage = "mediation_coverage", "Owner-firm disputes mediated", "三位一体调解覆盖率", SHARE, Mean, AS_IS,
        "share of owner-firm disputes mediated (三位一体), household-weighted",
        "业主与物业纠纷中得到（三位一体）调解的比例，按户数加权",
        |t| ratio(t[Coverage], t[Households]);
    VulnerableKnownShare = "vulnerable_known_share", "Vulnerable households known", "掌握底数的困难户比例", SHARE, Mean, AS_IS,
        "share of vulnerable households known to a worker, household-weighted",
        "社区工作者掌握底数的困难户比例，按户数加权",
        |t| ratio(t[Known], t[Households]);
    WorkerExamExits = "worker_exam_exits", "Workers leaving through exams", "考录流出人数", PER_MONTH, Sum, PER_YEAR,
        "workers who left through exams or directed recruitment this month",
        "本月通过考试或定向招录离开的社区工作者人数",
        |t| t[ExamExits];
    LeverCost = "lever_cost", "Cost of workforce levers", "改革措施经费", RMB_PER_MONTH, Sum, MILLION_RMB_PER_YEAR,
        "public cost of platform, admission system and linkage this month",
        "本月信息平台、准入制度和联动机制的公共支出",
        |t| t[LeverCost];
    VolunteerShare = "volunteer_share", "Volunteers", "志愿者比例", SHARE, Mean, AS_IS,
        "share of occupied dwellings with an active volunteer",
        "有活跃志愿者的有人居住住房所占比例",
        |t| ratio(t[Volunteers], t[Occupied]);
    PartyMemberShare = "party_member_share", "Party members registered at home", "在职党员进社区比例", SHARE, Mean, AS_IS,
        "share of occupied dwellings with an in-service party member registered at home",
        "有在职党员在居住地报到的有人居住住房所占比例",
        |t| ratio(t[PartyMembers], t[Occupied]);
    EventCommunities = "event_communities", "Communities hit by emergencies", "受灾社区数", PER_MONTH, Sum, PER_YEAR,
        "communities hit by an emergency event this month",
        "本月遭受突发事件的社区数",
        |t| t[Events];
    VulnerableNeedingHelp = "vulnerable_needing_help", "Vulnerable households needing help", "需救助困难户", PER_MONTH, Sum, PER_YEAR,
        "vulnerable households needing help in this month's events (events.csv has the detail)",
        "本月事件中需要救助的困难户数（详情见 events.csv）",
        |t| t[VulnerableNeeding];
    VulnerableHelpedInWindow = "vulnerable_helped_in_window", "Vulnerable households helped in time", "及时救助困难户", PER_MONTH, Sum, PER_YEAR,
        "of them, helped within mobilisation.critical_window_hours",
        "其中在 mobilisation.critical_window_hours 内得到救助的户数",
        |t| t[VulnerableHelped];
    MobilisationCost = "mobilisation_cost", "Mobilisation cost", "应急动员经费", RMB_PER_MONTH, Sum, MILLION_RMB_PER_YEAR,
        "leaders' stipends, drills and volunteer support this month",
        "本月楼长补贴、演练和志愿者保障费用",
        |t| t[MobilisationCost];
    VolunteerSharePersons = "volunteer_share_persons", "Volunteers among residents", "注册志愿者占常住人口比例", SHARE, Mean, AS_IS,
        "active volunteers (one per volunteering household) / (occupied dwellings x society.persons_per_household): the essay's 10 % target counted in persons",
        "活跃志愿者（每个参与户一人）/（有人居住住房 × society.persons_per_household）：文章按人数计的 10% 目标",
        |t| ratio(t[Volunteers], t[Persons]);
    DisputesUnsettled = "disputes_unsettled", "Disputes left unsettled", "未化解矛盾纠纷", INDEX, Mean, AS_IS,
        "owner-firm and public-order disputes neither prevented nor mediated, relative to the status-quo incidence, household-weighted (1 - mediation_coverage without law enforcement)",
        "既未预防也未调解的业主与物业纠纷及治安纠纷，相对现状发生率，按户数加权（无综合执法时为 1 − mediation_coverage）",
        |t| ratio(t[Unsettled], t[Households]);
    OrganisationServiceHours = "organisation_service_hours", "Service hours bought from social organisations", "购买社会组织服务时数", PER_MONTH, Sum, PER_YEAR,
        "service hours residents received from social organisations, bought by the government this month",
        "本月居民从政府购买的社会组织服务中得到的服务时数",
        |t| t[OrganisationHours];
    SocietyCost = "society_cost", "Cost of community levers", "社区治理措施经费", RMB_PER_MONTH, Sum, MILLION_RMB_PER_YEAR,
        "grants and purchased services of social organisations, councils' stipends, service centres and law enforcement this month",
        "本月社会组织资助与购买服务、理事会补贴、服务中心和综合执法的费用",
        |t| t[SocietyCost];
    UnitContribution = "unit_contribution", "Units' contribution", "驻区单位共建投入", RMB_PER_MONTH, Sum, MILLION_RMB_PER_YEAR,
        "what units in the area spend on opening facilities and sending staff this month; borne by the units, not in public_cost",
        "本月驻区单位开放设施和派员的支出；由单位承担，不计入 public_cost",
        |t| t[UnitContribution];
    PublicCost = "public_cost", "Public cost", "公共支出", RMB_PER_MONTH, Sum, MILLION_RMB_PER_YEAR,
        "workforce_cost + lever_cost + mobilisation_cost + society_cost + government purchase of services + property_lever_cost + the public part of enforcement_cost this month",
        "本月 workforce_cost + lever_cost + mobilisation_cost + society_cost + 政府购买服务 + property_lever_cost + enforcement_cost 中的公共部分",
        |t| t[WorkforceCost] + t[LeverCost] + t[MobilisationCost] + t[SocietyCost] + t[PurchaseCost] + t[PropertyLeverCost] + t[EnforcementPublicCost];
    PublicCostCumulative = "public_cost_cumulative", "Public cost to date", "累计公共支出", RMB, Mean, MILLION_RMB,
        "public_cost summed from month 1 to this month (read it at final_month: the run's total)",
        "从第 1 个月累计到本月的 public_cost（在 final_month 读取即为全程合计）",
        |_t| 0.0; // filled from the rows so far by `cumulative_costs`
    PublicCostDiscounted = "public_cost_discounted", "Public cost to date, discounted", "累计公共支出(贴现)", RMB, Mean, MILLION_RMB,
        "public_cost of month t divided by (1 + DISCOUNT_RATE)^((t - 1) / 12), summed from month 1 to this month (final_month: the run's present value at month 1)",
        "第 t 个月的 public_cost 除以 (1 + DISCOUNT_RATE)^((t - 1) / 12)，从第 1 个月累计到本月（final_month：全程在第 1 个月的现值）",
        |_t| 0.0; // filled from the rows so far by `cumulative_costs`
    EnforcementCost = "enforcement_cost", "Cost of pursuing arrears", "催缴成本", RMB_PER_MONTH, Sum, MILLION_RMB_PER_YEAR,
        "firms' collection and legal costs (in their accounts) plus the public cost of mediation and courts (in public_cost) for owners in arrears this month",
        "本月针对欠费业主的企业催收与诉讼成本（计入企业账目）加上调解与诉讼的公共支出（计入 public_cost）",
        |t| t[EnforcementFirmCost] + t[EnforcementPublicCost];
    PurchasedServiceHours = "purchased_service_hours", "Purchased public-service hours", "购买公共服务工时", unit("hours per month", "小时/月", Some(0.0), None), Sum, PER_YEAR,
        "hours of public-service work (registration of floating population and rentals, hygiene) firms performed for the government purchase this month",
        "本月物业企业为政府购买服务完成的公共服务工时（流动人口与出租房登记、卫生）",
        |t| t[PurchasedHours];
    PropertyLeverCost = "property_lever_cost", "Cost of property levers", "物业改革公共支出", RMB_PER_MONTH, Sum, MILLION_RMB_PER_YEAR,
        "public cost of quasi-property service, the star rating and old-compound renovation capital this month",
        "本月准物业服务、星级评价和老旧小区改造资本的公共支出",
        |t| t[PropertyLeverCost];
    CommitteeShare = "committee_share", "Compounds with an owners' committee", "业委会组建率", SHARE, Mean, AS_IS,
        "share of compounds with an owners' committee",
        "成立业委会的小区所占比例",
        |t| ratio(t[Committees], t[Compounds]);
    SelfManagedShare = "self_managed_share", "Self-managed compounds", "自治管理小区比例", SHARE, Mean, AS_IS,
        "share of compounds managed by their owners' committee (counted in managed_share too)",
        "由业委会自治管理的小区所占比例（也计入 managed_share）",
        |t| ratio(t[SelfManaged], t[Compounds]);
    FirmRemovals = "firm_removals", "Firms removed by the star rating", "星级评价清退", PER_MONTH, Sum, PER_YEAR,
        "firms removed this month for being rated lowest two years running",
        "本月因连续两年评分最低而被清退的物业企业数",
        |t| t[Removals];
    RenovatedShare = "renovated_share", "Old compounds renovated", "老旧小区改造比例", SHARE, Mean, AS_IS,
        "share of old compounds renovated",
        "已改造的老旧小区所占比例",
        |t| ratio(t[Renovated], t[(OldCompound, KindSum::Compounds)]);
}

/// A target the essay sets for a metric: at least `at_least` (a share), in essay section
/// `section`. Plots draw it as a line; the report lists it beside the metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub metric: M,
    pub at_least: f64,
    pub section: &'static str,
}

/// The essay's targets, once (三.(三).3: owners' committees and property coverage at least
/// 90 %; 三.(三).4: at least 35 % certified, about 30 % local; 三.(二).3: volunteers at least
/// 10 % of residents).
pub const TARGETS: &[Target] = &[
    Target {
        metric: M::CertifiedShare,
        at_least: 0.35,
        section: "三.(三).4",
    },
    Target {
        metric: M::LocalShare,
        at_least: 0.30,
        section: "三.(三).4",
    },
    Target {
        metric: M::ManagedShare,
        at_least: 0.90,
        section: "三.(三).3",
    },
    Target {
        metric: M::CommitteeShare,
        at_least: 0.90,
        section: "三.(三).3",
    },
    Target {
        metric: M::VolunteerSharePersons,
        at_least: 0.10,
        section: "三.(二).3",
    },
];

impl M {
    /// The essay's target for this metric, if it sets one.
    pub fn target(self) -> Option<&'static Target> {
        TARGETS.iter().find(|t| t.metric == self)
    }
}

/// Fills `worker_turnover_annual` of each row from the separations and headcounts of the
/// last 12 months (annualised over the months available in the first year).
pub fn rolling_turnover(rows: &mut [[f64; N_METRICS]]) {
    let sep = M::WorkerSeparations.index();
    let emp = M::WorkersEmployed.index();
    let out = M::WorkerTurnoverAnnual.index();
    for m in 0..rows.len() {
        let window = &rows[m.saturating_sub(11)..=m];
        let n = window.len() as f64;
        let separations: f64 = window.iter().map(|r| r[sep]).sum();
        let headcount: f64 = window.iter().map(|r| r[emp]).sum::<f64>() / n;
        rows[m][out] = ratio(separations * 12.0 / n, headcount);
    }
}

/// Yearly rate at which `public_cost_discounted` discounts future public spending: 8 %, the
/// social discount rate of China's guidelines for the economic evaluation of public
/// projects (国家发展改革委、建设部《建设项目经济评价方法与参数》第三版, 2006).
pub const DISCOUNT_RATE: f64 = 0.08;

/// Fills `public_cost_cumulative` and `public_cost_discounted` of each row: the public cost
/// of months 1 to this one, plain and discounted at [`DISCOUNT_RATE`] to month 1.
pub fn cumulative_costs(rows: &mut [[f64; N_METRICS]]) {
    let cost = M::PublicCost.index();
    let monthly = (1.0 + DISCOUNT_RATE).powf(-1.0 / 12.0);
    let (mut plain, mut discounted, mut factor) = (0.0, 0.0, 1.0);
    for row in rows.iter_mut() {
        plain += row[cost];
        discounted += row[cost] * factor;
        factor *= monthly;
        row[M::PublicCostCumulative.index()] = plain;
        row[M::PublicCostDiscounted.index()] = discounted;
    }
}

/// A column of `events.csv` (one row per replication x event x community x compound kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventColumn {
    Rep,
    Month,
    Event,
    Community,
    CompoundKind,
    Severity,
    Households,
    T50Hours,
    T90Hours,
    VulnerableTotal,
    VulnerableHelpedInWindow,
    VulnerableHelpedShare,
    HelpersActive,
    HelpT90Hours,
}

/// The registry entry of an `events.csv` column.
#[derive(Debug, Clone, Copy)]
pub struct EventColumnSpec {
    pub id: EventColumn,
    pub name: &'static str,
    /// Unit; empty for labels and indices.
    pub unit: &'static str,
    pub meaning: &'static str,
}

const fn ev(
    id: EventColumn,
    name: &'static str,
    unit: &'static str,
    meaning: &'static str,
) -> EventColumnSpec {
    EventColumnSpec {
        id,
        name,
        unit,
        meaning,
    }
}

/// Every column of `events.csv`, in file order (the order of [`EventColumn`]).
pub const EVENT_COLUMNS: &[EventColumnSpec] = &[
    ev(EventColumn::Rep, "rep", "", "replication, from 0"),
    ev(EventColumn::Month, "month", "", "month of the run, from 1"),
    ev(
        EventColumn::Event,
        "event",
        "",
        "index of the event within the replication",
    ),
    ev(EventColumn::Community, "community", "", "community id"),
    ev(
        EventColumn::CompoundKind,
        "compound_kind",
        "",
        "kind of compound (new_estate, old_compound, resettlement)",
    ),
    ev(
        EventColumn::Severity,
        "severity",
        "share",
        "share of vulnerable households that need a visit",
    ),
    ev(
        EventColumn::Households,
        "households",
        "count",
        "occupied dwellings of this kind in the community",
    ),
    ev(
        EventColumn::T50Hours,
        "t50_hours",
        "hours",
        "hours until 50 % of them were warned (empty: never within the horizon)",
    ),
    ev(
        EventColumn::T90Hours,
        "t90_hours",
        "hours",
        "hours until 90 % of them were warned (empty: never within the horizon)",
    ),
    ev(
        EventColumn::VulnerableTotal,
        "vulnerable_total",
        "count",
        "vulnerable households that needed help",
    ),
    ev(
        EventColumn::VulnerableHelpedInWindow,
        "vulnerable_helped_in_window",
        "count",
        "of them, helped within mobilisation.critical_window_hours",
    ),
    ev(
        EventColumn::VulnerableHelpedShare,
        "vulnerable_helped_share",
        "share",
        "vulnerable_helped_in_window / vulnerable_total (empty when none needed help)",
    ),
    ev(
        EventColumn::HelpersActive,
        "helpers_active",
        "count",
        "helpers who made at least one visit within the window",
    ),
    ev(
        EventColumn::HelpT90Hours,
        "help_t90_hours",
        "hours",
        "hours until 90 % of the vulnerable needing help were helped (empty: never)",
    ),
];

impl EventColumn {
    /// Column name in `events.csv`.
    pub fn name(self) -> &'static str {
        EVENT_COLUMNS[self as usize].name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positions_and_names_are_unique_snake_case() {
        for (i, m) in METRICS.iter().enumerate() {
            assert_eq!(m.id.index(), i, "{}", m.name);
            assert_eq!(M::from_name(m.name), Some(m.id));
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                m.name
            );
            assert!(!m.title.is_empty() && !m.zh.is_empty() && !m.meaning.is_empty());
            assert!(
                METRICS.iter().filter(|o| o.name == m.name).count() == 1,
                "{} twice",
                m.name
            );
        }
        assert_eq!(M::from_name("no_such_metric"), None);
        for (i, c) in EVENT_COLUMNS.iter().enumerate() {
            assert_eq!(c.id as usize, i, "{}", c.name);
        }
    }

    #[test]
    fn flows_sum_over_a_year_and_are_shown_per_year() {
        for m in METRICS {
            if m.year == Year::Sum {
                assert!(m.display_factor() >= 12.0 - 1e-9 || m.display_factor() == 12.0e-6);
            }
            if m.is_unit_interval() {
                assert_eq!(m.year, Year::Mean, "{}", m.name);
                assert_eq!(m.display_factor(), 1.0, "{}", m.name);
            }
        }
    }

    #[test]
    fn formulas_read_the_sums() {
        let mut t = Tally::default();
        t[Billed] = 200.0;
        t[Paid] = 150.0;
        t[(OldCompound, KindSum::Billed)] = 100.0;
        t[(OldCompound, KindSum::Paid)] = 25.0;
        t[WorkforceCost] = 1.0;
        t[LeverCost] = 2.0;
        t[MobilisationCost] = 4.0;
        t[PurchaseCost] = 8.0;
        let row = t.metrics();
        assert_eq!(row[M::FeeCollectionRate.index()], 0.75);
        assert_eq!(row[M::FeeCollectionRateOldCompound.index()], 0.25);
        assert_eq!(row[M::FeeCollectionRateNewEstate.index()], 0.0);
        assert_eq!(row[M::PublicCost.index()], 15.0);
        // Society's levers are public; the units' contribution is not.
        let mut v = t;
        v[SocietyCost] = 16.0;
        v[UnitContribution] = 32.0;
        assert_eq!(v.metrics()[M::PublicCost.index()], 31.0);
        // Coverage counts every household: at most the collection rate and the managed
        // (billed) share of households.
        t[Households] = 400.0;
        let row = t.metrics();
        assert_eq!(row[M::ServiceCoverage.index()], 150.0 / 400.0);
        assert!(row[M::ServiceCoverage.index()] <= row[M::FeeCollectionRate.index()]);
        assert!(row[M::ServiceCoverage.index()] <= t[Billed] / t[Households]);
        let mut u = t;
        u.add(&t);
        assert_eq!(u[Paid], 300.0);
        assert_eq!(u[(OldCompound, KindSum::Paid)], 50.0);
    }

    #[test]
    fn cumulative_costs_sum_to_date_and_discount_a_year_by_the_rate() {
        let mut rows = vec![[0.0; N_METRICS]; 25];
        for row in rows.iter_mut() {
            row[M::PublicCost.index()] = 100.0;
        }
        cumulative_costs(&mut rows);
        assert_eq!(rows[0][M::PublicCostCumulative.index()], 100.0);
        assert!((rows[24][M::PublicCostCumulative.index()] - 2500.0).abs() < 1e-9);
        // Month 1 is not discounted; month 13 is worth 1 / 1.08 of month 1.
        assert_eq!(rows[0][M::PublicCostDiscounted.index()], 100.0);
        let month13 =
            rows[12][M::PublicCostDiscounted.index()] - rows[11][M::PublicCostDiscounted.index()];
        assert!(
            (month13 - 100.0 / (1.0 + DISCOUNT_RATE)).abs() < 1e-9,
            "{month13}"
        );
        assert!(rows[24][M::PublicCostDiscounted.index()] < 2500.0);
    }

    #[test]
    fn targets_are_shares_named_once() {
        for (i, t) in TARGETS.iter().enumerate() {
            assert!(t.metric.meta().is_unit_interval(), "{:?}", t.metric);
            assert!(t.at_least > 0.0 && t.at_least < 1.0);
            assert!(
                t.section.starts_with('三'),
                "an essay section: {}",
                t.section
            );
            assert!(TARGETS[..i].iter().all(|o| o.metric != t.metric));
        }
        assert_eq!(M::CertifiedShare.target().map(|t| t.at_least), Some(0.35));
        assert_eq!(M::FeeCollectionRate.target(), None);
    }

    #[test]
    fn rolling_turnover_annualises_the_first_year() {
        let mut rows = vec![[0.0; N_METRICS]; 24];
        for r in rows.iter_mut() {
            r[M::WorkersEmployed.index()] = 10.0;
            r[M::WorkerSeparations.index()] = 1.0;
        }
        rolling_turnover(&mut rows);
        for r in &rows {
            assert!((r[M::WorkerTurnoverAnnual.index()] - 1.2).abs() < 1e-12);
        }
    }
}
