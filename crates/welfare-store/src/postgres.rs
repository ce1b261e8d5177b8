//! The PostgreSQL backend: every transaction first sets `app.tenant` (transaction-local), and
//! row-level security policies on every table return and accept only that tenant's rows.
//! Writers on one aggregate, one command id or one person are serialised by transaction-scoped
//! advisory locks, so the loser of a race sees the winner's head and gets a version conflict.

use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Transaction};
use welfare_casefile::ids::TenantId;
use welfare_casefile::store::StoreError;

use crate::codec::backend;
use crate::sql::{Tx, Value};

/// The versioned migrations, applied in order; a version is never edited once released.
pub(crate) const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_init.sql")),
    (2, include_str!("../migrations/postgres/0002_cases_by_person.sql")),
];

/// Serialises concurrent migrations (an arbitrary constant: "welfare" in ASCII).
const MIGRATION_LOCK: i64 = 0x0077_656c_6661_7265;

/// Connects and brings the schema up to date.
pub(crate) fn open(url: &str) -> Result<Client, StoreError> {
    let mut client = Client::connect(url, NoTls).map_err(backend)?;
    migrate(&mut client)?;
    Ok(client)
}

fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(backend)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(backend)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (\
         version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
    )
    .map_err(backend)?;
    let current: i64 = tx
        .query_one("SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations", &[])
        .map_err(backend)?
        .try_get(0)
        .map_err(backend)?;
    for (version, script) in MIGRATIONS {
        if *version > current {
            tx.batch_execute(script).map_err(backend)?;
            let now = crate::sql::instant(&chrono::Utc::now());
            let now = match now {
                Value::Text(s) => s,
                _ => String::new(),
            };
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[version, &now],
            )
            .map_err(backend)?;
        }
    }
    tx.commit().map_err(backend)
}

/// The schema version of an open database.
pub(crate) fn schema_version(client: &mut Client) -> Result<i64, StoreError> {
    client
        .query_one("SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations", &[])
        .map_err(backend)?
        .try_get(0)
        .map_err(backend)
}

/// A transaction of the PostgreSQL backend, scoped to one tenant.
pub(crate) struct PgTx<'a, 'b>(pub(crate) &'a mut Transaction<'b>);

impl std::fmt::Debug for PgTx<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgTx")
    }
}

fn params(values: &[Value]) -> Vec<Box<dyn ToSql + Sync>> {
    values
        .iter()
        .map(|v| -> Box<dyn ToSql + Sync> {
            match v {
                Value::Int(i) => Box::new(*i),
                Value::Text(s) => Box::new(s.clone()),
                Value::Null => Box::new(Option::<String>::None),
            }
        })
        .collect()
}

impl Tx for PgTx<'_, '_> {
    fn rows(&mut self, sql: &'static str, values: &[Value]) -> Result<Vec<Vec<Value>>, StoreError> {
        let boxed = params(values);
        let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref()).collect();
        let stmt = self.0.prepare(sql).map_err(backend)?;
        let rows = self.0.query(&stmt, &refs).map_err(backend)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut values = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let ty = column.type_();
                values.push(if *ty == Type::INT8 {
                    row.try_get::<_, Option<i64>>(i)
                        .map_err(backend)?
                        .map_or(Value::Null, Value::Int)
                } else if *ty == Type::INT4 {
                    row.try_get::<_, Option<i32>>(i)
                        .map_err(backend)?
                        .map_or(Value::Null, |v| Value::Int(i64::from(v)))
                } else if *ty == Type::TEXT || *ty == Type::VARCHAR {
                    row.try_get::<_, Option<String>>(i)
                        .map_err(backend)?
                        .map_or(Value::Null, Value::Text)
                } else {
                    return Err(StoreError::Backend(format!("unexpected column type {ty}")));
                });
            }
            out.push(values);
        }
        Ok(out)
    }

    fn exec(&mut self, sql: &'static str, values: &[Value]) -> Result<(), StoreError> {
        let boxed = params(values);
        let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref()).collect();
        let stmt = self.0.prepare(sql).map_err(backend)?;
        self.0.execute(&stmt, &refs).map_err(backend)?;
        Ok(())
    }

    fn lock(&mut self, key: &str) -> Result<(), StoreError> {
        self.0
            .execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&key])
            .map_err(backend)?;
        Ok(())
    }
}

/// Runs `f` in a transaction bound to `tenant` (`set_config('app.tenant', …, true)`),
/// committing on success and rolling back on error.
pub(crate) fn run<R>(
    client: &mut Client,
    tenant: &TenantId,
    read_only: bool,
    f: impl FnOnce(&mut dyn Tx) -> Result<R, StoreError>,
) -> Result<R, StoreError> {
    let mut tx = client.build_transaction().read_only(read_only).start().map_err(backend)?;
    tx.execute("SELECT set_config('app.tenant', $1, true)", &[&tenant.as_str()])
        .map_err(backend)?;
    let out = f(&mut PgTx(&mut tx))?;
    tx.commit().map_err(backend)?;
    Ok(out)
}
