//! Invariants: ISEE ≥ 0; non-decreasing when an income or an asset grows; the rent deduction
//! never above its cap; a member without income or assets never raises the ISEE.

use proptest::prelude::*;
use welfare_isee::{
    compute_with, ComputeOptions, Disability, Dsu, FinancialItem, FinancialKind, Income, IseeKind,
    Member, RealEstate, Relationship, Rent,
};
use welfare_types::Money;

use crate::common::{d, eur};

const FILED: [(i32, u32, u32); 5] =
    [(2015, 6, 1), (2017, 6, 1), (2021, 6, 1), (2025, 6, 1), (2026, 6, 1)];

fn income() -> impl Strategy<Value = Income> {
    (0..60_000i64, 0..100u8, 0..100u8, 0..5_000i64, 0..3_000i64, 0..2_000i64, 0..1_500i64).prop_map(
        |(irpef, emp_pct, pen_pct, sub, assist, maint_in, maint_out)| {
            let employee = irpef * i64::from(emp_pct) / 100;
            let pension = (irpef - employee) * i64::from(pen_pct) / 100;
            Income {
                irpef_total: eur(irpef),
                substitute_tax: eur(sub),
                employee: eur(employee),
                pension: eur(pension),
                assistance_benefits: eur(assist),
                maintenance_received: eur(maint_in),
                maintenance_paid: eur(maint_out),
                ..Income::default()
            }
        },
    )
}

fn disability() -> impl Strategy<Value = Option<Disability>> {
    prop_oneof![
        6 => Just(None),
        1 => Just(Some(Disability::Media)),
        1 => Just(Some(Disability::Grave)),
        1 => Just(Some(Disability::NonAutosufficienza)),
    ]
}

fn member(
    id: String,
    relationship: Relationship,
    min_year: i32,
    max_year: i32,
) -> impl Strategy<Value = Member> {
    (min_year..=max_year, 1u32..=12, any::<bool>(), disability(), income()).prop_map(
        move |(year, month, worked, disability, income)| Member {
            id: id.clone(),
            codice_fiscale: None,
            birth_date: d(year, month, 1),
            relationship,
            disability,
            worked_six_months: worked,
            irpef_dependent: false,
            income,
        },
    )
}

fn financial_kind() -> impl Strategy<Value = FinancialKind> {
    prop_oneof![
        Just(FinancialKind::Deposito),
        Just(FinancialKind::TitoliDiStato),
        Just(FinancialKind::BuoniFruttiferiPostali),
        Just(FinancialKind::LibrettiPostali),
        Just(FinancialKind::Altro),
    ]
}

fn dsu() -> impl Strategy<Value = Dsu> {
    let children = prop::collection::vec(0..5usize, 0..6);
    (
        0..FILED.len(),
        member("p1".into(), Relationship::Dichiarante, 1950, 1995),
        prop::option::of(member("p2".into(), Relationship::Coniuge, 1950, 1995)),
        children,
        prop::option::of((0..15_000i64, any::<bool>())),
        prop::collection::vec((0..300_000i64, 0..120_000i64, any::<bool>(), any::<bool>()), 0..3),
        prop::collection::vec(
            (financial_kind(), 0..60_000i64, prop::option::of(0..60_000i64), any::<bool>()),
            0..5,
        ),
    )
        .prop_flat_map(|(filed, p1, p2, children, rent, homes, financial)| {
            let kids: Vec<_> = (0..children.len())
                .map(|i| member(format!("f{i}"), Relationship::Figlio, 2000, 2014))
                .collect();
            (Just((filed, p1, p2, rent, homes, financial)), kids)
        })
        .prop_map(|((filed, p1, p2, rent, homes, financial), kids)| {
            let (y, m, day) = FILED[filed];
            let mut members = vec![p1];
            members.extend(p2);
            members.extend(kids);
            let owner = |second: bool| {
                if second && members.len() > 1 {
                    members[1].id.clone()
                } else {
                    "p1".to_owned()
                }
            };
            let mut main_home_taken = false;
            let real_estate = homes
                .into_iter()
                .map(|(value, mortgage, main, metro)| {
                    let main_home = main && !main_home_taken;
                    main_home_taken |= main_home;
                    RealEstate {
                        owner: "p1".into(),
                        imu_value: eur(value),
                        residual_mortgage: eur(mortgage),
                        main_home,
                        abroad: false,
                        metropolitan_capital: metro,
                    }
                })
                .collect();
            let financial = financial
                .into_iter()
                .map(|(kind, balance, average, second)| FinancialItem {
                    owner: owner(second),
                    kind,
                    balance: eur(balance),
                    average_balance: if kind == FinancialKind::Deposito {
                        average.map(eur)
                    } else {
                        None
                    },
                })
                .collect();
            Dsu {
                filing_date: d(y, m, day),
                members,
                rent: rent.map(|(annual, registered)| Rent { annual: eur(annual), registered }),
                real_estate,
                financial,
                figurative_income_rate: Some("2.5".parse().unwrap()),
                beneficiary: None,
                additional_components: vec![],
            }
        })
}

