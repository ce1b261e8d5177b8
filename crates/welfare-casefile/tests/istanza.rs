//! The istanza lifecycle and its L. 241/1990 deadline.

use welfare_casefile::calendar::ItalianCalendar;
use welfare_casefile::engine::Aggregate;
use welfare_casefile::error::{Error, Subject, TransitionError};
use welfare_casefile::ids::{IstanzaId, PersonId};
use welfare_casefile::istanza::{
    Channel, Decision, Istanza, IstanzaCommand as C, IstanzaStatus, Outcome, Procedure, Protocol,
};
use welfare_types::Money;

use crate::common::{ctx, d, org};

fn step(state: Option<Istanza>, command: C) -> Result<Istanza, Error> {
    let id = IstanzaId::new("I-1").unwrap();
    let events = Istanza::decide(&id, state.as_ref(), &command, &ctx("as1", 2026, 3, 2))?;
    let mut s = state;
    for e in &events {
        s = Some(Istanza::apply(s, e)?);
    }
    Ok(s.unwrap())
}

fn submitted(received: (i32, u32, u32)) -> Istanza {
    let (y, m, dd) = received;
    let s = step(
        None,
        C::Draft {
            applicant: PersonId::new("P-1").unwrap(),
            case: None,
            organisation: org("B563"),
            procedure: Procedure {
                name: "Contributo economico".into(),
                intervention_type: None,
                term_days: 30,
            },
            calendar: ItalianCalendar::national(),
        },
    )
    .unwrap();
    let s = step(
        Some(s),
        C::Submit {
            protocol: Protocol { number: "2026/100".into(), date: d(y, m, dd) },
            received_on: d(y, m, dd),
            channel: Channel::OnlinePortal,
        },
    )
    .unwrap();
    step(Some(s), C::StartReview { on: d(y, m, dd) }).unwrap()
}

