//! The CaseStore contract, exercised on InMemoryStore: idempotent command ids, optimistic
//! concurrency, tenant scoping, one open case per person, outbox and access log in the unit.

use welfare_casefile::access::{Action, Purpose};
use welfare_casefile::case::{Case, CaseCommand};
use welfare_casefile::chain::{ChainHead, RecordedEvent};
use welfare_casefile::engine::{execute, load, CommandContext};
use welfare_casefile::error::Error;
use welfare_casefile::events::{
    AggregateKind, AggregateRef, EventEnvelope, EventPayload, OutboxTopic, ENVELOPE_VERSION,
};
use welfare_casefile::ids::{CaseId, PersonId, TenantId};
use welfare_casefile::intake::AreaUtenza;
use welfare_casefile::service::CaseFile;
use welfare_casefile::store::{AppendOutcome, CaseStore, InMemoryStore, StoreError, UnitOfWork};

use crate::common::{cmd, ctx, d, op, org, tenant, unit};

fn open(person: &str, on: (i32, u32, u32)) -> CaseCommand {
    CaseCommand::Open {
        person: PersonId::new(person).unwrap(),
        organisation: org("B563"),
        unit: unit("ss"),
        number: format!("2026/{person}"),
        area: AreaUtenza::PovertaEsclusione,
        on: d(on.0, on.1, on.2),
        intake: None,
    }
}

fn t1() -> TenantId {
    TenantId::new("t1").unwrap()
}

fn exec(
    store: &mut InMemoryStore,
    tenant: &TenantId,
    case: &str,
    k: &str,
    c: &CaseCommand,
) -> Result<welfare_casefile::engine::Executed<Case>, Error> {
    execute::<Case, _>(
        store,
        tenant,
        &CaseId::new(case).unwrap(),
        &cmd(k),
        c,
        &ctx("as1", 2026, 3, 2),
        vec![],
    )
}

#[test]
fn same_command_id_applies_once() {
    let mut s = InMemoryStore::new();
    let first = exec(&mut s, &t1(), "C-1", "k1", &open("P-1", (2026, 3, 2))).unwrap();
    assert!(!first.duplicate);
    assert_eq!(first.recorded.len(), 1);
    let again = exec(&mut s, &t1(), "C-1", "k1", &open("P-1", (2026, 3, 2))).unwrap();
    assert!(again.duplicate);
    assert!(again.recorded.is_empty());
    assert_eq!(again.state, first.state);
    assert_eq!(s.load(&t1(), &AggregateRef::Case(CaseId::new("C-1").unwrap())).unwrap().len(), 1);
    // The same id for another aggregate is refused.
    let err = exec(&mut s, &t1(), "C-2", "k1", &open("P-2", (2026, 3, 2))).unwrap_err();
    assert!(matches!(err, Error::Store(StoreError::CommandIdReused { .. })));
}

#[test]
fn stale_writers_get_a_version_conflict() {
    let mut s = InMemoryStore::new();
    exec(&mut s, &t1(), "C-1", "k1", &open("P-1", (2026, 3, 2))).unwrap();
    let agg = AggregateRef::Case(CaseId::new("C-1").unwrap());
    // A writer that read version 0 tries to append sequence 1 again.
    let env = EventEnvelope {
        version: ENVELOPE_VERSION,
        tenant: t1(),
        aggregate: agg.clone(),
        sequence: 1,
        command_id: cmd("k-stale"),
        actor: op("as2"),
        recorded_at: crate::common::at(2026, 3, 2),
        payload: EventPayload::Case(welfare_casefile::case::CaseEvent::Reopened {
            on: d(2026, 3, 3),
        }),
    };
    let rec = RecordedEvent::seal(&ChainHead::EMPTY, &env).unwrap();
    let unit = UnitOfWork {
        aggregate: agg.clone(),
        expected_version: 0,
        command_id: cmd("k-stale"),
        events: vec![rec],
        outbox: vec![],
        access_log: vec![],
    };
    let err = s.append(&t1(), unit).unwrap_err();
    assert_eq!(
        err,
        StoreError::VersionConflict { aggregate: "case/C-1".into(), expected: 0, actual: 1 }
    );
    // An event of another tenant inside the unit is refused.
    let mut foreign = env.clone();
    foreign.tenant = TenantId::new("t2").unwrap();
    foreign.command_id = cmd("k-f");
    let head = s.head(&t1(), &agg).unwrap();
    foreign.sequence = 2;
    let rec = RecordedEvent::seal(&head, &foreign).unwrap();
    let unit = UnitOfWork {
        aggregate: agg,
        expected_version: 1,
        command_id: cmd("k-f"),
        events: vec![rec],
        outbox: vec![],
        access_log: vec![],
    };
    assert_eq!(s.append(&t1(), unit).unwrap_err(), StoreError::Foreign { sequence: 2 });
}

