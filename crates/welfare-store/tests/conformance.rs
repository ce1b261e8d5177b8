//! The CaseStore contract as generic checks over `impl CaseStore`, written once and run on
//! every backend by the `suite!` macro (one `#[test]` per check per backend). Every check
//! uses tenants of its own, so backends whose tests share a database (PostgreSQL) need no
//! cleanup.

use welfare_casefile::case::{Case, CaseCommand};
use welfare_casefile::chain::{verify, ChainHead, Digest};
use welfare_casefile::engine::{execute, load, CommandContext};
use welfare_casefile::events::{AggregateKind, OutboxTopic};
use welfare_casefile::ids::{CaseId, MessageId, OperatorId, OrganisationId, UnitId};
use welfare_casefile::intake::AreaUtenza;
use welfare_casefile::store::{AppendOutcome, CaseStore, CommandRecord, StoreError};

use crate::fixtures::{
    access, at, case, closed, cmd, day, filler, message, next_unit, opened, person, reopened,
    unique_tenant, unit_after,
};

/// Generates one test per check for a backend; `$make` returns a fresh store (or `None` to
/// skip, printing why).
macro_rules! suite {
    ($make:expr) => {
        crate::conformance::suite!(@tests $make;
            append_load_head, idempotent_command_ids, version_conflict, broken_chain,
            empty_unit, foreign_events, open_case_uniqueness, outbox_and_access_log,
            failed_unit_writes_nothing, tenant_isolation, engine_flow,
            access_log_keeps_every_action, cases_by_person);
    };
    (@tests $make:expr; $($check:ident),*) => {
        $(
            #[test]
            fn $check() {
                if let Some(mut store) = $make {
                    crate::conformance::$check(&mut store);
                }
            }
        )*
    };
}
pub(crate) use suite;

pub(crate) fn append_load_head(s: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let c1 = case("C-1");
    let u1 = next_unit(s, &t, &c1, "k1", vec![opened("C-1", "P-1"), filler()]);
    let first = u1.events.clone();
    let AppendOutcome::Appended(h1) = s.append(&t, u1).unwrap() else { panic!("duplicate") };
    assert_eq!(h1.sequence, 2);
    let u2 = next_unit(s, &t, &c1, "k2", vec![filler()]);
    let second = u2.events.clone();
    let AppendOutcome::Appended(h2) = s.append(&t, u2).unwrap() else { panic!("duplicate") };
    assert_eq!(h2.sequence, 3);
    // Stored byte for byte, in order, ending at the stored head.
    let loaded = s.load(&t, &c1).unwrap();
    assert_eq!(loaded, [first, second].concat());
    assert_eq!(s.head(&t, &c1).unwrap(), h2);
    assert_eq!(verify(&loaded, Some(&h2)).unwrap().0, h2);
    assert_eq!(
        s.command(&t, &cmd("k1")).unwrap(),
        Some(CommandRecord { aggregate: c1.clone(), first_sequence: 1, last_sequence: 2 })
    );
    assert_eq!(s.command(&t, &cmd("nope")).unwrap(), None);
    // Unknown aggregates are empty, with the empty head.
    assert!(s.load(&t, &case("C-0")).unwrap().is_empty());
    assert_eq!(s.head(&t, &case("C-0")).unwrap(), ChainHead::EMPTY);
    // Aggregates listed per kind, in id order.
    for id in ["C-3", "C-10", "C-2"] {
        let u = next_unit(s, &t, &case(id), &format!("open-{id}"), vec![filler()]);
        s.append(&t, u).unwrap();
    }
    assert_eq!(
        s.aggregates(&t, AggregateKind::Case).unwrap(),
        vec![case("C-1"), case("C-10"), case("C-2"), case("C-3")]
    );
    assert!(s.aggregates(&t, AggregateKind::Person).unwrap().is_empty());
}

