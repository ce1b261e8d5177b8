//! Assegno Unico tables: every figure published by INPS or the press, the drift test of the
//! committed YAML, and the invariants of the chained revaluation.

use proptest::prelude::*;
use welfare_benefits::params::auu::{self, AuuYear};
use welfare_types::Money;

fn m(text: &str) -> Money {
    text.parse().unwrap()
}

fn year(y: i32) -> AuuYear {
    auu::table(y).unwrap()
}

/// ISEE limits of the full and the minimum amount, D.Lgs. 230/2021 art. 4 c. 1 (2022) and the
/// INPS acts of each year (circ. 41/2023, msg. 572/2024, circ. 33/2025, circ. 7/2026).
#[test]
fn isee_limits_match_the_published_thresholds() {
    let expected = [
        (2022, "15000.00", "40000.00"),
        (2023, "16215.00", "43240.00"),
        (2024, "17090.61", "45574.96"),
        (2025, "17227.33", "45939.56"),
        (2026, "17468.51", "46582.71"),
    ];
    for (y, full, min) in expected {
        let t = year(y);
        assert_eq!(t.maximum().unwrap().isee_max, m(full), "{y} full-amount limit");
        assert_eq!(t.minimum().unwrap().isee_max, m(min), "{y} minimum limit");
        assert_eq!(t.bands.len(), 251);
    }
}

/// Maximum and minimum amounts of every column, as published (§2.3 and §9.2.2 of the
/// research notes: INPS circulars as reported by pmi.it, scuolalink, Il Messaggero, stranotizie).
#[test]
fn maximum_and_minimum_amounts_match_the_published_figures() {
    // year, minor max/min, 18-20 max/min, third+ max/min, both working max
    let expected = [
        (2022, "175.00", "50.00", "85.00", "25.00", "85.00", "15.00", "30.00"),
        (2023, "189.20", "54.10", "91.90", "27.00", "91.90", "16.20", "32.40"),
        (2024, "199.40", "57.00", "96.90", "28.50", "96.90", "17.10", "34.10"),
        (2025, "201.00", "57.50", "97.70", "28.70", "97.70", "17.20", "34.40"),
        (2026, "203.80", "58.30", "99.10", "29.10", "99.10", "17.40", "34.90"),
    ];
    for (y, minor_max, minor_min, a_max, a_min, t_max, t_min, w_max) in expected {
        let t = year(y);
        let (max, min) = (t.maximum().unwrap(), t.minimum().unwrap());
        assert_eq!(max.minor, m(minor_max), "{y} minor max");
        assert_eq!(min.minor, m(minor_min), "{y} minor min");
        assert_eq!(max.age_18_20, m(a_max), "{y} 18-20 max");
        assert_eq!(min.age_18_20, m(a_min), "{y} 18-20 min");
        assert_eq!(max.third_plus, m(t_max), "{y} third+ max");
        assert_eq!(min.third_plus, m(t_min), "{y} third+ min");
        assert_eq!(max.both_working, m(w_max), "{y} both working max");
        assert_eq!(min.both_working, Money::ZERO, "{y} both working falls to 0");
    }
}

/// Fixed increases: disability by degree, mother under 21, four or more children
/// (stranotizie 29/12/2025 for 2026; pmi.it for 2024; L. 197/2022 for the 150 €).
#[test]
fn fixed_increases_match_the_published_figures() {
    let expected = [
        (2022, "105.00", "95.00", "85.00", "20.00", "100.00"),
        (2023, "113.50", "102.70", "91.90", "21.60", "150.00"),
        (2024, "119.60", "108.20", "96.90", "22.80", "150.00"),
        (2025, "120.60", "109.10", "97.70", "23.00", "150.00"),
        (2026, "122.30", "110.60", "99.10", "23.30", "150.00"),
    ];
    for (y, na, grave, media, mother, four) in expected {
        let t = year(y);
        assert_eq!(t.disability_non_autosufficiente, m(na), "{y}");
        assert_eq!(t.disability_grave, m(grave), "{y}");
        assert_eq!(t.disability_media, m(media), "{y}");
        assert_eq!(t.mother_under_21, m(mother), "{y}");
        assert_eq!(t.four_or_more_children.value, m(four), "{y}");
    }
}

