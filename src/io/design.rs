//! `shequ sweep --design points.csv`: a design file of arbitrary points (SALib, EMA
//! Workbench, a Latin design made elsewhere). The header names scenario keys; each row is one
//! point, run in file order. Every cell is read like a `--set` value (a number, `true`/`false`,
//! a word) and checked through the parameter registry. Errors give `file:line`, the key and
//! what is allowed; nothing is simulated or written before the whole file is checked.

use std::path::Path;

use crate::experiment::sweep::{self, Plan, SweepError};
use crate::io::error::{Error, Result};
use crate::model::params::Params;
use crate::model::params::domain;

/// Largest design file read, bytes.
pub const MAX_DESIGN_BYTES: u64 = 64 << 20;

/// Reads and checks the design file at `path` against `base`: the plan of its points, in
/// row order.
pub fn load(path: &Path, base: &Params) -> Result<Plan> {
    let file = path.display();
    let refuse = |line: Option<u64>, m: String| match line {
        Some(l) => Error::Input(format!("--design {file}:{l}: {m}")),
        None => Error::Input(format!("--design {file}: {m}")),
    };
    let size = std::fs::metadata(path)
        .map_err(|e| refuse(None, format!("cannot read it: {e}")))?
        .len();
    if size > MAX_DESIGN_BYTES {
        return Err(refuse(
            None,
            format!("is {size} bytes, more than the {MAX_DESIGN_BYTES} a design may have"),
        ));
    }
    let data = std::fs::read(path).map_err(|e| refuse(None, format!("cannot read it: {e}")))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(data.as_slice());
    let mut records = reader.records();
    // The line a record starts on, from its byte offset past any blank lines before it
    // (where the csv crate places the record, and its own line count skips them).
    let newlines: Vec<usize> = data
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_at = |p: &csv::Position| {
        let mut b = p.byte() as usize;
        while data.get(b).is_some_and(|c| *c == b'\n' || *c == b'\r') {
            b += 1;
        }
        newlines.partition_point(|&i| i < b) as u64 + 1
    };
    let line_of = |r: &csv::StringRecord| r.position().map(line_at);
    let header = match records.next() {
        None => {
            return Err(refuse(
                None,
                "is empty; expected a header of scenario keys (e.g. owners.enforcement,workforce.career_path) and one point per row".into(),
            ));
        }
        Some(h) => h.map_err(|e| refuse(e.position().map(line_at), e.to_string()))?,
    };
    let header_line = line_of(&header).or(Some(1));
    let keys: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, k)| {
            // A byte-order mark some spreadsheets write before the first key.
            let k = if i == 0 {
                k.trim_start_matches('\u{feff}')
            } else {
                k
            };
            k.trim().to_string()
        })
        .collect();
    if let Some(i) = keys.iter().position(String::is_empty) {
        return Err(refuse(
            header_line,
            format!(
                "column {} of the header is empty; every column names a scenario key",
                i + 1
            ),
        ));
    }
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    sweep::check_keys(&refs).map_err(|e| refuse(header_line, key_message(&e)))?;
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for rec in records {
        let rec = rec.map_err(|e| refuse(e.position().map(line_at), e.to_string()))?;
        let line = line_of(&rec);
        if rec.len() == 1 && rec[0].is_empty() {
            continue; // a blank line
        }
        if rec.len() != keys.len() {
            return Err(refuse(
                line,
                format!(
                    "{} value(s) in a row of {} key(s) ({}); every row gives one value per key",
                    rec.len(),
                    keys.len(),
                    keys.join(", ")
                ),
            ));
        }
        if let Some(i) = rec.iter().position(str::is_empty) {
            return Err(refuse(
                line,
                format!(
                    "key `{}`: the value is empty; allowed: {}",
                    keys[i],
                    allowed(&keys[i])
                ),
            ));
        }
        rows.push(rec.iter().map(domain::parse_text).collect());
        lines.push(line);
    }
    if rows.is_empty() {
        return Err(refuse(
            header_line,
            "the file has a header but no point; give one point per row".into(),
        ));
    }
    sweep::plan_given(base, &keys, rows).map_err(|e| {
        let line = e
            .point
            .as_ref()
            .and_then(|(i, _)| lines.get(*i).copied().flatten())
            .or(header_line);
        let m = match (&e.key, &e.point) {
            (Some(k), Some(_)) => format!("key `{k}`: {}", with_allowed(k, &e.message)),
            _ => key_message(&e),
        };
        refuse(line, m)
    })
}

/// What key `key` allows, from the registry.
fn allowed(key: &str) -> String {
    Params::specs()
        .into_iter()
        .find(|s| s.key == key)
        .map_or_else(|| "see `shequ explain`".into(), |s| s.domain.to_string())
}

/// A value's refusal, with what the key allows unless the message already says so.
fn with_allowed(key: &str, message: &str) -> String {
    let a = allowed(key);
    if message.contains(&a) {
        message.to_string()
    } else {
        format!("{message}; allowed: {a}")
    }
}

/// A refusal of the keys, without the `--vary` prefix of [`SweepError`]'s text.
fn key_message(e: &SweepError) -> String {
    match &e.key {
        Some(k) => format!("key `{k}`: {}", e.message),
        None => e.message.clone(),
    }
}
