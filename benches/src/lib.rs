//! Benchmarks of welfare-kit live in `benches/`; this library only gives them shared inputs.
//!
//! Run them with `cargo bench -p welfare-benches`; targets and measured figures are in
//! `benches/README.md`.
