//! The conformance suite on PostgreSQL, plus row-level security. The database comes from
//! `WELFARE_TEST_POSTGRES_URL` (see `.ci/postgres.sh`); without it the tests print a note
//! and pass, unless `CI` is set, where they fail.

use welfare_casefile::store::CaseStore;
use welfare_store::Store;

use crate::fixtures::{case, filler, next_unit, opened, unique_tenant};

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

#[test]
fn concurrent_writers_on_one_case_lose_no_update() {
    let Some(url) = url() else { return };
    crate::sqlite::concurrent_writers(move || Store::open(&url).unwrap());
}
