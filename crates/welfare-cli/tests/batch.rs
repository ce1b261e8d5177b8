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

/// A line that is not UTF-8 is a rejected record like the others (issue 9: nothing but I/O
/// stops a batch): the lines after it are evaluated, with their own line numbers.
#[test]
fn batch_rejects_a_line_that_is_not_utf8_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let households = dir.path().join("h.jsonl");
    let gen = welfare(&["gen", "households", "--n", "3", "--seed", "5"]);
    let mut input = gen.stdout.clone();
    input.extend_from_slice(b"{\"group_identifier\": \"caf\xe9\"}\n");
    input.extend_from_slice(&gen.stdout);
    std::fs::write(&households, input).unwrap();
    let (results, rejects) = (dir.path().join("r.jsonl"), dir.path().join("x.jsonl"));
    let out = welfare(&[
        "batch",
        "--input",
        households.to_str().unwrap(),
        "--output",
        results.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
        "--date",
        "2026-09-01",
    ]);
    assert_eq!(out.status.code(), Some(1), "a rejected record makes exit 1");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("7 records, 1 rejected"), "{stderr}");
    let numbers: Vec<u64> = std::fs::read_to_string(&results)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["line"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3, 5, 6, 7]);
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap(),
        "{\"line\":4,\"error\":\"line 4:1:26: .: record is not valid UTF-8 from byte 26\"}\n"
    );
}

#[test]
fn batch_without_a_readable_input_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.jsonl");
    let out = welfare(&["batch", "--input", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn batch_of_chosen_measures_gives_their_results_of_a_full_run() {
    let dir = tempfile::tempdir().unwrap();
    let households = dir.path().join("h.jsonl");
    let gen = welfare(&["gen", "households", "--n", "300", "--seed", "11"]);
    std::fs::write(&households, gen.stdout).unwrap();
    let run = |measures: &[&str]| -> Vec<serde_json::Value> {
        let mut args =
            vec!["batch", "--input", households.to_str().unwrap(), "--date", "2026-09-01"];
        for m in measures {
            args.extend(["--measure", m]);
        }
        let out = welfare(&args);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let all = run(&[]);
    // Given in another order: the results keep the catalogue's.
    let chosen = run(&["it/bonus-nido", "it/assegno-unico"]);
    assert_eq!(all.len(), 300);
    assert_eq!(chosen.len(), 300);
    let mut paid = 0;
    for (full, some) in all.iter().zip(&chosen) {
        let results = some["results"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0]["measure"], "it/assegno-unico");
        assert_eq!(results[1]["measure"], "it/bonus-nido");
        let of = |id: &str| full["results"].as_array().unwrap().iter().find(|r| r["measure"] == id);
        assert_eq!(Some(&results[0]), of("it/assegno-unico"));
        assert_eq!(Some(&results[1]), of("it/bonus-nido"));
        paid += usize::from(results[0]["eligible"] == true);
    }
    assert!(paid > 0, "some synthetic households receive the Assegno Unico");
}

#[test]
fn batch_of_an_unknown_measure_is_a_usage_error_naming_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let households = dir.path().join("h.jsonl");
    std::fs::write(&households, welfare(&["gen", "households", "--n", "2"]).stdout).unwrap();
    let out = welfare(&[
        "batch",
        "--input",
        households.to_str().unwrap(),
        "--measure",
        "it/reddito-di-cittadinanza",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("`it/reddito-di-cittadinanza`"), "{stderr}");
    assert!(stderr.contains("it/assegno-unico, it/assegno-maternita"), "{stderr}");
    assert!(out.stdout.is_empty());
}