/// The one-to-three increase in large families stops at the revalued 40,000 € (L. 197/2022):
/// 43,240 (2023), 45,574.96 (2024), 45,939.56 (2025), 46,582.71 (2026).
#[test]
fn large_family_threshold_is_the_revalued_40000() {
    assert_eq!(year(2022).large_family_young_child_isee_max, None);
    for (y, limit) in
        [(2023, "43240.00"), (2024, "45574.96"), (2025, "45939.56"), (2026, "46582.71")]
    {
        assert_eq!(year(y).large_family_young_child_isee_max, Some(m(limit)), "{y}");
    }
}

/// Child under one: 1.5 × the minor amount, exactly, in cents (INPS circ. 41/2023 example:
/// 144.90 + 72.45 = 217.35). Published maxima 283.80 (2023), 299.10 (2024); derived 301.50,
/// 305.70 and minima 81.15 / 85.50 / 86.25 / 87.45.
#[test]
fn under_one_increase_is_exactly_half_the_base() {
    let expected = [
        (2023, "283.80", "81.15"),
        (2024, "299.10", "85.50"),
        (2025, "301.50", "86.25"),
        (2026, "305.70", "87.45"),
    ];
    for (y, max, min) in expected {
        let t = year(y);
        let half = t.young_child_increase.as_ref().unwrap().value;
        let with = |b: Money| b.checked_add(b.checked_mul(half).unwrap()).unwrap();
        assert_eq!(with(t.maximum().unwrap().minor), m(max), "{y}");
        assert_eq!(with(t.minimum().unwrap().minor), m(min), "{y}");
    }
    // INPS circ. 41/2023: 2023, ISEE 25,000, the third child aged two gets 217.35.
    let t = year(2023);
    let band = t.band_for(Some(m("25000"))).unwrap();
    assert_eq!(band.minor, m("144.90"));
    let half = t.young_child_increase.as_ref().unwrap().value;
    assert_eq!(band.minor.checked_mul(half).unwrap(), m("72.45"));
}

/// Selected rows of the reconstructed table (§2.4 of the research notes): band upper limits and
/// minor-child amounts for every year.
#[test]
fn selected_rows_match_the_reconstruction() {
    #[rustfmt::skip]
    let rows: [(usize, [&str; 5], [&str; 5]); 10] = [
        (0,   ["15000.00", "16215.00", "17090.61", "17227.33", "17468.51"], ["175.0", "189.2", "199.4", "201.0", "203.8"]),
        (1,   ["15100.00", "16323.10", "17204.55", "17342.19", "17584.98"], ["174.5", "188.6", "198.8", "200.4", "203.2"]),
        (2,   ["15200.00", "16431.20", "17318.48", "17457.03", "17701.43"], ["174.0", "188.1", "198.3", "199.9", "202.7"]),
        (25,  ["17500.00", "18917.50", "19939.05", "20098.56", "20379.94"], ["162.5", "175.7", "185.2", "186.7", "189.3"]),
        (50,  ["20000.00", "21620.00", "22787.48", "22969.78", "23291.36"], ["150.0", "162.2", "171.0", "172.4", "174.8"]),
        (100, ["25000.00", "27025.00", "28484.35", "28712.22", "29114.19"], ["125.0", "135.1", "142.4", "143.5", "145.5"]),
        (150, ["30000.00", "32430.00", "34181.22", "34454.67", "34937.04"], ["100.0", "108.1", "113.9", "114.8", "116.4"]),
        (200, ["35000.00", "37835.00", "39878.09", "40197.11", "40759.87"], ["75.0", "81.1", "85.5", "86.2", "87.4"]),
        (249, ["39900.00", "43131.90", "45461.02", "45824.71", "46466.26"], ["50.5", "54.6", "57.5", "58.0", "58.8"]),
        (250, ["40000.00", "43240.00", "45574.96", "45939.56", "46582.71"], ["50.0", "54.1", "57.0", "57.5", "58.3"]),
    ];
    let tables = auu::tables().unwrap();
    for (k, limits, minors) in rows {
        for (i, t) in tables.iter().enumerate() {
            assert_eq!(t.bands[k].isee_max, m(limits[i]), "{} band {k} limit", t.year);
            assert_eq!(t.bands[k].minor, m(minors[i]), "{} band {k} minor", t.year);
        }
    }
}

