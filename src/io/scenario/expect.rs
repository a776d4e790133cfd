//! The `[lever]` and `[expect]` tables of a scenario file: what `shequ validate` checks of
//! a lever (see `experiment::validate::reforms` for the schema). Metric names are checked
//! against the registry, windows against `experiment::windows`, with errors that name the
//! file, the line, the key and what is allowed.

use std::path::Path;

use super::{Files, Source, suggest};
use crate::experiment::validate::{Dir, Expectation, Indicator, Lever, RunLength, Test};
use crate::experiment::windows::Window;
use crate::model::metrics::{M, METRICS};

use super::ScenarioError;

/// `a, b, c` of names.
fn list(names: impl IntoIterator<Item = &'static str>) -> String {
    names.into_iter().collect::<Vec<_>>().join(", ")
}

/// A metric named in a scenario file, checked against the registry.
fn metric_at(name: &str, key: &str, src: &Source) -> Result<M, ScenarioError> {
    M::from_name(name).ok_or_else(|| {
        let known: Vec<String> = METRICS.iter().map(|m| m.name.to_string()).collect();
        let hint = suggest(name, &known)
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        src.error(
            Some(key),
            format!(
                "unknown metric `{name}`; {hint}allowed: {}",
                list(METRICS.iter().map(|m| m.name))
            ),
        )
    })
}

fn str_at<'a>(
    t: &'a toml::Table,
    k: &str,
    key: &str,
    src: &Source,
) -> Result<Option<&'a str>, ScenarioError> {
    match t.get(k) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(src.error(Some(key), format!("expected a string, found {other}"))),
    }
}

