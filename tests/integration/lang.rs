//! `--lang zh|en`: Chinese plots and reports with the embedded CJK font, the terminal in
//! Chinese, one unit per metric in the terminal, the plots and the report, and report titles
//! that show the overrides that ran.

use std::fs;
use std::path::Path;

use shequ::model::metrics::M;

use crate::util::{ROOT, SMALL, TINY, col, path_str, read_csv, run, run_ok, text, with};

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

/// Words a Chinese page may keep in Latin letters: the program, units and abbreviations,
/// and the names of methods and of the authors the notes cite.
const LATIN_ALLOWED: &[&str] = &[
    "shequ",
    "RMB",
    "CI",
    "PNG",
    "SVG",
    "git",
    "sqrt",
    "ceil",
    "sd",
    "Sobol",
    "Morris",
    "SALib",
    "Saltelli",
    "Vernon",
    "Andrianakis",
    "Pukelsheim",
    "et",
    "al",
    "mu",
    "sigma",
    "Beta",
    "true",
    "false",
    "zh",
];

/// Command names, as the command line in a report shows them.
const COMMANDS: &[&str] = &["run", "compare", "sweep", "calibrate", "plot"];

/// The English left in `text`: every word of Latin letters (and hyphens) with three letters in
/// a row that is not in [`LATIN_ALLOWED`], a command or a metric's column name. Identifiers (`fee_collection_rate`,
/// `property.guided_price`), file names, paths, options and numbers contain `_ . / = :` or
/// digits and are not words.
fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "_./=:-*".contains(c)))
        .filter(|w| {
            w.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                && w.split('-').any(|p| p.len() >= 3)
                && !LATIN_ALLOWED.contains(w)
                && !COMMANDS.contains(w)
                && M::from_name(w).is_none()
                && !w.starts_with('-')
        })
        .map(str::to_string)
        .collect()
}

/// The text a reader sees in an HTML page: outside tags, `<code>`, `<pre>` (manifests),
/// `<style>` and `<script>`, entities decoded.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut skip = 0usize;
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        if skip == 0 {
            out.push_str(&rest[..i]);
            out.push(' ');
        }
        let Some(j) = rest[i..].find('>') else { break };
        let tag = &rest[i + 1..i + j];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if ["code", "pre", "style", "script"].contains(&name.as_str()) {
            if tag.starts_with('/') {
                skip = skip.saturating_sub(1);
            } else {
                skip += 1;
            }
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

/// The texts drawn in the SVGs of a plots folder.
fn svg_texts(plots: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in fs::read_dir(plots).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "svg") {
            let svg = fs::read_to_string(&p).unwrap();
            for t in svg.split("<text").skip(1) {
                let inner = t.split_once('>').map_or("", |x| x.1);
                let inner = inner.split("</text>").next().unwrap_or("");
                out.push((p.display().to_string(), visible_text(inner)));
            }
        }
    }
    out
}