pub(crate) fn idempotent_command_ids(s: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let c1 = case("C-1");
    let u = next_unit(s, &t, &c1, "k1", vec![opened("C-1", "P-1")]);
    s.append(&t, u.clone()).unwrap();
    // The same unit again (a retry after a lost reply) writes nothing.
    let record = CommandRecord { aggregate: c1.clone(), first_sequence: 1, last_sequence: 1 };
    assert_eq!(s.append(&t, u).unwrap(), AppendOutcome::Duplicate(record.clone()));
    // Even when re-sealed on the current head: the command id decides.
    let again = next_unit(s, &t, &c1, "k1", vec![filler()]);
    assert_eq!(s.append(&t, again).unwrap(), AppendOutcome::Duplicate(record));
    assert_eq!(s.load(&t, &c1).unwrap().len(), 1);
    // The same id for another aggregate is refused.
    let other = next_unit(s, &t, &case("C-2"), "k1", vec![filler()]);
    assert_eq!(
        s.append(&t, other).unwrap_err(),
        StoreError::CommandIdReused { command: "k1".into() }
    );
    assert!(s.load(&t, &case("C-2")).unwrap().is_empty());
}

pub(crate) fn version_conflict(s: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let c1 = case("C-1");
    let u = next_unit(s, &t, &c1, "k1", vec![opened("C-1", "P-1")]);
    s.append(&t, u).unwrap();
    // A writer that read version 0 appends again.
    let stale = unit_after(&t, &c1, ChainHead::EMPTY, "k-stale", vec![filler()]);
    assert_eq!(
        s.append(&t, stale).unwrap_err(),
        StoreError::VersionConflict { aggregate: "case/C-1".into(), expected: 0, actual: 1 }
    );
    // A writer ahead of the store too.
    let head = s.head(&t, &c1).unwrap();
    let mut ahead = unit_after(&t, &c1, head, "k-ahead", vec![filler()]);
    ahead.expected_version = 5;
    assert_eq!(
        s.append(&t, ahead).unwrap_err(),
        StoreError::VersionConflict { aggregate: "case/C-1".into(), expected: 5, actual: 1 }
    );
    assert_eq!(s.load(&t, &c1).unwrap().len(), 1);
    assert_eq!(s.command(&t, &cmd("k-stale")).unwrap(), None);
}

pub(crate) fn broken_chain(s: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let c1 = case("C-1");
    let u = next_unit(s, &t, &c1, "k1", vec![opened("C-1", "P-1")]);
    s.append(&t, u).unwrap();
    let head = s.head(&t, &c1).unwrap();
    // Right version, wrong previous hash.
    let forged = ChainHead { sequence: 1, hash: Digest::of(b"another past") };
    let mut bad = unit_after(&t, &c1, forged, "k2", vec![filler()]);
    bad.expected_version = head.sequence;
    assert_eq!(
        s.append(&t, bad).unwrap_err(),
        StoreError::BrokenChain { aggregate: "case/C-1".into() }
    );
    // A gap inside the unit.
    let mut gap = unit_after(&t, &c1, head, "k3", vec![filler(), filler()]);
    gap.events.remove(0);
    assert_eq!(
        s.append(&t, gap).unwrap_err(),
        StoreError::BrokenChain { aggregate: "case/C-1".into() }
    );
    assert_eq!(s.head(&t, &c1).unwrap(), head);
}

pub(crate) fn empty_unit(s: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let mut u = unit_after(&t, &case("C-1"), ChainHead::EMPTY, "k", vec![filler()]);
    u.events.clear();
    assert_eq!(s.append(&t, u).unwrap_err(), StoreError::EmptyUnitOfWork);
}