fn refuse_unknown(
    t: &toml::Table,
    prefix: &str,
    allowed: &[&str],
    src: &Source,
) -> Result<(), ScenarioError> {
    for k in t.keys() {
        if !allowed.contains(&k.as_str()) {
            let known: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
            let hint = suggest(k, &known)
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            return Err(src.error(
                Some(&format!("{prefix}.{k}")),
                format!(
                    "unknown key in [{prefix}]; {hint}allowed: {}",
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Parses `[lever]`: `section` (essay section), `cost` (metrics its cost shows in), `runs`
/// (`long` or `short`).
pub(super) fn parse_lever(v: &toml::Value, src: &Source) -> Result<Lever, ScenarioError> {
    let toml::Value::Table(t) = v else {
        return Err(src.error(Some("lever"), "expected a [lever] table".into()));
    };
    refuse_unknown(t, "lever", &["section", "cost", "runs"], src)?;
    let section = str_at(t, "section", "lever.section", src)?.map(str::to_string);
    let cost = match t.get("cost") {
        None => Vec::new(),
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                toml::Value::String(n) => metric_at(n, "lever.cost", src),
                other => Err(src.error(
                    Some("lever.cost"),
                    format!("expected metric names, found {other}"),
                )),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(src.error(
                Some("lever.cost"),
                format!("expected a list of metric names, found {other}"),
            ));
        }
    };
    let runs = match str_at(t, "runs", "lever.runs", src)? {
        None => RunLength::Long,
        Some(r) => RunLength::ALL
            .into_iter()
            .find(|x| x.name() == r)
            .ok_or_else(|| {
                src.error(
                    Some("lever.runs"),
                    format!("`{r}` is not a run length (allowed: long, short)"),
                )
            })?,
    };
    Ok(Lever {
        section,
        cost,
        runs,
    })
}

const EXPECT_KEYS: [&str; 15] = [
    "metric",
    "indicator",
    "window",
    "dir",
    "against",
    "at_least",
    "within",
    "of",
    "recovery_after",
    "slower_than",
    "finding",
    "decimals",
    "expected",
    "expected_zh",
    "source",
];

/// Parses `[expect]`: one table per case, keyed by the case name (see docs in
/// `experiment::validate::reforms` and `scenarios/baseline.toml`).
pub(super) fn parse_expect(
    v: &toml::Value,
    lever: Option<&Lever>,
    dir: &Path,
    fs: &dyn Files,
    src: &Source,
) -> Result<Vec<Expectation>, ScenarioError> {
    let toml::Value::Table(cases) = v else {
        return Err(src.error(Some("expect"), "expected [expect.<case>] tables".into()));
    };
    let windows = || Window::NAMED.map(Window::name).join(", ");
    let mut out = Vec::new();
    for (case, entry) in cases {
        let at = |k: &str| format!("expect.{case}.{k}");
        let here = format!("expect.{case}");
        if case.is_empty()
            || !case
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(src.error(Some(&here), "a case name is snake_case".into()));
        }
        let toml::Value::Table(t) = entry else {
            return Err(src.error(
                Some(&here),
                format!(
                    "expected a table [expect.{case}] with {}",
                    EXPECT_KEYS.join(", ")
                ),
            ));
        };
        refuse_unknown(t, &here, &EXPECT_KEYS, src)?;
        let window = |k: &str| -> Result<Option<Window>, ScenarioError> {
            match str_at(t, k, &at(k), src)? {
                None => Ok(None),
                Some(w) => Window::from_name(w).map(Some).ok_or_else(|| {
                    src.error(
                        Some(&at(k)),
                        format!("`{w}` is not a window (allowed: {})", windows()),
                    )
                }),
            }
        };
        let indicator = match (
            str_at(t, "metric", &at("metric"), src)?,
            str_at(t, "indicator", &at("indicator"), src)?,
        ) {
            (Some(m), None) if t.contains_key("recovery_after") => {
                if t.contains_key("window") {
                    return Err(src.error(
                        Some(&at("window")),
                        "a recovery case reads the metric month by month; give no window".into(),
                    ));
                }
                Indicator::Metric(metric_at(m, &at("metric"), src)?, Window::WholeRun)
            }
            (Some(m), None) => {
                let m = metric_at(m, &at("metric"), src)?;
                let w = window("window")?.ok_or_else(|| {
                    src.error(
                        Some(&here),
                        format!("a metric needs a window (allowed: {})", windows()),
                    )
                })?;
                Indicator::Metric(m, w)
            }
            (None, Some(i)) => {
                if t.contains_key("window") {
                    return Err(src.error(
                        Some(&at("window")),
                        "a derived indicator has its own window; give none".into(),
                    ));
                }
                Indicator::derived(i).ok_or_else(|| {
                    src.error(
                        Some(&at("indicator")),
                        format!(
                            "unknown indicator `{i}` (allowed: {}; or give a metric)",
                            list(Indicator::DERIVED.map(|d| d.0))
                        ),
                    )
                })?
            }
            _ => {
                return Err(src.error(
                    Some(&here),
                    "give either a metric (with a window) or an indicator".into(),
                ));
            }
        };
        let number = |k: &str| -> Result<Option<f64>, ScenarioError> {
            match t.get(k) {
                None => Ok(None),
                Some(toml::Value::Float(x)) if x.is_finite() => Ok(Some(*x)),
                Some(toml::Value::Integer(x)) => Ok(Some(*x as f64)),
                Some(other) => Err(src.error(
                    Some(&at(k)),
                    format!("expected a finite number, found {other}"),
                )),
            }
        };
        let dir_of = match str_at(t, "dir", &at("dir"), src)? {
            None => None,
            Some(d) => Some(match d {
                "up" => Dir::Up,
                "down" => Dir::Down,
                _ => {
                    return Err(src.error(
                        Some(&at("dir")),
                        format!("`{d}` is not a direction (allowed: up, down)"),
                    ));
                }
            }),
        };
        let against = window("against")?;
        let of = str_at(t, "of", &at("of"), src)?;
        let recovery = match (number("recovery_after")?, number("slower_than")?) {
            (None, None) => None,
            (Some(after), Some(slower))
                if after >= 2.0
                    && after.fract() == 0.0
                    && slower >= 0.0
                    && slower.fract() == 0.0 =>
            {
                Some((after as u32, slower as u32))
            }
            (Some(_), Some(_)) => {
                return Err(src.error(
                    Some(&at("recovery_after")),
                    "`recovery_after` is the month the policy is restored (a whole number from 2) and `slower_than` a whole number of months from 0".into(),
                ));
            }
            _ => {
                return Err(src.error(
                    Some(&here),
                    "a recovery case needs both `recovery_after` (the month the policy is restored) and `slower_than` (months)".into(),
                ));
            }
        };
        let test = match (dir_of, number("at_least")?, number("within")?) {
            (None, None, None) if recovery.is_some() => {
                let (after, slower_than) = recovery.expect("checked");
                if !matches!(indicator, Indicator::Metric(..)) {
                    return Err(src.error(Some(&here), "a recovery case needs a metric".into()));
                }
                Test::Recovery { after, slower_than }
            }
            _ if recovery.is_some() => {
                return Err(src.error(
                    Some(&here),
                    "a recovery case (recovery_after, slower_than) takes no dir, at_least or within".into(),
                ));
            }
            (Some(dir), None, None) => {
                if against.is_some() && !matches!(indicator, Indicator::Metric(..)) {
                    return Err(src.error(Some(&at("against")), "`against` needs a metric".into()));
                }
                Test::Paired { dir, against }
            }
            (None, Some(goal), None) => Test::AtLeast(goal),
            (None, None, Some(rel)) if rel >= 0.0 => {
                let Some(of) = of else {
                    return Err(src.error(
                        Some(&at("within")),
                        "`within` needs `of`, the scenario file to compare with".into(),
                    ));
                };
                if !fs.is_file(&dir.join(of)) {
                    return Err(src.error(
                        Some(&at("of")),
                        format!(
                            "{} is not a file (paths are relative to this file)",
                            dir.join(of).display()
                        ),
                    ));
                }
                Test::Within {
                    rel,
                    of: of.to_string(),
                }
            }
            _ => {
                return Err(src.error(
                    Some(&here),
                    "give exactly one test: dir (up, down), at_least (a number), within (a relative tolerance from 0, with of) or recovery_after with slower_than".into(),
                ));
            }
        };
        if against.is_some() && !matches!(test, Test::Paired { .. }) {
            return Err(src.error(Some(&at("against")), "`against` goes with dir".into()));
        }
        if of.is_some() && !matches!(test, Test::Within { .. }) {
            return Err(src.error(Some(&at("of")), "`of` goes with within".into()));
        }
        let finding = match t.get("finding") {
            None => false,
            Some(toml::Value::Boolean(b)) => *b,
            Some(other) => {
                return Err(src.error(
                    Some(&at("finding")),
                    format!("expected true or false, found {other}"),
                ));
            }
        };
        let decimals = match t.get("decimals") {
            None => 3,
            Some(toml::Value::Integer(d)) if (0..=6).contains(d) => *d as usize,
            Some(other) => {
                return Err(src.error(
                    Some(&at("decimals")),
                    format!("expected a whole number from 0 to 6, found {other}"),
                ));
            }
        };
        let expected = str_at(t, "expected", &at("expected"), src)?
            .ok_or_else(|| {
                src.error(
                    Some(&here),
                    "needs `expected`: what the essay expects, in words".into(),
                )
            })?
            .to_string();
        // The Chinese of `expected` (`--lang zh`); without it, the English is shown.
        let expected_zh = str_at(t, "expected_zh", &at("expected_zh"), src)?
            .map_or_else(|| expected.clone(), str::to_string);
        let source = match (
            str_at(t, "source", &at("source"), src)?,
            lever.and_then(|l| l.section.as_deref()),
        ) {
            (Some(s), _) => s.to_string(),
            (None, Some(section)) => format!("essay {section}"),
            (None, None) => {
                return Err(src.error(
                    Some(&here),
                    "needs a `source` (or a [lever] section to cite)".into(),
                ));
            }
        };
        out.push(Expectation {
            case: case.clone(),
            indicator,
            test,
            finding,
            decimals,
            expected,
            expected_zh,
            source,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::write;
    use super::super::{apply_overrides, library_levers, load};
    use super::*;

    #[test]
    fn lever_and_expect_are_read_for_the_file_given_only() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "other.toml", "name = \"o\"\n");
        let f = write(
            d.path(),
            "lever.toml",
            "name = \"l\"\n[workforce]\npay_ratio_staff = 1.0\n\n[lever]\nsection = \"三.(三).4\"\ncost = [\"workforce_cost\", \"public_cost\"]\nruns = \"short\"\n\n[expect.a_case]\nmetric = \"worker_turnover_annual\"\nwindow = \"settled\"\ndir = \"down\"\nexpected = \"fewer quit\"\n\n[expect.b_case]\nindicator = \"t90_hours\"\nat_least = 1\nfinding = true\ndecimals = 2\nexpected = \"slow\"\nsource = \"here\"\n\n[expect.c_case]\nmetric = \"public_cost\"\nwindow = \"whole_run\"\nwithin = 0.1\nof = \"other.toml\"\nexpected = \"same cost\"\n",
        );
        let s = load(&f).unwrap();
        assert_eq!(s.params.workforce.pay_ratio_staff, 1.0);
        let l = s.lever.as_ref().unwrap();
        assert_eq!(l.cost, vec![M::WorkforceCost, M::PublicCost]);
        assert_eq!(l.runs, RunLength::Short);
        assert_eq!(s.expect.len(), 3);
        let a = &s.expect[0];
        assert_eq!(a.case, "a_case");
        assert_eq!(
            a.indicator,
            Indicator::Metric(M::WorkerTurnoverAnnual, Window::Settled)
        );
        assert_eq!(
            a.test,
            Test::Paired {
                dir: Dir::Down,
                against: None
            }
        );
        assert_eq!((a.decimals, a.finding), (3, false));
        assert_eq!(a.source, "essay 三.(三).4");
        let b = &s.expect[1];
        assert_eq!(
            (b.indicator, &b.test),
            (Indicator::T90Hours, &Test::AtLeast(1.0))
        );
        assert_eq!(
            (b.decimals, b.finding, b.source.as_str()),
            (2, true, "here")
        );
        assert_eq!(s.expect[2].of().map(String::as_str), Some("other.toml"));
        // Not inherited through extends.
        let child = write(d.path(), "child.toml", "extends = \"lever.toml\"\n");
        let c = load(&child).unwrap();
        assert!(c.lever.is_none() && c.expect.is_empty());
        assert_eq!(c.params.workforce.pay_ratio_staff, 1.0);
        // The library lists the files with expectations.
        let lib = library_levers(d.path()).unwrap();
        assert_eq!(lib.len(), 1);
        assert_eq!(lib[0].file, "lever.toml");
        // --set cannot reach them.
        let mut s = s;
        let e = apply_overrides(&mut s, &[("--set", "lever.runs=long".into())]).unwrap_err();
        assert!(e.message.contains("unknown key"), "{e}");
    }

    #[test]
    fn bad_expectations_name_file_line_key_and_what_is_allowed() {
        let d = tempfile::tempdir().unwrap();
        let refused = |body: &str| {
            let f = write(d.path(), "bad.toml", body);
            load(&f).unwrap_err()
        };
        let e = refused("[lever]\ncost = [\"public_cots\"]\n");
        assert_eq!((e.key.as_deref(), e.line), (Some("lever.cost"), Some(2)));
        let text = e.to_string();
        assert!(text.contains("bad.toml:2:1"), "{text}");
        assert!(text.contains("did you mean `public_cost`"), "{text}");
        assert!(
            text.contains(M::FeeCollectionRate.name()),
            "lists the allowed: {text}"
        );
        let e = refused("[lever]\nsectoin = \"x\"\n");
        assert_eq!(e.key.as_deref(), Some("lever.sectoin"));
        assert!(e.message.contains("did you mean `section`"), "{e}");
        let e = refused("[lever]\nruns = \"medium\"\n");
        assert!(e.message.contains("long, short"), "{e}");
        let e = refused(
            "[expect.x]\nmetric = \"trust\"\nwindow = \"last_year\"\ndir = \"up\"\nexpected = \"e\"\nsource = \"s\"\ncolour = 1\n",
        );
        assert_eq!(
            (e.key.as_deref(), e.line),
            (Some("expect.x.colour"), Some(7))
        );
        let e = refused(
            "[expect.x]\nmetric = \"trusst\"\nwindow = \"last_year\"\ndir = \"up\"\nexpected = \"e\"\nsource = \"s\"\n",
        );
        assert_eq!(
            (e.key.as_deref(), e.line),
            (Some("expect.x.metric"), Some(2))
        );
        assert!(e.message.contains("did you mean `trust`"), "{e}");
        let e = refused(
            "[expect.x]\nmetric = \"trust\"\nwindow = \"last_month\"\ndir = \"up\"\nexpected = \"e\"\nsource = \"s\"\n",
        );
        assert!(e.message.contains("final_month, last_year"), "{e}");
        let e = refused(
            "[expect.x]\nmetric = \"trust\"\nwindow = \"last_year\"\ndir = \"up\"\nat_least = 1\nexpected = \"e\"\nsource = \"s\"\n",
        );
        assert!(e.message.contains("exactly one test"), "{e}");
        let e = refused(
            "[expect.x]\nmetric = \"trust\"\nwindow = \"last_year\"\ndir = \"up\"\nexpected = \"e\"\n",
        );
        assert!(e.message.contains("source"), "{e}");
        let e = refused(
            "[expect.x]\nmetric = \"trust\"\nwindow = \"last_year\"\nwithin = 0.1\nof = \"nowhere.toml\"\nexpected = \"e\"\nsource = \"s\"\n",
        );
        assert_eq!(e.key.as_deref(), Some("expect.x.of"));
        let e = refused(
            "[expect.x]\nindicator = \"t90_hours\"\nwindow = \"last_year\"\ndir = \"up\"\nexpected = \"e\"\nsource = \"s\"\n",
        );
        assert_eq!(e.key.as_deref(), Some("expect.x.window"));
        // Recovery cases: both keys, no window, no other test.
        let e = refused(
            "[expect.x]\nmetric = \"trust\"\nrecovery_after = 73\nexpected = \"e\"\nsource = \"s\"\n",
        );
        assert!(e.message.contains("slower_than"), "{e}");
        let e = refused(
            "[expect.x]\nmetric = \"trust\"\nwindow = \"last_year\"\nrecovery_after = 73\nslower_than = 12\nexpected = \"e\"\nsource = \"s\"\n",
        );
        assert_eq!(e.key.as_deref(), Some("expect.x.window"));
        let e = refused(
            "[expect.x]\nmetric = \"trust\"\nrecovery_after = 73\nslower_than = 12\ndir = \"up\"\nexpected = \"e\"\nsource = \"s\"\n",
        );
        assert!(e.message.contains("takes no dir"), "{e}");
        let e = refused(
            "[expect.x]\nmetric = \"trust\"\nrecovery_after = 7.5\nslower_than = 12\nexpected = \"e\"\nsource = \"s\"\n",
        );
        assert!(e.message.contains("whole number"), "{e}");
        let ok = write(
            d.path(),
            "good.toml",
            "[expect.x]\nmetric = \"trust\"\nrecovery_after = 73\nslower_than = 12\nexpected = \"e\"\nsource = \"s\"\n",
        );
        let s = load(&ok).unwrap();
        assert_eq!(
            s.expect[0].test,
            Test::Recovery {
                after: 73,
                slower_than: 12
            }
        );
    }
}
