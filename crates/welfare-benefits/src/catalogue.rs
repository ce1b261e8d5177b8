//! The national measures as rulebooks of the rule language, and their evaluation for a household.
//!
//! The rulebooks are embedded in the crate (`rulebooks/*.yaml`) and compiled once by
//! [`Catalogue::national`]. A household reaches them through the **flat facts** of
//! [`engine_facts`]: one object of household facts and a `members` list, from which each rulebook
//! receives exactly the inputs it declares (the engine refuses anything undeclared).
//!
//! A rulebook names its amount by convention: the output `importo_mensile` is monthly,
//! `importo_annuo` annual, `importo_una_tantum` one-off. The same convention lets a comune's own
//! rulebook (`welfare eval --rulebook`) appear beside the national ones.
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_benefits::{Catalogue, Household};
//!
//! let catalogue = Catalogue::national()?;
//! let household = Household::example()?;
//! let results = catalogue.evaluate(&household, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
//! let auu = results.iter().find(|r| r.measure == "it/assegno-unico").unwrap();
//! assert!(auu.eligible);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use welfare_rules::{Engine, Lang, Program};
use welfare_types::dates::{add_months, whole_months_between};
use welfare_types::{Money, Rounding};

use crate::household::{BenefitKind, Household, IseeKind, Period};
use crate::HouseholdError;

/// The embedded national rulebooks: (file name, text).
pub const NATIONAL_RULEBOOKS: [(&str, &str); 9] = [
    ("assegno-unico-tabelle.yaml", include_str!("../rulebooks/assegno-unico-tabelle.yaml")),
    ("assegno-unico.yaml", include_str!("../rulebooks/assegno-unico.yaml")),
    ("assegno-maternita.yaml", include_str!("../rulebooks/assegno-maternita.yaml")),
    ("assegno-inclusione.yaml", include_str!("../rulebooks/assegno-inclusione.yaml")),
    (
        "supporto-formazione-lavoro.yaml",
        include_str!("../rulebooks/supporto-formazione-lavoro.yaml"),
    ),
    ("carta-dedicata-a-te.yaml", include_str!("../rulebooks/carta-dedicata-a-te.yaml")),
    ("bonus-nido.yaml", include_str!("../rulebooks/bonus-nido.yaml")),
    ("bonus-nuovi-nati.yaml", include_str!("../rulebooks/bonus-nuovi-nati.yaml")),
    ("bonus-sociali.yaml", include_str!("../rulebooks/bonus-sociali.yaml")),
];

/// On which date a measure is evaluated for a date asked.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DatePolicy {
    /// On the date asked (a monthly allowance on its mensilità).
    AsAsked,
    /// On the date of the most recent birth, adoption or fostering on or before the date asked
    /// (or the date asked when there is none): the assegno di maternità is "concesso nella
    /// misura prevista alla data del parto" (D.Lgs. 151/2001 art. 74 c. 3).
    LatestEvent,
}

/// The measures evaluated for a household, in order, with their date policy (rulebooks that
/// only hold parameters, such as the AUU tables, are not measures).
pub const NATIONAL_MEASURES: [(&str, DatePolicy); 8] = [
    ("it/assegno-unico", DatePolicy::AsAsked),
    ("it/assegno-maternita", DatePolicy::LatestEvent),
    ("it/assegno-inclusione", DatePolicy::AsAsked),
    ("it/supporto-formazione-lavoro", DatePolicy::AsAsked),
    ("it/carta-dedicata-a-te", DatePolicy::AsAsked),
    ("it/bonus-nido", DatePolicy::AsAsked),
    ("it/bonus-nuovi-nati", DatePolicy::LatestEvent),
    ("it/bonus-sociali", DatePolicy::AsAsked),
];

/// Why the catalogue could not be built or a rulebook added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// A rulebook does not load or does not check.
    #[error("{0}")]
    Load(#[from] welfare_rules::LoadError),
}

/// One measure's result for a household on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MeasureResult {
    /// The rulebook id (`it/assegno-unico`).
    pub measure: String,
    /// Whether every condition of the measure holds.
    pub eligible: bool,
    /// The amount when eligible.
    pub amount: Option<Money>,
    /// The period of the amount.
    pub period: Option<Period>,
    /// The reasons for a refusal (the failed conditions), in the language asked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// The motivazione: outcome, amounts, facts and parameters with their sources.
    pub motivazione: String,
    /// An error that stopped the evaluation (a missing fact, a date outside the rulebook).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The compiled measures.
