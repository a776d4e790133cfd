//! Policy timing: `[[changes]]` of a scenario set keys from a month of the run, at once or
//! ramped linearly. [`Params::at_month`] gives the parameters in force in a month; the
//! experiment applies them at the start of each month. Keys that only shape what is
//! generated once at the start of a replication (the run, the city, its compounds and
//! buildings, the event calendar) cannot change: [`fixed_reason`] says why.

use super::Params;
use super::domain::SetError;

/// One `[[changes]]` entry: from `month` (1-based month of the run), `set` these keys.
/// With `ramp_months` R > 1, each key moves linearly from the value in force at month
/// `month - 1` to its target: at month `month + j` (j = 0 .. R-1) it has moved
/// (j + 1) / R of the way, so it reaches the target at month `month + R - 1`.
/// R = 1 is a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub month: u32,
    pub ramp_months: u32,
    /// Keys (`section.field`) and target values, in the order given; values are as
    /// [`Params::get`] reads them back (normalised by [`Params::check_changes`]).
    pub set: Vec<(String, toml::Value)>,
}

impl Change {
    /// As a `[[changes]]` table of a scenario file.
    pub fn to_toml(&self) -> toml::Value {
        let mut t = toml::Table::new();
        t.insert("month".into(), toml::Value::Integer(i64::from(self.month)));
        t.insert(
            "ramp_months".into(),
            toml::Value::Integer(i64::from(self.ramp_months)),
        );
        let set: toml::Table = self.set.iter().cloned().collect();
        t.insert("set".into(), toml::Value::Table(set));
        toml::Value::Table(t)
    }

    /// One line for people: `month 61: owners.enforcement = 0.6, … (ramp over 12 months,
    /// reached in month 72)`.
    pub fn describe(&self) -> String {
        let set: Vec<String> = self.set.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        let mut s = format!("month {}: {}", self.month, set.join(", "));
        if self.ramp_months > 1 {
            s.push_str(&format!(
                " (linear ramp over {} months, reached in month {})",
                self.ramp_months,
                self.month + self.ramp_months - 1
            ));
        }
        s
    }
}

/// Per-kind keys that only shape compounds, buildings and dwellings at generation.
const KIND_FIXED: [&str; 7] = [
    "households_per_compound",
    "households_per_building",
    "households_per_stairwell",
    "floor_area_m2",
    "initial_volunteer_share",
    "initial_managed_share",
    "owners_committee_share",
];

/// Mobilisation keys that only shape the event calendar, drawn once per replication.
const CALENDAR: [&str; 4] = [
    "typhoons_per_year",
    "severity_low",
    "severity_high",
    "affected_share",
];

/// Why `key` cannot change during a run, if it cannot.
pub fn fixed_reason(key: &str) -> Option<&'static str> {
    let (section, field) = key.split_once('.')?;
    match section {
        "run" => Some("run.* keys fix the run itself (length, replications, seed)"),
        "world" => Some("world.* keys shape the city, which is generated once at the start"),
        s if crate::model::kind::CompoundKind::from_key(s).is_some()
            && KIND_FIXED.contains(&field) =>
        {
            Some(
                "this key shapes compounds, buildings or dwellings (or their initial state), which are generated once at the start",
            )
        }
        "mobilisation" if CALENDAR.contains(&field) => Some(
            "this key shapes the event calendar, which is drawn once at the start of a replication (use [[events]] for events at a month)",
        ),
        _ => None,
    }
}

/// A refused change: which entry, which key (if one), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeError {
    pub index: usize,
    pub key: Option<String>,
    pub message: String,
}

/// The value `from + (to - from) * frac` of a numeric key; integers rounded.
fn lerp(from: &toml::Value, to: &toml::Value, frac: f64) -> Option<toml::Value> {
    match (from, to) {
        (toml::Value::Integer(a), toml::Value::Integer(b)) => {
            let v = *a as f64 + (*b as f64 - *a as f64) * frac;
            Some(toml::Value::Integer(v.round() as i64))
        }
        (toml::Value::Float(a), toml::Value::Float(b)) => {
            Some(toml::Value::Float(a + (b - a) * frac))
        }
        _ => None,
    }
}

impl Change {
    /// Whether this change moves a value in `month`: its first month, or a month of its ramp.
    pub fn acts_in(&self, month: u32) -> bool {
        self.month <= month && month < self.month + self.ramp_months.max(1)
    }
}

impl Params {
    /// Whether some change moves a value in `month`; in other months the parameters in force
    /// are those of the month before.
    pub fn changes_in(&self, month: u32) -> bool {
        self.changes.iter().any(|c| c.acts_in(month))
    }

