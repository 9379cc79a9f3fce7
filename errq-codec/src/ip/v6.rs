//! The IPv6 header (RFC 8200) and its extension-header chain, lax about what follows.

use core::net::Ipv6Addr;

use zerocopy::network_endian::{U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{IpProtocol, Transport};
use crate::error::{Error, Reason, Structure};

/// The fixed 40 bytes of an IPv6 header.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
struct Ipv6Wire {
    version_class_flow: U32,
    payload_len: U16,
    next_header: u8,
    hop_limit: u8,
    src: [u8; 16],
    dst: [u8; 16],
}

const LEN: usize = 40;

/// A checked view of an IPv6 header and whatever follows it.
///
/// The 40-byte header is whole (checked by [`Ipv6Header::new`]); the extension headers and
/// the payload may be cut short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(alias = "ipv6hdr")]
pub struct Ipv6Header<'a> {
    fixed: &'a Ipv6Wire,
    bytes: &'a [u8],
    rest: &'a [u8],
}

impl<'a> Ipv6Header<'a> {
    /// Check and view an IPv6 header at the start of `bytes`.
    ///
    /// # Errors
    /// [`Error::Truncated`] (`Ipv6Header`) if `bytes` is shorter than 40 bytes;
    /// [`Error::Malformed`] with [`Reason::BadVersion`] if the version is not 6.
    #[inline]
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        let (fixed, rest) = Ipv6Wire::ref_from_prefix(bytes)
            .map_err(|_| Error::truncated(Structure::Ipv6Header, LEN, bytes.len()))?;
        let version = bytes.first().map_or(0, |b| b >> 4);
        if version != 6 {
            return Err(Error::malformed(
                Structure::Ipv6Header,
                Reason::BadVersion { version },
            ));
        }
        Ok(Self { fixed, bytes, rest })
    }

    /// The version (always 6).
    #[must_use]
    pub fn version(&self) -> u8 {
        u8::try_from(self.fixed.version_class_flow.get() >> 28).unwrap_or(0)
    }

    /// The traffic class (DSCP and ECN).
    #[must_use]
    pub fn traffic_class(&self) -> u8 {
        u8::try_from((self.fixed.version_class_flow.get() >> 20) & 0xff).unwrap_or(0)
    }

    /// The 20-bit flow label.
    #[doc(alias = "flow_lbl")]
    #[must_use]
    pub fn flow_label(&self) -> u32 {
        self.fixed.version_class_flow.get() & 0x000f_ffff
    }

    /// The payload length field: the length of the original payload (extension headers
    /// included), which the quote may not hold. 0 for a jumbogram.
    #[must_use]
    pub fn payload_len(&self) -> u16 {
        self.fixed.payload_len.get()
    }

    /// The next header of the fixed header.
    #[doc(alias = "nexthdr")]
    #[must_use]
    pub fn next_header(&self) -> IpProtocol {
        IpProtocol(self.fixed.next_header)
    }

    /// The hop limit.
    #[must_use]
    pub fn hop_limit(&self) -> u8 {
        self.fixed.hop_limit
    }

    /// The source address.
    #[doc(alias = "saddr")]
    #[must_use]
    pub fn src(&self) -> Ipv6Addr {
        Ipv6Addr::from(self.fixed.src)
    }

    /// The destination address.
    #[doc(alias = "daddr")]
    #[must_use]
    pub fn dst(&self) -> Ipv6Addr {
        Ipv6Addr::from(self.fixed.dst)
    }

    /// The payload present in the quote (extension headers included), no longer than
    /// `payload_len` says (unless that is 0, a jumbogram).
    #[must_use]
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        match usize::from(self.payload_len()) {
            0 => self.rest,
            len => self.rest.get(..len).unwrap_or(self.rest),
        }
    }

    /// How many payload bytes `payload_len` promises that the quote does not hold.
    #[must_use]
    pub fn missing(&self) -> usize {
        usize::from(self.payload_len()).saturating_sub(self.rest.len())
    }

    /// The extension headers, in order, up to the first header that is not one.
    #[must_use]
    pub fn extension_headers(&self) -> Ipv6ExtensionHeaders<'a> {
        Ipv6ExtensionHeaders {
            next: self.next_header(),
            rest: self.payload(),
            done: false,
        }
    }

    /// Walk the extension-header chain to the transport header.
    ///
    /// A chain cut short by the quote gives [`Transport::Cut`], a non-first fragment gives
    /// [`Transport::NotFirstFragment`]: neither is an error.
    #[must_use]
    #[inline]
    pub fn transport(&self) -> Transport<'a> {
        let mut headers = self.extension_headers();
        let mut fragment_offset = 0u16;
        loop {
            match headers.next() {
                Some(Ok(header)) => {
                    if let Some(offset) = header.fragment_offset() {
                        fragment_offset = offset;
                    }
                }
                Some(Err(_)) => {
                    return Transport::Cut {
                        next_header: headers.next,
                        bytes: headers.rest,
                    }
                }
                None => break,
            }
        }
        if fragment_offset != 0 {
            Transport::NotFirstFragment {
                protocol: headers.next,
                offset: fragment_offset,
                bytes: headers.rest,
            }
        } else {
            Transport::new(headers.next, headers.rest)
        }
    }

    /// The whole input, from the header on.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// One IPv6 extension header, bounded by its own length field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv6ExtensionHeader<'a> {
    kind: IpProtocol,
    bytes: &'a [u8],
}

