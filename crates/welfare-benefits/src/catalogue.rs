//! The national measures as rulebooks of the rule language, and their evaluation for a household.
//!
//! The rulebooks are embedded in the crate (`rulebooks/*.yaml`) and compiled once by
//! [`Catalogue::national`]. A household reaches them through the **fact vocabulary** of
//! [`crate::vocab`]: its facts are computed once per household and date, and each rulebook
//! reads exactly the inputs it declares from that one table, in place, bound by position when
//! the rulebook is added (a rulebook reading a fact the vocabulary does not have is refused
//! then, not per household).
//! [`engine_facts`] shows the same facts as one JSON object.
//!
//! A rulebook names its amount by convention: the output `importo_mensile` is monthly,
//! `importo_annuo` annual, `importo_una_tantum` one-off. The same convention lets a comune's own
//! rulebook (`welfare eval --rulebook`) appear beside the national ones.
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_benefits::{Catalogue, Household};
//!
//! let catalogue = Catalogue::national()?;
//! let household = Household::example()?;
//! let results = catalogue.evaluate(&household, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
//! let auu = results.iter().find(|r| r.measure == "it/assegno-unico").unwrap();
//! assert!(auu.eligible);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use welfare_rules::syntax::date_italian;
use welfare_rules::{Binding, Decision, Engine, FactsView, Lang, Program, Rulebook};
use welfare_types::{Money, Rounding};

use crate::household::{Household, Period};
use crate::vocab::{FactMask, FactTable};
use crate::HouseholdError;

/// The embedded national rulebooks: (file name, text).
pub const NATIONAL_RULEBOOKS: [(&str, &str); 9] = [
    ("assegno-unico-tabelle.yaml", include_str!("../rulebooks/assegno-unico-tabelle.yaml")),
    ("assegno-unico.yaml", include_str!("../rulebooks/assegno-unico.yaml")),
    ("assegno-maternita.yaml", include_str!("../rulebooks/assegno-maternita.yaml")),
    ("assegno-inclusione.yaml", include_str!("../rulebooks/assegno-inclusione.yaml")),
    (
        "supporto-formazione-lavoro.yaml",
        include_str!("../rulebooks/supporto-formazione-lavoro.yaml"),
    ),
    ("carta-dedicata-a-te.yaml", include_str!("../rulebooks/carta-dedicata-a-te.yaml")),
    ("bonus-nido.yaml", include_str!("../rulebooks/bonus-nido.yaml")),
    ("bonus-nuovi-nati.yaml", include_str!("../rulebooks/bonus-nuovi-nati.yaml")),
    ("bonus-sociali.yaml", include_str!("../rulebooks/bonus-sociali.yaml")),
];

// `fn precompiled(file) -> Option<&'static str>`: the syntax trees of the national rulebooks,
// parsed by the build script (build.rs).
include!(concat!(env!("OUT_DIR"), "/precompiled.rs"));

/// A national rulebook's syntax tree: the one parsed at build time when there is one for this
/// very text (same SHA-256), else parsed now. Reading the tree takes a fraction of the time of
/// the YAML reader, which is most of the start-up of a batch.
fn national_rulebook(file: &str, text: &str) -> Result<Rulebook, welfare_rules::LoadError> {
    let built =
        precompiled(file).and_then(|tree| serde_json::from_str::<Rulebook>(tree).ok()).filter(
            |rb| rb.file == file && rb.content_hash == welfare_rules::syntax::content_hash(text),
        );
    match built {
        Some(rulebook) => Ok(rulebook),
        None => Rulebook::parse(text, file),
    }
}

/// On which date a measure is evaluated for a date asked.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DatePolicy {
    /// On the date asked (a monthly allowance on its mensilità).
    AsAsked,
    /// On the date of the most recent birth, adoption or fostering on or before the date asked
    /// (or the date asked when there is none): the assegno di maternità is "concesso nella
    /// misura prevista alla data del parto" (D.Lgs. 151/2001 art. 74 c. 3).
    LatestEvent,
}

/// The measures evaluated for a household, in order, with their date policy (rulebooks that
/// only hold parameters, such as the AUU tables, are not measures).
pub const NATIONAL_MEASURES: [(&str, DatePolicy); 8] = [
    ("it/assegno-unico", DatePolicy::AsAsked),
    ("it/assegno-maternita", DatePolicy::LatestEvent),
    ("it/assegno-inclusione", DatePolicy::AsAsked),
    ("it/supporto-formazione-lavoro", DatePolicy::AsAsked),
    ("it/carta-dedicata-a-te", DatePolicy::AsAsked),
    ("it/bonus-nido", DatePolicy::AsAsked),
    ("it/bonus-nuovi-nati", DatePolicy::LatestEvent),
    ("it/bonus-sociali", DatePolicy::AsAsked),
];

/// Why the catalogue could not be built or a rulebook added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// A rulebook does not load or does not check.
    #[error("{0}")]
    Load(#[from] welfare_rules::LoadError),
    /// A rulebook reads a fact the household vocabulary does not provide, or with another type.
    #[error("rulebook `{rulebook}`: {error} (see docs/household-format.md)")]
    Bind {
        /// The rulebook's id.
        rulebook: String,
        /// What does not bind.
        error: welfare_rules::BindError,
    },
    /// A measure asked for by id is not in the catalogue.
    #[error("no measure `{id}` in the catalogue (its measures: {known})")]
    UnknownMeasure {
        /// The id asked for.
        id: String,
        /// The catalogue's measure ids, comma-separated.
        known: String,
    },
}

