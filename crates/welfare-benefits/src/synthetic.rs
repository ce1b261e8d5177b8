//! Synthetic households: realistic, reproducible, and free of real personal data.
//!
//! Municipal IT departments need thousands of plausible households to test an installation,
//! and benchmarks need millions. [`Generator`] makes them in the household facts format, from a
//! seed: household number `i` of seed `s` is always the same, whatever `n` is asked for and in
//! whatever order, so a batch can be generated in parallel and a failing record reproduced alone.
//!
//! ```
//! use welfare_benefits::synthetic::Generator;
//! use welfare_benefits::Household;
//!
//! let generator = Generator::new(42, 2026)?;
//! let first = generator.household(0);
//! assert_eq!(first, Generator::new(42, 2026)?.household(0)); // reproducible
//! // Every synthetic household is a valid household file.
//! let household: Household = serde_json::from_value(first)?;
//! assert!((1..=8).contains(&household.member_list.len()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What the figures follow
//!
//! The shapes are deliberately coarse and documented, not a statistical model:
//!
//! * **Household size** 1–8, weighted as ISTAT's household-size distribution for Italy
//!   (about a third of households have one member, one in twenty has five or more).
//! * **ISEE**: about one household in eight presented no DSU (all ISEE values missing); the
//!   others draw an ISEE from ten deciles whose bounds follow the spread INPS's ISEE
//!   observatory reports (a median of about 12,000 €, a long tail up to 80,000 €), uniform within
//!   each decile, to the cent.
//! * **Members**: a head of 19–90 years, a partner in most multi-member households, children of
//!   0–25 years, and in larger households a grandparent; about 5 % of members have a disability
//!   (media, grave, non autosufficienza); working-age adults work with probability 3 in 5;
//!   children under three attend a nursery with probability 3 in 10; a child under one has a
//!   birth event.
//! * **Housing**: one household in five rents, nine in ten of those with a registered lease.
//!
//! The random numbers come from SplitMix64 written out here, so a seed gives the same
//! households on every platform and in every future version of the crate (a dependency's
//! generator could change its stream in a minor release). No floating point is used.

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::{json, Map, Value};

/// Why a generator could not be built.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SyntheticError {
    /// The reference year is outside 1950–2200.
    #[error("reference year must be between 1950 and 2200")]
    Year,
}

/// Belfiore codes of the comuni synthetic households live in (the twelve largest cities).
const COMUNI: &[&str] = &[
    "H501", "F205", "F839", "L219", "G273", "D969", "A944", "D612", "A662", "C351", "L736", "L781",
];

/// Cumulative weights (out of 1000) of household sizes 1..=8.
const SIZE_WEIGHTS: [u64; 8] = [330, 600, 790, 940, 980, 993, 998, 1000];

/// ISEE decile bounds in euro: decile `k` draws uniformly between bounds `k` and `k + 1`.
const ISEE_DECILES: [u64; 11] =
    [0, 3_000, 6_000, 8_500, 11_000, 13_500, 16_500, 20_500, 26_000, 35_000, 80_000];

/// SplitMix64: a tiny, well-studied generator with a fixed output stream.
#[derive(Clone, Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`); the modulo bias is below 2⁻⁵⁰ for the ranges used here.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True with probability `per_mille / 1000`.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

/// Makes synthetic households for one seed and reference year.
#[derive(Clone, Debug)]
pub struct Generator {
    seed: u64,
    year: i32,
    reference: NaiveDate,
}

/// One member while a household is being built.
struct Draft {
    id: String,
    age: u64,
    female: bool,
    relationship: &'static str,
}

impl Generator {
    /// A generator for `seed`; ages and dates are drawn around 1 July of `year`.
    pub fn new(seed: u64, year: i32) -> Result<Generator, SyntheticError> {
        if !(1950..=2200).contains(&year) {
            return Err(SyntheticError::Year);
        }
        let reference = NaiveDate::from_ymd_opt(year, 7, 1).ok_or(SyntheticError::Year)?;
        Ok(Generator { seed, year, reference })
    }

