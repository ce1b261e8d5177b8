//! Test cases: run the examples a rulebook carries, and test files beside it.
//!
//! Test files end in `.tests.yaml` and are either a mapping
//! `{ rulebook: FILE, cases: [...] }` (or `{ rulebook: FILE, expect_load_error: KIND }` for a
//! rulebook that must be refused), or a bare list of cases (OpenFisca style) for the rulebook
//! with the same stem (`retta.tests.yaml` → `retta.yaml`).
//!
//! A case has `name`, `date` (or OpenFisca `period`: `2025` is 1 January, `2025-03` the first
//! of March), `facts` (or `input`), and `expect` (or `output`) with exact values, or
//! `expect_error` with an [`EvalError::kind`](crate::EvalError::kind).
//! The pseudo-output `eligible` is whether every condition holds.
//!
//! OpenFisca-style `input` may give per-period values (`{2025-01: 1000, 2025-02: 1200}`: the
//! value of the test's period) and entities (`persons` and one household group, whose roles
//! decide which persons are members). Every name under `input` must be a declared input at its
//! level: [`run_case`] fails a case that names anything else, with the YAML path and a
//! suggestion, before evaluating it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{DiagnosticKind, LoadError};
use crate::syntax::{read_limited, test_cases, Cx, TestCase};
use crate::yaml::{self, Node};
use crate::{Engine, Lang, Program, Rulebook};

/// A difference between an expected and a computed output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// The output.
    pub output: String,
    /// What the case expects.
    pub expected: String,
    /// What was computed.
    pub actual: String,
}

/// The result of one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    /// The rulebook file.
    pub rulebook: String,
    /// The case's name.
    pub name: String,
    /// Where the case is (`file:line`).
    pub location: String,
    /// Whether it passed.
    pub passed: bool,
    /// Output differences.
    pub mismatches: Vec<Mismatch>,
    /// Another reason for failure (an unexpected error, a missing output).
    pub message: Option<String>,
    /// The explanation tree, for failures.
    pub explanation: Option<String>,
}

/// The results of a test run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TestReport {
    /// Every case, in file order.
    pub cases: Vec<CaseResult>,
}

impl TestReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed).count()
    }
    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

fn same(expected: &str, actual: &serde_json::Value, margin: Decimal) -> bool {
    match actual {
        serde_json::Value::Null => matches!(expected, "" | "~" | "null" | "missing" | "mancante"),
        serde_json::Value::Bool(b) => expected == if *b { "true" } else { "false" },
        serde_json::Value::String(s) => {
            match (Decimal::from_str_exact(expected), Decimal::from_str_exact(s)) {
                (Ok(e), Ok(a)) => (e - a).abs() <= margin,
                _ => expected == s,
            }
        }
        // A list (`elenco`) is expected as `[201.00, 201.00]`: item by item, in order.
        serde_json::Value::Array(items) => {
            let Some(inner) = expected.trim().strip_prefix('[').and_then(|s| s.strip_suffix(']'))
            else {
                return false;
            };
            let parts: Vec<&str> = if inner.trim().is_empty() {
                Vec::new()
            } else {
                inner.split([',', ';']).map(str::trim).collect()
            };
            parts.len() == items.len() && parts.iter().zip(items).all(|(e, a)| same(e, a, margin))
        }
        other => {
            *other == serde_json::Value::String(expected.to_owned())
                || expected == other.to_string().as_str()
        }
    }
}

/// Names in an OpenFisca-style `input` that do not map to the program's declared inputs at
/// their level (household or person), each with its YAML path and a suggestion.
fn unmapped_inputs(program: &Program, case: &TestCase) -> Vec<String> {
    let household: Vec<&str> = program.household_inputs().map(|(n, _, _)| n).collect();
    let member: Vec<&str> = program.member_inputs().map(|(n, _, _)| n).collect();
    let mut out = Vec::new();
    for r in &case.inputs {
        let (own, other) = if r.member { (&member, &household) } else { (&household, &member) };
        if own.contains(&r.name.as_str()) {
            continue;
        }
        let why = if other.contains(&r.name.as_str()) && r.member {
            "is a household fact, not a person's: give it in the household block or at the top of `input`".to_owned()
        } else if other.contains(&r.name.as_str()) {
            "is a member fact: give it for each person under `persons`".to_owned()
        } else if program.type_of(&r.name).is_some() {
            "is computed by the rulebook (a definition or condition), not an input: expect it under `output`".to_owned()
        } else {
            let level = if r.member { "member" } else { "household" };
            let hint = crate::suggest::hint(&r.name, own.iter().copied());
            format!("is not a {level} input of the rulebook{hint}")
        };
        out.push(format!("{}: input `{}` {why}", r.location, r.name));
    }
    out
}

