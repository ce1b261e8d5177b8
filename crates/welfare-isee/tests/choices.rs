//! The rules our sources mark as unverified, each with the choice made (see the crate docs,
//! "Known limitations"), and the checks of the model.

use welfare_isee::{
    compute, compute_with, AdditionalComponent, AdditionalRole, ComputeOptions, Disability,
    FinancialItem, FinancialKind, Income, IseeError, IseeKind, PensionDeduction, RealEstate,
    Relationship,
};

use crate::common::{d, eur, example_a, member};

fn single(employee: i64, pension: i64) -> welfare_isee::Dsu {
    let mut dsu = example_a(d(2023, 3, 1));
    dsu.members.truncate(1);
    dsu.rent = None;
    dsu.financial.clear();
    dsu.members[0].income = Income {
        irpef_total: eur(employee + pension),
        employee: eur(employee),
        pension: eur(pension),
        ..Income::default()
    };
    dsu
}

#[test]
fn choice_pension_deduction_is_cumulative_by_default() {
    // 20,000 employment + 10,000 pension: 3,000 + 1,000 deducted (literal art. 4 c. 3).
    let r = compute(&single(20_000, 10_000), IseeKind::Ordinario).unwrap();
    assert_eq!(r.isr.to_string(), "26000.00");
}

#[test]
fn choice_pension_deduction_as_alternative_keeps_the_larger() {
    let options = ComputeOptions {
        pension_deduction: PensionDeduction::AlternativeToEmployee,
        ..ComputeOptions::default()
    };
    let r = compute_with(&single(20_000, 10_000), IseeKind::Ordinario, &options).unwrap();
    assert_eq!(r.members[0].pension_deduction.to_string(), "0.00");
    assert_eq!(r.isr.to_string(), "27000.00");
}

#[test]
fn choice_notional_income_rate_is_required_when_assets_earn_it() {
    let mut dsu = single(20_000, 0);
    dsu.financial.push(FinancialItem {
        owner: "p1".into(),
        kind: FinancialKind::Altro,
        balance: eur(10_000),
        average_balance: None,
    });
    let err = compute(&dsu, IseeKind::Ordinario).unwrap_err();
    assert_eq!(err.path(), Some("figurative_income_rate"));
    dsu.figurative_income_rate = Some("3.04".parse().unwrap());
    let r = compute(&dsu, IseeKind::Ordinario).unwrap();
    assert_eq!(r.figurative_income, eur(304));
    // 17,000 + 304 = 17,304; (10,000 - 6,000) = 4,000 -> ISE 17,304 + 800 = 18,104.
    assert_eq!(r.isee.to_string(), "18104.00");
}

#[test]
fn choice_postal_savings_books_earn_no_notional_income() {
    let mut dsu = single(20_000, 0);
    dsu.filing_date = d(2025, 3, 1); // before the bond exclusion
    dsu.financial.push(FinancialItem {
        owner: "p1".into(),
        kind: FinancialKind::LibrettiPostali,
        balance: eur(10_000),
        average_balance: None,
    });
    let r = compute(&dsu, IseeKind::Ordinario).unwrap();
    assert!(r.figurative_income.is_zero());
    assert_eq!(r.isp.to_string(), "4000.00");
}

#[test]
fn choice_bond_exclusion_allocated_by_holder_before_instrument() {
    // Fixture 09: the dichiarante's buoni and libretti are excluded before the spouse's titoli.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/dsu/09_bonds_over_limit.yaml"
    ))
    .unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let dsu: welfare_isee::Dsu = serde_yaml::from_value(value["dsu"].clone()).unwrap();
    let r = compute(&dsu, IseeKind::Ordinario).unwrap();
    assert_eq!(r.bond_exclusion, eur(50_000));
    assert_eq!(r.figurative_income, eur(760));
}

#[test]
fn choice_single_parent_increase_includes_the_under_three_raise() {
    let mut dsu = single(0, 0);
    dsu.members[0].worked_six_months = false;
    dsu.members.push(member("f1", d(2022, 1, 1), Relationship::Figlio, 0));
    let r = compute(&dsu, IseeKind::Ordinario).unwrap();
    assert_eq!(r.scala.to_string(), "1.87");
}

#[test]
fn choice_componente_aggiuntiva_of_the_parent_uses_allegato_2_c1_formula() {
    let mut dsu = single(20_000, 0);
    dsu.members.push(member("f1", d(2020, 1, 1), Relationship::Figlio, 0));
    dsu.additional_components.push(AdditionalComponent {
        id: "padre".into(),
        role: AdditionalRole::GenitoreNonConvivente,
        ise: eur(20_000),
        scala: "2.00".parse().unwrap(),
        exempt: false,
    });
    let r = compute(&dsu, IseeKind::Minorenni).unwrap();
    // 20,000 / 2 = 10,000 - 9,000 = 1,000 x 0.2 = 200 / 1.77 = 112.99...
    assert_eq!(
        r.additional_components[0].value.round(welfare_types::Rounding::CENT_HALF_UP).to_string(),
        "112.99"
    );
    // Below 9,000 there is no component.
    dsu.additional_components[0].ise = eur(18_000);
    let r = compute(&dsu, IseeKind::Minorenni).unwrap();
    assert!(r.additional_components[0].value.is_zero());
}

