//! The WaaS envelope (`api-comuni.yaml`, "API WAAS-SIUSS-Alimentazione" v2.0.1): INPS pulls
//! `GET /flussi?since=…` from the comune and posts outcomes to `POST /esiti`.
//!
//! * [`FlussoWaas`] is one entry of `elenco_flussi`: the XML flow base64-encoded in `flusso`,
//!   with **one beneficiary and one benefit** (specification v2.0.1, §2.1 note). A SINBA entry
//!   carries one `SINBA` record with one `CodicePrestazione`: the OpenAPI's own example of a
//!   SINBA flow with two codes is answered `RICHIESTA_INVALIDA` "In cooperazione è possibile
//!   inviare solo un beneficiario e una prestazione sociale".
//! * [`TsFlusso`] is `ts_flusso`: an instant with millisecond precision. The OpenAPI types it
//!   `date-time` (`2023-11-27T11:04:56.852Z`) and INPS sends back its value in milliseconds
//!   as `since`; it is written in the OpenAPI form and read from either.
//! * [`split_ps`] / [`split_sinba`] / [`split_xml`] turn a bulk flow into WaaS entries named
//!   `{ente}.{PS|SINBA}.{AAAAMMGG}.{progressive}` with strictly increasing `ts_flusso` (one
//!   millisecond apart): INPS asks for flows *after* `since`, so two entries sharing a
//!   timestamp across a page boundary would be skipped.

use std::fmt;
use std::io::BufRead;

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::SiussError;
use crate::issue::{Issue, Rule};
use crate::model::{Beneficiario, FlussoPs, FlussoSinba, IdentificazioneFlusso, Sinba};
use crate::naming::NomeFlusso;
use crate::read::{read, AnyFlow, FlowKind, FlowReader, Read, Record};
use crate::validate::{validate_beneficiario, validate_sinba};
use crate::write::{write_ps, write_sinba};

/// The most entries one `GET /flussi` answer may hold (`maxItems: 100`).
pub const MAX_ENTRIES: usize = 100;

/// The longest base64 `flusso` (`maxLength: 10000000`).
pub const MAX_FLUSSO_LEN: usize = 10_000_000;

/// `ts_flusso`: milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TsFlusso(i64);

impl TsFlusso {
    /// From milliseconds since the epoch (the `since` query parameter).
    pub const fn from_millis(millis: i64) -> TsFlusso {
        TsFlusso(millis)
    }

    /// Milliseconds since the epoch: compare with `since`.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// From an instant, truncated to the millisecond.
    pub fn from_datetime(at: DateTime<Utc>) -> TsFlusso {
        TsFlusso(at.timestamp_millis())
    }

    /// The instant.
    pub fn to_datetime(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_millis(self.0)
    }

    /// `self + n` milliseconds.
    pub fn plus_millis(self, n: i64) -> Option<TsFlusso> {
        self.0.checked_add(n).map(TsFlusso)
    }

    /// Parses RFC 3339 (`2023-11-27T11:04:56.852Z`) or a number of milliseconds.
    pub fn parse(text: &str) -> Option<TsFlusso> {
        let t = text.trim();
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            return t.parse::<i64>().ok().map(TsFlusso);
        }
        DateTime::parse_from_rfc3339(t).ok().map(|d| TsFlusso(d.timestamp_millis()))
    }
}

impl fmt::Display for TsFlusso {
    /// RFC 3339 in UTC with exactly three decimals, as in the OpenAPI examples.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_datetime() {
            Some(d) => write!(f, "{}", d.format("%Y-%m-%dT%H:%M:%S%.3fZ")),
            None => write!(f, "{}", self.0),
        }
    }
}