#[derive(Debug)]
pub struct Catalogue {
    programs: Vec<(Program, DatePolicy)>,
    engine: Engine,
}

impl Catalogue {
    /// The national measures, compiled from the embedded rulebooks.
    pub fn national() -> Result<Catalogue, CatalogueError> {
        let mut engine = Engine::new();
        for (file, text) in NATIONAL_RULEBOOKS {
            engine.add_yaml(text, file)?;
        }
        let programs = NATIONAL_MEASURES
            .iter()
            .map(|(id, policy)| engine.program(id).map(|p| (p, *policy)))
            .collect::<Result<_, _>>()?;
        Ok(Catalogue { programs, engine })
    }

    /// Adds a rulebook (a comune's own measure), which may import or extend the national ones,
    /// and returns its id. A rulebook that reads the member fact `event_date` (directly or
    /// through an import) is evaluated on the date of the event, like the national grants for a
    /// birth; any other on the date asked.
    pub fn add_rulebook(&mut self, text: &str, file: &str) -> Result<String, CatalogueError> {
        let id = self.engine.add_yaml(text, file)?.id.clone();
        let program = self.engine.program(&id)?;
        let policy = if program.member_inputs().any(|(name, _, _)| name == "event_date") {
            DatePolicy::LatestEvent
        } else {
            DatePolicy::AsAsked
        };
        self.programs.push((program, policy));
        Ok(id)
    }

    /// The compiled measures, in evaluation order.
    pub fn programs(&self) -> impl Iterator<Item = &Program> {
        self.programs.iter().map(|(p, _)| p)
    }

    /// Every measure for one household on `date`, motivazioni in Italian.
    pub fn evaluate(&self, household: &Household, date: NaiveDate) -> Vec<MeasureResult> {
        self.evaluate_in(household, date, Lang::It)
    }

    /// Every measure for one household on `date`, motivazioni in `lang`. A household the facts
    /// cannot be built for (a member born after the date) gives one error result per measure.
    pub fn evaluate_in(
        &self,
        household: &Household,
        date: NaiveDate,
        lang: Lang,
    ) -> Vec<MeasureResult> {
        self.evaluate_with(household, date, lang, Detail::Motivazione)
    }

    /// Every measure for one household on `date` without building explanations: eligibility,
    /// amount and period only, with an empty motivazione and no reasons. The fast path of
    /// population-scale batches; the outcomes are the same as [`Catalogue::evaluate_in`]'s.
    pub fn evaluate_outcomes(&self, household: &Household, date: NaiveDate) -> Vec<MeasureResult> {
        self.evaluate_with(household, date, Lang::It, Detail::Outcome)
    }

    fn evaluate_with(
        &self,
        household: &Household,
        date: NaiveDate,
        lang: Lang,
        detail: Detail,
    ) -> Vec<MeasureResult> {
        let facts = engine_facts(household, date);
        self.programs
            .iter()
            .map(|(p, policy)| {
                let valid = p.valid();
                let on = match policy {
                    DatePolicy::AsAsked => date,
                    DatePolicy::LatestEvent => household
                        .events
                        .iter()
                        .map(|e| e.date)
                        .filter(|d| *d <= date && valid.contains(*d))
                        .max()
                        .unwrap_or(date),
                };
                if !valid.contains(on) {
                    // A measure not yet in force does not apply; after the last figures known
                    // it is not evaluated (never a guess with old figures).
                    return not_in_force(p, on, lang);
                }
                match (&facts, detail) {
                    (Ok(facts), Detail::Motivazione) => evaluate_program(p, facts, on, lang),
                    (Ok(facts), Detail::Outcome) => outcome_of_program(p, facts, on),
                    (Err(e), _) => failed(p, e.to_string()),
                }
            })
            .collect()
    }
}

fn failed(program: &Program, error: String) -> MeasureResult {
    MeasureResult {
        measure: program.id().to_owned(),
        eligible: false,
        amount: None,
        period: None,
        reasons: Vec::new(),
        motivazione: String::new(),
        error: Some(error),
    }
}

