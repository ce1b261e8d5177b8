//! A reader for the common household record of a JSON Lines batch, beside serde.
//!
//! [`household`] reads one record of the shape producers write (the keys of the household
//! facts format a batch usually carries, strings without escapes, small integers, booleans)
//! into the same [`Household`] serde would build, with one allocation per text field and
//! none for the parsing itself. On **anything** it does not expect (an unknown or repeated
//! key, an escape or control character in a string, `null`, a number where it reads text, a
//! value serde would refuse, trailing content) it answers `None`, and the caller reads the
//! record with serde: errors and their texts are always serde's. A property test holds the
//! two equal on generated households and on malformed variants of them.
//!
//! Values are converted by the functions serde's visitors call (`Money::parse`,
//! `ComuneCode::parse`, `Relationship::from_name`, chrono's date parser for anything but a
//! plain `YYYY-MM-DD`), so an accepted value is the value serde gives.

use chrono::NaiveDate;
use welfare_types::Money;

use crate::codes::{ComuneCode, Relationship};
use crate::household::{
    Citizenship, Disability, Employment, EmploymentStatus, Event, EventKind, GroupType, Household,
    IseeValues, Member, Nursery, NurseryKind, Rent, Residence, ResidentialCare, Sex,
};

/// Reads one household record (the whole of `text`, JSON whitespace around it allowed), or
/// `None` when the record is not of the common shape or is not valid: read it with serde then.
pub(crate) fn household(text: &str) -> Option<Household> {
    let mut reader = Reader { text, pos: 0 };
    let household = reader.household()?;
    reader.ws();
    (reader.pos == text.len()).then_some(household)
}

/// Sets `slot` once: a key seen twice (serde's "duplicate field") or a value not read is `None`.
fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

/// A date written `YYYY-MM-DD` is built from its digits; any other text goes through chrono's
/// parser, as serde's visitor does (a test holds the shortcut equal to the parser).
fn date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).filter(|d| d.is_ascii_digit()).map(|d| u32::from(d - b'0'));
    let plain = b.len() == 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-');
    let fields = || -> Option<(i32, u32, u32)> {
        let year = digit(0)? * 1000 + digit(1)? * 100 + digit(2)? * 10 + digit(3)?;
        let month = digit(5)? * 10 + digit(6)?;
        let day = digit(8)? * 10 + digit(9)?;
        Some((i32::try_from(year).ok()?, month, day))
    };
    match fields().filter(|_| plain) {
        Some((y, m, d)) => NaiveDate::from_ymd_opt(y, m, d).or_else(|| text.parse().ok()),
        None => text.parse().ok(),
    }
}