impl Serialize for TsFlusso {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TsFlusso {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<TsFlusso, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = TsFlusso;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time or milliseconds since the epoch")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<TsFlusso, E> {
                TsFlusso::parse(v)
                    .ok_or_else(|| E::custom("ts_flusso is not an RFC 3339 date-time"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<TsFlusso, E> {
                Ok(TsFlusso(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<TsFlusso, E> {
                i64::try_from(v).map(TsFlusso).map_err(|_| E::custom("ts_flusso out of range"))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for TsFlusso {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("TsFlusso")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date-time" })
    }
}

/// One entry of `elenco_flussi` (OpenAPI schema `Flusso`, `additionalProperties: false`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FlussoWaas {
    /// Belfiore code of the body, `^[A-Z][0-9]{3}$`.
    pub codice_ente: String,
    /// Name of the body (≤ 256).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominazione_ente: Option<String>,
    /// `EEEE.TIPO.AAAAMMGG.NNNNNNN` (≤ 64): the XML `IdentificazioneFlusso@Nome`.
    pub id_flusso: String,
    /// `PS_PSA_SINA` or `SINBA`.
    pub tipo: FlowKind,
    /// When the flow was produced; orders the flows for `since`.
    pub ts_flusso: TsFlusso,
    /// The XML flow, base64 (standard alphabet, padded).
    pub flusso: String,
}

/// The body of `GET /flussi` (`Entries`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ElencoFlussi {
    /// At most [`MAX_ENTRIES`]; empty means "nothing new".
    pub elenco_flussi: Vec<FlussoWaas>,
}

impl ElencoFlussi {
    /// The answer to `GET /flussi?since=…&limit=…`: the flows with `ts_flusso` strictly after
    /// `since`, oldest first, at most `min(limit, 100)` (10 when `limit` is `None`).
    pub fn page(flows: &[FlussoWaas], since: TsFlusso, limit: Option<usize>) -> ElencoFlussi {
        let limit = limit.unwrap_or(10).min(MAX_ENTRIES);
        let mut after: Vec<&FlussoWaas> = flows.iter().filter(|f| f.ts_flusso > since).collect();
        after.sort_by(|a, b| {
            a.ts_flusso.cmp(&b.ts_flusso).then_with(|| a.id_flusso.cmp(&b.id_flusso))
        });
        ElencoFlussi { elenco_flussi: after.into_iter().take(limit).cloned().collect() }
    }
}

/// `codice_esito`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum CodiceEsito {
    /// Acquired.
    #[serde(rename = "OK")]
    Ok,
    /// The flow's data are inconsistent.
    #[serde(rename = "DATI_NON_TROVATI")]
    DatiNonTrovati,
    /// The flow does not conform to the SIUSS specification.
    #[serde(rename = "RICHIESTA_INVALIDA")]
    RichiestaInvalida,
    /// Another error.
    #[serde(rename = "ERRORE_GENERICO")]
    ErroreGenerico,
}

/// One outcome INPS posts to `POST /esiti` (`EsitoFlusso`). Unknown fields are tolerated: the
/// specification's own example adds `codice_ente` and `denominazione_ente`, and calls
/// `id_acquisizione_siuss` `codice_siuss`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EsitoFlusso {
    /// The flow's `id_flusso`.
    pub id_flusso: String,
    /// `PS_PSA_SINA` or `SINBA`.
    pub tipo: FlowKind,
    /// The flow's `ts_flusso`.
    pub ts_flusso: TsFlusso,
    /// When INPS acquired it.
    pub ts_acquisizione: TsFlusso,
    /// The outcome.
    pub codice_esito: CodiceEsito,
    /// Detail of the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descrizione_esito: Option<String>,
    /// SIUSS acquisition code, only with `OK`.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "codice_siuss")]
    pub id_acquisizione_siuss: Option<String>,
}

/// The body of `POST /esiti` (`ElencoEsiti`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ElencoEsiti {
    /// At most 100 outcomes.
    pub elenco_esiti: Vec<EsitoFlusso>,
}

fn check_codice_ente(codice: &str) -> Result<(), SiussError> {
    let b = codice.as_bytes();
    let ok = b.len() == 4
        && b.first().is_some_and(u8::is_ascii_uppercase)
        && b.iter().skip(1).all(u8::is_ascii_digit);
    if ok {
        Ok(())
    } else {
        Err(SiussError::Envelope("codice_ente must be a Belfiore code ^[A-Z][0-9]{3}$".to_owned()))
    }
}

fn envelope(
    header: &IdentificazioneFlusso,
    kind: FlowKind,
    ts: TsFlusso,
    denominazione: Option<String>,
    xml: &str,
) -> Result<FlussoWaas, SiussError> {
    check_codice_ente(&header.ente.codice)?;
    if header.nome.chars().count() > 64 {
        return Err(SiussError::Envelope("id_flusso longer than 64 characters".to_owned()));
    }
    if let Some(d) = &denominazione {
        if d.chars().count() > 256 {
            return Err(SiussError::Envelope(
                "denominazione_ente longer than 256 characters".to_owned(),
            ));
        }
    }
    let flusso = base64::engine::general_purpose::STANDARD.encode(xml.as_bytes());
    if flusso.len() > MAX_FLUSSO_LEN {
        return Err(SiussError::Envelope(
            "flusso longer than 10000000 base64 characters".to_owned(),
        ));
    }
    Ok(FlussoWaas {
        codice_ente: header.ente.codice.clone(),
        denominazione_ente: denominazione,
        id_flusso: header.nome.clone(),
        tipo: kind,
        ts_flusso: ts,
        flusso,
    })
}

fn one_per_flow(ok: bool, path: &str) -> Result<(), SiussError> {
    if ok {
        Ok(())
    } else {
        Err(SiussError::Invalid {
            issues: vec![Issue::error(
                path,
                Rule::WaasOnePerFlow,
                "a waas flow holds one beneficiary and one benefit: split it",
            )],
        })
    }
}

impl FlussoWaas {
    /// Wraps a PS flow holding one beneficiary with one benefit (written strictly).
    pub fn from_ps(flow: &FlussoPs, ts: TsFlusso) -> Result<FlussoWaas, SiussError> {
        let one = flow.beneficiari.len() == 1
            && flow.beneficiari.iter().all(|b| b.prestazioni.len() == 1);
        one_per_flow(one, "Flusso/Beneficiario")?;
        let xml = write_ps(flow)?;
        envelope(
            &flow.identificazione,
            FlowKind::Ps,
            ts,
            flow.identificazione.ente.denominazione.clone(),
            &xml,
        )
    }

