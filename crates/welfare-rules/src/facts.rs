//! Facts: the household and member values an evaluation reads, checked against the declared
//! inputs (data minimisation: anything undeclared is refused, not ignored).

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use welfare_types::Money;

use crate::error::EvalError;
use crate::limits::MAX_MEMBERS;
use crate::program::{Input, Program};
use crate::types::Type;
use crate::value::Value;

/// The facts of one household, in the slots of one [`Program`].
///
/// Build them with [`Program::facts`] from JSON or [`Program::facts_builder`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub(crate) household: Vec<Value>,
    /// Member facts, member after member, `stride` slots each.
    pub(crate) members: Vec<Value>,
    pub(crate) stride: usize,
    pub(crate) count: usize,
}

impl Facts {
    /// No facts: a household without inputs and without members (fill it with
    /// [`Binding::fill`]; the buffers are reused between households).
    pub fn empty() -> Facts {
        Facts { household: Vec::new(), members: Vec::new(), stride: 0, count: 0 }
    }

    /// The number of members.
    pub fn member_count(&self) -> usize {
        self.count
    }

    /// These facts as a [`FactsView`], what [`Snapshot::run_into_view`] and the other
    /// evaluations read (each slot at its own position).
    ///
    /// [`Snapshot::run_into_view`]: crate::Snapshot::run_into_view
    pub fn view(&self) -> FactsView<'_> {
        FactsView {
            household: &self.household,
            household_at: None,
            members: &self.members,
            member_at: None,
            stride: self.stride,
            count: self.count,
        }
    }

    fn from_parts(household: Vec<Value>, members: Vec<Vec<Value>>, stride: usize) -> Facts {
        let count = members.len();
        Facts { household, members: members.into_iter().flatten().collect(), stride, count }
    }
}

impl<'a> From<&'a Facts> for FactsView<'a> {
    fn from(facts: &'a Facts) -> FactsView<'a> {
        facts.view()
    }
}

/// One household's facts as a program reads them, borrowed from where they already are: the
/// slots of owned [`Facts`] ([`Facts::view`]), or a caller's fact table read in place through
/// a [`Binding`] ([`Binding::view`]), with no value copied.
///
/// Every evaluation reads facts through a view: [`Snapshot::run_into_view`],
/// [`Snapshot::run_plan_view`] and [`Snapshot::motivazione_view`] take one directly, and the
/// methods taking `&Facts` read [`Facts::view`]. Evaluating a view of a binding gives the same
/// values and errors as evaluating the facts [`Binding::fill`] copies from the same table.
///
/// [`Snapshot::run_into_view`]: crate::Snapshot::run_into_view
/// [`Snapshot::run_plan_view`]: crate::Snapshot::run_plan_view
/// [`Snapshot::motivazione_view`]: crate::Snapshot::motivazione_view
#[derive(Clone, Copy, Debug)]
pub struct FactsView<'a> {
    /// The household values.
    household: &'a [Value],
    /// Where each household input of the program sits in `household`; `None`: input `i` is
    /// at `i` (owned [`Facts`]).
    household_at: Option<&'a [usize]>,
    /// Member values, member after member, `stride` values each.
    members: &'a [Value],
    /// Where each member input of the program sits in a member's values; `None`: at its own
    /// index.
    member_at: Option<&'a [usize]>,
    stride: usize,
    count: usize,
}

impl<'a> FactsView<'a> {
    /// The number of members.
    pub fn member_count(&self) -> usize {
        self.count
    }

    /// The household input `i` of the program (in the program's slot order), `None` past the
    /// program's inputs. A position past the caller's values reads as missing, as
    /// [`Binding::fill`] copies it.
    #[inline(always)]
    pub(crate) fn input(&self, i: u32) -> Option<&'a Value> {
        static MISSING: Value = Value::Missing;
        match self.household_at {
            None => self.household.get(i as usize),
            Some(at) => at.get(i as usize).map(|&p| self.household.get(p).unwrap_or(&MISSING)),
        }
    }

    /// The member input `i` of the program in `row`, one member's values (from
    /// [`FactsView::member_rows`]).
    #[inline(always)]
    pub(crate) fn member_input(&self, row: &'a [Value], i: u32) -> Option<&'a Value> {
        match self.member_at {
            None => row.get(i as usize),
            Some(at) => at.get(i as usize).and_then(|&p| row.get(p)),
        }
    }

    /// The values of each member, in order (a member past the end of the values has none).
    #[inline]
    pub(crate) fn member_rows(&self) -> MemberRows<'a> {
        MemberRows { rest: self.members, stride: self.stride, left: self.count }
    }

    /// The values of member `i`.
    pub(crate) fn member_row(&self, i: usize) -> Option<&'a [Value]> {
        if i >= self.count {
            return None;
        }
        Some(self.members.get(i * self.stride..(i + 1) * self.stride).unwrap_or(&[]))
    }
}

/// The rows of [`FactsView::member_rows`]: member `i` is `values[i * stride..(i + 1) *
/// stride]`, or no values when the values end before.
pub(crate) struct MemberRows<'a> {
    rest: &'a [Value],
    stride: usize,
    left: usize,
}

impl<'a> Iterator for MemberRows<'a> {
    type Item = &'a [Value];

    #[inline]
    fn next(&mut self) -> Option<&'a [Value]> {
        self.left = self.left.checked_sub(1)?;
        Some(match self.rest.split_at_checked(self.stride) {
            Some((row, rest)) => {
                self.rest = rest;
                row
            }
            None => {
                self.rest = &[];
                &[]
            }
        })
    }
}

