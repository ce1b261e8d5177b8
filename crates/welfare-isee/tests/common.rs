//! Builders shared by the tests.

use chrono::NaiveDate;
use welfare_isee::{Dsu, FinancialItem, FinancialKind, Income, Member, Relationship, Rent};
use welfare_types::Money;

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(crate) fn eur(v: i64) -> Money {
    Money::from_euros(v)
}

pub(crate) fn member(
    id: &str,
    born: NaiveDate,
    relationship: Relationship,
    employee: i64,
) -> Member {
    Member {
        id: id.into(),
        codice_fiscale: None,
        birth_date: born,
        relationship,
        disability: None,
        worked_six_months: employee > 0,
        irpef_dependent: false,
        income: Income { irpef_total: eur(employee), employee: eur(employee), ..Income::default() },
    }
}

/// Worked example A of the project's benefit-law notes (§1.8), filed on `filed`.
pub(crate) fn example_a(filed: NaiveDate) -> Dsu {
    Dsu {
        filing_date: filed,
        members: vec![
            member("p1", d(1985, 4, 1), Relationship::Dichiarante, 28_000),
            member("p2", d(1987, 9, 1), Relationship::Coniuge, 12_000),
            member(
                "f1",
                filed.checked_sub_months(chrono::Months::new(118)).unwrap(),
                Relationship::Figlio,
                0,
            ),
            member(
                "f2",
                filed.checked_sub_months(chrono::Months::new(26)).unwrap(),
                Relationship::Figlio,
                0,
            ),
        ],
        rent: Some(Rent { annual: eur(7_800), registered: true }),
        real_estate: vec![],
        financial: vec![FinancialItem {
            owner: "p1".into(),
            kind: FinancialKind::Deposito,
            balance: eur(25_000),
            average_balance: None,
        }],
        figurative_income_rate: None,
        beneficiary: None,
        additional_components: vec![],
    }
}
