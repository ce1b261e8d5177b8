//! The access policy as a role × action × visibility matrix, and special-category redaction.

use std::collections::BTreeSet;

use welfare_casefile::access::{case_view, decide, redactions, Action, Reason, SpecialCategory};
use welfare_casefile::case::{Case, CaseCommand, FileShare, JournalPayload, Visibility};
use welfare_casefile::ids::{EntryId, PersonId};
use welfare_casefile::intake::AreaUtenza;
use welfare_casefile::tenancy::{
    Operator, Permission, ProfessionalProfile, Role, Tenant, UnitMembership,
};
use welfare_types::dates::DateRange;

use crate::common::{d, op, org, run, tenant, unit};

fn entry(
    id: &str,
    unit_id: &str,
    visibility: Visibility,
    cats: &[SpecialCategory],
    payload: JournalPayload,
) -> CaseCommand {
    CaseCommand::AddEntry {
        id: EntryId::new(id).unwrap(),
        unit: unit(unit_id),
        on: d(2026, 3, 10),
        visibility,
        special_categories: cats.iter().copied().collect(),
        links: vec![],
        payload,
    }
}

fn note(text: &str) -> JournalPayload {
    JournalPayload::Note { text: text.into() }
}

/// A case of unit `ss` taken in charge by `as1`, with `edu` assigned read-only, shared with the
/// équipe minori (`eqm`) without hiding, and four entries of each visibility.
fn fixture() -> Case {
    let mut c = run(
        None,
        "as1",
        CaseCommand::Open {
            person: PersonId::new("P-1").unwrap(),
            organisation: org("B563"),
            unit: unit("ss"),
            number: "2026/1".into(),
            area: AreaUtenza::FamigliaMinori,
            on: d(2026, 3, 2),
            intake: None,
        },
    );
    c = run(
        Some(c),
        "as1",
        CaseCommand::TakeInCharge { operator: op("as1"), unit: unit("ss"), on: d(2026, 3, 2) },
    );
    c = run(
        Some(c),
        "as1",
        CaseCommand::Assign {
            operator: op("edu"),
            unit: unit("ss"),
            from: d(2026, 3, 3),
            can_edit: false,
        },
    );
    c = run(
        Some(c),
        "as1",
        CaseCommand::Share(FileShare {
            unit: unit("eqm"),
            valid: DateRange::starting(d(2026, 3, 3)),
            hide_foreign_entries: false,
        }),
    );
    c = run(
        Some(c),
        "edu",
        entry("e-normal", "ss", Visibility::Normal, &[], note("visita domiciliare")),
    );
    c = run(
        Some(c),
        "as1",
        entry("e-reserved", "ss", Visibility::Reserved, &[], note("colloquio riservato")),
    );
    c = run(
        Some(c),
        "as1",
        entry("e-private", "ss", Visibility::Private, &[], note("appunto personale")),
    );
    c = run(
        Some(c),
        "as1",
        entry("e-second", "ss", Visibility::SecondLevel(unit("eqm")), &[], note("per l'équipe")),
    );
    c
}

fn actions() -> Vec<Action> {
    let e = |s: &str| Action::ReadEntry(EntryId::new(s).unwrap());
    vec![
        Action::ReadCase,
        e("e-normal"),
        e("e-reserved"),
        e("e-private"),
        e("e-second"),
        Action::WriteJournal,
        Action::TakeInCharge,
        Action::CloseCase,
        Action::RecordDelivery,
        Action::ExportSiuss,
    ]
}