fn decision(outcome: Outcome, on: (i32, u32, u32), amount: Option<&str>) -> Decision {
    Decision {
        outcome,
        decided_on: d(on.0, on.1, on.2),
        amount: amount.map(|a| Money::parse(a).unwrap()),
        motivazione: "requisiti verificati".into(),
        decision_record: Some(r#"{"rulebook":"contributo","result":"eligible"}"#.into()),
        act_number: None,
    }
}

#[test]
fn default_term_is_thirty_days_from_receipt() {
    // Received Monday 2 March 2026: day 30 is Wednesday 1 April 2026.
    let s = submitted((2026, 3, 2));
    assert_eq!(s.deadline(None).unwrap(), Some(d(2026, 4, 1)));
    assert!(!s.is_late(d(2026, 4, 1)).unwrap());
    assert!(s.is_late(d(2026, 4, 2)).unwrap());
}

#[test]
fn integration_stops_the_clock_once_and_for_at_most_thirty_days() {
    let s = submitted((2026, 3, 2));
    let s = step(
        Some(s),
        C::RequestIntegration { on: d(2026, 3, 12), items: vec!["ISEE aggiornato".into()] },
    )
    .unwrap();
    assert_eq!(s.status, IstanzaStatus::IntegrationRequested);
    // While waiting, no deadline can be stated.
    assert_eq!(s.deadline(Some(d(2026, 3, 20))).unwrap(), None);
    // Received 20 March: 10 days had run, 20 remain from 20 March → 9 April 2026.
    let on_time = step(Some(s.clone()), C::ReceiveIntegration { on: d(2026, 3, 20) }).unwrap();
    assert_eq!(on_time.status, IstanzaStatus::UnderReview);
    assert_eq!(on_time.deadline(None).unwrap(), Some(d(2026, 4, 9)));
    // Received 20 April: the suspension is capped at 30 days (12 March → 11 April), 20 remain
    // → 1 May 2026 (Festa del lavoro) → Saturday 2 May.
    let late = step(Some(s.clone()), C::ReceiveIntegration { on: d(2026, 4, 20) }).unwrap();
    assert_eq!(late.deadline(None).unwrap(), Some(d(2026, 5, 2)));
    // Never received: after the cap, the clock runs again anyway.
    assert_eq!(s.deadline(Some(d(2026, 4, 15))).unwrap(), Some(d(2026, 5, 2)));
    // Art. 2 c. 7: only once.
    let err = step(
        Some(on_time),
        C::RequestIntegration { on: d(2026, 3, 25), items: vec!["altro".into()] },
    )
    .unwrap_err();
    assert_eq!(
        err,
        Error::Transition(TransitionError {
            subject: Subject::Istanza,
            state: "under_review",
            command: "request_integration"
        })
    );
}

#[test]
fn preavviso_di_rigetto_suspends_and_must_precede_a_rejection() {
    let s = submitted((2026, 3, 2));
    // Rejection without preavviso: refused (art. 10-bis).
    let err = step(Some(s.clone()), C::Decide(decision(Outcome::Rejected, (2026, 3, 10), None)))
        .unwrap_err();
    assert!(matches!(err, Error::Transition(_)));
    let p =
        step(Some(s), C::SendPreavviso { on: d(2026, 3, 12), reasons: "ISEE oltre soglia".into() })
            .unwrap();
    assert_eq!(p.status, IstanzaStatus::PreavvisoRigetto);
    // Without observations: resumes 22 March, 20 days remain → Saturday 11 April 2026.
    assert_eq!(p.deadline(None).unwrap(), Some(d(2026, 4, 11)));
    // Rejection before the ten days and without observations: refused.
    assert!(
        step(Some(p.clone()), C::Decide(decision(Outcome::Rejected, (2026, 3, 20), None))).is_err()
    );
    // After the ten days: allowed.
    let r =
        step(Some(p.clone()), C::Decide(decision(Outcome::Rejected, (2026, 3, 22), None))).unwrap();
    assert_eq!(r.status, IstanzaStatus::Rejected);
    // With observations on 16 March: resumes 26 March → 15 April 2026; rejection allowed at once.
    let o = step(Some(p), C::ReceiveObservations { on: d(2026, 3, 16) }).unwrap();
    assert_eq!(o.deadline(None).unwrap(), Some(d(2026, 4, 15)));
    let r =
        step(Some(o.clone()), C::Decide(decision(Outcome::Rejected, (2026, 3, 17), None))).unwrap();
    assert_eq!(r.status, IstanzaStatus::Rejected);
    // Observations convinced the office: grant.
    let g = step(Some(o), C::Decide(decision(Outcome::Granted, (2026, 3, 17), Some("300.00"))))
        .unwrap();
    assert_eq!(g.status, IstanzaStatus::Granted);
    // An appeal after the decision.
    let a = step(Some(r), C::Appeal { on: d(2026, 5, 10), body: "TAR Veneto".into() }).unwrap();
    assert_eq!(a.status, IstanzaStatus::Appealed);
}

#[test]
fn decisions_keep_motivazione_and_the_rules_record_verbatim() {
    let s = submitted((2026, 3, 2));
    let g =
        step(Some(s.clone()), C::Decide(decision(Outcome::Granted, (2026, 3, 20), Some("450.50"))))
            .unwrap();
    let dec = g.decision.unwrap();
    assert_eq!(dec.amount, Some(Money::parse("450.50").unwrap()));
    assert_eq!(
        dec.decision_record.as_deref(),
        Some(r#"{"rulebook":"contributo","result":"eligible"}"#)
    );
    let mut bad = decision(Outcome::Granted, (2026, 3, 20), None);
    bad.motivazione = " ".into();
    assert!(matches!(step(Some(s.clone()), C::Decide(bad)), Err(Error::Invalid { .. })));
    let mut bad = decision(Outcome::Granted, (2026, 3, 20), None);
    bad.decision_record = Some("{not json".into());
    assert!(matches!(step(Some(s.clone()), C::Decide(bad)), Err(Error::Invalid { .. })));
    // A decision dated before the review started is refused.
    assert!(step(Some(s), C::Decide(decision(Outcome::Granted, (2026, 3, 1), None))).is_err());
}

#[test]
fn terminal_states_accept_nothing_but_appeal() {
    let s = submitted((2026, 3, 2));
    let archived =
        step(Some(s.clone()), C::Archive { on: d(2026, 3, 5), reason: "rinuncia".into() }).unwrap();
    for c in [
        C::StartReview { on: d(2026, 3, 6) },
        C::Appeal { on: d(2026, 3, 6), body: "x".into() },
        C::ReceiveObservations { on: d(2026, 3, 6) },
    ] {
        assert!(matches!(step(Some(archived.clone()), c), Err(Error::Transition(_))));
    }
    let granted =
        step(Some(s), C::Decide(decision(Outcome::Granted, (2026, 3, 20), None))).unwrap();
    assert!(
        step(Some(granted.clone()), C::Archive { on: d(2026, 3, 21), reason: "x".into() }).is_err()
    );
    assert!(
        step(Some(granted), C::Decide(decision(Outcome::Granted, (2026, 3, 22), None))).is_err()
    );
}

#[test]
fn draft_checks() {
    let s = step(
        None,
        C::Draft {
            applicant: PersonId::new("P-1").unwrap(),
            case: None,
            organisation: org("B563"),
            procedure: Procedure { name: "x".into(), intervention_type: None, term_days: 30 },
            calendar: ItalianCalendar::national(),
        },
    )
    .unwrap();
    assert_eq!(s.deadline(None).unwrap(), None);
    // Protocol numbers are SIUSS ProtocolloDomanda: 1–32 characters.
    let long = C::Submit {
        protocol: Protocol { number: "x".repeat(33), date: d(2026, 3, 2) },
        received_on: d(2026, 3, 2),
        channel: Channel::Pec,
    };
    assert!(matches!(step(Some(s.clone()), long), Err(Error::Invalid { .. })));
    // Review cannot start on a draft.
    assert!(matches!(
        step(Some(s), C::StartReview { on: d(2026, 3, 2) }),
        Err(Error::Transition(_))
    ));
}
