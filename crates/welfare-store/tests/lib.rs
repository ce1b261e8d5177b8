//! welfare-store integration tests: one conformance suite run on every backend, plus
//! concurrency, crash and transfer tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod conformance;
mod crash;
mod fixtures;
mod memory;
mod postgres;
mod sqlite;
mod transfer;
