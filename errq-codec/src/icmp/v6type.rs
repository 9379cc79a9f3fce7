//! ICMPv6 message types and codes (IANA "ICMPv6 Parameters" registry, RFC 4443 and successors).

use core::fmt;

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

impl Icmpv6Type {
    /// Destination unreachable (type 1, RFC 4443).
    #[doc(alias = "ICMPV6_DEST_UNREACH")]
    pub const DEST_UNREACH: Self = Self(1);
    /// Packet too big (type 2, RFC 4443); carries the MTU.
    #[doc(alias = "ICMPV6_PKT_TOOBIG")]
    pub const PACKET_TOO_BIG: Self = Self(2);
    /// Time exceeded (type 3, RFC 4443).
    #[doc(alias = "ICMPV6_TIME_EXCEED")]
    pub const TIME_EXCEEDED: Self = Self(3);
    /// Parameter problem (type 4, RFC 4443).
    #[doc(alias = "ICMPV6_PARAMPROB")]
    pub const PARAMETER_PROBLEM: Self = Self(4);
    /// Private experimentation (type 100).
    pub const PRIVATE_EXPERIMENTATION_100: Self = Self(100);
    /// Private experimentation (type 101).
    pub const PRIVATE_EXPERIMENTATION_101: Self = Self(101);
    /// Reserved for expansion of ICMPv6 error messages (type 127).
    pub const RESERVED_ERROR_EXPANSION: Self = Self(127);
    /// Echo request (type 128, RFC 4443).
    #[doc(alias = "ICMPV6_ECHO_REQUEST")]
    pub const ECHO_REQUEST: Self = Self(128);
    /// Echo reply (type 129, RFC 4443).
    #[doc(alias = "ICMPV6_ECHO_REPLY")]
    pub const ECHO_REPLY: Self = Self(129);
    /// Multicast listener query (type 130, RFC 2710).
    #[doc(alias = "ICMPV6_MGM_QUERY")]
    pub const MULTICAST_LISTENER_QUERY: Self = Self(130);
    /// Multicast listener report (type 131, RFC 2710).
    #[doc(alias = "ICMPV6_MGM_REPORT")]
    pub const MULTICAST_LISTENER_REPORT: Self = Self(131);
    /// Multicast listener done (type 132, RFC 2710).
    #[doc(alias = "ICMPV6_MGM_REDUCTION")]
    pub const MULTICAST_LISTENER_DONE: Self = Self(132);
    /// Router solicitation (type 133, RFC 4861).
    #[doc(alias = "NDISC_ROUTER_SOLICITATION")]
    pub const ROUTER_SOLICITATION: Self = Self(133);
    /// Router advertisement (type 134, RFC 4861).
    #[doc(alias = "NDISC_ROUTER_ADVERTISEMENT")]
    pub const ROUTER_ADVERTISEMENT: Self = Self(134);
    /// Neighbor solicitation (type 135, RFC 4861).
    #[doc(alias = "NDISC_NEIGHBOUR_SOLICITATION")]
    pub const NEIGHBOR_SOLICITATION: Self = Self(135);
    /// Neighbor advertisement (type 136, RFC 4861).
    #[doc(alias = "NDISC_NEIGHBOUR_ADVERTISEMENT")]
    pub const NEIGHBOR_ADVERTISEMENT: Self = Self(136);
    /// Redirect (type 137, RFC 4861).
    #[doc(alias = "NDISC_REDIRECT")]
    pub const REDIRECT: Self = Self(137);
    /// Router renumbering (type 138, RFC 2894).
    pub const ROUTER_RENUMBERING: Self = Self(138);
    /// Node information query (type 139, RFC 4620).
    #[doc(alias = "ICMPV6_NI_QUERY")]
    pub const NODE_INFORMATION_QUERY: Self = Self(139);
    /// Node information response (type 140, RFC 4620).
    #[doc(alias = "ICMPV6_NI_REPLY")]
    pub const NODE_INFORMATION_RESPONSE: Self = Self(140);
    /// Inverse neighbor discovery solicitation (type 141, RFC 3122).
    pub const INVERSE_NEIGHBOR_SOLICITATION: Self = Self(141);
    /// Inverse neighbor discovery advertisement (type 142, RFC 3122).
    pub const INVERSE_NEIGHBOR_ADVERTISEMENT: Self = Self(142);
    /// Version 2 multicast listener report (type 143, RFC 9777).
    #[doc(alias = "ICMPV6_MLD2_REPORT")]
    pub const MULTICAST_LISTENER_REPORT_V2: Self = Self(143);
    /// Home agent address discovery request (type 144, RFC 6275).
    #[doc(alias = "ICMPV6_DHAAD_REQUEST")]
    pub const HOME_AGENT_ADDRESS_DISCOVERY_REQUEST: Self = Self(144);
    /// Home agent address discovery reply (type 145, RFC 6275).
    #[doc(alias = "ICMPV6_DHAAD_REPLY")]
    pub const HOME_AGENT_ADDRESS_DISCOVERY_REPLY: Self = Self(145);
    /// Mobile prefix solicitation (type 146, RFC 6275).
    #[doc(alias = "ICMPV6_MOBILE_PREFIX_SOL")]
    pub const MOBILE_PREFIX_SOLICITATION: Self = Self(146);
    /// Mobile prefix advertisement (type 147, RFC 6275).
    #[doc(alias = "ICMPV6_MOBILE_PREFIX_ADV")]
    pub const MOBILE_PREFIX_ADVERTISEMENT: Self = Self(147);
    /// Certification path solicitation (type 148, RFC 3971).
    pub const CERTIFICATION_PATH_SOLICITATION: Self = Self(148);
    /// Certification path advertisement (type 149, RFC 3971).
    pub const CERTIFICATION_PATH_ADVERTISEMENT: Self = Self(149);
    /// Messages of experimental mobility protocols such as Seamoby (type 150, RFC 4065).
    pub const EXPERIMENTAL_MOBILITY: Self = Self(150);
    /// Multicast router advertisement (type 151, RFC 4286).
    #[doc(alias = "ICMPV6_MRDISC_ADV")]
    pub const MULTICAST_ROUTER_ADVERTISEMENT: Self = Self(151);
    /// Multicast router solicitation (type 152, RFC 4286).
    pub const MULTICAST_ROUTER_SOLICITATION: Self = Self(152);
    /// Multicast router termination (type 153, RFC 4286).
    pub const MULTICAST_ROUTER_TERMINATION: Self = Self(153);
    /// FMIPv6 messages (type 154, RFC 5568).
    pub const FMIPV6: Self = Self(154);
    /// RPL control message (type 155, RFC 6550).
    pub const RPL_CONTROL: Self = Self(155);
    /// ILNPv6 locator update (type 156, RFC 6743).
    pub const ILNPV6_LOCATOR_UPDATE: Self = Self(156);
    /// Duplicate address request (type 157, RFC 6775).
    pub const DUPLICATE_ADDRESS_REQUEST: Self = Self(157);
    /// Duplicate address confirmation (type 158, RFC 6775).
    pub const DUPLICATE_ADDRESS_CONFIRMATION: Self = Self(158);
    /// MPL control message (type 159, RFC 7731).
    pub const MPL_CONTROL: Self = Self(159);
    /// Extended echo request (type 160, RFC 8335, PROBE).
    #[doc(alias = "ICMPV6_EXT_ECHO_REQUEST")]
    pub const EXTENDED_ECHO_REQUEST: Self = Self(160);
    /// Extended echo reply (type 161, RFC 8335, PROBE).
    #[doc(alias = "ICMPV6_EXT_ECHO_REPLY")]
    pub const EXTENDED_ECHO_REPLY: Self = Self(161);
    /// Private experimentation (type 200).
    pub const PRIVATE_EXPERIMENTATION_200: Self = Self(200);
    /// Private experimentation (type 201).
    pub const PRIVATE_EXPERIMENTATION_201: Self = Self(201);
    /// Reserved for expansion of ICMPv6 informational messages (type 255).
    pub const RESERVED_INFORMATIONAL_EXPANSION: Self = Self(255);

