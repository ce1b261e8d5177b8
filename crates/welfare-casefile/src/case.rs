//! The case (cartella sociale): state machine, team, journal, PAI, planned interventions and
//! deliveries, folded from [`CaseEvent`]s.
//!
//! ## State machine
//!
//! ```text
//! open ──refer──▶ referred ──take_in_charge──▶ taken_in_charge ──close──▶ closed ──reopen──▶ reopened
//!  │  ╰─────────────take_in_charge──────────────╯       │ refer (transfer)                  │
//!  ╰──close──▶ closed                                   ╰──────────▶ referred                 ╰ (as open)
//! ```
//!
//! Taking charge makes the acting operator the case manager (*responsabile*) in the given unit
//! and ends the previous manager's assignment the day before. A case cannot be closed while a
//! PAI is open or an intervention is active or suspended. Nothing but `reopen` is accepted by a
//! closed case. One open case per person per tenant is enforced by the store (see
//! [`crate::store::CaseStore`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use welfare_types::dates::DateRange;
use welfare_types::Money;

use crate::access::SpecialCategory;
use crate::chain::Digest;
use crate::error::{Error, Result, Subject, TransitionError};
use crate::forms::{FormRegistry, FormResponse};
use crate::ids::{
    CaseId, DeliveryId, DocumentId, EntryId, IntakeId, InterventionTypeId, OperatorId,
    OrganisationId, PaiId, PersonId, PlannedInterventionId, UnitId,
};
use crate::intake::AreaUtenza;
use crate::intervention::{AdminStatus, Delivery, DsuReference, HoursMinutes, PlannedIntervention};
use crate::pai::{Monitoring, Pai, PaiClosure};

/// To whom a case is referred (segnalato).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReferralTarget {
    /// An operator.
    Operator(OperatorId),
    /// A unit.
    Unit(UnitId),
    /// An organisation.
    Organisation(OrganisationId),
}

/// Case status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum CaseStatus {
    /// Open (aperto).
    Open,
    /// Referred (segnalato) to a target.
    Referred {
        /// Target.
        target: ReferralTarget,
    },
    /// Taken in charge (preso in carico).
    TakenInCharge,
    /// Closed (chiuso).
    Closed {
        /// Reason.
        reason: String,
    },
    /// Reopened (riaperto).
    Reopened,
}

impl CaseStatus {
    /// The status's name.
    pub fn name(&self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Referred { .. } => "referred",
            CaseStatus::TakenInCharge => "taken_in_charge",
            CaseStatus::Closed { .. } => "closed",
            CaseStatus::Reopened => "reopened",
        }
    }

    /// Whether the case is not closed.
    pub fn is_open(&self) -> bool {
        !matches!(self, CaseStatus::Closed { .. })
    }
}

/// An operator assigned to the case, dated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Assignment {
    /// The operator.
    pub operator: OperatorId,
    /// In which unit.
    pub unit: UnitId,
    /// When.
    pub valid: DateRange,
    /// Case manager (responsabile).
    pub is_manager: bool,
    /// May edit the file.
    pub can_edit: bool,
}

/// The file shared with another unit, dated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FileShare {
    /// The unit.
    pub unit: UnitId,
    /// When.
    pub valid: DateRange,
    /// Hide entries written in other units (SISO's *nascondi informazioni*).
    pub hide_foreign_entries: bool,
}

/// Who may see a journal entry, beyond the case access rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone who may read the case.
    Normal,
    /// The case manager, the author, the head of the author's unit, and holders of
    /// [`ReadReserved`](crate::tenancy::Permission::ReadReserved).
    Reserved,
    /// The author only.
    Private,
    /// Members of a second-level unit (e.g. an équipe minori) and the author.
    SecondLevel(UnitId),
}

/// A document stored outside the case file, referenced by its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DocumentRef {
    /// Identifier.
    pub id: DocumentId,
    /// File name.
    pub name: String,
    /// Media type, e.g. `application/pdf`.
    pub media_type: String,
    /// SHA-256 of the content.
    pub sha256: Digest,
    /// Size in bytes.
    pub size: u64,
}

impl DocumentRef {
    /// A reference to `content`, hashing it.
    pub fn for_content(
        id: DocumentId,
        name: &str,
        media_type: &str,
        content: &[u8],
    ) -> DocumentRef {
        DocumentRef {
            id,
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            sha256: Digest::of(content),
            size: u64::try_from(content.len()).unwrap_or(u64::MAX),
        }
    }