fn json_value(v: &serde_json::Value, ty: &Type, name: &str) -> Result<Value, EvalError> {
    let bad = || EvalError::BadFact { name: name.to_owned(), expected: ty.to_string() };
    let number = |v: &serde_json::Value| -> Option<Decimal> {
        match v {
            serde_json::Value::Number(n) => Decimal::from_str_exact(&n.to_string()).ok(),
            serde_json::Value::String(s) => Decimal::from_str_exact(s.trim()).ok(),
            _ => None,
        }
    };
    Ok(match ty {
        Type::Money => match v {
            serde_json::Value::String(s) => {
                Value::Num(Money::parse(s).map_err(|_| bad())?.amount())
            }
            _ => Value::Num(number(v).ok_or_else(bad)?),
        },
        Type::Decimal | Type::Number => Value::Num(number(v).ok_or_else(bad)?),
        Type::Integer => {
            let d = number(v).ok_or_else(bad)?;
            if !d.fract().is_zero() {
                return Err(bad());
            }
            Value::Num(d)
        }
        Type::Boolean => Value::Bool(v.as_bool().ok_or_else(bad)?),
        Type::Date => {
            let s = v.as_str().ok_or_else(bad)?;
            Value::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?)
        }
        Type::Text => Value::Text(Arc::from(v.as_str().ok_or_else(bad)?)),
        Type::Enum(values) => {
            let s = v.as_str().ok_or_else(bad)?;
            if !values.iter().any(|x| x == s) {
                return Err(bad());
            }
            Value::Text(Arc::from(s))
        }
        Type::List(inner) => {
            let items = v.as_array().ok_or_else(bad)?;
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(json_value(item, inner, name)?);
            }
            Value::List(Arc::from(out))
        }
        _ => return Err(bad()),
    })
}

fn fill(
    decls: &[Input],
    obj: &serde_json::Map<String, serde_json::Value>,
    prefix: &str,
    skip: &[&str],
) -> Result<Vec<Value>, EvalError> {
    let mut slots = vec![None; decls.len()];
    for (k, v) in obj {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let Some(i) = decls.iter().position(|d| &d.name == k) else {
            return Err(EvalError::UndeclaredFact { name: format!("{prefix}{k}") });
        };
        let decl = decls.get(i).ok_or_else(|| EvalError::UndeclaredFact { name: k.clone() })?;
        let value = if v.is_null() {
            Value::Missing
        } else {
            json_value(v, &decl.ty, &format!("{prefix}{k}"))?
        };
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(value);
        }
    }
    finish(decls, slots, prefix)
}

fn finish(
    decls: &[Input],
    slots: Vec<Option<Value>>,
    prefix: &str,
) -> Result<Vec<Value>, EvalError> {
    decls
        .iter()
        .zip(slots)
        .map(|(d, v)| match v {
            Some(Value::Missing) | None if !d.optional => {
                Err(EvalError::MissingFact { name: format!("{prefix}{}", d.name) })
            }
            Some(v) => Ok(v),
            None => Ok(Value::Missing),
        })
        .collect()
}

fn fits(v: &Value, ty: &Type) -> bool {
    match (v, ty) {
        (Value::Missing, _) => true,
        (Value::Num(d), Type::Integer) => d.fract().is_zero(),
        (Value::Num(_), t) => t.is_numeric(),
        (Value::Bool(_), Type::Boolean) => true,
        (Value::Date(_), Type::Date) => true,
        (Value::Text(_), Type::Text) => true,
        (Value::Text(s), Type::Enum(values)) => values.iter().any(|x| **x == **s),
        (Value::List(items), Type::List(inner)) => items.iter().all(|i| fits(i, inner)),
        _ => false,
    }
}

/// Builds [`Facts`] value by value; errors are kept and returned by [`FactsBuilder::build`].
#[derive(Debug)]
pub struct FactsBuilder<'p> {
    program: &'p Program,
    household: Vec<Option<Value>>,
    members: Vec<Vec<Option<Value>>>,
    error: Option<EvalError>,
}

impl<'p> FactsBuilder<'p> {
    fn put(
        decls: &[Input],
        slots: &mut [Option<Value>],
        name: &str,
        value: Value,
    ) -> Result<(), EvalError> {
        let i = decls
            .iter()
            .position(|d| d.name == name)
            .ok_or_else(|| EvalError::UndeclaredFact { name: name.to_owned() })?;
        let decl =
            decls.get(i).ok_or_else(|| EvalError::UndeclaredFact { name: name.to_owned() })?;
        if !fits(&value, &decl.ty) {
            return Err(EvalError::BadFact {
                name: name.to_owned(),
                expected: decl.ty.to_string(),
            });
        }
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(value);
        }
        Ok(())
    }

    /// Sets a household fact.
    pub fn set(mut self, name: &str, value: impl Into<Value>) -> Self {
        if self.error.is_none() {
            if let Err(e) = Self::put(&self.program.inputs, &mut self.household, name, value.into())
            {
                self.error = Some(e);
            }
        }
        self
    }

    /// Starts a new member; following [`FactsBuilder::member_set`] calls fill it.
    pub fn add_member(mut self) -> Self {
        self.members.push(vec![None; self.program.members.len()]);
        self
    }

    /// Sets a fact of the member added last.
    pub fn member_set(mut self, name: &str, value: impl Into<Value>) -> Self {
        if self.error.is_none() {
            let r = match self.members.last_mut() {
                Some(slots) => Self::put(&self.program.members, slots, name, value.into()),
                None => Err(EvalError::UndeclaredFact { name: format!("members[0].{name}") }),
            };
            if let Err(e) = r {
                self.error = Some(e);
            }
        }
        self
    }

    /// The facts, or the first error met.
    pub fn build(self) -> Result<Facts, EvalError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.members.len() > MAX_MEMBERS {
            return Err(EvalError::Limit { what: format!("at most {MAX_MEMBERS} members") });
        }
        let household = finish(&self.program.inputs, self.household, "")?;
        let mut members = Vec::with_capacity(self.members.len());
        for (i, m) in self.members.into_iter().enumerate() {
            members.push(finish(&self.program.members, m, &format!("members[{i}]."))?);
        }
        Ok(Facts::from_parts(household, members, self.program.members.len()))
    }
}

