//! The facts document: a household on a date as a plain JSON value for a generic rules engine.
//!
//! The document is the household as serialized (every field keeps its name), plus what a rule
//! would otherwise have to compute from dates and lists:
//!
//! * `date`: the evaluation date;
//! * `comune_on_date`: the comune of residence on the date (Belfiore and ISTAT codes, name,
//!   province), from the ANPR table of comuni; a code no comune has on the date is an error;
//! * on every member: `age` and `age_months` on the date, `is_minor`, `is_child` (ANPR codes 3,
//!   14, 80), `is_head_or_partner` (1, 2, 23, 28), `relationship_code`, `working` (employed or
//!   self-employed), `mother_age` when the mother is a member;
//! * `isee_on_date`: each ISEE kind and the scala as valid on the date (direct value, or the
//!   attestazione in force), `null` when missing;
//! * `counts`: members, children and minors by age, disabled members, working partners;
//! * `benefits_active`: the kinds of benefit received on the date.
//!
//! No benefit rule is applied here: counts are by age and relationship only.

use chrono::NaiveDate;
use serde_json::{json, Map, Value};
use welfare_types::dates::MonthsTo;
use welfare_types::territory::Comune;

use crate::codes::ComuneCode;
use crate::error::{HouseholdError, HouseholdErrorKind};
use crate::household::{Disability, Household, IseeKind, Member};

/// A member's derived facts.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Derived {
    pub(crate) age: u32,
    pub(crate) months: u32,
}

pub(crate) fn derive(
    member: &Member,
    index: usize,
    on: NaiveDate,
) -> Result<Derived, HouseholdError> {
    derive_to(member, index, &MonthsTo::new(on))
}

/// [`derive`] to a date whose parts are worked out.
#[inline]
pub(crate) fn derive_to(
    member: &Member,
    index: usize,
    to: &MonthsTo,
) -> Result<Derived, HouseholdError> {
    let months = to.whole_months_since(member.birth_date).map_err(|_| {
        HouseholdError::new(
            HouseholdErrorKind::Invalid,
            format!("member_list[{index}].birth_date"),
            format!("the member is born after the evaluation date {}", to.date()),
        )
    })?;
    // The age is the whole years of the whole months (`age_on`), without counting them twice.
    Ok(Derived { age: months / 12, months })
}

impl Household {
    /// The comune of residence on `on` (its code may be Belfiore or ISTAT); a code no comune
    /// has on that date is an error naming `residence.comune`.
    pub fn comune_on(&self, on: NaiveDate) -> Result<&'static Comune, HouseholdError> {
        match &self.residence.comune {
            ComuneCode::Belfiore(code) => Comune::by_belfiore(code, on),
            ComuneCode::Istat(code) => Comune::by_istat(code, on),
        }
        .map_err(|_| {
            HouseholdError::new(
                HouseholdErrorKind::Invalid,
                "residence.comune".into(),
                format!("no comune has this code on {on}"),
            )
        })
    }

    /// The facts document of this household on `on` (see the [module documentation](self)).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use welfare_benefits::Household;
    ///
    /// let household = Household::example()?;
    /// let facts = household.facts(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap())?;
    /// assert_eq!(facts["date"], "2026-09-01");
    /// assert_eq!(facts["counts"]["minors"], 3);
    /// assert_eq!(facts["member_list"][2]["age"], 7); // luca, born 2019-01-10
    /// assert_eq!(facts["member_list"][2]["mother_age"], 34);
    /// # Ok::<(), welfare_benefits::HouseholdError>(())
    /// ```
    pub fn facts(&self, on: NaiveDate) -> Result<Value, HouseholdError> {
        let mut doc = serde_json::to_value(self).map_err(|e| {
            HouseholdError::new(HouseholdErrorKind::Invalid, ".".into(), e.to_string())
        })?;
        let derived: Vec<Derived> = self
            .member_list
            .iter()
            .enumerate()
            .map(|(i, m)| derive(m, i, on))
            .collect::<Result<_, _>>()?;

        let age_of = |id: &str| {
            self.member_list
                .iter()
                .zip(&derived)
                .find(|(m, _)| m.member_identifier == id)
                .map(|(_, d)| d.age)
        };
        if let Some(Value::Array(members)) = doc.get_mut("member_list") {
            for ((value, member), d) in members.iter_mut().zip(&self.member_list).zip(&derived) {
                if let Value::Object(map) = value {
                    map.insert("age".into(), json!(d.age));
                    map.insert("age_months".into(), json!(d.months));
                    map.insert("is_minor".into(), json!(d.age < 18));
                    map.insert("is_child".into(), json!(member.relationship_to_head.is_child()));
                    map.insert(
                        "is_head_or_partner".into(),
                        json!(member.relationship_to_head.is_head_or_partner()),
                    );
                    map.insert(
                        "relationship_code".into(),
                        json!(member.relationship_to_head.code()),
                    );
                    map.insert(
                        "working".into(),
                        json!(member.employment.as_ref().is_some_and(|e| e.status.is_working())),
                    );
                    if let Some(age) = member.mother.as_deref().and_then(age_of) {
                        map.insert("mother_age".into(), json!(age));
                    }
                    map.entry("disability").or_insert_with(|| json!("none"));
                }
            }
        }

        let mut isee = Map::new();
        for kind in IseeKind::ALL {
            let value = self.isee.value_on(kind, on).map_or(Value::Null, |m| json!(m));
            isee.insert(kind.name().into(), value);
        }
        isee.insert(
            "scala".into(),
            self.isee.scala_on(on).map_or(Value::Null, |s| Value::String(s.to_string())),
        );

        let counts: Map<String, Value> =
            counts(self, &derived).iter().map(|(k, n)| ((*k).to_owned(), json!(n))).collect();
        let counts = Value::Object(counts);
        let active: std::collections::BTreeSet<String> = self
            .benefits_received
            .iter()
            .filter(|b| b.is_active_on(on))
            .filter_map(|b| match serde_json::to_value(b.kind) {
                Ok(Value::String(kind)) => Some(kind),
                _ => None,
            })
            .collect();

        let comune = self.comune_on(on)?;
        let comune = json!({
            "belfiore": comune.belfiore(),
            "istat": comune.istat(),
            "name": comune.name(),
            "province": comune.province(),
        });

        if let Value::Object(map) = &mut doc {
            map.insert("date".into(), Value::String(on.to_string()));
            map.insert("comune_on_date".into(), comune);
            map.insert("isee_on_date".into(), Value::Object(isee));
            map.insert("counts".into(), counts);
            map.insert(
                "benefits_active".into(),
                Value::Array(active.into_iter().map(Value::String).collect()),
            );
        }
        Ok(doc)
    }
}

