//! Every scenario parameter, declared once: name, type, default, allowed range, unit,
//! meaning and source. Scenario files, `--set`, the manifest and the docs table all read
//! this one declaration, so a key cannot be validated in one place and documented in another.

pub mod changes;
pub mod domain;

use changes::Change;
use domain::{Domain, FieldSpec, ParamSpec, ParamValue, SetError};

use super::kind::CompoundKind;

/// Declares one section struct together with its field specs and setters.
/// `$k` names the compound-kind index available to default expressions
/// (used by the per-kind sections; ignored by the others).
macro_rules! section {
    (
        $(#[$meta:meta])*
        $Struct:ident ($k:ident) {
            $(
                $field:ident : $ty:ty = $default:expr ;
                $domain:expr ; $unit:literal ; $doc:literal ; $zh:literal ; $source:literal ;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $Struct {
            $( #[doc = $doc] pub $field: $ty, )*
        }

        impl $Struct {
            /// Default values (for per-kind sections, those of compound kind `$k`).
            #[allow(unused_variables)]
            pub fn default_for($k: usize) -> Self {
                Self { $( $field: $default, )* }
            }

            /// Specs of every field, in declaration order.
            pub const FIELDS: &'static [FieldSpec] = &[
                $( FieldSpec { name: stringify!($field), domain: $domain, unit: $unit, doc: $doc, zh: $zh, source: $source }, )*
            ];

            /// Sets a field from a TOML value; `Ok(false)` if there is no such field.
            pub fn set_field(&mut self, name: &str, v: &toml::Value) -> Result<bool, String> {
                $(
                    if name == stringify!($field) {
                        self.$field = <$ty as ParamValue>::from_toml(v, &$domain)?;
                        return Ok(true);
                    }
                )*
                Ok(false)
            }

            /// Reads a field as a TOML value.
            pub fn get_field(&self, name: &str) -> Option<toml::Value> {
                $( if name == stringify!($field) { return Some(self.$field.to_toml()); } )*
                None
            }
        }
    };
}

const SHARE: Domain = Domain::Real { lo: 0.0, hi: 1.0 };
const WEIGHT: Domain = Domain::Real { lo: 0.0, hi: 100.0 };

section! {
    /// How long and how often to run.
    Run (_k) {
        years: u32 = 20; Domain::Int { lo: 1, hi: 200 }; "years";
            "Simulated time span; the model steps monthly.";
            "模拟时长；模型按月推进。";
            "Issue 2: twenty years shows the spiral unfold.";
        replications: u32 = 10; Domain::Int { lo: 1, hi: 100_000 }; "runs";
            "Independent replications (different random streams, same scenario).";
            "独立重复次数（随机流不同，情景相同）。";
            "Enough for a 95 % interval on the summary metrics; raise for publication.";
        seed: u64 = 1; Domain::Int { lo: 0, hi: i64::MAX }; "-";
            "Master seed. Every random stream derives from (seed, replication, community, mechanism).";
            "主随机种子。每个随机流都由（种子、重复、社区、机制）派生。";
            "Reproducibility.";
    }
}

section! {
    /// The city: how many communities and how households split between compound kinds.
    World (_k) {
        communities: u32 = 20; Domain::Int { lo: 1, hi: 20_000 }; "communities";
            "Number of communities (社区) in the simulated city.";
            "模拟城市中的社区数。";
            "Demo size; the city-scale scenario sets ~800.";
        communities_per_street: u32 = 8; Domain::Int { lo: 1, hi: 100 }; "communities";
            "Communities per street office (街道); used for grouping in outputs.";
            "每个街道办事处管辖的社区数；用于输出中的分组。";
            "Assumption: Ningbo streets hold roughly 5-12 communities.";
        households_per_community: u32 = 2500; Domain::Int { lo: 50, hi: 50_000 }; "households";
            "Households in an ordinary community.";
            "普通社区的户数。";
            "Essay 三.(三).1: communities set at about 2,500 households.";
        oversized_community_share: f64 = 0.15; SHARE; "share";
            "Share of communities that are oversized (超大社区).";
            "超大社区所占比例。";
            "Essay 三.(三).1 names existing oversized communities; share is a guess.";
        oversized_factor: f64 = 2.0; Domain::Real { lo: 1.0, hi: 10.0 }; "x";
            "Size of an oversized community relative to an ordinary one.";
            "超大社区相对普通社区的规模倍数。";
            "Assumption.";
        households_per_grid: u32 = 400; Domain::Int { lo: 20, hi: 5000 }; "households";
            "Target households per management grid (网格); grids group whole buildings; each has a grid leader.";
            "每个网格的目标户数；网格由整栋楼组成，每个网格有一名网格长。";
            "Essay 三.(二).2 sets about 250 (the reform); status quo grids assumed coarser.";
        share_new_estate: f64 = 0.45; SHARE; "share of households";
            "Households living in new commodity estates (新建商品房小区).";
            "住在新建商品房小区的住户比例。";
            "Assumption for a Ningbo district in rapid urbanisation (essay 二.(三)).";
        share_old_compound: f64 = 0.40; SHARE; "share of households";
            "Households living in old compounds (老旧小区).";
            "住在老旧小区的住户比例。";
            "Assumption (essay 二.(三), 三.(三).3).";
        share_resettlement: f64 = 0.15; SHARE; "share of households";
            "Households living in resettlement estates (拆迁安置小区).";
            "住在拆迁安置小区的住户比例。";
            "Assumption; must make the three shares sum to 1.";
        undersized_community_share: f64 = 0.10; SHARE; "share";
            "Share of communities that are clearly undersized (规模明显偏小), spread evenly by id; a community the oversized rule also picks is oversized.";
            "规模明显偏小的社区所占比例，按编号均匀分布；同时被超大规则选中的社区按超大社区处理。";
            "Essay 三.(三).1 names existing undersized communities; share is a guess.";
        undersized_factor: f64 = 0.5; Domain::Real { lo: 0.02, hi: 1.0 }; "x";
            "Size of an undersized community relative to an ordinary one.";
            "规模偏小社区相对普通社区的规模倍数。";
            "Assumption: 1,250 households, below the 1,500 of essay 三.(三).4.";
        merge_undersized: bool = false; Domain::Bool; "-";
            "Merge undersized communities in pairs (适度合并): each pair has one 两委 and counts its staff positions on the pair's households; each half keeps its own households and random streams.";
            "把规模偏小的社区两两适度合并：每对只设一个两委，按两个社区合计的户数核定人员编制；两半各自保留住户和随机流。";
            "Essay 三.(三).1 lever (also 一站多居).";
    }
}

section! {
    /// What differs between compound kinds. Appears three times in a scenario:
    /// `[new_estate]`, `[old_compound]`, `[resettlement]`; defaults are per kind.
    Kind (k) {
        households_per_compound: u32 = [900, 300, 600][k]; Domain::Int { lo: 10, hi: 20_000 }; "households";
            "Mean compound (小区) size; sizes vary +-50 % uniformly.";
            "小区平均规模；实际规模在 ±50% 内均匀变化。";
            "Assumption: high-rise estates are large, old walk-up compounds small.";
        households_per_building: u32 = [120, 24, 60][k]; Domain::Int { lo: 2, hi: 2000 }; "households";
            "Households per building (楼栋); the fee reference group.";
            "每栋楼（楼栋）的户数；缴费时的参照群体。";
            "Assumption: 30-floor towers vs 6-floor walk-ups.";
        households_per_stairwell: u32 = [40, 12, 20][k]; Domain::Int { lo: 1, hi: 2000 }; "households";
            "Households per stairwell (楼道); at most households_per_building.";
            "每个楼道的户数；不超过每栋楼户数。";
            "Assumption.";
        floor_area_m2: f64 = [95.0, 60.0, 75.0][k]; Domain::Real { lo: 10.0, hi: 1000.0 }; "m2";
            "Mean floor area per dwelling; the fee is price x area.";
            "每套住房的平均建筑面积；物业费 = 单价 × 面积。";
            "Assumption from typical Chinese urban dwellings.";
        owner_occupied_share: f64 = [0.62, 0.65, 0.55][k]; SHARE; "share of dwellings";
            "Dwellings lived in by their owner.";
            "业主自住的住房。";
            "Assumption.";
        rented_share: f64 = [0.25, 0.27, 0.37][k]; SHARE; "share of dwellings";
            "Dwellings let to renters; the absent owner owes the fee. Vacant = the rest.";
            "出租的住房；由不在场的业主缴费。其余为空置。";
            "Assumption; essay 二.(三): new estates mobile, many renters in resettlement estates.";
        young_head_share: f64 = [0.50, 0.15, 0.30][k]; SHARE; "share of households";
            "Households whose head is under 40.";
            "户主不满 40 岁的住户。";
            "Essay 二.(三): new estates mainly young and middle-aged.";
        elderly_head_share: f64 = [0.08, 0.45, 0.25][k]; SHARE; "share of households";
            "Households whose head is 60 or older; middle-aged = the rest.";
            "户主 60 岁及以上的住户；其余为中年户。";
            "Essay 二.(三): old compounds mainly elderly.";
        vulnerable_share_of_elderly: f64 = [0.25, 0.35, 0.30][k]; SHARE; "share";
            "Elderly households that are vulnerable (living alone, disabled).";
            "属于困难户（独居、残疾）的老年住户比例。";
            "Assumption.";
        ties: f64 = [0.25, 0.8, 0.55][k]; SHARE; "0-1";
            "Strength of neighbour ties of a long-settled household (newcomers build them over ~3 years).";
            "长期居住住户的邻里关系强度（新住户约 3 年建立起来）。";
            "Essay 二.(三): new estates know each other little; old compounds well.";
        group_message_coverage: f64 = [0.35, 0.45, 0.4][k]; SHARE; "share of households";
            "Households in the compound's WeChat/SMS group (elderly half as often).";
            "加入小区微信群或短信群的住户（老年人减半）。";
            "Essay 三.(四).3 lever; status quo assumed.";
        building_leader_share: f64 = [0.3, 0.8, 0.6][k]; SHARE; "share of buildings";
            "Buildings with a building leader (楼栋长).";
            "有楼栋长的楼栋比例。";
            "Essay 三.(二).2 lever; status quo assumed.";
        stairwell_leader_share: f64 = [0.15, 0.6, 0.4][k]; SHARE; "share of stairwells";
            "Stairwells with a stairwell leader (楼道长) who knocks on every door.";
            "有楼道长（挨家挨户敲门）的楼道比例。";
            "Essay 三.(二).2 lever; status quo assumed.";
        initial_volunteer_share: f64 = [0.02, 0.07, 0.04][k]; SHARE; "share of households";
            "Households with an active volunteer at the start.";
            "初始时有活跃志愿者的住户。";
            "Essay 三.(二).3 targets >= 10 %; status quo below it, fewest in new estates (二.(三)).";
        volunteer_join_rate: f64 = [0.016, 0.06, 0.036][k]; SHARE; "per year";
            "Yearly chance a settled household with trust 1 starts volunteering (scaled by trust).";
            "信任为 1 的定居住户每年开始参与志愿服务的概率（按信任缩放）。";
            "Assumption, calibrated to keep initial_volunteer_share roughly steady.";
        income_median: f64 = [14_000.0, 6_500.0, 8_000.0][k]; Domain::Real { lo: 100.0, hi: 1e6 }; "RMB/month";
            "Median household income (log-normal, sigma 0.5).";
            "家庭收入中位数（对数正态，sigma 0.5）。";
            "Assumption near Zhejiang urban wages (~100 k RMB/person/year, 2019).";
        move_out_rate_owner: f64 = [0.06, 0.025, 0.04][k]; SHARE; "per year";
            "Annual probability that an owner-occupier household moves out (dwelling resold or let).";
            "业主自住户每年迁出（住房转售或出租）的概率。";
            "Essay 二.(三): new estates mobile, old compounds settled; values assumed.";
        move_out_rate_renter: f64 = [0.40, 0.30, 0.35][k]; SHARE; "per year";
            "Annual probability that a renter household moves out.";
            "租户每年迁出的概率。";
            "Assumption: Chinese urban leases are short.";
        price_factor: f64 = [1.3, 0.5, 0.7][k]; Domain::Real { lo: 0.0, hi: 10.0 }; "x guided price";
            "Fee price of this kind relative to property.guided_price (grade of service).";
            "该类小区物业费单价相对 property.guided_price 的倍数（服务等级）。";
            "Chongqing 2024 caps: 1.0-1.9 RMB/m2/month with lifts, 0.6-1.35 without.";
        staff_per_100_households: f64 = [1.4, 0.5, 0.7][k]; Domain::Real { lo: 0.0, hi: 20.0 }; "staff per 100 households";
            "Firm staff needed for full standard service.";
            "提供完整标准服务所需的物业员工数。";
            "Assumption: lifts, security and gardens need more staff in new estates.";
        other_cost_per_m2: f64 = [0.45, 0.08, 0.20][k]; Domain::Real { lo: 0.0, hi: 20.0 }; "RMB/m2/month";
            "Non-staff operating cost (energy of common parts, lifts, materials).";
            "非人工运营成本（公共部位能耗、电梯、材料）。";
            "Assumption: labour is most of a firm's cost (essay 二.(四)).";
        capability_mean: f64 = [0.60, 0.40, 0.45][k]; Domain::Real { lo: 0.01, hi: 0.99 }; "0-1";
            "Mean capability of firms serving this kind (Beta distributed, sd property.capability_sd).";
            "服务该类小区的物业企业平均能力（Beta 分布，标准差为 property.capability_sd）。";
            "Essay 二.(四): firms mostly small, weak, of low professional level.";
        initial_managed_share: f64 = [1.0, 0.75, 0.9][k]; SHARE; "share of compounds";
            "Compounds that have a property firm at the start.";
            "初始时有物业企业的小区。";
            "Assumption; the essay targets >= 90 % coverage (三.(三).3).";
        owners_committee_share: f64 = [0.30, 0.08, 0.10][k]; SHARE; "share of compounds";
            "Compounds with an owners' committee (业委会) at the start.";
            "初始时有业委会的小区。";
            "Assumption below the essay's 90 % target (三.(三).3).";
        initial_expectation: f64 = [0.60, 0.40, 0.45][k]; SHARE; "0-1";
            "Mean service level that owners of compounds unmanaged at the start expect (sd 0.1); later buyers expect the reference of owners.expectation_rate.";
            "初始无物业的小区中业主期望的平均服务水平（标准差 0.1）；之后的购房者按 owners.expectation_rate 形成参照期望。";
            "Assumption: buyers of new estates expect more (essay 二.(四)).";
    }
}

section! {
    /// Property fees and the firms that collect them (物业).
    Property (_k) {
        guided_price: f64 = 1.5; Domain::Real { lo: 0.0, hi: 50.0 }; "RMB/m2/month";
            "Government-guided basic fee for ordinary housing; each kind multiplies it by its price_factor.";
            "普通住宅政府指导价的基础物业费；各类小区再乘以各自的 price_factor。";
            "Average basic fee ~2.25 RMB/m2/month; Chongqing 2024 caps 0.6-1.9.";
        price_grade_spread: f64 = 0.25; Domain::Real { lo: 0.0, hi: 0.9 }; "share";
            "Compounds' service grades spread their price uniformly within +-this share of the kind's price.";
            "小区服务等级使单价在该类小区单价的 ± 此比例内均匀分布。";
            "Guided prices come in grades (e.g. Chongqing 2024: 1.0-1.9 with lifts); spread assumed.";
        guided_price_growth: f64 = 0.0; Domain::Real { lo: -0.5, hi: 1.0 }; "per year";
            "Optional extra yearly drift of the guided price, on top of the price bureau's reviews (price_review_*).";
            "指导价每年额外漂移（可选），叠加在价格主管部门的调价之上（price_review_*）。";
            "0 in the status quo: the guided price moves only when the bureau reviews it (docs/ODD.md §7.1).";
        price_review_interval_months: u32 = 120; Domain::Int { lo: 1, hi: 600 }; "months";
            "The price bureau (价格主管部门) reviews the guided price every this many months; the last review was at month 0.";
            "价格主管部门每隔这么多个月审核一次指导价；上次审核在第 0 个月。";
            "Assumption in an honest range of 60-180: guided fees for ordinary housing are revised rarely, often after 5-10+ years (essay 二.(四): hard to raise).";
        price_review_lag_months: u32 = 12; Domain::Int { lo: 0, hi: 600 }; "months";
            "Months between a review and the month its new guided price takes effect (hearing, publication, contract renewal).";
            "审核到新指导价生效之间的月数（听证、公布、合同续签）。";
            "Assumption, range 6-24 months.";
        price_review_pass_through: f64 = 0.5; Domain::Real { lo: 0.0, hi: 2.0 }; "share";
            "Share of the growth of firms' cost index since the last review that a review adds to the guided price (political cost of raising fees: < 1).";
            "上次审核以来物业企业成本指数的增长中，由审核计入指导价的比例（提价的政治成本：< 1）。";
            "Assumption, range 0.3-1.0; revisions can even lower caps (Chongqing 2024 set 0.6-1.9 RMB/m2, below many contracts [F4]).";
        staff_monthly_cost: f64 = 6000.0; Domain::Real { lo: 0.0, hi: 1e6 }; "RMB/staff/month";
            "Wage plus social insurance of one firm employee at the start.";
            "初始时一名物业员工的工资加社保。";
            "Assumption for Ningbo property staff.";
        cost_growth: f64 = 0.0; Domain::Real { lo: -0.5, hi: 1.0 }; "per year";
            "Optional extra yearly growth of both staff and other costs, on top of wages (staff_wage_tracking) and prices (price_index_growth).";
            "人工与其他成本每年额外增长（可选），叠加在工资（staff_wage_tracking）和物价（price_index_growth）之上。";
            "0 in the status quo: costs follow wages and prices (docs/ODD.md §7.1).";
        staff_wage_tracking: f64 = 0.8; Domain::Real { lo: 0.0, hi: 1.5 }; "x wage growth";
            "Property staff cost grows at this times the city's wage growth (workforce.wage_growth); at most 1.5, so that staff costs never fall to zero (wage_growth is at least -0.5).";
            "物业员工成本按全市工资增长（workforce.wage_growth）的这一倍数增长；至多 1.5，使员工成本不会降到零（wage_growth 至少为 -0.5）。";
            "Assumption, range 0.6-1.0: guards and cleaners are paid near the minimum wage, which Zhejiang raised roughly with average wages (first tier 1,100 RMB/month in 2010, 2,280 in 2021).";
        price_index_growth: f64 = 0.02; Domain::Real { lo: -0.5, hi: 1.0 }; "per year";
            "Yearly growth of firms' other costs (energy, lifts, materials): a consumer price index.";
            "物业企业其他成本（能耗、电梯、材料）的年增长率：即居民消费价格指数。";
            "China's CPI rose about 2 %/year in 2012-2019 (NBS); range 1-3 %.";
        capability_sd: f64 = 0.10; Domain::Real { lo: 0.0, hi: 0.45 }; "0-1";
            "Spread of firm capability around the kind's mean.";
            "物业企业能力围绕该类小区均值的离散程度。";
            "Assumption.";
        capability_growth: f64 = 0.0; Domain::Real { lo: 0.0, hi: 0.5 }; "per year";
            "Yearly rise of a firm's capability while it makes no loss (training, investment), capped at 1.";
            "物业企业不亏损时能力每年的提升（培训、投入），上限为 1。";
            "Essay 二.(四): firms stay weak in the status quo (0); reforms (star rating, capital) raise it.";
        quality_staff_elasticity: f64 = 0.7; Domain::Real { lo: 0.0, hi: 5.0 }; "-";
            "Quality = capability x (staff / standard staff)^elasticity.";
            "质量 = 能力 × (员工数 / 标准员工数)^弹性。";
            "Assumption: service is labour-intensive.";
        initial_reserve_months: f64 = 3.0; Domain::Real { lo: 0.0, hi: 120.0 }; "months of cost";
            "Cash a firm holds when it starts in a compound.";
            "物业企业进驻小区时持有的现金。";
            "Assumption: small firms, thin capital (essay 二.(四)).";
        reserve_cap_months: f64 = 6.0; Domain::Real { lo: 0.0, hi: 600.0 }; "months of cost";
            "Reserves above this are paid out to the firm's owners instead of kept in the compound.";
            "超过此数的储备分给企业股东，而不留在小区。";
            "Assumption: small firms do not keep deep reserves per project (essay 二.(四)).";
        staff_cut_rate: f64 = 0.08; SHARE; "share per month";
            "Largest share of staff a losing firm cuts in a month.";
            "亏损企业一个月内最多裁减的员工比例。";
            "Essay 二.(四): firms cut staff to survive.";
        staff_rehire_rate: f64 = 0.04; SHARE; "share per month";
            "Largest share of standard staff a profitable firm adds back in a month.";
            "盈利企业一个月内最多补回的标准员工比例。";
            "Assumption.";
        min_staff_share: f64 = 0.4; SHARE; "share of standard";
            "Staff floor below which a firm cannot cut and still serve.";
            "员工下限：低于此比例企业无法继续提供服务。";
            "Assumption.";
        target_margin: f64 = 0.05; Domain::Real { lo: -1.0, hi: 1.0 }; "share of revenue";
            "Margin a firm aims at when sizing its staff.";
            "企业确定员工规模时的目标利润率。";
            "Assumption.";
        withdraw_after_loss_months: u32 = 12; Domain::Int { lo: 1, hi: 600 }; "months";
            "Consecutive loss-making months (with reserves used up) after which the firm withdraws (退管).";
            "连续亏损（储备耗尽）这么多个月后企业退管。";
            "Essay 二.(四): persistent losses lead to withdrawal.";
        entry_rate: f64 = 0.5; SHARE; "per year";
            "Yearly chance that a firm assesses an unmanaged compound.";
            "物业企业每年评估一个无物业小区的概率。";
            "Assumption.";
        entry_required_margin: f64 = 0.05; Domain::Real { lo: -1.0, hi: 1.0 }; "share of revenue";
            "Margin a firm must expect before it enters.";
            "企业进驻前必须预期达到的利润率。";
            "Issue 2: a new firm enters only when it expects to cover costs.";
        unmanaged_quality: f64 = 0.15; SHARE; "0-1";
            "Service level of a compound without a firm (basic cleaning by the street).";
            "无物业企业小区的服务水平（街道的基本保洁）。";
            "Assumption.";
        government_purchase: f64 = 0.0; Domain::Real { lo: 0.0, hi: 1e5 }; "RMB/household/month";
            "Public services the government buys from the firm, paid per household served.";
            "政府向物业企业购买的公共服务，按服务户数支付。";
            "Essay 三.(三).3 lever; zero in the status quo.";
        vote_interval_months: u32 = 12; Domain::Int { lo: 1, hi: 600 }; "months";
            "How often an owners' committee votes on a price rise requested by a losing firm.";
            "业委会对亏损企业提出的涨价进行表决的间隔。";
            "Assumption: annual owners' meeting.";
        vote_price_step: f64 = 0.10; Domain::Real { lo: 0.0, hi: 1.0 }; "share";
            "Price rise put to the vote.";
            "付诸表决的涨价幅度。";
            "Assumption.";
        vote_max_price_factor: f64 = 1.5; Domain::Real { lo: 1.0, hi: 10.0 }; "x guided";
            "Highest owners' markup on the compound's price (1.5 = at most 50 % above its guided price).";
            "业主可同意的最高加价倍数（1.5 = 最多比指导价高 50%）。";
            "Assumption.";
        vote_satisfaction_needed: f64 = 0.5; SHARE; "0-1";
            "Owners vote for the rise when their satisfaction is at least this; a majority passes it.";
            "业主满意度至少达到此值时投赞成票；过半数即通过。";
            "Assumption.";
        purchase_price_per_hour: f64 = 45.0; Domain::Real { lo: 1.0, hi: 1e4 }; "RMB/hour";
            "Price the government pays per hour of purchased public-service work (registration of floating population and rentals, hygiene), at month 0; grows with the firms' staff cost index. The firm performs government_purchase / price hours at its staff wage (staff_monthly_cost / 160 an hour) and keeps the rest.";
            "政府购买公共服务（流动人口与出租房登记、卫生）每小时支付的价格，第 0 个月价格，随物业企业员工成本指数增长。企业以员工工资（staff_monthly_cost / 160 每小时）完成 government_purchase / 价格 小时的工作，余额归企业。";
            "Assumption in a range of 40-55: wage cost per hour (6,000 / 160 = 37.5) plus a 10-30 % management fee, as service-purchase contracts price labour (cost plus fee); essay 三.(三).3.";
        quasi_property: bool = false; Domain::Bool; "-";
            "Quasi-property service (准物业) by the street or community in every compound without a firm or self-management.";
            "由街道或社区在每个无物业企业、无自治管理的小区提供准物业服务。";
            "Essay 三.(三).3 lever; off in the status quo.";
        quasi_property_quality: f64 = 0.3; SHARE; "0-1";
            "Service quality of a quasi-property service (basic cleaning, repairs, security patrols), instead of unmanaged_quality.";
            "准物业服务的服务质量（基本保洁、维修、治安巡逻），取代 unmanaged_quality。";
            "Assumption in a range of 0.25-0.4: above the street's basic cleaning, below a standard firm (capability 0.4-0.6).";
        quasi_property_cost: f64 = 8.0; Domain::Real { lo: 0.0, hi: 1e4 }; "RMB/household/month";
            "Public cost of a quasi-property service per household served, at month 0; grows with the firms' staff cost index.";
            "每服务一户准物业的公共支出，第 0 个月价格，随物业企业员工成本指数增长。";
            "Assumption in a range of 5-15: about 0.1-0.25 RMB/m2/month on a 60 m2 dwelling, a third to half of an old compound's guided fee.";
        committee_formation_rate: f64 = 0.02; SHARE; "per year";
            "Yearly chance that an eligible compound without an owners' committee forms one; eligible: at least 50 % of dwellings occupied and at least 24 months old.";
            "符合条件的无业委会小区每年成立业委会的概率；条件：入住率至少 50% 且交付至少 24 个月。";
            "Eligibility: Beijing rule (model brief section 8). Rate: assumption in a range of 0.01-0.04, slow enough that the kinds' starting shares (0.3 / 0.08 / 0.1) stay far below the essay's 90 % target.";
        tender_rate: f64 = 0.5; SHARE; "per year";
            "Yearly chance that the owners' committee of a compound without a firm invites tenders (a firm assesses it, and the committee may agree a markup up to vote_max_price_factor).";
            "无物业企业小区的业委会每年公开招标的概率（有企业来评估，业委会可同意不超过 vote_max_price_factor 的加价）。";
            "Assumption: committees seek a firm about every second year; compounds without a committee wait for entry_rate.";
        self_management: bool = false; Domain::Bool; "-";
            "A committee whose tender finds no firm manages the compound itself (自治式), at its own fee and cost.";
            "招标找不到企业时，业委会自行管理小区（自治式），自定收费、自担成本。";
            "Essay 三.(三).3 lever (owners' self-governance); Beijing case 41 % -> 90 % paying (model brief section 8); off in the status quo.";
        self_management_quality: f64 = 0.4; SHARE; "0-1";
            "Quality of self-management at full staffing.";
            "满员时自治管理的服务质量。";
            "Assumption in a range of 0.3-0.5: between basic street service (0.15) and a standard firm (0.4-0.6).";
        self_management_cost_share: f64 = 0.6; Domain::Real { lo: 0.1, hi: 1.0 }; "share of a firm's cost";
            "Cost of self-management relative to a firm's staff and other costs (no profit, no head office, owners' unpaid work).";
            "自治管理成本相对物业企业人工与其他成本的比例（无利润、无总部、业主无偿劳动）。";
            "Assumption in a range of 0.5-0.8.";
        self_management_fee_factor: f64 = 0.7; Domain::Real { lo: 0.1, hi: 2.0 }; "x the compound's price";
            "Fee a self-managed compound charges, relative to its guided price (it becomes the compound's price_markup while self-managed).";
            "自治管理小区的收费相对其指导价的倍数（自治期间即为该小区的 price_markup）。";
            "Assumption in a range of 0.5-1.0.";
        star_rating: bool = false; Domain::Bool; "-";
            "Star rating of firms (星级评价): an annual score, an entry bar and removal of firms rated lowest two years running.";
            "物业企业星级评价：年度评分、准入门槛，以及连续两年评分最低的企业被清退。";
            "Essay 三.(三).3 lever; off in the status quo.";
        star_rating_entry_bar: f64 = 0.45; SHARE; "0-1";
            "Lowest capability a firm needs to enter a compound under the rating.";
            "星级评价下企业进驻小区所需的最低能力。";
            "Assumption: near the kinds' mean capabilities (0.4-0.6), so it keeps the weakest third or so out.";
        star_rating_removal_score: f64 = 0.3; SHARE; "0-1";
            "A firm whose annual score (mean of its quality and owners' mean satisfaction) is below this is in the lowest band; two years running, it is removed and the compound tenders.";
            "年度评分（服务质量与业主平均满意度的均值）低于此值的企业属于最低档；连续两年则被清退，小区重新招标。";
            "Assumption in a range of 0.25-0.35.";
        star_rating_cost_per_compound: f64 = 300.0; Domain::Real { lo: 0.0, hi: 1e6 }; "RMB/compound/month";
            "Public cost of running the rating (inspections, owners' surveys, records) per compound, at month 0; grows with the firms' staff cost index.";
            "每个小区开展评价（检查、业主调查、档案）的公共支出，第 0 个月价格，随物业企业员工成本指数增长。";
            "Assumption in a range of 100-500 (a few days of an inspector's time a year per compound).";
        renovation_rate: f64 = 0.0; SHARE; "per year";
            "Yearly chance that an old compound not yet renovated is renovated (老旧小区改造).";
            "尚未改造的老旧小区每年被改造（老旧小区改造）的概率。";
            "Essay 三.(三).3 lever; 0 here (the status quo's past renovations are in the kinds' costs).";
        renovation_cost_per_household: f64 = 30_000.0; Domain::Real { lo: 0.0, hi: 1e6 }; "RMB/household";
            "One-off public capital cost of renovating an old compound, per household, at month 0 prices (grows with the price index, price_index_growth), booked in the month it is done.";
            "改造老旧小区的一次性公共资本支出，按户计，第 0 个月价格（随物价指数 price_index_growth 增长），计入完成改造的当月。";
            "Range 15,000-50,000: reported renovation costs of about 300-800 RMB per m2 of floor area on 50-60 m2 dwellings.";
        renovation_other_cost_cut: f64 = 0.3; SHARE; "share";
            "Share of a renovated compound's non-staff running costs (repairs, energy of common parts) saved after renovation.";
            "改造后小区非人工运营成本（维修、公共部位能耗）节省的比例。";
            "Assumption in a range of 0.2-0.4.";
        renovation_quality_gain: f64 = 0.1; SHARE; "0-1";
            "Rise of a renovated compound's service quality (managed or not): new pipes, lighting, gates, parking.";
            "改造后小区服务质量的提升（无论有无物业）：新管道、照明、门禁、停车。";
            "Assumption in a range of 0.05-0.15.";
    }
}

section! {
    /// How owners decide to pay the fee (业主缴费).
    Owners (_k) {
        initial_paid_share: f64 = 0.88; SHARE; "share of owners";
            "Owners who paid in the month before the run starts.";
            "模拟开始前一个月已缴费的业主。";
            "Assumption: above the ~76 % national collection rate (2025) the spiral ends near.";
        threshold_distribution: String = "normal".to_string(); Domain::Choice(&["normal", "uniform", "constant"]); "-";
            "Distribution of conditional cooperators' thresholds (share of building neighbours who must have paid).";
            "条件合作者阈值（须已缴费的楼栋邻居比例）的分布。";
            "Granovetter (1978) threshold model.";
        threshold_mean: f64 = 0.5; SHARE; "share";
            "Mean threshold (normal) or the threshold (constant).";
            "阈值均值（正态）或阈值本身（常数）。";
            "Assumption.";
        threshold_sd: f64 = 0.2; Domain::Real { lo: 0.0, hi: 1.0 }; "share";
            "Threshold spread (normal, clipped to [0, 1]).";
            "阈值离散程度（正态，截断到 [0, 1]）。";
            "Assumption.";
        threshold_low: f64 = 0.0; SHARE; "share";
            "Lower end (uniform).";
            "阈值下限（均匀分布）。";
            "-";
        threshold_high: f64 = 1.0; SHARE; "share";
            "Upper end (uniform).";
            "阈值上限（均匀分布）。";
            "-";
        unconditional_share: f64 = 0.15; SHARE; "share of owners";
            "Owners with threshold 0 (pay whatever neighbours do).";
            "阈值为 0 的业主（无论邻居如何都缴费）。";
            "Fischbacher, Gachter & Fehr (2001): a minority cooperate unconditionally.";
        free_rider_share: f64 = 0.15; SHARE; "share of owners";
            "Owners with threshold free_rider_threshold (above 1: neighbours alone never move them).";
            "阈值为 free_rider_threshold 的业主（大于 1：仅靠邻居永远不能促使他们缴费）。";
            "Fischbacher, Gachter & Fehr (2001): about a third free-ride; lower here because fees are enforceable.";
        free_rider_threshold: f64 = 1.5; Domain::Real { lo: 0.0, hi: 10.0 }; "share";
            "Threshold given to free riders.";
            "搭便车者的阈值。";
            "Assumption.";
        weight_social: f64 = 1.0; WEIGHT; "-";
            "Weight of (neighbours' paid share - threshold) in the payment propensity.";
            "（邻居缴费比例 − 阈值）在缴费倾向中的权重。";
            "Conditional cooperation.";
        weight_satisfaction: f64 = 2.0; WEIGHT; "-";
            "Weight of (satisfaction - expectation).";
            "（满意度 − 期望）的权重。";
            "Essay 二.(四): unmet standards lead to refusing fees.";
        weight_affordability: f64 = 1.0; WEIGHT; "-";
            "Weight of the fee burden above burden_tolerance (as a share of it).";
            "物业费负担超过 burden_tolerance 部分（以其比例计）的权重。";
            "Ability to pay.";
        weight_enforcement: f64 = 1.0; WEIGHT; "-";
            "Weight of arrears enforcement (enforcement x weight).";
            "欠费催缴的权重（催缴强度 × 权重）。";
            "Allingham & Sandmo (1972): compliance rises with detection and penalty.";
        weight_trust: f64 = 0.5; WEIGHT; "-";
            "Weight of (trust - 0.5).";
            "（信任 − 0.5）的权重。";
            "Model brief: trust feeds payment.";
        noise: f64 = 0.15; Domain::Real { lo: 0.0, hi: 10.0 }; "-";
            "Scale of logistic noise on the propensity; 0 makes the rule deterministic.";
            "缴费倾向上逻辑噪声的尺度；为 0 时规则是确定性的。";
            "Random utility; assumption.";
        enforcement: f64 = 0.4; SHARE; "0-1";
            "Intensity with which arrears are pursued (reminders, legal action); also scales the cost of pursuit and the trust it costs (enforcement_firm_cost, enforcement_public_cost, enforcement_trust_loss).";
            "追缴欠费的力度（催告、法律行动）；同时按比例决定追缴成本及其造成的信任损失（enforcement_firm_cost、enforcement_public_cost、enforcement_trust_loss）。";
            "Assumption in an honest range of 0.2-0.6: reminders and visits are usual, court cases rare (national collection ~76 % with arrears widely tolerated, model brief section 8).";
        income_growth: f64 = 0.05; Domain::Real { lo: -0.5, hi: 1.0 }; "per year";
            "Yearly growth of household incomes (the fee burden falls when fees grow slower).";
            "家庭收入的年增长率（物业费涨得慢时负担下降）。";
            "Assumption: like the city's average wage (workforce.wage_growth).";
        burden_tolerance: f64 = 0.03; Domain::Real { lo: 0.0001, hi: 1.0 }; "share of income";
            "Fee as a share of income that owners bear without resistance.";
            "业主不加抵触即可承受的物业费占收入比例。";
            "Assumption.";
        absent_owner_penalty: f64 = 0.15; Domain::Real { lo: 0.0, hi: 10.0 }; "-";
            "Lower propensity of an owner who lets the dwelling (harder to reach).";
            "出租住房的业主缴费倾向更低（更难联系）。";
            "Assumption.";
        vacant_owner_penalty: f64 = 0.3; Domain::Real { lo: 0.0, hi: 10.0 }; "-";
            "Lower propensity of an owner whose dwelling stands empty (uses no service).";
            "住房空置的业主缴费倾向更低（不使用服务）。";
            "Assumption.";
        satisfaction_rate: f64 = 0.12; SHARE; "per month";
            "Share of the gap to experienced quality that satisfaction closes each month.";
            "满意度每月向实际感受到的服务质量靠拢的比例。";
            "Assumption: adaptive expectations.";
        expectation_growth: f64 = 0.0; Domain::Real { lo: -0.2, hi: 0.2 }; "per year";
            "Optional extra yearly drift of every owner's expectation, whatever owners see (capped at 1).";
            "每个业主期望每年额外漂移（可选），与业主所见无关（上限为 1）。";
            "0 in the status quo: expectations follow what owners see (expectation_rate, docs/ODD.md §7.2).";
        expectation_rate: f64 = 0.03; SHARE; "per month";
            "Share of the gap to the reference (own service, other compounds' service, income) that an owner's expectation closes each month.";
            "业主期望每月向参照水平（本小区服务、其他小区服务、收入）靠拢的比例。";
            "Adaptive expectations / expectation-confirmation (Oliver 1980); assumption, range 0.01-0.1 (half-life 6-70 months), slower than satisfaction_rate.";
        expectation_social_weight: f64 = 0.3; SHARE; "share";
            "Weight of the mean perceived service of the community's other compounds in the reference (the rest: the owner's own compound).";
            "参照水平中社区内其他小区平均感知服务的权重（其余为业主本小区）。";
            "Social comparison (Festinger 1954); assumption, range 0-0.5.";
        expectation_income_elasticity: f64 = 0.1; Domain::Real { lo: 0.0, hi: 2.0 }; "0-1 per ln income";
            "The reference rises by this times ln(income factor) (owners.income_growth): richer owners expect more.";
            "参照水平随 ln(收入倍数)（owners.income_growth）的这一倍数上升：越富裕的业主期望越高。";
            "Assumption, range 0-0.3: service quality is a normal good with income elasticity below 1.";
        initial_expectation_gap: f64 = 0.0; Domain::Real { lo: -1.0, hi: 1.0 }; "0-1";
            "At the start, owners of a managed compound expect its current quality plus this (sd 0.1).";
            "初始时有物业小区的业主期望为当前质量加上此值（标准差 0.1）。";
            "Assumption: the status quo starts in rough balance; the spiral is what happens next.";
        initial_trust: f64 = 0.6; SHARE; "0-1";
            "Mean trust in community and government (sd 0.15).";
            "对社区和政府的平均信任（标准差 0.15）。";
            "Assumption.";
        trust_reversion: f64 = 0.02; SHARE; "per month";
            "Share of the gap to initial_trust that trust closes each month.";
            "信任每月向 initial_trust 回归的比例。";
            "Assumption.";
        enforcement_firm_cost: f64 = 20.0; Domain::Real { lo: 0.0, hi: 1e4 }; "RMB/owner in arrears/month";
            "Firm's collection and legal cost per owner in arrears and month at enforcement 1 (times enforcement), at month 0; grows with the firms' staff cost index.";
            "催缴强度为 1 时，每名欠费业主每月的企业催收与诉讼成本（乘以催缴强度），第 0 个月价格，随物业企业员工成本指数增长。";
            "Assumption in a range of 10-40: an hour or two of staff time a month (visits, calls, letters) plus court fees spread over cases at high enforcement.";
        enforcement_public_cost: f64 = 10.0; Domain::Real { lo: 0.0, hi: 1e4 }; "RMB/owner in arrears/month";
            "Public cost of mediation and courts per owner in arrears and month at enforcement 1 (times enforcement), at month 0; grows with the firms' staff cost index; part of public_cost.";
            "催缴强度为 1 时，每名欠费业主每月的调解与诉讼公共支出（乘以催缴强度），第 0 个月价格，随物业企业员工成本指数增长；计入 public_cost。";
            "Assumption in a range of 5-20 (mediation by community workers and people's mediators, court time).";
        enforcement_trust_loss: f64 = 0.005; SHARE; "0-1 per month";
            "Trust an owner in arrears loses each month at enforcement 1 (times enforcement): the conflict cost of being pursued.";
            "催缴强度为 1 时欠费业主每月失去的信任（乘以催缴强度）：被追缴的冲突成本。";
            "Assumption in a range of 0-0.01: with trust_reversion 0.02 it holds a pursued owner's trust about 0.1 below others' at enforcement 0.4.";
    }
}

section! {
    /// Community full-time social workers (社区专职工作者): staffing, pay, quitting,
    /// recruitment, workload and what their capacity does for residents.
    Workforce (_k) {
        households_per_worker: f64 = 350.0; Domain::Real { lo: 20.0, hi: 5000.0 }; "households";
            "Staff positions = households / this (rounded up), plus the heads.";
            "工作人员编制 = 户数 / 此值（向上取整），另加两委负责人。";
            "Essay 三.(三).4 sets 1 per 250 as the reform; status quo assumed thinner.";
        heads_per_community: u32 = 2; Domain::Int { lo: 0, hi: 20 }; "workers";
            "Heads of the two committees (两委), paid at pay_ratio_head.";
            "两委负责人人数，按 pay_ratio_head 计酬。";
            "Essay 三.(三).4 (两委 cross-appointment).";
        average_wage: f64 = 100_000.0; Domain::Real { lo: 1000.0, hi: 1e7 }; "RMB/year";
            "City average wage at the start; pay is set relative to it.";
            "初始时的全市平均工资；报酬以其为参照。";
            "Zhejiang average urban wage about 100 k RMB/year (2019).";
        wage_growth: f64 = 0.05; Domain::Real { lo: -0.5, hi: 1.0 }; "per year";
            "Yearly growth of the average wage (and so of workers' pay in RMB).";
            "平均工资的年增长率（从而社区工作者人民币报酬的增长率）。";
            "Assumption near Zhejiang's 2010s wage growth.";
        pay_ratio_staff: f64 = 0.8; Domain::Real { lo: 0.0, hi: 10.0 }; "x average wage";
            "Pay of ordinary staff relative to the average wage.";
            "普通工作人员报酬相对平均工资的倍数。";
            "Essay 二.(二): some quit over low pay; 0.8 assumed. Reform floor 1.0 (三.(三).4).";
        pay_ratio_head: f64 = 1.2; Domain::Real { lo: 0.0, hi: 10.0 }; "x average wage";
            "Pay of heads relative to the average wage.";
            "负责人报酬相对平均工资的倍数。";
            "Assumption; reform floor 1.5 (essay 三.(三).4).";
        quit_rate: f64 = 0.075; Domain::Real { lo: 0.0, hi: 0.99 }; "per year";
            "Base quitting hazard of a worker with every driver at its reference.";
            "各驱动因素都处于参照水平时社区工作者的基础离职风险。";
            "Calibrated so the status quo gives ~18 %/year (Shenzhen: 17.6 % in 2011, 18.1 % in 2012).";
        first_year_factor: f64 = 2.2; Domain::Real { lo: 0.0, hi: 20.0 }; "x";
            "Hazard multiplier in the first 12 months of tenure.";
            "任职头 12 个月的离职风险倍数。";
            "About 29 % leave in their first year against ~18 % a year overall (Shenzhen).";
        pay_reference: f64 = 1.0; Domain::Real { lo: 0.0, hi: 10.0 }; "x average wage";
            "Pay ratio at which pay neither raises nor lowers the hazard.";
            "报酬既不提高也不降低离职风险时的报酬比。";
            "Assumption: the average wage is the outside benchmark.";
        weight_pay: f64 = 1.5; WEIGHT; "log-hazard per unit";
            "Log-hazard added per unit of pay below pay_reference (removed above it).";
            "报酬每低于 pay_reference 一个单位所增加的对数风险（高于时相应减少）。";
            "Beijing choice experiment: base pay retains; magnitude assumed.";
        weight_workload: f64 = 0.4; WEIGHT; "log-hazard per unit";
            "Log-hazard added per unit of workload above 1 (hours needed / hours free).";
            "工作负荷每超过 1 一个单位（所需工时 / 可用工时）所增加的对数风险。";
            "Essay 二.(一): heavy pushed-down load; magnitude assumed.";
        weight_college: f64 = 0.3; WEIGHT; "log-hazard";
            "Added log-hazard for college graduates (better outside options).";
            "大专及以上学历者增加的对数风险（外部机会更好）。";
            "Essay 二.(二): the best leave; assumed.";
        weight_certified: f64 = 0.3; WEIGHT; "log-hazard";
            "Added log-hazard for certified workers (better outside options).";
            "持证社工增加的对数风险（外部机会更好）。";
            "Assumption.";
        weight_male: f64 = 0.4; WEIGHT; "log-hazard";
            "Added log-hazard for men.";
            "男性增加的对数风险。";
            "2015-16 survey: men more likely to intend to leave.";
        weight_local: f64 = 0.5; WEIGHT; "log-hazard";
            "Log-hazard removed for local (属地) workers.";
            "属地工作者减少的对数风险。";
            "Essay 三.(三).4: localisation for retention; magnitude assumed.";
        exam_month: u32 = 7; Domain::Int { lo: 1, hi: 12 }; "month of year";
            "Month in which civil-service / public-institution exam results take workers away.";
            "公务员 / 事业单位考试结果公布、带走社区工作者的月份。";
            "Essay 二.(二): the best use the post as a springboard to 事业编制 / 公务员.";
        exam_pass_rate: f64 = 0.06; SHARE; "per year";
            "Chance that a top worker (college, certified, under 35) leaves in the exam season; others less.";
            "优秀工作者（大专、持证、35 岁以下）在考试季离开的概率；其他人较低。";
            "Assumption.";
        career_path: bool = false; Domain::Bool; "-";
            "Directed civil-service recruitment of good workers (定向招考).";
            "定向招考优秀社区工作者（职业发展通道）。";
            "Essay 三.(三).4.";
        career_attraction: f64 = 0.25; WEIGHT; "log-hazard";
            "Log-hazard removed for every worker when career_path is on (the post leads somewhere).";
            "career_path 开启时每名工作者减少的对数风险（岗位有前途）。";
            "Assumption.";
        directed_recruitment_rate: f64 = 0.04; SHARE; "per year";
            "Extra exam-season chance that a good worker is recruited away when career_path is on.";
            "career_path 开启时优秀工作者在考试季被定向录用的额外概率。";
            "Assumption: the career path takes talent too.";
        recruit_delay_months: f64 = 3.0; Domain::Real { lo: 0.0, hi: 60.0 }; "months";
            "Mean time to fill a vacancy (0: at once).";
            "填补空缺的平均时间（0：立即）。";
            "Assumption: public recruitment rounds (公开考录).";
        pool_male_share: f64 = 0.28; SHARE; "share";
            "Men among recruits.";
            "招聘对象中的男性比例。";
            "Set above the essay's 20 % (二.(二)) because men leave faster; keeps the stock near 20 %.";
        pool_local_share: f64 = 0.20; SHARE; "share";
            "Local (属地) people among recruits.";
            "招聘对象中的属地人员比例。";
            "Below the stock's 28 % because locals stay longer (essay 二.(二): under 30 %).";
        pool_college_share: f64 = 0.80; SHARE; "share";
            "College graduates among recruits.";
            "招聘对象中的大专及以上学历比例。";
            "Above the stock's 76 % (essay 二.(二)) because graduates leave faster.";
        pool_certified_share: f64 = 0.2; SHARE; "share";
            "Certified social workers among recruits.";
            "招聘对象中的持证社工比例。";
            "Assumption: below the workforce's 30 %, which grows on the job.";
        pool_young_share: f64 = 0.6; SHARE; "share";
            "Recruits under 35.";
            "招聘对象中 35 岁以下者比例。";
            "Assumption.";
        certification_rate: f64 = 0.04; SHARE; "per year";
            "Chance that an uncertified worker gains the certificate in a year, without allowance.";
            "未持证工作者在无津贴时一年内取得证书的概率。";
            "Assumption consistent with ~30 % certified (essay 二.(二)).";
        certificate_allowance: f64 = 0.0; Domain::Real { lo: 0.0, hi: 1e5 }; "RMB/month";
            "Allowance paid to certified workers (职称奖励津贴); raises their pay and the certification rate.";
            "发给持证社工的职称奖励津贴；提高其报酬和取证率。";
            "Essay 三.(三).4 lever; zero in the status quo.";
        allowance_effect: f64 = 2.0; Domain::Real { lo: 0.0, hi: 100.0 }; "per 1000 RMB/month";
            "Certification rate multiplier rise per 1000 RMB/month of allowance.";
            "每 1000 元/月津贴使取证率倍数提高的幅度。";
            "Assumption.";
        admin_share_core: f64 = 0.15; SHARE; "share of hours";
            "Administrative work that is the community's own.";
            "属于社区本身的行政事务。";
            "Assumption.";
        admin_share_pushed_down: f64 = 0.35; SHARE; "share of hours";
            "Tasks, ledgers and appraisals pushed down by departments.";
            "部门下派的任务、台账和考核。";
            "Essay 二.(一): heavy administrative load (行政化).";
        admin_share_duplicate_entry: f64 = 0.15; SHARE; "share of hours";
            "Entering the same data in several departments' software.";
            "在多个部门的软件中重复录入同一数据。";
            "Essay 二.(一): police and family-planning use different software.";
        work_admission: bool = false; Domain::Bool; "-";
            "Work-admission system (准入): pushed-down tasks need approval.";
            "工作准入制度：下派任务须经审批。";
            "Essay 三.(一).2.";
        admission_cut: f64 = 0.5; SHARE; "share";
            "Share of pushed-down work the admission system removes.";
            "准入制度削减的下派工作比例。";
            "Assumption.";
        integrated_platform: bool = false; Domain::Bool; "-";
            "Integrated information platform and e-ledgers: no duplicated entry.";
            "一体化信息平台与电子台账：不再重复录入。";
            "Essay 三.(四).3.";
        hours_per_household: f64 = 0.2; Domain::Real { lo: 0.0, hi: 100.0 }; "hours/household/month";
            "Casework hours a household needs; workload = needed / free hours.";
            "每户所需的个案工作时间；工作负荷 = 所需工时 / 可用工时。";
            "Assumption.";
        three_in_one_linkage: f64 = 0.3; SHARE; "0-1";
            "Strength of the residents' committee + owners' committee + firm linkage (三位一体) through which workers mediate.";
            "居委会、业委会和物业企业三位一体联动的强度，社区工作者借此开展调解。";
            "Essay 三.(三).3; weak in the status quo (assumed).";
        mediation_time_share: f64 = 0.25; SHARE; "share";
            "Share of free hours workers can give to owner-firm mediation.";
            "社区工作者可用于业主与物业纠纷调解的可用工时比例。";
            "Assumption.";
        mediation_hours_per_household: f64 = 0.05; Domain::Real { lo: 0.0, hi: 100.0 }; "hours/household/month";
            "Mediation hours needed to settle owner-firm disputes.";
            "调解业主与物业纠纷所需的调解时间。";
            "Assumption.";
        dispute_loss: f64 = 0.10; SHARE; "share";
            "Share of the service owners do not perceive where disputes go unmediated.";
            "纠纷未获调解时业主感受不到的服务比例。";
            "Assumption; the coupling to the fee cycle (model brief §4).";
        knowledge_months: f64 = 12.0; Domain::Real { lo: 0.1, hi: 600.0 }; "months";
            "Time constant for a new worker to learn who in the patch is vulnerable.";
            "新工作者了解片区内谁是困难户所需的时间常数。";
            "Assumption.";
        local_head_start: f64 = 0.5; SHARE; "share";
            "Knowledge a local worker has on the first day.";
            "属地工作者上岗第一天已掌握的情况。";
            "Assumption: locals know the neighbourhood.";
        initial_male_share: f64 = 0.2; SHARE; "share";
            "Men in the workforce at the start.";
            "初始时工作人员中的男性比例。";
            "Essay 二.(二): about 20 %.";
        initial_local_share: f64 = 0.28; SHARE; "share";
            "Local workers at the start.";
            "初始时的属地工作者比例。";
            "Essay 二.(二): under 30 %.";
        initial_college_share: f64 = 0.76; SHARE; "share";
            "College graduates at the start.";
            "初始时的大专及以上学历比例。";
            "Essay 二.(二): 76 %.";
        initial_certified_share: f64 = 0.30; SHARE; "share";
            "Certified workers at the start.";
            "初始时的持证社工比例。";
            "Essay 二.(二): about 30 %.";
        initial_mean_tenure_months: f64 = 75.0; Domain::Real { lo: 0.0, hi: 600.0 }; "months";
            "Mean tenure at the start (exponential).";
            "初始时的平均任职时间（指数分布）。";
            "Assumption near the steady state of the status quo.";
        platform_cost_per_household: f64 = 1.0; Domain::Real { lo: 0.0, hi: 1e4 }; "RMB/household/month";
            "Public cost of the integrated platform when on.";
            "开启一体化平台时的公共支出。";
            "Assumption.";
        admission_cost_per_community: f64 = 2000.0; Domain::Real { lo: 0.0, hi: 1e7 }; "RMB/community/month";
            "Public cost of running the admission system when on (the leading group's review of tasks); the funding that follows admitted tasks is funding_follows_tasks.";
            "开启准入制度时的运行公共支出（领导小组审核任务）；随准入任务下拨的经费见 funding_follows_tasks。";
            "Assumption (essay 三.(一).2: 报区县(市)城乡社区建设领导小组审核批准).";
        linkage_cost_per_compound: f64 = 1000.0; Domain::Real { lo: 0.0, hi: 1e7 }; "RMB/compound/month";
            "Public cost of linkage at full strength (pro rata to three_in_one_linkage).";
            "联动达到满强度时的公共支出（按 three_in_one_linkage 比例计）。";
            "Assumption.";
        assistants_per_community: f64 = 4.0; Domain::Real { lo: 0.0, hi: 200.0 }; "assistants";
            "Assistants (协管员) that departments place in each community (public security, urban management, labour and social security ...); in the status quo they do only their department's tasks.";
            "各部门在每个社区安排的协管员（公安、城管、劳动保障……）；现状下他们只做本部门的工作。";
            "Essay 三.(二).2 and 三.(三).4 name them (各类协管人员); the count is a guess.";
        assistants_integrated: bool = false; Domain::Bool; "-";
            "Assistants integrated into the worker system (一岗多能, 多网多岗合一): the hours their department does not keep join the workers' pool for casework and mediation.";
            "协管员纳入社区工作者体系（一岗多能，多网多岗合一）：部门不占用的工时并入工作人员的个案与调解工时。";
            "Essay 三.(三).4 lever.";
        assistant_department_share: f64 = 0.5; SHARE; "share of hours";
            "Share of an integrated assistant's hours still spent on the department's own tasks (一员多责).";
            "纳入后协管员仍用于本部门事务的工时比例（一员多责）。";
            "Assumption.";
        assistant_pay_ratio: f64 = 0.5; Domain::Real { lo: 0.0, hi: 10.0 }; "x average wage";
            "Assistants' pay before integration (paid by their departments in every scenario); integration tops it up to pay_ratio_staff.";
            "纳入前协管员的报酬（各情景中都由其部门支付）；纳入后补足到 pay_ratio_staff。";
            "Assumption: 协管员 are paid well below community workers.";
        assistant_management_cost: f64 = 300.0; Domain::Real { lo: 0.0, hi: 1e6 }; "RMB/assistant/month";
            "Management and training of an integrated assistant by the community.";
            "社区对纳入的协管员的管理与培训费用。";
            "Assumption.";
        grid_bonus: f64 = 0.0; Domain::Real { lo: 0.0, hi: 1e5 }; "RMB/month";
            "Performance bonus to each staff worker (not heads) for the grid patch they cover (网格包片联户专项绩效奖励); paid in full, retains like bonus_retention x base pay.";
            "按所负责网格片区发给每名工作人员（不含负责人）的网格包片联户专项绩效奖励；全额发放，留人效果相当于 bonus_retention × 基本工资。";
            "Essay 三.(三).4 lever; zero in the status quo.";
        bonus_retention: f64 = 0.5; SHARE; "per RMB of base pay";
            "Retention effect of one RMB of performance bonus relative to one RMB of base pay.";
            "一元绩效奖励相对一元基本工资的留人效果。";
            "Beijing choice experiment: base pay retains better than performance pay (model brief §8); 0.5 assumed.";
        dual_appraisal: bool = false; Domain::Bool; "-";
            "Appraisal on results and residents' satisfaction (工作实绩和群众满意度双重考核): workers turn hours toward residents.";
            "工作实绩和群众满意度双重考核：工作者把工时转向居民。";
            "Essay 三.(三).4 lever.";
        appraisal_focus: f64 = 0.2; Domain::Real { lo: 0.0, hi: 5.0 }; "share";
            "Under dual appraisal the mediation time share is x (1 + this) (at most 1) and workers learn who is vulnerable (1 + this) times as fast.";
            "双重考核下调解工时比例乘以 (1 + 此值)（至多为 1），了解困难户的速度提高到 (1 + 此值) 倍。";
            "Assumption.";
        appraisal_cost_per_community: f64 = 1500.0; Domain::Real { lo: 0.0, hi: 1e7 }; "RMB/community/month";
            "Public cost of the residents' satisfaction survey and appraisal when dual_appraisal is on.";
            "开启 dual_appraisal 时居民满意度调查与考核的公共支出。";
            "Assumption.";
        annual_training: bool = false; Domain::Bool; "-";
            "Annual training of 两委 members and workers (年度例训).";
            "两委成员和社区工作者的年度例训。";
            "Essay 三.(三).4 lever.";
        training_certification_effect: f64 = 0.5; Domain::Real { lo: 0.0, hi: 100.0 }; "x";
            "With annual training the certification rate is x (1 + this).";
            "有年度例训时取证率乘以 (1 + 此值)。";
            "Assumption.";
        training_learning_effect: f64 = 0.5; Domain::Real { lo: 0.0, hi: 100.0 }; "x";
            "With annual training workers climb the productivity curve and learn who is vulnerable (1 + this) times as fast.";
            "有年度例训时工作者熟练和了解困难户的速度提高到 (1 + 此值) 倍。";
            "Assumption.";
        training_cost_per_worker: f64 = 3000.0; Domain::Real { lo: 0.0, hi: 1e6 }; "RMB/worker/year";
            "Cost of annual training per employed worker.";
            "每名在岗工作者的年度例训费用。";
            "Assumption: a few days' course a year.";
        funding_follows_tasks: bool = false; Domain::Bool; "-";
            "Pushed-down tasks bring the funding that pays for their hours (费随事转): paid extra hours take over funded_task_share of the pushed-down share of workers' hours, at staff pay.";
            "费随事转：下派任务带来支付其工时的经费，按工作人员报酬支付的额外工时承担下派工时中 funded_task_share 的部分。";
            "Essay 三.(一).2 lever.";
        funded_task_share: f64 = 1.0; SHARE; "share";
            "Share of the pushed-down hours the task funding pays for.";
            "任务经费覆盖的下派工时比例。";
            "Essay 三.(一).2 (提供必要工作经费); full funding assumed.";
        small_community_households: u32 = 1500; Domain::Int { lo: 0, hi: 50_000 }; "households";
            "Communities (a merged pair counts its two halves) below this get small_community_extra_positions.";
            "户数低于此值的社区（合并的一对按两半分别计）获得 small_community_extra_positions。";
            "Essay 三.(三).4: 1500户以下 ... 可适当增配人员.";
        small_community_extra_positions: u32 = 0; Domain::Int { lo: 0, hi: 20 }; "positions";
            "Extra staff positions in communities below small_community_households.";
            "户数低于 small_community_households 的社区增加的工作人员编制。";
            "Essay 三.(三).4 lever; zero in the status quo.";
        weight_complaints: f64 = 1.0; WEIGHT; "log-hazard per unit";
            "Log-hazard added per unit of remembered complaints (share of the vulnerable needing help in an emergency who were not helped in time).";
            "记忆中的投诉每增加一个单位所增加的对数风险（突发事件中需救助却未及时获救的困难户比例）。";
            "Essay 二.(三): unhelped residents vent complaints on the community; magnitude assumed.";
        complaint_memory_months: f64 = 6.0; Domain::Real { lo: 0.1, hi: 600.0 }; "months";
            "Time constant over which remembered complaints fade (e^(-1/this) a month).";
            "记忆中的投诉消退的时间常数（每月乘以 e^(-1/此值)）。";
            "Assumption.";
    }
}

section! {
    /// Emergencies (typhoons, floods) and how the community mobilises (应急动员).
    Mobilisation (_k) {
        typhoons_per_year: f64 = 0.5; Domain::Real { lo: 0.0, hi: 12.0 }; "events/year";
            "Mean number of seasonal typhoon/flood events (Poisson), each in July-October.";
            "季节性台风 / 洪涝事件的年平均次数（泊松分布），均在 7-10 月。";
            "Ningbo is hit by a damaging typhoon every few years (e.g. Fitow, Oct 2013).";
        affected_share: f64 = 1.0; SHARE; "share of communities";
            "Share of communities a seasonal event reaches.";
            "季节性事件波及的社区比例。";
            "Assumption: a typhoon covers the city.";
        severity_low: f64 = 0.3; SHARE; "0-1";
            "Lowest severity of a seasonal event.";
            "季节性事件的最低严重程度。";
            "Assumption.";
        severity_high: f64 = 1.0; SHARE; "0-1";
            "Highest severity; severity is the share of vulnerable households that need a visit.";
            "最高严重程度；严重程度为需要上门探访的困难户比例。";
            "Fitow 2013: over 70 % of downtown Yuyao flooded.";
        horizon_hours: f64 = 24.0; Domain::Real { lo: 1.0, hi: 240.0 }; "hours";
            "How long an event's sub-simulation runs.";
            "一次事件的子模拟运行时长。";
            "Assumption.";
        step_minutes: f64 = 5.0; Domain::Real { lo: 0.1, hi: 60.0 }; "minutes";
            "Time step of the warning sub-simulation.";
            "预警子模拟的时间步长。";
            "Numerical choice; 1 minute reproduces the Bass curve within sampling error.";
        critical_window_hours: f64 = 6.0; Domain::Real { lo: 0.1, hi: 240.0 }; "hours";
            "Vulnerable residents helped within this many hours count as helped in time.";
            "在这么多小时内得到救助的困难居民算作及时获救。";
            "Assumption: warnings precede landfall by some hours.";
        handoffs: u32 = 3; Domain::Int { lo: 0, hi: 20 }; "hand-offs";
            "Offices the alert passes through before it reaches the community (district, street ...).";
            "预警到达社区前经过的层级数（区、街道……）。";
            "Essay 二.(一): the street as a 'second passer' (二传手); unified command cuts this.";
        handoff_minutes: f64 = 30.0; Domain::Real { lo: 0.0, hi: 600.0 }; "minutes";
            "Delay per hand-off.";
            "每经过一个层级的延迟。";
            "Assumption.";
        unified_command: bool = false; Domain::Bool; "-";
            "Unified emergency command platform: the alert reaches the community with one hand-off.";
            "统一应急指挥平台：预警只经过一个层级即到达社区。";
            "Essay 三.(二).4.";
        call_minutes: f64 = 5.0; Domain::Real { lo: 0.1, hi: 120.0 }; "minutes";
            "Time of one phone call down the chain (worker to grid leader to building leader).";
            "沿链条打一次电话的时间（工作者到网格长到楼栋长）。";
            "Telephone ring-down reaches most households in ~30 minutes (Rogers & Sorensen).";
        knock_minutes: f64 = 3.0; Domain::Real { lo: 0.1, hi: 120.0 }; "minutes";
            "Time a stairwell leader spends per door.";
            "楼道长每户花费的时间。";
            "Assumption.";
        elderly_leader_slowdown: f64 = 2.0; Domain::Real { lo: 1.0, hi: 10.0 }; "x";
            "How much slower elderly leaders and helpers are.";
            "老年楼长和帮手慢多少。";
            "Essay 二.(三): old compounds' residents have limited energy.";
        reading_delay_hours: f64 = 0.75; Domain::Real { lo: 0.01, hi: 48.0 }; "hours";
            "Mean delay before a group member reads a group message (exponential); elderly x3.";
            "群成员阅读群消息前的平均延迟（指数分布）；老年人 ×3。";
            "Assumption.";
        word_of_mouth_rate: f64 = 1.5; Domain::Real { lo: 0.0, hi: 100.0 }; "per hour";
            "Rate q at which a household with ties 1 learns from a fully warned building.";
            "邻里关系为 1 的住户从全楼已获预警中得知消息的速率 q。";
            "Bass (1969) imitation coefficient; assumed.";
        broadcast_rate: f64 = 0.0; Domain::Real { lo: 0.0, hi: 100.0 }; "per hour";
            "Rate p at which any household hears the alert from mass media (TV, radio, sirens).";
            "任一住户从大众媒体（电视、广播、警报）听到预警的速率 p。";
            "Bass innovation coefficient; off in the status quo (alerts reach homes through the community).";
        knock_rate: f64 = 6.0; Domain::Real { lo: 0.0, hi: 100.0 }; "households/hour";
            "Doors a warned volunteer knocks on per hour in their own building.";
            "已获预警的志愿者每小时在自己楼里敲门的户数。";
            "Assumption.";
        visit_hours: f64 = 1.5; Domain::Real { lo: 0.01, hi: 48.0 }; "hours";
            "Time an able helper needs to visit and help one vulnerable household.";
            "一名帮手探访并救助一户困难户所需的时间。";
            "Assumption.";
        grid_registration: f64 = 0.5; SHARE; "share";
            "Vulnerable households registered in the grid's records (网格包片联户).";
            "登记在网格档案中的困难户（网格包片联户）。";
            "Essay 三.(二).2 lever; status quo assumed.";
        neighbour_report: f64 = 0.5; SHARE; "share";
            "Chance that an unregistered, unknown vulnerable household is reported by warned neighbours (x ties).";
            "未登记、不为人知的困难户被已获预警的邻居报告的概率（× 邻里关系）。";
            "Assumption.";
        party_member_share: f64 = 0.0; SHARE; "share of households";
            "Households with an in-service party member registered at home who helps (在职党员进社区).";
            "有在职党员在居住地报到并提供帮助的住户（在职党员进社区）。";
            "Essay 三.(二).3 / 三.(四).1 lever; zero in the status quo.";
        drills_per_year: f64 = 0.0; Domain::Real { lo: 0.0, hi: 12.0 }; "drills/year";
            "Emergency drills; each cuts reading delays and leader times.";
            "应急演练次数；每次演练缩短阅读延迟和楼长用时。";
            "Essay 三.(二).4 lever.";
        drill_effect: f64 = 0.15; Domain::Real { lo: 0.0, hi: 1.0 }; "share per drill";
            "Speed-up per drill a year (delays divided by 1 + effect x drills), at most 4 drills counted.";
            "每年每次演练的提速（延迟除以 1 + 效果 × 演练次数），最多计 4 次演练。";
            "Assumption.";
        volunteer_quit_rate: f64 = 0.3; SHARE; "per year";
            "Yearly chance a volunteer stops.";
            "志愿者每年退出的概率。";
            "Assumption.";
        trust_shock: f64 = 0.25; SHARE; "0-1";
            "Trust a vulnerable household loses when not helped within the window.";
            "困难户未在时限内获救时失去的信任。";
            "Essay 二.(三): complaints turn on the community and government.";
        trust_spillover: f64 = 0.15; SHARE; "0-1";
            "Trust every household of a compound loses, times the compound's unhelped share.";
            "小区每户失去的信任，乘以该小区未获救比例。";
            "Essay 二.(三); assumption.";
        leader_cost: f64 = 200.0; Domain::Real { lo: 0.0, hi: 1e5 }; "RMB/leader/month";
            "Stipend of every grid, building or stairwell leader (the status quo's too; compare scenarios for the difference).";
            "每名网格长、楼栋长或楼道长的补贴（现状下也有；差异请对比情景）。";
            "Assumption.";
        drill_cost: f64 = 5000.0; Domain::Real { lo: 0.0, hi: 1e7 }; "RMB/community/drill";
            "Cost of one drill in a community.";
            "一个社区一次演练的费用。";
            "Assumption.";
        volunteer_support_cost: f64 = 20.0; Domain::Real { lo: 0.0, hi: 1e5 }; "RMB/volunteer/month";
            "Training, insurance and equipment per volunteer.";
            "每名志愿者的培训、保险和装备费用。";
            "Assumption.";
    }
}

section! {
    /// Community levers of essay section 三 outside the workforce, the firms and the
    /// mobilisation network: social organisations, residents' councils, one-stop service
    /// centres, comprehensive law enforcement, units sharing facilities (`society.rs`), and
    /// the persons behind a household for the volunteer target.
    Society (_k) {
        organisations_unfunded: f64 = 4.0; Domain::Real { lo: 0.0, hi: 100.0 }; "organisations/community";
            "Community social organisations (社区社会组织) a community has without public grants; their recruiting is already in the volunteer join rates.";
            "社区在没有公共资助时拥有的社区社会组织数；其招募作用已计入志愿者参与率。";
            "Assumption (range 2-8): the essay's target of >= 10 per community (三.(一).3) implies fewer in the status quo.";
        organisations_funded: f64 = 0.0; Domain::Real { lo: 0.0, hi: 100.0 }; "organisations/community";
            "Further organisations fostered by 公益创投 grants (6 reaches the essay's 10).";
            "由公益创投资助额外培育的组织数（6 个即达到文章的 10 个）。";
            "Essay 三.(一).3 lever; zero in the status quo.";
        organisation_grant: f64 = 1500.0; Domain::Real { lo: 0.0, hi: 1e6 }; "RMB/organisation/month";
            "Grant to each funded organisation (paid only while organisations_funded > 0).";
            "给每个受资助组织的资助（仅在 organisations_funded > 0 时支付）。";
            "Assumption: venture-philanthropy grants of tens of thousands of RMB a project-year.";
        purchased_hours_per_organisation: f64 = 0.0; Domain::Real { lo: 0.0, hi: 10_000.0 }; "hours/organisation/month";
            "Service hours the government buys from each organisation (花钱买服务) and residents receive.";
            "政府向每个组织购买（花钱买服务）、居民得到的服务时数。";
            "Essay 三.(二).3 lever; zero in the status quo.";
        service_hour_price: f64 = 60.0; Domain::Real { lo: 0.0, hi: 1e4 }; "RMB/hour";
            "Price of one purchased service hour.";
            "一个购买服务小时的价格。";
            "Assumption near Ningbo home-care service prices (tens of RMB an hour).";
        service_substitution: f64 = 0.25; SHARE; "share";
            "Share of purchased service hours that replace workers' casework (the rest is service residents did not get before).";
            "购买的服务时数中替代社区工作者个案工作的比例（其余是居民此前得不到的服务）。";
            "Assumption.";
        organisation_volunteer_boost: f64 = 0.05; Domain::Real { lo: 0.0, hi: 10.0 }; "per organisation";
            "Volunteer join rates are multiplied by 1 + this x organisations_funded.";
            "志愿者参与率乘以 1 + 此值 × organisations_funded。";
            "Essay 三.(二).3: organisations as the backbone of volunteer teams; magnitude assumed.";
        councils_share: f64 = 0.0; SHARE; "share of compounds";
            "Old compounds and resettlement estates with a residents' council (住户理事会, building self-governance).";
            "设有住户理事会（楼栋自治）的老旧小区和拆迁安置小区比例。";
            "Essay 三.(三).2 lever; zero in the status quo.";
        council_settle_share: f64 = 0.3; SHARE; "share";
            "Share of the disputes workers leave unmediated that a council settles itself.";
            "社区工作者未调解的纠纷中由理事会自行化解的比例。";
            "Assumption.";
        council_trust_gain: f64 = 0.01; SHARE; "per month";
            "Share of the gap to full trust that households of a council compound close each month.";
            "设有理事会的小区住户每月向完全信任靠拢的比例。";
            "Assumption: with trust_reversion 0.02 it lifts their trust from 0.60 towards 0.73.";
        council_stipend: f64 = 1000.0; Domain::Real { lo: 0.0, hi: 1e6 }; "RMB/council/month";
            "Stipends and running costs of one council.";
            "一个理事会的补贴与运行费用。";
            "Assumption: a few hundred RMB for each of a handful of members.";
        service_centres: f64 = 0.0; SHARE; "0-1";
            "Communities with a one-stop public service centre (社区公共服务中心 / 邻里中心); each community gets this share of the effect and cost.";
            "设有一站式社区公共服务中心 / 邻里中心的社区；每个社区获得此比例的效果和成本。";
            "Essay 三.(二).1 lever; zero in the status quo.";
        centre_casework_cut: f64 = 0.15; SHARE; "share of casework hours";
            "Casework hours per household the centre's one-stop handling saves workers.";
            "服务中心一站式办理为工作者节省的每户个案工时。";
            "Assumption.";
        centre_cost: f64 = 15_000.0; Domain::Real { lo: 0.0, hi: 1e7 }; "RMB/community/month";
            "Running cost of a centre: two counter staff and a 30-50 m2 hall.";
            "服务中心的运行成本：两名窗口人员和 30-50 平方米的大厅。";
            "Assumption; hall sizes from essay 三.(二).1.";
        law_enforcement: f64 = 0.0; SHARE; "0-1";
            "Comprehensive law enforcement reaching the community (综合执法进社区); each community gets this share of the effect and cost.";
            "综合执法进社区；每个社区获得此比例的效果和成本。";
            "Essay 三.(四).2 lever; zero in the status quo.";
        enforcement_dispute_cut: f64 = 0.3; SHARE; "share of disputes";
            "Disputes (illegal building, parking, encroachment) that enforcement removes before they need mediation.";
            "执法在需要调解之前消除的纠纷（违建、停车、占道）。";
            "Assumption.";
        law_enforcement_cost: f64 = 10_000.0; Domain::Real { lo: 0.0, hi: 1e7 }; "RMB/community/month";
            "Enforcement officers' time given to one community.";
            "执法人员投入一个社区的时间。";
            "Assumption: about one officer's cost.";
        unit_facilities: f64 = 0.0; SHARE; "0-1";
            "Communities whose resident units (驻区单位) open their facilities and send staff in emergencies; each gets this share.";
            "驻区单位开放设施并在突发事件中派员的社区；每个社区获得此比例。";
            "Essay 三.(四).1 lever; zero in the status quo.";
        facilities_trust_gain: f64 = 0.002; SHARE; "per month";
            "Share of the gap to full trust that households close each month where facilities are open.";
            "设施开放处住户每月向完全信任靠拢的比例。";
            "Assumption: a slight effect.";
        unit_helpers: f64 = 10.0; Domain::Real { lo: 0.0, hi: 1000.0 }; "helpers/community";
            "Units' staff who help the vulnerable in an emergency where facilities are shared.";
            "在共享设施处突发事件中帮助困难户的单位人员。";
            "Assumption: a few units, two or three staff each.";
        unit_response_hours: f64 = 1.0; Domain::Real { lo: 0.0, hi: 48.0 }; "hours";
            "Delay after the community has the alert before units' staff start visiting.";
            "社区收到预警后单位人员开始探访前的延迟。";
            "Assumption.";
        unit_facility_cost: f64 = 5000.0; Domain::Real { lo: 0.0, hi: 1e7 }; "RMB/community/month";
            "Cost to the units of opening facilities and sending staff; borne by them, reported in unit_contribution, not in public_cost.";
            "单位开放设施和派员的成本；由单位承担，计入 unit_contribution，不计入 public_cost。";
            "Essay 三.(四).1 puts it on the units; amount assumed.";
        persons_per_household: f64 = 2.35; Domain::Real { lo: 1.0, hi: 10.0 }; "persons";
            "Residents per occupied dwelling, for the volunteer target counted in persons.";
            "每套有人居住住房的居民人数，用于按人数计算的志愿者目标。";
            "Zhejiang 7th census (2020): about 2.35 per family household (not re-checked; 2.62 in 2010, Zhejiang Daily 2011-05-09).";
    }
}

/// Most time steps one warning sub-simulation may take (`horizon_hours` x 60 /
/// `step_minutes`): its step budget. The default is 288; one-minute steps over a day are
/// 1,440.
pub const MAX_WARNING_STEPS: f64 = 20_000.0;

/// A fully resolved scenario: every parameter with a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub run: Run,
    pub world: World,
    /// Per compound kind, indexed by [`CompoundKind::index`]; read with [`Params::kind`].
    pub kinds: [Kind; CompoundKind::COUNT],
    pub property: Property,
    pub owners: Owners,
    pub workforce: Workforce,
    pub mobilisation: Mobilisation,
    pub society: Society,
    /// Scheduled events (`[[events]]` in a scenario), in addition to seasonal ones.
    pub events: Vec<ScheduledEvent>,
    /// Changes of keys from a month of the run (`[[changes]]`), see [`changes`].
    pub changes: Vec<Change>,
}

/// An event fixed in the scenario: `[[events]]` with `month`, `severity`, `communities`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledEvent {
    /// Month of the run, from 1.
    pub month: u32,
    /// 0-1: share of vulnerable households that need a visit.
    pub severity: f64,
    /// Community ids reached; empty means all.
    pub communities: Vec<u32>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            run: Run::default_for(0),
            world: World::default_for(0),
            kinds: [
                Kind::default_for(0),
                Kind::default_for(1),
                Kind::default_for(2),
            ],
            property: Property::default_for(0),
            owners: Owners::default_for(0),
            workforce: Workforce::default_for(0),
            mobilisation: Mobilisation::default_for(0),
            society: Society::default_for(0),
            events: Vec::new(),
            changes: Vec::new(),
        }
    }
}

