//! Property tests: random command sequences never yield an invalid state, and folding is
//! deterministic (same events, same state; also after a JSON round trip of the events).

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use welfare_casefile::calendar::ItalianCalendar;
use welfare_casefile::case::{
    Case, CaseCommand, CaseEvent, CaseStatus, JournalPayload, ReferralTarget, Visibility,
};
use welfare_casefile::engine::{fold, Aggregate};
use welfare_casefile::ids::{
    CaseId, DeliveryId, EntryId, InterventionTypeId, IstanzaId, PaiId, PersonId,
    PlannedInterventionId,
};
use welfare_casefile::intake::AreaUtenza;
use welfare_casefile::intervention::{
    AdminStatus, CatalogueEntry, CodicePrestazione, Delivery, DeliveryAmount, PlannedIntervention,
    ProvaMezzi,
};
use welfare_casefile::istanza::{
    Channel, Decision, Istanza, IstanzaCommand, IstanzaEvent, IstanzaStatus, Outcome, Procedure,
    Protocol,
};
use welfare_casefile::pai::{
    Horizon, Monitoring, Objective, Pai, PaiBeneficiaries, PaiClosure, PeriodUnit, ReviewFrequency,
};
use welfare_types::dates::DateRange;
use welfare_types::Money;

use crate::common::{ctx, d, op, org, unit};

fn day(k: u64) -> NaiveDate {
    d(2026, 3, 1).checked_add_days(Days::new(k)).unwrap()
}

fn catalogue() -> CatalogueEntry {
    CatalogueEntry {
        id: InterventionTypeId::new("contributo").unwrap(),
        parent: None,
        name: "Contributo economico".into(),
        inps_code: Some(CodicePrestazione::new("A1.04").unwrap()),
        inps_label: Some("Contributi economici a integrazione del reddito familiare".into()),
        psa: true,
        only_if_in_charge: false,
        sina_linkable: true,
        do_not_export: false,
        valid: DateRange::starting(d(2020, 1, 1)),
    }
}

fn case_command() -> impl Strategy<Value = CaseCommand> {
    let who = prop::sample::select(vec!["as1", "as2", "edu"]);
    let n = 0u8..3;
    let k = 0u64..60;
    prop_oneof![
        k.clone().prop_map(|k| CaseCommand::Refer {
            target: ReferralTarget::Unit(unit("ss")),
            on: day(k)
        }),
        (who.clone(), k.clone(), any::<bool>()).prop_map(|(w, k, e)| CaseCommand::Assign {
            operator: op(w),
            unit: unit("ss"),
            from: day(k),
            can_edit: e
        }),
        (who.clone(), k.clone())
            .prop_map(|(w, k)| CaseCommand::EndAssignment { operator: op(w), on: day(k) }),
        (who, k.clone()).prop_map(|(w, k)| CaseCommand::TakeInCharge {
            operator: op(w),
            unit: unit("ss"),
            on: day(k)
        }),
        (n.clone(), k.clone(), 0u8..4).prop_map(|(n, k, v)| CaseCommand::AddEntry {
            id: EntryId::new(format!("e{n}")).unwrap(),
            unit: unit("ss"),
            on: day(k),
            visibility: match v {
                0 => Visibility::Normal,
                1 => Visibility::Reserved,
                2 => Visibility::Private,
                _ => Visibility::SecondLevel(unit("eqm")),
            },
            special_categories: BTreeSet::new(),
            links: vec![],
            payload: JournalPayload::Note { text: "nota".into() },
        }),
        (n.clone(), k.clone()).prop_map(|(n, k)| CaseCommand::OpenPai(Pai {
            id: PaiId::new(format!("p{n}")).unwrap(),
            beneficiaries: PaiBeneficiaries::Individual,
            motivation: "m".into(),
            objectives: vec![Objective {
                horizon: Horizon::Short,
                text: "o".into(),
                achieved: None
            }],
            review_every: ReviewFrequency { count: 1, unit: PeriodUnit::Months },
            started_on: day(k),
            expected_end: None,
            monitoring: vec![],
            closure: None,
        })),
        (n.clone(), k.clone()).prop_map(|(n, k)| CaseCommand::MonitorPai {
            pai: PaiId::new(format!("p{n}")).unwrap(),
            monitoring: Monitoring {
                on: day(k),
                outcomes: Default::default(),
                note: String::new()
            }
        }),
        (n.clone(), k.clone()).prop_map(|(n, k)| CaseCommand::ClosePai {
            pai: PaiId::new(format!("p{n}")).unwrap(),
            closure: PaiClosure { on: day(k), reason: "fine".into(), sinba_code: Some(4) }
        }),
        (n.clone(), k.clone(), any::<bool>()).prop_map(|(n, k, active)| {
            CaseCommand::PlanIntervention(PlannedIntervention {
                id: PlannedInterventionId::new(format!("i{n}")).unwrap(),
                intervention_type: InterventionTypeId::new("contributo").unwrap(),
                catalogue: catalogue(),
                beneficiary: PersonId::new("P-1").unwrap(),
                pai: None,
                istanza: None,
                period: DateRange::new(day(k), Some(day(k + 200))).unwrap(),
                area: AreaUtenza::PovertaEsclusione,
                status: if active {
                    AdminStatus::Active { from: day(k) }
                } else {
                    AdminStatus::UnderAssessment
                },
            })
        }),
        (n.clone(), k.clone(), 0u8..5).prop_map(|(n, k, s)| {
            CaseCommand::ChangeInterventionStatus {
                id: PlannedInterventionId::new(format!("i{n}")).unwrap(),
                status: match s {
                    0 => AdminStatus::Active { from: day(k) },
                    1 => AdminStatus::Suspended { from: day(k), reason: "r".into() },
                    2 => AdminStatus::Closed { on: day(k), reason: "r".into() },
                    3 => AdminStatus::Ranked { score: 10, band: None },
                    _ => AdminStatus::Rejected { reason: "r".into() },
                },
            }
        }),
        (n.clone(), n, k.clone(), 1i64..100_000).prop_map(|(dn, pn, k, cents)| {
            CaseCommand::RecordDelivery(Delivery {
                id: DeliveryId::new(format!("d{dn}")).unwrap(),
                planned: PlannedInterventionId::new(format!("i{pn}")).unwrap(),
                amount: DeliveryAmount::OneOff { on: day(k), amount: Money::from_cents(cents) },
                shares: None,
                hours_per_month: None,
                means_test: ProvaMezzi::None,
                dsu: None,
                application_protocol: "2026/1".into(),
                sina: None,
            })
        }),
        k.clone().prop_map(|k| CaseCommand::Close { on: day(k), reason: "fine".into() }),
        k.prop_map(|k| CaseCommand::Reopen { on: day(k) }),
    ]
}

