//! Italian comuni with their full history, and foreign states.
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_types::territory::{Comune, StatoEstero};
//!
//! let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//!
//! // Belfiore (codice catastale) code on a date: Roma.
//! let roma = Comune::by_belfiore("H501", d(1985, 12, 10))?;
//! assert_eq!(roma.name(), "ROMA");
//! assert_eq!(roma.istat(), Some("058091"));
//! assert_eq!(roma.province(), "RM");
//!
//! // By name, accent- and case-insensitive: "Forlì" = "FORLI'" = "forli".
//! let forli = Comune::by_name("forli", None, d(2020, 1, 1))?;
//! assert_eq!(forli.belfiore(), "D704");
//! assert_eq!(Comune::by_name("FORLI'", Some("FC"), d(2020, 1, 1))?, forli);
//!
//! // A comune renamed after the ANPR snapshot keeps its code: Popoli became Popoli Terme.
//! assert_eq!(Comune::by_belfiore("G878", d(2000, 1, 1))?.name(), "POPOLI");
//! assert_eq!(Comune::by_belfiore("G878", d(2024, 1, 1))?.name(), "POPOLI TERME");
//!
//! // Foreign states carry the Z code of the codice fiscale, the ISTAT and ISO 3166 codes.
//! let albania = StatoEstero::by_z_code("Z100")?;
//! assert_eq!(albania.istat(), Some("201"));
//! assert_eq!(albania.iso_alpha2(), Some("AL"));
//! assert_eq!(albania.iso_numeric(), Some("008"));
//! # Ok::<(), welfare_types::territory::TerritoryError>(())
//! ```
//!
//! ## Data and provenance
//!
//! The tables are embedded in the crate (the build never needs the network). The comuni are
//! indexed when the crate is built (`build.rs`: where each row starts, the Belfiore codes, the
//! rows in ISTAT code order, all searched by binary search), and the rows of one Belfiore code
//! are parsed into [`Comune`] values at their first lookup, so a program pays nothing at
//! start-up for the 19,345 rows. The 240 foreign states are parsed together at their first
//! lookup.
//!
//! * **Comuni**: ANPR `ANPR_archivio_comuni.csv`, snapshot of 2023-10-03, every comune since
//!   1861 with validity dates (less 28 historic rows that have no Belfiore code).
//!   *Fonte: ANPR – Ministero dell'Interno, CC BY 4.0.*
//! * **Foreign states**: ANPR "tabella 2 – stati esteri" (2019), with the ISO 3166-1 alpha-2 and
//!   numeric codes added from the standard. *Fonte: ANPR – Ministero dell'Interno, CC BY 4.0.*
//! * **Reconciliation**: comuni created, merged or renamed after the ANPR snapshot (up to
//!   February 2026), a few historic gaps of the ANPR archive, and five foreign territories come
//!   from PyPI package `python-codicefiscale` 0.12.1 (MIT, © 2017-present Fabio Caccamo). Every
//!   row says where it came from: [`Source`]. Rows taken from python-codicefiscale have no ISTAT
//!   code.
//!
//! The tables were generated on 2026-11-23 by `tools/gen_territory.py` (Python 3, standard
//! library only) from the copies of the sources in `data/`; a test runs the script with `--check`
//! and fails if the committed tables drift from what the script produces.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::DateRange;

/// Generated table of comuni (see the module docs for its provenance).
const COMUNI_TSV: &str = include_str!("../data/comuni.tsv");
/// Generated table of foreign states (see the module docs for its provenance).
const STATI_TSV: &str = include_str!("../data/stati_esteri.tsv");

