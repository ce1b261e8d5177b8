//! `CaseStore::cases_of`, the cases-by-person index, and the record reads that use it: a read
//! decided through a case relation loads only the cases of the persons concerned, and decides
//! exactly as folding every case of the tenant did (same allow/deny, same access-log entry).

use std::cell::Cell;
use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use welfare_casefile::access::{
    decide_group, decide_intake, decide_person, AccessLogEntry, Action, Purpose, Reason,
};
use welfare_casefile::case::{Case, CaseCommand, FileShare};
use welfare_casefile::chain::{ChainHead, RecordedEvent};
use welfare_casefile::engine::{execute, CommandContext};
use welfare_casefile::events::{AggregateKind, AggregateRef};
use welfare_casefile::group::{GroupCommand, GroupKind, RelationshipCode};
use welfare_casefile::ids::{CaseId, CommandId, GroupId, IntakeId, MessageId, PersonId, TenantId};
use welfare_casefile::intake::{
    AccessMode, AccessReason, AccessRecord, AreaUtenza, IntakeCommand, Interlocutor, ReferralOrigin,
};
use welfare_casefile::person::{Birth, PersonCommand, PersonIdentifiers, Sex};
use welfare_casefile::service::CaseFile;
use welfare_casefile::store::{
    AppendOutcome, CaseStore, CommandRecord, InMemoryStore, OutboxMessage, StoreError, UnitOfWork,
};
use welfare_types::dates::DateRange;

use crate::common::{at, cmd, ctx, d, op, org, tenant, unit};

/// A store that keeps the trait's default `cases_of` (the documented scan) and counts the
/// case aggregates loaded through it.
#[derive(Debug, Default)]
struct Scanning {
    inner: InMemoryStore,
    case_loads: Cell<usize>,
}

/// [`InMemoryStore`] with its own `cases_of`, counting the case aggregates loaded.
#[derive(Debug, Default)]
struct Counting {
    inner: InMemoryStore,
    case_loads: Cell<usize>,
}

macro_rules! delegate {
    () => {
        fn append(
            &mut self,
            tenant: &TenantId,
            unit: UnitOfWork,
        ) -> Result<AppendOutcome, StoreError> {
            self.inner.append(tenant, unit)
        }
        fn load(
            &self,
            tenant: &TenantId,
            aggregate: &AggregateRef,
        ) -> Result<Vec<RecordedEvent>, StoreError> {
            if aggregate.kind() == AggregateKind::Case {
                self.case_loads.set(self.case_loads.get() + 1);
            }
            self.inner.load(tenant, aggregate)
        }
        fn head(
            &self,
            tenant: &TenantId,
            aggregate: &AggregateRef,
        ) -> Result<ChainHead, StoreError> {
            self.inner.head(tenant, aggregate)
        }
        fn command(
            &self,
            tenant: &TenantId,
            command: &CommandId,
        ) -> Result<Option<CommandRecord>, StoreError> {
            self.inner.command(tenant, command)
        }
        fn aggregates(
            &self,
            tenant: &TenantId,
            kind: AggregateKind,
        ) -> Result<Vec<AggregateRef>, StoreError> {
            self.inner.aggregates(tenant, kind)
        }
        fn open_case_of(
            &self,
            tenant: &TenantId,
            person: &PersonId,
        ) -> Result<Option<CaseId>, StoreError> {
            self.inner.open_case_of(tenant, person)
        }
        fn append_access_log(
            &mut self,
            tenant: &TenantId,
            entry: AccessLogEntry,
        ) -> Result<(), StoreError> {
            self.inner.append_access_log(tenant, entry)
        }
        fn access_log(&self, tenant: &TenantId) -> Result<Vec<AccessLogEntry>, StoreError> {
            self.inner.access_log(tenant)
        }
        fn pending_outbox(
            &self,
            tenant: &TenantId,
            limit: usize,
        ) -> Result<Vec<OutboxMessage>, StoreError> {
            self.inner.pending_outbox(tenant, limit)
        }
        fn mark_delivered(
            &mut self,
            tenant: &TenantId,
            message: &MessageId,
        ) -> Result<(), StoreError> {
            self.inner.mark_delivered(tenant, message)
        }
    };
}

impl CaseStore for Scanning {
    delegate!();
}