/// One measure's result for a household on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MeasureResult {
    /// The rulebook id (`it/assegno-unico`).
    pub measure: String,
    /// Whether every condition of the measure holds.
    pub eligible: bool,
    /// The amount when eligible.
    pub amount: Option<Money>,
    /// The period of the amount.
    pub period: Option<Period>,
    /// The reasons for a refusal (the failed conditions), in the language asked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// The motivazione: outcome, amounts, facts and parameters with their sources.
    pub motivazione: String,
    /// An error that stopped the evaluation (a missing fact, a date outside the rulebook).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The amount per member, when the rulebook gives one (the Assegno Unico per child); empty
    /// otherwise. See [`BREAKDOWN_OUTPUTS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breakdown: Vec<BreakdownItem>,
}

/// One member's part of a measure's amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BreakdownItem {
    /// The member (`member_identifier`).
    pub member: String,
    /// The member's amount, for the period of the measure's amount.
    pub amount: Money,
}

/// The outputs a rulebook may define for a per-member breakdown: a list of amounts and the
/// aligned list of the members' 1-based positions in `member_list` (written with `elenco` and
/// `posizioni` under the same filter). The AUU rulebook defines them per child.
pub const BREAKDOWN_OUTPUTS: [(&str, &str); 1] = [("importi_per_figlio", "figli_con_importo")];

/// Pairs amounts with the members at the given 1-based positions; an item that is not a number
/// or a position outside the household is skipped (a rulebook error the tests catch).
fn breakdown<'h>(
    household: &'h Household,
    amounts: &'h [welfare_rules::Value],
    positions: &'h [welfare_rules::Value],
) -> impl Iterator<Item = (&'h str, Money)> + 'h {
    amounts.iter().zip(positions).filter_map(|(amount, position)| {
        let index = usize::try_from(position.as_decimal()?).ok()?.checked_sub(1)?;
        let member = household.member_list.get(index)?;
        Some((member.member_identifier.as_str(), amount_of(amount.as_decimal()?)))
    })
}

/// A list value of a rulebook (shared).
pub(crate) type List = Arc<[welfare_rules::Value]>;

/// One measure's result as the evaluation gives it, before it becomes a [`MeasureResult`]:
/// the measure's id borrowed from its program, and the breakdown as the rulebook's two lists
/// (shared, not copied), paired with the members only when written ([`Outcome::breakdown`]).
/// A batch writes its lines straight from these, kept in a buffer per worker, so a household
/// costs no allocation for its results (unless it has reasons, a motivazione or an error).
/// What only explanations and errors carry is boxed: the outcomes of the fast path stay small
/// to build, move and drop.
#[derive(Debug)]
pub(crate) struct Outcome<'c> {
    /// The rulebook id.
    pub(crate) measure: &'c str,
    /// Whether every condition holds.
    pub(crate) eligible: bool,
    /// The amount when eligible.
    pub(crate) amount: Option<Money>,
    /// The period of the amount.
    pub(crate) period: Option<Period>,
    /// The breakdown's amounts and positions ([`BREAKDOWN_OUTPUTS`]), when eligible.
    pub(crate) items: Option<(List, List)>,
    /// The reasons, motivazione and error, when there is any.
    pub(crate) explained: Option<Box<Explained>>,
}

/// The parts of an [`Outcome`] that explain it or say why it could not be evaluated.
#[derive(Debug, Default)]
pub(crate) struct Explained {
    /// The reasons of a refusal (empty without explanations).
    pub(crate) reasons: Vec<String>,
    /// The motivazione (empty without explanations).
    pub(crate) motivazione: String,
    /// An error that stopped the evaluation.
    pub(crate) error: Option<String>,
}

