//! Linking, name resolution, type checking and compilation of rulebooks into a [`Program`].
//!
//! Every problem is collected; nothing runs until the whole program is clean.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use welfare_types::dates::{DateRange, Dated, DatedValues};
use welfare_types::{Rounding, RoundingMode, RoundingStep};

use crate::error::{Diagnostic, DiagnosticKind, LoadError, Location};
use crate::expr::{BinOp, Expr, ExprKind};
use crate::limits::{MAX_LINK_DEPTH, MAX_NAMES};
use crate::program::{
    Agg, Arith, Cmp, Code, DateDiff, Def, Dep, Input, Param, ParamData, Program, RulebookInfo,
    Table, Version,
};
use crate::suggest;
use crate::syntax::{Definition, LegalRef, ParamDecl, ParamValue, Rulebook, TextRows};
use crate::types::Type;
use crate::value::Value;
use crate::yaml::Node;

#[path = "check_builtins.rs"]
mod check_builtins;

struct Unit<'a> {
    prefix: String,
    /// Ancestors first, the most specific rulebook last.
    chain: Vec<&'a Rulebook>,
    /// alias → prefix of the imported unit.
    imports: BTreeMap<String, String>,
}

impl Unit<'_> {
    /// The program-wide name of `name` as written in this unit: `alias.x` names `x` of the
    /// imported unit `alias`; anything else is this unit's own.
    pub(crate) fn qualify(&self, name: &str) -> String {
        match name.split_once('.') {
            Some((alias, rest)) => match self.imports.get(alias) {
                Some(prefix) => format!("{prefix}{rest}"),
                None => format!("{}{name}", self.prefix),
            },
            None => format!("{}{name}", self.prefix),
        }
    }
}

struct Linker<'a> {
    library: &'a BTreeMap<String, Rulebook>,
    diags: Vec<Diagnostic>,
    units: Vec<Unit<'a>>,
}

impl<'a> Linker<'a> {
    fn chain(&mut self, rb: &'a Rulebook) -> Vec<&'a Rulebook> {
        let mut chain = vec![rb];
        let mut current = rb;
        while let Some((parent_id, loc)) = &current.extends {
            if chain.len() > MAX_LINK_DEPTH {
                self.diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Link,
                        loc.clone(),
                        "chain of `extends` too long or circular",
                    )
                    .expected(format!("at most {MAX_LINK_DEPTH} levels")),
                );
                break;
            }
            let Some(parent) = self.library.get(parent_id) else {
                let hint = suggest::hint(parent_id, self.library.keys().map(String::as_str));
                self.diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Link,
                        loc.clone(),
                        format!("extended rulebook `{parent_id}` is not loaded{hint}"),
                    )
                    .expected("the id of a rulebook given to the engine"),
                );
                break;
            };
            if parent.authority.level > current.authority.level {
                self.diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Link,
                        loc.clone(),
                        format!("a {:?} rulebook cannot extend a {:?} one", current.authority.level, parent.authority.level).to_lowercase(),
                    )
                    .expected("precedence comune > ambito > regione > stato: extend a rulebook of the same or a wider authority"),
                );
            }
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        chain
    }

    fn collect(&mut self, rb: &'a Rulebook, prefix: String, depth: usize) {
        if depth > MAX_LINK_DEPTH {
            self.diags.push(
                Diagnostic::new(
                    DiagnosticKind::Link,
                    rb.location.clone(),
                    "imports nested too deeply or circular",
                )
                .expected(format!("at most {MAX_LINK_DEPTH} levels")),
            );
            return;
        }
        let chain = self.chain(rb);
        let mut imports = BTreeMap::new();
        let mut todo = Vec::new();
        for r in &chain {
            for (alias, (id, loc)) in &r.imports {
                match self.library.get(id) {
                    Some(imported) => {
                        let p = format!("{prefix}{alias}.");
                        imports.insert(alias.clone(), p.clone());
                        todo.push((imported, p));
                    }
                    None => {
                        let hint = suggest::hint(id, self.library.keys().map(String::as_str));
                        self.diags.push(Diagnostic::new(
                            DiagnosticKind::Link,
                            loc.clone(),
                            format!("imported rulebook `{id}` is not loaded{hint}"),
                        ));
                    }
                }
            }
        }
        self.units.push(Unit { prefix, chain, imports });
        for (imported, p) in todo {
            self.collect(imported, p, depth + 1);
        }
    }
}

#[derive(Clone)]
struct Origin {
    unit: usize,
    location: Location,
}

struct Checker<'a> {
    diags: Vec<Diagnostic>,
    valid: DateRange,
    inputs: Vec<Input>,
    members: Vec<Input>,
    input_index: BTreeMap<String, (bool, u32, Origin)>,
    params: Vec<Param>,
    param_decls: Vec<Vec<(&'a str, &'a ParamDecl)>>,
    param_index: BTreeMap<String, (u32, Origin)>,
    defs: Vec<(usize, &'a Definition, &'a Rulebook, bool)>,
    def_index: BTreeMap<String, (u32, Origin)>,
    /// Replacements of inherited definitions and conditions (`overrides`), by definition
    /// index: least specific rulebook first.
    layers: BTreeMap<u32, Vec<(usize, &'a Definition, &'a Rulebook)>>,
    current_file: String,
}

/// A replacement of an inherited definition or condition, compiled for explanations: the rule
/// in force on a date is the most specific layer whose dates contain it, else the base.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DefLayer {
    pub(crate) from: Option<NaiveDate>,
    pub(crate) to: Option<NaiveDate>,
    pub(crate) formula: String,
    pub(crate) label: Option<crate::Text>,
    pub(crate) reason: Option<crate::Text>,
    pub(crate) reference: Option<LegalRef>,
    pub(crate) replacement: crate::syntax::Replacement,
}

/// How a replacing rule appears in an explanation (shared text, as for other rules).
pub(crate) struct LayerShown {
    pub(crate) label: Option<Arc<crate::Text>>,
    pub(crate) reason: Option<Arc<crate::Text>>,
    pub(crate) reference: Option<Arc<LegalRef>>,
    pub(crate) formula: Arc<str>,
    pub(crate) replacement: crate::syntax::Replacement,
}

impl DefLayer {
    /// Whether this layer's rule applies on `date`.
    pub(crate) fn in_force(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= date) && self.to.is_none_or(|t| date <= t)
    }

    /// The texts an explanation shows for this layer.
    pub(crate) fn shown(&self) -> LayerShown {
        LayerShown {
            label: self.label.clone().map(Arc::new),
            reason: self.reason.clone().map(Arc::new),
            reference: self.reference.clone().map(Arc::new),
            formula: Arc::from(self.formula.as_str()),
            replacement: self.replacement.clone(),
        }
    }
}

