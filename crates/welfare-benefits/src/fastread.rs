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
//! `ComuneCode::parse`, `Relationship::from_name`, chrono's date parser), so an accepted value
//! is the value serde gives. The common forms are read in place, without taking the string
//! first: keys and enum names compared whole with the known ones, a plain `YYYY-MM-DD` date
//! from its digits, a plain amount by `Money::parse_plain_prefix` up to its closing quote
//! (property tests hold each shortcut equal to serde). Other amounts go to `Money::parse`.

use std::cell::RefCell;

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
    let mut household = empty();
    household_into(text, &mut household).then_some(household)
}

/// [`household`] into `target`, reusing its strings and lists (a batch worker reads every
/// record into one household): `true` when the record is read, and `target` is then exactly
/// what [`household`] gives, whatever it held before (every field is written). On `false`
/// `target` holds a mix of both records: read the record with serde and replace it.
pub(crate) fn household_into(text: &str, target: &mut Household) -> bool {
    let mut reader = Reader { text, pos: 0 };
    if reader.household(target).is_none() {
        return false;
    }
    reader.ws();
    reader.pos == text.len()
}

/// A household with nothing in it (no allocation), to read records into.
pub(crate) fn empty() -> Household {
    Household {
        group_identifier: String::new(),
        group_type: GroupType::default(),
        residence: Residence { comune: ComuneCode::Belfiore(String::new()), since: None },
        isee: IseeValues::default(),
        member_list: Vec::new(),
        events: Vec::new(),
        rent: None,
        family_income: None,
        assets: None,
        benefits_received: Vec::new(),
        applications: Vec::new(),
    }
}

