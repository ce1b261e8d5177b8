//! The tolerant streaming reader.
//!
//! [`FlowReader`] reads the flow header, then one record (`Beneficiario` or `SINBA`) at a
//! time, so a bulk file of any size is read in constant memory. It accepts the December-2018
//! schema and, where compatible, the 2016 (`PS_PSA2016_SINA.xsd`) and June-2018
//! (`PS_PSA_SINA201806.xsd`) variants, and says which one it read ([`SchemaVersion`]).

use std::borrow::Cow;
use std::io::BufRead;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use welfare_types::Money;

use crate::codes::XsdCode;
use crate::error::SiussError;
use crate::issue::{Issue, Rule};
use crate::model::{
    Anagrafica, Beneficiario, Ente, FlussoPs, FlussoSinba, IdentificazioneFlusso, Indirizzo,
    MeseAnno, OreMinuti, PrestazioneSociale, Sina, Sinba, NAMESPACE,
};
use crate::xml::{malformed, AttrList, Cursor, Node};

/// Which of the two flows a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum FlowKind {
    /// PS-PSA-SINA (`Beneficiario` records); WaaS `tipo` `PS_PSA_SINA`, name segment `PS`.
    #[serde(rename = "PS_PSA_SINA")]
    Ps,
    /// SINBA (`SINBA` records); WaaS `tipo` `SINBA`, name segment `SINBA`.
    #[serde(rename = "SINBA")]
    Sinba,
}

impl FlowKind {
    /// The WaaS `tipo`: `PS_PSA_SINA` or `SINBA`.
    pub const fn waas_tipo(self) -> &'static str {
        match self {
            FlowKind::Ps => "PS_PSA_SINA",
            FlowKind::Sinba => "SINBA",
        }
    }

    /// The segment of the flow name: `PS` or `SINBA`.
    pub const fn name_segment(self) -> &'static str {
        match self {
            FlowKind::Ps => "PS",
            FlowKind::Sinba => "SINBA",
        }
    }
}

/// The schema a document was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum SchemaVersion {
    /// `PS_PSA2016_SINA.xsd`: `NecessitaInterventiSociali` repeated with the code as its text,
    /// `Indirizzo` optional, `OreServizioMensile` an integer.
    #[serde(rename = "PS_PSA2016_SINA")]
    Ps2016,
    /// `PS_PSA_SINA201806.xsd`: as December 2018 but `Indirizzo` optional.
    #[serde(rename = "PS_PSA_SINA201806")]
    Ps201806,
    /// `PS_PSA_SINA201812.xsd` (version label 1.0.0): what the writer produces.
    #[serde(rename = "PS_PSA_SINA201812")]
    Ps201812,
    /// `SINBA.xsd` (version label 1.0.0).
    #[serde(rename = "SINBA")]
    Sinba,
}

impl SchemaVersion {
    /// The XSD file name.
    pub const fn xsd_name(self) -> &'static str {
        match self {
            SchemaVersion::Ps2016 => "PS_PSA2016_SINA.xsd",
            SchemaVersion::Ps201806 => "PS_PSA_SINA201806.xsd",
            SchemaVersion::Ps201812 => "PS_PSA_SINA201812.xsd",
            SchemaVersion::Sinba => "SINBA.xsd",
        }
    }
}

/// The version read and why the reader thinks so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DetectedVersion {
    /// The schema.
    pub version: SchemaVersion,
    /// The evidence: a `schemaLocation`, an element shape, or none (default).
    pub evidence: String,
}

/// One record read, with the issues found while reading it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordRead {
    /// 1-based position among the records.
    pub index: usize,
    /// The record, or `None` when a blocking issue kept it from being built.
    pub record: Option<Record>,
    /// Issues found while reading (XSD-level: types, required attributes, structure).
    pub issues: Vec<Issue>,
}

/// A record of either flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Record {
    /// A PS-PSA-SINA `Beneficiario`.
    Beneficiario(Box<Beneficiario>),
    /// A SINBA record.
    Sinba(Box<Sinba>),
}

/// Streaming reader of a PS-PSA-SINA or SINBA flow.
///
/// ```
/// use welfare_siuss::{FlowReader, FlowKind};
/// let xml = welfare_siuss::examples::ps_flow_xml();
/// let mut reader = FlowReader::new(xml.as_bytes())?;
/// assert_eq!(reader.kind(), FlowKind::Ps);
/// let mut count = 0;
/// while let Some(record) = reader.next_record()? {
///     assert!(record.issues.is_empty());
///     count += 1;
/// }
/// assert_eq!(count, 1);
/// # Ok::<(), welfare_siuss::SiussError>(())
/// ```
pub struct FlowReader<R: BufRead> {
    cursor: Cursor<R>,
    header: IdentificazioneFlusso,
    header_issues: Vec<Issue>,
    kind: FlowKind,
    version: DetectedVersion,
    index: usize,
    done: bool,
}

/// The header, its issues, the kind and the version, as [`FlowReader::new`] reads them.
type Start = (IdentificazioneFlusso, Vec<Issue>, FlowKind, DetectedVersion);