/// Compiles `root` (with the rulebooks it extends or imports, found in `library`) into a
/// [`Program`], or returns every problem found.
pub(crate) fn compile(
    root: &Rulebook,
    library: &BTreeMap<String, Rulebook>,
) -> Result<Program, LoadError> {
    let mut linker = Linker { library, diags: Vec::new(), units: Vec::new() };
    linker.collect(root, String::new(), 0);
    let mut seen = BTreeSet::new();
    for unit in &linker.units {
        for rb in &unit.chain {
            if seen.insert(rb.id.clone()) {
                linker.diags.extend(rb.problems.iter().cloned());
            }
        }
    }
    let valid = match DateRange::new(root.valid_from, root.valid_to) {
        Ok(r) => r,
        Err(e) => {
            linker.diags.push(Diagnostic::new(
                DiagnosticKind::Structure,
                root.location.clone(),
                format!("`valid`: {e}"),
            ));
            DateRange::starting(root.valid_from)
        }
    };
    let mut cx = Checker {
        diags: linker.diags,
        valid,
        inputs: Vec::new(),
        members: Vec::new(),
        input_index: BTreeMap::new(),
        params: Vec::new(),
        param_decls: Vec::new(),
        param_index: BTreeMap::new(),
        defs: Vec::new(),
        def_index: BTreeMap::new(),
        layers: BTreeMap::new(),
        current_file: String::new(),
    };
    let units = linker.units;
    for (u, unit) in units.iter().enumerate() {
        cx.register(u, unit);
    }
    if cx.inputs.len() + cx.members.len() + cx.params.len() + cx.defs.len() > MAX_NAMES {
        cx.diags.push(
            Diagnostic::new(DiagnosticKind::Limit, root.location.clone(), "too many names")
                .expected(format!("at most {MAX_NAMES}")),
        );
        return Err(LoadError { diagnostics: cx.diags });
    }
    for i in 0..cx.params.len() {
        cx.compile_param(i);
    }
    let mut defs = Vec::new();
    for (i, &(u, def, rb, condition)) in cx.defs.clone().iter().enumerate() {
        let Some(unit) = units.get(u) else { continue };
        let mut env = Env {
            unit,
            present: Vec::new(),
            member: false,
            deps: BTreeSet::new(),
            order: Vec::new(),
        };
        // Replacements by extending rulebooks: the most specific undated one hides the base and
        // every layer below it; dated ones apply on their dates only.
        let all_layers = cx.layers.get(&(i as u32)).cloned().unwrap_or_default();
        let start = all_layers.iter().rposition(|(_, l, _)| l.override_valid.is_none());
        let mut code = match start {
            Some(_) => Code::Const(Value::Missing),
            None => cx.compile_def(def, &mut env).unwrap_or(Code::Const(Value::Missing)),
        };
        let base_reference =
            def.reference.as_ref().and_then(|id| cx.legal(unit, rb, id, &def.location));
        let mut layers = Vec::new();
        for &(lu, layer, lrb) in all_layers.get(start.unwrap_or(0)..).unwrap_or(&[]) {
            let Some(lunit) = units.get(lu) else { continue };
            let layer_code = cx.compile_def(layer, &mut env).unwrap_or(Code::Const(Value::Missing));
            let (from, to) = match layer.override_valid {
                None => (None, None),
                Some((from, to)) => (Some(from), to),
            };
            code = match (from, to) {
                (None, _) => layer_code,
                (Some(from), to) => {
                    let date = |d: NaiveDate| Box::new(Code::Const(Value::Date(d)));
                    let mut applies = Code::Cmp(Cmp::Ge, Box::new(Code::Today), date(from));
                    if let Some(to) = to {
                        applies = Code::And(
                            Box::new(applies),
                            Box::new(Code::Cmp(Cmp::Le, Box::new(Code::Today), date(to))),
                        );
                    }
                    Code::If(Box::new(applies), Box::new(layer_code), Box::new(code))
                }
            };
            let reference =
                layer.reference.as_ref().and_then(|id| cx.legal(lunit, lrb, id, &layer.location));
            layers.push(DefLayer {
                from,
                to,
                formula: layer.formula.split_whitespace().collect::<Vec<_>>().join(" "),
                label: layer.label.clone().or_else(|| def.label.clone()),
                reason: layer.reason.clone().or_else(|| def.reason.clone()),
                reference: reference.clone(),
                replacement: crate::syntax::Replacement {
                    rulebook: lrb.id.clone(),
                    level: lrb.authority.level,
                    replaced: rb.id.clone(),
                    replaced_level: rb.authority.level,
                    from,
                    to,
                    reference,
                    replaced_reference: base_reference.clone(),
                },
            });
        }
        let name = format!("{}{}", unit.prefix, def.name);
        defs.push(Def {
            name,
            ty: def.ty.clone(),
            code,
            formula: def.formula.split_whitespace().collect::<Vec<_>>().join(" "),
            label: def.label.clone(),
            reason: def.reason.clone(),
            reference: base_reference,
            output: u == 0 && def.output,
            condition: condition && u == 0,
            deps: env.order,
            location: def.location.clone(),
            layers,
        });
    }
    let order = topo_sort(&defs, &mut cx.diags);
    // Ranking keys must be definitions of the root.
    if let Some(r) = &root.ranking {
        for key in std::iter::once(&r.score).chain(r.tie_break.iter().map(|(k, _)| k)) {
            match defs.iter().find(|d| &d.name == key) {
                Some(d) if d.ty.is_numeric() || d.ty == Type::Date || d.ty == Type::Boolean => {}
                Some(d) => cx.diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Type,
                        root.location.clone(),
                        format!("ranking key `{key}` is {}", d.ty),
                    )
                    .expected("a numeric, date or boolean definition"),
                ),
                None => {
                    let hint = suggest::hint(key, defs.iter().map(|d| d.name.as_str()));
                    cx.diags.push(Diagnostic::new(
                        DiagnosticKind::UnknownName,
                        root.location.clone(),
                        format!("ranking key `{key}` is not a definition{hint}"),
                    ));
                }
            }
        }
    }
    if !cx.diags.is_empty() {
        cx.diags.sort_by(|a, b| {
            (&a.location.file, a.location.line, a.location.column).cmp(&(
                &b.location.file,
                b.location.line,
                b.location.column,
            ))
        });
        cx.diags.dedup();
        return Err(LoadError { diagnostics: cx.diags });
    }
    let mut rulebooks = Vec::new();
    for unit in &units {
        for rb in unit.chain.iter().rev() {
            if !rulebooks.iter().any(|r: &RulebookInfo| r.id == rb.id) {
                rulebooks.push(RulebookInfo {
                    id: rb.id.clone(),
                    version: rb.version.clone(),
                    content_hash: rb.content_hash.clone(),
                });
            }
        }
    }
    let mut legal_basis = Vec::new();
    for rb in units.first().map(|u| u.chain.clone()).unwrap_or_default() {
        legal_basis.extend(rb.legal_basis.iter().cloned());
    }
    let shown =
        crate::program::ShownTables::build(&cx.inputs, &cx.members, &cx.params, &defs, &order);
    let compiled = std::sync::Arc::new(crate::compile::Compiled::new(&defs));
    Ok(Program {
        shown,
        compiled,
        fingerprint: crate::program::fingerprint(&rulebooks),
        id: root.id.clone(),
        title: root.title.clone(),
        authority: root.authority.clone(),
        status: root.status,
        legal_basis,
        rulebooks,
        inputs: cx.inputs,
        members: cx.members,
        params: cx.params,
        defs,
        order,
        ranking: root.ranking.clone(),
        valid,
    })
}

fn topo_sort(defs: &[Def], diags: &mut Vec<Diagnostic>) -> Vec<u32> {
    // Kahn's algorithm over definition → definition edges, smallest index first (stable).
    let n = defs.len();
    let mut indegree = vec![0usize; n];
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, d) in defs.iter().enumerate() {
        for dep in &d.deps {
            if let Dep::Def(j) = dep {
                let j = *j as usize;
                if let (Some(deg), Some(u)) = (indegree.get_mut(i), users.get_mut(j)) {
                    *deg += 1;
                    u.push(i);
                }
            }
        }
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|&i| indegree.get(i) == Some(&0)).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i as u32);
        for &u in users.get(i).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(deg) = indegree.get_mut(u) {
                *deg -= 1;
                if *deg == 0 {
                    ready.insert(u);
                }
            }
        }
    }
    if order.len() < n {
        // Report each cycle once, by walking from the smallest remaining definition.
        let remaining: BTreeSet<usize> = (0..n).filter(|i| !order.contains(&(*i as u32))).collect();
        let mut reported = BTreeSet::new();
        for &start in &remaining {
            if reported.contains(&start) {
                continue;
            }
            let mut path = vec![start];
            let mut current = start;
            let cycle = loop {
                let next = defs.get(current).and_then(|d| {
                    d.deps.iter().find_map(|dep| match dep {
                        Dep::Def(j) if remaining.contains(&(*j as usize)) => Some(*j as usize),
                        _ => None,
                    })
                });
                let Some(next) = next else { break None };
                if let Some(pos) = path.iter().position(|&p| p == next) {
                    break Some(path.split_off(pos));
                }
                path.push(next);
                current = next;
            };
            if let Some(cycle) = cycle {
                if cycle.iter().any(|c| reported.contains(c)) {
                    continue;
                }
                reported.extend(cycle.iter().copied());
                let names: Vec<&str> = cycle
                    .iter()
                    .chain(cycle.first())
                    .filter_map(|&i| defs.get(i))
                    .map(|d| d.name.as_str())
                    .collect();
                if let Some(first) = cycle
                    .iter()
                    .filter_map(|&i| defs.get(i))
                    .min_by_key(|d| (d.location.line, d.location.column))
                {
                    diags.push(
                        Diagnostic::new(DiagnosticKind::Cycle, first.location.clone(), format!("definitions depend on each other: {}", names.join(" → ")))
                            .expected("definitions that depend only on inputs, parameters and earlier definitions"),
                    );
                }
            } else {
                reported.insert(start);
            }
        }
    }
    order
}

struct Env<'u, 'a> {
    unit: &'u Unit<'a>,
    present: Vec<Dep>,
    member: bool,
    deps: BTreeSet<Dep>,
    order: Vec<Dep>,
}

impl Env<'_, '_> {
    fn dep(&mut self, d: Dep) {
        if self.deps.insert(d) {
            self.order.push(d);
        }
    }
}

type Checked = Result<(Type, Code), ()>;