    /// Whether `changes` touch anything by `month` (1-based).
    fn changed_by(&self, month: u32) -> bool {
        self.changes.iter().any(|c| c.month <= month)
    }

    /// The parameters in force in `month` (1-based), if a change has begun by then; `None`
    /// means the scenario's own values. Changes apply in month order (entries of the same
    /// month in the order given); a later one overrides an earlier one on the same key.
    /// A ramp starts from the value in force in the month before it begins.
    pub fn at_month(&self, month: u32) -> Option<Params> {
        if !self.changed_by(month) {
            return None;
        }
        let mut order: Vec<&Change> = self.changes.iter().filter(|c| c.month <= month).collect();
        order.sort_by_key(|c| c.month);
        let mut p = self.clone();
        for c in order {
            let ramp = c.ramp_months.max(1);
            let step = month - c.month + 1;
            if step >= ramp {
                for (k, v) in &c.set {
                    // Checked at load; a refused value leaves the key as it was.
                    let _ = p.set(k, v);
                }
                continue;
            }
            let before = self.at_month(c.month - 1);
            let before = before.as_ref().unwrap_or(self);
            let frac = f64::from(step) / f64::from(ramp);
            for (k, v) in &c.set {
                if let Some(x) = before.get(k).and_then(|from| lerp(&from, v, frac)) {
                    let _ = p.set(k, &x);
                }
            }
        }
        Some(p)
    }

    /// Checks every change against these parameters: the month is in the run, the keys may
    /// change, each value is allowed, ramped keys are numeric, and the parameters in force
    /// are consistent in every month a change acts. Normalises the values (an integer
    /// given for a real key becomes a real).
    pub fn check_changes(&mut self) -> Result<(), ChangeError> {
        let months = self.run.years * 12;
        let mut changes = std::mem::take(&mut self.changes);
        let result = self.check_each(&mut changes, months);
        self.changes = changes;
        result?;
        for m in 1..=months {
            let acting = self.changes.iter().position(|c| c.acts_in(m));
            let Some(i) = acting else { continue };
            if let Some(p) = self.at_month(m) {
                if let Err((keys, message)) = p.check_consistency() {
                    let key = keys
                        .iter()
                        .find(|k| self.changes[i].set.iter().any(|(s, _)| s == *k))
                        .cloned();
                    return Err(ChangeError {
                        index: i,
                        key,
                        message: format!("in force from month {m}: {message}"),
                    });
                }
            }
        }
        Ok(())
    }

