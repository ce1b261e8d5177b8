//! Access policy, redaction of special categories, and the access log.
//!
//! The decisions are pure functions of the tenant configuration, the operator, the data and the
//! day; each returns allow or deny with a [`Reason`] and denies by default: every path that does
//! not positively establish a right (unknown operator, no membership on the day, no relation to
//! the data, missing permission, unknown entry) ends in a deny.
//!
//! | decision | decides |
//! |---|---|
//! | [`decide`] | case actions: [`Action::ReadCase`], [`Action::ReadEntry`] and the case commands |
//! | [`decide_istanza`] | reading an istanza |
//! | [`decide_istanza_command`] | istanza commands (a permission on the day, in a unit of the istanza's organisation) |
//! | [`decide_permission`] | person, group and intake commands (a permission on the day) |
//! | [`decide_person`], [`decide_group`], [`decide_intake`] | reading a person, a group, an intake |
//!
//! A read that is allowed can still hide content: [`redactions`] lists the special categories
//! (health, disability, justice, minors: art. 9 and 10 GDPR, recital 38) the operator lacks the
//! permission for; [`case_view`] replaces those payloads of a case with a redaction marker, and
//! [`person_view`] hides a person's legal protection measures.
//!
//! Every decision taken through [`CaseFile`](crate::service::CaseFile) goes to the access log
//! as an [`AccessLogEntry`]: who, when, what (ids), why (purpose), allowed or not, and the reason
//! code. No names, codici fiscali or content. What exactly is logged, and when, is listed in
//! the [`service`](crate::service) module docs.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{Assignment, Case, CaseStatus, JournalPayload, ReferralTarget, Visibility};
use crate::events::AggregateRef;
use crate::group::Group;
use crate::ids::{
    CaseId, ConsentId, DeliveryId, EntryId, OperatorId, OrganisationId, PersonId, TenantId, UnitId,
};
use crate::intake::Intake;
use crate::intervention::Delivery;
use crate::pai::Pai;
use crate::person::{Birth, ConsentRecord, FactKind, FactRecord, LegalProtection, Person};
use crate::person::{PersonIdentifiers, Sex};
use crate::tenancy::{Permission, Role, Tenant};

/// A special category of personal data.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpecialCategory {
    /// Health data (art. 9 GDPR).
    Health,
    /// Disability data (art. 9 GDPR, health).
    Disability,
    /// Criminal and judicial data (art. 10 GDPR, Codice privacy art. 2-octies).
    Justice,
    /// Data about minors (recital 38 GDPR).
    Minors,
}

impl SpecialCategory {
    /// The permission needed to see data of this category.
    pub fn permission(self) -> Permission {
        match self {
            SpecialCategory::Health => Permission::ReadHealthData,
            SpecialCategory::Disability => Permission::ReadDisabilityData,
            SpecialCategory::Justice => Permission::ReadJusticeData,
            SpecialCategory::Minors => Permission::ReadMinorsData,
        }
    }

    /// Every category.
    pub const ALL: [SpecialCategory; 4] = [
        SpecialCategory::Health,
        SpecialCategory::Disability,
        SpecialCategory::Justice,
        SpecialCategory::Minors,
    ];
}

/// What an operator wants to do: with a case (decided by [`decide`]), or with a person, group,
/// intake or istanza (decided by the functions named on each variant).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// Read the case header, team and lists.
    ReadCase,
    /// Read one journal entry.
    ReadEntry(EntryId),
    /// Add journal entries.
    WriteJournal,
    /// Change the team or shares, refer the case.
    ManageTeam,
    /// Take the case in charge.
    TakeInCharge,
    /// Close or reopen the case.
    CloseCase,
    /// Open, monitor or close a PAI.
    ManagePai,
    /// Plan interventions or change their status.
    PlanIntervention,
    /// Record deliveries.
    RecordDelivery,
    /// Export the case's deliveries to SIUSS.
    ExportSiuss,
    /// Export the case's SINBA record.
    ExportSinba,
    /// Read an istanza (decided by [`decide_istanza`], never by [`decide`]).
    ReadIstanza,
    /// Register or change a person: identifiers, facts, legal protection, consents (needs
    /// [`Permission::RegisterIntake`], decided by [`decide_permission`]).
    WritePerson,
    /// Create or change a group (nucleo, famiglia anagrafica, household of care; needs
    /// [`Permission::RegisterIntake`], decided by [`decide_permission`]).
    WriteGroup,
    /// Record an access or move its referral (needs [`Permission::RegisterIntake`], decided by
    /// [`decide_permission`]).
    WriteIntake,
    /// Draft, submit, instruct, suspend or archive an istanza (needs
    /// [`Permission::HandleIstanza`], decided by [`decide_permission`]).
    HandleIstanza,
    /// Decide an istanza: sign the provvedimento (needs [`Permission::DecideIstanza`], decided
    /// by [`decide_permission`]).
    DecideIstanza,
    /// Read a person (decided by [`decide_person`]).
    ReadPerson,
    /// Read a group (decided by [`decide_group`]).
    ReadGroup,
    /// Read an intake (decided by [`decide_intake`]).
    ReadIntake,
}

