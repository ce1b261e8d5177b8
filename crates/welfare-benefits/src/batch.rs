//! Population-scale evaluation: households as JSON Lines in, results as JSON Lines out.
//!
//! [`run`] reads households in the household facts format, one JSON object per line, evaluates
//! every measure of a [`Catalogue`] for each on one date, and writes one result line per input
//! line, **in input order**. Lines are read in chunks of [`CHUNK`]; each chunk is parsed,
//! evaluated and serialized by one of several workers (one per core), while the calling thread
//! reads the chunks ahead and writes those done, in input order. At most a few chunks a worker
//! are in flight, in buffers kept from one chunk to the next, so memory stays flat whatever the
//! size of the input; with more than seven workers the chunks take fewer lines, so that it
//! stays flat (≈ 20 MB of chunks) whatever the number of cores too.
//! A malformed record never stops the run: it is reported with its line number and error to the
//! rejects sink and counted. A line that is not valid UTF-8 is such a record (its error says from
//! which byte, never what the bytes are).
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
//! The workers are scoped threads fed by a queue, not rayon jobs: a chunk handed to the pool as
//! a job, split among its threads and joined before the next, left both cores idle at every
//! join (the calling thread and a worker woken from sleep each time, ≈ 0.4 ms a chunk on a
//! two-core VM: a tenth of the run). Whole chunks taken from a queue the reader keeps ahead
//! never wait. Their number is rayon's (`RAYON_NUM_THREADS`, or the cores; or the pool the
//! call is made from), so that one setting sizes every parallel part of welfare-kit.
//! `memchr` finds the line ends of the input a buffer at a time (vectorised, and already
//! a dependency of `serde_json`).

use std::collections::VecDeque;
use std::io::{self, BufRead, Write};
use std::sync::{mpsc, Mutex};

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalogue::{Outcome, Scratch};
use crate::{Catalogue, Household, HouseholdError, HouseholdErrorKind, Lang, Period};
use welfare_types::Money;

/// Lines read, evaluated and written together without explanations (a run with explanations
/// takes a sixteenth of them at a time; a run with more than seven workers, fewer, so that the
/// chunks in flight take about as much memory as with seven).
pub const CHUNK: usize = 1024;

/// How many times fewer lines a run with explanations takes per chunk: its result lines are
/// ≈ 20 times longer (≈ 13 KB for the national measures), so that a chunk's output stays under
/// a megabyte and the peak memory of the run does not depend on the explanation level.
const EXPLAINED: usize = 16;

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
struct RejectLine<'a> {
    line: u64,
    error: &'a str,
}

/// A chunk's output: result lines and reject lines, each in input order.
#[derive(Default)]
struct Output {
    results: Vec<u8>,
    rejects: String,
    records: u64,
    rejected: u64,
}

impl Output {
    /// Empties the output for the next chunk, keeping its buffers.
    fn clear(&mut self) {
        self.results.clear();
        self.rejects.clear();
        self.records = 0;
        self.rejected = 0;
    }

    /// Gives back the buffers larger than `keep` bytes.
    fn release_large(&mut self, keep: usize) {
        if self.results.capacity() > keep {
            self.results = Vec::new();
        }
        if self.rejects.capacity() > keep {
            self.rejects = String::new();
        }
    }
}

/// Bytes reserved per result line in a chunk's output: a result line without explanations is
/// ≈ 650 bytes for the national measures.
const LINE_BYTES: usize = 1024;

/// The largest output buffer a chunk keeps for the next one, in [`LINE_BYTES`] per line it
/// takes: room for twice its result lines without explanations (explained runs have as many
/// bytes in fewer lines). A buffer grown past it by unusually long lines is given back, so
/// that the memory kept does not grow with the longest lines ever seen.
const KEEP_LINES: usize = 2;

/// Bytes asked of the input at a time. Reads of at least a [`BufReader`]'s capacity go past
/// its buffer straight into the chunk's (the default capacity is 8 KiB), so the input's bytes
/// are copied once, by the system, not again from buffer to buffer.
///
/// [`BufReader`]: std::io::BufReader
pub const READ_BYTES: usize = 64 * 1024;

/// The largest buffer of bytes read a chunk keeps for the next (its lines and one read more:
/// under a megabyte for the usual records); one grown past it by unusually long lines is given
/// back.
const KEEP_READ_BYTES: usize = 8 << 20;

/// One chunk of input: its lines as read, one after another, and where each is; and, once a
/// worker has evaluated it, its output.
struct Chunk {
    /// The most lines the chunk takes ([`chunk_lines`]).
    size: usize,
    /// Its place in the input: 0 for the first chunk read, 1 for the next, …
    seq: u64,
    /// The bytes read: the chunk's lines, from the start. Its length is what has ever been
    /// read into it (so that it is not filled with zeros again for every chunk); what follows
    /// the chunk's lines is not its own.
    bytes_read: Vec<u8>,
    /// Line number and byte range in `bytes_read` (with its line end) of every line with
    /// content. Whether a line is UTF-8 is checked by the worker that evaluates it.
    lines: Vec<(u64, std::ops::Range<usize>)>,
    /// Lines read, blank ones included: 0 at the end of the input.
    read: usize,
    /// Bytes read.
    bytes: u64,
    /// The chunk's output: kept from one chunk to the next, so that its buffers (megabytes a
    /// chunk) are allocated once, not freed and faulted in again for every chunk.
    output: Output,
}

/// Whether a line has anything but whitespace (Unicode's, as [`str::trim`] has it): at once
/// when it starts with a printable ASCII byte (a record's `{`). A line that is not UTF-8 has
/// content (it is a malformed record).
#[inline]
fn has_content(line: &[u8]) -> bool {
    match line.first() {
        Some(b'!'..=b'~') => true,
        _ => std::str::from_utf8(line).map_or(true, |text| !text.trim().is_empty()),
    }
}

/// The most lines the chunks in flight take together (≈ 20 MB of input and results without
/// explanations): up to seven workers, two chunks each and two more, that is chunks of
/// [`CHUNK`] lines; with more workers the chunks get fewer lines ([`chunk_lines`]), so that
/// the memory of a run does not grow with the number of cores either.
const IN_FLIGHT_LINES: usize = 16 * CHUNK;

/// The fewest lines a chunk without explanations takes, however many the workers.
const LEAST_LINES: usize = 64;

/// Lines a chunk takes in a run with `workers` workers at the explanation level `explain`:
/// [`CHUNK`] (a sixteenth with explanations), or fewer when the chunks in flight
/// ([`in_flight`]) would take more than [`IN_FLIGHT_LINES`].
fn chunk_lines(workers: usize, explain: Explain) -> usize {
    let lines = (IN_FLIGHT_LINES / in_flight(workers)).clamp(LEAST_LINES, CHUNK);
    match explain {
        Explain::None => lines,
        Explain::Motivazione | Explain::Full => lines / EXPLAINED,
    }
}

impl Chunk {
    /// An empty chunk that takes up to `size` lines.
    fn new(size: usize) -> Chunk {
        Chunk {
            size,
            seq: 0,
            bytes_read: Vec::new(),
            lines: Vec::new(),
            read: 0,
            bytes: 0,
            output: Output::default(),
        }
    }

