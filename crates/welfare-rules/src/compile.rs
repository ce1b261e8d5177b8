//! Definitions compiled to closures: the evaluator's fast path.
//!
//! The checker produces a tree of [`Code`] nodes. Walking that tree for every household pays,
//! at every node, for a dispatch on the node's kind, on its operator and on its operands'
//! kinds. Here each definition is turned once, when the program is built, into nested
//! closures that already know their operator, with leaf operands (constants, facts, parameters,
//! earlier definitions) read in place instead of through a call.
//!
//! Boolean nodes are not closures but a small tree of their own ([`Bool`]): leaves, `non` of
//! a leaf and comparisons of a leaf with a constant (`eta < 18`, `disability != "none"`,
//! `x presente`, `evento == oggi`) are [`Test`]s evaluated in the caller's code, and a chain
//! `a e b e c` (or `o`) is one node running its tests in a loop, so that the filter of a
//! member count costs no call per member. A definition whose top node is a number or a
//! boolean is stored as such, without a [`Value`] built in between.
//!
//! The closures do exactly what [`Run`] does for the same node: each node counts one step
//! against [`crate::limits::MAX_EVAL_STEPS`], missing values and arithmetic failures give the
//! same errors. Nodes entered one after the other with nothing evaluated between them (the
//! `e` of a chain, a comparison and its operands) are counted at once ([`Run::tick_n`]),
//! which stops at the same node with the same error; a test puts the limit at every step of
//! every bundled rulebook's cases and compares both ways. A node without a compiled form (list literals, counts of lists, date functions,
//! comparisons of computed non-numeric values) is run by the tree-walking evaluator itself, so
//! the two never disagree on what they do not share; a test evaluates every bundled rulebook
//! both ways and compares the results.

use std::sync::Arc;

use rust_decimal::Decimal;
use welfare_types::money::compare_decimals;

use crate::builtins::Builtin;
use crate::error::EvalError;
use crate::eval::{
    compare_values, dec_max, dec_min, extreme, interpolate, sum_items, ParamAt, Run,
};
use crate::program::{Agg, Arith, Cmp, Code, DateDiff, Def, ParamData};
use crate::value::Value;

type Res<T> = Result<T, Box<EvalError>>;
type ValFn = Box<dyn Fn(&mut Run<'_, '_>, &[Value]) -> Res<Value> + Send + Sync>;
type ListFn = Box<dyn Fn(&mut Run<'_, '_>, &[Value], &mut ListBuf) -> Res<()> + Send + Sync>;

/// Every definition of a program, compiled; indexed as `Program::defs`.
pub(crate) struct Compiled {
    defs: Vec<Root>,
}

/// A definition's formula: a number or a boolean computed in place when its top node is
/// typed (no [`Value`] built until it is stored), a closure otherwise.
#[repr(u8)]
enum Root {
    Num(Num),
    /// A test or a chain of tests, evaluated in the definitions' loop itself.
    Test(Test),
    All(Box<[Test]>),
    Any(Box<[Test]>),
    Bool(Bool),
    /// A member list (`elenco`, `posizioni`), stored in place of the slot's last list when
    /// that one has as many items and nothing else holds it (no allocation).
    List(ListFn),
    Val(ValFn),
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Compiled({} definitions)", self.defs.len())
    }
}

impl Compiled {
    /// Compiles every definition.
    pub(crate) fn new(defs: &[Def]) -> Compiled {
        let top = |code: &Code| {
            if code.is_numeric() {
                Root::Num(num(code))
            } else if code.is_boolean() {
                match boolean(code) {
                    Bool::Test(t) => Root::Test(t),
                    Bool::All(terms) => Root::All(terms),
                    Bool::Any(terms) => Root::Any(terms),
                    other => Root::Bool(other),
                }
            } else if let Some(f) = member_list_fn(code) {
                Root::List(f)
            } else {
                Root::Val(root(code))
            }
        };
        Compiled { defs: defs.iter().map(|d| top(&d.code)).collect() }
    }

    /// Evaluates definition `i` (its step counted) into its slot of `values`, which is left
    /// as it was on an error; `None` if there is no such definition.
    #[inline(always)]
    pub(crate) fn eval_into(
        &self,
        i: u32,
        run: &mut Run<'_, '_>,
        values: &mut [Value],
    ) -> Option<Res<()>> {
        let slot = i as usize;
        let store_bool = |values: &mut [Value], b: bool| match values.get_mut(slot) {
            Some(Value::Bool(old)) => *old = b,
            Some(old) => *old = Value::Bool(b),
            None => {}
        };
        Some(match self.defs.get(slot)? {
            Root::Num(n) => n.get(run, values).map(|d| match values.get_mut(slot) {
                // A number over a number: nothing to drop.
                Some(Value::Num(old)) => *old = d,
                Some(old) => *old = Value::Num(d),
                None => {}
            }),
            Root::Test(t) => t.eval(run, values).map(|b| store_bool(values, b)),
            Root::All(terms) => all_in_place(terms, run, values).map(|b| store_bool(values, b)),
            Root::Any(terms) => any_in_place(terms, run, values).map(|b| store_bool(values, b)),
            Root::Bool(b) => b.get(run, values).map(|b| store_bool(values, b)),
            Root::List(f) => list_into(f, run, values, slot),
            Root::Val(f) => f(run, values).map(|v| {
                if let Some(old) = values.get_mut(slot) {
                    *old = v;
                }
            }),
        })
    }
}

/// A member list computed into its slot ([`Root::List`]); kept apart from the definitions'
/// loop, where most definitions are not lists.
#[inline(never)]
fn list_into(f: &ListFn, run: &mut Run<'_, '_>, values: &mut [Value], slot: usize) -> Res<()> {
    let mut list = ListBuf::new();
    f(run, values, &mut list)?;
    if let Some(old) = values.get_mut(slot) {
        list.store(old);
    }
    Ok(())
}

/// An operand of type `T`: a constant, a slot read in place (one dispatch, no call), or a
/// node's closure.
#[repr(u8)]
enum Operand<T> {
    Const(T),
    Def(u32),
    Input(u32),
    Member(u32),
    Param(u32),
    Node(Box<NodeFn<T>>),
}

type NodeFn<T> = dyn Fn(&mut Run<'_, '_>, &[Value]) -> Res<T> + Send + Sync;

/// A numeric operand.
type Num = Operand<Decimal>;

/// A boolean node evaluated in place, without a call, by [`Test::eval`]: a leaf, `non` of a
/// leaf, or a comparison of a leaf with a constant: the terms of the filters of member
/// aggregations and of most conditions.
///
/// `Test`, [`Bool`], [`Operand`] and [`Root`] have a tag of their own (`repr(u8)`): a variant
/// is told by one byte instead of being decoded from a niche of its fields, which every node
/// evaluated pays (measured: about 2 % of a batch's instructions).
#[repr(u8)]
enum Test {
    /// A constant.
    Const(bool),
    /// A boolean fact or definition, or `non` of one (`not`: its two steps counted at once).
    Slot { slot: Slot, not: bool },
    /// A numeric comparison of a plain leaf with a constant on the right (`figli > 0`),
    /// the leaf read in place (no dispatch on an operand's kind).
    NumLeaf { slot: Slot, op: Cmp, c: Decimal },
    /// A numeric comparison of any other operand with a constant on the right.
    NumConst { a: Num, op: Cmp, c: Decimal },
    /// A plain leaf compared with a text constant (`disability != "none"`), either side.
    TextConst { slot: Slot, op: Cmp, c: Box<str> },
    /// `x presente` / `x mancante` of a plain leaf.
    Present { slot: Slot, present: bool },
    /// A plain leaf compared with `oggi` (`event_date == oggi`; `today_first`: `oggi` is the
    /// left operand).
    Today { slot: Slot, op: Cmp, today_first: bool },
    /// `valore_o(x, d)` of a plain boolean leaf and a boolean constant.
    ValueOr { slot: Slot, default: bool },
    /// `valore_o(x, y)` of two plain leaves (`valore_o(a_carico, minorenne)`).
    ValueOrLeaf { slot: Slot, default: Slot },
    /// A plain leaf compared with a parameter (`data_evento >= nati_dal`; `param_first`: the
    /// parameter is the left operand).
    Param { slot: Slot, param: u32, op: Cmp, param_first: bool },
    /// A numeric comparison of a plain leaf with a parameter (`isee <= soglia`;
    /// `param_first`: the parameter is the left operand), as [`nums`] compares them.
    NumParam { slot: Slot, param: u32, op: Cmp, param_first: bool },
    /// Any other boolean node.
    Node(Box<Bool>),
}

impl Test {
    /// The node's value; counts its steps exactly as [`Run::bool_node`] does.
    #[inline(always)]
    fn eval(&self, run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
        match self {
            Test::Const(b) => {
                run.tick()?;
                Ok(*b)
            }
            Test::Slot { slot, not } => {
                run.tick_n(1 + u64::from(*not))?;
                match leaf(run, vals, *slot) {
                    Value::Bool(b) => Ok(*b != *not),
                    _ => Err(run.missing()),
                }
            }
            Test::NumConst { a, op, c } => {
                // The comparison's step and its left operand's, entered one after the other.
                let x = a.get_or_missing_after(run, vals, 2)?;
                run.tick()?;
                match x {
                    Some(x) => Ok(holds(*op, compare_decimals(&x, c))),
                    None => Err(run.missing()),
                }
            }
            Test::NumLeaf { slot, op, c } => {
                // As `NumConst`: the comparison's step and the leaf's, then the constant's.
                run.tick_n(2)?;
                let x = num_leaf(run, vals, *slot)?;
                run.tick()?;
                match x {
                    Some(x) => Ok(holds(*op, compare_decimals(&x, c))),
                    None => Err(run.missing()),
                }
            }
            Test::TextConst { slot, op, c } => {
                run.tick_n(3)?;
                // As `compare_values` with a text on one side: missing fails, a text is equal
                // when its bytes are, anything else is unequal.
                let eq = match leaf(run, vals, *slot) {
                    Value::Text(t) => **t == **c,
                    Value::Missing => return Err(run.missing()),
                    _ => false,
                };
                Ok(if *op == Cmp::Eq { eq } else { !eq })
            }
            Test::Present { slot, present } => {
                run.tick_n(2)?;
                let missing = matches!(leaf(run, vals, *slot), Value::Missing);
                Ok(missing != *present)
            }
            Test::Today { slot, op, today_first } => {
                run.tick_n(3)?;
                let (x, today) = (leaf(run, vals, *slot), Value::Date(run.snap.date));
                let (a, b) = if *today_first { (&today, x) } else { (x, &today) };
                compare_values(*op, a, b).ok_or_else(|| run.missing())
            }
            Test::ValueOr { slot, default } => {
                // The node and `x`; the default's step only when it is read.
                run.tick_n(2)?;
                match leaf(run, vals, *slot) {
                    Value::Bool(b) => Ok(*b),
                    Value::Missing => {
                        run.tick()?;
                        Ok(*default)
                    }
                    _ => Err(run.missing()),
                }
            }
            Test::ValueOrLeaf { slot, default } => {
                // The node and `x`; `y`'s step only when it is read.
                run.tick_n(2)?;
                match leaf(run, vals, *slot) {
                    Value::Bool(b) => Ok(*b),
                    Value::Missing => {
                        run.tick()?;
                        match leaf(run, vals, *default) {
                            Value::Bool(b) => Ok(*b),
                            _ => Err(run.missing()),
                        }
                    }
                    _ => Err(run.missing()),
                }
            }
            Test::Param { slot, param, op, param_first } => {
                // The node and the operands up to the parameter: a parameter that is not a
                // value (the checker lets none through) fails as soon as it is read, as in
                // the evaluator.
                run.tick_n(if *param_first { 2 } else { 3 })?;
                let snap = run.snap;
                let Some(p) = param_of(snap, *param) else {
                    return Err(run.missing());
                };
                if *param_first {
                    run.tick()?;
                }
                let x = leaf(run, vals, *slot);
                let (a, b) = if *param_first { (p, x) } else { (x, p) };
                compare_values(*op, a, b).ok_or_else(|| run.missing())
            }
            Test::NumParam { slot, param, op, param_first } => {
                // The comparison's step and its left operand's, entered one after the other;
                // then the right operand's. Either side missing fails once both are read; a
                // value of another type fails as it is read.
                run.tick_n(2)?;
                let x = if *param_first {
                    num_param(run, *param)?
                } else {
                    num_leaf(run, vals, *slot)?
                };
                run.tick()?;
                let y = if *param_first {
                    num_leaf(run, vals, *slot)?
                } else {
                    num_param(run, *param)?
                };
                match (x, y) {
                    (Some(x), Some(y)) => Ok(holds(*op, compare_decimals(&x, &y))),
                    _ => Err(run.missing()),
                }
            }
            Test::Node(b) => match &**b {
                // A chain in a chain (`a e (b o c)`): its loop called without the dispatch.
                Bool::All(terms) => all(terms, run, vals),
                Bool::Any(terms) => any(terms, run, vals),
                other => other.get(run, vals),
            },
        }
    }
}