impl CaseStore for Counting {
    delegate!();

    fn cases_of(&self, tenant: &TenantId, person: &PersonId) -> Result<Vec<CaseId>, StoreError> {
        self.inner.cases_of(tenant, person)
    }
}

const PERSONS: [&str; 4] = ["P-0", "P-1", "P-2", "P-3"];
const GROUPS: [&str; 2] = ["G-1", "G-2"];
const INTAKES: [&str; 3] = ["I-0", "I-1", "I-3"];
const OPERATORS: [&str; 11] =
    ["head", "as1", "as2", "edu", "desk", "adm", "dpo", "eq", "lor", "gone", "nobody"];

/// The units a case may open in, with the organisation and the case worker who opens it.
const UNITS: [(&str, &str, &str); 3] =
    [("ss", "B563", "as1"), ("ss-lor", "E684", "lor"), ("eqm", "B563", "eq")];

fn pid(s: &str) -> PersonId {
    PersonId::new(s).unwrap()
}

fn case_id(n: usize) -> CaseId {
    CaseId::new(format!("C-{n}")).unwrap()
}

/// The front desk registers P-0 … P-3; group G-1 holds P-0 and P-1, G-2 holds P-2 (who
/// leaves on 15 February 2026) and P-3; intakes I-0 (P-0), I-1 (no person yet), I-3 (P-3).
fn records<S: CaseStore>(cf: &mut CaseFile<S>) {
    let desk = ctx("desk", 2025, 12, 1);
    let mut n = 0;
    let mut k = || {
        n += 1;
        cmd(&format!("r{n}"))
    };
    for p in PERSONS {
        let register = PersonCommand::Register {
            identifiers: PersonIdentifiers {
                temporary_code: Some(format!("TMP-{p}")),
                ..Default::default()
            },
            sex: Sex::F,
            birth: Birth { date: d(1980, 5, 1), place_code: "H501".into() },
            anonymous: false,
        };
        cf.person(&desk, &pid(p), &k(), &register).unwrap();
    }
    for (g, members) in [("G-1", ["P-0", "P-1"]), ("G-2", ["P-2", "P-3"])] {
        let gid = GroupId::new(g).unwrap();
        let form = GroupCommand::Form { kind: GroupKind::FamigliaAnagrafica, anpr_id: None };
        cf.group(&desk, &gid, &k(), &form).unwrap();
        for (p, rel) in members.into_iter().zip([RelationshipCode::HEAD, RelationshipCode::CHILD]) {
            let join =
                GroupCommand::Join { person: pid(p), relationship: rel, from: d(2016, 9, 12) };
            cf.group(&desk, &gid, &k(), &join).unwrap();
        }
    }
    let leave = GroupCommand::Leave { person: pid("P-2"), on: d(2026, 2, 15) };
    cf.group(&desk, &GroupId::new("G-2").unwrap(), &k(), &leave).unwrap();
    for (i, person) in [("I-0", Some("P-0")), ("I-1", None), ("I-3", Some("P-3"))] {
        let record = IntakeCommand::Record {
            access: AccessRecord {
                on: d(2025, 12, 1),
                organisation: org("B563"),
                unit: unit("desk"),
                mode: AccessMode::InPerson,
                interlocutor: Interlocutor::User,
                reason: AccessReason::Spontaneous,
                person: person.map(pid),
                reference_persons: vec![],
                needs: BTreeSet::new(),
                areas: BTreeSet::from([AreaUtenza::PovertaEsclusione]),
                accompanied: false,
            },
            origin: ReferralOrigin::Desk,
        };
        cf.intake(&desk, &IntakeId::new(i).unwrap(), &k(), &record).unwrap();
    }
}

/// One step of a case history, on the latest case of a person (opening makes a new one).
#[derive(Clone, Debug)]
enum Step {
    Open { person: usize, unit: usize },
    Close { person: usize },
    Reopen { person: usize },
    TakeInCharge { person: usize },
    Assign { person: usize, who: usize, can_edit: bool },
    Share { person: usize, unit: usize },
}

