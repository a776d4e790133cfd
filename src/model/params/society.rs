//! The society levers: the `[society]` section.

use super::SHARE;
use super::domain::Domain;

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
