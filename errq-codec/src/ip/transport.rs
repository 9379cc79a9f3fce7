//! The transport header quoted after the IP header: often cut short, never an error for it.

use zerocopy::network_endian::U16;
use zerocopy::{Immutable, IntoBytes, KnownLayout, Unaligned};

use super::IpProtocol;
use crate::error::{Error, Structure};

#[inline]
fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

/// A quoted UDP (or UDP-Lite) header, possibly cut short: each field is `None` if the quote
/// ends before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(alias = "udphdr")]
pub struct QuotedUdp<'a> {
    bytes: &'a [u8],
}

impl<'a> QuotedUdp<'a> {
    /// The size of a whole UDP header.
    pub const HEADER_LEN: usize = 8;

    /// View the bytes at the start of a quoted UDP header (any length, even 0).
    #[must_use]
    pub const fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    /// The source port.
    #[doc(alias = "source")]
    #[must_use]
    #[inline]
    pub fn src_port(&self) -> Option<u16> {
        be16(self.bytes, 0)
    }

    /// The destination port.
    #[doc(alias = "dest")]
    #[must_use]
    #[inline]
    pub fn dst_port(&self) -> Option<u16> {
        be16(self.bytes, 2)
    }

    /// Source and destination port.
    #[must_use]
    #[inline]
    pub fn ports(&self) -> Option<(u16, u16)> {
        Some((self.src_port()?, self.dst_port()?))
    }

    /// The length field (UDP-Lite: the checksum coverage).
    #[doc(alias = "len")]
    #[must_use]
    pub fn length(&self) -> Option<u16> {
        be16(self.bytes, 4)
    }

    /// The checksum field.
    #[doc(alias = "check")]
    #[must_use]
    pub fn checksum(&self) -> Option<u16> {
        be16(self.bytes, 6)
    }

    /// Whether the whole 8-byte header is present.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.bytes.len() >= Self::HEADER_LEN
    }

    /// The quoted payload after the header (empty if the header itself is cut).
    #[must_use]
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(Self::HEADER_LEN..).unwrap_or(&[])
    }

    /// The quoted bytes, header first.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// A quoted TCP header, possibly cut short (RFC 792 quotes only 8 bytes: ports and sequence
/// number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(alias = "tcphdr")]
pub struct QuotedTcp<'a> {
    bytes: &'a [u8],
}

impl<'a> QuotedTcp<'a> {
    /// View the bytes at the start of a quoted TCP header (any length, even 0).
    #[must_use]
    pub const fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    /// The source port.
    #[must_use]
    #[inline]
    pub fn src_port(&self) -> Option<u16> {
        be16(self.bytes, 0)
    }

    /// The destination port.
    #[must_use]
    #[inline]
    pub fn dst_port(&self) -> Option<u16> {
        be16(self.bytes, 2)
    }

    /// Source and destination port.
    #[must_use]
    #[inline]
    pub fn ports(&self) -> Option<(u16, u16)> {
        Some((self.src_port()?, self.dst_port()?))
    }

    /// The sequence number.
    #[doc(alias = "seq")]
    #[must_use]
    pub fn seq_number(&self) -> Option<u32> {
        be32(self.bytes, 4)
    }

    /// The acknowledgment number.
    #[doc(alias = "ack_seq")]
    #[must_use]
    pub fn ack_number(&self) -> Option<u32> {
        be32(self.bytes, 8)
    }

    /// The header length in bytes (data offset x 4).
    #[doc(alias = "doff")]
    #[must_use]
    pub fn header_len(&self) -> Option<usize> {
        Some(usize::from(self.bytes.get(12)? >> 4).saturating_mul(4))
    }

    /// The flags (CWR ECE URG ACK PSH RST SYN FIN in the low byte, AE above).
    #[must_use]
    pub fn flags(&self) -> Option<u16> {
        be16(self.bytes, 12).map(|v| v & 0x01ff)
    }

    /// The window.
    #[must_use]
    pub fn window(&self) -> Option<u16> {
        be16(self.bytes, 14)
    }

    /// The quoted bytes, header first.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// A quoted ICMP or ICMPv6 header (typically the echo request a ping or traceroute sent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotedIcmp<'a> {
    bytes: &'a [u8],
    v6: bool,
}

impl<'a> QuotedIcmp<'a> {
    /// View the bytes at the start of a quoted ICMP (`v6` false) or ICMPv6 (`v6` true) header.
    #[must_use]
    pub const fn new(bytes: &'a [u8], v6: bool) -> Self {
        Self { bytes, v6 }
    }

    /// Whether this is ICMPv6.
    #[must_use]
    pub const fn is_v6(&self) -> bool {
        self.v6
    }

