//! The [`CaseStore`](welfare_casefile::store::CaseStore) contract written once in SQL, over a
//! minimal transaction interface that both backends provide.
//!
//! The statements use `$1, $2, …` placeholders, numbered in order of first appearance, which
//! PostgreSQL reads as positional parameters and SQLite as named parameters bound in that same
//! order. Every statement names the tenant: the tenant filter is never left to a default.

use chrono::{DateTime, SecondsFormat, Utc};
use welfare_casefile::access::AccessLogEntry;
use welfare_casefile::chain::{ChainHead, RecordedEvent};
use welfare_casefile::events::{AggregateKind, AggregateRef};
use welfare_casefile::ids::{CaseId, CommandId, MessageId, PersonId, TenantId};
use welfare_casefile::store::{
    AppendOutcome, CommandRecord, OccupancyChange, OutboxMessage, StoreError, UnitOfWork,
};

use crate::codec::{
    aggregate, backend, check_unit, continue_chain, digest, kind_str, seq_i64, seq_u64, topic,
    topic_str,
};

/// A parameter or column value: the schema uses only integers and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// A 64-bit integer.
    Int(i64),
    /// Text.
    Text(String),
    /// SQL NULL (read only).
    Null,
}

impl Value {
    fn text(s: &str) -> Value {
        Value::Text(s.to_owned())
    }

    fn as_int(&self) -> Result<i64, StoreError> {
        match self {
            Value::Int(i) => Ok(*i),
            _ => Err(StoreError::Backend("expected an integer column".into())),
        }
    }

    fn as_text(&self) -> Result<&str, StoreError> {
        match self {
            Value::Text(s) => Ok(s),
            _ => Err(StoreError::Backend("expected a text column".into())),
        }
    }
}

/// One open transaction of a backend.
pub(crate) trait Tx {
    /// Runs a query and returns every row.
    fn rows(&mut self, sql: &'static str, params: &[Value]) -> Result<Vec<Vec<Value>>, StoreError>;
    /// Runs a statement.
    fn exec(&mut self, sql: &'static str, params: &[Value]) -> Result<(), StoreError>;
    /// Serialises writers on `key` until the transaction ends (PostgreSQL advisory lock;
    /// SQLite's `BEGIN IMMEDIATE` already serialises every writer).
    fn lock(&mut self, key: &str) -> Result<(), StoreError>;
}

fn col(row: &[Value], i: usize) -> Result<&Value, StoreError> {
    row.get(i).ok_or_else(|| StoreError::Backend("query returned too few columns".into()))
}

fn int(row: &[Value], i: usize) -> Result<i64, StoreError> {
    col(row, i)?.as_int()
}

fn text(row: &[Value], i: usize) -> Result<&str, StoreError> {
    col(row, i)?.as_text()
}

/// An instant as stored: RFC 3339 in UTC with microseconds, so text order is time order.
pub(crate) fn instant(at: &DateTime<Utc>) -> Value {
    Value::Text(at.to_rfc3339_opts(SecondsFormat::Micros, true))
}

fn agg_params(tenant: &TenantId, aggregate: &AggregateRef) -> [Value; 3] {
    [
        Value::text(tenant.as_str()),
        Value::text(kind_str(aggregate.kind())),
        Value::text(aggregate.id_str()),
    ]
}

/// Commits rules 2–6 of the contract inside `tx` (the caller begins and commits it).
pub(crate) fn append(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    unit: &UnitOfWork,
) -> Result<AppendOutcome, StoreError> {
    if unit.events.is_empty() {
        return Err(StoreError::EmptyUnitOfWork);
    }
    tx.lock(&format!("command/{tenant}/{}", unit.command_id))?;
    if let Some(rec) = command(tx, tenant, &unit.command_id)? {
        return if rec.aggregate == unit.aggregate {
            Ok(AppendOutcome::Duplicate(rec))
        } else {
            Err(StoreError::CommandIdReused { command: unit.command_id.to_string() })
        };
    }
    let checked = check_unit(tenant, unit)?;
    tx.lock(&format!("aggregate/{tenant}/{}", unit.aggregate))?;
    let stored = head(tx, tenant, &unit.aggregate)?;
    if stored.sequence != unit.expected_version {
        return Err(StoreError::VersionConflict {
            aggregate: unit.aggregate.to_string(),
            expected: unit.expected_version,
            actual: stored.sequence,
        });
    }
    let new_head = continue_chain(unit, stored)?;
    if let AggregateRef::Case(case) = &unit.aggregate {
        occupancy(tx, tenant, case, &checked.occupancy)?;
    }
    let [t, k, a] = agg_params(tenant, &unit.aggregate);
    let command_id = Value::text(unit.command_id.as_str());
    for (r, at) in unit.events.iter().zip(&checked.recorded_at) {
        tx.exec(
            "INSERT INTO events (tenant, kind, aggregate_id, sequence, prev_hash, hash, canonical, \
             command_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                t.clone(),
                k.clone(),
                a.clone(),
                Value::Int(seq_i64(r.sequence)?),
                Value::Text(r.prev_hash.to_hex()),
                Value::Text(r.hash.to_hex()),
                Value::text(&r.canonical),
                command_id.clone(),
                instant(at),
            ],
        )?;
    }
    let new_seq = Value::Int(seq_i64(new_head.sequence)?);
    let new_hash = Value::Text(new_head.hash.to_hex());
    if stored.sequence == 0 {
        tx.exec(
            "INSERT INTO heads (tenant, kind, aggregate_id, sequence, hash) \
             VALUES ($1, $2, $3, $4, $5)",
            &[t.clone(), k.clone(), a.clone(), new_seq, new_hash],
        )?;
    } else {
        tx.exec(
            "UPDATE heads SET sequence = $1, hash = $2 \
             WHERE tenant = $3 AND kind = $4 AND aggregate_id = $5",
            &[new_seq, new_hash, t.clone(), k.clone(), a.clone()],
        )?;
    }
    let first = unit.events.first().map_or(0, |r| r.sequence);
    tx.exec(
        "INSERT INTO commands (tenant, command_id, kind, aggregate_id, first_sequence, \
         last_sequence) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            t.clone(),
            command_id,
            k,
            a,
            Value::Int(seq_i64(first)?),
            Value::Int(seq_i64(new_head.sequence)?),
        ],
    )?;
    for m in &unit.outbox {
        insert_outbox(tx, tenant, m, None)?;
    }
    for e in &unit.access_log {
        append_access_log(tx, tenant, e)?;
    }
    Ok(AppendOutcome::Appended(new_head))
}

