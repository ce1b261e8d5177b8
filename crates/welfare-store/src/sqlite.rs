//! The SQLite backend: one file, WAL journal, `synchronous = FULL`, writers serialised by
//! `BEGIN IMMEDIATE` with a busy timeout.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, TransactionBehavior};
use welfare_casefile::store::StoreError;

use crate::codec::backend;
use crate::sql::{Tx, Value};

/// How long a writer waits for another writer's transaction before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The versioned migrations, applied in order; a version is never edited once released.
pub(crate) const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_init.sql")),
    (2, include_str!("../migrations/sqlite/0002_cases_by_person.sql")),
];

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Null => ValueRef::Null,
        }))
    }
}

/// Opens (creating if needed) a database file and brings its schema up to date.
pub(crate) fn open(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = Connection::open(path).map_err(backend)?;
    configure(&mut conn)?;
    Ok(conn)
}

/// Opens a private in-memory database (tests, tools).
pub(crate) fn open_in_memory() -> Result<Connection, StoreError> {
    let mut conn = Connection::open_in_memory().map_err(backend)?;
    configure(&mut conn)?;
    Ok(conn)
}

fn configure(conn: &mut Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    // `journal_mode` answers with the mode in force (`memory` for an in-memory database).
    let _mode: String =
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(backend)?;
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;").map_err(backend)?;
    migrate(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (\
         version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )
    .map_err(backend)?;
    let current: i64 = tx
        .query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))
        .map_err(backend)?;
    for (version, script) in MIGRATIONS {
        if *version > current {
            tx.execute_batch(script).map_err(backend)?;
            let now = crate::sql::instant(&chrono::Utc::now());
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                rusqlite::params![version, now],
            )
            .map_err(backend)?;
        }
    }
    tx.commit().map_err(backend)
}

/// The schema version of an open database.
pub(crate) fn schema_version(conn: &Connection) -> Result<i64, StoreError> {
    conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))
        .map_err(backend)
}

/// A transaction of the SQLite backend.
pub(crate) struct SqliteTx<'a>(pub(crate) &'a rusqlite::Transaction<'a>);

impl std::fmt::Debug for SqliteTx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteTx")
    }
}

impl Tx for SqliteTx<'_> {
    fn rows(&mut self, sql: &'static str, params: &[Value]) -> Result<Vec<Vec<Value>>, StoreError> {
        let mut stmt = self.0.prepare_cached(sql).map_err(backend)?;
        let n = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter())).map_err(backend)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(backend)? {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                values.push(match row.get_ref(i).map_err(backend)? {
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Text(t) => Value::Text(
                        std::str::from_utf8(t)
                            .map_err(|_| StoreError::Backend("stored text is not UTF-8".into()))?
                            .to_owned(),
                    ),
                    ValueRef::Null => Value::Null,
                    ValueRef::Real(_) | ValueRef::Blob(_) => {
                        return Err(StoreError::Backend("unexpected column type".into()))
                    }
                });
            }
            out.push(values);
        }
        Ok(out)
    }

    fn exec(&mut self, sql: &'static str, params: &[Value]) -> Result<(), StoreError> {
        let mut stmt = self.0.prepare_cached(sql).map_err(backend)?;
        stmt.execute(rusqlite::params_from_iter(params.iter())).map_err(backend)?;
        Ok(())
    }

    fn lock(&mut self, _key: &str) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Runs `f` in a write transaction (`BEGIN IMMEDIATE`), committing on success.
pub(crate) fn write<R>(
    conn: &mut Connection,
    f: impl FnOnce(&mut dyn Tx) -> Result<R, StoreError>,
) -> Result<R, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
    let out = f(&mut SqliteTx(&tx))?;
    tx.commit().map_err(backend)?;
    Ok(out)
}

/// Runs `f` in a read transaction (one consistent snapshot).
pub(crate) fn read<R>(
    conn: &Connection,
    f: impl FnOnce(&mut dyn Tx) -> Result<R, StoreError>,
) -> Result<R, StoreError> {
    let tx = conn.unchecked_transaction().map_err(backend)?;
    let out = f(&mut SqliteTx(&tx))?;
    tx.commit().map_err(backend)?;
    Ok(out)
}
