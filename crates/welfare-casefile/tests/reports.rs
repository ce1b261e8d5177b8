//! Reports over folded cases.

use rust_decimal::Decimal;
use welfare_casefile::case::{Case, CaseCommand};
use welfare_casefile::ids::{
    DeliveryId, IntakeId, InterventionTypeId, PersonId, PlannedInterventionId,
};
use welfare_casefile::intake::AreaUtenza;
use welfare_casefile::intervention::{
    AdminStatus, CatalogueEntry, CodicePrestazione, Delivery, DeliveryAmount, PlannedIntervention,
    ProvaMezzi, Shares,
};
use welfare_casefile::reports::{
    intake_to_charge, open_cases_by_area_and_intervention, spending_by_inps_code,
    taken_in_charge_in, OpenCasesRow,
};
use welfare_types::dates::DateRange;
use welfare_types::Money;

use crate::common::{d, op, org, run, unit};

fn case(id: &str, person: &str, intake: (u32, u32), taken: Option<(u32, u32)>) -> Case {
    let open = CaseCommand::Open {
        person: PersonId::new(person).unwrap(),
        organisation: org("B563"),
        unit: unit("ss"),
        number: id.into(),
        area: AreaUtenza::DisabilitaNonAutosufficienza,
        on: d(2026, intake.0, intake.1),
        intake: Some((IntakeId::new(format!("I-{id}")).unwrap(), d(2026, intake.0, intake.1))),
    };
    let mut c = run(None, "as1", open);
    c.id = welfare_casefile::ids::CaseId::new(id).unwrap();
    if let Some((m, dd)) = taken {
        c = run(
            Some(c),
            "as1",
            CaseCommand::TakeInCharge { operator: op("as1"), unit: unit("ss"), on: d(2026, m, dd) },
        );
    }
    c
}

fn with_sad(mut c: Case) -> Case {
    let code = CodicePrestazione::new("A2.07").unwrap();
    let plan = PlannedIntervention {
        id: PlannedInterventionId::new("SAD").unwrap(),
        intervention_type: InterventionTypeId::new("sad").unwrap(),
        catalogue: CatalogueEntry {
            id: InterventionTypeId::new("sad").unwrap(),
            parent: None,
            name: "Assistenza domiciliare".into(),
            inps_label: Some("Assistenza domiciliare socio-assistenziale".into()),
            psa: true,
            only_if_in_charge: false,
            sina_linkable: code.default_sina_linkable(),
            do_not_export: false,
            valid: DateRange::starting(d(2020, 1, 1)),
            inps_code: Some(code),
        },
        beneficiary: c.person.clone(),
        pai: None,
        istanza: None,
        period: DateRange::new(d(2026, 4, 1), Some(d(2026, 12, 31))).unwrap(),
        area: AreaUtenza::DisabilitaNonAutosufficienza,
        status: AdminStatus::Active { from: d(2026, 4, 1) },
    };
    c = run(Some(c), "as1", CaseCommand::PlanIntervention(plan));
    // Periodic: 3 months at 250.00 per month, of which ente 200.00 and utente 50.00.
    run(
        Some(c),
        "as1",
        CaseCommand::RecordDelivery(Delivery {
            id: DeliveryId::new("D1").unwrap(),
            planned: PlannedInterventionId::new("SAD").unwrap(),
            amount: DeliveryAmount::Periodic {
                from: d(2026, 4, 1),
                to: Some(d(2026, 6, 30)),
                months: 3,
                monthly: Money::parse("250.00").unwrap(),
            },
            shares: Some(Shares {
                ente: Money::parse("200.00").unwrap(),
                utente: Money::parse("50.00").unwrap(),
                ssn: Money::ZERO,
            }),
            hours_per_month: None,
            means_test: ProvaMezzi::OtherMeansTest,
            dsu: None,
            application_protocol: "2026/8".into(),
            sina: None,
        }),
    )
}

#[test]
fn reports_count_and_sum() {
    let cases = vec![
        with_sad(case("C-1", "P-1", (3, 2), Some((3, 9)))),
        case("C-2", "P-2", (3, 10), Some((3, 13))),
        case("C-3", "P-3", (3, 20), None),
        case("C-4", "P-4", (3, 1), Some((4, 2))),
    ];
    // Days: 7, 3, 32 → median 7, mean 14.0.
    let t = intake_to_charge(&cases);
    assert_eq!((t.cases, t.min_days, t.max_days, t.median_days), (3, Some(3), Some(32), Some(7)));
    assert_eq!(t.mean_days, Some(Decimal::new(140, 1)));
    let march = DateRange::new(d(2026, 3, 1), Some(d(2026, 3, 31))).unwrap();
    let ids: Vec<_> =
        taken_in_charge_in(&cases, &march).iter().map(|c| c.as_str().to_owned()).collect();
    assert_eq!(ids, vec!["C-1", "C-2"]);
    let area = AreaUtenza::DisabilitaNonAutosufficienza;
    assert_eq!(
        open_cases_by_area_and_intervention(&cases),
        vec![
            OpenCasesRow { area, inps_code: None, cases: 3 },
            OpenCasesRow { area, inps_code: Some("A2.07".into()), cases: 1 }
        ]
    );
    let rows = spending_by_inps_code(&cases, &DateRange::calendar_year(2026).unwrap()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].inps_code, "A2.07");
    assert_eq!(rows[0].total, Money::parse("750.00").unwrap());
    assert_eq!(rows[0].ente, Money::parse("600.00").unwrap());
    assert_eq!(rows[0].utente, Money::parse("150.00").unwrap());
    // The same delivery as a SIUSS PrestazioniSociali record (periodic, shares per month, the
    // zero SSN share left out because the XSD wants it > 0).
    let rec =
        welfare_casefile::siuss::prestazione_sociale(&cases[0], &DeliveryId::new("D1").unwrap())
            .unwrap();
    assert_eq!(
        serde_json::to_string(&rec).unwrap(),
        r#"{"TipoOperazione":"I","PresenzaProvaMezzi":2,"CaratterePrestazione":1,"CodicePrestazione":"A2.07","DenominazionePrestazione":"Assistenza domiciliare socio-assistenziale","ProtocolloDomanda":"2026/8","DataInizioPrestazione":"2026-04-01","DataFinePrestazione":"2026-06-30","PeriodoErogazione":3,"ImportoMensile":"250.00","ImportoQuotaEnte":"200.00","ImportoQuotaUtente":"50.00","PresaCarico":1,"AreaUtenza":2}"#
    );
    assert_eq!(
        welfare_casefile::siuss::prestazione_sociale(&cases[1], &DeliveryId::new("D1").unwrap()),
        Err(vec![welfare_casefile::intervention::SiussGap::UnknownDelivery])
    );
    // Outside the period: nothing.
    assert!(spending_by_inps_code(&cases, &DateRange::calendar_year(2025).unwrap())
        .unwrap()
        .is_empty());
}