/// The household counts by age, relationship, disability and work, in a fixed order (the order
/// of the fact vocabulary): members, minors, children (ANPR codes 3, 14, 80) overall, minor,
/// under 1, 3 and 10, aged 18 to 20, members aged 60+ and 67+, disabled members, those with a
/// severe disability or non-self-sufficient, working heads or partners, heads or partners.
pub(crate) fn counts(household: &Household, derived: &[Derived]) -> [(&'static str, u64); 14] {
    let mut out = COUNT_NAMES.map(|name| (name, 0));
    for ((_, n), count) in out.iter_mut().zip(count_values(household, derived)) {
        *n = count;
    }
    out
}

/// The values of [`counts`] without their names (what the fact table reads).
pub(crate) fn count_values(household: &Household, derived: &[Derived]) -> [u64; 14] {
    // One pass over the members (the batch computes these for every household); the counts
    // of children only for children, of heads or partners only for them.
    let [mut minors, mut children, mut children_minors, mut under_1, mut under_3] = [0u64; 5];
    let [mut under_10, mut children_18_20, mut over_60, mut over_67, mut disabled] = [0u64; 5];
    let [mut grave, mut working_heads, mut heads] = [0u64; 3];
    for (m, d) in household.member_list.iter().zip(derived) {
        let age = d.age;
        let minor = u64::from(age < 18);
        minors += minor;
        if m.relationship_to_head.is_child() {
            children += 1;
            children_minors += minor;
            under_1 += u64::from(age < 1);
            under_3 += u64::from(age < 3);
            under_10 += u64::from(age < 10);
            children_18_20 += u64::from((18..21).contains(&age));
        }
        over_60 += u64::from(age >= 60);
        over_67 += u64::from(age >= 67);
        match m.disability {
            Disability::None => {}
            Disability::Media => disabled += 1,
            Disability::Grave | Disability::NonAutosufficiente => {
                disabled += 1;
                grave += 1;
            }
        }
        if m.relationship_to_head.is_head_or_partner() {
            heads += 1;
            working_heads +=
                u64::from(m.employment.as_ref().is_some_and(|e| e.status.is_working()));
        }
    }
    // The members are counted as the list is long (ages past the first error are not read).
    let members = u64::try_from(household.member_list.len()).unwrap_or(u64::MAX);
    [
        members,
        minors,
        children,
        children_minors,
        under_1,
        under_3,
        under_10,
        children_18_20,
        over_60,
        over_67,
        disabled,
        grave,
        working_heads,
        heads,
    ]
}

/// The names of [`counts`], in their order.
pub(crate) const COUNT_NAMES: [&str; 14] = [
    "members",
    "minors",
    "children",
    "children_minors",
    "children_under_1",
    "children_under_3",
    "children_under_10",
    "children_18_20",
    "members_60_plus",
    "members_67_plus",
    "disabled",
    "disabled_grave_or_non_autosufficiente",
    "working_head_or_partners",
    "head_or_partners",
];
