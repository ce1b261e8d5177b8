//! One family, from the access desk to a granted istanza and a delivery ready for SIUSS.
//!
//! Giulia, a mother living in Camposampiero with her son Luca, asks the segretariato sociale
//! for help with the rent. The desk records the access and refers her to the servizio sociale
//! professionale; the social worker opens a case, takes it in charge, records an interview and
//! the ISEE, writes a PAI. Giulia submits an istanza for a rent contribution; the office asks
//! for the lease (the clock stops), decides within the L. 241/1990 term, and the contribution is
//! planned and paid. The delivery carries everything a SIUSS PS/PSA record needs.
//!
//! Run: `cargo run -p welfare-examples --example casefile_scenario`

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::io::Write;

use chrono::{NaiveDate, TimeZone, Utc};
use welfare_casefile::access::Purpose;
use welfare_casefile::calendar::ItalianCalendar;
use welfare_casefile::case::{CaseCommand, DocumentRef, IseeKind, JournalPayload, Visibility};
use welfare_casefile::chain::verify;
use welfare_casefile::engine::CommandContext;
use welfare_casefile::events::AggregateRef;
use welfare_casefile::group::{GroupCommand, GroupKind, RelationshipCode};
use welfare_casefile::ids::{
    CaseId, CommandId, ConsentId, DeliveryId, DocumentId, GroupId, IntakeId, InterventionTypeId,
    IstanzaId, OperatorId, OrganisationId, PaiId, PersonId, PlannedInterventionId, TenantId,
    UnitId,
};
use welfare_casefile::intake::{
    AccessMode, AccessReason, AccessRecord, AreaUtenza, IntakeCommand, Interlocutor, ReferralOrigin,
};
use welfare_casefile::intervention::{
    AdminStatus, CatalogueEntry, CodicePrestazione, Delivery, DeliveryAmount, DsuReference,
    PlannedIntervention, ProvaMezzi, Shares,
};
use welfare_casefile::istanza::{
    Channel, Decision, IstanzaCommand, IstanzaStatus, Outcome, Procedure, Protocol,
};
use welfare_casefile::pai::{
    Horizon, Objective, Pai, PaiBeneficiaries, PeriodUnit, ReviewFrequency,
};
use welfare_casefile::person::{
    Art6Basis, Art9Basis, Birth, CodiceFiscale, ConsentRecord, Dwelling, PersonCommand, PersonFact,
    PersonIdentifiers, ProcessingPurpose, Sex,
};
use welfare_casefile::pseudonym::{sinba_pseudonym, TenantSecret};
use welfare_casefile::reports;
use welfare_casefile::service::CaseFile;
use welfare_casefile::store::{CaseStore, InMemoryStore};
use welfare_casefile::tenancy::{
    Operator, Organisation, ProfessionalProfile, Role, ServiceUnit, Tenant, TenantKind,
    UnitMembership, UnitRole,
};
use welfare_types::dates::DateRange;
use welfare_types::Money;

type Res<T> = Result<T, Box<dyn Error>>;

/// What the scenario ends with, for the test that runs it (the binary only prints).
#[derive(Debug)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Summary {
    pub(crate) istanza_status: IstanzaStatus,
    pub(crate) deadline: Option<NaiveDate>,
    pub(crate) siuss_gaps: usize,
    pub(crate) presa_in_carico: bool,
    pub(crate) days_intake_to_charge: Option<i64>,
    pub(crate) spending_a1_05: Option<Money>,
    pub(crate) chain_length: u64,
    pub(crate) access_log_entries: usize,
    pub(crate) denied_reads: usize,
    pub(crate) outbox_topics: usize,
    pub(crate) sinba_pseudonym_len: usize,
    pub(crate) siuss_json: String,
}

fn day(y: i32, m: u32, d: u32) -> Res<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| "bad date".into())
}

fn at(actor: &str, y: i32, m: u32, d: u32) -> Res<CommandContext> {
    let now = Utc.with_ymd_and_hms(y, m, d, 9, 30, 0).single().ok_or("bad instant")?;
    Ok(CommandContext { actor: OperatorId::new(actor)?, now })
}

