//! Column encodings shared by both backends: aggregate kinds as text, aggregates from
//! `(kind, id)` columns, digests as hex, the per-event facts a store indexes.

use chrono::{DateTime, Utc};
use welfare_casefile::chain::{ChainHead, Digest, RecordedEvent};
use welfare_casefile::events::{AggregateKind, AggregateRef, Occupancy, OutboxTopic};
use welfare_casefile::ids::TenantId;
use welfare_casefile::store::{OccupancyChange, StoreError, UnitOfWork};

/// Every aggregate kind, in the order exports list them.
pub(crate) const KINDS: [AggregateKind; 6] = [
    AggregateKind::Tenant,
    AggregateKind::Person,
    AggregateKind::Group,
    AggregateKind::Intake,
    AggregateKind::Case,
    AggregateKind::Istanza,
];

/// The `kind` column value.
pub(crate) fn kind_str(kind: AggregateKind) -> &'static str {
    match kind {
        AggregateKind::Tenant => "tenant",
        AggregateKind::Person => "person",
        AggregateKind::Group => "group",
        AggregateKind::Intake => "intake",
        AggregateKind::Case => "case",
        AggregateKind::Istanza => "istanza",
    }
}

/// An aggregate from its `kind` and `aggregate_id` columns.
pub(crate) fn aggregate(kind: &str, id: &str) -> Result<AggregateRef, StoreError> {
    let mut map = serde_json::Map::new();
    map.insert(kind.to_owned(), serde_json::Value::String(id.to_owned()));
    serde_json::from_value(serde_json::Value::Object(map))
        .map_err(|_| StoreError::Backend(format!("stored aggregate of kind {kind} is not valid")))
}

/// A digest from its hex column.
pub(crate) fn digest(text: &str) -> Result<Digest, StoreError> {
    Digest::from_hex(text)
        .ok_or_else(|| StoreError::Backend("stored hash is not 64 lower-case hex digits".into()))
}

/// An outbox topic as its column text (the serde name).
pub(crate) fn topic_str(topic: OutboxTopic) -> Result<String, StoreError> {
    match serde_json::to_value(topic) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Backend("outbox topic has no text form".into())),
    }
}

/// An outbox topic from its column text.
pub(crate) fn topic(text: &str) -> Result<OutboxTopic, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| StoreError::Backend("stored outbox topic is unknown".into()))
}

/// A sequence as a SQL integer.
pub(crate) fn seq_i64(sequence: u64) -> Result<i64, StoreError> {
    i64::try_from(sequence).map_err(|_| StoreError::Backend("sequence out of range".into()))
}

/// A SQL integer as a sequence.
pub(crate) fn seq_u64(sequence: i64) -> Result<u64, StoreError> {
    u64::try_from(sequence).map_err(|_| StoreError::Backend("stored sequence is negative".into()))
}

/// A backend error, with the driver's message (which carries no row content).
pub(crate) fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// What a store indexes about one event of a unit, decoded once.
#[derive(Debug)]
pub(crate) struct Checked {
    /// When each event was recorded, in unit order.
    pub(crate) recorded_at: Vec<DateTime<Utc>>,
    /// The occupancy changes, in order.
    pub(crate) occupancy: Vec<OccupancyChange>,
}

/// Rule 3 of the contract (every event belongs to the unit's tenant, aggregate and command),
/// decoding each envelope once.
pub(crate) fn check_unit(tenant: &TenantId, unit: &UnitOfWork) -> Result<Checked, StoreError> {
    let mut recorded_at = Vec::with_capacity(unit.events.len());
    let mut occupancy = Vec::new();
    for r in &unit.events {
        let env = r.envelope().map_err(|_| StoreError::Foreign { sequence: r.sequence })?;
        if &env.tenant != tenant
            || env.aggregate != unit.aggregate
            || env.command_id != unit.command_id
        {
            return Err(StoreError::Foreign { sequence: r.sequence });
        }
        match env.payload.occupancy() {
            Some(Occupancy::Opens(p)) => occupancy.push(OccupancyChange::Opens(p.clone())),
            Some(Occupancy::Reopens) => occupancy.push(OccupancyChange::Reopens),
            Some(Occupancy::Closes) => occupancy.push(OccupancyChange::Closes),
            None => {}
        }
        recorded_at.push(env.recorded_at);
    }
    Ok(Checked { recorded_at, occupancy })
}

/// Rule 4's continuity: sequences follow `head` and each `prev_hash` links; returns the new
/// head.
pub(crate) fn continue_chain(unit: &UnitOfWork, head: ChainHead) -> Result<ChainHead, StoreError> {
    let mut link = head;
    for r in &unit.events {
        if r.sequence != link.sequence + 1 || r.prev_hash != link.hash {
            return Err(StoreError::BrokenChain { aggregate: unit.aggregate.to_string() });
        }
        link = RecordedEvent::head(r);
    }
    Ok(link)
}
