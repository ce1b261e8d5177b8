//! The **fact vocabulary**: every fact a rulebook may read about a household and its members,
//! computed once per household and date, then handed to each rulebook by position.
//!
//! A rulebook declares the inputs it reads (data minimisation); the catalogue binds each
//! rulebook to this vocabulary when it is added ([`welfare_rules::Program::bind`]), so a rulebook
//! that reads a fact the vocabulary does not have is refused at once, with the fact's name. For
//! each household the facts are computed once into a [`FactTable`] (reused between households:
//! no allocation once it has grown) and read in place by each rulebook. A catalogue computes
//! only the facts its rulebooks read (the others stay missing), and the table records which of
//! those a rulebook requires are missing, so that each rulebook's check is a test of bits.
//!
//! The names, types and meanings are those of `docs/household-format.md` ("Facts for
//! rulebooks"). To add a fact: add a line to [`HOUSEHOLD_FACTS`] or [`MEMBER_FACTS`], compute it
//! in `fill` at the same position (a test checks that every position is written; a member fact
//! that needs a lookup shared with others, such as the member's event, joins that lookup's
//! group of names, which a property test checks fact by fact), and document it.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use welfare_rules::{Binding, MissingFacts, Type, Value};
use welfare_types::dates::{add_months, whole_months_between, MonthsTo};
use welfare_types::territory::Comune;
use welfare_types::Money;

use crate::error::HouseholdError;
use crate::household::{
    BenefitKind, Citizenship, Disability, EventKind, Household, IseeKind, MaritalStatus, Member,
    Period, ResidentialCare, Sex,
};

/// The kind of a fact: its type in the rule language, and whether it may be missing.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FactKind {
    /// An amount in euro.
    Money,
    /// An exact decimal.
    Decimal,
    /// A whole number.
    Integer,
    /// True or false.
    Boolean,
    /// A date.
    Date,
    /// Free text (a code).
    Text,
    /// One of the names of a closed list ([`FactKind::Enum`] holds the list).
    Enum(&'static [&'static str]),
}

/// One fact of the vocabulary.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FactDecl {
    /// The name a rulebook declares.
    pub name: &'static str,
    /// Its kind.
    pub kind: FactKind,
    /// Whether it may be missing (`null`): a rulebook must then declare it `optional`.
    pub optional: bool,
}

impl FactDecl {
    /// The type in the rule language ([`Type::Optional`] when the fact may be missing).
    pub fn rule_type(&self) -> Type {
        let ty = match self.kind {
            FactKind::Money => Type::Money,
            FactKind::Decimal => Type::Decimal,
            FactKind::Integer => Type::Integer,
            FactKind::Boolean => Type::Boolean,
            FactKind::Date => Type::Date,
            FactKind::Text => Type::Text,
            FactKind::Enum(values) => {
                Type::Enum(values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>().into())
            }
        };
        if self.optional {
            Type::Optional(Box::new(ty))
        } else {
            ty
        }
    }
}

const fn fact(name: &'static str, kind: FactKind, optional: bool) -> FactDecl {
    FactDecl { name, kind, optional }
}

/// Serialized names of [`Sex`].
const SEX: &[&str] = &["M", "F"];
/// Serialized names of [`MaritalStatus`].
const MARITAL_STATUS: &[&str] = &[
    "celibe",
    "coniugato",
    "vedovo",
    "divorziato",
    "ignoto",
    "unito_civilmente",
    "libero_per_decesso",
    "libero_per_scioglimento",
];
/// Serialized names of [`Disability`].
const DISABILITY: &[&str] = &["none", "media", "grave", "non_autosufficiente"];
/// Serialized names of [`ResidentialCare`].
const RESIDENTIAL_CARE: &[&str] = &["none", "self_funded", "publicly_funded"];
/// Serialized names of [`EventKind`].
const EVENT_KIND: &[&str] = &["birth", "adoption", "pre_adoptive_fostering"];
/// Serialized names of [`Citizenship`], in the order of [`Citizenship::ALL`].
const CITIZENSHIP: &[&str] = &[
    "italian",
    "eu",
    "eu_family_member",
    "non_eu_long_term",
    "non_eu_single_permit",
    "non_eu_research",
    "non_eu_international_protection",
    "non_eu_other",
];

use FactKind::{Boolean, Date, Integer, Text};

/// Household facts, in vocabulary order.
pub const HOUSEHOLD_FACTS: [FactDecl; 31] = [
    fact("isee_ordinario", FactKind::Money, true),
    fact("isee_minorenni", FactKind::Money, true),
    fact("isee_sociosanitario", FactKind::Money, true),
    fact("isee_prestazioni_familiari", FactKind::Money, true),
    fact("scala", FactKind::Decimal, true),
    fact("members_count", Integer, false),
    fact("minors", Integer, false),
    fact("children", Integer, false),
    fact("children_minors", Integer, false),
    fact("children_under_1", Integer, false),
    fact("children_under_3", Integer, false),
    fact("children_under_10", Integer, false),
    fact("children_18_20", Integer, false),
    fact("members_60_plus", Integer, false),
    fact("members_67_plus", Integer, false),
    fact("disabled", Integer, false),
    fact("disabled_grave_or_non_autosufficiente", Integer, false),
    fact("working_head_or_partners", Integer, false),
    fact("head_or_partners", Integer, false),
    fact("rent_annual", FactKind::Money, true),
    fact("rent_registered", Boolean, false),
    fact("family_income", FactKind::Money, true),
    fact("assets_real_estate", FactKind::Money, true),
    fact("assets_financial", FactKind::Money, true),
    fact("receives_adi", Boolean, false),
    fact("receives_income_support", Boolean, false),
    fact("auu_annual", FactKind::Money, true),
    fact("all_registered_in_anagrafe", Boolean, false),
    fact("comune_istat", Text, true),
    fact("comune_belfiore", Text, false),
    fact("adi_from", Date, true),
];

/// Member facts, in vocabulary order.
pub const MEMBER_FACTS: [FactDecl; 31] = [
    fact("birth_date", Date, false),
    fact("age_years", Integer, false),
    fact("age_months", Integer, false),
    fact("sex", FactKind::Enum(SEX), false),
    fact("is_child", Boolean, false),
    fact("is_minor", Boolean, false),
    fact("is_head_or_partner", Boolean, false),
    fact("is_head", Boolean, false),
    fact("marital_status", FactKind::Enum(MARITAL_STATUS), true),
    fact("months_in_marital_status", Integer, true),
    fact("fiscally_dependent", Boolean, true),
    fact("relationship_code", Integer, false),
    fact("disability", FactKind::Enum(DISABILITY), false),
    fact("working", Boolean, false),
    fact("months_worked", Integer, false),
    fact("student", Boolean, false),
    fact("residential_care", FactKind::Enum(RESIDENTIAL_CARE), false),
    fact("care_programme", Boolean, false),
    fact("carer", Boolean, false),
    fact("mother_age", Integer, true),
    fact("nursery", Boolean, false),
    fact("nursery_monthly_fee", FactKind::Money, true),
    fact("event_kind", FactKind::Enum(EVENT_KIND), true),
    fact("event_date", Date, true),
    fact("months_since_event", Integer, true),
    fact("maternity_indemnity", FactKind::Money, true),
    fact("application_date", Date, true),
    fact("months_to_application", Integer, true),
    fact("application_on_anniversary", Boolean, false),
    fact("mother_citizenship", FactKind::Enum(CITIZENSHIP), true),
    fact("mother_resident_at_event", Boolean, true),
];

