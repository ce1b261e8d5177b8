//! Invariants of the national rulebooks, checked through the rules engine with proptest.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use welfare_benefits::Catalogue;
use welfare_rules::Program;
use welfare_types::Money;

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::national().unwrap())
}

fn program(id: &str) -> &'static Program {
    catalogue().programs().find(|p| p.id() == id).unwrap()
}

fn auu_amount(isee: Option<Money>, age: u32, date: NaiveDate) -> Money {
    let p = program("it/assegno-unico");
    let isee = isee.map_or(serde_json::Value::Null, |m| serde_json::json!(m.to_string()));
    let facts = p
        .facts(&serde_json::json!({
            "isee_minorenni": isee, "isee_prestazioni_familiari": isee,
            "children": 1, "head_or_partners": 2, "working_head_or_partners": 2,
            "members": [{"is_child": true, "age_years": age, "disability": "none"}]
        }))
        .unwrap();
    let e = p.evaluate(&facts, date).unwrap();
    e.outputs["importo_mensile"].as_str().unwrap().parse().unwrap()
}

fn date(y: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, 6, 1).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// AUU per child never increases with the ISEE and never goes below the minimum (the
    /// no-ISEE amount, D.Lgs. 230/2021 art. 4 c. 9).
    #[test]
    fn auu_per_child_never_increases_with_isee(
        y in 2022i32..=2026, a in 0i64..6_000_000, b in 0i64..6_000_000, age in 0u32..21,
    ) {
        let (lo, hi) = (a.min(b), a.max(b));
        let at_lo = auu_amount(Some(Money::from_cents(lo)), age, date(y));
        let at_hi = auu_amount(Some(Money::from_cents(hi)), age, date(y));
        let minimum = auu_amount(None, age, date(y));
        prop_assert!(at_hi <= at_lo, "{at_hi:?} > {at_lo:?}");
        prop_assert!(at_hi >= minimum, "{at_hi:?} < minimum {minimum:?}");
    }

    /// Thresholds "non superiore" are exact to the cent: the assegno di maternità at the ISEE
    /// threshold is granted, one cent above is not.
    #[test]
    fn maternita_threshold_exact_to_the_cent(y in prop::sample::select(vec![2020, 2021, 2022, 2023, 2024, 2025, 2026])) {
        let t = welfare_benefits::params::maternita::dated().unwrap();
        let on = NaiveDate::from_ymd_opt(y, 3, 15).unwrap();
        let limit = t.at(on).unwrap().isee_max.value;
        let p = program("it/assegno-maternita");
        let eligible = |isee: Money| {
            let facts = p.facts(&serde_json::json!({"isee_minorenni": isee.to_string(),
                "members": [{"event_date": on.to_string(), "mother_citizenship": "italian", "mother_resident_at_event": true, "months_to_application": 1, "application_on_anniversary": false}]})).unwrap();
            p.evaluate(&facts, on).unwrap().eligible
        };
        prop_assert!(eligible(limit));
        prop_assert!(!eligible(limit.checked_add(Money::from_cents(1)).unwrap()));
    }
}

fn eligible(id: &str, facts: serde_json::Value, on: NaiveDate) -> bool {
    let p = program(id);
    let facts = p.facts(&facts).unwrap();
    p.evaluate(&facts, on).unwrap().eligible
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// "ISEE non superiore": at the threshold eligible, one cent above not, on any day of the
    /// period (ADI: DL 48/2023 and L. 207/2024; bonus sociali: ARERA; Carta Dedicata a te).
    #[test]
    fn isee_thresholds_are_exact_to_the_cent(day in 0u64..1_000) {
        let on = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(day);
        let adi_limit = if on.year() == 2024 { "9360.00" } else { "10140.00" };
        let adi = |isee: &str| eligible("it/assegno-inclusione", serde_json::json!({
            "isee_ordinario": isee, "isee_prestazioni_familiari": isee, "family_income": "0", "rent_registered": false,
            "members": [{"is_head": true, "age_years": 65, "disability": "none", "carer": false, "care_programme": false, "residential_care": "none"}]
        }), on);
        let above = |limit: &str| limit.parse::<Money>().unwrap().checked_add(Money::from_cents(1)).unwrap().to_string();
        prop_assert!(adi(adi_limit));
        prop_assert!(!adi(&above(adi_limit)));

        let social_limit = if on.year() >= 2026 { "9796.00" } else if on < NaiveDate::from_ymd_opt(2024, 4, 1).unwrap() { "15000.00" } else { "9530.00" };
        let social = |isee: &str| eligible("it/bonus-sociali", serde_json::json!({
            "isee_ordinario": isee, "receives_adi": false, "members": []
        }), on);
        prop_assert!(social(social_limit));
        prop_assert!(!social(&above(social_limit)));

        if on.year() <= 2025 {
            let carta = |isee: &str| eligible("it/carta-dedicata-a-te", serde_json::json!({
                "isee_ordinario": isee, "members_count": 3, "all_registered_in_anagrafe": true,
                "receives_income_support": false, "members": [{"birth_date": "1980-01-01"}]
            }), on);
            prop_assert!(carta("15000.00"));
            prop_assert!(!carta("15000.01"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The AUU per-child breakdown plus the increases of the nucleo (each child after the
    /// second, four or more children) is the monthly allowance, whatever the children, the ISEE
    /// and the year; one amount per child the allowance is paid for.
    #[test]
    fn auu_breakdown_adds_up(
        y in 2022i32..=2026,
        isee in proptest::option::of(0i64..6_000_000),
        children in proptest::collection::vec((0u32..30, 0usize..4, proptest::option::of(17u32..40)), 1..6),
        working in 0u32..3,
    ) {
        let p = program("it/assegno-unico");
        let isee = isee.map_or(serde_json::Value::Null, |c| serde_json::json!(Money::from_cents(c).to_string()));
        let degrees = ["none", "media", "grave", "non_autosufficiente"];
        let members: Vec<_> = children.iter().map(|(age, d, mother)| serde_json::json!({
            "is_child": true, "age_years": age, "disability": degrees[*d], "mother_age": mother,
        })).collect();
        let facts = p.facts(&serde_json::json!({
            "isee_minorenni": isee, "isee_prestazioni_familiari": isee,
            "children": children.len(), "head_or_partners": 2, "working_head_or_partners": working,
            "members": members,
        })).unwrap();
        let e = p.evaluate(&facts, date(y)).unwrap();
        let paid = children.iter().filter(|(age, d, _)| *age < 21 || *d != 0).count();
        prop_assert_eq!(e.outputs["importi_per_figlio"].as_array().unwrap().len(), paid);
        prop_assert_eq!(e.outputs["figli_con_importo"].as_array().unwrap().len(), paid);
        let check = e.explanation.steps.iter().find(|s| &*s.name == "ripartizione_coerente").unwrap();
        prop_assert_eq!(&*check.value, &serde_json::Value::Bool(true));
    }
}
