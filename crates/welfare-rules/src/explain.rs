//! Rendering evaluations for people: the explanation tree and the motivazione.
//!
//! The **motivazione** (L. 241/1990 art. 3: every administrative act states its reasons) is a
//! pruned summary of at most [`MOTIVAZIONE_MAX_LINES`] lines: outcome, failed conditions with
//! their reasons, amounts, the facts and parameters (with validity and source) they rest on,
//! and the norms. The **tree** shows every step with its formula and the values it used.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::eval::{
    ConditionOutcome, Evaluation, ParameterUse, Snapshot, Step, StepKind, Used, UsedKind,
};
use crate::program::Program;
use crate::syntax::LegalRef;
use crate::syntax::Replacement;
use crate::value::Value;
use crate::Lang;
use crate::{Facts, FactsView};

/// The most lines a motivazione has.
pub const MOTIVAZIONE_MAX_LINES: usize = 30;

/// A rule's label in `lang`, or its name with spaces for underscores.
fn push_label(out: &mut String, name: &str, label: Option<&crate::Text>, lang: Lang) {
    match label {
        Some(l) => out.push_str(l.get(lang)),
        None => out.extend(name.chars().map(|c| if c == '_' { ' ' } else { c })),
    }
}

/// `open`, the citation of `reference` and `close`; nothing without a reference.
fn push_citation(out: &mut String, reference: Option<&LegalRef>, open: &str, close: &str) {
    if let Some(r) = reference {
        out.push_str(open);
        out.push_str(&r.citation());
        out.push_str(close);
    }
}

/// A money amount in Italian. Explanations store amounts as [`welfare_types::Money`] writes
/// them (`1234.50`): such text is regrouped as it stands; anything else is parsed first.
fn money_it(display: &str) -> String {
    if is_plain_amount(display) {
        return welfare_types::Money::italian_from_plain(display);
    }
    welfare_types::Money::parse(display)
        .map_or_else(|_| display.to_owned(), |m| m.to_italian_string())
}

/// Whether `text` is an amount exactly as [`welfare_types::Money`]'s `Display` writes it: an
/// optional minus, an integer part without leading zeros, a point and at least two decimals,
/// never a negative zero, at most 28 digits. Parsing such text and writing it again gives it
/// back unchanged, so it needs no parsing to be shown in Italian.
fn is_plain_amount(text: &str) -> bool {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let Some((int, frac)) = digits.split_once('.') else { return false };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let canonical_int = int == "0" || (!int.is_empty() && !int.starts_with('0'));
    let nonzero = int.bytes().chain(frac.bytes()).any(|b| b != b'0');
    canonical_int
        && frac.len() >= 2
        && int.len() + frac.len() <= 28
        && all_digits(int)
        && all_digits(frac)
        && (!negative || nonzero)
}

fn show(value: &serde_json::Value, display: &str, ty: &str, lang: Lang) -> String {
    let mut out = String::new();
    push_show(&mut out, value, display, ty, lang);
    out
}

/// A value as people read it: `sì`/`no`, `non presentato`, money in the language's style,
/// a list (`elenco`) item by item as its type shows, `[150,10 €; 150,10 €]`.
fn push_show(out: &mut String, value: &serde_json::Value, display: &str, ty: &str, lang: Lang) {
    match (value, lang) {
        (serde_json::Value::Bool(b), Lang::It) => out.push_str(if *b { "sì" } else { "no" }),
        (serde_json::Value::Bool(b), Lang::En) => out.push_str(if *b { "yes" } else { "no" }),
        (serde_json::Value::Null, Lang::It) => out.push_str("non presentato"),
        (serde_json::Value::Null, Lang::En) => out.push_str("not given"),
        (serde_json::Value::Array(items), _) => {
            let inner = ty.strip_prefix("list of ").unwrap_or(ty);
            out.push('[');
            for (n, v) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str("; ");
                }
                push_show(out, v, v.as_str().unwrap_or(""), inner, lang);
            }
            out.push(']');
        }
        _ => push_text(out, display, ty, lang),
    }
}

