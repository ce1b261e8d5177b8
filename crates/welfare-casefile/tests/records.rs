//! Access to persons, groups and intakes through `CaseFile`: every write and every read is
//! checked and leaves exactly one access-log entry (GDPR art. 5(2) accountability, art. 32;
//! the Garante's measures on access logging for sensitive data), with ids and codes only.

use std::collections::BTreeSet;

use proptest::prelude::*;
use welfare_casefile::access::{
    decide_group, decide_intake, decide_istanza_command, decide_permission, decide_person,
    person_categories, AccessLogEntry, Action, Purpose, Reason, SpecialCategory,
};
use welfare_casefile::calendar::ItalianCalendar;
use welfare_casefile::case::CaseCommand;
use welfare_casefile::engine::CommandContext;
use welfare_casefile::error::Error;
use welfare_casefile::events::AggregateRef;
use welfare_casefile::group::{GroupCommand, GroupKind, RelationshipCode};
use welfare_casefile::ids::{CaseId, GroupId, IntakeId, IstanzaId, PersonId};
use welfare_casefile::intake::{
    AccessMode, AccessReason, AccessRecord, AreaUtenza, IntakeCommand, Interlocutor, ReferralOrigin,
};
use welfare_casefile::istanza::{Decision as IstanzaDecision, IstanzaCommand, Outcome, Procedure};
use welfare_casefile::person::{
    Birth, CodiceFiscale, LegalProtection, PersonCommand, PersonFact, PersonIdentifiers,
    ProtectionKind, Sex,
};
use welfare_casefile::service::CaseFile;
use welfare_casefile::store::{CaseStore, InMemoryStore};
use welfare_casefile::tenancy::{Permission, Tenant};
use welfare_types::dates::DateRange;

use crate::common::{cmd, ctx, d, op, org, tenant, unit};

/// A codice fiscale and a name that must never reach the access log.
const CF: &str = "BNCGVN70A41H501L";
const SURNAME: &str = "Bianchi";
const GIVEN: &str = "Giovanna";

fn pid(s: &str) -> PersonId {
    PersonId::new(s).unwrap()
}

fn gid(s: &str) -> GroupId {
    GroupId::new(s).unwrap()
}

fn iid(s: &str) -> IntakeId {
    IntakeId::new(s).unwrap()
}

/// The common tenant, with `edu`'s membership ending on 31 March 2026.
fn tenant_edu_leaves() -> Tenant {
    let mut t = tenant();
    let edu = t.operators.get_mut(&op("edu")).unwrap();
    edu.memberships[0].valid = DateRange::new(d(2020, 1, 1), Some(d(2026, 3, 31))).unwrap();
    t
}

fn register(cf_code: Option<&str>, birth: (i32, u32, u32)) -> PersonCommand {
    PersonCommand::Register {
        identifiers: PersonIdentifiers {
            codice_fiscale: cf_code.map(|c| CodiceFiscale::parse(c).unwrap()),
            temporary_code: cf_code.is_none().then(|| "TMP-1".to_owned()),
            ..Default::default()
        },
        sex: Sex::F,
        birth: Birth { date: d(birth.0, birth.1, birth.2), place_code: "H501".into() },
        anonymous: false,
    }
}

fn access_record(person: Option<&str>) -> IntakeCommand {
    IntakeCommand::Record {
        access: AccessRecord {
            on: d(2026, 3, 2),
            organisation: org("B563"),
            unit: unit("desk"),
            mode: AccessMode::InPerson,
            interlocutor: Interlocutor::User,
            reason: AccessReason::Spontaneous,
            person: person.map(pid),
            reference_persons: vec![],
            needs: BTreeSet::from(["abitazione".to_owned()]),
            areas: BTreeSet::from([AreaUtenza::PovertaEsclusione]),
            accompanied: false,
        },
        origin: ReferralOrigin::Desk,
    }
}

fn protection() -> LegalProtection {
    LegalProtection {
        kind: ProtectionKind::AmministrazioneDiSostegno,
        guardian: None,
        authority: "Tribunale di Padova - giudice tutelare".into(),
        decree_number: "123/2025".into(),
        decree_date: d(2025, 6, 1),
        valid: DateRange::starting(d(2025, 6, 1)),
    }
}