/// Why the access log records an access.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Purpose {
    /// Social case work.
    CaseWork,
    /// Supervision by the unit head.
    Supervision,
    /// Instruction of an istanza.
    IstanzaInstruction,
    /// Export to SIUSS / SINBA.
    Export,
    /// Audit.
    Audit,
    /// Front-office access and registry work (segretariato sociale, L. 328/2000 art. 22(4)(a)):
    /// registering and updating persons, groups and accesses. Logged by the person, group and
    /// intake commands.
    Intake,
}

/// The reason code of a decision.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    // Allow reasons.
    /// The operator is assigned to the case.
    Assigned,
    /// The operator is the case manager.
    Manager,
    /// The case belongs to the operator's unit.
    UnitCase,
    /// The case is shared with the operator's unit.
    SharedWithUnit,
    /// The case belongs to the operator's organisation.
    OrganisationCase,
    /// The operator heads the unit the case or entry belongs to.
    UnitHead,
    /// The operator wrote the entry.
    Author,
    /// The operator belongs to the entry's second-level unit.
    SecondLevelMember,
    /// The operator holds the permission for reserved entries.
    ReservedPermission,
    /// The case is referred to the operator or their unit.
    ReferredToOperator,
    /// The operator holds, on the day, the permission the action needs (person, group, intake
    /// and istanza commands; front-office reads of persons, groups and intakes).
    HoldsPermission,
    // Deny reasons.
    /// The operator is not in the tenant.
    UnknownOperator,
    /// The case's organisation is not in the tenant.
    ForeignCase,
    /// The operator has no unit membership on the day.
    NoActiveMembership,
    /// The operator has no relation to the case that grants access.
    NoRelationToCase,
    /// The operator lacks the permission for the action.
    MissingPermission,
    /// Writing needs an assignment with edit right, or heading the case's unit.
    NotEditor,
    /// The case is closed.
    CaseClosed,
    /// The entry does not exist.
    EntryNotFound,
    /// The entry is private to its author.
    PrivateEntry,
    /// The entry is reserved.
    ReservedEntry,
    /// The entry belongs to a second-level unit.
    SecondLevelEntry,
    /// The file is shared with entries of other units hidden.
    HiddenForeignEntry,
}

/// Allow or deny, with a reason.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision {
    /// Whether the action is allowed.
    pub allowed: bool,
    /// Why.
    pub reason: Reason,
}

impl Decision {
    fn allow(reason: Reason) -> Decision {
        Decision { allowed: true, reason }
    }

    fn deny(reason: Reason) -> Decision {
        Decision { allowed: false, reason }
    }
}

/// An access-log entry: ids and codes only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccessLogEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Tenant.
    pub tenant: TenantId,
    /// Who.
    pub operator: OperatorId,
    /// What.
    pub aggregate: AggregateRef,
    /// Which action.
    pub action: Action,
    /// Why.
    pub purpose: Purpose,
    /// Whether it was allowed.
    pub allowed: bool,
    /// Reason code.
    pub reason: Reason,
}

struct Facts<'a> {
    perms: BTreeSet<Permission>,
    units: BTreeSet<UnitId>,
    heads: BTreeSet<UnitId>,
    assignment: Option<&'a Assignment>,
    manager: bool,
}