/// A value's text as [`push_show`] shows a text, number or date.
fn push_text(out: &mut String, display: &str, ty: &str, lang: Lang) {
    match (ty == "money", lang) {
        (true, Lang::It) if is_plain_amount(display) => {
            welfare_types::Money::push_italian_from_plain(out, display);
        }
        (true, Lang::It) => out.push_str(&money_it(display)),
        (true, Lang::En) => {
            out.push_str("€ ");
            out.push_str(display);
        }
        (false, _) => out.push_str(display),
    }
}

/// A run-time value as [`push_show`] shows its JSON and text (the explanation's form), without
/// building them: a property of the motivazione's tests holds the two equal.
fn push_value(out: &mut String, v: &Value, ty: &crate::Type, ty_name: &str, lang: Lang) {
    static NULL: serde_json::Value = serde_json::Value::Null;
    match v {
        Value::Bool(b) => push_show(out, &serde_json::Value::Bool(*b), "", ty_name, lang),
        Value::Missing => push_show(out, &NULL, "", ty_name, lang),
        Value::Num(_) | Value::Date(_) => {
            let mut buf = [0u8; crate::value::SHORT_MAX];
            match crate::value::write_short(v, ty, &mut buf) {
                // Money's own text (the writer's contract) of at most 28 digits: what
                // `is_plain_amount` accepts, regrouped without checking again.
                Some(text)
                    if matches!(v, Value::Num(_))
                        && ty_name == "money"
                        && lang == Lang::It
                        && text.len() <= 29 =>
                {
                    welfare_types::Money::push_italian_from_plain(out, text);
                }
                Some(text) => push_text(out, text, ty_name, lang),
                None => push_text(out, &v.display(ty), ty_name, lang),
            }
        }
        Value::Text(t) => push_text(out, t, ty_name, lang),
        Value::List(_) => {
            let (json, display) = crate::eval::both(v, ty);
            push_show(out, &json, &display, ty_name, lang);
        }
    }
}

/// The date as the motivazione writes it: `dd/mm/yyyy` in Italian, ISO in English.
fn push_date(out: &mut String, d: chrono::NaiveDate, lang: Lang) {
    let style = match lang {
        Lang::It => crate::syntax::DateStyle::Italian,
        Lang::En => crate::syntax::DateStyle::Iso,
    };
    crate::syntax::push_date(out, d, style);
}

/// The motivazione's lines under its budget, written into one text: nothing is written once
/// the budget is spent, and a capped section writes only the items it keeps.
struct Lines {
    out: String,
    count: usize,
    lang: Lang,
}

impl Lines {
    fn new(lang: Lang) -> Lines {
        Lines { out: String::with_capacity(2048), count: 0, lang }
    }

    fn full(&self) -> bool {
        self.count >= MOTIVAZIONE_MAX_LINES
    }

    fn push(&mut self, line: impl FnOnce(&mut String)) {
        if self.full() {
            return;
        }
        if self.count > 0 {
            self.out.push('\n');
        }
        line(&mut self.out);
        self.count += 1;
    }

    /// Keeps at most `max` of the `total` items, replacing the rest by one "and N more" line.
    fn capped<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        total: usize,
        max: usize,
        mut line: impl FnMut(&mut String, T),
    ) {
        let keep = if total <= max { total } else { max.saturating_sub(1) };
        for item in items.into_iter().take(keep) {
            if self.full() {
                return;
            }
            self.push(|out| line(out, item));
        }
        if total > keep {
            let rest = (total - keep).to_string();
            let lang = self.lang;
            self.push(|out| {
                let (before, after) = match lang {
                    Lang::It => ("  - … e altri ", " (vedi la spiegazione completa)"),
                    Lang::En => ("  - … and ", " more (see the full explanation)"),
                };
                out.push_str(before);
                out.push_str(&rest);
                out.push_str(after);
            });
        }
    }

    /// A section: its title and its capped items, nothing when it has no items.
    fn section<T>(
        &mut self,
        title: &str,
        items: impl IntoIterator<Item = T>,
        total: usize,
        max: usize,
        line: impl FnMut(&mut String, T),
    ) {
        if total == 0 {
            return;
        }
        self.push(|out| out.push_str(title));
        self.capped(items, total, max, line);
    }

    fn finish(self) -> String {
        self.out
    }
}

