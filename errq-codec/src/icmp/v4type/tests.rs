use super::*;
use std::format;
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

/// The IANA "ICMP Type Numbers" registry, by hand: number, `Debug`, `Display`.
#[rustfmt::skip]
const TYPES: [(u8, &str, &str); 33] = [
    (0, "Icmpv4Type::ECHO_REPLY(0)", "echo reply"),
    (3, "Icmpv4Type::DEST_UNREACH(3)", "destination unreachable"),
    (4, "Icmpv4Type::SOURCE_QUENCH(4)", "source quench"),
    (5, "Icmpv4Type::REDIRECT(5)", "redirect"),
    (6, "Icmpv4Type::ALTERNATE_HOST_ADDRESS(6)", "alternate host address"),
    (8, "Icmpv4Type::ECHO_REQUEST(8)", "echo request"),
    (9, "Icmpv4Type::ROUTER_ADVERTISEMENT(9)", "router advertisement"),
    (10, "Icmpv4Type::ROUTER_SOLICITATION(10)", "router solicitation"),
    (11, "Icmpv4Type::TIME_EXCEEDED(11)", "time exceeded"),
    (12, "Icmpv4Type::PARAMETER_PROBLEM(12)", "parameter problem"),
    (13, "Icmpv4Type::TIMESTAMP_REQUEST(13)", "timestamp request"),
    (14, "Icmpv4Type::TIMESTAMP_REPLY(14)", "timestamp reply"),
    (15, "Icmpv4Type::INFO_REQUEST(15)", "information request"),
    (16, "Icmpv4Type::INFO_REPLY(16)", "information reply"),
    (17, "Icmpv4Type::ADDRESS_MASK_REQUEST(17)", "address mask request"),
    (18, "Icmpv4Type::ADDRESS_MASK_REPLY(18)", "address mask reply"),
    (19, "Icmpv4Type::RESERVED_FOR_SECURITY(19)", "reserved for security"),
    (30, "Icmpv4Type::TRACEROUTE(30)", "traceroute"),
    (31, "Icmpv4Type::DATAGRAM_CONVERSION_ERROR(31)", "datagram conversion error"),
    (32, "Icmpv4Type::MOBILE_HOST_REDIRECT(32)", "mobile host redirect"),
    (33, "Icmpv4Type::IPV6_WHERE_ARE_YOU(33)", "IPv6 where-are-you"),
    (34, "Icmpv4Type::IPV6_I_AM_HERE(34)", "IPv6 I-am-here"),
    (35, "Icmpv4Type::MOBILE_REGISTRATION_REQUEST(35)", "mobile registration request"),
    (36, "Icmpv4Type::MOBILE_REGISTRATION_REPLY(36)", "mobile registration reply"),
    (37, "Icmpv4Type::DOMAIN_NAME_REQUEST(37)", "domain name request"),
    (38, "Icmpv4Type::DOMAIN_NAME_REPLY(38)", "domain name reply"),
    (39, "Icmpv4Type::SKIP(39)", "SKIP"),
    (40, "Icmpv4Type::PHOTURIS(40)", "Photuris"),
    (41, "Icmpv4Type::EXPERIMENTAL_MOBILITY(41)", "experimental mobility protocol"),
    (42, "Icmpv4Type::EXTENDED_ECHO_REQUEST(42)", "extended echo request"),
    (43, "Icmpv4Type::EXTENDED_ECHO_REPLY(43)", "extended echo reply"),
    (253, "Icmpv4Type::EXPERIMENT_1(253)", "RFC3692-style experiment 1"),
    (254, "Icmpv4Type::EXPERIMENT_2(254)", "RFC3692-style experiment 2"),
];

