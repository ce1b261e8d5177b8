//! welfare-store on SQLite (a file in a temporary directory, WAL, synchronous = FULL): append
//! in batches and load a long case. Each bench asserts its result.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput};
use welfare_casefile::case::CaseEvent;
use welfare_casefile::chain::{verify, ChainHead, RecordedEvent};
use welfare_casefile::events::{AggregateRef, EventEnvelope, EventPayload, ENVELOPE_VERSION};
use welfare_casefile::ids::{CaseId, CommandId, OperatorId, TenantId};
use welfare_casefile::store::{AppendOutcome, CaseStore, UnitOfWork};
use welfare_store::Store;

const BATCH: u64 = 500;

fn unit(tenant: &TenantId, case: &str, head: ChainHead, command: &str, n: u64) -> UnitOfWork {
    let (Ok(id), Ok(cmd), Ok(actor)) =
        (CaseId::new(case), CommandId::new(command), OperatorId::new("as1"))
    else {
        std::process::abort()
    };
    let aggregate = AggregateRef::Case(id);
    let Some(on) = NaiveDate::from_ymd_opt(2026, 3, 2) else { std::process::abort() };
    let recorded_at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).single().unwrap_or_default();
    let mut link = head;
    let mut events = Vec::new();
    for _ in 0..n {
        let env = EventEnvelope {
            version: ENVELOPE_VERSION,
            tenant: tenant.clone(),
            aggregate: aggregate.clone(),
            sequence: link.sequence + 1,
            command_id: cmd.clone(),
            actor: actor.clone(),
            recorded_at,
            payload: EventPayload::Case(CaseEvent::AssignmentEnded { operator: actor.clone(), on }),
        };
        let Ok(r) = RecordedEvent::seal(&link, &env) else { std::process::abort() };
        link = r.head();
        events.push(r);
    }
    UnitOfWork {
        aggregate,
        expected_version: head.sequence,
        command_id: cmd,
        events,
        outbox: vec![],
        access_log: vec![],
    }
}

/// Target: ≥ 20,000 events/s appended, in units of 500 events (one transaction each).
fn append_batches(c: &mut Criterion, store: &mut Store, tenant: &TenantId) {
    let mut n = 0u64;
    let mut group = c.benchmark_group("store");
    group.throughput(Throughput::Elements(BATCH));
    group.bench_function("sqlite/append_500_event_unit", |b| {
        b.iter_batched(
            || {
                n += 1;
                unit(tenant, &format!("B-{n}"), ChainHead::EMPTY, &format!("b-{n}"), BATCH)
            },
            |u| {
                let out = store.append(tenant, u);
                assert!(matches!(out, Ok(AppendOutcome::Appended(h)) if h.sequence == BATCH));
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// Target: loading (and verifying the chain of) a case of 1,000 events < 5 ms.
fn load_1000(c: &mut Criterion, store: &mut Store, tenant: &TenantId) {
    let first = unit(tenant, "L-1", ChainHead::EMPTY, "l-1", 500);
    let Ok(AppendOutcome::Appended(head)) = store.append(tenant, first) else {
        std::process::abort()
    };
    let second = unit(tenant, "L-1", head, "l-2", 500);
    if store.append(tenant, second).is_err() {
        std::process::abort()
    }
    let Ok(id) = CaseId::new("L-1") else { std::process::abort() };
    let aggregate = AggregateRef::Case(id);
    c.bench_function("store/sqlite/load_and_verify_1000_event_case", |b| {
        b.iter(|| {
            let records = store.load(tenant, &aggregate);
            let head = store.head(tenant, &aggregate);
            let (Ok(records), Ok(head)) = (records, head) else { std::process::abort() };
            assert_eq!(records.len(), 1000);
            assert!(verify(&records, Some(&head)).is_ok());
            records
        })
    });
}

fn main() {
    let Ok(dir) = tempfile::tempdir() else { std::process::abort() };
    let Ok(mut store) = Store::open_sqlite(&dir.path().join("bench.sqlite")) else {
        std::process::abort()
    };
    let Ok(tenant) = TenantId::new("bench") else { std::process::abort() };
    let mut c = Criterion::default().configure_from_args();
    append_batches(&mut c, &mut store, &tenant);
    load_1000(&mut c, &mut store, &tenant);
    c.final_summary();
}
