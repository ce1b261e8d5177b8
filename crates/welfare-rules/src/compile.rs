//! Definitions compiled to closures: the evaluator's fast path.
//!
//! The checker produces a tree of [`Code`] nodes. Walking that tree for every household pays,
//! at every node, for a dispatch on the node's kind, on its operator and on its operands'
//! kinds. Here each definition is turned once, when the program is built, into nested
//! closures that already know their operator, with leaf operands (constants, facts, parameters,
//! earlier definitions) read in place instead of through a call.
//!
//! The closures do exactly what [`Run`] does for the same node: each node counts one step
//! against [`crate::limits::MAX_EVAL_STEPS`], missing values and arithmetic failures give the
//! same errors. A node without a compiled form (list literals, counts of lists, date functions,
//! comparisons of computed non-numeric values) is run by the tree-walking evaluator itself, so
//! the two never disagree on what they do not share; a test evaluates every bundled rulebook
//! both ways and compares the results.

use rust_decimal::Decimal;
use welfare_types::money::compare_decimals;

use crate::builtins::Builtin;
use crate::error::EvalError;
use crate::eval::{compare_values, extreme, interpolate, ParamAt, Run};
use crate::program::{Agg, Arith, Code, DateDiff, Def, ParamData};
use crate::value::Value;

type Res<T> = Result<T, Box<EvalError>>;
type ValFn = Box<dyn Fn(&mut Run<'_, '_>, &[Value]) -> Res<Value> + Send + Sync>;

/// Every definition of a program, compiled; indexed as `Program::defs`.
pub(crate) struct Compiled {
    defs: Vec<ValFn>,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Compiled({} definitions)", self.defs.len())
    }
}

impl Compiled {
    /// Compiles every definition.
    pub(crate) fn new(defs: &[Def]) -> Compiled {
        Compiled { defs: defs.iter().map(|d| root(&d.code)).collect() }
    }

    /// Evaluates definition `i` (its step counted); `None` if there is no such definition.
    #[inline]
    pub(crate) fn eval(&self, i: u32, run: &mut Run<'_, '_>, vals: &[Value]) -> Option<Res<Value>> {
        self.defs.get(i as usize).map(|f| f(run, vals))
    }
}

/// An operand of type `T`: a constant, a slot read in place (one dispatch, no call), or a
/// node's closure.
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

/// A boolean operand.
type Bool = Operand<bool>;

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
        run.tick()?;
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
    match run.snap.params.get(i as usize).map(ParamAt::data) {
        Some(ParamData::Value(v)) => Some(v),
        _ => None,
    }
}

fn num_node(f: impl Fn(&mut Run<'_, '_>, &[Value]) -> Res<Decimal> + Send + Sync + 'static) -> Num {
    Operand::Node(Box::new(f))
}

fn bool_node(f: impl Fn(&mut Run<'_, '_>, &[Value]) -> Res<bool> + Send + Sync + 'static) -> Bool {
    Operand::Node(Box::new(f))
}

