//! Evaluation: parameters in force on a date, then every definition in dependency order.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use welfare_types::dates::{age_on, whole_months_between, DateRange};
use welfare_types::money::compare_decimals;

use crate::error::EvalError;
use crate::facts::{Facts, FactsView};
use crate::limits::MAX_EVAL_STEPS;
use crate::program::{
    Agg, Arith, Cmp, Code, DateDiff, Dep, Param, ParamData, Program, Table, Version,
};
use crate::syntax::{LegalRef, Text};
use crate::value::Value;

/// A parameter resolved on a date: the version in force, borrowed from the program.
#[derive(Clone, Debug)]
pub(crate) struct ParamAt<'p> {
    pub(crate) version: &'p Version,
}

impl ParamAt<'_> {
    pub(crate) fn data(&self) -> &ParamData {
        &self.version.data
    }
}

/// A program with its parameters resolved on one date: evaluate many households with it.
#[derive(Clone, Debug)]
pub struct Snapshot<'p> {
    pub(crate) program: &'p Program,
    pub(crate) date: NaiveDate,
    pub(crate) params: Vec<ParamAt<'p>>,
}

impl<'p> Snapshot<'p> {
    /// Resolves every parameter on `date`: the most specific rulebook's version in force wins
    /// (comune over ambito over regione over stato). Never falls back to another date.
    pub fn new(program: &'p Program, date: NaiveDate) -> Result<Snapshot<'p>, EvalError> {
        let mut params = Vec::with_capacity(program.params.len());
        for p in &program.params {
            let found =
                p.layers.iter().find_map(|layer| layer.iter().find(|v| v.valid.contains(date)));
            let v = found
                .ok_or_else(|| EvalError::ParameterNotInForce { name: p.name.clone(), date })?;
            params.push(ParamAt { version: v });
        }
        Ok(Snapshot { program, date, params })
    }

    /// The evaluation date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Evaluates one household without building an explanation: the fast path for batches.
    /// `values` is scratch space reused between calls (one slot per definition).
    pub fn run_into(&self, facts: &Facts, values: &mut Vec<Value>) -> Result<(), EvalError> {
        self.run_order(&self.program.order, &[], facts.view(), values)
    }

    /// [`Snapshot::run_into`] on a [`FactsView`]: the facts read where they are, such as a
    /// fact table through a [`crate::Binding`] ([`crate::Binding::view`]).
    pub fn run_into_view(
        &self,
        facts: FactsView<'_>,
        values: &mut Vec<Value>,
    ) -> Result<(), EvalError> {
        self.run_order(&self.program.order, &[], facts, values)
    }

    /// Evaluates one household as [`Snapshot::run_into`] does, but only the definitions of
    /// `plan` (built from this snapshot's program by [`Program::plan`]); the other slots are
    /// left [`Value::Missing`].
    pub fn run_plan(
        &self,
        plan: &crate::program::Plan,
        facts: &Facts,
        values: &mut Vec<Value>,
    ) -> Result<(), EvalError> {
        self.run_plan_view(plan, facts.view(), values)
    }

    /// [`Snapshot::run_plan`] on a [`FactsView`]: the batch path, reading a fact table in
    /// place through a [`crate::Binding`] ([`crate::Binding::view`]).
    pub fn run_plan_view(
        &self,
        plan: &crate::program::Plan,
        facts: FactsView<'_>,
        values: &mut Vec<Value>,
    ) -> Result<(), EvalError> {
        if !plan.is_for(self.program) {
            return Err(EvalError::PlanMismatch);
        }
        self.run_order(&plan.order, &plan.skipped, facts, values)
    }

    /// Sizes `values` for the program, with the slots a plan leaves out missing.
    #[inline]
    pub(crate) fn reset_values(&self, skipped: &[u32], values: &mut Vec<Value>) {
        let n = self.program.defs.len();
        if values.len() != n {
            values.clear();
            values.resize(n, Value::Missing);
        } else {
            // The slots a plan leaves out read as missing (the scratch may hold an earlier
            // household's); every other slot is overwritten by the run.
            for &i in skipped {
                if let Some(v) = values.get_mut(i as usize).filter(|v| **v != Value::Missing) {
                    *v = Value::Missing;
                }
            }
        }
    }

    fn run_order(
        &self,
        order: &[u32],
        skipped: &[u32],
        facts: FactsView<'_>,
        values: &mut Vec<Value>,
    ) -> Result<(), EvalError> {
        self.reset_values(skipped, values);
        let mut run = Run::new(self, facts);
        let compiled = &*self.program.compiled;
        for &i in order {
            run.current = i;
            // The error unboxed only when there is one.
            match compiled.eval_into(i, &mut run, values) {
                Some(Ok(())) => {}
                Some(Err(e)) => return Err(*e),
                None => return Err(EvalError::Limit { what: "definition index".to_owned() }),
            }
        }
        Ok(())
    }

    /// Evaluates every definition as [`Snapshot::run_into`] does, through the compiled
    /// closures or through the tree-walking evaluator, and counts the steps taken: the two
    /// must agree (see the tests of `compile`).
    #[cfg(test)]
    pub(crate) fn run_counted(
        &self,
        facts: &Facts,
        values: &mut Vec<Value>,
        compiled: bool,
    ) -> (Result<(), EvalError>, u64) {
        self.run_counted_from(facts, values, compiled, 0)
    }

    /// [`Snapshot::run_counted`] with `steps` already taken: a count near
    /// [`MAX_EVAL_STEPS`] puts the limit at any chosen step of the evaluation.
    #[cfg(test)]
    pub(crate) fn run_counted_from(
        &self,
        facts: &Facts,
        values: &mut Vec<Value>,
        compiled: bool,
        steps: u64,
    ) -> (Result<(), EvalError>, u64) {
        values.clear();
        values.resize(self.program.defs.len(), Value::Missing);
        let mut run = Run { snap: self, facts: facts.view(), member: None, steps, current: 0 };
        for &i in &self.program.order {
            run.current = i;
            let r = match (compiled, self.program.defs.get(i as usize)) {
                (true, _) => self.program.compiled.eval_into(i, &mut run, values),
                (false, Some(def)) => Some(run.eval(&def.code, values).map(|v| {
                    if let Some(slot) = values.get_mut(i as usize) {
                        *slot = v;
                    }
                })),
                (false, None) => None,
            };
            match r {
                Some(Ok(())) => {}
                Some(Err(e)) => return (Err(*e), run.steps),
                None => return (Err(EvalError::Limit { what: "index".to_owned() }), run.steps),
            }
        }
        (Ok(()), run.steps)
    }

    /// Evaluates one household and returns its outputs (no explanation).
    pub fn outputs(&self, facts: &Facts) -> Result<Outputs, EvalError> {
        let mut values = Vec::new();
        self.run_into(facts, &mut values)?;
        Ok(Outputs { values })
    }

    /// Evaluates one household with the full explanation.
    pub fn evaluate(&self, facts: &Facts) -> Result<Evaluation, EvalError> {
        let out = self.outputs(facts)?;
        Ok(self.explain(facts.view(), &out.values))
    }

    pub(crate) fn explain(&self, facts: FactsView<'_>, values: &[Value]) -> Evaluation {
        let prog = self.program;
        let shown = &prog.shown;
        let mut conditions = Vec::new();
        // The steps wait on the stack, so that the explanation's one large allocation (the
        // steps' vector) comes last: glibc's allocator sorts its cache of small freed blocks
        // (the previous evaluation's) into larger ones when a large block is asked for, and
        // every small allocation after that would cost several times more. Past
        // `EARLY_STEPS`, the rest go straight into a vector.
        let mut early: [Option<Step>; EARLY_STEPS] = [const { None }; EARLY_STEPS];
        let mut late: Vec<Step> = Vec::new();
        let mut count = 0usize;
        // Each definition's and fact's value is formatted once, however many steps read it.
        let mut def_shown: Vec<Option<Shared>> = vec![None; prog.defs.len()];
        let mut input_shown: Vec<Option<Shared>> = vec![None; prog.inputs.len()];
        for &i in &prog.order {
            let (Some(def), Some(sh)) = (prog.defs.get(i as usize), shown.defs.get(i as usize))
            else {
                continue;
            };
            static MISSING: Value = Value::Missing;
            let value = values.get(i as usize).unwrap_or(&MISSING);
            let (json, display) = both(value, &def.ty);
            if let Some(slot) = def_shown.get_mut(i as usize) {
                *slot = Some((json.clone(), display.clone()));
            }
            // A rule an extending rulebook replaces on this date shows the local rule.
            let layer = def.layers.iter().rev().find(|l| l.in_force(self.date)).map(|l| l.shown());
            if def.condition {
                conditions.push(ConditionOutcome {
                    name: sh.name.clone(),
                    label: layer.as_ref().map_or_else(|| sh.label.clone(), |l| l.label.clone()),
                    satisfied: *value == Value::Bool(true),
                    reason: layer.as_ref().map_or_else(|| sh.reason.clone(), |l| l.reason.clone()),
                    reference: layer
                        .as_ref()
                        .map_or_else(|| sh.reference.clone(), |l| l.reference.clone()),
                    replaces: layer.as_ref().map(|l| Box::new(l.replacement.clone())),
                });
            }
            let mut uses: Vec<Used> = Vec::with_capacity(def.deps.len());
            for dep in &def.deps {
                let used = match *dep {
                    Dep::Input(k) => {
                        prog.inputs.get(k as usize).zip(shown.inputs.get(k as usize)).map(
                            |(inp, sh)| {
                                let cached = input_shown.get_mut(k as usize).map(|slot| {
                                    slot.get_or_insert_with(|| {
                                        both(facts.input(k).unwrap_or(&MISSING), &inp.ty)
                                    })
                                    .clone()
                                });
                                let (value, display) = match facts.input(k) {
                                    Some(_) => split(cached),
                                    None => (None, None),
                                };
                                Used::of(sh, UsedKind::Input, value, display, None)
                            },
                        )
                    }
                    Dep::Member(k) => shown
                        .members
                        .get(k as usize)
                        .map(|sh| Used::of(sh, UsedKind::MemberInput, None, None, None)),
                    Dep::Param(k) => self.param_use(k),
                    Dep::Def(k) => {
                        prog.defs.get(k as usize).zip(shown.defs.get(k as usize)).map(|(d, sh)| {
                            let (value, display) = match values.get(k as usize) {
                                Some(v) => split(Some(
                                    match def_shown.get(k as usize).and_then(Option::as_ref) {
                                        Some(cached) => cached.clone(),
                                        None => both(v, &d.ty),
                                    },
                                )),
                                None => (None, None),
                            };
                            Used::of(sh, UsedKind::Definition, value, display, None)
                        })
                    }
                };
                uses.extend(used);
            }
            let dated = shown.dated.get(i as usize).copied().unwrap_or(false);
            crate::builtins::dated_uses(def, dated, self, facts, values, &mut uses);
            let step = Step {
                name: sh.name.clone(),
                kind: if def.condition { StepKind::Condition } else { StepKind::Definition },
                label: layer.as_ref().map_or_else(|| sh.label.clone(), |l| l.label.clone()),
                formula: layer.as_ref().map_or_else(|| sh.formula.clone(), |l| l.formula.clone()),
                ty: sh.ty.clone(),
                value: json,
                display,
                output: def.output,
                uses,
                reference: layer
                    .as_ref()
                    .map_or_else(|| sh.reference.clone(), |l| l.reference.clone()),
                replaces: layer.map(|l| Box::new(l.replacement)),
            };
            match early.get_mut(count) {
                Some(slot) => *slot = Some(step),
                None => {
                    if late.capacity() == 0 {
                        late.reserve_exact(prog.order.len().saturating_sub(EARLY_STEPS));
                    }
                    late.push(step);
                }
            }
            count += 1;
        }
        let eligible = conditions.iter().all(|c| c.satisfied);
        // Inserted from the last name to the first: each insertion then finds its place at
        // the first key of each node it passes, and no large vector is needed to build the
        // map at once (see `early`).
        let mut outputs = BTreeMap::new();
        for &i in shown.outputs_by_name.iter().rev() {
            if let (Some(sh), Some(Some((json, _)))) =
                (shown.defs.get(i as usize), def_shown.get(i as usize))
            {
                outputs.insert(sh.name.clone(), (**json).clone());
            }
        }
        let (rulebook, title, authority, legal_basis) = (
            prog.id.clone(),
            prog.title.clone(),
            prog.authority.name.clone(),
            prog.legal_basis.clone(),
        );
        let mut steps = Vec::with_capacity(count);
        steps.extend(early.iter_mut().take(count).filter_map(Option::take));
        steps.append(&mut late);
        Evaluation {
            rulebook,
            title,
            authority,
            date: self.date,
            eligible,
            outputs,
            conditions,
            legal_basis,
            explanation: Explanation { steps },
        }
    }

    /// A parameter as an explanation shows it: a value or a scale in full; a band table as a
    /// short summary (the row actually read shows in the definitions that read it, as
    /// `fascia`/`riga` values), so that explaining a rulebook with a 252-row table costs no
    /// more than one with a single threshold. The full table is in
    /// [`Program::parameter_snapshot`].
    fn param_use(&self, k: u32) -> Option<Used> {
        let prog = self.program;
        let (p, sh, at) = (
            prog.params.get(k as usize)?,
            prog.shown.params.get(k as usize)?,
            self.params.get(k as usize)?,
        );
        let (value, display) = shown_version(p, at.version).clone();
        let parameter = ParameterUse {
            valid: at.version.valid,
            source: at.version.source.clone(),
            rulebook: at.version.rulebook.clone(),
            reference: sh.reference.clone(),
        };
        Some(Used::of(sh, UsedKind::Parameter, Some(value), Some(display), Some(parameter)))
    }
}

/// A parameter's version as explanations show it (see [`Snapshot::param_use`]), written the
/// first time an explanation reads it and kept with the version.
pub(crate) fn shown_version<'v>(p: &Param, version: &'v Version) -> &'v Shared {
    version.rendered.shared.get_or_init(|| match &version.data {
        ParamData::Value(v) => both(v, &p.ty),
        other => {
            let summary = summarise_param(p, other);
            (Arc::new(serde_json::Value::String(summary.clone())), Arc::from(summary))
        }
    })
}