fn case_basis(tenant: &Tenant, f: &Facts<'_>, case: &Case, on: NaiveDate) -> Decision {
    let has = |p: Permission| f.perms.contains(&p);
    if f.manager && has(Permission::ReadAssignedCases) {
        return Decision::allow(Reason::Manager);
    }
    if f.assignment.is_some() && has(Permission::ReadAssignedCases) {
        return Decision::allow(Reason::Assigned);
    }
    let case_units: BTreeSet<&UnitId> =
        std::iter::once(&case.unit).chain(case.assignments_on(on).map(|a| &a.unit)).collect();
    if f.heads.iter().any(|u| case_units.contains(u)) {
        return Decision::allow(Reason::UnitHead);
    }
    if has(Permission::ReadUnitCases) && f.units.iter().any(|u| case_units.contains(u)) {
        return Decision::allow(Reason::UnitCase);
    }
    let referred = match &case.status {
        CaseStatus::Referred { target: ReferralTarget::Unit(u) } => f.units.contains(u),
        _ => false,
    };
    if referred && (has(Permission::ReadUnitCases) || has(Permission::TakeInCharge)) {
        return Decision::allow(Reason::ReferredToOperator);
    }
    let shared = case.shares.iter().any(|s| s.valid.contains(on) && f.units.contains(&s.unit));
    if shared && (has(Permission::ReadUnitCases) || has(Permission::ReadAssignedCases)) {
        return Decision::allow(Reason::SharedWithUnit);
    }
    let orgs: BTreeSet<_> = f.units.iter().filter_map(|u| tenant.organisation_of(u)).collect();
    if has(Permission::ReadOrganisationCases) && orgs.contains(&case.organisation) {
        return Decision::allow(Reason::OrganisationCase);
    }
    Decision::deny(Reason::NoRelationToCase)
}

