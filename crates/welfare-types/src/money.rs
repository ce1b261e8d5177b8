//! Exact euro amounts and the rounding that a rule names.
//!
//! [`Money`] wraps a [`rust_decimal::Decimal`] and exposes only *checked* arithmetic:
//! an overflow or a division by zero is a [`MoneyError`], never a panic. Nothing rounds
//! implicitly: an amount keeps every decimal digit its computation produced until the
//! caller applies a [`Rounding`], which names both the step (cent, tenth, euro) and the
//! mode (half-up, half-even, down, up).
//!
//! ```
//! use welfare_types::{Money, Rounding};
//!
//! // 54.05 revalued amounts round half-up to the tenth, as INPS does for Assegno Unico.
//! let amount: Money = "54.05".parse()?;
//! assert_eq!(amount.round(Rounding::TENTH_HALF_UP).to_string(), "54.10");
//!
//! // Italian input and output.
//! let rent = Money::parse("1.234,56")?;
//! assert_eq!(rent.to_italian_string(), "1.234,56 €");
//! assert_eq!(rent.to_string(), "1234.56");
//! # Ok::<(), welfare_types::MoneyError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why an amount could not be parsed or computed.
///
/// Messages never repeat the input: amounts often sit next to personal data in logs.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The text is empty (after removing spaces and the currency sign).
    #[error("amount is empty")]
    Empty,
    /// The text is not a decimal number in plain (`1234.56`) or Italian (`1.234,56`) form.
    #[error("amount is not a decimal number in the form 1234.56 or 1.234,56")]
    Syntax,
    /// Thousands separators are misplaced (groups must have three digits).
    #[error("amount has misplaced thousands separators")]
    Grouping,
    /// A currency other than the euro was named.
    #[error("amount is not in euro")]
    Currency,
    /// A computation left the representable range (about ±7.9 × 10²⁸).
    #[error("amount overflowed the representable range")]
    Overflow,
    /// A division by zero was attempted.
    #[error("amount divided by zero")]
    DivisionByZero,
}

/// The step an amount is rounded to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoundingStep {
    /// 0.01 €: the ordinary administrative step.
    Cent,
    /// 0.10 €: Assegno Unico amounts are revalued to the tenth of a euro.
    Tenth,
    /// 1 €: whole euros.
    Euro,
}

impl RoundingStep {
    /// The number of decimal places this step keeps.
    pub const fn decimal_places(self) -> u32 {
        match self {
            RoundingStep::Cent => 2,
            RoundingStep::Tenth => 1,
            RoundingStep::Euro => 0,
        }
    }
}

/// How a value exactly half-way between two steps, or any value between them, is resolved.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoundingMode {
    /// Half-way values go away from zero (54.05 → 54.1): the Italian administrative default.
    HalfUp,
    /// Half-way values go to the even neighbour ("banker's rounding"): only where a rule names it.
    HalfEven,
    /// Truncate toward zero (54.09 → 54.0).
    Down,
    /// Any remainder goes away from zero (54.01 → 54.1).
    Up,
}

impl RoundingMode {
    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
        }
    }
}

/// A rounding rule: a step and a mode. Every rounding in welfare-kit is one of these, by name.
///
/// ```
/// use rust_decimal::Decimal;
/// use welfare_types::{Rounding, RoundingMode, RoundingStep};
///
/// let r = Rounding::new(RoundingStep::Cent, RoundingMode::HalfEven);
/// assert_eq!(r.apply(Decimal::new(2225, 3)).to_string(), "2.22"); // banker's: to even
/// assert_eq!(Rounding::CENT_HALF_UP.apply(Decimal::new(2225, 3)).to_string(), "2.23");
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Rounding {
    /// The step rounded to.
    pub step: RoundingStep,
    /// How values between two steps are resolved.
    pub mode: RoundingMode,
}

impl Rounding {
    /// Half-up to the cent: ISEE, ADI and most municipal tariffs.
    pub const CENT_HALF_UP: Rounding = Rounding::new(RoundingStep::Cent, RoundingMode::HalfUp);
    /// Half-up to the tenth of a euro: Assegno Unico amounts.
    pub const TENTH_HALF_UP: Rounding = Rounding::new(RoundingStep::Tenth, RoundingMode::HalfUp);
    /// Half-up to the euro.
    pub const EURO_HALF_UP: Rounding = Rounding::new(RoundingStep::Euro, RoundingMode::HalfUp);
    /// Truncation to the cent.
    pub const CENT_DOWN: Rounding = Rounding::new(RoundingStep::Cent, RoundingMode::Down);

    /// A rounding rule from its parts.
    pub const fn new(step: RoundingStep, mode: RoundingMode) -> Rounding {
        Rounding { step, mode }
    }

    /// Rounds a decimal by this rule. Rounding can never overflow: the result has fewer digits.
    #[inline]
    pub fn apply(self, value: Decimal) -> Decimal {
        let places = self.step.decimal_places();
        self.apply_small(value, places)
            .unwrap_or_else(|| value.round_dp_with_strategy(places, self.mode.strategy()))
    }