/// A band table in a few words (its size and columns); a value or a scale in full.
fn summarise_param(p: &Param, data: &ParamData) -> String {
    match data {
        ParamData::Value(_) | ParamData::Scale(_) => render_param(p, data),
        ParamData::Table(t) => {
            let columns: Vec<&str> = p.columns.iter().map(|(name, _)| name.as_str()).collect();
            format!("band table of {} rows ({})", t.bounds.len(), columns.join(", "))
        }
    }
}

impl Used {
    pub(crate) fn of(
        sh: &crate::program::Shown,
        kind: UsedKind,
        value: Option<Arc<serde_json::Value>>,
        display: Option<Arc<str>>,
        parameter: Option<ParameterUse>,
    ) -> Used {
        Used {
            name: sh.name.clone(),
            kind,
            ty: sh.ty.clone(),
            label: sh.label.clone(),
            value,
            display,
            parameter,
        }
    }
}

/// Outputs of a fast evaluation: one value per definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outputs {
    pub(crate) values: Vec<Value>,
}

impl Outputs {
    /// The value of a definition or condition by name.
    pub fn get<'a>(&'a self, program: &Program, name: &str) -> Option<&'a Value> {
        program.def_index(name).and_then(|i| self.values.get(i))
    }

    /// Whether every eligibility condition holds.
    pub fn eligible(&self, program: &Program) -> bool {
        program
            .defs
            .iter()
            .zip(&self.values)
            .filter(|(d, _)| d.condition)
            .all(|(_, v)| *v == Value::Bool(true))
    }
}