impl<'c> Outcome<'c> {
    /// A refusal without explanation: not eligible, no amount.
    fn refused(program: &'c Program) -> Outcome<'c> {
        Outcome {
            measure: program.id(),
            eligible: false,
            amount: None,
            period: None,
            items: None,
            explained: None,
        }
    }

    /// The reasons of a refusal (empty without explanations).
    pub(crate) fn reasons(&self) -> &[String] {
        self.explained.as_ref().map_or(&[], |e| e.reasons.as_slice())
    }

    /// The motivazione (empty without explanations).
    pub(crate) fn motivazione(&self) -> &str {
        self.explained.as_ref().map_or("", |e| e.motivazione.as_str())
    }

    /// An error that stopped the evaluation.
    pub(crate) fn error(&self) -> Option<&str> {
        self.explained.as_ref().and_then(|e| e.error.as_deref())
    }

    /// The amount per member (member identifier, amount), in the rulebook's order.
    pub(crate) fn breakdown<'h>(
        &'h self,
        household: &'h Household,
    ) -> impl Iterator<Item = (&'h str, Money)> + 'h {
        let (amounts, positions): (&[welfare_rules::Value], &[welfare_rules::Value]) =
            match &self.items {
                Some((amounts, positions)) => (amounts, positions),
                None => (&[], &[]),
            };
        breakdown(household, amounts, positions)
    }

    /// The public form of the outcome.
    pub(crate) fn into_result(self, household: &Household) -> MeasureResult {
        let breakdown = self
            .breakdown(household)
            .map(|(member, amount)| BreakdownItem { member: member.to_owned(), amount })
            .collect();
        let Explained { reasons, motivazione, error } =
            self.explained.map(|e| *e).unwrap_or_default();
        MeasureResult {
            measure: self.measure.to_owned(),
            eligible: self.eligible,
            amount: self.amount,
            period: self.period,
            reasons,
            motivazione,
            error,
            breakdown,
        }
    }
}

/// The compiled measures.
#[derive(Debug)]
pub struct Catalogue {
    programs: Vec<Measure>,
    engine: Engine,
    /// The facts the measures read, the only ones computed for a household.
    facts: FactMask,
}

/// One measure: its program, date policy and binding to the fact vocabulary.
#[derive(Debug)]
struct Measure {
    program: Program,
    policy: DatePolicy,
    binding: Binding,
    /// Slots of the eligibility conditions in the values of `Snapshot::run_into`.
    conditions: Vec<usize>,
    /// Slot and period of the amount output, if the rulebook has one.
    amount: Option<(usize, Period)>,
    /// Slots of the breakdown outputs (amounts, positions), if the rulebook has them.
    breakdown: Option<(usize, usize)>,
    /// What the fast path evaluates: the amount, the breakdown, the conditions and what they
    /// read (not the definitions that only explain them), decided conditions first (a
    /// refusal evaluates only what could still fail: [`welfare_rules::decide`]).
    plan: welfare_rules::DecisionPlan,
}

impl Measure {
    fn new(program: Program, policy: DatePolicy) -> Result<Measure, CatalogueError> {
        let (household, member) = crate::vocab::binding_vocabulary();
        let binding = program
            .bind(&household, &member)
            .map_err(|error| CatalogueError::Bind { rulebook: program.id().to_owned(), error })?;
        let conditions = program.conditions().filter_map(|name| program.slot(name)).collect();
        let amount = AMOUNT_OUTPUTS
            .iter()
            .find_map(|(name, period)| program.slot(name).map(|slot| (slot, *period)));
        let breakdown = BREAKDOWN_OUTPUTS.iter().find_map(|(amounts, positions)| {
            Some((program.slot(amounts)?, program.slot(positions)?))
        });
        let mut plan = program.decision_plan(
            program.plan_slots(
                amount
                    .map(|(slot, _)| slot)
                    .into_iter()
                    .chain(breakdown.into_iter().flat_map(|(a, p)| [a, p])),
            ),
        );
        crate::native::attach(&program, &mut plan);
        Ok(Measure { program, policy, binding, conditions, amount, breakdown, plan })
    }
}

/// Reusable buffers for evaluating many households (one per thread): the fact table, which
/// every rulebook reads in place, the values of its definitions and, for the outcome fast
/// path, each measure's parameters resolved on the last date asked and on the last other date
/// it was evaluated on, an event's (a [`welfare_rules::Snapshot`], borrowed from the
/// catalogue: resolved once per measure and date, not once per household; found by the
/// measure's position, not searched for). Evaluating with a scratch copies no fact and allocates
/// nothing for facts once the table has grown.
#[derive(Debug, Default)]
pub struct Scratch<'c> {
    buffers: Buffers,
    snapshots: Snapshots<'c>,
    /// The outcomes of the last household ([`Catalogue::outcomes_with`]).
    outcomes: Vec<Outcome<'c>>,
}

/// The buffers of one evaluation that borrow nothing (kept per thread by
/// [`Catalogue::evaluate_in`]).
#[derive(Debug, Default)]
struct Buffers {
    table: FactTable,
    values: Vec<welfare_rules::Value>,
    /// The values of each measure's outcome fast path, by the measure's position: kept
    /// apart, so that a measure finds its own slots sized and a refusal rewrites nothing
    /// it does not evaluate.
    decided: Vec<Vec<welfare_rules::Value>>,
}

/// Each measure's snapshots, by the measure's position in the catalogue.
type Snapshots<'c> = Vec<Kept<'c>>;

/// One measure's snapshots: on the date asked, and on the last other date (an event's, for a
/// measure evaluated on the date of an event), each with the measure it was resolved for (a
/// scratch may go from one catalogue to another).
#[derive(Debug, Default)]
struct Kept<'c> {
    asked: Option<(&'c Measure, welfare_rules::Snapshot<'c>)>,
    other: Option<(&'c Measure, welfare_rules::Snapshot<'c>)>,
}

impl<'c> Kept<'c> {
    /// The measure's snapshot on `on` (`asked`: the date asked): the one kept for that date,
    /// else one resolved now and kept in place of the previous one for the date asked or, on
    /// another date, for another date.
    #[inline]
    fn on(
        &mut self,
        measure: &'c Measure,
        asked: NaiveDate,
        on: NaiveDate,
    ) -> Result<&welfare_rules::Snapshot<'c>, welfare_rules::EvalError> {
        let slot = if on == asked { &mut self.asked } else { &mut self.other };
        // Tested in place: the snapshot kept is neither moved out nor back for each household.
        let fits =
            matches!(slot, Some((m, kept)) if std::ptr::eq(*m, measure) && kept.date() == on);
        if !fits {
            *slot = None;
        }
        match slot {
            Some((_, kept)) => Ok(kept),
            None => Ok(&slot.insert((measure, measure.program.snapshot(on)?)).1),
        }
    }
}