// A fact is a bit of a `u64` in a `FactMask` and in `MissingFacts`.
const _: () = assert!(HOUSEHOLD_FACTS.len() <= 64 && MEMBER_FACTS.len() <= 64);

/// Whether two names are the same (at compile time).
const fn same(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    while let ([x, rest_a @ ..], [y, rest_b @ ..]) = (a, b) {
        if *x != *y {
            return false;
        }
        (a, b) = (rest_a, rest_b);
    }
    a.is_empty() && b.is_empty()
}

/// The bits of the facts named in `decls` (a name not there has none: a test checks that
/// every name of the constants below is there).
const fn bits(decls: &[FactDecl], names: &[&str]) -> u64 {
    let mut out = 0;
    let mut names = names;
    while let [name, rest @ ..] = names {
        let mut at = 0;
        let mut list = decls;
        while let [d, tail @ ..] = list {
            if same(d.name, name) {
                out |= 1 << at;
            }
            at += 1;
            list = tail;
        }
        names = rest;
    }
    out
}

/// The household facts of the comune (looked up whether read or not: an unknown code is an
/// error).
const COMUNE_NAMES: [&str; 2] = ["comune_istat", "comune_belfiore"];
const COMUNE: u64 = bits(&HOUSEHOLD_FACTS, &COMUNE_NAMES);
/// The household counts, computed together ([`crate::facts::count_values`]): side by side from
/// `members_count`, in that order (a test holds the order and the names).
const COUNTS: u64 =
    bits(&HOUSEHOLD_FACTS, &["members_count"]) * first(crate::facts::COUNT_NAMES.len());
/// The member facts that read the member's event (birth, adoption, fostering).
const EVENT_NAMES: [&str; 7] = [
    "event_kind",
    "event_date",
    "months_since_event",
    "months_to_application",
    "application_on_anniversary",
    "mother_citizenship",
    "mother_resident_at_event",
];
const USES_EVENT: u64 = bits(&MEMBER_FACTS, &EVENT_NAMES);
/// The member facts that read the member's first application.
const APPLICATION_NAMES: [&str; 3] =
    ["application_date", "months_to_application", "application_on_anniversary"];
const USES_APPLICATION: u64 = bits(&MEMBER_FACTS, &APPLICATION_NAMES);
/// The member facts that read the months from the event to the application.
const MONTHS_TO_APPLICATION_NAMES: [&str; 2] =
    ["months_to_application", "application_on_anniversary"];
const USES_MONTHS_TO_APPLICATION: u64 = bits(&MEMBER_FACTS, &MONTHS_TO_APPLICATION_NAMES);
/// The member facts that read the member's mother when she is a member.
const OWN_MOTHER_NAMES: [&str; 3] =
    ["mother_age", "mother_citizenship", "mother_resident_at_event"];
const USES_OWN_MOTHER: u64 = bits(&MEMBER_FACTS, &OWN_MOTHER_NAMES);
/// The member facts that read the mother of the event (or of the child).
const MOTHER_NAMES: [&str; 2] = ["mother_citizenship", "mother_resident_at_event"];
const USES_MOTHER: u64 = bits(&MEMBER_FACTS, &MOTHER_NAMES);

/// The facts that may be missing (the others, when computed, never are).
const fn optional(decls: &[FactDecl]) -> u64 {
    let mut out = 0;
    let mut at = 0;
    let mut list = decls;
    while let [d, rest @ ..] = list {
        if d.optional {
            out |= 1 << at;
        }
        at += 1;
        list = rest;
    }
    out
}
const OPTIONAL_HOUSEHOLD: u64 = optional(&HOUSEHOLD_FACTS);
const OPTIONAL_MEMBER: u64 = optional(&MEMBER_FACTS);
/// The facts of a member, the length of a member's row.
const MEMBER_ROW: usize = MEMBER_FACTS.len();

/// The facts never missing when computed.
const PRESENT_HOUSEHOLD: u64 = first(HOUSEHOLD_FACTS.len()) & !OPTIONAL_HOUSEHOLD;
const PRESENT_MEMBER: u64 = first(MEMBER_FACTS.len()) & !OPTIONAL_MEMBER;

/// Which facts a fill computes, as bits of positions (bit `p` of `household` for
/// [`HOUSEHOLD_FACTS`]`[p]`, of `members` for [`MEMBER_FACTS`]`[p]`), and which of the
/// optional facts it computes it checks for missing values ([`FactTable::missing`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct FactMask {
    household: u64,
    members: u64,
    check_household: u64,
    check_members: u64,
}

/// The bits of the first `n` positions.
const fn first(n: usize) -> u64 {
    match 1u64.checked_shl(n as u32) {
        Some(bit) => bit - 1,
        None => u64::MAX,
    }
}

impl FactMask {
    /// Every fact, every optional one checked.
    pub(crate) const ALL: FactMask = FactMask {
        household: first(HOUSEHOLD_FACTS.len()),
        members: first(MEMBER_FACTS.len()),
        check_household: OPTIONAL_HOUSEHOLD,
        check_members: OPTIONAL_MEMBER,
    };

    /// The facts the programs of `bindings` (bound to [`binding_vocabulary`]) read, the
    /// optional ones checked where one of them requires a value.
    pub(crate) fn reading<'b>(bindings: impl IntoIterator<Item = &'b Binding>) -> FactMask {
        // Positions of the vocabulary are all below 64 (asserted above); anything else would
        // be every fact.
        fn or(positions: impl IntoIterator<Item = usize>) -> u64 {
            let bit = |p: usize| u32::try_from(p).ok().and_then(|p| 1u64.checked_shl(p));
            positions.into_iter().try_fold(0u64, |bits, p| Some(bits | bit(p)?)).unwrap_or(u64::MAX)
        }
        bindings.into_iter().fold(
            FactMask { household: 0, members: 0, check_household: 0, check_members: 0 },
            |mask, b| FactMask {
                household: mask.household | or(b.household_positions().iter().copied()),
                members: mask.members | or(b.member_positions().iter().copied()),
                check_household: mask.check_household
                    | (or(b.required_household_positions()) & OPTIONAL_HOUSEHOLD),
                check_members: mask.check_members
                    | (or(b.required_member_positions()) & OPTIONAL_MEMBER),
            },
        )
    }
}

