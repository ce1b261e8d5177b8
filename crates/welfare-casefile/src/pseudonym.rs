//! SINBA pseudonyms (`IDBeneficiario`): stable per child, not derivable from the codice fiscale
//! or the case number.
//!
//! The pseudonym is `HMAC-SHA256(key = tenant secret, message = "welfare-kit/sinba/v1" ‖ 0x00 ‖
//! tenant id ‖ 0x00 ‖ person id)`, its first 100 bits written as 20 characters of the RFC 4648
//! base32 alphabet (`A–Z`, `2–7`), which fits SINBA's 1–20 character field.
//!
//! * **Stable**: the same tenant secret and person id always give the same pseudonym, so the
//!   child keeps one `IDBeneficiario` across years and flows.
//! * **Not derivable**: the input is the internal person id (never the codice fiscale or the
//!   case number), and without the secret no one, INPS included, can recompute or invert it.
//!   SISO's scheme (Belfiore code + case id) is trivially reversible; this one is not.
//! * **Secret handling**: the secret is at least 32 random bytes per tenant, kept outside the
//!   case database (a key store); [`TenantSecret`]'s `Debug` never prints it. Rotating the secret
//!   changes every pseudonym: keep the old secret while children already sent remain in
//!   charge, or store the pseudonym in [`PersonIdentifiers`](crate::person::PersonIdentifiers)
//!   when first sent (the recommended practice: compute once, then keep).
//!
//! ```
//! use welfare_casefile::pseudonym::{sinba_pseudonym, TenantSecret};
//! use welfare_casefile::ids::{PersonId, TenantId};
//!
//! let secret = TenantSecret::new(vec![7u8; 32])?;
//! let tenant = TenantId::new("ambito-ven15")?;
//! let child = PersonId::new("P-000042")?;
//! let a = sinba_pseudonym(&secret, &tenant, &child)?;
//! assert_eq!(a.len(), 20);
//! assert_eq!(a, sinba_pseudonym(&secret, &tenant, &child)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ids::{PersonId, TenantId};

/// A tenant's pseudonymisation key.
#[derive(Clone, PartialEq, Eq)]
pub struct TenantSecret(Vec<u8>);

/// The secret is shorter than 32 bytes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("tenant secret must be at least 32 bytes")]
pub struct SecretTooShort;

impl TenantSecret {
    /// Wraps a key of at least 32 bytes.
    pub fn new(key: Vec<u8>) -> Result<TenantSecret, SecretTooShort> {
        if key.len() < 32 {
            return Err(SecretTooShort);
        }
        Ok(TenantSecret(key))
    }
}

impl std::fmt::Debug for TenantSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TenantSecret(<redacted>)")
    }
}

const DOMAIN: &[u8] = b"welfare-kit/sinba/v1";
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The SINBA pseudonym of a person (see the module docs).
///
/// Fails only if the HMAC implementation refuses the key, which HMAC-SHA256 never does for a
/// key of any length; the error exists so that no fallback value can ever be produced.
pub fn sinba_pseudonym(
    secret: &TenantSecret,
    tenant: &TenantId,
    person: &PersonId,
) -> Result<String, SecretTooShort> {
    let mut mac = Hmac::<Sha256>::new_from_slice(&secret.0).map_err(|_| SecretTooShort)?;
    mac.update(DOMAIN);
    mac.update(&[0]);
    mac.update(tenant.as_str().as_bytes());
    mac.update(&[0]);
    mac.update(person.as_str().as_bytes());
    let tag: [u8; 32] = mac.finalize().into_bytes().into();
    let mut out = String::with_capacity(20);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for byte in tag {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 && out.len() < 20 {
            bits -= 5;
            let idx = usize::try_from((acc >> bits) & 31).unwrap_or(0);
            out.push(char::from(BASE32.get(idx).copied().unwrap_or(b'A')));
        }
        acc &= (1 << bits) - 1;
        if out.len() == 20 {
            break;
        }
    }
    Ok(out)
}
