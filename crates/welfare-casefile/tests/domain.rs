//! Persons (codice fiscale, bitemporal facts, consents), groups (ANPR codes), forms (SINA,
//! SINBA, Barthel, migration), PAI review dates, the catalogue and SINBA pseudonyms.

use std::collections::{BTreeMap, BTreeSet};

use welfare_casefile::engine::Aggregate;
use welfare_casefile::error::Error;
use welfare_casefile::forms::{Answer, FormRegistry, FormResponse, Migration};
use welfare_casefile::group::{Group, GroupCommand, GroupKind, RelationshipCode};
use welfare_casefile::ids::{ConsentId, GroupId, InterventionTypeId, PaiId, PersonId, TenantId};
use welfare_casefile::intervention::{
    Catalogue, CatalogueEntry, CodicePrestazione, DsuReference, HoursMinutes,
};
use welfare_casefile::pai::{
    Horizon, Monitoring, Objective, Pai, PaiBeneficiaries, PeriodUnit, ReviewFrequency,
};
use welfare_casefile::person::{
    Art6Basis, Art9Basis, Birth, CodiceFiscale, CodiceFiscaleError, ConsentRecord, Dwelling,
    FactKind, Person, PersonCommand, PersonFact, PersonIdentifiers, ProcessingPurpose, Sex,
};
use welfare_casefile::pseudonym::{sinba_pseudonym, TenantSecret};
use welfare_types::dates::DateRange;

use crate::common::{at, ctx, d, org};

#[test]
fn codice_fiscale_is_the_shared_type() {
    // welfare_types::CodiceFiscale, re-exported: check characters per DM 23/12/1976.
    for cf in ["RSSMRA85T10A562S", "MRTMTT91D08F205J", "BNCGVN70A41H501L", "RSSMRAU5T10A562P"] {
        assert!(CodiceFiscale::parse(cf).is_ok(), "{cf}");
    }
    assert_eq!(
        CodiceFiscale::parse("RSSMRA85T10A562T").unwrap_err(),
        CodiceFiscaleError::CheckCharacter
    );
    // Provisional numeric code (same check digit as a partita IVA).
    assert!(CodiceFiscale::parse("00743110157").is_ok());
    assert!(!CodiceFiscaleError::CheckCharacter.to_string().contains("RSS"));
}

fn person_step(
    state: Option<Person>,
    c: PersonCommand,
    when: (i32, u32, u32),
) -> Result<Person, Error> {
    let id = PersonId::new("P-1").unwrap();
    let events = Person::decide(&id, state.as_ref(), &c, &ctx("as1", when.0, when.1, when.2))?;
    let mut s = state;
    for e in &events {
        s = Some(Person::apply(s, e)?);
    }
    Ok(s.unwrap())
}

#[test]
fn bitemporal_residence_history() {
    let p = person_step(
        None,
        PersonCommand::Register {
            identifiers: PersonIdentifiers {
                temporary_code: Some("TMP-1".into()),
                ..Default::default()
            },
            sex: Sex::F,
            birth: Birth { date: d(1990, 5, 1), place_code: "Z330".into() },
            anonymous: false,
        },
        (2026, 1, 10),
    )
    .unwrap();
    let homeless = PersonFact::Residence(Dwelling::Homeless { comune_istat: "028019".into() });
    let housed = PersonFact::Residence(Dwelling::Address {
        street: "Via Roma 1".into(),
        postcode: Some("35012".into()),
        comune_istat: Some("028019".into()),
        country_iso: "380".into(),
    });
    // Recorded on 10 Jan: homeless since 1 Jan.
    let p = person_step(
        Some(p),
        PersonCommand::RecordFact {
            valid: DateRange::starting(d(2026, 1, 1)),
            fact: homeless.clone(),
            reason: None,
        },
        (2026, 1, 10),
    )
    .unwrap();
    // Recorded on 1 March: housed since 15 February (a retroactive correction).
    let p = person_step(
        Some(p),
        PersonCommand::RecordFact {
            valid: DateRange::starting(d(2026, 2, 15)),
            fact: housed.clone(),
            reason: Some("ANPR C020".into()),
        },
        (2026, 3, 1),
    )
    .unwrap();
    let k = FactKind::Residence;
    // What was true on 20 Feb, as known on 20 Feb: homeless. As known today: housed.
    assert_eq!(p.fact(k, d(2026, 2, 20), at(2026, 2, 20)), Some(&homeless));
    assert_eq!(p.fact(k, d(2026, 2, 20), at(2026, 3, 2)), Some(&housed));
    // Early January stays homeless in both views.
    assert_eq!(p.fact(k, d(2026, 1, 5), at(2026, 3, 2)), Some(&homeless));
    // Before anything was recorded: unknown.
    assert_eq!(p.fact(k, d(2026, 1, 5), at(2026, 1, 9)), None);
    // A retraction over March removes knowledge for March only.
    let p = person_step(
        Some(p),
        PersonCommand::RetractFact {
            kind: k,
            valid: DateRange::new(d(2026, 3, 1), Some(d(2026, 3, 31))).unwrap(),
            reason: None,
        },
        (2026, 4, 1),
    )
    .unwrap();
    assert_eq!(p.fact(k, d(2026, 3, 10), at(2026, 4, 2)), None);
    assert_eq!(p.fact(k, d(2026, 4, 10), at(2026, 4, 2)), Some(&housed));
    // Invalid citizenship codes are refused (ISO 3166 numeric, 3 digits).
    let bad = PersonCommand::RecordFact {
        valid: DateRange::starting(d(2026, 1, 1)),
        fact: PersonFact::Citizenships(vec!["IT".into()]),
        reason: None,
    };
    assert!(matches!(person_step(Some(p), bad, (2026, 4, 1)), Err(Error::Invalid { .. })));
}

