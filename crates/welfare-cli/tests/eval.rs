//! `welfare eval`: the bundled example, JSON shape, explanations, local rulebooks, errors.

use std::process::Command;

fn welfare(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_welfare")).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn repo(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

/// The README's first command: the bundled household on a fixed date.
#[test]
fn bundled_example_as_a_table() {
    let (code, out, err) = welfare(&["eval", "--date", "2026-09-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("nucleo esempio-rossi, alla data del 01/09/2026\n"), "{out}");
    let auu = out.lines().find(|l| l.starts_with("it/assegno-unico ")).unwrap();
    assert!(auu.contains("sì") && auu.contains("1.019,00 €") && auu.contains("mensile"), "{auu}");
    let mat = out.lines().find(|l| l.starts_with("it/assegno-maternita")).unwrap();
    assert!(mat.contains("865,50 €") && mat.contains("una tantum"), "{mat}");
}

/// The JSON shape of issue 5: {"household", "date", "results": [{"measure", "eligible",
/// "amount", "period", "motivazione"}]}.
#[test]
fn json_shape() {
    let (code, out, _) = welfare(&["eval", "--date", "2026-09-01", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["household"], "esempio-rossi");
    assert_eq!(v["date"], "2026-09-01");
    let auu = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["measure"] == "it/assegno-unico")
        .unwrap();
    assert_eq!(auu["eligible"], true);
    assert_eq!(auu["amount"], "1019.00");
    assert_eq!(auu["period"], "monthly");
    assert!(auu["motivazione"].as_str().unwrap().contains("Esito: i requisiti sono soddisfatti"));
}

#[test]
fn explain_in_english() {
    let (code, out, _) = welfare(&["eval", "--date", "2026-09-01", "--explain", "en"]);
    assert_eq!(code, 0);
    assert!(out.contains("Outcome: all requirements are met."), "{out}");
    assert!(out.contains("INPS circolare 7 del 30/1/2026"), "parameters carry their source: {out}");
}

#[test]
fn a_household_file_in_json() {
    let (code, out, err) = welfare(&[
        "eval",
        "--date",
        "2026-04-01",
        "--json",
        &repo("fixtures/households/large-family.json"),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["household"], "famiglia-numerosa");
}

#[test]
fn invalid_household_gives_the_path_and_exit_1() {
    let (code, out, err) =
        welfare(&["eval", &repo("fixtures/households/invalid-unknown-field.yaml")]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("invalid-unknown-field.yaml:9:5: member_list[0].sesso: unknown field `sesso`"),
        "{err}"
    );
    let (code, _, err) =
        welfare(&["eval", &repo("fixtures/households/invalid-dangling-mother.yaml")]);
    assert_eq!(code, 1);
    assert!(err.contains("member_list[1].mother: refers to no member of the household"), "{err}");
}

#[test]
fn unreadable_file_is_a_usage_error() {
    let (code, _, err) = welfare(&["eval", "no/such/household.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
    let (code, _, _) = welfare(&["eval", "--date", "2026-13-01"]);
    assert_eq!(code, 2, "a bad date is a usage error");
}

#[test]
fn a_date_after_the_known_figures_is_reported_not_guessed() {
    let (code, out, _) = welfare(&["eval", "--date", "2027-02-01"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("non valutata: il rulebook ha importi e soglie solo fino al 31/12/2026"),
        "{out}"
    );
}

#[test]
fn facts_invalid_on_the_date_exit_1() {
    // The example's newborn is born on 2026-06-15.
    let (code, out, _) = welfare(&["eval", "--date", "2026-01-15"]);
    assert_eq!(code, 1);
    assert!(out.contains("member_list[4].birth_date"), "{out}");
}

/// A comune's own rulebooks beside the national ones: the example municipal grant for newborns
/// (imports it/bonus-nuovi-nati, evaluated on the birth date) and the school-meal tariff.
#[test]
fn local_rulebooks_beside_the_national_ones() {
    let (code, out, err) = welfare(&[
        "eval",
        "--date",
        "2026-09-01",
        "--json",
        "--rulebook",
        &repo("fixtures/rulebooks/comuni/esempio-bonus-nuovi-nati.yaml"),
        "--rulebook",
        &repo("fixtures/rulebooks/comuni/esempio-mensa.yaml"),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = v["results"].as_array().unwrap();
    let grant = results.iter().find(|r| r["measure"] == "esempio/bonus-nuovi-nati").unwrap();
    assert_eq!(grant["eligible"], true, "{grant}");
    assert_eq!(grant["amount"], "300.00");
    let mensa = results.iter().find(|r| r["measure"] == "esempio/mensa-scolastica").unwrap();
    assert!(mensa["motivazione"].as_str().unwrap().contains("4,50"), "{mensa}");
}

#[test]
fn a_broken_rulebook_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, "rulebook: x\n").unwrap();
    let (code, _, err) = welfare(&["eval", "--rulebook", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("broken.yaml"), "{err}");
}

/// A household or rulebook file that is not UTF-8 text is invalid input (exit 1), told from
/// which byte and without its bytes; a file that cannot be read is a usage error (exit 2).
#[test]
fn a_file_not_utf8_is_invalid_input_and_a_missing_one_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("nucleo.json");
    std::fs::write(&bad, b"{\"group_identifier\": \"ros\xe9\"}").unwrap();
    let bad = bad.to_str().unwrap();
    let (code, out, err) = welfare(&["eval", bad, "--date", "2026-09-01"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert_eq!(err, format!("welfare: {bad}: not valid UTF-8 text from byte 26\n"));

    let (code, _, err) = welfare(&["eval", "--rulebook", bad, "--date", "2026-09-01"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not valid UTF-8 text from byte 26"), "{err}");

    let missing = dir.path().join("missing.json");
    let (code, _, err) = welfare(&["eval", missing.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot read"), "{err}");
}

/// `-` reads the household from standard input, as the other commands read their files.
#[test]
fn household_from_standard_input() {
    use std::io::Write;
    let text = std::fs::read_to_string(repo("crates/welfare-benefits/data/example-household.yaml"))
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_welfare"))
        .args(["eval", "-", "--date", "2026-09-01", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["household"], "esempio-rossi");
}
