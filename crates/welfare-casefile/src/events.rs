//! The event envelope shared by every aggregate, and its canonical byte form.
//!
//! ## Canonical bytes
//!
//! An event's canonical form is the compact JSON (`serde_json::to_vec`) of its
//! [`EventEnvelope`]: fields in declaration order, maps are `BTreeMap` (sorted keys), no floats
//! anywhere (amounts are decimal strings, dates ISO 8601, instants RFC 3339 in UTC), opaque JSON
//! (a rules engine's decision record) carried as a string. The bytes are produced once, when the
//! event is sealed into the hash chain, and stored as they are: readers hash the stored bytes,
//! never a re-serialisation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::case::CaseEvent;
use crate::group::GroupEvent;
use crate::ids::{CaseId, CommandId, GroupId, IntakeId, IstanzaId, OperatorId, PersonId, TenantId};
use crate::intake::IntakeEvent;
use crate::istanza::{IstanzaEvent, Outcome};
use crate::person::PersonEvent;

/// Version of the envelope format, written into every event.
pub const ENVELOPE_VERSION: u32 = 1;

/// The kind of an aggregate.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AggregateKind {
    /// [`crate::tenancy::Tenant`] (its configuration).
    Tenant,
    /// [`crate::person::Person`].
    Person,
    /// [`crate::group::Group`].
    Group,
    /// [`crate::intake::Intake`].
    Intake,
    /// [`crate::case::Case`].
    Case,
    /// [`crate::istanza::Istanza`].
    Istanza,
}

/// A reference to one aggregate: its kind and id. Serialized as `{"case": "C-1"}`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AggregateRef {
    /// The tenant's configuration.
    Tenant(TenantId),
    /// A person.
    Person(PersonId),
    /// A group.
    Group(GroupId),
    /// An intake.
    Intake(IntakeId),
    /// A case.
    Case(CaseId),
    /// An istanza.
    Istanza(IstanzaId),
}

impl AggregateRef {
    /// The kind.
    pub fn kind(&self) -> AggregateKind {
        match self {
            AggregateRef::Tenant(_) => AggregateKind::Tenant,
            AggregateRef::Person(_) => AggregateKind::Person,
            AggregateRef::Group(_) => AggregateKind::Group,
            AggregateRef::Intake(_) => AggregateKind::Intake,
            AggregateRef::Case(_) => AggregateKind::Case,
            AggregateRef::Istanza(_) => AggregateKind::Istanza,
        }
    }

    /// The id as text.
    pub fn id_str(&self) -> &str {
        match self {
            AggregateRef::Tenant(i) => i.as_str(),
            AggregateRef::Person(i) => i.as_str(),
            AggregateRef::Group(i) => i.as_str(),
            AggregateRef::Intake(i) => i.as_str(),
            AggregateRef::Case(i) => i.as_str(),
            AggregateRef::Istanza(i) => i.as_str(),
        }
    }
}

impl std::fmt::Display for AggregateRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind() {
            AggregateKind::Tenant => "tenant",
            AggregateKind::Person => "person",
            AggregateKind::Group => "group",
            AggregateKind::Intake => "intake",
            AggregateKind::Case => "case",
            AggregateKind::Istanza => "istanza",
        };
        write!(f, "{kind}/{}", self.id_str())
    }
}

/// The payload of an event: one variant per aggregate kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventPayload {
    /// A tenant configuration event.
    Tenant(crate::tenancy::TenantEvent),
    /// A person event.
    Person(PersonEvent),
    /// A group event.
    Group(GroupEvent),
    /// An intake event.
    Intake(IntakeEvent),
    /// A case event.
    Case(CaseEvent),
    /// An istanza event.
    Istanza(IstanzaEvent),
}