    /// Reads up to `size` lines into the chunk, reusing its buffers: first the bytes `carry`
    /// holds (the start of a line, read with the chunk before), then [`READ_BYTES`] at a time
    /// from `input`; the bytes read past the chunk's last line are left in `carry` for the
    /// next. Lines are what [`BufRead::read_line`] gives: up to and with each `\n`, the last one
    /// without it.
    fn read<R: BufRead>(
        &mut self,
        input: &mut R,
        carry: &mut Vec<u8>,
        line_no: &mut u64,
    ) -> io::Result<()> {
        self.lines.clear();
        self.output.clear();
        self.output.release_large(KEEP_LINES * self.size * LINE_BYTES);
        self.read = 0;
        self.bytes = 0;
        if self.bytes_read.len() > KEEP_READ_BYTES {
            // Grown by unusually long lines: given back.
            self.bytes_read = Vec::new();
        }
        if self.bytes_read.len() < carry.len() {
            self.bytes_read.resize(carry.len(), 0);
        }
        let mut filled = carry.len();
        self.bytes_read.get_mut(..filled).unwrap_or_default().copy_from_slice(carry);
        carry.clear();
        // The start of the line at hand, and where its end is looked for from.
        let (mut start, mut from) = (0, 0);
        let mut at_end = false;
        while self.read < self.size {
            match self.bytes_read.get(from..filled).and_then(|rest| memchr::memchr(b'\n', rest)) {
                Some(i) => {
                    let end = from + i + 1;
                    self.push_line(start..end, line_no);
                    (start, from) = (end, end);
                    continue;
                }
                None => from = filled,
            }
            if at_end {
                // The end of the input: a last line without its line end.
                if start < filled {
                    self.push_line(start..filled, line_no);
                    start = filled;
                }
                break;
            }
            let buf = &mut self.bytes_read;
            if buf.len() < filled + READ_BYTES {
                // Grown only past what was ever read into it: not zeroed again for each read.
                buf.resize(filled + READ_BYTES, 0);
            }
            let room = buf.get_mut(filled..).unwrap_or_default();
            match input.read(room) {
                Ok(0) => at_end = true,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        carry.extend_from_slice(self.bytes_read.get(start..filled).unwrap_or_default());
        Ok(())
    }

    /// Counts the line in `range` of the bytes read, and keeps it when it has content.
    #[inline]
    fn push_line(&mut self, range: std::ops::Range<usize>, line_no: &mut u64) {
        self.read += 1;
        *line_no += 1;
        self.bytes += range.len() as u64;
        let line = self.bytes_read.get(range.clone()).unwrap_or_default();
        if has_content(line) {
            self.lines.push((*line_no, range));
        }
    }

    /// Evaluates the chunk's lines in order into its output, with `worker`'s buffers.
    fn evaluate<'c>(
        &mut self,
        catalogue: &'c Catalogue,
        options: &Options,
        render: &Render<'c>,
        worker: &mut Worker<'c>,
    ) {
        let (bytes, output) = (&self.bytes_read, &mut self.output);
        output.clear();
        // Room for the result lines without explanations, so that the buffer is not moved as
        // it grows (explanations make it grow).
        output.results.reserve(self.lines.len() * LINE_BYTES);
        for (line, range) in &self.lines {
            output.records += 1;
            let evaluated = match std::str::from_utf8(bytes.get(range.clone()).unwrap_or_default())
            {
                Ok(text) => evaluate_line(
                    catalogue,
                    *line,
                    text,
                    options,
                    render,
                    worker,
                    &mut output.results,
                ),
                Err(e) => Err(not_utf8(*line, e.valid_up_to() + 1)),
            };
            if let Err(reject) = evaluated {
                output.rejected += 1;
                output.rejects.push_str(&reject);
            }
        }
    }
}

/// Evaluates every household of `input` (JSON Lines) and writes one result line per household to
/// `output`, in input order, and one line per malformed record to `rejects`. Blank lines are
/// skipped; a line that is not valid UTF-8 is a malformed record. `progress` is called after
/// every chunk. Only I/O errors stop the run.
///
/// The calling thread reads chunks and writes their output, in input order; as many workers as
/// the rayon pool the call is made from has threads (`RAYON_NUM_THREADS`, or one per core)
/// each evaluate whole chunks, taking the next from a queue the reader keeps ahead of them. A
/// worker never waits for another, nor for the writing, as long as the reader keeps up; and
/// at most two chunks a worker (plus two) are read and not yet written, so memory stays flat.
pub fn run<R: BufRead, W: Write, J: Write>(
    catalogue: &Catalogue,
    mut input: R,
    mut output: W,
    mut rejects: J,
    options: &Options,
    mut progress: impl FnMut(Progress),
) -> io::Result<Summary> {
    let workers = rayon::current_num_threads().max(1);
    // The constant parts of every result line: rendered once.
    let render = Render::new(catalogue.programs().map(|p| p.id()), &options.date.to_string());
    let (jobs, queue) = mpsc::channel::<Chunk>();
    let queue = Mutex::new(queue);
    let (done, evaluated) = mpsc::channel::<(Chunk, bool)>();
    let state = std::thread::scope(|scope| {
        for _ in 0..workers {
            let (queue, done, render) = (&queue, done.clone(), &render);
            // A thread the system cannot start is an error of the run, not a panic.
            std::thread::Builder::new()
                .name("welfare-batch".to_owned())
                .spawn_scoped(scope, move || work(catalogue, options, render, queue, &done))?;
        }
        // The workers alone hold the senders of evaluated chunks: when they all stop, the
        // reader's wait ends with an error rather than hanging.
        drop(done);
        let mut pipeline = Pipeline {
            size: chunk_lines(workers, options.explain),
            most: in_flight(workers),
            jobs,
            evaluated,
            waiting: VecDeque::new(),
            first: 0,
            spare: Vec::new(),
            carry: Vec::new(),
            state: Progress::default(),
        };
        // Returning drops the queue's sender, so the workers stop when the reader does, even
        // on an error.
        pipeline.pump(&mut input, &mut output, &mut rejects, &mut progress)
    })?;
    output.flush()?;
    rejects.flush()?;
    Ok(state)
}

/// Chunks a worker may have read ahead of it (besides two more for the reader and the writer):
/// enough that a worker done with a chunk finds the next waiting.
const IN_FLIGHT_PER_WORKER: usize = 2;

/// The most chunks read and not yet written in a run with `workers` workers:
/// [`IN_FLIGHT_PER_WORKER`] a worker, and two more for the reader and the writer.
fn in_flight(workers: usize) -> usize {
    workers.saturating_mul(IN_FLIGHT_PER_WORKER).saturating_add(2)
}

/// A worker's life: it takes chunks from `queue` until the queue is closed, evaluates each and
/// sends it on to `done`, with whether its evaluation ended normally.
fn work<'c>(
    catalogue: &'c Catalogue,
    options: &Options,
    render: &Render<'c>,
    queue: &Mutex<mpsc::Receiver<Chunk>>,
    done: &mpsc::Sender<(Chunk, bool)>,
) {
    let mut worker = Worker::new();
    loop {
        // The lock is held while waiting: the other workers wait for it instead of the queue.
        let next = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(mut chunk) = next else { return };
        let evaluate = || chunk.evaluate(catalogue, options, render, &mut worker);
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(evaluate)).is_ok();
        if !ok {
            // Its buffers may be half-written: a fresh worker goes on.
            worker = Worker::new();
        }
        if done.send((chunk, ok)).is_err() {
            return;
        }
    }
}

/// The reader and writer's side of a run: the chunks read and not yet written, in input order.
struct Pipeline {
    /// The most lines a chunk takes ([`chunk_lines`]).
    size: usize,
    /// The most chunks read and not yet written.
    most: usize,
    /// Chunks for the workers.
    jobs: mpsc::Sender<Chunk>,
    /// Chunks back from the workers, evaluated (or not: `false`).
    evaluated: mpsc::Receiver<(Chunk, bool)>,
    /// The chunks read and not yet written, from the `first`-th on: `None` while at a worker.
    waiting: VecDeque<Option<Chunk>>,
    /// The place in the input of the first of `waiting`.
    first: u64,
    /// Chunks written, kept for reading into again.
    spare: Vec<Chunk>,
    /// The bytes read past the last chunk's lines: the start of the next chunk's first line.
    carry: Vec<u8>,
    state: Progress,
}

