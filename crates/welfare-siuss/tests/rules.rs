//! Rule-level checks on the typed model: the INPS table, the bands, hours and minutes, the
//! codice fiscale pattern, warnings, and the strict writer.

use rust_decimal_macros::dec;
use welfare_siuss::codes::{FasciaEta, FasciaIsee, PresaCarico};
use welfare_siuss::{
    examples, matches_xsd_cf_pattern, table, validate_ps, validate_xml, write_ps, Issue, Rule,
    Severity, SiussError,
};
use welfare_types::Money;

#[test]
fn the_inps_table_is_sorted_and_carries_the_published_flags() {
    assert!(table::TABLE.windows(2).all(|w| w[0].code < w[1].code));
    // PSA subset of the INPS ISEE consultation service: A1.01-A1.20, A2.01-A2.12, A3.01-A3.03, Z9.99.
    assert_eq!(table::TABLE.iter().filter(|r| r.psa).count(), 36);
    let a104 = table::lookup("A1.04").unwrap();
    assert_eq!(a104.label, Some("Contributi economici a integrazione del reddito familiare"));
    assert!(a104.psa && a104.sina_linkable && !a104.only_if_presa_in_carico);
    // SINA only on A1.04, A1.10-A1.16, A1.23, A2.07, A2.08, A2.14, A2.20, A2.21, A3.02.
    let linkable: Vec<&str> =
        table::TABLE.iter().filter(|r| r.sina_linkable).map(|r| r.code).collect();
    assert_eq!(
        linkable,
        [
            "A1.04", "A1.10", "A1.11", "A1.12", "A1.13", "A1.14", "A1.15", "A1.16", "A1.23",
            "A2.07", "A2.08", "A2.14", "A2.20", "A2.21", "A3.02"
        ]
    );
    // A2.16-A2.29 only when taken in charge.
    let pic: Vec<&str> =
        table::TABLE.iter().filter(|r| r.only_if_presa_in_carico).map(|r| r.code).collect();
    assert_eq!(pic.len(), 14);
    assert_eq!(pic.first(), Some(&"A2.16"));
    assert_eq!(pic.last(), Some(&"A2.29"));
    assert!(table::lookup("A9.99").is_none());
    assert_eq!(table::lookup("A3.02").unwrap().macro_area(), "strutture");
}

#[test]
fn sinba_bands_follow_the_xsd_labels() {
    // FasciaEtaBeneficiarioType: 1 "0-3 anni" ... 6 "15-18 anni".
    assert_eq!(FasciaEta::for_age(0), Some(FasciaEta::From0To3));
    assert_eq!(FasciaEta::for_age(2), Some(FasciaEta::From0To3));
    assert_eq!(FasciaEta::for_age(3), Some(FasciaEta::From3To6));
    assert_eq!(FasciaEta::for_age(17), Some(FasciaEta::From15To18));
    assert_eq!(FasciaEta::for_age(18), None);
    // FasciaISEEBeneficiarioType: 1 "ISEE=0", 2 "0.01-3000", 3 "3000.01-6000", ..., 8 "> 20000".
    let band = |d| FasciaIsee::for_isee(Money::from_decimal(d)).map(|b| b.code());
    assert_eq!(band(dec!(0)), Some("1"));
    assert_eq!(band(dec!(0.01)), Some("2"));
    assert_eq!(band(dec!(3000.00)), Some("2"));
    assert_eq!(band(dec!(3000.01)), Some("3"));
    assert_eq!(band(dec!(15000.01)), Some("7"));
    assert_eq!(band(dec!(20000)), Some("7"));
    assert_eq!(band(dec!(20000.01)), Some("8"));
    assert_eq!(band(dec!(-1)), None);
}

fn with_hours(value: &str) -> Vec<Issue> {
    let xml = write_ps(&examples::ps_flow())
        .unwrap()
        .replace("OreServizioMensile=\"2.59\"", &format!("OreServizioMensile=\"{value}\""));
    validate_xml(xml.as_bytes()).unwrap().issues
}