    /// The reference year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Household number `index`, as a household document (JSON).
    pub fn household(&self, index: u64) -> Value {
        // One independent stream per household: mix seed and index through SplitMix64 once.
        let mut rng = SplitMix64(self.seed ^ SplitMix64(index).next());
        let size = pick_size(&mut rng);
        let drafts = self.members(&mut rng, size);

        let mut members = Vec::with_capacity(drafts.len());
        let mut events = Vec::new();
        // Parents of the children are the head and the partner, never a child or a grandparent.
        let parent = |female: bool| {
            drafts
                .iter()
                .filter(|d| matches!(d.relationship, "intestatario_scheda" | "coniuge"))
                .find(|d| d.female == female)
                .map(|d| &d.id)
        };
        let (mother, father) = (parent(true), parent(false));
        // Citizenship of the adults from a stream of its own, so that adding it left every
        // other drawn value of a seed as it was: about 89 % Italian, 3 % other EU, 5 % non-EU
        // with a long-term permit, 3 % non-EU with another title (ISTAT shares of residents).
        let mut citizenship_rng = SplitMix64(self.seed ^ SplitMix64(!index).next());
        for draft in &drafts {
            let birth = self.birth_date(&mut rng, draft.age);
            let mut member = Map::new();
            member.insert("member_identifier".into(), json!(draft.id));
            member.insert("birth_date".into(), json!(birth.to_string()));
            member.insert("sex".into(), json!(if draft.female { "F" } else { "M" }));
            member.insert("relationship_to_head".into(), json!(draft.relationship));
            if draft.age >= 18 {
                let citizenship = match citizenship_rng.below(100) {
                    0..=88 => "italian",
                    89..=91 => "eu",
                    92..=96 => "non_eu_long_term",
                    _ => "non_eu_other",
                };
                member.insert("citizenship".into(), json!(citizenship));
            }
            if draft.relationship == "figlio" {
                if let Some(m) = mother {
                    member.insert("mother".into(), json!(m));
                }
                if let Some(f) = father {
                    member.insert("father".into(), json!(f));
                }
            }
            if rng.chance(50) {
                let categories = ["media", "grave", "non_autosufficiente"];
                let category = categories.get(rng.below(3) as usize).copied().unwrap_or("media");
                member.insert("disability".into(), json!(category));
            }
            if (18..=66).contains(&draft.age) {
                if rng.chance(600) {
                    member.insert(
                        "employment".into(),
                        json!({"status": "employed", "months_worked": rng.between(1, 12)}),
                    );
                } else {
                    member.insert("employment".into(), json!({"status": "unemployed"}));
                }
            }
            if (6..=25).contains(&draft.age) && draft.relationship == "figlio" {
                member.insert("student".into(), json!(draft.age < 19 || rng.chance(400)));
            }
            if draft.age < 3 && rng.chance(300) {
                let fee = rng.between(150, 600);
                member.insert(
                    "nursery".into(),
                    json!({"kind": "asilo_nido", "monthly_fee": format!("{fee}.00")}),
                );
            }
            if draft.age == 0 {
                let mut event =
                    json!({"kind": "birth", "date": birth.to_string(), "child": draft.id});
                if let (Some(m), Some(obj)) = (mother, event.as_object_mut()) {
                    obj.insert("mother".into(), json!(m));
                }
                events.push(event);
            }
            members.push(Value::Object(member));
        }

        let mut household = Map::new();
        household.insert("group_identifier".into(), json!(format!("syn-{}-{index}", self.seed)));
        let comune = COMUNI.get(rng.below(COMUNI.len() as u64) as usize).copied().unwrap_or("H501");
        household.insert("residence".into(), json!({"comune": comune}));
        if !rng.chance(120) {
            let isee = draw_isee(&mut rng);
            household.insert(
                "isee".into(),
                json!({"ordinario": isee, "minorenni": isee, "prestazioni_familiari": isee}),
            );
        }
        household.insert("member_list".into(), Value::Array(members));
        if !events.is_empty() {
            household.insert("events".into(), Value::Array(events));
        }
        if rng.chance(200) {
            let annual = rng.between(3_000, 12_000);
            household.insert(
                "rent".into(),
                json!({"annual": format!("{annual}.00"), "registered": rng.chance(900)}),
            );
        }
        let income = rng.between(0, 60_000);
        household.insert("family_income".into(), json!(format!("{income}.00")));
        Value::Object(household)
    }