/// Fails with every English word of the reports and plots of `dirs` (each a result folder),
/// after taking out `user` texts (scenario names and descriptions the test wrote).
fn assert_all_chinese(dirs: &[&Path], user: &[&str]) {
    let mut leaks = Vec::new();
    for dir in dirs {
        // `sensitivity run` writes plots and no report.
        let html = fs::read_to_string(dir.join("report.html")).unwrap_or_default();
        let mut page = visible_text(&html);
        for u in user {
            page = page.replace(u, " ");
        }
        for w in english_words(&page) {
            leaks.push(format!("{}/report.html: {w}", dir.display()));
        }
        for (file, t) in svg_texts(&dir.join("plots")) {
            let mut t = t;
            for u in user {
                t = t.replace(u, " ");
            }
            for w in english_words(&t) {
                leaks.push(format!("{file}: {w} (in {t:?})"));
            }
        }
    }
    leaks.sort();
    leaks.dedup();
    assert!(
        leaks.is_empty(),
        "English under --lang zh:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn english_words_finds_sentences_and_spares_identifiers() {
    assert_eq!(
        english_words("物业费收缴率（fee_collection_rate）per year 95% CI shequ t-based"),
        ["per", "year", "t-based"]
    );
    assert!(english_words("--set world.communities=2 docs/ODD.md §9.4 2.5 %–97.5 %").is_empty());
    assert_eq!(
        visible_text("<p>a <code>b c</code> d &amp; e</p>")
            .split_whitespace()
            .count(),
        4
    );
}

/// Every report and plot of compare (with a plausible set: the robust rankings and the cost
/// table), sweep and calibrate under `--lang zh` is Chinese: no English word outside
/// identifiers, file names and the few allowed abbreviations.
#[test]
fn zh_reports_and_plots_have_no_english_left() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = root.join("scenarios/baseline.toml");
    let scenario = |file: &str, name: &str, body: &str| {
        let p = d.join(file);
        fs::write(
            &p,
            format!(
                "name = \"{name}\"\ndescription = \"测试情景\"\nextends = {:?}\n{body}",
                base.to_str().unwrap()
            ),
        )
        .unwrap();
        p
    };
    let a = scenario(
        "a.toml",
        "a",
        "[mobilisation]\ntyphoons_per_year = 0.0\n[[events]]\nmonth = 3\nseverity = 1.0\n",
    );
    let b = scenario(
        "b.toml",
        "b",
        "[mobilisation]\ntyphoons_per_year = 0.0\n[[events]]\nmonth = 3\nseverity = 1.0\n\
         [workforce]\npay_ratio_staff = 1.0\n",
    );
    // TINY without --quiet (calibrate has none), 200 households, in Chinese.
    let tiny = with(
        &TINY[..TINY.len() - 1],
        &[
            "--set",
            "world.households_per_community=200",
            "--lang",
            "zh",
        ],
    );
    let accepted = d.join("accepted.csv");
    fs::write(
        &accepted,
        "point,owners.enforcement,owners.noise,accepted\n0,0.2,0.1,true\n1,0.5,0.15,true\n",
    )
    .unwrap();
    let cmp = d.join("cmp");
    let mut args = vec![
        "compare",
        path_str(&a),
        path_str(&b),
        "--posterior",
        path_str(&accepted),
        "--out",
        path_str(&cmp),
        "--quiet",
    ];
    args.extend_from_slice(&tiny);
    run_ok(&args);
    let sw = d.join("sw");
    let mut args = vec![
        "sweep",
        path_str(&a),
        "--vary",
        "property.guided_price=1:2:2",
        "--out",
        path_str(&sw),
        "--quiet",
    ];
    args.extend_from_slice(&tiny);
    run_ok(&args);
    let targets = d.join("targets.toml");
    fs::write(
        &targets,
        "[[target]]\nname = \"c\"\nmetric = \"fee_collection_rate\"\nwindow = \"last_year\"\n\
         lo = 0.5\nhi = 0.95\nsource = \"测试\"\ngrade = \"official statistic\"\nholdout = false\n\n\
         [[target]]\nname = \"m\"\nmetric = \"firm_profit_margin\"\nwindow = \"last_year\"\n\
         lo = -1.0\nhi = 1.0\nsource = \"测试\"\ngrade = \"assumption\"\nholdout = true\n",
    )
    .unwrap();
    let cal = d.join("cal");
    let mut args = vec![
        "calibrate",
        path_str(&a),
        "--targets",
        path_str(&targets),
        "--space",
        "scenarios/spaces/fee_cycle.toml",
        "--n",
        "4",
        "--out",
        path_str(&cal),
    ];
    args.extend_from_slice(&tiny);
    run_ok(&args);
    assert!(
        fs::read_to_string(cmp.join("report.html"))
            .unwrap()
            .contains("哪些排序在可信参数范围内都成立"),
        "the robust rankings are in the report"
    );
    let sens = d.join("sens");
    let mut args = vec![
        "sensitivity",
        "run",
        path_str(&a),
        "--space",
        "scenarios/spaces/workforce.toml",
        "--method",
        "morris",
        "--n",
        "2",
        "--metrics",
        "worker_turnover_annual",
        "--out",
        path_str(&sens),
    ];
    args.extend_from_slice(&tiny);
    run_ok(&args);
    assert!(!svg_texts(&sens.join("plots")).is_empty());
    assert_all_chinese(&[&cmp, &sw, &cal, &sens], &["测试情景"]);
}

