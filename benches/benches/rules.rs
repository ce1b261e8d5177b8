//! welfare-rules: load and check, one household with and without explanation, and a batch.
//! Each bench asserts its result inside the loop.

use chrono::NaiveDate;
use criterion::{Criterion, Throughput};
use welfare_rules::{Program, Value};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

const HEAD: &str = "rulebook: bench/x\ntitle: { it: bench }\nauthority: { level: comune, code: \"1\", name: c }\nvalid: { from: 2025-01-01 }\n";

/// A 500-line rulebook: 42 money parameters (4 lines each) and 80 definitions (4 lines each).
fn five_hundred_lines() -> String {
    let mut s = String::from(HEAD);
    s.push_str("inputs:\n  household:\n    isee: { type: money, optional: true }\n    residente: { type: boolean }\n  member:\n    nascita: { type: date }\nparameters:\n");
    for i in 0..42 {
        s.push_str(&format!("  p{i}:\n    type: money\n    versions:\n      - {{ from: 2025-01-01, value: \"{i}00.00\", source: \"delibera n. {i}\" }}\n"));
    }
    s.push_str("definitions:\n");
    for i in 0..80 {
        let prev = if i == 0 { "0".to_owned() } else { format!("d{}", i - 1) };
        s.push_str(&format!(
            "  d{i}:\n    type: money\n    label: {{ it: Valore {i} }}\n    formula: se isee mancante allora p{} altrimenti min({prev} + p{}, isee / 2)\n",
            i % 40,
            (i + 1) % 40
        ));
    }
    s
}

/// A 20-definition tariff rulebook: bands, interpolation, members, conditions.
fn twenty_definitions() -> String {
    let mut s = String::from(HEAD);
    s.push_str(
        r#"inputs:
  household:
    isee: { type: money, optional: true }
    residente: { type: boolean }
  member:
    nascita: { type: date }
    disabile: { type: boolean }
parameters:
  soglia:
    type: money
    versions:
      - { from: 2025-01-01, value: "4500.00", source: s }
  massimo:
    type: money
    versions:
      - { from: 2025-01-01, value: "415.00", source: s }
  scala:
    type: scale
    versions:
      - from: 2025-01-01
        source: s
        points:
          - ["4500.01", "30"]
          - ["30000", "280"]
          - ["30000.01", "280"]
          - ["35000", "415"]
  fasce:
    type: band_table
    columns: { retta: money }
    versions:
      - from: 2025-01-01
        source: s
        rows: [ { up_to: "6000", retta: "2.00" }, { up_to: "9360", retta: "3.50" }, { up_to: "15000", retta: "4.00" }, { up_to: null, retta: "4.50" } ]
conditions:
  c_residenza: residente
  c_isee: isee presente
definitions:
  minori: { type: integer, formula: "conta(membri, eta(nascita) < 18)" }
  disabili: { type: boolean, formula: "almeno_uno(membri, disabile)" }
  esente: { type: boolean, formula: "isee presente e isee <= soglia" }
  base: { type: money, formula: "se isee mancante allora massimo altrimenti interpola(isee, scala)" }
  retta: { type: money, formula: "se esente allora 0 altrimenti arrotonda(base, centesimo, commerciale)" }
  riduzione_figli: { type: decimal, formula: "se minori > 2 allora 0.2 altrimenti 0" }
  riduzione_dis: { type: decimal, formula: "se disabili allora 0.3 altrimenti 0" }
  riduzione: { type: decimal, formula: "min(riduzione_figli + riduzione_dis, 0.4)" }
  retta_ridotta: { type: money, formula: "arrotonda(retta * (1 - riduzione), centesimo, commerciale)" }
  mensa: { type: money, formula: "se isee mancante allora 4.50 altrimenti cerca(fasce, isee)" }
  fascia_mensa: { type: integer, formula: "se isee mancante allora 4 altrimenti fascia(fasce, isee)" }
  pasti: { type: integer, formula: "20" }
  mensa_mese: { type: money, formula: "mensa * pasti" }
  totale: { type: money, formula: "retta_ridotta + mensa_mese" }
  tetto: { type: money, formula: "clamp(totale, 0, 500)" }
  annuo: { type: money, formula: "tetto * 11" }
  rata: { type: money, formula: "arrotonda(annuo / 10, centesimo, per_difetto)" }
  quota_isee: { type: decimal, formula: "se isee mancante allora 1 altrimenti isee / massimo / 100" }
  alta: { type: boolean, formula: "quota_isee > 1" }
  esito: { type: money, formula: "se alta allora tetto altrimenti tetto - 0.00" }
"#,
    );
    s
}