impl Program {
    /// Facts from JSON: an object with the household inputs and, optionally, `members` (or
    /// `membri`): a list of objects with the member inputs. Money may be a decimal string in
    /// plain or Italian notation or a JSON number; `null` is a missing optional fact.
    ///
    /// A name the rulebook does not declare is an error ([`EvalError::UndeclaredFact`]).
    pub fn facts(&self, json: &serde_json::Value) -> Result<Facts, EvalError> {
        let obj = json.as_object().ok_or_else(|| EvalError::BadFact {
            name: "facts".to_owned(),
            expected: "an object".to_owned(),
        })?;
        let household = fill(&self.inputs, obj, "", &["members", "membri"])?;
        let mut members = Vec::new();
        if let Some(list) = obj.get("members").or_else(|| obj.get("membri")) {
            let items = list.as_array().ok_or_else(|| EvalError::BadFact {
                name: "members".to_owned(),
                expected: "a list".to_owned(),
            })?;
            if items.len() > MAX_MEMBERS {
                return Err(EvalError::Limit { what: format!("at most {MAX_MEMBERS} members") });
            }
            for (i, m) in items.iter().enumerate() {
                let prefix = format!("members[{i}].");
                let mo = m.as_object().ok_or_else(|| EvalError::BadFact {
                    name: format!("members[{i}]"),
                    expected: "an object".to_owned(),
                })?;
                members.push(fill(&self.members, mo, &prefix, &[])?);
            }
        }
        Ok(Facts::from_parts(household, members, self.members.len()))
    }

    /// A builder for facts in code.
    pub fn facts_builder(&self) -> FactsBuilder<'_> {
        FactsBuilder {
            program: self,
            household: vec![None; self.inputs.len()],
            members: Vec::new(),
            error: None,
        }
    }
}

/// Why a program cannot be bound to a fact vocabulary.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindError {
    /// The program declares an input the vocabulary does not provide.
    #[error("rulebook input `{name}` is not a {scope} fact of the vocabulary")]
    NotProvided {
        /// The input's name.
        name: String,
        /// `household` or `member`.
        scope: &'static str,
    },
    /// The vocabulary provides the input with a type the program does not accept.
    #[error(
        "rulebook input `{name}` is declared as {expected} but the vocabulary gives {provided}"
    )]
    WrongType {
        /// The input's name.
        name: String,
        /// The type the rulebook declares.
        expected: String,
        /// The type the vocabulary gives.
        provided: String,
    },
}

/// A program bound to a caller's own **fact vocabulary**: the names and types of every fact
/// the caller can produce for a household and for each member, in a fixed order.
///
/// Binding looks the program's inputs up by name once and checks their types; afterwards
/// [`Binding::view`] lets the program read a household's facts where they are, by position,
/// with no name looked up, no JSON built and nothing copied or allocated, and
/// [`Binding::fill`] copies them into the program's slots (owned [`Facts`]; once the buffers
/// have grown, no allocation). This is how a catalogue of many rulebooks shares one table of
/// household facts.
///
/// ```
/// use welfare_rules::{Facts, Program, Type, Value};
///
/// let program = Program::from_yaml(r#"
/// rulebook: esempio/soglia
/// title: { it: "Soglia", en: "Threshold" }
/// authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
/// valid: { from: 2025-01-01 }
/// inputs:
///   household: { isee: { type: money, optional: true } }
///   member: { age: { type: integer } }
/// definitions:
///   minori: { type: integer, formula: "conta(membri, age < 18)" }
/// "#, "soglia.yaml")?;
/// // The caller's vocabulary: more facts than this rulebook reads, in the caller's order.
/// let household_vocab = [("rent", Type::Money), ("isee", Type::Optional(Box::new(Type::Money)))];
/// let member_vocab = [("age", Type::Integer), ("student", Type::Boolean)];
/// let binding = program.bind(&household_vocab, &member_vocab)?;
///
/// let household = [Value::Missing, Value::Missing];
/// let members = [Value::from(7), Value::from(false), Value::from(40), Value::from(false)];
/// let mut facts = Facts::empty();
/// binding.fill(&household, &members, &mut facts)?;
/// let date = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
/// let outputs = program.snapshot(date)?.outputs(&facts)?;
/// assert_eq!(outputs.get(&program, "minori"), Some(&Value::from(1)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// For each household input of the program, in slot order.
    household: Vec<BoundSlot>,
    /// The same for member inputs.
    members: Vec<BoundSlot>,
    /// The positions of `household`, on their own: what a [`FactsView`] reads through.
    household_at: Vec<usize>,
    /// The positions of `members`.
    member_at: Vec<usize>,
    /// The slots of `household` the program requires, in order: what [`Binding::view`] checks.
    required_household: Vec<BoundSlot>,
    /// The same for `members`.
    required_members: Vec<BoundSlot>,
    /// The positions of `required_household` and `required_members` as bits, for
    /// [`Binding::view_checked`]; `None` when one of them is past the bits (64 or more).
    required_bits: Option<(u64, u64)>,
    /// One past the last position of `required_household`: a shorter table lacks a fact.
    required_household_end: usize,
    /// The number of facts per member in the caller's vocabulary.
    member_stride: usize,
}

