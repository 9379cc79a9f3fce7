//! ICMPv4 message types and codes (IANA "ICMP Type Numbers" registry, RFC 792 and successors).

use crate::table::table;

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

table! {
    /// The IANA name of the type, in lower case, or `None` for an unassigned value.
    Icmpv4Type::name, unknown "type {}", Debug;
    /// Echo reply (type 0, RFC 792).
    ECHO_REPLY = 0, "echo reply", alias "ICMP_ECHOREPLY";
    /// Destination unreachable (type 3, RFC 792).
    DEST_UNREACH = 3, "destination unreachable", alias "ICMP_DEST_UNREACH";
    /// Source quench (type 4, RFC 792, deprecated by RFC 6633).
    SOURCE_QUENCH = 4, "source quench", alias "ICMP_SOURCE_QUENCH";
    /// Redirect (type 5, RFC 792).
    REDIRECT = 5, "redirect", alias "ICMP_REDIRECT";
    /// Alternate host address (type 6, deprecated).
    ALTERNATE_HOST_ADDRESS = 6, "alternate host address";
    /// Echo request (type 8, RFC 792).
    ECHO_REQUEST = 8, "echo request", alias "ICMP_ECHO";
    /// Router advertisement (type 9, RFC 1256).
    ROUTER_ADVERTISEMENT = 9, "router advertisement";
    /// Router solicitation (type 10, RFC 1256).
    ROUTER_SOLICITATION = 10, "router solicitation";
    /// Time exceeded (type 11, RFC 792).
    TIME_EXCEEDED = 11, "time exceeded", alias "ICMP_TIME_EXCEEDED";
    /// Parameter problem (type 12, RFC 792).
    PARAMETER_PROBLEM = 12, "parameter problem", alias "ICMP_PARAMETERPROB";
    /// Timestamp request (type 13, RFC 792).
    TIMESTAMP_REQUEST = 13, "timestamp request", alias "ICMP_TIMESTAMP";
    /// Timestamp reply (type 14, RFC 792).
    TIMESTAMP_REPLY = 14, "timestamp reply", alias "ICMP_TIMESTAMPREPLY";
    /// Information request (type 15, deprecated).
    INFO_REQUEST = 15, "information request", alias "ICMP_INFO_REQUEST";
    /// Information reply (type 16, deprecated).
    INFO_REPLY = 16, "information reply", alias "ICMP_INFO_REPLY";
    /// Address mask request (type 17, RFC 950, deprecated).
    ADDRESS_MASK_REQUEST = 17, "address mask request", alias "ICMP_ADDRESS";
    /// Address mask reply (type 18, RFC 950, deprecated).
    ADDRESS_MASK_REPLY = 18, "address mask reply", alias "ICMP_ADDRESSREPLY";
    /// Reserved for security (type 19).
    RESERVED_FOR_SECURITY = 19, "reserved for security";
    /// Traceroute (type 30, RFC 1393, deprecated).
    TRACEROUTE = 30, "traceroute";
    /// Datagram conversion error (type 31, RFC 1475, deprecated).
    DATAGRAM_CONVERSION_ERROR = 31, "datagram conversion error";
    /// Mobile host redirect (type 32, deprecated).
    MOBILE_HOST_REDIRECT = 32, "mobile host redirect";
    /// IPv6 where-are-you (type 33, deprecated).
    IPV6_WHERE_ARE_YOU = 33, "IPv6 where-are-you";
    /// IPv6 I-am-here (type 34, deprecated).
    IPV6_I_AM_HERE = 34, "IPv6 I-am-here";
    /// Mobile registration request (type 35, deprecated).
    MOBILE_REGISTRATION_REQUEST = 35, "mobile registration request";
    /// Mobile registration reply (type 36, deprecated).
    MOBILE_REGISTRATION_REPLY = 36, "mobile registration reply";
    /// Domain name request (type 37, RFC 1788, deprecated).
    DOMAIN_NAME_REQUEST = 37, "domain name request";
    /// Domain name reply (type 38, RFC 1788, deprecated).
    DOMAIN_NAME_REPLY = 38, "domain name reply";
    /// SKIP (type 39, deprecated).
    SKIP = 39, "SKIP";
    /// Photuris security failures (type 40, RFC 2521).
    PHOTURIS = 40, "Photuris";
    /// Messages of experimental mobility protocols such as Seamoby (type 41, RFC 4065).
    EXPERIMENTAL_MOBILITY = 41, "experimental mobility protocol";
    /// Extended echo request (type 42, RFC 8335, PROBE).
    EXTENDED_ECHO_REQUEST = 42, "extended echo request", alias "ICMP_EXT_ECHO";
    /// Extended echo reply (type 43, RFC 8335, PROBE).
    EXTENDED_ECHO_REPLY = 43, "extended echo reply", alias "ICMP_EXT_ECHOREPLY";
    /// RFC 3692-style experiment 1 (type 253).
    EXPERIMENT_1 = 253, "RFC3692-style experiment 1";
    /// RFC 3692-style experiment 2 (type 254).
    EXPERIMENT_2 = 254, "RFC3692-style experiment 2";
    _ 20..=29 => "reserved for robustness experiment";
}