    /// Whether `content` is the referenced document.
    pub fn matches(&self, content: &[u8]) -> bool {
        Digest::of(content) == self.sha256
    }
}

/// Folder of a document (SISO's sub-folders).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentFolder {
    /// Court decrees and reports.
    Court,
    /// Incoming from other services.
    Incoming,
    /// Outgoing.
    Outgoing,
    /// Health documents.
    Health,
    /// Economic contributions.
    Economic,
    /// Psychological support.
    Psychological,
    /// Calendars and agreements.
    Agreements,
    /// Other.
    Other,
}

/// Kind of ISEE (DPCM 159/2013).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IseeKind {
    /// Ordinario.
    Ordinario,
    /// Minorenni.
    Minorenni,
    /// Socio-sanitario.
    SocioSanitario,
    /// Socio-sanitario residenziale.
    SocioSanitarioResidenziale,
    /// Università.
    Universitario,
    /// Corrente.
    Corrente,
}

/// The typed content of a journal entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum JournalPayload {
    /// A note.
    Note {
        /// Text.
        text: String,
    },
    /// An interview (colloquio).
    Interview {
        /// Where.
        place: String,
        /// With whom (persons known to the service).
        with: Vec<PersonId>,
        /// Text.
        text: String,
    },
    /// A professional report (relazione).
    Report {
        /// Activity.
        activity: String,
        /// Problems found (local codes).
        problems: BTreeSet<String>,
        /// Intervention types proposed.
        proposed: Vec<InterventionTypeId>,
        /// Hours spent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hours: Option<HoursMinutes>,
        /// Text.
        text: String,
    },
    /// An assessment form.
    Assessment(FormResponse),
    /// A document.
    Document {
        /// Folder.
        folder: DocumentFolder,
        /// Reference.
        document: DocumentRef,
        /// Protocol number, if registered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<String>,
    },
    /// A court provision.
    CourtProvision {
        /// Authority.
        authority: String,
        /// Number.
        number: String,
        /// Date.
        date: NaiveDate,
        /// Content.
        text: String,
    },
    /// An ISEE attestation.
    IseeAttestation {
        /// Kind.
        kind: IseeKind,
        /// DSU.
        dsu: DsuReference,
        /// ISEE value.
        isee: Money,
        /// Valid until.
        valid_until: NaiveDate,
    },
    /// A change of case status (written by the aggregate itself).
    StateChange {
        /// From.
        from: String,
        /// To.
        to: String,
    },
    /// A service request in the person's words.
    ServiceRequest {
        /// Text.
        text: String,
    },
}

impl JournalPayload {
    /// The payload's type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            JournalPayload::Note { .. } => "note",
            JournalPayload::Interview { .. } => "interview",
            JournalPayload::Report { .. } => "report",
            JournalPayload::Assessment(_) => "assessment",
            JournalPayload::Document { .. } => "document",
            JournalPayload::CourtProvision { .. } => "court_provision",
            JournalPayload::IseeAttestation { .. } => "isee_attestation",
            JournalPayload::StateChange { .. } => "state_change",
            JournalPayload::ServiceRequest { .. } => "service_request",
        }
    }

    /// Special categories the payload holds by its nature.
    pub fn inherent_categories(&self) -> BTreeSet<SpecialCategory> {
        use SpecialCategory as C;
        let list: &[SpecialCategory] = match self {
            JournalPayload::Assessment(r) => match r.form.as_str() {
                "sina" | "barthel" => &[C::Health, C::Disability],
                "sinba" => &[C::Minors, C::Health, C::Justice],
                _ => &[],
            },
            JournalPayload::CourtProvision { .. } => &[C::Justice],
            JournalPayload::Document { folder: DocumentFolder::Court, .. } => &[C::Justice],
            JournalPayload::Document {
                folder: DocumentFolder::Health | DocumentFolder::Psychological,
                ..
            } => &[C::Health],
            _ => &[],
        };
        list.iter().copied().collect()
    }
}

/// A journal (diary) entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JournalEntry {
    /// Identifier.
    pub id: EntryId,
    /// Author.
    pub author: OperatorId,
    /// Author's unit.
    pub author_unit: UnitId,
    /// Administrative date (may differ from the recording day).
    pub on: NaiveDate,
    /// Visibility.
    pub visibility: Visibility,
    /// Special categories: the payload's inherent ones plus any the author flagged.
    pub special_categories: BTreeSet<SpecialCategory>,
    /// Links to other entries.
    #[serde(default)]
    pub links: Vec<EntryId>,
    /// Content.
    pub payload: JournalPayload,
}