/// The first line: the measure, its authority and the date.
fn push_header_prefix(out: &mut String, title: &str, rulebook: &str, authority: &str, lang: Lang) {
    out.push_str(title);
    out.push_str(" (");
    out.push_str(rulebook);
    out.push_str("), ");
    out.push_str(authority);
    out.push_str(match lang {
        Lang::It => ", alla data del ",
        Lang::En => ", on ",
    });
}

/// The second line, when the measure has conditions.
fn outcome(all_met: bool, lang: Lang) -> &'static str {
    match (all_met, lang) {
        (true, Lang::It) => "Esito: i requisiti sono soddisfatti.",
        (true, Lang::En) => "Outcome: all requirements are met.",
        (false, Lang::It) => "Esito: i requisiti NON sono soddisfatti:",
        (false, Lang::En) => "Outcome: the requirements are NOT met:",
    }
}

/// A failed condition: its reason (else its label or name) and its norm.
fn push_condition(
    out: &mut String,
    name: &str,
    label: Option<&crate::Text>,
    reason: Option<&crate::Text>,
    reference: Option<&LegalRef>,
    lang: Lang,
) {
    out.push_str("  - ");
    match reason {
        Some(r) => out.push_str(r.get(lang)),
        None => push_label(out, name, label, lang),
    }
    push_citation(out, reference, " (", ")");
}

/// A rule of an extending rulebook that applied instead of the extended one's.
fn push_local_rule(
    out: &mut String,
    name: &str,
    label: Option<&crate::Text>,
    r: &Replacement,
    lang: Lang,
) {
    let it = lang == Lang::It;
    out.push_str(if it { "  - «" } else { "  - “" });
    push_label(out, name, label, lang);
    out.push_str(if it { "» (" } else { "” (" });
    out.push_str(&r.rulebook);
    push_citation(out, r.reference.as_ref(), ", ", "");
    out.push_str(if it { ") in luogo della regola di " } else { ") instead of the rule of " });
    out.push_str(&r.replaced);
    push_citation(out, r.replaced_reference.as_ref(), " (", ")");
    if let Some(from) = r.from {
        out.push_str(if it { ", dal " } else { ", from " });
        push_date(out, from, lang);
        if let Some(to) = r.to {
            out.push_str(if it { " al " } else { " to " });
            push_date(out, to, lang);
        }
    }
}

/// `  - label: ` (an amount's or a fact's line before its value).
fn push_item_prefix(out: &mut String, name: &str, label: Option<&crate::Text>, lang: Lang) {
    out.push_str("  - ");
    push_label(out, name, label, lang);
    out.push_str(": ");
}

/// A parameter's line: its value (a table in a word), validity and source.
#[allow(clippy::too_many_arguments)]
fn push_parameter(
    out: &mut String,
    name: &str,
    label: Option<&crate::Text>,
    ty: &str,
    display: &str,
    valid_from: chrono::NaiveDate,
    source: &str,
    lang: Lang,
) {
    let it = lang == Lang::It;
    push_item_prefix(out, name, label, lang);
    let table = if it { "tabella" } else { "table" };
    if ty == "band table" {
        out.push_str(table);
    } else {
        let mut shown = String::new();
        push_text(&mut shown, display, ty, lang);
        out.push_str(if shown.chars().count() > 60 { table } else { &shown });
    }
    out.push_str(if it { " (in vigore dal " } else { " (in force from " });
    push_date(out, valid_from, lang);
    out.push_str(if it { "; fonte: " } else { "; source: " });
    out.push_str(source);
    out.push(')');
}

/// The last line: the rulebook's legal basis, each citation once.
fn legal_line(legal_basis: &[LegalRef], lang: Lang) -> Option<String> {
    if legal_basis.is_empty() {
        return None;
    }
    let mut norms: Vec<String> = Vec::new();
    for l in legal_basis {
        let c = l.citation();
        if !norms.contains(&c) {
            norms.push(c);
        }
    }
    let title = if lang == Lang::It { "Riferimenti normativi:" } else { "Legal basis:" };
    Some(format!("{title} {}.", norms.join("; ")))
}