fn step() -> impl Strategy<Value = Step> {
    let p = 0..PERSONS.len();
    prop_oneof![
        3 => (p.clone(), 0..UNITS.len()).prop_map(|(person, unit)| Step::Open { person, unit }),
        2 => p.clone().prop_map(|person| Step::Close { person }),
        1 => p.clone().prop_map(|person| Step::Reopen { person }),
        1 => p.clone().prop_map(|person| Step::TakeInCharge { person }),
        2 => (p.clone(), 0..4usize, any::<bool>())
            .prop_map(|(person, who, can_edit)| Step::Assign { person, who, can_edit }),
        1 => (p, 0..UNITS.len()).prop_map(|(person, unit)| Step::Share { person, unit }),
    ]
}

/// Applies `steps` straight through the engine (no access policy: the history, not its
/// authorisation, is under test), one day apart from 1 January 2026. Refused commands (a
/// second open case of a person, closing a closed case, …) change nothing.
fn history<S: CaseStore>(cf: &mut CaseFile<S>, steps: &[Step]) {
    let tenant = cf.tenant().id.clone();
    // For each person, their cases in opening order, with the unit index.
    let mut cases: Vec<Vec<(CaseId, usize)>> = vec![Vec::new(); PERSONS.len()];
    let mut next = 1;
    for (i, s) in steps.iter().enumerate() {
        let on = d(2026, 1, 1) + Duration::days(i64::try_from(i).unwrap());
        let c =
            CommandContext { actor: op("as1"), now: on.and_hms_opt(10, 0, 0).unwrap().and_utc() };
        let person = match s {
            Step::Open { person, .. }
            | Step::Close { person }
            | Step::Reopen { person }
            | Step::TakeInCharge { person }
            | Step::Assign { person, .. }
            | Step::Share { person, .. } => *person,
        };
        let (id, command) = match s {
            Step::Open { unit: u, .. } => {
                let (un, o, _) = UNITS[*u];
                let id = case_id(next);
                let open = CaseCommand::Open {
                    person: pid(PERSONS[person]),
                    organisation: org(o),
                    unit: unit(un),
                    number: format!("2026/{next}"),
                    area: AreaUtenza::PovertaEsclusione,
                    on,
                    intake: None,
                };
                (id, open)
            }
            other => {
                let Some((id, u)) = cases[person].last().cloned() else { continue };
                let (un, _, worker) = UNITS[u];
                let command = match other {
                    Step::Close { .. } => CaseCommand::Close { on, reason: "concluso".into() },
                    Step::Reopen { .. } => CaseCommand::Reopen { on },
                    Step::TakeInCharge { .. } => {
                        CaseCommand::TakeInCharge { operator: op(worker), unit: unit(un), on }
                    }
                    Step::Assign { who, can_edit, .. } => {
                        let (o, un) =
                            [("edu", "ss"), ("as2", "ss"), ("eq", "eqm"), ("lor", "ss-lor")][*who];
                        CaseCommand::Assign {
                            operator: op(o),
                            unit: unit(un),
                            from: on,
                            can_edit: *can_edit,
                        }
                    }
                    Step::Share { unit: target, .. } => CaseCommand::Share(FileShare {
                        unit: unit(UNITS[*target].0),
                        valid: DateRange::starting(on),
                        hide_foreign_entries: false,
                    }),
                    Step::Open { .. } => unreachable!(),
                };
                (id, command)
            }
        };
        let k = cmd(&format!("h{i}"));
        let done = execute::<Case, _>(cf.store_mut(), &tenant, &id, &k, &command, &c, vec![]);
        if let (Step::Open { unit: u, .. }, Ok(_)) = (s, &done) {
            cases[person].push((id, *u));
            next += 1;
        }
    }
}

/// What folding every case of the tenant answers: the ids of `person`'s cases, in id order.
fn folded_cases_of(all: &[Case], person: &PersonId) -> Vec<CaseId> {
    all.iter().filter(|c| &c.person == person).map(|c| c.id.clone()).collect()
}

/// The access-log entry a read appended, or `None` when it appended none.
fn read_entry<S: CaseStore>(
    cf: &mut CaseFile<S>,
    read: impl FnOnce(&mut CaseFile<S>) -> bool,
) -> (bool, Option<AccessLogEntry>) {
    let before = cf.store().access_log(&cf.tenant().id).unwrap().len();
    let ok = read(cf);
    let after = cf.store().access_log(&cf.tenant().id).unwrap();
    assert!(after.len() <= before + 1);
    (ok, after.get(before).cloned())
}

