//! The IP packet quoted inside an ICMP error, and the transport header quoted after it.
//!
//! A router quotes the datagram that caused an error, and almost always cuts it short: RFC 792
//! asks for the IP header and 8 bytes, RFC 1812 and RFC 4443 for as much as fits. The views
//! here are therefore lax where smoltcp's are strict: the IP header (IPv4 with its options,
//! IPv6 with its fixed 40 bytes) must be whole, or the constructor fails with
//! [`Error::Truncated`]; everything after it may be missing, and the
//! accessors say so by returning `None` (ports, sequence numbers) or a short slice (payload).
//!
//! If a checked constructor ([`Ipv4Header::new`], [`Ipv6Header::new`], [`QuotedIp::new`])
//! succeeded, no accessor can panic.

mod transport;
mod v4;
mod v6;

use core::fmt;
use core::net::IpAddr;

pub use transport::{QuotedIcmp, QuotedTcp, QuotedUdp, Transport, UdpRepr};
pub use v4::{Ipv4Header, Ipv4Repr};
pub use v6::{Ipv6ExtensionHeader, Ipv6ExtensionHeaders, Ipv6Header, Ipv6Repr};

use crate::error::{Error, Reason, Structure};

/// An IP protocol number / IPv6 next-header value (IANA "Assigned Internet Protocol Numbers").
///
/// An open newtype: every value is representable.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "IPPROTO")]
#[doc(alias = "nexthdr")]
pub struct IpProtocol(pub u8);

impl IpProtocol {
    /// IPv6 hop-by-hop options (0).
    #[doc(alias = "IPPROTO_HOPOPTS")]
    pub const HOP_BY_HOP: Self = Self(0);
    /// ICMP (1).
    #[doc(alias = "IPPROTO_ICMP")]
    pub const ICMP: Self = Self(1);
    /// IGMP (2).
    #[doc(alias = "IPPROTO_IGMP")]
    pub const IGMP: Self = Self(2);
    /// IPv4 in IP (4).
    #[doc(alias = "IPPROTO_IPIP")]
    pub const IPIP: Self = Self(4);
    /// TCP (6).
    #[doc(alias = "IPPROTO_TCP")]
    pub const TCP: Self = Self(6);
    /// UDP (17).
    #[doc(alias = "IPPROTO_UDP")]
    pub const UDP: Self = Self(17);
    /// DCCP (33).
    #[doc(alias = "IPPROTO_DCCP")]
    pub const DCCP: Self = Self(33);
    /// IPv6 in IP (41).
    #[doc(alias = "IPPROTO_IPV6")]
    pub const IPV6: Self = Self(41);
    /// IPv6 routing header (43).
    #[doc(alias = "IPPROTO_ROUTING")]
    pub const IPV6_ROUTING: Self = Self(43);
    /// IPv6 fragment header (44).
    #[doc(alias = "IPPROTO_FRAGMENT")]
    pub const IPV6_FRAGMENT: Self = Self(44);
    /// GRE (47).
    #[doc(alias = "IPPROTO_GRE")]
    pub const GRE: Self = Self(47);
    /// Encapsulating security payload (50).
    #[doc(alias = "IPPROTO_ESP")]
    pub const ESP: Self = Self(50);
    /// Authentication header (51).
    #[doc(alias = "IPPROTO_AH")]
    pub const AH: Self = Self(51);
    /// ICMPv6 (58).
    #[doc(alias = "IPPROTO_ICMPV6")]
    pub const ICMPV6: Self = Self(58);
    /// IPv6 no next header (59).
    #[doc(alias = "IPPROTO_NONE")]
    pub const IPV6_NO_NEXT_HEADER: Self = Self(59);
    /// IPv6 destination options (60).
    #[doc(alias = "IPPROTO_DSTOPTS")]
    pub const IPV6_DEST_OPTIONS: Self = Self(60);
    /// SCTP (132).
    #[doc(alias = "IPPROTO_SCTP")]
    pub const SCTP: Self = Self(132);
    /// IPv6 mobility header (135).
    #[doc(alias = "IPPROTO_MH")]
    pub const MOBILITY: Self = Self(135);
    /// UDP-Lite (136).
    #[doc(alias = "IPPROTO_UDPLITE")]
    pub const UDP_LITE: Self = Self(136);
    /// Host identity protocol (139).
    pub const HIP: Self = Self(139);
    /// Shim6 (140).
    pub const SHIM6: Self = Self(140);
    /// Experimentation and testing (253).
    pub const EXPERIMENT_1: Self = Self(253);
    /// Experimentation and testing (254).
    pub const EXPERIMENT_2: Self = Self(254);

