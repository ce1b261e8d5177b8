//! Runnable examples of welfare-kit. Each file in this folder is one example, run with
//! `cargo run -p welfare-examples --example NAME`; `cargo test --workspace --all-targets`
//! builds them all.
