//! `welfare rules`: check, evaluate, test and rank rulebooks; print the JSON Schemas of
//! rulebook and test files.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use welfare_rules::{DiagnosticKind, Engine, Lang, Program, Rulebook};

use crate::output::{self, Outcome};

/// Rule language: check, evaluate, test and rank rulebooks.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum RulesArgs {
    /// Check rulebooks and print every problem found (file:line:column, YAML path, expected).
    Check {
        /// Rulebook files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Directories of rulebooks that the checked ones may extend or import.
        #[arg(long)]
        library: Vec<PathBuf>,
    },
    /// Evaluate a rulebook for one household.
    Eval {
        /// The rulebook file.
        #[arg(long)]
        rulebook: PathBuf,
        /// Facts as JSON or YAML (`-` for standard input).
        #[arg(long)]
        facts: PathBuf,
        /// Evaluation date (YYYY-MM-DD); today by default.
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Print the full evaluation (outputs, conditions, explanation) as JSON.
        #[arg(long)]
        json: bool,
        /// Print the explanation tree and the motivazione in this language.
        #[arg(long, value_parser = ["it", "en"])]
        explain: Option<String>,
        /// Directories of rulebooks it may extend or import (default: its own directory).
        #[arg(long)]
        library: Vec<PathBuf>,
    },
    /// Run every test case found under the paths; ends with `N passed, M failed`.
    Test {
        /// Rulebook files, test files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Directories of rulebooks that the tested ones may extend or import.
        #[arg(long)]
        library: Vec<PathBuf>,
    },
    /// Rank applicants (JSON lines `{"id": …, "facts": {…}}`) by the rulebook's `ranking`.
    Rank {
        /// The rulebook file.
        #[arg(long)]
        rulebook: PathBuf,
        /// Applicants, one JSON object per line (`-` for standard input).
        #[arg(long)]
        applicants: PathBuf,
        /// Evaluation date; today by default.
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Print the publishable list (rules, seed; position, pseudonym, score) keyed with
        /// this secret, as one JSON document.
        #[arg(long)]
        publish_key: Option<String>,
        /// The public seed of the draw, for rulebooks whose `final_tie_break` is `draw`
        /// (sorteggio): same seed and same applicants, same order.
        #[arg(long)]
        seed: Option<String>,
    },
    /// Evaluate JSON lines of facts in parallel; one result line per input line.
    Batch {
        /// The rulebook file.
        #[arg(long)]
        rulebook: PathBuf,
        /// Input JSON lines (`-` for standard input).
        input: PathBuf,
        /// Evaluation date; today by default.
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Print the JSON Schema of rulebook files (for editors).
    Schema {
        /// Print the schema of test files (`NAME.tests.yaml`) instead.
        #[arg(long)]
        tests: bool,
    },
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Loads `rulebook` with every rulebook in `library` (default: its directory) and compiles it.
/// The program of `rulebook`, with the rulebooks of `library` (or of its folder) to import;
/// or the message and the outcome: exit 2 for a rulebook that cannot be read, 1 for one that
/// is wrong.
fn program(rulebook: &Path, library: &[PathBuf]) -> Result<Program, (String, Outcome)> {
    let mut engine = Engine::new();
    let root = Rulebook::load(rulebook).map_err(|e| {
        let outcome = if e.has(DiagnosticKind::Io) { Outcome::Usage } else { Outcome::Invalid };
        (e.to_string(), outcome)
    })?;
    let id = root.id.clone();
    engine.add(root).map_err(|e| (e.to_string(), Outcome::Invalid))?;
    let dirs: Vec<PathBuf> = if library.is_empty() {
        rulebook.parent().map(Path::to_path_buf).into_iter().collect()
    } else {
        library.to_vec()
    };
    let (files, _) = welfare_rules::testing::discover(&dirs);
    for f in files {
        if let Ok(rb) = Rulebook::load(&f) {
            if rb.id != id {
                let _ = engine.add(rb);
            }
        }
    }
    engine.program(&id).map_err(|e| (e.to_string(), Outcome::Invalid))
}

fn write_all(text: &str) -> Outcome {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Ok(()) => Outcome::Ok,
        Err(_) => Outcome::Usage,
    }
}

pub(crate) fn run(args: RulesArgs) -> Outcome {
    match args {
        RulesArgs::Check { paths, library } => check(&paths, &library),
        RulesArgs::Eval { rulebook, facts, date, json, explain, library } => {
            eval(&rulebook, &facts, date.unwrap_or_else(today), json, explain.as_deref(), &library)
        }
        RulesArgs::Test { paths, library } => test(&paths, &library),
        RulesArgs::Rank { rulebook, applicants, date, publish_key, seed } => {
            rank(&rulebook, &applicants, date.unwrap_or_else(today), publish_key.as_deref(), seed)
        }
        RulesArgs::Batch { rulebook, input, date } => {
            batch(&rulebook, &input, date.unwrap_or_else(today))
        }
        RulesArgs::Schema { tests } => {
            let schema = if tests {
                welfare_rules::schema::test_file_schema()
            } else {
                welfare_rules::schema::rulebook_schema()
            };
            match serde_json::to_string_pretty(&schema) {
                Ok(s) => write_all(&(s + "\n")),
                Err(_) => Outcome::Usage,
            }
        }
    }
}

