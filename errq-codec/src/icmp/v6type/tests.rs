use super::*;
use std::format;
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

/// The IANA "ICMPv6 Parameters" registry's types, by hand: number, `Debug`, `Display`.
#[rustfmt::skip]
const TYPES: [(u8, &str, &str); 44] = [
    (1, "Icmpv6Type::DEST_UNREACH(1)", "destination unreachable"),
    (2, "Icmpv6Type::PACKET_TOO_BIG(2)", "packet too big"),
    (3, "Icmpv6Type::TIME_EXCEEDED(3)", "time exceeded"),
    (4, "Icmpv6Type::PARAMETER_PROBLEM(4)", "parameter problem"),
    (100, "Icmpv6Type::PRIVATE_EXPERIMENTATION_100(100)", "private experimentation"),
    (101, "Icmpv6Type::PRIVATE_EXPERIMENTATION_101(101)", "private experimentation"),
    (
        127,
        "Icmpv6Type::RESERVED_ERROR_EXPANSION(127)",
        "reserved for expansion of ICMPv6 error messages",
    ),
    (128, "Icmpv6Type::ECHO_REQUEST(128)", "echo request"),
    (129, "Icmpv6Type::ECHO_REPLY(129)", "echo reply"),
    (130, "Icmpv6Type::MULTICAST_LISTENER_QUERY(130)", "multicast listener query"),
    (131, "Icmpv6Type::MULTICAST_LISTENER_REPORT(131)", "multicast listener report"),
    (132, "Icmpv6Type::MULTICAST_LISTENER_DONE(132)", "multicast listener done"),
    (133, "Icmpv6Type::ROUTER_SOLICITATION(133)", "router solicitation"),
    (134, "Icmpv6Type::ROUTER_ADVERTISEMENT(134)", "router advertisement"),
    (135, "Icmpv6Type::NEIGHBOR_SOLICITATION(135)", "neighbor solicitation"),
    (136, "Icmpv6Type::NEIGHBOR_ADVERTISEMENT(136)", "neighbor advertisement"),
    (137, "Icmpv6Type::REDIRECT(137)", "redirect"),
    (138, "Icmpv6Type::ROUTER_RENUMBERING(138)", "router renumbering"),
    (139, "Icmpv6Type::NODE_INFORMATION_QUERY(139)", "node information query"),
    (140, "Icmpv6Type::NODE_INFORMATION_RESPONSE(140)", "node information response"),
    (
        141,
        "Icmpv6Type::INVERSE_NEIGHBOR_SOLICITATION(141)",
        "inverse neighbor discovery solicitation",
    ),
    (
        142,
        "Icmpv6Type::INVERSE_NEIGHBOR_ADVERTISEMENT(142)",
        "inverse neighbor discovery advertisement",
    ),
    (143, "Icmpv6Type::MULTICAST_LISTENER_REPORT_V2(143)", "version 2 multicast listener report"),
    (
        144,
        "Icmpv6Type::HOME_AGENT_ADDRESS_DISCOVERY_REQUEST(144)",
        "home agent address discovery request",
    ),
    (
        145,
        "Icmpv6Type::HOME_AGENT_ADDRESS_DISCOVERY_REPLY(145)",
        "home agent address discovery reply",
    ),
    (146, "Icmpv6Type::MOBILE_PREFIX_SOLICITATION(146)", "mobile prefix solicitation"),
    (147, "Icmpv6Type::MOBILE_PREFIX_ADVERTISEMENT(147)", "mobile prefix advertisement"),
    (148, "Icmpv6Type::CERTIFICATION_PATH_SOLICITATION(148)", "certification path solicitation"),
    (149, "Icmpv6Type::CERTIFICATION_PATH_ADVERTISEMENT(149)", "certification path advertisement"),
    (150, "Icmpv6Type::EXPERIMENTAL_MOBILITY(150)", "experimental mobility protocol"),
    (151, "Icmpv6Type::MULTICAST_ROUTER_ADVERTISEMENT(151)", "multicast router advertisement"),
    (152, "Icmpv6Type::MULTICAST_ROUTER_SOLICITATION(152)", "multicast router solicitation"),
    (153, "Icmpv6Type::MULTICAST_ROUTER_TERMINATION(153)", "multicast router termination"),
    (154, "Icmpv6Type::FMIPV6(154)", "FMIPv6"),
    (155, "Icmpv6Type::RPL_CONTROL(155)", "RPL control"),
    (156, "Icmpv6Type::ILNPV6_LOCATOR_UPDATE(156)", "ILNPv6 locator update"),
    (157, "Icmpv6Type::DUPLICATE_ADDRESS_REQUEST(157)", "duplicate address request"),
    (158, "Icmpv6Type::DUPLICATE_ADDRESS_CONFIRMATION(158)", "duplicate address confirmation"),
    (159, "Icmpv6Type::MPL_CONTROL(159)", "MPL control"),
    (160, "Icmpv6Type::EXTENDED_ECHO_REQUEST(160)", "extended echo request"),
    (161, "Icmpv6Type::EXTENDED_ECHO_REPLY(161)", "extended echo reply"),
    (200, "Icmpv6Type::PRIVATE_EXPERIMENTATION_200(200)", "private experimentation"),
    (201, "Icmpv6Type::PRIVATE_EXPERIMENTATION_201(201)", "private experimentation"),
    (
        255,
        "Icmpv6Type::RESERVED_INFORMATIONAL_EXPANSION(255)",
        "reserved for expansion of ICMPv6 informational messages",
    ),
];

