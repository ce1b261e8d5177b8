//! The YAML/JSON input description and the territorial conversions it relies on.

use chrono::NaiveDate;
use welfare_siuss::convert::{iso_numeric, luogo_nascita, regione_of_istat, residenza};
use welfare_siuss::input::ExportInput;
use welfare_siuss::{validate_xml, write_ps, write_sinba, FlowKind, FlussoPs, FlussoSinba};

use crate::common::{assert_xsd_valid, fixtures};

fn load(name: &str) -> ExportInput {
    let text = std::fs::read_to_string(fixtures().join("input").join(name)).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

#[test]
fn codings_are_converted_from_the_territory_tables() {
    let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    // Birthplace: Belfiore / Z code.
    assert_eq!(luogo_nascita("Roma (RM)", d).unwrap(), "H501");
    assert_eq!(luogo_nascita("Albania", d).unwrap(), "Z100");
    // Residence: ISTAT comune code and ISTAT region (Roma 058091, Lazio 12; Pescara 068028, Abruzzo 13).
    let roma = residenza("H501", d).unwrap();
    assert_eq!((roma.regione.as_str(), roma.comune.as_str()), ("12", "058091"));
    assert_eq!(residenza("058091", d).unwrap(), roma);
    assert_eq!(regione_of_istat("068001"), Some("13"));
    assert_eq!(regione_of_istat("015146"), Some("03")); // Milano
    assert_eq!(regione_of_istat("108001"), Some("03")); // Monza e Brianza
    assert_eq!(regione_of_istat("111001"), Some("20")); // Sud Sardegna
                                                        // Citizenship: ISO 3166-1 numeric, not the ISTAT country code (Italy 380, not 100).
    assert_eq!(iso_numeric("IT").unwrap(), "380");
    assert_eq!(iso_numeric("Z100").unwrap(), "008");
    assert_eq!(iso_numeric("AL").unwrap(), "008");
    assert_eq!(iso_numeric("380").unwrap(), "380");
    assert_eq!(iso_numeric("990").unwrap(), "990");
    assert!(iso_numeric("XX").is_err());
}

#[test]
fn ps_input_becomes_a_valid_flow() {
    let input = load("ps.yaml");
    let header = input.identificazione(FlowKind::Ps).unwrap();
    assert_eq!(header.nome, "H501.PS.20261123.0000012");
    let beneficiari: Vec<_> = input.beneficiari().into_iter().map(Result::unwrap).collect();
    let rossi = &beneficiari[0];
    assert_eq!(rossi.anagrafica.anno_nascita, 1985);
    assert_eq!(rossi.anagrafica.luogo_nascita, "A562");
    assert_eq!(rossi.anagrafica.codice_cittadinanza, "380");
    assert_eq!(rossi.indirizzi[0].codice_comune.as_deref(), Some("058091"));
    assert_eq!(rossi.indirizzi[0].codice_regione.as_deref(), Some("12"));
    // The label defaults to the INPS table's.
    assert_eq!(
        rossi.prestazioni[0].denominazione_prestazione,
        "Contributi economici a integrazione del reddito familiare"
    );
    let berisha = &beneficiari[1];
    assert_eq!(berisha.anagrafica.luogo_nascita, "Z100");
    assert_eq!(berisha.anagrafica.codice_cittadinanza, "008");
    assert_eq!(berisha.anagrafica.codice_seconda_cittadinanza.as_deref(), Some("380"));
    let flow = FlussoPs { identificazione: header, beneficiari };
    let xml = write_ps(&flow).unwrap();
    assert!(validate_xml(xml.as_bytes()).unwrap().issues.is_empty());
    assert_xsd_valid(&xml, FlowKind::Ps);
}

#[test]
fn sinba_input_bands_age_and_isee() {
    let input = load("sinba.yaml");
    let minori: Vec<_> = input.minori().into_iter().map(Result::unwrap).collect();
    let m = &minori[0];
    assert_eq!(m.id_beneficiario, "H501-000042");
    assert_eq!(m.anno_nascita, 2015);
    // Born 2015-03-02, 11 years old on 2026-11-23: band 4 (9-12). ISEE 4500: band 3 (3000.01-6000).
    assert_eq!(m.fascia_eta.code(), "4");
    assert_eq!(m.fascia_isee.map(|f| f.code()), Some("3"));
    assert_eq!(m.regione_residenza.as_deref(), Some("12"));
    assert_eq!(m.cittadinanza_madre.as_deref(), Some("008"));
    assert_eq!(m.regione_residenza_madre.as_deref(), Some("12"));
    let flow = FlussoSinba {
        identificazione: input.identificazione(FlowKind::Sinba).unwrap(),
        schede: minori,
    };
    let xml = write_sinba(&flow).unwrap();
    assert!(validate_xml(xml.as_bytes()).unwrap().issues.is_empty());
    assert_xsd_valid(&xml, FlowKind::Sinba);
}

#[test]
fn a_bad_record_is_reported_with_its_input_path_and_the_rest_converted() {
    let mut input = load("ps.yaml");
    input.beneficiari[0].residenze[0].comune = Some("Atlantide".into());
    input.minori.clear();
    let results = input.beneficiari();
    let err = results[0].as_ref().unwrap_err().to_string();
    assert_eq!(err, "invalid input at beneficiari[0].residenze[0].comune: no comune or foreign state has this code or name");
    assert!(results[1].is_ok());
    let mut sinba = load("sinba.yaml");
    sinba.minori[0].dati.insert("LuogoVita".into(), "9".into());
    let err = sinba.minori()[0].as_ref().unwrap_err().to_string();
    assert_eq!(
        err,
        "invalid input at minori[0].dati.LuogoVita: xsd:enumeration: not a value of LuogoVitaType"
    );
}

#[test]
fn a_case_file_delivery_record_is_a_benefit_entry_as_it_is() {
    // The shape welfare-casefile serializes a delivery to (XSD names, numeric codes, hours as
    // an "H.MM" string): it reads into the typed model unchanged.
    let mut input = load("ps.yaml");
    let record = serde_json::json!({
        "TipoOperazione": "I",
        "PresenzaProvaMezzi": 4,
        "CaratterePrestazione": 1,
        "CodicePrestazione": "A2.07",
        "DenominazionePrestazione": "Assistenza domiciliare socio-assistenziale",
        "ProtocolloDomanda": "2026/0003",
        "DataInizioPrestazione": "2026-03-01",
        "PeriodoErogazione": 10,
        "ImportoMensile": "320.00",
        "ImportoQuotaEnte": "300.00",
        "ImportoQuotaUtente": "20.00",
        "OreServizioMensile": "12.30",
        "PresaCarico": 1,
        "AreaUtenza": 2
    });
    input.beneficiari[1].prestazioni = vec![serde_json::from_value(record).unwrap()];
    let b = input.beneficiari().remove(1).unwrap();
    let ore = b.prestazioni[0].ore_servizio_mensile.unwrap();
    assert_eq!((ore.ore, ore.minuti), (12, 30));
    let flow = FlussoPs {
        identificazione: input.identificazione(FlowKind::Ps).unwrap(),
        beneficiari: vec![b],
    };
    let xml = write_ps(&flow).unwrap();
    assert!(xml.contains("OreServizioMensile=\"12.30\""));
    assert_xsd_valid(&xml, FlowKind::Ps);
    // YAML numbers work too.
    let ore: welfare_siuss::OreMinuti = serde_yaml::from_str("2.59").unwrap();
    assert_eq!((ore.ore, ore.minuti), (2, 59));
    assert!(serde_yaml::from_str::<welfare_siuss::OreMinuti>("2.75").is_err());
}

/// A value of the wrong type is reported by its field, without the value (a protocol number,
/// an amount: the household's).
#[test]
fn a_value_of_the_wrong_type_is_not_shown() {
    let text = std::fs::read_to_string(fixtures().join("input").join("ps.yaml")).unwrap();
    let text = text.replacen("ProtocolloDomanda: \"2026/0001\"", "ProtocolloDomanda: 20269917", 1);
    let input: ExportInput = serde_yaml::from_str(&text).unwrap();
    let error = input.beneficiari().into_iter().find_map(Result::err).unwrap().to_string();
    assert!(error.contains("(value not shown)"), "{error}");
    assert!(!error.contains("20269917"), "{error}");
}
