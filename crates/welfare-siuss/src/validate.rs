//! The validator: every constraint of the official XSDs plus the rules that exist only in the
//! INPS specification. Every [`Issue`] names the element path and the [`Rule`].
//!
//! [`validate_xml`] streams: it keeps one record in memory at a time, so a 100 MB bulk flow
//! validates in constant memory (the issues found are the only thing that grows; use
//! [`validate_xml_with`] to handle them one by one).

use std::io::BufRead;

use chrono::Datelike;
use serde::{Deserialize, Serialize};
use welfare_types::Money;

use crate::codes::{CaratterePrestazione, PresaCarico};
use crate::error::SiussError;
use crate::issue::{Issue, Rule, Severity};
use crate::model::{
    Beneficiario, FlussoPs, FlussoSinba, IdentificazioneFlusso, MeseAnno, PrestazioneSociale, Sinba,
};
use crate::naming::NomeFlusso;
use crate::read::{DetectedVersion, FlowKind, FlowReader, Record};
use crate::table;
use welfare_types::territory::{Comune, StatoEstero, TerritoryError};

/// The outcome of validating a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ValidationReport {
    /// PS-PSA-SINA or SINBA.
    pub kind: FlowKind,
    /// The schema the document was read as.
    pub version: DetectedVersion,
    /// Records (`Beneficiario` or `SINBA`) read.
    pub records: usize,
    /// Benefits (`PrestazioniSociali`) read; 0 for SINBA.
    pub benefits: usize,
    /// Errors found.
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
    /// Every issue, in document order (empty when built by [`validate_xml_with`]).
    pub issues: Vec<Issue>,
}

impl ValidationReport {
    /// Whether INPS would accept the document as far as the rules tell (no error; warnings
    /// allowed).
    pub fn is_valid(&self) -> bool {
        self.errors == 0
    }
}

/// Validates an XML flow of either kind, collecting every issue.
///
/// Fails only when the document is not well-formed XML or not a SIUSS `Flusso`; every other
/// problem is an issue of the report.
pub fn validate_xml(input: impl BufRead) -> Result<ValidationReport, SiussError> {
    let mut issues = Vec::new();
    let mut report = validate_xml_with(input, |issue| issues.push(issue))?;
    report.issues = issues;
    Ok(report)
}

/// Validates an XML flow of either kind, streaming: each issue goes to `on_issue` as it is
/// found, and only one record is in memory at a time.
///
/// A document that stops being well-formed midway is reported through `on_issue` (rule
/// `xsd:well-formed`), after the issues of the records before it. An input that cannot be
/// read (a failing disk, a directory) is [`SiussError::Io`], not an issue of the document.
pub fn validate_xml_with(
    input: impl BufRead,
    mut on_issue: impl FnMut(Issue),
) -> Result<ValidationReport, SiussError> {
    let mut reader = FlowReader::new(input)?;
    let mut errors = 0usize;
    let mut warnings = 0usize;
    let mut emit = |issue: Issue, errors: &mut usize, warnings: &mut usize| {
        match issue.severity {
            Severity::Error => *errors += 1,
            Severity::Warning => *warnings += 1,
        }
        on_issue(issue);
    };
    let mut header_issues: Vec<Issue> = reader.header_issues().to_vec();
    let missing: Vec<String> =
        header_issues.iter().filter(|i| i.rule == Rule::Required).map(|i| i.path.clone()).collect();
    validate_header(reader.identificazione(), Some(reader.kind()), &mut header_issues);
    // A missing attribute was read as empty: report it once, as missing.
    header_issues.retain(|i| i.rule == Rule::Required || !missing.contains(&i.path));
    for issue in header_issues {
        emit(issue, &mut errors, &mut warnings);
    }
    let mut records = 0usize;
    let mut benefits = 0usize;
    let mut broken = false;
    loop {
        let read = match reader.next_record() {
            Ok(Some(read)) => read,
            Ok(None) => break,
            // The input could not be read: not a finding about the document.
            Err(e @ SiussError::Io(_)) => return Err(e),
            Err(e) => {
                for issue in e.issues().iter().cloned() {
                    emit(issue, &mut errors, &mut warnings);
                }
                broken = true;
                break;
            }
        };
        records += 1;
        let mut issues = read.issues;
        match &read.record {
            Some(Record::Beneficiario(b)) => {
                benefits += b.prestazioni.len();
                validate_beneficiario(read.index, b, &mut issues);
            }
            Some(Record::Sinba(s)) => validate_sinba(read.index, s, &mut issues),
            None => {}
        }
        for issue in issues {
            emit(issue, &mut errors, &mut warnings);
        }
    }
    let empty_kind = match reader.kind() {
        FlowKind::Ps => "Beneficiario",
        FlowKind::Sinba => "SINBA",
    };
    if records == 0 && !broken {
        emit(
            Issue::error(
                format!("Flusso/{empty_kind}"),
                Rule::Occurs,
                format!("a flow needs at least one {empty_kind}"),
            ),
            &mut errors,
            &mut warnings,
        );
    }
    Ok(ValidationReport {
        kind: reader.kind(),
        version: reader.version().clone(),
        records,
        benefits,
        errors,
        warnings,
        issues: Vec::new(),
    })
}