#[test]
fn role_action_visibility_matrix() {
    use Reason as R;
    let t = tenant();
    let case = fixture();
    let on = d(2026, 4, 1);
    // Columns: read case, normal, reserved, private, second level, write journal, take in
    // charge, close, record delivery, export SIUSS. `+` allow, `-` deny.
    let a = |r: Reason| (true, r);
    let n = |r: Reason| (false, r);
    let expected: Vec<(&str, [(bool, Reason); 10])> = vec![
        (
            "head",
            [
                a(R::UnitHead),
                a(R::UnitHead),
                a(R::UnitHead),
                n(R::PrivateEntry),
                n(R::SecondLevelEntry),
                a(R::UnitHead),
                a(R::UnitCase),
                a(R::UnitHead),
                a(R::UnitHead),
                n(R::MissingPermission),
            ],
        ),
        (
            "as1",
            [
                a(R::Manager),
                a(R::Manager),
                a(R::Author),
                a(R::Author),
                a(R::Author),
                a(R::Manager),
                a(R::UnitCase),
                a(R::Manager),
                n(R::MissingPermission),
                n(R::MissingPermission),
            ],
        ),
        (
            "as2",
            [
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NotEditor),
                a(R::UnitCase),
                n(R::NotEditor),
                n(R::MissingPermission),
                n(R::MissingPermission),
            ],
        ),
        (
            "edu",
            [
                a(R::Assigned),
                a(R::Author),
                n(R::ReservedEntry),
                n(R::PrivateEntry),
                n(R::SecondLevelEntry),
                n(R::NotEditor),
                n(R::MissingPermission),
                n(R::MissingPermission),
                n(R::MissingPermission),
                n(R::MissingPermission),
            ],
        ),
        (
            "desk",
            [
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::MissingPermission),
                n(R::MissingPermission),
                n(R::MissingPermission),
                n(R::MissingPermission),
                n(R::MissingPermission),
            ],
        ),
        (
            "adm",
            [
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::MissingPermission),
                n(R::MissingPermission),
                n(R::MissingPermission),
                a(R::UnitCase),
                a(R::OrganisationCase),
            ],
        ),
        (
            "dpo",
            [
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::MissingPermission),
                n(R::MissingPermission),
                n(R::MissingPermission),
                n(R::MissingPermission),
                n(R::MissingPermission),
            ],
        ),
        (
            "eq",
            [
                a(R::SharedWithUnit),
                a(R::SharedWithUnit),
                n(R::ReservedEntry),
                n(R::PrivateEntry),
                a(R::SecondLevelMember),
                n(R::NotEditor),
                n(R::NoRelationToCase),
                n(R::NotEditor),
                n(R::MissingPermission),
                n(R::MissingPermission),
            ],
        ),
        (
            "lor",
            [
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NoRelationToCase),
                n(R::NotEditor),
                n(R::NoRelationToCase),
                n(R::NotEditor),
                n(R::MissingPermission),
                n(R::NoRelationToCase),
            ],
        ),
        ("gone", [n(R::NoActiveMembership); 10]),
        ("nobody", [n(R::UnknownOperator); 10]),
    ];
    let mut cells = 0;
    for (who, row) in &expected {
        for (action, (allowed, reason)) in actions().iter().zip(row.iter()) {
            let got = decide(&t, &op(who), &case, action, on);
            assert_eq!((got.allowed, got.reason), (*allowed, *reason), "{who} {action:?}");
            cells += 1;
        }
    }
    assert_eq!(cells, 110);
}

#[test]
fn closed_case_refuses_writes_but_not_reads() {
    let t = tenant();
    let c = run(
        Some(fixture()),
        "as1",
        CaseCommand::Close { on: d(2026, 4, 1), reason: "bisogno risolto".into() },
    );
    let on = d(2026, 4, 2);
    // Assignments end on closure, so the manager now reads as unit member only if permitted:
    // `head` still reads as unit head; `as1` no longer has a relation.
    assert!(decide(&t, &op("head"), &c, &Action::ReadCase, on).allowed);
    for action in [Action::WriteJournal, Action::ManagePai, Action::RecordDelivery] {
        let got = decide(&t, &op("head"), &c, &action, on);
        assert_eq!((got.allowed, got.reason), (false, Reason::CaseClosed), "{action:?}");
    }
    assert_eq!(decide(&t, &op("head"), &c, &Action::TakeInCharge, on).reason, Reason::CaseClosed);
    // Reopening is a CloseCase action, allowed on a closed case.
    assert!(decide(&t, &op("head"), &c, &Action::CloseCase, on).allowed);
}

#[test]
fn hidden_foreign_entries_on_a_share() {
    let t = tenant();
    let mut c = fixture();
    c.shares[0].hide_foreign_entries = true;
    let on = d(2026, 4, 1);
    let e = |s: &str| Action::ReadEntry(EntryId::new(s).unwrap());
    assert!(decide(&t, &op("eq"), &c, &Action::ReadCase, on).allowed);
    assert_eq!(decide(&t, &op("eq"), &c, &e("e-normal"), on).reason, Reason::HiddenForeignEntry);
    assert_eq!(decide(&t, &op("eq"), &c, &e("e-second"), on).reason, Reason::HiddenForeignEntry);
    // Unknown entry: deny.
    assert_eq!(decide(&t, &op("as1"), &c, &e("nope"), on).reason, Reason::EntryNotFound);
}

fn with_extra(mut t: Tenant, id: &str, extra: &[Permission]) -> Tenant {
    t.operators.insert(
        op(id),
        Operator {
            id: op(id),
            display_name: id.into(),
            profile: ProfessionalProfile::Amministrativo,
            memberships: vec![UnitMembership {
                unit: unit("ss"),
                role: Role::Administrative,
                valid: DateRange::starting(d(2020, 1, 1)),
                can_sign: false,
                extra_permissions: extra.iter().copied().collect(),
            }],
        },
    );
    t
}