/// The outcome of one eligibility condition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConditionOutcome {
    /// Name.
    pub name: Arc<str>,
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Arc<Text>>,
    /// Whether it holds.
    pub satisfied: bool,
    /// The reason shown when it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Arc<Text>>,
    /// The norm it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Arc<LegalRef>>,
    /// The extended rulebook's rule this one replaced on this date (a comune's own rule);
    /// boxed, as few conditions have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Box<crate::syntax::Replacement>>,
}

/// What an explanation step read.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UsedKind {
    /// A household fact.
    Input,
    /// A member fact (read once per member; values not repeated).
    MemberInput,
    /// A parameter.
    Parameter,
    /// Another definition.
    Definition,
}

/// A parameter's version as used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ParameterUse {
    /// Validity of the version in force.
    pub valid: DateRange,
    /// The act that set it.
    pub source: Arc<str>,
    /// The rulebook the version comes from (shows which layer won: comune over stato).
    pub rulebook: Arc<str>,
    /// The parameter's legal reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Arc<LegalRef>>,
}

/// One value an explanation step read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Used {
    /// Name.
    pub name: Arc<str>,
    /// What it is.
    pub kind: UsedKind,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: Arc<str>,
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Arc<Text>>,
    /// Value as JSON (shared with the step that computed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Arc<serde_json::Value>>,
    /// Value as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<Arc<str>>,
    /// Validity and source, for parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<ParameterUse>,
}

/// Definition or condition.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// A definition.
    Definition,
    /// An eligibility condition.
    Condition,
}

/// One computed definition in the explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Step {
    /// Name.
    pub name: Arc<str>,
    /// Definition or condition.
    pub kind: StepKind,
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Arc<Text>>,
    /// The formula (whitespace collapsed).
    pub formula: Arc<str>,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: Arc<str>,
    /// The value as JSON (shared with the steps that read it).
    pub value: Arc<serde_json::Value>,
    /// The value as text.
    pub display: Arc<str>,
    /// Whether it is an output.
    pub output: bool,
    /// What it read, in order of first use.
    pub uses: Vec<Used>,
    /// Its legal reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Arc<LegalRef>>,
    /// The extended rulebook's rule this one replaced on this date; boxed, as few steps have
    /// one (a step is copied into the explanation: it is kept small).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Box<crate::syntax::Replacement>>,
}

/// The explanation: every definition in evaluation order with what it used. Each step's
/// `uses` names earlier steps, so the steps form a tree rooted at the outputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Explanation {
    /// Steps in evaluation order.
    pub steps: Vec<Step>,
}

/// The result of an explained evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Evaluation {
    /// The rulebook id.
    pub rulebook: String,
    /// Its title.
    pub title: Text,
    /// The adopting authority's name.
    pub authority: String,
    /// The evaluation date.
    pub date: NaiveDate,
    /// Whether every eligibility condition holds.
    pub eligible: bool,
    /// Outputs by name: money and decimals as exact strings, booleans, dates, `null` if missing.
    /// The names are shared with the program (`outputs["importo"]` and `outputs.get("importo")`
    /// read them as text).
    pub outputs: BTreeMap<Arc<str>, serde_json::Value>,
    /// Every eligibility condition with its outcome.
    pub conditions: Vec<ConditionOutcome>,
    /// The rulebook's legal basis.
    pub legal_basis: Vec<LegalRef>,
    /// The explanation.
    pub explanation: Explanation,
}

impl Program {
    /// Resolves the parameters on `date`; see [`Snapshot`].
    pub fn snapshot(&self, date: NaiveDate) -> Result<Snapshot<'_>, EvalError> {
        Snapshot::new(self, date)
    }

    /// Evaluates one household on `date` with the full explanation.
    pub fn evaluate(&self, facts: &Facts, date: NaiveDate) -> Result<Evaluation, EvalError> {
        Snapshot::new(self, date)?.evaluate(facts)
    }
}

pub(crate) fn render_param(p: &Param, data: &ParamData) -> String {
    match data {
        ParamData::Value(v) => v.display(&p.ty),
        ParamData::Scale(points) => {
            let parts: Vec<String> = points.iter().map(|(x, y)| format!("({x}, {y})")).collect();
            format!("[{}]", parts.join(", "))
        }
        ParamData::Table(t) => {
            let mut rows = Vec::new();
            for (r, b) in t.bounds.iter().enumerate() {
                let cells: Vec<String> = p
                    .columns
                    .iter()
                    .zip(&t.cells)
                    .map(|((name, _), col)| {
                        format!("{name}={}", col.get(r).map(|d| d.to_string()).unwrap_or_default())
                    })
                    .collect();
                let bound = b.map_or_else(|| "∞".to_owned(), |b| b.to_string());
                rows.push(format!("≤{bound}: {}", cells.join(" ")));
            }
            rows.join("; ")
        }
    }
}

pub(crate) struct Run<'s, 'p> {
    pub(crate) snap: &'s Snapshot<'p>,
    pub(crate) facts: FactsView<'s>,
    pub(crate) member: Option<&'s [Value]>,
    steps: u64,
    current: u32,
}

impl<'s, 'p> Run<'s, 'p> {
    /// A run of one household: no step taken yet.
    #[inline]
    pub(crate) fn new(snap: &'s Snapshot<'p>, facts: FactsView<'s>) -> Self {
        Run { snap, facts, member: None, steps: 0, current: 0 }
    }