impl<R: BufRead> std::fmt::Debug for FlowReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowReader")
            .field("kind", &self.kind)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl<R: BufRead> FlowReader<R> {
    /// Reads the root and `IdentificazioneFlusso`, and looks at the first record to tell the
    /// two flows apart. Fails only when the document is not well-formed or its root is not a
    /// SIUSS `Flusso`; other header problems are in [`header_issues`](Self::header_issues).
    pub fn new(input: R) -> Result<FlowReader<R>, SiussError> {
        let mut cursor = Cursor::new(input);
        match Self::start(&mut cursor) {
            Ok((header, header_issues, kind, version)) => Ok(FlowReader {
                cursor,
                header,
                header_issues,
                kind,
                version,
                index: 0,
                done: false,
            }),
            // An input that cannot be read is the input's error, not the document's.
            Err(e) => Err(cursor.take_io_error().map_or(e, SiussError::Io)),
        }
    }

    /// What [`FlowReader::new`] reads: the header, its issues, the kind and the version.
    fn start(cursor: &mut Cursor<R>) -> Result<Start, SiussError> {
        let mut header_issues = Vec::new();
        let mut version: Option<DetectedVersion> = None;
        // Root.
        let root_attrs = match cursor.next_node().map_err(SiussError::from_issue)? {
            Node::Start { name, attrs, empty: false } if name == "Flusso" => attrs,
            Node::Start { .. } | Node::Text(_) | Node::End | Node::Eof => {
                return Err(SiussError::from_issue(Issue::error(
                    "Flusso",
                    Rule::Root,
                    "the root element is not a non-empty Flusso",
                )));
            }
        };
        let mut namespace_ok = false;
        // `<Flusso xmlns="…">` or, equally valid, `<c:Flusso xmlns:c="…">`.
        let namespace_attr = match cursor.root_prefix() {
            Some(prefix) => format!("xmlns:{prefix}"),
            None => "xmlns".to_owned(),
        };
        for (key, value) in &root_attrs {
            let value = value.as_deref().unwrap_or_default();
            if *key == namespace_attr {
                namespace_ok = value == NAMESPACE;
            } else if key == "xmlns" {
                // A default namespace beside a prefixed root: it binds nothing the schema uses.
            } else if key.ends_with("schemaLocation") || key.ends_with("noNamespaceSchemaLocation")
            {
                version = version_from_location(value);
            } else if !key.starts_with("xmlns:") {
                header_issues.push(Issue::error(
                    format!("Flusso/@{key}"),
                    Rule::UnknownAttribute,
                    "attribute not declared by the schema",
                ));
            }
        }
        if !namespace_ok {
            return Err(SiussError::from_issue(Issue::error(
                "Flusso",
                Rule::Root,
                format!("the root is not in the namespace {NAMESPACE}"),
            )));
        }
        // IdentificazioneFlusso.
        let header = match cursor.next_node().map_err(SiussError::from_issue)? {
            Node::Start { name, attrs, empty } if name == "IdentificazioneFlusso" => {
                parse_identificazione(cursor, attrs, empty, &mut header_issues)
                    .map_err(SiussError::from_issue)?
            }
            _ => {
                return Err(SiussError::from_issue(Issue::error(
                    "Flusso/IdentificazioneFlusso",
                    Rule::Element,
                    "IdentificazioneFlusso must be the first child of Flusso",
                )));
            }
        };
        let kind = match cursor.peek().map_err(SiussError::from_issue)? {
            Node::Start { name, .. } if name == "SINBA" => FlowKind::Sinba,
            Node::Start { name, .. } if name == "Beneficiario" => FlowKind::Ps,
            _ => {
                if header.nome.contains(".SINBA.") {
                    FlowKind::Sinba
                } else {
                    FlowKind::Ps
                }
            }
        };
        let version = match (kind, version) {
            (FlowKind::Sinba, _) => DetectedVersion {
                version: SchemaVersion::Sinba,
                evidence: "SINBA records".to_owned(),
            },
            (FlowKind::Ps, Some(v)) if v.version != SchemaVersion::Sinba => v,
            (FlowKind::Ps, _) => DetectedVersion {
                version: SchemaVersion::Ps201812,
                evidence: "no marker of an earlier schema".to_owned(),
            },
        };
        Ok((header, header_issues, kind, version))
    }

    /// The flow header.
    pub fn identificazione(&self) -> &IdentificazioneFlusso {
        &self.header
    }

    /// Issues found in the root and the header.
    pub fn header_issues(&self) -> &[Issue] {
        &self.header_issues
    }

    /// PS-PSA-SINA or SINBA.
    pub fn kind(&self) -> FlowKind {
        self.kind
    }

    /// The schema version, as far as the records read so far tell (a 2016 element shape met
    /// late in the file changes it).
    pub fn version(&self) -> &DetectedVersion {
        &self.version
    }

    /// The next record, `Ok(None)` after the last one, or an error if the document is not
    /// well-formed.
    pub fn next_record(&mut self) -> Result<Option<RecordRead>, SiussError> {
        // An input that cannot be read is the input's error, not the document's.
        self.next_record_read().map_err(|e| self.cursor.take_io_error().map_or(e, SiussError::Io))
    }

    /// [`FlowReader::next_record`], whatever the error.
    fn next_record_read(&mut self) -> Result<Option<RecordRead>, SiussError> {
        if self.done {
            return Ok(None);
        }
        let (name, attrs, empty) = match self.cursor.next_node().map_err(SiussError::from_issue)? {
            Node::Start { name, attrs, empty } => (name, attrs, empty),
            Node::End => {
                self.done = true;
                // Nothing but whitespace and comments may follow the root.
                return match self.cursor.next_node().map_err(SiussError::from_issue)? {
                    Node::Eof => Ok(None),
                    _ => Err(SiussError::from_issue(malformed(
                        self.cursor.position(),
                        "content after the root element",
                    ))),
                };
            }
            Node::Eof => {
                return Err(SiussError::from_issue(malformed(
                    self.cursor.position(),
                    "unexpected end of document",
                )));
            }
            Node::Text(_) => {
                return Err(SiussError::from_issue(Issue::error(
                    "Flusso",
                    Rule::Element,
                    "text is not allowed inside Flusso",
                )));
            }
        };
        let expected = match self.kind {
            FlowKind::Ps => "Beneficiario",
            FlowKind::Sinba => "SINBA",
        };
        let mut issues = Vec::new();
        if name != expected {
            issues.push(Issue::error(
                format!("Flusso/{name}"),
                Rule::UnknownElement,
                format!("a {} flow holds only {expected} elements here", self.kind.name_segment()),
            ));
            if !empty {
                self.cursor.skip_element().map_err(SiussError::from_issue)?;
            }
            return Ok(Some(RecordRead { index: self.index, record: None, issues }));
        }
        self.index += 1;
        let index = self.index;
        let path = format!("Flusso/{expected}[{index}]");
        let mut ctx = Ctx { issues: &mut issues, version: &mut self.version };
        let record = match self.kind {
            FlowKind::Ps => parse_beneficiario(&mut self.cursor, &path, attrs, empty, &mut ctx)
                .map_err(SiussError::from_issue)?
                .map(|b| Record::Beneficiario(Box::new(b))),
            FlowKind::Sinba => parse_sinba(&mut self.cursor, &path, attrs, empty, &mut ctx)
                .map_err(SiussError::from_issue)?
                .map(|s| Record::Sinba(Box::new(s))),
        };
        let record = if issues.iter().any(|i| i.rule.blocks_reading()) { None } else { record };
        Ok(Some(RecordRead { index, record, issues }))
    }
}

