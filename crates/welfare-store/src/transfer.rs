//! Export and import of one tenant as JSON Lines, and verification of every chain, written
//! over the [`CaseStore`] trait so they work between any two stores (SQLite → PostgreSQL,
//! PostgreSQL → SQLite, memory → file).
//!
//! ## Line format (`welfare-store/2`)
//!
//! One JSON object per line, tagged by `type`:
//!
//! 1. `{"type":"header","format":"welfare-store/2","tenant":"…"}`;
//! 2. `{"type":"outbox","message":{…}}` for every message not yet delivered (delivered
//!    messages are history and are not exported);
//! 3. per aggregate (kinds in the order tenant, person, group, intake, case, istanza; ids in
//!    order): `{"type":"event","aggregate":{"case":"C-1"},"event":{…}}` for every recorded
//!    event, exactly as stored (canonical text and hashes), then
//!    `{"type":"head","aggregate":…,"head":{"sequence":n,"hash":"…"}}`;
//! 4. `{"type":"access","entry":{…}}` for the access log, in append order;
//! 5. `{"type":"end","aggregates":n,"events":n,"outbox":n,"access_log":n}`, last: what the
//!    lines before it hold. An export without it was cut short (an interrupted copy, an
//!    export stopped midway), and neither [`check`] nor [`import`] accepts it.
//!
//! Import replays the events command by command through [`CaseStore::append`] (so the target
//! re-checks every chain, command id and open-case rule), attaches each outbox message to
//! the unit holding its event, checks each imported head against the exported one, then
//! appends the access log. It refuses a tenant that already holds data. Each command is its
//! own transaction, so an export that fails half-way leaves the tenant half-imported (and a
//! second import refused): [`check`] reads a whole export first, without a store, and finds
//! what a file can have wrong (cut short, garbled, lines out of order or tampered with, outbox
//! messages without their event). `welfare case import` checks a file before importing it.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use welfare_casefile::access::AccessLogEntry;
use welfare_casefile::chain::{verify, ChainError, ChainHead, Digest, RecordedEvent};
use welfare_casefile::events::AggregateRef;
use welfare_casefile::ids::{CommandId, TenantId};
use welfare_casefile::store::{AppendOutcome, CaseStore, OutboxMessage, StoreError, UnitOfWork};

use crate::codec::KINDS;

/// The export format name written in the header.
pub const FORMAT: &str = "welfare-store/2";

/// One line of an export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ExportLine {
    /// First line.
    Header {
        /// [`FORMAT`].
        format: String,
        /// The tenant exported.
        tenant: TenantId,
    },
    /// A pending outbox message.
    Outbox {
        /// The message.
        message: OutboxMessage,
    },
    /// A recorded event, as stored.
    Event {
        /// Its aggregate.
        aggregate: AggregateRef,
        /// The record.
        event: RecordedEvent,
    },
    /// The stored head of the aggregate whose events precede it.
    Head {
        /// The aggregate.
        aggregate: AggregateRef,
        /// Its head.
        head: ChainHead,
    },
    /// An access-log entry.
    Access {
        /// The entry.
        entry: AccessLogEntry,
    },
    /// Last line: how many of each the export holds.
    End {
        /// Aggregates (head lines).
        aggregates: u64,
        /// Events.
        events: u64,
        /// Pending outbox messages.
        outbox: u64,
        /// Access-log entries.
        access_log: u64,
    },
}

/// Why an export, import or verification failed. Carries ids and positions, never content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reading or writing the stream failed (its kind tells a closed pipe from a full disk).
    #[error("i/o error: {0}")]
    Io(#[source] std::io::Error),
    /// A line is not a valid export line.
    #[error("line {line}: not a valid export line ({category} error at column {column})")]
    Line {
        /// 1-based line.
        line: usize,
        /// Column of the error.
        column: usize,
        /// serde_json's error category (syntax, data, eof).
        category: String,
    },
    /// The first line with content is not a header of a known format (or there is none).
    #[error("line {line}: expected a {FORMAT} header")]
    Header {
        /// 1-based line.
        line: usize,
    },
    /// The export is of another tenant than the one imported into.
    #[error("the export is of tenant {found}, not {expected}")]
    WrongTenant {
        /// Tenant of the import call.
        expected: String,
        /// Tenant in the header.
        found: String,
    },
    /// The target tenant already holds data.
    #[error("tenant {tenant} already holds data: import only into an empty tenant")]
    TenantNotEmpty {
        /// Tenant.
        tenant: String,
    },
    /// A chain does not verify.
    #[error("{aggregate}: {source}")]
    Chain {
        /// Aggregate (kind/id).
        aggregate: String,
        /// The failure.
        source: ChainError,
    },
    /// After import, an aggregate does not end at the exported head.
    #[error("line {line}: {aggregate} does not end at the exported head")]
    HeadMismatch {
        /// 1-based line of the head.
        line: usize,
        /// Aggregate (kind/id).
        aggregate: String,
    },
    /// A line is out of place (an event after the access log, a head without events…).
    #[error("line {line}: {what}")]
    Order {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// Outbox messages whose event was not in the export.
    #[error("{count} outbox messages refer to events not in the export")]
    OrphanOutbox {
        /// How many.
        count: usize,
    },
    /// The export has no end line: it was cut short.
    #[error("the export ends at line {line} without its end line: it was cut short")]
    Incomplete {
        /// The last line read.
        line: usize,
    },
    /// The end line's counts are not those of the lines before it.
    #[error("line {line}: the end line's counts are not those of the lines before it")]
    Counts {
        /// 1-based line of the end line.
        line: usize,
    },
}

/// What an export or import moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TransferSummary {
    /// Aggregates.
    pub aggregates: u64,
    /// Events.
    pub events: u64,
    /// Pending outbox messages.
    pub outbox: u64,
    /// Access-log entries.
    pub access_log: u64,
}