fn section_titles(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::It => [
            "Regole locali applicate:",
            "Importi e valori determinati:",
            "Dati considerati:",
            "Parametri applicati:",
        ],
        Lang::En => [
            "Local rules applied:",
            "Amounts and values:",
            "Facts considered:",
            "Parameters applied:",
        ],
    }
}

/// How many failed conditions, local rules, amounts, facts and parameters a motivazione
/// lists at most.
const MAX_FAILED: usize = 6;
const MAX_LOCAL: usize = 3;
const MAX_AMOUNTS: usize = 7;
const MAX_FACTS: usize = 6;
const MAX_PARAMS: usize = 5;

/// A program's motivazione texts that do not depend on the household, in one language:
/// written once per program the first time a motivazione is asked for, so that each
/// household's motivazione only adds its values.
#[derive(Clone, Debug, Default)]
pub(crate) struct Texts {
    /// The first line up to the date.
    header: String,
    /// The conditions in evaluation order, each with its line when it fails under its own
    /// rule (a rule an extending rulebook replaces on the date is written when asked).
    conditions: Vec<(u32, String)>,
    /// The output definitions that are not conditions, in evaluation order: the line up to
    /// the value, and the norm after it.
    amounts: Vec<(u32, String, String)>,
    /// The household facts read, in order of first use, with their line up to the value.
    facts: Vec<(u32, String)>,
    /// The definitions an extending rulebook replaces on some dates, in evaluation order.
    layered: Vec<u32>,
    /// Whether a definition reads a parameter on another date: those motivazioni go through
    /// the explanation, which lists the versions read.
    dated: bool,
    /// The legal basis line.
    legal: Option<String>,
}

impl Texts {
    fn new(prog: &Program, lang: Lang) -> Texts {
        let shown = &prog.shown;
        let mut texts = Texts {
            dated: shown.dated.iter().any(|d| *d),
            legal: legal_line(&prog.legal_basis, lang),
            ..Texts::default()
        };
        push_header_prefix(
            &mut texts.header,
            prog.title.get(lang),
            &prog.id,
            &prog.authority.name,
            lang,
        );
        for &i in &prog.order {
            let (Some(def), Some(sh)) = (prog.defs.get(i as usize), shown.defs.get(i as usize))
            else {
                continue;
            };
            if !def.layers.is_empty() {
                texts.layered.push(i);
            }
            if def.condition {
                let mut line = String::new();
                push_condition(
                    &mut line,
                    &sh.name,
                    sh.label.as_deref(),
                    sh.reason.as_deref(),
                    sh.reference.as_deref(),
                    lang,
                );
                texts.conditions.push((i, line));
            } else if def.output {
                let (mut prefix, mut norm) = (String::new(), String::new());
                push_item_prefix(&mut prefix, &sh.name, sh.label.as_deref(), lang);
                push_citation(&mut norm, sh.reference.as_deref(), " (", ")");
                texts.amounts.push((i, prefix, norm));
            }
        }
        for &k in &shown.first_inputs {
            if let Some(sh) = shown.inputs.get(k as usize) {
                let mut prefix = String::new();
                push_item_prefix(&mut prefix, &sh.name, sh.label.as_deref(), lang);
                texts.facts.push((k, prefix));
            }
        }
        texts
    }
}