pub(crate) fn foreign_events(s: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let other = unique_tenant("u");
    // Events sealed for another tenant, aggregate or command are refused.
    let mut u = unit_after(&other, &case("C-1"), ChainHead::EMPTY, "k", vec![filler()]);
    assert_eq!(s.append(&t, u.clone()).unwrap_err(), StoreError::Foreign { sequence: 1 });
    u = unit_after(&t, &case("C-2"), ChainHead::EMPTY, "k", vec![filler()]);
    u.aggregate = case("C-1");
    assert_eq!(s.append(&t, u).unwrap_err(), StoreError::Foreign { sequence: 1 });
    u = unit_after(&t, &case("C-1"), ChainHead::EMPTY, "k", vec![filler()]);
    u.command_id = cmd("k-other");
    assert_eq!(s.append(&t, u).unwrap_err(), StoreError::Foreign { sequence: 1 });
    assert!(s.aggregates(&t, AggregateKind::Case).unwrap().is_empty());
    assert!(s.aggregates(&other, AggregateKind::Case).unwrap().is_empty());
}

/// `cases_of`: every case of a person, open or closed, in case id order (text order: "C-10"
/// before "C-2", whatever the database's collation); a refused opening lists nothing; other
/// persons and other tenants are not visible.
pub(crate) fn cases_by_person(s: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let ids = |v: &[&str]| v.iter().map(|c| CaseId::new(*c).unwrap()).collect::<Vec<_>>();
    assert!(s.cases_of(&t, &person("P-1")).unwrap().is_empty());
    // P-1: C-2 opened and closed, then C-10 opened (still open).
    let u = next_unit(s, &t, &case("C-2"), "k1", vec![opened("C-2", "P-1"), filler()]);
    s.append(&t, u).unwrap();
    assert_eq!(s.cases_of(&t, &person("P-1")).unwrap(), ids(&["C-2"]));
    let u = next_unit(s, &t, &case("C-2"), "k2", vec![closed()]);
    s.append(&t, u).unwrap();
    assert_eq!(s.cases_of(&t, &person("P-1")).unwrap(), ids(&["C-2"]));
    let u = next_unit(s, &t, &case("C-10"), "k3", vec![opened("C-10", "P-1")]);
    s.append(&t, u).unwrap();
    // P-2: C-3; a second opening for P-1 while C-10 is open is refused and lists nothing.
    let u = next_unit(s, &t, &case("C-3"), "k4", vec![opened("C-3", "P-2")]);
    s.append(&t, u).unwrap();
    let u = next_unit(s, &t, &case("C-4"), "k5", vec![opened("C-4", "P-1")]);
    assert!(matches!(s.append(&t, u), Err(StoreError::OpenCaseExists { .. })));
    // Events without occupancy change nothing; reopening keeps the case listed once.
    let u = next_unit(s, &t, &case("C-10"), "k6", vec![filler(), closed(), reopened()]);
    s.append(&t, u).unwrap();
    assert_eq!(s.cases_of(&t, &person("P-1")).unwrap(), ids(&["C-10", "C-2"]));
    assert_eq!(s.open_case_of(&t, &person("P-1")).unwrap(), Some(CaseId::new("C-10").unwrap()));
    assert_eq!(s.cases_of(&t, &person("P-2")).unwrap(), ids(&["C-3"]));
    // A person without cases.
    assert!(s.cases_of(&t, &person("P-3")).unwrap().is_empty());
    // Another tenant's case of the same person id is not visible, and the reverse.
    let t2 = unique_tenant("t2");
    let u = next_unit(s, &t2, &case("C-9"), "k1", vec![opened("C-9", "P-1")]);
    s.append(&t2, u).unwrap();
    assert_eq!(s.cases_of(&t, &person("P-1")).unwrap(), ids(&["C-10", "C-2"]));
    assert_eq!(s.cases_of(&t2, &person("P-1")).unwrap(), ids(&["C-9"]));
    assert!(s.cases_of(&t2, &person("P-2")).unwrap().is_empty());
    assert!(s.cases_of(&unique_tenant("t3"), &person("P-1")).unwrap().is_empty());
}

