//! `welfare gen`: synthetic data for tests, benchmarks and trial installations.
//!
//! `welfare gen households --n N --seed S [--year Y] [--out FILE]` writes N households in the
//! household facts format as JSON Lines (standard output by default). The same seed gives the
//! same households, byte for byte, on every machine.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use welfare_benefits::synthetic::Generator;

use crate::output::{self, Outcome};

/// Synthetic data generators.
#[derive(Debug, clap::Args)]
pub(crate) struct GenArgs {
    #[command(subcommand)]
    what: GenWhat,
}

#[derive(Debug, clap::Subcommand)]
enum GenWhat {
    /// Synthetic households (1–8 members, ages, disabilities, employment, ISEE, births), as JSON
    /// Lines in the household facts format. No real personal data.
    Households {
        /// How many households.
        #[arg(long)]
        n: u64,
        /// The seed: the same seed gives the same households.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The reference year: ages and births are drawn around 1 July of this year.
        #[arg(long, default_value_t = 2026)]
        year: i32,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs `welfare gen`.
pub(crate) fn run(args: GenArgs) -> Outcome {
    match args.what {
        GenWhat::Households { n, seed, year, out } => {
            let generator = match Generator::new(seed, year) {
                Ok(g) => g,
                Err(e) => {
                    output::error(e);
                    return Outcome::Usage;
                }
            };
            let result = match out {
                Some(path) => match File::create(&path) {
                    Ok(file) => write_households(&generator, n, BufWriter::new(file)),
                    Err(e) => {
                        output::error(format_args!("cannot create {}: {e}", path.display()));
                        return Outcome::Usage;
                    }
                },
                None => write_households(&generator, n, BufWriter::new(io::stdout().lock())),
            };
            match result {
                Ok(()) => Outcome::Ok,
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Outcome::Ok,
                Err(e) => {
                    output::error(format_args!("cannot write households: {e}"));
                    Outcome::Usage
                }
            }
        }
    }
}

fn write_households(generator: &Generator, n: u64, mut out: impl Write) -> io::Result<()> {
    for household in generator.households(n) {
        output::json_line(&mut out, &household)?;
    }
    out.flush()
}
