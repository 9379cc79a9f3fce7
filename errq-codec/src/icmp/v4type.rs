//! ICMPv4 message types and codes (IANA "ICMP Type Numbers" registry, RFC 792 and successors).

use core::fmt;

/// An ICMPv4 message type (the first byte of the ICMP header).
///
/// An open newtype: every byte value is representable; the associated constants name every
/// IANA-registered type. [`Icmpv4Type::name`] gives the name as a network engineer reads it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "icmp_type")]
pub struct Icmpv4Type(pub u8);

/// An ICMPv4 code (the second byte of the ICMP header); its meaning depends on the type.
///
/// An open newtype. Codes of different types share values, so several constants are equal
/// (for example [`Icmpv4Code::NET_UNREACH`], [`Icmpv4Code::TTL_EXCEEDED`] and
/// [`Icmpv4Code::REDIRECT_NET`] are all 0); [`Icmpv4Type::code_name`] names a code in the
/// context of its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "icmp_code")]
pub struct Icmpv4Code(pub u8);

impl Icmpv4Type {
    /// Echo reply (type 0, RFC 792).
    #[doc(alias = "ICMP_ECHOREPLY")]
    pub const ECHO_REPLY: Self = Self(0);
    /// Destination unreachable (type 3, RFC 792).
    #[doc(alias = "ICMP_DEST_UNREACH")]
    pub const DEST_UNREACH: Self = Self(3);
    /// Source quench (type 4, RFC 792, deprecated by RFC 6633).
    #[doc(alias = "ICMP_SOURCE_QUENCH")]
    pub const SOURCE_QUENCH: Self = Self(4);
    /// Redirect (type 5, RFC 792).
    #[doc(alias = "ICMP_REDIRECT")]
    pub const REDIRECT: Self = Self(5);
    /// Alternate host address (type 6, deprecated).
    pub const ALTERNATE_HOST_ADDRESS: Self = Self(6);
    /// Echo request (type 8, RFC 792).
    #[doc(alias = "ICMP_ECHO")]
    pub const ECHO_REQUEST: Self = Self(8);
    /// Router advertisement (type 9, RFC 1256).
    pub const ROUTER_ADVERTISEMENT: Self = Self(9);
    /// Router solicitation (type 10, RFC 1256).
    pub const ROUTER_SOLICITATION: Self = Self(10);
    /// Time exceeded (type 11, RFC 792).
    #[doc(alias = "ICMP_TIME_EXCEEDED")]
    pub const TIME_EXCEEDED: Self = Self(11);
    /// Parameter problem (type 12, RFC 792).
    #[doc(alias = "ICMP_PARAMETERPROB")]
    pub const PARAMETER_PROBLEM: Self = Self(12);
    /// Timestamp request (type 13, RFC 792).
    #[doc(alias = "ICMP_TIMESTAMP")]
    pub const TIMESTAMP_REQUEST: Self = Self(13);
    /// Timestamp reply (type 14, RFC 792).
    #[doc(alias = "ICMP_TIMESTAMPREPLY")]
    pub const TIMESTAMP_REPLY: Self = Self(14);
    /// Information request (type 15, deprecated).
    #[doc(alias = "ICMP_INFO_REQUEST")]
    pub const INFO_REQUEST: Self = Self(15);
    /// Information reply (type 16, deprecated).
    #[doc(alias = "ICMP_INFO_REPLY")]
    pub const INFO_REPLY: Self = Self(16);
    /// Address mask request (type 17, RFC 950, deprecated).
    #[doc(alias = "ICMP_ADDRESS")]
    pub const ADDRESS_MASK_REQUEST: Self = Self(17);
    /// Address mask reply (type 18, RFC 950, deprecated).
    #[doc(alias = "ICMP_ADDRESSREPLY")]
    pub const ADDRESS_MASK_REPLY: Self = Self(18);
    /// Reserved for security (type 19).
    pub const RESERVED_FOR_SECURITY: Self = Self(19);
    /// Traceroute (type 30, RFC 1393, deprecated).
    pub const TRACEROUTE: Self = Self(30);
    /// Datagram conversion error (type 31, RFC 1475, deprecated).
    pub const DATAGRAM_CONVERSION_ERROR: Self = Self(31);
    /// Mobile host redirect (type 32, deprecated).
    pub const MOBILE_HOST_REDIRECT: Self = Self(32);
    /// IPv6 where-are-you (type 33, deprecated).
    pub const IPV6_WHERE_ARE_YOU: Self = Self(33);
    /// IPv6 I-am-here (type 34, deprecated).
    pub const IPV6_I_AM_HERE: Self = Self(34);
    /// Mobile registration request (type 35, deprecated).
    pub const MOBILE_REGISTRATION_REQUEST: Self = Self(35);
    /// Mobile registration reply (type 36, deprecated).
    pub const MOBILE_REGISTRATION_REPLY: Self = Self(36);
    /// Domain name request (type 37, RFC 1788, deprecated).
    pub const DOMAIN_NAME_REQUEST: Self = Self(37);
    /// Domain name reply (type 38, RFC 1788, deprecated).
    pub const DOMAIN_NAME_REPLY: Self = Self(38);
    /// SKIP (type 39, deprecated).
    pub const SKIP: Self = Self(39);
    /// Photuris security failures (type 40, RFC 2521).
    pub const PHOTURIS: Self = Self(40);
    /// Messages of experimental mobility protocols such as Seamoby (type 41, RFC 4065).
    pub const EXPERIMENTAL_MOBILITY: Self = Self(41);
    /// Extended echo request (type 42, RFC 8335, PROBE).
    #[doc(alias = "ICMP_EXT_ECHO")]
    pub const EXTENDED_ECHO_REQUEST: Self = Self(42);
    /// Extended echo reply (type 43, RFC 8335, PROBE).
    #[doc(alias = "ICMP_EXT_ECHOREPLY")]
    pub const EXTENDED_ECHO_REPLY: Self = Self(43);
    /// RFC 3692-style experiment 1 (type 253).
    pub const EXPERIMENT_1: Self = Self(253);
    /// RFC 3692-style experiment 2 (type 254).
    pub const EXPERIMENT_2: Self = Self(254);

