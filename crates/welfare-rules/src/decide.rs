//! Deciding eligibility with the least work, exactly: a plan's conditions first, and at the
//! first false one only what could still fail.
//!
//! Most households are refused by most measures, yet [`Snapshot::run_plan_view`] evaluates
//! every definition of its plan: the amount, the per-child lists, everything a refusal never
//! shows. A [`DecisionPlan`] ([`Program::decision_plan`]) evaluates, with
//! [`Snapshot::decide_view`]:
//!
//! 1. the conditions, cheapest first (by a rough expected cost of each, its definitions not
//!    yet evaluated included: member loops at a typical household's size, decimal division,
//!    rounding, date spans and lookups weighed more than other nodes), each after the
//!    definitions it reads (in plan order), until one is not true;
//! 2. if every condition holds, the rest of the plan in plan order: the values are then
//!    exactly those [`Snapshot::run_plan_view`] leaves;
//! 3. if one is not true, only the remaining definitions that **may fail** (with the
//!    definitions they read), in plan order: if none fails, the household is refused.
//!
//! Steps 1 and 2 are the evaluator's closures, or the plan's own function generated ahead of
//! time when one is attached ([`crate::native`]); step 3 is always the evaluator's.
//!
//! Any error in any of these steps, or facts outside what the analysis assumed, and the whole
//! plan is run again in plan order by [`Snapshot::run_plan_view`], whose result is returned:
//! an error is the very error the plain run gives (the first in plan order), never the first
//! the shortcut met.
//!
//! # Why the answer is exact
//!
//! A definition's value or error depends only on its formula, the facts, the parameters and
//! the values of the definitions it reads, so evaluating it earlier or later (after what it
//! reads) changes nothing. A refusal skips only definitions that a static analysis proves
//! cannot fail, done once per plan when it is built over every version of every parameter
//! (so it holds on any date):
//!
//! - every value gets an abstract value: its kind (number, boolean, date, text, list), whether
//!   it may be missing, and for numbers an interval (`f64`, widened at every operation) and
//!   whether it is whole; a band number or row count also remembers its table;
//! - a node may fail where the evaluator can fail: an operand that may be missing or of
//!   another kind where a number, boolean, date or list is needed; a bound past 1e20 (the
//!   decimal limit is 7.9e28); a divisor not proven away from zero (a household fact divided
//!   by is assumed at least 1e-9 in magnitude, as checked below); a band table whose last
//!   row is bounded, a row number not proven within the table (`riga(t, fascia(t, x))` is);
//!   `clamp` bounds not proven ordered; a scale not strictly increasing; an age or a span of
//!   months or years between dates not known in order where it is computed (`se d presente e
//!   d <= oggi allora mesi_tra(d, oggi)` is), any other date arithmetic (a month out of
//!   range) and `parametro_alla_data`; member aggregations nested in member context; a
//!   parameter read of another kind than a value;
//! - the analysis assumes every fact of its declared kind, present unless optional, and a
//!   number of magnitude at most 1e9 (numbers are unbounded in the language; a household
//!   number divided by at least 1e-9 too). A refusal skips
//!   definitions only when the facts they depend on (through any definition) meet this, and
//!   the household has at most [`MAX_MEMBERS`] members: checked per household before anything
//!   is skipped, in full for household facts, and for member facts (once per member) their
//!   magnitude only: their kinds and presence hold by construction ([`crate::Facts`] are
//!   checked when built; [`crate::Binding::fill`] and [`crate::Binding::view`] check required
//!   facts and take the caller's values to be of the vocabulary's types, as they document).
//!   A second analysis, with numeric facts of any magnitude (past a decimal's largest) and no
//!   divisor assumed away from zero, tells which definitions are total whatever the facts (a
//!   comparison of ages, a count of members): member facts are checked only for the
//!   definitions left out that are not (they and what they read), and so is the magnitude of
//!   household numbers (their kinds and presence always);
//! - the step limit ([`MAX_EVAL_STEPS`]) cannot be hidden by skipping: a plan gets the
//!   shortcut only when a static upper bound of its steps (one per node evaluated, member
//!   loops counted [`MAX_MEMBERS`] times, nested loops multiplied) stays below the limit, so
//!   neither the plain run nor the shortcut ever reaches it.
//!
//! When the conditions hold, every definition of the plan is evaluated, so the values are the
//! plain run's. When one does not, the definitions left out are proven not to fail given what
//! they read, so the plain run would have ended without error and with that condition false.
//!
//! When the answer is [`Decision::Refused`], the values of the slots are unspecified: some
//! hold this household's values, others an earlier household's, others nothing. Callers read
//! nothing from them on a refusal. When it is [`Decision::Eligible`], they are exactly what
//! [`Snapshot::run_plan_view`] leaves.

// The analysis bounds magnitudes with `f64` intervals widened at every step, far from any
// limit: no amount is ever computed in floating point.
#![allow(clippy::float_arithmetic)]

use std::sync::Arc;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::builtins::Builtin;
use crate::error::EvalError;
use crate::eval::Snapshot;
use crate::facts::FactsView;
use crate::limits::{MAX_EVAL_STEPS, MAX_MEMBERS};
use crate::program::{children, Agg, Arith, Cmp, Code, Input, ParamData, Plan, Program, Table};
use crate::types::Type;
use crate::value::Value;

/// The largest magnitude a numeric fact may have for the shortcut to apply.
const FACT_BOUND: f64 = 1e9;
/// A magnitude past any decimal's (7.9e28): a numeric fact of any value, for the second
/// analysis that tells which definitions need [`FACT_BOUND`] at all.
const ANY_FACT: f64 = 1e29;
/// [`FACT_BOUND`] as a mantissa at each scale (0 to 28): `10^9 × 10^scale`.
// Indexing a constant array below its length in a constant: checked when compiled.
#[allow(clippy::indexing_slicing)]
const FACT_MANTISSAS: [u128; 29] = {
    let mut out = [0u128; 29];
    let mut i = 0;
    let mut m = 1_000_000_000u128;
    while i < 29 {
        out[i] = m;
        m = m.saturating_mul(10);
        i += 1;
    }
    out
};
/// The least mantissa at each scale (0 to 28) of a number at least [`AWAY_FROM_ZERO`] (1e-9)
/// in magnitude: 1 up to scale 9, then `10^(scale − 9)`.
// Indexing a constant array below its length in a constant: checked when compiled.
#[allow(clippy::indexing_slicing)]
const AWAY_MANTISSAS: [u128; 29] = {
    let mut out = [1u128; 29];
    let mut i = 10;
    while i < 29 {
        out[i] = out[i - 1] * 10;
        i += 1;
    }
    out
};
/// The largest magnitude a number may reach before the analysis says "may overflow".
const LIMIT: f64 = 1e20;
/// How far from zero a divisor must be proven.
const AWAY_FROM_ZERO: f64 = 1e-9;
/// Relative widening applied to every bound computed, for the rounding of `f64`.
const WIDEN: f64 = 1e-12;

/// The answer of [`Snapshot::decide_view`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Every condition holds; the values are those of [`Snapshot::run_plan_view`].
    Eligible,
    /// A condition does not hold; the values are unspecified (see the [module](self)).
    Refused,
}

/// A [`Plan`] prepared to decide eligibility with the least work (see the [module](self)):
/// built by [`Program::decision_plan`], run by [`Snapshot::decide_view`].
#[derive(Clone, Debug)]
pub struct DecisionPlan {
    plan: Plan,
    /// The plan's conditions (slots).
    conditions: Vec<u32>,
    /// The shortcut, when the analysis allows one.
    pub(crate) shortcut: Option<Arc<Shortcut>>,
    /// The shortcut's loop generated ahead of time ([`crate::native`]), when attached.
    pub(crate) native: Option<crate::native::DecideFn>,
}

impl DecisionPlan {
    /// The plan decided.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Whether the plan may stop at a false condition (its steps are bounded below the limit);
    /// without, [`Snapshot::decide_view`] runs the whole plan.
    pub fn has_shortcut(&self) -> bool {
        self.shortcut.is_some()
    }

    /// How many of the plan's definitions may fail (evaluated on a refusal too), `None`
    /// without a shortcut.
    pub fn may_fail(&self) -> Option<usize> {
        self.shortcut.as_ref().map(|s| s.may_fail)
    }
}

/// What a decision evaluates, in which order.
#[derive(Debug)]
pub(crate) struct Shortcut {
    /// The conditions with the definitions they read, cheapest first (`true` marks a
    /// condition), then the rest of the plan in plan order, evaluated when every condition
    /// holds: one list, so that one loop evaluates both.
    pub(crate) order: Box<[(u32, bool)]>,
    /// Per position of a condition in `order`: what to do when the condition there is false.
    after: Vec<Refusal>,
    /// How many definitions of the plan may fail.
    may_fail: usize,
    /// Which (for tests).
    #[cfg(test)]
    failing: Vec<u32>,
}

/// A refusal at one condition: what is still evaluated, and the facts the definitions left
/// out were proven total for.
#[derive(Debug, Default)]
struct Refusal {
    /// The definitions that may fail and what they read, in plan order.
    evaluate: Box<[u32]>,
    /// The household facts the definitions left out read (they and what they read), with
    /// what the analysis assumed of them.
    household: Box<[(u32, Assumed)]>,
    /// The member facts likewise.
    members: Box<[(u32, Assumed)]>,
}

/// What the analysis assumes of a fact.
#[derive(Copy, Clone, Debug)]
struct Assumed {
    kind: Kind,
    optional: bool,
    /// A household number used as a divisor: at least [`AWAY_FROM_ZERO`] in magnitude.
    nonzero: bool,
    /// A number within [`FACT_BOUND`] (else of any magnitude: what reads it is total anyway).
    bounded: bool,
    /// The kinds of value accepted, one bit each ([`MISSING`] when optional, the kind's bit
    /// unless [`Kind::Any`]): tested at once by [`Assumed::holds`].
    accept: u8,
}

impl Assumed {
    /// What the analysis assumes of a fact of `kind` (missing only when `optional`), a number
    /// within [`FACT_BOUND`] when `bounded`, and away from zero as well when `nonzero`.
    fn new(kind: Kind, optional: bool, nonzero: bool, bounded: bool) -> Assumed {
        let kind_bit = match kind {
            Kind::Num => NUM,
            Kind::Bool => BOOL,
            Kind::Date => DATE,
            Kind::Text => TEXT,
            Kind::List => LIST,
            Kind::Any => 0,
        };
        let accept = kind_bit | if optional { MISSING } else { 0 };
        Assumed { kind, optional, nonzero, bounded, accept }
    }

    /// Whether `v` (`None`: past the facts, read as missing) is what the analysis assumed:
    /// one test of the value's kind against [`Assumed::accept`], and for a bounded number its
    /// magnitude (the mantissa compared at its scale: no arithmetic on the decimal).
    #[inline]
    fn holds(self, v: Option<&Value>) -> bool {
        let bit = match v {
            None | Some(Value::Missing) => MISSING,
            Some(Value::Bool(_)) => BOOL,
            Some(Value::Num(_)) => NUM,
            Some(Value::Date(_)) => DATE,
            Some(Value::Text(_)) => TEXT,
            Some(Value::List(_)) => LIST,
        };
        if self.accept & bit == 0 {
            return false;
        }
        match v {
            Some(Value::Num(d)) if self.bounded => within_bound(d, self.nonzero),
            _ => true,
        }
    }
}

