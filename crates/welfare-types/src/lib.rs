//! # welfare-types
//!
//! The shared vocabulary of welfare-kit: exact euro amounts with named rounding, ages and dated
//! parameters, and the identifiers of Italian administration.
//!
//! ```
//! use welfare_types::{Money, Rounding};
//!
//! // An Assegno Unico amount revalued by 0.8 %, rounded half-up to the tenth as INPS does.
//! let base = Money::parse("199,40")?;
//! let revalued = base.checked_mul("1.008".parse().unwrap())?.round(Rounding::TENTH_HALF_UP);
//! assert_eq!(revalued.to_italian_string(), "201,00 €");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What is here
//!
//! | module | what it holds |
//! |---|---|
//! | [`money`] | [`Money`] (EUR, `rust_decimal` inside, checked arithmetic) and [`Rounding`] |
//! | [`dates`] | [`age_on`](dates::age_on), whole months, inclusive [`DateRange`](dates::DateRange), [`DatedValues`](dates::DatedValues) |
//! | [`codice_fiscale`] | [`CodiceFiscale`]: validation, omocodia, decoding, encoding; numeric codes |
//! | [`iban`] | [`Iban`]: ISO 13616 mod 97 for every country, registered lengths, Italian CIN |
//! | [`partita_iva`] | [`PartitaIva`] and the office-code classes of numeric codes ([`NumericCodeClass`]) |
//! | [`redact`] | deserializer messages without the input values they quote, for errors that reach logs |
//! | [`territory`] | historic [`Comune`](territory::Comune) table (Belfiore, ISTAT, names, province, validity) and [`StatoEstero`](territory::StatoEstero) (Z, ISTAT, ISO 3166) |
//!
//! ## Design rules every welfare-kit crate follows
//!
//! * **No floats for money, no implicit rounding.** [`Money`] never calls `round_dp` (which is
//!   banker's rounding in `rust_decimal`); every rounding names its step and mode.
//! * **No panics on input.** Arithmetic is checked; parsing returns typed errors.
//! * **Errors never echo personal data.** Identifier errors say *what* is wrong (length,
//!   character class, check character), never the identifier itself. Each module has its own
//!   small `Copy`, `#[non_exhaustive]` error enum, so callers can match on it cheaply.
//! * **Dated values never fall back.** Asking for a value on a day no range covers is an error.
//!
//! ## Crate features
//!
//! * `schema`: derives `schemars::JsonSchema` for every public data type.
//! * `proptest`: `proptest::arbitrary::Arbitrary` for [`Money`] and [`CodiceFiscale`] (with
//!   the strategies of `codice_fiscale::strategy`), for downstream property tests.
//!
//! ## Embedded data
//!
//! The [`territory`] tables (comuni since 1861, foreign states) are embedded, so nothing is
//! downloaded at build or run time. Sources: ANPR archivio comuni (snapshot 2023-10-03) and
//! tabella stati esteri, *Fonte: ANPR – Ministero dell'Interno, CC BY 4.0*; changes after the
//! snapshot (up to February 2026) from PyPI package `python-codicefiscale` 0.12.1 (MIT), each row
//! marked with its [`Source`](territory::Source). Generated on 2026-11-23 by
//! `tools/gen_territory.py`; a test fails if the tables drift from the script's output.

pub mod codice_fiscale;
pub mod dates;
pub mod digits;
pub mod iban;
pub mod money;
pub mod partita_iva;
pub mod redact;
pub mod territory;

pub use codice_fiscale::{CodiceFiscale, CodiceFiscaleError};
pub use iban::{Iban, IbanError};
pub use money::{Money, MoneyError, Rounding, RoundingMode, RoundingStep};
pub use partita_iva::{NumericCodeClass, PartitaIva, PartitaIvaError};