fn version_from_location(location: &str) -> Option<DetectedVersion> {
    let version = if location.contains("2016") {
        SchemaVersion::Ps2016
    } else if location.contains("201806") {
        SchemaVersion::Ps201806
    } else if location.contains("201812") {
        SchemaVersion::Ps201812
    } else if location.contains("SINBA") {
        SchemaVersion::Sinba
    } else {
        return None;
    };
    Some(DetectedVersion {
        version,
        evidence: format!("schemaLocation names {}", version.xsd_name()),
    })
}

/// A flow read whole, with the schema it was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Read<T> {
    /// The flow.
    pub flow: T,
    /// The schema version read.
    pub version: DetectedVersion,
}

/// Either flow, read whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum AnyFlow {
    /// PS-PSA-SINA.
    Ps(FlussoPs),
    /// SINBA.
    Sinba(FlussoSinba),
}

/// Reads a whole flow of either kind. Fails on the first record that cannot be built (see
/// [`Rule::blocks_reading`]); non-blocking problems are left to [`crate::validate_xml`].
pub fn read(input: impl BufRead) -> Result<Read<AnyFlow>, SiussError> {
    let mut reader = FlowReader::new(input)?;
    let blocking: Vec<Issue> =
        reader.header_issues().iter().filter(|i| i.rule.blocks_reading()).cloned().collect();
    if !blocking.is_empty() {
        return Err(SiussError::Read { issues: blocking });
    }
    let mut beneficiari = Vec::new();
    let mut schede = Vec::new();
    while let Some(read) = reader.next_record()? {
        let blocking: Vec<Issue> =
            read.issues.into_iter().filter(|i| i.rule.blocks_reading()).collect();
        if !blocking.is_empty() {
            return Err(SiussError::Read { issues: blocking });
        }
        match read.record {
            Some(Record::Beneficiario(b)) => beneficiari.push(*b),
            Some(Record::Sinba(s)) => schede.push(*s),
            None => {}
        }
    }
    let identificazione = reader.identificazione().clone();
    let flow = match reader.kind() {
        FlowKind::Ps => AnyFlow::Ps(FlussoPs { identificazione, beneficiari }),
        FlowKind::Sinba => AnyFlow::Sinba(FlussoSinba { identificazione, schede }),
    };
    Ok(Read { flow, version: reader.version().clone() })
}

/// Reads a whole PS-PSA-SINA flow.
pub fn read_ps(input: impl BufRead) -> Result<Read<FlussoPs>, SiussError> {
    let Read { flow, version } = read(input)?;
    match flow {
        AnyFlow::Ps(flow) => Ok(Read { flow, version }),
        AnyFlow::Sinba(_) => {
            Err(SiussError::WrongKind { expected: FlowKind::Ps, found: FlowKind::Sinba })
        }
    }
}

/// Reads a whole SINBA flow.
pub fn read_sinba(input: impl BufRead) -> Result<Read<FlussoSinba>, SiussError> {
    let Read { flow, version } = read(input)?;
    match flow {
        AnyFlow::Sinba(flow) => Ok(Read { flow, version }),
        AnyFlow::Ps(_) => {
            Err(SiussError::WrongKind { expected: FlowKind::Sinba, found: FlowKind::Ps })
        }
    }
}

// ------------------------------------------------------------------------------ parsing

struct Ctx<'a> {
    issues: &'a mut Vec<Issue>,
    version: &'a mut DetectedVersion,
}

/// Attributes of one element, taken one by one; what is left is undeclared.
struct Attrs<'p> {
    list: AttrList,
    path: &'p str,
}

