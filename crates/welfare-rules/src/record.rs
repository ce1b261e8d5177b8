//! Decision records: everything needed to reproduce a decision years later, and a replay
//! that reports differences instead of silently re-pricing.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::EvalError;
use crate::eval::Explanation;
use crate::program::RulebookInfo;
use crate::syntax::hex;
use crate::{Program, ENGINE_VERSION};

/// A decision record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DecisionRecord {
    /// welfare-rules version that decided.
    pub engine_version: String,
    /// The root rulebook.
    pub rulebook: String,
    /// Every rulebook linked in, with version label and content hash.
    pub rulebooks: Vec<RulebookInfo>,
    /// The evaluation date.
    pub date: NaiveDate,
    /// Every parameter in force on the date, as text.
    pub parameters: BTreeMap<String, String>,
    /// The facts, unless the caller asked for minimisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<serde_json::Value>,
    /// SHA-256 of the facts' canonical JSON (keys sorted), always present.
    pub inputs_hash: String,
    /// Whether every condition held.
    pub eligible: bool,
    /// Outputs.
    pub outputs: BTreeMap<String, serde_json::Value>,
    /// The explanation.
    pub explanation: Explanation,
}

/// SHA-256 of a JSON value's canonical form (serde_json's map is ordered by key).
pub fn facts_hash(facts: &serde_json::Value) -> String {
    hex(&Sha256::digest(facts.to_string().as_bytes()))
}

/// Evaluates and records a decision. With `minimise`, the record keeps only the inputs' hash.
pub fn decide(
    program: &Program,
    facts: &serde_json::Value,
    date: NaiveDate,
    minimise: bool,
) -> Result<DecisionRecord, EvalError> {
    let f = program.facts(facts)?;
    let ev = program.evaluate(&f, date)?;
    Ok(DecisionRecord {
        engine_version: ENGINE_VERSION.to_owned(),
        rulebook: program.id().to_owned(),
        rulebooks: program.rulebooks().to_vec(),
        date,
        parameters: program.parameter_snapshot(date)?,
        inputs: (!minimise).then(|| facts.clone()),
        inputs_hash: facts_hash(facts),
        eligible: ev.eligible,
        outputs: ev.outputs.into_iter().map(|(name, v)| (name.to_string(), v)).collect(),
        explanation: ev.explanation,
    })
}

/// One difference found by [`replay`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Difference {
    /// `engine`, `rulebook`, `parameter`, `output`, `eligible` or `inputs`.
    pub kind: String,
    /// What differs.
    pub name: String,
    /// As recorded.
    pub recorded: String,
    /// As now.
    pub now: String,
}

/// The outcome of a replay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Replay {
    /// Every difference; empty when the decision reproduces exactly.
    pub differences: Vec<Difference>,
}

impl Replay {
    /// Whether the decision reproduces exactly.
    pub fn identical(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Re-evaluates a recorded decision with `program` and reports every difference: rulebook
/// content, parameters, outputs. For a minimised record pass the facts in `facts`; their hash
/// must match.
pub fn replay(
    program: &Program,
    record: &DecisionRecord,
    facts: Option<&serde_json::Value>,
) -> Result<Replay, EvalError> {
    let mut differences = Vec::new();
    let mut diff = |kind: &str, name: &str, recorded: String, now: String| {
        if recorded != now {
            differences.push(Difference {
                kind: kind.to_owned(),
                name: name.to_owned(),
                recorded,
                now,
            });
        }
    };
    let inputs = match (facts, &record.inputs) {
        (Some(f), _) => f.clone(),
        (None, Some(f)) => f.clone(),
        (None, None) => {
            return Err(EvalError::MissingFact {
                name: "inputs (the record is minimised: pass the facts)".to_owned(),
            });
        }
    };
    diff("inputs", "hash", record.inputs_hash.clone(), facts_hash(&inputs));
    diff("engine", "version", record.engine_version.clone(), ENGINE_VERSION.to_owned());
    for rb in &record.rulebooks {
        let now = program
            .rulebooks()
            .iter()
            .find(|r| r.id == rb.id)
            .map(|r| r.content_hash.clone())
            .unwrap_or_else(|| "(not loaded)".to_owned());
        diff("rulebook", &rb.id, rb.content_hash.clone(), now);
    }
    let now_params = program.parameter_snapshot(record.date)?;
    let names: std::collections::BTreeSet<&String> =
        record.parameters.keys().chain(now_params.keys()).collect();
    for name in names {
        let get = |m: &BTreeMap<String, String>| {
            m.get(name).cloned().unwrap_or_else(|| "(absent)".to_owned())
        };
        diff("parameter", name, get(&record.parameters), get(&now_params));
    }
    let f = program.facts(&inputs)?;
    let ev = program.evaluate(&f, record.date)?;
    diff("eligible", "eligible", record.eligible.to_string(), ev.eligible.to_string());
    let names: std::collections::BTreeSet<&str> =
        record.outputs.keys().map(String::as_str).chain(ev.outputs.keys().map(|k| &**k)).collect();
    for name in names {
        let shown = |v: Option<&serde_json::Value>| {
            v.map_or_else(|| "(absent)".to_owned(), |v| v.to_string())
        };
        diff("output", name, shown(record.outputs.get(name)), shown(ev.outputs.get(name)));
    }
    Ok(Replay { differences })
}
