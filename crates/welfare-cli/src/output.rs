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

/// The text of the file at `path`, or of standard input when `path` is `-`. When it cannot
/// be had, says why on standard error and gives the outcome: a file that cannot be read is a
/// usage error (exit 2); one that is not UTF-8 text is invalid input (exit 1), and the message
/// says from which byte, never what the bytes are.
pub(crate) fn read_text(path: &std::path::Path) -> Result<String, Outcome> {
    let read = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut io::stdin().lock(), &mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    let bytes = read.map_err(|e| {
        error(format_args!("{}: cannot read: {e}", path.display()));
        Outcome::Usage
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let byte = e.utf8_error().valid_up_to() + 1;
        error(format_args!("{}: not valid UTF-8 text from byte {byte}", path.display()));
        Outcome::Invalid
    })
}

/// Writes one JSON value as a line on standard output.
pub(crate) fn json_line<T: serde::Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    // An I/O error keeps its kind (a closed pipe stays `BrokenPipe`, so callers can tell it).
    serde_json::to_writer(&mut *out, value).map_err(|e| match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    })?;
    out.write_all(b"\n")
}

/// Prints an error for a person on standard error, prefixed with the program name.
#[allow(clippy::print_stderr)]
pub(crate) fn error(message: impl std::fmt::Display) {
    eprintln!("welfare: {message}");
}