/// The front desk registers P-1 (with codice fiscale and name) and P-2, groups G-1 (P-1 and
/// P-2) and G-2 (P-1 left on 5 March), intakes I-1 (P-1) and I-2 (no person yet); `as1`
/// opens case C-1 for P-1, takes it in charge and assigns `edu` from 2 March 2026.
fn world() -> CaseFile<InMemoryStore> {
    let mut cf = CaseFile::new(tenant_edu_leaves(), InMemoryStore::new()).unwrap();
    let desk = ctx("desk", 2026, 3, 2);
    let mut n = 0;
    let mut k = || {
        n += 1;
        cmd(&format!("w{n}"))
    };
    cf.person(&desk, &pid("P-1"), &k(), &register(Some(CF), (1970, 1, 1))).unwrap();
    let name = PersonFact::Name { surname: SURNAME.into(), given: GIVEN.into() };
    let fact = PersonCommand::RecordFact {
        valid: DateRange::starting(d(1970, 1, 1)),
        fact: name,
        reason: None,
    };
    cf.person(&desk, &pid("P-1"), &k(), &fact).unwrap();
    cf.person(&desk, &pid("P-1"), &k(), &PersonCommand::RecordProtection(protection())).unwrap();
    cf.person(&desk, &pid("P-2"), &k(), &register(None, (2016, 9, 12))).unwrap();
    for g in ["G-1", "G-2"] {
        let form = GroupCommand::Form { kind: GroupKind::FamigliaAnagrafica, anpr_id: None };
        cf.group(&desk, &gid(g), &k(), &form).unwrap();
        for (p, rel) in [("P-1", RelationshipCode::HEAD), ("P-2", RelationshipCode::CHILD)] {
            let join =
                GroupCommand::Join { person: pid(p), relationship: rel, from: d(2016, 9, 12) };
            cf.group(&desk, &gid(g), &k(), &join).unwrap();
        }
    }
    let leave = GroupCommand::Leave { person: pid("P-1"), on: d(2026, 3, 5) };
    cf.group(&desk, &gid("G-2"), &k(), &leave).unwrap();
    cf.intake(&desk, &iid("I-1"), &k(), &access_record(Some("P-1"))).unwrap();
    cf.intake(&desk, &iid("I-2"), &k(), &access_record(None)).unwrap();
    let as1 = ctx("as1", 2026, 3, 2);
    let case = CaseId::new("C-1").unwrap();
    let open = CaseCommand::Open {
        person: pid("P-1"),
        organisation: org("B563"),
        unit: unit("ss"),
        number: "2026/1".into(),
        area: AreaUtenza::PovertaEsclusione,
        on: d(2026, 3, 2),
        intake: None,
    };
    cf.case(&as1, &case, &k(), &open).unwrap();
    let charge =
        CaseCommand::TakeInCharge { operator: op("as1"), unit: unit("ss"), on: d(2026, 3, 2) };
    cf.case(&as1, &case, &k(), &charge).unwrap();
    let assign = CaseCommand::Assign {
        operator: op("edu"),
        unit: unit("ss"),
        from: d(2026, 3, 2),
        can_edit: true,
    };
    cf.case(&as1, &case, &k(), &assign).unwrap();
    cf
}

fn log(cf: &CaseFile<InMemoryStore>) -> Vec<AccessLogEntry> {
    cf.store().access_log(&cf.tenant().id).unwrap()
}

/// The entries appended by `f`.
fn appended<T>(
    cf: &mut CaseFile<InMemoryStore>,
    f: impl FnOnce(&mut CaseFile<InMemoryStore>) -> T,
) -> (T, Vec<AccessLogEntry>) {
    let before = log(cf).len();
    let out = f(cf);
    let after = log(cf);
    (out, after[before..].to_vec())
}

fn summary(e: &AccessLogEntry) -> (String, Action, Purpose, bool, Reason) {
    (e.operator.as_str().to_owned(), e.action.clone(), e.purpose, e.allowed, e.reason)
}

fn assert_no_personal_data(entries: &[AccessLogEntry]) {
    let text = serde_json::to_string(entries).unwrap();
    for needle in [CF, SURNAME, GIVEN, "giudice tutelare", "abitazione", "TMP-1"] {
        assert!(!text.contains(needle), "access log holds {needle}");
    }
}

#[test]
fn the_world_logged_every_write_with_its_action_and_purpose() {
    let cf = world();
    let entries = log(&cf);
    // 4 person, 7 group, 2 intake commands by the desk, 3 case commands by as1.
    let count = |a: Action| entries.iter().filter(|e| e.action == a).count();
    assert_eq!(count(Action::WritePerson), 4);
    assert_eq!(count(Action::WriteGroup), 7);
    assert_eq!(count(Action::WriteIntake), 2);
    assert_eq!(entries.len(), 16);
    for e in entries.iter().filter(|e| e.operator == op("desk")) {
        assert_eq!(
            (e.purpose, e.allowed, e.reason),
            (Purpose::Intake, true, Reason::HoldsPermission)
        );
    }
    assert_no_personal_data(&entries);
}

