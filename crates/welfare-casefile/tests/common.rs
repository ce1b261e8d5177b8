//! Shared fixtures: an ambito with two comuni, three units and one operator per role.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use welfare_casefile::engine::CommandContext;
use welfare_casefile::ids::{CommandId, OperatorId, OrganisationId, TenantId, UnitId};
use welfare_casefile::tenancy::{
    Operator, Organisation, ProfessionalProfile, Role, ServiceUnit, Tenant, TenantKind,
    UnitMembership, UnitRole,
};
use welfare_types::dates::DateRange;

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(crate) fn at(y: i32, m: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, 10, 0, 0).unwrap()
}

pub(crate) fn ctx(op: &str, y: i32, m: u32, day: u32) -> CommandContext {
    CommandContext { actor: OperatorId::new(op).unwrap(), now: at(y, m, day) }
}

pub(crate) fn cmd(n: &str) -> CommandId {
    CommandId::new(n).unwrap()
}

pub(crate) fn op(id: &str) -> OperatorId {
    OperatorId::new(id).unwrap()
}

pub(crate) fn unit(id: &str) -> UnitId {
    UnitId::new(id).unwrap()
}

pub(crate) fn org(id: &str) -> OrganisationId {
    OrganisationId::new(id).unwrap()
}

/// Units: `ss` (servizio sociale professionale, Camposampiero), `desk` (segretariato), `eqm`
/// (second-level équipe minori), `ss-lor` (servizio sociale of Loreggia).
/// Operators: `head` (ResponsabileUnita of ss), `as1`, `as2` (CaseWorker in ss), `edu`
/// (Professional in ss), `desk` (FrontDesk), `adm` (Administrative in ss), `dpo` (Auditor in
/// ss), `eq` (CaseWorker in eqm), `lor` (CaseWorker in ss-lor), `gone` (membership ended 2025).
pub(crate) fn tenant() -> Tenant {
    let mut organisations = BTreeMap::new();
    for (id, name, belfiore, istat, capofila) in [
        ("B563", "Comune di Camposampiero", "B563", "028019", true),
        ("E684", "Comune di Loreggia", "E684", "028046", false),
    ] {
        organisations.insert(
            org(id),
            Organisation {
                id: org(id),
                name: name.into(),
                belfiore: belfiore.into(),
                istat_code: Some(istat.into()),
                is_capofila: capofila,
                siuss_ente_code: Some(belfiore.into()),
                patron_saint: None,
            },
        );
    }
    let mut units = BTreeMap::new();
    for (id, o, second) in [
        ("ss", "B563", false),
        ("desk", "B563", false),
        ("eqm", "B563", true),
        ("ss-lor", "E684", false),
    ] {
        units.insert(
            unit(id),
            ServiceUnit {
                id: unit(id),
                organisation: org(o),
                name: id.into(),
                roles: BTreeSet::from([UnitRole::TakesCharge, UnitRole::Delivers]),
                second_level: second,
            },
        );
    }
    let since = DateRange::starting(d(2020, 1, 1));
    let mut operators = BTreeMap::new();
    for (id, u, role, profile, valid) in [
        ("head", "ss", Role::ResponsabileUnita, ProfessionalProfile::AssistenteSociale, since),
        ("as1", "ss", Role::CaseWorker, ProfessionalProfile::AssistenteSociale, since),
        ("as2", "ss", Role::CaseWorker, ProfessionalProfile::AssistenteSociale, since),
        ("edu", "ss", Role::Professional, ProfessionalProfile::Educatore, since),
        ("desk", "desk", Role::FrontDesk, ProfessionalProfile::Amministrativo, since),
        ("adm", "ss", Role::Administrative, ProfessionalProfile::Amministrativo, since),
        ("dpo", "ss", Role::Auditor, ProfessionalProfile::Amministrativo, since),
        ("eq", "eqm", Role::CaseWorker, ProfessionalProfile::Psicologo, since),
        ("lor", "ss-lor", Role::CaseWorker, ProfessionalProfile::AssistenteSociale, since),
        (
            "gone",
            "ss",
            Role::CaseWorker,
            ProfessionalProfile::AssistenteSociale,
            DateRange::new(d(2020, 1, 1), Some(d(2025, 12, 31))).unwrap(),
        ),
    ] {
        operators.insert(
            op(id),
            Operator {
                id: op(id),
                display_name: id.into(),
                profile,
                memberships: vec![UnitMembership {
                    unit: unit(u),
                    role,
                    valid,
                    can_sign: role == Role::ResponsabileUnita,
                    extra_permissions: BTreeSet::new(),
                }],
            },
        );
    }
    Tenant {
        id: TenantId::new("ambito-ven15").unwrap(),
        name: "Ambito territoriale sociale VEN_15 Camposampierese".into(),
        kind: TenantKind::Ambito,
        organisations,
        units,
        operators,
    }
}

use welfare_casefile::case::{Case, CaseCommand};
use welfare_casefile::engine::Aggregate;
use welfare_casefile::ids::CaseId;

/// Applies a case command directly (no access policy), panicking on refusal.
pub(crate) fn run(case: Option<Case>, actor: &str, command: CaseCommand) -> Case {
    let id = case.as_ref().map_or_else(|| CaseId::new("C-1").unwrap(), |c| c.id.clone());
    let c = ctx(actor, 2026, 3, 2);
    let events = Case::decide(&id, case.as_ref(), &command, &c).unwrap();
    let mut state = case;
    for e in &events {
        state = Some(Case::apply(state, e).unwrap());
    }
    state.unwrap()
}