fn check(paths: &[PathBuf], library: &[PathBuf]) -> Outcome {
    let (files, _) = welfare_rules::testing::discover(paths);
    if files.is_empty() {
        output::error("no rulebook files found");
        return Outcome::Usage;
    }
    let mut engine = Engine::new();
    let mut text = String::new();
    let mut ids = Vec::new();
    let mut errors = 0usize;
    let mut unreadable = false;
    for f in &files {
        match Rulebook::load(f).and_then(|rb| engine.add(rb).map(|rb| rb.id.clone())) {
            Ok(id) => ids.push((f.clone(), id)),
            Err(e) => {
                unreadable |= e.has(DiagnosticKind::Io);
                errors += e.diagnostics.len();
                for d in &e.diagnostics {
                    text.push_str(&format!("{d}\n"));
                }
            }
        }
    }
    let (lib_files, _) = welfare_rules::testing::discover(library);
    for f in lib_files {
        if let Ok(rb) = Rulebook::load(&f) {
            let _ = engine.add(rb);
        }
    }
    for (f, id) in &ids {
        match engine.program(id) {
            Ok(_) => text.push_str(&format!("{}: ok ({id})\n", f.display())),
            Err(e) => {
                errors += e.diagnostics.len();
                for d in &e.diagnostics {
                    text.push_str(&format!("{d}\n"));
                }
            }
        }
    }
    text.push_str(&format!("{} rulebook(s), {errors} error(s)\n", files.len()));
    let printed = write_all(&text);
    if unreadable {
        // A file that cannot be read is the command's failure, not the rulebook's.
        Outcome::Usage
    } else if errors > 0 {
        Outcome::Invalid
    } else {
        printed
    }
}

fn eval(
    rulebook: &Path,
    facts: &Path,
    date: NaiveDate,
    json: bool,
    explain: Option<&str>,
    library: &[PathBuf],
) -> Outcome {
    let program = match program(rulebook, library) {
        Ok(p) => p,
        Err((message, outcome)) => {
            output::error(message);
            return outcome;
        }
    };
    let text = match output::read_text(facts) {
        Ok(t) => t,
        Err(outcome) => return outcome,
    };
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(_) => match welfare_rules::yaml::parse(&text, &facts.display().to_string()) {
            Ok(node) => welfare_rules::yaml::to_json(&node),
            Err(e) => {
                output::error(format!("facts are neither JSON nor YAML: {e}"));
                return Outcome::Invalid;
            }
        },
    };
    let evaluation = match program.facts(&value).and_then(|f| program.evaluate(&f, date)) {
        Ok(e) => e,
        Err(e) => {
            output::error(e);
            return Outcome::Invalid;
        }
    };
    if json {
        return match serde_json::to_string_pretty(&evaluation) {
            Ok(s) => write_all(&(s + "\n")),
            Err(_) => Outcome::Usage,
        };
    }
    let mut text = String::new();
    if let Some(lang) = explain {
        let lang = if lang == "en" { Lang::En } else { Lang::It };
        text.push_str(&evaluation.tree(lang));
        text.push('\n');
        text.push_str(&evaluation.motivazione(lang));
        text.push('\n');
    } else {
        for (name, v) in &evaluation.outputs {
            let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            text.push_str(&format!("{name} = {shown}\n"));
        }
        if !evaluation.conditions.is_empty() {
            text.push_str(&format!("eligible = {}\n", evaluation.eligible));
            for c in evaluation.conditions.iter().filter(|c| !c.satisfied) {
                let reason = c.reason.as_ref().map_or(&*c.name, |r| r.it.as_str());
                text.push_str(&format!("  not satisfied: {} ({reason})\n", c.name));
            }
        }
    }
    write_all(&text)
}

