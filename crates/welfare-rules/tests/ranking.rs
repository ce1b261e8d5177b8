//! Graduatorie: tie-break keys, the named final tie-break (input order or a public draw), what
//! decided each position, and the publishable list.

use std::path::PathBuf;

use chrono::NaiveDate;
use welfare_rules::rank::{self, FinalTieBreak, RankError, RankOptions};
use welfare_rules::{DiagnosticKind, Facts, Program};

const TIE_BREAK: &str = "tie_break: [ { key: isee_graduatoria, order: asc } ]";

/// The fictional comune's rent-contribution call (fixtures): score by ISEE band points plus
/// minors, disabled and elderly members; ties to the lower ISEE.
fn bando_text() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/rulebooks/comuni/esempio-bando-affitto.yaml");
    std::fs::read_to_string(path).unwrap()
}

fn bando(final_rule: Option<&str>) -> Program {
    let mut text = bando_text();
    assert!(text.contains(TIE_BREAK));
    if let Some(rule) = final_rule {
        text = text.replace(TIE_BREAK, &format!("{TIE_BREAK}\n  final_tie_break: {rule}"));
    }
    Program::from_yaml(&text, "esempio-bando-affitto.yaml").unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn household(p: &Program, isee: &str, ages: &[i64], disabled: usize, adi: bool) -> Facts {
    let members: Vec<serde_json::Value> = ages
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let disability = if i < disabled { "grave" } else { "none" };
            serde_json::json!({ "age_years": a, "disability": disability })
        })
        .collect();
    p.facts(&serde_json::json!({
        "isee_ordinario": isee, "rent_annual": "6000", "rent_registered": true,
        "all_registered_in_anagrafe": true, "receives_adi": adi, "members": members
    }))
    .unwrap()
}

/// Protocol order. Points (bando art. 5): ISEE ≤ 5.000 → 30, ≤ 15.000 → 10; 5 per minor,
/// 10 per disabled member, 5 per member aged 65 or more.
fn applicants(p: &Program) -> Vec<(String, Facts)> {
    vec![
        // Single parent with two minors, ISEE 4.800: 30 + 5 + 5 = 40.
        ("prot-0101".to_owned(), household(p, "4800.00", &[34, 6, 3], 0, false)),
        // Couple with two minors, same ISEE 4.800: 40, equal on every key to prot-0101.
        ("prot-0102".to_owned(), household(p, "4800.00", &[38, 36, 9, 2], 0, false)),
        // Couple with two minors, ISEE 4.500: 40, wins the ISEE tie-break.
        ("prot-0103".to_owned(), household(p, "4500.00", &[41, 40, 12, 10], 0, false)),
        // Elderly couple, one disabled, ISEE 12.000: 10 + 10 + 5 + 5 = 30.
        ("prot-0104".to_owned(), household(p, "12000.00", &[70, 68], 1, false)),
        // Receives ADI: excluded (its quota B already pays rent).
        ("prot-0105".to_owned(), household(p, "3000.00", &[30], 0, true)),
    ]
}

fn ids(r: &rank::Ranking) -> Vec<&str> {
    r.ranked.iter().map(|e| e.id.as_str()).collect()
}

fn decided(r: &rank::Ranking) -> Vec<Option<&str>> {
    r.ranked.iter().map(|e| e.decided_by.as_deref()).collect()
}

#[test]
fn input_order_is_the_named_default_and_each_position_says_what_decided_it() {
    let p = bando(None);
    let r = rank::rank(&p, d(2025, 3, 1), &applicants(&p)).unwrap();
    assert_eq!(r.final_tie_break, FinalTieBreak::InputOrder);
    assert_eq!(ids(&r), ["prot-0103", "prot-0101", "prot-0102", "prot-0104"]);
    let scores: Vec<&str> = r.ranked.iter().map(|e| e.score.as_str()).collect();
    assert_eq!(scores, ["40", "40", "40", "30"]);
    assert_eq!(r.ranked[0].tie_break, ["4500.00"]);
    assert_eq!(
        decided(&r),
        [None, Some("isee_graduatoria"), Some("input_order"), Some("punteggio")]
    );
    assert_eq!(r.excluded, ["prot-0105"]);
    assert!(r.ranked.iter().all(|e| e.draw.is_none()));
}

#[test]
fn input_order_written_explicitly_in_italian_is_the_same_rule() {
    let p = bando(Some("ordine_di_presentazione"));
    assert_eq!(p.ranking().unwrap().final_tie_break, FinalTieBreak::InputOrder);
    // Swapping the two applicants equal on every key swaps them in the list.
    let mut a = applicants(&p);
    a.swap(0, 1);
    let r = rank::rank(&p, d(2025, 3, 1), &a).unwrap();
    assert_eq!(ids(&r), ["prot-0103", "prot-0102", "prot-0101", "prot-0104"]);
}