fn type_name_list(t: &[Type]) -> String {
    t.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// The common type of two branches or operands, if any.
fn unify(a: &Type, b: &Type) -> Option<Type> {
    use Type::{Decimal, Integer, Money, Number};
    Some(match (a, b) {
        (x, y) if x == y => x.clone(),
        (Number, x @ (Money | Decimal | Integer)) | (x @ (Money | Decimal | Integer), Number) => {
            x.clone()
        }
        (Integer, Decimal) | (Decimal, Integer) => Decimal,
        (Type::Enum(_), Type::Text) | (Type::Text, Type::Enum(_)) => Type::Text,
        (Type::Enum(x), Type::Enum(y)) => {
            let mut all: Vec<String> = x.iter().cloned().collect();
            for v in y.iter() {
                if !all.contains(v) {
                    all.push(v.clone());
                }
            }
            Type::Enum(Arc::from(all))
        }
        _ => return None,
    })
}

impl<'a> Checker<'a> {
    fn dup(&mut self, kind: &str, name: &str, here: &Location, first: &Location) {
        self.diags.push(
            Diagnostic::new(
                DiagnosticKind::Duplicate,
                here.clone(),
                format!("{kind} `{name}` is declared twice"),
            )
            .related(first.clone()),
        );
    }

    fn register(&mut self, u: usize, unit: &Unit<'a>) {
        for rb in &unit.chain {
            for (member, list) in [(false, &rb.household), (true, &rb.member)] {
                for decl in list {
                    if let Some((m, idx, origin)) = self.input_index.get(&decl.name).cloned() {
                        let existing = if m {
                            self.members.get(idx as usize)
                        } else {
                            self.inputs.get(idx as usize)
                        };
                        let same = m == member
                            && existing
                                .is_some_and(|e| e.ty == decl.ty && e.optional == decl.optional);
                        if !same {
                            self.diags.push(
                                Diagnostic::new(
                                    DiagnosticKind::Duplicate,
                                    decl.location.clone(),
                                    format!(
                                        "input `{}` is declared twice with different types",
                                        decl.name
                                    ),
                                )
                                .related(origin.location),
                            );
                        }
                        continue;
                    }
                    let list = if member { &mut self.members } else { &mut self.inputs };
                    let idx = list.len() as u32;
                    list.push(Input {
                        name: decl.name.clone(),
                        ty: decl.ty.clone(),
                        optional: decl.optional,
                        label: decl.label.clone(),
                    });
                    self.input_index.insert(
                        decl.name.clone(),
                        (member, idx, Origin { unit: u, location: decl.location.clone() }),
                    );
                }
            }
            for p in &rb.parameters {
                let q = format!("{}{}", unit.prefix, p.name);
                if let Some((idx, origin)) = self.param_index.get(&q).cloned() {
                    let same_file = origin.location.file == p.location.file;
                    let existing_ty = self.params.get(idx as usize).map(|e| e.ty.clone());
                    if origin.unit != u || same_file {
                        self.dup("parameter", &p.name, &p.location, &origin.location);
                    } else if existing_ty.as_ref() != Some(&p.ty) {
                        self.diags.push(
                            Diagnostic::new(
                                DiagnosticKind::Type,
                                p.location.clone(),
                                format!("override of parameter `{}` changes its type", p.name),
                            )
                            .expected(existing_ty.map(|t| t.to_string()).unwrap_or_default())
                            .related(origin.location),
                        );
                    } else if let Some(decls) = self.param_decls.get_mut(idx as usize) {
                        // A dated override: the more specific rulebook's layer comes first.
                        decls.insert(0, (rb.id.as_str(), p));
                    }
                    continue;
                }
                if let Some((_, origin)) = self.def_index.get(&q) {
                    let first = origin.location.clone();
                    self.dup("name", &p.name, &p.location, &first);
                    continue;
                }
                if unit.prefix.is_empty() {
                    if let Some((_, _, origin)) = self.input_index.get(&p.name) {
                        let first = origin.location.clone();
                        self.dup("name", &p.name, &p.location, &first);
                        continue;
                    }
                }
                let idx = self.params.len() as u32;
                let reference =
                    p.reference.as_ref().and_then(|id| self.legal(unit, rb, id, &p.location));
                self.params.push(Param {
                    name: q.clone(),
                    ty: p.ty.clone(),
                    columns: p.columns.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    label: p.label.clone(),
                    reference,
                    layers: Vec::new(),
                });
                self.param_decls.push(vec![(rb.id.as_str(), p)]);
                self.param_index.insert(q, (idx, Origin { unit: u, location: p.location.clone() }));
            }
            for (condition, list) in [(false, &rb.definitions), (true, &rb.conditions)] {
                for d in list {
                    let q = format!("{}{}", unit.prefix, d.name);
                    if let Some((_, origin)) = self.param_index.get(&q) {
                        let first = origin.location.clone();
                        self.dup("name", &d.name, &d.location, &first);
                        continue;
                    }
                    if self.input_index.contains_key(&d.name) && unit.prefix.is_empty() {
                        let first = self
                            .input_index
                            .get(&d.name)
                            .map(|x| x.2.location.clone())
                            .unwrap_or_default();
                        self.dup("name", &d.name, &d.location, &first);
                        continue;
                    }
                    if let Some((idx, origin)) = self.def_index.get(&q).cloned() {
                        let inherited = origin.unit == u && origin.location.file != d.location.file;
                        if inherited && d.overrides {
                            self.override_layer(idx, u, d, rb, condition);
                            self.def_index
                                .insert(q, (idx, Origin { unit: u, location: d.location.clone() }));
                        } else {
                            let mut diag = Diagnostic::new(
                                DiagnosticKind::Duplicate,
                                d.location.clone(),
                                format!("`{}` is declared twice", d.name),
                            )
                            .related(origin.location.clone());
                            if inherited {
                                diag = diag.expected("`overrides: true` to replace the extended rulebook's definition");
                            }
                            self.diags.push(diag);
                        }
                        continue;
                    }
                    if d.overrides {
                        let inherited = self.def_index.iter().filter(|(_, (_, o))| o.unit == u);
                        let hint = suggest::hint(&d.name, inherited.map(|(name, _)| name.as_str()));
                        self.diags.push(
                            Diagnostic::new(
                                DiagnosticKind::Link,
                                d.location.clone(),
                                format!("`{}` has `overrides` but overrides nothing{hint}", d.name),
                            )
                            .expected("a definition or condition of an extended rulebook"),
                        );
                    }
                    let idx = self.defs.len() as u32;
                    self.defs.push((u, d, rb, condition));
                    self.def_index
                        .insert(q, (idx, Origin { unit: u, location: d.location.clone() }));
                }
            }
        }
    }

    /// Type-checks and compiles one formula against its declared type.
    fn compile_def(&mut self, def: &Definition, env: &mut Env<'_, '_>) -> Option<Code> {
        let e = def.expr.as_ref()?;
        let (ty, code) = self.expr(e, env, def).ok()?;
        if !ty.fits(&def.ty) {
            let hint = if matches!(ty, Type::Optional(_)) {
                "; the value may be missing: test it with `mancante` / `missing`"
            } else {
                ""
            };
            self.diags.push(
                Diagnostic::new(
                    DiagnosticKind::Type,
                    def.location.clone(),
                    format!("`{}` computes {ty}{hint}", def.name),
                )
                .expected(format!("{} as declared", def.ty)),
            );
        }
        Some(code)
    }

    /// Records `d` (of `rb`) as replacing definition or condition `idx` of an extended
    /// rulebook: same kind and type, and at most one replacement per authority level.
    fn override_layer(
        &mut self,
        idx: u32,
        u: usize,
        d: &'a Definition,
        rb: &'a Rulebook,
        condition: bool,
    ) {
        let Some(&(_, base, base_rb, base_condition)) = self.defs.get(idx as usize) else {
            return;
        };
        let kind = |c: bool| if c { "condition" } else { "definition" };
        if base_condition != condition {
            self.diags.push(
                Diagnostic::new(
                    DiagnosticKind::Type,
                    d.location.clone(),
                    format!(
                        "`{}` is a {} of `{}`: a {} cannot replace it",
                        d.name,
                        kind(base_condition),
                        base_rb.id,
                        kind(condition)
                    ),
                )
                .expected(format!(
                    "a {} under `{}`",
                    kind(base_condition),
                    if base_condition { "conditions" } else { "definitions" }
                ))
                .related(base.location.clone()),
            );
            return;
        }
        if base.ty != d.ty {
            self.diags.push(
                Diagnostic::new(
                    DiagnosticKind::Type,
                    d.location.clone(),
                    format!("override of `{}` changes its type", d.name),
                )
                .expected(base.ty.to_string())
                .related(base.location.clone()),
            );
            return;
        }
        let layers = self.layers.entry(idx).or_default();
        let same_level = layers
            .iter()
            .find(|(_, _, other)| other.authority.level == rb.authority.level)
            .map(|(_, other_d, other)| (other_d.location.clone(), other.id.clone()));
        if let Some((first, other)) = same_level {
            self.diags.push(
                Diagnostic::new(
                    DiagnosticKind::Duplicate,
                    d.location.clone(),
                    format!(
                        "`{}` is replaced twice at the {} level (by `{other}` and `{}`)",
                        d.name,
                        format!("{:?}", rb.authority.level).to_lowercase(),
                        rb.id
                    ),
                )
                .expected("one replacement per authority level (comune > ambito > regione > stato)")
                .related(first),
            );
            return;
        }
        layers.push((u, d, rb));
    }

    fn legal(
        &mut self,
        unit: &Unit<'_>,
        rb: &Rulebook,
        id: &str,
        at: &Location,
    ) -> Option<LegalRef> {
        let own = rb.legal(id).cloned();
        let found = own.or_else(|| unit.chain.iter().find_map(|r| r.legal(id).cloned()));
        if found.is_none() {
            let ids: Vec<&str> = unit
                .chain
                .iter()
                .flat_map(|r| r.legal_basis.iter().map(|l| l.id.as_str()))
                .collect();
            let hint = suggest::hint(id, ids.iter().copied());
            self.diags.push(
                Diagnostic::new(
                    DiagnosticKind::UnknownName,
                    at.clone(),
                    format!("reference `{id}` is not in `legal_basis`{hint}"),
                )
                .expected("the `id` of a legal_basis entry"),
            );
        }
        found
    }

    /// `what` names the value in an error; it is formatted only then (a band table has
    /// thousands of cells).
    fn scalar_value(
        &mut self,
        node: &Node,
        ty: &Type,
        what: &dyn std::fmt::Display,
    ) -> Option<Value> {
        let text = node.as_str().unwrap_or("");
        let bad = |cx: &mut Self, expected: &str| {
            cx.diags.push(
                Diagnostic::new(
                    DiagnosticKind::Type,
                    node.location(&cx.current_file),
                    format!("{what} is not a valid {ty}"),
                )
                .expected(expected.to_owned()),
            );
            None
        };
        match ty {
            Type::Money | Type::Decimal | Type::Number => match number(text, ty) {
                Some(v) if node.as_str().is_some() => Some(v),
                _ => bad(self, "an exact decimal such as 4500.00 (quoted or plain)"),
            },
            Type::Integer => match number(text, ty) {
                Some(v) => Some(v),
                None => bad(self, "a whole number"),
            },
            Type::Boolean => match text {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => bad(self, "true or false"),
            },
            Type::Text => match node.as_str() {
                Some(s) => Some(Value::Text(Arc::from(s))),
                None => bad(self, "text"),
            },
            Type::Enum(values) => match node.as_str() {
                Some(s) if values.iter().any(|v| v == s) => Some(Value::Text(Arc::from(s))),
                _ => bad(self, &format!("one of: {}", values.join(", "))),
            },
            Type::Date => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(d) => Some(Value::Date(d)),
                Err(_) => bad(self, "a date written YYYY-MM-DD"),
            },
            Type::List(inner) => match node.items() {
                Some(items) => {
                    let mut out = Vec::new();
                    for item in items {
                        out.push(self.scalar_value(item, inner, what)?);
                    }
                    Some(Value::List(Arc::from(out)))
                }
                None => bad(self, "a list"),
            },
            _ => bad(self, "a scalar"),
        }
    }

    fn compile_param(&mut self, i: usize) {
        let Some(decls) = self.param_decls.get(i).cloned() else { return };
        let Some(param) = self.params.get(i).cloned() else { return };
        let mut layers = Vec::new();
        let mut all_ranges = Vec::new();
        for (rulebook_id, decl) in decls {
            self.current_file = decl.location.file.clone();
            let mut versions = Vec::new();
            let mut dated = Vec::new();
            for v in &decl.versions {
                if v.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    self.diags.push(
                        Diagnostic::new(
                            DiagnosticKind::MissingSource,
                            v.location.clone(),
                            format!("version of `{}` from {} has no source", decl.name, v.from),
                        )
                        .expected("`source:` naming the act that sets the value"),
                    );
                }
                let range = match DateRange::new(v.from, v.to) {
                    Ok(r) => r,
                    Err(e) => {
                        self.diags.push(Diagnostic::new(
                            DiagnosticKind::Coverage,
                            v.location.clone(),
                            format!("version of `{}`: {e}", decl.name),
                        ));
                        continue;
                    }
                };
                let data = match &v.value {
                    ParamValue::Node(n) => self
                        .scalar_value(n, &param.ty, &format_args!("value of `{}`", decl.name))
                        .map(ParamData::Value),
                    ParamValue::Table(rows) => {
                        self.table(&param, TableRows::Nodes(rows), &v.location)
                    }
                    ParamValue::TextTable(rows) => {
                        self.table(&param, TableRows::Text(rows), &v.location)
                    }
                    ParamValue::Points(points) => self.points(&param, decl, points, &v.location),
                };
                if let Some(data) = data {
                    dated.push(Dated::new(range, ()));
                    all_ranges.push(range);
                    versions.push(Version {
                        valid: range,
                        data,
                        source: Arc::from(v.source.clone().unwrap_or_default()),
                        rulebook: Arc::from(rulebook_id),
                        rendered: Default::default(),
                    });
                }
            }
            if let Err(e) = DatedValues::new(dated) {
                self.diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Coverage,
                        decl.location.clone(),
                        format!("versions of `{}`: {e}", decl.name),
                    )
                    .expected("versions whose validity ranges do not overlap"),
                );
            }
            versions.sort_by_key(|v| v.valid.from());
            layers.push(versions);
        }
        // Every day of the rulebook's validity must be covered by some layer.
        if let Some(gap) = first_gap(&all_ranges, self.valid) {
            let loc = self
                .param_decls
                .get(i)
                .and_then(|d| d.last())
                .map(|d| d.1.location.clone())
                .unwrap_or_default();
            self.diags.push(
                Diagnostic::new(
                    DiagnosticKind::Coverage,
                    loc,
                    format!("no version of `{}` is in force on {gap}", param.name),
                )
                .expected(format!("versions covering the rulebook's validity {}", self.valid)),
            );
        }
        if let Some(p) = self.params.get_mut(i) {
            p.layers = layers;
        }
    }

    /// The value of a band-table cell: [`Checker::scalar_value`] of its node. A cell of a
    /// table written as text is read from its text, and becomes a node only to report a
    /// problem, so that the report is the one its node would give.
    fn cell_value(
        &mut self,
        cell: Cell<'_>,
        ty: &Type,
        what: &dyn std::fmt::Display,
    ) -> Option<Value> {
        let (rows, r, field) = match cell {
            Cell::Node(node) => return self.scalar_value(node, ty, what),
            Cell::Text(rows, r, field) => (rows, r, field),
        };
        match number(rows.text(r, field).unwrap_or(""), ty) {
            Some(value) => Some(value),
            None => self.scalar_value(&rows.cell(r, field)?, ty, what),
        }
    }

    fn table(&mut self, param: &Param, rows: TableRows<'_>, at: &Location) -> Option<ParamData> {
        let mut bounds = Vec::new();
        let mut cells: Vec<Vec<Decimal>> = vec![Vec::new(); param.columns.len()];
        let mut ok = true;
        let n = rows.len();
        let text_keys = rows.text_keys();
        for r in 0..n {
            let bound = rows.bound(r);
            let b = match bound {
                Some(cell) => match self.cell_value(cell, &Type::Decimal, &"row bound") {
                    Some(Value::Num(d)) => Some(d),
                    _ => {
                        ok = false;
                        None
                    }
                },
                None if r + 1 == n => None,
                None => {
                    ok = false;
                    self.diags.push(
                        Diagnostic::new(
                            DiagnosticKind::Structure,
                            at.clone(),
                            format!("row {} of `{}` has no upper bound", r + 1, param.name),
                        )
                        .expected("only the last row may have `up_to: null`"),
                    );
                    None
                }
            };
            if let (Some(b), Some(Some(prev))) = (b, bounds.last()) {
                if b <= *prev {
                    ok = false;
                    self.diags.push(
                        Diagnostic::new(
                            DiagnosticKind::Structure,
                            at.clone(),
                            format!(
                                "row {} of `{}` does not increase its upper bound",
                                r + 1,
                                param.name
                            ),
                        )
                        .expected("rows ordered by strictly increasing `up_to`"),
                    );
                }
            }
            bounds.push(b);
            // A mapping row's keys, or the text block's column names (empty for mappings).
            let row_keys = match rows {
                TableRows::Nodes(nodes) => nodes.get(r).map(|(_, row)| row.keys()),
                TableRows::Text(_) => None,
            };
            let keys = row_keys.into_iter().flatten().map(String::as_str);
            for key in keys.chain(text_keys.iter().copied()) {
                if !param.columns.iter().any(|(c, _)| c == key) {
                    ok = false;
                    let hint = suggest::hint(key, param.columns.iter().map(|(c, _)| c.as_str()));
                    self.diags.push(
                        Diagnostic::new(
                            DiagnosticKind::UnknownName,
                            at.clone(),
                            format!(
                                "row {} of `{}` has unknown column `{key}`{hint}",
                                r + 1,
                                param.name
                            ),
                        )
                        .expected(format!(
                            "`up_to` and the columns: {}",
                            param
                                .columns
                                .iter()
                                .map(|(c, _)| c.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                }
            }
            for (c, (col, ty)) in param.columns.iter().enumerate() {
                let cell = rows.get(r, col);
                let has = cell.is_some();
                match cell
                    .and_then(|cell| self.cell_value(cell, ty, &format_args!("column `{col}`")))
                {
                    Some(Value::Num(d)) => {
                        if let Some(v) = cells.get_mut(c) {
                            v.push(d);
                        }
                    }
                    _ => {
                        ok = false;
                        if !has {
                            self.diags.push(
                                Diagnostic::new(
                                    DiagnosticKind::Structure,
                                    at.clone(),
                                    format!("row {} of `{}` has no `{col}`", r + 1, param.name),
                                )
                                .expected("a value for every column"),
                            );
                        }
                    }
                }
            }
        }
        if n == 0 {
            ok = false;
            self.diags.push(Diagnostic::new(
                DiagnosticKind::Structure,
                at.clone(),
                format!("table `{}` has no rows", param.name),
            ));
        }
        ok.then(|| ParamData::Table(Arc::new(Table::new(bounds, cells))))
    }

    fn points(
        &mut self,
        param: &Param,
        decl: &ParamDecl,
        points: &[(Node, Node)],
        at: &Location,
    ) -> Option<ParamData> {
        let mut out = Vec::new();
        let y_ty = param.columns.first().map(|c| c.1.clone()).unwrap_or(Type::Money);
        for (x, y) in points {
            let xv = self.scalar_value(x, &decl.key_type, &"scale x")?.as_decimal()?;
            let yv = self.scalar_value(y, &y_ty, &"scale y")?.as_decimal()?;
            out.push((xv, yv));
        }
        self.check_points(&out, &param.name, at).then(|| ParamData::Scale(Arc::from(out)))
    }

    fn check_points(&mut self, points: &[(Decimal, Decimal)], name: &str, at: &Location) -> bool {
        if points.len() < 2 {
            self.diags.push(
                Diagnostic::new(
                    DiagnosticKind::Structure,
                    at.clone(),
                    format!("scale `{name}` has fewer than two points"),
                )
                .expected("at least two [x, y] points"),
            );
            return false;
        }
        if points.windows(2).any(|w| matches!(w, [a, b] if b.0 <= a.0)) {
            self.diags.push(
                Diagnostic::new(
                    DiagnosticKind::Structure,
                    at.clone(),
                    format!("points of `{name}` are not in increasing x order"),
                )
                .expected("strictly increasing x values"),
            );
            return false;
        }
        true
    }

    fn err(
        &mut self,
        def: &Definition,
        e: &Expr,
        kind: DiagnosticKind,
        message: String,
        expected: Option<String>,
    ) {
        let mut d = Diagnostic::new(
            kind,
            def.location.clone(),
            format!(
                "in `{}`, at character {} of the formula: {message}",
                def.name,
                e.span.start + 1
            ),
        );
        if let Some(x) = expected {
            d = d.expected(x);
        }
        self.diags.push(d);
    }

    fn visible(&self, env: &Env<'_, '_>) -> Vec<String> {
        let p = &env.unit.prefix;
        let mut names: Vec<String> = Vec::new();
        for k in self.def_index.keys().chain(self.param_index.keys()) {
            if let Some(rest) = k.strip_prefix(p.as_str()) {
                if !rest.contains('.')
                    || env.unit.imports.keys().any(|a| rest.starts_with(&format!("{a}.")))
                {
                    names.push(rest.to_owned());
                }
            }
        }
        for (k, (member, _, _)) in &self.input_index {
            if !*member || env.member {
                names.push(k.clone());
            }
        }
        names
    }

    fn resolve(
        &mut self,
        name: &str,
        e: &Expr,
        env: &mut Env<'_, '_>,
        def: &Definition,
    ) -> Checked {
        let qualified = env.unit.qualify(name);
        if let Some((idx, _)) = self.def_index.get(&qualified).cloned() {
            let ty = self.defs.get(idx as usize).map(|d| d.1.ty.clone()).ok_or(())?;
            env.dep(Dep::Def(idx));
            return Ok((ty, Code::Def(idx)));
        }
        if let Some((idx, _)) = self.param_index.get(&qualified).cloned() {
            let ty = self.params.get(idx as usize).map(|p| p.ty.clone()).ok_or(())?;
            env.dep(Dep::Param(idx));
            return Ok((ty, Code::Param(idx)));
        }
        if !name.contains('.') {
            if let Some((member, idx, _)) = self.input_index.get(name).cloned() {
                let input = if member {
                    self.members.get(idx as usize)
                } else {
                    self.inputs.get(idx as usize)
                };
                let input = input.cloned().ok_or(())?;
                if member && !env.member {
                    self.err(
                        def,
                        e,
                        DiagnosticKind::Type,
                        format!("member fact `{name}` used outside an aggregation over members"),
                        Some("`conta(membri, …)`, `somma(membri, …)`, `almeno_uno(membri, …)` or `tutti(membri, …)`".to_owned()),
                    );
                    return Err(());
                }
                let dep = if member { Dep::Member(idx) } else { Dep::Input(idx) };
                env.dep(dep);
                let ty = if input.optional && !env.present.contains(&dep) {
                    Type::Optional(Box::new(input.ty))
                } else {
                    input.ty
                };
                return Ok((ty, if member { Code::Member(idx) } else { Code::Input(idx) }));
            }
            if name == "membri" || name == "members" {
                return Ok((Type::Members, Code::Const(Value::Missing)));
            }
        }
        let visible = self.visible(env);
        let hint = suggest::hint(name, visible.iter().map(String::as_str));
        self.err(
            def,
            e,
            DiagnosticKind::UnknownName,
            format!("unknown name `{name}`{hint}"),
            Some("an input, a parameter or a definition".to_owned()),
        );
        Err(())
    }

    fn expect_type(
        &mut self,
        def: &Definition,
        e: &Expr,
        got: &Type,
        want: &[Type],
        what: &str,
    ) -> Result<(), ()> {
        if want.iter().any(|w| got.fits(w)) {
            return Ok(());
        }
        let hint = if matches!(got, Type::Optional(_)) {
            "; the value may be missing: test it with `mancante` / `missing` first"
        } else {
            ""
        };
        self.err(
            def,
            e,
            DiagnosticKind::Type,
            format!("{what} is {got}{hint}"),
            Some(type_name_list(want)),
        );
        Err(())
    }

    fn numeric(
        &mut self,
        def: &Definition,
        e: &Expr,
        env: &mut Env<'_, '_>,
        what: &str,
    ) -> Checked {
        let (t, c) = self.expr(e, env, def)?;
        self.expect_type(def, e, &t, &[Type::Money, Type::Decimal, Type::Integer], what)?;
        Ok((t, c))
    }

    fn boolean(
        &mut self,
        def: &Definition,
        e: &Expr,
        env: &mut Env<'_, '_>,
        what: &str,
    ) -> Result<Code, ()> {
        let (t, c) = self.expr(e, env, def)?;
        self.expect_type(def, e, &t, &[Type::Boolean], what)?;
        Ok(c)
    }

    fn narrowing(&self, e: &Expr) -> (Vec<Dep>, Vec<Dep>) {
        match &e.kind {
            ExprKind::Presence { operand, present } => {
                let dep = match &operand.kind {
                    ExprKind::Name(n) => match self.input_index.get(n.as_str()) {
                        Some((true, i, _)) => Some(Dep::Member(*i)),
                        Some((false, i, _)) => Some(Dep::Input(*i)),
                        None => None,
                    },
                    _ => None,
                };
                let set: Vec<Dep> = dep.into_iter().collect();
                if *present {
                    (set, Vec::new())
                } else {
                    (Vec::new(), set)
                }
            }
            ExprKind::Not(inner) => {
                let (t, f) = self.narrowing(inner);
                (f, t)
            }
            ExprKind::Binary(BinOp::And, a, b) => {
                let (mut t, _) = self.narrowing(a);
                t.extend(self.narrowing(b).0);
                (t, Vec::new())
            }
            ExprKind::Binary(BinOp::Or, a, b) => {
                let (_, mut f) = self.narrowing(a);
                f.extend(self.narrowing(b).1);
                (Vec::new(), f)
            }
            _ => (Vec::new(), Vec::new()),
        }
    }

    fn with_present<T>(
        &mut self,
        env: &mut Env<'_, '_>,
        extra: Vec<Dep>,
        f: impl FnOnce(&mut Self, &mut Env<'_, '_>) -> T,
    ) -> T {
        let before = env.present.len();
        env.present.extend(extra);
        let r = f(self, env);
        env.present.truncate(before);
        r
    }

    fn arith(
        &mut self,
        def: &Definition,
        e: &Expr,
        op: BinOp,
        a: &Type,
        b: &Type,
    ) -> Result<Type, ()> {
        use Type::{Decimal, Integer, Money, Number};
        let t = match (op, a, b) {
            (BinOp::Add | BinOp::Sub, x, y) => unify(x, y).filter(Type::is_numeric),
            (BinOp::Mul, Money, Money) => None,
            (BinOp::Mul, Money, Decimal | Integer | Number)
            | (BinOp::Mul, Decimal | Integer | Number, Money) => Some(Money),
            (BinOp::Mul, x, y) => unify(x, y).filter(Type::is_numeric),
            (BinOp::Div, Money, Money) => Some(Decimal),
            (BinOp::Div, Money, Decimal | Integer | Number) => Some(Money),
            (BinOp::Div, Number, Number) => Some(Number),
            (BinOp::Div, Decimal | Integer | Number, Decimal | Integer | Number) => Some(Decimal),
            _ => None,
        };
        t.ok_or_else(|| {
            let hint = match (op, a, b) {
                (BinOp::Mul, Money, Money) => "; multiply an amount by a rate, not by another amount",
                (BinOp::Add | BinOp::Sub, Money, Decimal) | (BinOp::Add | BinOp::Sub, Decimal, Money) => {
                    "; a decimal is not an amount: declare it as money"
                }
                _ => "",
            };
            self.err(
                def,
                e,
                DiagnosticKind::Type,
                format!("cannot apply `{}` to {a} and {b}{hint}", op.symbol()),
                Some("numbers of compatible types (money ± money, money × decimal, money ÷ decimal, money ÷ money)".to_owned()),
            );
        })
    }

    fn expr(&mut self, e: &Expr, env: &mut Env<'_, '_>, def: &Definition) -> Checked {
        match &e.kind {
            ExprKind::Number(n) => Ok((Type::Number, Code::Const(Value::Num(*n)))),
            ExprKind::Text(s) => Ok((
                Type::Enum(Arc::from(vec![s.clone()])),
                Code::Const(Value::Text(Arc::from(s.as_str()))),
            )),
            ExprKind::Bool(b) => Ok((Type::Boolean, Code::Const(Value::Bool(*b)))),
            ExprKind::Today => Ok((Type::Date, Code::Today)),
            ExprKind::Name(n) => {
                let (t, c) = self.resolve(n, e, env, def)?;
                if matches!(t, Type::BandTable | Type::Scale | Type::Members) {
                    self.err(
                        def,
                        e,
                        DiagnosticKind::Type,
                        format!("`{n}` is a {t}, not a value"),
                        Some(format!("`{n}` as an argument of cerca/interpola/conta/somma")),
                    );
                    return Err(());
                }
                Ok((t, c))
            }
            ExprKind::Neg(inner) => {
                let (t, c) = self.numeric(def, inner, env, "the operand of `-`")?;
                Ok((t, Code::Neg(Box::new(c))))
            }
            ExprKind::Not(inner) => {
                let c = self.boolean(def, inner, env, "the operand of `non` / `not`")?;
                Ok((Type::Boolean, Code::Not(Box::new(c))))
            }
            ExprKind::Presence { operand, present } => {
                let ExprKind::Name(n) = &operand.kind else {
                    self.err(
                        def,
                        e,
                        DiagnosticKind::Type,
                        "only a fact can be missing".to_owned(),
                        Some("`<optional fact> mancante`".to_owned()),
                    );
                    return Err(());
                };
                let before = env.present.len();
                let (t, c) = self.resolve(n, operand, env, def)?;
                env.present.truncate(before);
                if !matches!(t, Type::Optional(_)) {
                    self.err(
                        def,
                        e,
                        DiagnosticKind::Type,
                        format!("`{n}` is not optional, it is never missing"),
                        Some("an input declared with `optional: true`".to_owned()),
                    );
                    return Err(());
                }
                Ok((Type::Boolean, Code::IsMissing(Box::new(c), *present)))
            }
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                let ca =
                    self.boolean(def, a, env, &format!("the left side of `{}`", op.symbol()))?;
                let (t, f) = self.narrowing(a);
                let extra = if *op == BinOp::And { t } else { f };
                let cb = self.with_present(env, extra, |cx, env| {
                    cx.boolean(def, b, env, &format!("the right side of `{}`", op.symbol()))
                })?;
                Ok((
                    Type::Boolean,
                    if *op == BinOp::And {
                        Code::And(Box::new(ca), Box::new(cb))
                    } else {
                        Code::Or(Box::new(ca), Box::new(cb))
                    },
                ))
            }
            ExprKind::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b) => {
                let ra = self.numeric(def, a, env, &format!("the left side of `{}`", op.symbol()));
                let rb = self.numeric(def, b, env, &format!("the right side of `{}`", op.symbol()));
                let ((ta, ca), (tb, cb)) = (ra?, rb?);
                let t = self.arith(def, e, *op, &ta, &tb)?;
                let ar = match op {
                    BinOp::Add => Arith::Add,
                    BinOp::Sub => Arith::Sub,
                    BinOp::Mul => Arith::Mul,
                    _ => Arith::Div,
                };
                Ok((t, Code::Arith(ar, Box::new(ca), Box::new(cb))))
            }
            ExprKind::Binary(op, a, b) => {
                let ra = self.expr(a, env, def);
                let rb = self.expr(b, env, def);
                let ((ta, ca), (tb, cb)) = (ra?, rb?);
                let ordered = !matches!(op, BinOp::Eq | BinOp::Ne);
                let ok = match unify(&ta, &tb) {
                    Some(t) if t.is_numeric() || t == Type::Date => true,
                    Some(Type::Boolean | Type::Text) if !ordered => true,
                    Some(Type::Enum(_)) if !ordered => {
                        // A literal compared with an enum must be one of its values.
                        if let (Type::Enum(x), Type::Enum(y)) = (&ta, &tb) {
                            let (small, big) = if x.len() <= y.len() { (x, y) } else { (y, x) };
                            if small.len() == 1 && !small.iter().all(|v| big.contains(v)) {
                                let hint = suggest::hint(
                                    small.first().map_or("", String::as_str),
                                    big.iter().map(String::as_str),
                                );
                                self.err(
                                    def,
                                    e,
                                    DiagnosticKind::Type,
                                    format!(
                                        "`{}` is not a value of the enum{hint}",
                                        small.join("")
                                    ),
                                    Some(format!("one of: {}", big.join(", "))),
                                );
                                return Err(());
                            }
                        }
                        true
                    }
                    _ => false,
                };
                if !ok {
                    let hint = if matches!(ta, Type::Optional(_)) || matches!(tb, Type::Optional(_))
                    {
                        "; a value may be missing: test it with `mancante` / `missing` first"
                    } else {
                        ""
                    };
                    self.err(
                        def,
                        e,
                        DiagnosticKind::Type,
                        format!("cannot compare {ta} with {tb} using `{}`{hint}", op.symbol()),
                        Some("two values of the same type".to_owned()),
                    );
                    return Err(());
                }
                let cmp = match op {
                    BinOp::Eq => Cmp::Eq,
                    BinOp::Ne => Cmp::Ne,
                    BinOp::Lt => Cmp::Lt,
                    BinOp::Le => Cmp::Le,
                    BinOp::Gt => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                let (ca, cb) = (Box::new(ca), Box::new(cb));
                if ta.strip_optional().is_numeric() && tb.strip_optional().is_numeric() {
                    return Ok((Type::Boolean, Code::CmpNum(cmp, ca, cb)));
                }
                Ok((Type::Boolean, Code::Cmp(cmp, ca, cb)))
            }
            ExprKind::If(c, a, b) => {
                let cc = self.boolean(def, c, env, "the condition of `se` / `if`");
                let (t, f) = self.narrowing(c);
                let ra = self.with_present(env, t, |cx, env| cx.expr(a, env, def));
                let rb = self.with_present(env, f, |cx, env| cx.expr(b, env, def));
                let (cc, (ta, ca), (tb, cb)) = (cc?, ra?, rb?);
                let Some(t) = unify(&ta, &tb) else {
                    self.err(
                        def,
                        e,
                        DiagnosticKind::Type,
                        format!("the branches have different types: {ta} and {tb}"),
                        Some("both branches of the same type".to_owned()),
                    );
                    return Err(());
                };
                Ok((t, Code::If(Box::new(cc), Box::new(ca), Box::new(cb))))
            }
            ExprKind::List(items) => {
                let (t, codes) = self.items(items, env, def, e)?;
                Ok((Type::List(Box::new(t)), Code::List(codes)))
            }
            ExprKind::In(x, items) => {
                let (tx, cx_) = self.expr(x, env, def)?;
                let (ti, codes) = self.items(items, env, def, e)?;
                if unify(&tx, &ti).is_none() {
                    self.err(
                        def,
                        e,
                        DiagnosticKind::Type,
                        format!("cannot look for {tx} in a list of {ti}"),
                        Some("a list of the same type".to_owned()),
                    );
                    return Err(());
                }
                if let (Type::Enum(vals), Type::Enum(lits)) = (&tx, &ti) {
                    if let Some(bad) = lits.iter().find(|l| !vals.contains(l)) {
                        self.err(
                            def,
                            e,
                            DiagnosticKind::Type,
                            format!("`{bad}` is not a value of the enum"),
                            Some(format!("one of: {}", vals.join(", "))),
                        );
                        return Err(());
                    }
                }
                Ok((Type::Boolean, Code::In(Box::new(cx_), codes)))
            }
            ExprKind::Points(_) => {
                self.err(
                    def,
                    e,
                    DiagnosticKind::Type,
                    "a list of points is only an argument of `interpola` / `interpolate`"
                        .to_owned(),
                    None,
                );
                Err(())
            }
            ExprKind::Call(name, args) => self.call(name, args, e, env, def),
        }
    }

    fn items(
        &mut self,
        items: &[Expr],
        env: &mut Env<'_, '_>,
        def: &Definition,
        e: &Expr,
    ) -> Result<(Type, Vec<Code>), ()> {
        let mut t: Option<Type> = None;
        let mut codes = Vec::new();
        for item in items {
            let (ti, ci) = self.expr(item, env, def)?;
            t = match t {
                None => Some(ti),
                Some(prev) => match unify(&prev, &ti) {
                    Some(u) => Some(u),
                    None => {
                        self.err(
                            def,
                            e,
                            DiagnosticKind::Type,
                            format!("list mixes {prev} and {ti}"),
                            Some("items of one type".to_owned()),
                        );
                        return Err(());
                    }
                },
            };
            codes.push(ci);
        }
        Ok((t.unwrap_or(Type::Number), codes))
    }

    fn arity(
        &mut self,
        def: &Definition,
        e: &Expr,
        name: &str,
        args: &[Expr],
        min: usize,
        max: usize,
    ) -> Result<(), ()> {
        if args.len() < min || args.len() > max {
            let want = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            self.err(
                def,
                e,
                DiagnosticKind::Syntax,
                format!("`{name}` takes {want} arguments, not {}", args.len()),
                None,
            );
            return Err(());
        }
        Ok(())
    }

    fn table_arg(
        &mut self,
        def: &Definition,
        arg: Option<&Expr>,
        env: &mut Env<'_, '_>,
        want: Type,
    ) -> Result<u32, ()> {
        let arg = arg.ok_or(())?;
        let ExprKind::Name(n) = &arg.kind else {
            self.err(
                def,
                arg,
                DiagnosticKind::Type,
                "expected the name of a parameter".to_owned(),
                Some(format!("a {want} parameter")),
            );
            return Err(());
        };
        let (t, c) = self.resolve(n, arg, env, def)?;
        match (t == want, c) {
            (true, Code::Param(i)) => Ok(i),
            _ => {
                self.err(
                    def,
                    arg,
                    DiagnosticKind::Type,
                    format!("`{n}` is not a {want}"),
                    Some(format!("a {want} parameter")),
                );
                Err(())
            }
        }
    }

    fn column_arg(
        &mut self,
        def: &Definition,
        table: u32,
        arg: Option<&Expr>,
    ) -> Result<(u32, Type), ()> {
        let columns =
            self.params.get(table as usize).map(|p| p.columns.clone()).unwrap_or_default();
        let name = match arg {
            None if columns.len() == 1 => {
                return columns.first().map(|c| (0, c.1.clone())).ok_or(())
            }
            None => {
                self.err(
                    def,
                    def_expr(def),
                    DiagnosticKind::Syntax,
                    "the table has several columns: name one".to_owned(),
                    Some(columns.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(", ")),
                );
                return Err(());
            }
            Some(a) => match &a.kind {
                ExprKind::Name(n) | ExprKind::Text(n) => (n.clone(), a),
                _ => {
                    self.err(
                        def,
                        a,
                        DiagnosticKind::Syntax,
                        "expected a column name".to_owned(),
                        None,
                    );
                    return Err(());
                }
            },
        };
        match columns.iter().position(|c| c.0 == name.0) {
            Some(i) => Ok((i as u32, columns.get(i).map(|c| c.1.clone()).unwrap_or(Type::Money))),
            None => {
                let hint = suggest::hint(&name.0, columns.iter().map(|c| c.0.as_str()));
                self.err(
                    def,
                    name.1,
                    DiagnosticKind::UnknownName,
                    format!("unknown column `{}`{hint}", name.0),
                    Some(columns.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(", ")),
                );
                Err(())
            }
        }
    }

    fn member_scope<T>(
        &mut self,
        def: &Definition,
        e: &Expr,
        env: &mut Env<'_, '_>,
        f: impl FnOnce(&mut Self, &mut Env<'_, '_>) -> Result<T, ()>,
    ) -> Result<T, ()> {
        if env.member {
            self.err(
                def,
                e,
                DiagnosticKind::Type,
                "aggregations over members cannot be nested".to_owned(),
                None,
            );
            return Err(());
        }
        env.member = true;
        let r = f(self, env);
        env.member = false;
        r
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Expr],
        e: &Expr,
        env: &mut Env<'_, '_>,
        def: &Definition,
    ) -> Checked {
        let canonical = match name {
            "min" | "minimo" => "min",
            "max" | "massimo" => "max",
            "clamp" | "limita" => "clamp",
            "round" | "arrotonda" => "round",
            "interpolate" | "interpola" => "interpolate",
            "lookup" | "cerca" => "lookup",
            "band" | "fascia" => "band",
            "row" | "riga" => "row",
            "count" | "conta" => "count",
            "sum" | "somma" => "sum",
            "any" | "almeno_uno" => "any",
            "all" | "tutti" => "all",
            "age" | "eta" | "età" => "age",
            "months_between" | "mesi_tra" => "months_between",
            "years_between" | "anni_tra" => "years_between",
            "date" | "data" => "date",
            "value_or" | "valore_o" => "value_or",
            n if crate::builtins::canonical(n).is_some() => "builtin",
            _ => {
                let all = [
                    "min",
                    "max",
                    "clamp",
                    "round",
                    "interpolate",
                    "lookup",
                    "band",
                    "row",
                    "count",
                    "sum",
                    "any",
                    "all",
                    "age",
                    "months_between",
                    "years_between",
                    "date",
                    "value_or",
                    "minimo",
                    "massimo",
                    "limita",
                    "arrotonda",
                    "interpola",
                    "cerca",
                    "fascia",
                    "riga",
                    "conta",
                    "somma",
                    "almeno_uno",
                    "tutti",
                    "eta",
                    "mesi_tra",
                    "anni_tra",
                    "data",
                    "valore_o",
                ];
                let hint = suggest::hint(name, all.into_iter().chain(crate::builtins::all_names()));
                self.err(
                    def,
                    e,
                    DiagnosticKind::UnknownName,
                    format!("unknown function `{name}`{hint}"),
                    None,
                );
                return Err(());
            }
        };
        match canonical {
            "min" | "max" => {
                self.arity(def, e, name, args, 2, usize::MAX)?;
                let mut t = Type::Number;
                let mut codes = Vec::new();
                for a in args {
                    let (ta, ca) =
                        self.numeric(def, a, env, &format!("an argument of `{name}`"))?;
                    t = match unify(&t, &ta) {
                        Some(u) => u,
                        None => {
                            self.err(
                                def,
                                a,
                                DiagnosticKind::Type,
                                format!("`{name}` mixes {t} and {ta}"),
                                Some("arguments of one type".to_owned()),
                            );
                            return Err(());
                        }
                    };
                    codes.push(ca);
                }
                Ok((t, if canonical == "min" { Code::Min(codes) } else { Code::Max(codes) }))
            }
            "clamp" => {
                self.arity(def, e, name, args, 3, 3)?;
                let mut t = Type::Number;
                let mut codes = Vec::new();
                for a in args {
                    let (ta, ca) =
                        self.numeric(def, a, env, &format!("an argument of `{name}`"))?;
                    t = unify(&t, &ta).ok_or_else(|| {
                        self.err(
                            def,
                            a,
                            DiagnosticKind::Type,
                            format!("`{name}` mixes {t} and {ta}"),
                            None,
                        )
                    })?;
                    codes.push(ca);
                }
                let mut it = codes.into_iter();
                match (it.next(), it.next(), it.next()) {
                    (Some(x), Some(lo), Some(hi)) => {
                        Ok((t, Code::Clamp(Box::new(x), Box::new(lo), Box::new(hi))))
                    }
                    _ => Err(()),
                }
            }
            "round" => {
                self.arity(def, e, name, args, 3, 3)?;
                let (t, c) =
                    self.numeric(def, args.first().ok_or(())?, env, "the value rounded")?;
                let word = |a: Option<&Expr>| match a.map(|a| &a.kind) {
                    Some(ExprKind::Name(n)) => n.clone(),
                    Some(ExprKind::Text(n)) => n.clone(),
                    _ => String::new(),
                };
                let step = match word(args.get(1)).as_str() {
                    "cent" | "centesimo" => Some(RoundingStep::Cent),
                    "tenth" | "decimo" => Some(RoundingStep::Tenth),
                    "euro" | "unità" | "unit" => Some(RoundingStep::Euro),
                    _ => None,
                };
                let mode = match word(args.get(2)).as_str() {
                    "half_up" | "commerciale" | "mezzo_su" => Some(RoundingMode::HalfUp),
                    "half_even" | "bancario" => Some(RoundingMode::HalfEven),
                    "down" | "difetto" | "per_difetto" => Some(RoundingMode::Down),
                    "up" | "eccesso" | "per_eccesso" => Some(RoundingMode::Up),
                    _ => None,
                };
                let (Some(step), Some(mode)) = (step, mode) else {
                    let bad = if step.is_none() { args.get(1) } else { args.get(2) };
                    self.err(
                        def,
                        bad.unwrap_or(e),
                        DiagnosticKind::Syntax,
                        "unknown rounding step or mode".to_owned(),
                        Some("step centesimo|decimo|euro (cent|tenth|euro), mode commerciale|bancario|per_difetto|per_eccesso (half_up|half_even|down|up)".to_owned()),
                    );
                    return Err(());
                };
                Ok((t, Code::Round(Box::new(c), Rounding::new(step, mode))))
            }
            "interpolate" => {
                self.arity(def, e, name, args, 2, 2)?;
                let (tx, cx_) =
                    self.numeric(def, args.first().ok_or(())?, env, "the interpolated value")?;
                let second = args.get(1).ok_or(())?;
                if let ExprKind::Points(points) = &second.kind {
                    let mut out = Vec::new();
                    let mut ty = Type::Number;
                    for (x, y) in points {
                        let (Some(xv), Some((yt, yv))) =
                            (const_number(x), self.const_typed(y, env, def))
                        else {
                            self.err(
                                def,
                                second,
                                DiagnosticKind::Type,
                                "points must be number literals".to_owned(),
                                Some("[(4500.01, 30.00), (30000, 280.00)]".to_owned()),
                            );
                            return Err(());
                        };
                        ty = unify(&ty, &yt).unwrap_or(ty);
                        out.push((xv, yv));
                    }
                    if !self.check_points(&out, &format!("{} (inline)", def.name), &def.location) {
                        return Err(());
                    }
                    // The result's unit is the y unit, or the x unit when y is a bare number.
                    let result = if ty == Type::Number { tx } else { ty };
                    Ok((result, Code::InterpolateConst(Box::new(cx_), Arc::from(out))))
                } else {
                    let p = self.table_arg(def, Some(second), env, Type::Scale)?;
                    let y = self
                        .params
                        .get(p as usize)
                        .and_then(|p| p.columns.first())
                        .map(|c| c.1.clone())
                        .unwrap_or(Type::Money);
                    Ok((y, Code::InterpolateParam(Box::new(cx_), p)))
                }
            }
            "lookup" => {
                self.arity(def, e, name, args, 2, 3)?;
                let table = self.table_arg(def, args.first(), env, Type::BandTable)?;
                let (_, key) =
                    self.numeric(def, args.get(1).ok_or(())?, env, "the looked-up value")?;
                let (column, t) = self.column_arg(def, table, args.get(2))?;
                Ok((t, Code::Lookup { table, key: Box::new(key), column }))
            }
            "band" => {
                self.arity(def, e, name, args, 2, 2)?;
                let table = self.table_arg(def, args.first(), env, Type::BandTable)?;
                let (_, key) =
                    self.numeric(def, args.get(1).ok_or(())?, env, "the looked-up value")?;
                Ok((Type::Integer, Code::Band { table, key: Box::new(key) }))
            }
            "row" => {
                self.arity(def, e, name, args, 2, 3)?;
                let table = self.table_arg(def, args.first(), env, Type::BandTable)?;
                let (tr, row) = self.numeric(def, args.get(1).ok_or(())?, env, "the row number")?;
                self.expect_type(def, e, &tr, &[Type::Integer], "the row number")?;
                let (column, t) = self.column_arg(def, table, args.get(2))?;
                Ok((t, Code::Row { table, row: Box::new(row), column }))
            }
            "count" | "sum" | "any" | "all" => {
                let agg = match canonical {
                    "count" => Agg::Count,
                    "sum" => Agg::Sum,
                    "any" => Agg::Any,
                    _ => Agg::All,
                };
                let first = args.first().ok_or_else(|| {
                    self.err(
                        def,
                        e,
                        DiagnosticKind::Syntax,
                        format!("`{name}` needs `membri` / `members` or a list"),
                        None,
                    )
                })?;
                let is_members =
                    matches!(&first.kind, ExprKind::Name(n) if n == "membri" || n == "members");
                if !is_members {
                    self.arity(def, e, name, args, 1, 1)?;
                    let (t, c) = self.expr(first, env, def)?;
                    let Type::List(inner) = t.strip_optional().clone() else {
                        self.err(
                            def,
                            first,
                            DiagnosticKind::Type,
                            format!("`{name}` over {t}"),
                            Some("`membri` / `members` or a list".to_owned()),
                        );
                        return Err(());
                    };
                    let result = match agg {
                        Agg::Count => Type::Integer,
                        Agg::Sum if inner.is_numeric() => *inner,
                        Agg::Any | Agg::All if *inner == Type::Boolean => Type::Boolean,
                        _ => {
                            self.err(
                                def,
                                first,
                                DiagnosticKind::Type,
                                format!("`{name}` over a list of {inner}"),
                                None,
                            );
                            return Err(());
                        }
                    };
                    return Ok((result, Code::ListAgg { agg, list: Box::new(c) }));
                }
                let (min, max) = match agg {
                    Agg::Count => (1, 2),
                    Agg::Sum => (2, 3),
                    Agg::Any | Agg::All => (2, 2),
                };
                self.arity(def, e, name, args, min, max)?;
                self.member_scope(def, e, env, |cx, env| match agg {
                    Agg::Count => {
                        let filter = match args.get(1) {
                            Some(f) => Some(Box::new(cx.boolean(def, f, env, "the filter")?)),
                            None => None,
                        };
                        Ok((Type::Integer, Code::Members { agg, body: None, filter }))
                    }
                    Agg::Sum => {
                        // The filter runs first: what it proves present, the sum may use.
                        let (filter, present) = match args.get(2) {
                            Some(f) => (
                                Some(Box::new(cx.boolean(def, f, env, "the filter")?)),
                                cx.narrowing(f).0,
                            ),
                            None => (None, Vec::new()),
                        };
                        let (t, body) = cx.with_present(env, present, |cx, env| {
                            cx.numeric(def, args.get(1).ok_or(())?, env, "the summed value")
                        })?;
                        Ok((t, Code::Members { agg, body: Some(Box::new(body)), filter }))
                    }
                    _ => {
                        let body = cx.boolean(def, args.get(1).ok_or(())?, env, "the condition")?;
                        Ok((
                            Type::Boolean,
                            Code::Members { agg, body: Some(Box::new(body)), filter: None },
                        ))
                    }
                })
            }
            "age" => {
                self.arity(def, e, name, args, 1, 1)?;
                let (t, c) = self.expr(args.first().ok_or(())?, env, def)?;
                self.expect_type(def, e, &t, &[Type::Date], "the birth date")?;
                Ok((Type::Integer, Code::DateDiff(DateDiff::Age, Box::new(c), None)))
            }
            "months_between" | "years_between" => {
                self.arity(def, e, name, args, 2, 2)?;
                let (ta, ca) = self.expr(args.first().ok_or(())?, env, def)?;
                let (tb, cb) = self.expr(args.get(1).ok_or(())?, env, def)?;
                self.expect_type(def, e, &ta, &[Type::Date], "the first date")?;
                self.expect_type(def, e, &tb, &[Type::Date], "the second date")?;
                let kind =
                    if canonical == "months_between" { DateDiff::Months } else { DateDiff::Years };
                Ok((Type::Integer, Code::DateDiff(kind, Box::new(ca), Some(Box::new(cb)))))
            }
            "date" => {
                self.arity(def, e, name, args, 1, 1)?;
                match args.first().map(|a| &a.kind) {
                    Some(ExprKind::Text(s)) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                        Ok(d) => Ok((Type::Date, Code::Const(Value::Date(d)))),
                        Err(_) => {
                            self.err(
                                def,
                                e,
                                DiagnosticKind::Syntax,
                                "not a date".to_owned(),
                                Some("data(\"YYYY-MM-DD\")".to_owned()),
                            );
                            Err(())
                        }
                    },
                    _ => {
                        self.err(
                            def,
                            e,
                            DiagnosticKind::Syntax,
                            "`data` takes a quoted date".to_owned(),
                            Some("data(\"YYYY-MM-DD\")".to_owned()),
                        );
                        Err(())
                    }
                }
            }
            "builtin" => self.builtin(name, args, e, env, def),
            _ => {
                // value_or
                self.arity(def, e, name, args, 2, 2)?;
                let (ta, ca) = self.expr(args.first().ok_or(())?, env, def)?;
                let (tb, cb) = self.expr(args.get(1).ok_or(())?, env, def)?;
                let Type::Optional(inner) = ta else {
                    self.err(
                        def,
                        e,
                        DiagnosticKind::Type,
                        format!("`{name}` on a value that is never missing ({ta})"),
                        Some("an optional fact".to_owned()),
                    );
                    return Err(());
                };
                let t = unify(&inner, &tb).ok_or_else(|| {
                    self.err(
                        def,
                        e,
                        DiagnosticKind::Type,
                        format!("default {tb} does not fit {inner}"),
                        None,
                    )
                })?;
                Ok((t, Code::ValueOr(Box::new(ca), Box::new(cb))))
            }
        }
    }

    fn const_typed(
        &mut self,
        e: &Expr,
        env: &mut Env<'_, '_>,
        def: &Definition,
    ) -> Option<(Type, Decimal)> {
        if let Some(n) = const_number(e) {
            return Some((Type::Number, n));
        }
        // A named scalar parameter is not a literal: points are fixed by the formula.
        let _ = (env, def);
        None
    }
}