#[test]
fn consents_and_legal_bases() {
    let p = person_step(
        None,
        PersonCommand::Register {
            identifiers: PersonIdentifiers {
                codice_fiscale: Some(CodiceFiscale::parse("RSSMRA85T10A562S").unwrap()),
                ..Default::default()
            },
            sex: Sex::M,
            birth: Birth { date: d(1985, 12, 10), place_code: "A562".into() },
            anonymous: false,
        },
        (2026, 1, 10),
    )
    .unwrap();
    let law = ConsentRecord {
        id: ConsentId::new("L-1").unwrap(),
        organisation: org("B563"),
        purpose: ProcessingPurpose::CaseWork,
        art6: Art6Basis::PublicTask,
        art9: Some(Art9Basis::SubstantialPublicInterest),
        national_provision: Some("D.Lgs. 196/2003 art. 2-sexies c. 2 lett. s".into()),
        given_on: d(2026, 1, 10),
        withdrawn_on: None,
    };
    let consent = ConsentRecord {
        id: ConsentId::new("K-1").unwrap(),
        purpose: ProcessingPurpose::ShareWithLabourServices,
        art6: Art6Basis::Consent,
        art9: None,
        national_provision: None,
        ..law.clone()
    };
    let p = person_step(Some(p), PersonCommand::RecordConsent(law), (2026, 1, 10)).unwrap();
    let p = person_step(Some(p), PersonCommand::RecordConsent(consent), (2026, 1, 10)).unwrap();
    // A basis in law cannot be "withdrawn".
    assert!(matches!(
        person_step(
            Some(p.clone()),
            PersonCommand::WithdrawConsent {
                id: ConsentId::new("L-1").unwrap(),
                on: d(2026, 2, 1)
            },
            (2026, 2, 1)
        ),
        Err(Error::Transition(_))
    ));
    let p = person_step(
        Some(p),
        PersonCommand::WithdrawConsent { id: ConsentId::new("K-1").unwrap(), on: d(2026, 2, 1) },
        (2026, 2, 1),
    )
    .unwrap();
    let k = &p.consents[&ConsentId::new("K-1").unwrap()];
    assert!(k.in_force_on(d(2026, 1, 31)));
    assert!(!k.in_force_on(d(2026, 2, 1)));
    assert!(p.consents[&ConsentId::new("L-1").unwrap()].in_force_on(d(2026, 2, 1)));
}

