//! The rulebook syntax tree: what a YAML rulebook says, with a [`Location`] on every element.
//!
//! This layer checks the *shape* of the file (required keys, unknown keys, literal forms).
//! Names, types and dates are checked by the checker ([`crate::Engine::program`]), which turns a [`Rulebook`] into a
//! runnable [`crate::Program`].

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, DiagnosticKind, LoadError, Location};
use crate::expr::{self, Expr};
use crate::limits::{MAX_PARAMETER_VERSIONS, MAX_SCALE_POINTS, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS};
use crate::suggest;
use crate::types::Type;
use crate::yaml::{self, Node, NodeValue};

/// Text in Italian and, optionally, English.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Text {
    /// Italian (the default language of every output).
    pub it: String,
    /// English, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    /// The text in `lang` (`en` falls back to Italian when no English is given).
    pub fn get(&self, lang: crate::Lang) -> &str {
        match (lang, &self.en) {
            (crate::Lang::En, Some(en)) => en,
            _ => &self.it,
        }
    }
}

/// The level of the authority that adopted a rulebook; later levels take precedence.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthorityLevel {
    /// The State (national law).
    Stato,
    /// A Regione or autonomous province.
    Regione,
    /// An ambito territoriale sociale (association of comuni).
    Ambito,
    /// A Comune.
    Comune,
}

impl AuthorityLevel {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "stato" | "state" => AuthorityLevel::Stato,
            "regione" | "region" => AuthorityLevel::Regione,
            "ambito" => AuthorityLevel::Ambito,
            "comune" | "municipality" => AuthorityLevel::Comune,
            _ => return None,
        })
    }
}

/// The authority that adopted the rulebook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Authority {
    /// Its level.
    pub level: AuthorityLevel,
    /// Its code: ISTAT code of a comune or regione, the ambito's regional code; empty for the State.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// Lifecycle status of a rulebook.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written; not for decisions.
    Draft,
    /// In force.
    InForce,
    /// Repealed: kept to replay old decisions.
    Repealed,
}

/// A structured reference to a legal act.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LegalRef {
    /// Local id used by `reference:` keys.
    pub id: String,
    /// Act type (`legge`, `decreto_legislativo`, `dpcm`, `delibera_giunta_comunale`, `regolamento_comunale`, …).
    pub act: String,
    /// Number of the act, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Date of the act.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Comma (paragraph).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comma: Option<String>,
    /// URN:NIR identifier (`urn:nir:stato:decreto.legislativo:2021-12-29;230`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urn: Option<String>,
    /// Title or short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl LegalRef {
    /// A citation such as `delibera giunta comunale n. 123 del 2024-06-11, art. 3 c. 1`.
    pub fn citation(&self) -> String {
        if let (None, None, Some(title)) = (&self.number, &self.article, &self.title) {
            return title.clone();
        }
        let mut s = String::with_capacity(self.act.len() + 48);
        s.extend(self.act.chars().map(|c| if c == '_' { ' ' } else { c }));
        if let Some(n) = &self.number {
            s.push_str(" n. ");
            s.push_str(n);
        }
        if let Some(d) = &self.date {
            s.push_str(" del ");
            push_date(&mut s, *d, DateStyle::Iso);
        }
        if let Some(a) = &self.article {
            s.push_str(", art. ");
            s.push_str(a);
        }
        if let Some(c) = &self.comma {
            s.push_str(" c. ");
            s.push_str(c);
        }
        s
    }
}

/// How [`push_date`] writes a date.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(crate) enum DateStyle {
    /// `yyyy-mm-dd`, as chrono's `Display`.
    Iso,
    /// `dd/mm/yyyy`, as chrono's `%d/%m/%Y`.
    Italian,
}

/// A date as chrono writes it, without the formatting machinery (a motivazione writes dozens
/// of dates and citations); years outside 0 to 9999 through chrono.
pub(crate) fn push_date(out: &mut String, d: NaiveDate, style: DateStyle) {
    match date_text(d, style) {
        Some(text) => out.extend(text.iter().map(|&b| char::from(b))),
        None => match style {
            DateStyle::Iso => out.push_str(&d.to_string()),
            DateStyle::Italian => out.push_str(&d.format("%d/%m/%Y").to_string()),
        },
    }
}

/// `dd/mm/yyyy`, exactly as chrono's `%d/%m/%Y` writes it, without its format parser: the
/// date of Italian motivazioni and provvedimenti.
pub fn date_italian(d: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, d, DateStyle::Italian);
    out
}

/// The ten characters of a date of the years 0 to 9999 (`None` for any other year), in the
/// style asked: the one date writer of explanations, citations and motivazioni.
pub(crate) fn date_text(d: NaiveDate, style: DateStyle) -> Option<[u8; 10]> {
    use chrono::Datelike;
    let y = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let digit = |n: u32| b'0' + u8::try_from(n % 10).unwrap_or(0);
    let [y1, y2, y3, y4] = [digit(y / 1000), digit(y / 100), digit(y / 10), digit(y)];
    let [m1, m2] = [digit(d.month() / 10), digit(d.month())];
    let [d1, d2] = [digit(d.day() / 10), digit(d.day())];
    Some(match style {
        DateStyle::Iso => [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2],
        DateStyle::Italian => [d1, d2, b'/', m1, m2, b'/', y1, y2, y3, y4],
    })
}

/// A declared input (fact) with its type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputDecl {
    /// Name.
    pub name: String,
    /// Type (without `Optional`).
    pub ty: Type,
    /// Whether the fact may be absent.
    pub optional: bool,
    /// Label.
    pub label: Option<Text>,
    /// Where it is declared.
    pub location: Location,
}

/// One band-table row as written: its upper bound (`None` on the last, open row) and its
/// cells by column name.
pub type TableRowNodes = (Option<Node>, BTreeMap<String, Node>);

/// A parameter value of one version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ParamValue {
    /// A scalar or list value as written (read by its declared type when checking).
    Node(Node),
    /// Band table rows: upper bound (`None` = no upper bound) and column cells.
    Table(Vec<TableRowNodes>),
    /// Band table rows written as a text block (`rows: |`), kept as text: see [`TextRows`].
    TextTable(TextRows),
    /// Points of a piecewise-linear scale.
    Points(Vec<(Node, Node)>),
}

/// Band-table rows written as a text block: a header line (`up_to` or `fino_a`, then the
/// column names) and a line of values per row. The block is kept as text with where each value
/// is, rather than as a positioned node per cell: a table of a thousand rows is then a handful
/// of allocations. [`TextRows::cell`] gives any value as the node it stands for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextRows {
    /// The block scalar: its text without the YAML indentation, its YAML path, and the line of
    /// its first line of content.
    block: Node,
    /// The header's names, in order.
    header: Vec<String>,
    /// Per row: its line within the block (0 = the first line) and where that line starts in
    /// the text.
    rows: Vec<[usize; 2]>,
    /// Per row, one per header name: where each value starts and ends in the text.
    cells: Vec<[usize; 2]>,
}

impl TextRows {
    /// The block scalar as written.
    pub fn block(&self) -> &Node {
        &self.block
    }

    /// The header's names, in order (`up_to` or `fino_a` first).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// How many rows (lines of values with one value per header name).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The text of value `field` (a header position) of row `row`.
    pub fn text(&self, row: usize, field: usize) -> Option<&str> {
        let at = row.checked_mul(self.header.len())?.checked_add(field)?;
        let [start, end] = *self.cells.get(at).filter(|_| field < self.header.len())?;
        self.block.as_str()?.get(start..end)
    }