impl<'p> Attrs<'p> {
    fn new(list: AttrList, path: &'p str) -> Attrs<'p> {
        Attrs { list, path }
    }

    fn take(&mut self, name: &str) -> Option<String> {
        self.list.iter_mut().find(|(k, _)| k == name).and_then(|(_, v)| v.take())
    }

    fn at(&self, name: &str) -> String {
        format!("{}/@{name}", self.path)
    }

    fn req_string(&mut self, name: &str, issues: &mut Vec<Issue>) -> String {
        match self.take(name) {
            Some(v) => v,
            None => {
                issues.push(Issue::error(
                    self.at(name),
                    Rule::Required,
                    "required attribute missing",
                ));
                String::new()
            }
        }
    }

    fn req<T>(
        &mut self,
        name: &str,
        issues: &mut Vec<Issue>,
        parse: impl Fn(&str) -> Result<T, (Rule, String)>,
    ) -> Option<T> {
        match self.take(name) {
            Some(v) => match parse(&v) {
                Ok(t) => Some(t),
                Err((rule, msg)) => {
                    issues.push(Issue::error(self.at(name), rule, msg));
                    None
                }
            },
            None => {
                issues.push(Issue::error(
                    self.at(name),
                    Rule::Required,
                    "required attribute missing",
                ));
                None
            }
        }
    }

    fn opt<T>(
        &mut self,
        name: &str,
        issues: &mut Vec<Issue>,
        parse: impl Fn(&str) -> Result<T, (Rule, String)>,
    ) -> Option<T> {
        let v = self.take(name)?;
        match parse(&v) {
            Ok(t) => Some(t),
            Err((rule, msg)) => {
                issues.push(Issue::error(self.at(name), rule, msg));
                None
            }
        }
    }

    fn finish(self, issues: &mut Vec<Issue>) {
        for (key, value) in self.list {
            if value.is_some() && !key.starts_with("xmlns") && !key.starts_with("xsi:") {
                issues.push(Issue::error(
                    format!("{}/@{key}", self.path),
                    Rule::UnknownAttribute,
                    "attribute not declared by the schema",
                ));
            }
        }
    }
}

fn code<T: XsdCode>(value: &str) -> Result<T, (Rule, String)> {
    T::parse_code(value.trim())
        .ok_or_else(|| (Rule::Enumeration, format!("not a value of {}", T::xsd_type())))
}

fn string(value: &str) -> Result<String, (Rule, String)> {
    Ok(value.to_owned())
}

/// `xs:decimal`: optional sign, digits with an optional `.` fraction; whitespace collapsed.
pub(crate) fn parse_decimal(value: &str) -> Result<Decimal, (Rule, String)> {
    let v = value.trim();
    let (sign, body) = match v.as_bytes().first() {
        Some(b'-') => ("-", v.get(1..).unwrap_or("")),
        Some(b'+') => ("", v.get(1..).unwrap_or("")),
        _ => ("", v),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return Err((
            Rule::Decimal,
            "not an xs:decimal (digits with '.' as the decimal mark)".to_owned(),
        ));
    }
    let int = if int.is_empty() { "0" } else { int };
    let text = if frac.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") };
    Decimal::from_str_exact(&text)
        .map_err(|_| (Rule::Decimal, "decimal out of the supported range".to_owned()))
}

fn money(value: &str) -> Result<Money, (Rule, String)> {
    parse_decimal(value).map(Money::from_decimal)
}

/// `xs:date`: `AAAA-MM-GG`, with an optional time zone that is ignored.
pub(crate) fn parse_date(value: &str) -> Result<NaiveDate, (Rule, String)> {
    let v = value.trim();
    let date_part = v.get(..10).unwrap_or(v);
    let rest = v.get(10..).unwrap_or("");
    let zone_ok = rest.is_empty()
        || rest == "Z"
        || (rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && rest.get(3..4) == Some(":"));
    let b = date_part.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = b.get(range)?;
        digits
            .iter()
            .try_fold(0u32, |acc, &d| d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0')))
    };
    let date = (zone_ok && b.len() == 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-'))
        .then(|| {
            let year = i32::try_from(number(0..4)?).ok()?;
            NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
        })
        .flatten();
    date.ok_or_else(|| (Rule::Date, "not an xs:date (AAAA-MM-GG)".to_owned()))
}

fn year4(value: &str) -> Result<u16, (Rule, String)> {
    let v = value.trim();
    if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
        v.parse::<u16>().map_err(|_| (Rule::Pattern, "not four digits".to_owned()))
    } else {
        Err((Rule::Pattern, "does not match [0-9]{4}".to_owned()))
    }
}

fn small_int(value: &str) -> Result<u8, (Rule, String)> {
    let v = value.trim();
    let v = v.strip_prefix('+').unwrap_or(v);
    if v.starts_with('-') && v.len() > 1 && v.bytes().skip(1).all(|b| b.is_ascii_digit()) {
        return Err((Rule::IntRange, "negative: the field counts from 1".to_owned()));
    }
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err((Rule::IntRange, "not an xs:int".to_owned()));
    }
    v.parse::<u8>().map_err(|_| (Rule::IntRange, "integer out of range".to_owned()))
}

/// `OreServizioMensile`: `HH.MM` hours and minutes.
pub(crate) fn parse_ore(value: &str) -> Result<OreMinuti, (Rule, String)> {
    let d = parse_decimal(value).map_err(|(_, m)| (Rule::HoursMinutes, m))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err((Rule::HoursMinutes, "negative hours".to_owned()));
    }
    let hours = d.trunc();
    let minutes = (d - hours) * Decimal::from(100);
    if minutes.fract() != Decimal::ZERO {
        return Err((
            Rule::HoursMinutes,
            "more than two minute digits: the format is HH,MM (hours, minutes)".to_owned(),
        ));
    }
    let ore = hours.to_u32().ok_or_else(|| (Rule::HoursMinutes, "too many hours".to_owned()))?;
    let minuti =
        minutes.trunc().to_u8().ok_or_else(|| (Rule::HoursMinutes, "bad minutes".to_owned()))?;
    OreMinuti::new(ore, minuti).ok_or_else(|| {
        (
            Rule::HoursMinutes,
            "minutes must be 00-59: the format is HH,MM (hours, minutes), not decimal hours"
                .to_owned(),
        )
    })
}

fn mese_anno(value: &str) -> Result<MeseAnno, (Rule, String)> {
    let err = || {
        (Rule::Pattern, "does not match MM/AAAA ((0[1-9])|(1[0-2]))[/](19|20)[0-9]{2}".to_owned())
    };
    let v = value.trim();
    let (m, y) = v.split_once('/').ok_or_else(err)?;
    if m.len() != 2 || y.len() != 4 || !m.bytes().chain(y.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(err());
    }
    let mese = m.parse::<u8>().map_err(|_| err())?;
    let anno = y.parse::<u16>().map_err(|_| err())?;
    MeseAnno::new(mese, anno).ok_or_else(err)
}

/// Reads the children of an element whose start was consumed, calling `child` for each
/// child start; text is an error unless `allow_text`.
fn children<R: BufRead>(
    cursor: &mut Cursor<R>,
    path: &str,
    empty: bool,
    issues: &mut Vec<Issue>,
    mut child: impl FnMut(
        &mut Cursor<R>,
        Cow<'static, str>,
        AttrList,
        bool,
        &mut Vec<Issue>,
    ) -> Result<(), Issue>,
) -> Result<(), Issue> {
    if empty {
        return Ok(());
    }
    loop {
        match cursor.next_node()? {
            Node::End => return Ok(()),
            Node::Eof => return Err(malformed(cursor.position(), "unexpected end of document")),
            Node::Text(_) => {
                issues.push(Issue::error(
                    path,
                    Rule::Element,
                    "text is not allowed in this element",
                ));
            }
            Node::Start { name, attrs, empty } => child(cursor, name, attrs, empty, issues)?,
        }
    }
}

fn unknown_child<R: BufRead>(
    cursor: &mut Cursor<R>,
    path: &str,
    name: &str,
    empty: bool,
    issues: &mut Vec<Issue>,
) -> Result<(), Issue> {
    issues.push(Issue::error(
        format!("{path}/{name}"),
        Rule::UnknownElement,
        "element not declared here by the schema",
    ));
    if !empty {
        cursor.skip_element()?;
    }
    Ok(())
}

/// Reads the text of a simple element whose start was consumed.
fn text_of<R: BufRead>(
    cursor: &mut Cursor<R>,
    path: &str,
    empty: bool,
    issues: &mut Vec<Issue>,
) -> Result<String, Issue> {
    if empty {
        return Ok(String::new());
    }
    let mut text = String::new();
    loop {
        match cursor.next_node()? {
            Node::End => return Ok(text),
            Node::Text(t) => text.push_str(&t),
            Node::Eof => return Err(malformed(cursor.position(), "unexpected end of document")),
            Node::Start { name, empty, .. } => unknown_child(cursor, path, &name, empty, issues)?,
        }
    }
}

