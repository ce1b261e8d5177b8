//! The istanza (application) and its procedure under L. 7 agosto 1990 n. 241.
//!
//! ## Lifecycle
//!
//! ```text
//! draft ─submit─▶ submitted ─start_review─▶ under_review ─grant──────────────▶ granted ─appeal─▶ appealed
//!                    │                       │  ▲     │
//!                    │                       │  │     ╰─send_preavviso─▶ preavviso_rigetto ─reject─▶ rejected ─appeal─▶ appealed
//!                    │        request_integration │                         │   (after observations or 10 days)
//!                    │                       ▼  │ receive_integration       ╰─grant─▶ granted
//!                    │               integration_requested
//!                    ╰──archive──▶ archived ◀──archive── (submitted, under_review, integration_requested)
//! ```
//!
//! A rejection is only possible after a *preavviso di rigetto* (art. 10-bis): the applicant has
//! ten days to send observations, and the rejection may follow once they arrive or the ten days
//! have run out. Every decision carries a motivazione (art. 3).
//!
//! ## Deadline
//!
//! The procedure must end within the term of the procedure (art. 2 c. 2: 30 days unless a law
//! or regulation says otherwise), counted from the day the istanza was received, as
//! [`crate::calendar`] describes, with the comune's holidays. The clock stops:
//!
//! * **integration requested** (art. 2 c. 7): once only, from the request until the documents
//!   arrive, for at most 30 days; while waiting, [`Istanza::deadline`] is `None`;
//! * **preavviso di rigetto** (art. 10-bis as amended by DL 76/2020): from the preavviso; the
//!   term runs again ten days after the observations arrive, or, without observations, when the
//!   ten days given for them expire (sent day + 10).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use welfare_types::Money;

use crate::calendar::{ItalianCalendar, Suspension};
use crate::case::DocumentRef;
use crate::error::{Error, Result, Subject, TransitionError};
use crate::ids::{CaseId, InterventionTypeId, IstanzaId, OrganisationId, PersonId};
use crate::intervention::DsuReference;

/// Default term of a procedure, L. 241/1990 art. 2 c. 2.
pub const DEFAULT_TERM_DAYS: u32 = 30;
/// Longest suspension for an integration, L. 241/1990 art. 2 c. 7.
pub const MAX_INTEGRATION_DAYS: u64 = 30;
/// Days the applicant has to answer a preavviso di rigetto, L. 241/1990 art. 10-bis.
pub const OBSERVATION_DAYS: u64 = 10;

/// How the istanza reached the ente.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// At the desk.
    InPerson,
    /// Posta elettronica certificata.
    Pec,
    /// Ordinary e-mail.
    Email,
    /// Post.
    Post,
    /// Online portal (SPID/CIE).
    OnlinePortal,
}

/// The procedure the istanza starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Procedure {
    /// Name, e.g. "Contributo economico straordinario".
    pub name: String,
    /// The intervention it may grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention_type: Option<InterventionTypeId>,
    /// Term in days ([`DEFAULT_TERM_DAYS`] unless the procedure's regulation says otherwise).
    pub term_days: u32,
}

/// Protocol registration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Protocol {
    /// Protocol number (1–32 characters, becomes SIUSS `ProtocolloDomanda`).
    pub number: String,
    /// Registration day.
    pub date: NaiveDate,
}

/// Outcome of a decision.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Accolta.
    Granted,
    /// Respinta.
    Rejected,
}

/// The final decision (provvedimento).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision {
    /// Outcome.
    pub outcome: Outcome,
    /// Day of the decision.
    pub decided_on: NaiveDate,
    /// Amount granted, if economic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// Motivazione (art. 3 L. 241/1990).
    pub motivazione: String,
    /// The rules engine's decision record, as opaque JSON text kept byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_record: Option<String>,
    /// Act number (determina), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act_number: Option<String>,
}

/// The preavviso di rigetto and its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Preavviso {
    /// Day it was notified.
    pub sent_on: NaiveDate,
    /// Reasons that stand in the way of granting.
    pub reasons: String,
    /// Day observations arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observations_on: Option<NaiveDate>,
}