    /// Value `field` of row `row` as a node: its text (a quoted scalar), the row's YAML path
    /// (`…rows[3]`), and its line and 1-based column (in bytes, from the start of the line
    /// without the block's indentation).
    pub fn cell(&self, row: usize, field: usize) -> Option<Node> {
        let text = self.text(row, field)?;
        let [line, line_start] = *self.rows.get(row)?;
        let at = row.checked_mul(self.header.len())?.checked_add(field)?;
        let [start, _] = *self.cells.get(at)?;
        // Offsets are the reader's own, but a tree read back from its serde form is input:
        // nothing here may overflow.
        Some(Node {
            value: NodeValue::Scalar { text: text.to_owned(), quoted: true },
            path: crate::yaml::indexed_path(&self.block.path, row),
            line: self.block.line.saturating_add(line),
            column: start.saturating_sub(line_start).saturating_add(1),
        })
    }
}

/// One dated version of a parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamVersion {
    /// First day in force.
    pub from: NaiveDate,
    /// Last day in force (`None`: open-ended).
    pub to: Option<NaiveDate>,
    /// The value.
    pub value: ParamValue,
    /// The act that sets this value.
    pub source: Option<String>,
    /// Where the version is.
    pub location: Location,
}

/// A declared parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamDecl {
    /// Name.
    pub name: String,
    /// Declared type (scalar, list, `BandTable`, `Scale`).
    pub ty: Type,
    /// Band table: the type of the bounds and of each column. Scale: `x` and `y` types.
    pub columns: BTreeMap<String, Type>,
    /// Bound type of a band table, or x type of a scale.
    pub key_type: Type,
    /// Label.
    pub label: Option<Text>,
    /// Legal reference id.
    pub reference: Option<String>,
    /// Versions, in source order.
    pub versions: Vec<ParamVersion>,
    /// Where it is declared.
    pub location: Location,
}

/// A named, typed definition (or an eligibility condition, whose type is boolean).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    /// Name.
    pub name: String,
    /// Declared type.
    pub ty: Type,
    /// Formula text.
    pub formula: String,
    /// Parsed formula.
    pub expr: Option<Expr>,
    /// Label.
    pub label: Option<Text>,
    /// Reason shown when a condition fails.
    pub reason: Option<Text>,
    /// Legal reference id.
    pub reference: Option<String>,
    /// Whether the value is an output (definitions default to true).
    pub output: bool,
    /// Whether it deliberately replaces a definition or condition of an extended rulebook.
    pub overrides: bool,
    /// For a dated override (`overrides: { from, to }`): the first and last day it replaces
    /// the extended rulebook's rule; outside them the extended rule applies. `None`: always.
    pub override_valid: Option<(NaiveDate, Option<NaiveDate>)>,
    /// Where the formula is.
    pub location: Location,
}

/// What a local rule replaced: shown in explanations and in the motivazione, so that a
/// decision says that the comune's condition applied instead of the national one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Replacement {
    /// The rulebook whose rule applied (the more specific one).
    pub rulebook: String,
    /// Its authority level.
    pub level: AuthorityLevel,
    /// The rulebook whose rule it replaced.
    pub replaced: String,
    /// The authority level of the replaced rule.
    pub replaced_level: AuthorityLevel,
    /// First day of the replacement (`None`: as long as the rulebook applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Last day of the replacement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// The local act that sets the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<LegalRef>,
    /// The act of the replaced rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_reference: Option<LegalRef>,
}

/// Ranking (graduatoria) settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RankingDecl {
    /// The definition that holds the score.
    pub score: String,
    /// Whether a higher score ranks first (`desc`, the default) or a lower one.
    pub descending: bool,
    /// Tie-break keys in order: definition name and whether descending.
    pub tie_break: Vec<(String, bool)>,
    /// The rule that orders applicants equal on the score and every tie-break key.
    #[serde(default)]
    pub final_tie_break: FinalTieBreak,
}

/// The last rule of a graduatoria, for applicants equal on the score and every tie-break key.
///
/// It is always explicit in the result ([`crate::rank::Ranking::final_tie_break`]) and in the
/// published list, so nobody has to guess how a tie was settled.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FinalTieBreak {
    /// The order in which applicants were given (e.g. protocol order): `input_order`,
    /// `ordine_di_presentazione`. The default.
    #[default]
    InputOrder,
    /// A public draw (sorteggio): a reproducible pseudo-random order from a seed given at
    /// ranking time; `draw`, `sorteggio`. See [`crate::rank`] for the algorithm.
    Draw,
}

impl FinalTieBreak {
    /// Reads the keyword (English or Italian).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "input_order" | "ordine_di_presentazione" | "ordine_presentazione" => {
                Some(FinalTieBreak::InputOrder)
            }
            "draw" | "sorteggio" => Some(FinalTieBreak::Draw),
            _ => None,
        }
    }

    /// The canonical (English) keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            FinalTieBreak::InputOrder => "input_order",
            FinalTieBreak::Draw => "draw",
        }
    }
}

/// A test case written in a rulebook or a test file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestCase {
    /// Name.
    pub name: String,
    /// Evaluation date.
    pub date: NaiveDate,
    /// Facts, as JSON (per-period values and entity blocks already resolved).
    pub facts: serde_json::Value,
    /// The facts an OpenFisca-style `input` names, with where each is written, so that a name
    /// the rulebook does not declare is reported with its YAML path (empty for `facts`).
    pub inputs: Vec<InputRef>,
    /// Expected outputs (as text: exact decimals, `true`, dates).
    pub expect: BTreeMap<String, String>,
    /// Expected error kind instead of outputs.
    pub expect_error: Option<String>,
    /// Absolute margin allowed on numeric outputs (OpenFisca `absolute_error_margin`); zero by default.
    pub margin: Decimal,
    /// Where the case is.
    pub location: Location,
}

/// A fact named in a test case's OpenFisca-style `input`, with where it is written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputRef {
    /// The fact's name.
    pub name: String,
    /// Whether it is given for a person (a member fact) rather than for the household.
    pub member: bool,
    /// Where it is written (its YAML path names the person or household).
    pub location: Location,
}

/// A parsed rulebook: the syntax tree, before name and type checking.
///
/// The tree (and every node type in it) also has a serde form. It is how a crate embeds a
/// rulebook already parsed, to skip the YAML reader at start-up (welfare-benefits does so for
/// the national rulebooks, at build time): a tree written by this version of welfare-rules
/// reads back equal. It is not a format to write rules in, and it may change with any
/// release; rulebooks are written in YAML.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rulebook {
    /// Identifier (`ravenna/retta-nido`).
    pub id: String,
    /// File name it was loaded from.
    pub file: String,
    /// SHA-256 of the source text, hex.
    pub content_hash: String,
    /// Free version label.
    pub version: Option<String>,
    /// Status.
    pub status: Status,
    /// Title.
    pub title: Text,
    /// Authority.
    pub authority: Authority,
    /// Validity of the rulebook: every parameter must cover it.
    pub valid_from: NaiveDate,
    /// Last day of validity.
    pub valid_to: Option<NaiveDate>,
    /// Legal basis.
    pub legal_basis: Vec<LegalRef>,
    /// Rulebook this one extends.
    pub extends: Option<(String, Location)>,
    /// Imported rulebooks by alias.
    pub imports: BTreeMap<String, (String, Location)>,
    /// Household inputs.
    pub household: Vec<InputDecl>,
    /// Member inputs.
    pub member: Vec<InputDecl>,
    /// Parameters.
    pub parameters: Vec<ParamDecl>,
    /// Definitions.
    pub definitions: Vec<Definition>,
    /// Eligibility conditions.
    pub conditions: Vec<Definition>,
    /// Ranking settings.
    pub ranking: Option<RankingDecl>,
    /// Inline test cases.
    pub tests: Vec<TestCase>,
    /// Location of the document root.
    pub location: Location,
    /// Problems found while reading a rulebook that could still be built (an unknown key, a
    /// definition without a formula). Checking reports them together with its own, so that
    /// `welfare rules check` lists every problem at once.
    pub problems: Vec<Diagnostic>,
}

