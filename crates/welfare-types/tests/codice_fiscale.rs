//! Codice fiscale: DM 23/12/1976 rules, the test vectors of the reference (checked against
//! python-stdnum's doctests), omocodia as applied by Agenzia delle Entrate, numeric codes.

use chrono::NaiveDate;
use proptest::prelude::*;
use welfare_types::codice_fiscale::{CodiceFiscale, CodiceFiscaleError, Kind, Sex};
use welfare_types::partita_iva::numeric_check_digit;
use welfare_types::territory::{Comune, Place, StatoEstero};
use welfare_types::NumericCodeClass;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn cf(s: &str) -> CodiceFiscale {
    s.parse().unwrap()
}

const TODAY: (i32, u32, u32) = (2026, 11, 23);

fn today() -> NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

/// Completes 15 characters with the check character that makes them parse.
fn with_check(first15: &str) -> String {
    for c in 'A'..='Z' {
        let code = format!("{first15}{c}");
        if CodiceFiscale::parse(&code).is_ok() {
            return code;
        }
    }
    panic!("no check character fits");
}

#[test]
fn appendix_a_check_characters() {
    // data-standards Appendix A; RCCMNL83S18D969H is python-stdnum's doctest.
    assert_eq!(cf("RCCMNL83S18D969H").as_str(), "RCCMNL83S18D969H");
    assert_eq!(cf("RSSMRA85T10A562S").as_str(), "RSSMRA85T10A562S");
    assert_eq!(cf("CNTCHR83T41D969D").as_str(), "CNTCHR83T41D969D");
    for wrong in ['A', 'G', 'Z'] {
        let code = format!("RCCMNL83S18D969{wrong}");
        assert_eq!(CodiceFiscale::parse(&code), Err(CodiceFiscaleError::CheckCharacter));
    }
}

#[test]
fn appendix_a_omocodia_levels() {
    let base = cf("RSSMRA85T10A562S");
    assert_eq!(base.with_omocodia_level(1).unwrap().as_str(), "RSSMRA85T10A56NH");
    assert_eq!(base.with_omocodia_level(2).unwrap().as_str(), "RSSMRA85T10A5SNT");
    assert_eq!(base.with_omocodia_level(7).unwrap().as_str(), "RSSMRAURTMLARSNL");
    assert_eq!(base.with_omocodia_level(0), Some(base));
    assert_eq!(base.with_omocodia_level(8), None);
    let variants = base.omocodia_variants();
    for (level, variant) in (1u8..=7).zip(variants) {
        assert_eq!(variant.omocodia_level(), level);
        assert_eq!(cf(variant.as_str()), variant, "variant {level} parses");
        assert_eq!(variant.canonical(), base);
        assert!(variant.same_person_as(&base));
        assert_ne!(variant, base);
        assert_eq!(variant.decode(today()).unwrap(), base.decode(today()).unwrap());
    }
    assert_eq!(variants[0].as_str(), "RSSMRA85T10A56NH");
    assert_eq!(variants[6].as_str(), "RSSMRAURTMLARSNL");
}

#[test]
fn appendix_a_surname_and_name_codes() {
    let born = d(1985, 12, 10);
    let code = |surname: &str, name: &str| {
        CodiceFiscale::encode(surname, name, Sex::Male, born, "H501").unwrap().as_str()[..6]
            .to_owned()
    };
    for (surname, expected) in [
        ("ROSSI", "RSS"),
        ("RIVA", "RVI"),
        ("RE", "REX"),
        ("GIORDANO", "GRD"),
        ("D'ANGELO", "DNG"),
        ("DE LUCA", "DLC"),
    ] {
        assert_eq!(&code(surname, "MARIO")[..3], expected, "{surname}");
    }
    for (name, expected) in [
        ("VINCENZO", "VCN"),
        ("MARTA", "MRT"),
        ("SARA", "SRA"),
        ("AL", "LAX"),
        ("ALESSANDRO", "LSN"),
        ("GIANFRANCO", "GFR"),
        ("MARIO", "MRA"),
    ] {
        assert_eq!(&code("ROSSI", name)[3..], expected, "{name}");
    }
    // Accents fold to their letter; apostrophes and spaces are dropped.
    assert_eq!(code("Niccolò", "Nicolò"), code("NICCOLO", "NICOLO"));
    assert_eq!(code("d'Angelo", "Maria Luisa"), code("DANGELO", "MARIALUISA"));
}

