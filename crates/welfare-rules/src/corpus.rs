//! The bundled rulebooks with their test cases, for the tests that hold two ways of
//! computing the same thing equal (compiled closures and the tree walker; the motivazione
//! written from values and the one written from the explanation).

use std::path::{Path, PathBuf};

use crate::syntax::{Rulebook, TestCase};
use crate::testing::{discover, parse_test_file};
use crate::{Engine, Program};

/// Every bundled rulebook with its test cases: the municipal fixtures and the national
/// measures of welfare-benefits.
pub(crate) fn programs() -> Vec<(Program, Vec<TestCase>)> {
    programs_in(&["fixtures/rulebooks/comuni", "crates/welfare-benefits/rulebooks"])
}

/// The rulebooks of these folders (of the workspace, each with its own engine) with their
/// test cases.
pub(crate) fn programs_in(folders: &[&str]) -> Vec<(Program, Vec<TestCase>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dirs = folders.iter().map(|f| root.join(f));
    let mut out = Vec::new();
    for dir in dirs {
        let (rulebooks, test_files) = discover(&[dir]);
        let mut engine = Engine::new();
        let mut ids = Vec::new();
        for path in &rulebooks {
            let rb = Rulebook::load(path).unwrap();
            ids.push((path.clone(), engine.add(rb).unwrap().id.clone()));
        }
        let files: Vec<_> = test_files.iter().map(|t| parse_test_file(t).unwrap()).collect();
        for (path, id) in ids {
            let Ok(program) = engine.program(&id) else { continue };
            let mut cases = engine.rulebook(&id).map(|rb| rb.tests.clone()).unwrap_or_default();
            let name = path.file_name().map(PathBuf::from);
            for f in &files {
                if f.rulebook.file_name().map(PathBuf::from) == name {
                    cases.extend(f.cases.iter().cloned());
                }
            }
            out.push((program, cases));
        }
    }
    out
}

/// The case's facts, then variants with each household fact changed or left out, so that
/// missing values, other bands and failing evaluations are compared too.
pub(crate) fn variants(facts: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut out = vec![facts.clone()];
    let Some(map) = facts.as_object() else { return out };
    for (key, value) in map {
        let mut without = map.clone();
        without.remove(key);
        out.push(serde_json::Value::Object(without));
        let replacements: Vec<serde_json::Value> = match value {
            serde_json::Value::String(s) if s.parse::<rust_decimal::Decimal>().is_ok() => {
                ["0.00", "0.01", "7500.00", "17090.61", "40000.00", "-1"]
                    .map(serde_json::Value::from)
                    .to_vec()
            }
            serde_json::Value::Number(_) => [0, 1, 3, 4, 7].map(serde_json::Value::from).to_vec(),
            serde_json::Value::Bool(b) => vec![serde_json::Value::Bool(!b)],
            _ => Vec::new(),
        };
        for r in replacements {
            let mut changed = map.clone();
            changed.insert(key.clone(), r);
            out.push(serde_json::Value::Object(changed));
        }
    }
    out
}