/// Validates a PS-PSA-SINA flow in memory.
pub fn validate_ps(flow: &FlussoPs) -> Vec<Issue> {
    let mut issues = Vec::new();
    validate_header(&flow.identificazione, Some(FlowKind::Ps), &mut issues);
    if flow.beneficiari.is_empty() {
        issues.push(Issue::error(
            "Flusso/Beneficiario",
            Rule::Occurs,
            "a flow needs at least one Beneficiario",
        ));
    }
    for (i, b) in flow.beneficiari.iter().enumerate() {
        validate_beneficiario(i + 1, b, &mut issues);
    }
    issues
}

/// Validates a SINBA flow in memory.
pub fn validate_sinba_flow(flow: &FlussoSinba) -> Vec<Issue> {
    let mut issues = Vec::new();
    validate_header(&flow.identificazione, Some(FlowKind::Sinba), &mut issues);
    if flow.schede.is_empty() {
        issues.push(Issue::error("Flusso/SINBA", Rule::Occurs, "a flow needs at least one SINBA"));
    }
    for (i, s) in flow.schede.iter().enumerate() {
        validate_sinba(i + 1, s, &mut issues);
    }
    issues
}

// ------------------------------------------------------------------------------ facets

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn length(
    issues: &mut Vec<Issue>,
    path: impl FnOnce() -> String,
    value: &str,
    min: usize,
    max: usize,
) {
    let n = chars(value);
    if n < min || n > max {
        let rule = if min == max {
            format!("must be exactly {min} characters, found {n}")
        } else {
            format!("must be {min}-{max} characters, found {n}")
        };
        issues.push(Issue::error(path(), Rule::Length, rule));
    }
}

fn digits(
    issues: &mut Vec<Issue>,
    path: impl FnOnce() -> String,
    value: &str,
    n: usize,
    what: &str,
) {
    if value.len() != n || !value.bytes().all(|b| b.is_ascii_digit()) {
        issues.push(Issue::error(
            path(),
            Rule::Pattern,
            format!("must match [0-9]{{{n}}} ({what})"),
        ));
    }
}

fn year(issues: &mut Vec<Issue>, path: impl FnOnce() -> String, year: u16) {
    if year > 9999 {
        issues.push(Issue::error(path(), Rule::Pattern, "must match [0-9]{4}"));
    }
}

/// Whether a value matches the XSD pattern of codici fiscali:
/// `([A-Za-z]{6}\d{2}[A-Za-z]\d{2}[A-Za-z][A-Za-z0-9]{3}[A-Za-z])|(\d{11} {0,5})`.
pub fn matches_xsd_cf_pattern(value: &str) -> bool {
    let b = value.as_bytes();
    let alpha = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphabetic);
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let alnum = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let personal = b.len() == 16
        && (0..6).all(alpha)
        && digit(6)
        && digit(7)
        && alpha(8)
        && digit(9)
        && digit(10)
        && alpha(11)
        && (12..15).all(alnum)
        && alpha(15);
    let numeric =
        (11..=16).contains(&b.len()) && (0..11).all(digit) && b.iter().skip(11).all(|&c| c == b' ');
    personal || numeric
}

