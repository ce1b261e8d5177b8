//! `welfare siuss`: validate, export and split through the binary, with the official XSDs as
//! the independent check (`xmllint --schema`; required when `CI` is set).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn welfare(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_welfare")).args(args).output().unwrap()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(rel: &str) -> String {
    root().join("fixtures/siuss").join(rel).to_string_lossy().into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// `xmllint --noout --schema XSD FILE`: `None` when xmllint is missing (a failure under CI).
fn xmllint(file: &Path, xsd: &str) -> Option<bool> {
    let present = Command::new("xmllint")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but xmllint is missing: apt-get install -y libxml2-utils"
        );
        return None;
    }
    let xsd = root().join("crates/welfare-siuss/xsd").join(xsd);
    let status =
        Command::new("xmllint").arg("--noout").arg("--schema").arg(xsd).arg(file).output().unwrap();
    Some(status.status.success())
}

#[test]
fn validate_accepts_a_valid_flow_with_exit_0() {
    let out = welfare(&["siuss", "validate", &fixture("valid/ps-bulk-example.xml")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains(
        "0 error(s), 0 warning(s); PS_PSA_SINA read as PS_PSA_SINA201812.xsd, 1 record(s)"
    ));
}

#[test]
fn validate_prints_one_line_per_error_with_path_rule_and_message() {
    // The PS example of api-comuni.yaml as published (see fixtures/siuss/README.md).
    let out =
        welfare(&["siuss", "validate", &fixture("official/waas-ps-example-as-published.xml")]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "Flusso/Beneficiario[1]/Indirizzo[1]/@CodiceRegione: warning: spec:territory: the comune is in region 13, not in region 01",
            "Flusso/Beneficiario[1]/PrestazioniSociali[1]/@ImportoQuotaSSN: spec:amount-sign: ImportoQuotaSSN must be greater than zero",
            "Flusso/Beneficiario[1]/PrestazioniSociali[1]/@ImportoQuotaEnte: spec:shares-sum: ImportoQuotaEnte + ImportoQuotaUtente + ImportoQuotaSSN is not ImportoMensile",
            "Flusso/Beneficiario[1]/PrestazioniSociali[2]/SINA: spec:sina-not-allowed: a SINA assessment cannot be linked to code A2.16",
        ]
    );
    // No personal data in the output.
    assert!(!text.contains("AAABBB39M66A351C") && !stderr(&out).contains("AAABBB39M66A351C"));
}