#[test]
fn groups_use_anpr_relationship_codes() {
    assert_eq!(RelationshipCode::new(3).unwrap().label(), Some("Figlio / Figlia"));
    assert_eq!(RelationshipCode::new(28).unwrap().label(), Some("Unito civilmente"));
    assert_eq!(RelationshipCode::new(81).unwrap().label(), Some("Nipote"));
    for bad in [0u8, 26, 27, 29, 79, 82, 98, 100] {
        assert!(RelationshipCode::new(bad).is_err(), "{bad}");
    }
    assert!(serde_json::from_str::<RelationshipCode>("26").is_err());
    let id = GroupId::new("G-1").unwrap();
    let c = ctx("as1", 2026, 3, 2);
    let mut g = None;
    for command in [
        GroupCommand::Form { kind: GroupKind::FamigliaAnagrafica, anpr_id: Some("123456".into()) },
        GroupCommand::Join {
            person: PersonId::new("P-1").unwrap(),
            relationship: RelationshipCode::HEAD,
            from: d(2020, 1, 1),
        },
        GroupCommand::Join {
            person: PersonId::new("P-2").unwrap(),
            relationship: RelationshipCode::CHILD,
            from: d(2020, 1, 1),
        },
        GroupCommand::Leave { person: PersonId::new("P-2").unwrap(), on: d(2025, 12, 31) },
    ] {
        for e in Group::decide(&id, g.as_ref(), &command, &c).unwrap() {
            g = Some(Group::apply(g, &e).unwrap());
        }
    }
    let g = g.unwrap();
    assert_eq!(g.members_on(d(2025, 6, 1)).count(), 2);
    assert_eq!(g.members_on(d(2026, 1, 1)).count(), 1);
    // A second head in a famiglia anagrafica is refused.
    let second = GroupCommand::Join {
        person: PersonId::new("P-3").unwrap(),
        relationship: RelationshipCode::HEAD,
        from: d(2026, 1, 1),
    };
    assert!(Group::decide(&id, Some(&g), &second, &c).is_err());
}

fn sina_answers() -> BTreeMap<String, Answer> {
    let mut a = BTreeMap::new();
    for (k, v) in [
        ("Mobilita", 2),
        ("AttivitaVitaQuotidiana", 2),
        ("DisturbiComportamentali", 1),
        ("AreaReddituale", 2),
        ("AreaSupporto", 2),
        ("FonteDerivazioneValutazione", 1),
        ("StrumentoValutazione", 1),
    ] {
        a.insert(k.to_string(), Answer::Code(v));
    }
    a.insert("InvaliditaCivile".into(), Answer::Codes(BTreeSet::from([1, 6])));
    a.insert(
        "NecessitaInterventiSociali".into(),
        Answer::Prestazioni(vec![CodicePrestazione::new("A2.07").unwrap()]),
    );
    a
}

#[test]
fn sina_codes_follow_the_xsd() {
    let r = FormRegistry::builtin();
    let ok = FormResponse { form: "sina".into(), version: 1, answers: sina_answers() };
    r.validate(&ok).unwrap();
    assert_eq!(r.score(&ok).unwrap(), None, "SINA has no score");
    // StrumentoValutazione is 1–7 (7 = altro); 8 does not exist.
    let mut bad = ok.clone();
    bad.answers.insert("StrumentoValutazione".into(), Answer::Code(8));
    assert!(r.validate(&bad).is_err());
    // DisturbiComportamentali is 1–2 only.
    let mut bad = ok.clone();
    bad.answers.insert("DisturbiComportamentali".into(), Answer::Code(3));
    assert!(r.validate(&bad).is_err());
    // InvCiv codes are 1–8.
    let mut bad = ok.clone();
    bad.answers.insert("InvaliditaCivile".into(), Answer::Codes(BTreeSet::from([9])));
    assert!(r.validate(&bad).is_err());
    // Mobilita is required.
    let mut bad = ok;
    bad.answers.remove("Mobilita");
    let err = r.validate(&bad).unwrap_err();
    assert_eq!(err.to_string(), "invalid sina.Mobilita: is required");
    // The SINBA definition holds the XSD's required items.
    let sinba = r.latest("sinba").unwrap();
    let required: Vec<_> =
        sinba.items.iter().filter(|i| i.required).map(|i| i.code.as_str()).collect();
    for code in [
        "MinoreStranieroNoAcc",
        "CondizioneMinore",
        "LuogoVita",
        "ScuolaFrequentata",
        "DataPrimaSegnalazione",
        "FonteSegnalazione",
        "ValutazioneMinore",
        "ValutazioneFamigliaMinore",
        "FasciaEtaBeneficiario",
    ] {
        assert!(required.contains(&code), "{code}");
    }
    // FonteSegnalazione has 14 codes, ValutazioneMinore 13 (SINBA.xsd).
    let count = |code: &str| match &sinba.items.iter().find(|i| i.code == code).unwrap().kind {
        welfare_casefile::forms::ItemKind::Choice { options } => options.len(),
        _ => 0,
    };
    assert_eq!(count("FonteSegnalazione"), 14);
    assert_eq!(count("ValutazioneMinore"), 13);
    assert_eq!(count("ValutazioneFamigliaMinore"), 13);
    assert_eq!(count("CarattereInserimentoResidenziale"), 10);
}