#[test]
fn allowed_writes_log_one_entry_in_the_unit_of_work() {
    let mut cf = world();
    let desk = ctx("desk", 2026, 3, 6);
    let (r, new) = appended(&mut cf, |cf| {
        let c = PersonCommand::ChangeIdentifiers(PersonIdentifiers {
            codice_fiscale: Some(CodiceFiscale::parse(CF).unwrap()),
            temporary_code: Some("TMP-9".into()),
            ..Default::default()
        });
        cf.person(&desk, &pid("P-1"), &cmd("a1"), &c)
    });
    assert_eq!(r.unwrap().recorded.len(), 1);
    assert_eq!(
        new.iter().map(summary).collect::<Vec<_>>(),
        vec![("desk".into(), Action::WritePerson, Purpose::Intake, true, Reason::HoldsPermission)]
    );
    assert_eq!(new[0].aggregate, AggregateRef::Person(pid("P-1")));
    let (_, new) = appended(&mut cf, |cf| {
        let c = GroupCommand::Leave { person: pid("P-2"), on: d(2026, 3, 6) };
        cf.group(&desk, &gid("G-1"), &cmd("a2"), &c).unwrap()
    });
    assert_eq!(summary(&new[0]).1, Action::WriteGroup);
    assert_eq!(new.len(), 1);
    let (_, new) = appended(&mut cf, |cf| {
        cf.intake(&desk, &iid("I-2"), &cmd("a3"), &IntakeCommand::IdentifyPerson(pid("P-2")))
            .unwrap()
    });
    assert_eq!(
        new.iter().map(summary).collect::<Vec<_>>(),
        vec![("desk".into(), Action::WriteIntake, Purpose::Intake, true, Reason::HoldsPermission)]
    );
    // The same command id again writes no event but returns the state: logged on its own.
    let (r, new) = appended(&mut cf, |cf| {
        cf.intake(&desk, &iid("I-2"), &cmd("a3"), &IntakeCommand::IdentifyPerson(pid("P-2")))
    });
    assert!(r.unwrap().duplicate);
    assert_eq!(new.len(), 1);
    assert_no_personal_data(&log(&cf));
}

/// A decision granting an istanza on 2026-03-04.
fn grant_on_4_march() -> IstanzaCommand {
    IstanzaCommand::Decide(IstanzaDecision {
        outcome: Outcome::Granted,
        decided_on: d(2026, 3, 4),
        amount: None,
        motivazione: "requisiti presenti".into(),
        decision_record: None,
        act_number: None,
    })
}

#[test]
fn istanza_commands_log_handle_or_decide() {
    let mut cf = world();
    let id = IstanzaId::new("IST-1").unwrap();
    let draft = IstanzaCommand::Draft {
        applicant: pid("P-1"),
        case: None,
        organisation: org("B563"),
        procedure: Procedure { name: "Contributo".into(), intervention_type: None, term_days: 30 },
        calendar: ItalianCalendar::national(),
    };
    let (_, new) = appended(&mut cf, |cf| {
        cf.istanza(&ctx("adm", 2026, 3, 3), &id, &cmd("i1"), &draft).unwrap()
    });
    assert_eq!(
        new.iter().map(summary).collect::<Vec<_>>(),
        vec![(
            "adm".into(),
            Action::HandleIstanza,
            Purpose::IstanzaInstruction,
            true,
            Reason::OrganisationCase
        )]
    );
    // Deciding needs DecideIstanza, which a case worker does not hold (Role::CaseWorker).
    let decide = grant_on_4_march();
    let before = cf.store().load(&cf.tenant().id, &AggregateRef::Istanza(id.clone())).unwrap();
    let (r, new) =
        appended(&mut cf, |cf| cf.istanza(&ctx("as1", 2026, 3, 4), &id, &cmd("i2"), &decide));
    assert!(matches!(r, Err(Error::Denied { .. })));
    assert_eq!(
        new.iter().map(summary).collect::<Vec<_>>(),
        vec![(
            "as1".into(),
            Action::DecideIstanza,
            Purpose::IstanzaInstruction,
            false,
            Reason::MissingPermission
        )]
    );
    let after = cf.store().load(&cf.tenant().id, &AggregateRef::Istanza(id.clone())).unwrap();
    assert_eq!(before, after, "a denied command changes no state");
}