fn tenant() -> Res<Tenant> {
    let mut organisations = BTreeMap::new();
    for (belfiore, name, istat, capofila) in [
        ("B563", "Comune di Camposampiero", "028019", true),
        ("E684", "Comune di Loreggia", "028046", false),
    ] {
        organisations.insert(
            OrganisationId::new(belfiore)?,
            Organisation {
                id: OrganisationId::new(belfiore)?,
                name: name.into(),
                belfiore: belfiore.into(),
                istat_code: Some(istat.into()),
                is_capofila: capofila,
                siuss_ente_code: Some(belfiore.into()),
                patron_saint: None,
            },
        );
    }
    let mut units = BTreeMap::new();
    for (id, org, roles) in [
        ("desk", "B563", vec![UnitRole::Sends]),
        (
            "ss",
            "B563",
            vec![UnitRole::Receives, UnitRole::TakesCharge, UnitRole::Owns, UnitRole::Delivers],
        ),
        ("ss-lor", "E684", vec![UnitRole::TakesCharge]),
    ] {
        units.insert(
            UnitId::new(id)?,
            ServiceUnit {
                id: UnitId::new(id)?,
                organisation: OrganisationId::new(org)?,
                name: id.into(),
                roles: roles.into_iter().collect(),
                second_level: false,
            },
        );
    }
    let mut operators = BTreeMap::new();
    for (id, unit, role, profile) in [
        ("desk", "desk", Role::FrontDesk, ProfessionalProfile::Amministrativo),
        ("as1", "ss", Role::CaseWorker, ProfessionalProfile::AssistenteSociale),
        ("head", "ss", Role::ResponsabileUnita, ProfessionalProfile::AssistenteSociale),
        ("adm", "ss", Role::Administrative, ProfessionalProfile::Amministrativo),
        ("lor", "ss-lor", Role::CaseWorker, ProfessionalProfile::AssistenteSociale),
    ] {
        operators.insert(
            OperatorId::new(id)?,
            Operator {
                id: OperatorId::new(id)?,
                display_name: id.into(),
                profile,
                memberships: vec![UnitMembership {
                    unit: UnitId::new(unit)?,
                    role,
                    valid: DateRange::starting(day(2024, 1, 1)?),
                    can_sign: role == Role::ResponsabileUnita,
                    extra_permissions: BTreeSet::new(),
                }],
            },
        );
    }
    Ok(Tenant {
        id: TenantId::new("ambito-ven15")?,
        name: "Ambito territoriale sociale VEN_15 Camposampierese".into(),
        kind: TenantKind::Ambito,
        organisations,
        units,
        operators,
    })
}

fn contributo_affitto() -> Res<CatalogueEntry> {
    let code = CodicePrestazione::new("A1.05")?;
    Ok(CatalogueEntry {
        id: InterventionTypeId::new("econ.affitto")?,
        parent: None,
        name: "Contributo straordinario per il canone di locazione".into(),
        inps_label: Some("Contributi economici per alloggio".into()),
        psa: true,
        only_if_in_charge: code.default_only_if_in_charge(),
        sina_linkable: code.default_sina_linkable(),
        do_not_export: false,
        valid: DateRange::starting(day(2024, 1, 1)?),
        inps_code: Some(code),
    })
}

