//! The explanation of a computation: one step per rule applied, each with its legal source,
//! rendered in Italian (the default) or English.

use std::fmt::Write as _;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use welfare_types::{Money, Rounding};

/// The language of an explanation.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Italiano (predefinito).
    #[default]
    It,
    /// English.
    En,
}

/// The text is not `it` or `en`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown language (expected it or en)")]
pub struct UnknownLanguage;

impl FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(s: &str) -> Result<Language, UnknownLanguage> {
        match s.trim().to_ascii_lowercase().as_str() {
            "it" | "ita" | "italiano" => Ok(Language::It),
            "en" | "eng" | "english" => Ok(Language::En),
            _ => Err(UnknownLanguage),
        }
    }
}

/// What a trace step computed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Step {
    /// The parameter set in force. Inputs: none.
    Parameters,
    /// The members of the nucleo for this variant. Inputs: none; value: the count.
    Nucleo,
    /// A member's gross income. Inputs: IRPEF, substitute tax, exempt, benefits, disability
    /// benefits counted, maintenance received, agricultural.
    MemberIncome,
    /// Employee deduction. Inputs: base, rate, cap.
    EmployeeDeduction,
    /// Pension deduction. Inputs: base, rate, cap.
    PensionDeduction,
    /// Only the larger of the employee and pension deductions is kept (configured reading).
    /// Inputs: employee, pension.
    DeductionAlternative,
    /// Maintenance paid, deducted in full.
    MaintenancePaid,
    /// A member's income net of deductions, not below zero. Inputs: gross, deductions.
    MemberNet,
    /// Notional income of financial assets. Inputs: base, rate in percent.
    FigurativeIncome,
    /// Rent deduction. Inputs: annual rent, cap, children after the second.
    RentDeduction,
    /// The lease is not registered: no rent deduction. Inputs: annual rent.
    RentNotRegistered,
    /// Disability franchigia of the original text. Inputs: none.
    DisabilityFranchigia,
    /// Health expenses of a disabled member deducted, original text. Inputs: declared, cap.
    DisabilityHealthExpenses,
    /// Care staff and residential fees of a non-self-sufficient member deducted, original
    /// text. Inputs: care staff, residential fees.
    DisabilityCareExpenses,
    /// Disability expenses declared but not deducted (DSU filed from 28 June 2016). Inputs:
    /// health expenses, care staff, residential fees.
    DisabilityExpensesNotDeducted,
    /// ISR. Inputs: members' net incomes, notional income, rent deduction, franchigie,
    /// disability expenses.
    Isr,
    /// A property. Inputs: IMU value, residual mortgage.
    RealEstate,
    /// The main-home rule. Inputs: value net of mortgage, threshold.
    MainHome,
    /// Deposits and accounts. Inputs: sum of balances, sum of average balances.
    Deposits,
    /// Exclusion of government and postal bonds. Inputs: eligible total, limit.
    BondExclusion,
    /// Financial franchigia. Inputs: members, children.
    FinancialFranchigia,
    /// Financial assets counted. Inputs: gross total, franchigia.
    Financial,
    /// ISP. Inputs: real estate, financial.
    Isp,
    /// ISE. Inputs: ISR, ISP, share of ISP.
    Ise,
    /// Base scale. Inputs: members.
    ScaleBase,
    /// Maggiorazione for the number of children. Inputs: children.
    ScaleChildren,
    /// Maggiorazione for working parents with minor children. Inputs: none.
    ScaleWorkingParents,
    /// Maggiorazione for a non-working single parent with minor children only. Inputs: none.
    ScaleSingleParent,
    /// +0.5 per disabled member. Inputs: disabled members.
    ScaleDisability,
    /// The scale. Inputs: none.
    Scala,
    /// An additional component. Inputs: ISE, own scale, subtracted amount, beneficiary scale.
    AdditionalComponent,
    /// ISEE. Inputs: ISE, scale, additional components.
    Isee,
}