    /// The IANA name of the type, in lower case, or `None` for an unassigned value.
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "destination unreachable",
            2 => "packet too big",
            3 => "time exceeded",
            4 => "parameter problem",
            100 | 101 | 200 | 201 => "private experimentation",
            127 => "reserved for expansion of ICMPv6 error messages",
            128 => "echo request",
            129 => "echo reply",
            130 => "multicast listener query",
            131 => "multicast listener report",
            132 => "multicast listener done",
            133 => "router solicitation",
            134 => "router advertisement",
            135 => "neighbor solicitation",
            136 => "neighbor advertisement",
            137 => "redirect",
            138 => "router renumbering",
            139 => "node information query",
            140 => "node information response",
            141 => "inverse neighbor discovery solicitation",
            142 => "inverse neighbor discovery advertisement",
            143 => "version 2 multicast listener report",
            144 => "home agent address discovery request",
            145 => "home agent address discovery reply",
            146 => "mobile prefix solicitation",
            147 => "mobile prefix advertisement",
            148 => "certification path solicitation",
            149 => "certification path advertisement",
            150 => "experimental mobility protocol",
            151 => "multicast router advertisement",
            152 => "multicast router solicitation",
            153 => "multicast router termination",
            154 => "FMIPv6",
            155 => "RPL control",
            156 => "ILNPv6 locator update",
            157 => "duplicate address request",
            158 => "duplicate address confirmation",
            159 => "MPL control",
            160 => "extended echo request",
            161 => "extended echo reply",
            255 => "reserved for expansion of ICMPv6 informational messages",
            _ => return None,
        })
    }

    /// Whether this is an ICMPv6 error message (types 0 to 127, RFC 4443 section 2.1), one
    /// that quotes the packet that caused it.
    #[doc(alias = "ICMPV6_INFOMSG_MASK")]
    #[must_use]
    pub const fn is_error(self) -> bool {
        self.0 & 0x80 == 0
    }

    /// The IANA name of `code` for this type, or `None` if the pair is not registered.
    #[must_use]
    pub const fn code_name(self, code: Icmpv6Code) -> Option<&'static str> {
        Some(match (self.0, code.0) {
            (1, 0) => "no route to destination",
            (1, 1) => "communication administratively prohibited",
            (1, 2) => "beyond scope of source address",
            (1, 3) => "address unreachable",
            (1, 4) => "port unreachable",
            (1, 5) => "source address failed ingress/egress policy",
            (1, 6) => "reject route to destination",
            (1, 7) => "error in source routing header",
            (1, 8) => "headers too long",
            (2 | 128 | 129 | 133..=137 | 141..=153, 0) => "no code",
            (3, 0) => "hop limit exceeded in transit",
            (3, 1) => "fragment reassembly time exceeded",
            (4, 0) => "erroneous header field encountered",
            (4, 1) => "unrecognized next header type encountered",
            (4, 2) => "unrecognized IPv6 option encountered",
            (4, 3) => "first fragment has incomplete header chain",
            (4, 4) => "SR upper-layer header error",
            (4, 5) => "unrecognized next header type encountered by intermediate node",
            (4, 6) => "extension header too big",
            (4, 7) => "extension header chain too long",
            (4, 8) => "too many extension headers",
            (4, 9) => "too many options in extension header",
            (4, 10) => "option too big",
            (138, 0) => "router renumbering command",
            (138, 1) => "router renumbering result",
            (138, 255) => "sequence number reset",
            (139, 0) => "subject is an IPv6 address",
            (139, 1) => "subject is a name",
            (139, 2) => "subject is an IPv4 address",
            (140, 0) => "successful reply",
            (140, 1) => "responder refuses to answer",
            (140, 2) => "qtype unknown to responder",
            (155, 0x00) => "DODAG information solicitation",
            (155, 0x01) => "DODAG information object",
            (155, 0x02) => "destination advertisement object",
            (155, 0x03) => "destination advertisement object acknowledgment",
            (155, 0x04) => "destination advertisement object confirmation",
            (155, 0x05) => "destination advertisement object confirmation acknowledgment",
            (155, 0x80) => "secure DODAG information solicitation",
            (155, 0x81) => "secure DODAG information object",
            (155, 0x82) => "secure destination advertisement object",
            (155, 0x83) => "secure destination advertisement object acknowledgment",
            (155, 0x8a) => "consistency check",
            (157 | 158, 0) => "DAR/DAC message",
            (157 | 158, 1) => "EDAR/EDAC message with 64-bit ROVR field",
            (157 | 158, 2) => "EDAR/EDAC message with 128-bit ROVR field",
            (157 | 158, 3) => "EDAR/EDAC message with 192-bit ROVR field",
            (157 | 158, 4) => "EDAR/EDAC message with 256-bit ROVR field",
            (160, 0) => "no error",
            (161, 0) => "no error",
            (161, 1) => "malformed query",
            (161, 2) => "no such interface",
            (161, 3) => "no such table entry",
            (161, 4) => "multiple interfaces satisfy query",
            _ => return None,
        })
    }
}