/// Which positions of a caller's fact table hold [`Value::Missing`], as bits: bit `p` of the
/// household bits for the household value at position `p`, bit `p` of the member bits for the
/// value at position `p` of any member (OR-ed over the members). Positions from 64 on are not
/// represented.
///
/// What [`Binding::view_checked`] reads instead of walking the required facts. A bit set where
/// the value is not missing only costs that walk; a missing value whose bit is clear is taken
/// as present, so whoever builds the bits must set every bit of a missing value
/// ([`MissingFacts::of`] computes them from the values; [`MissingFacts::UNKNOWN`] sets all).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct MissingFacts {
    household: u64,
    members: u64,
}

impl MissingFacts {
    /// Every position possibly missing: [`Binding::view_checked`] walks, as [`Binding::view`].
    pub const UNKNOWN: MissingFacts = MissingFacts { household: u64::MAX, members: u64::MAX };

    /// The bits as given: `household` for the household values, `members` for the values of
    /// any member.
    pub const fn from_bits(household: u64, members: u64) -> MissingFacts {
        MissingFacts { household, members }
    }

    /// The bits of `household` and of `members` (member after member, `stride` values each;
    /// a last partial member counts too), computed from the values.
    pub fn of(household: &[Value], members: &[Value], stride: usize) -> MissingFacts {
        fn bits(values: &[Value]) -> u64 {
            values
                .iter()
                .take(64)
                .enumerate()
                .filter(|(_, v)| matches!(v, Value::Missing))
                .fold(0, |bits, (p, _)| bits | 1 << p)
        }
        let members = match stride {
            0 => 0,
            _ => members.chunks(stride).fold(0, |acc, row| acc | bits(row)),
        };
        MissingFacts { household: bits(household), members }
    }

    /// The household bits.
    pub const fn household(&self) -> u64 {
        self.household
    }

    /// The member bits (OR-ed over the members).
    pub const fn members(&self) -> u64 {
        self.members
    }
}

/// One input slot of a program and where its value sits in the vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
struct BoundSlot {
    position: usize,
    required: bool,
    name: String,
}

fn bind_scope(
    decls: &[Input],
    vocab: &[(&str, Type)],
    scope: &'static str,
) -> Result<Vec<BoundSlot>, BindError> {
    decls
        .iter()
        .map(|d| {
            let (pos, (_, ty)) = vocab
                .iter()
                .enumerate()
                .find(|(_, (name, _))| *name == d.name)
                .ok_or_else(|| BindError::NotProvided { name: d.name.clone(), scope })?;
            if !ty.strip_optional().fits(&d.ty) {
                return Err(BindError::WrongType {
                    name: d.name.clone(),
                    expected: d.ty.to_string(),
                    provided: ty.to_string(),
                });
            }
            Ok(BoundSlot { position: pos, required: !d.optional, name: d.name.clone() })
        })
        .collect()
}

impl Program {
    /// Binds this program to a fact vocabulary (see [`Binding`]): `household` and `member`
    /// list the caller's facts with their types, in the order the caller will give values.
    /// A vocabulary type wrapped in [`Type::Optional`] means the value may be missing.
    ///
    /// Fails when the program reads a fact the vocabulary does not provide, or with a type it
    /// does not accept: a rulebook is refused when it is added, not household after household.
    pub fn bind(
        &self,
        household: &[(&str, Type)],
        member: &[(&str, Type)],
    ) -> Result<Binding, BindError> {
        let household = bind_scope(&self.inputs, household, "household")?;
        let members = bind_scope(&self.members, member, "member")?;
        let required = |slots: &[BoundSlot]| -> Vec<BoundSlot> {
            slots.iter().filter(|s| s.required).cloned().collect()
        };
        let (required_household, required_members) = (required(&household), required(&members));
        let bits = |slots: &[BoundSlot]| {
            slots.iter().try_fold(0u64, |bits, s| {
                Some(bits | 1u64.checked_shl(s.position.try_into().ok()?)?)
            })
        };
        let required_bits = bits(&required_household).zip(bits(&required_members));
        Ok(Binding {
            household_at: household.iter().map(|s| s.position).collect(),
            member_at: members.iter().map(|s| s.position).collect(),
            required_bits,
            required_household_end: required_household
                .iter()
                .map(|s| s.position + 1)
                .max()
                .unwrap_or(0),
            required_household,
            required_members,
            household,
            members,
            member_stride: member.len(),
        })
    }
}

impl Binding {
    /// The number of members in `members` (a caller's member values, member after member):
    /// an error for more than [`MAX_MEMBERS`] or for a length that is not a whole number of
    /// members. The first checks of [`Binding::fill`] and [`Binding::view`].
    #[inline]
    fn member_count(&self, members: &[Value]) -> Result<usize, EvalError> {
        let count = members.len().checked_div(self.member_stride).unwrap_or(0);
        if count <= MAX_MEMBERS && count * self.member_stride == members.len() {
            return Ok(count);
        }
        Err(self.member_count_error(count))
    }

    /// The error of [`Binding::member_count`] for `count` members, when there is one: too many
    /// members first, else not a whole number of members.
    #[cold]
    fn member_count_error(&self, count: usize) -> EvalError {
        if count > MAX_MEMBERS {
            return EvalError::Limit { what: format!("at most {MAX_MEMBERS} members") };
        }
        EvalError::BadFact {
            name: "members".to_owned(),
            expected: format!("{} facts per member", self.member_stride),
        }
    }