fn parse_identificazione<R: BufRead>(
    cursor: &mut Cursor<R>,
    attrs: AttrList,
    empty: bool,
    issues: &mut Vec<Issue>,
) -> Result<IdentificazioneFlusso, Issue> {
    let path = "Flusso/IdentificazioneFlusso";
    let mut a = Attrs::new(attrs, path);
    let nome = a.req_string("Nome", issues);
    a.finish(issues);
    let mut ente: Option<Ente> = None;
    children(cursor, path, empty, issues, |cursor, name, attrs, empty, issues| {
        if name == "Ente" && ente.is_none() {
            let epath = format!("{path}/Ente");
            let mut a = Attrs::new(attrs, &epath);
            let codice = a.req_string("Codice", issues);
            let denominazione = a.take("Denominazione");
            let indirizzo = a.req_string("Indirizzo", issues);
            let cf_operatore = a.req_string("CFOperatore", issues);
            a.finish(issues);
            ente = Some(Ente { codice, denominazione, indirizzo, cf_operatore });
            if !empty {
                children(cursor, &epath, false, issues, |cursor, name, _, empty, issues| {
                    unknown_child(cursor, &epath, &name, empty, issues)
                })?;
            }
            Ok(())
        } else {
            unknown_child(cursor, path, &name, empty, issues)
        }
    })?;
    let ente = match ente {
        Some(e) => e,
        None => {
            issues.push(Issue::error(
                format!("{path}/Ente"),
                Rule::Element,
                "required element Ente missing",
            ));
            Ente {
                codice: String::new(),
                denominazione: None,
                indirizzo: String::new(),
                cf_operatore: String::new(),
            }
        }
    };
    Ok(IdentificazioneFlusso { nome, ente })
}

fn parse_beneficiario<R: BufRead>(
    cursor: &mut Cursor<R>,
    path: &str,
    attrs: AttrList,
    empty: bool,
    ctx: &mut Ctx<'_>,
) -> Result<Option<Beneficiario>, Issue> {
    let mut a = Attrs::new(attrs, path);
    let codice_fiscale = a.req_string("CodiceFiscale", ctx.issues);
    a.finish(ctx.issues);
    let mut anagrafica: Option<Option<Anagrafica>> = None;
    let mut indirizzi = Vec::new();
    let mut prestazioni: Vec<Option<PrestazioneSociale>> = Vec::new();
    // 0 = expecting Anagrafica, 1 = Indirizzo, 2 = PrestazioniSociali.
    let mut stage = 0u8;
    let version = &mut *ctx.version;
    children(cursor, path, empty, ctx.issues, |cursor, name, attrs, empty, issues| {
        match &*name {
            "Anagrafica" => {
                let apath = format!("{path}/Anagrafica");
                if anagrafica.is_some() || stage > 0 {
                    issues.push(Issue::error(
                        &apath,
                        Rule::Element,
                        "Anagrafica must occur once, first",
                    ));
                }
                stage = stage.max(1);
                let mut a = Attrs::new(attrs, &apath);
                let cognome = a.req_string("Cognome", issues);
                let nome = a.req_string("Nome", issues);
                let anno_nascita = a.req("AnnoNascita", issues, year4);
                let luogo_nascita = a.req_string("LuogoNascita", issues);
                let genere = a.req("Genere", issues, code);
                let codice_cittadinanza = a.req_string("CodiceCittadinanza", issues);
                let codice_seconda_cittadinanza =
                    a.opt("CodiceSecondaCittadinanza", issues, string);
                a.finish(issues);
                no_children(cursor, &apath, empty, issues)?;
                anagrafica = Some(match (anno_nascita, genere) {
                    (Some(anno_nascita), Some(genere)) => Some(Anagrafica {
                        cognome,
                        nome,
                        anno_nascita,
                        luogo_nascita,
                        genere,
                        codice_cittadinanza,
                        codice_seconda_cittadinanza,
                    }),
                    _ => None,
                });
            }
            "Indirizzo" => {
                let ipath = format!("{path}/Indirizzo[{}]", indirizzi.len() + 1);
                if stage > 1 {
                    issues.push(Issue::error(
                        &ipath,
                        Rule::Element,
                        "Indirizzo must precede PrestazioniSociali",
                    ));
                }
                stage = stage.max(1);
                let mut a = Attrs::new(attrs, &ipath);
                let codice_regione = a.opt("CodiceRegione", issues, string);
                let codice_comune = a.opt("CodiceComune", issues, string);
                let codice_nazione = a.req_string("CodiceNazione", issues);
                a.finish(issues);
                no_children(cursor, &ipath, empty, issues)?;
                indirizzi.push(Indirizzo { codice_regione, codice_comune, codice_nazione });
            }
            "PrestazioniSociali" => {
                let ppath = format!("{path}/PrestazioniSociali[{}]", prestazioni.len() + 1);
                stage = 2;
                let p = parse_prestazione(cursor, &ppath, attrs, empty, issues, version)?;
                prestazioni.push(p);
            }
            _ => unknown_child(cursor, path, &name, empty, issues)?,
        }
        Ok(())
    })?;
    let anagrafica = match anagrafica {
        Some(a) => a,
        None => {
            ctx.issues.push(Issue::error(
                format!("{path}/Anagrafica"),
                Rule::Element,
                "required element Anagrafica missing",
            ));
            None
        }
    };
    if indirizzi.is_empty()
        && ctx.version.version == SchemaVersion::Ps201812
        && ctx.version.evidence.starts_with("no marker")
    {
        *ctx.version = DetectedVersion {
            version: SchemaVersion::Ps201806,
            evidence: "a Beneficiario without Indirizzo (optional before December 2018)".to_owned(),
        };
    }
    let prestazioni: Option<Vec<PrestazioneSociale>> = prestazioni.into_iter().collect();
    Ok(match (anagrafica, prestazioni) {
        (Some(anagrafica), Some(prestazioni)) => {
            Some(Beneficiario { codice_fiscale, anagrafica, indirizzi, prestazioni })
        }
        _ => None,
    })
}

