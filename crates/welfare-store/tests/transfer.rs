//! Export/import as JSON Lines: memory → SQLite → (PostgreSQL when available) round trips
//! keep every event byte for byte, every head, the pending outbox and the access log.

use welfare_casefile::events::{AggregateKind, OutboxTopic};
use welfare_casefile::ids::CaseId;
use welfare_casefile::store::{CaseStore, InMemoryStore};
use welfare_store::transfer::{
    check, export, import, verify_tenant, TransferError, TransferSummary,
};
use welfare_store::Store;

use crate::fixtures::{access, case, filler, message, next_unit, opened, person, unique_tenant};

fn populate(s: &mut impl CaseStore, t: &welfare_casefile::ids::TenantId) {
    for (i, id) in ["C-1", "C-2"].into_iter().enumerate() {
        let c = case(id);
        let mut u = next_unit(s, t, &c, &format!("{id}-a"), vec![opened(id, &format!("P-{i}"))]);
        u.outbox = vec![message(&c, 1, OutboxTopic::CaseOpened)];
        u.access_log = vec![access(t, &c, "as1")];
        s.append(t, u).unwrap();
        let u = next_unit(s, t, &c, &format!("{id}-b"), vec![filler(), filler()]);
        s.append(t, u).unwrap();
    }
    let id = s.pending_outbox(t, 10).unwrap()[0].id.clone();
    s.mark_delivered(t, &id).unwrap();
}

