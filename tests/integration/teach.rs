//! `shequ teach`: the committed web module is what this code builds; the page is written
//! whole, never over a user's file; and in headless Chromium (driven by Playwright,
//! `tests/web/teach.mjs`) it loads from file://, its sliders, A/B mode and language switch
//! work, and `window.shequ.run` gives the numbers of native `shequ run` to the last digit.
//! Needs /usr/bin/chromium, node and `npm install --prefix tests/web` (.ci/run does both);
//! fails, not skips, without them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{ROOT, path_str, read_bytes, run, run_ok, text};

const CHROMIUM: &str = "/usr/bin/chromium";

#[test]
fn web_module_is_fresh() {
    // Rebuilds assets/web/shequ.wasm from this code (scripts/build-wasm.sh: fixed profile,
    // remapped paths) and compares bytes: a change to the model or its scenario parsing
    // must come with the rebuilt module, or `shequ teach` would run old code.
    let work = tempfile::tempdir().unwrap();
    let built = work.path().join("shequ.wasm");
    let o = Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/build-wasm.sh"))
        .arg(&built)
        .env(
            "SHEQU_WASM_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasm"),
        )
        .output()
        .expect("cannot start bash");
    assert!(
        o.status.success(),
        "scripts/build-wasm.sh failed (the wasm target is needed: rustup target add wasm32-unknown-unknown):\n{}",
        text(&o.stderr)
    );
    let committed = read_bytes(&Path::new(ROOT).join("assets/web/shequ.wasm"));
    assert!(
        read_bytes(&built) == committed,
        "assets/web/shequ.wasm is stale: rebuild it with scripts/build-wasm.sh and commit it"
    );
}