/// A boolean operand: a [`Test`] or a chain of them evaluated in place, or a node that holds
/// other boolean nodes, evaluated by one small function of its own ([`Bool::get`]).
#[repr(u8)]
enum Bool {
    /// A node evaluated in place.
    Test(Test),
    /// `t1 e t2 e … e tn`, nested as the parser nests it (each `e` the left operand of the
    /// next): the n−1 nodes are counted at once (they are entered one after the other before
    /// the first term), then the terms run in order until one is false.
    All(Box<[Test]>),
    /// `t1 o t2 o … o tn`, as [`Bool::All`], until one is true.
    Any(Box<[Test]>),
    /// `non c` of a node that is not a leaf.
    Not(Box<Bool>),
    /// `se c allora a altrimenti b` of booleans.
    If(Box<(Bool, Bool, Bool)>),
    /// A numeric comparison other than with a constant.
    Nums { op: Cmp, a: Num, b: Num },
    /// Two constants or plain leaves of any type.
    Scalars { op: Cmp, a: Scalar, b: Scalar },
    /// `almeno_uno(membri, body)` (`any`) or `tutti(membri, body)`, over the members that
    /// pass the filter if there is one; every member is read (no short cut).
    Members { any: bool, body: Box<Bool>, filter: Option<Box<Bool>> },
    /// A node run by a closure (the tree-walking evaluator's).
    Node(Box<NodeFn<bool>>),
}

impl Bool {
    /// The node's value; counts its steps exactly as [`Run::bool_node`] does.
    #[inline(never)]
    fn get(&self, run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
        match self {
            // Tests are mostly evaluated in place ([`Bool::get_in_place`], [`Root::Test`]);
            // kept out of this dispatch, whose every call would pay for their registers.
            Bool::Test(t) => test_apart(t, run, vals),
            Bool::All(terms) => all(terms, run, vals),
            Bool::Any(terms) => any(terms, run, vals),
            Bool::Not(c) => not(c, run, vals),
            Bool::If(branches) => if_bool(branches, run, vals),
            Bool::Nums { op, a, b } => nums(*op, a, b, run, vals),
            Bool::Scalars { op, a, b } => scalars(*op, a, b, run, vals),
            Bool::Members { any, body, filter } => {
                members_bool(*any, body, filter.as_deref(), run, vals)
            }
            Bool::Node(f) => {
                run.tick()?;
                f(run, vals)
            }
        }
    }

    /// [`Bool::get`], with a test or a chain of tests evaluated in the caller's code (the
    /// filters of member aggregations, once per member).
    #[inline(always)]
    fn get_in_place(&self, run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
        match self {
            Bool::Test(t) => t.eval(run, vals),
            Bool::All(terms) => all_in_place(terms, run, vals),
            Bool::Any(terms) => any_in_place(terms, run, vals),
            other => other.get(run, vals),
        }
    }
}

/// [`Cmp::holds`] without a branch on the operator: the orderings each operator accepts as
/// bits (less, equal, greater), in the operators' order, the ordering's bit read. (A `match`
/// on the operator is compiled to a jump at every comparison.)
#[inline(always)]
fn holds(op: Cmp, ord: std::cmp::Ordering) -> bool {
    // Eq, Ne, Lt, Le, Gt, Ge.
    const ACCEPTS: [u8; 6] = [0b010, 0b101, 0b001, 0b011, 0b100, 0b110];
    let accepts = ACCEPTS.get(op as usize).copied().unwrap_or(0);
    accepts >> ((ord as i8 + 1) as u8) & 1 != 0
}

/// A numeric leaf as an operand of a comparison reads it: `None` when missing.
#[inline(always)]
fn num_leaf(run: &Run<'_, '_>, vals: &[Value], slot: Slot) -> Res<Option<Decimal>> {
    match leaf(run, vals, slot) {
        Value::Num(d) => Ok(Some(*d)),
        Value::Missing => Ok(None),
        _ => Err(run.missing()),
    }
}

/// A numeric parameter as an operand of a comparison reads it: `None` when missing; a
/// parameter that is not a value fails.
#[inline(always)]
fn num_param(run: &Run<'_, '_>, param: u32) -> Res<Option<Decimal>> {
    match param_of(run.snap, param) {
        Some(Value::Num(d)) => Ok(Some(*d)),
        Some(Value::Missing) => Ok(None),
        _ => Err(run.missing()),
    }
}

#[inline(never)]
fn test_apart(t: &Test, run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
    t.eval(run, vals)
}

#[inline(always)]
fn all_in_place(terms: &[Test], run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
    run.tick_n(terms.len().saturating_sub(1) as u64)?;
    for t in terms {
        if !t.eval(run, vals)? {
            return Ok(false);
        }
    }
    Ok(true)
}

#[inline(always)]
fn any_in_place(terms: &[Test], run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
    run.tick_n(terms.len().saturating_sub(1) as u64)?;
    for t in terms {
        if t.eval(run, vals)? {
            return Ok(true);
        }
    }
    Ok(false)
}

#[inline(never)]
fn all(terms: &[Test], run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
    all_in_place(terms, run, vals)
}

#[inline(never)]
fn any(terms: &[Test], run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
    any_in_place(terms, run, vals)
}

#[inline(never)]
fn not(c: &Bool, run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
    run.tick()?;
    Ok(!c.get(run, vals)?)
}

#[inline(never)]
fn if_bool(branches: &(Bool, Bool, Bool), run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
    run.tick()?;
    let (c, a, b) = branches;
    if c.get_in_place(run, vals)? {
        a.get_in_place(run, vals)
    } else {
        b.get_in_place(run, vals)
    }
}

#[inline(never)]
fn nums(op: Cmp, a: &Num, b: &Num, run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
    let x = a.get_or_missing_after(run, vals, 2)?;
    let y = b.get_or_missing(run, vals)?;
    match (x, y) {
        (Some(x), Some(y)) => Ok(holds(op, compare_decimals(&x, &y))),
        _ => Err(run.missing()),
    }
}

#[inline(never)]
fn scalars(op: Cmp, a: &Scalar, b: &Scalar, run: &mut Run<'_, '_>, vals: &[Value]) -> Res<bool> {
    run.tick_n(3)?;
    compare_values(op, read(run, vals, a), read(run, vals, b)).ok_or_else(|| run.missing())
}

/// `almeno_uno` / `tutti` over the members: every member read (no short cut), the member
/// context cleared afterwards, as the evaluator does.
#[inline(never)]
fn members_bool(
    any_wanted: bool,
    body: &Bool,
    filter: Option<&Bool>,
    run: &mut Run<'_, '_>,
    vals: &[Value],
) -> Res<bool> {
    run.tick()?;
    let (mut any, mut all) = (false, true);
    let facts = run.facts;
    for m in facts.member_rows() {
        run.member = Some(m);
        if let Some(keep) = filter {
            if !keep.get_in_place(run, vals)? {
                continue;
            }
        }
        let v = body.get_in_place(run, vals)?;
        any |= v;
        all &= v;
    }
    run.member = None;
    Ok(if any_wanted { any } else { all })
}

/// The values an operand of a type accepts.
trait Typed: Copy {
    fn of(v: &Value) -> Option<Self>;
}

impl Typed for Decimal {
    #[inline(always)]
    fn of(v: &Value) -> Option<Decimal> {
        match v {
            Value::Num(d) => Some(*d),
            _ => None,
        }
    }
}

impl Typed for bool {
    #[inline(always)]
    fn of(v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

impl<T: Typed> Operand<T> {
    /// An operand for a leaf node (a constant of another type or a table is left to the
    /// caller's fallback: `None`).
    fn slot(code: &Code) -> Option<Operand<T>> {
        Some(match *code {
            Code::Def(i) => Operand::Def(i),
            Code::Input(i) => Operand::Input(i),
            Code::Member(i) => Operand::Member(i),
            Code::Param(i) => Operand::Param(i),
            _ => return None,
        })
    }

    /// The operand's value; counts its step.
    #[inline(always)]
    fn get(&self, run: &mut Run<'_, '_>, vals: &[Value]) -> Res<T> {
        run.tick()?;
        let v = match *self {
            Operand::Const(c) => return Ok(c),
            Operand::Node(ref f) => return f(run, vals),
            Operand::Def(i) => vals.get(i as usize),
            Operand::Input(i) => run.input(i),
            Operand::Member(i) => run.member_input(i),
            Operand::Param(i) => param_value(run, i),
        };
        v.and_then(T::of).ok_or_else(|| run.missing())
    }

    /// The operand's value, `None` for a missing fact or definition (an operand of a
    /// comparison, which fails only after reading both sides).
    #[inline(always)]
    fn get_or_missing(&self, run: &mut Run<'_, '_>, vals: &[Value]) -> Res<Option<T>> {
        self.get_or_missing_after(run, vals, 1)
    }

    /// [`Operand::get_or_missing`] with `steps` counted at once first: the operand's own and
    /// those of the nodes entered just before it.
    #[inline(always)]
    fn get_or_missing_after(
        &self,
        run: &mut Run<'_, '_>,
        vals: &[Value],
        steps: u64,
    ) -> Res<Option<T>> {
        run.tick_n(steps)?;
        let v = match *self {
            Operand::Const(c) => return Ok(Some(c)),
            Operand::Node(ref f) => return f(run, vals).map(Some),
            Operand::Def(i) => vals.get(i as usize),
            Operand::Input(i) => run.input(i),
            Operand::Member(i) => run.member_input(i),
            Operand::Param(i) => match param_value(run, i) {
                None => return Err(run.missing()),
                some => some,
            },
        };
        match v {
            None | Some(Value::Missing) => Ok(None),
            Some(v) => T::of(v).map(Some).ok_or_else(|| run.missing()),
        }
    }
}

/// Where a plain leaf's value lives: an earlier definition or a household or member fact
/// (never a parameter, which may be a table). What `mancante` and comparisons of any type
/// read in place.
#[derive(Copy, Clone)]
enum Slot {
    Def(u32),
    Input(u32),
    Member(u32),
}

fn plain_leaf(code: &Code) -> Option<Slot> {
    match *code {
        Code::Def(i) => Some(Slot::Def(i)),
        Code::Input(i) => Some(Slot::Input(i)),
        Code::Member(i) => Some(Slot::Member(i)),
        _ => None,
    }
}

/// The value of a plain leaf, as [`Run`] reads it (an absent slot reads as missing).
#[inline(always)]
fn leaf<'a>(run: &'a Run<'_, '_>, vals: &'a [Value], slot: Slot) -> &'a Value {
    static MISSING: Value = Value::Missing;
    match slot {
        Slot::Def(i) => vals.get(i as usize),
        Slot::Input(i) => run.input(i),
        Slot::Member(i) => run.member_input(i),
    }
    .unwrap_or(&MISSING)
}

/// A constant or a plain leaf, read in place by a comparison of any type.
enum Scalar {
    Const(Value),
    Leaf(Slot),
}

fn scalar(code: &Code) -> Option<Scalar> {
    match code {
        Code::Const(v) => Some(Scalar::Const(v.clone())),
        other => plain_leaf(other).map(Scalar::Leaf),
    }
}

#[inline(always)]
fn read<'a>(run: &'a Run<'_, '_>, vals: &'a [Value], o: &'a Scalar) -> &'a Value {
    match o {
        Scalar::Const(v) => v,
        Scalar::Leaf(slot) => leaf(run, vals, *slot),
    }
}