impl Preavviso {
    /// The day the clock runs again: observations + 10 days, or sent + 10 days without them.
    pub fn resumes_on(&self) -> Option<NaiveDate> {
        self.observations_on.unwrap_or(self.sent_on).checked_add_days(Days::new(OBSERVATION_DAYS))
    }

    /// Whether a rejection may now be adopted.
    pub fn rejection_allowed_on(&self, day: NaiveDate) -> bool {
        self.observations_on.is_some()
            || self.sent_on.checked_add_days(Days::new(OBSERVATION_DAYS)).is_some_and(|d| day >= d)
    }
}

/// Status of an istanza.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IstanzaStatus {
    /// Being filled in.
    Draft,
    /// Received and protocolled.
    Submitted,
    /// Being instructed.
    UnderReview,
    /// Waiting for documents; clock stopped.
    IntegrationRequested,
    /// Preavviso di rigetto sent.
    PreavvisoRigetto,
    /// Granted.
    Granted,
    /// Rejected.
    Rejected,
    /// Archived (withdrawn or improcedibile).
    Archived,
    /// Appealed.
    Appealed,
}

impl IstanzaStatus {
    /// The status's name.
    pub fn name(self) -> &'static str {
        match self {
            IstanzaStatus::Draft => "draft",
            IstanzaStatus::Submitted => "submitted",
            IstanzaStatus::UnderReview => "under_review",
            IstanzaStatus::IntegrationRequested => "integration_requested",
            IstanzaStatus::PreavvisoRigetto => "preavviso_rigetto",
            IstanzaStatus::Granted => "granted",
            IstanzaStatus::Rejected => "rejected",
            IstanzaStatus::Archived => "archived",
            IstanzaStatus::Appealed => "appealed",
        }
    }
}

/// An istanza (folded state).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Istanza {
    /// Identifier.
    pub id: IstanzaId,
    /// Applicant.
    pub applicant: PersonId,
    /// Linked case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseId>,
    /// Competent organisation (its holidays apply).
    pub organisation: OrganisationId,
    /// Procedure.
    pub procedure: Procedure,
    /// Holiday calendar of the competent comune, fixed when drafted.
    pub calendar: ItalianCalendar,
    /// Status.
    pub status: IstanzaStatus,
    /// Channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// Day received (start of the term).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_on: Option<NaiveDate>,
    /// Attachments.
    pub attachments: Vec<DocumentRef>,
    /// DSU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dsu: Option<DsuReference>,
    /// Integration request: day requested, items, day received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<Integration>,
    /// Preavviso di rigetto.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preavviso: Option<Preavviso>,
    /// Decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Archiving day and reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<(NaiveDate, String)>,
    /// Appeal day and body (e.g. "TAR Veneto").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal: Option<(NaiveDate, String)>,
}

/// An integration request (art. 2 c. 7, art. 6 c. 1 lett. b).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Integration {
    /// Day requested.
    pub requested_on: NaiveDate,
    /// What is missing.
    pub items: Vec<String>,
    /// Day the documents arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_on: Option<NaiveDate>,
}

impl Integration {
    /// The suspension, capped at 30 days; `None` while waiting and within the cap.
    pub fn suspension(&self, today: Option<NaiveDate>) -> Option<Suspension> {
        let cap = self.requested_on.checked_add_days(Days::new(MAX_INTEGRATION_DAYS))?;
        let end = match self.received_on {
            Some(r) => r.min(cap),
            None if today.is_some_and(|t| t >= cap) => cap,
            None => return None,
        };
        Some(Suspension { from: self.requested_on, to: end })
    }
}

impl Istanza {
    /// The suspensions so far, in order. `None` if the clock is stopped with no known end
    /// (integration requested, documents not yet arrived, within 30 days of `today`).
    pub fn suspensions(&self, today: Option<NaiveDate>) -> Option<Vec<Suspension>> {
        let mut out = Vec::new();
        if let Some(i) = &self.integration {
            out.push(i.suspension(today)?);
        }
        if let Some(p) = &self.preavviso {
            out.push(Suspension { from: p.sent_on, to: p.resumes_on()? });
        }
        out.sort_by_key(|s| s.from);
        Some(out)
    }

