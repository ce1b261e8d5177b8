//! Persons: identifiers, bitemporal facts (valid time and recorded time), legal protection and
//! consents / legal bases.
//!
//! ## Bitemporal facts
//!
//! A [`FactRecord`] asserts that a fact of some [`FactKind`] held over a range of days
//! (*valid time*), and is stamped with the instant it was recorded (*recorded time*). Records are
//! never changed: a correction is a new record. The value of a fact on day `d` *as known at*
//! instant `t` is the most recently recorded record with `recorded_at <= t` whose valid range
//! contains `d`; a record whose value is `None` retracts earlier knowledge for its range.
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use welfare_casefile::person::{FactKind, FactRecord, PersonFact, Dwelling, Person};
//! use welfare_types::dates::DateRange;
//!
//! let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! let mut facts = Vec::new();
//! // Recorded in January: homeless since 1 January.
//! facts.push(FactRecord {
//!     valid: DateRange::starting(d(2026, 1, 1)),
//!     recorded_at: Utc.with_ymd_and_hms(2026, 1, 10, 9, 0, 0).unwrap(),
//!     value: Some(PersonFact::Residence(Dwelling::Homeless { comune_istat: "028017".into() })),
//!     reason: None,
//! });
//! let kind = FactKind::Residence;
//! let march = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
//! assert!(Person::fact_in(&facts, kind, d(2026, 2, 1), march).is_some());
//! // Known in February? Not before it was recorded.
//! let before = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
//! assert!(Person::fact_in(&facts, kind, d(2026, 2, 1), before).is_none());
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use welfare_types::dates::DateRange;

use crate::error::{Error, Result, Subject, TransitionError};
use crate::ids::{ConsentId, OrganisationId, PersonId};

pub use welfare_types::{CodiceFiscale, CodiceFiscaleError};

/// The identifiers of a person. A person without a codice fiscale gets a local temporary code
/// (SISO's `CF_TEMP`) that is replaced when the real one is known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonIdentifiers {
    /// Codice fiscale (ordinary or provisional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codice_fiscale: Option<CodiceFiscale>,
    /// A local temporary code for a person whose codice fiscale is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporary_code: Option<String>,
    /// ANPR identifier (`idANPR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anpr_id: Option<String>,
    /// SINBA pseudonym (`IDBeneficiario`), see [`crate::pseudonym`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sinba_pseudonym: Option<String>,
}

/// Sex as recorded in the registry (SIUSS `Genere`: 1 = M, 2 = F).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Sex {
    /// Male.
    M,
    /// Female.
    F,
}

/// Place of birth: Belfiore code of a comune, or Z code of a foreign state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Birth {
    /// Date of birth.
    pub date: NaiveDate,
    /// Belfiore (comune) or Z (foreign state) code, 4 characters (SIUSS `LuogoNascita`).
    pub place_code: String,
}

/// Where a person lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Dwelling {
    /// An address.
    Address {
        /// Street and house number.
        street: String,
        /// Postcode (CAP).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        postcode: Option<String>,
        /// ISTAT code of the comune (6 digits), for Italian addresses.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comune_istat: Option<String>,
        /// ISO 3166 numeric country code (`380` = Italy).
        country_iso: String,
    },
    /// Senza fissa dimora, registered in a comune (fictitious street of the anagrafe).
    Homeless {
        /// ISTAT code of the comune of registration.
        comune_istat: String,
    },
}

/// Contact channel.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    /// Landline.
    Phone,
    /// Mobile phone.
    Mobile,
    /// E-mail.
    Email,
    /// Posta elettronica certificata.
    Pec,
}

/// Whose contact it is (SISO records the owner of each number).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactOwner {
    /// The person.
    Own,
    /// Another known person.
    Person(PersonId),
    /// Someone else (e.g. "neighbour").
    Other(String),
}

/// A contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contact {
    /// Channel.
    pub channel: ContactChannel,
    /// Number or address.
    pub value: String,
    /// Whose it is.
    pub owner: ContactOwner,
}

