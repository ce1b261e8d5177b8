//! welfare-casefile: hash-chain verification, folding, the access policy, and one command
//! executed end to end on the in-memory store. Each bench asserts its result.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::Criterion;
use welfare_casefile::access::{case_view, decide, Action, Purpose};
use welfare_casefile::case::{Case, CaseCommand, CaseEvent, JournalPayload, Visibility};
use welfare_casefile::chain::{verify, ChainHead, RecordedEvent};
use welfare_casefile::engine::{execute, fold, Aggregate, CommandContext};
use welfare_casefile::events::{AggregateRef, EventEnvelope, EventPayload, ENVELOPE_VERSION};
use welfare_casefile::ids::{
    CaseId, CommandId, EntryId, OperatorId, OrganisationId, PersonId, TenantId, UnitId,
};
use welfare_casefile::intake::AreaUtenza;
use welfare_casefile::person::{Birth, Person, PersonCommand, PersonIdentifiers, Sex};
use welfare_casefile::service::CaseFile;
use welfare_casefile::store::{CaseStore, InMemoryStore};
use welfare_casefile::tenancy::{
    Operator, Organisation, ProfessionalProfile, Role, ServiceUnit, Tenant, TenantKind,
    UnitMembership,
};
use welfare_types::dates::DateRange;

fn id<T: std::str::FromStr>(s: &str) -> T {
    s.parse().unwrap_or_else(|_| std::process::abort())
}

fn day(k: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(k)))
        .unwrap_or_default()
}

fn ctx() -> CommandContext {
    CommandContext {
        actor: id("as1"),
        now: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().unwrap_or_default(),
    }
}

fn note(n: usize) -> CaseCommand {
    CaseCommand::AddEntry {
        id: id(&format!("e{n}")),
        unit: id("ss"),
        on: day(10),
        visibility: if n.is_multiple_of(4) { Visibility::Reserved } else { Visibility::Normal },
        special_categories: BTreeSet::new(),
        links: vec![],
        payload: JournalPayload::Note {
            text: "Colloquio con la persona e con la figlia; concordato il piano.".into(),
        },
    }
}

/// A case opened, taken in charge (2 events), an educator assigned, `n - 4` journal notes:
/// `n` events, sealed.
fn case_log(n: usize) -> (Vec<CaseEvent>, Vec<RecordedEvent>, ChainHead) {
    let case_id: CaseId = id("C-1");
    let c = ctx();
    let mut commands = vec![
        CaseCommand::Open {
            person: id::<PersonId>("P-1"),
            organisation: id::<OrganisationId>("B563"),
            unit: id::<UnitId>("ss"),
            number: "2026/1".into(),
            area: AreaUtenza::PovertaEsclusione,
            on: day(0),
            intake: None,
        },
        CaseCommand::TakeInCharge { operator: id("as1"), unit: id("ss"), on: day(1) },
        CaseCommand::Assign { operator: id("edu"), unit: id("ss"), from: day(1), can_edit: false },
    ];
    commands.extend((0..n.saturating_sub(4)).map(note));
    let mut state: Option<Case> = None;
    let mut events = Vec::new();
    for command in &commands {
        for e in Case::decide(&case_id, state.as_ref(), command, &c).unwrap_or_default() {
            state = Case::apply(state, &e).ok();
            events.push(e);
        }
    }
    let mut head = ChainHead::EMPTY;
    let mut records = Vec::new();
    for e in &events {
        let env = EventEnvelope {
            version: ENVELOPE_VERSION,
            tenant: id::<TenantId>("t1"),
            aggregate: AggregateRef::Case(case_id.clone()),
            sequence: head.sequence + 1,
            command_id: id::<CommandId>("k"),
            actor: id::<OperatorId>("as1"),
            recorded_at: c.now,
            payload: EventPayload::Case(e.clone()),
        };
        if let Ok(r) = RecordedEvent::seal(&head, &env) {
            head = r.head();
            records.push(r);
        }
    }
    (events, records, head)
}

fn tenant() -> Tenant {
    let org: OrganisationId = id("B563");
    let unit: UnitId = id("ss");
    let operator = |name: &str, role| Operator {
        id: id(name),
        display_name: name.into(),
        profile: ProfessionalProfile::AssistenteSociale,
        memberships: vec![UnitMembership {
            unit: unit.clone(),
            role,
            valid: DateRange::starting(day(0)),
            can_sign: false,
            extra_permissions: BTreeSet::new(),
        }],
    };
    Tenant {
        id: id("t1"),
        name: "t1".into(),
        kind: TenantKind::Ambito,
        organisations: BTreeMap::from([(
            org.clone(),
            Organisation {
                id: org.clone(),
                name: "Camposampiero".into(),
                belfiore: "B563".into(),
                istat_code: None,
                is_capofila: true,
                siuss_ente_code: None,
                patron_saint: None,
            },
        )]),
        units: BTreeMap::from([(
            unit.clone(),
            ServiceUnit {
                id: unit.clone(),
                organisation: org,
                name: "ss".into(),
                roles: BTreeSet::new(),
                second_level: false,
            },
        )]),
        operators: BTreeMap::from([
            (id("as1"), operator("as1", Role::CaseWorker)),
            (id("edu"), operator("edu", Role::Professional)),
        ]),
    }
}

