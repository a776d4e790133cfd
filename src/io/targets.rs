//! `targets.toml`: the external figures a calibration matches (docs/ODD.md §9). A list of
//! `[[target]]` tables:
//!
//! ```toml
//! [[target]]
//! metric = "fee_collection_rate"   # a metric of the registry (`shequ explain --metrics`)
//! window = "last_year"             # final_month, last_year, first_year, settled, whole_run
//! lo = 0.76
//! hi = 0.82
//! source = "..."                   # where the figure comes from
//! grade = "industry"               # official statistic, peer-reviewed, industry, press, assumption
//! holdout = false                  # true: held out for validation, not used to accept
//! name = "collection"              # optional; default: the metric's name; unique
//! ```
//!
//! Errors name the file, the line, the key and what is allowed.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use crate::experiment::calibrate::{Grade, Target};
use crate::experiment::windows::Window;
use crate::io::scenario::{ScenarioError, key_spans, locate, parse_toml};
use crate::model::metrics::{M, METRICS};

const KEYS: [&str; 8] = [
    "metric", "window", "lo", "hi", "source", "grade", "holdout", "name",
];

struct Doc<'a> {
    file: String,
    text: &'a str,
    spans: HashMap<String, Range<usize>>,
}

impl Doc<'_> {
    fn error(&self, key: Option<&str>, message: String) -> ScenarioError {
        let located = key
            .and_then(|k| self.spans.get(k))
            .map(|s| locate(self.text, s.clone()));
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

fn closest<'a>(word: &str, known: impl Iterator<Item = &'a str>) -> String {
    known
        .map(|k| (strsim::levenshtein(word, k), k))
        .filter(|(d, k)| *d <= 3.max(k.len() / 5))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

/// Reads and checks a targets file.
pub fn load(path: &Path) -> Result<Vec<Target>, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: file.clone(),
        line: None,
        column: None,
        key: None,
        message: format!("cannot read the targets file: {e}"),
        snippet: None,
    })?;
    parse(&file, &text)
}