fn barthel(points: [u8; 10]) -> FormResponse {
    let items = [
        "feeding",
        "bathing",
        "grooming",
        "dressing",
        "bowels",
        "bladder",
        "toilet",
        "transfers",
        "mobility",
        "stairs",
    ];
    FormResponse {
        form: "barthel".into(),
        version: 1,
        answers: items.iter().zip(points).map(|(k, v)| (k.to_string(), Answer::Code(v))).collect(),
    }
}

#[test]
fn barthel_bands_at_every_boundary() {
    // Shah, Vanclay & Cooper (1989) bands.
    let r = FormRegistry::builtin();
    for (points, total, band) in [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "dipendenza totale"),
        ([10, 0, 0, 0, 10, 0, 0, 0, 0, 0], 20, "dipendenza totale"),
        ([10, 0, 0, 0, 10, 0, 5, 0, 0, 0], 25, "dipendenza grave"),
        ([10, 0, 0, 5, 10, 10, 5, 5, 0, 0], 45, "dipendenza grave"),
        ([10, 0, 0, 5, 10, 10, 5, 10, 0, 0], 50, "dipendenza moderata"),
        ([10, 0, 5, 5, 10, 10, 5, 10, 10, 5], 70, "dipendenza moderata"),
        ([10, 0, 5, 10, 10, 10, 5, 10, 10, 5], 75, "dipendenza lieve"),
        ([10, 5, 5, 10, 10, 10, 10, 15, 10, 5], 90, "dipendenza lieve"),
        ([10, 5, 5, 10, 10, 10, 10, 15, 15, 5], 95, "dipendenza minima"),
        ([10, 5, 5, 10, 10, 10, 10, 15, 15, 10], 100, "autosufficiente"),
    ] {
        let s = r.score(&barthel(points)).unwrap().unwrap();
        assert_eq!((s.total, s.band.as_deref()), (total, Some(band)), "{points:?}");
    }
    // 7 points is not an option for feeding.
    assert!(r.score(&barthel([7, 0, 0, 0, 0, 0, 0, 0, 0, 0])).is_err());
}

#[test]
fn form_migration_renames_recodes_and_drops() {
    let mut r = FormRegistry::builtin();
    let mut v2 = r.get("sina", 1).unwrap().clone();
    v2.version = 2;
    for item in &mut v2.items {
        if item.code == "AreaSupporto" {
            item.code = "ReteSupporto".into();
        }
    }
    v2.items.retain(|i| i.code != "FonteDerivazioneInvalidita");
    r.add(v2);
    r.migrations.push(Migration {
        form: "sina".into(),
        from: 1,
        to: 2,
        rename: BTreeMap::from([("AreaSupporto".into(), "ReteSupporto".into())]),
        recode: BTreeMap::from([("Mobilita".into(), BTreeMap::from([(2, 3)]))]),
        drop: BTreeSet::from(["FonteDerivazioneInvalidita".into()]),
    });
    let mut a = sina_answers();
    a.insert("FonteDerivazioneInvalidita".into(), Answer::Code(1));
    let v1 = FormResponse { form: "sina".into(), version: 1, answers: a };
    let m = r.migrate(&v1, 2).unwrap();
    assert_eq!(m.version, 2);
    assert_eq!(m.answers.get("ReteSupporto"), Some(&Answer::Code(2)));
    assert_eq!(m.answers.get("Mobilita"), Some(&Answer::Code(3)));
    assert!(!m.answers.contains_key("FonteDerivazioneInvalidita"));
    assert!(r.migrate(&v1, 3).is_err(), "no migration 2 → 3");
}

