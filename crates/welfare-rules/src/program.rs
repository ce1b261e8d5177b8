//! The compiled, runtime form of a linked set of rulebooks.
//!
//! A [`Program`] is immutable and `Send + Sync`: build it once, evaluate from many threads.
//! Formulas are compiled to a compact tree of [`Code`] nodes whose names are already resolved
//! to slot numbers, in dependency order; evaluation looks nothing up by name.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use welfare_types::dates::DateRange;
use welfare_types::Rounding;

use crate::builtins::Builtin;
use crate::error::Location;
use crate::syntax::{Authority, LegalRef, RankingDecl, Status, Text};
use crate::types::Type;
use crate::value::Value;

/// Arithmetic operators at run time.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// Comparison operators at run time (public as [`crate::native::rt::Op`], for generated code).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Cmp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Code {
    /// Whether a node always yields a number (whatever its operands).
    pub(crate) fn is_numeric(&self) -> bool {
        matches!(
            self,
            Code::Neg(_)
                | Code::Arith(..)
                | Code::Min(_)
                | Code::Max(_)
                | Code::Clamp(..)
                | Code::Round(..)
                | Code::InterpolateConst(..)
                | Code::InterpolateParam(..)
                | Code::Lookup { .. }
                | Code::Band { .. }
                | Code::Row { .. }
                | Code::DateDiff(..)
                | Code::Members { agg: Agg::Count | Agg::Sum, .. }
        )
    }

    /// Whether a node always yields a boolean (whatever its operands).
    pub(crate) fn is_boolean(&self) -> bool {
        matches!(
            self,
            Code::Not(_)
                | Code::IsMissing(..)
                | Code::Cmp(..)
                | Code::CmpNum(..)
                | Code::And(..)
                | Code::Or(..)
                | Code::In(..)
                | Code::Members { agg: Agg::Any | Agg::All, .. }
        )
    }
}

impl Cmp {
    /// Whether an ordering satisfies the operator.
    #[inline]
    pub(crate) fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Cmp::Eq => ord == Equal,
            Cmp::Ne => ord != Equal,
            Cmp::Lt => ord == Less,
            Cmp::Le => ord != Greater,
            Cmp::Gt => ord == Greater,
            Cmp::Ge => ord != Less,
        }
    }
}

/// Aggregations over members.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Agg {
    Count,
    Sum,
    Any,
    All,
}

/// Date differences.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum DateDiff {
    Age,
    Months,
    Years,
}

/// A compiled expression node.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Code {
    Const(Value),
    Input(u32),
    Member(u32),
    Param(u32),
    Def(u32),
    Today,
    Neg(Box<Code>),
    Not(Box<Code>),
    IsMissing(Box<Code>, bool),
    Arith(Arith, Box<Code>, Box<Code>),
    Cmp(Cmp, Box<Code>, Box<Code>),
    /// A comparison of two operands the checker typed as numbers (compared without building
    /// a [`Value`] for either).
    CmpNum(Cmp, Box<Code>, Box<Code>),
    And(Box<Code>, Box<Code>),
    Or(Box<Code>, Box<Code>),
    If(Box<Code>, Box<Code>, Box<Code>),
    In(Box<Code>, Vec<Code>),
    List(Vec<Code>),
    Min(Vec<Code>),
    Max(Vec<Code>),
    Clamp(Box<Code>, Box<Code>, Box<Code>),
    Round(Box<Code>, Rounding),
    InterpolateConst(Box<Code>, Arc<[(Decimal, Decimal)]>),
    InterpolateParam(Box<Code>, u32),
    Lookup {
        table: u32,
        key: Box<Code>,
        column: u32,
    },
    Band {
        table: u32,
        key: Box<Code>,
    },
    Row {
        table: u32,
        row: Box<Code>,
        column: u32,
    },
    Members {
        agg: Agg,
        body: Option<Box<Code>>,
        filter: Option<Box<Code>>,
    },
    ListAgg {
        agg: Agg,
        list: Box<Code>,
    },
    DateDiff(DateDiff, Box<Code>, Option<Box<Code>>),
    ValueOr(Box<Code>, Box<Code>),
    Builtin(Box<Builtin>),
}