    /// Fills `facts` with one household's values: `household` in the order of the household
    /// vocabulary, `members` member after member in the order of the member vocabulary.
    ///
    /// The values are trusted to be of the vocabulary's types (checked once by
    /// [`Program::bind`]); a [`Value::Missing`] where the rulebook requires the fact is an
    /// error naming it, as is a member list longer than [`MAX_MEMBERS`] or not a whole number of
    /// members.
    pub fn fill(
        &self,
        household: &[Value],
        members: &[Value],
        facts: &mut Facts,
    ) -> Result<(), EvalError> {
        let count = self.member_count(members)?;
        facts.household.clear();
        for slot in &self.household {
            let v = household.get(slot.position).cloned().unwrap_or_default();
            // `matches!`, not `==`: a comparison of whole values, once per fact of every
            // rulebook of every household, where only the variant matters.
            if slot.required && matches!(v, Value::Missing) {
                return Err(EvalError::MissingFact { name: slot.name.clone() });
            }
            facts.household.push(v);
        }
        facts.members.clear();
        facts.stride = self.members.len();
        facts.count = count;
        for (m, slots) in members.chunks(self.member_stride.max(1)).enumerate().take(count) {
            for slot in &self.members {
                let v = slots.get(slot.position).cloned().unwrap_or_default();
                if slot.required && matches!(v, Value::Missing) {
                    return Err(EvalError::MissingFact {
                        name: format!("members[{m}].{}", slot.name),
                    });
                }
                facts.members.push(v);
            }
        }
        Ok(())
    }

    /// One household's values as the program reads them, in place: what [`Binding::fill`]
    /// would copy, read from `household` and `members` (same layout) without copying them.
    ///
    /// The checks are [`Binding::fill`]'s, in the same order and with the same errors: a member
    /// list longer than [`MAX_MEMBERS`], or not a whole number of members, then a
    /// [`Value::Missing`] where the rulebook requires the fact (household facts first, then
    /// member after member).
    ///
    /// ```
    /// use welfare_rules::{EvalError, Program, Type, Value};
    ///
    /// let program = Program::from_yaml(r#"
    /// rulebook: esempio/soglia
    /// title: { it: "Soglia", en: "Threshold" }
    /// authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
    /// valid: { from: 2025-01-01 }
    /// inputs:
    ///   household: { isee: { type: money, optional: true } }
    ///   member: { age: { type: integer } }
    /// definitions:
    ///   minori: { type: integer, formula: "conta(membri, age < 18)" }
    /// "#, "soglia.yaml")?;
    /// let household_vocab = [("rent", Type::Money), ("isee", Type::Optional(Box::new(Type::Money)))];
    /// let member_vocab = [("age", Type::Integer), ("student", Type::Boolean)];
    /// let binding = program.bind(&household_vocab, &member_vocab)?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    /// let snapshot = program.snapshot(date)?;
    ///
    /// let household = [Value::Missing, Value::Missing];
    /// let members = [Value::from(7), Value::from(false), Value::from(40), Value::from(false)];
    /// let mut values = Vec::new();
    /// snapshot.run_into_view(binding.view(&household, &members)?, &mut values)?;
    /// assert_eq!(values.get(program.slot("minori").unwrap()), Some(&Value::from(1)));
    ///
    /// // A required fact missing is refused, as `Binding::fill` refuses it.
    /// let members = [Value::from(7), Value::from(false), Value::Missing, Value::from(true)];
    /// let error = binding.view(&household, &members).unwrap_err();
    /// assert_eq!(error, EvalError::MissingFact { name: "members[1].age".to_owned() });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn view<'a>(
        &'a self,
        household: &'a [Value],
        members: &'a [Value],
    ) -> Result<FactsView<'a>, EvalError> {
        let count = self.member_count(members)?;
        for slot in &self.required_household {
            // A position past the values reads as missing (as `fill` copies it).
            if household.get(slot.position).is_none_or(|v| matches!(v, Value::Missing)) {
                return Err(EvalError::MissingFact { name: slot.name.clone() });
            }
        }
        if !self.required_members.is_empty() {
            // `count` whole rows (checked above; none when the vocabulary has no member facts).
            for (m, row) in members.chunks_exact(self.member_stride.max(1)).enumerate() {
                for slot in &self.required_members {
                    if row.get(slot.position).is_none_or(|v| matches!(v, Value::Missing)) {
                        return Err(EvalError::MissingFact {
                            name: format!("members[{m}].{}", slot.name),
                        });
                    }
                }
            }
        }
        Ok(self.view_unchecked(household, members, count))
    }

    /// [`Binding::view`] told which values are missing: when none of the facts the program
    /// requires is among the `missing` bits (and the household values reach the last of
    /// them), the walk over the required facts of the household and of every member is
    /// skipped; otherwise it is [`Binding::view`]. The result is [`Binding::view`]'s (the same
    /// view, or the same error: the member list is checked first, then the first required fact
    /// missing in [`Binding::view`]'s order) as long as `missing` has the bit of every missing
    /// value (see [`MissingFacts`]).
    ///
    /// A caller that fills its table knows which values it left missing at no cost, and a
    /// table read by several programs is then checked once, not once per program.
    ///
    /// ```
    /// use welfare_rules::{EvalError, MissingFacts, Program, Type, Value};
    ///
    /// let program = Program::from_yaml(r#"
    /// rulebook: esempio/soglia
    /// title: { it: "Soglia", en: "Threshold" }
    /// authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
    /// valid: { from: 2025-01-01 }
    /// inputs:
    ///   household: { isee: { type: money, optional: true } }
    ///   member: { age: { type: integer } }
    /// definitions:
    ///   minori: { type: integer, formula: "conta(membri, age < 18)" }
    /// "#, "soglia.yaml")?;
    /// let household_vocab = [("rent", Type::Money), ("isee", Type::Optional(Box::new(Type::Money)))];
    /// let member_vocab = [("age", Type::Integer), ("student", Type::Boolean)];
    /// let binding = program.bind(&household_vocab, &member_vocab)?;
    /// let snapshot = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap())?;
    ///
    /// // Nothing the program requires is missing (the household's facts are optional).
    /// let household = [Value::Missing, Value::Missing];
    /// let members = [Value::from(7), Value::from(false), Value::from(40), Value::from(false)];
    /// let missing = MissingFacts::of(&household, &members, member_vocab.len());
    /// assert_eq!(missing, MissingFacts::from_bits(0b11, 0));
    /// let mut values = Vec::new();
    /// snapshot.run_into_view(binding.view_checked(&household, &members, missing)?, &mut values)?;
    /// assert_eq!(values.get(program.slot("minori").unwrap()), Some(&Value::from(1)));
    ///
    /// // A required fact missing: the walk finds it, with `Binding::view`'s error.
    /// let members = [Value::from(7), Value::from(false), Value::Missing, Value::from(true)];
    /// let missing = MissingFacts::of(&household, &members, member_vocab.len());
    /// let error = binding.view_checked(&household, &members, missing).unwrap_err();
    /// assert_eq!(error, EvalError::MissingFact { name: "members[1].age".to_owned() });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn view_checked<'a>(
        &'a self,
        household: &'a [Value],
        members: &'a [Value],
        missing: MissingFacts,
    ) -> Result<FactsView<'a>, EvalError> {
        match self.required_bits {
            Some((h, m))
                if missing.household & h == 0
                    && missing.members & m == 0
                    && household.len() >= self.required_household_end =>
            {
                let count = self.member_count(members)?;
                Ok(self.view_unchecked(household, members, count))
            }
            _ => self.view(household, members),
        }
    }

    /// The view of `household` and `count` members in `members`, checked by the caller.
    #[inline]
    fn view_unchecked<'a>(
        &'a self,
        household: &'a [Value],
        members: &'a [Value],
        count: usize,
    ) -> FactsView<'a> {
        FactsView {
            household,
            household_at: Some(&self.household_at),
            members,
            member_at: Some(&self.member_at),
            stride: self.member_stride,
            count,
        }
    }

    /// The positions in the household vocabulary of the facts the program reads, in the
    /// program's slot order (required and optional).
    pub fn household_positions(&self) -> &[usize] {
        &self.household_at
    }

    /// The positions in the member vocabulary of the member facts the program reads, in the
    /// program's slot order (required and optional).
    pub fn member_positions(&self) -> &[usize] {
        &self.member_at
    }

    /// The positions in the household vocabulary of the facts the program requires (a
    /// [`Value::Missing`] there is an error), in the order [`Binding::view`] checks them.
    pub fn required_household_positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.required_household.iter().map(|s| s.position)
    }

    /// The positions in the member vocabulary of the member facts the program requires, in
    /// the order [`Binding::view`] checks them within a member.
    pub fn required_member_positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.required_members.iter().map(|s| s.position)
    }
}

