//! Events built directly (the store does not run the case state machine), so each test can
//! write exactly the units it needs.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use welfare_casefile::access::{AccessLogEntry, Action, Purpose, Reason};
use welfare_casefile::case::CaseEvent;
use welfare_casefile::chain::{ChainHead, RecordedEvent};
use welfare_casefile::events::{AggregateRef, EventEnvelope, EventPayload, ENVELOPE_VERSION};
use welfare_casefile::ids::{
    CaseId, CommandId, OperatorId, OrganisationId, PersonId, TenantId, UnitId,
};
use welfare_casefile::intake::AreaUtenza;
use welfare_casefile::store::{CaseStore, OutboxMessage, UnitOfWork};

pub(crate) fn tenant(id: &str) -> TenantId {
    TenantId::new(id).unwrap()
}

pub(crate) fn case(id: &str) -> AggregateRef {
    AggregateRef::Case(CaseId::new(id).unwrap())
}

pub(crate) fn person(id: &str) -> PersonId {
    PersonId::new(id).unwrap()
}

pub(crate) fn cmd(id: &str) -> CommandId {
    CommandId::new(id).unwrap()
}

pub(crate) fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

pub(crate) fn at(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, d, 10, 0, 0).unwrap()
}

pub(crate) fn opened(case_id: &str, person_id: &str) -> EventPayload {
    EventPayload::Case(CaseEvent::Opened {
        id: CaseId::new(case_id).unwrap(),
        person: person(person_id),
        organisation: OrganisationId::new("B563").unwrap(),
        unit: UnitId::new("ss").unwrap(),
        number: format!("2026/{case_id}"),
        area: AreaUtenza::PovertaEsclusione,
        on: day(2),
        intake: None,
    })
}

pub(crate) fn closed() -> EventPayload {
    EventPayload::Case(CaseEvent::Closed { on: day(4), reason: "trasferito".into() })
}

pub(crate) fn reopened() -> EventPayload {
    EventPayload::Case(CaseEvent::Reopened { on: day(6) })
}

/// An event with no occupancy change and no outbox topic.
pub(crate) fn filler() -> EventPayload {
    EventPayload::Case(CaseEvent::AssignmentEnded {
        operator: OperatorId::new("as2").unwrap(),
        on: day(3),
    })
}

/// Seals `payloads` after `head`.
pub(crate) fn seal(
    tenant: &TenantId,
    aggregate: &AggregateRef,
    head: ChainHead,
    command: &CommandId,
    payloads: Vec<EventPayload>,
) -> Vec<RecordedEvent> {
    let mut link = head;
    let mut out = Vec::new();
    for payload in payloads {
        let env = EventEnvelope {
            version: ENVELOPE_VERSION,
            tenant: tenant.clone(),
            aggregate: aggregate.clone(),
            sequence: link.sequence + 1,
            command_id: command.clone(),
            actor: OperatorId::new("as1").unwrap(),
            recorded_at: at(2),
            payload,
        };
        let r = RecordedEvent::seal(&link, &env).unwrap();
        link = r.head();
        out.push(r);
    }
    out
}

/// A unit continuing the stored head of `aggregate`.
pub(crate) fn next_unit(
    store: &impl CaseStore,
    tenant: &TenantId,
    aggregate: &AggregateRef,
    command: &str,
    payloads: Vec<EventPayload>,
) -> UnitOfWork {
    let head = store.head(tenant, aggregate).unwrap();
    unit_after(tenant, aggregate, head, command, payloads)
}

/// A unit sealed after `head`.
pub(crate) fn unit_after(
    tenant: &TenantId,
    aggregate: &AggregateRef,
    head: ChainHead,
    command: &str,
    payloads: Vec<EventPayload>,
) -> UnitOfWork {
    let command = cmd(command);
    let events = seal(tenant, aggregate, head, &command, payloads);
    UnitOfWork {
        aggregate: aggregate.clone(),
        expected_version: head.sequence,
        command_id: command,
        events,
        outbox: vec![],
        access_log: vec![],
    }
}

pub(crate) fn access(tenant: &TenantId, aggregate: &AggregateRef, op: &str) -> AccessLogEntry {
    AccessLogEntry {
        at: at(2),
        tenant: tenant.clone(),
        operator: OperatorId::new(op).unwrap(),
        aggregate: aggregate.clone(),
        action: Action::WriteJournal,
        purpose: Purpose::CaseWork,
        allowed: true,
        reason: Reason::Assigned,
    }
}

pub(crate) fn message(
    aggregate: &AggregateRef,
    sequence: u64,
    topic: welfare_casefile::events::OutboxTopic,
) -> OutboxMessage {
    OutboxMessage::new(aggregate, sequence, topic, at(2)).unwrap()
}

/// A tenant id unique to this process and call (PostgreSQL tests share one database).
pub(crate) fn unique_tenant(stem: &str) -> TenantId {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    TenantId::new(format!("{stem}-{}-{nanos}-{n}", std::process::id())).unwrap()
}