/// A value parameter's value on the snapshot's date (`None` for a table or a scale).
#[inline(always)]
fn param_value<'a>(run: &'a Run<'_, '_>, i: u32) -> Option<&'a Value> {
    param_of(run.snap, i)
}

/// [`param_value`], borrowed from the snapshot rather than from the run.
#[inline(always)]
fn param_of<'a>(snap: &'a crate::Snapshot<'_>, i: u32) -> Option<&'a Value> {
    match snap.params.get(i as usize).map(ParamAt::data) {
        Some(ParamData::Value(v)) => Some(v),
        _ => None,
    }
}

fn num_node(f: impl Fn(&mut Run<'_, '_>, &[Value]) -> Res<Decimal> + Send + Sync + 'static) -> Num {
    Operand::Node(Box::new(f))
}

fn bool_node(f: impl Fn(&mut Run<'_, '_>, &[Value]) -> Res<bool> + Send + Sync + 'static) -> Bool {
    Bool::Node(Box::new(f))
}

/// A definition's formula: typed closures when its top node is typed, the tree-walking
/// evaluator otherwise (a leaf, a conditional, a list, …). Counts the top node's step.
fn root(code: &Code) -> ValFn {
    match code {
        Code::Param(i) => {
            let i = *i;
            return Box::new(move |run, _| {
                run.tick()?;
                param_value(run, i).cloned().ok_or_else(|| run.missing())
            });
        }
        Code::Const(v) => {
            let v = v.clone();
            return Box::new(move |run, _| {
                run.tick()?;
                Ok(v.clone())
            });
        }
        Code::If(c, a, b) => {
            let (c, a, b) = (boolean(c), root(a), root(b));
            return Box::new(move |run, vals| {
                run.tick()?;
                if c.get_in_place(run, vals)? {
                    a(run, vals)
                } else {
                    b(run, vals)
                }
            });
        }
        Code::ValueOr(a, b) => {
            let v = value_or(a, b);
            return Box::new(move |run, vals| {
                run.tick()?;
                v(run, vals)
            });
        }
        Code::Builtin(b) => match &**b {
            Builtin::MemberList { .. } | Builtin::Positions { .. } => {
                if let Some(f) = member_list_fn(code) {
                    return Box::new(move |run, vals| {
                        let mut list = ListBuf::new();
                        f(run, vals, &mut list)?;
                        Ok(Value::List(list.finish()))
                    });
                }
            }
            Builtin::Rows(table) => {
                let table = *table;
                return Box::new(move |run, _| {
                    run.tick()?;
                    table_rows(run, table).map(Value::Num)
                });
            }
            _ => {}
        },
        _ => {}
    }
    if let Some(kind) = plain_leaf(code) {
        return Box::new(move |run, vals| {
            run.tick()?;
            Ok(leaf(run, vals, kind).clone())
        });
    }
    if code.is_numeric() {
        let n = num(code);
        return Box::new(move |run, vals| n.get(run, vals).map(Value::Num));
    }
    if code.is_boolean() {
        let b = boolean(code);
        return Box::new(move |run, vals| b.get(run, vals).map(Value::Bool));
    }
    let code = code.clone();
    Box::new(move |run, vals| run.eval(&code, vals))
}

/// `elenco(membri, body, filtro)` and `posizioni(membri, filtro)`, their own step counted:
/// the list's items, pushed onto an empty [`ListBuf`], to be stored ([`ListBuf::store`]) or
/// made a list ([`ListBuf::finish`]); `None` for any other node.
fn member_list_fn(code: &Code) -> Option<ListFn> {
    let Code::Builtin(b) = code else { return None };
    Some(match &**b {
        Builtin::MemberList { body, filter } => {
            let filter = ListFilter::of(filter.as_ref());
            if body.is_numeric() {
                // A body that always yields a number (or fails): computed as one, each item
                // wrapped only when it is pushed, without a closure in between.
                let body = num(body);
                Box::new(move |run, vals, out| {
                    run.tick()?;
                    let most = run.facts.member_count();
                    kept_members(&filter, run, vals, |run, vals, _, steps| {
                        run.tick_n(std::mem::take(steps))?;
                        out.push(Value::Num(body.get(run, vals)?), most);
                        Ok(())
                    })
                })
            } else {
                let body = root(body);
                Box::new(move |run, vals, out| {
                    run.tick()?;
                    let most = run.facts.member_count();
                    kept_members(&filter, run, vals, |run, vals, _, steps| {
                        run.tick_n(std::mem::take(steps))?;
                        out.push(body(run, vals)?, most);
                        Ok(())
                    })
                })
            }
        }
        Builtin::Positions { filter } => {
            let filter = ListFilter::of(filter.as_ref());
            Box::new(move |run, vals, out| {
                run.tick()?;
                positions(&filter, run, vals, out)
            })
        }
        _ => return None,
    })
}

/// The filter of a member list: none, read on the members' values ([`MemberFilter`]), or
/// any other.
enum ListFilter {
    Every,
    InPlace(MemberFilter),
    Other(Bool),
}

impl ListFilter {
    fn of(filter: Option<&Code>) -> ListFilter {
        match filter.map(|f| MemberFilter::of(boolean(f))) {
            None => ListFilter::Every,
            Some(Ok(f)) => ListFilter::InPlace(f),
            Some(Err(b)) => ListFilter::Other(b),
        }
    }
}

/// Calls `each` on every member `filter` keeps, in order, with the member's index and the
/// steps of the filter kept so far (to be counted before anything that counts steps of its
/// own); the rest counted at the end, the member context restored afterwards, as the
/// evaluator does.
#[inline(always)]
fn kept_members(
    filter: &ListFilter,
    run: &mut Run<'_, '_>,
    vals: &[Value],
    mut each: impl FnMut(&mut Run<'_, '_>, &[Value], usize, &mut u64) -> Res<()>,
) -> Res<()> {
    let (facts, outer) = (run.facts, run.member);
    let mut steps = 0u64;
    match filter {
        ListFilter::Every => {
            for (i, m) in facts.member_rows().enumerate() {
                run.member = Some(m);
                each(run, vals, i, &mut steps)?;
            }
        }
        ListFilter::InPlace(f) if f.all => {
            for (i, m) in facts.member_rows().enumerate() {
                run.member = Some(m);
                if member_chain::<true>(&f.terms, run, vals, m, &mut steps)? {
                    each(run, vals, i, &mut steps)?;
                }
            }
        }
        ListFilter::InPlace(f) => {
            for (i, m) in facts.member_rows().enumerate() {
                run.member = Some(m);
                if member_chain::<false>(&f.terms, run, vals, m, &mut steps)? {
                    each(run, vals, i, &mut steps)?;
                }
            }
        }
        ListFilter::Other(b) => {
            for (i, m) in facts.member_rows().enumerate() {
                run.member = Some(m);
                if b.get_in_place(run, vals)? {
                    each(run, vals, i, &mut steps)?;
                }
            }
        }
    }
    run.member = outer;
    run.tick_n(steps)
}

/// The items of a member list as they are computed: up to [`ListBuf::SMALL`] on the stack,
/// so that the list of a household of a few members is allocated once, as the list itself.
pub(crate) struct ListBuf {
    small: [Value; ListBuf::SMALL],
    len: usize,
    /// Every item, once there are more than fit on the stack.
    big: Vec<Value>,
}

impl ListBuf {
    const SMALL: usize = 8;

    #[inline(always)]
    pub(crate) fn new() -> ListBuf {
        ListBuf { small: Default::default(), len: 0, big: Vec::new() }
    }

    /// Adds an item; `most` is how many there can be (the members).
    #[inline(always)]
    pub(crate) fn push(&mut self, v: Value, most: usize) {
        match self.small.get_mut(self.len) {
            Some(slot) => *slot = v,
            None => self.push_big(v, most),
        }
        self.len += 1;
    }

    /// [`ListBuf::push`] past the items kept on the stack.
    #[cold]
    #[inline(never)]
    fn push_big(&mut self, v: Value, most: usize) {
        if self.big.is_empty() {
            self.big.reserve(most);
            self.big.extend(self.small.iter_mut().map(std::mem::take));
        }
        self.big.push(v);
    }

    /// Stores the items in `slot`: in place of its items when it holds a list of as many that
    /// nothing else holds (kept from an earlier household), else as a new list.
    #[inline(always)]
    pub(crate) fn store(mut self, slot: &mut Value) {
        if let Value::List(old) = slot {
            if let Some(items) = Arc::get_mut(old) {
                let new = match self.small.get_mut(..self.len) {
                    Some(items) => items,
                    None => &mut self.big[..],
                };
                if items.len() == new.len() {
                    for (old, new) in items.iter_mut().zip(new) {
                        *old = std::mem::take(new);
                    }
                    return;
                }
            }
        }
        *slot = Value::List(self.finish());
    }

    /// The items, in order.
    #[inline(always)]
    pub(crate) fn finish(mut self) -> Arc<[Value]> {
        match self.small.get_mut(..self.len) {
            Some(items) => items.iter_mut().map(std::mem::take).collect(),
            None => std::mem::take(&mut self.big).into(),
        }
    }
}

/// `posizioni(membri, filtro)` (the node's step counted by the caller): the 1-based
/// positions of the members the filter keeps, each filter counted as the evaluator counts it;
/// the member context restored afterwards, as the evaluator does.
#[inline(never)]
fn positions(
    filter: &ListFilter,
    run: &mut Run<'_, '_>,
    vals: &[Value],
    out: &mut ListBuf,
) -> Res<()> {
    let most = run.facts.member_count();
    kept_members(filter, run, vals, |_, _, i, _| {
        out.push(Value::Num(Decimal::from(i as u64 + 1)), most);
        Ok(())
    })
}

/// `righe(tabella)` (the node's step counted by the caller): the rows of the band table in
/// force on the evaluation date.
pub(crate) fn table_rows(run: &Run<'_, '_>, table: u32) -> Res<Decimal> {
    match run.snap.params.get(table as usize).map(ParamAt::data) {
        Some(ParamData::Table(t)) => Ok(Decimal::from(t.bounds.len() as u64)),
        _ => Err(run.missing()),
    }
}

/// `valore_o(a, b)` (the step of the node itself counted by the caller): `a`, or `b` when `a`
/// is missing.
fn value_or(a: &Code, b: &Code) -> ValFn {
    let (a, b) = (root(a), root(b));
    Box::new(move |run, vals| match a(run, vals)? {
        Value::Missing => b(run, vals),
        v => Ok(v),
    })
}

