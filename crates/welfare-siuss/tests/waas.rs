//! The WaaS envelope of `api-comuni.yaml` v2.0.1: entries, timestamps, outcomes, splitting.

use base64::Engine;
use chrono::NaiveDate;
use welfare_siuss::waas::{
    split_ps, split_sinba, split_xml, CodiceEsito, ElencoEsiti, ElencoFlussi, SplitOptions,
};
use welfare_siuss::{
    examples, write_ps, AnyFlow, FlowKind, FlussoWaas, NomeFlusso, Rule, SiussError, TsFlusso,
};

use crate::common::assert_xsd_valid;

const TS: i64 = 1_701_083_096_852; // 2023-11-27T11:04:56.852Z, the OpenAPI example

fn options() -> SplitOptions {
    SplitOptions {
        date: NaiveDate::from_ymd_opt(2021, 5, 20).unwrap(),
        first_progressive: 1,
        first_ts: TsFlusso::from_millis(TS),
    }
}

#[test]
fn ts_flusso_is_the_openapi_date_time_with_milliseconds() {
    let ts = TsFlusso::parse("2023-11-27T11:04:56.852Z").unwrap();
    assert_eq!(ts.as_millis(), TS);
    assert_eq!(ts.to_string(), "2023-11-27T11:04:56.852Z");
    assert_eq!(TsFlusso::parse("1701083096852"), Some(ts));
    assert_eq!(serde_json::from_str::<TsFlusso>("1701083096852").unwrap(), ts);
    assert_eq!(serde_json::to_string(&ts).unwrap(), "\"2023-11-27T11:04:56.852Z\"");
}

#[test]
fn an_entry_wraps_one_beneficiary_and_one_benefit() {
    let flow = examples::ps_flow();
    let entry = FlussoWaas::from_ps(&flow, TsFlusso::from_millis(TS)).unwrap();
    let json = serde_json::to_value(&entry).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["codice_ente", "denominazione_ente", "flusso", "id_flusso", "tipo", "ts_flusso"]
    );
    assert_eq!(json["tipo"], "PS_PSA_SINA");
    assert_eq!(json["id_flusso"], "H501.PS.20210520.0000002");
    let xml = base64::engine::general_purpose::STANDARD.decode(entry.flusso.as_bytes()).unwrap();
    assert_eq!(String::from_utf8(xml).unwrap(), write_ps(&flow).unwrap());
    let AnyFlow::Ps(back) = entry.read().unwrap().flow else { panic!() };
    assert_eq!(back, flow);
    // additionalProperties: false.
    let mut extra = json.clone();
    extra["other"] = "x".into();
    assert!(serde_json::from_value::<FlussoWaas>(extra).is_err());
    // The bulk example has three benefits: not a WaaS flow.
    match FlussoWaas::from_ps(&examples::ps_bulk_flow(), TsFlusso::from_millis(TS)) {
        Err(SiussError::Invalid { issues }) => assert_eq!(issues[0].rule, Rule::WaasOnePerFlow),
        other => panic!("{other:?}"),
    }
}

#[test]
fn splitting_makes_one_flow_per_benefit_with_increasing_names_and_timestamps() {
    let entries = split_ps(&examples::ps_bulk_flow(), &options()).unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e.id_flusso.as_str()).collect();
    assert_eq!(
        ids,
        ["H501.PS.20210520.0000001", "H501.PS.20210520.0000002", "H501.PS.20210520.0000003"]
    );
    let ts: Vec<i64> = entries.iter().map(|e| e.ts_flusso.as_millis()).collect();
    assert_eq!(ts, [TS, TS + 1, TS + 2]);
    for e in &entries {
        let xml = String::from_utf8(e.decode().unwrap()).unwrap();
        assert_xsd_valid(&xml, FlowKind::Ps);
        let AnyFlow::Ps(flow) = e.read().unwrap().flow else { panic!() };
        assert_eq!(flow.beneficiari.len(), 1);
        assert_eq!(flow.beneficiari[0].prestazioni.len(), 1);
    }
    // SINBA: the example's two codes become two flows.
    let sinba = split_sinba(&examples::sinba_flow(), &options()).unwrap();
    assert_eq!(sinba.len(), 2);
    assert_eq!(sinba[1].id_flusso, "H501.SINBA.20210520.0000002");
    for e in &sinba {
        assert_xsd_valid(&String::from_utf8(e.decode().unwrap()).unwrap(), FlowKind::Sinba);
    }
}