fn no_children<R: BufRead>(
    cursor: &mut Cursor<R>,
    path: &str,
    empty: bool,
    issues: &mut Vec<Issue>,
) -> Result<(), Issue> {
    children(cursor, path, empty, issues, |cursor, name, _, empty, issues| {
        unknown_child(cursor, path, &name, empty, issues)
    })
}

fn parse_prestazione<R: BufRead>(
    cursor: &mut Cursor<R>,
    path: &str,
    attrs: AttrList,
    empty: bool,
    issues: &mut Vec<Issue>,
    version: &mut DetectedVersion,
) -> Result<Option<PrestazioneSociale>, Issue> {
    let mut a = Attrs::new(attrs, path);
    let tipo_operazione = a.opt("TipoOperazione", issues, code);
    let presenza_prova_mezzi = a.req("PresenzaProvaMezzi", issues, code);
    let carattere = a.opt("CaratterePrestazione", issues, code);
    let numero_protocollo_dsu = a.opt("NumeroProtocolloDSU", issues, string);
    let anno_protocollo_dsu = a.opt("AnnoProtocolloDSU", issues, year4);
    let data_dsu = a.opt("DataDSU", issues, parse_date);
    let codice_prestazione = a.req_string("CodicePrestazione", issues);
    let denominazione_prestazione = a.req_string("DenominazionePrestazione", issues);
    let protocollo_domanda = a.req_string("ProtocolloDomanda", issues);
    let data_evento = a.opt("DataEvento", issues, parse_date);
    let data_inizio = a.opt("DataInizioPrestazione", issues, parse_date);
    let data_fine = a.opt("DataFinePrestazione", issues, parse_date);
    let data_erogazione = a.opt("DataErogazionePrestazione", issues, parse_date);
    let importo_prestazione = a.opt("ImportoPrestazione", issues, money);
    let periodo_erogazione = a.opt("PeriodoErogazione", issues, small_int);
    let importo_mensile = a.opt("ImportoMensile", issues, money);
    let quota_ente = a.opt("ImportoQuotaEnte", issues, money);
    let quota_utente = a.opt("ImportoQuotaUtente", issues, money);
    let quota_ssn = a.opt("ImportoQuotaSSN", issues, money);
    let quota_richiesta = a.opt("ImportoQuotaRichiesta", issues, money);
    let soglia_isee = a.opt("ImportoSogliaISEE", issues, money);
    let ore_servizio_mensile = a.opt("OreServizioMensile", issues, parse_ore);
    let presa_carico = a.req("PresaCarico", issues, code);
    let area_utenza = a.opt("AreaUtenza", issues, code);
    a.finish(issues);
    let mut sina: Option<Option<Sina>> = None;
    children(cursor, path, empty, issues, |cursor, name, attrs, empty, issues| {
        if name == "SINA" && sina.is_none() {
            let spath = format!("{path}/SINA");
            sina = Some(parse_sina(cursor, &spath, attrs, empty, issues, version)?);
            Ok(())
        } else {
            unknown_child(cursor, path, &name, empty, issues)
        }
    })?;
    let sina = match sina {
        Some(None) => return Ok(None),
        Some(Some(s)) => Some(s),
        None => None,
    };
    Ok(match (presenza_prova_mezzi, presa_carico) {
        (Some(presenza_prova_mezzi), Some(presa_carico)) => Some(PrestazioneSociale {
            tipo_operazione,
            presenza_prova_mezzi,
            carattere,
            numero_protocollo_dsu,
            anno_protocollo_dsu,
            data_dsu,
            codice_prestazione,
            denominazione_prestazione,
            protocollo_domanda,
            data_evento,
            data_inizio,
            data_fine,
            data_erogazione,
            importo_prestazione,
            periodo_erogazione,
            importo_mensile,
            quota_ente,
            quota_utente,
            quota_ssn,
            quota_richiesta,
            soglia_isee,
            ore_servizio_mensile,
            presa_carico,
            area_utenza,
            sina,
        }),
        _ => None,
    })
}

