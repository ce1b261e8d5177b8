//! Hash-chained event logs.
//!
//! Each aggregate's events form a chain: record *n* stores
//! `hash_n = SHA-256(hash_{n-1} ‖ canonical_bytes_n)` where `hash_0` is 32 zero bytes and
//! `canonical_bytes_n` are the stored canonical bytes of the [`EventEnvelope`] (see
//! [`crate::events`]). [`verify`] recomputes the chain and checks that sequence numbers run
//! 1, 2, 3… without gaps, that each record's canonical bytes decode to an envelope with the
//! same sequence, tenant and aggregate, and, when a [`ChainHead`] is given, that the chain ends
//! exactly there.
//!
//! Any change of a byte, any deletion inside the chain and any reordering breaks a link. A
//! deletion of the *last* records (truncation) leaves a valid shorter chain: it is detected only
//! against a head kept elsewhere (the store's per-aggregate head, or a periodically published
//! anchor), which is why [`verify`] takes one.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::events::EventEnvelope;

/// A SHA-256 digest, serialized as 64 lower-case hex digits.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The all-zero digest that precedes the first record.
    pub const GENESIS: Digest = Digest([0; 32]);

    /// SHA-256 of `data`.
    pub fn of(data: &[u8]) -> Digest {
        Digest(Sha256::digest(data).into())
    }

    /// SHA-256 of `previous ‖ data`.
    pub fn chained(previous: &Digest, data: &[u8]) -> Digest {
        let mut h = Sha256::new();
        h.update(previous.0);
        h.update(data);
        Digest(h.finalize().into())
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            s.push(char::from(HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0')));
        }
        s
    }

    /// Parses exactly 64 lower-case hex digits (upper case is refused so that one digest has
    /// one text).
    pub fn from_hex(text: &str) -> Option<Digest> {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let nibble = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        let mut out = [0u8; 32];
        for (i, slot) in out.iter_mut().enumerate() {
            let hi = nibble(*bytes.get(2 * i)?)?;
            let lo = nibble(*bytes.get(2 * i + 1)?)?;
            *slot = (hi << 4) | lo;
        }
        Some(Digest(out))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let text = String::deserialize(d)?;
        Digest::from_hex(&text)
            .ok_or_else(|| serde::de::Error::custom("digest must be 64 lower-case hex digits"))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Digest {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Digest")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "SHA-256 digest as 64 lower-case hex digits",
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
        })
    }
}

/// Why a chain failed verification. Carries positions only, never content.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// An envelope could not be encoded.
    #[error("event could not be encoded to canonical bytes")]
    Encode,
    /// A record's canonical bytes do not decode to an envelope.
    #[error("record {position}: canonical bytes do not decode to an event")]
    Decode {
        /// 1-based position in the log.
        position: usize,
    },
    /// Sequence numbers do not run 1, 2, 3… .
    #[error("record {position}: sequence {found} where {expected} was expected")]
    Sequence {
        /// 1-based position.
        position: usize,
        /// Expected sequence.
        expected: u64,
        /// Sequence found.
        found: u64,
    },
    /// The record's previous-hash field does not match the previous record's hash.
    #[error("record {position}: previous hash does not match")]
    Link {
        /// 1-based position.
        position: usize,
    },
    /// The record's hash does not match its content.
    #[error("record {position}: hash does not match its content")]
    Hash {
        /// 1-based position.
        position: usize,
    },
    /// The record belongs to another tenant or aggregate than the first one.
    #[error("record {position}: belongs to another tenant or aggregate")]
    Foreign {
        /// 1-based position.
        position: usize,
    },
    /// The chain does not end at the expected head (records missing at the end, or added).
    #[error("chain ends at sequence {found}, the head says {expected}")]
    Head {
        /// Head sequence.
        expected: u64,
        /// Last sequence found.
        found: u64,
    },
}

/// One stored event: the canonical bytes as JSON text, their position and hashes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordedEvent {
    /// Position in the aggregate's stream, from 1.
    pub sequence: u64,
    /// Hash of the previous record ([`Digest::GENESIS`] for the first).
    pub prev_hash: Digest,
    /// `SHA-256(prev_hash ‖ canonical)`.
    pub hash: Digest,
    /// Canonical bytes of the envelope (UTF-8 JSON).
    pub canonical: String,
}

