//! The SIUSS `PrestazioniSociali` record of a delivery, as plain data.
//!
//! [`prestazione_sociale`] turns a recorded delivery of a case into the attributes of one
//! `PrestazioniSociali` element of the PS/PSA flow (`PS_PSA_SINA201812.xsd`; INPS WaaS-SIUSS
//! specification v2.0.1, Allegato B, Tabella 9), field names spelled as the XSD spells them.
//! Serializing and sending it belong to the SIUSS crate; this crate does not depend on it.
//!
//! Rules applied: `CaratterePrestazione` 1 (periodic: `DataInizioPrestazione`, `ImportoMensile`,
//! `PeriodoErogazione`) or 2 (one-off: `DataErogazionePrestazione`, `ImportoPrestazione`); the
//! three DSU fields together or none; shares only when recorded, a zero ente or SSN share left
//! out (the XSD wants them > 0); `OreServizioMensile` in `HH.MM`; `PresaCarico` 1/2 from the
//! case at the time of the delivery, and `AreaUtenza` whenever it is 1.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use welfare_types::Money;

use crate::case::Case;
use crate::forms::FormResponse;
use crate::ids::DeliveryId;
use crate::intervention::{DeliveryAmount, SiussGap};

/// One `PrestazioniSociali` record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct PrestazioneSociale {
    /// `I` insert.
    pub tipo_operazione: String,
    /// 1–4.
    pub presenza_prova_mezzi: u8,
    /// 1 periodic, 2 one-off.
    pub carattere_prestazione: u8,
    /// DSU protocol.
    #[serde(rename = "NumeroProtocolloDSU", skip_serializing_if = "Option::is_none")]
    pub numero_protocollo_dsu: Option<String>,
    /// DSU protocol year.
    #[serde(rename = "AnnoProtocolloDSU", skip_serializing_if = "Option::is_none")]
    pub anno_protocollo_dsu: Option<i32>,
    /// DSU date.
    #[serde(rename = "DataDSU", skip_serializing_if = "Option::is_none")]
    pub data_dsu: Option<NaiveDate>,
    /// INPS code.
    pub codice_prestazione: String,
    /// INPS label.
    pub denominazione_prestazione: String,
    /// The comune's application protocol.
    pub protocollo_domanda: String,
    /// Periodic: first day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_inizio_prestazione: Option<NaiveDate>,
    /// Periodic: last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_fine_prestazione: Option<NaiveDate>,
    /// One-off: day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_erogazione_prestazione: Option<NaiveDate>,
    /// One-off: amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importo_prestazione: Option<Money>,
    /// Periodic: months 1–12.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub periodo_erogazione: Option<u32>,
    /// Periodic: monthly amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importo_mensile: Option<Money>,
    /// Ente share (> 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importo_quota_ente: Option<Money>,
    /// User share (≥ 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importo_quota_utente: Option<Money>,
    /// SSN share (> 0).
    #[serde(rename = "ImportoQuotaSSN", skip_serializing_if = "Option::is_none")]
    pub importo_quota_ssn: Option<Money>,
    /// Monthly hours, `HH.MM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ore_servizio_mensile: Option<String>,
    /// 1 taken in charge, 2 not.
    pub presa_carico: u8,
    /// 1–3, present when `PresaCarico` is 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area_utenza: Option<u8>,
    /// The SINA assessment, when linked (item codes are the XSD attribute names).
    #[serde(rename = "SINA", skip_serializing_if = "Option::is_none")]
    pub sina: Option<FormResponse>,
}

/// The SIUSS record of a delivery, or what prevents it.
pub fn prestazione_sociale(
    case: &Case,
    delivery: &DeliveryId,
) -> Result<PrestazioneSociale, Vec<SiussGap>> {
    let Some((d, in_charge)) = case.deliveries.get(delivery) else {
        return Err(vec![SiussGap::UnknownDelivery]);
    };
    let Some(plan) = case.interventions.get(&d.planned) else {
        return Err(vec![SiussGap::UnknownDelivery]);
    };
    let gaps = d.siuss_gaps(plan, *in_charge);
    let (Some(code), Some(label)) = (&plan.catalogue.inps_code, &plan.catalogue.inps_label) else {
        return Err(gaps);
    };
    if !gaps.is_empty() {
        return Err(gaps);
    }
    let positive = |m: Money| (!m.is_zero()).then_some(m);
    let (carattere, start, end, on, amount, months, monthly) = match &d.amount {
        DeliveryAmount::Periodic { from, to, months, monthly } => {
            (1, Some(*from), *to, None, None, Some(*months), Some(*monthly))
        }
        DeliveryAmount::OneOff { on, amount } => {
            (2, None, None, Some(*on), Some(*amount), None, None)
        }
    };
    Ok(PrestazioneSociale {
        tipo_operazione: "I".into(),
        presenza_prova_mezzi: d.means_test.siuss_code(),
        carattere_prestazione: carattere,
        numero_protocollo_dsu: d.dsu.as_ref().map(|x| x.protocol.clone()),
        anno_protocollo_dsu: d.dsu.as_ref().map(|x| x.year),
        data_dsu: d.dsu.as_ref().map(|x| x.date),
        codice_prestazione: code.as_str().to_owned(),
        denominazione_prestazione: label.clone(),
        protocollo_domanda: d.application_protocol.clone(),
        data_inizio_prestazione: start,
        data_fine_prestazione: end.filter(|e| start.is_some_and(|s| s.year() == e.year())),
        data_erogazione_prestazione: on,
        importo_prestazione: amount,
        periodo_erogazione: months,
        importo_mensile: monthly,
        importo_quota_ente: d.shares.and_then(|s| positive(s.ente)),
        importo_quota_utente: d.shares.map(|s| s.utente),
        importo_quota_ssn: d.shares.and_then(|s| positive(s.ssn)),
        ore_servizio_mensile: d.hours_per_month.map(|h| h.siuss_text()),
        presa_carico: if *in_charge { 1 } else { 2 },
        area_utenza: in_charge.then(|| plan.area.siuss_code()),
        sina: d.sina.clone(),
    })
}