fn def_expr(def: &Definition) -> &Expr {
    static EMPTY: std::sync::OnceLock<Expr> = std::sync::OnceLock::new();
    def.expr.as_ref().unwrap_or_else(|| {
        EMPTY.get_or_init(|| Expr { kind: ExprKind::Bool(false), span: Default::default() })
    })
}

fn const_number(e: &Expr) -> Option<Decimal> {
    match &e.kind {
        ExprKind::Number(n) => Some(*n),
        ExprKind::Neg(inner) => const_number(inner).map(|n| -n),
        _ => None,
    }
}

/// The first day of `range` covered by none of `ranges`, if any.
fn first_gap(ranges: &[DateRange], range: DateRange) -> Option<NaiveDate> {
    let mut sorted: Vec<DateRange> = ranges.to_vec();
    sorted.sort();
    let mut day = range.from();
    for r in sorted {
        if r.from() > day {
            break;
        }
        match r.to() {
            None => return None,
            Some(to) if to >= day => match to.succ_opt() {
                Some(next) => day = next,
                None => return None,
            },
            Some(_) => {}
        }
    }
    match range.to() {
        Some(end) if day > end => None,
        _ => Some(day),
    }
}

/// A number of type `ty` (money, decimal, number literal, integer) read from its text; `None`
/// for another type or a text that is not such a number. The one reader of numbers written in
/// parameters, for [`Checker::scalar_value`] and the cells of text tables.
fn number(text: &str, ty: &Type) -> Option<Value> {
    match ty {
        Type::Money | Type::Decimal | Type::Number => {
            Decimal::from_str_exact(text).ok().map(Value::Num)
        }
        Type::Integer => text.parse::<i64>().ok().map(|i| Value::Num(Decimal::from(i))),
        _ => None,
    }
}