/// Parses the text of a targets file named `file` (for messages).
pub fn parse(file: &str, text: &str) -> Result<Vec<Target>, ScenarioError> {
    let doc = Doc {
        file: file.to_string(),
        text,
        spans: key_spans(text),
    };
    let table = parse_toml(text, file)?;
    for k in table.keys() {
        if k != "target" {
            return Err(doc.error(
                Some(k),
                "unknown top-level key; a targets file holds only [[target]] tables".into(),
            ));
        }
    }
    let Some(list) = table.get("target") else {
        return Err(doc.error(None, "no [[target]] table: give at least one".into()));
    };
    let Some(list) = list.as_array() else {
        return Err(doc.error(
            Some("target"),
            "must be a list of tables: write each as [[target]]".into(),
        ));
    };
    let mut targets: Vec<Target> = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let here = format!("target[{i}]");
        let key = |k: &str| format!("{here}.{k}");
        let Some(t) = item.as_table() else {
            return Err(doc.error(
                Some(&here),
                "must be a table: write it as [[target]]".into(),
            ));
        };
        for k in t.keys() {
            if !KEYS.contains(&k.as_str()) {
                return Err(doc.error(
                    Some(&key(k)),
                    format!(
                        "unknown key{}; a target has {}",
                        closest(k, KEYS.iter().copied()),
                        KEYS.join(", ")
                    ),
                ));
            }
        }
        let string = |k: &str| -> Result<String, ScenarioError> {
            match t.get(k) {
                Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
                Some(_) => Err(doc.error(Some(&key(k)), "must be a non-empty string".into())),
                None => Err(doc.error(Some(&here), format!("missing key `{k}`"))),
            }
        };
        let number = |k: &str| -> Result<f64, ScenarioError> {
            let x = match t.get(k) {
                Some(toml::Value::Float(x)) => *x,
                Some(toml::Value::Integer(n)) => *n as f64,
                Some(_) => return Err(doc.error(Some(&key(k)), "must be a number".into())),
                None => return Err(doc.error(Some(&here), format!("missing key `{k}`"))),
            };
            if x.is_finite() {
                Ok(x)
            } else {
                Err(doc.error(Some(&key(k)), "must be a finite number".into()))
            }
        };
        let metric_name = string("metric")?;
        let Some(metric) = M::from_name(&metric_name) else {
            return Err(doc.error(
                Some(&key("metric")),
                format!(
                    "no metric `{metric_name}`{}; `shequ explain --metrics` lists them",
                    closest(&metric_name, METRICS.iter().map(|m| m.name))
                ),
            ));
        };
        let window_name = string("window")?;
        let Some(window) = Window::from_name(&window_name) else {
            return Err(doc.error(
                Some(&key("window")),
                format!(
                    "no window `{window_name}`; allowed: {}",
                    Window::NAMED.map(Window::name).join(", ")
                ),
            ));
        };
        let lo = number("lo")?;
        let hi = number("hi")?;
        if lo > hi {
            return Err(doc.error(Some(&key("hi")), format!("hi ({hi}) is below lo ({lo})")));
        }
        let (blo, bhi) = (metric.meta().unit.lo, metric.meta().unit.hi);
        if blo.is_some_and(|b| lo < b) || bhi.is_some_and(|b| hi > b) {
            return Err(doc.error(
                Some(&key(if blo.is_some_and(|b| lo < b) {
                    "lo"
                } else {
                    "hi"
                })),
                format!(
                    "{metric_name} lies in [{}, {}]; the range {lo}-{hi} leaves it",
                    blo.map_or("-inf".into(), |b| b.to_string()),
                    bhi.map_or("inf".into(), |b| b.to_string())
                ),
            ));
        }
        let source = string("source")?;
        let grade_name = string("grade")?;
        let Some(grade) = Grade::from_name(&grade_name) else {
            return Err(doc.error(
                Some(&key("grade")),
                format!(
                    "no grade `{grade_name}`; allowed: {}",
                    Grade::ALL.map(Grade::name).join(", ")
                ),
            ));
        };
        let holdout = match t.get("holdout") {
            Some(toml::Value::Boolean(b)) => *b,
            Some(_) => {
                return Err(doc.error(Some(&key("holdout")), "must be true or false".into()));
            }
            None => {
                return Err(doc.error(
                    Some(&here),
                    "missing key `holdout` (true: held out for validation, false: used to calibrate)"
                        .into(),
                ));
            }
        };
        let name = match t.get("name") {
            None => metric_name.clone(),
            Some(_) => string("name")?,
        };
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(doc.error(
                Some(&key("name")),
                format!("`{name}`: use letters, digits, _ and - only (it names CSV columns)"),
            ));
        }
        if targets.iter().any(|o| o.name == name) {
            return Err(doc.error(
                Some(&here),
                format!("a second target named `{name}`: give each a unique `name`"),
            ));
        }
        targets.push(Target {
            name,
            metric,
            window,
            lo,
            hi,
            source,
            grade,
            holdout,
        });
    }
    if targets.iter().all(|t| t.holdout) {
        return Err(doc.error(
            None,
            "every target is held out: at least one must have holdout = false".into(),
        ));
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[target]]
metric = "fee_collection_rate"
window = "last_year"
lo = 0.76
hi = 0.82
source = "test"
grade = "industry"
holdout = false
"#;

    fn err(text: &str) -> ScenarioError {
        parse("t.toml", text).unwrap_err()
    }

    #[test]
    fn the_shipped_targets_load_and_name_registry_metrics() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("targets.toml");
        let targets = load(&path).unwrap();
        assert!(targets.len() >= 8, "{} targets", targets.len());
        for t in &targets {
            assert_eq!(M::from_name(t.metric.name()), Some(t.metric));
            assert!(!t.source.trim().is_empty(), "{}", t.name);
            assert!(t.lo <= t.hi);
        }
        assert!(targets.iter().any(|t| t.holdout));
        assert!(targets.iter().any(|t| !t.holdout));
    }

    #[test]
    fn a_good_target_parses() {
        let t = parse("t.toml", GOOD).unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].metric, M::FeeCollectionRate);
        assert_eq!(t[0].window, Window::LastYear);
        assert_eq!(t[0].grade, Grade::Industry);
        assert_eq!(t[0].name, "fee_collection_rate");
    }

    #[test]
    fn bad_targets_name_file_line_key_and_what_is_allowed() {
        let e = err(&GOOD.replace("fee_collection_rate", "fee_colection_rate"));
        assert_eq!(e.line, Some(3));
        assert!(
            e.to_string().contains("did you mean `fee_collection_rate`"),
            "{e}"
        );
        let e = err(&GOOD.replace("last_year", "last_decade"));
        assert_eq!(e.line, Some(4));
        assert!(e.to_string().contains("final_month"), "{e}");
        let e = err(&GOOD.replace("\"industry\"", "\"blog\""));
        assert_eq!(e.line, Some(8));
        assert!(e.to_string().contains("official statistic"), "{e}");
        let e = err(&GOOD.replace("hi = 0.82", "hi = 0.7"));
        assert_eq!(e.key.as_deref(), Some("target[0].hi"));
        let e = err(&GOOD.replace("hi = 0.82", "hi = 1.5"));
        assert!(e.to_string().contains("[0, 1]"), "{e}");
        let e = err(&GOOD.replace("holdout = false", "holdout = 1"));
        assert_eq!(e.line, Some(9));
        let e = err(&GOOD.replace("holdout = false", ""));
        assert!(e.to_string().contains("missing key `holdout`"), "{e}");
        let e = err(&GOOD.replace("holdout = false", "holdout = true"));
        assert!(e.to_string().contains("every target is held out"), "{e}");
        let e = err(&GOOD.replace("lo = 0.76", "lo = 0.76\nlow = 1"));
        assert!(e.to_string().contains("unknown key"), "{e}");
        assert_eq!(e.line, Some(6));
        let e = err(&format!("{GOOD}{GOOD}"));
        assert!(e.to_string().contains("unique"), "{e}");
        let e = err("[target]\nmetric = 1\n");
        assert!(e.to_string().contains("[[target]]"), "{e}");
        let e = err("x = ");
        assert!(e.to_string().contains("not valid TOML"), "{e}");
        assert!(e.to_string().starts_with("t.toml:1"), "{e}");
    }
}
