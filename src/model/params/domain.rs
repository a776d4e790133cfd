//! What a parameter value may be: its domain (range, choice), the documentation of a key,
//! and the conversion between TOML values and the Rust types of parameters, with the error
//! text that names what is allowed.

use std::fmt;

/// What values a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Domain {
    /// A real number in `[lo, hi]` (finite).
    Real { lo: f64, hi: f64 },
    /// A whole number in `[lo, hi]`.
    Int { lo: i64, hi: i64 },
    /// `true` or `false`.
    Bool,
    /// One of a fixed list of words.
    Choice(&'static [&'static str]),
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Domain::Real { lo, hi } => write!(f, "a number from {lo} to {hi}"),
            Domain::Int { lo, hi } => write!(f, "a whole number from {lo} to {hi}"),
            Domain::Bool => write!(f, "true or false"),
            Domain::Choice(words) => {
                let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
                write!(f, "one of {}", quoted.join(", "))
            }
        }
    }
}

/// Parses a value written on the command line or in a design file (`--set`, `--vary`,
/// `--design`): a TOML value; a number TOML cannot hold (an integer beyond 64 bits) as a
/// float, so the range check names it; else a bare word taken as a string. Which type the
/// key wants is checked when the value is set ([`crate::model::params::Params::set`]).
pub fn parse_text(raw: &str) -> toml::Value {
    let doc = format!("v = {raw}");
    match doc.parse::<toml::Table>() {
        Ok(mut t) => t.remove("v").unwrap_or(toml::Value::String(raw.into())),
        Err(_) => match raw.parse::<f64>() {
            Ok(x) if raw.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+') => {
                toml::Value::Float(x)
            }
            _ => toml::Value::String(raw.to_string()),
        },
    }
}

/// A number as people read it in a message: plain when it is short, else in scientific
/// notation with six significant digits (never a 300-digit expansion of `1e300`).
pub fn short(x: f64) -> String {
    let plain = format!("{x}");
    if plain.len() <= 12 || !x.is_finite() {
        return plain;
    }
    let a = x.abs();
    if (1e-4..1e9).contains(&a) {
        let fixed = format!("{x:.6}");
        return fixed
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string();
    }
    let sci = format!("{x:.5e}");
    match sci.split_once('e') {
        Some((m, e)) => format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.')),
        None => sci,
    }
}

/// Text as a message may quote it: control characters escaped, at most 60 characters.
pub fn quoted(s: &str) -> String {
    let escaped: String = s.escape_debug().collect();
    if escaped.chars().count() > 60 {
        format!("\"{}…\"", escaped.chars().take(60).collect::<String>())
    } else {
        format!("\"{escaped}\"")
    }
}

/// Documentation of one field of a section.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub domain: Domain,
    pub unit: &'static str,
    /// The meaning in English.
    pub doc: &'static str,
    /// The meaning in Chinese (`shequ --lang zh explain`, the sweep report).
    pub zh: &'static str,
    pub source: &'static str,
}

/// Documentation of one fully qualified key (`section.field`), with its default.
#[derive(Debug, Clone)]
pub struct ParamSpec {
    pub key: String,
    pub domain: Domain,
    pub unit: &'static str,
    /// The meaning in English.
    pub doc: &'static str,
    /// The meaning in Chinese.
    pub zh: &'static str,
    pub source: &'static str,
    pub default: toml::Value,
}

/// A Rust type that a parameter can have.
pub trait ParamValue: Sized {
    fn from_toml(v: &toml::Value, d: &Domain) -> Result<Self, String>;
    fn to_toml(&self) -> toml::Value;
}

fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

impl ParamValue for f64 {
    fn from_toml(v: &toml::Value, d: &Domain) -> Result<Self, String> {
        let x = match v {
            toml::Value::Float(x) => *x,
            toml::Value::Integer(i) => *i as f64,
            other => return Err(format!("expected {d}, found {}", type_name(other))),
        };
        match d {
            Domain::Real { lo, hi } if x.is_finite() && x >= *lo && x <= *hi => Ok(x),
            _ => Err(format!("{} is not allowed; expected {d}", short(x))),
        }
    }
    fn to_toml(&self) -> toml::Value {
        toml::Value::Float(*self)
    }
}