/// Runs one case against a program.
pub fn run_case(program: &Program, case: &TestCase, rulebook: &str) -> CaseResult {
    let mut result = CaseResult {
        rulebook: rulebook.to_owned(),
        name: case.name.clone(),
        location: format!("{}:{}", case.location.file, case.location.line),
        passed: false,
        mismatches: Vec::new(),
        message: None,
        explanation: None,
    };
    let unmapped = unmapped_inputs(program, case);
    if !unmapped.is_empty() {
        result.message = Some(unmapped.join("\n"));
        return result;
    }
    let evaluation = program.facts(&case.facts).and_then(|f| program.evaluate(&f, case.date));
    match (evaluation, &case.expect_error) {
        (Err(e), Some(kind)) if e.kind() == kind => result.passed = true,
        (Err(e), Some(kind)) => {
            result.message = Some(format!("expected error `{kind}`, got `{}`: {e}", e.kind()))
        }
        (Err(e), None) => result.message = Some(format!("evaluation failed: {e}")),
        (Ok(ev), Some(kind)) => {
            result.message = Some(format!("expected error `{kind}`, but the evaluation succeeded"));
            result.explanation = Some(ev.tree(Lang::It));
        }
        (Ok(ev), None) => {
            for (name, expected) in &case.expect {
                let actual = if name == "eligible" || name == "idoneo" {
                    Some(serde_json::Value::Bool(ev.eligible))
                } else {
                    ev.outputs.get(name.as_str()).cloned().or_else(|| {
                        ev.explanation
                            .steps
                            .iter()
                            .find(|s| *s.name == **name)
                            .map(|s| (*s.value).clone())
                    })
                };
                match actual {
                    Some(a) if same(expected, &a, case.margin) => {}
                    Some(a) => result.mismatches.push(Mismatch {
                        output: name.clone(),
                        expected: expected.clone(),
                        actual: a.as_str().map_or_else(|| a.to_string(), str::to_owned),
                    }),
                    None => {
                        let names = ev.explanation.steps.iter().map(|s| &*s.name);
                        let hint = crate::suggest::hint(name, names.chain(["eligible"]));
                        result.mismatches.push(Mismatch {
                            output: name.clone(),
                            expected: expected.clone(),
                            actual: format!("(no such output{hint})"),
                        })
                    }
                }
            }
            result.passed = result.mismatches.is_empty();
            if !result.passed {
                result.explanation = Some(ev.tree(Lang::It));
            }
        }
    }
    result
}

/// A parsed test file.
#[derive(Clone, Debug, PartialEq)]
pub struct TestFile {
    /// The rulebook file it tests.
    pub rulebook: PathBuf,
    /// The cases.
    pub cases: Vec<TestCase>,
    /// The kind of load error expected instead (hostile rulebooks).
    pub expect_load_error: Option<String>,
}

/// Parses a test file (see the [module documentation](self)).
pub fn parse_test_file(path: &Path) -> Result<TestFile, LoadError> {
    let file = path.display().to_string();
    let text = read_limited(path)?;
    let root = yaml::parse(&text, &file)?;
    let mut cx = Cx { file: &file, diags: Vec::new() };
    let dir = path.parent().unwrap_or(Path::new("."));
    let sibling = || {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let stem = name
            .trim_end_matches(".yaml")
            .trim_end_matches(".yml")
            .trim_end_matches(".tests")
            .trim_end_matches(".test");
        dir.join(format!("{stem}.yaml"))
    };
    let result = if root.items().is_some() {
        TestFile { rulebook: sibling(), cases: test_cases(&mut cx, &root), expect_load_error: None }
    } else if cx
        .map(&root, &["rulebook", "cases", "expect_load_error", "description"], "a test file")
        .is_some()
    {
        let rulebook =
            root.get("rulebook").and_then(Node::as_str).map_or_else(sibling, |r| dir.join(r));
        let cases = root.get("cases").map(|c| test_cases(&mut cx, c)).unwrap_or_default();
        let expect_load_error =
            root.get("expect_load_error").and_then(Node::as_str).map(str::to_owned);
        TestFile { rulebook, cases, expect_load_error }
    } else {
        TestFile { rulebook: sibling(), cases: Vec::new(), expect_load_error: None }
    };
    if cx.diags.is_empty() {
        Ok(result)
    } else {
        Err(LoadError { diagnostics: cx.diags })
    }
}

