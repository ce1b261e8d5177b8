//! Extension: a comune (or regione) replacing a national eligibility condition, dated, with
//! precedence comune > ambito > regione > stato, shown in the explanation and the motivazione.

use chrono::NaiveDate;
use welfare_rules::{AuthorityLevel, DiagnosticKind, Engine, Lang, Program};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A national measure (fictional "bonus di esempio"): resident in Italy, ISEE up to 15,000.
const STATO: &str = r#"
rulebook: esempio/bonus-nazionale
title: { it: Bonus nazionale di esempio }
authority: { level: stato, name: Stato }
valid: { from: 2024-01-01 }
legal_basis:
  - { id: legge, act: legge, number: "1", date: 2023-12-30, article: "3", comma: "2", title: "legge di esempio" }
inputs:
  household:
    isee: { type: money }
    residente_italia: { type: boolean }
parameters:
  soglia: { type: money, reference: legge, versions: [ { from: 2024-01-01, value: "15000.00", source: "legge di esempio, art. 3" } ] }
definitions:
  importo: { type: money, reference: legge, formula: "se isee <= soglia allora 500 altrimenti 0" }
conditions:
  residenza:
    formula: residente_italia
    label: { it: Residenza in Italia, en: Residence in Italy }
    reason: { it: Nucleo non residente in Italia, en: Household not resident in Italy }
    reference: legge
  isee_massimo: { formula: "isee <= soglia", reason: { it: ISEE oltre la soglia }, reference: legge }
"#;

/// The regione replaces the residence requirement from 1 January 2025.
const REGIONE: &str = r#"
rulebook: esempio/bonus-regionale
extends: esempio/bonus-nazionale
title: { it: Bonus regionale di esempio }
authority: { level: regione, code: "08", name: Regione di Esempio }
valid: { from: 2024-01-01 }
legal_basis:
  - { id: lr, act: legge_regionale, number: "7", date: 2024-11-15, article: "2", title: "legge regionale di esempio" }
inputs:
  household:
    mesi_residenza_regione: { type: integer }