fn int_from_toml(v: &toml::Value, d: &Domain) -> Result<i64, String> {
    let i = match v {
        toml::Value::Integer(i) => *i,
        // Beyond 2^53 a float no longer holds every whole number: refuse rather than saturate.
        toml::Value::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => *x as i64,
        toml::Value::Float(x) => {
            return Err(format!("{} is not allowed; expected {d}", short(*x)));
        }
        other => return Err(format!("expected {d}, found {}", type_name(other))),
    };
    match d {
        Domain::Int { lo, hi } if i >= *lo && i <= *hi => Ok(i),
        _ => Err(format!("{i} is not allowed; expected {d}")),
    }
}

impl ParamValue for u32 {
    fn from_toml(v: &toml::Value, d: &Domain) -> Result<Self, String> {
        let i = int_from_toml(v, d)?;
        u32::try_from(i).map_err(|_| format!("{i} is not allowed; expected {d}"))
    }
    fn to_toml(&self) -> toml::Value {
        toml::Value::Integer(i64::from(*self))
    }
}

impl ParamValue for u64 {
    fn from_toml(v: &toml::Value, d: &Domain) -> Result<Self, String> {
        let i = int_from_toml(v, d)?;
        u64::try_from(i).map_err(|_| format!("{i} is not allowed; expected {d}"))
    }
    fn to_toml(&self) -> toml::Value {
        toml::Value::Integer(*self as i64)
    }
}

impl ParamValue for bool {
    fn from_toml(v: &toml::Value, d: &Domain) -> Result<Self, String> {
        match v {
            toml::Value::Boolean(b) => Ok(*b),
            other => Err(format!("expected {d}, found {}", type_name(other))),
        }
    }
    fn to_toml(&self) -> toml::Value {
        toml::Value::Boolean(*self)
    }
}

impl ParamValue for String {
    fn from_toml(v: &toml::Value, d: &Domain) -> Result<Self, String> {
        match (v, d) {
            (toml::Value::String(s), Domain::Choice(words)) if words.contains(&s.as_str()) => {
                Ok(s.clone())
            }
            (toml::Value::String(s), _) => {
                Err(format!("{} is not allowed; expected {d}", quoted(s)))
            }
            (other, _) => Err(format!("expected {d}, found {}", type_name(other))),
        }
    }
    fn to_toml(&self) -> toml::Value {
        toml::Value::String(self.clone())
    }
}

/// Why [`Params::set`] refused a key.
#[derive(Debug, Clone, PartialEq)]
pub enum SetError {
    /// No such key.
    Unknown,
    /// The key exists but the value is not allowed; the message says what is.
    Invalid(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_show_numbers_short_and_text_escaped() {
        assert_eq!(short(1e300), "1e300");
        assert_eq!(short(-2.5e-30), "-2.5e-30");
        assert_eq!(short(0.1 + 0.2), "0.3");
        assert_eq!(short(2.5), "2.5");
        assert_eq!(short(123_456_789_012.0), "123456789012");
        assert_eq!(short(1.234_567_890_123e15), "1.23457e15");
        let years = Domain::Int { lo: 1, hi: 200 };
        let e = u32::from_toml(&toml::Value::Float(1e300), &years).unwrap_err();
        assert!(e.starts_with("1e300 is not allowed"), "{e}");
        let price = Domain::Real { lo: 0.0, hi: 50.0 };
        let e = f64::from_toml(&toml::Value::Float(1e300), &price).unwrap_err();
        assert!(e.starts_with("1e300 is not allowed"), "{e}");
        let words = Domain::Choice(&["normal", "uniform"]);
        let e =
            String::from_toml(&toml::Value::String("a\u{1b}[31m\nb".into()), &words).unwrap_err();
        assert!(!e.contains('\u{1b}') && !e.contains('\n'), "{e}");
        let long = "x".repeat(500);
        let e = String::from_toml(&toml::Value::String(long), &words).unwrap_err();
        assert!(e.len() < 200, "{e}");
    }
}
