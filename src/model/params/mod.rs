//! Every scenario parameter, declared once: name, type, default, allowed range, unit,
//! meaning and source. Scenario files, `--set`, the manifest and the docs table all read
//! this one declaration, so a key cannot be validated in one place and documented in another.
//! The `section!` macro is here; the sections are declared in the files of this folder, one
//! per concern (`world.rs`: run, world and compound kinds; `property.rs`: fees, firms and
//! owners; `workforce.rs`; `mobilisation.rs`; `society.rs`).

pub mod changes;
pub mod domain;

use changes::Change;
use domain::{Domain, FieldSpec, ParamSpec, SetError};

use super::kind::CompoundKind;

/// Declares one section struct together with its field specs and setters.
/// `$k` names the compound-kind index available to default expressions
/// (used by the per-kind sections; ignored by the others).
macro_rules! section {
    (
        $(#[$meta:meta])*
        $Struct:ident ($k:ident) {
            $(
                $field:ident : $ty:ty = $default:expr ;
                $domain:expr ; $unit:literal ; $doc:literal ; $zh:literal ; $source:literal ;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $Struct {
            $( #[doc = $doc] pub $field: $ty, )*
        }

        impl $Struct {
            /// Default values (for per-kind sections, those of compound kind `$k`).
            #[allow(unused_variables)]
            pub fn default_for($k: usize) -> Self {
                Self { $( $field: $default, )* }
            }

            /// Specs of every field, in declaration order.
            pub const FIELDS: &'static [$crate::model::params::domain::FieldSpec] = &[
                $( $crate::model::params::domain::FieldSpec { name: stringify!($field), domain: $domain, unit: $unit, doc: $doc, zh: $zh, source: $source }, )*
            ];

            /// Sets a field from a TOML value; `Ok(false)` if there is no such field.
            pub fn set_field(&mut self, name: &str, v: &toml::Value) -> Result<bool, String> {
                $(
                    if name == stringify!($field) {
                        self.$field = <$ty as $crate::model::params::domain::ParamValue>::from_toml(v, &$domain)?;
                        return Ok(true);
                    }
                )*
                Ok(false)
            }

            /// Reads a field as a TOML value.
            pub fn get_field(&self, name: &str) -> Option<toml::Value> {
                $( if name == stringify!($field) { return Some($crate::model::params::domain::ParamValue::to_toml(&self.$field)); } )*
                None
            }
        }
    };
}

const SHARE: Domain = Domain::Real { lo: 0.0, hi: 1.0 };
const WEIGHT: Domain = Domain::Real { lo: 0.0, hi: 100.0 };

// The sections, one file per concern, each declaring its keys with `section!`.
mod mobilisation;
mod property;
mod society;
mod workforce;
mod world;

pub use mobilisation::Mobilisation;
pub use property::{Owners, Property};
pub use society::Society;
pub use workforce::Workforce;
pub use world::{Kind, Run, World};

/// Most time steps one warning sub-simulation may take (`horizon_hours` x 60 /
/// `step_minutes`): its step budget. The default is 288; one-minute steps over a day are
/// 1,440.
pub const MAX_WARNING_STEPS: f64 = 20_000.0;

/// A fully resolved scenario: every parameter with a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub run: Run,
    pub world: World,
    /// Per compound kind, indexed by [`CompoundKind::index`]; read with [`Params::kind`].
    pub kinds: [Kind; CompoundKind::COUNT],
    pub property: Property,
    pub owners: Owners,
    pub workforce: Workforce,
    pub mobilisation: Mobilisation,
    pub society: Society,
    /// Scheduled events (`[[events]]` in a scenario), in addition to seasonal ones.
    pub events: Vec<ScheduledEvent>,
    /// Changes of keys from a month of the run (`[[changes]]`), see [`changes`].
    pub changes: Vec<Change>,
}

/// An event fixed in the scenario: `[[events]]` with `month`, `severity`, `communities`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledEvent {
    /// Month of the run, from 1.
    pub month: u32,
    /// 0-1: share of vulnerable households that need a visit.
    pub severity: f64,
    /// Community ids reached; empty means all.
    pub communities: Vec<u32>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            run: Run::default_for(0),
            world: World::default_for(0),
            kinds: [
                Kind::default_for(0),
                Kind::default_for(1),
                Kind::default_for(2),
            ],
            property: Property::default_for(0),
            owners: Owners::default_for(0),
            workforce: Workforce::default_for(0),
            mobilisation: Mobilisation::default_for(0),
            society: Society::default_for(0),
            events: Vec::new(),
            changes: Vec::new(),
        }
    }
}

/// Section names in the order they are documented and written.
pub const SECTIONS: [&str; 10] = [
    "run",
    "world",
    CompoundKind::NewEstate.key(),
    CompoundKind::OldCompound.key(),
    CompoundKind::Resettlement.key(),
    "property",
    "owners",
    "workforce",
    "mobilisation",
    "society",
];