#[test]
fn hours_are_hours_and_minutes() {
    // Specification, Tabella 9: OreServizioMensile "HH,MM (HH ore e MM minuti)".
    assert!(with_hours("2.59").is_empty());
    assert!(with_hours("2").is_empty()); // the 2016 integer form
    assert!(with_hours("120.00").is_empty());
    let read = welfare_siuss::read_ps(
        write_ps(&examples::ps_flow()).unwrap().replace("\"2.59\"", "\"2.5\"").as_bytes(),
    )
    .unwrap();
    let ore = read.flow.beneficiari[0].prestazioni[0].ore_servizio_mensile.unwrap();
    assert_eq!((ore.ore, ore.minuti, ore.total_minutes()), (2, 50, 170)); // 2.5 = 2.50 = 2 h 50 min
    for bad in ["2.60", "2.75", "2.591", "-1.00"] {
        let issues = with_hours(bad);
        assert_eq!(issues.len(), 1, "{bad}: {issues:?}");
        assert_eq!(issues[0].rule, Rule::HoursMinutes);
    }
}

#[test]
fn the_cf_pattern_is_the_xsd_one_and_omocodia_is_explained() {
    // Appendix A of the data standards: omocode levels of RSSMRA85T10A562S.
    assert!(matches_xsd_cf_pattern("RSSMRA85T10A562S"));
    assert!(matches_xsd_cf_pattern("RSSMRA85T10A56NH")); // level 1
    assert!(matches_xsd_cf_pattern("RSSMRA85T10A5SNT")); // level 2
    assert!(matches_xsd_cf_pattern("RSSMRA85T10ARSNO")); // level 3: positions 13-15
    assert!(!matches_xsd_cf_pattern("RSSMRA85T1LARSNR")); // level 4: day of birth
    assert!(!matches_xsd_cf_pattern("RSSMRAURTMLARSNL")); // level 7
    assert!(matches_xsd_cf_pattern("rssmra85t10a562s")); // the XSD accepts lower case
    assert!(matches_xsd_cf_pattern("01234567890"));
    assert!(matches_xsd_cf_pattern("01234567890     "));
    assert!(!matches_xsd_cf_pattern("01234567890      "));
    assert!(!matches_xsd_cf_pattern("0123456789"));

    let mut flow = examples::ps_flow();
    flow.beneficiari[0].codice_fiscale = "RSSMRAURTMLARSNL".into();
    let issues = validate_ps(&flow);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].rule, Rule::CodiceFiscale);
    assert!(issues[0].message.contains("positions 7-8 or 10-11"), "{}", issues[0].message);
    assert!(!issues[0].to_string().contains("RSSMRA"), "errors never echo the codice fiscale");
}

#[test]
fn unknown_codes_and_odd_names_are_warnings_only() {
    let mut flow = examples::ps_flow();
    flow.identificazione.nome = "H501.PS.INPS.20160423.115235".into();
    flow.beneficiari[0].prestazioni[0].sina.as_mut().unwrap().necessita_interventi_sociali =
        vec!["B7.77".into()];
    let issues = validate_ps(&flow);
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    assert_eq!(issues[0].rule, Rule::FlowName);
    assert_eq!(issues[1].rule, Rule::UnknownCode);
    assert_eq!(
        issues[1].to_string(),
        "Flusso/Beneficiario[1]/PrestazioniSociali[1]/SINA/NecessitaInterventiSociali/CodicePrestazione[1]: \
         warning: spec:codice-prestazione-unknown: code not in the INPS table known to this crate"
    );
    // A flow with warnings only is written.
    assert!(write_ps(&flow).is_ok());
}