/// The bits of [`Assumed::accept`], one per kind of value.
const MISSING: u8 = 1;
const BOOL: u8 = 2;
const NUM: u8 = 4;
const DATE: u8 = 8;
const TEXT: u8 = 16;
const LIST: u8 = 32;

/// Whether `d` is at most [`FACT_BOUND`] in magnitude and, when `nonzero`, at least
/// [`AWAY_FROM_ZERO`]: its 96-bit magnitude (bytes 4 to 15 of [`Decimal::serialize`], byte 2
/// the scale) against the bounds at its scale. The tables have 32 rows, so that the scale (at
/// most 28) indexes them without a test; the rows past 28 refuse any mantissa.
#[inline]
fn within_bound(d: &Decimal, nonzero: bool) -> bool {
    let bytes = d.serialize();
    let scale = usize::from(bytes.get(2).copied().unwrap_or(u8::MAX) & 31);
    let magnitude = u128::from_le_bytes(bytes) >> 32;
    let (Some(&past), Some(&least)) = (BOUND_PAST.get(scale), LEAST.get(scale)) else {
        return false;
    };
    magnitude < past && (!nonzero || magnitude >= least)
}

/// Per scale (0 to 31): one past the largest mantissa within [`FACT_BOUND`] (`FACT_MANTISSAS`
/// + 1); 0 past scale 28 (no mantissa is below it).
// Indexing constant arrays below their length in a constant: checked when compiled.
#[allow(clippy::indexing_slicing)]
const BOUND_PAST: [u128; 32] = {
    let mut out = [0u128; 32];
    let mut i = 0;
    while i < 29 {
        out[i] = FACT_MANTISSAS[i] + 1;
        i += 1;
    }
    out
};

/// Per scale (0 to 31): the least mantissa at least [`AWAY_FROM_ZERO`] (`AWAY_MANTISSAS`);
/// past scale 28 above any mantissa.
// Indexing constant arrays below their length in a constant: checked when compiled.
#[allow(clippy::indexing_slicing)]
const LEAST: [u128; 32] = {
    let mut out = [u128::MAX; 32];
    let mut i = 0;
    while i < 29 {
        out[i] = AWAY_MANTISSAS[i];
        i += 1;
    }
    out
};

impl Program {
    /// Prepares `plan` (built from this program) for [`Snapshot::decide_view`]: the order of
    /// its conditions and the analysis of what may fail (see the [module](self)). A plan of
    /// another program, or whose steps are not bounded below [`MAX_EVAL_STEPS`], gets no
    /// shortcut: deciding it runs the whole plan.
    pub fn decision_plan(&self, plan: Plan) -> DecisionPlan {
        let conditions: Vec<u32> = plan
            .order
            .iter()
            .copied()
            .filter(|&i| self.defs.get(i as usize).is_some_and(|d| d.condition))
            .collect();
        let shortcut = if plan.is_for(self) { shortcut(self, &plan).map(Arc::new) } else { None };
        DecisionPlan { plan, conditions, shortcut, native: None }
    }
}

impl Snapshot<'_> {
    /// Decides one household: [`Decision::Eligible`] when every condition of the plan is
    /// `true`, with the values [`Snapshot::run_plan_view`] leaves; [`Decision::Refused`]
    /// otherwise, with values unspecified. The error, if any, is the one
    /// [`Snapshot::run_plan_view`] gives. See the [module](self) for how and why.
    // Inlined where it is called: the facts go straight into the evaluation, not copied
    // through two calls for each measure of each household.
    #[inline]
    pub fn decide_view(
        &self,
        plan: &DecisionPlan,
        facts: FactsView<'_>,
        values: &mut Vec<Value>,
    ) -> Result<Decision, EvalError> {
        if let Some(cut) = plan.shortcut.as_deref().filter(|_| plan.plan.is_for(self.program)) {
            if let Some(decision) = self.try_decide(cut, &plan.plan, plan.native, facts, values) {
                return Ok(decision);
            }
        }
        self.decide_in_full(plan, facts, values)
    }

    /// [`Snapshot::decide_view`] on owned facts.
    pub fn decide(
        &self,
        plan: &DecisionPlan,
        facts: &crate::Facts,
        values: &mut Vec<Value>,
    ) -> Result<Decision, EvalError> {
        self.decide_view(plan, facts.view(), values)
    }

    /// The whole plan in plan order, and the conditions read from its values.
    fn decide_in_full(
        &self,
        plan: &DecisionPlan,
        facts: FactsView<'_>,
        values: &mut Vec<Value>,
    ) -> Result<Decision, EvalError> {
        self.run_plan_view(&plan.plan, facts, values)?;
        let holds = |i: &u32| matches!(values.get(*i as usize), Some(Value::Bool(true)));
        Ok(if plan.conditions.iter().all(holds) { Decision::Eligible } else { Decision::Refused })
    }

    /// The shortcut; `None` when the whole plan must run (an error, facts outside the
    /// analysis' assumptions).
    #[inline]
    fn try_decide(
        &self,
        cut: &Shortcut,
        plan: &Plan,
        native: Option<crate::native::DecideFn>,
        facts: FactsView<'_>,
        values: &mut Vec<Value>,
    ) -> Option<Decision> {
        // The run first: the facts go into it straight from the caller's.
        let mut run = crate::eval::Run::new(self, facts);
        let compiled = &*self.program.compiled;
        // Sized now; the slots the plan leaves out are reset only for an eligible household
        // (a refusal's values are not read, and the plan never writes those slots).
        let n = self.program.defs.len();
        let fresh = values.len() != n;
        if fresh {
            values.clear();
            values.resize(n, Value::Missing);
        }
        let values = values.as_mut_slice();
        // The conditions, then (when every one holds) the rest of the plan: one loop, so that
        // the evaluation of a definition, inlined, is in this code once.
        let mut refused_at = None;
        if let Some(decide) = native {
            // The same loop, generated ahead of time ([`crate::native`]).
            let mut cx = crate::native::Cx { run: &mut run, compiled };
            match decide(&mut cx, values)? {
                crate::native::Reached::Eligible => {}
                crate::native::Reached::RefusedAt(pos) => refused_at = Some(pos),
            }
        } else {
            for (pos, &(i, condition)) in cut.order.iter().enumerate() {
                if !run.def_into(compiled, i, values) {
                    return None;
                }
                if condition && !matches!(values.get(i as usize), Some(Value::Bool(true))) {
                    refused_at = Some(pos);
                    break;
                }
            }
        }
        let Some(pos) = refused_at else {
            // The slots the plan leaves out read as missing, as after the plain run (a scratch
            // kept from an earlier household may hold values there; one sized now does not).
            if !fresh {
                for &i in &plan.skipped {
                    if let Some(v) = values.get_mut(i as usize) {
                        if !matches!(v, Value::Missing) {
                            *v = Value::Missing;
                        }
                    }
                }
            }
            return Some(Decision::Eligible);
        };
        let refusal = cut.after.get(pos)?;
        if !assumptions_hold(refusal, &run.facts) {
            return None;
        }
        if !refusal.evaluate.is_empty() && !evaluate_apart(&mut run, compiled, refusal, values) {
            return None;
        }
        Some(Decision::Refused)
    }
}

/// What a refusal still evaluates (the definitions that may fail), out of the decision's
/// loop: most refusals evaluate nothing more, and the loop's code stays one copy of the
/// evaluation. `false` on any error.
#[inline(never)]
fn evaluate_apart(
    run: &mut crate::eval::Run<'_, '_>,
    compiled: &crate::compile::Compiled,
    refusal: &Refusal,
    values: &mut [Value],
) -> bool {
    refusal.evaluate.iter().all(|&i| run.def_into(compiled, i, values))
}

/// Whether the facts are what the analysis assumed (of their kinds, missing only when
/// optional, numbers within [`FACT_BOUND`]; member facts: numbers within the bound), with at
/// most [`MAX_MEMBERS`] members.
#[inline]
fn assumptions_hold(refusal: &Refusal, facts: &FactsView<'_>) -> bool {
    if facts.member_count() > MAX_MEMBERS {
        return false;
    }
    if !refusal.household.iter().all(|&(i, a)| a.holds(facts.input(i))) {
        return false;
    }
    if refusal.members.is_empty() {
        return true;
    }
    facts
        .member_rows()
        .all(|row| refusal.members.iter().all(|&(i, a)| a.holds(facts.member_input(row, i))))
}

/// The kind of a value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Kind {
    Num,
    Bool,
    Date,
    Text,
    List,
    /// Unknown.
    Any,
}

/// A list's items, abstractly.
#[derive(Copy, Clone, Debug)]
struct Items {
    kind: Kind,
    missing: bool,
    lo: f64,
    hi: f64,
    /// Most items.
    len: f64,
}

/// A value, abstractly: what every value a node may produce (when it does not fail) has in
/// common.
#[derive(Copy, Clone, Debug)]
struct Abs {
    kind: Kind,
    /// May be [`Value::Missing`].
    missing: bool,
    /// Numbers: the interval (`-inf`/`inf` when unknown).
    lo: f64,
    hi: f64,
    /// Numbers: always whole.
    whole: bool,
    /// Numbers: always a row number (from 1) of this band table as in force.
    band: Option<u32>,
    /// Lists: their items.
    items: Items,
}

const TOP_ITEMS: Items = Items {
    kind: Kind::Any,
    missing: true,
    lo: f64::NEG_INFINITY,
    hi: f64::INFINITY,
    len: f64::INFINITY,
};

impl Abs {
    const TOP: Abs = Abs {
        kind: Kind::Any,
        missing: true,
        lo: f64::NEG_INFINITY,
        hi: f64::INFINITY,
        whole: false,
        band: None,
        items: TOP_ITEMS,
    };

    fn of(kind: Kind) -> Abs {
        Abs { kind, missing: false, ..Abs::TOP }
    }

    fn num(lo: f64, hi: f64, whole: bool) -> Abs {
        let (lo, hi) = widen(lo, hi);
        Abs { kind: Kind::Num, missing: false, lo, hi, whole, band: None, items: TOP_ITEMS }
    }

    fn missing_only() -> Abs {
        Abs { kind: Kind::Any, missing: true, ..Abs::TOP }
    }

    fn magnitude(&self) -> f64 {
        self.lo.abs().max(self.hi.abs())
    }

    fn join(self, other: Abs) -> Abs {
        let kind = if self.kind == other.kind { self.kind } else { Kind::Any };
        Abs {
            kind,
            missing: self.missing || other.missing,
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
            whole: self.whole && other.whole,
            band: if self.band == other.band { self.band } else { None },
            items: Items {
                kind: if self.items.kind == other.items.kind { self.items.kind } else { Kind::Any },
                missing: self.items.missing || other.items.missing,
                lo: self.items.lo.min(other.items.lo),
                hi: self.items.hi.max(other.items.hi),
                len: self.items.len.max(other.items.len),
            },
        }
    }
}

