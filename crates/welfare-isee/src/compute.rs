//! The computation: DSU → ISR, ISP, ISE, scala, ISEE.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use welfare_types::dates::{add_months, age_on};
use welfare_types::{Money, MoneyError, Rounding};

use crate::dsu::{
    same_id, AdditionalRole, Disability, Dsu, FinancialKind, Member, RealEstate, Relationship,
};
use crate::error::IseeError;
use crate::exact;
use crate::kind::IseeKind;
use crate::params::{parameters_on, DisabilityRule, DsuValidity, IseeParameters, ParameterSet};
use crate::trace::{render_all, Language, Step, TraceStep};

/// How the pension deduction combines with the employee deduction for the same member.
///
/// Whether DPCM 159/2013 art. 4 c. 3 makes them alternatives is not settled by any source we
/// found; see the crate's "Known limitations".
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PensionDeduction {
    /// Both deductions apply, each on its own base (the literal reading; the default).
    #[default]
    Cumulative,
    /// A member with both gets only the larger one.
    AlternativeToEmployee,
}

/// Options of a computation.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ComputeOptions {
    /// Record the trace (an explanation step per rule). Off, the computation allocates less.
    pub trace: bool,
    /// Reading of the pension deduction.
    pub pension_deduction: PensionDeduction,
}

impl Default for ComputeOptions {
    fn default() -> ComputeOptions {
        ComputeOptions { trace: true, pension_deduction: PensionDeduction::Cumulative }
    }
}

/// A member's income and deductions (DPCM 159/2013 art. 4 c. 2–3). Exact figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MemberIncome {
    /// The member's position in [`Dsu::members`].
    pub member: usize,
    /// Income items summed (art. 4 c. 2).
    pub gross: Money,
    /// Employee deduction (20 %, at most 3,000).
    pub employee_deduction: Money,
    /// Pension deduction (20 %, at most 1,000).
    pub pension_deduction: Money,
    /// Maintenance paid.
    pub maintenance_paid: Money,
    /// Gross less deductions, not below zero.
    pub net: Money,
}

/// A property as counted (DPCM 159/2013 art. 5 c. 2–3). Exact figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RealEstateValue {
    /// The property's position in [`Dsu::real_estate`].
    pub item: usize,
    /// Value less residual mortgage, not below zero.
    pub net: Money,
    /// The main-home threshold applied, for the main home.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main_home_threshold: Option<Money>,
    /// The amount counted in ISP.
    pub counted: Money,
}

/// The scala di equivalenza, term by term (DPCM 159/2013 Allegato 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScalaBreakdown {
    /// Parameter for the number of members.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub base: Decimal,
    /// Maggiorazione a) for the number of children (or its 2026 family-benefits version).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub children: Decimal,
    /// Maggiorazioni b) and c) for working or single parents with minor children.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub parents: Decimal,
    /// +0.5 per disabled member (from 28 June 2016).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub disability: Decimal,
    /// The total.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub total: Decimal,
}

/// An additional component (DPCM 159/2013 Allegato 2), exact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AdditionalValue {
    /// The component's local id.
    pub id: String,
    /// The amount added to the ISEE.
    pub value: Money,
}

/// Everything an ISEE computation produced.
///
/// `isr`, `isp`, `ise`, `scala` and `isee` are rounded half-up to the cent
/// ([`Rounding::CENT_HALF_UP`]), each from the exact figure; every other amount is exact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IseeResult {
    /// The variant computed.
    pub kind: IseeKind,
    /// The DSU filing date.
    pub filing_date: NaiveDate,
    /// The parameter set applied.
    pub parameter_set: ParameterSet,
    /// The calendar year of the incomes (for the ISEE corrente: the 12 months before filing).
    pub income_year: i32,
    /// The date the assets are valued at.
    pub asset_reference_date: NaiveDate,
    /// The last day the DSU (or the ISEE corrente) is valid.
    pub valid_until: NaiveDate,
    /// The members of the nucleo for this variant, with their income and deductions.
    pub members: Vec<MemberIncome>,
    /// Notional income of financial assets.
    pub figurative_income: Money,
    /// Rent deduction (capped).
    pub rent_deduction: Money,
    /// The rent cap.
    pub rent_cap: Money,
    /// Disability franchigie (original text only).
    pub disability_franchigie: Money,
    /// Disability expenses deducted: health expenses (capped per member), care staff and
    /// residential fees (original text only).
    pub disability_expenses: Money,
    /// ISR, rounded to the cent.
    pub isr: Money,
    /// Properties as counted.
    pub real_estate: Vec<RealEstateValue>,
    /// Real estate total.
    pub real_estate_total: Money,
    /// Deposits and accounts as counted.
    pub deposits: Money,
    /// Government and postal bonds excluded.
    pub bond_exclusion: Money,
    /// Financial assets before the franchigia.
    pub financial_gross: Money,
    /// Financial franchigia.
    pub financial_franchigia: Money,
    /// Financial assets counted.
    pub financial_net: Money,
    /// ISP, rounded to the cent.
    pub isp: Money,
    /// ISE, rounded to the cent.
    pub ise: Money,
    /// The scale, term by term.
    pub scala_breakdown: ScalaBreakdown,
    /// The scale, two decimals.
    #[serde(with = "crate::decimal_serde")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub scala: Decimal,
    /// Additional components.
    pub additional_components: Vec<AdditionalValue>,
    /// ISEE, rounded to the cent.
    pub isee: Money,
    /// The explanation (empty when the trace was not asked for).
    pub trace: Vec<TraceStep>,
}

