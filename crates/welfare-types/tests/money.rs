use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use welfare_types::{Money, MoneyError, Rounding, RoundingMode, RoundingStep};

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

#[test]
fn parses_plain_and_italian_notation() {
    assert_eq!(m("1234.56").amount(), dec!(1234.56));
    assert_eq!(m("1.234,56").amount(), dec!(1234.56));
    assert_eq!(m("1234,56").amount(), dec!(1234.56));
    assert_eq!(m("€ 1.234.567,8").amount(), dec!(1234567.8));
    assert_eq!(m("1.234.567").amount(), dec!(1234567));
    assert_eq!(m("1.234").amount(), dec!(1.234), "one dot and no comma reads as plain notation");
    assert_eq!(m("-12,5 €").amount(), dec!(-12.5));
    assert_eq!(m("  470.80 EUR ").amount(), dec!(470.80));
}

#[test]
fn rejects_malformed_amounts_without_echoing_them() {
    assert_eq!(Money::parse(""), Err(MoneyError::Empty));
    assert_eq!(Money::parse("€"), Err(MoneyError::Empty));
    assert_eq!(Money::parse("12.34,5"), Err(MoneyError::Grouping));
    assert_eq!(Money::parse("1.23,00"), Err(MoneyError::Grouping));
    assert_eq!(Money::parse("1,2,3"), Err(MoneyError::Syntax));
    assert_eq!(Money::parse("1e5"), Err(MoneyError::Syntax));
    assert_eq!(Money::parse("USD 12"), Err(MoneyError::Currency));
    assert_eq!(Money::parse("12."), Err(MoneyError::Syntax));
    let message = Money::parse("99x77").unwrap_err().to_string();
    assert!(!message.contains("99"), "{message}");
}

#[test]
fn displays_plain_and_italian() {
    assert_eq!(m("1234.5").to_string(), "1234.50");
    assert_eq!(m("0").to_string(), "0.00");
    assert_eq!(m("-0").to_string(), "0.00");
    assert_eq!(m("0.125").to_string(), "0.125");
    assert_eq!(m("1234567.5").to_italian_string(), "1.234.567,50 €");
    assert_eq!(m("-999.99").to_italian_string(), "-999,99 €");
    assert_eq!(m("100").to_italian_string(), "100,00 €");
}

#[test]
fn rounds_only_as_named() {
    // INPS revaluation of Assegno Unico amounts: 54.05 is published as 54.10 (half-up).
    assert_eq!(m("54.05").round(Rounding::TENTH_HALF_UP), m("54.1"));
    let banker = Rounding::new(RoundingStep::Tenth, RoundingMode::HalfEven);
    assert_eq!(m("54.05").round(banker), m("54.0"));
    assert_eq!(m("10.999").round(Rounding::CENT_DOWN), m("10.99"));
    let up = Rounding::new(RoundingStep::Euro, RoundingMode::Up);
    assert_eq!(m("10.01").round(up), m("11"));
    assert_eq!(m("-2.5").round(Rounding::EURO_HALF_UP), m("-3"), "half-up is away from zero");
    assert_eq!(Rounding::TENTH_HALF_UP.to_string(), "half-up to the tenth");
}

#[test]
fn arithmetic_is_checked() {
    let max = Money::from_decimal(Decimal::MAX);
    assert_eq!(max.checked_add(m("1")), Err(MoneyError::Overflow));
    assert_eq!(max.checked_mul(dec!(2)), Err(MoneyError::Overflow));
    assert_eq!(m("1").checked_div(Decimal::ZERO), Err(MoneyError::DivisionByZero));
    assert_eq!(m("10140").checked_div(dec!(12)).unwrap().round(Rounding::CENT_HALF_UP), m("845"));
    assert_eq!(Money::checked_sum([m("0.1"), m("0.2")]).unwrap(), m("0.3"));
    assert_eq!(m("-5").floor_at_zero(), Money::ZERO);
}

#[test]
fn serde_uses_decimal_strings_and_tolerates_numbers() {
    assert_eq!(serde_json::to_string(&m("470.8")).unwrap(), "\"470.80\"");
    let parsed: Money = serde_json::from_str("\"1.234,56\"").unwrap();
    assert_eq!(parsed, m("1234.56"));
    let from_number: Money = serde_json::from_str("0.1").unwrap();
    assert_eq!(from_number.amount(), dec!(0.1));
    let from_int: Money = serde_json::from_str("12").unwrap();
    assert_eq!(from_int, m("12"));
    assert!(serde_json::from_str::<Money>("\"abc\"").is_err());
}

#[test]
fn currency_is_the_euro() {
    assert_eq!(Money::CURRENCY.code(), "EUR");
}

fn money() -> impl Strategy<Value = Money> {
    (-1_000_000_000_000_000i64..1_000_000_000_000_000, 0u32..=6)
        .prop_map(|(n, scale)| Money::from_decimal(Decimal::new(n, scale)))
}