/// An istanza belongs to one member comune: holding the permission in another comune of the
/// same ambito is not enough to draft, instruct or decide it.
#[test]
fn istanza_commands_need_a_unit_of_the_istanza_organisation() {
    let mut cf = world();
    let tid = cf.tenant().id.clone();
    let draft = |organisation: &str| IstanzaCommand::Draft {
        applicant: pid("P-1"),
        case: None,
        organisation: org(organisation),
        procedure: Procedure { name: "Contributo".into(), intervention_type: None, term_days: 30 },
        calendar: ItalianCalendar::national(),
    };
    // One command by `who` on 2026-03-`day`: whether it was refused, and the entries it logged.
    let run = |cf: &mut CaseFile<InMemoryStore>,
               who: &str,
               day,
               id: &IstanzaId,
               c: &str,
               command: &IstanzaCommand| {
        let (r, new) = appended(cf, |cf| cf.istanza(&ctx(who, 2026, 3, day), id, &cmd(c), command));
        (r.map(|_| ()), new.iter().map(summary).collect::<Vec<_>>())
    };
    let handle = |who: &str, allowed, reason| {
        vec![(who.to_owned(), Action::HandleIstanza, Purpose::IstanzaInstruction, allowed, reason)]
    };
    let denied = |r: &Result<(), Error>| matches!(r, Err(Error::Denied { .. }));
    let [ist1, ist2, ist3] = ["IST-1", "IST-2", "IST-3"].map(|i| IstanzaId::new(i).unwrap());
    let stored = |cf: &CaseFile<InMemoryStore>, id: &IstanzaId| {
        cf.store().load(&tid, &AggregateRef::Istanza(id.clone())).unwrap()
    };
    // Camposampiero's administrative officer drafts Camposampiero's istanza.
    let (r, new) = run(&mut cf, "adm", 3, &ist1, "c1", &draft("B563"));
    assert!(r.is_ok());
    assert_eq!(new, handle("adm", true, Reason::OrganisationCase));
    // Loreggia's case worker holds HandleIstanza, but in Loreggia: denied on Camposampiero's
    // istanza, whether drafting a new one or working on the existing one, and nothing changes.
    // A draft that names Loreggia cannot take over the existing istanza either: the stored
    // istanza's organisation decides.
    let before = stored(&cf, &ist1);
    let review = IstanzaCommand::StartReview { on: d(2026, 3, 4) };
    for (id, c, command) in
        [(&ist2, "c2", draft("B563")), (&ist1, "c3", review.clone()), (&ist1, "c4", draft("E684"))]
    {
        let (r, new) = run(&mut cf, "lor", 4, id, c, &command);
        assert!(denied(&r), "{c}");
        assert_eq!(new, handle("lor", false, Reason::NoRelationToCase), "{c}");
    }
    assert!(stored(&cf, &ist2).is_empty());
    assert_eq!(stored(&cf, &ist1), before);
    // Loreggia's own istanza is Loreggia's case worker's to draft.
    let (r, new) = run(&mut cf, "lor", 4, &ist2, "c5", &draft("E684"));
    assert!(r.is_ok());
    assert_eq!(new, handle("lor", true, Reason::OrganisationCase));
    // An organisation outside the tenant.
    let (r, new) = run(&mut cf, "adm", 4, &ist3, "c6", &draft("H501"));
    assert!(denied(&r));
    assert_eq!(new, handle("adm", false, Reason::ForeignCase));
    // Work on an istanza that does not exist: not found, and not logged (nothing was read).
    let (r, new) = run(&mut cf, "adm", 4, &ist3, "c7", &review);
    assert!(matches!(r, Err(Error::NotFound { .. })));
    assert!(new.is_empty());
    // The unit head of Camposampiero decides Camposampiero's istanza; Loreggia's case worker
    // lacks the permission to decide at all, which is checked before the organisation.
    let decide = grant_on_4_march();
    let (r, new) = run(&mut cf, "lor", 4, &ist1, "c8", &decide);
    assert!(denied(&r));
    assert_eq!(
        new,
        vec![(
            "lor".to_owned(),
            Action::DecideIstanza,
            Purpose::IstanzaInstruction,
            false,
            Reason::MissingPermission
        )]
    );
    let t = cf.tenant();
    let on = d(2026, 3, 4);
    let r = |d: welfare_casefile::access::Decision| (d.allowed, d.reason);
    assert_eq!(
        r(decide_istanza_command(t, &op("head"), Permission::DecideIstanza, &org("B563"), on)),
        (true, Reason::OrganisationCase)
    );
    assert_eq!(
        r(decide_istanza_command(t, &op("head"), Permission::DecideIstanza, &org("E684"), on)),
        (false, Reason::NoRelationToCase)
    );
    assert_eq!(
        r(decide_istanza_command(t, &op("gone"), Permission::HandleIstanza, &org("B563"), on)),
        (false, Reason::NoActiveMembership)
    );
    assert_eq!(
        r(decide_istanza_command(t, &op("nobody"), Permission::HandleIstanza, &org("B563"), on)),
        (false, Reason::UnknownOperator)
    );
    assert_no_personal_data(&log(&cf));
}

