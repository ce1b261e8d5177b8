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
    pub(crate) members: Vec<Vec<Value>>,
}

impl Facts {
    /// The number of members.
    pub fn member_count(&self) -> usize {
        self.members.len()
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
        let decl = decls.get(i).ok_or(EvalError::UndeclaredFact { name: k.clone() })?;
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
        Ok(Facts { household, members })
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
        Ok(Facts { household, members })
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
