//! Batches: many households, in parallel, streaming; a bad record is reported and skipped.
//!
//! Input is JSON lines: each line is either a facts object or `{"id": …, "facts": {…}}`.
//! Records are read in chunks of [`CHUNK`] lines, each chunk evaluated in parallel with rayon,
//! and results written in input order, so memory stays bounded whatever the input size.
//!
//! A record that cannot be evaluated (not JSON, not valid UTF-8, undeclared or bad facts, an
//! evaluation error) is reported with its line number and skipped; only an input that cannot
//! be read any further ([`BatchError::Read`]) or results that cannot be written
//! ([`BatchError::Write`]) stop the batch.

use std::io::{self, BufRead};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::error::EvalError;
use crate::facts::Facts;
use crate::{Program, Snapshot, Value};

/// Lines read and evaluated together.
pub const CHUNK: usize = 4096;

/// The result of one batch record.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BatchResult {
    /// 1-based line number in the input.
    pub line: usize,
    /// The record's id, if it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<serde_json::Value>,
    /// Whether every condition holds (absent on error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eligible: Option<bool>,
    /// Outputs (absent on error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    /// Why the record was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn one(program: &Program, snap: &Snapshot<'_>, line: usize, text: &str) -> BatchResult {
    let mut r = BatchResult { line, ..BatchResult::default() };
    let json: serde_json::Value = match serde_json::from_str(text) {
        Ok(j) => j,
        Err(e) => {
            r.error = Some(format!("not a JSON object: {}", e.classify_name()));
            return r;
        }
    };
    let (id, facts_json) = match json.get("facts") {
        Some(f) => (json.get("id").cloned(), f),
        None => (None, &json),
    };
    r.id = id;
    match program.facts(facts_json).and_then(|f| snap.outputs(&f)) {
        Ok(out) => {
            r.eligible = Some(out.eligible(program));
            r.outputs = Some(
                program
                    .defs
                    .iter()
                    .zip(&out.values)
                    .filter(|(d, _)| d.output)
                    .map(|(d, v)| (d.name.clone(), v.to_json(&d.ty)))
                    .collect(),
            );
        }
        Err(e) => r.error = Some(e.to_string()),
    }
    r
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "data error",
            serde_json::error::Category::Eof => "unexpected end",
        }
    }
}

/// Why a batch stopped before the end of its input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The program cannot be evaluated on the date (a parameter not in force, for one): no
    /// record was read.
    #[error(transparent)]
    Eval(#[from] EvalError),
    /// The input could not be read past line `line` (every record before it was evaluated
    /// and given to the sink).
    #[error("cannot read the input after line {line}: {source}")]
    Read {
        /// The last line read whole (0 when none was).
        line: usize,
        /// What the system said.
        #[source]
        source: io::Error,
    },
    /// The sink could not take the result of line `line` (a closed pipe, a full disk): the
    /// batch stops there rather than evaluate records no one will see.
    #[error("cannot write the result of line {line}: {source}")]
    Write {
        /// The line of the result the sink refused.
        line: usize,
        /// What the sink said.
        #[source]
        source: io::Error,
    },
}

/// Evaluates every JSON line of `input` on `date`, calling `sink` with each result in input
/// order. Returns `(evaluated, skipped)`. A line that is not valid UTF-8, is not JSON, has
/// undeclared or bad facts, or fails to evaluate is reported through `sink` and skipped; blank
/// lines are skipped silently. Only a read error stops the batch, after the records before it
/// ([`BatchError::Read`]), or an error of `sink`, at once ([`BatchError::Write`]).
pub fn run_lines<R: BufRead>(
    program: &Program,
    date: NaiveDate,
    mut input: R,
    mut sink: impl FnMut(&BatchResult) -> io::Result<()>,
) -> Result<(usize, usize), BatchError> {
    let snap = program.snapshot(date)?;
    let (mut ok, mut skipped) = (0, 0);
    let (mut line_no, mut at_end) = (0, false);
    let mut failed = None;
    let mut bytes = Vec::new();
    while !at_end {
        // Each line, or why it cannot be read as text (its UTF-8 error's first byte).
        let mut chunk: Vec<(usize, Result<String, usize>)> = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK {
            bytes.clear();
            match input.read_until(b'\n', &mut bytes) {
                Ok(0) => {
                    at_end = true;
                    break;
                }
                Ok(_) => line_no += 1,
                // (`read_until` retries an interrupted read itself.) The lines read before are
                // evaluated; a line only partly read is not, and the error says where reading
                // stopped.
                Err(source) => {
                    failed = Some(BatchError::Read { line: line_no, source });
                    at_end = true;
                    break;
                }
            }
            let line = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            match std::str::from_utf8(line) {
                Ok(text) if text.trim().is_empty() => {}
                Ok(text) => chunk.push((line_no, Ok(text.to_owned()))),
                Err(e) => chunk.push((line_no, Err(e.valid_up_to() + 1))),
            }
        }
        let results: Vec<BatchResult> = chunk
            .par_iter()
            .map(|(n, line)| match line {
                Ok(text) => one(program, &snap, *n, text),
                Err(byte) => BatchResult {
                    line: *n,
                    error: Some(format!("not valid UTF-8 from byte {byte}")),
                    ..BatchResult::default()
                },
            })
            .collect();
        for r in &results {
            if r.error.is_some() {
                skipped += 1;
            } else {
                ok += 1;
            }
            sink(r).map_err(|source| BatchError::Write { line: r.line, source })?;
        }
    }
    match failed {
        Some(error) => Err(error),
        None => Ok((ok, skipped)),
    }
}

/// Evaluates prepared facts in parallel without explanations or per-household allocation:
/// each worker reuses one scratch buffer. `f` receives the index and the definition values
/// (in [`Program`] slot order; read them with [`Program::slot`]) or the error.
pub fn for_each_parallel<F>(snapshot: &Snapshot<'_>, facts: &[Facts], f: F)
where
    F: Fn(usize, Result<&[Value], &EvalError>) + Sync,
{
    facts.par_iter().enumerate().for_each_init(Vec::new, |scratch, (i, fx)| {
        match snapshot.run_into(fx, scratch) {
            Ok(()) => f(i, Ok(scratch.as_slice())),
            Err(e) => f(i, Err(&e)),
        }
    });
}

impl Program {
    /// The slot of a definition in the values passed by [`for_each_parallel`] and
    /// [`Snapshot::run_into`].
    pub fn slot(&self, name: &str) -> Option<usize> {
        self.def_index(name)
    }
}