#[test]
fn denied_writes_log_one_entry_and_change_nothing() {
    let mut cf = world();
    let tid = cf.tenant().id.clone();
    // edu (Role::Professional) lacks RegisterIntake; gone's membership ended in 2025;
    // nobody is not an operator of the tenant.
    let cases: Vec<(&str, Reason)> = vec![
        ("edu", Reason::MissingPermission),
        ("gone", Reason::NoActiveMembership),
        ("nobody", Reason::UnknownOperator),
    ];
    for (who, reason) in cases {
        let c = ctx(who, 2026, 3, 10);
        let p_before = cf.store().load(&tid, &AggregateRef::Person(pid("P-1"))).unwrap();
        let (r, new) = appended(&mut cf, |cf| {
            let fact = PersonCommand::RecordFact {
                valid: DateRange::starting(d(2026, 3, 1)),
                fact: PersonFact::MaritalStatus(2),
                reason: None,
            };
            cf.person(&c, &pid("P-1"), &cmd(&format!("{who}-p")), &fact)
        });
        assert!(matches!(r, Err(Error::Denied { .. })), "{who}");
        assert_eq!(
            new.iter().map(summary).collect::<Vec<_>>(),
            vec![(who.into(), Action::WritePerson, Purpose::Intake, false, reason)]
        );
        assert_eq!(cf.store().load(&tid, &AggregateRef::Person(pid("P-1"))).unwrap(), p_before);
        // A denied registration creates nothing.
        let (r, new) = appended(&mut cf, |cf| {
            cf.person(&c, &pid("P-9"), &cmd(&format!("{who}-r")), &register(None, (1980, 1, 1)))
        });
        assert!(r.is_err());
        assert_eq!(new.len(), 1);
        assert!(cf.store().load(&tid, &AggregateRef::Person(pid("P-9"))).unwrap().is_empty());
        assert!(cf.store().command(&tid, &cmd(&format!("{who}-r"))).unwrap().is_none());

        let g_before = cf.store().load(&tid, &AggregateRef::Group(gid("G-1"))).unwrap();
        let (r, new) = appended(&mut cf, |cf| {
            let c2 = GroupCommand::Leave { person: pid("P-2"), on: d(2026, 3, 10) };
            cf.group(&c, &gid("G-1"), &cmd(&format!("{who}-g")), &c2)
        });
        assert!(matches!(r, Err(Error::Denied { .. })));
        assert_eq!(
            new.iter().map(summary).collect::<Vec<_>>(),
            vec![(who.into(), Action::WriteGroup, Purpose::Intake, false, reason)]
        );
        assert_eq!(cf.store().load(&tid, &AggregateRef::Group(gid("G-1"))).unwrap(), g_before);

        let i_before = cf.store().load(&tid, &AggregateRef::Intake(iid("I-2"))).unwrap();
        let (r, new) = appended(&mut cf, |cf| {
            let c3 = IntakeCommand::IdentifyPerson(pid("P-2"));
            cf.intake(&c, &iid("I-2"), &cmd(&format!("{who}-i")), &c3)
        });
        assert!(matches!(r, Err(Error::Denied { .. })));
        assert_eq!(
            new.iter().map(summary).collect::<Vec<_>>(),
            vec![(who.into(), Action::WriteIntake, Purpose::Intake, false, reason)]
        );
        assert_eq!(cf.store().load(&tid, &AggregateRef::Intake(iid("I-2"))).unwrap(), i_before);
    }
    assert_no_personal_data(&log(&cf));
}

