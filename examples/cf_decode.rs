//! Decode a codice fiscale and compute one from personal data.
//!
//! `cargo run -p welfare-examples --example cf_decode`

use chrono::NaiveDate;
use welfare_types::codice_fiscale::{CodiceFiscale, CodiceFiscaleError, Sex};
use welfare_types::territory::Place;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Century of the birth year: the code has two digits, resolved against a reference date
    // (in a real application, today).
    let reference = NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("bad date")?;

    // Decode, as a register would store the code (spaces and lower case are normalised).
    let code: CodiceFiscale = "rssmra 85t10 a562s".parse()?;
    let person = code.decode(reference)?;
    let mut out = format!(
        "{code}: sex {}, born {} in {} ({})\n",
        person.sex.as_str(),
        person.birth_date,
        person.birth_place.name(),
        person.birth_place.code(),
    );

    // An omocodia variant is the same person: compare canonical forms, store as assigned.
    let variant: CodiceFiscale = "RSSMRA85T10A56NH".parse()?;
    out += &format!(
        "{variant}: omocodia level {}, same person as {code}: {}\n",
        variant.omocodia_level(),
        variant.same_person_as(&code)
    );

    // Errors say what is wrong and where, never the code itself.
    if let Err(e) = CodiceFiscale::parse("RSSMRA85T10A562T") {
        out += &format!("invalid code: {e} ({})\n", e.kind());
    }

    // Encode: the birth place by name, resolved on the birth date (historic comuni included).
    let born = NaiveDate::from_ymd_opt(1983, 12, 1).ok_or("bad date")?;
    let place = Place::by_code_or_name("Genova (GE)", born).map_err(CodiceFiscaleError::from)?;
    let chiara = CodiceFiscale::encode_at("Conte", "Chiara", Sex::Female, born, place)?;
    out += &format!("Conte Chiara, F, {born}, Genova: {chiara}\n");
    for (level, v) in (1..=7).zip(chiara.omocodia_variants()) {
        out += &format!("  omocodia level {level}: {v}\n");
    }
    assert_eq!(chiara.as_str(), "CNTCHR83T41D969D");

    use std::io::Write;
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(())
}