fn io(e: std::io::Error) -> TransferError {
    TransferError::Io(e)
}

fn write_line(out: &mut dyn Write, line: &ExportLine) -> Result<(), TransferError> {
    serde_json::to_writer(&mut *out, line).map_err(|e| {
        TransferError::Io(match e.io_error_kind() {
            Some(kind) => std::io::Error::new(kind, e),
            None => std::io::Error::other(e),
        })
    })?;
    out.write_all(b"\n").map_err(io)
}

/// An aggregate and the head its chain verified to, or why it failed.
pub type Verdict = (AggregateRef, Result<ChainHead, ChainError>);

/// Every aggregate of a tenant with its verified head, or the first chain failure.
pub fn verify_tenant<S: CaseStore + ?Sized>(
    store: &S,
    tenant: &TenantId,
) -> Result<Vec<Verdict>, StoreError> {
    let mut out = Vec::new();
    for kind in KINDS {
        for aggregate in store.aggregates(tenant, kind)? {
            let records = store.load(tenant, &aggregate)?;
            let head = store.head(tenant, &aggregate)?;
            let verdict = verify(&records, Some(&head)).map(|(h, _)| h);
            out.push((aggregate, verdict));
        }
    }
    Ok(out)
}

/// Writes a tenant as JSON Lines. Refuses (before writing any event of it) an aggregate whose
/// chain does not verify against its stored head.
pub fn export<S: CaseStore + ?Sized>(
    store: &S,
    tenant: &TenantId,
    out: &mut dyn Write,
) -> Result<TransferSummary, TransferError> {
    let mut summary = TransferSummary::default();
    write_line(out, &ExportLine::Header { format: FORMAT.into(), tenant: tenant.clone() })?;
    for message in store.pending_outbox(tenant, usize::MAX)? {
        write_line(out, &ExportLine::Outbox { message })?;
        summary.outbox += 1;
    }
    for kind in KINDS {
        for aggregate in store.aggregates(tenant, kind)? {
            let records = store.load(tenant, &aggregate)?;
            let head = store.head(tenant, &aggregate)?;
            verify(&records, Some(&head)).map_err(|source| TransferError::Chain {
                aggregate: aggregate.to_string(),
                source,
            })?;
            summary.aggregates += 1;
            for event in records {
                write_line(out, &ExportLine::Event { aggregate: aggregate.clone(), event })?;
                summary.events += 1;
            }
            write_line(out, &ExportLine::Head { aggregate, head })?;
        }
    }
    for entry in store.access_log(tenant)? {
        write_line(out, &ExportLine::Access { entry })?;
        summary.access_log += 1;
    }
    write_line(out, &end_line(summary))?;
    out.flush().map_err(io)?;
    Ok(summary)
}

/// The end line that says what `summary` counts.
fn end_line(summary: TransferSummary) -> ExportLine {
    let TransferSummary { aggregates, events, outbox, access_log } = summary;
    ExportLine::End { aggregates, events, outbox, access_log }
}

/// The lines of an export, numbered, blank ones skipped.
struct Lines<'a> {
    input: &'a mut dyn BufRead,
    bytes: Vec<u8>,
    /// The 1-based number of the last line read.
    number: usize,
    /// Lines with content read (the first must be the header).
    content: usize,
}