    /// The deadline of the procedure, as the module docs describe; `None` before submission
    /// or while the clock is stopped for an integration.
    pub fn deadline(&self, today: Option<NaiveDate>) -> Result<Option<NaiveDate>> {
        let Some(start) = self.received_on else { return Ok(None) };
        let Some(suspensions) = self.suspensions(today) else { return Ok(None) };
        Ok(Some(self.calendar.deadline(start, self.procedure.term_days, &suspensions)?))
    }

    /// Whether the procedure is still pending after its deadline on `today` (silenzio).
    pub fn is_late(&self, today: NaiveDate) -> Result<bool> {
        let pending = matches!(
            self.status,
            IstanzaStatus::Submitted
                | IstanzaStatus::UnderReview
                | IstanzaStatus::IntegrationRequested
                | IstanzaStatus::PreavvisoRigetto
        );
        Ok(pending && self.deadline(Some(today))?.is_some_and(|d| today > d))
    }
}

/// An event of the istanza aggregate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IstanzaEvent {
    /// Drafted.
    Drafted {
        /// Identifier.
        id: IstanzaId,
        /// Applicant.
        applicant: PersonId,
        /// Case.
        case: Option<CaseId>,
        /// Organisation.
        organisation: OrganisationId,
        /// Procedure.
        procedure: Procedure,
        /// Calendar.
        calendar: ItalianCalendar,
    },
    /// An attachment was added.
    AttachmentAdded(DocumentRef),
    /// The DSU was referenced.
    DsuReferenced(DsuReference),
    /// Submitted and protocolled.
    Submitted {
        /// Protocol.
        protocol: Protocol,
        /// Day received.
        received_on: NaiveDate,
        /// Channel.
        channel: Channel,
    },
    /// Review started.
    ReviewStarted {
        /// Day.
        on: NaiveDate,
    },
    /// Integration requested.
    IntegrationRequested {
        /// Day.
        on: NaiveDate,
        /// Missing items.
        items: Vec<String>,
    },
    /// Integration received.
    IntegrationReceived {
        /// Day.
        on: NaiveDate,
    },
    /// Preavviso di rigetto sent.
    PreavvisoSent {
        /// Day.
        on: NaiveDate,
        /// Reasons.
        reasons: String,
    },
    /// Observations received.
    ObservationsReceived {
        /// Day.
        on: NaiveDate,
    },
    /// Decided.
    Decided(Decision),
    /// Archived.
    Archived {
        /// Day.
        on: NaiveDate,
        /// Reason.
        reason: String,
    },
    /// Appealed.
    Appealed {
        /// Day.
        on: NaiveDate,
        /// Body.
        body: String,
    },
}

/// A command to the istanza aggregate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IstanzaCommand {
    /// Draft an istanza.
    Draft {
        /// Applicant.
        applicant: PersonId,
        /// Case.
        case: Option<CaseId>,
        /// Organisation.
        organisation: OrganisationId,
        /// Procedure.
        procedure: Procedure,
        /// Calendar of the competent comune.
        calendar: ItalianCalendar,
    },
    /// Attach a document (draft or while an integration is pending).
    Attach(DocumentRef),
    /// Reference the DSU.
    ReferenceDsu(DsuReference),
    /// Submit.
    Submit {
        /// Protocol.
        protocol: Protocol,
        /// Day received.
        received_on: NaiveDate,
        /// Channel.
        channel: Channel,
    },
    /// Start the review.
    StartReview {
        /// Day.
        on: NaiveDate,
    },
    /// Request an integration (once).
    RequestIntegration {
        /// Day.
        on: NaiveDate,
        /// Missing items.
        items: Vec<String>,
    },
    /// Receive the integration.
    ReceiveIntegration {
        /// Day.
        on: NaiveDate,
    },
    /// Send a preavviso di rigetto.
    SendPreavviso {
        /// Day.
        on: NaiveDate,
        /// Reasons.
        reasons: String,
    },
    /// Receive observations.
    ReceiveObservations {
        /// Day.
        on: NaiveDate,
    },
    /// Decide.
    Decide(Decision),
    /// Archive.
    Archive {
        /// Day.
        on: NaiveDate,
        /// Reason.
        reason: String,
    },
    /// Record an appeal.
    Appeal {
        /// Day.
        on: NaiveDate,
        /// Body.
        body: String,
    },
}

