//! `welfare rules`: check, eval, test, rank, batch, schema.

use std::path::PathBuf;
use std::process::{Command, Output};

fn welfare(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_welfare")).args(args).current_dir(root()).output().unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const RAVENNA: &str = "fixtures/rulebooks/comuni/ravenna-retta-nido.yaml";

#[test]
fn test_runs_every_fixture_and_ends_with_the_count() {
    let o = welfare(&[
        "rules",
        "test",
        "fixtures/rulebooks",
        "--library",
        "crates/welfare-benefits/rulebooks",
    ]);
    let out = stdout(&o);
    let last = out.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{out}");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn test_failure_prints_a_diff_with_the_explanation_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let rb = std::fs::read_to_string(root().join(RAVENNA)).unwrap();
    std::fs::write(dir.path().join("r.yaml"), rb).unwrap();
    std::fs::write(
        dir.path().join("r.tests.yaml"),
        "- { name: wrong, date: 2025-01-15, facts: { isee_minorenni: \"10000\" }, expect: { retta_mensile: \"83.93\" } }\n",
    )
    .unwrap();
    let o = welfare(&["rules", "test", dir.path().to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(out.contains("- expected 83.93") && out.contains("+ actual   83.92"), "{out}");
    assert!(out.contains("retta_mensile = 83,92 €"), "{out}");
    assert_eq!(out.lines().last().unwrap(), "4 passed, 1 failed");
}

#[test]
fn check_prints_every_error_and_exits_1() {
    let o = welfare(&["rules", "check", "fixtures/rulebooks/hostile/many-errors.yaml"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(out.contains("did you mean `soglia`?"));
    assert!(out.lines().last().unwrap().ends_with("9 error(s)"), "{out}");
    let ok = welfare(&["rules", "check", RAVENNA]);
    assert_eq!(ok.status.code(), Some(0));
}

/// A rulebook that cannot be read is the command's failure (exit 2); one that is not UTF-8
/// is a rulebook that is wrong (exit 1), told at its line, column and byte.
#[test]
fn a_rulebook_unreadable_is_exit_2_and_one_not_utf8_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.yaml");
    let missing = missing.to_str().unwrap();
    assert_eq!(welfare(&["rules", "check", missing]).status.code(), Some(2));
    assert_eq!(welfare(&["rules", "test", missing]).status.code(), Some(2));
    let facts = dir.path().join("f.yaml");
    std::fs::write(&facts, "isee_minorenni: \"10000\"\n").unwrap();
    let f = facts.to_str().unwrap();
    let o =
        welfare(&["rules", "eval", "--rulebook", missing, "--facts", f, "--date", "2025-01-15"]);
    assert_eq!(o.status.code(), Some(2));
    let latin1 = dir.path().join("latin1.yaml");
    std::fs::write(&latin1, b"rulebook: x\ntitle: { it: \"caff\xe8\" }\n").unwrap();
    let o = welfare(&["rules", "check", latin1.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("latin1.yaml:2:19: yaml: not valid UTF-8 text from byte 31"));
}

#[test]
fn eval_plain_json_and_explained() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("f.yaml");
    std::fs::write(&facts, "isee_minorenni: \"17250.00\"\n").unwrap();
    let f = facts.to_str().unwrap();
    let o =
        welfare(&["rules", "eval", "--rulebook", RAVENNA, "--facts", f, "--date", "2025-01-15"]);
    assert!(stdout(&o).contains("retta_mensile = 155.00"));
    let o = welfare(&[
        "rules",
        "eval",
        "--rulebook",
        RAVENNA,
        "--facts",
        f,
        "--date",
        "2025-01-15",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["outputs"]["quota_giornaliera"], "2.20");
    let o = welfare(&[
        "rules",
        "eval",
        "--rulebook",
        RAVENNA,
        "--facts",
        f,
        "--date",
        "2025-01-15",
        "--explain",
        "it",
    ]);
    assert!(stdout(&o).contains("Riferimenti normativi"));
    let o =
        welfare(&["rules", "eval", "--rulebook", RAVENNA, "--facts", f, "--date", "2020-01-15"]);
    assert_eq!(o.status.code(), Some(1));
}

/// A line that is not UTF-8 is reported with its line number and the batch goes on; a
/// facts file that is not UTF-8 text is invalid input (exit 1).
#[test]
fn batch_reports_a_line_not_utf8_and_eval_a_file_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, b"{\"isee_minorenni\": \"10000\"}\n{\"x\": \"\xff\"}\n").unwrap();
    let input = input.to_str().unwrap();
    let o = welfare(&["rules", "batch", "--rulebook", RAVENNA, "--date", "2025-01-15", input]);
    let lines: Vec<serde_json::Value> =
        stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["outputs"]["retta_mensile"], "83.92");
    assert_eq!(lines[1], serde_json::json!({"line": 2, "error": "not valid UTF-8 from byte 8"}));
    assert_eq!(o.status.code(), Some(1));

    let o = welfare(&[
        "rules",
        "eval",
        "--rulebook",
        RAVENNA,
        "--date",
        "2025-01-15",
        "--facts",
        input,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not valid UTF-8 text from byte 36"));
}

/// Results that cannot be written stop the batch at once, with exit 2 and the line.
#[test]
fn batch_stops_when_its_output_cannot_be_written() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not a Linux-like system: nothing to test with
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "{\"isee_minorenni\": \"10000\"}\n".repeat(20_000)).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_welfare"))
        .args(["rules", "batch", "--rulebook", RAVENNA, "--date", "2025-01-15"])
        .arg(&input)
        .current_dir(root())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("welfare: cannot write the result of line "), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
}

/// A reader that stops reading (`| head`) ends the batch early, with exit 0 and nothing said.
#[test]
fn batch_ends_quietly_when_its_reader_goes_away() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    // Far more results than a pipe holds, so that the batch is still writing.
    std::fs::write(&input, "{\"isee_minorenni\": \"10000\"}\n".repeat(50_000)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_welfare"))
        .args(["rules", "batch", "--rulebook", RAVENNA, "--date", "2025-01-15"])
        .arg(&input)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("{\"line\":1,"), "{first}");
    // The reading end is dropped here: the batch's next writes fail with a closed pipe.
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
}

#[test]
fn batch_and_rank() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "{\"isee_minorenni\": \"10000\"}\n{\"bad\": 1}\n").unwrap();
    let o = welfare(&[
        "rules",
        "batch",
        "--rulebook",
        RAVENNA,
        "--date",
        "2025-01-15",
        input.to_str().unwrap(),
    ]);
    let lines: Vec<serde_json::Value> =
        stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["outputs"]["retta_mensile"], "83.92");
    assert!(lines[1]["error"].is_string());
    assert_eq!(o.status.code(), Some(1));

    let rb = dir.path().join("g.yaml");
    std::fs::write(
        &rb,
        "rulebook: t/g\ntitle: { it: g }\nauthority: { level: comune, code: \"1\", name: c }\nvalid: { from: 2025-01-01 }\n\
         inputs: { household: { punti: { type: integer } } }\ndefinitions: { punteggio: { type: integer, formula: punti } }\n\
         ranking: { score: punteggio }\n",
    )
    .unwrap();
    let apps = dir.path().join("a.jsonl");
    std::fs::write(&apps, "{\"id\": \"RSSMRA80A01H501U\", \"facts\": {\"punti\": 3}}\n{\"id\": \"p2\", \"facts\": {\"punti\": 9}}\n").unwrap();
    let o = welfare(&[
        "rules",
        "rank",
        "--rulebook",
        rb.to_str().unwrap(),
        "--applicants",
        apps.to_str().unwrap(),
        "--date",
        "2025-02-01",
    ]);
    assert!(stdout(&o).lines().next().unwrap().contains("\"p2\""));
    let o = welfare(&[
        "rules",
        "rank",
        "--rulebook",
        rb.to_str().unwrap(),
        "--applicants",
        apps.to_str().unwrap(),
        "--date",
        "2025-02-01",
        "--publish-key",
        "k",
    ]);
    let out = stdout(&o);
    assert!(!out.contains("RSSMRA") && out.contains("pseudonym"), "{out}");
}

