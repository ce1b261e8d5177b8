//! Storage: the [`CaseStore`] trait, its unit of work, and [`InMemoryStore`].
//!
//! ## Contract for implementers (e.g. a SQLite or PostgreSQL store)
//!
//! Every method takes the tenant explicitly; there is no default tenant, and data of one
//! tenant is never visible through another. Hashing and sealing happen in this crate: a store
//! persists [`RecordedEvent`]s exactly as given (sequence, previous hash, hash and canonical
//! text) and returns them byte for byte.
//!
//! [`CaseStore::append`] commits one [`UnitOfWork`] **atomically** (one transaction) and must,
//! in this order:
//!
//! 1. refuse an empty `events` list ([`StoreError::EmptyUnitOfWork`]);
//! 2. if `(tenant, command_id)` is already recorded: return
//!    [`AppendOutcome::Duplicate`] with the recorded [`CommandRecord`] when it was for the same
//!    aggregate, [`StoreError::CommandIdReused`] otherwise; write nothing;
//! 3. check every event decodes to an envelope whose tenant, aggregate and command id are those
//!    of the unit ([`StoreError::Foreign`]) — implementers may call [`UnitOfWork::check`];
//! 4. compare `expected_version` with the aggregate's current last sequence (0 if none); on
//!    mismatch return [`StoreError::VersionConflict`] (optimistic concurrency: the caller reloads
//!    and retries); the events' sequences must continue it and the first `prev_hash` must equal
//!    the stored head hash ([`StoreError::BrokenChain`]);
//! 5. keep the "one open case per person per tenant" index: an event whose
//!    [`EventPayload::occupancy`](crate::events::EventPayload::occupancy) is `Opens(person)` or
//!    `Reopens` fails with [`StoreError::OpenCaseExists`] when another case of that person is
//!    open; `Closes` frees the person (a SQL store can use a partial unique index on
//!    `(tenant, person) WHERE open`);
//! 6. keep the "cases by person" index read by [`CaseStore::cases_of`]: an `Opens(person)`
//!    event lists its case under that person for good (closing and reopening do not change
//!    it; the same table as rule 5 serves, with a plain index on `(tenant, person)`);
//! 7. insert the events, the new head (kept apart from the events, e.g. a `heads` table, and
//!    never recomputed from them: it is what catches a truncated stream), the command record, the outbox messages and the access
//!    log entries of the unit, then commit.
//!
//! A SQL schema that satisfies this: `events(tenant, kind, aggregate_id, sequence, prev_hash,
//! hash, canonical, command_id, recorded_at, PRIMARY KEY (tenant, kind, aggregate_id,
//! sequence))`, `heads(tenant, kind, aggregate_id, sequence, hash)`, `commands(tenant,
//! command_id PRIMARY KEY, kind, aggregate_id, first_sequence, last_sequence)`,
//! `case_persons(tenant, case_id PRIMARY KEY, person_id, open)` with a unique index on
//! `(tenant, person_id) WHERE open` and a plain one on `(tenant, person_id)`,
//! `outbox(tenant, message_id PRIMARY KEY, …, delivered_at NULL)`, `access_log(tenant, seq,
//! …)` (append-only).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access::AccessLogEntry;
use crate::chain::{ChainHead, Digest, RecordedEvent};
use crate::events::{AggregateKind, AggregateRef, Occupancy, OutboxTopic};
use crate::ids::{CaseId, CommandId, MessageId, PersonId, TenantId};

/// The in-memory cases-by-person index: for each person, the cases opened for them.
type PersonCases = BTreeMap<PersonId, BTreeSet<CaseId>>;

