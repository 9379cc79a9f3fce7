//! The IPv4 header (RFC 791), lax about everything after it.

use core::net::Ipv4Addr;

use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{IpProtocol, Transport};
use crate::checksum::Checksum;
use crate::error::{Error, Reason, Structure};

/// The fixed 20 bytes of an IPv4 header.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
struct Ipv4Wire {
    version_ihl: u8,
    tos: u8,
    total_len: U16,
    ident: U16,
    flags_frag: U16,
    ttl: u8,
    protocol: u8,
    checksum: U16,
    src: [u8; 4],
    dst: [u8; 4],
}

const MIN_LEN: usize = 20;

/// A checked view of an IPv4 header and whatever follows it.
///
/// The header with its options is whole (checked by [`Ipv4Header::new`]); the payload may be
/// shorter than `total_len` says ([`Ipv4Header::missing`] tells by how much).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(alias = "iphdr")]
pub struct Ipv4Header<'a> {
    fixed: &'a Ipv4Wire,
    bytes: &'a [u8],
    options: &'a [u8],
    rest: &'a [u8],
}

impl<'a> Ipv4Header<'a> {
    /// Check and view an IPv4 header at the start of `bytes`.
    ///
    /// # Errors
    /// [`Error::Truncated`] (`Ipv4Header`) if `bytes` is shorter than 20 bytes or than the
    /// header length IHL gives; [`Error::Malformed`] if the version is not 4
    /// ([`Reason::BadVersion`]) or IHL is below 5 ([`Reason::LengthBelowHeader`]).
    #[inline]
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        let (fixed, after) = Ipv4Wire::ref_from_prefix(bytes)
            .map_err(|_| Error::truncated(Structure::Ipv4Header, MIN_LEN, bytes.len()))?;
        let version = fixed.version_ihl >> 4;
        if version != 4 {
            return Err(Error::malformed(
                Structure::Ipv4Header,
                Reason::BadVersion { version },
            ));
        }
        let header_len = usize::from(fixed.version_ihl & 0x0f).saturating_mul(4);
        if header_len < MIN_LEN {
            return Err(Error::malformed(
                Structure::Ipv4Header,
                Reason::LengthBelowHeader {
                    length: header_len as u64,
                    minimum: MIN_LEN,
                },
            ));
        }
        let options_len = header_len.saturating_sub(MIN_LEN);
        let (options, rest) = after.split_at_checked(options_len).ok_or(Error::truncated(
            Structure::Ipv4Header,
            header_len,
            bytes.len(),
        ))?;
        Ok(Self {
            fixed,
            bytes,
            options,
            rest,
        })
    }

    /// The version (always 4).
    #[must_use]
    pub fn version(&self) -> u8 {
        self.fixed.version_ihl >> 4
    }

    /// The header length in bytes (IHL x 4, options included).
    #[doc(alias = "ihl")]
    #[must_use]
    #[inline]
    pub fn header_len(&self) -> usize {
        usize::from(self.fixed.version_ihl & 0x0f).saturating_mul(4)
    }

    /// The type-of-service byte (DSCP and ECN).
    #[must_use]
    pub fn tos(&self) -> u8 {
        self.fixed.tos
    }

    /// The DSCP (top six bits of the TOS byte).
    #[must_use]
    pub fn dscp(&self) -> u8 {
        self.fixed.tos >> 2
    }

    /// The ECN codepoint (low two bits of the TOS byte).
    #[must_use]
    pub fn ecn(&self) -> u8 {
        self.fixed.tos & 0x03
    }

    /// The total length field: the length of the original packet, which the quote may not hold.
    #[doc(alias = "tot_len")]
    #[must_use]
    #[inline]
    pub fn total_len(&self) -> u16 {
        self.fixed.total_len.get()
    }

    /// The identification field.
    #[doc(alias = "id")]
    #[must_use]
    pub fn ident(&self) -> u16 {
        self.fixed.ident.get()
    }

    /// The don't-fragment flag.
    #[doc(alias = "IP_DF")]
    #[must_use]
    pub fn dont_fragment(&self) -> bool {
        self.fixed.flags_frag.get() & 0x4000 != 0
    }

    /// The more-fragments flag.
    #[doc(alias = "IP_MF")]
    #[must_use]
    pub fn more_fragments(&self) -> bool {
        self.fixed.flags_frag.get() & 0x2000 != 0
    }

    /// The fragment offset in bytes (the field times 8).
    #[doc(alias = "frag_off")]
    #[must_use]
    #[inline]
    pub fn frag_offset(&self) -> u16 {
        (self.fixed.flags_frag.get() & 0x1fff) << 3
    }

    /// The time to live.
    #[must_use]
    pub fn ttl(&self) -> u8 {
        self.fixed.ttl
    }

    /// The protocol of the payload.
    #[must_use]
    #[inline]
    pub fn protocol(&self) -> IpProtocol {
        IpProtocol(self.fixed.protocol)
    }

    /// The header checksum as stored.
    #[doc(alias = "check")]
    #[must_use]
    pub fn checksum(&self) -> u16 {
        self.fixed.checksum.get()
    }

    /// Whether the header checksum verifies.
    #[must_use]
    pub fn checksum_valid(&self) -> bool {
        let mut sum = Checksum::new();
        sum.add_bytes(self.fixed.as_bytes());
        sum.add_bytes(self.options);
        sum.verifies()
    }

    /// The source address.
    #[doc(alias = "saddr")]
    #[must_use]
    pub fn src(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.fixed.src)
    }

    /// The destination address.
    #[doc(alias = "daddr")]
    #[must_use]
    pub fn dst(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.fixed.dst)
    }

    /// The option bytes (empty when IHL is 5).
    #[must_use]
    pub fn options(&self) -> &'a [u8] {
        self.options
    }

    /// The payload present in the quote: the bytes after the header, but no more than
    /// `total_len` says (a quote padded to 128 bytes for RFC 4884 is cut back to the packet).
    #[must_use]
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        match usize::from(self.total_len()).checked_sub(self.checked_len()) {
            Some(len) => self.rest.get(..len).unwrap_or(self.rest),
            None => self.rest,
        }
    }

    /// Source and destination port for the protocols that start with them (UDP, UDP-Lite,
    /// TCP, SCTP, DCCP) in a first fragment whose payload holds them: `transport().ports()`
    /// without building the view, and without cutting the payload to find four bytes.
    #[inline]
    pub(crate) fn ports(&self) -> Option<(u16, u16)> {
        if self.frag_offset() != 0 {
            return None;
        }
        let [s0, s1, d0, d1] = *self.rest.first_chunk::<4>()?;
        // `payload()`: a total length at or past the header ends the payload there (one
        // below the header is ignored).
        if let Some(len) = usize::from(self.total_len()).checked_sub(self.checked_len()) {
            if len < 4 {
                return None;
            }
        }
        Transport::ports_of(self.protocol(), &[s0, s1, d0, d1])
    }

    /// The header length `new` checked (the options it split off), without reading IHL
    /// again.
    #[inline]
    fn checked_len(&self) -> usize {
        MIN_LEN.saturating_add(self.options.len())
    }

    /// How many payload bytes `total_len` promises that the quote does not hold (0 if whole).
    #[must_use]
    pub fn missing(&self) -> usize {
        usize::from(self.total_len())
            .saturating_sub(self.header_len())
            .saturating_sub(self.rest.len())
    }

    /// The transport header at the start of the payload, or
    /// [`Transport::NotFirstFragment`] if this is not the first fragment.
    #[must_use]
    #[inline]
    pub fn transport(&self) -> Transport<'a> {
        if self.frag_offset() != 0 {
            Transport::NotFirstFragment {
                protocol: self.protocol(),
                offset: self.frag_offset(),
                bytes: self.payload(),
            }
        } else {
            Transport::new(self.protocol(), self.payload())
        }
    }

    /// The whole input, from the header on (including anything past `total_len`).
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The header, options included.
    #[must_use]
    pub fn header_bytes(&self) -> &'a [u8] {
        self.bytes.get(..self.header_len()).unwrap_or(self.bytes)
    }
}