impl Pipeline {
    /// Reads every chunk of `input`, hands it to the workers, and writes the chunks back from
    /// them in input order.
    fn pump<R: BufRead, W: Write, J: Write>(
        &mut self,
        input: &mut R,
        output: &mut W,
        rejects: &mut J,
        progress: &mut impl FnMut(Progress),
    ) -> io::Result<Progress> {
        let mut line_no: u64 = 0;
        let mut exhausted = false;
        loop {
            // Reads ahead while there is room, writing whatever is back meanwhile.
            while !exhausted && self.waiting.len() < self.most {
                let mut chunk = self.spare.pop().unwrap_or_else(|| Chunk::new(self.size));
                chunk.read(input, &mut self.carry, &mut line_no)?;
                if chunk.read == 0 {
                    exhausted = true;
                    self.spare.push(chunk);
                    break;
                }
                chunk.seq = self.first + self.waiting.len() as u64;
                if chunk.lines.is_empty() {
                    // Blank lines only: nothing to evaluate.
                    self.waiting.push_back(Some(chunk));
                } else {
                    self.jobs.send(chunk).map_err(|_| stopped())?;
                    self.waiting.push_back(None);
                }
                while let Ok(back) = self.evaluated.try_recv() {
                    self.place(back)?;
                }
                self.write_ready(output, rejects, progress)?;
            }
            self.write_ready(output, rejects, progress)?;
            if self.waiting.is_empty() && exhausted {
                return Ok(self.state);
            }
            if self.waiting.len() >= self.most || exhausted {
                let back = self.evaluated.recv().map_err(|_| stopped())?;
                self.place(back)?;
            }
        }
    }

    /// Puts a chunk back from a worker in its place.
    fn place(&mut self, (chunk, ok): (Chunk, bool)) -> io::Result<()> {
        if !ok {
            return Err(stopped());
        }
        let at = chunk.seq.checked_sub(self.first).and_then(|i| usize::try_from(i).ok());
        match at.and_then(|i| self.waiting.get_mut(i)) {
            Some(slot) => {
                *slot = Some(chunk);
                Ok(())
            }
            None => Err(stopped()),
        }
    }

    /// Writes the chunks at the front that are back, in order, and keeps them for reading.
    fn write_ready<W: Write, J: Write>(
        &mut self,
        output: &mut W,
        rejects: &mut J,
        progress: &mut impl FnMut(Progress),
    ) -> io::Result<()> {
        while let Some(Some(_)) = self.waiting.front() {
            let Some(Some(chunk)) = self.waiting.pop_front() else { break };
            self.first += 1;
            output.write_all(&chunk.output.results)?;
            rejects.write_all(chunk.output.rejects.as_bytes())?;
            self.state.records += chunk.output.records;
            self.state.rejected += chunk.output.rejected;
            self.state.bytes += chunk.bytes;
            progress(self.state);
            self.spare.push(chunk);
        }
        Ok(())
    }
}

/// The error of a run whose workers stopped before its end.
fn stopped() -> io::Error {
    io::Error::other("a batch worker stopped unexpectedly")
}

/// What a worker keeps from one line to the next: the evaluation's buffers, the household
/// records are read into (its strings and member list are reused) and the line templates it
/// has rendered.
struct Worker<'c> {
    scratch: Scratch<'c>,
    household: Household,
    templates: Templates,
}

impl Worker<'_> {
    fn new() -> Self {
        Worker {
            scratch: Scratch::default(),
            household: crate::fastread::empty(),
            templates: Templates::default(),
        }
    }
}

/// The reject line (with its newline) of a record with `error`.
fn reject_line(line: u64, error: &str) -> String {
    let mut json = serde_json::to_string(&RejectLine { line, error }).unwrap_or_default();
    json.push('\n');
    json
}

/// The reject line of a line that is not valid UTF-8 from byte `column` (1-based): a format
/// error of the whole record, located like serde's, that does not repeat the bytes.
fn not_utf8(line: u64, column: usize) -> String {
    let error = HouseholdError::new(
        HouseholdErrorKind::Format,
        ".".to_owned(),
        format!("record is not valid UTF-8 from byte {column}"),
    )
    .in_source(&format!("line {line}"))
    .at(Some((1, column)));
    reject_line(line, &error.to_string())
}

/// Evaluates one line and appends its result line to `out`; a malformed record gives its
/// reject line instead (and leaves `out` as it was).
fn evaluate_line<'c>(
    catalogue: &'c Catalogue,
    line: u64,
    text: &str,
    options: &Options,
    render: &Render<'c>,
    worker: &mut Worker<'c>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let reject = |error: &str| reject_line(line, error);
    let text = text.trim_end();
    // Valid records are the rule: the record's name (for error messages) is only built when
    // the record does not read.
    // The common record is read by hand (`fastread`) into the worker's household; anything
    // else by serde, into a new one.
    let Worker { scratch, household, templates } = worker;
    if !crate::fastread::household_into(text, household) {
        let parsed = match serde_json::from_str::<Household>(text) {
            Ok(parsed) => Ok(parsed),
            Err(_) => Household::parse_json(&format!("line {line}"), text),
        };
        match parsed {
            Ok(parsed) => *household = parsed,
            Err(e) => return Err(reject(&e.to_string())),
        }
    }
    if let Err(e) = household.validate() {
        return Err(reject(&e.to_string()));
    }
    let lang = (options.explain != Explain::None).then_some(options.lang);
    let household = &*household;
    let outcomes = catalogue.outcomes_with(household, options.date, lang, scratch);
    if options.explain == Explain::None {
        write_templated_line(out, line, household, render, outcomes, templates);
    } else {
        write_result_line(out, line, household, render, outcomes, options.explain);
    }
    Ok(())
}

/// The constant parts of a run's result lines, rendered once per run: what follows the
/// household's identifier (the date and the opening of the results), and each measure's
/// object in every form that holds nothing else (no amount, explanation, error or breakdown),
/// which is most of a line.
pub(crate) struct Render<'c> {
    /// `","date":"D","results":[`: closes an identifier written bare (without escapes).
    after_bare_id: String,
    /// `,"date":"D","results":[`: follows an identifier written by serde_json.
    after_quoted_id: String,
    /// The fragments of the catalogue's measures, in the order of its outcomes.
    measures: Vec<MeasureRender<'c>>,
}

/// One measure's fragments, each with a leading comma (skipped for the first measure).
struct MeasureRender<'c> {
    /// The measure's id, as the outcomes borrow it from the catalogue.
    id: &'c str,
    /// `,{"measure":ID,"eligible":false` and `…true`: opens an object that holds more.
    open: [String; 2],
    /// `open` closed at once, by eligibility and then period (none, monthly, annual, one-off):
    /// `,{"measure":ID,"eligible":false,"period":"monthly"}`.
    closed: [[String; 4]; 2],
}

/// The `period` members, by [`period_index`].
const PERIODS: [&str; 4] =
    ["", ",\"period\":\"monthly\"", ",\"period\":\"annual\"", ",\"period\":\"one_off\""];

fn period_index(period: Option<Period>) -> usize {
    match period {
        None => 0,
        Some(Period::Monthly) => 1,
        Some(Period::Annual) => 2,
        Some(Period::OneOff) => 3,
    }
}

const ELIGIBLE: [&str; 2] = [",\"eligible\":false", ",\"eligible\":true"];

