//! Plots and the HTML report: `shequ run` draws them, `shequ plot DIR` redraws them, the
//! report is self-contained, and (where Chromium is installed) a headless browser renders
//! it with every image decoded.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use shequ::io::views;
use shequ::model::metrics::M;

const BIN: &str = env!("CARGO_BIN_EXE_shequ");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const CHROMIUM: &str = "/usr/bin/chromium";

/// Every plot a run of the baseline draws, with its title: the key time series of
/// [`views::RUN_TIME_SERIES`] (the spiral right after its two axes) and the end state.
fn plots() -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&str, &str)> = views::RUN_TIME_SERIES
        .iter()
        .map(|m| (m.name(), m.meta().title))
        .collect();
    // The spiral comes right after the charts of its two axes.
    let at = v
        .iter()
        .rposition(|(stem, _)| views::SPIRAL.iter().any(|m| m.name() == *stem))
        .map_or(0, |i| i + 1);
    v.insert(at, ("spiral", "The property-fee spiral"));
    v.push(("end_state", "Where the run ends"));
    v
}

fn shequ(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(ROOT)
        .output()
        .expect("run shequ")
}

fn run_baseline(out: &Path) {
    let o = shequ(&[
        "run",
        "scenarios/baseline.toml",
        "--reps",
        "2",
        "--years",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        o.status.success(),
        "shequ run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Width and height from a PNG's IHDR chunk (after checking the signature).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 33, "PNG too short");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR", "PNG without IHDR first");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The mobilisation plots, drawn when events.csv has rows.
const MOBILISATION: &[(&str, &str)] = &[
    (
        "mobilisation_t90",
        "Events not yet warning 90 % of households",
    ),
    (
        "mobilisation_helped",
        "Vulnerable households helped in time",
    ),
    (
        "mobilisation_help_t90",
        "Events not yet helping 90 % of the vulnerable",
    ),
];

/// Whether a run directory's events.csv has rows (a header and at least one line).
fn has_events(dir: &Path) -> bool {
    fs::read_to_string(dir.join("events.csv")).is_ok_and(|t| t.lines().count() > 1)
}

/// The plots a run directory should have: [`plots`], and [`MOBILISATION`] with events.
fn run_plots(dir: &Path) -> Vec<(&'static str, &'static str)> {
    let mut v = plots();
    if has_events(dir) {
        v.extend_from_slice(MOBILISATION);
    }
    v
}

/// Checks that `plots/` holds exactly a PNG (1200 x 800) and an SVG per expected plot, each
/// with its title and with every name in `names`.
fn check_plot_files(dir: &Path, expected: &[(&str, &str)], names: &[&str]) {
    let plots = dir.join("plots");
    let files = files_in(&plots);
    let mut want: Vec<String> = expected
        .iter()
        .flat_map(|(stem, _)| [format!("{stem}.png"), format!("{stem}.svg")])
        .collect();
    want.sort();
    assert_eq!(files, want, "expected a PNG and an SVG per plot");
    for (stem, title) in expected {
        let png = fs::read(plots.join(format!("{stem}.png")))
            .unwrap_or_else(|e| panic!("{stem}.png: {e}"));
        assert_eq!(png_size(&png), (1200, 800), "{stem}.png size");
        assert!(png.len() > 20_000, "{stem}.png is nearly empty");
        let svg = fs::read_to_string(plots.join(format!("{stem}.svg")))
            .unwrap_or_else(|e| panic!("{stem}.svg: {e}"));
        assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
        let texts = svg.matches("<text").count();
        assert!(texts >= 8, "{stem}.svg has {texts} <text> elements");
        // SVG text is XML-escaped (an owners' committee: owners&apos;).
        let escaped = title.replace('&', "&amp;").replace('\'', "&apos;");
        assert!(
            svg.contains(&escaped),
            "{stem}.svg does not contain its title `{title}`"
        );
        for name in names {
            assert!(svg.contains(name), "{stem}.svg does not name `{name}`");
        }
        assert!(svg.len() > 3_000, "{stem}.svg is nearly empty");
    }
}

fn check_plots(dir: &Path) {
    check_plot_files(dir, &run_plots(dir), &[]);
}

/// Checks that report.html loads nothing from the network and inlines `images` PNGs (and
/// no other image); returns the page.
fn check_self_contained(dir: &Path, images: usize) -> String {
    let html = fs::read_to_string(dir.join("report.html")).expect("report.html");
    let lower = html.to_lowercase();
    for bad in [
        "src=\"http",
        "src='http",
        "href=\"http",
        "href='http",
        "url(http",
        "src=\"//",
        "src=http",
        "href=http",
        "href=\"//",
        "<link",
        "<script",
        "@import",
    ] {
        assert!(
            !lower.contains(bad),
            "report.html refers to the network or loads something: `{bad}`"
        );
    }
    let inline = html.matches("<img src=\"data:image/png;base64,").count();
    assert_eq!(inline, images, "every plot inline, once");
    assert_eq!(html.matches("<img").count(), images, "no other images");
    // Each plot's PNG is inlined whole, under its own figure.
    for f in files_in(&dir.join("plots")) {
        if let Some(stem) = f.strip_suffix(".png") {
            assert!(
                html.contains(&format!("<figure id=\"{stem}\">")),
                "report.html lacks the figure {stem}"
            );
        }
    }
    html
}

fn check_report(dir: &Path) -> String {
    let html = check_self_contained(dir, run_plots(dir).len());
    assert!(html.contains("baseline"), "scenario name");
    assert!(html.contains("Status quo"), "scenario description");
    assert!(html.contains("Fee collection rate"), "key figures table");
    assert!(html.contains("95 % CI"));
    assert!(html.contains("&quot;resolved&quot;"), "manifest");
    html
}

#[test]
fn run_draws_plots_and_a_self_contained_report_and_plot_redraws_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("base");
    run_baseline(&out);
    for f in [
        "timeseries.csv",
        "summary.csv",
        "manifest.json",
        "report.html",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    check_plots(&out);
    check_report(&out);

    // `shequ plot DIR` draws them again from the CSVs.
    let before = files_in(&out.join("plots"));
    fs::remove_dir_all(out.join("plots")).unwrap();
    fs::remove_file(out.join("report.html")).unwrap();
    let started = Instant::now();
    let o = shequ(&["plot", out.to_str().unwrap()]);
    let took = started.elapsed();
    assert!(
        o.status.success(),
        "shequ plot failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(files_in(&out.join("plots")), before);
    check_plots(&out);
    check_report(&out);
    // Plotting a small run is quick even in the test build (generous bound for slow CI).
    assert!(took < Duration::from_secs(20), "shequ plot took {took:?}");
    // No temporary directories left beside the output or the plots.
    assert_eq!(files_in(tmp.path()), vec!["base".to_string()]);
    assert!(files_in(&out).iter().all(|f| !f.starts_with('.')));

    // Redrawing over existing plots replaces them.
    let o = shequ(&["plot", out.to_str().unwrap()]);
    assert!(o.status.success());
    check_plots(&out);

    // Not an output directory: refused as bad input, nothing written.
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let o = shequ(&["plot", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("timeseries.csv"));
    assert!(files_in(&empty).is_empty());
    let o = shequ(&["plot", tmp.path().join("missing").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn scenarios_overlay_on_the_same_axes() {
    use shequ::io::plot::data::Estimate;
    use shequ::io::plot::end_state::{EndStateRow, end_state};
    use shequ::io::plot::phase::{PhaseTrace, spiral};
    use shequ::io::plot::time_series::{ScenarioSeries, time_series};
    let tmp = tempfile::tempdir().unwrap();
    let plots_dir = tmp.path().join("plots");
    // Two made-up scenarios, three replications, four years.
    let make = |start: f64, slope: f64| -> Vec<Vec<f64>> {
        (0..3)
            .map(|r| {
                (0..48)
                    .map(|m| start + slope * f64::from(m) + 0.01 * f64::from(r))
                    .collect()
            })
            .collect()
    };
    let (a, b) = (make(0.85, -0.003), make(0.85, 0.0005));
    let f = time_series(
        &plots_dir,
        "collection",
        M::FeeCollectionRate,
        &[
            ScenarioSeries {
                name: "baseline",
                reps: &a,
            },
            ScenarioSeries {
                name: "reform",
                reps: &b,
            },
        ],
    )
    .unwrap();
    assert_eq!(f.stem, "collection");
    let svg = fs::read_to_string(f.svg(&plots_dir)).unwrap();
    assert!(svg.contains("baseline") && svg.contains("reform"), "legend");
    let png = fs::read(f.png(&plots_dir)).unwrap();
    assert_eq!(png_size(&png), (1200, 800));

    let (qa, qb) = (make(0.45, -0.002), make(0.45, 0.0002));
    let f = spiral(
        &plots_dir,
        &[
            PhaseTrace {
                name: "baseline",
                x: &a,
                y: &qa,
            },
            PhaseTrace {
                name: "reform",
                x: &b,
                y: &qb,
            },
        ],
    )
    .unwrap();
    assert!(f.png(&plots_dir).is_file());

    let est = |m: f64| {
        Some(Estimate {
            mean: m,
            ci_low: m - 0.02,
            ci_high: m + 0.02,
        })
    };
    let rows = vec![
        EndStateRow {
            label: "Fee collection rate".into(),
            estimates: vec![est(0.63), est(0.86)],
        },
        EndStateRow {
            label: "Service quality".into(),
            estimates: vec![est(0.24), None],
        },
    ];
    let f = end_state(
        &plots_dir,
        "end",
        "End state",
        &["baseline", "reform"],
        &rows,
    )
    .unwrap();
    assert!(f.svg(&plots_dir).is_file());
}

/// Runs `cmd` with its output in files under `work` (a pipe would fill up and block it),
/// killing it after `limit`.
fn output_within(mut cmd: Command, work: &Path, limit: Duration) -> Output {
    let (out_path, err_path) = (work.join("stdout.txt"), work.join("stderr.txt"));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish within {limit:?}: {}",
                fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: fs::read(&out_path).unwrap_or_default(),
        stderr: fs::read(&err_path).unwrap_or_default(),
    }
}

fn chromium(profile: &Path, extra: &[String], url: &str) -> Output {
    let mut c = Command::new(CHROMIUM);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(url);
    output_within(c, profile.parent().unwrap(), Duration::from_secs(120))
}

fn file_url(p: &Path) -> String {
    format!("file://{}", p.canonicalize().unwrap().display())
}

fn screenshot(work: &Path, name: &str, page: &Path) -> PathBuf {
    let shot = work.join(format!("{name}.png"));
    let o = chromium(
        &work.join(format!("profile-{name}")),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1200,2000".to_string(),
        ],
        &file_url(page),
    );
    assert!(
        shot.is_file(),
        "chromium made no screenshot of {}: {}",
        page.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    shot
}

#[test]
fn headless_chromium_renders_the_report_with_its_images() {
    if !Path::new(CHROMIUM).exists() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "{CHROMIUM} is missing: CI must install Debian's chromium package \
                 (apt-get install -y chromium) to check that report.html renders"
            );
        }
        eprintln!("note: {CHROMIUM} not found; skipping the headless-browser check of report.html");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("base");
    run_baseline(&out);
    let work = tmp.path().join("browser");
    fs::create_dir(&work).unwrap();

    // A screenshot of the report holds far more than one of a blank page.
    let blank = work.join("blank.html");
    fs::write(&blank, "<!DOCTYPE html><html><body></body></html>").unwrap();
    let blank_shot = fs::read(screenshot(&work, "blank", &blank)).unwrap();
    let shot = fs::read(screenshot(&work, "report", &out.join("report.html"))).unwrap();
    assert_eq!(png_size(&shot), (1200, 2000));
    assert!(
        shot.len() > 4 * blank_shot.len() && shot.len() > 50_000,
        "the screenshot of report.html ({} bytes) is hardly more than a blank page's ({} bytes)",
        shot.len(),
        blank_shot.len()
    );

    // Every image decodes at its full size.
    check_report(&out);
    images_render(&work, "run", &out, run_plots(&out).len());

    // So do the reports of a comparison and of a sweep.
    let cmp = tmp.path().join("cmp");
    let o = shequ(&[
        "compare",
        "scenarios/baseline.toml",
        "scenarios/reform_grid.toml",
        "--years",
        "1",
        "--reps",
        "2",
        "--out",
        cmp.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let n = files_in(&cmp.join("plots")).len() / 2;
    check_self_contained(&cmp, n);
    images_render(&work, "compare", &cmp, n);
    let sweep = tmp.path().join("sweep");
    let o = shequ(&[
        "sweep",
        "scenarios/baseline.toml",
        "--vary",
        "property.government_purchase=0:20:2",
        "--vary",
        "owners.enforcement=0.2:0.6:2",
        "--years",
        "1",
        "--reps",
        "2",
        "--out",
        sweep.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_self_contained(&sweep, views::SWEEP.len());
    images_render(&work, "sweep", &sweep, views::SWEEP.len());
}

/// Checks in headless Chromium that every image of `dir/report.html` decodes at its full
/// size: a copy of the report with a probe script that writes the count of loaded images
/// into the DOM, read back with --dump-dom.
fn images_render(work: &Path, name: &str, dir: &Path, n: usize) {
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    let probe = "<script>addEventListener('load',()=>{const i=[...document.images];\
                 document.body.setAttribute('data-images',i.length+'/'+i.filter(x=>x.complete\
                 &&x.naturalWidth===1200&&x.naturalHeight===800).length)})</script></body>";
    let checked = dir.join("report-probe.html");
    fs::write(&checked, html.replace("</body>", probe)).unwrap();
    let o = chromium(
        &work.join(format!("profile-dom-{name}")),
        &[
            "--virtual-time-budget=10000".to_string(),
            "--dump-dom".to_string(),
        ],
        &file_url(&checked),
    );
    let dom = String::from_utf8_lossy(&o.stdout);
    let want = format!("data-images=\"{n}/{n}\"");
    assert!(
        dom.contains(&want),
        "{name}: not every image rendered: expected {want} in the DOM; stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    fs::remove_file(&checked).unwrap();
}

/// Every key time series of a baseline run (the first two, then the spiral, then the rest
/// in [`plots`] order), as drawn in a comparison.
fn compare_plots() -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&str, &str)> = plots()
        .into_iter()
        .filter(|(stem, _)| *stem != "end_state")
        .collect();
    v.extend([
        ("differences", "Paired differences from the base"),
        ("differences_other", "Paired differences from the base"),
        ("end_state", "Where the scenarios end"),
    ]);
    v
}

/// A scenario that extends the baseline with one scheduled typhoon and no random ones, so
/// its events.csv has rows whatever the seed.
fn typhoon_scenario(dir: &Path) -> PathBuf {
    let path = dir.join("typhoon.toml");
    let base = Path::new(ROOT).join("scenarios/baseline.toml");
    fs::write(
        &path,
        format!(
            "name = \"typhoon\"\n\
             description = \"One scheduled typhoon in month 8.\"\n\
             extends = {:?}\n\
             [mobilisation]\ntyphoons_per_year = 0.0\n\
             [[events]]\nmonth = 8\nseverity = 1.0\n",
            base.to_str().unwrap()
        ),
    )
    .unwrap();
    path
}

#[test]
fn compare_draws_overlays_differences_mobilisation_and_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let typhoon = typhoon_scenario(tmp.path());
    let out = tmp.path().join("cmp");
    let started = Instant::now();
    let o = shequ(&[
        "compare",
        "scenarios/baseline.toml",
        "scenarios/reform_grid.toml",
        typhoon.to_str().unwrap(),
        "--years",
        "2",
        "--reps",
        "2",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        o.status.success(),
        "shequ compare failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    eprintln!("compare with plots: {:?}", started.elapsed());
    assert!(has_events(&out.join("typhoon")), "typhoon has events");
    let mut expected = compare_plots();
    expected.extend_from_slice(MOBILISATION);
    let names = ["baseline", "reform_grid", "typhoon"];
    check_plot_files(&out, &expected, &names);
    // The difference charts name each scenario against the base.
    let svg = fs::read_to_string(out.join("plots/differences.svg")).unwrap();
    assert!(svg.contains("reform_grid − baseline") && svg.contains("typhoon − baseline"));
    let html = check_self_contained(&out, expected.len());
    for text in [
        "Status quo",            // the base's description
        "One scheduled typhoon", // the other's
        "CI excludes 0",         // the differences table
        "95 % CI of the difference",
        "Emergency mobilisation", // the mobilisation table
        "typhoon/manifest.json",  // each scenario's manifest
        "&quot;pairing&quot;",    // the comparison's
    ] {
        assert!(html.contains(text), "compare report lacks `{text}`");
    }

    // `shequ plot` recognises a compare directory and draws the same again.
    fs::remove_dir_all(out.join("plots")).unwrap();
    fs::remove_file(out.join("report.html")).unwrap();
    let o = shequ(&["plot", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_plot_files(&out, &expected, &names);
    check_self_contained(&out, expected.len());
    // A scenario's own folder is still a run directory.
    let o = shequ(&["plot", out.join("typhoon").to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_plots(&out.join("typhoon"));
    assert!(files_in(tmp.path()).iter().all(|f| !f.starts_with('.')));

    // A file where the plots folder should be is not shequ's: redrawing would replace it,
    // so it is refused (exit 2) and everything stays as it was.
    fs::remove_dir_all(out.join("plots")).unwrap();
    fs::write(out.join("plots"), "not a folder").unwrap();
    let o = shequ(&["plot", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error"));
    assert_eq!(
        fs::read_to_string(out.join("plots")).unwrap(),
        "not a folder"
    );
    assert!(out.join("comparison.csv").is_file());
    assert!(out.join("baseline/timeseries.csv").is_file());
    // A plotting failure is a run failure (exit 1) that keeps the results: a summary the
    // plots cannot read.
    fs::remove_file(out.join("plots")).unwrap();
    fs::write(out.join("baseline/timeseries.csv"), "not,a\ntime,series\n").unwrap();
    let o = shequ(&["plot", out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.join("comparison.csv").is_file());
}

fn sweep(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "sweep",
        "scenarios/baseline.toml",
        "--years",
        "1",
        "--reps",
        "2",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = shequ(&args);
    assert!(
        o.status.success(),
        "shequ sweep failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn sweep_plots(prefix: &str) -> Vec<(String, String)> {
    views::SWEEP
        .iter()
        .map(|m| (format!("{prefix}_{}", m.name()), String::new()))
        .collect()
}

fn check_sweep(out: &Path, prefix: &str, title: &str, key: &str) {
    let expected = sweep_plots(prefix);
    let borrowed: Vec<(&str, &str)> = expected.iter().map(|(s, _)| (s.as_str(), title)).collect();
    check_plot_files(out, &borrowed, &[key]);
    let html = check_self_contained(out, expected.len());
    assert!(html.contains(key), "sweep report names the key");
    assert!(html.contains("RMB/household/month"), "the key's unit");
    assert!(html.contains("Results by point"));
    assert!(html.contains("&quot;vary&quot;"), "manifest");
}

#[test]
fn sweeps_draw_lines_heat_maps_and_scatter_panels() {
    let tmp = tempfile::tempdir().unwrap();
    let key = "property.government_purchase";
    // One key: a line per main metric.
    let one = tmp.path().join("one");
    sweep(&one, &["--vary", "property.government_purchase=0:20:3"]);
    check_sweep(&one, "sweep", "against the varied key", key);
    let svg =
        fs::read_to_string(one.join(format!("plots/sweep_{}.svg", M::FeeCollectionRate.name())))
            .unwrap();
    assert!(svg.contains("(RMB/household/month)"), "x axis with unit");

    // Two keys on a grid: a heat map per main metric.
    let two = tmp.path().join("two");
    sweep(
        &two,
        &[
            "--vary",
            "property.government_purchase=0:20:3",
            "--vary",
            "owners.enforcement=0.2:0.6:2",
        ],
    );
    check_sweep(&two, "heatmap", "mean over the sweep grid", key);
    let svg =
        fs::read_to_string(two.join(format!("plots/heatmap_{}.svg", M::ServiceQuality.name())))
            .unwrap();
    assert!(svg.contains("owners.enforcement (0-1)"), "y axis with unit");

    // A Latin hypercube: scatter panels, one per key.
    let lhs = tmp.path().join("lhs");
    sweep(
        &lhs,
        &[
            "--lhs",
            "5",
            "--vary",
            "property.government_purchase=0:20",
            "--vary",
            "owners.enforcement=0.2:0.6",
            "--vary",
            "world.households_per_grid=200:500",
        ],
    );
    check_sweep(
        &lhs,
        "scatter",
        "against each varied key",
        "government_purchase",
    );

    // `shequ plot` recognises a sweep directory.
    fs::remove_dir_all(two.join("plots")).unwrap();
    let o = shequ(&["plot", two.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_sweep(&two, "heatmap", "mean over the sweep grid", key);
}