    /// The type byte.
    #[must_use]
    pub fn msg_type(&self) -> Option<u8> {
        self.bytes.first().copied()
    }

    /// The code byte.
    #[must_use]
    pub fn code(&self) -> Option<u8> {
        self.bytes.get(1).copied()
    }

    /// The checksum field.
    #[must_use]
    pub fn checksum(&self) -> Option<u16> {
        be16(self.bytes, 2)
    }

    /// Whether the type is echo request or echo reply (of the right ICMP version).
    #[must_use]
    pub fn is_echo(&self) -> bool {
        matches!(
            (self.msg_type(), self.v6),
            (Some(0 | 8), false) | (Some(128 | 129), true)
        )
    }

    /// For an echo request or reply: the identifier.
    #[doc(alias = "un.echo.id")]
    #[must_use]
    pub fn echo_ident(&self) -> Option<u16> {
        self.is_echo().then(|| be16(self.bytes, 4)).flatten()
    }

    /// For an echo request or reply: the sequence number.
    #[doc(alias = "un.echo.sequence")]
    #[must_use]
    pub fn echo_seq(&self) -> Option<u16> {
        self.is_echo().then(|| be16(self.bytes, 6)).flatten()
    }

    /// The four rest-of-header bytes, whatever the type.
    #[must_use]
    pub fn rest_of_header(&self) -> Option<[u8; 4]> {
        self.bytes.get(4..8)?.try_into().ok()
    }

    /// The quoted data after the 8-byte header (empty if the header is cut).
    #[must_use]
    pub fn data(&self) -> &'a [u8] {
        self.bytes.get(8..).unwrap_or(&[])
    }

    /// The quoted bytes, header first.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// What follows the quoted IP header(s).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transport<'a> {
    /// UDP or UDP-Lite ([`Transport::protocol`] tells which).
    Udp(QuotedUdp<'a>, IpProtocol),
    /// TCP.
    Tcp(QuotedTcp<'a>),
    /// ICMP (in IPv4) or ICMPv6 (in IPv6).
    Icmp(QuotedIcmp<'a>),
    /// Any other protocol, raw.
    Other {
        /// The protocol number.
        protocol: IpProtocol,
        /// The quoted bytes.
        bytes: &'a [u8],
    },
    /// A fragment other than the first: no transport header in it.
    NotFirstFragment {
        /// The protocol of the fragmented packet.
        protocol: IpProtocol,
        /// The fragment offset in bytes.
        offset: u16,
        /// The quoted bytes.
        bytes: &'a [u8],
    },
    /// The quote ends inside the IPv6 extension-header chain, before the transport header.
    Cut {
        /// The extension header that is cut short.
        next_header: IpProtocol,
        /// The bytes of it that are present.
        bytes: &'a [u8],
    },
}

impl<'a> Transport<'a> {
    /// The transport header of protocol `protocol` at the start of `bytes`. The protocol
    /// number alone decides (ICMP is 1, ICMPv6 58, whichever IP version carries them).
    #[must_use]
    #[inline]
    pub fn new(protocol: IpProtocol, bytes: &'a [u8]) -> Self {
        match protocol {
            IpProtocol::UDP | IpProtocol::UDP_LITE => Self::Udp(QuotedUdp::new(bytes), protocol),
            IpProtocol::TCP => Self::Tcp(QuotedTcp::new(bytes)),
            IpProtocol::ICMP => Self::Icmp(QuotedIcmp::new(bytes, false)),
            IpProtocol::ICMPV6 => Self::Icmp(QuotedIcmp::new(bytes, true)),
            _ => Self::Other { protocol, bytes },
        }
    }

    /// `Transport::new(protocol, bytes).ports()`, without building the view.
    #[inline]
    pub(crate) fn ports_of(protocol: IpProtocol, bytes: &[u8]) -> Option<(u16, u16)> {
        match protocol {
            IpProtocol::UDP
            | IpProtocol::UDP_LITE
            | IpProtocol::TCP
            | IpProtocol::SCTP
            | IpProtocol::DCCP => {
                let [s0, s1, d0, d1] = *bytes.first_chunk::<4>()?;
                Some((u16::from_be_bytes([s0, s1]), u16::from_be_bytes([d0, d1])))
            }
            _ => None,
        }
    }

    /// The protocol number.
    #[must_use]
    pub fn protocol(&self) -> IpProtocol {
        match *self {
            Self::Udp(_, protocol) => protocol,
            Self::Tcp(_) => IpProtocol::TCP,
            Self::Icmp(icmp) => {
                if icmp.is_v6() {
                    IpProtocol::ICMPV6
                } else {
                    IpProtocol::ICMP
                }
            }
            Self::Other { protocol, .. } | Self::NotFirstFragment { protocol, .. } => protocol,
            Self::Cut { next_header, .. } => next_header,
        }
    }

    /// Source and destination port, for UDP, UDP-Lite, TCP, SCTP and DCCP (all of which
    /// start with them), if quoted.
    #[must_use]
    #[inline]
    pub fn ports(&self) -> Option<(u16, u16)> {
        match *self {
            Self::Udp(udp, _) => udp.ports(),
            Self::Tcp(tcp) => tcp.ports(),
            Self::Other {
                protocol: IpProtocol::SCTP | IpProtocol::DCCP,
                bytes,
            } => Some((be16(bytes, 0)?, be16(bytes, 2)?)),
            _ => None,
        }
    }

    /// For a quoted echo request or reply: identifier and sequence number.
    #[must_use]
    pub fn echo(&self) -> Option<(u16, u16)> {
        match *self {
            Self::Icmp(icmp) => Some((icmp.echo_ident()?, icmp.echo_seq()?)),
            _ => None,
        }
    }

    /// The quoted bytes from the transport header on.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        match *self {
            Self::Udp(udp, _) => udp.bytes(),
            Self::Tcp(tcp) => tcp.bytes(),
            Self::Icmp(icmp) => icmp.bytes(),
            Self::Other { bytes, .. }
            | Self::NotFirstFragment { bytes, .. }
            | Self::Cut { bytes, .. } => bytes,
        }
    }
}

