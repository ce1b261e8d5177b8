use std::path::PathBuf;
use std::process::Command;

fn welfare(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_welfare")).args(args).output().unwrap()
}

/// `docs/schema/` is what `welfare schema --out-dir` writes: a test that fails on drift, and
/// rewrites the files so that the fix is a review and a commit.
#[test]
fn docs_schema_files_match_the_code() {
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema");
    let fresh = tempfile::tempdir().unwrap();
    let out = welfare(&["schema", "--out-dir", fresh.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut drifted = Vec::new();
    for entry in std::fs::read_dir(fresh.path()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let committed = std::fs::read_to_string(docs.join(&name)).unwrap_or_default();
        if committed != text {
            std::fs::write(docs.join(&name), text).unwrap();
            drifted.push(name.to_string_lossy().into_owned());
        }
    }
    assert!(drifted.is_empty(), "regenerated {drifted:?} in docs/schema: review and commit them");
}

#[test]
fn schema_lists_names_and_prints_one() {
    let list = welfare(&["schema"]);
    assert!(list.status.success());
    let names = String::from_utf8(list.stdout).unwrap();
    for name in ["household", "rulebook", "dsu", "siuss-input", "money", "codice-fiscale"] {
        assert!(names.lines().any(|l| l.starts_with(name)), "{name} missing");
    }
    let one = welfare(&["schema", "money"]);
    let schema: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(schema["type"], "string");
    let unknown = welfare(&["schema", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
}
