//! The fixture corpus `fixtures/siuss/`: every valid file passes our validator and xmllint;
//! every invalid file breaks exactly the rules listed in its sibling `.expected` file
//! (`path rule` per line), xmllint refuses it when the rule is an XSD rule (`xsd:`), and
//! accepts it when the rule exists only in the specification (`spec:`, `waas:`).
//!
//! `SIUSS_BLESS=1 cargo test -p welfare-siuss` rewrites the generated valid fixtures.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use chrono::NaiveDate;
use welfare_siuss::codes::{CaratterePrestazione, PresaCarico, PresenzaProvaMezzi, TipoOperazione};
use welfare_siuss::{
    examples, validate_xml, write_ps, write_sinba, FlowKind, FlussoPs, Indirizzo, Severity,
};
use welfare_types::Money;

use crate::common::{fixtures, xmllint};

fn files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(fixtures().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    out.sort();
    out
}

fn kind_of(xml: &str) -> FlowKind {
    if xml.contains("<SINBA ") {
        FlowKind::Sinba
    } else {
        FlowKind::Ps
    }
}

/// A beneficiary living abroad, with an omocodic codice fiscale whose letters are in positions
/// 13-15 only (accepted by the XSD), a one-off benefit with its DSU, cancelled.
pub(crate) fn abroad_one_off() -> FlussoPs {
    let mut flow = examples::ps_flow();
    flow.identificazione.nome = "H501.PS.20210520.0000003".into();
    let b = &mut flow.beneficiari[0];
    // RSSMRA85T10A562S with omocodia level 3 (positions 13-15: 5, 6, 2 -> R, S, N).
    b.codice_fiscale = "RSSMRA85T10ARSNO".into();
    b.anagrafica.genere = welfare_siuss::codes::Genere::Male;
    b.anagrafica.codice_seconda_cittadinanza = Some("250".into());
    b.indirizzi =
        vec![Indirizzo { codice_regione: None, codice_comune: None, codice_nazione: "250".into() }];
    let p = &mut b.prestazioni[0];
    *p = welfare_siuss::PrestazioneSociale {
        tipo_operazione: Some(TipoOperazione::Cancel),
        presenza_prova_mezzi: PresenzaProvaMezzi::Isee,
        carattere: Some(CaratterePrestazione::OneOff),
        numero_protocollo_dsu: Some("INPS-ISEE-2020-12345678A-00".into()),
        anno_protocollo_dsu: Some(2020),
        data_dsu: NaiveDate::from_ymd_opt(2020, 2, 3),
        codice_prestazione: "A1.04".into(),
        denominazione_prestazione: "Contributi economici a integrazione del reddito familiare"
            .into(),
        protocollo_domanda: "2020/77".into(),
        data_evento: None,
        data_inizio: None,
        data_fine: None,
        data_erogazione: NaiveDate::from_ymd_opt(2020, 3, 1),
        importo_prestazione: Some(Money::from_cents(30000)),
        periodo_erogazione: None,
        importo_mensile: None,
        quota_ente: Some(Money::from_cents(30000)),
        quota_utente: Some(Money::ZERO),
        quota_ssn: None,
        quota_richiesta: None,
        soglia_isee: Some(Money::from_euros(9360)),
        ore_servizio_mensile: None,
        presa_carico: PresaCarico::No,
        area_utenza: None,
        sina: None,
    };
    flow
}

#[test]
fn bless_or_check_generated_valid_fixtures() {
    let generated = [
        ("ps-waas-example.xml", write_ps(&examples::ps_flow()).unwrap()),
        ("ps-bulk-example.xml", write_ps(&examples::ps_bulk_flow()).unwrap()),
        ("ps-abroad-one-off.xml", write_ps(&abroad_one_off()).unwrap()),
        ("sinba-example.xml", write_sinba(&examples::sinba_flow()).unwrap()),
    ];
    for (name, xml) in generated {
        let path = fixtures().join("valid").join(name);
        if std::env::var_os("SIUSS_BLESS").is_some() {
            fs::write(&path, &xml).unwrap();
        }
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            xml,
            "{name} drifted: SIUSS_BLESS=1 to regenerate"
        );
    }
}

#[test]
fn every_valid_fixture_passes_the_validator_and_xmllint() {
    let files = files("valid");
    assert!(files.len() >= 4);
    for path in files {
        let xml = fs::read_to_string(&path).unwrap();
        let report = validate_xml(xml.as_bytes()).unwrap();
        assert!(report.issues.is_empty(), "{}: {:?}", path.display(), report.issues);
        if let Some(result) = xmllint(&xml, kind_of(&xml)) {
            result.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

#[test]
fn every_invalid_fixture_breaks_exactly_its_rule() {
    let files = files("invalid");
    assert!(files.len() >= 25, "one fixture per rule");
    let mut rules_covered = BTreeSet::new();
    for path in files {
        let xml = fs::read_to_string(&path).unwrap();
        let expected_text = fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{} has no .expected", path.display()));
        let expected: BTreeSet<(String, String)> = expected_text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let (p, r) = l.split_once(' ').unwrap();
                (p.to_owned(), r.trim().to_owned())
            })
            .collect();
        let found: BTreeSet<(String, String)> = match validate_xml(xml.as_bytes()) {
            Ok(report) => report
                .issues
                .iter()
                .filter(|i| i.severity == Severity::Error)
                .map(|i| (i.path.clone(), i.rule.id().to_owned()))
                .collect(),
            Err(e) => e.issues().iter().map(|i| (i.path.clone(), i.rule.id().to_owned())).collect(),
        };
        assert_eq!(found, expected, "{}", path.display());
        for (_, rule) in &expected {
            rules_covered.insert(rule.clone());
        }
        let xsd_rule = expected.iter().any(|(_, r)| r.starts_with("xsd:"));
        if let Some(result) = xmllint(&xml, kind_of(&xml)) {
            assert_eq!(
                result.is_err(),
                xsd_rule,
                "{}: xmllint disagrees: {result:?}",
                path.display()
            );
        }
    }
    // Every rule of the validator has its fixture, except the WaaS one (tested in waas.rs).
    for rule in welfare_siuss::Rule::ALL {
        if rule.id() == "waas:one-per-flow"
            || rule.id() == "spec:codice-prestazione-unknown"
            || rule.id() == "spec:flow-name"
            || rule.id() == "spec:territory"
        {
            continue; // a WaaS-only rule and three warnings: tested in rules.rs and waas.rs
        }
        assert!(rules_covered.contains(rule.id()), "no invalid fixture for {}", rule.id());
    }
}