impl Rulebook {
    /// Parses a rulebook from YAML text. `file` names it in diagnostics.
    ///
    /// Every shape problem is reported, not just the first; formulas are parsed here.
    pub fn parse(text: &str, file: &str) -> Result<Rulebook, LoadError> {
        let root = yaml::parse(text, file)?;
        let mut cx = Cx { file, diags: Vec::new() };
        match cx.rulebook(&root, text) {
            Some(mut rb) => {
                rb.problems = cx.diags;
                Ok(rb)
            }
            None => Err(LoadError { diagnostics: cx.diags }),
        }
    }

    /// Reads and parses a rulebook file.
    pub fn load(path: &std::path::Path) -> Result<Rulebook, LoadError> {
        let file = path.display().to_string();
        let text = read_limited(path)?;
        Rulebook::parse(&text, &file)
    }

    /// The legal reference with this id.
    pub fn legal(&self, id: &str) -> Option<&LegalRef> {
        self.legal_basis.iter().find(|l| l.id == id)
    }
}

/// Reads a file refusing anything over [`crate::limits::MAX_FILE_BYTES`] before reading it.
pub(crate) fn read_limited(path: &std::path::Path) -> Result<String, LoadError> {
    let file = path.display().to_string();
    let loc = Location { file: file.clone(), path: String::new(), line: 1, column: 1 };
    let io = |e: std::io::Error| {
        LoadError::one(Diagnostic::new(
            DiagnosticKind::Io,
            loc.clone(),
            format!("cannot read file: {e}"),
        ))
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > crate::limits::MAX_FILE_BYTES as u64 {
        return Err(LoadError::one(
            Diagnostic::new(
                DiagnosticKind::Limit,
                loc.clone(),
                format!("file has {} bytes", meta.len()),
            )
            .expected(format!("at most {} bytes", crate::limits::MAX_FILE_BYTES)),
        ));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    String::from_utf8(bytes).map_err(|e| {
        // YAML is UTF-8: a rulebook that is not is not YAML. The place, never the bytes.
        let good = e.as_bytes().get(..e.utf8_error().valid_up_to()).unwrap_or_default();
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = good.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        let byte = good.len() + 1;
        LoadError::one(Diagnostic::new(
            DiagnosticKind::Yaml,
            Location { line, column, ..loc.clone() },
            format!("not valid UTF-8 text from byte {byte}"),
        ))
    })
}

pub(crate) struct Cx<'a> {
    pub(crate) file: &'a str,
    pub(crate) diags: Vec<Diagnostic>,
}

const TOP_KEYS: &[&str] = &[
    "rulebook",
    "version",
    "status",
    "title",
    "authority",
    "valid",
    "legal_basis",
    "extends",
    "imports",
    "inputs",
    "parameters",
    "definitions",
    "conditions",
    "ranking",
    "tests",
];

impl Cx<'_> {
    pub(crate) fn loc(&self, node: &Node) -> Location {
        node.location(self.file)
    }

    pub(crate) fn error(
        &mut self,
        kind: DiagnosticKind,
        node: &Node,
        message: impl Into<String>,
        expected: Option<&str>,
    ) {
        let mut d = Diagnostic::new(kind, self.loc(node), message);
        if let Some(e) = expected {
            d = d.expected(e);
        }
        self.diags.push(d);
    }

    /// Checks `node` is a mapping with only `allowed` keys; reports unknown keys with hints.
    pub(crate) fn map<'n>(
        &mut self,
        node: &'n Node,
        allowed: &[&str],
        what: &str,
    ) -> Option<&'n Node> {
        let Some(entries) = node.entries() else {
            self.error(
                DiagnosticKind::Structure,
                node,
                format!("{what} is {}", node.shape()),
                Some("a mapping"),
            );
            return None;
        };
        for (k, v) in entries {
            if !allowed.contains(&k.text.as_str()) {
                let hint = suggest::hint(&k.text, allowed.iter().copied());
                let loc = Location {
                    file: self.file.to_owned(),
                    path: v.path.clone(),
                    line: k.line,
                    column: k.column,
                };
                self.diags.push(
                    Diagnostic::new(
                        DiagnosticKind::Structure,
                        loc,
                        format!("unknown key `{}` in {what}{hint}", k.text),
                    )
                    .expected(format!("one of: {}", allowed.join(", "))),
                );
            }
        }
        Some(node)
    }

    pub(crate) fn req<'n>(&mut self, node: &'n Node, key: &str) -> Option<&'n Node> {
        let v = node.get(key);
        if v.is_none() {
            self.error(DiagnosticKind::Structure, node, format!("missing key `{key}`"), None);
        }
        v
    }

    pub(crate) fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.as_str() {
            Some(s) if !node.is_null() => Some(s.to_owned()),
            _ => {
                self.error(
                    DiagnosticKind::Structure,
                    node,
                    format!("{what} is {}", node.shape()),
                    Some("text"),
                );
                None
            }
        }
    }

    pub(crate) fn opt_string(&mut self, node: &Node, key: &str) -> Option<String> {
        let v = node.get(key)?;
        if v.is_null() {
            return None;
        }
        self.string(v, key)
    }

    pub(crate) fn date(&mut self, node: &Node, what: &str) -> Option<NaiveDate> {
        let s = node.as_str().unwrap_or("");
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if s.len() == 10 => Some(d),
            _ => {
                self.error(
                    DiagnosticKind::Structure,
                    node,
                    format!("{what} is not a date"),
                    Some("a date written YYYY-MM-DD"),
                );
                None
            }
        }
    }

    pub(crate) fn opt_date(&mut self, node: &Node, key: &str) -> Option<NaiveDate> {
        let v = node.get(key)?;
        if v.is_null() {
            return None;
        }
        self.date(v, key)
    }

    pub(crate) fn boolean(&mut self, node: &Node, key: &str, default: bool) -> bool {
        match node.get(key) {
            None => default,
            Some(v) => match v.as_str() {
                Some("true") => true,
                Some("false") => false,
                _ => {
                    self.error(
                        DiagnosticKind::Structure,
                        v,
                        format!("`{key}` is not a boolean"),
                        Some("true or false"),
                    );
                    default
                }
            },
        }
    }

    pub(crate) fn text(&mut self, node: &Node, what: &str) -> Option<Text> {
        if node.as_str().is_some() {
            return self.string(node, what).map(|it| Text { it, en: None });
        }
        self.map(node, &["it", "en"], what)?;
        let it = self.req(node, "it").and_then(|n| self.string(n, "it"));
        let en = self.opt_string(node, "en");
        it.map(|it| Text { it, en })
    }

    fn opt_text(&mut self, node: &Node, key: &str) -> Option<Text> {
        let v = node.get(key)?;
        self.text(v, key)
    }

    /// A type spec: a scalar name, or a mapping with `type` (+ `values`, `items`, …).
    fn type_of(&mut self, node: &Node) -> Option<Type> {
        let t = node.get("type")?;
        let name = t.as_str().unwrap_or("");
        if let Some(ty) = Type::scalar(name) {
            return Some(ty);
        }
        match name {
            "enum" => {
                let values: Vec<String> = node
                    .get("values")
                    .and_then(Node::items)
                    .map(|items| {
                        items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
                    })
                    .unwrap_or_default();
                if values.is_empty() {
                    self.error(
                        DiagnosticKind::Structure,
                        node,
                        "enum type without `values`",
                        Some("a list of names under `values`"),
                    );
                    return None;
                }
                Some(Type::Enum(Arc::from(values)))
            }
            "list" => {
                let items = node.get("items").and_then(Node::as_str).and_then(Type::scalar);
                match items {
                    Some(ty) => Some(Type::List(Box::new(ty))),
                    None => {
                        self.error(
                            DiagnosticKind::Structure,
                            node,
                            "list type without a scalar `items` type",
                            Some("`items: money` or another scalar type"),
                        );
                        None
                    }
                }
            }
            "band_table" => Some(Type::BandTable),
            "scale" => Some(Type::Scale),
            _ => {
                let all = [
                    "money",
                    "decimal",
                    "integer",
                    "boolean",
                    "text",
                    "date",
                    "enum",
                    "list",
                    "band_table",
                    "scale",
                ];
                let hint = suggest::hint(name, all);
                self.error(
                    DiagnosticKind::Type,
                    t,
                    format!("unknown type `{name}`{hint}"),
                    Some(&all.join(", ")),
                );
                None
            }
        }
    }

    fn inputs(&mut self, node: &Node) -> Vec<InputDecl> {
        let mut out = Vec::new();
        let Some(entries) = node.entries() else {
            self.error(
                DiagnosticKind::Structure,
                node,
                format!("inputs are {}", node.shape()),
                Some("a mapping of names to types"),
            );
            return out;
        };
        for (k, v) in entries {
            if self
                .map(
                    v,
                    &["type", "optional", "label", "values", "items", "description"],
                    "an input",
                )
                .is_none()
            {
                continue;
            }
            let Some(ty) = self.type_of(v).or_else(|| {
                if v.get("type").is_none() {
                    self.error(
                        DiagnosticKind::Structure,
                        v,
                        format!("input `{}` has no `type`", k.text),
                        Some("`type: money` or another type"),
                    );
                }
                None
            }) else {
                continue;
            };
            if matches!(ty, Type::BandTable | Type::Scale) {
                self.error(
                    DiagnosticKind::Type,
                    v,
                    "band tables and scales are parameters, not inputs",
                    Some("a scalar, enum or list type"),
                );
                continue;
            }
            out.push(InputDecl {
                name: k.text.clone(),
                ty,
                optional: self.boolean(v, "optional", false),
                label: self.opt_text(v, "label"),
                location: self.loc(v),
            });
        }
        out
    }

    fn parameter(&mut self, name: &str, node: &Node) -> Option<ParamDecl> {
        self.map(
            node,
            &[
                "type",
                "label",
                "reference",
                "values",
                "items",
                "columns",
                "key",
                "x",
                "y",
                "versions",
                "description",
            ],
            "a parameter",
        )?;
        let Some(ty) = self.type_of(node) else {
            if node.get("type").is_none() {
                self.error(
                    DiagnosticKind::Structure,
                    node,
                    format!("parameter `{name}` has no `type`"),
                    Some("`type: money` or another type"),
                );
            }
            return None;
        };
        let mut columns = BTreeMap::new();
        let mut key_type = Type::Money;
        let scalar = |n: Option<&Node>| n.and_then(Node::as_str).and_then(Type::scalar);
        match ty {
            Type::BandTable => {
                key_type = scalar(node.get("key")).unwrap_or(Type::Money);
                match node.get("columns").and_then(Node::entries) {
                    Some(cols) if !cols.is_empty() && cols.len() <= MAX_TABLE_COLUMNS => {
                        for (k, v) in cols {
                            match v.as_str().and_then(Type::scalar) {
                                Some(t) if t.is_numeric() => {
                                    columns.insert(k.text.clone(), t);
                                }
                                _ => self.error(DiagnosticKind::Type, v, format!("column `{}` has no numeric type", k.text), Some("money, decimal or integer")),
                            }
                        }
                    }
                    _ => self.error(
                        DiagnosticKind::Structure,
                        node,
                        "band table without `columns`",
                        Some(&format!("`columns:` mapping 1 to {MAX_TABLE_COLUMNS} names to money, decimal or integer")),
                    ),
                }
            }
            Type::Scale => {
                key_type = scalar(node.get("x")).unwrap_or(Type::Money);
                columns.insert("y".to_owned(), scalar(node.get("y")).unwrap_or(Type::Money));
                if !key_type.is_numeric() {
                    self.error(
                        DiagnosticKind::Type,
                        node,
                        "scale `x` is not numeric",
                        Some("money, decimal or integer"),
                    );
                }
            }
            _ => {}
        }
        let mut versions = Vec::new();
        match self.req(node, "versions").map(|v| (v, v.items())) {
            Some((_, Some(items))) if items.len() <= MAX_PARAMETER_VERSIONS => {
                for item in items {
                    if let Some(v) = self.version(item, &ty) {
                        versions.push(v);
                    }
                }
            }
            Some((v, Some(_))) => self.error(
                DiagnosticKind::Limit,
                v,
                "too many versions",
                Some(&format!("at most {MAX_PARAMETER_VERSIONS}")),
            ),
            Some((v, None)) => self.error(
                DiagnosticKind::Structure,
                v,
                format!("versions are {}", v.shape()),
                Some("a list of dated versions"),
            ),
            None => {}
        }
        Some(ParamDecl {
            name: name.to_owned(),
            ty,
            columns,
            key_type,
            label: self.opt_text(node, "label"),
            reference: self.opt_string(node, "reference"),
            versions,
            location: self.loc(node),
        })
    }

    fn version(&mut self, node: &Node, ty: &Type) -> Option<ParamVersion> {
        self.map(
            node,
            &["from", "to", "value", "rows", "points", "source", "note"],
            "a parameter version",
        )?;
        let from = self.req(node, "from").and_then(|n| self.date(n, "from"));
        let to = self.opt_date(node, "to");
        let source = self.opt_string(node, "source");
        let value = match ty {
            Type::BandTable => {
                let rows = self.req(node, "rows")?;
                if let Some(text) = rows.as_str().filter(|_| rows.items().is_none()) {
                    return Some(ParamVersion {
                        from: from?,
                        to,
                        value: ParamValue::TextTable(self.text_rows(rows, text)?),
                        source,
                        location: self.loc(node),
                    });
                }
                let Some(items) = rows.items() else {
                    self.error(
                        DiagnosticKind::Structure,
                        rows,
                        format!("rows are {}", rows.shape()),
                        Some("a list of rows"),
                    );
                    return None;
                };
                if items.len() > MAX_TABLE_ROWS {
                    self.error(
                        DiagnosticKind::Limit,
                        rows,
                        format!("table has {} rows", items.len()),
                        Some(&format!("at most {MAX_TABLE_ROWS} rows")),
                    );
                    return None;
                }
                let mut out = Vec::new();
                for row in items {
                    let Some(entries) = row.entries() else {
                        self.error(
                            DiagnosticKind::Structure,
                            row,
                            format!("row is {}", row.shape()),
                            Some("a mapping with `up_to` and the columns"),
                        );
                        continue;
                    };
                    let mut up_to = None;
                    let mut has_bound = false;
                    let mut cells = BTreeMap::new();
                    for (k, v) in entries {
                        if k.text == "up_to" || k.text == "fino_a" {
                            has_bound = true;
                            up_to = if v.is_null() { None } else { Some(v.clone()) };
                        } else {
                            cells.insert(k.text.clone(), v.clone());
                        }
                    }
                    if !has_bound {
                        self.error(
                            DiagnosticKind::Structure,
                            row,
                            "row without `up_to`",
                            Some("`up_to: <upper bound>` (null on the last row)"),
                        );
                    }
                    out.push((up_to, cells));
                }
                ParamValue::Table(out)
            }
            Type::Scale => {
                let points = self.req(node, "points")?;
                let Some(items) = points.items() else {
                    self.error(
                        DiagnosticKind::Structure,
                        points,
                        format!("points are {}", points.shape()),
                        Some("a list of [x, y] pairs"),
                    );
                    return None;
                };
                if items.len() > MAX_SCALE_POINTS {
                    self.error(
                        DiagnosticKind::Limit,
                        points,
                        format!("scale has {} points", items.len()),
                        Some(&format!("at most {MAX_SCALE_POINTS} points")),
                    );
                    return None;
                }
                let mut out = Vec::new();
                for p in items {
                    match p.items() {
                        Some([x, y]) => out.push((x.clone(), y.clone())),
                        _ => self.error(
                            DiagnosticKind::Structure,
                            p,
                            "a point is not a pair",
                            Some("[x, y]"),
                        ),
                    }
                }
                ParamValue::Points(out)
            }
            _ => ParamValue::Node(self.req(node, "value")?.clone()),
        };
        Some(ParamVersion { from: from?, to, value, source, location: self.loc(node) })
    }

    /// Band-table rows written as a text table (a YAML block `|`): a header line naming
    /// `up_to` (or `fino_a`) and the columns, then one line per row with the values separated by
    /// spaces; `-` or `null` as the last row's bound. The compact form of large generated or
    /// pasted tables: it reads many times faster than a mapping per row.
    fn text_rows(&mut self, rows: &Node, text: &str) -> Option<TextRows> {
        // The position of a block scalar is that of its first line of content.
        let first_line = rows.line;
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            self.error(
                DiagnosticKind::Structure,
                rows,
                "empty table",
                Some("a header line (`up_to` and the columns) and one line per row"),
            );
            return None;
        };
        let names: Vec<&str> = header.split_whitespace().collect();
        if !matches!(names.first(), Some(&"up_to") | Some(&"fino_a")) {
            self.error(
                DiagnosticKind::Structure,
                rows,
                "the header does not start with `up_to`",
                Some("`up_to` followed by the column names"),
            );
            return None;
        }
        // Offsets in `text` of a part of it.
        let offset = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
        let mut out = TextRows {
            block: rows.clone(),
            header: names.iter().map(|n| (*n).to_owned()).collect(),
            rows: Vec::new(),
            cells: Vec::new(),
        };
        for (k, line) in lines {
            if out.rows.len() >= MAX_TABLE_ROWS {
                self.error(
                    DiagnosticKind::Limit,
                    rows,
                    format!("table has more than {MAX_TABLE_ROWS} rows"),
                    Some(&format!("at most {MAX_TABLE_ROWS} rows")),
                );
                return None;
            }
            let before = out.cells.len();
            out.cells.extend(line.split_whitespace().map(|v| [offset(v), offset(v) + v.len()]));
            let found = out.cells.len() - before;
            if found != names.len() {
                out.cells.truncate(before);
                let row = Node {
                    value: NodeValue::Scalar { text: line.to_owned(), quoted: true },
                    path: crate::yaml::indexed_path(&rows.path, out.rows.len()),
                    line: first_line + k,
                    column: 1,
                };
                self.error(
                    DiagnosticKind::Structure,
                    &row,
                    format!("row has {found} values for {} columns", names.len()),
                    Some("one value per header column"),
                );
                continue;
            }
            out.rows.push([k, offset(line)]);
        }
        Some(out)
    }

    fn definition(&mut self, name: &str, node: &Node, condition: bool) -> Option<Definition> {
        // A bare string is a formula (conditions: boolean, definitions need a type).
        let (formula_node, ty) = if node.as_str().is_some() && condition {
            (node, Some(Type::Boolean))
        } else {
            let allowed: &[&str] = if condition {
                &["formula", "label", "reason", "reference", "description", "overrides"]
            } else {
                &[
                    "type",
                    "formula",
                    "label",
                    "reference",
                    "output",
                    "overrides",
                    "description",
                    "values",
                    "items",
                ]
            };
            self.map(node, allowed, if condition { "a condition" } else { "a definition" })?;
            let ty = if condition {
                Some(Type::Boolean)
            } else {
                let t = self.type_of(node);
                if node.get("type").is_none() {
                    self.error(
                        DiagnosticKind::Structure,
                        node,
                        format!("definition `{name}` has no `type`"),
                        Some("`type: money` or another type"),
                    );
                }
                t
            };
            (self.req(node, "formula")?, ty)
        };
        // `overrides: true`, or dated: `overrides: { from: DATE, to: DATE }`.
        let (overrides, override_valid) = match node.get("overrides") {
            Some(o) if o.entries().is_some() => {
                self.map(o, &["from", "to"], "`overrides`");
                let from = self.req(o, "from").and_then(|n| self.date(n, "overrides.from"));
                let to = self.opt_date(o, "to");
                if let (Some(f), Some(t)) = (from, to) {
                    if t < f {
                        self.error(
                            DiagnosticKind::Structure,
                            o,
                            "`overrides` ends before it starts",
                            Some("`to` on or after `from`"),
                        );
                    }
                }
                (true, Some(from.map(|f| (f, to))))
            }
            _ => (self.boolean(node, "overrides", false), None),
        };
        let formula = self.string(formula_node, "formula")?;
        let expr = match expr::parse(&formula) {
            Ok(e) => Some(e),
            Err(e) => {
                let mut loc = self.loc(formula_node);
                let (line, col) = offset_to_line_col(&formula, e.span.start);
                if line > 0 {
                    loc.line += line;
                    loc.column = col + 1;
                } else if !matches!(formula_node.value, NodeValue::Scalar { quoted: true, .. }) {
                    loc.column += col;
                } else {
                    loc.column += col + 1;
                }
                let kind = if e.limit { DiagnosticKind::Limit } else { DiagnosticKind::Syntax };
                let mut d = Diagnostic::new(
                    kind,
                    loc,
                    format!("formula: {} at character {}", e.message, e.span.start + 1),
                );
                if let Some(x) = e.expected {
                    d = d.expected(x);
                }
                self.diags.push(d);
                None
            }
        };
        Some(Definition {
            name: name.to_owned(),
            ty: ty?,
            formula,
            expr,
            label: self.opt_text(node, "label"),
            reason: if condition { self.opt_text(node, "reason") } else { None },
            reference: self.opt_string(node, "reference"),
            output: if condition { false } else { self.boolean(node, "output", true) },
            overrides: override_valid.is_some() || overrides,
            override_valid: override_valid.flatten(),
            location: self.loc(formula_node),
        })
    }

    /// `asc`/`desc` (also `crescente`/`decrescente`); `None` when absent. Reports others.
    fn sort_order(&mut self, node: &Node, key: &str) -> Option<bool> {
        let v = node.get(key)?;
        match v.as_str() {
            Some("desc" | "decrescente") => Some(true),
            Some("asc" | "crescente") => Some(false),
            other => {
                let hint =
                    suggest::hint(other.unwrap_or(""), ["asc", "desc", "crescente", "decrescente"]);
                self.error(
                    DiagnosticKind::Structure,
                    v,
                    format!("unknown order `{}`{hint}", other.unwrap_or("")),
                    Some("asc (crescente) or desc (decrescente)"),
                );
                None
            }
        }
    }

    fn ranking(&mut self, r: &Node) -> Option<RankingDecl> {
        self.map(r, &["score", "order", "tie_break", "final_tie_break"], "`ranking`")?;
        let score = self.req(r, "score").and_then(|n| self.string(n, "score"))?;
        let descending = self.sort_order(r, "order").unwrap_or(true);
        let mut tie_break = Vec::new();
        if let Some(list) = r.get("tie_break") {
            match list.items() {
                Some(items) => {
                    for item in items {
                        if let Some(name) = item.as_str().filter(|_| !item.is_null()) {
                            tie_break.push((name.to_owned(), false));
                        } else if item.entries().is_some() {
                            self.map(item, &["key", "order"], "a tie-break key");
                            match item.get("key").and_then(Node::as_str) {
                                Some(key) => tie_break.push((
                                    key.to_owned(),
                                    self.sort_order(item, "order").unwrap_or(false),
                                )),
                                None => self.error(
                                    DiagnosticKind::Structure,
                                    item,
                                    "tie-break key without `key`",
                                    Some("`{key: name, order: asc|desc}`"),
                                ),
                            }
                        } else {
                            self.error(
                                DiagnosticKind::Structure,
                                item,
                                "tie-break key is not a name",
                                Some("a definition name or `{key: name, order: asc|desc}`"),
                            );
                        }
                    }
                }
                None => self.error(
                    DiagnosticKind::Structure,
                    list,
                    format!("tie_break is {}", list.shape()),
                    Some("a list of definition names or `{key, order}`"),
                ),
            }
        }
        let final_tie_break = match r.get("final_tie_break") {
            None => FinalTieBreak::InputOrder,
            Some(n) => {
                let s = n.as_str().unwrap_or("");
                FinalTieBreak::parse(s).unwrap_or_else(|| {
                    let all = ["input_order", "ordine_di_presentazione", "draw", "sorteggio"];
                    let hint = suggest::hint(s, all);
                    self.error(
                        DiagnosticKind::Structure,
                        n,
                        format!("unknown final tie-break `{s}`{hint}"),
                        Some("input_order (ordine_di_presentazione) or draw (sorteggio)"),
                    );
                    FinalTieBreak::InputOrder
                })
            }
        };
        Some(RankingDecl { score, descending, tie_break, final_tie_break })
    }

    fn rulebook(&mut self, root: &Node, text: &str) -> Option<Rulebook> {
        self.map(root, TOP_KEYS, "the rulebook")?;
        let id = self.req(root, "rulebook").and_then(|n| self.string(n, "rulebook id"));
        let status = match root.get("status").and_then(Node::as_str) {
            None | Some("in_force") | Some("vigente") => Status::InForce,
            Some("draft") | Some("bozza") => Status::Draft,
            Some("repealed") | Some("abrogato") => Status::Repealed,
            Some(_) => {
                if let Some(n) = root.get("status") {
                    self.error(
                        DiagnosticKind::Structure,
                        n,
                        "unknown status",
                        Some("in_force, draft or repealed"),
                    );
                }
                Status::InForce
            }
        };
        let title = self.req(root, "title").and_then(|n| self.text(n, "title"));
        let authority = self.req(root, "authority").and_then(|n| {
            self.map(n, &["level", "code", "name"], "the authority")?;
            let level_node = self.req(n, "level")?;
            let level = AuthorityLevel::parse(level_node.as_str().unwrap_or(""));
            if level.is_none() {
                self.error(
                    DiagnosticKind::Structure,
                    level_node,
                    "unknown authority level",
                    Some("stato, regione, ambito or comune"),
                );
            }
            let name = self.req(n, "name").and_then(|v| self.string(v, "name"));
            let code = self.opt_string(n, "code").unwrap_or_default();
            if level != Some(AuthorityLevel::Stato) && code.is_empty() {
                self.error(
                    DiagnosticKind::Structure,
                    n,
                    "authority without `code`",
                    Some("the ISTAT code of the comune or regione, or the ambito code"),
                );
            }
            Some(Authority { level: level?, code, name: name? })
        });
        let (valid_from, valid_to) = match self.req(root, "valid") {
            Some(v) => {
                self.map(v, &["from", "to"], "`valid`");
                let from = self.req(v, "from").and_then(|n| self.date(n, "valid.from"));
                (from, self.opt_date(v, "to"))
            }
            None => (None, None),
        };
        let mut legal_basis = Vec::new();
        if let Some(lb) = root.get("legal_basis") {
            match lb.items() {
                Some(items) => {
                    for item in items {
                        if self
                            .map(
                                item,
                                &[
                                    "id", "act", "number", "date", "article", "comma", "urn",
                                    "title",
                                ],
                                "a legal reference",
                            )
                            .is_none()
                        {
                            continue;
                        }
                        let id = self.req(item, "id").and_then(|n| self.string(n, "id"));
                        let act = self.req(item, "act").and_then(|n| self.string(n, "act"));
                        let urn = self.opt_string(item, "urn");
                        if let (Some(u), Some(n)) = (&urn, item.get("urn")) {
                            if !u.starts_with("urn:nir:") {
                                self.error(
                                    DiagnosticKind::Structure,
                                    n,
                                    "urn is not a URN:NIR",
                                    Some("urn:nir:<authority>:<act type>:<date>;<number>"),
                                );
                            }
                        }
                        if let (Some(id), Some(act)) = (id, act) {
                            legal_basis.push(LegalRef {
                                id,
                                act,
                                number: self.opt_string(item, "number"),
                                date: self.opt_date(item, "date"),
                                article: self.opt_string(item, "article"),
                                comma: self.opt_string(item, "comma"),
                                urn,
                                title: self.opt_string(item, "title"),
                            });
                        }
                    }
                }
                None => self.error(
                    DiagnosticKind::Structure,
                    lb,
                    format!("legal_basis is {}", lb.shape()),
                    Some("a list of references"),
                ),
            }
        }
        let extends =
            root.get("extends").and_then(|n| self.string(n, "extends").map(|s| (s, self.loc(n))));
        let mut imports = BTreeMap::new();
        if let Some(im) = root.get("imports") {
            match im.entries() {
                Some(entries) => {
                    for (k, v) in entries {
                        if let Some(s) = self.string(v, "import") {
                            imports.insert(k.text.clone(), (s, self.loc(v)));
                        }
                    }
                }
                None => self.error(
                    DiagnosticKind::Structure,
                    im,
                    format!("imports are {}", im.shape()),
                    Some("a mapping of aliases to rulebook ids"),
                ),
            }
        }
        let (mut household, mut member) = (Vec::new(), Vec::new());
        if let Some(inputs) = root.get("inputs") {
            if self.map(inputs, &["household", "member", "nucleo", "membro"], "`inputs`").is_some()
            {
                if let Some(h) = inputs.get("household").or_else(|| inputs.get("nucleo")) {
                    household = self.inputs(h);
                }
                if let Some(m) = inputs.get("member").or_else(|| inputs.get("membro")) {
                    member = self.inputs(m);
                }
            }
        }
        let mut parameters = Vec::new();
        if let Some(ps) = root.get("parameters") {
            match ps.entries() {
                Some(entries) => {
                    for (k, v) in entries {
                        if let Some(p) = self.parameter(&k.text, v) {
                            parameters.push(p);
                        }
                    }
                }
                None => self.error(
                    DiagnosticKind::Structure,
                    ps,
                    format!("parameters are {}", ps.shape()),
                    Some("a mapping of names to parameters"),
                ),
            }
        }
        let mut definitions = Vec::new();
        let mut conditions = Vec::new();
        for (key, condition) in [("definitions", false), ("conditions", true)] {
            if let Some(ds) = root.get(key) {
                match ds.entries() {
                    Some(entries) => {
                        for (k, v) in entries {
                            if let Some(d) = self.definition(&k.text, v, condition) {
                                if condition {
                                    conditions.push(d);
                                } else {
                                    definitions.push(d);
                                }
                            }
                        }
                    }
                    None => self.error(
                        DiagnosticKind::Structure,
                        ds,
                        format!("{key} are {}", ds.shape()),
                        Some("a mapping of names"),
                    ),
                }
            }
        }
        let ranking = root.get("ranking").and_then(|r| self.ranking(r));
        let tests = match root.get("tests") {
            Some(t) => test_cases(self, t),
            None => Vec::new(),
        };
        let content_hash = content_hash(text);
        Some(Rulebook {
            id: id?,
            file: self.file.to_owned(),
            content_hash,
            version: self.opt_string(root, "version"),
            status,
            title: title?,
            authority: authority?,
            valid_from: valid_from?,
            valid_to,
            legal_basis,
            extends,
            imports,
            household,
            member,
            parameters,
            definitions,
            conditions,
            ranking,
            tests,
            location: self.loc(root),
            problems: Vec::new(),
        })
    }
}

