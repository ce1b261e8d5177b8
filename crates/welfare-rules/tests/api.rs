//! The API other crates use: evaluation, explanations, records, batches, rankings, schema.

use std::path::PathBuf;

use chrono::NaiveDate;
use welfare_rules::record::{decide, replay};
use welfare_rules::{Engine, Lang, Program};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rulebooks/comuni").join(name)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ravenna() -> Program {
    Program::load(&fixture("ravenna-retta-nido.yaml")).unwrap()
}

#[test]
fn motivazione_italian_and_english() {
    // Ravenna, ISEE 10.000: 83,92 €/month (published test vector).
    let p = ravenna();
    let f = p.facts(&serde_json::json!({ "isee_minorenni": "10000.00" })).unwrap();
    let ev = p.evaluate(&f, d(2025, 1, 15)).unwrap();
    let it = ev.motivazione(Lang::It);
    assert!(it.lines().count() <= welfare_rules::explain::MOTIVAZIONE_MAX_LINES);
    insta::assert_snapshot!("ravenna_motivazione_it", it);
    insta::assert_snapshot!("ravenna_motivazione_en", ev.motivazione(Lang::En));
    insta::assert_snapshot!("ravenna_tree_it", ev.tree(Lang::It));
}

#[test]
fn failed_condition_shows_its_reason() {
    let p = Program::load(&fixture("macerata-comunita-minori.yaml")).unwrap();
    let f = p.facts(&serde_json::json!({ "isee": null })).unwrap();
    let ev = p.evaluate(&f, d(2025, 3, 1)).unwrap();
    assert!(!ev.eligible);
    let m = ev.motivazione(Lang::It);
    assert!(m.contains("NON sono soddisfatti"), "{m}");
    assert!(m.contains("L'ISEE non è stato presentato"), "{m}");
    assert!(m.contains("dpcm n. 159 del 2013-12-05, art. 2 c. 1"), "{m}");
    insta::assert_snapshot!("macerata_motivazione_failed", m);
}

#[test]
fn explanation_json_has_parameters_with_validity_and_source() {
    let p = ravenna();
    let f = p.facts(&serde_json::json!({ "isee_minorenni": "32500.00" })).unwrap();
    let ev = p.evaluate(&f, d(2025, 1, 15)).unwrap();
    let json = serde_json::to_value(&ev).unwrap();
    insta::assert_json_snapshot!("ravenna_evaluation_json", json);
    let step = ev.explanation.steps.iter().find(|s| &*s.name == "retta_mensile").unwrap();
    let scale = step.uses.iter().find(|u| &*u.name == "retta_mensile_scala").unwrap();
    let use_ = scale.parameter.as_ref().unwrap();
    assert_eq!(use_.valid.from(), d(2024, 9, 1));
    assert_eq!(&*use_.source, "Comune di Ravenna, tariffe nidi d'infanzia");
}

#[test]
fn fast_path_matches_explained_path() {
    let p = ravenna();
    let snap = p.snapshot(d(2025, 1, 15)).unwrap();
    let f = p.facts(&serde_json::json!({ "isee_minorenni": "17250" })).unwrap();
    let out = snap.outputs(&f).unwrap();
    assert_eq!(
        out.get(&p, "retta_mensile").unwrap().display(&welfare_rules::Type::Money),
        "155.00"
    );
    assert_eq!(snap.evaluate(&f).unwrap().outputs["retta_mensile"], "155.00");
}

