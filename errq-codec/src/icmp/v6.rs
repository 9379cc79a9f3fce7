//! The ICMPv6 header (RFC 4443) as a checked view and as plain values.

use core::net::Ipv6Addr;

use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, IntoBytes};

use super::{IcmpWire, Icmpv6Code, Icmpv6Type, HEADER_LEN};
use crate::checksum::{ipv6_pseudo_header, Checksum};
use crate::error::{Error, Structure};
use crate::ip::IpProtocol;

/// The four rest-of-header bytes of an ICMPv6 message, interpreted by its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Icmpv6Rest {
    /// Destination unreachable: RFC 4884 length (byte 4).
    DestUnreach {
        /// Length of the original packet in 64-bit words (RFC 4884), 0 if not given.
        length: u8,
    },
    /// Packet too big: the MTU of the next-hop link.
    PacketTooBig {
        /// The MTU.
        #[doc(alias = "icmp6_mtu")]
        mtu: u32,
    },
    /// Time exceeded: RFC 4884 length (byte 4).
    TimeExceeded {
        /// Length of the original packet in 64-bit words (RFC 4884), 0 if not given.
        length: u8,
    },
    /// Parameter problem: the pointer.
    ParameterProblem {
        /// Offset in the original packet of the octet where the error was found.
        #[doc(alias = "icmp6_pointer")]
        pointer: u32,
    },
    /// Echo request/reply: identifier and sequence number.
    Echo {
        /// Identifier.
        #[doc(alias = "icmp6_identifier")]
        ident: u16,
        /// Sequence number.
        #[doc(alias = "icmp6_sequence")]
        seq: u16,
    },
    /// Extended echo request (RFC 8335).
    ExtendedEchoRequest {
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq: u8,
        /// The L bit: the probed interface is on the probed node itself.
        local: bool,
    },
    /// Extended echo reply (RFC 8335).
    ExtendedEchoReply {
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq: u8,
        /// State (3 bits).
        state: u8,
        /// The A bit: the interface is active.
        active: bool,
        /// The 4 bit: IPv4 is running on the interface.
        ipv4: bool,
        /// The 6 bit: IPv6 is running on the interface.
        ipv6: bool,
    },
    /// Any other type: the raw bytes.
    Raw([u8; 4]),
}

impl Icmpv6Rest {
    /// Interpret the rest-of-header bytes of a message of type `msg_type`.
    #[must_use]
    pub fn parse(msg_type: Icmpv6Type, b: [u8; 4]) -> Self {
        let [b0, b1, b2, b3] = b;
        let hi = u16::from_be_bytes([b0, b1]);
        let lo = u16::from_be_bytes([b2, b3]);
        match msg_type.0 {
            1 => Self::DestUnreach { length: b0 },
            2 => Self::PacketTooBig {
                mtu: u32::from_be_bytes(b),
            },
            3 => Self::TimeExceeded { length: b0 },
            4 => Self::ParameterProblem {
                pointer: u32::from_be_bytes(b),
            },
            128 | 129 => Self::Echo { ident: hi, seq: lo },
            160 => Self::ExtendedEchoRequest {
                ident: hi,
                seq: b2,
                local: b3 & 0x01 != 0,
            },
            161 => Self::ExtendedEchoReply {
                ident: hi,
                seq: b2,
                state: b3 >> 5,
                active: b3 & 0x04 != 0,
                ipv4: b3 & 0x02 != 0,
                ipv6: b3 & 0x01 != 0,
            },
            _ => Self::Raw(b),
        }
    }

    /// The four bytes on the wire (unused bits zero).
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 4] {
        match *self {
            Self::DestUnreach { length } | Self::TimeExceeded { length } => [length, 0, 0, 0],
            Self::PacketTooBig { mtu: v } | Self::ParameterProblem { pointer: v } => {
                v.to_be_bytes()
            }
            Self::Echo { ident, seq } => {
                let [i0, i1] = ident.to_be_bytes();
                let [s0, s1] = seq.to_be_bytes();
                [i0, i1, s0, s1]
            }
            Self::ExtendedEchoRequest { ident, seq, local } => {
                let [i0, i1] = ident.to_be_bytes();
                [i0, i1, seq, u8::from(local)]
            }
            Self::ExtendedEchoReply {
                ident,
                seq,
                state,
                active,
                ipv4,
                ipv6,
            } => {
                let [i0, i1] = ident.to_be_bytes();
                let bits = ((state & 0x07) << 5)
                    | (u8::from(active) << 2)
                    | (u8::from(ipv4) << 1)
                    | u8::from(ipv6);
                [i0, i1, seq, bits]
            }
            Self::Raw(b) => b,
        }
    }

    /// The RFC 4884 original-packet length in 64-bit words, for the types that carry it
    /// (destination unreachable, time exceeded).
    #[must_use]
    pub fn rfc4884_length(&self) -> Option<u8> {
        match *self {
            Self::DestUnreach { length } | Self::TimeExceeded { length } => Some(length),
            _ => None,
        }
    }
}

