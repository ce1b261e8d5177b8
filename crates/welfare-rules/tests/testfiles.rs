//! Test files: their JSON Schema, and OpenFisca-style cases (per-period inputs, entities).

use std::path::PathBuf;

fn docs_schema(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema").join(name)
}

#[test]
fn test_file_schema_has_not_drifted() {
    let path = docs_schema("rulebook-tests.schema.json");
    let fresh =
        serde_json::to_string_pretty(&welfare_rules::schema::test_file_schema()).unwrap() + "\n";
    if std::env::var_os("WELFARE_UPDATE_SCHEMA").is_some() || !path.exists() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        committed, fresh,
        "docs/schema/rulebook-tests.schema.json drifted: rerun with WELFARE_UPDATE_SCHEMA=1"
    );
}

#[test]
fn test_file_schema_describes_both_shapes_and_error_cases() {
    let s = welfare_rules::schema::test_file_schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let shapes = s["oneOf"].as_array().unwrap();
    assert_eq!(shapes[0]["type"], "object");
    assert_eq!(shapes[1]["type"], "array");
    let case = &s["$defs"]["test_case"]["properties"];
    let kinds: Vec<&str> = case["expect_error"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"parameter_not_in_force") && kinds.contains(&"undeclared_fact"));
    let load: Vec<&str> = shapes[0]["properties"]["expect_load_error"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(load.contains(&"limit") && load.contains(&"cycle"));
    // The rulebook schema's inline tests use the same case definition.
    let rb = welfare_rules::schema::rulebook_schema();
    assert_eq!(rb["$defs"]["test_case"], s["$defs"]["test_case"]);
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rulebooks/comuni").join(name)
}

/// The fictional comune's rent-contribution call with `tests` replaced by `cases` (YAML).
fn bando_with_tests(cases: &str) -> String {
    let text = std::fs::read_to_string(fixture("esempio-bando-affitto.yaml")).unwrap();
    let head = &text[..text.find("\ntests:\n").unwrap()];
    format!("{head}\ntests:\n{cases}")
}