/// The cell of `lang` in a pair of per-language cells.
fn cell<T>(cells: &[T; 2], lang: Lang) -> &T {
    let [it, en] = cells;
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

/// The rule an extending rulebook put in place of `def` on `date`, if any.
fn layer_on(def: &crate::program::Def, date: chrono::NaiveDate) -> Option<&crate::check::DefLayer> {
    def.layers.iter().rev().find(|l| l.in_force(date))
}

impl Snapshot<'_> {
    /// The motivazione of one household's evaluation, written straight from the values of
    /// [`Snapshot::run_into`] (on the same `facts`, with this snapshot) without building the
    /// explanation: the same text as [`Evaluation::motivazione`] of [`Snapshot::evaluate`],
    /// at a fraction of the cost. A population batch with motivazioni takes this path.
    ///
    /// `values` must come from a full run ([`Snapshot::run_into`]); after a
    /// [`Snapshot::run_plan`] the definitions outside the plan would show as missing.
    ///
    /// ```
    /// use welfare_rules::{Lang, Program};
    ///
    /// let program = Program::from_yaml(r#"
    /// rulebook: esempio/bonus
    /// title: { it: "Bonus di esempio", en: "Example bonus" }
    /// authority: { level: comune, code: "039014", name: "Comune di Ravenna" }
    /// valid: { from: 2025-01-01 }
    /// inputs:
    ///   household:
    ///     isee: { type: money }
    /// parameters:
    ///   soglia:
    ///     type: money
    ///     versions: [ { from: 2025-01-01, value: "15000.00", source: "delibera di esempio" } ]
    /// conditions:
    ///   isee_sotto_soglia: { formula: "isee <= soglia" }
    /// definitions:
    ///   importo: { type: money, output: true, formula: "se isee_sotto_soglia allora 300 altrimenti 0" }
    /// "#, "bonus.yaml")?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    /// let snapshot = program.snapshot(date)?;
    /// let facts = program.facts(&serde_json::json!({ "isee": "9000.00" }))?;
    /// let mut values = Vec::new();
    /// snapshot.run_into(&facts, &mut values)?;
    /// let text = snapshot.motivazione(&facts, &values, Lang::It);
    /// assert_eq!(text, program.evaluate(&facts, date)?.motivazione(Lang::It));
    /// assert!(text.contains("Esito: i requisiti sono soddisfatti."));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn motivazione(&self, facts: &Facts, values: &[Value], lang: Lang) -> String {
        self.motivazione_view(facts.view(), values, lang)
    }

    /// [`Snapshot::motivazione`] on a [`FactsView`] (the same one
    /// [`Snapshot::run_into_view`] read).
    pub fn motivazione_view(&self, facts: FactsView<'_>, values: &[Value], lang: Lang) -> String {
        let prog = self.program;
        let texts = cell(&prog.shown.texts, lang).get_or_init(|| Texts::new(prog, lang));
        if texts.dated {
            return self.explain(facts, values).motivazione(lang);
        }
        let (date, shown) = (self.date, &prog.shown);
        let [local_title, amounts_title, facts_title, params_title] = section_titles(lang);
        let def = |i: u32| prog.defs.get(i as usize).zip(shown.defs.get(i as usize));
        let mut out = Lines::new(lang);
        out.push(|o| {
            o.push_str(&texts.header);
            push_date(o, date, lang);
            o.push('.');
        });
        let failed = |(i, _): &&(u32, String)| values.get(*i as usize) != Some(&Value::Bool(true));
        let failed_count = texts.conditions.iter().filter(failed).count();
        if !texts.conditions.is_empty() {
            out.push(|o| o.push_str(outcome(failed_count == 0, lang)));
        }
        out.capped(
            texts.conditions.iter().filter(failed),
            failed_count,
            MAX_FAILED,
            |o, (i, line)| match def(*i).and_then(|(d, sh)| Some((layer_on(d, date)?, sh))) {
                Some((l, sh)) => push_condition(
                    o,
                    &sh.name,
                    l.label.as_ref(),
                    l.reason.as_ref(),
                    l.reference.as_ref(),
                    lang,
                ),
                None => o.push_str(line),
            },
        );
        if !texts.layered.is_empty() {
            let local = || {
                texts.layered.iter().filter_map(|&i| {
                    let (d, sh) = def(i)?;
                    Some((sh, layer_on(d, date)?))
                })
            };
            out.section(local_title, local(), local().count(), MAX_LOCAL, |o, (sh, l)| {
                push_local_rule(o, &sh.name, l.label.as_ref(), &l.replacement, lang);
            });
        }
        static MISSING: Value = Value::Missing;
        let amounts = &texts.amounts;
        out.section(amounts_title, amounts, amounts.len(), MAX_AMOUNTS, |o, (i, prefix, norm)| {
            let Some((d, sh)) = def(*i) else { return };
            let value = values.get(*i as usize).unwrap_or(&MISSING);
            match layer_on(d, date) {
                Some(l) => {
                    push_item_prefix(o, &sh.name, l.label.as_ref(), lang);
                    push_value(o, value, &d.ty, &sh.ty, lang);
                    push_citation(o, l.reference.as_ref(), " (", ")");
                }
                None => {
                    o.push_str(prefix);
                    push_value(o, value, &d.ty, &sh.ty, lang);
                    o.push_str(norm);
                }
            }
        });
        let facts_shown = &texts.facts;
        out.section(facts_title, facts_shown, facts_shown.len(), MAX_FACTS, |o, (k, prefix)| {
            o.push_str(prefix);
            let (input, sh) = (prog.inputs.get(*k as usize), shown.inputs.get(*k as usize));
            match (facts.input(*k), input, sh) {
                (Some(v), Some(input), Some(sh)) => push_value(o, v, &input.ty, &sh.ty, lang),
                (_, _, sh) => {
                    let ty = sh.map_or("", |sh| &*sh.ty);
                    push_show(o, &serde_json::Value::Null, "", ty, lang);
                }
            }
        });
        let params = &shown.first_params;
        out.section(params_title, params, params.len(), MAX_PARAMS, |o, &k| {
            let found = (prog.params.get(k as usize), shown.params.get(k as usize));
            let (Some(p), Some(sh), Some(at)) = (found.0, found.1, self.params.get(k as usize))
            else {
                return;
            };
            let version = at.version;
            o.push_str(cell(&version.rendered.lines, lang).get_or_init(|| {
                let (_, display) = crate::eval::shown_version(p, version);
                let mut line = String::new();
                push_parameter(
                    &mut line,
                    &sh.name,
                    sh.label.as_deref(),
                    &sh.ty,
                    display,
                    version.valid.from(),
                    &version.source,
                    lang,
                );
                line
            }));
        });
        if let Some(line) = &texts.legal {
            out.push(|o| o.push_str(line));
        }
        out.finish()
    }

    /// The reason of each eligibility condition that does not hold, in evaluation order, in
    /// `lang`: its reason text, else its label, else its name (as [`ConditionOutcome`]s of
    /// [`Snapshot::evaluate`] give them). `values` as for [`Snapshot::motivazione`].
    pub fn reasons(&self, values: &[Value], lang: Lang) -> Vec<String> {
        let prog = self.program;
        let texts = cell(&prog.shown.texts, lang).get_or_init(|| Texts::new(prog, lang));
        let mut out = Vec::new();
        for &(i, _) in &texts.conditions {
            let (Some(def), Some(sh)) =
                (prog.defs.get(i as usize), prog.shown.defs.get(i as usize))
            else {
                continue;
            };
            if values.get(i as usize) == Some(&Value::Bool(true)) {
                continue;
            }
            let text = match layer_on(def, self.date) {
                Some(l) => l.reason.as_ref().or(l.label.as_ref()),
                None => sh.reason.as_deref().or(sh.label.as_deref()),
            };
            out.push(text.map_or_else(|| sh.name.to_string(), |t| t.get(lang).to_owned()));
        }
        out
    }
}

