//! Commands, folding and execution against a [`CaseStore`].
//!
//! State is a fold of events: [`fold`] applies an aggregate's events in order, from nothing.
//! A command is decided against the folded state ([`Aggregate::decide`]), producing events or a
//! typed error; [`execute`] does the whole round trip: idempotency check by command id, load,
//! chain verification, fold, decide, seal, append with the expected version, outbox.

use chrono::{DateTime, NaiveDate, Utc};

use crate::access::AccessLogEntry;
use crate::case::Case;
use crate::chain::{verify, ChainHead, RecordedEvent};
use crate::error::{Error, Result, Subject};
use crate::events::{AggregateRef, EventEnvelope, EventPayload, ENVELOPE_VERSION};
use crate::group::Group;
use crate::ids::{CaseId, CommandId, GroupId, IntakeId, IstanzaId, OperatorId, PersonId, TenantId};
use crate::intake::Intake;
use crate::istanza::Istanza;
use crate::person::Person;
use crate::store::{AppendOutcome, CaseStore, OutboxMessage, StoreError, UnitOfWork};

/// Who issues a command, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandContext {
    /// The operator.
    pub actor: OperatorId,
    /// The instant (recorded time of the resulting events).
    pub now: DateTime<Utc>,
}

impl CommandContext {
    /// The day of `now` (UTC).
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }
}

/// An event-sourced aggregate.
pub trait Aggregate: Sized + Clone {
    /// Identifier type.
    type Id: Clone;
    /// Command type.
    type Command;
    /// Event type.
    type Event: Clone;
    /// What errors name it.
    const SUBJECT: Subject;

    /// The name of the state (for errors), `"absent"` before creation.
    fn state_name(state: Option<&Self>) -> &'static str;

    /// Decides a command: the events it produces, or why it is refused. Pure.
    fn decide(
        id: &Self::Id,
        state: Option<&Self>,
        command: &Self::Command,
        ctx: &CommandContext,
    ) -> Result<Vec<Self::Event>>;

    /// Applies one event. Pure; fails only on a stream that could not have been produced by
    /// [`decide`](Aggregate::decide) (e.g. an event before creation).
    fn apply(state: Option<Self>, event: &Self::Event) -> Result<Self>;
}

/// How an aggregate's events sit in the shared [`EventPayload`].
pub trait Streamed: Aggregate {
    /// The aggregate reference of an id.
    fn aggregate_ref(id: &Self::Id) -> AggregateRef;
    /// Wraps an event.
    fn wrap(event: Self::Event) -> EventPayload;
    /// Unwraps an event of this aggregate.
    fn unwrap(payload: &EventPayload) -> Option<&Self::Event>;
}

macro_rules! streamed {
    ($ty:ty, $id:ty, $variant:ident) => {
        impl Streamed for $ty {
            fn aggregate_ref(id: &$id) -> AggregateRef {
                AggregateRef::$variant(id.clone())
            }
            fn wrap(event: Self::Event) -> EventPayload {
                EventPayload::$variant(event)
            }
            fn unwrap(payload: &EventPayload) -> Option<&Self::Event> {
                match payload {
                    EventPayload::$variant(e) => Some(e),
                    _ => None,
                }
            }
        }
    };
}

streamed!(crate::tenancy::Tenant, TenantId, Tenant);
streamed!(Person, PersonId, Person);
streamed!(Group, GroupId, Group);
streamed!(Intake, IntakeId, Intake);
streamed!(Case, CaseId, Case);
streamed!(Istanza, IstanzaId, Istanza);

/// Folds events into state, from nothing.
pub fn fold<'a, A: Aggregate + 'a>(
    events: impl IntoIterator<Item = &'a A::Event>,
) -> Result<Option<A>>
where
    A::Event: 'a,
{
    let mut state = None;
    for e in events {
        state = Some(A::apply(state, e)?);
    }
    Ok(state)
}

