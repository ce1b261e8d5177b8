//! # welfare-rules
//!
//! A typed rule language for benefit law and municipal regulations: YAML **rulebooks** with
//! dated parameters, exact money, explanations a caseworker can paste into a provvedimento,
//! and decision records that can be replayed.
//!
//! ```
//! use welfare_rules::{Lang, Program};
//!
//! let program = Program::from_yaml(r#"
//! rulebook: esempio/retta
//! title: { it: "Retta di esempio", en: "Example fee" }
//! authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
//! valid: { from: 2024-09-01 }
//! inputs:
//!   household:
//!     isee: { type: money, optional: true }
//! parameters:
//!   esenzione:
//!     type: money
//!     versions: [ { from: 2024-09-01, value: "4500.00", source: "delibera di esempio" } ]
//! definitions:
//!   retta:
//!     type: money
//!     formula: >
//!       se isee mancante allora 415.00
//!       altrimenti se isee <= esenzione allora 0
//!       altrimenti arrotonda(interpola(isee, [(4500.01, 30), (30000, 280)]), centesimo, commerciale)
//! "#, "retta.yaml")?;
//!
//! let facts = program.facts(&serde_json::json!({ "isee": "10000.00" }))?;
//! let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
//! let evaluation = program.evaluate(&facts, date)?;
//! assert_eq!(evaluation.outputs["retta"], "83.92");
//! assert!(evaluation.motivazione(Lang::It).contains("83,92 €"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Overview
//!
//! | layer | module | what it does |
//! |---|---|---|
//! | syntax | [`yaml`], [`expr`], [`syntax`] | YAML → positioned tree → [`Rulebook`]; formulas → [`expr::Expr`] with spans; limits enforced while parsing |
//! | checking | `check` (internal) | linking (`extends`, `imports`), names, types, cycles, sources, coverage → [`Program`] |
//! | compiling | `compile` (internal) | each definition's checked formula → closures that know their operators and operands (the tree walker remains for the rest) |
//! | evaluation | [`Snapshot`], [`Evaluation`] | parameters in force on a date, definitions in dependency order, explanation and motivazione |
//! | compiling ahead | [`native`] | a decision plan written as Rust source, checked in by a crate that bundles rulebooks, and attached to the plan only when its fingerprint is the plan's (the national measures use it) |
//! | operations | [`batch`], [`record`], [`rank`], [`testing`] | streaming parallel batches, decision records with replay, graduatorie, test cases |
//!
//! The manual of the language is `docs/rule-language.md`; the JSON Schema for editors is
//! [`schema::rulebook_schema`].
//!
//! ## API for other crates
//!
//! * [`Rulebook::parse`] / [`Rulebook::load`] read one file; [`Engine`] holds several (for
//!   `extends` and `imports`) and compiles any of them into a [`Program`].
//! * [`Program::facts`] builds [`Facts`] from JSON; [`Program::facts_builder`] from code.
//!   A caller with its own table of facts binds the program to it once ([`Program::bind`]);
//!   [`Binding::view`] then checks a household's table and gives a [`FactsView`] the
//!   program reads in place ([`Snapshot::run_into_view`], [`Snapshot::run_plan_view`],
//!   [`Snapshot::motivazione_view`]), with no fact copied; [`Binding::fill`] copies the same
//!   facts into [`Facts`].
//! * [`Program::evaluate`] returns an [`Evaluation`] (outputs, conditions, explanation;
//!   [`Evaluation::motivazione`] renders the reasons). [`Program::snapshot`] resolves the
//!   parameters once for many households; [`Snapshot::run_into`] is the allocation-free path,
//!   and [`Snapshot::run_plan`] with a [`Plan`] from [`Program::plan`] evaluates only the
//!   definitions a caller reads (its outputs, every condition, and what they depend on).
//!   [`Snapshot::motivazione`] and [`Snapshot::reasons`] write the motivazione and the reasons
//!   of a refusal straight from [`Snapshot::run_into`]'s values, without the explanation tree
//!   (the same text as [`Evaluation::motivazione`]; the path of batches with motivazioni).
//!
//! ## Why `yaml-rust2`
//!
//! `serde_yaml` is archived and its `Value` has no positions. `yaml-rust2` is maintained, pure
//! Rust, and its event API gives a line and column for every node, so every diagnostic can
//! point at the source and the limits can be enforced while events stream in (aliases are
//! refused at the first one, nesting at the first level too deep).
//!
//! ## Crate features
//!
//! * `schema`: derives `schemars::JsonSchema` for the public output types.