fn num(code: &Code) -> Num {
    match code {
        Code::Const(Value::Num(d)) => Operand::Const(*d),
        Code::Def(_) | Code::Input(_) | Code::Member(_) | Code::Param(_) => {
            Operand::slot(code).unwrap_or_else(|| fallback_num(code))
        }
        Code::Neg(c) => unary(c, |_, x| Ok(-x)),
        Code::Arith(Arith::Add | Arith::Sub, a, _)
            if matches!(**a, Code::Arith(Arith::Add | Arith::Sub, ..)) =>
        {
            sum_chain(code)
        }
        Code::Arith(op, a, b) => arith(*op, num(a), num(b)),
        Code::Round(x, rounding) => {
            let rounding = *rounding;
            unary(x, move |_, x| Ok(rounding.apply(x)))
        }
        Code::If(c, a, b) => choose(boolean(c), num(a), num(b)),
        Code::Members { agg: Agg::Count, filter: None, .. } => num_node(|run, _| {
            // Every member counted: the loop's only effect is the member context it clears.
            let n = run.facts.member_count();
            run.member = None;
            Ok(Decimal::from(n as u64))
        }),
        // A closure for each kind of filter, so that each loop holds only its own.
        Code::Members { agg: Agg::Count, filter: Some(filter), .. } => {
            match MemberFilter::of(boolean(filter)) {
                Ok(filter) => count_filtered(filter),
                Err(Bool::All(terms)) => {
                    count_members(move |run, vals| all_in_place(&terms, run, vals))
                }
                Err(Bool::Any(terms)) => {
                    count_members(move |run, vals| any_in_place(&terms, run, vals))
                }
                Err(Bool::Test(t)) => count_members(move |run, vals| t.eval(run, vals)),
                Err(other) => count_members(move |run, vals| other.get(run, vals)),
            }
        }
        Code::Members { agg: Agg::Sum, body: Some(body), filter } => {
            let body = num(body);
            match filter.as_deref().map(|f| MemberFilter::of(boolean(f))) {
                None => sum_members(|_, _| Ok(true), body),
                Some(Ok(filter)) => sum_filtered(filter, body),
                Some(Err(Bool::All(terms))) => {
                    sum_members(move |run, vals| all_in_place(&terms, run, vals), body)
                }
                Some(Err(Bool::Any(terms))) => {
                    sum_members(move |run, vals| any_in_place(&terms, run, vals), body)
                }
                Some(Err(Bool::Test(t))) => sum_members(move |run, vals| t.eval(run, vals), body),
                Some(Err(other)) => sum_members(move |run, vals| other.get(run, vals), body),
            }
        }
        Code::Min(items) | Code::Max(items) => {
            let is_min = matches!(code, Code::Min(_));
            match &items[..] {
                // Two operands (`massimo(0, x)`, `minimo(affitto, massimale)`): both read in
                // order, then kept as `extreme` keeps them, without its loop.
                [a, b] => {
                    let (a, b) = (num(a), num(b));
                    if is_min {
                        num_node(move |run, vals| Ok(dec_min(a.get(run, vals)?, b.get(run, vals)?)))
                    } else {
                        num_node(move |run, vals| Ok(dec_max(a.get(run, vals)?, b.get(run, vals)?)))
                    }
                }
                items => {
                    let items: Vec<Num> = items.iter().map(num).collect();
                    num_node(move |run, vals| {
                        extreme(is_min, items.iter().map(|item| item.get(run, vals)))
                    })
                }
            }
        }
        Code::Clamp(x, lo, hi) => {
            let (x, lo, hi) = (num(x), num(lo), num(hi));
            num_node(move |run, vals| {
                let (x, lo, hi) = (x.get(run, vals)?, lo.get(run, vals)?, hi.get(run, vals)?);
                run.clamp(x, lo, hi)
            })
        }
        Code::InterpolateConst(x, points) => {
            let points = points.clone();
            unary(x, move |run, x| interpolate(&points, x).ok_or_else(|| run.overflow()))
        }
        Code::InterpolateParam(x, p) => {
            let p = *p;
            unary(x, move |run, x| run.interpolate_param(p, x))
        }
        Code::Lookup { table, key, column } => {
            let (table, column) = (*table, *column);
            unary(key, move |run, x| run.lookup(table, column, x))
        }
        Code::Band { table, key } => {
            let table = *table;
            unary(key, move |run, x| run.band_number(table, x))
        }
        Code::Row { table, row, column } => {
            let (table, column) = (*table, *column);
            unary(row, move |run, n| run.row(table, column, n))
        }
        Code::ValueOr(a, b) => match plain_leaf(a) {
            // `valore_o(reddito, 0)`: the fact read in place, the default only when missing.
            Some(slot) => {
                let b = num(b);
                num_node(move |run, vals| {
                    run.tick()?;
                    match leaf(run, vals, slot) {
                        Value::Num(d) => Ok(*d),
                        Value::Missing => b.get(run, vals),
                        _ => Err(run.missing()),
                    }
                })
            }
            None => {
                let v = value_or(a, b);
                num_node(move |run, vals| match v(run, vals)? {
                    Value::Num(d) => Ok(d),
                    _ => Err(run.missing()),
                })
            }
        },
        Code::ListAgg { agg: Agg::Sum, list } if plain_leaf(list).is_some() => {
            // `somma(importi)` of a definition: the list read in place, not cloned.
            let Some(slot) = plain_leaf(list) else { return fallback_num(code) };
            num_node(move |run, vals| {
                run.tick()?;
                let Value::List(items) = leaf(run, vals, slot) else {
                    return Err(run.missing());
                };
                sum_items(items).map_err(|f| run.sum_failure(f))
            })
        }
        Code::ListAgg { agg: Agg::Sum, list } => {
            let list = root(list);
            num_node(move |run, vals| {
                let Value::List(items) = list(run, vals)? else {
                    return Err(run.missing());
                };
                sum_items(&items).map_err(|f| run.sum_failure(f))
            })
        }
        Code::DateDiff(kind, a, b) => date_diff(*kind, a, b.as_deref()),
        Code::Builtin(b) => match **b {
            Builtin::Rows(table) => num_node(move |run, _| table_rows(run, table)),
            _ => fallback_num(code),
        },
        // List sums and the rest: the evaluator's own typed path.
        other => fallback_num(other),
    }
}

/// `conta(membri, filter)`: the members for which `filter` holds; the member context is
/// cleared afterwards, as the evaluator does.
fn count_members(
    filter: impl Fn(&mut Run<'_, '_>, &[Value]) -> Res<bool> + Send + Sync + 'static,
) -> Num {
    num_node(move |run, vals| {
        let facts = run.facts;
        let mut count = 0u64;
        for m in facts.member_rows() {
            run.member = Some(m);
            count += u64::from(filter(run, vals)?);
        }
        run.member = None;
        Ok(Decimal::from(count))
    })
}

/// A filter of a member aggregation whose terms read the member's own facts
/// (`eta < 18 e disabilita != "none"`): each term evaluated on the member's values directly,
/// its steps added to a count kept in a register and counted against the limit once per
/// loop, or before anything that counts steps of its own, or before an error: the same
/// steps and the same error, since [`Run::tick_n`] of the steps taken so far stops where
/// single steps would have stopped.
struct MemberFilter {
    /// A chain of `e` (`true`) or of `o` (`false`); a single test is a chain of one.
    all: bool,
    terms: Box<[MemberTest]>,
}

/// A term of a [`MemberFilter`]: a test of one of the member's facts, with a fixed number of
/// steps up to the point where it fails (as [`Test::eval`] counts them), a chain of such
/// terms, or any other test.
#[repr(u8)]
enum MemberTest {
    Bool {
        at: u32,
        not: bool,
    },
    NumConst {
        at: u32,
        op: Cmp,
        c: Decimal,
    },
    TextConst {
        at: u32,
        op: Cmp,
        c: Box<str>,
    },
    Present {
        at: u32,
        present: bool,
    },
    ValueOr {
        at: u32,
        default: bool,
    },
    ValueOrLeaf {
        at: u32,
        default: u32,
    },
    Today {
        at: u32,
        op: Cmp,
        today_first: bool,
    },
    /// A chain within the chain (`a e (b o c)`).
    Chain {
        all: bool,
        terms: Box<[MemberTest]>,
    },
    /// Anything else: its steps counted as it runs, after the steps kept so far.
    Other(Box<Test>),
}

impl MemberTest {
    /// The member test of `t`: in place when it reads only the member's facts.
    fn of(t: Test) -> MemberTest {
        match t {
            Test::Slot { slot: Slot::Member(at), not } => MemberTest::Bool { at, not },
            Test::NumLeaf { slot: Slot::Member(at), op, c } => MemberTest::NumConst { at, op, c },
            Test::TextConst { slot: Slot::Member(at), op, c } => {
                MemberTest::TextConst { at, op, c }
            }
            Test::Present { slot: Slot::Member(at), present } => {
                MemberTest::Present { at, present }
            }
            Test::ValueOr { slot: Slot::Member(at), default } => {
                MemberTest::ValueOr { at, default }
            }
            Test::ValueOrLeaf { slot: Slot::Member(at), default: Slot::Member(default) } => {
                MemberTest::ValueOrLeaf { at, default }
            }
            Test::Today { slot: Slot::Member(at), op, today_first } => {
                MemberTest::Today { at, op, today_first }
            }
            Test::Node(b) => match *b {
                Bool::All(terms) => MemberTest::Chain { all: true, terms: member_tests(terms) },
                Bool::Any(terms) => MemberTest::Chain { all: false, terms: member_tests(terms) },
                other => MemberTest::Other(Box::new(Test::Node(Box::new(other)))),
            },
            other => MemberTest::Other(Box::new(other)),
        }
    }

    /// Whether the term reads anything in place.
    fn in_place(&self) -> bool {
        match self {
            MemberTest::Other(_) => false,
            MemberTest::Chain { terms, .. } => terms.iter().any(MemberTest::in_place),
            _ => true,
        }
    }

    /// The test on `row` (the member context's values), its steps added to `steps`.
    #[inline(always)]
    fn eval(
        &self,
        run: &mut Run<'_, '_>,
        vals: &[Value],
        row: &[Value],
        steps: &mut u64,
    ) -> Res<bool> {
        static MISSING: Value = Value::Missing;
        let facts = run.facts;
        let get = |at: u32| facts.member_input(row, at).unwrap_or(&MISSING);
        match self {
            MemberTest::Bool { at, not } => {
                *steps += 1 + u64::from(*not);
                match get(*at) {
                    Value::Bool(b) => Ok(*b != *not),
                    _ => Err(missing_after(run, *steps)),
                }
            }
            MemberTest::NumConst { at, op, c } => match get(*at) {
                Value::Num(x) => {
                    *steps += 3;
                    Ok(holds(*op, compare_decimals(x, c)))
                }
                // Missing: the comparison's step counted before it fails; another type fails
                // as it is read.
                Value::Missing => Err(missing_after(run, *steps + 3)),
                _ => Err(missing_after(run, *steps + 2)),
            },
            MemberTest::TextConst { at, op, c } => {
                *steps += 3;
                let eq = match get(*at) {
                    Value::Text(t) => **t == **c,
                    Value::Missing => return Err(missing_after(run, *steps)),
                    _ => false,
                };
                Ok(if *op == Cmp::Eq { eq } else { !eq })
            }
            MemberTest::Present { at, present } => {
                *steps += 2;
                Ok(matches!(get(*at), Value::Missing) != *present)
            }
            MemberTest::ValueOr { at, default } => match get(*at) {
                Value::Bool(b) => {
                    *steps += 2;
                    Ok(*b)
                }
                Value::Missing => {
                    *steps += 3;
                    Ok(*default)
                }
                _ => Err(missing_after(run, *steps + 2)),
            },
            MemberTest::ValueOrLeaf { at, default } => match get(*at) {
                Value::Bool(b) => {
                    *steps += 2;
                    Ok(*b)
                }
                Value::Missing => match get(*default) {
                    Value::Bool(b) => {
                        *steps += 3;
                        Ok(*b)
                    }
                    _ => Err(missing_after(run, *steps + 3)),
                },
                _ => Err(missing_after(run, *steps + 2)),
            },
            MemberTest::Today { at, op, today_first } => {
                *steps += 3;
                let (x, today) = (get(*at), Value::Date(run.snap.date));
                let (a, b) = if *today_first { (&today, x) } else { (x, &today) };
                match compare_values(*op, a, b) {
                    Some(b) => Ok(b),
                    None => Err(missing_after(run, *steps)),
                }
            }
            MemberTest::Chain { all, terms } => chain_apart(*all, terms, run, vals, row, steps),
            MemberTest::Other(t) => {
                run.tick_n(std::mem::take(steps))?;
                t.eval(run, vals)
            }
        }
    }
}

fn member_tests(terms: Box<[Test]>) -> Box<[MemberTest]> {
    terms.into_vec().into_iter().map(MemberTest::of).collect()
}

