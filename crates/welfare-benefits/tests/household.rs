//! The household format: reading YAML and JSON, path-precise errors, validation, facts.

use chrono::NaiveDate;
use welfare_benefits::{
    Disability, Household, HouseholdErrorKind, IseeKind, Relationship, EXAMPLE_HOUSEHOLD_YAML,
};

fn d(y: i32, mo: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, day).unwrap()
}

fn fixture(name: &str) -> (String, String) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/households")
        .join(name);
    (name.to_owned(), std::fs::read_to_string(path).unwrap())
}

const MINIMAL: &str = "group_identifier: h1
residence: {comune: H501}
member_list:
  - member_identifier: a
    birth_date: 1980-01-01
    sex: F
    relationship_to_head: 1
";

fn err(text: &str) -> welfare_benefits::HouseholdError {
    Household::from_str_named("h.yaml", text).unwrap_err()
}

#[test]
fn the_example_reads_and_is_the_fixture() {
    let h = Household::example().unwrap();
    assert_eq!(h.group_identifier, "esempio-rossi");
    assert_eq!(h.member_list.len(), 5);
    assert_eq!(h.member("giulia").unwrap().relationship_to_head, Relationship::Coniuge);
    let (_, text) = fixture("example.yaml");
    assert_eq!(
        text, EXAMPLE_HOUSEHOLD_YAML,
        "fixtures/households/example.yaml must equal the bundled example"
    );
}

#[test]
fn every_fixture_household_reads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/households");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !(name.ends_with(".yaml") || name.ends_with(".json")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let result = Household::from_str_named(&name, &text);
        if name.starts_with("invalid-") {
            let e = result.expect_err(&name);
            let first = text.lines().next().unwrap();
            let expected = first.trim_start_matches("# expect: ").trim_start_matches("// expect: ");
            assert_eq!(e.to_string(), expected, "{name}");
        } else {
            result.unwrap_or_else(|e| panic!("{e}"));
        }
        n += 1;
    }
    assert!(n >= 6, "fixtures found: {n}");
}

#[test]
fn yaml_and_json_are_the_same_household() {
    let yaml = Household::example().unwrap();
    let json = serde_json::to_string_pretty(&yaml).unwrap();
    let back = Household::from_str_named("h.json", &json).unwrap();
    assert_eq!(back, yaml);
    let yaml_again = serde_yaml::to_string(&yaml).unwrap();
    assert_eq!(Household::from_str_named("h.yaml", &yaml_again).unwrap(), yaml);
}

#[test]
fn relationship_reads_codes_and_names_and_writes_names() {
    for (code, name) in [
        (1, "intestatario_scheda"),
        (2, "coniuge"),
        (3, "figlio"),
        (28, "unito_civilmente"),
        (80, "adottato"),
        (99, "non_definito"),
    ] {
        let r = Relationship::from_code(code).unwrap();
        assert_eq!(r.name(), name);
        assert_eq!(Relationship::from_name(name), Some(r));
        assert_eq!(Relationship::from_name(&code.to_string()), Some(r));
        assert_eq!(u64::from(r.code()), code);
        assert_eq!(serde_json::to_value(r).unwrap(), name);
    }
    assert_eq!(Relationship::all().count(), 29);
    assert!(Relationship::from_code(26).is_none(), "26 and 27 are not ANPR codes");
    let h = Household::from_str_named(
        "h.yaml",
        &MINIMAL.replace("relationship_to_head: 1", "relationship_to_head: \"1\""),
    )
    .unwrap();
    assert_eq!(h.member_list[0].relationship_to_head, Relationship::IntestatarioScheda);
}

#[test]
fn unknown_field_names_its_path_and_line() {
    let e = err(&MINIMAL.replace("sex: F", "sex: F\n    colour: blue"));
    assert_eq!(e.kind(), HouseholdErrorKind::Format);
    assert_eq!(e.path(), "member_list[0].colour");
    assert!(
        e.to_string().starts_with("h.yaml:7:5: member_list[0].colour: unknown field `colour`"),
        "{e}"
    );
}