#![recursion_limit = "512"]

pub mod batch;
mod builtins;
mod check;
mod compile;
#[cfg(test)]
mod corpus;
pub mod decide;
pub mod error;
mod eval;
pub mod explain;
pub mod expr;
mod facts;
pub mod limits;
pub mod native;
// Generated code names this crate as its users do (`native`'s tests compile some).
#[cfg(test)]
extern crate self as welfare_rules;
mod program;
pub mod rank;
pub mod record;
pub mod schema;
mod suggest;
pub mod syntax;
pub mod testing;
pub mod types;
mod value;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::Path;

pub use decide::{Decision, DecisionPlan};
pub use error::{Diagnostic, DiagnosticKind, EvalError, LoadError, Location};
pub use eval::{
    ConditionOutcome, Evaluation, Explanation, Outputs, ParameterUse, Snapshot, Step, StepKind,
    Used, UsedKind,
};
pub use facts::{BindError, Binding, Facts, FactsBuilder, FactsView, MissingFacts};
pub use program::{Plan, Program, RulebookInfo, UnknownDefinition};
pub use syntax::{Authority, AuthorityLevel, LegalRef, Rulebook, Status, Text};
pub use types::Type;
pub use value::Value;

/// The engine's version, written into decision records.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Language of explanations and motivazioni.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Italian (the default: provvedimenti are in Italian).
    #[default]
    It,
    /// English.
    En,
}

/// A set of rulebooks that may extend or import each other.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    rulebooks: BTreeMap<String, Rulebook>,
}

impl Engine {
    /// An empty engine.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Adds a parsed rulebook. Two rulebooks with the same id are an error.
    pub fn add(&mut self, rulebook: Rulebook) -> Result<&Rulebook, LoadError> {
        if let Some(existing) = self.rulebooks.get(&rulebook.id) {
            return Err(LoadError::one(
                Diagnostic::new(
                    DiagnosticKind::Duplicate,
                    rulebook.location.clone(),
                    format!("rulebook `{}` is loaded twice", rulebook.id),
                )
                .related(existing.location.clone()),
            ));
        }
        let id = rulebook.id.clone();
        Ok(self.rulebooks.entry(id).or_insert(rulebook))
    }

    /// Parses and adds a rulebook from text.
    pub fn add_yaml(&mut self, text: &str, file: &str) -> Result<&Rulebook, LoadError> {
        self.add(Rulebook::parse(text, file)?)
    }

    /// Reads, parses and adds a rulebook file.
    pub fn add_path(&mut self, path: &Path) -> Result<&Rulebook, LoadError> {
        self.add(Rulebook::load(path)?)
    }

    /// The rulebook with this id.
    pub fn rulebook(&self, id: &str) -> Option<&Rulebook> {
        self.rulebooks.get(id)
    }

    /// Ids of the loaded rulebooks.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.rulebooks.keys().map(String::as_str)
    }

    /// Checks and compiles the rulebook `id` with what it extends and imports.
    pub fn program(&self, id: &str) -> Result<Program, LoadError> {
        let Some(root) = self.rulebooks.get(id) else {
            return Err(LoadError::one(Diagnostic::new(
                DiagnosticKind::Link,
                Location::default(),
                format!("rulebook `{id}` is not loaded"),
            )));
        };
        check::compile(root, &self.rulebooks)
    }
}

impl Program {
    /// Checks and compiles a self-contained rulebook (no `extends` or `imports`).
    pub fn from_rulebook(rulebook: &Rulebook) -> Result<Program, LoadError> {
        check::compile(rulebook, &BTreeMap::new())
    }

    /// Parses, checks and compiles a self-contained rulebook from YAML text.
    pub fn from_yaml(text: &str, file: &str) -> Result<Program, LoadError> {
        Program::from_rulebook(&Rulebook::parse(text, file)?)
    }

    /// Reads, checks and compiles a self-contained rulebook file.
    pub fn load(path: &Path) -> Result<Program, LoadError> {
        Program::from_rulebook(&Rulebook::load(path)?)
    }
}