/// Decides whether `operator` may perform `action` on `case` on day `on`. The actions on
/// istanze, persons, groups and intakes are not case actions and are always denied here
/// ([`Reason::MissingPermission`]): [`decide_istanza`], [`decide_permission`],
/// [`decide_person`], [`decide_group`] and [`decide_intake`] decide them.
pub fn decide(
    tenant: &Tenant,
    operator: &OperatorId,
    case: &Case,
    action: &Action,
    on: NaiveDate,
) -> Decision {
    let Some(op) = tenant.operators.get(operator) else {
        return Decision::deny(Reason::UnknownOperator);
    };
    if !tenant.organisations.contains_key(&case.organisation) {
        return Decision::deny(Reason::ForeignCase);
    }
    let memberships: Vec<_> = op.memberships_on(on).collect();
    if memberships.is_empty() {
        return Decision::deny(Reason::NoActiveMembership);
    }
    let f = Facts {
        perms: op.permissions_on(on),
        units: op.units_on(on),
        heads: memberships
            .iter()
            .filter(|m| m.role == Role::ResponsabileUnita)
            .map(|m| m.unit.clone())
            .collect(),
        assignment: case.assignments_on(on).find(|a| &a.operator == operator),
        manager: case.manager_on(on).is_some_and(|a| &a.operator == operator),
    };
    let has = |p: Permission| f.perms.contains(&p);
    let require = |p: Permission, d: Decision| {
        if has(p) {
            d
        } else {
            Decision::deny(Reason::MissingPermission)
        }
    };

    match action {
        // Istanze, persons, groups and intakes have their own policies.
        Action::ReadIstanza
        | Action::WritePerson
        | Action::WriteGroup
        | Action::WriteIntake
        | Action::HandleIstanza
        | Action::DecideIstanza
        | Action::ReadPerson
        | Action::ReadGroup
        | Action::ReadIntake => Decision::deny(Reason::MissingPermission),
        Action::ExportSiuss | Action::ExportSinba => {
            let p = if *action == Action::ExportSiuss {
                Permission::ExportSiuss
            } else {
                Permission::ExportSinba
            };
            let orgs: BTreeSet<_> =
                f.units.iter().filter_map(|u| tenant.organisation_of(u)).collect();
            if !orgs.contains(&case.organisation) {
                return Decision::deny(Reason::NoRelationToCase);
            }
            require(p, Decision::allow(Reason::OrganisationCase))
        }
        Action::ReadCase => case_basis(tenant, &f, case, on),
        Action::ReadEntry(id) => {
            let basis = case_basis(tenant, &f, case, on);
            if !basis.allowed {
                return basis;
            }
            let Some(entry) = case.entry(id) else {
                return Decision::deny(Reason::EntryNotFound);
            };
            if &entry.author == operator {
                return Decision::allow(Reason::Author);
            }
            if basis.reason == Reason::SharedWithUnit {
                let hides = case.shares.iter().any(|s| {
                    s.valid.contains(on) && f.units.contains(&s.unit) && s.hide_foreign_entries
                });
                if hides && !f.units.contains(&entry.author_unit) {
                    return Decision::deny(Reason::HiddenForeignEntry);
                }
            }
            match &entry.visibility {
                Visibility::Normal => basis,
                Visibility::Private => Decision::deny(Reason::PrivateEntry),
                Visibility::SecondLevel(unit) => {
                    if f.units.contains(unit) {
                        Decision::allow(Reason::SecondLevelMember)
                    } else {
                        Decision::deny(Reason::SecondLevelEntry)
                    }
                }
                Visibility::Reserved => {
                    if f.manager {
                        Decision::allow(Reason::Manager)
                    } else if f.heads.contains(&entry.author_unit) {
                        Decision::allow(Reason::UnitHead)
                    } else if has(Permission::ReadReserved) && f.assignment.is_some() {
                        Decision::allow(Reason::ReservedPermission)
                    } else {
                        Decision::deny(Reason::ReservedEntry)
                    }
                }
            }
        }
        Action::TakeInCharge => {
            if !case.status.is_open() {
                return Decision::deny(Reason::CaseClosed);
            }
            if !has(Permission::TakeInCharge) {
                return Decision::deny(Reason::MissingPermission);
            }
            let referred_to_me = match &case.status {
                CaseStatus::Referred { target: ReferralTarget::Operator(o) } => o == operator,
                CaseStatus::Referred { target: ReferralTarget::Unit(u) } => f.units.contains(u),
                _ => false,
            };
            if referred_to_me {
                Decision::allow(Reason::ReferredToOperator)
            } else if f.units.contains(&case.unit) {
                Decision::allow(Reason::UnitCase)
            } else {
                Decision::deny(Reason::NoRelationToCase)
            }
        }
        Action::WriteJournal
        | Action::ManageTeam
        | Action::CloseCase
        | Action::ManagePai
        | Action::PlanIntervention
        | Action::RecordDelivery => {
            let needed = match action {
                Action::WriteJournal => Permission::WriteJournal,
                Action::ManageTeam => Permission::TakeInCharge,
                Action::CloseCase => Permission::CloseCase,
                Action::ManagePai => Permission::ManagePai,
                Action::PlanIntervention => Permission::RequestIntervention,
                _ => Permission::RecordDelivery,
            };
            if !has(needed) {
                return Decision::deny(Reason::MissingPermission);
            }
            if !case.status.is_open() && *action != Action::CloseCase {
                return Decision::deny(Reason::CaseClosed);
            }
            if f.manager {
                return Decision::allow(Reason::Manager);
            }
            if f.heads.contains(&case.unit) {
                return Decision::allow(Reason::UnitHead);
            }
            match f.assignment {
                Some(a) if a.can_edit => Decision::allow(Reason::Assigned),
                Some(_) => Decision::deny(Reason::NotEditor),
                None if *action == Action::RecordDelivery && f.units.contains(&case.unit) => {
                    // Administrative officers of the case's unit record deliveries.
                    Decision::allow(Reason::UnitCase)
                }
                None => Decision::deny(Reason::NotEditor),
            }
        }
    }
}

/// Decides whether `operator` may read `istanza` on `on`: an operator who handles or decides
/// istanze, in a unit of the istanza's organisation. Deny otherwise.
pub fn decide_istanza(
    tenant: &Tenant,
    operator: &OperatorId,
    istanza: &crate::istanza::Istanza,
    on: NaiveDate,
) -> Decision {
    decide_in_organisation(tenant, operator, &istanza.organisation, on, |perms| {
        perms.contains(&Permission::HandleIstanza) || perms.contains(&Permission::DecideIstanza)
    })
}

