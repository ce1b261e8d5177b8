//! Properties: determinism, interpolation bounds, rounding carried by results.

use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;
use welfare_rules::Program;

const HEAD: &str = "rulebook: p/x\ntitle: { it: p }\nauthority: { level: comune, code: \"1\", name: c }\nvalid: { from: 2025-01-01 }\ninputs: { household: { x: { type: money } } }\n";

fn program(defs: &str) -> Program {
    Program::from_yaml(&format!("{HEAD}definitions:\n{defs}"), "p.yaml").unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
}

fn money() -> impl Strategy<Value = Decimal> {
    (0i64..1_000_000_000).prop_map(|c| Decimal::new(c, 2))
}

proptest! {
    #[test]
    fn evaluation_is_deterministic(x in money()) {
        let p = Program::load(&std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rulebooks/comuni/ravenna-retta-nido.yaml")).unwrap();
        let f = p.facts(&serde_json::json!({ "isee_minorenni": x.to_string() })).unwrap();
        let a = serde_json::to_string(&p.evaluate(&f, day()).unwrap()).unwrap();
        let b = serde_json::to_string(&p.evaluate(&f, day()).unwrap()).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn interpolation_stays_between_its_points(x in money()) {
        let p = program("  y: { type: money, formula: \"interpola(x, [(4500.01, 30), (30000, 280), (30000.01, 280), (35000, 415)])\" }\n");
        let f = p.facts(&serde_json::json!({ "x": x.to_string() })).unwrap();
        let out = p.snapshot(day()).unwrap().outputs(&f).unwrap();
        let y = out.get(&p, "y").unwrap().as_decimal().unwrap();
        let (lo, hi) = if x <= Decimal::new(3_000_000, 2) { (Decimal::from(30), Decimal::from(280)) } else { (Decimal::from(280), Decimal::from(415)) };
        prop_assert!(y >= lo && y <= hi, "x={} y={}", x, y);
    }

    #[test]
    fn money_results_carry_the_rounding_their_formula_names(x in money(), k in 1i64..1000) {
        let p = program(concat!(
            "  cent: { type: money, formula: \"arrotonda(x / 7 * 3, centesimo, commerciale)\" }\n",
            "  tenth: { type: money, formula: \"round(x / 11, tenth, half_even)\" }\n",
            "  euro: { type: money, formula: \"round(x * 1.0375, euro, up)\" }\n",
            "  raw: { type: money, formula: \"x / 7\" }\n",
        ));
        let _ = k;
        let f = p.facts(&serde_json::json!({ "x": x.to_string() })).unwrap();
        let out = p.snapshot(day()).unwrap().outputs(&f).unwrap();
        let scale = |n: &str| out.get(&p, n).unwrap().as_decimal().unwrap().normalize().scale();
        prop_assert!(scale("cent") <= 2);
        prop_assert!(scale("tenth") <= 1);
        prop_assert!(scale("euro") == 0);
        // Nothing rounds implicitly: the unrounded division keeps its digits.
        let raw = out.get(&p, "raw").unwrap().as_decimal().unwrap();
        prop_assert_eq!(raw, x / Decimal::from(7));
    }
}