impl MemberFilter {
    /// The member filter of a boolean node, if it is a test or a chain of tests with a term
    /// read in place.
    fn of(b: Bool) -> Result<MemberFilter, Bool> {
        let (all, terms) = match b {
            Bool::Test(t) => (true, member_tests(Box::new([t]))),
            Bool::All(terms) => (true, member_tests(terms)),
            Bool::Any(terms) => (false, member_tests(terms)),
            other => return Err(other),
        };
        if terms.iter().any(MemberTest::in_place) {
            return Ok(MemberFilter { all, terms });
        }
        // Nothing read in place: the chain as it was.
        let tests = terms.into_vec().into_iter().map(MemberTest::into_test).collect();
        Err(if all { Bool::All(tests) } else { Bool::Any(tests) })
    }
}

impl MemberTest {
    /// The test the term was made of ([`MemberTest::of`] undone).
    fn into_test(self) -> Test {
        match self {
            MemberTest::Bool { at, not } => Test::Slot { slot: Slot::Member(at), not },
            MemberTest::NumConst { at, op, c } => Test::NumLeaf { slot: Slot::Member(at), op, c },
            MemberTest::TextConst { at, op, c } => {
                Test::TextConst { slot: Slot::Member(at), op, c }
            }
            MemberTest::Present { at, present } => {
                Test::Present { slot: Slot::Member(at), present }
            }
            MemberTest::ValueOr { at, default } => {
                Test::ValueOr { slot: Slot::Member(at), default }
            }
            MemberTest::ValueOrLeaf { at, default } => {
                Test::ValueOrLeaf { slot: Slot::Member(at), default: Slot::Member(default) }
            }
            MemberTest::Today { at, op, today_first } => {
                Test::Today { slot: Slot::Member(at), op, today_first }
            }
            MemberTest::Chain { all, terms } => {
                let tests = terms.into_vec().into_iter().map(MemberTest::into_test).collect();
                Test::Node(Box::new(if all { Bool::All(tests) } else { Bool::Any(tests) }))
            }
            MemberTest::Other(t) => *t,
        }
    }
}

/// A chain of member tests (`ALL`: of `e`, else of `o`) on `row`, counted as
/// [`all_in_place`] / [`any_in_place`] count theirs.
#[inline(always)]
fn member_chain<const ALL: bool>(
    terms: &[MemberTest],
    run: &mut Run<'_, '_>,
    vals: &[Value],
    row: &[Value],
    steps: &mut u64,
) -> Res<bool> {
    *steps += terms.len().saturating_sub(1) as u64;
    for t in terms {
        if t.eval(run, vals, row, steps)? != ALL {
            return Ok(!ALL);
        }
    }
    Ok(ALL)
}

#[inline(never)]
fn chain_apart(
    all: bool,
    terms: &[MemberTest],
    run: &mut Run<'_, '_>,
    vals: &[Value],
    row: &[Value],
    steps: &mut u64,
) -> Res<bool> {
    if all {
        member_chain::<true>(terms, run, vals, row, steps)
    } else {
        member_chain::<false>(terms, run, vals, row, steps)
    }
}

/// The error of a member test that failed after `steps` kept steps: the step limit if they
/// reach it, else the missing value.
#[cold]
#[inline(never)]
fn missing_after(run: &mut Run<'_, '_>, steps: u64) -> Box<EvalError> {
    match run.tick_n(steps) {
        Err(e) => e,
        Ok(()) => run.missing(),
    }
}

/// `conta(membri, filter)` with a filter read on the members' values.
fn count_filtered(filter: MemberFilter) -> Num {
    fn count<const ALL: bool>(terms: Box<[MemberTest]>) -> Num {
        num_node(move |run, vals| {
            let facts = run.facts;
            let (mut count, mut steps) = (0u64, 0u64);
            for m in facts.member_rows() {
                run.member = Some(m);
                count += u64::from(member_chain::<ALL>(&terms, run, vals, m, &mut steps)?);
            }
            run.member = None;
            run.tick_n(steps)?;
            Ok(Decimal::from(count))
        })
    }
    if filter.all {
        count::<true>(filter.terms)
    } else {
        count::<false>(filter.terms)
    }
}

/// `somma(membri, body, filter)` with a filter read on the members' values: the steps kept
/// counted before each body, which counts its own.
fn sum_filtered(filter: MemberFilter, body: Num) -> Num {
    fn sum<const ALL: bool>(terms: Box<[MemberTest]>, body: Num) -> Num {
        num_node(move |run, vals| {
            let facts = run.facts;
            let (mut sum, mut steps) = (Decimal::ZERO, 0u64);
            for m in facts.member_rows() {
                run.member = Some(m);
                if member_chain::<ALL>(&terms, run, vals, m, &mut steps)? {
                    run.tick_n(std::mem::take(&mut steps))?;
                    let v = body.get(run, vals)?;
                    sum = sum.checked_add(v).ok_or_else(|| run.overflow())?;
                }
            }
            run.member = None;
            run.tick_n(steps)?;
            Ok(sum)
        })
    }
    if filter.all {
        sum::<true>(filter.terms, body)
    } else {
        sum::<false>(filter.terms, body)
    }
}

/// `almeno_uno(membri, body)` / `tutti(membri, body)` with a body read on the members'
/// values (see [`any_all_members`]).
fn any_all_filtered(any_wanted: bool, body: MemberFilter) -> Bool {
    fn each<const ALL: bool>(any_wanted: bool, terms: Box<[MemberTest]>) -> Bool {
        Bool::Node(Box::new(move |run, vals| {
            let facts = run.facts;
            let (mut any, mut all, mut steps) = (false, true, 0u64);
            for m in facts.member_rows() {
                run.member = Some(m);
                let v = member_chain::<ALL>(&terms, run, vals, m, &mut steps)?;
                any |= v;
                all &= v;
            }
            run.member = None;
            run.tick_n(steps)?;
            Ok(if any_wanted { any } else { all })
        }))
    }
    if body.all {
        each::<true>(any_wanted, body.terms)
    } else {
        each::<false>(any_wanted, body.terms)
    }
}

/// `somma(membri, body, filter)`: `body` summed over the members for which `filter` holds;
/// the member context is cleared afterwards, as the evaluator does.
fn sum_members(
    filter: impl Fn(&mut Run<'_, '_>, &[Value]) -> Res<bool> + Send + Sync + 'static,
    body: Num,
) -> Num {
    num_node(move |run, vals| {
        let facts = run.facts;
        let mut sum = Decimal::ZERO;
        for m in facts.member_rows() {
            run.member = Some(m);
            if !filter(run, vals)? {
                continue;
            }
            let v = body.get(run, vals)?;
            sum = sum.checked_add(v).ok_or_else(|| run.overflow())?;
        }
        run.member = None;
        Ok(sum)
    })
}

/// `almeno_uno(membri, body)` (`any_wanted`) or `tutti(membri, body)`: every member read
/// (no short cut), the member context cleared afterwards, as the evaluator does. The node's
/// own step is counted by [`Bool::get`].
fn any_all_members(
    any_wanted: bool,
    body: impl Fn(&mut Run<'_, '_>, &[Value]) -> Res<bool> + Send + Sync + 'static,
) -> Bool {
    Bool::Node(Box::new(move |run, vals| {
        let (mut any, mut all) = (false, true);
        let facts = run.facts;
        for m in facts.member_rows() {
            run.member = Some(m);
            let v = body(run, vals)?;
            any |= v;
            all &= v;
        }
        run.member = None;
        Ok(if any_wanted { any } else { all })
    }))
}

/// `se c allora a altrimenti b` of numbers.
fn choose(c: Bool, a: Num, b: Num) -> Num {
    Operand::Node(Box::new(move |run, vals| {
        if c.get_in_place(run, vals)? {
            a.get(run, vals)
        } else {
            b.get(run, vals)
        }
    }))
}

/// A numeric node computed from one numeric operand.
fn unary(
    x: &Code,
    f: impl Fn(&Run<'_, '_>, Decimal) -> Res<Decimal> + Send + Sync + 'static,
) -> Num {
    let x = num(x);
    num_node(move |run, vals| {
        let x = x.get(run, vals)?;
        f(run, x)
    })
}

/// A numeric node run by the tree-walking evaluator.
fn fallback_num(code: &Code) -> Num {
    let code = code.clone();
    num_node(move |run, vals| run.num_node(&code, vals))
}

/// `eta(x)`, `mesi_tra(x, y)`, `anni_tra(x, y)`.
fn date_diff(kind: DateDiff, a: &Code, b: Option<&Code>) -> Num {
    match (plain_leaf(a), b) {
        // An age or a span to the evaluation date from a fact: the date read in place.
        (Some(from), None) => num_node(move |run, vals| {
            run.tick()?;
            let Value::Date(d) = *leaf(run, vals, from) else {
                return Err(run.missing());
            };
            run.date_span(kind, d, run.snap.date)
        }),
        // A span from a fact to `oggi` (`mesi_tra(dal, oggi)`): both read in place, the
        // second step counted once the first date is read, as the evaluator does.
        (Some(from), Some(Code::Today)) => num_node(move |run, vals| {
            run.tick()?;
            let Value::Date(d) = *leaf(run, vals, from) else {
                return Err(run.missing());
            };
            run.tick()?;
            run.date_span(kind, d, run.snap.date)
        }),
        _ => {
            let (a, b) = (a.clone(), b.cloned());
            num_node(move |run, vals| run.date_diff(kind, &a, b.as_ref(), vals))
        }
    }
}

/// A chain of additions and subtractions (`a + b - c + d`), nested as the parser nests it
/// (each node the left operand of the next): one closure instead of one per node. The inner
/// nodes are entered one after the other before the first term (their steps counted at
/// once, the outer node's by the caller), then each term is read and added or subtracted in
/// order, failing where the nested nodes fail.
fn sum_chain(code: &Code) -> Num {
    let mut rest = Vec::new();
    let mut at = code;
    while let Code::Arith(op @ (Arith::Add | Arith::Sub), a, b) = at {
        rest.push((*op == Arith::Sub, num(b)));
        at = a;
    }
    rest.reverse();
    let first = num(at);
    let inner = rest.len().saturating_sub(1) as u64;
    let rest: Box<[(bool, Num)]> = rest.into();
    num_node(move |run, vals| {
        run.tick_n(inner)?;
        let mut acc = first.get(run, vals)?;
        for (sub, term) in rest.iter() {
            let y = term.get(run, vals)?;
            let r = if *sub { acc.checked_sub(y) } else { acc.checked_add(y) };
            acc = r.ok_or_else(|| run.overflow())?;
        }
        Ok(acc)
    })
}

fn arith(op: Arith, a: Num, b: Num) -> Num {
    match op {
        Arith::Add => num_node(move |run, vals| {
            let (x, y) = (a.get(run, vals)?, b.get(run, vals)?);
            x.checked_add(y).ok_or_else(|| run.overflow())
        }),
        Arith::Sub => num_node(move |run, vals| {
            let (x, y) = (a.get(run, vals)?, b.get(run, vals)?);
            x.checked_sub(y).ok_or_else(|| run.overflow())
        }),
        Arith::Mul => num_node(move |run, vals| {
            let (x, y) = (a.get(run, vals)?, b.get(run, vals)?);
            x.checked_mul(y).ok_or_else(|| run.overflow())
        }),
        Arith::Div => num_node(move |run, vals| {
            let (x, y) = (a.get(run, vals)?, b.get(run, vals)?);
            crate::eval::divide(run, x, y)
        }),
    }
}