/// Why a territorial lookup failed. Never carries the code or name looked up.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum TerritoryError {
    /// The code is not shaped like a code of its kind (Belfiore `A000`, ISTAT 6 digits, ...).
    #[error("malformed territorial code")]
    InvalidCode,
    /// No comune or state has this code or name.
    #[error("no comune or foreign state has this code or name")]
    NotFound,
    /// The code or name exists, but no comune or state had it on the date asked.
    #[error("the comune or foreign state was not valid on the date asked")]
    NotValidOnDate,
    /// More than one comune had this name on the date: give the province.
    #[error("more than one comune had this name on the date; give the province")]
    Ambiguous,
    /// The embedded tables could not be read (a build defect, caught by the crate's tests).
    #[error("the embedded territorial tables are malformed at line {line}")]
    Data {
        /// 1-based line of the embedded table.
        line: usize,
    },
}

/// Where a row of the territorial tables came from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Source {
    /// ANPR as published (CC BY 4.0).
    Anpr,
    /// ANPR, with the end of validity taken from python-codicefiscale (merged or renamed after
    /// the ANPR snapshot), or a Z code ANPR left empty.
    AnprCompletedByPythonCodicefiscale,
    /// python-codicefiscale (MIT) only.
    PythonCodicefiscale,
}

impl Source {
    fn parse(text: &str) -> Option<Source> {
        match text {
            "A" => Some(Source::Anpr),
            "AP" => Some(Source::AnprCompletedByPythonCodicefiscale),
            "P" => Some(Source::PythonCodicefiscale),
            _ => None,
        }
    }
}

/// One comune over one validity period (a rename or a change of province starts a new period).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Comune {
    belfiore: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    istat: Option<String>,
    name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    alternative_names: Vec<String>,
    province: String,
    valid: DateRange,
    source: Source,
}

impl Comune {
    /// The Belfiore (codice catastale) code, e.g. `H501`, used in the codice fiscale.
    pub fn belfiore(&self) -> &str {
        &self.belfiore
    }

    /// The 6-digit ISTAT code in this period (`058091` for Roma), when known.
    pub fn istat(&self) -> Option<&str> {
        self.istat.as_deref()
    }

    /// The official Italian name, upper case as ANPR writes it (`FORLÌ`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Names in a second official language (`BOZEN` for Bolzano).
    pub fn alternative_names(&self) -> &[String] {
        &self.alternative_names
    }

    /// The province's sigla automobilistica in this period (`RM`).
    pub fn province(&self) -> &str {
        &self.province
    }

    /// The days in which this row is valid, both ends included.
    pub fn valid(&self) -> DateRange {
        self.valid
    }

    /// Where this row came from.
    pub fn source(&self) -> Source {
        self.source
    }

    /// Every comune period of the table, ordered by Belfiore code and start date.
    pub fn all() -> Result<impl Iterator<Item = &'static Comune>, TerritoryError> {
        let groups = (0..COMUNI_GROUPS).map(comuni_group).collect::<Result<Vec<_>, _>>()?;
        Ok(groups.into_iter().flatten())
    }

    /// Every period of the comune with this Belfiore code (empty if none), oldest first.
    pub fn history(belfiore: &str) -> Result<&'static [Comune], TerritoryError> {
        let key = pack_code(belfiore.as_bytes()).ok_or(TerritoryError::InvalidCode)?;
        comuni_with_key(key)
    }

    /// The comune with this Belfiore code on `on`.
    pub fn by_belfiore(belfiore: &str, on: NaiveDate) -> Result<&'static Comune, TerritoryError> {
        let key = pack_code(belfiore.as_bytes()).ok_or(TerritoryError::InvalidCode)?;
        comune_by_key(key, on)
    }

    /// The comune with this 6-digit ISTAT code on `on`.
    pub fn by_istat(istat: &str, on: NaiveDate) -> Result<&'static Comune, TerritoryError> {
        if istat.len() != 6 || !istat.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TerritoryError::InvalidCode);
        }
        let code: u32 = istat.parse().map_err(|_| TerritoryError::InvalidCode)?;
        let start = COMUNI_BY_ISTAT.partition_point(|(c, _)| *c < code);
        let mut rows = Vec::new();
        for (c, row) in COMUNI_BY_ISTAT.get(start..).unwrap_or_default() {
            if *c != code {
                break;
            }
            rows.push(comune_at(*row as usize)?);
        }
        valid_on(rows.into_iter(), on)
    }

    /// The comune with this name (or alternative name) on `on`, optionally in `province`
    /// (sigla). Accents, case, spaces and punctuation are ignored: `Forlì` = `FORLI'` = `forli`.
    pub fn by_name(
        name: &str,
        province: Option<&str>,
        on: NaiveDate,
    ) -> Result<&'static Comune, TerritoryError> {
        let key = fold_name(name);
        let mut found: Option<&'static Comune> = None;
        let mut any = false;
        let names = name_indexes()?;
        for comune in by_folded(&names.comuni, &key).filter_map(|i| comune_at(i).ok()) {
            if province.is_some_and(|p| !p.trim().eq_ignore_ascii_case(&comune.province)) {
                continue;
            }
            any = true;
            if !comune.valid.contains(on) {
                continue;
            }
            match found {
                Some(previous) if previous.belfiore != comune.belfiore => {
                    return Err(TerritoryError::Ambiguous)
                }
                _ => found = Some(comune),
            }
        }
        match (found, any) {
            (Some(comune), _) => Ok(comune),
            (None, true) => Err(TerritoryError::NotValidOnDate),
            (None, false) => Err(TerritoryError::NotFound),
        }
    }
}

