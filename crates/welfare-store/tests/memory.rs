//! The conformance suite on the reference implementation, InMemoryStore: the suite itself is
//! checked against the contract's author.

use welfare_casefile::store::InMemoryStore;

crate::conformance::suite!(Some(InMemoryStore::new()));
