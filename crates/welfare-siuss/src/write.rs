//! The strict, deterministic writer.
//!
//! Output is byte-stable: UTF-8 with an XML declaration, namespace `http://inps.it/Casellario`
//! on the root, attributes in the order the XSD declares them, two-space indentation, `\n`
//! line ends, decimals with `.` (at least two decimals for amounts), dates `AAAA-MM-GG`,
//! hours `H.MM`. A flow that breaks any rule (error severity) is refused with every issue.

use std::fmt::Write as _;
use std::io::Write;

use chrono::Datelike;

use quick_xml::escape::escape;

use crate::codes::XsdCode;
use crate::error::SiussError;
use crate::issue::Issue;
use crate::model::{Beneficiario, FlussoPs, FlussoSinba, IdentificazioneFlusso, Sinba, NAMESPACE};
use crate::read::FlowKind;
use crate::validate::{
    validate_beneficiario, validate_header, validate_ps, validate_sinba, validate_sinba_flow,
};

fn refuse(issues: Vec<Issue>) -> Result<(), SiussError> {
    let errors: Vec<Issue> = issues.into_iter().filter(Issue::is_error).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(SiussError::Invalid { issues: errors })
    }
}

/// Writes a PS-PSA-SINA flow, refusing it if the validator finds an error.
///
/// ```
/// let flow = welfare_siuss::examples::ps_flow();
/// let xml = welfare_siuss::write_ps(&flow)?;
/// assert!(xml.contains(r#"<Flusso xmlns="http://inps.it/Casellario">"#));
/// assert!(xml.contains(r#"ImportoMensile="101.23""#));
/// # Ok::<(), welfare_siuss::SiussError>(())
/// ```
pub fn write_ps(flow: &FlussoPs) -> Result<String, SiussError> {
    refuse(validate_ps(flow))?;
    let mut out = String::with_capacity(1024 + 1024 * flow.beneficiari.len());
    open(&mut out, &flow.identificazione);
    for b in &flow.beneficiari {
        beneficiario(&mut out, b);
    }
    close(&mut out);
    Ok(out)
}

/// Writes a SINBA flow, refusing it if the validator finds an error.
pub fn write_sinba(flow: &FlussoSinba) -> Result<String, SiussError> {
    refuse(validate_sinba_flow(flow))?;
    let mut out = String::with_capacity(1024 + 1024 * flow.schede.len());
    open(&mut out, &flow.identificazione);
    for s in &flow.schede {
        sinba(&mut out, s);
    }
    close(&mut out);
    Ok(out)
}

/// Streaming writer of a bulk flow: the header first, then one record at a time, each checked
/// before it is written, so a flow of any size is produced in constant memory.
#[derive(Debug)]
pub struct FlowWriter<W: Write> {
    out: W,
    kind: FlowKind,
    buf: String,
    records: usize,
}

impl<W: Write> FlowWriter<W> {
    /// Starts a flow of `kind` with its header (checked).
    pub fn new(
        mut out: W,
        kind: FlowKind,
        header: &IdentificazioneFlusso,
    ) -> Result<FlowWriter<W>, SiussError> {
        let mut issues = Vec::new();
        validate_header(header, Some(kind), &mut issues);
        refuse(issues)?;
        let mut buf = String::with_capacity(4096);
        open(&mut buf, header);
        out.write_all(buf.as_bytes())?;
        buf.clear();
        Ok(FlowWriter { out, kind, buf, records: 0 })
    }

    /// Appends a `Beneficiario` to a PS flow, or refuses it (the flow stays writable).
    pub fn beneficiario(&mut self, b: &Beneficiario) -> Result<(), SiussError> {
        if self.kind != FlowKind::Ps {
            return Err(SiussError::WrongKind { expected: self.kind, found: FlowKind::Ps });
        }
        let mut issues = Vec::new();
        validate_beneficiario(self.records + 1, b, &mut issues);
        refuse(issues)?;
        self.buf.clear();
        beneficiario(&mut self.buf, b);
        self.out.write_all(self.buf.as_bytes())?;
        self.records += 1;
        Ok(())
    }