    /// The IANA name of the type, in lower case, or `None` for an unassigned value.
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "echo reply",
            3 => "destination unreachable",
            4 => "source quench",
            5 => "redirect",
            6 => "alternate host address",
            8 => "echo request",
            9 => "router advertisement",
            10 => "router solicitation",
            11 => "time exceeded",
            12 => "parameter problem",
            13 => "timestamp request",
            14 => "timestamp reply",
            15 => "information request",
            16 => "information reply",
            17 => "address mask request",
            18 => "address mask reply",
            19 => "reserved for security",
            20..=29 => "reserved for robustness experiment",
            30 => "traceroute",
            31 => "datagram conversion error",
            32 => "mobile host redirect",
            33 => "IPv6 where-are-you",
            34 => "IPv6 I-am-here",
            35 => "mobile registration request",
            36 => "mobile registration reply",
            37 => "domain name request",
            38 => "domain name reply",
            39 => "SKIP",
            40 => "Photuris",
            41 => "experimental mobility protocol",
            42 => "extended echo request",
            43 => "extended echo reply",
            253 => "RFC3692-style experiment 1",
            254 => "RFC3692-style experiment 2",
            _ => return None,
        })
    }

    /// Whether this is an ICMP error message, one that quotes the datagram that caused it.
    ///
    /// True for destination unreachable, source quench, redirect, time exceeded and parameter
    /// problem: the types the kernel classifies as errors (`icmp_pointers[].error`) and turns
    /// into error-queue entries.
    #[must_use]
    pub const fn is_error(self) -> bool {
        matches!(self.0, 3 | 4 | 5 | 11 | 12)
    }

    /// The IANA name of `code` for this type, or `None` if the pair is not registered.
    #[must_use]
    pub const fn code_name(self, code: Icmpv4Code) -> Option<&'static str> {
        Some(match (self.0, code.0) {
            (0 | 8 | 10 | 13 | 14 | 15 | 16 | 17 | 18, 0) => "no code",
            (3, 0) => "net unreachable",
            (3, 1) => "host unreachable",
            (3, 2) => "protocol unreachable",
            (3, 3) => "port unreachable",
            (3, 4) => "fragmentation needed",
            (3, 5) => "source route failed",
            (3, 6) => "destination network unknown",
            (3, 7) => "destination host unknown",
            (3, 8) => "source host isolated",
            (3, 9) => "network administratively prohibited",
            (3, 10) => "host administratively prohibited",
            (3, 11) => "network unreachable for TOS",
            (3, 12) => "host unreachable for TOS",
            (3, 13) => "communication administratively prohibited",
            (3, 14) => "host precedence violation",
            (3, 15) => "precedence cutoff in effect",
            (5, 0) => "redirect for network",
            (5, 1) => "redirect for host",
            (5, 2) => "redirect for TOS and network",
            (5, 3) => "redirect for TOS and host",
            (6, 0) => "alternate address for host",
            (9, 0) => "normal router advertisement",
            (9, 16) => "does not route common traffic",
            (11, 0) => "TTL exceeded in transit",
            (11, 1) => "fragment reassembly time exceeded",
            (12, 0) => "pointer indicates the error",
            (12, 1) => "missing a required option",
            (12, 2) => "bad length",
            (40, 0) => "bad SPI",
            (40, 1) => "authentication failed",
            (40, 2) => "decompression failed",
            (40, 3) => "decryption failed",
            (40, 4) => "need authentication",
            (40, 5) => "need authorization",
            (42, 0) => "no error",
            (43, 0) => "no error",
            (43, 1) => "malformed query",
            (43, 2) => "no such interface",
            (43, 3) => "no such table entry",
            (43, 4) => "multiple interfaces satisfy query",
            _ => return None,
        })
    }
}