    /// [`Rounding::apply`] with integer arithmetic: the same result, value, scale and sign,
    /// as `round_dp_with_strategy` (a property test holds them equal), at a fraction of its
    /// cost. Mantissas of up to 64 bits (amounts) take 64-bit arithmetic, wider ones (the
    /// 28-digit quotients of a division) 128-bit. `None` where it does not apply (a result of
    /// negative zero), left to the general rounding.
    #[inline]
    fn apply_small(self, value: Decimal, places: u32) -> Option<Decimal> {
        let scale = value.scale();
        if scale <= places {
            return Some(value);
        }
        let m = value.mantissa();
        let q = match i64::try_from(m) {
            Ok(m) => i128::from(self.quotient(m, 10i64.checked_pow(scale - places)?)?),
            Err(_) => self.quotient(m, 10i128.checked_pow(scale - places)?)?,
        };
        if q == 0 && m < 0 {
            return None;
        }
        Decimal::try_from_i128_with_scale(q, places).ok()
    }

    /// `m / div` rounded by this rule's mode (`div` a positive power of ten).
    #[inline]
    fn quotient<T>(self, m: T, div: T) -> Option<T>
    where
        T: Copy
            + PartialEq
            + PartialOrd
            + std::ops::Div<Output = T>
            + std::ops::Rem<Output = T>
            + std::ops::Add<Output = T>
            + std::ops::Sub<Output = T>
            + From<i8>,
    {
        let (q, r) = (m / div, m % div);
        let zero = T::from(0);
        // |r| and div as same-signed magnitudes: twice |r| against div decides the half.
        let r_abs = if r < zero { zero - r } else { r };
        let half_or_more = r_abs >= div - r_abs;
        let past_half = r_abs > div - r_abs;
        let away = match self.mode {
            RoundingMode::Down => false,
            RoundingMode::Up => r != zero,
            RoundingMode::HalfUp => half_or_more,
            RoundingMode::HalfEven => past_half || (half_or_more && q % T::from(2) != zero),
        };
        if !away {
            return Some(q);
        }
        // Away from zero: the quotient of a 96-bit mantissa cannot overflow i128 or i64 here.
        Some(if m < zero { q - T::from(1) } else { q + T::from(1) })
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let step = match self.step {
            RoundingStep::Cent => "cent",
            RoundingStep::Tenth => "tenth",
            RoundingStep::Euro => "euro",
        };
        let mode = match self.mode {
            RoundingMode::HalfUp => "half-up",
            RoundingMode::HalfEven => "half-even",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
        };
        write!(f, "{mode} to the {step}")
    }
}

/// An exact amount in euro.
///
/// Arithmetic is checked and never rounds; see the [module documentation](self).
/// Equality and ordering compare values (`1.5 == 1.50`).
/// Serialized as a decimal string (`"1234.50"`); deserialized from a string in plain or Italian
/// form or from a JSON number.
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash)]
pub struct Money(Decimal);

impl Ord for Money {
    #[inline]
    fn cmp(&self, other: &Money) -> std::cmp::Ordering {
        compare_decimals(&self.0, &other.0)
    }
}

impl PartialOrd for Money {
    #[inline]
    fn partial_cmp(&self, other: &Money) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Money {
    /// Zero euro.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// The ISO 4217 currency of every `Money`: the euro.
    pub const CURRENCY: iso_currency::Currency = iso_currency::Currency::EUR;

    /// An amount from an exact decimal, kept as it is.
    pub const fn from_decimal(value: Decimal) -> Money {
        Money(value)
    }

    /// An amount from a whole number of cents.
    pub fn from_cents(cents: i64) -> Money {
        Money(Decimal::new(cents, 2))
    }

    /// An amount from whole euros.
    pub fn from_euros(euros: i64) -> Money {
        Money(Decimal::from(euros))
    }

    /// The exact decimal value.
    pub const fn amount(self) -> Decimal {
        self.0
    }

    /// Parses plain (`1234.56`, `-12`) or Italian (`1.234,56`, `1234,56`) notation, with an
    /// optional `€` or `EUR` before or after and spaces anywhere.
    ///
    /// In Italian notation `.` only separates thousands and must be followed by groups of three
    /// digits. A string with dots and no comma is read as plain notation (`1.234` is one euro and
    /// 234 thousandths) unless it has two or more dots in thousands position (`1.234.567`).
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        match parse_plain(text) {
            Some(value) => Ok(Money(value)),
            None => parse_amount(text).map(Money),
        }
    }

    /// The amount in plain notation (`-?[0-9]+(\.[0-9]+)?`, at most 19 digits) that `bytes`
    /// starts with, up to the first byte that cannot go on it (not a digit, a second point), with the number
    /// of bytes it takes: exactly what [`Money::parse`] gives for those bytes alone. `None`
    /// when that run of bytes is not plain notation (or is longer): read the whole text with
    /// [`Money::parse`] then. For a reader that finds where an amount ends as it reads it.
    ///
    /// ```
    /// use welfare_types::Money;
    /// let (amount, len) = Money::parse_plain_prefix(b"18882.25\"}").unwrap();
    /// assert_eq!((amount, len), (Money::parse("18882.25").unwrap(), 8));
    /// assert_eq!(Money::parse_plain_prefix(b"12.\""), None);
    /// ```
    #[inline]
    pub fn parse_plain_prefix(bytes: &[u8]) -> Option<(Money, usize)> {
        plain_prefix(bytes).map(|(value, len)| (Money(value), len))
    }