/// Checks a codice fiscale against the XSD pattern, explaining the omocodia trap.
fn cf(issues: &mut Vec<Issue>, path: impl FnOnce() -> String, value: &str) {
    if matches_xsd_cf_pattern(value) {
        return;
    }
    let b = value.as_bytes();
    let shape_ok = b.len() == 16 && b.iter().all(u8::is_ascii_alphanumeric);
    let letters_in_dates = shape_ok
        && [6usize, 7, 9, 10].iter().any(|&i| b.get(i).is_some_and(u8::is_ascii_alphabetic));
    let message = if letters_in_dates {
        "omocodic codice fiscale with letters in positions 7-8 or 10-11 (year or day of birth): \
         the XSD accepts letters only in positions 13-15; send the code with digits there as \
         INPS registers it"
    } else if b.len() == 16 {
        "16-character codice fiscale not matching the XSD pattern \
         [A-Za-z]{6}[0-9]{2}[A-Za-z][0-9]{2}[A-Za-z][A-Za-z0-9]{3}[A-Za-z]"
    } else {
        "not a codice fiscale of the XSD pattern: 16 characters, or 11 digits followed by at most 5 spaces"
    };
    issues.push(Issue::error(path(), Rule::CodiceFiscale, message));
}

// ------------------------------------------------------------------------------ header

/// Checks `IdentificazioneFlusso` and `Ente`; `kind` enables the flow-name check.
pub(crate) fn validate_header(
    header: &IdentificazioneFlusso,
    kind: Option<FlowKind>,
    issues: &mut Vec<Issue>,
) {
    let path = "Flusso/IdentificazioneFlusso";
    length(issues, || format!("{path}/@Nome"), &header.nome, 0, 50);
    match NomeFlusso::parse(&header.nome) {
        Ok(name) => {
            if let Some(kind) = kind {
                if name.kind != kind {
                    issues.push(Issue::warning(
                        format!("{path}/@Nome"),
                        Rule::FlowName,
                        format!(
                            "the name says {} but the flow is {}",
                            name.kind.name_segment(),
                            kind.name_segment()
                        ),
                    ));
                }
            }
            if name.ente != header.ente.codice {
                issues.push(Issue::warning(
                    format!("{path}/@Nome"),
                    Rule::FlowName,
                    "the name does not start with Ente@Codice",
                ));
            }
        }
        Err(e) => {
            issues.push(Issue::warning(format!("{path}/@Nome"), Rule::FlowName, e.to_string()))
        }
    }
    let ente = &header.ente;
    let epath = format!("{path}/Ente");
    length(issues, || format!("{epath}/@Codice"), &ente.codice, 1, 32);
    if let Some(d) = &ente.denominazione {
        length(issues, || format!("{epath}/@Denominazione"), d, 1, 100);
    }
    length(issues, || format!("{epath}/@Indirizzo"), &ente.indirizzo, 4, 4);
    cf(issues, || format!("{epath}/@CFOperatore"), &ente.cf_operatore);
}

// ------------------------------------------------------------------------------ PS