impl Evaluation {
    /// The motivazione: at most [`MOTIVAZIONE_MAX_LINES`] lines, fit to paste into a
    /// provvedimento. Italian by default ([`Lang::It`]), or English.
    pub fn motivazione(&self, lang: Lang) -> String {
        let mut out = Lines::new(lang);
        let [local_title, amounts_title, facts_title, params_title] = section_titles(lang);
        out.push(|o| {
            push_header_prefix(o, self.title.get(lang), &self.rulebook, &self.authority, lang);
            push_date(o, self.date, lang);
            o.push('.');
        });
        let failed: Vec<&ConditionOutcome> =
            self.conditions.iter().filter(|c| !c.satisfied).collect();
        if !self.conditions.is_empty() {
            out.push(|o| o.push_str(outcome(failed.is_empty(), lang)));
        }
        out.capped(&failed, failed.len(), MAX_FAILED, |o, c| {
            push_condition(
                o,
                &c.name,
                c.label.as_deref(),
                c.reason.as_deref(),
                c.reference.as_deref(),
                lang,
            );
        });
        let steps = &self.explanation.steps;
        // Rules of an extending rulebook that applied instead of the extended one's.
        let local: Vec<(&Step, &Replacement)> =
            steps.iter().filter_map(|s| s.replaces.as_deref().map(|r| (s, r))).collect();
        out.section(local_title, &local, local.len(), MAX_LOCAL, |o, (s, r)| {
            push_local_rule(o, &s.name, s.label.as_deref(), r, lang);
        });
        let amounts: Vec<&Step> =
            steps.iter().filter(|s| s.output && s.kind == StepKind::Definition).collect();
        out.section(amounts_title, &amounts, amounts.len(), MAX_AMOUNTS, |o, s| {
            push_item_prefix(o, &s.name, s.label.as_deref(), lang);
            push_show(o, &s.value, &s.display, &s.ty, lang);
            push_citation(o, s.reference.as_deref(), " (", ")");
        });
        // The facts and parameters read, each once, in order of first use; only the ones the
        // budget keeps are formatted.
        let mut seen_inputs: BTreeSet<&str> = BTreeSet::new();
        let mut seen_params: BTreeSet<&str> = BTreeSet::new();
        let mut facts: Vec<&Used> = Vec::new();
        let mut params: Vec<(&Used, &ParameterUse)> = Vec::new();
        for u in steps.iter().flat_map(|s| &s.uses) {
            match u.kind {
                UsedKind::Input if seen_inputs.insert(&u.name) => facts.push(u),
                // A parameter first shown without its version is not listed later either.
                UsedKind::Parameter if seen_params.insert(&u.name) => {
                    if let Some(p) = &u.parameter {
                        params.push((u, p));
                    }
                }
                _ => {}
            }
        }
        static NULL: serde_json::Value = serde_json::Value::Null;
        out.section(facts_title, &facts, facts.len(), MAX_FACTS, |o, u| {
            push_item_prefix(o, &u.name, u.label.as_deref(), lang);
            let value = u.value.as_deref().unwrap_or(&NULL);
            push_show(o, value, u.display.as_deref().unwrap_or(""), &u.ty, lang);
        });
        out.section(params_title, &params, params.len(), MAX_PARAMS, |o, (u, p)| {
            push_parameter(
                o,
                &u.name,
                u.label.as_deref(),
                &u.ty,
                u.display.as_deref().unwrap_or_default(),
                p.valid.from(),
                &p.source,
                lang,
            );
        });
        if let Some(line) = legal_line(&self.legal_basis, lang) {
            out.push(|o| o.push_str(&line));
        }
        out.finish()
    }