#[test]
fn schema_matches_the_committed_file() {
    let o = welfare(&["rules", "schema"]);
    let committed =
        std::fs::read_to_string(root().join("docs/schema/rulebook.schema.json")).unwrap();
    assert_eq!(stdout(&o), committed);
}

/// A tie on every key settled by a public draw: `--seed` is required, and the publishable list
/// states the rule and the seed (and never the protocol numbers).
#[test]
fn rank_with_a_draw_needs_the_seed_and_publishes_it() {
    let dir = tempfile::tempdir().unwrap();
    let rb = dir.path().join("g.yaml");
    std::fs::write(
        &rb,
        "rulebook: t/g\ntitle: { it: g }\nauthority: { level: comune, code: \"1\", name: c }\nvalid: { from: 2025-01-01 }\n\
         inputs: { household: { punti: { type: integer } } }\ndefinitions: { punteggio: { type: integer, formula: punti } }\n\
         ranking: { score: punteggio, final_tie_break: sorteggio }\n",
    )
    .unwrap();
    let apps = dir.path().join("a.jsonl");
    std::fs::write(
        &apps,
        "{\"id\": \"prot-0101\", \"facts\": {\"punti\": 40}}\n{\"id\": \"prot-0102\", \"facts\": {\"punti\": 40}}\n{\"id\": \"prot-0103\", \"facts\": {\"punti\": 50}}\n",
    )
    .unwrap();
    let base = [
        "rules",
        "rank",
        "--rulebook",
        rb.to_str().unwrap(),
        "--applicants",
        apps.to_str().unwrap(),
        "--date",
        "2025-03-01",
    ];
    let o = welfare(&base);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give the public seed"));

    let with_seed = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(&["--seed", "estrazione del lotto 2025-03-01"]);
        args.extend_from_slice(extra);
        welfare(&args)
    };
    let o = with_seed(&[]);
    assert_eq!(o.status.code(), Some(0));
    let lines: Vec<serde_json::Value> =
        stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // sha256(len ‖ seed ‖ id): prot-0102 67929b62… before prot-0101 c36a0f5d… (Python hashlib).
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["prot-0103", "prot-0102", "prot-0101"]);
    assert_eq!(lines[1]["decided_by"], "punteggio");
    assert_eq!(lines[2]["decided_by"], "draw");
    assert_eq!(stdout(&with_seed(&[])), stdout(&o), "same seed, same order");

    let o = with_seed(&["--publish-key", "k"]);
    let out = stdout(&o);
    assert!(!out.contains("prot-"), "{out}");
    let public: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(public["final_tie_break"], "draw");
    assert_eq!(public["seed"], "estrazione del lotto 2025-03-01");
    assert_eq!(public["entries"][2]["decided_by"], "draw");
}

