//! The other dated parameters: published figures, the chain of the assegno di maternità, the
//! drift test of the generated YAML.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use welfare_benefits::params::{self, adi, bonus_sociali, carta, maternita, nido, Confidence};
use welfare_benefits::IseeKind;
use welfare_types::{Money, Rounding};

fn m(text: &str) -> Money {
    text.parse().unwrap()
}

fn d(y: i32, mo: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, day).unwrap()
}

/// The committed YAML in data/ is exactly what the generator writes.
#[test]
fn committed_tables_do_not_drift_from_the_generator() {
    for (path, content) in params::generated_files().unwrap() {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            committed == content,
            "{path} differs from the tables in src/params: run `cargo run -p welfare-benefits --bin gen-tables`"
        );
    }
}

/// The committed AUU YAML reads back into exactly the generated tables.
#[test]
fn auu_yaml_reads_back_into_the_tables() {
    #[derive(serde::Deserialize)]
    struct File {
        measure: String,
        years: Vec<params::auu::AuuYear>,
    }
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/auu-tables.yaml"),
    )
    .unwrap();
    let file: File = serde_yaml::from_str(&text).unwrap();
    assert_eq!(file.measure, "assegno_unico");
    assert_eq!(file.years, params::auu::tables().unwrap());
}

/// Assegno di maternità by year of the event: GU notices and INPS circulars (31/2020, 26/2023,
/// 40/2024, 45/2025, 16/2026).
#[test]
fn maternita_figures_by_year() {
    let t = maternita::dated().unwrap();
    let expected = [
        (2020, "348.12", "1740.60", "17416.66"),
        (2022, "354.73", "1773.65", "17747.58"),
        (2023, "383.46", "1917.30", "19185.13"),
        (2024, "404.17", "2020.85", "20221.13"),
        (2025, "407.40", "2037.00", "20382.90"),
        (2026, "413.10", "2065.50", "20668.26"),
    ];
    for (y, monthly, total, isee) in expected {
        let row = t.at(d(y, 6, 1)).unwrap();
        assert_eq!(row.monthly.value, m(monthly), "{y}");
        assert_eq!(row.total.value, m(total), "{y}");
        assert_eq!(row.isee_max.value, m(isee), "{y}");
        assert_eq!(
            row.monthly.value.checked_mul(Decimal::from(row.months.value)).unwrap(),
            row.total.value
        );
        assert_eq!(row.application_months.value, 6);
    }
    let y2021 = t.at(d(2021, 6, 1)).unwrap();
    assert_eq!((y2021.total.value, y2021.total.confidence), (m("1740.60"), Confidence::Derived));
    assert!(t.at(d(2019, 12, 31)).is_err(), "before 2020: an error, not a fallback");
    assert!(t.at(d(2027, 1, 1)).is_err());
}

/// The maternità series is consistent with previous × (1 + FOI) half-up to the cent:
/// 354.73 × 1.081 = 383.46; × 1.054 = 404.17; × 1.008 = 407.40; × 1.014 = 413.10, and the same for
/// the ISEE thresholds.
#[test]
fn maternita_series_follows_the_cent_chain() {
    let t = maternita::dated().unwrap();
    let rates = [
        (2021, "1"),
        (2022, "1.019"),
        (2023, "1.081"),
        (2024, "1.054"),
        (2025, "1.008"),
        (2026, "1.014"),
    ];
    for (y, factor) in rates {
        let factor: Decimal = factor.parse().unwrap();
        let prev = t.at(d(y - 1, 1, 1)).unwrap();
        let this = t.at(d(y, 1, 1)).unwrap();
        let chain = |v: Money| v.checked_mul(factor).unwrap().round(Rounding::CENT_HALF_UP);
        assert_eq!(chain(prev.monthly.value), this.monthly.value, "{y} monthly");
        assert_eq!(chain(prev.isee_max.value), this.isee_max.value, "{y} ISEE");
    }
}

/// Test vectors of the research notes: a 2025 birth at ISEE 20,382.90 is within the threshold,
/// 20,382.91 is not ("non superiore"); FormezPA: indemnity 1,000, assegno 1,545.55 → 545.55.
#[test]
fn maternita_threshold_is_inclusive() {
    let row = maternita::dated().unwrap().at(d(2025, 3, 3)).unwrap().clone();
    assert!(m("20382.90") <= row.isee_max.value);
    assert!(m("20382.91") > row.isee_max.value);
    assert_eq!(m("1545.55").checked_sub(m("1000")).unwrap(), m("545.55"));
}