    /// `self + other`, or [`MoneyError::Overflow`].
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.0.checked_add(other.0).map(Money).ok_or(MoneyError::Overflow)
    }

    /// `self - other`, or [`MoneyError::Overflow`].
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.0.checked_sub(other.0).map(Money).ok_or(MoneyError::Overflow)
    }

    /// `self × factor` (a rate, a coefficient, a count), exact, or [`MoneyError::Overflow`].
    pub fn checked_mul(self, factor: Decimal) -> Result<Money, MoneyError> {
        self.0.checked_mul(factor).map(Money).ok_or(MoneyError::Overflow)
    }

    /// `self ÷ divisor`, to the 28 significant digits a decimal holds, or an error for a zero
    /// divisor or an overflow. Round the result explicitly.
    pub fn checked_div(self, divisor: Decimal) -> Result<Money, MoneyError> {
        if divisor.is_zero() {
            return Err(MoneyError::DivisionByZero);
        }
        self.0.checked_div(divisor).map(Money).ok_or(MoneyError::Overflow)
    }

    /// The ratio of two amounts (`self ÷ other`), e.g. an ISEE divided by a threshold.
    pub fn checked_ratio(self, other: Money) -> Result<Decimal, MoneyError> {
        if other.0.is_zero() {
            return Err(MoneyError::DivisionByZero);
        }
        self.0.checked_div(other.0).ok_or(MoneyError::Overflow)
    }

    /// Adds up amounts, stopping at the first overflow.
    pub fn checked_sum<I: IntoIterator<Item = Money>>(amounts: I) -> Result<Money, MoneyError> {
        amounts.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }

    /// Rounds by the named rule.
    #[inline]
    pub fn round(self, rounding: Rounding) -> Money {
        Money(rounding.apply(self.0))
    }

    /// The negated amount (never overflows: the decimal range is symmetric).
    pub fn negate(self) -> Money {
        Money(-self.0)
    }

    /// The absolute value.
    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    /// The amount, or zero if it is negative (deductions that cannot make a figure negative).
    pub fn floor_at_zero(self) -> Money {
        if self.0.is_sign_negative() {
            Money::ZERO
        } else {
            self
        }
    }

    /// Whether the amount is exactly zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Whether the amount is below zero (a negative zero is not: it equals zero). Read from the
    /// sign and the mantissa, without a comparison of decimals.
    #[inline]
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Whether the amount has no digits below the cent.
    pub fn is_whole_cents(self) -> bool {
        self.0.round_dp_with_strategy(2, RoundingStrategy::ToZero) == self.0
    }

    /// Italian presentation: `1.234,56 €` (thousands with `.`, decimals with `,`, at least two
    /// decimals, no rounding: `0,125 €` keeps its third digit).
    pub fn to_italian_string(self) -> String {
        Money::italian_from_plain(&self.to_string())
    }

    /// The Italian presentation of an amount already written in plain notation (`1234.56` →
    /// `1.234,56 €`), without parsing it again: the text is regrouped as it stands, so it must
    /// be what [`Money`]'s `Display` writes (as explanations store it).
    pub fn italian_from_plain(plain: &str) -> String {
        let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 8);
        Money::push_italian_from_plain(&mut out, plain);
        out
    }

    /// [`Money::italian_from_plain`] appended to `out`, for texts written piece by piece.
    pub fn push_italian_from_plain(out: &mut String, plain: &str) {
        let (sign, digits) = match plain.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", plain),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        out.push_str(sign);
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push('.');
            }
            out.push(ch);
        }
        if !frac.is_empty() {
            out.push(',');
            out.push_str(frac);
        }
        out.push_str(" €");
    }

    /// The size of the buffer [`Money::plain_into`] writes into. The longest text it writes is
    /// 31 bytes (a sign, 29 digits and a point, or `-0.` and 28 decimals); the buffer has room
    /// to spare.
    pub const PLAIN_MAX: usize = 40;

    /// Writes the amount into `buf` exactly as [`Money`]'s `Display` writes it (at least two
    /// decimals, every further digit kept, no `-0.00`: `1234.50`) and returns the text, without
    /// the formatting machinery and without allocating. For writers of many amounts (result
    /// lines, explanations).
    ///
    /// ```
    /// use welfare_types::Money;
    ///
    /// let mut buf = [0u8; Money::PLAIN_MAX];
    /// assert_eq!(Money::from_cents(123450).plain_into(&mut buf), "1234.50");
    /// assert_eq!(Money::parse("-0.125").unwrap().plain_into(&mut buf), "-0.125");
    /// ```
    #[inline]
    pub fn plain_into(self, buf: &mut [u8; Money::PLAIN_MAX]) -> &str {
        // Never empty: the text is ASCII and at most 31 bytes.
        std::str::from_utf8(self.plain_bytes_into(buf)).unwrap_or_default()
    }

    /// [`Money::plain_into`]'s text as its (ASCII) bytes, for writers of bytes: without the
    /// check of UTF-8 that a `&str` takes.
    ///
    /// ```
    /// use welfare_types::Money;
    ///
    /// let mut buf = [0u8; Money::PLAIN_MAX];
    /// assert_eq!(Money::from_cents(-5).plain_bytes_into(&mut buf), b"-0.05");
    /// ```
    #[inline]
    pub fn plain_bytes_into(self, buf: &mut [u8; Money::PLAIN_MAX]) -> &[u8] {
        let start = self.write_plain(buf).unwrap_or(Money::PLAIN_MAX);
        buf.get(start..).unwrap_or_default()
    }

    /// [`Money::plain_into`] appended to `out`.
    pub fn push_plain(self, out: &mut String) {
        let mut buf = [0u8; Money::PLAIN_MAX];
        out.push_str(self.plain_into(&mut buf));
    }

    /// The text of `Display` at the end of `buf`, written from the last digit backwards; where
    /// it starts.
    #[inline]
    fn write_plain(self, buf: &mut [u8; Money::PLAIN_MAX]) -> Option<usize> {
        let mut value = self.0;
        let (mut mantissa, mut scale) = (value.mantissa().unsigned_abs(), value.scale());
        if scale < 2 {
            // `Display` rescales to two decimals: in integers while the mantissa stays within
            // a decimal's 96 bits, else as `Display` does it.
            let factor = if scale == 0 { 100 } else { 10 };
            match mantissa.checked_mul(factor).filter(|m| *m < 1 << 96) {
                Some(m) => (mantissa, scale) = (m, 2),
                None => {
                    value.rescale(2);
                    (mantissa, scale) = (value.mantissa().unsigned_abs(), value.scale());
                }
            }
        }
        let mut at = buf.len();
        let mut put = |byte: u8| -> Option<()> {
            at = at.checked_sub(1)?;
            *buf.get_mut(at)? = byte;
            Some(())
        };
        // The decimals (zeros once the digits run out), the point, the integer part (at least
        // one digit); in 64-bit arithmetic for every amount below 1.8 × 10^19 units.
        match u64::try_from(mantissa) {
            Ok(n) => put_u64_digits(n, scale, &mut put)?,
            Err(_) => put_digits(mantissa, scale, &mut put)?,
        }
        if value.is_sign_negative() && mantissa != 0 {
            put(b'-')?;
        }
        Some(at)
    }
}

