//! Deserializer messages without the input values they quote.
//!
//! serde's messages name the value they reject: `invalid type: integer `20240017`, expected a
//! string`, `unknown variant `marocchina``, `invalid type: string "Mario Rossi"`. Those
//! values come from a person's record (a protocol number, a citizenship, a name) and would reach
//! rejects files and logs. [`serde_message`] replaces each with `(value not shown)` and keeps
//! what an operator needs to fix the record: the kind of value found, what was expected, and
//! the field names (`unknown field `colour``, `missing field `sex``), which are the format's,
//! not the person's.
//!
//! ```
//! use welfare_types::redact::serde_message;
//!
//! assert_eq!(
//!     serde_message("invalid type: integer `20240017`, expected a string"),
//!     "invalid type: integer (value not shown), expected a string"
//! );
//! assert_eq!(
//!     serde_message("unknown variant `marocchina`, expected one of `italian`, `eu`"),
//!     "unknown variant (value not shown), expected one of `italian`, `eu`"
//! );
//! assert_eq!(serde_message("missing field `sex`"), "missing field `sex`");
//! ```

/// What a rejected value follows in serde's messages, quoted between backticks (see
/// `serde::de::Unexpected` and `serde::de::Error::unknown_variant`).
const BACKTICKED: [&str; 5] =
    ["boolean `", "integer `", "floating point `", "character `", "unknown variant `"];

/// What a rejected text follows, quoted as Rust's `{:?}` writes it (escapes included).
const QUOTED: &str = "string \"";

/// What replaces each value.
const HIDDEN: &str = "(value not shown)";

/// `message` (a deserializer's) with every input value it quotes replaced by
/// `(value not shown)`: numbers, booleans and characters found where another type was
/// expected, texts (`string "…"`), and unknown enum variants. Field names and the lists of
/// expected variants, which belong to the format, are kept.
pub fn serde_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    loop {
        // The first value-opening marker left, of either kind.
        let backticked = BACKTICKED
            .iter()
            .filter_map(|marker| rest.find(marker).map(|at| (at, marker.len(), '`')))
            .min_by_key(|&(at, _, _)| at);
        let quoted = rest.find(QUOTED).map(|at| (at, QUOTED.len(), '"'));
        let next = match (backticked, quoted) {
            (Some(b), Some(q)) => Some(if q.0 < b.0 { q } else { b }),
            (b, q) => b.or(q),
        };
        let Some((at, len, close)) = next else { break };
        let open = at + len;
        // The marker without its opening quote, then the placeholder.
        out.push_str(rest.get(..open - 1).unwrap_or_default());
        out.push_str(HIDDEN);
        let value = rest.get(open..).unwrap_or_default();
        match closing(value, close) {
            Some(end) => rest = value.get(end + 1..).unwrap_or_default(),
            // An unterminated value: nothing after it is kept.
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Where the quote `close` ends `value` (a backtick, or a double quote after Rust's escapes).
fn closing(value: &str, close: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            '\\' if close == '"' && !escaped => escaped = true,
            c if c == close && !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::serde_message;
    use proptest::prelude::*;

    #[test]
    fn values_are_hidden_and_the_rest_kept() {
        for (message, redacted) in [
            (
                "invalid type: string \"Mario Rossi\", expected a date at line 3",
                "invalid type: string (value not shown), expected a date at line 3",
            ),
            (
                "invalid type: string \"say \\\"hi\\\" `x`\", expected u8",
                "invalid type: string (value not shown), expected u8",
            ),
            (
                "invalid value: integer `-3`, expected u32",
                "invalid value: integer (value not shown), expected u32",
            ),
            (
                "invalid type: boolean `true`, expected a string",
                "invalid type: boolean (value not shown), expected a string",
            ),
            (
                "invalid type: floating point `12345.67`, expected a string",
                "invalid type: floating point (value not shown), expected a string",
            ),
            (
                "invalid type: character `x`, expected a map",
                "invalid type: character (value not shown), expected a map",
            ),
            (
                "unknown variant `marocchina`, expected one of `italian`, `eu`",
                "unknown variant (value not shown), expected one of `italian`, `eu`",
            ),
            ("unknown field `colour`, expected `sex`", "unknown field `colour`, expected `sex`"),
            ("missing field `members`", "missing field `members`"),
            ("invalid type: map, expected a string", "invalid type: map, expected a string"),
            ("invalid length 3, expected 2 elements", "invalid length 3, expected 2 elements"),
            ("invalid type: string \"unterminated", "invalid type: string (value not shown)"),
        ] {
            assert_eq!(serde_message(message), redacted, "{message}");
        }
    }

    proptest! {
        /// Whatever the value, serde's message for it never shows it.
        #[test]
        fn no_value_survives(raw in "[a-zA-Z0-9 `\"\\\\àè.,-]{0,24}", digits in "[0-9]{1,12}") {
            // A prefix no fixed part of a message has, so that finding it means a leak.
            let value = format!("Zq{raw}");
            let variant = value.replace('`', "");
            for (message, secret) in [
                (format!("invalid type: string {value:?}, expected a date"), value.as_str()),
                (format!("unknown variant `{variant}`, expected one of `a`, `b`"), variant.as_str()),
                (format!("invalid value: integer `Zq{digits}`, expected u8"), "Zq"),
            ] {
                let redacted = serde_message(&message);
                prop_assert!(redacted.contains("(value not shown)"), "{}", redacted);
                prop_assert!(!redacted.contains("Zq"), "{} → {} ({})", message, redacted, secret);
            }
        }
    }
}