/// The content hash of a rulebook's text, as [`Rulebook::content_hash`] holds it: SHA-256,
/// lower-case hexadecimal. Decision records and replays name a rulebook by it.
pub fn content_hash(text: &str) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(text.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Line (0-based, relative) and column (0-based) of a byte offset in a formula.
fn offset_to_line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count();
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, col)
}

/// Converts a YAML node to JSON with scalars typed by their plain form (numbers stay text
/// unless they are plain integers, so decimals are never floats).
pub(crate) fn node_to_json(node: &Node) -> serde_json::Value {
    match &node.value {
        NodeValue::Scalar { text, quoted } => {
            if *quoted {
                return serde_json::Value::String(text.clone());
            }
            match text.as_str() {
                "" | "~" | "null" => serde_json::Value::Null,
                "true" => serde_json::Value::Bool(true),
                "false" => serde_json::Value::Bool(false),
                t => match t.parse::<i64>() {
                    Ok(i) => serde_json::Value::from(i),
                    Err(_) => serde_json::Value::String(t.to_owned()),
                },
            }
        }
        NodeValue::Seq(items) => serde_json::Value::Array(items.iter().map(node_to_json).collect()),
        NodeValue::Map(entries) => serde_json::Value::Object(
            entries.iter().map(|(k, v)| (k.text.clone(), node_to_json(v))).collect(),
        ),
    }
}

