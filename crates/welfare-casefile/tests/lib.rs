//! Integration tests of welfare-casefile.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

mod access;
mod calendar;
mod cases_index;
mod chain;
mod domain;
mod istanza;
mod machines;
mod records;
mod reports;
mod store;

// The scenario example, compiled into this test binary too so `cargo test -p welfare-casefile`
// runs it (its own `#[cfg(test)]` module holds the test).
#[allow(dead_code, unreachable_pub)]
#[path = "../../../examples/casefile_scenario.rs"]
mod casefile_scenario;
mod schema;
