//! Every command of `docs/tutorial.md` runs and succeeds.
//!
//! The commands are the lines of its ```sh blocks; each must start with `shequ ` or
//! `cargo run --release -- ` (both run the built binary here). To stay fast and leave the
//! project folder clean, `--out DIR` (and any other argument under `output/class/`, an
//! earlier command's output read as input) is moved into a temporary directory, and `run`,
//! `compare` and `sweep` get at most 2 replications (the tutorial says the class uses the
//! values as written). `shequ validate --quick` is run by `tests/statistical/validate.rs`, not again
//! here. Afterwards every `output/class/...` path the tutorial names must exist in the
//! temporary directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Largest number of replications a simulating command gets in this test.
const MAX_REPS: u32 = 2;
/// Tutorial commands that another test already runs exactly as written (and checks more
/// closely): `tests/statistical/validate.rs` runs `shequ validate --quick` and reads its table.
const RUN_ELSEWHERE: [&str; 1] = ["shequ validate --quick"];

/// The commands of the ```sh blocks of a Markdown text (fences may be indented).
fn sh_commands(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence: Option<bool> = None; // Some(true) inside a ```sh block
    for line in markdown.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("```") {
            fence = match fence {
                None => Some(rest.trim() == "sh"),
                Some(_) => None,
            };
            continue;
        }
        if fence == Some(true) && !t.is_empty() && !t.starts_with('#') {
            out.push(t.to_string());
        }
    }
    assert!(
        fence.is_none(),
        "an unclosed code fence in docs/tutorial.md"
    );
    out
}

/// The binary's arguments for one tutorial command, rewritten for the test.
fn arguments(command: &str, tmp: &Path) -> Vec<String> {
    assert!(
        !command.contains(['"', '\'', '\\', '|', ';', '&', '>', '<', '$', '*']),
        "keep tutorial commands plain (no quotes, pipes or shell syntax): {command}"
    );
    let rest = command
        .strip_prefix("shequ ")
        .or_else(|| command.strip_prefix("cargo run --release -- "))
        .unwrap_or_else(|| {
            panic!("a tutorial command must start with `shequ ` or `cargo run --release -- `: {command}")
        });
    let mut args: Vec<String> = rest.split_whitespace().map(String::from).collect();
    let simulates = matches!(
        args.first().map(String::as_str),
        Some("run" | "compare" | "sweep")
    );
    let mut has_out = false;
    let mut has_reps = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--out" => {
                let dir = args.get(i + 1).expect("--out needs a directory").clone();
                assert!(
                    dir.starts_with("output/class/"),
                    "tutorial outputs go to output/class/: {command}"
                );
                args[i + 1] = tmp.join(&dir).to_string_lossy().into_owned();
                has_out = true;
                i += 1;
            }
            "--reps" if simulates => {
                let n: u32 = args[i + 1].parse().expect("--reps N");
                args[i + 1] = n.min(MAX_REPS).to_string();
                has_reps = true;
                i += 1;
            }
            // An earlier command's output read as input (e.g. --posterior).
            a if a.starts_with("output/class/") => {
                args[i] = tmp.join(a).to_string_lossy().into_owned();
            }
            _ => {}
        }
        i += 1;
    }
    if simulates {
        assert!(
            has_out,
            "a simulating tutorial command must name --out (so that it writes to output/class/): {command}"
        );
        if !has_reps {
            args.extend(["--reps".to_string(), MAX_REPS.to_string()]);
        }
    }
    args
}

/// Paths under `output/class/` that the tutorial names (in text or code).
fn named_outputs(markdown: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = markdown;
    while let Some(i) = rest.find("output/class/") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '`' | ')' | '(' | ',' | '*'))
            .unwrap_or(tail.len());
        let path = tail[..end].trim_end_matches(['.', ':']).to_string();
        if !out.contains(&path) {
            out.push(path);
        }
        rest = &tail[end..];
    }
    out
}

#[test]
fn every_tutorial_command_runs() {
    let started = Instant::now();
    let text = std::fs::read_to_string(Path::new(ROOT).join("docs/tutorial.md"))
        .expect("docs/tutorial.md");
    let commands = sh_commands(&text);
    assert!(commands.len() >= 8, "{commands:?}");
    for must in ["shequ run ", "shequ compare ", "shequ validate"] {
        assert!(
            commands.iter().any(|c| c.starts_with(must)),
            "the tutorial uses `{must}`"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let class_dir = Path::new(ROOT).join("output/class");
    let existed = class_dir.exists();
    for c in &commands {
        if RUN_ELSEWHERE.contains(&c.as_str()) {
            eprintln!("   -    {c} (run by tests/statistical/validate.rs)");
            continue;
        }
        let args = arguments(c, tmp.path());
        let t = Instant::now();
        let o = Command::new(env!("CARGO_BIN_EXE_shequ"))
            .current_dir(ROOT)
            .args(&args)
            .env_remove("RAYON_NUM_THREADS")
            .output()
            .expect("cannot start shequ");
        assert!(
            o.status.success(),
            "tutorial command failed ({:?}): {c}\nran: shequ {}\nstdout:\n{}\nstderr:\n{}",
            o.status.code(),
            args.join(" "),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        eprintln!("{:>6.1} s  {c}", t.elapsed().as_secs_f64());
    }
    for p in named_outputs(&text) {
        let full: PathBuf = tmp.path().join(&p);
        assert!(
            full.exists(),
            "docs/tutorial.md names {p}, which no tutorial command wrote"
        );
    }
    // Nothing was written into the project folder.
    assert_eq!(
        class_dir.exists(),
        existed,
        "a tutorial command wrote into {}",
        class_dir.display()
    );
    eprintln!(
        "tutorial: {} commands in {:.1} s",
        commands.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn commands_are_rewritten_for_the_test() {
    let tmp = Path::new("/tmp/x");
    let a = arguments(
        "shequ run scenarios/baseline.toml --out output/class/b",
        tmp,
    );
    assert_eq!(
        a,
        [
            "run",
            "scenarios/baseline.toml",
            "--out",
            "/tmp/x/output/class/b",
            "--reps",
            "2"
        ]
    );
    let a = arguments(
        "cargo run --release -- sweep s.toml --vary k=0:1:3 --reps 5 --out output/class/s",
        tmp,
    );
    assert_eq!(a[5], "2");
    assert_eq!(a[7], "/tmp/x/output/class/s");
    assert_eq!(
        arguments("shequ explain owners", tmp),
        ["explain", "owners"]
    );
    assert_eq!(
        sh_commands(
            "text\n```sh\nshequ a\n# note\n\nshequ b\n```\n```\nnot me\n```\n  ```sh\n  shequ c\n  ```\n"
        ),
        ["shequ a", "shequ b", "shequ c"]
    );
    assert_eq!(
        named_outputs("see `output/class/a/plots/x.png` and output/class/b/report.html."),
        ["output/class/a/plots/x.png", "output/class/b/report.html"]
    );
}