/// One entry per special category plus a plain one, with `x` assigned to the case.
fn category_case() -> Case {
    let mut c = fixture();
    c = run(
        Some(c),
        "as1",
        CaseCommand::Assign {
            operator: op("x"),
            unit: unit("ss"),
            from: d(2026, 3, 3),
            can_edit: false,
        },
    );
    c = run(
        Some(c),
        "as1",
        entry("c-health", "ss", Visibility::Normal, &[SpecialCategory::Health], note("diagnosi")),
    );
    c = run(
        Some(c),
        "as1",
        entry(
            "c-disability",
            "ss",
            Visibility::Normal,
            &[SpecialCategory::Disability],
            note("invalidità"),
        ),
    );
    c = run(
        Some(c),
        "as1",
        entry(
            "c-justice",
            "ss",
            Visibility::Normal,
            &[],
            JournalPayload::CourtProvision {
                authority: "Tribunale per i minorenni di Venezia".into(),
                number: "123/2026".into(),
                date: d(2026, 3, 5),
                text: "affido al servizio".into(),
            },
        ),
    );
    c = run(
        Some(c),
        "as1",
        entry("c-minors", "ss", Visibility::Normal, &[SpecialCategory::Minors], note("scuola")),
    );
    run(Some(c), "as1", entry("c-plain", "ss", Visibility::Normal, &[], note("telefonata")))
}

#[test]
fn redaction_per_special_category() {
    let on = d(2026, 4, 1);
    let ids = [
        ("c-health", SpecialCategory::Health),
        ("c-disability", SpecialCategory::Disability),
        ("c-justice", SpecialCategory::Justice),
        ("c-minors", SpecialCategory::Minors),
    ];
    for (granted_cat, _) in ids.iter().map(|(_, c)| (*c, ())) {
        let t = with_extra(tenant(), "x", &[granted_cat.permission()]);
        let case = category_case();
        let view =
            case_view(&t, &op("x"), &case, on, false).expect("assigned operator reads the case");
        for (entry_id, cat) in ids {
            let e = view
                .entries
                .iter()
                .find(|e| e.id.as_str() == entry_id)
                .expect("normal entries are listed");
            if cat == granted_cat {
                assert!(e.payload.is_some(), "{granted_cat:?} holder sees {entry_id}");
                assert!(e.redacted.is_empty());
            } else {
                assert!(e.payload.is_none(), "{granted_cat:?} holder must not see {entry_id}");
                assert_eq!(e.redacted, BTreeSet::from([cat]));
            }
        }
        let plain = view.entries.iter().find(|e| e.id.as_str() == "c-plain").unwrap();
        assert!(plain.payload.is_some());
    }
}

#[test]
fn court_provision_is_justice_by_nature_and_minor_subject_marks_everything() {
    let on = d(2026, 4, 1);
    let t = with_extra(tenant(), "x", &[]);
    let case = category_case();
    let cats =
        &case.journal.iter().find(|e| e.id.as_str() == "c-justice").unwrap().special_categories;
    assert_eq!(cats, &BTreeSet::from([SpecialCategory::Justice]));
    // A minor subject: even the plain note becomes minors' data.
    let view = case_view(&t, &op("x"), &case, on, true).unwrap();
    let plain = view.entries.iter().find(|e| e.id.as_str() == "c-plain").unwrap();
    assert_eq!(plain.redacted, BTreeSet::from([SpecialCategory::Minors]));
    // The case worker holds all four rights and sees everything.
    let full = case_view(&tenant(), &op("as1"), &case, on, true).unwrap();
    assert!(full.entries.iter().all(|e| e.redacted.is_empty() && e.payload.is_some()));
    // Unknown operators may see no category at all.
    let all: BTreeSet<_> = SpecialCategory::ALL.into_iter().collect();
    assert_eq!(redactions(&tenant(), &op("nobody"), &all, on), all);
}

#[test]
fn views_leave_out_unreadable_entries() {
    let on = d(2026, 4, 1);
    let view = case_view(&tenant(), &op("edu"), &fixture(), on, false).unwrap();
    let ids: Vec<_> = view.entries.iter().map(|e| e.id.as_str().to_owned()).collect();
    // The state-change entry written by taking charge, and the educator's own note.
    assert_eq!(ids, vec!["sys.state.1", "e-normal"]);
    assert!(case_view(&tenant(), &op("desk"), &fixture(), on, false).is_none());
}
