//! Integration tests of welfare-rules.

mod fixtures;
mod hostile;