/// The rows of a band-table version, as written: mappings (a node per cell) or a text block.
#[derive(Copy, Clone)]
enum TableRows<'a> {
    Nodes(&'a [(Option<Node>, BTreeMap<String, Node>)]),
    Text(&'a TextRows),
}

/// One cell of a band table: a node, or value `field` of row `r` of a text block.
#[derive(Copy, Clone)]
enum Cell<'a> {
    Node(&'a Node),
    Text(&'a TextRows, usize, usize),
}

impl<'a> TableRows<'a> {
    fn len(self) -> usize {
        match self {
            TableRows::Nodes(rows) => rows.len(),
            TableRows::Text(rows) => rows.len(),
        }
    }

    /// A row's upper bound. In a text block, the last `up_to` (or `fino_a`) value that is not
    /// `-`, `null` or `~`, as a mapping built from the row would hold it.
    fn bound(self, r: usize) -> Option<Cell<'a>> {
        match self {
            TableRows::Nodes(rows) => rows.get(r)?.0.as_ref().map(Cell::Node),
            TableRows::Text(rows) => {
                let field = rows.header().iter().enumerate().rev().position(|(f, name)| {
                    matches!(name.as_str(), "up_to" | "fino_a")
                        && !matches!(rows.text(r, f), Some("-" | "null" | "~"))
                })?;
                Some(Cell::Text(rows, r, rows.header().len() - 1 - field))
            }
        }
    }

    /// The cell of column `col` in row `r`. In a text block, the last value under that name,
    /// as a mapping built from the row would hold it.
    fn get(self, r: usize, col: &str) -> Option<Cell<'a>> {
        match self {
            TableRows::Nodes(rows) => rows.get(r)?.1.get(col).map(Cell::Node),
            TableRows::Text(rows) => {
                let field = rows.header().iter().rposition(|name| {
                    name == col && !matches!(name.as_str(), "up_to" | "fino_a")
                })?;
                Some(Cell::Text(rows, r, field))
            }
        }
    }

    /// The column names of a text block (every row has them all), sorted and once each, as a
    /// mapping's keys; empty for mappings.
    fn text_keys(self) -> Vec<&'a str> {
        let TableRows::Text(rows) = self else { return Vec::new() };
        let keys: BTreeSet<&str> = rows
            .header()
            .iter()
            .map(String::as_str)
            .filter(|name| !matches!(*name, "up_to" | "fino_a"))
            .collect();
        keys.into_iter().collect()
    }
}