fn not_in_force(program: &Program, on: NaiveDate, lang: Lang) -> MeasureResult {
    let valid = program.valid();
    let from = valid.from();
    let reason = match (on < from, valid.to(), lang) {
        (true, _, Lang::En) => format!("the measure starts on {from}"),
        (true, _, _) => format!("la misura decorre dal {}", from.format("%d/%m/%Y")),
        (false, Some(to), Lang::En) => {
            format!("not evaluated: the rulebook has figures until {to} only")
        }
        (false, Some(to), _) => format!(
            "non valutata: il rulebook ha importi e soglie solo fino al {}",
            to.format("%d/%m/%Y")
        ),
        (false, None, _) => String::new(),
    };
    let motivazione = match lang {
        Lang::En => format!("{} ({}), on {on}: {reason}.", program.title().get(lang), program.id()),
        _ => format!(
            "{} ({}), alla data del {}: {reason}.",
            program.title().get(lang),
            program.id(),
            on.format("%d/%m/%Y")
        ),
    };
    MeasureResult {
        measure: program.id().to_owned(),
        eligible: false,
        amount: None,
        period: None,
        reasons: vec![reason],
        motivazione,
        error: None,
    }
}

/// The amount outputs a rulebook may define, with their periods.
const AMOUNT_OUTPUTS: [(&str, Period); 3] = [
    ("importo_mensile", Period::Monthly),
    ("importo_annuo", Period::Annual),
    ("importo_una_tantum", Period::OneOff),
];

/// How much of an evaluation to build.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Detail {
    /// Outcome, amounts and the motivazione.
    Motivazione,
    /// Outcome and amounts only.
    Outcome,
}

/// Evaluates one program on the flat facts of a household without an explanation.
fn outcome_of_program(program: &Program, flat: &Value, date: NaiveDate) -> MeasureResult {
    let input = match select_inputs(program, flat) {
        Ok(v) => v,
        Err(e) => return failed(program, e),
    };
    let facts = match program.facts(&input) {
        Ok(f) => f,
        Err(e) => return failed(program, e.to_string()),
    };
    let outputs = match program.snapshot(date).and_then(|snap| snap.outputs(&facts)) {
        Ok(o) => o,
        Err(e) => return failed(program, e.to_string()),
    };
    let eligible = outputs.eligible(program);
    let (amount, period) = AMOUNT_OUTPUTS
        .iter()
        .find_map(|(name, period)| {
            let value = outputs.get(program, name)?;
            Some((value.as_decimal().map(amount_of), Some(*period)))
        })
        .unwrap_or((None, None));
    MeasureResult {
        measure: program.id().to_owned(),
        eligible,
        amount: if eligible { amount } else { None },
        period,
        reasons: Vec::new(),
        motivazione: String::new(),
        error: None,
    }
}

/// An amount output as money: exact to the cent is shown with two decimals; anything finer is
/// kept as computed, never rounded here.
fn amount_of(value: rust_decimal::Decimal) -> Money {
    let m = Money::from_decimal(value);
    if m.is_whole_cents() {
        m.round(Rounding::CENT_HALF_UP)
    } else {
        m
    }
}

/// Evaluates one program on the flat facts of a household.
pub fn evaluate_program(
    program: &Program,
    flat: &Value,
    date: NaiveDate,
    lang: Lang,
) -> MeasureResult {
    let input = match select_inputs(program, flat) {
        Ok(v) => v,
        Err(e) => return failed(program, e),
    };
    let facts = match program.facts(&input) {
        Ok(f) => f,
        Err(e) => return failed(program, e.to_string()),
    };
    let evaluation = match program.evaluate(&facts, date) {
        Ok(e) => e,
        Err(e) => return failed(program, e.to_string()),
    };
    let (amount, period) = AMOUNT_OUTPUTS
        .iter()
        .find_map(|(name, period)| {
            let value = evaluation.outputs.get(*name)?;
            let text = value.as_str()?;
            // Amounts are exact to the cent; a value written with more digits (1019.000) is
            // shown with two. Anything finer than a cent is kept as computed, never rounded here.
            let amount = Money::parse(text).ok().map(|m| amount_of(m.amount()));
            Some((amount, Some(*period)))
        })
        .unwrap_or((None, None));
    let reasons = evaluation
        .conditions
        .iter()
        .filter(|c| !c.satisfied)
        .map(|c| {
            c.reason
                .as_ref()
                .or(c.label.as_ref())
                .map_or_else(|| c.name.clone(), |t| t.get(lang).to_owned())
        })
        .collect();
    MeasureResult {
        measure: program.id().to_owned(),
        eligible: evaluation.eligible,
        amount: if evaluation.eligible { amount } else { None },
        period,
        reasons,
        motivazione: evaluation.motivazione(lang),
        error: None,
    }
}