impl fmt::Display for Icmpv4Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "type {}", self.0),
        }
    }
}

impl From<u8> for Icmpv4Type {
    fn from(value: u8) -> Self {
        Self(value)
    }
}

impl From<Icmpv4Type> for u8 {
    fn from(value: Icmpv4Type) -> Self {
        value.0
    }
}

impl Icmpv4Code {
    /// No code (0): the only code of echo, timestamp, information and address mask messages.
    pub const NO_CODE: Self = Self(0);

    /// Destination unreachable: net unreachable (0).
    #[doc(alias = "ICMP_NET_UNREACH")]
    pub const NET_UNREACH: Self = Self(0);
    /// Destination unreachable: host unreachable (1).
    #[doc(alias = "ICMP_HOST_UNREACH")]
    pub const HOST_UNREACH: Self = Self(1);
    /// Destination unreachable: protocol unreachable (2).
    #[doc(alias = "ICMP_PROT_UNREACH")]
    pub const PROTO_UNREACH: Self = Self(2);
    /// Destination unreachable: port unreachable (3).
    #[doc(alias = "ICMP_PORT_UNREACH")]
    pub const PORT_UNREACH: Self = Self(3);
    /// Destination unreachable: fragmentation needed and DF set (4); carries the next-hop MTU.
    #[doc(alias = "ICMP_FRAG_NEEDED")]
    pub const FRAG_NEEDED: Self = Self(4);
    /// Destination unreachable: source route failed (5).
    #[doc(alias = "ICMP_SR_FAILED")]
    pub const SOURCE_ROUTE_FAILED: Self = Self(5);
    /// Destination unreachable: destination network unknown (6).
    #[doc(alias = "ICMP_NET_UNKNOWN")]
    pub const NET_UNKNOWN: Self = Self(6);
    /// Destination unreachable: destination host unknown (7).
    #[doc(alias = "ICMP_HOST_UNKNOWN")]
    pub const HOST_UNKNOWN: Self = Self(7);
    /// Destination unreachable: source host isolated (8).
    #[doc(alias = "ICMP_HOST_ISOLATED")]
    pub const HOST_ISOLATED: Self = Self(8);
    /// Destination unreachable: communication with the network administratively prohibited (9).
    #[doc(alias = "ICMP_NET_ANO")]
    pub const NET_ADMIN_PROHIBITED: Self = Self(9);
    /// Destination unreachable: communication with the host administratively prohibited (10).
    #[doc(alias = "ICMP_HOST_ANO")]
    pub const HOST_ADMIN_PROHIBITED: Self = Self(10);
    /// Destination unreachable: network unreachable for the type of service (11).
    #[doc(alias = "ICMP_NET_UNR_TOS")]
    pub const NET_UNREACH_FOR_TOS: Self = Self(11);
    /// Destination unreachable: host unreachable for the type of service (12).
    #[doc(alias = "ICMP_HOST_UNR_TOS")]
    pub const HOST_UNREACH_FOR_TOS: Self = Self(12);
    /// Destination unreachable: communication administratively prohibited (13, RFC 1812).
    #[doc(alias = "ICMP_PKT_FILTERED")]
    pub const ADMIN_PROHIBITED: Self = Self(13);
    /// Destination unreachable: host precedence violation (14, RFC 1812).
    #[doc(alias = "ICMP_PREC_VIOLATION")]
    pub const HOST_PRECEDENCE_VIOLATION: Self = Self(14);
    /// Destination unreachable: precedence cutoff in effect (15, RFC 1812).
    #[doc(alias = "ICMP_PREC_CUTOFF")]
    pub const PRECEDENCE_CUTOFF: Self = Self(15);