impl IstanzaCommand {
    /// The command's name.
    pub fn name(&self) -> &'static str {
        match self {
            IstanzaCommand::Draft { .. } => "draft",
            IstanzaCommand::Attach(_) => "attach",
            IstanzaCommand::ReferenceDsu(_) => "reference_dsu",
            IstanzaCommand::Submit { .. } => "submit",
            IstanzaCommand::StartReview { .. } => "start_review",
            IstanzaCommand::RequestIntegration { .. } => "request_integration",
            IstanzaCommand::ReceiveIntegration { .. } => "receive_integration",
            IstanzaCommand::SendPreavviso { .. } => "send_preavviso",
            IstanzaCommand::ReceiveObservations { .. } => "receive_observations",
            IstanzaCommand::Decide(d) => match d.outcome {
                Outcome::Granted => "grant",
                Outcome::Rejected => "reject",
            },
            IstanzaCommand::Archive { .. } => "archive",
            IstanzaCommand::Appeal { .. } => "appeal",
        }
    }
}

fn check_day(field: &str, day: NaiveDate, floor: Option<NaiveDate>) -> Result<()> {
    if floor.is_some_and(|f| day < f) {
        return Err(Error::invalid(field, "precedes an earlier step of the procedure"));
    }
    Ok(())
}

impl Istanza {
    fn last_day(&self) -> Option<NaiveDate> {
        [
            self.received_on,
            self.integration.as_ref().map(|i| i.requested_on),
            self.integration.as_ref().and_then(|i| i.received_on),
            self.preavviso.as_ref().map(|p| p.sent_on),
            self.preavviso.as_ref().and_then(|p| p.observations_on),
            self.decision.as_ref().map(|d| d.decided_on),
        ]
        .into_iter()
        .flatten()
        .max()
    }
}

impl crate::engine::Aggregate for Istanza {
    type Id = IstanzaId;
    type Command = IstanzaCommand;
    type Event = IstanzaEvent;
    const SUBJECT: Subject = Subject::Istanza;

