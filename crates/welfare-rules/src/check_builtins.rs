//! Type checking of the functions in [`crate::builtins`]: argument counts, argument types and
//! parameter names (with "did you mean" suggestions), compiled to one [`Code::Builtin`] node.
//!
//! A child module of `check`, so it reuses the checker's helpers.

use rust_decimal::Decimal;

use super::{const_number, Checked, Checker, Env};
use crate::builtins::{self, Builtin};
use crate::error::DiagnosticKind;
use crate::expr::{Expr, ExprKind};
use crate::program::Code;
use crate::suggest;
use crate::syntax::Definition;
use crate::types::Type;

fn node(t: Type, b: Builtin) -> Checked {
    Ok((t, Code::Builtin(Box::new(b))))
}

impl Checker<'_> {
    /// Checks a call of a function of [`crate::builtins`] (`name` as written).
    pub(super) fn builtin(
        &mut self,
        name: &str,
        args: &[Expr],
        e: &Expr,
        env: &mut Env<'_, '_>,
        def: &Definition,
    ) -> Checked {
        let Some(canonical) = builtins::canonical(name) else {
            return Err(());
        };
        match canonical {
            "add_months" | "add_days" => {
                self.arity(def, e, name, args, 2, 2)?;
                let date = self.date_arg(def, args.first(), env, "the date")?;
                let what = if canonical == "add_months" {
                    "the number of months"
                } else {
                    "the number of days"
                };
                let n = self.whole_arg(def, args.get(1), env, what)?;
                let b = if canonical == "add_months" {
                    Builtin::AddMonths(date, n)
                } else {
                    Builtin::AddDays(date, n)
                };
                node(Type::Date, b)
            }
            "days_between" => {
                self.arity(def, e, name, args, 2, 2)?;
                let a = self.date_arg(def, args.first(), env, "the first date")?;
                let b = self.date_arg(def, args.get(1), env, "the second date")?;
                node(Type::Integer, Builtin::DaysBetween(a, b))
            }
            "parameter_on" => {
                self.arity(def, e, name, args, 2, 2)?;
                let first = args.first().ok_or(())?;
                let param = self.value_param(def, first, env, name)?;
                let date = self.date_arg(def, args.get(1), env, "the date")?;
                let ty = self.params.get(param as usize).map(|p| p.ty.clone()).ok_or(())?;
                node(ty, Builtin::ParamOn { param, date })
            }
            "rows" => {
                self.arity(def, e, name, args, 1, 1)?;
                let table = self.table_arg(def, args.first(), env, Type::BandTable)?;
                node(Type::Integer, Builtin::Rows(table))
            }
            _ => {
                // "list" and "positions": over the household's members.
                let (min, max) = if canonical == "list" { (2, 3) } else { (1, 2) };
                self.arity(def, e, name, args, min, max)?;
                let first = args.first().ok_or(())?;
                if !matches!(&first.kind, ExprKind::Name(n) if n == "membri" || n == "members") {
                    self.err(
                        def,
                        first,
                        DiagnosticKind::Type,
                        format!("`{name}` is computed over the household's members"),
                        Some("`membri` / `members` as the first argument".to_owned()),
                    );
                    return Err(());
                }
                let filter_arg = if canonical == "list" { args.get(2) } else { args.get(1) };
                self.member_scope(def, e, env, |cx, env| {
                    // The filter runs first: what it proves present, the value may use.
                    let (filter, present) = match filter_arg {
                        Some(f) => {
                            (Some(cx.boolean(def, f, env, "the filter")?), cx.narrowing(f).0)
                        }
                        None => (None, Vec::new()),
                    };
                    if canonical != "list" {
                        return node(
                            Type::List(Box::new(Type::Integer)),
                            Builtin::Positions { filter },
                        );
                    }
                    let value = args.get(1).ok_or(())?;
                    let (t, body) = cx.with_present(env, present, |cx, env| cx.expr(value, env, def))?;
                    let item = match t {
                        Type::Number => Type::Decimal,
                        Type::Money
                        | Type::Decimal
                        | Type::Integer
                        | Type::Boolean
                        | Type::Text
                        | Type::Enum(_)
                        | Type::Date => t,
                        other => {
                            let hint = if matches!(other, Type::Optional(_)) {
                                "; the value may be missing: give a default with `valore_o` / `value_or` or filter on `presente` / `present`"
                            } else {
                                ""
                            };
                            cx.err(
                                def,
                                value,
                                DiagnosticKind::Type,
                                format!("the value listed for each member is {other}{hint}"),
                                Some("money, decimal, integer, boolean, text, enum or date".to_owned()),
                            );
                            return Err(());
                        }
                    };
                    node(Type::List(Box::new(item)), Builtin::MemberList { body, filter })
                })
            }
        }
    }

    fn date_arg(
        &mut self,
        def: &Definition,
        arg: Option<&Expr>,
        env: &mut Env<'_, '_>,
        what: &str,
    ) -> Result<Code, ()> {
        let arg = arg.ok_or(())?;
        let (t, c) = self.expr(arg, env, def)?;
        self.expect_type(def, arg, &t, &[Type::Date], what)?;
        Ok(c)
    }

    fn whole_arg(
        &mut self,
        def: &Definition,
        arg: Option<&Expr>,
        env: &mut Env<'_, '_>,
        what: &str,
    ) -> Result<Code, ()> {
        let arg = arg.ok_or(())?;
        let (t, c) = self.expr(arg, env, def)?;
        self.expect_type(def, arg, &t, &[Type::Integer], what)?;
        if let Some(n) = const_number(arg) {
            if n.fract() != Decimal::ZERO {
                self.err(
                    def,
                    arg,
                    DiagnosticKind::Type,
                    format!("{what} is {n}, not a whole number"),
                    Some("a whole number".to_owned()),
                );
                return Err(());
            }
        }
        Ok(c)
    }

    /// The index of the value parameter named by `arg` (`soglia`, `naz.soglia`).
    fn value_param(
        &mut self,
        def: &Definition,
        arg: &Expr,
        env: &mut Env<'_, '_>,
        function: &str,
    ) -> Result<u32, ()> {
        let ExprKind::Name(name) = &arg.kind else {
            self.err(
                def,
                arg,
                DiagnosticKind::Type,
                format!("the first argument of `{function}` is not a name"),
                Some("the name of a parameter".to_owned()),
            );
            return Err(());
        };
        let qualified = env.unit.qualify(name);
        if let Some((idx, _)) = self.param_index.get(&qualified).cloned() {
            let ty = self.params.get(idx as usize).map(|p| p.ty.clone()).ok_or(())?;
            if matches!(ty, Type::BandTable | Type::Scale) {
                self.err(
                    def,
                    arg,
                    DiagnosticKind::Type,
                    format!("`{name}` is a {ty}; `{function}` reads a parameter with one value"),
                    Some(
                        "a money, decimal, integer, boolean, text, enum, date or list parameter"
                            .to_owned(),
                    ),
                );
                return Err(());
            }
            return Ok(idx);
        }
        let prefix = env.unit.prefix.clone();
        let params: Vec<String> = self
            .param_index
            .keys()
            .filter_map(|k| k.strip_prefix(prefix.as_str()))
            .filter(|rest| {
                !rest.contains('.')
                    || env.unit.imports.keys().any(|a| rest.starts_with(&format!("{a}.")))
            })
            .map(str::to_owned)
            .collect();
        let hint = suggest::hint(name, params.iter().map(String::as_str));
        let other = self.def_index.contains_key(&qualified)
            || (!name.contains('.') && self.input_index.contains_key(name.as_str()));
        let message = if other {
            format!("`{name}` is not a parameter{hint}")
        } else {
            format!("unknown parameter `{name}`{hint}")
        };
        self.err(
            def,
            arg,
            if other { DiagnosticKind::Type } else { DiagnosticKind::UnknownName },
            message,
            Some("the name of a parameter with dated versions".to_owned()),
        );
        Err(())
    }
}
