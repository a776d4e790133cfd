//! "A user's files are sacred": `--out` takes only a new folder, an empty one or an earlier
//! shequ result, checked before anything runs; results are published whole (CSVs, plots and
//! report) or not at all, even when killed, on a full disk or with two runs at once; the
//! leftovers of killed runs are removed, and nothing else.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::util::{BASELINE, PROFESSIONAL, ROOT, SMALL, path_str, run, run_ok, shequ, text};

/// A run that would take long: a refusal that comes fast came before simulating.
const LARGE: [&str; 4] = ["--reps", "64", "--years", "40"];

fn small_run(out: &Path, seed: &str) -> Output {
    let mut args = vec![
        "run",
        BASELINE,
        "--seed",
        seed,
        "-q",
        "--out",
        path_str(out),
    ];
    args.extend(SMALL);
    run(&args)
}

/// The arguments of a small compare of the baseline and professional firms into `out`.
fn small_compare(out: &Path) -> Vec<&str> {
    let mut args = vec![
        "compare",
        BASELINE,
        PROFESSIONAL,
        "-q",
        "--out",
        path_str(out),
    ];
    args.extend(SMALL);
    args
}

/// Every file and folder under `dir` with its bytes (`None` for folders).
fn listing(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().to_path_buf();
            if p.is_dir() {
                out.insert(rel, None);
                todo.push(p);
            } else {
                out.insert(rel, Some(fs::read(&p).unwrap()));
            }
        }
    }
    out
}

