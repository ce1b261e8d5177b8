//! # welfare-store
//!
//! Persistence for [`welfare_casefile`]: the [`CaseStore`] on **SQLite** (one file, the
//! embedded default for a single comune) and on **PostgreSQL** (a consortium or a region),
//! behind one type, [`Store`]. Both run the same SQL for the contract (see `sql.rs`), both
//! pass the same conformance suite, and a tenant moves between them as JSON Lines
//! ([`transfer`]).
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use welfare_casefile::case::{Case, CaseCommand};
//! use welfare_casefile::engine::{execute, load, CommandContext};
//! use welfare_casefile::ids::{CaseId, CommandId, OperatorId, OrganisationId, PersonId, TenantId, UnitId};
//! use welfare_casefile::intake::AreaUtenza;
//! use welfare_casefile::store::CaseStore;
//! use welfare_store::Store;
//!
//! let dir = tempfile::tempdir()?;
//! let url = dir.path().join("cartella.sqlite");
//! let mut store = Store::open(url.to_str().unwrap())?;
//! let tenant = TenantId::new("ambito-ven15")?;
//! let ctx = CommandContext { actor: OperatorId::new("as1")?, now: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() };
//! let open = CaseCommand::Open {
//!     person: PersonId::new("P-1")?,
//!     organisation: OrganisationId::new("B563")?,
//!     unit: UnitId::new("ss")?,
//!     number: "2026/1".into(),
//!     area: AreaUtenza::PovertaEsclusione,
//!     on: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
//!     intake: None,
//! };
//! let id = CaseId::new("C-1")?;
//! execute::<Case, _>(&mut store, &tenant, &id, &CommandId::new("k1")?, &open, &ctx, vec![])?;
//! drop(store);
//! // Reopened from the file: the case is there and its hash chain verifies.
//! let store = Store::open(url.to_str().unwrap())?;
//! let (case, head) = load::<Case, _>(&store, &tenant, &id)?;
//! assert_eq!(head.sequence, 1);
//! assert_eq!(case.unwrap().number, "2026/1");
//! // Another tenant sees nothing.
//! assert!(store.open_case_of(&TenantId::new("other")?, &PersonId::new("P-1")?)?.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Choosing the backend
//!
//! [`Store::open`] takes a URL: `postgres://…` or `postgresql://…` opens PostgreSQL;
//! `sqlite::memory:` a private in-memory SQLite database; `sqlite:PATH` or any other text a
//! SQLite file (created if missing). Opening applies the embedded, versioned migrations
//! (`migrations/{sqlite,postgres}/NNNN_*.sql`) that the database has not seen yet.
//!
//! ## Guarantees
//!
//! - Every append is one transaction holding the events, the new chain head, the command
//!   id, the case-person index (one open case per person; every case of a person for
//!   [`CaseStore::cases_of`]), the outbox messages and the access-log entries of the unit.
//! - Schema version 2 adds the index behind [`CaseStore::cases_of`]; a version-1 database
//!   is upgraded on open, the index built from the case-person rows every version-1 append
//!   already kept (no event is replayed).
//! - SQLite runs in WAL mode with `synchronous = FULL`: a commit that returned survives a
//!   killed process and a power cut. Writers take the write lock up front
//!   (`BEGIN IMMEDIATE`, 30 s busy timeout), so two writers of one case serialise and the
//!   second gets [`StoreError::VersionConflict`].
//! - PostgreSQL sets `app.tenant` in every transaction; row-level security policies on every
//!   table hide and refuse other tenants' rows even to a query that forgets the filter.
//!   Connect as an ordinary role (superusers bypass row-level security). Writers of one
//!   aggregate, command id or person serialise on transaction-scoped advisory locks.
//! - The `events` and `access_log` tables refuse UPDATE and DELETE (triggers).
//!
//! ## Dependencies
//!
//! `rusqlite` (with the `bundled` SQLite, so no system library is needed) and the synchronous
//! `postgres` client: both the maintained standard drivers for their databases.

mod codec;
mod postgres;
mod sql;
mod sqlite;
pub mod transfer;

use std::path::Path;
use std::sync::Mutex;

use welfare_casefile::access::AccessLogEntry;
use welfare_casefile::chain::{ChainHead, RecordedEvent};
use welfare_casefile::events::{AggregateKind, AggregateRef};
use welfare_casefile::ids::{CaseId, CommandId, MessageId, PersonId, TenantId};
use welfare_casefile::store::{
    AppendOutcome, CaseStore, CommandRecord, OutboxMessage, StoreError, UnitOfWork,
};

pub use welfare_casefile::store::StoreError as Error;

/// Which database a [`Store`] talks to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BackendKind {
    /// SQLite (a file or memory).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// How many rows a tenant has, for reports.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TenantCounts {
    /// Aggregates (streams).
    pub aggregates: u64,
    /// Events.
    pub events: u64,
    /// Outbox messages not yet delivered.
    pub pending_outbox: u64,
    /// Access-log entries.
    pub access_log: u64,
}

enum Backend {
    Sqlite(rusqlite::Connection),
    Postgres(Mutex<::postgres::Client>),
}

