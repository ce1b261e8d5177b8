//! Decision plans compiled ahead of time to Rust, for the rulebooks a crate ships.
//!
//! The evaluator runs a [`DecisionPlan`] through closures built when the program is loaded
//! (`compile`): fast, but every node is still a call through a pointer, a [`Value`] matched
//! and a step counted. A crate that bundles rulebooks (welfare-benefits bundles the national
//! measures) can instead turn a plan into Rust source once, with [`generate`], check that
//! source in, and attach the compiled function to the plan when it loads the same rulebooks
//! ([`DecisionPlan::attach_native`]). [`crate::Snapshot::decide_view`] then runs that function
//! in place of the closures' loop.
//!
//! ```
//! use welfare_rules::Program;
//!
//! let program = Program::from_yaml(r#"
//! rulebook: esempio/bonus
//! title: { it: "Bonus", en: "Bonus" }
//! authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
//! valid: { from: 2024-01-01 }
//! inputs:
//!   household:
//!     isee: { type: money }
//! parameters:
//!   soglia:
//!     type: money
//!     versions: [ { from: 2024-01-01, value: "15000.00", source: "delibera di esempio" } ]
//! definitions:
//!   importo_annuo: { type: money, formula: "200.00" }
//! conditions:
//!   sotto_soglia: { formula: isee <= soglia }
//! "#, "bonus.yaml")?;
//! let plan = program.decision_plan(program.plan(["importo_annuo"])?);
//! let source = welfare_rules::native::generate(&program, &plan, "bonus").expect("a shortcut");
//! assert!(source.contains("pub(crate) fn bonus("));
//! // Only the function generated from this very plan may be attached to it.
//! let mut plan = plan;
//! assert!(plan.attach_native(&program, 0, |_, _| None).is_err());
//! assert!(!plan.is_native());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Why the answer is the same
//!
//! The generated function does, for each definition of the shortcut's order, what the
//! evaluator does for its node tree: the same decimal operations ([`rt`] holds them, shared
//! with the evaluator where it has them), the same order of evaluation, every operand the
//! evaluator evaluates. It stops at the first condition that is not true and says where
//! ([`Reached::RefusedAt`]); what a refusal still evaluates, and the check of the facts
//! against the analysis, stay with [`crate::decide`].
//!
//! It never has to reproduce an error: at the first thing the evaluator would refuse (a
//! missing value, a division by zero, an overflow, a row outside a table) it returns `None`,
//! and the decision is taken again by the evaluator from the start, whose answer (the error
//! included) is returned. A definition whose formula uses something the generator does not
//! translate (lists, built-in functions, aggregations nested in a member's context) is left to
//! the evaluator's closures, called from the generated code ([`Cx::def`]). Steps are not
//! counted: a plan has a shortcut only when its steps are bounded below the limit.
//!
//! # Why it cannot run against other rules
//!
//! The source carries a fingerprint ([`DecisionPlan::native_fingerprint`]): the rulebooks'
//! content hashes, the checked node tree of every definition in the plan, the shortcut's order
//! and the generator's version. [`DecisionPlan::attach_native`] refuses a function whose
//! fingerprint is not the plan's, so a rulebook edited, a new checker or a new generator means
//! the evaluator again, never stale code; the crate's drift test then asks for the source to
//! be generated again. The node trees are hashed in their `Debug` form, so a toolchain or a
//! dependency that prints a decimal, a date or a text differently changes every fingerprint
//! too: the same fallback to the evaluator, and the same test asking for the file again.
//!
//! The operations in [`rt`] are the evaluator's own functions wherever it has one to share;
//! the one written here, a comparison with a text constant (sharing would build a value per
//! comparison), is held to the evaluator's by a property test. A change to what any of them
//! computes must change `GENERATOR_VERSION`, so that code generated before it is no longer
//! attached.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::compile::Compiled;
use crate::decide::DecisionPlan;
use crate::eval::{ParamAt, Run};
use crate::program::{Agg, Arith, Cmp, Code, DateDiff, ParamData, Program};
use crate::value::Value;

/// Where a generated decision stopped.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Reached {
    /// Every condition holds; every definition of the plan is in its slot.
    Eligible,
    /// The condition at this position of the shortcut's order is not true.
    RefusedAt(usize),
}

