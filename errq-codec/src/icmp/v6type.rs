//! ICMPv6 message types and codes (IANA "ICMPv6 Parameters" registry, RFC 4443 and successors).

use crate::table::table;

/// An ICMPv6 message type (the first byte of the ICMPv6 header).
///
/// An open newtype: every byte value is representable; the associated constants name every
/// IANA-registered type. Types 0 to 127 are error messages, 128 to 255 informational ones.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "icmp6_type")]
pub struct Icmpv6Type(pub u8);

/// An ICMPv6 code (the second byte of the ICMPv6 header); its meaning depends on the type.
///
/// An open newtype. Codes of different types share values, so several constants are equal;
/// [`Icmpv6Type::code_name`] names a code in the context of its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "icmp6_code")]
pub struct Icmpv6Code(pub u8);

table! {
    /// The IANA name of the type, in lower case, or `None` for an unassigned value.
    Icmpv6Type::name, unknown "type {}", Debug;
    /// Destination unreachable (type 1, RFC 4443).
    DEST_UNREACH = 1, "destination unreachable", alias "ICMPV6_DEST_UNREACH";
    /// Packet too big (type 2, RFC 4443); carries the MTU.
    PACKET_TOO_BIG = 2, "packet too big", alias "ICMPV6_PKT_TOOBIG";
    /// Time exceeded (type 3, RFC 4443).
    TIME_EXCEEDED = 3, "time exceeded", alias "ICMPV6_TIME_EXCEED";
    /// Parameter problem (type 4, RFC 4443).
    PARAMETER_PROBLEM = 4, "parameter problem", alias "ICMPV6_PARAMPROB";
    /// Private experimentation (type 100).
    PRIVATE_EXPERIMENTATION_100 = 100, "private experimentation";
    /// Private experimentation (type 101).
    PRIVATE_EXPERIMENTATION_101 = 101, "private experimentation";
    /// Reserved for expansion of ICMPv6 error messages (type 127).
    RESERVED_ERROR_EXPANSION = 127, "reserved for expansion of ICMPv6 error messages";
    /// Echo request (type 128, RFC 4443).
    ECHO_REQUEST = 128, "echo request", alias "ICMPV6_ECHO_REQUEST";
    /// Echo reply (type 129, RFC 4443).
    ECHO_REPLY = 129, "echo reply", alias "ICMPV6_ECHO_REPLY";
    /// Multicast listener query (type 130, RFC 2710).
    MULTICAST_LISTENER_QUERY = 130, "multicast listener query", alias "ICMPV6_MGM_QUERY";
    /// Multicast listener report (type 131, RFC 2710).
    MULTICAST_LISTENER_REPORT = 131, "multicast listener report", alias "ICMPV6_MGM_REPORT";
    /// Multicast listener done (type 132, RFC 2710).
    MULTICAST_LISTENER_DONE = 132, "multicast listener done", alias "ICMPV6_MGM_REDUCTION";
    /// Router solicitation (type 133, RFC 4861).
    ROUTER_SOLICITATION = 133, "router solicitation", alias "NDISC_ROUTER_SOLICITATION";
    /// Router advertisement (type 134, RFC 4861).
    ROUTER_ADVERTISEMENT = 134, "router advertisement", alias "NDISC_ROUTER_ADVERTISEMENT";
    /// Neighbor solicitation (type 135, RFC 4861).
    NEIGHBOR_SOLICITATION = 135, "neighbor solicitation", alias "NDISC_NEIGHBOUR_SOLICITATION";
    /// Neighbor advertisement (type 136, RFC 4861).
    NEIGHBOR_ADVERTISEMENT = 136, "neighbor advertisement", alias "NDISC_NEIGHBOUR_ADVERTISEMENT";
    /// Redirect (type 137, RFC 4861).
    REDIRECT = 137, "redirect", alias "NDISC_REDIRECT";
    /// Router renumbering (type 138, RFC 2894).
    ROUTER_RENUMBERING = 138, "router renumbering";
    /// Node information query (type 139, RFC 4620).
    NODE_INFORMATION_QUERY = 139, "node information query", alias "ICMPV6_NI_QUERY";
    /// Node information response (type 140, RFC 4620).
    NODE_INFORMATION_RESPONSE = 140, "node information response", alias "ICMPV6_NI_REPLY";
    /// Inverse neighbor discovery solicitation (type 141, RFC 3122).
    INVERSE_NEIGHBOR_SOLICITATION = 141, "inverse neighbor discovery solicitation";
    /// Inverse neighbor discovery advertisement (type 142, RFC 3122).
    INVERSE_NEIGHBOR_ADVERTISEMENT = 142, "inverse neighbor discovery advertisement";
    /// Version 2 multicast listener report (type 143, RFC 9777).
    MULTICAST_LISTENER_REPORT_V2 = 143, "version 2 multicast listener report",
        alias "ICMPV6_MLD2_REPORT";
    /// Home agent address discovery request (type 144, RFC 6275).
    HOME_AGENT_ADDRESS_DISCOVERY_REQUEST = 144, "home agent address discovery request",
        alias "ICMPV6_DHAAD_REQUEST";
    /// Home agent address discovery reply (type 145, RFC 6275).
    HOME_AGENT_ADDRESS_DISCOVERY_REPLY = 145, "home agent address discovery reply",
        alias "ICMPV6_DHAAD_REPLY";
    /// Mobile prefix solicitation (type 146, RFC 6275).
    MOBILE_PREFIX_SOLICITATION = 146, "mobile prefix solicitation",
        alias "ICMPV6_MOBILE_PREFIX_SOL";
    /// Mobile prefix advertisement (type 147, RFC 6275).
    MOBILE_PREFIX_ADVERTISEMENT = 147, "mobile prefix advertisement",
        alias "ICMPV6_MOBILE_PREFIX_ADV";
    /// Certification path solicitation (type 148, RFC 3971).
    CERTIFICATION_PATH_SOLICITATION = 148, "certification path solicitation";
    /// Certification path advertisement (type 149, RFC 3971).
    CERTIFICATION_PATH_ADVERTISEMENT = 149, "certification path advertisement";
    /// Messages of experimental mobility protocols such as Seamoby (type 150, RFC 4065).
    EXPERIMENTAL_MOBILITY = 150, "experimental mobility protocol";
    /// Multicast router advertisement (type 151, RFC 4286).
    MULTICAST_ROUTER_ADVERTISEMENT = 151, "multicast router advertisement",
        alias "ICMPV6_MRDISC_ADV";
    /// Multicast router solicitation (type 152, RFC 4286).
    MULTICAST_ROUTER_SOLICITATION = 152, "multicast router solicitation";
    /// Multicast router termination (type 153, RFC 4286).
    MULTICAST_ROUTER_TERMINATION = 153, "multicast router termination";
    /// FMIPv6 messages (type 154, RFC 5568).
    FMIPV6 = 154, "FMIPv6";
    /// RPL control message (type 155, RFC 6550).
    RPL_CONTROL = 155, "RPL control";
    /// ILNPv6 locator update (type 156, RFC 6743).
    ILNPV6_LOCATOR_UPDATE = 156, "ILNPv6 locator update";
    /// Duplicate address request (type 157, RFC 6775).
    DUPLICATE_ADDRESS_REQUEST = 157, "duplicate address request";
    /// Duplicate address confirmation (type 158, RFC 6775).
    DUPLICATE_ADDRESS_CONFIRMATION = 158, "duplicate address confirmation";
    /// MPL control message (type 159, RFC 7731).
    MPL_CONTROL = 159, "MPL control";
    /// Extended echo request (type 160, RFC 8335, PROBE).
    EXTENDED_ECHO_REQUEST = 160, "extended echo request", alias "ICMPV6_EXT_ECHO_REQUEST";
    /// Extended echo reply (type 161, RFC 8335, PROBE).
    EXTENDED_ECHO_REPLY = 161, "extended echo reply", alias "ICMPV6_EXT_ECHO_REPLY";
    /// Private experimentation (type 200).
    PRIVATE_EXPERIMENTATION_200 = 200, "private experimentation";
    /// Private experimentation (type 201).
    PRIVATE_EXPERIMENTATION_201 = 201, "private experimentation";
    /// Reserved for expansion of ICMPv6 informational messages (type 255).
    RESERVED_INFORMATIONAL_EXPANSION = 255,
        "reserved for expansion of ICMPv6 informational messages";
}

