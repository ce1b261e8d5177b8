//! # welfare-siuss
//!
//! SIUSS flows to INPS exactly per the official XSDs: the PS-PSA-SINA flow
//! (`PS_PSA_SINA201812.xsd`) and the SINBA flow (`SINBA.xsd`), the WaaS envelope of the INPS
//! "API WAAS-SIUSS-Alimentazione" (`api-comuni.yaml` v2.0.1), and the INPS benefit table.
//!
//! ```
//! use welfare_siuss::{examples, read_ps, validate_xml, write_ps, FlussoWaas, TsFlusso};
//!
//! // A flow with one beneficiary and one benefit (the official WaaS example, fixed).
//! let flow = examples::ps_flow();
//! let xml = write_ps(&flow)?;                       // strict: refuses a flow that breaks a rule
//! let report = validate_xml(xml.as_bytes())?;       // streaming validator
//! assert!(report.is_valid());
//! assert_eq!(read_ps(xml.as_bytes())?.flow, flow);  // tolerant reader, lossless round trip
//!
//! // The WaaS entry INPS pulls with GET /flussi.
//! let entry = FlussoWaas::from_ps(&flow, TsFlusso::from_millis(1_701_083_096_852))?;
//! assert_eq!(entry.id_flusso, "H501.PS.20210520.0000002");
//! assert_eq!(entry.ts_flusso.to_string(), "2023-11-27T11:04:56.852Z");
//! # Ok::<(), welfare_siuss::SiussError>(())
//! ```
//!
//! ## What is here
//!
//! | item | what it does |
//! |---|---|
//! | [`model`] | [`FlussoPs`], [`FlussoSinba`] and their parts; every XSD attribute, by its XSD name in serde |
//! | [`codes`] | every XSD enumeration as a Rust enum with its code and official label |
//! | [`write_ps`], [`write_sinba`], [`FlowWriter`] | strict deterministic writer (namespace `http://inps.it/Casellario`, XSD attribute order, `.` decimals, ISO dates) |
//! | [`read`], [`read_ps`], [`read_sinba`], [`FlowReader`] | tolerant streaming reader; also reads the 2016 and June-2018 PS variants and says which ([`SchemaVersion`]) |
//! | [`validate_xml`], [`validate_xml_with`], [`validate_ps`] | all XSD facets plus the specification's rules; each [`Issue`] has a path and a [`Rule`] |
//! | [`table`] | the INPS `CodicePrestazione` table with labels and flags (PSA, only if taken in charge, SINA-linkable) |
//! | [`NomeFlusso`] | `{ente}.{PS\|SINBA}.{AAAAMMGG}.{7-digit progressive}` |
//! | [`waas`] | the WaaS envelope, `ts_flusso`, `esiti`, and the split of a bulk flow into one-benefit flows |
//! | [`convert`] | birthplace as Belfiore, residence as ISTAT, citizenship as ISO 3166 numeric, from `welfare_types::territory` |
//! | [`input`] | the YAML/JSON description `welfare siuss export` reads |
//!
//! ## The rules the validator adds to the XSDs
//!
//! From the INPS specification (Allegato B, Tabella 9, and Allegato C): `CaratterePrestazione`
//! is mandatory; a periodic benefit needs `DataInizioPrestazione` and `ImportoMensile`, a
//! one-off benefit `DataErogazionePrestazione` and `ImportoPrestazione`; amounts and the
//! ente/SSN shares are greater than zero, the user's share not negative; `DataFinePrestazione`
//! is in the year of `DataInizioPrestazione`; the shares, when given, add up to the monthly or
//! one-off amount; `AreaUtenza` is mandatory when taken in charge; the three DSU fields go
//! together; residence region and comune are mandatory in Italy; `OreServizioMensile` is
//! hours and minutes (`2.59` is 2 h 59 min); `NumeroComponentiISEE` is at least 1. From the
//! SIUSS guidance on the benefit table: `SINA` only on the codes that allow it, codes
//! A2.16–A2.29 only when taken in charge. The codice fiscale is checked against the XSD
//! pattern, which refuses omocodic codes with letters in the year or day of birth, with a
//! message that says so. Unknown benefit codes are warnings: the full INPS table is not public.
//! Birthplace (Belfiore or `Z` code), residence comune (ISTAT code on the first benefit's
//! date) and region (the comune's) are checked against `welfare_types::territory`, as
//! warnings: INPS is not known to check them, but the official example sends region `01`
//! with a comune of Abruzzo.
//!
//! ## Decisions where the sources are uncertain
//!
//! * `CodiceRegione` ("Codifica DM1986") is the two-digit ISTAT region code.
//! * `ts_flusso` is written as the OpenAPI's `date-time` with milliseconds and read from
//!   either that or a number of milliseconds (`since` is in milliseconds).
//! * A WaaS SINBA entry carries one benefit code: the OpenAPI's own two-code SINBA example is
//!   answered `RICHIESTA_INVALIDA` "solo un beneficiario e una prestazione sociale".
//!
//! ## Provenance and licence of the schemas
//!
//! `xsd/` holds the official `PS_PSA_SINA201812.xsd`, `SINBA.xsd` and `api-comuni.yaml` as
//! published by INPS in the `INPS-it/WaaS.Comuni` repository (MIT licence, © 2023 INPS; the
//! licence text is `xsd/LICENSE-INPS.txt`). They are unchanged.
//!
//! ## Crate features
//!
//! * `schema`: derives `schemars::JsonSchema` for every public data type.
//!
//! Dependencies beyond the design card: `quick-xml` (a streaming pull parser: a 100 MB bulk
//! flow validates in constant memory) and `base64` (the WaaS `flusso` field).

pub mod codes;
pub mod convert;
mod error;
pub mod examples;
pub mod input;
mod issue;
pub mod model;
mod naming;
mod read;
pub mod table;
mod validate;
pub mod waas;
mod write;
mod xml;

pub use error::SiussError;
pub use issue::{Issue, Rule, Severity};
pub use model::{
    Anagrafica, Beneficiario, Ente, FlussoPs, FlussoSinba, IdentificazioneFlusso, Indirizzo,
    MeseAnno, OreMinuti, PrestazioneSociale, Sina, Sinba, NAMESPACE,
};
pub use naming::{NomeFlusso, MAX_PROGRESSIVE};
pub use read::{
    read, read_ps, read_sinba, AnyFlow, DetectedVersion, FlowKind, FlowReader, Read, Record,
    RecordRead, SchemaVersion,
};
pub use validate::{
    matches_xsd_cf_pattern, validate_ps, validate_sinba_flow, validate_xml, validate_xml_with,
    ValidationReport,
};
pub use waas::{FlussoWaas, TsFlusso};
pub use write::{write_ps, write_sinba, FlowWriter};

/// The official `PS_PSA_SINA201812.xsd` (INPS, MIT licence), unchanged.
pub const XSD_PS_PSA_SINA: &str = include_str!("../xsd/PS_PSA_SINA201812.xsd");

/// The official `SINBA.xsd` (INPS, MIT licence), unchanged.
pub const XSD_SINBA: &str = include_str!("../xsd/SINBA.xsd");