/// A generated decision: `None` asks the evaluator to decide instead (see the
/// [module](self)).
pub type DecideFn = fn(&mut Cx<'_, '_, '_>, &mut [Value]) -> Option<Reached>;

/// A fingerprint given to [`DecisionPlan::attach_native`] that is not the plan's (the source was
/// generated from other rules, or by another version), or a plan without a shortcut.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the generated decision was made from other rules (fingerprint {given:#018x}, the plan's {expected:?}); generate it again")]
pub struct NativeMismatch {
    /// The fingerprint given.
    pub given: u64,
    /// The plan's, `None` when the plan has no shortcut.
    pub expected: Option<u64>,
}

/// The version of the generated code's contract: part of every fingerprint.
const GENERATOR_VERSION: u64 = 1;

impl DecisionPlan {
    /// The fingerprint a generated function must carry to be attached to this plan; `None`
    /// when the plan has no shortcut (nothing to generate).
    pub fn native_fingerprint(&self, program: &Program) -> Option<u64> {
        let cut = self.shortcut.as_deref()?;
        if !self.plan().is_for(program) {
            return None;
        }
        let mut text = format!("{GENERATOR_VERSION};{};{:?};", program.fingerprint, cut.order);
        for &(i, _) in cut.order.iter() {
            let code = &program.defs.get(i as usize)?.code;
            let _ = write!(text, "{i}:{code:?};");
        }
        Some(fnv1a(text.as_bytes()))
    }

    /// Decides this plan with `decide` from now on, when `fingerprint` (the constant
    /// [`generate`] wrote beside it) is this plan's; the mismatch otherwise, the plan unchanged.
    pub fn attach_native(
        &mut self,
        program: &Program,
        fingerprint: u64,
        decide: DecideFn,
    ) -> Result<(), NativeMismatch> {
        let expected = self.native_fingerprint(program);
        if expected != Some(fingerprint) {
            return Err(NativeMismatch { given: fingerprint, expected });
        }
        self.native = Some(decide);
        Ok(())
    }

    /// Whether a generated function decides this plan.
    pub fn is_native(&self) -> bool {
        self.native.is_some()
    }
}

impl crate::Snapshot<'_> {
    /// Runs only the generated function attached to `plan`, on `values` sized to the program:
    /// `None` when the plan has none, or when the function hands the decision back to the
    /// evaluator. For tests and diagnostics (how often does the generated code decide by
    /// itself?): [`crate::Snapshot::decide_view`] is the way to decide.
    pub fn decide_generated(
        &self,
        plan: &DecisionPlan,
        facts: crate::FactsView<'_>,
        values: &mut Vec<Value>,
    ) -> Option<Reached> {
        let decide = plan.native?;
        if !plan.plan().is_for(self.program) {
            return None;
        }
        values.clear();
        values.resize(self.program.defs.len(), Value::Missing);
        let mut run = Run::new(self, facts);
        let mut cx = Cx { run: &mut run, compiled: &self.program.compiled };
        decide(&mut cx, values)
    }
}

/// FNV-1a, 64 bits: a fixed function, the same on every machine and toolchain.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// What generated code reads: the household's facts, the parameters in force, the evaluator
/// for the definitions it leaves to it.
pub struct Cx<'r, 's, 'p> {
    pub(crate) run: &'r mut Run<'s, 'p>,
    pub(crate) compiled: &'r Compiled,
}

impl std::fmt::Debug for Cx<'_, '_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cx")
    }
}

impl<'s> Cx<'_, 's, '_> {
    /// Household input `i` (missing past the inputs).
    #[inline(always)]
    pub fn input(&self, i: u32) -> &'s Value {
        self.run.input(i).unwrap_or(&rt::MISSING)
    }

    /// The members' rows, in order.
    #[inline(always)]
    pub fn rows(&self) -> impl Iterator<Item = &'s [Value]> + 's {
        self.run.facts.member_rows()
    }

    /// Member input `i` of `row` (missing past the inputs).
    #[inline(always)]
    pub fn member(&self, row: &'s [Value], i: u32) -> &'s Value {
        self.run.facts.member_input(row, i).unwrap_or(&rt::MISSING)
    }

    /// Value parameter `i` in force; `None` for a table or a scale.
    #[inline(always)]
    pub fn param(&self, i: u32) -> Option<&'s Value> {
        match self.run.snap.params.get(i as usize).map(ParamAt::data) {
            Some(ParamData::Value(v)) => Some(v),
            _ => None,
        }
    }

    /// The evaluation date (`oggi`).
    #[inline(always)]
    pub fn today(&self) -> NaiveDate {
        self.run.snap.date
    }

    /// `cerca(table, x, column)`.
    #[inline]
    pub fn lookup(&self, table: u32, column: u32, x: Decimal) -> Option<Decimal> {
        self.run.lookup(table, column, x).ok()
    }

    /// `fascia(table, x)`.
    #[inline]
    pub fn band(&self, table: u32, x: Decimal) -> Option<Decimal> {
        self.run.band_number(table, x).ok()
    }

    /// `riga(table, n, column)`.
    #[inline]
    pub fn row(&self, table: u32, column: u32, n: Decimal) -> Option<Decimal> {
        self.run.row(table, column, n).ok()
    }

    /// `interpola(x, scale)` for scale parameter `p`.
    #[inline]
    pub fn interpolate(&self, p: u32, x: Decimal) -> Option<Decimal> {
        self.run.interpolate_param(p, x).ok()
    }

    /// The number of members.
    #[inline(always)]
    pub fn member_count(&self) -> usize {
        self.run.facts.member_count()
    }

    /// `righe(table)`: the number of rows of table parameter `t`.
    #[inline]
    pub fn table_rows(&self, t: u32) -> Option<Decimal> {
        crate::compile::table_rows(self.run, t).ok()
    }

    /// Definition `i` by the evaluator, into its slot; `None` on an error.
    #[inline]
    pub fn def(&mut self, i: u32, values: &mut [Value]) -> Option<()> {
        self.run.def_into(self.compiled, i, values).then_some(())
    }
}

/// The operations generated code calls: each the evaluator's, `None` where it fails.
pub mod rt {
    use std::cmp::Ordering;

    pub use chrono::NaiveDate;
    pub use rust_decimal::Decimal;
    use welfare_types::money::compare_decimals;

    use crate::program::DateDiff;
    pub use welfare_types::money::{Rounding, RoundingMode, RoundingStep};