impl<'c> Render<'c> {
    /// The fragments for measures with the given ids (in outcome order) on the date written
    /// as `date`.
    pub(crate) fn new(ids: impl IntoIterator<Item = &'c str>, date: &str) -> Render<'c> {
        let mut after_quoted_id = String::from(",\"date\":");
        after_quoted_id.push_str(&json_str(date));
        after_quoted_id.push_str(",\"results\":[");
        let after_bare_id = format!("\"{after_quoted_id}");
        let measures = ids
            .into_iter()
            .map(|id| {
                let mut head = String::from(",{\"measure\":");
                head.push_str(&json_str(id));
                let open = ELIGIBLE.map(|eligible| format!("{head}{eligible}"));
                let closed = [0, 1].map(|e| {
                    PERIODS.map(|period| {
                        let open = open.get(e).map_or("", String::as_str);
                        format!("{open}{period}}}")
                    })
                });
                MeasureRender { id, open, closed }
            })
            .collect();
        Render { after_bare_id, after_quoted_id, measures }
    }

    /// The fragments of the `i`-th outcome when it is the measure `id` (the catalogue's
    /// order): compared by address first, as the outcomes borrow the ids the fragments were
    /// made from.
    fn measure(&self, i: usize, id: &str) -> Option<&MeasureRender<'c>> {
        self.measures.get(i).filter(|m| std::ptr::eq(m.id, id) || m.id == id)
    }
}

/// `fragment` without its leading comma when it opens the list.
fn after_comma(fragment: &str, first: bool) -> &str {
    if first {
        fragment.get(1..).unwrap_or_default()
    } else {
        fragment
    }
}

/// Appends one result line (with its newline) to `out`: exactly what serde_json writes for
/// the line's fields (a test holds them equal), without building the intermediate values,
/// from the fragments of `render` wherever they apply.
fn write_result_line(
    out: &mut Vec<u8>,
    line: u64,
    household: &Household,
    render: &Render<'_>,
    results: &[Outcome<'_>],
    explain: Explain,
) {
    out.extend_from_slice(b"{\"line\":");
    push_digits(out, line);
    let id = household.group_identifier.as_str();
    if needs_escape(id.as_bytes()) {
        out.extend_from_slice(b",\"household\":");
        push_json_str(out, id);
        out.extend_from_slice(render.after_quoted_id.as_bytes());
    } else {
        out.extend_from_slice(b",\"household\":\"");
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(render.after_bare_id.as_bytes());
    }
    for (i, r) in results.iter().enumerate() {
        let first = i == 0;
        let fragments = render.measure(i, r.measure);
        let eligible = usize::from(r.eligible);
        // The common outcome: the object is one fragment.
        if explain == Explain::None
            && r.amount.is_none()
            && r.explained.is_none()
            && r.items.is_none()
        {
            if let Some(closed) =
                fragments.and_then(|f| f.closed.get(eligible)?.get(period_index(r.period)))
            {
                out.extend_from_slice(after_comma(closed, first).as_bytes());
                continue;
            }
        }
        match fragments.and_then(|f| f.open.get(eligible)) {
            Some(open) => out.extend_from_slice(after_comma(open, first).as_bytes()),
            None => {
                out.extend_from_slice(if first { b"{\"measure\":" } else { b",{\"measure\":" });
                push_json_str(out, r.measure);
                out.extend_from_slice(
                    ELIGIBLE.get(eligible).copied().unwrap_or_default().as_bytes(),
                );
            }
        }
        write_rest(out, r, household, explain);
    }
    out.extend_from_slice(b"]}\n");
}

/// Appends the rest of a measure's object, from its amount to its closing brace, to the
/// object opened by its `open` fragment.
fn write_rest(out: &mut Vec<u8>, r: &Outcome<'_>, household: &Household, explain: Explain) {
    if let Some(amount) = r.amount {
        out.extend_from_slice(b",\"amount\":");
        push_money(out, amount);
    }
    out.extend_from_slice(
        PERIODS.get(period_index(r.period)).copied().unwrap_or_default().as_bytes(),
    );
    if explain != Explain::None {
        out.extend_from_slice(b",\"motivazione\":");
        push_json_str(out, r.motivazione());
    }
    if explain == Explain::Full && !r.reasons().is_empty() {
        out.extend_from_slice(b",\"reasons\":[");
        for (j, reason) in r.reasons().iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            push_json_str(out, reason);
        }
        out.push(b']');
    }
    if let Some(error) = r.error() {
        out.extend_from_slice(b",\"error\":");
        push_json_str(out, error);
    }
    let mut items = r.breakdown(household).peekable();
    if items.peek().is_some() {
        out.extend_from_slice(b",\"breakdown\":[");
        for (j, (member, amount)) in items.enumerate() {
            out.extend_from_slice(if j > 0 { b",{\"member\":" } else { b"{\"member\":" });
            push_json_str(out, member);
            out.extend_from_slice(b",\"amount\":");
            push_money(out, amount);
            out.push(b'}');
        }
        out.push(b']');
    }
    out.push(b'}');
}

/// Whether a measure's object is one fragment of [`MeasureRender::closed`]: nothing but its
/// measure, eligibility and period.
fn is_closed(r: &Outcome<'_>) -> bool {
    r.amount.is_none() && r.explained.is_none() && r.items.is_none()
}

/// The constant text of a result line without explanations for one shape of outcomes (each
/// measure's eligibility, and period when its object is closed), from the household's
/// identifier on, with the places where an open object's rest ([`write_rest`]) goes.
#[derive(Default)]
struct LineTemplate {
    /// The shape ([`Templates::key`]); 0 for an empty slot.
    key: u64,
    /// `","date":…,"results":[`, the objects' fragments, `]}` and the newline.
    text: Vec<u8>,
    /// Where each open object's rest goes: the end of the text before it, and its outcome.
    holes: Vec<(usize, usize)>,
}

/// A worker's line templates, in a small table by shape (a shape seen again finds its
/// template in one probe; two shapes in the same slot take turns), and its last line number.
#[derive(Default)]
struct Templates {
    slots: Vec<LineTemplate>,
    /// The digits of the last line number written.
    number: LineNumber,
}

/// Slots of [`Templates`]: 2^6, for the few dozen shapes of a population.
const TEMPLATE_BITS: u32 = 6;

/// Most outcomes a line template describes (four bits each in its key).
const TEMPLATE_MEASURES: usize = 16;

impl Templates {
    /// The shape of a line's outcomes: four bits each, never 0 (1 + 4 × eligible + period
    /// for a closed object, 9 + eligible for an open one). `None` when the outcomes are not
    /// the measures of `render` in its order, none or more than [`TEMPLATE_MEASURES`].
    fn key(render: &Render<'_>, results: &[Outcome<'_>]) -> Option<u64> {
        if results.is_empty()
            || results.len() > TEMPLATE_MEASURES
            || results.len() > render.measures.len()
        {
            return None;
        }
        let mut key = 0u64;
        for (m, r) in render.measures.iter().zip(results) {
            // What `Render::measure` checks.
            if !(std::ptr::eq(m.id, r.measure) || m.id == r.measure) {
                return None;
            }
            let eligible = u64::from(r.eligible);
            let code = if is_closed(r) {
                // period_index < 4: the cast keeps it exactly.
                1 + 4 * eligible + period_index(r.period) as u64
            } else {
                9 + eligible
            };
            key = key << 4 | code;
        }
        Some(key)
    }

    /// The template of the shape `key` of `results` in `slots` (a table's), rendered when its
    /// slot holds another. A table serves one [`Render`] (one run's workers): its templates
    /// hold that render's fragments.
    fn get<'t>(
        slots: &'t mut Vec<LineTemplate>,
        key: u64,
        render: &Render<'_>,
        results: &[Outcome<'_>],
    ) -> Option<&'t LineTemplate> {
        if slots.is_empty() {
            slots.resize_with(1 << TEMPLATE_BITS, LineTemplate::default);
        }
        // Fibonacci hashing: the top bits of the key times 2^64 / φ.
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - TEMPLATE_BITS)) as usize;
        let template = slots.get_mut(slot)?;
        if template.key != key {
            template.key = key;
            template.text.clear();
            template.holes.clear();
            template.text.extend_from_slice(render.after_bare_id.as_bytes());
            for (i, r) in results.iter().enumerate() {
                let first = i == 0;
                let Some(fragments) = render.measure(i, r.measure) else { continue };
                let eligible = usize::from(r.eligible);
                if is_closed(r) {
                    let closed =
                        fragments.closed.get(eligible).and_then(|c| c.get(period_index(r.period)));
                    template.text.extend_from_slice(
                        after_comma(closed.map_or("", String::as_str), first).as_bytes(),
                    );
                } else {
                    let open = fragments.open.get(eligible).map_or("", String::as_str);
                    template.text.extend_from_slice(after_comma(open, first).as_bytes());
                    template.holes.push((template.text.len(), i));
                }
            }
            template.text.extend_from_slice(b"]}\n");
        }
        Some(template)
    }
}

