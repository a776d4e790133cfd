//! `shequ explain` (scenario keys and metrics), `shequ scenarios` (the library), and the
//! generated parameter table of docs/parameters.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::io::commands::emit;
use crate::io::error::{Error, Result};
use crate::io::scenario;
use crate::model::metrics::METRICS;
use crate::model::params::Params;

/// `shequ scenarios [DIR]`: every scenario file of DIR with its name and description.
pub fn scenarios(dir: &Path) -> Result {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) => {
            return Err(Error::Input(format!("cannot read {}: {e}", dir.display())));
        }
    };
    files.sort();
    let mut refused = Vec::new();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} scenario(s) in {} (run one with `shequ run {}/NAME.toml`):",
        files.len(),
        dir.display(),
        dir.display()
    );
    for f in &files {
        match scenario::load(f) {
            Ok(s) => {
                let _ = writeln!(out, "  {:<28} {}", s.name, s.description);
            }
            Err(e) => refused.push(e.to_string()),
        }
    }
    emit(&out);
    if refused.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(refused.join("\nerror: ")))
    }
}

/// `shequ explain [KEY] [--markdown]`: a key, a section, or every key.
pub fn explain(key: Option<&str>, markdown: bool) -> Result {
    let specs = Params::specs();
    if markdown {
        emit(&parameters_markdown());
        return Ok(());
    }
    let chosen: Vec<_> = match key {
        None => specs.iter().collect(),
        Some(k) => specs
            .iter()
            .filter(|s| s.key == k || s.key.starts_with(&format!("{k}.")))
            .collect(),
    };
    if chosen.is_empty() {
        return Err(Error::Input(format!(
            "no key or section `{}`; `shequ explain` lists them all",
            key.unwrap_or("")
        )));
    }
    let one = chosen.len() == 1;
    let mut out = String::new();
    for s in chosen {
        if one {
            let _ = writeln!(
                out,
                "{}\n  meaning: {}\n  unit:    {}\n  allowed: {}\n  default: {}\n  source:  {}",
                s.key, s.doc, s.unit, s.domain, s.default, s.source
            );
        } else {
            let _ = writeln!(
                out,
                "{:<42} {:>10}  {}",
                s.key,
                s.default.to_string(),
                s.doc
            );
        }
    }
    emit(&out);
    Ok(())
}

/// `shequ explain --metrics`: one line per output column: name, unit, Chinese term, meaning.
pub fn metrics() -> Result {
    let mut out = String::new();
    let w = METRICS.iter().map(|m| m.name.len()).max().unwrap_or(0);
    let wu = METRICS.iter().map(|m| m.unit.en.len()).max().unwrap_or(0);
    let wz = METRICS.iter().map(|m| columns(m.zh)).max().unwrap_or(0);
    for m in METRICS {
        let pad = " ".repeat(wz - columns(m.zh));
        let _ = writeln!(
            out,
            "{:<w$}  {:<wu$}  {}{pad}  {}",
            m.name, m.unit.en, m.zh, m.meaning
        );
    }
    emit(&out);
    Ok(())
}

/// Terminal columns of `s`: two for a CJK character, one otherwise.
fn columns(s: &str) -> usize {
    s.chars().map(|c| if c >= '\u{2E80}' { 2 } else { 1 }).sum()
}

/// Every key as a Markdown table, grouped by section: the text of docs/parameters.md.
pub fn parameters_markdown() -> String {
    let mut md = String::from(
        "# Scenario parameters\n\n\
         Generated from the declarations in `src/model/params/mod.rs` by `shequ explain --markdown`; \
         a test keeps this file identical to them. A scenario file sets only what differs from \
         these defaults (or from the file it `extends`). Sections `new_estate`, `old_compound` \
         and `resettlement` share their keys; their defaults differ by kind and are listed per kind.\n",
    );
    let mut section = String::new();
    for s in Params::specs() {
        let (sec, field) = s.key.split_once('.').unwrap_or(("", &s.key));
        if sec != section {
            section = sec.to_string();
            md.push_str(&format!(
                "\n## [{sec}]\n\n| key | meaning | unit | allowed | default | source |\n|---|---|---|---|---|---|\n"
            ));
        }
        md.push_str(&format!(
            "| `{field}` | {} | {} | {} | {} | {} |\n",
            s.doc.replace('|', "\\|"),
            s.unit,
            s.domain,
            s.default,
            s.source.replace('|', "\\|")
        ));
    }
    md
}