#[test]
fn encode_matches_the_reference_vectors() {
    assert_eq!(
        CodiceFiscale::encode("Rossi", "Mario", Sex::Male, d(1985, 12, 10), "A562").unwrap(),
        cf("RSSMRA85T10A562S")
    );
    // Female: day + 40 (CNTCHR83T41D969D, Genova).
    let chiara = cf("CNTCHR83T41D969D");
    let decoded = chiara.decode(today()).unwrap();
    assert_eq!(decoded.sex, Sex::Female);
    assert_eq!(decoded.birth_date, d(1983, 12, 1));
    assert_eq!(decoded.birth_place.name(), "GENOVA");
    assert_eq!(
        CodiceFiscale::encode("Conte", "Chiara", Sex::Female, d(1983, 12, 1), "D969").unwrap(),
        chiara
    );
    assert_eq!(
        CodiceFiscale::encode("Rossi", "Mario", Sex::Male, d(1985, 12, 10), "A000"),
        Err(CodiceFiscaleError::UnknownPlace)
    );
    assert_eq!(
        CodiceFiscale::encode("'", "Mario", Sex::Male, d(1985, 12, 10), "A562"),
        Err(CodiceFiscaleError::InvalidSurname)
    );
}

#[test]
fn normalisation_of_case_and_spaces() {
    let expected = cf("RSSMRA85T10A562S");
    for input in
        ["rssmra85t10a562s", " RSSMRA 85T10 A562S ", "RSS MRA 85 T 10 A562 S", "\tRSSMRA85T10A562S"]
    {
        assert_eq!(cf(input), expected, "{input:?}");
    }
}

#[test]
fn errors_say_what_and_where_never_the_code() {
    use CodiceFiscaleError as E;
    assert_eq!(CodiceFiscale::parse(""), Err(E::Length { found: 0 }));
    assert_eq!(CodiceFiscale::parse("RSSMRA85T10A562"), Err(E::Length { found: 15 }));
    assert_eq!(CodiceFiscale::parse("RSSMRA85T10A562SS"), Err(E::Length { found: 17 }));
    assert_eq!(CodiceFiscale::parse("R5SMRA85T10A562S"), Err(E::InvalidCharacter { position: 2 }));
    assert_eq!(CodiceFiscale::parse("RSSMRA8AT10A562S"), Err(E::InvalidCharacter { position: 8 }));
    assert_eq!(CodiceFiscale::parse("RSSMRA85T10A562-"), Err(E::InvalidCharacter { position: 16 }));
    assert_eq!(CodiceFiscale::parse("RSSMRÀ85T10A562"), Err(E::InvalidCharacter { position: 6 }));
    // F is not a month letter; the month is checked before the check character.
    assert_eq!(CodiceFiscale::parse("RSSMRA85F10A562S"), Err(E::InvalidMonth));
    for day in ["00", "32", "40", "72", "99"] {
        let code = format!("RSSMRA85A{day}A562S");
        assert_eq!(CodiceFiscale::parse(&code), Err(E::InvalidDay), "{day}");
    }
    // 31 April and 30 February do not exist; 29 February may.
    assert_eq!(CodiceFiscale::parse("RSSMRA85D31A562S"), Err(E::InvalidDay));
    assert_eq!(CodiceFiscale::parse("RSSMRA85B30A562S"), Err(E::InvalidDay));
    assert!(CodiceFiscale::parse(&with_check("RSSMRA84B29A562")).is_ok());
    assert_eq!(CodiceFiscale::parse("RSSMRA85T10A562T"), Err(E::CheckCharacter));
    // Messages name the problem and position only.
    let message = CodiceFiscaleError::InvalidCharacter { position: 2 }.to_string();
    assert_eq!(message, "invalid character at position 2 of the codice fiscale");
    for error in [
        E::Length { found: 15 },
        E::InvalidMonth,
        E::InvalidDay,
        E::CheckCharacter,
        E::UnknownPlace,
    ] {
        let text = error.to_string();
        assert!(!text.contains("RSS") && !text.contains("A562"), "{text}");
    }
    assert_eq!(E::CheckCharacter.kind(), "check_character");
    assert_eq!(E::Length { found: 3 }.kind(), "length");
}

#[test]
fn every_single_character_change_is_detected() {
    let alphabet: Vec<char> = ('0'..='9').chain('A'..='Z').collect();
    for valid in ["RSSMRA85T10A562S", "RSSMRA85T10A56NH", "RSSMRAURTMLARSNL", "CNTCHR83T41D969D"] {
        for position in 0..16 {
            for &c in &alphabet {
                let mut chars: Vec<char> = valid.chars().collect();
                if chars[position] == c {
                    continue;
                }
                chars[position] = c;
                let changed: String = chars.into_iter().collect();
                assert!(CodiceFiscale::parse(&changed).is_err(), "{changed} accepted");
            }
        }
    }
}

