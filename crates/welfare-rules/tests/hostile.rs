//! Hostile input is refused with an error, never a panic or a stack overflow.

use std::path::PathBuf;

use welfare_rules::{DiagnosticKind, Program, Rulebook};

fn hostile(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rulebooks/hostile").join(name)
}

const HEAD: &str = "rulebook: t/x\ntitle: { it: t }\nauthority: { level: comune, code: \"1\", name: c }\nvalid: { from: 2025-01-01 }\n";

#[test]
fn ten_megabyte_string_is_refused_before_parsing() {
    let text = format!(
        "{HEAD}definitions:\n  x: {{ type: text, formula: \"{}\" }}\n",
        "a".repeat(10 * 1024 * 1024)
    );
    let err = Rulebook::parse(&text, "big.yaml").unwrap_err();
    assert!(err.has(DiagnosticKind::Limit), "{err}");
}

#[test]
fn long_string_within_the_file_limit_is_refused_by_the_string_limit() {
    let text = format!(
        "{HEAD}definitions:\n  x: {{ type: text, formula: \"{}\" }}\n",
        "a".repeat(200 * 1024)
    );
    let err = Rulebook::parse(&text, "long.yaml").unwrap_err();
    assert!(err.diagnostics[0].message.contains("string has"), "{err}");
}

#[test]
fn ten_megabyte_file_on_disk_is_refused_without_reading_it() {
    let dir = std::env::temp_dir().join(format!("welfare-rules-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.yaml");
    std::fs::write(&path, "#".repeat(10 * 1024 * 1024)).unwrap();
    let err = Rulebook::load(&path).unwrap_err();
    assert!(err.has(DiagnosticKind::Limit));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn alias_bomb_is_refused_at_the_first_anchor() {
    let err = Rulebook::load(&hostile("alias-bomb.yaml")).unwrap_err();
    assert!(err.has(DiagnosticKind::Unsupported));
    assert_eq!(err.diagnostics[0].location.line, 4);
}

#[test]
fn deep_yaml_and_deep_formulas_are_limits() {
    assert!(Rulebook::load(&hostile("deep-nesting.yaml")).unwrap_err().has(DiagnosticKind::Limit));
    let rb = Rulebook::load(&hostile("deep-formula.yaml")).unwrap();
    let err = Program::from_rulebook(&rb).unwrap_err();
    assert!(err.has(DiagnosticKind::Limit), "{err}");
    // Deep in every direction the parser recurses: unary minus, `non`, calls, lists.
    for formula in [
        "-".repeat(100_000) + "1",
        "non ".repeat(50_000) + "vero",
        "min(".repeat(10_000),
        "[".repeat(10_000),
    ] {
        assert!(welfare_rules::expr::parse(&formula).is_err());
    }
}

#[test]
fn cycles_are_reported_with_their_path() {
    let rb = Rulebook::load(&hostile("cycle.yaml")).unwrap();
    let err = Program::from_rulebook(&rb).unwrap_err();
    let cycle = err.diagnostics.iter().find(|d| d.kind == DiagnosticKind::Cycle).unwrap();
    assert!(cycle.message.contains("a → b → c → a"), "{}", cycle.message);
    assert_eq!(err.diagnostics.iter().filter(|d| d.kind == DiagnosticKind::Cycle).count(), 1);
}

#[test]
fn huge_table_is_a_limit() {
    let rb = Rulebook::load(&hostile("huge-table.yaml")).unwrap();
    let err = Program::from_rulebook(&rb).unwrap_err();
    assert!(err.has(DiagnosticKind::Limit), "{err}");
}

#[test]
fn every_error_is_reported_at_once_with_place_and_expectation() {
    let rb = Rulebook::load(&hostile("many-errors.yaml")).unwrap();
    let err = Program::from_rulebook(&rb).unwrap_err();
    let text = err.to_string();
    for kind in [
        DiagnosticKind::Type,
        DiagnosticKind::UnknownName,
        DiagnosticKind::MissingSource,
        DiagnosticKind::Coverage,
        DiagnosticKind::Structure,
        DiagnosticKind::Syntax,
    ] {
        assert!(err.has(kind), "missing {kind:?} in {text}");
    }
    assert!(text.contains("did you mean `soglia`?"), "{text}");
    assert!(text.contains("did you mean `formula`?"), "{text}");
    assert!(text.contains("no version of `soglia` is in force on 2025-01-01"), "{text}");
    assert!(text.contains("test it with `mancante` / `missing`"), "{text}");
    let unknown = err.diagnostics.iter().find(|d| d.kind == DiagnosticKind::UnknownName).unwrap();
    assert_eq!(unknown.location.path, "definitions.nome_sbagliato.formula");
    assert_eq!(unknown.location.line, 18);
    assert!(err.diagnostics.len() >= 7, "{text}");
}

#[test]
fn evaluation_steps_are_bounded() {
    // A formula within the node limit but evaluated for 100 members many times.
    let body = (0..60).map(|_| "conta(membri, x > 0)").collect::<Vec<_>>().join(" + ");
    let defs: String =
        (0..200).map(|i| format!("  d{i}: {{ type: integer, formula: \"{body}\" }}\n")).collect();
    let text =
        format!("{HEAD}inputs: {{ member: {{ x: {{ type: integer }} }} }}\ndefinitions:\n{defs}");
    let program = Program::from_yaml(&text, "steps.yaml").unwrap();
    let members: Vec<_> = (0..100).map(|_| serde_json::json!({ "x": 1 })).collect();
    let facts = program.facts(&serde_json::json!({ "members": members })).unwrap();
    let err =
        program.evaluate(&facts, chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()).unwrap_err();
    assert_eq!(err.kind(), "limit");
}
