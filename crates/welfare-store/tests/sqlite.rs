//! The conformance suite on SQLite files, plus what only a real database shows: reopening,
//! migrations, append-only triggers and concurrent writers on separate connections.

use std::sync::{Arc, Barrier};

use welfare_casefile::chain::verify;
use welfare_casefile::ids::CaseId;
use welfare_casefile::store::{AppendOutcome, CaseStore, StoreError};
use welfare_store::{BackendKind, Store};

use crate::fixtures::{case, closed, filler, next_unit, opened, person, unique_tenant};

fn fresh() -> Store {
    let dir = tempfile::tempdir().unwrap();
    // Keep the directory for the life of the test process: the store outlives this call.
    let path = dir.keep().join("store.sqlite");
    Store::open(path.to_str().unwrap()).unwrap()
}

mod suite_file {
    crate::conformance::suite!(Some(super::fresh()));
}

mod suite_memory {
    crate::conformance::suite!(Some(welfare_store::Store::open("sqlite::memory:").unwrap()));
}

#[test]
fn reopening_keeps_data_and_migrations_are_applied_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("s.sqlite").display());
    let t = unique_tenant("t");
    {
        let mut s = Store::open(&url).unwrap();
        assert_eq!(s.kind(), BackendKind::Sqlite);
        assert_eq!(s.schema_version().unwrap(), 2);
        let u = next_unit(&s, &t, &case("C-1"), "k1", vec![opened("C-1", "P-1")]);
        s.append(&t, u).unwrap();
    }
    let s = Store::open(&url).unwrap();
    assert_eq!(s.schema_version().unwrap(), 2);
    assert_eq!(s.load(&t, &case("C-1")).unwrap().len(), 1);
    let counts = s.counts(&t).unwrap();
    assert_eq!((counts.aggregates, counts.events), (1, 1));
    assert_eq!(s.counts(&unique_tenant("other")).unwrap(), welfare_store::TenantCounts::default());
}

/// A database at schema version 1 (before `cases_of`): opening it applies version 2, whose
/// index is built from the `case_persons` rows every version-1 append kept, so the cases of
/// a person recorded before the upgrade are found.
#[test]
fn version_1_database_gets_the_cases_by_person_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    let t = unique_tenant("t");
    {
        let mut s = Store::open_sqlite(&path).unwrap();
        for (c, k) in [("C-1", "k1"), ("C-2", "k3")] {
            let u = next_unit(&s, &t, &case(c), k, vec![opened(c, "P-1")]);
            s.append(&t, u).unwrap();
            let u = next_unit(&s, &t, &case(c), &format!("{k}-close"), vec![closed()]);
            s.append(&t, u).unwrap();
        }
    }
    // Take the database back to version 1, as a release before this one left it.
    let index_exists = |raw: &rusqlite::Connection| -> bool {
        raw.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' \
             AND name = 'case_persons_by_person'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    };
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        assert!(index_exists(&raw));
        raw.execute_batch(
            "BEGIN; DROP INDEX case_persons_by_person; \
             DELETE FROM schema_migrations WHERE version = 2; COMMIT;",
        )
        .unwrap();
        assert!(!index_exists(&raw));
    }
    let mut s = Store::open_sqlite(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), 2);
    assert!(index_exists(&rusqlite::Connection::open(&path).unwrap()));
    let ids = |v: &[&str]| v.iter().map(|c| CaseId::new(*c).unwrap()).collect::<Vec<_>>();
    assert_eq!(s.cases_of(&t, &person("P-1")).unwrap(), ids(&["C-1", "C-2"]));
    // And the index keeps up with appends after the upgrade.
    let u = next_unit(&s, &t, &case("C-3"), "k5", vec![opened("C-3", "P-1")]);
    s.append(&t, u).unwrap();
    assert_eq!(s.cases_of(&t, &person("P-1")).unwrap(), ids(&["C-1", "C-2", "C-3"]));
}

#[test]
fn events_and_access_log_are_append_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    let t = unique_tenant("t");
    let mut s = Store::open_sqlite(&path).unwrap();
    let u = next_unit(&s, &t, &case("C-1"), "k1", vec![opened("C-1", "P-1")]);
    s.append(&t, u).unwrap();
    s.append_access_log(&t, crate::fixtures::access(&t, &case("C-1"), "as1")).unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    let journal: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(journal, "wal");
    assert!(raw.execute("DELETE FROM events", []).is_err());
    assert!(raw.execute("UPDATE events SET canonical = 'x'", []).is_err());
    assert!(raw.execute("DELETE FROM access_log", []).is_err());
}

#[test]
fn concurrent_writers_on_one_case_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    concurrent_writers(move || Store::open_sqlite(&path).unwrap());
}

/// Several threads, each with its own connection, append to one case, reloading and retrying
/// on conflict: every acknowledged append is present once, in one unbroken chain.
pub(crate) fn concurrent_writers(open: impl Fn() -> Store + Send + Sync + 'static) {
    let open = Arc::new(open);
    let t = unique_tenant("t");
    let c1 = case("C-1");
    {
        let mut s = open();
        let u = next_unit(&s, &t, &c1, "open", vec![opened("C-1", "P-1")]);
        s.append(&t, u).unwrap();
    }
    const WRITERS: usize = 4;
    const EACH: usize = 15;
    let barrier = Arc::new(Barrier::new(WRITERS));
    let handles: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (open, t, c1, barrier) = (open.clone(), t.clone(), c1.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut s = open();
                barrier.wait();
                let (mut done, mut conflicts) = (0, 0);
                while done < EACH {
                    let u = next_unit(&s, &t, &c1, &format!("w{w}-{done}"), vec![filler()]);
                    match s.append(&t, u) {
                        Ok(AppendOutcome::Appended(_)) => done += 1,
                        Err(StoreError::VersionConflict { .. }) => conflicts += 1,
                        other => panic!("unexpected {other:?}"),
                    }
                }
                conflicts
            })
        })
        .collect();
    let _conflicts: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    let s = open();
    let records = s.load(&t, &c1).unwrap();
    assert_eq!(records.len(), 1 + WRITERS * EACH);
    let head = s.head(&t, &c1).unwrap();
    verify(&records, Some(&head)).unwrap();
    for w in 0..WRITERS {
        for i in 0..EACH {
            let id = welfare_casefile::ids::CommandId::new(format!("w{w}-{i}")).unwrap();
            assert!(s.command(&t, &id).unwrap().is_some());
        }
    }
}