    /// Evaluates definition `i` of `compiled` (the snapshot's program's, taken once by a
    /// caller evaluating many) into its slot, counting its steps with the run's; `false` on
    /// any error (the caller runs the whole plan again to learn which).
    #[inline]
    pub(crate) fn def_into(
        &mut self,
        compiled: &crate::compile::Compiled,
        i: u32,
        values: &mut [Value],
    ) -> bool {
        self.current = i;
        matches!(compiled.eval_into(i, self, values), Some(Ok(())))
    }
}

impl<'s> Run<'s, '_> {
    /// The household input `i`, `None` past the program's inputs.
    #[inline(always)]
    pub(crate) fn input(&self, i: u32) -> Option<&'s Value> {
        self.facts.input(i)
    }

    /// The member input `i` of the member being read, `None` outside a member context.
    #[inline(always)]
    pub(crate) fn member_input(&self, i: u32) -> Option<&'s Value> {
        self.member.and_then(|row| self.facts.member_input(row, i))
    }
}

/// `x / y`, refusing a zero divisor.
#[inline]
pub(crate) fn divide(run: &Run<'_, '_>, x: Decimal, y: Decimal) -> Result<Decimal, Box<EvalError>> {
    if y.is_zero() {
        return Err(Box::new(run.arith_err("division by zero")));
    }
    x.checked_div(y).ok_or_else(|| run.overflow())
}

/// [`divide`] without its errors: `None` for a zero divisor or an overflow (generated code).
#[inline(always)]
pub(crate) fn checked_divide(x: Decimal, y: Decimal) -> Option<Decimal> {
    if y.is_zero() {
        return None;
    }
    x.checked_div(y)
}

/// `limita(x, lo, hi)`; `None` when the lower bound is above the upper one.
#[inline]
pub(crate) fn clamp_values(x: Decimal, lo: Decimal, hi: Decimal) -> Option<Decimal> {
    if compare_decimals(&lo, &hi).is_gt() {
        return None;
    }
    Some(dec_min(dec_max(x, lo), hi))
}

/// Why `somma(lista)` failed: an item that is not a number, or a sum past the decimal range.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum SumFailure {
    NotANumber,
    Overflow,
}

/// `somma(lista)`: the items added in order, each a number.
#[inline]
pub(crate) fn sum_items(items: &[Value]) -> Result<Decimal, SumFailure> {
    items.iter().try_fold(Decimal::ZERO, |sum, v| {
        let d = v.as_decimal().ok_or(SumFailure::NotANumber)?;
        sum.checked_add(d).ok_or(SumFailure::Overflow)
    })
}

/// `almeno_uno(lista)`: whether an item is `true`.
#[inline]
pub(crate) fn any_true(items: &[Value]) -> bool {
    items.contains(&Value::Bool(true))
}

/// `tutti(lista)`: whether every item is `true`.
#[inline]
pub(crate) fn all_true(items: &[Value]) -> bool {
    items.iter().all(|v| *v == Value::Bool(true))
}