pub(crate) fn open_case_uniqueness(s: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let (c1, c2) = (case("C-1"), case("C-2"));
    let u = next_unit(s, &t, &c1, "k1", vec![opened("C-1", "P-1")]);
    s.append(&t, u).unwrap();
    let u = next_unit(s, &t, &c2, "k2", vec![opened("C-2", "P-1")]);
    assert_eq!(
        s.append(&t, u).unwrap_err(),
        StoreError::OpenCaseExists { person: "P-1".into(), case: "C-1".into() }
    );
    assert!(s.load(&t, &c2).unwrap().is_empty());
    assert_eq!(s.open_case_of(&t, &person("P-1")).unwrap(), Some(CaseId::new("C-1").unwrap()));
    // Closing C-1 frees P-1; C-2 opens; C-1 may not reopen while C-2 is open.
    let u = next_unit(s, &t, &c1, "k3", vec![closed()]);
    s.append(&t, u).unwrap();
    assert_eq!(s.open_case_of(&t, &person("P-1")).unwrap(), None);
    let u = next_unit(s, &t, &c2, "k4", vec![opened("C-2", "P-1")]);
    s.append(&t, u).unwrap();
    let u = next_unit(s, &t, &c1, "k5", vec![reopened()]);
    assert_eq!(
        s.append(&t, u).unwrap_err(),
        StoreError::OpenCaseExists { person: "P-1".into(), case: "C-2".into() }
    );
    // Close C-2, then C-1 reopens for the person the store remembers.
    let u = next_unit(s, &t, &c2, "k6", vec![closed()]);
    s.append(&t, u).unwrap();
    let u = next_unit(s, &t, &c1, "k7", vec![reopened()]);
    s.append(&t, u).unwrap();
    assert_eq!(s.open_case_of(&t, &person("P-1")).unwrap(), Some(CaseId::new("C-1").unwrap()));
    // Close and open again inside one unit keeps the case open.
    let u = next_unit(s, &t, &c1, "k8", vec![closed(), reopened()]);
    s.append(&t, u).unwrap();
    assert_eq!(s.open_case_of(&t, &person("P-1")).unwrap(), Some(CaseId::new("C-1").unwrap()));
    // Another person is unaffected; the same person in another tenant too.
    let u = next_unit(s, &t, &case("C-3"), "k9", vec![opened("C-3", "P-2")]);
    s.append(&t, u).unwrap();
    let t2 = unique_tenant("t2");
    let u = next_unit(s, &t2, &case("C-9"), "k1", vec![opened("C-9", "P-1")]);
    s.append(&t2, u).unwrap();
}

pub(crate) fn outbox_and_access_log(s: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let c1 = case("C-1");
    let mut u = next_unit(s, &t, &c1, "k1", vec![opened("C-1", "P-1"), filler()]);
    u.outbox = vec![message(&c1, 1, OutboxTopic::CaseOpened)];
    u.access_log = vec![access(&t, &c1, "as1")];
    s.append(&t, u).unwrap();
    let mut u = next_unit(s, &t, &c1, "k2", vec![filler()]);
    u.outbox = vec![message(&c1, 3, OutboxTopic::CaseTakenInCharge)];
    u.access_log = vec![access(&t, &c1, "as2")];
    s.append(&t, u).unwrap();
    s.append_access_log(&t, access(&t, &c1, "lor")).unwrap();
    let pending = s.pending_outbox(&t, 10).unwrap();
    assert_eq!(
        pending,
        vec![
            message(&c1, 1, OutboxTopic::CaseOpened),
            message(&c1, 3, OutboxTopic::CaseTakenInCharge)
        ]
    );
    assert_eq!(s.pending_outbox(&t, 1).unwrap().len(), 1);
    // Delivery is idempotent; an unknown message id changes nothing.
    s.mark_delivered(&t, &pending[0].id).unwrap();
    s.mark_delivered(&t, &pending[0].id).unwrap();
    s.mark_delivered(&t, &MessageId::new("m-unknown").unwrap()).unwrap();
    assert_eq!(s.pending_outbox(&t, 10).unwrap(), vec![pending[1].clone()]);
    let ops: Vec<String> =
        s.access_log(&t).unwrap().iter().map(|e| e.operator.as_str().to_owned()).collect();
    assert_eq!(ops, ["as1", "as2", "lor"]);
    assert_eq!(s.access_log(&t).unwrap()[0], access(&t, &c1, "as1"));
}