fn kinds(dsu: &Dsu) -> Vec<IseeKind> {
    let mut kinds = vec![IseeKind::Ordinario, IseeKind::Corrente, IseeKind::Minorenni];
    if dsu.filing_date >= d(2026, 1, 1) {
        kinds.push(IseeKind::PrestazioniFamiliari);
    }
    kinds
}

fn isee(dsu: &Dsu, kind: IseeKind) -> Money {
    let options = ComputeOptions { trace: false, ..ComputeOptions::default() };
    compute_with(dsu, kind, &options).unwrap().isee
}

/// One way to make a DSU richer.
#[derive(Debug, Clone)]
enum Growth {
    Irpef(usize),
    Employee(usize),
    Pension(usize),
    Substitute(usize),
    Exempt(usize),
    Benefits(usize),
    DisabilityBenefits(usize),
    Maintenance(usize),
    Agricultural(usize),
    Financial(usize),
    Average(usize),
    RealEstate(usize),
}

fn growth() -> impl Strategy<Value = (Growth, i64)> {
    let i = 0..8usize;
    let which = prop_oneof![
        i.clone().prop_map(Growth::Irpef),
        i.clone().prop_map(Growth::Employee),
        i.clone().prop_map(Growth::Pension),
        i.clone().prop_map(Growth::Substitute),
        i.clone().prop_map(Growth::Exempt),
        i.clone().prop_map(Growth::Benefits),
        i.clone().prop_map(Growth::DisabilityBenefits),
        i.clone().prop_map(Growth::Maintenance),
        i.clone().prop_map(Growth::Agricultural),
        i.clone().prop_map(Growth::Financial),
        i.clone().prop_map(Growth::Average),
        i.prop_map(Growth::RealEstate),
    ];
    (which, 1..80_000i64)
}