#[cfg(test)]
mod tests {
    //! A program reading a caller's table through [`Binding::view`] must give exactly what it
    //! gives on the facts [`Binding::fill`] copies from the same table: values, errors (the
    //! same error, in the same order of checks) and explanations.

    use std::sync::Arc;

    use proptest::prelude::*;

    use super::{Binding, Facts, Input, MissingFacts};
    use crate::corpus::{programs, variants};
    use crate::limits::MAX_MEMBERS;
    use crate::program::Plan;
    use crate::types::Type;
    use crate::value::Value;
    use crate::{Lang, Program, Snapshot};

    /// A vocabulary with the program's inputs in reverse order and facts the program does not
    /// read before, between and after them, so that no position equals its slot.
    fn vocabulary(decls: &[Input]) -> Vec<(String, Type)> {
        let mut out = vec![("non_letto_0".to_owned(), Type::Boolean)];
        for (i, d) in decls.iter().rev().enumerate() {
            let ty = if d.optional { Type::Optional(Box::new(d.ty.clone())) } else { d.ty.clone() };
            out.push((d.name.clone(), ty));
            if i % 2 == 0 {
                out.push((format!("non_letto_{}", i + 1), Type::Boolean));
            }
        }
        out
    }

    fn bind(program: &Program, household: &[(String, Type)], member: &[(String, Type)]) -> Binding {
        fn refs(v: &[(String, Type)]) -> Vec<(&str, Type)> {
            v.iter().map(|(n, t)| (n.as_str(), t.clone())).collect()
        }
        program.bind(&refs(household), &refs(member)).unwrap()
    }

    /// `slots` (in the program's order) laid out in `vocab`'s order; `true` for a fact the
    /// program does not read.
    fn lay_out(vocab: &[(String, Type)], decls: &[Input], slots: &[Value]) -> Vec<Value> {
        vocab
            .iter()
            .map(|(name, _)| match decls.iter().position(|d| d.name == *name) {
                Some(i) => slots[i].clone(),
                None => Value::Bool(true),
            })
            .collect()
    }

    fn repeat(values: &[Value], times: usize) -> Vec<Value> {
        (0..times).flat_map(|_| values.iter().cloned()).collect()
    }

    /// The view of `household` and `members` as `Binding::view` gives it, as `view_checked`
    /// gives it with the missing values' bits exact, with bits set besides, and unknown.
    fn same_checked(binding: &Binding, household: &[Value], members: &[Value], what: &str) {
        let exact = MissingFacts::of(household, members, binding.member_stride);
        let spurious = MissingFacts::from_bits(
            exact.household() | 0x5555_5555_5555_5555,
            exact.members() | 0x0f0f_0f0f_0f0f_0f0f,
        );
        let want = format!("{:?}", binding.view(household, members));
        for missing in [exact, spurious, MissingFacts::UNKNOWN] {
            let got = format!("{:?}", binding.view_checked(household, members, missing));
            assert_eq!(got, want, "{what}: view_checked with {missing:?}");
        }
    }