#[test]
fn schema_of_test_files_matches_the_committed_file() {
    let o = welfare(&["rules", "schema", "--tests"]);
    assert_eq!(o.status.code(), Some(0));
    let committed =
        std::fs::read_to_string(root().join("docs/schema/rulebook-tests.schema.json")).unwrap();
    assert_eq!(stdout(&o), committed);
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert!(schema["$defs"]["test_case"]["properties"]["expect_error"]["enum"].is_array());
}

/// A comune's condition replacing the national one: the CLI's motivazione names the local act
/// and the replaced rule (fixtures `esempio-contributo-*`, fictional acts).
#[test]
fn eval_explains_a_local_condition_that_replaced_the_national_one() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("f.json");
    std::fs::write(
        &facts,
        r#"{"isee": "9000", "residente_italia": true, "mesi_residenza_comune": 10}"#,
    )
    .unwrap();
    let o = welfare(&[
        "rules",
        "eval",
        "--rulebook",
        "fixtures/rulebooks/comuni/esempio-contributo-comunale.yaml",
        "--facts",
        facts.to_str().unwrap(),
        "--date",
        "2025-07-01",
        "--explain",
        "it",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("sostituisce: esempio/contributo-nazionale"), "{out}");
    assert!(out.contains("Regole locali applicate:"), "{out}");
    assert!(
        out.contains("Residenza nel comune inferiore a 24 mesi (delibera consiglio comunale n. 45 del 2025-06-20, art. 4)"),
        "{out}"
    );
    let o = welfare(&[
        "rules",
        "check",
        "fixtures/rulebooks/comuni/esempio-contributo-comunale.yaml",
        "--library",
        "fixtures/rulebooks/comuni",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}