/// Target: load and check a 500-line rulebook in < 5 ms.
fn load_and_check(c: &mut Criterion) {
    let text = five_hundred_lines();
    assert!(text.lines().count() >= 500);
    c.bench_function("rules/load_and_check_500_lines", |b| {
        b.iter(|| {
            let p = Program::from_yaml(&text, "bench.yaml");
            assert!(p.is_ok());
            p
        })
    });
}

/// Targets: one household through 20 definitions ≤ 2 µs without explanation, ≤ 20 µs with.
fn one_household(c: &mut Criterion) {
    let Ok(p) = Program::from_yaml(&twenty_definitions(), "bench.yaml") else {
        std::process::abort()
    };
    let Ok(facts) = p.facts(&serde_json::json!({
        "isee": "12000.00", "residente": true,
        "members": [ { "nascita": "1985-01-01", "disabile": false }, { "nascita": "2015-03-01", "disabile": true },
                     { "nascita": "2018-03-01", "disabile": false }, { "nascita": "2021-03-01", "disabile": false } ]
    })) else {
        std::process::abort()
    };
    let Ok(snap) = p.snapshot(date(2025, 6, 1)) else { std::process::abort() };
    let slot = p.slot("retta_ridotta").unwrap_or(usize::MAX);
    // Ravenna-shaped scale at ISEE 12,000: 103.53 €, less 40 % → 62.12 €.
    let expected = Value::Num(rust_decimal::Decimal::new(6212, 2));
    let mut scratch = Vec::new();
    c.bench_function("rules/one_household_20_definitions", |b| {
        b.iter(|| {
            let r = snap.run_into(&facts, &mut scratch);
            assert!(r.is_ok() && scratch.get(slot) == Some(&expected));
        })
    });
    c.bench_function("rules/one_household_20_definitions_explained", |b| {
        b.iter(|| {
            let ev = snap.evaluate(&facts);
            assert!(matches!(&ev, Ok(e) if e.outputs.get("retta_ridotta").and_then(|v| v.as_str()) == Some("62.12")));
            ev
        })
    });
}

/// Target: ≥ 1,000,000 households/s on 2 cores through a tariff rulebook (Manfredonia mensa
/// shape: band table, residence, missing ISEE), facts prepared, parameters resolved once.
fn batch(c: &mut Criterion) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/rulebooks/comuni/manfredonia-mensa.yaml"
    ))
    .unwrap_or_default();
    let Ok(p) = Program::from_yaml(&text, "manfredonia-mensa.yaml") else { std::process::abort() };
    let Ok(snap) = p.snapshot(date(2025, 10, 1)) else { std::process::abort() };
    let n = 200_000usize;
    let facts: Vec<_> = (0..n)
        .filter_map(|i| {
            let isee = if i % 10 == 0 {
                serde_json::Value::Null
            } else {
                serde_json::json!(format!("{}.{:02}", (i * 37) % 30_000, i % 100))
            };
            p.facts(&serde_json::json!({ "isee": isee, "residente": i % 7 != 0 })).ok()
        })
        .collect();
    assert_eq!(facts.len(), n);
    let slot = p.slot("tariffa_giornaliera").unwrap_or(usize::MAX);
    let mut group = c.benchmark_group("rules/batch_tariff");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    group.bench_function("200k_households", |b| {
        b.iter(|| {
            let errors = std::sync::atomic::AtomicUsize::new(0);
            welfare_rules::batch::for_each_parallel(&snap, &facts, |_, r| {
                if !matches!(r, Ok(v) if matches!(v.get(slot), Some(Value::Num(_)))) {
                    errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
            assert_eq!(errors.into_inner(), 0);
        })
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    load_and_check(&mut c);
    one_household(&mut c);
    batch(&mut c);
    c.final_summary();
}