impl IseeResult {
    /// The explanation as text, one step per line.
    pub fn explain(&self, lang: Language) -> String {
        render_all(&self.trace, lang)
    }
}

/// Computes an ISEE with the default options (trace recorded).
pub fn compute(dsu: &Dsu, kind: IseeKind) -> Result<IseeResult, IseeError> {
    compute_with(dsu, kind, &ComputeOptions::default())
}

/// Records a step only when tracing: the arguments are not even evaluated otherwise.
macro_rules! trace {
    ($t:expr, $($arg:expr),* $(,)?) => {
        if $t.on {
            $t.add($($arg),*);
        }
    };
}

struct Tracer {
    on: bool,
    steps: Vec<TraceStep>,
}

impl Tracer {
    #[inline]
    fn add(
        &mut self,
        step: Step,
        article: &'static str,
        member: Option<&str>,
        value: Decimal,
        inputs: &[Decimal],
    ) {
        self.steps.push(TraceStep {
            step,
            article,
            member: member.map(str::to_owned),
            value,
            inputs: inputs.to_vec(),
        });
    }
}

/// The members of a nucleo: every member of the DSU (the usual case, no allocation) or a
/// selection.
enum Members<'a> {
    All(&'a [Member]),
    Selected(Vec<&'a Member>),
}

impl<'a> Members<'a> {
    fn len(&self) -> usize {
        match self {
            Members::All(all) => all.len(),
            Members::Selected(some) => some.len(),
        }
    }

    fn iter(&self) -> MembersIter<'a, '_> {
        match self {
            Members::All(all) => MembersIter::All(all.iter()),
            Members::Selected(some) => MembersIter::Selected(some.iter()),
        }
    }
}

enum MembersIter<'a, 's> {
    All(std::slice::Iter<'a, Member>),
    Selected(std::slice::Iter<'s, &'a Member>),
}

impl<'a> Iterator for MembersIter<'a, '_> {
    type Item = &'a Member;

    fn next(&mut self) -> Option<&'a Member> {
        match self {
            MembersIter::All(it) => it.next(),
            MembersIter::Selected(it) => it.next().copied(),
        }
    }
}

struct Nucleo<'a> {
    members: Members<'a>,
    children: u32,
    minor_children: u32,
    child_under_three: bool,
    parents: u32,
    parents_all_worked: bool,
    only_parents_and_minors: bool,
    has_declarant: bool,
    /// Members with a disability category.
    disabled: u32,
}

fn is_minor(member: &Member, on: NaiveDate) -> Result<bool, IseeError> {
    Ok(age_on(member.birth_date, on)? < 18)
}

/// Whether a person is under 18, and under 3, on a date. The age in whole years is the
/// difference of the calendar years or one less, so [`age_on`] is asked only when the answer
/// depends on which (the birthday falls in the year of the 3rd or 18th anniversary).
fn minor_and_under_three(birth: NaiveDate, on: NaiveDate) -> Result<(bool, bool), IseeError> {
    let years = on.year() - birth.year();
    if years > 18 || (3 < years && years < 18) {
        return Ok((years < 18, false));
    }
    // Up to the 28th every month has the birthday's day, so the anniversary is passed when
    // the (month, day) of the date is not before the birth's: what `age_on` computes.
    let age = if birth.day() <= 28 {
        let before = (on.month(), on.day()) < (birth.month(), birth.day());
        u32::try_from(years - i32::from(before))
            .map_err(|_| IseeError::Date(welfare_types::dates::DateError::OutOfRange))?
    } else {
        age_on(birth, on)?
    };
    Ok((age < 18, age < 3))
}