/// `x ≤ y`, false when either is NaN.
fn at_most(x: f64, y: f64) -> bool {
    matches!(x.partial_cmp(&y), Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal))
}

/// `[lo, hi]` widened for the rounding of `f64` (a NaN becomes unbounded).
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    let lo = if lo.is_nan() { f64::NEG_INFINITY } else { lo - lo.abs() * WIDEN };
    let hi = if hi.is_nan() { f64::INFINITY } else { hi + hi.abs() * WIDEN };
    (lo, hi)
}

fn float(d: &Decimal) -> f64 {
    d.to_f64().unwrap_or(f64::NAN)
}

/// A constant or parameter value, abstractly.
fn of_value(v: &Value) -> Abs {
    match v {
        Value::Missing => Abs::missing_only(),
        Value::Num(d) => {
            let x = float(d);
            let whole = d.fract().is_zero();
            if whole && x.abs() < 1e15 {
                // A whole number this small is exact in `f64`: not widened, so that a row
                // number such as `riga(t, 1, c)` is proven at least 1.
                return Abs { lo: x, hi: x, ..Abs::num(x, x, true) };
            }
            Abs::num(x, x, whole)
        }
        Value::Bool(_) => Abs::of(Kind::Bool),
        Value::Date(_) => Abs::of(Kind::Date),
        Value::Text(_) => Abs::of(Kind::Text),
        Value::List(items) => {
            let mut out: Option<Abs> = None;
            for item in items.iter() {
                let a = of_value(item);
                out = Some(out.map_or(a, |o| o.join(a)));
            }
            let a =
                out.unwrap_or(Abs { kind: Kind::Num, missing: false, ..Abs::num(0.0, 0.0, true) });
            Abs {
                items: Items {
                    kind: a.kind,
                    missing: a.missing,
                    lo: a.lo,
                    hi: a.hi,
                    len: items.len() as f64,
                },
                ..Abs::of(Kind::List)
            }
        }
    }
}

/// The kind of a declared type's values.
fn kind_of(ty: &Type) -> Kind {
    match ty.strip_optional() {
        t if t.is_numeric() => Kind::Num,
        Type::Boolean => Kind::Bool,
        Type::Date => Kind::Date,
        Type::Text | Type::Enum(_) => Kind::Text,
        Type::List(_) => Kind::List,
        _ => Kind::Any,
    }
}

fn assumed(input: &Input) -> Assumed {
    let optional = input.optional || matches!(input.ty, Type::Optional(_));
    Assumed::new(kind_of(&input.ty), optional, false, true)
}

/// A fact as the analysis assumes it (checked per household by [`assumptions_hold`]): a number
/// within `bound` in magnitude.
fn fact(input: Option<&Input>, bound: f64) -> Abs {
    let Some(input) = input else { return Abs::TOP };
    let a = assumed(input);
    let base = match a.kind {
        Kind::Num => Abs::num(-bound, bound, false),
        Kind::Any => Abs::TOP,
        kind => Abs::of(kind),
    };
    Abs { missing: a.optional || base.missing, ..base }
}

/// The analysis of a program's definitions.
struct Analysis<'p> {
    program: &'p Program,
    /// Each definition's value, abstractly (in program order, so before its readers).
    defs: Vec<Abs>,
    /// Whether the node being analysed reads a member's facts.
    in_members: bool,
    /// Whether something in the definition being analysed may fail.
    fail: bool,
    /// Facts and definitions known present where the node being analysed is evaluated: the
    /// branch of `x presente e …`, `x mancante o …`, `se x presente allora …`.
    present: Vec<Code>,
    /// [`Analysis::cells`] of each (table, column) asked so far: a large table is read once.
    cells: Vec<((u32, u32), Option<Abs>)>,
    /// The household facts divided by, assumed at least [`AWAY_FROM_ZERO`] in magnitude
    /// (checked per household like the other assumptions, [`Assumed::nonzero`]).
    nonzero: Vec<bool>,
    /// The magnitude numeric facts are assumed within: [`FACT_BOUND`], or [`ANY_FACT`] with no
    /// divisor assumed away from zero (what is total then needs no check of the facts).
    bound: f64,
}

/// The leaves (facts, definitions) known present when `code`, a boolean, is `when`.
fn implied_present(code: &Code, when: bool, out: &mut Vec<Code>) {
    match code {
        Code::IsMissing(leaf, present) if *present == when => {
            if matches!(**leaf, Code::Input(_) | Code::Member(_) | Code::Def(_)) {
                out.push((**leaf).clone());
            }
        }
        Code::And(a, b) if when => {
            implied_present(a, true, out);
            implied_present(b, true, out);
        }
        Code::Or(a, b) if !when => {
            implied_present(a, false, out);
            implied_present(b, false, out);
        }
        Code::Not(a) => implied_present(a, !when, out),
        // A comparison either way compares both values (a missing one is an error): `a ≤ b`
        // is kept as `Cmp(Le, a, b)` (for the date spans: [`Analysis::ordered`]).
        Code::Cmp(op, a, b) if is_leaf(a) && is_leaf(b) => {
            let (x, y) = match (op, when) {
                (Cmp::Lt | Cmp::Le, true) | (Cmp::Gt | Cmp::Ge, false) => (a, b),
                (Cmp::Gt | Cmp::Ge, true) | (Cmp::Lt | Cmp::Le, false) => (b, a),
                _ => return,
            };
            out.push(Code::Cmp(Cmp::Le, x.clone(), y.clone()));
        }
        _ => {}
    }
}

/// A value read as is: the same wherever it is read in one evaluation (a member's fact, in
/// that member's context).
fn is_leaf(code: &Code) -> bool {
    matches!(
        code,
        Code::Input(_)
            | Code::Member(_)
            | Code::Param(_)
            | Code::Def(_)
            | Code::Today
            | Code::Const(_)
    )
}