impl fmt::Display for Icmpv6Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "type {}", self.0),
        }
    }
}

impl From<u8> for Icmpv6Type {
    fn from(value: u8) -> Self {
        Self(value)
    }
}

impl From<Icmpv6Type> for u8 {
    fn from(value: Icmpv6Type) -> Self {
        value.0
    }
}

impl Icmpv6Code {
    /// No code (0).
    pub const NO_CODE: Self = Self(0);

    /// Destination unreachable: no route to destination (0).
    #[doc(alias = "ICMPV6_NOROUTE")]
    pub const NO_ROUTE: Self = Self(0);
    /// Destination unreachable: communication administratively prohibited (1).
    #[doc(alias = "ICMPV6_ADM_PROHIBITED")]
    pub const ADMIN_PROHIBITED: Self = Self(1);
    /// Destination unreachable: beyond scope of source address (2).
    #[doc(alias = "ICMPV6_NOT_NEIGHBOUR")]
    pub const BEYOND_SCOPE: Self = Self(2);
    /// Destination unreachable: address unreachable (3).
    #[doc(alias = "ICMPV6_ADDR_UNREACH")]
    pub const ADDR_UNREACH: Self = Self(3);
    /// Destination unreachable: port unreachable (4).
    #[doc(alias = "ICMPV6_PORT_UNREACH")]
    pub const PORT_UNREACH: Self = Self(4);
    /// Destination unreachable: source address failed ingress/egress policy (5).
    #[doc(alias = "ICMPV6_POLICY_FAIL")]
    pub const SOURCE_POLICY_FAILED: Self = Self(5);
    /// Destination unreachable: reject route to destination (6).
    #[doc(alias = "ICMPV6_REJECT_ROUTE")]
    pub const REJECT_ROUTE: Self = Self(6);
    /// Destination unreachable: error in source routing header (7, RFC 6550).
    pub const SOURCE_ROUTING_HEADER_ERROR: Self = Self(7);
    /// Destination unreachable: headers too long (8, RFC 8883).
    pub const HEADERS_TOO_LONG: Self = Self(8);

