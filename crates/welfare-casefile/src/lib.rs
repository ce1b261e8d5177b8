//! # welfare-casefile
//!
//! The cartella sociale as typed, event-sourced, access-controlled domain code: persons with
//! bitemporal history, households, intake and referrals, cases with their team and journal,
//! assessment forms (SINA, SINBA, Barthel), PAI, the intervention catalogue mapped to INPS
//! codes, deliveries ready for SIUSS, and the istanza with its L. 241/1990 deadlines.
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use welfare_casefile::calendar::ItalianCalendar;
//! use welfare_casefile::engine::{execute, CommandContext};
//! use welfare_casefile::ids::{CommandId, IstanzaId, OperatorId, OrganisationId, PersonId, TenantId};
//! use welfare_casefile::istanza::{Channel, Istanza, IstanzaCommand, IstanzaStatus, Procedure, Protocol};
//! use welfare_casefile::store::InMemoryStore;
//!
//! let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! let mut store = InMemoryStore::new();
//! let tenant = TenantId::new("ambito-ven15")?;
//! let ctx = CommandContext { actor: OperatorId::new("op-1")?, now: Utc.with_ymd_and_hms(2027, 3, 26, 9, 0, 0).unwrap() };
//! let id = IstanzaId::new("IST-2027-1")?;
//! let draft = IstanzaCommand::Draft {
//!     applicant: PersonId::new("P-1")?,
//!     case: None,
//!     organisation: OrganisationId::new("B563")?,
//!     procedure: Procedure { name: "Contributo economico".into(), intervention_type: None, term_days: 30 },
//!     calendar: ItalianCalendar::national(),
//! };
//! execute::<Istanza, _>(&mut store, &tenant, &id, &CommandId::new("c1")?, &draft, &ctx, vec![])?;
//! let submit = IstanzaCommand::Submit {
//!     protocol: Protocol { number: "2027/1234".into(), date: d(2027, 3, 26) },
//!     received_on: d(2027, 3, 26),
//!     channel: Channel::Pec,
//! };
//! let done = execute::<Istanza, _>(&mut store, &tenant, &id, &CommandId::new("c2")?, &submit, &ctx, vec![])?;
//! assert_eq!(done.state.status, IstanzaStatus::Submitted);
//! // 30 days from 26 March 2027 end on Sunday 25 April (Liberation Day): moved to Monday.
//! assert_eq!(done.state.deadline(None)?, Some(d(2027, 4, 26)));
//! // The same command id again changes nothing.
//! let again = execute::<Istanza, _>(&mut store, &tenant, &id, &CommandId::new("c2")?, &submit, &ctx, vec![])?;
//! assert!(again.duplicate);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Map
//!
//! | module | what |
//! |---|---|
//! | [`tenancy`] | tenant (ente/ambito), organisations, units with role flags, operators, dated memberships, [`Permission`](tenancy::Permission) |
//! | [`person`] | persons, codice fiscale, bitemporal facts, legal protection, consents and legal bases |
//! | [`group`] | famiglia anagrafica, nucleo ISEE, household of care, convivenza; ANPR `codiceLegame` |
//! | [`intake`] | access record, referral states |
//! | [`case`] | case state machine, team, journal with typed payloads and visibility |
//! | [`forms`] | form definitions with version, migration, scoring; SINA, SINBA, Barthel |
//! | [`pai`] | PAI with objectives, review frequency, due-for-review |
//! | [`intervention`] | catalogue → INPS `CodicePrestazione`, planned interventions, deliveries, SIUSS gaps |
//! | [`istanza`] | the application and its L. 241/1990 lifecycle and deadline |
//! | [`calendar`] | Italian holidays, Easter, patron saints, deadline counting |
//! | [`events`], [`chain`] | event envelope, canonical bytes, hash chain and `verify` |
//! | [`engine`] | aggregates, fold, idempotent `execute` |
//! | [`store`] | the [`CaseStore`](store::CaseStore) trait and [`InMemoryStore`](store::InMemoryStore) |
//! | [`access`] | access policy (cases, istanze, persons, groups, intakes), redaction, access log |
//! | [`service`] | [`CaseFile`](service::CaseFile): policy + access log of every operator read and write + execute |
//! | [`pseudonym`] | SINBA pseudonyms (HMAC-SHA256 with a tenant secret) |
//! | [`reports`] | open cases, takings in charge, intake-to-charge time, spending by INPS code |
//! | [`siuss`] | a delivery as a SIUSS `PrestazioniSociali` record (plain data, XSD names) |
//!
//! ## Crate features
//!
//! * `schema`: derives `schemars::JsonSchema` for every public data type.
//!
//! `serde_json` is used for the canonical byte form of events (see [`events`]); `sha2` and
//! `hmac` for the hash chain, document hashes and SINBA pseudonyms.

pub mod access;
pub mod calendar;
pub mod case;
pub mod chain;
pub mod engine;
pub mod error;
pub mod events;
pub mod forms;
pub mod group;
pub mod ids;
pub mod intake;
pub mod intervention;
pub mod istanza;
pub mod pai;
pub mod person;
pub mod pseudonym;
pub mod reports;
pub mod service;
pub mod siuss;
pub mod store;
pub mod tenancy;

pub use error::{Error, Result};