#[test]
fn reads_allowed_by_front_office_permission_or_case_team() {
    let mut cf = world();
    let on = |who: &str| ctx(who, 2026, 3, 10);
    let (r, new) =
        appended(&mut cf, |cf| cf.read_person(&on("desk"), &pid("P-1"), Purpose::Intake));
    let view = r.unwrap();
    assert_eq!(view.identifiers.codice_fiscale.unwrap().as_str(), CF);
    assert_eq!(
        new.iter().map(summary).collect::<Vec<_>>(),
        vec![("desk".into(), Action::ReadPerson, Purpose::Intake, true, Reason::HoldsPermission)]
    );
    assert_eq!(new[0].aggregate, AggregateRef::Person(pid("P-1")));
    // edu has no front-office permission but is assigned to P-1's case.
    let (r, new) =
        appended(&mut cf, |cf| cf.read_person(&on("edu"), &pid("P-1"), Purpose::CaseWork));
    assert_eq!(r.unwrap().id, pid("P-1"));
    assert_eq!(
        new.iter().map(summary).collect::<Vec<_>>(),
        vec![("edu".into(), Action::ReadPerson, Purpose::CaseWork, true, Reason::Assigned)]
    );
    // The group of P-1 and the intake of P-1 through the same case.
    let (r, new) =
        appended(&mut cf, |cf| cf.read_group(&on("edu"), &gid("G-1"), Purpose::CaseWork));
    assert_eq!(r.unwrap().members.len(), 2);
    assert_eq!(
        new.iter().map(summary).collect::<Vec<_>>(),
        vec![("edu".into(), Action::ReadGroup, Purpose::CaseWork, true, Reason::Assigned)]
    );
    let (r, new) =
        appended(&mut cf, |cf| cf.read_intake(&on("edu"), &iid("I-1"), Purpose::CaseWork));
    assert_eq!(r.unwrap().access.person, Some(pid("P-1")));
    assert_eq!(
        new.iter().map(summary).collect::<Vec<_>>(),
        vec![("edu".into(), Action::ReadIntake, Purpose::CaseWork, true, Reason::Assigned)]
    );
    // The front desk reads groups and intakes, identified or not.
    assert!(cf.read_group(&on("desk"), &gid("G-2"), Purpose::Intake).is_ok());
    assert!(cf.read_intake(&on("desk"), &iid("I-2"), Purpose::Intake).is_ok());
    assert_no_personal_data(&log(&cf));
}

#[test]
fn reads_denied_without_relation_or_membership() {
    let mut cf = world();
    let tid = cf.tenant().id.clone();
    let denied = |r: Result<(), Error>| matches!(r, Err(Error::Denied { .. }));
    // adm (Role::Administrative) holds ReadAssignedCases but no front-office permission and no
    // assignment on C-1: unrelated. dpo (Role::Auditor) holds no read permission at all.
    for who in ["adm", "dpo"] {
        let c = ctx(who, 2026, 3, 10);
        let (r, new) =
            appended(&mut cf, |cf| cf.read_person(&c, &pid("P-1"), Purpose::Audit).map(|_| ()));
        assert!(denied(r));
        assert_eq!(
            new.iter().map(summary).collect::<Vec<_>>(),
            vec![(who.into(), Action::ReadPerson, Purpose::Audit, false, Reason::NoRelationToCase)]
        );
        assert!(denied(cf.read_group(&c, &gid("G-1"), Purpose::Audit).map(|_| ())));
        assert!(denied(cf.read_intake(&c, &iid("I-1"), Purpose::Audit).map(|_| ())));
    }
    // edu's membership ended on 31 March 2026: on 1 April the assignment gives nothing.
    let april = ctx("edu", 2026, 4, 1);
    let (r, new) =
        appended(&mut cf, |cf| cf.read_person(&april, &pid("P-1"), Purpose::CaseWork).map(|_| ()));
    assert!(denied(r));
    assert_eq!(
        new.iter().map(summary).collect::<Vec<_>>(),
        vec![(
            "edu".into(),
            Action::ReadPerson,
            Purpose::CaseWork,
            false,
            Reason::NoActiveMembership
        )]
    );
    // P-1 left G-2 on 5 March and P-2 has no case: edu has no relation to G-2 on 10 March.
    let c = ctx("edu", 2026, 3, 10);
    let (r, new) = appended(&mut cf, |cf| cf.read_group(&c, &gid("G-2"), Purpose::CaseWork));
    assert!(denied(r.map(|_| ())));
    assert_eq!(new[0].reason, Reason::NoRelationToCase);
    // Before P-1 left, the case relation held.
    assert!(cf.read_group(&ctx("edu", 2026, 3, 4), &gid("G-2"), Purpose::CaseWork).is_ok());
    // An intake whose person is not identified: front office only.
    assert!(denied(cf.read_intake(&c, &iid("I-2"), Purpose::CaseWork).map(|_| ())));
    // P-2 has no case: edu may not read P-2.
    assert!(denied(cf.read_person(&c, &pid("P-2"), Purpose::CaseWork).map(|_| ())));
    // An unknown operator.
    let (r, new) = appended(&mut cf, |cf| {
        cf.read_intake(&ctx("nobody", 2026, 3, 10), &iid("I-1"), Purpose::CaseWork).map(|_| ())
    });
    assert!(denied(r));
    assert_eq!(new[0].reason, Reason::UnknownOperator);
    // A missing aggregate is NotFound and not logged, as for read_case.
    let (r, new) = appended(&mut cf, |cf| cf.read_person(&c, &pid("P-404"), Purpose::CaseWork));
    assert!(matches!(r, Err(Error::NotFound { .. })));
    assert!(new.is_empty());
    assert_no_personal_data(&cf.store().access_log(&tid).unwrap());
}

