//! Errors of the household format.

use std::fmt;

/// What kind of problem a household file has.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HouseholdErrorKind {
    /// The text is not valid YAML/JSON, or a field is unknown, missing or of the wrong type.
    Format,
    /// The fields are well formed but inconsistent (duplicate identifiers, dangling references).
    Invalid,
}

/// A household file that cannot be used, with the path of the offending field.
///
/// The message says what is wrong and where (`member_list[1].sex`); it never repeats the value
/// (which may be personal data), except for unknown field names and enum variants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdError {
    kind: HouseholdErrorKind,
    source_name: Option<String>,
    location: Option<(usize, usize)>,
    path: String,
    message: String,
}

impl HouseholdError {
    pub(crate) fn new(kind: HouseholdErrorKind, path: String, message: String) -> HouseholdError {
        HouseholdError { kind, source_name: None, location: None, path, message }
    }

    pub(crate) fn in_source(mut self, name: &str) -> HouseholdError {
        self.source_name = Some(name.to_owned());
        self
    }

    pub(crate) fn at(mut self, location: Option<(usize, usize)>) -> HouseholdError {
        self.location = location;
        self
    }

    /// The kind of problem.
    pub fn kind(&self) -> HouseholdErrorKind {
        self.kind
    }

    /// The path of the field (`member_list[1].sex`; `.` for the whole document).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Line and column (1-based) in the text, when the parser knows them.
    pub fn location(&self) -> Option<(usize, usize)> {
        self.location
    }

    /// What is wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for HouseholdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.source_name {
            f.write_str(name)?;
            if let Some((line, column)) = self.location {
                write!(f, ":{line}:{column}")?;
            }
            f.write_str(": ")?;
        }
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for HouseholdError {}
