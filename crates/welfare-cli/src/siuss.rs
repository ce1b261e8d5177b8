//! `welfare siuss`: validate, export and split SIUSS flows for INPS.
//!
//! The contract (stable, checked by the integration tests):
//!
//! * `welfare siuss validate [--json] FILE.xml` validates a PS-PSA-SINA or SINBA flow against the
//!   official XSDs and the INPS specification, streaming (any size, constant memory). It prints
//!   one line per issue on standard output, `PATH: RULE: MESSAGE` (warnings as
//!   `PATH: warning: RULE: MESSAGE`), or with `--json` one JSON object per issue
//!   (`{"path","rule","severity","message"}`) and a last line with the report (`kind`,
//!   `version`, `records`, `benefits`, `errors`, `warnings`). A summary goes to standard error.
//!   Exit 0 when there is no error (warnings allowed), 1 otherwise, 2 when the file cannot be
//!   opened.
//! * `welfare siuss export --input FILE --out FILE.xml [--kind ps|sinba]` reads the YAML/JSON
//!   description documented in `welfare_siuss::input` and writes the flow (default kind: `ps`,
//!   or `sinba` when the input has only `minori`). A record that cannot be converted or breaks a
//!   rule is reported on standard error (`welfare: FILE: PATH: what`) and left out; the others
//!   are written. Exit 0 when every record was written, 1 otherwise (no file when none was).
//! * `welfare siuss split FILE.xml --out-dir DIR [--date YYYY-MM-DD] [--first-progressive N]
//!   [--ts TIMESTAMP]` splits a bulk flow into WaaS entries (one beneficiary and one benefit
//!   each), written as `DIR/{id_flusso}.json` in the `GET /flussi` entry format; it prints the
//!   `id_flusso` of each. `--date` defaults to the date in the bulk flow's name (else today),
//!   `--ts` (RFC 3339 or milliseconds) to now; each entry's `ts_flusso` is one millisecond after
//!   the previous. Bad records are reported as issue lines and skipped; exit 1 if any was.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand, ValueEnum};
use welfare_siuss::input::ExportInput;
use welfare_siuss::waas::{split_xml, SplitOptions};
use welfare_siuss::{
    validate_xml_with, FlowKind, FlowReader, FlowWriter, Issue, NomeFlusso, SiussError, TsFlusso,
};

use crate::output::{self, Outcome};