conditions:
  residenza:
    overrides: { from: 2025-01-01 }
    formula: "residente_italia e mesi_residenza_regione >= 12"
    label: { it: Residenza nella regione da 12 mesi, en: Twelve months' residence in the region }
    reason: { it: Residenza nella regione inferiore a 12 mesi, en: Less than 12 months' residence in the region }
    reference: lr
"#;

/// The comune replaces it again from 1 July 2025 to 30 June 2026 (its delibera).
const COMUNE: &str = r#"
rulebook: esempio/bonus-comunale
extends: esempio/bonus-regionale
title: { it: Bonus comunale di esempio }
authority: { level: comune, code: "999999", name: Comune di Esempio }
valid: { from: 2024-01-01 }
legal_basis:
  - { id: delibera, act: delibera_consiglio_comunale, number: "45", date: 2025-06-20, article: "4", title: "regolamento comunale di esempio" }
inputs:
  household:
    mesi_residenza_comune: { type: integer }
conditions:
  residenza:
    overrides: { from: 2025-07-01, to: 2026-06-30 }
    formula: "residente_italia e mesi_residenza_comune >= 24"
    label: { it: Residenza nel comune da 24 mesi, en: Two years' residence in the comune }
    reason: { it: Residenza nel comune inferiore a 24 mesi, en: Less than two years' residence in the comune }
    reference: delibera
"#;

fn engine(extra: &[(&str, &str)]) -> Engine {
    let mut e = Engine::new();
    e.add_yaml(STATO, "stato.yaml").unwrap();
    e.add_yaml(REGIONE, "regione.yaml").unwrap();
    e.add_yaml(COMUNE, "comune.yaml").unwrap();
    for (text, file) in extra {
        e.add_yaml(text, file).unwrap();
    }
    e
}

fn program() -> Program {
    engine(&[]).program("esempio/bonus-comunale").unwrap()
}

/// A household resident in Italy for years, in the regione for 18 months, in the comune for 10.
fn household(p: &Program) -> welfare_rules::Facts {
    p.facts(&serde_json::json!({
        "isee": "9000.00", "residente_italia": true,
        "mesi_residenza_regione": 18, "mesi_residenza_comune": 10
    }))
    .unwrap()
}

fn residenza(ev: &welfare_rules::Evaluation) -> &welfare_rules::ConditionOutcome {
    ev.conditions.iter().find(|c| &*c.name == "residenza").unwrap()
}

#[test]
fn each_layer_applies_on_its_dates_most_specific_first() {
    let p = program();
    let f = household(&p);
    // 2024: only the national rule exists (resident in Italy): eligible.
    let ev = p.evaluate(&f, d(2024, 12, 31)).unwrap();
    assert!(ev.eligible);
    assert!(residenza(&ev).replaces.is_none());
    // From 1 January 2025 the regione's rule (12 months in the region): 18 months, eligible.
    let ev = p.evaluate(&f, d(2025, 6, 30)).unwrap();
    assert!(ev.eligible);
    let r = residenza(&ev).replaces.as_ref().unwrap();
    assert_eq!(
        (r.rulebook.as_str(), r.level),
        ("esempio/bonus-regionale", AuthorityLevel::Regione)
    );
    assert_eq!(r.replaced, "esempio/bonus-nazionale");
    // From 1 July 2025 the comune's (24 months in the comune): 10 months, not eligible.
    let ev = p.evaluate(&f, d(2025, 7, 1)).unwrap();
    assert!(!ev.eligible);
    let c = residenza(&ev);
    assert_eq!(c.reason.as_ref().unwrap().it, "Residenza nel comune inferiore a 24 mesi");
    assert_eq!(c.reference.as_ref().unwrap().number.as_deref(), Some("45"));
    let r = c.replaces.as_ref().unwrap();
    assert_eq!((r.rulebook.as_str(), r.level), ("esempio/bonus-comunale", AuthorityLevel::Comune));
    assert_eq!((r.from, r.to), (Some(d(2025, 7, 1)), Some(d(2026, 6, 30))));
    assert_eq!(r.replaced_reference.as_ref().unwrap().act, "legge");
    // After the comune's rule ends, the regione's applies again.
    let ev = p.evaluate(&f, d(2026, 7, 1)).unwrap();
    assert!(ev.eligible);
    assert_eq!(residenza(&ev).replaces.as_ref().unwrap().rulebook, "esempio/bonus-regionale");
    // The fast path agrees with the explained one.
    let fast = p.snapshot(d(2025, 7, 1)).unwrap().outputs(&f).unwrap();
    assert!(!fast.eligible(&p));
}

#[test]
fn explanation_and_motivazione_show_the_local_rule_and_its_act() {
    let p = program();
    let ev = p.evaluate(&household(&p), d(2025, 7, 1)).unwrap();
    let step = ev.explanation.steps.iter().find(|s| &*s.name == "residenza").unwrap();
    assert_eq!(&*step.formula, "residente_italia e mesi_residenza_comune >= 24");
    assert_eq!(step.replaces.as_ref().unwrap().replaced, "esempio/bonus-nazionale");
    let json = serde_json::to_value(&ev).unwrap();
    let cond = json["conditions"].as_array().unwrap().iter().find(|c| c["name"] == "residenza");
    assert_eq!(cond.unwrap()["replaces"]["rulebook"], "esempio/bonus-comunale");

    let it = ev.motivazione(Lang::It);
    assert!(it.lines().count() <= welfare_rules::explain::MOTIVAZIONE_MAX_LINES, "{it}");
    assert!(
        it.contains("Residenza nel comune inferiore a 24 mesi (delibera consiglio comunale n. 45 del 2025-06-20, art. 4)"),
        "{it}"
    );
    assert!(
        it.contains("«Residenza nel comune da 24 mesi» (esempio/bonus-comunale, delibera consiglio comunale n. 45 del 2025-06-20, art. 4) in luogo della regola di esempio/bonus-nazionale (legge n. 1 del 2023-12-30, art. 3 c. 2), dal 01/07/2025 al 30/06/2026"),
        "{it}"
    );
    let en = ev.motivazione(Lang::En);
    assert!(en.contains("instead of the rule of esempio/bonus-nazionale"), "{en}");
    let tree = ev.tree(Lang::It);
    assert!(tree.contains("sostituisce: esempio/bonus-nazionale"), "{tree}");
}

#[test]
fn an_undated_override_always_applies_and_hides_the_parent_rule() {
    let comune = COMUNE
        .replace("rulebook: esempio/bonus-comunale", "rulebook: esempio/sempre")
        .replace("overrides: { from: 2025-07-01, to: 2026-06-30 }", "overrides: true");
    let p = engine(&[(&comune, "sempre.yaml")]).program("esempio/sempre").unwrap();
    let ev = p.evaluate(&household(&p), d(2024, 3, 1)).unwrap();
    assert!(!ev.eligible);
    let r = residenza(&ev).replaces.clone().unwrap();
    assert_eq!((r.from, r.to), (None, None));
    // The regione's dated rule is below the comune's undated one: it never applies.
    let ev = p.evaluate(&household(&p), d(2025, 3, 1)).unwrap();
    assert_eq!(residenza(&ev).replaces.as_ref().unwrap().rulebook, "esempio/sempre");
}

fn check_errors(text: &str) -> welfare_rules::LoadError {
    let mut e = Engine::new();
    e.add_yaml(STATO, "stato.yaml").unwrap();
    e.add_yaml(REGIONE, "regione.yaml").unwrap();
    e.add_yaml(text, "locale.yaml").unwrap();
    e.program("esempio/locale").unwrap_err()
}

const LOCALE: &str = r#"
rulebook: esempio/locale
extends: esempio/bonus-nazionale
title: { it: Misura locale }
authority: { level: comune, code: "999998", name: Comune di Prova }
valid: { from: 2024-01-01 }
inputs: { household: { mesi_residenza_comune: { type: integer } } }
"#;

#[test]
fn replacing_a_name_that_does_not_exist_is_an_error_with_a_suggestion() {
    let e = check_errors(&format!(
        "{LOCALE}conditions:\n  residenz: {{ overrides: {{ from: 2025-01-01 }}, formula: \"mesi_residenza_comune >= 24\" }}\n"
    ));
    let msg = e.to_string();
    assert!(e.has(DiagnosticKind::Link), "{msg}");
    assert!(
        msg.contains("`residenz` has `overrides` but overrides nothing; did you mean `residenza`?"),
        "{msg}"
    );
}

#[test]
fn replacing_with_another_kind_or_type_is_a_type_error() {
    // A condition cannot replace the amount (a money definition).
    let e = check_errors(&format!(
        "{LOCALE}conditions:\n  importo: {{ overrides: true, formula: \"mesi_residenza_comune >= 24\" }}\n"
    ));
    let msg = e.to_string();
    assert!(e.has(DiagnosticKind::Type), "{msg}");
    assert!(
        msg.contains(
            "`importo` is a definition of `esempio/bonus-nazionale`: a condition cannot replace it"
        ),
        "{msg}"
    );
    // A definition replacing the amount must stay money.
    let e = check_errors(&format!(
        "{LOCALE}definitions:\n  importo: {{ type: integer, overrides: {{ from: 2025-01-01 }}, formula: \"100\" }}\n"
    ));
    assert!(e.to_string().contains("override of `importo` changes its type"), "{e}");
    // A replacement formula is type-checked like any condition.
    let e = check_errors(&format!(
        "{LOCALE}conditions:\n  residenza: {{ overrides: true, formula: \"mesi_residenza_comune + 1\" }}\n"
    ));
    assert!(e.has(DiagnosticKind::Type), "{e}");
}

#[test]
fn two_replacements_at_the_same_level_are_an_error() {
    // Two comune rulebooks in one chain both replacing the national residence condition.
    let first = LOCALE
        .replace("esempio/locale", "esempio/comune-a")
        .replace("999998", "999997")
        + "conditions:\n  residenza: { overrides: { from: 2025-01-01 }, formula: \"mesi_residenza_comune >= 12\" }\n";
    let second = LOCALE.replace("extends: esempio/bonus-nazionale", "extends: esempio/comune-a")
        + "conditions:\n  residenza: { overrides: { from: 2025-07-01 }, formula: \"mesi_residenza_comune >= 24\" }\n";
    let mut e = Engine::new();
    e.add_yaml(STATO, "stato.yaml").unwrap();
    e.add_yaml(&first, "comune-a.yaml").unwrap();
    e.add_yaml(&second, "locale.yaml").unwrap();
    let err = e.program("esempio/locale").unwrap_err();
    let msg = err.to_string();
    assert!(err.has(DiagnosticKind::Duplicate), "{msg}");
    assert!(
        msg.contains("`residenza` is replaced twice at the comune level (by `esempio/comune-a` and `esempio/locale`)"),
        "{msg}"
    );
    // A regione and a comune replacing the same condition is the normal layering.
    assert!(engine(&[]).program("esempio/bonus-comunale").is_ok());
}
