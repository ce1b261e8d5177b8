//! Integration tests of welfare-types: one binary, one module per area.

// Tests stop loudly on purpose; helpers outside `#[test]` functions need the same licence.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod codice_fiscale;
mod iban;
mod money;
mod partita_iva;
mod territory;
