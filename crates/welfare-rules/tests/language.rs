//! The expression language: keywords in both languages, types, missing facts, functions.

use chrono::NaiveDate;
use welfare_rules::{DiagnosticKind, Program};

const HEAD: &str = "rulebook: l/x\ntitle: { it: l }\nauthority: { level: comune, code: \"1\", name: c }\nvalid: { from: 2025-01-01 }\n";

const INPUTS: &str = r#"inputs:
  household:
    isee: { type: money, optional: true }
    reddito: { type: money }
    stato: { type: enum, values: [residente, domiciliato, altro] }
    domanda: { type: date }
    redditi: { type: list, items: money }
  member:
    nascita: { type: date }
    reddito_m: { type: money, optional: true }
"#;

fn program(defs: &str) -> Result<Program, welfare_rules::LoadError> {
    Program::from_yaml(&format!("{HEAD}{INPUTS}definitions:\n{defs}"), "l.yaml")
}

fn eval(defs: &str, facts: serde_json::Value) -> serde_json::Value {
    let p = program(defs).unwrap();
    let f = p.facts(&facts).unwrap();
    let ev = p.evaluate(&f, NaiveDate::from_ymd_opt(2025, 3, 31).unwrap()).unwrap();
    serde_json::to_value(ev.outputs).unwrap()
}

fn facts() -> serde_json::Value {
    serde_json::json!({
        "isee": "12000.50", "reddito": "30000", "stato": "residente", "domanda": "2025-01-31",
        "redditi": ["100.10", "200.20"],
        "members": [ { "nascita": "2007-03-31", "reddito_m": "1000" }, { "nascita": "2010-04-01", "reddito_m": null } ]
    })
}

#[test]
fn italian_and_english_keywords_mean_the_same() {
    let out = eval(
        concat!(
            "  a: { type: money, formula: \"se isee mancante o non (stato == 'residente') allora 0 altrimenti isee\" }\n",
            "  b: { type: money, formula: \"if isee missing or not (stato == 'residente') then 0 else isee\" }\n",
            "  c: { type: boolean, formula: \"vero e (falso o isee presente)\" }\n",
        ),
        facts(),
    );
    assert_eq!(out["a"], "12000.50");
    assert_eq!(out["a"], out["b"]);
    assert_eq!(out["c"], true);
}

#[test]
fn units_and_exact_decimals() {
    let out = eval(
        concat!(
            "  rapporto: { type: decimal, formula: \"reddito / isee_o\" }\n",
            "  isee_o: { type: money, formula: \"valore_o(isee, 1)\" }\n",
            "  terzo: { type: money, formula: \"reddito / 7\" }\n",
            "  terzo_c: { type: money, formula: \"arrotonda(reddito / 7, centesimo, per_difetto)\" }\n",
            "  somma_lista: { type: money, formula: \"somma(redditi)\" }\n",
            "  conta_lista: { type: integer, formula: \"conta(redditi)\" }\n",
            "  precisa: { type: decimal, formula: \"0.1 + 0.2\" }\n",
        ),
        facts(),
    );
    // Nothing rounds implicitly: 30,000 / 7 keeps 28 significant digits until `arrotonda`.
    assert!(
        out["terzo"].as_str().unwrap().starts_with("4285.71428571428571428"),
        "{}",
        out["terzo"]
    );
    assert_eq!(out["terzo_c"], "4285.71");
    assert_eq!(out["somma_lista"], "300.30");
    assert_eq!(out["conta_lista"], "2");
    assert_eq!(out["precisa"], "0.3"); // no float: 0.1 + 0.2 is exactly 0.3
    assert!(out["rapporto"].as_str().unwrap().starts_with("2.49989"));
}