/// A changing fact about a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PersonFact {
    /// Surname and given names.
    Name {
        /// Surname.
        surname: String,
        /// Given names.
        given: String,
    },
    /// Citizenships as ISO 3166 numeric codes (`380` Italy), first is the main one.
    Citizenships(Vec<String>),
    /// Residence.
    Residence(Dwelling),
    /// Domicile, where different from residence.
    Domicile(Dwelling),
    /// Contacts.
    Contacts(Vec<Contact>),
    /// Marital status, ANPR `statoCivile` code 1–8.
    MaritalStatus(u8),
    /// Date of death.
    Death(NaiveDate),
}

/// The kind of a [`PersonFact`], the key of its history.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// [`PersonFact::Name`].
    Name,
    /// [`PersonFact::Citizenships`].
    Citizenships,
    /// [`PersonFact::Residence`].
    Residence,
    /// [`PersonFact::Domicile`].
    Domicile,
    /// [`PersonFact::Contacts`].
    Contacts,
    /// [`PersonFact::MaritalStatus`].
    MaritalStatus,
    /// [`PersonFact::Death`].
    Death,
}

impl PersonFact {
    /// The kind of the fact.
    pub fn kind(&self) -> FactKind {
        match self {
            PersonFact::Name { .. } => FactKind::Name,
            PersonFact::Citizenships(_) => FactKind::Citizenships,
            PersonFact::Residence(_) => FactKind::Residence,
            PersonFact::Domicile(_) => FactKind::Domicile,
            PersonFact::Contacts(_) => FactKind::Contacts,
            PersonFact::MaritalStatus(_) => FactKind::MaritalStatus,
            PersonFact::Death(_) => FactKind::Death,
        }
    }
}

/// One bitemporal assertion (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FactRecord {
    /// Valid time: the days over which the fact held.
    pub valid: DateRange,
    /// Recorded time: when the assertion was made.
    pub recorded_at: DateTime<Utc>,
    /// The fact, or `None` to retract earlier knowledge over `valid`.
    pub value: Option<PersonFact>,
    /// Why it was recorded (e.g. "ANPR C020 reconciliation", "correction").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Kind of legal protection measure (c.c. artt. 343, 392, 404).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProtectionKind {
    /// Tutela (minors without parental authority, interdicted adults).
    Tutela,
    /// Curatela (emancipated minors, inabilitated adults).
    Curatela,
    /// Amministrazione di sostegno (L. 6/2004).
    AmministrazioneDiSostegno,
}

/// A legal protection measure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LegalProtection {
    /// Kind.
    pub kind: ProtectionKind,
    /// The guardian, if a known person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<PersonId>,
    /// Decreeing authority (e.g. "Tribunale di Padova - giudice tutelare").
    pub authority: String,
    /// Decree number.
    pub decree_number: String,
    /// Decree date.
    pub decree_date: NaiveDate,
    /// When the measure holds.
    pub valid: DateRange,
}

/// GDPR art. 6(1) legal basis.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Art6Basis {
    /// (a) consent.
    Consent,
    /// (b) contract.
    Contract,
    /// (c) legal obligation.
    LegalObligation,
    /// (d) vital interests.
    VitalInterests,
    /// (e) public interest / official authority.
    PublicTask,
}

/// GDPR art. 9(2) exception for special categories.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Art9Basis {
    /// (a) explicit consent.
    ExplicitConsent,
    /// (b) employment and social security and social protection law.
    SocialProtectionLaw,
    /// (c) vital interests.
    VitalInterests,
    /// (g) substantial public interest on the basis of law (Codice privacy art. 2-sexies).
    SubstantialPublicInterest,
    /// (h) health or social care.
    HealthOrSocialCare,
}

/// What the processing is for.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProcessingPurpose {
    /// Social case work (presa in carico, PAI, interventions).
    CaseWork,
    /// Sharing with labour services (centri per l'impiego).
    ShareWithLabourServices,
    /// Sharing with health services (integrazione socio-sanitaria).
    ShareWithHealthServices,
    /// Messages through App IO or e-mail.
    Contact,
    /// Statistics and SIUSS/SINBA feeds.
    Statistics,
}

