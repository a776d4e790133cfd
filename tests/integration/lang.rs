//! `--lang zh|en`: Chinese plots and reports with the embedded CJK font, the terminal in
//! Chinese, one unit per metric in the terminal, the plots and the report, and report titles
//! that show the overrides that ran.

use std::fs;
use std::path::Path;

use shequ::model::metrics::M;

use crate::util::{SMALL, path_str, run_ok, text};

/// A short run ([`SMALL`]) of a scenario with one scheduled typhoon (events to plot).
fn small_run(dir: &Path, extra: &[&str]) -> String {
    let scenario = dir.join("typhoon.toml");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    fs::write(
        &scenario,
        format!(
            "name = \"typhoon\"\nextends = {:?}\n[mobilisation]\ntyphoons_per_year = 0.0\n\
             [[events]]\nmonth = 3\nseverity = 1.0\n",
            base.to_str().unwrap()
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let mut args = vec!["run", path_str(&scenario), "--out", path_str(&out)];
    args.extend_from_slice(&SMALL);
    args.extend_from_slice(extra);
    text(&run_ok(&args).stdout)
}

#[test]
fn zh_report_and_plots_are_chinese_with_the_embedded_font() {
    let tmp = tempfile::tempdir().unwrap();
    let glance = small_run(tmp.path(), &["--lang", "zh"]);
    let out = tmp.path().join("out");
    // The terminal glance: Chinese heads and units from the registry.
    assert!(glance.contains("物业费收缴率"), "{glance}");
    assert!(glance.contains("每年"), "firm exits per year: {glance}");

    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"zh\">"));
    assert!(html.contains("@font-face{font-family:'shequ-cjk';src:url(data:font/woff2;base64,"));
    for zh in [
        "本次运行",
        "运行结束时的主要指标",
        "物业费收缴率",
        "应急动员",
        "图表",
    ] {
        assert!(html.contains(zh), "report lacks {zh}");
    }

    // A plot: a non-empty PNG, an SVG whose title is the Chinese term, with the font inside.
    let plots = out.join("plots");
    let png = fs::read(plots.join("fee_collection_rate.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000);
    let svg = fs::read_to_string(plots.join("fee_collection_rate.svg")).unwrap();
    let title = svg
        .split("<text")
        .nth(1)
        .and_then(|t| t.split("</text>").next());
    assert!(
        title.is_some_and(|t| t.trim_end().ends_with("物业费收缴率")),
        "Chinese title in the SVG: {title:?}"
    );
    assert!(svg.contains("font-family=\"shequ-cjk\""));
    assert!(svg.contains("@font-face{font-family:'shequ-cjk'"));
    // The censored help times: Chinese survival curves with the share never helped.
    let svg = fs::read_to_string(plots.join("mobilisation_help_t90.svg")).unwrap();
    assert!(
        svg.contains("老旧小区") && svg.contains("从未"),
        "kinds and never"
    );

    // English is the default: lang="en", the Latin font, no Chinese title.
    let en = tempfile::tempdir().unwrap();
    small_run(en.path(), &["--quiet"]);
    let html = fs::read_to_string(en.path().join("out/report.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("The run"));
    let svg = fs::read_to_string(en.path().join("out/plots/fee_collection_rate.svg")).unwrap();
    assert!(svg.contains("Fee collection rate") && !svg.contains("shequ-cjk"));

    // `shequ plot DIR --lang zh` redraws an English result in Chinese.
    run_ok(&["plot", path_str(&en.path().join("out")), "--lang", "zh"]);
    let html = fs::read_to_string(en.path().join("out/report.html")).unwrap();
    assert!(html.contains("<html lang=\"zh\">") && html.contains("本次运行"));

    // Shares start at 0 (a tick 0.0) unless --zoom asks for the data's range.
    let zero_tick = |dir: &Path| {
        fs::read_to_string(dir.join("plots/fee_collection_rate.svg"))
            .unwrap()
            .contains("\n0.0\n</text>")
    };
    assert!(zero_tick(&en.path().join("out")));
    run_ok(&["plot", path_str(&en.path().join("out")), "--zoom"]);
    assert!(!zero_tick(&en.path().join("out")));
}

#[test]
fn a_set_run_is_titled_with_its_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    small_run(
        tmp.path(),
        &["--set", "property.guided_price=2.0", "--quiet"],
    );
    let html = fs::read_to_string(tmp.path().join("out/report.html")).unwrap();
    let title = html
        .split("<h1>")
        .nth(1)
        .and_then(|h| h.split("</h1>").next())
        .unwrap();
    assert!(
        title.contains("property.guided_price=2.0") && title.contains("world.communities=4"),
        "{title}"
    );
}

/// One unit per metric: firm exits and public cost read the same in the compare table on
/// the terminal, the axis of the differences chart and the report (per year, million
/// RMB/year), and a flow's value is its monthly mean times the display factor.
#[test]
fn units_agree_between_terminal_plots_and_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let mut args = vec![
        "compare",
        "scenarios/baseline.toml",
        "scenarios/pay_floor.toml",
        "--out",
        path_str(&out),
    ];
    args.extend_from_slice(&SMALL);
    let o = run_ok(&args);
    let terminal = text(&o.stdout);
    let line = |name: &str| -> String {
        terminal
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} line in {terminal}"))
            .to_string()
    };
    let cost = line(M::PublicCost.name());
    assert!(cost.contains("million RMB/year"), "{cost}");
    assert!(line(M::FirmExits.name()).contains("per year"));
    // The base's public cost on the terminal is 12e-6 times its monthly mean in
    // comparison.csv.
    let csv = fs::read_to_string(out.join("comparison.csv")).unwrap();
    let monthly: f64 = csv
        .lines()
        .find(|l| l.starts_with("public_cost,last_year,pay_floor,"))
        .and_then(|l| l.split(',').nth(5))
        .and_then(|v| v.parse().ok())
        .expect("public_cost row");
    let shown: f64 = cost
        .split_whitespace()
        .nth(3)
        .and_then(|v| v.parse().ok())
        .expect("base value");
    assert!(
        (shown - monthly * 12e-6).abs() < 0.0015,
        "{shown} vs {monthly}"
    );
    let svg = fs::read_to_string(out.join("plots/differences_other.svg")).unwrap();
    assert!(svg.contains("difference (million RMB/year)") && svg.contains("difference (per year)"));
    let svg = fs::read_to_string(out.join("plots/firm_exits.svg")).unwrap();
    assert!(svg.contains("(per year)"));
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<td>million RMB/year</td>") && html.contains("<td>per year</td>"));
}