/// [`write_result_line`] without explanations, from the worker's template of the line's shape
/// when the identifier needs no escape and the outcomes are the measures of `render`: one copy
/// of the constant text, and only the open objects' rests written between.
fn write_templated_line(
    out: &mut Vec<u8>,
    line: u64,
    household: &Household,
    render: &Render<'_>,
    results: &[Outcome<'_>],
    templates: &mut Templates,
) {
    let id = household.group_identifier.as_str();
    let Templates { slots, number } = templates;
    let template = match Templates::key(render, results) {
        Some(key) if !needs_escape(id.as_bytes()) => Templates::get(slots, key, render, results),
        _ => None,
    };
    let Some(template) = template else {
        return write_result_line(out, line, household, render, results, Explain::None);
    };
    out.extend_from_slice(b"{\"line\":");
    number.push(out, line);
    out.extend_from_slice(b",\"household\":\"");
    out.extend_from_slice(id.as_bytes());
    let mut start = 0;
    for &(end, i) in &template.holes {
        out.extend_from_slice(template.text.get(start..end).unwrap_or_default());
        if let Some(r) = results.get(i) {
            write_rest(out, r, household, Explain::None);
        }
        start = end;
    }
    out.extend_from_slice(template.text.get(start..).unwrap_or_default());
}

/// Appends an amount as a JSON string, exactly as [`Money`]'s `Display` (and serde) writes it
/// (a property test holds them equal): [`Money::plain_bytes_into`], the one writer of amounts.
fn push_money(out: &mut Vec<u8>, amount: Money) {
    let mut buf = [0u8; Money::PLAIN_MAX];
    out.push(b'"');
    out.extend_from_slice(amount.plain_bytes_into(&mut buf));
    out.push(b'"');
}

/// Appends the decimal digits of `n`.
fn push_digits(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let start = digits_of(n, &mut digits);
    out.extend_from_slice(digits.get(start..).unwrap_or_default());
}

/// Writes the decimal digits of `n` at the end of `digits`; where they start.
fn digits_of(mut n: u64, digits: &mut [u8; 20]) -> usize {
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(d) = digits.get_mut(start) {
            // n % 10 < 10: the cast keeps it exactly.
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    start
}

/// The digits of the last line number a worker wrote: the lines of a chunk mostly follow one
/// another, and the next number's digits are the last one's plus one, counted in place.
#[derive(Default)]
struct LineNumber {
    /// The number `digits` hold, when any.
    line: Option<u64>,
    /// Its digits, at the end.
    digits: [u8; 20],
    /// Where they start.
    start: usize,
}

impl LineNumber {
    /// Appends the digits of `line`.
    fn push(&mut self, out: &mut Vec<u8>, line: u64) {
        let follows = self.line.and_then(|last| last.checked_add(1)) == Some(line);
        if !(follows && self.increment()) {
            self.start = digits_of(line, &mut self.digits);
        }
        self.line = Some(line);
        out.extend_from_slice(self.digits.get(self.start..).unwrap_or_default());
    }

    /// Adds one to the digits; false when they have no room for it.
    fn increment(&mut self) -> bool {
        for i in (self.start..self.digits.len()).rev() {
            match self.digits.get_mut(i) {
                Some(d) if *d == b'9' => *d = b'0',
                Some(d) => {
                    *d += 1;
                    return true;
                }
                None => return false,
            }
        }
        // Nines only: one digit more.
        let Some(start) = self.start.checked_sub(1) else { return false };
        match self.digits.get_mut(start) {
            Some(d) => {
                *d = b'1';
                self.start = start;
                true
            }
            None => false,
        }
    }
}

/// Appends `s` as a JSON string, escaped exactly as serde_json escapes it: text without
/// quotes, backslashes or control characters (identifiers, dates, measure ids) is copied as
/// it is, anything else goes through serde_json.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    if !needs_escape(s.as_bytes()) {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(json_str(s).as_bytes());
    }
}