/// The two digits of every number below 100, `00` to `99`.
const PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324\
    25262728293031323334353637383940414243444546474849\
    50515253545556575859606162636465666768697071727374\
    75767778798081828384858687888990919293949596979899";

/// [`put_digits`] for a 64-bit `n` (every amount below 1.8 × 10^19 units): two digits per
/// division, from [`PAIRS`].
#[inline]
fn put_u64_digits(mut n: u64, scale: u32, put: &mut impl FnMut(u8) -> Option<()>) -> Option<()> {
    // The decimals, two at a time, then the odd one (zeros once the digits run out).
    for _ in 0..scale / 2 {
        put_pair(n % 100, put)?;
        n /= 100;
    }
    if scale % 2 == 1 {
        put(b'0' + u8::try_from(n % 10).ok()?)?;
        n /= 10;
    }
    if scale > 0 {
        put(b'.')?;
    }
    // The integer part: at least one digit.
    while n >= 100 {
        put_pair(n % 100, put)?;
        n /= 100;
    }
    if n >= 10 {
        put_pair(n, put)
    } else {
        put(b'0' + u8::try_from(n).ok()?)
    }
}

/// Writes the two digits of `n` (below 100) through `put`, units first.
#[inline]
fn put_pair(n: u64, put: &mut impl FnMut(u8) -> Option<()>) -> Option<()> {
    let at = usize::try_from(n).ok()?.checked_mul(2)?;
    put(*PAIRS.get(at + 1)?)?;
    put(*PAIRS.get(at)?)
}

/// Writes `n` as a decimal with `scale` decimals through `put`, last digit first: the
/// decimals (zeros once the digits run out), the point, then at least one integer digit.
fn put_digits<T>(mut n: T, scale: u32, put: &mut impl FnMut(u8) -> Option<()>) -> Option<()>
where
    T: Copy
        + PartialEq
        + From<u8>
        + TryInto<u8>
        + std::ops::Rem<Output = T>
        + std::ops::Div<Output = T>,
{
    let ten = T::from(10);
    let digit = |n: T| -> Option<u8> { Some(b'0' + (n % ten).try_into().ok()?) };
    for _ in 0..scale {
        put(digit(n)?)?;
        n = n / ten;
    }
    if scale > 0 {
        put(b'.')?;
    }
    loop {
        put(digit(n)?)?;
        n = n / ten;
        if n == T::from(0) {
            return Some(());
        }
    }
}

impl fmt::Display for Money {
    /// Plain notation with at least two decimals and every further digit kept: `1234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut value = self.0;
        if value.scale() < 2 {
            value.rescale(2);
        }
        // `-0.00` would surprise every reader.
        if value.is_zero() {
            value.set_sign_positive(true);
        }
        fmt::Display::fmt(&value, f)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        Money::parse(s)
    }
}

impl From<Decimal> for Money {
    fn from(value: Decimal) -> Money {
        Money(value)
    }
}

impl From<Money> for Decimal {
    fn from(value: Money) -> Decimal {
        value.0
    }
}

