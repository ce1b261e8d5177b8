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