pub(crate) fn run_scenario(out: &mut dyn Write) -> Res<Summary> {
    let mut cf = CaseFile::new(tenant()?, InMemoryStore::new())?;
    let tid = cf.tenant().id.clone();
    let mut n = 0u32;
    let mut k = || -> Res<CommandId> {
        n += 1;
        Ok(CommandId::new(format!("cmd-{n:04}"))?)
    };

    // 1. The desk registers mother and son, their registry family, and the legal basis.
    let giulia = PersonId::new("P-000001")?;
    let luca = PersonId::new("P-000002")?;
    let desk = at("desk", 2026, 3, 2)?;
    cf.person(
        &desk,
        &giulia,
        &k()?,
        &PersonCommand::Register {
            identifiers: PersonIdentifiers {
                codice_fiscale: Some(CodiceFiscale::parse("BNCGVN70A41H501L")?),
                ..Default::default()
            },
            sex: Sex::F,
            birth: Birth { date: day(1970, 1, 1)?, place_code: "H501".into() },
            anonymous: false,
        },
    )?;
    cf.person(
        &desk,
        &giulia,
        &k()?,
        &PersonCommand::RecordFact {
            valid: DateRange::starting(day(2019, 6, 1)?),
            fact: PersonFact::Residence(Dwelling::Address {
                street: "Via Cornara 1".into(),
                postcode: Some("35012".into()),
                comune_istat: Some("028019".into()),
                country_iso: "380".into(),
            }),
            reason: Some("ANPR C020".into()),
        },
    )?;
    cf.person(
        &desk,
        &giulia,
        &k()?,
        &PersonCommand::RecordConsent(ConsentRecord {
            id: ConsentId::new("LB-1")?,
            organisation: OrganisationId::new("B563")?,
            purpose: ProcessingPurpose::CaseWork,
            art6: Art6Basis::PublicTask,
            art9: Some(Art9Basis::SubstantialPublicInterest),
            national_provision: Some("D.Lgs. 196/2003 art. 2-sexies c. 2 lett. s".into()),
            given_on: day(2026, 3, 2)?,
            withdrawn_on: None,
        }),
    )?;
    cf.person(
        &desk,
        &luca,
        &k()?,
        &PersonCommand::Register {
            identifiers: PersonIdentifiers {
                temporary_code: Some("TMP-2026-0007".into()),
                ..Default::default()
            },
            sex: Sex::M,
            birth: Birth { date: day(2016, 9, 12)?, place_code: "G224".into() },
            anonymous: false,
        },
    )?;
    let family = GroupId::new("G-ANPR-1")?;
    cf.group(
        &desk,
        &family,
        &k()?,
        &GroupCommand::Form { kind: GroupKind::FamigliaAnagrafica, anpr_id: None },
    )?;
    cf.group(
        &desk,
        &family,
        &k()?,
        &GroupCommand::Join {
            person: giulia.clone(),
            relationship: RelationshipCode::HEAD,
            from: day(2016, 9, 12)?,
        },
    )?;
    cf.group(
        &desk,
        &family,
        &k()?,
        &GroupCommand::Join {
            person: luca.clone(),
            relationship: RelationshipCode::CHILD,
            from: day(2016, 9, 12)?,
        },
    )?;

    // 2. Intake at the desk, referral to the servizio sociale professionale.
    let intake = IntakeId::new("ACC-2026-0031")?;
    cf.intake(
        &desk,
        &intake,
        &k()?,
        &IntakeCommand::Record {
            access: AccessRecord {
                on: day(2026, 3, 2)?,
                organisation: OrganisationId::new("B563")?,
                unit: UnitId::new("desk")?,
                mode: AccessMode::InPerson,
                interlocutor: Interlocutor::User,
                reason: AccessReason::Spontaneous,
                person: None,
                reference_persons: vec![],
                needs: BTreeSet::from(["abitazione".to_owned()]),
                areas: BTreeSet::from([AreaUtenza::PovertaEsclusione]),
                accompanied: false,
            },
            origin: ReferralOrigin::Desk,
        },
    )?;
    cf.intake(&desk, &intake, &k()?, &IntakeCommand::IdentifyPerson(giulia.clone()))?;
    cf.intake(&desk, &intake, &k()?, &IntakeCommand::Propose { to: UnitId::new("ss")? })?;

    // 3. The social worker opens the case and takes it in charge a week after the access.
    let as1 = at("as1", 2026, 3, 9)?;
    let case = CaseId::new("C-2026-0001")?;
    cf.intake(&as1, &intake, &k()?, &IntakeCommand::MarkSeen { note: "colloquio fissato".into() })?;
    cf.case(
        &as1,
        &case,
        &k()?,
        &CaseCommand::Open {
            person: giulia.clone(),
            organisation: OrganisationId::new("B563")?,
            unit: UnitId::new("ss")?,
            number: "2026/0001".into(),
            area: AreaUtenza::PovertaEsclusione,
            on: day(2026, 3, 9)?,
            intake: Some((intake.clone(), day(2026, 3, 2)?)),
        },
    )?;
    cf.intake(&as1, &intake, &k()?, &IntakeCommand::Link(case.clone()))?;
    cf.case(
        &as1,
        &case,
        &k()?,
        &CaseCommand::TakeInCharge {
            operator: OperatorId::new("as1")?,
            unit: UnitId::new("ss")?,
            on: day(2026, 3, 9)?,
        },
    )?;
    let dsu = DsuReference {
        protocol: "INPS-ISEE-2026-00012345A-00".into(),
        year: 2026,
        date: day(2026, 1, 20)?,
    };
    for (id, payload) in [
        (
            "J-1",
            JournalPayload::Interview {
                place: "sede".into(),
                with: vec![giulia.clone()],
                text: "Sfratto per morosità incolpevole.".into(),
            },
        ),
        (
            "J-2",
            JournalPayload::IseeAttestation {
                kind: IseeKind::Ordinario,
                dsu: dsu.clone(),
                isee: Money::parse("6800.00")?,
                valid_until: day(2026, 12, 31)?,
            },
        ),
    ] {
        cf.case(
            &as1,
            &case,
            &k()?,
            &CaseCommand::AddEntry {
                id: welfare_casefile::ids::EntryId::new(id)?,
                unit: UnitId::new("ss")?,
                on: day(2026, 3, 9)?,
                visibility: Visibility::Normal,
                special_categories: BTreeSet::new(),
                links: vec![],
                payload,
            },
        )?;
    }
    let pai = PaiId::new("PAI-1")?;
    cf.case(
        &as1,
        &case,
        &k()?,
        &CaseCommand::OpenPai(Pai {
            id: pai.clone(),
            beneficiaries: PaiBeneficiaries::Household(family.clone()),
            motivation: "rischio di perdita dell'alloggio".into(),
            objectives: vec![Objective {
                horizon: Horizon::Short,
                text: "sanare la morosità".into(),
                achieved: None,
            }],
            review_every: ReviewFrequency { count: 3, unit: PeriodUnit::Months },
            started_on: day(2026, 3, 9)?,
            expected_end: Some(day(2026, 12, 31)?),
            monitoring: vec![],
            closure: None,
        }),
    )?;

    // 4. The istanza: submitted by PEC on 10 March, lease requested on 16 March (clock stops
    //    after 6 days), received on 23 March: 24 days remain → deadline Thursday 16 April 2026.
    let ist = IstanzaId::new("IST-2026-0042")?;
    cf.istanza(
        &as1,
        &ist,
        &k()?,
        &IstanzaCommand::Draft {
            applicant: giulia.clone(),
            case: Some(case.clone()),
            organisation: OrganisationId::new("B563")?,
            procedure: Procedure {
                name: "Contributo straordinario affitto".into(),
                intervention_type: Some(InterventionTypeId::new("econ.affitto")?),
                term_days: 30,
            },
            calendar: ItalianCalendar::national(),
        },
    )?;
    let modulo = b"%PDF-1.7 domanda contributo affitto";
    cf.istanza(
        &as1,
        &ist,
        &k()?,
        &IstanzaCommand::Attach(DocumentRef::for_content(
            DocumentId::new("DOC-1")?,
            "domanda.pdf",
            "application/pdf",
            modulo,
        )),
    )?;
    cf.istanza(&as1, &ist, &k()?, &IstanzaCommand::ReferenceDsu(dsu.clone()))?;
    let protocol = Protocol { number: "2026/0004512".into(), date: day(2026, 3, 10)? };
    cf.istanza(
        &as1,
        &ist,
        &k()?,
        &IstanzaCommand::Submit {
            protocol: protocol.clone(),
            received_on: day(2026, 3, 10)?,
            channel: Channel::Pec,
        },
    )?;
    cf.istanza(&as1, &ist, &k()?, &IstanzaCommand::StartReview { on: day(2026, 3, 11)? })?;
    cf.istanza(
        &as1,
        &ist,
        &k()?,
        &IstanzaCommand::RequestIntegration {
            on: day(2026, 3, 16)?,
            items: vec!["contratto di locazione registrato".into()],
        },
    )?;
    let lease = b"%PDF-1.7 contratto di locazione";
    cf.istanza(
        &as1,
        &ist,
        &k()?,
        &IstanzaCommand::Attach(DocumentRef::for_content(
            DocumentId::new("DOC-2")?,
            "contratto.pdf",
            "application/pdf",
            lease,
        )),
    )?;
    let reviewed = cf.istanza(
        &as1,
        &ist,
        &k()?,
        &IstanzaCommand::ReceiveIntegration { on: day(2026, 3, 23)? },
    )?;
    let deadline = reviewed.state.deadline(None)?;
    let head = at("head", 2026, 4, 2)?;
    let record = r#"{"rulebook":"contributo-affitto-2026","isee":"6800.00","threshold":"9360.00","amount":"600.00"}"#;
    let granted = cf.istanza(
        &head,
        &ist,
        &k()?,
        &IstanzaCommand::Decide(Decision {
            outcome: Outcome::Granted,
            decided_on: day(2026, 4, 2)?,
            amount: Some(Money::parse("600.00")?),
            motivazione: "ISEE inferiore alla soglia del bando; morosità incolpevole documentata."
                .into(),
            decision_record: Some(record.into()),
            act_number: Some("DET-2026-118".into()),
        }),
    )?;

    // 5. Plan the contribution and pay it: a one-off A1.05, means-tested by ISEE.
    let planned = PlannedInterventionId::new("INT-1")?;
    cf.case(
        &as1,
        &case,
        &k()?,
        &CaseCommand::PlanIntervention(PlannedIntervention {
            id: planned.clone(),
            intervention_type: InterventionTypeId::new("econ.affitto")?,
            catalogue: contributo_affitto()?,
            beneficiary: giulia.clone(),
            pai: Some(pai.clone()),
            istanza: Some(ist.clone()),
            period: DateRange::new(day(2026, 4, 2)?, Some(day(2026, 12, 31)?))?,
            area: AreaUtenza::PovertaEsclusione,
            status: AdminStatus::Active { from: day(2026, 4, 2)? },
        }),
    )?;
    let adm = at("adm", 2026, 4, 15)?;
    let paid = cf.case(
        &adm,
        &case,
        &k()?,
        &CaseCommand::RecordDelivery(Delivery {
            id: DeliveryId::new("EROG-1")?,
            planned: planned.clone(),
            amount: DeliveryAmount::OneOff {
                on: day(2026, 4, 15)?,
                amount: Money::parse("600.00")?,
            },
            shares: Some(Shares {
                ente: Money::parse("600.00")?,
                utente: Money::ZERO,
                ssn: Money::ZERO,
            }),
            hours_per_month: None,
            means_test: ProvaMezzi::Isee,
            dsu: Some(dsu.clone()),
            application_protocol: protocol.number.clone(),
            sina: None,
        }),
    )?;
    let (delivery, in_charge) =
        paid.state.deliveries.get(&DeliveryId::new("EROG-1")?).ok_or("delivery missing")?;
    let plan = paid.state.interventions.get(&planned).ok_or("intervention missing")?;
    let gaps = delivery.siuss_gaps(plan, *in_charge);
    let siuss_record =
        welfare_casefile::siuss::prestazione_sociale(&paid.state, &DeliveryId::new("EROG-1")?)
            .map_err(|gaps| format!("delivery not ready for SIUSS: {gaps:?}"))?;

    // 6. Reads go through the policy and the access log; a colleague of another comune is denied.
    let view = cf.read_case(&at("as1", 2026, 4, 16)?, &case, Purpose::CaseWork)?;
    let denied = cf.read_case(&at("lor", 2026, 4, 16)?, &case, Purpose::CaseWork).is_err();

    // 7. Reports, the hash chain and the SINBA pseudonym of the child.
    let cases = cf.all_cases()?;
    let timing = reports::intake_to_charge(&cases);
    let year = DateRange::calendar_year(2026)?;
    let spending = reports::spending_by_inps_code(&cases, &year)?;
    let open = reports::open_cases_by_area_and_intervention(&cases);
    let records = cf.store().load(&tid, &AggregateRef::Case(case.clone()))?;
    let stored_head = cf.store().head(&tid, &AggregateRef::Case(case.clone()))?;
    let (chain_head, _) = verify(&records, Some(&stored_head))?;
    let secret = TenantSecret::new(b"ambito-ven15 key held in the key store!!".to_vec())?;
    let pseudonym = sinba_pseudonym(&secret, &tid, &luca)?;
    let log = cf.store().access_log(&tid)?;
    let outbox = cf.store().pending_outbox(&tid, 100)?;

    writeln!(
        out,
        "case {} ({}), entries visible to the case worker: {}",
        view.number,
        view.status.name(),
        view.entries.len()
    )?;
    writeln!(
        out,
        "istanza {}: {} on {}, deadline {}",
        protocol.number,
        granted.state.status.name(),
        day(2026, 4, 2)?,
        deadline.map_or("-".into(), |d| d.to_string())
    )?;
    writeln!(out, "delivery EROG-1: {} {} one-off, PresenzaProvaMezzi {}, PresaCarico {}, AreaUtenza {}, SIUSS gaps: {}",
        plan.catalogue.inps_code.as_ref().map_or("-", |c| c.as_str()), delivery.amount.total()?, delivery.means_test.siuss_code(),
        if *in_charge { 1 } else { 2 }, plan.area.siuss_code(), gaps.len())?;
    writeln!(out, "SIUSS PrestazioniSociali: {}", serde_json::to_string(&siuss_record)?)?;
    writeln!(out, "intake to presa in carico: {} days (median)", timing.median_days.unwrap_or(-1))?;
    for row in &open {
        writeln!(
            out,
            "open cases area {} code {}: {}",
            row.area.siuss_code(),
            row.inps_code.as_deref().unwrap_or("none"),
            row.cases
        )?;
    }
    for row in &spending {
        writeln!(
            out,
            "spending {}: {} deliveries, {} (ente {})",
            row.inps_code, row.deliveries, row.total, row.ente
        )?;
    }
    writeln!(out, "case log verified: {} events, head {}", chain_head.sequence, chain_head.hash)?;
    writeln!(
        out,
        "access log: {} entries; outbox: {} messages; SINBA id of the child: {}",
        log.len(),
        outbox.len(),
        pseudonym
    )?;

    Ok(Summary {
        istanza_status: granted.state.status,
        deadline,
        siuss_gaps: gaps.len(),
        presa_in_carico: *in_charge,
        days_intake_to_charge: timing.median_days,
        spending_a1_05: spending.iter().find(|r| r.inps_code == "A1.05").map(|r| r.total),
        chain_length: chain_head.sequence,
        access_log_entries: log.len(),
        denied_reads: usize::from(denied),
        outbox_topics: outbox.len(),
        sinba_pseudonym_len: pseudonym.len(),
        siuss_json: serde_json::to_string(&siuss_record)?,
    })
}