/// Checks one `Beneficiario` (1-based `index`).
pub(crate) fn validate_beneficiario(index: usize, b: &Beneficiario, issues: &mut Vec<Issue>) {
    let path = format!("Flusso/Beneficiario[{index}]");
    cf(issues, || format!("{path}/@CodiceFiscale"), &b.codice_fiscale);
    let a = &b.anagrafica;
    let apath = format!("{path}/Anagrafica");
    length(issues, || format!("{apath}/@Cognome"), &a.cognome, 1, 36);
    length(issues, || format!("{apath}/@Nome"), &a.nome, 1, 36);
    year(issues, || format!("{apath}/@AnnoNascita"), a.anno_nascita);
    length(issues, || format!("{apath}/@LuogoNascita"), &a.luogo_nascita, 4, 4);
    if a.luogo_nascita.chars().count() == 4 && !known_birthplace(&a.luogo_nascita) {
        issues.push(Issue::warning(
            format!("{apath}/@LuogoNascita"),
            Rule::Territory,
            "not the Belfiore code of a comune nor the Z code of a foreign state",
        ));
    }
    digits(
        issues,
        || format!("{apath}/@CodiceCittadinanza"),
        &a.codice_cittadinanza,
        3,
        "ISO 3166-1 numeric",
    );
    if let Some(c) = &a.codice_seconda_cittadinanza {
        digits(
            issues,
            || format!("{apath}/@CodiceSecondaCittadinanza"),
            c,
            3,
            "ISO 3166-1 numeric",
        );
    }
    if b.indirizzi.is_empty() {
        issues.push(Issue::error(
            format!("{path}/Indirizzo"),
            Rule::Occurs,
            "at least one Indirizzo is required since PS_PSA_SINA201812.xsd",
        ));
    }
    if b.indirizzi.len() > 5 {
        issues.push(Issue::error(
            format!("{path}/Indirizzo[6]"),
            Rule::Occurs,
            "at most 5 Indirizzo",
        ));
    }
    for (i, ind) in b.indirizzi.iter().enumerate() {
        let ipath = format!("{path}/Indirizzo[{}]", i + 1);
        if let Some(r) = &ind.codice_regione {
            digits(issues, || format!("{ipath}/@CodiceRegione"), r, 2, "region code");
        }
        if let Some(c) = &ind.codice_comune {
            digits(issues, || format!("{ipath}/@CodiceComune"), c, 6, "ISTAT comune code");
        }
        digits(
            issues,
            || format!("{ipath}/@CodiceNazione"),
            &ind.codice_nazione,
            3,
            "ISO 3166-1 numeric",
        );
        if let (Some(regione), Some(comune)) = (&ind.codice_regione, &ind.codice_comune) {
            check_residence(issues, &ipath, regione, comune, reference_date(b));
        }
        if ind.codice_nazione == "380" {
            if ind.codice_regione.is_none() {
                issues.push(Issue::error(
                    format!("{ipath}/@CodiceRegione"),
                    Rule::ResidenceItaly,
                    "CodiceRegione is required when CodiceNazione is 380 (Italy)",
                ));
            }
            if ind.codice_comune.is_none() {
                issues.push(Issue::error(
                    format!("{ipath}/@CodiceComune"),
                    Rule::ResidenceItaly,
                    "CodiceComune is required when CodiceNazione is 380 (Italy)",
                ));
            }
        }
    }
    if b.prestazioni.is_empty() {
        issues.push(Issue::error(
            format!("{path}/PrestazioniSociali"),
            Rule::Occurs,
            "at least one PrestazioniSociali",
        ));
    }
    for (i, p) in b.prestazioni.iter().enumerate() {
        validate_prestazione(&format!("{path}/PrestazioniSociali[{}]", i + 1), p, issues);
    }
}

/// The day residence is checked on: the first benefit's start or payment date.
fn reference_date(b: &Beneficiario) -> Option<chrono::NaiveDate> {
    b.prestazioni.iter().find_map(|p| p.data_inizio.or(p.data_erogazione))
}

fn known_birthplace(code: &str) -> bool {
    let upper = code.to_ascii_uppercase();
    if upper.starts_with('Z') {
        StatoEstero::by_z_code(&upper).is_ok()
    } else {
        Comune::history(&upper).is_ok_and(|h| !h.is_empty())
    }
}

/// Residence against the territory tables: the ISTAT comune exists on the benefit's date and
/// the region is the comune's (warnings: INPS is not known to check them).
fn check_residence(
    issues: &mut Vec<Issue>,
    ipath: &str,
    regione: &str,
    comune: &str,
    on: Option<chrono::NaiveDate>,
) {
    if comune.len() != 6 || !comune.bytes().all(|b| b.is_ascii_digit()) {
        return; // already an xsd:pattern error
    }
    if let Some(on) = on {
        match Comune::by_istat(comune, on) {
            Ok(_) => {}
            Err(TerritoryError::NotValidOnDate) => issues.push(Issue::warning(
                format!("{ipath}/@CodiceComune"),
                Rule::Territory,
                "no comune had this ISTAT code on the date of the first benefit",
            )),
            Err(_) => issues.push(Issue::warning(
                format!("{ipath}/@CodiceComune"),
                Rule::Territory,
                "not the ISTAT code of a comune",
            )),
        }
    }
    if let Some(expected) = crate::convert::regione_of_istat(comune) {
        if expected != regione {
            issues.push(Issue::warning(
                format!("{ipath}/@CodiceRegione"),
                Rule::Territory,
                format!("the comune is in region {expected}, not in region {regione}"),
            ));
        }
    }
}

