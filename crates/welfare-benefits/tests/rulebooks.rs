//! The national rulebooks: every test case they carry runs through the rules engine, as
//! `welfare rules test crates/welfare-benefits/rulebooks` does.

use std::path::PathBuf;

#[test]
fn every_national_rulebook_case_passes() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rulebooks");
    let report = welfare_rules::testing::run_paths(&[dir]);
    let failures: Vec<String> = report
        .cases
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            format!(
                "{} / {}: {:?} {}\n{}",
                c.rulebook,
                c.name,
                c.mismatches,
                c.message.clone().unwrap_or_default(),
                c.explanation.clone().unwrap_or_default()
            )
        })
        .collect();
    assert!(failures.is_empty(), "{} failing cases:\n{}", failures.len(), failures.join("\n"));
    assert!(report.passed() >= 1, "cases run: {}", report.passed());
}

#[test]
fn the_embedded_rulebooks_are_the_files() {
    for (file, text) in welfare_benefits::catalogue::NATIONAL_RULEBOOKS {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rulebooks").join(file);
        assert_eq!(std::fs::read_to_string(path).unwrap(), text, "{file}");
    }
}

/// The local examples in fixtures/rulebooks/comuni run beside the national rulebooks (one of
/// them imports it/bonus-nuovi-nati).
#[test]
fn the_local_examples_pass_with_the_national_rulebooks() {
    let national = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rulebooks");
    let comuni = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rulebooks/comuni");
    let files: Vec<PathBuf> = [
        "esempio-bonus-nuovi-nati.yaml",
        "esempio-bonus-nuovi-nati.tests.yaml",
        "esempio-mensa.yaml",
        "esempio-bando-affitto.yaml",
    ]
    .iter()
    .map(|f| comuni.join(f))
    .collect();
    let mut paths = vec![national];
    paths.extend(files);
    let report = welfare_rules::testing::run_paths(&paths);
    let failures: Vec<String> = report
        .cases
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            format!(
                "{} / {}: {:?} {}",
                c.rulebook,
                c.name,
                c.mismatches,
                c.message.clone().unwrap_or_default()
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let local = report.cases.iter().filter(|c| c.rulebook.contains("esempio-")).count();
    assert!(local >= 16, "local cases run: {local}");
}
