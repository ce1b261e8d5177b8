//! Attestazione and DSU protocol (INPS payload format, e.g. INPS-ISEE-2020-00000032P-00).

use std::collections::BTreeMap;

use welfare_isee::{
    compute, Attestazione, AttestazioneError, IseeKind, IseeValues, ProtocolError, ProtocolloDsu,
};

use crate::common::{d, example_a};

#[test]
fn protocols_seen_in_inps_payloads_are_valid() {
    for text in [
        "INPS-ISEE-2020-00000032P-00",
        "INPS-ISEE-2016-05005492G-00",
        "INPS-ISEE-2015-01480722D-00",
    ] {
        let p = ProtocolloDsu::parse(text).unwrap();
        assert_eq!(p.as_str(), text);
    }
    let p = ProtocolloDsu::parse("INPS-ISEE-2016-05005492G-01").unwrap();
    assert_eq!(p.year(), 2016);
    assert_eq!(p.suffix(), 1);
}

#[test]
fn malformed_protocols_say_which_part_is_wrong() {
    assert_eq!(ProtocolloDsu::parse("ISEE-2020-00000032P-00"), Err(ProtocolError::Prefix));
    assert_eq!(ProtocolloDsu::parse("INPS-ISEE-20-00000032P-00"), Err(ProtocolError::Year));
    assert_eq!(ProtocolloDsu::parse("INPS-ISEE-2020-0000032P-00"), Err(ProtocolError::Number));
    assert_eq!(ProtocolloDsu::parse("INPS-ISEE-2020-00000032p-00"), Err(ProtocolError::Number));
    assert_eq!(ProtocolloDsu::parse("INPS-ISEE-2020-00000032P-0"), Err(ProtocolError::Suffix));
    assert_eq!(ProtocolloDsu::parse("INPS-ISEE-2020-00000032-00"), Err(ProtocolError::Number));
    assert!(ProtocolloDsu::parse_lenient("INPS-ISEE-2020-00000032-00").is_ok());
}

fn attestazione() -> Attestazione {
    let r = compute(&example_a(d(2026, 3, 2)), IseeKind::Ordinario).unwrap();
    let mut values = BTreeMap::new();
    values.insert(IseeKind::Ordinario, IseeValues::from(&r));
    Attestazione {
        protocol: ProtocolloDsu::parse("INPS-ISEE-2026-00000032P-00").unwrap(),
        filing_date: r.filing_date,
        valid_until: r.valid_until,
        values,
        difformita: false,
    }
}

#[test]
fn values_are_given_only_within_validity() {
    let a = attestazione();
    assert_eq!(
        a.value_on(IseeKind::Ordinario, d(2026, 12, 31)).unwrap().isee.to_string(),
        "11086.96"
    );
    assert_eq!(
        a.value_on(IseeKind::Ordinario, d(2027, 1, 1)),
        Err(AttestazioneError::Expired { valid_until: d(2026, 12, 31) })
    );
    assert_eq!(
        a.value_on(IseeKind::Ordinario, d(2026, 3, 1)),
        Err(AttestazioneError::NotYetValid { filed: d(2026, 3, 2) })
    );
    assert_eq!(
        a.value_on(IseeKind::Minorenni, d(2026, 6, 1)),
        Err(AttestazioneError::KindMissing(IseeKind::Minorenni))
    );
}

#[test]
fn attestazione_round_trips_through_json() {
    let a = attestazione();
    let json = serde_json::to_string(&a).unwrap();
    assert!(json.contains(r#""ordinario":{"isee":"11086.96","ise":"30600.00","isr":"27600.00","isp":"15000.00","scala":"2.76"}"#), "{json}");
    let back: Attestazione = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    let bad = json.replace("INPS-ISEE-2026", "INPS-ISE-2026");
    assert!(serde_json::from_str::<Attestazione>(&bad).is_err());
}