/// Decides whether `operator` may run an istanza command that needs `permission`
/// ([`Permission::HandleIstanza`], or [`Permission::DecideIstanza`] for a decision) on an
/// istanza of `organisation` on `on`: the permission alone is not enough, the operator must also
/// hold it in a unit of that organisation. A member comune's office does not draft, instruct or
/// decide another member comune's istanze, even inside one ambito.
///
/// Rule, in order: an operator not in the tenant is denied ([`Reason::UnknownOperator`]); an
/// organisation not in the tenant is denied ([`Reason::ForeignCase`]); one with no unit
/// membership in force on the day is denied ([`Reason::NoActiveMembership`]); one without
/// `permission` on the day is denied ([`Reason::MissingPermission`]); one with no unit of
/// `organisation` is denied ([`Reason::NoRelationToCase`]); otherwise allowed
/// ([`Reason::OrganisationCase`]).
pub fn decide_istanza_command(
    tenant: &Tenant,
    operator: &OperatorId,
    permission: Permission,
    organisation: &OrganisationId,
    on: NaiveDate,
) -> Decision {
    decide_in_organisation(tenant, operator, organisation, on, |perms| perms.contains(&permission))
}

/// The shared rule of [`decide_istanza`] and [`decide_istanza_command`]: `granted` by the
/// operator's permissions on the day, in a unit of `organisation`.
fn decide_in_organisation(
    tenant: &Tenant,
    operator: &OperatorId,
    organisation: &OrganisationId,
    on: NaiveDate,
    granted: impl Fn(&BTreeSet<Permission>) -> bool,
) -> Decision {
    let Some(op) = tenant.operators.get(operator) else {
        return Decision::deny(Reason::UnknownOperator);
    };
    if !tenant.organisations.contains_key(organisation) {
        return Decision::deny(Reason::ForeignCase);
    }
    let units = op.units_on(on);
    if units.is_empty() {
        return Decision::deny(Reason::NoActiveMembership);
    }
    if !granted(&op.permissions_on(on)) {
        return Decision::deny(Reason::MissingPermission);
    }
    if units.iter().any(|u| tenant.organisation_of(u) == Some(organisation)) {
        Decision::allow(Reason::OrganisationCase)
    } else {
        Decision::deny(Reason::NoRelationToCase)
    }
}

/// Decides whether `operator` holds `permission` on `on`: the rule of the person, group and
/// intake commands ([`Action::WritePerson`], [`Action::WriteGroup`], [`Action::WriteIntake`]
/// need [`Permission::RegisterIntake`]). Istanza commands are decided by
/// [`decide_istanza_command`], which also asks for a unit of the istanza's organisation.
///
/// Rule, in order: an operator not in the tenant is denied ([`Reason::UnknownOperator`]); one
/// with no unit membership in force on the day is denied ([`Reason::NoActiveMembership`]); one
/// whose memberships in force on the day do not grant `permission` is denied
/// ([`Reason::MissingPermission`]); otherwise allowed ([`Reason::HoldsPermission`]).
pub fn decide_permission(
    tenant: &Tenant,
    operator: &OperatorId,
    permission: Permission,
    on: NaiveDate,
) -> Decision {
    let Some(op) = tenant.operators.get(operator) else {
        return Decision::deny(Reason::UnknownOperator);
    };
    if op.memberships_on(on).next().is_none() {
        return Decision::deny(Reason::NoActiveMembership);
    }
    if op.permissions_on(on).contains(&permission) {
        Decision::allow(Reason::HoldsPermission)
    } else {
        Decision::deny(Reason::MissingPermission)
    }
}

/// The shared rule of [`decide_person`], [`decide_group`] and [`decide_intake`]: the
/// front-office permission, else a case of one of `persons` the operator may read.
fn decide_record<'a>(
    tenant: &Tenant,
    operator: &OperatorId,
    persons: &BTreeSet<&PersonId>,
    cases: impl IntoIterator<Item = &'a Case>,
    on: NaiveDate,
) -> Decision {
    let front_office = decide_permission(tenant, operator, Permission::RegisterIntake, on);
    if front_office.allowed || front_office.reason != Reason::MissingPermission {
        return front_office;
    }
    cases
        .into_iter()
        .filter(|c| persons.contains(&c.person))
        .map(|c| decide(tenant, operator, c, &Action::ReadCase, on))
        .find(|d| d.allowed)
        .unwrap_or(Decision::deny(Reason::NoRelationToCase))
}

