//! Rendering evaluations for people: the explanation tree and the motivazione.
//!
//! The **motivazione** (L. 241/1990 art. 3: every administrative act states its reasons) is a
//! pruned summary of at most [`MOTIVAZIONE_MAX_LINES`] lines: outcome, failed conditions with
//! their reasons, amounts, the facts and parameters (with validity and source) they rest on,
//! and the norms. The **tree** shows every step with its formula and the values it used.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::eval::{ConditionOutcome, Evaluation, ParameterUse, Step, StepKind, Used, UsedKind};
use crate::syntax::Replacement;
use crate::Lang;

/// The most lines a motivazione has.
pub const MOTIVAZIONE_MAX_LINES: usize = 30;

fn label(name: &str, label: Option<&crate::Text>, lang: Lang) -> String {
    label.map_or_else(|| name.replace('_', " "), |l| l.get(lang).to_owned())
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
    match (value, lang) {
        (serde_json::Value::Bool(b), Lang::It) => if *b { "sì" } else { "no" }.to_owned(),
        (serde_json::Value::Bool(b), Lang::En) => if *b { "yes" } else { "no" }.to_owned(),
        (serde_json::Value::Null, Lang::It) => "non presentato".to_owned(),
        (serde_json::Value::Null, Lang::En) => "not given".to_owned(),
        // A list (`elenco`): each item as its type shows, `[150,10 €; 150,10 €]`.
        (serde_json::Value::Array(items), _) => {
            let inner = ty.strip_prefix("list of ").unwrap_or(ty);
            let shown: Vec<String> =
                items.iter().map(|v| show(v, v.as_str().unwrap_or(""), inner, lang)).collect();
            format!("[{}]", shown.join("; "))
        }
        (_, Lang::It) if ty == "money" => money_it(display),
        (_, Lang::En) if ty == "money" => format!("€ {display}"),
        _ => display.to_owned(),
    }
}

/// `dd/mm/yyyy`, as chrono's `%d/%m/%Y` writes it.
fn date_it(d: chrono::NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    crate::syntax::push_date(&mut out, d, crate::syntax::DateStyle::Italian);
    out
}

/// The motivazione's lines under its budget: nothing is formatted once the budget is spent,
/// and a capped section formats only the items it keeps.
struct Budget {
    lines: Vec<String>,
    lang: Lang,
}

impl Budget {
    fn full(&self) -> bool {
        self.lines.len() >= MOTIVAZIONE_MAX_LINES
    }

    fn push(&mut self, line: impl FnOnce() -> String) {
        if !self.full() {
            self.lines.push(line());
        }
    }

    /// Keeps at most `max` of `items`, replacing the rest by one "and N more" line.
    fn capped<T>(&mut self, items: &[T], max: usize, mut line: impl FnMut(&T) -> String) {
        let keep = if items.len() <= max { items.len() } else { max.saturating_sub(1) };
        for item in items.iter().take(keep) {
            if self.full() {
                return;
            }
            self.lines.push(line(item));
        }
        if items.len() > keep {
            let rest = items.len() - keep;
            let lang = self.lang;
            self.push(|| match lang {
                Lang::It => format!("  - … e altri {rest} (vedi la spiegazione completa)"),
                Lang::En => format!("  - … and {rest} more (see the full explanation)"),
            });
        }
    }

    /// A section: its title and its capped items, nothing when it has no items.
    fn section<T>(&mut self, title: &str, items: &[T], max: usize, line: impl FnMut(&T) -> String) {
        if items.is_empty() {
            return;
        }
        self.push(|| title.to_owned());
        self.capped(items, max, line);
    }
}