fn expected_entry(
    who: &str,
    now: chrono::DateTime<chrono::Utc>,
    aggregate: AggregateRef,
    action: Action,
    decision: welfare_casefile::access::Decision,
) -> AccessLogEntry {
    AccessLogEntry {
        at: now,
        tenant: tenant().id,
        operator: op(who),
        aggregate,
        action,
        purpose: Purpose::CaseWork,
        allowed: decision.allowed,
        reason: decision.reason,
    }
}

/// Every read of every operator on `on` appends the entry the pure decision over **every**
/// case of the tenant gives (the behaviour before the index), and succeeds exactly when it
/// allows.
fn reads_match_the_fold_of_every_case<S: CaseStore>(cf: &mut CaseFile<S>, on: NaiveDate) {
    let all = cf.all_cases().unwrap();
    let t = tenant();
    let now = on.and_hms_opt(11, 0, 0).unwrap().and_utc();
    for who in OPERATORS {
        let c = CommandContext { actor: op(who), now };
        for p in PERSONS {
            let decision = decide_person(&t, &op(who), &pid(p), &all, on);
            let (ok, entry) =
                read_entry(cf, |cf| cf.read_person(&c, &pid(p), Purpose::CaseWork).is_ok());
            let aggregate = AggregateRef::Person(pid(p));
            assert_eq!(ok, decision.allowed, "{who} reads {p} on {on}");
            assert_eq!(
                entry,
                Some(expected_entry(who, now, aggregate, Action::ReadPerson, decision))
            );
        }
        for g in GROUPS {
            let gid = GroupId::new(g).unwrap();
            let group = cf.store().load(&t.id, &AggregateRef::Group(gid.clone())).unwrap();
            assert!(!group.is_empty());
            let (state, _) = welfare_casefile::engine::load::<welfare_casefile::group::Group, _>(
                cf.store(),
                &t.id,
                &gid,
            )
            .unwrap();
            let decision = decide_group(&t, &op(who), &state.unwrap(), &all, on);
            let (ok, entry) =
                read_entry(cf, |cf| cf.read_group(&c, &gid, Purpose::CaseWork).is_ok());
            assert_eq!(ok, decision.allowed, "{who} reads {g} on {on}");
            let aggregate = AggregateRef::Group(gid);
            assert_eq!(
                entry,
                Some(expected_entry(who, now, aggregate, Action::ReadGroup, decision))
            );
        }
        for i in INTAKES {
            let iid = IntakeId::new(i).unwrap();
            let (state, _) = welfare_casefile::engine::load::<welfare_casefile::intake::Intake, _>(
                cf.store(),
                &t.id,
                &iid,
            )
            .unwrap();
            let decision = decide_intake(&t, &op(who), &state.unwrap(), &all, on);
            let (ok, entry) =
                read_entry(cf, |cf| cf.read_intake(&c, &iid, Purpose::CaseWork).is_ok());
            assert_eq!(ok, decision.allowed, "{who} reads {i} on {on}");
            let aggregate = AggregateRef::Intake(iid);
            assert_eq!(
                entry,
                Some(expected_entry(who, now, aggregate, Action::ReadIntake, decision))
            );
        }
    }
}