/// A missing value, for [`Row::push_shared`].
static MISSING: Value = Value::Missing;

/// A row of facts written in vocabulary order: a fact is computed and written when its bit is
/// wanted, else left as it is. The row is an array and every write is inlined, so the place and
/// the bit of each fact are constants: no bounds check and no shifted mask per fact.
struct Row<'v, const N: usize> {
    values: &'v mut [Value; N],
    /// The bits wanted (the fact at position `p` is bit `p`).
    wanted: u64,
    /// The position of the next fact in the row.
    at: usize,
}

impl<const N: usize> Row<'_, N> {
    /// The bits of a row fit the mask's 64.
    const FITS: () = assert!(N <= 64, "a row longer than a mask");

    /// A row writing the facts of `wanted` into `values`.
    #[inline(always)]
    fn new(values: &mut [Value; N], wanted: u64) -> Row<'_, N> {
        let () = Self::FITS;
        Row { values, wanted, at: 0 }
    }

    /// The place of the next fact when it is wanted (past the row's end, none).
    #[inline(always)]
    fn next_slot(&mut self) -> Option<&mut Value> {
        let at = self.at;
        self.at += 1;
        // `at` is below `N`, so below 64, when there is a slot.
        let slot = self.values.get_mut(at)?;
        ((self.wanted >> at) & 1 != 0).then_some(slot)
    }

    /// Writes the next fact, `value()`, when it is wanted.
    #[inline(always)]
    fn push(&mut self, value: impl FnOnce() -> Value) {
        if let Some(slot) = self.next_slot() {
            *slot = value();
        }
    }

    /// Writes the next fact, a shared text (an enum name), when it is wanted and the row does
    /// not hold that very text already: households in a row mostly have the same names at the
    /// same places, and a text not written is a reference count not touched, shared by every
    /// worker.
    #[inline(always)]
    fn push_shared<'s>(&mut self, value: impl FnOnce() -> &'s Value) {
        if let Some(slot) = self.next_slot() {
            let value = value();
            let same = match (&*slot, value) {
                (Value::Text(a), Value::Text(b)) => Arc::ptr_eq(a, b),
                (Value::Missing, Value::Missing) => true,
                _ => false,
            };
            if !same {
                *slot = value.clone();
            }
        }
    }

    /// Passes `n` facts.
    #[inline(always)]
    fn skip(&mut self, n: u32) {
        self.at += n as usize;
    }
}

/// The missing bits of `row`: none of `known` (facts computed that are never missing), those
/// of `check` where `row` is missing (or ends), and every other position (possibly missing).
fn missing_bits(row: &[Value], known: u64, check: u64) -> u64 {
    let mut out = !(known | check);
    let mut left = check;
    while left != 0 {
        let p = left.trailing_zeros();
        if row.get(p as usize).is_none_or(|v| matches!(v, Value::Missing)) {
            out |= 1 << p;
        }
        left &= left - 1;
    }
    out
}

