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
                Type::Money => {
                    plain(*d, Shape::Money).unwrap_or_else(|| Money::from_decimal(*d).to_string())
                }
                _ => plain(*d, Shape::Normalized).unwrap_or_else(|| d.normalize().to_string()),
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

/// How [`plain`] writes the decimals.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Shape {
    /// As [`Money`]'s `Display`: at least two decimals, every further digit kept.
    Money,
    /// As `Decimal::normalize` then `Display`: no trailing zeros after the point.
    Normalized,
}

/// A number as text, written straight from its mantissa, exactly as `Money`'s or
/// `Decimal::normalize`'s `Display` would write it (a property test holds them equal); `None`
/// for what that shortcut does not cover (a mantissa beyond 64 bits, a negative zero), which
/// the caller writes the general way. Explanations write thousands of numbers: going
/// through `fmt` costs several times more.
fn plain(d: Decimal, shape: Shape) -> Option<String> {
    if d.is_zero() && d.is_sign_negative() {
        return None;
    }
    let m = d.mantissa();
    let abs = u64::try_from(m.unsigned_abs()).ok()?;
    let scale = usize::try_from(d.scale()).ok()?;
    let mut digits = [b'0'; 20];
    let mut n = 0usize;
    let mut rest = abs;
    loop {
        let slot = digits.get_mut(n)?;
        *slot = b'0' + u8::try_from(rest % 10).ok()?;
        n += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    // `digits[..n]` holds the digits, least significant first.
    let digit = |i: usize| char::from(digits.get(i).copied().unwrap_or(b'0'));
    // The decimals written: digits `scale-1 ..= low` of the mantissa, then `pad` zeros.
    let (low, pad) = match shape {
        Shape::Money => (0, 2usize.saturating_sub(scale)),
        Shape::Normalized => ((0..scale).find(|&i| digit(i) != '0').unwrap_or(scale), 0),
    };
    let mut out = String::with_capacity(n + scale + 4);
    if m < 0 {
        out.push('-');
    }
    if n <= scale {
        out.push('0');
    } else {
        out.extend((scale..n).rev().map(digit));
    }
    if low < scale || pad > 0 {
        out.push('.');
        out.extend((low..scale).rev().map(digit));
        out.extend(std::iter::repeat_n('0', pad));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut writes every number exactly as the general formatting does.
        #[test]
        fn plain_matches_display(m in any::<i64>(), scale in 0u32..=28, negative_zero in any::<bool>()) {
            let mut d = Decimal::new(m, scale);
            if negative_zero && m == 0 {
                d.set_sign_negative(true);
            }
            if let Some(text) = plain(d, Shape::Money) {
                prop_assert_eq!(text, Money::from_decimal(d).to_string());
            }
            if let Some(text) = plain(d, Shape::Normalized) {
                prop_assert_eq!(text, d.normalize().to_string());
            }
        }
    }

    #[test]
    fn plain_examples() {
        let money = |m, s| plain(Decimal::new(m, s), Shape::Money);
        assert_eq!(money(8392, 2).as_deref(), Some("83.92"));
        assert_eq!(money(0, 0).as_deref(), Some("0.00"));
        assert_eq!(money(-5, 3).as_deref(), Some("-0.005"));
        assert_eq!(money(1019000, 3).as_deref(), Some("1019.000"));
        assert_eq!(money(7, 0).as_deref(), Some("7.00"));
        let norm = |m, s| plain(Decimal::new(m, s), Shape::Normalized);
        assert_eq!(norm(1500, 3).as_deref(), Some("1.5"));
        assert_eq!(norm(100, 0).as_deref(), Some("100"));
        assert_eq!(norm(-40, 2).as_deref(), Some("-0.4"));
        assert_eq!(norm(0, 2).as_deref(), Some("0"));
    }
}