    /// The explanation as an indented tree rooted at the outputs and conditions: every step
    /// with its formula and the values it used (parameters with validity and source).
    pub fn tree(&self, lang: Lang) -> String {
        let mut out = String::new();
        let mut expanded = BTreeSet::new();
        let roots =
            self.explanation.steps.iter().filter(|s| s.output || s.kind == StepKind::Condition);
        for s in roots {
            self.node(s, 0, &mut expanded, &mut out, lang);
        }
        out
    }

    fn node(
        &self,
        s: &Step,
        depth: usize,
        expanded: &mut BTreeSet<Arc<str>>,
        out: &mut String,
        lang: Lang,
    ) {
        let pad = "  ".repeat(depth);
        let mark = match s.kind {
            StepKind::Condition if *s.value == serde_json::Value::Bool(true) => "✓ ",
            StepKind::Condition => "✗ ",
            StepKind::Definition => "",
        };
        out.push_str(&format!(
            "{pad}{mark}{} = {}\n",
            s.name,
            show(&s.value, &s.display, &s.ty, lang)
        ));
        if !expanded.insert(s.name.clone()) {
            return;
        }
        out.push_str(&format!("{pad}    {} {}\n", "formula:", s.formula));
        if let Some(r) = &s.reference {
            out.push_str(&format!(
                "{pad}    {} {}\n",
                if lang == Lang::It { "norma:" } else { "norm:" },
                r.citation()
            ));
        }
        if let Some(r) = &s.replaces {
            let cite = r.replaced_reference.as_ref().map(|c| format!(" ({})", c.citation()));
            out.push_str(&format!(
                "{pad}    {} {}{}\n",
                if lang == Lang::It { "sostituisce:" } else { "replaces:" },
                r.replaced,
                cite.unwrap_or_default()
            ));
        }
        for u in &s.uses {
            match u.kind {
                UsedKind::Definition if depth < 32 => {
                    if let Some(child) = self.explanation.steps.iter().find(|c| c.name == u.name) {
                        self.node(child, depth + 1, expanded, out, lang);
                    }
                }
                UsedKind::Parameter => {
                    let p = u.parameter.as_ref();
                    out.push_str(&format!(
                        "{pad}  {} = {} [{}; {}]\n",
                        u.name,
                        u.display.as_deref().unwrap_or(""),
                        p.map(|p| p.valid.to_string()).unwrap_or_default(),
                        p.map(|p| &*p.source).unwrap_or("")
                    ));
                }
                UsedKind::MemberInput => {
                    let per = if lang == Lang::It { "per ogni membro" } else { "per member" };
                    out.push_str(&format!("{pad}  {} ({per})\n", u.name));
                }
                _ => {
                    out.push_str(&format!(
                        "{pad}  {} = {}\n",
                        u.name,
                        u.display.as_deref().unwrap_or("")
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::{push_show, push_value};
    use crate::corpus::{programs, variants};
    use crate::eval::tests::{ty, value};
    use crate::Lang;

    proptest! {
        /// A value is shown from the run-time value as from its explanation's JSON and text.
        #[test]
        fn values_show_as_their_json_and_text_do(v in value(), ty in ty(), english: bool) {
            let lang = if english { Lang::En } else { Lang::It };
            let name = ty.to_string();
            let (json, display) = crate::eval::both(&v, &ty);
            let (mut direct, mut explained) = (String::new(), String::new());
            push_value(&mut direct, &v, &ty, &name, lang);
            push_show(&mut explained, &json, &display, &name, lang);
            prop_assert_eq!(direct, explained);
        }
    }

    /// The motivazione written from the values is the motivazione of the explanation, text
    /// for text, and the reasons are the failed conditions' texts: on every bundled
    /// rulebook's test cases and their variants, in both languages, on each case's date and
    /// on the first and last days of every local rule (and the days around them).
    #[test]
    fn motivazione_from_values_is_the_explanations_motivazione() {
        let (mut compared, mut with_local_rules) = (0, 0);
        for (program, cases) in programs() {
            let mut layer_dates = BTreeSet::new();
            for def in &program.defs {
                for l in &def.layers {
                    for d in l.from.into_iter().chain(l.to) {
                        layer_dates
                            .extend([d.pred_opt(), Some(d), d.succ_opt()].into_iter().flatten());
                    }
                }
            }
            for case in &cases {
                let dates = std::iter::once(case.date).chain(layer_dates.iter().copied());
                for date in dates {
                    let Ok(snap) = program.snapshot(date) else { continue };
                    for facts in variants(&case.facts) {
                        let Ok(facts) = program.facts(&facts) else { continue };
                        let mut values = Vec::new();
                        if snap.run_into(&facts, &mut values).is_err() {
                            continue;
                        }
                        let evaluation = snap.evaluate(&facts).unwrap();
                        for lang in [Lang::It, Lang::En] {
                            let direct = snap.motivazione(&facts, &values, lang);
                            assert_eq!(
                                direct,
                                evaluation.motivazione(lang),
                                "{} / {} on {date}",
                                program.id,
                                case.name
                            );
                            let reasons: Vec<String> = evaluation
                                .conditions
                                .iter()
                                .filter(|c| !c.satisfied)
                                .map(|c| {
                                    c.reason.as_ref().or(c.label.as_ref()).map_or_else(
                                        || c.name.to_string(),
                                        |t| t.get(lang).to_owned(),
                                    )
                                })
                                .collect();
                            assert_eq!(snap.reasons(&values, lang), reasons);
                            if direct.contains("Regole locali applicate")
                                || direct.contains("Local rules applied")
                            {
                                with_local_rules += 1;
                            }
                            compared += 1;
                        }
                    }
                }
            }
        }
        assert!(compared > 2_000, "only {compared} motivazioni compared");
        assert!(with_local_rules > 10, "only {with_local_rules} with local rules");
    }
}