fn select_nucleo<'a>(dsu: &'a Dsu, kind: IseeKind) -> Result<Nucleo<'a>, IseeError> {
    let on = dsu.filing_date;
    let attract_parent = matches!(kind, IseeKind::Minorenni | IseeKind::Universitario);
    let excluded =
        |m: &Member| !attract_parent && m.relationship == Relationship::GenitoreNonConvivente;
    let ordinary = if dsu.members.iter().any(excluded) {
        Members::Selected(dsu.members.iter().filter(|m| !excluded(m)).collect())
    } else {
        Members::All(&dsu.members)
    };
    let mut restricted_alone = false;
    let members = match kind {
        IseeKind::Sociosanitario | IseeKind::SociosanitarioResidenze => {
            let id = dsu.beneficiary.as_deref().ok_or(IseeError::Invalid {
                path: "beneficiary".into(),
                reason: "the sociosanitario ISEE needs the beneficiary's id",
            })?;
            let beneficiary =
                ordinary.iter().find(|m| same_id(&m.id, id)).ok_or(IseeError::Invalid {
                    path: "beneficiary".into(),
                    reason: "no member has this id",
                })?;
            if beneficiary.disability.is_none() {
                return Err(IseeError::Invalid {
                    path: "beneficiary".into(),
                    reason: "the sociosanitario beneficiary has no disability category",
                });
            }
            if is_minor(beneficiary, on)? {
                // Art. 6 c. 2 restricts the nucleo of adult beneficiaries only.
                ordinary
            } else if matches!(
                beneficiary.relationship,
                Relationship::Dichiarante | Relationship::Coniuge
            ) {
                let mut kept = Vec::with_capacity(ordinary.len());
                for m in ordinary.iter() {
                    let keep = match m.relationship {
                        Relationship::Dichiarante | Relationship::Coniuge => true,
                        Relationship::Figlio => m.irpef_dependent || is_minor(m, on)?,
                        _ => false,
                    };
                    if keep {
                        kept.push(m);
                    }
                }
                Members::Selected(kept)
            } else {
                restricted_alone = true;
                Members::Selected(vec![beneficiary])
            }
        }
        _ => ordinary,
    };
    let mut children = 0;
    let mut minor_children = 0;
    let mut child_under_three = false;
    let mut parents = 0;
    let mut parents_all_worked = true;
    let mut only_parents_and_minors = true;
    if !restricted_alone {
        for m in members.iter() {
            match m.relationship {
                Relationship::Figlio => {
                    children += 1;
                    let (minor, under_three) = minor_and_under_three(m.birth_date, on)?;
                    if minor {
                        minor_children += 1;
                        child_under_three |= under_three;
                    } else {
                        only_parents_and_minors = false;
                    }
                }
                Relationship::Dichiarante
                | Relationship::Coniuge
                | Relationship::GenitoreNonConvivente => {
                    parents += 1;
                    parents_all_worked &= m.worked_six_months;
                }
                Relationship::Altro => only_parents_and_minors = false,
            }
        }
    }
    let mut has_declarant = false;
    let mut disabled = 0;
    for m in members.iter() {
        has_declarant |= m.relationship == Relationship::Dichiarante;
        disabled += u32::from(m.disability.is_some());
    }
    Ok(Nucleo {
        members,
        children,
        minor_children,
        child_under_three,
        parents,
        parents_all_worked,
        only_parents_and_minors,
        has_declarant,
        disabled,
    })
}

/// Adds amounts, skipping zeros (most DSU fields are zero; a decimal addition is not free).
fn sum(amounts: &[Money]) -> Result<Money, MoneyError> {
    let mut total = Money::ZERO;
    for amount in amounts {
        if !amount.is_zero() {
            total = if total.is_zero() { *amount } else { total.checked_add(*amount)? };
        }
    }
    Ok(total)
}

/// `rate × base`, at most `cap`; zero without computing for a zero base.
fn capped_share(base: Money, rate: Decimal, cap: Money) -> Result<Money, MoneyError> {
    if base.is_zero() {
        return Ok(Money::ZERO);
    }
    Ok(min(base.checked_mul(rate)?, cap))
}

/// Half-up to the cent ([`Rounding::CENT_HALF_UP`], integer arithmetic for amounts).
fn to_cents(amount: Money) -> Money {
    amount.round(Rounding::CENT_HALF_UP)
}

/// `amount × n`, without a decimal multiplication for 0 and 1.
fn times(amount: Money, n: u32) -> Result<Money, MoneyError> {
    match n {
        0 => Ok(Money::ZERO),
        1 => Ok(amount),
        _ => amount.checked_mul(count(n)),
    }
}

/// `base + extra`, without a decimal addition when `extra` is zero.
fn plus(base: Money, extra: Money) -> Result<Money, MoneyError> {
    if extra.is_zero() {
        Ok(base)
    } else {
        base.checked_add(extra)
    }
}

fn min(a: Money, b: Money) -> Money {
    if !exact::greater(a, b) {
        a
    } else {
        b
    }
}

fn count(n: u32) -> Decimal {
    Decimal::from(n)
}

fn after(n: u32, free: u32) -> u32 {
    n.saturating_sub(free)
}

fn disability_index(d: Disability) -> usize {
    match d {
        Disability::Media => 0,
        Disability::Grave => 1,
        Disability::NonAutosufficienza => 2,
    }
}

const ART_4_C2: &str = "DPCM 159/2013 art. 4 c. 2";
const ART_4_C3: &str = "DPCM 159/2013 art. 4 c. 3";