/// A definition's formula: typed closures when its top node is typed, the tree-walking
/// evaluator otherwise (a leaf, a conditional, a list, …). Counts the top node's step.
fn root(code: &Code) -> ValFn {
    match code {
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
                if c.get(run, vals)? {
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
        Code::Builtin(b) => {
            if let Builtin::MemberList { body, filter } = &**b {
                let (body, filter) = (root(body), filter.as_ref().map(boolean));
                return Box::new(move |run, vals| {
                    run.tick()?;
                    let (facts, outer) = (run.facts, run.member);
                    let mut out = Vec::with_capacity(facts.member_count());
                    for m in facts.member_rows() {
                        run.member = Some(m);
                        let keep = match &filter {
                            Some(f) => f.get(run, vals)?,
                            None => true,
                        };
                        if keep {
                            out.push(body(run, vals)?);
                        }
                    }
                    run.member = outer;
                    Ok(Value::List(out.into()))
                });
            }
        }
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
        Code::Arith(op, a, b) => arith(*op, num(a), num(b)),
        Code::Round(x, rounding) => {
            let rounding = *rounding;
            unary(x, move |_, x| Ok(rounding.apply(x)))
        }
        Code::If(c, a, b) => choose(boolean(c), num(a), num(b)),
        Code::Members { agg: Agg::Count, filter, .. } => {
            let filter = filter.as_deref().map(boolean);
            num_node(move |run, vals| {
                let facts = run.facts;
                let mut count = 0u64;
                for m in facts.member_rows() {
                    run.member = Some(m);
                    let keep = match &filter {
                        Some(f) => f.get(run, vals)?,
                        None => true,
                    };
                    count += u64::from(keep);
                }
                run.member = None;
                Ok(Decimal::from(count))
            })
        }
        Code::Members { agg: Agg::Sum, body: Some(body), filter } => {
            let (body, filter) = (num(body), filter.as_deref().map(boolean));
            num_node(move |run, vals| {
                let mut sum = Decimal::ZERO;
                each_member(run, vals, filter.as_ref(), &body, |run, v| {
                    sum = sum.checked_add(v).ok_or_else(|| run.overflow())?;
                    Ok(())
                })?;
                Ok(sum)
            })
        }
        Code::Min(items) | Code::Max(items) => {
            let (is_min, items): (bool, Vec<Num>) =
                (matches!(code, Code::Min(_)), items.iter().map(num).collect());
            num_node(move |run, vals| extreme(is_min, items.iter().map(|item| item.get(run, vals))))
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
        Code::ValueOr(a, b) => {
            let v = value_or(a, b);
            num_node(move |run, vals| match v(run, vals)? {
                Value::Num(d) => Ok(d),
                _ => Err(run.missing()),
            })
        }
        Code::ListAgg { agg: Agg::Sum, list } => {
            let list = root(list);
            num_node(move |run, vals| {
                let Value::List(items) = list(run, vals)? else {
                    return Err(run.missing());
                };
                let mut sum = Decimal::ZERO;
                for v in items.iter() {
                    let d = v.as_decimal().ok_or_else(|| run.missing())?;
                    sum = sum.checked_add(d).ok_or_else(|| run.overflow())?;
                }
                Ok(sum)
            })
        }
        Code::DateDiff(kind, a, b) => date_diff(*kind, a, b.as_deref()),
        // List sums and the rest: the evaluator's own typed path.
        other => fallback_num(other),
    }
}

/// Runs `body` for each member that passes `filter` (`somma`, `almeno_uno`, `tutti` over
/// `membri`), handing its value to `f`; the member context is cleared afterwards, as the
/// evaluator does.
#[inline(always)]
fn each_member<T: Typed>(
    run: &mut Run<'_, '_>,
    vals: &[Value],
    filter: Option<&Bool>,
    body: &Operand<T>,
    mut f: impl FnMut(&Run<'_, '_>, T) -> Res<()>,
) -> Res<()> {
    let facts = run.facts;
    for m in facts.member_rows() {
        run.member = Some(m);
        if let Some(keep) = filter {
            if !keep.get(run, vals)? {
                continue;
            }
        }
        let v = body.get(run, vals)?;
        f(run, v)?;
    }
    run.member = None;
    Ok(())
}

/// `se c allora a altrimenti b` of numbers or booleans.
fn choose<T: Typed + Send + Sync + 'static>(c: Bool, a: Operand<T>, b: Operand<T>) -> Operand<T> {
    Operand::Node(Box::new(
        move |run, vals| {
            if c.get(run, vals)? {
                a.get(run, vals)
            } else {
                b.get(run, vals)
            }
        },
    ))
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
        _ => {
            let (a, b) = (a.clone(), b.cloned());
            num_node(move |run, vals| run.date_diff(kind, &a, b.as_ref(), vals))
        }
    }
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
        Code::Const(Value::Bool(b)) => Operand::Const(*b),
        Code::Def(_) | Code::Input(_) | Code::Member(_) | Code::Param(_) => {
            Operand::slot(code).unwrap_or_else(|| fallback_bool(code))
        }
        Code::Not(c) => {
            let c = boolean(c);
            bool_node(move |run, vals| Ok(!c.get(run, vals)?))
        }
        Code::And(a, b) => {
            let (a, b) = (boolean(a), boolean(b));
            bool_node(move |run, vals| Ok(a.get(run, vals)? && b.get(run, vals)?))
        }
        Code::Or(a, b) => {
            let (a, b) = (boolean(a), boolean(b));
            bool_node(move |run, vals| Ok(a.get(run, vals)? || b.get(run, vals)?))
        }
        Code::If(c, a, b) => choose(boolean(c), boolean(a), boolean(b)),
        Code::CmpNum(op, a, b) => match (num(a), num(b)) {
            // Against a constant (`eta < 18`, `isee <= 40000`): the commonest comparison.
            (a, Operand::Const(y)) => {
                let op = *op;
                bool_node(move |run, vals| {
                    let x = a.get_or_missing(run, vals)?;
                    run.tick()?;
                    match x {
                        Some(x) => Ok(op.holds(compare_decimals(&x, &y))),
                        None => Err(run.missing()),
                    }
                })
            }
            (a, b) => compare_numbers(*op, a, b),
        },
        Code::Members { agg: agg @ (Agg::Any | Agg::All), body: Some(body), filter } => {
            let (any_wanted, body, filter) =
                (*agg == Agg::Any, boolean(body), filter.as_deref().map(boolean));
            bool_node(move |run, vals| {
                let (mut any, mut all) = (false, true);
                each_member(run, vals, filter.as_ref(), &body, |_, v| {
                    any |= v;
                    all &= v;
                    Ok(())
                })?;
                Ok(if any_wanted { any } else { all })
            })
        }
        Code::Cmp(op, a, b) => match (scalar(a), scalar(b)) {
            // Two constants or slots: compared in place, each counted as the evaluator does.
            (Some(a), Some(b)) => {
                let op = *op;
                bool_node(move |run, vals| {
                    run.tick()?;
                    run.tick()?;
                    compare_values(op, read(run, vals, &a), read(run, vals, &b))
                        .ok_or_else(|| run.missing())
                })
            }
            _ => fallback_bool(code),
        },
        Code::IsMissing(c, present) => match plain_leaf(c) {
            Some(kind) => {
                let present = *present;
                bool_node(move |run, vals| {
                    run.tick()?;
                    let missing = matches!(leaf(run, vals, kind), Value::Missing);
                    Ok(missing != present)
                })
            }
            None => fallback_bool(code),
        },
        other => fallback_bool(other),
    }
}

/// `a op b` for two numeric operands; a missing one fails after both are read.
fn compare_numbers(op: crate::program::Cmp, a: Num, b: Num) -> Bool {
    bool_node(move |run, vals| {
        let (x, y) = (a.get_or_missing(run, vals)?, b.get_or_missing(run, vals)?);
        match (x, y) {
            (Some(x), Some(y)) => Ok(op.holds(compare_decimals(&x, &y))),
            _ => Err(run.missing()),
        }
    })
}

/// A boolean node run by the tree-walking evaluator.
fn fallback_bool(code: &Code) -> Bool {
    let code = code.clone();
    bool_node(move |run, vals| run.bool_node(&code, vals))
}

#[cfg(test)]
mod tests {
    use crate::corpus::{programs, variants};

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
}