/// ADI: DL 48/2023 (2024) and L. 207/2024 (from 2025); ISEE for family benefits from 2026.
#[test]
fn adi_thresholds_by_period() {
    let t = adi::adi().unwrap();
    let p24 = t.at(d(2024, 5, 1)).unwrap();
    assert_eq!(p24.isee_max.value, m("9360"));
    assert_eq!(p24.isee_max.confidence, Confidence::Primary);
    assert_eq!(p24.income_threshold.value, m("6000"));
    assert_eq!(p24.income_threshold_elderly.value, m("7560"));
    assert_eq!(p24.income_threshold_renters, None, "no renters' threshold in 2024");
    assert_eq!((p24.rent_cap.value, p24.rent_cap_elderly.value), (m("3360"), m("1800")));
    let p25 = t.at(d(2025, 5, 1)).unwrap();
    assert_eq!(p25.isee_max.value, m("10140"));
    assert_eq!(p25.income_threshold.value, m("6500"));
    assert_eq!(p25.income_threshold_elderly.value, m("8190"));
    assert_eq!(p25.income_threshold_renters.as_ref().unwrap().value, m("10140"));
    assert_eq!((p25.rent_cap.value, p25.rent_cap_elderly.value), (m("3640"), m("1950")));
    assert_eq!(p25.isee_kind.value, IseeKind::Minorenni);
    assert_eq!(p25.suspension_months.value, 1);
    let p26 = t.at(d(2026, 5, 1)).unwrap();
    assert_eq!(p26.isee_kind.value, IseeKind::PrestazioniFamiliari);
    assert_eq!(p26.suspension_months.value, 0, "INPS msg. 640/2026: no suspension month");
    assert_eq!(p26.first_renewal_month_share.value, Decimal::new(5, 1));
    assert!(t.at(d(2023, 12, 31)).is_err(), "ADI starts in 2024");
    let s = &p25.scala;
    assert_eq!((s.cap, s.cap_grave), (Decimal::new(22, 1), Decimal::new(23, 1)));
    assert_eq!((s.minor_first_two, s.minor_further), (Decimal::new(15, 2), Decimal::new(10, 2)));
}

/// ADI worked examples: INPS 2025, single person, no income, rent 4,500 → 6,500 + 3,640 = 10,140 a
/// year, 845.00 a month; single parent with a child aged 2, 2025: scala 1 + 0.4 + 0.15 = 1.55,
/// quota A 10,075.00; INPS circular example (3 adults, one disabled, income 3,500, 2024 rules):
/// scala 1.9, 7,900 a year, 658.33 a month.
#[test]
fn adi_worked_examples() {
    let t = adi::adi().unwrap();
    let p25 = t.at(d(2025, 5, 1)).unwrap();
    let annual = p25.income_threshold.value.checked_add(m("4500").min(p25.rent_cap.value)).unwrap();
    assert_eq!(annual, m("10140"));
    let monthly = annual.checked_div(Decimal::from(12)).unwrap().round(p25.monthly_rounding.value);
    assert_eq!(monthly, m("845.00"));
    let s = &p25.scala;
    let scala = s.base + s.carer + s.minor_first_two;
    assert_eq!(scala, Decimal::new(155, 2));
    assert_eq!(p25.income_threshold.value.checked_mul(scala).unwrap(), m("10075.00"));
    let p24 = t.at(d(2024, 5, 1)).unwrap();
    let s = &p24.scala;
    let scala = s.base + s.other_disabled + s.carer;
    assert_eq!(scala, Decimal::new(19, 1));
    let a = p24.income_threshold.value.checked_mul(scala).unwrap().checked_sub(m("3500")).unwrap();
    assert_eq!(a, m("7900"));
    assert_eq!(
        a.checked_div(Decimal::from(12)).unwrap().round(p24.monthly_rounding.value),
        m("658.33")
    );
}