fn positive(issues: &mut Vec<Issue>, path: &str, name: &str, value: Option<Money>, zero_ok: bool) {
    if let Some(v) = value {
        let bad = if zero_ok { v.is_negative() } else { v.is_negative() || v.is_zero() };
        if bad {
            let want = if zero_ok { "zero or more" } else { "greater than zero" };
            issues.push(Issue::error(
                format!("{path}/@{name}"),
                Rule::AmountSign,
                format!("{name} must be {want}"),
            ));
        }
    }
}

fn validate_prestazione(path: &str, p: &PrestazioneSociale, issues: &mut Vec<Issue>) {
    let at = |name: &str| format!("{path}/@{name}");
    if let Some(n) = &p.numero_protocollo_dsu {
        length(issues, || at("NumeroProtocolloDSU"), n, 0, 30);
    }
    if let Some(y) = p.anno_protocollo_dsu {
        year(issues, || at("AnnoProtocolloDSU"), y);
    }
    length(issues, || at("CodicePrestazione"), &p.codice_prestazione, 5, 10);
    length(issues, || at("DenominazionePrestazione"), &p.denominazione_prestazione, 10, 200);
    length(issues, || at("ProtocolloDomanda"), &p.protocollo_domanda, 1, 32);
    if let Some(n) = p.periodo_erogazione {
        if !(1..=12).contains(&n) {
            issues.push(Issue::error(
                at("PeriodoErogazione"),
                Rule::IntRange,
                "PeriodoErogazione must be 1-12 (months)",
            ));
        }
    }
    if let Some(ore) = p.ore_servizio_mensile {
        if ore.minuti >= 60 {
            issues.push(Issue::error(
                at("OreServizioMensile"),
                Rule::HoursMinutes,
                "minutes must be 00-59: the format is HH,MM (hours, minutes)",
            ));
        }
    }
    // Specification, Allegato B, Tabella 9.
    match p.carattere {
        None => issues.push(Issue::error(
            at("CaratterePrestazione"),
            Rule::CarattereRequired,
            "CaratterePrestazione is mandatory in the specification (1 periodic, 2 one-off)",
        )),
        Some(CaratterePrestazione::Periodic) => {
            if p.data_inizio.is_none() {
                issues.push(Issue::error(
                    at("DataInizioPrestazione"),
                    Rule::PeriodicStartDate,
                    "a periodic benefit (CaratterePrestazione=1) needs DataInizioPrestazione",
                ));
            }
            if p.importo_mensile.is_none() {
                issues.push(Issue::error(
                    at("ImportoMensile"),
                    Rule::PeriodicMonthlyAmount,
                    "a periodic benefit (CaratterePrestazione=1) needs ImportoMensile",
                ));
            }
        }
        Some(CaratterePrestazione::OneOff) => {
            if p.data_erogazione.is_none() {
                issues.push(Issue::error(
                    at("DataErogazionePrestazione"),
                    Rule::OneOffPaymentDate,
                    "a one-off benefit (CaratterePrestazione=2) needs DataErogazionePrestazione",
                ));
            }
            if p.importo_prestazione.is_none() {
                issues.push(Issue::error(
                    at("ImportoPrestazione"),
                    Rule::OneOffAmount,
                    "a one-off benefit (CaratterePrestazione=2) needs ImportoPrestazione",
                ));
            }
        }
    }
    positive(issues, path, "ImportoPrestazione", p.importo_prestazione, false);
    positive(issues, path, "ImportoMensile", p.importo_mensile, false);
    positive(issues, path, "ImportoQuotaEnte", p.quota_ente, false);
    positive(issues, path, "ImportoQuotaUtente", p.quota_utente, true);
    positive(issues, path, "ImportoQuotaSSN", p.quota_ssn, false);
    if let (Some(start), Some(end)) = (p.data_inizio, p.data_fine) {
        if start.year() != end.year() {
            issues.push(Issue::error(
                at("DataFinePrestazione"),
                Rule::EndDateSameYear,
                format!(
                    "DataFinePrestazione must be in the year of DataInizioPrestazione ({})",
                    start.year()
                ),
            ));
        }
        if end < start {
            issues.push(Issue::error(
                at("DataFinePrestazione"),
                Rule::EndBeforeStart,
                "DataFinePrestazione is before DataInizioPrestazione",
            ));
        }
    }
    if p.quota_ente.is_some() || p.quota_utente.is_some() || p.quota_ssn.is_some() {
        let (total, total_name) = match p.carattere {
            Some(CaratterePrestazione::OneOff) => (p.importo_prestazione, "ImportoPrestazione"),
            Some(CaratterePrestazione::Periodic) => (p.importo_mensile, "ImportoMensile"),
            None => match p.importo_mensile {
                Some(m) => (Some(m), "ImportoMensile"),
                None => (p.importo_prestazione, "ImportoPrestazione"),
            },
        };
        let shares = [p.quota_ente, p.quota_utente, p.quota_ssn].into_iter().flatten();
        match (total, Money::checked_sum(shares)) {
            (Some(total), Ok(sum)) if sum != total => issues.push(Issue::error(
                at("ImportoQuotaEnte"),
                Rule::SharesSum,
                // The fields only: the amounts are a person's (the message reaches reports
                // and logs).
                format!(
                    "ImportoQuotaEnte + ImportoQuotaUtente + ImportoQuotaSSN is not {total_name}"
                ),
            )),
            (Some(_), Err(_)) => issues.push(Issue::error(
                at("ImportoQuotaEnte"),
                Rule::SharesSum,
                "the shares overflow",
            )),
            (None, _) => issues.push(Issue::error(
                at("ImportoQuotaEnte"),
                Rule::SharesSum,
                format!("shares are given but {total_name} is missing"),
            )),
            (Some(_), Ok(_)) => {}
        }
    }
    if p.presa_carico == PresaCarico::Yes && p.area_utenza.is_none() {
        issues.push(Issue::error(
            at("AreaUtenza"),
            Rule::AreaUtenzaRequired,
            "AreaUtenza is mandatory when PresaCarico=1 (taken in charge)",
        ));
    }
    let dsu =
        [p.numero_protocollo_dsu.is_some(), p.anno_protocollo_dsu.is_some(), p.data_dsu.is_some()];
    if dsu.iter().any(|x| *x) && !dsu.iter().all(|x| *x) {
        issues.push(Issue::error(
            at("NumeroProtocolloDSU"),
            Rule::DsuAllOrNone,
            "NumeroProtocolloDSU, AnnoProtocolloDSU and DataDSU go together: all three or none",
        ));
    }
    match table::lookup(&p.codice_prestazione) {
        None => issues.push(Issue::warning(
            at("CodicePrestazione"),
            Rule::UnknownCode,
            "code not in the INPS table known to this crate",
        )),
        Some(row) => {
            if p.sina.is_some() && !row.sina_linkable {
                issues.push(Issue::error(
                    format!("{path}/SINA"),
                    Rule::SinaNotAllowed,
                    format!("a SINA assessment cannot be linked to code {}", row.code),
                ));
            }
            if row.only_if_presa_in_carico && p.presa_carico == PresaCarico::No {
                issues.push(Issue::error(
                    at("PresaCarico"),
                    Rule::RequiresPresaInCarico,
                    format!("code {} (A2.16-A2.29) may be sent only when taken in charge (PresaCarico=1)", row.code),
                ));
            }
        }
    }
    if let Some(sina) = &p.sina {
        for (i, c) in sina.necessita_interventi_sociali.iter().enumerate() {
            let cpath =
                || format!("{path}/SINA/NecessitaInterventiSociali/CodicePrestazione[{}]", i + 1);
            length(issues, cpath, c, 5, 10);
            if table::lookup(c).is_none() {
                issues.push(Issue::warning(
                    cpath(),
                    Rule::UnknownCode,
                    "code not in the INPS table known to this crate",
                ));
            }
        }
    }
}

