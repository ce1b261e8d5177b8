//! Integration tests of welfare-types: one binary, one module per area.

mod money;