    /// Whether this value names an IPv6 extension header whose length this crate can walk
    /// (hop-by-hop, routing, fragment, destination options, AH, mobility, HIP, Shim6, and the
    /// experimental 253/254). ESP is an extension header too, but nothing after it is readable.
    #[must_use]
    pub const fn is_ipv6_extension(self) -> bool {
        matches!(self.0, 0 | 43 | 44 | 51 | 60 | 135 | 139 | 140 | 253 | 254)
    }

    /// The protocol's keyword, or `None` for a value this crate does not name.
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "HOPOPT",
            1 => "ICMP",
            2 => "IGMP",
            4 => "IPv4",
            6 => "TCP",
            17 => "UDP",
            33 => "DCCP",
            41 => "IPv6",
            43 => "IPv6-Route",
            44 => "IPv6-Frag",
            47 => "GRE",
            50 => "ESP",
            51 => "AH",
            58 => "IPv6-ICMP",
            59 => "IPv6-NoNxt",
            60 => "IPv6-Opts",
            132 => "SCTP",
            135 => "Mobility Header",
            136 => "UDPLite",
            139 => "HIP",
            140 => "Shim6",
            _ => return None,
        })
    }
}

impl fmt::Display for IpProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "protocol {}", self.0),
        }
    }
}

/// A quoted IP packet of either version: the header whole, the rest possibly cut short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotedIp<'a> {
    /// An IPv4 packet.
    V4(Ipv4Header<'a>),
    /// An IPv6 packet.
    V6(Ipv6Header<'a>),
}

impl<'a> QuotedIp<'a> {
    /// Parse an IP packet of the version its first nibble says.
    ///
    /// # Errors
    /// [`Error::Truncated`] if `bytes` is empty or the header is not whole;
    /// [`Error::Malformed`] with [`Reason::BadVersion`] if the version is neither 4 nor 6, or
    /// an IPv4 IHL below 5.
    #[inline]
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        match bytes.first().map(|b| b >> 4) {
            None => Err(Error::truncated(Structure::Ipv4Header, 20, 0)),
            Some(4) => Ipv4Header::new(bytes).map(Self::V4),
            Some(6) => Ipv6Header::new(bytes).map(Self::V6),
            Some(version) => Err(Error::malformed(
                Structure::Ipv4Header,
                Reason::BadVersion { version },
            )),
        }
    }

    /// The source address.
    #[must_use]
    pub fn src(&self) -> IpAddr {
        match self {
            Self::V4(h) => IpAddr::V4(h.src()),
            Self::V6(h) => IpAddr::V6(h.src()),
        }
    }

    /// The destination address (for a quoted probe: the probe's destination).
    #[must_use]
    pub fn dst(&self) -> IpAddr {
        match self {
            Self::V4(h) => IpAddr::V4(h.dst()),
            Self::V6(h) => IpAddr::V6(h.dst()),
        }
    }

    /// The TTL / hop limit the packet had where it was quoted.
    #[must_use]
    pub fn hop_limit(&self) -> u8 {
        match self {
            Self::V4(h) => h.ttl(),
            Self::V6(h) => h.hop_limit(),
        }
    }

    /// The transport header after the IP header (and, for IPv6, the extension headers).
    #[must_use]
    #[inline]
    pub fn transport(&self) -> Transport<'a> {
        match self {
            Self::V4(h) => h.transport(),
            Self::V6(h) => h.transport(),
        }
    }

    /// `self.transport().ports()`, without building the transport view for IPv4.
    #[inline]
    pub(crate) fn ports(&self) -> Option<(u16, u16)> {
        match self {
            Self::V4(h) if h.frag_offset() == 0 => Transport::ports_of(h.protocol(), h.payload()),
            Self::V4(_) => None,
            Self::V6(h) => h.transport().ports(),
        }
    }

    /// The bytes of the whole quote, from the IP header on.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        match self {
            Self::V4(h) => h.bytes(),
            Self::V6(h) => h.bytes(),
        }
    }
}