    /// Appends a `SINBA` record to a SINBA flow, or refuses it.
    pub fn sinba(&mut self, s: &Sinba) -> Result<(), SiussError> {
        if self.kind != FlowKind::Sinba {
            return Err(SiussError::WrongKind { expected: self.kind, found: FlowKind::Sinba });
        }
        let mut issues = Vec::new();
        validate_sinba(self.records + 1, s, &mut issues);
        refuse(issues)?;
        self.buf.clear();
        sinba(&mut self.buf, s);
        self.out.write_all(self.buf.as_bytes())?;
        self.records += 1;
        Ok(())
    }

    /// Records written so far.
    pub fn records(&self) -> usize {
        self.records
    }

    /// Closes the root and returns the output. A flow needs at least one record.
    pub fn finish(mut self) -> Result<W, SiussError> {
        if self.records == 0 {
            return Err(SiussError::Invalid {
                issues: vec![Issue::error(
                    "Flusso",
                    crate::Rule::Occurs,
                    "a flow needs at least one record",
                )],
            });
        }
        self.buf.clear();
        close(&mut self.buf);
        self.out.write_all(self.buf.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

// ------------------------------------------------------------------------------ pieces

fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    let escaped = escape(value);
    if escaped.contains(['\t', '\n', '\r']) {
        // Attribute-value normalisation would turn these into spaces: keep them as references.
        for ch in escaped.chars() {
            match ch {
                '\t' => out.push_str("&#9;"),
                '\n' => out.push_str("&#10;"),
                '\r' => out.push_str("&#13;"),
                other => out.push(other),
            }
        }
    } else {
        out.push_str(&escaped);
    }
    out.push('"');
}

fn opt_attr(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        attr(out, name, v);
    }
}

fn code_attr<T: XsdCode>(out: &mut String, name: &str, value: T) {
    attr(out, name, value.xsd_code());
}

fn opt_code<T: XsdCode>(out: &mut String, name: &str, value: Option<T>) {
    if let Some(v) = value {
        code_attr(out, name, v);
    }
}

/// A value whose text needs no escaping (numbers, dates, codes), written without allocating.
fn opt_display<T: std::fmt::Display>(out: &mut String, name: &str, value: Option<T>) {
    if let Some(v) = value {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        // Writing to a String cannot fail.
        let _ = write!(out, "{v}");
        out.push('"');
    }
}

fn opt_date(out: &mut String, name: &str, value: Option<chrono::NaiveDate>) {
    if let Some(d) = value {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        out.push('"');
    }
}

/// A year written with four digits (`[0-9]{4}`).
struct Year4(u16);

impl std::fmt::Display for Year4 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

fn open(out: &mut String, header: &IdentificazioneFlusso) {
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Flusso");
    attr(out, "xmlns", NAMESPACE);
    out.push_str(">\n  <IdentificazioneFlusso");
    attr(out, "Nome", &header.nome);
    out.push_str(">\n    <Ente");
    let e = &header.ente;
    attr(out, "Codice", &e.codice);
    opt_attr(out, "Denominazione", e.denominazione.as_deref());
    attr(out, "Indirizzo", &e.indirizzo);
    attr(out, "CFOperatore", &e.cf_operatore);
    out.push_str("/>\n  </IdentificazioneFlusso>\n");
}

fn close(out: &mut String) {
    out.push_str("</Flusso>\n");
}

fn beneficiario(out: &mut String, b: &Beneficiario) {
    out.push_str("  <Beneficiario");
    attr(out, "CodiceFiscale", &b.codice_fiscale);
    out.push_str(">\n    <Anagrafica");
    let a = &b.anagrafica;
    attr(out, "Cognome", &a.cognome);
    attr(out, "Nome", &a.nome);
    opt_display(out, "AnnoNascita", Some(Year4(a.anno_nascita)));
    attr(out, "LuogoNascita", &a.luogo_nascita);
    code_attr(out, "Genere", a.genere);
    attr(out, "CodiceCittadinanza", &a.codice_cittadinanza);
    opt_attr(out, "CodiceSecondaCittadinanza", a.codice_seconda_cittadinanza.as_deref());
    out.push_str("/>\n");
    for i in &b.indirizzi {
        out.push_str("    <Indirizzo");
        opt_attr(out, "CodiceRegione", i.codice_regione.as_deref());
        opt_attr(out, "CodiceComune", i.codice_comune.as_deref());
        attr(out, "CodiceNazione", &i.codice_nazione);
        out.push_str("/>\n");
    }
    for p in &b.prestazioni {
        out.push_str("    <PrestazioniSociali");
        opt_code(out, "TipoOperazione", p.tipo_operazione);
        code_attr(out, "PresenzaProvaMezzi", p.presenza_prova_mezzi);
        opt_code(out, "CaratterePrestazione", p.carattere);
        opt_attr(out, "NumeroProtocolloDSU", p.numero_protocollo_dsu.as_deref());
        opt_display(out, "AnnoProtocolloDSU", p.anno_protocollo_dsu.map(Year4));
        opt_date(out, "DataDSU", p.data_dsu);
        attr(out, "CodicePrestazione", &p.codice_prestazione);
        attr(out, "DenominazionePrestazione", &p.denominazione_prestazione);
        attr(out, "ProtocolloDomanda", &p.protocollo_domanda);
        opt_date(out, "DataEvento", p.data_evento);
        opt_date(out, "DataInizioPrestazione", p.data_inizio);
        opt_date(out, "DataFinePrestazione", p.data_fine);
        opt_date(out, "DataErogazionePrestazione", p.data_erogazione);
        opt_display(out, "ImportoPrestazione", p.importo_prestazione);
        opt_display(out, "PeriodoErogazione", p.periodo_erogazione);
        opt_display(out, "ImportoMensile", p.importo_mensile);
        opt_display(out, "ImportoQuotaEnte", p.quota_ente);
        opt_display(out, "ImportoQuotaUtente", p.quota_utente);
        opt_display(out, "ImportoQuotaSSN", p.quota_ssn);
        opt_display(out, "ImportoQuotaRichiesta", p.quota_richiesta);
        opt_display(out, "ImportoSogliaISEE", p.soglia_isee);
        opt_display(out, "OreServizioMensile", p.ore_servizio_mensile);
        code_attr(out, "PresaCarico", p.presa_carico);
        opt_code(out, "AreaUtenza", p.area_utenza);
        match &p.sina {
            None => out.push_str("/>\n"),
            Some(s) => {
                out.push_str(">\n      <SINA");
                code_attr(out, "Mobilita", s.mobilita);
                code_attr(out, "AttivitaVitaQuotidiana", s.attivita_vita_quotidiana);
                opt_code(out, "DisturbiAreaCognitiva", s.disturbi_area_cognitiva);
                code_attr(out, "DisturbiComportamentali", s.disturbi_comportamentali);
                opt_code(out, "NecessitaCureSanitarie", s.necessita_cure_sanitarie);
                code_attr(out, "AreaReddituale", s.area_reddituale);
                code_attr(out, "AreaSupporto", s.area_supporto);
                code_attr(out, "FonteDerivazioneValutazione", s.fonte_derivazione_valutazione);
                code_attr(out, "StrumentoValutazione", s.strumento_valutazione);
                opt_code(out, "FonteDerivazioneInvalidita", s.fonte_derivazione_invalidita);
                if s.necessita_interventi_sociali.is_empty() && s.invalidita_civile.is_empty() {
                    out.push_str("/>\n");
                } else {
                    out.push_str(">\n");
                    if !s.necessita_interventi_sociali.is_empty() {
                        out.push_str("        <NecessitaInterventiSociali>\n");
                        for c in &s.necessita_interventi_sociali {
                            out.push_str("          <CodicePrestazione>");
                            out.push_str(&escape(c.as_str()));
                            out.push_str("</CodicePrestazione>\n");
                        }
                        out.push_str("        </NecessitaInterventiSociali>\n");
                    }
                    if !s.invalidita_civile.is_empty() {
                        out.push_str("        <InvaliditaCivile>\n");
                        for c in &s.invalidita_civile {
                            out.push_str("          <InvCiv>");
                            out.push_str(c.code());
                            out.push_str("</InvCiv>\n");
                        }
                        out.push_str("        </InvaliditaCivile>\n");
                    }
                    out.push_str("      </SINA>\n");
                }
                out.push_str("    </PrestazioniSociali>\n");
            }
        }
    }
    out.push_str("  </Beneficiario>\n");
}

fn sinba(out: &mut String, s: &Sinba) {
    out.push_str("  <SINBA");
    attr(out, "IDBeneficiario", &s.id_beneficiario);
    code_attr(out, "MinoreStranieroNoAcc", s.minore_straniero_non_accompagnato);
    code_attr(out, "CondizioneMinore", s.condizione_minore);
    code_attr(out, "LuogoVita", s.luogo_vita);
    code_attr(out, "ScuolaFrequentata", s.scuola_frequentata);
    code_attr(out, "CondizioneLavoro", s.condizione_lavoro);
    code_attr(out, "Disabilita", s.disabilita);
    opt_code(out, "TipoDisabilita", s.tipo_disabilita);
    opt_code(out, "InvCivCertificazioni", s.inv_civ_certificazioni);
    opt_attr(out, "CodiceCittadinanzaPadre", s.cittadinanza_padre.as_deref());
    opt_attr(out, "CodiceCittadinanzaMadre", s.cittadinanza_madre.as_deref());
    opt_attr(out, "CodiceRegioneResidenzaPadre", s.regione_residenza_padre.as_deref());
    opt_attr(out, "CodiceRegioneResidenzaMadre", s.regione_residenza_madre.as_deref());
    opt_code(out, "TitoloStudioPadre", s.titolo_studio_padre);
    opt_code(out, "TitoloStudioMadre", s.titolo_studio_madre);
    opt_code(out, "OccupazionePadre", s.occupazione_padre);
    opt_code(out, "OccupazioneMadre", s.occupazione_madre);
    attr(out, "DataPrimaSegnalazione", &s.data_prima_segnalazione.to_xml_value());
    code_attr(out, "FonteSegnalazione", s.fonte_segnalazione);
    code_attr(out, "ValutazioneMinore", s.valutazione_minore);
    code_attr(out, "ValutazioneFamigliaMinore", s.valutazione_famiglia_minore);
    code_attr(out, "SegnalazioneAutoritaGiudiziaria", s.segnalazione_autorita_giudiziaria);
    opt_attr(out, "DataSegnalazione", s.data_segnalazione.map(|d| d.to_xml_value()).as_deref());
    code_attr(out, "ProvvedimentoGiudiziario", s.provvedimento_giudiziario);
    opt_attr(
        out,
        "DataProvvedimentoGiudiziario",
        s.data_provvedimento_giudiziario.map(|d| d.to_xml_value()).as_deref(),
    );
    opt_code(out, "AutoritaProvvedimento", s.autorita_provvedimento);
    opt_code(out, "PotestaTutela", s.potesta_tutela);
    opt_code(out, "TipoProvvedimentoGiudiziario", s.tipo_provvedimento_giudiziario);
    opt_code(out, "FormaInterventoAffido", s.forma_intervento_affido);
    opt_code(out, "TipoInterventoAffido", s.tipo_intervento_affido);
    opt_code(out, "DurataAffido", s.durata_affido);
    opt_code(out, "CarattereAffido", s.carattere_affido);
    opt_code(out, "EsitoAffido", s.esito_affido);
    opt_code(out, "CarattereInserimentoResidenziale", s.carattere_inserimento_residenziale);
    opt_code(out, "FormaInserimentoResidenziale", s.forma_inserimento_residenziale);
    opt_code(out, "TipoInserimentoResidenziale", s.tipo_inserimento_residenziale);
    opt_code(out, "EsitoInserimentoStruttura", s.esito_inserimento_struttura);
    opt_code(out, "MotivazioneChiusuraCarico", s.motivazione_chiusura_carico);
    opt_code(out, "SituazioneChiusuraCarico", s.situazione_chiusura_carico);
    opt_code(out, "CollaborazioniInterventi", s.collaborazioni_interventi);
    opt_display(out, "NumeroComponentiISEE", s.numero_componenti_isee);
    code_attr(out, "FasciaEtaBeneficiario", s.fascia_eta);
    opt_code(out, "FasciaISEEBeneficiario", s.fascia_isee);
    opt_display(out, "AnnoNascita", Some(Year4(s.anno_nascita)));
    opt_attr(out, "CodiceRegioneResidenza", s.regione_residenza.as_deref());
    attr(out, "CodiceNazioneResidenza", &s.nazione_residenza);
    out.push_str(">\n    <Prestazioni>\n");
    for c in &s.prestazioni {
        out.push_str("      <CodicePrestazione>");
        out.push_str(&escape(c.as_str()));
        out.push_str("</CodicePrestazione>\n");
    }
    out.push_str("    </Prestazioni>\n    <Famiglia>\n");
    for f in &s.famiglia {
        out.push_str("      <ComposizioneFamiglia>");
        out.push_str(f.code());
        out.push_str("</ComposizioneFamiglia>\n");
    }
    out.push_str("    </Famiglia>\n  </SINBA>\n");
}