/// Section names in the order they are documented and written.
pub const SECTIONS: [&str; 10] = [
    "run",
    "world",
    CompoundKind::NewEstate.key(),
    CompoundKind::OldCompound.key(),
    CompoundKind::Resettlement.key(),
    "property",
    "owners",
    "workforce",
    "mobilisation",
    "society",
];

fn section_fields(section: &str) -> Option<&'static [FieldSpec]> {
    match section {
        "run" => Some(Run::FIELDS),
        "world" => Some(World::FIELDS),
        s if CompoundKind::from_key(s).is_some() => Some(Kind::FIELDS),
        "property" => Some(Property::FIELDS),
        "owners" => Some(Owners::FIELDS),
        "workforce" => Some(Workforce::FIELDS),
        "mobilisation" => Some(Mobilisation::FIELDS),
        "society" => Some(Society::FIELDS),
        _ => None,
    }
}

impl Params {
    /// The parameters of compound kind `k`.
    pub fn kind(&self, k: CompoundKind) -> &Kind {
        &self.kinds[k.index()]
    }

    /// Every key with its documentation and default, in a stable order.
    pub fn specs() -> Vec<ParamSpec> {
        let defaults = Params::default();
        let mut out = Vec::new();
        for section in SECTIONS {
            for f in section_fields(section).unwrap_or(&[]) {
                let key = format!("{section}.{}", f.name);
                let default = defaults.get(&key).expect("declared key has a value");
                out.push(ParamSpec {
                    key,
                    domain: f.domain,
                    unit: f.unit,
                    doc: f.doc,
                    zh: f.zh,
                    source: f.source,
                    default,
                });
            }
        }
        out
    }