impl<'p> Analysis<'p> {
    /// An analysis of `program`'s definitions with numeric facts within `bound`
    /// ([`FACT_BOUND`], or [`ANY_FACT`] with no divisor assumed away from zero).
    fn new(program: &'p Program, bound: f64) -> Analysis<'p> {
        Analysis {
            program,
            defs: vec![Abs::TOP; program.defs.len()],
            in_members: false,
            fail: false,
            present: Vec::new(),
            cells: Vec::new(),
            nonzero: vec![false; program.inputs.len()],
            bound,
        }
    }

    /// Analyses definition `i` (after the definitions it reads) and keeps its abstract value:
    /// whether something in it may fail; `None` if there is no such definition.
    fn definition(&mut self, i: u32) -> Option<bool> {
        let def = self.program.defs.get(i as usize)?;
        self.fail = false;
        self.in_members = false;
        self.present.clear();
        let a = self.node(&def.code);
        *self.defs.get_mut(i as usize)? = a;
        Some(self.fail)
    }

    /// Analyses `code` where `cond` was `when`.
    fn under(&mut self, cond: &Code, when: bool, code: &Code) -> Abs {
        let depth = self.present.len();
        implied_present(cond, when, &mut self.present);
        let a = self.node(code);
        self.present.truncate(depth);
        a
    }

    /// Enters another member's context: what was known of the member before no longer
    /// holds. Returns what to restore with [`Analysis::leave_member`].
    fn enter_member(&mut self) -> (bool, Vec<Code>) {
        let saved = (self.in_members, self.present.clone());
        self.present.retain(|c| match c {
            Code::Cmp(_, a, b) => {
                !matches!(**a, Code::Member(_)) && !matches!(**b, Code::Member(_))
            }
            c => !matches!(c, Code::Member(_)),
        });
        self.in_members = true;
        saved
    }

    fn leave_member(&mut self, saved: (bool, Vec<Code>)) {
        (self.in_members, self.present) = saved;
    }

    /// Whether `from ≤ to` is known where the node being analysed is evaluated (a date span
    /// from `from` to `to` is then not reversed).
    fn ordered(&self, from: &Code, to: &Code) -> bool {
        self.present
            .iter()
            .any(|p| matches!(p, Code::Cmp(Cmp::Le, x, y) if **x == *from && **y == *to))
    }

    /// `a` made present when its leaf is known present here.
    fn leaf(&self, code: &Code, a: Abs) -> Abs {
        if a.missing && self.present.iter().any(|p| p == code) {
            Abs { missing: false, ..a }
        } else {
            a
        }
    }

    fn need(&mut self, a: Abs, kind: Kind) -> Abs {
        if a.kind != kind || a.missing {
            self.fail = true;
        }
        a
    }

    fn num(&mut self, c: &Code) -> Abs {
        let a = self.node(c);
        self.need(a, Kind::Num)
    }

    fn boolean(&mut self, c: &Code) {
        let a = self.node(c);
        self.need(a, Kind::Bool);
    }

    fn date(&mut self, c: &Code) {
        let a = self.node(c);
        self.need(a, Kind::Date);
    }

    /// A number result, failing past [`LIMIT`].
    fn bounded(&mut self, lo: f64, hi: f64, whole: bool) -> Abs {
        let a = Abs::num(lo, hi, whole);
        if !at_most(a.magnitude(), LIMIT) {
            self.fail = true;
        }
        a
    }

    /// Every version of parameter `p`.
    fn versions(&self, p: u32) -> impl Iterator<Item = &'p ParamData> + 'p {
        let program: &'p Program = self.program;
        program
            .params
            .get(p as usize)
            .into_iter()
            .flat_map(|p| p.layers.iter().flatten())
            .map(|v| &v.data)
    }

    /// Every version of table `t`; `None` (and a failure) when one is not a table or there
    /// is none.
    fn tables(&mut self, t: u32) -> Option<Vec<Arc<Table>>> {
        let mut out = Vec::new();
        for data in self.versions(t) {
            match data {
                ParamData::Table(table) => out.push(Arc::clone(table)),
                _ => return None,
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// [`Analysis::cells_of`] for table `t`, remembered.
    fn cells(&mut self, t: u32, tables: &[Arc<Table>], column: u32) -> Option<Abs> {
        if let Some((_, found)) = self.cells.iter().find(|(k, _)| *k == (t, column)) {
            return *found;
        }
        let found = Self::cells_of(tables, column);
        self.cells.push(((t, column), found));
        found
    }

    /// The cells of `column` in every version: their interval and wholeness; `None` when a
    /// column is shorter than its table's rows.
    fn cells_of(tables: &[Arc<Table>], column: u32) -> Option<Abs> {
        let (mut lo, mut hi, mut whole) = (f64::INFINITY, f64::NEG_INFINITY, true);
        for t in tables {
            let cells = t.cells.get(column as usize)?;
            if cells.len() < t.bounds.len() {
                return None;
            }
            for c in cells.iter().take(t.bounds.len()) {
                let x = float(c);
                lo = lo.min(x);
                hi = hi.max(x);
                whole &= c.fract().is_zero();
            }
        }
        Some(Abs::num(lo, hi, whole))
    }

    /// Tables whose every version has rows and an unbounded last row.
    fn open(tables: &[Arc<Table>]) -> bool {
        tables.iter().all(|t| matches!(t.bounds.last(), Some(None)))
    }

    /// A piecewise-linear scale's result, failing when it could not be interpolated.
    fn scale(&mut self, points: &[(Decimal, Decimal)]) -> Abs {
        let increasing = points.windows(2).all(|w| match w {
            [a, b] => welfare_types::money::compare_decimals(&a.0, &b.0).is_lt(),
            _ => true,
        });
        if points.is_empty() || !increasing {
            self.fail = true;
            return Abs::num(f64::NEG_INFINITY, f64::INFINITY, false);
        }
        let (mut lo, mut hi, mut step) = (f64::INFINITY, f64::NEG_INFINITY, 0f64);
        for w in points.windows(2) {
            if let [a, b] = w {
                let dx = (float(&b.0) - float(&a.0)).abs();
                let dy = (float(&b.1) - float(&a.1)).abs();
                step = step.max(dx * dy);
            }
        }
        for (x, y) in points {
            let (x, y) = (float(x), float(y));
            lo = lo.min(y);
            hi = hi.max(y);
            step = step.max(x.abs()).max(y.abs());
        }
        // `(x − a) × dy` is at most `dx × dy`; the points themselves bound the rest.
        if !at_most(step * 2.0, LIMIT) {
            self.fail = true;
        }
        Abs::num(lo, hi, false)
    }

    fn node(&mut self, code: &Code) -> Abs {
        match code {
            Code::Const(v) => of_value(v),
            Code::Input(i) => {
                self.leaf(code, fact(self.program.inputs.get(*i as usize), self.bound))
            }
            Code::Member(i) if self.in_members => {
                self.leaf(code, fact(self.program.members.get(*i as usize), self.bound))
            }
            Code::Member(_) => Abs::missing_only(),
            Code::Param(p) => {
                let mut out: Option<Abs> = None;
                for data in self.versions(*p) {
                    match data {
                        ParamData::Value(v) => {
                            let a = of_value(v);
                            out = Some(out.map_or(a, |o| o.join(a)));
                        }
                        _ => self.fail = true,
                    }
                }
                out.unwrap_or_else(|| {
                    self.fail = true;
                    Abs::TOP
                })
            }
            Code::Def(i) => match self.defs.get(*i as usize) {
                Some(a) => self.leaf(code, *a),
                None => {
                    self.fail = true;
                    Abs::TOP
                }
            },
            Code::Today => Abs::of(Kind::Date),
            Code::Neg(c) => {
                let a = self.num(c);
                Abs::num(-a.hi, -a.lo, a.whole)
            }
            Code::Not(c) => {
                self.boolean(c);
                Abs::of(Kind::Bool)
            }
            Code::IsMissing(c, _) => {
                self.node(c);
                Abs::of(Kind::Bool)
            }
            Code::Arith(op, a, b) => {
                let (x, y) = (self.num(a), self.num(b));
                let whole = x.whole && y.whole;
                match op {
                    Arith::Add => self.bounded(x.lo + y.lo, x.hi + y.hi, whole),
                    Arith::Sub => self.bounded(x.lo - y.hi, x.hi - y.lo, whole),
                    Arith::Mul => {
                        let p = [x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi];
                        if p.iter().any(|v| v.is_nan()) {
                            self.fail = true;
                            return Abs::num(f64::NEG_INFINITY, f64::INFINITY, whole);
                        }
                        let lo = p.iter().copied().fold(f64::INFINITY, f64::min);
                        let hi = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        self.bounded(lo, hi, whole)
                    }
                    Arith::Div => {
                        let away = if y.lo >= AWAY_FROM_ZERO {
                            y.lo
                        } else if y.hi <= -AWAY_FROM_ZERO {
                            -y.hi
                        } else if let (Code::Input(i), Kind::Num, true) =
                            (&**b, y.kind, self.bound <= FACT_BOUND)
                        {
                            // A household fact: assumed away from zero, as checked before a
                            // refusal skips this (a zero divisor, and the plain run decides).
                            match self.nonzero.get_mut(*i as usize) {
                                Some(flag) => *flag = true,
                                None => self.fail = true,
                            }
                            AWAY_FROM_ZERO
                        } else {
                            self.fail = true;
                            return Abs::num(f64::NEG_INFINITY, f64::INFINITY, false);
                        };
                        let m = x.magnitude() / away;
                        self.bounded(-m, m, false)
                    }
                }
            }
            Code::Cmp(_, a, b) => {
                let (x, y) = (self.node(a), self.node(b));
                if x.missing || y.missing {
                    self.fail = true;
                }
                Abs::of(Kind::Bool)
            }
            Code::CmpNum(_, a, b) => {
                self.num(a);
                self.num(b);
                Abs::of(Kind::Bool)
            }
            Code::And(a, b) | Code::Or(a, b) => {
                // The right side is evaluated only when the left is true (`e`) or false (`o`).
                self.boolean(a);
                let r = self.under(a, matches!(code, Code::And(..)), b);
                self.need(r, Kind::Bool);
                Abs::of(Kind::Bool)
            }
            Code::If(c, a, b) => {
                self.boolean(c);
                let x = self.under(c, true, a);
                let y = self.under(c, false, b);
                x.join(y)
            }
            Code::In(x, items) => {
                self.node(x);
                for item in items {
                    self.node(item);
                }
                Abs::of(Kind::Bool)
            }
            Code::List(items) => {
                let mut out: Option<Abs> = None;
                for item in items {
                    let a = self.node(item);
                    out = Some(out.map_or(a, |o| o.join(a)));
                }
                let a = out.unwrap_or(Abs::TOP);
                Abs {
                    items: Items {
                        kind: a.kind,
                        missing: a.missing,
                        lo: a.lo,
                        hi: a.hi,
                        len: items.len() as f64,
                    },
                    ..Abs::of(Kind::List)
                }
            }
            Code::Min(items) | Code::Max(items) => {
                let is_min = matches!(code, Code::Min(_));
                let mut out: Option<(f64, f64, bool)> = None;
                for item in items {
                    let a = self.num(item);
                    out = Some(match out {
                        None => (a.lo, a.hi, a.whole),
                        Some((lo, hi, w)) if is_min => (lo.min(a.lo), hi.min(a.hi), w && a.whole),
                        Some((lo, hi, w)) => (lo.max(a.lo), hi.max(a.hi), w && a.whole),
                    });
                }
                let (lo, hi, whole) = out.unwrap_or((0.0, 0.0, true));
                Abs::num(lo, hi, whole)
            }
            Code::Clamp(x, lo, hi) => {
                let (x, l, h) = (self.num(x), self.num(lo), self.num(hi));
                if !at_most(l.hi, h.lo) {
                    self.fail = true;
                }
                Abs::num(l.lo, h.hi, x.whole && l.whole && h.whole)
            }
            Code::Round(x, rounding) => {
                let a = self.num(x);
                let whole = a.whole || rounding.step.decimal_places() == 0;
                Abs::num(a.lo - 1.0, a.hi + 1.0, whole)
            }
            Code::InterpolateConst(x, points) => {
                self.num(x);
                self.scale(points)
            }
            Code::InterpolateParam(x, p) => {
                self.num(x);
                let scales: Vec<Arc<[(Decimal, Decimal)]>> = self
                    .versions(*p)
                    .filter_map(|d| match d {
                        ParamData::Scale(s) => Some(Arc::clone(s)),
                        _ => None,
                    })
                    .collect();
                if scales.is_empty() || scales.len() != self.versions(*p).count() {
                    self.fail = true;
                    return Abs::num(f64::NEG_INFINITY, f64::INFINITY, false);
                }
                let mut out: Option<Abs> = None;
                for s in &scales {
                    let a = self.scale(s);
                    out = Some(out.map_or(a, |o| o.join(a)));
                }
                out.unwrap_or(Abs::TOP)
            }
            Code::Lookup { table, key, column } => {
                self.num(key);
                let cells = match self.tables(*table).filter(|t| Self::open(t)) {
                    Some(t) => self.cells(*table, &t, *column),
                    None => None,
                };
                cells.unwrap_or_else(|| {
                    self.fail = true;
                    Abs::num(f64::NEG_INFINITY, f64::INFINITY, false)
                })
            }
            Code::Band { table, key } => {
                self.num(key);
                match self.tables(*table).filter(|t| Self::open(t)) {
                    Some(t) => {
                        let rows = t.iter().map(|t| t.bounds.len()).max().unwrap_or(0);
                        Abs { band: Some(*table), ..Abs::num(1.0, rows as f64, true) }
                    }
                    None => {
                        self.fail = true;
                        Abs::num(f64::NEG_INFINITY, f64::INFINITY, true)
                    }
                }
            }
            Code::Row { table, row, column } => {
                let n = self.num(row);
                let Some(tables) = self.tables(*table) else {
                    self.fail = true;
                    return Abs::num(f64::NEG_INFINITY, f64::INFINITY, false);
                };
                let Some(cells) = self.cells(*table, &tables, *column) else {
                    self.fail = true;
                    return Abs::num(f64::NEG_INFINITY, f64::INFINITY, false);
                };
                let fewest = tables.iter().map(|t| t.bounds.len()).min().unwrap_or(0) as f64;
                // A row number of this very table is within it; any other must be proven
                // within the shortest version (truncated: `riga` reads row ⌊n⌋).
                let within = n.band == Some(*table) || (n.lo >= 1.0 && n.hi < fewest + 1.0);
                if !within {
                    self.fail = true;
                }
                cells
            }
            Code::Members { agg, body, filter } => {
                if self.in_members {
                    // A loop inside a member's context ends it: not analysed further.
                    self.fail = true;
                    return Abs::TOP;
                }
                let saved = self.enter_member();
                if let Some(f) = filter {
                    self.boolean(f);
                }
                // The body is evaluated for the members the filter keeps.
                let body_of = |this: &mut Self, b: &Code| match filter.as_deref() {
                    Some(f) => this.under(f, true, b),
                    None => this.node(b),
                };
                let members = MAX_MEMBERS as f64;
                let out = match (agg, body.as_deref()) {
                    (Agg::Count, _) => Abs::num(0.0, members, true),
                    (Agg::Sum, Some(b)) => {
                        let a = body_of(self, b);
                        let a = self.need(a, Kind::Num);
                        self.bounded(members * a.lo.min(0.0), members * a.hi.max(0.0), a.whole)
                    }
                    (Agg::Sum, None) => Abs::num(0.0, 0.0, true),
                    (Agg::Any | Agg::All, b) => {
                        if let Some(b) = b {
                            let a = body_of(self, b);
                            self.need(a, Kind::Bool);
                        }
                        Abs::of(Kind::Bool)
                    }
                };
                self.leave_member(saved);
                out
            }
            Code::ListAgg { agg, list } => {
                let l = self.node(list);
                let l = self.need(l, Kind::List);
                match agg {
                    Agg::Count => Abs::num(0.0, l.items.len, true),
                    Agg::Sum => {
                        if l.items.kind != Kind::Num || l.items.missing {
                            self.fail = true;
                        }
                        let m = l.items.lo.abs().max(l.items.hi.abs()) * l.items.len;
                        self.bounded(-m, m, false)
                    }
                    Agg::Any | Agg::All => Abs::of(Kind::Bool),
                }
            }
            Code::DateDiff(_, a, b) => {
                self.date(a);
                if let Some(b) = b {
                    self.date(b);
                }
                // An age or a span before its start is an error, unless the dates are known in
                // order here (`se d presente e d <= oggi allora mesi_tra(d, oggi)`): whole
                // months between two dates never pass `u32` (chrono's dates span ±262,143
                // years).
                let to = b.as_deref().unwrap_or(&Code::Today);
                if !self.ordered(a, to) {
                    self.fail = true;
                }
                Abs::num(0.0, f64::from(u32::MAX), true)
            }
            Code::ValueOr(a, b) => {
                let x = self.node(a);
                let y = self.node(b);
                if x.missing {
                    Abs { missing: false, ..x }.join(y)
                } else {
                    x
                }
            }
            Code::Builtin(b) => self.builtin(b),
        }
    }

    fn builtin(&mut self, b: &Builtin) -> Abs {
        match b {
            Builtin::AddMonths(d, n) | Builtin::AddDays(d, n) => {
                self.date(d);
                self.node(n);
                self.fail = true;
                Abs::of(Kind::Date)
            }
            Builtin::DaysBetween(a, c) => {
                self.date(a);
                self.date(c);
                // chrono's dates span ±262,143 years: under 2e8 days apart.
                Abs::num(-2e8, 2e8, true)
            }
            Builtin::ParamOn { date, .. } => {
                self.node(date);
                self.fail = true;
                Abs::TOP
            }
            Builtin::Rows(t) => match self.tables(*t) {
                Some(tables) => {
                    let fewest = tables.iter().map(|t| t.bounds.len()).min().unwrap_or(0);
                    let most = tables.iter().map(|t| t.bounds.len()).max().unwrap_or(0);
                    let band = (fewest >= 1).then_some(*t);
                    Abs { band, ..Abs::num(fewest as f64, most as f64, true) }
                }
                None => {
                    self.fail = true;
                    Abs::num(f64::NEG_INFINITY, f64::INFINITY, true)
                }
            },
            Builtin::MemberList { body, filter } => {
                let saved = self.enter_member();
                let a = match filter {
                    Some(f) => {
                        self.boolean(f);
                        self.under(f, true, body)
                    }
                    None => self.node(body),
                };
                self.leave_member(saved);
                Abs {
                    items: Items {
                        kind: a.kind,
                        missing: a.missing,
                        lo: a.lo,
                        hi: a.hi,
                        len: MAX_MEMBERS as f64,
                    },
                    ..Abs::of(Kind::List)
                }
            }
            Builtin::Positions { filter } => {
                let saved = self.enter_member();
                if let Some(f) = filter {
                    self.boolean(f);
                }
                self.leave_member(saved);
                Abs {
                    items: Items {
                        kind: Kind::Num,
                        missing: false,
                        lo: 1.0,
                        hi: MAX_MEMBERS as f64,
                        len: MAX_MEMBERS as f64,
                    },
                    ..Abs::of(Kind::List)
                }
            }
        }
    }
}

/// An upper bound of the steps evaluating `code` counts: one per node evaluated (the
/// evaluator's [`crate::eval::Run::tick`]), the sub-expressions of member loops once per
/// member, at most [`MAX_MEMBERS`] ([`crate::limits`]); saturating.
pub(crate) fn steps(code: &Code) -> u64 {
    let mut total = 1u64;
    children(code, &mut |c, per_member| {
        let s = steps(c);
        let s = if per_member { s.saturating_mul(MAX_MEMBERS as u64) } else { s };
        total = total.saturating_add(s);
    });
    total
}

/// Members a household typically has, for [`expected`]: the order of conditions weighs
/// member loops at this size, not at [`MAX_MEMBERS`] (which only bounds the steps).
const TYPICAL_MEMBERS: u64 = 3;

/// A rough expected cost of evaluating `code` (about a machine instruction a unit), used only
/// to order a plan's conditions: a node's dispatch, more for decimal arithmetic (a division
/// most), rounding, date spans and table lookups; member loops at [`TYPICAL_MEMBERS`]; the
/// right side of `e`/`o` at half (it may be skipped), a branch of `se` at half each. Any
/// order gives the same decisions: this only chooses which condition is tried first.
fn expected(code: &Code) -> u64 {
    let own: u64 = match code {
        Code::Const(_) | Code::Input(_) | Code::Member(_) | Code::Param(_) | Code::Def(_) => 5,
        Code::Today => 5,
        Code::Arith(Arith::Add | Arith::Sub, ..) => 30,
        Code::Arith(Arith::Mul, ..) => 60,
        Code::Arith(Arith::Div, ..) => 300,
        Code::Round(..) => 150,
        // Two values compared (texts by equality); two numbers compared in place.
        Code::Cmp(..) => 40,
        Code::CmpNum(..) => 15,
        Code::DateDiff(..) => 150,
        Code::InterpolateConst(..)
        | Code::InterpolateParam(..)
        | Code::Lookup { .. }
        | Code::Band { .. }
        | Code::Row { .. } => 80,
        Code::List(_) => 100,
        Code::Members { .. } => 20,
        Code::Builtin(b) => match &**b {
            Builtin::AddMonths(..) | Builtin::AddDays(..) => 150,
            Builtin::DaysBetween(..) => 60,
            Builtin::ParamOn { .. } => 200,
            Builtin::Rows(_) => 10,
            Builtin::MemberList { .. } | Builtin::Positions { .. } => 120,
        },
        _ => 10,
    };
    let sub = match code {
        Code::And(a, b) | Code::Or(a, b) => expected(a).saturating_add(expected(b) / 2),
        Code::If(c, a, b) => expected(c).saturating_add(expected(a) / 2 + expected(b) / 2),
        _ => {
            let mut total = 0u64;
            children(code, &mut |c, per_member| {
                let s = expected(c);
                // A member's turn: the loop's own work (the member's row) and its body.
                let s = if per_member { (s + 10).saturating_mul(TYPICAL_MEMBERS) } else { s };
                total = total.saturating_add(s);
            });
            total
        }
    };
    own.saturating_add(sub)
}

/// The definitions, household facts and member facts `code` reads.
fn reads(code: &Code, defs: &mut Vec<u32>, inputs: &mut Vec<u32>, members: &mut Vec<u32>) {
    match code {
        Code::Def(i) => defs.push(*i),
        Code::Input(i) => inputs.push(*i),
        Code::Member(i) => members.push(*i),
        _ => {}
    }
    children(code, &mut |c, _| reads(c, defs, inputs, members));
}

/// The shortcut of `plan`, `None` when its steps are not bounded below the limit.
fn shortcut(program: &Program, plan: &Plan) -> Option<Shortcut> {
    let n = program.defs.len();
    let cost: Vec<u64> = program.defs.iter().map(|d| steps(&d.code)).collect();
    let likely: Vec<u64> = program.defs.iter().map(|d| expected(&d.code)).collect();
    let total = plan
        .order
        .iter()
        .map(|&i| cost.get(i as usize).copied().unwrap_or(u64::MAX))
        .fold(0u64, u64::saturating_add);
    if total > MAX_EVAL_STEPS {
        return None;
    }
    // What each definition reads; what may fail.
    let mut analysis = Analysis::new(program, FACT_BOUND);
    let mut may_fail = vec![true; n];
    let mut deps: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut inputs: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); n];
    for &i in &program.order {
        let def = program.defs.get(i as usize)?;
        *may_fail.get_mut(i as usize)? = analysis.definition(i)?;
        let (mut d, mut h, mut m) = (Vec::new(), Vec::new(), Vec::new());
        reads(&def.code, &mut d, &mut h, &mut m);
        for v in [&mut d, &mut h, &mut m] {
            v.sort_unstable();
            v.dedup();
        }
        *deps.get_mut(i as usize)? = d;
        *inputs.get_mut(i as usize)? = h;
        *members.get_mut(i as usize)? = m;
    }
    // Again with facts of any magnitude and no divisor assumed away from zero: a definition
    // total then (a comparison of ages, a count of members) needs no check of the facts.
    let mut wide = Analysis::new(program, ANY_FACT);
    let mut needs_bound = vec![true; n];
    for &i in &program.order {
        *needs_bound.get_mut(i as usize)? = wide.definition(i)?;
    }
    // A plan reads only its own definitions (the slots it leaves out read as missing in the
    // plain run; here they are not reset before a refusal): else, no shortcut.
    let mut in_plan = vec![false; n];
    for &i in &plan.order {
        *in_plan.get_mut(i as usize)? = true;
    }
    let closed = plan.order.iter().all(|&i| {
        deps.get(i as usize)
            .is_some_and(|d| d.iter().all(|&k| in_plan.get(k as usize).copied().unwrap_or(false)))
    });
    if !closed {
        return None;
    }
    // The definitions `roots` read that are not `done`, themselves included, in plan order.
    let closure = |roots: &[u32], done: &[bool]| -> Vec<u32> {
        let mut want = vec![false; n];
        let mut stack: Vec<u32> = roots.to_vec();
        while let Some(i) = stack.pop() {
            let (Some(w), Some(false)) = (want.get_mut(i as usize), done.get(i as usize).copied())
            else {
                continue;
            };
            if *w {
                continue;
            }
            *w = true;
            stack.extend(deps.get(i as usize).into_iter().flatten().copied());
        }
        plan.order
            .iter()
            .copied()
            .filter(|&i| want.get(i as usize).copied().unwrap_or(false))
            .collect()
    };
    let conditions: Vec<u32> = plan
        .order
        .iter()
        .copied()
        .filter(|&i| program.defs.get(i as usize).is_some_and(|d| d.condition))
        .collect();
    let failing: Vec<u32> = plan
        .order
        .iter()
        .copied()
        .filter(|&i| may_fail.get(i as usize).copied().unwrap_or(true))
        .collect();
    // Household facts are checked in full (a few per household); member facts, once per
    // member, only where numbers: their kinds and presence hold by construction (above).
    // Household facts divided by are also checked away from zero.
    let nonzero = std::mem::take(&mut analysis.nonzero);
    // `bound`: the facts whose magnitude some proof needs (sorted); the others are checked
    // for their kind and presence only.
    let facts = |found: &mut Vec<u32>,
                 bound: &[u32],
                 decls: &[Input],
                 all: bool|
     -> Box<[(u32, Assumed)]> {
        found.sort_unstable();
        found.dedup();
        found
            .iter()
            .filter_map(|&i| {
                let a = assumed(decls.get(i as usize)?);
                let bounded = bound.binary_search(&i).is_ok();
                let divisor = all && bounded && nonzero.get(i as usize).copied().unwrap_or(false);
                Some((i, Assumed::new(a.kind, a.optional, divisor, bounded)))
            })
            .filter(|(_, a)| all || a.kind == Kind::Num)
            .collect()
    };
    // A refusal once `done` is evaluated: the definitions that may fail and what they read,
    // and the facts read by the definitions left out and everything they read.
    let refusal = |done: &[bool]| -> Refusal {
        let evaluate = closure(&failing, done);
        let left_out: Vec<u32> = plan
            .order
            .iter()
            .copied()
            .filter(|&i| !done.get(i as usize).copied().unwrap_or(true) && !evaluate.contains(&i))
            .collect();
        let relied = closure(&left_out, &vec![false; n]);
        // Member facts only for the definitions left out whose proof needs the facts'
        // bound (they and everything they read): their kinds and presence hold anyway.
        let bounded: Vec<u32> = left_out
            .iter()
            .copied()
            .filter(|&i| needs_bound.get(i as usize).copied().unwrap_or(true))
            .collect();
        let (mut h, mut hb, mut m) = (Vec::new(), Vec::new(), Vec::new());
        for &i in &relied {
            h.extend(inputs.get(i as usize).into_iter().flatten());
        }
        for i in closure(&bounded, &vec![false; n]) {
            hb.extend(inputs.get(i as usize).into_iter().flatten());
            m.extend(members.get(i as usize).into_iter().flatten());
        }
        hb.sort_unstable();
        hb.dedup();
        m.sort_unstable();
        m.dedup();
        let mb = m.clone();
        Refusal {
            evaluate: evaluate.into_boxed_slice(),
            household: facts(&mut h, &hb, &program.inputs, true),
            members: facts(&mut m, &mb, &program.members, false),
        }
    };
    // Conditions cheapest first, each after what it reads; what every decision evaluates
    // anyway (what may fail, on a refusal too) is free.
    let mut always = vec![false; n];
    for i in closure(&failing, &vec![false; n]) {
        *always.get_mut(i as usize)? = true;
    }
    let mut done = vec![false; n];
    let mut first: Vec<(u32, bool)> = Vec::new();
    let mut after = Vec::new();
    let mut left = conditions;
    while !left.is_empty() {
        let price = |c: u32| -> u64 {
            closure(&[c], &done)
                .iter()
                .filter(|&&i| !always.get(i as usize).copied().unwrap_or(false))
                .map(|&i| likely.get(i as usize).copied().unwrap_or(0))
                .sum()
        };
        let (k, _) = left.iter().enumerate().min_by_key(|(_, &c)| price(c))?;
        let c = left.remove(k);
        for i in closure(&[c], &done) {
            *done.get_mut(i as usize)? = true;
            let condition = i == c;
            first.push((i, condition));
            after.push(if condition { refusal(&done) } else { Refusal::default() });
        }
    }
    // The rest of the plan, in plan order, after the conditions.
    let rest: Vec<(u32, bool)> = plan
        .order
        .iter()
        .copied()
        .filter(|&i| !done.get(i as usize).copied().unwrap_or(false))
        .map(|i| (i, false))
        .collect();
    first.extend(rest);
    Some(Shortcut {
        order: first.into_boxed_slice(),
        after,
        may_fail: failing.len(),
        #[cfg(test)]
        failing,
    })
}

#[cfg(test)]
mod tests {
    //! A decision must equal the plain run's answer: same error, same eligibility, and when
    //! eligible the same values, on every bundled case, its variants and extremes.

    use proptest::prelude::*;
    use serde_json::{json, Value as Json};

    use super::{steps, Decision, DecisionPlan};
    use crate::corpus::{programs, variants};
    use crate::value::Value;
    use crate::{EvalError, Facts, Program, Snapshot};

    /// The case's variants, then extremes: each amount huge, negative or zero, each number
    /// huge or negative, each date far back or far ahead, for the household and for the
    /// first member.
    fn extremes(facts: &Json) -> Vec<Json> {
        fn changed(map: &serde_json::Map<String, Json>) -> Vec<serde_json::Map<String, Json>> {
            let mut out = Vec::new();
            for (key, value) in map {
                let replacements: Vec<Json> = match value {
                    Json::String(s) if s.parse::<rust_decimal::Decimal>().is_ok() => [
                        "99999999999999999999.99",
                        "-999999999.99",
                        "0",
                        "1000000000.01",
                        "0.000001",
                    ]
                    .map(Json::from)
                    .to_vec(),
                    Json::String(s) if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {
                        ["1900-01-01", "2199-12-31", "0001-01-01"].map(Json::from).to_vec()
                    }
                    Json::Number(_) => {
                        vec![json!(1_000_000_000_000_000i64), json!(-3), json!(0), json!(250)]
                    }
                    _ => Vec::new(),
                };
                for r in replacements {
                    let mut m = map.clone();
                    m.insert(key.clone(), r);
                    out.push(m);
                }
            }
            out
        }
        let mut out = variants(facts);
        let Some(map) = facts.as_object() else { return out };
        out.extend(changed(map).into_iter().map(Json::Object));
        let members = map.get("members").or_else(|| map.get("membri"));
        if let Some(Json::Array(list)) = members {
            let key = if map.contains_key("members") { "members" } else { "membri" };
            if let Some(Json::Object(first)) = list.first() {
                for m in changed(first) {
                    let mut list = list.clone();
                    list[0] = Json::Object(m);
                    let mut h = map.clone();
                    h.insert(key.to_owned(), Json::Array(list));
                    out.push(Json::Object(h));
                }
            }
        }
        out
    }

    /// Decides `facts` and runs the plan plainly, and asserts the same answer. `kept` is a
    /// scratch reused across calls (as a batch reuses it), so stale values are exercised.
    fn same(
        snap: &Snapshot<'_>,
        plan: &DecisionPlan,
        facts: &Facts,
        kept: &mut Vec<Value>,
        what: &str,
    ) -> Result<Decision, EvalError> {
        let mut plain = Vec::new();
        let expected = snap.run_plan_view(plan.plan(), facts.view(), &mut plain).map(|()| {
            let holds = |i: &u32| matches!(plain.get(*i as usize), Some(Value::Bool(true)));
            if plan.conditions.iter().all(holds) {
                Decision::Eligible
            } else {
                Decision::Refused
            }
        });
        let decided = snap.decide(plan, facts, kept);
        assert_eq!(decided, expected, "{what}");
        if decided == Ok(Decision::Eligible) {
            assert_eq!(*kept, plain, "{what}");
        }
        decided
    }

    /// The plans compared per program: conditions only, every output, every definition.
    fn plans(program: &Program) -> Vec<DecisionPlan> {
        let outputs: Vec<String> = program.outputs().map(str::to_owned).collect();
        vec![
            program.decision_plan(program.plan_slots(std::iter::empty())),
            program.decision_plan(program.plan(outputs.iter().map(String::as_str)).unwrap()),
            program.decision_plan(program.plan_slots(0..program.defs.len())),
        ]
    }

    #[test]
    fn decisions_equal_the_plain_run_on_every_bundled_case_and_extreme() {
        let (mut compared, mut refused, mut errors, mut shortcuts) = (0, 0, 0, 0);
        for (program, cases) in programs() {
            let plans = plans(&program);
            shortcuts += plans.iter().filter(|p| p.has_shortcut()).count();
            let mut kept = Vec::new();
            let other_dates = ["2021-03-01", "2026-09-01", "2031-01-01"]
                .map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
            for (case, date) in cases.iter().flat_map(|case| {
                std::iter::once(case.date).chain(other_dates).map(move |d| (case, d))
            }) {
                let Ok(snap) = program.snapshot(date) else { continue };
                // The cases' facts and extremes, and no facts at all (every fact missing,
                // required ones too: a `Facts::empty()` never filled).
                let built =
                    extremes(&case.facts).into_iter().filter_map(|f| program.facts(&f).ok());
                for facts in built.chain([Facts::empty()]) {
                    for plan in &plans {
                        let what = format!("{} / {} on {date}", program.id, case.name);
                        match same(&snap, plan, &facts, &mut kept, &what) {
                            Ok(Decision::Refused) => refused += 1,
                            Err(_) => errors += 1,
                            Ok(Decision::Eligible) => {}
                        }
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 20_000, "only {compared} decisions compared");
        assert!(refused > 10_000 && errors > 50, "{refused} refusals, {errors} errors");
        assert!(shortcuts > 20, "only {shortcuts} plans with a shortcut");
    }

    /// The national plans all get a shortcut, and a refusal is decided by it (not by the
    /// plain run) on most bundled cases.
    #[test]
    fn national_plans_have_a_shortcut() {
        for (program, _) in programs() {
            if program.id.starts_with("it/") && program.conditions().count() > 0 {
                let plan = program.decision_plan(program.plan_slots(std::iter::empty()));
                assert!(plan.has_shortcut(), "{}", program.id);
            }
        }
    }

    /// The static bound of a program's steps is never below the steps an evaluation counts.
    #[test]
    fn step_bounds_cover_the_steps_counted() {
        for (program, cases) in programs() {
            let bound: u64 =
                program.order.iter().map(|&i| steps(&program.defs[i as usize].code)).sum();
            for case in &cases {
                let Ok(snap) = program.snapshot(case.date) else { continue };
                for facts in variants(&case.facts) {
                    let Ok(facts) = program.facts(&facts) else { continue };
                    let (_, counted) = snap.run_counted(&facts, &mut Vec::new(), false);
                    let members = facts.member_count() as u64;
                    // The bound counts every loop at the most members; rescale it to these.
                    assert!(
                        counted <= bound,
                        "{}: {counted} > {bound} ({members} members)",
                        program.id
                    );
                }
            }
        }
    }

    const TRAPS: &str = r#"
rulebook: prova/trappole
title: { it: "Trappole", en: "Traps" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  household:
    isee: { type: money }
    divisore: { type: decimal }
    riga_n: { type: integer }
    nascita: { type: date, optional: true }
  member:
    eta: { type: integer }
    reddito: { type: money }
parameters:
  soglia: { type: money, versions: [{ from: 2025-01-01, value: "20000.00", source: "delibera" }] }
  enorme: { type: decimal, versions: [{ from: 2025-01-01, value: "10000000000000000", source: "prova" }] }
  fasce:
    type: band_table
    key: money
    columns: { importo: money }
    versions:
      - from: 2025-01-01
        source: "prova"
        rows:
          - { up_to: "6000.00", importo: "100.00" }
          - { up_to: "12000.00", importo: "50.00" }
definitions:
  per_quota: { type: decimal, formula: "1000 / divisore" }
  gonfiato: { type: money, formula: "isee * enorme * enorme" }
  dalla_riga: { type: money, formula: "riga(fasce, riga_n, importo)" }
  dalla_fascia: { type: money, formula: "cerca(fasce, isee, importo)" }
  eta_richiedente: { type: integer, formula: "se nascita presente allora eta(nascita) altrimenti 0" }
  redditi: { type: money, formula: "somma(membri, reddito)" }
  importo: { type: money, output: true, formula: "gonfiato + dalla_riga + dalla_fascia + redditi + (se per_quota > 0 e eta_richiedente >= 0 allora 1 altrimenti 0)" }
conditions:
  isee_basso:
    formula: isee <= soglia
  minori:
    formula: almeno_uno(membri, eta < 18)
"#;

    /// A definition only the amount reads fails for a refused household: the decision gives
    /// that very error, the plain run's.
    #[test]
    fn errors_only_the_amount_would_meet_are_the_decisions() {
        let program = Program::from_yaml(TRAPS, "trappole.yaml").unwrap();
        let date = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let snap = program.snapshot(date).unwrap();
        let plan = program.decision_plan(program.plan(["importo"]).unwrap());
        assert!(plan.has_shortcut());
        // Refused: no member is a minor.
        let base = json!({
            "isee": "0", "divisore": "4", "riga_n": 1,
            "members": [{ "eta": 40, "reddito": "1000.00" }],
        });
        let with = |key: &str, v: Json| {
            let mut f = base.clone();
            f[key] = v;
            program.facts(&f).unwrap()
        };
        let mut kept = Vec::new();
        let r = same(&snap, &plan, &program.facts(&base).unwrap(), &mut kept, "no trap");
        assert_eq!(r, Ok(Decision::Refused));
        let cases = [
            (with("divisore", json!("0")), "division by zero"),
            (with("isee", json!("9000.00")), "overflow"),
            (with("riga_n", json!(3)), "fasce"),
            (with("riga_n", json!(0)), "fasce"),
            (with("isee", json!("1000000000000.00")), "overflow"),
            (with("nascita", json!("2030-01-01")), "before"),
        ];
        for (facts, error) in &cases {
            let r = same(&snap, &plan, facts, &mut kept, error);
            let e = r.expect_err(error).to_string();
            assert!(e.contains(error), "{e} / {error}");
            // And the household is still refused without the trap.
            let r = same(&snap, &plan, &program.facts(&base).unwrap(), &mut kept, "no trap");
            assert_eq!(r, Ok(Decision::Refused));
        }
        // Facts beyond the analysis' bound: the plain run decides (here, refused).
        let mut f = base.clone();
        f["members"] = json!([{ "eta": 40, "reddito": "99999999999.00" }]);
        let r = same(&snap, &plan, &program.facts(&f).unwrap(), &mut kept, "reddito");
        assert_eq!(r, Ok(Decision::Refused));
    }

    const AGES: &str = r#"
rulebook: prova/eta
title: { it: "Età", en: "Ages" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  household:
    residente: { type: boolean }
    isee: { type: money, optional: true }
  member:
    eta: { type: integer }
    reddito: { type: money, optional: true }
definitions:
  minori: { type: integer, formula: "conta(membri, eta < 18)" }
  redditi: { type: money, formula: "somma(membri, valore_o(reddito, 0))" }
  basso: { type: boolean, formula: "isee presente e isee < 5000" }
  importo: { type: integer, output: true, formula: "minori * 100 + (se redditi < 1000 e basso allora 50 altrimenti 0)" }
conditions:
  residenza:
    formula: residente
"#;

    /// A refusal checks the member facts only of the definitions whose proof needs their
    /// bound: the sum of incomes does, the count of minors (any age) and the amount (a count
    /// and a comparison) do not. An age past the bound is still decided by the shortcut; an
    /// income past it by the plain run: both as the plain run decides.
    #[test]
    fn only_the_member_facts_a_proof_bounds_are_checked_on_a_refusal() {
        let program = Program::from_yaml(AGES, "eta.yaml").unwrap();
        let plan = program.decision_plan(program.plan(["importo"]).unwrap());
        let cut = plan.shortcut.as_deref().unwrap();
        assert_eq!(plan.may_fail(), Some(0));
        let checked: Vec<&str> = cut.after[0]
            .members
            .iter()
            .map(|&(i, _)| program.members[i as usize].name.as_str())
            .collect();
        assert_eq!(checked, ["reddito"]);
        // The ISEE, only compared: its kind and presence checked, not its magnitude.
        let household: Vec<(&str, bool)> = cut.after[0]
            .household
            .iter()
            .map(|&(i, a)| (program.inputs[i as usize].name.as_str(), a.bounded))
            .collect();
        assert_eq!(household, [("isee", false)]);
        let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let mut kept = Vec::new();
        for (eta, reddito, residente, expected) in [
            (1_000_000_000_000i64, "10.00", false, Decision::Refused),
            (4, "100000000000000000000", false, Decision::Refused),
            (4, "10.00", true, Decision::Eligible),
            (1_000_000_000_000, "10.00", true, Decision::Eligible),
        ] {
            let facts = json!({ "residente": residente,
                "members": [{ "eta": eta, "reddito": reddito }, { "eta": 40 }] });
            let facts = program.facts(&facts).unwrap();
            let what = format!("{eta} {reddito} {residente}");
            assert_eq!(same(&snap, &plan, &facts, &mut kept, &what), Ok(expected), "{what}");
        }
        let facts = json!({ "residente": false, "isee": "100000000000000000000",
            "members": [{ "eta": 1_000_000_000_000i64 }] });
        let facts = program.facts(&facts).unwrap();
        assert!(super::assumptions_hold(&cut.after[0], &facts.view()));
        let facts = json!({ "residente": false,
            "members": [{ "eta": 4, "reddito": "100000000000000000000" }] });
        let facts = program.facts(&facts).unwrap();
        assert!(!super::assumptions_hold(&cut.after[0], &facts.view()));
    }

    const SAFE: &str = r#"
rulebook: prova/sicuro
title: { it: "Sicuro", en: "Safe" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  household:
    isee: { type: money, optional: true }
    residente: { type: boolean }
  member:
    eta: { type: integer }
    reddito: { type: money, optional: true }
parameters:
  soglia: { type: money, versions: [{ from: 2025-01-01, value: "20000.00", source: "delibera" }] }
  fasce:
    type: band_table
    key: money
    columns: { importo: money }
    versions:
      - from: 2025-01-01
        to: 2025-12-31
        source: "prova"
        rows:
          - { up_to: "6000.00", importo: "100.00" }
          - { up_to: null, importo: "50.00" }
      - from: 2026-01-01
        source: "prova"
        rows:
          - { up_to: "6000.00", importo: "110.00" }
          - { up_to: "9000.00", importo: "70.00" }
          - { up_to: null, importo: "55.00" }
definitions:
  fascia: { type: integer, formula: "se isee presente allora fascia(fasce, isee) altrimenti righe(fasce)" }
  base: { type: money, formula: "riga(fasce, fascia, importo) + riga(fasce, 1, importo)" }
  redditi: { type: money, formula: "somma(membri, valore_o(reddito, 0), eta >= 18)" }
  quota: { type: money, formula: "arrotonda(minimo(redditi, 100000) / 12, centesimo, commerciale) * 2" }
  doppio: { type: money, formula: "valore_o(isee, 0) * 1000000000" }
  importo: { type: money, output: true, formula: "base + quota + doppio + conta(membri, eta < 18) * cerca(fasce, valore_o(isee, 0), importo)" }
conditions:
  isee_basso:
    formula: isee presente e isee <= soglia
  residenza:
    formula: residente
  minori:
    formula: almeno_uno(membri, eta < 18)
"#;

    /// What the analysis proves: band numbers and row counts within their table, bounded
    /// sums and products, a constant divisor, an open table; and what it cannot.
    #[test]
    fn the_analysis_proves_total_formulas_and_flags_the_rest() {
        let failing = |program: &Program, plan: &DecisionPlan| -> Vec<String> {
            let cut = plan.shortcut.as_deref().unwrap();
            cut.failing.iter().map(|&i| program.defs[i as usize].name.clone()).collect()
        };
        let safe = Program::from_yaml(SAFE, "sicuro.yaml").unwrap();
        let plan = safe.decision_plan(safe.plan(["importo"]).unwrap());
        assert_eq!(failing(&safe, &plan), Vec::<String>::new());
        assert_eq!(plan.may_fail(), Some(0));
        let traps = Program::from_yaml(TRAPS, "trappole.yaml").unwrap();
        let plan = traps.decision_plan(traps.plan(["importo"]).unwrap());
        let mut names = failing(&traps, &plan);
        names.sort();
        assert_eq!(names, ["dalla_fascia", "dalla_riga", "eta_richiedente", "gonfiato", "importo"]);
        // A fact past the bound the analysis assumed: the plain run decides, and meets the
        // overflow `doppio` would hide. Within it, the refusal skips `doppio`.
        let snap = safe.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let plan = safe.decision_plan(safe.plan(["importo"]).unwrap());
        let mut kept = Vec::new();
        for (isee, expected) in [("100000000000000000000", false), ("500000000", true)] {
            let facts = json!({ "isee": isee, "residente": false, "members": [{ "eta": 4 }] });
            let facts = safe.facts(&facts).unwrap();
            let r = same(&snap, &plan, &facts, &mut kept, isee);
            assert_eq!(r == Ok(Decision::Refused), expected, "{r:?}");
        }
        let cut = plan.shortcut.as_deref().unwrap();
        assert!(cut.after.iter().all(|r| r.evaluate.is_empty()));
        let plan = traps.decision_plan(traps.plan(["importo"]).unwrap());
        // Only the condition is evaluated for a household refused by it, whatever else.
        let cut = plan.shortcut.as_deref().unwrap();
        assert!(cut.order.iter().filter(|(_, c)| *c).count() == 2);
    }

    /// A plan whose steps could pass the limit gets no shortcut: deciding it is the plain
    /// run, the limit error included.
    #[test]
    fn a_plan_that_may_reach_the_step_limit_runs_in_full() {
        // `eta >= 0 e …` 256 times, balanced (the nesting limit): about 1,000 nodes a member.
        fn all_of(n: usize) -> String {
            if n == 1 {
                return "eta >= 0".to_owned();
            }
            format!("({} e {})", all_of(n / 2), all_of(n - n / 2))
        }
        let mut yaml = String::from(
            r#"
rulebook: prova/cicli
title: { it: "Cicli", en: "Loops" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  household:
    residente: { type: boolean }
  member:
    eta: { type: integer }
conditions:
  residenza:
    formula: residente
definitions:
"#,
        );
        for d in 0..11 {
            yaml.push_str(&format!(
                "  d{d}: {{ type: integer, formula: \"conta(membri, {})\" }}\n",
                all_of(256)
            ));
        }
        let sum: Vec<String> = (0..11).map(|d| format!("d{d}")).collect();
        yaml.push_str(&format!(
            "  importo: {{ type: integer, output: true, formula: \"{}\" }}\n",
            sum.join(" + ")
        ));
        let yaml = yaml.as_str();
        let program = Program::from_yaml(yaml, "cicli.yaml").unwrap();
        let plan = program.decision_plan(program.plan(["importo"]).unwrap());
        assert!(!plan.has_shortcut());
        let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let members: Vec<Json> = (0..100).map(|i| json!({ "eta": i % 30 })).collect();
        let facts = program.facts(&json!({ "residente": false, "members": members })).unwrap();
        let r = same(&snap, &plan, &facts, &mut Vec::new(), "limit");
        assert!(matches!(r, Err(EvalError::Limit { .. })), "{r:?}");
        // Few members: refused, by the plain run.
        let facts =
            program.facts(&json!({ "residente": false, "members": [{ "eta": 3 }] })).unwrap();
        assert_eq!(same(&snap, &plan, &facts, &mut Vec::new(), "few"), Ok(Decision::Refused));
    }

    /// A fact's check: its kind against the mask (missing only when optional; a fact past
    /// the inputs reads as missing), and a bounded number's magnitude at every scale, at and
    /// around 1e9 and 1e-9, whatever its sign.
    #[test]
    fn a_fact_holds_when_of_its_kind_and_within_the_bounds() {
        use super::{Assumed, Kind};
        let num = |s: &str| Value::Num(s.parse().unwrap());
        let bounded = Assumed::new(Kind::Num, false, false, true);
        let divisor = Assumed::new(Kind::Num, true, true, true);
        let free = Assumed::new(Kind::Num, false, false, false);
        for (v, within) in [
            ("1000000000", true),
            ("-1000000000", true),
            ("1000000000.000000000000000000", true),
            ("1000000000.000000000000000001", false),
            ("1000000001", false),
            ("-1000000000.1", false),
            ("0", true),
            ("79228162514264337593543950335", false),
        ] {
            assert_eq!(bounded.holds(Some(&num(v))), within, "{v}");
            assert!(free.holds(Some(&num(v))), "{v}");
        }
        for (v, away) in [
            ("0.000000001", true),
            ("-0.000000001", true),
            ("0.0000000009", false),
            ("0.0000000010000000000000000000", true),
            ("0.0000000009999999999999999999", false),
            ("0", false),
            ("0.0000000000000000000000000000", false),
            ("1000000000", true),
            ("1000000000.01", false),
        ] {
            assert_eq!(divisor.holds(Some(&num(v))), away, "{v}");
        }
        assert!(!bounded.holds(None) && !bounded.holds(Some(&Value::Missing)));
        assert!(divisor.holds(None) && divisor.holds(Some(&Value::Missing)));
        let date = Value::Date(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        let others = [Value::Bool(true), date, Value::Text("x".into()), Value::List([].into())];
        for v in &others {
            assert!(!bounded.holds(Some(v)) && !free.holds(Some(v)), "{v:?}");
        }
        let text = Assumed::new(Kind::Text, false, false, true);
        assert!(text.holds(Some(&Value::Text("x".into()))));
        assert!(!text.holds(Some(&Value::Bool(true))) && !text.holds(Some(&num("1"))));
        // A fact of unknown kind holds only when missing and optional.
        let any = Assumed::new(Kind::Any, true, false, true);
        assert!(any.holds(None) && !any.holds(Some(&num("1"))));
    }

    /// The names of a decision plan's conditions, in the order they are tried.
    fn tried(program: &Program, plan: &DecisionPlan) -> Vec<String> {
        let cut = plan.shortcut.as_deref().unwrap();
        cut.order
            .iter()
            .filter(|(_, c)| *c)
            .map(|&(i, _)| program.defs[i as usize].name.clone())
            .collect()
    }

    const ORDER: &str = r#"
rulebook: prova/ordine
title: { it: "Ordine", en: "Order" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  household:
    isee: { type: money }
    scala: { type: decimal }
  member:
    eta: { type: integer }
    nato: { type: date, optional: true }
parameters:
  soglia: { type: money, versions: [{ from: 2025-01-01, value: "20000.00", source: "delibera" }] }
definitions:
  nati: { type: integer, formula: "conta(membri, nato presente e nato >= oggi)" }
  isee_riparametrato: { type: money, formula: "arrotonda(isee / scala, centesimo, commerciale)" }
  importo: { type: integer, output: true, formula: "nati * 100" }
conditions:
  isee_sotto_soglia:
    formula: isee_riparametrato < soglia
  nascita:
    formula: nati > 0
"#;

    /// A count over the members (bounded at 100 members, typically three) is tried before a
    /// decimal division and rounding, though the division is fewer steps at its bound; a
    /// household refused by the count still meets the division's error, the plain run's.
    #[test]
    fn a_cheap_member_count_comes_before_a_division_and_refusals_still_error() {
        let program = Program::from_yaml(ORDER, "ordine.yaml").unwrap();
        let plan = program.decision_plan(program.plan(["importo"]).unwrap());
        assert_eq!(tried(&program, &plan), ["nascita", "isee_sotto_soglia"]);
        let bound = |name: &str| {
            let i = program.defs.iter().position(|d| d.name == name).unwrap();
            steps(&program.defs[i].code)
        };
        assert!(bound("nati") > bound("isee_riparametrato"));
        let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let mut kept = Vec::new();
        let facts = |scala: &str, nato: Json| {
            let f = json!({ "isee": "9000.00", "scala": scala,
                "members": [{ "eta": 40 }, { "eta": 0, "nato": nato }] });
            program.facts(&f).unwrap()
        };
        // Refused by the count (nobody born from today), the division fine.
        let r = same(&snap, &plan, &facts("1.5", Json::Null), &mut kept, "refused");
        assert_eq!(r, Ok(Decision::Refused));
        // Refused by the count, the division by zero: the plain run's error.
        let r = same(&snap, &plan, &facts("0", Json::Null), &mut kept, "zero");
        assert!(
            matches!(&r, Err(EvalError::Arithmetic { definition, .. }) if definition == "isee_riparametrato"),
            "{r:?}"
        );
        // Born today, the ISEE under the threshold: eligible with the plain run's values.
        let r = same(&snap, &plan, &facts("1.5", json!("2025-06-01")), &mut kept, "born");
        assert_eq!(r, Ok(Decision::Eligible));
        // Born today, the ISEE over the threshold once divided: refused by the second.
        let r = same(&snap, &plan, &facts("0.25", json!("2025-06-01")), &mut kept, "over");
        assert_eq!(r, Ok(Decision::Refused));
    }

    const SPANS: &str = r#"
rulebook: prova/periodi
title: { it: "Periodi", en: "Spans" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  household:
    dal: { type: date, optional: true }
    scala: { type: decimal }
    reddito: { type: decimal }
  member:
    eta: { type: integer }
parameters:
  fine: { type: date, versions: [{ from: 2025-01-01, value: 2027-01-01, source: "delibera" }] }
definitions:
  mesi: { type: integer, formula: "se dal presente e dal <= oggi allora mesi_tra(dal, oggi) altrimenti 0" }
  prima: { type: boolean, formula: "dal presente e dal < fine e mesi_tra(dal, fine) > 6" }
  rovescio: { type: integer, formula: "se dal presente e dal >= oggi allora mesi_tra(dal, oggi) altrimenti 0" }
  libero: { type: integer, formula: "se dal presente allora mesi_tra(dal, oggi) altrimenti 0" }
  equivalente: { type: decimal, formula: "reddito / scala" }
  importo: { type: decimal, output: true, formula: "equivalente + mesi + rovescio + libero + (se prima allora 1 altrimenti 0)" }
conditions:
  minori:
    formula: almeno_uno(membri, eta < 18)
"#;

    /// A span between dates known in order where it is computed cannot fail; one not known
    /// in order can. A household fact divided by is assumed away from zero: a zero divisor
    /// sends the household to the plain run, which meets the error.
    #[test]
    fn ordered_spans_and_divisors_of_household_facts_are_total() {
        let program = Program::from_yaml(SPANS, "periodi.yaml").unwrap();
        let plan = program.decision_plan(program.plan(["importo"]).unwrap());
        let cut = plan.shortcut.as_deref().unwrap();
        let mut failing: Vec<&str> =
            cut.failing.iter().map(|&i| program.defs[i as usize].name.as_str()).collect();
        failing.sort_unstable();
        assert_eq!(failing, ["libero", "rovescio"]);
        let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let mut kept = Vec::new();
        let facts = |dal: Json, scala: &str| {
            let f = json!({ "dal": dal, "scala": scala, "reddito": "12000.00",
                "members": [{ "eta": 40 }] });
            program.facts(&f).unwrap()
        };
        let r = same(&snap, &plan, &facts(json!("2024-01-01"), "2"), &mut kept, "before");
        assert_eq!(r, Ok(Decision::Refused));
        for scala in ["0", "0.0000000001", "-0.0000000001"] {
            let r = same(&snap, &plan, &facts(json!("2024-01-01"), scala), &mut kept, scala);
            assert_eq!(r.is_err(), scala == "0", "{scala}: {r:?}");
        }
        let r = same(&snap, &plan, &facts(json!("2026-01-01"), "2"), &mut kept, "after");
        assert!(
            matches!(&r, Err(EvalError::Date { definition, .. }) if definition == "rovescio"),
            "{r:?}"
        );
    }

    /// Bonus nuovi nati refuses nearly every household for want of a birth: the birth
    /// count, the cheaper, is tried before the ISEE (a division and a rounding).
    #[test]
    fn the_bundled_orders_try_the_cheap_conditions_first() {
        let program = corpus().iter().map(|(p, _)| p).find(|p| p.id == "it/bonus-nuovi-nati");
        let program = program.unwrap();
        let plan = program.decision_plan(program.plan_slots(std::iter::empty()));
        assert_eq!(tried(program, &plan), ["nascita", "isee_sotto_soglia"]);
    }

    /// The bundled programs, loaded once for the property test.
    fn corpus() -> &'static [(Program, Vec<crate::syntax::TestCase>)] {
        static CORPUS: std::sync::OnceLock<Vec<(Program, Vec<crate::syntax::TestCase>)>> =
            std::sync::OnceLock::new();
        CORPUS.get_or_init(programs)
    }

    /// Random facts of every bundled program's first cases: the decision is the plain run's.
    fn random_amount() -> impl Strategy<Value = Json> {
        prop_oneof![
            (0i64..6_000_000).prop_map(|c| json!(format!("{}.{:02}", c / 100, c % 100))),
            any::<i64>().prop_map(|c| json!(format!("{c}.00"))),
            Just(json!("0")),
            Just(Json::Null),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn random_facts_decide_as_the_plain_run(
            amounts in proptest::collection::vec(random_amount(), 8),
            ints in proptest::collection::vec(-5i64..40, 8),
            flips in proptest::collection::vec(any::<bool>(), 8),
        ) {
            for (program, cases) in corpus() {
                let plans = plans(program);
                let mut kept = Vec::new();
                for case in cases.iter().take(3) {
                    let Ok(snap) = program.snapshot(case.date) else { continue };
                    let Some(map) = case.facts.as_object() else { continue };
                    let mut m = map.clone();
                    for (k, (key, value)) in map.iter().enumerate() {
                        let new = match value {
                            Json::String(s) if s.parse::<rust_decimal::Decimal>().is_ok() => amounts[k % 8].clone(),
                            Json::Number(_) => json!(ints[k % 8]),
                            Json::Bool(b) => json!(*b ^ flips[k % 8]),
                            _ => continue,
                        };
                        m.insert(key.clone(), new);
                    }
                    let Ok(facts) = program.facts(&Json::Object(m)) else { continue };
                    for plan in &plans {
                        let _ = same(&snap, plan, &facts, &mut kept, &program.id);
                    }
                }
            }
        }
    }
}
