//! Tenancy: the ente or ambito that owns the data, its member comuni, service units, operators,
//! dated unit memberships, professional profiles and permissions.
//!
//! The configuration is an event-sourced aggregate too ([`TenantEvent`], stream
//! `tenant/<tenant id>`), so every change of membership or unit is on record;
//! [`CaseFile::from_store`](crate::service::CaseFile::from_store) folds it, or a caller builds a
//! [`Tenant`] value directly (tests, files). Every store call takes a [`TenantId`] explicitly;
//! there is no default tenant.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use welfare_types::dates::DateRange;

use crate::ids::{OperatorId, OrganisationId, TenantId, UnitId};

/// The kind of tenant.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TenantKind {
    /// A single comune.
    Comune,
    /// An ambito territoriale sociale (L. 328/2000 art. 8) grouping many comuni.
    Ambito,
    /// An unione or consorzio of comuni.
    Consorzio,
}

/// A day of the year on which a comune keeps its patron saint's feast (a local public holiday).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PatronSaint {
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

impl PatronSaint {
    /// Whether `date` is the feast day.
    pub fn is_on(&self, date: NaiveDate) -> bool {
        date.month() == self.month && date.day() == self.day
    }
}

/// An organisation of the tenant: a member comune or the ente capofila.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Organisation {
    /// Identifier.
    pub id: OrganisationId,
    /// Official name.
    pub name: String,
    /// Codice catastale (Belfiore), 4 characters, e.g. `B563` for Camposampiero.
    pub belfiore: String,
    /// ISTAT comune code, 6 digits.
    pub istat_code: Option<String>,
    /// Whether this is the ente capofila of the ambito.
    pub is_capofila: bool,
    /// Code of the paying body in SIUSS (`Ente@Codice`); comuni use their Belfiore code.
    pub siuss_ente_code: Option<String>,
    /// The patron saint's feast, a local holiday for deadlines of this comune's procedures.
    pub patron_saint: Option<PatronSaint>,
}

/// What a service unit does (the role flags of SISO's `CS_O_SETTORE`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitRole {
    /// Sends referrals (inviante).
    Sends,
    /// Receives referrals (inviato a).
    Receives,
    /// Takes cases in charge (in carico a).
    TakesCharge,
    /// Owns interventions (titolare).
    Owns,
    /// Delivers interventions (erogatore).
    Delivers,
    /// Manages interventions (gestore).
    Manages,
    /// Meeting partner (riunione con).
    MeetingPartner,
    /// External interlocutor (ente interlocutore).
    ExternalInterlocutor,
}

/// A service unit (settore) of an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ServiceUnit {
    /// Identifier.
    pub id: UnitId,
    /// The organisation the unit belongs to.
    pub organisation: OrganisationId,
    /// Name, e.g. "Servizio sociale professionale".
    pub name: String,
    /// Role flags.
    pub roles: BTreeSet<UnitRole>,
    /// Whether this is a second-level unit (e.g. an équipe minori) whose entries are hidden
    /// from first-level units.
    pub second_level: bool,
}

/// Professional profile of an operator.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProfessionalProfile {
    /// Assistente sociale.
    AssistenteSociale,
    /// Educatore professionale.
    Educatore,
    /// Psicologo.
    Psicologo,
    /// Amministrativo.
    Amministrativo,
    /// Operatore socio-sanitario.
    OperatoreSocioSanitario,
    /// Mediatore culturale.
    MediatoreCulturale,
}

/// What a membership lets an operator do. Roles grant sets of permissions; a membership may
/// add more. Permissions are never free strings.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Permission {
    /// Read the cases the operator is assigned to.
    ReadAssignedCases,
    /// Read every case handled by one of the operator's units.
    ReadUnitCases,
    /// Read every case of the operator's organisation.
    ReadOrganisationCases,
    /// Register intake records and referrals.
    RegisterIntake,
    /// Open a case.
    CreateCase,
    /// Write journal entries.
    WriteJournal,
    /// Read reserved entries of cases the operator may read.
    ReadReserved,
    /// Read health data (art. 9 GDPR).
    ReadHealthData,
    /// Read disability data (art. 9 GDPR).
    ReadDisabilityData,
    /// Read judicial data (art. 10 GDPR).
    ReadJusticeData,
    /// Read data about minors (SINBA, court provisions for minors).
    ReadMinorsData,
    /// Take a case in charge (presa in carico).
    TakeInCharge,
    /// Close or reopen a case.
    CloseCase,
    /// Manage PAI.
    ManagePai,
    /// Request (plan) interventions.
    RequestIntervention,
    /// Authorise and record deliveries.
    RecordDelivery,
    /// Register and instruct istanze.
    HandleIstanza,
    /// Decide istanze (sign the provvedimento).
    DecideIstanza,
    /// Export SIUSS PS/PSA/SINA flows.
    ExportSiuss,
    /// Export SINBA flows.
    ExportSinba,
    /// Read the access log.
    ReadAccessLog,
    /// Read aggregated reports.
    ReadReports,
}