fn boolean(code: &Code) -> Bool {
    match code {
        Code::And(..) => Bool::All(spine(code, true).into_iter().map(test).collect()),
        Code::Or(..) => Bool::Any(spine(code, false).into_iter().map(test).collect()),
        Code::Not(c) => match test(c) {
            Test::Slot { slot, not: false } => Bool::Test(Test::Slot { slot, not: true }),
            _ => Bool::Not(Box::new(boolean(c))),
        },
        Code::If(c, a, b) => Bool::If(Box::new((boolean(c), boolean(a), boolean(b)))),
        Code::CmpNum(op, a, b) => match (plain_leaf(a), &**a, plain_leaf(b), &**b) {
            // Against a parameter (`isee <= soglia`), either side.
            (Some(slot), _, _, Code::Param(param)) => {
                Bool::Test(Test::NumParam { slot, param: *param, op: *op, param_first: false })
            }
            (_, Code::Param(param), Some(slot), _) => {
                Bool::Test(Test::NumParam { slot, param: *param, op: *op, param_first: true })
            }
            _ => match (num(a), num(b)) {
                // Against a constant (`eta < 18`, `isee <= 40000`): the commonest comparison.
                (a, Operand::Const(c)) => Bool::Test(match a {
                    Operand::Def(i) => Test::NumLeaf { slot: Slot::Def(i), op: *op, c },
                    Operand::Input(i) => Test::NumLeaf { slot: Slot::Input(i), op: *op, c },
                    Operand::Member(i) => Test::NumLeaf { slot: Slot::Member(i), op: *op, c },
                    a => Test::NumConst { a, op: *op, c },
                }),
                (a, b) => Bool::Nums { op: *op, a, b },
            },
        },
        Code::Members { agg: agg @ (Agg::Any | Agg::All), body: Some(body), filter: None } => {
            // A closure for each kind of body, so that each loop holds only its own.
            let any_wanted = *agg == Agg::Any;
            match MemberFilter::of(boolean(body)) {
                Ok(body) => any_all_filtered(any_wanted, body),
                Err(Bool::All(terms)) => {
                    any_all_members(any_wanted, move |run, vals| all_in_place(&terms, run, vals))
                }
                Err(Bool::Any(terms)) => {
                    any_all_members(any_wanted, move |run, vals| any_in_place(&terms, run, vals))
                }
                Err(Bool::Test(t)) => {
                    any_all_members(any_wanted, move |run, vals| t.eval(run, vals))
                }
                Err(other) => any_all_members(any_wanted, move |run, vals| other.get(run, vals)),
            }
        }
        Code::Members { agg: agg @ (Agg::Any | Agg::All), body: Some(body), filter } => {
            Bool::Members {
                any: *agg == Agg::Any,
                body: Box::new(boolean(body)),
                filter: filter.as_deref().map(|f| Box::new(boolean(f))),
            }
        }
        Code::Cmp(op, a, b) => match (scalar(a), scalar(b)) {
            // A fact or definition against a text constant (`disability != "none"`).
            (Some(Scalar::Leaf(slot)), Some(Scalar::Const(Value::Text(c))))
            | (Some(Scalar::Const(Value::Text(c))), Some(Scalar::Leaf(slot))) => {
                Bool::Test(Test::TextConst { slot, op: *op, c: Box::from(&*c) })
            }
            // Two constants or slots: compared in place, each counted as the evaluator does.
            (Some(a), Some(b)) => Bool::Scalars { op: *op, a, b },
            _ => match (plain_leaf(a), &**a, plain_leaf(b), &**b) {
                (Some(slot), _, _, Code::Today) => {
                    Bool::Test(Test::Today { slot, op: *op, today_first: false })
                }
                (_, Code::Today, Some(slot), _) => {
                    Bool::Test(Test::Today { slot, op: *op, today_first: true })
                }
                (Some(slot), _, _, Code::Param(param)) => {
                    Bool::Test(Test::Param { slot, param: *param, op: *op, param_first: false })
                }
                (_, Code::Param(param), Some(slot), _) => {
                    Bool::Test(Test::Param { slot, param: *param, op: *op, param_first: true })
                }
                _ => fallback_bool(code),
            },
        },
        Code::ValueOr(a, b) => match (plain_leaf(a), &**b) {
            (Some(slot), Code::Const(Value::Bool(default))) => {
                Bool::Test(Test::ValueOr { slot, default: *default })
            }
            (Some(slot), other) => match plain_leaf(other) {
                Some(default) => Bool::Test(Test::ValueOrLeaf { slot, default }),
                None => fallback_bool(code),
            },
            _ => fallback_bool(code),
        },
        Code::IsMissing(c, present) => match plain_leaf(c) {
            Some(slot) => Bool::Test(Test::Present { slot, present: *present }),
            None => fallback_bool(code),
        },
        Code::Const(Value::Bool(b)) => Bool::Test(Test::Const(*b)),
        Code::Def(_) | Code::Input(_) | Code::Member(_) => match plain_leaf(code) {
            Some(slot) => Bool::Test(Test::Slot { slot, not: false }),
            None => fallback_bool(code),
        },
        Code::Param(i) => {
            let i = *i;
            bool_node(move |run, _| {
                param_value(run, i).and_then(bool::of).ok_or_else(|| run.missing())
            })
        }
        other => fallback_bool(other),
    }
}

/// A boolean node as a term of a chain: in place when it is a test.
fn test(code: &Code) -> Test {
    match boolean(code) {
        Bool::Test(t) => t,
        other => Test::Node(Box::new(other)),
    }
}

/// The terms of a chain of `e` (`and`) or of `o`, in order: the nodes of the chain are each
/// the left operand of the next, as the parser nests `a e b e c`.
fn spine(code: &Code, and: bool) -> Vec<&Code> {
    let mut terms = Vec::new();
    let mut at = code;
    while let (Code::And(a, b), true) | (Code::Or(a, b), false) = (at, and) {
        terms.push(&**b);
        at = a;
    }
    terms.push(at);
    terms.reverse();
    terms
}

/// A boolean node run by the tree-walking evaluator.
fn fallback_bool(code: &Code) -> Bool {
    let code = code.clone();
    bool_node(move |run, vals| run.bool_node(&code, vals))
}

#[cfg(test)]
mod tests {
    use crate::corpus::{programs, variants};
    use crate::limits::MAX_EVAL_STEPS;
    use crate::value::Value;

    #[test]
    fn the_comparisons_hold_for_the_orderings_the_operators_accept() {
        use crate::program::Cmp;
        use std::cmp::Ordering;
        for op in [Cmp::Eq, Cmp::Ne, Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge] {
            for ord in [Ordering::Less, Ordering::Equal, Ordering::Greater] {
                assert_eq!(super::holds(op, ord), op.holds(ord), "{op:?} {ord:?}");
            }
        }
        assert!(super::holds(Cmp::Le, Ordering::Equal) && !super::holds(Cmp::Gt, Ordering::Equal));
    }

    #[test]
    fn compiled_closures_agree_with_the_tree_walking_evaluator() {
        let mut compared = 0;
        for (program, cases) in programs() {
            for case in &cases {
                let Ok(snap) = program.snapshot(case.date) else { continue };
                for facts in variants(&case.facts) {
                    let Ok(facts) = program.facts(&facts) else { continue };
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    let compiled = snap.run_counted(&facts, &mut a, true);
                    let walked = snap.run_counted(&facts, &mut b, false);
                    assert_eq!(compiled, walked, "{} / {}", program.id, case.name);
                    if compiled.0.is_ok() {
                        assert_eq!(a, b, "{} / {}", program.id, case.name);
                    }
                    compared += 1;
                }
            }
        }
        assert!(compared > 1_000, "only {compared} evaluations compared");
    }

    /// Evaluates `facts` both ways from `start` steps already taken and asserts the same
    /// outcome: result, step count and values.
    fn same_both_ways(snap: &crate::Snapshot<'_>, facts: &crate::Facts, start: u64, what: &str) {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let compiled = snap.run_counted_from(facts, &mut a, true, start);
        let walked = snap.run_counted_from(facts, &mut b, false, start);
        assert_eq!(compiled, walked, "{what} (from step {start})");
        if compiled.0.is_ok() {
            assert_eq!(a, b, "{what} (from step {start})");
        }
    }

    /// The steps an evaluation takes, and whether it succeeds.
    fn steps_of(snap: &crate::Snapshot<'_>, facts: &crate::Facts) -> u64 {
        snap.run_counted(facts, &mut Vec::new(), false).1
    }

    /// Each household run both ways and with the limit at every step (more than `min_steps`
    /// steps counted); its outcome: definition `name`'s value, or the error.
    fn outcomes_both_ways(
        program: &crate::Program,
        snap: &crate::Snapshot<'_>,
        households: &[serde_json::Value],
        name: &str,
        min_steps: u64,
    ) -> Vec<String> {
        let slot = program.defs.iter().position(|d| d.name == name);
        let mut outcomes = Vec::new();
        for (n, json) in households.iter().enumerate() {
            let facts = program.facts(json).unwrap();
            let what = format!("household {n}");
            same_both_ways(snap, &facts, 0, &what);
            let mut values = Vec::new();
            let (r, _) = snap.run_counted(&facts, &mut values, true);
            outcomes.push(match r {
                Ok(()) => format!("{:?}", slot.and_then(|i| values.get(i))),
                Err(e) => e.to_string(),
            });
            let total = limit_at_every_step(snap, &facts, &what);
            assert!(total > min_steps, "{what}: only {total} steps");
        }
        outcomes
    }

    /// The step limit put at every step of the evaluation in turn: the compiled closures
    /// stop where the tree walker stops, with the same error (several nodes are counted at
    /// once on the compiled side; the limit must still fall on the same node).
    fn limit_at_every_step(snap: &crate::Snapshot<'_>, facts: &crate::Facts, what: &str) -> u64 {
        let total = steps_of(snap, facts);
        for before in 0..=total + 1 {
            // `before` steps allowed: the limit falls on step `before + 1`.
            let start = MAX_EVAL_STEPS - before;
            same_both_ways(snap, facts, start, what);
        }
        total
    }

    #[test]
    fn the_step_limit_falls_on_the_same_node_both_ways_in_every_bundled_rulebook() {
        let mut runs = 0;
        for (program, cases) in programs() {
            for case in &cases {
                let Ok(snap) = program.snapshot(case.date) else { continue };
                let Ok(facts) = program.facts(&case.facts) else { continue };
                let what = format!("{} / {}", program.id, case.name);
                runs += limit_at_every_step(&snap, &facts, &what);
            }
        }
        assert!(runs > 10_000, "only {runs} limits placed");
    }

