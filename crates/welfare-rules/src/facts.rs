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

    /// The facts of each member, in order.
    pub(crate) fn member_slots(&self) -> impl Iterator<Item = &[Value]> {
        let stride = self.stride;
        (0..self.count).map(move |i| self.members.get(i * stride..(i + 1) * stride).unwrap_or(&[]))
    }

    fn from_parts(household: Vec<Value>, members: Vec<Vec<Value>>, stride: usize) -> Facts {
        let count = members.len();
        Facts { household, members: members.into_iter().flatten().collect(), stride, count }
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
/// [`Binding::fill`] copies a household's facts into the program's slots by position, with no
/// name looked up, no JSON built and, once the buffers have grown, no allocation. This is how
/// a catalogue of many rulebooks shares one set of household facts.
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
    /// The number of facts per member in the caller's vocabulary.
    member_stride: usize,
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
        Ok(Binding {
            household: bind_scope(&self.inputs, household, "household")?,
            members: bind_scope(&self.members, member, "member")?,
            member_stride: member.len(),
        })
    }
}

impl Binding {
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
        let count = members.len().checked_div(self.member_stride).unwrap_or(0);
        if count > MAX_MEMBERS {
            return Err(EvalError::Limit { what: format!("at most {MAX_MEMBERS} members") });
        }
        if count * self.member_stride != members.len() {
            return Err(EvalError::BadFact {
                name: "members".to_owned(),
                expected: format!("{} facts per member", self.member_stride),
            });
        }
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
}