/// P-0's case C-1 (Camposampiero's servizio sociale) is assigned to `edu`; P-1's first case
/// C-2 (Loreggia's) was shared with Camposampiero's unit and closed; P-1's C-3 is open in
/// Camposampiero's; 30 cases of P-2 fill the tenant. Operators without the front-office
/// permission (`edu`, `adm`, `dpo`) are decided through a case relation: the read folds the
/// cases of the persons concerned only, and decides as folding every case did.
#[test]
fn read_through_a_case_relation_loads_only_the_persons_cases() {
    let mut cf = CaseFile::new(tenant(), Counting::default()).unwrap();
    records(&mut cf);
    let mut steps = vec![
        Step::Open { person: 0, unit: 0 },
        Step::Assign { person: 0, who: 0, can_edit: false },
        Step::Open { person: 1, unit: 1 },
        Step::Share { person: 1, unit: 0 },
        Step::Close { person: 1 },
        Step::Open { person: 1, unit: 0 },
    ];
    for _ in 0..30 {
        steps.push(Step::Open { person: 2, unit: 2 });
        steps.push(Step::Close { person: 2 });
    }
    history(&mut cf, &steps);
    let t = cf.tenant().id.clone();
    let ids = |v: &[usize]| v.iter().map(|n| case_id(*n)).collect::<Vec<_>>();
    assert_eq!(cf.store().cases_of(&t, &pid("P-0")).unwrap(), ids(&[1]));
    assert_eq!(cf.store().cases_of(&t, &pid("P-1")).unwrap(), ids(&[2, 3]));
    assert_eq!(cf.store().cases_of(&t, &pid("P-2")).unwrap().len(), 30);
    assert!(cf.store().cases_of(&t, &pid("P-3")).unwrap().is_empty());
    assert_eq!(cf.store().open_case_of(&t, &pid("P-1")).unwrap(), Some(case_id(3)));
    assert_eq!(cf.all_cases().unwrap().len(), 33);

    let on = d(2026, 3, 2);
    let now = at(2026, 3, 2);
    let mut read = |who: &str, what: &str| {
        cf.store().case_loads.set(0);
        let c = CommandContext { actor: op(who), now };
        let ok = if what.starts_with('G') {
            cf.read_group(&c, &GroupId::new(what).unwrap(), Purpose::CaseWork).is_ok()
        } else {
            cf.read_person(&c, &pid(what), Purpose::CaseWork).is_ok()
        };
        let last = cf.store().access_log(&t).unwrap().pop().unwrap();
        assert_eq!(ok, last.allowed);
        (cf.store().case_loads.get(), last.allowed, last.reason)
    };
    // The educator reads P-0 through its assignment on C-1: one case folded.
    assert_eq!(read("edu", "P-0"), (1, true, Reason::Assigned));
    // …and P-1 through the share of the closed C-2 with its unit (C-2 comes before C-3):
    // two cases folded, not 33.
    assert_eq!(read("edu", "P-1"), (2, true, Reason::SharedWithUnit));
    assert_eq!(read("adm", "P-1"), (2, true, Reason::SharedWithUnit));
    // The auditor has no case relation: denied after folding P-1's two cases only.
    assert_eq!(read("dpo", "P-1"), (2, false, Reason::NoRelationToCase));
    // A person without cases: nothing to fold.
    assert_eq!(read("edu", "P-3"), (0, false, Reason::NoRelationToCase));
    // G-1 (P-0 and P-1): the cases of both members, C-1, C-2 and C-3.
    assert_eq!(read("adm", "G-1"), (3, true, Reason::SharedWithUnit));
    // A case worker holds the front-office permission: decided before any case is loaded.
    assert_eq!(read("as1", "P-1"), (0, true, Reason::HoldsPermission));
    reads_match_the_fold_of_every_case(&mut cf, on);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Over random histories of openings, closings, reopenings and team changes: `cases_of`
    /// (the in-memory index, and the trait's default scan) equals the fold of every case, and
    /// every record read appends the entry the decision over every case gives.
    #[test]
    fn cases_of_and_reads_agree_with_folding_every_case(
        steps in prop::collection::vec(step(), 0..28),
        day in 0i64..150,
    ) {
        let mut cf = CaseFile::new(tenant(), InMemoryStore::new()).unwrap();
        records(&mut cf);
        history(&mut cf, &steps);
        let mut scanning = CaseFile::new(tenant(), Scanning::default()).unwrap();
        records(&mut scanning);
        history(&mut scanning, &steps);
        let t = cf.tenant().id.clone();
        let all = cf.all_cases().unwrap();
        prop_assert_eq!(scanning.all_cases().unwrap(), all.clone());
        for p in PERSONS {
            let folded = folded_cases_of(&all, &pid(p));
            prop_assert_eq!(cf.store().cases_of(&t, &pid(p)).unwrap(), folded.clone());
            prop_assert_eq!(scanning.store().cases_of(&t, &pid(p)).unwrap(), folded);
        }
        prop_assert!(cf.store().cases_of(&TenantId::new("altro").unwrap(), &pid("P-0")).unwrap().is_empty());
        let on = d(2026, 1, 1) + Duration::days(day);
        reads_match_the_fold_of_every_case(&mut cf, on);
        reads_match_the_fold_of_every_case(&mut scanning, on);
    }
}