/// Where the first quote, backslash or control character of `bytes` is, eight bytes at a
/// time (a test holds it equal to the byte-wise search). The batch's result writer uses it to
/// decide whether a text needs escaping.
pub(crate) fn special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte that is zero / below 0x20. Borrows can only mark bytes above
    // a byte truly marked, so the lowest mark is exact.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let below_32 = |x: u64| x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in words.by_ref() {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let x = u64::from_le_bytes(eight);
        let marks =
            below_32(x) | zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\')));
        if marks != 0 {
            // At most 7: the cast keeps it.
            return Some(at + (marks.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = words.remainder().iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\');
    tail.map(|i| at + i)
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Skips JSON whitespace.
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Skips whitespace and takes `byte`.
    fn eat(&mut self, byte: u8) -> Option<()> {
        self.ws();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// A string without escapes or control characters (the text between the quotes).
    fn str(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.pos;
        let rest = self.text.as_bytes().get(start..)?;
        let len = special(rest)?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        self.pos = start + len + 1;
        self.text.get(start..start + len)
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    fn bool(&mut self) -> Option<bool> {
        self.ws();
        let rest = self.text.get(self.pos..)?;
        let (value, len) = if rest.starts_with("true") {
            (true, 4)
        } else if rest.starts_with("false") {
            (false, 5)
        } else {
            return None;
        };
        self.pos += len;
        Some(value)
    }

    /// A JSON integer from 0 to 255 written plainly (no sign, fraction or exponent).
    fn small(&mut self) -> Option<u8> {
        self.ws();
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits = self.text.get(start..self.pos)?;
        let leading_zero = digits.len() > 1 && digits.starts_with('0');
        if digits.is_empty() || digits.len() > 3 || leading_zero {
            return None;
        }
        // What follows must end the number (`12.5`, `1e2` are left to serde).
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        digits.parse().ok()
    }

    fn money(&mut self) -> Option<Money> {
        Money::parse(self.str()?).ok()
    }

    fn date(&mut self) -> Option<NaiveDate> {
        date(self.str()?)
    }

    /// An object: `field` reads the value of each key.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        loop {
            let key = self.str()?;
            self.eat(b':')?;
            field(self, key)?;
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array: `item` reads each element.
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        self.ws();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(());
        }
        loop {
            item(self)?;
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn household(&mut self) -> Option<Household> {
        let mut id = None;
        let mut residence = None;
        let mut isee = None;
        let mut members = None;
        let mut events = None;
        let mut rent = None;
        let mut income = None;
        self.object(|r, key| match key {
            "group_identifier" => once(&mut id, r.string()),
            "residence" => once(&mut residence, r.residence()),
            "isee" => once(&mut isee, r.isee()),
            "member_list" => once(&mut members, r.list(Reader::member)),
            "events" => once(&mut events, r.list(Reader::event)),
            "rent" => once(&mut rent, r.rent()),
            "family_income" => once(&mut income, r.money()),
            _ => None,
        })?;
        Some(Household {
            group_identifier: id?,
            group_type: GroupType::default(),
            residence: residence?,
            isee: isee.unwrap_or_default(),
            member_list: members?,
            events: events.unwrap_or_default(),
            rent,
            family_income: income,
            assets: None,
            benefits_received: Vec::new(),
            applications: Vec::new(),
        })
    }

    fn list<T>(&mut self, read: fn(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut items = Vec::new();
        self.array(|r| {
            items.push(read(r)?);
            Some(())
        })?;
        Some(items)
    }

    fn residence(&mut self) -> Option<Residence> {
        let (mut comune, mut since) = (None, None);
        self.object(|r, key| match key {
            "comune" => once(&mut comune, r.str().and_then(ComuneCode::parse)),
            "since" => once(&mut since, r.date()),
            _ => None,
        })?;
        Some(Residence { comune: comune?, since })
    }

    fn isee(&mut self) -> Option<IseeValues> {
        let mut isee = IseeValues::default();
        let (mut ordinario, mut minorenni, mut sociosanitario, mut familiari) =
            (None, None, None, None);
        self.object(|r, key| match key {
            "ordinario" => once(&mut ordinario, r.money()),
            "minorenni" => once(&mut minorenni, r.money()),
            "sociosanitario" => once(&mut sociosanitario, r.money()),
            "prestazioni_familiari" => once(&mut familiari, r.money()),
            _ => None,
        })?;
        isee.ordinario = ordinario;
        isee.minorenni = minorenni;
        isee.sociosanitario = sociosanitario;
        isee.prestazioni_familiari = familiari;
        Some(isee)
    }

    fn rent(&mut self) -> Option<Rent> {
        let (mut annual, mut registered) = (None, None);
        self.object(|r, key| match key {
            "annual" => once(&mut annual, r.money()),
            "registered" => once(&mut registered, r.bool()),
            _ => None,
        })?;
        Some(Rent { annual: annual?, registered: registered? })
    }

    fn event(&mut self) -> Option<Event> {
        let (mut kind, mut date, mut child, mut mother, mut resident) =
            (None, None, None, None, None);
        self.object(|r, key| match key {
            "kind" => once(
                &mut kind,
                r.str().and_then(|s| match s {
                    "birth" => Some(EventKind::Birth),
                    "adoption" => Some(EventKind::Adoption),
                    "pre_adoptive_fostering" => Some(EventKind::PreAdoptiveFostering),
                    _ => None,
                }),
            ),
            "date" => once(&mut date, r.date()),
            "child" => once(&mut child, r.string()),
            "mother" => once(&mut mother, r.string()),
            "mother_resident" => once(&mut resident, r.bool()),
            _ => None,
        })?;
        Some(Event { kind: kind?, date: date?, child: child?, mother, mother_resident: resident })
    }

    fn employment(&mut self) -> Option<Employment> {
        let (mut status, mut months) = (None, None);
        self.object(|r, key| match key {
            "status" => once(
                &mut status,
                r.str().and_then(|s| match s {
                    "employed" => Some(EmploymentStatus::Employed),
                    "self_employed" => Some(EmploymentStatus::SelfEmployed),
                    "unemployed" => Some(EmploymentStatus::Unemployed),
                    "retired" => Some(EmploymentStatus::Retired),
                    "not_in_labour_force" => Some(EmploymentStatus::NotInLabourForce),
                    _ => None,
                }),
            ),
            "months_worked" => once(&mut months, r.small()),
            _ => None,
        })?;
        Some(Employment {
            status: status?,
            months_worked: months.unwrap_or_default(),
            reference_year: None,
        })
    }

    fn nursery(&mut self) -> Option<Nursery> {
        let (mut kind, mut fee, mut from) = (None, None, None);
        self.object(|r, key| match key {
            "kind" => once(
                &mut kind,
                r.str().and_then(|s| match s {
                    "asilo_nido" => Some(NurseryKind::AsiloNido),
                    "home_support" => Some(NurseryKind::HomeSupport),
                    _ => None,
                }),
            ),
            "monthly_fee" => once(&mut fee, r.money()),
            "from" => once(&mut from, r.date()),
            _ => None,
        })?;
        Some(Nursery { kind: kind?, monthly_fee: fee, from })
    }

    fn member(&mut self) -> Option<Member> {
        let (mut id, mut birth, mut sex, mut relationship) = (None, None, None, None);
        let (mut mother, mut father, mut disability, mut employment) = (None, None, None, None);
        let (mut student, mut citizenship, mut nursery) = (None, None, None);
        self.object(|r, key| match key {
            "member_identifier" => once(&mut id, r.string()),
            "birth_date" => once(&mut birth, r.date()),
            "sex" => once(
                &mut sex,
                r.str().and_then(|s| match s {
                    "M" => Some(Sex::M),
                    "F" => Some(Sex::F),
                    _ => None,
                }),
            ),
            "relationship_to_head" => {
                once(&mut relationship, r.str().and_then(Relationship::from_name))
            }
            "mother" => once(&mut mother, r.string()),
            "father" => once(&mut father, r.string()),
            "disability" => once(
                &mut disability,
                r.str().and_then(|s| match s {
                    "none" => Some(Disability::None),
                    "media" => Some(Disability::Media),
                    "grave" => Some(Disability::Grave),
                    "non_autosufficiente" => Some(Disability::NonAutosufficiente),
                    _ => None,
                }),
            ),
            "employment" => once(&mut employment, r.employment()),
            "student" => once(&mut student, r.bool()),
            "citizenship" => once(
                &mut citizenship,
                r.str().and_then(|s| Citizenship::ALL.into_iter().find(|c| c.name() == s)),
            ),
            "nursery" => once(&mut nursery, r.nursery()),
            _ => None,
        })?;
        Some(Member {
            member_identifier: id?,
            codice_fiscale: None,
            birth_date: birth?,
            sex: sex?,
            relationship_to_head: relationship?,
            marital_status: None,
            marital_status_since: None,
            mother,
            father,
            disability: disability.unwrap_or_default(),
            employment,
            student: student.unwrap_or_default(),
            residential_care: ResidentialCare::default(),
            care_programme: false,
            carer: false,
            fiscally_dependent: None,
            citizenship,
            registered_in_anagrafe: true,
            nursery,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use proptest::prelude::*;

    /// The reader's answer must be serde's whenever it gives one.
    fn check(text: &str) -> Result<bool, TestCaseError> {
        let fast = household(text);
        if let Some(fast) = &fast {
            let serde = serde_json::from_str::<Household>(text);
            prop_assert!(serde.is_ok(), "serde refuses what the reader accepted: {text}");
            prop_assert_eq!(fast, &serde.unwrap(), "{}", text);
        }
        Ok(fast.is_some())
    }

    fn generated(seed: u64, n: u64) -> Vec<String> {
        let generator = crate::synthetic::Generator::new(seed, 2026).unwrap();
        generator.households(n).map(|h| h.to_string()).collect()
    }

    /// Every record the generator writes is read by the reader (the batch's common case), and
    /// equals serde's reading; so does its pretty-printed form.
    #[test]
    fn generated_households_are_read_as_serde_reads_them() {
        for text in generated(7, 2_000) {
            assert!(check(&text).unwrap(), "not read: {text}");
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            assert!(check(&pretty).unwrap(), "not read: {pretty}");
        }
    }

    proptest! {
        /// Malformed variants of generated records (a byte removed, replaced or inserted, a
        /// key renamed or repeated, values swapped for others): whenever the reader answers,
        /// serde reads the record and gives the same household.
        #[test]
        fn mutated_records_are_read_as_serde_reads_them(
            seed in 0u64..1_000,
            at in any::<prop::sample::Index>(),
            byte in prop::sample::select(b"\"\\{}[],:0123456789.-eE tfnul MFx\t\n".to_vec()),
            how in 0u8..4,
        ) {
            let text = generated(seed, 1).pop().unwrap();
            let mut bytes = text.into_bytes();
            let i = at.index(bytes.len());
            match how {
                0 => { bytes.remove(i); }
                1 => bytes[i] = byte,
                2 => bytes.insert(i, byte),
                _ => {
                    // Repeat a key-value pair of the record's first object.
                    let s = String::from_utf8(bytes.clone()).unwrap();
                    if let Some(end) = s.find(',') {
                        let dup = s[1..end].to_owned();
                        bytes = format!("{{{dup},{}", &s[1..]).into_bytes();
                    }
                }
            }
            if let Ok(text) = String::from_utf8(bytes) {
                check(&text)?;
            }
        }

        /// Records assembled from pieces of every kind (values of the right and wrong types,
        /// escapes, nulls, numbers): the reader's answers are serde's.
        #[test]
        fn assembled_records_are_read_as_serde_reads_them(
            id in prop::sample::select(vec!["\"h1\"", "\"h\\u0031\"", "null", "7", "\"\""]),
            comune in prop::sample::select(vec!["\"H501\"", "\"058091\"", "\"h501\"", "\"X\"", "5"]),
            money in prop::sample::select(vec!["\"100.50\"", "\"1.000,50\"", "\"-3\"", "12", "\"abc\"", "\"1e3\"", "null"]),
            birth in prop::sample::select(vec!["\"2020-02-29\"", "\"2021-02-29\"", "\"2020-2-3\"", "\"+2020-02-03\"", "\"2020-02-03T00:00\"", "\" 2020-02-03\""]),
            months in prop::sample::select(vec!["0", "12", "012", "255", "256", "-1", "1.0", "1e1", "\"3\""]),
            relationship in prop::sample::select(vec!["\"figlio\"", "\"intestatario_scheda\"", "1", "\"Figlio\"", "\"zio\""]),
            extra in prop::sample::select(vec!["", ",\"student\":true", ",\"student\":null", ",\"sexx\":\"M\"", ",\"disability\":\"grave\"", ",\"citizenship\":\"eu\"", ",\"citizenship\":\"EU\""]),
            space in prop::sample::select(vec!["", " ", "\n\t", "\u{a0}"]),
        ) {
            let text = format!(
                "{space}{{{space}\"group_identifier\"{space}:{space}{id},\"residence\":{{\"comune\":{comune}}},\
                 \"isee\":{{\"ordinario\":{money}}},\"family_income\":{money},\
                 \"member_list\":[{{\"member_identifier\":\"m1\",\"birth_date\":{birth},\"sex\":\"F\",\
                 \"relationship_to_head\":{relationship},\"employment\":{{\"status\":\"employed\",\
                 \"months_worked\":{months}}}{extra}}}]{space}}}{space}"
            );
            check(&text)?;
        }

        /// The word-at-a-time search finds the byte-wise search's byte.
        #[test]
        fn special_is_the_bytewise_search(text in prop::collection::vec(prop::sample::select(b"ab\"\\\x00\x1f\x20\x7f\x80\xff!".to_vec()), 0..40)) {
            let bytewise = text.iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\');
            prop_assert_eq!(special(&text), bytewise);
        }

        /// The `YYYY-MM-DD` shortcut gives chrono's date, or falls back to chrono.
        #[test]
        fn plain_dates_are_chronos(y in 0u32..10_000, m in 0u32..14, d in 0u32..33) {
            let text = format!("{y:04}-{m:02}-{d:02}");
            prop_assert_eq!(date(&text), text.parse::<NaiveDate>().ok());
        }
    }
}
