//! Band-table rows written as a text table read exactly like rows written as mappings.

use chrono::NaiveDate;
use welfare_rules::{Program, Value};

fn rulebook(rows: &str) -> String {
    format!(
        r#"rulebook: esempio/mensa
title: {{ it: Mensa }}
authority: {{ level: comune, code: "071029", name: Comune di Manfredonia }}
valid: {{ from: 2025-01-01 }}
inputs: {{ household: {{ isee: {{ type: money }} }} }}
parameters:
  fasce:
    type: band_table
    columns: {{ tariffa: money, quota: decimal }}
    versions:
      - from: 2025-01-01
        source: delibera di esempio
{rows}
definitions:
  tariffa: {{ type: money, formula: "cerca(fasce, isee, tariffa)" }}
  fascia_isee: {{ type: integer, formula: "fascia(fasce, isee)" }}
"#
    )
}

const MAPPINGS: &str = r#"        rows:
          - { up_to: "6000.00", tariffa: "2.00", quota: "0.4" }
          - { up_to: "9360.00", tariffa: "3.50", quota: "0.7" }
          - { up_to: null, tariffa: "4.50", quota: "1" }"#;

const TEXT: &str = r#"        rows: |
          up_to     tariffa  quota
          6000.00   2.00     0.4
          9360.00   3.50     0.7
          -         4.50     1"#;

fn eval(text: &str, isee: &str) -> (Value, Value) {
    let p = Program::from_yaml(&rulebook(text), "mensa.yaml").unwrap();
    let facts = p.facts(&serde_json::json!({ "isee": isee })).unwrap();
    let out =
        p.snapshot(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()).unwrap().outputs(&facts).unwrap();
    (out.get(&p, "tariffa").cloned().unwrap(), out.get(&p, "fascia_isee").cloned().unwrap())
}

#[test]
fn text_rows_equal_mapping_rows() {
    for isee in ["0.00", "6000.00", "6000.01", "9360.00", "50000.00"] {
        assert_eq!(eval(TEXT, isee), eval(MAPPINGS, isee), "ISEE {isee}");
    }
    // "fino a 6.000,00": equal is the first band, one cent more the second.
    assert_eq!(eval(TEXT, "6000.00").1, Value::from(1));
    assert_eq!(eval(TEXT, "6000.01").1, Value::from(2));
}

#[test]
fn a_short_row_is_reported_with_its_line() {
    let bad = TEXT.replace("9360.00   3.50     0.7", "9360.00   3.50");
    let err = Program::from_yaml(&rulebook(&bad), "mensa.yaml").unwrap_err().to_string();
    assert!(err.contains("row has 2 values for 3 columns"), "{err}");
    assert!(err.contains("mensa.yaml:16"), "the line of the row: {err}");
}

#[test]
fn a_header_must_name_the_bound_and_the_columns_must_exist() {
    let bad = TEXT.replace("up_to     tariffa", "limite    tariffa");
    let err = Program::from_yaml(&rulebook(&bad), "mensa.yaml").unwrap_err().to_string();
    assert!(err.contains("the header does not start with `up_to`"), "{err}");
    let bad = TEXT.replace("tariffa  quota", "tarifa   quota");
    assert!(Program::from_yaml(&rulebook(&bad), "mensa.yaml").is_err());
}

#[test]
fn a_bad_cell_is_reported_at_its_line_and_column() {
    // The column counts from the start of the table's text (its indentation stripped).
    let bad = TEXT.replace("9360.00   3.50     0.7", "9360.00   3,50     0.7");
    let err = Program::from_yaml(&rulebook(&bad), "mensa.yaml").unwrap_err().to_string();
    assert!(err.contains("mensa.yaml:16:11"), "the place of the cell: {err}");
    // A non-breaking space separates values like any other white space.
    let nbsp = TEXT.replace("9360.00   3.50", "9360.00\u{a0}3.50");
    assert_eq!(
        Program::from_yaml(&rulebook(&nbsp), "mensa.yaml").map(|_| ()).map_err(|e| e.to_string()),
        Ok(())
    );
}

#[test]
fn a_text_table_stays_text_with_where_each_value_is() {
    use welfare_rules::syntax::{ParamValue, Rulebook};
    let rb = Rulebook::parse(&rulebook(TEXT), "mensa.yaml").unwrap();
    let ParamValue::TextTable(rows) = &rb.parameters[0].versions[0].value else {
        panic!("a text block stays a text table");
    };
    assert_eq!(rows.header(), ["up_to", "tariffa", "quota"]);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows.text(1, 1), Some("3.50"));
    assert_eq!(rows.text(2, 0), Some("-"));
    assert_eq!(rows.text(3, 0), None);
    assert_eq!(rows.text(0, 3), None);
    // A value as the node it stands for: the row's path, its line and byte column.
    let cell = rows.cell(1, 1).unwrap();
    assert_eq!(cell.as_str(), Some("3.50"));
    assert_eq!(cell.path, "parameters.fasce.versions[0].rows[1]");
    assert_eq!((cell.line, cell.column), (16, 11));
}

/// A text table read back from a tampered serde form answers without panicking: offsets out of
/// the text give no value, inconsistent line starts a column of 1.
#[test]
fn a_tampered_text_table_never_panics() {
    use welfare_rules::syntax::{ParamValue, Rulebook};
    let rb = Rulebook::parse(&rulebook(TEXT), "mensa.yaml").unwrap();
    let mut tree = serde_json::to_value(&rb).unwrap();
    let table = &mut tree["parameters"][0]["versions"][0]["value"]["TextTable"];
    table["rows"][1] = serde_json::json!([usize::MAX, usize::MAX]);
    table["cells"][4] = serde_json::json!([usize::MAX, 3]);
    let back: Rulebook = serde_json::from_value(tree).unwrap();
    let ParamValue::TextTable(rows) = &back.parameters[0].versions[0].value else { panic!() };
    assert_eq!(rows.text(1, 1), None);
    assert_eq!(rows.cell(1, 1), None);
    let cell = rows.cell(1, 0).unwrap();
    assert_eq!((cell.line, cell.column), (usize::MAX, 1));
}