/// The whole number of `kind` (age, months, years) from `from` to `to`.
#[inline]
pub(crate) fn span_count(
    kind: DateDiff,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<u32, welfare_types::dates::DateError> {
    Ok(match kind {
        DateDiff::Age => age_on(from, to)?,
        DateDiff::Months => whole_months_between(from, to)?,
        DateDiff::Years => whole_months_between(from, to)? / 12,
    })
}

/// Whether an item of `x in [...]` is `x`: numbers by value, anything else by equality.
#[inline(always)]
pub(crate) fn same_item(x: &Value, item: &Value) -> bool {
    match (x, item) {
        (Value::Num(p), Value::Num(q)) => compare_decimals(p, q).is_eq(),
        _ => x == item,
    }
}

pub(crate) fn interpolate(points: &[(Decimal, Decimal)], x: Decimal) -> Option<Decimal> {
    let (first, last) = (points.first()?, points.last()?);
    if compare_decimals(&x, &first.0).is_le() {
        return Some(first.1);
    }
    if compare_decimals(&x, &last.0).is_ge() {
        return Some(last.1);
    }
    let i = points.partition_point(|p| compare_decimals(&p.0, &x).is_le());
    let (a, b) = (points.get(i.checked_sub(1)?)?, points.get(i)?);
    let dx = b.0.checked_sub(a.0)?;
    let dy = b.1.checked_sub(a.1)?;
    let t = x.checked_sub(a.0)?.checked_mul(dy)?.checked_div(dx)?;
    a.1.checked_add(t)
}

/// The row whose bound first covers `x` (bounds are inclusive); `None` above the last bound.
fn band(t: &Table, x: Decimal) -> Option<usize> {
    // An amount of at most the bounds' scale compares as an integer with each bound.
    let fast = t.scaled.as_ref().and_then(|s| {
        let m = crate::program::rescale(x.mantissa(), s.scale.checked_sub(x.scale())?)?;
        Some(s.bounds.partition_point(|b| *b < m))
    });
    let i = fast.unwrap_or_else(|| {
        t.bounds.partition_point(|b| matches!(b, Some(b) if compare_decimals(b, &x).is_lt()))
    });
    (i < t.bounds.len()).then_some(i)
}

/// `x op y`: numbers and dates by value, anything else (text, enums, booleans) by equality;
/// `None` when either is missing.
#[inline]
pub(crate) fn compare_values(op: Cmp, x: &Value, y: &Value) -> Option<bool> {
    let ord = match (x, y) {
        (Value::Num(p), Value::Num(q)) => compare_decimals(p, q),
        (Value::Date(p), Value::Date(q)) => p.cmp(q),
        (Value::Missing, _) | (_, Value::Missing) => return None,
        _ => {
            let eq = x == y;
            return Some(match op {
                Cmp::Eq => eq,
                _ => !eq,
            });
        }
    };
    Some(op.holds(ord))
}

/// `min(…)` or `max(…)` of values computed in order (an empty list gives 0); the first error
/// stops the computation.
pub(crate) fn extreme<E>(
    is_min: bool,
    values: impl Iterator<Item = Result<Decimal, E>>,
) -> Result<Decimal, E> {
    let mut best: Option<Decimal> = None;
    for v in values {
        let v = v?;
        best = Some(match best {
            None => v,
            Some(b) if is_min => dec_min(b, v),
            Some(b) => dec_max(b, v),
        });
    }
    Ok(best.unwrap_or_default())
}

/// The smaller of two numbers; `a` when they are equal in value.
#[inline]
pub(crate) fn dec_min(a: Decimal, b: Decimal) -> Decimal {
    if compare_decimals(&b, &a) == std::cmp::Ordering::Less {
        b
    } else {
        a
    }
}

/// The larger of two numbers; `b` when they are equal in value.
#[inline]
pub(crate) fn dec_max(a: Decimal, b: Decimal) -> Decimal {
    if compare_decimals(&b, &a) == std::cmp::Ordering::Less {
        a
    } else {
        b
    }
}

/// The error of an evaluation past [`MAX_EVAL_STEPS`]: out of line, so that counting a step
/// stays two instructions wherever it is inlined.
#[cold]
#[inline(never)]
fn too_many_steps() -> Box<EvalError> {
    Box::new(EvalError::Limit { what: format!("at most {MAX_EVAL_STEPS} evaluation steps") })
}

impl<'s> Run<'s, '_> {
    /// Counts one evaluated expression node against [`MAX_EVAL_STEPS`].
    #[inline]
    pub(crate) fn tick(&mut self) -> Result<(), Box<EvalError>> {
        self.steps += 1;
        if self.steps > MAX_EVAL_STEPS {
            return Err(too_many_steps());
        }
        Ok(())
    }

    /// Counts `n` nodes entered one after the other, with nothing evaluated between them:
    /// exactly `n` calls of [`Run::tick`] (the same error, and the count left where the
    /// first step past the limit leaves it), with one test.
    #[inline]
    pub(crate) fn tick_n(&mut self, n: u64) -> Result<(), Box<EvalError>> {
        self.steps += n;
        if self.steps > MAX_EVAL_STEPS {
            return Err(self.past_limit());
        }
        Ok(())
    }

    /// The error of [`Run::tick_n`] past the limit; the count set where single steps stop.
    #[cold]
    #[inline(never)]
    fn past_limit(&mut self) -> Box<EvalError> {
        self.steps = self.steps.min(MAX_EVAL_STEPS + 1);
        too_many_steps()
    }

    /// The value of a leaf node (a constant, a fact, a value parameter, a definition already
    /// computed), borrowed instead of cloned; `None` for any other node. The caller counts
    /// the step, as [`Run::eval`] would.
    #[inline]
    fn leaf<'a>(&self, code: &'a Code, vals: &'a [Value]) -> Option<&'a Value>
    where
        's: 'a,
    {
        static MISSING: Value = Value::Missing;
        match code {
            Code::Const(v) => Some(v),
            Code::Def(i) => Some(vals.get(*i as usize).unwrap_or(&MISSING)),
            Code::Input(i) => Some(self.input(*i).unwrap_or(&MISSING)),
            Code::Member(i) => Some(self.member_input(*i).unwrap_or(&MISSING)),
            Code::Param(i) => match self.snap.params.get(*i as usize).map(ParamAt::data) {
                Some(ParamData::Value(v)) => Some(v),
                _ => None,
            },
            _ => None,
        }
    }

    fn name(&self) -> String {
        self.snap.program.def_name(self.current)
    }

    pub(crate) fn arith_err(&self, reason: &str) -> EvalError {
        EvalError::Arithmetic { definition: self.name(), reason: reason.to_owned() }
    }

    /// The error for a value that is missing or not of the type its node needs.
    #[cold]
    #[inline(never)]
    pub(crate) fn missing(&self) -> Box<EvalError> {
        Box::new(EvalError::MissingValue { definition: self.name() })
    }

    /// The error of a list's sum ([`sum_items`]).
    #[cold]
    #[inline(never)]
    pub(crate) fn sum_failure(&self, f: SumFailure) -> Box<EvalError> {
        match f {
            SumFailure::NotANumber => self.missing(),
            SumFailure::Overflow => self.overflow(),
        }
    }

    /// The error for an arithmetic result out of the decimal range.
    #[cold]
    #[inline(never)]
    pub(crate) fn overflow(&self) -> Box<EvalError> {
        Box::new(self.arith_err("overflow"))
    }

    #[inline]
    fn num(&mut self, code: &Code, vals: &[Value]) -> Result<Decimal, Box<EvalError>> {
        self.tick()?;
        self.num_node(code, vals)
    }

    #[inline]
    fn boolean(&mut self, code: &Code, vals: &[Value]) -> Result<bool, Box<EvalError>> {
        self.tick()?;
        self.bool_node(code, vals)
    }

    /// A number read as an operand of a comparison: `None` when it is missing (the
    /// comparison then fails as [`Run::compare`] does, after evaluating both sides).
    #[inline]
    fn num_or_missing(
        &mut self,
        code: &Code,
        vals: &[Value],
    ) -> Result<Option<Decimal>, Box<EvalError>> {
        if let Some(v) = self.leaf(code, vals) {
            self.tick()?;
            return match v {
                Value::Num(d) => Ok(Some(*d)),
                Value::Missing => Ok(None),
                _ => Err(self.missing()),
            };
        }
        self.num(code, vals).map(Some)
    }

    pub(crate) fn date(
        &mut self,
        code: &Code,
        vals: &[Value],
    ) -> Result<NaiveDate, Box<EvalError>> {
        if let Some(v) = self.leaf(code, vals) {
            self.tick()?;
            return match v {
                Value::Date(d) => Ok(*d),
                _ => Err(Box::new(EvalError::MissingValue { definition: self.name() })),
            };
        }
        match self.eval(code, vals)? {
            Value::Date(d) => Ok(d),
            _ => Err(Box::new(EvalError::MissingValue { definition: self.name() })),
        }
    }

    fn table(&self, i: u32) -> Result<&Table, Box<EvalError>> {
        match self.snap.params.get(i as usize).map(ParamAt::data) {
            Some(ParamData::Table(t)) => Ok(t),
            _ => Err(Box::new(EvalError::MissingValue { definition: self.name() })),
        }
    }

    /// `clamp(x, lo, hi)`, refusing a lower bound above the upper one.
    pub(crate) fn clamp(
        &self,
        x: Decimal,
        lo: Decimal,
        hi: Decimal,
    ) -> Result<Decimal, Box<EvalError>> {
        clamp_values(x, lo, hi).ok_or_else(|| {
            Box::new(self.arith_err("clamp with a lower bound above the upper bound"))
        })
    }

    /// `interpola(x, scala)` for a scale parameter.
    pub(crate) fn interpolate_param(&self, p: u32, x: Decimal) -> Result<Decimal, Box<EvalError>> {
        match self.snap.params.get(p as usize).map(ParamAt::data) {
            Some(ParamData::Scale(points)) => interpolate(points, x).ok_or_else(|| self.overflow()),
            _ => Err(self.missing()),
        }
    }

    /// The row of a band table whose bound first covers `x`.
    fn row_of(&self, table: u32, x: Decimal) -> Result<(&Table, usize), Box<EvalError>> {
        let t = self.table(table)?;
        let row = band(t, x).ok_or_else(|| EvalError::RowOutOfRange {
            table: self.table_name(table),
            row: "above the last bound".to_owned(),
        })?;
        Ok((t, row))
    }

    /// `cerca(tabella, x)`: a column of the row covering `x`.
    pub(crate) fn lookup(
        &self,
        table: u32,
        column: u32,
        x: Decimal,
    ) -> Result<Decimal, Box<EvalError>> {
        let (t, row) = self.row_of(table, x)?;
        let v = t.cells.get(column as usize).and_then(|c| c.get(row)).copied();
        Ok(v.ok_or_else(|| EvalError::RowOutOfRange {
            table: self.table_name(table),
            row: (row + 1).to_string(),
        })?)
    }

    /// `fascia(tabella, x)`: the number (from 1) of the row covering `x`.
    pub(crate) fn band_number(&self, table: u32, x: Decimal) -> Result<Decimal, Box<EvalError>> {
        let (_, row) = self.row_of(table, x)?;
        Ok(Decimal::from(row as u64 + 1))
    }

    fn table_name(&self, i: u32) -> String {
        self.snap.program.params.get(i as usize).map(|p| p.name.clone()).unwrap_or_default()
    }

    /// Evaluates `code` when its value is only read: a leaf is borrowed, anything else is
    /// computed into `slot`.
    #[inline]
    fn operand<'a>(
        &mut self,
        code: &'a Code,
        vals: &'a [Value],
        slot: &'a mut Value,
    ) -> Result<&'a Value, Box<EvalError>>
    where
        's: 'a,
    {
        if let Some(v) = self.leaf(code, vals) {
            self.tick()?;
            return Ok(v);
        }
        *slot = self.eval(code, vals)?;
        Ok(slot)
    }

    /// A node of numeric type, computed without going through [`Value`]: the typed half of
    /// the evaluator, called by [`Run::num`] (and by [`Run::eval`] for these nodes) after the
    /// step is counted. Any other node falls back to [`Run::eval`], which counts it itself.
    pub(crate) fn num_node(
        &mut self,
        code: &Code,
        vals: &[Value],
    ) -> Result<Decimal, Box<EvalError>> {
        match code {
            Code::Const(_) | Code::Def(_) | Code::Input(_) | Code::Member(_) | Code::Param(_) => {
                match self.leaf(code, vals) {
                    Some(Value::Num(d)) => Ok(*d),
                    _ => Err(self.missing()),
                }
            }
            Code::Neg(c) => Ok(-self.num(c, vals)?),
            Code::Arith(op, a, b) => {
                let (x, y) = (self.num(a, vals)?, self.num(b, vals)?);
                let r = match op {
                    Arith::Add => x.checked_add(y),
                    Arith::Sub => x.checked_sub(y),
                    Arith::Mul => x.checked_mul(y),
                    Arith::Div => return divide(self, x, y),
                };
                r.ok_or_else(|| self.overflow())
            }
            Code::Min(_)
            | Code::Max(_)
            | Code::Clamp(..)
            | Code::InterpolateConst(..)
            | Code::InterpolateParam(..)
            | Code::Lookup { .. }
            | Code::Band { .. }
            | Code::Row { .. } => self.table_node(code, vals),
            Code::Round(x, rounding) => Ok(rounding.apply(self.num(x, vals)?)),
            Code::If(c, a, b) => {
                if self.boolean(c, vals)? {
                    self.num(a, vals)
                } else {
                    self.num(b, vals)
                }
            }
            Code::DateDiff(kind, a, b) => self.date_diff(*kind, a, b.as_deref(), vals),
            Code::Members { agg: agg @ (Agg::Count | Agg::Sum), body, filter } => {
                match self.members(*agg, body.as_deref(), filter.as_deref(), vals)? {
                    Value::Num(d) => Ok(d),
                    _ => Err(self.missing()),
                }
            }
            _ => {
                self.steps -= 1;
                match self.eval(code, vals)? {
                    Value::Num(d) => Ok(d),
                    _ => Err(Box::new(EvalError::MissingValue { definition: self.name() })),
                }
            }
        }
    }

    /// The numeric nodes that read tables, scales or several operands: kept out of
    /// [`Run::num_node`] so that arithmetic and conditionals stay small.
    #[inline(never)]
    fn table_node(&mut self, code: &Code, vals: &[Value]) -> Result<Decimal, Box<EvalError>> {
        match code {
            Code::Min(items) | Code::Max(items) => {
                let is_min = matches!(code, Code::Min(_));
                extreme(is_min, items.iter().map(|item| self.num(item, vals)))
            }
            Code::Clamp(x, lo, hi) => {
                let (x, lo, hi) = (self.num(x, vals)?, self.num(lo, vals)?, self.num(hi, vals)?);
                self.clamp(x, lo, hi)
            }
            Code::InterpolateConst(x, points) => {
                let x = self.num(x, vals)?;
                Ok(interpolate(points, x).ok_or_else(|| self.arith_err("overflow"))?)
            }
            Code::InterpolateParam(x, p) => {
                let x = self.num(x, vals)?;
                self.interpolate_param(*p, x)
            }
            Code::Lookup { table, key, column } => {
                let x = self.num(key, vals)?;
                self.lookup(*table, *column, x)
            }
            Code::Band { table, key } => {
                let x = self.num(key, vals)?;
                self.band_number(*table, x)
            }
            Code::Row { table, row, column } => {
                let n = self.num(row, vals)?;
                self.row(*table, *column, n)
            }
            _ => Err(Box::new(EvalError::MissingValue { definition: self.name() })),
        }
    }

    /// `riga(tabella, n, colonna)`: a column of row `n` (from 1).
    pub(crate) fn row(
        &self,
        table: u32,
        column: u32,
        n: Decimal,
    ) -> Result<Decimal, Box<EvalError>> {
        let t = self.table(table)?;
        // Row numbers are whole: their mantissa is the number (no truncation to do).
        let whole = if n.scale() == 0 { n.mantissa() } else { n.trunc().mantissa() };
        let idx = usize::try_from(whole).ok().filter(|i| *i >= 1).map(|i| i - 1);
        let v = idx.and_then(|i| t.cells.get(column as usize).and_then(|c| c.get(i))).copied();
        Ok(v.ok_or_else(|| EvalError::RowOutOfRange {
            table: self.table_name(table),
            row: n.to_string(),
        })?)
    }

    /// `a op b`: numbers and dates by value, anything else (text, enums, booleans) by
    /// equality. Kept out of [`Run::bool_node`] so that the logic nodes around it stay small.
    #[inline(never)]
    fn compare(
        &mut self,
        op: Cmp,
        a: &Code,
        b: &Code,
        vals: &[Value],
    ) -> Result<bool, Box<EvalError>> {
        let (mut sx, mut sy) = (Value::Missing, Value::Missing);
        let x = self.operand(a, vals, &mut sx)?;
        let y = self.operand(b, vals, &mut sy)?;
        compare_values(op, x, y).ok_or_else(|| self.missing())
    }

    /// `x mancante` / `x presente`.
    #[inline(never)]
    fn is_missing(
        &mut self,
        c: &Code,
        present: bool,
        vals: &[Value],
    ) -> Result<bool, Box<EvalError>> {
        let mut slot = Value::Missing;
        let missing = matches!(self.operand(c, vals, &mut slot)?, Value::Missing);
        Ok(missing != present)
    }

    /// `x in [a, b, …]`.
    #[inline(never)]
    fn one_of(&mut self, x: &Code, items: &[Code], vals: &[Value]) -> Result<bool, Box<EvalError>> {
        let mut sv = Value::Missing;
        let v = self.operand(x, vals, &mut sv)?;
        let mut found = false;
        for item in items {
            let mut sw = Value::Missing;
            let w = self.operand(item, vals, &mut sw)?;
            if same_item(v, w) {
                found = true;
                break;
            }
        }
        Ok(found)
    }

    /// A node of boolean type, computed without going through [`Value`]; see
    /// [`Run::num_node`].
    pub(crate) fn bool_node(
        &mut self,
        code: &Code,
        vals: &[Value],
    ) -> Result<bool, Box<EvalError>> {
        match code {
            Code::Const(_) | Code::Def(_) | Code::Input(_) | Code::Member(_) | Code::Param(_) => {
                match self.leaf(code, vals) {
                    Some(Value::Bool(b)) => Ok(*b),
                    _ => Err(self.missing()),
                }
            }
            Code::Not(c) => Ok(!self.boolean(c, vals)?),
            Code::IsMissing(c, present) => self.is_missing(c, *present, vals),
            Code::Cmp(op, a, b) => self.compare(*op, a, b, vals),
            Code::CmpNum(op, a, b) => {
                let (x, y) = (self.num_or_missing(a, vals)?, self.num_or_missing(b, vals)?);
                match (x, y) {
                    (Some(x), Some(y)) => Ok(op.holds(compare_decimals(&x, &y))),
                    _ => Err(self.missing()),
                }
            }
            Code::Members { agg: agg @ (Agg::Any | Agg::All), body, filter } => {
                match self.members(*agg, body.as_deref(), filter.as_deref(), vals)? {
                    Value::Bool(b) => Ok(b),
                    _ => Err(self.missing()),
                }
            }
            Code::And(a, b) => Ok(self.boolean(a, vals)? && self.boolean(b, vals)?),
            Code::Or(a, b) => Ok(self.boolean(a, vals)? || self.boolean(b, vals)?),
            Code::In(x, items) => self.one_of(x, items, vals),
            Code::If(c, a, b) => {
                if self.boolean(c, vals)? {
                    self.boolean(a, vals)
                } else {
                    self.boolean(b, vals)
                }
            }
            _ => {
                self.steps -= 1;
                match self.eval(code, vals)? {
                    Value::Bool(b) => Ok(b),
                    _ => Err(Box::new(EvalError::MissingValue { definition: self.name() })),
                }
            }
        }
    }

    /// An aggregation over the members (`conta`, `somma`, `almeno_uno`, `tutti`).
    fn members(
        &mut self,
        agg: Agg,
        body: Option<&Code>,
        filter: Option<&Code>,
        vals: &[Value],
    ) -> Result<Value, Box<EvalError>> {
        let facts = self.facts;
        let mut count = 0u64;
        let mut sum = Decimal::ZERO;
        let mut all = true;
        let mut any = false;
        for m in facts.member_rows() {
            self.member = Some(m);
            let keep = match filter {
                Some(f) => self.boolean(f, vals)?,
                None => true,
            };
            if !keep {
                continue;
            }
            match (agg, body) {
                (Agg::Count, _) => count += 1,
                (Agg::Sum, Some(b)) => {
                    let v = self.num(b, vals)?;
                    sum = sum.checked_add(v).ok_or_else(|| self.arith_err("overflow"))?;
                }
                (Agg::Any | Agg::All, Some(b)) => {
                    let v = self.boolean(b, vals)?;
                    any |= v;
                    all &= v;
                }
                _ => {}
            }
        }
        self.member = None;
        Ok(match agg {
            Agg::Count => Value::Num(Decimal::from(count)),
            Agg::Sum => Value::Num(sum),
            Agg::Any => Value::Bool(any),
            Agg::All => Value::Bool(all),
        })
    }

    /// Age, whole months or whole years from one date to another (or to the evaluation date).
    pub(crate) fn date_diff(
        &mut self,
        kind: DateDiff,
        a: &Code,
        b: Option<&Code>,
        vals: &[Value],
    ) -> Result<Decimal, Box<EvalError>> {
        let from = self.date(a, vals)?;
        let to = match b {
            Some(b) => self.date(b, vals)?,
            None => self.snap.date,
        };
        self.date_span(kind, from, to)
    }

    /// Age, whole months or whole years from `from` to `to`.
    #[inline]
    pub(crate) fn date_span(
        &self,
        kind: DateDiff,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Decimal, Box<EvalError>> {
        let n = span_count(kind, from, to)
            .map_err(|e| EvalError::Date { definition: self.name(), reason: e.to_string() })?;
        Ok(Decimal::from(n))
    }

    pub(crate) fn eval(&mut self, code: &Code, vals: &[Value]) -> Result<Value, Box<EvalError>> {
        self.tick()?;
        Ok(match code {
            Code::Const(v) => v.clone(),
            Code::Input(i) => self.input(*i).cloned().unwrap_or_default(),
            Code::Member(i) => self.member_input(*i).cloned().unwrap_or_default(),
            Code::Param(i) => match self.snap.params.get(*i as usize).map(ParamAt::data) {
                Some(ParamData::Value(v)) => v.clone(),
                _ => return Err(Box::new(EvalError::MissingValue { definition: self.name() })),
            },
            Code::Def(i) => vals.get(*i as usize).cloned().unwrap_or_default(),
            numeric if numeric.is_numeric() => Value::Num(self.num_node(code, vals)?),
            boolean if boolean.is_boolean() => Value::Bool(self.bool_node(code, vals)?),
            Code::If(c, a, b) => {
                if self.boolean(c, vals)? {
                    self.eval(a, vals)?
                } else {
                    self.eval(b, vals)?
                }
            }
            _ => self.eval_other(code, vals)?,
        })
    }

    /// The nodes [`Run::eval`] hands on: lists, aggregations, dates and built-in functions,
    /// kept apart so that the common nodes' function stays small. The step is counted.
    #[inline(never)]
    fn eval_other(&mut self, code: &Code, vals: &[Value]) -> Result<Value, Box<EvalError>> {
        Ok(match code {
            Code::Today => Value::Date(self.snap.date),
            Code::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item, vals)?);
                }
                Value::List(out.into())
            }
            Code::Members { agg, body, filter } => {
                self.members(*agg, body.as_deref(), filter.as_deref(), vals)?
            }
            Code::ListAgg { agg, list } => {
                let items = match self.eval(list, vals)? {
                    Value::List(items) => items,
                    Value::Missing => {
                        return Err(Box::new(EvalError::MissingValue { definition: self.name() }))
                    }
                    _ => return Err(Box::new(EvalError::MissingValue { definition: self.name() })),
                };
                match agg {
                    Agg::Count => Value::Num(Decimal::from(items.len() as u64)),
                    Agg::Sum => Value::Num(sum_items(&items).map_err(|f| self.sum_failure(f))?),
                    Agg::Any => Value::Bool(any_true(&items)),
                    Agg::All => Value::Bool(all_true(&items)),
                }
            }
            Code::DateDiff(kind, a, b) => {
                Value::Num(self.date_diff(*kind, a, b.as_deref(), vals)?)
            }
            Code::ValueOr(a, b) => match self.eval(a, vals)? {
                Value::Missing => self.eval(b, vals)?,
                v => v,
            },
            Code::Builtin(b) => {
                let (snap, facts, current) = (self.snap, self.facts, self.current);
                let n = facts.member_count();
                crate::builtins::eval(b, snap, n, current, &mut |code, member| {
                    let outer = self.member;
                    if let Some(i) = member {
                        self.member = facts.member_row(i);
                    }
                    let r = self.eval(code, vals);
                    self.member = outer;
                    r
                })?
            }
            // Every other node is typed or a leaf, handled by `eval` before it hands on.
            _ => return Err(self.missing()),
        })
    }
}

