//! The national rulebooks read the household's fact table in place ([`Binding::view`]), as the
//! catalogue does: the same values, errors and motivazioni as on the facts [`Binding::fill`]
//! copies from the table, on synthetic households, with facts knocked out and with broken
//! member lists.

use chrono::NaiveDate;
use proptest::prelude::*;
use welfare_benefits::synthetic::Generator;
use welfare_benefits::vocab::{binding_vocabulary, FactTable};
use welfare_benefits::{Catalogue, Household};
use welfare_rules::{Binding, Facts, Lang, Plan, Program, Value};

struct Bound {
    program: Program,
    binding: Binding,
    plan: Plan,
}

/// The national programs bound to the vocabulary, built once for every test here.
fn national() -> &'static [Bound] {
    static BOUND: std::sync::OnceLock<Vec<Bound>> = std::sync::OnceLock::new();
    BOUND.get_or_init(bind_national)
}

fn bind_national() -> Vec<Bound> {
    let catalogue = Catalogue::national().unwrap();
    let (household, member) = binding_vocabulary();
    catalogue
        .programs()
        .map(|program| {
            let binding = program.bind(&household, &member).unwrap();
            let outputs: Vec<usize> = program.outputs().filter_map(|n| program.slot(n)).collect();
            let plan = program.plan_slots(outputs);
            Bound { program: program.clone(), binding, plan }
        })
        .collect()
}

/// The household's fact table on `on` (`None` when the household has no facts on that date).
fn table(generator: &Generator, index: u64, on: NaiveDate) -> Option<(Vec<Value>, Vec<Value>)> {
    let text = serde_json::to_string(&generator.household(index)).unwrap();
    let household = Household::from_str_named("synthetic.json", &text).unwrap();
    let mut table = FactTable::new();
    table.fill(&household, on).ok()?;
    Some((table.household().to_vec(), table.members().to_vec()))
}

/// Every program on the table both ways; returns how many accepted the facts.
fn same_both_ways(
    bound: &[Bound],
    on: NaiveDate,
    household: &[Value],
    members: &[Value],
    what: &str,
) -> usize {
    let mut accepted = 0;
    let mut copied = Facts::empty();
    for Bound { program, binding, plan } in bound {
        let what = format!("{what} / {}", program.id());
        let Ok(snap) = program.snapshot(on) else { continue };
        let view =
            match (binding.fill(household, members, &mut copied), binding.view(household, members))
            {
                (Ok(()), Ok(view)) => view,
                (Err(a), Err(b)) => {
                    assert_eq!(a, b, "{what}");
                    assert_eq!(a.to_string(), b.to_string(), "{what}");
                    continue;
                }
                (a, b) => panic!("{what}: fill gives {a:?}, view gives {b:?}"),
            };
        accepted += 1;
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let (ra, rb) = (snap.run_into(&copied, &mut a), snap.run_into_view(view, &mut b));
        assert_eq!(ra, rb, "{what}");
        if ra.is_ok() {
            assert_eq!(a, b, "{what}");
            for lang in [Lang::It, Lang::En] {
                let copied_text = snap.motivazione(&copied, &a, lang);
                assert_eq!(copied_text, snap.motivazione_view(view, &b, lang), "{what}");
            }
        }
        let (ra, rb) =
            (snap.run_plan(plan, &copied, &mut a), snap.run_plan_view(plan, view, &mut b));
        assert_eq!(ra, rb, "{what}");
        if ra.is_ok() {
            assert_eq!(a, b, "{what}");
        }
    }
    accepted
}

const ON: (i32, u32, u32) = (2026, 9, 1);

fn on() -> NaiveDate {
    NaiveDate::from_ymd_opt(ON.0, ON.1, ON.2).unwrap()
}

#[test]
fn synthetic_households_evaluate_the_same_in_place_as_copied() {
    let bound = national();
    let generator = Generator::new(7, 2026).unwrap();
    let mut accepted = 0;
    for index in 0..300 {
        let Some((household, members)) = table(&generator, index, on()) else { continue };
        let what = format!("household {index}");
        accepted += same_both_ways(bound, on(), &household, &members, &what);
        // Every household fact missing: the first fact a rulebook requires is its error.
        let none = vec![Value::Missing; household.len()];
        same_both_ways(bound, on(), &none, &members, &format!("{what} / no household facts"));
        // A broken member list, and more members than allowed (the stride is the vocabulary's).
        let stride = binding_vocabulary().1.len();
        let mut short = members.clone();
        short.pop();
        same_both_ways(bound, on(), &household, &short, &format!("{what} / short"));
        let first = members.get(..stride).unwrap_or_default();
        let many: Vec<Value> = (0..101).flat_map(|_| first.iter().cloned()).collect();
        same_both_ways(bound, on(), &household, &many, &format!("{what} / 101 members"));
    }
    assert!(accepted > 1_000, "only {accepted} evaluations compared");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Facts knocked out anywhere in the table (a required one gives the same `MissingFact`,
    /// `members[i].name` included; an optional one the same values).
    #[test]
    fn knocked_out_facts_give_the_same_errors_and_values(
        index in 0u64..10_000,
        household_holes in proptest::collection::vec(any::<prop::sample::Index>(), 0..4),
        member_holes in proptest::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let bound = national();
        let generator = Generator::new(7, 2026).unwrap();
        let Some((mut household, mut members)) = table(&generator, index, on()) else {
            return Ok(());
        };
        for hole in &household_holes {
            let i = hole.index(household.len());
            household[i] = Value::Missing;
        }
        for hole in &member_holes {
            let i = hole.index(members.len());
            members[i] = Value::Missing;
        }
        same_both_ways(bound, on(), &household, &members, &format!("household {index}"));
    }
}