#[test]
fn teach_refuses_to_overwrite_a_file_it_did_not_write() {
    let d = tempfile::tempdir().unwrap();
    let mine = d.path().join("notes.html");
    fs::write(&mine, "<html>my lesson notes</html>").unwrap();
    let o = run(&["teach", "--out", path_str(&mine)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("not written by shequ teach"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        fs::read_to_string(&mine).unwrap(),
        "<html>my lesson notes</html>"
    );
    // A folder is refused too; a page shequ wrote is replaced whole, and no temporary is left.
    let o = run(&["teach", "--out", path_str(d.path())]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let page = d.path().join("class.html");
    run_ok(&["teach", "--lang", "zh", "--out", path_str(&page)]);
    run_ok(&["teach", "--out", path_str(&page), "scenarios/baseline.toml"]);
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    let names: Vec<String> = fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // A scenario with an error is refused before anything is written.
    let bad = d.path().join("bad.toml");
    fs::write(
        &bad,
        "extends = \"baseline.toml\"\n[world]\ncommunitees = 2\n",
    )
    .unwrap();
    let o = run(&[
        "teach",
        "--out",
        path_str(&d.path().join("b.html")),
        path_str(&bad),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(!d.path().join("b.html").exists());
}

fn node_modules() -> PathBuf {
    Path::new(ROOT).join("tests/web/node_modules/playwright-core")
}

/// A timeseries.csv cell and the page's number (as JavaScript's `String(x)`) are the same f64.
fn same(native: &str, page: &serde_json::Value) -> bool {
    let a: f64 = native.parse().unwrap();
    let b: f64 = page
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::INFINITY);
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()) || (a == 0.0 && b == 0.0)
}

#[test]
fn the_page_runs_in_headless_chromium_and_equals_native_run() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: CI installs Debian's chromium (apt-get install -y chromium)"
    );
    assert!(
        node_modules().is_dir(),
        "playwright-core is missing: npm install --prefix tests/web (as .ci/run does)"
    );
    let d = tempfile::tempdir().unwrap();
    let page = d.path().join("class.html");
    run_ok(&["teach", "--out", path_str(&page)]);
    let size = fs::metadata(&page).unwrap().len();
    assert!(
        size <= 3_000_000,
        "the page has {size} bytes, more than 3 MB"
    );
    // One 2,500-household community (a scenario extending the library's baseline, as a
    // user would write it), 2 replications of 20 years, seed 7.
    let scenario = d.path().join("one_community.toml");
    fs::write(
        &scenario,
        "name = \"one_community\"\nextends = \"baseline.toml\"\n[world]\ncommunities = 1\n",
    )
    .unwrap();
    fs::copy(
        Path::new(ROOT).join("scenarios/baseline.toml"),
        d.path().join("baseline.toml"),
    )
    .unwrap();
    let out = d.path().join("native");
    run_ok(&[
        "run",
        path_str(&scenario),
        "--seed",
        "7",
        "--reps",
        "2",
        "--years",
        "20",
        "--quiet",
        "--out",
        path_str(&out),
    ]);
    let shot = d.path().join("teach.png");
    let o = Command::new("node")
        .current_dir(Path::new(ROOT).join("tests/web"))
        .args([
            "teach.mjs",
            path_str(&page),
            path_str(&scenario),
            "7",
            "2",
            "20",
            path_str(&shot),
        ])
        .env("CHROMIUM", CHROMIUM)
        .output()
        .expect("cannot start node");
    assert!(
        o.status.success(),
        "the page failed in Chromium:\n{}",
        text(&o.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["errors"], serde_json::json!([]), "errors in the page");
    assert!(r["levers"].as_u64().unwrap() >= 8, "{}", r["levers"]);
    assert!(r["presets"].as_u64().unwrap() >= 30, "{}", r["presets"]);
    assert_eq!(
        r["slider_marked"], true,
        "a moved slider is marked as changed"
    );
    let contains = |key: &str, part: &str| {
        let v = r[key].as_str().unwrap_or_default();
        assert!(v.contains(part), "{key}: {v:?} lacks {part:?}");
    };
    contains("run", "done");
    contains("ab", "× 2");
    assert_eq!(
        r["diff_charts"].as_u64(),
        Some(8),
        "A/B shows a difference chart per metric"
    );
    contains("legend_en", "B: strict_enforcement");
    assert_eq!(r["html_lang"], "zh");
    contains("legend_zh", "配对差值");
    contains("first_chart_zh", "物业费收缴率");
    assert_eq!(r["first_lever_zh"], "物业服务指导价");
    contains("status_zh", "完成");
    // The lesson: 4-6 steps, the last the hysteresis experiment in A/B, run to the end.
    let steps = r["steps"].as_u64().unwrap();
    assert!((4..=6).contains(&steps), "{steps} steps");
    contains("banner", "迟滞");
    contains("lesson", "完成");
    contains("refused", "communitees");
    // The numbers: the page's CSV text is native timeseries.csv byte for byte, and every
    // object of `timeseries` holds the same f64 as the native cell.
    let native = fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert!(
        r["csv"].as_str().unwrap() == native,
        "the page's timeseries differs from native"
    );
    let (header, rows) = crate::util::read_csv(&out.join("timeseries.csv"));
    let objects = r["timeseries"].as_array().unwrap();
    assert_eq!(objects.len(), rows.len());
    assert_eq!(rows.len(), 2 * 240);
    for (row, obj) in rows.iter().zip(objects) {
        for (name, cell) in header.iter().zip(row) {
            assert!(
                same(cell, &obj[name]),
                "{name}: native {cell}, page {}",
                obj[name]
            );
        }
    }
    eprintln!(
        "teach page: {size} bytes; window.shequ.run, 2 x 20 years of one community: {} ms \
         (first call, with compiling the module); 1 x 20 years: {} ms; lesson: {}",
        r["api_ms"], r["one_run_ms"], r["lesson"]
    );
    assert!(shot.is_file());
    if std::env::var_os("SHEQU_UPDATE_DOCS").is_some() {
        fs::copy(&shot, Path::new(ROOT).join("docs/img/teach.png")).unwrap();
    }
}