/// A plan evaluates what was asked, the conditions and what they read; nothing else.
#[test]
fn plan_evaluates_only_what_is_asked_and_the_conditions() {
    // Macerata 2025, ISEE 20.000: third band, 433,23 € a month (the comune's table).
    let p = Program::load(&fixture("macerata-comunita-minori.yaml")).unwrap();
    let snap = p.snapshot(d(2025, 3, 1)).unwrap();
    let f = p.facts(&serde_json::json!({ "isee": "20000" })).unwrap();
    let plan = p.plan(["quota_mensile"]).unwrap();
    assert_eq!(plan.len(), 2, "quota_mensile and the condition isee_presentato");
    let mut values = Vec::new();
    snap.run_plan(&plan, &f, &mut values).unwrap();
    let money = welfare_rules::Type::Money;
    assert_eq!(values[p.slot("quota_mensile").unwrap()].display(&money), "433.23");
    assert_eq!(values[p.slot("isee_presentato").unwrap()], welfare_rules::Value::Bool(true));
    assert_eq!(values[p.slot("quota_annua").unwrap()], welfare_rules::Value::Missing);
    // Asking for the annual amount brings in the monthly one it reads.
    let plan = p.plan(["quota_annua"]).unwrap();
    assert_eq!(plan.len(), 3);
    snap.run_plan(&plan, &f, &mut values).unwrap();
    assert_eq!(values[p.slot("quota_annua").unwrap()].display(&money), "5198.76");
    assert_eq!(p.plan(["quota_mensil"]).unwrap_err().name, "quota_mensil");
    // A plan of another program is refused, not run against the wrong slots.
    let other = ravenna().plan(std::iter::empty()).unwrap();
    let err = snap.run_plan(&other, &f, &mut values).unwrap_err();
    assert_eq!(err.kind(), "plan_mismatch");
}

#[test]
fn typed_builder() {
    let p = Program::load(&fixture("rapallo-retta-nido.yaml")).unwrap();
    let f = p
        .facts_builder()
        .set("isee", welfare_types::Money::from_cents(1_000_000))
        .add_member()
        .member_set("data_nascita", d(2015, 5, 1))
        .member_set("disabile", false)
        .add_member()
        .member_set("data_nascita", d(2018, 5, 1))
        .member_set("disabile", false)
        .add_member()
        .member_set("data_nascita", d(2023, 11, 20))
        .member_set("disabile", false)
        .build()
        .unwrap();
    let ev = p.evaluate(&f, d(2025, 1, 10)).unwrap();
    assert_eq!(ev.outputs["retta_mensile"], "263.00");
    assert!(p.facts_builder().set("codice_fiscale", "X").build().is_err());
    assert!(p.facts_builder().set("isee", true).build().is_err());
}

#[test]
fn decision_record_replays_and_reports_parameter_changes() {
    let p = ravenna();
    let facts = serde_json::json!({ "isee_minorenni": "10000.00" });
    let record = decide(&p, &facts, d(2025, 1, 15), false).unwrap();
    assert_eq!(record.outputs["retta_mensile"], "83.92");
    assert_eq!(record.rulebooks[0].content_hash.len(), 64);
    assert!(replay(&p, &record, None).unwrap().identical());

    // The comune raises the exemption threshold: replay reports it instead of re-pricing.
    let text = std::fs::read_to_string(fixture("ravenna-retta-nido.yaml"))
        .unwrap()
        .replace("value: \"4500.00\"", "value: \"5000.00\"");
    let changed = Program::from_yaml(&text, "ravenna-2.yaml").unwrap();
    let r = replay(&changed, &record, None).unwrap();
    let kinds: Vec<&str> = r.differences.iter().map(|d| d.kind.as_str()).collect();
    assert!(kinds.contains(&"rulebook") && kinds.contains(&"parameter"), "{kinds:?}");
    let param = r.differences.iter().find(|d| &*d.name == "soglia_esenzione").unwrap();
    assert_eq!((param.recorded.as_str(), param.now.as_str()), ("4500.00", "5000.00"));

    // A minimised record keeps the hash only; replay needs the facts and checks them.
    let min = decide(&p, &facts, d(2025, 1, 15), true).unwrap();
    assert!(min.inputs.is_none());
    assert!(replay(&p, &min, None).is_err());
    assert!(replay(&p, &min, Some(&facts)).unwrap().identical());
    let other = serde_json::json!({ "isee_minorenni": "10000.01" });
    assert!(replay(&p, &min, Some(&other)).unwrap().differences.iter().any(|d| d.kind == "inputs"));
}