/// Computes an ISEE.
///
/// Errors: the DSU is inconsistent ([`Dsu::validate`]), no parameters are in force on the
/// filing date, the variant did not exist then, a required figure is missing, or an amount
/// overflows.
pub fn compute_with(
    dsu: &Dsu,
    kind: IseeKind,
    options: &ComputeOptions,
) -> Result<IseeResult, IseeError> {
    dsu.validate()?;
    let date = dsu.filing_date;
    let p: &IseeParameters = parameters_on(date).map_err(|_| IseeError::NoParameters { date })?;
    let family = match (kind, p.family_variant) {
        (IseeKind::PrestazioniFamiliari, None) => {
            return Err(IseeError::KindNotInForce { kind, date });
        }
        (IseeKind::PrestazioniFamiliari, Some(f)) => Some(f),
        _ => None,
    };
    let mut t = Tracer { on: options.trace, steps: Vec::new() };
    trace!(t, Step::Parameters, p.source, None, Decimal::ZERO, &[]);

    let nucleo = select_nucleo(dsu, kind)?;
    let n = u32::try_from(nucleo.members.len())
        .map_err(|_| IseeError::Invalid { path: "members".into(), reason: "too many members" })?;
    trace!(t, Step::Nucleo, kind.article(), None, count(n), &[]);
    let everyone = nucleo.members.len() == dsu.members.len();
    let in_nucleo = |id: &str| everyone || nucleo.members.iter().any(|m| same_id(&m.id, id));

    // ---- ISR (art. 4) ----
    let franchigie_rule = match p.disability {
        DisabilityRule::Franchigie { adult, minor, health_expenses_cap } => {
            Some((adult, minor, health_expenses_cap))
        }
        DisabilityRule::ScaleIncrease(_) => None,
    };
    let mut members = Vec::with_capacity(nucleo.members.len());
    let mut net_total = Money::ZERO;
    let mut franchigie = Money::ZERO;
    let mut disability_expenses = Money::ZERO;
    for m in nucleo.members.iter() {
        let inc = &m.income;
        let disability_counted =
            if franchigie_rule.is_some() { inc.disability_benefits } else { Money::ZERO };
        let gross = sum(&[
            inc.irpef_total,
            inc.substitute_tax,
            inc.exempt,
            inc.assistance_benefits,
            disability_counted,
            inc.maintenance_received,
            inc.agricultural,
        ])?;
        trace!(
            t,
            Step::MemberIncome,
            ART_4_C2,
            Some(&m.id),
            gross.amount(),
            &[
                inc.irpef_total.amount(),
                inc.substitute_tax.amount(),
                inc.exempt.amount(),
                inc.assistance_benefits.amount(),
                disability_counted.amount(),
                inc.maintenance_received.amount(),
                inc.agricultural.amount(),
            ],
        );
        let mut employee = capped_share(inc.employee, p.employee_rate, p.employee_cap)?;
        if !inc.employee.is_zero() {
            trace!(
                t,
                Step::EmployeeDeduction,
                "DPCM 159/2013 art. 4 c. 3 lett. e",
                Some(&m.id),
                employee.amount(),
                &[inc.employee.amount(), p.employee_rate, p.employee_cap.amount()],
            );
        }
        let pension_base = sum(&[inc.pension, inc.assistance_benefits, disability_counted])?;
        let mut pension = capped_share(pension_base, p.pension_rate, p.pension_cap)?;
        if !pension_base.is_zero() {
            trace!(
                t,
                Step::PensionDeduction,
                ART_4_C3,
                Some(&m.id),
                pension.amount(),
                &[pension_base.amount(), p.pension_rate, p.pension_cap.amount()],
            );
        }
        if options.pension_deduction == PensionDeduction::AlternativeToEmployee
            && !employee.is_zero()
            && !pension.is_zero()
        {
            let (e, q) = (employee, pension);
            if employee >= pension {
                pension = Money::ZERO;
            } else {
                employee = Money::ZERO;
            }
            let kept = employee.checked_add(pension)?;
            trace!(
                t,
                Step::DeductionAlternative,
                ART_4_C3,
                Some(&m.id),
                kept.amount(),
                &[e.amount(), q.amount()],
            );
        }
        if !inc.maintenance_paid.is_zero() {
            trace!(
                t,
                Step::MaintenancePaid,
                ART_4_C3,
                Some(&m.id),
                inc.maintenance_paid.amount(),
                &[]
            );
        }
        let deductions = sum(&[employee, pension, inc.maintenance_paid])?;
        let net = if deductions.is_zero() {
            gross
        } else {
            gross.checked_sub(deductions)?.floor_at_zero()
        };
        trace!(
            t,
            Step::MemberNet,
            ART_4_C3,
            Some(&m.id),
            net.amount(),
            &[gross.amount(), deductions.amount()],
        );
        net_total = sum(&[net_total, net])?;
        if let (Some((adult, minor, _)), Some(d)) = (franchigie_rule, m.disability) {
            let table = if is_minor(m, date)? { minor } else { adult };
            let f = table.get(disability_index(d)).copied().unwrap_or(Money::ZERO);
            franchigie = franchigie.checked_add(f)?;
            trace!(
                t,
                Step::DisabilityFranchigia,
                "DPCM 159/2013 art. 4 c. 4 lett. d (testo originario)",
                Some(&m.id),
                f.amount(),
                &[],
            );
        }
        if inc.has_disability_expenses() {
            let deducted = disability_expenses_of(m, franchigie_rule.map(|r| r.2), &mut t)?;
            disability_expenses = plus(disability_expenses, deducted)?;
        }
        members.push(MemberIncome {
            member: dsu.members.iter().position(|x| std::ptr::eq(x, m)).unwrap_or_default(),
            gross,
            employee_deduction: employee,
            pension_deduction: pension,
            maintenance_paid: inc.maintenance_paid,
            net,
        });
    }

    // ---- Financial assets (art. 5 c. 4), needed for the notional income too ----
    let mut balances = Money::ZERO;
    let mut averages = Money::ZERO;
    let mut has_deposits = false;
    let mut others = Money::ZERO;
    let mut has_bonds = false;
    for f in dsu.financial.iter().filter(|f| in_nucleo(&f.owner)) {
        match f.kind {
            FinancialKind::Deposito => {
                has_deposits = true;
                balances = plus(balances, f.balance)?;
                averages = plus(averages, f.average_balance.unwrap_or(f.balance))?;
            }
            FinancialKind::Altro => others = others.checked_add(f.balance)?,
            _ => {
                has_bonds = true;
                others = others.checked_add(f.balance)?;
            }
        }
    }
    let deposits = if exact::greater(averages, balances) { averages } else { balances };
    if has_deposits {
        trace!(
            t,
            Step::Deposits,
            "DPCM 159/2013 art. 5 c. 4",
            None,
            deposits.amount(),
            &[balances.amount(), averages.amount()],
        );
    }
    // Exclusion of government and postal bonds, allocated by holder then instrument; the
    // amount excluded per item is kept by its index in `dsu.financial`.
    let mut excluded_per_item: Vec<Money> = Vec::new();
    let mut bond_exclusion = Money::ZERO;
    if let (Some(limit), true) = (p.bond_exclusion, has_bonds) {
        excluded_per_item = vec![Money::ZERO; dsu.financial.len()];
        let mut order: Vec<(u8, NaiveDate, u8, usize)> = Vec::new();
        let mut eligible = Money::ZERO;
        for (i, f) in dsu.financial.iter().enumerate() {
            let instrument = match f.kind {
                FinancialKind::TitoliDiStato => 0,
                FinancialKind::BuoniFruttiferiPostali => 1,
                FinancialKind::LibrettiPostali => 2,
                FinancialKind::Deposito | FinancialKind::Altro => continue,
            };
            let owner = nucleo.members.iter().find(|m| same_id(&m.id, &f.owner));
            let (holder, birth) = match owner {
                Some(m) if m.relationship == Relationship::Dichiarante => (0, NaiveDate::MIN),
                Some(m) if m.relationship == Relationship::GenitoreNonConvivente => {
                    (2, m.birth_date)
                }
                Some(m) => (1, m.birth_date),
                None => continue,
            };
            eligible = eligible.checked_add(f.balance)?;
            order.push((holder, birth, instrument, i));
        }
        order.sort_unstable();
        let mut remaining = limit;
        for (_, _, _, i) in order {
            let value = dsu.financial.get(i).map_or(Money::ZERO, |f| f.balance);
            let taken = min(value, remaining);
            remaining = remaining.checked_sub(taken)?;
            bond_exclusion = bond_exclusion.checked_add(taken)?;
            if let Some(slot) = excluded_per_item.get_mut(i) {
                *slot = taken;
            }
        }
        trace!(
            t,
            Step::BondExclusion,
            "L. 213/2023 art. 1 c. 183-185; DPCM 13/2025",
            None,
            bond_exclusion.amount(),
            &[eligible.amount(), limit.amount()],
        );
    }
    let mut figurative_base = Money::ZERO;
    for (i, f) in dsu.financial.iter().enumerate() {
        let earns = matches!(
            f.kind,
            FinancialKind::TitoliDiStato
                | FinancialKind::BuoniFruttiferiPostali
                | FinancialKind::Altro
        );
        if earns && in_nucleo(&f.owner) {
            let excluded = excluded_per_item.get(i).copied().unwrap_or(Money::ZERO);
            figurative_base = figurative_base.checked_add(f.balance.checked_sub(excluded)?)?;
        }
    }
    let figurative_income = if figurative_base.is_zero() {
        Money::ZERO
    } else {
        let rate = dsu.figurative_income_rate.ok_or(IseeError::Invalid {
            path: "figurative_income_rate".into(),
            reason: "required when there are financial assets other than deposits",
        })?;
        let value = figurative_base.checked_mul(rate)?.checked_div(Decimal::ONE_HUNDRED)?;
        trace!(
            t,
            Step::FigurativeIncome,
            ART_4_C2,
            None,
            value.amount(),
            &[figurative_base.amount(), rate],
        );
        value
    };

    // Rent (art. 4 c. 4 lett. a).
    let rent_cap = plus(p.rent_cap, times(p.rent_child_increment, after(nucleo.children, 2))?)?;
    let mut rent_deduction = Money::ZERO;
    if let (Some(rent), true) = (&dsu.rent, nucleo.has_declarant) {
        if rent.registered {
            rent_deduction = min(rent.annual, rent_cap);
            trace!(
                t,
                Step::RentDeduction,
                "DPCM 159/2013 art. 4 c. 4 lett. a",
                None,
                rent_deduction.amount(),
                &[rent.annual.amount(), rent_cap.amount(), count(after(nucleo.children, 2))],
            );
        } else {
            trace!(
                t,
                Step::RentNotRegistered,
                "DPCM 159/2013 art. 4 c. 4 lett. a",
                None,
                Decimal::ZERO,
                &[rent.annual.amount()],
            );
        }
    }
    let deducted = sum(&[rent_deduction, franchigie, disability_expenses])?;
    let mut isr_exact = plus(net_total, figurative_income)?;
    if !deducted.is_zero() {
        isr_exact = isr_exact.checked_sub(deducted)?.floor_at_zero();
    }
    let isr = to_cents(isr_exact);
    trace!(
        t,
        Step::Isr,
        "DPCM 159/2013 art. 4",
        None,
        isr_exact.amount(),
        &[
            net_total.amount(),
            figurative_income.amount(),
            rent_deduction.amount(),
            franchigie.amount(),
            disability_expenses.amount(),
        ],
    );

    // ---- ISP (art. 5) ----
    let mut real_estate = Vec::new();
    let mut real_estate_total = Money::ZERO;
    for (index, item) in dsu.real_estate.iter().enumerate() {
        if !in_nucleo(&item.owner) {
            continue;
        }
        let value = real_estate_item(index, item, &nucleo, p, family, &mut t)?;
        real_estate_total = real_estate_total.checked_add(value.counted)?;
        real_estate.push(value);
    }
    let [base, per_member, maximum, per_child] = p.financial_franchigia;
    let by_members = min(plus(base, times(per_member, n.saturating_sub(1))?)?, maximum);
    let financial_franchigia = plus(by_members, times(per_child, after(nucleo.children, 2))?)?;
    trace!(
        t,
        Step::FinancialFranchigia,
        "DPCM 159/2013 art. 5 c. 4",
        None,
        financial_franchigia.amount(),
        &[count(n), count(nucleo.children)],
    );
    let mut financial_gross = plus(deposits, others)?;
    if !bond_exclusion.is_zero() {
        financial_gross = financial_gross.checked_sub(bond_exclusion)?;
    }
    let financial_net = financial_gross.checked_sub(financial_franchigia)?.floor_at_zero();
    trace!(
        t,
        Step::Financial,
        "DPCM 159/2013 art. 5 c. 4",
        None,
        financial_net.amount(),
        &[financial_gross.amount(), financial_franchigia.amount()],
    );
    let isp_exact = plus(real_estate_total, financial_net)?;
    let isp = to_cents(isp_exact);
    trace!(
        t,
        Step::Isp,
        "DPCM 159/2013 art. 5 c. 1",
        None,
        isp_exact.amount(),
        &[real_estate_total.amount(), financial_net.amount()],
    );
    let ise_exact = plus(isr_exact, isp_exact.checked_mul(p.isp_share)?)?;
    let ise = to_cents(ise_exact);
    trace!(
        t,
        Step::Ise,
        "DPCM 159/2013 art. 2 c. 3",
        None,
        ise_exact.amount(),
        &[isr_exact.amount(), isp_exact.amount(), p.isp_share],
    );

    // ---- Scala (Allegato 1) ----
    let scala_breakdown = scala(&nucleo, n, p, family, &mut t)?;
    let scala_total = scala_breakdown.total;

    // ---- Componenti aggiuntive (Allegato 2) ----
    let wanted = match kind {
        IseeKind::Minorenni | IseeKind::Universitario => {
            Some(AdditionalRole::GenitoreNonConvivente)
        }
        IseeKind::SociosanitarioResidenze => Some(AdditionalRole::FiglioNonNelNucleo),
        _ => None,
    };
    let (subtracted, share) = p.additional_component;
    let mut additional_components = Vec::new();
    let mut additional_total = Money::ZERO;
    for extra in dsu.additional_components.iter().filter(|a| Some(a.role) == wanted) {
        let value = if extra.exempt {
            Money::ZERO
        } else {
            let own = extra.ise.checked_div(extra.scala)?.checked_sub(subtracted)?;
            if own.is_negative() || own.is_zero() {
                Money::ZERO
            } else {
                own.checked_mul(share)?.checked_div(scala_total)?
            }
        };
        let article = match extra.role {
            AdditionalRole::GenitoreNonConvivente => "DPCM 159/2013 art. 7 c. 2; Allegato 2 c. 2",
            AdditionalRole::FiglioNonNelNucleo => "DPCM 159/2013 art. 6 c. 3; Allegato 2 c. 1",
        };
        trace!(
            t,
            Step::AdditionalComponent,
            article,
            Some(&extra.id),
            value.amount(),
            &[extra.ise.amount(), extra.scala, subtracted.amount(), scala_total],
        );
        additional_total = additional_total.checked_add(value)?;
        additional_components.push(AdditionalValue { id: extra.id.clone(), value });
    }

    // Without additional components the ISEE is the quotient rounded to the cent, which the
    // integer division gives exactly (and identically: see `exact::divide_to_cents`).
    let fast = if additional_total.is_zero() {
        exact::divide_to_cents(ise_exact, scala_total)
    } else {
        None
    };
    let isee = match fast {
        Some(isee) => isee,
        None => to_cents(ise_exact.checked_div(scala_total)?.checked_add(additional_total)?),
    };
    trace!(
        t,
        Step::Isee,
        "DPCM 159/2013 art. 2 c. 2",
        None,
        isee.amount(),
        &[ise_exact.amount(), scala_total, additional_total.amount()],
    );

    let year = date.year();
    let december = |y: i32| NaiveDate::from_ymd_opt(y, 12, 31);
    let out_of_range = IseeError::Date(welfare_types::dates::DateError::OutOfRange);
    let valid_until = match (kind, p.validity) {
        (IseeKind::Corrente, _) => {
            add_months(date, p.corrente_months)?.pred_opt().ok_or_else(|| out_of_range.clone())?
        }
        (_, DsuValidity::UntilFifteenJanuaryNext) => {
            NaiveDate::from_ymd_opt(year + 1, 1, 15).ok_or_else(|| out_of_range.clone())?
        }
        (_, DsuValidity::UntilThirtyFirstDecember) => {
            december(year).ok_or_else(|| out_of_range.clone())?
        }
    };
    let asset_reference_date =
        december(year - p.asset_year_offset).ok_or_else(|| out_of_range.clone())?;
    let mut scala_rounded = if scala_total.scale() <= 2 {
        scala_total
    } else {
        Rounding::CENT_HALF_UP.apply(scala_total)
    };
    if scala_rounded.scale() < 2 {
        scala_rounded.rescale(2);
    }

    Ok(IseeResult {
        kind,
        filing_date: date,
        parameter_set: p.set,
        income_year: year - p.income_year_offset,
        asset_reference_date,
        valid_until,
        members,
        figurative_income,
        rent_deduction,
        rent_cap,
        disability_franchigie: franchigie,
        disability_expenses,
        isr,
        real_estate,
        real_estate_total,
        deposits,
        bond_exclusion,
        financial_gross,
        financial_franchigia,
        financial_net,
        isp,
        ise,
        scala_breakdown,
        scala: scala_rounded,
        additional_components,
        isee,
        trace: t.steps,
    })
}

