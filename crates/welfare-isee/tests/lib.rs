//! Integration tests of welfare-isee: worked examples, fixtures, choices and invariants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod attestazione;
mod choices;
mod common;
mod example_a;
mod fixtures;
mod props;
