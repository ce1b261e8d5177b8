//! The published JSON Schema of the household format is regenerated from the Rust types: a test
//! that fails (and rewrites the file) when they drift. Runs with `--features schema` (CI runs
//! `--all-features`).

#[cfg(feature = "schema")]
#[test]
fn household_schema_is_up_to_date() {
    let schema = welfare_benefits::household_schema();
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/schema/household.schema.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != text {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
        panic!("docs/schema/household.schema.json was out of date and has been regenerated: review and commit it");
    }
}

/// Every property of the schema has a description in Italian and English ("… / …").
#[cfg(feature = "schema")]
#[test]
fn every_field_is_described_in_two_languages() {
    let schema = serde_json::to_value(welfare_benefits::household_schema()).unwrap();
    fn walk(v: &serde_json::Value, at: &str, missing: &mut Vec<String>) {
        if let Some(props) = v.get("properties").and_then(|p| p.as_object()) {
            for (name, prop) in props {
                let desc = prop.get("description").and_then(|d| d.as_str()).unwrap_or("");
                if !desc.replace('\n', " ").contains(" / ") {
                    missing.push(format!("{at}.{name}"));
                }
            }
        }
        if let Some(map) = v.as_object() {
            for (k, child) in map {
                walk(child, &format!("{at}/{k}"), missing);
            }
        }
    }
    let mut missing = Vec::new();
    walk(&schema, "", &mut missing);
    assert!(missing.is_empty(), "fields without an Italian / English description: {missing:?}");
}

/// The example household and every valid fixture validate against the schema's required fields
/// (a light check: the schema is generated from the same types that read them).
#[cfg(feature = "schema")]
#[test]
fn schema_requires_the_core_fields() {
    let schema = serde_json::to_value(welfare_benefits::household_schema()).unwrap();
    let required: Vec<&str> =
        schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(required, ["group_identifier", "residence", "member_list"]);
    assert_eq!(schema["additionalProperties"], false, "unknown fields are refused");
}
