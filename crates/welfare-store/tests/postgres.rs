//! The conformance suite on PostgreSQL, plus row-level security. The database comes from
//! `WELFARE_TEST_POSTGRES_URL` (see `.ci/postgres.sh`); without it the tests print a note
//! and pass, unless `CI` is set, where they fail.

use welfare_casefile::ids::CaseId;
use welfare_casefile::store::CaseStore;
use welfare_store::Store;

use crate::fixtures::{case, closed, filler, next_unit, opened, person, unique_tenant};

pub(crate) fn url() -> Option<String> {
    match std::env::var("WELFARE_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but WELFARE_TEST_POSTGRES_URL is not: run under .ci/postgres.sh"
            );
            let mut err = std::io::stderr().lock();
            let _ = std::io::Write::write_all(
                &mut err,
                b"note: WELFARE_TEST_POSTGRES_URL unset, PostgreSQL test skipped\n",
            );
            None
        }
    }
}

pub(crate) fn fresh() -> Option<Store> {
    url().map(|u| Store::open(&u).unwrap())
}

mod suite_postgres {
    crate::conformance::suite!(super::fresh());
}

#[test]
fn row_level_security_hides_other_tenants_from_unfiltered_queries() {
    let Some(url) = url() else { return };
    let mut s = Store::open(&url).unwrap();
    let (a, b) = (unique_tenant("a"), unique_tenant("b"));
    let u = next_unit(&s, &a, &case("C-1"), "k1", vec![opened("C-1", "P-1"), filler()]);
    s.append(&a, u).unwrap();
    let u = next_unit(&s, &b, &case("C-1"), "k1", vec![opened("C-1", "P-1")]);
    s.append(&b, u).unwrap();
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    // No tenant set: a query without any filter sees nothing at all.
    for table in ["events", "heads", "commands", "case_persons", "outbox", "access_log"] {
        let n: i64 = raw.query_one(&format!("SELECT COUNT(*) FROM {table}"), &[]).unwrap().get(0);
        assert_eq!(n, 0, "{table} visible without a tenant");
    }
    // Tenant B set: the unfiltered query sees only B's rows.
    let mut tx = raw.transaction().unwrap();
    tx.execute("SELECT set_config('app.tenant', $1, true)", &[&b.as_str()]).unwrap();
    let tenants: Vec<String> = tx
        .query("SELECT DISTINCT tenant FROM events", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(tenants, vec![b.to_string()]);
    // And cannot write A's rows.
    let denied = tx.execute(
        "INSERT INTO heads (tenant, kind, aggregate_id, sequence, hash) VALUES ($1, 'case', 'X', 1, 'h')",
        &[&a.as_str()],
    );
    assert!(denied.is_err());
    drop(tx);
    let counts = s.counts(&a).unwrap();
    assert_eq!((counts.aggregates, counts.events), (1, 2));
}

/// A database at schema version 1 (before `cases_of`) gets version 2 on open, and the index
/// is built from the `case_persons` rows kept since version 1.
#[test]
fn version_1_database_gets_the_cases_by_person_index() {
    let Some(url) = url() else { return };
    let t = unique_tenant("t");
    {
        let mut s = Store::open(&url).unwrap();
        let u = next_unit(&s, &t, &case("C-1"), "k1", vec![opened("C-1", "P-1"), closed()]);
        s.append(&t, u).unwrap();
        let u = next_unit(&s, &t, &case("C-2"), "k2", vec![opened("C-2", "P-1")]);
        s.append(&t, u).unwrap();
    }
    // Take the shared database back to version 1, holding the stores' migration lock so no
    // other test's open migrates halfway through.
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut tx = raw.transaction().unwrap();
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&0x0077_656c_6661_7265_i64]).unwrap();
    tx.batch_execute(
        "DROP INDEX case_persons_by_person; DELETE FROM schema_migrations WHERE version = 2",
    )
    .unwrap();
    tx.commit().unwrap();
    let s = Store::open(&url).unwrap();
    assert_eq!(s.schema_version().unwrap(), 2);
    let n: i64 = raw
        .query_one(
            "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'case_persons_by_person'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    let ids = [CaseId::new("C-1").unwrap(), CaseId::new("C-2").unwrap()];
    assert_eq!(s.cases_of(&t, &person("P-1")).unwrap(), ids);
}

#[test]
fn concurrent_writers_on_one_case_lose_no_update() {
    let Some(url) = url() else { return };
    crate::sqlite::concurrent_writers(move || Store::open(&url).unwrap());
}