#[test]
fn tenants_are_isolated() {
    let mut s = InMemoryStore::new();
    let t2 = TenantId::new("t2").unwrap();
    exec(&mut s, &t1(), "C-1", "k1", &open("P-1", (2026, 3, 2))).unwrap();
    // Same ids in another tenant are another aggregate, another command namespace, another
    // person index.
    let other = exec(&mut s, &t2, "C-1", "k1", &open("P-1", (2026, 3, 2))).unwrap();
    assert!(!other.duplicate);
    let agg = AggregateRef::Case(CaseId::new("C-1").unwrap());
    assert_eq!(s.load(&t1(), &agg).unwrap().len(), 1);
    assert_eq!(s.load(&t2, &agg).unwrap().len(), 1);
    assert!(s.load(&TenantId::new("t3").unwrap(), &agg).unwrap().is_empty());
    assert_eq!(s.aggregates(&t1(), AggregateKind::Case).unwrap(), vec![agg]);
    assert!(s.aggregates(&t1(), AggregateKind::Person).unwrap().is_empty());
}

#[test]
fn one_open_case_per_person_per_tenant() {
    let mut s = InMemoryStore::new();
    exec(&mut s, &t1(), "C-1", "k1", &open("P-1", (2026, 3, 2))).unwrap();
    let err = exec(&mut s, &t1(), "C-2", "k2", &open("P-1", (2026, 3, 5))).unwrap_err();
    assert_eq!(
        err,
        Error::Store(StoreError::OpenCaseExists { person: "P-1".into(), case: "C-1".into() })
    );
    assert_eq!(
        s.open_case_of(&t1(), &PersonId::new("P-1").unwrap()).unwrap(),
        Some(CaseId::new("C-1").unwrap())
    );
    // Close C-1; now C-2 may open; then C-1 may not reopen.
    exec(
        &mut s,
        &t1(),
        "C-1",
        "k3",
        &CaseCommand::Close { on: d(2026, 3, 4), reason: "trasferito".into() },
    )
    .unwrap();
    assert_eq!(s.open_case_of(&t1(), &PersonId::new("P-1").unwrap()).unwrap(), None);
    exec(&mut s, &t1(), "C-2", "k4", &open("P-1", (2026, 3, 5))).unwrap();
    let err =
        exec(&mut s, &t1(), "C-1", "k5", &CaseCommand::Reopen { on: d(2026, 3, 6) }).unwrap_err();
    assert!(matches!(err, Error::Store(StoreError::OpenCaseExists { .. })));
}