    use crate::value::Value;

    /// A date constant of generated code (`from_ymd_opt` in a constant; the generator writes
    /// only dates that exist, so the fallback is never taken).
    pub const fn date_const(year: i32, month: u32, day: u32) -> NaiveDate {
        match NaiveDate::from_ymd_opt(year, month, day) {
            Some(d) => d,
            None => NaiveDate::MIN,
        }
    }

    /// The missing value, for reads past the facts.
    pub static MISSING: Value = Value::Missing;

    /// Slot `i` of the values (missing past them).
    #[inline(always)]
    pub fn slot(values: &[Value], i: u32) -> &Value {
        values.get(i as usize).unwrap_or(&MISSING)
    }

    /// Stores a number into slot `i`.
    #[inline(always)]
    pub fn set_num(values: &mut [Value], i: u32, d: Decimal) {
        match values.get_mut(i as usize) {
            Some(Value::Num(old)) => *old = d,
            Some(old) => *old = Value::Num(d),
            None => {}
        }
    }

    /// Stores a boolean into slot `i`.
    #[inline(always)]
    pub fn set_bool(values: &mut [Value], i: u32, b: bool) {
        match values.get_mut(i as usize) {
            Some(Value::Bool(old)) => *old = b,
            Some(old) => *old = Value::Bool(b),
            None => {}
        }
    }

    /// Stores a value into slot `i`.
    #[inline(always)]
    pub fn set(values: &mut [Value], i: u32, v: Value) {
        if let Some(old) = values.get_mut(i as usize) {
            *old = v;
        }
    }

    /// Whether slot `i` holds `true` (a condition that holds).
    #[inline(always)]
    pub fn holds(values: &[Value], i: u32) -> bool {
        matches!(values.get(i as usize), Some(Value::Bool(true)))
    }

    /// The number a value holds; `None` for anything else (missing included).
    #[inline(always)]
    pub fn num(v: &Value) -> Option<Decimal> {
        match v {
            Value::Num(d) => Some(*d),
            _ => None,
        }
    }

    /// The boolean a value holds.
    #[inline(always)]
    pub fn boolean(v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The date a value holds.
    #[inline(always)]
    pub fn date(v: &Value) -> Option<NaiveDate> {
        match v {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// `a + b`.
    #[inline(always)]
    pub fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
        a.checked_add(b)
    }

    /// `a - b`.
    #[inline(always)]
    pub fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
        a.checked_sub(b)
    }

    /// `a * b`.
    #[inline(always)]
    pub fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
        a.checked_mul(b)
    }

    /// `a / b`, refusing a zero divisor.
    #[inline(always)]
    pub fn div(a: Decimal, b: Decimal) -> Option<Decimal> {
        crate::eval::checked_divide(a, b)
    }

    /// The order of two numbers by value.
    #[inline(always)]
    pub fn cmp(a: &Decimal, b: &Decimal) -> Ordering {
        compare_decimals(a, b)
    }

    /// `minimo`'s step: the smaller, `a` when equal in value.
    #[inline(always)]
    pub fn min(a: Decimal, b: Decimal) -> Decimal {
        crate::eval::dec_min(a, b)
    }

    /// `massimo`'s step: the larger, `b` when equal in value.
    #[inline(always)]
    pub fn max(a: Decimal, b: Decimal) -> Decimal {
        crate::eval::dec_max(a, b)
    }

    /// `limita(x, lo, hi)`, refusing `lo > hi`.
    #[inline]
    pub fn clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Option<Decimal> {
        crate::eval::clamp_values(x, lo, hi)
    }

    /// `interpola(x, [(x, y), …])` over constant points.
    #[inline]
    pub fn interpolate(points: &[(Decimal, Decimal)], x: Decimal) -> Option<Decimal> {
        crate::eval::interpolate(points, x)
    }

    /// `arrotonda(x, step, mode)`.
    #[inline(always)]
    pub fn round(x: Decimal, rounding: Rounding) -> Decimal {
        rounding.apply(x)
    }

    /// `eta(from, to)`: whole years of age.
    #[inline]
    pub fn age(from: NaiveDate, to: NaiveDate) -> Option<Decimal> {
        span(DateDiff::Age, from, to)
    }

    /// `mesi_tra(from, to)`: whole months.
    #[inline]
    pub fn months(from: NaiveDate, to: NaiveDate) -> Option<Decimal> {
        span(DateDiff::Months, from, to)
    }

    /// `anni_tra(from, to)`: whole years.
    #[inline]
    pub fn years(from: NaiveDate, to: NaiveDate) -> Option<Decimal> {
        span(DateDiff::Years, from, to)
    }

    #[inline(always)]
    fn span(kind: DateDiff, from: NaiveDate, to: NaiveDate) -> Option<Decimal> {
        crate::eval::span_count(kind, from, to).ok().map(Decimal::from)
    }

    /// A comparison operator.
    pub use crate::program::Cmp as Op;

    /// `x op y` of any two values, as the evaluator compares them; `None` when one is missing.
    #[inline]
    pub fn compare(op: Op, x: &Value, y: &Value) -> Option<bool> {
        crate::eval::compare_values(op, x, y)
    }

    /// `x op "text"`: [`compare`] with a text constant, without building its value.
    #[inline(always)]
    pub fn compare_text(op: Op, x: &Value, text: &str) -> Option<bool> {
        let eq = match x {
            Value::Missing => return None,
            Value::Text(t) => &**t == text,
            _ => false,
        };
        Some(if op == Op::Eq { eq } else { !eq })
    }

