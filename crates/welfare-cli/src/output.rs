//! Shared output helpers: every subcommand prints through these, so exit codes and JSON-lines
//! conventions are the same everywhere.

use std::io::{self, Write};
use std::process::ExitCode;

/// The outcome of a subcommand, mapped to the documented exit codes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Everything was valid (exit 0).
    Ok,
    /// Some input was invalid or some check failed (exit 1).
    Invalid,
    /// The command could not run as asked: bad flags, unreadable files (exit 2).
    Usage,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        match outcome {
            Outcome::Ok => ExitCode::SUCCESS,
            Outcome::Invalid => ExitCode::from(1),
            Outcome::Usage => ExitCode::from(2),
        }
    }
}

/// Writes one JSON value as a line on standard output.
pub(crate) fn json_line<T: serde::Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Prints an error for a person on standard error, prefixed with the program name.
#[allow(clippy::print_stderr)]
pub(crate) fn error(message: impl std::fmt::Display) {
    eprintln!("welfare: {message}");
}
