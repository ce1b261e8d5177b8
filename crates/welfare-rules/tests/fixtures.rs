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