/// Where a chain ends: the last sequence and its hash.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChainHead {
    /// Last sequence (0 for an empty chain).
    pub sequence: u64,
    /// Last hash ([`Digest::GENESIS`] for an empty chain).
    pub hash: Digest,
}

impl ChainHead {
    /// The head of an empty chain.
    pub const EMPTY: ChainHead = ChainHead { sequence: 0, hash: Digest::GENESIS };
}

impl RecordedEvent {
    /// Seals an envelope after `head`: its sequence must be `head.sequence + 1`.
    pub fn seal(head: &ChainHead, envelope: &EventEnvelope) -> Result<RecordedEvent, ChainError> {
        let expected = head.sequence + 1;
        if envelope.sequence != expected {
            return Err(ChainError::Sequence { position: 1, expected, found: envelope.sequence });
        }
        let bytes = envelope.canonical_bytes()?;
        let canonical = String::from_utf8(bytes).map_err(|_| ChainError::Encode)?;
        Ok(RecordedEvent {
            sequence: envelope.sequence,
            prev_hash: head.hash,
            hash: Digest::chained(&head.hash, canonical.as_bytes()),
            canonical,
        })
    }

    /// Decodes the envelope from the canonical bytes. The error's position is the record's
    /// sequence (its place in a chain that verifies).
    pub fn envelope(&self) -> Result<EventEnvelope, ChainError> {
        serde_json::from_str(&self.canonical).map_err(|_| ChainError::Decode {
            position: usize::try_from(self.sequence).unwrap_or(usize::MAX),
        })
    }

    /// The head this record ends.
    pub fn head(&self) -> ChainHead {
        ChainHead { sequence: self.sequence, hash: self.hash }
    }
}

/// Verifies a chain (see the module docs) and returns its head and decoded envelopes.
pub fn verify(
    records: &[RecordedEvent],
    expected_head: Option<&ChainHead>,
) -> Result<(ChainHead, Vec<EventEnvelope>), ChainError> {
    let mut head = ChainHead::EMPTY;
    let mut envelopes = Vec::with_capacity(records.len());
    let mut owner = None;
    for (i, r) in records.iter().enumerate() {
        let position = i + 1;
        let expected = head.sequence + 1;
        if r.sequence != expected {
            return Err(ChainError::Sequence { position, expected, found: r.sequence });
        }
        if r.prev_hash != head.hash {
            return Err(ChainError::Link { position });
        }
        if Digest::chained(&r.prev_hash, r.canonical.as_bytes()) != r.hash {
            return Err(ChainError::Hash { position });
        }
        let env: EventEnvelope =
            serde_json::from_str(&r.canonical).map_err(|_| ChainError::Decode { position })?;
        if env.sequence != r.sequence {
            return Err(ChainError::Sequence {
                position,
                expected: r.sequence,
                found: env.sequence,
            });
        }
        let this = (env.tenant.clone(), env.aggregate.clone());
        match &owner {
            None => owner = Some(this),
            Some(o) if *o == this => {}
            Some(_) => return Err(ChainError::Foreign { position }),
        }
        head = r.head();
        envelopes.push(env);
    }
    if let Some(h) = expected_head {
        if *h != head {
            return Err(ChainError::Head { expected: h.sequence, found: head.sequence });
        }
    }
    Ok((head, envelopes))
}

/// Writes a log as JSON lines, one [`RecordedEvent`] per line (a portable export format).
pub fn to_json_lines(records: &[RecordedEvent]) -> Result<String, ChainError> {
    let mut out = String::new();
    for r in records {
        out.push_str(&serde_json::to_string(r).map_err(|_| ChainError::Encode)?);
        out.push('\n');
    }
    Ok(out)
}

/// Reads a log written by [`to_json_lines`].
pub fn from_json_lines(text: &str) -> Result<Vec<RecordedEvent>, ChainError> {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|_| ChainError::Decode { position: i + 1 })
        })
        .collect()
}
