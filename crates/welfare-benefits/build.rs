//! Parses the national rulebooks (`rulebooks/*.yaml`) at build time, so that
//! `Catalogue::national` reads their syntax trees instead of running the YAML reader at
//! start-up: the YAML reader is most of the time from process start to a first result.
//!
//! Each rulebook's tree is written as JSON (the serde form of `welfare_rules::syntax::Rulebook`)
//! into `OUT_DIR`, and `precompiled.rs` maps each file name to it. Two kinds of rulebooks are
//! left to be parsed at start-up:
//! - one whose tree is more than [`MAX_GROWTH`] times its text, which would read slower than
//!   its text (band tables written as mappings, a positioned node per cell; tables written as
//!   text blocks stay text in the tree and are embedded);
//! - one that does not parse: start-up then reports its problems as it always has.
//!
//! The tree holds the SHA-256 of the text it was read from, and `Catalogue::national` uses it
//! only when the embedded text has that same hash; a test holds every tree equal to a fresh
//! parse of its text.

use std::error::Error;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use welfare_rules::syntax::Rulebook;

/// The folder of the national rulebooks.
const RULEBOOKS: &str = "rulebooks";

/// A tree more than this many times its YAML text is not embedded (see the module docs).
const MAX_GROWTH: usize = 4;

fn main() -> Result<(), Box<dyn Error>> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "cargo:rerun-if-changed={RULEBOOKS}")?;
    writeln!(stdout, "cargo:rerun-if-changed=build.rs")?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let mut files: Vec<PathBuf> = std::fs::read_dir(RULEBOOKS)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    files.sort();

    let mut arms = String::new();
    for path in &files {
        let name = file_name(path)?;
        writeln!(stdout, "cargo:rerun-if-changed={}", path.display())?;
        let text = std::fs::read_to_string(path)?;
        let Ok(rulebook) = Rulebook::parse(&text, &name) else { continue };
        let tree = serde_json::to_string(&rulebook)?;
        if tree.len() > MAX_GROWTH * text.len() {
            continue;
        }
        let json = format!("{name}.json");
        std::fs::write(out.join(&json), tree)?;
        writeln!(
            arms,
            "        {name:?} => Some(include_str!(concat!(env!(\"OUT_DIR\"), \"/{json}\"))),"
        )?;
    }
    let code = format!(
        "/// The syntax tree of a national rulebook, parsed at build time (JSON), by file name;\n\
         /// `None` for a rulebook parsed at start-up.\n\
         fn precompiled(file: &str) -> Option<&'static str> {{\n    \
             match file {{\n{arms}        _ => None,\n    }}\n}}\n"
    );
    std::fs::write(out.join("precompiled.rs"), code)?;
    Ok(())
}

/// The file name of a rulebook, as `NATIONAL_RULEBOOKS` names it.
fn file_name(path: &Path) -> Result<String, Box<dyn Error>> {
    let name =
        path.file_name().and_then(|n| n.to_str()).ok_or("a rulebook file name is not UTF-8")?;
    Ok(name.to_owned())
}