impl Catalogue {
    /// The national measures, compiled from the embedded rulebooks.
    pub fn national() -> Result<Catalogue, CatalogueError> {
        // Start-up is the time to a first result: parse the rulebooks in parallel, and load the
        // territorial tables (needed by the first household) at the same time.
        let (parsed, _territory) = rayon::join(
            || {
                NATIONAL_RULEBOOKS
                    .par_iter()
                    .map(|(file, text)| national_rulebook(file, text))
                    .collect::<Vec<_>>()
            },
            welfare_types::territory::preload,
        );
        // A territory failure (`_territory`) shows again, with its context, at the first
        // household that needs the tables.
        let mut engine = Engine::new();
        for rulebook in parsed {
            engine.add(rulebook?)?;
        }
        let programs = NATIONAL_MEASURES
            .par_iter()
            .map(|(id, policy)| Measure::new(engine.program(id)?, *policy))
            .collect::<Result<_, _>>()?;
        Ok(Catalogue::with(programs, engine))
    }

    /// Each measure's program and decision plan (for the generated decisions' test).
    #[cfg(test)]
    pub(crate) fn plans(&self) -> impl Iterator<Item = (&Program, &welfare_rules::DecisionPlan)> {
        self.programs.iter().map(|m| (&m.program, &m.plan))
    }

    /// The same measures, every one decided by the evaluator (for the tests that compare the
    /// generated decisions with it).
    #[cfg(test)]
    pub(crate) fn without_native(mut self) -> Catalogue {
        for m in &mut self.programs {
            m.plan = m.program.decision_plan(m.plan.plan().clone());
        }
        self
    }

    /// For each measure in force on `date`, how many of `households` its generated decision
    /// decides by itself (not handing the decision back to the evaluator), for the tests.
    #[cfg(test)]
    pub(crate) fn decided_by_generated_code(
        &self,
        households: &[Household],
        date: NaiveDate,
    ) -> Vec<(String, usize)> {
        let mut table = FactTable::default();
        let mut values = Vec::new();
        self.programs
            .iter()
            .filter_map(|m| {
                let snap = m.program.snapshot(date).ok()?;
                let decided = households
                    .iter()
                    .filter(|h| {
                        if table.fill_masked(h, date, &self.facts).is_err() {
                            return false;
                        }
                        let missing = table.missing();
                        m.binding
                            .view_checked(table.household(), table.members(), missing)
                            .is_ok_and(|facts| {
                                snap.decide_generated(&m.plan, facts, &mut values).is_some()
                            })
                    })
                    .count();
                Some((m.program.id().to_owned(), decided))
            })
            .collect()
    }

    /// The catalogue of `programs`, computing the facts they read.
    fn with(programs: Vec<Measure>, engine: Engine) -> Catalogue {
        let mut catalogue = Catalogue { programs, engine, facts: FactMask::ALL };
        catalogue.measures_changed();
        catalogue
    }

    /// Recomputes what depends on which measures there are: the facts they read.
    fn measures_changed(&mut self) {
        self.facts = FactMask::reading(self.programs.iter().map(|m| &m.binding));
    }

    /// Adds a rulebook (a comune's own measure), which may import or extend the national ones,
    /// and returns its id. A rulebook that reads the member fact `event_date` (directly or
    /// through an import) is evaluated on the date of the event, like the national grants for a
    /// birth; any other on the date asked. A rulebook that reads a fact the household
    /// vocabulary does not provide is refused ([`CatalogueError::Bind`]).
    pub fn add_rulebook(&mut self, text: &str, file: &str) -> Result<String, CatalogueError> {
        let id = self.engine.add_yaml(text, file)?.id.clone();
        let program = self.engine.program(&id)?;
        let policy = if program.member_inputs().any(|(name, _, _)| name == "event_date") {
            DatePolicy::LatestEvent
        } else {
            DatePolicy::AsAsked
        };
        self.programs.push(Measure::new(program, policy)?);
        self.measures_changed();
        Ok(id)
    }

