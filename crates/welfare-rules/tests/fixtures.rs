//! Runs every test case under `fixtures/rulebooks/`.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rulebooks")
}

#[test]
fn every_fixture_case_passes() {
    // National rulebooks that municipal examples import live with welfare-benefits.
    let library = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../welfare-benefits/rulebooks");
    let report = welfare_rules::testing::run_paths_with_library(&[root()], &[library]);
    let failures: Vec<String> = report
        .cases
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            format!(
                "{} / {}: {:?} {:?}\n{}",
                c.rulebook,
                c.name,
                c.message,
                c.mismatches,
                c.explanation.clone().unwrap_or_default()
            )
        })
        .collect();
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    assert!(report.passed() >= 12, "only {} cases ran", report.passed());
}

/// The serde form of the syntax tree (how welfare-benefits embeds the national rulebooks
/// already parsed) reads back equal, and writes back the same text: decimals keep their
/// scale, dates, enums and locations their values. On every rulebook that parses among the
/// fixtures (municipal and hostile ones) and the national rulebooks.
#[test]
fn syntax_trees_read_back_equal_from_their_serde_form() {
    let national = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../welfare-benefits/rulebooks");
    let mut seen = 0;
    for dir in [root().join("comuni"), root().join("hostile"), national] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.ends_with(".yaml") && !name.ends_with(".tests.yaml")
            })
            .collect();
        paths.sort();
        for path in paths {
            let Ok(parsed) = welfare_rules::syntax::Rulebook::load(&path) else { continue };
            let tree = serde_json::to_string(&parsed).unwrap();
            let back: welfare_rules::syntax::Rulebook =
                serde_json::from_str(&tree).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(back, parsed, "{}", path.display());
            assert_eq!(serde_json::to_string(&back).unwrap(), tree, "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 20, "only {seen} rulebooks read back");
}
