//! Graduatorie: ordering applicants by a score and tie-break keys, and the publishable form.
//!
//! A rulebook declares
//! `ranking: { score: NAME, order: desc|asc, tie_break: [NAME | {key, order}], final_tie_break: input_order|draw }`.
//! Only eligible applicants are ranked. Applicants are compared on the score, then on each
//! tie-break key in turn, then by the **final tie-break**, which is always named:
//!
//! * `input_order` (`ordine_di_presentazione`, the default): the order in which the
//!   applicants were given, e.g. protocol order;
//! * `draw` (`sorteggio`): a public draw. The ranking is given a **seed** at ranking time
//!   (announced beforehand, or drawn in public); each applicant's draw number is
//!   `SHA-256(len(seed) as 8 bytes big-endian ‖ seed ‖ id)` in hex, and equal applicants are
//!   ordered by ascending draw number. The same seed and the same applicants always give the
//!   same order, whatever order they were given in, and anyone who knows an id (the applicant
//!   knows their protocol number) can recompute its draw number from the published seed.
//!
//! Every ranked entry says which key decided its position against the previous one
//! ([`RankedEntry::decided_by`]).
//!
//! The publishable form ([`Ranking::publication`]) carries **pseudonymous ids only**:
//! D.Lgs. 33/2013 art. 26 c. 4 forbids publishing the names of recipients of economic aid when
//! they reveal health or social hardship, so the list shows a keyed hash of the applicant's id,
//! with the final tie-break rule and the seed so that the list can be checked.
//!
//! ```
//! use welfare_rules::{rank, Program};
//! let program = Program::from_yaml(r#"
//! rulebook: esempio/graduatoria
//! title: Graduatoria
//! authority: { level: comune, code: "999999", name: Comune di Esempio }
//! valid: { from: 2025-01-01 }
//! inputs: { household: { punti: { type: integer } } }
//! definitions: { punteggio: { type: integer, formula: punti } }
//! ranking: { score: punteggio, final_tie_break: sorteggio }
//! "#, "g.yaml").unwrap();
//! let date = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
//! let facts = |p: i64| program.facts(&serde_json::json!({ "punti": p })).unwrap();
//! let applicants = vec![("A".to_owned(), facts(5)), ("B".to_owned(), facts(5))];
//! let options = rank::RankOptions { seed: Some("estrazione 2025-03-01".to_owned()) };
//! let ranking = rank::rank_with(&program, date, &applicants, &options).unwrap();
//! assert_eq!(ranking.ranked[1].decided_by.as_deref(), Some("draw"));
//! // Without a seed a draw cannot be made: an error, never a silent input order.
//! assert!(rank::rank(&program, date, &applicants).is_err());
//! ```

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::EvalError;
use crate::facts::Facts;
use crate::syntax::hex;
pub use crate::syntax::FinalTieBreak;
use crate::{Program, Value};

/// Which key decided an entry's position against the previous one: the score's name, a
/// tie-break key's name, `input_order` or `draw`.
pub type DecidedBy = Option<String>;

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
    /// What placed this entry after the previous one: the score's definition name, a tie-break
    /// key's name, `input_order` or `draw`. `None` for the first entry.
    #[serde(default)]
    pub decided_by: DecidedBy,
    /// The draw number (hex SHA-256, see the [module documentation](self)) when the final
    /// tie-break is a draw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw: Option<String>,
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
    /// What placed this entry after the previous one (a key name, `input_order` or `draw`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

/// The publishable graduatoria: the rules it was made with, and pseudonymous entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Publication {
    /// The rulebook id.
    pub rulebook: String,
    /// The evaluation date.
    pub date: NaiveDate,
    /// The score's definition and its order (`desc` or `asc`).
    pub score: String,
    /// `desc` (higher first) or `asc`.
    pub order: String,
    /// Tie-break keys in order, each `name asc|desc`.
    pub tie_break: Vec<String>,
    /// The final tie-break rule.
    pub final_tie_break: FinalTieBreak,
    /// The public seed of the draw, when the final tie-break is a draw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// The ranked entries.
    pub entries: Vec<PublicEntry>,
}

/// A graduatoria.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// The rulebook id.
    #[serde(default)]
    pub rulebook: String,
    /// The evaluation date.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// The final tie-break rule that was applied.
    #[serde(default)]
    pub final_tie_break: FinalTieBreak,
    /// The seed of the draw, when the final tie-break is a draw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// Eligible applicants in order.
    pub ranked: Vec<RankedEntry>,
    /// Ids of applicants not eligible.
    pub excluded: Vec<String>,
    /// Ids of applicants whose evaluation failed, with the reason.
    pub errors: Vec<(String, String)>,
}

