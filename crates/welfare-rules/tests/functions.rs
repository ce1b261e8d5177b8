//! Date arithmetic, parameters as at another date, table row counts and per-member lists.

use chrono::NaiveDate;
use welfare_rules::{DiagnosticKind, Engine, EvalError, Lang, Program};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const HEAD: &str = "rulebook: f/x\ntitle: { it: funzioni }\nauthority: { level: stato, name: Stato }\nvalid: { from: 2025-01-01 }\n";

/// The assegno di maternità dei comuni (D.Lgs. 151/2001 art. 74): monthly amount and ISEE
/// threshold revalued each year (2024: 404,17 € and 20.221,13 €; 2025: 407,40 € and
/// 20.382,90 €, INPS communications on the annual revaluation).
const MATERNITA: &str = r#"
inputs:
  household:
    data_parto: { type: date }
    domanda: { type: date }
    isee: { type: money }
  member:
    figlio: { type: boolean }
    minorenne: { type: boolean }
    disabile: { type: boolean, optional: true }
parameters:
  importo_mensile:
    type: money
    versions:
      - { from: 2024-01-01, to: 2024-12-31, value: "404.17", source: "rivalutazione ISTAT 2024" }
      - { from: 2025-01-01, value: "407.40", source: "rivalutazione ISTAT 2025" }
  soglia_isee:
    type: money
    versions:
      - { from: 2024-01-01, to: 2024-12-31, value: "20221.13", source: "rivalutazione ISTAT 2024" }
      - { from: 2025-01-01, value: "20382.90", source: "rivalutazione ISTAT 2025" }
  importi_auu:
    type: band_table
    columns: { importo: money }
    versions:
      - from: 2025-01-01
        source: "INPS circ. 33/2025"
        rows:
          - { up_to: "17227.33", importo: "201.00" }
          - { up_to: "45939.56", importo: "120.00" }
          - { up_to: null, importo: "57.00" }
"#;

fn program(defs: &str) -> Result<Program, welfare_rules::LoadError> {
    Program::from_yaml(&format!("{HEAD}{MATERNITA}definitions:\n{defs}"), "f.yaml")
}

fn outputs(defs: &str, facts: serde_json::Value, on: NaiveDate) -> serde_json::Value {
    let p = program(defs).unwrap();
    let f = p.facts(&facts).unwrap();
    serde_json::to_value(p.evaluate(&f, on).unwrap().outputs).unwrap()
}

fn load_error(defs: &str) -> String {
    program(defs).unwrap_err().to_string()
}

fn household(data_parto: &str, domanda: &str) -> serde_json::Value {
    serde_json::json!({
        "data_parto": data_parto, "domanda": domanda, "isee": "15000.00",
        "members": [
            { "figlio": false, "minorenne": false, "disabile": null },
            { "figlio": true, "minorenne": true, "disabile": false },
            { "figlio": true, "minorenne": true, "disabile": true },
            { "figlio": true, "minorenne": false, "disabile": null }
        ]
    })
}