    fn check_each(&self, changes: &mut [Change], months: u32) -> Result<(), ChangeError> {
        for (i, c) in changes.iter_mut().enumerate() {
            let err = |key: Option<&str>, message: String| ChangeError {
                index: i,
                key: key.map(str::to_string),
                message,
            };
            if c.month < 1 || c.month > months {
                return Err(err(
                    None,
                    format!(
                        "changes[{i}].month is {}; it must be from 1 to {months} (run.years x 12)",
                        c.month
                    ),
                ));
            }
            if c.ramp_months < 1 {
                return Err(err(
                    None,
                    format!("changes[{i}].ramp_months must be at least 1 (1 is a step)"),
                ));
            }
            if c.set.is_empty() {
                return Err(err(None, format!("changes[{i}].set names no key")));
            }
            for (k, v) in c.set.iter_mut() {
                if let Some(why) = fixed_reason(k) {
                    return Err(err(
                        Some(k),
                        format!("`{k}` cannot change during a run: {why}"),
                    ));
                }
                let mut probe = self.clone();
                match probe.set(k, v) {
                    Ok(()) => {}
                    Err(SetError::Invalid(m)) => return Err(err(Some(k), m)),
                    Err(SetError::Unknown) => {
                        return Err(err(
                            Some(k),
                            format!("unknown key `{k}` (`shequ explain` lists every key)"),
                        ));
                    }
                }
                let normal = probe.get(k).expect("a key just set has a value");
                if c.ramp_months > 1
                    && !matches!(normal, toml::Value::Integer(_) | toml::Value::Float(_))
                {
                    return Err(err(
                        Some(k),
                        format!(
                            "`{k}` is not a number and cannot ramp; change it at once (ramp_months = 1)"
                        ),
                    ));
                }
                *v = normal;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(month: u32, ramp: u32, set: &[(&str, toml::Value)]) -> Change {
        Change {
            month,
            ramp_months: ramp,
            set: set
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }

    #[test]
    fn no_changes_means_the_scenario_itself() {
        let p = Params::default();
        assert!(p.at_month(1).is_none());
        assert!(p.at_month(240).is_none());
    }

    #[test]
    fn a_step_applies_from_its_month() {
        let mut p = Params {
            changes: vec![change(
                5,
                1,
                &[("owners.enforcement", toml::Value::Float(0.6))],
            )],
            ..Params::default()
        };
        p.check_changes().unwrap();
        assert!(p.at_month(4).is_none());
        assert_eq!(p.at_month(5).unwrap().owners.enforcement, 0.6);
        assert_eq!(p.at_month(200).unwrap().owners.enforcement, 0.6);
    }

    #[test]
    fn ramps_move_linearly_and_reach_the_target_at_month_plus_ramp_minus_one() {
        let mut p = Params::default();
        p.property.guided_price = 1.0;
        p.changes = vec![change(
            10,
            4,
            &[("property.guided_price", toml::Value::Integer(3))],
        )];
        p.check_changes().unwrap();
        assert_eq!(p.changes[0].set[0].1, toml::Value::Float(3.0));
        let at = |m| p.at_month(m).map(|q| q.property.guided_price);
        assert_eq!(at(9), None);
        assert_eq!(at(10), Some(1.5));
        assert_eq!(at(11), Some(2.0));
        assert_eq!(at(12), Some(2.5));
        assert_eq!(at(13), Some(3.0));
        assert_eq!(at(50), Some(3.0));
    }

    #[test]
    fn lower_then_restore_and_ramps_start_from_the_value_in_force() {
        let mut p = Params::default();
        let base = p.owners.enforcement;
        p.changes = vec![
            change(3, 1, &[("owners.enforcement", toml::Value::Float(0.0))]),
            change(7, 2, &[("owners.enforcement", toml::Value::Float(base))]),
        ];
        p.check_changes().unwrap();
        let at = |m| p.at_month(m).map(|q| q.owners.enforcement);
        assert_eq!(at(6), Some(0.0));
        assert_eq!(at(7), Some(base / 2.0));
        assert_eq!(at(8), Some(base));
    }

    #[test]
    fn integer_keys_ramp_rounded() {
        let mut p = Params::default();
        let key = "workforce.heads_per_community";
        let Some(toml::Value::Integer(from)) = p.get(key) else {
            return; // the key is not an integer in this version of the model
        };
        p.changes = vec![change(1, 3, &[(key, toml::Value::Integer(from + 2))])];
        p.check_changes().unwrap();
        assert_eq!(
            p.at_month(1).unwrap().get(key),
            Some(toml::Value::Integer(from + 1))
        );
    }

    #[test]
    fn refusals() {
        let months = Params::default().run.years * 12;
        let refused = |c: Change| {
            let mut p = Params {
                changes: vec![c],
                ..Params::default()
            };
            p.check_changes().unwrap_err()
        };
        let f = |x| toml::Value::Float(x);
        let e = refused(change(0, 1, &[("owners.enforcement", f(0.5))]));
        assert!(e.message.contains("from 1 to"), "{e:?}");
        let e = refused(change(months + 1, 1, &[("owners.enforcement", f(0.5))]));
        assert!(e.message.contains("month"), "{e:?}");
        let e = refused(change(
            2,
            1,
            &[("world.communities", toml::Value::Integer(5))],
        ));
        assert_eq!(e.key.as_deref(), Some("world.communities"));
        assert!(e.message.contains("generated once"), "{e:?}");
        let e = refused(change(2, 1, &[("run.years", toml::Value::Integer(5))]));
        assert!(e.message.contains("cannot change"), "{e:?}");
        let e = refused(change(
            2,
            1,
            &[(
                "old_compound.households_per_compound",
                toml::Value::Integer(50),
            )],
        ));
        assert!(e.message.contains("generated once"), "{e:?}");
        let e = refused(change(2, 1, &[("owners.enforcement", f(7.0))]));
        assert_eq!(e.key.as_deref(), Some("owners.enforcement"));
        let e = refused(change(2, 1, &[("owners.enforcment", f(0.5))]));
        assert!(e.message.contains("unknown key"), "{e:?}");
        let e = refused(change(
            2,
            3,
            &[(
                "owners.threshold_distribution",
                toml::Value::String("uniform".into()),
            )],
        ));
        assert!(e.message.contains("cannot ramp"), "{e:?}");
        let e = refused(change(2, 1, &[("owners.unconditional_share", f(0.99))]));
        assert!(e.message.contains("in force from month 2"), "{e:?}");
        assert_eq!(e.key.as_deref(), Some("owners.unconditional_share"));
    }
}