#[test]
fn split_xml_streams_and_skips_bad_records() {
    let mut flow = examples::ps_bulk_flow();
    let mut bad = flow.beneficiari[0].clone();
    bad.prestazioni[0].area_utenza = None; // taken in charge without area
    flow.beneficiari.insert(0, bad);
    // Write the bulk flow record by record (the strict writer would refuse the bad one).
    let good = write_ps(&examples::ps_bulk_flow()).unwrap();
    let start = good.find("  <Beneficiario").unwrap();
    let end = good.find("</Flusso>").unwrap();
    let record = &good[start..end];
    let bad_record = record.replacen(" AreaUtenza=\"2\"", "", 1);
    let xml = format!("{}{}{}</Flusso>\n", &good[..start], bad_record, record);
    let mut made = Vec::new();
    let mut issues = Vec::new();
    let summary = split_xml(
        xml.as_bytes(),
        &options(),
        |f| {
            made.push(f);
            Ok(())
        },
        |i| issues.push(i),
    )
    .unwrap();
    assert_eq!((summary.records, summary.skipped, summary.flows), (2, 1, 3));
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].path, "Flusso/Beneficiario[1]/PrestazioniSociali[1]/@AreaUtenza");
    assert_eq!(made[0].id_flusso, "H501.PS.20210520.0000001");
}

#[test]
fn get_flussi_pages_after_since() {
    let entries = split_ps(&examples::ps_bulk_flow(), &options()).unwrap();
    let page = ElencoFlussi::page(&entries, TsFlusso::from_millis(0), Some(2));
    assert_eq!(page.elenco_flussi.len(), 2);
    let since = page.elenco_flussi[1].ts_flusso;
    let next = ElencoFlussi::page(&entries, since, None);
    assert_eq!(next.elenco_flussi.len(), 1);
    assert_eq!(next.elenco_flussi[0].id_flusso, "H501.PS.20210520.0000003");
    assert!(ElencoFlussi::page(&entries, next.elenco_flussi[0].ts_flusso, Some(500))
        .elenco_flussi
        .is_empty());
}

#[test]
fn esiti_of_the_openapi_and_of_the_specification_are_read() {
    // api-comuni.yaml, POST /esiti example.
    let openapi = r#"{"elenco_esiti":[
      {"id_flusso":"H501.PS.20210520.0000002","ts_flusso":"2023-11-27T11:04:56.852Z","ts_acquisizione":"2023-11-27T11:04:56.852Z","tipo":"PS_PSA_SINA","codice_esito":"OK","id_acquisizione_siuss":"22738"},
      {"id_flusso":"H501.PS.20210520.00000004","ts_flusso":"2023-11-27T11:04:56.852Z","ts_acquisizione":"2023-11-27T11:04:56.852Z","tipo":"SINBA","codice_esito":"RICHIESTA_INVALIDA","descrizione_esito":"In cooperazione è possibile inviare solo un beneficiario e una prestazione sociale"}]}"#;
    let esiti: ElencoEsiti = serde_json::from_str(openapi).unwrap();
    assert_eq!(esiti.elenco_esiti[0].codice_esito, CodiceEsito::Ok);
    assert_eq!(esiti.elenco_esiti[0].id_acquisizione_siuss.as_deref(), Some("22738"));
    assert_eq!(esiti.elenco_esiti[1].codice_esito, CodiceEsito::RichiestaInvalida);
    // Specification v2.0.1 §3.4.2 example: extra fields and `codice_siuss`.
    let spec = r#"{"elenco_esiti":[{"codice_ente":"H501","denominazione_ente":"Comune di Roma","id_flusso":"H501.PS.20210520.0000002","ts_flusso":"2023-11-27T11:04:56.852Z","ts_acquisizione":"2023-11-27T11:04:56.852Z","tipo":"PS_PSA_SINA","codice_esito":"OK","codice_siuss":"22738"}]}"#;
    let esiti: ElencoEsiti = serde_json::from_str(spec).unwrap();
    assert_eq!(esiti.elenco_esiti[0].id_acquisizione_siuss.as_deref(), Some("22738"));
}

#[test]
fn flow_names_have_a_seven_digit_daily_progressive() {
    let name = NomeFlusso::parse("H501.PS.20210520.0000002").unwrap();
    assert_eq!((name.ente.as_str(), name.kind, name.progressive), ("H501", FlowKind::Ps, 2));
    assert_eq!(name.to_string(), "H501.PS.20210520.0000002");
    // The published examples that break the shape.
    assert!(NomeFlusso::parse("H501.PS.20210520.00000004").is_err());
    assert!(NomeFlusso::parse("H501.PS.INPS.20160423.115235").is_err());
    assert!(NomeFlusso::parse("H501.PSA.20210520.0000001").is_err());
    assert!(NomeFlusso::parse("H501.PS.20210231.0000001").is_err());
    assert!(NomeFlusso::new(
        "H501",
        FlowKind::Ps,
        NaiveDate::from_ymd_opt(2021, 5, 20).unwrap(),
        0
    )
    .is_err());
    assert!(NomeFlusso::new(
        "H501",
        FlowKind::Sinba,
        NaiveDate::from_ymd_opt(2021, 5, 20).unwrap(),
        10_000_000
    )
    .is_err());
}