/// A checked view of an ICMPv6 message: the 8-byte header and the data after it.
///
/// If [`Icmpv6Packet::new`] succeeded, no accessor can panic. The checksum covers an IPv6
/// pseudo-header, so checking it needs the addresses of the packet that carried the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(alias = "icmp6hdr")]
pub struct Icmpv6Packet<'a> {
    header: &'a IcmpWire,
    data: &'a [u8],
    bytes: &'a [u8],
}

impl<'a> Icmpv6Packet<'a> {
    /// Check and view an ICMPv6 message at the start of `bytes` (all of `bytes` is the
    /// message: the checksum covers it).
    ///
    /// # Errors
    /// [`Error::Truncated`] (`Icmpv6Header`) if `bytes` is shorter than 8 bytes.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        let (header, data) = IcmpWire::ref_from_prefix(bytes)
            .map_err(|_| Error::truncated(Structure::Icmpv6Header, HEADER_LEN, bytes.len()))?;
        Ok(Self {
            header,
            data,
            bytes,
        })
    }

    /// The message type.
    #[doc(alias = "icmp6_type")]
    #[must_use]
    pub fn msg_type(&self) -> Icmpv6Type {
        Icmpv6Type(self.header.msg_type)
    }

    /// The code.
    #[doc(alias = "icmp6_code")]
    #[must_use]
    pub fn code(&self) -> Icmpv6Code {
        Icmpv6Code(self.header.code)
    }

    /// The checksum as stored.
    #[doc(alias = "icmp6_cksum")]
    #[must_use]
    pub fn checksum(&self) -> u16 {
        self.header.checksum.get()
    }

    fn pseudo(&self, src: Ipv6Addr, dst: Ipv6Addr) -> Checksum {
        let len = u32::try_from(self.bytes.len()).unwrap_or(u32::MAX);
        ipv6_pseudo_header(src, dst, len, IpProtocol::ICMPV6.0)
    }

    /// The checksum the message should carry when sent from `src` to `dst` (computed with the
    /// field taken as zero).
    #[must_use]
    pub fn compute_checksum(&self, src: Ipv6Addr, dst: Ipv6Addr) -> u16 {
        let mut sum = self.pseudo(src, dst);
        sum.add_bytes(self.bytes.get(..2).unwrap_or(&[]));
        sum.add_bytes(self.bytes.get(4..).unwrap_or(&[]));
        sum.finish()
    }

    /// Whether the stored checksum verifies for a message sent from `src` to `dst`.
    #[must_use]
    pub fn checksum_valid(&self, src: Ipv6Addr, dst: Ipv6Addr) -> bool {
        let mut sum = self.pseudo(src, dst);
        sum.add_bytes(self.bytes);
        sum.verifies()
    }

    /// The raw rest-of-header bytes (4 to 7): what the kernel reports as `ee_info`.
    #[must_use]
    pub fn rest_of_header(&self) -> [u8; 4] {
        self.header.rest
    }

    /// The rest-of-header bytes interpreted by type.
    #[must_use]
    pub fn rest(&self) -> Icmpv6Rest {
        Icmpv6Rest::parse(self.msg_type(), self.header.rest)
    }

    /// Echo identifier.
    #[must_use]
    pub fn echo_ident(&self) -> Option<u16> {
        match self.rest() {
            Icmpv6Rest::Echo { ident, .. } => Some(ident),
            _ => None,
        }
    }

    /// Echo sequence number.
    #[must_use]
    pub fn echo_seq(&self) -> Option<u16> {
        match self.rest() {
            Icmpv6Rest::Echo { seq, .. } => Some(seq),
            _ => None,
        }
    }

    /// Packet too big: the MTU.
    #[must_use]
    pub fn mtu(&self) -> Option<u32> {
        match self.rest() {
            Icmpv6Rest::PacketTooBig { mtu } => Some(mtu),
            _ => None,
        }
    }

    /// Parameter problem: the pointer.
    #[must_use]
    pub fn pointer(&self) -> Option<u32> {
        match self.rest() {
            Icmpv6Rest::ParameterProblem { pointer } => Some(pointer),
            _ => None,
        }
    }

    /// The RFC 4884 length field (original packet in 64-bit words), for destination
    /// unreachable and time exceeded.
    #[must_use]
    pub fn rfc4884_length(&self) -> Option<u8> {
        self.rest().rfc4884_length()
    }

    /// The data after the 8-byte header.
    #[must_use]
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The whole message.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// An ICMPv6 message as plain values, to build one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icmpv6Repr<'a> {
    /// The type.
    pub msg_type: Icmpv6Type,
    /// The code.
    pub code: Icmpv6Code,
    /// The rest of the header.
    pub rest: Icmpv6Rest,
    /// The data after the header.
    pub data: &'a [u8],
}

