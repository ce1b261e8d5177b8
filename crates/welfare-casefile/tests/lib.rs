//! Integration tests of welfare-casefile.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

mod access;
mod calendar;
mod chain;
mod domain;
mod istanza;
mod machines;
mod store;