    /// An item of `x in [...]` against `x`: numbers by value, anything else by equality.
    #[inline(always)]
    pub fn same(x: &Value, item: &Value) -> bool {
        crate::eval::same_item(x, item)
    }

    /// A list being built, one item per kept member (`elenco`, `posizioni`): the evaluator's
    /// own buffer, so that a list stored over an earlier household's of the same length
    /// reuses its memory, as the evaluator does.
    pub struct ListOut(crate::compile::ListBuf);

    impl std::fmt::Debug for ListOut {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("ListOut")
        }
    }

    impl Default for ListOut {
        fn default() -> ListOut {
            ListOut(crate::compile::ListBuf::new())
        }
    }

    impl ListOut {
        /// Adds an item; `most` is how many there can be (the members).
        #[inline(always)]
        pub fn push(&mut self, v: Value, most: usize) {
            self.0.push(v, most);
        }

        /// Stores the list into slot `i`.
        #[inline(always)]
        pub fn store(self, values: &mut [Value], i: u32) {
            if let Some(slot) = values.get_mut(i as usize) {
                self.0.store(slot);
            }
        }

        /// The list as a value.
        #[inline]
        pub fn finish(self) -> Value {
            Value::List(self.0.finish())
        }
    }

    /// The items of a list value; `None` for anything else (missing included).
    #[inline(always)]
    fn items(v: &Value) -> Option<&[Value]> {
        match v {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// `conta(list)`.
    #[inline]
    pub fn list_count(v: &Value) -> Option<Decimal> {
        items(v).map(|items| Decimal::from(items.len() as u64))
    }

    /// `somma(list)`: every item a number.
    #[inline]
    pub fn list_sum(v: &Value) -> Option<Decimal> {
        crate::eval::sum_items(items(v)?).ok()
    }

    /// `almeno_uno(list)`.
    #[inline]
    pub fn list_any(v: &Value) -> Option<bool> {
        items(v).map(crate::eval::any_true)
    }

    /// `tutti(list)`.
    #[inline]
    pub fn list_all(v: &Value) -> Option<bool> {
        items(v).map(crate::eval::all_true)
    }

    /// [`same`] with a text constant.
    #[inline(always)]
    pub fn same_text(x: &Value, text: &str) -> bool {
        matches!(x, Value::Text(t) if &**t == text)
    }
}

/// The Rust source of `plan`'s decision (see the [module](self)): a function `name` of type
/// [`DecideFn`] and a constant `NAME_FINGERPRINT` to give [`DecisionPlan::attach_native`], with
/// the constants they use; `None` when the plan has no shortcut. The source expects `Cx`,
/// `Reached`, `Value`, `rt`, `Decimal`, `Rounding`, `RoundingMode` and `RoundingStep` in scope,
/// as [`generate_module`] imports them (from this crate, named `welfare_rules`).
pub fn generate(program: &Program, plan: &DecisionPlan, name: &str) -> Option<String> {
    let fingerprint = plan.native_fingerprint(program)?;
    let cut = plan.shortcut.as_deref()?;
    let mut g = Gen { prefix: name.to_uppercase(), consts: String::new(), n: 0 };
    let mut body = String::new();
    for (pos, &(i, condition)) in cut.order.iter().enumerate() {
        let def = program.defs.get(i as usize)?;
        let _ = writeln!(body, "    // {}", def.name);
        // The constants of a definition left to the evaluator are not written (unused).
        let written = g.consts.len();
        let root = g.root(&def.code);
        if root.is_err() {
            g.consts.truncate(written);
        }
        // A boolean computed in place is tested as such; any other condition from its slot.
        let (store, in_place) = match root {
            Ok((Kind::Num, expr)) => (format!("rt::set_num(v, {i}, {expr});"), false),
            Ok((Kind::Bool, expr)) => {
                (format!("let b = {expr};\n    rt::set_bool(v, {i}, b);"), true)
            }
            Ok((Kind::Value, expr)) => (format!("rt::set(v, {i}, {expr});"), false),
            Ok((Kind::List, expr)) => (format!("{expr}.store(v, {i});"), false),
            Err(Unsupported) => (format!("cx.def({i}, v)?;"), false),
        };
        let _ = writeln!(body, "    {store}");
        if condition {
            let test = if in_place { "!b".to_owned() } else { format!("!rt::holds(v, {i})") };
            let _ = writeln!(
                body,
                "    if {test} {{\n        return Some(Reached::RefusedAt({pos}));\n    }}"
            );
        }
    }
    let upper = name.to_uppercase();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// The fingerprint of the plan [`{name}`] was generated from.\npub(crate) const {upper}_FINGERPRINT: u64 = {fingerprint:#018x};\n"
    );
    out.push_str(&g.consts);
    let _ = writeln!(
        out,
        "/// The decision of `{}` ({} definitions, conditions first), generated.\n\
         #[allow(unused_variables, unused_parens, clippy::all)]\n\
         pub(crate) fn {name}(cx: &mut Cx<'_, '_, '_>, v: &mut [Value]) -> Option<Reached> {{\n{body}    Some(Reached::Eligible)\n}}",
        program.id,
        cut.order.len()
    );
    Some(out)
}

