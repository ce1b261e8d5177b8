use std::process::Command;

fn welfare(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_welfare")).args(args).output().unwrap()
}

#[test]
fn gen_households_is_reproducible_json_lines() {
    let a = welfare(&["gen", "households", "--n", "50", "--seed", "9"]);
    assert!(a.status.success());
    let b = welfare(&["gen", "households", "--n", "50", "--seed", "9"]);
    assert_eq!(a.stdout, b.stdout, "same seed, same bytes");
    let text = String::from_utf8(a.stdout).unwrap();
    assert_eq!(text.lines().count(), 50);
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["group_identifier"].as_str().unwrap().starts_with("syn-9-"));
    }
    let other = welfare(&["gen", "households", "--n", "50", "--seed", "10"]);
    assert_ne!(text.as_bytes(), &other.stdout[..]);
}

#[test]
fn gen_households_writes_a_file_and_refuses_bad_years() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.jsonl");
    let out = welfare(&["gen", "households", "--n", "3", "--out", path.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
    let bad = welfare(&["gen", "households", "--n", "3", "--year", "1800"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
}