#[test]
fn choice_rent_needs_the_dichiarante_in_the_nucleo() {
    let mut dsu = example_a(d(2025, 5, 1));
    dsu.members[2].birth_date = d(2000, 1, 1);
    dsu.members[2].disability = Some(Disability::Media);
    dsu.beneficiary = Some("f1".into());
    let r = compute(&dsu, IseeKind::Sociosanitario).unwrap();
    assert_eq!(r.members.len(), 1);
    assert_eq!(r.members[0].member, 2);
    assert!(r.rent_deduction.is_zero());
}

#[test]
fn choice_isee_corrente_valid_six_months() {
    let r = compute(&example_a(d(2025, 3, 10)), IseeKind::Corrente).unwrap();
    assert_eq!(r.valid_until, d(2025, 9, 9));
}

#[test]
fn sociosanitario_without_beneficiary_or_disability_is_an_error() {
    let dsu = example_a(d(2025, 5, 1));
    let err = compute(&dsu, IseeKind::Sociosanitario).unwrap_err();
    assert_eq!(err.path(), Some("beneficiary"));
    let mut dsu = dsu;
    dsu.beneficiary = Some("p1".into());
    let err = compute(&dsu, IseeKind::Sociosanitario).unwrap_err();
    assert_eq!(
        err.to_string(),
        "beneficiary: the sociosanitario beneficiary has no disability category"
    );
}

#[test]
fn validation_names_the_field_path_never_the_value() {
    let mut dsu = example_a(d(2025, 5, 1));
    dsu.members[1].income.employee = eur(99_999);
    let err = compute(&dsu, IseeKind::Ordinario).unwrap_err();
    assert_eq!(
        err.to_string(),
        "members[1].income.employee: employee and pension shares exceed the IRPEF total"
    );
    assert!(!err.to_string().contains("99"));
    let mut dsu = example_a(d(2025, 5, 1));
    dsu.members[2].income.maintenance_paid = eur(-1);
    let err = compute(&dsu, IseeKind::Ordinario).unwrap_err();
    assert_eq!(err.to_string(), "members[2].income.maintenance_paid: amount is negative");
    let mut dsu = example_a(d(2025, 5, 1));
    dsu.real_estate.push(RealEstate {
        owner: "nobody".into(),
        imu_value: eur(1),
        residual_mortgage: eur(0),
        main_home: false,
        abroad: false,
        metropolitan_capital: false,
    });
    let err = compute(&dsu, IseeKind::Ordinario).unwrap_err();
    assert!(matches!(err, IseeError::Invalid { ref path, .. } if path == "real_estate[0].owner"));
}

#[test]
fn unknown_fields_are_refused_with_their_name() {
    let text = r#"{"filing_date": "2025-01-01", "members": [], "rent": {"annual": 1, "registered": true, "extra": 1}}"#;
    let err = serde_json::from_str::<welfare_isee::Dsu>(text).unwrap_err();
    assert!(err.to_string().contains("unknown field `extra`"), "{err}");
}

#[test]
fn a_codice_fiscale_is_checked_and_never_printed() {
    let mut m = serde_json::json!({"id": "p1", "birth_date": "1985-12-10", "relationship": "dichiarante",
        "codice_fiscale": "RSSMRA85T10A562S"});
    let ok: Result<welfare_isee::Member, _> = serde_json::from_value(m.clone());
    assert!(ok.is_ok());
    m["codice_fiscale"] = "RSSMRA85T10A562T".into();
    let err = serde_json::from_value::<welfare_isee::Member>(m).unwrap_err();
    assert_eq!(err.to_string(), "wrong check character of the codice fiscale");
    assert!(!err.to_string().contains("RSSMRA"));
}

fn fixture_dsu(name: &str) -> welfare_isee::Dsu {
    let path = format!("{}/../../fixtures/dsu/{name}", env!("CARGO_MANIFEST_DIR"));
    let value: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_yaml::from_value(value["dsu"].clone()).unwrap()
}

#[test]
fn choice_rounding_only_at_the_end() {
    // Fixture 04: the main home counts 12,500 × 2/3, kept exact (28 significant digits);
    // ISP and ISE are rounded half-up to the cent only when reported.
    let r = compute(&fixture_dsu("04_main_home_four_children.yaml"), IseeKind::Ordinario).unwrap();
    assert_eq!(r.real_estate_total.to_string(), "8333.333333333333333333333333");
    assert_eq!(r.isp.to_string(), "9333.33");
    assert_eq!(r.ise.to_string(), "43866.67");
}

#[test]
fn choice_2026_family_isee_keeps_the_two_thirds_rule() {
    // L. 199/2025 c. 208-209 as reported: a 100,000 home with two children counts 4,000.
    let r = compute(
        &fixture_dsu("12_family_2026_home_two_children.yaml"),
        IseeKind::PrestazioniFamiliari,
    )
    .unwrap();
    assert_eq!(r.real_estate[0].main_home_threshold, Some(eur(94_000)));
    assert_eq!(r.real_estate_total, eur(4_000));
}

