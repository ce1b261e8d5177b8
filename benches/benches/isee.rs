//! ISEE of a five-member DSU, without trace. Target: ≤ 2 µs per computation.

use criterion::Criterion;
use welfare_isee::{
    compute_with, ComputeOptions, Dsu, FinancialItem, FinancialKind, Income, IseeKind, Member,
    Relationship, Rent,
};
use welfare_types::Money;

fn member(id: &str, born: &str, relationship: Relationship, income: Income) -> Member {
    Member {
        id: id.into(),
        codice_fiscale: None,
        birth_date: born.parse().unwrap_or_default(),
        relationship,
        disability: None,
        worked_six_months: !income.employee.is_zero(),
        irpef_dependent: false,
        income,
    }
}

/// Worked example A (two employed parents, two minors, rent 7,800, accounts 25,000) plus a
/// grandmother with a 12,000 pension. By hand: ISR 25,000 + 9,600 + 11,000 − 7,000 = 38,600;
/// ISP 25,000 − 10,000 = 15,000; ISE 41,600; scala 2.85 + 0.3 = 3.15; ISEE 13,206.35.
fn five_members() -> Dsu {
    let employee = |v| Income {
        irpef_total: Money::from_euros(v),
        employee: Money::from_euros(v),
        ..Income::default()
    };
    let pension = Income {
        irpef_total: Money::from_euros(12_000),
        pension: Money::from_euros(12_000),
        ..Income::default()
    };
    Dsu {
        filing_date: "2026-03-02".parse().unwrap_or_default(),
        members: vec![
            member("p1", "1985-04-01", Relationship::Dichiarante, employee(28_000)),
            member("p2", "1987-09-01", Relationship::Coniuge, employee(12_000)),
            member("f1", "2016-05-01", Relationship::Figlio, Income::default()),
            member("f2", "2023-11-20", Relationship::Figlio, Income::default()),
            member("nonna", "1950-02-01", Relationship::Altro, pension),
        ],
        rent: Some(Rent { annual: Money::from_euros(7_800), registered: true }),
        real_estate: vec![],
        financial: vec![FinancialItem {
            owner: "p1".into(),
            kind: FinancialKind::Deposito,
            balance: Money::from_euros(25_000),
            average_balance: None,
        }],
        figurative_income_rate: None,
        beneficiary: None,
        additional_components: vec![],
    }
}

// Target: ≤ 2 µs for a five-member DSU without trace.
fn bench_isee(c: &mut Criterion) {
    let dsu = five_members();
    let expected = Money::from_cents(1_320_635);
    let options = ComputeOptions { trace: false, ..ComputeOptions::default() };
    c.bench_function("isee_five_members_no_trace", |b| {
        b.iter(|| {
            let result = compute_with(std::hint::black_box(&dsu), IseeKind::Ordinario, &options);
            assert_eq!(result.map(|r| r.isee).ok(), Some(expected));
        })
    });
    // For comparison: the same with the trace recorded (no target).
    let traced = ComputeOptions::default();
    c.bench_function("isee_five_members_with_trace", |b| {
        b.iter(|| {
            let result = compute_with(std::hint::black_box(&dsu), IseeKind::Ordinario, &traced);
            assert_eq!(result.map(|r| r.isee).ok(), Some(expected));
        })
    });
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_isee(&mut criterion);
    criterion.final_summary();
}