fn problems(text: &str) -> String {
    let rb = welfare_rules::Rulebook::parse(text, "bando.yaml").unwrap();
    rb.problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// Runs the inline cases of `text`; the messages of the failed ones.
fn run(text: &str) -> Vec<welfare_rules::testing::CaseResult> {
    let rb = welfare_rules::Rulebook::parse(text, "bando.yaml").unwrap();
    assert!(rb.problems.is_empty(), "{:?}", rb.problems);
    let p = welfare_rules::Program::from_yaml(text, "bando.yaml").unwrap();
    rb.tests.iter().map(|c| welfare_rules::testing::run_case(&p, c, "bando.yaml")).collect()
}

#[test]
fn openfisca_file_with_entities_and_per_period_inputs_passes() {
    let tf = welfare_rules::testing::parse_test_file(&fixture("esempio-bando-affitto.tests.yaml"))
        .unwrap();
    assert_eq!(tf.cases.len(), 3);
    // Persons become members in their order; household facts come from the household block;
    // per-period values are those of the test's period.
    let facts = &tf.cases[0].facts;
    assert_eq!(facts["members"].as_array().unwrap().len(), 3);
    assert_eq!(facts["members"][1]["age_years"], 5);
    assert_eq!(facts["rent_annual"], "6000");
    assert_eq!(facts["receives_adi"], false);
    assert_eq!(tf.cases[2].facts["receives_adi"], true); // February
    let report = welfare_rules::testing::run_paths(&[
        fixture("esempio-bando-affitto.yaml"),
        fixture("esempio-bando-affitto.tests.yaml"),
    ]);
    let failed: Vec<_> = report.cases.iter().filter(|c| !c.passed).collect();
    assert!(failed.is_empty(), "{failed:?}");
    // 4 inline cases and 3 OpenFisca cases.
    assert_eq!(report.passed(), 7);
}

#[test]
fn per_period_value_without_the_tests_period_is_an_error_naming_the_path() {
    let text = bando_with_tests(
        r#"  - name: manca marzo
    period: 2025-03
    input: { isee_ordinario: { 2025-01: "4000", 2025-02: "4000" }, rent_annual: "6000", rent_registered: true, all_registered_in_anagrafe: true, receives_adi: false }
    output: { eligible: true }
"#,
    );
    let p = problems(&text);
    assert!(p.contains("(tests[0].input.isee_ordinario)"), "{p}");
    assert!(p.contains("no value of `isee_ordinario` for the test's period 2025-03 (periods given: 2025-01, 2025-02)"), "{p}");
    // A month is not a year: a yearly test does not pick a monthly value either.
    let p = problems(&text.replace("period: 2025-03", "period: 2025"));
    assert!(p.contains("for the test's period 2025 "), "{p}");
    // A key that is not a period.
    let p = problems(&text.replace("2025-01: \"4000\"", "gennaio: \"4000\""));
    assert!(p.contains("has a key `gennaio` that is not a period"), "{p}");
}

#[test]
fn unmappable_input_names_fail_with_path_and_suggestion() {
    let text = bando_with_tests(
        r#"  - name: nomi sbagliati
    period: 2025-03
    input:
      persons:
        p1: { age_years: 30, disabilty: none, isee_ordinario: "4000" }
      households:
        h1: { members: [p1], isee_ordinaro: "4000", age_years: 40, punteggio: 10, rent_annual: "6000", rent_registered: true, all_registered_in_anagrafe: true, receives_adi: false }
    output: { eligible: true }
"#,
    );
    let results = run(&text);
    let msg = results[0].message.clone().unwrap();
    assert!(!results[0].passed);
    for expected in [
        "(tests[0].input.persons.p1.disabilty): input `disabilty` is not a member input of the rulebook; did you mean `disability`?",
        "(tests[0].input.persons.p1.isee_ordinario): input `isee_ordinario` is a household fact, not a person's",
        "(tests[0].input.households.h1.isee_ordinaro): input `isee_ordinaro` is not a household input of the rulebook; did you mean `isee_ordinario`?",
        "(tests[0].input.households.h1.age_years): input `age_years` is a member fact: give it for each person under `persons`",
        "(tests[0].input.households.h1.punteggio): input `punteggio` is computed by the rulebook",
    ] {
        assert!(msg.contains(expected), "{expected}\n---\n{msg}");
    }
    // Names are reported, values never are.
    assert!(!msg.contains("4000"), "{msg}");
}

#[test]
fn entity_structure_errors_name_their_path() {
    let case = |input: &str| {
        bando_with_tests(&format!(
            "  - name: x\n    period: 2025-03\n    input: {input}\n    output: {{ eligible: true }}\n"
        ))
    };
    let p = problems(&case("{ persons: { genitore: {}, figlio: {} }, households: { h1: { parents: [genitore], children: [figli] } } }"));
    assert!(
        p.contains(
            "role `children` names `figli`, who is not under `persons`; did you mean `figlio`?"
        ),
        "{p}"
    );
    assert!(p.contains("(tests[0].input.households.h1.children[0])"), "{p}");
    assert!(p.contains("person `figlio` is in no role of the household"), "{p}");
    let p = problems(&case(
        "{ persons: { a: {} }, households: { h1: { members: [a] }, h2: { members: [a] } } }",
    ));
    assert!(p.contains("`households` must hold exactly one household"), "{p}");
    let p = problems(&case("{ persons: { a: {} }, members: [ {} ] }"));
    assert!(p.contains("both `members` and `persons`"), "{p}");
}

#[test]
fn output_names_get_suggestions() {
    let text = bando_with_tests(
        "  - { name: x, date: 2025-03-01, facts: { isee_ordinario: \"4800\", rent_annual: \"6000\", rent_registered: true, all_registered_in_anagrafe: true, receives_adi: false }, expect: { importo_annuale: \"1200.00\" } }\n",
    );
    let r = run(&text);
    assert_eq!(r[0].mismatches[0].actual, "(no such output; did you mean `importo_annuo`?)");
}