/// Inserts one outbox message (delivered at `delivered`, or pending).
pub(crate) fn insert_outbox(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    m: &OutboxMessage,
    delivered: Option<&DateTime<Utc>>,
) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO outbox (tenant, message_id, topic, kind, aggregate_id, sequence, \
         created_at, delivered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            Value::text(tenant.as_str()),
            Value::text(m.id.as_str()),
            Value::Text(topic_str(m.topic)?),
            Value::text(kind_str(m.aggregate.kind())),
            Value::text(m.aggregate.id_str()),
            Value::Int(seq_i64(m.sequence)?),
            instant(&m.created_at),
            delivered.map_or(Value::Null, instant),
        ],
    )
}

/// Rule 5: the "one open case per person per tenant" index, in event order.
fn occupancy(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    case: &CaseId,
    changes: &[OccupancyChange],
) -> Result<(), StoreError> {
    let t = Value::text(tenant.as_str());
    let c = Value::text(case.as_str());
    for change in changes {
        match change {
            OccupancyChange::Opens(person) => {
                ensure_free(tx, tenant, person, case)?;
                tx.exec(
                    "INSERT INTO case_persons (tenant, case_id, person_id, open) \
                     VALUES ($1, $2, $3, 1) ON CONFLICT (tenant, case_id) \
                     DO UPDATE SET person_id = excluded.person_id, open = 1",
                    &[t.clone(), c.clone(), Value::text(person.as_str())],
                )?;
            }
            OccupancyChange::Reopens => {
                let rows = tx.rows(
                    "SELECT person_id FROM case_persons WHERE tenant = $1 AND case_id = $2",
                    &[t.clone(), c.clone()],
                )?;
                if let Some(row) = rows.first() {
                    let person = PersonId::new(text(row, 0)?).map_err(backend)?;
                    ensure_free(tx, tenant, &person, case)?;
                    tx.exec(
                        "UPDATE case_persons SET open = 1 WHERE tenant = $1 AND case_id = $2",
                        &[t.clone(), c.clone()],
                    )?;
                }
            }
            OccupancyChange::Closes => {
                tx.exec(
                    "UPDATE case_persons SET open = 0 WHERE tenant = $1 AND case_id = $2",
                    &[t.clone(), c.clone()],
                )?;
            }
        }
    }
    Ok(())
}