/// Calls `f` on each direct sub-expression of `code`, with whether it is evaluated once per
/// member.
pub(crate) fn children<'c>(code: &'c Code, f: &mut impl FnMut(&'c Code, bool)) {
    match code {
        Code::Const(_)
        | Code::Input(_)
        | Code::Member(_)
        | Code::Param(_)
        | Code::Def(_)
        | Code::Today => {}
        Code::Neg(a)
        | Code::Not(a)
        | Code::IsMissing(a, _)
        | Code::Round(a, _)
        | Code::InterpolateConst(a, _)
        | Code::InterpolateParam(a, _)
        | Code::Lookup { key: a, .. }
        | Code::Band { key: a, .. }
        | Code::Row { row: a, .. }
        | Code::ListAgg { list: a, .. } => f(a, false),
        Code::Arith(_, a, b)
        | Code::Cmp(_, a, b)
        | Code::CmpNum(_, a, b)
        | Code::And(a, b)
        | Code::Or(a, b)
        | Code::ValueOr(a, b) => {
            f(a, false);
            f(b, false);
        }
        Code::If(a, b, c) | Code::Clamp(a, b, c) => {
            f(a, false);
            f(b, false);
            f(c, false);
        }
        Code::In(a, items) => {
            f(a, false);
            items.iter().for_each(|i| f(i, false));
        }
        Code::List(items) | Code::Min(items) | Code::Max(items) => {
            items.iter().for_each(|i| f(i, false));
        }
        Code::Members { body, filter, .. } => {
            body.iter().chain(filter.iter()).for_each(|c| f(c, true));
        }
        Code::DateDiff(_, a, b) => {
            f(a, false);
            b.iter().for_each(|c| f(c, false));
        }
        Code::Builtin(b) => match &**b {
            Builtin::AddMonths(a, c) | Builtin::AddDays(a, c) | Builtin::DaysBetween(a, c) => {
                f(a, false);
                f(c, false);
            }
            Builtin::ParamOn { date, .. } => f(date, false),
            Builtin::Rows(_) => {}
            Builtin::MemberList { body, filter } => {
                f(body, true);
                filter.iter().for_each(|c| f(c, true));
            }
            Builtin::Positions { filter } => filter.iter().for_each(|c| f(c, true)),
        },
    }
}

/// A band table value in force on a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Table {
    /// Inclusive upper bound of each row; `None` for the last, unbounded row.
    pub(crate) bounds: Vec<Option<Decimal>>,
    /// `cells[column][row]`.
    pub(crate) cells: Vec<Vec<Decimal>>,
    /// The bounds as whole numbers at one scale (at least the cent), so that finding the row of
    /// an amount compares integers; `None` when a bound does not fit.
    pub(crate) scaled: Option<ScaledBounds>,
}

/// [`Table::bounds`] as mantissas at a common scale; the unbounded last row is `i128::MAX`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScaledBounds {
    pub(crate) scale: u32,
    pub(crate) bounds: Vec<i128>,
}

impl Table {
    /// A table from its bounds and columns.
    pub(crate) fn new(bounds: Vec<Option<Decimal>>, cells: Vec<Vec<Decimal>>) -> Table {
        let scale = bounds.iter().flatten().map(Decimal::scale).fold(2, u32::max);
        let scaled = bounds
            .iter()
            .map(|b| match b {
                Some(b) => rescale(b.mantissa(), scale - b.scale()),
                None => Some(i128::MAX),
            })
            .collect::<Option<Vec<i128>>>()
            .map(|bounds| ScaledBounds { scale, bounds });
        Table { bounds, cells, scaled }
    }
}

/// `m × 10^n`, `None` on overflow.
pub(crate) fn rescale(m: i128, n: u32) -> Option<i128> {
    10i128.checked_pow(n).and_then(|f| m.checked_mul(f))
}

/// A parameter's value in one version.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ParamData {
    Value(Value),
    Table(Arc<Table>),
    Scale(Arc<[(Decimal, Decimal)]>),
}

/// One dated version of a parameter, compiled.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Version {
    pub(crate) valid: DateRange,
    pub(crate) data: ParamData,
    pub(crate) source: Arc<str>,
    pub(crate) rulebook: Arc<str>,
    /// How explanations show this version, written when first needed.
    pub(crate) rendered: Rendered,
}

/// A parameter version as explanations show it, written once per program (not per date or
/// household) the first time an explanation needs it: its value as JSON and text, and its
/// motivazione line in each language ([`crate::Lang`] as index).
///
/// A cache, not part of the version's value: every two caches compare equal.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rendered {
    pub(crate) shared: std::sync::OnceLock<crate::eval::Shared>,
    pub(crate) lines: [std::sync::OnceLock<String>; 2],
}