/// Keeps the facts a program declares; an input outside the vocabulary is an error.
fn select_inputs(program: &Program, flat: &Value) -> Result<Value, String> {
    let mut out = Map::new();
    for (name, _, optional) in program.household_inputs() {
        match flat.get(name) {
            Some(v) => {
                out.insert(name.to_owned(), v.clone());
            }
            None if optional => {}
            None => {
                return Err(format!(
                    "rulebook input `{name}` is not a household fact (see docs/household-format.md)"
                ))
            }
        }
    }
    let member_inputs: Vec<(&str, bool)> =
        program.member_inputs().map(|(n, _, optional)| (n, optional)).collect();
    if !member_inputs.is_empty() {
        let mut members = Vec::new();
        for m in flat.get("members").and_then(Value::as_array).into_iter().flatten() {
            let mut obj = Map::new();
            for (name, optional) in &member_inputs {
                match m.get(*name) {
                    Some(v) => {
                        obj.insert((*name).to_owned(), v.clone());
                    }
                    None if *optional => {}
                    None => {
                        return Err(format!(
                            "rulebook member input `{name}` is not a member fact (see docs/household-format.md)"
                        ))
                    }
                }
            }
            members.push(Value::Object(obj));
        }
        out.insert("members".to_owned(), Value::Array(members));
    }
    Ok(Value::Object(out))
}

fn money_or_null(m: Option<Money>) -> Value {
    m.map_or(Value::Null, |m| Value::String(m.to_string()))
}

