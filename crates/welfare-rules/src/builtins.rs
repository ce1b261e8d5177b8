//! Functions of the expression language that live outside the evaluator's core loop: calendar
//! arithmetic, parameters as in force on another date, the row count of a band table and
//! per-member lists.
//!
//! | Italian | English | type |
//! |---|---|---|
//! | `aggiungi_mesi(data, n)` | `add_months(date, n)` | date, integer → date |
//! | `aggiungi_giorni(data, n)` | `add_days(date, n)` | date, integer → date |
//! | `giorni_tra(a, b)` | `days_between(a, b)` | date, date → integer |
//! | `parametro_alla_data(nome, data)` | `parameter_on(name, date)` | the parameter's type |
//! | `righe(tabella)` | `rows(table)` | integer |
//! | `elenco(membri, valore[, filtro])` | `list(members, value[, filter])` | list of the value's type |
//! | `posizioni(membri[, filtro])` | `positions(members[, filter])` | list of integers |
//!
//! The checker (a child module of `check`) types the calls and compiles them to one
//! [`Builtin`] node; the evaluator hands that node here with a callback that evaluates
//! sub-expressions, optionally for one member. Every sub-expression goes through the
//! evaluator, so the step limit ([`crate::limits::MAX_EVAL_STEPS`]) counts them, and a list
//! has at most one item per member ([`crate::limits::MAX_MEMBERS`]).

use std::sync::Arc;

use chrono::{Months, NaiveDate, TimeDelta};
use rust_decimal::Decimal;

use crate::error::EvalError;
use crate::eval::{ParameterUse, Snapshot, Used, UsedKind};
use crate::program::{Code, Def, Param, ParamData, Table, Version};
use crate::syntax::Text;
use crate::value::Value;

/// The Italian and English names of every function in this module, Italian first.
pub(crate) const NAMES: [(&str, &str); 7] = [
    ("aggiungi_mesi", "add_months"),
    ("aggiungi_giorni", "add_days"),
    ("giorni_tra", "days_between"),
    ("parametro_alla_data", "parameter_on"),
    ("righe", "rows"),
    ("elenco", "list"),
    ("posizioni", "positions"),
];

/// The English (canonical) name of one of this module's functions, written in either language.
pub(crate) fn canonical(name: &str) -> Option<&'static str> {
    NAMES.iter().find(|(it, en)| *it == name || *en == name).map(|(_, en)| *en)
}

/// Every name of this module's functions, both languages (for "did you mean" hints).
pub(crate) fn all_names() -> impl Iterator<Item = &'static str> {
    NAMES.iter().flat_map(|(it, en)| [*it, *en])
}

/// A compiled call of one of this module's functions.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Builtin {
    /// `aggiungi_mesi(data, n)`: calendar months, clamped to the month's last day.
    AddMonths(Code, Code),
    /// `aggiungi_giorni(data, n)`.
    AddDays(Code, Code),
    /// `giorni_tra(a, b)`: `b − a` in days, negative when `b` is earlier.
    DaysBetween(Code, Code),
    /// `parametro_alla_data(nome, data)`: a value parameter as in force on `date`.
    ParamOn {
        /// The parameter's index in the program.
        param: u32,
        /// The date.
        date: Code,
    },
    /// `righe(tabella)`: the number of rows of the band table in force on the evaluation date.
    Rows(u32),
    /// `elenco(membri, valore, filtro)`: one value per kept member, in member order.
    MemberList {
        /// The value computed for each member.
        body: Code,
        /// Which members are kept.
        filter: Option<Code>,
    },
    /// `posizioni(membri, filtro)`: the 1-based positions of the kept members.
    Positions {
        /// Which members are kept.
        filter: Option<Code>,
    },
}

/// Evaluates a sub-expression: in the current scope (`None`) or for the member at a 0-based
/// position (`Some(i)`).
pub(crate) type Sub<'a> = dyn FnMut(&Code, Option<usize>) -> Result<Value, Box<EvalError>> + 'a;

/// The version of `p` in force on `date`, with the precedence of [`Snapshot::new`]: the most
/// specific rulebook's layer first (comune over ambito over regione over stato).
pub(crate) fn version_on(p: &Param, date: NaiveDate) -> Option<&Version> {
    p.layers.iter().find_map(|layer| layer.iter().find(|v| v.valid.contains(date)))
}

/// `date` moved by `n` calendar months (negative: back). A day the target month lacks becomes
/// its last day: 31 August + 6 months is 28 (or 29) February (art. 2963 c. 4 c.c.).
pub(crate) fn add_months(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    let months = u32::try_from(n.unsigned_abs()).ok()?;
    if n >= 0 {
        welfare_types::dates::add_months(date, months).ok()
    } else {
        date.checked_sub_months(Months::new(months))
    }
}