fn section_fields(section: &str) -> Option<&'static [FieldSpec]> {
    match section {
        "run" => Some(Run::FIELDS),
        "world" => Some(World::FIELDS),
        s if CompoundKind::from_key(s).is_some() => Some(Kind::FIELDS),
        "property" => Some(Property::FIELDS),
        "owners" => Some(Owners::FIELDS),
        "workforce" => Some(Workforce::FIELDS),
        "mobilisation" => Some(Mobilisation::FIELDS),
        "society" => Some(Society::FIELDS),
        _ => None,
    }
}

impl Params {
    /// The parameters of compound kind `k`.
    pub fn kind(&self, k: CompoundKind) -> &Kind {
        &self.kinds[k.index()]
    }

    /// Every key with its documentation and default, in a stable order.
    pub fn specs() -> Vec<ParamSpec> {
        let defaults = Params::default();
        let mut out = Vec::new();
        for section in SECTIONS {
            for f in section_fields(section).unwrap_or(&[]) {
                let key = format!("{section}.{}", f.name);
                let default = defaults.get(&key).expect("declared key has a value");
                out.push(ParamSpec {
                    key,
                    domain: f.domain,
                    unit: f.unit,
                    doc: f.doc,
                    zh: f.zh,
                    source: f.source,
                    default,
                });
            }
        }
        out
    }

    /// Whether `section` is a known section name.
    pub fn is_section(section: &str) -> bool {
        section_fields(section).is_some()
    }

    /// Sets `section.field`. Errors say what is allowed.
    pub fn set(&mut self, key: &str, v: &toml::Value) -> Result<(), SetError> {
        let (section, field) = key.split_once('.').ok_or(SetError::Unknown)?;
        let found = match section {
            "run" => self.run.set_field(field, v),
            "world" => self.world.set_field(field, v),
            s if CompoundKind::from_key(s).is_some() => {
                let k = CompoundKind::from_key(s).expect("checked");
                self.kinds[k.index()].set_field(field, v)
            }
            "property" => self.property.set_field(field, v),
            "owners" => self.owners.set_field(field, v),
            "workforce" => self.workforce.set_field(field, v),
            "mobilisation" => self.mobilisation.set_field(field, v),
            "society" => self.society.set_field(field, v),
            _ => return Err(SetError::Unknown),
        };
        match found {
            Ok(true) => Ok(()),
            Ok(false) => Err(SetError::Unknown),
            Err(msg) => Err(SetError::Invalid(msg)),
        }
    }

    /// Reads `section.field` as a TOML value.
    pub fn get(&self, key: &str) -> Option<toml::Value> {
        let (section, field) = key.split_once('.')?;
        match section {
            "run" => self.run.get_field(field),
            "world" => self.world.get_field(field),
            s if CompoundKind::from_key(s).is_some() => {
                let k = CompoundKind::from_key(s).expect("checked");
                self.kinds[k.index()].get_field(field)
            }
            "property" => self.property.get_field(field),
            "owners" => self.owners.get_field(field),
            "workforce" => self.workforce.get_field(field),
            "mobilisation" => self.mobilisation.get_field(field),
            "society" => self.society.get_field(field),
            _ => None,
        }
    }

    /// Every value as a TOML table of sections (for the manifest and for re-running).
    pub fn to_table(&self) -> toml::Table {
        let mut root = toml::Table::new();
        for section in SECTIONS {
            let mut t = toml::Table::new();
            for f in section_fields(section).unwrap_or(&[]) {
                let key = format!("{section}.{}", f.name);
                if let Some(v) = self.get(&key) {
                    t.insert(f.name.to_string(), v);
                }
            }
            root.insert(section.to_string(), toml::Value::Table(t));
        }
        if !self.events.is_empty() {
            let events = self
                .events
                .iter()
                .map(|e| {
                    let mut t = toml::Table::new();
                    t.insert("month".into(), toml::Value::Integer(i64::from(e.month)));
                    t.insert("severity".into(), toml::Value::Float(e.severity));
                    t.insert(
                        "communities".into(),
                        toml::Value::Array(
                            e.communities
                                .iter()
                                .map(|c| toml::Value::Integer(i64::from(*c)))
                                .collect(),
                        ),
                    );
                    toml::Value::Table(t)
                })
                .collect();
            root.insert("events".into(), toml::Value::Array(events));
        }
        if !self.changes.is_empty() {
            let changes = self.changes.iter().map(Change::to_toml).collect();
            root.insert("changes".into(), toml::Value::Array(changes));
        }
        root
    }

