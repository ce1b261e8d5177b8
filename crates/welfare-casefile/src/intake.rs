//! Intake at the access desk (segretariato sociale): the access record and the referral that
//! proposes opening or assigning a case.
//!
//! Referral states: `pending → seen → linked | rejected`, `pending → linked | rejected`.
//! Linked and rejected are final.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, Subject, TransitionError};
use crate::ids::{CaseId, IntakeId, OrganisationId, PersonId, UnitId};

/// How the person reached the service.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccessMode {
    /// In person at the desk.
    InPerson,
    /// E-mail.
    Email,
    /// Home visit.
    HomeVisit,
    /// Written referral.
    WrittenReferral,
    /// Phone referral.
    PhoneReferral,
    /// Other remote channel.
    OtherRemote,
}

/// Who spoke to the desk.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Interlocutor {
    /// The person concerned.
    User,
    /// A relative.
    Relative,
    /// A private organisation.
    Organisation,
    /// A public institution.
    Institution,
    /// A judicial authority.
    JudicialAuthority,
    /// Someone else.
    Other,
}

/// Why the contact happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccessReason {
    /// A court decree.
    Decree,
    /// Sent by another unit.
    SentBy(UnitId),
    /// Spontaneous.
    Spontaneous,
    /// Summoned by the service.
    Summoned,
}

/// SIUSS area utenza (`AreaUtenza`: 1 famiglia e minori, 2 disabilità e non autosufficienza,
/// 3 povertà ed esclusione sociale).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AreaUtenza {
    /// 1 – famiglia e minori.
    FamigliaMinori,
    /// 2 – disabilità e non autosufficienza.
    DisabilitaNonAutosufficienza,
    /// 3 – povertà ed esclusione sociale.
    PovertaEsclusione,
}

impl AreaUtenza {
    /// The SIUSS code.
    pub fn siuss_code(self) -> u8 {
        match self {
            AreaUtenza::FamigliaMinori => 1,
            AreaUtenza::DisabilitaNonAutosufficienza => 2,
            AreaUtenza::PovertaEsclusione => 3,
        }
    }
}

/// An access record (scheda di accesso).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccessRecord {
    /// Day of the access.
    pub on: NaiveDate,
    /// The organisation whose desk was reached.
    pub organisation: OrganisationId,
    /// The desk's unit.
    pub unit: UnitId,
    /// Mode.
    pub mode: AccessMode,
    /// Interlocutor.
    pub interlocutor: Interlocutor,
    /// Reason.
    pub reason: AccessReason,
    /// The person concerned, once identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonId>,
    /// Reference persons (relatives, neighbours) known to the service.
    #[serde(default)]
    pub reference_persons: Vec<PersonId>,
    /// Coded needs expressed (local code table).
    #[serde(default)]
    pub needs: BTreeSet<String>,
    /// Areas concerned.
    #[serde(default)]
    pub areas: BTreeSet<AreaUtenza>,
    /// Whether the person was accompanied.
    pub accompanied: bool,
}

/// Where a referral came from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReferralOrigin {
    /// The access desk.
    Desk,
    /// An external system (health referral, another ente).
    ExternalSystem,
}

/// Referral state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReferralState {
    /// No referral proposed (desk contact only).
    None,
    /// Proposed to a unit, waiting.
    Pending {
        /// The receiving unit.
        to: UnitId,
    },
    /// Seen by the receiving unit.
    Seen {
        /// The receiving unit.
        to: UnitId,
    },
    /// Rejected with a note.
    Rejected,
    /// Linked to a case.
    Linked(CaseId),
}

impl ReferralState {
    /// The state's name.
    pub fn name(&self) -> &'static str {
        match self {
            ReferralState::None => "none",
            ReferralState::Pending { .. } => "pending",
            ReferralState::Seen { .. } => "seen",
            ReferralState::Rejected => "rejected",
            ReferralState::Linked(_) => "linked",
        }
    }
}

/// An intake (folded state).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Intake {
    /// Identifier.
    pub id: IntakeId,
    /// The access record.
    pub access: AccessRecord,
    /// Where the referral came from.
    pub origin: ReferralOrigin,
    /// Referral state.
    pub referral: ReferralState,
    /// Notes of the referral's decisions (seen / rejected).
    pub notes: Vec<String>,
}

/// An event of the intake aggregate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntakeEvent {
    /// The access was recorded.
    Recorded {
        /// Identifier.
        id: IntakeId,
        /// The record.
        access: AccessRecord,
        /// Origin.
        origin: ReferralOrigin,
    },
    /// The person was identified.
    PersonIdentified(PersonId),
    /// A referral was proposed to a unit.
    ReferralProposed {
        /// The receiving unit.
        to: UnitId,
    },
    /// The receiving unit saw the referral.
    ReferralSeen {
        /// Note.
        note: String,
    },
    /// The referral was rejected.
    ReferralRejected {
        /// Note.
        note: String,
    },
    /// The referral was linked to a case.
    ReferralLinked(CaseId),
}