impl PartialEq for Rendered {
    fn eq(&self, _: &Rendered) -> bool {
        true
    }
}

/// A parameter with its layers: the most specific rulebook first (comune before stato).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) ty: Type,
    pub(crate) columns: Vec<(String, Type)>,
    pub(crate) label: Option<Text>,
    pub(crate) reference: Option<LegalRef>,
    pub(crate) layers: Vec<Vec<Version>>,
}

/// A declared input, compiled.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Input {
    pub(crate) name: String,
    pub(crate) ty: Type,
    pub(crate) optional: bool,
    pub(crate) label: Option<Text>,
}

/// What a definition reads directly (for explanations).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Dep {
    Input(u32),
    Member(u32),
    Param(u32),
    Def(u32),
}

/// A compiled definition or condition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Def {
    pub(crate) name: String,
    pub(crate) ty: Type,
    pub(crate) code: Code,
    pub(crate) formula: String,
    pub(crate) label: Option<Text>,
    pub(crate) reason: Option<Text>,
    pub(crate) reference: Option<LegalRef>,
    pub(crate) output: bool,
    pub(crate) condition: bool,
    pub(crate) deps: Vec<Dep>,
    pub(crate) location: Location,
    /// Replacements by extending rulebooks (`overrides`), least specific first; `code`
    /// already chooses between them by date. Explanations show the one in force.
    pub(crate) layers: Vec<crate::check::DefLayer>,
}

/// Identity of a rulebook that took part in a program.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RulebookInfo {
    /// Identifier.
    pub id: String,
    /// Version label, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// SHA-256 of the source text (hex).
    pub content_hash: String,
}

/// The part of a [`Program`] one caller needs, in evaluation order: the definitions it
/// reads, every eligibility condition, and everything those read (built by
/// [`Program::plan`]).
///
/// Evaluation is demand-driven, as in OpenFisca: a batch that writes the amount and
/// eligibility does not compute the definitions that only explain them (per-child lists,
/// cross-checks). [`Snapshot::run_plan`](crate::Snapshot::run_plan) leaves the slots of the
/// definitions outside the plan [`Value::Missing`]; an explained evaluation always computes
/// everything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub(crate) order: Vec<u32>,
    /// The slots the plan leaves out (reset to missing before each run).
    pub(crate) skipped: Vec<u32>,
    /// The [`Program`]'s fingerprint: a plan runs only with its own program.
    pub(crate) fingerprint: u64,
}

impl Plan {
    /// How many definitions and conditions the plan evaluates.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the plan evaluates nothing (a program without conditions, asked for nothing).
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Whether the plan was built from `program` (the same rulebooks, by content hash).
    pub(crate) fn is_for(&self, program: &Program) -> bool {
        self.fingerprint == program.fingerprint
    }
}

/// The rulebooks' SHA-256 content hashes (hexadecimal) folded into one number: the first 64
/// bits of each, rotated and combined in link order.
pub(crate) fn fingerprint(rulebooks: &[RulebookInfo]) -> u64 {
    rulebooks.iter().fold(0u64, |acc, r| {
        let head = r.content_hash.get(..16).and_then(|h| u64::from_str_radix(h, 16).ok());
        acc.rotate_left(17) ^ head.unwrap_or(0)
    })
}

/// A name given to [`Program::plan`] that is not a definition or condition of the program.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not a definition or condition of rulebook `{rulebook}`")]
pub struct UnknownDefinition {
    /// The name asked for.
    pub name: String,
    /// The program's root rulebook.
    pub rulebook: String,
}

/// A checked, linked, dependency-sorted program ready to evaluate.
///
/// Built by [`crate::Engine::program`] or [`Program::from_rulebook`].
#[derive(Clone, Debug)]
pub struct Program {
    /// The rulebooks' content hashes folded into one number: a [`Plan`] runs only with the
    /// program it was built from (checked per household, so a number, not the hashes).
    pub(crate) fingerprint: u64,
    pub(crate) id: String,
    pub(crate) title: Text,
    pub(crate) authority: Authority,
    pub(crate) status: Status,
    pub(crate) legal_basis: Vec<LegalRef>,
    pub(crate) rulebooks: Vec<RulebookInfo>,
    pub(crate) inputs: Vec<Input>,
    pub(crate) members: Vec<Input>,
    pub(crate) params: Vec<Param>,
    pub(crate) defs: Vec<Def>,
    /// Evaluation order (indices into `defs`).
    pub(crate) order: Vec<u32>,
    pub(crate) ranking: Option<RankingDecl>,
    pub(crate) valid: DateRange,
    /// Names, types, labels and references as shared text, for explanations.
    pub(crate) shown: ShownTables,
    /// Every definition compiled to closures (the evaluator's fast path).
    pub(crate) compiled: Arc<crate::compile::Compiled>,
}

