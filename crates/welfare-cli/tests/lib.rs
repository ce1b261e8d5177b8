//! Integration tests of the `welfare` binary: the documented contract, exit codes included.