    /// Checks that hold between keys. For the first failure returns the keys involved (the
    /// one to blame first) and the message, so an error can point at whichever of them the
    /// user set.
    pub fn check_consistency(&self) -> Result<(), (Vec<String>, String)> {
        let w = &self.world;
        let sum = w.share_new_estate + w.share_old_compound + w.share_resettlement;
        if (sum - 1.0).abs() > 1e-6 {
            return Err((
                vec![
                    "world.share_new_estate".into(),
                    "world.share_old_compound".into(),
                    "world.share_resettlement".into(),
                ],
                format!(
                    "world.share_new_estate + share_old_compound + share_resettlement must sum to 1; they sum to {sum}"
                ),
            ));
        }
        for (kind, k) in CompoundKind::ALL.into_iter().zip(&self.kinds) {
            let s = kind.key();
            if k.owner_occupied_share + k.rented_share > 1.0 + 1e-9 {
                return Err((
                    vec![
                        format!("{s}.rented_share"),
                        format!("{s}.owner_occupied_share"),
                    ],
                    format!(
                        "{s}.owner_occupied_share + rented_share must be at most 1 (the rest is vacant); they sum to {}",
                        k.owner_occupied_share + k.rented_share
                    ),
                ));
            }
            if k.young_head_share + k.elderly_head_share > 1.0 + 1e-9 {
                return Err((
                    vec![
                        format!("{s}.elderly_head_share"),
                        format!("{s}.young_head_share"),
                    ],
                    format!(
                        "{s}.young_head_share + elderly_head_share must be at most 1 (the rest is middle-aged); they sum to {}",
                        k.young_head_share + k.elderly_head_share
                    ),
                ));
            }
            if k.households_per_stairwell > k.households_per_building {
                return Err((
                    vec![
                        format!("{s}.households_per_stairwell"),
                        format!("{s}.households_per_building"),
                    ],
                    format!(
                        "{s}.households_per_stairwell ({}) must not exceed households_per_building ({})",
                        k.households_per_stairwell, k.households_per_building
                    ),
                ));
            }
        }
        let wf = &self.workforce;
        let admin =
            wf.admin_share_core + wf.admin_share_pushed_down + wf.admin_share_duplicate_entry;
        if admin > 0.95 {
            return Err((
                vec![
                    "workforce.admin_share_pushed_down".into(),
                    "workforce.admin_share_core".into(),
                    "workforce.admin_share_duplicate_entry".into(),
                ],
                format!(
                    "workforce.admin_share_core + admin_share_pushed_down + admin_share_duplicate_entry must be at most 0.95 (workers need some free hours); they sum to {admin}"
                ),
            ));
        }
        let m = &self.mobilisation;
        let steps = m.horizon_hours * 60.0 / m.step_minutes;
        if steps > MAX_WARNING_STEPS {
            return Err((
                vec![
                    "mobilisation.step_minutes".into(),
                    "mobilisation.horizon_hours".into(),
                ],
                format!(
                    "mobilisation.horizon_hours x 60 / step_minutes gives {} time steps per warning; at most {MAX_WARNING_STEPS} are allowed (the warning's step budget: each step visits every household still waiting)",
                    steps.ceil()
                ),
            ));
        }
        if m.severity_low > m.severity_high {
            return Err((
                vec![
                    "mobilisation.severity_low".into(),
                    "mobilisation.severity_high".into(),
                ],
                format!(
                    "mobilisation.severity_low ({}) must not exceed severity_high ({})",
                    m.severity_low, m.severity_high
                ),
            ));
        }
        let months = self.run.years * 12;
        for (i, e) in self.events.iter().enumerate() {
            if e.month < 1 || e.month > months {
                return Err((
                    vec!["events".into()],
                    format!(
                        "events[{i}].month is {}; it must be from 1 to {months} (run.years x 12)",
                        e.month
                    ),
                ));
            }
            if let Some(c) = e.communities.iter().find(|c| **c >= self.world.communities) {
                return Err((
                    vec!["events".into()],
                    format!(
                        "events[{i}].communities names community {c}; ids run from 0 to {}",
                        self.world.communities - 1
                    ),
                ));
            }
        }
        let o = &self.owners;
        if o.unconditional_share + o.free_rider_share > 1.0 + 1e-9 {
            return Err((
                vec![
                    "owners.free_rider_share".into(),
                    "owners.unconditional_share".into(),
                ],
                format!(
                    "owners.unconditional_share + free_rider_share must be at most 1; they sum to {}",
                    o.unconditional_share + o.free_rider_share
                ),
            ));
        }
        if o.threshold_low > o.threshold_high {
            return Err((
                vec![
                    "owners.threshold_low".into(),
                    "owners.threshold_high".into(),
                ],
                format!(
                    "owners.threshold_low ({}) must not exceed threshold_high ({})",
                    o.threshold_low, o.threshold_high
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