fn parse_sina<R: BufRead>(
    cursor: &mut Cursor<R>,
    path: &str,
    attrs: AttrList,
    empty: bool,
    issues: &mut Vec<Issue>,
    version: &mut DetectedVersion,
) -> Result<Option<Sina>, Issue> {
    let mut a = Attrs::new(attrs, path);
    let mobilita = a.req("Mobilita", issues, code);
    let attivita_vita_quotidiana = a.req("AttivitaVitaQuotidiana", issues, code);
    let disturbi_area_cognitiva = a.opt("DisturbiAreaCognitiva", issues, code);
    let disturbi_comportamentali = a.req("DisturbiComportamentali", issues, code);
    let necessita_cure_sanitarie = a.opt("NecessitaCureSanitarie", issues, code);
    let area_reddituale = a.req("AreaReddituale", issues, code);
    let area_supporto = a.req("AreaSupporto", issues, code);
    let fonte_derivazione_valutazione = a.req("FonteDerivazioneValutazione", issues, code);
    let strumento_valutazione = a.req("StrumentoValutazione", issues, code);
    let fonte_derivazione_invalidita = a.opt("FonteDerivazioneInvalidita", issues, code);
    a.finish(issues);
    let mut necessita = Vec::new();
    let mut invalidita = Vec::new();
    let mut seen_necessita = false;
    let mut seen_invalidita = false;
    children(cursor, path, empty, issues, |cursor, name, _attrs, empty, issues| {
        match &*name {
            "NecessitaInterventiSociali" => {
                let npath = format!("{path}/NecessitaInterventiSociali");
                if seen_invalidita {
                    issues.push(Issue::error(
                        &npath,
                        Rule::Element,
                        "NecessitaInterventiSociali must precede InvaliditaCivile",
                    ));
                }
                // December 2018: one element holding CodicePrestazione children.
                // 2016: the element repeated, each holding one code as text.
                let mut codes_here = 0usize;
                let mut text_here = String::new();
                if !empty {
                    loop {
                        match cursor.next_node()? {
                            Node::End => break,
                            Node::Eof => {
                                return Err(malformed(
                                    cursor.position(),
                                    "unexpected end of document",
                                ))
                            }
                            Node::Text(t) => text_here.push_str(&t),
                            Node::Start { name, empty, .. } if name == "CodicePrestazione" => {
                                let cpath =
                                    format!("{npath}/CodicePrestazione[{}]", necessita.len() + 1);
                                let text = text_of(cursor, &cpath, empty, issues)?;
                                necessita.push(text.trim().to_owned());
                                codes_here += 1;
                            }
                            Node::Start { name, empty, .. } => {
                                unknown_child(cursor, &npath, &name, empty, issues)?
                            }
                        }
                    }
                }
                let legacy = text_here.trim();
                if !legacy.is_empty() && codes_here == 0 {
                    necessita.push(legacy.to_owned());
                    *version = DetectedVersion {
                        version: SchemaVersion::Ps2016,
                        evidence: "NecessitaInterventiSociali holds a code as text (2016 shape)"
                            .to_owned(),
                    };
                } else if !legacy.is_empty() {
                    issues.push(Issue::error(
                        &npath,
                        Rule::Element,
                        "text is not allowed in this element",
                    ));
                } else if codes_here == 0 {
                    issues.push(Issue::error(
                        &npath,
                        Rule::Occurs,
                        "NecessitaInterventiSociali needs at least one CodicePrestazione",
                    ));
                } else if seen_necessita {
                    issues.push(Issue::error(
                        &npath,
                        Rule::Occurs,
                        "NecessitaInterventiSociali may occur once",
                    ));
                }
                seen_necessita = true;
            }
            "InvaliditaCivile" => {
                let ipath = format!("{path}/InvaliditaCivile");
                if seen_invalidita {
                    issues.push(Issue::error(
                        &ipath,
                        Rule::Occurs,
                        "InvaliditaCivile may occur once",
                    ));
                }
                seen_invalidita = true;
                let mut count = 0usize;
                children(cursor, &ipath, empty, issues, |cursor, name, _, empty, issues| {
                    if name == "InvCiv" {
                        count += 1;
                        let cpath = format!("{ipath}/InvCiv[{}]", invalidita.len() + 1);
                        let text = text_of(cursor, &cpath, empty, issues)?;
                        match code::<crate::codes::InvCiv>(&text) {
                            Ok(v) => invalidita.push(v),
                            Err((rule, msg)) => issues.push(Issue::error(cpath, rule, msg)),
                        }
                        Ok(())
                    } else {
                        unknown_child(cursor, &ipath, &name, empty, issues)
                    }
                })?;
                if count == 0 {
                    issues.push(Issue::error(
                        &ipath,
                        Rule::Occurs,
                        "InvaliditaCivile needs at least one InvCiv",
                    ));
                }
            }
            _ => unknown_child(cursor, path, &name, empty, issues)?,
        }
        Ok(())
    })?;
    Ok((|| {
        Some(Sina {
            mobilita: mobilita?,
            attivita_vita_quotidiana: attivita_vita_quotidiana?,
            disturbi_area_cognitiva,
            disturbi_comportamentali: disturbi_comportamentali?,
            necessita_cure_sanitarie,
            area_reddituale: area_reddituale?,
            area_supporto: area_supporto?,
            fonte_derivazione_valutazione: fonte_derivazione_valutazione?,
            strumento_valutazione: strumento_valutazione?,
            fonte_derivazione_invalidita,
            necessita_interventi_sociali: necessita,
            invalidita_civile: invalidita,
        })
    })())
}

fn parse_sinba<R: BufRead>(
    cursor: &mut Cursor<R>,
    path: &str,
    attrs: AttrList,
    empty: bool,
    ctx: &mut Ctx<'_>,
) -> Result<Option<Sinba>, Issue> {
    let issues = &mut *ctx.issues;
    let mut prestazioni = Vec::new();
    let mut famiglia = Vec::new();
    let mut seen_prestazioni = false;
    let mut seen_famiglia = false;
    children(cursor, path, empty, issues, |cursor, name, _, empty, issues| {
        match &*name {
            "Prestazioni" => {
                let ppath = format!("{path}/Prestazioni");
                if seen_prestazioni || seen_famiglia {
                    issues.push(Issue::error(
                        &ppath,
                        Rule::Element,
                        "Prestazioni must occur once, before Famiglia",
                    ));
                }
                seen_prestazioni = true;
                children(cursor, &ppath, empty, issues, |cursor, name, _, empty, issues| {
                    if name == "CodicePrestazione" {
                        let cpath = format!("{ppath}/CodicePrestazione[{}]", prestazioni.len() + 1);
                        let text = text_of(cursor, &cpath, empty, issues)?;
                        prestazioni.push(text.trim().to_owned());
                        Ok(())
                    } else {
                        unknown_child(cursor, &ppath, &name, empty, issues)
                    }
                })?;
            }
            "Famiglia" => {
                let fpath = format!("{path}/Famiglia");
                if seen_famiglia {
                    issues.push(Issue::error(&fpath, Rule::Element, "Famiglia must occur once"));
                }
                seen_famiglia = true;
                children(cursor, &fpath, empty, issues, |cursor, name, _, empty, issues| {
                    if name == "ComposizioneFamiglia" {
                        let cpath = format!("{fpath}/ComposizioneFamiglia[{}]", famiglia.len() + 1);
                        let text = text_of(cursor, &cpath, empty, issues)?;
                        match code(&text) {
                            Ok(v) => famiglia.push(v),
                            Err((rule, msg)) => issues.push(Issue::error(cpath, rule, msg)),
                        }
                        Ok(())
                    } else {
                        unknown_child(cursor, &fpath, &name, empty, issues)
                    }
                })?;
            }
            _ => unknown_child(cursor, path, &name, empty, issues)?,
        }
        Ok(())
    })?;
    if !seen_prestazioni {
        issues.push(Issue::error(
            format!("{path}/Prestazioni"),
            Rule::Element,
            "required element Prestazioni missing",
        ));
    }
    if !seen_famiglia {
        issues.push(Issue::error(
            format!("{path}/Famiglia"),
            Rule::Element,
            "required element Famiglia missing",
        ));
    }
    Ok(sinba_from_attrs(attrs, path, issues, prestazioni, famiglia))
}