    /// Evaluates `program` on the table both ways and asserts the same outcome; returns
    /// whether the facts were accepted.
    fn same_both_ways(
        snap: &Snapshot<'_>,
        plan: &Plan,
        binding: &Binding,
        household: &[Value],
        members: &[Value],
        what: &str,
    ) -> bool {
        let mut copied = Facts::empty();
        let filled = binding.fill(household, members, &mut copied);
        same_checked(binding, household, members, what);
        let view = match (filled, binding.view(household, members)) {
            (Ok(()), Ok(view)) => view,
            (Err(a), Err(b)) => {
                assert_eq!(a, b, "{what}");
                assert_eq!(a.to_string(), b.to_string(), "{what}");
                return false;
            }
            (a, b) => panic!("{what}: fill gives {a:?}, view gives {b:?}"),
        };
        assert_eq!(copied.member_count(), view.member_count(), "{what}");
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let (ra, rb) = (snap.run_into(&copied, &mut a), snap.run_into_view(view, &mut b));
        assert_eq!(ra, rb, "{what}");
        if ra.is_ok() {
            assert_eq!(a, b, "{what}");
            assert_eq!(snap.explain(copied.view(), &a), snap.explain(view, &b), "{what}");
            for lang in [Lang::It, Lang::En] {
                let (ma, mb) =
                    (snap.motivazione(&copied, &a, lang), snap.motivazione_view(view, &b, lang));
                assert_eq!(ma, mb, "{what}");
            }
        }
        // The plan on the scratch of the full run, as a batch reuses it.
        let (ra, rb) =
            (snap.run_plan(plan, &copied, &mut a), snap.run_plan_view(plan, view, &mut b));
        assert_eq!(ra, rb, "{what}");
        if ra.is_ok() {
            assert_eq!(a, b, "{what}");
        }
        true
    }

    #[test]
    fn a_view_of_a_binding_evaluates_as_the_copied_facts_on_every_bundled_case() {
        let (mut accepted, mut refused) = (0, 0);
        for (program, cases) in programs() {
            let (hv, mv) = (vocabulary(&program.inputs), vocabulary(&program.members));
            let binding = bind(&program, &hv, &mv);
            let outputs: Vec<usize> = program.outputs().filter_map(|n| program.slot(n)).collect();
            let plan = program.plan_slots(outputs.into_iter().take(2));
            for case in &cases {
                let Ok(snap) = program.snapshot(case.date) else { continue };
                for (n, json) in variants(&case.facts).iter().enumerate() {
                    let Ok(facts) = program.facts(json) else { continue };
                    let what = format!("{} / {} / variant {n}", program.id, case.name);
                    let household = lay_out(&hv, &program.inputs, &facts.household);
                    let rows: Vec<Vec<Value>> = facts
                        .members
                        .chunks(facts.stride.max(1))
                        .take(facts.count)
                        .map(|m| lay_out(&mv, &program.members, m))
                        .collect();
                    let members: Vec<Value> = rows.concat();
                    let ok = same_both_ways(&snap, &plan, &binding, &household, &members, &what);
                    assert!(ok, "{what}: facts the program accepts are refused");
                    accepted += 1;
                    if n > 0 {
                        continue;
                    }
                    // Each fact missing in turn: a household fact, then one of the first and
                    // of the last member.
                    for p in 0..household.len() {
                        let mut h = household.clone();
                        h[p] = Value::Missing;
                        let what = format!("{what} / household position {p} missing");
                        refused += usize::from(!same_both_ways(
                            &snap, &plan, &binding, &h, &members, &what,
                        ));
                    }
                    for row in
                        [0, rows.len().saturating_sub(1)].into_iter().filter(|r| *r < rows.len())
                    {
                        for p in 0..mv.len() {
                            let mut m = rows.clone();
                            m[row][p] = Value::Missing;
                            let what = format!("{what} / member {row} position {p} missing");
                            let ok = same_both_ways(
                                &snap,
                                &plan,
                                &binding,
                                &household,
                                &m.concat(),
                                &what,
                            );
                            refused += usize::from(!ok);
                        }
                    }
                    // Every required fact missing at once: the first in order is the error.
                    let none = vec![Value::Missing; household.len()];
                    let all_missing: Vec<Value> = members.iter().map(|_| Value::Missing).collect();
                    same_both_ways(&snap, &plan, &binding, &none, &all_missing, &what);
                    // The member limit (exactly at it is fine) and a broken member list.
                    if let Some(first) = rows.first() {
                        for count in [MAX_MEMBERS, MAX_MEMBERS + 1] {
                            let many = repeat(first, count);
                            let what = format!("{what} / {count} members");
                            same_both_ways(&snap, &plan, &binding, &household, &many, &what);
                        }
                    }
                    let mut short = members.clone();
                    short.pop();
                    same_both_ways(
                        &snap,
                        &plan,
                        &binding,
                        &household,
                        &short,
                        &format!("{what} / short"),
                    );
                    let mut long = members.clone();
                    long.push(Value::Bool(true));
                    same_both_ways(
                        &snap,
                        &plan,
                        &binding,
                        &household,
                        &long,
                        &format!("{what} / long"),
                    );
                    // A table shorter than the vocabulary reads as missing facts.
                    let cut = &household[..household.len() / 2];
                    same_both_ways(&snap, &plan, &binding, cut, &members, &format!("{what} / cut"));
                }
            }
        }
        assert!(accepted > 1_000, "only {accepted} accepted households compared");
        assert!(refused > 100, "only {refused} refused households compared");
    }

    /// A required fact at a position past the bits (64 and on) is always walked: missing, it
    /// is refused even when the bits say nothing is missing.
    #[test]
    fn a_required_fact_past_the_bits_is_walked() {
        let program = Program::from_yaml(PROGRAM, "vista.yaml").unwrap();
        let mut hv: Vec<(String, Type)> =
            (0..66).map(|i| (format!("non_letto_{i}"), Type::Boolean)).collect();
        hv.extend(vocabulary(&program.inputs));
        let mv = vocabulary(&program.members);
        let binding = bind(&program, &hv, &mv);
        assert_eq!(binding.required_bits, None);
        let household = vec![Value::Missing; hv.len()];
        let error = binding.view_checked(&household, &[], MissingFacts::from_bits(0, 0));
        assert_eq!(format!("{error:?}"), format!("{:?}", binding.view(&household, &[])));
        assert!(error.is_err());
    }

