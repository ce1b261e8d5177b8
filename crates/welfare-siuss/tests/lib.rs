//! Integration tests of welfare-siuss: official examples, fixtures, every rule, WaaS, proptest,
//! and the independent check of `xmllint --schema` against the official XSDs.

// Tests stop loudly on purpose; helpers outside `#[test]` functions need the same licence.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::print_stderr
)]

mod common;
mod fixtures;
mod input;
mod proptests;
mod reader;
mod rules;
mod waas;
