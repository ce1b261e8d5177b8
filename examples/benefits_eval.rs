//! Every national measure for one household, then a comune's own rulebook beside them.
//!
//! `cargo run -p welfare-examples --example benefits_eval`
//!
//! A municipal developer starts here: read a household file (YAML or JSON, see
//! `docs/household-format.md`), evaluate the national rulebooks on a date, add a local rulebook
//! that imports a national one, and print amounts and the motivazione of a provvedimento.

use std::io::Write;

use chrono::NaiveDate;
use welfare_benefits::{Catalogue, Household, Lang};

/// A comune's grant that reads the national Assegno Unico rulebook: 50 € a month for each
/// household with at least three children receiving the AUU.
const LOCAL: &str = r#"
rulebook: esempio/famiglie-numerose
title: { it: "Contributo comunale alle famiglie numerose", en: "Municipal grant for large families" }
authority: { level: comune, code: "999999", name: "Comune di Esempio" }
valid: { from: 2025-01-01, to: 2026-12-31 }
imports:
  auu: it/assegno-unico
parameters:
  contributo:
    type: money
    versions: [ { from: 2025-01-01, value: "50.00", source: "delibera di esempio" } ]
definitions:
  importo_mensile:
    type: money
    formula: contributo
conditions:
  famiglia_numerosa:
    formula: auu.figli_beneficiari >= 3
    reason: { it: "Meno di tre figli con l'assegno unico", en: "Fewer than three children with the AUU" }
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let household = Household::example()?;
    let date = NaiveDate::from_ymd_opt(2026, 9, 1).ok_or("date")?;
    let mut catalogue = Catalogue::national()?;
    catalogue.add_rulebook(LOCAL, "famiglie-numerose.yaml")?;

    let results = catalogue.evaluate_in(&household, date, Lang::It);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} on {date}", household.group_identifier)?;
    for r in &results {
        let amount = r.amount.map(|a| a.to_italian_string()).unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "  {:<28} {:<5} {:>12}  {}",
            r.measure,
            r.eligible,
            amount,
            r.reasons.join("; ")
        )?;
    }
    // The 2026 AUU of this household: 3 × 203.80 + 99.10 + 3 × 34.90 + 101.90 + 101.90.
    let auu = results.iter().find(|r| r.measure == "it/assegno-unico").ok_or("auu")?;
    assert_eq!(auu.amount.map(|a| a.to_string()).as_deref(), Some("1019.00"));
    let local = results.iter().find(|r| r.measure == "esempio/famiglie-numerose").ok_or("local")?;
    assert!(local.eligible);
    writeln!(out, "\n{}", auu.motivazione)?;
    Ok(())
}