impl Lines<'_> {
    /// The next line with content, parsed; `None` at the end of the input. A line that is
    /// not UTF-8 is a [`TransferError::Line`] of category `utf-8`, at the byte it goes wrong.
    fn next(&mut self) -> Result<Option<ExportLine>, TransferError> {
        loop {
            self.bytes.clear();
            if self.input.read_until(b'\n', &mut self.bytes).map_err(io)? == 0 {
                return Ok(None);
            }
            self.number += 1;
            let text = std::str::from_utf8(&self.bytes).map_err(|e| TransferError::Line {
                line: self.number,
                column: e.valid_up_to() + 1,
                category: "utf-8".to_owned(),
            })?;
            if text.trim().is_empty() {
                continue;
            }
            self.content += 1;
            return serde_json::from_str(text).map(Some).map_err(|e| TransferError::Line {
                line: self.number,
                column: e.column(),
                category: format!("{:?}", e.classify()).to_lowercase(),
            });
        }
    }
}

/// The rules of the format that hold whatever reads it ([`check`] or [`import`]): the header
/// first, then outbox messages, aggregates (events, then a head line), the access log and the
/// end line with the counts of all the others; nothing after it.
#[derive(Default)]
struct Sequence {
    summary: TransferSummary,
    /// The aggregate whose events are read and whose head line is not yet.
    open: Option<AggregateRef>,
    in_access_log: bool,
    ended: bool,
}

impl Sequence {
    /// Checks that `line`, just read by `lines`, may come here, and counts it.
    fn accept(
        &mut self,
        lines: &Lines<'_>,
        line: &ExportLine,
        tenant: &TenantId,
    ) -> Result<(), TransferError> {
        let number = lines.number;
        let order = |what| Err(TransferError::Order { line: number, what });
        if self.ended {
            return order("a line after the end line");
        }
        match line {
            ExportLine::Header { format, tenant: found } => {
                if lines.content != 1 || format != FORMAT {
                    return Err(TransferError::Header { line: number });
                }
                if found != tenant {
                    return Err(TransferError::WrongTenant {
                        expected: tenant.to_string(),
                        found: found.to_string(),
                    });
                }
            }
            _ if lines.content == 1 => return Err(TransferError::Header { line: number }),
            ExportLine::Outbox { .. } => {
                if self.summary.events > 0 {
                    return order("outbox message after the events");
                }
                self.summary.outbox += 1;
            }
            ExportLine::Event { aggregate, .. } => {
                if self.in_access_log {
                    return order("event after the access log");
                }
                match &self.open {
                    Some(open) if open != aggregate => return order("events without a head line"),
                    Some(_) => {}
                    None => self.open = Some(aggregate.clone()),
                }
                self.summary.events += 1;
            }
            ExportLine::Head { aggregate, .. } => {
                if self.open.take().as_ref() != Some(aggregate) {
                    return order("head line without the events of its aggregate");
                }
                self.summary.aggregates += 1;
            }
            ExportLine::Access { .. } => {
                if self.open.is_some() {
                    return order("access log before the head of the last aggregate");
                }
                self.in_access_log = true;
                self.summary.access_log += 1;
            }
            ExportLine::End { .. } => {
                if self.open.is_some() {
                    return order("events without a head line");
                }
                if *line != end_line(self.summary) {
                    return Err(TransferError::Counts { line: number });
                }
                self.ended = true;
            }
        }
        Ok(())
    }

    /// What the lines held, once `lines` is read to its end: an error if there was no header
    /// or no end line.
    fn finish(self, lines: &Lines<'_>) -> Result<TransferSummary, TransferError> {
        if lines.content == 0 {
            return Err(TransferError::Header { line: lines.number.max(1) });
        }
        // Without its end line the export was cut short, whatever was cut: an aggregate's
        // events from their head, or whole lines. (The end line is refused after events
        // without a head line.)
        if !self.ended {
            return Err(TransferError::Incomplete { line: lines.number });
        }
        Ok(self.summary)
    }
}

/// Reads a whole export of `tenant` without a store, and checks what [`import`] would check
/// of its lines: the header, the order of the lines, every chain (sequences, links, hashes)
/// against its head, every outbox message against an event, and the end line's counts. It
/// keeps one aggregate's events at a time. What only a store can check (command ids already
/// used, the open-case rule) is left to [`import`]; an export written by [`export`] from a
/// consistent store meets it.
pub fn check(tenant: &TenantId, input: &mut dyn BufRead) -> Result<TransferSummary, TransferError> {
    let mut lines = Lines { input, bytes: Vec::new(), number: 0, content: 0 };
    let mut sequence = Sequence::default();
    // (aggregate, sequence) of every outbox message whose event is not seen yet.
    let mut outbox: Vec<(AggregateRef, u64)> = Vec::new();
    // The events of the aggregate being read, until its head line.
    let mut events: Vec<RecordedEvent> = Vec::new();
    while let Some(line) = lines.next()? {
        sequence.accept(&lines, &line, tenant)?;
        match line {
            ExportLine::Outbox { message } => outbox.push((message.aggregate, message.sequence)),
            ExportLine::Event { event, .. } => events.push(event),
            ExportLine::Head { aggregate, head } => {
                verify(&events, Some(&head)).map_err(|source| TransferError::Chain {
                    aggregate: aggregate.to_string(),
                    source,
                })?;
                outbox.retain(|(a, sequence)| {
                    *a != aggregate || !events.iter().any(|e| e.sequence == *sequence)
                });
                events.clear();
            }
            ExportLine::Header { .. } | ExportLine::Access { .. } | ExportLine::End { .. } => {}
        }
    }
    let summary = sequence.finish(&lines)?;
    if !outbox.is_empty() {
        return Err(TransferError::OrphanOutbox { count: outbox.len() });
    }
    Ok(summary)
}

