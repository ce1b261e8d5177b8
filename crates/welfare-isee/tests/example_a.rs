//! Worked example A (project benefit-law notes §1.8, derived from DPCM 159/2013 art. 2, 4, 5 and
//! Allegato 1; the 2026 variant from L. 199/2025 art. 1 c. 208-209).

use welfare_isee::{compute, compute_with, ComputeOptions, IseeKind, Language, Step};

use crate::common::{d, example_a};

#[test]
fn example_a_ordinary_isee_has_the_published_figures() {
    let r = compute(&example_a(d(2026, 3, 2)), IseeKind::Ordinario).unwrap();
    assert_eq!(r.members[0].employee_deduction.to_string(), "3000.00");
    assert_eq!(r.members[1].employee_deduction.to_string(), "2400.00");
    assert_eq!(r.rent_deduction.to_string(), "7000.00");
    assert_eq!(r.isr.to_string(), "27600.00");
    assert_eq!(r.financial_franchigia.to_string(), "10000.00");
    assert_eq!(r.isp.to_string(), "15000.00");
    assert_eq!(r.ise.to_string(), "30600.00");
    assert_eq!(r.scala.to_string(), "2.76");
    assert_eq!(r.isee.to_string(), "11086.96");
}

#[test]
fn example_a_family_benefits_isee_2026() {
    let r = compute(&example_a(d(2026, 3, 2)), IseeKind::PrestazioniFamiliari).unwrap();
    assert_eq!(r.ise.to_string(), "30600.00");
    assert_eq!(r.scala.to_string(), "2.86");
    assert_eq!(r.scala_breakdown.children.to_string(), "0.10");
    assert_eq!(r.isee.to_string(), "10699.30");
}

#[test]
fn example_a_is_the_same_under_every_post_2016_ordinary_set() {
    for filed in [d(2017, 5, 1), d(2021, 5, 1), d(2025, 5, 1), d(2026, 5, 1)] {
        let r = compute(&example_a(filed), IseeKind::Ordinario).unwrap();
        assert_eq!(r.isee.to_string(), "11086.96", "filed {filed}");
    }
}

#[test]
fn family_isee_does_not_exist_before_2026() {
    let err = compute(&example_a(d(2025, 12, 31)), IseeKind::PrestazioniFamiliari).unwrap_err();
    assert_eq!(
        err.to_string(),
        "filing_date: the prestazioni_familiari ISEE is not in force on 2025-12-31"
    );
}

#[test]
fn a_dsu_before_the_first_parameter_set_is_an_error() {
    let err = compute(&example_a(d(2014, 12, 31)), IseeKind::Ordinario).unwrap_err();
    assert_eq!(err.to_string(), "filing_date: no ISEE parameters are in force on 2014-12-31");
    assert_eq!(err.path(), Some("filing_date"));
}

#[test]
fn the_trace_cites_an_article_for_every_step_in_both_languages() {
    let r = compute(&example_a(d(2026, 3, 2)), IseeKind::Ordinario).unwrap();
    assert!(r.trace.iter().all(|s| !s.article.is_empty()));
    let rent = r.trace.iter().find(|s| s.step == Step::RentDeduction).unwrap();
    assert_eq!(rent.article, "DPCM 159/2013 art. 4 c. 4 lett. a");
    let it = r.explain(Language::It);
    let en = r.explain(Language::En);
    assert!(it.contains("Detrazione affitto: canone 7.800,00 €, massimo 7.000,00 € (0 figli oltre il secondo) = 7.000,00 € [DPCM 159/2013 art. 4 c. 4 lett. a]"), "{it}");
    assert!(it.contains("ISEE = ISE 30.600,00 € / scala 2,76"), "{it}");
    assert!(en.contains("Rent deduction: rent €7800.00, cap €7000.00"), "{en}");
    assert!(en.contains("= €11086.96 [DPCM 159/2013 art. 2 c. 2]"), "{en}");
}

#[test]
fn without_trace_the_figures_are_the_same() {
    let options = ComputeOptions { trace: false, ..ComputeOptions::default() };
    let r = compute_with(&example_a(d(2026, 3, 2)), IseeKind::Ordinario, &options).unwrap();
    assert!(r.trace.is_empty());
    assert_eq!(r.isee.to_string(), "11086.96");
}

#[test]
fn dates_of_the_result_follow_the_parameter_set() {
    let r = compute(&example_a(d(2026, 3, 2)), IseeKind::Ordinario).unwrap();
    assert_eq!(r.income_year, 2024);
    assert_eq!(r.asset_reference_date, d(2024, 12, 31));
    assert_eq!(r.valid_until, d(2026, 12, 31));
    // Original text: assets at 31 December of the year before, valid to 15 January.
    let r = compute(&example_a(d(2015, 3, 2)), IseeKind::Ordinario).unwrap();
    assert_eq!(r.asset_reference_date, d(2014, 12, 31));
    assert_eq!(r.valid_until, d(2016, 1, 15));
}