    fn state_name(state: Option<&Istanza>) -> &'static str {
        state.map_or("absent", |i| i.status.name())
    }

    fn decide(
        id: &IstanzaId,
        state: Option<&Istanza>,
        command: &IstanzaCommand,
        _ctx: &crate::engine::CommandContext,
    ) -> Result<Vec<IstanzaEvent>> {
        use IstanzaCommand as C;
        use IstanzaStatus as S;
        let refuse = || -> Error {
            TransitionError {
                subject: Subject::Istanza,
                state: Self::state_name(state),
                command: command.name(),
            }
            .into()
        };
        let Some(ist) = state else {
            return match command {
                C::Draft { applicant, case, organisation, procedure, calendar } => {
                    if procedure.term_days == 0 {
                        return Err(Error::invalid(
                            "draft.procedure.term_days",
                            "must be at least 1",
                        ));
                    }
                    Ok(vec![IstanzaEvent::Drafted {
                        id: id.clone(),
                        applicant: applicant.clone(),
                        case: case.clone(),
                        organisation: organisation.clone(),
                        procedure: procedure.clone(),
                        calendar: *calendar,
                    }])
                }
                _ => Err(Error::NotFound { subject: Subject::Istanza, id: id.to_string() }),
            };
        };
        let last = ist.last_day();
        match (ist.status, command) {
            (_, C::Draft { .. }) => {
                Err(Error::AlreadyExists { subject: Subject::Istanza, id: id.to_string() })
            }
            (S::Draft | S::IntegrationRequested, C::Attach(doc)) => {
                if ist.attachments.iter().any(|a| a.id == doc.id) {
                    return Err(Error::invalid("attach.id", "already attached"));
                }
                Ok(vec![IstanzaEvent::AttachmentAdded(doc.clone())])
            }
            (S::Draft | S::IntegrationRequested, C::ReferenceDsu(dsu)) => {
                dsu.validate()?;
                Ok(vec![IstanzaEvent::DsuReferenced(dsu.clone())])
            }
            (S::Draft, C::Submit { protocol, received_on, channel }) => {
                let len = protocol.number.chars().count();
                if !(1..=32).contains(&len) {
                    return Err(Error::invalid(
                        "submit.protocol.number",
                        "must be 1-32 characters",
                    ));
                }
                if protocol.date < *received_on {
                    return Err(Error::invalid(
                        "submit.protocol.date",
                        "precedes the day received",
                    ));
                }
                Ok(vec![IstanzaEvent::Submitted {
                    protocol: protocol.clone(),
                    received_on: *received_on,
                    channel: *channel,
                }])
            }
            (S::Submitted, C::StartReview { on }) => {
                check_day("start_review.on", *on, last)?;
                Ok(vec![IstanzaEvent::ReviewStarted { on: *on }])
            }
            (S::UnderReview, C::RequestIntegration { on, items }) => {
                if ist.integration.is_some() {
                    // Art. 2 c. 7: the term may be suspended only once.
                    return Err(refuse());
                }
                if items.is_empty() {
                    return Err(Error::invalid(
                        "request_integration.items",
                        "name what is missing",
                    ));
                }
                check_day("request_integration.on", *on, last)?;
                Ok(vec![IstanzaEvent::IntegrationRequested { on: *on, items: items.clone() }])
            }
            (S::IntegrationRequested, C::ReceiveIntegration { on }) => {
                check_day("receive_integration.on", *on, last)?;
                Ok(vec![IstanzaEvent::IntegrationReceived { on: *on }])
            }
            (S::UnderReview, C::SendPreavviso { on, reasons }) => {
                if reasons.trim().is_empty() {
                    return Err(Error::invalid(
                        "send_preavviso.reasons",
                        "are required (art. 10-bis)",
                    ));
                }
                if ist.preavviso.is_some() {
                    return Err(refuse());
                }
                check_day("send_preavviso.on", *on, last)?;
                Ok(vec![IstanzaEvent::PreavvisoSent { on: *on, reasons: reasons.clone() }])
            }
            (S::PreavvisoRigetto, C::ReceiveObservations { on }) => {
                if ist.preavviso.as_ref().is_some_and(|p| p.observations_on.is_some()) {
                    return Err(refuse());
                }
                check_day("receive_observations.on", *on, last)?;
                Ok(vec![IstanzaEvent::ObservationsReceived { on: *on }])
            }
            (S::UnderReview | S::PreavvisoRigetto, C::Decide(d)) => {
                if d.motivazione.trim().is_empty() {
                    return Err(Error::invalid("decide.motivazione", "is required (art. 3)"));
                }
                check_day("decide.decided_on", d.decided_on, last)?;
                if let Some(record) = &d.decision_record {
                    serde_json::from_str::<serde::de::IgnoredAny>(record)
                        .map_err(|_| Error::invalid("decide.decision_record", "is not JSON"))?;
                }
                if d.amount.is_some_and(|a| a.is_negative()) {
                    return Err(Error::invalid("decide.amount", "must not be negative"));
                }
                match d.outcome {
                    Outcome::Granted => Ok(vec![IstanzaEvent::Decided(d.clone())]),
                    Outcome::Rejected => {
                        let allowed = ist.status == S::PreavvisoRigetto
                            && ist
                                .preavviso
                                .as_ref()
                                .is_some_and(|p| p.rejection_allowed_on(d.decided_on));
                        if !allowed {
                            return Err(refuse());
                        }
                        if d.amount.is_some() {
                            return Err(Error::invalid(
                                "decide.amount",
                                "a rejection grants no amount",
                            ));
                        }
                        Ok(vec![IstanzaEvent::Decided(d.clone())])
                    }
                }
            }
            (
                S::Submitted | S::UnderReview | S::IntegrationRequested,
                C::Archive { on, reason },
            ) => {
                if reason.trim().is_empty() {
                    return Err(Error::invalid("archive.reason", "is required"));
                }
                check_day("archive.on", *on, last)?;
                Ok(vec![IstanzaEvent::Archived { on: *on, reason: reason.clone() }])
            }
            (S::Granted | S::Rejected, C::Appeal { on, body }) => {
                check_day("appeal.on", *on, last)?;
                Ok(vec![IstanzaEvent::Appealed { on: *on, body: body.clone() }])
            }
            _ => Err(refuse()),
        }
    }

    fn apply(state: Option<Istanza>, event: &IstanzaEvent) -> Result<Istanza> {
        let Some(mut i) = state else {
            return match event {
                IstanzaEvent::Drafted {
                    id,
                    applicant,
                    case,
                    organisation,
                    procedure,
                    calendar,
                } => Ok(Istanza {
                    id: id.clone(),
                    applicant: applicant.clone(),
                    case: case.clone(),
                    organisation: organisation.clone(),
                    procedure: procedure.clone(),
                    calendar: *calendar,
                    status: IstanzaStatus::Draft,
                    channel: None,
                    protocol: None,
                    received_on: None,
                    attachments: Vec::new(),
                    dsu: None,
                    integration: None,
                    preavviso: None,
                    decision: None,
                    archived: None,
                    appeal: None,
                }),
                _ => Err(Error::NotFound { subject: Subject::Istanza, id: String::new() }),
            };
        };
        match event {
            IstanzaEvent::Drafted { .. } => {
                return Err(Error::AlreadyExists {
                    subject: Subject::Istanza,
                    id: i.id.to_string(),
                })
            }
            IstanzaEvent::AttachmentAdded(d) => i.attachments.push(d.clone()),
            IstanzaEvent::DsuReferenced(d) => i.dsu = Some(d.clone()),
            IstanzaEvent::Submitted { protocol, received_on, channel } => {
                i.protocol = Some(protocol.clone());
                i.received_on = Some(*received_on);
                i.channel = Some(*channel);
                i.status = IstanzaStatus::Submitted;
            }
            IstanzaEvent::ReviewStarted { .. } => i.status = IstanzaStatus::UnderReview,
            IstanzaEvent::IntegrationRequested { on, items } => {
                i.integration = Some(Integration {
                    requested_on: *on,
                    items: items.clone(),
                    received_on: None,
                });
                i.status = IstanzaStatus::IntegrationRequested;
            }
            IstanzaEvent::IntegrationReceived { on } => {
                if let Some(int) = i.integration.as_mut() {
                    int.received_on = Some(*on);
                }
                i.status = IstanzaStatus::UnderReview;
            }
            IstanzaEvent::PreavvisoSent { on, reasons } => {
                i.preavviso = Some(Preavviso {
                    sent_on: *on,
                    reasons: reasons.clone(),
                    observations_on: None,
                });
                i.status = IstanzaStatus::PreavvisoRigetto;
            }
            IstanzaEvent::ObservationsReceived { on } => {
                if let Some(p) = i.preavviso.as_mut() {
                    p.observations_on = Some(*on);
                }
            }
            IstanzaEvent::Decided(d) => {
                i.status = match d.outcome {
                    Outcome::Granted => IstanzaStatus::Granted,
                    Outcome::Rejected => IstanzaStatus::Rejected,
                };
                i.decision = Some(d.clone());
            }
            IstanzaEvent::Archived { on, reason } => {
                i.archived = Some((*on, reason.clone()));
                i.status = IstanzaStatus::Archived;
            }
            IstanzaEvent::Appealed { on, body } => {
                i.appeal = Some((*on, body.clone()));
                i.status = IstanzaStatus::Appealed;
            }
        }
        Ok(i)
    }
}