#[test]
fn validate_json_and_malformed_and_missing_files() {
    let out = welfare(&["siuss", "validate", "--json", &fixture("invalid/spec-hours-minutes.xml")]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["rule"], "spec:hours-minutes");
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(
        lines[0]["path"],
        "Flusso/Beneficiario[1]/PrestazioniSociali[1]/@OreServizioMensile"
    );
    assert_eq!(lines[1]["errors"], 1);
    assert_eq!(lines[1]["version"]["version"], "PS_PSA_SINA201812");

    let out = welfare(&["siuss", "validate", &fixture("invalid/xsd-well-formed.xml")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("document: xsd:well-formed: at byte "));

    let out = welfare(&["siuss", "validate", &fixture("invalid/xsd-root.xml")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("Flusso: xsd:root: "));

    let out = welfare(&["siuss", "validate", "/no/such/file.xml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn export_writes_a_flow_that_xmllint_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("ps.xml");
    let out = welfare(&[
        "siuss",
        "export",
        "--input",
        &fixture("input/ps.yaml"),
        "--out",
        xml.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&xml).unwrap();
    assert!(text.contains("<IdentificazioneFlusso Nome=\"H501.PS.20261123.0000012\">"));
    assert!(text.contains(
        "<Indirizzo CodiceRegione=\"12\" CodiceComune=\"058091\" CodiceNazione=\"380\"/>"
    ));
    assert!(text.contains("LuogoNascita=\"Z100\" Genere=\"2\" CodiceCittadinanza=\"008\" CodiceSecondaCittadinanza=\"380\""));
    if let Some(ok) = xmllint(&xml, "PS_PSA_SINA201812.xsd") {
        assert!(ok, "xmllint refuses the exported flow");
    }
    let again = welfare(&["siuss", "validate", xml.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));

    let sinba = dir.path().join("sinba.xml");
    let out = welfare(&[
        "siuss",
        "export",
        "--input",
        &fixture("input/sinba.yaml"),
        "--out",
        sinba.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&sinba).unwrap();
    assert!(text.contains("IDBeneficiario=\"H501-000042\""));
    assert!(text
        .contains("FasciaEtaBeneficiario=\"4\" FasciaISEEBeneficiario=\"3\" AnnoNascita=\"2015\""));
    if let Some(ok) = xmllint(&sinba, "SINBA.xsd") {
        assert!(ok, "xmllint refuses the exported SINBA flow");
    }
}

#[test]
fn export_reports_a_bad_record_and_writes_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("input/ps.yaml")).unwrap();
    let input = dir.path().join("in.yaml");
    // The first beneficiary's benefit is taken in charge: without AreaUtenza it breaks a rule.
    std::fs::write(&input, text.replacen("        AreaUtenza: 3\n", "", 1)).unwrap();
    let xml = dir.path().join("out.xml");
    let out = welfare(&[
        "siuss",
        "export",
        "--input",
        input.to_str().unwrap(),
        "--out",
        xml.to_str().unwrap(),
        "--kind",
        "ps",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("beneficiari[0]: Flusso/Beneficiario[1]/PrestazioniSociali[1]/@AreaUtenza: spec:area-utenza-required:"),
        "{err}"
    );
    let written = std::fs::read_to_string(&xml).unwrap();
    assert_eq!(written.matches("<Beneficiario ").count(), 1);
    if let Some(ok) = xmllint(&xml, "PS_PSA_SINA201812.xsd") {
        assert!(ok);
    }
    // A malformed input names the field path.
    std::fs::write(&input, text.replace("data_invio: 2026-11-23", "data_invio: 23/11/2026"))
        .unwrap();
    let out = welfare(&[
        "siuss",
        "export",
        "--input",
        input.to_str().unwrap(),
        "--out",
        xml.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("data_invio"), "{}", stderr(&out));
}

#[test]
fn split_writes_one_waas_entry_per_benefit() {
    let dir = tempfile::tempdir().unwrap();
    let out = welfare(&[
        "siuss",
        "split",
        &fixture("valid/ps-bulk-example.xml"),
        "--out-dir",
        dir.path().to_str().unwrap(),
        "--ts",
        "2023-11-27T11:04:56.852Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "H501.PS.20210520.0000001\nH501.PS.20210520.0000002\nH501.PS.20210520.0000003\n"
    );
    let entry: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("H501.PS.20210520.0000003.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(entry["tipo"], "PS_PSA_SINA");
    assert_eq!(entry["codice_ente"], "H501");
    assert_eq!(entry["ts_flusso"], "2023-11-27T11:04:56.854Z");
    // Decode the flow and check it with xmllint.
    let b64 = entry["flusso"].as_str().unwrap();
    let xml = decode_base64(b64);
    let file = dir.path().join("decoded.xml");
    std::fs::write(&file, &xml).unwrap();
    if let Some(ok) = xmllint(&file, "PS_PSA_SINA201812.xsd") {
        assert!(ok);
    }
    let again = welfare(&["siuss", "validate", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
}

/// A tiny standard base64 decoder (the CLI tests do not depend on the base64 crate).
fn decode_base64(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = alphabet.iter().position(|a| *a == c).unwrap() as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

/// A path that cannot be read as a flow (a directory) is a usage error (exit 2) saying so, not
/// a document reported as not well-formed (exit 1).
#[test]
fn validate_of_what_cannot_be_read_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = welfare(&["siuss", "validate", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cannot read"), "{err}");
    assert!(!err.contains("well-formed"), "{err}");
}