#[test]
fn the_writer_refuses_a_flow_that_breaks_a_rule() {
    let mut flow = examples::ps_flow();
    let p = &mut flow.beneficiari[0].prestazioni[0];
    p.presa_carico = PresaCarico::Yes;
    p.area_utenza = None;
    p.quota_ssn = Some(Money::from_cents(1));
    match write_ps(&flow) {
        Err(SiussError::Invalid { issues }) => {
            let rules: Vec<&str> = issues.iter().map(|i| i.rule.id()).collect();
            assert_eq!(rules, ["spec:shares-sum", "spec:area-utenza-required"]);
            assert_eq!(
                issues[0].to_string(),
                "Flusso/Beneficiario[1]/PrestazioniSociali[1]/@ImportoQuotaEnte: spec:shares-sum: \
                 ImportoQuotaEnte + ImportoQuotaUtente + ImportoQuotaSSN is not ImportoMensile"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn every_rule_has_a_stable_identifier() {
    for rule in Rule::ALL {
        assert_eq!(Rule::from_id(rule.id()), Some(*rule));
        assert!(
            rule.id().starts_with("xsd:")
                || rule.id().starts_with("spec:")
                || rule.id().starts_with("waas:")
        );
    }
}

#[test]
fn territory_is_checked_against_the_tables_as_warnings() {
    // The official example as published: region 01 (Piemonte) with comune 068001 (Abruzzo).
    let mut flow = examples::ps_flow();
    flow.beneficiari[0].indirizzi[0].codice_regione = Some("01".into());
    flow.beneficiari[0].anagrafica.luogo_nascita = "Z999".into();
    let issues = validate_ps(&flow);
    let lines: Vec<String> = issues.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "Flusso/Beneficiario[1]/Anagrafica/@LuogoNascita: warning: spec:territory: not the Belfiore code of a comune nor the Z code of a foreign state",
            "Flusso/Beneficiario[1]/Indirizzo[1]/@CodiceRegione: warning: spec:territory: the comune is in region 13, not in region 01",
        ]
    );
    // An ISTAT code that no comune had on the benefit's date.
    flow.beneficiari[0].indirizzi[0].codice_regione = Some("13".into());
    flow.beneficiari[0].indirizzi[0].codice_comune = Some("068999".into());
    flow.beneficiari[0].anagrafica.luogo_nascita = "A351".into();
    let issues = validate_ps(&flow);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].rule, Rule::Territory);
    assert_eq!(issues[0].path, "Flusso/Beneficiario[1]/Indirizzo[1]/@CodiceComune");
}

#[test]
fn dates_are_xs_date_with_an_optional_time_zone() {
    let xml = write_ps(&examples::ps_flow()).unwrap();
    for (value, ok) in [
        ("2020-10-14", true),
        ("2020-10-14Z", true),
        ("2020-10-14+01:00", true),
        (" 2020-10-14 ", true),
        ("2020-1-14", false),
        ("14/10/2020", false),
        ("2020-02-30", false),
        ("2020-10-14T00:00:00", false),
    ] {
        let doc = xml.replace(
            "DataInizioPrestazione=\"2020-10-14\"",
            &format!("DataInizioPrestazione=\"{value}\""),
        );
        let issues = validate_xml(doc.as_bytes()).unwrap().issues;
        assert_eq!(issues.is_empty(), ok, "{value}: {issues:?}");
        if !ok {
            assert_eq!(issues[0].rule, Rule::Date);
        }
    }
}

#[test]
fn sinba_records_are_checked_too() {
    use welfare_siuss::{validate_sinba_flow, FlowKind, FlowWriter, MeseAnno};
    let mut flow = examples::sinba_flow();
    let s = &mut flow.schede[0];
    s.prestazioni.clear();
    s.famiglia.clear();
    s.id_beneficiario = "ID-BENEFICIARIO-TROPPO-LUNGO".into(); // 28 characters (max 20)
    s.data_prima_segnalazione = MeseAnno { mese: 13, anno: 2010 };
    s.numero_componenti_isee = Some(10);
    let rules: Vec<(String, &str)> =
        validate_sinba_flow(&flow).iter().map(|i| (i.path.clone(), i.rule.id())).collect();
    let at = |a: &str| format!("Flusso/SINBA[1]/{a}");
    assert_eq!(
        rules,
        [
            (at("@IDBeneficiario"), "xsd:length"),
            (at("@DataPrimaSegnalazione"), "xsd:pattern"),
            (at("@NumeroComponentiISEE"), "xsd:int-range"),
            (at("Prestazioni/CodicePrestazione"), "xsd:occurs"),
            (at("Famiglia/ComposizioneFamiglia"), "xsd:occurs"),
        ]
    );
    // The streaming writer refuses the record and the wrong kind, and stays usable.
    let mut writer = FlowWriter::new(Vec::new(), FlowKind::Sinba, &flow.identificazione).unwrap();
    assert!(writer.sinba(&flow.schede[0]).is_err());
    assert!(writer.beneficiario(&examples::ps_beneficiario()).is_err());
    writer.sinba(&examples::sinba_record()).unwrap();
    let xml = String::from_utf8(writer.finish().unwrap()).unwrap();
    assert_eq!(xml, welfare_siuss::write_sinba(&examples::sinba_flow()).unwrap());
}