    /// Wraps a SINBA flow holding one record with one `CodicePrestazione`.
    pub fn from_sinba(flow: &FlussoSinba, ts: TsFlusso) -> Result<FlussoWaas, SiussError> {
        let one = flow.schede.len() == 1 && flow.schede.iter().all(|s| s.prestazioni.len() == 1);
        one_per_flow(one, "Flusso/SINBA")?;
        let xml = write_sinba(flow)?;
        envelope(
            &flow.identificazione,
            FlowKind::Sinba,
            ts,
            flow.identificazione.ente.denominazione.clone(),
            &xml,
        )
    }

    /// The XML bytes inside.
    pub fn decode(&self) -> Result<Vec<u8>, SiussError> {
        base64::engine::general_purpose::STANDARD
            .decode(self.flusso.as_bytes())
            .map_err(|_| SiussError::Envelope("flusso is not valid base64".to_owned()))
    }

    /// The flow inside, read.
    pub fn read(&self) -> Result<Read<AnyFlow>, SiussError> {
        let bytes = self.decode()?;
        read(bytes.as_slice())
    }
}

/// How [`split_ps`], [`split_sinba`] and [`split_xml`] name and stamp the flows they make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SplitOptions {
    /// The creation day in the names.
    pub date: NaiveDate,
    /// The first daily progressive used (then +1 per flow).
    pub first_progressive: u32,
    /// `ts_flusso` of the first flow (then +1 ms per flow).
    pub first_ts: TsFlusso,
}

struct Splitter<'a> {
    header: &'a IdentificazioneFlusso,
    options: &'a SplitOptions,
    made: u32,
}