/// How a name appears in explanations: shared, so that an explanation clones pointers, not
/// strings.
#[derive(Clone, Debug, Default)]
pub(crate) struct Shown {
    pub(crate) name: Arc<str>,
    pub(crate) ty: Arc<str>,
    pub(crate) label: Option<Arc<Text>>,
    pub(crate) reason: Option<Arc<Text>>,
    pub(crate) reference: Option<Arc<LegalRef>>,
    /// The formula, for definitions (empty otherwise).
    pub(crate) formula: Arc<str>,
}

/// [`Shown`] for every input, member input, parameter and definition, by index.
#[derive(Clone, Debug, Default)]
pub(crate) struct ShownTables {
    pub(crate) inputs: Vec<Shown>,
    pub(crate) members: Vec<Shown>,
    pub(crate) params: Vec<Shown>,
    pub(crate) defs: Vec<Shown>,
    /// Per definition: whether its formula reads a parameter on another date
    /// (`parametro_alla_data`), whose version the explanation lists as well.
    pub(crate) dated: Vec<bool>,
    /// The output definitions in name order (the order of `Evaluation::outputs`).
    pub(crate) outputs_by_name: Vec<u32>,
    /// The household facts the definitions read, each once, in order of first use over the
    /// evaluation order (the order of the motivazione's facts).
    pub(crate) first_inputs: Vec<u32>,
    /// The parameters, likewise (the motivazione's parameters).
    pub(crate) first_params: Vec<u32>,
    /// The motivazione's fixed texts per language ([`crate::Lang`] as index), written when
    /// first needed.
    pub(crate) texts: [std::sync::OnceLock<crate::explain::Texts>; 2],
}

impl ShownTables {
    pub(crate) fn build(
        inputs: &[Input],
        members: &[Input],
        params: &[Param],
        defs: &[Def],
        order: &[u32],
    ) -> Self {
        let (mut first_inputs, mut first_params) = (Vec::new(), Vec::new());
        for dep in order.iter().filter_map(|&i| defs.get(i as usize)).flat_map(|d| &d.deps) {
            match *dep {
                Dep::Input(k) if !first_inputs.contains(&k) => first_inputs.push(k),
                Dep::Param(k) if !first_params.contains(&k) => first_params.push(k),
                _ => {}
            }
        }
        let arc = |t: &Option<Text>| t.clone().map(Arc::new);
        let input = |i: &Input| Shown {
            name: Arc::from(i.name.as_str()),
            ty: Arc::from(i.ty.to_string()),
            label: arc(&i.label),
            ..Shown::default()
        };
        ShownTables {
            inputs: inputs.iter().map(input).collect(),
            members: members.iter().map(input).collect(),
            params: params
                .iter()
                .map(|p| Shown {
                    name: Arc::from(p.name.as_str()),
                    ty: Arc::from(p.ty.to_string()),
                    label: arc(&p.label),
                    reference: p.reference.clone().map(Arc::new),
                    ..Shown::default()
                })
                .collect(),
            defs: defs
                .iter()
                .map(|d| Shown {
                    name: Arc::from(d.name.as_str()),
                    ty: Arc::from(d.ty.to_string()),
                    label: arc(&d.label),
                    reason: arc(&d.reason),
                    reference: d.reference.clone().map(Arc::new),
                    formula: Arc::from(d.formula.as_str()),
                })
                .collect(),
            dated: defs.iter().map(|d| crate::builtins::reads_dated_parameter(&d.code)).collect(),
            outputs_by_name: {
                let mut found: Vec<u32> =
                    (0u32..).zip(defs).filter(|(_, d)| d.output).map(|(i, _)| i).collect();
                let name = |i: &u32| defs.get(*i as usize).map(|d| d.name.as_str());
                found.sort_by(|a, b| name(a).cmp(&name(b)));
                found
            },
            first_inputs,
            first_params,
            texts: Default::default(),
        }
    }
}

impl Program {
    /// The root rulebook's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The root rulebook's title.
    pub fn title(&self) -> &Text {
        &self.title
    }