/// Facts as `(name, type)` pairs, the form [`welfare_rules::Program::bind`] takes.
pub type NamedTypes = Vec<(&'static str, Type)>;

/// The vocabulary as `(name, type)` pairs for [`welfare_rules::Program::bind`]: household, then
/// member facts.
pub fn binding_vocabulary() -> (NamedTypes, NamedTypes) {
    let pairs = |decls: &[FactDecl]| decls.iter().map(|d| (d.name, d.rule_type())).collect();
    (pairs(&HOUSEHOLD_FACTS), pairs(&MEMBER_FACTS))
}

/// The facts of one household on one date, in vocabulary order (see the module docs).
///
/// Reuse one table for many households: [`FactTable::fill`] overwrites it and keeps its
/// buffers; enum names are shared, not allocated per household.
#[derive(Clone, Debug)]
pub struct FactTable {
    pub(crate) household: Vec<Value>,
    /// Member values: those of the last household's members (the first `member_values`), then
    /// rows kept from larger households.
    pub(crate) members: Vec<Value>,
    member_values: usize,
    symbols: &'static Symbols,
    /// The comuni met on `comuni_on`, by the code the households give ([`code_key`]), with
    /// their ISTAT and Belfiore codes as text values: households of one comune share them
    /// instead of looking the comune up and allocating its codes again.
    comuni: BTreeMap<u64, (&'static Comune, Value, Value)>,
    comuni_on: Option<NaiveDate>,
    /// The members' ages, reused between households.
    ages: Vec<crate::facts::Derived>,
    /// The date of the last fill, as ages are counted to it.
    age_date: Option<MonthsTo>,
    /// Which values of the last fill are missing ([`FactTable::missing`]).
    missing: MissingFacts,
    /// The mask of the last fill: the facts outside it are missing.
    filled_with: Option<FactMask>,
}

/// Comuni kept by a table at most (a batch of a whole country meets ≈ 8,000).
const COMUNI_KEPT: usize = 16_384;

impl Default for FactTable {
    fn default() -> FactTable {
        FactTable::new()
    }
}

/// The enum names as shared text values, built once per process and shared by every table
/// (a table is made per household by [`crate::Catalogue::evaluate`]).
#[derive(Clone, Debug)]
struct Symbols {
    sex: Vec<Value>,
    marital_status: Vec<Value>,
    disability: Vec<Value>,
    residential_care: Vec<Value>,
    event_kind: Vec<Value>,
    citizenship: Vec<Value>,
}

static SYMBOLS: std::sync::OnceLock<Symbols> = std::sync::OnceLock::new();

fn symbols(names: &[&str]) -> Vec<Value> {
    names.iter().map(|n| Value::Text(Arc::from(*n))).collect()
}

/// The name at `index` of a list of [`Symbols`] (missing past its end).
fn symbol(list: &[Value], index: usize) -> &Value {
    list.get(index).unwrap_or(&MISSING)
}

fn money(m: Option<Money>) -> Value {
    m.map_or(Value::Missing, |m| Value::Num(m.amount()))
}

fn int(n: impl Into<i64>) -> Value {
    Value::Num(Decimal::from(n.into()))
}

fn opt_int(n: Option<impl Into<i64>>) -> Value {
    n.map_or(Value::Missing, int)
}

impl FactTable {
    /// An empty table.
    pub fn new() -> FactTable {
        FactTable {
            household: Vec::with_capacity(HOUSEHOLD_FACTS.len()),
            members: Vec::new(),
            symbols: SYMBOLS.get_or_init(|| Symbols {
                sex: symbols(SEX),
                marital_status: symbols(MARITAL_STATUS),
                disability: symbols(DISABILITY),
                residential_care: symbols(RESIDENTIAL_CARE),
                event_kind: symbols(EVENT_KIND),
                citizenship: symbols(CITIZENSHIP),
            }),
            comuni: BTreeMap::new(),
            comuni_on: None,
            ages: Vec::new(),
            age_date: None,
            missing: MissingFacts::UNKNOWN,
            filled_with: None,
            member_values: 0,
        }
    }

    /// The household facts, in the order of [`HOUSEHOLD_FACTS`].
    pub fn household(&self) -> &[Value] {
        &self.household
    }

    /// The member facts, member after member, each in the order of [`MEMBER_FACTS`].
    pub fn members(&self) -> &[Value] {
        self.members.get(..self.member_values).unwrap_or_default()
    }

    /// Computes the facts of `household` on `on`. A member born after the date or a comune
    /// code no comune has on the date is an error naming the field.
    pub fn fill(&mut self, household: &Household, on: NaiveDate) -> Result<(), HouseholdError> {
        self.fill_masked(household, on, &FactMask::ALL)
    }

    /// [`FactTable::fill`] computing only the facts of `mask` (the others are
    /// [`Value::Missing`], and what only they need is not computed), and checking only its
    /// positions for missing values ([`FactTable::missing`]). The errors are `fill`'s, for
    /// any mask: every member's age and the comune are always derived.
    pub(crate) fn fill_masked(
        &mut self,
        household: &Household,
        on: NaiveDate,
        mask: &FactMask,
    ) -> Result<(), HouseholdError> {
        let mut ages = std::mem::take(&mut self.ages);
        let filled = self.fill_with(household, on, &mut ages, mask);
        self.ages = ages;
        filled
    }

    /// Which values of the last table filled are missing, as
    /// [`welfare_rules::Binding::view_checked`] reads them: exact on the facts computed (a fact
    /// that is not optional is never missing; the optional ones of the mask's checks are
    /// looked at), every other position counted as possibly missing. After a failed fill,
    /// meaningless.
    pub(crate) fn missing(&self) -> MissingFacts {
        self.missing
    }

    fn fill_with(
        &mut self,
        household: &Household,
        on: NaiveDate,
        ages: &mut Vec<crate::facts::Derived>,
        mask: &FactMask,
    ) -> Result<(), HouseholdError> {
        // Facts outside the mask are left as they are, missing since the last change of mask.
        if self.filled_with != Some(*mask) {
            self.household.clear();
            self.members.clear();
            self.member_values = 0;
            self.filled_with = Some(*mask);
        }
        // The errors of every mask: a member born after the date (the first), then the comune.
        let age_date = match self.age_date {
            Some(date) if date.date() == on => date,
            _ => *self.age_date.insert(MonthsTo::new(on)),
        };
        ages.clear();
        for (i, m) in household.member_list.iter().enumerate() {
            ages.push(crate::facts::derive_to(m, i, &age_date)?);
        }
        let ages = ages.as_slice();
        let (istat, belfiore) = self.comune(household, on, mask.household & COMUNE != 0)?;

        if self.household.len() != HOUSEHOLD_FACTS.len() {
            self.household.resize(HOUSEHOLD_FACTS.len(), Value::Missing);
        }
        // The length was just set: the row is always there.
        if let Some(values) = self.household.first_chunk_mut::<{ HOUSEHOLD_FACTS.len() }>() {
            let mut h = Row::new(values, mask.household);
            let [ordinario, minorenni, sociosanitario, familiari] = IseeKind::ALL;
            let isee = |kind: IseeKind| money(household.isee.value_on(kind, on));
            h.push(|| isee(ordinario));
            h.push(|| isee(minorenni));
            h.push(|| isee(sociosanitario));
            h.push(|| isee(familiari));
            h.push(|| household.isee.scala_on(on).map_or(Value::Missing, Value::Num));
            if mask.household & COUNTS != 0 {
                // Each written in its own place (not in a loop), so each place stays a constant.
                let count = |n: u64| int(i64::try_from(n).unwrap_or(i64::MAX));
                let [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13] =
                    crate::facts::count_values(household, ages);
                h.push(|| count(c0));
                h.push(|| count(c1));
                h.push(|| count(c2));
                h.push(|| count(c3));
                h.push(|| count(c4));
                h.push(|| count(c5));
                h.push(|| count(c6));
                h.push(|| count(c7));
                h.push(|| count(c8));
                h.push(|| count(c9));
                h.push(|| count(c10));
                h.push(|| count(c11));
                h.push(|| count(c12));
                h.push(|| count(c13));
            } else {
                h.skip(COUNTS.count_ones());
            }
            h.push(|| money(household.rent.as_ref().map(|r| r.annual)));
            h.push(|| Value::Bool(household.rent.as_ref().is_some_and(|r| r.registered)));
            h.push(|| money(household.family_income));
            h.push(|| money(household.assets.as_ref().map(|a| a.real_estate)));
            h.push(|| money(household.assets.as_ref().map(|a| a.financial)));
            let active = |kind: BenefitKind| {
                household.benefits_received.iter().any(|b| b.kind == kind && b.is_active_on(on))
            };
            h.push(|| Value::Bool(active(BenefitKind::Adi)));
            h.push(|| {
                Value::Bool(
                    household
                        .benefits_received
                        .iter()
                        .any(|b| b.kind.is_income_support() && b.is_active_on(on)),
                )
            });
            // The AUU received, as a yearly amount (monthly × 12): the bonus nido and the bonus
            // nuovi nati take it out of the ISEE from 2025.
            h.push(|| {
                let auu_annual = household
                    .benefits_received
                    .iter()
                    .filter(|b| b.kind == BenefitKind::AssegnoUnico && b.is_active_on(on))
                    .filter_map(|b| {
                        let amount = b.amount?;
                        match b.period {
                            Some(Period::Monthly) => amount.checked_mul(Decimal::from(12)).ok(),
                            _ => Some(amount),
                        }
                    })
                    .try_fold(Money::ZERO, Money::checked_add)
                    .ok()
                    .filter(|m| !m.is_zero());
                money(auu_annual)
            });
            h.push(|| Value::Bool(household.member_list.iter().all(|m| m.registered_in_anagrafe)));
            h.push(|| istat);
            h.push(|| belfiore);
            // The first month the ADI is paid: the earliest start of an ADI in force on the date,
            // as the first day of its month (the payment periods count calendar months).
            h.push(|| {
                let adi_from = household
                    .benefits_received
                    .iter()
                    .filter(|b| b.kind == BenefitKind::Adi && b.is_active_on(on))
                    .filter_map(|b| b.from)
                    .min()
                    .and_then(|d| d.with_day(1));
                adi_from.map_or(Value::Missing, Value::Date)
            });
        }

        // The rows of more members than this household's are kept for the next (written
        // with the same mask), not dropped.
        let stride = MEMBER_ROW;
        let len = household.member_list.len() * stride;
        if self.members.len() < len {
            self.members.resize(len, Value::Missing);
        }
        self.member_values = len;
        let rows = self.members.get_mut(..len).unwrap_or_default().as_chunks_mut::<MEMBER_ROW>().0;
        for ((member, derived), row) in household.member_list.iter().zip(ages).zip(rows.iter_mut())
        {
            member_row(
                row,
                mask.members,
                self.symbols,
                household,
                member,
                derived,
                ages,
                &age_date,
            );
        }
        // Which values are missing: a fact computed that is never missing is not; the others
        // the mask checks are looked at; any other may be.
        let (known, check) = (mask.household & PRESENT_HOUSEHOLD, mask.check_household);
        let household = missing_bits(&self.household, known, check);
        let (known, check) = (mask.members & PRESENT_MEMBER, mask.check_members);
        let members = self
            .members()
            .chunks_exact(stride)
            .fold(0, |bits, row| bits | missing_bits(row, known, check));
        self.missing = MissingFacts::from_bits(household, members);
        Ok(())
    }

    /// The ISTAT and Belfiore codes of the household's comune on `on` as text values (missing
    /// unless `wanted`; the comune is looked up anyway, a code unknown on the date being an
    /// error): looked up once per code and date ([`Household::comune_on`]), then shared.
    fn comune(
        &mut self,
        household: &Household,
        on: NaiveDate,
        wanted: bool,
    ) -> Result<(Value, Value), HouseholdError> {
        let code = household.residence.comune.as_str();
        if self.comuni_on != Some(on) || self.comuni.len() >= COMUNI_KEPT {
            self.comuni.clear();
            self.comuni_on = Some(on);
        }
        let pick = |istat: &Value, belfiore: &Value| match wanted {
            true => (istat.clone(), belfiore.clone()),
            false => (Value::Missing, Value::Missing),
        };
        let key = code_key(code);
        if let Some((_, istat, belfiore)) = key.and_then(|key| self.comuni.get(&key)) {
            return Ok(pick(istat, belfiore));
        }
        let comune = household.comune_on(on)?;
        let istat = comune.istat().map_or(Value::Missing, |c| Value::Text(Arc::from(c)));
        let belfiore = Value::Text(Arc::from(comune.belfiore()));
        let picked = pick(&istat, &belfiore);
        if let Some(key) = key {
            self.comuni.insert(key, (comune, istat, belfiore));
        }
        Ok(picked)
    }
}

/// A comune code of up to seven bytes as one number, its bytes and its length (two codes
/// have the same number only when they are the same text): the key of the comuni a table
/// keeps, compared at once where the text would be compared byte by byte. A longer
/// code (no comune has one) has none, and is looked up every time.
fn code_key(code: &str) -> Option<u64> {
    let bytes = code.as_bytes();
    if bytes.len() > 7 {
        return None;
    }
    let mut key = (bytes.len() as u64) << 56;
    for (i, b) in bytes.iter().enumerate() {
        key |= u64::from(*b) << (8 * i);
    }
    Some(key)
}

/// Writes the member facts of `member` in `wanted` into `row` (the others are left as they
/// are).
#[allow(clippy::too_many_arguments)]
fn member_row(
    row: &mut [Value; MEMBER_ROW],
    wanted: u64,
    s: &Symbols,
    household: &Household,
    member: &Member,
    derived: &crate::facts::Derived,
    ages: &[crate::facts::Derived],
    to: &MonthsTo,
) {
    let on = to.date();
    let id = member.member_identifier.as_str();
    let uses = |bits: u64| wanted & bits != 0;
    let event = match uses(USES_EVENT) {
        true => household.events.iter().find(|e| e.child == id),
        false => None,
    };
    let application = match uses(USES_APPLICATION) {
        true => household
            .applications
            .iter()
            .filter(|a| a.child.as_deref() == Some(id))
            .map(|a| a.submitted_on)
            .min(),
        false => None,
    };
    let event_date = event.map(|e| e.date);
    // Whole months from the event to the application (or to the evaluation date when there
    // is none), and whether that day is a monthly anniversary of the event: a term of N
    // months ends on the anniversary day itself (art. 2963 c.c.).
    let until = application.unwrap_or(on);
    let months_to_application = match uses(USES_MONTHS_TO_APPLICATION) {
        true => event_date.and_then(|d| whole_months_between(d, until).ok()),
        false => None,
    };
    // The child's mother, when she is a member (looked up once, for her age and, without
    // an event naming another, her citizenship).
    let own_mother = match uses(USES_OWN_MOTHER) {
        true => member.mother.as_deref().and_then(|mother| {
            household
                .member_list
                .iter()
                .zip(ages)
                .find(|(m, _)| crate::household::same_id(&m.member_identifier, mother))
        }),
        false => None,
    };
    // The mother of the event (or of the child): her citizenship, and whether she was
    // resident in Italy on the event date (stated, or inferred from the registration).
    let mother = match event.and_then(|e| e.mother.as_deref()) {
        _ if !uses(USES_MOTHER) => None,
        Some(id) => household.member(id),
        None => own_mother.map(|(m, _)| m),
    };
    let relationship = member.relationship_to_head;
    // Written one by one (in vocabulary order), not built as a row and moved.
    let mut out = Row::new(row, wanted);
    out.push(|| Value::Date(member.birth_date));
    out.push(|| int(derived.age));
    out.push(|| int(derived.months));
    out.push_shared(|| symbol(&s.sex, sex_index(member.sex)));
    out.push(|| Value::Bool(relationship.is_child()));
    out.push(|| Value::Bool(derived.age < 18));
    out.push(|| Value::Bool(relationship.is_head_or_partner()));
    out.push(|| Value::Bool(relationship == crate::Relationship::IntestatarioScheda));
    out.push_shared(|| {
        member.marital_status.map_or(&MISSING, |m| symbol(&s.marital_status, marital_index(m)))
    });
    out.push(|| {
        opt_int(member.marital_status_since.and_then(|since| to.whole_months_since(since).ok()))
    });
    out.push(|| member.fiscally_dependent.map_or(Value::Missing, Value::Bool));
    out.push(|| int(relationship.code()));
    out.push_shared(|| symbol(&s.disability, disability_index(member.disability)));
    out.push(|| Value::Bool(member.employment.as_ref().is_some_and(|e| e.status.is_working())));
    out.push(|| int(member.employment.as_ref().map_or(0, |e| e.months_worked)));
    out.push(|| Value::Bool(member.student));
    out.push_shared(|| symbol(&s.residential_care, care_index(member.residential_care)));
    out.push(|| Value::Bool(member.care_programme));
    out.push(|| Value::Bool(member.carer));
    out.push(|| opt_int(own_mother.map(|(_, d)| d.age)));
    out.push(|| Value::Bool(member.nursery.is_some()));
    out.push(|| money(member.nursery.as_ref().and_then(|n| n.monthly_fee)));
    out.push_shared(|| event.map_or(&MISSING, |e| symbol(&s.event_kind, event_index(e.kind))));
    out.push(|| event_date.map_or(Value::Missing, Value::Date));
    out.push(|| opt_int(event_date.and_then(|d| to.whole_months_since(d).ok())));
    out.push(|| {
        let indemnity = household
            .benefits_received
            .iter()
            .filter(|b| b.kind == BenefitKind::IndennitaMaternita && b.child.as_deref() == Some(id))
            .filter_map(|b| b.amount)
            .try_fold(Money::ZERO, Money::checked_add)
            .ok()
            .filter(|m| !m.is_zero());
        money(indemnity)
    });
    out.push(|| application.map_or(Value::Missing, Value::Date));
    out.push(|| opt_int(months_to_application));
    out.push(|| {
        let on_anniversary = match (event_date, months_to_application) {
            (Some(d), Some(m)) => add_months(d, m).ok() == Some(until),
            _ => false,
        };
        Value::Bool(on_anniversary)
    });
    out.push_shared(|| {
        mother
            .and_then(|m| m.citizenship)
            .map_or(&MISSING, |c| symbol(&s.citizenship, citizenship_index(c)))
    });
    out.push(|| {
        let mother_resident = match (event, mother) {
            (Some(e), _) if e.mother_resident.is_some() => e.mother_resident,
            (Some(e), Some(m))
                if m.registered_in_anagrafe
                    && household.residence.since.is_none_or(|since| since <= e.date) =>
            {
                Some(true)
            }
            _ => None,
        };
        mother_resident.map_or(Value::Missing, Value::Bool)
    });
}

impl FactTable {
    /// The facts as one JSON object: household facts by name and a `members` list of member
    /// facts by name. Money and decimals are strings, counts numbers, missing facts `null`.
    pub fn to_json(&self) -> serde_json::Value {
        let object = |decls: &[FactDecl], values: &[Value]| {
            decls
                .iter()
                .zip(values)
                .map(|(d, v)| (d.name.to_owned(), json_of(d, v)))
                .collect::<serde_json::Map<_, _>>()
        };
        let mut out = object(&HOUSEHOLD_FACTS, &self.household);
        let members = self
            .members()
            .chunks(MEMBER_FACTS.len())
            .map(|m| serde_json::Value::Object(object(&MEMBER_FACTS, m)))
            .collect();
        out.insert("members".into(), serde_json::Value::Array(members));
        serde_json::Value::Object(out)
    }
}

fn json_of(decl: &FactDecl, value: &Value) -> serde_json::Value {
    match (value, decl.kind) {
        (Value::Missing, _) => serde_json::Value::Null,
        (Value::Num(n), FactKind::Integer) => {
            i64::try_from(*n).map_or(serde_json::Value::Null, serde_json::Value::from)
        }
        (Value::Num(n), FactKind::Money) => {
            serde_json::Value::String(Money::from_decimal(*n).to_string())
        }
        (Value::Num(n), _) => serde_json::Value::String(n.normalize().to_string()),
        (Value::Bool(b), _) => serde_json::Value::Bool(*b),
        (Value::Date(d), _) => serde_json::Value::String(d.to_string()),
        (Value::Text(t), _) => serde_json::Value::String(t.to_string()),
        (other, _) => serde_json::Value::String(format!("{other:?}")),
    }
}

fn sex_index(sex: Sex) -> usize {
    match sex {
        Sex::M => 0,
        Sex::F => 1,
    }
}

fn marital_index(m: MaritalStatus) -> usize {
    match m {
        MaritalStatus::Celibe => 0,
        MaritalStatus::Coniugato => 1,
        MaritalStatus::Vedovo => 2,
        MaritalStatus::Divorziato => 3,
        MaritalStatus::Ignoto => 4,
        MaritalStatus::UnitoCivilmente => 5,
        MaritalStatus::LiberoPerDecesso => 6,
        MaritalStatus::LiberoPerScioglimento => 7,
    }
}

fn disability_index(d: Disability) -> usize {
    match d {
        Disability::None => 0,
        Disability::Media => 1,
        Disability::Grave => 2,
        Disability::NonAutosufficiente => 3,
    }
}

fn care_index(c: ResidentialCare) -> usize {
    match c {
        ResidentialCare::None => 0,
        ResidentialCare::SelfFunded => 1,
        ResidentialCare::PubliclyFunded => 2,
    }
}

fn citizenship_index(c: Citizenship) -> usize {
    Citizenship::ALL.iter().position(|x| *x == c).unwrap_or(CITIZENSHIP.len())
}

fn event_index(e: EventKind) -> usize {
    match e {
        EventKind::Birth => 0,
        EventKind::Adoption => 1,
        EventKind::PreAdoptiveFostering => 2,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use proptest::prelude::*;

    use super::*;

    /// Every enum list holds exactly the serialized names of its Rust enum, at the index the
    /// `*_index` function gives.
    #[test]
    fn enum_lists_match_serde_names() {
        let name = |v: serde_json::Value| v.as_str().unwrap().to_owned();
        for s in [Sex::M, Sex::F] {
            assert_eq!(SEX[sex_index(s)], name(serde_json::to_value(s).unwrap()));
        }
        for (i, n) in MARITAL_STATUS.iter().enumerate() {
            let m: MaritalStatus = serde_json::from_value(serde_json::json!(n)).unwrap();
            assert_eq!(marital_index(m), i);
        }
        for (i, n) in DISABILITY.iter().enumerate() {
            let d: Disability = serde_json::from_value(serde_json::json!(n)).unwrap();
            assert_eq!(disability_index(d), i);
        }
        for (i, n) in RESIDENTIAL_CARE.iter().enumerate() {
            let c: ResidentialCare = serde_json::from_value(serde_json::json!(n)).unwrap();
            assert_eq!(care_index(c), i);
        }
        for (i, n) in EVENT_KIND.iter().enumerate() {
            let e: EventKind = serde_json::from_value(serde_json::json!(n)).unwrap();
            assert_eq!(event_index(e), i);
        }
        assert_eq!(CITIZENSHIP.len(), Citizenship::ALL.len());
        for (i, n) in CITIZENSHIP.iter().enumerate() {
            let c: Citizenship = serde_json::from_value(serde_json::json!(n)).unwrap();
            assert_eq!(citizenship_index(c), i);
            assert_eq!(c.name(), *n);
        }
    }

    /// `fill` writes exactly one value per declared fact, household and member.
    #[test]
    fn fill_writes_every_declared_fact() {
        let household = Household::example().unwrap();
        let mut table = FactTable::new();
        table.fill(&household, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()).unwrap();
        assert_eq!(table.household().len(), HOUSEHOLD_FACTS.len());
        assert_eq!(table.members().len(), MEMBER_FACTS.len() * household.member_list.len());
        let json = table.to_json();
        assert_eq!(json["members_count"], 5);
        assert_eq!(json["members"][2]["age_years"], 7);
        assert_eq!(json["members"][2]["mother_age"], 34);
    }

    /// The counts sit in the vocabulary in the order `facts::counts` gives them.
    #[test]
    fn counts_are_in_vocabulary_order() {
        let household = Household::example().unwrap();
        let on = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let ages: Vec<_> = household
            .member_list
            .iter()
            .enumerate()
            .map(|(i, m)| crate::facts::derive(m, i, on).unwrap())
            .collect();
        for (i, (name, _)) in crate::facts::counts(&household, &ages).iter().enumerate() {
            let want = if *name == "members" { "members_count" } else { name };
            assert_eq!(HOUSEHOLD_FACTS[5 + i].name, want);
        }
    }

    /// The one-pass counts are the counts by definition (one filter per count), on generated
    /// households and the example.
    #[test]
    fn counts_are_one_filter_per_count() {
        use crate::facts::Derived;
        use crate::household::{Disability, Member};
        fn by_definition(household: &Household, derived: &[Derived]) -> Vec<u64> {
            let pairs = || household.member_list.iter().zip(derived);
            let count = |f: &dyn Fn(&Member, &Derived) -> bool| {
                pairs().filter(|(m, d)| f(m, d)).count() as u64
            };
            let children = |f: &dyn Fn(u32) -> bool| {
                count(&|m, d| m.relationship_to_head.is_child() && f(d.age))
            };
            vec![
                household.member_list.len() as u64,
                count(&|_, d| d.age < 18),
                children(&|_| true),
                children(&|a| a < 18),
                children(&|a| a < 1),
                children(&|a| a < 3),
                children(&|a| a < 10),
                children(&|a| (18..21).contains(&a)),
                count(&|_, d| d.age >= 60),
                count(&|_, d| d.age >= 67),
                count(&|m, _| m.disability != Disability::None),
                count(&|m, _| {
                    matches!(m.disability, Disability::Grave | Disability::NonAutosufficiente)
                }),
                count(&|m, _| {
                    m.relationship_to_head.is_head_or_partner()
                        && m.employment.as_ref().is_some_and(|e| e.status.is_working())
                }),
                count(&|m, _| m.relationship_to_head.is_head_or_partner()),
            ]
        }
        let on = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let generator = crate::synthetic::Generator::new(5, 2026).unwrap();
        let households = generator
            .households(500)
            .map(|h| serde_json::from_value::<Household>(h).unwrap())
            .chain([Household::example().unwrap()]);
        for household in households {
            let ages: Vec<_> = household
                .member_list
                .iter()
                .enumerate()
                .filter_map(|(i, m)| crate::facts::derive(m, i, on).ok())
                .collect();
            let got: Vec<u64> =
                crate::facts::counts(&household, &ages).iter().map(|(_, n)| *n).collect();
            assert_eq!(got, by_definition(&household, &ages));
        }
    }

    /// Every name of the fact groups of the masked fill is a fact of the vocabulary, the
    /// counts sit where `fill` pushes them, and a group of facts that needs another's lookups
    /// is within it.
    #[test]
    fn fact_groups_name_facts_of_the_vocabulary() {
        let groups: [(&[&str], u64); 7] = [
            (&COMUNE_NAMES, COMUNE),
            (&crate::facts::COUNT_NAMES, COUNTS),
            (&EVENT_NAMES, USES_EVENT),
            (&APPLICATION_NAMES, USES_APPLICATION),
            (&MONTHS_TO_APPLICATION_NAMES, USES_MONTHS_TO_APPLICATION),
            (&OWN_MOTHER_NAMES, USES_OWN_MOTHER),
            (&MOTHER_NAMES, USES_MOTHER),
        ];
        for (names, bits) in groups {
            assert_eq!(bits.count_ones() as usize, names.len(), "{names:?}");
        }
        assert_eq!(COUNTS, ((1 << 14) - 1) << 5);
        assert_eq!(USES_MONTHS_TO_APPLICATION & !(USES_EVENT & USES_APPLICATION), 0);
        assert_eq!(USES_MOTHER & !(USES_EVENT & USES_OWN_MOTHER), 0);
        assert!(!same("age", "age_years") && !same("age_years", "age") && same("sex", "sex"));
    }

    /// The masks of the catalogues of every national measure, of each alone and of the two of
    /// the yearly review.
    fn catalogue_masks() -> Vec<(FactMask, Vec<Binding>)> {
        let national = crate::Catalogue::national().unwrap();
        let ids: Vec<String> = national.programs().map(|p| p.id().to_owned()).collect();
        let of = |c: &crate::Catalogue| {
            (FactMask::reading(c.bindings()), c.bindings().cloned().collect())
        };
        let mut out = vec![of(&national)];
        for keep in ids
            .iter()
            .map(|id| vec![id.as_str()])
            .chain([vec!["it/assegno-unico", "it/assegno-maternita"]])
        {
            let mut catalogue = crate::Catalogue::national().unwrap();
            catalogue.keep_only(keep).unwrap();
            out.push(of(&catalogue));
        }
        out
    }

    /// The masks of [`catalogue_masks`], with the catalogue's bindings.
    fn masks() -> &'static [(FactMask, Vec<Binding>)] {
        static MASKS: std::sync::OnceLock<Vec<(FactMask, Vec<Binding>)>> =
            std::sync::OnceLock::new();
        MASKS.get_or_init(catalogue_masks)
    }

    /// Codes of comuni: in force, suppressed in 2016 or 2019, in force 2006–2016, an ISTAT
    /// code, and none.
    const COMUNI: [&str; 7] = ["H501", "A012", "A042", "A069", "047001", "Z999", "G878"];
    const KINDS: [&str; 6] =
        ["indennita_maternita", "adi", "assegno_unico", "naspi", "other_income_support", "rdc"];

    fn day(n: i64) -> String {
        let base = NaiveDate::from_ymd_opt(1995, 1, 1).unwrap();
        (base + chrono::Duration::days(n)).to_string()
    }

    /// A generated household with an unknown or suppressed comune now and then, benefits
    /// received, applications and events added, evaluated on any day from 1995 to 2040.
    fn household_strategy() -> impl Strategy<Value = (Household, NaiveDate)> {
        let benefit = (
            0usize..KINDS.len(),
            0usize..8,
            proptest::option::of(0usize..8),
            proptest::option::of(0i64..200_000),
            0usize..4,
            proptest::option::of(0i64..17_000),
            proptest::option::of(0i64..17_000),
        );
        let event = (0usize..3, 0usize..8, proptest::option::of(0usize..8), 0i64..17_000, 0u8..3);
        (
            0u64..10_000,
            proptest::option::of(0usize..COMUNI.len()),
            proptest::collection::vec(benefit, 0..5),
            proptest::collection::vec((0usize..8, 0i64..17_000), 0..3),
            proptest::collection::vec(event, 0..3),
            prop_oneof![2 => Just(11_200i64), 3 => 0i64..17_000],
        )
            .prop_filter_map("a household that reads", |(index, comune, benefits, apps, events, on)| {
                let generator = crate::synthetic::Generator::new(7, 2026).unwrap();
                let mut json = generator.household(index);
                let ids: Vec<String> = json["member_list"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m["member_identifier"].as_str().unwrap().to_owned())
                    .collect();
                let id = |i: usize| ids[i % ids.len()].clone();
                if let Some(c) = comune {
                    json["residence"]["comune"] = serde_json::json!(COMUNI[c]);
                }
                let benefits: Vec<_> = benefits
                    .into_iter()
                    .map(|(kind, member, child, amount, period, from, to)| {
                        let mut b = serde_json::json!({"kind": KINDS[kind], "member": id(member)});
                        if let Some(c) = child {
                            b["child"] = serde_json::json!(id(c));
                        }
                        if let Some(a) = amount {
                            b["amount"] = serde_json::json!(Decimal::new(a, 2).to_string());
                        }
                        if let Some(p) = ["monthly", "annual", "one_off"].get(period) {
                            b["period"] = serde_json::json!(p);
                        }
                        if let Some(f) = from {
                            b["from"] = serde_json::json!(day(f));
                        }
                        if let Some(t) = to {
                            b["to"] = serde_json::json!(day(t));
                        }
                        b
                    })
                    .collect();
                json["benefits_received"] = serde_json::Value::Array(benefits);
                json["applications"] = apps
                    .into_iter()
                    .map(|(child, on)| {
                        serde_json::json!({"measure": "assegno_maternita", "submitted_on": day(on), "child": id(child)})
                    })
                    .collect();
                let mut all_events = json["events"].as_array().cloned().unwrap_or_default();
                for (kind, child, mother, date, resident) in events {
                    let mut e = serde_json::json!({
                        "kind": EVENT_KIND[kind], "date": day(date), "child": id(child)
                    });
                    if let Some(m) = mother {
                        e["mother"] = serde_json::json!(id(m));
                    }
                    if resident < 2 {
                        e["mother_resident"] = serde_json::json!(resident == 1);
                    }
                    all_events.push(e);
                }
                json["events"] = serde_json::Value::Array(all_events);
                let household: Household = serde_json::from_value(json).ok()?;
                Some((household, NaiveDate::from_ymd_opt(1995, 1, 1).unwrap() + chrono::Duration::days(on)))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// The masked fill gives, on every fact of its mask, the full fill's value, and the
        /// full fill's error; its missing bits are exact where it checks; and every national
        /// measure's checked view of it is the walked view of the full table (the same error).
        #[test]
        fn a_masked_fill_is_the_full_fill_on_the_facts_read(
            (household, on) in household_strategy(),
            which in 0usize..24,
            random in (any::<u64>(), any::<u64>()),
        ) {
            // Any facts at all, each fact alone half of the time: each fact's lookups must be
            // made for it alone.
            let (household_bits, member_bits) = match which % 2 {
                0 => (1 << (random.0 % 31), 1 << (random.1 % 31)),
                _ => random,
            };
            let (mask, bindings) = match masks().get(which) {
                Some((mask, bindings)) => (*mask, bindings.as_slice()),
                None => (
                    FactMask {
                        household: household_bits,
                        members: member_bits,
                        check_household: random.1,
                        check_members: random.0,
                    },
                    &[][..],
                ),
            };
            // The masked table is reused from case to case as a batch reuses it (one per mask
            // of a catalogue; one for all random masks): households of other sizes, fills
            // that fail, and for the random masks a new mask each time.
            thread_local! {
                static REUSED: std::cell::RefCell<Vec<FactTable>> = std::cell::RefCell::default();
            }
            let mut masked = REUSED.with(|r| {
                let mut r = r.borrow_mut();
                r.resize_with(17, FactTable::new);
                std::mem::take(&mut r[which.min(16)])
            });
            let mut full = FactTable::new();
            let (a, b) = (full.fill(&household, on), masked.fill_masked(&household, on, &mask));
            let checked = check_masked(&household, &full, &masked, &mask, bindings, (&a, &b));
            REUSED.with(|r| r.borrow_mut()[which.min(16)] = masked);
            checked?;
        }
    }

    /// The masked table `masked` against the full one (see the property above).
    fn check_masked(
        household: &Household,
        full: &FactTable,
        masked: &FactTable,
        mask: &FactMask,
        bindings: &[Binding],
        (a, b): (&Result<(), HouseholdError>, &Result<(), HouseholdError>),
    ) -> Result<(), TestCaseError> {
        match (a, b) {
            (Ok(()), Ok(())) => {}
            (Err(x), Err(y)) => {
                prop_assert_eq!(x.to_string(), y.to_string());
                return Ok(());
            }
            _ => prop_assert!(false, "full {a:?}, masked {b:?}"),
        }
        prop_assert_eq!(full.household().len(), masked.household().len());
        prop_assert_eq!(full.members().len(), masked.members().len());
        // The same value where the mask has the fact, missing where it has not.
        let same_where = |a: &[Value], b: &[Value], bits: u64| {
            a.iter().zip(b).enumerate().all(|(p, (x, y))| match bits >> p & 1 {
                0 => matches!(y, Value::Missing),
                _ => x == y,
            })
        };
        prop_assert!(same_where(full.household(), masked.household(), mask.household));
        let rows = full
            .members()
            .chunks(MEMBER_FACTS.len())
            .zip(masked.members().chunks(MEMBER_FACTS.len()));
        for (a, b) in rows.clone() {
            prop_assert!(same_where(a, b, mask.members), "{a:?}\n{b:?}");
        }
        // The missing bits: exact where checked (a position past the row is missing) and
        // on the facts computed that are not optional (never missing), set elsewhere.
        let missing = masked.missing();
        let exact = welfare_rules::MissingFacts::of(
            masked.household(),
            masked.members(),
            MEMBER_FACTS.len(),
        );
        let want = |exact: u64, len: usize, looked: u64| ((exact | !first(len)) & looked) | !looked;
        let looked = (mask.household & PRESENT_HOUSEHOLD) | mask.check_household;
        let household_bits = want(exact.household(), HOUSEHOLD_FACTS.len(), looked);
        prop_assert_eq!(missing.household(), household_bits);
        let looked = (mask.members & PRESENT_MEMBER) | mask.check_members;
        let members_bits = match household.member_list.is_empty() {
            true => 0,
            false => want(exact.members(), MEMBER_FACTS.len(), looked),
        };
        prop_assert_eq!(missing.members(), members_bits);
        // A measure reads the masked table as the full one.
        for binding in bindings {
            let walked = binding.view(full.household(), full.members()).map(|_| ());
            let (household, members) = (masked.household(), masked.members());
            let checked = binding.view_checked(household, members, missing).map(|_| ());
            prop_assert_eq!(walked, checked);
        }
        Ok(())
    }

    /// Names are unique, so binding by name is unambiguous.
    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> =
            HOUSEHOLD_FACTS.iter().chain(&MEMBER_FACTS).map(|d| d.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before);
    }
}