    /// Time exceeded: hop limit exceeded in transit (0).
    #[doc(alias = "ICMPV6_EXC_HOPLIMIT")]
    pub const HOP_LIMIT_EXCEEDED: Self = Self(0);
    /// Time exceeded: fragment reassembly time exceeded (1).
    #[doc(alias = "ICMPV6_EXC_FRAGTIME")]
    pub const FRAG_REASSEMBLY_EXCEEDED: Self = Self(1);

    /// Parameter problem: erroneous header field encountered (0).
    #[doc(alias = "ICMPV6_HDR_FIELD")]
    pub const ERRONEOUS_HEADER_FIELD: Self = Self(0);
    /// Parameter problem: unrecognized next header type encountered (1).
    #[doc(alias = "ICMPV6_UNK_NEXTHDR")]
    pub const UNRECOGNIZED_NEXT_HEADER: Self = Self(1);
    /// Parameter problem: unrecognized IPv6 option encountered (2).
    #[doc(alias = "ICMPV6_UNK_OPTION")]
    pub const UNRECOGNIZED_OPTION: Self = Self(2);
    /// Parameter problem: IPv6 first fragment has incomplete header chain (3, RFC 7112).
    #[doc(alias = "ICMPV6_HDR_INCOMP")]
    pub const INCOMPLETE_HEADER_CHAIN: Self = Self(3);
    /// Parameter problem: SR upper-layer header error (4, RFC 8754).
    pub const SR_UPPER_LAYER_HEADER_ERROR: Self = Self(4);
    /// Parameter problem: unrecognized next header type encountered by an intermediate node
    /// (5, RFC 8883).
    pub const UNRECOGNIZED_NEXT_HEADER_BY_INTERMEDIATE_NODE: Self = Self(5);
    /// Parameter problem: extension header too big (6, RFC 8883).
    pub const EXTENSION_HEADER_TOO_BIG: Self = Self(6);
    /// Parameter problem: extension header chain too long (7, RFC 8883).
    pub const EXTENSION_HEADER_CHAIN_TOO_LONG: Self = Self(7);
    /// Parameter problem: too many extension headers (8, RFC 8883).
    pub const TOO_MANY_EXTENSION_HEADERS: Self = Self(8);
    /// Parameter problem: too many options in extension header (9, RFC 8883).
    pub const TOO_MANY_OPTIONS: Self = Self(9);
    /// Parameter problem: option too big (10, RFC 8883).
    pub const OPTION_TOO_BIG: Self = Self(10);