#[test]
fn outbox_and_access_log_commit_with_the_events() {
    let mut cf = CaseFile::new(tenant(), InMemoryStore::new()).unwrap();
    let c = ctx("as1", 2026, 3, 2);
    let id = CaseId::new("C-9").unwrap();
    cf.case(&c, &id, &cmd("o1"), &open("P-9", (2026, 3, 2))).unwrap();
    cf.case(
        &c,
        &id,
        &cmd("o2"),
        &CaseCommand::TakeInCharge { operator: op("as1"), unit: unit("ss"), on: d(2026, 3, 2) },
    )
    .unwrap();
    let tid = cf.tenant().id.clone();
    let pending = cf.store().pending_outbox(&tid, 10).unwrap();
    let topics: Vec<_> = pending.iter().map(|m| m.topic).collect();
    assert_eq!(topics, vec![OutboxTopic::CaseOpened, OutboxTopic::CaseTakenInCharge]);
    // Delivery is idempotent.
    let first = pending[0].id.clone();
    cf.store_mut().mark_delivered(&tid, &first).unwrap();
    cf.store_mut().mark_delivered(&tid, &first).unwrap();
    assert_eq!(cf.store().pending_outbox(&tid, 10).unwrap().len(), 1);
    // Each write logged its authorisation; a denied write and a denied read are logged too.
    let denied = cf.case(
        &ctx("desk", 2026, 3, 3),
        &id,
        &cmd("o3"),
        &CaseCommand::Close { on: d(2026, 3, 3), reason: "x".into() },
    );
    assert!(matches!(denied, Err(Error::Denied { .. })));
    assert!(cf.read_case(&ctx("lor", 2026, 3, 3), &id, Purpose::CaseWork).is_err());
    let view = cf.read_case(&ctx("as1", 2026, 3, 3), &id, Purpose::CaseWork).unwrap();
    assert_eq!(view.number, "2026/P-9");
    let log = cf.store().access_log(&tid).unwrap();
    let summary: Vec<_> =
        log.iter().map(|e| (e.operator.as_str().to_owned(), e.action.clone(), e.allowed)).collect();
    assert_eq!(
        summary,
        vec![
            ("as1".into(), Action::WriteJournal, true),
            ("as1".into(), Action::TakeInCharge, true),
            ("desk".into(), Action::CloseCase, false),
            ("lor".into(), Action::ReadCase, false),
            ("as1".into(), Action::ReadCase, true),
        ]
    );
    // The log holds ids and codes only: no case number, no names.
    let text = serde_json::to_string(&log).unwrap();
    assert!(!text.contains("2026/P-9"));
}

#[test]
fn load_detects_tampering_in_the_store() {
    let mut s = InMemoryStore::new();
    exec(&mut s, &t1(), "C-1", "k1", &open("P-1", (2026, 3, 2))).unwrap();
    exec(
        &mut s,
        &t1(),
        "C-1",
        "k2",
        &CaseCommand::Close { on: d(2026, 3, 4), reason: "fine".into() },
    )
    .unwrap();
    let agg = AggregateRef::Case(CaseId::new("C-1").unwrap());
    let mut records = s.load(&t1(), &agg).unwrap();
    records[0].canonical = records[0].canonical.replace("2026-03-02", "2026-03-01");
    s.replace_stream_for_test(&t1(), &agg, records);
    let err = load::<Case, _>(&s, &t1(), &CaseId::new("C-1").unwrap()).unwrap_err();
    assert!(matches!(err, Error::Chain(_)));
    // A truncated stream (last event deleted) is caught against the stored head.
    let mut s2 = InMemoryStore::new();
    exec(&mut s2, &t1(), "C-1", "k1", &open("P-1", (2026, 3, 2))).unwrap();
    exec(
        &mut s2,
        &t1(),
        "C-1",
        "k2",
        &CaseCommand::Close { on: d(2026, 3, 4), reason: "fine".into() },
    )
    .unwrap();
    let mut short = s2.load(&t1(), &agg).unwrap();
    short.pop();
    s2.replace_stream_for_test(&t1(), &agg, short);
    assert!(matches!(
        load::<Case, _>(&s2, &t1(), &CaseId::new("C-1").unwrap()),
        Err(Error::Chain(_))
    ));
    // And no command can be executed on a tampered stream.
    assert!(exec(&mut s, &t1(), "C-1", "k3", &CaseCommand::Reopen { on: d(2026, 3, 5) }).is_err());
}

#[test]
fn empty_units_of_work_are_refused() {
    let mut s = InMemoryStore::new();
    let unit = UnitOfWork {
        aggregate: AggregateRef::Case(CaseId::new("C-1").unwrap()),
        expected_version: 0,
        command_id: cmd("k"),
        events: vec![],
        outbox: vec![],
        access_log: vec![],
    };
    assert_eq!(s.append(&t1(), unit).unwrap_err(), StoreError::EmptyUnitOfWork);
    let _ = AppendOutcome::Appended(ChainHead::EMPTY);
    let _ = CommandContext { actor: op("x"), now: crate::common::at(2026, 1, 1) };
}