/// `s` as a JSON string, as serde_json writes it.
fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Whether `bytes` hold a quote, a backslash or a control character: the search of the record
/// reader ([`crate::fastread`]), eight bytes at a time.
fn needs_escape(bytes: &[u8]) -> bool {
    crate::fastread::special(bytes).is_some()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::catalogue::{Explained, List};
    use crate::{BreakdownItem, MeasureResult};
    use proptest::prelude::{any, prop_assert_eq, prop_oneof, proptest, Just, Strategy};

    /// Across several chunks (the pipeline writes one chunk while the next is evaluated),
    /// with blank lines and malformed records in between: every record is counted once, results
    /// and rejects keep input order and carry their line numbers, the progress is monotone.
    #[test]
    fn chunks_keep_order_and_line_numbers() {
        let catalogue = Catalogue::national().unwrap();
        let generator = crate::synthetic::Generator::new(3, 2026).unwrap();
        let mut input = String::new();
        let mut expected_results = Vec::new();
        let mut expected_rejects = Vec::new();
        let mut line = 0u64;
        for (i, household) in generator.households(2 * CHUNK as u64 + 100).enumerate() {
            line += 1;
            input.push_str(&household.to_string());
            input.push('\n');
            expected_results.push(line);
            if i % 1000 == 7 {
                line += 1;
                input.push_str("{\"colour\": \"blue\"}\n");
                expected_rejects.push(line);
            }
            if i == CHUNK - 3 {
                for _ in 0..CHUNK + 5 {
                    line += 1;
                    input.push_str("  \n");
                }
            }
        }
        let options = Options::new(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(), Explain::None);
        let (mut out, mut rejects) = (Vec::new(), Vec::new());
        let mut seen = Vec::new();
        let summary =
            run(&catalogue, input.as_bytes(), &mut out, &mut rejects, &options, |p| seen.push(p))
                .unwrap();
        let numbers = |bytes: &[u8]| -> Vec<u64> {
            String::from_utf8(bytes.to_vec())
                .unwrap()
                .lines()
                .map(|l| {
                    serde_json::from_str::<serde_json::Value>(l).unwrap()["line"].as_u64().unwrap()
                })
                .collect()
        };
        assert_eq!(numbers(&out), expected_results);
        assert_eq!(numbers(&rejects), expected_rejects);
        let records = (expected_results.len() + expected_rejects.len()) as u64;
        assert_eq!(summary.records, records);
        assert_eq!(summary.rejected, expected_rejects.len() as u64);
        assert_eq!(summary.bytes, input.len() as u64);
        assert!(seen.windows(2).all(|w| w[0].records <= w[1].records && w[0].bytes <= w[1].bytes));
        assert_eq!(seen.last(), Some(&summary));
    }

    /// A chunk's output buffers are kept for later chunks: a chunk of blank lines after a full
    /// one writes nothing, and a short chunk in the buffers of a full one writes only its own
    /// lines (never what an earlier chunk left there).
    #[test]
    fn a_chunk_writes_only_its_own_lines() {
        let catalogue = Catalogue::national().unwrap();
        let options = Options::new(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(), Explain::None);
        let generator = crate::synthetic::Generator::new(9, 2026).unwrap();
        let households: Vec<String> =
            generator.households(CHUNK as u64 + 10).map(|h| h.to_string()).collect();
        let mut input = String::new();
        let mut expected = Vec::new();
        let mut line = 0u64;
        for (i, household) in households.iter().enumerate() {
            if i == CHUNK {
                // The second chunk is blank lines only, the third starts with five more.
                for _ in 0..CHUNK + 5 {
                    line += 1;
                    input.push('\n');
                }
            }
            line += 1;
            input.push_str(household);
            input.push('\n');
            expected.push(line);
        }
        let (mut out, mut rejects) = (Vec::new(), Vec::new());
        let summary =
            run(&catalogue, input.as_bytes(), &mut out, &mut rejects, &options, |_| {}).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<u64> = out
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["line"].as_u64().unwrap()
            })
            .collect();
        assert_eq!(lines, expected);
        assert!(rejects.is_empty());
        assert_eq!((summary.records, summary.rejected), (CHUNK as u64 + 10, 0));
        assert_eq!(summary.bytes, input.len() as u64);
    }

    /// A run with explanations takes chunks of a sixteenth of the lines (its lines are ≈ 20
    /// times longer): across several of them, results keep input order and line numbers, and
    /// the progress is reported once a chunk.
    #[test]
    fn explained_runs_take_smaller_chunks_in_order() {
        let catalogue = Catalogue::national().unwrap();
        let options =
            Options::new(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(), Explain::Motivazione);
        let size = CHUNK / EXPLAINED;
        let generator = crate::synthetic::Generator::new(4, 2026).unwrap();
        let mut input = String::new();
        let mut expected = Vec::new();
        for (i, household) in generator.households(3 * size as u64 + 7).enumerate() {
            input.push_str(&household.to_string());
            input.push('\n');
            expected.push(i as u64 + 1);
        }
        let (mut out, mut rejects) = (Vec::new(), Vec::new());
        let mut seen = Vec::new();
        let summary =
            run(&catalogue, input.as_bytes(), &mut out, &mut rejects, &options, |p| seen.push(p))
                .unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<u64> = out
            .lines()
            .map(|l| {
                let value = serde_json::from_str::<serde_json::Value>(l).unwrap();
                assert!(value["results"][0]["motivazione"].is_string());
                value["line"].as_u64().unwrap()
            })
            .collect();
        assert_eq!(lines, expected);
        assert_eq!(summary.records, expected.len() as u64);
        let records: Vec<u64> = seen.iter().map(|p| p.records).collect();
        let s = size as u64;
        assert_eq!(records, [s, 2 * s, 3 * s, 3 * s + 7]);
    }

    /// A line that is not UTF-8 is one rejected record, with its line number and the byte where
    /// the text stops being UTF-8 (issue 9: a malformed record never stops the batch): the other
    /// lines give exactly the results of the same input with a blank line in its place, in the
    /// middle of a chunk, at a chunk's end and as the last line without a line end.
    #[test]
    fn a_line_not_utf8_is_a_reject_and_nothing_else_changes() {
        let catalogue = Catalogue::national().unwrap();
        let options = Options::new(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(), Explain::Full);
        let generator = crate::synthetic::Generator::new(5, 2026).unwrap();
        let households: Vec<String> =
            generator.households(CHUNK as u64 + 10).map(|h| h.to_string()).collect();
        let bad: &[u8] = b"{\"x\":\"\xff\"}\r\n";
        let run_on = |input: &[u8]| {
            let (mut out, mut rejects) = (Vec::new(), Vec::new());
            let summary = run(&catalogue, input, &mut out, &mut rejects, &options, |_| {}).unwrap();
            (summary, out, String::from_utf8(rejects).unwrap())
        };
        for at in [3, CHUNK - 1, CHUNK + 10] {
            let (mut with_bad, mut with_blank) = (Vec::new(), Vec::new());
            for (i, household) in households.iter().enumerate() {
                if i == at {
                    with_bad.extend_from_slice(bad);
                    with_blank.extend_from_slice(b"\n");
                }
                with_bad.extend_from_slice(household.as_bytes());
                with_bad.push(b'\n');
                with_blank.extend_from_slice(household.as_bytes());
                with_blank.push(b'\n');
            }
            if at == households.len() {
                with_bad.extend_from_slice(&bad[..bad.len() - 2]);
            }
            let (summary, out, rejects) = run_on(&with_bad);
            let (blank_summary, blank_out, blank_rejects) = run_on(&with_blank);
            assert_eq!(blank_rejects, "");
            assert_eq!(out, blank_out);
            let line = at + 1;
            assert_eq!(
                rejects,
                format!(
                    "{{\"line\":{line},\"error\":\"line {line}:1:7: .: record is not valid UTF-8 \
                     from byte 7\"}}\n"
                )
            );
            assert_eq!(summary.records, blank_summary.records + 1);
            assert_eq!((summary.rejected, blank_summary.rejected), (1, 0));
            assert_eq!(summary.bytes, with_bad.len() as u64);
        }
    }

    proptest! {
        /// The eight-bytes-at-a-time test answers as the byte-wise one, on text of every kind.
        #[test]
        fn needs_escape_is_the_bytewise_test(text in "(.|[\"\\\\\u{0}-\u{1f}\u{7f}-\u{ff}]){0,40}") {
            let bytewise = text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\');
            prop_assert_eq!(needs_escape(text.as_bytes()), bytewise);
        }
    }

    /// The result line as serde_json writes it: the reference [`write_result_line`] must equal.
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

    fn serde_line(
        line: u64,
        household: &str,
        date: &str,
        results: &[MeasureResult],
        explain: Explain,
    ) -> String {
        let full = explain == Explain::Full;
        let results = results
            .iter()
            .map(|r| MeasureLine {
                measure: &r.measure,
                eligible: r.eligible,
                amount: r.amount,
                period: r.period,
                motivazione: (explain != Explain::None).then_some(r.motivazione.as_str()),
                reasons: (full && !r.reasons.is_empty()).then_some(r.reasons.as_slice()),
                error: r.error.as_deref(),
                breakdown: &r.breakdown,
            })
            .collect();
        let mut json =
            serde_json::to_string(&ResultLine { line, household, date, results }).unwrap();
        json.push('\n');
        json
    }

    /// Every explanation level, on synthetic households and on results with every optional
    /// field and awkward text (quotes, backslashes, control characters, non-ASCII).
    #[test]
    fn result_lines_are_what_serde_json_writes() {
        let catalogue = Catalogue::national().unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let generator = crate::synthetic::Generator::new(11, 2026).unwrap();
        let mut scratch = Scratch::default();
        let render = Render::new(catalogue.programs().map(|p| p.id()), "2026-09-01");
        let mut templates = Templates::default();
        for (i, household) in generator.households(60).enumerate() {
            let household: Household = serde_json::from_value(household).unwrap();
            for explain in [Explain::None, Explain::Motivazione, Explain::Full] {
                let lang = (explain != Explain::None).then_some(Lang::It);
                let outcomes = catalogue.outcomes_with(&household, date, lang, &mut scratch);
                let mut out = Vec::new();
                write_result_line(&mut out, i as u64, &household, &render, outcomes, explain);
                let results = match explain {
                    Explain::None => catalogue.evaluate_outcomes(&household, date),
                    _ => catalogue.evaluate(&household, date),
                };
                let id = &household.group_identifier;
                let want = serde_line(i as u64, id, "2026-09-01", &results, explain);
                assert_eq!(String::from_utf8(out).unwrap(), want);
                if explain == Explain::None {
                    // From a template rendered for this line or an earlier one.
                    for _ in 0..2 {
                        let mut out = Vec::new();
                        write_templated_line(
                            &mut out,
                            i as u64,
                            &household,
                            &render,
                            outcomes,
                            &mut templates,
                        );
                        assert_eq!(String::from_utf8(out).unwrap(), want);
                    }
                }
            }
        }
        // Every text that needs escaping, in every field.
        let mut household = Household::example().unwrap();
        household.group_identifier = "h\"1\u{0}".into();
        household.member_list[0].member_identifier = "m\u{1f}".into();
        let odd = || Outcome {
            measure: "comune/x\"y",
            eligible: true,
            amount: Some(Money::from_cents(-5)),
            period: Some(Period::OneOff),
            items: Some((
                vec![welfare_rules::Value::Num(rust_decimal::Decimal::ZERO)].into(),
                vec![welfare_rules::Value::Num(rust_decimal::Decimal::ONE)].into(),
            )),
            explained: Some(Box::new(Explained {
                reasons: vec!["a\\b".into(), "tab\there\u{1}".into(), "è €".into()],
                motivazione: "line\nbreak \u{7f}".into(),
                error: Some("err \"quoted\"".into()),
            })),
        };
        let outcomes = [odd(), Outcome { period: Some(Period::Annual), ..odd() }];
        let results: Vec<MeasureResult> =
            [odd(), Outcome { period: Some(Period::Annual), ..odd() }]
                .into_iter()
                .map(|o| o.into_result(&household))
                .collect();
        assert_eq!(results[0].breakdown[0].member, "m\u{1f}");
        // With the measure's fragments (its id needs escaping too), and without any.
        for render in [Render::new(["comune/x\"y"], "d\\"), Render::new([], "d\\")] {
            for explain in [Explain::None, Explain::Motivazione, Explain::Full] {
                let mut out = Vec::new();
                write_result_line(&mut out, 7, &household, &render, &outcomes, explain);
                let want = serde_line(7, "h\"1\u{0}", "d\\", &results, explain);
                assert_eq!(String::from_utf8(out).unwrap(), want);
            }
            // An identifier that needs escaping is written without a template.
            let mut out = Vec::new();
            write_templated_line(&mut out, 7, &household, &render, &outcomes, &mut templates);
            let want = serde_line(7, "h\"1\u{0}", "d\\", &results, Explain::None);
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    /// The pre-rendered fragments, for every national measure (and an id that needs escaping)
    /// in every position, eligible or not, with every period, with and without an amount, an
    /// error, a breakdown (empty or not) and explanations, are what serde_json writes; so is
    /// the line written without fragments, or with the fragments of other measures.
    #[test]
    fn fragments_are_what_serde_json_writes() {
        let catalogue = Catalogue::national().unwrap();
        let mut ids: Vec<&str> = catalogue.programs().map(|p| p.id()).collect();
        ids.push("comune/\"odd\"\\id\u{7}");
        let household = Household::example().unwrap();
        let list = |n: &[i64]| -> List {
            n.iter().map(|&n| welfare_rules::Value::Num(rust_decimal::Decimal::from(n))).collect()
        };
        let renders = [
            Render::new(ids.iter().copied(), "2026-09-01"),
            Render::new([], "2026-09-01"),
            Render::new(ids.iter().rev().copied(), "2026-09-01"),
        ];
        let periods = [None, Some(Period::Monthly), Some(Period::Annual), Some(Period::OneOff)];
        let mut templates: [Templates; 3] = Default::default();
        let mut checked = 0;
        for eligible in [false, true] {
            for period in periods {
                for amount in [None, Some(Money::from_cents(12_345)), Some(Money::from_cents(0))] {
                    for (explained, error) in
                        [(false, None), (true, None), (true, Some("manca il fatto \"isee\""))]
                    {
                        for items in
                            [None, Some((list(&[]), list(&[]))), Some((list(&[7]), list(&[3])))]
                        {
                            let outcome = |measure| Outcome {
                                measure,
                                eligible,
                                amount,
                                period,
                                items: items.clone(),
                                explained: explained.then(|| {
                                    Box::new(Explained {
                                        reasons: if eligible { vec![] } else { vec!["no".into()] },
                                        motivazione: "m".into(),
                                        error: error.map(str::to_owned),
                                    })
                                }),
                            };
                            let outcomes: Vec<Outcome<'_>> =
                                ids.iter().map(|id| outcome(id)).collect();
                            let results: Vec<MeasureResult> =
                                ids.iter().map(|id| outcome(id).into_result(&household)).collect();
                            for explain in [Explain::None, Explain::Motivazione, Explain::Full] {
                                let want = serde_line(
                                    3,
                                    &household.group_identifier,
                                    "2026-09-01",
                                    &results,
                                    explain,
                                );
                                for render in &renders {
                                    let mut out = Vec::new();
                                    write_result_line(
                                        &mut out, 3, &household, render, &outcomes, explain,
                                    );
                                    assert_eq!(String::from_utf8(out).unwrap(), want);
                                    checked += 1;
                                }
                                if explain == Explain::None {
                                    // One table of templates for every shape and render:
                                    // shapes take turns in its slots.
                                    for (r, render) in renders.iter().enumerate() {
                                        let mut out = Vec::new();
                                        write_templated_line(
                                            &mut out,
                                            3,
                                            &household,
                                            render,
                                            &outcomes,
                                            &mut templates[r],
                                        );
                                        assert_eq!(String::from_utf8(out).unwrap(), want);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 2 * 4 * 3 * 3 * 3 * 3 * 3);
    }

    /// Inputs of many chunks, with malformed records and blank runs, give the same output
    /// and rejects, byte for byte, whatever the number of workers (one, two, five): chunks
    /// come back from the workers in any order and are written in input order.
    #[test]
    fn chunks_take_fewer_lines_past_seven_workers() {
        use Explain::{Full, Motivazione, None};
        for workers in [1, 2, 4, 7] {
            assert_eq!(chunk_lines(workers, None), CHUNK);
            assert_eq!(chunk_lines(workers, Full), CHUNK / EXPLAINED);
        }
        // 8 workers: 18 chunks in flight share the 16,384 lines.
        assert_eq!(chunk_lines(8, None), 910);
        assert_eq!(chunk_lines(8, Motivazione), 56);
        assert_eq!(chunk_lines(64, None), 126);
        // However many, a chunk takes some lines, and explained runs at least one.
        assert_eq!(chunk_lines(1_000, None), LEAST_LINES);
        assert_eq!(chunk_lines(usize::MAX, Full), LEAST_LINES / EXPLAINED);
        for workers in 1..300 {
            let lines = chunk_lines(workers, None);
            let in_flight = workers * IN_FLIGHT_PER_WORKER + 2;
            assert_eq!(super::in_flight(workers), in_flight, "{workers}");
            assert!(lines * in_flight <= IN_FLIGHT_LINES || lines == LEAST_LINES, "{workers}");
        }
    }

    #[test]
    fn any_number_of_workers_writes_the_same_bytes() {
        let catalogue = Catalogue::national().unwrap();
        let generator = crate::synthetic::Generator::new(6, 2026).unwrap();
        let mut input = String::new();
        for (i, household) in generator.households(5 * CHUNK as u64 + 33).enumerate() {
            input.push_str(&household.to_string());
            input.push('\n');
            if i % 700 == 3 {
                input.push_str("{\"members\": 7}\n");
            }
            if i == 2 * CHUNK {
                input.push_str(&"\n".repeat(CHUNK + 1));
            }
        }
        for explain in [Explain::None, Explain::Full] {
            let options = Options::new(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(), explain);
            // 40 workers take chunks of fewer lines (`chunk_lines`): the bytes are the same.
            let outputs: Vec<(Vec<u8>, Vec<u8>, Summary)> = [1, 2, 5, 40]
                .into_iter()
                .map(|threads| {
                    let pool =
                        rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                    pool.install(|| {
                        let (mut out, mut rejects) = (Vec::new(), Vec::new());
                        let summary = run(
                            &catalogue,
                            input.as_bytes(),
                            &mut out,
                            &mut rejects,
                            &options,
                            |_| {},
                        )
                        .unwrap();
                        (out, rejects, summary)
                    })
                })
                .collect();
            let (out, rejects, summary) = &outputs[0];
            assert_eq!(summary.records, 5 * CHUNK as u64 + 33 + 8);
            assert_eq!(summary.rejected, 8);
            assert_eq!(String::from_utf8_lossy(rejects).lines().count(), 8);
            for other in &outputs[1..] {
                assert!(other.0 == *out, "results differ with another number of workers");
                assert_eq!(&other.1, rejects);
                assert_eq!(&other.2, summary);
            }
        }
    }

    /// Inputs read a few bytes at a time or many, through a buffer or not, give the same
    /// output: lines longer than a read ([`READ_BYTES`]), lines split across reads and across
    /// chunks, Windows line ends, blank lines and a last line without its line end.
    #[test]
    fn reads_of_any_size_give_the_same_output() {
        struct Trickle<'a>(&'a [u8], usize);
        impl io::Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(self.0.len()).min(self.1);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let catalogue = Catalogue::national().unwrap();
        let options = Options::new(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(), Explain::None);
        let generator = crate::synthetic::Generator::new(10, 2026).unwrap();
        let mut input = String::new();
        for (i, household) in generator.households(2 * CHUNK as u64 + 5).enumerate() {
            let text = household.to_string();
            match i % 500 {
                // A record padded past a read's size (JSON allows the spaces).
                7 => input.push_str(&text.replacen(
                    '{',
                    &format!("{{{}", " ".repeat(READ_BYTES + 99)),
                    1,
                )),
                8 => input.push_str(&text.replacen(
                    ',',
                    &format!(",{}", " ".repeat(3 * READ_BYTES)),
                    1,
                )),
                _ => input.push_str(&text),
            }
            input.push_str(if i % 3 == 0 { "\r\n" } else { "\n" });
            if i % 97 == 0 {
                input.push_str(" \t\n\n");
            }
        }
        input.push_str(&generator.households(1).next().unwrap().to_string());
        let whole = {
            let (mut out, mut rejects) = (Vec::new(), Vec::new());
            let summary =
                run(&catalogue, input.as_bytes(), &mut out, &mut rejects, &options, |_| {})
                    .unwrap();
            (out, rejects, summary)
        };
        assert_eq!(whole.2.records, 2 * CHUNK as u64 + 6);
        assert_eq!(whole.2.rejected, 0);
        assert_eq!(whole.2.bytes, input.len() as u64);
        for (step, capacity) in [(1, 1), (7, 8192), (READ_BYTES - 1, 8192), (usize::MAX, 1 << 20)] {
            let reader = io::BufReader::with_capacity(capacity, Trickle(input.as_bytes(), step));
            let (mut out, mut rejects) = (Vec::new(), Vec::new());
            let summary =
                run(&catalogue, reader, &mut out, &mut rejects, &options, |_| {}).unwrap();
            assert!(out == whole.0, "output differs reading {step} bytes at a time");
            assert_eq!(rejects, whole.1);
            assert_eq!(summary, whole.2);
        }
    }

    /// An input that fails part way, and an output that fails part way, stop the run with
    /// their error (the workers stop too: the call returns), after writing what came before.
    #[test]
    fn io_errors_stop_the_run_with_their_error() {
        struct FailingInput<'a>(&'a [u8], usize);
        impl io::Read for FailingInput<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.1 == 0 {
                    return Err(io::Error::other("disk gone"));
                }
                let n = buf.len().min(self.0.len()).min(self.1);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                self.1 -= n;
                Ok(n)
            }
        }
        struct FailingOutput(usize);
        impl Write for FailingOutput {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                if self.0 < buf.len() {
                    return Err(io::Error::other("disk full"));
                }
                self.0 -= buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let catalogue = Catalogue::national().unwrap();
        let options = Options::new(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(), Explain::None);
        let generator = crate::synthetic::Generator::new(8, 2026).unwrap();
        let mut input = String::new();
        for household in generator.households(4 * CHUNK as u64) {
            input.push_str(&household.to_string());
            input.push('\n');
        }
        let half = input.len() / 2;
        let reader = io::BufReader::new(FailingInput(input.as_bytes(), half));
        let mut out = Vec::new();
        let error = run(&catalogue, reader, &mut out, io::sink(), &options, |_| {}).unwrap_err();
        assert_eq!(error.to_string(), "disk gone");
        assert!(out.len() < half * 2);
        let error =
            run(&catalogue, input.as_bytes(), FailingOutput(100_000), io::sink(), &options, |_| {})
                .unwrap_err();
        assert_eq!(error.to_string(), "disk full");
    }

    proptest! {
        /// Amounts of every size and scale (whole ones, cents, many decimals, zero and minus
        /// zero, beyond 64 bits) are written as serde_json writes them.
        #[test]
        fn amounts_are_what_serde_json_writes(
            mantissa in prop_oneof![
                -1_000i128..1_000,
                -100_000_000i128..100_000_000,
                any::<i64>().prop_map(i128::from),
                (i128::from(u64::MAX) - 5)..(i128::from(u64::MAX) + 5),
                -(1i128 << 96) + 1..(1i128 << 96),
            ],
            scale in prop_oneof![0u32..4, 0u32..=28],
            negative_zero in any::<bool>(),
        ) {
            let mut value = rust_decimal::Decimal::from_i128_with_scale(mantissa, scale);
            if mantissa == 0 && negative_zero {
                value.set_sign_negative(true);
            }
            let amount = Money::from_decimal(value);
            let mut out = b"x".to_vec();
            push_money(&mut out, amount);
            prop_assert_eq!(String::from_utf8(out).unwrap(), format!("x{}", serde_json::to_string(&amount).unwrap()));
        }
    }

    proptest! {
        /// Line numbers counted on from the last one, or jumping, are written as serde_json
        /// writes them: through every carry, into one digit more, up to the largest.
        #[test]
        fn counted_line_numbers_are_serde_jsons(
            first in prop_oneof![0u64..100_000, any::<u64>(), (u64::MAX - 30)..=u64::MAX],
            steps in proptest::collection::vec(prop_oneof![Just(1u64), Just(1u64), 0u64..3, any::<u64>()], 0..40),
        ) {
            let mut number = LineNumber::default();
            let mut line = first;
            for step in steps.into_iter().chain([1]) {
                let mut out = b"x".to_vec();
                number.push(&mut out, line);
                prop_assert_eq!(String::from_utf8(out).unwrap(), format!("x{line}"));
                line = line.wrapping_add(step);
            }
        }
    }

    /// Carries and one digit more, counted on from one number to the next.
    #[test]
    fn line_numbers_carry() {
        let mut number = LineNumber::default();
        for first in [0, 8, 98, 999, 9_999_999, 9_999_999_999_999_999_999, u64::MAX - 2] {
            for line in first..=first.saturating_add(2) {
                let mut out = Vec::new();
                number.push(&mut out, line);
                assert_eq!(String::from_utf8(out).unwrap(), line.to_string());
            }
        }
    }

    /// Line numbers are written as serde_json writes them, up to the largest.
    #[test]
    fn digits_are_serde_jsons() {
        for n in [0, 1, 9, 10, 99, 100, 123_456, u64::MAX / 10, u64::MAX - 1, u64::MAX] {
            let mut out = b"x".to_vec();
            push_digits(&mut out, n);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                format!("x{}", serde_json::to_string(&n).unwrap())
            );
        }
    }
}
