//! Population-scale evaluation: households as JSON Lines in, results as JSON Lines out.
//!
//! [`run`] reads households in the household facts format, one JSON object per line, evaluates
//! every measure of a [`Catalogue`] for each on one date, and writes one result line per input
//! line, **in input order**. Lines are read in chunks of [`CHUNK`]; a chunk is parsed, evaluated
//! and serialized in parallel (rayon, every core), then written before the next is read, so
//! memory stays flat whatever the size of the input. A malformed record never stops the run: it
//! is reported with its line number and error to the rejects sink and counted.
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_benefits::batch::{run, Explain, Options};
//! use welfare_benefits::synthetic::Generator;
//! use welfare_benefits::Catalogue;
//!
//! let catalogue = Catalogue::national()?;
//! let generator = Generator::new(1, 2026)?;
//! let mut input = String::new();
//! for household in generator.households(3) {
//!     input.push_str(&household.to_string());
//!     input.push('\n');
//! }
//! input.push_str("{\"not\": \"a household\"}\n");
//!
//! let options = Options::new(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(), Explain::None);
//! let (mut out, mut rejects) = (Vec::new(), Vec::new());
//! let summary = run(&catalogue, input.as_bytes(), &mut out, &mut rejects, &options, |_| {})?;
//! assert_eq!((summary.records, summary.rejected), (4, 1));
//! assert_eq!(String::from_utf8(out)?.lines().count(), 3);
//! assert!(String::from_utf8(rejects)?.starts_with("{\"line\":4,"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! `rayon` is used because a work-stealing pool with ordered `collect` is exactly what an
//! ordered, parallel, chunked pipeline needs, and it is the ecosystem's standard for it.

use std::io::{self, BufRead, Write};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use welfare_types::Money;

use crate::catalogue::Scratch;
use crate::{BreakdownItem, Catalogue, Household, Lang, MeasureResult, Period};

/// Lines read, evaluated and written together.
pub const CHUNK: usize = 4096;

/// How much explanation each result line carries.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Explain {
    /// Measure, eligibility, amount and period only: the fastest form.
    #[default]
    None,
    /// Also the motivazione of every measure.
    Motivazione,
    /// Also the reasons of every refusal. (An evaluation error is always written.)
    Full,
}

/// What a batch run needs besides its input and outputs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The evaluation date.
    pub date: NaiveDate,
    /// How much explanation to write.
    pub explain: Explain,
    /// The language of motivazioni and reasons.
    pub lang: Lang,
}

impl Options {
    /// Options for a date and an explanation level, in Italian.
    pub fn new(date: NaiveDate, explain: Explain) -> Options {
        Options { date, explain, lang: Lang::It }
    }
}

/// Progress reported after every chunk.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Records (lines with content) read so far.
    pub records: u64,
    /// Records rejected so far.
    pub rejected: u64,
    /// Bytes of input read so far (for a percentage when the input size is known).
    pub bytes: u64,
}

/// The closing figures of a run.
pub type Summary = Progress;

#[derive(Serialize)]
struct ResultLine<'a> {
    line: u64,
    household: &'a str,
    date: &'a str,
    results: Vec<MeasureLine<'a>>,
}

#[derive(Serialize)]
struct MeasureLine<'a> {
    measure: &'a str,
    eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    motivazione: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasons: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "<[BreakdownItem]>::is_empty")]
    breakdown: &'a [BreakdownItem],
}

#[derive(Serialize)]
struct RejectLine<'a> {
    line: u64,
    error: &'a str,
}

/// One line's outcome: the text to write and whether it was rejected.
enum Outcome {
    Result(String),
    Reject(String),
}

/// Evaluates every household of `input` (JSON Lines) and writes one result line per household to
/// `output`, in input order, and one line per malformed record to `rejects`. Blank lines are
/// skipped. `progress` is called after every chunk. Only I/O errors stop the run.
pub fn run<R: BufRead, W: Write, J: Write>(
    catalogue: &Catalogue,
    mut input: R,
    mut output: W,
    mut rejects: J,
    options: &Options,
    mut progress: impl FnMut(Progress),
) -> io::Result<Summary> {
    let mut state = Progress::default();
    let mut line_no: u64 = 0;
    // Written in every result line: formatted once.
    let date = options.date.to_string();
    let mut chunk: Vec<(u64, String)> = Vec::with_capacity(CHUNK);
    loop {
        chunk.clear();
        while chunk.len() < CHUNK {
            let mut line = String::new();
            let read = input.read_line(&mut line)?;
            if read == 0 {
                break;
            }
            line_no += 1;
            state.bytes += read as u64;
            if !line.trim().is_empty() {
                chunk.push((line_no, line));
            }
        }
        if chunk.is_empty() {
            break;
        }
        let outcomes: Vec<Outcome> = chunk
            .par_iter()
            .map_init(Scratch::default, |scratch, (line, text)| {
                evaluate_line(catalogue, *line, text, options, &date, scratch)
            })
            .collect();
        for outcome in outcomes {
            state.records += 1;
            match outcome {
                Outcome::Result(text) => output.write_all(text.as_bytes())?,
                Outcome::Reject(text) => {
                    state.rejected += 1;
                    rejects.write_all(text.as_bytes())?;
                }
            }
        }
        progress(state);
    }
    output.flush()?;
    rejects.flush()?;
    Ok(state)
}

fn evaluate_line(
    catalogue: &Catalogue,
    line: u64,
    text: &str,
    options: &Options,
    date: &str,
    scratch: &mut Scratch,
) -> Outcome {
    let reject = |error: &str| {
        let mut json = serde_json::to_string(&RejectLine { line, error }).unwrap_or_default();
        json.push('\n');
        Outcome::Reject(json)
    };
    let household = match Household::parse_json(&format!("line {line}"), text.trim_end())
        .and_then(|h| h.validate().map(|()| h))
    {
        Ok(h) => h,
        Err(e) => return reject(&e.to_string()),
    };
    let results = match options.explain {
        Explain::None => catalogue.evaluate_outcomes_with(&household, options.date, scratch),
        _ => catalogue.evaluate_in(&household, options.date, options.lang),
    };
    let measures = results.iter().map(|r| measure_line(r, options.explain)).collect();
    let record =
        ResultLine { line, household: &household.group_identifier, date, results: measures };
    match serde_json::to_string(&record) {
        Ok(mut json) => {
            json.push('\n');
            Outcome::Result(json)
        }
        Err(e) => reject(&e.to_string()),
    }
}

fn measure_line(result: &MeasureResult, explain: Explain) -> MeasureLine<'_> {
    let full = explain == Explain::Full;
    MeasureLine {
        measure: &result.measure,
        eligible: result.eligible,
        amount: result.amount,
        period: result.period,
        motivazione: (explain != Explain::None).then_some(result.motivazione.as_str()),
        reasons: (full && !result.reasons.is_empty()).then_some(result.reasons.as_slice()),
        error: result.error.as_deref(),
        breakdown: &result.breakdown,
    }
}