/// How many steps an explanation keeps on the stack before its steps' vector (see
/// `Snapshot::explain`).
const EARLY_STEPS: usize = 32;

/// A value as JSON and as text, formatted once and shared by every step that shows it.
pub(crate) type Shared = (Arc<serde_json::Value>, Arc<str>);

/// The JSON value and the text of a value, formatting a number only once: into a buffer on
/// the stack, from which the text and the JSON string are each allocated at their size.
/// Booleans and missing values share one pair for the whole process.
pub(crate) fn both(v: &Value, ty: &crate::Type) -> Shared {
    static TRUE: std::sync::OnceLock<Shared> = std::sync::OnceLock::new();
    static FALSE: std::sync::OnceLock<Shared> = std::sync::OnceLock::new();
    static MISSING: std::sync::OnceLock<Shared> = std::sync::OnceLock::new();
    let constant = match v {
        Value::Bool(true) => Some(&TRUE),
        Value::Bool(false) => Some(&FALSE),
        Value::Missing => Some(&MISSING),
        _ => None,
    };
    if let Some(slot) = constant {
        return slot.get_or_init(|| both_general(v, ty)).clone();
    }
    if let Value::Text(t) = v {
        // The text is the value itself: shared, not copied.
        return (Arc::new(serde_json::Value::String(String::from(&**t))), t.clone());
    }
    let mut buf = [0u8; crate::value::SHORT_MAX];
    match crate::value::write_short(v, ty, &mut buf) {
        // Numbers and dates: their JSON is their text.
        Some(text) => (Arc::new(serde_json::Value::String(text.to_owned())), Arc::from(text)),
        None => both_general(v, ty),
    }
}