#[test]
fn months_are_calendar_months_ending_on_the_anniversary_or_the_last_day() {
    // Art. 2963 c.c.: a term of months expires on the same day number of the last month, or on
    // that month's last day when it lacks the day.
    let defs = concat!(
        "  fine: { type: date, formula: \"aggiungi_mesi(data_parto, 6)\" }\n",
        "  end: { type: date, formula: \"add_months(data_parto, 6)\" }\n",
        "  prima: { type: date, formula: \"aggiungi_mesi(data_parto, -1)\" }\n",
        "  nei_termini: { type: boolean, formula: \"domanda <= aggiungi_mesi(data_parto, 6)\" }\n",
        "  esatto: { type: boolean, formula: \"domanda = aggiungi_mesi(data_parto, 6)\" }\n",
        "  mesi: { type: integer, formula: \"mesi_tra(data_parto, domanda)\" }\n",
    );
    let out = outputs(defs, household("2025-01-31", "2025-07-31"), d(2025, 8, 1));
    assert_eq!(out["fine"], "2025-07-31");
    assert_eq!(out["end"], out["fine"]);
    assert_eq!(out["prima"], "2024-12-31");
    assert_eq!((out["nei_termini"].clone(), out["esatto"].clone()), (true.into(), true.into()));
    let out = outputs(defs, household("2024-08-31", "2025-03-01"), d(2025, 3, 1));
    assert_eq!(out["fine"], "2025-02-28");
    // Six whole months have passed either way: only the date shows the term has expired.
    assert_eq!(out["mesi"], "6");
    assert_eq!(out["nei_termini"], false);
    let out = outputs(defs, household("2023-08-31", "2024-02-29"), d(2025, 3, 1));
    assert_eq!(out["fine"], "2024-02-29");
    assert_eq!(out["esatto"], true);
    let out = outputs(defs, household("2025-03-31", "2025-04-01"), d(2025, 4, 1));
    assert_eq!(out["prima"], "2025-02-28");
}

#[test]
fn days_forward_back_and_between_dates() {
    let defs = concat!(
        "  dopo: { type: date, formula: \"aggiungi_giorni(data_parto, 90)\" }\n",
        "  before: { type: date, formula: \"add_days(data_parto, -1)\" }\n",
        "  giorni: { type: integer, formula: \"giorni_tra(data_parto, domanda)\" }\n",
        "  days: { type: integer, formula: \"days_between(domanda, data_parto)\" }\n",
        "  oggi_giorni: { type: integer, formula: \"giorni_tra(data_parto, oggi)\" }\n",
        "  entro_90: { type: boolean, formula: \"domanda <= aggiungi_giorni(data_parto, 90)\" }\n",
    );
    // 2024 is a leap year: 1 January 2024 + 90 days is 31 March 2024.
    let out = outputs(defs, household("2024-01-01", "2024-03-31"), d(2025, 1, 1));
    assert_eq!(out["dopo"], "2024-03-31");
    assert_eq!(out["before"], "2023-12-31");
    assert_eq!(out["giorni"], "90");
    assert_eq!(out["days"], "-90");
    assert_eq!(out["oggi_giorni"], "366");
    assert_eq!(out["entro_90"], true);
}

#[test]
fn date_functions_are_typed_at_load_time() {
    let e = load_error("  x: { type: date, formula: \"aggiungi_mesi(data_parto)\" }\n");
    assert!(e.contains("`aggiungi_mesi` takes 2 arguments, not 1"), "{e}");
    let e = load_error("  x: { type: date, formula: \"aggiungi_mesi(isee, 2)\" }\n");
    assert!(e.contains("the date is money") && e.contains("expected date"), "{e}");
    let e = load_error("  x: { type: date, formula: \"add_days(data_parto, isee)\" }\n");
    assert!(e.contains("the number of days is money"), "{e}");
    let e = load_error("  x: { type: date, formula: \"aggiungi_mesi(data_parto, 1.5)\" }\n");
    assert!(e.contains("the number of months is 1.5, not a whole number"), "{e}");
    let e = load_error("  x: { type: integer, formula: \"giorni_tra(data_parto, 3)\" }\n");
    assert!(e.contains("the second date is number"), "{e}");
    let e = load_error("  x: { type: money, formula: \"giorni_tra(data_parto, domanda)\" }\n");
    assert!(e.contains("`x` computes integer"), "{e}");
    let e = load_error("  x: { type: date, formula: \"aggiungi_mese(data_parto, 1)\" }\n");
    assert!(e.contains("did you mean `aggiungi_mesi`?"), "{e}");
    let e = load_error("  x: { type: boolean, formula: \"aggiungi_mesi(data_parto, 1) < 3\" }\n");
    assert!(e.contains("cannot compare date with number"), "{e}");
}

