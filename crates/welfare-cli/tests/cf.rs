//! `welfare cf`: the JSON-lines contract, stdin mode, bad lines in the middle, exit codes.
//! Expected codes are the reference vectors of the DM 23/12/1976 rules (RSSMRA85T10A562S,
//! its omocodia variants, CNTCHR83T41D969D) and partita IVA 00743110157.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn welfare(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_welfare"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn fixture(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/cf/");
    std::fs::read_to_string(format!("{path}{name}")).unwrap()
}

#[test]
fn decode_json_from_arguments() {
    let out = welfare(&["cf", "decode", "--json", "RSSMRA85T10A562S"], None);
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(
        lines[0],
        serde_json::json!({
            "input": 0, "valid": true, "kind": "persona_fisica", "sex": "M",
            "birth_date": "1985-12-10", "birth_place": "A562",
            "birth_place_name": "SAN GIULIANO TERME", "omocodia_level": 0,
            "canonical": "RSSMRA85T10A562S"
        })
    );
}

#[test]
fn decode_json_from_stdin_with_bad_lines_in_the_middle() {
    let out = welfare(&["cf", "decode", "--json"], Some(&fixture("decode.txt")));
    assert_eq!(out.status.code(), Some(1), "one line is invalid");
    assert_eq!(String::from_utf8(out.stdout.clone()).unwrap(), fixture("decode.expected.jsonl"));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 7);
    assert_eq!(
        lines[2],
        serde_json::json!({"input": 2, "valid": false, "error": "check_character"})
    );
    assert_eq!(lines[3]["omocodia_level"], 7);
    assert_eq!(lines[3]["canonical"], "RSSMRA85T10A562S");
    assert_eq!(lines[4]["sex"], "F");
    assert_eq!(lines[4]["birth_date"], "1983-12-01");
    assert_eq!(lines[5]["kind"], "numerico");
    assert_eq!(lines[5]["sex"], Value::Null);
    assert_eq!(lines[5]["canonical"], "00743110157");
    assert_eq!(lines[6]["error"], "length");
    // Errors never echo the input.
    assert!(!String::from_utf8(out.stderr).unwrap().contains("RSSMRA"));
}

#[test]
fn decode_error_kinds() {
    let input = "RSSMRA85F10A562S\nRSSMRA85T32A562S\nR5SMRA85T10A562S\n\nRSSMRA85T10A000T\nBNCNNA80A41A000Z\n";
    let out = welfare(&["cf", "decode", "--json"], Some(input));
    assert_eq!(out.status.code(), Some(1));
    let errors: Vec<String> =
        json_lines(&out).iter().map(|l| l["error"].as_str().unwrap().to_owned()).collect();
    assert_eq!(
        errors,
        [
            "invalid_month",
            "invalid_day",
            "invalid_character",
            "length",
            "check_character",
            "unknown_place"
        ]
    );
}

#[test]
fn decode_all_valid_exits_zero_and_text_mode_is_readable() {
    let out = welfare(&["cf", "decode"], Some("RSSMRA85T10A562S\r\n00743110157\n"));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("SAN GIULIANO TERME (PI)"), "{text}");
    assert!(text.contains("1985-12-10"), "{text}");
    assert_eq!(text.lines().count(), 2);
}

#[test]
fn encode_json_lines() {
    let out = welfare(&["cf", "encode", "--json"], Some(&fixture("encode.jsonl")));
    assert_eq!(out.status.code(), Some(1), "some lines are invalid");
    assert_eq!(String::from_utf8(out.stdout.clone()).unwrap(), fixture("encode.expected.jsonl"));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["cf"], "RSSMRA85T10A562S");
    let variants: Vec<&str> =
        lines[0]["variants"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(variants.len(), 7);
    assert_eq!(variants[0], "RSSMRA85T10A56NH");
    assert_eq!(variants[1], "RSSMRA85T10A5SNT");
    assert_eq!(variants[6], "RSSMRAURTMLARSNL");
    assert_eq!(lines[1]["cf"], "CNTCHR83T41D969D");
    assert_eq!(lines[2], serde_json::json!({"input": 2, "error": "invalid_json"}));
    assert_eq!(lines[5]["error"], "invalid_sex");
    assert_eq!(lines[6]["error"], "unknown_place");
}

#[test]
fn encode_all_valid_exits_zero() {
    let person = r#"{"surname":"Rossi","name":"Mario","sex":"M","birth_date":"1985-12-10","birth_place":"San Giuliano Terme (PI)"}"#;
    let out = welfare(&["cf", "encode", "--json"], Some(person));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_lines(&out)[0]["cf"], "RSSMRA85T10A562S");
}

#[test]
fn check_exit_codes() {
    let ok = welfare(&["cf", "check", "RSSMRA85T10A562S", "rssmra85t10a56nh"], None);
    assert_eq!(ok.status.code(), Some(0));
    let text = String::from_utf8(ok.stdout).unwrap();
    assert!(text.contains("omocodia level 1"), "{text}");
    let bad = welfare(&["cf", "check", "RSSMRA85T10A562S", "RSSMRA85T10A562T"], None);
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8(bad.stdout).unwrap();
    assert!(text.contains("input 1: invalid (check_character)"), "{text}");
    assert!(!text.contains("RSSMRA85T10A562T"), "{text}");
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(welfare(&["cf", "check"], None).status.code(), Some(2));
    assert_eq!(welfare(&["cf", "decode", "--bogus"], None).status.code(), Some(2));
    assert_eq!(welfare(&["cf"], None).status.code(), Some(2));
}
