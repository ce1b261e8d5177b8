//! IBAN: ISO 13616 mod 97, registered lengths, Italian CIN (data-standards §4.5, Appendix A).

use welfare_types::iban::{italian_cin, registered_length};
use welfare_types::{Iban, IbanError};

#[test]
fn appendix_a_italian_iban() {
    let iban = Iban::parse("IT60X0542811101000000123456").unwrap();
    assert_eq!(iban.check_digits(), "60");
    assert_eq!(iban.italian_cin(), Some("X"));
    assert_eq!(iban.italian_abi(), Some("05428"));
    assert_eq!(iban.italian_cab(), Some("11101"));
    assert_eq!(iban.bban(), "X0542811101000000123456");
    assert_eq!(italian_cin("0542811101000000123456"), Some('X'));
    assert_eq!(iban.to_string(), "IT60 X054 2811 1010 0000 0123 456");
    assert_eq!(Iban::parse("it60 x054 2811 1010 0000 0123 456").unwrap(), iban);
}

#[test]
fn other_countries() {
    // Examples of the SWIFT IBAN registry.
    for text in [
        "DE89370400440532013000",
        "GB29NWBK60161331926819",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
        "BE68539007547034",
        "ES9121000418450200051332",
        "CH9300762011623852957",
        "NO9386011117947",
        "SM86U0322509800000000270100",
    ] {
        let iban = Iban::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(iban.as_str().len(), registered_length(iban.country()).unwrap());
    }
    assert_eq!(registered_length("IT"), Some(27));
    assert_eq!(registered_length("ZZ"), None);
}

#[test]
fn errors() {
    use IbanError as E;
    assert_eq!(Iban::parse("IT60X054281110100000012345"), Err(E::Length { found: 26 }));
    assert_eq!(Iban::parse("IT60X0542811101000000123457"), Err(E::Checksum));
    assert_eq!(
        Iban::parse("I760X0542811101000000123456"),
        Err(E::InvalidCharacter { position: 2 })
    );
    assert_eq!(
        Iban::parse("ITX0X0542811101000000123456"),
        Err(E::InvalidCharacter { position: 3 })
    );
    assert_eq!(Iban::parse("DE89"), Err(E::Length { found: 4 }));
    assert_eq!(Iban::parse(&format!("DE00{}", "1".repeat(36))), Err(E::Length { found: 40 }));
    // Same IBAN with CIN Y and check digits recomputed: mod 97 holds, the CIN does not.
    let with_wrong_cin = recompute("ITxxY0542811101000000123456");
    assert_eq!(Iban::parse(&with_wrong_cin), Err(E::ItalianCin));
    assert!(!E::Checksum.to_string().contains("IT60"));
}

/// Sets the check digits of an IBAN so that mod 97 holds.
fn recompute(template: &str) -> String {
    let rearranged = format!("{}{}00", &template[4..], &template[..2]);
    let mut r = 0u32;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap();
        r = if v < 10 { (r * 10 + v) % 97 } else { (r * 100 + v) % 97 };
    }
    format!("{}{:02}{}", &template[..2], 98 - r, &template[4..])
}

#[test]
fn serde() {
    let iban: Iban = serde_json::from_str("\"IT60 X054 2811 1010 0000 0123 456\"").unwrap();
    assert_eq!(serde_json::to_string(&iban).unwrap(), "\"IT60X0542811101000000123456\"");
}