/// Entries of every aggregate kind and of the person, group, intake and istanza actions (with
/// their purpose and reason codes, allowed and denied) come back exactly as appended, in order.
pub(crate) fn access_log_keeps_every_action(s: &mut impl CaseStore) {
    use welfare_casefile::access::{Action, Purpose, Reason};
    use welfare_casefile::events::AggregateRef;
    use welfare_casefile::ids::{GroupId, IntakeId, IstanzaId, PersonId};
    let t = unique_tenant("t");
    let person = AggregateRef::Person(PersonId::new("P-1").unwrap());
    let group = AggregateRef::Group(GroupId::new("G-1").unwrap());
    let intake = AggregateRef::Intake(IntakeId::new("I-1").unwrap());
    let istanza = AggregateRef::Istanza(IstanzaId::new("IST-1").unwrap());
    let rows = [
        (&person, Action::WritePerson, Purpose::Intake, true, Reason::HoldsPermission),
        (&person, Action::ReadPerson, Purpose::CaseWork, true, Reason::Assigned),
        (&group, Action::WriteGroup, Purpose::Intake, false, Reason::MissingPermission),
        (&group, Action::ReadGroup, Purpose::Audit, false, Reason::NoRelationToCase),
        (&intake, Action::WriteIntake, Purpose::Intake, false, Reason::NoActiveMembership),
        (&intake, Action::ReadIntake, Purpose::Intake, true, Reason::HoldsPermission),
        (
            &istanza,
            Action::HandleIstanza,
            Purpose::IstanzaInstruction,
            true,
            Reason::HoldsPermission,
        ),
        (
            &istanza,
            Action::DecideIstanza,
            Purpose::IstanzaInstruction,
            false,
            Reason::UnknownOperator,
        ),
    ];
    let entries: Vec<_> = rows
        .into_iter()
        .map(|(aggregate, action, purpose, allowed, reason)| {
            let mut e = access(&t, aggregate, "desk");
            (e.action, e.purpose, e.allowed, e.reason) = (action, purpose, allowed, reason);
            e
        })
        .collect();
    for e in &entries {
        s.append_access_log(&t, e.clone()).unwrap();
    }
    assert_eq!(s.access_log(&t).unwrap(), entries);
}

pub(crate) fn failed_unit_writes_nothing(s: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let (c1, c2) = (case("C-1"), case("C-2"));
    let u = next_unit(s, &t, &c1, "k1", vec![opened("C-1", "P-1")]);
    s.append(&t, u).unwrap();
    // The second event of the unit fails rule 5: the first event, the outbox message and the
    // access-log entry of the unit must not be written either.
    let mut u = next_unit(s, &t, &c2, "k2", vec![filler(), opened("C-2", "P-1")]);
    u.outbox = vec![message(&c2, 2, OutboxTopic::CaseOpened)];
    u.access_log = vec![access(&t, &c2, "as1")];
    assert!(matches!(s.append(&t, u), Err(StoreError::OpenCaseExists { .. })));
    assert!(s.load(&t, &c2).unwrap().is_empty());
    assert_eq!(s.head(&t, &c2).unwrap(), ChainHead::EMPTY);
    assert_eq!(s.command(&t, &cmd("k2")).unwrap(), None);
    assert!(s.pending_outbox(&t, 10).unwrap().is_empty());
    assert!(s.access_log(&t).unwrap().is_empty());
    assert_eq!(s.aggregates(&t, AggregateKind::Case).unwrap(), vec![c1]);
}

