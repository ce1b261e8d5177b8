//! Write a comune's tariff as a rulebook, check it, evaluate a household with the reasons,
//! record the decision and replay it after the comune changes a threshold.
//!
//! `cargo run -p welfare-examples --example rules_eval`

use std::io::Write;

use chrono::NaiveDate;
use welfare_rules::record::{decide, replay};
use welfare_rules::{Lang, Program};

/// The Comune di Manfredonia's school-meal tariff (delibera di Giunta, March 2019).
const RULEBOOK: &str = r#"
rulebook: manfredonia/mensa-scolastica
title: { it: Tariffa giornaliera della mensa scolastica, en: School meal daily tariff }
authority: { level: comune, code: "071029", name: Comune di Manfredonia }
valid: { from: 2019-04-01 }
legal_basis:
  - { id: delibera, act: delibera_giunta_comunale, title: "Tariffe mensa scolastica (marzo 2019)" }
inputs:
  household:
    isee: { type: money, optional: true, label: { it: ISEE, en: ISEE } }
    residente: { type: boolean, label: { it: Residente, en: Resident } }
parameters:
  tariffe:
    type: band_table
    columns: { tariffa: money }
    reference: delibera
    label: { it: Tariffe per fascia ISEE, en: Tariffs by ISEE band }
    versions:
      - from: 2019-04-01
        source: "Delibera G.C. Manfredonia, marzo 2019"
        rows:
          - { up_to: "6000.00", tariffa: "2.00" }
          - { up_to: "9360.00", tariffa: "3.50" }
          - { up_to: "15000.00", tariffa: "4.00" }
          - { up_to: null, tariffa: "4.50" }
definitions:
  tariffa_giornaliera:
    type: money
    label: { it: Tariffa per pasto, en: Tariff per meal }
    reference: delibera
    formula: >
      se non residente o isee mancante allora 4.50
      altrimenti cerca(tariffe, isee, tariffa)
  costo_mensile:
    type: money
    label: { it: Costo di 20 pasti, en: Cost of 20 meals }
    formula: tariffa_giornaliera * 20
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let program = Program::from_yaml(RULEBOOK, "manfredonia-mensa.yaml")?;
    let date = NaiveDate::from_ymd_opt(2025, 10, 1).ok_or("bad date")?;
    let facts = serde_json::json!({ "isee": "7.200,00", "residente": true });

    let evaluation = program.evaluate(&program.facts(&facts)?, date)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}\n", evaluation.motivazione(Lang::It))?;
    writeln!(out, "{}", evaluation.tree(Lang::En))?;
    assert_eq!(
        evaluation.outputs.get("tariffa_giornaliera").and_then(|v| v.as_str()),
        Some("3.50")
    );
    assert_eq!(evaluation.outputs.get("costo_mensile").and_then(|v| v.as_str()), Some("70.00"));

    // Record the decision (keeping only a hash of the facts), then replay it against a
    // rulebook in which the first band was raised: the replay names the change.
    let record = decide(&program, &facts, date, true)?;
    let raised =
        Program::from_yaml(&RULEBOOK.replace("\"6000.00\"", "\"7500.00\""), "manfredonia-2.yaml")?;
    let report = replay(&raised, &record, Some(&facts))?;
    for d in &report.differences {
        writeln!(out, "{} {}: {} → {}", d.kind, d.name, d.recorded, d.now)?;
    }
    assert!(report.differences.iter().any(|d| d.name == "tariffa_giornaliera"));
    Ok(())
}