/// Loads, verifies and folds an aggregate from a store.
pub fn load<A: Streamed, S: CaseStore + ?Sized>(
    store: &S,
    tenant: &TenantId,
    id: &A::Id,
) -> Result<(Option<A>, ChainHead)> {
    let aggregate = A::aggregate_ref(id);
    let records = store.load(tenant, &aggregate)?;
    let head = store.head(tenant, &aggregate)?;
    let (head, envelopes) = verify(&records, Some(&head))?;
    let mut state = None;
    for env in &envelopes {
        if env.tenant != *tenant || env.aggregate != aggregate {
            return Err(crate::chain::ChainError::Foreign { position: 0 }.into());
        }
        let event =
            A::unwrap(&env.payload).ok_or(crate::chain::ChainError::Foreign { position: 0 })?;
        state = Some(A::apply(state, event)?);
    }
    Ok((state, head))
}

/// What [`execute`] did.
#[derive(Clone, Debug)]
pub struct Executed<A> {
    /// The state after the command.
    pub state: A,
    /// The events written (empty for a duplicate).
    pub recorded: Vec<RecordedEvent>,
    /// Whether the command id had already been applied (nothing was written).
    pub duplicate: bool,
}

/// Executes a command: idempotent by `command_id`, optimistic on the aggregate version.
/// `access_log` entries are committed in the same unit of work.
pub fn execute<A: Streamed, S: CaseStore + ?Sized>(
    store: &mut S,
    tenant: &TenantId,
    id: &A::Id,
    command_id: &CommandId,
    command: &A::Command,
    ctx: &CommandContext,
    access_log: Vec<AccessLogEntry>,
) -> Result<Executed<A>> {
    let aggregate = A::aggregate_ref(id);
    if let Some(rec) = store.command(tenant, command_id)? {
        if rec.aggregate != aggregate {
            return Err(StoreError::CommandIdReused { command: command_id.to_string() }.into());
        }
        return duplicate(store, tenant, id);
    }
    let (state, head) = load::<A, S>(store, tenant, id)?;
    let events = A::decide(id, state.as_ref(), command, ctx)?;
    let mut next = state;
    let mut link = head;
    let mut recorded = Vec::with_capacity(events.len());
    let mut outbox = Vec::new();
    for event in events {
        next = Some(A::apply(next, &event)?);
        let payload = A::wrap(event);
        let envelope = EventEnvelope {
            version: ENVELOPE_VERSION,
            tenant: tenant.clone(),
            aggregate: aggregate.clone(),
            sequence: link.sequence + 1,
            command_id: command_id.clone(),
            actor: ctx.actor.clone(),
            recorded_at: ctx.now,
            payload,
        };
        for topic in envelope.payload.outbox_topics() {
            outbox.push(OutboxMessage::new(&aggregate, envelope.sequence, topic, ctx.now)?);
        }
        let record = RecordedEvent::seal(&link, &envelope)?;
        link = record.head();
        recorded.push(record);
    }
    let Some(state) = next else {
        return Err(Error::NotFound { subject: A::SUBJECT, id: aggregate.to_string() });
    };
    if recorded.is_empty() {
        return Ok(Executed { state, recorded, duplicate: false });
    }
    let unit = UnitOfWork {
        aggregate,
        expected_version: head.sequence,
        command_id: command_id.clone(),
        events: recorded.clone(),
        outbox,
        access_log,
    };
    match store.append(tenant, unit)? {
        AppendOutcome::Appended(_) => Ok(Executed { state, recorded, duplicate: false }),
        AppendOutcome::Duplicate(_) => duplicate(store, tenant, id),
    }
}

fn duplicate<A: Streamed, S: CaseStore + ?Sized>(
    store: &S,
    tenant: &TenantId,
    id: &A::Id,
) -> Result<Executed<A>> {
    let (state, _) = load::<A, S>(store, tenant, id)?;
    let state = state.ok_or_else(|| Error::NotFound {
        subject: A::SUBJECT,
        id: A::aggregate_ref(id).to_string(),
    })?;
    Ok(Executed { state, recorded: Vec::new(), duplicate: true })
}