/// Digits-only check on a group, with an optional exact length.
fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The common case of [`Money::parse`] without allocating: plain notation as [`Money`]'s
/// `Display` writes it (`-?[0-9]+(\.[0-9]+)?`, at most 19 digits), read straight into a
/// mantissa and a scale. Exactly the value, scale and sign [`parse_amount`] gives for the same
/// text (a property test holds them equal); `None` for anything else, left to it.
#[inline]
fn parse_plain(text: &str) -> Option<Decimal> {
    let (value, len) = plain_prefix(text.as_bytes())?;
    (len == text.len()).then_some(value)
}

/// The run of plain notation `bytes` starts with (an optional `-`, then digits and at most one
/// point, up to the first byte that cannot go on: another byte or a second point), read as
/// [`parse_plain`] reads it, with its length:
/// `None` when the run is not plain notation (no digit, a leading or trailing point) or is
/// longer than 19 bytes after the sign.
#[inline]
fn plain_prefix(bytes: &[u8]) -> Option<(Decimal, usize)> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let (mantissa, scale, len) = match short_run(digits) {
        Some(run) => run,
        None => plain_run(digits)?,
    };
    let mut value = Decimal::try_from_i128_with_scale(i128::from(mantissa), scale).ok()?;
    if negative {
        value.set_sign_negative(true);
    }
    Some((value, usize::from(negative) + len))
}

/// The run of digits and at most one point `digits` starts with, as its digits (a number), the
/// digits after the point (the scale) and its length: `None` when it is not plain notation (no
/// digit, a leading or trailing point) or longer than 19 bytes. Byte by byte, every length.
#[inline]
fn plain_run(digits: &[u8]) -> Option<(u64, u32, usize)> {
    // Twenty bytes at most: a twentieth plain byte makes the run too long.
    let run = digits.get(..20).unwrap_or(digits);
    let mut mantissa: u64 = 0;
    let mut point: Option<usize> = None;
    let mut len = run.len();
    for (i, &b) in run.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit < 10 {
            // Exact for the 19 digits a run that is taken has (10^19 < 2^64); a twentieth
            // wraps, and the run is refused below.
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
        } else if b == b'.' && point.is_none() && i > 0 {
            point = Some(i);
        } else {
            len = i;
            break;
        }
    }
    if len == 0 || len > 19 {
        return None;
    }
    let scale = match point {
        // A trailing point (`12.`) is a syntax error: the general path says so.
        Some(p) => u32::try_from(len.checked_sub(p + 1).filter(|n| *n > 0)?).ok()?,
        None => 0,
    };
    Some((mantissa, scale, len))
}

/// [`plain_run`] for the usual amount, up to seven digits, maybe a point and up to seven more,
/// read eight bytes at a time (with eight bytes to read at each place): `None` for any other
/// run (or too few bytes), which [`plain_run`] then reads. A property test holds the two equal.
#[inline]
fn short_run(digits: &[u8]) -> Option<(u64, u32, usize)> {
    /// Ten to the power of a fraction's length.
    const POWERS: [u64; 8] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];
    let (whole, n) = digit_word(digits.first_chunk::<8>()?)?;
    if digits.get(n) != Some(&b'.') {
        return Some((whole, 0, n));
    }
    let (fraction, f) = digit_word(digits.get(n + 1..)?.first_chunk::<8>()?)?;
    // At most 10^7 × 10^7 + 10^7: no overflow.
    let mantissa = whole * POWERS.get(f)? + fraction;
    Some((mantissa, u32::try_from(f).ok()?, n + 1 + f))
}

/// The digits eight bytes start with, as a number, and how many: `None` unless from one to
/// seven (a digit follows them).
#[inline]
fn digit_word(bytes: &[u8; 8]) -> Option<(u64, usize)> {
    let (values, others) = crate::digits::values(u64::from_le_bytes(*bytes));
    // The first byte is the lowest; at most 8, the cast keeps it.
    let n = (others.trailing_zeros() / 8) as usize;
    if n == 0 || n == 8 {
        return None;
    }
    // The digits moved to the top of the word, zeros below them (leading zeros).
    Some((eight_digits(values << (8 * (8 - n))), n))
}

/// The number eight digit values make, the first in the lowest byte: pairs, then fours, then
/// the eight, each step one multiplication.
#[inline]
fn eight_digits(values: u64) -> u64 {
    // Bytes 0 and 4 (each pair's place after the first step); not the writer's `PAIRS` table.
    const PAIR_BYTES: u64 = 0x0000_00ff_0000_00ff;
    const HIGH_PAIRS: u64 = 100 + (1_000_000 << 32);
    const LOW_PAIRS: u64 = 1 + (10_000 << 32);
    // Each byte at most 9 × 10 + 9: no carry.
    let pairs = values.wrapping_mul(10).wrapping_add(values >> 8);
    let high = (pairs & PAIR_BYTES).wrapping_mul(HIGH_PAIRS);
    let low = ((pairs >> 16) & PAIR_BYTES).wrapping_mul(LOW_PAIRS);
    (high.wrapping_add(low) >> 32) & 0xffff_ffff
}