#[test]
fn pai_review_dates() {
    let mut pai = Pai {
        id: PaiId::new("PAI-1").unwrap(),
        beneficiaries: PaiBeneficiaries::Individual,
        motivation: "sostegno abitativo".into(),
        objectives: vec![Objective {
            horizon: Horizon::Short,
            text: "trovare alloggio".into(),
            achieved: None,
        }],
        review_every: ReviewFrequency { count: 1, unit: PeriodUnit::Months },
        started_on: d(2026, 1, 31),
        expected_end: Some(d(2026, 12, 31)),
        monitoring: vec![],
        closure: None,
    };
    pai.validate().unwrap();
    // Monthly from 31 January: due 28 February 2026 (calendar month, clamped).
    assert_eq!(pai.next_review().unwrap(), Some(d(2026, 2, 28)));
    assert!(!pai.due_for_review(d(2026, 2, 27)).unwrap());
    assert!(pai.due_for_review(d(2026, 2, 28)).unwrap());
    pai.monitoring.push(Monitoring {
        on: d(2026, 3, 10),
        outcomes: BTreeMap::new(),
        note: String::new(),
    });
    assert_eq!(pai.next_review().unwrap(), Some(d(2026, 4, 10)));
    pai.review_every = ReviewFrequency { count: 2, unit: PeriodUnit::Weeks };
    assert_eq!(pai.next_review().unwrap(), Some(d(2026, 3, 24)));
    assert!(!pai.due_for_closure(d(2026, 12, 30)));
    assert!(pai.due_for_closure(d(2026, 12, 31)));
    pai.review_every.count = 0;
    pai.monitoring.clear();
    assert!(pai.validate().is_err());
}

#[test]
fn catalogue_and_inps_codes() {
    for ok in ["A1.04", "A1.05.01", "Z9.99", "A2.16"] {
        assert!(CodicePrestazione::new(ok).is_ok(), "{ok}");
    }
    for bad in ["A1", "A1.4", "a1.04", "A1.04.", "A1.04.001", "AA.04"] {
        assert!(CodicePrestazione::new(bad).is_err(), "{bad}");
    }
    let c = |s: &str| CodicePrestazione::new(s).unwrap();
    // SISO's SINA-linkable list and the A2.16–A2.29 presa-in-carico range.
    assert!(c("A1.04").default_sina_linkable() && c("A3.02").default_sina_linkable());
    assert!(!c("A1.01").default_sina_linkable());
    assert!(c("A2.16").default_only_if_in_charge() && c("A2.29").default_only_if_in_charge());
    assert!(!c("A2.15").default_only_if_in_charge() && !c("A2.30").default_only_if_in_charge());
    let node = |id: &str, parent: Option<&str>| CatalogueEntry {
        id: InterventionTypeId::new(id).unwrap(),
        parent: parent.map(|p| InterventionTypeId::new(p).unwrap()),
        name: id.into(),
        inps_code: None,
        inps_label: None,
        psa: false,
        only_if_in_charge: false,
        sina_linkable: false,
        do_not_export: false,
        valid: DateRange::starting(d(2020, 1, 1)),
    };
    let mut cat = Catalogue::default();
    cat.insert(node("econ", None));
    cat.insert(node("econ.affitto", Some("econ")));
    cat.validate().unwrap();
    cat.insert(node("loop.a", Some("loop.b")));
    cat.insert(node("loop.b", Some("loop.a")));
    assert!(cat.validate().is_err());
    // SIUSS hours are hours and minutes: 2 h 59 min → "2.59".
    assert_eq!(HoursMinutes { hours: 2, minutes: 59 }.siuss_text(), "2.59");
    // DSU protocol format INPS-ISEE-YYYY-NNNNNNNNL-NN.
    let dsu = |p: &str, y| DsuReference { protocol: p.into(), year: y, date: d(2026, 1, 15) };
    dsu("INPS-ISEE-2026-00000032P-00", 2026).validate().unwrap();
    dsu("INPS-ISEE-2026-00000032-00", 2026).validate().unwrap();
    assert!(dsu("INPS-ISEE-2026-00000032P-00", 2025).validate().is_err());
    assert!(dsu("INPS-ISE-2026-00000032P-00", 2026).validate().is_err());
}

