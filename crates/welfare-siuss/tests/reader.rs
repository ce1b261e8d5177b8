//! Writer and reader on the official examples (api-comuni.yaml, GET /flussi example, fixed as
//! described in `welfare_siuss::examples`).

use welfare_siuss::{
    examples, read, read_ps, read_sinba, validate_xml, write_ps, write_sinba, AnyFlow, FlowKind,
    SchemaVersion,
};

use crate::common::assert_xsd_valid;

#[test]
fn official_ps_example_round_trips_and_passes_xmllint() {
    for flow in [examples::ps_flow(), examples::ps_bulk_flow()] {
        let xml = write_ps(&flow).unwrap();
        assert_xsd_valid(&xml, FlowKind::Ps);
        let back = read_ps(xml.as_bytes()).unwrap();
        assert_eq!(back.flow, flow);
        assert_eq!(back.version.version, SchemaVersion::Ps201812);
        let report = validate_xml(xml.as_bytes()).unwrap();
        assert!(report.issues.is_empty(), "{:?}", report.issues);
        assert_eq!(report.records, 1);
    }
}

#[test]
fn official_sinba_example_round_trips_and_passes_xmllint() {
    let flow = examples::sinba_flow();
    let xml = write_sinba(&flow).unwrap();
    assert_xsd_valid(&xml, FlowKind::Sinba);
    let back = read_sinba(xml.as_bytes()).unwrap();
    assert_eq!(back.flow, flow);
    assert_eq!(back.version.version, SchemaVersion::Sinba);
    assert!(validate_xml(xml.as_bytes()).unwrap().is_valid());
}

#[test]
fn writer_is_deterministic_and_exact() {
    let xml = write_ps(&examples::ps_flow()).unwrap();
    assert_eq!(xml, write_ps(&examples::ps_flow()).unwrap());
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Flusso xmlns=\"http://inps.it/Casellario\">\n"));
    // XSD attribute order, '.' decimals with cents, ISO dates, hours as H.MM.
    assert!(xml.contains(
        "<PrestazioniSociali TipoOperazione=\"I\" PresenzaProvaMezzi=\"2\" CaratterePrestazione=\"1\" \
         CodicePrestazione=\"A1.16\" DenominazionePrestazione=\"Contributi economici per servizio trasporto e mobilità\" \
         ProtocolloDomanda=\"12356Mari\" DataEvento=\"2020-10-13\" DataInizioPrestazione=\"2020-10-14\" \
         DataFinePrestazione=\"2020-11-13\" PeriodoErogazione=\"1\" ImportoMensile=\"101.23\" ImportoQuotaEnte=\"52.54\" \
         ImportoQuotaUtente=\"21.71\" ImportoQuotaSSN=\"26.98\" ImportoQuotaRichiesta=\"151.64\" ImportoSogliaISEE=\"17000.00\" \
         OreServizioMensile=\"2.59\" PresaCarico=\"1\" AreaUtenza=\"2\">"
    ));
}

/// The XML decoded from the OpenAPI example as published: attributes in another order,
/// `ImportoQuotaSSN="0.0"`, region `01`, etc. The tolerant reader reads it; the validator
/// reports exactly the inconsistencies `welfare_siuss::examples` fixes.
#[test]
fn official_example_as_published_is_read_and_its_faults_are_reported() {
    let xml = std::fs::read_to_string(
        crate::common::fixtures().join("official/waas-ps-example-as-published.xml"),
    )
    .unwrap();
    let read = read(xml.as_bytes()).unwrap();
    let AnyFlow::Ps(flow) = read.flow else { panic!("not a PS flow") };
    assert_eq!(flow.beneficiari[0].prestazioni.len(), 3);
    let report = validate_xml(xml.as_bytes()).unwrap();
    let found: Vec<(String, &str)> =
        report.issues.iter().map(|i| (i.path.clone(), i.rule.id())).collect();
    let b = "Flusso/Beneficiario[1]";
    assert!(
        found
            .contains(&(format!("{b}/PrestazioniSociali[1]/@ImportoQuotaEnte"), "spec:shares-sum")),
        "{found:?}"
    );
    assert!(
        found
            .contains(&(format!("{b}/PrestazioniSociali[1]/@ImportoQuotaSSN"), "spec:amount-sign")),
        "{found:?}"
    );
    assert!(
        found.contains(&(format!("{b}/PrestazioniSociali[2]/SINA"), "spec:sina-not-allowed")),
        "{found:?}"
    );
    // xmllint accepts it: these are specification rules the XSD does not express.
    crate::common::assert_xsd_valid(&xml, FlowKind::Ps);
}