/// Why a store refused or failed a call. Carries ids only.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another writer appended first.
    #[error("version conflict on {aggregate}: expected {expected}, found {actual}")]
    VersionConflict {
        /// Aggregate (kind/id).
        aggregate: String,
        /// Version the caller read.
        expected: u64,
        /// Version in the store.
        actual: u64,
    },
    /// The command id was used for another aggregate.
    #[error("command id {command} was already used for another aggregate")]
    CommandIdReused {
        /// Command id.
        command: String,
    },
    /// The person already has an open case in this tenant.
    #[error("person {person} already has open case {case}")]
    OpenCaseExists {
        /// Person id.
        person: String,
        /// The open case.
        case: String,
    },
    /// An event belongs to another tenant, aggregate or command than the unit of work.
    #[error("event {sequence} does not belong to the unit of work's tenant, aggregate or command")]
    Foreign {
        /// Sequence of the event.
        sequence: u64,
    },
    /// The events do not continue the stored chain.
    #[error("events do not continue the stored chain of {aggregate}")]
    BrokenChain {
        /// Aggregate (kind/id).
        aggregate: String,
    },
    /// The unit of work has no events.
    #[error("unit of work has no events")]
    EmptyUnitOfWork,
    /// The backend failed (I/O, connection, constraint the store could not map).
    #[error("store backend failed: {0}")]
    Backend(String),
}

/// A message to deliver after commit (transactional outbox). Ids only, no personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OutboxMessage {
    /// Message id (stable: derived from aggregate, sequence and topic).
    pub id: MessageId,
    /// Topic.
    pub topic: OutboxTopic,
    /// The aggregate concerned.
    pub aggregate: AggregateRef,
    /// The event's sequence.
    pub sequence: u64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl OutboxMessage {
    /// A message for an event; the id is `m-` and the first 16 bytes of SHA-256 of
    /// `aggregate/sequence/topic`, in hex.
    pub fn new(
        aggregate: &AggregateRef,
        sequence: u64,
        topic: OutboxTopic,
        created_at: DateTime<Utc>,
    ) -> Result<OutboxMessage, crate::ids::IdError> {
        let key = format!("{aggregate}/{sequence}/{topic:?}");
        let hex = Digest::of(key.as_bytes()).to_hex();
        let short = hex.get(..32).unwrap_or(&hex);
        Ok(OutboxMessage {
            id: MessageId::new(format!("m-{short}"))?,
            topic,
            aggregate: aggregate.clone(),
            sequence,
            created_at,
        })
    }
}

/// Everything one command writes, committed atomically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitOfWork {
    /// The aggregate written.
    pub aggregate: AggregateRef,
    /// The version (last sequence) the command was decided on.
    pub expected_version: u64,
    /// The command id (idempotency key).
    pub command_id: CommandId,
    /// Sealed events, sequences `expected_version + 1 …`.
    pub events: Vec<RecordedEvent>,
    /// Outbox messages.
    pub outbox: Vec<OutboxMessage>,
    /// Access log entries (e.g. the write's own authorisation).
    pub access_log: Vec<AccessLogEntry>,
}

impl UnitOfWork {
    /// Checks rule 3 of the contract: every event decodes and belongs to `tenant`, the unit's
    /// aggregate and command. Returns the decoded payloads' occupancy changes, in order.
    pub fn check(&self, tenant: &TenantId) -> Result<Vec<OccupancyChange>, StoreError> {
        let mut out = Vec::new();
        for r in &self.events {
            let env = r.envelope().map_err(|_| StoreError::Foreign { sequence: r.sequence })?;
            if &env.tenant != tenant
                || env.aggregate != self.aggregate
                || env.command_id != self.command_id
            {
                return Err(StoreError::Foreign { sequence: r.sequence });
            }
            match env.payload.occupancy() {
                Some(Occupancy::Opens(p)) => out.push(OccupancyChange::Opens(p.clone())),
                Some(Occupancy::Reopens) => out.push(OccupancyChange::Reopens),
                Some(Occupancy::Closes) => out.push(OccupancyChange::Closes),
                None => {}
            }
        }
        Ok(out)
    }
}

/// An owned [`Occupancy`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OccupancyChange {
    /// The case opens for this person.
    Opens(PersonId),
    /// The case reopens.
    Reopens,
    /// The case closes.
    Closes,
}

/// What a command wrote, kept for idempotency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CommandRecord {
    /// Aggregate.
    pub aggregate: AggregateRef,
    /// First sequence written.
    pub first_sequence: u64,
    /// Last sequence written.
    pub last_sequence: u64,
}