/// The role an operator holds in a unit membership.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Head of the unit.
    ResponsabileUnita,
    /// Social worker handling cases.
    CaseWorker,
    /// Educator, psychologist or other professional working on assigned cases.
    Professional,
    /// Front desk (segretariato sociale): intake only.
    FrontDesk,
    /// Administrative officer: istanze, deliveries, exports; no clinical content.
    Administrative,
    /// Data protection officer / auditor: access log and reports only.
    Auditor,
}

impl Role {
    /// The permissions this role grants.
    pub fn permissions(self) -> BTreeSet<Permission> {
        use Permission as P;
        let list: &[Permission] = match self {
            Role::ResponsabileUnita => &[
                P::ReadAssignedCases,
                P::ReadUnitCases,
                P::RegisterIntake,
                P::CreateCase,
                P::WriteJournal,
                P::ReadReserved,
                P::ReadHealthData,
                P::ReadDisabilityData,
                P::ReadJusticeData,
                P::ReadMinorsData,
                P::TakeInCharge,
                P::CloseCase,
                P::ManagePai,
                P::RequestIntervention,
                P::RecordDelivery,
                P::HandleIstanza,
                P::DecideIstanza,
                P::ReadReports,
            ],
            Role::CaseWorker => &[
                P::ReadAssignedCases,
                P::RegisterIntake,
                P::CreateCase,
                P::WriteJournal,
                P::ReadHealthData,
                P::ReadDisabilityData,
                P::ReadJusticeData,
                P::ReadMinorsData,
                P::TakeInCharge,
                P::CloseCase,
                P::ManagePai,
                P::RequestIntervention,
                P::HandleIstanza,
            ],
            Role::Professional => {
                &[P::ReadAssignedCases, P::WriteJournal, P::ReadHealthData, P::ReadDisabilityData]
            }
            Role::FrontDesk => &[P::RegisterIntake],
            Role::Administrative => &[
                P::ReadAssignedCases,
                P::RecordDelivery,
                P::HandleIstanza,
                P::ExportSiuss,
                P::ReadReports,
            ],
            Role::Auditor => &[P::ReadAccessLog, P::ReadReports],
        };
        list.iter().copied().collect()
    }
}

/// A dated membership of an operator in a unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnitMembership {
    /// The unit.
    pub unit: UnitId,
    /// The role held in the unit.
    pub role: Role,
    /// When the membership holds.
    pub valid: DateRange,
    /// Whether the operator may sign acts for the unit.
    pub can_sign: bool,
    /// Permissions added to the role's.
    #[serde(default)]
    pub extra_permissions: BTreeSet<Permission>,
}

/// An operator of the tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Operator {
    /// Identifier.
    pub id: OperatorId,
    /// Display name (operators' names are not beneficiaries' data, but still stay out of logs).
    pub display_name: String,
    /// Professional profile.
    pub profile: ProfessionalProfile,
    /// Unit memberships, dated.
    pub memberships: Vec<UnitMembership>,
}

impl Operator {
    /// The memberships in force on `date`.
    pub fn memberships_on(&self, date: NaiveDate) -> impl Iterator<Item = &UnitMembership> {
        self.memberships.iter().filter(move |m| m.valid.contains(date))
    }

    /// The union of permissions of every membership in force on `date`.
    pub fn permissions_on(&self, date: NaiveDate) -> BTreeSet<Permission> {
        let mut out = BTreeSet::new();
        for m in self.memberships_on(date) {
            out.extend(m.role.permissions());
            out.extend(m.extra_permissions.iter().copied());
        }
        out
    }

    /// The units the operator belongs to on `date`.
    pub fn units_on(&self, date: NaiveDate) -> BTreeSet<UnitId> {
        self.memberships_on(date).map(|m| m.unit.clone()).collect()
    }
}

