//! ICMPv4 and ICMPv6 messages: types and codes, headers, and whole error messages.
//!
//! [`Icmpv4Packet`] and [`Icmpv6Packet`] are checked views borrowing the input: if the
//! constructor succeeded, no accessor can panic. [`Icmpv4Repr`] and [`Icmpv6Repr`] are plain
//! values that can be encoded. [`IcmpErrorPacket`] takes a whole ICMP error apart: header,
//! quoted IP header and transport header, and RFC 4884 extension structure.
//!
//! A port unreachable as a raw `IPPROTO_ICMP` socket read it on this project's test machine
//! (a UDP datagram 127.0.0.1:48557 -> 127.0.0.1:35857, a closed port):
//!
//! ```
//! use errq_codec::icmp::{ExtensionMode, IcmpErrorPacket};
//! let hex = "45c000443f01000040013cf67f0000017f000001030396dd000000004500002828ef4000\
//!            401113d47f0000017f000001bdad8c110014fe27000102030405060708090a0b";
//! let hex: Vec<u8> = hex.bytes().filter(u8::is_ascii_hexdigit).collect();
//! let bytes: Vec<u8> = hex
//!     .chunks(2)
//!     .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
//!     .collect();
//! let error = IcmpErrorPacket::from_ip(&bytes, ExtensionMode::Rfc4884)?;
//! assert_eq!(error.icmp().to_string(), "destination unreachable: port unreachable");
//! assert_eq!(error.checksum_valid(), Some(true));
//! assert_eq!(error.sender(), Some("127.0.0.1".parse()?));
//! assert_eq!(error.quoted().dst(), "127.0.0.1".parse::<std::net::IpAddr>()?);
//! assert_eq!(error.transport().ports(), Some((48557, 35857)));
//! assert!(error.extension().is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Types and codes are open newtypes ([`Icmpv4Type`], [`Icmpv4Code`], [`Icmpv6Type`],
//! [`Icmpv6Code`]): every IANA-registered value has a named constant and a name, and an
//! unknown value stays representable, never an error.

mod error_packet;
mod v4;
mod v4type;
mod v6;
mod v6type;

use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

pub use error_packet::{
    ExtensionMode, IcmpErrorPacket, IcmpHeader, Icmpv4ErrorRepr, Icmpv6ErrorRepr,
};
pub use v4::{Icmpv4Packet, Icmpv4Repr, Icmpv4Rest};
pub use v4type::{Icmpv4Code, Icmpv4Type};
pub use v6::{Icmpv6Packet, Icmpv6Repr, Icmpv6Rest};
pub use v6type::{Icmpv6Code, Icmpv6Type};

/// The size of an ICMPv4 or ICMPv6 header: type, code, checksum, 4 rest-of-header bytes.
pub const HEADER_LEN: usize = 8;

/// The 8 bytes of an ICMPv4 or ICMPv6 header.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
struct IcmpWire {
    msg_type: u8,
    code: u8,
    checksum: U16,
    rest: [u8; 4],
}