fn snapshot(s: &impl CaseStore, t: &welfare_casefile::ids::TenantId) -> String {
    let mut out = Vec::new();
    export(s, t, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn round_trip(target: &mut impl CaseStore) {
    let t = unique_tenant("t");
    let mut source = InMemoryStore::new();
    populate(&mut source, &t);
    let text = snapshot(&source, &t);
    assert!(text.ends_with(
        "{\"type\":\"end\",\"aggregates\":2,\"events\":6,\"outbox\":1,\"access_log\":2}\n"
    ));
    let expected = TransferSummary { aggregates: 2, events: 6, outbox: 1, access_log: 2 };
    assert_eq!(check(&t, &mut text.as_bytes()).unwrap(), expected);
    let summary = import(target, &t, &mut text.as_bytes()).unwrap();
    assert_eq!(summary, expected);
    // The target exports exactly the same lines.
    assert_eq!(snapshot(target, &t), text);
    assert_eq!(target.load(&t, &case("C-2")).unwrap(), source.load(&t, &case("C-2")).unwrap());
    assert_eq!(target.aggregates(&t, AggregateKind::Case).unwrap().len(), 2);
    // Import replays through `append`, so the cases-by-person index is rebuilt on the target.
    for p in ["P-0", "P-1", "P-9"] {
        assert_eq!(
            target.cases_of(&t, &person(p)).unwrap(),
            source.cases_of(&t, &person(p)).unwrap()
        );
    }
    assert_eq!(target.cases_of(&t, &person("P-1")).unwrap(), [CaseId::new("C-2").unwrap()]);
    assert!(verify_tenant(target, &t).unwrap().iter().all(|(_, v)| v.is_ok()));
    // A second import into the now non-empty tenant is refused.
    assert!(matches!(
        import(target, &t, &mut text.as_bytes()),
        Err(TransferError::TenantNotEmpty { .. })
    ));
}

#[test]
fn memory_to_sqlite_and_back() {
    let mut sqlite = Store::open("sqlite::memory:").unwrap();
    round_trip(&mut sqlite);
    round_trip(&mut InMemoryStore::new());
}

#[test]
fn sqlite_to_postgres() {
    let Some(mut pg) = crate::postgres::fresh() else { return };
    round_trip(&mut pg);
}

#[test]
fn bad_exports_are_refused_with_the_line() {
    let t = unique_tenant("t");
    let mut s = InMemoryStore::new();
    populate(&mut s, &t);
    let text = snapshot(&s, &t);
    // Wrong tenant.
    let other = unique_tenant("u");
    assert!(matches!(
        import(&mut InMemoryStore::new(), &other, &mut text.as_bytes()),
        Err(TransferError::WrongTenant { .. })
    ));
    // A tampered event: the target store refuses the broken chain.
    let mut done = false;
    let tampered: String = text
        .lines()
        .map(|l| {
            if !done && l.contains("\"type\":\"event\"") {
                done = true;
                l.replacen("2026-03-02", "2026-03-01", 1)
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(done);
    assert!(import(&mut InMemoryStore::new(), &t, &mut tampered.as_bytes()).is_err());
    // A line that is not JSON.
    let garbled: String = text.lines().take(3).chain(["{oops"]).collect::<Vec<_>>().join("\n");
    assert!(matches!(
        import(&mut InMemoryStore::new(), &t, &mut garbled.as_bytes()),
        Err(TransferError::Line { line: 4, .. })
    ));
    // Blank lines before the header are allowed; a first line that is not the header is
    // refused at its line.
    let blank_first = format!("\n\n{text}");
    assert_eq!(check(&t, &mut blank_first.as_bytes()).unwrap().events, 6);
    let no_header: String = text.lines().skip(1).collect::<Vec<_>>().join("\n");
    let no_header = format!("\n{no_header}");
    for result in [
        check(&t, &mut no_header.as_bytes()),
        import(&mut InMemoryStore::new(), &t, &mut no_header.as_bytes()),
    ] {
        assert!(matches!(result, Err(TransferError::Header { line: 2 })), "{result:?}");
    }
    // A line that is not UTF-8 (an export re-encoded by an editor): its line and byte.
    let mut latin1 = text.lines().take(2).collect::<Vec<_>>().join("\n").into_bytes();
    latin1.extend_from_slice(b"\n{\"type\":\"access\",\"entry\":\"\xe8\"}\n");
    for result in [
        check(&t, &mut latin1.as_slice()),
        import(&mut InMemoryStore::new(), &t, &mut latin1.as_slice()),
    ] {
        match result {
            Err(e @ TransferError::Line { line: 3, column: 27, .. }) => assert_eq!(
                e.to_string(),
                "line 3: not a valid export line (utf-8 error at column 27)"
            ),
            other => panic!("{other:?}"),
        }
    }
    // Missing head line at the end.
    let no_head: String =
        text.lines().filter(|l| !l.contains("\"head\"")).collect::<Vec<_>>().join("\n");
    assert!(import(&mut InMemoryStore::new(), &t, &mut no_head.as_bytes()).is_err());
    // An export cut short at any line is refused by both, with the last line read; import
    // refuses it only at its end (`check` first keeps the target empty).
    let lines: Vec<&str> = text.lines().collect();
    for keep in 1..lines.len() {
        let cut = lines[..keep].join("\n");
        for result in [
            check(&t, &mut cut.as_bytes()),
            import(&mut InMemoryStore::new(), &t, &mut cut.as_bytes()),
        ] {
            match result {
                Err(TransferError::Incomplete { line }) => assert_eq!(line, keep),
                other => panic!("cut after {keep} lines: {other:?}"),
            }
        }
    }
    // End lines that do not count what precedes them, and lines after the end.
    let end = lines.len();
    let wrong = text.replace("\"events\":6", "\"events\":5");
    assert!(
        matches!(check(&t, &mut wrong.as_bytes()), Err(TransferError::Counts { line }) if line == end)
    );
    let after = format!("{text}{}\n", lines[end - 2]);
    assert!(matches!(
        check(&t, &mut after.as_bytes()),
        Err(TransferError::Order { what: "a line after the end line", .. })
    ));
    // `check` finds a tampered event and an outbox message without its event, with no store.
    assert!(matches!(check(&t, &mut tampered.as_bytes()), Err(TransferError::Chain { .. })));
    let orphan: String = text
        .lines()
        .map(|l| l.replacen("\"sequence\":1,\"created_at\"", "\"sequence\":9,\"created_at\"", 1))
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(orphan, text.trim_end());
    assert!(matches!(
        check(&t, &mut orphan.as_bytes()),
        Err(TransferError::OrphanOutbox { count: 1 })
    ));
    // Export refuses a truncated stream.
    let mut short = s.load(&t, &case("C-1")).unwrap();
    short.pop();
    s.replace_stream_for_test(&t, &case("C-1"), short);
    assert!(matches!(export(&s, &t, &mut Vec::new()), Err(TransferError::Chain { .. })));
    assert!(verify_tenant(&s, &t).unwrap().iter().any(|(_, v)| v.is_err()));
}
