//! `welfare case`: the case-file store from the shell. `init` creates or migrates a database
//! (a SQLite file path or a `postgres://` URL); `import`/`export` move a tenant as JSON Lines;
//! `show` prints a case; `verify` checks every hash chain of a tenant; `report` counts rows.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};
use welfare_casefile::case::Case;
use welfare_casefile::engine::load;
use welfare_casefile::ids::{CaseId, TenantId};
use welfare_store::transfer::{check, export, import, verify_tenant, TransferError};
use welfare_store::Store;

use crate::output::{error, json_line, Outcome};

/// Arguments of `welfare case`.
#[derive(Debug, Args)]
pub(crate) struct CaseArgs {
    /// The database: a SQLite file path (created if missing) or postgres://user:pw@host/db.
    #[arg(long, global = true)]
    db: Option<String>,
    /// The tenant (ente or ambito id); required by every subcommand but `init`.
    #[arg(long, global = true)]
    tenant: Option<String>,
    #[command(subcommand)]
    command: CaseCommand,
}

#[derive(Debug, Subcommand)]
enum CaseCommand {
    /// Create the database or apply pending migrations; prints backend and schema version.
    Init,
    /// Import a tenant exported as JSON Lines into an empty tenant.
    Import {
        /// The export file (`-` for standard input).
        file: PathBuf,
    },
    /// Export a tenant as JSON Lines on standard output.
    Export,
    /// Print a case (state and chain head) as JSON.
    Show {
        /// Case id.
        id: String,
    },
    /// Verify every hash chain of the tenant against its stored head (exit 1 if one fails).
    Verify,
    /// Row counts of the tenant.
    Report,
}

pub(crate) fn run(args: CaseArgs) -> Outcome {
    let Some(db) = args.db.as_deref() else {
        error("case: --db is required (a SQLite file path or a postgres:// URL)");
        return Outcome::Usage;
    };
    let mut store = match Store::open(db) {
        Ok(s) => s,
        Err(e) => {
            error(format_args!("case: cannot open the database: {e}"));
            return Outcome::Usage;
        }
    };
    let out = &mut io::stdout().lock();
    if let CaseCommand::Init = args.command {
        let version = store.schema_version();
        return match version {
            Ok(v) => emit(out, &serde_json::json!({"backend": store.kind(), "schema_version": v})),
            Err(e) => fail(e),
        };
    }
    let tenant = match args.tenant.as_deref().map(TenantId::new) {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            error(format_args!("case: --tenant: {e}"));
            return Outcome::Usage;
        }
        None => {
            error("case: --tenant is required");
            return Outcome::Usage;
        }
    };
    match args.command {
        CaseCommand::Init => Outcome::Ok,
        CaseCommand::Import { file } => {
            let result = if file.as_os_str() == "-" {
                // Standard input is read once: imported as it comes, checked line by line.
                import(&mut store, &tenant, &mut io::stdin().lock())
            } else {
                // A file is read whole and checked first (`transfer::check`), so that one cut
                // short or garbled is refused before anything of it is written, then read
                // again to import it.
                let open = || {
                    File::open(&file).map(BufReader::new).map_err(|e| {
                        error(format_args!("case import: {}: {e}", file.display()));
                        Outcome::Usage
                    })
                };
                let mut whole = match open() {
                    Ok(f) => f,
                    Err(outcome) => return outcome,
                };
                if let Err(e) = check(&tenant, &mut whole) {
                    return transfer_failed(e);
                }
                match open() {
                    Ok(mut again) => import(&mut store, &tenant, &mut again),
                    Err(outcome) => return outcome,
                }
            };
            match result {
                Ok(summary) => emit(out, &summary),
                Err(e) => transfer_failed(e),
            }
        }
        CaseCommand::Export => match export(&store, &tenant, out) {
            Ok(_) => Outcome::Ok,
            // A closed pipe (`| head`) is the reader's choice, not an error.
            Err(TransferError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => Outcome::Ok,
            Err(e) => transfer_failed(e),
        },
        CaseCommand::Show { id } => {
            let id = match CaseId::new(id) {
                Ok(id) => id,
                Err(e) => {
                    error(format_args!("case show: id: {e}"));
                    return Outcome::Usage;
                }
            };
            match load::<Case, _>(&store, &tenant, &id) {
                Ok((Some(case), head)) => {
                    emit(out, &serde_json::json!({"head": head, "case": case}))
                }
                Ok((None, _)) => {
                    error(format_args!("case show: case {id} not found in tenant {tenant}"));
                    Outcome::Invalid
                }
                Err(e) => fail(e),
            }
        }
        CaseCommand::Verify => match verify_tenant(&store, &tenant) {
            Ok(verdicts) => {
                let mut outcome = Outcome::Ok;
                for (aggregate, verdict) in verdicts {
                    let line = match verdict {
                        Ok(head) => serde_json::json!({
                            "aggregate": aggregate.to_string(), "ok": true, "head": head
                        }),
                        Err(e) => {
                            outcome = Outcome::Invalid;
                            serde_json::json!({
                                "aggregate": aggregate.to_string(), "ok": false,
                                "error": e.to_string()
                            })
                        }
                    };
                    if emit(out, &line) != Outcome::Ok {
                        return Outcome::Usage;
                    }
                }
                outcome
            }
            Err(e) => fail(e),
        },
        CaseCommand::Report => match store.counts(&tenant) {
            Ok(counts) => emit(out, &counts),
            Err(e) => fail(e),
        },
    }
}

fn emit(out: &mut impl Write, value: &impl serde::Serialize) -> Outcome {
    match json_line(out, value) {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            error(format_args!("case: cannot write output: {e}"));
            Outcome::Usage
        }
    }
}

fn fail(e: impl std::fmt::Display) -> Outcome {
    error(format_args!("case: {e}"));
    Outcome::Invalid
}

/// A transfer's error: exit 2 when the file or the output could not be read or written (as
/// any command's), exit 1 when the export or the store is at fault.
fn transfer_failed(e: TransferError) -> Outcome {
    match e {
        TransferError::Io(_) => {
            error(format_args!("case: {e}"));
            Outcome::Usage
        }
        e => fail(e),
    }
}