/// The flat facts of a household on `date`: every household fact a rulebook may declare, and a
/// `members` list of member facts. See `docs/household-format.md` for the vocabulary.
pub fn engine_facts(household: &Household, date: NaiveDate) -> Result<Value, HouseholdError> {
    let doc = household.facts(date)?;
    let counts = doc.get("counts").cloned().unwrap_or(Value::Null);
    let mut flat = Map::new();
    for kind in IseeKind::ALL {
        flat.insert(
            format!("isee_{}", kind.name()),
            money_or_null(household.isee.value_on(kind, date)),
        );
    }
    flat.insert(
        "scala".into(),
        household.isee.scala_on(date).map_or(Value::Null, |s| Value::String(s.to_string())),
    );
    if let Value::Object(c) = counts {
        for (k, v) in c {
            // `members` is the member list of the rules engine: the count is `members_count`.
            let key = if k == "members" { "members_count".to_owned() } else { k };
            flat.insert(key, v);
        }
    }
    flat.insert("rent_annual".into(), money_or_null(household.rent.as_ref().map(|r| r.annual)));
    flat.insert(
        "rent_registered".into(),
        json!(household.rent.as_ref().is_some_and(|r| r.registered)),
    );
    flat.insert("family_income".into(), money_or_null(household.family_income));
    flat.insert(
        "assets_real_estate".into(),
        money_or_null(household.assets.as_ref().map(|a| a.real_estate)),
    );
    flat.insert(
        "assets_financial".into(),
        money_or_null(household.assets.as_ref().map(|a| a.financial)),
    );
    let active = |kind: BenefitKind| {
        household.benefits_received.iter().any(|b| b.kind == kind && b.is_active_on(date))
    };
    flat.insert("receives_adi".into(), json!(active(BenefitKind::Adi)));
    flat.insert(
        "receives_income_support".into(),
        json!(household
            .benefits_received
            .iter()
            .any(|b| b.kind.is_income_support() && b.is_active_on(date))),
    );
    // The AUU received, as a yearly amount (monthly × 12): the bonus nido and the bonus nuovi
    // nati take it out of the ISEE from 2025.
    let auu_annual = household
        .benefits_received
        .iter()
        .filter(|b| b.kind == BenefitKind::AssegnoUnico && b.is_active_on(date))
        .filter_map(|b| {
            let amount = b.amount?;
            match b.period {
                Some(Period::Monthly) => amount.checked_mul(rust_decimal::Decimal::from(12)).ok(),
                _ => Some(amount),
            }
        })
        .try_fold(Money::ZERO, Money::checked_add)
        .ok()
        .filter(|m| !m.is_zero());
    flat.insert("auu_annual".into(), money_or_null(auu_annual));
    flat.insert(
        "all_registered_in_anagrafe".into(),
        json!(household.member_list.iter().all(|m| m.registered_in_anagrafe)),
    );
    if let Some(c) = doc.get("comune_on_date") {
        flat.insert("comune_istat".into(), c.get("istat").cloned().unwrap_or(Value::Null));
        flat.insert("comune_belfiore".into(), c.get("belfiore").cloned().unwrap_or(Value::Null));
    }

    let mut members = Vec::new();
    let list = doc.get("member_list").and_then(Value::as_array).cloned().unwrap_or_default();
    for (member, derived) in household.member_list.iter().zip(list) {
        let get = |k: &str| derived.get(k).cloned().unwrap_or(Value::Null);
        let event = household.events.iter().find(|e| e.child == member.member_identifier);
        let indemnity = household
            .benefits_received
            .iter()
            .filter(|b| {
                b.kind == BenefitKind::IndennitaMaternita
                    && b.child.as_deref() == Some(member.member_identifier.as_str())
            })
            .filter_map(|b| b.amount)
            .try_fold(Money::ZERO, Money::checked_add)
            .ok()
            .filter(|m| !m.is_zero());
        let application = household
            .applications
            .iter()
            .filter(|a| a.child.as_deref() == Some(member.member_identifier.as_str()))
            .map(|a| a.submitted_on)
            .min();
        let event_date = event.map(|e| e.date);
        let months_since_event = event_date
            .and_then(|d| whole_months_between(d, date).ok())
            .map_or(Value::Null, |m| json!(m));
        // Whole months from the event to the application (or to the evaluation date when there
        // is none), and whether that day is a monthly anniversary of the event: a term of N
        // months ends on the anniversary day itself (art. 2963 c.c.).
        let until = application.unwrap_or(date);
        let months_to_application = event_date.and_then(|d| whole_months_between(d, until).ok());
        let on_anniversary = match (event_date, months_to_application) {
            (Some(d), Some(m)) => add_months(d, m).ok() == Some(until),
            _ => false,
        };
        members.push(json!({
            "birth_date": member.birth_date.to_string(),
            "age_years": get("age"),
            "age_months": get("age_months"),
            "sex": member.sex,
            "is_child": get("is_child"),
            "is_minor": get("is_minor"),
            "is_head_or_partner": get("is_head_or_partner"),
            "is_head": member.relationship_to_head == crate::Relationship::IntestatarioScheda,
            "marital_status": member.marital_status,
            "months_in_marital_status": member
                .marital_status_since
                .and_then(|since| whole_months_between(since, date).ok())
                .map_or(Value::Null, |m| json!(m)),
            "fiscally_dependent": member.fiscally_dependent,
            "relationship_code": get("relationship_code"),
            "disability": get("disability"),
            "working": get("working"),
            "months_worked": member.employment.as_ref().map_or(0, |e| e.months_worked),
            "student": member.student,
            "residential_care": member.residential_care,
            "care_programme": member.care_programme,
            "carer": member.carer,
            "mother_age": get("mother_age"),
            "nursery": member.nursery.is_some(),
            "nursery_monthly_fee": money_or_null(member.nursery.as_ref().and_then(|n| n.monthly_fee)),
            "event_kind": event.map_or(Value::Null, |e| json!(e.kind)),
            "event_date": event_date.map_or(Value::Null, |d| json!(d.to_string())),
            "months_since_event": months_since_event,
            "maternity_indemnity": money_or_null(indemnity),
            "application_date": application.map_or(Value::Null, |d| json!(d.to_string())),
            "months_to_application": months_to_application.map_or(Value::Null, |m| json!(m)),
            "application_on_anniversary": on_anniversary,
        }));
    }
    flat.insert("members".into(), Value::Array(members));
    Ok(Value::Object(flat))
}
