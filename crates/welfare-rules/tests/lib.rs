//! Integration tests of welfare-rules.

// Test helpers outside `#[test]` functions stop loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod api;
mod extension;
mod fixtures;
mod functions;
mod hostile;
mod language;
mod properties;
mod ranking;
mod testfiles;
mod text_tables;