fn ensure_free(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    person: &PersonId,
    case: &CaseId,
) -> Result<(), StoreError> {
    tx.lock(&format!("person/{tenant}/{person}"))?;
    let rows = tx.rows(
        "SELECT case_id FROM case_persons \
         WHERE tenant = $1 AND person_id = $2 AND open = 1 AND case_id <> $3",
        &[Value::text(tenant.as_str()), Value::text(person.as_str()), Value::text(case.as_str())],
    )?;
    match rows.first() {
        Some(row) => Err(StoreError::OpenCaseExists {
            person: person.to_string(),
            case: text(row, 0)?.to_owned(),
        }),
        None => Ok(()),
    }
}

/// Every event of an aggregate, in sequence order.
pub(crate) fn load(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    aggregate: &AggregateRef,
) -> Result<Vec<RecordedEvent>, StoreError> {
    let rows = tx.rows(
        "SELECT sequence, prev_hash, hash, canonical FROM events \
         WHERE tenant = $1 AND kind = $2 AND aggregate_id = $3 ORDER BY sequence",
        &agg_params(tenant, aggregate),
    )?;
    rows.iter()
        .map(|row| {
            Ok(RecordedEvent {
                sequence: seq_u64(int(row, 0)?)?,
                prev_hash: digest(text(row, 1)?)?,
                hash: digest(text(row, 2)?)?,
                canonical: text(row, 3)?.to_owned(),
            })
        })
        .collect()
}

/// The stored head.
pub(crate) fn head(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    aggregate: &AggregateRef,
) -> Result<ChainHead, StoreError> {
    let rows = tx.rows(
        "SELECT sequence, hash FROM heads WHERE tenant = $1 AND kind = $2 AND aggregate_id = $3",
        &agg_params(tenant, aggregate),
    )?;
    match rows.first() {
        Some(row) => {
            Ok(ChainHead { sequence: seq_u64(int(row, 0)?)?, hash: digest(text(row, 1)?)? })
        }
        None => Ok(ChainHead::EMPTY),
    }
}

/// The record of a command id.
pub(crate) fn command(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    command: &CommandId,
) -> Result<Option<CommandRecord>, StoreError> {
    let rows = tx.rows(
        "SELECT kind, aggregate_id, first_sequence, last_sequence FROM commands \
         WHERE tenant = $1 AND command_id = $2",
        &[Value::text(tenant.as_str()), Value::text(command.as_str())],
    )?;
    rows.first()
        .map(|row| {
            Ok(CommandRecord {
                aggregate: aggregate(text(row, 0)?, text(row, 1)?)?,
                first_sequence: seq_u64(int(row, 2)?)?,
                last_sequence: seq_u64(int(row, 3)?)?,
            })
        })
        .transpose()
}

/// The aggregates of a kind, in id order.
pub(crate) fn aggregates(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    kind: AggregateKind,
) -> Result<Vec<AggregateRef>, StoreError> {
    let k = kind_str(kind);
    let rows = tx.rows(
        "SELECT aggregate_id FROM heads WHERE tenant = $1 AND kind = $2 ORDER BY aggregate_id",
        &[Value::text(tenant.as_str()), Value::text(k)],
    )?;
    let mut out: Vec<AggregateRef> =
        rows.iter().map(|row| aggregate(k, text(row, 0)?)).collect::<Result<_, _>>()?;
    // The database's collation need not be bytewise: sort as the in-memory store does.
    out.sort();
    Ok(out)
}

/// The open case of a person.
pub(crate) fn open_case_of(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    person: &PersonId,
) -> Result<Option<CaseId>, StoreError> {
    let rows = tx.rows(
        "SELECT case_id FROM case_persons WHERE tenant = $1 AND person_id = $2 AND open = 1",
        &[Value::text(tenant.as_str()), Value::text(person.as_str())],
    )?;
    rows.first().map(|row| CaseId::new(text(row, 0)?).map_err(backend)).transpose()
}

