//! `welfare isee`: compute an ISEE from a DSU, check a DSU protocol.
//!
//! The contract (stable, checked by the integration tests):
//!
//! * `welfare isee compute [--json] [--kind KIND] [--explain it|en] [--pension-alternative] FILE`
//!   reads a DSU in YAML or JSON (by extension `.json` / `.yaml` / `.yml`, otherwise by content;
//!   `-` is standard input). `KIND` is one of `ordinario` (default), `minorenni`,
//!   `sociosanitario`, `sociosanitario_residenze`, `universitario`, `corrente`,
//!   `prestazioni_familiari`.
//!   With `--json` it prints one line `{"kind": "ordinario", "isr": "27600.00", "isp": "15000.00",
//!   "ise": "30600.00", "scala": "2.76", "isee": "11086.96", "trace": [{"step", "article",
//!   "member"?, "value", "inputs", "text"}]}` (decimal strings; the five indicators with exactly
//!   two decimals; `text` in the `--explain` language, Italian by default). Without `--json` a
//!   summary for people, followed by the explanation when `--explain` is given.
//!   A DSU that cannot be read or computed prints `welfare: FILE: FIELD.PATH: what is wrong` on
//!   standard error, nothing on standard output, and exits 1. Values are never echoed.
//! * `welfare isee check-protocol [--lenient] PROTOCOL`: exit 0 when the protocol has the form
//!   `INPS-ISEE-YYYY-NNNNNNNNL-NN`, 1 otherwise (the reason on standard error).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde::Serialize;
use welfare_isee::{
    compute_with, ComputeOptions, Dsu, IseeKind, IseeResult, Language, PensionDeduction,
    ProtocolloDsu,
};
use welfare_types::Money;

use crate::output::{self, Outcome};

/// ISEE: compute from a DSU, check a DSU protocol.
#[derive(Debug, Args)]
pub(crate) struct IseeArgs {
    #[command(subcommand)]
    command: IseeCommand,
}

#[derive(Debug, Subcommand)]
enum IseeCommand {
    /// Compute ISR, ISP, ISE, scala and ISEE from a DSU in YAML or JSON.
    Compute {
        /// One JSON object with the indicators and the trace.
        #[arg(long)]
        json: bool,
        /// ISEE variant: ordinario, minorenni, sociosanitario, sociosanitario_residenze,
        /// universitario, corrente, prestazioni_familiari.
        #[arg(long, default_value = "ordinario", value_parser = parse_kind)]
        kind: IseeKind,
        /// Print the step-by-step explanation in this language (it or en).
        #[arg(long, value_parser = parse_language)]
        explain: Option<Language>,
        /// Read the pension deduction as an alternative to the employee deduction.
        #[arg(long)]
        pension_alternative: bool,
        /// The DSU file (`-` for standard input).
        file: PathBuf,
    },
    /// Check a DSU protocol (INPS-ISEE-YYYY-NNNNNNNNL-NN); exit 0 if valid, 1 otherwise.
    CheckProtocol {
        /// Also accept the form without the letter (INPS-ISEE-YYYY-NNNNNNNN-NN).
        #[arg(long)]
        lenient: bool,
        /// The protocol.
        protocol: String,
    },
}

fn parse_kind(text: &str) -> Result<IseeKind, String> {
    text.parse().map_err(|e: welfare_isee::kind::UnknownKind| e.to_string())
}

fn parse_language(text: &str) -> Result<Language, String> {
    text.parse().map_err(|e: welfare_isee::trace::UnknownLanguage| e.to_string())
}

/// Runs `welfare isee`.
pub(crate) fn run(args: IseeArgs) -> Outcome {
    match args.command {
        IseeCommand::Compute { json, kind, explain, pension_alternative, file } => {
            let pension_deduction = if pension_alternative {
                PensionDeduction::AlternativeToEmployee
            } else {
                PensionDeduction::Cumulative
            };
            compute_file(&file, kind, json, explain, pension_deduction)
        }
        IseeCommand::CheckProtocol { lenient, protocol } => {
            let parsed = if lenient {
                ProtocolloDsu::parse_lenient(&protocol)
            } else {
                ProtocolloDsu::parse(&protocol)
            };
            match parsed {
                Ok(p) => {
                    let line = format!(
                        "valid DSU protocol (year {}, suffix {:02})\n",
                        p.year(),
                        p.suffix()
                    );
                    write_out(line.as_bytes())
                }
                Err(e) => {
                    output::error(e);
                    Outcome::Invalid
                }
            }
        }
    }
}

fn write_out(bytes: &[u8]) -> Outcome {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            output::error(format!("cannot write output: {e}"));
            Outcome::Usage
        }
    }
}

fn is_json(file: &Path, text: &str) -> bool {
    match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("json") => true,
        Some("yaml" | "yml") => false,
        _ => text.trim_start().starts_with('{'),
    }
}

