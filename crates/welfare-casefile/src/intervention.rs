//! The intervention catalogue, planned interventions and deliveries: everything a SIUSS
//! `PrestazioniSociali` record needs (INPS WaaS-SIUSS specification v2.0.1, Allegato B).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use welfare_types::dates::DateRange;
use welfare_types::Money;

use crate::error::{Error, Result};
use crate::forms::FormResponse;
use crate::ids::{
    DeliveryId, InterventionTypeId, IstanzaId, PaiId, PersonId, PlannedInterventionId,
};
use crate::intake::AreaUtenza;

/// An INPS `CodicePrestazione` (5–10 characters, e.g. `A1.04`, `A1.05.01`, `Z9.99`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct CodicePrestazione(String);

/// A text that is not a codice prestazione.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("codice prestazione must be 5-10 characters of the form A1.04 or A1.05.01")]
pub struct CodicePrestazioneError;

impl CodicePrestazione {
    /// Checks the shape: a letter, a digit, then dot-separated groups of two digits; 5–10 chars.
    pub fn new(text: &str) -> Result<CodicePrestazione, CodicePrestazioneError> {
        let b = text.as_bytes();
        let shape = (5..=10).contains(&b.len())
            && b.first().is_some_and(u8::is_ascii_uppercase)
            && b.get(1).is_some_and(u8::is_ascii_digit)
            && text.get(2..).is_some_and(|rest| {
                rest.split('.')
                    .skip(1)
                    .all(|g| g.len() == 2 && g.bytes().all(|c| c.is_ascii_digit()))
                    && rest.starts_with('.')
            });
        if shape {
            Ok(CodicePrestazione(text.to_owned()))
        } else {
            Err(CodicePrestazioneError)
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Codes to which SISO lets a SINA assessment be linked (A1.04, A1.10–A1.16, A1.23,
    /// A2.07, A2.08, A2.14, A2.20, A2.21, A3.02).
    pub fn default_sina_linkable(&self) -> bool {
        const LIST: &[&str] = &[
            "A1.04", "A1.10", "A1.11", "A1.12", "A1.13", "A1.14", "A1.15", "A1.16", "A1.23",
            "A2.07", "A2.08", "A2.14", "A2.20", "A2.21", "A3.02",
        ];
        LIST.iter().any(|c| self.0.get(..5) == Some(*c))
    }

    /// Codes A2.16–A2.29 go to SIUSS only when the person is taken in charge by the
    /// professional social service.
    pub fn default_only_if_in_charge(&self) -> bool {
        match (self.0.get(..3), self.0.get(3..5).and_then(|n| n.parse::<u8>().ok())) {
            (Some("A2."), Some(n)) => (16..=29).contains(&n),
            _ => false,
        }
    }
}

impl TryFrom<String> for CodicePrestazione {
    type Error = CodicePrestazioneError;
    fn try_from(text: String) -> Result<CodicePrestazione, CodicePrestazioneError> {
        CodicePrestazione::new(&text)
    }
}

impl From<CodicePrestazione> for String {
    fn from(code: CodicePrestazione) -> String {
        code.0
    }
}

impl fmt::Debug for CodicePrestazione {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodicePrestazione({})", self.0)
    }
}

impl fmt::Display for CodicePrestazione {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A node of the local intervention catalogue (a tree), mapped to an INPS code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CatalogueEntry {
    /// Identifier.
    pub id: InterventionTypeId,
    /// Parent node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<InterventionTypeId>,
    /// Local name.
    pub name: String,
    /// INPS code (leaves that are exported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inps_code: Option<CodicePrestazione>,
    /// INPS label (`DenominazionePrestazione`, 10–200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inps_label: Option<String>,
    /// Part of the PSA (prestazioni sociali agevolate, ISEE-tested) subset.
    pub psa: bool,
    /// Exported to SIUSS only when the person is taken in charge.
    pub only_if_in_charge: bool,
    /// A SINA assessment may be linked.
    pub sina_linkable: bool,
    /// Never exported.
    pub do_not_export: bool,
    /// When the node may be used.
    pub valid: DateRange,
}

/// The local catalogue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Catalogue {
    /// Nodes by id.
    pub entries: BTreeMap<InterventionTypeId, CatalogueEntry>,
}

impl Catalogue {
    /// Adds a node.
    pub fn insert(&mut self, entry: CatalogueEntry) {
        self.entries.insert(entry.id.clone(), entry);
    }

    /// Checks that parents exist and the tree has no cycle.
    pub fn validate(&self) -> Result<()> {
        for entry in self.entries.values() {
            let mut seen = 0usize;
            let mut cursor = entry.parent.as_ref();
            while let Some(parent) = cursor {
                seen += 1;
                if seen > self.entries.len() {
                    return Err(Error::Invalid {
                        field: format!("catalogue.{}.parent", entry.id),
                        problem: "parents form a cycle".into(),
                    });
                }
                cursor = self
                    .entries
                    .get(parent)
                    .ok_or_else(|| Error::Invalid {
                        field: format!("catalogue.{}.parent", entry.id),
                        problem: "names an unknown node".into(),
                    })?
                    .parent
                    .as_ref();
            }
        }
        Ok(())
    }

    /// The node usable on `date`.
    pub fn entry_on(&self, id: &InterventionTypeId, date: NaiveDate) -> Result<&CatalogueEntry> {
        self.entries.get(id).filter(|e| e.valid.contains(date)).ok_or_else(|| Error::Invalid {
            field: format!("catalogue.{id}"),
            problem: "no such intervention type valid on the date".into(),
        })
    }
}

/// Administrative status of a planned intervention (SISO's administrative sheet V/G/A/S/C).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum AdminStatus {
    /// Under assessment (V).
    UnderAssessment,
    /// Ranked in a graduatoria (G).
    Ranked {
        /// Score.
        score: i64,
        /// Band.
        band: Option<String>,
    },
    /// Active (A) from a day.
    Active {
        /// First day.
        from: NaiveDate,
    },
    /// Suspended (S) from a day.
    Suspended {
        /// First day.
        from: NaiveDate,
        /// Reason.
        reason: String,
    },
    /// Closed (C) on a day.
    Closed {
        /// Closure day.
        on: NaiveDate,
        /// Reason.
        reason: String,
    },
    /// Rejected.
    Rejected {
        /// Reason.
        reason: String,
    },
}

impl AdminStatus {
    /// The status's name.
    pub fn name(&self) -> &'static str {
        match self {
            AdminStatus::UnderAssessment => "under_assessment",
            AdminStatus::Ranked { .. } => "ranked",
            AdminStatus::Active { .. } => "active",
            AdminStatus::Suspended { .. } => "suspended",
            AdminStatus::Closed { .. } => "closed",
            AdminStatus::Rejected { .. } => "rejected",
        }
    }

