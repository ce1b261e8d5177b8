//! Writes the parameter tables of welfare-benefits as YAML into `data/`.
//!
//! Run after changing a table in `src/params/`: `cargo run -p welfare-benefits --bin gen-tables`.
//! With `--check` it writes nothing and exits 1 if a committed file differs.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = std::io::stdout().lock();
    let files = match welfare_benefits::params::generated_files() {
        Ok(files) => files,
        Err(e) => {
            let _ = writeln!(out, "gen-tables: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut drift = false;
    for (path, content) in files {
        let target = root.join(path);
        let current = std::fs::read_to_string(&target).unwrap_or_default();
        if current == content {
            let _ = writeln!(out, "unchanged {path}");
            continue;
        }
        if check {
            drift = true;
            let _ = writeln!(out, "differs   {path}");
            continue;
        }
        if let Err(e) = std::fs::write(&target, content) {
            let _ = writeln!(out, "gen-tables: cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
        let _ = writeln!(out, "wrote     {path}");
    }
    if drift {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