/// The keys a test case may have (ours and OpenFisca's); the test-file schema lists the same.
pub(crate) const TEST_CASE_KEYS: &[&str] = &[
    "name",
    "description",
    "date",
    "period",
    "facts",
    "input",
    "expect",
    "output",
    "expect_error",
    "absolute_error_margin",
    "keywords",
    "relative_error_margin",
    "source",
];

/// Reads test cases from a list node (our format or OpenFisca's `period`/`input`/`output`).
pub(crate) fn test_cases(cx: &mut Cx<'_>, node: &Node) -> Vec<TestCase> {
    let mut out = Vec::new();
    let Some(items) = node.items() else {
        cx.error(
            DiagnosticKind::Structure,
            node,
            format!("tests are {}", node.shape()),
            Some("a list of test cases"),
        );
        return out;
    };
    for item in items {
        if cx.map(item, TEST_CASE_KEYS, "a test case").is_none() {
            continue;
        }
        let name = item.get("name").and_then(Node::as_str).unwrap_or("unnamed").to_owned();
        let date = if let Some(d) = item.get("date") {
            cx.date(d, "date")
        } else if let Some(p) = item.get("period") {
            // OpenFisca periods: `2025` → 1 January, `2025-03` → the first of the month.
            let s = p.as_str().unwrap_or("");
            let full = match s.len() {
                4 => format!("{s}-01-01"),
                7 => format!("{s}-01"),
                _ => s.to_owned(),
            };
            match NaiveDate::parse_from_str(&full, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    cx.error(
                        DiagnosticKind::Structure,
                        p,
                        "period is not a year, month or day",
                        Some("YYYY, YYYY-MM or YYYY-MM-DD"),
                    );
                    None
                }
            }
        } else {
            cx.error(
                DiagnosticKind::Structure,
                item,
                "test case without `date`",
                Some("`date: YYYY-MM-DD` (or OpenFisca `period`)"),
            );
            None
        };
        // The period per-period inputs are read for: the test's `period` as written, or its date.
        let period = item
            .get("period")
            .filter(|_| item.get("date").is_none())
            .and_then(Node::as_str)
            .map(str::to_owned)
            .or_else(|| date.map(|d| d.to_string()))
            .unwrap_or_default();
        let (facts, inputs) = match (item.get("facts"), item.get("input")) {
            (Some(f), _) => (case_facts(cx, f, &period).0, Vec::new()),
            (None, Some(i)) => case_facts(cx, i, &period),
            (None, None) => (serde_json::json!({}), Vec::new()),
        };
        let mut expect = BTreeMap::new();
        if let Some(e) = item.get("expect").or_else(|| item.get("output")) {
            match e.entries() {
                Some(entries) => {
                    for (k, v) in entries {
                        match v.as_str() {
                            Some(s) => {
                                expect.insert(k.text.clone(), s.to_owned());
                            }
                            None => cx.error(
                                DiagnosticKind::Structure,
                                v,
                                "expected value is not a scalar",
                                Some("an exact decimal, a boolean or a date"),
                            ),
                        }
                    }
                }
                None => cx.error(
                    DiagnosticKind::Structure,
                    e,
                    format!("expect is {}", e.shape()),
                    Some("a mapping of output names to values"),
                ),
            }
        }
        let expect_error = item.get("expect_error").and_then(Node::as_str).map(str::to_owned);
        if expect.is_empty() && expect_error.is_none() {
            cx.error(
                DiagnosticKind::Structure,
                item,
                "test case expects nothing",
                Some("`expect:` outputs or `expect_error:` a kind"),
            );
        }
        let margin = match item.get("absolute_error_margin").and_then(Node::as_str) {
            Some(s) => Decimal::from_str_exact(s).unwrap_or_else(|_| {
                cx.error(
                    DiagnosticKind::Structure,
                    item,
                    "absolute_error_margin is not a decimal",
                    Some("a decimal such as 0.01"),
                );
                Decimal::ZERO
            }),
            None => Decimal::ZERO,
        };
        if let Some(date) = date {
            out.push(TestCase {
                name,
                date,
                facts,
                inputs,
                expect,
                expect_error,
                margin,
                location: cx.loc(item),
            });
        }
    }
    out
}

