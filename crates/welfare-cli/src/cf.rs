//! `welfare cf`: validate, decode and encode codici fiscali.
//!
//! The JSON-lines contract (stable, checked by external tools):
//!
//! * `welfare cf decode [--json] [CF ...]`: without codes, one code per line of standard input.
//!   With `--json`, one object per input, in order:
//!   `{"input": 0, "valid": true, "kind": "persona_fisica", "sex": "M", "birth_date":
//!   "1985-12-10", "birth_place": "A562", "birth_place_name": "SAN GIULIANO TERME",
//!   "omocodia_level": 0, "canonical": "RSSMRA85T10A562S"}` (numeric codes: `"kind": "numerico"`,
//!   the person fields `null`, plus `numeric_class`), or `{"input": 3, "valid": false, "error":
//!   "check_character"}`. The century of the birth date is resolved against today's date.
//! * `welfare cf encode [--json]`: JSON lines `{"surname", "name", "sex", "birth_date",
//!   "birth_place"}` on standard input (`birth_place`: a Belfiore or `Z` code, or a comune name,
//!   optionally `Roma (RM)`, or a foreign state's name, resolved on the birth date); prints
//!   `{"input": 0, "cf": "...", "variants": [seven omocodia variants, levels 1 to 7]}` or
//!   `{"input": 1, "error": "unknown_place"}`.
//! * `welfare cf check CF...`: one line per code for people.
//!
//! `input` is the 0-based position of the code among the arguments, or the 0-based line of
//! standard input. A bad input never stops the run. Exit status: 0 all valid, 1 some invalid,
//! 2 usage error (bad flags, unreadable input).
//!
//! Error kinds: those of `CodiceFiscaleError::kind` (`length`, `invalid_character`,
//! `invalid_month`, `invalid_day`, `check_character`, `office_code`, `not_personal`,
//! `unknown_place`, `place_not_valid_on_date`, `ambiguous_place`, `invalid_surname`,
//! `invalid_name`, `date_out_of_range`) and, for `encode`, `invalid_json` (not a JSON object with
//! the five string fields), `invalid_sex` (not `M` or `F`), `invalid_birth_date` (not
//! `YYYY-MM-DD`).

use std::io::{self, BufRead, BufWriter, Write};

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::{Deserialize, Serialize};
use welfare_types::codice_fiscale::{CodiceFiscale, CodiceFiscaleError, Kind, Sex};
use welfare_types::territory::Place;
use welfare_types::NumericCodeClass;

use crate::output::{self, Outcome};

/// Codice fiscale: decode, encode, check.
#[derive(Debug, Args)]
pub(crate) struct CfArgs {
    #[command(subcommand)]
    command: CfCommand,
}

#[derive(Debug, Subcommand)]
enum CfCommand {
    /// Decode codes (arguments, or one per line of standard input): sex, birth date and place.
    Decode {
        /// One JSON object per input line instead of text.
        #[arg(long)]
        json: bool,
        /// Codes to decode; none: read standard input.
        codes: Vec<String>,
    },
    /// Compute codes from JSON lines {"surname","name","sex","birth_date","birth_place"} on
    /// standard input, with the seven omocodia variants.
    Encode {
        /// One JSON object per input line instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Check codes; exit 0 if all are valid, 1 otherwise.
    Check {
        /// Codes to check.
        #[arg(required = true)]
        codes: Vec<String>,
    },
}

/// Runs `welfare cf`.
pub(crate) fn run(args: CfArgs) -> Outcome {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let today = chrono::Local::now().date_naive();
    let result = match args.command {
        CfCommand::Decode { json, codes } => {
            with_inputs(codes, |n, line| decode_one(&mut out, n, line, json, today))
        }
        CfCommand::Encode { json } => {
            with_inputs(Vec::new(), |n, line| encode_one(&mut out, n, line, json))
        }
        CfCommand::Check { codes } => with_inputs(codes, |n, line| check_one(&mut out, n, line)),
    };
    match result.and_then(|outcome| out.flush().map(|()| outcome)) {
        Ok(outcome) => outcome,
        // A closed pipe (`| head`) is the reader's choice, not an error (as `gen` and `batch`).
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Outcome::Ok,
        Err(e) => {
            output::error(format_args!("cf: cannot read input or write output: {e}"));
            Outcome::Usage
        }
    }
}

/// Calls `each(index, text)` on every argument, or every line of standard input when there are
/// none; `Invalid` if any call returned false.
fn with_inputs(
    args: Vec<String>,
    mut each: impl FnMut(usize, &str) -> io::Result<bool>,
) -> io::Result<Outcome> {
    let mut all_valid = true;
    if args.is_empty() {
        let stdin = io::stdin();
        for (n, line) in stdin.lock().split(b'\n').enumerate() {
            let line = line?;
            let text = String::from_utf8_lossy(&line);
            all_valid &= each(n, text.strip_suffix('\r').unwrap_or(&text))?;
        }
    } else {
        for (n, arg) in args.iter().enumerate() {
            all_valid &= each(n, arg)?;
        }
    }
    Ok(if all_valid { Outcome::Ok } else { Outcome::Invalid })
}

/// One decoded line of `cf decode --json`.
#[derive(Debug, Serialize)]
struct DecodedLine<'a> {
    input: usize,
    valid: bool,
    kind: Kind,
    sex: Option<Sex>,
    birth_date: Option<NaiveDate>,
    birth_place: Option<&'a str>,
    birth_place_name: Option<&'a str>,
    omocodia_level: u8,
    canonical: CodiceFiscale,
    #[serde(skip_serializing_if = "Option::is_none")]
    numeric_class: Option<NumericCodeClass>,
}