#[test]
fn wrong_values_name_their_path_without_echoing_them() {
    let e = err(&MINIMAL.replace("sex: F", "sex: X"));
    assert_eq!(e.path(), "member_list[0].sex");
    let e = err(&MINIMAL.replace("H501", "ROMA"));
    assert_eq!(e.path(), "residence.comune");
    assert!(!e.to_string().contains("ROMA"), "{e}");
    let e = err(&MINIMAL.replace("1980-01-01", "1980-13-01"));
    assert_eq!(e.path(), "member_list[0].birth_date");
    let e = err(&format!("{MINIMAL}isee: {{ordinario: \"12.345,678.9\"}}\n"));
    assert_eq!(e.path(), "isee.ordinario");
    assert!(!e.to_string().contains("12.345"), "{e}");
    let e = err(&MINIMAL.replace("relationship_to_head: 1", "relationship_to_head: 27"));
    assert_eq!(e.path(), "member_list[0].relationship_to_head");
    let e = err(&MINIMAL.replace("    sex: F\n", ""));
    assert_eq!(e.path(), "member_list[0]");
    assert!(e.message().contains("missing field `sex`"), "{e}");
}

#[test]
fn json_errors_name_their_path() {
    let json = r#"{"group_identifier": "h", "residence": {"comune": "058091"},
        "member_list": [{"member_identifier": "a", "birth_date": "1980-01-01", "sex": "F",
        "relationship_to_head": 1, "disability": "severa"}]}"#;
    let e = Household::from_str_named("h.json", json).unwrap_err();
    assert_eq!(e.path(), "member_list[0].disability");
    assert!(e.to_string().starts_with("h.json:3:"), "{e}");
    let e = Household::from_str_named("h.json", "{\"group_identifier\": \"h\"").unwrap_err();
    assert_eq!(e.kind(), HouseholdErrorKind::Format);
}

#[test]
fn validation_checks_references_and_identity() {
    let two_heads = format!(
        "{MINIMAL}  - member_identifier: b\n    birth_date: 1981-01-01\n    sex: M\n    relationship_to_head: intestatario_scheda\n"
    );
    let e = err(&two_heads);
    assert_eq!((e.kind(), e.path()), (HouseholdErrorKind::Invalid, "member_list"));
    let dup = format!("{MINIMAL}  - member_identifier: a\n    birth_date: 2010-01-01\n    sex: M\n    relationship_to_head: figlio\n");
    assert_eq!(err(&dup).path(), "member_list[1].member_identifier");
    let orphan = format!("{MINIMAL}  - member_identifier: c\n    birth_date: 2010-01-01\n    sex: M\n    relationship_to_head: figlio\n    mother: z\n");
    assert_eq!(err(&orphan).path(), "member_list[1].mother");
    let father_as_mother = format!(
        "{}  - member_identifier: c\n    birth_date: 2010-01-01\n    sex: M\n    relationship_to_head: figlio\n    mother: a\n",
        MINIMAL.replace("sex: F", "sex: M")
    );
    assert_eq!(
        err(&father_as_mother).to_string(),
        "h.yaml: member_list[1].mother: the mother must have sex F"
    );
    let birth = format!("{MINIMAL}  - member_identifier: c\n    birth_date: 2010-01-01\n    sex: M\n    relationship_to_head: figlio\nevents: [{{kind: birth, date: 2010-01-02, child: c}}]\n");
    assert_eq!(err(&birth).path(), "events[0].date");
    let months =
        MINIMAL.replace("sex: F", "sex: F\n    employment: {status: employed, months_worked: 13}");
    assert_eq!(err(&months).path(), "member_list[0].employment.months_worked");
    let negative = format!("{MINIMAL}rent: {{annual: -1, registered: true}}\n");
    assert_eq!(err(&negative).path(), "rent.annual");
    let cf = MINIMAL.replace("sex: F", "sex: F\n    codice_fiscale: rssmra80a41h501x");
    let e = err(&cf);
    assert_eq!(e.path(), "member_list[0].codice_fiscale");
    assert!(!e.to_string().to_lowercase().contains("rssmra"), "never echo a codice fiscale");
    let empty = "group_identifier: h\nresidence: {comune: H501}\nmember_list: []\n";
    assert_eq!(err(empty).path(), "member_list");
}

/// A repeated member identifier is reported at its first repetition, in a small household
/// (compared member by member) as in a large one (through a set).
#[test]
fn repeated_member_identifiers_are_found_in_small_and_large_households() {
    for size in [3usize, 16, 17, 40] {
        let mut text = MINIMAL.to_owned();
        for i in 1..size {
            // The member at position size - 1 repeats the identifier of position 1.
            let id = if i == size - 1 && size > 2 { 1 } else { i };
            text.push_str(&format!(
                "  - member_identifier: c{id}\n    birth_date: 2010-01-01\n    sex: M\n    relationship_to_head: figlio\n"
            ));
        }
        let e = err(&text);
        assert_eq!(e.path(), format!("member_list[{}].member_identifier", size - 1), "{size}");
        assert_eq!(
            e.to_string(),
            format!(
                "h.yaml: member_list[{}].member_identifier: member identifier is used by an earlier member",
                size - 1
            )
        );
    }
}

