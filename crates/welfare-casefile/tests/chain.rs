//! Hash chain: any single-byte change, deletion or swap fails `verify()`.

use proptest::prelude::*;
use welfare_casefile::calendar::ItalianCalendar;
use welfare_casefile::chain::{
    from_json_lines, to_json_lines, verify, ChainError, ChainHead, Digest, RecordedEvent,
};
use welfare_casefile::engine::execute;
use welfare_casefile::events::AggregateRef;
use welfare_casefile::ids::{IstanzaId, PersonId, TenantId};
use welfare_casefile::istanza::{Channel, Istanza, IstanzaCommand, Procedure, Protocol};
use welfare_casefile::store::{CaseStore, InMemoryStore};

use crate::common::{cmd, ctx, d, org};

/// A six-event istanza log and its head.
fn log() -> (Vec<RecordedEvent>, ChainHead) {
    let mut store = InMemoryStore::new();
    let tenant = TenantId::new("t1").unwrap();
    let id = IstanzaId::new("I-1").unwrap();
    let c = ctx("as1", 2026, 3, 2);
    let commands = [
        IstanzaCommand::Draft {
            applicant: PersonId::new("P-1").unwrap(),
            case: None,
            organisation: org("B563"),
            procedure: Procedure {
                name: "Contributo".into(),
                intervention_type: None,
                term_days: 30,
            },
            calendar: ItalianCalendar::national(),
        },
        IstanzaCommand::Submit {
            protocol: Protocol { number: "2026/77".into(), date: d(2026, 3, 2) },
            received_on: d(2026, 3, 2),
            channel: Channel::Pec,
        },
        IstanzaCommand::StartReview { on: d(2026, 3, 3) },
        IstanzaCommand::RequestIntegration {
            on: d(2026, 3, 12),
            items: vec!["contratto di affitto".into()],
        },
        IstanzaCommand::ReceiveIntegration { on: d(2026, 3, 20) },
        IstanzaCommand::SendPreavviso { on: d(2026, 3, 25), reasons: "ISEE oltre soglia".into() },
    ];
    for (i, c2) in commands.iter().enumerate() {
        execute::<Istanza, _>(&mut store, &tenant, &id, &cmd(&format!("k{i}")), c2, &c, vec![])
            .unwrap();
    }
    let agg = AggregateRef::Istanza(id);
    (store.load(&tenant, &agg).unwrap(), store.head(&tenant, &agg).unwrap())
}

#[test]
fn an_untouched_log_verifies() {
    let (records, head) = log();
    assert_eq!(records.len(), 6);
    let (got, envelopes) = verify(&records, Some(&head)).unwrap();
    assert_eq!(got, head);
    assert_eq!(envelopes.len(), 6);
    // Genesis and linking.
    assert_eq!(records[0].prev_hash, Digest::GENESIS);
    assert_eq!(records[1].prev_hash, records[0].hash);
    // The hash is SHA-256(prev ‖ canonical), recomputable by anyone.
    assert_eq!(records[2].hash, Digest::chained(&records[1].hash, records[2].canonical.as_bytes()));
    // Round trip through the JSON-lines export.
    let text = to_json_lines(&records).unwrap();
    assert_eq!(from_json_lines(&text).unwrap(), records);
}

#[test]
fn sha256_of_known_input() {
    // FIPS 180-2 test vector: SHA-256("abc").
    assert_eq!(
        Digest::of(b"abc").to_hex(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert!(Digest::from_hex(&"A".repeat(64)).is_none(), "upper-case hex is refused");
}

#[test]
fn every_deletion_fails() {
    let (records, head) = log();
    for i in 0..records.len() {
        let mut cut = records.clone();
        cut.remove(i);
        assert!(verify(&cut, Some(&head)).is_err(), "deleting record {}", i + 1);
    }
    // Truncating the tail is caught by the head only.
    let mut short = records.clone();
    short.pop();
    assert!(verify(&short, None).is_ok());
    assert!(matches!(verify(&short, Some(&head)), Err(ChainError::Head { expected: 6, found: 5 })));
}

#[test]
fn every_swap_fails() {
    let (records, head) = log();
    for i in 0..records.len() {
        for j in i + 1..records.len() {
            let mut swapped = records.clone();
            swapped.swap(i, j);
            assert!(verify(&swapped, Some(&head)).is_err(), "swapping {i} and {j}");
            assert!(verify(&swapped, None).is_err(), "swapping {i} and {j} without head");
        }
    }
}

#[test]
fn a_record_moved_to_another_aggregate_fails() {
    let (records, _) = log();
    let mut other = log().0;
    // Same content, rewritten into a different aggregate id: hash breaks.
    other[3].canonical = other[3].canonical.replace("\"I-1\"", "\"I-2\"");
    assert!(verify(&other, None).is_err());
    assert!(verify(&records, None).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Changing any single byte of the exported log (to any other byte) is detected: the log
    /// either no longer parses or no longer verifies.
    #[test]
    fn any_single_byte_change_fails(pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let (records, head) = log();
        let text = to_json_lines(&records).unwrap();
        let mut bytes = text.into_bytes();
        let i = pos.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        let detected = match String::from_utf8(bytes) {
            Err(_) => true,
            Ok(t) => match from_json_lines(&t) {
                Err(_) => true,
                Ok(parsed) => verify(&parsed, Some(&head)).is_err(),
            },
        };
        prop_assert!(detected, "byte {} changed undetected", i);
    }

    /// Changing any single byte of one record's canonical bytes breaks that record's hash.
    #[test]
    fn any_canonical_byte_change_fails(rec in 0usize..6, pos in any::<prop::sample::Index>(), byte in 0x20u8..0x7f) {
        let (mut records, head) = log();
        let mut bytes = records[rec].canonical.clone().into_bytes();
        let i = pos.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        records[rec].canonical = String::from_utf8(bytes).unwrap();
        prop_assert!(verify(&records, Some(&head)).is_err());
    }
}

/// A record whose canonical bytes do not decode says which record: its sequence.
#[test]
fn an_envelope_that_does_not_decode_names_its_record() {
    let (records, _) = log();
    let mut broken = records[2].clone();
    broken.canonical.truncate(10);
    assert_eq!(broken.envelope().unwrap_err(), ChainError::Decode { position: 3 });
    assert!(records[2].envelope().is_ok());
}