impl Evaluation {
    /// The motivazione: at most [`MOTIVAZIONE_MAX_LINES`] lines, fit to paste into a
    /// provvedimento. Italian by default ([`Lang::It`]), or English.
    pub fn motivazione(&self, lang: Lang) -> String {
        let it = lang == Lang::It;
        let mut out = Budget { lines: Vec::with_capacity(MOTIVAZIONE_MAX_LINES), lang };
        out.push(|| {
            if it {
                format!(
                    "{} ({}), {}, alla data del {}.",
                    self.title.get(lang),
                    self.rulebook,
                    self.authority,
                    date_it(self.date)
                )
            } else {
                format!(
                    "{} ({}), {}, on {}.",
                    self.title.get(lang),
                    self.rulebook,
                    self.authority,
                    self.date
                )
            }
        });
        let failed: Vec<&ConditionOutcome> =
            self.conditions.iter().filter(|c| !c.satisfied).collect();
        if !self.conditions.is_empty() {
            out.push(|| {
                match (failed.is_empty(), it) {
                    (true, true) => "Esito: i requisiti sono soddisfatti.",
                    (true, false) => "Outcome: all requirements are met.",
                    (false, true) => "Esito: i requisiti NON sono soddisfatti:",
                    (false, false) => "Outcome: the requirements are NOT met:",
                }
                .to_owned()
            });
        }
        out.capped(&failed, 6, |c| {
            let reason = c.reason.as_ref().map_or_else(
                || label(&c.name, c.label.as_deref(), lang),
                |r| r.get(lang).to_owned(),
            );
            let norm =
                c.reference.as_ref().map(|r| format!(" ({})", r.citation())).unwrap_or_default();
            format!("  - {reason}{norm}")
        });
        let steps = &self.explanation.steps;
        // Rules of an extending rulebook that applied instead of the extended one's.
        let local: Vec<(&Step, &Replacement)> =
            steps.iter().filter_map(|s| s.replaces.as_deref().map(|r| (s, r))).collect();
        let title = if it { "Regole locali applicate:" } else { "Local rules applied:" };
        out.section(title, &local, 3, |(s, r)| {
            let cite = |c: &Option<crate::LegalRef>| {
                c.as_ref().map(|c| format!(", {}", c.citation())).unwrap_or_default()
            };
            let replaced = r.replaced_reference.as_ref().map(|c| format!(" ({})", c.citation()));
            let replaced = replaced.unwrap_or_default();
            let name = label(&s.name, s.label.as_deref(), lang);
            let dates = match (r.from, r.to, it) {
                (Some(f), Some(t), true) => format!(", dal {} al {}", date_it(f), date_it(t)),
                (Some(f), None, true) => format!(", dal {}", date_it(f)),
                (Some(f), Some(t), false) => format!(", from {f} to {t}"),
                (Some(f), None, false) => format!(", from {f}"),
                (None, _, _) => String::new(),
            };
            if it {
                format!(
                    "  - «{name}» ({}{}) in luogo della regola di {}{replaced}{dates}",
                    r.rulebook,
                    cite(&r.reference),
                    r.replaced
                )
            } else {
                format!(
                    "  - “{name}” ({}{}) instead of the rule of {}{replaced}{dates}",
                    r.rulebook,
                    cite(&r.reference),
                    r.replaced
                )
            }
        });
        let amounts: Vec<&Step> =
            steps.iter().filter(|s| s.output && s.kind == StepKind::Definition).collect();
        let title = if it { "Importi e valori determinati:" } else { "Amounts and values:" };
        out.section(title, &amounts, 7, |s| {
            let norm =
                s.reference.as_ref().map(|r| format!(" ({})", r.citation())).unwrap_or_default();
            format!(
                "  - {}: {}{norm}",
                label(&s.name, s.label.as_deref(), lang),
                show(&s.value, &s.display, &s.ty, lang)
            )
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
        let title = if it { "Dati considerati:" } else { "Facts considered:" };
        out.section(title, &facts, 6, |u| {
            let value = u.value.as_deref().unwrap_or(&NULL);
            let shown = show(value, u.display.as_deref().unwrap_or(""), &u.ty, lang);
            format!("  - {}: {shown}", label(&u.name, u.label.as_deref(), lang))
        });
        let title = if it { "Parametri applicati:" } else { "Parameters applied:" };
        out.section(title, &params, 5, |(u, p)| {
            let display = u.display.as_deref().unwrap_or_default();
            let table = || if it { "tabella".to_owned() } else { "table".to_owned() };
            let shown = if &*u.ty == "band table" {
                table()
            } else {
                let shown = match (&*u.ty, lang) {
                    ("money", Lang::It) => money_it(display),
                    ("money", Lang::En) => format!("€ {display}"),
                    _ => display.to_owned(),
                };
                if shown.chars().count() > 60 {
                    table()
                } else {
                    shown
                }
            };
            let since = if it {
                format!("in vigore dal {}", date_it(p.valid.from()))
            } else {
                format!("in force from {}", p.valid.from())
            };
            let source = if it { "fonte" } else { "source" };
            format!(
                "  - {}: {shown} ({since}; {source}: {})",
                label(&u.name, u.label.as_deref(), lang),
                p.source
            )
        });
        if !self.legal_basis.is_empty() {
            out.push(|| {
                let mut norms: Vec<String> = Vec::new();
                for l in &self.legal_basis {
                    let c = l.citation();
                    if !norms.contains(&c) {
                        norms.push(c);
                    }
                }
                format!(
                    "{} {}.",
                    if it { "Riferimenti normativi:" } else { "Legal basis:" },
                    norms.join("; ")
                )
            });
        }
        out.lines.join("\n")
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