/// A consent or another legal basis for processing a person's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConsentRecord {
    /// Identifier.
    pub id: ConsentId,
    /// The organisation processing the data.
    pub organisation: OrganisationId,
    /// Purpose.
    pub purpose: ProcessingPurpose,
    /// Art. 6(1) basis.
    pub art6: Art6Basis,
    /// Art. 9(2) exception, when special categories are processed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub art9: Option<Art9Basis>,
    /// National provision, e.g. "D.Lgs. 196/2003 art. 2-sexies c. 2 lett. s".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_provision: Option<String>,
    /// When the informativa was given / consent signed.
    pub given_on: NaiveDate,
    /// When the consent was withdrawn (art. 7(3) GDPR); only consent-based records can be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_on: Option<NaiveDate>,
}

impl ConsentRecord {
    /// Whether the record rests on consent (art. 6(1)(a) or art. 9(2)(a)).
    pub fn is_consent_based(&self) -> bool {
        self.art6 == Art6Basis::Consent || self.art9 == Some(Art9Basis::ExplicitConsent)
    }

    /// Whether the record is a valid basis on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.given_on <= date && self.withdrawn_on.is_none_or(|w| date < w)
    }
}

/// A person (folded state).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Person {
    /// Identifier.
    pub id: PersonId,
    /// Identifiers.
    pub identifiers: PersonIdentifiers,
    /// Sex.
    pub sex: Sex,
    /// Birth.
    pub birth: Birth,
    /// Whether the person is recorded anonymously (SISO's "ANONIMO").
    pub anonymous: bool,
    /// Bitemporal fact history, by kind, in recording order.
    pub facts: BTreeMap<FactKind, Vec<FactRecord>>,
    /// Legal protection measures.
    pub protections: Vec<LegalProtection>,
    /// Consents and legal bases.
    pub consents: BTreeMap<ConsentId, ConsentRecord>,
}

impl Person {
    /// The value of a fact on `valid_on`, as known at `known_at` (see the module docs).
    pub fn fact_in(
        records: &[FactRecord],
        kind: FactKind,
        valid_on: NaiveDate,
        known_at: DateTime<Utc>,
    ) -> Option<&PersonFact> {
        records
            .iter()
            .filter(|r| r.recorded_at <= known_at && r.valid.contains(valid_on))
            .filter(|r| r.value.as_ref().is_none_or(|v| v.kind() == kind))
            .max_by_key(|r| r.recorded_at)
            .and_then(|r| r.value.as_ref())
    }

    /// The value of a fact of this person on `valid_on`, as known at `known_at`.
    pub fn fact(
        &self,
        kind: FactKind,
        valid_on: NaiveDate,
        known_at: DateTime<Utc>,
    ) -> Option<&PersonFact> {
        self.facts.get(&kind).and_then(|r| Person::fact_in(r, kind, valid_on, known_at))
    }

    /// Whether the person is a minor on `date`.
    pub fn is_minor_on(&self, date: NaiveDate) -> bool {
        welfare_types::dates::age_on(self.birth.date, date).is_ok_and(|age| age < 18)
    }
}

/// An event of the person aggregate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PersonEvent {
    /// The person was registered.
    Registered {
        /// Identifier.
        id: PersonId,
        /// Identifiers.
        identifiers: PersonIdentifiers,
        /// Sex.
        sex: Sex,
        /// Birth.
        birth: Birth,
        /// Anonymous subject.
        anonymous: bool,
    },
    /// Identifiers changed (e.g. a temporary code replaced by the codice fiscale).
    IdentifiersChanged {
        /// The new identifiers.
        identifiers: PersonIdentifiers,
    },
    /// A fact was asserted or retracted.
    FactRecorded {
        /// Kind (needed for retractions, whose value is `None`).
        kind: FactKind,
        /// The record.
        record: FactRecord,
    },
    /// A legal protection measure was recorded.
    ProtectionRecorded(LegalProtection),
    /// A consent or legal basis was recorded.
    ConsentRecorded(ConsentRecord),
    /// A consent was withdrawn.
    ConsentWithdrawn {
        /// Which record.
        id: ConsentId,
        /// From when.
        on: NaiveDate,
    },
}

