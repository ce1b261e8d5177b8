//! The crate's error type.

use crate::issue::Issue;
use crate::read::FlowKind;

/// What can go wrong reading, writing or packaging a SIUSS flow.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SiussError {
    /// The document could not be read into the typed model (first issues listed).
    #[error("siuss flow cannot be read: {}", first(.issues))]
    Read {
        /// The blocking issues.
        issues: Vec<Issue>,
    },
    /// The writer refuses a flow that breaks a rule (the writer is strict).
    #[error("siuss flow not written, it breaks {} rule(s): {}", .issues.len(), first(.issues))]
    Invalid {
        /// Every error found.
        issues: Vec<Issue>,
    },
    /// A PS flow was given where a SINBA flow was expected, or the reverse.
    #[error("expected a {} flow, found a {} flow", .expected.waas_tipo(), .found.waas_tipo())]
    WrongKind {
        /// What the caller asked for.
        expected: FlowKind,
        /// What the document is.
        found: FlowKind,
    },
    /// A flow name that is not `{ente}.{PS|SINBA}.{AAAAMMGG}.{7 digits}`.
    #[error("invalid flow name: {0}")]
    FlowName(&'static str),
    /// A WaaS envelope that breaks the OpenAPI contract.
    #[error("invalid waas envelope: {0}")]
    Envelope(String),
    /// The CLI input description cannot be turned into a flow.
    #[error("invalid input at {path}: {message}")]
    Input {
        /// Path in the input (`beneficiari[0].residenza.comune`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Reading or writing bytes failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl SiussError {
    pub(crate) fn from_issue(issue: Issue) -> SiussError {
        SiussError::Read { issues: vec![issue] }
    }

    /// The issues carried by a read or write refusal (empty for other errors).
    pub fn issues(&self) -> &[Issue] {
        match self {
            SiussError::Read { issues } | SiussError::Invalid { issues } => issues,
            _ => &[],
        }
    }
}

fn first(issues: &[Issue]) -> String {
    match issues.first() {
        Some(issue) if issues.len() > 1 => format!("{issue} (and {} more)", issues.len() - 1),
        Some(issue) => issue.to_string(),
        None => "no detail".to_owned(),
    }
}
