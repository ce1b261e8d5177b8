//! Rendering evaluations for people: the explanation tree and the motivazione.
//!
//! The **motivazione** (L. 241/1990 art. 3: every administrative act states its reasons) is a
//! pruned summary of at most [`MOTIVAZIONE_MAX_LINES`] lines: outcome, failed conditions with
//! their reasons, amounts, the facts and parameters (with validity and source) they rest on,
//! and the norms. The **tree** shows every step with its formula and the values it used.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::eval::{Evaluation, Step, StepKind, UsedKind};
use crate::Lang;

/// The most lines a motivazione has.
pub const MOTIVAZIONE_MAX_LINES: usize = 30;

fn label(name: &str, label: Option<&crate::Text>, lang: Lang) -> String {
    label.map_or_else(|| name.replace('_', " "), |l| l.get(lang).to_owned())
}

fn money_it(display: &str) -> String {
    welfare_types::Money::parse(display)
        .map_or_else(|_| display.to_owned(), |m| m.to_italian_string())
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

fn date_it(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Keeps at most `max` items, replacing the rest by one "and N more" line.
fn capped(items: Vec<String>, max: usize, lang: Lang) -> Vec<String> {
    if items.len() <= max {
        return items;
    }
    let keep = max.saturating_sub(1);
    let rest = items.len() - keep;
    let mut out: Vec<String> = items.into_iter().take(keep).collect();
    out.push(match lang {
        Lang::It => format!("  - … e altri {rest} (vedi la spiegazione completa)"),
        Lang::En => format!("  - … and {rest} more (see the full explanation)"),
    });
    out
}

impl Evaluation {
    /// The motivazione: at most [`MOTIVAZIONE_MAX_LINES`] lines, fit to paste into a
    /// provvedimento. Italian by default ([`Lang::It`]), or English.
    pub fn motivazione(&self, lang: Lang) -> String {
        let it = lang == Lang::It;
        let mut head = Vec::new();
        head.push(if it {
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
        });
        let failed: Vec<_> = self.conditions.iter().filter(|c| !c.satisfied).collect();
        if !self.conditions.is_empty() {
            head.push(match (failed.is_empty(), it) {
                (true, true) => "Esito: i requisiti sono soddisfatti.".to_owned(),
                (true, false) => "Outcome: all requirements are met.".to_owned(),
                (false, true) => "Esito: i requisiti NON sono soddisfatti:".to_owned(),
                (false, false) => "Outcome: the requirements are NOT met:".to_owned(),
            });
        }
        let mut conditions = Vec::new();
        for c in &failed {
            let reason = c.reason.as_ref().map_or_else(
                || label(&c.name, c.label.as_deref(), lang),
                |r| r.get(lang).to_owned(),
            );
            let norm =
                c.reference.as_ref().map(|r| format!(" ({})", r.citation())).unwrap_or_default();
            conditions.push(format!("  - {reason}{norm}"));
        }
        let steps: Vec<&Step> = self.explanation.steps.iter().collect();
        // Rules of an extending rulebook that applied instead of the extended one's.
        let mut local = Vec::new();
        for s in steps.iter().filter(|s| s.replaces.is_some()) {
            let Some(r) = &s.replaces else { continue };
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
            local.push(if it {
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
            });
        }
        let mut amounts = Vec::new();
        for s in steps.iter().filter(|s| s.output && s.kind == StepKind::Definition) {
            let norm =
                s.reference.as_ref().map(|r| format!(" ({})", r.citation())).unwrap_or_default();
            amounts.push(format!(
                "  - {}: {}{norm}",
                label(&s.name, s.label.as_deref(), lang),
                show(&s.value, &s.display, &s.ty, lang)
            ));
        }
        let mut seen = BTreeSet::new();
        let mut facts = Vec::new();
        let mut params = Vec::new();
        for s in &steps {
            for u in &s.uses {
                if !seen.insert((u.kind as u8, u.name.clone())) {
                    continue;
                }
                match u.kind {
                    UsedKind::Input => {
                        let value = u.value.clone().unwrap_or(serde_json::Value::Null);
                        let shown = show(&value, u.display.as_deref().unwrap_or(""), &u.ty, lang);
                        facts.push(format!(
                            "  - {}: {shown}",
                            label(&u.name, u.label.as_deref(), lang)
                        ));
                    }
                    UsedKind::Parameter => {
                        let Some(p) = &u.parameter else { continue };
                        let display = u.display.clone().unwrap_or_default();
                        let shown = if &*u.ty == "money" {
                            show(
                                &serde_json::Value::String(display.clone()),
                                &display,
                                "money",
                                lang,
                            )
                        } else {
                            display
                        };
                        let shown = if shown.chars().count() > 60 || &*u.ty == "band table" {
                            if it {
                                "tabella".to_owned()
                            } else {
                                "table".to_owned()
                            }
                        } else {
                            shown
                        };
                        let since = if it {
                            format!("in vigore dal {}", date_it(p.valid.from()))
                        } else {
                            format!("in force from {}", p.valid.from())
                        };
                        let source = if it { "fonte" } else { "source" };
                        params.push(format!(
                            "  - {}: {shown} ({since}; {source}: {})",
                            label(&u.name, u.label.as_deref(), lang),
                            p.source
                        ));
                    }
                    _ => {}
                }
            }
        }
        let mut norms: Vec<String> = Vec::new();
        for l in &self.legal_basis {
            let c = l.citation();
            if !norms.contains(&c) {
                norms.push(c);
            }
        }
        // Budget: head and section titles first, then items, fairly.
        let mut lines = head;
        lines.extend(capped(conditions, 6, lang));
        if !local.is_empty() {
            lines.push(
                if it { "Regole locali applicate:" } else { "Local rules applied:" }.to_owned(),
            );
            lines.extend(capped(local, 3, lang));
        }
        if !amounts.is_empty() {
            lines.push(
                if it { "Importi e valori determinati:" } else { "Amounts and values:" }.to_owned(),
            );
            lines.extend(capped(amounts, 7, lang));
        }
        if !facts.is_empty() {
            lines.push(if it { "Dati considerati:" } else { "Facts considered:" }.to_owned());
            lines.extend(capped(facts, 6, lang));
        }
        if !params.is_empty() {
            lines.push(if it { "Parametri applicati:" } else { "Parameters applied:" }.to_owned());
            lines.extend(capped(params, 5, lang));
        }
        if !norms.is_empty() {
            lines.push(format!(
                "{} {}.",
                if it { "Riferimenti normativi:" } else { "Legal basis:" },
                norms.join("; ")
            ));
        }
        lines.truncate(MOTIVAZIONE_MAX_LINES);
        lines.join("\n")
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
            StepKind::Condition if s.value == serde_json::Value::Bool(true) => "✓ ",
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