impl<'a> Ipv6ExtensionHeader<'a> {
    /// Which extension header this is (the next-header value that announced it).
    #[must_use]
    pub fn kind(&self) -> IpProtocol {
        self.kind
    }

    /// The next header it announces.
    #[must_use]
    pub fn next_header(&self) -> IpProtocol {
        IpProtocol(self.bytes.first().copied().unwrap_or(0))
    }

    /// The whole header, its first two bytes included.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// For a fragment header: the fragment offset in bytes.
    #[must_use]
    pub fn fragment_offset(&self) -> Option<u16> {
        if self.kind != IpProtocol::IPV6_FRAGMENT {
            return None;
        }
        let field = self.bytes.get(2..4)?;
        Some(u16::from_be_bytes([*field.first()?, *field.get(1)?]) & 0xfff8)
    }

    /// For a fragment header: the more-fragments flag.
    #[must_use]
    pub fn more_fragments(&self) -> Option<bool> {
        if self.kind != IpProtocol::IPV6_FRAGMENT {
            return None;
        }
        Some(self.bytes.get(3)? & 1 != 0)
    }

    /// For a fragment header: the identification.
    #[must_use]
    pub fn fragment_ident(&self) -> Option<u32> {
        if self.kind != IpProtocol::IPV6_FRAGMENT {
            return None;
        }
        let b: [u8; 4] = self.bytes.get(4..8)?.try_into().ok()?;
        Some(u32::from_be_bytes(b))
    }
}

/// Iterator over the extension headers of an IPv6 packet.
///
/// Yields `Err` once if a header is cut short, then stops (fuses).
#[derive(Clone, Debug)]
pub struct Ipv6ExtensionHeaders<'a> {
    next: IpProtocol,
    rest: &'a [u8],
    done: bool,
}

impl<'a> Ipv6ExtensionHeaders<'a> {
    /// Walk a chain that starts with a header of kind `first` at the start of `bytes` (e.g.
    /// an `IPV6_HOPOPTS` control message, which holds the header itself).
    #[must_use]
    pub const fn starting(first: IpProtocol, bytes: &'a [u8]) -> Self {
        Self {
            next: first,
            rest: bytes,
            done: false,
        }
    }

    /// The next-header value after the headers iterated so far.
    #[must_use]
    pub fn next_header(&self) -> IpProtocol {
        self.next
    }

    /// The bytes after the headers iterated so far.
    #[must_use]
    pub fn remainder(&self) -> &'a [u8] {
        self.rest
    }
}

impl<'a> Iterator for Ipv6ExtensionHeaders<'a> {
    type Item = Result<Ipv6ExtensionHeader<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || !self.next.is_ipv6_extension() {
            return None;
        }
        let truncated =
            |needed| Error::truncated(Structure::Ipv6ExtensionHeader, needed, self.rest.len());
        let len_field = match self.rest.get(1) {
            Some(&b) => usize::from(b),
            None => {
                self.done = true;
                return Some(Err(truncated(8)));
            }
        };
        let len = match self.next {
            IpProtocol::IPV6_FRAGMENT => 8,
            // AH counts 32-bit words, minus 2 (RFC 4302).
            IpProtocol::AH => len_field.saturating_add(2).saturating_mul(4),
            _ => len_field.saturating_add(1).saturating_mul(8),
        };
        let Some((bytes, rest)) = self.rest.split_at_checked(len) else {
            self.done = true;
            return Some(Err(truncated(len)));
        };
        let header = Ipv6ExtensionHeader {
            kind: self.next,
            bytes,
        };
        self.next = header.next_header();
        self.rest = rest;
        Some(Ok(header))
    }
}

impl core::iter::FusedIterator for Ipv6ExtensionHeaders<'_> {}