/// A command to the intake aggregate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntakeCommand {
    /// Record an access.
    Record {
        /// The record.
        access: AccessRecord,
        /// Origin.
        origin: ReferralOrigin,
    },
    /// Identify the person concerned.
    IdentifyPerson(PersonId),
    /// Propose a referral to a unit.
    Propose {
        /// The receiving unit.
        to: UnitId,
    },
    /// Mark the referral seen.
    MarkSeen {
        /// Note.
        note: String,
    },
    /// Reject the referral.
    Reject {
        /// Note.
        note: String,
    },
    /// Link the referral to a case.
    Link(CaseId),
}

impl crate::engine::Aggregate for Intake {
    type Id = IntakeId;
    type Command = IntakeCommand;
    type Event = IntakeEvent;
    const SUBJECT: Subject = Subject::Intake;

    fn state_name(state: Option<&Intake>) -> &'static str {
        state.map_or("absent", |i| i.referral.name())
    }

    fn decide(
        id: &IntakeId,
        state: Option<&Intake>,
        command: &IntakeCommand,
        _ctx: &crate::engine::CommandContext,
    ) -> Result<Vec<IntakeEvent>> {
        let refuse = |command: &'static str| -> Error {
            TransitionError { subject: Subject::Intake, state: Self::state_name(state), command }
                .into()
        };
        let Some(intake) = state else {
            return match command {
                IntakeCommand::Record { access, origin } => Ok(vec![IntakeEvent::Recorded {
                    id: id.clone(),
                    access: access.clone(),
                    origin: *origin,
                }]),
                _ => Err(Error::NotFound { subject: Subject::Intake, id: id.to_string() }),
            };
        };
        match (&intake.referral, command) {
            (_, IntakeCommand::Record { .. }) => {
                Err(Error::AlreadyExists { subject: Subject::Intake, id: id.to_string() })
            }
            (
                ReferralState::Rejected | ReferralState::Linked(_),
                IntakeCommand::IdentifyPerson(_),
            ) => Err(refuse("identify_person")),
            (_, IntakeCommand::IdentifyPerson(p)) => {
                Ok(vec![IntakeEvent::PersonIdentified(p.clone())])
            }
            (ReferralState::None, IntakeCommand::Propose { to }) => {
                Ok(vec![IntakeEvent::ReferralProposed { to: to.clone() }])
            }
            (_, IntakeCommand::Propose { .. }) => Err(refuse("propose")),
            (ReferralState::Pending { .. }, IntakeCommand::MarkSeen { note }) => {
                Ok(vec![IntakeEvent::ReferralSeen { note: note.clone() }])
            }
            (_, IntakeCommand::MarkSeen { .. }) => Err(refuse("mark_seen")),
            (
                ReferralState::Pending { .. } | ReferralState::Seen { .. },
                IntakeCommand::Reject { note },
            ) => {
                if note.trim().is_empty() {
                    return Err(Error::invalid("reject.note", "a rejection needs a note"));
                }
                Ok(vec![IntakeEvent::ReferralRejected { note: note.clone() }])
            }
            (_, IntakeCommand::Reject { .. }) => Err(refuse("reject")),
            (
                ReferralState::Pending { .. } | ReferralState::Seen { .. },
                IntakeCommand::Link(c),
            ) => {
                if intake.access.person.is_none() {
                    return Err(Error::invalid(
                        "link",
                        "identify the person before linking a case",
                    ));
                }
                Ok(vec![IntakeEvent::ReferralLinked(c.clone())])
            }
            (_, IntakeCommand::Link(_)) => Err(refuse("link")),
        }
    }

    fn apply(state: Option<Intake>, event: &IntakeEvent) -> Result<Intake> {
        let Some(mut i) = state else {
            return match event {
                IntakeEvent::Recorded { id, access, origin } => Ok(Intake {
                    id: id.clone(),
                    access: access.clone(),
                    origin: *origin,
                    referral: ReferralState::None,
                    notes: Vec::new(),
                }),
                _ => Err(Error::NotFound { subject: Subject::Intake, id: String::new() }),
            };
        };
        match event {
            IntakeEvent::Recorded { .. } => {
                return Err(Error::AlreadyExists { subject: Subject::Intake, id: i.id.to_string() })
            }
            IntakeEvent::PersonIdentified(p) => i.access.person = Some(p.clone()),
            IntakeEvent::ReferralProposed { to } => {
                i.referral = ReferralState::Pending { to: to.clone() };
            }
            IntakeEvent::ReferralSeen { note } => {
                if let ReferralState::Pending { to } = &i.referral {
                    i.referral = ReferralState::Seen { to: to.clone() };
                }
                i.notes.push(note.clone());
            }
            IntakeEvent::ReferralRejected { note } => {
                i.referral = ReferralState::Rejected;
                i.notes.push(note.clone());
            }
            IntakeEvent::ReferralLinked(c) => i.referral = ReferralState::Linked(c.clone()),
        }
        Ok(i)
    }
}