#[test]
fn istanza_reads_are_checked_and_logged() {
    use welfare_casefile::access::Reason;
    use welfare_casefile::calendar::ItalianCalendar;
    use welfare_casefile::ids::IstanzaId;
    use welfare_casefile::istanza::{IstanzaCommand, Procedure};
    let mut cf = CaseFile::new(tenant(), InMemoryStore::new()).unwrap();
    let id = IstanzaId::new("I-1").unwrap();
    let draft = IstanzaCommand::Draft {
        applicant: PersonId::new("P-1").unwrap(),
        case: None,
        organisation: org("B563"),
        procedure: Procedure { name: "p".into(), intervention_type: None, term_days: 30 },
        calendar: ItalianCalendar::national(),
    };
    cf.istanza(&ctx("as1", 2026, 3, 2), &id, &cmd("i1"), &draft).unwrap();
    // Deciding needs DecideIstanza: a case worker may not.
    let decide = IstanzaCommand::Archive { on: d(2026, 3, 3), reason: "x".into() };
    assert!(cf.istanza(&ctx("edu", 2026, 3, 3), &id, &cmd("i2"), &decide).is_err());
    assert!(cf.read_istanza(&ctx("adm", 2026, 3, 3), &id, Purpose::IstanzaInstruction).is_ok());
    assert!(cf.read_istanza(&ctx("lor", 2026, 3, 3), &id, Purpose::IstanzaInstruction).is_err());
    assert!(cf.read_istanza(&ctx("edu", 2026, 3, 3), &id, Purpose::IstanzaInstruction).is_err());
    let log = cf.store().access_log(&cf.tenant().id).unwrap();
    let got: Vec<_> = log
        .iter()
        .map(|e| (e.operator.as_str().to_owned(), e.action.clone(), e.allowed, e.reason))
        .collect();
    // The draft (in the operator's organisation) and the refused archive are logged as istanza
    // writes, then the three reads.
    assert_eq!(
        got,
        vec![
            ("as1".into(), Action::HandleIstanza, true, Reason::OrganisationCase),
            ("edu".into(), Action::HandleIstanza, false, Reason::MissingPermission),
            ("adm".into(), Action::ReadIstanza, true, Reason::OrganisationCase),
            ("lor".into(), Action::ReadIstanza, false, Reason::NoRelationToCase),
            ("edu".into(), Action::ReadIstanza, false, Reason::MissingPermission),
        ]
    );
}

#[test]
fn tenant_configuration_is_event_sourced() {
    use welfare_casefile::engine::execute;
    use welfare_casefile::tenancy::{Tenant as T, TenantEvent as E};
    let config = tenant();
    let tid = config.id.clone();
    let mut s = InMemoryStore::new();
    let c = ctx("system", 2026, 1, 1);
    let mut n = 0;
    let mut run = |s: &mut InMemoryStore, e: E| {
        n += 1;
        execute::<T, _>(s, &tid, &tid, &cmd(&format!("cfg{n}")), &e, &c, vec![])
    };
    run(&mut s, E::Created { id: tid.clone(), name: config.name.clone(), kind: config.kind })
        .unwrap();
    // A unit of an organisation not yet added is refused.
    let ss = config.units.values().find(|u| u.id.as_str() == "ss").unwrap().clone();
    assert!(matches!(run(&mut s, E::UnitAdded(ss.clone())), Err(Error::Invalid { .. })));
    for o in config.organisations.values() {
        run(&mut s, E::OrganisationAdded(o.clone())).unwrap();
    }
    for u in config.units.values() {
        run(&mut s, E::UnitAdded(u.clone())).unwrap();
    }
    for o in config.operators.values() {
        run(
            &mut s,
            E::OperatorAdded {
                id: o.id.clone(),
                display_name: o.display_name.clone(),
                profile: o.profile,
            },
        )
        .unwrap();
        for m in &o.memberships {
            run(&mut s, E::MembershipGranted { operator: o.id.clone(), membership: m.clone() })
                .unwrap();
        }
    }
    // The folded configuration equals the one built by hand, and a case file opens on it.
    let cf = CaseFile::from_store(s.clone(), &tid).unwrap();
    assert_eq!(cf.tenant(), &config);
    // Ending as1's membership in ss on 31 March: from 1 April as1 has no membership.
    run(&mut s, E::MembershipEnded { operator: op("as1"), unit: unit("ss"), on: d(2026, 3, 31) })
        .unwrap();
    let cf = CaseFile::from_store(s, &tid).unwrap();
    let as1 = &cf.tenant().operators[&op("as1")];
    assert_eq!(as1.memberships_on(d(2026, 3, 31)).count(), 1);
    assert_eq!(as1.memberships_on(d(2026, 4, 1)).count(), 0);
    assert!(CaseFile::from_store(InMemoryStore::new(), &tid).is_err(), "no default tenant");
}