/// Result of an append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppendOutcome {
    /// Written; the new head.
    Appended(ChainHead),
    /// The command id was already applied; nothing written.
    Duplicate(CommandRecord),
}

/// Storage of event streams, command ids, the access log and the outbox.
/// See the module docs for the contract.
pub trait CaseStore {
    /// Commits a unit of work atomically.
    fn append(&mut self, tenant: &TenantId, unit: UnitOfWork) -> Result<AppendOutcome, StoreError>;

    /// Every event of an aggregate, in sequence order (empty if it does not exist).
    fn load(
        &self,
        tenant: &TenantId,
        aggregate: &AggregateRef,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// The stored head of an aggregate ([`ChainHead::EMPTY`] if it does not exist).
    fn head(&self, tenant: &TenantId, aggregate: &AggregateRef) -> Result<ChainHead, StoreError>;

    /// The record of a command id, if it was applied.
    fn command(
        &self,
        tenant: &TenantId,
        command: &CommandId,
    ) -> Result<Option<CommandRecord>, StoreError>;

    /// The aggregates of a kind, in id order.
    fn aggregates(
        &self,
        tenant: &TenantId,
        kind: AggregateKind,
    ) -> Result<Vec<AggregateRef>, StoreError>;

    /// The open case of a person, if any.
    fn open_case_of(
        &self,
        tenant: &TenantId,
        person: &PersonId,
    ) -> Result<Option<CaseId>, StoreError>;

    /// Every case whose subject is `person` — open or closed — in case id order (the order
    /// of [`CaseStore::aggregates`]); empty when the person has none. A case is listed from
    /// the event that opens it (rule 6 of the module docs). The record reads of
    /// [`CaseFile`](crate::service::CaseFile) use it to load only the cases that can relate
    /// an operator to a person, instead of every case of the tenant.
    ///
    /// The default implementation is correct for any store but **scans**: it lists every
    /// case aggregate of the tenant and decodes each one's events (no chain verification, no
    /// fold), so its cost grows with the tenant's cases and events. Stores should override it
    /// with an index maintained by [`CaseStore::append`], as [`InMemoryStore`] and the SQL
    /// stores of `welfare-store` do.
    fn cases_of(&self, tenant: &TenantId, person: &PersonId) -> Result<Vec<CaseId>, StoreError> {
        let mut out = Vec::new();
        for aggregate in self.aggregates(tenant, AggregateKind::Case)? {
            let AggregateRef::Case(case) = &aggregate else { continue };
            let mut subject = None;
            for r in self.load(tenant, &aggregate)? {
                let env = r.envelope().map_err(|_| {
                    StoreError::Backend(format!(
                        "stored event {} of {aggregate} does not decode",
                        r.sequence
                    ))
                })?;
                if let Some(Occupancy::Opens(p)) = env.payload.occupancy() {
                    subject = Some(p.clone());
                }
            }
            if subject.as_ref() == Some(person) {
                out.push(case.clone());
            }
        }
        out.sort();
        Ok(out)
    }

    /// Appends an access-log entry on its own (reads; denied writes).
    fn append_access_log(
        &mut self,
        tenant: &TenantId,
        entry: AccessLogEntry,
    ) -> Result<(), StoreError>;

    /// The access log, in append order.
    fn access_log(&self, tenant: &TenantId) -> Result<Vec<AccessLogEntry>, StoreError>;

    /// Outbox messages not yet delivered, oldest first, at most `limit`.
    fn pending_outbox(
        &self,
        tenant: &TenantId,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Marks an outbox message delivered (idempotent).
    fn mark_delivered(&mut self, tenant: &TenantId, message: &MessageId) -> Result<(), StoreError>;
}

#[derive(Clone, Debug, Default)]
struct TenantData {
    streams: BTreeMap<AggregateRef, Vec<RecordedEvent>>,
    /// Heads kept apart from the streams, so a truncated stream is caught by `verify`.
    heads: BTreeMap<AggregateRef, ChainHead>,
    commands: BTreeMap<CommandId, CommandRecord>,
    indexes: CaseIndexes,
    access_log: Vec<AccessLogEntry>,
    outbox: Vec<OutboxMessage>,
    delivered: BTreeSet<MessageId>,
}

/// The case indexes of one tenant in memory: rules 5 and 6 of the module docs.
#[derive(Clone, Debug, Default)]
struct CaseIndexes {
    /// The open case of each person.
    open_cases: BTreeMap<PersonId, CaseId>,
    /// The subject of each case.
    case_person: BTreeMap<CaseId, PersonId>,
    /// The inverse of `case_person`, read by [`CaseStore::cases_of`].
    person_cases: PersonCases,
}

impl CaseIndexes {
    /// The indexes after `case`'s occupancy `changes`, in event order, or the rule-5 refusal.
    fn after(&self, case: &CaseId, changes: Vec<OccupancyChange>) -> Result<Self, StoreError> {
        let mut next = self.clone();
        for change in changes {
            let person = match change {
                OccupancyChange::Opens(p) => {
                    if let Some(before) = next.case_person.insert(case.clone(), p.clone()) {
                        if let Some(set) = next.person_cases.get_mut(&before) {
                            set.remove(case);
                        }
                    }
                    next.person_cases.entry(p.clone()).or_default().insert(case.clone());
                    Some(p)
                }
                OccupancyChange::Reopens => next.case_person.get(case).cloned(),
                OccupancyChange::Closes => {
                    if let Some(p) = next.case_person.get(case) {
                        if next.open_cases.get(p) == Some(case) {
                            next.open_cases.remove(p);
                        }
                    }
                    None
                }
            };
            if let Some(p) = person {
                match next.open_cases.get(&p) {
                    Some(other) if other != case => {
                        return Err(StoreError::OpenCaseExists {
                            person: p.to_string(),
                            case: other.to_string(),
                        })
                    }
                    _ => {
                        next.open_cases.insert(p, case.clone());
                    }
                }
            }
        }
        Ok(next)
    }
}

/// A [`CaseStore`] in memory, for tests, examples and single-process tools.
#[derive(Clone, Debug, Default)]
pub struct InMemoryStore {
    tenants: BTreeMap<TenantId, TenantData>,
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> InMemoryStore {
        InMemoryStore::default()
    }

    /// Direct access to a stream, for tamper tests and benches: replace the stored records.
    /// The stored head is set to the last record's only if the aggregate had none, so a
    /// truncation or rewrite of an existing stream is caught on load.
    pub fn replace_stream_for_test(
        &mut self,
        tenant: &TenantId,
        aggregate: &AggregateRef,
        records: Vec<RecordedEvent>,
    ) {
        let data = self.tenants.entry(tenant.clone()).or_default();
        if !data.heads.contains_key(aggregate) {
            let head = records.last().map_or(ChainHead::EMPTY, RecordedEvent::head);
            data.heads.insert(aggregate.clone(), head);
        }
        data.streams.insert(aggregate.clone(), records);
    }
}

impl CaseStore for InMemoryStore {
    fn append(&mut self, tenant: &TenantId, unit: UnitOfWork) -> Result<AppendOutcome, StoreError> {
        if unit.events.is_empty() {
            return Err(StoreError::EmptyUnitOfWork);
        }
        let data = self.tenants.entry(tenant.clone()).or_default();
        if let Some(rec) = data.commands.get(&unit.command_id) {
            return if rec.aggregate == unit.aggregate {
                Ok(AppendOutcome::Duplicate(rec.clone()))
            } else {
                Err(StoreError::CommandIdReused { command: unit.command_id.to_string() })
            };
        }
        let changes = unit.check(tenant)?;
        let head = data.heads.get(&unit.aggregate).copied().unwrap_or(ChainHead::EMPTY);
        if head.sequence != unit.expected_version {
            return Err(StoreError::VersionConflict {
                aggregate: unit.aggregate.to_string(),
                expected: unit.expected_version,
                actual: head.sequence,
            });
        }
        let mut link = head;
        for r in &unit.events {
            if r.sequence != link.sequence + 1 || r.prev_hash != link.hash {
                return Err(StoreError::BrokenChain { aggregate: unit.aggregate.to_string() });
            }
            link = r.head();
        }
        // Occupancy (rule 5) and the cases-by-person index (rule 6), computed on copies and
        // committed only if every event passes; a unit without such a change copies nothing.
        let indexes = match &unit.aggregate {
            AggregateRef::Case(case) if !changes.is_empty() => {
                Some(data.indexes.after(case, changes)?)
            }
            _ => None,
        };
        let first = unit.events.first().map_or(0, |r| r.sequence);
        data.commands.insert(
            unit.command_id.clone(),
            CommandRecord {
                aggregate: unit.aggregate.clone(),
                first_sequence: first,
                last_sequence: link.sequence,
            },
        );
        if let Some(indexes) = indexes {
            data.indexes = indexes;
        }
        data.heads.insert(unit.aggregate.clone(), link);
        data.streams.entry(unit.aggregate.clone()).or_default().extend(unit.events);
        data.outbox.extend(unit.outbox);
        data.access_log.extend(unit.access_log);
        Ok(AppendOutcome::Appended(link))
    }

    fn load(
        &self,
        tenant: &TenantId,
        aggregate: &AggregateRef,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        Ok(self
            .tenants
            .get(tenant)
            .and_then(|d| d.streams.get(aggregate))
            .cloned()
            .unwrap_or_default())
    }

    fn head(&self, tenant: &TenantId, aggregate: &AggregateRef) -> Result<ChainHead, StoreError> {
        Ok(self
            .tenants
            .get(tenant)
            .and_then(|d| d.heads.get(aggregate))
            .copied()
            .unwrap_or(ChainHead::EMPTY))
    }

    fn command(
        &self,
        tenant: &TenantId,
        command: &CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        Ok(self.tenants.get(tenant).and_then(|d| d.commands.get(command)).cloned())
    }

    fn aggregates(
        &self,
        tenant: &TenantId,
        kind: AggregateKind,
    ) -> Result<Vec<AggregateRef>, StoreError> {
        Ok(self
            .tenants
            .get(tenant)
            .map(|d| d.streams.keys().filter(|a| a.kind() == kind).cloned().collect())
            .unwrap_or_default())
    }

    fn open_case_of(
        &self,
        tenant: &TenantId,
        person: &PersonId,
    ) -> Result<Option<CaseId>, StoreError> {
        Ok(self.tenants.get(tenant).and_then(|d| d.indexes.open_cases.get(person)).cloned())
    }

    fn cases_of(&self, tenant: &TenantId, person: &PersonId) -> Result<Vec<CaseId>, StoreError> {
        Ok(self
            .tenants
            .get(tenant)
            .and_then(|d| d.indexes.person_cases.get(person))
            .map(|cases| cases.iter().cloned().collect())
            .unwrap_or_default())
    }

    fn append_access_log(
        &mut self,
        tenant: &TenantId,
        entry: AccessLogEntry,
    ) -> Result<(), StoreError> {
        self.tenants.entry(tenant.clone()).or_default().access_log.push(entry);
        Ok(())
    }

    fn access_log(&self, tenant: &TenantId) -> Result<Vec<AccessLogEntry>, StoreError> {
        Ok(self.tenants.get(tenant).map(|d| d.access_log.clone()).unwrap_or_default())
    }

    fn pending_outbox(
        &self,
        tenant: &TenantId,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        Ok(self
            .tenants
            .get(tenant)
            .map(|d| {
                d.outbox
                    .iter()
                    .filter(|m| !d.delivered.contains(&m.id))
                    .take(limit)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }

    fn mark_delivered(&mut self, tenant: &TenantId, message: &MessageId) -> Result<(), StoreError> {
        self.tenants.entry(tenant.clone()).or_default().delivered.insert(message.clone());
        Ok(())
    }
}