fn rounding() -> impl Strategy<Value = Rounding> {
    let step =
        prop_oneof![Just(RoundingStep::Cent), Just(RoundingStep::Tenth), Just(RoundingStep::Euro)];
    let mode = prop_oneof![
        Just(RoundingMode::HalfUp),
        Just(RoundingMode::HalfEven),
        Just(RoundingMode::Down),
        Just(RoundingMode::Up)
    ];
    (step, mode).prop_map(|(s, m)| Rounding::new(s, m))
}

proptest! {
    #[test]
    fn add_then_sub_is_identity(a in money(), b in money()) {
        prop_assert_eq!(a.checked_add(b)?.checked_sub(b)?, a);
    }

    #[test]
    fn rounding_is_idempotent(a in money(), r in rounding()) {
        let once = a.round(r);
        prop_assert_eq!(once.round(r), once);
    }

    #[test]
    fn rounding_moves_less_than_one_step(a in money(), r in rounding()) {
        let step = Decimal::new(1, r.step.decimal_places());
        let diff = (a.round(r).amount() - a.amount()).abs();
        prop_assert!(diff < step);
    }

    #[test]
    fn parse_display_round_trips(a in money()) {
        prop_assert_eq!(Money::parse(&a.to_string())?, a);
        prop_assert_eq!(Money::parse(&a.to_italian_string())?, a);
        let json = serde_json::to_string(&a).unwrap();
        prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), a);
    }
}

proptest! {
    /// Every rounding gives exactly what rust_decimal's strategy gives: value, scale and sign
    /// (the integer shortcut for amounts must not change a single result).
    #[test]
    fn rounding_matches_the_decimal_strategies(
        m in prop_oneof![
            any::<i64>().prop_map(i128::from),
            (-200_000i64..200_000).prop_map(i128::from),
            // 96-bit mantissas: the quotients of a division, 28 digits long.
            (-(1i128 << 96) + 1)..(1i128 << 96),
        ],
        scale in prop_oneof![0u32..=28, 0u32..=5],
        which in 0usize..12,
    ) {
        use rust_decimal::RoundingStrategy;
        let modes = [
            (RoundingMode::HalfUp, RoundingStrategy::MidpointAwayFromZero),
            (RoundingMode::HalfEven, RoundingStrategy::MidpointNearestEven),
            (RoundingMode::Down, RoundingStrategy::ToZero),
            (RoundingMode::Up, RoundingStrategy::AwayFromZero),
        ];
        let steps = [RoundingStep::Cent, RoundingStep::Tenth, RoundingStep::Euro];
        let (mode, strategy) = modes[which % 4];
        let step = steps[which / 4];
        let value = Decimal::from_i128_with_scale(m, scale);
        let ours = Rounding::new(step, mode).apply(value);
        let theirs = value.round_dp_with_strategy(step.decimal_places(), strategy);
        prop_assert_eq!(ours, theirs);
        prop_assert_eq!(ours.scale(), theirs.scale());
        prop_assert_eq!(ours.is_sign_negative(), theirs.is_sign_negative());
        prop_assert_eq!(ours.to_string(), theirs.to_string());
    }
}

/// Half-up to the cent: the ISEE's examples of the boundary (formerly tested on its own
/// shortcut, now the shared `Rounding::apply`).
#[test]
fn cent_half_up_boundaries() {
    for (text, want) in [
        ("2.225", "2.23"),
        ("2.2249", "2.22"),
        ("0.005", "0.01"),
        ("-2.225", "-2.23"),
        ("2.22", "2.22"),
    ] {
        let m = Money::from_decimal(text.parse().unwrap());
        assert_eq!(m.round(Rounding::CENT_HALF_UP).to_string(), want, "{text}");
    }
}

proptest! {
    /// `compare_decimals`, and so `Money`'s ordering, is exactly `Decimal::cmp`, at equal and
    /// different scales.
    #[test]
    fn comparison_is_the_decimal_comparison(
        a in any::<i64>(), sa in prop_oneof![0u32..4, 0u32..=28], b in any::<i64>(), sb in prop_oneof![0u32..4, 0u32..=28],
    ) {
        let (x, y) = (Decimal::new(a, sa), Decimal::new(b, sb));
        prop_assert_eq!(welfare_types::money::compare_decimals(&x, &y), x.cmp(&y));
        prop_assert_eq!(welfare_types::money::compare_decimals(&x, &x), std::cmp::Ordering::Equal);
        let (mx, my) = (Money::from_decimal(x), Money::from_decimal(y));
        prop_assert_eq!(mx > my, x > y);
        let x_at_scale_of_y = Decimal::new(a, sb);
        prop_assert_eq!(welfare_types::money::compare_decimals(&x_at_scale_of_y, &y), x_at_scale_of_y.cmp(&y));
    }
}