/// A case (folded state).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Case {
    /// Identifier.
    pub id: CaseId,
    /// The person.
    pub person: PersonId,
    /// Owning organisation.
    pub organisation: OrganisationId,
    /// Responsible unit.
    pub unit: UnitId,
    /// Human case number.
    pub number: String,
    /// Prevailing area.
    pub area: AreaUtenza,
    /// Day opened.
    pub opened_on: NaiveDate,
    /// The intake it came from, with the access day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intake: Option<(IntakeId, NaiveDate)>,
    /// Status.
    pub status: CaseStatus,
    /// Status history: day and status name.
    pub history: Vec<(NaiveDate, String)>,
    /// First day of the current presa in carico.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_in_charge_on: Option<NaiveDate>,
    /// Team.
    pub assignments: Vec<Assignment>,
    /// Shares with other units.
    pub shares: Vec<FileShare>,
    /// Journal.
    pub journal: Vec<JournalEntry>,
    /// PAIs.
    pub pais: BTreeMap<PaiId, Pai>,
    /// Planned interventions.
    pub interventions: BTreeMap<PlannedInterventionId, PlannedIntervention>,
    /// Deliveries, with whether the case was in charge when recorded.
    pub deliveries: BTreeMap<DeliveryId, (Delivery, bool)>,
}

impl Case {
    /// The assignments in force on `date`.
    pub fn assignments_on(&self, date: NaiveDate) -> impl Iterator<Item = &Assignment> {
        self.assignments.iter().filter(move |a| a.valid.contains(date))
    }

    /// The manager on `date`.
    pub fn manager_on(&self, date: NaiveDate) -> Option<&Assignment> {
        self.assignments_on(date).find(|a| a.is_manager)
    }

    /// The current (open-ended) manager assignment.
    pub fn current_manager(&self) -> Option<&Assignment> {
        self.assignments.iter().find(|a| a.is_manager && a.valid.to().is_none())
    }

    /// Whether the case is taken in charge.
    pub fn in_charge(&self) -> bool {
        self.status == CaseStatus::TakenInCharge
    }

    /// A journal entry by id.
    pub fn entry(&self, id: &EntryId) -> Option<&JournalEntry> {
        self.journal.iter().find(|e| &e.id == id)
    }

    /// The last day any dated event touched the case (dates must not go backwards before it
    /// for status changes).
    fn last_status_day(&self) -> NaiveDate {
        self.history.last().map_or(self.opened_on, |(d, _)| *d)
    }
}

/// An event of the case aggregate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseEvent {
    /// The case was opened.
    Opened {
        /// Identifier.
        id: CaseId,
        /// Person.
        person: PersonId,
        /// Organisation.
        organisation: OrganisationId,
        /// Responsible unit.
        unit: UnitId,
        /// Human number.
        number: String,
        /// Area.
        area: AreaUtenza,
        /// Day.
        on: NaiveDate,
        /// Intake and access day.
        intake: Option<(IntakeId, NaiveDate)>,
    },
    /// Referred.
    Referred {
        /// Target.
        target: ReferralTarget,
        /// Day.
        on: NaiveDate,
    },
    /// An operator was assigned (not as manager).
    Assigned(Assignment),
    /// An assignment ended; `on` is its last day.
    AssignmentEnded {
        /// Operator.
        operator: OperatorId,
        /// Last day.
        on: NaiveDate,
    },
    /// Taken in charge by an operator, who becomes manager.
    TakenInCharge {
        /// Operator.
        operator: OperatorId,
        /// Unit.
        unit: UnitId,
        /// Day.
        on: NaiveDate,
    },
    /// Shared with a unit.
    Shared(FileShare),
    /// A journal entry was added.
    EntryAdded(JournalEntry),
    /// A PAI was opened.
    PaiOpened(Pai),
    /// A PAI was monitored.
    PaiMonitored {
        /// PAI.
        pai: PaiId,
        /// Monitoring.
        monitoring: Monitoring,
    },
    /// A PAI was closed.
    PaiClosed {
        /// PAI.
        pai: PaiId,
        /// Closure.
        closure: PaiClosure,
    },
    /// An intervention was planned.
    InterventionPlanned(PlannedIntervention),
    /// An intervention's administrative status changed.
    InterventionStatusChanged {
        /// Intervention.
        id: PlannedInterventionId,
        /// New status.
        status: AdminStatus,
    },
    /// A delivery was recorded.
    DeliveryRecorded {
        /// Delivery.
        delivery: Delivery,
        /// Whether the case was taken in charge at the time (SIUSS `PresaCarico`).
        in_charge: bool,
    },
    /// Closed.
    Closed {
        /// Day.
        on: NaiveDate,
        /// Reason.
        reason: String,
    },
    /// Reopened.
    Reopened {
        /// Day.
        on: NaiveDate,
    },
}

