//! `[[changes]]` of a scenario file: keys set from a month of the run, at once or ramped
//! (see `model::params::changes` for the meaning). Parsed here; checked against the whole
//! resolved scenario once it is loaded, with errors at the file and line of the entry.

use std::path::PathBuf;

use super::{Files, ScenarioError, Source, key_spans};
use crate::model::params::Params;
use crate::model::params::changes::Change;

const FIELDS: [&str; 3] = ["month", "ramp_months", "set"];

/// A whole number from 1 at `changes[i].field`.
fn positive(
    t: &toml::Table,
    i: usize,
    field: &str,
    src: &Source,
) -> Result<Option<u32>, ScenarioError> {
    let key = format!("changes[{i}].{field}");
    match t.get(field) {
        None => Ok(None),
        Some(toml::Value::Integer(m)) if *m >= 1 && *m <= i64::from(u32::MAX) => {
            Ok(Some(*m as u32))
        }
        Some(other) => Err(src.error(
            Some(&key),
            format!("{key} is {other}; expected a whole number from 1"),
        )),
    }
}

/// Flattens `set`: `{ "owners.enforcement" = 0.6 }` and `{ owners.enforcement = 0.6 }`
/// (a nested table) both give `owners.enforcement`.
fn flatten(prefix: &str, t: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(inner) => flatten(&key, inner, out),
            other => out.push((key, other.clone())),
        }
    }
}

/// Parses `[[changes]]`: each with `month` (from 1), optional `ramp_months` (from 1; 1, the
/// default, is a step) and `set`, a table of keys and values.
pub(super) fn parse(v: &toml::Value, src: &Source) -> Result<Vec<Change>, ScenarioError> {
    let toml::Value::Array(items) = v else {
        return Err(src.error(
            Some("changes"),
            "expected [[changes]] tables (month, ramp_months, set)".into(),
        ));
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let entry = format!("changes[{i}]");
        let toml::Value::Table(t) = item else {
            return Err(src.error(
                Some("changes"),
                format!("{entry} must be a table with month, ramp_months, set"),
            ));
        };
        for k in t.keys() {
            if !FIELDS.contains(&k.as_str()) {
                return Err(src.error(
                    Some(&format!("{entry}.{k}")),
                    format!(
                        "{entry}.{k} is not a key of a change (allowed: {})",
                        FIELDS.join(", ")
                    ),
                ));
            }
        }
        let month = positive(t, i, "month", src)?.ok_or_else(|| {
            src.error(
                Some(&entry),
                format!("{entry} needs a month (from 1, the month of the run it applies from)"),
            )
        })?;
        let ramp_months = positive(t, i, "ramp_months", src)?.unwrap_or(1);
        let set = match t.get("set") {
            Some(toml::Value::Table(s)) => {
                let mut set = Vec::new();
                flatten("", s, &mut set);
                set
            }
            Some(other) => {
                return Err(src.error(
                    Some(&format!("{entry}.set")),
                    format!(
                        "{entry}.set is {other}; expected a table of keys and values, e.g. set = {{ \"owners.enforcement\" = 0.6 }}"
                    ),
                ));
            }
            None => Vec::new(),
        };
        if set.is_empty() {
            return Err(src.error(
                Some(&entry),
                format!("{entry} sets nothing; give set = {{ \"section.key\" = value, … }}"),
            ));
        }
        out.push(Change {
            month,
            ramp_months,
            set,
        });
    }
    Ok(out)
}

/// Checks the changes against the resolved scenario (see [`Params::check_changes`]); an
/// error points at the entry, or its key, in the most derived file with `[[changes]]`.
pub(super) fn check(
    fs: &dyn Files,
    params: &mut Params,
    files: &[PathBuf],
) -> Result<(), ScenarioError> {
    let Err(e) = params.check_changes() else {
        return Ok(());
    };
    let entry = format!("changes[{}]", e.index);
    let wanted: Vec<String> = match &e.key {
        Some(k) => vec![format!("{entry}.set.{k}"), entry.clone()],
        None => vec![format!("{entry}.month"), entry.clone()],
    };
    for f in files {
        let Ok(text) = fs.read(f) else {
            continue;
        };
        let spans = key_spans(&text);
        if !spans.contains_key("changes") {
            continue;
        }
        let src = Source {
            file: f.display().to_string(),
            text,
            spans,
        };
        let key = wanted
            .iter()
            .find(|k| src.spans.contains_key(*k))
            .cloned()
            .unwrap_or_else(|| "changes".into());
        return Err(src.error(Some(&key), e.message));
    }
    Err(ScenarioError {
        file: files
            .first()
            .map_or("scenario".into(), |f| f.display().to_string()),
        line: None,
        column: None,
        key: e.key,
        message: e.message,
        snippet: None,
    })
}