    /// Whether `next` may follow this status.
    pub fn may_become(&self, next: &AdminStatus) -> bool {
        use AdminStatus as S;
        matches!(
            (self, next),
            (S::UnderAssessment, S::Ranked { .. } | S::Active { .. } | S::Rejected { .. })
                | (S::Ranked { .. }, S::Active { .. } | S::Rejected { .. })
                | (S::Active { .. }, S::Suspended { .. } | S::Closed { .. })
                | (S::Suspended { .. }, S::Active { .. } | S::Closed { .. })
        )
    }
}

/// A planned (programmed) intervention.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlannedIntervention {
    /// Identifier.
    pub id: PlannedInterventionId,
    /// Catalogue node.
    pub intervention_type: InterventionTypeId,
    /// Catalogue flags and INPS mapping, copied at planning time so the fold stays pure.
    pub catalogue: CatalogueEntry,
    /// Beneficiary.
    pub beneficiary: PersonId,
    /// Linked PAI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pai: Option<PaiId>,
    /// Originating istanza.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub istanza: Option<IstanzaId>,
    /// Planned period.
    pub period: DateRange,
    /// Area utenza.
    pub area: AreaUtenza,
    /// Status.
    pub status: AdminStatus,
}

/// SIUSS `PresenzaProvaMezzi`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProvaMezzi {
    /// 1 – subject to ISEE.
    Isee,
    /// 2 – means-tested, not via ISEE.
    OtherMeansTest,
    /// 3 – normally ISEE-tested, waived for this beneficiary.
    IseeWaived,
    /// 4 – not means-tested.
    None,
}