table! {
    /// The IANA name of `code` for this type, or `None` if the pair is not registered.
    Icmpv6Type::code_name(Icmpv6Code) as u8, display "code {}";
    2 | 128 | 129 | 133..=137 | 141..=153 => {
        /// No code (0).
        NO_CODE = 0, "no code";
    }
    1 => {
        /// Destination unreachable: no route to destination (0).
        NO_ROUTE = 0, "no route to destination", alias "ICMPV6_NOROUTE";
        /// Destination unreachable: communication administratively prohibited (1).
        ADMIN_PROHIBITED = 1, "communication administratively prohibited",
            alias "ICMPV6_ADM_PROHIBITED";
        /// Destination unreachable: beyond scope of source address (2).
        BEYOND_SCOPE = 2, "beyond scope of source address", alias "ICMPV6_NOT_NEIGHBOUR";
        /// Destination unreachable: address unreachable (3).
        ADDR_UNREACH = 3, "address unreachable", alias "ICMPV6_ADDR_UNREACH";
        /// Destination unreachable: port unreachable (4).
        PORT_UNREACH = 4, "port unreachable", alias "ICMPV6_PORT_UNREACH";
        /// Destination unreachable: source address failed ingress/egress policy (5).
        SOURCE_POLICY_FAILED = 5, "source address failed ingress/egress policy",
            alias "ICMPV6_POLICY_FAIL";
        /// Destination unreachable: reject route to destination (6).
        REJECT_ROUTE = 6, "reject route to destination", alias "ICMPV6_REJECT_ROUTE";
        /// Destination unreachable: error in source routing header (7, RFC 6550).
        SOURCE_ROUTING_HEADER_ERROR = 7, "error in source routing header";
        /// Destination unreachable: headers too long (8, RFC 8883).
        HEADERS_TOO_LONG = 8, "headers too long";
    }
    3 => {
        /// Time exceeded: hop limit exceeded in transit (0).
        HOP_LIMIT_EXCEEDED = 0, "hop limit exceeded in transit", alias "ICMPV6_EXC_HOPLIMIT";
        /// Time exceeded: fragment reassembly time exceeded (1).
        FRAG_REASSEMBLY_EXCEEDED = 1, "fragment reassembly time exceeded",
            alias "ICMPV6_EXC_FRAGTIME";
    }
    4 => {
        /// Parameter problem: erroneous header field encountered (0).
        ERRONEOUS_HEADER_FIELD = 0, "erroneous header field encountered",
            alias "ICMPV6_HDR_FIELD";
        /// Parameter problem: unrecognized next header type encountered (1).
        UNRECOGNIZED_NEXT_HEADER = 1, "unrecognized next header type encountered",
            alias "ICMPV6_UNK_NEXTHDR";
        /// Parameter problem: unrecognized IPv6 option encountered (2).
        UNRECOGNIZED_OPTION = 2, "unrecognized IPv6 option encountered",
            alias "ICMPV6_UNK_OPTION";
        /// Parameter problem: IPv6 first fragment has incomplete header chain (3, RFC 7112).
        INCOMPLETE_HEADER_CHAIN = 3, "first fragment has incomplete header chain",
            alias "ICMPV6_HDR_INCOMP";
        /// Parameter problem: SR upper-layer header error (4, RFC 8754).
        SR_UPPER_LAYER_HEADER_ERROR = 4, "SR upper-layer header error";
        /// Parameter problem: unrecognized next header type encountered by an intermediate
        /// node (5, RFC 8883).
        UNRECOGNIZED_NEXT_HEADER_BY_INTERMEDIATE_NODE = 5,
            "unrecognized next header type encountered by intermediate node";
        /// Parameter problem: extension header too big (6, RFC 8883).
        EXTENSION_HEADER_TOO_BIG = 6, "extension header too big";
        /// Parameter problem: extension header chain too long (7, RFC 8883).
        EXTENSION_HEADER_CHAIN_TOO_LONG = 7, "extension header chain too long";
        /// Parameter problem: too many extension headers (8, RFC 8883).
        TOO_MANY_EXTENSION_HEADERS = 8, "too many extension headers";
        /// Parameter problem: too many options in extension header (9, RFC 8883).
        TOO_MANY_OPTIONS = 9, "too many options in extension header";
        /// Parameter problem: option too big (10, RFC 8883).
        OPTION_TOO_BIG = 10, "option too big";
    }
    138 => {
        /// Router renumbering: command (0).
        ROUTER_RENUMBERING_COMMAND = 0, "router renumbering command";
        /// Router renumbering: result (1).
        ROUTER_RENUMBERING_RESULT = 1, "router renumbering result";
        /// Router renumbering: sequence number reset (255).
        SEQUENCE_NUMBER_RESET = 255, "sequence number reset";
    }
    139 => {
        /// Node information query: the subject is an IPv6 address (0).
        NI_SUBJECT_IPV6 = 0, "subject is an IPv6 address";
        /// Node information query: the subject is a name, or the query is a NOOP (1).
        NI_SUBJECT_NAME = 1, "subject is a name";
        /// Node information query: the subject is an IPv4 address (2).
        NI_SUBJECT_IPV4 = 2, "subject is an IPv4 address";
    }
    140 => {
        /// Node information response: successful reply (0).
        NI_SUCCESS = 0, "successful reply";
        /// Node information response: the responder refuses to answer (1).
        NI_REFUSED = 1, "responder refuses to answer";
        /// Node information response: the qtype is unknown to the responder (2).
        NI_UNKNOWN_QTYPE = 2, "qtype unknown to responder";
    }
    155 => {
        _ 0x00 => "DODAG information solicitation";
        _ 0x01 => "DODAG information object";
        _ 0x02 => "destination advertisement object";
        _ 0x03 => "destination advertisement object acknowledgment";
        _ 0x04 => "destination advertisement object confirmation";
        _ 0x05 => "destination advertisement object confirmation acknowledgment";
        _ 0x80 => "secure DODAG information solicitation";
        _ 0x81 => "secure DODAG information object";
        _ 0x82 => "secure destination advertisement object";
        _ 0x83 => "secure destination advertisement object acknowledgment";
        _ 0x8a => "consistency check";
    }
    157 | 158 => {
        _ 0 => "DAR/DAC message";
        _ 1 => "EDAR/EDAC message with 64-bit ROVR field";
        _ 2 => "EDAR/EDAC message with 128-bit ROVR field";
        _ 3 => "EDAR/EDAC message with 192-bit ROVR field";
        _ 4 => "EDAR/EDAC message with 256-bit ROVR field";
    }
    160 | 161 => {
        /// Extended echo request/reply: no error (0, RFC 8335).
        NO_ERROR = 0, "no error";
    }
    161 => {
        /// Extended echo reply: malformed query (1, RFC 8335).
        MALFORMED_QUERY = 1, "malformed query";
        /// Extended echo reply: no such interface (2, RFC 8335).
        NO_SUCH_INTERFACE = 2, "no such interface";
        /// Extended echo reply: no such table entry (3, RFC 8335).
        NO_SUCH_TABLE_ENTRY = 3, "no such table entry";
        /// Extended echo reply: multiple interfaces satisfy the query (4, RFC 8335).
        MULTIPLE_INTERFACES_SATISFY_QUERY = 4, "multiple interfaces satisfy query";
    }
}

impl Icmpv6Type {
    /// Whether this is an ICMPv6 error message (types 0 to 127, RFC 4443 section 2.1), one
    /// that quotes the packet that caused it.
    #[doc(alias = "ICMPV6_INFOMSG_MASK")]
    #[must_use]
    pub const fn is_error(self) -> bool {
        self.0 & 0x80 == 0
    }
}

#[cfg(test)]
mod tests;
