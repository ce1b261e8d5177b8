//! `welfare`: the command-line face of welfare-kit.
//!
//! Every subcommand is a thin shell over a library crate: it parses arguments, reads files or
//! standard input, calls the library and prints text for people or JSON lines for programs.
//! No domain logic lives here.
//!
//! Exit codes are the same everywhere: `0` success (all inputs valid), `1` some input invalid or
//! some check failed, `2` usage error (bad flags, unreadable file).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod batch;
mod case;
mod cf;
mod eval;
mod gen;
mod isee;
mod output;
mod rules;
mod schema;
mod siuss;

/// welfare-kit: Italian municipal welfare logic, exact and explained.
#[derive(Debug, Parser)]
#[command(name = "welfare", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Every household of a JSON Lines file through the measures: streaming, parallel, ordered.
    Batch(batch::BatchArgs),
    /// Case-file store: init a SQLite/PostgreSQL database, import, export, show, verify, report.
    Case(case::CaseArgs),
    /// Codice fiscale: decode, encode, check.
    Cf(cf::CfArgs),
    /// Evaluate every national measure (and local rulebooks) for a household on a date.
    Eval(eval::EvalArgs),
    /// Synthetic data: households for tests, benchmarks and trial installations.
    Gen(gen::GenArgs),
    /// ISEE: compute from a DSU (every variant, explained), check a DSU protocol.
    Isee(isee::IseeArgs),
    /// Rule language: check, evaluate, test and rank rulebooks; print their JSON Schema.
    #[command(subcommand)]
    Rules(rules::RulesArgs),
    /// JSON Schemas of the public formats (household, rulebook, DSU, SIUSS input, ...).
    Schema(schema::SchemaArgs),
    /// SIUSS: validate, export and split flows for INPS (PS-PSA-SINA, SINBA, WaaS).
    Siuss(siuss::SiussArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Batch(args) => batch::run(args).into(),
        Command::Case(args) => case::run(args).into(),
        Command::Cf(args) => cf::run(args).into(),
        Command::Eval(args) => eval::run(args).into(),
        Command::Gen(args) => gen::run(args).into(),
        Command::Isee(args) => isee::run(args).into(),
        Command::Rules(args) => rules::run(args).into(),
        Command::Schema(args) => schema::run(args).into(),
        Command::Siuss(args) => siuss::run(args).into(),
    }
}