/// An IPv6 header as plain values, to build one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv6Repr {
    /// Traffic class.
    pub traffic_class: u8,
    /// Flow label (20 bits; higher bits are dropped).
    pub flow_label: u32,
    /// Payload length.
    pub payload_len: u16,
    /// Next header.
    pub next_header: IpProtocol,
    /// Hop limit.
    pub hop_limit: u8,
    /// Source address.
    pub src: Ipv6Addr,
    /// Destination address.
    pub dst: Ipv6Addr,
}

impl Ipv6Repr {
    /// The values of a parsed header.
    #[must_use]
    pub fn parse(header: &Ipv6Header<'_>) -> Self {
        Self {
            traffic_class: header.traffic_class(),
            flow_label: header.flow_label(),
            payload_len: header.payload_len(),
            next_header: header.next_header(),
            hop_limit: header.hop_limit(),
            src: header.src(),
            dst: header.dst(),
        }
    }

    /// Write the 40-byte header at the start of `out`.
    ///
    /// # Errors
    /// [`Error::NoSpace`] if `out` is shorter than 40 bytes.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        let available = out.len();
        let dest = out.get_mut(..LEN).ok_or(Error::NoSpace {
            what: Structure::Ipv6Header,
            needed: LEN,
            available,
        })?;
        let fixed = Ipv6Wire {
            version_class_flow: U32::new(
                (6 << 28) | (u32::from(self.traffic_class) << 20) | (self.flow_label & 0x000f_ffff),
            ),
            payload_len: U16::new(self.payload_len),
            next_header: self.next_header.0,
            hop_limit: self.hop_limit,
            src: self.src.octets(),
            dst: self.dst.octets(),
        };
        dest.copy_from_slice(fixed.as_bytes());
        Ok(LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(next: u8, ext: &[u8], transport: &[u8]) -> std::vec::Vec<u8> {
        let repr = Ipv6Repr {
            traffic_class: 0,
            flow_label: 0x12345,
            payload_len: (ext.len() + transport.len()) as u16,
            next_header: IpProtocol(next),
            hop_limit: 1,
            src: "2001:db8::1".parse().unwrap(),
            dst: "2001:db8::2".parse().unwrap(),
        };
        let mut v = std::vec![0u8; 40];
        repr.encode(&mut v).unwrap();
        v.extend_from_slice(ext);
        v.extend_from_slice(transport);
        v
    }

    #[test]
    fn walks_the_chain() {
        // Hop-by-hop (8 bytes, next = dest opts), dest opts (16 bytes, next = fragment),
        // fragment (offset 0, next = UDP), then UDP.
        let mut ext = std::vec![60, 0, 1, 4, 0, 0, 0, 0];
        ext.extend_from_slice(&[44, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        ext.extend_from_slice(&[17, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef]);
        let udp = [0x82, 0x9b, 0x82, 0x9a, 0, 8, 0, 0];
        let p = packet(0, &ext, &udp);
        let h = Ipv6Header::new(&p).unwrap();
        assert_eq!(h.flow_label(), 0x12345);
        let kinds: std::vec::Vec<u8> = h.extension_headers().map(|e| e.unwrap().kind().0).collect();
        assert_eq!(kinds, [0, 60, 44]);
        let frag = h.extension_headers().nth(2).unwrap().unwrap();
        assert_eq!(frag.fragment_offset(), Some(0));
        assert_eq!(frag.more_fragments(), Some(true));
        assert_eq!(frag.fragment_ident(), Some(0xdeadbeef));
        assert_eq!(h.transport().ports(), Some((33435, 33434)));
    }

    #[test]
    fn cut_chain_is_not_an_error() {
        let ext = [60, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        let p = packet(0, &ext, &[]);
        let h = Ipv6Header::new(&p).unwrap();
        let mut it = h.extension_headers();
        assert_eq!(
            it.next(),
            Some(Err(Error::truncated(
                Structure::Ipv6ExtensionHeader,
                16,
                10
            )))
        );
        assert_eq!(it.next(), None);
        assert!(matches!(
            h.transport(),
            Transport::Cut {
                next_header: IpProtocol(0),
                ..
            }
        ));
    }

    #[test]
    fn non_first_fragment() {
        let ext = [17, 0, 0x05, 0x00, 0, 0, 0, 1];
        let p = packet(44, &ext, &[1, 2, 3, 4]);
        let t = Ipv6Header::new(&p).unwrap().transport();
        assert!(matches!(
            t,
            Transport::NotFirstFragment { offset: 0x500, .. }
        ));
        assert_eq!(t.ports(), None);
    }

    #[test]
    fn every_truncation() {
        let p = packet(17, &[], &[]);
        for len in 0..40 {
            assert_eq!(
                Ipv6Header::new(&p[..len]),
                Err(Error::truncated(Structure::Ipv6Header, 40, len))
            );
        }
    }
}
