//! Eight ASCII bytes read at once as decimal digits: the one word-at-a-time digit check that
//! the readers of amounts ([`crate::money`]) and of dates in record readers share.
//!
//! ```
//! use welfare_types::digits;
//!
//! let (values, others) = digits::values(u64::from_le_bytes(*b"2026-09-"));
//! assert_eq!(values & 0xff, 2); // the first byte is the lowest
//! assert_eq!(others, 0x8000_0080_0000_0000); // the two dashes are not digits
//! ```

/// The bytes of `word` (its first byte the lowest) less `'0'`, and a mask with the high bit of
/// each byte that is not an ASCII digit. A digit's byte becomes its value, 0 to 9; any other
/// byte becomes a value of ten or more. No carry crosses bytes.
#[inline]
#[must_use]
pub const fn values(word: u64) -> (u64, u64) {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Added to a byte below 0x80, sets its high bit from 10 up.
    const FROM_TEN: u64 = 0x7676_7676_7676_7676;
    let values = word ^ ZEROS;
    (values, (((values & LOW_SEVEN) + FROM_TEN) | values) & HIGHS)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{prop_assert_eq, proptest};

    proptest! {
        /// Byte by byte: the value is the byte less `'0'`, flagged exactly when the byte is not
        /// an ASCII digit.
        #[test]
        fn values_are_the_bytes_digits(bytes in proptest::array::uniform8(0u8..=255)) {
            let (values, others) = super::values(u64::from_le_bytes(bytes));
            for (i, b) in bytes.iter().enumerate() {
                prop_assert_eq!(((values >> (8 * i)) & 0xff) as u8, b ^ b'0');
                prop_assert_eq!((others >> (8 * i)) & 0xff != 0, !b.is_ascii_digit());
            }
        }
    }
}