pub(crate) fn tenant_isolation(s: &mut impl CaseStore) {
    let a = unique_tenant("a");
    let b = unique_tenant("b");
    let c1 = case("C-1");
    let mut u = next_unit(s, &a, &c1, "k1", vec![opened("C-1", "P-1")]);
    u.outbox = vec![message(&c1, 1, OutboxTopic::CaseOpened)];
    u.access_log = vec![access(&a, &c1, "as1")];
    s.append(&a, u).unwrap();
    // Tenant B can read, list and count nothing of tenant A.
    assert!(s.load(&b, &c1).unwrap().is_empty());
    assert_eq!(s.head(&b, &c1).unwrap(), ChainHead::EMPTY);
    assert_eq!(s.command(&b, &cmd("k1")).unwrap(), None);
    for kind in [
        AggregateKind::Tenant,
        AggregateKind::Person,
        AggregateKind::Group,
        AggregateKind::Intake,
        AggregateKind::Case,
        AggregateKind::Istanza,
    ] {
        assert!(s.aggregates(&b, kind).unwrap().is_empty());
    }
    assert_eq!(s.open_case_of(&b, &person("P-1")).unwrap(), None);
    assert!(s.access_log(&b).unwrap().is_empty());
    assert!(s.pending_outbox(&b, 10).unwrap().is_empty());
    // B cannot mark A's message delivered.
    let id = s.pending_outbox(&a, 10).unwrap()[0].id.clone();
    s.mark_delivered(&b, &id).unwrap();
    assert_eq!(s.pending_outbox(&a, 10).unwrap().len(), 1);
    // The same ids in B are B's own: another aggregate, command namespace and person index.
    let u = next_unit(s, &b, &c1, "k1", vec![opened("C-1", "P-1"), filler()]);
    assert!(matches!(s.append(&b, u).unwrap(), AppendOutcome::Appended(_)));
    assert_eq!(s.load(&a, &c1).unwrap().len(), 1);
    assert_eq!(s.load(&b, &c1).unwrap().len(), 2);
}

fn c_ref(id: &CaseId) -> welfare_casefile::events::AggregateRef {
    welfare_casefile::events::AggregateRef::Case(id.clone())
}

pub(crate) fn engine_flow(s: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let id = CaseId::new("C-1").unwrap();
    let ctx = CommandContext { actor: OperatorId::new("as1").unwrap(), now: at(2) };
    let open = CaseCommand::Open {
        person: person("P-1"),
        organisation: OrganisationId::new("B563").unwrap(),
        unit: UnitId::new("ss").unwrap(),
        number: "2026/1".into(),
        area: AreaUtenza::PovertaEsclusione,
        on: day(2),
        intake: None,
    };
    let first = execute::<Case, _>(s, &t, &id, &cmd("c1"), &open, &ctx, vec![]).unwrap();
    assert!(!first.duplicate);
    let again = execute::<Case, _>(s, &t, &id, &cmd("c1"), &open, &ctx, vec![]).unwrap();
    assert!(again.duplicate);
    let close = CaseCommand::Close { on: day(4), reason: "fine".into() };
    execute::<Case, _>(s, &t, &id, &cmd("c2"), &close, &ctx, vec![]).unwrap();
    let (state, head) = load::<Case, _>(s, &t, &id).unwrap();
    assert_eq!(head.sequence, s.load(&t, &c_ref(&id)).unwrap().len() as u64);
    assert!(head.sequence >= 2);
    assert_eq!(state.unwrap().number, "2026/1");
    let topics: Vec<_> = s.pending_outbox(&t, 10).unwrap().iter().map(|m| m.topic).collect();
    assert_eq!(topics, [OutboxTopic::CaseOpened, OutboxTopic::CaseClosed]);
}