#[test]
fn a_draw_orders_ties_by_the_published_seed_whatever_the_input_order() {
    let p = bando(Some("sorteggio"));
    assert_eq!(p.ranking().unwrap().final_tie_break, FinalTieBreak::Draw);
    let seed = RankOptions { seed: Some("estrazione del lotto 2025-03-01".to_owned()) };
    let r = rank::rank_with(&p, d(2025, 3, 1), &applicants(&p), &seed).unwrap();
    // Draw numbers computed independently (Python hashlib):
    // sha256(len(seed) as u64 BE ‖ seed ‖ id): prot-0101 c36a0f5d…, prot-0102 67929b62….
    assert!(r.ranked[1].draw.as_deref().unwrap().starts_with("67929b627a01d5e9"));
    assert!(r.ranked[2].draw.as_deref().unwrap().starts_with("c36a0f5dd384ef72"));
    assert_eq!(ids(&r), ["prot-0103", "prot-0102", "prot-0101", "prot-0104"]);
    assert_eq!(decided(&r), [None, Some("isee_graduatoria"), Some("draw"), Some("punteggio")]);
    assert_eq!(r.seed.as_deref(), Some("estrazione del lotto 2025-03-01"));

    // Same seed, same applicants in another order: the same list.
    let mut reversed = applicants(&p);
    reversed.reverse();
    let again = rank::rank_with(&p, d(2025, 3, 1), &reversed, &seed).unwrap();
    assert_eq!(ids(&again), ids(&r));
    assert_eq!(again.ranked, r.ranked);

    // Another seed (hashlib: prot-0101 4935e45a…, prot-0102 bb0beff7…) reverses that tie only.
    let other = RankOptions { seed: Some("seme 2".to_owned()) };
    let r2 = rank::rank_with(&p, d(2025, 3, 1), &applicants(&p), &other).unwrap();
    assert_eq!(ids(&r2), ["prot-0103", "prot-0101", "prot-0102", "prot-0104"]);
}

#[test]
fn the_draw_needs_a_seed_and_input_order_refuses_one() {
    let draw = bando(Some("draw"));
    let e = rank::rank(&draw, d(2025, 3, 1), &applicants(&draw)).unwrap_err();
    assert!(matches!(e, RankError::SeedRequired { .. }), "{e}");
    assert_eq!(e.kind(), "seed_required");
    let plain = bando(None);
    let seed = RankOptions { seed: Some("s".to_owned()) };
    let e = rank::rank_with(&plain, d(2025, 3, 1), &applicants(&plain), &seed).unwrap_err();
    assert_eq!(e.kind(), "seed_not_used");
    // A date outside the bando's parameters is an evaluation error, not an empty list.
    let e = rank::rank(&plain, d(2024, 3, 1), &applicants(&plain)).unwrap_err();
    assert_eq!(e.kind(), "parameter_not_in_force");
}

#[test]
fn the_publication_states_the_rules_and_the_seed_and_no_ids() {
    let p = bando(Some("sorteggio"));
    let seed = RankOptions { seed: Some("estrazione del lotto 2025-03-01".to_owned()) };
    let r = rank::rank_with(&p, d(2025, 3, 1), &applicants(&p), &seed).unwrap();
    let public = r.publication(&p, b"chiave riservata dell'ente");
    assert_eq!(&*public.rulebook, "esempio/bando-affitto");
    assert_eq!(public.score, "punteggio");
    assert_eq!(public.order, "desc");
    assert_eq!(public.tie_break, ["isee_graduatoria asc"]);
    assert_eq!(public.final_tie_break, FinalTieBreak::Draw);
    assert_eq!(public.seed.as_deref(), Some("estrazione del lotto 2025-03-01"));
    assert_eq!(public.entries.len(), 4);
    assert_eq!(public.entries[2].decided_by.as_deref(), Some("draw"));
    let json = serde_json::to_string(&public).unwrap();
    assert!(!json.contains("prot-"), "{json}");
    assert!(json.contains("\"final_tie_break\":\"draw\""), "{json}");
}