#[test]
fn century_is_resolved_against_the_reference_date() {
    let code = cf(&with_check("RSSMRA25A01H501"));
    assert_eq!(code.birth_date(d(2026, 11, 23)).unwrap(), d(2025, 1, 1));
    assert_eq!(code.birth_date(d(2024, 12, 31)).unwrap(), d(1925, 1, 1));
    // The birth date is never after the reference date, even in the same year.
    let december = cf(&with_check("RSSMRA26T10H501"));
    assert_eq!(december.birth_date(d(2026, 11, 23)).unwrap(), d(1926, 12, 10));
    assert_eq!(december.birth_date(d(2026, 12, 10)).unwrap(), d(2026, 12, 10));
    // 29 February of a year that is not a leap year.
    let leap = cf(&with_check("RSSMRA00B29H501"));
    assert_eq!(leap.birth_date(d(2026, 1, 1)).unwrap(), d(2000, 2, 29));
    assert_eq!(leap.birth_date(d(1999, 1, 1)), Err(CodiceFiscaleError::InvalidDay));
}

#[test]
fn birth_place_is_the_one_valid_on_the_birth_date() {
    // Ronago (CO), H521, merged into Uggiate con Ronago on 2024-01-01: the historic name.
    let born = d(1980, 5, 1);
    let code = CodiceFiscale::encode("Bianchi", "Anna", Sex::Female, born, "H521").unwrap();
    let decoded = code.decode(today()).unwrap();
    assert_eq!(decoded.birth_place.name(), "RONAGO");
    assert_eq!(decoded.birth_date, born);
    // Popoli renamed Popoli Terme (2023-07-13), same code.
    let before =
        CodiceFiscale::encode("Bianchi", "Anna", Sex::Female, d(2000, 1, 1), "G878").unwrap();
    let after =
        CodiceFiscale::encode("Bianchi", "Anna", Sex::Female, d(2024, 1, 1), "G878").unwrap();
    assert_eq!(before.decode(today()).unwrap().birth_place.name(), "POPOLI");
    assert_eq!(after.decode(today()).unwrap().birth_place.name(), "POPOLI TERME");
    // Albaredo Arnaboldi (A134) ceased on 2023-11-17: a 2025 birth there is impossible.
    let late = cf(&with_check("BNCNNA25A41A134"));
    assert_eq!(late.decode(today()), Err(CodiceFiscaleError::PlaceNotValidOnDate));
    // No comune has code A000.
    assert_eq!(
        cf(&with_check("BNCNNA80A41A000")).decode(today()),
        Err(CodiceFiscaleError::UnknownPlace)
    );
    // Born abroad: Albania, Z100.
    let abroad = CodiceFiscale::encode("Hoxha", "Arben", Sex::Male, d(1990, 3, 4), "Z100").unwrap();
    assert!(
        matches!(abroad.decode(today()).unwrap().birth_place, Place::StatoEstero(s) if s.iso_alpha2() == Some("AL"))
    );
    // Omocodia letters in the place code are mapped back: A56N = A562.
    assert_eq!(&cf("RSSMRA85T10A56NH").birth_place_code().unwrap(), b"A562");
}

fn numeric(progressive: &str, office: &str) -> String {
    let digits: Vec<u8> = format!("{progressive}{office}").bytes().map(|b| b - b'0').collect();
    let check = numeric_check_digit(&digits.try_into().unwrap());
    format!("{progressive}{office}{check}")
}

#[test]
fn numeric_codes_and_office_classes() {
    // P.IVA 00743110157 (data-standards Appendix A) is also a numeric codice fiscale.
    let code = cf("00743110157");
    assert_eq!(code.kind(), Kind::Numerico);
    assert_eq!(code.numeric_class(), Some(NumericCodeClass::VatNumberOrEntity));
    assert_eq!(code.omocodia_level(), 0);
    assert_eq!(code.canonical(), code);
    assert_eq!(code.sex(), Err(CodiceFiscaleError::NotPersonal));
    assert_eq!(code.decode(today()), Err(CodiceFiscaleError::NotPersonal));
    assert_eq!(CodiceFiscale::parse("00743110158"), Err(CodiceFiscaleError::CheckCharacter));
    assert_eq!(
        CodiceFiscale::parse("0074311015A"),
        Err(CodiceFiscaleError::InvalidCharacter { position: 11 })
    );
    for (progressive, office, class) in [
        ("8000001", "015", Some(NumericCodeClass::EntityWithoutVat)),
        ("8000001", "099", Some(NumericCodeClass::VatNumberOrEntity)),
        ("1234567", "120", Some(NumericCodeClass::VatNumberOrEntity)),
        ("1234567", "888", Some(NumericCodeClass::VatNumberOrEntity)),
        ("1234567", "151", Some(NumericCodeClass::ProvisionalIntendenzaDiFinanza)),
        ("1234567", "245", Some(NumericCodeClass::ProvisionalIntendenzaDiFinanza)),
        ("1234567", "301", Some(NumericCodeClass::ProvisionalImposteDirette)),
        ("1234567", "950", Some(NumericCodeClass::ProvisionalImposteDirette)),
        ("1234567", "000", Some(NumericCodeClass::ProvisionalByOffice)),
        ("1234567", "101", None),
        ("1234567", "250", None),
        ("1234567", "800", None),
        ("0000000", "015", None),
    ] {
        let text = numeric(progressive, office);
        match class {
            Some(class) => assert_eq!(cf(&text).numeric_class(), Some(class), "{text}"),
            None => assert_eq!(
                CodiceFiscale::parse(&text),
                Err(CodiceFiscaleError::OfficeCode),
                "{text}"
            ),
        }
    }
}