table! {
    /// The IANA name of `code` for this type, or `None` if the pair is not registered.
    Icmpv4Type::code_name(Icmpv4Code) as u8, display "code {}";
    0 | 8 | 10 | 13 | 14 | 15 | 16 | 17 | 18 => {
        /// No code (0): the only code of echo, timestamp, information and address mask messages.
        NO_CODE = 0, "no code";
    }
    3 => {
        /// Destination unreachable: net unreachable (0).
        NET_UNREACH = 0, "net unreachable", alias "ICMP_NET_UNREACH";
        /// Destination unreachable: host unreachable (1).
        HOST_UNREACH = 1, "host unreachable", alias "ICMP_HOST_UNREACH";
        /// Destination unreachable: protocol unreachable (2).
        PROTO_UNREACH = 2, "protocol unreachable", alias "ICMP_PROT_UNREACH";
        /// Destination unreachable: port unreachable (3).
        PORT_UNREACH = 3, "port unreachable", alias "ICMP_PORT_UNREACH";
        /// Destination unreachable: fragmentation needed and DF set (4); carries the next-hop MTU.
        FRAG_NEEDED = 4, "fragmentation needed", alias "ICMP_FRAG_NEEDED";
        /// Destination unreachable: source route failed (5).
        SOURCE_ROUTE_FAILED = 5, "source route failed", alias "ICMP_SR_FAILED";
        /// Destination unreachable: destination network unknown (6).
        NET_UNKNOWN = 6, "destination network unknown", alias "ICMP_NET_UNKNOWN";
        /// Destination unreachable: destination host unknown (7).
        HOST_UNKNOWN = 7, "destination host unknown", alias "ICMP_HOST_UNKNOWN";
        /// Destination unreachable: source host isolated (8).
        HOST_ISOLATED = 8, "source host isolated", alias "ICMP_HOST_ISOLATED";
        /// Destination unreachable: communication with the network administratively prohibited (9).
        NET_ADMIN_PROHIBITED = 9, "network administratively prohibited", alias "ICMP_NET_ANO";
        /// Destination unreachable: communication with the host administratively prohibited (10).
        HOST_ADMIN_PROHIBITED = 10, "host administratively prohibited", alias "ICMP_HOST_ANO";
        /// Destination unreachable: network unreachable for the type of service (11).
        NET_UNREACH_FOR_TOS = 11, "network unreachable for TOS", alias "ICMP_NET_UNR_TOS";
        /// Destination unreachable: host unreachable for the type of service (12).
        HOST_UNREACH_FOR_TOS = 12, "host unreachable for TOS", alias "ICMP_HOST_UNR_TOS";
        /// Destination unreachable: communication administratively prohibited (13, RFC 1812).
        ADMIN_PROHIBITED = 13, "communication administratively prohibited",
            alias "ICMP_PKT_FILTERED";
        /// Destination unreachable: host precedence violation (14, RFC 1812).
        HOST_PRECEDENCE_VIOLATION = 14, "host precedence violation", alias "ICMP_PREC_VIOLATION";
        /// Destination unreachable: precedence cutoff in effect (15, RFC 1812).
        PRECEDENCE_CUTOFF = 15, "precedence cutoff in effect", alias "ICMP_PREC_CUTOFF";
    }
    5 => {
        /// Redirect: for the network (or subnet) (0).
        REDIRECT_NET = 0, "redirect for network", alias "ICMP_REDIR_NET";
        /// Redirect: for the host (1).
        REDIRECT_HOST = 1, "redirect for host", alias "ICMP_REDIR_HOST";
        /// Redirect: for the type of service and network (2).
        REDIRECT_TOS_NET = 2, "redirect for TOS and network", alias "ICMP_REDIR_NETTOS";
        /// Redirect: for the type of service and host (3).
        REDIRECT_TOS_HOST = 3, "redirect for TOS and host", alias "ICMP_REDIR_HOSTTOS";
    }
    6 => {
        /// Alternate host address: alternate address for host (0).
        ALTERNATE_ADDRESS_FOR_HOST = 0, "alternate address for host";
    }
    9 => {
        /// Router advertisement: normal router advertisement (0, RFC 3344).
        NORMAL_ROUTER_ADVERTISEMENT = 0, "normal router advertisement";
        /// Router advertisement: does not route common traffic (16, RFC 3344).
        DOES_NOT_ROUTE_COMMON_TRAFFIC = 16, "does not route common traffic";
    }
    11 => {
        /// Time exceeded: time to live exceeded in transit (0).
        TTL_EXCEEDED = 0, "TTL exceeded in transit", alias "ICMP_EXC_TTL";
        /// Time exceeded: fragment reassembly time exceeded (1).
        FRAG_REASSEMBLY_EXCEEDED = 1, "fragment reassembly time exceeded",
            alias "ICMP_EXC_FRAGTIME";
    }
    12 => {
        /// Parameter problem: the pointer indicates the error (0).
        POINTER_INDICATES_ERROR = 0, "pointer indicates the error";
        /// Parameter problem: missing a required option (1, RFC 1108).
        MISSING_REQUIRED_OPTION = 1, "missing a required option";
        /// Parameter problem: bad length (2).
        BAD_LENGTH = 2, "bad length";
    }
    40 => {
        /// Photuris: bad SPI (0, RFC 2521).
        PHOTURIS_BAD_SPI = 0, "bad SPI";
        /// Photuris: authentication failed (1).
        PHOTURIS_AUTHENTICATION_FAILED = 1, "authentication failed";
        /// Photuris: decompression failed (2).
        PHOTURIS_DECOMPRESSION_FAILED = 2, "decompression failed";
        /// Photuris: decryption failed (3).
        PHOTURIS_DECRYPTION_FAILED = 3, "decryption failed";
        /// Photuris: need authentication (4).
        PHOTURIS_NEED_AUTHENTICATION = 4, "need authentication";
        /// Photuris: need authorization (5).
        PHOTURIS_NEED_AUTHORIZATION = 5, "need authorization";
    }
    42 | 43 => {
        /// Extended echo request/reply: no error (0, RFC 8335).
        NO_ERROR = 0, "no error";
    }
    43 => {
        /// Extended echo reply: malformed query (1, RFC 8335).
        MALFORMED_QUERY = 1, "malformed query", alias "ICMP_EXT_CODE_MAL_QUERY";
        /// Extended echo reply: no such interface (2, RFC 8335).
        NO_SUCH_INTERFACE = 2, "no such interface", alias "ICMP_EXT_CODE_NO_IF";
        /// Extended echo reply: no such table entry (3, RFC 8335).
        NO_SUCH_TABLE_ENTRY = 3, "no such table entry", alias "ICMP_EXT_CODE_NO_TABLE_ENT";
        /// Extended echo reply: multiple interfaces satisfy the query (4, RFC 8335).
        MULTIPLE_INTERFACES_SATISFY_QUERY = 4, "multiple interfaces satisfy query",
            alias "ICMP_EXT_CODE_MULT_IFS";
    }
}

impl Icmpv4Type {
    /// Whether this is an ICMP error message, one that quotes the datagram that caused it.
    ///
    /// True for destination unreachable, source quench, redirect, time exceeded and parameter
    /// problem: the types the kernel classifies as errors (`icmp_pointers[].error`) and turns
    /// into error-queue entries.
    #[must_use]
    pub const fn is_error(self) -> bool {
        matches!(self.0, 3 | 4 | 5 | 11 | 12)
    }
}

#[cfg(test)]
mod tests;
