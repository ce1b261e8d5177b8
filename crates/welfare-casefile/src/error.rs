//! Errors of the case-file domain. Messages are lower-case, say what is wrong and where, and
//! never contain personal data (only ids, state names and field paths).

use crate::calendar::CalendarError;
use crate::chain::ChainError;
use crate::ids::IdError;
use crate::store::StoreError;

/// The kind of aggregate an error is about.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// A person.
    Person,
    /// A group.
    Group,
    /// An intake record or referral.
    Intake,
    /// A case.
    Case,
    /// A PAI inside a case.
    Pai,
    /// A planned intervention inside a case.
    Intervention,
    /// An istanza.
    Istanza,
    /// A consent record.
    Consent,
    /// The tenant configuration.
    Tenant,
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Subject::Person => "person",
            Subject::Group => "group",
            Subject::Intake => "intake",
            Subject::Case => "case",
            Subject::Pai => "pai",
            Subject::Intervention => "intervention",
            Subject::Istanza => "istanza",
            Subject::Consent => "consent",
            Subject::Tenant => "tenant",
        })
    }
}

/// A command was refused because the aggregate's state does not allow it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{subject} in state {state} does not accept {command}")]
pub struct TransitionError {
    /// What the command was about.
    pub subject: Subject,
    /// The current state's name.
    pub state: &'static str,
    /// The refused command's name.
    pub command: &'static str,
}

/// Every error of this crate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An invalid state transition.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A field value is invalid; `field` is its path in the command, e.g. `delivery.shares.ente`.
    #[error("invalid {field}: {problem}")]
    Invalid {
        /// Field path.
        field: String,
        /// What is wrong (never the value itself).
        problem: String,
    },
    /// The aggregate does not exist yet and the command needs it to.
    #[error("{subject} {id} does not exist")]
    NotFound {
        /// Kind of aggregate.
        subject: Subject,
        /// Its id.
        id: String,
    },
    /// The aggregate already exists and the command would create it.
    #[error("{subject} {id} already exists")]
    AlreadyExists {
        /// Kind of aggregate.
        subject: Subject,
        /// Its id.
        id: String,
    },
    /// The access policy denied the action.
    #[error("access denied: {reason}")]
    Denied {
        /// The policy's reason code.
        reason: String,
    },
    /// An identifier is malformed.
    #[error(transparent)]
    Id(#[from] IdError),
    /// A deadline could not be computed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A hash-chained log failed verification.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The store failed or refused the unit of work.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An amount computation overflowed.
    #[error("amount computation overflowed in {field}")]
    Money {
        /// Field path.
        field: String,
    },
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub(crate) fn invalid(field: &str, problem: &str) -> Error {
        Error::Invalid { field: field.to_owned(), problem: problem.to_owned() }
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