/// One step of a computation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TraceStep {
    /// What was computed.
    pub step: Step,
    /// The legal source of the rule.
    pub article: &'static str,
    /// The member (or additional component) concerned, by local id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// The figure computed, exact.
    #[serde(with = "crate::decimal_serde")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub value: Decimal,
    /// The figures it was computed from (see [`Step`] for their order).
    #[serde(serialize_with = "serialize_decimals")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub inputs: Vec<Decimal>,
}

fn serialize_decimals<S: serde::Serializer>(
    values: &[Decimal],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(values.iter().map(ToString::to_string))
}

fn money(value: Decimal, lang: Language) -> String {
    let rounded = Money::from_decimal(value).round(Rounding::CENT_HALF_UP);
    match lang {
        Language::It => rounded.to_italian_string(),
        Language::En => format!("€{rounded}"),
    }
}

fn number(value: Decimal, lang: Language) -> String {
    let text = value.normalize().to_string();
    match lang {
        Language::It => text.replace('.', ","),
        Language::En => text,
    }
}

impl TraceStep {
    fn input(&self, i: usize) -> Decimal {
        self.inputs.get(i).copied().unwrap_or_default()
    }

    /// The step as one sentence, with its source in brackets.
    pub fn render(&self, lang: Language) -> String {
        let m = |i: usize| money(self.input(i), lang);
        let n = |i: usize| number(self.input(i), lang);
        let v = money(self.value, lang);
        let vn = number(self.value, lang);
        let who = self.member.as_deref().unwrap_or("-");
        let it = lang == Language::It;
        let text = match self.step {
            Step::Parameters if it => "Parametri in vigore alla data di presentazione".to_owned(),
            Step::Parameters => "Parameters in force on the filing date".to_owned(),
            Step::Nucleo if it => format!("Nucleo considerato: {vn} componenti"),
            Step::Nucleo => format!("Nucleo taken into account: {vn} members"),
            Step::MemberIncome => {
                let labels: [&str; 7] = if it {
                    [
                        "IRPEF",
                        "imposta sostitutiva",
                        "esenti",
                        "trattamenti",
                        "trattamenti per disabilità",
                        "assegni percepiti",
                        "proventi agrari",
                    ]
                } else {
                    [
                        "IRPEF",
                        "substitute tax",
                        "exempt",
                        "benefits",
                        "disability benefits",
                        "maintenance received",
                        "agricultural",
                    ]
                };
                let items: Vec<String> = labels
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !self.input(*i).is_zero())
                    .map(|(i, label)| format!("{label} {}", m(i)))
                    .collect();
                let items = if items.is_empty() { m(0) } else { items.join(" + ") };
                if it {
                    format!("Redditi di {who}: {items} = {v}")
                } else {
                    format!("Income of {who}: {items} = {v}")
                }
            }
            Step::EmployeeDeduction if it => format!(
                "Detrazione lavoro dipendente di {who}: {} × {}, al massimo {} = {v}",
                n(1), m(0), m(2)
            ),
            Step::EmployeeDeduction => format!(
                "Employment deduction of {who}: {} × {}, at most {} = {v}",
                n(1), m(0), m(2)
            ),
            Step::PensionDeduction if it => format!(
                "Detrazione pensione e trattamenti di {who}: {} × {}, al massimo {} = {v}",
                n(1), m(0), m(2)
            ),
            Step::PensionDeduction => format!(
                "Pension and benefits deduction of {who}: {} × {}, at most {} = {v}",
                n(1), m(0), m(2)
            ),
            Step::DeductionAlternative if it => format!(
                "Detrazioni alternative per {who} (lavoro {} / pensione {}): si applica la maggiore \
                 = {v}",
                m(0), m(1)
            ),
            Step::DeductionAlternative => format!(
                "Alternative deductions for {who} (employment {} / pension {}): the larger applies \
                 = {v}",
                m(0), m(1)
            ),
            Step::MaintenancePaid if it => format!("Assegni corrisposti da {who}: {v}"),
            Step::MaintenancePaid => format!("Maintenance paid by {who}: {v}"),
            Step::MemberNet if it => {
                format!("Reddito netto di {who}: {} − {} (fino a concorrenza) = {v}", m(0), m(1))
            }
            Step::MemberNet => {
                format!("Net income of {who}: {} − {} (not below zero) = {v}", m(0), m(1))
            }
            Step::FigurativeIncome if it => format!(
                "Reddito figurativo del patrimonio mobiliare (esclusi i depositi): {} × {}% = {v}",
                m(0), n(1)
            ),
            Step::FigurativeIncome => format!(
                "Notional income of financial assets (deposits excluded): {} × {}% = {v}",
                m(0), n(1)
            ),
            Step::RentDeduction if it => format!(
                "Detrazione affitto: canone {}, massimo {} ({} figli oltre il secondo) = {v}",
                m(0), m(1), n(2)
            ),
            Step::RentDeduction => format!(
                "Rent deduction: rent {}, cap {} ({} children after the second) = {v}",
                m(0), m(1), n(2)
            ),
            Step::RentNotRegistered if it => {
                format!("Canone {} di contratto non registrato: nessuna detrazione", m(0))
            }
            Step::RentNotRegistered => {
                format!("Rent {} under an unregistered lease: no deduction", m(0))
            }
            Step::DisabilityFranchigia if it => format!("Franchigia per disabilità di {who}: {v}"),
            Step::DisabilityFranchigia => format!("Disability franchigia of {who}: {v}"),
            Step::DisabilityHealthExpenses if it => format!(
                "Spese sanitarie per disabilità di {who}: {}, al massimo {} = {v}",
                m(0), m(1)
            ),
            Step::DisabilityHealthExpenses => format!(
                "Health expenses for the disability of {who}: {}, at most {} = {v}",
                m(0), m(1)
            ),
            Step::DisabilityCareExpenses if it => format!(
                "Spese per l'assistenza di {who} non autosufficiente: addetti all'assistenza {} + \
                 rette di ricovero {} = {v}",
                m(0), m(1)
            ),
            Step::DisabilityCareExpenses => format!(
                "Care expenses of {who}, not self-sufficient: care staff {} + residential fees {} \
                 = {v}",
                m(0), m(1)
            ),
            Step::DisabilityExpensesNotDeducted if it => format!(
                "Spese per disabilità di {who} ({} + {} + {}) non detratte: dal 28/06/2016 la \
                 disabilità aumenta la scala di equivalenza",
                m(0), m(1), m(2)
            ),
            Step::DisabilityExpensesNotDeducted => format!(
                "Disability expenses of {who} ({} + {} + {}) not deducted: from 28 June 2016 \
                 disability raises the equivalence scale instead",
                m(0), m(1), m(2)
            ),
            Step::Isr if it && !self.input(4).is_zero() => format!(
                "ISR = redditi netti {} + reddito figurativo {} − affitto {} − franchigie {} − \
                 spese per disabilità {} (non sotto zero) = {v}",
                m(0), m(1), m(2), m(3), m(4)
            ),
            Step::Isr if it => format!(
                "ISR = redditi netti {} + reddito figurativo {} − affitto {} − franchigie {} (non \
                 sotto zero) = {v}",
                m(0), m(1), m(2), m(3)
            ),
            Step::Isr if !self.input(4).is_zero() => format!(
                "ISR = net incomes {} + notional income {} − rent {} − franchigie {} − disability \
                 expenses {} (not below zero) = {v}",
                m(0), m(1), m(2), m(3), m(4)
            ),
            Step::Isr => format!(
                "ISR = net incomes {} + notional income {} − rent {} − franchigie {} (not below \
                 zero) = {v}",
                m(0), m(1), m(2), m(3)
            ),
            Step::RealEstate if it => format!(
                "Immobile di {who}: valore {} − mutuo residuo {} (fino a concorrenza) = {v}",
                m(0), m(1)
            ),
            Step::RealEstate => format!(
                "Property of {who}: value {} − residual mortgage {} (not below zero) = {v}",
                m(0), m(1)
            ),
            Step::MainHome if it => format!(
                "Casa di abitazione: conta 2/3 dell'eccedenza di {} sulla soglia {} = {v}",
                m(0), m(1)
            ),
            Step::MainHome => format!(
                "Main home: 2/3 of the excess of {} over the threshold {} counts = {v}",
                m(0), m(1)
            ),
            Step::Deposits if it => format!(
                "Depositi e conti: il maggiore tra saldi {} e giacenze medie {} = {v}",
                m(0), m(1)
            ),
            Step::Deposits => format!(
                "Deposits and accounts: the larger of balances {} and average balances {} = {v}",
                m(0), m(1)
            ),
            Step::BondExclusion if it => format!(
                "Esclusione titoli di Stato e risparmio postale: {} ammissibili, fino a {} = {v}",
                m(0), m(1)
            ),
            Step::BondExclusion => format!(
                "Exclusion of government bonds and postal savings: {} eligible, up to {} = {v}",
                m(0), m(1)
            ),
            Step::FinancialFranchigia if it => {
                format!("Franchigia mobiliare ({} componenti, {} figli) = {v}", n(0), n(1))
            }
            Step::FinancialFranchigia => {
                format!("Financial franchigia ({} members, {} children) = {v}", n(0), n(1))
            }
            Step::Financial if it => {
                format!("Patrimonio mobiliare {} − franchigia {} (non sotto zero) = {v}", m(0), m(1))
            }
            Step::Financial => {
                format!("Financial assets {} − franchigia {} (not below zero) = {v}", m(0), m(1))
            }
            Step::Isp if it => format!("ISP = immobiliare {} + mobiliare {} = {v}", m(0), m(1)),
            Step::Isp => format!("ISP = real estate {} + financial {} = {v}", m(0), m(1)),
            Step::Ise if it => format!("ISE = ISR {} + {} × ISP {} = {v}", m(0), n(2), m(1)),
            Step::Ise => format!("ISE = ISR {} + {} × ISP {} = {v}", m(0), n(2), m(1)),
            Step::ScaleBase if it => format!("Scala per {} componenti: {vn}", n(0)),
            Step::ScaleBase => format!("Scale for {} members: {vn}", n(0)),
            Step::ScaleChildren if it => format!("Maggiorazione per {} figli: +{vn}", n(0)),
            Step::ScaleChildren => format!("Increase for {} children: +{vn}", n(0)),
            Step::ScaleWorkingParents if it => {
                format!("Maggiorazione per genitori che lavorano con figli minorenni: +{vn}")
            }
            Step::ScaleWorkingParents => {
                format!("Increase for working parents with minor children: +{vn}")
            }
            Step::ScaleSingleParent if it => format!(
                "Maggiorazione per nucleo di un solo genitore non lavoratore e figli minorenni: \
                 +{vn}"
            ),
            Step::ScaleSingleParent => format!(
                "Increase for a nucleo of a single non-working parent and minor children: +{vn}"
            ),
            Step::ScaleDisability if it => {
                format!("Maggiorazione per {} componenti con disabilità: +{vn}", n(0))
            }
            Step::ScaleDisability => format!("Increase for {} disabled members: +{vn}", n(0)),
            Step::Scala if it => format!("Scala di equivalenza = {vn}"),
            Step::Scala => format!("Equivalence scale = {vn}"),
            Step::AdditionalComponent if it => format!(
                "Componente aggiuntiva {who}: (ISE {} / scala {} − {}) × 0,2 / scala {} = {v}",
                m(0), n(1), m(2), n(3)
            ),
            Step::AdditionalComponent => format!(
                "Additional component {who}: (ISE {} / scale {} − {}) × 0.2 / scale {} = {v}",
                m(0), n(1), m(2), n(3)
            ),
            Step::Isee if it => format!(
                "ISEE = ISE {} / scala {} + componenti aggiuntive {}, arrotondato al centesimo \
                 (metà per eccesso) = {v}",
                m(0), n(1), m(2)
            ),
            Step::Isee => format!(
                "ISEE = ISE {} / scale {} + additional components {}, rounded half-up to the cent \
                 = {v}",
                m(0), n(1), m(2)
            ),
        };
        let mut line = text;
        let _ = write!(line, " [{}]", self.article);
        line
    }
}

/// Renders every step, one per line.
pub fn render_all(steps: &[TraceStep], lang: Language) -> String {
    let mut out = String::new();
    for step in steps {
        out.push_str(&step.render(lang));
        out.push('\n');
    }
    out
}
