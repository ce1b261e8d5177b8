//! Integration tests of welfare-isee: worked examples, fixtures, choices and invariants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
