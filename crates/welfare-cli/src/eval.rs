//! `welfare eval`: every national measure (and any local rulebook) for one household on a date.
//!
//! ```text
//! welfare eval [--date D] [--rulebook PATH ...] [--json] [--explain it|en] [HOUSEHOLD_FILE]
//! ```
//!
//! Without a file it evaluates the bundled example household. An invalid household file gives
//! its file, line and field path and exits 1; an unreadable file exits 2.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use welfare_benefits::{Catalogue, Household, Lang, MeasureResult, Period};

use crate::output::{self, Outcome};

/// Arguments of `welfare eval`.
#[derive(Debug, clap::Args)]
pub(crate) struct EvalArgs {
    /// Evaluation date (YYYY-MM-DD); today when absent.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,
    /// A further rulebook to evaluate (a comune's measure); repeatable. It may import the
    /// national rulebooks by id.
    #[arg(long = "rulebook", value_name = "PATH")]
    rulebooks: Vec<PathBuf>,
    /// Print one JSON document: {"household", "date", "results": [...]}.
    #[arg(long)]
    json: bool,
    /// Print the full motivazione of every measure, in Italian (it) or English (en).
    #[arg(long, value_name = "it|en")]
    explain: Option<ExplainLang>,
    /// The household file (YAML or JSON, see docs/household-format.md), `-` for standard
    /// input; the bundled example household when absent.
    household: Option<PathBuf>,
}

/// The language of explanations.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExplainLang {
    /// Italiano.
    It,
    /// English.
    En,
}

#[derive(serde::Serialize)]
struct Report<'a> {
    household: &'a str,
    date: NaiveDate,
    results: Vec<JsonResult<'a>>,
}

#[derive(serde::Serialize)]
struct JsonResult<'a> {
    measure: &'a str,
    eligible: bool,
    amount: Option<String>,
    period: Option<Period>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    reasons: &'a [String],
    motivazione: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "<[welfare_benefits::BreakdownItem]>::is_empty")]
    breakdown: &'a [welfare_benefits::BreakdownItem],
}

/// Runs `welfare eval`.
pub(crate) fn run(args: EvalArgs) -> Outcome {
    let household = match &args.household {
        None => Household::example(),
        Some(path) => {
            let text = match output::read_text(path) {
                Ok(t) => t,
                Err(outcome) => return outcome,
            };
            Household::from_str_named(&path.display().to_string(), &text)
        }
    };
    let household = match household {
        Ok(h) => h,
        Err(e) => {
            output::error(e);
            return Outcome::Invalid;
        }
    };
    let mut catalogue = match Catalogue::national() {
        Ok(c) => c,
        Err(e) => {
            output::error(format!("national rulebooks: {e}"));
            return Outcome::Invalid;
        }
    };
    for path in &args.rulebooks {
        let text = match output::read_text(path) {
            Ok(t) => t,
            Err(outcome) => return outcome,
        };
        if let Err(e) = catalogue.add_rulebook(&text, &path.display().to_string()) {
            output::error(e);
            return Outcome::Invalid;
        }
    }
    let date = args.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let lang = match args.explain {
        Some(ExplainLang::En) => Lang::En,
        _ => Lang::It,
    };
    let results = catalogue.evaluate_in(&household, date, lang);
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        let report = Report {
            household: &household.group_identifier,
            date,
            results: results
                .iter()
                .map(|r| JsonResult {
                    measure: &r.measure,
                    eligible: r.eligible,
                    amount: r.amount.map(|a| a.to_string()),
                    period: r.period,
                    reasons: &r.reasons,
                    motivazione: &r.motivazione,
                    error: r.error.as_deref(),
                    breakdown: &r.breakdown,
                })
                .collect(),
        };
        output::json_line(&mut out, &report)
    } else {
        table(&mut out, &household.group_identifier, date, &results, args.explain.map(|_| lang))
    };
    if written.is_err() {
        return Outcome::Usage;
    }
    if results.iter().any(|r| r.error.is_some()) {
        Outcome::Invalid
    } else {
        Outcome::Ok
    }
}

fn period_name(period: Option<Period>, lang: Lang) -> &'static str {
    match (period, lang) {
        (Some(Period::Monthly), Lang::En) => "monthly",
        (Some(Period::Annual), Lang::En) => "annual",
        (Some(Period::OneOff), Lang::En) => "one-off",
        (Some(Period::Monthly), _) => "mensile",
        (Some(Period::Annual), _) => "annuale",
        (Some(Period::OneOff), _) => "una tantum",
        (None, _) => "",
    }
}

/// The table for people: measure, eligible, amount, period, first reason; then, with
/// `--explain`, every motivazione.
fn table(
    out: &mut impl Write,
    household: &str,
    date: NaiveDate,
    results: &[MeasureResult],
    explain: Option<Lang>,
) -> std::io::Result<()> {
    let lang = explain.unwrap_or(Lang::It);
    let en = lang == Lang::En;
    if en {
        writeln!(out, "household {household}, on {date}")?;
    } else {
        writeln!(out, "nucleo {household}, alla data del {}", date.format("%d/%m/%Y"))?;
    }
    let width = results.iter().map(|r| r.measure.len()).max().unwrap_or(7).max(7);
    let [h_measure, h_eligible, h_amount, h_period, h_reason] = if en {
        ["measure", "eligible", "amount", "period", "reason"]
    } else {
        ["misura", "spetta", "importo", "periodo", "motivo"]
    };
    writeln!(
        out,
        "{h_measure:<width$}  {h_eligible:<8}  {h_amount:>12}  {h_period:<10}  {h_reason}"
    )?;
    for r in results {
        let yes = match (r.eligible, en) {
            (true, true) => "yes",
            (false, true) => "no",
            (true, false) => "sì",
            (false, false) => "no",
        };
        let amount = r.amount.map(|a| a.to_italian_string()).unwrap_or_default();
        let reason = match &r.error {
            Some(e) => format!("{}: {e}", if en { "error" } else { "errore" }),
            None => r.reasons.first().cloned().unwrap_or_default(),
        };
        writeln!(
            out,
            "{:<width$}  {:<8}  {:>12}  {:<10}  {}",
            r.measure,
            yes,
            amount,
            period_name(r.period, lang),
            reason
        )?;
        for item in &r.breakdown {
            let amount = item.amount.to_italian_string();
            writeln!(out, "{:<width$}  {:<8}  {amount:>12}", format!("  {}", item.member), "")?;
        }
    }
    if explain.is_some() {
        for r in results.iter().filter(|r| !r.motivazione.is_empty()) {
            writeln!(out)?;
            writeln!(out, "{}", r.motivazione)?;
        }
    }
    Ok(())
}
