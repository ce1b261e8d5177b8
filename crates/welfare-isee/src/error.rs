//! The error of an ISEE computation.

use chrono::NaiveDate;
use welfare_types::dates::DateError;
use welfare_types::MoneyError;

use crate::kind::IseeKind;

/// Why an ISEE could not be computed. Messages name the field path, never a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IseeError {
    /// A DSU field is inconsistent (`path` is the field, e.g. `members[1].income.employee`).
    #[error("{path}: {reason}")]
    Invalid {
        /// The field path in the DSU.
        path: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// No parameter set covers the filing date (before the DPCM 159/2013 DSU existed).
    #[error("filing_date: no ISEE parameters are in force on {date}")]
    NoParameters {
        /// The filing date.
        date: NaiveDate,
    },
    /// The variant asked for did not exist on the filing date.
    #[error("filing_date: the {kind} ISEE is not in force on {date}")]
    KindNotInForce {
        /// The variant.
        kind: IseeKind,
        /// The filing date.
        date: NaiveDate,
    },
    /// An amount overflowed the decimal range.
    #[error("amount out of range: {0}")]
    Money(#[from] MoneyError),
    /// A date computation failed.
    #[error("date: {0}")]
    Date(#[from] DateError),
}

/// The family of an [`IseeError`], for callers that branch on it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IseeErrorKind {
    /// The DSU is inconsistent.
    InvalidDsu,
    /// No parameters or variant in force on the filing date.
    NotInForce,
    /// Arithmetic or calendar overflow.
    OutOfRange,
}

impl IseeError {
    /// The family of this error.
    pub fn kind(&self) -> IseeErrorKind {
        match self {
            IseeError::Invalid { .. } => IseeErrorKind::InvalidDsu,
            IseeError::NoParameters { .. } | IseeError::KindNotInForce { .. } => {
                IseeErrorKind::NotInForce
            }
            IseeError::Money(_) | IseeError::Date(_) => IseeErrorKind::OutOfRange,
        }
    }

    /// The DSU field path the error is about, if any.
    pub fn path(&self) -> Option<&str> {
        match self {
            IseeError::Invalid { path, .. } => Some(path),
            IseeError::NoParameters { .. } | IseeError::KindNotInForce { .. } => {
                Some("filing_date")
            }
            IseeError::Money(_) | IseeError::Date(_) => None,
        }
    }
}