fn main() -> Res<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    run_scenario(&mut lock)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_reaches_a_granted_istanza_and_a_siuss_ready_delivery() {
        let mut out = Vec::new();
        let s = run_scenario(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("SIUSS gaps: 0"));
        check(&s);
    }

    pub(crate) fn check(s: &Summary) {
        assert_eq!(s.istanza_status, IstanzaStatus::Granted);
        // Received 10 March 2026; 6 days ran before the integration request of 16 March; the
        // lease arrived 23 March; 24 days remain → Thursday 16 April 2026 (L. 241/1990 art. 2).
        assert_eq!(s.deadline, NaiveDate::from_ymd_opt(2026, 4, 16));
        assert_eq!(s.siuss_gaps, 0);
        // The PS/PSA attributes (PS_PSA_SINA201812.xsd): one-off (2), ISEE-tested (1) with the
        // DSU, A1.05, protocol of the istanza, taken in charge (1), area povertà (3); the zero
        // SSN share is omitted (the XSD wants it > 0).
        assert_eq!(
            s.siuss_json,
            r#"{"TipoOperazione":"I","PresenzaProvaMezzi":1,"CaratterePrestazione":2,"NumeroProtocolloDSU":"INPS-ISEE-2026-00012345A-00","AnnoProtocolloDSU":2026,"DataDSU":"2026-01-20","CodicePrestazione":"A1.05","DenominazionePrestazione":"Contributi economici per alloggio","ProtocolloDomanda":"2026/0004512","DataErogazionePrestazione":"2026-04-15","ImportoPrestazione":"600.00","ImportoQuotaEnte":"600.00","ImportoQuotaUtente":"0.00","PresaCarico":1,"AreaUtenza":3}"#
        );
        assert!(s.presa_in_carico);
        assert_eq!(s.days_intake_to_charge, Some(7));
        assert_eq!(s.spending_a1_05, Some(Money::parse("600.00").unwrap()));
        assert_eq!(s.denied_reads, 1);
        assert_eq!(s.sinba_pseudonym_len, 20);
        // Opened, taken in charge (+ its state-change entry), 2 entries, PAI, plan, delivery.
        assert_eq!(s.chain_length, 8);
        // Every write is logged with its authorisation: 4 person, 3 group, 5 intake, 9 istanza
        // and 7 case commands; plus one allowed and one denied read of the case.
        assert_eq!(s.access_log_entries, 4 + 3 + 5 + 9 + 7 + 2);
        // Case opened, taken in charge, istanza submitted, integration requested, granted,
        // SIUSS delivery.
        assert_eq!(s.outbox_topics, 6);
    }
}