// ------------------------------------------------------------------------------ SINBA

fn mese_anno(issues: &mut Vec<Issue>, path: impl FnOnce() -> String, value: MeseAnno) {
    if MeseAnno::new(value.mese, value.anno).is_none() {
        issues.push(Issue::error(
            path(),
            Rule::Pattern,
            "must match MM/AAAA with month 01-12 and year 1900-2099",
        ));
    }
}

/// Checks one `SINBA` record (1-based `index`).
pub(crate) fn validate_sinba(index: usize, s: &Sinba, issues: &mut Vec<Issue>) {
    let path = format!("Flusso/SINBA[{index}]");
    let at = |name: &str| format!("{path}/@{name}");
    length(issues, || at("IDBeneficiario"), &s.id_beneficiario, 1, 20);
    for (name, v) in [
        ("CodiceCittadinanzaPadre", &s.cittadinanza_padre),
        ("CodiceCittadinanzaMadre", &s.cittadinanza_madre),
    ] {
        if let Some(v) = v {
            digits(issues, || at(name), v, 3, "ISO 3166-1 numeric");
        }
    }
    for (name, v) in [
        ("CodiceRegioneResidenzaPadre", &s.regione_residenza_padre),
        ("CodiceRegioneResidenzaMadre", &s.regione_residenza_madre),
        ("CodiceRegioneResidenza", &s.regione_residenza),
    ] {
        if let Some(v) = v {
            digits(issues, || at(name), v, 2, "region code");
        }
    }
    mese_anno(issues, || at("DataPrimaSegnalazione"), s.data_prima_segnalazione);
    if let Some(d) = s.data_segnalazione {
        mese_anno(issues, || at("DataSegnalazione"), d);
    }
    if let Some(d) = s.data_provvedimento_giudiziario {
        mese_anno(issues, || at("DataProvvedimentoGiudiziario"), d);
    }
    if let Some(n) = s.numero_componenti_isee {
        if n > 9 {
            issues.push(Issue::error(
                at("NumeroComponentiISEE"),
                Rule::IntRange,
                "NumeroComponentiISEE must be at most 9",
            ));
        } else if n < 1 {
            issues.push(Issue::error(
                at("NumeroComponentiISEE"),
                Rule::ComponentsMinimum,
                "NumeroComponentiISEE must be at least 1 (specification, Allegato C)",
            ));
        }
    }
    year(issues, || at("AnnoNascita"), s.anno_nascita);
    digits(issues, || at("CodiceNazioneResidenza"), &s.nazione_residenza, 3, "ISO 3166-1 numeric");
    if s.nazione_residenza == "380" && s.regione_residenza.is_none() {
        issues.push(Issue::error(
            at("CodiceRegioneResidenza"),
            Rule::ResidenceItaly,
            "CodiceRegioneResidenza is required when CodiceNazioneResidenza is 380 (Italy)",
        ));
    }
    if s.prestazioni.is_empty() {
        issues.push(Issue::error(
            format!("{path}/Prestazioni/CodicePrestazione"),
            Rule::Occurs,
            "at least one CodicePrestazione",
        ));
    }
    for (i, c) in s.prestazioni.iter().enumerate() {
        let cpath = || format!("{path}/Prestazioni/CodicePrestazione[{}]", i + 1);
        length(issues, cpath, c, 5, 10);
        if table::lookup(c).is_none() {
            issues.push(Issue::warning(
                cpath(),
                Rule::UnknownCode,
                "code not in the INPS table known to this crate",
            ));
        }
    }
    if s.famiglia.is_empty() {
        issues.push(Issue::error(
            format!("{path}/Famiglia/ComposizioneFamiglia"),
            Rule::Occurs,
            "at least one ComposizioneFamiglia",
        ));
    }
}