#[test]
fn parameters_as_in_force_on_another_date() {
    // D.Lgs. 151/2001 art. 74 c. 3: the assegno is paid "nella misura prevista alla data del
    // parto": a birth in December 2024 claimed in 2025 gets the 2024 amount and threshold.
    let defs = concat!(
        "  importo_parto: { type: money, formula: \"parametro_alla_data(importo_mensile, data_parto) * 5\" }\n",
        "  soglia_parto: { type: money, formula: \"parameter_on(soglia_isee, data_parto)\" }\n",
        "  importo_oggi: { type: money, formula: \"importo_mensile * 5\" }\n",
        "  spetta: { type: boolean, formula: \"isee <= parametro_alla_data(soglia_isee, data_parto) e domanda <= aggiungi_mesi(data_parto, 6)\" }\n",
    );
    let out = outputs(defs, household("2024-12-10", "2025-03-01"), d(2025, 3, 1));
    assert_eq!(out["importo_parto"], "2020.85");
    assert_eq!(out["soglia_parto"], "20221.13");
    assert_eq!(out["importo_oggi"], "2037.00");
    assert_eq!(out["spetta"], true);
    // The explanation names the version read on the birth date beside the one in force today.
    let p = program(defs).unwrap();
    let ev = p.evaluate(&p.facts(&household("2024-12-10", "2025-03-01")).unwrap(), d(2025, 3, 1));
    let ev = ev.unwrap();
    let step = ev.explanation.steps.iter().find(|s| &*s.name == "importo_parto").unwrap();
    let used: Vec<&str> = step.uses.iter().map(|u| &*u.name).collect();
    assert_eq!(used, ["data_parto", "importo_mensile@2024-12-10"]);
    let dated = step.uses.iter().find(|u| &*u.name == "importo_mensile@2024-12-10").unwrap();
    assert_eq!(dated.value.as_deref(), Some(&serde_json::json!("404.17")));
    let version = dated.parameter.as_ref().unwrap();
    assert_eq!((version.valid.from(), version.valid.to()), (d(2024, 1, 1), Some(d(2024, 12, 31))));
    assert_eq!(&*version.source, "rivalutazione ISTAT 2024");
    let it = ev.motivazione(Lang::It);
    assert!(it.contains("importo mensile alla data del 10/12/2024: 404,17 € (in vigore dal 01/01/2024; fonte: rivalutazione ISTAT 2024)"), "{it}");
    assert!(it.contains("importo mensile: 407,40 € (in vigore dal 01/01/2025"), "{it}");
    let en = ev.motivazione(Lang::En);
    assert!(en.contains("importo mensile on 2024-12-10: € 404.17"), "{en}");

    let out = outputs(defs, household("2025-01-01", "2025-03-01"), d(2025, 3, 1));
    assert_eq!(out["importo_parto"], "2037.00");
    assert_eq!(out["soglia_parto"], "20382.90");

    // A date no version covers is an error naming the parameter and the date: no fallback.
    let p = program(defs).unwrap();
    let f = p.facts(&household("2023-12-31", "2025-03-01")).unwrap();
    let err = p.evaluate(&f, d(2025, 3, 1)).unwrap_err();
    assert_eq!(
        err,
        EvalError::ParameterNotInForce {
            name: "importo_mensile".to_owned(),
            date: d(2023, 12, 31)
        }
    );
    assert_eq!(
        err.to_string(),
        "parameter `importo_mensile` has no version in force on 2023-12-31"
    );
}