/// A foreign state or territory, with the codes of each coding system.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatoEstero {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    z_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    istat: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iso_alpha2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iso_alpha3: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iso_numeric: Option<String>,
    name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    alternative_names: Vec<String>,
    valid: DateRange,
    source: Source,
}

impl StatoEstero {
    /// The `Z` code of the codice fiscale (Agenzia delle Entrate "codice AT"), e.g. `Z100`.
    /// ISTAT's special codes (stateless, ...) and Italy itself have none.
    pub fn z_code(&self) -> Option<&str> {
        self.z_code.as_deref()
    }

    /// The 3-digit ISTAT country code used by ANPR (`201` for Albania; Italy is `100`).
    pub fn istat(&self) -> Option<&str> {
        self.istat.as_deref()
    }

    /// ISO 3166-1 alpha-2 (`AL`).
    pub fn iso_alpha2(&self) -> Option<&str> {
        self.iso_alpha2.as_deref()
    }

    /// ISO 3166-1 alpha-3 (`ALB`).
    pub fn iso_alpha3(&self) -> Option<&str> {
        self.iso_alpha3.as_deref()
    }

    /// ISO 3166-1 numeric, 3 digits (`008`), used by SIUSS for citizenship.
    pub fn iso_numeric(&self) -> Option<&str> {
        self.iso_numeric.as_deref()
    }

    /// The Italian name, upper case as ANPR writes it (`ALBANIA`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// ISTAT's Italian and English names, when they differ from [`name`](Self::name).
    pub fn alternative_names(&self) -> &[String] {
        &self.alternative_names
    }

    /// The days in which the state or its code existed.
    pub fn valid(&self) -> DateRange {
        self.valid
    }

    /// Where this row came from.
    pub fn source(&self) -> Source {
        self.source
    }