/// One invalid line.
#[derive(Debug, Serialize)]
struct InvalidLine {
    input: usize,
    valid: bool,
    error: &'static str,
}

fn decode_one(
    out: &mut impl Write,
    n: usize,
    text: &str,
    json: bool,
    today: NaiveDate,
) -> io::Result<bool> {
    let decoded = CodiceFiscale::parse(text).and_then(|code| match code.kind() {
        Kind::PersonaFisica => code.decode(today).map(|d| (code, Some(d))),
        Kind::Numerico => Ok((code, None)),
    });
    let (code, person) = match decoded {
        Ok(found) => found,
        Err(e) => {
            if json {
                output::json_line(out, &InvalidLine { input: n, valid: false, error: e.kind() })?;
            } else {
                writeln!(out, "input {n}: invalid ({}): {e}", e.kind())?;
            }
            return Ok(false);
        }
    };
    let line = DecodedLine {
        input: n,
        valid: true,
        kind: code.kind(),
        sex: person.map(|p| p.sex),
        birth_date: person.map(|p| p.birth_date),
        birth_place: person.map(|p| p.birth_place.code()),
        birth_place_name: person.map(|p| p.birth_place.name()),
        omocodia_level: code.omocodia_level(),
        canonical: code.canonical(),
        numeric_class: code.numeric_class(),
    };
    if json {
        output::json_line(out, &line)?;
    } else if let Some(p) = person {
        let place = match p.birth_place {
            Place::Comune(c) => format!("{} ({})", c.name(), c.province()),
            Place::StatoEstero(s) => format!("{} (estero)", s.name()),
        };
        writeln!(
            out,
            "{code}  {}  born {}  in {} {}  omocodia level {}  canonical {}",
            p.sex.as_str(),
            p.birth_date,
            p.birth_place.code(),
            place,
            line.omocodia_level,
            line.canonical,
        )?;
    } else {
        let class = code.numeric_class().map(|c| format!("{c:?}")).unwrap_or_default();
        writeln!(out, "{code}  numeric code  class {class}")?;
    }
    Ok(true)
}

fn check_one(out: &mut impl Write, n: usize, text: &str) -> io::Result<bool> {
    match CodiceFiscale::parse(text) {
        Ok(code) => {
            let kind = match code.kind() {
                Kind::PersonaFisica => "persona fisica",
                Kind::Numerico => "numeric",
            };
            let level = code.omocodia_level();
            if level > 0 {
                writeln!(out, "{code}: valid ({kind}, omocodia level {level})")?;
            } else {
                writeln!(out, "{code}: valid ({kind})")?;
            }
            Ok(true)
        }
        Err(e) => {
            writeln!(out, "input {n}: invalid ({}): {e}", e.kind())?;
            Ok(false)
        }
    }
}

/// One line of `cf encode` input.
#[derive(Debug, Deserialize)]
struct Person {
    surname: String,
    name: String,
    sex: String,
    birth_date: String,
    birth_place: String,
}

#[derive(Debug, Serialize)]
struct EncodedLine {
    input: usize,
    cf: CodiceFiscale,
    variants: [CodiceFiscale; 7],
}

#[derive(Debug, Serialize)]
struct EncodeError {
    input: usize,
    error: &'static str,
}

fn encode(text: &str) -> Result<CodiceFiscale, &'static str> {
    let person: Person = serde_json::from_str(text).map_err(|_| "invalid_json")?;
    let sex = match person.sex.trim() {
        "M" | "m" => Sex::Male,
        "F" | "f" => Sex::Female,
        _ => return Err("invalid_sex"),
    };
    let born = NaiveDate::parse_from_str(person.birth_date.trim(), "%Y-%m-%d")
        .map_err(|_| "invalid_birth_date")?;
    let place = Place::by_code_or_name(&person.birth_place, born)
        .map_err(|e| CodiceFiscaleError::from(e).kind())?;
    CodiceFiscale::encode_at(&person.surname, &person.name, sex, born, place).map_err(|e| e.kind())
}

fn encode_one(out: &mut impl Write, n: usize, text: &str, json: bool) -> io::Result<bool> {
    match encode(text) {
        Ok(cf) => {
            let variants = cf.omocodia_variants();
            if json {
                output::json_line(out, &EncodedLine { input: n, cf, variants })?;
            } else {
                let list: Vec<&str> = variants.iter().map(CodiceFiscale::as_str).collect();
                writeln!(out, "{cf}  variants {}", list.join(" "))?;
            }
            Ok(true)
        }
        Err(kind) => {
            if json {
                output::json_line(out, &EncodeError { input: n, error: kind })?;
            } else {
                writeln!(out, "input {n}: error ({kind})")?;
            }
            Ok(false)
        }
    }
}
