//! SPACE.toml: the factors of a sensitivity analysis or a calibration, each with its range.
//!
//! ```toml
//! [[factor]]
//! name = "fees.satisfaction_weight"   # any text; for shequ runs, a scenario key
//! lo = 0.2
//! hi = 0.8
//! dist = "uniform"                     # optional: "uniform" (default) or "normal"
//! comment = "why this range"           # optional
//! ```
//!
//! `lo < hi`, both finite. With `dist = "normal"`, `lo` and `hi` are the central 95 % range:
//! mean `(lo + hi) / 2`, standard deviation `(hi - lo) / (2 · 1.959964)`, unbounded. Factor
//! names are not checked against the parameter registry here: `shequ sensitivity run` does
//! that. Errors name the file, the line, the key and what is allowed, as scenario errors do.

use std::collections::HashSet;
use std::path::Path;

use statrs::distribution::{ContinuousCDF, Normal};

use crate::io::scenario::{ScenarioError, key_spans, locate, parse_toml};

/// The largest SPACE.toml read (1 MiB), as for scenario files.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// The 97.5 % quantile of the standard normal: `lo`/`hi` of a normal factor are its
/// central 95 % range.
const Z975: f64 = 1.959_963_984_540_054;

/// How a factor's unit-interval coordinate maps to its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dist {
    /// Uniform on `[lo, hi]`.
    Uniform,
    /// Normal with `[lo, hi]` as its central 95 % range (unbounded).
    Normal,
}

impl Dist {
    /// The name used in SPACE.toml.
    pub fn name(self) -> &'static str {
        match self {
            Dist::Uniform => "uniform",
            Dist::Normal => "normal",
        }
    }
}

/// One uncertain input of a sensitivity analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// Any text; for shequ runs, a scenario key such as `fees.satisfaction_weight`.
    pub name: String,
    /// Lower end of the range (uniform) or of the central 95 % range (normal).
    pub lo: f64,
    /// Upper end, as `lo`.
    pub hi: f64,
    pub dist: Dist,
    /// Why this range (free text, optional).
    pub comment: Option<String>,
}

impl Factor {
    /// The factor's value at the unit-interval coordinate `u`: `lo + u (hi - lo)` for a
    /// uniform factor, the normal quantile at `u` for a normal one (`u` must then lie
    /// strictly inside (0, 1); 0 and 1 give minus and plus infinity).
    pub fn scale(&self, u: f64) -> f64 {
        match self.dist {
            Dist::Uniform => self.lo + u * (self.hi - self.lo),
            Dist::Normal => {
                let mean = 0.5 * (self.lo + self.hi);
                let sd = (self.hi - self.lo) / (2.0 * Z975);
                // sd > 0 and finite: checked when the space was loaded.
                Normal::new(mean, sd).map_or(f64::NAN, |n| n.inverse_cdf(u))
            }
        }
    }

    /// `hi - lo`: the unit Morris effects are scaled back by (SALib reports mu* per unit
    /// of the range scaled to [0, 1], so the analysis itself does not use it).
    pub fn range(&self) -> f64 {
        self.hi - self.lo
    }

    /// The factor as the manifests record it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name, "lo": self.lo, "hi": self.hi, "dist": self.dist.name(),
        })
    }
}

const FACTOR_KEYS: [&str; 5] = ["name", "lo", "hi", "dist", "comment"];

/// Reads a SPACE.toml file: at least one `[[factor]]`, names unique.
pub fn load_space(path: &Path) -> Result<Vec<Factor>, ScenarioError> {
    read_space(path).map(|(_, factors)| factors)
}