/// Events of one command waiting to be appended.
struct Pending {
    aggregate: AggregateRef,
    command: CommandId,
    events: Vec<RecordedEvent>,
}

/// Reads a tenant exported by [`export`] into `store` (see the module docs).
pub fn import<S: CaseStore + ?Sized>(
    store: &mut S,
    tenant: &TenantId,
    input: &mut dyn BufRead,
) -> Result<TransferSummary, TransferError> {
    for kind in KINDS {
        if !store.aggregates(tenant, kind)?.is_empty() {
            return Err(TransferError::TenantNotEmpty { tenant: tenant.to_string() });
        }
    }
    let mut lines = Lines { input, bytes: Vec::new(), number: 0, content: 0 };
    let mut sequence = Sequence::default();
    let mut outbox: Vec<OutboxMessage> = Vec::new();
    let mut pending: Option<Pending> = None;
    while let Some(line) = lines.next()? {
        sequence.accept(&lines, &line, tenant)?;
        match line {
            ExportLine::Outbox { message } => outbox.push(message),
            ExportLine::Event { aggregate, event } => {
                let command = event
                    .envelope()
                    .map_err(|source| TransferError::Chain {
                        aggregate: aggregate.to_string(),
                        source,
                    })?
                    .command_id;
                let same = pending
                    .as_ref()
                    .is_some_and(|p| p.aggregate == aggregate && p.command == command);
                if !same {
                    flush(store, tenant, pending.take(), &mut outbox)?;
                    pending = Some(Pending { aggregate, command, events: Vec::new() });
                }
                if let Some(p) = pending.as_mut() {
                    p.events.push(event);
                }
            }
            ExportLine::Head { aggregate, head } => {
                flush(store, tenant, pending.take(), &mut outbox)?;
                if store.head(tenant, &aggregate)? != head {
                    return Err(TransferError::HeadMismatch {
                        line: lines.number,
                        aggregate: aggregate.to_string(),
                    });
                }
            }
            ExportLine::Access { entry } => store.append_access_log(tenant, entry)?,
            ExportLine::Header { .. } | ExportLine::End { .. } => {}
        }
    }
    let summary = sequence.finish(&lines)?;
    if !outbox.is_empty() {
        return Err(TransferError::OrphanOutbox { count: outbox.len() });
    }
    Ok(summary)
}

fn flush<S: CaseStore + ?Sized>(
    store: &mut S,
    tenant: &TenantId,
    pending: Option<Pending>,
    outbox: &mut Vec<OutboxMessage>,
) -> Result<(), TransferError> {
    let Some(p) = pending else { return Ok(()) };
    // The target store checks links and sequences; the content hashes are checked here, so a
    // tampered line never lands.
    for e in &p.events {
        if Digest::chained(&e.prev_hash, e.canonical.as_bytes()) != e.hash {
            return Err(TransferError::Chain {
                aggregate: p.aggregate.to_string(),
                source: ChainError::Hash { position: usize::try_from(e.sequence).unwrap_or(0) },
            });
        }
    }
    let first = p.events.first().map_or(1, |e| e.sequence);
    let last = p.events.last().map_or(0, |e| e.sequence);
    let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(outbox)
        .into_iter()
        .partition(|m| m.aggregate == p.aggregate && (first..=last).contains(&m.sequence));
    *outbox = rest;
    let unit = UnitOfWork {
        aggregate: p.aggregate,
        expected_version: first.saturating_sub(1),
        command_id: p.command,
        events: p.events,
        outbox: mine,
        access_log: Vec::new(),
    };
    match store.append(tenant, unit)? {
        AppendOutcome::Appended(_) => Ok(()),
        AppendOutcome::Duplicate(_) => {
            Err(TransferError::TenantNotEmpty { tenant: tenant.to_string() })
        }
    }
}