/// The Rust source of a whole module of generated decisions, one per plan with a shortcut:
/// the functions, their fingerprints and constants, and `DECISIONS`, a table of
/// `(rulebook id, fingerprint, function)` to attach them by. Each function is named after its
/// rulebook's id (`it/bonus-nido` → `it_bonus_nido`, with a number added when two ids give one
/// name). `about` is written in the module's docs: where it comes from, how to write it again.
pub fn generate_module<'a>(
    plans: impl IntoIterator<Item = (&'a Program, &'a DecisionPlan)>,
    about: &str,
) -> String {
    let mut items = String::new();
    let mut table = String::new();
    let mut names: Vec<String> = Vec::new();
    for (program, plan) in plans {
        let base: String = program
            .id()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
            .collect();
        let mut name = base.clone();
        let mut n = 1;
        while names.contains(&name) {
            n += 1;
            name = format!("{base}_{n}");
        }
        let Some(code) = generate(program, plan, &name) else { continue };
        items.push_str(&code);
        items.push('\n');
        let _ = writeln!(
            table,
            "    ({:?}, {}_FINGERPRINT, {name}),",
            program.id(),
            name.to_uppercase()
        );
        names.push(name);
    }
    let about: String = about.lines().map(|l| format!("//! {l}\n")).collect();
    format!(
        "//! @generated by `welfare_rules::native::generate_module`: do not edit.\n{about}\
         #![allow(unused_imports)]\n\n\
         use welfare_rules::native::rt::{{self, Decimal, Rounding, RoundingMode, RoundingStep}};\n\
         use welfare_rules::native::{{Cx, DecideFn, Reached}};\n\
         use welfare_rules::Value;\n\n\
         /// Each rulebook's generated decision: id, fingerprint, function.\n\
         pub(crate) const DECISIONS: &[(&str, u64, DecideFn)] = &[\n{table}];\n\n{items}"
    )
}

/// What a root node computes.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Kind {
    Num,
    Bool,
    Value,
    /// A member list ([`rt::ListOut`]), stored in place.
    List,
}

/// A node the generator leaves to the evaluator.
#[derive(Debug)]
struct Unsupported;

type Out = Result<String, Unsupported>;

/// The generator's state: the constants written so far.
struct Gen {
    prefix: String,
    consts: String,
    n: usize,
}

/// Whether code runs in a member's context (`m` is the row), and the names of loop variables.
#[derive(Copy, Clone)]
struct Ctx {
    member: bool,
    depth: usize,
}

impl Gen {
    fn root(&mut self, code: &Code) -> Result<(Kind, String), Unsupported> {
        let cx = Ctx { member: false, depth: 0 };
        if code.is_numeric() {
            Ok((Kind::Num, self.num(code, cx)?))
        } else if code.is_boolean() {
            Ok((Kind::Bool, self.boolean(code, cx)?))
        } else if let Some(list) = self.member_list(code, cx) {
            Ok((Kind::List, list?))
        } else {
            Ok((Kind::Value, self.value(code, cx)?))
        }
    }

    fn decimal(&mut self, d: &Decimal) -> Out {
        let m = d.mantissa().unsigned_abs();
        if m == 0 && d.is_sign_negative() {
            return Err(Unsupported);
        }
        let name = format!("{}_K{}", self.prefix, self.n);
        self.n += 1;
        let _ = writeln!(
            self.consts,
            "const {name}: Decimal = Decimal::from_parts({}, {}, {}, {}, {}); // {d}",
            m as u32,
            (m >> 32) as u32,
            (m >> 64) as u32,
            d.is_sign_negative(),
            d.scale()
        );
        Ok(name)
    }

    /// A date constant, written once as a `const`.
    fn date_const(&mut self, d: &NaiveDate) -> String {
        use chrono::Datelike as _;
        let name = format!("{}_D{}", self.prefix, self.n);
        self.n += 1;
        let _ = writeln!(
            self.consts,
            "const {name}: rt::NaiveDate = rt::date_const({}, {}, {});",
            d.year(),
            d.month(),
            d.day()
        );
        name
    }

    /// A leaf read as a borrowed value (`&Value`), `None` for any other node.
    fn leaf(&mut self, code: &Code, cx: Ctx) -> Option<Out> {
        Some(Ok(match code {
            Code::Input(i) => format!("cx.input({i})"),
            Code::Member(i) if cx.member => format!("cx.member(m{}, {i})", cx.depth),
            Code::Member(_) => "&rt::MISSING".to_owned(),
            Code::Def(i) => format!("rt::slot(v, {i})"),
            Code::Param(i) => format!("cx.param({i})?"),
            Code::Const(Value::Missing) => "&rt::MISSING".to_owned(),
            Code::Const(_) => return Some(Err(Unsupported)),
            _ => return None,
        }))
    }

    /// An operand only read (`&Value`): a leaf borrowed, anything else computed.
    fn operand(&mut self, code: &Code, cx: Ctx) -> Out {
        if let Code::Const(c) = code {
            return match c {
                Value::Num(d) => Ok(format!("&Value::Num({})", self.decimal(d)?)),
                Value::Bool(b) => Ok(format!("&Value::Bool({b})")),
                Value::Date(d) => Ok(format!("&Value::Date({})", self.date_const(d))),
                Value::Missing => Ok("&rt::MISSING".to_owned()),
                _ => Err(Unsupported),
            };
        }
        match self.leaf(code, cx) {
            Some(r) => r,
            None => Ok(format!("&({})", self.value(code, cx)?)),
        }
    }