    /// Keeps only the measures with the given ids (national, such as `it/assegno-unico`, or a
    /// local rulebook's), in the catalogue's order whatever the order given: for a run that
    /// concerns one measure, such as the yearly review of the Assegno Unico. Rulebooks the kept
    /// ones import stay loaded. An unknown id is an error and leaves the catalogue unchanged.
    ///
    /// ```
    /// use welfare_benefits::Catalogue;
    ///
    /// let mut catalogue = Catalogue::national()?;
    /// catalogue.keep_only(["it/bonus-nido", "it/assegno-unico"])?;
    /// let ids: Vec<&str> = catalogue.programs().map(|p| p.id()).collect();
    /// assert_eq!(ids, ["it/assegno-unico", "it/bonus-nido"]);
    /// assert!(catalogue.keep_only(["it/assegno-unico", "it/reddito-di-cittadinanza"]).is_err());
    /// assert_eq!(catalogue.programs().count(), 2);
    /// # Ok::<(), welfare_benefits::CatalogueError>(())
    /// ```
    pub fn keep_only<'a>(
        &mut self,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), CatalogueError> {
        let ids: Vec<&str> = ids.into_iter().collect();
        if let Some(id) =
            ids.iter().find(|id| !self.programs.iter().any(|m| m.program.id() == **id))
        {
            let known: Vec<&str> = self.programs().map(Program::id).collect();
            return Err(CatalogueError::UnknownMeasure {
                id: (*id).to_owned(),
                known: known.join(", "),
            });
        }
        self.programs.retain(|m| ids.contains(&m.program.id()));
        self.measures_changed();
        Ok(())
    }

    /// The measures' bindings to the fact vocabulary, in evaluation order.
    #[cfg(test)]
    pub(crate) fn bindings(&self) -> impl Iterator<Item = &Binding> {
        self.programs.iter().map(|m| &m.binding)
    }

    /// The compiled measures, in evaluation order.
    pub fn programs(&self) -> impl Iterator<Item = &Program> {
        self.programs.iter().map(|m| &m.program)
    }

    /// Every measure for one household on `date`, motivazioni in Italian.
    pub fn evaluate(&self, household: &Household, date: NaiveDate) -> Vec<MeasureResult> {
        self.evaluate_in(household, date, Lang::It)
    }

    /// Every measure for one household on `date`, motivazioni in `lang`. A household the facts
    /// cannot be built for (a member born after the date) gives one error result per measure.
    ///
    /// The buffers of the evaluation (fact table, values) are kept per thread and
    /// reused by the next call, so a service answering household after household allocates
    /// them once.
    pub fn evaluate_in(
        &self,
        household: &Household,
        date: NaiveDate,
        lang: Lang,
    ) -> Vec<MeasureResult> {
        thread_local! {
            static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
        }
        // Snapshots borrow the catalogue, so they live for this call only; a batch keeps them
        // in its `Scratch` (`evaluate_in_with`).
        let mut snapshots = Vec::with_capacity(self.programs.len());
        let mut out = Vec::with_capacity(self.programs.len());
        let detail = Detail::Motivazione;
        BUFFERS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut b) => {
                self.evaluate_with(household, date, lang, detail, &mut b, &mut snapshots, &mut out)
            }
            // Never reached (an evaluation calls no other); fresh buffers are as good.
            Err(_) => {
                let mut fresh = Buffers::default();
                let b = &mut fresh;
                self.evaluate_with(household, date, lang, detail, b, &mut snapshots, &mut out)
            }
        });
        out.into_iter().map(|o| o.into_result(household)).collect()
    }

    /// Every measure for one household on `date` without building explanations: eligibility,
    /// amount and period only, with an empty motivazione and no reasons. The fast path of
    /// population-scale batches; the outcomes are the same as [`Catalogue::evaluate_in`]'s.
    pub fn evaluate_outcomes(&self, household: &Household, date: NaiveDate) -> Vec<MeasureResult> {
        self.evaluate_outcomes_with(household, date, &mut Scratch::default())
    }

    /// [`Catalogue::evaluate_in`] with reusable buffers and parameters resolved once per
    /// measure and date: the batch path with motivazioni.
    pub fn evaluate_in_with<'c>(
        &'c self,
        household: &Household,
        date: NaiveDate,
        lang: Lang,
        scratch: &mut Scratch<'c>,
    ) -> Vec<MeasureResult> {
        self.outcomes_with(household, date, Some(lang), scratch);
        scratch.outcomes.drain(..).map(|o| o.into_result(household)).collect()
    }

    /// [`Catalogue::evaluate_outcomes`] with reusable buffers: the batch path.
    pub fn evaluate_outcomes_with<'c>(
        &'c self,
        household: &Household,
        date: NaiveDate,
        scratch: &mut Scratch<'c>,
    ) -> Vec<MeasureResult> {
        self.outcomes_with(household, date, None, scratch);
        scratch.outcomes.drain(..).map(|o| o.into_result(household)).collect()
    }

    /// Evaluates every measure for one household on `date` into the scratch's outcomes
    /// (replacing the previous household's) and returns them: with the reasons and the
    /// motivazione in `lang` when it is given, else outcomes only. The batch writes its lines
    /// from these; the public entry points turn them into [`MeasureResult`]s.
    pub(crate) fn outcomes_with<'c, 's>(
        &'c self,
        household: &Household,
        date: NaiveDate,
        lang: Option<Lang>,
        scratch: &'s mut Scratch<'c>,
    ) -> &'s [Outcome<'c>] {
        let Scratch { buffers, snapshots, outcomes } = scratch;
        outcomes.clear();
        let (lang, detail) = match lang {
            Some(lang) => (lang, Detail::Motivazione),
            None => (Lang::It, Detail::Outcome),
        };
        self.evaluate_with(household, date, lang, detail, buffers, snapshots, outcomes);
        outcomes
    }

    /// Appends the outcome of every measure to `out`, in order.
    #[allow(clippy::too_many_arguments)]
    fn evaluate_with<'c>(
        &'c self,
        household: &Household,
        date: NaiveDate,
        lang: Lang,
        detail: Detail,
        buffers: &mut Buffers,
        snapshots: &mut Snapshots<'c>,
        out: &mut Vec<Outcome<'c>>,
    ) {
        // Only the facts some measure reads are computed (the errors are those of every fact).
        let filled =
            buffers.table.fill_masked(household, date, &self.facts).map_err(|e| e.to_string());
        let missing = buffers.table.missing();
        if buffers.decided.len() < self.programs.len() {
            buffers.decided.resize_with(self.programs.len(), Vec::new);
        }
        if snapshots.len() < self.programs.len() {
            snapshots.resize_with(self.programs.len(), Kept::default);
        }
        let (table, values) = (&buffers.table, &mut buffers.values);
        out.extend(self.programs.iter().zip(buffers.decided.iter_mut()).zip(snapshots).map(
            |((measure, decided), kept)| {
                let Measure { program: p, policy, binding, .. } = measure;
                let valid = p.valid();
                let on = match policy {
                    DatePolicy::AsAsked => date,
                    DatePolicy::LatestEvent => household
                        .events
                        .iter()
                        .map(|e| e.date)
                        .filter(|d| *d <= date && valid.contains(*d))
                        .max()
                        .unwrap_or(date),
                };
                if !valid.contains(on) {
                    // A measure not yet in force does not apply; after the last figures known
                    // it is not evaluated (never a guess with old figures).
                    return match detail {
                        Detail::Motivazione => not_in_force(p, on, lang),
                        // The fast path writes no reasons or motivazioni.
                        Detail::Outcome => Outcome::refused(p),
                    };
                }
                if let Err(e) = &filled {
                    return failed(p, e.clone());
                }
                // The rulebook reads the table in place (the same checks as `Binding::fill`,
                // without copying a fact; the required facts are walked only when one is missing).
                let facts = match binding.view_checked(table.household(), table.members(), missing)
                {
                    Ok(facts) => facts,
                    Err(e) => return failed(p, e.to_string()),
                };
                let snap = match kept.on(measure, date, on) {
                    Ok(snap) => snap,
                    Err(e) => return failed(p, e.to_string()),
                };
                match detail {
                    Detail::Motivazione => {
                        evaluate_program(measure, household, facts, snap, lang, values)
                    }
                    Detail::Outcome => outcome_of_program(measure, household, facts, snap, decided),
                }
            },
        ));
    }
}