#[test]
fn parameter_on_follows_the_layers_of_extension() {
    // The comune raises the national amount from 1 July 2025; on an earlier date the national
    // version applies, on a later one the comune's, exactly as for the evaluation date.
    let stato = r#"
rulebook: esempio/stato
title: { it: Misura nazionale }
authority: { level: stato, name: Stato }
valid: { from: 2025-01-01 }
inputs: { household: { evento: { type: date } } }
parameters:
  importo: { type: money, versions: [ { from: 2024-01-01, value: "100.00", source: "legge di esempio" } ] }
definitions:
  importo_evento: { type: money, formula: "parametro_alla_data(importo, evento)" }
"#;
    let comune = r#"
rulebook: esempio/comune
extends: esempio/stato
title: { it: Misura comunale }
authority: { level: comune, code: "999999", name: Comune di Esempio }
valid: { from: 2025-01-01 }
parameters:
  importo: { type: money, versions: [ { from: 2025-07-01, value: "150.00", source: "delibera di esempio" } ] }
"#;
    let mut e = Engine::new();
    e.add_yaml(stato, "stato.yaml").unwrap();
    e.add_yaml(comune, "comune.yaml").unwrap();
    let p = e.program("esempio/comune").unwrap();
    let at = |evento: &str| {
        let f = p.facts(&serde_json::json!({ "evento": evento })).unwrap();
        p.evaluate(&f, d(2025, 12, 1)).unwrap().outputs["importo_evento"].clone()
    };
    assert_eq!(at("2024-05-01"), "100.00");
    assert_eq!(at("2025-06-30"), "100.00");
    assert_eq!(at("2025-07-01"), "150.00");
}

#[test]
fn parameter_on_names_are_checked_with_suggestions() {
    let e = load_error(
        "  x: { type: money, formula: \"parametro_alla_data(importo_mensil, data_parto)\" }\n",
    );
    assert!(
        e.contains("unknown parameter `importo_mensil`; did you mean `importo_mensile`?"),
        "{e}"
    );
    assert!(e.contains("unknown_name"), "{e}");
    let e = load_error("  x: { type: money, formula: \"parameter_on(isee, data_parto)\" }\n");
    assert!(e.contains("`isee` is not a parameter"), "{e}");
    let e =
        load_error("  x: { type: money, formula: \"parameter_on(importi_auu, data_parto)\" }\n");
    assert!(e.contains("`importi_auu` is a band table"), "{e}");
    let e = load_error(
        "  x: { type: money, formula: \"parameter_on(importo_mensile * 2, data_parto)\" }\n",
    );
    assert!(e.contains("is not a name"), "{e}");
    let e = load_error("  x: { type: money, formula: \"parameter_on(importo_mensile, isee)\" }\n");
    assert!(e.contains("the date is money"), "{e}");
    let e = load_error(
        "  x: { type: integer, formula: \"parameter_on(importo_mensile, data_parto)\" }\n",
    );
    assert!(e.contains("`x` computes money"), "{e}");
    assert!(program("  x: { type: money, formula: \"parameter_on(importo_mensile)\" }\n")
        .unwrap_err()
        .has(DiagnosticKind::Syntax));
}

#[test]
fn rows_counts_the_table_in_force() {
    // "No ISEE → the last band" without writing the number of rows.
    let defs = concat!(
        "  n: { type: integer, formula: \"righe(importi_auu)\" }\n",
        "  ultima: { type: money, formula: \"riga(importi_auu, rows(importi_auu), importo)\" }\n",
    );
    let out = outputs(defs, household("2025-01-01", "2025-03-01"), d(2025, 3, 1));
    assert_eq!(out["n"], "3");
    assert_eq!(out["ultima"], "57.00");
    let e = load_error("  x: { type: integer, formula: \"righe(importo_mensile)\" }\n");
    assert!(e.contains("`importo_mensile` is not a band table"), "{e}");
    let e = load_error("  x: { type: integer, formula: \"rows(importi_au)\" }\n");
    assert!(e.contains("did you mean `importi_auu`?"), "{e}");
    let e = load_error("  x: { type: integer, formula: \"rows(importi_auu, 1)\" }\n");
    assert!(e.contains("`rows` takes 1 arguments, not 2"), "{e}");
}