/// A command to the case aggregate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseCommand {
    /// Open a case.
    Open {
        /// Person.
        person: PersonId,
        /// Organisation.
        organisation: OrganisationId,
        /// Responsible unit.
        unit: UnitId,
        /// Human number.
        number: String,
        /// Area.
        area: AreaUtenza,
        /// Day.
        on: NaiveDate,
        /// Intake and access day.
        intake: Option<(IntakeId, NaiveDate)>,
    },
    /// Refer to a target.
    Refer {
        /// Target.
        target: ReferralTarget,
        /// Day.
        on: NaiveDate,
    },
    /// Assign an operator (not as manager).
    Assign {
        /// Operator.
        operator: OperatorId,
        /// Unit.
        unit: UnitId,
        /// First day.
        from: NaiveDate,
        /// May edit.
        can_edit: bool,
    },
    /// End an operator's assignment; `on` is the last day.
    EndAssignment {
        /// Operator.
        operator: OperatorId,
        /// Last day.
        on: NaiveDate,
    },
    /// Take the case in charge: `operator` becomes manager.
    TakeInCharge {
        /// Operator.
        operator: OperatorId,
        /// Unit.
        unit: UnitId,
        /// Day.
        on: NaiveDate,
    },
    /// Share the file with a unit.
    Share(FileShare),
    /// Add a journal entry; `special_categories` adds to the payload's inherent ones.
    AddEntry {
        /// Identifier.
        id: EntryId,
        /// Author's unit.
        unit: UnitId,
        /// Administrative date.
        on: NaiveDate,
        /// Visibility.
        visibility: Visibility,
        /// Extra special categories.
        special_categories: BTreeSet<SpecialCategory>,
        /// Links.
        links: Vec<EntryId>,
        /// Content.
        payload: JournalPayload,
    },
    /// Open a PAI.
    OpenPai(Pai),
    /// Record a PAI monitoring.
    MonitorPai {
        /// PAI.
        pai: PaiId,
        /// Monitoring.
        monitoring: Monitoring,
    },
    /// Close a PAI.
    ClosePai {
        /// PAI.
        pai: PaiId,
        /// Closure.
        closure: PaiClosure,
    },
    /// Plan an intervention (status must be `under_assessment` or `active`).
    PlanIntervention(PlannedIntervention),
    /// Change an intervention's status.
    ChangeInterventionStatus {
        /// Intervention.
        id: PlannedInterventionId,
        /// New status.
        status: AdminStatus,
    },
    /// Record a delivery of an active intervention.
    RecordDelivery(Delivery),
    /// Close the case.
    Close {
        /// Day.
        on: NaiveDate,
        /// Reason.
        reason: String,
    },
    /// Reopen the case.
    Reopen {
        /// Day.
        on: NaiveDate,
    },
}

impl CaseCommand {
    /// The command's name (used in transition errors and access-log actions).
    pub fn name(&self) -> &'static str {
        match self {
            CaseCommand::Open { .. } => "open",
            CaseCommand::Refer { .. } => "refer",
            CaseCommand::Assign { .. } => "assign",
            CaseCommand::EndAssignment { .. } => "end_assignment",
            CaseCommand::TakeInCharge { .. } => "take_in_charge",
            CaseCommand::Share(_) => "share",
            CaseCommand::AddEntry { .. } => "add_entry",
            CaseCommand::OpenPai(_) => "open_pai",
            CaseCommand::MonitorPai { .. } => "monitor_pai",
            CaseCommand::ClosePai { .. } => "close_pai",
            CaseCommand::PlanIntervention(_) => "plan_intervention",
            CaseCommand::ChangeInterventionStatus { .. } => "change_intervention_status",
            CaseCommand::RecordDelivery(_) => "record_delivery",
            CaseCommand::Close { .. } => "close",
            CaseCommand::Reopen { .. } => "reopen",
        }
    }
}

fn not_before(field: &str, day: NaiveDate, floor: NaiveDate) -> Result<()> {
    if day < floor {
        return Err(Error::invalid(field, "precedes the case's last status change or opening"));
    }
    Ok(())
}

fn end_range(range: &DateRange, last: NaiveDate) -> Option<DateRange> {
    DateRange::new(range.from(), Some(last)).ok()
}