impl ProvaMezzi {
    /// The SIUSS code 1–4.
    pub fn siuss_code(self) -> u8 {
        match self {
            ProvaMezzi::Isee => 1,
            ProvaMezzi::OtherMeansTest => 2,
            ProvaMezzi::IseeWaived => 3,
            ProvaMezzi::None => 4,
        }
    }
}

/// Reference to a DSU (ISEE declaration): `NumeroProtocolloDSU`, `AnnoProtocolloDSU`, `DataDSU`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DsuReference {
    /// Protocol, e.g. `INPS-ISEE-2026-00000032P-00` (≤ 30 characters).
    pub protocol: String,
    /// Year of the protocol.
    pub year: i32,
    /// Date of the DSU.
    pub date: NaiveDate,
}

impl DsuReference {
    /// Checks the protocol: `INPS-ISEE-YYYY-NNNNNNNN[L]-NN`, year consistent, ≤ 30 characters.
    pub fn validate(&self) -> Result<()> {
        let p = self.protocol.as_str();
        let parts: Vec<&str> = p.split('-').collect();
        let ok = p.len() <= 30
            && matches!(parts.as_slice(), [a, b, y, n, s]
                if *a == "INPS" && *b == "ISEE"
                && y.len() == 4 && y.bytes().all(|c| c.is_ascii_digit())
                && (n.len() == 8 || n.len() == 9)
                && n.bytes().take(8).all(|c| c.is_ascii_digit())
                && n.bytes().skip(8).all(|c| c.is_ascii_uppercase())
                && s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(Error::invalid(
                "dsu.protocol",
                "is not of the form INPS-ISEE-YYYY-NNNNNNNNL-NN",
            ));
        }
        if parts.get(2).and_then(|y| y.parse::<i32>().ok()) != Some(self.year) {
            return Err(Error::invalid("dsu.year", "differs from the year in the protocol"));
        }
        Ok(())
    }
}

/// Monthly hours of service in SIUSS's `HH,MM` notation (hours and minutes, not decimals).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HoursMinutes {
    /// Hours.
    pub hours: u32,
    /// Minutes, 0–59.
    pub minutes: u32,
}

impl HoursMinutes {
    /// SIUSS text, `2.59` for 2 h 59 min.
    pub fn siuss_text(self) -> String {
        format!("{}.{:02}", self.hours, self.minutes)
    }
}

/// Periodic or one-off (SIUSS `CaratterePrestazione` 1 / 2) with its amounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "character")]
pub enum DeliveryAmount {
    /// Periodic: `DataInizioPrestazione`, `DataFinePrestazione` (same calendar year),
    /// `PeriodoErogazione` months, `ImportoMensile`.
    Periodic {
        /// First day.
        from: NaiveDate,
        /// Last day.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<NaiveDate>,
        /// Months of delivery, 1–12.
        months: u32,
        /// Monthly amount.
        monthly: Money,
    },
    /// One-off: `DataErogazionePrestazione`, `ImportoPrestazione`.
    OneOff {
        /// Day of payment or service.
        on: NaiveDate,
        /// Amount.
        amount: Money,
    },
}

impl DeliveryAmount {
    /// The amount the shares must add up to: monthly (periodic) or total (one-off).
    pub fn reference_amount(&self) -> Money {
        match self {
            DeliveryAmount::Periodic { monthly, .. } => *monthly,
            DeliveryAmount::OneOff { amount, .. } => *amount,
        }
    }

    /// Total spending: monthly × months, or the one-off amount.
    pub fn total(&self) -> Result<Money> {
        match self {
            DeliveryAmount::Periodic { monthly, months, .. } => monthly
                .checked_mul(rust_decimal::Decimal::from(*months))
                .map_err(|_| Error::Money { field: "delivery.amount".into() }),
            DeliveryAmount::OneOff { amount, .. } => Ok(*amount),
        }
    }

    /// The first day of the delivery.
    pub fn first_day(&self) -> NaiveDate {
        match self {
            DeliveryAmount::Periodic { from, .. } => *from,
            DeliveryAmount::OneOff { on, .. } => *on,
        }
    }
}

/// Cost shares: `ImportoQuotaEnte`, `ImportoQuotaUtente`, `ImportoQuotaSSN`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Shares {
    /// Paid by the ente.
    pub ente: Money,
    /// Paid by the user.
    pub utente: Money,
    /// Paid by the health service.
    pub ssn: Money,
}