#[test]
fn batch_skips_bad_records_and_keeps_order() {
    let p = ravenna();
    let input = "{\"isee_minorenni\": \"10000\"}\nnot json\n{\"id\": 7, \"facts\": {\"isee_minorenni\": \"35000\"}}\n{\"nome\": \"x\"}\n";
    let mut seen = Vec::new();
    let (ok, skipped) =
        welfare_rules::batch::run_lines(&p, d(2025, 1, 15), input.as_bytes(), |r| {
            seen.push(r.clone());
            Ok(())
        })
        .unwrap();
    assert_eq!((ok, skipped), (2, 2));
    assert_eq!(seen.iter().map(|r| r.line).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    assert_eq!(seen[0].outputs.as_ref().unwrap()["retta_mensile"], "83.92");
    assert_eq!(seen[2].id, Some(serde_json::json!(7)));
    assert!(seen[3].error.as_ref().unwrap().contains("not declared"));
    assert!(!seen[3].error.as_ref().unwrap().contains('x'.to_string().repeat(2).as_str()));
}

#[test]
fn batch_reports_a_line_not_utf8_and_goes_on() {
    let p = ravenna();
    let mut input = b"{\"isee_minorenni\": \"10000\"}\r\n".to_vec();
    input.extend_from_slice(b"{\"isee_minorenni\": \"\xff\"}\n\n   \n");
    input.extend_from_slice(b"{\"isee_minorenni\": \"35000\"}");
    let mut seen = Vec::new();
    let (ok, skipped) =
        welfare_rules::batch::run_lines(&p, d(2025, 1, 15), input.as_slice(), |r| {
            seen.push(r.clone());
            Ok(())
        })
        .unwrap();
    assert_eq!((ok, skipped), (2, 1));
    // Blank lines are skipped but counted: the last record is on line 5.
    assert_eq!(seen.iter().map(|r| r.line).collect::<Vec<_>>(), vec![1, 2, 5]);
    // The byte the UTF-8 error starts at (1-based), and nothing of the line's content.
    assert_eq!(seen[1].error.as_deref(), Some("not valid UTF-8 from byte 21"));
    assert_eq!(seen[0].outputs.as_ref().unwrap()["retta_mensile"], "83.92");
    assert!(seen[2].outputs.is_some());
}

/// A reader that gives `good` and then fails on every read, as a failing disk does.
struct FailingAfter<'a> {
    good: &'a [u8],
}

impl std::io::Read for FailingAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.good.is_empty() {
            return Err(std::io::Error::other("device error"));
        }
        let n = buf.len().min(self.good.len());
        buf[..n].copy_from_slice(&self.good[..n]);
        self.good = &self.good[n..];
        Ok(n)
    }
}

#[test]
fn batch_stops_at_a_read_error_after_the_records_before_it() {
    let p = ravenna();
    let good = b"{\"isee_minorenni\": \"10000\"}\n{\"isee_minorenni\": \"20000\"}\n{\"isee_";
    let input = std::io::BufReader::with_capacity(16, FailingAfter { good });
    let mut seen = Vec::new();
    let err = welfare_rules::batch::run_lines(&p, d(2025, 1, 15), input, |r| {
        seen.push(r.line);
        Ok(())
    })
    .unwrap_err();
    // The error ends the batch (no endless run of failed reads) and says where.
    match &err {
        welfare_rules::batch::BatchError::Read { line, .. } => assert_eq!(*line, 2),
        other => panic!("expected a read error, got {other:?}"),
    }
    assert_eq!(err.to_string(), "cannot read the input after line 2: device error");
    assert_eq!(seen, vec![1, 2], "the records read before the error are evaluated");
}