    /// Redirect: for the network (or subnet) (0).
    #[doc(alias = "ICMP_REDIR_NET")]
    pub const REDIRECT_NET: Self = Self(0);
    /// Redirect: for the host (1).
    #[doc(alias = "ICMP_REDIR_HOST")]
    pub const REDIRECT_HOST: Self = Self(1);
    /// Redirect: for the type of service and network (2).
    #[doc(alias = "ICMP_REDIR_NETTOS")]
    pub const REDIRECT_TOS_NET: Self = Self(2);
    /// Redirect: for the type of service and host (3).
    #[doc(alias = "ICMP_REDIR_HOSTTOS")]
    pub const REDIRECT_TOS_HOST: Self = Self(3);

    /// Alternate host address: alternate address for host (0).
    pub const ALTERNATE_ADDRESS_FOR_HOST: Self = Self(0);

    /// Router advertisement: normal router advertisement (0, RFC 3344).
    pub const NORMAL_ROUTER_ADVERTISEMENT: Self = Self(0);
    /// Router advertisement: does not route common traffic (16, RFC 3344).
    pub const DOES_NOT_ROUTE_COMMON_TRAFFIC: Self = Self(16);

    /// Time exceeded: time to live exceeded in transit (0).
    #[doc(alias = "ICMP_EXC_TTL")]
    pub const TTL_EXCEEDED: Self = Self(0);
    /// Time exceeded: fragment reassembly time exceeded (1).
    #[doc(alias = "ICMP_EXC_FRAGTIME")]
    pub const FRAG_REASSEMBLY_EXCEEDED: Self = Self(1);

    /// Parameter problem: the pointer indicates the error (0).
    pub const POINTER_INDICATES_ERROR: Self = Self(0);
    /// Parameter problem: missing a required option (1, RFC 1108).
    pub const MISSING_REQUIRED_OPTION: Self = Self(1);
    /// Parameter problem: bad length (2).
    pub const BAD_LENGTH: Self = Self(2);

    /// Photuris: bad SPI (0, RFC 2521).
    pub const PHOTURIS_BAD_SPI: Self = Self(0);
    /// Photuris: authentication failed (1).
    pub const PHOTURIS_AUTHENTICATION_FAILED: Self = Self(1);
    /// Photuris: decompression failed (2).
    pub const PHOTURIS_DECOMPRESSION_FAILED: Self = Self(2);
    /// Photuris: decryption failed (3).
    pub const PHOTURIS_DECRYPTION_FAILED: Self = Self(3);
    /// Photuris: need authentication (4).
    pub const PHOTURIS_NEED_AUTHENTICATION: Self = Self(4);
    /// Photuris: need authorization (5).
    pub const PHOTURIS_NEED_AUTHORIZATION: Self = Self(5);

