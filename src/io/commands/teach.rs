//! `shequ teach`: one self-contained, bilingual HTML page that runs the model in the
//! browser, offline from `file://`: the committed wasm module (`assets/web/shequ.wasm`,
//! rebuilt by `scripts/build-wasm.sh`, checked fresh by a test) inlined as base64 and run in
//! a Web Worker; the scenario library embedded as text; sliders for the levers below,
//! labelled from this table and the parameter registry; charts of the metrics of
//! [`views::TEACH_CHARTS`] with their registry titles, Chinese terms and units.
//!
//! The page is written whole (a temporary file beside it, then a rename) and never over a
//! file that shequ did not write: an existing file must carry the page's generator mark.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Value, json};

use crate::io::commands::note;
use crate::io::error::{Error, Result};
use crate::io::scenario::{self, Memory};
use crate::io::views;
use crate::model::metrics::METRICS;
use crate::model::params::Params;
use crate::model::params::domain::Domain;

/// The web module, built from this crate by `scripts/build-wasm.sh`.
pub const WASM: &[u8] = include_bytes!("../../../assets/web/shequ.wasm");
/// The page: markup, style and script, with `/*SHEQU_DATA*/` and `/*SHEQU_WASM*/` to fill.
const TEMPLATE: &str = include_str!("../../../assets/web/teach.html");
/// What marks a page that shequ wrote (and may therefore replace).
pub const GENERATOR: &str = "<meta name=\"generator\" content=\"shequ teach\">";
/// The largest page allowed (issue 15: at most 3 MB).
pub const MAX_PAGE_BYTES: usize = 3_000_000;

/// A lever the page shows: its key, its labels, and the slider's range and step (a
/// narrower, classroom range within what the key allows; switches for booleans).
pub struct TeachLever {
    pub key: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
}

const fn lever(
    key: &'static str,
    en: &'static str,
    zh: &'static str,
    lo: f64,
    hi: f64,
    step: f64,
) -> TeachLever {
    TeachLever {
        key,
        en,
        zh,
        lo,
        hi,
        step,
    }
}

/// The page's levers, in the order shown. Booleans ignore lo, hi and step.
pub const LEVERS: &[TeachLever] = &[
    lever(
        "property.guided_price",
        "Guided property fee",
        "物业服务指导价",
        0.5,
        4.0,
        0.1,
    ),
    lever(
        "owners.enforcement",
        "Arrears enforcement",
        "欠费追缴力度",
        0.0,
        1.0,
        0.05,
    ),
    lever(
        "property.government_purchase",
        "Services bought by the government",
        "政府购买物业公共服务",
        0.0,
        40.0,
        1.0,
    ),
    lever(
        "property.capability_growth",
        "Firms invest in capability",
        "物业企业能力提升",
        0.0,
        0.05,
        0.005,
    ),
    lever(
        "property.star_rating",
        "Star rating of firms",
        "物业星级评价",
        0.0,
        1.0,
        1.0,
    ),
    lever(
        "property.quasi_property",
        "Quasi-property service",
        "准物业服务",
        0.0,
        1.0,
        1.0,
    ),
    lever(
        "workforce.households_per_worker",
        "Households per community worker",
        "每名社区工作者服务户数",
        150.0,
        600.0,
        10.0,
    ),
    lever(
        "workforce.pay_ratio_staff",
        "Workers' pay (x average wage)",
        "社区工作者薪酬（社会平均工资倍数）",
        0.4,
        1.5,
        0.05,
    ),
    lever(
        "workforce.certificate_allowance",
        "Allowance for certified workers",
        "职称奖励津贴",
        0.0,
        1000.0,
        50.0,
    ),
    lever(
        "workforce.three_in_one_linkage",
        "Three-in-one linkage",
        "三位一体联动",
        0.0,
        1.0,
        0.05,
    ),
    lever(
        "workforce.career_path",
        "Directed recruitment (career path)",
        "定向招考（职业通道）",
        0.0,
        1.0,
        1.0,
    ),
    lever(
        "world.households_per_grid",
        "Households per grid",
        "每个网格户数",
        100.0,
        800.0,
        50.0,
    ),
    lever(
        "mobilisation.party_member_share",
        "Party members serving at home",
        "在职党员进社区比例",
        0.0,
        0.06,
        0.005,
    ),
    lever(
        "mobilisation.unified_command",
        "Unified emergency command",
        "统一应急指挥",
        0.0,
        1.0,
        1.0,
    ),
];

