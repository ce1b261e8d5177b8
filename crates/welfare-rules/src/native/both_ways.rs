//! Decisions generated ahead of time against the evaluator.
//!
//! `both_ways/generated.rs` is what [`generate_module`](super::generate_module) writes for
//! every bundled rulebook (the municipal fixtures, the national measures of welfare-benefits)
//! and for `fixtures/rulebooks/native/every-node.yaml`, which uses every node the generator
//! translates. The tests decide the rulebooks' own test cases, variants of them and random
//! households both ways: the same decision or the same error, and when eligible the same values
//! in every slot (value and scale). A test fails when the file is not what the generator writes
//! now; to write it again: `WELFARE_UPDATE_NATIVE=1 cargo test -p welfare-rules --lib native`.
//! (The generated code names this crate `welfare_rules`, as a crate using it would: the crate
//! root gives itself that name in tests.)

use std::path::Path;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::corpus::{programs_in, variants};
use crate::native;
use crate::syntax::TestCase;
use crate::{Decision, DecisionPlan, Facts, Program, Type, Value};

#[rustfmt::skip]
mod generated;

/// A bundled rulebook's program, its plan both ways, and its test cases.
struct Case {
    program: Program,
    native: DecisionPlan,
    plain: DecisionPlan,
    cases: Vec<TestCase>,
}

/// The generated file.
fn generated_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/native/both_ways/generated.rs")
}

/// The programs of every bundled rulebook and of `every-node.yaml` (those with a shortcut),
/// with the plan of their outputs and conditions, by id.
fn programs() -> Vec<(Program, DecisionPlan, Vec<TestCase>)> {
    let mut out: Vec<_> = programs_in(&[
        "fixtures/rulebooks/comuni",
        "crates/welfare-benefits/rulebooks",
        "fixtures/rulebooks/native",
    ])
    .into_iter()
    .filter_map(|(program, cases)| {
        let outputs: Vec<String> = program.outputs().map(str::to_owned).collect();
        let plan = program.decision_plan(program.plan(outputs.iter().map(String::as_str)).ok()?);
        plan.has_shortcut().then_some((program, plan, cases))
    })
    .collect();
    out.sort_by(|a, b| a.0.id().cmp(b.0.id()));
    out
}

/// Every program with its plan attached to its generated function, and the same plan without.
fn cases() -> Vec<Case> {
    programs()
        .into_iter()
        .map(|(program, plain, cases)| {
            let mut native = plain.clone();
            let (_, fingerprint, decide) = generated::DECISIONS
                .iter()
                .find(|(id, ..)| *id == program.id())
                .unwrap_or_else(|| panic!("{} is not in native/generated.rs", program.id()));
            native.attach_native(&program, *fingerprint, *decide).unwrap();
            Case { program, native, plain, cases }
        })
        .collect()
}

#[test]
fn the_generated_file_is_what_the_generator_writes() {
    let path = generated_path();
    let want = native::generate_module(
        programs().iter().map(|(program, plan, _)| (program, plan)),
        "From every bundled rulebook and `every-node.yaml` (see `../both_ways.rs`); to write it\n\
         again: `WELFARE_UPDATE_NATIVE=1 cargo test -p welfare-rules --lib native`.",
    );
    if std::env::var_os("WELFARE_UPDATE_NATIVE").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap();
    assert!(
        have == want,
        "src/native/both_ways/generated.rs is not what the generator writes: run \
         WELFARE_UPDATE_NATIVE=1 cargo test -p welfare-rules --lib native"
    );
}

#[test]
fn every_node_but_lists_and_date_arithmetic_is_translated() {
    let text = std::fs::read_to_string(generated_path()).unwrap();
    let start = text.find("fn test_native_every_node(").unwrap();
    let body = &text[start..];
    let body = &body[..body.find("\n}\n").unwrap()];
    // `letterale` (a list literal) and `scadenza` (`aggiungi_mesi`) are left to the evaluator,
    // and nothing else.
    let left: Vec<&str> = body
        .lines()
        .zip(body.lines().skip(1))
        .filter(|(_, line)| line.contains("cx.def("))
        .map(|(comment, _)| comment.trim())
        .collect();
    assert_eq!(left, ["// letterale", "// scadenza"]);
}

#[test]
fn a_function_generated_from_other_rules_is_refused() {
    let cases = cases();
    let (a, b) = (&cases[0], &cases[1]);
    let mut plan = a.plain.clone();
    let other = b.native.native_fingerprint(&b.program).unwrap();
    let error = plan.attach_native(&a.program, other, |_, _| None).unwrap_err();
    assert_eq!(error.expected, a.plain.native_fingerprint(&a.program));
    assert!(!plan.is_native());
    assert!(a.native.is_native());
}

/// Whether the generated function decides `facts` on `date` itself (not handing the
/// decision back to the evaluator): a function that always handed it back would pass every
/// comparison.
fn decides_itself(case: &Case, facts: &Facts, date: NaiveDate) -> bool {
    let Ok(snap) = case.program.snapshot(date) else { return false };
    snap.decide_generated(&case.native, facts.view(), &mut Vec::new()).is_some()
}