    /// Whether `section` is a known section name.
    pub fn is_section(section: &str) -> bool {
        section_fields(section).is_some()
    }

    /// Sets `section.field`. Errors say what is allowed.
    pub fn set(&mut self, key: &str, v: &toml::Value) -> Result<(), SetError> {
        let (section, field) = key.split_once('.').ok_or(SetError::Unknown)?;
        let found = match section {
            "run" => self.run.set_field(field, v),
            "world" => self.world.set_field(field, v),
            s if CompoundKind::from_key(s).is_some() => {
                let k = CompoundKind::from_key(s).expect("checked");
                self.kinds[k.index()].set_field(field, v)
            }
            "property" => self.property.set_field(field, v),
            "owners" => self.owners.set_field(field, v),
            "workforce" => self.workforce.set_field(field, v),
            "mobilisation" => self.mobilisation.set_field(field, v),
            "society" => self.society.set_field(field, v),
            _ => return Err(SetError::Unknown),
        };
        match found {
            Ok(true) => Ok(()),
            Ok(false) => Err(SetError::Unknown),
            Err(msg) => Err(SetError::Invalid(msg)),
        }
    }

    /// Reads `section.field` as a TOML value.
    pub fn get(&self, key: &str) -> Option<toml::Value> {
        let (section, field) = key.split_once('.')?;
        match section {
            "run" => self.run.get_field(field),
            "world" => self.world.get_field(field),
            s if CompoundKind::from_key(s).is_some() => {
                let k = CompoundKind::from_key(s).expect("checked");
                self.kinds[k.index()].get_field(field)
            }
            "property" => self.property.get_field(field),
            "owners" => self.owners.get_field(field),
            "workforce" => self.workforce.get_field(field),
            "mobilisation" => self.mobilisation.get_field(field),
            "society" => self.society.get_field(field),
            _ => None,
        }
    }

