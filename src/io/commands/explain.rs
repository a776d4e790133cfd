//! `shequ explain` (scenario keys and metrics), `shequ scenarios` (the library), and the
//! generated parameter table of docs/parameters.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::io::commands::emit;
use crate::io::error::{Error, Result};
use crate::io::i18n::{self, Lang, width};
use crate::io::scenario;
use crate::model::metrics::METRICS;
use crate::model::params::Params;
use crate::model::params::domain::Domain;

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
        "{}",
        i18n::fmt(
            i18n::SCENARIOS_HEAD,
            &[
                ("n", &files.len().to_string()),
                ("dir", &dir.display().to_string()),
            ],
        )
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
    let zh = i18n::lang() == Lang::Zh;
    let mut out = String::new();
    for s in chosen {
        if one && zh {
            // The source stays as written: it quotes the essay and the literature.
            let _ = writeln!(
                out,
                "{}\n  含义：  {}\n  单位：  {}\n  取值：  {}\n  默认值：{}\n  来源：  {}",
                s.key,
                s.zh,
                i18n::param_unit(s.unit),
                domain_zh(&s.domain),
                s.default,
                s.source
            );
        } else if one {
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
                i18n::pick(s.doc, s.zh)
            );
        }
    }
    emit(&out);
    Ok(())
}

/// What a key accepts, in Chinese (the English is [`Domain`]'s `Display`).
pub fn domain_zh(d: &Domain) -> String {
    match d {
        Domain::Real { lo, hi } => format!("{lo} 到 {hi} 之间的数"),
        Domain::Int { lo, hi } => format!("{lo} 到 {hi} 之间的整数"),
        Domain::Bool => "true 或 false".to_string(),
        Domain::Choice(words) => {
            let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
            format!("{} 之一", quoted.join("、"))
        }
    }
}

/// `shequ explain --metrics`: one line per output column: name, unit, Chinese term, meaning.
pub fn metrics() -> Result {
    let mut out = String::new();
    // The unit is the one every table and plot shows (flows per year, money in millions);
    // with --lang zh the Chinese term comes first and the unit is Chinese.
    let lang = i18n::lang();
    let unit = |m: &crate::model::metrics::Metric| i18n::display_unit(m, lang);
    let w = METRICS.iter().map(|m| m.name.len()).max().unwrap_or(0);
    let wu = METRICS.iter().map(|m| width(unit(m))).max().unwrap_or(0);
    let wz = METRICS.iter().map(|m| width(m.zh)).max().unwrap_or(0);
    for m in METRICS {
        let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w - width(s)));
        let line = match lang {
            Lang::En => format!(
                "{:<w$}  {}  {}  {}",
                m.name,
                pad(unit(m), wu),
                pad(m.zh, wz),
                m.meaning
            ),
            Lang::Zh => format!(
                "{}  {:<w$}  {}  {}",
                pad(m.zh, wz),
                m.name,
                pad(unit(m), wu),
                m.meaning_zh
            ),
        };
        let _ = writeln!(out, "{}", line.trim_end());
    }
    emit(&out);
    Ok(())
}

/// Every key as a Markdown table, grouped by section: the text of docs/parameters.md.
pub fn parameters_markdown() -> String {
    let mut md = String::from(
        "# Scenario parameters\n\n\
         Generated from the declarations in `src/model/params/` by `shequ explain --markdown`; \
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