#[test]
fn type_table_is_the_registry() {
    let all: std::vec::Vec<u8> = Icmpv4Type::ALL.iter().map(|t| t.0).collect();
    let want: std::vec::Vec<u8> = TYPES.iter().map(|r| r.0).collect();
    assert_eq!(all, want);
    for n in 0..=255u8 {
        let t = Icmpv4Type(n);
        match TYPES.iter().find(|r| r.0 == n) {
            Some(&(_, debug, display)) => {
                assert_eq!(format!("{t:?}"), debug);
                assert_eq!(t.to_string(), display);
                assert_eq!(t.name(), Some(display));
            }
            // Types 20 to 29 have a name but no constant.
            None if (20..=29).contains(&n) => {
                assert_eq!(format!("{t:?}"), format!("Icmpv4Type({n})"));
                assert_eq!(t.to_string(), "reserved for robustness experiment");
            }
            None => {
                assert_eq!(format!("{t:?}"), format!("Icmpv4Type({n})"));
                assert_eq!(t.to_string(), format!("type {n}"));
                assert_eq!(t.name(), None);
            }
        }
    }
}

/// The IANA registry's codes, by hand: type, code, name.
#[rustfmt::skip]
const CODES: [(u8, u8, &str); 49] = [
    (0, 0, "no code"),
    (3, 0, "net unreachable"),
    (3, 1, "host unreachable"),
    (3, 2, "protocol unreachable"),
    (3, 3, "port unreachable"),
    (3, 4, "fragmentation needed"),
    (3, 5, "source route failed"),
    (3, 6, "destination network unknown"),
    (3, 7, "destination host unknown"),
    (3, 8, "source host isolated"),
    (3, 9, "network administratively prohibited"),
    (3, 10, "host administratively prohibited"),
    (3, 11, "network unreachable for TOS"),
    (3, 12, "host unreachable for TOS"),
    (3, 13, "communication administratively prohibited"),
    (3, 14, "host precedence violation"),
    (3, 15, "precedence cutoff in effect"),
    (5, 0, "redirect for network"),
    (5, 1, "redirect for host"),
    (5, 2, "redirect for TOS and network"),
    (5, 3, "redirect for TOS and host"),
    (6, 0, "alternate address for host"),
    (8, 0, "no code"),
    (9, 0, "normal router advertisement"),
    (9, 16, "does not route common traffic"),
    (10, 0, "no code"),
    (11, 0, "TTL exceeded in transit"),
    (11, 1, "fragment reassembly time exceeded"),
    (12, 0, "pointer indicates the error"),
    (12, 1, "missing a required option"),
    (12, 2, "bad length"),
    (13, 0, "no code"),
    (14, 0, "no code"),
    (15, 0, "no code"),
    (16, 0, "no code"),
    (17, 0, "no code"),
    (18, 0, "no code"),
    (40, 0, "bad SPI"),
    (40, 1, "authentication failed"),
    (40, 2, "decompression failed"),
    (40, 3, "decryption failed"),
    (40, 4, "need authentication"),
    (40, 5, "need authorization"),
    (42, 0, "no error"),
    (43, 0, "no error"),
    (43, 1, "malformed query"),
    (43, 2, "no such interface"),
    (43, 3, "no such table entry"),
    (43, 4, "multiple interfaces satisfy query"),
];

#[test]
fn code_table_is_the_registry() {
    // Every (type, code) pair; under Miri (about 1000 times slower) the types that have
    // codes and a few that have none, each with the codes 0..=19 (which hold every
    // registered one) and 255.
    let mut types: std::vec::Vec<u8> = CODES.iter().map(|r| r.0).chain([0, 1, 254, 255]).collect();
    types.dedup();
    for t in (0..=255u8).filter(|t| !cfg!(miri) || types.contains(t)) {
        for c in (0..=255u8).filter(|&c| !cfg!(miri) || c < 20 || c == 255) {
            let want = CODES.iter().find(|r| r.0 == t && r.1 == c).map(|r| r.2);
            assert_eq!(Icmpv4Type(t).code_name(Icmpv4Code(c)), want, "{t}/{c}");
        }
    }
}

