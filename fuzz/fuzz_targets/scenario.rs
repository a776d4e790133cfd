//! Fuzzes the scenario loader and `--set` parsing.
//!
//! Input: UTF-8 (lossy) text. Up to the first line `#%set`, it is a scenario file; each
//! line after it (at most 8) is a `--set KEY=VALUE` string. The file is written as
//! `fuzz_input.toml` into a temporary directory that also holds the scenario library
//! (`scenarios/*.toml`, so `extends = "baseline.toml"` and `of = "..."` resolve), then
//! `scenario::load` and `scenario::apply_overrides` are called.
//!
//! Properties: neither panics on any input; a scenario that loads (and one whose overrides
//! are accepted) has every parameter inside its declared domain and passes
//! `Params::check_consistency`; and its parameters written as a table (the manifest's
//! `to_table`) load back to the same parameters.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shequ::io::scenario;
use shequ::model::params::Params;
use shequ::model::params::domain::Domain;

/// Separator between the scenario text and the `--set` lines.
const SEPARATOR: &str = "\n#%set\n";
const MAX_SETS: usize = 8;

/// The scenario library, embedded so the target does not depend on the working directory.
const LIBRARY: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/library.rs"));

struct Dir {
    _keep: PathBuf,
    input: PathBuf,
    roundtrip: PathBuf,
}

fn dir() -> &'static Dir {
    static DIR: OnceLock<Dir> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("shequ-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&base).expect("temporary directory");
        for (name, text) in LIBRARY {
            std::fs::write(base.join(name), text).expect("library file");
        }
        // The round-trip file lives in a subdirectory, out of reach of `extends` (which
        // may not contain '/'), so one input's outcome does not depend on the one before.
        std::fs::create_dir_all(base.join("rt")).expect("temporary directory");
        Dir {
            input: base.join("fuzz_input.toml"),
            roundtrip: base.join("rt").join("roundtrip.toml"),
            _keep: base,
        }
    })
}

/// Whether the text reaches outside the temporary directory through `extends` (an
/// absolute path or `..`): the loader reads what it names, which could be any file of
/// the machine (e.g. a huge one under /proc). Not what is fuzzed.
fn escapes(text: &str) -> bool {
    match text.parse::<toml::Table>() {
        Ok(t) => match t.get("extends") {
            Some(toml::Value::String(s)) => {
                s.contains('/') || s.contains('\\') || s.contains("..") || s.contains(':')
            }
            _ => false,
        },
        Err(_) => false,
    }
}

/// Every parameter inside its declared domain, and the checks between keys.
fn assert_valid(p: &Params, what: &str) {
    for spec in Params::specs() {
        let v = p
            .get(&spec.key)
            .unwrap_or_else(|| panic!("{what}: declared key {} has no value", spec.key));
        let ok = match (spec.domain, &v) {
            (Domain::Real { lo, hi }, toml::Value::Float(x)) => {
                x.is_finite() && *x >= lo && *x <= hi
            }
            (Domain::Int { lo, hi }, toml::Value::Integer(i)) => *i >= lo && *i <= hi,
            (Domain::Bool, toml::Value::Boolean(_)) => true,
            (Domain::Choice(words), toml::Value::String(s)) => words.contains(&s.as_str()),
            _ => false,
        };
        assert!(ok, "{what}: {} = {v} is outside {}", spec.key, spec.domain);
    }
    if let Err((key, msg)) = p.check_consistency() {
        panic!("{what}: accepted but inconsistent: {key}: {msg}");
    }
    for e in &p.events {
        assert!(e.severity.is_finite() && (0.0..=1.0).contains(&e.severity));
    }
}

/// The resolved parameters, written as the manifest writes them, load back unchanged.
fn assert_round_trips(p: &Params, path: &Path) {
    let text = toml::to_string(&p.to_table()).expect("parameters serialise");
    std::fs::write(path, &text).expect("write");
    let back = scenario::load(path)
        .unwrap_or_else(|e| panic!("to_table of accepted parameters is refused: {e}\n{text}"));
    assert_eq!(&back.params, p, "to_table does not round-trip:\n{text}");
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let (text, sets) = match input.split_once(SEPARATOR) {
        Some((t, s)) => (t, s.lines().take(MAX_SETS).collect::<Vec<_>>()),
        None => (input.as_ref(), Vec::new()),
    };
    if escapes(text) {
        return;
    }
    let d = dir();
    std::fs::write(&d.input, text).expect("write the input");
    let Ok(mut s) = scenario::load(&d.input) else {
        return;
    };
    assert_valid(&s.params, "load");
    assert_round_trips(&s.params, &d.roundtrip);
    if sets.is_empty() {
        return;
    }
    let sets: Vec<(&str, String)> = sets.into_iter().map(|l| ("--set", l.to_string())).collect();
    if scenario::apply_overrides(&mut s, &sets).is_ok() {
        assert_valid(&s.params, "apply_overrides");
        assert_round_trips(&s.params, &d.roundtrip);
    }
});
