//! ICMPv4 and ICMPv6 messages: types and codes, headers, and whole error messages.
//!
//! [`Icmpv4Packet`] and [`Icmpv6Packet`] are checked views borrowing the input: if the
//! constructor succeeded, no accessor can panic. [`Icmpv4Repr`] and [`Icmpv6Repr`] are plain
//! values that can be emitted. [`IcmpErrorPacket`] takes a whole ICMP error apart: header,
//! quoted IP header and transport header, and RFC 4884 extension structure.
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