/// SFL: 350 €/month and ISEE 6,000 until 2024; 500 € and 10,140 from 2025 (L. 207/2024).
#[test]
fn sfl_by_period() {
    let t = adi::sfl().unwrap();
    let a = t.at(d(2023, 9, 1)).unwrap();
    assert_eq!((a.monthly.value, a.isee_max.value), (m("350"), m("6000")));
    let b = t.at(d(2025, 1, 1)).unwrap();
    assert_eq!((b.monthly.value, b.isee_max.value), (m("500"), m("10140")));
    assert_eq!((b.age_min.value, b.age_max.value, b.extension_months.value), (18, 59, 12));
    assert!(t.at(d(2023, 8, 31)).is_err());
}

/// Bonus sociali: 15,000 / 30,000 for electricity in Q1 2024 only; 9,530 / 20,000 from April 2024;
/// 9,796 from 2026 (ARERA delibera 2/2026/R/com); 2026 electricity amounts 146.00 / 186.15 / 204.40.
#[test]
fn bonus_sociali_thresholds_by_period() {
    let t = bonus_sociali::dated().unwrap();
    let q1 = t.at(d(2024, 3, 31)).unwrap();
    assert_eq!(q1.electricity.isee_max.value, m("15000"));
    assert_eq!(q1.electricity.isee_max_four_children.value, m("30000"));
    assert_eq!((q1.gas.isee_max.value, q1.water.isee_max.value), (m("9530"), m("9530")));
    let apr = t.at(d(2024, 4, 1)).unwrap();
    assert_eq!(apr.electricity.isee_max.value, m("9530"));
    assert_eq!(apr.electricity.isee_max_four_children.value, m("20000"));
    let y25 = t.at(d(2025, 8, 1)).unwrap();
    assert_eq!(y25.water.isee_max.value, m("9530"));
    let y26 = t.at(d(2026, 8, 1)).unwrap();
    assert_eq!(y26.electricity.isee_max.value, m("9796"));
    assert_eq!(y26.gas.isee_max_four_children.value, m("20000"));
    assert!(y26.adi_automatic.value);
    let amounts = y26.electricity_amounts.as_ref().unwrap();
    assert_eq!(
        (amounts.members_1_2, amounts.members_3_4, amounts.members_5_plus),
        (m("146.00"), m("186.15"), m("204.40"))
    );
    assert!(t.at(d(2023, 12, 31)).is_err());
    let extra = y25.extraordinary_contribution.as_ref().unwrap();
    assert_eq!((extra.amount.value, extra.isee_max.value), (m("200.00"), m("25000.00")));
    assert!(y26.extraordinary_contribution.is_none() && apr.extraordinary_contribution.is_none());
    assert_eq!(y26.water_litres_per_inhabitant_day.value, 50);
}

/// Bonus nido: bands 3,000 / 2,500 / 1,500; 3,600 for children born from 2024 (with another child
/// under 10 in 2024 only); AUU neutralised from 2025; ISEE for family benefits in 2026.
#[test]
fn bonus_nido_by_year() {
    let t = nido::dated().unwrap();
    let y23 = t.at(d(2023, 5, 1)).unwrap();
    let bands = &y23.bands.value;
    assert_eq!(bands[0].isee_max, Some(m("25000")));
    assert_eq!(bands[0].annual, m("3000"));
    assert_eq!((bands[1].isee_max, bands[1].annual), (Some(m("40000")), m("2500")));
    assert_eq!((bands[2].isee_max, bands[2].annual), (None, m("1500")));
    assert!(y23.born_from_2024.is_none());
    let y24 = t.at(d(2024, 5, 1)).unwrap();
    let young = &y24.born_from_2024.as_ref().unwrap().value;
    assert_eq!(
        (young.annual, young.isee_max, young.other_child_under),
        (m("3600"), m("40000"), Some(10))
    );
    assert!(!y24.auu_neutralised.value);
    let y25 = t.at(d(2025, 5, 1)).unwrap();
    assert_eq!(y25.born_from_2024.as_ref().unwrap().value.other_child_under, None);
    assert!(y25.auu_neutralised.value);
    assert_eq!(t.at(d(2026, 5, 1)).unwrap().isee_kind.value, IseeKind::PrestazioniFamiliari);
}