/// Every notation [`Money::parse`] reads; kept out of line, so that its plain fast path does
/// not pay for this one's frame.
#[inline(never)]
#[cold]
fn parse_amount(text: &str) -> Result<Decimal, MoneyError> {
    let mut cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}' && *c != '\'')
        .collect();
    for sign in ["€", "EUR", "eur", "Eur"] {
        if let Some(rest) = cleaned.strip_suffix(sign) {
            cleaned = rest.to_owned();
        } else if let Some(rest) = cleaned.strip_prefix(sign) {
            cleaned = rest.to_owned();
        }
    }
    if cleaned.is_empty() {
        return Err(MoneyError::Empty);
    }
    if cleaned.chars().any(|c| c.is_ascii_alphabetic()) {
        // "USD 12", "12e3", "1.5E2": no scientific notation, no other currency.
        return if cleaned.chars().filter(|c| c.is_ascii_alphabetic()).count() == 3 {
            Err(MoneyError::Currency)
        } else {
            Err(MoneyError::Syntax)
        };
    }
    let (negative, unsigned) = match cleaned.as_bytes().first() {
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    let (int_part, frac_part) = if let Some((int, frac)) = unsigned.split_once(',') {
        // Italian: ',' is the decimal mark, '.' may only group thousands.
        if frac.contains(',') || frac.contains('.') {
            return Err(MoneyError::Syntax);
        }
        (ungroup(int)?, frac)
    } else if unsigned.matches('.').count() >= 2 {
        (ungroup(unsigned)?, "")
    } else {
        unsigned.split_once('.').map_or((unsigned.to_owned(), ""), |(i, f)| (i.to_owned(), f))
    };
    if !all_digits(&int_part) || !(frac_part.is_empty() || all_digits(frac_part)) {
        return Err(MoneyError::Syntax);
    }
    if unsigned.ends_with(',') || unsigned.ends_with('.') {
        return Err(MoneyError::Syntax);
    }
    let canonical = if frac_part.is_empty() { int_part } else { format!("{int_part}.{frac_part}") };
    let mut value = Decimal::from_str_exact(&canonical).map_err(|_| MoneyError::Overflow)?;
    if negative {
        value.set_sign_negative(true);
    }
    Ok(value)
}

