//! Checks on the repository's own metadata: what the Italian public-software catalogue reads.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Controlled vocabularies of the publiccode.yml standard (0.4) that this file uses.
const CATEGORIES: &[&str] = &[
    "compliance-management",
    "data-collection",
    "document-management",
    "grant-management",
    "workflow-management",
];
const SCOPES: &[&str] = &["government", "local-authorities", "society", "welfare"];
const SOFTWARE_TYPES: &[&str] = &[
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
];

fn strings(value: &serde_yaml::Value) -> Vec<String> {
    value
        .as_sequence()
        .map(|s| s.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[test]
fn publiccode_yml_follows_the_standard() {
    let text = std::fs::read_to_string(root().join("publiccode.yml")).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(doc["publiccodeYmlVersion"].as_str(), Some("0.4"));
    for key in ["name", "url", "releaseDate", "developmentStatus", "softwareType"] {
        assert!(doc[key].as_str().is_some_and(|s| !s.is_empty()), "missing {key}");
    }
    assert_eq!(doc["softwareType"].as_str(), Some("library"));
    assert!(SOFTWARE_TYPES.contains(&"library"));
    assert_eq!(doc["legal"]["license"].as_str(), Some("EUPL-1.2"));
    assert!(["concept", "development", "beta", "stable", "obsolete"]
        .contains(&doc["developmentStatus"].as_str().unwrap()));
    let categories = strings(&doc["categories"]);
    assert!(!categories.is_empty());
    for c in &categories {
        assert!(CATEGORIES.contains(&c.as_str()), "category {c} is not in the vocabulary");
    }
    let scopes = strings(&doc["intendedAudience"]["scope"]);
    assert!(scopes.contains(&"welfare".to_owned()));
    for s in &scopes {
        assert!(SCOPES.contains(&s.as_str()), "scope {s} is not in the vocabulary");
    }
    for lang in ["it", "en"] {
        let d = &doc["description"][lang];
        let short = d["shortDescription"].as_str().unwrap();
        assert!(short.chars().count() <= 150, "{lang} shortDescription over 150 characters");
        let long = d["longDescription"].as_str().unwrap();
        let n = long.chars().count();
        assert!((150..=10_000).contains(&n), "{lang} longDescription has {n} characters");
        assert!(!strings(&d["features"]).is_empty());
    }
    assert_eq!(doc["maintenance"]["type"].as_str(), Some("community"));
    assert!(!doc["maintenance"]["contacts"].as_sequence().unwrap().is_empty());
    assert_eq!(strings(&doc["localisation"]["availableLanguages"]), ["it", "en"]);
    assert_eq!(doc["it"]["countryExtensionVersion"].as_str(), Some("1.0"));
}

#[test]
fn licence_is_the_full_eupl_text() {
    let text = std::fs::read_to_string(root().join("LICENSE")).unwrap();
    assert!(text.starts_with("EUROPEAN UNION PUBLIC LICENCE v. 1.2"));
    assert!(
        text.contains("Appendix"),
        "the full text includes the appendix of compatible licences"
    );
}