/// The other columns at selected bands (§2.4): 18-20 / third+ / both working.
#[test]
fn other_columns_at_selected_bands() {
    #[rustfmt::skip]
    let rows = [
        (2022, 1, "84.76", "84.72", "29.88"), (2022, 50, "73.00", "71.00", "24.00"),
        (2022, 100, "61.00", "57.00", "18.00"), (2022, 250, "25.00", "15.00", "0.00"),
        (2024, 1, "96.5", "96.5", "34.0"), (2024, 50, "83.2", "80.9", "27.3"),
        (2024, 100, "69.5", "64.9", "20.6"), (2024, 250, "28.5", "17.1", "0.0"),
        (2025, 1, "97.3", "97.3", "34.3"), (2025, 50, "83.9", "81.5", "27.5"),
        (2025, 100, "70.1", "65.4", "20.8"), (2025, 250, "28.7", "17.2", "0.0"),
        (2026, 1, "98.7", "98.7", "34.8"), (2026, 50, "85.1", "82.6", "27.9"),
        (2026, 100, "71.1", "66.3", "21.1"), (2026, 250, "29.1", "17.4", "0.0"),
    ];
    for (y, k, adult, third, working) in rows {
        let b = &year(y).bands[k];
        assert_eq!(b.age_18_20, m(adult), "{y} band {k} 18-20");
        assert_eq!(b.third_plus, m(third), "{y} band {k} third+");
        assert_eq!(b.both_working, m(working), "{y} band {k} both working");
    }
}

/// Lookups (§2.4): 2026 ISEE 25,000 → minor 165.9 and 18-20 80.8 (linear interpolation would give
/// 80.99); 2026 ISEE 30,000 → minor 140.9. Band limits are inclusive: the limit itself is in the
/// band, one cent more is in the next.
#[test]
fn lookups_are_by_step_with_inclusive_limits() {
    let t = year(2026);
    let b = t.band_for(Some(m("25000"))).unwrap();
    assert_eq!((b.minor, b.age_18_20), (m("165.9"), m("80.8")));
    assert_eq!(t.band_for(Some(m("30000"))).unwrap().minor, m("140.9"));
    assert_eq!(t.band_for(Some(m("17468.51"))).unwrap().band, 0);
    assert_eq!(t.band_for(Some(m("17468.52"))).unwrap().band, 1);
    assert_eq!(t.band_for(Some(m("46582.71"))).unwrap().band, 250);
    assert_eq!(t.band_for(Some(m("46582.72"))).unwrap().band, 250);
    assert_eq!(t.band_for(Some(m("1000000"))).unwrap().minor, m("58.30"));
    assert_eq!(t.band_for(None).unwrap().minor, m("58.30"), "no ISEE: minimum (art. 4 c. 9)");
    assert_eq!(t.band_for(Some(Money::ZERO)).unwrap().minor, m("203.80"));
}

/// Example A of the research notes, 2025: ISEE 11,086.96, two minors, both parents working:
/// 201.00 × 2 + 34.40 × 2 = 470.80.
#[test]
fn example_a_2025_adds_up_to_470_80() {
    let t = year(2025);
    let b = t.band_for(Some(m("11086.96"))).unwrap();
    let per_child = b.minor.checked_add(b.both_working).unwrap();
    assert_eq!(per_child.checked_add(per_child).unwrap(), m("470.80"));
}