    fn num(&mut self, code: &Code, cx: Ctx) -> Out {
        Ok(match code {
            Code::Const(Value::Num(d)) => self.decimal(d)?,
            Code::Const(_) => return Err(Unsupported),
            Code::Input(_) | Code::Member(_) | Code::Def(_) | Code::Param(_) => {
                let leaf = self.leaf(code, cx).ok_or(Unsupported)??;
                format!("rt::num({leaf})?")
            }
            Code::Neg(a) => format!("(-{})", self.num(a, cx)?),
            Code::Arith(op, a, b) => {
                let f = match op {
                    Arith::Add => "add",
                    Arith::Sub => "sub",
                    Arith::Mul => "mul",
                    Arith::Div => "div",
                };
                format!("rt::{f}({}, {})?", self.num(a, cx)?, self.num(b, cx)?)
            }
            Code::Min(items) | Code::Max(items) => {
                let f = if matches!(code, Code::Min(_)) { "min" } else { "max" };
                let mut items = items.iter();
                let Some(first) = items.next() else { return Ok("Decimal::ZERO".to_owned()) };
                let mut expr = self.num(first, cx)?;
                for item in items {
                    expr = format!("rt::{f}({expr}, {})", self.num(item, cx)?);
                }
                expr
            }
            Code::Clamp(x, lo, hi) => format!(
                "rt::clamp({}, {}, {})?",
                self.num(x, cx)?,
                self.num(lo, cx)?,
                self.num(hi, cx)?
            ),
            Code::Round(x, r) => format!(
                "rt::round({}, Rounding {{ step: RoundingStep::{:?}, mode: RoundingMode::{:?} }})",
                self.num(x, cx)?,
                r.step,
                r.mode
            ),
            Code::InterpolateConst(x, points) => {
                let mut list = String::new();
                for (a, b) in points.iter() {
                    let _ = write!(list, "({}, {}), ", self.decimal(a)?, self.decimal(b)?);
                }
                let name = format!("{}_P{}", self.prefix, self.n);
                self.n += 1;
                let _ = writeln!(
                    self.consts,
                    "const {name}: [(Decimal, Decimal); {}] = [{list}];",
                    points.len()
                );
                format!("rt::interpolate(&{name}, {})?", self.num(x, cx)?)
            }
            Code::InterpolateParam(x, p) => format!("cx.interpolate({p}, {})?", self.num(x, cx)?),
            Code::Lookup { table, key, column } => {
                format!("cx.lookup({table}, {column}, {})?", self.num(key, cx)?)
            }
            Code::Band { table, key } => format!("cx.band({table}, {})?", self.num(key, cx)?),
            Code::Row { table, row, column } => {
                format!("cx.row({table}, {column}, {})?", self.num(row, cx)?)
            }
            Code::If(c, a, b) => format!(
                "(if {} {{ {} }} else {{ {} }})",
                self.boolean(c, cx)?,
                self.num(a, cx)?,
                self.num(b, cx)?
            ),
            Code::DateDiff(kind, a, b) => {
                let f = match kind {
                    DateDiff::Age => "age",
                    DateDiff::Months => "months",
                    DateDiff::Years => "years",
                };
                let from = self.date(a, cx)?;
                let to = match b {
                    Some(b) => self.date(b, cx)?,
                    None => "cx.today()".to_owned(),
                };
                format!("rt::{f}({from}, {to})?")
            }
            Code::Members { agg: agg @ (Agg::Count | Agg::Sum), body, filter } => {
                self.members(*agg, body.as_deref(), filter.as_deref(), cx)?
            }
            Code::ListAgg { agg: Agg::Count, list } => {
                format!("rt::list_count({})?", self.operand(list, cx)?)
            }
            Code::ListAgg { agg: Agg::Sum, list } => {
                format!("rt::list_sum({})?", self.operand(list, cx)?)
            }
            Code::Builtin(b) => match &**b {
                crate::builtins::Builtin::Rows(t) => format!("cx.table_rows({t})?"),
                _ => format!("rt::num(&{})?", self.value(code, cx)?),
            },
            _ => format!("rt::num(&{})?", self.value(code, cx)?),
        })
    }