fn failed(program: &Program, error: String) -> Outcome<'_> {
    let explained = Explained { error: Some(error), ..Explained::default() };
    Outcome { explained: Some(Box::new(explained)), ..Outcome::refused(program) }
}

fn not_in_force(program: &Program, on: NaiveDate, lang: Lang) -> Outcome<'_> {
    let valid = program.valid();
    let from = valid.from();
    let reason = match (on < from, valid.to(), lang) {
        (true, _, Lang::En) => format!("the measure starts on {from}"),
        (true, _, _) => format!("la misura decorre dal {}", date_italian(from)),
        (false, Some(to), Lang::En) => {
            format!("not evaluated: the rulebook has figures until {to} only")
        }
        (false, Some(to), _) => {
            format!(
                "non valutata: il rulebook ha importi e soglie solo fino al {}",
                date_italian(to)
            )
        }
        (false, None, _) => String::new(),
    };
    let motivazione = match lang {
        Lang::En => format!("{} ({}), on {on}: {reason}.", program.title().get(lang), program.id()),
        _ => format!(
            "{} ({}), alla data del {}: {reason}.",
            program.title().get(lang),
            program.id(),
            date_italian(on)
        ),
    };
    let explained = Explained { reasons: vec![reason], motivazione, error: None };
    Outcome { explained: Some(Box::new(explained)), ..Outcome::refused(program) }
}

/// The amount outputs a rulebook may define, with their periods.
const AMOUNT_OUTPUTS: [(&str, Period); 3] = [
    ("importo_mensile", Period::Monthly),
    ("importo_annuo", Period::Annual),
    ("importo_una_tantum", Period::OneOff),
];

/// How much of an evaluation to build.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Detail {
    /// Outcome, amounts and the motivazione.
    Motivazione,
    /// Outcome and amounts only.
    Outcome,
}

/// Evaluates one program on a household's facts without an explanation. (The household is
/// not read here: the breakdown is paired with its members when written.)
#[inline]
fn outcome_of_program<'c>(
    measure: &'c Measure,
    _household: &Household,
    facts: FactsView<'_>,
    snap: &welfare_rules::Snapshot<'c>,
    values: &mut Vec<welfare_rules::Value>,
) -> Outcome<'c> {
    match snap.decide_view(&measure.plan, facts, values) {
        // A refusal leaves the values unspecified: `outcome_as` reads nothing of a refusal.
        Ok(decision) => outcome_as(measure, values, decision == Decision::Eligible),
        Err(e) => failed(&measure.program, e.to_string()),
    }
}

/// A measure's outcome from the values of its definitions: eligibility, amount, period and
/// breakdown (no reasons, no motivazione).
#[inline]
fn outcome<'c>(measure: &'c Measure, values: &mut [welfare_rules::Value]) -> Outcome<'c> {
    let eligible = measure
        .conditions
        .iter()
        .all(|&i| matches!(values.get(i), Some(welfare_rules::Value::Bool(true))));
    outcome_as(measure, values, eligible)
}