const ART_4_C4_BC: &str = "DPCM 159/2013 art. 4 c. 4 lett. b-c (testo originario)";

/// The disability expenses of a member deducted from ISR (DPCM 159/2013 art. 4 c. 4 lett. b–c,
/// original text): health expenses up to `cap`, care staff and residential fees in full
/// ([`Dsu::validate`] has checked they belong to a non-self-sufficient member). Without a cap
/// (DSU filed from 28 June 2016, DL 42/2016 art. 2-sexies) nothing is deducted.
fn disability_expenses_of(
    m: &Member,
    cap: Option<Money>,
    t: &mut Tracer,
) -> Result<Money, IseeError> {
    let inc = &m.income;
    let Some(cap) = cap else {
        trace!(
            t,
            Step::DisabilityExpensesNotDeducted,
            "DL 42/2016 art. 2-sexies",
            Some(&m.id),
            Decimal::ZERO,
            &[
                inc.disability_health_expenses.amount(),
                inc.care_staff_expenses.amount(),
                inc.residential_care_fees.amount(),
            ],
        );
        return Ok(Money::ZERO);
    };
    let health = min(inc.disability_health_expenses, cap);
    if !inc.disability_health_expenses.is_zero() {
        trace!(
            t,
            Step::DisabilityHealthExpenses,
            ART_4_C4_BC,
            Some(&m.id),
            health.amount(),
            &[inc.disability_health_expenses.amount(), cap.amount()],
        );
    }
    let care = sum(&[inc.care_staff_expenses, inc.residential_care_fees])?;
    if !care.is_zero() {
        trace!(
            t,
            Step::DisabilityCareExpenses,
            ART_4_C4_BC,
            Some(&m.id),
            care.amount(),
            &[inc.care_staff_expenses.amount(), inc.residential_care_fees.amount()],
        );
    }
    Ok(sum(&[health, care])?)
}

