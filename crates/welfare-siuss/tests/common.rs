//! Shared helpers: paths and the `xmllint` oracle.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn fixtures() -> PathBuf {
    repo_root().join("fixtures/siuss")
}

pub(crate) fn xsd(kind: welfare_siuss::FlowKind) -> PathBuf {
    let name = match kind {
        welfare_siuss::FlowKind::Ps => "PS_PSA_SINA201812.xsd",
        welfare_siuss::FlowKind::Sinba => "SINBA.xsd",
    };
    Path::new(env!("CARGO_MANIFEST_DIR")).join("xsd").join(name)
}

/// Whether xmllint can run. Missing xmllint fails the test when `CI` is set (the independent
/// check must not be skipped there) and skips it, with a note, otherwise.
pub(crate) fn xmllint_available() -> bool {
    let found = Command::new("xmllint")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but xmllint is missing: apt-get install -y libxml2-utils"
        );
        eprintln!(
            "note: xmllint not found, schema validation skipped (apt-get install -y libxml2-utils)"
        );
    }
    found
}

/// Validates `xml` against the official XSD of `kind` with `xmllint --noout --schema`.
/// Returns `Ok(())` when valid, `Err(stderr)` when not; `None` when xmllint is missing.
pub(crate) fn xmllint(xml: &str, kind: welfare_siuss::FlowKind) -> Option<Result<(), String>> {
    if !xmllint_available() {
        return None;
    }
    let mut child = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd(kind))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(xml.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Some(Ok(()))
    } else {
        Some(Err(String::from_utf8_lossy(&out.stderr).into_owned()))
    }
}

/// Asserts that xmllint accepts `xml` (when xmllint is present).
pub(crate) fn assert_xsd_valid(xml: &str, kind: welfare_siuss::FlowKind) {
    if let Some(Err(e)) = xmllint(xml, kind) {
        panic!("xmllint refuses the xml:\n{e}\n{xml}");
    }
}