/// SIUSS: validate, export and split flows for INPS.
#[derive(Debug, Args)]
pub(crate) struct SiussArgs {
    #[command(subcommand)]
    command: SiussCommand,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Kind {
    /// PS-PSA-SINA (beneficiaries and their benefits).
    Ps,
    /// SINBA (children and families).
    Sinba,
}

#[derive(Debug, Subcommand)]
enum SiussCommand {
    /// Validate a PS-PSA-SINA or SINBA XML flow: one line per issue (path, rule, message).
    Validate {
        /// One JSON object per issue, then the report.
        #[arg(long)]
        json: bool,
        /// The XML flow.
        file: PathBuf,
    },
    /// Write a flow from a YAML/JSON description of beneficiaries and benefits (or minors).
    Export {
        /// The YAML or JSON description (`-` for standard input).
        #[arg(long)]
        input: PathBuf,
        /// The XML file to write.
        #[arg(long)]
        out: PathBuf,
        /// ps or sinba (default: ps, or sinba when the input has only minors).
        #[arg(long, value_enum)]
        kind: Option<Kind>,
    },
    /// Split a bulk flow into WaaS entries (JSON), one beneficiary and one benefit each.
    Split {
        /// The bulk XML flow.
        file: PathBuf,
        /// Directory for the `{id_flusso}.json` files (created if missing).
        #[arg(long)]
        out_dir: PathBuf,
        /// Creation day in the names (default: the bulk flow's, else today).
        #[arg(long)]
        date: Option<NaiveDate>,
        /// First daily progressive.
        #[arg(long, default_value_t = 1)]
        first_progressive: u32,
        /// ts_flusso of the first entry, RFC 3339 or milliseconds (default: now).
        #[arg(long, value_parser = parse_ts)]
        ts: Option<TsFlusso>,
    },
}

fn parse_ts(text: &str) -> Result<TsFlusso, String> {
    TsFlusso::parse(text)
        .ok_or_else(|| "expected RFC 3339 (2023-11-27T11:04:56.852Z) or milliseconds".to_owned())
}

/// Runs `welfare siuss`.
pub(crate) fn run(args: SiussArgs) -> Outcome {
    match args.command {
        SiussCommand::Validate { json, file } => validate(&file, json),
        SiussCommand::Export { input, out, kind } => export(&input, &out, kind),
        SiussCommand::Split { file, out_dir, date, first_progressive, ts } => {
            split(&file, &out_dir, date, first_progressive, ts)
        }
    }
}

fn open(path: &Path) -> Result<BufReader<File>, Outcome> {
    File::open(path).map(|f| BufReader::with_capacity(1 << 16, f)).map_err(|e| {
        output::error(format_args!("{}: cannot open: {e}", path.display()));
        Outcome::Usage
    })
}

fn issue_line(out: &mut impl Write, issue: &Issue, json: bool) -> io::Result<()> {
    if json {
        output::json_line(out, issue)
    } else {
        writeln!(out, "{issue}")
    }
}

fn validate(path: &Path, json: bool) -> Outcome {
    let input = match open(path) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut write_failed = false;
    let result = validate_xml_with(input, |issue| {
        write_failed |= issue_line(&mut out, &issue, json).is_err();
    });
    let outcome = match result {
        Ok(report) => {
            if json {
                write_failed |= output::json_line(&mut out, &report).is_err();
            }
            output::error(format_args!(
                "{}: {} error(s), {} warning(s); {} read as {}, {} record(s)",
                path.display(),
                report.errors,
                report.warnings,
                report.kind.waas_tipo(),
                report.version.version.xsd_name(),
                report.records
            ));
            if report.is_valid() {
                Outcome::Ok
            } else {
                Outcome::Invalid
            }
        }
        // The file could not be read (a directory, a failing disk): not a finding about it.
        Err(SiussError::Io(e)) => {
            output::error(format_args!("{}: cannot read: {e}", path.display()));
            Outcome::Usage
        }
        Err(e) => {
            for issue in e.issues() {
                write_failed |= issue_line(&mut out, issue, json).is_err();
            }
            output::error(format_args!("{}: {e}", path.display()));
            Outcome::Invalid
        }
    };
    if write_failed || out.flush().is_err() {
        return Outcome::Usage;
    }
    outcome
}

fn read_input(path: &Path) -> Result<ExportInput, Outcome> {
    let text = output::read_text(path)?;
    let de = serde_yaml::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let at = e.path().to_string();
        let line =
            e.inner().location().map(|l| format!(" (line {})", l.line())).unwrap_or_default();
        output::error(format_args!("{}: {at}{line}: {}", path.display(), e.inner()));
        Outcome::Invalid
    })
}