/// Options given at ranking time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RankOptions {
    /// The public seed of the draw. Required when the rulebook's final tie-break is `draw`;
    /// refused otherwise (a seed that decides nothing would mislead readers of the list).
    pub seed: Option<String>,
}

/// Why a ranking could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RankError {
    /// The rulebook declares no `ranking`.
    #[error("rulebook `{rulebook}` declares no `ranking`")]
    NoRanking {
        /// The rulebook id.
        rulebook: String,
    },
    /// The final tie-break is a draw and no seed was given.
    #[error("the final tie-break of `{rulebook}` is a draw (sorteggio): give the public seed")]
    SeedRequired {
        /// The rulebook id.
        rulebook: String,
    },
    /// A seed was given but the final tie-break is the input order.
    #[error("the final tie-break of `{rulebook}` is the input order: a seed would decide nothing")]
    SeedNotUsed {
        /// The rulebook id.
        rulebook: String,
    },
    /// The parameters could not be resolved on the date, or a key is not a definition.
    #[error(transparent)]
    Eval(#[from] EvalError),
}

impl RankError {
    /// A stable kind name (`no_ranking`, `seed_required`, `seed_not_used`, or the evaluation
    /// error's kind).
    pub fn kind(&self) -> &str {
        match self {
            RankError::NoRanking { .. } => "no_ranking",
            RankError::SeedRequired { .. } => "seed_required",
            RankError::SeedNotUsed { .. } => "seed_not_used",
            RankError::Eval(e) => e.kind(),
        }
    }
}

type Key = (Option<Decimal>, Option<NaiveDate>, Option<bool>);

fn key_of(v: &Value) -> Key {
    match v {
        Value::Num(d) => (Some(*d), None, None),
        Value::Date(d) => (None, Some(*d), None),
        Value::Bool(b) => (None, None, Some(*b)),
        _ => (None, None, None),
    }
}

/// The draw number of `id` under `seed` (hex SHA-256 of the seed's length, the seed and the id).
pub fn draw_number(seed: &str, id: &str) -> String {
    let mut h = Sha256::new();
    h.update((seed.len() as u64).to_be_bytes());
    h.update(seed.as_bytes());
    h.update(id.as_bytes());
    hex(&h.finalize())
}

/// Ranks applicants by the program's `ranking` settings, with no seed: fails with
/// [`RankError::SeedRequired`] when the final tie-break is a draw. See [`rank_with`].
pub fn rank(
    program: &Program,
    date: NaiveDate,
    applicants: &[(String, Facts)],
) -> Result<Ranking, RankError> {
    rank_with(program, date, applicants, &RankOptions::default())
}

struct Row {
    index: usize,
    id: String,
    score: Key,
    score_value: Value,
    ties: Vec<Key>,
    tie_values: Vec<Value>,
    draw: Option<String>,
}

fn directed(o: Ordering, desc: bool) -> Ordering {
    if desc {
        o.reverse()
    } else {
        o
    }
}