impl crate::engine::Aggregate for Case {
    type Id = CaseId;
    type Command = CaseCommand;
    type Event = CaseEvent;
    const SUBJECT: Subject = Subject::Case;

    fn state_name(state: Option<&Case>) -> &'static str {
        state.map_or("absent", |c| c.status.name())
    }

    #[allow(clippy::too_many_lines)]
    fn decide(
        id: &CaseId,
        state: Option<&Case>,
        command: &CaseCommand,
        ctx: &crate::engine::CommandContext,
    ) -> Result<Vec<CaseEvent>> {
        let refuse = || -> Error {
            TransitionError {
                subject: Subject::Case,
                state: Self::state_name(state),
                command: command.name(),
            }
            .into()
        };
        let Some(case) = state else {
            return match command {
                CaseCommand::Open { person, organisation, unit, number, area, on, intake } => {
                    if number.trim().is_empty() {
                        return Err(Error::invalid("open.number", "is empty"));
                    }
                    if intake.as_ref().is_some_and(|(_, d)| d > on) {
                        return Err(Error::invalid("open.intake", "access day is after opening"));
                    }
                    Ok(vec![CaseEvent::Opened {
                        id: id.clone(),
                        person: person.clone(),
                        organisation: organisation.clone(),
                        unit: unit.clone(),
                        number: number.clone(),
                        area: *area,
                        on: *on,
                        intake: intake.clone(),
                    }])
                }
                _ => Err(Error::NotFound { subject: Subject::Case, id: id.to_string() }),
            };
        };
        if let CaseCommand::Open { .. } = command {
            return Err(Error::AlreadyExists { subject: Subject::Case, id: id.to_string() });
        }
        let closed = !case.status.is_open();
        if closed && !matches!(command, CaseCommand::Reopen { .. }) {
            return Err(refuse());
        }
        match command {
            CaseCommand::Open { .. } => Err(refuse()),
            CaseCommand::Refer { target, on } => {
                not_before("refer.on", *on, case.last_status_day())?;
                Ok(vec![CaseEvent::Referred { target: target.clone(), on: *on }])
            }
            CaseCommand::Assign { operator, unit, from, can_edit } => {
                not_before("assign.from", *from, case.opened_on)?;
                if case
                    .assignments
                    .iter()
                    .any(|a| &a.operator == operator && a.valid.to().is_none())
                {
                    return Err(Error::invalid("assign.operator", "is already assigned"));
                }
                Ok(vec![CaseEvent::Assigned(Assignment {
                    operator: operator.clone(),
                    unit: unit.clone(),
                    valid: DateRange::starting(*from),
                    is_manager: false,
                    can_edit: *can_edit,
                })])
            }
            CaseCommand::EndAssignment { operator, on } => {
                let Some(a) = case
                    .assignments
                    .iter()
                    .find(|a| &a.operator == operator && a.valid.to().is_none())
                else {
                    return Err(Error::invalid(
                        "end_assignment.operator",
                        "has no open assignment",
                    ));
                };
                if a.is_manager && case.in_charge() {
                    // The manager is replaced by taking charge, never left empty.
                    return Err(refuse());
                }
                if *on < a.valid.from() {
                    return Err(Error::invalid("end_assignment.on", "precedes the assignment"));
                }
                Ok(vec![CaseEvent::AssignmentEnded { operator: operator.clone(), on: *on }])
            }
            CaseCommand::TakeInCharge { operator, unit, on } => {
                not_before("take_in_charge.on", *on, case.last_status_day())?;
                if case.in_charge()
                    && case.current_manager().is_some_and(|m| &m.operator == operator)
                {
                    return Err(refuse());
                }
                let mut events = vec![CaseEvent::TakenInCharge {
                    operator: operator.clone(),
                    unit: unit.clone(),
                    on: *on,
                }];
                events.push(state_change_entry(case, ctx, unit, *on, "taken_in_charge")?);
                Ok(events)
            }
            CaseCommand::Share(share) => {
                if case
                    .shares
                    .iter()
                    .any(|s| s.unit == share.unit && s.valid.overlaps(&share.valid))
                {
                    return Err(Error::invalid(
                        "share.unit",
                        "already shared over an overlapping period",
                    ));
                }
                Ok(vec![CaseEvent::Shared(share.clone())])
            }
            CaseCommand::AddEntry {
                id: eid,
                unit,
                on,
                visibility,
                special_categories,
                links,
                payload,
            } => {
                if eid.as_str().starts_with("sys.") {
                    return Err(Error::invalid(
                        "add_entry.id",
                        "ids starting with sys. are reserved",
                    ));
                }
                if case.entry(eid).is_some() {
                    return Err(Error::AlreadyExists {
                        subject: Subject::Case,
                        id: eid.to_string(),
                    });
                }
                if let Some(missing) = links.iter().find(|l| case.entry(l).is_none()) {
                    return Err(Error::Invalid {
                        field: "add_entry.links".into(),
                        problem: format!("names unknown entry {missing}"),
                    });
                }
                if let JournalPayload::StateChange { .. } = payload {
                    return Err(Error::invalid(
                        "add_entry.payload",
                        "state changes are written by the case itself",
                    ));
                }
                if let JournalPayload::Assessment(response) = payload {
                    let registry = FormRegistry::builtin();
                    if registry.definitions.contains_key(&response.form) {
                        registry.validate(response)?;
                    }
                }
                let mut categories = payload.inherent_categories();
                categories.extend(special_categories.iter().copied());
                Ok(vec![CaseEvent::EntryAdded(JournalEntry {
                    id: eid.clone(),
                    author: ctx.actor.clone(),
                    author_unit: unit.clone(),
                    on: *on,
                    visibility: visibility.clone(),
                    special_categories: categories,
                    links: links.clone(),
                    payload: payload.clone(),
                })])
            }
            CaseCommand::OpenPai(pai) => {
                pai.validate()?;
                if case.pais.contains_key(&pai.id) {
                    return Err(Error::AlreadyExists {
                        subject: Subject::Pai,
                        id: pai.id.to_string(),
                    });
                }
                not_before("pai.started_on", pai.started_on, case.opened_on)?;
                Ok(vec![CaseEvent::PaiOpened(pai.clone())])
            }
            CaseCommand::MonitorPai { pai, monitoring } => {
                let p = case.pais.get(pai).ok_or_else(|| Error::NotFound {
                    subject: Subject::Pai,
                    id: pai.to_string(),
                })?;
                if p.closure.is_some() {
                    return Err(TransitionError {
                        subject: Subject::Pai,
                        state: "closed",
                        command: "monitor",
                    }
                    .into());
                }
                let last = p.monitoring.iter().map(|m| m.on).max().unwrap_or(p.started_on);
                if monitoring.on < last {
                    return Err(Error::invalid(
                        "monitor_pai.on",
                        "precedes the previous monitoring",
                    ));
                }
                let count = u32::try_from(p.objectives.len()).unwrap_or(u32::MAX);
                if monitoring.outcomes.keys().any(|k| *k >= count) {
                    return Err(Error::invalid(
                        "monitor_pai.outcomes",
                        "names an unknown objective",
                    ));
                }
                Ok(vec![CaseEvent::PaiMonitored {
                    pai: pai.clone(),
                    monitoring: monitoring.clone(),
                }])
            }
            CaseCommand::ClosePai { pai, closure } => {
                let p = case.pais.get(pai).ok_or_else(|| Error::NotFound {
                    subject: Subject::Pai,
                    id: pai.to_string(),
                })?;
                if p.closure.is_some() {
                    return Err(TransitionError {
                        subject: Subject::Pai,
                        state: "closed",
                        command: "close",
                    }
                    .into());
                }
                if closure.on < p.started_on {
                    return Err(Error::invalid("close_pai.on", "precedes the start"));
                }
                if closure.sinba_code.is_some_and(|c| !(1..=9).contains(&c)) {
                    return Err(Error::invalid(
                        "close_pai.sinba_code",
                        "SINBA MotivazioneChiusuraCarico is 1-9",
                    ));
                }
                Ok(vec![CaseEvent::PaiClosed { pai: pai.clone(), closure: closure.clone() }])
            }
            CaseCommand::PlanIntervention(planned) => {
                if case.interventions.contains_key(&planned.id) {
                    return Err(Error::AlreadyExists {
                        subject: Subject::Intervention,
                        id: planned.id.to_string(),
                    });
                }
                if !matches!(
                    planned.status,
                    AdminStatus::UnderAssessment | AdminStatus::Active { .. }
                ) {
                    return Err(Error::invalid(
                        "plan_intervention.status",
                        "must start under assessment or active",
                    ));
                }
                if planned.catalogue.id != planned.intervention_type {
                    return Err(Error::invalid(
                        "plan_intervention.catalogue",
                        "differs from the intervention type",
                    ));
                }
                if !planned.catalogue.valid.contains(planned.period.from()) {
                    return Err(Error::invalid(
                        "plan_intervention.period",
                        "starts outside the catalogue node's validity",
                    ));
                }
                if let Some(p) = &planned.pai {
                    if !case.pais.contains_key(p) {
                        return Err(Error::invalid(
                            "plan_intervention.pai",
                            "names an unknown PAI",
                        ));
                    }
                }
                Ok(vec![CaseEvent::InterventionPlanned(planned.clone())])
            }
            CaseCommand::ChangeInterventionStatus { id: pid, status } => {
                let p = case.interventions.get(pid).ok_or_else(|| Error::NotFound {
                    subject: Subject::Intervention,
                    id: pid.to_string(),
                })?;
                if !p.status.may_become(status) {
                    return Err(TransitionError {
                        subject: Subject::Intervention,
                        state: p.status.name(),
                        command: status.name(),
                    }
                    .into());
                }
                Ok(vec![CaseEvent::InterventionStatusChanged {
                    id: pid.clone(),
                    status: status.clone(),
                }])
            }
            CaseCommand::RecordDelivery(delivery) => {
                let p =
                    case.interventions.get(&delivery.planned).ok_or_else(|| Error::NotFound {
                        subject: Subject::Intervention,
                        id: delivery.planned.to_string(),
                    })?;
                if !matches!(p.status, AdminStatus::Active { .. }) {
                    return Err(TransitionError {
                        subject: Subject::Intervention,
                        state: p.status.name(),
                        command: "record_delivery",
                    }
                    .into());
                }
                if case.deliveries.contains_key(&delivery.id) {
                    return Err(Error::AlreadyExists {
                        subject: Subject::Intervention,
                        id: delivery.id.to_string(),
                    });
                }
                delivery.validate(&p.id)?;
                if let Some(sina) = &delivery.sina {
                    if !p.catalogue.sina_linkable {
                        return Err(Error::invalid(
                            "delivery.sina",
                            "the intervention is not SINA-linkable",
                        ));
                    }
                    FormRegistry::builtin().validate(sina)?;
                    if sina.form != "sina" {
                        return Err(Error::invalid("delivery.sina", "is not a SINA form"));
                    }
                }
                if !p.period.contains(delivery.amount.first_day()) {
                    return Err(Error::invalid(
                        "delivery.amount",
                        "starts outside the planned period",
                    ));
                }
                Ok(vec![CaseEvent::DeliveryRecorded {
                    delivery: delivery.clone(),
                    in_charge: case.in_charge(),
                }])
            }
            CaseCommand::Close { on, reason } => {
                not_before("close.on", *on, case.last_status_day())?;
                if reason.trim().is_empty() {
                    return Err(Error::invalid("close.reason", "is empty"));
                }
                if case.assignments.iter().any(|a| a.valid.to().is_none() && a.valid.from() > *on) {
                    return Err(Error::invalid(
                        "close.on",
                        "precedes the start of an open assignment",
                    ));
                }
                if case.pais.values().any(|p| p.closure.is_none())
                    || case.interventions.values().any(|i| {
                        matches!(
                            i.status,
                            AdminStatus::Active { .. } | AdminStatus::Suspended { .. }
                        )
                    })
                {
                    return Err(refuse());
                }
                let unit = case.unit.clone();
                Ok(vec![
                    CaseEvent::Closed { on: *on, reason: reason.clone() },
                    state_change_entry(case, ctx, &unit, *on, "closed")?,
                ])
            }
            CaseCommand::Reopen { on } => {
                if !closed {
                    return Err(refuse());
                }
                not_before("reopen.on", *on, case.last_status_day())?;
                Ok(vec![CaseEvent::Reopened { on: *on }])
            }
        }
    }

    fn apply(state: Option<Case>, event: &CaseEvent) -> Result<Case> {
        let Some(mut c) = state else {
            return match event {
                CaseEvent::Opened { id, person, organisation, unit, number, area, on, intake } => {
                    Ok(Case {
                        id: id.clone(),
                        person: person.clone(),
                        organisation: organisation.clone(),
                        unit: unit.clone(),
                        number: number.clone(),
                        area: *area,
                        opened_on: *on,
                        intake: intake.clone(),
                        status: CaseStatus::Open,
                        history: vec![(*on, "open".to_owned())],
                        taken_in_charge_on: None,
                        assignments: Vec::new(),
                        shares: Vec::new(),
                        journal: Vec::new(),
                        pais: BTreeMap::new(),
                        interventions: BTreeMap::new(),
                        deliveries: BTreeMap::new(),
                    })
                }
                _ => Err(Error::NotFound { subject: Subject::Case, id: String::new() }),
            };
        };
        match event {
            CaseEvent::Opened { .. } => {
                return Err(Error::AlreadyExists { subject: Subject::Case, id: c.id.to_string() })
            }
            CaseEvent::Referred { target, on } => {
                c.status = CaseStatus::Referred { target: target.clone() };
                c.history.push((*on, "referred".into()));
            }
            CaseEvent::Assigned(a) => c.assignments.push(a.clone()),
            CaseEvent::AssignmentEnded { operator, on } => {
                for a in c
                    .assignments
                    .iter_mut()
                    .filter(|a| &a.operator == operator && a.valid.to().is_none())
                {
                    if let Some(r) = end_range(&a.valid, *on) {
                        a.valid = r;
                    }
                }
            }
            CaseEvent::TakenInCharge { operator, unit, on } => {
                // End every manager assignment still running on `on`, and the new manager's own
                // open assignment, the day before; one that starts on `on` or later is
                // superseded entirely. So no two managers ever share a day.
                let previous = on.pred_opt();
                c.assignments.retain_mut(|a| {
                    let running = a.valid.to().is_none_or(|t| t >= *on);
                    let affected = running
                        && (a.is_manager || (&a.operator == operator && a.valid.to().is_none()));
                    if !affected {
                        return true;
                    }
                    match previous.and_then(|p| end_range(&a.valid, p)) {
                        Some(r) => {
                            a.valid = r;
                            true
                        }
                        None => false,
                    }
                });
                c.assignments.push(Assignment {
                    operator: operator.clone(),
                    unit: unit.clone(),
                    valid: DateRange::starting(*on),
                    is_manager: true,
                    can_edit: true,
                });
                c.status = CaseStatus::TakenInCharge;
                if c.taken_in_charge_on.is_none() {
                    c.taken_in_charge_on = Some(*on);
                }
                c.history.push((*on, "taken_in_charge".into()));
            }
            CaseEvent::Shared(s) => c.shares.push(s.clone()),
            CaseEvent::EntryAdded(e) => c.journal.push(e.clone()),
            CaseEvent::PaiOpened(p) => {
                c.pais.insert(p.id.clone(), p.clone());
            }
            CaseEvent::PaiMonitored { pai, monitoring } => {
                if let Some(p) = c.pais.get_mut(pai) {
                    for (idx, outcome) in &monitoring.outcomes {
                        if let Some(o) =
                            usize::try_from(*idx).ok().and_then(|i| p.objectives.get_mut(i))
                        {
                            o.achieved = Some(*outcome);
                        }
                    }
                    p.monitoring.push(monitoring.clone());
                }
            }
            CaseEvent::PaiClosed { pai, closure } => {
                if let Some(p) = c.pais.get_mut(pai) {
                    p.closure = Some(closure.clone());
                }
            }
            CaseEvent::InterventionPlanned(p) => {
                c.interventions.insert(p.id.clone(), p.clone());
            }
            CaseEvent::InterventionStatusChanged { id, status } => {
                if let Some(p) = c.interventions.get_mut(id) {
                    p.status = status.clone();
                }
            }
            CaseEvent::DeliveryRecorded { delivery, in_charge } => {
                c.deliveries.insert(delivery.id.clone(), (delivery.clone(), *in_charge));
            }
            CaseEvent::Closed { on, reason } => {
                c.status = CaseStatus::Closed { reason: reason.clone() };
                for a in c.assignments.iter_mut().filter(|a| a.valid.to().is_none()) {
                    if let Some(r) = end_range(&a.valid, *on) {
                        a.valid = r;
                    }
                }
                c.history.push((*on, "closed".into()));
            }
            CaseEvent::Reopened { on } => {
                c.status = CaseStatus::Reopened;
                c.taken_in_charge_on = None;
                c.history.push((*on, "reopened".into()));
            }
        }
        Ok(c)
    }
}

fn state_change_entry(
    case: &Case,
    ctx: &crate::engine::CommandContext,
    unit: &UnitId,
    on: NaiveDate,
    to: &str,
) -> Result<CaseEvent> {
    let n = case.journal.len() + 1;
    Ok(CaseEvent::EntryAdded(JournalEntry {
        id: EntryId::new(format!("sys.state.{n}"))?,
        author: ctx.actor.clone(),
        author_unit: unit.clone(),
        on,
        visibility: Visibility::Normal,
        special_categories: BTreeSet::new(),
        links: Vec::new(),
        payload: JournalPayload::StateChange {
            from: case.status.name().to_owned(),
            to: to.to_owned(),
        },
    }))
}
