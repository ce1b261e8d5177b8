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

/// A number as text, written straight from its mantissa, exactly as `Money`'s (through
/// [`Money::plain_into`]) or `Decimal::normalize`'s `Display` would write it (a property test
/// holds them equal); `None` for a negative zero, which the caller writes the general way. Explanations write
/// thousands of numbers: going through `fmt` costs several times more.
fn plain(d: Decimal, shape: Shape) -> Option<String> {
    let mut buf = [0u8; SHORT_MAX];
    plain_into(d, shape, &mut buf).map(str::to_owned)
}

/// Room for the longest text [`write_short`] writes: a sign, 29 digits, `0.`, up to 28
/// leading zeros of the decimals; or a date.
pub(crate) const SHORT_MAX: usize = 64;

/// Text written into a fixed buffer, never past its end.
struct Short<'b> {
    buf: &'b mut [u8; SHORT_MAX],
    len: usize,
}

impl<'b> Short<'b> {
    fn push(&mut self, b: u8) -> Option<()> {
        *self.buf.get_mut(self.len)? = b;
        self.len += 1;
        Some(())
    }

    fn push_slice(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.len.checked_add(bytes.len())?;
        self.buf.get_mut(self.len..end)?.copy_from_slice(bytes);
        self.len = end;
        Some(())
    }

    fn text(self) -> Option<&'b str> {
        let Short { buf, len } = self;
        std::str::from_utf8(buf.get(..len)?).ok()
    }
}

/// `10^19`: a 96-bit mantissa is at most two such "digits" in base `10^19`, each a `u64`.
const TEN_19: u128 = 10_000_000_000_000_000_000;

/// Zeros to copy from.
const ZEROS: [u8; 32] = [b'0'; 32];

/// The decimal digits of `n`, most significant first, at the end of `store` (at least one).
fn digits_of(n: u128, store: &mut [u8; 40]) -> Option<&[u8]> {
    let mut start = store.len();
    let mut put = |mut rest: u64, at_least: usize| -> Option<()> {
        let mut written = 0;
        loop {
            start = start.checked_sub(1)?;
            *store.get_mut(start)? = b'0' + u8::try_from(rest % 10).ok()?;
            rest /= 10;
            written += 1;
            if rest == 0 && written >= at_least {
                return Some(());
            }
        }
    };
    if n >= TEN_19 {
        put(u64::try_from(n % TEN_19).ok()?, 19)?;
        put(u64::try_from(n / TEN_19).ok()?, 1)?;
    } else {
        put(u64::try_from(n).ok()?, 1)?;
    }
    store.get(start..)
}

/// [`plain`] into a buffer: no allocation.
fn plain_into(d: Decimal, shape: Shape, buf: &mut [u8; SHORT_MAX]) -> Option<&str> {
    if d.is_zero() && d.is_sign_negative() {
        return None;
    }
    if shape == Shape::Money {
        // `Money`'s own writer, into the start of the buffer.
        let (head, _) = buf.split_first_chunk_mut::<{ Money::PLAIN_MAX }>()?;
        return Some(Money::from_decimal(d).plain_into(head));
    }
    let abs = d.mantissa().unsigned_abs();
    let scale = usize::try_from(d.scale()).ok()?;
    let mut store = [b'0'; 40];
    let digits = digits_of(abs, &mut store)?;
    let n = digits.len();
    // The integer part, and the decimals after the zeros that lead them when `n <= scale`.
    let (int, lead, frac): (&[u8], usize, &[u8]) = match n.checked_sub(scale) {
        Some(k) if k > 0 => (digits.get(..k)?, 0, digits.get(k..)?),
        _ => (b"0", scale.saturating_sub(n), digits),
    };
    let mut out = Short { buf, len: 0 };
    if d.is_sign_negative() {
        out.push(b'-')?;
    }
    out.push_slice(int)?;
    let kept = frac.iter().rposition(|&b| b != b'0').map_or(0, |i| i + 1);
    if kept > 0 {
        out.push(b'.')?;
        out.push_slice(ZEROS.get(..lead)?)?;
        out.push_slice(frac.get(..kept)?)?;
    }
    out.text()
}

/// The text [`Value::display`] writes, into `buf` without allocating, for the values that
/// have a short text of their own: numbers, dates of years 0 to 9999, booleans, missing.
/// `None` for the rest (text, lists, the numbers [`plain`] leaves to the general way), which
/// the caller writes with [`Value::display`]. A property test holds the two equal.
pub(crate) fn write_short<'b>(
    v: &Value,
    ty: &Type,
    buf: &'b mut [u8; SHORT_MAX],
) -> Option<&'b str> {
    match v {
        Value::Num(d) => match ty.strip_optional() {
            Type::Money => plain_into(*d, Shape::Money, buf),
            _ => plain_into(*d, Shape::Normalized, buf),
        },
        Value::Date(d) => {
            let text = crate::syntax::date_text(*d, crate::syntax::DateStyle::Iso)?;
            let mut out = Short { buf, len: 0 };
            out.push_slice(&text)?;
            out.text()
        }
        Value::Bool(true) => Some("true"),
        Value::Bool(false) => Some("false"),
        Value::Missing => Some("missing"),
        Value::Text(_) | Value::List(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut writes every number exactly as the general formatting does (money is
        /// `Money::plain_into`'s, held equal to `Display` in welfare-types).
        #[test]
        fn plain_matches_display(m in any::<i64>(), scale in 0u32..=28, negative_zero in any::<bool>()) {
            let mut d = Decimal::new(m, scale);
            if negative_zero && m == 0 {
                d.set_sign_negative(true);
            }
            if let Some(text) = plain(d, Shape::Normalized) {
                prop_assert_eq!(text, d.normalize().to_string());
            }
        }
    }

    proptest! {
        /// The buffer writer writes every value it covers exactly as `display` does, and
        /// covers every number but a negative zero.
        #[test]
        fn write_short_matches_display(
            m in prop_oneof![any::<i64>().prop_map(i128::from), -(1i128 << 96) + 1..(1i128 << 96)],
            scale in 0u32..=28,
            days in -1_000_000i32..4_000_000,
            ty in prop_oneof![
                Just(Type::Money),
                Just(Type::Decimal),
                Just(Type::Integer),
                Just(Type::Optional(Box::new(Type::Money))),
            ],
            b in any::<bool>(),
        ) {
            let mut buf = [0u8; SHORT_MAX];
            let d = Decimal::from_i128_with_scale(m, scale);
            let v = Value::Num(d);
            match write_short(&v, &ty, &mut buf) {
                Some(text) => prop_assert_eq!(text, v.display(&ty)),
                None => prop_assert!(false, "not written: {d}"),
            }
            let date = Value::Date(NaiveDate::from_num_days_from_ce_opt(days).unwrap());
            if let Some(text) = write_short(&date, &Type::Date, &mut buf) {
                prop_assert_eq!(text, date.display(&Type::Date));
            }
            for v in [Value::Bool(b), Value::Missing] {
                let text = write_short(&v, &Type::Boolean, &mut buf).map(str::to_owned);
                prop_assert_eq!(text, Some(v.display(&Type::Boolean)));
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