/// INPS circ. 60/2025 example of the AUU neutralisation: ISEE 40,400, scala 2.5, AUU 1,500 a
/// year → 40,400 − 600 = 39,800, inside the ≤ 40,000 band.
#[test]
fn nido_neutralisation_example() {
    let isee = m("40400").checked_sub(m("1500").checked_div(Decimal::new(25, 1)).unwrap()).unwrap();
    assert_eq!(isee, m("39800"));
    let bands = &nido::dated().unwrap().at(d(2025, 5, 1)).unwrap().bands.value.clone();
    let band = bands.iter().find(|b| b.isee_max.is_none_or(|max| isee <= max)).unwrap();
    assert_eq!(band.annual, m("2500"));
}

/// The 11 monthly amounts: published splits 1,000 = 10 × 90.91 + 90.90, 1,500 = 10 × 136.37 +
/// 136.30, 3,600 = 10 × 327.27 + 327.30; 2,500 and 3,000 by the chosen half-up rule.
#[test]
fn nido_instalments() {
    let cases = [
        (1_000, "90.91", "90.90", Confidence::Secondary),
        (1_500, "136.37", "136.30", Confidence::Secondary),
        (3_600, "327.27", "327.30", Confidence::Secondary),
        (2_500, "227.27", "227.30", Confidence::Chosen),
        (3_000, "272.73", "272.70", Confidence::Chosen),
    ];
    for (annual, first, last, confidence) in cases {
        let s = nido::instalments(Money::from_euros(annual)).unwrap();
        assert_eq!(
            (s.first_ten, s.last, s.confidence),
            (m(first), m(last), confidence),
            "{annual}"
        );
        let total = s.first_ten.checked_mul(Decimal::TEN).unwrap().checked_add(s.last).unwrap();
        assert_eq!(total, Money::from_euros(annual));
    }
}

/// Bonus nuovi nati: 1,000 € one-off for births from 2025, ISEE strictly below 40,000.
#[test]
fn nuovi_nati() {
    let t = nido::nuovi_nati().unwrap();
    let p = t.at(d(2025, 2, 1)).unwrap();
    assert_eq!((p.amount.value, p.isee_below.value), (m("1000"), m("40000")));
    assert_eq!(p.born_from, d(2025, 1, 1));
    assert!(p.auu_neutralised.value);
    assert_eq!(t.at(d(2026, 2, 1)).unwrap().isee_kind.value, IseeKind::PrestazioniFamiliari);
    assert!(t.at(d(2024, 12, 31)).is_err());
}

/// Carta Dedicata a te: 500 € in 2024 (DI 4/6/2024) and 2025 (DI 12/8/2025), ISEE ≤ 15,000, three
/// or more members; the age limits of the priorities.
#[test]
fn carta_dedicata_a_te() {
    let t = carta::dated().unwrap();
    for y in [2024, 2025] {
        let p = t.at(d(y, 9, 1)).unwrap();
        assert_eq!(
            (p.amount.value, p.isee_max.value, p.min_members.value),
            (m("500"), m("15000"), 3)
        );
        assert_eq!(p.isee_kind.value, IseeKind::Ordinario);
    }
    let p = t.at(d(2025, 9, 1)).unwrap();
    assert_eq!(p.priority_first_born_from.value, d(2011, 1, 1));
    assert_eq!(p.priority_second_born_from.value, d(2007, 1, 1));
    assert_eq!(p.priority_first_born_from.confidence, Confidence::Chosen);
    assert_eq!(p.spend_by.as_ref().unwrap().value, d(2026, 2, 28));
    assert!(t.at(d(2023, 6, 1)).is_err());
}

/// Every "chosen" value explains itself.
#[test]
fn chosen_values_carry_a_note() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/parameters.yaml"),
    )
    .unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    fn walk(v: &serde_yaml::Value, found: &mut usize) {
        match v {
            serde_yaml::Value::Mapping(map) => {
                if map.get("confidence").and_then(|c| c.as_str()) == Some("U") {
                    *found += 1;
                    let noted = map.get("note").is_some()
                        || map
                            .get("source")
                            .is_some_and(|s| s.as_str().is_some_and(|s| s.contains("fits")));
                    assert!(noted, "a chosen value without a note: {map:?}");
                }
                map.values().for_each(|v| walk(v, found));
            }
            serde_yaml::Value::Sequence(seq) => seq.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = 0;
    walk(&doc, &mut found);
    assert!(found >= 4);
}