#[test]
fn legal_protection_is_redacted_without_justice_data() {
    let mut cf = world();
    // as1 (Role::CaseWorker) holds ReadJusticeData; edu (Role::Professional) and the front desk
    // do not.
    let full = cf.read_person(&ctx("as1", 2026, 3, 10), &pid("P-1"), Purpose::CaseWork).unwrap();
    assert_eq!(full.protections, Some(vec![protection()]));
    assert!(full.redacted.is_empty());
    for who in ["edu", "desk"] {
        let v = cf.read_person(&ctx(who, 2026, 3, 10), &pid("P-1"), Purpose::CaseWork).unwrap();
        assert_eq!(v.protections, None, "{who}");
        assert_eq!(v.redacted, BTreeSet::from([SpecialCategory::Justice]));
        // The rest of the record is there.
        assert_eq!(v.facts.len(), 1);
    }
    // Without protection measures there is nothing to hide: an empty list, not a redaction.
    let v = cf.read_person(&ctx("desk", 2026, 3, 10), &pid("P-2"), Purpose::Intake).unwrap();
    assert_eq!(v.protections, Some(vec![]));
    assert!(v.redacted.is_empty());
}

#[test]
fn protection_of_a_minor_is_also_minors_data() {
    let mut cf = world();
    let desk = ctx("desk", 2026, 3, 10);
    cf.person(&desk, &pid("P-2"), &cmd("m1"), &PersonCommand::RecordProtection(protection()))
        .unwrap();
    let (state, _) = welfare_casefile::engine::load::<welfare_casefile::person::Person, _>(
        cf.store(),
        &cf.tenant().id,
        &pid("P-2"),
    )
    .unwrap();
    let p2 = state.unwrap();
    // Born 12 September 2016: a minor in 2026, an adult from 12 September 2034.
    assert_eq!(
        person_categories(&p2, d(2026, 3, 10)),
        BTreeSet::from([SpecialCategory::Justice, SpecialCategory::Minors])
    );
    assert_eq!(person_categories(&p2, d(2034, 9, 12)), BTreeSet::from([SpecialCategory::Justice]));
}

#[test]
fn policy_functions_are_deny_by_default() {
    let cf = world();
    let t = cf.tenant();
    let on = d(2026, 3, 10);
    let cases = cf.all_cases().unwrap();
    let g1 = welfare_casefile::engine::load::<welfare_casefile::group::Group, _>(
        cf.store(),
        &t.id,
        &gid("G-1"),
    )
    .unwrap()
    .0
    .unwrap();
    let i1 = welfare_casefile::engine::load::<welfare_casefile::intake::Intake, _>(
        cf.store(),
        &t.id,
        &iid("I-1"),
    )
    .unwrap()
    .0
    .unwrap();
    let r = |d: welfare_casefile::access::Decision| (d.allowed, d.reason);
    // Without the cases, edu has no relation; with them, the assignment allows.
    assert_eq!(
        r(decide_person(t, &op("edu"), &pid("P-1"), &[], on)),
        (false, Reason::NoRelationToCase)
    );
    assert_eq!(r(decide_person(t, &op("edu"), &pid("P-1"), &cases, on)), (true, Reason::Assigned));
    assert_eq!(r(decide_group(t, &op("edu"), &g1, &cases, on)), (true, Reason::Assigned));
    assert_eq!(r(decide_intake(t, &op("edu"), &i1, &cases, on)), (true, Reason::Assigned));
    // Cases of other persons give nothing.
    assert_eq!(
        r(decide_person(t, &op("edu"), &pid("P-2"), &cases, on)),
        (false, Reason::NoRelationToCase)
    );
    // The head of ss reads by permission (ResponsabileUnita holds RegisterIntake).
    assert_eq!(
        r(decide_person(t, &op("head"), &pid("P-2"), &[], on)),
        (true, Reason::HoldsPermission)
    );
    assert_eq!(
        r(decide_person(t, &op("x"), &pid("P-1"), &cases, on)),
        (false, Reason::UnknownOperator)
    );
    // A foreign desk organisation is refused even to the front desk.
    let mut foreign = i1.clone();
    foreign.access.organisation = org("Z999");
    assert_eq!(
        r(decide_intake(t, &op("desk"), &foreign, &cases, on)),
        (false, Reason::ForeignCase)
    );
    // The case policy never grants the record actions, not even to the unit head.
    let c1 = &cases[0];
    for a in [
        Action::WritePerson,
        Action::WriteGroup,
        Action::WriteIntake,
        Action::HandleIstanza,
        Action::DecideIstanza,
        Action::ReadPerson,
        Action::ReadGroup,
        Action::ReadIntake,
    ] {
        let got = welfare_casefile::access::decide(t, &op("head"), c1, &a, on);
        assert_eq!(r(got), (false, Reason::MissingPermission), "{a:?}");
    }
    // decide_permission.
    assert_eq!(
        r(decide_permission(t, &op("desk"), Permission::RegisterIntake, on)),
        (true, Reason::HoldsPermission)
    );
    assert_eq!(
        r(decide_permission(t, &op("desk"), Permission::HandleIstanza, on)),
        (false, Reason::MissingPermission)
    );
    assert_eq!(
        r(decide_permission(t, &op("gone"), Permission::RegisterIntake, on)),
        (false, Reason::NoActiveMembership)
    );
}