/// `shequ teach`'s arguments.
#[derive(clap::Args, Debug)]
pub struct TeachArgs {
    /// Scenario files for the preset buttons (default: every file of the library). Files they
    /// extend must be in the library or beside them.
    pub scenarios: Vec<PathBuf>,
    /// The page to write.
    #[arg(long, default_value = "class.html")]
    pub out: PathBuf,
    /// The scenario library embedded in the page (what `extends` finds).
    #[arg(long, default_value = "scenarios")]
    pub library: PathBuf,
}

/// Writes the page.
pub fn teach(a: &TeachArgs) -> Result {
    check_out(&a.out)?;
    let page = page(a)?;
    write_page(&a.out, &page).map_err(|e| Error::Run(format!("{}: {e}", a.out.display())))?;
    note(&format!(
        "wrote {} ({:.2} MB): open it in a browser; it works offline",
        a.out.display(),
        page.len() as f64 / 1e6
    ));
    Ok(())
}

fn toml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::Input(format!(
            "{}: cannot read the scenario library: {e} (run from the project folder or give --library DIR)",
            dir.display()
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned())
}

fn read(p: &Path) -> Result<String> {
    std::fs::read_to_string(p)
        .map_err(|e| Error::Input(format!("{}: cannot read: {e}", p.display())))
}

/// The embedded files: the library, and each preset file (with what it extends beside it)
/// that is not in it. Two different files of one name are refused.
fn embedded(a: &TeachArgs) -> Result<(Memory, Vec<String>)> {
    let mut files = Memory(HashMap::new());
    let add = |files: &mut Memory, p: &Path| -> Result<String> {
        let name = file_name(p);
        let text = read(p)?;
        match files.0.get(&name) {
            Some(t) if *t != text => Err(Error::Input(format!(
                "{}: a different file of the same name is already in the page ({name}); rename one",
                p.display()
            ))),
            _ => {
                files.0.insert(name.clone(), text);
                Ok(name)
            }
        }
    };
    for p in toml_files(&a.library)? {
        add(&mut files, &p)?;
    }
    let mut presets = Vec::new();
    if a.scenarios.is_empty() {
        let mut names: Vec<String> = files.0.keys().cloned().collect();
        names.sort();
        presets = names;
    }
    for p in &a.scenarios {
        // What the file extends, from its own folder, as `shequ run` would read it.
        let s = scenario::load(p)?;
        for f in s.files.iter().rev() {
            add(&mut files, f)?;
        }
        presets.push(file_name(p));
    }
    Ok((files, presets))
}

fn number(v: &toml::Value) -> Value {
    match v {
        toml::Value::Boolean(b) => json!(if *b { 1.0 } else { 0.0 }),
        toml::Value::Integer(i) => json!(*i as f64),
        toml::Value::Float(f) => json!(f),
        other => json!(other.to_string()),
    }
}