    /// Every node the compiled closures evaluate in place: chains of `e`/`o` nested either
    /// way, `non`, boolean `se`, comparisons of numbers with constants and with each other,
    /// texts and enums against constants on either side (a missing one fails), numbers
    /// against parameters on either side, presence
    /// tests, member counts with and without a filter, `almeno_uno`/`tutti`.
    const IN_PLACE: &str = r#"
rulebook: prova/in-loco
title: { it: "In loco", en: "In place" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  household:
    isee: { type: money, optional: true }
    citta: { type: text, optional: true }
    residente: { type: boolean }
  member:
    eta: { type: integer }
    capo: { type: boolean }
    disabilita: { type: enum, values: [none, media, grave] }
    ricovero: { type: enum, values: [none, publicly_funded] }
    reddito: { type: money, optional: true }
    lavora: { type: boolean, optional: true }
    evento: { type: date, optional: true }
parameters:
  soglia: { type: money, versions: [{ from: 2025-01-01, value: "20000.00", source: "delibera" }] }
  eta_minima: { type: integer, versions: [{ from: 2025-01-01, value: 18, source: "delibera" }] }
definitions:
  componenti: { type: integer, formula: "conta(membri)" }
  minori: { type: integer, formula: "conta(membri, eta < 18 e ricovero != \"publicly_funded\")" }
  adulti_non_capo: { type: integer, formula: "conta(membri, non capo e eta >= eta_minima e \"none\" == ricovero)" }
  disabili: { type: integer, formula: "conta(membri, non capo e disabilita != \"none\" e ricovero != \"publicly_funded\")" }
  qualcuno: { type: boolean, formula: "almeno_uno(membri, disabilita == \"grave\" o disabilita == \"media\" o eta < 3)" }
  tutti_adulti: { type: boolean, formula: "tutti(membri, eta >= 18 o (capo e (eta > 15 o ricovero == \"none\")))" }
  lavoratori: { type: boolean, formula: "almeno_uno(membri, valore_o(lavora, falso) e non capo)" }
  eventi_oggi: { type: integer, formula: "conta(membri, evento presente e (evento == oggi o oggi < evento))" }
  redditi: { type: money, formula: "somma(membri, valore_o(reddito, 0), eta >= 18)" }
  quote: { type: integer, formula: "conta(membri, ricovero == \"none\" e 100 / eta > 5)" }
  a_destra: { type: boolean, formula: "residente e (minori > 0 e (componenti >= 2 o isee mancante))" }
  a_sinistra: { type: boolean, formula: "(residente o minori > 0) o componenti > eta_minima o isee presente" }
  scelta: { type: boolean, formula: "se isee presente allora isee <= soglia e residente altrimenti non residente" }
  confronto: { type: boolean, formula: "redditi < soglia o minori == componenti" }
  isee_basso: { type: boolean, formula: "isee presente e isee <= soglia" }
  citta_ravenna: { type: boolean, formula: "citta presente e (citta == \"Ravenna\" o \"Lugo\" == citta)" }
  sotto_soglia: { type: boolean, formula: "soglia >= redditi o eta_minima <= componenti" }
  giovani: { type: integer, formula: "conta(membri, eta_minima > eta e non capo)" }
  importo: { type: money, output: true, formula: "se isee_basso e a_destra allora redditi * 2 + valore_o(isee, 0) altrimenti 0" }
"#;

    #[test]
    fn nodes_evaluated_in_place_count_and_fail_as_the_tree_walker() {
        let program = crate::Program::from_yaml(IN_PLACE, "in-loco.yaml").unwrap();
        let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let member = |eta: i64, capo: bool, dis: &str, ric: &str, reddito: Option<&str>| {
            serde_json::json!({
                "eta": eta, "capo": capo, "disabilita": dis, "ricovero": ric, "reddito": reddito,
                "lavora": (eta > 30).then_some(eta < 60), "evento": (eta < 2).then_some("2025-06-01"),
            })
        };
        let households = [
            // An ordinary household: every path succeeds.
            serde_json::json!({ "isee": "15000.00", "citta": "Ravenna", "residente": true, "members": [
                member(40, true, "none", "none", Some("12000.00")),
                member(12, false, "grave", "none", None),
                member(1, false, "none", "publicly_funded", None),
                member(35, false, "media", "none", Some("8000.00")),
            ]}),
            // No ISEE, no city, one member.
            serde_json::json!({ "residente": false, "members": [
                member(70, true, "media", "none", Some("9000.00")),
            ]}),
            // A newborn of age 0 not in care: `100 / eta` fails on that member.
            serde_json::json!({ "isee": "30000.00", "citta": "Lugo", "residente": true, "members": [
                member(40, true, "none", "none", None),
                member(0, false, "none", "none", None),
            ]}),
            // No members at all.
            serde_json::json!({ "isee": "0.00", "citta": "Forlì", "residente": true }),
        ];
        let mut errors = 0;
        for (n, json) in households.iter().enumerate() {
            let facts = program.facts(json).unwrap();
            let what = format!("household {n}");
            same_both_ways(&snap, &facts, 0, &what);
            errors += usize::from(snap.run_counted(&facts, &mut Vec::new(), true).0.is_err());
            let total = limit_at_every_step(&snap, &facts, &what);
            assert!(total > 20, "{what}: only {total} steps");
        }
        // The division by zero fails (as the tree walker does); the rest succeed.
        assert_eq!(errors, 1);
    }

    /// The nodes compiled on their own beside the closures of arithmetic and logic: member
    /// lists (`posizioni` with and without a filter, `elenco` with a filter that fails or a
    /// body that fails), `righe` at the top of a definition, in a branch and in arithmetic,
    /// a span from a fact to `oggi`, `minimo`/`massimo` of several operands with a missing
    /// one or a failing one, and member lists read by `conta`/`somma`.
    const LISTS: &str = r#"
rulebook: prova/liste
title: { it: "Liste", en: "Lists" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  household:
    isee: { type: money, optional: true }
    dal: { type: date, optional: true }
  member:
    eta: { type: integer }
    figlio: { type: boolean, optional: true }
    reddito: { type: money, optional: true }
    piccolo: { type: boolean }
parameters:
  soglia: { type: money, versions: [{ from: 2025-01-01, value: "20000.00", source: "delibera" }] }
  dal_minimo: { type: date, versions: [{ from: 2025-01-01, value: 2024-06-01, source: "delibera" }] }
  fasce:
    type: band_table
    columns: { importo: money }
    versions:
      - from: 2025-01-01
        source: "delibera"
        rows:
          - { up_to: "10000.00", importo: "200.00" }
          - { up_to: "30000.00", importo: "100.00" }
          - { up_to: null, importo: "50.00" }
definitions:
  n_fasce: { type: integer, formula: "righe(fasce)" }
  fascia: { type: integer, formula: "se isee presente allora fascia(fasce, isee) altrimenti righe(fasce)" }
  ultima: { type: money, formula: "riga(fasce, righe(fasce) * 2 - 3, importo)" }
  mesi: { type: integer, formula: "se dal presente allora mesi_tra(dal, oggi) + anni_tra(dal, oggi) altrimenti 0" }
  tutti: { type: list, items: integer, formula: "posizioni(membri)" }
  figli: { type: list, items: integer, formula: "posizioni(membri, valore_o(figlio, falso) e eta < 18)" }
  a_carico: { type: integer, formula: "conta(membri, valore_o(figlio, piccolo) o eta > 64)" }
  tetto: { type: money, formula: "soglia" }
  recente: { type: boolean, formula: "dal presente e (dal >= dal_minimo o dal_minimo == dal) e non (dal_minimo > dal)" }
  dichiarati: { type: list, items: integer, formula: "se dal presente allora posizioni(membri, valore_o(figlio, eta < 12)) altrimenti posizioni(membri, eta >= 0)" }
  grandi: { type: list, items: integer, formula: "posizioni(membri, 100 / (eta + 1) < 5 o non (eta < 70))" }
  quote: { type: list, items: money, formula: "elenco(membri, minimo(valore_o(reddito, soglia), soglia / eta, massimo(ultima, soglia / 1000 * eta)), eta < 18 o eta > 60)" }
  redditi: { type: list, items: money, formula: "elenco(membri, massimo(valore_o(reddito, 0), riga(fasce, eta - 60, importo)), eta > 60)" }
  quanti: { type: integer, formula: "conta(figli) + conta(tutti)" }
  totale: { type: money, formula: "somma(quote)" }
  estremi: { type: money, formula: "minimo(valore_o(isee, 0), soglia, soglia / 200 * n_fasce) + massimo(soglia - 20001, se isee presente allora isee altrimenti soglia - 20002)" }
  importo: { type: money, output: true, formula: "totale + estremi + ultima + somma(redditi) + (se recente allora tetto altrimenti 0)" }
  conteggi: { type: integer, output: true, formula: "mesi + quanti + conta(dichiarati) + conta(grandi) + a_carico" }
"#;

    #[test]
    fn member_lists_table_rows_dates_and_extremes_count_and_fail_as_the_tree_walker() {
        let program = crate::Program::from_yaml(LISTS, "liste.yaml").unwrap();
        let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let member = |eta: i64, figlio: Option<bool>, reddito: Option<&str>| serde_json::json!({ "eta": eta, "figlio": figlio, "reddito": reddito, "piccolo": eta < 3 });
        let households = [
            // An ordinary household: every path succeeds.
            serde_json::json!({ "isee": "15000.00", "dal": "2024-01-15", "members": [
                member(40, Some(false), Some("12000.00")),
                member(10, Some(true), None),
                member(5, Some(true), Some("300.00")),
                member(62, Some(false), Some("9000.00")),
            ]}),
            // No members, no ISEE, no date: empty lists, the last band.
            serde_json::json!({}),
            // `figlio` missing: `dichiarati` reads the age instead.
            serde_json::json!({ "isee": "40000.00", "dal": "2025-05-31", "members": [
                member(8, Some(true), Some("0.00")),
                member(9, None, Some("0.00")),
            ]}),
            // A newborn: `soglia / eta` fails inside `minimo` in the body of `quote`.
            serde_json::json!({ "members": [member(30, Some(false), Some("1.00")), member(0, Some(true), Some("1.00"))] }),
            // A member of 70: row 10 of a table of 3 fails in the body of `redditi`.
            serde_json::json!({ "isee": "5000.00", "members": [member(70, Some(false), None)] }),
            // A start date after the evaluation date: the span fails.
            serde_json::json!({ "dal": "2025-07-01", "members": [member(30, Some(false), Some("1.00"))] }),
            // An age of −1: `100 / (eta + 1)` fails in the filter of `grandi`.
            serde_json::json!({ "members": [member(30, Some(false), Some("1.00")), member(-1, Some(true), None)] }),
        ];
        let outcomes = outcomes_both_ways(&program, &snap, &households, "importo", 10);
        assert_eq!(
            outcomes,
            [
                "Some(Num(24972.580645161290322580645161))",
                "Some(Num(49.00))",
                "Some(Num(60350.00))",
                "arithmetic error in `quote`: division by zero",
                "row 10 is outside table `fasce`",
                "date error in `mesi`: the later date of the two comes before the earlier one",
                "arithmetic error in `grandi`: division by zero",
            ]
        );
    }
    /// Member lists longer than the items kept on the stack while they are computed: the
    /// same lists, steps and failures as the tree walker's, in order.
    #[test]
    fn member_lists_of_many_members_count_and_fail_as_the_tree_walker() {
        let program = crate::Program::from_yaml(LISTS, "liste.yaml").unwrap();
        let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let members = |n: i64, last: i64| {
            let mut m: Vec<_> = (1..n)
                .map(|i| serde_json::json!({ "eta": 60 + i % 3, "figlio": i % 2 == 0, "reddito": "10.00", "piccolo": false }))
                .collect();
            m.push(serde_json::json!({ "eta": last, "figlio": true, "reddito": "10.00", "piccolo": true }));
            serde_json::json!({ "isee": "5000.00", "members": m })
        };
        for (n, last, ok) in [(8, 5, true), (9, 5, true), (12, 5, true), (12, 0, false)] {
            let facts = program.facts(&members(n, last)).unwrap();
            let what = format!("{n} members, the last aged {last}");
            same_both_ways(&snap, &facts, 0, &what);
            let mut values = Vec::new();
            let (r, _) = snap.run_counted(&facts, &mut values, true);
            assert_eq!(r.is_ok(), ok, "{what}");
            if ok {
                let tutti = program.defs.iter().position(|d| d.name == "tutti").unwrap();
                let expected: Vec<Value> = (1..=n).map(Value::from).collect();
                assert_eq!(values[tutti], Value::List(expected.into()), "{what}");
            }
            limit_at_every_step(&snap, &facts, &what);
        }
    }

    /// Chains of additions and subtractions, compiled as one node: at the top of a
    /// definition and as the body of a member list; a term that fails and an overflow in the
    /// middle of a chain and in a member's body fail where the nested nodes fail.
    const CHAINS: &str = r#"
rulebook: prova/catene
title: { it: "Catene", en: "Chains" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  household:
    a: { type: decimal }
    b: { type: decimal }
    c: { type: decimal }
  member:
    x: { type: decimal }
definitions:
  lista: { type: list, items: decimal, formula: "elenco(membri, x + a - b + 2, x > 0)" }
  s1: { type: decimal, formula: "a + b - 10 / c + 1" }
  s2: { type: decimal, formula: "a - b - c - a" }
  tot: { type: decimal, output: true, formula: "somma(lista) + s1 + s2 - 3" }
"#;

    #[test]
    fn addition_chains_count_and_fail_as_the_tree_walker() {
        let program = crate::Program::from_yaml(CHAINS, "catene.yaml").unwrap();
        let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let max = "79228162514264337593543950335";
        let households = [
            serde_json::json!({ "a": "10.5", "b": "2.25", "c": "1", "members": [
                { "x": "1" }, { "x": "-2" }, { "x": "3" },
            ]}),
            // `c` zero: the third term of `s1` fails.
            serde_json::json!({ "a": "1", "b": "2", "c": "0", "members": [{ "x": "1" }] }),
            // `a - b` past the largest decimal: the first node of `s2` fails.
            serde_json::json!({ "a": max, "b": "-1", "c": "1", "members": [] }),
            // `x + a` past the largest decimal in the body of `lista`.
            serde_json::json!({ "a": max, "b": "1", "c": "5", "members": [{ "x": "1" }] }),
        ];
        let outcomes = outcomes_both_ways(&program, &snap, &households, "tot", 0);
        assert_eq!(
            outcomes,
            [
                "Some(Num(22.00))",
                "arithmetic error in `s1`: division by zero",
                "arithmetic error in `s2`: overflow",
                "arithmetic error in `lista`: overflow",
            ]
        );
    }

    /// Member counts, sums and `almeno_uno`/`tutti` whose filters read the members' facts in
    /// place, their steps counted once per loop: every kind of term (booleans, comparisons
    /// with numbers, texts and `oggi`, presence, `valore_o` of a fact and a constant or another fact), optional facts
    /// given and not, chains within chains, a term evaluated apart (`100 / eta`) that
    /// fails; the values, the failure and the limit at every step as the tree walker's.
    const MEMBER_FILTERS: &str = r#"
rulebook: prova/filtri
title: { it: "Filtri", en: "Filters" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  member:
    eta: { type: integer }
    capo: { type: boolean }
    disabilita: { type: enum, values: [none, media, grave] }
    lavora: { type: boolean, optional: true }
    figlio: { type: boolean, optional: true }
    reddito: { type: money, optional: true }
    evento: { type: date, optional: true }
definitions:
  d1: { type: integer, formula: "conta(membri, non capo e (eta < 18 o disabilita != \"none\") e eta >= 0)" }
  d2: { type: integer, formula: "conta(membri, evento presente o eta > 64 o (capo e non capo))" }
  d3: { type: integer, formula: "conta(membri, valore_o(lavora, capo) e eta >= 18)" }
  d4: { type: integer, formula: "conta(membri, reddito presente e reddito > 100 o capo)" }
  d5: { type: integer, formula: "conta(membri, eta < 18 e 100 / eta > 5 e non capo)" }
  d6: { type: integer, formula: "conta(membri, evento presente e (evento == oggi o oggi < evento) o valore_o(figlio, falso))" }
  d7: { type: integer, formula: "conta(membri, evento mancante)" }
  s1: { type: money, formula: "somma(membri, valore_o(reddito, 0) * 2, non capo e (eta < 18 o evento presente))" }
  a1: { type: boolean, formula: "almeno_uno(membri, eta < 18 e disabilita == \"grave\")" }
  t1: { type: boolean, formula: "tutti(membri, valore_o(lavora, capo) o non capo o eta > 200)" }
  tot: { type: money, output: true, formula: "(s1 + 1) * (d1 + d2 + d3 + d4 + d5 + d6 + d7) + (se a1 allora 1000 altrimenti 0) + (se t1 allora 10000 altrimenti 0)" }
"#;

    #[test]
    fn member_filters_read_in_place_count_and_fail_as_the_tree_walker() {
        let program = crate::Program::from_yaml(MEMBER_FILTERS, "filtri.yaml").unwrap();
        let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let member = |eta: i64,
                      capo: bool,
                      dis: &str,
                      lavora: Option<bool>,
                      figlio: Option<bool>,
                      reddito: Option<&str>,
                      evento: Option<&str>| {
            serde_json::json!({ "eta": eta, "capo": capo, "disabilita": dis, "lavora": lavora, "figlio": figlio, "reddito": reddito, "evento": evento })
        };
        let (today, other) = (Some("2025-06-01"), Some("2024-01-01"));
        let households = [
            // Every fact given: every count succeeds.
            serde_json::json!({ "members": [
                member(40, true, "none", Some(true), Some(false), Some("1000.00"), other),
                member(12, false, "grave", Some(false), Some(true), Some("0.00"), today),
                member(70, false, "media", Some(false), Some(false), Some("50.00"), other),
                member(19, false, "none", Some(true), Some(true), Some("200.00"), today),
            ]}),
            // `lavora` and `figlio` missing: the defaults read.
            serde_json::json!({ "members": [
                member(40, true, "none", None, None, Some("1000.00"), other),
                member(30, false, "none", None, None, Some("1000.00"), today),
            ]}),
            // `reddito` missing.
            serde_json::json!({ "members": [
                member(40, true, "none", Some(true), None, None, other),
                member(30, false, "none", Some(true), None, None, Some("2026-01-01")),
            ]}),
            // A newborn: `100 / eta` fails in `d5`.
            serde_json::json!({ "members": [
                member(40, true, "none", Some(true), None, Some("1000.00"), other),
                member(0, false, "none", Some(false), Some(true), Some("0.00"), today),
            ]}),
            // No event dates.
            serde_json::json!({ "members": [
                member(40, true, "none", Some(true), None, Some("1000.00"), None),
                member(3, false, "grave", None, Some(true), None, None),
            ]}),
            // No members.
            serde_json::json!({}),
        ];
        let outcomes = outcomes_both_ways(&program, &snap, &households, "tot", 0);
        assert_eq!(
            outcomes,
            [
                "Some(Num(17513.00))",
                "Some(Num(22006.00))",
                "Some(Num(10006))",
                "arithmetic error in `d5`: division by zero",
                "Some(Num(11007))",
                "Some(Num(10000))",
            ]
        );
    }

    /// Member lists whose filters read the members' facts in place (a chain within the chain,
    /// a term evaluated apart that fails, a body that fails), beside `valore_o` of a fact and
    /// a constant and `se … allora … altrimenti` of numbers as operands: the values, the
    /// failures and the limit at every step as the tree walker's.
    const OPERANDS: &str = r#"
rulebook: prova/operandi
title: { it: "Operandi", en: "Operands" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  household:
    isee: { type: money, optional: true }
    affitto: { type: money, optional: true }
    solo: { type: boolean, optional: true }
  member:
    eta: { type: integer }
    figlio: { type: boolean }
    disabilita: { type: enum, values: [none, media, grave] }
    lavora: { type: boolean, optional: true }
    reddito: { type: money, optional: true }
parameters:
  soglia: { type: money, versions: [{ from: 2025-01-01, value: "20000.00", source: "delibera" }] }
definitions:
  figli: { type: list, items: integer, formula: "posizioni(membri, figlio e (eta < 21 o disabilita != \"none\"))" }
  occupati: { type: list, items: integer, formula: "posizioni(membri, valore_o(lavora, falso) o eta > 70 o 100 / eta > 60)" }
  quote: { type: list, items: money, formula: "elenco(membri, valore_o(reddito, 0) + soglia / eta, figlio e (eta < 21 o disabilita != \"none\"))" }
  basso: { type: boolean, formula: "valore_o(isee, 0) <= 15000 e valore_o(isee, 0) < soglia" }
  quota: { type: money, formula: "(se solo presente e solo allora valore_o(affitto, 0) altrimenti valore_o(affitto, 50) / 2) + valore_o(isee, soglia) / 1000" }
  scelta: { type: boolean, formula: "(se valore_o(solo, falso) allora valore_o(isee, 0) altrimenti soglia) > 10000" }
  per_eta: { type: list, items: money, formula: "elenco(membri, se eta < 18 e non (eta >= 16) allora soglia altrimenti soglia / 2, figlio)" }
  tot: { type: money, output: true, formula: "somma(quote) + quota + soglia / 20000 * (conta(figli) * 1000 + conta(occupati) * 100 + (se basso allora 1 altrimenti 0) + (se scelta allora 2 altrimenti 0))" }
"#;

    fn operand_member(
        eta: i64,
        figlio: bool,
        dis: &str,
        lavora: Option<bool>,
        reddito: Option<&str>,
    ) -> serde_json::Value {
        serde_json::json!({ "eta": eta, "figlio": figlio, "disabilita": dis, "lavora": lavora, "reddito": reddito })
    }

    #[test]
    fn in_place_list_filters_count_and_fail_as_the_tree_walker() {
        let program = crate::Program::from_yaml(OPERANDS, "operandi.yaml").unwrap();
        let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let m = operand_member;
        let many: Vec<_> =
            (0..11).map(|i| m(i + 1, true, "none", Some(i % 3 == 0), None)).collect();
        let households = [
            // Every fact given: a child under 21, a disabled child of 22, a parent.
            serde_json::json!({ "isee": "12000.00", "affitto": "800.00", "solo": true, "members": [
                m(45, false, "none", Some(true), Some("30000.00")),
                m(10, true, "none", Some(false), None),
                m(22, true, "media", Some(false), Some("300.00")),
            ]}),
            // No members and no household facts: the defaults read.
            serde_json::json!({}),
            // A child of 0: `soglia / eta` fails in the body of `quote`.
            serde_json::json!({ "isee": "30000.00", "solo": false, "members": [
                m(40, false, "none", Some(true), None),
                m(0, true, "none", Some(true), None),
            ]}),
            // A member of 0 who is not a child: `100 / eta` fails in the filter of `occupati`.
            serde_json::json!({ "members": [m(75, false, "none", None, None), m(0, false, "none", None, None)] }),
            // More children than the items kept on the stack.
            serde_json::json!({ "isee": "9000.00", "members": many }),
        ];
        let outcomes = outcomes_both_ways(&program, &snap, &households, "tot", 10);
        assert_eq!(
            outcomes,
            [
                // 2000 + 300 + 20000 / 22, 812, 2103.
                "Some(Num(6124.0909090909090909090909091))",
                // 25 + 20, 1 + 2.
                "Some(Num(48.00))",
                "arithmetic error in `quote`: division by zero",
                "arithmetic error in `occupati`: division by zero",
                "Some(Num(71834.546897546897546897546897))",
            ]
        );
    }

    /// A member list stored over the list an earlier household left in its slot (as a batch
    /// reuses its values) is the list computed afresh, whether it has as many items or not;
    /// a list held elsewhere is left as it was.
    #[test]
    fn member_lists_stored_over_earlier_lists_are_the_lists_computed_afresh() {
        let program = crate::Program::from_yaml(OPERANDS, "operandi.yaml").unwrap();
        let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
        let m = operand_member;
        let children = |etas: &[i64]| {
            let members: Vec<_> =
                etas.iter().map(|&e| m(e, e < 30, "none", Some(e >= 30), Some("10.00"))).collect();
            program.facts(&serde_json::json!({ "members": members })).unwrap()
        };
        let (a, b, c, none) =
            (children(&[40, 3, 5]), children(&[2, 45, 7]), children(&[1, 2, 3, 4]), children(&[]));
        let figli = program.defs.iter().position(|d| d.name == "figli").unwrap();
        let quote = program.defs.iter().position(|d| d.name == "quote").unwrap();
        let mut kept = Vec::new();
        for (first, next) in
            [(&a, &b), (&b, &c), (&c, &b), (&a, &a), (&c, &none), (&none, &none), (&none, &a)]
        {
            snap.run_into(first, &mut kept).unwrap();
            snap.run_into(next, &mut kept).unwrap();
            let mut fresh = Vec::new();
            snap.run_into(next, &mut fresh).unwrap();
            assert_eq!(kept, fresh);
        }
        snap.run_into(&a, &mut kept).unwrap();
        let held = (kept[figli].clone(), kept[quote].clone());
        snap.run_into(&b, &mut kept).unwrap();
        assert_eq!(held.0, Value::List(vec![Value::from(2i64), Value::from(3i64)].into()));
        assert_eq!(kept[figli], Value::List(vec![Value::from(1i64), Value::from(3i64)].into()));
        assert_ne!(held.1, kept[quote]);
    }
}
