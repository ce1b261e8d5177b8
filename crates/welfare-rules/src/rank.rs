//! Graduatorie: ordering applicants by a score and tie-break keys, and the publishable form.
//!
//! A rulebook declares `ranking: { score: NAME, order: desc|asc, tie_break: [NAME | {key, order}] }`.
//! Only eligible applicants are ranked. The publishable form carries **pseudonymous ids only**:
//! D.Lgs. 33/2013 art. 26 c. 4 forbids publishing the names of recipients of economic aid when
//! they reveal health or social hardship, so the list shows a keyed hash of the applicant's id.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::EvalError;
use crate::facts::Facts;
use crate::syntax::hex;
use crate::{Program, Value};

/// One ranked applicant (internal form: holds the caller's id).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RankedEntry {
    /// 1-based position.
    pub position: usize,
    /// The caller's id (a protocol number, never published).
    pub id: String,
    /// The score, as text.
    pub score: String,
    /// Tie-break key values, as text.
    pub tie_break: Vec<String>,
}

/// One line of the publishable list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicEntry {
    /// 1-based position.
    pub position: usize,
    /// Pseudonymous id: the first 12 hex digits of SHA-256(key, id).
    pub pseudonym: String,
    /// The score.
    pub score: String,
}

/// A graduatoria.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// Eligible applicants in order.
    pub ranked: Vec<RankedEntry>,
    /// Ids of applicants not eligible.
    pub excluded: Vec<String>,
    /// Ids of applicants whose evaluation failed, with the reason.
    pub errors: Vec<(String, String)>,
}

fn key_of(v: &Value) -> (Option<Decimal>, Option<NaiveDate>, Option<bool>) {
    match v {
        Value::Num(d) => (Some(*d), None, None),
        Value::Date(d) => (None, Some(*d), None),
        Value::Bool(b) => (None, None, Some(*b)),
        _ => (None, None, None),
    }
}

/// Ranks applicants by the program's `ranking` settings; applicants equal on every key keep
/// their input order (stable), so the caller's order (e.g. protocol order) is the last key.
pub fn rank(
    program: &Program,
    date: NaiveDate,
    applicants: &[(String, Facts)],
) -> Result<Ranking, EvalError> {
    let settings = program
        .ranking()
        .cloned()
        .ok_or_else(|| EvalError::MissingValue { definition: "ranking".to_owned() })?;
    let snap = program.snapshot(date)?;
    let score_slot = program
        .slot(&settings.score)
        .ok_or_else(|| EvalError::MissingValue { definition: settings.score.clone() })?;
    let tie_slots: Vec<(usize, bool)> = settings
        .tie_break
        .iter()
        .filter_map(|(k, desc)| program.slot(k).map(|s| (s, *desc)))
        .collect();
    let mut out = Ranking::default();
    let mut rows = Vec::new();
    let mut scratch = Vec::new();
    for (id, facts) in applicants {
        match snap.run_into(facts, &mut scratch) {
            Err(e) => out.errors.push((id.clone(), e.to_string())),
            Ok(()) => {
                let eligible = program
                    .defs
                    .iter()
                    .zip(&scratch)
                    .filter(|(d, _)| d.condition)
                    .all(|(_, v)| *v == Value::Bool(true));
                if !eligible {
                    out.excluded.push(id.clone());
                    continue;
                }
                let score = scratch.get(score_slot).cloned().unwrap_or_default();
                let ties: Vec<Value> = tie_slots
                    .iter()
                    .map(|(s, _)| scratch.get(*s).cloned().unwrap_or_default())
                    .collect();
                rows.push((id.clone(), score, ties));
            }
        }
    }
    let cmp = |a: &Value, b: &Value, desc: bool| {
        let o = key_of(a).partial_cmp(&key_of(b)).unwrap_or(Ordering::Equal);
        if desc {
            o.reverse()
        } else {
            o
        }
    };
    rows.sort_by(|a, b| {
        let mut o = cmp(&a.1, &b.1, settings.descending);
        for (i, (_, desc)) in tie_slots.iter().enumerate() {
            if o != Ordering::Equal {
                break;
            }
            o = cmp(
                a.2.get(i).unwrap_or(&Value::Missing),
                b.2.get(i).unwrap_or(&Value::Missing),
                *desc,
            );
        }
        o
    });
    let score_ty = program.type_of(&settings.score).cloned().unwrap_or(crate::Type::Decimal);
    for (i, (id, score, ties)) in rows.into_iter().enumerate() {
        out.ranked.push(RankedEntry {
            position: i + 1,
            id,
            score: score.display(&score_ty),
            tie_break: ties.iter().map(|v| v.display(&crate::Type::Decimal)).collect(),
        });
    }
    Ok(out)
}

impl Ranking {
    /// The publishable list: position, pseudonym, score; no ids, names or codici fiscali.
    /// `key` is a secret of the administration (without it pseudonyms cannot be linked back).
    pub fn publishable(&self, key: &[u8]) -> Vec<PublicEntry> {
        self.ranked
            .iter()
            .map(|e| {
                let mut h = Sha256::new();
                h.update((key.len() as u64).to_be_bytes());
                h.update(key);
                h.update(e.id.as_bytes());
                let full = hex(&h.finalize());
                PublicEntry {
                    position: e.position,
                    pseudonym: full.chars().take(12).collect(),
                    score: e.score.clone(),
                }
            })
            .collect()
    }
}