/// Reads a SPACE.toml file as [`load_space`] does; returns its text too (what an output
/// folder or a plan keeps of it).
pub fn read_space(path: &Path) -> Result<(String, Vec<Factor>), ScenarioError> {
    let file = path.display().to_string();
    let plain = |message: String| ScenarioError {
        file: file.clone(),
        line: None,
        column: None,
        key: None,
        message,
        snippet: None,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| plain(format!("cannot read the space file: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(plain(format!(
            "the file has {size} bytes; a space file may have at most {MAX_FILE_BYTES} (1 MiB)"
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| plain(format!("cannot read the space file: {e}")))?;
    let factors = parse_space(&text, &file)?;
    Ok((text, factors))
}

/// Parses the text of a SPACE.toml; `file` names it in errors.
pub fn parse_space(text: &str, file: &str) -> Result<Vec<Factor>, ScenarioError> {
    let table = parse_toml(text, file)?;
    let spans = key_spans(text);
    let error = |key: &str, message: String| {
        let located = spans.get(key).map(|s| locate(text, s.clone()));
        ScenarioError {
            file: file.to_string(),
            line: located.as_ref().map(|l| l.0),
            column: located.as_ref().map(|l| l.1),
            key: Some(key.to_string()),
            message,
            snippet: located.map(|l| l.2),
        }
    };
    for k in table.keys() {
        if k != "factor" {
            return Err(error(
                k,
                "is not a key of a space file (allowed: [[factor]] tables with name, lo, hi, dist, comment)".into(),
            ));
        }
    }
    let Some(items) = table.get("factor") else {
        return Err(error(
            "factor",
            "a space file needs at least one [[factor]] table (name, lo, hi, optional dist and comment)".into(),
        ));
    };
    let toml::Value::Array(items) = items else {
        return Err(error(
            "factor",
            "expected [[factor]] tables (name, lo, hi, optional dist and comment)".into(),
        ));
    };
    if items.is_empty() {
        return Err(error(
            "factor",
            "a space file needs at least one [[factor]] table".into(),
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("factor[{i}]");
        let toml::Value::Table(t) = item else {
            return Err(error(
                &at,
                "expected a table with name, lo, hi (optional dist, comment)".into(),
            ));
        };
        for k in t.keys() {
            if !FACTOR_KEYS.contains(&k.as_str()) {
                return Err(error(
                    &format!("{at}.{k}"),
                    "is not a key of a factor (allowed: name, lo, hi, dist, comment)".into(),
                ));
            }
        }
        let name = match t.get("name") {
            Some(toml::Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(_) => {
                return Err(error(
                    &format!("{at}.name"),
                    "expected a non-empty string (a scenario key for shequ runs)".into(),
                ));
            }
            None => return Err(error(&at, "a factor needs a `name`".into())),
        };
        if !seen.insert(name.clone()) {
            return Err(error(
                &format!("{at}.name"),
                format!("factor `{name}` is listed twice; each factor may appear once"),
            ));
        }
        let number = |key: &str| -> Result<f64, ScenarioError> {
            let path = format!("{at}.{key}");
            match t.get(key) {
                Some(toml::Value::Float(x)) if x.is_finite() => Ok(*x),
                Some(toml::Value::Integer(x)) => Ok(*x as f64),
                Some(other) => Err(error(
                    &path,
                    format!("is {other}; expected a finite number"),
                )),
                None => Err(error(
                    &at,
                    format!("factor `{name}` needs `{key}` (a finite number)"),
                )),
            }
        };
        let lo = number("lo")?;
        let hi = number("hi")?;
        if lo >= hi || !(hi - lo).is_finite() {
            return Err(error(
                &format!("{at}.hi"),
                format!("factor `{name}` has lo = {lo}, hi = {hi}; expected lo < hi"),
            ));
        }
        let dist = match t.get("dist") {
            None => Dist::Uniform,
            Some(toml::Value::String(s)) if s == "uniform" => Dist::Uniform,
            Some(toml::Value::String(s)) if s == "normal" => Dist::Normal,
            Some(other) => {
                return Err(error(
                    &format!("{at}.dist"),
                    format!(
                        "is {other}; allowed: \"uniform\" (on [lo, hi]) or \"normal\" (lo, hi its central 95 % range)"
                    ),
                ));
            }
        };
        let comment = match t.get("comment") {
            None => None,
            Some(toml::Value::String(s)) => Some(s.clone()),
            Some(_) => {
                return Err(error(&format!("{at}.comment"), "expected a string".into()));
            }
        };
        out.push(Factor {
            name,
            lo,
            hi,
            dist,
            comment,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_factors_with_defaults() {
        let s = parse_space(
            "[[factor]]\nname = \"a\"\nlo = 0\nhi = 2.5\n\n[[factor]]\nname = \"b c\"\nlo = -1\nhi = 1\ndist = \"normal\"\ncomment = \"x\"\n",
            "s.toml",
        )
        .unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].dist, Dist::Uniform);
        assert_eq!((s[0].lo, s[0].hi), (0.0, 2.5));
        assert_eq!(s[0].scale(0.5), 1.25);
        assert_eq!(s[1].dist, Dist::Normal);
        assert_eq!(s[1].comment.as_deref(), Some("x"));
        // The 95 % range maps back to lo and hi.
        assert!((s[1].scale(0.025) + 1.0).abs() < 1e-9);
        assert!((s[1].scale(0.975) - 1.0).abs() < 1e-9);
        assert!(s[1].scale(0.5).abs() < 1e-12);
    }

    fn err(text: &str) -> String {
        parse_space(text, "s.toml").unwrap_err().to_string()
    }

    #[test]
    fn refuses_bad_spaces_naming_line_and_key() {
        let e = err("[[factor]]\nname = \"a\"\nlo = 1\nhi = 1\n");
        assert!(
            e.contains("s.toml:4:1") && e.contains("factor[0].hi") && e.contains("lo < hi"),
            "{e}"
        );
        let e = err("[[factor]]\nname = \"a\"\nlo = 0\nhi = 1\ndist = \"beta\"\n");
        assert!(
            e.contains("factor[0].dist") && e.contains("\"uniform\""),
            "{e}"
        );
        let e = err("[[factor]]\nname = \"a\"\nlo = 0\nhi = \"x\"\n");
        assert!(e.contains("finite number"), "{e}");
        let e = err("[[factor]]\nname = \"a\"\nlo = 0\nhi = nan\n");
        assert!(e.contains("finite number"), "{e}");
        let e = err("[[factor]]\nname = \"a\"\nlo = 0\n");
        assert!(e.contains("needs `hi`"), "{e}");
        let e = err("[[factor]]\nname = \"a\"\nlo = 0\nhi = 1\nstep = 2\n");
        assert!(
            e.contains("factor[0].step") && e.contains("allowed: name, lo, hi"),
            "{e}"
        );
        let e = err(
            "[[factor]]\nname = \"a\"\nlo = 0\nhi = 1\n[[factor]]\nname = \"a\"\nlo = 0\nhi = 1\n",
        );
        assert!(e.contains("twice"), "{e}");
        let e = err("factors = 1\n");
        assert!(e.contains("`factors`"), "{e}");
        let e = err("");
        assert!(e.contains("at least one"), "{e}");
        let e = err("[[factor]\n");
        assert!(
            e.contains("not valid TOML") && e.contains("s.toml:1"),
            "{e}"
        );
    }
}