fn check_case(c: &Case) -> Result<(), String> {
    let open_managers =
        c.assignments.iter().filter(|a| a.is_manager && a.valid.to().is_none()).count();
    if open_managers > 1 {
        return Err("more than one current manager".into());
    }
    if c.status == CaseStatus::TakenInCharge && open_managers != 1 {
        return Err("taken in charge without a manager".into());
    }
    for k in 0..90 {
        if c.assignments_on(day(k)).filter(|a| a.is_manager).count() > 1 {
            return Err(format!("two managers on {}", day(k)));
        }
    }
    if !c.status.is_open() {
        if c.assignments.iter().any(|a| a.valid.to().is_none()) {
            return Err("closed case with an open assignment".into());
        }
        if c.pais.values().any(|p| p.closure.is_none()) {
            return Err("closed case with an open PAI".into());
        }
        if c.interventions
            .values()
            .any(|i| matches!(i.status, AdminStatus::Active { .. } | AdminStatus::Suspended { .. }))
        {
            return Err("closed case with an active intervention".into());
        }
    }
    if c.deliveries.values().any(|(d, _)| !c.interventions.contains_key(&d.planned)) {
        return Err("delivery of an unknown intervention".into());
    }
    let ids: BTreeSet<_> = c.journal.iter().map(|e| &e.id).collect();
    if ids.len() != c.journal.len() {
        return Err("duplicate journal ids".into());
    }
    if c.history.windows(2).any(|w| w[0].0 > w[1].0) {
        return Err("status history goes back in time".into());
    }
    if c.in_charge() != (c.status == CaseStatus::TakenInCharge) {
        return Err("in_charge disagrees with status".into());
    }
    Ok(())
}

fn istanza_command() -> impl Strategy<Value = IstanzaCommand> {
    let k = 0u64..60;
    prop_oneof![
        k.clone().prop_map(|k| IstanzaCommand::Submit {
            protocol: Protocol { number: "2026/9".into(), date: day(k) },
            received_on: day(k),
            channel: Channel::Pec
        }),
        k.clone().prop_map(|k| IstanzaCommand::StartReview { on: day(k) }),
        k.clone().prop_map(|k| IstanzaCommand::RequestIntegration {
            on: day(k),
            items: vec!["doc".into()]
        }),
        k.clone().prop_map(|k| IstanzaCommand::ReceiveIntegration { on: day(k) }),
        k.clone().prop_map(|k| IstanzaCommand::SendPreavviso { on: day(k), reasons: "r".into() }),
        k.clone().prop_map(|k| IstanzaCommand::ReceiveObservations { on: day(k) }),
        (k.clone(), any::<bool>()).prop_map(|(k, g)| IstanzaCommand::Decide(Decision {
            outcome: if g { Outcome::Granted } else { Outcome::Rejected },
            decided_on: day(k),
            amount: None,
            motivazione: "m".into(),
            decision_record: None,
            act_number: None,
        })),
        k.clone().prop_map(|k| IstanzaCommand::Archive { on: day(k), reason: "r".into() }),
        k.prop_map(|k| IstanzaCommand::Appeal { on: day(k), body: "TAR".into() }),
    ]
}

