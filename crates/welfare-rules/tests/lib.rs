//! Integration tests of welfare-rules.

mod fixtures;
