//! Codice fiscale and IBAN throughput. Each bench asserts its result inside the loop.
//!
//! Run: `cargo bench -p welfare-benches --bench cf -- --warm-up-time 1 --measurement-time 3`

// A bench stops loudly when its fixture is wrong, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{Criterion, Throughput};
use welfare_types::codice_fiscale::{CodiceFiscale, Sex};
use welfare_types::territory::Comune;
use welfare_types::Iban;

const BATCH: usize = 1024;

/// 1024 codes of fictitious people born in comuni valid on their birth date, every eighth an
/// omocodia variant, as text the way a register holds them.
fn codes() -> Vec<String> {
    let reference = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let window = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap();
    let surnames = ["Rossi", "Bianchi", "D'Angelo", "Esposito", "Ferrari", "Ricci", "Russo", "Re"];
    let names = ["Mario", "Giulia", "Gianfranco", "Al", "Sara", "Alessandro", "Marta", "Luca"];
    let mut out = Vec::with_capacity(BATCH);
    for (i, comune) in Comune::all().unwrap().step_by(7).enumerate() {
        let from = comune.valid().from().max(window);
        let to = comune.valid().to().unwrap_or(reference).min(reference);
        if from > to {
            continue;
        }
        let born = from + Days::new(((to - from).num_days() / 2) as u64);
        let sex = if i % 2 == 0 { Sex::Male } else { Sex::Female };
        let code = CodiceFiscale::encode(
            surnames[i % surnames.len()],
            names[i % names.len()],
            sex,
            born,
            comune.belfiore(),
        )
        .unwrap();
        let code =
            if i % 8 == 0 { code.with_omocodia_level((i % 7 + 1) as u8).unwrap() } else { code };
        out.push(code.to_string());
        if out.len() == BATCH {
            break;
        }
    }
    assert_eq!(out.len(), BATCH);
    out
}

/// Target: ≥ 10 million validations per second on one core.
fn validation(c: &mut Criterion, codes: &[String]) {
    let mut group = c.benchmark_group("codice_fiscale");
    group.throughput(Throughput::Elements(codes.len() as u64));
    group.bench_function("validate", |b| {
        b.iter(|| {
            let valid = codes.iter().filter(|s| CodiceFiscale::parse(black_box(s)).is_ok()).count();
            assert_eq!(valid, codes.len());
        })
    });
    group.finish();
}

/// Target: ≥ 2 million decodes (sex, birth date, birth place looked up on the birth date) per
/// second on one core.
fn decode(c: &mut Criterion, codes: &[String]) {
    let reference = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let parsed: Vec<CodiceFiscale> = codes.iter().map(|s| s.parse().unwrap()).collect();
    // Warm the territorial tables (parsed once per process).
    parsed[0].decode(reference).unwrap();
    let mut group = c.benchmark_group("codice_fiscale");
    group.throughput(Throughput::Elements(parsed.len() as u64));
    group.bench_function("parse_and_decode_with_place", |b| {
        b.iter(|| {
            let mut decoded = 0;
            for text in codes {
                let code = CodiceFiscale::parse(black_box(text)).unwrap();
                let person = code.decode(reference).unwrap();
                decoded += usize::from(!person.birth_place.code().is_empty());
            }
            assert_eq!(decoded, codes.len());
        })
    });
    group.finish();
}

/// Target: ≥ 5 million IBAN validations per second on one core (no stated requirement; a
/// payment file of 100,000 lines should validate in well under a second).
fn iban(c: &mut Criterion) {
    let ibans = [
        "IT60X0542811101000000123456",
        "IT60 X054 2811 1010 0000 0123 456",
        "DE89370400440532013000",
        "FR1420041010050500013M02606",
        "GB29NWBK60161331926819",
        "NL91ABNA0417164300",
        "ES9121000418450200051332",
        "SM86U0322509800000000270100",
    ];
    let mut group = c.benchmark_group("iban");
    group.throughput(Throughput::Elements(ibans.len() as u64));
    group.bench_function("validate", |b| {
        b.iter(|| {
            let valid = ibans.iter().filter(|s| Iban::parse(black_box(s)).is_ok()).count();
            assert_eq!(valid, ibans.len());
        })
    });
    group.finish();
}

fn main() {
    let codes = codes();
    let mut c = Criterion::default().configure_from_args();
    validation(&mut c, &codes);
    decode(&mut c, &codes);
    iban(&mut c);
    c.final_summary();
}