/// The 2026 test vectors of a public implementation quoting INPS circ. 7/2026 (bonusperme):
/// 2 minors at ISEE 15,000 → 407.60; 3 minors (one under 1, one aged 1-3) → 914.30;
/// 4 minors → 815.20 + 198.20 + 150.00 = 1,163.40.
#[test]
fn circular_7_2026_vectors_add_up() {
    let t = year(2026);
    let b = t.band_for(Some(m("15000"))).unwrap();
    let minor = b.minor;
    let half = minor.checked_mul(t.young_child_increase.as_ref().unwrap().value).unwrap();
    let sum = |xs: &[Money]| Money::checked_sum(xs.iter().copied()).unwrap();
    assert_eq!(sum(&[minor, minor]), m("407.60"));
    assert_eq!(sum(&[minor, minor, minor, b.third_plus, half, half]), m("914.30"));
    let four = sum(&[
        minor,
        minor,
        minor,
        minor,
        b.third_plus,
        b.third_plus,
        t.four_or_more_children.value,
    ]);
    assert_eq!(four, m("1163.40"));
    assert_eq!(sum(&[minor, minor, b.both_working, b.both_working]), m("477.40"));
    assert_eq!(sum(&[minor, t.disability_grave]), m("314.40"));
    assert_eq!(sum(&[minor, t.mother_under_21]), m("227.10"));
}

#[test]
fn isee_kind_switches_in_march_2026() {
    use chrono::NaiveDate;
    use welfare_benefits::IseeKind;
    let kinds = auu::isee_kind().unwrap();
    let d = |y, mo, day| NaiveDate::from_ymd_opt(y, mo, day).unwrap();
    assert_eq!(kinds.at(d(2026, 2, 28)).unwrap().value, IseeKind::Minorenni);
    assert_eq!(kinds.at(d(2026, 3, 1)).unwrap().value, IseeKind::PrestazioniFamiliari);
    assert!(kinds.at(d(2022, 2, 28)).is_err(), "the AUU starts in March 2022");
    let dated = auu::dated().unwrap();
    assert_eq!(dated.at(d(2024, 7, 1)).unwrap().year, 2024);
    assert!(dated.at(d(2027, 1, 1)).is_err(), "no silent fallback to 2026");
}

proptest! {
    /// Within a year, every column is non-increasing as the ISEE grows, never below the minimum
    /// and never above the maximum.
    #[test]
    fn amounts_never_increase_with_isee(y in 2022i32..=2026, a in 0i64..6_000_000, b in 0i64..6_000_000) {
        let t = year(y);
        let (lo, hi) = (a.min(b), a.max(b));
        let low = t.band_for(Some(Money::from_cents(lo))).unwrap();
        let high = t.band_for(Some(Money::from_cents(hi))).unwrap();
        prop_assert!(high.minor <= low.minor);
        prop_assert!(high.age_18_20 <= low.age_18_20);
        prop_assert!(high.third_plus <= low.third_plus);
        prop_assert!(high.both_working <= low.both_working);
        let (max, min) = (t.maximum().unwrap(), t.minimum().unwrap());
        prop_assert!(high.minor >= min.minor && low.minor <= max.minor);
        prop_assert!(high.age_18_20 >= min.age_18_20);
        prop_assert!(high.third_plus >= min.third_plus);
    }

    /// A band limit is exact to the cent: the limit is in the band, one cent above is not.
    #[test]
    fn band_limits_are_exact_to_the_cent(y in 2022i32..=2026, k in 0usize..250) {
        let t = year(y);
        let limit = t.bands[k].isee_max;
        prop_assert_eq!(t.band_for(Some(limit)).unwrap().band as usize, k);
        let above = limit.checked_add(Money::from_cents(1)).unwrap();
        prop_assert_eq!(t.band_for(Some(above)).unwrap().band as usize, k + 1);
    }
}

#[test]
fn every_revalued_value_has_the_right_precision() {
    for t in auu::tables().unwrap().iter().skip(1) {
        for b in &t.bands {
            assert!(b.isee_max.is_whole_cents());
            for v in [b.minor, b.age_18_20, b.third_plus, b.both_working] {
                assert_eq!(
                    v.round(welfare_types::Rounding::TENTH_HALF_UP),
                    v,
                    "{} band {}",
                    t.year,
                    b.band
                );
            }
        }
    }
}