/// Decides whether `operator` may read the person `person` on `on` ([`Action::ReadPerson`]).
/// `cases` may hold any cases of the tenant (every case, or only the person's): only those
/// whose subject is `person` count.
///
/// Rule, in order: an operator not in the tenant is denied ([`Reason::UnknownOperator`]); one
/// with no unit membership in force on the day is denied ([`Reason::NoActiveMembership`]) —
/// so a former team member whose membership ended before the day is denied; one who holds the
/// front-office permission [`Permission::RegisterIntake`] on the day is allowed
/// ([`Reason::HoldsPermission`]): the front office registers and finds persons before any case
/// exists; one who may read ([`Action::ReadCase`] by [`decide`]) a case of the person, whatever
/// its status (open, referred, taken in charge, closed, reopened), is allowed with that
/// decision's reason (e.g. [`Reason::Assigned`], [`Reason::UnitCase`]); anyone else is denied
/// ([`Reason::NoRelationToCase`]).
pub fn decide_person<'a>(
    tenant: &Tenant,
    operator: &OperatorId,
    person: &PersonId,
    cases: impl IntoIterator<Item = &'a Case>,
    on: NaiveDate,
) -> Decision {
    decide_record(tenant, operator, &BTreeSet::from([person]), cases, on)
}

/// Decides whether `operator` may read `group` on `on` ([`Action::ReadGroup`]). `cases` may
/// hold any cases of the tenant: only those whose subject is a member of the group on `on`
/// count.
///
/// Rule: as [`decide_person`], where the relation is a case the operator may read of any
/// person who is a member of the group on the day (a member who left the group before the day
/// gives no access to it).
pub fn decide_group<'a>(
    tenant: &Tenant,
    operator: &OperatorId,
    group: &Group,
    cases: impl IntoIterator<Item = &'a Case>,
    on: NaiveDate,
) -> Decision {
    let members: BTreeSet<&PersonId> = group.members_on(on).map(|m| &m.person).collect();
    decide_record(tenant, operator, &members, cases, on)
}

/// Decides whether `operator` may read `intake` on `on` ([`Action::ReadIntake`]). `cases` may
/// hold any cases of the tenant: only those whose subject is the intake's person count.
///
/// Rule: an intake whose desk organisation is not in the tenant is denied
/// ([`Reason::ForeignCase`]); otherwise as [`decide_person`], where the relation is a case the
/// operator may read of the intake's identified person. An intake whose person is not yet
/// identified is readable only with the front-office permission.
pub fn decide_intake<'a>(
    tenant: &Tenant,
    operator: &OperatorId,
    intake: &Intake,
    cases: impl IntoIterator<Item = &'a Case>,
    on: NaiveDate,
) -> Decision {
    if !tenant.operators.contains_key(operator) {
        return Decision::deny(Reason::UnknownOperator);
    }
    if !tenant.organisations.contains_key(&intake.access.organisation) {
        return Decision::deny(Reason::ForeignCase);
    }
    let persons: BTreeSet<&PersonId> = intake.access.person.iter().collect();
    decide_record(tenant, operator, &persons, cases, on)
}

/// The special categories a person's record reveals on `on`: its legal protection measures
/// (tutela, curatela, amministrazione di sostegno) are decrees of a judicial authority
/// ([`SpecialCategory::Justice`]), and of a minor on the day also
/// [`SpecialCategory::Minors`]. Identifiers, birth, facts (name, citizenship, residence,
/// contacts, marital status, death) and consents are ordinary personal data: the front office
/// needs them to register and find persons. Empty when the person has no protection measure.
pub fn person_categories(person: &Person, on: NaiveDate) -> BTreeSet<SpecialCategory> {
    let mut out = BTreeSet::new();
    if !person.protections.is_empty() {
        out.insert(SpecialCategory::Justice);
        if person.is_minor_on(on) {
            out.insert(SpecialCategory::Minors);
        }
    }
    out
}

/// A person as shown to one operator: every field of [`Person`], with the legal protection
/// measures hidden when the operator lacks a category of [`person_categories`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonView {
    /// Identifier.
    pub id: PersonId,
    /// Identifiers.
    pub identifiers: PersonIdentifiers,
    /// Sex.
    pub sex: Sex,
    /// Birth.
    pub birth: Birth,
    /// Whether the person is recorded anonymously.
    pub anonymous: bool,
    /// Bitemporal fact history, by kind, in recording order.
    pub facts: BTreeMap<FactKind, Vec<FactRecord>>,
    /// Legal protection measures, `None` when redacted (an empty list means there are none).
    pub protections: Option<Vec<LegalProtection>>,
    /// Consents and legal bases.
    pub consents: BTreeMap<ConsentId, ConsentRecord>,
    /// Categories that caused redaction.
    pub redacted: BTreeSet<SpecialCategory>,
}

