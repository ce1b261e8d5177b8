//! `welfare batch`: every household of a JSON Lines file through the national measures (and any
//! local rulebook), streaming, on every core, with the results in input order.
//!
//! ```text
//! welfare batch [--national] [--rulebook PATH ...] [--measure ID ...] --input households.jsonl
//!               [--output results.jsonl] [--rejects rejects.jsonl] [--date D]
//!               [--explain none|motivazione|full] [--lang it|en]
//! ```
//!
//! Progress goes to standard error: a bar with rate and ETA when it is a terminal, a plain line
//! every few seconds otherwise. A closing summary says records, rejected, elapsed and records per
//! second. Exit 0 when nothing was rejected, 1 when some records were, 2 when the run could not
//! start (unreadable input, a rulebook that does not check).

use std::fs::File;
use std::io::{self, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use welfare_benefits::batch::{self, Explain, Options, Progress};
use welfare_benefits::{Catalogue, Lang};

use crate::output::{self, Outcome};

/// Arguments of `welfare batch`.
#[derive(Debug, clap::Args)]
pub(crate) struct BatchArgs {
    /// Evaluate the national measures (the default; local rulebooks are added to them).
    #[arg(long)]
    national: bool,
    /// A local rulebook to evaluate besides the national measures; repeatable.
    #[arg(long = "rulebook", value_name = "PATH")]
    rulebooks: Vec<PathBuf>,
    /// Evaluate only this measure (`it/assegno-unico`, or a local rulebook's id); repeatable.
    /// Every measure when absent.
    #[arg(long = "measure", value_name = "ID")]
    measures: Vec<String>,
    /// Households as JSON Lines (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Where to write the results (standard output when absent).
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Where to write malformed records with their line number and error (standard error when
    /// absent).
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// Evaluation date (YYYY-MM-DD); today when absent.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,
    /// How much explanation each result carries.
    #[arg(long, value_enum, default_value = "none")]
    explain: ExplainArg,
    /// Language of motivazioni and reasons.
    #[arg(long, value_enum, default_value = "it")]
    lang: LangArg,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ExplainArg {
    /// Measure, eligibility, amount, period.
    None,
    /// Also the motivazione of each measure.
    Motivazione,
    /// Also the reasons of every refusal.
    Full,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
enum LangArg {
    /// Italiano.
    It,
    /// English.
    En,
}

/// Runs `welfare batch`.
pub(crate) fn run(args: BatchArgs) -> Outcome {
    let started = Instant::now();
    let mut catalogue = match Catalogue::national() {
        Ok(c) => c,
        Err(e) => {
            output::error(format_args!("the national rulebooks do not load: {e}"));
            return Outcome::Usage;
        }
    };
    let _ = args.national; // the national measures are always evaluated
    for path in &args.rulebooks {
        // A rulebook that cannot be read or loaded stops the run before it starts (exit 2).
        let Ok(text) = output::read_text(path) else { return Outcome::Usage };
        if let Err(e) = catalogue.add_rulebook(&text, &path.display().to_string()) {
            output::error(format_args!("{}: {e}", path.display()));
            return Outcome::Usage;
        }
    }
    if !args.measures.is_empty() {
        if let Err(e) = catalogue.keep_only(args.measures.iter().map(String::as_str)) {
            output::error(format_args!("--measure: {e}"));
            return Outcome::Usage;
        }
    }
    let (input, size): (Box<dyn Read>, Option<u64>) = if args.input.as_os_str() == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        match File::open(&args.input) {
            Ok(f) => {
                let size = f.metadata().ok().map(|m| m.len());
                (Box::new(f), size)
            }
            Err(e) => {
                output::error(format_args!("cannot read {}: {e}", args.input.display()));
                return Outcome::Usage;
            }
        }
    };
    let out: Box<dyn Write> = match &args.output {
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                output::error(format_args!("cannot create {}: {e}", path.display()));
                return Outcome::Usage;
            }
        },
        None => Box::new(io::stdout().lock()),
    };
    let rejects: Box<dyn Write> = match &args.rejects {
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                output::error(format_args!("cannot create {}: {e}", path.display()));
                return Outcome::Usage;
            }
        },
        None => Box::new(io::stderr()),
    };
    let date = args.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let explain = match args.explain {
        ExplainArg::None => Explain::None,
        ExplainArg::Motivazione => Explain::Motivazione,
        ExplainArg::Full => Explain::Full,
    };
    let mut options = Options::new(date, explain);
    options.lang = if args.lang == LangArg::En { Lang::En } else { Lang::It };

    let mut reporter = Reporter::new(size, started);
    // The batch writes each chunk's results at once (hundreds of kilobytes): past the
    // buffer's size they go straight to the file instead of being copied into the buffer
    // first, which only gathers the small outputs of short runs.
    let result = batch::run(
        &catalogue,
        // The batch reads 64 KiB at a time (`batch::READ_BYTES`), straight past a buffer of
        // the default 8 KiB into its own.
        BufReader::new(input),
        BufWriter::with_capacity(1 << 16, out),
        BufWriter::new(rejects),
        &options,
        |p| reporter.update(p),
    );
    reporter.finish();
    // The catalogue lives until the process ends: freeing its tens of thousands of allocations
    // one by one (≈ 5 M instructions) would only delay the exit.
    std::mem::forget(catalogue);
    match result {
        Ok(summary) => {
            let elapsed = started.elapsed();
            let rate = per_second(summary.records, elapsed);
            output::error(format_args!(
                "batch: {} records, {} rejected, {:.3} s, {rate} records/s",
                summary.records,
                summary.rejected,
                elapsed.as_secs_f64()
            ));
            if summary.rejected == 0 {
                Outcome::Ok
            } else {
                Outcome::Invalid
            }
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Outcome::Ok,
        Err(e) => {
            output::error(format_args!("batch stopped: {e}"));
            Outcome::Usage
        }
    }
}

/// Whole records per second, computed in integers (nanoseconds).
fn per_second(records: u64, elapsed: Duration) -> u128 {
    let nanos = elapsed.as_nanos().max(1);
    u128::from(records) * 1_000_000_000 / nanos
}

/// Progress on standard error: an indicatif bar on a terminal, a plain line every 5 s otherwise.
struct Reporter {
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    last_line: Instant,
}

impl Reporter {
    fn new(size: Option<u64>, started: Instant) -> Reporter {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = match size {
                Some(bytes) => indicatif::ProgressBar::new(bytes),
                None => indicatif::ProgressBar::new_spinner(),
            };
            let style = indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% {msg} ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Reporter { bar, started, last_line: started }
    }

    fn update(&mut self, p: Progress) {
        let rate = per_second(p.records, self.started.elapsed());
        match &self.bar {
            Some(bar) => {
                bar.set_position(p.bytes);
                bar.set_message(format!(
                    "{} records ({rate}/s), {} rejected",
                    p.records, p.rejected
                ));
            }
            None if self.last_line.elapsed() >= Duration::from_secs(5) => {
                self.last_line = Instant::now();
                output::error(format_args!(
                    "batch: {} records, {} rejected, {rate} records/s",
                    p.records, p.rejected
                ));
            }
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