/// An event with everything needed to store, chain and audit it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EventEnvelope {
    /// [`ENVELOPE_VERSION`].
    pub version: u32,
    /// Tenant.
    pub tenant: TenantId,
    /// Aggregate.
    pub aggregate: AggregateRef,
    /// Position in the aggregate's stream, from 1.
    pub sequence: u64,
    /// The command that produced the event.
    pub command_id: CommandId,
    /// Who issued the command.
    pub actor: OperatorId,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// What happened.
    pub payload: EventPayload,
}

impl EventEnvelope {
    /// The canonical bytes (see the module docs).
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, crate::chain::ChainError> {
        serde_json::to_vec(self).map_err(|_| crate::chain::ChainError::Encode)
    }
}

/// What an outbox message announces. Messages carry ids only; consumers load the aggregate.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutboxTopic {
    /// A case was opened.
    CaseOpened,
    /// A case was taken in charge.
    CaseTakenInCharge,
    /// A case was closed.
    CaseClosed,
    /// A delivery was recorded: a SIUSS PS/PSA(/SINA) record is due.
    SiussDeliveryRecorded,
    /// A SINBA assessment was recorded: a SINBA record is due.
    SinbaAssessmentRecorded,
    /// An istanza was submitted (acknowledge receipt, art. 8 L. 241/1990).
    IstanzaSubmitted,
    /// Documents were requested from the applicant.
    IstanzaIntegrationRequested,
    /// A preavviso di rigetto must be notified.
    IstanzaPreavviso,
    /// An istanza was granted.
    IstanzaGranted,
    /// An istanza was rejected.
    IstanzaRejected,
}

impl EventPayload {
    /// The outbox topics an event raises.
    pub fn outbox_topics(&self) -> Vec<OutboxTopic> {
        let topic = match self {
            EventPayload::Case(CaseEvent::Opened { .. }) => Some(OutboxTopic::CaseOpened),
            EventPayload::Case(CaseEvent::TakenInCharge { .. }) => {
                Some(OutboxTopic::CaseTakenInCharge)
            }
            EventPayload::Case(CaseEvent::Closed { .. }) => Some(OutboxTopic::CaseClosed),
            EventPayload::Case(CaseEvent::DeliveryRecorded { .. }) => {
                Some(OutboxTopic::SiussDeliveryRecorded)
            }
            EventPayload::Case(CaseEvent::EntryAdded(e)) => match &e.payload {
                crate::case::JournalPayload::Assessment(r) if r.form == "sinba" => {
                    Some(OutboxTopic::SinbaAssessmentRecorded)
                }
                _ => None,
            },
            EventPayload::Istanza(IstanzaEvent::Submitted { .. }) => {
                Some(OutboxTopic::IstanzaSubmitted)
            }
            EventPayload::Istanza(IstanzaEvent::IntegrationRequested { .. }) => {
                Some(OutboxTopic::IstanzaIntegrationRequested)
            }
            EventPayload::Istanza(IstanzaEvent::PreavvisoSent { .. }) => {
                Some(OutboxTopic::IstanzaPreavviso)
            }
            EventPayload::Istanza(IstanzaEvent::Decided(d)) => Some(match d.outcome {
                Outcome::Granted => OutboxTopic::IstanzaGranted,
                Outcome::Rejected => OutboxTopic::IstanzaRejected,
            }),
            _ => None,
        };
        topic.into_iter().collect()
    }

    /// How the event changes the "one open case per person" index, if it does.
    pub fn occupancy(&self) -> Option<Occupancy<'_>> {
        match self {
            EventPayload::Case(CaseEvent::Opened { person, .. }) => Some(Occupancy::Opens(person)),
            EventPayload::Case(CaseEvent::Reopened { .. }) => Some(Occupancy::Reopens),
            EventPayload::Case(CaseEvent::Closed { .. }) => Some(Occupancy::Closes),
            _ => None,
        }
    }
}

/// A change of the "one open case per person per tenant" index.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Occupancy<'a> {
    /// The case opens for this person.
    Opens(&'a PersonId),
    /// The case (whose person the store already knows) reopens.
    Reopens,
    /// The case closes.
    Closes,
}
