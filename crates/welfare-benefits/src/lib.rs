//! # welfare-benefits
//!
//! The Italian national benefits a comune grants, checks or explains every day, as data: the
//! **household facts format** that describes who asks, and the **dated, sourced parameters** of
//! each measure (Assegno Unico e Universale, assegno di maternità dei Comuni, Assegno di
//! Inclusione and SFL, bonus sociali, bonus asilo nido and nuovi nati, Carta Dedicata a te).
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_benefits::{params::auu, Household};
//!
//! // A household file (YAML or JSON); unknown fields are errors with their path.
//! let household = Household::example()?;
//! assert_eq!(household.group_identifier, "esempio-rossi");
//!
//! // The facts a rules engine reads: the household on a date, with ages and counts.
//! let facts = household.facts(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap())?;
//! assert_eq!(facts["counts"]["children_minors"], 3);
//! assert_eq!(facts["isee_on_date"]["prestazioni_familiari"], "15920.40");
//!
//! // The AUU table of 2026: ISEE 15,920.40 is in the first band, the full amount.
//! let table = auu::table(2026)?;
//! let band = table.band_for(Some("15920.40".parse()?)).unwrap();
//! assert_eq!(band.minor.to_string(), "203.80");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What is here
//!
//! | module | what it holds |
//! |---|---|
//! | [`household`] | [`Household`], its members, ISEE values, events, benefits received; YAML/JSON reading with path-precise errors |
//! | [`facts`] | [`Household::facts`]: the household on a date as a plain JSON document for a generic rules engine |
//! | [`codes`] | ANPR relationship codes ([`Relationship`]), comune codes ([`ComuneCode`]) |
//! | [`params`] | the dated parameters of every measure, each with its legal source; the AUU band tables by chained revaluation |
//! | [`catalogue`] | [`Catalogue::national`]: the national rulebooks (embedded, compiled once) evaluated for a household on a date |
//!
//! ## The national rulebooks (`rulebooks/`, in the welfare-rules language)
//!
//! | rulebook | measure | years | amount |
//! |---|---|---|---|
//! | `it/assegno-unico` (+ `it/assegno-unico/tabelle`, generated) | Assegno Unico e Universale | 2022-03 – 2026 | monthly |
//! | `it/assegno-maternita` | Assegno di maternità dei Comuni | 2020 – 2026 | one-off |
//! | `it/assegno-inclusione` | Assegno di Inclusione (with the payment periods from the first month paid) | 2024 – 2026 | monthly |
//! | `it/supporto-formazione-lavoro` | Supporto per la Formazione e il Lavoro | 2023-09 – 2026 | monthly |
//! | `it/bonus-sociali` | Bonus sociali elettrico, gas, idrico (eligibility; electricity by household size 2026, contributo straordinario 2025, water litres) | 2024 – 2026 | annual (as outputs) |
//! | `it/bonus-nido` | Bonus asilo nido | 2020 – 2026 | annual |
//! | `it/bonus-nuovi-nati` | Bonus nuovi nati | 2025 – 2026 | one-off |
//! | `it/carta-dedicata-a-te` | Carta Dedicata a te (eligibility, priority group) | 2024 – 2025 | one-off |
//!
//! Each carries its test cases (the figures of INPS, the Gazzetta Ufficiale and the worked
//! examples), run by `cargo test` and by `welfare rules test crates/welfare-benefits/rulebooks`.
//!
//! The parameters are also written as YAML into `data/` by
//! `cargo run -p welfare-benefits --bin gen-tables`; a test fails when the committed files drift
//! from the code, and every figure published by INPS or the Gazzetta Ufficiale that the project's
//! research found is asserted exactly.
//!
//! ## Dependencies
//!
//! `serde_path_to_error` is used so that an invalid household file names the field at fault
//! (`member_list[1].birth_date`), which serde alone does not report.
//!
//! ## Crate features
//!
//! * `schema`: derives `schemars::JsonSchema` for the household format and the parameter tables
//!   (`household_schema()`, present with this feature, gives the schema published as
//!   `docs/schema/household.schema.json`).

pub mod batch;
pub mod catalogue;
pub mod codes;
mod error;
pub mod facts;
mod fastread;
pub mod household;
mod native;
pub mod params;
pub mod synthetic;
pub mod vocab;

pub use catalogue::{BreakdownItem, Catalogue, CatalogueError, DatePolicy, MeasureResult};
pub use codes::{ComuneCode, Relationship};
pub use error::{HouseholdError, HouseholdErrorKind};
pub use household::{
    Application, Assets, Attestazione, BenefitKind, BenefitReceived, Citizenship, Disability,
    Employment, EmploymentStatus, Event, EventKind, Format, GroupType, Household, IseeKind,
    IseeValues, MaritalStatus, Member, Nursery, NurseryKind, Period, Rent, Residence,
    ResidentialCare, Sex,
};
/// The language of motivazioni (re-exported from the rules engine).
pub use welfare_rules::Lang;

/// The bundled example household (YAML): five members in Bologna, three children (one at the
/// nursery, one newborn), both parents working, a maternity indemnity lower than the assegno.
/// `welfare eval` evaluates it when no file is given.
pub const EXAMPLE_HOUSEHOLD_YAML: &str = include_str!("../data/example-household.yaml");

impl Household {
    /// The bundled example household ([`EXAMPLE_HOUSEHOLD_YAML`]), read and validated.
    pub fn example() -> Result<Household, HouseholdError> {
        Household::from_str_named("example.yaml", EXAMPLE_HOUSEHOLD_YAML)
    }
}

/// The JSON Schema of the household format (draft 2020-12), with every description in Italian
/// and English.
#[cfg(feature = "schema")]
pub fn household_schema() -> schemars::Schema {
    schemars::schema_for!(Household)
}
