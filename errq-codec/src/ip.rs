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

use core::net::IpAddr;

pub use transport::{QuotedIcmp, QuotedTcp, QuotedUdp, Transport, UdpRepr};
pub use v4::{Ipv4Header, Ipv4Repr};
pub use v6::{Ipv6ExtensionHeader, Ipv6ExtensionHeaders, Ipv6Header, Ipv6Repr};

use crate::error::{Error, Reason, Structure};
use crate::table::table;

/// An IP protocol number / IPv6 next-header value (IANA "Assigned Internet Protocol Numbers").
///
/// An open newtype: every value is representable.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "IPPROTO")]
#[doc(alias = "nexthdr")]
pub struct IpProtocol(pub u8);

table! {
    /// The protocol's keyword, or `None` for a value this crate does not name.
    IpProtocol::name, unknown "protocol {}", Debug;
    /// IPv6 hop-by-hop options (0).
    HOP_BY_HOP = 0, "HOPOPT", alias "IPPROTO_HOPOPTS";
    /// ICMP (1).
    ICMP = 1, "ICMP", alias "IPPROTO_ICMP";
    /// IGMP (2).
    IGMP = 2, "IGMP", alias "IPPROTO_IGMP";
    /// IPv4 in IP (4).
    IPIP = 4, "IPv4", alias "IPPROTO_IPIP";
    /// TCP (6).
    TCP = 6, "TCP", alias "IPPROTO_TCP";
    /// UDP (17).
    UDP = 17, "UDP", alias "IPPROTO_UDP";
    /// DCCP (33).
    DCCP = 33, "DCCP", alias "IPPROTO_DCCP";
    /// IPv6 in IP (41).
    IPV6 = 41, "IPv6", alias "IPPROTO_IPV6";
    /// IPv6 routing header (43).
    IPV6_ROUTING = 43, "IPv6-Route", alias "IPPROTO_ROUTING";
    /// IPv6 fragment header (44).
    IPV6_FRAGMENT = 44, "IPv6-Frag", alias "IPPROTO_FRAGMENT";
    /// GRE (47).
    GRE = 47, "GRE", alias "IPPROTO_GRE";
    /// Encapsulating security payload (50).
    ESP = 50, "ESP", alias "IPPROTO_ESP";
    /// Authentication header (51).
    AH = 51, "AH", alias "IPPROTO_AH";
    /// ICMPv6 (58).
    ICMPV6 = 58, "IPv6-ICMP", alias "IPPROTO_ICMPV6";
    /// IPv6 no next header (59).
    IPV6_NO_NEXT_HEADER = 59, "IPv6-NoNxt", alias "IPPROTO_NONE";
    /// IPv6 destination options (60).
    IPV6_DEST_OPTIONS = 60, "IPv6-Opts", alias "IPPROTO_DSTOPTS";
    /// SCTP (132).
    SCTP = 132, "SCTP", alias "IPPROTO_SCTP";
    /// IPv6 mobility header (135).
    MOBILITY = 135, "Mobility Header", alias "IPPROTO_MH";
    /// UDP-Lite (136).
    UDP_LITE = 136, "UDPLite", alias "IPPROTO_UDPLITE";
    /// Host identity protocol (139).
    HIP = 139, "HIP";
    /// Shim6 (140).
    SHIM6 = 140, "Shim6";
    /// Experimentation and testing (253).
    EXPERIMENT_1 = 253, _;
    /// Experimentation and testing (254).
    EXPERIMENT_2 = 254, _;
}

impl IpProtocol {
    /// Whether this value names an IPv6 extension header whose length this crate can walk
    /// (hop-by-hop, routing, fragment, destination options, AH, mobility, HIP, Shim6, and the
    /// experimental 253/254). ESP is an extension header too, but nothing after it is readable.
    #[must_use]
    pub const fn is_ipv6_extension(self) -> bool {
        matches!(self.0, 0 | 43 | 44 | 51 | 60 | 135 | 139 | 140 | 253 | 254)
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
            Self::V4(h) => h.ports(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;
    use std::string::ToString;

    #[test]
    fn protocol_table_is_the_registry() {
        // IANA "Assigned Internet Protocol Numbers" keywords and linux/in.h, by hand:
        // number, Debug, Display.
        let want = [
            (0, "IpProtocol::HOP_BY_HOP(0)", "HOPOPT"),
            (1, "IpProtocol::ICMP(1)", "ICMP"),
            (2, "IpProtocol::IGMP(2)", "IGMP"),
            (4, "IpProtocol::IPIP(4)", "IPv4"),
            (6, "IpProtocol::TCP(6)", "TCP"),
            (17, "IpProtocol::UDP(17)", "UDP"),
            (33, "IpProtocol::DCCP(33)", "DCCP"),
            (41, "IpProtocol::IPV6(41)", "IPv6"),
            (43, "IpProtocol::IPV6_ROUTING(43)", "IPv6-Route"),
            (44, "IpProtocol::IPV6_FRAGMENT(44)", "IPv6-Frag"),
            (47, "IpProtocol::GRE(47)", "GRE"),
            (50, "IpProtocol::ESP(50)", "ESP"),
            (51, "IpProtocol::AH(51)", "AH"),
            (58, "IpProtocol::ICMPV6(58)", "IPv6-ICMP"),
            (59, "IpProtocol::IPV6_NO_NEXT_HEADER(59)", "IPv6-NoNxt"),
            (60, "IpProtocol::IPV6_DEST_OPTIONS(60)", "IPv6-Opts"),
            (132, "IpProtocol::SCTP(132)", "SCTP"),
            (135, "IpProtocol::MOBILITY(135)", "Mobility Header"),
            (136, "IpProtocol::UDP_LITE(136)", "UDPLite"),
            (139, "IpProtocol::HIP(139)", "HIP"),
            (140, "IpProtocol::SHIM6(140)", "Shim6"),
            // Constants without a keyword here: Display falls back to the number.
            (253, "IpProtocol::EXPERIMENT_1(253)", "protocol 253"),
            (254, "IpProtocol::EXPERIMENT_2(254)", "protocol 254"),
        ];
        let all: std::vec::Vec<u8> = IpProtocol::ALL.iter().map(|p| p.0).collect();
        let numbers: std::vec::Vec<u8> = want.iter().map(|w| w.0).collect();
        assert_eq!(all, numbers);
        for n in 0..=255u8 {
            let p = IpProtocol(n);
            match want.iter().find(|w| w.0 == n) {
                Some(&(_, debug, display)) => {
                    assert_eq!(format!("{p:?}"), debug);
                    assert_eq!(p.to_string(), display);
                    let keyword = (n < 253).then_some(display);
                    assert_eq!(p.name(), keyword);
                }
                None => {
                    assert_eq!(format!("{p:?}"), format!("IpProtocol({n})"));
                    assert_eq!(p.to_string(), format!("protocol {n}"));
                    assert_eq!(p.name(), None);
                }
            }
        }
    }
}