fn export(input_path: &Path, out_path: &Path, kind: Option<Kind>) -> Outcome {
    let input = match read_input(input_path) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let kind = match kind {
        Some(Kind::Ps) => FlowKind::Ps,
        Some(Kind::Sinba) => FlowKind::Sinba,
        None if input.beneficiari.is_empty() && !input.minori.is_empty() => FlowKind::Sinba,
        None => FlowKind::Ps,
    };
    let header = match input.identificazione(kind) {
        Ok(h) => h,
        Err(e) => {
            output::error(format_args!("{}: {e}", input_path.display()));
            return Outcome::Invalid;
        }
    };
    let tmp = out_path.with_extension("xml.part");
    let file = match File::create(&tmp) {
        Ok(f) => BufWriter::new(f),
        Err(e) => {
            output::error(format_args!("{}: cannot create: {e}", tmp.display()));
            return Outcome::Usage;
        }
    };
    let mut writer = match FlowWriter::new(file, kind, &header) {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            report_refusal(input_path, "ente", &e);
            return Outcome::Invalid;
        }
    };
    let mut bad = 0usize;
    match kind {
        FlowKind::Ps => {
            for (i, b) in input.beneficiari().into_iter().enumerate() {
                let written = b.and_then(|b| writer.beneficiario(&b));
                if let Err(e) = written {
                    bad += 1;
                    report_refusal(input_path, &format!("beneficiari[{i}]"), &e);
                }
            }
        }
        FlowKind::Sinba => {
            for (i, m) in input.minori().into_iter().enumerate() {
                let written = m.and_then(|m| writer.sinba(&m));
                if let Err(e) = written {
                    bad += 1;
                    report_refusal(input_path, &format!("minori[{i}]"), &e);
                }
            }
        }
    }
    match writer.finish() {
        Ok(mut w) => {
            if w.flush().is_err() || std::fs::rename(&tmp, out_path).is_err() {
                output::error(format_args!("{}: cannot write", out_path.display()));
                return Outcome::Usage;
            }
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            output::error(format_args!("{}: {e}", input_path.display()));
            return Outcome::Invalid;
        }
    }
    if bad > 0 {
        Outcome::Invalid
    } else {
        Outcome::Ok
    }
}

/// Reports a record the exporter left out: the input path, then each rule it breaks.
fn report_refusal(input_path: &Path, at: &str, error: &SiussError) {
    match error {
        SiussError::Invalid { issues } => {
            for issue in issues {
                output::error(format_args!("{}: {at}: {issue}", input_path.display()));
            }
        }
        SiussError::Input { .. } => {
            output::error(format_args!("{}: {error}", input_path.display()))
        }
        other => output::error(format_args!("{}: {at}: {other}", input_path.display())),
    }
}

fn default_date(path: &Path) -> Option<NaiveDate> {
    let reader = FlowReader::new(open(path).ok()?).ok()?;
    NomeFlusso::parse(&reader.identificazione().nome).ok().map(|n| n.date)
}

fn split(
    path: &Path,
    out_dir: &Path,
    date: Option<NaiveDate>,
    first_progressive: u32,
    ts: Option<TsFlusso>,
) -> Outcome {
    let input = match open(path) {
        Ok(i) => i,
        Err(o) => return o,
    };
    if let Err(e) = std::fs::create_dir_all(out_dir) {
        output::error(format_args!("{}: cannot create: {e}", out_dir.display()));
        return Outcome::Usage;
    }
    let date = date.or_else(|| default_date(path)).unwrap_or_else(|| Utc::now().date_naive());
    let options = SplitOptions {
        date,
        first_progressive,
        first_ts: ts.unwrap_or_else(|| TsFlusso::from_datetime(Utc::now())),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut issues = Vec::new();
    let result = split_xml(
        input,
        &options,
        |entry| {
            let file = out_dir.join(format!("{}.json", entry.id_flusso));
            let mut w = BufWriter::new(File::create(&file)?);
            output::json_line(&mut w, &entry)?;
            w.flush()?;
            writeln!(out, "{}", entry.id_flusso)?;
            Ok(())
        },
        |issue| issues.push(issue),
    );
    let mut failed = false;
    for issue in &issues {
        failed |= writeln!(out, "{issue}").is_err();
    }
    if failed || out.flush().is_err() {
        return Outcome::Usage;
    }
    match result {
        Ok(summary) => {
            output::error(format_args!(
                "{}: {} record(s), {} skipped, {} waas flow(s) in {}",
                path.display(),
                summary.records,
                summary.skipped,
                summary.flows,
                out_dir.display()
            ));
            if summary.skipped > 0 {
                Outcome::Invalid
            } else {
                Outcome::Ok
            }
        }
        // Reading the flow or writing an entry failed.
        Err(SiussError::Io(e)) => {
            output::error(format_args!(
                "{} → {}: i/o error: {e}",
                path.display(),
                out_dir.display()
            ));
            Outcome::Usage
        }
        Err(e) => {
            output::error(format_args!("{}: {e}", path.display()));
            Outcome::Invalid
        }
    }
}
