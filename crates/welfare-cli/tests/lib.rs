//! Integration tests of the `welfare` binary: the documented contract, exit codes included.

// Tests stop loudly on purpose; helpers outside `#[test]` functions need the same licence.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod batch;
mod case;
mod cf;
mod eval;
mod gen;
mod isee;
mod repository;
mod rules;
mod schema;
mod siuss;