impl<'a> Icmpv6Repr<'a> {
    /// The values of a parsed message.
    #[must_use]
    pub fn parse(packet: &Icmpv6Packet<'a>) -> Self {
        Self {
            msg_type: packet.msg_type(),
            code: packet.code(),
            rest: packet.rest(),
            data: packet.data(),
        }
    }

    /// The number of bytes the encoders write.
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN.saturating_add(self.data.len())
    }

    /// Write the message at the start of `out` with a zero checksum, as a raw ICMPv6 socket
    /// takes it (the kernel fills the checksum in).
    ///
    /// # Errors
    /// [`Error::NoSpace`] (`Icmpv6Header`) if `out` is too short.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        let len = self.buffer_len();
        let available = out.len();
        let dest = out.get_mut(..len).ok_or(Error::NoSpace {
            what: Structure::Icmpv6Header,
            needed: len,
            available,
        })?;
        let (head, data) = dest.split_at_mut(HEADER_LEN);
        let wire = IcmpWire {
            msg_type: self.msg_type.0,
            code: self.code.0,
            checksum: U16::new(0),
            rest: self.rest.to_bytes(),
        };
        head.copy_from_slice(wire.as_bytes());
        data.copy_from_slice(self.data);
        Ok(len)
    }

    /// Write the message at the start of `out` with the checksum for a packet from `src` to
    /// `dst`.
    ///
    /// # Errors
    /// [`Error::NoSpace`] (`Icmpv6Header`) if `out` is too short.
    pub fn encode_with_checksum(
        &self,
        src: Ipv6Addr,
        dst: Ipv6Addr,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let len = self.encode(out)?;
        let written = out.get_mut(..len).unwrap_or(&mut []);
        let checksum = Icmpv6Packet::new(written)?.compute_checksum(src, dst);
        if let Some(field) = written.get_mut(2..4) {
            field.copy_from_slice(&checksum.to_be_bytes());
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_too_big_and_checksum() {
        let src: Ipv6Addr = "fe80::1".parse().unwrap();
        let dst: Ipv6Addr = "fe80::2".parse().unwrap();
        let repr = Icmpv6Repr {
            msg_type: Icmpv6Type::PACKET_TOO_BIG,
            code: Icmpv6Code::NO_CODE,
            rest: Icmpv6Rest::PacketTooBig { mtu: 1280 },
            data: &[0x60, 0, 0, 0],
        };
        let mut out = [0u8; 12];
        assert_eq!(repr.encode_with_checksum(src, dst, &mut out), Ok(12));
        let p = Icmpv6Packet::new(&out).unwrap();
        assert_eq!(p.mtu(), Some(1280));
        assert_eq!(p.rest_of_header(), [0, 0, 5, 0]);
        assert!(p.checksum_valid(src, dst));
        assert!(!p.checksum_valid(dst, "fe80::3".parse().unwrap()));
        assert_eq!(Icmpv6Repr::parse(&p), repr);
    }

    #[test]
    fn every_truncation() {
        let b = [129u8, 0, 0, 0, 0, 1, 0, 2];
        for len in 0..8 {
            assert_eq!(
                Icmpv6Packet::new(&b[..len]),
                Err(Error::truncated(Structure::Icmpv6Header, 8, len))
            );
        }
        let p = Icmpv6Packet::new(&b).unwrap();
        assert_eq!((p.echo_ident(), p.echo_seq()), (Some(1), Some(2)));
    }

    #[test]
    fn time_exceeded_length_is_the_top_byte_of_info() {
        // icmpv6_notify passes the whole 32-bit word after the checksum as `info`
        // (ipv6_icmp_error stores it in ee_info): an RFC 4884 time exceeded shows the length
        // in its top byte.
        let r = Icmpv6Rest::parse(Icmpv6Type::TIME_EXCEEDED, 0x1000_0000u32.to_be_bytes());
        assert_eq!(r, Icmpv6Rest::TimeExceeded { length: 16 });
    }
}