    /// The adopting authority of the root rulebook.
    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// Whether the root rulebook is in force, a draft or repealed.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The rulebooks linked into this program (root first), with content hashes.
    pub fn rulebooks(&self) -> &[RulebookInfo] {
        &self.rulebooks
    }

    /// The root rulebook's validity.
    pub fn valid(&self) -> DateRange {
        self.valid
    }

    /// Names of the outputs (definitions marked as outputs), in evaluation order.
    pub fn outputs(&self) -> impl Iterator<Item = &str> {
        self.order
            .iter()
            .filter_map(|&i| self.defs.get(i as usize))
            .filter(|d| d.output)
            .map(|d| d.name.as_str())
    }

    /// Names of the eligibility conditions.
    pub fn conditions(&self) -> impl Iterator<Item = &str> {
        self.defs.iter().filter(|d| d.condition).map(|d| d.name.as_str())
    }

    /// Declared household inputs: name, type, optional.
    pub fn household_inputs(&self) -> impl Iterator<Item = (&str, &Type, bool)> {
        self.inputs.iter().map(|i| (i.name.as_str(), &i.ty, i.optional))
    }

    /// Declared member inputs: name, type, optional.
    pub fn member_inputs(&self) -> impl Iterator<Item = (&str, &Type, bool)> {
        self.members.iter().map(|i| (i.name.as_str(), &i.ty, i.optional))
    }

    /// The static type of a definition or condition.
    pub fn type_of(&self, name: &str) -> Option<&Type> {
        self.defs.iter().find(|d| d.name == name).map(|d| &d.ty)
    }

    /// The name of definition `index` (for errors), empty if there is none.
    pub(crate) fn def_name(&self, index: u32) -> String {
        self.defs.get(index as usize).map(|d| d.name.clone()).unwrap_or_default()
    }

    pub(crate) fn def_index(&self, name: &str) -> Option<usize> {
        self.defs.iter().position(|d| d.name == name)
    }

    /// A plan that evaluates only `wanted` (definitions or conditions, by name), every
    /// eligibility condition, and what they read: see [`Plan`]. An unknown name is the error,
    /// so that a caller learns of a renamed output when it builds the plan, not as a missing
    /// value per household.
    pub fn plan<'a>(
        &self,
        wanted: impl IntoIterator<Item = &'a str>,
    ) -> Result<Plan, UnknownDefinition> {
        let slots = wanted
            .into_iter()
            .map(|name| {
                self.def_index(name).ok_or_else(|| UnknownDefinition {
                    name: name.to_owned(),
                    rulebook: self.id.clone(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.plan_slots(slots))
    }

    /// [`Program::plan`] for slots given by [`Program::slot`]; a number that is not a slot of
    /// this program is ignored.
    pub fn plan_slots(&self, wanted: impl IntoIterator<Item = usize>) -> Plan {
        let mut needed = vec![false; self.defs.len()];
        let conditions = self.defs.iter().enumerate().filter(|(_, d)| d.condition).map(|(i, _)| i);
        let mut stack: Vec<usize> = wanted.into_iter().chain(conditions).collect();
        while let Some(i) = stack.pop() {
            match needed.get_mut(i) {
                Some(seen) if !*seen => *seen = true,
                _ => continue,
            }
            if let Some(d) = self.defs.get(i) {
                stack.extend(d.deps.iter().filter_map(|dep| match dep {
                    Dep::Def(k) => Some(*k as usize),
                    _ => None,
                }));
            }
        }
        let (order, skipped) = self
            .order
            .iter()
            .copied()
            .partition(|&i| needed.get(i as usize).copied().unwrap_or(false));
        Plan { order, skipped, fingerprint: self.fingerprint }
    }

    /// Ranking settings, if the root rulebook defines a graduatoria.
    pub fn ranking(&self) -> Option<&RankingDecl> {
        self.ranking.as_ref()
    }

    /// The value of every parameter in force on `date`, as text (`name → value`), for
    /// decision records and snapshot tests. Tables and scales are rendered compactly.
    pub fn parameter_snapshot(
        &self,
        date: NaiveDate,
    ) -> Result<std::collections::BTreeMap<String, String>, crate::EvalError> {
        let snap = crate::eval::Snapshot::new(self, date)?;
        let mut out = std::collections::BTreeMap::new();
        for (p, v) in self.params.iter().zip(snap.params.iter()) {
            out.insert(p.name.clone(), crate::eval::render_param(p, v.data()));
        }
        Ok(out)
    }
}