#[test]
fn batch_stops_at_the_first_result_the_sink_refuses() {
    let p = ravenna();
    let input = "{\"isee_minorenni\": \"10000\"}\n\n{\"isee_minorenni\": \"20000\"}\n{}\n";
    let mut calls = 0;
    let err = welfare_rules::batch::run_lines(&p, d(2025, 1, 15), input.as_bytes(), |_| {
        calls += 1;
        if calls == 2 {
            Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "closed"))
        } else {
            Ok(())
        }
    })
    .unwrap_err();
    assert_eq!(calls, 2, "no result is given after the refusal");
    assert_eq!(err.to_string(), "cannot write the result of line 3: closed");
}

#[test]
fn ranking_and_publishable_list() {
    let text = r#"
rulebook: esempio/graduatoria
title: { it: Graduatoria di esempio }
authority: { level: comune, code: "999999", name: Comune di Esempio }
valid: { from: 2025-01-01 }
inputs:
  household:
    isee: { type: money }
    figli: { type: integer }
    residente: { type: boolean }
conditions:
  residenza: { formula: residente, reason: { it: Non residente } }
definitions:
  punteggio: { type: integer, formula: "figli * 2 + (se isee <= 10000 allora 5 altrimenti 0)" }
  isee_ordine: { type: money, formula: isee }
ranking: { score: punteggio, order: desc, tie_break: [ { key: isee_ordine, order: asc } ] }
"#;
    let p = Program::from_yaml(text, "g.yaml").unwrap();
    let mk = |isee: &str, figli: i64, residente: bool| {
        p.facts(&serde_json::json!({ "isee": isee, "figli": figli, "residente": residente }))
            .unwrap()
    };
    let applicants = vec![
        ("prot-1".to_owned(), mk("12000", 3, true)),
        ("prot-2".to_owned(), mk("8000", 1, true)),
        ("prot-3".to_owned(), mk("9000", 1, true)),
        ("prot-4".to_owned(), mk("1000", 9, false)),
    ];
    let r = welfare_rules::rank::rank(&p, d(2025, 5, 1), &applicants).unwrap();
    let order: Vec<&str> = r.ranked.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(order, ["prot-2", "prot-3", "prot-1"]); // 7 (ISEE 8.000 first), 7, 6
    assert_eq!(r.excluded, ["prot-4"]);
    let public = r.publishable(b"secret");
    let json = serde_json::to_string(&public).unwrap();
    assert!(!json.contains("prot-"));
    assert_eq!(public[0].pseudonym.len(), 12);
    assert_ne!(public[0].pseudonym, r.publishable(b"other")[0].pseudonym);
}