#[test]
fn sinba_pseudonyms_are_stable_keyed_and_short() {
    let secret = TenantSecret::new(vec![42u8; 32]).unwrap();
    let other_secret = TenantSecret::new(vec![43u8; 32]).unwrap();
    let t = TenantId::new("ambito-ven15").unwrap();
    let child = PersonId::new("P-000042").unwrap();
    let a = sinba_pseudonym(&secret, &t, &child).unwrap();
    assert_eq!(a.len(), 20, "SINBA IDBeneficiario is 1-20 characters");
    assert!(a.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
    assert_eq!(a, sinba_pseudonym(&secret, &t, &child).unwrap());
    assert_ne!(a, sinba_pseudonym(&other_secret, &t, &child).unwrap());
    assert_ne!(a, sinba_pseudonym(&secret, &TenantId::new("other").unwrap(), &child).unwrap());
    assert_ne!(a, sinba_pseudonym(&secret, &t, &PersonId::new("P-000043").unwrap()).unwrap());
    assert!(!a.contains("000042"));
    assert!(TenantSecret::new(vec![1; 31]).is_err());
    assert_eq!(format!("{secret:?}"), "TenantSecret(<redacted>)");
}

#[test]
fn referral_states() {
    use welfare_casefile::ids::{CaseId, IntakeId, UnitId};
    use welfare_casefile::intake::{
        AccessMode, AccessReason, AccessRecord, AreaUtenza, Intake, IntakeCommand as I,
        Interlocutor, ReferralOrigin, ReferralState,
    };
    let id = IntakeId::new("A-1").unwrap();
    let c = ctx("desk", 2026, 3, 2);
    let step = |s: Option<Intake>, cmd: I| -> Result<Intake, Error> {
        let mut s = s;
        for e in Intake::decide(&id, s.as_ref(), &cmd, &c)? {
            s = Some(Intake::apply(s, &e)?);
        }
        Ok(s.unwrap())
    };
    let access = AccessRecord {
        on: d(2026, 3, 2),
        organisation: org("B563"),
        unit: UnitId::new("desk").unwrap(),
        mode: AccessMode::PhoneReferral,
        interlocutor: Interlocutor::Institution,
        reason: AccessReason::SentBy(UnitId::new("ss-lor").unwrap()),
        person: None,
        reference_persons: vec![],
        needs: BTreeSet::new(),
        areas: BTreeSet::from([AreaUtenza::FamigliaMinori]),
        accompanied: false,
    };
    let s = step(None, I::Record { access, origin: ReferralOrigin::ExternalSystem }).unwrap();
    assert_eq!(s.referral, ReferralState::None);
    // Nothing to see or link before a referral is proposed.
    assert!(matches!(
        step(Some(s.clone()), I::MarkSeen { note: "x".into() }),
        Err(Error::Transition(_))
    ));
    let s = step(Some(s), I::Propose { to: UnitId::new("ss").unwrap() }).unwrap();
    let seen = step(Some(s.clone()), I::MarkSeen { note: "visto".into() }).unwrap();
    assert_eq!(seen.referral, ReferralState::Seen { to: UnitId::new("ss").unwrap() });
    // Linking needs the person identified first.
    assert!(matches!(
        step(Some(seen.clone()), I::Link(CaseId::new("C-1").unwrap())),
        Err(Error::Invalid { .. })
    ));
    let who = step(Some(seen), I::IdentifyPerson(PersonId::new("P-1").unwrap())).unwrap();
    let linked = step(Some(who), I::Link(CaseId::new("C-1").unwrap())).unwrap();
    assert_eq!(linked.referral, ReferralState::Linked(CaseId::new("C-1").unwrap()));
    // Final states accept nothing more.
    assert!(step(Some(linked), I::Reject { note: "no".into() }).is_err());
    // A rejection needs a note.
    assert!(matches!(
        step(Some(s.clone()), I::Reject { note: " ".into() }),
        Err(Error::Invalid { .. })
    ));
    let rejected = step(Some(s), I::Reject { note: "non di competenza".into() }).unwrap();
    assert_eq!(rejected.referral, ReferralState::Rejected);
}

#[test]
fn legal_protection_is_recorded_with_its_decree() {
    use welfare_casefile::person::{LegalProtection, ProtectionKind};
    let p = person_step(
        None,
        PersonCommand::Register {
            identifiers: PersonIdentifiers {
                anpr_id: Some("ANPR123".into()),
                ..Default::default()
            },
            sex: Sex::M,
            birth: Birth { date: d(1940, 2, 2), place_code: "B563".into() },
            anonymous: false,
        },
        (2026, 1, 10),
    )
    .unwrap();
    let ads = LegalProtection {
        kind: ProtectionKind::AmministrazioneDiSostegno,
        guardian: Some(PersonId::new("P-9").unwrap()),
        authority: "Tribunale di Padova - giudice tutelare".into(),
        decree_number: "RG 1234/2025".into(),
        decree_date: d(2025, 11, 3),
        valid: DateRange::starting(d(2025, 11, 3)),
    };
    let p =
        person_step(Some(p), PersonCommand::RecordProtection(ads.clone()), (2026, 1, 10)).unwrap();
    assert_eq!(p.protections, vec![ads.clone()]);
    let bad = LegalProtection { decree_number: "".into(), ..ads };
    assert!(person_step(Some(p), PersonCommand::RecordProtection(bad), (2026, 1, 10)).is_err());
}