#[test]
fn new_actions_and_purpose_serialize_in_snake_case() {
    let names: Vec<String> = [
        Action::WritePerson,
        Action::WriteGroup,
        Action::WriteIntake,
        Action::HandleIstanza,
        Action::DecideIstanza,
        Action::ReadPerson,
        Action::ReadGroup,
        Action::ReadIntake,
    ]
    .iter()
    .map(|a| serde_json::to_string(a).unwrap())
    .collect();
    assert_eq!(
        names,
        [
            "\"write_person\"",
            "\"write_group\"",
            "\"write_intake\"",
            "\"handle_istanza\"",
            "\"decide_istanza\"",
            "\"read_person\"",
            "\"read_group\"",
            "\"read_intake\""
        ]
    );
    assert_eq!(serde_json::to_string(&Purpose::Intake).unwrap(), "\"intake\"");
    assert_eq!(serde_json::to_string(&Reason::HoldsPermission).unwrap(), "\"holds_permission\"");
}

const OPERATORS: [&str; 11] =
    ["head", "as1", "as2", "edu", "desk", "adm", "dpo", "eq", "lor", "gone", "nobody"];

#[derive(Clone, Debug)]
enum Target {
    Person(&'static str),
    Group(&'static str),
    Intake(&'static str),
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        prop::sample::select(vec!["P-1", "P-2"]).prop_map(Target::Person),
        prop::sample::select(vec!["G-1", "G-2"]).prop_map(Target::Group),
        prop::sample::select(vec!["I-1", "I-2"]).prop_map(Target::Intake),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the operator, aggregate, day and purpose, a read of an existing person, group
    /// or intake appends exactly one entry: for that operator, aggregate and purpose, allowed
    /// exactly when the read returned data, with no personal data in it.
    #[test]
    fn every_read_appends_exactly_one_entry(
        who in prop::sample::select(OPERATORS.to_vec()),
        what in target(),
        day in 0u32..90,
        purpose in prop::sample::select(vec![Purpose::CaseWork, Purpose::Intake, Purpose::Audit]),
    ) {
        let mut cf = world();
        let now = crate::common::at(2026, 2, 1) + chrono::Duration::days(i64::from(day));
        let c = CommandContext { actor: op(who), now };
        let before = log(&cf).len();
        let (ok, aggregate, action) = match what {
            Target::Person(p) => (
                cf.read_person(&c, &pid(p), purpose).is_ok(),
                AggregateRef::Person(pid(p)),
                Action::ReadPerson,
            ),
            Target::Group(g) => (
                cf.read_group(&c, &gid(g), purpose).is_ok(),
                AggregateRef::Group(gid(g)),
                Action::ReadGroup,
            ),
            Target::Intake(i) => (
                cf.read_intake(&c, &iid(i), purpose).is_ok(),
                AggregateRef::Intake(iid(i)),
                Action::ReadIntake,
            ),
        };
        let after = log(&cf);
        prop_assert_eq!(after.len(), before + 1);
        let e = &after[before];
        prop_assert_eq!(e.operator.as_str(), who);
        prop_assert_eq!(&e.aggregate, &aggregate);
        prop_assert_eq!(&e.action, &action);
        prop_assert_eq!(e.purpose, purpose);
        prop_assert_eq!(e.allowed, ok);
        prop_assert_eq!(e.at, now);
        assert_no_personal_data(std::slice::from_ref(e));
    }
}