    /// The bits of `MissingFacts::of`: one per missing value below 64, members OR-ed.
    #[test]
    fn missing_bits_are_those_of_the_missing_values() {
        let (m, t) = (Value::Missing, Value::Bool(true));
        let household = vec![t.clone(), m.clone(), t.clone(), m.clone()];
        let members = vec![m.clone(), t.clone(), t.clone(), t.clone(), t.clone(), m.clone()];
        let bits = MissingFacts::of(&household, &members, 3);
        assert_eq!(bits, MissingFacts::from_bits(0b1010, 0b101));
        assert_eq!(MissingFacts::of(&household, &members, 0).members(), 0);
        let long = vec![m; 70];
        assert_eq!(MissingFacts::of(&long, &[], 1).household(), u64::MAX);
    }

    /// A program reading required and optional facts of several types, of the household and
    /// of each member, through every kind of member aggregation.
    const PROGRAM: &str = r#"
rulebook: prova/vista
title: { it: "Vista", en: "View" }
authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
valid: { from: 2025-01-01 }
inputs:
  household:
    isee: { type: money }
    canone: { type: money, optional: true }
    residente: { type: boolean }
  member:
    eta: { type: integer }
    disabile: { type: boolean, optional: true }
    reddito: { type: money, optional: true }
conditions:
  residenza: { formula: "residente" }
  isee_basso: { formula: "isee <= 20000" }
definitions:
  minori: { type: integer, formula: "conta(membri, eta < 18)" }
  redditi: { type: money, formula: "somma(membri, valore_o(reddito, 0))" }
  qualcuno_disabile: { type: boolean, formula: "almeno_uno(membri, valore_o(disabile, falso))" }
  tutti_adulti: { type: boolean, formula: "tutti(membri, eta >= 18)" }
  importo: { type: money, output: true, formula: "se isee_basso e minori > 0 allora redditi + valore_o(canone, 0) altrimenti 0" }
"#;

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            2 => Just(Value::Missing),
            3 => (0i64..120).prop_map(Value::from),
            2 => any::<bool>().prop_map(Value::Bool),
            2 => (0i64..4_000_000).prop_map(|c| Value::Num(rust_decimal::Decimal::new(c, 2))),
            1 => Just(Value::Text(Arc::from("testo"))),
        ]
    }

    proptest! {
        /// The member rows are the slices of `stride` values, empty past the values' end (a
        /// table shorter than its member count), for any stride including none.
        #[test]
        fn member_rows_are_the_strided_slices(len in 0usize..40, stride in 0usize..7, count in 0usize..12) {
            let values: Vec<Value> = (0..len as i64).map(Value::from).collect();
            let view = super::FactsView {
                household: &[],
                household_at: None,
                members: &values,
                member_at: None,
                stride,
                count,
            };
            let rows: Vec<&[Value]> = view.member_rows().collect();
            let expected: Vec<&[Value]> = (0..count)
                .map(|i| values.get(i * stride..(i + 1) * stride).unwrap_or(&[]))
                .collect();
            prop_assert_eq!(rows, expected);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// `view_checked` gives `view`'s result (the same view, or the same error) on any
        /// table, with the missing bits exact or with any bits set besides.
        #[test]
        fn a_checked_view_is_the_walked_view(
            household in proptest::collection::vec(value(), 0..8),
            members in prop_oneof![
                proptest::collection::vec(value(), 0..40),
                (0usize..6).prop_flat_map(|n| proptest::collection::vec(value(), n * 6)),
            ],
            extra in (any::<u64>(), any::<u64>(), 0u32..64),
        ) {
            let program = Program::from_yaml(PROGRAM, "vista.yaml").unwrap();
            let (hv, mv) = (vocabulary(&program.inputs), vocabulary(&program.members));
            let binding = bind(&program, &hv, &mv);
            let exact = MissingFacts::of(&household, &members, binding.member_stride);
            // Extra bits: few or many.
            let (h, m, shift) = extra;
            let missing = MissingFacts::from_bits(
                exact.household() | (h >> shift),
                exact.members() | (m >> shift),
            );
            let want = format!("{:?}", binding.view(&household, &members));
            prop_assert_eq!(format!("{:?}", binding.view_checked(&household, &members, missing)), want.clone());
            prop_assert_eq!(format!("{:?}", binding.view_checked(&household, &members, exact)), want);
        }

        /// Any table (of the vocabulary's types or not, of any length): the same values and
        /// errors both ways.
        #[test]
        fn any_table_evaluates_the_same_both_ways(
            household in proptest::collection::vec(value(), 0..8),
            members in prop_oneof![
                proptest::collection::vec(value(), 0..40),
                // Whole members of the vocabulary's six facts, more often than by chance.
                (0usize..6).prop_flat_map(|n| proptest::collection::vec(value(), n * 6)),
            ],
            many in any::<bool>(),
        ) {
            let program = Program::from_yaml(PROGRAM, "vista.yaml").unwrap();
            let (hv, mv) = (vocabulary(&program.inputs), vocabulary(&program.members));
            let binding = bind(&program, &hv, &mv);
            let snap = program.snapshot(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
            let plan = program.plan(["importo"]).unwrap();
            let members = if many { repeat(&members, MAX_MEMBERS / 2) } else { members };
            same_both_ways(&snap, &plan, &binding, &household, &members, "random table");
        }
    }
}
