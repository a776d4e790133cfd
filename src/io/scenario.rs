//! Scenario files: TOML, with `extends` to build on another file, `--set key=value`
//! overrides, and errors that name the file, the line, the key and what is allowed.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

mod changes;
mod expect;

use crate::experiment::validate::{Expectation, Lever, LeverFile};
use crate::model::params::domain::{self, SetError};
use crate::model::params::{Params, ScheduledEvent};
use expect::{parse_expect, parse_lever};

/// A scenario resolved to every parameter's value.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// `name` from the file (or its file stem).
    pub name: String,
    pub description: String,
    /// The file given, then each file it extends.
    pub files: Vec<PathBuf>,
    /// `--set` overrides applied on top, as given.
    pub overrides: Vec<String>,
    pub params: Params,
    /// The `[lever]` table of the file given (not inherited through `extends`): what
    /// `shequ validate` needs to know of the lever. No effect on a run.
    pub lever: Option<Lever>,
    /// The `[expect]` table of the file given (not inherited): its validation cases.
    pub expect: Vec<Expectation>,
}

/// A refused scenario: where, which key, and what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file, or `--set` for a command-line override.
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub key: Option<String>,
    pub message: String,
    /// The offending source line with a marker under it.
    pub snippet: Option<String>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": ")?;
        if let Some(k) = &self.key {
            write!(f, "key `{k}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(s) = &self.snippet {
            write!(f, "\n{s}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// Parses `text` as a TOML table; a syntax error names `file`, its line and column and
/// shows the line (scenario files, SPACE.toml, targets.toml).
pub(crate) fn parse_toml(text: &str, file: &str) -> Result<toml::Table, ScenarioError> {
    text.parse().map_err(|e: toml::de::Error| {
        let (line, column, snippet) = match e.span() {
            Some(s) => {
                let l = locate(text, s);
                (Some(l.0), Some(l.1), Some(l.2))
            }
            None => (None, None, None),
        };
        ScenarioError {
            file: file.to_string(),
            line,
            column,
            key: None,
            message: format!("not valid TOML: {}", e.message().trim()),
            snippet,
        }
    })
}

/// Line and column (1-based) of a byte offset, and the source line underlined.
pub(crate) fn locate(text: &str, span: Range<usize>) -> (u32, u32, String) {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_no = text[..start].matches('\n').count() + 1;
    let col = text[line_start..start].chars().count() + 1;
    let src = &text[line_start..line_end];
    let width = text[start..span.end.clamp(start, line_end)]
        .chars()
        .count()
        .max(1);
    let gutter = format!("{line_no}");
    let snippet = format!(
        "{pad} |\n{gutter} | {src}\n{pad} | {marks}{carets}",
        pad = " ".repeat(gutter.len()),
        marks = " ".repeat(col - 1),
        carets = "^".repeat(width)
    );
    (line_no as u32, col as u32, snippet)
}

/// Byte spans of every key path (`section.key`) in a document, for error messages.
pub(crate) fn key_spans(text: &str) -> HashMap<String, Range<usize>> {
    fn walk(t: &toml::de::DeTable<'_>, prefix: &str, out: &mut HashMap<String, Range<usize>>) {
        for (k, v) in t.iter() {
            let path = if prefix.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{prefix}.{}", k.get_ref())
            };
            out.insert(path.clone(), k.span());
            match v.get_ref() {
                toml::de::DeValue::Table(inner) => walk(inner, &path, out),
                // Entries of arrays of tables (`[[changes]]`) as `path[i]`.
                toml::de::DeValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let toml::de::DeValue::Table(inner) = item.get_ref() {
                            let entry = format!("{path}[{i}]");
                            out.insert(entry.clone(), item.span());
                            walk(inner, &entry, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = HashMap::new();
    if let Ok(doc) = toml::de::DeTable::parse(text) {
        walk(doc.get_ref(), "", &mut out);
    }
    out
}

/// The closest known key to `key`, if it is close enough to be a likely typo.
fn suggest(key: &str, known: &[String]) -> Option<String> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(key, k), k))
        .filter(|(d, k)| *d <= 3.max(k.len() / 5))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.clone())
}

struct Source {
    file: String,
    text: String,
    spans: HashMap<String, Range<usize>>,
}

impl Source {
    fn error(&self, key: Option<&str>, message: String) -> ScenarioError {
        let located = key
            .and_then(|k| self.spans.get(k))
            .map(|s| locate(&self.text, s.clone()));
        ScenarioError {
            file: self.file.clone(),
            line: located.as_ref().map(|l| l.0),
            column: located.as_ref().map(|l| l.1),
            key: key.map(str::to_string),
            message,
            snippet: located.map(|l| l.2),
        }
    }
}

const TOP_LEVEL: [&str; 7] = [
    "name",
    "description",
    "extends",
    "events",
    "changes",
    "lever",
    "expect",
];

/// Parses `[[events]]`: each with `month` (from 1), `severity` (0-1) and optional
/// `communities` (a list of ids; absent means all).
fn parse_events(v: &toml::Value) -> Result<Vec<ScheduledEvent>, String> {
    let toml::Value::Array(items) = v else {
        return Err("expected [[events]] tables (month, severity, communities)".into());
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let toml::Value::Table(t) = item else {
            return Err(format!(
                "events[{i}] must be a table with month, severity, communities"
            ));
        };
        for k in t.keys() {
            if !["month", "severity", "communities"].contains(&k.as_str()) {
                return Err(format!(
                    "events[{i}].{k} is not a key of an event (allowed: month, severity, communities)"
                ));
            }
        }
        let month = match t.get("month") {
            Some(toml::Value::Integer(m)) if *m >= 1 && *m <= i64::from(u32::MAX) => *m as u32,
            Some(other) => {
                return Err(format!(
                    "events[{i}].month is {other}; expected a whole number from 1 (month of the run)"
                ));
            }
            None => return Err(format!("events[{i}] needs a month (from 1)")),
        };
        let severity = match t.get("severity") {
            Some(toml::Value::Float(x)) if (0.0..=1.0).contains(x) => *x,
            Some(toml::Value::Integer(x)) if (0..=1).contains(x) => *x as f64,
            Some(other) => {
                return Err(format!(
                    "events[{i}].severity is {other}; expected a number from 0 to 1"
                ));
            }
            None => 1.0,
        };
        let communities = match t.get("communities") {
            None => Vec::new(),
            Some(toml::Value::Array(ids)) => ids
                .iter()
                .map(|id| match id {
                    toml::Value::Integer(c) if *c >= 0 && *c <= i64::from(u32::MAX) => Ok(*c as u32),
                    other => Err(format!(
                        "events[{i}].communities has {other}; expected community ids (whole numbers from 0)"
                    )),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(format!(
                    "events[{i}].communities is {other}; expected a list of community ids"
                ));
            }
        };
        out.push(ScheduledEvent {
            month,
            severity,
            communities,
        });
    }
    Ok(out)
}

/// Where scenario files are read from: the disk ([`Disk`]) or a set of texts held in memory
/// ([`Memory`]: the library embedded in `shequ teach`'s page). `extends` and `of` paths are
/// resolved relative to the file that names them in either.
pub trait Files {
    /// The file's size in bytes (checked before it is read).
    fn size(&self, path: &Path) -> std::io::Result<u64>;
    fn read(&self, path: &Path) -> std::io::Result<String>;
    /// A name that is the same for two paths to the same file (to find `extends` cycles).
    fn identity(&self, path: &Path) -> std::io::Result<PathBuf>;
    fn is_file(&self, path: &Path) -> bool;
}

/// The file system.
pub struct Disk;

impl Files for Disk {
    fn size(&self, path: &Path) -> std::io::Result<u64> {
        Ok(std::fs::metadata(path)?.len())
    }
    fn read(&self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }
    fn identity(&self, path: &Path) -> std::io::Result<PathBuf> {
        path.canonicalize()
    }
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// Scenario texts by file name, all in one folder (paths are reduced to their file name).
#[derive(Debug, Clone, Default)]
pub struct Memory(pub HashMap<String, String>);

impl Memory {
    fn get(&self, path: &Path) -> std::io::Result<&String> {
        path.file_name()
            .and_then(|n| self.0.get(n.to_string_lossy().as_ref()))
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }
}

impl Files for Memory {
    fn size(&self, path: &Path) -> std::io::Result<u64> {
        Ok(self.get(path)?.len() as u64)
    }
    fn read(&self, path: &Path) -> std::io::Result<String> {
        self.get(path).cloned()
    }
    fn identity(&self, path: &Path) -> std::io::Result<PathBuf> {
        self.get(path)?;
        Ok(PathBuf::from(path.file_name().unwrap_or_default()))
    }
    fn is_file(&self, path: &Path) -> bool {
        self.get(path).is_ok()
    }
}

/// Loads a scenario file (and what it extends) into parameters.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    load_from(&Disk, path)
}

/// Loads a scenario file (and what it extends) from `fs` into parameters.
pub fn load_from(fs: &dyn Files, path: &Path) -> Result<Scenario, ScenarioError> {
    let mut params = Params::default();
    let mut files = Vec::new();
    let own = load_into(fs, path, &mut params, &mut files)?;
    check(fs, &params, &files)?;
    changes::check(fs, &mut params, &files)?;
    let name = own.name.unwrap_or_else(|| {
        path.file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned())
    });
    Ok(Scenario {
        name,
        description: own.description.unwrap_or_default(),
        files,
        overrides: Vec::new(),
        params,
        lever: own.lever,
        expect: own.expect,
    })
}

/// Every scenario file of the library `dir` with an `[expect]` table, in file-name order,
/// for `shequ validate`. Every `.toml` file is loaded (and so checked).
pub fn library_levers(dir: &Path) -> Result<Vec<LeverFile>, ScenarioError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ScenarioError {
        file: dir.display().to_string(),
        line: None,
        column: None,
        key: None,
        message: format!("cannot read the scenario library: {e}"),
        snippet: None,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let s = load(&p)?;
        if !s.expect.is_empty() {
            out.push(LeverFile {
                file: p
                    .file_name()
                    .map_or(String::new(), |f| f.to_string_lossy().into()),
                lever: s.lever.unwrap_or_default(),
                expect: s.expect,
            });
        }
    }
    Ok(out)
}

fn check(fs: &dyn Files, params: &Params, files: &[PathBuf]) -> Result<(), ScenarioError> {
    if let Err((keys, message)) = params.check_consistency() {
        // Point at the most derived file in the chain that sets one of the keys involved.
        for f in files {
            if let Ok(text) = fs.read(f) {
                let spans = key_spans(&text);
                if let Some(key) = keys.iter().find(|k| spans.contains_key(*k)) {
                    let src = Source {
                        file: f.display().to_string(),
                        text,
                        spans,
                    };
                    return Err(src.error(Some(key), message));
                }
            }
        }
        let key = keys.into_iter().next().unwrap_or_default();
        let file = files
            .first()
            .map_or("scenario".into(), |f| f.display().to_string());
        return Err(ScenarioError {
            file,
            line: None,
            column: None,
            key: Some(key),
            message,
            snippet: None,
        });
    }
    Ok(())
}

/// What a file says of itself, besides parameters: not inherited through `extends`.
struct Own {
    name: Option<String>,
    description: Option<String>,
    lever: Option<Lever>,
    expect: Vec<Expectation>,
}

/// Applies `path` (after what it extends) onto `params`. Returns what it says of itself.
fn load_into(
    fs: &dyn Files,
    path: &Path,
    params: &mut Params,
    files: &mut Vec<PathBuf>,
) -> Result<Own, ScenarioError> {
    let file = path.display().to_string();
    let plain = |message: String| ScenarioError {
        file: file.clone(),
        line: None,
        column: None,
        key: None,
        message,
        snippet: None,
    };
    let canonical = fs
        .identity(path)
        .map_err(|e| plain(format!("cannot read the scenario file: {e}")))?;
    if files
        .iter()
        .any(|f| fs.identity(f).ok().as_ref() == Some(&canonical))
    {
        return Err(plain("`extends` forms a cycle through this file".into()));
    }
    if files.len() >= MAX_EXTENDS {
        return Err(plain(format!(
            "`extends` chains more than {MAX_EXTENDS} files; a scenario may extend at most {} others",
            MAX_EXTENDS - 1
        )));
    }
    files.push(path.to_path_buf());
    let size = fs
        .size(path)
        .map_err(|e| plain(format!("cannot read the scenario file: {e}")))?;
    if size > MAX_FILE_BYTES {
        return Err(plain(format!(
            "the file has {size} bytes; a scenario file may have at most {MAX_FILE_BYTES} (1 MiB)"
        )));
    }
    let text = fs
        .read(path)
        .map_err(|e| plain(format!("cannot read the scenario file: {e}")))?;
    let table = parse_toml(&text, &file)?;
    let src = Source {
        file: file.clone(),
        spans: key_spans(&text),
        text,
    };

    let string_at = |key: &str| -> Result<Option<String>, ScenarioError> {
        match table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(src.error(Some(key), "expected a string".into())),
        }
    };
    let name = string_at("name")?;
    if let Some(n) = &name {
        check_name(n).map_err(|m| src.error(Some("name"), m))?;
    }
    let description = string_at("description")?;
    if let Some(parent) = string_at("extends")? {
        let base = path.parent().unwrap_or(Path::new("."));
        let parent_path = base.join(&parent);
        if !fs.is_file(&parent_path) {
            return Err(src.error(
                Some("extends"),
                format!(
                    "extends \"{parent}\", but {} is not a file (paths are relative to this file)",
                    parent_path.display()
                ),
            ));
        }
        load_into(fs, &parent_path, params, files)?;
    }
    let lever = match table.get("lever") {
        None => None,
        Some(v) => Some(parse_lever(v, &src)?),
    };
    let expect = match table.get("expect") {
        None => Vec::new(),
        Some(v) => {
            let dir = path.parent().unwrap_or(Path::new("."));
            parse_expect(v, lever.as_ref(), dir, fs, &src)?
        }
    };

    if let Some(v) = table.get("changes") {
        // A file's [[changes]] replace those of the file it extends; checked once the whole
        // scenario is loaded (`changes::check`).
        params.changes = changes::parse(v, &src)?;
    }
    if let Some(v) = table.get("events") {
        // A file's [[events]] replace those of the file it extends.
        params.events = parse_events(v).map_err(|m| src.error(Some("events"), m))?;
    }
    let known: Vec<String> = Params::specs().into_iter().map(|s| s.key).collect();
    for (section, value) in &table {
        if TOP_LEVEL.contains(&section.as_str()) {
            continue;
        }
        let toml::Value::Table(entries) = value else {
            let hint = suggest(section, &known)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(src.error(
                Some(section),
                format!(
                    "unknown top-level key (allowed: name, description, extends, [[events]], [[changes]], [lever], [expect], and sections {}){hint}",
                    crate::model::params::SECTIONS.join(", ")
                ),
            ));
        };
        if !Params::is_section(section) {
            let hint = suggest(section, &crate::model::params::SECTIONS.map(String::from))
                .map(|s| format!("; did you mean [{s}]?"))
                .unwrap_or_default();
            return Err(src.error(
                Some(section),
                format!(
                    "unknown section [{section}] (allowed: {}){hint}",
                    crate::model::params::SECTIONS.join(", ")
                ),
            ));
        }
        for (field, v) in entries {
            let key = format!("{section}.{field}");
            apply(params, &key, v, &known).map_err(|m| src.error(Some(&key), m))?;
        }
    }
    Ok(Own {
        name,
        description,
        lever,
        expect,
    })
}

/// Sets one key, turning refusals into messages that say what is allowed.
fn apply(params: &mut Params, key: &str, v: &toml::Value, known: &[String]) -> Result<(), String> {
    match params.set(key, v) {
        Ok(()) => Ok(()),
        Err(SetError::Invalid(m)) => {
            let unit = Params::specs()
                .into_iter()
                .find(|s| s.key == key)
                .map(|s| s.unit)
                .unwrap_or("");
            if unit.is_empty() || unit == "-" {
                Err(m)
            } else {
                Err(format!("{m} (unit: {unit})"))
            }
        }
        Err(SetError::Unknown) => {
            let hint = suggest(key, known)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            Err(format!(
                "unknown key{hint} (`shequ explain` lists every key)"
            ))
        }
    }
}

/// Longest `extends` chain, in files: deeper chains are refused (and cannot exhaust the
/// stack).
pub const MAX_EXTENDS: usize = 64;
/// Largest scenario file read, bytes.
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Longest scenario name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// A scenario name is a label, never a path: it names the default output folder
/// (`output/NAME`), plots and reports. Refuses empty and over-long names, path separators,
/// `.` and `..`, names starting with `.`, control characters and characters that folders
/// cannot hold on common systems.
pub fn check_name(name: &str) -> Result<(), String> {
    const FORBIDDEN: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];
    let allowed = "letters, digits, spaces and - _ . ( ) and not starting with a dot";
    if name.trim().is_empty() {
        return Err(format!("the name is empty; a name is a label: {allowed}"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "the name has {} characters; at most {MAX_NAME_CHARS} are allowed",
            name.chars().count()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_control() || FORBIDDEN.contains(c))
    {
        return Err(format!(
            "the name {} contains {}, which is not allowed: a name is a label, not a path ({allowed})",
            crate::model::params::domain::quoted(name),
            c.escape_debug()
        ));
    }
    if name.starts_with('.') || name.contains("..") {
        return Err(format!(
            "the name {} is not allowed: a name is a label, not a path ({allowed})",
            crate::model::params::domain::quoted(name)
        ));
    }
    Ok(())
}

/// The overrides that `--reps`, `--seed` and `--years` (and the web page's `reps`, `seed`
/// and `years`) stand for, named by the option, for [`apply_overrides`].
pub fn run_overrides(
    reps: Option<u32>,
    seed: Option<u64>,
    years: Option<u32>,
) -> Vec<(&'static str, String)> {
    let mut sets = Vec::new();
    if let Some(r) = reps {
        sets.push(("--reps", format!("run.replications={r}")));
    }
    if let Some(seed) = seed {
        sets.push(("--seed", format!("run.seed={seed}")));
    }
    if let Some(y) = years {
        sets.push(("--years", format!("run.years={y}")));
    }
    sets
}

/// Applies `key=value` overrides, with the same checks as a file. Each comes with the
/// option it was given as (`--set`, `--reps` …), which errors name.
pub fn apply_overrides(s: &mut Scenario, sets: &[(&str, String)]) -> Result<(), ScenarioError> {
    apply_overrides_from(&Disk, s, sets)
}

/// [`apply_overrides`] for a scenario loaded from `fs` (errors quote its files from there).
pub fn apply_overrides_from(
    fs: &dyn Files,
    s: &mut Scenario,
    sets: &[(&str, String)],
) -> Result<(), ScenarioError> {
    let known: Vec<String> = Params::specs().into_iter().map(|s| s.key).collect();
    let err = |origin: &str, key: Option<&str>, message: String| ScenarioError {
        file: origin.to_string(),
        line: None,
        column: None,
        key: key.map(str::to_string),
        message,
        snippet: None,
    };
    for (origin, raw) in sets {
        let Some((key, value)) = raw.split_once('=') else {
            return Err(err(
                origin,
                None,
                format!("`{raw}` is not of the form key=value"),
            ));
        };
        let key = key.trim();
        apply(
            &mut s.params,
            key,
            &domain::parse_text(value.trim()),
            &known,
        )
        .map_err(|m| err(origin, Some(key), m))?;
        s.overrides.push(format!("{origin} {raw}"));
    }
    if let Err((keys, message)) = s.params.check_consistency() {
        // Blame the last override that set one of the keys involved; else the scenario file
        // (where the inconsistency was already there before the overrides).
        let set = |k: &str| {
            sets.iter()
                .rev()
                .find(|(_, raw)| raw.split_once('=').is_some_and(|(key, _)| key.trim() == k))
        };
        if let Some((key, (origin, _))) = keys.iter().find_map(|k| set(k).map(|o| (k, o))) {
            return Err(err(origin, Some(key), message));
        }
        check(fs, &s.params, &s.files)?;
        let file = s
            .files
            .first()
            .map_or("scenario".into(), |f| f.display().to_string());
        return Err(err(&file, keys.first().map(String::as_str), message));
    }
    // Overrides change the values changes start from and the run's length: check again.
    changes::check(fs, &mut s.params, &s.files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `text` to `dir/name` and returns the path (also for the tests of `expect`).
    pub(super) fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn names_are_labels_not_paths() {
        let d = tempfile::tempdir().unwrap();
        for bad in [
            "../src",
            "/etc",
            "",
            "  ",
            "a\\u001b[31m",
            "a\\nb",
            ".hidden",
            "a..b",
            "c:d",
        ] {
            let f = write(d.path(), "n.toml", &format!("name = \"{bad}\"\n"));
            let e = load(&f).unwrap_err();
            assert_eq!(e.key.as_deref(), Some("name"), "{bad}: {e}");
            assert_eq!(e.line, Some(1), "{bad}: {e}");
            assert!(!e.to_string().contains('\u{1b}'), "{e}");
        }
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        let f = write(d.path(), "n.toml", &format!("name = \"{long}\"\n"));
        assert!(load(&f).is_err());
        for good in ["reform 2 (v1)", "社区-试点", "pay_floor.v2"] {
            let f = write(d.path(), "n.toml", &format!("name = \"{good}\"\n"));
            assert_eq!(load(&f).unwrap().name, good);
        }
    }

    #[test]
    fn extends_chains_and_file_sizes_are_bounded() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "s0.toml", "name = \"s0\"\n");
        for i in 1..=MAX_EXTENDS {
            write(
                d.path(),
                &format!("s{i}.toml"),
                &format!("name = \"s{i}\"\nextends = \"s{}.toml\"\n", i - 1),
            );
        }
        let ok = load(&d.path().join(format!("s{}.toml", MAX_EXTENDS - 1))).unwrap();
        assert_eq!(ok.files.len(), MAX_EXTENDS);
        let e = load(&d.path().join(format!("s{MAX_EXTENDS}.toml"))).unwrap_err();
        assert!(e.message.contains("`extends` chains more than"), "{e}");
        let big = format!(
            "name = \"big\"\n# {}\n",
            "x".repeat(MAX_FILE_BYTES as usize)
        );
        let f = write(d.path(), "big.toml", &big);
        let e = load(&f).unwrap_err();
        assert!(e.message.contains("at most 1048576"), "{e}");
    }

    #[test]
    fn cross_key_errors_blame_the_key_the_user_set() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "base.toml", "name = \"b\"\n");
        let f = write(
            d.path(),
            "c.toml",
            "name = \"c\"\nextends = \"base.toml\"\n[world]\nshare_old_compound = 0.9\n",
        );
        let e = load(&f).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("world.share_old_compound"), "{e}");
        assert_eq!(e.line, Some(4), "{e}");
        let mut s = load(&d.path().join("base.toml")).unwrap();
        let e = apply_overrides(&mut s, &[("--set", "new_estate.rented_share=0.9".into())])
            .unwrap_err();
        assert_eq!(e.file, "--set");
        assert_eq!(e.key.as_deref(), Some("new_estate.rented_share"), "{e}");
        // A number TOML cannot hold is named, not read as text.
        let e = apply_overrides(
            &mut s,
            &[("--set", "run.years=99999999999999999999999".into())],
        )
        .unwrap_err();
        assert!(e.message.starts_with("1e23 is not allowed"), "{e}");
    }

    #[test]
    fn values_override_defaults_and_extends_chains() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "base.toml",
            "name = \"b\"\n[property]\nguided_price = 2.0\ncost_growth = 0.03\n",
        );
        let child = write(
            d.path(),
            "child.toml",
            "name = \"c\"\nextends = \"base.toml\"\n[property]\nguided_price = 2.5\n",
        );
        let s = load(&child).unwrap();
        assert_eq!(s.name, "c");
        assert_eq!(s.params.property.guided_price, 2.5);
        assert_eq!(s.params.property.cost_growth, 0.03);
        assert_eq!(s.files.len(), 2);
    }

    #[test]
    fn out_of_range_names_file_line_key_and_range() {
        let d = tempfile::tempdir().unwrap();
        let f = write(
            d.path(),
            "bad.toml",
            "name = \"x\"\n\n[property]\nguided_price = -1.0\n",
        );
        let e = load(&f).unwrap_err();
        assert_eq!(e.line, Some(4));
        assert_eq!(e.key.as_deref(), Some("property.guided_price"));
        let text = e.to_string();
        assert!(text.contains("bad.toml:4:1"), "{text}");
        assert!(text.contains("from 0 to 50"), "{text}");
    }

    #[test]
    fn unknown_key_gets_a_suggestion() {
        let d = tempfile::tempdir().unwrap();
        let f = write(d.path(), "typo.toml", "[property]\nguided_prise = 2.0\n");
        let e = load(&f).unwrap_err();
        assert!(
            e.message.contains("did you mean `property.guided_price`"),
            "{e}"
        );
        assert_eq!(e.line, Some(2));
        let f = write(d.path(), "sec.toml", "[propety]\nguided_price = 2.0\n");
        let e = load(&f).unwrap_err();
        assert!(e.message.contains("did you mean [property]"), "{e}");
    }

    #[test]
    fn wrong_type_nan_and_inconsistent_shares_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let f = write(d.path(), "t.toml", "[world]\ncommunities = \"ten\"\n");
        assert!(load(&f).unwrap_err().message.contains("found a string"));
        let f = write(d.path(), "n.toml", "[owners]\nnoise = nan\n");
        assert!(load(&f).unwrap_err().message.contains("NaN"));
        let f = write(d.path(), "s.toml", "[world]\nshare_new_estate = 0.9\n");
        let e = load(&f).unwrap_err();
        assert!(e.message.contains("sum to 1"), "{e}");
        assert_eq!(e.line, Some(2));
        let f = write(d.path(), "syntax.toml", "[world\n");
        assert!(load(&f).unwrap_err().message.contains("not valid TOML"));
    }

    #[test]
    fn events_are_read_and_checked() {
        let d = tempfile::tempdir().unwrap();
        let f = write(
            d.path(),
            "e.toml",
            "[[events]]\nmonth = 8\nseverity = 0.7\ncommunities = [0, 2]\n[[events]]\nmonth = 20\n",
        );
        let s = load(&f).unwrap();
        assert_eq!(s.params.events.len(), 2);
        assert_eq!(s.params.events[0].communities, vec![0, 2]);
        assert_eq!(s.params.events[1].severity, 1.0);
        let f = write(d.path(), "bad.toml", "[[events]]\nmonth = 0\n");
        assert!(load(&f).unwrap_err().message.contains("events[0].month"));
        let f = write(
            d.path(),
            "late.toml",
            "[run]\nyears = 1\n[[events]]\nmonth = 13\n",
        );
        assert!(load(&f).unwrap_err().message.contains("from 1 to 12"));
        let f = write(
            d.path(),
            "who.toml",
            "[[events]]\nmonth = 3\ncommunities = [99]\n",
        );
        assert!(load(&f).unwrap_err().message.contains("community 99"));
        let f = write(d.path(), "key.toml", "[[events]]\nmonth = 3\nsevere = 1\n");
        assert!(load(&f).unwrap_err().message.contains("events[0].severe"));
    }

    #[test]
    fn extends_cycles_and_missing_parents_are_refused() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "a.toml", "extends = \"b.toml\"\n");
        let b = write(d.path(), "b.toml", "extends = \"a.toml\"\n");
        assert!(load(&b).unwrap_err().message.contains("cycle"));
        let m = write(d.path(), "m.toml", "extends = \"nowhere.toml\"\n");
        assert!(load(&m).unwrap_err().message.contains("not a file"));
    }

    #[test]
    fn set_overrides_use_the_same_checks() {
        let d = tempfile::tempdir().unwrap();
        let f = write(d.path(), "ok.toml", "name = \"ok\"\n");
        let mut s = load(&f).unwrap();
        apply_overrides(
            &mut s,
            &[
                ("--set", "property.guided_price=2.0".into()),
                ("--set", "owners.threshold_distribution=uniform".into()),
            ],
        )
        .unwrap();
        assert_eq!(s.params.property.guided_price, 2.0);
        assert_eq!(s.params.owners.threshold_distribution, "uniform");
        let e =
            apply_overrides(&mut s, &[("--set", "property.guided_price=abc".into())]).unwrap_err();
        assert_eq!(e.file, "--set");
        assert!(e.to_string().contains("property.guided_price"));
        assert!(apply_overrides(&mut s, &[("--set", "nonsense".into())]).is_err());
        let e = apply_overrides(&mut s, &[("--reps", "run.replications=0".into())]).unwrap_err();
        assert_eq!(e.file, "--reps");
    }
}