#[test]
fn type_table_is_the_registry() {
    let all: std::vec::Vec<u8> = Icmpv6Type::ALL.iter().map(|t| t.0).collect();
    let want: std::vec::Vec<u8> = TYPES.iter().map(|r| r.0).collect();
    assert_eq!(all, want);
    for n in 0..=255u8 {
        let t = Icmpv6Type(n);
        match TYPES.iter().find(|r| r.0 == n) {
            Some(&(_, debug, display)) => {
                assert_eq!(format!("{t:?}"), debug);
                assert_eq!(t.to_string(), display);
                assert_eq!(t.name(), Some(display));
            }
            None => {
                assert_eq!(format!("{t:?}"), format!("Icmpv6Type({n})"));
                assert_eq!(t.to_string(), format!("type {n}"));
                assert_eq!(t.name(), None);
            }
        }
    }
}

/// The registry's codes, by hand: types, code, name.
#[rustfmt::skip]
const CODES: [(&[u8], u8, &str); 53] = [
    (&[1], 0, "no route to destination"),
    (&[1], 1, "communication administratively prohibited"),
    (&[1], 2, "beyond scope of source address"),
    (&[1], 3, "address unreachable"),
    (&[1], 4, "port unreachable"),
    (&[1], 5, "source address failed ingress/egress policy"),
    (&[1], 6, "reject route to destination"),
    (&[1], 7, "error in source routing header"),
    (&[1], 8, "headers too long"),
    (
        &[
            2, 128, 129, 133, 134, 135, 136, 137, 141, 142, 143, 144, 145, 146, 147, 148, 149,
            150, 151, 152, 153,
        ],
        0,
        "no code",
    ),
    (&[3], 0, "hop limit exceeded in transit"),
    (&[3], 1, "fragment reassembly time exceeded"),
    (&[4], 0, "erroneous header field encountered"),
    (&[4], 1, "unrecognized next header type encountered"),
    (&[4], 2, "unrecognized IPv6 option encountered"),
    (&[4], 3, "first fragment has incomplete header chain"),
    (&[4], 4, "SR upper-layer header error"),
    (&[4], 5, "unrecognized next header type encountered by intermediate node"),
    (&[4], 6, "extension header too big"),
    (&[4], 7, "extension header chain too long"),
    (&[4], 8, "too many extension headers"),
    (&[4], 9, "too many options in extension header"),
    (&[4], 10, "option too big"),
    (&[138], 0, "router renumbering command"),
    (&[138], 1, "router renumbering result"),
    (&[138], 255, "sequence number reset"),
    (&[139], 0, "subject is an IPv6 address"),
    (&[139], 1, "subject is a name"),
    (&[139], 2, "subject is an IPv4 address"),
    (&[140], 0, "successful reply"),
    (&[140], 1, "responder refuses to answer"),
    (&[140], 2, "qtype unknown to responder"),
    (&[155], 0x00, "DODAG information solicitation"),
    (&[155], 0x01, "DODAG information object"),
    (&[155], 0x02, "destination advertisement object"),
    (&[155], 0x03, "destination advertisement object acknowledgment"),
    (&[155], 0x04, "destination advertisement object confirmation"),
    (&[155], 0x05, "destination advertisement object confirmation acknowledgment"),
    (&[155], 0x80, "secure DODAG information solicitation"),
    (&[155], 0x81, "secure DODAG information object"),
    (&[155], 0x82, "secure destination advertisement object"),
    (&[155], 0x83, "secure destination advertisement object acknowledgment"),
    (&[155], 0x8a, "consistency check"),
    (&[157, 158], 0, "DAR/DAC message"),
    (&[157, 158], 1, "EDAR/EDAC message with 64-bit ROVR field"),
    (&[157, 158], 2, "EDAR/EDAC message with 128-bit ROVR field"),
    (&[157, 158], 3, "EDAR/EDAC message with 192-bit ROVR field"),
    (&[157, 158], 4, "EDAR/EDAC message with 256-bit ROVR field"),
    (&[160, 161], 0, "no error"),
    (&[161], 1, "malformed query"),
    (&[161], 2, "no such interface"),
    (&[161], 3, "no such table entry"),
    (&[161], 4, "multiple interfaces satisfy query"),
];