#[test]
fn choice_health_expense_cap_is_per_disabled_member() {
    // Original DPCM 159/2013 art. 4 c. 4 (cap reported as 5,000 €): we cap each disabled
    // member's certified health expenses, so two members at 6,000 each deduct 10,000.
    let mut dsu = fixture_dsu("21_disability_expense_cap_2016.yaml");
    dsu.members[1].income.residential_care_fees = eur(0);
    dsu.members[1].income.disability_health_expenses = eur(6_000);
    let r = compute(&dsu, IseeKind::Ordinario).unwrap();
    assert_eq!(r.disability_expenses, eur(10_000));
    // 42,000 − 4,800 − 12,500 − 10,000 = 14,700.
    assert_eq!(r.isr.to_string(), "14700.00");
}

#[test]
fn choice_disability_expenses_only_under_the_original_text() {
    // DL 42/2016 art. 2-sexies replaced art. 4 c. 4 lett. b–d with +0.5 on the scale; whether
    // the health expenses survived (if they sit in c. 3) is unverified: we deduct none of the
    // expenses for DSU filed from 28 June 2016, and the trace says so.
    let before =
        compute(&fixture_dsu("21_disability_expense_cap_2016.yaml"), IseeKind::Ordinario).unwrap();
    assert_eq!(before.disability_expenses, eur(14_600));
    assert_eq!(before.disability_franchigie, eur(12_500));
    let after =
        compute(&fixture_dsu("22_disability_expenses_after_reform.yaml"), IseeKind::Ordinario)
            .unwrap();
    assert_eq!(after.disability_expenses, eur(0));
    assert_eq!(after.disability_franchigie, eur(0));
    let skipped: Vec<_> = after
        .trace
        .iter()
        .filter(|s| s.step == welfare_isee::Step::DisabilityExpensesNotDeducted)
        .map(|s| (s.member.as_deref().unwrap(), s.article))
        .collect();
    assert_eq!(skipped, [("p1", "DL 42/2016 art. 2-sexies"), ("p2", "DL 42/2016 art. 2-sexies")]);
    let text = after.explain(welfare_isee::Language::En);
    assert!(text.contains("Disability expenses of p1 (€7300.00 + €0.00 + €0.00) not deducted"));
}

#[test]
fn choice_care_expenses_add_to_the_franchigia() {
    // Fixture 20: the non-autosufficient grandmother gets her 7,000 franchigia (lett. d) and
    // her care staff (8,000) deducted in full; no source makes them alternatives.
    let r = compute(&fixture_dsu("20_disability_expenses_2015.yaml"), IseeKind::Ordinario).unwrap();
    assert_eq!(r.disability_franchigie, eur(12_500));
    assert_eq!(r.disability_expenses, eur(11_200));
    let lines: Vec<_> = r
        .trace
        .iter()
        .filter(|s| {
            matches!(
                s.step,
                welfare_isee::Step::DisabilityHealthExpenses
                    | welfare_isee::Step::DisabilityCareExpenses
            )
        })
        .map(|s| (s.member.as_deref().unwrap(), s.article, s.value.to_string()))
        .collect();
    let art = "DPCM 159/2013 art. 4 c. 4 lett. b-c (testo originario)";
    assert_eq!(lines, [("f1", art, "3200".to_owned()), ("nonna", art, "8000".to_owned())]);
    let text = r.explain(welfare_isee::Language::It);
    assert!(
        text.contains("Spese sanitarie per disabilità di f1: 3.200,00 €, al massimo 5.000,00 €")
    );
    assert!(text.contains("spese per disabilità 11.200,00 €"));
}

#[test]
fn disability_expenses_need_the_right_category() {
    let mut dsu = fixture_dsu("20_disability_expenses_2015.yaml");
    dsu.members[2].income.care_staff_expenses = eur(1_000);
    let err = compute(&dsu, IseeKind::Ordinario).unwrap_err();
    assert_eq!(err.path(), Some("members[2].income.care_staff_expenses"));
    let mut dsu = fixture_dsu("20_disability_expenses_2015.yaml");
    dsu.members[1].income.disability_health_expenses = eur(1_000);
    let err = compute(&dsu, IseeKind::Ordinario).unwrap_err();
    assert_eq!(err.path(), Some("members[1].income.disability_health_expenses"));
    let mut dsu = fixture_dsu("21_disability_expense_cap_2016.yaml");
    dsu.members[0].income.residential_care_fees = eur(1);
    let err = compute(&dsu, IseeKind::Ordinario).unwrap_err();
    assert_eq!(err.path(), Some("members[0].income.residential_care_fees"));
    let mut dsu = fixture_dsu("21_disability_expense_cap_2016.yaml");
    dsu.members[0].income.disability_health_expenses = eur(-1);
    let err = compute(&dsu, IseeKind::Ordinario).unwrap_err();
    assert_eq!(err.path(), Some("members[0].income.disability_health_expenses"));
}
