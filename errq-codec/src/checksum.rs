//! The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum.
//!
//! Used by ICMPv4 (over the message), ICMPv6 (over a pseudo-header and the message, RFC 8200
//! section 8.1), the IPv4 header and the RFC 4884 extension structure.
//!
//! ```
//! use errq_codec::checksum::{internet_checksum, Checksum};
//! // The RFC 1071 section 3 example: the sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2.
//! let bytes = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
//! assert_eq!(internet_checksum(&bytes), !0xddf2);
//! let mut sum = Checksum::new();
//! sum.add_bytes(&bytes[..3]);
//! sum.add_bytes(&bytes[3..]);
//! assert_eq!(sum.finish(), !0xddf2);
//! ```

use core::net::{Ipv4Addr, Ipv6Addr};

/// A running Internet checksum: add bytes in any number of pieces, then [`Checksum::finish`].
///
/// Pieces of odd length are handled: the next piece continues at the odd byte.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checksum {
    sum: u64,
    odd: Option<u8>,
}

impl Checksum {
    /// An empty sum.
    #[must_use]
    pub const fn new() -> Self {
        Self { sum: 0, odd: None }
    }

    /// Add one 16-bit word (already in host order, as read big-endian from the wire).
    pub fn add_u16(&mut self, word: u16) {
        self.add_bytes(&word.to_be_bytes());
    }

    /// Add a 32-bit value as two big-endian 16-bit words.
    pub fn add_u32(&mut self, value: u32) {
        self.add_bytes(&value.to_be_bytes());
    }

    /// Add bytes, as big-endian 16-bit words continuing where the previous piece ended.
    pub fn add_bytes(&mut self, mut bytes: &[u8]) {
        if let Some(high) = self.odd.take() {
            match bytes.split_first() {
                Some((&low, rest)) => {
                    self.add_word(u16::from_be_bytes([high, low]));
                    bytes = rest;
                }
                None => {
                    self.odd = Some(high);
                    return;
                }
            }
        }
        let mut pairs = bytes.chunks_exact(2);
        for pair in &mut pairs {
            if let [a, b] = *pair {
                self.add_word(u16::from_be_bytes([a, b]));
            }
        }
        if let [last] = *pairs.remainder() {
            self.odd = Some(last);
        }
    }

    fn add_word(&mut self, word: u16) {
        // Fold eagerly so the u64 can never overflow, whatever the input length.
        self.sum = self.sum.wrapping_add(u64::from(word));
        if self.sum > 0xffff_ffff {
            self.sum = (self.sum & 0xffff_ffff).wrapping_add(self.sum >> 32);
        }
    }

    /// The one's complement sum folded to 16 bits (not complemented).
    #[must_use]
    pub fn sum(&self) -> u16 {
        let mut copy = *self;
        if let Some(high) = copy.odd.take() {
            copy.add_word(u16::from_be_bytes([high, 0]));
        }
        let mut sum = copy.sum;
        while sum > 0xffff {
            sum = (sum & 0xffff).wrapping_add(sum >> 16);
        }
        // The loop leaves sum <= 0xffff.
        u16::try_from(sum).unwrap_or(u16::MAX)
    }

    /// The checksum to put in a header: the complement of [`Checksum::sum`].
    #[must_use]
    pub fn finish(&self) -> u16 {
        !self.sum()
    }

    /// Whether data that includes its own checksum field verifies: the sum is all ones.
    #[must_use]
    pub fn verifies(&self) -> bool {
        self.sum() == 0xffff
    }
}

/// The Internet checksum of `bytes` (RFC 1071), ready to store in a header.
#[must_use]
pub fn internet_checksum(bytes: &[u8]) -> u16 {
    let mut sum = Checksum::new();
    sum.add_bytes(bytes);
    sum.finish()
}

/// A checksum seeded with the IPv6 pseudo-header (RFC 8200 section 8.1): source, destination,
/// upper-layer packet length, and next header.
#[must_use]
pub fn ipv6_pseudo_header(src: Ipv6Addr, dst: Ipv6Addr, length: u32, next_header: u8) -> Checksum {
    let mut sum = Checksum::new();
    sum.add_bytes(&src.octets());
    sum.add_bytes(&dst.octets());
    sum.add_u32(length);
    sum.add_u32(u32::from(next_header));
    sum
}

/// A checksum seeded with the IPv4 pseudo-header used by UDP and TCP (RFC 768): source,
/// destination, zero, protocol, and length.
#[must_use]
pub fn ipv4_pseudo_header(src: Ipv4Addr, dst: Ipv4Addr, length: u16, protocol: u8) -> Checksum {
    let mut sum = Checksum::new();
    sum.add_bytes(&src.octets());
    sum.add_bytes(&dst.octets());
    sum.add_u16(u16::from(protocol));
    sum.add_u16(length);
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        let bytes = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        let mut s = Checksum::new();
        s.add_bytes(&bytes);
        assert_eq!(s.sum(), 0xddf2);
    }

    #[test]
    fn odd_pieces_equal_whole() {
        // Every pair of split points; a shorter buffer under Miri, which is ~1000x slower.
        let n: u8 = if cfg!(miri) { 40 } else { 250 };
        let bytes: std::vec::Vec<u8> = (0..=n).collect();
        let whole = internet_checksum(&bytes);
        for split in 0..bytes.len() {
            for split2 in split..bytes.len() {
                let mut s = Checksum::new();
                s.add_bytes(&bytes[..split]);
                s.add_bytes(&bytes[split..split2]);
                s.add_bytes(&bytes[split2..]);
                assert_eq!(s.finish(), whole);
            }
        }
    }

    #[test]
    fn real_ipv4_header() {
        // The widely used worked example of an IPv4 header checksum: 0xb861.
        let h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        let mut s = Checksum::new();
        s.add_bytes(&h);
        assert!(s.verifies());
        let mut z = h;
        z[10] = 0;
        z[11] = 0;
        assert_eq!(internet_checksum(&z), 0xb861);
    }
}
