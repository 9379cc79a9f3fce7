//! The ICMPv4 header (RFC 792) as a checked view and as plain values.

use core::net::Ipv4Addr;

use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, IntoBytes};

use super::{IcmpWire, Icmpv4Code, Icmpv4Type, HEADER_LEN};
use crate::checksum::Checksum;
use crate::error::{Error, Structure};

/// The four rest-of-header bytes of an ICMPv4 message, interpreted by its type.
///
/// Fields the type leaves unused are not kept here: [`Icmpv4Packet::rest_of_header`] has the
/// raw bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Icmpv4Rest {
    /// Echo request/reply, timestamp, information and address mask messages: identifier and
    /// sequence number.
    #[doc(alias = "un.echo")]
    Echo {
        /// The identifier (for a ping socket, the kernel's choice, not the sender's).
        ident: u16,
        /// The sequence number.
        seq: u16,
    },
    /// Destination unreachable: RFC 4884 length (byte 5) and next-hop MTU (RFC 1191, bytes 6-7,
    /// meaningful for fragmentation needed).
    DestUnreach {
        /// Length of the original datagram in 32-bit words (RFC 4884), 0 if not given.
        length: u8,
        /// Next-hop MTU.
        #[doc(alias = "un.frag.mtu")]
        next_hop_mtu: u16,
    },
    /// Time exceeded: RFC 4884 length (byte 5).
    TimeExceeded {
        /// Length of the original datagram in 32-bit words (RFC 4884), 0 if not given.
        length: u8,
    },
    /// Parameter problem: pointer (byte 4) and RFC 4884 length (byte 5).
    ParameterProblem {
        /// Offset in the original datagram of the octet where the error was found.
        pointer: u8,
        /// Length of the original datagram in 32-bit words (RFC 4884), 0 if not given.
        length: u8,
    },
    /// Redirect: the gateway to use.
    Redirect {
        /// Gateway internet address.
        #[doc(alias = "un.gateway")]
        gateway: Ipv4Addr,
    },
    /// Router advertisement (RFC 1256).
    RouterAdvertisement {
        /// Number of addresses.
        num_addrs: u8,
        /// Address entry size, in 32-bit words.
        addr_entry_size: u8,
        /// Lifetime in seconds.
        lifetime: u16,
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
        /// State (3 bits; for a neighbor: 1 incomplete, 2 reachable, 3 stale, 4 delay,
        /// 5 probe, 6 failed).
        state: u8,
        /// The A bit: the interface is active.
        active: bool,
        /// The 4 bit: IPv4 is running on the interface.
        ipv4: bool,
        /// The 6 bit: IPv6 is running on the interface.
        ipv6: bool,
    },
    /// Any other type: the raw bytes (unused or unknown to this crate).
    Raw([u8; 4]),
}