/// Removes Italian thousands separators, checking that every group after the first has three
/// digits.
fn ungroup(int: &str) -> Result<String, MoneyError> {
    if !int.contains('.') {
        return Ok(int.to_owned());
    }
    let mut groups = int.split('.');
    let first = groups.next().unwrap_or_default();
    if first.is_empty() || first.len() > 3 || !all_digits(first) {
        return Err(MoneyError::Grouping);
    }
    let mut out = first.to_owned();
    for group in groups {
        if group.len() != 3 || !all_digits(group) {
            return Err(MoneyError::Grouping);
        }
        out.push_str(group);
    }
    Ok(out)
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount in euro as a decimal string (\"1234.56\" or \"1.234,56\")")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Money, E> {
                Ok(Money::from_euros(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Money, E> {
                Ok(Money(Decimal::from(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Money, E> {
                // Tolerant on input: a JSON number is read through its shortest decimal text,
                // so 0.1 stays 0.1. No float arithmetic happens.
                if !v.is_finite() {
                    return Err(E::custom(MoneyError::Syntax));
                }
                Money::parse(&format!("{v}")).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Money {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Money")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Amount in euro as an exact decimal string (\"1234.56\"). \
                            Input also accepts Italian notation (\"1.234,56\") and JSON numbers.",
            "type": "string",
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
            "examples": ["470.80"]
        })
    }
}

#[cfg(feature = "proptest")]
mod arbitrary {
    use super::{Decimal, Money};
    use proptest::prelude::{any, Strategy};

    impl proptest::arbitrary::Arbitrary for Money {
        type Parameters = ();
        type Strategy = proptest::strategy::BoxedStrategy<Money>;

        /// Amounts between −10¹² and 10¹² euro with zero to four decimals.
        fn arbitrary_with((): ()) -> Self::Strategy {
            (any::<i64>(), 0u32..=4)
                .prop_map(|(n, scale)| {
                    let bounded = n % 10_000_000_000_000_000;
                    Money(Decimal::new(bounded, scale))
                })
                .boxed()
        }
    }
}

/// Compares two decimals by value. Two decimals of the same scale compare by their
/// mantissas; when the scales differ, the coarser mantissa is brought to the finer scale if
/// that fits an `i128` (always, for amounts and thresholds), else `Decimal`'s own comparison
/// decides. Exactly `Decimal::cmp` (a property test holds them equal), without its general
/// rescaling: comparisons of amounts with thresholds are the commonest operation of the rule
/// evaluator and the ISEE, and [`Money`]'s ordering is this.
///
/// ```
/// use rust_decimal::Decimal;
/// use welfare_types::money::compare_decimals;
/// let (a, b) = (Decimal::new(150, 2), Decimal::new(15, 1));
/// assert_eq!(compare_decimals(&a, &b), std::cmp::Ordering::Equal);
/// ```
#[inline(always)]
pub fn compare_decimals(a: &Decimal, b: &Decimal) -> std::cmp::Ordering {
    // The common case (ages against whole constants, cents against cents) in the caller's
    // code: with equal scales the mantissas are in the numbers' order.
    if a.scale() == b.scale() {
        return a.mantissa().cmp(&b.mantissa());
    }
    compare_rescaled(a, b)
}

/// [`compare_decimals`] of two decimals of different scales: the one of fewer decimals scaled
/// up, exactly, or the decimals' own comparison when that would overflow.
#[inline(never)]
fn compare_rescaled(a: &Decimal, b: &Decimal) -> std::cmp::Ordering {
    let (sa, sb) = (a.scale(), b.scale());
    let (ma, mb) = (a.mantissa(), b.mantissa());
    let scaled = match sa.cmp(&sb) {
        std::cmp::Ordering::Equal => Some((ma, mb)),
        std::cmp::Ordering::Less => scale_up(ma, sb - sa).map(|x| (x, mb)),
        std::cmp::Ordering::Greater => scale_up(mb, sa - sb).map(|y| (ma, y)),
    };
    match scaled {
        Some((x, y)) => x.cmp(&y),
        None => a.cmp(b),
    }
}

/// `m × 10^n`, `None` on overflow. A 64-bit mantissa times at most `10^18` cannot overflow
/// 128 bits, so amounts (the common case) take one widening multiplication, without the
/// overflow check of a full 128-bit one.
#[inline]
fn scale_up(m: i128, n: u32) -> Option<i128> {
    if let (Ok(small), Some(f)) = (i64::try_from(m), pow10_i128(n).filter(|_| n <= 18)) {
        // |small| < 2^63 and f <= 10^18 < 2^60: the product is below 2^123.
        let f = f as i64;
        return Some(i128::from(small) * i128::from(f));
    }
    pow10_i128(n).and_then(|f| m.checked_mul(f))
}

/// `10^n` for the scales a decimal has (0 to 28), from a table: `checked_pow` loops, and
/// comparisons of amounts with thresholds of another scale are the commonest operation.
#[inline]
fn pow10_i128(n: u32) -> Option<i128> {
    const POWERS: [i128; 29] = [
        1,
        10,
        100,
        1000,
        10000,
        100000,
        1000000,
        10000000,
        100000000,
        1000000000,
        10000000000,
        100000000000,
        1000000000000,
        10000000000000,
        100000000000000,
        1000000000000000,
        10000000000000000,
        100000000000000000,
        1000000000000000000,
        10000000000000000000,
        100000000000000000000,
        1000000000000000000000,
        10000000000000000000000,
        100000000000000000000000,
        1000000000000000000000000,
        10000000000000000000000000,
        100000000000000000000000000,
        1000000000000000000000000000,
        10000000000000000000000000000,
    ];
    POWERS.get(n as usize).copied()
}

#[cfg(test)]
mod tests {
    use super::{parse_amount, parse_plain, plain_run, short_run, Money, PAIRS};
    use proptest::prelude::{prop_assert, prop_assert_eq, prop_oneof, proptest, Just, Strategy};
    use rust_decimal::Decimal;

    /// Texts near the plain form: signs, digits, points, commas, spaces and signs of currency,
    /// so that both the fast path and every refusal of it are exercised.
    fn amount_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "-?[0-9]{1,20}(\\.[0-9]{1,20})?",
            "[-+]?[0-9]{0,4}([.,][0-9]{0,4}){0,3}",
            "[ -]?[0-9.,]{0,8}( ?(€|EUR))?",
            Just(String::new()),
            ".{0,12}",
        ]
    }

    proptest! {
        /// The fast path gives exactly the general path's result, scale and sign included
        /// (`-0.00` stays a negative zero), for every text it accepts.
        #[test]
        fn plain_parse_is_the_general_parse(text in amount_text()) {
            let bits = |r: Result<Money, _>| r.map(|m: Money| m.0.serialize());
            let general = parse_amount(&text).map(Money);
            prop_assert_eq!(bits(Money::parse(&text)), bits(general));
            if let Some(fast) = parse_plain(&text) {
                prop_assert_eq!(Ok(fast.serialize()), parse_amount(&text).map(|d| d.serialize()));
            }
        }
    }

    /// Any decimal: every scale and sign, a negative zero, zero and ±1, 64-bit and full 96-bit
    /// mantissas.
    fn any_decimal() -> impl Strategy<Value = rust_decimal::Decimal> {
        let mantissa = prop_oneof![
            -2i128..=2,
            -10_000_000i128..10_000_000,
            proptest::num::i64::ANY.prop_map(i128::from),
            -(1i128 << 96) + 1..(1i128 << 96),
        ];
        (mantissa, 0u32..=28, proptest::bool::ANY).prop_map(|(m, scale, negative)| {
            let mut d = rust_decimal::Decimal::from_i128_with_scale(m, scale);
            if negative {
                d.set_sign_negative(true);
            }
            d
        })
    }

    proptest! {
        /// The plain writer writes every amount as `Display` does: every scale and sign, a
        /// negative zero, mantissas too large to gain two decimals.
        #[test]
        fn plain_writer_is_display(d in any_decimal()) {
            let amount = Money(d);
            let mut buf = [0u8; Money::PLAIN_MAX];
            prop_assert_eq!(amount.plain_into(&mut buf), amount.to_string());
            let display = amount.to_string();
            prop_assert_eq!(amount.plain_bytes_into(&mut buf), display.as_bytes());
            let mut out = String::from("x");
            amount.push_plain(&mut out);
            prop_assert_eq!(out, format!("x{amount}"));
        }
    }

    proptest! {
        /// The plain run a text starts with is `Money::parse` of exactly those bytes (scale and
        /// sign included), and it ends where the plain form cannot go on.
        #[test]
        fn plain_prefix_is_parse_of_its_bytes(
            text in amount_text(),
            tail in prop_oneof![Just(""), Just("\""), Just("\"}"), Just("x"), Just(".\"")],
        ) {
            let whole = format!("{text}{tail}");
            if let Some((amount, len)) = Money::parse_plain_prefix(whole.as_bytes()) {
                let taken = &whole[..len];
                prop_assert_eq!(
                    Money::parse(taken).map(|m| m.0.serialize()),
                    Ok(amount.0.serialize())
                );
                prop_assert_eq!(parse_plain(taken), Some(amount.0));
                let next = whole.as_bytes().get(len).copied();
                prop_assert!(!matches!(next, Some(b'0'..=b'9')), "{}", whole);
            }
            // A plain text followed by a quote is taken whole.
            if let Some(plain) = parse_plain(&text) {
                let quoted = format!("{text}\"");
                let taken = Money::parse_plain_prefix(quoted.as_bytes());
                prop_assert_eq!(taken.map(|(m, n)| (m.0.serialize(), n)), Some((plain.serialize(), text.len())));
            }
        }

        /// The eight-byte reading of a run is the byte-by-byte one whenever it answers, and
        /// answers for the usual amounts.
        #[test]
        fn short_run_is_plain_run(
            text in "[0-9.x\"-]{0,24}",
            amount in (0u64..100_000_000, 0u32..8),
        ) {
            let bytes = text.as_bytes();
            if let Some(run) = short_run(bytes) {
                prop_assert_eq!(Some(run), plain_run(bytes), "{}", text);
            }
            let (mantissa, scale) = amount;
            let written = format!("{}\"}}, \"x\": 1", Decimal::new(i64::try_from(mantissa).unwrap(), scale));
            let run = short_run(written.as_bytes());
            if run.is_some() {
                prop_assert_eq!(run, plain_run(written.as_bytes()), "{}", written);
            }
            // Answered for one to seven digits, and as many after a point.
            let number = written.split('"').next().unwrap();
            let (whole, fraction) = number.split_once('.').unwrap_or((number, "1"));
            let usual = |part: &str| (1..=7).contains(&part.len());
            prop_assert_eq!(run.is_some(), usual(whole) && usual(fraction), "{}", written);
        }

        /// `is_negative` is the comparison with zero, for every scale and sign, a negative
        /// zero included.
        #[test]
        fn is_negative_is_below_zero(d in any_decimal()) {
            prop_assert_eq!(Money(d).is_negative(), d < rust_decimal::Decimal::ZERO);
        }
    }

    /// The extremes of a decimal: the longest texts.
    #[test]
    fn plain_writer_extremes() {
        use rust_decimal::Decimal;
        let mut buf = [0u8; Money::PLAIN_MAX];
        for d in
            [Decimal::MAX, Decimal::MIN, Decimal::new(-1, 28), Decimal::new(0, 28), Decimal::ZERO]
        {
            let amount = Money(d);
            assert_eq!(amount.plain_into(&mut buf), amount.to_string());
        }
        assert_eq!(Money(Decimal::MIN).plain_into(&mut buf), "-79228162514264337593543950335");
        // Where the writer leaves 64-bit arithmetic, at every parity of scale.
        let edge = i128::from(u64::MAX);
        for mantissa in [edge / 100 - 1, edge / 100, edge / 100 + 1, edge - 1, edge, edge + 1] {
            for scale in 0..=5 {
                for m in [mantissa, -mantissa] {
                    let amount = Money(Decimal::from_i128_with_scale(m, scale));
                    assert_eq!(amount.plain_into(&mut buf), amount.to_string());
                }
            }
        }
    }

    /// The table of digit pairs holds every number below 100, in order.
    #[test]
    fn pairs_are_two_digits() {
        for n in 0..100 {
            assert_eq!(&PAIRS[2 * n..2 * n + 2], format!("{n:02}").as_bytes());
        }
    }

    /// The forms the fast path takes, and those it leaves to the general path.
    #[test]
    fn plain_parse_takes_only_the_plain_form() {
        let scale =
            |t: &str| parse_plain(t).map(|d| (d.mantissa(), d.scale(), d.is_sign_negative()));
        assert_eq!(scale("1234.50"), Some((123_450, 2, false)));
        assert_eq!(scale("-0.00"), Some((0, 2, true)));
        assert_eq!(scale("007"), Some((7, 0, false)));
        assert_eq!(scale("9999999999999999999"), Some((9_999_999_999_999_999_999, 0, false)));
        for other in ["", "-", "12.", ".5", "+1", "1,5", "1.234.567", " 1", "1 €", "1e3", "--1"] {
            assert_eq!(parse_plain(other), None, "{other:?}");
        }
        assert_eq!(parse_plain("12345678901234567890"), None);
    }
}