fn real_estate_item(
    index: usize,
    item: &RealEstate,
    nucleo: &Nucleo<'_>,
    p: &IseeParameters,
    family: Option<crate::params::FamilyVariant>,
    t: &mut Tracer,
) -> Result<RealEstateValue, IseeError> {
    let net = item.imu_value.checked_sub(item.residual_mortgage)?.floor_at_zero();
    let article =
        if item.abroad { "DPCM 159/2013 art. 5 c. 3" } else { "DPCM 159/2013 art. 5 c. 2" };
    trace!(
        t,
        Step::RealEstate,
        article,
        Some(&item.owner),
        net.amount(),
        &[item.imu_value.amount(), item.residual_mortgage.amount()],
    );
    if !item.main_home {
        return Ok(RealEstateValue { item: index, net, main_home_threshold: None, counted: net });
    }
    let (threshold, article) = match family {
        Some(f) => {
            let base = if item.metropolitan_capital {
                f.home_threshold_metropolitan
            } else {
                f.home_threshold
            };
            let extra = f
                .home_child_increment
                .checked_mul(count(after(nucleo.children, f.home_children_free)))?;
            (base.checked_add(extra)?, "L. 199/2025 art. 1 c. 208-209; DPCM 159/2013 art. 5 c. 2")
        }
        None => {
            let extra = times(p.home_child_increment, after(nucleo.children, 2))?;
            (p.home_threshold.checked_add(extra)?, "DPCM 159/2013 art. 5 c. 2")
        }
    };
    let (num, den) = p.home_excess_share;
    let counted = net.checked_sub(threshold)?.floor_at_zero().checked_mul(num)?.checked_div(den)?;
    trace!(
        t,
        Step::MainHome,
        article,
        Some(&item.owner),
        counted.amount(),
        &[net.amount(), threshold.amount()],
    );
    Ok(RealEstateValue { item: index, net, main_home_threshold: Some(threshold), counted })
}