#[test]
fn code_constants() {
    // (constant, its type, its number), by hand from the registry and `linux/icmp.h`.
    let consts = [
        (Icmpv4Code::NO_CODE, 8, 0),
        (Icmpv4Code::NET_UNREACH, 3, 0),
        (Icmpv4Code::HOST_UNREACH, 3, 1),
        (Icmpv4Code::PROTO_UNREACH, 3, 2),
        (Icmpv4Code::PORT_UNREACH, 3, 3),
        (Icmpv4Code::FRAG_NEEDED, 3, 4),
        (Icmpv4Code::SOURCE_ROUTE_FAILED, 3, 5),
        (Icmpv4Code::NET_UNKNOWN, 3, 6),
        (Icmpv4Code::HOST_UNKNOWN, 3, 7),
        (Icmpv4Code::HOST_ISOLATED, 3, 8),
        (Icmpv4Code::NET_ADMIN_PROHIBITED, 3, 9),
        (Icmpv4Code::HOST_ADMIN_PROHIBITED, 3, 10),
        (Icmpv4Code::NET_UNREACH_FOR_TOS, 3, 11),
        (Icmpv4Code::HOST_UNREACH_FOR_TOS, 3, 12),
        (Icmpv4Code::ADMIN_PROHIBITED, 3, 13),
        (Icmpv4Code::HOST_PRECEDENCE_VIOLATION, 3, 14),
        (Icmpv4Code::PRECEDENCE_CUTOFF, 3, 15),
        (Icmpv4Code::REDIRECT_NET, 5, 0),
        (Icmpv4Code::REDIRECT_HOST, 5, 1),
        (Icmpv4Code::REDIRECT_TOS_NET, 5, 2),
        (Icmpv4Code::REDIRECT_TOS_HOST, 5, 3),
        (Icmpv4Code::ALTERNATE_ADDRESS_FOR_HOST, 6, 0),
        (Icmpv4Code::NORMAL_ROUTER_ADVERTISEMENT, 9, 0),
        (Icmpv4Code::DOES_NOT_ROUTE_COMMON_TRAFFIC, 9, 16),
        (Icmpv4Code::TTL_EXCEEDED, 11, 0),
        (Icmpv4Code::FRAG_REASSEMBLY_EXCEEDED, 11, 1),
        (Icmpv4Code::POINTER_INDICATES_ERROR, 12, 0),
        (Icmpv4Code::MISSING_REQUIRED_OPTION, 12, 1),
        (Icmpv4Code::BAD_LENGTH, 12, 2),
        (Icmpv4Code::PHOTURIS_BAD_SPI, 40, 0),
        (Icmpv4Code::PHOTURIS_AUTHENTICATION_FAILED, 40, 1),
        (Icmpv4Code::PHOTURIS_DECOMPRESSION_FAILED, 40, 2),
        (Icmpv4Code::PHOTURIS_DECRYPTION_FAILED, 40, 3),
        (Icmpv4Code::PHOTURIS_NEED_AUTHENTICATION, 40, 4),
        (Icmpv4Code::PHOTURIS_NEED_AUTHORIZATION, 40, 5),
        (Icmpv4Code::NO_ERROR, 42, 0),
        (Icmpv4Code::MALFORMED_QUERY, 43, 1),
        (Icmpv4Code::NO_SUCH_INTERFACE, 43, 2),
        (Icmpv4Code::NO_SUCH_TABLE_ENTRY, 43, 3),
        (Icmpv4Code::MULTIPLE_INTERFACES_SATISFY_QUERY, 43, 4),
    ];
    for (code, t, n) in consts {
        assert_eq!(code.0, n, "{code:?}");
        assert!(Icmpv4Type(t).code_name(code).is_some(), "{code:?}");
        assert_eq!(format!("{code:?}"), format!("Icmpv4Code({n})"));
        assert_eq!(code.to_string(), format!("code {n}"));
    }
}

#[test]
fn conversions() {
    assert_eq!(Icmpv4Type::from(11), Icmpv4Type::TIME_EXCEEDED);
    assert_eq!(u8::from(Icmpv4Type::REDIRECT), 5);
    assert_eq!(Icmpv4Code::from(4), Icmpv4Code::FRAG_NEEDED);
    assert_eq!(u8::from(Icmpv4Code::PRECEDENCE_CUTOFF), 15);
}