    /// Every value as a TOML table of sections (for the manifest and for re-running).
    pub fn to_table(&self) -> toml::Table {
        let mut root = toml::Table::new();
        for section in SECTIONS {
            let mut t = toml::Table::new();
            for f in section_fields(section).unwrap_or(&[]) {
                let key = format!("{section}.{}", f.name);
                if let Some(v) = self.get(&key) {
                    t.insert(f.name.to_string(), v);
                }
            }
            root.insert(section.to_string(), toml::Value::Table(t));
        }
        if !self.events.is_empty() {
            let events = self
                .events
                .iter()
                .map(|e| {
                    let mut t = toml::Table::new();
                    t.insert("month".into(), toml::Value::Integer(i64::from(e.month)));
                    t.insert("severity".into(), toml::Value::Float(e.severity));
                    t.insert(
                        "communities".into(),
                        toml::Value::Array(
                            e.communities
                                .iter()
                                .map(|c| toml::Value::Integer(i64::from(*c)))
                                .collect(),
                        ),
                    );
                    toml::Value::Table(t)
                })
                .collect();
            root.insert("events".into(), toml::Value::Array(events));
        }
        if !self.changes.is_empty() {
            let changes = self.changes.iter().map(Change::to_toml).collect();
            root.insert("changes".into(), toml::Value::Array(changes));
        }
        root
    }