/// [`both`] the general way: [`Value::display`] and [`Value::to_json`].
fn both_general(v: &Value, ty: &crate::Type) -> Shared {
    let display = v.display(ty);
    let text: Arc<str> = Arc::from(display.as_str());
    let json = match v {
        // The JSON of these is their text: the string itself moves into it.
        Value::Num(_) | Value::Date(_) | Value::Text(_) => serde_json::Value::String(display),
        other => other.to_json(ty),
    };
    (Arc::new(json), text)
}

fn split(pair: Option<Shared>) -> (Option<Arc<serde_json::Value>>, Option<Arc<str>>) {
    match pair {
        Some((j, d)) => (Some(j), Some(d)),
        None => (None, None),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::program::Table;
    use crate::Type;
    use proptest::prelude::*;

    /// Any run-time value: numbers of every scale and size, dates, booleans, text, lists.
    pub(crate) fn value() -> impl Strategy<Value = Value> {
        let num = (
            prop_oneof![any::<i64>().prop_map(i128::from), -(1i128 << 96) + 1..(1i128 << 96)],
            0u32..=28,
            any::<bool>(),
        )
            .prop_map(|(m, scale, negative)| {
                let mut d = Decimal::from_i128_with_scale(m, scale);
                if negative && m == 0 {
                    d.set_sign_negative(true);
                }
                Value::Num(d)
            });
        let date = (-1_000_000i32..4_000_000)
            .prop_map(|days| Value::Date(NaiveDate::from_num_days_from_ce_opt(days).unwrap()));
        let scalar = prop_oneof![
            num,
            date,
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Missing),
            ".{0,12}".prop_map(|t| Value::Text(Arc::from(t))),
        ];
        prop_oneof![
            4 => scalar.clone(),
            1 => proptest::collection::vec(scalar, 0..4).prop_map(|v| Value::List(v.into())),
        ]
    }

    /// A type of each kind, optional and list included.
    pub(crate) fn ty() -> impl Strategy<Value = Type> {
        prop_oneof![
            Just(Type::Money),
            Just(Type::Decimal),
            Just(Type::Integer),
            Just(Type::Boolean),
            Just(Type::Date),
            Just(Type::Text),
            Just(Type::Optional(Box::new(Type::Money))),
            Just(Type::List(Box::new(Type::Money))),
        ]
    }

    proptest! {
        /// The shortcuts of `both` give exactly the JSON and the text of the general way.
        #[test]
        fn both_matches_the_general_way(v in value(), ty in ty()) {
            let (json, text) = both(&v, &ty);
            let (general_json, general_text) = both_general(&v, &ty);
            prop_assert_eq!(json, general_json);
            prop_assert_eq!(text, general_text);
        }
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        (prop_oneof![-1_000_000_000i64..1_000_000_000, any::<i64>()], 0u32..=6)
            .prop_map(|(m, s)| Decimal::new(m, s))
    }

    /// Any decimal: every scale, mantissas up to 96 bits, zeros of either sign.
    fn any_decimal() -> impl Strategy<Value = Decimal> {
        (any::<i128>(), 0u32..=28, any::<bool>()).prop_map(|(m, s, neg)| {
            let m = m % (1i128 << 96);
            let mut d = Decimal::from_i128_with_scale(m, s);
            if m == 0 {
                d.set_sign_negative(neg);
            }
            d
        })
    }

    proptest! {
        /// The comparison of decimals (equal scales in place) orders as the decimals themselves.
        #[test]
        fn numbers_compare_as_the_decimals_order(
            a in any_decimal(),
            b in any_decimal(),
            small in (-1_000_000i64..1_000_000, -1_000_000i64..1_000_000, 0u32..=4),
        ) {
            let cmp = welfare_types::money::compare_decimals;
            prop_assert_eq!(cmp(&a, &b), a.cmp(&b));
            prop_assert_eq!(cmp(&a, &a), a.cmp(&a));
            let (x, y) = (Decimal::new(small.0, small.2), Decimal::new(small.1, small.2));
            prop_assert_eq!(cmp(&x, &y), x.cmp(&y));
            prop_assert_eq!(cmp(&x, &-x), x.cmp(&-x));
        }
    }

    proptest! {
        /// Rows found on the integer bounds are the rows the decimal comparison finds.
        #[test]
        fn band_rows_match_the_decimal_comparison(
            mut bounds in proptest::collection::vec(decimal(), 0..12),
            open in any::<bool>(),
            x in decimal(),
        ) {
            bounds.sort_by(welfare_types::money::compare_decimals);
            let mut bounds: Vec<Option<Decimal>> = bounds.into_iter().map(Some).collect();
            if open {
                bounds.push(None);
            }
            let table = Table::new(bounds.clone(), Vec::new());
            let general = bounds.partition_point(
                |b| matches!(b, Some(b) if welfare_types::money::compare_decimals(b, &x).is_lt()),
            );
            let general = (general < bounds.len()).then_some(general);
            prop_assert_eq!(super::band(&table, x), general);
        }
    }
}