#[test]
fn serde_as_a_validated_string() {
    let code = cf("RSSMRA85T10A56NH");
    assert_eq!(serde_json::to_string(&code).unwrap(), "\"RSSMRA85T10A56NH\"");
    let back: CodiceFiscale = serde_json::from_str("\"rssmra85t10a56nh\"").unwrap();
    assert_eq!(back, code);
    let error =
        serde_json::from_str::<CodiceFiscale>("\"RSSMRA85T10A562T\"").unwrap_err().to_string();
    assert!(error.contains("wrong check character"), "{error}");
    assert!(!error.contains("RSSMRA"), "{error}");
    assert_eq!(code.to_string(), "RSSMRA85T10A56NH");
    // Debug is for logs: it never shows the code (personal data).
    assert_eq!(format!("{code:?}"), "CodiceFiscale(<redacted, 16 characters>)");
}

/// A birth place valid on some day of the last 100 years, and such a day.
fn place_and_date() -> impl Strategy<Value = (String, NaiveDate)> {
    let window_start = d(TODAY.0 - 100, TODAY.1, TODAY.2).succ_opt().unwrap();
    let mut periods: Vec<(String, NaiveDate, NaiveDate)> = Vec::new();
    for c in Comune::all().unwrap() {
        let from = c.valid().from().max(window_start);
        let to = c.valid().to().unwrap_or(today()).min(today());
        if from <= to {
            periods.push((c.belfiore().to_owned(), from, to));
        }
    }
    for s in StatoEstero::all().unwrap() {
        if let Some(z) = s.z_code() {
            let from = s.valid().from().max(window_start);
            let to = s.valid().to().unwrap_or(today()).min(today());
            if from <= to {
                periods.push((z.to_owned(), from, to));
            }
        }
    }
    proptest::sample::select(periods).prop_flat_map(|(code, from, to)| {
        let days = (to - from).num_days();
        (Just(code), 0..=days)
            .prop_map(move |(code, offset)| (code, from + chrono::Days::new(offset as u64)))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn encode_decode_round_trip(
        surname in "[A-Za-zÀÈÉÌÒÙàèéìòù' ]{1,20}",
        name in "[A-Za-zàèìòù ]{1,15}",
        female in any::<bool>(),
        (place, born) in place_and_date(),
    ) {
        prop_assume!(surname.chars().any(|c| c.is_alphabetic()) && name.chars().any(|c| c.is_alphabetic()));
        let sex = if female { Sex::Female } else { Sex::Male };
        let code = CodiceFiscale::encode(&surname, &name, sex, born, &place).unwrap();
        prop_assert_eq!(code.omocodia_level(), 0);
        prop_assert_eq!(code.canonical(), code);
        let expect = |c: &CodiceFiscale| -> Result<(), TestCaseError> {
            let decoded = c.decode(today()).unwrap();
            prop_assert_eq!(decoded.sex, sex);
            prop_assert_eq!(decoded.birth_date, born);
            prop_assert_eq!(decoded.birth_place.code(), place.as_str());
            prop_assert!(c.same_person_as(&code));
            prop_assert_eq!(CodiceFiscale::parse(c.as_str()).unwrap(), *c);
            Ok(())
        };
        expect(&code)?;
        for (level, variant) in (1u8..=7).zip(code.omocodia_variants()) {
            prop_assert_eq!(variant.omocodia_level(), level);
            prop_assert_eq!(variant.canonical(), code);
            prop_assert_eq!(variant.canonical().canonical(), code);
            expect(&variant)?;
        }
    }

    #[test]
    fn canonical_is_idempotent_and_parse_never_panics(input in "[0-9A-Za-z ]{0,20}") {
        if let Ok(code) = CodiceFiscale::parse(&input) {
            let canonical = code.canonical();
            prop_assert_eq!(canonical.canonical(), canonical);
            prop_assert_eq!(canonical.omocodia_level(), 0);
            prop_assert!(code.same_person_as(&canonical));
        }
    }
}
