//! Integration tests of welfare-benefits: one binary, one module per area.

// Tests stop loudly on purpose; helpers outside `#[test]` functions need the same licence.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod auu;
mod catalogue;
mod facts_view;
mod household;
mod invariants;
mod params;
mod rulebooks;
mod schema;
mod synthetic;