/// Every case of a person, open or closed, in case id order (index `case_persons_by_person`).
pub(crate) fn cases_of(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    person: &PersonId,
) -> Result<Vec<CaseId>, StoreError> {
    let rows = tx.rows(
        "SELECT case_id FROM case_persons WHERE tenant = $1 AND person_id = $2",
        &[Value::text(tenant.as_str()), Value::text(person.as_str())],
    )?;
    let mut out: Vec<CaseId> = rows
        .iter()
        .map(|row| CaseId::new(text(row, 0)?).map_err(backend))
        .collect::<Result<_, _>>()?;
    // The database's collation need not be bytewise: sort as the in-memory store does.
    out.sort();
    Ok(out)
}

/// Appends an access-log entry.
pub(crate) fn append_access_log(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    entry: &AccessLogEntry,
) -> Result<(), StoreError> {
    if &entry.tenant != tenant {
        return Err(StoreError::Backend(
            "access-log entry belongs to another tenant than the call".into(),
        ));
    }
    let json = serde_json::to_string(entry).map_err(backend)?;
    tx.exec(
        "INSERT INTO access_log (tenant, at, operator, kind, aggregate_id, entry) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            Value::text(tenant.as_str()),
            instant(&entry.at),
            Value::text(entry.operator.as_str()),
            Value::text(kind_str(entry.aggregate.kind())),
            Value::text(entry.aggregate.id_str()),
            Value::Text(json),
        ],
    )
}

/// The access log in append order.
pub(crate) fn access_log(
    tx: &mut dyn Tx,
    tenant: &TenantId,
) -> Result<Vec<AccessLogEntry>, StoreError> {
    let rows = tx.rows(
        "SELECT entry FROM access_log WHERE tenant = $1 ORDER BY id",
        &[Value::text(tenant.as_str())],
    )?;
    // serde's message would quote the stored entry (who read whose file): a fixed one instead.
    rows.iter()
        .map(|row| {
            serde_json::from_str(text(row, 0)?)
                .map_err(|_| backend("a stored access-log entry does not decode"))
        })
        .collect()
}

/// Outbox messages not yet delivered, oldest first.
pub(crate) fn pending_outbox(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    limit: usize,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = tx.rows(
        "SELECT message_id, topic, kind, aggregate_id, sequence, created_at FROM outbox \
         WHERE tenant = $1 AND delivered_at IS NULL ORDER BY id LIMIT $2",
        &[Value::text(tenant.as_str()), Value::Int(limit)],
    )?;
    rows.iter()
        .map(|row| {
            let created = DateTime::parse_from_rfc3339(text(row, 5)?)
                .map_err(|_| StoreError::Backend("stored outbox instant is not RFC 3339".into()))?
                .with_timezone(&Utc);
            Ok(OutboxMessage {
                id: MessageId::new(text(row, 0)?).map_err(backend)?,
                topic: topic(text(row, 1)?)?,
                aggregate: aggregate(text(row, 2)?, text(row, 3)?)?,
                sequence: seq_u64(int(row, 4)?)?,
                created_at: created,
            })
        })
        .collect()
}

/// Marks a message delivered (idempotent: the first delivery time is kept).
pub(crate) fn mark_delivered(
    tx: &mut dyn Tx,
    tenant: &TenantId,
    message: &MessageId,
    at: &DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.exec(
        "UPDATE outbox SET delivered_at = $1 \
         WHERE tenant = $2 AND message_id = $3 AND delivered_at IS NULL",
        &[instant(at), Value::text(tenant.as_str()), Value::text(message.as_str())],
    )
}

/// Counts of a tenant's rows per table, for reports.
pub(crate) fn counts(tx: &mut dyn Tx, tenant: &TenantId) -> Result<[u64; 4], StoreError> {
    let t = [Value::text(tenant.as_str())];
    let one = |rows: Vec<Vec<Value>>| -> Result<u64, StoreError> {
        rows.first().map_or(Ok(0), |row| seq_u64(int(row, 0)?))
    };
    Ok([
        one(tx.rows("SELECT COUNT(*) FROM heads WHERE tenant = $1", &t)?)?,
        one(tx.rows("SELECT COUNT(*) FROM events WHERE tenant = $1", &t)?)?,
        one(tx.rows("SELECT COUNT(*) FROM outbox WHERE tenant = $1 AND delivered_at IS NULL", &t)?)?,
        one(tx.rows("SELECT COUNT(*) FROM access_log WHERE tenant = $1", &t)?)?,
    ])
}