/// Entity blocks of OpenFisca-style inputs: the person entity, and the household entity as a
/// mapping of one group (`households: {h1: {...}}`) or the group itself (`household: {...}`).
const PERSONS_KEYS: &[&str] = &["persons", "persone", "individui"];
const HOUSEHOLDS_KEYS: &[&str] = &["households", "famiglie", "nuclei"];
const HOUSEHOLD_KEYS: &[&str] = &["household", "famiglia", "nucleo"];
/// Keys of a household group that list its persons by role (when they name persons).
const ROLE_KEYS: &[&str] = &[
    "members",
    "membri",
    "componenti",
    "parents",
    "genitori",
    "children",
    "figli",
    "adults",
    "adulti",
    "declarants",
    "dichiaranti",
    "personne_de_reference",
    "conjoint",
    "enfants",
    "autres",
];

/// Whether `key` (an OpenFisca period: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `ETERNITY`) covers
/// `period`; `Some(specificity)` when it does (an exact match is the most specific).
fn period_covers(key: &str, period: &str) -> Option<usize> {
    if key.eq_ignore_ascii_case("eternity") {
        return Some(0);
    }
    if key == period {
        return Some(usize::MAX);
    }
    let covers = period.len() > key.len()
        && period.starts_with(key)
        && period.get(key.len()..=key.len()) == Some("-");
    covers.then_some(key.len())
}

