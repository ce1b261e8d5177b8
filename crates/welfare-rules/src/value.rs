//! Run-time values.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use welfare_types::Money;

use crate::types::Type;

/// A value during evaluation. Money, decimals and integers are all exact [`Decimal`]s at run
/// time; their static [`Type`] says which is which.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Value {
    /// An optional fact that was not given.
    #[default]
    Missing,
    /// A boolean.
    Bool(bool),
    /// A number (money, decimal or integer).
    Num(Decimal),
    /// A date.
    Date(NaiveDate),
    /// Text or an enum value.
    Text(Arc<str>),
    /// A list.
    List(Arc<[Value]>),
}

impl Value {
    /// The number, if this is one.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Num(d) => Some(*d),
            _ => None,
        }
    }

    /// The amount, if this is a number.
    pub fn as_money(&self) -> Option<Money> {
        self.as_decimal().map(Money::from_decimal)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as text for people and test files, formatted by its type: money with at
    /// least two decimals (`83.92`, `0.00`), decimals normalised, dates ISO, `missing` for a
    /// missing value.
    pub fn display(&self, ty: &Type) -> String {
        match self {
            Value::Missing => "missing".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Num(d) => match ty.strip_optional() {
                Type::Money => Money::from_decimal(*d).to_string(),
                _ => d.normalize().to_string(),
            },
            Value::Date(d) => d.to_string(),
            Value::Text(t) => t.to_string(),
            Value::List(items) => {
                let inner = match ty.strip_optional() {
                    Type::List(t) => (**t).clone(),
                    _ => Type::Decimal,
                };
                let parts: Vec<String> = items.iter().map(|v| v.display(&inner)).collect();
                format!("[{}]", parts.join(", "))
            }
        }
    }

    /// The value as JSON: numbers as exact decimal strings, booleans as booleans, missing as null.
    pub fn to_json(&self, ty: &Type) -> serde_json::Value {
        match self {
            Value::Missing => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::List(items) => {
                let inner = match ty.strip_optional() {
                    Type::List(t) => (**t).clone(),
                    _ => Type::Decimal,
                };
                serde_json::Value::Array(items.iter().map(|v| v.to_json(&inner)).collect())
            }
            other => serde_json::Value::String(other.display(ty)),
        }
    }

    /// Italian presentation for motivazioni: `1.234,56 €` for money, `sì`/`no`.
    pub fn display_lang(&self, ty: &Type, lang: crate::Lang) -> String {
        match (self, ty.strip_optional(), lang) {
            (Value::Num(d), Type::Money, crate::Lang::It) => {
                Money::from_decimal(*d).to_italian_string()
            }
            (Value::Num(d), Type::Money, crate::Lang::En) => {
                format!("€ {}", Money::from_decimal(*d))
            }
            (Value::Bool(true), _, crate::Lang::It) => "sì".to_owned(),
            (Value::Bool(false), _, crate::Lang::It) => "no".to_owned(),
            (Value::Bool(true), _, crate::Lang::En) => "yes".to_owned(),
            (Value::Bool(false), _, crate::Lang::En) => "no".to_owned(),
            (Value::Missing, _, crate::Lang::It) => "non presentato".to_owned(),
            (Value::Missing, _, crate::Lang::En) => "not given".to_owned(),
            (Value::Num(d), _, crate::Lang::It) => d.normalize().to_string().replace('.', ","),
            (v, t, _) => v.display(t),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<Decimal> for Value {
    fn from(d: Decimal) -> Value {
        Value::Num(d)
    }
}
impl From<Money> for Value {
    fn from(m: Money) -> Value {
        Value::Num(m.amount())
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Num(Decimal::from(i))
    }
}
impl From<NaiveDate> for Value {
    fn from(d: NaiveDate) -> Value {
        Value::Date(d)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }
}