#[test]
fn ranking_keywords_are_checked_with_suggestions() {
    let text = bando_text();
    let bad = text.replace(TIE_BREAK, &format!("{TIE_BREAK}\n  final_tie_break: sorteggi"));
    let e = Program::from_yaml(&bad, "b.yaml").unwrap_err();
    let msg = e.to_string();
    assert!(e.has(DiagnosticKind::Structure), "{msg}");
    assert!(msg.contains("unknown final tie-break `sorteggi`; did you mean `sorteggio`?"), "{msg}");
    assert!(msg.contains("(ranking.final_tie_break)"), "{msg}");

    // A misspelt order used to rank silently in the other direction.
    let bad = text.replace("order: desc", "order: ascending");
    let msg = Program::from_yaml(&bad, "b.yaml").unwrap_err().to_string();
    assert!(msg.contains("unknown order `ascending`"), "{msg}");

    let bad = text.replace(TIE_BREAK, "tie_break: [ { key: isee_graduatoria, ordine: asc } ]");
    let msg = Program::from_yaml(&bad, "b.yaml").unwrap_err().to_string();
    assert!(msg.contains("unknown key `ordine` in a tie-break key"), "{msg}");

    // Italian orders.
    let it = text
        .replace("order: desc", "order: decrescente")
        .replace(TIE_BREAK, "tie_break: [ { key: isee_graduatoria, order: crescente } ]");
    let p = Program::from_yaml(&it, "b.yaml").unwrap();
    let r = rank::rank(&p, d(2025, 3, 1), &applicants(&p)).unwrap();
    assert_eq!(ids(&r), ["prot-0103", "prot-0101", "prot-0102", "prot-0104"]);
}

/// A tiny graduatoria whose scores tie often: points from 0 to 3.
fn tiny(final_rule: &str) -> Program {
    Program::from_yaml(
        &format!(
            r#"
rulebook: esempio/graduatoria-minima
title: Graduatoria minima
authority: {{ level: comune, code: "999999", name: Comune di Esempio }}
valid: {{ from: 2025-01-01 }}
inputs: {{ household: {{ punti: {{ type: integer }} }} }}
definitions: {{ punteggio: {{ type: integer, formula: punti }} }}
ranking: {{ score: punteggio, final_tie_break: {final_rule} }}
"#
        ),
        "g.yaml",
    )
    .unwrap()
}

proptest::proptest! {
    /// Same seed and same applicants: the same list, whatever order they were given in; the
    /// scores are in order and a `draw` decides only between equal scores.
    #[test]
    fn a_draw_does_not_depend_on_the_input_order(
        points in proptest::collection::vec(0i64..4, 1..12),
        rotation in 0usize..12,
        seed in "[a-z0-9 ]{1,16}",
    ) {
        let p = tiny("draw");
        let applicants: Vec<(String, Facts)> = points
            .iter()
            .enumerate()
            .map(|(i, pt)| (format!("prot-{i:04}"), p.facts(&serde_json::json!({ "punti": pt })).unwrap()))
            .collect();
        let mut shuffled = applicants.clone();
        shuffled.rotate_left(rotation % applicants.len());
        shuffled.reverse();
        let options = RankOptions { seed: Some(seed.clone()) };
        let a = rank::rank_with(&p, d(2025, 3, 1), &applicants, &options).unwrap();
        let b = rank::rank_with(&p, d(2025, 3, 1), &shuffled, &options).unwrap();
        proptest::prop_assert_eq!(&a.ranked, &b.ranked);
        for pair in a.ranked.windows(2) {
            let (x, y): (i64, i64) = (pair[0].score.parse().unwrap(), pair[1].score.parse().unwrap());
            proptest::prop_assert!(x >= y);
            let by = pair[1].decided_by.as_deref();
            proptest::prop_assert_eq!(by == Some("draw"), x == y);
            if x == y {
                proptest::prop_assert!(pair[0].draw < pair[1].draw);
                proptest::prop_assert_eq!(pair[1].draw.clone(), Some(rank::draw_number(&seed, &pair[1].id)));
            }
        }
    }

    /// With the input order as the final rule, equal scores keep the order they were given in.
    #[test]
    fn input_order_keeps_ties_in_the_order_given(points in proptest::collection::vec(0i64..4, 1..12)) {
        let p = tiny("input_order");
        let applicants: Vec<(String, Facts)> = points
            .iter()
            .enumerate()
            .map(|(i, pt)| (format!("prot-{i:04}"), p.facts(&serde_json::json!({ "punti": pt })).unwrap()))
            .collect();
        let r = rank::rank(&p, d(2025, 3, 1), &applicants).unwrap();
        for pair in r.ranked.windows(2) {
            if pair[0].score == pair[1].score {
                proptest::prop_assert!(pair[0].id < pair[1].id);
                proptest::prop_assert_eq!(pair[1].decided_by.as_deref(), Some("input_order"));
            } else {
                proptest::prop_assert_eq!(pair[1].decided_by.as_deref(), Some("punteggio"));
            }
        }
    }
}