fn grow(dsu: &mut Dsu, growth: &Growth, by: i64) {
    let add = |m: &mut Money| *m = m.checked_add(eur(by)).unwrap();
    let n = dsu.members.len();
    match *growth {
        Growth::Irpef(i) => add(&mut dsu.members[i % n].income.irpef_total),
        Growth::Employee(i) => {
            let inc = &mut dsu.members[i % n].income;
            add(&mut inc.irpef_total);
            add(&mut inc.employee);
        }
        Growth::Pension(i) => {
            let inc = &mut dsu.members[i % n].income;
            add(&mut inc.irpef_total);
            add(&mut inc.pension);
        }
        Growth::Substitute(i) => add(&mut dsu.members[i % n].income.substitute_tax),
        Growth::Exempt(i) => add(&mut dsu.members[i % n].income.exempt),
        Growth::Benefits(i) => add(&mut dsu.members[i % n].income.assistance_benefits),
        Growth::DisabilityBenefits(i) => add(&mut dsu.members[i % n].income.disability_benefits),
        Growth::Maintenance(i) => add(&mut dsu.members[i % n].income.maintenance_received),
        Growth::Agricultural(i) => add(&mut dsu.members[i % n].income.agricultural),
        Growth::Financial(i) => {
            if !dsu.financial.is_empty() {
                let k = i % dsu.financial.len();
                add(&mut dsu.financial[k].balance);
            }
        }
        Growth::Average(i) => {
            if !dsu.financial.is_empty() {
                let k = i % dsu.financial.len();
                if let Some(avg) = dsu.financial[k].average_balance.as_mut() {
                    add(avg);
                }
            }
        }
        Growth::RealEstate(i) => {
            if !dsu.real_estate.is_empty() {
                let k = i % dsu.real_estate.len();
                add(&mut dsu.real_estate[k].imu_value);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn isee_is_never_negative(dsu in dsu()) {
        for kind in kinds(&dsu) {
            let r = compute_with(&dsu, kind, &ComputeOptions::default()).unwrap();
            prop_assert!(!r.isee.is_negative() && !r.ise.is_negative() && !r.isr.is_negative() && !r.isp.is_negative());
        }
    }

    #[test]
    fn isee_does_not_decrease_when_an_income_or_asset_grows(dsu in dsu(), (g, by) in growth()) {
        let mut richer = dsu.clone();
        grow(&mut richer, &g, by);
        for kind in kinds(&dsu) {
            let before = isee(&dsu, kind);
            let after = isee(&richer, kind);
            prop_assert!(after >= before, "{kind} {g:?} +{by}: {before} -> {after}");
        }
    }

    #[test]
    fn rent_deduction_never_exceeds_its_cap(dsu in dsu()) {
        let children = dsu.members.iter().filter(|m| m.relationship == Relationship::Figlio).count();
        let cap = 7_000 + 500 * i64::try_from(children.saturating_sub(2)).unwrap();
        let r = compute_with(&dsu, IseeKind::Ordinario, &ComputeOptions::default()).unwrap();
        prop_assert!(r.rent_deduction <= eur(cap));
        prop_assert_eq!(r.rent_cap, eur(cap));
        if let Some(rent) = &dsu.rent {
            prop_assert!(r.rent_deduction <= rent.annual);
        }
    }

    #[test]
    fn a_member_without_income_or_assets_never_raises_the_isee(
        dsu in dsu(),
        child in any::<bool>(),
        year in 1940..2026i32,
        worked in any::<bool>(),
        disability in disability(),
    ) {
        let mut bigger = dsu.clone();
        let birth = d(year.min(dsu.filing_date.format("%Y").to_string().parse::<i32>().unwrap() - 1), 1, 1);
        bigger.members.push(Member {
            id: "new".into(),
            codice_fiscale: None,
            birth_date: birth,
            relationship: if child { Relationship::Figlio } else { Relationship::Altro },
            disability,
            worked_six_months: worked,
            irpef_dependent: false,
            income: Income::default(),
        });
        for kind in kinds(&dsu) {
            let before = isee(&dsu, kind);
            let after = isee(&bigger, kind);
            prop_assert!(after <= before, "{kind}: {before} -> {after}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The disability expenses of the original text (art. 4 c. 4 lett. b–c) only lower the
    /// ISR: never by more than what is declared (health expenses at most 5,000 a member),
    /// and never at all from 28 June 2016.
    #[test]
    fn disability_expenses_never_raise_the_isee(
        dsu in dsu(),
        i in 0..8usize,
        health in 0..12_000i64,
        care in 0..20_000i64,
        fees in 0..20_000i64,
    ) {
        let mut base = dsu.clone();
        let n = base.members.len();
        base.members[i % n].disability = Some(Disability::NonAutosufficienza);
        let mut with = base.clone();
        let inc = &mut with.members[i % n].income;
        inc.disability_health_expenses = eur(health);
        inc.care_staff_expenses = eur(care);
        inc.residential_care_fees = eur(fees);
        let original = dsu.filing_date < d(2016, 6, 28);
        for kind in kinds(&dsu) {
            let options = ComputeOptions::default();
            let before = compute_with(&base, kind, &options).unwrap();
            let after = compute_with(&with, kind, &options).unwrap();
            prop_assert!(after.isee <= before.isee, "{kind}: {} -> {}", before.isee, after.isee);
            let most = if original { health.min(5_000) + care + fees } else { 0 };
            prop_assert!(after.disability_expenses <= eur(most));
            prop_assert!(before.isr.checked_sub(after.isr).unwrap() <= eur(most));
        }
    }
}