#[test]
fn extension_overrides_a_parameter_from_a_date_and_adds_a_condition() {
    let stato = r#"
rulebook: esempio/stato
title: { it: Misura nazionale }
authority: { level: stato, name: Stato }
valid: { from: 2025-01-01 }
inputs: { household: { isee: { type: money } } }
parameters:
  soglia: { type: money, versions: [ { from: 2025-01-01, value: "15000.00", source: "legge di esempio" } ] }
definitions:
  importo: { type: money, formula: "se isee <= soglia allora 100 altrimenti 0" }
"#;
    let comune = r#"
rulebook: esempio/comune
extends: esempio/stato
title: { it: Misura comunale }
authority: { level: comune, code: "999999", name: Comune di Esempio }
valid: { from: 2025-01-01 }
inputs: { household: { residente: { type: boolean } } }
parameters:
  soglia: { type: money, versions: [ { from: 2025-07-01, value: "20000.00", source: "delibera di esempio" } ] }
definitions:
  importo: { type: money, overrides: true, formula: "se isee <= soglia allora 150 altrimenti 0" }
conditions:
  residenza: residente
"#;
    let mut e = Engine::new();
    e.add_yaml(stato, "stato.yaml").unwrap();
    e.add_yaml(comune, "comune.yaml").unwrap();
    let p = e.program("esempio/comune").unwrap();
    let f = p.facts(&serde_json::json!({ "isee": "18000", "residente": true })).unwrap();
    // Before 1 July the national threshold applies; from 1 July the comune's.
    assert_eq!(p.evaluate(&f, d(2025, 6, 30)).unwrap().outputs["importo"], "0.00");
    let ev = p.evaluate(&f, d(2025, 7, 1)).unwrap();
    assert_eq!(ev.outputs["importo"], "150.00");
    let step = ev.explanation.steps.iter().find(|s| &*s.name == "importo").unwrap();
    assert_eq!(
        step.uses
            .iter()
            .find(|u| &*u.name == "soglia")
            .unwrap()
            .parameter
            .as_ref()
            .unwrap()
            .rulebook
            .as_ref(),
        "esempio/comune"
    );
    assert_eq!(p.rulebooks().len(), 2);

    // A State rulebook may not extend a comune's; a redefinition needs `overrides: true`.
    let mut bad = Engine::new();
    bad.add_yaml(
        &comune
            .replace("esempio/comune", "esempio/c2")
            .replace("extends: esempio/stato", "extends: esempio/c3"),
        "c2.yaml",
    )
    .unwrap();
    bad.add_yaml(
        &stato
            .replace("esempio/stato", "esempio/c3")
            .replace("rulebook: esempio/c3", "rulebook: esempio/c3\nextends: esempio/c2"),
        "c3.yaml",
    )
    .unwrap();
    assert!(bad.program("esempio/c2").is_err());
    let mut dup = Engine::new();
    dup.add_yaml(stato, "stato.yaml").unwrap();
    dup.add_yaml(&comune.replace("overrides: true, ", ""), "comune.yaml").unwrap();
    let err = dup.program("esempio/comune").unwrap_err();
    assert!(err.to_string().contains("overrides: true"), "{err}");
}

#[test]
fn schema_file_has_not_drifted() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema/rulebook.schema.json");
    let fresh =
        serde_json::to_string_pretty(&welfare_rules::schema::rulebook_schema()).unwrap() + "\n";
    if std::env::var_os("WELFARE_UPDATE_SCHEMA").is_some() || !path.exists() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        committed, fresh,
        "docs/schema/rulebook.schema.json drifted: rerun with WELFARE_UPDATE_SCHEMA=1"
    );
}

/// A rulebook longer than the steps an explanation keeps on the stack: every step is there,
/// in evaluation order, each with the value and what it read.
#[test]
fn a_long_rulebook_explains_every_step_in_order() {
    let mut yaml = String::from(
        "rulebook: prova/lunga\ntitle: { it: prova }\nauthority: { level: comune, code: \"1\", name: c }\nvalid: { from: 2025-01-01 }\ninputs:\n  household:\n    isee: { type: money }\ndefinitions:\n  d0: { type: money, formula: \"isee\" }\n",
    );
    for i in 1..80 {
        yaml.push_str(&format!("  d{i}: {{ type: money, formula: \"d{} + 1.00\" }}\n", i - 1));
    }
    let p = Program::from_yaml(&yaml, "lunga.yaml").unwrap();
    let f = p.facts(&serde_json::json!({ "isee": "100.00" })).unwrap();
    let ev = p.evaluate(&f, d(2025, 6, 1)).unwrap();
    let steps = &ev.explanation.steps;
    assert_eq!(steps.len(), 80);
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(&*s.name, format!("d{i}"));
        let expected = format!("{}.00", 100 + i);
        assert_eq!(&*s.display, expected);
        assert_eq!(*s.value, serde_json::Value::String(expected.clone()));
        assert_eq!(ev.outputs[format!("d{i}").as_str()], expected.as_str());
        let read = if i == 0 { "isee".to_owned() } else { format!("d{}", i - 1) };
        assert_eq!(&*s.uses[0].name, read);
    }
}
