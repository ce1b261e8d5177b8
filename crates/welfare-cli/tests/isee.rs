//! `welfare isee`: worked example A through the binary, error paths and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn welfare(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_welfare")).args(args).output().unwrap()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dsu").join(name)
}

/// Example A (benefit-law notes §1.8) as a bare DSU, written in YAML or JSON.
fn example_a_dsu(dir: &Path, json: bool) -> PathBuf {
    let text = std::fs::read_to_string(fixture("01_example_a.yaml")).unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let dsu = &value["dsu"];
    if json {
        let path = dir.join("a.json");
        std::fs::write(&path, serde_json::to_string_pretty(dsu).unwrap()).unwrap();
        path
    } else {
        let path = dir.join("a.yaml");
        std::fs::write(&path, serde_yaml::to_string(dsu).unwrap()).unwrap();
        path
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn compute_json_prints_example_a() {
    let dir = tempfile::tempdir().unwrap();
    for json in [false, true] {
        let file = example_a_dsu(dir.path(), json);
        let out = welfare(&["isee", "compute", "--json", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["kind"], "ordinario");
        assert_eq!(v["isr"], "27600.00");
        assert_eq!(v["isp"], "15000.00");
        assert_eq!(v["ise"], "30600.00");
        assert_eq!(v["scala"], "2.76");
        assert_eq!(v["isee"], "11086.96");
        let trace = v["trace"].as_array().unwrap();
        assert!(trace.iter().any(|s| s["article"] == "DPCM 159/2013 art. 4 c. 4 lett. a"));
        assert!(trace.iter().all(|s| s["text"].as_str().is_some()));
    }
}

#[test]
fn compute_json_of_the_2026_family_variant() {
    let dir = tempfile::tempdir().unwrap();
    let file = example_a_dsu(dir.path(), false);
    let out = welfare(&[
        "isee",
        "compute",
        "--json",
        "--kind",
        "prestazioni_familiari",
        "--explain",
        "en",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["kind"], "prestazioni_familiari");
    assert_eq!(v["scala"], "2.86");
    assert_eq!(v["isee"], "10699.30");
    let texts: Vec<&str> =
        v["trace"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.starts_with("Increase for 2 children: +0.1")), "{texts:?}");
}

#[test]
fn compute_summary_and_explanation() {
    let dir = tempfile::tempdir().unwrap();
    let file = example_a_dsu(dir.path(), false);
    let out = welfare(&["isee", "compute", file.to_str().unwrap()]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("ISEE   11.086,96 €"), "{text}");
    assert!(text.contains("Scala  2,76"), "{text}");
    let out = welfare(&["isee", "compute", "--explain", "it", file.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(text.contains("Detrazione lavoro dipendente di p1"), "{text}");
    let out = welfare(&["isee", "compute", "--explain", "en", file.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(text.contains("ISEE   11086.96"), "{text}");
    assert!(text.contains("Employment deduction of p1"), "{text}");
}

#[test]
fn unknown_field_names_its_path_and_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(
        &path,
        "filing_date: 2026-03-02\nmembers:\n  - id: p1\n    birth_date: 1985-04-01\n    relationship: dichiarante\n    income: { irpef_totale: 1000 }\n",
    )
    .unwrap();
    let out = welfare(&["isee", "compute", "--json", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("members[0].income.irpef_totale"), "{err}");
    assert!(err.contains("unknown field `irpef_totale`"), "{err}");
}

#[test]
fn bad_value_names_its_path_without_echoing_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        r#"{"filing_date": "2026-03-02", "members": [{"id": "p1", "birth_date": "Mario Rossi", "relationship": "dichiarante"}]}"#,
    )
    .unwrap();
    let out = welfare(&["isee", "compute", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("members[0].birth_date"), "{err}");
    assert!(!err.contains("Mario"), "{err}");
}

#[test]
fn inconsistent_dsu_names_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(
        &path,
        "filing_date: 2026-03-02\nmembers:\n  - { id: p1, birth_date: 1985-04-01, relationship: dichiarante, income: { irpef_total: 10, employee: 20 } }\n",
    )
    .unwrap();
    let out = welfare(&["isee", "compute", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains(
        "members[0].income.employee: employee and pension shares exceed the IRPEF total"
    ));
}

#[test]
fn family_variant_before_2026_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.yaml");
    std::fs::write(
        &path,
        "filing_date: 2025-03-02\nmembers:\n  - { id: p1, birth_date: 1985-04-01, relationship: dichiarante }\n",
    )
    .unwrap();
    let out =
        welfare(&["isee", "compute", "--kind", "prestazioni_familiari", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out)
        .contains("filing_date: the prestazioni_familiari ISEE is not in force on 2025-03-02"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(welfare(&["isee", "compute", "/nonexistent/dsu.yaml"]).status.code(), Some(2));
    assert_eq!(welfare(&["isee", "compute", "--kind", "nope", "x.yaml"]).status.code(), Some(2));
}

#[test]
fn check_protocol() {
    let out = welfare(&["isee", "check-protocol", "INPS-ISEE-2020-00000032P-00"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "valid DSU protocol (year 2020, suffix 00)\n");
    let out = welfare(&["isee", "check-protocol", "INPS-ISEE-2020-00000032-00"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("eight digits and a letter"));
    let out = welfare(&["isee", "check-protocol", "--lenient", "INPS-ISEE-2020-00000032-00"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn original_2014_disability_expenses_through_the_binary() {
    // Fixture 21 (original DPCM 159/2013 text): health expenses capped at 5,000, residential
    // fees in full; the ISR line and the JSON trace show them with their article.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("21_disability_expense_cap_2016.yaml")).unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let path = dir.path().join("dsu.yaml");
    std::fs::write(&path, serde_yaml::to_string(&value["dsu"]).unwrap()).unwrap();
    let out = welfare(&["isee", "compute", "--json", "--explain", "en", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["isr"], "10100.00");
    assert_eq!(v["isee"], "9235.67");
    let steps = v["trace"].as_array().unwrap();
    let health = steps.iter().find(|s| s["step"] == "disability_health_expenses").unwrap();
    assert_eq!(health["article"], "DPCM 159/2013 art. 4 c. 4 lett. b-c (testo originario)");
    assert_eq!(health["value"], "5000.00");
    let isr = steps.iter().find(|s| s["step"] == "isr").unwrap();
    assert!(isr["text"].as_str().unwrap().contains("− disability expenses €14600.00"), "{isr}");
    // A care expense for a member who is not non autosufficiente is refused, path named.
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "filing_date: 2015-03-02\nmembers:\n  - { id: p1, birth_date: 1955-04-01, relationship: dichiarante, disability: media, income: { care_staff_expenses: 100 } }\n",
    )
    .unwrap();
    let out = welfare(&["isee", "compute", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("members[0].income.care_staff_expenses"), "{}", stderr(&out));
}