/// `date` moved by `n` days (negative: back).
pub(crate) fn add_days(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    date.checked_add_signed(TimeDelta::try_days(n)?)
}

/// Days from `a` to `b`: negative when `b` is before `a`.
pub(crate) fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    b.signed_duration_since(a).num_days()
}

struct Ctx<'s, 'p> {
    snap: &'s Snapshot<'p>,
    current: u32,
}

impl Ctx<'_, '_> {
    fn name(&self) -> String {
        self.snap.program.def_name(self.current)
    }

    fn missing(&self) -> Box<EvalError> {
        Box::new(EvalError::MissingValue { definition: self.name() })
    }

    fn date_err(&self, reason: &str) -> Box<EvalError> {
        Box::new(EvalError::Date { definition: self.name(), reason: reason.to_owned() })
    }

    fn date(&self, v: Value) -> Result<NaiveDate, Box<EvalError>> {
        match v {
            Value::Date(d) => Ok(d),
            _ => Err(self.missing()),
        }
    }

    fn whole(&self, v: Value) -> Result<i64, Box<EvalError>> {
        let d = v.as_decimal().ok_or_else(|| self.missing())?;
        if !d.fract().is_zero() {
            return Err(Box::new(EvalError::Arithmetic {
                definition: self.name(),
                reason: "a number of months or days is not a whole number".to_owned(),
            }));
        }
        i64::try_from(d).map_err(|_| self.date_err("number of months or days out of range"))
    }

    fn param(&self, i: u32) -> Result<&Param, Box<EvalError>> {
        self.snap.program.params.get(i as usize).ok_or_else(|| self.missing())
    }
}

/// Whether the member at position `i` passes the filter (every member when there is none).
fn keep(
    cx: &Ctx<'_, '_>,
    sub: &mut Sub<'_>,
    filter: Option<&Code>,
    i: usize,
) -> Result<bool, Box<EvalError>> {
    match filter {
        Some(f) => sub(f, Some(i))?.as_bool().ok_or_else(|| cx.missing()),
        None => Ok(true),
    }
}

fn table_rows(t: &Table) -> Value {
    Value::Num(Decimal::from(t.bounds.len() as u64))
}

/// Evaluates one call. `sub` evaluates a sub-expression through the evaluator (which counts
/// its steps); `members` is the household's member count; `current` is the definition being
/// computed (named in errors).
pub(crate) fn eval(
    b: &Builtin,
    snap: &Snapshot<'_>,
    members: usize,
    current: u32,
    sub: &mut Sub<'_>,
) -> Result<Value, Box<EvalError>> {
    let cx = Ctx { snap, current };
    Ok(match b {
        Builtin::AddMonths(date, n) | Builtin::AddDays(date, n) => {
            let d = cx.date(sub(date, None)?)?;
            let n = cx.whole(sub(n, None)?)?;
            let moved =
                if matches!(b, Builtin::AddMonths(..)) { add_months(d, n) } else { add_days(d, n) };
            Value::Date(moved.ok_or_else(|| cx.date_err("date out of the supported calendar"))?)
        }
        Builtin::DaysBetween(a, b) => {
            let a = cx.date(sub(a, None)?)?;
            let b = cx.date(sub(b, None)?)?;
            Value::Num(Decimal::from(days_between(a, b)))
        }
        Builtin::ParamOn { param, date } => {
            let d = cx.date(sub(date, None)?)?;
            let p = cx.param(*param)?;
            let v = version_on(p, d).ok_or_else(|| {
                Box::new(EvalError::ParameterNotInForce { name: p.name.clone(), date: d })
            })?;
            match &v.data {
                ParamData::Value(v) => v.clone(),
                _ => return Err(cx.missing()),
            }
        }
        // The version in force on the evaluation date is the snapshot's: no search per call.
        Builtin::Rows(table) => match snap.params.get(*table as usize).map(|p| p.data()) {
            Some(ParamData::Table(t)) => table_rows(t),
            _ => return Err(cx.missing()),
        },
        Builtin::MemberList { body, filter } => {
            let mut out = Vec::new();
            for i in 0..members {
                if keep(&cx, sub, filter.as_ref(), i)? {
                    out.push(sub(body, Some(i))?);
                }
            }
            Value::List(out.into())
        }
        Builtin::Positions { filter } => {
            let mut out = Vec::new();
            for i in 0..members {
                if keep(&cx, sub, filter.as_ref(), i)? {
                    out.push(Value::Num(Decimal::from(i as u64 + 1)));
                }
            }
            Value::List(out.into())
        }
    })
}

/// Whether `code` reads a parameter on a date of its own (`parametro_alla_data`).
pub(crate) fn reads_dated_parameter(code: &Code) -> bool {
    let mut found = false;
    visit(code, &mut |b| found |= matches!(b, Builtin::ParamOn { .. }));
    found
}