/// Builds a SINBA record from its attributes (XSD names) and children; used by the reader and
/// by the input description.
pub(crate) fn sinba_from_attrs(
    attrs: AttrList,
    path: &str,
    issues: &mut Vec<Issue>,
    prestazioni: Vec<String>,
    famiglia: Vec<crate::codes::ComposizioneFamiglia>,
) -> Option<Sinba> {
    let mut a = Attrs::new(attrs, path);
    let id_beneficiario = a.req_string("IDBeneficiario", issues);
    let minore_straniero_non_accompagnato = a.req("MinoreStranieroNoAcc", issues, code);
    let condizione_minore = a.req("CondizioneMinore", issues, code);
    let luogo_vita = a.req("LuogoVita", issues, code);
    let scuola_frequentata = a.req("ScuolaFrequentata", issues, code);
    let condizione_lavoro = a.req("CondizioneLavoro", issues, code);
    let disabilita = a.req("Disabilita", issues, code);
    let tipo_disabilita = a.opt("TipoDisabilita", issues, code);
    let inv_civ_certificazioni = a.opt("InvCivCertificazioni", issues, code);
    let cittadinanza_padre = a.opt("CodiceCittadinanzaPadre", issues, string);
    let cittadinanza_madre = a.opt("CodiceCittadinanzaMadre", issues, string);
    let regione_residenza_padre = a.opt("CodiceRegioneResidenzaPadre", issues, string);
    let regione_residenza_madre = a.opt("CodiceRegioneResidenzaMadre", issues, string);
    let titolo_studio_padre = a.opt("TitoloStudioPadre", issues, code);
    let titolo_studio_madre = a.opt("TitoloStudioMadre", issues, code);
    let occupazione_padre = a.opt("OccupazionePadre", issues, code);
    let occupazione_madre = a.opt("OccupazioneMadre", issues, code);
    let data_prima_segnalazione = a.req("DataPrimaSegnalazione", issues, mese_anno);
    let fonte_segnalazione = a.req("FonteSegnalazione", issues, code);
    let valutazione_minore = a.req("ValutazioneMinore", issues, code);
    let valutazione_famiglia_minore = a.req("ValutazioneFamigliaMinore", issues, code);
    let segnalazione_autorita_giudiziaria = a.req("SegnalazioneAutoritaGiudiziaria", issues, code);
    let data_segnalazione = a.opt("DataSegnalazione", issues, mese_anno);
    let provvedimento_giudiziario = a.req("ProvvedimentoGiudiziario", issues, code);
    let data_provvedimento_giudiziario = a.opt("DataProvvedimentoGiudiziario", issues, mese_anno);
    let autorita_provvedimento = a.opt("AutoritaProvvedimento", issues, code);
    let potesta_tutela = a.opt("PotestaTutela", issues, code);
    let tipo_provvedimento_giudiziario = a.opt("TipoProvvedimentoGiudiziario", issues, code);
    let forma_intervento_affido = a.opt("FormaInterventoAffido", issues, code);
    let tipo_intervento_affido = a.opt("TipoInterventoAffido", issues, code);
    let durata_affido = a.opt("DurataAffido", issues, code);
    let carattere_affido = a.opt("CarattereAffido", issues, code);
    let esito_affido = a.opt("EsitoAffido", issues, code);
    let carattere_inserimento_residenziale =
        a.opt("CarattereInserimentoResidenziale", issues, code);
    let forma_inserimento_residenziale = a.opt("FormaInserimentoResidenziale", issues, code);
    let tipo_inserimento_residenziale = a.opt("TipoInserimentoResidenziale", issues, code);
    let esito_inserimento_struttura = a.opt("EsitoInserimentoStruttura", issues, code);
    let motivazione_chiusura_carico = a.opt("MotivazioneChiusuraCarico", issues, code);
    let situazione_chiusura_carico = a.opt("SituazioneChiusuraCarico", issues, code);
    let collaborazioni_interventi = a.opt("CollaborazioniInterventi", issues, code);
    let numero_componenti_isee = a.opt("NumeroComponentiISEE", issues, small_int);
    let fascia_eta = a.req("FasciaEtaBeneficiario", issues, code);
    let fascia_isee = a.opt("FasciaISEEBeneficiario", issues, code);
    let anno_nascita = a.req("AnnoNascita", issues, year4);
    let regione_residenza = a.opt("CodiceRegioneResidenza", issues, string);
    let nazione_residenza = a.req_string("CodiceNazioneResidenza", issues);
    a.finish(issues);
    (|| {
        Some(Sinba {
            id_beneficiario,
            minore_straniero_non_accompagnato: minore_straniero_non_accompagnato?,
            condizione_minore: condizione_minore?,
            luogo_vita: luogo_vita?,
            scuola_frequentata: scuola_frequentata?,
            condizione_lavoro: condizione_lavoro?,
            disabilita: disabilita?,
            tipo_disabilita,
            inv_civ_certificazioni,
            cittadinanza_padre,
            cittadinanza_madre,
            regione_residenza_padre,
            regione_residenza_madre,
            titolo_studio_padre,
            titolo_studio_madre,
            occupazione_padre,
            occupazione_madre,
            data_prima_segnalazione: data_prima_segnalazione?,
            fonte_segnalazione: fonte_segnalazione?,
            valutazione_minore: valutazione_minore?,
            valutazione_famiglia_minore: valutazione_famiglia_minore?,
            segnalazione_autorita_giudiziaria: segnalazione_autorita_giudiziaria?,
            data_segnalazione,
            provvedimento_giudiziario: provvedimento_giudiziario?,
            data_provvedimento_giudiziario,
            autorita_provvedimento,
            potesta_tutela,
            tipo_provvedimento_giudiziario,
            forma_intervento_affido,
            tipo_intervento_affido,
            durata_affido,
            carattere_affido,
            esito_affido,
            carattere_inserimento_residenziale,
            forma_inserimento_residenziale,
            tipo_inserimento_residenziale,
            esito_inserimento_struttura,
            motivazione_chiusura_carico,
            situazione_chiusura_carico,
            collaborazioni_interventi,
            numero_componenti_isee,
            fascia_eta: fascia_eta?,
            fascia_isee,
            anno_nascita: anno_nascita?,
            regione_residenza,
            nazione_residenza,
            prestazioni,
            famiglia,
        })
    })()
}