impl Icmpv4Rest {
    /// Interpret the rest-of-header bytes of a message of type `msg_type`.
    #[must_use]
    pub fn parse(msg_type: Icmpv4Type, b: [u8; 4]) -> Self {
        let [b0, b1, b2, b3] = b;
        let hi = u16::from_be_bytes([b0, b1]);
        let lo = u16::from_be_bytes([b2, b3]);
        match msg_type.0 {
            0 | 8 | 13..=18 => Self::Echo { ident: hi, seq: lo },
            3 => Self::DestUnreach {
                length: b1,
                next_hop_mtu: lo,
            },
            11 => Self::TimeExceeded { length: b1 },
            12 => Self::ParameterProblem {
                pointer: b0,
                length: b1,
            },
            5 => Self::Redirect {
                gateway: Ipv4Addr::from(b),
            },
            9 => Self::RouterAdvertisement {
                num_addrs: b0,
                addr_entry_size: b1,
                lifetime: lo,
            },
            42 => Self::ExtendedEchoRequest {
                ident: hi,
                seq: b2,
                local: b3 & 0x01 != 0,
            },
            43 => Self::ExtendedEchoReply {
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
            Self::Echo { ident, seq } => join(ident, seq),
            Self::DestUnreach {
                length,
                next_hop_mtu,
            } => {
                let [m0, m1] = next_hop_mtu.to_be_bytes();
                [0, length, m0, m1]
            }
            Self::TimeExceeded { length } => [0, length, 0, 0],
            Self::ParameterProblem { pointer, length } => [pointer, length, 0, 0],
            Self::Redirect { gateway } => gateway.octets(),
            Self::RouterAdvertisement {
                num_addrs,
                addr_entry_size,
                lifetime,
            } => {
                let [l0, l1] = lifetime.to_be_bytes();
                [num_addrs, addr_entry_size, l0, l1]
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

    /// The RFC 4884 original-datagram length in 32-bit words, for the types that carry it
    /// (destination unreachable, time exceeded, parameter problem).
    #[must_use]
    pub fn rfc4884_length(&self) -> Option<u8> {
        match *self {
            Self::DestUnreach { length, .. }
            | Self::TimeExceeded { length }
            | Self::ParameterProblem { length, .. } => Some(length),
            _ => None,
        }
    }
}

fn join(a: u16, b: u16) -> [u8; 4] {
    let [a0, a1] = a.to_be_bytes();
    let [b0, b1] = b.to_be_bytes();
    [a0, a1, b0, b1]
}

/// A checked view of an ICMPv4 message: the 8-byte header and the data after it.
///
/// If [`Icmpv4Packet::new`] succeeded, no accessor can panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(alias = "icmphdr")]
pub struct Icmpv4Packet<'a> {
    header: &'a IcmpWire,
    data: &'a [u8],
    bytes: &'a [u8],
}

impl<'a> Icmpv4Packet<'a> {
    /// Check and view an ICMPv4 message at the start of `bytes` (all of `bytes` is the
    /// message: the checksum covers it).
    ///
    /// # Errors
    /// [`Error::Truncated`] (`Icmpv4Header`) if `bytes` is shorter than 8 bytes.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        let (header, data) = IcmpWire::ref_from_prefix(bytes)
            .map_err(|_| Error::truncated(Structure::Icmpv4Header, HEADER_LEN, bytes.len()))?;
        Ok(Self {
            header,
            data,
            bytes,
        })
    }

    /// The message type.
    #[doc(alias = "type")]
    #[must_use]
    pub fn msg_type(&self) -> Icmpv4Type {
        Icmpv4Type(self.header.msg_type)
    }

    /// The code.
    #[must_use]
    pub fn code(&self) -> Icmpv4Code {
        Icmpv4Code(self.header.code)
    }

    /// The checksum as stored.
    #[must_use]
    pub fn checksum(&self) -> u16 {
        self.header.checksum.get()
    }

    /// The checksum the message should carry (computed with the field taken as zero).
    #[must_use]
    pub fn compute_checksum(&self) -> u16 {
        let mut sum = Checksum::new();
        sum.add_bytes(self.bytes.get(..2).unwrap_or(&[]));
        sum.add_bytes(self.bytes.get(4..).unwrap_or(&[]));
        sum.finish()
    }

    /// Whether the stored checksum verifies over the whole message.
    #[must_use]
    pub fn checksum_valid(&self) -> bool {
        let mut sum = Checksum::new();
        sum.add_bytes(self.bytes);
        sum.verifies()
    }

    /// The raw rest-of-header bytes (4 to 7).
    #[must_use]
    pub fn rest_of_header(&self) -> [u8; 4] {
        self.header.rest
    }

    /// The rest-of-header bytes interpreted by type.
    #[must_use]
    pub fn rest(&self) -> Icmpv4Rest {
        Icmpv4Rest::parse(self.msg_type(), self.header.rest)
    }

    /// Echo (and timestamp, information, address mask) identifier.
    #[must_use]
    pub fn echo_ident(&self) -> Option<u16> {
        match self.rest() {
            Icmpv4Rest::Echo { ident, .. } => Some(ident),
            _ => None,
        }
    }

    /// Echo (and timestamp, information, address mask) sequence number.
    #[must_use]
    pub fn echo_seq(&self) -> Option<u16> {
        match self.rest() {
            Icmpv4Rest::Echo { seq, .. } => Some(seq),
            _ => None,
        }
    }

    /// Destination unreachable: the next-hop MTU (RFC 1191; 0 from routers that predate it).
    #[must_use]
    pub fn next_hop_mtu(&self) -> Option<u16> {
        match self.rest() {
            Icmpv4Rest::DestUnreach { next_hop_mtu, .. } => Some(next_hop_mtu),
            _ => None,
        }
    }

    /// Parameter problem: the pointer.
    #[must_use]
    pub fn pointer(&self) -> Option<u8> {
        match self.rest() {
            Icmpv4Rest::ParameterProblem { pointer, .. } => Some(pointer),
            _ => None,
        }
    }

    /// Redirect: the gateway address.
    #[must_use]
    pub fn gateway(&self) -> Option<Ipv4Addr> {
        match self.rest() {
            Icmpv4Rest::Redirect { gateway } => Some(gateway),
            _ => None,
        }
    }

    /// The RFC 4884 length field (original datagram in 32-bit words), for destination
    /// unreachable, time exceeded and parameter problem.
    #[must_use]
    pub fn rfc4884_length(&self) -> Option<u8> {
        self.rest().rfc4884_length()
    }

    /// The data after the 8-byte header (for an error: the original datagram, and perhaps an
    /// RFC 4884 extension structure).
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

/// An ICMPv4 message as plain values, to build one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icmpv4Repr<'a> {
    /// The type.
    pub msg_type: Icmpv4Type,
    /// The code.
    pub code: Icmpv4Code,
    /// The rest of the header.
    pub rest: Icmpv4Rest,
    /// The data after the header.
    pub data: &'a [u8],
}

impl<'a> Icmpv4Repr<'a> {
    /// The values of a parsed message.
    #[must_use]
    pub fn parse(packet: &Icmpv4Packet<'a>) -> Self {
        Self {
            msg_type: packet.msg_type(),
            code: packet.code(),
            rest: packet.rest(),
            data: packet.data(),
        }
    }

    /// The number of bytes [`Icmpv4Repr::encode`] writes.
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN.saturating_add(self.data.len())
    }

    /// Write the message, with its checksum, at the start of `out`.
    ///
    /// # Errors
    /// [`Error::NoSpace`] (`Icmpv4Header`) if `out` is too short.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        let len = self.buffer_len();
        let available = out.len();
        let dest = out.get_mut(..len).ok_or(Error::NoSpace {
            what: Structure::Icmpv4Header,
            needed: len,
            available,
        })?;
        let (head, data) = dest.split_at_mut(HEADER_LEN);
        let mut wire = IcmpWire {
            msg_type: self.msg_type.0,
            code: self.code.0,
            checksum: U16::new(0),
            rest: self.rest.to_bytes(),
        };
        data.copy_from_slice(self.data);
        let mut sum = Checksum::new();
        sum.add_bytes(wire.as_bytes());
        sum.add_bytes(data);
        wire.checksum = U16::new(sum.finish());
        head.copy_from_slice(wire.as_bytes());
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // An echo request laid out as iputils ping sends one (id 0x0a6b, seq 1, 8 data bytes).
    const ECHO: [u8; 16] = [
        0x08, 0x00, 0x00, 0x00, 0x0a, 0x6b, 0x00, 0x01, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
        0x68,
    ];

    fn with_checksum(mut b: [u8; 16]) -> [u8; 16] {
        let c = crate::checksum::internet_checksum(&b);
        b[2..4].copy_from_slice(&c.to_be_bytes());
        b
    }

    #[test]
    fn echo_fields() {
        let b = with_checksum(ECHO);
        let p = Icmpv4Packet::new(&b).unwrap();
        assert_eq!(p.msg_type(), Icmpv4Type::ECHO_REQUEST);
        assert_eq!(p.code(), Icmpv4Code::NO_CODE);
        assert!(p.checksum_valid());
        assert_eq!(p.compute_checksum(), p.checksum());
        assert_eq!(p.echo_ident(), Some(0x0a6b));
        assert_eq!(p.echo_seq(), Some(1));
        assert_eq!(p.next_hop_mtu(), None);
        assert_eq!(p.data(), b"abcdefgh");
        let mut bad = b;
        bad[9] ^= 1;
        assert!(!Icmpv4Packet::new(&bad).unwrap().checksum_valid());
    }

    #[test]
    fn rest_by_type() {
        let frag = Icmpv4Rest::parse(Icmpv4Type::DEST_UNREACH, [0, 0, 0x05, 0x00]);
        assert_eq!(
            frag,
            Icmpv4Rest::DestUnreach {
                length: 0,
                next_hop_mtu: 1280
            }
        );
        let te = Icmpv4Rest::parse(Icmpv4Type::TIME_EXCEEDED, [0, 32, 0, 0]);
        assert_eq!(te.rfc4884_length(), Some(32));
        let pp = Icmpv4Rest::parse(Icmpv4Type::PARAMETER_PROBLEM, [9, 0, 0, 0]);
        assert_eq!(
            pp,
            Icmpv4Rest::ParameterProblem {
                pointer: 9,
                length: 0
            }
        );
        let rd = Icmpv4Rest::parse(Icmpv4Type::REDIRECT, [10, 0, 0, 254]);
        assert_eq!(
            rd,
            Icmpv4Rest::Redirect {
                gateway: Ipv4Addr::new(10, 0, 0, 254)
            }
        );
        let xr = Icmpv4Rest::parse(Icmpv4Type::EXTENDED_ECHO_REPLY, [0, 7, 3, 0x47]);
        assert_eq!(
            xr,
            Icmpv4Rest::ExtendedEchoReply {
                ident: 7,
                seq: 3,
                state: 2,
                active: true,
                ipv4: true,
                ipv6: true
            }
        );
        assert_eq!(xr.to_bytes(), [0, 7, 3, 0x47]);
        assert_eq!(
            Icmpv4Rest::parse(Icmpv4Type(99), [1, 2, 3, 4]),
            Icmpv4Rest::Raw([1, 2, 3, 4])
        );
    }

    #[test]
    fn every_truncation() {
        for len in 0..8 {
            assert_eq!(
                Icmpv4Packet::new(&ECHO[..len]),
                Err(Error::truncated(Structure::Icmpv4Header, 8, len))
            );
        }
    }

    #[test]
    fn encode_matches_real_bytes() {
        let b = with_checksum(ECHO);
        let repr = Icmpv4Repr::parse(&Icmpv4Packet::new(&b).unwrap());
        let mut out = [0u8; 16];
        assert_eq!(repr.encode(&mut out), Ok(16));
        assert_eq!(out, b);
        assert_eq!(
            repr.encode(&mut [0u8; 15]),
            Err(Error::NoSpace {
                what: Structure::Icmpv4Header,
                needed: 16,
                available: 15
            })
        );
    }
}