    /// Router renumbering: command (0).
    pub const ROUTER_RENUMBERING_COMMAND: Self = Self(0);
    /// Router renumbering: result (1).
    pub const ROUTER_RENUMBERING_RESULT: Self = Self(1);
    /// Router renumbering: sequence number reset (255).
    pub const SEQUENCE_NUMBER_RESET: Self = Self(255);

    /// Node information query: the subject is an IPv6 address (0).
    pub const NI_SUBJECT_IPV6: Self = Self(0);
    /// Node information query: the subject is a name, or the query is a NOOP (1).
    pub const NI_SUBJECT_NAME: Self = Self(1);
    /// Node information query: the subject is an IPv4 address (2).
    pub const NI_SUBJECT_IPV4: Self = Self(2);
    /// Node information response: successful reply (0).
    pub const NI_SUCCESS: Self = Self(0);
    /// Node information response: the responder refuses to answer (1).
    pub const NI_REFUSED: Self = Self(1);
    /// Node information response: the qtype is unknown to the responder (2).
    pub const NI_UNKNOWN_QTYPE: Self = Self(2);

    /// Extended echo request/reply: no error (0, RFC 8335).
    pub const NO_ERROR: Self = Self(0);
    /// Extended echo reply: malformed query (1, RFC 8335).
    pub const MALFORMED_QUERY: Self = Self(1);
    /// Extended echo reply: no such interface (2, RFC 8335).
    pub const NO_SUCH_INTERFACE: Self = Self(2);
    /// Extended echo reply: no such table entry (3, RFC 8335).
    pub const NO_SUCH_TABLE_ENTRY: Self = Self(3);
    /// Extended echo reply: multiple interfaces satisfy the query (4, RFC 8335).
    pub const MULTIPLE_INTERFACES_SATISFY_QUERY: Self = Self(4);
}

impl From<u8> for Icmpv6Code {
    fn from(value: u8) -> Self {
        Self(value)
    }
}

impl From<Icmpv6Code> for u8 {
    fn from(value: Icmpv6Code) -> Self {
        value.0
    }
}

impl fmt::Display for Icmpv6Code {
    /// The bare code number ("code 4"): a code is named only together with its type, see
    /// [`Icmpv6Type::code_name`].
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
        assert_eq!(Icmpv6Type::DEST_UNREACH.0, 1);
        assert_eq!(Icmpv6Type::PACKET_TOO_BIG.0, 2);
        assert_eq!(Icmpv6Type::ECHO_REPLY.0, 129);
        assert_eq!(Icmpv6Type::PACKET_TOO_BIG.to_string(), "packet too big");
        assert_eq!(Icmpv6Type(5).to_string(), "type 5");
        assert_eq!(Icmpv6Type(162).name(), None);
    }

    #[test]
    fn code_names() {
        let d = Icmpv6Type::DEST_UNREACH;
        assert_eq!(
            d.code_name(Icmpv6Code::PORT_UNREACH),
            Some("port unreachable")
        );
        assert_eq!(
            d.code_name(Icmpv6Code::NO_ROUTE),
            Some("no route to destination")
        );
        assert_eq!(Icmpv6Code::HEADERS_TOO_LONG.0, 8);
        for c in 0..=255u8 {
            assert_eq!(d.code_name(Icmpv6Code(c)).is_some(), c <= 8, "code {c}");
        }
        assert_eq!(
            Icmpv6Type::TIME_EXCEEDED.code_name(Icmpv6Code::HOP_LIMIT_EXCEEDED),
            Some("hop limit exceeded in transit")
        );
        assert_eq!(
            Icmpv6Type::PARAMETER_PROBLEM.code_name(Icmpv6Code::UNRECOGNIZED_NEXT_HEADER),
            Some("unrecognized next header type encountered")
        );
    }

    #[test]
    fn error_types() {
        for t in 0..=255u8 {
            assert_eq!(Icmpv6Type(t).is_error(), t < 128);
            if Icmpv6Type(t).code_name(Icmpv6Code(0)).is_some() {
                assert!(Icmpv6Type(t).name().is_some(), "type {t}");
            }
        }
    }
}
