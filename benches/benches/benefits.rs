//! welfare-benefits: every national measure for one household (with motivazioni), and the
//! Assegno Unico over one million households. Each bench asserts its result.

use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, Throughput};
use rayon::prelude::*;
use welfare_benefits::{Catalogue, Household};
use welfare_types::Money;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Target: all national measures for one household, with motivazione, ≤ 50 µs.
fn national_one_household(c: &mut Criterion) {
    let Ok(catalogue) = Catalogue::national() else { std::process::abort() };
    let Ok(household) = Household::example() else { std::process::abort() };
    let on = date(2026, 9, 1);
    let expected = Money::from_cents(101_900);
    c.bench_function("benefits/national_measures_one_household", |b| {
        b.iter(|| {
            let results = catalogue.evaluate(&household, on);
            let auu = results.iter().find(|r| r.measure == "it/assegno-unico");
            assert_eq!(auu.and_then(|r| r.amount), Some(expected));
            assert!(results.iter().all(|r| r.error.is_none() && !r.motivazione.is_empty()));
            results
        })
    });
}

/// Target: 1,000,000 households through the AUU rulebook at ≥ 500,000 households/s on 2 cores
/// (the batch path: parameters resolved once, facts prepared, no explanation, and only the
/// definitions the monthly amount and eligibility read, as `welfare batch` evaluates them).
fn auu_million(c: &mut Criterion) {
    let Ok(catalogue) = Catalogue::national() else { std::process::abort() };
    let Some(program) = catalogue.programs().find(|p| p.id() == "it/assegno-unico") else {
        std::process::abort()
    };
    let on = date(2026, 4, 1);
    let Ok(snapshot) = program.snapshot(on) else { std::process::abort() };
    let Some(slot) = program.slot("importo_mensile") else { std::process::abort() };
    let Ok(plan) = program.plan(["importo_mensile"]) else { std::process::abort() };
    // 1,000 distinct households (ISEE 0–49,950, one to four children of various ages), cycled.
    let facts: Vec<_> = (0..1_000u32)
        .map(|i| {
            let children = 1 + i % 4;
            let members: Vec<_> = (0..children)
                .map(|k| serde_json::json!({"is_child": true, "age_years": (i + 5 * k) % 21, "disability": if (i + k) % 17 == 0 { "grave" } else { "none" }}))
                .collect();
            let isee = Money::from_euros(i64::from(i) * 50);
            program
                .facts(&serde_json::json!({
                    "isee_prestazioni_familiari": isee.to_string(),
                    "children": children, "head_or_partners": 2, "working_head_or_partners": i % 3,
                    "members": members,
                }))
                .unwrap_or_else(|_| std::process::abort())
        })
        .collect();
    let mut group = c.benchmark_group("benefits");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000_000));
    group.bench_function("auu_1m_households_parallel", |b| {
        b.iter_batched(
            || (),
            |()| {
                let paid = (0..1_000_000usize)
                    .into_par_iter()
                    .map_init(Vec::new, |values, i| {
                        facts.get(i % facts.len()).is_some_and(|f| {
                            snapshot.run_plan(&plan, f, values).is_ok()
                                && values
                                    .get(slot)
                                    .and_then(|v| v.as_decimal())
                                    .is_some_and(|d| d > rust_decimal::Decimal::ZERO)
                        })
                    })
                    .filter(|paid| *paid)
                    .count();
                // Every household has a child under 21: every one is paid at least the minimum.
                assert_eq!(paid, 1_000_000);
                paid
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// Target (issue 9): ≥ 1,000,000 households/s on 2 cores through every national measure, end
/// to end, without explanations. `welfare_benefits::batch::run` on 4,000 synthetic households
/// in memory: JSON Lines parsed, validated, facts computed, eight rulebooks evaluated, result
/// lines written, in parallel. (`benches/e2e.sh` measures the same through the `welfare`
/// binary, with peak memory and the time to a first result.)
fn batch_national(c: &mut Criterion) {
    use welfare_benefits::batch::{run, Explain, Options};
    let Ok(catalogue) = Catalogue::national() else { std::process::abort() };
    let Ok(generator) = welfare_benefits::synthetic::Generator::new(7, 2026) else {
        std::process::abort()
    };
    let mut input = String::new();
    for household in generator.households(4_000) {
        input.push_str(&household.to_string());
        input.push('\n');
    }
    let options = Options::new(date(2026, 9, 1), Explain::None);
    let mut group = c.benchmark_group("benefits");
    group.throughput(Throughput::Elements(4_000));
    group.bench_function("batch_national_4000_households", |b| {
        b.iter(|| {
            let (mut out, mut rejects) = (Vec::with_capacity(2 << 20), Vec::new());
            let summary =
                run(&catalogue, input.as_bytes(), &mut out, &mut rejects, &options, |_| {});
            assert!(matches!(&summary, Ok(s) if s.records == 4_000 && s.rejected == 0));
            out
        })
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    national_one_household(&mut c);
    auu_million(&mut c);
    batch_national(&mut c);
    c.final_summary();
}