/// The data the page reads: levers, charts, metric columns, library and presets.
fn data(a: &TeachArgs) -> Result<Value> {
    let (files, presets) = embedded(a)?;
    let specs = Params::specs();
    let mut levers = Vec::new();
    for l in LEVERS {
        let Some(spec) = specs.iter().find(|s| s.key == l.key) else {
            return Err(Error::Run(format!(
                "teach lever {} is not a parameter",
                l.key
            )));
        };
        let kind = match spec.domain {
            Domain::Bool => "bool",
            Domain::Int { .. } => "int",
            _ => "real",
        };
        levers.push(json!({
            "key": l.key, "en": l.en, "zh": l.zh, "kind": kind, "lo": l.lo, "hi": l.hi,
            "step": l.step, "unit": spec.unit, "doc": spec.doc,
            "unit_zh": crate::io::i18n::param_unit_zh(spec.unit).unwrap_or(spec.unit),
            "doc_zh": spec.zh,
        }));
    }
    let charts: Vec<Value> = views::TEACH_CHARTS
        .iter()
        .map(|m| {
            let m = m.meta();
            json!({"name": m.name, "en": m.title, "zh": m.zh, "unit_en": m.unit.en,
                   "unit_zh": m.unit.zh, "lo": m.unit.lo, "hi": m.unit.hi})
        })
        .collect();
    let mut preset_data = Vec::new();
    for name in &presets {
        let s = scenario::load_from(&files, Path::new(name))?;
        let values: serde_json::Map<String, Value> = LEVERS
            .iter()
            .filter_map(|l| s.params.get(l.key).map(|v| (l.key.to_string(), number(&v))))
            .collect();
        preset_data.push(json!({
            "file": name, "name": s.name, "description": s.description,
            "values": values, "changes": !s.params.changes.is_empty(),
            "communities": s.params.world.communities,
        }));
    }
    let mut library: Vec<(&String, &String)> = files.0.iter().collect();
    library.sort();
    let library: serde_json::Map<String, Value> = library
        .into_iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    Ok(json!({
        "lang": crate::io::i18n::lang().code(),
        "levers": levers,
        "charts": charts,
        "columns": METRICS.iter().map(|m| m.name).collect::<Vec<_>>(),
        "library": library,
        "presets": preset_data,
    }))
}

/// The whole page.
pub fn page(a: &TeachArgs) -> Result<String> {
    let data = data(a)?.to_string().replace("</", "<\\/");
    let wasm = base64::engine::general_purpose::STANDARD.encode(WASM);
    let page = TEMPLATE
        .replacen("/*SHEQU_DATA*/", &data, 1)
        .replacen("/*SHEQU_WASM*/", &wasm, 1)
        .replacen(
            "<html lang=\"en\">",
            &format!("<html lang=\"{}\">", crate::io::i18n::lang().code()),
            1,
        );
    if page.len() > MAX_PAGE_BYTES {
        return Err(Error::Input(format!(
            "the page would have {} bytes, more than {MAX_PAGE_BYTES}: give fewer scenarios",
            page.len()
        )));
    }
    Ok(page)
}

/// Refuses (exit 2) an `--out` that is a folder or a file shequ did not write.
fn check_out(out: &Path) -> Result {
    match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::Input(format!("{}: {e}", out.display()))),
        Ok(m) if m.is_dir() => Err(Error::Input(format!(
            "{} is a folder; --out names the page to write, e.g. --out class.html",
            out.display()
        ))),
        Ok(_) => {
            let mut head = vec![0u8; 512];
            let n = std::fs::File::open(out)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                .unwrap_or(0);
            if String::from_utf8_lossy(&head[..n]).contains(GENERATOR) {
                Ok(())
            } else {
                Err(Error::Input(format!(
                    "{} exists and was not written by shequ teach: not overwritten (choose another --out or move the file)",
                    out.display()
                )))
            }
        }
    }
}

/// Writes `text` to `out` whole: a temporary file beside it, then a rename over it.
fn write_page(out: &Path, text: &str) -> std::io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let tmp = parent.join(format!(".{}.tmp-{}", file_name(out), std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        // Checked again just before the rename: a file put there meanwhile is kept.
        check_out(out).map_err(|e| std::io::Error::other(e.to_string()))?;
        std::fs::rename(&tmp, out)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
