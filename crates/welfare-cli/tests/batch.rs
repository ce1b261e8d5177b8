use std::process::Command;

fn welfare(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_welfare")).args(args).output().unwrap()
}

#[test]
fn batch_keeps_input_order_and_reports_bad_records() {
    let dir = tempfile::tempdir().unwrap();
    let households = dir.path().join("h.jsonl");
    let gen = welfare(&["gen", "households", "--n", "40", "--seed", "5"]);
    let mut input = String::from_utf8(gen.stdout).unwrap();
    // Two malformed records in the middle, a blank line, then more households.
    input.push_str(
        "{\"group_identifier\": \"x\", \"member_list\": [], \"surprise\": 1}\n\nnot json\n",
    );
    let tail = welfare(&["gen", "households", "--n", "3", "--seed", "6"]);
    input.push_str(&String::from_utf8(tail.stdout).unwrap());
    std::fs::write(&households, input).unwrap();
    let results = dir.path().join("r.jsonl");
    let rejects = dir.path().join("x.jsonl");
    let out = welfare(&[
        "batch",
        "--national",
        "--input",
        households.to_str().unwrap(),
        "--output",
        results.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
        "--date",
        "2026-09-01",
        "--explain",
        "motivazione",
    ]);
    assert_eq!(out.status.code(), Some(1), "rejected records make exit 1");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("45 records, 2 rejected"), "{stderr}");

    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&results)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 43);
    let numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    assert_eq!(numbers, sorted, "results come in input order");
    assert_eq!(lines[0]["household"], "syn-5-0");
    assert_eq!(lines[42]["household"], "syn-6-2");
    assert_eq!(lines[0]["date"], "2026-09-01");
    let first = &lines[0]["results"][0];
    assert_eq!(first["measure"], "it/assegno-unico");
    assert!(first["motivazione"].is_string());

    let rejected: Vec<serde_json::Value> = std::fs::read_to_string(&rejects)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rejected.len(), 2);
    assert_eq!(rejected[0]["line"], 41);
    assert!(rejected[0]["error"].as_str().unwrap().contains("surprise"));
    assert_eq!(rejected[1]["line"], 43);
}

#[test]
fn batch_without_a_readable_input_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.jsonl");
    let out = welfare(&["batch", "--input", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}