fn parse_dsu(file: &Path, text: &str) -> Result<Dsu, String> {
    let (path, message) = if is_json(file, text) {
        let mut de = serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize::<_, Dsu>(&mut de) {
            Ok(dsu) => return Ok(dsu),
            Err(e) => (e.path().to_string(), e.into_inner().to_string()),
        }
    } else {
        let de = serde_yaml::Deserializer::from_str(text);
        match serde_path_to_error::deserialize::<_, Dsu>(de) {
            Ok(dsu) => return Ok(dsu),
            Err(e) => (e.path().to_string(), e.into_inner().to_string()),
        }
    };
    // serde_yaml already prefixes its own (shorter) path: keep only ours.
    let message = match message.split_once(": ") {
        Some((prefix, rest)) if !prefix.contains(' ') && path.starts_with(prefix) => rest,
        _ => message.as_str(),
    };
    let path = if path == "." { "(document)".to_owned() } else { path };
    // serde would quote the value it rejects (a name, an amount): not shown.
    Err(format!("{path}: {}", welfare_types::redact::serde_message(message)))
}

fn compute_file(
    file: &Path,
    kind: IseeKind,
    json: bool,
    explain: Option<Language>,
    pension_deduction: PensionDeduction,
) -> Outcome {
    let name = file.display();
    let text = match output::read_text(file) {
        Ok(text) => text,
        Err(outcome) => return outcome,
    };
    let dsu = match parse_dsu(file, &text) {
        Ok(dsu) => dsu,
        Err(message) => {
            output::error(format!("{name}: {message}"));
            return Outcome::Invalid;
        }
    };
    let options = ComputeOptions { trace: json || explain.is_some(), pension_deduction };
    let result = match compute_with(&dsu, kind, &options) {
        Ok(result) => result,
        Err(e) => {
            output::error(format!("{name}: {e}"));
            return Outcome::Invalid;
        }
    };
    let lang = explain.unwrap_or_default();
    if json {
        let mut out = io::stdout().lock();
        match output::json_line(&mut out, &JsonResult::new(&result, lang)) {
            Ok(()) => Outcome::Ok,
            Err(e) => {
                output::error(format!("cannot write output: {e}"));
                Outcome::Usage
            }
        }
    } else {
        let mut text = summary(&result, lang);
        if let Some(lang) = explain {
            text.push('\n');
            text.push_str(&result.explain(lang));
        }
        write_out(text.as_bytes())
    }
}

#[derive(Serialize)]
struct JsonStep<'a> {
    step: welfare_isee::Step,
    article: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<&'a str>,
    value: String,
    inputs: Vec<String>,
    text: String,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    kind: IseeKind,
    isr: Money,
    isp: Money,
    ise: Money,
    scala: String,
    isee: Money,
    trace: Vec<JsonStep<'a>>,
}

impl<'a> JsonResult<'a> {
    fn new(result: &'a IseeResult, lang: Language) -> JsonResult<'a> {
        JsonResult {
            kind: result.kind,
            isr: result.isr,
            isp: result.isp,
            ise: result.ise,
            scala: result.scala.to_string(),
            isee: result.isee,
            trace: result
                .trace
                .iter()
                .map(|s| JsonStep {
                    step: s.step,
                    article: s.article,
                    member: s.member.as_deref(),
                    value: s.value.to_string(),
                    inputs: s.inputs.iter().map(ToString::to_string).collect(),
                    text: s.render(lang),
                })
                .collect(),
        }
    }
}

fn summary(r: &IseeResult, lang: Language) -> String {
    let scala = r.scala.to_string();
    match lang {
        Language::It => format!(
            "ISEE {kind} (DSU del {filed}, nucleo di {n})\n\
             ISR    {isr}\nISP    {isp}\nISE    {ise}\nScala  {scala}\nISEE   {isee}\n\
             Valido fino al {until}\n",
            kind = r.kind,
            filed = r.filing_date,
            n = r.members.len(),
            isr = r.isr.to_italian_string(),
            isp = r.isp.to_italian_string(),
            ise = r.ise.to_italian_string(),
            scala = scala.replace('.', ","),
            isee = r.isee.to_italian_string(),
            until = r.valid_until,
        ),
        Language::En => format!(
            "ISEE {kind} (DSU filed {filed}, nucleo of {n})\n\
             ISR    {isr}\nISP    {isp}\nISE    {ise}\nScale  {scala}\nISEE   {isee}\n\
             Valid until {until}\n",
            kind = r.kind,
            filed = r.filing_date,
            n = r.members.len(),
            isr = r.isr,
            isp = r.isp,
            ise = r.ise,
            isee = r.isee,
            until = r.valid_until,
        ),
    }
}