impl Splitter<'_> {
    fn next_header(
        &mut self,
        kind: FlowKind,
    ) -> Result<(IdentificazioneFlusso, TsFlusso), SiussError> {
        let progressive = self
            .options
            .first_progressive
            .checked_add(self.made)
            .ok_or(SiussError::FlowName("the daily progressive must be 1-9999999"))?;
        let name = NomeFlusso::new(&self.header.ente.codice, kind, self.options.date, progressive)?;
        let ts = self
            .options
            .first_ts
            .plus_millis(i64::from(self.made))
            .ok_or_else(|| SiussError::Envelope("ts_flusso out of range".to_owned()))?;
        self.made += 1;
        Ok((IdentificazioneFlusso { nome: name.to_string(), ente: self.header.ente.clone() }, ts))
    }

    fn beneficiario(
        &mut self,
        b: &Beneficiario,
        out: &mut Vec<FlussoWaas>,
    ) -> Result<(), SiussError> {
        for p in &b.prestazioni {
            let (identificazione, ts) = self.next_header(FlowKind::Ps)?;
            let single = FlussoPs {
                identificazione,
                beneficiari: vec![Beneficiario { prestazioni: vec![p.clone()], ..b.clone() }],
            };
            out.push(FlussoWaas::from_ps(&single, ts)?);
        }
        Ok(())
    }

    fn sinba(&mut self, s: &Sinba, out: &mut Vec<FlussoWaas>) -> Result<(), SiussError> {
        for code in &s.prestazioni {
            let (identificazione, ts) = self.next_header(FlowKind::Sinba)?;
            let single = FlussoSinba {
                identificazione,
                schede: vec![Sinba { prestazioni: vec![code.clone()], ..s.clone() }],
            };
            out.push(FlussoWaas::from_sinba(&single, ts)?);
        }
        Ok(())
    }
}

/// Splits a PS flow into WaaS entries, one per (beneficiary, benefit).
pub fn split_ps(flow: &FlussoPs, options: &SplitOptions) -> Result<Vec<FlussoWaas>, SiussError> {
    let mut splitter = Splitter { header: &flow.identificazione, options, made: 0 };
    let mut out = Vec::new();
    for b in &flow.beneficiari {
        splitter.beneficiario(b, &mut out)?;
    }
    Ok(out)
}

/// Splits a SINBA flow into WaaS entries, one per (record, benefit code).
pub fn split_sinba(
    flow: &FlussoSinba,
    options: &SplitOptions,
) -> Result<Vec<FlussoWaas>, SiussError> {
    let mut splitter = Splitter { header: &flow.identificazione, options, made: 0 };
    let mut out = Vec::new();
    for s in &flow.schede {
        splitter.sinba(s, &mut out)?;
    }
    Ok(out)
}

/// What [`split_xml`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SplitSummary {
    /// Records read.
    pub records: usize,
    /// Records skipped because they break a rule (their issues went to `on_issue`).
    pub skipped: usize,
    /// WaaS entries made.
    pub flows: usize,
}

/// Splits a bulk XML flow of either kind, streaming: each record is checked, a bad record is
/// reported through `on_issue` and skipped, the others become WaaS entries handed to
/// `on_flow` in order. Fails only on malformed XML or when `on_flow` fails.
pub fn split_xml(
    input: impl BufRead,
    options: &SplitOptions,
    mut on_flow: impl FnMut(FlussoWaas) -> Result<(), SiussError>,
    mut on_issue: impl FnMut(Issue),
) -> Result<SplitSummary, SiussError> {
    let mut reader = FlowReader::new(input)?;
    let header = reader.identificazione().clone();
    let kind = reader.kind();
    let mut splitter = Splitter { header: &header, options, made: 0 };
    let mut summary = SplitSummary { records: 0, skipped: 0, flows: 0 };
    let mut made = Vec::new();
    while let Some(read) = reader.next_record()? {
        summary.records += 1;
        let mut issues = read.issues;
        match &read.record {
            Some(Record::Beneficiario(b)) => validate_beneficiario(read.index, b, &mut issues),
            Some(Record::Sinba(s)) => validate_sinba(read.index, s, &mut issues),
            None => {}
        }
        let bad = read.record.is_none() || issues.iter().any(Issue::is_error);
        for issue in issues {
            on_issue(issue);
        }
        if bad {
            summary.skipped += 1;
            continue;
        }
        made.clear();
        match (&read.record, kind) {
            (Some(Record::Beneficiario(b)), FlowKind::Ps) => splitter.beneficiario(b, &mut made)?,
            (Some(Record::Sinba(s)), FlowKind::Sinba) => splitter.sinba(s, &mut made)?,
            _ => {}
        }
        for flow in made.drain(..) {
            summary.flows += 1;
            on_flow(flow)?;
        }
    }
    Ok(summary)
}
