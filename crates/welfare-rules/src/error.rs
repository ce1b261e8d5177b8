//! Errors: load-time diagnostics that point at the source, and evaluation errors.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of problem a [`Diagnostic`] reports. Stable, snake_case in JSON.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The file could not be read.
    Io,
    /// The text is not well-formed YAML.
    Yaml,
    /// A published limit ([`crate::limits`]) was exceeded.
    Limit,
    /// A YAML construct the rulebook language does not allow (anchors, aliases, tags).
    Unsupported,
    /// A required key is missing, a key is unknown, or a value has the wrong shape.
    Structure,
    /// A formula does not parse.
    Syntax,
    /// A name does not resolve.
    UnknownName,
    /// A name is declared twice.
    Duplicate,
    /// Definitions depend on each other in a cycle.
    Cycle,
    /// Types do not fit (money + date, a condition that is not boolean, …).
    Type,
    /// A parameter version has no `source`.
    MissingSource,
    /// Some day of the rulebook's validity is covered by no version of a parameter, or two
    /// versions overlap.
    Coverage,
    /// An `extends` / `imports` link is wrong (unknown rulebook, wrong precedence, too deep).
    Link,
}

impl DiagnosticKind {
    /// The snake_case name used in JSON and in test files.
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticKind::Io => "io",
            DiagnosticKind::Yaml => "yaml",
            DiagnosticKind::Limit => "limit",
            DiagnosticKind::Unsupported => "unsupported",
            DiagnosticKind::Structure => "structure",
            DiagnosticKind::Syntax => "syntax",
            DiagnosticKind::UnknownName => "unknown_name",
            DiagnosticKind::Duplicate => "duplicate",
            DiagnosticKind::Cycle => "cycle",
            DiagnosticKind::Type => "type",
            DiagnosticKind::MissingSource => "missing_source",
            DiagnosticKind::Coverage => "coverage",
            DiagnosticKind::Link => "link",
        }
    }
}

/// A place in a source file: the file name, the YAML path and the 1-based line and column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Location {
    /// The file name as given to the loader (`<string>` for text loaded from memory).
    pub file: String,
    /// The YAML path, e.g. `definitions.retta_mensile.formula`.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, " ({})", self.path)?;
        }
        Ok(())
    }
}

/// One problem found while loading or checking a rulebook.
///
/// Messages are lower-case, say what is wrong and what was expected, and never contain fact
/// values (a rulebook holds no personal data, but test files might).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diagnostic {
    /// The kind of problem.
    pub kind: DiagnosticKind,
    /// Where it is.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// What was expected there, when that can be said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// A second place (the first declaration of a duplicate name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<Location>,
}

impl Diagnostic {
    pub(crate) fn new(
        kind: DiagnosticKind,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic { kind, location, message: message.into(), expected: None, related: None }
    }

    pub(crate) fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub(crate) fn related(mut self, related: Location) -> Self {
        self.related = Some(related);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location, self.kind.as_str(), self.message)?;
        if let Some(expected) = &self.expected {
            write!(f, " (expected {expected})")?;
        }
        if let Some(related) = &self.related {
            write!(f, " (see {related})")?;
        }
        Ok(())
    }
}

/// A rulebook that failed to load or check: every problem found, not just the first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoadError {
    /// The problems, in source order per file.
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    pub(crate) fn one(d: Diagnostic) -> Self {
        LoadError { diagnostics: vec![d] }
    }

    /// Whether any diagnostic has this kind.
    pub fn has(&self, kind: DiagnosticKind) -> bool {
        self.diagnostics.iter().any(|d| d.kind == kind)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        write!(f, "rulebook has {n} error{}", if n == 1 { "" } else { "s" })?;
        for d in &self.diagnostics {
            write!(f, "\n  {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Why an evaluation could not produce outputs. Messages name facts and definitions, never
/// their values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EvalError {
    /// A required (non-optional) fact was not given.
    #[error("required fact `{name}` is missing")]
    MissingFact {
        /// The fact's name (`members[2].birth_date` for member facts).
        name: String,
    },
    /// The facts contain a name the rulebook does not declare (data minimisation).
    #[error("fact `{name}` is not declared as an input of the rulebook")]
    UndeclaredFact {
        /// The undeclared name.
        name: String,
    },
    /// A fact has the wrong type or form.
    #[error("fact `{name}` is not a valid {expected}")]
    BadFact {
        /// The fact's name.
        name: String,
        /// The declared type.
        expected: String,
    },
    /// No version of a parameter is in force on the evaluation date.
    #[error("parameter `{name}` has no version in force on {date}")]
    ParameterNotInForce {
        /// The parameter.
        name: String,
        /// The evaluation date.
        date: chrono::NaiveDate,
    },
    /// An arithmetic operation overflowed or divided by zero.
    #[error("arithmetic error in `{definition}`: {reason}")]
    Arithmetic {
        /// The definition being computed.
        definition: String,
        /// Overflow or division by zero.
        reason: String,
    },
    /// A date computation failed (a date before a birth date, out of range).
    #[error("date error in `{definition}`: {reason}")]
    Date {
        /// The definition being computed.
        definition: String,
        /// What went wrong.
        reason: String,
    },
    /// A band-table row number outside the table.
    #[error("row {row} is outside table `{table}`")]
    RowOutOfRange {
        /// The table parameter.
        table: String,
        /// The row asked for.
        row: String,
    },
    /// The evaluation exceeded [`crate::limits::MAX_EVAL_STEPS`] or [`crate::limits::MAX_MEMBERS`].
    #[error("evaluation exceeded the limit: {what}")]
    Limit {
        /// Which limit.
        what: String,
    },
    /// A [`crate::Plan`] was run with a snapshot of another program.
    #[error("the plan was built for another program (other rulebooks or other versions)")]
    PlanMismatch,
    /// A missing optional value reached an operation that needs a value. The checker prevents
    /// this; it is reported rather than trusted.
    #[error("missing value used in `{definition}`")]
    MissingValue {
        /// The definition being computed.
        definition: String,
    },
}

impl EvalError {
    /// The snake_case kind, as written in test files' `expect_error`.
    pub fn kind(&self) -> &'static str {
        match self {
            EvalError::MissingFact { .. } => "missing_fact",
            EvalError::UndeclaredFact { .. } => "undeclared_fact",
            EvalError::BadFact { .. } => "bad_fact",
            EvalError::ParameterNotInForce { .. } => "parameter_not_in_force",
            EvalError::Arithmetic { .. } => "arithmetic",
            EvalError::Date { .. } => "date",
            EvalError::RowOutOfRange { .. } => "row_out_of_range",
            EvalError::Limit { .. } => "limit",
            EvalError::MissingValue { .. } => "missing_value",
            EvalError::PlanMismatch => "plan_mismatch",
        }
    }
}