#[derive(IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct UdpWire {
    src_port: U16,
    dst_port: U16,
    length: U16,
    checksum: U16,
}

/// A UDP header as plain values, to build one (the checksum is written as given).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UdpRepr {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Length, header included.
    pub length: u16,
    /// Checksum (0: none).
    pub checksum: u16,
}

impl UdpRepr {
    /// Write the 8-byte header at the start of `out`.
    ///
    /// # Errors
    /// [`Error::NoSpace`] if `out` is shorter than 8 bytes.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        let available = out.len();
        let dest = out.get_mut(..8).ok_or(Error::NoSpace {
            what: Structure::UdpHeader,
            needed: 8,
            available,
        })?;
        let wire = UdpWire {
            src_port: U16::new(self.src_port),
            dst_port: U16::new(self.dst_port),
            length: U16::new(self.length),
            checksum: U16::new(self.checksum),
        };
        dest.copy_from_slice(wire.as_bytes());
        Ok(8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_of_is_new_then_ports() {
        let b = [1u8, 2, 3, 4, 5, 6, 7, 8];
        for p in 0..=255u8 {
            for n in 0..=b.len() {
                let p = IpProtocol(p);
                assert_eq!(
                    Transport::ports_of(p, &b[..n]),
                    Transport::new(p, &b[..n]).ports(),
                    "{p:?} {n}"
                );
            }
        }
    }

    #[test]
    fn partial_headers_say_what_is_missing() {
        let udp = [0x82, 0x9b, 0x82, 0x9a, 0x00, 0x10, 0xab, 0xcd, 1, 2];
        for len in 0..=udp.len() {
            let q = QuotedUdp::new(&udp[..len]);
            assert_eq!(q.src_port().is_some(), len >= 2);
            assert_eq!(q.ports().is_some(), len >= 4);
            assert_eq!(q.length().is_some(), len >= 6);
            assert_eq!(q.checksum().is_some(), len >= 8);
            assert_eq!(q.is_complete(), len >= 8);
        }
        let q = QuotedUdp::new(&udp);
        assert_eq!(q.ports(), Some((33435, 33434)));
        assert_eq!(q.payload(), &[1, 2]);

        let echo = [8, 0, 0xf7, 0xfe, 0x12, 0x34, 0x00, 0x01];
        let t = Transport::new(IpProtocol::ICMP, &echo);
        assert_eq!(t.echo(), Some((0x1234, 1)));
        assert_eq!(Transport::new(IpProtocol::ICMP, &echo[..7]).echo(), None);
        // An ICMPv4 echo request type is not an echo in ICMPv6.
        assert_eq!(Transport::new(IpProtocol::ICMPV6, &echo).echo(), None);

        let tcp = [
            0x1f, 0x90, 0x00, 0x50, 0, 0, 0, 7, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
        ];
        let t = Transport::new(IpProtocol::TCP, &tcp);
        assert_eq!(t.ports(), Some((8080, 80)));
        let Transport::Tcp(q) = t else { panic!() };
        assert_eq!(q.seq_number(), Some(7));
        assert_eq!(q.header_len(), Some(20));
        assert_eq!(q.flags(), Some(0x002));
        assert_eq!(QuotedTcp::new(&tcp[..8]).ack_number(), None);
    }
}