std::thread_local! {
    /// Text buffers of identifiers a record no longer has where the one before had them (a
    /// parent, a member or an event past the end of the list), kept for the next record that
    /// has one there: a batch worker reads every record into one household, and parents come and
    /// go between records. At most [`SPARE_MAX`].
    static SPARE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// How many text buffers [`SPARE`] keeps.
const SPARE_MAX: usize = 16;

/// An empty text, with a buffer from [`SPARE`] when there is one.
fn spare() -> String {
    SPARE
        .try_with(|spare| spare.try_borrow_mut().ok().and_then(|mut spare| spare.pop()))
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Keeps `text`'s buffer in [`SPARE`] (emptied), unless it holds enough.
fn keep(mut text: String) {
    text.clear();
    // Without room (or while the thread ends) the buffer is dropped.
    let _ = SPARE.try_with(|spare| {
        if let Ok(mut spare) = spare.try_borrow_mut() {
            if spare.len() < SPARE_MAX {
                spare.push(text);
            }
        }
    });
}

/// Empties an optional text, keeping its buffer for a later one: inlined, as most calls find
/// it empty already.
#[inline]
fn unset(slot: &mut Option<String>) {
    if let Some(text) = slot.take() {
        keep(text);
    }
}

/// Makes `kept` the text `text`, its buffer reused: a text equal to the one kept (a member's
/// identifier at the same place as in the record before, `m1`, a parent's, the comune of the
/// household before) is compared in place and not copied again, a copy being a call to the
/// library's `memcpy`. Only texts of up to eight bytes are compared (byte by byte, inline);
/// longer ones (a household's identifier, new with each record) are copied. A test holds
/// `kept` equal to `text` after it, whatever it held.
#[inline]
fn replace(kept: &mut String, text: &str) {
    let (old, new) = (kept.as_bytes(), text.as_bytes());
    if old.len() == new.len() && new.len() <= 8 && old.iter().zip(new).all(|(a, b)| a == b) {
        return;
    }
    kept.clear();
    kept.push_str(text);
}

/// An amount read by [`Reader::money_again`], with the bytes it was read from (little-endian,
/// zero past them), all ones on those bytes in `mask`, and how many (1 to 16).
#[derive(Clone, Copy, Debug)]
struct AmountRead {
    bytes: u128,
    mask: u128,
    len: usize,
    amount: Money,
}

/// Sets `slot` once: a key seen twice (serde's "duplicate field") or a value not read is `None`.
fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

/// Marks a key read into its place: a key seen twice is `None`.
fn first(seen: &mut bool) -> Option<()> {
    if *seen {
        return None;
    }
    *seen = true;
    Some(())
}

/// A date written `YYYY-MM-DD` is built from its digits; any other text goes through chrono's
/// parser, as serde's visitor does (a test holds the shortcut equal to the parser).
fn date(text: &str) -> Option<NaiveDate> {
    match <[u8; 10]>::try_from(text.as_bytes()) {
        Ok(ten) => plain_date(ten).or_else(|| text.parse().ok()),
        Err(_) => text.parse().ok(),
    }
}

/// Where the first quote, backslash or control character of `bytes` is, eight bytes at a
/// time (a test holds it equal to the byte-wise search). The batch's result writer uses it to
/// decide whether a text needs escaping.
pub(crate) fn special(bytes: &[u8]) -> Option<usize> {
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in words.by_ref() {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let marks = marks(u64::from_le_bytes(eight));
        if marks != 0 {
            // At most 7: the cast keeps it.
            return Some(at + (marks.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = words.remainder().iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\');
    tail.map(|i| at + i)
}

/// The high bit of each byte of `x` (eight bytes, the first one lowest) that is a quote, a
/// backslash or a control character, and maybe of bytes above the lowest such byte: borrows
/// can only mark bytes above a byte truly marked, so the lowest mark is exact.
#[inline]
fn marks(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte that is zero / below 0x20.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let below_32 = |x: u64| x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
    below_32(x) | zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\')))
}

/// The length of the plain text that starts at `start` in `bytes` and ends at a quote: `None`
/// when a backslash or a control character comes first, or no quote. Eight bytes at a time
/// while eight are left, then byte by byte.
#[inline]
fn plain_len(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start;
    while let Some(word) = bytes.get(at..at + 8) {
        let marks = marks(u64::from_le_bytes(word.try_into().ok()?));
        if marks != 0 {
            // At most 7: the cast keeps it.
            let end = at + (marks.trailing_zeros() / 8) as usize;
            return (bytes.get(end) == Some(&b'"')).then(|| end - start);
        }
        at += 8;
    }
    loop {
        match *bytes.get(at)? {
            b'"' => return Some(at - start),
            b'\\' | 0..0x20 => return None,
            _ => at += 1,
        }
    }
}

/// A date written `YYYY-MM-DD` (exactly these ten bytes), built from its digits: `None` for
/// anything else, and for a day the calendar does not have. The first eight bytes are checked
/// and read as one word (tests hold it equal to chrono's parser).
#[inline]
fn plain_date(b: [u8; 10]) -> Option<NaiveDate> {
    let [y0, y1, y2, y3, dash1, m0, m1, dash2, d0, d1] = b;
    /// The dashes' bytes, and what they hold in a date.
    const DASHES: u64 = 0xff00_00ff_0000_0000;
    const DASHES_WRITTEN: u64 = u64::from_le_bytes(*b"\0\0\0\0-\0\0-");
    let word = u64::from_le_bytes([y0, y1, y2, y3, dash1, m0, m1, dash2]);
    // Digits everywhere but the dashes' places, which hold dashes.
    let (values, others) = welfare_types::digits::values(word);
    if others != DASHES & 0x8080_8080_8080_8080 || word & DASHES != DASHES_WRITTEN {
        return None;
    }
    // The dashes' values zeroed, so that no carry crosses into the month below.
    let values = values & !DASHES;
    // Each byte ten times itself plus the next: the year's two pairs and the month, no carry.
    let pairs = values * 10 + (values >> 8);
    // Each masked to a byte: the casts keep them.
    let year = (pairs & 0xff) as u32 * 100 + ((pairs >> 16) & 0xff) as u32;
    let month = ((pairs >> 40) & 0xff) as u32;
    let (d0, d1) = (d0.wrapping_sub(b'0'), d1.wrapping_sub(b'0'));
    if d0 > 9 || d1 > 9 {
        return None;
    }
    let day = u32::from(d0) * 10 + u32::from(d1);
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// A key of the household facts format the reader knows. Any other key makes the reader give
/// up (serde then reads the record), so keys are matched once, here, and the fields by variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    /// `annual`
    Annual,
    /// `birth_date`
    BirthDate,
    /// `comune`
    Comune,
    /// `citizenship`
    Citizenship,
    /// `child`
    Child,
    /// `date`
    Date,
    /// `disability`
    Disability,
    /// `employment`
    Employment,
    /// `events`
    Events,
    /// `family_income`
    FamilyIncome,
    /// `father`
    Father,
    /// `from`
    From,
    /// `group_identifier`
    GroupIdentifier,
    /// `isee`
    Isee,
    /// `kind`
    Kind,
    /// `member_identifier`
    MemberIdentifier,
    /// `member_list`
    MemberList,
    /// `mother`
    Mother,
    /// `months_worked`
    MonthsWorked,
    /// `minorenni`
    Minorenni,
    /// `monthly_fee`
    MonthlyFee,
    /// `mother_resident`
    MotherResident,
    /// `nursery`
    Nursery,
    /// `ordinario`
    Ordinario,
    /// `prestazioni_familiari`
    PrestazioniFamiliari,
    /// `relationship_to_head`
    RelationshipToHead,
    /// `residence`
    Residence,
    /// `rent`
    Rent,
    /// `registered`
    Registered,
    /// `sex`
    Sex,
    /// `status`
    Status,
    /// `student`
    Student,
    /// `since`
    Since,
    /// `sociosanitario`
    Sociosanitario,
}

/// The key of the household facts format that `rest` starts with (its closing quote next),
/// with the key's length: `None` for any other text.
#[inline]
fn known_key(rest: &[u8]) -> Option<(Key, usize)> {
    // `key` followed by its closing quote: compared whole, its length known here.
    macro_rules! keys {
        ($($key:literal => $variant:expr),+) => {{
            $(
                if rest.get(..$key.len()) == Some($key.as_bytes())
                    && rest.get($key.len()) == Some(&b'"')
                {
                    return Some(($variant, $key.len()));
                }
            )+
        }};
    }
    match rest.first()? {
        b'a' => keys!("annual" => Key::Annual),
        b'b' => keys!("birth_date" => Key::BirthDate),
        b'c' => {
            keys!("comune" => Key::Comune, "citizenship" => Key::Citizenship, "child" => Key::Child)
        }
        b'd' => keys!("date" => Key::Date, "disability" => Key::Disability),
        b'e' => keys!("employment" => Key::Employment, "events" => Key::Events),
        b'f' => {
            keys!("family_income" => Key::FamilyIncome, "father" => Key::Father, "from" => Key::From)
        }
        b'g' => keys!("group_identifier" => Key::GroupIdentifier),
        b'i' => keys!("isee" => Key::Isee),
        b'k' => keys!("kind" => Key::Kind),
        b'm' => {
            keys!("member_identifier" => Key::MemberIdentifier, "member_list" => Key::MemberList, "mother" => Key::Mother, "months_worked" => Key::MonthsWorked, "minorenni" => Key::Minorenni, "monthly_fee" => Key::MonthlyFee, "mother_resident" => Key::MotherResident)
        }
        b'n' => keys!("nursery" => Key::Nursery),
        b'o' => keys!("ordinario" => Key::Ordinario),
        b'p' => keys!("prestazioni_familiari" => Key::PrestazioniFamiliari),
        b'r' => {
            keys!("relationship_to_head" => Key::RelationshipToHead, "residence" => Key::Residence, "rent" => Key::Rent, "registered" => Key::Registered)
        }
        b's' => {
            keys!("sex" => Key::Sex, "status" => Key::Status, "student" => Key::Student, "since" => Key::Since, "sociosanitario" => Key::Sociosanitario)
        }
        _ => {}
    }
    None
}

/// How many bytes a key written with its quotes and colon (`"key":`) may have to be looked
/// for as [`Written`].
const WRITTEN_MAX: usize = 24;

/// A key as producers write it before its value, `"key":` (no whitespace), as three
/// little-endian words and the masks of its bytes in them: compared with the next
/// [`WRITTEN_MAX`] bytes of a record in three word comparisons, before the key is looked for
/// as any key is ([`known_key`]).
#[derive(Clone, Copy, Debug)]
struct Written {
    /// The bytes, zero past `len`.
    words: [u64; 3],
    /// All ones on the bytes of the key, zero past `len`.
    masks: [u64; 3],
    /// How many bytes: the key, its quotes and its colon.
    len: usize,
    /// The key.
    key: Key,
}

/// `name` written as [`Written`]; evaluated at compile time only (in the key lists' constants),
/// where a name too long for [`WRITTEN_MAX`] is a build error.
#[allow(clippy::indexing_slicing)] // Compile time only: an index out of range fails the build.
const fn written(name: &str, key: Key) -> Written {
    let name = name.as_bytes();
    let len = name.len() + 3;
    assert!(len <= WRITTEN_MAX, "a key too long to be compared in three words");
    let mut bytes = [0u8; WRITTEN_MAX];
    let mut ones = [0u8; WRITTEN_MAX];
    bytes[0] = b'"';
    let mut i = 0;
    while i < name.len() {
        bytes[i + 1] = name[i];
        i += 1;
    }
    bytes[len - 2] = b'"';
    bytes[len - 1] = b':';
    i = 0;
    while i < len {
        ones[i] = 0xff;
        i += 1;
    }
    const fn word(b: &[u8; WRITTEN_MAX], at: usize) -> u64 {
        u64::from_le_bytes([
            b[at],
            b[at + 1],
            b[at + 2],
            b[at + 3],
            b[at + 4],
            b[at + 5],
            b[at + 6],
            b[at + 7],
        ])
    }
    Written {
        words: [word(&bytes, 0), word(&bytes, 8), word(&bytes, 16)],
        masks: [word(&ones, 0), word(&ones, 8), word(&ones, 16)],
        len,
        key,
    }
}

/// The keys of one object as [`Written`], and where to look for a key by its first letter: a
/// key written `"key":` is compared with at most two of them, whatever the order of the keys.
#[derive(Clone, Copy, Debug)]
struct Keys {
    /// The keys.
    list: &'static [Written],
    /// For each first letter (its low five bits), the places in `list` of the keys that
    /// start with it, [`NO_KEY`] past them.
    by_letter: [[u8; 2]; 32],
}

/// No key at this place of [`Keys::by_letter`].
const NO_KEY: u8 = u8::MAX;

/// The first letter of the key written in `word` (the first word of `"key":`), as an index
/// of [`Keys::by_letter`]: its low five bits, which tell lower-case letters apart.
#[inline]
const fn letter(word: u64) -> usize {
    ((word >> 8) & 31) as usize
}

/// `list` as [`Keys`]; evaluated at compile time only, where more than two keys of one first
/// letter (or too many keys) is a build error.
#[allow(clippy::indexing_slicing)] // Compile time only: an index out of range fails the build.
const fn keys(list: &'static [Written]) -> Keys {
    assert!(list.len() < NO_KEY as usize, "too many keys");
    let mut by_letter = [[NO_KEY; 2]; 32];
    let mut i = 0;
    while i < list.len() {
        let places = &mut by_letter[letter(list[i].words[0])];
        if places[0] == NO_KEY {
            places[0] = i as u8;
        } else {
            assert!(places[1] == NO_KEY, "more than two keys of one first letter");
            places[1] = i as u8;
        }
        i += 1;
    }
    Keys { list, by_letter }
}

/// `bytes` as three little-endian words, as [`Written`] holds a key.
#[inline]
fn words(bytes: &[u8; WRITTEN_MAX]) -> [u64; 3] {
    // Three words of eight bytes are the 24: the zeros are never taken.
    let (w0, rest) = bytes.split_first_chunk::<8>().unwrap_or((&[0; 8], &[]));
    let (w1, rest) = rest.split_first_chunk::<8>().unwrap_or((&[0; 8], &[]));
    let w2 = rest.first_chunk::<8>().unwrap_or(&[0; 8]);
    [u64::from_le_bytes(*w0), u64::from_le_bytes(*w1), u64::from_le_bytes(*w2)]
}

/// The household's keys as producers write them ([`Written`]), in any order.
const HOUSEHOLD_KEYS: Keys = keys(&[
    written("events", Key::Events),
    written("family_income", Key::FamilyIncome),
    written("group_identifier", Key::GroupIdentifier),
    written("isee", Key::Isee),
    written("member_list", Key::MemberList),
    written("rent", Key::Rent),
    written("residence", Key::Residence),
]);

/// The residence's keys as producers write them, in any order.
const RESIDENCE_KEYS: Keys = keys(&[written("comune", Key::Comune), written("since", Key::Since)]);

/// The ISEE values' keys as producers write them, in any order.
const ISEE_KEYS: Keys = keys(&[
    written("minorenni", Key::Minorenni),
    written("ordinario", Key::Ordinario),
    written("prestazioni_familiari", Key::PrestazioniFamiliari),
    written("sociosanitario", Key::Sociosanitario),
]);

/// The rent's keys as producers write them, in any order.
const RENT_KEYS: Keys =
    keys(&[written("annual", Key::Annual), written("registered", Key::Registered)]);

/// An event's keys as producers write them, in any order.
const EVENT_KEYS: Keys = keys(&[
    written("child", Key::Child),
    written("date", Key::Date),
    written("kind", Key::Kind),
    written("mother", Key::Mother),
    written("mother_resident", Key::MotherResident),
]);

/// The employment's keys as producers write them, in any order.
const EMPLOYMENT_KEYS: Keys =
    keys(&[written("months_worked", Key::MonthsWorked), written("status", Key::Status)]);

/// The nursery's keys as producers write them, in any order.
const NURSERY_KEYS: Keys = keys(&[
    written("from", Key::From),
    written("kind", Key::Kind),
    written("monthly_fee", Key::MonthlyFee),
]);

/// A member's keys as producers write them, in any order.
const MEMBER_KEYS: Keys = keys(&[
    written("birth_date", Key::BirthDate),
    written("citizenship", Key::Citizenship),
    written("disability", Key::Disability),
    written("employment", Key::Employment),
    written("father", Key::Father),
    written("member_identifier", Key::MemberIdentifier),
    written("mother", Key::Mother),
    written("nursery", Key::Nursery),
    written("relationship_to_head", Key::RelationshipToHead),
    written("sex", Key::Sex),
    written("student", Key::Student),
]);

/// The value named by the string `$rest` starts with (its closing quote next), with the name's
/// length, from a closure: `names!(rest, "M" => Sex::M, "F" => Sex::F)`. Each name is compared
/// whole, its length known at compile time.
macro_rules! names {
    ($rest:expr, $($name:literal => $value:expr),+ $(,)?) => {{
        let rest: &[u8] = $rest;
        $(
            if rest.get(..$name.len()) == Some($name.as_bytes())
                && rest.get($name.len()) == Some(&b'"')
            {
                return Some(($name.len(), $value));
            }
        )+
        None
    }};
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

    /// Skips whitespace and takes `byte` (not whitespace itself): the byte is looked at first,
    /// as records are usually written without whitespace.
    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        if self.peek() != Some(byte) {
            self.ws();
            if self.peek()? != byte {
                return None;
            }
        }
        self.pos += 1;
        Some(())
    }

    /// The next byte that is not whitespace, skipping whitespace only when the next byte is.
    #[inline]
    fn next_byte(&mut self) -> Option<u8> {
        match self.peek()? {
            b' ' | b'\t' | b'\n' | b'\r' => {
                self.ws();
                self.peek()
            }
            byte => Some(byte),
        }
    }

    /// Skips whitespace and takes an opening quote.
    #[inline]
    fn open_quote(&mut self) -> Option<()> {
        if self.peek() != Some(b'"') {
            self.ws();
            if self.peek() != Some(b'"') {
                return None;
            }
        }
        self.pos += 1;
        Some(())
    }

    /// A string without escapes or control characters (the text between the quotes).
    #[inline]
    fn str(&mut self) -> Option<&'a str> {
        self.open_quote()?;
        let start = self.pos;
        let len = plain_len(self.text.as_bytes(), start)?;
        self.pos = start + len + 1;
        self.text.get(start..start + len)
    }

    /// An object's key: one of the format's keys, recognised from its first byte and compared
    /// whole without searching for its end; `None` for any other key (the reader gives up).
    #[inline]
    fn key(&mut self) -> Option<Key> {
        self.open_quote()?;
        let (key, len) = known_key(self.text.as_bytes().get(self.pos..)?)?;
        self.pos += len + 1;
        Some(key)
    }

    /// A string compared in place with the names `pick` knows ([`names!`]): `None` when it is
    /// none of them (or not a plain string).
    #[inline]
    fn named<T>(&mut self, pick: impl FnOnce(&[u8]) -> Option<(usize, T)>) -> Option<T> {
        self.open_quote()?;
        let (len, value) = pick(self.text.as_bytes().get(self.pos..)?)?;
        self.pos += len + 1;
        Some(value)
    }

    /// A string into `target`, reusing its buffer ([`replace`]).
    fn string_into(&mut self, target: &mut String) -> Option<()> {
        replace(target, self.str()?);
        Some(())
    }

    /// A string into an optional one, reusing its buffer when there is one ([`replace`]).
    fn opt_string_into(&mut self, target: &mut Option<String>) -> Option<()> {
        let text = self.str()?;
        match target {
            Some(kept) => replace(kept, text),
            None => {
                let mut kept = spare();
                kept.push_str(text);
                *target = Some(kept);
            }
        }
        Some(())
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

    /// An amount: a string read by [`Money::parse`], as serde's visitor reads it; the plain
    /// form is read in place by [`Money::parse_plain_prefix`] (the same reading of the same
    /// bytes), without finding the string's end first.
    fn money(&mut self) -> Option<Money> {
        // The plain form read in place, as far as the closing quote.
        if self.peek() == Some(b'"') {
            let bytes = self.text.as_bytes();
            let start = self.pos + 1;
            if let Some((amount, len)) = bytes.get(start..).and_then(Money::parse_plain_prefix) {
                if bytes.get(start + len) == Some(&b'"') {
                    self.pos = start + len + 1;
                    return Some(amount);
                }
            }
        }
        Money::parse(self.str()?).ok()
    }

    /// An amount, as [`Self::money`] reads it; when the bytes from the reader's place are
    /// those `earlier` was read from (from before any whitespace to the closing quote), its
    /// amount without reading it again: the reading depends on those bytes alone and ends at
    /// the quote. The ISEE values of a record are often one amount written three times.
    /// `earlier` then holds the amount read (when it was read from at most sixteen bytes).
    #[inline]
    fn money_again(&mut self, earlier: &mut Option<AmountRead>) -> Option<Money> {
        let next = self.text.as_bytes().get(self.pos..).and_then(|rest| rest.first_chunk::<16>());
        let next = next.map(|sixteen| u128::from_le_bytes(*sixteen));
        if let (Some(read), Some(next)) = (&*earlier, next) {
            if (next ^ read.bytes) & read.mask == 0 {
                self.pos += read.len;
                return Some(read.amount);
            }
        }
        let start = self.pos;
        let amount = self.money()?;
        let len = self.pos - start;
        if let (Some(bytes), 1..=16) = (next, len) {
            // 1 to 16 bytes: the shift is 0 to 120.
            let mask = u128::MAX >> (128 - 8 * len);
            *earlier = Some(AmountRead { bytes: bytes & mask, mask, len, amount });
        }
        Some(amount)
    }

    /// A date: `"YYYY-MM-DD"` read in place, any other string as [`date`] reads it.
    fn date(&mut self) -> Option<NaiveDate> {
        if self.peek() == Some(b'"') {
            let inner = self.text.as_bytes().get(self.pos + 1..self.pos + 12);
            if let Some([d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, b'"']) = inner {
                let ten = [*d0, *d1, *d2, *d3, *d4, *d5, *d6, *d7, *d8, *d9];
                if let Some(date) = plain_date(ten) {
                    self.pos += 12;
                    return Some(date);
                }
            }
        }
        date(self.str()?)
    }

    /// The key and colon at the reader's place when they are one of `keys` written as
    /// [`Written`] (no whitespace), found by the key's first letter: the reader is moved past
    /// the colon. `None` for anything else, the reader unmoved.
    #[inline(always)]
    fn written_key(&mut self, keys: &Keys) -> Option<Key> {
        let rest = self.text.as_bytes().get(self.pos..)?;
        let words = match rest.first_chunk::<WRITTEN_MAX>() {
            Some(chunk) => words(chunk),
            None => {
                // Near the end of the record, the bytes left padded with zeros, which no key has.
                let mut padded = [0u8; WRITTEN_MAX];
                padded.get_mut(..rest.len())?.copy_from_slice(rest);
                words(&padded)
            }
        };
        let [first, second] = *keys.by_letter.get(letter(words[0]))?;
        for place in [first, second] {
            let written = keys.list.get(usize::from(place))?;
            let [a, b, c] = written.words;
            let [ma, mb, mc] = written.masks;
            if ((words[0] ^ a) & ma) | ((words[1] ^ b) & mb) | ((words[2] ^ c) & mc) == 0 {
                self.pos += written.len;
                return Some(written.key);
            }
        }
        None
    }

    /// An object: `field` reads the value of each key. A key is looked for among `keys` as
    /// producers write it first ([`Self::written_key`]), then as any key is ([`Self::key`]), so
    /// keys in any order, spacing or length read alike. Inlined into each caller, where `keys`
    /// is a constant.
    #[inline(always)]
    fn object(
        &mut self,
        keys: &Keys,
        mut field: impl FnMut(&mut Self, Key) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        loop {
            let key = match self.written_key(keys) {
                Some(key) => key,
                None => {
                    let key = self.key()?;
                    self.eat(b':')?;
                    key
                }
            };
            field(self, key)?;
            match self.next_byte()? {
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
            match self.next_byte()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A household into `h`: every field of `h` is written when the record reads. Inlined
    /// into [`household_into`], its only caller, with the objects it reads.
    #[inline(always)]
    fn household(&mut self, h: &mut Household) -> Option<()> {
        let (mut id, mut residence, mut members, mut events) = (false, false, false, false);
        let mut isee = false;
        let mut rent = None;
        let mut income = None;
        self.object(&HOUSEHOLD_KEYS, |r, key| match key {
            Key::GroupIdentifier => {
                first(&mut id)?;
                r.string_into(&mut h.group_identifier)
            }
            Key::Residence => {
                first(&mut residence)?;
                r.residence(&mut h.residence)
            }
            Key::Isee => {
                first(&mut isee)?;
                r.isee(&mut h.isee)
            }
            Key::MemberList => {
                first(&mut members)?;
                r.list_into(&mut h.member_list, Reader::member)
            }
            Key::Events => {
                first(&mut events)?;
                r.list_into(&mut h.events, Reader::event)
            }
            Key::Rent => once(&mut rent, r.rent()),
            Key::FamilyIncome => once(&mut income, r.money()),
            _ => None,
        })?;
        if !(id && residence && members) {
            return None;
        }
        if !events {
            h.events.clear();
        }
        h.group_type = GroupType::default();
        if !isee {
            set_isee(&mut h.isee, [None; 4]);
        }
        h.rent = rent;
        h.family_income = income;
        h.assets = None;
        h.benefits_received.clear();
        h.applications.clear();
        Some(())
    }

    /// An array into `items`, each element read into the one already at its place (or a new
    /// one), the rest dropped.
    fn list_into<T: Blank>(
        &mut self,
        items: &mut Vec<T>,
        read: fn(&mut Self, &mut T) -> Option<()>,
    ) -> Option<()> {
        let mut len = 0;
        self.array(|r| {
            if items.len() == len {
                // Read in its place in the list (a record not read leaves the list a mix).
                items.push(T::blank());
            }
            read(r, items.get_mut(len)?)?;
            len += 1;
            Some(())
        })?;
        if let Some(gone) = items.get_mut(len..).filter(|gone| !gone.is_empty()) {
            // Their text buffers kept in one visit to the spares; the items then hold none.
            let _ = SPARE.try_with(|spare| {
                if let Ok(mut spare) = spare.try_borrow_mut() {
                    for item in gone {
                        item.recycle(&mut spare);
                    }
                }
            });
            items.truncate(len);
        }
        Some(())
    }

    fn residence(&mut self, residence: &mut Residence) -> Option<()> {
        let (mut comune, mut since) = (false, None);
        self.object(&RESIDENCE_KEYS, |r, key| match key {
            Key::Comune => {
                first(&mut comune)?;
                let text = r.str()?;
                match (text.as_bytes(), &mut residence.comune) {
                    // The usual Belfiore code into a Belfiore code, as `parse_into` reads it
                    // (a test holds the two equal); anything else by `parse_into`.
                    ([b'A'..=b'Y', digits @ ..], ComuneCode::Belfiore(kept))
                        if digits.len() == 3 && digits.iter().all(u8::is_ascii_digit) =>
                    {
                        replace(kept, text);
                        Some(())
                    }
                    _ => ComuneCode::parse_into(text, &mut residence.comune),
                }
            }
            Key::Since => once(&mut since, r.date()),
            _ => None,
        })?;
        residence.since = since;
        comune.then_some(())
    }

    /// The ISEE values into `isee`, in place (not built and moved). An amount written as the
    /// one before it is not read again ([`Self::money_again`]).
    fn isee(&mut self, isee: &mut IseeValues) -> Option<()> {
        let (mut ordinario, mut minorenni, mut sociosanitario, mut familiari) =
            (None, None, None, None);
        let mut earlier = None;
        self.object(&ISEE_KEYS, |r, key| {
            // The value's place, then one reading for every key (inlined once).
            let slot = match key {
                Key::Ordinario => &mut ordinario,
                Key::Minorenni => &mut minorenni,
                Key::Sociosanitario => &mut sociosanitario,
                Key::PrestazioniFamiliari => &mut familiari,
                _ => return None,
            };
            once(slot, r.money_again(&mut earlier))
        })?;
        set_isee(isee, [ordinario, minorenni, sociosanitario, familiari]);
        Some(())
    }

    fn rent(&mut self) -> Option<Rent> {
        let (mut annual, mut registered) = (None, None);
        self.object(&RENT_KEYS, |r, key| match key {
            Key::Annual => once(&mut annual, r.money()),
            Key::Registered => once(&mut registered, r.bool()),
            _ => None,
        })?;
        Some(Rent { annual: annual?, registered: registered? })
    }

    fn event(&mut self, event: &mut Event) -> Option<()> {
        let (mut kind, mut date, mut resident) = (None, None, None);
        let (mut child, mut mother) = (false, false);
        self.object(&EVENT_KEYS, |r, key| match key {
            Key::Kind => once(
                &mut kind,
                r.named(|rest| {
                    names!(rest,
                        "birth" => EventKind::Birth,
                        "adoption" => EventKind::Adoption,
                        "pre_adoptive_fostering" => EventKind::PreAdoptiveFostering,
                    )
                }),
            ),
            Key::Date => once(&mut date, r.date()),
            Key::Child => {
                first(&mut child)?;
                r.string_into(&mut event.child)
            }
            Key::Mother => {
                first(&mut mother)?;
                r.opt_string_into(&mut event.mother)
            }
            Key::MotherResident => once(&mut resident, r.bool()),
            _ => None,
        })?;
        if !child {
            return None;
        }
        if !mother {
            unset(&mut event.mother);
        }
        event.kind = kind?;
        event.date = date?;
        event.mother_resident = resident;
        Some(())
    }

    fn employment(&mut self) -> Option<Employment> {
        let (mut status, mut months) = (None, None);
        self.object(&EMPLOYMENT_KEYS, |r, key| match key {
            Key::Status => once(
                &mut status,
                r.named(|rest| {
                    names!(rest,
                        "employed" => EmploymentStatus::Employed,
                        "self_employed" => EmploymentStatus::SelfEmployed,
                        "unemployed" => EmploymentStatus::Unemployed,
                        "retired" => EmploymentStatus::Retired,
                        "not_in_labour_force" => EmploymentStatus::NotInLabourForce,
                    )
                }),
            ),
            Key::MonthsWorked => once(&mut months, r.small()),
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
        self.object(&NURSERY_KEYS, |r, key| match key {
            Key::Kind => once(
                &mut kind,
                r.named(|rest| {
                    names!(rest,
                        "asilo_nido" => NurseryKind::AsiloNido,
                        "home_support" => NurseryKind::HomeSupport,
                    )
                }),
            ),
            Key::MonthlyFee => once(&mut fee, r.money()),
            Key::From => once(&mut from, r.date()),
            _ => None,
        })?;
        Some(Nursery { kind: kind?, monthly_fee: fee, from })
    }

    fn member(&mut self, m: &mut Member) -> Option<()> {
        let (mut id, mut mother, mut father) = (false, false, false);
        let (mut birth, mut sex, mut relationship) = (None, None, None);
        let (mut disability, mut employment) = (None, None);
        let (mut student, mut citizenship, mut nursery) = (None, None, None);
        self.object(&MEMBER_KEYS, |r, key| match key {
            Key::MemberIdentifier => {
                first(&mut id)?;
                r.string_into(&mut m.member_identifier)
            }
            Key::BirthDate => once(&mut birth, r.date()),
            Key::Sex => once(
                &mut sex,
                r.named(|rest| names!(rest, "M" => Sex::M, "F" => Sex::F)),
            ),
            Key::RelationshipToHead => {
                // The usual names in place, then every name and code.
                let at = r.pos;
                let usual = r.named(|rest| {
                    names!(rest,
                        "intestatario_scheda" => Relationship::IntestatarioScheda,
                        "coniuge" => Relationship::Coniuge,
                        "figlio" => Relationship::Figlio,
                    )
                });
                let value = match usual {
                    Some(usual) => Some(usual),
                    None => {
                        r.pos = at;
                        r.str().and_then(Relationship::from_name)
                    }
                };
                once(&mut relationship, value)
            }
            Key::Mother => {
                first(&mut mother)?;
                r.opt_string_into(&mut m.mother)
            }
            Key::Father => {
                first(&mut father)?;
                r.opt_string_into(&mut m.father)
            }
            Key::Disability => once(
                &mut disability,
                r.named(|rest| {
                    names!(rest,
                        "none" => Disability::None,
                        "media" => Disability::Media,
                        "grave" => Disability::Grave,
                        "non_autosufficiente" => Disability::NonAutosufficiente,
                    )
                }),
            ),
            Key::Employment => once(&mut employment, r.employment()),
            Key::Student => once(&mut student, r.bool()),
            Key::Citizenship => once(
                &mut citizenship,
                // Every name of `Citizenship::name` (a test holds the list whole).
                r.named(|rest| {
                    names!(rest,
                        "italian" => Citizenship::Italian,
                        "eu" => Citizenship::Eu,
                        "eu_family_member" => Citizenship::EuFamilyMember,
                        "non_eu_long_term" => Citizenship::NonEuLongTerm,
                        "non_eu_single_permit" => Citizenship::NonEuSinglePermit,
                        "non_eu_research" => Citizenship::NonEuResearch,
                        "non_eu_international_protection" => Citizenship::NonEuInternationalProtection,
                        "non_eu_other" => Citizenship::NonEuOther,
                    )
                }),
            ),
            Key::Nursery => once(&mut nursery, r.nursery()),
            _ => None,
        })?;
        if !id {
            return None;
        }
        if !mother {
            unset(&mut m.mother);
        }
        if !father {
            unset(&mut m.father);
        }
        m.codice_fiscale = None;
        m.birth_date = birth?;
        m.sex = sex?;
        m.relationship_to_head = relationship?;
        m.marital_status = None;
        m.marital_status_since = None;
        m.disability = disability.unwrap_or_default();
        m.employment = employment;
        m.student = student.unwrap_or_default();
        m.residential_care = ResidentialCare::default();
        m.care_programme = false;
        m.carer = false;
        m.fiscally_dependent = None;
        m.citizenship = citizenship;
        m.registered_in_anagrafe = true;
        m.nursery = nursery;
        Some(())
    }
}

/// Makes `isee` the ISEE values the format's keys give (`ordinario`, `minorenni`,
/// `sociosanitario`, `prestazioni_familiari`, in this order), and nothing else: every field is
/// written, the attestazioni's buffer kept.
fn set_isee(isee: &mut IseeValues, values: [Option<Money>; 4]) {
    // Every field named: a field added to the values must be written here too.
    let IseeValues {
        ordinario,
        minorenni,
        sociosanitario,
        prestazioni_familiari,
        scala,
        attestazioni,
    } = isee;
    [*ordinario, *minorenni, *sociosanitario, *prestazioni_familiari] = values;
    *scala = None;
    attestazioni.clear();
}

/// An element to read a list item into: every field is written by the reader.
/// Keeps `text`'s buffer in `spare` (emptied), unless it holds [`SPARE_MAX`] or `text` has no
/// buffer.
fn stash(spare: &mut Vec<String>, text: impl Into<Option<String>>) {
    if let Some(mut text) = text.into() {
        if text.capacity() != 0 && spare.len() < SPARE_MAX {
            text.clear();
            spare.push(text);
        }
    }
}

trait Blank {
    fn blank() -> Self;

    /// Moves the item's text buffers to `spare` (at most [`SPARE_MAX`] there) for later
    /// items: it is no longer in the list.
    fn recycle(&mut self, spare: &mut Vec<String>);
}

impl Blank for Member {
    fn blank() -> Member {
        Member {
            member_identifier: spare(),
            codice_fiscale: None,
            birth_date: NaiveDate::MIN,
            sex: Sex::F,
            relationship_to_head: Relationship::IntestatarioScheda,
            marital_status: None,
            marital_status_since: None,
            mother: None,
            father: None,
            disability: Disability::None,
            employment: None,
            student: false,
            residential_care: ResidentialCare::None,
            care_programme: false,
            carer: false,
            fiscally_dependent: None,
            citizenship: None,
            registered_in_anagrafe: true,
            nursery: None,
        }
    }

    fn recycle(&mut self, spare: &mut Vec<String>) {
        stash(spare, std::mem::take(&mut self.member_identifier));
        stash(spare, self.mother.take());
        stash(spare, self.father.take());
    }
}

impl Blank for Event {
    fn blank() -> Event {
        Event {
            kind: EventKind::Birth,
            date: NaiveDate::MIN,
            child: spare(),
            mother: None,
            mother_resident: None,
        }
    }

    fn recycle(&mut self, spare: &mut Vec<String>) {
        stash(spare, std::mem::take(&mut self.child));
        stash(spare, self.mother.take());
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

    /// Households with more members, events, mothers and fathers read into one household one
    /// after another, in both orders: each is its fresh reading.
    #[test]
    fn generated_households_read_into_one_household_are_read_fresh() {
        let texts = generated(11, 400);
        let mut used = Household::example().unwrap();
        for text in texts.iter().chain(texts.iter().rev()) {
            assert!(household_into(text, &mut used), "not read: {text}");
            assert_eq!(Some(&used), household(text).as_ref());
        }
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

    /// Every citizenship, disability and employment status name is read by the reader, as
    /// serde reads it.
    #[test]
    fn every_named_value_is_read_as_serde_reads_it() {
        let text = generated(7, 1).pop().unwrap();
        let head = "\"relationship_to_head\":\"intestatario_scheda\"";
        let mut values: Vec<String> =
            Citizenship::ALL.iter().map(|c| format!("\"citizenship\":\"{}\"", c.name())).collect();
        for d in ["none", "media", "grave", "non_autosufficiente"] {
            values.push(format!("\"disability\":\"{d}\""));
        }
        for s in ["employed", "self_employed", "unemployed", "retired", "not_in_labour_force"] {
            values.push(format!("\"employment\":{{\"status\":\"{s}\"}}"));
        }
        for value in values {
            let changed = text.replace(head, &format!("{head},{value}"));
            let changed = if changed.matches("\"citizenship\"").count() > 1
                || changed.matches("\"employment\"").count() > 1
                || changed.matches("\"disability\"").count() > 1
            {
                // The generated member has the key already: replace the whole member instead.
                format!(
                    "{{\"group_identifier\":\"h\",\"residence\":{{\"comune\":\"H501\"}},\
                     \"member_list\":[{{\"member_identifier\":\"m1\",\"birth_date\":\"1980-01-01\",\
                     \"sex\":\"F\",{head},{value}}}]}}"
                )
            } else {
                changed
            };
            assert!(check(&changed).unwrap(), "not read: {changed}");
        }
    }

    /// Every relationship name and code is read as serde reads it (the usual names are taken
    /// first, the others by `Relationship::from_name`).
    #[test]
    fn every_relationship_is_read_as_serde_reads_it() {
        let text = generated(7, 1).pop().unwrap();
        let head = "\"relationship_to_head\":\"intestatario_scheda\"";
        assert!(text.contains(head));
        for (relationship, code, name) in Relationship::all() {
            for written in [format!("\"{name}\""), format!("\"{code}\""), format!("\" {name}\"")] {
                let changed = text.replace(head, &format!("\"relationship_to_head\":{written}"));
                assert!(check(&changed).unwrap(), "not read: {changed}");
                let read = household(&changed).unwrap();
                assert_eq!(read.member_list[0].relationship_to_head, relationship);
            }
        }
    }

    /// Every key the reader knows, with its variant (written out apart from the matcher).
    const KEYS: [(&str, Key); 34] = [
        ("annual", Key::Annual),
        ("birth_date", Key::BirthDate),
        ("comune", Key::Comune),
        ("citizenship", Key::Citizenship),
        ("child", Key::Child),
        ("date", Key::Date),
        ("disability", Key::Disability),
        ("employment", Key::Employment),
        ("events", Key::Events),
        ("family_income", Key::FamilyIncome),
        ("father", Key::Father),
        ("from", Key::From),
        ("group_identifier", Key::GroupIdentifier),
        ("isee", Key::Isee),
        ("kind", Key::Kind),
        ("member_identifier", Key::MemberIdentifier),
        ("member_list", Key::MemberList),
        ("mother", Key::Mother),
        ("months_worked", Key::MonthsWorked),
        ("minorenni", Key::Minorenni),
        ("monthly_fee", Key::MonthlyFee),
        ("mother_resident", Key::MotherResident),
        ("nursery", Key::Nursery),
        ("ordinario", Key::Ordinario),
        ("prestazioni_familiari", Key::PrestazioniFamiliari),
        ("relationship_to_head", Key::RelationshipToHead),
        ("residence", Key::Residence),
        ("rent", Key::Rent),
        ("registered", Key::Registered),
        ("sex", Key::Sex),
        ("status", Key::Status),
        ("student", Key::Student),
        ("since", Key::Since),
        ("sociosanitario", Key::Sociosanitario),
    ];

    /// Every object's key lists, for the tests.
    const WRITTEN_LISTS: [Keys; 8] = [
        HOUSEHOLD_KEYS,
        RESIDENCE_KEYS,
        ISEE_KEYS,
        RENT_KEYS,
        EVENT_KEYS,
        EMPLOYMENT_KEYS,
        NURSERY_KEYS,
        MEMBER_KEYS,
    ];

    /// Each list's keys are the format's, written `"key":` with the key's name, in the sorted
    /// order producers write them, each once, and each is found by its first letter.
    #[test]
    fn written_keys_are_the_formats_in_order() {
        for keys in WRITTEN_LISTS {
            let list = keys.list;
            for (i, written) in list.iter().enumerate() {
                let places = keys.by_letter[letter(written.words[0])];
                assert!(places.contains(&u8::try_from(i).unwrap()), "{:?}", written.key);
            }
            let found = keys.by_letter.iter().flatten().filter(|p| **p != NO_KEY).count();
            assert_eq!(found, list.len());
            let mut names = Vec::new();
            for written in list {
                let (name, _) = KEYS.iter().find(|(_, k)| *k == written.key).unwrap();
                let mut bytes = Vec::new();
                for (word, mask) in written.words.iter().zip(written.masks) {
                    for (b, m) in word.to_le_bytes().into_iter().zip(mask.to_le_bytes()) {
                        if m == 0xff {
                            bytes.push(b);
                        }
                    }
                }
                assert_eq!(bytes, format!("\"{name}\":").into_bytes());
                assert_eq!(written.len, name.len() + 3);
                names.push(*name);
            }
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(names, sorted);
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

        /// ISEE values written alike, nearly alike (another scale, a digit more, spaces) or
        /// not plainly, in any order and repeated: the reader's answers are serde's, an amount
        /// not read again ([`Reader::money_again`]) included.
        #[test]
        fn isee_amounts_written_alike_are_read_as_serde_reads_them(
            amounts in prop::collection::vec(prop::sample::select(vec![
                "\"18882.25\"", "\"18882.250\"", "\"18882.2\"", "\"18882.25 \"",
                " \"18882.25\"", "\"-18882.25\"", "\"1.000,50\"", "\"1e3\"", "18882.25",
                "\"123456789012345.25\"", "\"123456789012345.26\"", "\"\"",
            ]), 1..5),
            keys in prop::collection::vec(prop::sample::select(vec![
                "ordinario", "minorenni", "sociosanitario", "prestazioni_familiari",
            ]), 1..5),
        ) {
            let isee = keys
                .iter()
                .zip(&amounts)
                .map(|(key, amount)| format!("\"{key}\":{amount}"))
                .collect::<Vec<_>>()
                .join(",");
            let text = format!(
                "{{\"group_identifier\":\"h\",\"residence\":{{\"comune\":\"H501\"}},\
                 \"isee\":{{{isee}}},\"member_list\":[{{\"member_identifier\":\"m1\",\
                 \"birth_date\":\"1980-01-01\",\"sex\":\"F\",\
                 \"relationship_to_head\":\"intestatario_scheda\"}}]}}"
            );
            check(&text)?;
        }

        /// Comune codes of every form and near them, read into a household whose code is a
        /// Belfiore or an ISTAT one: the reader's answers are serde's.
        #[test]
        fn comune_codes_are_read_as_serde_reads_them(
            code in prop_oneof!["[A-Z][0-9]{3}", "[0-9]{6}", "[ A-Z0-9a-z\u{a0}]{0,7}"],
            before in prop::sample::select(vec!["H501", "058091"]),
        ) {
            let record = |comune: &str| format!(
                "{{\"group_identifier\":\"h\",\"residence\":{{\"comune\":\"{comune}\"}},\
                 \"member_list\":[{{\"member_identifier\":\"m1\",\"birth_date\":\"1980-01-01\",\
                 \"sex\":\"F\",\"relationship_to_head\":\"intestatario_scheda\"}}]}}"
            );
            let mut used = household(&record(before)).unwrap();
            let text = record(&code);
            let fresh = check(&text)?.then(|| household(&text).unwrap());
            let reused = household_into(&text, &mut used).then_some(used);
            prop_assert_eq!(reused, fresh, "{}", text);
        }

        /// A record read into a household that held others (a rich one read by serde, a
        /// generated one, then the leftovers of a malformed variant the reader may give up on
        /// halfway) is exactly the record read fresh: nothing of the earlier ones leaks, and
        /// the reader accepts and refuses the same records.
        #[test]
        fn records_read_into_a_used_household_are_read_fresh(
            seeds in (0u64..1_000, 0u64..1_000, 0u64..1_000),
            at in any::<prop::sample::Index>(),
            byte in prop::sample::select(b"\"\\{}[],:0123456789.-eE tfnul MFx\t\n".to_vec()),
            how in 0u8..4,
            mutate_last in any::<bool>(),
        ) {
            let (a, b, c) = seeds;
            let mutated = |text: String| {
                let mut bytes = text.into_bytes();
                let i = at.index(bytes.len());
                match how {
                    0 => { bytes.remove(i); }
                    1 => bytes[i] = byte,
                    2 => bytes.insert(i, byte),
                    _ => bytes.truncate(i),
                }
                String::from_utf8(bytes).unwrap_or_default()
            };
            let mut used = Household::example().unwrap();
            prop_assert!(household_into(&generated(a, 1).pop().unwrap(), &mut used));
            household_into(&mutated(generated(b, 1).pop().unwrap()), &mut used);
            let last = generated(c, 1).pop().unwrap();
            let last = if mutate_last { mutated(last) } else { last };
            let fresh = household(&last);
            let reused = household_into(&last, &mut used).then_some(used);
            prop_assert_eq!(reused, fresh, "{}", last);
        }

        /// `replace` leaves the text given, whatever was kept (equal, of the same length,
        /// shorter, longer, past eight bytes, non-ASCII).
        #[test]
        fn replace_leaves_the_text(
            kept in prop_oneof![Just(String::new()), "[m1é]{0,3}", ".{0,12}"],
            text in prop_oneof![Just(String::new()), "[m1é]{0,3}", ".{0,12}"],
        ) {
            let mut same = text.clone();
            replace(&mut same, &text);
            prop_assert_eq!(&same, &text);
            let mut other = kept;
            replace(&mut other, &text);
            prop_assert_eq!(&other, &text);
        }

        /// The word-at-a-time search finds the byte-wise search's byte.
        #[test]
        fn special_is_the_bytewise_search(text in prop::collection::vec(prop::sample::select(b"ab\"\\\x00\x1f\x20\x7f\x80\xff!".to_vec()), 0..40)) {
            let bytewise = text.iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\');
            prop_assert_eq!(special(&text), bytewise);
        }

        /// The search of a string's end finds the byte-wise search's quote, from any start.
        #[test]
        fn plain_len_is_the_bytewise_search(
            text in prop::collection::vec(prop::sample::select(b"ab\"\\\x00\x1f\x20\x7f\x80\xff!".to_vec()), 0..40),
            start in any::<prop::sample::Index>(),
        ) {
            let start = start.index(text.len() + 1);
            let bytewise = text[start..]
                .iter()
                .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
                .filter(|&i| text[start + i] == b'"');
            prop_assert_eq!(plain_len(&text, start), bytewise);
        }

        /// A key is recognised exactly when the text up to the first quote is one of the
        /// format's keys (with no escape or control character before it), with its length:
        /// keys, their prefixes and extensions, and keys with a byte changed.
        #[test]
        fn keys_are_recognised_whole(
            key in prop::sample::select(KEYS.to_vec()),
            cut in prop::option::weighted(0.3, any::<prop::sample::Index>()),
            change in prop::option::weighted(0.3, (any::<prop::sample::Index>(), prop::sample::select(b"_az\\\"\x00\x80".to_vec()))),
            quote in any::<bool>(),
            tail in prop::collection::vec(prop::sample::select(b"ab_\"\\".to_vec()), 0..4),
        ) {
            let (name, _) = key;
            let mut text = name.as_bytes().to_vec();
            if let Some(cut) = cut {
                text.truncate(cut.index(text.len() + 1));
            }
            if let Some((at, byte)) = change {
                if !text.is_empty() {
                    let at = at.index(text.len());
                    text[at] = byte;
                }
            }
            if quote {
                text.push(b'"');
            }
            text.extend_from_slice(&tail);
            let expected = text
                .iter()
                .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
                .filter(|&end| text[end] == b'"')
                .and_then(|end| {
                    KEYS.iter().find(|(k, _)| k.as_bytes() == &text[..end]).map(|&(_, v)| (v, end))
                });
            prop_assert_eq!(known_key(&text), expected);
        }

        /// A key found as written is the key and colon the general reading finds, and ends
        /// where it does; it is one of the list's from `next` on, and `next` moves past it.
        /// Keys, their prefixes and extensions, keys with a byte changed, with and without their
        /// closing quote and colon, spaces, and records ending right after them.
        #[test]
        fn written_keys_are_the_general_reading(
            keys in prop::sample::select(WRITTEN_LISTS.to_vec()),
            own in prop::option::weighted(0.7, any::<prop::sample::Index>()),
            key in prop::sample::select(KEYS.to_vec()),
            cut in prop::option::weighted(0.3, any::<prop::sample::Index>()),
            change in prop::option::weighted(0.3, (any::<prop::sample::Index>(), prop::sample::select(b"_az:\\\"\x00\x80".to_vec()))),
            quote in prop::sample::select(vec!["", "\"", "\":", "\":", "\":", "\" :", "\":\"", "\"::"]),
            tail in prop::collection::vec(prop::sample::select(b"ab_:\"\\ ".to_vec()), 0..30),
        ) {
            // Mostly one of the list's own keys.
            let list = keys.list;
            let name = match own {
                Some(own) => {
                    let own = list[own.index(list.len())].key;
                    KEYS.iter().find(|(_, k)| *k == own).unwrap().0
                }
                None => key.0,
            };
            let mut text = b"\"".to_vec();
            text.extend_from_slice(name.as_bytes());
            if let Some(cut) = cut {
                text.truncate(cut.index(text.len() + 1));
            }
            if let Some((at, byte)) = change {
                if !text.is_empty() {
                    let at = at.index(text.len());
                    text[at] = byte;
                }
            }
            text.extend_from_slice(quote.as_bytes());
            text.extend_from_slice(&tail);
            let text = String::from_utf8_lossy(&text).into_owned();
            let mut written = Reader { text: &text, pos: 0 };
            let found = written.written_key(&keys);
            // A key of the list written `"key":` is always found by its letter.
            let exact = list.iter().find(|w| text.as_bytes().starts_with(format!(
                "\"{}\":",
                KEYS.iter().find(|(_, k)| *k == w.key).unwrap().0
            ).as_bytes()));
            prop_assert_eq!(found, exact.map(|w| w.key));
            match found {
                Some(found) => {
                    let mut general = Reader { text: &text, pos: 0 };
                    let key = general.key();
                    prop_assert_eq!(key, Some(found));
                    prop_assert_eq!(general.eat(b':'), Some(()));
                    prop_assert_eq!(written.pos, general.pos);
                }
                None => {
                    prop_assert_eq!(written.pos, 0);
                }
            }
        }

        /// An amount read is serde's, with the same scale and sign (`1.50` stays two decimals,
        /// `-0` negative), and ends after its closing quote; every amount `Money::parse` takes
        /// is read (anything with an escape is left to serde). Amounts of 0 to 4 decimals,
        /// leading zeros, 18 to 22 digits, signs, exponents, separators, spaces, escapes.
        #[test]
        fn amounts_in_place_are_money_parse(
            text in "(-|\\+)?[0-9]{0,22}(\\.[0-9]{0,4})?([eE,. ]|\\\\|€)?[0-9]{0,2}",
            space in prop::sample::select(vec!["", " ", "\n"]),
        ) {
            let quoted = format!("{space}\"{text}\"}}");
            let mut reader = Reader { text: &quoted, pos: 0 };
            let serde = serde_json::from_str::<Money>(&quoted[..quoted.len() - 1]).ok();
            let exact = |m: Option<Money>| m.map(|m| m.amount().serialize());
            let read = reader.money();
            if read.is_some() {
                prop_assert_eq!(exact(read), exact(serde));
                prop_assert_eq!(&quoted[reader.pos..], "}");
            }
            // Every amount `Money::parse` reads is read, whatever the reader's own path.
            if let Ok(amount) = Money::parse(&text) {
                if !text.contains('\\') {
                    prop_assert_eq!(exact(read), exact(Some(amount)));
                }
            }
        }

        /// A date read in place is serde's (chrono's parser), for plain dates, impossible ones,
        /// and a byte of them changed into a sign, a letter, a quote or a backslash.
        #[test]
        fn dates_in_place_are_serdes(
            y in 0u32..10_000, m in 0u32..14, d in 0u32..33,
            at in 0usize..12,
            byte in prop::sample::select(b"0-+/ a\"\\9".to_vec()),
            change in any::<bool>(),
        ) {
            let mut bytes = format!("\"{y:04}-{m:02}-{d:02}\"]").into_bytes();
            if change {
                bytes[at] = byte;
            }
            let text = String::from_utf8(bytes).unwrap();
            let mut reader = Reader { text: &text, pos: 0 };
            let read = reader.date();
            if read.is_some() {
                // The string the reader took (a quote put inside ends it early).
                let serde = serde_json::from_str::<NaiveDate>(&text[..reader.pos]).ok();
                prop_assert_eq!(read, serde);
            } else if !change {
                let serde = serde_json::from_str::<NaiveDate>(&text[..text.len() - 1]).ok();
                prop_assert_eq!(serde, None);
            }
        }

        /// The `YYYY-MM-DD` shortcut gives chrono's date, or falls back to chrono.
        #[test]
        fn plain_dates_are_chronos(y in 0u32..10_000, m in 0u32..14, d in 0u32..33) {
            let text = format!("{y:04}-{m:02}-{d:02}");
            prop_assert_eq!(date(&text), text.parse::<NaiveDate>().ok());
        }
    }
}