/// Builds the view of `person` for `operator` on `on`. It redacts only; whether the operator
/// may read the person at all is [`decide_person`]'s.
pub fn person_view(
    tenant: &Tenant,
    operator: &OperatorId,
    person: &Person,
    on: NaiveDate,
) -> PersonView {
    let redacted = redactions(tenant, operator, &person_categories(person, on), on);
    PersonView {
        id: person.id.clone(),
        identifiers: person.identifiers.clone(),
        sex: person.sex,
        birth: person.birth.clone(),
        anonymous: person.anonymous,
        facts: person.facts.clone(),
        protections: if redacted.is_empty() { Some(person.protections.clone()) } else { None },
        consents: person.consents.clone(),
        redacted,
    }
}

/// The special categories of `categories` that `operator` may not see on `on`. An unknown
/// operator may see none.
pub fn redactions(
    tenant: &Tenant,
    operator: &OperatorId,
    categories: &BTreeSet<SpecialCategory>,
    on: NaiveDate,
) -> BTreeSet<SpecialCategory> {
    let perms = tenant.operators.get(operator).map(|o| o.permissions_on(on)).unwrap_or_default();
    categories.iter().copied().filter(|c| !perms.contains(&c.permission())).collect()
}

/// A journal entry as shown to one operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EntryView {
    /// Identifier.
    pub id: EntryId,
    /// Administrative date.
    pub on: NaiveDate,
    /// Author.
    pub author: OperatorId,
    /// Payload type.
    pub entry_type: String,
    /// Visibility.
    pub visibility: Visibility,
    /// The content, `None` when redacted.
    pub payload: Option<JournalPayload>,
    /// Categories that caused redaction.
    pub redacted: BTreeSet<SpecialCategory>,
}

/// A case as shown to one operator: entries they may not read are left out, content of
/// special categories they lack is redacted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseView {
    /// Identifier.
    pub id: CaseId,
    /// Human number.
    pub number: String,
    /// Status.
    pub status: CaseStatus,
    /// Team on the day.
    pub team: Vec<Assignment>,
    /// Readable entries.
    pub entries: Vec<EntryView>,
    /// PAIs.
    pub pais: BTreeMap<crate::ids::PaiId, Pai>,
    /// Deliveries; a SINA assessment is removed unless health and disability may be read.
    pub deliveries: BTreeMap<DeliveryId, Delivery>,
}

/// Builds the view of `case` for `operator` on `on`, or `None` when [`Action::ReadCase`] is
/// denied. `subject_is_minor` adds [`SpecialCategory::Minors`] to every entry.
pub fn case_view(
    tenant: &Tenant,
    operator: &OperatorId,
    case: &Case,
    on: NaiveDate,
    subject_is_minor: bool,
) -> Option<CaseView> {
    if !decide(tenant, operator, case, &Action::ReadCase, on).allowed {
        return None;
    }
    let entries = case
        .journal
        .iter()
        .filter(|e| decide(tenant, operator, case, &Action::ReadEntry(e.id.clone()), on).allowed)
        .map(|e| {
            let mut cats = e.special_categories.clone();
            if subject_is_minor {
                cats.insert(SpecialCategory::Minors);
            }
            let redacted = redactions(tenant, operator, &cats, on);
            EntryView {
                id: e.id.clone(),
                on: e.on,
                author: e.author.clone(),
                entry_type: e.payload.type_name().to_owned(),
                visibility: e.visibility.clone(),
                payload: if redacted.is_empty() { Some(e.payload.clone()) } else { None },
                redacted,
            }
        })
        .collect();
    let sina_cats: BTreeSet<_> =
        [SpecialCategory::Health, SpecialCategory::Disability].into_iter().collect();
    let sina_ok = redactions(tenant, operator, &sina_cats, on).is_empty();
    let deliveries = case
        .deliveries
        .iter()
        .map(|(id, (d, _))| {
            let mut d = d.clone();
            if !sina_ok {
                d.sina = None;
            }
            (id.clone(), d)
        })
        .collect();
    Some(CaseView {
        id: case.id.clone(),
        number: case.number.clone(),
        status: case.status.clone(),
        team: case.assignments_on(on).cloned().collect(),
        entries,
        pais: case.pais.clone(),
        deliveries,
    })
}