/// A command to the person aggregate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PersonCommand {
    /// Register a person.
    Register {
        /// Identifiers.
        identifiers: PersonIdentifiers,
        /// Sex.
        sex: Sex,
        /// Birth.
        birth: Birth,
        /// Anonymous subject.
        anonymous: bool,
    },
    /// Replace the identifiers.
    ChangeIdentifiers(PersonIdentifiers),
    /// Assert a fact over a range of days.
    RecordFact {
        /// Valid time.
        valid: DateRange,
        /// The fact.
        fact: PersonFact,
        /// Why.
        reason: Option<String>,
    },
    /// Retract knowledge of a kind of fact over a range of days.
    RetractFact {
        /// Kind.
        kind: FactKind,
        /// Valid time.
        valid: DateRange,
        /// Why.
        reason: Option<String>,
    },
    /// Record a legal protection measure.
    RecordProtection(LegalProtection),
    /// Record a consent or legal basis.
    RecordConsent(ConsentRecord),
    /// Withdraw a consent.
    WithdrawConsent {
        /// Which record.
        id: ConsentId,
        /// From when.
        on: NaiveDate,
    },
}

fn check_identifiers(ids: &PersonIdentifiers) -> Result<()> {
    if ids.codice_fiscale.is_none() && ids.temporary_code.is_none() && ids.anpr_id.is_none() {
        return Err(Error::invalid(
            "identifiers",
            "a codice fiscale, a temporary code or an ANPR id is required",
        ));
    }
    Ok(())
}

fn check_fact(fact: &PersonFact) -> Result<()> {
    match fact {
        PersonFact::Citizenships(codes) => {
            if codes.is_empty() {
                return Err(Error::invalid("fact.citizenships", "at least one code is required"));
            }
            if !codes.iter().all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit())) {
                return Err(Error::invalid(
                    "fact.citizenships",
                    "codes must be ISO 3166 numeric (3 digits)",
                ));
            }
        }
        PersonFact::MaritalStatus(code) if !(1..=8).contains(code) => {
            return Err(Error::invalid("fact.marital_status", "ANPR statoCivile code is 1-8"));
        }
        _ => {}
    }
    Ok(())
}

impl crate::engine::Aggregate for Person {
    type Id = PersonId;
    type Command = PersonCommand;
    type Event = PersonEvent;
    const SUBJECT: Subject = Subject::Person;