/// The tenant: an ente or ambito with its organisations, units and operators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tenant {
    /// Identifier.
    pub id: TenantId,
    /// Name, e.g. "Ambito territoriale sociale VEN_15 Camposampierese".
    pub name: String,
    /// Kind of tenant.
    pub kind: TenantKind,
    /// Member organisations, by id.
    pub organisations: BTreeMap<OrganisationId, Organisation>,
    /// Service units, by id.
    pub units: BTreeMap<UnitId, ServiceUnit>,
    /// Operators, by id.
    pub operators: BTreeMap<OperatorId, Operator>,
}

/// Why a tenant configuration is inconsistent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TenancyError {
    /// A unit names an organisation the tenant does not have.
    #[error("unit {unit} belongs to unknown organisation {organisation}")]
    UnknownOrganisation {
        /// The unit.
        unit: UnitId,
        /// The missing organisation.
        organisation: OrganisationId,
    },
    /// A membership names a unit the tenant does not have.
    #[error("operator {operator} is member of unknown unit {unit}")]
    UnknownUnit {
        /// The operator.
        operator: OperatorId,
        /// The missing unit.
        unit: UnitId,
    },
    /// More than one organisation is marked capofila.
    #[error("tenant has more than one ente capofila")]
    SeveralCapofila,
    /// A map key differs from the id inside the value.
    #[error("key {key} differs from the id of its value")]
    KeyMismatch {
        /// The key.
        key: String,
    },
}