/// `validate --lang zh` prints every case's expectation, outcome and tolerance in Chinese:
/// one replication of a small library with every kind of case (textbook, accounting,
/// pattern; reform cases paired, with a target, within another file's cost, a recovery
/// time and from the typhoon runs). The sources (essay sections, literature, notes of the
/// scenario files) stay as written and are taken out, as read from `validate.csv`.
#[test]
fn zh_validate_table_has_no_english_left() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    fs::create_dir(&lib).unwrap();
    for f in [
        "baseline.toml",
        "certificate_allowance.toml",
        "budget_matched_property.toml",
        "reform_workforce.toml",
        "hysteresis_enforcement.toml",
        "grid_250.toml",
    ] {
        fs::copy(Path::new(ROOT).join("scenarios").join(f), lib.join(f)).unwrap();
    }
    let out = tmp.path().join("out");
    let args = [
        "validate",
        "--quick",
        "--reps",
        "1",
        "--scenarios",
        path_str(&lib),
        "--out",
        path_str(&out),
        "--lang",
        "zh",
    ];
    // One replication may miss a paired case: the verdict does not matter here.
    let o = run(&args);
    let table = text(&o.stdout);
    assert!(table.contains("共 ") && table.contains("个案例"), "{table}");
    let (header, rows) = read_csv(&out.join("validate.csv"));
    let (case, source) = (col(&header, "case"), col(&header, "source"));
    let mut kinds = std::collections::BTreeSet::new();
    for r in &rows {
        kinds.insert(r[col(&header, "group")].clone());
    }
    assert_eq!(kinds.len(), 4, "every group: {kinds:?}");
    // The English words of a table's rows, sources taken out.
    let leaks = |table: &str| -> Vec<String> {
        let mut leaks = Vec::new();
        for line in table.lines().skip(1) {
            let mut line = line.to_string();
            for r in &rows {
                if line.starts_with(&format!("{} ", r[case])) {
                    line = line.replacen(&r[source], " ", 1);
                }
            }
            for w in english_words(&line) {
                leaks.push(format!("{w} in {line}"));
            }
        }
        leaks
    };
    let zh = leaks(&table);
    assert!(zh.is_empty(), "English under --lang zh:\n{}", zh.join("\n"));
    // English stays English, and the check finds it there.
    let en = run(&[
        "validate",
        "--quick",
        "--reps",
        "1",
        "--scenarios",
        path_str(&lib),
    ]);
    let en = text(&en.stdout);
    assert!(en.contains("95 % CI of paired diff"), "{en}");
    assert!(leaks(&en).len() > rows.len(), "{en}");
}

/// Every expectation of the scenario library has its Chinese (`expected_zh`).
#[test]
fn every_library_expectation_is_translated() {
    for e in fs::read_dir(Path::new(ROOT).join("scenarios")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let v: toml::Table = fs::read_to_string(&p).unwrap().parse().unwrap();
        let Some(toml::Value::Table(cases)) = v.get("expect") else {
            continue;
        };
        for (name, c) in cases {
            let zh = c.get("expected_zh").and_then(toml::Value::as_str);
            assert!(
                zh.is_some_and(|z| z.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))),
                "{}: [expect.{name}] needs expected_zh in Chinese",
                p.display()
            );
        }
    }
}