    /// Every state and territory of the table, ordered by Z code (those without one last).
    pub fn all() -> Result<impl Iterator<Item = &'static StatoEstero>, TerritoryError> {
        Ok(stati_table()?.stati.iter())
    }

    /// The state with this `Z` code (upper or lower case).
    pub fn by_z_code(code: &str) -> Result<&'static StatoEstero, TerritoryError> {
        let key = pack_code(code.as_bytes()).ok_or(TerritoryError::InvalidCode)?;
        if key / 1000 != 25 {
            return Err(TerritoryError::InvalidCode);
        }
        stati_table()?.stato_by_key(key)
    }

    /// The state with this 3-digit ISTAT country code.
    pub fn by_istat(istat: &str) -> Result<&'static StatoEstero, TerritoryError> {
        if istat.len() != 3 || !istat.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TerritoryError::InvalidCode);
        }
        Self::find(|s| s.istat.as_deref() == Some(istat))
    }

    /// The state with this ISO 3166-1 alpha-2 code (upper or lower case).
    pub fn by_iso_alpha2(code: &str) -> Result<&'static StatoEstero, TerritoryError> {
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(TerritoryError::InvalidCode);
        }
        Self::find(|s| s.iso_alpha2.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(code)))
    }

    /// The state with this name (Italian or English, accent- and case-insensitive).
    pub fn by_name(name: &str) -> Result<&'static StatoEstero, TerritoryError> {
        let key = fold_name(name);
        let stati = stati_table()?;
        let mut matches =
            by_folded(&name_indexes()?.stati, &key).filter_map(|i| stati.stati.get(i));
        let first = matches.next().ok_or(TerritoryError::NotFound)?;
        if matches.any(|other| other != first) {
            return Err(TerritoryError::Ambiguous);
        }
        Ok(first)
    }

    fn find(
        predicate: impl Fn(&StatoEstero) -> bool,
    ) -> Result<&'static StatoEstero, TerritoryError> {
        // 240 rows: a scan is fine for these rarely used lookups.
        stati_table()?.stati.iter().find(|s| predicate(s)).ok_or(TerritoryError::NotFound)
    }
}

/// A birth place: an Italian comune or a foreign state.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "place", rename_all = "snake_case")]
pub enum Place {
    /// An Italian comune, in the period valid on the date asked.
    Comune(&'static Comune),
    /// A foreign state or territory.
    StatoEstero(&'static StatoEstero),
}

impl Place {
    /// The comune (Belfiore) or state (`Z`) code valid on `on`, e.g. `H501` or `Z100`.
    pub fn by_code(code: &str, on: NaiveDate) -> Result<Place, TerritoryError> {
        let key = pack_code(code.as_bytes()).ok_or(TerritoryError::InvalidCode)?;
        Place::by_packed_code(key, on)
    }

    /// A code (`H501`, `Z100`) or a name, resolved on `on`: a comune name, optionally followed
    /// by its province in brackets (`Roma (RM)`), or else a foreign state's name.
    pub fn by_code_or_name(text: &str, on: NaiveDate) -> Result<Place, TerritoryError> {
        let text = text.trim();
        if let Some(key) = pack_code(text.as_bytes()) {
            return Place::by_packed_code(key, on);
        }
        let (name, province) = match text.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
            Some((name, province)) => (name, Some(province)),
            None => (text, None),
        };
        match Comune::by_name(name, province, on) {
            Err(TerritoryError::NotFound) if province.is_none() => {
                let stato = StatoEstero::by_name(name)?;
                if stato.valid.contains(on) {
                    Ok(Place::StatoEstero(stato))
                } else {
                    Err(TerritoryError::NotValidOnDate)
                }
            }
            other => other.map(Place::Comune),
        }
    }

    /// Resolves a packed code (see [`pack_code`]) on a date: the fast path of the codice fiscale.
    pub(crate) fn by_packed_code(key: u16, on: NaiveDate) -> Result<Place, TerritoryError> {
        if key / 1000 == 25 {
            let stato = stati_table()?.stato_by_key(key)?;
            if stato.valid.contains(on) {
                Ok(Place::StatoEstero(stato))
            } else {
                Err(TerritoryError::NotValidOnDate)
            }
        } else {
            comune_by_key(key, on).map(Place::Comune)
        }
    }

    /// The Belfiore or `Z` code.
    pub fn code(&self) -> &'static str {
        match *self {
            Place::Comune(c) => c.belfiore.as_str(),
            Place::StatoEstero(s) => s.z_code.as_deref().unwrap_or_default(),
        }
    }

    /// The official name (`ROMA`, `ALBANIA`).
    pub fn name(&self) -> &'static str {
        match *self {
            Place::Comune(c) => c.name.as_str(),
            Place::StatoEstero(s) => s.name.as_str(),
        }
    }
}