fn check_istanza(i: &Istanza) -> Result<(), String> {
    use IstanzaStatus as S;
    if i.status != S::Draft && (i.received_on.is_none() || i.protocol.is_none()) {
        return Err("submitted without receipt or protocol".into());
    }
    match (i.status, &i.decision) {
        (S::Granted, Some(d)) if d.outcome == Outcome::Granted => {}
        (S::Rejected, Some(d)) if d.outcome == Outcome::Rejected => {}
        (S::Granted | S::Rejected, _) => {
            return Err("decided status without matching decision".into())
        }
        (S::Appealed, Some(_)) => {}
        (S::Appealed, None) => return Err("appeal without decision".into()),
        (_, Some(_)) => return Err("decision in an undecided status".into()),
        _ => {}
    }
    if i.status == S::Rejected && i.preavviso.is_none() {
        return Err("rejected without preavviso (art. 10-bis)".into());
    }
    if i.status == S::IntegrationRequested
        && i.integration.as_ref().is_none_or(|x| x.received_on.is_some())
    {
        return Err("integration status without a pending request".into());
    }
    let deadline = i.deadline(None).map_err(|e| e.to_string())?;
    if let (Some(dl), Some(r)) = (deadline, i.received_on) {
        if dl <= r {
            return Err("deadline not after receipt".into());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn random_case_commands_keep_the_case_valid(commands in prop::collection::vec(case_command(), 1..40)) {
        let id = CaseId::new("C-1").unwrap();
        let c = ctx("as1", 2026, 3, 1);
        let open = CaseCommand::Open { person: PersonId::new("P-1").unwrap(), organisation: org("B563"), unit: unit("ss"), number: "1".into(), area: AreaUtenza::PovertaEsclusione, on: day(0), intake: None };
        let mut events: Vec<CaseEvent> = Case::decide(&id, None, &open, &c).unwrap();
        let mut state = fold::<Case>(&events).unwrap();
        for command in &commands {
            if let Ok(new) = Case::decide(&id, state.as_ref(), command, &c) {
                {
                    for e in &new {
                        state = Some(Case::apply(state, e).unwrap());
                    }
                    events.extend(new);
                    let s = state.as_ref().unwrap();
                    if let Err(why) = check_case(s) {
                        prop_assert!(false, "{} after {:?}", why, command);
                    }
                }
            }
        }
        // Folding is deterministic, also after a JSON round trip of the events.
        prop_assert_eq!(&fold::<Case>(&events).unwrap(), &state);
        let json = serde_json::to_string(&events).unwrap();
        let back: Vec<CaseEvent> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
        prop_assert_eq!(&fold::<Case>(&back).unwrap(), &state);
    }

    #[test]
    fn random_istanza_commands_keep_the_istanza_valid(commands in prop::collection::vec(istanza_command(), 1..25)) {
        let id = IstanzaId::new("I-1").unwrap();
        let c = ctx("as1", 2026, 3, 1);
        let draft = IstanzaCommand::Draft { applicant: PersonId::new("P-1").unwrap(), case: None, organisation: org("B563"), procedure: Procedure { name: "p".into(), intervention_type: None, term_days: 30 }, calendar: ItalianCalendar::national() };
        let mut events: Vec<IstanzaEvent> = Istanza::decide(&id, None, &draft, &c).unwrap();
        let mut state = fold::<Istanza>(&events).unwrap();
        for command in &commands {
            if let Ok(new) = Istanza::decide(&id, state.as_ref(), command, &c) {
                for e in &new {
                    state = Some(Istanza::apply(state, e).unwrap());
                }
                events.extend(new);
                if let Err(why) = check_istanza(state.as_ref().unwrap()) {
                    prop_assert!(false, "{} after {:?}", why, command);
                }
            }
        }
        prop_assert_eq!(&fold::<Istanza>(&events).unwrap(), &state);
        let back: Vec<IstanzaEvent> = serde_json::from_str(&serde_json::to_string(&events).unwrap()).unwrap();
        prop_assert_eq!(&fold::<Istanza>(&back).unwrap(), &state);
    }
}