    fn state_name(state: Option<&Person>) -> &'static str {
        if state.is_some() {
            "registered"
        } else {
            "absent"
        }
    }

    fn decide(
        id: &PersonId,
        state: Option<&Person>,
        command: &PersonCommand,
        ctx: &crate::engine::CommandContext,
    ) -> Result<Vec<PersonEvent>> {
        let refuse = |command: &'static str| -> Error {
            TransitionError { subject: Subject::Person, state: Self::state_name(state), command }
                .into()
        };
        match (state, command) {
            (None, PersonCommand::Register { identifiers, sex, birth, anonymous }) => {
                check_identifiers(identifiers)?;
                Ok(vec![PersonEvent::Registered {
                    id: id.clone(),
                    identifiers: identifiers.clone(),
                    sex: *sex,
                    birth: birth.clone(),
                    anonymous: *anonymous,
                }])
            }
            (Some(_), PersonCommand::Register { .. }) => {
                Err(Error::AlreadyExists { subject: Subject::Person, id: id.to_string() })
            }
            (None, _) => Err(Error::NotFound { subject: Subject::Person, id: id.to_string() }),
            (Some(_), PersonCommand::ChangeIdentifiers(identifiers)) => {
                check_identifiers(identifiers)?;
                Ok(vec![PersonEvent::IdentifiersChanged { identifiers: identifiers.clone() }])
            }
            (Some(_), PersonCommand::RecordFact { valid, fact, reason }) => {
                check_fact(fact)?;
                Ok(vec![PersonEvent::FactRecorded {
                    kind: fact.kind(),
                    record: FactRecord {
                        valid: *valid,
                        recorded_at: ctx.now,
                        value: Some(fact.clone()),
                        reason: reason.clone(),
                    },
                }])
            }
            (Some(_), PersonCommand::RetractFact { kind, valid, reason }) => {
                Ok(vec![PersonEvent::FactRecorded {
                    kind: *kind,
                    record: FactRecord {
                        valid: *valid,
                        recorded_at: ctx.now,
                        value: None,
                        reason: reason.clone(),
                    },
                }])
            }
            (Some(_), PersonCommand::RecordProtection(p)) => {
                if p.decree_number.trim().is_empty() {
                    return Err(Error::invalid("protection.decree_number", "is empty"));
                }
                Ok(vec![PersonEvent::ProtectionRecorded(p.clone())])
            }
            (Some(person), PersonCommand::RecordConsent(c)) => {
                if person.consents.contains_key(&c.id) {
                    return Err(Error::AlreadyExists {
                        subject: Subject::Consent,
                        id: c.id.to_string(),
                    });
                }
                if c.withdrawn_on.is_some() {
                    return Err(Error::invalid(
                        "consent.withdrawn_on",
                        "must be empty when recording",
                    ));
                }
                Ok(vec![PersonEvent::ConsentRecorded(c.clone())])
            }
            (Some(person), PersonCommand::WithdrawConsent { id: cid, on }) => {
                let record = person.consents.get(cid).ok_or_else(|| Error::NotFound {
                    subject: Subject::Consent,
                    id: cid.to_string(),
                })?;
                if !record.is_consent_based() {
                    // A basis in law (art. 6(1)(c)/(e)) cannot be withdrawn; objection (art. 21)
                    // is a different procedure.
                    return Err(refuse("withdraw_consent"));
                }
                if record.withdrawn_on.is_some() {
                    return Err(refuse("withdraw_consent"));
                }
                if *on < record.given_on {
                    return Err(Error::invalid("consent.on", "is before the consent was given"));
                }
                Ok(vec![PersonEvent::ConsentWithdrawn { id: cid.clone(), on: *on }])
            }
        }
    }

    fn apply(state: Option<Person>, event: &PersonEvent) -> Result<Person> {
        match (state, event) {
            (None, PersonEvent::Registered { id, identifiers, sex, birth, anonymous }) => {
                Ok(Person {
                    id: id.clone(),
                    identifiers: identifiers.clone(),
                    sex: *sex,
                    birth: birth.clone(),
                    anonymous: *anonymous,
                    facts: BTreeMap::new(),
                    protections: Vec::new(),
                    consents: BTreeMap::new(),
                })
            }
            (Some(mut p), e) => {
                match e {
                    PersonEvent::Registered { .. } => {
                        return Err(Error::AlreadyExists {
                            subject: Subject::Person,
                            id: p.id.to_string(),
                        })
                    }
                    PersonEvent::IdentifiersChanged { identifiers } => {
                        p.identifiers = identifiers.clone();
                    }
                    PersonEvent::FactRecorded { kind, record } => {
                        p.facts.entry(*kind).or_default().push(record.clone());
                    }
                    PersonEvent::ProtectionRecorded(pr) => p.protections.push(pr.clone()),
                    PersonEvent::ConsentRecorded(c) => {
                        p.consents.insert(c.id.clone(), c.clone());
                    }
                    PersonEvent::ConsentWithdrawn { id, on } => {
                        if let Some(c) = p.consents.get_mut(id) {
                            c.withdrawn_on = Some(*on);
                        }
                    }
                }
                Ok(p)
            }
            (None, _) => Err(Error::NotFound { subject: Subject::Person, id: String::new() }),
        }
    }
}