/// [`outcome`] with the eligibility already known: the amount and the breakdown are read from
/// `values` only when `eligible` (a refusal has neither). The breakdown's lists are moved out
/// of their slots (left missing), not shared: nothing reads the values of an outcome again
/// (the next evaluation writes every slot it reads), and a list moved costs no change of its
/// reference count here nor when the slot is next written.
#[inline]
fn outcome_as<'c>(
    measure: &'c Measure,
    values: &mut [welfare_rules::Value],
    eligible: bool,
) -> Outcome<'c> {
    // The amount is read only when eligible (a refusal has none).
    let (amount, period) = match measure.amount {
        Some((slot, period)) if eligible => (
            values.get(slot).and_then(welfare_rules::Value::as_decimal).map(amount_of),
            Some(period),
        ),
        Some((_, period)) => (None, Some(period)),
        None => (None, None),
    };
    // Anything but two lists is no breakdown (and is left in place).
    let items = match measure.breakdown {
        Some((amounts, positions)) if eligible => {
            match (values.get(amounts), values.get(positions)) {
                (Some(welfare_rules::Value::List(_)), Some(welfare_rules::Value::List(_))) => {
                    match (take_list(values, amounts), take_list(values, positions)) {
                        (Some(amounts), Some(positions)) => Some((amounts, positions)),
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        _ => None,
    };
    Outcome { eligible, amount, period, items, ..Outcome::refused(&measure.program) }
}

/// The list in slot `i`, moved out (the slot left missing); `None`, and the slot unchanged,
/// when it holds no list.
#[inline]
fn take_list(values: &mut [welfare_rules::Value], i: usize) -> Option<List> {
    let slot = values.get_mut(i)?;
    match std::mem::take(slot) {
        welfare_rules::Value::List(list) => Some(list),
        other => {
            *slot = other;
            None
        }
    }
}

/// An amount output as money: exact to the cent is shown with two decimals; anything finer is
/// kept as computed, never rounded here.
fn amount_of(value: rust_decimal::Decimal) -> Money {
    let m = Money::from_decimal(value);
    if m.is_whole_cents() {
        m.round(Rounding::CENT_HALF_UP)
    } else {
        m
    }
}

/// Evaluates one program on a household's facts, with the reasons and the motivazione,
/// written straight from the values of every definition: the same texts as the program's
/// explanation gives ([`welfare_rules::Evaluation::motivazione`]), without building it.
fn evaluate_program<'c>(
    measure: &'c Measure,
    _household: &Household,
    facts: FactsView<'_>,
    snap: &welfare_rules::Snapshot<'c>,
    lang: Lang,
    values: &mut Vec<welfare_rules::Value>,
) -> Outcome<'c> {
    if let Err(e) = snap.run_into_view(facts, values) {
        return failed(&measure.program, e.to_string());
    }
    let explained = Explained {
        reasons: snap.reasons(values, lang),
        motivazione: snap.motivazione_view(facts, values, lang),
        error: None,
    };
    Outcome { explained: Some(Box::new(explained)), ..outcome(measure, values) }
}

/// The facts of a household on `date` as one JSON object: every household fact a rulebook may
/// declare, and a `members` list of member facts ([`FactTable::to_json`]). See
/// `docs/household-format.md` for the vocabulary.
pub fn engine_facts(household: &Household, date: NaiveDate) -> Result<Value, HouseholdError> {
    let mut table = FactTable::new();
    table.fill(household, date)?;
    Ok(table.to_json())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use welfare_rules::Rulebook;

    use super::{
        national_rulebook, precompiled, Catalogue, FactMask, Lang, NATIONAL_MEASURES,
        NATIONAL_RULEBOOKS,
    };

    /// Every national rulebook is embedded parsed, its tree reads back, and it is the tree a
    /// fresh parse of its text gives: start-up uses the trees, so they must say exactly what
    /// the text says.
    #[test]
    fn embedded_trees_are_their_texts_parsed() {
        let mut embedded = Vec::new();
        for (file, text) in NATIONAL_RULEBOOKS {
            let parsed = Rulebook::parse(text, file).unwrap();
            let loaded = national_rulebook(file, text).unwrap();
            assert_eq!(loaded, parsed, "{file}");
            if let Some(tree) = precompiled(file) {
                let read: Rulebook = serde_json::from_str(tree).unwrap();
                assert_eq!(read, parsed, "{file}");
                assert_eq!(serde_json::to_string(&read).unwrap(), tree, "{file}");
                embedded.push(file);
            }
        }
        assert_eq!(embedded.len(), NATIONAL_RULEBOOKS.len(), "{embedded:?}");
    }

    /// A tree is used only for the very text it was parsed from: any other text (a rulebook
    /// edited after the build, say) is parsed.
    #[test]
    fn an_embedded_tree_is_not_used_for_another_text() {
        let (file, text) = NATIONAL_RULEBOOKS[1];
        assert!(precompiled(file).is_some());
        let edited = text.replace("version: ", "version: x");
        assert_ne!(edited, text);
        let loaded = national_rulebook(file, &edited).unwrap();
        assert_eq!(loaded, Rulebook::parse(&edited, file).unwrap());
        assert_ne!(loaded, Rulebook::parse(text, file).unwrap());
    }

    /// A comune's rulebook reading facts no national measure reads, required and optional,
    /// household and member (the catalogue must compute them once it is added).
    const UNREAD_BY_NATIONAL: &str = r#"
rulebook: prova/fatti-non-nazionali
title: { it: "Fatti", en: "Facts" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2020-01-01 }
inputs:
  household:
    comune_belfiore: { type: text }
    members_60_plus: { type: integer }
    isee_sociosanitario: { type: money, optional: true }
  member:
    sex: { type: enum, values: [M, F] }
    student: { type: boolean }
    months_worked: { type: integer }
    event_kind: { type: enum, values: [birth, adoption, pre_adoptive_fostering], optional: true }
conditions:
  a_roma: { formula: 'comune_belfiore == "H501"' }
definitions:
  punti:
    type: integer
    formula: >
      conta(membri, student e sex == "F") * 100 + members_60_plus * 10
      + somma(membri, months_worked) + conta(membri, valore_o(event_kind, "x") == "birth")
  importo_annuo:
    type: money
    output: true
    formula: "valore_o(isee_sociosanitario, 1) * punti"
"#;

    /// A catalogue's results are those it gives with every fact computed: the national one,
    /// each measure kept alone, and with a rulebook added that reads facts no national measure
    /// reads; on generated households, on dates where some fail (members born later, comuni
    /// not yet or no longer there), with motivazioni and without.
    #[test]
    fn results_are_those_of_every_fact_computed() {
        // The national catalogue, each measure alone, and the national one with the rulebook.
        let build = |which: usize| {
            let mut catalogue = Catalogue::national().unwrap();
            match NATIONAL_MEASURES.get(which) {
                Some((id, _)) => catalogue.keep_only([*id]).unwrap(),
                None if which == NATIONAL_MEASURES.len() => {}
                None => {
                    catalogue.add_rulebook(UNREAD_BY_NATIONAL, "fatti.yaml").unwrap();
                }
            }
            catalogue
        };
        let generator = crate::synthetic::Generator::new(11, 2026).unwrap();
        let households: Vec<crate::Household> = generator
            .households(120)
            .map(|h| serde_json::from_value(h).unwrap())
            .chain([crate::Household::example().unwrap()])
            .collect();
        let dates = [(2026, 9, 1), (2021, 3, 1), (2031, 1, 1), (1990, 6, 1)]
            .map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
        let (mut errors, mut eligible) = (0, 0);
        for which in 0..NATIONAL_MEASURES.len() + 2 {
            let catalogue = build(which);
            let full = Catalogue { facts: FactMask::ALL, ..build(which) };
            assert_ne!(catalogue.facts, FactMask::ALL);
            for household in &households {
                for date in dates {
                    let masked = catalogue.evaluate_in(household, date, Lang::It);
                    assert_eq!(masked, full.evaluate_in(household, date, Lang::It));
                    let outcomes = catalogue.evaluate_outcomes(household, date);
                    assert_eq!(outcomes, full.evaluate_outcomes(household, date));
                    errors += masked.iter().filter(|r| r.error.is_some()).count();
                    eligible += masked.iter().filter(|r| r.eligible).count();
                }
            }
        }
        assert!(errors > 100 && eligible > 100, "{errors} errors, {eligible} eligible");
    }

    /// One scratch kept across households, dates (events' dates among them, for the measures
    /// evaluated on them) and catalogues whose measures sit at other positions gives the
    /// results of a fresh evaluation: a snapshot kept is used only for its measure and date.
    #[test]
    fn a_scratch_kept_across_dates_and_catalogues_gives_fresh_results() {
        let national = Catalogue::national().unwrap();
        let mut nido = Catalogue::national().unwrap();
        nido.keep_only(["it/bonus-nido", "it/bonus-nuovi-nati"]).unwrap();
        let generator = crate::synthetic::Generator::new(5, 2026).unwrap();
        // Households with a birth (rare) and without, one after the other.
        let all: Vec<crate::Household> =
            generator.households(1500).map(|h| serde_json::from_value(h).unwrap()).collect();
        let (born, none): (Vec<_>, Vec<_>) = all.iter().partition(|h| !h.events.is_empty());
        assert!(born.len() >= 10, "{}", born.len());
        let households: Vec<&crate::Household> =
            born.iter().zip(&none).take(20).flat_map(|(a, b)| [*a, *b]).collect();
        let dates = [(2026, 9, 1), (2026, 9, 1), (2021, 3, 1), (2026, 10, 1)]
            .map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
        let mut scratch = super::Scratch::default();
        for (i, household) in households.iter().enumerate() {
            for (k, date) in dates.into_iter().enumerate() {
                let catalogue = if (i + k) % 3 == 0 { &nido } else { &national };
                let kept = catalogue.evaluate_outcomes_with(household, date, &mut scratch);
                assert_eq!(kept, catalogue.evaluate_outcomes(household, date), "{i} {date}");
                let kept = catalogue.evaluate_in_with(household, date, Lang::It, &mut scratch);
                assert_eq!(kept, catalogue.evaluate_in(household, date, Lang::It), "{i} {date}");
            }
        }
    }

    /// The breakdown lists are moved out of a measure's values into its result: the same
    /// household evaluated again with the same scratch (its slots then missing, then
    /// rewritten) has the same breakdown each time, as with a fresh scratch.
    #[test]
    fn a_breakdown_moved_into_its_result_is_computed_again_for_the_next_household() {
        let catalogue = Catalogue::national().unwrap();
        let household = crate::Household::example().unwrap();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let fresh = catalogue.evaluate_outcomes(&household, date);
        let auu = fresh.iter().find(|r| r.measure == "it/assegno-unico").unwrap();
        assert!(auu.eligible && !auu.breakdown.is_empty(), "{auu:?}");
        let mut scratch = super::Scratch::default();
        for _ in 0..3 {
            assert_eq!(catalogue.evaluate_outcomes_with(&household, date, &mut scratch), fresh);
        }
    }

    proptest! {
        /// The Italian date of measures not in force is chrono's `%d/%m/%Y`, inside and
        /// outside the years 0–9999.
        #[test]
        fn italian_dates_are_chronos(days in -1_000_000i32..4_000_000) {
            let d = chrono::NaiveDate::from_num_days_from_ce_opt(days).unwrap();
            prop_assert_eq!(super::date_italian(d), d.format("%d/%m/%Y").to_string());
        }
    }
}