/// A [`CaseStore`] on SQLite or PostgreSQL. One `Store` is one connection: open one per
/// thread (SQLite files and PostgreSQL both take concurrent writers).
pub struct Store {
    backend: Backend,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.kind()).finish()
    }
}

impl Store {
    /// Opens the database a URL names (see the crate docs) and applies pending migrations.
    pub fn open(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Store::open_postgres(url)
        } else if url == "sqlite::memory:" || url == ":memory:" {
            Store::open_in_memory()
        } else {
            let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"));
            Store::open_sqlite(Path::new(path.unwrap_or(url)))
        }
    }

    /// Opens (creating if missing) a SQLite database file.
    pub fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
        Ok(Store { backend: Backend::Sqlite(sqlite::open(path)?) })
    }

    /// Opens a private in-memory SQLite database.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Ok(Store { backend: Backend::Sqlite(sqlite::open_in_memory()?) })
    }

    /// Connects to PostgreSQL (`postgres://user:password@host:port/database`, no TLS).
    pub fn open_postgres(url: &str) -> Result<Store, StoreError> {
        Ok(Store { backend: Backend::Postgres(Mutex::new(postgres::open(url)?)) })
    }

    /// The backend.
    pub fn kind(&self) -> BackendKind {
        match self.backend {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// The highest migration applied to the database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        match &self.backend {
            Backend::Sqlite(conn) => sqlite::schema_version(conn),
            Backend::Postgres(client) => postgres::schema_version(&mut *lock(client)?),
        }
    }

    /// Row counts of a tenant.
    pub fn counts(&self, tenant: &TenantId) -> Result<TenantCounts, StoreError> {
        let [aggregates, events, pending_outbox, access_log] =
            self.read(tenant, |tx| sql::counts(tx, tenant))?;
        Ok(TenantCounts { aggregates, events, pending_outbox, access_log })
    }

    fn read<R>(
        &self,
        tenant: &TenantId,
        f: impl FnOnce(&mut dyn sql::Tx) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        match &self.backend {
            Backend::Sqlite(conn) => sqlite::read(conn, f),
            Backend::Postgres(client) => postgres::run(&mut *lock(client)?, tenant, true, f),
        }
    }

    fn write<R>(
        &mut self,
        tenant: &TenantId,
        f: impl FnOnce(&mut dyn sql::Tx) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        match &mut self.backend {
            Backend::Sqlite(conn) => sqlite::write(conn, f),
            Backend::Postgres(client) => postgres::run(&mut *lock(client)?, tenant, false, f),
        }
    }
}

fn lock(
    client: &Mutex<::postgres::Client>,
) -> Result<std::sync::MutexGuard<'_, ::postgres::Client>, StoreError> {
    client.lock().map_err(|_| StoreError::Backend("connection lock poisoned".into()))
}

impl CaseStore for Store {
    fn append(&mut self, tenant: &TenantId, unit: UnitOfWork) -> Result<AppendOutcome, StoreError> {
        if unit.events.is_empty() {
            return Err(StoreError::EmptyUnitOfWork);
        }
        self.write(tenant, |tx| sql::append(tx, tenant, &unit))
    }

    fn load(
        &self,
        tenant: &TenantId,
        aggregate: &AggregateRef,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.read(tenant, |tx| sql::load(tx, tenant, aggregate))
    }

    fn head(&self, tenant: &TenantId, aggregate: &AggregateRef) -> Result<ChainHead, StoreError> {
        self.read(tenant, |tx| sql::head(tx, tenant, aggregate))
    }

    fn command(
        &self,
        tenant: &TenantId,
        command: &CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        self.read(tenant, |tx| sql::command(tx, tenant, command))
    }

    fn aggregates(
        &self,
        tenant: &TenantId,
        kind: AggregateKind,
    ) -> Result<Vec<AggregateRef>, StoreError> {
        self.read(tenant, |tx| sql::aggregates(tx, tenant, kind))
    }

    fn open_case_of(
        &self,
        tenant: &TenantId,
        person: &PersonId,
    ) -> Result<Option<CaseId>, StoreError> {
        self.read(tenant, |tx| sql::open_case_of(tx, tenant, person))
    }

    fn cases_of(&self, tenant: &TenantId, person: &PersonId) -> Result<Vec<CaseId>, StoreError> {
        self.read(tenant, |tx| sql::cases_of(tx, tenant, person))
    }

    fn append_access_log(
        &mut self,
        tenant: &TenantId,
        entry: AccessLogEntry,
    ) -> Result<(), StoreError> {
        self.write(tenant, |tx| sql::append_access_log(tx, tenant, &entry))
    }

    fn access_log(&self, tenant: &TenantId) -> Result<Vec<AccessLogEntry>, StoreError> {
        self.read(tenant, |tx| sql::access_log(tx, tenant))
    }

    fn pending_outbox(
        &self,
        tenant: &TenantId,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        self.read(tenant, |tx| sql::pending_outbox(tx, tenant, limit))
    }

    fn mark_delivered(&mut self, tenant: &TenantId, message: &MessageId) -> Result<(), StoreError> {
        let now = chrono::Utc::now();
        self.write(tenant, |tx| sql::mark_delivered(tx, tenant, message, &now))
    }
}