fn is_period(key: &str) -> bool {
    let shaped = |fmt: &str, s: &str| NaiveDate::parse_from_str(s, fmt).is_ok();
    key.eq_ignore_ascii_case("eternity")
        || (key.len() == 4 && key.chars().all(|c| c.is_ascii_digit()))
        || (key.len() == 7 && shaped("%Y-%m-%d", &format!("{key}-01")))
        || (key.len() == 10 && shaped("%Y-%m-%d", key))
}

/// One input value: a mapping is a per-period value (`{2025-01: 1000, 2025-02: 1200}`) and
/// gives the value of the key that covers the test's period.
fn period_value(cx: &mut Cx<'_>, name: &str, v: &Node, period: &str) -> Option<serde_json::Value> {
    let Some(entries) = v.entries() else { return Some(node_to_json(v)) };
    let mut best: Option<(usize, &Node)> = None;
    for (k, value) in entries {
        if !is_period(&k.text) {
            cx.error(
                DiagnosticKind::Structure,
                value,
                format!("`{name}` has a key `{}` that is not a period", k.text),
                Some("per-period values keyed YYYY, YYYY-MM or YYYY-MM-DD"),
            );
            return None;
        }
        if let Some(rank) = period_covers(&k.text, period) {
            if best.is_none_or(|(r, _)| rank > r) {
                best = Some((rank, value));
            }
        }
    }
    match best {
        Some((_, value)) if value.entries().is_none() => Some(node_to_json(value)),
        Some((_, value)) => {
            cx.error(
                DiagnosticKind::Structure,
                value,
                format!("`{name}` for period {period} is a mapping"),
                Some("a value"),
            );
            None
        }
        None => {
            let keys: Vec<&str> = entries.iter().map(|(k, _)| k.text.as_str()).collect();
            cx.error(
                DiagnosticKind::Structure,
                v,
                format!(
                    "no value of `{name}` for the test's period {period} (periods given: {})",
                    keys.join(", ")
                ),
                Some("a key equal to the period, or a wider one (2025 covers 2025-03)"),
            );
            None
        }
    }
}