/// Folds a place name for comparison: accents removed, upper case, only `A-Z` and `0-9` kept.
///
/// ```
/// use welfare_types::territory::fold_name;
/// assert_eq!(fold_name("Forlì"), "FORLI");
/// assert_eq!(fold_name("FORLI'"), "FORLI");
/// assert_eq!(fold_name("Sankt Ulrich / Ortisei"), "SANKTULRICHORTISEI");
/// ```
pub fn fold_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let folded: &str = match c {
            'a'..='z' | '0'..='9' => {
                out.push(c.to_ascii_uppercase());
                continue;
            }
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "A",
            'æ' => "AE",
            'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "C",
            'ď' | 'đ' => "D",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "E",
            'ğ' | 'ĝ' | 'ġ' | 'ģ' => "G",
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "I",
            'ł' | 'ľ' | 'ĺ' | 'ļ' => "L",
            'ñ' | 'ń' | 'ň' | 'ņ' => "N",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "O",
            'œ' => "OE",
            'ŕ' | 'ř' | 'ŗ' => "R",
            'ś' | 'š' | 'ş' | 'ŝ' | 'ș' => "S",
            'ß' => "SS",
            'ť' | 'ţ' | 'ț' => "T",
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "U",
            'ý' | 'ÿ' => "Y",
            'ź' | 'ż' | 'ž' => "Z",
            _ => "",
        };
        out.push_str(folded);
    }
    out
}

/// Packs a place code `L999` (letter, three digits; lower case accepted) into
/// `letter_index * 1000 + number`; `None` when it is not so shaped.
pub(crate) fn pack_code(code: &[u8]) -> Option<u16> {
    let [letter, a, b, c] = code else { return None };
    let letter = letter.to_ascii_uppercase();
    if !letter.is_ascii_uppercase() || ![a, b, c].iter().all(|d| d.is_ascii_digit()) {
        return None;
    }
    let number = u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0');
    Some(u16::from(letter - b'A') * 1000 + number)
}

fn valid_on(
    rows: impl Iterator<Item = &'static Comune>,
    on: NaiveDate,
) -> Result<&'static Comune, TerritoryError> {
    let mut any = false;
    let mut best: Option<&'static Comune> = None;
    for row in rows {
        any = true;
        if row.valid.contains(on) && best.is_none_or(|b| row.valid.from() > b.valid.from()) {
            best = Some(row);
        }
    }
    match (best, any) {
        (Some(row), _) => Ok(row),
        (None, true) => Err(TerritoryError::NotValidOnDate),
        (None, false) => Err(TerritoryError::NotFound),
    }
}

fn by_folded<'a>(index: &'a [(String, usize)], key: &'a str) -> impl Iterator<Item = usize> + 'a {
    let start = index.partition_point(|(name, _)| name.as_str() < key);
    index
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(move |(name, _)| name == key)
        .map(|(_, i)| *i)
}

// The build-time index of `COMUNI_TSV` (see `build.rs`): `COMUNI_ROWS`, `COMUNI_GROUPS`,
// `COMUNI_GROUP_KEYS`, `COMUNI_GROUP_STARTS`, `COMUNI_LINE_STARTS`, `COMUNI_BY_ISTAT`.
include!(concat!(env!("OUT_DIR"), "/comuni_index.rs"));

/// The rows of each Belfiore code (a group of `COMUNI_GROUP_STARTS`), parsed at first use.
type Group = OnceLock<Result<Box<[Comune]>, TerritoryError>>;
static COMUNI: [Group; COMUNI_GROUPS] = [const { OnceLock::new() }; COMUNI_GROUPS];

