//! The plausible parameter set that `compare --posterior` runs every arm at: the
//! `accepted.csv` of `shequ calibrate` (or any CSV whose header starts with scenario keys,
//! optionally after a `point` column).
//!
//! The factor columns are the scenario keys that follow `point`, up to the first column
//! that is not a key (calibrate's `<target>_mean`, `max_I`, `accepted` ...). When an
//! `accepted` column is present, only rows with `true` are used.

use std::path::Path;

use crate::io::error::{Error, Result};
use crate::model::params::Params;

/// Most points `compare --posterior` runs every arm at.
pub const MAX_POINTS: usize = 10_000;

/// The accepted points: factor keys and, per point, its values as written (validated when
/// applied to each arm) with the line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    pub keys: Vec<String>,
    /// (line number in the file, value text per key).
    pub points: Vec<(u64, Vec<String>)>,
}

impl Posterior {
    /// `key=value` overrides for point `i`.
    pub fn overrides(&self, i: usize) -> Vec<String> {
        self.keys
            .iter()
            .zip(&self.points[i].1)
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    }
}

/// Reads `path`. Errors name the file, the line and what is allowed.
pub fn read(path: &Path) -> Result<Posterior> {
    let file = path.display();
    let refuse = |line: u64, m: String| Error::Input(format!("{file}:{line}: {m}"));
    let mut r = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| Error::Input(format!("{file}: cannot read: {e}")))?;
    let header = r
        .headers()
        .map_err(|e| Error::Input(format!("{file}: cannot read its header: {e}")))?
        .clone();
    let known: Vec<String> = Params::specs().into_iter().map(|s| s.key).collect();
    let start = usize::from(header.get(0) == Some("point"));
    let keys: Vec<String> = header
        .iter()
        .skip(start)
        .take_while(|h| known.iter().any(|k| k == h))
        .map(str::to_string)
        .collect();
    if keys.is_empty() {
        let first = header.get(start).unwrap_or("");
        return Err(refuse(
            1,
            format!(
                "expected scenario keys as the first columns (after an optional `point`), as in calibrate's accepted.csv; `{first}` is not a scenario key (`shequ explain` lists them)"
            ),
        ));
    }
    if let Some(k) = keys.iter().find(|k| k.starts_with("run.")) {
        return Err(refuse(
            1,
            format!("`{k}`: run.* keys cannot vary across points; use --seed, --reps, --years"),
        ));
    }
    let accepted = header.iter().position(|h| h == "accepted");
    let mut points = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            refuse(
                line,
                format!("{e} (every row needs one cell per column of the header)"),
            )
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        if let Some(a) = accepted {
            match rec.get(a).map(str::trim) {
                Some("true") => {}
                Some("false") => continue,
                other => {
                    return Err(refuse(
                        line,
                        format!(
                            "column `accepted`: `{}`; expected true or false",
                            other.unwrap_or("")
                        ),
                    ));
                }
            }
        }
        let values: Vec<String> = (0..keys.len())
            .map(|i| rec.get(start + i).unwrap_or("").trim().to_string())
            .collect();
        if let Some(i) = values.iter().position(String::is_empty) {
            return Err(refuse(line, format!("`{}` has no value", keys[i])));
        }
        points.push((line, values));
        if points.len() > MAX_POINTS {
            return Err(refuse(
                line,
                format!("more than {MAX_POINTS} points; thin the set first"),
            ));
        }
    }
    if points.is_empty() {
        return Err(Error::Input(format!(
            "{file}: no accepted point: nothing to run (calibrate accepted none? widen its space or add replications)"
        )));
    }
    Ok(Posterior { keys, points })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("accepted.csv");
        std::fs::write(&p, text).unwrap();
        (d, p)
    }

    #[test]
    fn reads_factor_columns_and_only_accepted_rows() {
        let (_d, p) = write(
            "point,owners.enforcement,owners.weight_satisfaction,fee_collection_rate_mean,max_I,accepted\n\
             3,0.2,0.5,0.8,1.0,true\n\
             7,0.4,0.6,0.7,3.5,false\n\
             9,0.3,0.7,0.79,0.4,true\n",
        );
        let post = read(&p).unwrap();
        assert_eq!(
            post.keys,
            ["owners.enforcement", "owners.weight_satisfaction"]
        );
        assert_eq!(post.points.len(), 2);
        assert_eq!(post.points[1].0, 4);
        assert_eq!(
            post.overrides(1),
            ["owners.enforcement=0.3", "owners.weight_satisfaction=0.7"]
        );
    }

    #[test]
    fn bad_files_name_the_line() {
        let cases = [
            ("point,not.a_key\n1,2\n", ":1:"),
            ("owners.enforcement\n", "no accepted point"),
            ("owners.enforcement,accepted\n0.2,maybe\n", ":2:"),
            ("owners.enforcement,x\n0.2,1\n0.3\n", ":3:"),
            ("run.years\n3\n", "run.*"),
            ("owners.enforcement,x\n,1\n", "has no value"),
        ];
        for (text, want) in cases {
            let (_d, p) = write(text);
            let e = read(&p).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
            assert!(e.contains("accepted.csv"), "{e}");
        }
    }
}