    /// Extended echo request/reply: no error (0, RFC 8335).
    pub const NO_ERROR: Self = Self(0);
    /// Extended echo reply: malformed query (1, RFC 8335).
    #[doc(alias = "ICMP_EXT_CODE_MAL_QUERY")]
    pub const MALFORMED_QUERY: Self = Self(1);
    /// Extended echo reply: no such interface (2, RFC 8335).
    #[doc(alias = "ICMP_EXT_CODE_NO_IF")]
    pub const NO_SUCH_INTERFACE: Self = Self(2);
    /// Extended echo reply: no such table entry (3, RFC 8335).
    #[doc(alias = "ICMP_EXT_CODE_NO_TABLE_ENT")]
    pub const NO_SUCH_TABLE_ENTRY: Self = Self(3);
    /// Extended echo reply: multiple interfaces satisfy the query (4, RFC 8335).
    #[doc(alias = "ICMP_EXT_CODE_MULT_IFS")]
    pub const MULTIPLE_INTERFACES_SATISFY_QUERY: Self = Self(4);
}

impl From<u8> for Icmpv4Code {
    fn from(value: u8) -> Self {
        Self(value)
    }
}

impl From<Icmpv4Code> for u8 {
    fn from(value: Icmpv4Code) -> Self {
        value.0
    }
}

impl fmt::Display for Icmpv4Code {
    /// The bare code number ("code 3"): a code is named only together with its type, see
    /// [`Icmpv4Type::code_name`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "code {}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn names_of_common_types() {
        assert_eq!(Icmpv4Type::DEST_UNREACH.0, 3);
        assert_eq!(Icmpv4Type::TIME_EXCEEDED.0, 11);
        assert_eq!(Icmpv4Type::PARAMETER_PROBLEM.0, 12);
        assert_eq!(Icmpv4Type::ECHO_REQUEST.name(), Some("echo request"));
        assert_eq!(
            Icmpv4Type::DEST_UNREACH.to_string(),
            "destination unreachable"
        );
        assert_eq!(Icmpv4Type(7).to_string(), "type 7");
        assert_eq!(Icmpv4Type(44).name(), None);
        assert_eq!(
            Icmpv4Type(25).name(),
            Some("reserved for robustness experiment")
        );
    }

    #[test]
    fn code_names() {
        let t = Icmpv4Type::TIME_EXCEEDED;
        assert_eq!(
            t.code_name(Icmpv4Code::TTL_EXCEEDED),
            Some("TTL exceeded in transit")
        );
        let d = Icmpv4Type::DEST_UNREACH;
        assert_eq!(
            d.code_name(Icmpv4Code::PORT_UNREACH),
            Some("port unreachable")
        );
        assert_eq!(
            d.code_name(Icmpv4Code::FRAG_NEEDED),
            Some("fragmentation needed")
        );
        assert_eq!(
            d.code_name(Icmpv4Code::ADMIN_PROHIBITED),
            Some("communication administratively prohibited")
        );
        assert_eq!(Icmpv4Code::ADMIN_PROHIBITED.0, 13);
        assert_eq!(d.code_name(Icmpv4Code(16)), None);
        assert_eq!(Icmpv4Type(200).code_name(Icmpv4Code(0)), None);
        // Every destination unreachable code 0..=15 is named, and nothing beyond.
        for c in 0..=255u8 {
            assert_eq!(d.code_name(Icmpv4Code(c)).is_some(), c <= 15, "code {c}");
        }
    }

    #[test]
    fn error_types() {
        let errors: std::vec::Vec<u8> = (0..=255u8).filter(|&t| Icmpv4Type(t).is_error()).collect();
        assert_eq!(errors, [3, 4, 5, 11, 12]);
        // Every named type has a name and every error type is named.
        for t in 0..=255u8 {
            if Icmpv4Type(t).is_error() {
                assert!(Icmpv4Type(t).name().is_some());
            }
            if Icmpv4Type(t).code_name(Icmpv4Code(0)).is_some() {
                assert!(Icmpv4Type(t).name().is_some());
            }
        }
    }
}