/// A delivery (erogazione) of a planned intervention.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Delivery {
    /// Identifier.
    pub id: DeliveryId,
    /// The planned intervention delivered.
    pub planned: PlannedInterventionId,
    /// Amounts.
    pub amount: DeliveryAmount,
    /// Shares, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shares: Option<Shares>,
    /// Monthly hours of service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_month: Option<HoursMinutes>,
    /// Means test.
    pub means_test: ProvaMezzi,
    /// DSU used, when means-tested by ISEE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dsu: Option<DsuReference>,
    /// The comune's application protocol (`ProtocolloDomanda`).
    pub application_protocol: String,
    /// SINA assessment linked to the delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sina: Option<FormResponse>,
}

/// A reason a delivery is not ready for SIUSS.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SiussGap {
    /// The catalogue node has no INPS code.
    NoInpsCode,
    /// The catalogue node has no INPS label of 10–200 characters.
    NoInpsLabel,
    /// The node is marked do-not-export.
    NotExported,
    /// The code is exported only with presa in carico, and the case is not in charge.
    RequiresPresaInCarico,
    /// Means test is ISEE but no DSU is referenced.
    MissingDsu,
    /// The application protocol is empty or longer than 32 characters.
    BadApplicationProtocol,
    /// The case has no such delivery.
    UnknownDelivery,
}

impl Delivery {
    /// Checks the SIUSS consistency rules that do not depend on the case.
    pub fn validate(&self, planned: &PlannedInterventionId) -> Result<()> {
        if &self.planned != planned {
            return Err(Error::invalid("delivery.planned", "names another intervention"));
        }
        match &self.amount {
            DeliveryAmount::Periodic { from, to, months, monthly } => {
                if !(1..=12).contains(months) {
                    return Err(Error::invalid("delivery.amount.months", "must be 1-12"));
                }
                if monthly.is_negative() || monthly.is_zero() {
                    return Err(Error::invalid("delivery.amount.monthly", "must be positive"));
                }
                if let Some(to) = to {
                    if to < from || to.year() != from.year() {
                        return Err(Error::invalid(
                            "delivery.amount.to",
                            "must not precede the start and must be in the same calendar year",
                        ));
                    }
                }
            }
            DeliveryAmount::OneOff { amount, .. } => {
                if amount.is_negative() || amount.is_zero() {
                    return Err(Error::invalid("delivery.amount.amount", "must be positive"));
                }
            }
        }
        if let Some(s) = &self.shares {
            if s.ente.is_negative() || s.utente.is_negative() || s.ssn.is_negative() {
                return Err(Error::invalid("delivery.shares", "must not be negative"));
            }
            let sum = Money::checked_sum([s.ente, s.utente, s.ssn])
                .map_err(|_| Error::Money { field: "delivery.shares".into() })?;
            if sum != self.amount.reference_amount() {
                return Err(Error::invalid(
                    "delivery.shares",
                    "ente + utente + ssn must equal the monthly (periodic) or total (one-off) amount",
                ));
            }
        }
        if let Some(h) = self.hours_per_month {
            if h.minutes > 59 {
                return Err(Error::invalid("delivery.hours_per_month.minutes", "must be 0-59"));
            }
        }
        if let Some(dsu) = &self.dsu {
            dsu.validate()?;
        }
        Ok(())
    }

    /// What still prevents exporting this delivery to SIUSS.
    pub fn siuss_gaps(&self, planned: &PlannedIntervention, in_charge: bool) -> Vec<SiussGap> {
        let mut gaps = Vec::new();
        let c = &planned.catalogue;
        if c.inps_code.is_none() {
            gaps.push(SiussGap::NoInpsCode);
        }
        if !c.inps_label.as_ref().is_some_and(|l| (10..=200).contains(&l.chars().count())) {
            gaps.push(SiussGap::NoInpsLabel);
        }
        if c.do_not_export {
            gaps.push(SiussGap::NotExported);
        }
        if c.only_if_in_charge && !in_charge {
            gaps.push(SiussGap::RequiresPresaInCarico);
        }
        if self.means_test == ProvaMezzi::Isee && self.dsu.is_none() {
            gaps.push(SiussGap::MissingDsu);
        }
        let len = self.application_protocol.chars().count();
        if !(1..=32).contains(&len) {
            gaps.push(SiussGap::BadApplicationProtocol);
        }
        gaps
    }
}