/// The periods of group `g` (a Belfiore code), oldest first.
fn comuni_group(g: usize) -> Result<&'static [Comune], TerritoryError> {
    let cell = COMUNI.get(g).ok_or(TerritoryError::NotFound)?;
    cell.get_or_init(|| {
        let start = COMUNI_GROUP_STARTS.get(g).copied().unwrap_or_default() as usize;
        let end = COMUNI_GROUP_STARTS.get(g + 1).copied().unwrap_or_default() as usize;
        (start..end).map(parse_comune).collect()
    })
    .as_deref()
    .map_err(|e| *e)
}

/// Every period of the comune with this packed Belfiore code (empty if none), oldest first.
fn comuni_with_key(key: u16) -> Result<&'static [Comune], TerritoryError> {
    match COMUNI_GROUP_KEYS.binary_search(&key) {
        Ok(g) => comuni_group(g),
        Err(_) => Ok(&[]),
    }
}

fn comune_by_key(key: u16, on: NaiveDate) -> Result<&'static Comune, TerritoryError> {
    valid_on(comuni_with_key(key)?.iter(), on)
}

/// Row `row` of the table (0 = the first after the header), in its group.
fn comune_at(row: usize) -> Result<&'static Comune, TerritoryError> {
    let g = COMUNI_GROUP_STARTS.partition_point(|start| *start as usize <= row);
    let g = g.checked_sub(1).ok_or(TerritoryError::NotFound)?;
    let start = COMUNI_GROUP_STARTS.get(g).copied().unwrap_or_default() as usize;
    comuni_group(g)?.get(row - start).ok_or(TerritoryError::NotFound)
}

/// Parses row `row` of the table of comuni.
fn parse_comune(row: usize) -> Result<Comune, TerritoryError> {
    let line = row + 2;
    let bad = TerritoryError::Data { line };
    let (from, to) = (COMUNI_LINE_STARTS.get(row), COMUNI_LINE_STARTS.get(row + 1));
    let (Some(&from), Some(&to)) = (from, to) else { return Err(bad) };
    let text = COMUNI_TSV.get(from as usize..to as usize).ok_or(bad)?;
    let text = text.strip_suffix('\n').ok_or(bad)?;
    let [belfiore, istat, from, to, province, name, alt, source] = fields::<8>(text, line)?;
    Ok(Comune {
        belfiore: belfiore.to_owned(),
        istat: some(istat),
        name: name.to_owned(),
        alternative_names: some(alt).into_iter().collect(),
        province: province.to_owned(),
        valid: range(from, to, line)?,
        source: Source::parse(source).ok_or(bad)?,
    })
}

/// The parsed table of foreign states and its index by `Z` code.
#[derive(Debug)]
struct Stati {
    /// Sorted by Z code (those without one last).
    stati: Vec<StatoEstero>,
    /// Packed Z codes and their rows.
    keys: Vec<(u16, usize)>,
}

impl Stati {
    fn stato_by_key(&'static self, key: u16) -> Result<&'static StatoEstero, TerritoryError> {
        let found = self.keys.binary_search_by(|(k, _)| k.cmp(&key));
        found
            .ok()
            .and_then(|at| self.keys.get(at))
            .and_then(|(_, i)| self.stati.get(*i))
            .ok_or(TerritoryError::NotFound)
    }
}

/// Reads the small table of foreign states now rather than at the first lookup. The comuni
/// need no loading: they are indexed when the crate is built and the rows of a Belfiore code
/// are parsed at its first lookup (microseconds). Lookups by name build their own index at
/// their first use. Kept so a program can still surface a defect of the tables early.
pub fn preload() -> Result<(), TerritoryError> {
    stati_table().map(|_| ())
}

fn stati_table() -> Result<&'static Stati, TerritoryError> {
    static STATI: OnceLock<Result<Stati, TerritoryError>> = OnceLock::new();
    STATI.get_or_init(load_stati).as_ref().map_err(|e| *e)
}