/// Ranks applicants: score, then each tie-break key, then the final tie-break (input order,
/// or a draw from `options.seed`). Ineligible applicants are listed in
/// [`Ranking::excluded`]; applicants whose evaluation fails in [`Ranking::errors`] (the others
/// are still ranked).
pub fn rank_with(
    program: &Program,
    date: NaiveDate,
    applicants: &[(String, Facts)],
    options: &RankOptions,
) -> Result<Ranking, RankError> {
    let rulebook = program.id().to_owned();
    let settings =
        program.ranking().cloned().ok_or(RankError::NoRanking { rulebook: rulebook.clone() })?;
    let seed = match (settings.final_tie_break, &options.seed) {
        (FinalTieBreak::Draw, None) => return Err(RankError::SeedRequired { rulebook }),
        (FinalTieBreak::InputOrder, Some(_)) => return Err(RankError::SeedNotUsed { rulebook }),
        (_, seed) => seed.clone(),
    };
    let snap = program.snapshot(date)?;
    let score_slot = program
        .slot(&settings.score)
        .ok_or_else(|| EvalError::MissingValue { definition: settings.score.clone() })?;
    let mut tie_slots = Vec::new();
    for (k, desc) in &settings.tie_break {
        let slot =
            program.slot(k).ok_or_else(|| EvalError::MissingValue { definition: k.clone() })?;
        tie_slots.push((slot, *desc));
    }
    let mut out = Ranking {
        rulebook: rulebook.clone(),
        date: Some(date),
        final_tie_break: settings.final_tie_break,
        seed: seed.clone(),
        ..Ranking::default()
    };
    let mut rows = Vec::new();
    let mut scratch = Vec::new();
    for (index, (id, facts)) in applicants.iter().enumerate() {
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
                let score_value = scratch.get(score_slot).cloned().unwrap_or_default();
                let tie_values: Vec<Value> = tie_slots
                    .iter()
                    .map(|(s, _)| scratch.get(*s).cloned().unwrap_or_default())
                    .collect();
                rows.push(Row {
                    index,
                    id: id.clone(),
                    score: key_of(&score_value),
                    ties: tie_values.iter().map(key_of).collect(),
                    score_value,
                    tie_values,
                    draw: seed.as_deref().map(|s| draw_number(s, id)),
                });
            }
        }
    }
    // Compares two rows; returns the ordering and the name of the key that decided it.
    let decide = |a: &Row, b: &Row| -> (Ordering, &str) {
        let o =
            directed(a.score.partial_cmp(&b.score).unwrap_or(Ordering::Equal), settings.descending);
        if o != Ordering::Equal {
            return (o, settings.score.as_str());
        }
        for (i, ((name, _), (_, desc))) in settings.tie_break.iter().zip(&tie_slots).enumerate() {
            let (x, y) = (a.ties.get(i), b.ties.get(i));
            let o = directed(x.partial_cmp(&y).unwrap_or(Ordering::Equal), *desc);
            if o != Ordering::Equal {
                return (o, name.as_str());
            }
        }
        match settings.final_tie_break {
            FinalTieBreak::Draw => match a.draw.cmp(&b.draw) {
                Ordering::Equal => (a.index.cmp(&b.index), FinalTieBreak::InputOrder.as_str()),
                o => (o, FinalTieBreak::Draw.as_str()),
            },
            FinalTieBreak::InputOrder => {
                (a.index.cmp(&b.index), FinalTieBreak::InputOrder.as_str())
            }
        }
    };
    rows.sort_by(|a, b| decide(a, b).0);
    let score_ty = program.type_of(&settings.score).cloned().unwrap_or(crate::Type::Decimal);
    let tie_tys: Vec<crate::Type> = settings
        .tie_break
        .iter()
        .map(|(k, _)| program.type_of(k).cloned().unwrap_or(crate::Type::Decimal))
        .collect();
    let mut previous: Option<&Row> = None;
    for (i, row) in rows.iter().enumerate() {
        let decided_by = previous.map(|p| decide(p, row).1.to_owned());
        out.ranked.push(RankedEntry {
            position: i + 1,
            id: row.id.clone(),
            score: row.score_value.display(&score_ty),
            tie_break: row.tie_values.iter().zip(&tie_tys).map(|(v, t)| v.display(t)).collect(),
            decided_by,
            draw: row.draw.clone(),
        });
        previous = Some(row);
    }
    Ok(out)
}

/// The pseudonym of `id` under the administration's secret `key`.
fn pseudonym(key: &[u8], id: &str) -> String {
    let mut h = Sha256::new();
    h.update((key.len() as u64).to_be_bytes());
    h.update(key);
    h.update(id.as_bytes());
    hex(&h.finalize()).chars().take(12).collect()
}

impl Ranking {
    /// The publishable entries: position, pseudonym, score and what decided the position; no
    /// ids, names or codici fiscali. `key` is a secret of the administration (without it
    /// pseudonyms cannot be linked back).
    pub fn publishable(&self, key: &[u8]) -> Vec<PublicEntry> {
        self.ranked
            .iter()
            .map(|e| PublicEntry {
                position: e.position,
                pseudonym: pseudonym(key, &e.id),
                score: e.score.clone(),
                decided_by: e.decided_by.clone(),
            })
            .collect()
    }

    /// The publishable list with the rules it was made with: score and order, tie-break keys,
    /// the final tie-break rule and the seed of the draw. Entries as [`Ranking::publishable`].
    pub fn publication(&self, program: &Program, key: &[u8]) -> Publication {
        let settings = program.ranking().cloned().unwrap_or(crate::syntax::RankingDecl {
            score: String::new(),
            descending: true,
            tie_break: Vec::new(),
            final_tie_break: self.final_tie_break,
        });
        let order = |desc: bool| if desc { "desc" } else { "asc" };
        Publication {
            rulebook: self.rulebook.clone(),
            date: self.date.unwrap_or_default(),
            score: settings.score.clone(),
            order: order(settings.descending).to_owned(),
            tie_break: settings
                .tie_break
                .iter()
                .map(|(k, desc)| format!("{k} {}", order(*desc)))
                .collect(),
            final_tie_break: self.final_tie_break,
            seed: self.seed.clone(),
            entries: self.publishable(key),
        }
    }
}
