//! `welfare schema`: the JSON Schemas of the public formats, for editors and for callers in
//! other languages.
//!
//! `welfare schema` lists the names; `welfare schema NAME` prints one schema; `welfare schema
//! --out-dir DIR` writes every schema as `DIR/NAME.schema.json`. The files in `docs/schema/` are
//! written this way, and a test fails when they drift from the code.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::output::{self, Outcome};

/// Print the JSON Schema of a public format.
#[derive(Debug, clap::Args)]
pub(crate) struct SchemaArgs {
    /// The schema to print (omit to list the names).
    name: Option<String>,
    /// Write every schema into this folder as NAME.schema.json.
    #[arg(long, conflicts_with = "name")]
    out_dir: Option<PathBuf>,
}

/// One published schema: its name, what it describes, and how to build it.
struct Entry {
    name: &'static str,
    about: &'static str,
    build: fn() -> io::Result<String>,
}

/// Pretty JSON with a final newline. A `schemars::Schema` is serialized directly, which keeps
/// its conventional key order (`$schema`, `title`, `description` first).
fn pretty<T: serde::Serialize>(schema: &T) -> io::Result<String> {
    serde_json::to_string_pretty(schema).map(|s| s + "\n").map_err(io::Error::other)
}

/// Every published schema, by name.
const SCHEMAS: &[Entry] = &[
    Entry {
        name: "household",
        about: "household facts format (welfare eval, welfare gen, batch input)",
        build: || pretty(&welfare_benefits::household_schema()),
    },
    Entry {
        name: "rulebook",
        about: "rulebook file of the rule language",
        build: || pretty(&welfare_rules::schema::rulebook_schema()),
    },
    Entry {
        name: "rulebook-tests",
        about: "test file of the rule language (NAME.tests.yaml, also OpenFisca style)",
        build: || pretty(&welfare_rules::schema::test_file_schema()),
    },
    Entry {
        name: "dsu",
        about: "DSU (dichiarazione sostitutiva unica) read by welfare isee compute",
        build: || pretty(&welfare_isee::schema::dsu_schema()),
    },
    Entry {
        name: "attestazione",
        about: "ISEE attestazione as returned by INPS",
        build: || pretty(&welfare_isee::schema::attestazione_schema()),
    },
    Entry {
        name: "siuss-input",
        about: "beneficiaries and benefits read by welfare siuss export",
        build: || pretty(&schemars::schema_for!(welfare_siuss::input::ExportInput)),
    },
    Entry {
        name: "money",
        about: "an amount in euro as an exact decimal string",
        build: || pretty(&schemars::schema_for!(welfare_types::Money)),
    },
    Entry {
        name: "codice-fiscale",
        about: "a codice fiscale (16 characters, or 11 digits)",
        build: || pretty(&schemars::schema_for!(welfare_types::CodiceFiscale)),
    },
];

/// Runs `welfare schema`.
pub(crate) fn run(args: SchemaArgs) -> Outcome {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = if let Some(dir) = args.out_dir {
        write_all(&dir)
    } else if let Some(name) = args.name {
        match SCHEMAS.iter().find(|e| e.name == name) {
            Some(entry) => (entry.build)().and_then(|text| out.write_all(text.as_bytes())),
            None => {
                output::error(format_args!(
                    "no schema named `{name}`; run `welfare schema` for the list"
                ));
                return Outcome::Usage;
            }
        }
    } else {
        SCHEMAS.iter().try_for_each(|e| writeln!(out, "{:<16} {}", e.name, e.about))
    };
    match result {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            output::error(format_args!("cannot write schemas: {e}"));
            Outcome::Usage
        }
    }
}

fn write_all(dir: &std::path::Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for entry in SCHEMAS {
        std::fs::write(dir.join(format!("{}.schema.json", entry.name)), (entry.build)()?)?;
    }
    Ok(())
}