fn test(paths: &[PathBuf], library: &[PathBuf]) -> Outcome {
    // A file that cannot be read is the command's failure (exit 2), not a failed case.
    let (files, _) = welfare_rules::testing::discover(paths);
    for f in &files {
        if let Err(e) = std::fs::File::open(f) {
            output::error(format_args!("{}: cannot read: {e}", f.display()));
            return Outcome::Usage;
        }
    }
    let report = welfare_rules::testing::run_paths_with_library(paths, library);
    let mut text = String::new();
    for c in report.cases.iter().filter(|c| !c.passed) {
        text.push_str(&format!("FAIL {} :: {} ({})\n", c.rulebook, c.name, c.location));
        if let Some(m) = &c.message {
            for line in m.lines() {
                text.push_str(&format!("  {line}\n"));
            }
        }
        for m in &c.mismatches {
            text.push_str(&format!(
                "  {}:\n    - expected {}\n    + actual   {}\n",
                m.output, m.expected, m.actual
            ));
        }
        if let Some(e) = &c.explanation {
            text.push_str("  explanation:\n");
            for line in e.lines() {
                text.push_str(&format!("    {line}\n"));
            }
        }
    }
    text.push_str(&format!("{} passed, {} failed\n", report.passed(), report.failed()));
    let printed = write_all(&text);
    if report.failed() > 0 || report.cases.is_empty() {
        Outcome::Invalid
    } else {
        printed
    }
}

fn rank(
    rulebook: &Path,
    applicants: &Path,
    date: NaiveDate,
    key: Option<&str>,
    seed: Option<String>,
) -> Outcome {
    let program = match program(rulebook, &[]) {
        Ok(p) => p,
        Err((message, outcome)) => {
            output::error(message);
            return outcome;
        }
    };
    let text = match output::read_text(applicants) {
        Ok(t) => t,
        Err(outcome) => return outcome,
    };
    let mut list = Vec::new();
    let mut bad = 0usize;
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parsed = serde_json::from_str::<serde_json::Value>(line).ok();
        let id = parsed
            .as_ref()
            .and_then(|v| v.get("id"))
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
        match (id, parsed.as_ref().and_then(|v| v.get("facts")).map(|f| program.facts(f))) {
            (Some(id), Some(Ok(f))) => list.push((id, f)),
            (_, Some(Err(e))) => {
                bad += 1;
                output::error(format!("line {}: {e}", n + 1));
            }
            _ => {
                bad += 1;
                output::error(format!("line {}: expected {{\"id\": …, \"facts\": {{…}}}}", n + 1));
            }
        }
    }
    let options = welfare_rules::rank::RankOptions { seed };
    let ranking = match welfare_rules::rank::rank_with(&program, date, &list, &options) {
        Ok(r) => r,
        Err(e) => {
            output::error(e);
            return Outcome::Invalid;
        }
    };
    let written = match key {
        Some(k) => match serde_json::to_string_pretty(&ranking.publication(&program, k.as_bytes()))
        {
            Ok(s) => write_all(&(s + "\n")),
            Err(_) => Outcome::Usage,
        },
        None => {
            let mut out = io::stdout().lock();
            match ranking.ranked.iter().try_for_each(|e| output::json_line(&mut out, e)) {
                Ok(()) => Outcome::Ok,
                Err(_) => Outcome::Usage,
            }
        }
    };
    if written != Outcome::Ok {
        return written;
    }
    if bad > 0 || !ranking.errors.is_empty() {
        Outcome::Invalid
    } else {
        Outcome::Ok
    }
}

fn batch(rulebook: &Path, input: &Path, date: NaiveDate) -> Outcome {
    use welfare_rules::batch::BatchError;
    let program = match program(rulebook, &[]) {
        Ok(p) => p,
        Err((message, outcome)) => {
            output::error(message);
            return outcome;
        }
    };
    let reader: Box<dyn io::BufRead> = if input.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        match std::fs::File::open(input) {
            Ok(f) => Box::new(io::BufReader::new(f)),
            Err(e) => {
                output::error(format!("cannot read {}: {e}", input.display()));
                return Outcome::Usage;
            }
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    // A result that cannot be written stops the batch (nothing more would be seen).
    let result =
        welfare_rules::batch::run_lines(&program, date, reader, |r| output::json_line(&mut out, r));
    // The last results, still in the buffer: a failure here is told as any write error
    // (after an error of the batch itself, that one is told instead).
    if let (Ok(_), Err(e)) = (&result, out.flush()) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Outcome::Ok;
        }
        output::error(format_args!("cannot write the results: {e}"));
        return Outcome::Usage;
    }
    match result {
        Ok((_, 0)) => Outcome::Ok,
        Ok((_, skipped)) => {
            output::error(format!("{skipped} record(s) skipped"));
            Outcome::Invalid
        }
        // A closed pipe (`| head`) is the reader's choice, not an error (as `welfare batch`).
        Err(BatchError::Write { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            Outcome::Ok
        }
        Err(e @ BatchError::Read { .. }) => {
            output::error(format_args!("{}: {e}", input.display()));
            Outcome::Usage
        }
        Err(e @ BatchError::Write { .. }) => {
            output::error(e);
            Outcome::Usage
        }
        Err(e) => {
            output::error(e);
            Outcome::Invalid
        }
    }
}