    fn boolean(&mut self, code: &Code, cx: Ctx) -> Out {
        Ok(match code {
            Code::Const(Value::Bool(b)) => b.to_string(),
            Code::Const(_) => return Err(Unsupported),
            Code::Input(_) | Code::Member(_) | Code::Def(_) | Code::Param(_) => {
                let leaf = self.leaf(code, cx).ok_or(Unsupported)??;
                format!("rt::boolean({leaf})?")
            }
            Code::Not(a) => format!("(!{})", self.boolean(a, cx)?),
            Code::IsMissing(a, present) => {
                format!("(matches!({}, Value::Missing) != {present})", self.operand(a, cx)?)
            }
            Code::Cmp(op, a, b) => {
                if let Code::Const(Value::Text(t)) = &**b {
                    format!("rt::compare_text(rt::Op::{op:?}, {}, {t:?})?", self.operand(a, cx)?)
                } else {
                    format!(
                        "rt::compare(rt::Op::{op:?}, {}, {})?",
                        self.operand(a, cx)?,
                        self.operand(b, cx)?
                    )
                }
            }
            Code::CmpNum(op, a, b) => {
                let test = match op {
                    Cmp::Eq => "is_eq",
                    Cmp::Ne => "is_ne",
                    Cmp::Lt => "is_lt",
                    Cmp::Le => "is_le",
                    Cmp::Gt => "is_gt",
                    Cmp::Ge => "is_ge",
                };
                format!("rt::cmp(&{}, &{}).{test}()", self.num(a, cx)?, self.num(b, cx)?)
            }
            Code::And(a, b) => format!("({} && {})", self.boolean(a, cx)?, self.boolean(b, cx)?),
            Code::Or(a, b) => format!("({} || {})", self.boolean(a, cx)?, self.boolean(b, cx)?),
            Code::In(x, items) => {
                let depth = cx.depth;
                let mut tests = Vec::with_capacity(items.len());
                for item in items {
                    tests.push(match item {
                        Code::Const(Value::Text(t)) => format!("rt::same_text(x{depth}, {t:?})"),
                        other => format!("rt::same(x{depth}, {})", self.operand(other, cx)?),
                    });
                }
                let tests = if tests.is_empty() { "false".to_owned() } else { tests.join(" || ") };
                format!("{{ let x{depth} = {}; {tests} }}", self.operand(x, cx)?)
            }
            Code::If(c, a, b) => format!(
                "(if {} {{ {} }} else {{ {} }})",
                self.boolean(c, cx)?,
                self.boolean(a, cx)?,
                self.boolean(b, cx)?
            ),
            Code::Members { agg: agg @ (Agg::Any | Agg::All), body, filter } => {
                self.members(*agg, body.as_deref(), filter.as_deref(), cx)?
            }
            Code::ListAgg { agg: Agg::Any, list } => {
                format!("rt::list_any({})?", self.operand(list, cx)?)
            }
            Code::ListAgg { agg: Agg::All, list } => {
                format!("rt::list_all({})?", self.operand(list, cx)?)
            }
            _ => format!("rt::boolean(&{})?", self.value(code, cx)?),
        })
    }

    fn date(&mut self, code: &Code, cx: Ctx) -> Out {
        Ok(match code {
            Code::Today => "cx.today()".to_owned(),
            Code::Const(Value::Date(d)) => self.date_const(d),
            Code::Const(_) => return Err(Unsupported),
            _ => match self.leaf(code, cx) {
                Some(leaf) => format!("rt::date({})?", leaf?),
                None => format!("rt::date(&{})?", self.value(code, cx)?),
            },
        })
    }

    /// A node computed as an owned [`Value`].
    fn value(&mut self, code: &Code, cx: Ctx) -> Out {
        Ok(match code {
            Code::Const(Value::Num(d)) => format!("Value::Num({})", self.decimal(d)?),
            Code::Const(Value::Bool(b)) => format!("Value::Bool({b})"),
            Code::Const(Value::Missing) => "Value::Missing".to_owned(),
            Code::Const(Value::Date(d)) => format!("Value::Date({})", self.date_const(d)),
            Code::Const(_) => return Err(Unsupported),
            Code::Today => "Value::Date(cx.today())".to_owned(),
            numeric if numeric.is_numeric() => format!("Value::Num({})", self.num(code, cx)?),
            boolean if boolean.is_boolean() => format!("Value::Bool({})", self.boolean(code, cx)?),
            Code::If(c, a, b) => format!(
                "(if {} {{ {} }} else {{ {} }})",
                self.boolean(c, cx)?,
                self.value(a, cx)?,
                self.value(b, cx)?
            ),
            Code::ValueOr(a, b) => format!(
                "match {} {{ Value::Missing => {}, other => other }}",
                self.value(a, cx)?,
                self.value(b, cx)?
            ),
            Code::Input(_) | Code::Member(_) | Code::Def(_) | Code::Param(_) => {
                let leaf = self.leaf(code, cx).ok_or(Unsupported)??;
                format!("({leaf}).clone()")
            }
            Code::ListAgg { agg: Agg::Count | Agg::Sum, .. } => {
                format!("Value::Num({})", self.num(code, cx)?)
            }
            Code::ListAgg { agg: Agg::Any | Agg::All, .. } => {
                format!("Value::Bool({})", self.boolean(code, cx)?)
            }
            Code::Builtin(b) if matches!(**b, crate::builtins::Builtin::Rows(_)) => {
                format!("Value::Num({})", self.num(code, cx)?)
            }
            _ => match self.member_list(code, cx) {
                Some(list) => format!("{}.finish()", list?),
                None => return Err(Unsupported),
            },
        })
    }

    /// `elenco(membri, valore, filtro)` or `posizioni(membri, filtro)` as a [`rt::ListOut`]
    /// expression; `None` for any other node. Each member's filter, then its value, as the
    /// evaluator computes them.
    fn member_list(&mut self, code: &Code, cx: Ctx) -> Option<Out> {
        use crate::builtins::Builtin;
        let Code::Builtin(b) = code else { return None };
        let (body, filter) = match &**b {
            Builtin::MemberList { body, filter } => (Some(body), filter.as_ref()),
            Builtin::Positions { filter } => (None, filter.as_ref()),
            _ => return None,
        };
        if cx.member {
            // Nested in a member's context: left to the evaluator.
            return Some(Err(Unsupported));
        }
        let inner = Ctx { member: true, depth: cx.depth + 1 };
        let m = format!("m{}", inner.depth);
        Some((|| {
            let keep = match filter {
                Some(f) => self.boolean(f, inner)?,
                None => "true".to_owned(),
            };
            let item = match body {
                Some(body) => self.value(body, inner)?,
                None => "Value::Num(Decimal::from(k as u64 + 1))".to_owned(),
            };
            Ok(format!(
                "{{ let mut out = rt::ListOut::default(); let most = cx.member_count(); for (k, {m}) in cx.rows().enumerate() {{ if {keep} {{ out.push({item}, most); }} }} out }}"
            ))
        })())
    }