    /// Households `0..n`, in order.
    pub fn households(&self, n: u64) -> impl Iterator<Item = Value> + '_ {
        (0..n).map(move |i| self.household(i))
    }

    fn members(&self, rng: &mut SplitMix64, size: usize) -> Vec<Draft> {
        let head_age = if size == 1 { rng.between(19, 90) } else { rng.between(24, 70) };
        let head_female = rng.chance(450);
        let mut drafts = vec![Draft {
            id: "m1".into(),
            age: head_age,
            female: head_female,
            relationship: "intestatario_scheda",
        }];
        let mut next = 2;
        let mut push = |drafts: &mut Vec<Draft>, age: u64, female: bool, rel: &'static str| {
            drafts.push(Draft { id: format!("m{next}"), age, female, relationship: rel });
            next += 1;
        };
        // A partner in most households of two or more.
        if size >= 2 && (size >= 3 || rng.chance(750)) {
            let age = head_age.saturating_sub(3).max(19) + rng.below(7);
            push(&mut drafts, age, !head_female, "coniuge");
        }
        // A grandparent in some large households, then children fill the rest.
        if size >= 5 && drafts.len() < size && rng.chance(250) {
            let age = (head_age + 25 + rng.below(10)).min(99);
            push(&mut drafts, age, rng.chance(600), "genitore");
        }
        let max_child_age = head_age.saturating_sub(18).clamp(0, 25);
        while drafts.len() < size {
            let age = rng.between(0, max_child_age);
            push(&mut drafts, age, rng.chance(490), "figlio");
        }
        drafts
    }

    /// A birth date giving age `age` on the reference date.
    fn birth_date(&self, rng: &mut SplitMix64, age: u64) -> NaiveDate {
        let years_back = i32::try_from(age).unwrap_or(0);
        let anniversary =
            self.reference.with_year(self.reference.year() - years_back).unwrap_or(self.reference);
        let days = i64::try_from(rng.below(365)).unwrap_or(0);
        anniversary - Duration::days(days)
    }
}

fn pick_size(rng: &mut SplitMix64) -> usize {
    let roll = rng.below(1000);
    SIZE_WEIGHTS.iter().position(|&w| roll < w).map_or(1, |i| i + 1)
}

/// An ISEE drawn from the decile table, to the cent, as a decimal string.
fn draw_isee(rng: &mut SplitMix64) -> String {
    let decile = rng.below(10) as usize;
    let lo = ISEE_DECILES.get(decile).copied().unwrap_or(0) * 100;
    let hi = ISEE_DECILES.get(decile + 1).copied().unwrap_or(80_000) * 100;
    let cents = rng.between(lo, hi);
    format!("{}.{:02}", cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_its_published_stream() {
        // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        let mut rng = SplitMix64(0);
        assert_eq!(rng.next(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn isee_strings_have_two_decimals() {
        let mut rng = SplitMix64(7);
        for _ in 0..1000 {
            let s = draw_isee(&mut rng);
            let (_, cents) = s.split_once('.').unwrap();
            assert_eq!(cents.len(), 2);
        }
    }

    #[test]
    fn year_out_of_range_is_an_error() {
        assert_eq!(Generator::new(1, 1900).unwrap_err(), SyntheticError::Year);
    }
}