/// Asserts `dir` is one complete run result: CSVs, scenario, a manifest that parses, plots
/// and the report.
fn assert_whole(dir: &Path) {
    for f in [
        "timeseries.csv",
        "summary.csv",
        "events.csv",
        "scenario.toml",
        "report.html",
    ] {
        assert!(dir.join(f).is_file(), "{} has no {f}", dir.display());
    }
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert!(m.get("shequ_version").is_some());
    let pngs = fs::read_dir(dir.join("plots"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert!(pngs > 0, "{}: no plots", dir.display());
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.trim_end().ends_with("</html>"),
        "{}: half a report",
        dir.display()
    );
    assert!(!dir.join(".shequ-temporary").exists());
}

/// The `.NAME.*` entries beside `dir` (temporaries, lock).
fn junk(dir: &Path) -> Vec<String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let prefix = format!(".{name}.");
    fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// Asserts exit 2 within 5 s (before simulating) with stderr naming `shown` and what is allowed.
fn refused(o: &Output, took: Duration, shown: &str) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(took < Duration::from_secs(5), "refused only after {took:?}");
    assert!(err.contains(shown), "`{shown}` not in {err}");
    assert!(err.contains("an earlier shequ result"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A tmpfs mounted at `dir` for the test (`None` where mounting is not permitted).
struct Mount(PathBuf);

impl Mount {
    fn new(dir: &Path, options: &str) -> Option<Mount> {
        fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs", path_str(dir)])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Mount(dir.to_path_buf()))
    }

    fn remount(&self, options: &str) {
        let s = Command::new("mount")
            .args(["-o", options, path_str(&self.0)])
            .status()
            .unwrap();
        assert!(s.success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_folder_that_is_not_a_shequ_result_is_refused_and_untouched() {
    let d = tempfile::tempdir().unwrap();
    let work = d.path().join("thesis");
    fs::create_dir_all(work.join("data")).unwrap();
    fs::write(work.join("notes.md"), "my notes").unwrap();
    fs::write(work.join("data/survey.csv"), "a,b\n1,2\n").unwrap();
    fs::write(work.join("manifest.json"), "{\"project\": \"mine\"}").unwrap();
    let before = listing(d.path());
    for cmd in [
        vec!["run", BASELINE],
        vec!["compare", BASELINE, PROFESSIONAL],
        vec!["sweep", BASELINE, "--vary", "property.guided_price=1:2:2"],
    ] {
        let mut args = cmd.clone();
        args.extend(["--out", path_str(&work)]);
        args.extend(LARGE);
        let started = Instant::now();
        let o = run(&args);
        refused(&o, started.elapsed(), path_str(&work));
        assert_eq!(listing(d.path()), before, "{cmd:?} touched the folder");
    }
    // An earlier result to which the user added a file is not replaced either.
    let r = d.path().join("result");
    assert!(small_run(&r, "1").status.success());
    fs::write(r.join("my_analysis.R"), "plot(x)").unwrap();
    let before = listing(d.path());
    let o = small_run(&r, "2");
    refused(&o, Duration::ZERO, "my_analysis.R");
    assert_eq!(listing(d.path()), before);
}

#[test]
fn the_scenario_folder_as_out_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let study = d.path().join("study");
    fs::create_dir(&study).unwrap();
    let scenario = study.join("mine.toml");
    fs::copy(Path::new(ROOT).join(BASELINE), &scenario).unwrap();
    let before = listing(d.path());
    let started = Instant::now();
    let o = run(&["run", path_str(&scenario), "--out", path_str(&study)]);
    refused(&o, started.elapsed(), path_str(&study));
    assert_eq!(listing(d.path()), before);
}

#[test]
fn impossible_locations_are_refused_before_simulating() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("a_file"), "x").unwrap();
    fs::create_dir(d.path().join("sub")).unwrap();
    let long = "n".repeat(250);
    let base = Path::new(ROOT).join(BASELINE);
    let before = listing(d.path());
    for (out, shown) in [
        (".", "not a folder name"),
        ("..", "not a folder name"),
        ("sub/..", "not a folder name"),
        ("/", "not a folder name"),
        ("a_file", "is a file"),
        ("a_file/new", "a_file"),
        (long.as_str(), "bytes long"),
    ] {
        let started = Instant::now();
        let o = shequ(&["run", path_str(&base), "--out", out])
            .args(LARGE)
            .current_dir(d.path())
            .output()
            .unwrap();
        refused(&o, started.elapsed(), shown);
    }
    assert_eq!(listing(d.path()), before);
    // Read-only: an earlier result and a new folder on a file system mounted read-only.
    let Some(m) = Mount::new(&d.path().join("ro"), "size=16m") else {
        eprintln!("mount not permitted: read-only case skipped");
        return;
    };
    let earlier = m.0.join("earlier");
    assert!(small_run(&earlier, "1").status.success());
    m.remount("remount,ro");
    let before = listing(&m.0);
    for out in [earlier.clone(), m.0.join("new")] {
        let started = Instant::now();
        let mut args = vec!["run", BASELINE, "--out", path_str(&out)];
        args.extend(LARGE);
        let o = run(&args);
        refused(&o, started.elapsed(), "Read-only file system");
    }
    assert_eq!(listing(&m.0), before);
}

#[test]
fn an_earlier_result_is_replaced_whole() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path().join("r");
    fs::create_dir(&r).unwrap(); // an empty folder is allowed
    assert!(small_run(&r, "1").status.success());
    assert_whole(&r);
    let first = listing(&r);
    assert!(small_run(&r, "2").status.success());
    assert_whole(&r);
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(r.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["seed"], 2);
    assert_ne!(
        listing(&r).get(Path::new("timeseries.csv")),
        first.get(Path::new("timeseries.csv"))
    );
    assert!(junk(&r).is_empty(), "{:?}", junk(&r));
    // A compare's per-scenario folders are part of its result.
    let c = d.path().join("c");
    for _ in 0..2 {
        run_ok(&small_compare(&c));
        assert!(c.join("report.html").is_file() && c.join("comparison.csv").is_file());
    }
    assert!(junk(&c).is_empty(), "{:?}", junk(&c));
    // A user's file anywhere inside an earlier result (a scenario folder, plots/) makes it
    // foreign: the run is refused and the file stays.
    let scenario_dir = fs::read_dir(&c)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir() && p.join("timeseries.csv").is_file())
        .expect("a compare has per-scenario folders");
    for mine in [
        scenario_dir.join("notes.txt"),
        c.join("plots").join("notes.txt"),
    ] {
        fs::write(&mine, "mine").unwrap();
        let before = listing(&c);
        let o = run(&small_compare(&c));
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains("notes.txt"), "{}", text(&o.stderr));
        assert_eq!(listing(&c), before, "the earlier result was touched");
        fs::remove_file(&mine).unwrap();
    }
}

#[test]
fn leftovers_of_killed_runs_are_removed_and_nothing_else() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path().join("r");
    // 4194305 is above the largest PID Linux allows: that process is gone.
    let dead = "4194305";
    let make = |name: &str, file: Option<(&str, &str)>| {
        let p = d.path().join(name);
        fs::create_dir_all(p.join("plots")).unwrap();
        fs::write(p.join("timeseries.csv"), "rep,month\n").unwrap();
        if let Some((f, body)) = file {
            fs::write(p.join(f), body).unwrap();
        }
        p
    };
    let manifest = r#"{"shequ_version": "0.1.0", "scenario": "baseline"}"#;
    let stale = [
        make(
            &format!(".r.tmp-{dead}-0000beef"),
            Some((".shequ-temporary", "")),
        ),
        make(&format!(".r.old-{dead}"), Some(("manifest.json", manifest))),
    ];
    let me = std::process::id().to_string();
    let kept = [
        make(&format!(".r.tmp-{dead}-user"), None),
        make(
            &format!(".r.tmp-{me}-alive"),
            Some((".shequ-temporary", "")),
        ),
        make(
            &format!(".other.tmp-{dead}"),
            Some((".shequ-temporary", "")),
        ),
        make(".r.tmp-notapid", Some((".shequ-temporary", ""))),
    ];
    fs::write(d.path().join(".r.lock"), "").unwrap(); // a stale lock is harmless
    assert!(small_run(&r, "1").status.success());
    assert_whole(&r);
    for p in &stale {
        assert!(!p.exists(), "{} was left", p.display());
    }
    for p in &kept {
        assert!(
            p.join("timeseries.csv").is_file(),
            "{} was removed",
            p.display()
        );
    }
    assert!(!d.path().join(".r.lock").exists());
}