#[test]
fn code_table_is_the_registry() {
    // Every (type, code) pair; under Miri (about 1000 times slower) the types that have
    // codes and a few that have none, each with the codes 0..=19, 0x80..=0x8f (which hold
    // every registered one but 255) and 255.
    let types: std::vec::Vec<u8> = CODES
        .iter()
        .flat_map(|r| r.0.iter().copied())
        .chain([0, 5, 127, 200, 255])
        .collect();
    for t in (0..=255u8).filter(|t| !cfg!(miri) || types.contains(t)) {
        for c in (0..=255u8).filter(|&c| !cfg!(miri) || c < 20 || c >> 4 == 8 || c == 255) {
            let want = CODES
                .iter()
                .find(|r| r.0.contains(&t) && r.1 == c)
                .map(|r| r.2);
            assert_eq!(Icmpv6Type(t).code_name(Icmpv6Code(c)), want, "{t}/{c}");
        }
    }
}

#[test]
fn code_constants() {
    // (constant, its type, its number), by hand from the registry and `linux/icmpv6.h`.
    let consts = [
        (Icmpv6Code::NO_CODE, 128, 0),
        (Icmpv6Code::NO_ROUTE, 1, 0),
        (Icmpv6Code::ADMIN_PROHIBITED, 1, 1),
        (Icmpv6Code::BEYOND_SCOPE, 1, 2),
        (Icmpv6Code::ADDR_UNREACH, 1, 3),
        (Icmpv6Code::PORT_UNREACH, 1, 4),
        (Icmpv6Code::SOURCE_POLICY_FAILED, 1, 5),
        (Icmpv6Code::REJECT_ROUTE, 1, 6),
        (Icmpv6Code::SOURCE_ROUTING_HEADER_ERROR, 1, 7),
        (Icmpv6Code::HEADERS_TOO_LONG, 1, 8),
        (Icmpv6Code::HOP_LIMIT_EXCEEDED, 3, 0),
        (Icmpv6Code::FRAG_REASSEMBLY_EXCEEDED, 3, 1),
        (Icmpv6Code::ERRONEOUS_HEADER_FIELD, 4, 0),
        (Icmpv6Code::UNRECOGNIZED_NEXT_HEADER, 4, 1),
        (Icmpv6Code::UNRECOGNIZED_OPTION, 4, 2),
        (Icmpv6Code::INCOMPLETE_HEADER_CHAIN, 4, 3),
        (Icmpv6Code::SR_UPPER_LAYER_HEADER_ERROR, 4, 4),
        (
            Icmpv6Code::UNRECOGNIZED_NEXT_HEADER_BY_INTERMEDIATE_NODE,
            4,
            5,
        ),
        (Icmpv6Code::EXTENSION_HEADER_TOO_BIG, 4, 6),
        (Icmpv6Code::EXTENSION_HEADER_CHAIN_TOO_LONG, 4, 7),
        (Icmpv6Code::TOO_MANY_EXTENSION_HEADERS, 4, 8),
        (Icmpv6Code::TOO_MANY_OPTIONS, 4, 9),
        (Icmpv6Code::OPTION_TOO_BIG, 4, 10),
        (Icmpv6Code::ROUTER_RENUMBERING_COMMAND, 138, 0),
        (Icmpv6Code::ROUTER_RENUMBERING_RESULT, 138, 1),
        (Icmpv6Code::SEQUENCE_NUMBER_RESET, 138, 255),
        (Icmpv6Code::NI_SUBJECT_IPV6, 139, 0),
        (Icmpv6Code::NI_SUBJECT_NAME, 139, 1),
        (Icmpv6Code::NI_SUBJECT_IPV4, 139, 2),
        (Icmpv6Code::NI_SUCCESS, 140, 0),
        (Icmpv6Code::NI_REFUSED, 140, 1),
        (Icmpv6Code::NI_UNKNOWN_QTYPE, 140, 2),
        (Icmpv6Code::NO_ERROR, 160, 0),
        (Icmpv6Code::MALFORMED_QUERY, 161, 1),
        (Icmpv6Code::NO_SUCH_INTERFACE, 161, 2),
        (Icmpv6Code::NO_SUCH_TABLE_ENTRY, 161, 3),
        (Icmpv6Code::MULTIPLE_INTERFACES_SATISFY_QUERY, 161, 4),
    ];
    for (code, t, n) in consts {
        assert_eq!(code.0, n, "{code:?}");
        assert!(Icmpv6Type(t).code_name(code).is_some(), "{code:?}");
        assert_eq!(format!("{code:?}"), format!("Icmpv6Code({n})"));
        assert_eq!(code.to_string(), format!("code {n}"));
    }
}

#[test]
fn conversions() {
    assert_eq!(Icmpv6Type::from(2), Icmpv6Type::PACKET_TOO_BIG);
    assert_eq!(u8::from(Icmpv6Type::ECHO_REPLY), 129);
    assert_eq!(Icmpv6Code::from(4), Icmpv6Code::PORT_UNREACH);
    assert_eq!(u8::from(Icmpv6Code::SEQUENCE_NUMBER_RESET), 255);
}