#[test]
fn per_member_lists_in_member_order() {
    // The AUU per child: 201,00 € per minor child with ISEE up to 17.227,33 € (INPS circ.
    // 33/2025); the breakdown lists each child's amount beside the child's position.
    let defs = concat!(
        "  quota: { type: money, formula: \"cerca(importi_auu, isee, importo)\" }\n",
        "  quote_figli: { type: list, items: money, label: { it: Importo per figlio, en: Amount per child }, formula: \"elenco(membri, quota, figlio e minorenne)\" }\n",
        "  figli: { type: list, items: integer, formula: \"posizioni(membri, figlio e minorenne)\" }\n",
        "  tutti: { type: list, items: integer, formula: \"positions(members)\" }\n",
        "  minori: { type: list, items: boolean, formula: \"list(members, minorenne)\" }\n",
        "  disabili: { type: list, items: boolean, formula: \"elenco(membri, disabile, disabile presente)\" }\n",
        "  totale: { type: money, formula: \"somma(quote_figli)\" }\n",
        "  numero: { type: integer, formula: \"conta(figli)\" }\n",
    );
    let p = program(defs).unwrap();
    let f = p.facts(&household("2025-01-01", "2025-03-01")).unwrap();
    let ev = p.evaluate(&f, d(2025, 3, 1)).unwrap();
    let out = serde_json::to_value(&ev.outputs).unwrap();
    assert_eq!(out["quote_figli"], serde_json::json!(["201.00", "201.00"]));
    assert_eq!(out["figli"], serde_json::json!(["2", "3"]));
    assert_eq!(out["tutti"], serde_json::json!(["1", "2", "3", "4"]));
    assert_eq!(out["minori"], serde_json::json!([false, true, true, false]));
    assert_eq!(out["disabili"], serde_json::json!([false, true]));
    assert_eq!(out["totale"], "402.00");
    assert_eq!(out["numero"], "2");
    let step = ev.explanation.steps.iter().find(|s| &*s.name == "quote_figli").unwrap();
    assert_eq!(&*step.display, "[201.00, 201.00]");
    assert_eq!(&*step.ty, "list of money");
    let it = ev.motivazione(Lang::It);
    assert!(it.contains("Importo per figlio: [201,00 €; 201,00 €]"), "{it}");
    let en = ev.motivazione(Lang::En);
    assert!(en.contains("Amount per child: [€ 201.00; € 201.00]"), "{en}");

    // A household without members gives empty lists.
    let f = p.facts(&serde_json::json!({ "data_parto": "2025-01-01", "domanda": "2025-03-01", "isee": "1" })).unwrap();
    let out = p.evaluate(&f, d(2025, 3, 1)).unwrap().outputs;
    assert_eq!(out["quote_figli"], serde_json::json!([]));
    assert_eq!(out["totale"], "0.00");
}

#[test]
fn per_member_lists_are_typed_at_load_time() {
    let e =
        load_error("  x: { type: list, items: boolean, formula: \"elenco(membri, disabile)\" }\n");
    assert!(e.contains("optional boolean") && e.contains("valore_o"), "{e}");
    let e = load_error("  x: { type: list, items: money, formula: \"elenco(membri, figlio)\" }\n");
    assert!(e.contains("`x` computes list of boolean"), "{e}");
    let e = load_error("  x: { type: list, items: integer, formula: \"elenco(figlio, 1)\" }\n");
    assert!(e.contains("computed over the household's members"), "{e}");
    let e = load_error("  x: { type: list, items: integer, formula: \"elenco(membri)\" }\n");
    assert!(e.contains("`elenco` takes 2 to 3 arguments, not 1"), "{e}");
    let e =
        load_error("  x: { type: list, items: integer, formula: \"posizioni(membri, isee)\" }\n");
    assert!(e.contains("the filter is money"), "{e}");
    let e = load_error(
        "  x: { type: integer, formula: \"somma(membri, conta(posizioni(membri)))\" }\n",
    );
    assert!(e.contains("cannot be nested"), "{e}");
    let e = load_error("  x: { type: boolean, formula: \"figlio\" }\n");
    assert!(e.contains("outside an aggregation"), "{e}");
}