#[test]
fn reads_the_2016_shape_and_says_so() {
    // 2016 (PS_PSA2016_SINA.xsd): NecessitaInterventiSociali repeated with the code as text,
    // OreServizioMensile an integer, Indirizzo optional.
    let xml =
        std::fs::read_to_string(crate::common::fixtures().join("official/ps-2016-variant.xml"))
            .unwrap();
    let read = read_ps(xml.as_bytes()).unwrap();
    assert_eq!(read.version.version, SchemaVersion::Ps2016);
    let p = &read.flow.beneficiari[0].prestazioni[0];
    assert_eq!(
        p.sina.as_ref().unwrap().necessita_interventi_sociali,
        vec!["A1.01".to_owned(), "A1.02".to_owned()]
    );
    assert_eq!(p.ore_servizio_mensile.unwrap().ore, 2);
    // Written back, it is a December-2018 flow.
    let mut flow = read.flow;
    flow.beneficiari[0].indirizzi.push(welfare_siuss::Indirizzo {
        codice_regione: Some("12".into()),
        codice_comune: Some("058091".into()),
        codice_nazione: "380".into(),
    });
    let xml = write_ps(&flow).unwrap();
    crate::common::assert_xsd_valid(&xml, FlowKind::Ps);
    assert_eq!(read_ps(xml.as_bytes()).unwrap().version.version, SchemaVersion::Ps201812);
}

#[test]
fn reads_the_june_2018_shape_without_indirizzo() {
    let xml = write_ps(&examples::ps_flow()).unwrap();
    let start = xml.find("    <Indirizzo").unwrap();
    let end = start + xml[start..].find("/>\n").unwrap() + 3;
    let legacy = format!("{}{}", &xml[..start], &xml[end..]);
    let read = read_ps(legacy.as_bytes()).unwrap();
    assert_eq!(read.version.version, SchemaVersion::Ps201806);
    assert!(read.flow.beneficiari[0].indirizzi.is_empty());
    let report = validate_xml(legacy.as_bytes()).unwrap();
    assert_eq!(report.issues.len(), 1);
    assert_eq!(report.issues[0].rule.id(), "xsd:occurs");
}

#[test]
fn refuses_what_is_not_a_siuss_flow() {
    assert!(read(&b"<Flusso/>"[..]).is_err());
    assert!(read(&b"<Other xmlns=\"http://inps.it/Casellario\"></Other>"[..]).is_err());
    assert!(read(&b"<Flusso xmlns=\"urn:x\"><IdentificazioneFlusso/></Flusso>"[..]).is_err());
    assert!(validate_xml(&b"<Flusso xmlns=\"http://inps.it/Casellario\"><Identific"[..]).is_err());
}

#[test]
fn reads_a_prefixed_document_and_one_with_a_byte_order_mark() {
    let xml = write_ps(&examples::ps_flow()).unwrap();
    // Every element qualified with a prefix bound to the namespace: the same document for the XSD.
    let mut prefixed = xml
        .replace(
            "<Flusso xmlns=\"http://inps.it/Casellario\">",
            "<c:Flusso xmlns:c=\"http://inps.it/Casellario\">",
        )
        .replace("</", "</c:");
    for name in [
        "IdentificazioneFlusso",
        "Ente",
        "Beneficiario",
        "Anagrafica",
        "Indirizzo",
        "PrestazioniSociali",
        "SINA",
        "NecessitaInterventiSociali",
        "CodicePrestazione",
        "InvaliditaCivile",
        "InvCiv",
    ] {
        prefixed = prefixed.replace(&format!("<{name}"), &format!("<c:{name}"));
    }
    assert!(prefixed.contains("<c:InvCiv>1</c:InvCiv>"));
    assert_xsd_valid(&prefixed, FlowKind::Ps);
    assert_eq!(read_ps(prefixed.as_bytes()).unwrap().flow, examples::ps_flow());
    assert!(validate_xml(prefixed.as_bytes()).unwrap().issues.is_empty());
    // A prefix bound to another namespace is refused.
    let wrong = prefixed.replace("xmlns:c=\"http://inps.it/Casellario\"", "xmlns:c=\"urn:other\"");
    assert!(read_ps(wrong.as_bytes()).is_err());
    // A UTF-8 byte order mark.
    let bom = format!("\u{feff}{xml}");
    assert_eq!(read_ps(bom.as_bytes()).unwrap().flow, examples::ps_flow());
}

/// A reader that gives `good` and then fails, as a failing disk does.
struct FailingAfter<'a> {
    good: &'a [u8],
}

impl std::io::Read for FailingAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.good.is_empty() {
            return Err(std::io::Error::other("device error"));
        }
        let n = buf.len().min(self.good.len());
        buf[..n].copy_from_slice(&self.good[..n]);
        self.good = &self.good[n..];
        Ok(n)
    }
}

/// An input that cannot be read is the input's error (`SiussError::Io`), not an issue of a
/// document that is not well-formed, whether it fails in the header or among the records.
#[test]
fn an_input_that_cannot_be_read_is_an_io_error_not_a_malformed_document() {
    let xml = write_ps(&examples::ps_bulk_flow()).unwrap();
    for cut in [40, xml.len() / 2, xml.len() - 10] {
        let input =
            std::io::BufReader::with_capacity(64, FailingAfter { good: &xml.as_bytes()[..cut] });
        match welfare_siuss::validate_xml_with(input, |_| {}) {
            Err(welfare_siuss::SiussError::Io(e)) => assert_eq!(e.to_string(), "device error"),
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
}
