//! Access policy, redaction of special categories, and the access log.
//!
//! [`decide`] is a pure function of the tenant configuration, the operator, the case, the
//! action and the day: it returns allow or deny with a [`Reason`]. It denies by default: every
//! path that does not positively establish a right (unknown operator, no membership on the day,
//! no relation to the case, missing permission, unknown entry) ends in a deny.
//!
//! A read that is allowed can still hide content: [`redactions`] lists the special categories
//! (health, disability, justice, minors: art. 9 and 10 GDPR, recital 38) the operator lacks the
//! permission for, and [`case_view`] replaces those payloads with a redaction marker.
//!
//! Every read goes to the access log as an [`AccessLogEntry`]: who, when, what (ids), why
//! (purpose), allowed or not, and the reason code. No names, codici fiscali or content.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{Assignment, Case, CaseStatus, JournalPayload, ReferralTarget, Visibility};
use crate::events::AggregateRef;
use crate::ids::{CaseId, DeliveryId, EntryId, OperatorId, TenantId, UnitId};
use crate::intervention::Delivery;
use crate::pai::Pai;
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

/// What an operator wants to do with a case.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
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
}

/// Why the access log records an access.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
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
}

/// The reason code of a decision.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
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

/// Decides whether `operator` may perform `action` on `case` on day `on`.
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
        // Istanze have their own policy.
        Action::ReadIstanza => Decision::deny(Reason::MissingPermission),
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
    let Some(op) = tenant.operators.get(operator) else {
        return Decision::deny(Reason::UnknownOperator);
    };
    if !tenant.organisations.contains_key(&istanza.organisation) {
        return Decision::deny(Reason::ForeignCase);
    }
    let units = op.units_on(on);
    if units.is_empty() {
        return Decision::deny(Reason::NoActiveMembership);
    }
    let perms = op.permissions_on(on);
    if !perms.contains(&Permission::HandleIstanza) && !perms.contains(&Permission::DecideIstanza) {
        return Decision::deny(Reason::MissingPermission);
    }
    if units.iter().any(|u| tenant.organisation_of(u) == Some(&istanza.organisation)) {
        Decision::allow(Reason::OrganisationCase)
    } else {
        Decision::deny(Reason::NoRelationToCase)
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