fn bench_casefile(c: &mut Criterion) {
    // Target: verify a 1,000-event case log in ≤ 5 ms (≥ 200,000 events/s).
    let (events, records, head) = case_log(1_000);
    c.bench_function("casefile/verify_1000_events", |b| {
        b.iter(|| {
            let (got, envelopes) = verify(std::hint::black_box(&records), Some(&head))
                .unwrap_or_else(|_| std::process::abort());
            assert_eq!((got.sequence, envelopes.len()), (1_000, 1_000));
        })
    });
    // Target: fold 1,000 case events in ≤ 1 ms.
    c.bench_function("casefile/fold_1000_events", |b| {
        b.iter(|| {
            let case = fold::<Case>(std::hint::black_box(&events)).ok().flatten();
            assert_eq!(case.map(|c| c.journal.len()), Some(997));
        })
    });
    // Target: the access policy decides one entry read in ≤ 20 µs on a 1,000-event case.
    let t = tenant();
    let case = fold::<Case>(&events).ok().flatten().unwrap_or_else(|| std::process::abort());
    let reserved = Action::ReadEntry(id::<EntryId>("e4"));
    c.bench_function("casefile/decide_read_entry", |b| {
        b.iter(|| {
            let d = decide(&t, &id("edu"), std::hint::black_box(&case), &reserved, day(30));
            assert!(!d.allowed);
        })
    });
    // Target: a redacted view of a 1,000-event case for a professional in ≤ 5 ms.
    c.bench_function("casefile/case_view_1000_entries", |b| {
        b.iter(|| {
            let v = case_view(&t, &id("edu"), std::hint::black_box(&case), day(30), false);
            // Every fourth note (249 of 996) is reserved and hidden from the educator; 747 notes
            // and the state-change entry remain.
            assert_eq!(v.map(|v| v.entries.len()), Some(748));
        })
    });
    // Target: one command end to end (idempotency check, load, verify, fold, decide, seal,
    // append) on a 200-event case in ≤ 2 ms.
    let (_, small, _) = case_log(200);
    let tid: TenantId = id("t1");
    let mut store = InMemoryStore::new();
    store.replace_stream_for_test(&tid, &AggregateRef::Case(id("C-1")), small);
    let cx = ctx();
    let mut n = 0u64;
    c.bench_function("casefile/execute_on_200_events", |b| {
        b.iter_batched(
            || {
                n += 1;
                (store.clone(), id::<CommandId>(&format!("k{n}")))
            },
            |(mut s, k)| {
                let done =
                    execute::<Case, _>(&mut s, &tid, &id("C-1"), &k, &note(100_000), &cx, vec![]);
                assert_eq!(done.map(|d| d.recorded.len()).ok(), Some(1));
                assert_eq!(
                    s.head(&tid, &AggregateRef::Case(id("C-1"))).map(|h| h.sequence).ok(),
                    Some(201)
                );
            },
            criterion::BatchSize::SmallInput,
        )
    });
}

/// A case file of 1,000 cases, `C-0` … `C-999` of persons `P-0` … `P-999`, opened by `as1`
/// in `ss`; `P-500` is registered and `edu` is assigned to `C-500`.
fn thousand_cases() -> CaseFile<InMemoryStore> {
    let t = tenant();
    let tid = t.id.clone();
    let mut cf = CaseFile::new(t, InMemoryStore::new()).unwrap_or_else(|_| std::process::abort());
    let cx = ctx();
    let register = PersonCommand::Register {
        identifiers: PersonIdentifiers {
            temporary_code: Some("TMP-500".into()),
            ..Default::default()
        },
        sex: Sex::F,
        birth: Birth { date: day(0) - chrono::Days::new(20_000), place_code: "B563".into() },
        anonymous: false,
    };
    let p500: PersonId = id("P-500");
    let done = execute::<Person, _>(cf.store_mut(), &tid, &p500, &id("p"), &register, &cx, vec![]);
    assert!(done.is_ok());
    for n in 0..1_000 {
        let open = CaseCommand::Open {
            person: id(&format!("P-{n}")),
            organisation: id("B563"),
            unit: id("ss"),
            number: format!("2026/{n}"),
            area: AreaUtenza::PovertaEsclusione,
            on: day(0),
            intake: None,
        };
        let case: CaseId = id(&format!("C-{n}"));
        let k: CommandId = id(&format!("open-{n}"));
        let done = execute::<Case, _>(cf.store_mut(), &tid, &case, &k, &open, &cx, vec![]);
        assert!(done.is_ok());
    }
    let assign =
        CaseCommand::Assign { operator: id("edu"), unit: id("ss"), from: day(0), can_edit: false };
    let done =
        execute::<Case, _>(cf.store_mut(), &tid, &id("C-500"), &id("assign"), &assign, &cx, vec![]);
    assert!(done.is_ok());
    cf
}

fn bench_record_reads(c: &mut Criterion) {
    let mut cf = thousand_cases();
    let edu = CommandContext { actor: id("edu"), now: ctx().now };
    let p500: PersonId = id("P-500");
    // Target: an operator without the front-office permission reads a person through a case
    // relation (an assignment) in a tenant of 1,000 cases in ≤ 100 µs, whatever the number of
    // cases: only the person's case is loaded and folded (`CaseStore::cases_of`).
    c.bench_function("casefile/read_person_via_case_among_1000", |b| {
        b.iter(|| {
            let view = cf.read_person(&edu, std::hint::black_box(&p500), Purpose::CaseWork);
            assert!(view.is_ok_and(|v| v.id == p500));
        })
    });
    // Baseline, no target: folding every case of that tenant, what each such read cost before.
    c.bench_function("casefile/all_cases_1000", |b| {
        b.iter(|| {
            let all = cf.all_cases();
            assert_eq!(all.map(|a| a.len()).ok(), Some(1_000));
        })
    });
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_casefile(&mut criterion);
    bench_record_reads(&mut criterion);
    criterion.final_summary();
}