/// An IPv4 header as plain values, to build one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv4Repr<'a> {
    /// Type of service (DSCP and ECN).
    pub tos: u8,
    /// Total length of the packet, header included.
    pub total_len: u16,
    /// Identification.
    pub ident: u16,
    /// Don't fragment.
    pub dont_fragment: bool,
    /// More fragments.
    pub more_fragments: bool,
    /// Fragment offset in bytes (a multiple of 8; the low 3 bits are dropped).
    pub frag_offset: u16,
    /// Time to live.
    pub ttl: u8,
    /// Protocol of the payload.
    pub protocol: IpProtocol,
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Option bytes, a multiple of 4 long, at most 40.
    pub options: &'a [u8],
}

impl<'a> Ipv4Repr<'a> {
    /// The values of a parsed header.
    #[must_use]
    pub fn parse(header: &Ipv4Header<'a>) -> Self {
        Self {
            tos: header.tos(),
            total_len: header.total_len(),
            ident: header.ident(),
            dont_fragment: header.dont_fragment(),
            more_fragments: header.more_fragments(),
            frag_offset: header.frag_offset(),
            ttl: header.ttl(),
            protocol: header.protocol(),
            src: header.src(),
            dst: header.dst(),
            options: header.options(),
        }
    }

    /// The header length this repr encodes.
    #[must_use]
    pub fn header_len(&self) -> usize {
        MIN_LEN.saturating_add(self.options.len())
    }