/// A `YYYY-MM-DD` date of the tables, read by hand: chrono's format parser would be most of
/// the cost of loading them.
fn date(text: &str, line: usize) -> Result<NaiveDate, TerritoryError> {
    let bad = || TerritoryError::Data { line };
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        text.get(range).filter(|t| t.bytes().all(|b| b.is_ascii_digit()))?.parse().ok()
    };
    let (y, m, d) =
        (num(0..4).ok_or_else(bad)?, num(5..7).ok_or_else(bad)?, num(8..10).ok_or_else(bad)?);
    NaiveDate::from_ymd_opt(i32::try_from(y).map_err(|_| bad())?, m, d).ok_or_else(bad)
}

fn range(from: &str, to: &str, line: usize) -> Result<DateRange, TerritoryError> {
    let to = if to.is_empty() { None } else { Some(date(to, line)?) };
    DateRange::new(date(from, line)?, to).map_err(|_| TerritoryError::Data { line })
}

fn some(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn fields<const N: usize>(row: &str, line: usize) -> Result<[&str; N], TerritoryError> {
    let mut out = [""; N];
    let mut parts = row.split('\t');
    for slot in &mut out {
        *slot = parts.next().ok_or(TerritoryError::Data { line })?;
    }
    match parts.next() {
        Some(_) => Err(TerritoryError::Data { line }),
        None => Ok(out),
    }
}

fn load_stati() -> Result<Stati, TerritoryError> {
    let mut stati = Vec::with_capacity(250);
    for (n, row) in STATI_TSV.lines().enumerate().skip(1) {
        let line = n + 1;
        let [z, istat, a2, a3, num, from, to, name, name_istat, name_en, _kind, source] =
            fields::<12>(row, line)?;
        let mut alternative_names: Vec<String> = Vec::new();
        for alt in [name_istat, name_en] {
            if !alt.is_empty()
                && fold_name(alt) != fold_name(name)
                && !alternative_names.iter().any(|a| a == alt)
            {
                alternative_names.push(alt.to_owned());
            }
        }
        stati.push(StatoEstero {
            z_code: some(z),
            istat: some(istat),
            iso_alpha2: some(a2),
            iso_alpha3: some(a3),
            iso_numeric: some(num),
            name: name.to_owned(),
            alternative_names,
            valid: range(from, to, line)?,
            source: Source::parse(source).ok_or(TerritoryError::Data { line })?,
        });
    }
    let mut keys: Vec<(u16, usize)> = stati
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((pack_code(s.z_code.as_deref()?.as_bytes())?, i)))
        .collect();
    keys.sort();
    Ok(Stati { stati, keys })
}

/// The folded-name indexes, built on the first lookup by name: a program that only looks
/// comuni up by code (a batch of households) never pays for them.
struct NameIndexes {
    comuni: Vec<(String, usize)>,
    stati: Vec<(String, usize)>,
}

fn name_indexes() -> Result<&'static NameIndexes, TerritoryError> {
    static NAMES: OnceLock<Result<NameIndexes, TerritoryError>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            let mut comuni: Vec<(String, usize)> = Vec::with_capacity(COMUNI_ROWS + 1000);
            for (i, c) in Comune::all()?.enumerate() {
                comuni.push((fold_name(&c.name), i));
                for alt in &c.alternative_names {
                    // Bilingual names are also written "ITALIANO/DEUTSCH": index each part too.
                    comuni.push((fold_name(alt), i));
                    for part in alt.split('/') {
                        comuni.push((fold_name(part), i));
                    }
                }
                for part in c.name.split('/') {
                    comuni.push((fold_name(part), i));
                }
            }
            comuni.sort();
            comuni.dedup();
            let mut stati: Vec<(String, usize)> = Vec::new();
            for (i, s) in stati_table()?.stati.iter().enumerate() {
                stati.push((fold_name(&s.name), i));
                for alt in &s.alternative_names {
                    stati.push((fold_name(alt), i));
                }
            }
            stati.sort();
            stati.dedup();
            Ok(NameIndexes { comuni, stati })
        })
        .as_ref()
        .map_err(|e| *e)
}
