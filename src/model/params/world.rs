//! The run, the world's size and layout, and what differs between compound kinds: the
//! `[run]`, `[world]` and per-kind (`[new_estate]`, `[old_compound]`, `[resettlement]`)
//! sections of a scenario.

use super::SHARE;
use super::domain::Domain;

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