    /// Write the header (with a correct checksum) at the start of `out`.
    ///
    /// # Errors
    /// [`Error::NoSpace`] if `out` is shorter than the header; [`Error::Malformed`]
    /// (`Ipv4Options`) if the options are not a multiple of 4 bytes or longer than 40.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        let len = self.header_len();
        if self.options.len() % 4 != 0 {
            return Err(Error::malformed(
                Structure::Ipv4Options,
                Reason::LengthNotMultiple {
                    length: self.options.len() as u64,
                    unit: 4,
                },
            ));
        }
        if self.options.len() > 40 {
            return Err(Error::malformed(
                Structure::Ipv4Options,
                Reason::BadValue {
                    field: "options length",
                    value: self.options.len() as u64,
                },
            ));
        }
        let available = out.len();
        let dest = out.get_mut(..len).ok_or(Error::NoSpace {
            what: Structure::Ipv4Header,
            needed: len,
            available,
        })?;
        let ihl = u8::try_from(len / 4).unwrap_or(15);
        let mut flags_frag = (self.frag_offset >> 3) & 0x1fff;
        if self.dont_fragment {
            flags_frag |= 0x4000;
        }
        if self.more_fragments {
            flags_frag |= 0x2000;
        }
        let fixed = Ipv4Wire {
            version_ihl: 0x40 | ihl,
            tos: self.tos,
            total_len: U16::new(self.total_len),
            ident: U16::new(self.ident),
            flags_frag: U16::new(flags_frag),
            ttl: self.ttl,
            protocol: self.protocol.0,
            checksum: U16::new(0),
            src: self.src.octets(),
            dst: self.dst.octets(),
        };
        let (head, opts) = dest.split_at_mut(MIN_LEN);
        head.copy_from_slice(fixed.as_bytes());
        opts.copy_from_slice(self.options);
        let mut sum = Checksum::new();
        sum.add_bytes(dest);
        let checksum = sum.finish().to_be_bytes();
        if let Some(field) = dest.get_mut(10..12) {
            field.copy_from_slice(&checksum);
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The IPv4 header quoted in a real time-exceeded message (UDP probe to 192.0.2.1, TTL 1).
    const QUOTE: [u8; 28] = [
        0x45, 0x00, 0x00, 0x24, 0x12, 0x34, 0x40, 0x00, 0x01, 0x11, 0x00, 0x00, 10, 0, 0, 1, 192,
        0, 2, 1, 0x82, 0x9b, 0x82, 0x9a, 0x00, 0x10, 0x00, 0x00,
    ];

    /// `QuotedIp::ports` (used by `Payload::ports`) is `transport().ports()`, for every
    /// protocol, fragment offset and cut of the quote.
    #[test]
    fn quoted_ip_ports_is_transport_ports() {
        use crate::ip::QuotedIp;
        // Every protocol; under Miri (about 1000 times slower) those with ports and a few
        // without.
        let sample = [0, 1, 6, 17, 33, 58, 132, 136, 255];
        for proto in (0..=255u8).filter(|p| !cfg!(miri) || sample.contains(p)) {
            for frag in [[0x40, 0], [0x20, 0], [0, 1], [0x1f, 0xff]] {
                // The quote's own total length, and lengths below the header, ending inside
                // the ports, just after them, and past the quote.
                for total in [
                    None,
                    Some(0),
                    Some(19),
                    Some(20),
                    Some(23),
                    Some(24),
                    Some(999),
                ] {
                    let mut q = QUOTE;
                    q[9] = proto;
                    q[6..8].copy_from_slice(&frag);
                    if let Some(t) = total {
                        q[2..4].copy_from_slice(&u16::to_be_bytes(t));
                    }
                    for n in 20..=q.len() {
                        let ip = QuotedIp::new(&q[..n]).unwrap();
                        let what = (proto, frag, total, n);
                        assert_eq!(ip.ports(), ip.transport().ports(), "{what:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn fields() {
        let h = Ipv4Header::new(&QUOTE).unwrap();
        assert_eq!(h.header_len(), 20);
        assert_eq!(h.total_len(), 36);
        assert_eq!(h.ident(), 0x1234);
        assert!(h.dont_fragment());
        assert!(!h.more_fragments());
        assert_eq!(h.ttl(), 1);
        assert_eq!(h.protocol(), IpProtocol::UDP);
        assert_eq!(h.src(), Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(h.dst(), Ipv4Addr::new(192, 0, 2, 1));
        assert_eq!(h.payload().len(), 8);
        assert_eq!(h.missing(), 8);
        assert_eq!(h.transport().ports(), Some((33435, 33434)));
    }

    #[test]
    fn every_truncation() {
        for len in 0..20 {
            assert_eq!(
                Ipv4Header::new(&QUOTE[..len]),
                Err(Error::truncated(Structure::Ipv4Header, 20, len))
            );
        }
        let mut with_opts = [0u8; 24];
        with_opts[..20].copy_from_slice(&QUOTE[..20]);
        with_opts[0] = 0x46;
        for len in 20..24 {
            assert_eq!(
                Ipv4Header::new(&with_opts[..len]),
                Err(Error::truncated(Structure::Ipv4Header, 24, len))
            );
        }
        assert!(Ipv4Header::new(&with_opts).is_ok());
    }

    #[test]
    fn bad_version_and_ihl() {
        let mut b = QUOTE;
        b[0] = 0x65;
        assert_eq!(
            Ipv4Header::new(&b),
            Err(Error::malformed(
                Structure::Ipv4Header,
                Reason::BadVersion { version: 6 }
            ))
        );
        b[0] = 0x44;
        assert_eq!(
            Ipv4Header::new(&b),
            Err(Error::malformed(
                Structure::Ipv4Header,
                Reason::LengthBelowHeader {
                    length: 16,
                    minimum: 20
                }
            ))
        );
    }

    #[test]
    fn encode_round_trip() {
        let h = Ipv4Header::new(&QUOTE).unwrap();
        let repr = Ipv4Repr::parse(&h);
        let mut out = [0u8; 20];
        assert_eq!(repr.encode(&mut out), Ok(20));
        let h2 = Ipv4Header::new(&out).unwrap();
        assert!(h2.checksum_valid());
        assert_eq!(Ipv4Repr::parse(&h2), repr);
        assert_eq!(
            repr.encode(&mut [0u8; 19]),
            Err(Error::NoSpace {
                what: Structure::Ipv4Header,
                needed: 20,
                available: 19
            })
        );
    }
}
