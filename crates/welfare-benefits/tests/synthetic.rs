use chrono::NaiveDate;
use welfare_benefits::synthetic::Generator;
use welfare_benefits::Household;

#[test]
fn every_synthetic_household_is_a_valid_household_file() {
    let generator = Generator::new(2026, 2026).unwrap();
    let on = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    let mut without_isee = 0;
    let mut sizes = [0u32; 9];
    for (i, value) in generator.households(3000).enumerate() {
        let text = serde_json::to_string(&value).unwrap();
        let household = Household::from_str_named("synthetic.json", &text)
            .unwrap_or_else(|e| panic!("household {i} is invalid: {e}\n{text}"));
        assert!((1..=8).contains(&household.member_list.len()));
        sizes[household.member_list.len()] += 1;
        if household.isee.ordinario.is_none() {
            without_isee += 1;
        }
        household.facts(on).unwrap_or_else(|e| panic!("household {i}: no facts: {e}"));
    }
    // About one in eight has no DSU; about a third are single people (ISTAT's shape).
    assert!((250..=500).contains(&without_isee), "{without_isee} without ISEE");
    assert!((850..=1150).contains(&sizes[1]), "{} single-member households", sizes[1]);
    assert!(sizes[5..].iter().sum::<u32>() > 60, "large households are rare but present");
}

#[test]
fn households_depend_only_on_seed_and_index() {
    let a = Generator::new(7, 2025).unwrap();
    let b = Generator::new(7, 2025).unwrap();
    assert_eq!(a.household(12_345), b.household(12_345));
    let first_ten: Vec<_> = a.households(10).collect();
    let first_hundred: Vec<_> = a.households(100).collect();
    assert_eq!(first_ten[..], first_hundred[..10], "a longer run starts with the shorter one");
    assert_ne!(a.household(1), Generator::new(8, 2025).unwrap().household(1));
}