impl Tenant {
    /// Checks references between organisations, units and memberships.
    pub fn validate(&self) -> Result<(), TenancyError> {
        for (key, org) in &self.organisations {
            if key != &org.id {
                return Err(TenancyError::KeyMismatch { key: key.to_string() });
            }
        }
        if self.organisations.values().filter(|o| o.is_capofila).count() > 1 {
            return Err(TenancyError::SeveralCapofila);
        }
        for (key, unit) in &self.units {
            if key != &unit.id {
                return Err(TenancyError::KeyMismatch { key: key.to_string() });
            }
            if !self.organisations.contains_key(&unit.organisation) {
                return Err(TenancyError::UnknownOrganisation {
                    unit: unit.id.clone(),
                    organisation: unit.organisation.clone(),
                });
            }
        }
        for (key, op) in &self.operators {
            if key != &op.id {
                return Err(TenancyError::KeyMismatch { key: key.to_string() });
            }
            for m in &op.memberships {
                if !self.units.contains_key(&m.unit) {
                    return Err(TenancyError::UnknownUnit {
                        operator: op.id.clone(),
                        unit: m.unit.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The organisation a unit belongs to.
    pub fn organisation_of(&self, unit: &UnitId) -> Option<&OrganisationId> {
        self.units.get(unit).map(|u| &u.organisation)
    }
}

/// An event of the tenant aggregate (configuration changes are events too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TenantEvent {
    /// The tenant was created.
    Created {
        /// Identifier.
        id: TenantId,
        /// Name.
        name: String,
        /// Kind.
        kind: TenantKind,
    },
    /// An organisation joined.
    OrganisationAdded(Organisation),
    /// A unit was created.
    UnitAdded(ServiceUnit),
    /// An operator was created (without memberships).
    OperatorAdded {
        /// Identifier.
        id: OperatorId,
        /// Display name.
        display_name: String,
        /// Profile.
        profile: ProfessionalProfile,
    },
    /// A membership was granted.
    MembershipGranted {
        /// Operator.
        operator: OperatorId,
        /// Membership.
        membership: UnitMembership,
    },
    /// A membership ended; `on` is its last day.
    MembershipEnded {
        /// Operator.
        operator: OperatorId,
        /// Unit.
        unit: UnitId,
        /// Last day.
        on: NaiveDate,
    },
}

/// A command to the tenant aggregate. Each is checked against the current configuration
/// (references must exist, one capofila, no duplicate ids).
pub type TenantCommand = TenantEvent;

impl crate::engine::Aggregate for Tenant {
    type Id = TenantId;
    type Command = TenantCommand;
    type Event = TenantEvent;
    const SUBJECT: crate::error::Subject = crate::error::Subject::Tenant;

    fn state_name(state: Option<&Tenant>) -> &'static str {
        if state.is_some() {
            "configured"
        } else {
            "absent"
        }
    }

    fn decide(
        id: &TenantId,
        state: Option<&Tenant>,
        command: &TenantCommand,
        _ctx: &crate::engine::CommandContext,
    ) -> crate::error::Result<Vec<TenantEvent>> {
        use crate::error::{Error, Subject};
        let Some(t) = state else {
            return match command {
                TenantEvent::Created { id: cid, .. } if cid == id => Ok(vec![command.clone()]),
                TenantEvent::Created { .. } => {
                    Err(Error::invalid("created.id", "differs from the tenant id"))
                }
                _ => Err(Error::NotFound { subject: Subject::Tenant, id: id.to_string() }),
            };
        };
        match command {
            TenantEvent::Created { .. } => {
                return Err(Error::AlreadyExists { subject: Subject::Tenant, id: id.to_string() })
            }
            TenantEvent::OrganisationAdded(o) if t.organisations.contains_key(&o.id) => {
                return Err(Error::AlreadyExists { subject: Subject::Tenant, id: o.id.to_string() })
            }
            TenantEvent::UnitAdded(u) if t.units.contains_key(&u.id) => {
                return Err(Error::AlreadyExists { subject: Subject::Tenant, id: u.id.to_string() })
            }
            TenantEvent::OperatorAdded { id: oid, .. } if t.operators.contains_key(oid) => {
                return Err(Error::AlreadyExists { subject: Subject::Tenant, id: oid.to_string() })
            }
            TenantEvent::MembershipGranted { operator, .. }
            | TenantEvent::MembershipEnded { operator, .. }
                if !t.operators.contains_key(operator) =>
            {
                return Err(Error::NotFound { subject: Subject::Tenant, id: operator.to_string() })
            }
            TenantEvent::MembershipEnded { operator, unit, on } => {
                let open = t.operators.get(operator).is_some_and(|o| {
                    o.memberships
                        .iter()
                        .any(|m| &m.unit == unit && m.valid.to().is_none() && m.valid.from() <= *on)
                });
                if !open {
                    return Err(Error::invalid(
                        "membership_ended",
                        "no open membership in that unit before that day",
                    ));
                }
            }
            _ => {}
        }
        // Apply to a copy and validate the whole configuration: one rule set for every change.
        let next = <Tenant as crate::engine::Aggregate>::apply(Some(t.clone()), command)?;
        next.validate()
            .map_err(|e| Error::Invalid { field: "tenant".into(), problem: e.to_string() })?;
        Ok(vec![command.clone()])
    }

    fn apply(state: Option<Tenant>, event: &TenantEvent) -> crate::error::Result<Tenant> {
        use crate::error::{Error, Subject};
        let Some(mut t) = state else {
            return match event {
                TenantEvent::Created { id, name, kind } => Ok(Tenant {
                    id: id.clone(),
                    name: name.clone(),
                    kind: *kind,
                    organisations: BTreeMap::new(),
                    units: BTreeMap::new(),
                    operators: BTreeMap::new(),
                }),
                _ => Err(Error::NotFound { subject: Subject::Tenant, id: String::new() }),
            };
        };
        match event {
            TenantEvent::Created { .. } => {
                return Err(Error::AlreadyExists { subject: Subject::Tenant, id: t.id.to_string() })
            }
            TenantEvent::OrganisationAdded(o) => {
                t.organisations.insert(o.id.clone(), o.clone());
            }
            TenantEvent::UnitAdded(u) => {
                t.units.insert(u.id.clone(), u.clone());
            }
            TenantEvent::OperatorAdded { id, display_name, profile } => {
                t.operators.insert(
                    id.clone(),
                    Operator {
                        id: id.clone(),
                        display_name: display_name.clone(),
                        profile: *profile,
                        memberships: Vec::new(),
                    },
                );
            }
            TenantEvent::MembershipGranted { operator, membership } => {
                if let Some(o) = t.operators.get_mut(operator) {
                    o.memberships.push(membership.clone());
                }
            }
            TenantEvent::MembershipEnded { operator, unit, on } => {
                if let Some(o) = t.operators.get_mut(operator) {
                    for m in o
                        .memberships
                        .iter_mut()
                        .filter(|m| &m.unit == unit && m.valid.to().is_none())
                    {
                        if let Ok(r) = DateRange::new(m.valid.from(), Some(*on)) {
                            m.valid = r;
                        }
                    }
                }
            }
        }
        Ok(t)
    }
}