fn scala(
    nucleo: &Nucleo<'_>,
    n: u32,
    p: &IseeParameters,
    family: Option<crate::params::FamilyVariant>,
    t: &mut Tracer,
) -> Result<ScalaBreakdown, IseeError> {
    let overflow = || IseeError::Money(MoneyError::Overflow);
    let [s1, s2, s3, s4, s5, extra] = p.scale;
    let base = match n {
        0 | 1 => s1,
        2 => s2,
        3 => s3,
        4 => s4,
        _ => s5
            .checked_add(extra.checked_mul(count(n - 5)).ok_or_else(overflow)?)
            .ok_or_else(overflow)?,
    };
    trace!(t, Step::ScaleBase, "DPCM 159/2013 Allegato 1", None, base, &[count(n)]);

    let children = match family {
        Some(f) => {
            let [two, three, four, five] = f.child_maggiorazioni;
            match nucleo.children {
                0 | 1 => Decimal::ZERO,
                2 => two,
                3 => three,
                4 => four,
                _ => five,
            }
        }
        None => {
            let [three, four, five] = p.children_maggiorazioni;
            match nucleo.children {
                0..=2 => Decimal::ZERO,
                3 => three,
                4 => four,
                _ => five,
            }
        }
    };
    if !children.is_zero() {
        let article = if family.is_some() {
            "L. 199/2025 art. 1 c. 208-209"
        } else {
            "DPCM 159/2013 Allegato 1 lett. a"
        };
        trace!(t, Step::ScaleChildren, article, None, children, &[count(nucleo.children)]);
    }

    let [working, under_three] = p.working_parents;
    let amount = if nucleo.child_under_three { under_three } else { working };
    let mut parents = Decimal::ZERO;
    if nucleo.minor_children > 0 && nucleo.parents > 0 {
        if nucleo.parents_all_worked {
            parents = amount;
            trace!(
                t,
                Step::ScaleWorkingParents,
                "DPCM 159/2013 Allegato 1 lett. b",
                None,
                parents,
                &[],
            );
        } else if nucleo.parents == 1 && nucleo.only_parents_and_minors {
            parents = amount;
            trace!(
                t,
                Step::ScaleSingleParent,
                "DPCM 159/2013 Allegato 1 lett. c",
                None,
                parents,
                &[]
            );
        }
    }

    let mut disability = Decimal::ZERO;
    if let DisabilityRule::ScaleIncrease(step) = p.disability {
        let disabled = nucleo.disabled;
        if disabled > 0 {
            disability = step.checked_mul(count(disabled)).ok_or_else(overflow)?;
            trace!(
                t,
                Step::ScaleDisability,
                "DL 42/2016 art. 2-sexies; DPCM 159/2013 Allegato 3",
                None,
                disability,
                &[count(disabled)],
            );
        }
    }
    let mut total = base;
    for term in [children, parents, disability] {
        if !term.is_zero() {
            total = total.checked_add(term).ok_or_else(overflow)?;
        }
    }
    trace!(t, Step::Scala, "DPCM 159/2013 Allegato 1", None, total, &[]);
    Ok(ScalaBreakdown { base, children, parents, disability, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_and_under_three_agrees_with_age_on() {
        // Every birth date of 2008 and of 2020–2024 (29 February included) against every
        // day of 2025–2026: the shortcut gives what the age in whole years says.
        let days = |from: NaiveDate, to: NaiveDate| from.iter_days().take_while(move |d| *d <= to);
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let births =
            days(d(2008, 1, 1), d(2008, 12, 31)).chain(days(d(2020, 1, 1), d(2024, 12, 31)));
        for birth in births.step_by(3) {
            for on in days(d(2025, 1, 1), d(2026, 12, 31)) {
                let age = age_on(birth, on).unwrap();
                assert_eq!(
                    minor_and_under_three(birth, on).unwrap(),
                    (age < 18, age < 3),
                    "{birth} {on}"
                );
            }
        }
        let leap = d(2024, 2, 29);
        assert_eq!(minor_and_under_three(leap, d(2027, 2, 28)).unwrap(), (true, false));
        assert_eq!(minor_and_under_three(leap, d(2027, 2, 27)).unwrap(), (true, true));
    }
}