#[test]
fn of_two_runs_into_one_folder_one_wins_whole() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path().join("r");
    let lock = d.path().join(".r.lock");
    // Long enough (about 130 M household-months) that the second run starts while the
    // first still holds the lock, however fast the model gets.
    let first = shequ(&["run", BASELINE, "--seed", "1", "-q", "--out", path_str(&r)])
        .args(["--reps", "4", "--years", "50"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !lock.exists() {
        assert!(started.elapsed() < Duration::from_secs(20), "no lock taken");
        sleep(Duration::from_millis(2));
    }
    let o = small_run(&r, "2");
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("another shequ run is writing"), "{err}");
    assert!(err.contains(path_str(&r)), "{err}");
    let done = first.wait_with_output().unwrap();
    assert!(done.status.success(), "{}", text(&done.stderr));
    assert_whole(&r);
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(r.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["seed"], 1);
    assert!(junk(&r).is_empty(), "{:?}", junk(&r));
}

/// How the disk fills: a 5 MiB tmpfs holding a 3 MiB result, so the next result cannot
/// fit beside it; where mounting is not permitted, a file-size limit (RLIMIT_FSIZE, with
/// SIGXFSZ ignored) set in the child makes writing the report fail.
#[test]
fn a_full_disk_fails_cleanly_and_keeps_the_earlier_result() {
    let d = tempfile::tempdir().unwrap();
    let mount = Mount::new(&d.path().join("disk"), "size=5m");
    let base = mount
        .as_ref()
        .map_or(d.path().to_path_buf(), |m| m.0.clone());
    let r = base.join("r");
    assert!(small_run(&r, "1").status.success());
    assert_whole(&r);
    let before = listing(&r);
    let mut c = shequ(&["run", BASELINE, "--seed", "2", "-q", "--out", path_str(&r)]);
    c.args(SMALL);
    if mount.is_none() {
        eprintln!("mount not permitted: the disk is filled with RLIMIT_FSIZE");
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            c.pre_exec(|| {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let lim = libc::rlimit {
                    rlim_cur: 200_000,
                    rlim_max: 200_000,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let o = c.output().unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let why = if mount.is_some() {
        "No space left on device"
    } else {
        "File too large"
    };
    assert!(err.contains(why) && err.contains("cannot write"), "{err}");
    assert!(err.contains("is as it was before this run"), "{err}");
    assert_eq!(listing(&r), before, "the earlier result changed");
    assert!(junk(&r).is_empty(), "{:?}", junk(&r));
}

/// A small generator for the kill delays (fixed seed: the same sequence every time).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn a_killed_run_leaves_the_old_result_or_the_new_one_whole() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path().join("r");
    let child = |seed: u64| {
        let mut c = shequ(&["run", BASELINE, "-q", "--out", path_str(&r)]);
        c.args(["--seed", &seed.to_string(), "--reps", "4", "--years", "5"])
            .args(["--set", "world.communities=4"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    let started = Instant::now();
    assert!(child(0).status().unwrap().success());
    let typical = started.elapsed().as_secs_f64();
    assert_whole(&r);
    let mut rng = Lcg(20_240_601);
    let (mut before, mut after) = (0, 0);
    for k in 1..=20u64 {
        let old = fs::read(r.join("manifest.json")).unwrap();
        let mut c = child(k).spawn().unwrap();
        sleep(Duration::from_secs_f64(rng.next() * 1.2 * typical));
        let _ = c.kill(); // SIGKILL
        let _ = c.wait();
        assert_whole(&r);
        if fs::read(r.join("manifest.json")).unwrap() == old {
            before += 1;
        } else {
            after += 1;
        }
    }
    eprintln!(
        "kill test: run {typical:.2} s; 20 kills: {before} before publishing (old result), {after} after (new result), all whole"
    );
    assert!(child(99).status().unwrap().success());
    assert_whole(&r);
    assert!(junk(&r).is_empty(), "{:?}", junk(&r));
}