    /// `conta`, `somma`, `almeno_uno`, `tutti` over the members: every kept member's body
    /// evaluated, as the evaluator does (no stop at the first answer).
    fn members(&mut self, agg: Agg, body: Option<&Code>, filter: Option<&Code>, cx: Ctx) -> Out {
        if cx.member {
            // Nested in a member's context: left to the evaluator.
            return Err(Unsupported);
        }
        let inner = Ctx { member: true, depth: cx.depth + 1 };
        let m = format!("m{}", inner.depth);
        let keep = match filter {
            Some(f) => self.boolean(f, inner)?,
            None => "true".to_owned(),
        };
        Ok(match (agg, body) {
            (Agg::Count, _) => format!(
                "{{ let mut n = 0u64; for {m} in cx.rows() {{ if {keep} {{ n += 1; }} }} Decimal::from(n) }}"
            ),
            (Agg::Sum, Some(b)) => {
                let b = self.num(b, inner)?;
                format!(
                    "{{ let mut s = Decimal::ZERO; for {m} in cx.rows() {{ if {keep} {{ s = rt::add(s, {b})?; }} }} s }}"
                )
            }
            (Agg::Any | Agg::All, Some(b)) => {
                let b = self.boolean(b, inner)?;
                // Every kept member's body is evaluated: no `break` at the first answer.
                let (start, fold) = if agg == Agg::Any { ("false", "|=") } else { ("true", "&=") };
                format!(
                    "{{ let mut r = {start}; for {m} in cx.rows() {{ if {keep} {{ r {fold} {b}; }} }} r }}"
                )
            }
            // A sum or a test without a body: the checker refuses it.
            _ => return Err(Unsupported),
        })
    }
}

#[cfg(test)]
mod both_ways;

#[cfg(test)]
mod tests {
    use super::rt::Op;
    use super::*;
    use std::cmp::Ordering;

    #[test]
    fn the_fingerprint_function_is_fnv1a() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    fn any_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Value::Missing),
            any::<bool>().prop_map(Value::Bool),
            (any::<i64>(), 0u32..6).prop_map(|(m, s)| Value::Num(Decimal::new(m, s))),
            (0i32..3000, 1u32..366)
                .prop_map(|(y, d)| Value::Date(NaiveDate::from_yo_opt(y, d).unwrap_or_default())),
            prop_oneof![Just("Forlì"), Just(""), Just("none"), Just("grave")]
                .prop_map(|t| Value::Text(t.into())),
            Just(Value::List(vec![Value::Bool(true)].into())),
        ]
    }

    proptest::proptest! {
        /// `compare_text` and `same_text` are the evaluator's comparisons with a text
        /// constant, for a value of any kind.
        #[test]
        fn text_constants_compare_as_the_evaluator_compares(
            x in any_value(),
            text in proptest::prop_oneof![
                proptest::strategy::Just("Forlì"),
                proptest::strategy::Just("none"),
                proptest::strategy::Just("")
            ],
        ) {
            let constant = Value::Text(text.into());
            for op in [Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge] {
                proptest::prop_assert_eq!(
                    rt::compare_text(op, &x, text),
                    crate::eval::compare_values(op, &x, &constant)
                );
            }
            proptest::prop_assert_eq!(rt::same_text(&x, text), rt::same(&x, &constant));
        }
    }

    #[test]
    fn a_definition_left_to_the_evaluator_leaves_no_constant_behind() {
        let program = Program::from_yaml(
            r#"
rulebook: prova/nomi
title: Nomi
authority: { level: comune, code: "039014", name: "Comune di prova" }
valid: { from: 2024-01-01 }
inputs:
  member:
    eta: { type: integer }
definitions:
  nomi: { type: list, items: text, formula: 'elenco(membri, "x", eta < 18)' }
conditions:
  qualcuno: { formula: conta(nomi) > 0 }
"#,
            "nomi.yaml",
        )
        .unwrap();
        let plan = program.decision_plan(program.plan(["nomi"]).unwrap());
        let source = generate(&program, &plan, "nomi").unwrap();
        // The list (a text constant per member) is the evaluator's, and the filter's 18,
        // written before the text was met, is not left in the source.
        assert!(source.contains("cx.def(0, v)?;"), "{source}");
        assert!(!source.contains("// 18"), "{source}");
        assert!(source.contains("// 0"), "{source}");
    }

    #[test]
    fn ordering_tests_match_the_operators() {
        for (op, ord, want) in [
            (Cmp::Le, Ordering::Equal, true),
            (Cmp::Lt, Ordering::Equal, false),
            (Cmp::Ne, Ordering::Less, true),
        ] {
            assert_eq!(op.holds(ord), want);
        }
    }
}
