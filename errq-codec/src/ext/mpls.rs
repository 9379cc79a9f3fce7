//! RFC 4950 MPLS label stack object (class 1, c-type 1: incoming MPLS label stack).

use core::fmt;

use crate::error::{Error, Reason, Structure};

/// One MPLS label stack entry (RFC 3032 layout: label 20 bits, traffic class 3, S 1, TTL 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MplsLabel {
    /// The label (20 bits).
    pub label: u32,
    /// The traffic class, formerly EXP (3 bits).
    pub traffic_class: u8,
    /// The bottom-of-stack bit.
    pub bottom_of_stack: bool,
    /// The TTL.
    pub ttl: u8,
}

impl fmt::Display for MplsLabel {
    /// `MPLS label 16000 tc 5 s 1 ttl 1`: label, traffic class, bottom-of-stack bit, TTL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MPLS label {} tc {} s {} ttl {}",
            self.label,
            self.traffic_class,
            u8::from(self.bottom_of_stack),
            self.ttl
        )
    }
}

impl MplsLabel {
    /// Decode one 4-byte entry.
    #[must_use]
    #[inline]
    pub fn from_bytes(b: [u8; 4]) -> Self {
        let word = u32::from_be_bytes(b);
        let [_, _, b2, ttl] = b;
        Self {
            label: word >> 12,
            traffic_class: (b2 >> 1) & 0x07,
            bottom_of_stack: b2 & 0x01 != 0,
            ttl,
        }
    }

    /// Encode as 4 bytes (bits beyond each field's width are dropped).
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 4] {
        let word = ((self.label & 0x000f_ffff) << 12)
            | (u32::from(self.traffic_class & 0x07) << 9)
            | (u32::from(self.bottom_of_stack) << 8)
            | u32::from(self.ttl);
        word.to_be_bytes()
    }
}

/// A checked view of an MPLS label stack object's payload: a whole number of 4-byte entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MplsLabelStack<'a> {
    payload: &'a [u8],
}

impl<'a> MplsLabelStack<'a> {
    /// Check an object payload.
    ///
    /// # Errors
    /// [`Error::Malformed`] (`MplsLabel`, [`Reason::LengthNotMultiple`]) if the payload is not
    /// a multiple of 4 bytes.
    #[inline]
    pub fn new(payload: &'a [u8]) -> Result<Self, Error> {
        if payload.len() % 4 != 0 {
            return Err(Error::malformed(
                Structure::MplsLabel,
                Reason::LengthNotMultiple {
                    length: payload.len() as u64,
                    unit: 4,
                },
            ));
        }
        Ok(Self { payload })
    }

    /// The entries, top of the stack first.
    #[must_use]
    #[inline]
    pub fn entries(&self) -> MplsLabels<'a> {
        MplsLabels {
            chunks: self.payload.chunks_exact(4),
        }
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.payload.len() / 4
    }

    /// Whether the stack has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.payload.is_empty()
    }
}

/// Iterator over MPLS label stack entries.
#[derive(Clone, Debug)]
pub struct MplsLabels<'a> {
    chunks: core::slice::ChunksExact<'a, u8>,
}

impl Iterator for MplsLabels<'_> {
    type Item = MplsLabel;

    #[inline]
    fn next(&mut self) -> Option<MplsLabel> {
        let chunk = self.chunks.next()?;
        chunk.try_into().ok().map(MplsLabel::from_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_bits() {
        // Label 16000 (0x03e80), TC 5, bottom of stack, TTL 1.
        let b = [0x03, 0xe8, 0x0b, 0x01];
        let l = MplsLabel::from_bytes(b);
        assert_eq!(
            l,
            MplsLabel {
                label: 16000,
                traffic_class: 5,
                bottom_of_stack: true,
                ttl: 1
            }
        );
        assert_eq!(l.to_bytes(), b);
        assert_eq!(std::format!("{l}"), "MPLS label 16000 tc 5 s 1 ttl 1");
        assert_eq!(
            MplsLabelStack::new(&[0; 6]),
            Err(Error::malformed(
                Structure::MplsLabel,
                Reason::LengthNotMultiple { length: 6, unit: 4 }
            ))
        );
    }
}