#[test]
fn facts_of_the_example() {
    let h = Household::example().unwrap();
    let f = h.facts(d(2026, 9, 1)).unwrap();
    assert_eq!(f["date"], "2026-09-01");
    assert_eq!(f["group_identifier"], "esempio-rossi");
    assert_eq!(f["comune_on_date"]["name"], "BOLOGNA");
    assert_eq!(f["comune_on_date"]["istat"], "037006");
    assert_eq!(f["comune_on_date"]["province"], "BO");
    let luca = &f["member_list"][2];
    assert_eq!(
        (luca["age"].as_u64(), luca["is_minor"].as_bool(), luca["is_child"].as_bool()),
        (Some(7), Some(true), Some(true))
    );
    assert_eq!(luca["mother_age"], 34);
    assert_eq!(luca["relationship_code"], 3);
    assert_eq!(luca["disability"], "none");
    let elena = &f["member_list"][4];
    assert_eq!((elena["age"].as_u64(), elena["age_months"].as_u64()), (Some(0), Some(2)));
    let c = &f["counts"];
    assert_eq!(c["members"], 5);
    assert_eq!(c["children"], 3);
    assert_eq!(c["children_under_1"], 1);
    assert_eq!(c["children_under_3"], 2);
    assert_eq!(c["working_head_or_partners"], 2);
    assert_eq!(f["isee_on_date"]["ordinario"], "16500.00");
    assert_eq!(f["isee_on_date"]["sociosanitario"], serde_json::Value::Null);
    assert_eq!(f["isee_on_date"]["scala"], "3.35");
    assert_eq!(f["benefits_active"], serde_json::json!(["indennita_maternita"]));
    assert_eq!(h.facts(d(2026, 10, 1)).unwrap()["benefits_active"], serde_json::json!([]));
    let e = h.facts(d(2026, 6, 14)).unwrap_err();
    assert_eq!(e.path(), "member_list[4].birth_date");
}

#[test]
fn attestazioni_apply_from_filing_to_expiry() {
    let text = format!(
        "{MINIMAL}isee:\n  attestazioni:\n    - {{kind: ordinario, isee: 9000, scala: 1.57, dsu_filed_on: 2025-02-10}}\n    - {{kind: ordinario, isee: 9400.50, dsu_filed_on: 2026-01-15, valid_until: 2026-12-31}}\n"
    );
    let h = Household::from_str_named("h.yaml", &text).unwrap();
    assert_eq!(h.isee.value_on(IseeKind::Ordinario, d(2025, 2, 9)), None);
    assert_eq!(
        h.isee.value_on(IseeKind::Ordinario, d(2025, 12, 31)).unwrap().to_string(),
        "9000.00"
    );
    assert_eq!(
        h.isee.value_on(IseeKind::Ordinario, d(2026, 1, 14)),
        None,
        "the 2025 DSU expired on 31/12"
    );
    assert_eq!(h.isee.value_on(IseeKind::Ordinario, d(2026, 3, 1)).unwrap().to_string(), "9400.50");
    assert_eq!(h.isee.scala_on(d(2025, 6, 1)).unwrap().to_string(), "1.57");
    assert_eq!(h.isee.value_on(IseeKind::Minorenni, d(2025, 6, 1)), None);
}

#[test]
fn defaults_are_the_common_case() {
    let h = Household::from_str_named("h.yaml", MINIMAL).unwrap();
    let m = &h.member_list[0];
    assert_eq!(m.disability, Disability::None);
    assert!(m.registered_in_anagrafe);
    assert!(!m.student);
    let json = serde_json::to_value(&h).unwrap();
    assert!(json["member_list"][0].get("disability").is_none(), "defaults are not written");
    assert!(json.get("isee").is_none());
}

#[test]
fn the_comune_must_exist_on_the_date() {
    // Roma by ISTAT code works like its Belfiore code.
    let h = Household::from_str_named("h.yaml", &MINIMAL.replace("H501", "\"058091\"")).unwrap();
    assert_eq!(h.facts(d(2026, 1, 1)).unwrap()["comune_on_date"]["belfiore"], "H501");
    // A well-formed code that names no comune.
    let h = Household::from_str_named("h.yaml", &MINIMAL.replace("H501", "\"999999\"")).unwrap();
    let e = h.facts(d(2026, 1, 1)).unwrap_err();
    assert_eq!(e.to_string(), "residence.comune: no comune has this code on 2026-01-01");
}
