//! JSON Schema of the rulebook format, for editors (YAML language servers read it).
//!
//! The schemas are written here next to the readers, and `docs/schema/rulebook.schema.json`
//! and `docs/schema/rulebook-tests.schema.json` are regenerated from them by tests that fail
//! when a committed file drifts.

use serde_json::{json, Value};

/// The JSON Schema (draft 2020-12) of a rulebook file.
pub fn rulebook_schema() -> Value {
    let text_def = json!({
        "description": "Italian text, or { it, en }",
        "oneOf": [
            { "type": "string" },
            { "type": "object", "required": ["it"], "additionalProperties": false,
              "properties": { "it": { "type": "string" }, "en": { "type": "string" } } }
        ]
    });
    let date = json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" });
    let decimal = json!({ "description": "an exact decimal, preferably quoted (\"4500.00\")",
        "oneOf": [ { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$" }, { "type": "integer" } ] });
    let scalar_types =
        json!(["money", "decimal", "integer", "boolean", "text", "date", "enum", "list"]);
    let input = json!({
        "type": "object", "required": ["type"], "additionalProperties": false,
        "properties": {
            "type": { "enum": scalar_types },
            "optional": { "type": "boolean", "description": "the fact may be missing: test it with `mancante` / `missing`" },
            "label": { "$ref": "#/$defs/text" },
            "values": { "type": "array", "items": { "type": "string" }, "description": "enum values" },
            "items": { "enum": ["money", "decimal", "integer", "boolean", "text", "date"], "description": "list item type" },
            "description": { "type": "string" }
        }
    });
    let version = json!({
        "type": "object", "required": ["from", "source"], "additionalProperties": false,
        "properties": {
            "from": { "$ref": "#/$defs/date" },
            "to": { "oneOf": [ { "$ref": "#/$defs/date" }, { "type": "null" } ] },
            "value": { "description": "the value, by the parameter's type" },
            "rows": { "description": "band table rows: up_to (null on the last row) and one value per column; or a text table (header `up_to` and the columns, one line per row, `-` as the last bound)",
                "oneOf": [
                    { "type": "array",
                      "items": { "type": "object", "required": ["up_to"], "properties": { "up_to": { "oneOf": [ { "$ref": "#/$defs/decimal" }, { "type": "null" } ] } },
                        "additionalProperties": { "$ref": "#/$defs/decimal" } } },
                    { "type": "string", "pattern": "^\\s*(up_to|fino_a)\\s" } ] },
            "points": { "type": "array", "description": "scale points [x, y], x strictly increasing",
                "items": { "type": "array", "minItems": 2, "maxItems": 2, "items": { "$ref": "#/$defs/decimal" } } },
            "source": { "type": "string", "minLength": 1, "description": "the act that sets this value" },
            "note": { "type": "string" }
        }
    });
    let parameter = json!({
        "type": "object", "required": ["type", "versions"], "additionalProperties": false,
        "properties": {
            "type": { "enum": ["money", "decimal", "integer", "boolean", "text", "date", "enum", "list", "band_table", "scale"] },
            "label": { "$ref": "#/$defs/text" },
            "reference": { "type": "string", "description": "id of a legal_basis entry" },
            "values": { "type": "array", "items": { "type": "string" } },
            "items": { "type": "string" },
            "columns": { "type": "object", "additionalProperties": { "enum": ["money", "decimal", "integer"] } },
            "key": { "enum": ["money", "decimal", "integer"] },
            "x": { "enum": ["money", "decimal", "integer"] },
            "y": { "enum": ["money", "decimal", "integer"] },
            "versions": { "type": "array", "items": { "$ref": "#/$defs/version" } },
            "description": { "type": "string" }
        }
    });
    let definition = json!({
        "type": "object", "required": ["type", "formula"], "additionalProperties": false,
        "properties": {
            "type": { "enum": scalar_types },
            "formula": { "type": "string", "description": "an expression of the rule language" },
            "label": { "$ref": "#/$defs/text" },
            "reference": { "type": "string" },
            "output": { "type": "boolean" },
            "overrides": { "$ref": "#/$defs/overrides" },
            "values": { "type": "array", "items": { "type": "string" } },
            "items": { "type": "string" },
            "description": { "type": "string" }
        }
    });
    let condition = json!({
        "oneOf": [
            { "type": "string", "description": "a boolean formula" },
            { "type": "object", "required": ["formula"], "additionalProperties": false,
              "properties": {
                "formula": { "type": "string" }, "label": { "$ref": "#/$defs/text" },
                "reason": { "$ref": "#/$defs/text" }, "reference": { "type": "string" }, "description": { "type": "string" },
                "overrides": { "$ref": "#/$defs/overrides" } } }
        ]
    });
    let test_case = test_case_schema();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/welfare-kit/welfare-kit/docs/schema/rulebook.schema.json",
        "title": "welfare-kit rulebook",
        "type": "object",
        "required": ["rulebook", "title", "authority", "valid"],
        "additionalProperties": false,
        "properties": {
            "rulebook": { "type": "string", "description": "identifier, e.g. ravenna/retta-nido" },
            "version": { "type": "string" },
            "status": { "enum": ["in_force", "vigente", "draft", "bozza", "repealed", "abrogato"] },
            "title": { "$ref": "#/$defs/text" },
            "authority": { "type": "object", "required": ["level", "name"], "additionalProperties": false,
                "properties": { "level": { "enum": ["stato", "regione", "ambito", "comune"] }, "code": { "type": "string" }, "name": { "type": "string" } } },
            "valid": { "type": "object", "required": ["from"], "additionalProperties": false,
                "properties": { "from": { "$ref": "#/$defs/date" }, "to": { "oneOf": [ { "$ref": "#/$defs/date" }, { "type": "null" } ] } } },
            "legal_basis": { "type": "array", "items": { "type": "object", "required": ["id", "act"], "additionalProperties": false,
                "properties": { "id": { "type": "string" }, "act": { "type": "string" }, "number": { "type": "string" }, "date": { "$ref": "#/$defs/date" },
                    "article": { "type": "string" }, "comma": { "type": "string" }, "urn": { "type": "string", "pattern": "^urn:nir:" }, "title": { "type": "string" } } } },
            "extends": { "type": "string" },
            "imports": { "type": "object", "additionalProperties": { "type": "string" } },
            "inputs": { "type": "object", "additionalProperties": false,
                "properties": {
                    "household": { "type": "object", "additionalProperties": { "$ref": "#/$defs/input" } },
                    "nucleo": { "type": "object", "additionalProperties": { "$ref": "#/$defs/input" } },
                    "member": { "type": "object", "additionalProperties": { "$ref": "#/$defs/input" } },
                    "membro": { "type": "object", "additionalProperties": { "$ref": "#/$defs/input" } } } },
            "parameters": { "type": "object", "additionalProperties": { "$ref": "#/$defs/parameter" } },
            "definitions": { "type": "object", "additionalProperties": { "$ref": "#/$defs/definition" } },
            "conditions": { "type": "object", "additionalProperties": { "$ref": "#/$defs/condition" } },
            "ranking": { "type": "object", "required": ["score"], "additionalProperties": false,
                "properties": { "score": { "type": "string" }, "order": { "$ref": "#/$defs/order" },
                    "tie_break": { "type": "array", "items": { "oneOf": [ { "type": "string" },
                        { "type": "object", "required": ["key"], "additionalProperties": false,
                          "properties": { "key": { "type": "string" }, "order": { "$ref": "#/$defs/order" } } } ] } },
                    "final_tie_break": { "enum": ["input_order", "ordine_di_presentazione", "ordine_presentazione", "draw", "sorteggio"],
                        "description": "how applicants equal on every key are ordered: input order (default) or a public draw from a seed given at ranking time" } } },
            "tests": { "type": "array", "items": { "$ref": "#/$defs/test_case" } }
        },
        "$defs": {
            "order": { "enum": ["asc", "desc", "crescente", "decrescente"] },
            "overrides": { "description": "replace the extended rulebook's definition or condition of the same name: always (true) or on the days from..to",
                "oneOf": [ { "type": "boolean" },
                    { "type": "object", "required": ["from"], "additionalProperties": false,
                      "properties": { "from": { "$ref": "#/$defs/date" }, "to": { "$ref": "#/$defs/date" } } } ] },
            "text": text_def, "date": date, "decimal": decimal, "input": input, "version": version,
            "parameter": parameter, "definition": definition, "condition": condition, "test_case": test_case,
            "expected": expected_schema(), "persons": persons_schema()
        }
    })
}

const EVAL_ERROR_KINDS: [&str; 9] = [
    "missing_fact",
    "undeclared_fact",
    "bad_fact",
    "parameter_not_in_force",
    "arithmetic",
    "date",
    "row_out_of_range",
    "limit",
    "missing_value",
];

const DIAGNOSTIC_KINDS: [&str; 13] = [
    "io",
    "yaml",
    "limit",
    "unsupported",
    "structure",
    "syntax",
    "unknown_name",
    "duplicate",
    "cycle",
    "type",
    "missing_source",
    "coverage",
    "link",
];

/// Expected outputs of a case.
fn expected_schema() -> Value {
    json!({
        "type": "object",
        "description": "output names (definitions, conditions or `eligible`) to exact values: decimals, `true`/`false`, dates, `null`/`missing`",
        "additionalProperties": { "type": ["string", "number", "boolean", "null"] }
    })
}

/// The person entity of an OpenFisca-style input.
fn persons_schema() -> Value {
    json!({
        "type": "object",
        "description": "person id → member inputs (each value plain or per period)",
        "additionalProperties": { "type": ["object", "null"] }
    })
}

/// One test case (our keys and OpenFisca's), as a self-contained schema fragment whose
/// references point into `#/$defs` of the document that embeds it (`date`, `decimal`).
fn test_case_schema() -> Value {
    json!({
        "type": "object", "additionalProperties": false,
        "description": "one case: `date` or OpenFisca `period`; `facts` or `input`; `expect` (or `output`) or `expect_error`",
        "anyOf": [
            { "required": ["date"] }, { "required": ["period"] }
        ],
        "properties": {
            "name": { "type": "string" }, "description": { "type": "string" },
            "date": { "$ref": "#/$defs/date" },
            "period": { "description": "OpenFisca period: YYYY (1 January), YYYY-MM (the first of the month) or YYYY-MM-DD",
                "oneOf": [ { "type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" }, { "type": "integer" } ] },
            "facts": { "type": "object", "description": "household inputs by name, and `members` (or `membri`): a list of member inputs" },
            "input": { "type": "object",
                "description": "OpenFisca input: declared household inputs by name; `persons` (persone, individui): person id → member inputs; `households` (famiglie, nuclei): one group id → { role: [person ids], household inputs }, or `household` (famiglia, nucleo): the group itself. A value may be per period: { YYYY[-MM[-DD]]: value }, read for the test's period",
                "properties": {
                    "persons": { "$ref": "#/$defs/persons" }, "persone": { "$ref": "#/$defs/persons" }, "individui": { "$ref": "#/$defs/persons" }
                } },
            "expect": { "$ref": "#/$defs/expected" },
            "output": { "$ref": "#/$defs/expected" },
            "expect_error": { "enum": EVAL_ERROR_KINDS, "description": "the evaluation must fail with this kind" },
            "absolute_error_margin": { "$ref": "#/$defs/decimal" },
            "relative_error_margin": { "description": "accepted and ignored" },
            "keywords": { "description": "accepted and ignored" },
            "source": { "type": "string" }
        }
    })
}

/// The JSON Schema (draft 2020-12) of a test file (`NAME.tests.yaml`): a mapping with
/// `rulebook` and `cases` (or `expect_load_error`), or a bare list of cases (OpenFisca style).
pub fn test_file_schema() -> Value {
    let date = json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" });
    let decimal = json!({ "description": "an exact decimal, preferably quoted (\"4500.00\")",
        "oneOf": [ { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$" }, { "type": "integer" } ] });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/welfare-kit/welfare-kit/docs/schema/rulebook-tests.schema.json",
        "title": "welfare-kit rulebook test file",
        "oneOf": [
            {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "rulebook": { "type": "string", "description": "the rulebook file, relative to this file; the sibling with the same stem by default" },
                    "description": { "type": "string" },
                    "cases": { "type": "array", "items": { "$ref": "#/$defs/test_case" } },
                    "expect_load_error": { "enum": DIAGNOSTIC_KINDS, "description": "the rulebook must be refused with a diagnostic of this kind" }
                }
            },
            { "type": "array", "description": "OpenFisca style: a bare list of cases", "items": { "$ref": "#/$defs/test_case" } }
        ],
        "$defs": {
            "date": date, "decimal": decimal, "expected": expected_schema(), "persons": persons_schema(), "test_case": test_case_schema()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema lists exactly the keys the reader accepts.
    #[test]
    fn test_case_schema_matches_the_reader() {
        let case = test_case_schema();
        let props = case.get("properties").and_then(Value::as_object).unwrap();
        let mut listed: Vec<&str> = props.keys().map(String::as_str).collect();
        let mut read: Vec<&str> = crate::syntax::TEST_CASE_KEYS.to_vec();
        listed.sort_unstable();
        read.sort_unstable();
        assert_eq!(listed, read);
    }
}