/// Decides `facts` on `date` both ways, each with its own reused values; panics on any
/// difference. Returns the decision (`None`: an error, the same both ways).
fn both_ways(
    case: &Case,
    facts: &Facts,
    date: NaiveDate,
    values: &mut (Vec<Value>, Vec<Value>),
) -> Option<Decision> {
    let Ok(snap) = case.program.snapshot(date) else { return None };
    let native = snap.decide(&case.native, facts, &mut values.0);
    let plain = snap.decide(&case.plain, facts, &mut values.1);
    let what = format!("{} on {date}", case.program.id());
    assert_eq!(format!("{native:?}"), format!("{plain:?}"), "{what}");
    if native == Ok(Decision::Eligible) {
        // Every slot, value and scale (`Debug` shows a decimal's scale).
        assert_eq!(format!("{:?}", values.0), format!("{:?}", values.1), "{what}");
    }
    native.ok()
}

#[test]
fn the_bundled_test_cases_and_their_variants_decide_the_same_both_ways() {
    let mut decided = 0;
    for case in cases() {
        let mut values = (Vec::new(), Vec::new());
        for test in &case.cases {
            for json in variants(&test.facts) {
                let Ok(facts) = case.program.facts(&json) else { continue };
                both_ways(&case, &facts, test.date, &mut values);
                decided += 1;
            }
        }
    }
    assert!(decided > 1_000, "{decided}");
}

/// A small deterministic generator (SplitMix64) for the random households.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A random value of `ty`: ordinary amounts, boundaries, zero, negatives, huge numbers,
/// missing when optional.
fn random_value(rng: &mut Rng, ty: &Type, optional: bool) -> Value {
    if optional && rng.below(4) == 0 {
        return Value::Missing;
    }
    match ty {
        Type::Optional(inner) => random_value(rng, inner, true),
        Type::Money => Value::Num(match rng.below(8) {
            0 => Decimal::ZERO,
            1 => Decimal::new(-(rng.below(100_000) as i64), 2),
            2 => Decimal::new(*rng.pick(&[700_000, 1_500_000, 1_750_050, 2_500_000, 4_000_000]), 2),
            3 => Decimal::new(rng.below(1 << 62) as i64, 2),
            _ => Decimal::new(rng.below(6_000_000) as i64, 2),
        }),
        Type::Decimal | Type::Number => Value::Num(match rng.below(6) {
            0 => Decimal::ZERO,
            1 => Decimal::new(rng.below(100_000) as i64 - 50_000, rng.below(5) as u32),
            _ => Decimal::new(rng.below(5_000) as i64, rng.below(4) as u32),
        }),
        Type::Integer => Value::Num(Decimal::from(match rng.below(8) {
            0 => 0,
            1 => -(rng.below(3) as i64) - 1,
            2 => rng.below(1 << 40) as i64,
            _ => rng.below(12) as i64,
        })),
        Type::Boolean => Value::Bool(rng.below(2) == 0),
        Type::Text => Value::Text(
            (*rng.pick(&["Forlì", "Sant'Agata sul Santerno", "Ravenna", "", "H199"])).into(),
        ),
        Type::Enum(values) => match values.is_empty() {
            true => Value::Missing,
            false => Value::Text(rng.pick(values).as_str().into()),
        },
        Type::Date => {
            let base = NaiveDate::from_ymd_opt(1925, 1, 1).unwrap();
            Value::Date(base + Days::new(rng.below(40_000)))
        }
        Type::List(_) => Value::List(Vec::new().into()),
        _ => Value::Missing,
    }
}

/// A random household for `program`, 0 to 8 members, and a date in its validity.
fn random_facts(program: &Program, rng: &mut Rng) -> Option<(Facts, NaiveDate)> {
    let mut b = program.facts_builder();
    for (name, ty, optional) in program.household_inputs() {
        b = b.set(name, random_value(rng, ty, optional));
    }
    for _ in 0..rng.below(9) {
        b = b.add_member();
        for (name, ty, optional) in program.member_inputs() {
            b = b.member_set(name, random_value(rng, ty, optional));
        }
    }
    let facts = b.build().ok()?;
    let valid = program.valid();
    let span = valid.to().map_or(3_000, |to| (to - valid.from()).num_days().max(0) as u64 + 1);
    Some((facts, valid.from() + Days::new(rng.below(span))))
}

#[test]
fn random_households_decide_the_same_both_ways_and_reach_every_outcome() {
    let cases = cases();
    for case in &cases {
        let mut rng = Rng(7);
        let mut values = (Vec::new(), Vec::new());
        let (mut eligible, mut refused, mut failed, mut native) = (0, 0, 0, 0);
        let mut households = 0;
        for _ in 0..3_000 {
            let Some((facts, date)) = random_facts(&case.program, &mut rng) else { continue };
            households += 1;
            match both_ways(case, &facts, date, &mut values) {
                Some(Decision::Eligible) => eligible += 1,
                Some(Decision::Refused) => refused += 1,
                None => failed += 1,
            }
            native += usize::from(decides_itself(case, &facts, date));
        }
        let id = case.program.id();
        // The generated code decides most households itself (random facts fail more often
        // than real ones: the rest go back to the evaluator).
        assert!(native * 2 > households, "{id}: {native} of {households}");
        if id == "test/native-every-node" {
            // The random households reach all three outcomes of the rulebook of every node.
            assert!(eligible > 50 && refused > 50 && failed > 50, "{eligible} {refused} {failed}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_household_decides_the_same_both_ways(seed in any::<u64>()) {
        let cases = cases();
        let mut rng = Rng(seed);
        for case in &cases {
            let mut values = (Vec::new(), Vec::new());
            for _ in 0..8 {
                if let Some((facts, date)) = random_facts(&case.program, &mut rng) {
                    both_ways(case, &facts, date, &mut values);
                }
            }
        }
    }
}