    /// Checks that hold between keys. For the first failure returns the keys involved (the
    /// one to blame first) and the message, so an error can point at whichever of them the
    /// user set.
    pub fn check_consistency(&self) -> Result<(), (Vec<String>, String)> {
        let w = &self.world;
        let sum = w.share_new_estate + w.share_old_compound + w.share_resettlement;
        if (sum - 1.0).abs() > 1e-6 {
            return Err((
                vec![
                    "world.share_new_estate".into(),
                    "world.share_old_compound".into(),
                    "world.share_resettlement".into(),
                ],
                format!(
                    "world.share_new_estate + share_old_compound + share_resettlement must sum to 1; they sum to {sum}"
                ),
            ));
        }
        for (kind, k) in CompoundKind::ALL.into_iter().zip(&self.kinds) {
            let s = kind.key();
            if k.owner_occupied_share + k.rented_share > 1.0 + 1e-9 {
                return Err((
                    vec![
                        format!("{s}.rented_share"),
                        format!("{s}.owner_occupied_share"),
                    ],
                    format!(
                        "{s}.owner_occupied_share + rented_share must be at most 1 (the rest is vacant); they sum to {}",
                        k.owner_occupied_share + k.rented_share
                    ),
                ));
            }
            if k.young_head_share + k.elderly_head_share > 1.0 + 1e-9 {
                return Err((
                    vec![
                        format!("{s}.elderly_head_share"),
                        format!("{s}.young_head_share"),
                    ],
                    format!(
                        "{s}.young_head_share + elderly_head_share must be at most 1 (the rest is middle-aged); they sum to {}",
                        k.young_head_share + k.elderly_head_share
                    ),
                ));
            }
            if k.households_per_stairwell > k.households_per_building {
                return Err((
                    vec![
                        format!("{s}.households_per_stairwell"),
                        format!("{s}.households_per_building"),
                    ],
                    format!(
                        "{s}.households_per_stairwell ({}) must not exceed households_per_building ({})",
                        k.households_per_stairwell, k.households_per_building
                    ),
                ));
            }
        }
        let wf = &self.workforce;
        let admin =
            wf.admin_share_core + wf.admin_share_pushed_down + wf.admin_share_duplicate_entry;
        if admin > 0.95 {
            return Err((
                vec![
                    "workforce.admin_share_pushed_down".into(),
                    "workforce.admin_share_core".into(),
                    "workforce.admin_share_duplicate_entry".into(),
                ],
                format!(
                    "workforce.admin_share_core + admin_share_pushed_down + admin_share_duplicate_entry must be at most 0.95 (workers need some free hours); they sum to {admin}"
                ),
            ));
        }
        let m = &self.mobilisation;
        let steps = m.horizon_hours * 60.0 / m.step_minutes;
        if steps > MAX_WARNING_STEPS {
            return Err((
                vec![
                    "mobilisation.step_minutes".into(),
                    "mobilisation.horizon_hours".into(),
                ],
                format!(
                    "mobilisation.horizon_hours x 60 / step_minutes gives {} time steps per warning; at most {MAX_WARNING_STEPS} are allowed (the warning's step budget: each step visits every household still waiting)",
                    steps.ceil()
                ),
            ));
        }
        if m.severity_low > m.severity_high {
            return Err((
                vec![
                    "mobilisation.severity_low".into(),
                    "mobilisation.severity_high".into(),
                ],
                format!(
                    "mobilisation.severity_low ({}) must not exceed severity_high ({})",
                    m.severity_low, m.severity_high
                ),
            ));
        }
        let months = self.run.years * 12;
        for (i, e) in self.events.iter().enumerate() {
            if e.month < 1 || e.month > months {
                return Err((
                    vec!["events".into()],
                    format!(
                        "events[{i}].month is {}; it must be from 1 to {months} (run.years x 12)",
                        e.month
                    ),
                ));
            }
            if let Some(c) = e.communities.iter().find(|c| **c >= self.world.communities) {
                return Err((
                    vec!["events".into()],
                    format!(
                        "events[{i}].communities names community {c}; ids run from 0 to {}",
                        self.world.communities - 1
                    ),
                ));
            }
        }
        let o = &self.owners;
        if o.unconditional_share + o.free_rider_share > 1.0 + 1e-9 {
            return Err((
                vec![
                    "owners.free_rider_share".into(),
                    "owners.unconditional_share".into(),
                ],
                format!(
                    "owners.unconditional_share + free_rider_share must be at most 1; they sum to {}",
                    o.unconditional_share + o.free_rider_share
                ),
            ));
        }
        if o.threshold_low > o.threshold_high {
            return Err((
                vec![
                    "owners.threshold_low".into(),
                    "owners.threshold_high".into(),
                ],
                format!(
                    "owners.threshold_low ({}) must not exceed threshold_high ({})",
                    o.threshold_low, o.threshold_high
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