/// Calls `f` on every [`Builtin`] node in `code`, outermost first.
fn visit<'c>(code: &'c Code, f: &mut impl FnMut(&'c Builtin)) {
    if let Code::Builtin(b) = code {
        f(b);
    }
    crate::program::children(code, &mut |c, _| visit(c, f));
}

/// Adds to `uses` each parameter that `def` read with `parametro_alla_data` on a date the
/// explanation can read back (a household fact, a definition, a date literal or `oggi`): the
/// value and the version in force on that date, named `name@date` so it is not mistaken for
/// the version in force on the evaluation date. A date computed inside the formula
/// (`parametro_alla_data(p, aggiungi_mesi(d, 1))`) or a member's date is not listed.
pub(crate) fn dated_uses(
    def: &Def,
    dated: bool,
    snap: &Snapshot<'_>,
    facts: crate::facts::FactsView<'_>,
    values: &[Value],
    uses: &mut Vec<Used>,
) {
    // Decided once per program (explanations are on the hot path of explained batches).
    if !dated {
        return;
    }
    let mut found = Vec::new();
    visit(&def.code, &mut |b| {
        if let Builtin::ParamOn { param, date } = b {
            found.push((*param, date));
        }
    });
    let date_of = |v: Option<&Value>| match v {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    };
    for (param, date) in found {
        let on = match date {
            Code::Input(k) => date_of(facts.input(*k)),
            Code::Def(k) => date_of(values.get(*k as usize)),
            Code::Const(Value::Date(d)) => Some(*d),
            Code::Today => Some(snap.date),
            _ => None,
        };
        let Some(on) = on else { continue };
        let Some(p) = snap.program.params.get(param as usize) else { continue };
        let Some(version) = version_on(p, on) else { continue };
        let ParamData::Value(value) = &version.data else { continue };
        let name = format!("{}@{on}", p.name);
        if uses.iter().any(|u| *u.name == *name) {
            continue;
        }
        let plain = p.name.replace('_', " ");
        let (it, en) = match &p.label {
            Some(l) => (l.it.clone(), l.get(crate::Lang::En).to_owned()),
            None => (plain.clone(), plain),
        };
        uses.push(Used {
            name: name.into(),
            kind: UsedKind::Parameter,
            ty: p.ty.to_string().into(),
            label: Some(std::sync::Arc::new(Text {
                it: format!("{it} alla data del {}", on.format("%d/%m/%Y")),
                en: Some(format!("{en} on {on}")),
            })),
            value: Some(Arc::new(value.to_json(&p.ty))),
            display: Some(Arc::from(value.display(&p.ty))),
            parameter: Some(ParameterUse {
                valid: version.valid,
                source: version.source.clone(),
                rulebook: version.rulebook.clone(),
                reference: p.reference.clone().map(std::sync::Arc::new),
            }),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_end_on_the_anniversary_or_the_last_day() {
        // Art. 2963 c.c.: a term of months ends on the same day number, or on the last day of a
        // month that lacks it.
        assert_eq!(add_months(d(2025, 1, 31), 6), Some(d(2025, 7, 31)));
        assert_eq!(add_months(d(2024, 8, 31), 6), Some(d(2025, 2, 28)));
        assert_eq!(add_months(d(2023, 8, 31), 6), Some(d(2024, 2, 29)));
        assert_eq!(add_months(d(2024, 2, 29), 12), Some(d(2025, 2, 28)));
        assert_eq!(add_months(d(2025, 3, 31), -1), Some(d(2025, 2, 28)));
        assert_eq!(add_months(d(2025, 3, 15), 0), Some(d(2025, 3, 15)));
        assert_eq!(add_months(d(2025, 3, 15), i64::MAX), None);
        assert_eq!(add_months(d(2025, 3, 15), i64::MIN), None);
    }

    #[test]
    fn days_forward_back_and_between() {
        assert_eq!(add_days(d(2024, 2, 28), 1), Some(d(2024, 2, 29)));
        assert_eq!(add_days(d(2025, 1, 1), -1), Some(d(2024, 12, 31)));
        assert_eq!(add_days(d(2025, 1, 1), i64::MAX), None);
        assert_eq!(days_between(d(2024, 1, 1), d(2025, 1, 1)), 366);
        assert_eq!(days_between(d(2025, 1, 1), d(2024, 1, 1)), -366);
        assert_eq!(days_between(d(2025, 1, 1), d(2025, 1, 1)), 0);
    }

    #[test]
    fn names_in_both_languages() {
        assert_eq!(canonical("aggiungi_mesi"), Some("add_months"));
        assert_eq!(canonical("days_between"), Some("days_between"));
        assert_eq!(canonical("somma"), None);
        assert_eq!(all_names().count(), 14);
    }
}