fn is_test_file(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    [".tests.yaml", ".tests.yml", ".test.yaml", ".test.yml"].iter().any(|s| name.ends_with(s))
}

fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// Lists rulebook and test files under `paths` (files or directories, recursively, sorted).
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&p) {
                stack.extend(rd.filter_map(|e| e.ok()).map(|e| e.path()));
            }
        } else if is_yaml(&p) || !p.exists() {
            files.push(p);
        }
    }
    files.sort();
    files.dedup();
    let (tests, rulebooks): (Vec<PathBuf>, Vec<PathBuf>) =
        files.into_iter().partition(|p| is_test_file(p));
    (rulebooks, tests)
}

fn load_failure(rulebook: &str, name: &str, e: &LoadError) -> CaseResult {
    CaseResult {
        rulebook: rulebook.to_owned(),
        name: name.to_owned(),
        location: rulebook.to_owned(),
        passed: false,
        mismatches: Vec::new(),
        message: Some(e.to_string()),
        explanation: None,
    }
}

/// Loads every rulebook under `paths` into one [`Engine`] (so `extends` and `imports`
/// resolve), then runs inline cases and test files. Load errors are failures, unless a test
/// file expects them.
pub fn run_paths(paths: &[PathBuf]) -> TestReport {
    run_paths_with_library(paths, &[])
}

/// Like [`run_paths`], with extra rulebooks under `library` loaded only so that `extends`
/// and `imports` resolve (they are not tested; those that do not parse are skipped).
pub fn run_paths_with_library(paths: &[PathBuf], library: &[PathBuf]) -> TestReport {
    let (rulebook_files, test_files) = discover(paths);
    let mut report = TestReport::default();
    let mut tests: BTreeMap<PathBuf, Vec<TestFile>> = BTreeMap::new();
    for t in &test_files {
        match parse_test_file(t) {
            Ok(tf) => tests.entry(normalise(&tf.rulebook)).or_default().push(tf),
            Err(e) => report.cases.push(load_failure(&t.display().to_string(), "test file", &e)),
        }
    }
    let mut engine = Engine::new();
    let mut parsed: Vec<(PathBuf, Result<String, LoadError>)> = Vec::new();
    for path in &rulebook_files {
        let r = Rulebook::load(path).and_then(|rb| engine.add(rb).map(|rb| rb.id.clone()));
        parsed.push((normalise(path), r));
    }
    let (library_files, _) = discover(library);
    for path in library_files {
        if !parsed.iter().any(|(p, _)| *p == normalise(&path)) {
            if let Ok(rb) = Rulebook::load(&path) {
                let _ = engine.add(rb);
            }
        }
    }
    // Test files may name rulebooks outside `paths`.
    for key in tests.keys() {
        if !parsed.iter().any(|(p, _)| p == key) {
            let r = Rulebook::load(key).and_then(|rb| engine.add(rb).map(|rb| rb.id.clone()));
            parsed.push((key.clone(), r));
        }
    }
    for (path, loaded) in &parsed {
        let shown = path.display().to_string();
        let files = tests.get(path).map(Vec::as_slice).unwrap_or(&[]);
        let compiled = loaded.clone().and_then(|id| engine.program(&id).map(|p| (id, p)));
        if let Some(kind) = files.iter().find_map(|f| f.expect_load_error.clone()) {
            let passed = matches!(&compiled, Err(e) if e.diagnostics.iter().any(|d| d.kind.as_str() == kind));
            let message = match &compiled {
                Ok(_) => Some(format!("expected load error `{kind}`, but the rulebook loaded")),
                Err(e) if !passed => Some(format!("expected load error `{kind}`, got: {e}")),
                Err(_) => None,
            };
            report.cases.push(CaseResult {
                rulebook: shown.clone(),
                name: format!("refused with `{kind}`"),
                location: shown.clone(),
                passed,
                mismatches: Vec::new(),
                message,
                explanation: None,
            });
            continue;
        }
        match compiled {
            Err(e) => report.cases.push(load_failure(&shown, "load and check", &e)),
            Ok((id, program)) => {
                let inline = engine.rulebook(&id).map(|rb| rb.tests.clone()).unwrap_or_default();
                for case in inline.iter().chain(files.iter().flat_map(|f| f.cases.iter())) {
                    report.cases.push(run_case(&program, case, &shown));
                }
            }
        }
    }
    report
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether a load error has a diagnostic of this kind (for callers matching on kinds).
pub fn load_error_has(e: &LoadError, kind: DiagnosticKind) -> bool {
    e.has(kind)
}