/// Person ids named by a role value (`[p1, p2]` or `p1`), if every item is a known person.
fn role_ids<'n>(v: &'n Node, persons: &[(String, serde_json::Value)]) -> Option<Vec<&'n Node>> {
    let items: Vec<&Node> = match v.items() {
        Some(items) => items.iter().collect(),
        None if v.as_str().is_some() && !v.is_null() => vec![v],
        None => return None,
    };
    items
        .iter()
        .all(|i| i.as_str().is_some_and(|id| persons.iter().any(|(p, _)| p == id)))
        .then_some(items)
}

/// Reads a case's facts: household facts, `members`, per-period values, and OpenFisca entity
/// blocks (`persons` + `households`/`household`), into the JSON facts format.
fn case_facts(cx: &mut Cx<'_>, node: &Node, period: &str) -> (serde_json::Value, Vec<InputRef>) {
    let mut refs = Vec::new();
    let mut household = serde_json::Map::new();
    let Some(entries) = node.entries() else {
        cx.error(
            DiagnosticKind::Structure,
            node,
            format!("the input is {}", node.shape()),
            Some("a mapping of fact names to values"),
        );
        return (serde_json::Value::Object(household), refs);
    };
    let is = |k: &str, keys: &[&str]| keys.contains(&k);
    // Persons first: household blocks refer to them.
    let mut persons: Vec<(String, serde_json::Value)> = Vec::new();
    let mut persons_node = None;
    for (k, v) in entries.iter().filter(|(k, _)| is(&k.text, PERSONS_KEYS)) {
        persons_node = Some(v);
        let Some(people) = v.entries() else {
            cx.error(
                DiagnosticKind::Structure,
                v,
                format!("`{}` is {}", k.text, v.shape()),
                Some("a mapping of person ids to their facts"),
            );
            continue;
        };
        for (id, person) in people {
            let mut facts = serde_json::Map::new();
            match person.entries() {
                Some(pf) => {
                    for (name, value) in pf {
                        refs.push(InputRef {
                            name: name.text.clone(),
                            member: true,
                            location: cx.loc(value),
                        });
                        if let Some(j) = period_value(cx, &name.text, value, period) {
                            facts.insert(name.text.clone(), j);
                        }
                    }
                }
                None if person.is_null() => {}
                None => cx.error(
                    DiagnosticKind::Structure,
                    person,
                    format!("person `{}` is {}", id.text, person.shape()),
                    Some("a mapping of member facts (or nothing)"),
                ),
            }
            persons.push((id.text.clone(), serde_json::Value::Object(facts)));
        }
    }
    let mut in_household: Option<Vec<String>> = None;
    for (k, v) in entries {
        let group = if is(&k.text, PERSONS_KEYS) {
            continue;
        } else if is(&k.text, HOUSEHOLDS_KEYS) {
            match v.entries() {
                Some([(_, g)]) => Some(g),
                _ => {
                    cx.error(
                        DiagnosticKind::Structure,
                        v,
                        format!("`{}` must hold exactly one household", k.text),
                        Some("`households: { h1: { ... } }`: a test case evaluates one household"),
                    );
                    None
                }
            }
        } else if is(&k.text, HOUSEHOLD_KEYS) && v.entries().is_some() {
            Some(v)
        } else if k.text == "members" || k.text == "membri" {
            if persons_node.is_some() {
                cx.error(
                    DiagnosticKind::Structure,
                    v,
                    "both `members` and `persons`",
                    Some("persons under `persons` (OpenFisca) or a `members` list, not both"),
                );
            }
            household.insert(k.text.clone(), node_to_json(v));
            continue;
        } else {
            refs.push(InputRef { name: k.text.clone(), member: false, location: cx.loc(v) });
            if let Some(j) = period_value(cx, &k.text, v, period) {
                household.insert(k.text.clone(), j);
            }
            continue;
        };
        let Some(group) = group else { continue };
        let Some(group_entries) = group.entries() else { continue };
        for (gk, gv) in group_entries {
            if is(&gk.text, ROLE_KEYS) {
                if let Some(ids) = role_ids(gv, &persons) {
                    let list = in_household.get_or_insert_with(Vec::new);
                    list.extend(ids.iter().filter_map(|i| i.as_str()).map(str::to_owned));
                    continue;
                }
                // Names that are not persons: a role list with an unknown id, or a fact.
                let unknown = gv
                    .items()
                    .map(|items| items.iter().collect::<Vec<_>>())
                    .unwrap_or_else(|| vec![gv])
                    .into_iter()
                    .filter_map(|i| i.as_str().map(|s| (i, s)))
                    .find(|(_, s)| !persons.iter().any(|(p, _)| p == s));
                if let (Some((node, id)), false) = (unknown, persons.is_empty()) {
                    let hint = suggest::hint(id, persons.iter().map(|(p, _)| p.as_str()));
                    cx.error(
                        DiagnosticKind::UnknownName,
                        node,
                        format!(
                            "role `{}` names `{id}`, who is not under `persons`{hint}",
                            gk.text
                        ),
                        Some("the id of a person declared under `persons`"),
                    );
                    continue;
                }
            }
            refs.push(InputRef { name: gk.text.clone(), member: false, location: cx.loc(gv) });
            if let Some(j) = period_value(cx, &gk.text, gv, period) {
                household.insert(gk.text.clone(), j);
            }
        }
    }
    if let Some(pn) = persons_node {
        let members: Vec<serde_json::Value> = match &in_household {
            None => persons.iter().map(|(_, f)| f.clone()).collect(),
            Some(ids) => {
                for (id, _) in persons.iter().filter(|(p, _)| !ids.contains(p)) {
                    cx.error(
                        DiagnosticKind::Structure,
                        pn,
                        format!("person `{id}` is in no role of the household"),
                        Some("every person listed under a role (members, parents, children, …)"),
                    );
                }
                persons.iter().filter(|(p, _)| ids.contains(p)).map(|(_, f)| f.clone()).collect()
            }
        };
        household.insert("members".to_owned(), serde_json::Value::Array(members));
    }
    (serde_json::Value::Object(household), refs)
}

#[cfg(test)]
mod citation_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Dates in citations are written as chrono writes them.
        #[test]
        fn dates_as_chrono_writes_them(days in -1_000_000i32..4_000_000) {
            let d = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or_default();
            let mut s = String::new();
            push_date(&mut s, d, DateStyle::Iso);
            prop_assert_eq!(s, d.to_string());
            let mut s = String::new();
            push_date(&mut s, d, DateStyle::Italian);
            prop_assert_eq!(s, d.format("%d/%m/%Y").to_string());
        }
    }

    #[test]
    fn citation_of_a_decree() {
        let r = LegalRef {
            id: "dpcm159".to_owned(),
            act: "dpcm".to_owned(),
            number: Some("159".to_owned()),
            date: NaiveDate::from_ymd_opt(2013, 12, 5),
            article: Some("2".to_owned()),
            comma: Some("1".to_owned()),
            urn: None,
            title: None,
        };
        assert_eq!(r.citation(), "dpcm n. 159 del 2013-12-05, art. 2 c. 1");
    }
}
