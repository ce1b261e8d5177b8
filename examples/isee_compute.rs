//! Compute the ordinary and the 2026 family-benefits ISEE of a DSU, explain it, and keep the
//! result as an attestazione-like record checked for validity on a date.
//!
//! Run: `cargo run -p welfare-examples --example isee_compute`

use std::collections::BTreeMap;
use std::error::Error;
use std::io::Write;

use welfare_isee::{
    compute, Attestazione, Dsu, FinancialItem, FinancialKind, Income, IseeKind, IseeValues,
    Language, Member, ProtocolloDsu, Relationship, Rent,
};
use welfare_types::Money;

fn member(
    id: &str,
    born: &str,
    relationship: Relationship,
    employee: i64,
) -> Result<Member, Box<dyn Error>> {
    Ok(Member {
        id: id.into(),
        codice_fiscale: None,
        birth_date: born.parse()?,
        relationship,
        disability: None,
        worked_six_months: employee > 0,
        irpef_dependent: false,
        income: Income {
            irpef_total: Money::from_euros(employee),
            employee: Money::from_euros(employee),
            ..Income::default()
        },
    })
}

fn main() -> Result<(), Box<dyn Error>> {
    // Two employed parents, two minors (one aged 2), rent 7,800 €, bank accounts 25,000 €.
    let dsu = Dsu {
        filing_date: "2026-03-02".parse()?,
        members: vec![
            member("p1", "1985-04-01", Relationship::Dichiarante, 28_000)?,
            member("p2", "1987-09-01", Relationship::Coniuge, 12_000)?,
            member("f1", "2016-05-01", Relationship::Figlio, 0)?,
            member("f2", "2023-11-20", Relationship::Figlio, 0)?,
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
    };

    let mut out = std::io::stdout().lock();
    let ordinario = compute(&dsu, IseeKind::Ordinario)?;
    let familiare = compute(&dsu, IseeKind::PrestazioniFamiliari)?;
    writeln!(out, "ISEE ordinario: {} (scala {})", ordinario.isee, ordinario.scala)?;
    writeln!(out, "ISEE prestazioni familiari: {} (scala {})", familiare.isee, familiare.scala)?;
    writeln!(out, "\n{}", ordinario.explain(Language::En))?;

    // What a municipal system keeps: the values per variant, with their validity.
    let mut values = BTreeMap::new();
    values.insert(IseeKind::Ordinario, IseeValues::from(&ordinario));
    values.insert(IseeKind::PrestazioniFamiliari, IseeValues::from(&familiare));
    let attestazione = Attestazione {
        protocol: ProtocolloDsu::parse("INPS-ISEE-2026-00000032P-00")?,
        filing_date: ordinario.filing_date,
        valid_until: ordinario.valid_until,
        values,
        difformita: false,
    };
    let on = "2026-09-01".parse()?;
    writeln!(out, "ISEE on {on}: {}", attestazione.value_on(IseeKind::Ordinario, on)?.isee)?;
    let late = "2027-01-10".parse()?;
    if let Err(e) = attestazione.value_on(IseeKind::Ordinario, late) {
        writeln!(out, "ISEE on {late}: {e}")?;
    }
    Ok(())
}