#[test]
fn test_cases_expect_lists_item_by_item() {
    let text = format!(
        "{HEAD}{MATERNITA}definitions:\n{}{}",
        concat!(
            "  quote_figli: { type: list, items: money, formula: \"elenco(membri, cerca(importi_auu, isee, importo), figlio e minorenne)\" }\n",
            "  figli: { type: list, items: integer, formula: \"posizioni(membri, figlio e minorenne)\" }\n",
        ),
        concat!(
            "tests:\n",
            "  - name: due figli minori\n",
            "    date: 2025-03-01\n",
            "    facts: { data_parto: 2025-01-01, domanda: 2025-03-01, isee: \"15000\", members: [ { figlio: false, minorenne: false }, { figlio: true, minorenne: true }, { figlio: true, minorenne: true } ] }\n",
            "    expect: { quote_figli: \"[201.00, 201]\", figli: \"[2, 3]\" }\n",
            "  - name: elenco sbagliato\n",
            "    date: 2025-03-01\n",
            "    facts: { data_parto: 2025-01-01, domanda: 2025-03-01, isee: \"15000\", members: [ { figlio: true, minorenne: true } ] }\n",
            "    expect: { quote_figli: \"[201.00, 201.00]\", figli: \"[]\" }\n",
            "  - name: nessun membro\n",
            "    date: 2025-03-01\n",
            "    facts: { data_parto: 2025-01-01, domanda: 2025-03-01, isee: \"15000\" }\n",
            "    expect: { quote_figli: \"[]\", figli: \"[ ]\" }\n",
        )
    );
    let dir = std::env::temp_dir().join(format!("welfare-rules-functions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("liste.yaml");
    std::fs::write(&path, text).unwrap();
    let report = welfare_rules::testing::run_paths(&[path]);
    std::fs::remove_dir_all(&dir).unwrap();
    let passed: Vec<(String, bool)> =
        report.cases.iter().map(|c| (c.name.clone(), c.passed)).collect();
    assert_eq!(
        passed,
        [
            ("due figli minori".to_owned(), true),
            ("elenco sbagliato".to_owned(), false),
            ("nessun membro".to_owned(), true)
        ]
    );
}

mod properties {
    use chrono::{Datelike, NaiveDate};
    use proptest::prelude::*;
    use welfare_rules::Program;

    fn program() -> Program {
        Program::from_yaml(
            concat!(
                "rulebook: f/p\ntitle: { it: p }\nauthority: { level: stato, name: Stato }\nvalid: { from: 2025-01-01 }\n",
                "inputs: { household: { a: { type: date }, n: { type: integer } } }\n",
                "definitions:\n",
                "  fine: { type: date, formula: \"aggiungi_mesi(a, n)\" }\n",
                "  mesi: { type: integer, formula: \"se n >= 0 allora mesi_tra(a, aggiungi_mesi(a, n)) altrimenti mesi_tra(aggiungi_mesi(a, n), a)\" }\n",
                "  giorni: { type: integer, formula: \"giorni_tra(a, aggiungi_giorni(a, n))\" }\n",
            ),
            "p.yaml",
        )
        .unwrap()
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        (1900i32..2100, 1u32..=12, 1u32..=31)
            .prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    }

    proptest! {
        #[test]
        fn months_and_days_round_trip(a in date(), n in -1200i64..1200) {
            let p = program();
            let f = p.facts(&serde_json::json!({ "a": a.to_string(), "n": n })).unwrap();
            let out = p.evaluate(&f, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()).unwrap().outputs;
            let fine = NaiveDate::parse_from_str(out["fine"].as_str().unwrap(), "%Y-%m-%d").unwrap();
            // A term of n months: the same day, or the last day of a shorter month.
            prop_assert!(fine.day() == a.day() || (fine.day() < a.day() && fine.succ_opt().unwrap().day() == 1));
            // Exactly n whole months apart (|n| when counting backwards) and n days apart.
            prop_assert_eq!(out["mesi"].as_str().unwrap(), n.abs().to_string());
            prop_assert_eq!(out["giorni"].as_str().unwrap(), n.to_string());
        }
    }
}
