//! Partita IVA: 11 digits, Luhn-variant check digit, VAT office codes (data-standards §3.2).

use welfare_types::partita_iva::numeric_check_digit;
use welfare_types::{NumericCodeClass, PartitaIva, PartitaIvaError};

#[test]
fn appendix_a_vector() {
    // Check digit of 0074311015 is 7.
    assert_eq!(numeric_check_digit(&[0, 0, 7, 4, 3, 1, 1, 0, 1, 5]), 7);
    let piva = PartitaIva::parse("00743110157").unwrap();
    assert_eq!(piva.as_str(), "00743110157");
    assert_eq!(piva.office_code(), 15);
    assert_eq!(piva.class(), NumericCodeClass::VatNumberOrEntity);
    assert_eq!(PartitaIva::parse("IT00743110157").unwrap(), piva);
    assert_eq!(PartitaIva::parse("it 0074 3110 157").unwrap(), piva);
}

#[test]
fn errors() {
    use PartitaIvaError as E;
    assert_eq!(PartitaIva::parse("0074311015"), Err(E::Length { found: 10 }));
    assert_eq!(PartitaIva::parse("00743110158"), Err(E::CheckDigit));
    assert_eq!(PartitaIva::parse("0074311O157"), Err(E::InvalidCharacter { position: 8 }));
    assert_eq!(PartitaIva::parse("00000000000"), Err(E::ZeroProgressive));
    // Office 101 is not a VAT office (valid check digit: 1234567 101 → 0).
    let d = [1, 2, 3, 4, 5, 6, 7, 1, 0, 1];
    let text = format!("1234567101{}", numeric_check_digit(&d));
    assert_eq!(PartitaIva::parse(&text), Err(E::OfficeCode));
    assert!(!E::CheckDigit.to_string().contains("0074"));
    assert_eq!(E::CheckDigit.kind(), "check_digit");
}

#[test]
fn every_single_digit_change_is_detected() {
    let valid = "00743110157";
    for position in 0..11 {
        for digit in '0'..='9' {
            let mut chars: Vec<char> = valid.chars().collect();
            if chars[position] == digit {
                continue;
            }
            chars[position] = digit;
            let changed: String = chars.into_iter().collect();
            assert!(PartitaIva::parse(&changed).is_err(), "{changed}");
        }
    }
}

#[test]
fn serde() {
    let piva: PartitaIva = serde_json::from_str("\"00743110157\"").unwrap();
    assert_eq!(serde_json::to_string(&piva).unwrap(), "\"00743110157\"");
    assert!(serde_json::from_str::<PartitaIva>("\"00743110158\"").is_err());
}