#[test]
fn members_ages_and_dates() {
    let out = eval(
        concat!(
            "  maggiorenni: { type: integer, formula: \"conta(membri, età(nascita) >= 18)\" }\n",
            "  minori: { type: integer, formula: \"count(members, age(nascita) < 18)\" }\n",
            "  redditi_noti: { type: money, formula: \"somma(membri, reddito_m, reddito_m presente)\" }\n",
            "  tutti_con_reddito: { type: boolean, formula: \"tutti(membri, reddito_m presente)\" }\n",
            "  mesi: { type: integer, formula: \"mesi_tra(domanda, oggi)\" }\n",
            "  anni: { type: integer, formula: \"anni_tra(data('2020-04-01'), today)\" }\n",
            "  in_lista: { type: boolean, formula: \"stato in ['residente', 'domiciliato']\" }\n",
        ),
        facts(),
    );
    // Born 2007-03-31: 18 on 2025-03-31 (the day of birth counts, art. 2963 c.c.).
    assert_eq!(out["maggiorenni"], "1");
    assert_eq!(out["minori"], "1");
    assert_eq!(out["redditi_noti"], "1000.00");
    assert_eq!(out["tutti_con_reddito"], false);
    // 31 January → 31 March: two whole months (28 February closes the first).
    assert_eq!(out["mesi"], "2");
    assert_eq!(out["anni"], "4");
    assert_eq!(out["in_lista"], true);
}

#[test]
fn type_errors_are_caught_before_running() {
    let cases = [
        ("  x: { type: money, formula: \"reddito + domanda\" }\n", "the right side of `+` is date"),
        ("  x: { type: money, formula: \"reddito * reddito\" }\n", "multiply an amount by a rate"),
        ("  x: { type: money, formula: \"isee * 2\" }\n", "may be missing"),
        ("  x: { type: boolean, formula: \"stato == 'residnte'\" }\n", "did you mean `residente`?"),
        (
            "  x: { type: money, formula: \"se reddito > 0 allora reddito altrimenti domanda\" }\n",
            "different types",
        ),
        ("  x: { type: integer, formula: \"età(nascita)\" }\n", "outside an aggregation"),
        ("  x: { type: money, formula: \"reddito mancante\" }\n", "never missing"),
        (
            "  x: { type: money, formula: \"arrotonda(reddito, centesimo, a_caso)\" }\n",
            "rounding step or mode",
        ),
        (
            "  x: { type: money, formula: \"interpola(reddito, [(2, 1), (1, 2)])\" }\n",
            "increasing x",
        ),
        ("  x: { type: money, formula: \"massimo(reddito)\" }\n", "at least 2"),
        ("  x: { type: money, formula: \"redito\" }\n", "did you mean `reddito`?"),
        ("  x: { type: money, formula: \"1 < 2 < 3\" }\n", "cannot be chained"),
    ];
    for (def, expected) in cases {
        let err = program(def).unwrap_err().to_string();
        assert!(err.contains(expected), "{def} → {err}");
    }
}

#[test]
fn duplicates_point_at_both_places() {
    let text = format!("{HEAD}{INPUTS}parameters:\n  reddito: {{ type: money, versions: [ {{ from: 2025-01-01, value: \"1\", source: s }} ] }}\ndefinitions:\n  x: {{ type: money, formula: \"1\" }}\n");
    let err = Program::from_yaml(&text, "d.yaml").unwrap_err();
    let d = err.diagnostics.iter().find(|d| d.kind == DiagnosticKind::Duplicate);
    assert!(d.is_none_or(|d| d.related.is_some()), "{err}");
    let dup_key = Program::from_yaml(&format!("{HEAD}definitions:\n  x: {{ type: money, formula: \"1\" }}\n  x: {{ type: money, formula: \"2\" }}\n"), "k.yaml").unwrap_err();
    assert!(dup_key.has(DiagnosticKind::Duplicate));
    assert_eq!(dup_key.diagnostics[0].related.as_ref().unwrap().line, 6);
}

#[test]
fn spans_point_into_the_formula() {
    let e = welfare_rules::expr::parse("min(1, 2) + * 3").unwrap_err();
    assert_eq!(e.span.start, 12);
    let ok = welfare_rules::expr::parse("se età >= 18 allora quota_diurna altrimenti 0").unwrap();
    assert_eq!((ok.span.start, ok.span.end), (0, 46));
}
