use std::format;

#[test]
fn origin_names() {
    assert_eq!(format!("{:?}", crate::ee::Origin::NONE), "Origin::NONE(0)");
    assert_eq!(
        format!("{:?}", crate::ee::Origin::LOCAL),
        "Origin::LOCAL(1)"
    );
    assert_eq!(format!("{:?}", crate::ee::Origin::ICMP), "Origin::ICMP(2)");
    assert_eq!(
        format!("{:?}", crate::ee::Origin::ICMP6),
        "Origin::ICMP6(3)"
    );
    assert_eq!(
        format!("{:?}", crate::ee::Origin::TIMESTAMPING),
        "Origin::TIMESTAMPING(4)"
    );
    assert_eq!(
        format!("{:?}", crate::ee::Origin::ZEROCOPY),
        "Origin::ZEROCOPY(5)"
    );
    assert_eq!(
        format!("{:?}", crate::ee::Origin::TXTIME),
        "Origin::TXTIME(6)"
    );
    assert_eq!(format!("{:?}", crate::ee::Origin(255)), "Origin(255)");
}

#[test]
fn icmpv4type_names() {
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::ECHO_REPLY),
        "Icmpv4Type::ECHO_REPLY(0)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::DEST_UNREACH),
        "Icmpv4Type::DEST_UNREACH(3)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::SOURCE_QUENCH),
        "Icmpv4Type::SOURCE_QUENCH(4)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::REDIRECT),
        "Icmpv4Type::REDIRECT(5)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::ALTERNATE_HOST_ADDRESS),
        "Icmpv4Type::ALTERNATE_HOST_ADDRESS(6)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::ECHO_REQUEST),
        "Icmpv4Type::ECHO_REQUEST(8)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::ROUTER_ADVERTISEMENT),
        "Icmpv4Type::ROUTER_ADVERTISEMENT(9)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::ROUTER_SOLICITATION),
        "Icmpv4Type::ROUTER_SOLICITATION(10)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::TIME_EXCEEDED),
        "Icmpv4Type::TIME_EXCEEDED(11)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::PARAMETER_PROBLEM),
        "Icmpv4Type::PARAMETER_PROBLEM(12)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::TIMESTAMP_REQUEST),
        "Icmpv4Type::TIMESTAMP_REQUEST(13)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::TIMESTAMP_REPLY),
        "Icmpv4Type::TIMESTAMP_REPLY(14)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::INFO_REQUEST),
        "Icmpv4Type::INFO_REQUEST(15)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::INFO_REPLY),
        "Icmpv4Type::INFO_REPLY(16)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::ADDRESS_MASK_REQUEST),
        "Icmpv4Type::ADDRESS_MASK_REQUEST(17)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::ADDRESS_MASK_REPLY),
        "Icmpv4Type::ADDRESS_MASK_REPLY(18)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::RESERVED_FOR_SECURITY),
        "Icmpv4Type::RESERVED_FOR_SECURITY(19)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::TRACEROUTE),
        "Icmpv4Type::TRACEROUTE(30)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::DATAGRAM_CONVERSION_ERROR),
        "Icmpv4Type::DATAGRAM_CONVERSION_ERROR(31)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::MOBILE_HOST_REDIRECT),
        "Icmpv4Type::MOBILE_HOST_REDIRECT(32)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::IPV6_WHERE_ARE_YOU),
        "Icmpv4Type::IPV6_WHERE_ARE_YOU(33)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::IPV6_I_AM_HERE),
        "Icmpv4Type::IPV6_I_AM_HERE(34)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::MOBILE_REGISTRATION_REQUEST),
        "Icmpv4Type::MOBILE_REGISTRATION_REQUEST(35)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::MOBILE_REGISTRATION_REPLY),
        "Icmpv4Type::MOBILE_REGISTRATION_REPLY(36)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::DOMAIN_NAME_REQUEST),
        "Icmpv4Type::DOMAIN_NAME_REQUEST(37)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::DOMAIN_NAME_REPLY),
        "Icmpv4Type::DOMAIN_NAME_REPLY(38)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::SKIP),
        "Icmpv4Type::SKIP(39)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::PHOTURIS),
        "Icmpv4Type::PHOTURIS(40)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::EXPERIMENTAL_MOBILITY),
        "Icmpv4Type::EXPERIMENTAL_MOBILITY(41)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::EXTENDED_ECHO_REQUEST),
        "Icmpv4Type::EXTENDED_ECHO_REQUEST(42)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::EXTENDED_ECHO_REPLY),
        "Icmpv4Type::EXTENDED_ECHO_REPLY(43)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::EXPERIMENT_1),
        "Icmpv4Type::EXPERIMENT_1(253)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type::EXPERIMENT_2),
        "Icmpv4Type::EXPERIMENT_2(254)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv4Type(255)),
        "Icmpv4Type(255)"
    );
}

#[test]
fn icmpv6type_names() {
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::DEST_UNREACH),
        "Icmpv6Type::DEST_UNREACH(1)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::PACKET_TOO_BIG),
        "Icmpv6Type::PACKET_TOO_BIG(2)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::TIME_EXCEEDED),
        "Icmpv6Type::TIME_EXCEEDED(3)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::PARAMETER_PROBLEM),
        "Icmpv6Type::PARAMETER_PROBLEM(4)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::PRIVATE_EXPERIMENTATION_100),
        "Icmpv6Type::PRIVATE_EXPERIMENTATION_100(100)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::PRIVATE_EXPERIMENTATION_101),
        "Icmpv6Type::PRIVATE_EXPERIMENTATION_101(101)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::RESERVED_ERROR_EXPANSION),
        "Icmpv6Type::RESERVED_ERROR_EXPANSION(127)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::ECHO_REQUEST),
        "Icmpv6Type::ECHO_REQUEST(128)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::ECHO_REPLY),
        "Icmpv6Type::ECHO_REPLY(129)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::MULTICAST_LISTENER_QUERY),
        "Icmpv6Type::MULTICAST_LISTENER_QUERY(130)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::MULTICAST_LISTENER_REPORT),
        "Icmpv6Type::MULTICAST_LISTENER_REPORT(131)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::MULTICAST_LISTENER_DONE),
        "Icmpv6Type::MULTICAST_LISTENER_DONE(132)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::ROUTER_SOLICITATION),
        "Icmpv6Type::ROUTER_SOLICITATION(133)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::ROUTER_ADVERTISEMENT),
        "Icmpv6Type::ROUTER_ADVERTISEMENT(134)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::NEIGHBOR_SOLICITATION),
        "Icmpv6Type::NEIGHBOR_SOLICITATION(135)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::NEIGHBOR_ADVERTISEMENT),
        "Icmpv6Type::NEIGHBOR_ADVERTISEMENT(136)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::REDIRECT),
        "Icmpv6Type::REDIRECT(137)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::ROUTER_RENUMBERING),
        "Icmpv6Type::ROUTER_RENUMBERING(138)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::NODE_INFORMATION_QUERY),
        "Icmpv6Type::NODE_INFORMATION_QUERY(139)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::NODE_INFORMATION_RESPONSE),
        "Icmpv6Type::NODE_INFORMATION_RESPONSE(140)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::INVERSE_NEIGHBOR_SOLICITATION
        ),
        "Icmpv6Type::INVERSE_NEIGHBOR_SOLICITATION(141)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::INVERSE_NEIGHBOR_ADVERTISEMENT
        ),
        "Icmpv6Type::INVERSE_NEIGHBOR_ADVERTISEMENT(142)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::MULTICAST_LISTENER_REPORT_V2
        ),
        "Icmpv6Type::MULTICAST_LISTENER_REPORT_V2(143)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::HOME_AGENT_ADDRESS_DISCOVERY_REQUEST
        ),
        "Icmpv6Type::HOME_AGENT_ADDRESS_DISCOVERY_REQUEST(144)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::HOME_AGENT_ADDRESS_DISCOVERY_REPLY
        ),
        "Icmpv6Type::HOME_AGENT_ADDRESS_DISCOVERY_REPLY(145)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::MOBILE_PREFIX_SOLICITATION),
        "Icmpv6Type::MOBILE_PREFIX_SOLICITATION(146)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::MOBILE_PREFIX_ADVERTISEMENT),
        "Icmpv6Type::MOBILE_PREFIX_ADVERTISEMENT(147)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::CERTIFICATION_PATH_SOLICITATION
        ),
        "Icmpv6Type::CERTIFICATION_PATH_SOLICITATION(148)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::CERTIFICATION_PATH_ADVERTISEMENT
        ),
        "Icmpv6Type::CERTIFICATION_PATH_ADVERTISEMENT(149)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::EXPERIMENTAL_MOBILITY),
        "Icmpv6Type::EXPERIMENTAL_MOBILITY(150)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::MULTICAST_ROUTER_ADVERTISEMENT
        ),
        "Icmpv6Type::MULTICAST_ROUTER_ADVERTISEMENT(151)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::MULTICAST_ROUTER_SOLICITATION
        ),
        "Icmpv6Type::MULTICAST_ROUTER_SOLICITATION(152)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::MULTICAST_ROUTER_TERMINATION
        ),
        "Icmpv6Type::MULTICAST_ROUTER_TERMINATION(153)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::FMIPV6),
        "Icmpv6Type::FMIPV6(154)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::RPL_CONTROL),
        "Icmpv6Type::RPL_CONTROL(155)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::ILNPV6_LOCATOR_UPDATE),
        "Icmpv6Type::ILNPV6_LOCATOR_UPDATE(156)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::DUPLICATE_ADDRESS_REQUEST),
        "Icmpv6Type::DUPLICATE_ADDRESS_REQUEST(157)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::DUPLICATE_ADDRESS_CONFIRMATION
        ),
        "Icmpv6Type::DUPLICATE_ADDRESS_CONFIRMATION(158)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::MPL_CONTROL),
        "Icmpv6Type::MPL_CONTROL(159)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::EXTENDED_ECHO_REQUEST),
        "Icmpv6Type::EXTENDED_ECHO_REQUEST(160)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::EXTENDED_ECHO_REPLY),
        "Icmpv6Type::EXTENDED_ECHO_REPLY(161)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::PRIVATE_EXPERIMENTATION_200),
        "Icmpv6Type::PRIVATE_EXPERIMENTATION_200(200)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type::PRIVATE_EXPERIMENTATION_201),
        "Icmpv6Type::PRIVATE_EXPERIMENTATION_201(201)"
    );
    assert_eq!(
        format!(
            "{:?}",
            crate::icmp::Icmpv6Type::RESERVED_INFORMATIONAL_EXPANSION
        ),
        "Icmpv6Type::RESERVED_INFORMATIONAL_EXPANSION(255)"
    );
    assert_eq!(
        format!("{:?}", crate::icmp::Icmpv6Type(254)),
        "Icmpv6Type(254)"
    );
}

#[test]
fn ipprotocol_names() {
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::HOP_BY_HOP),
        "IpProtocol::HOP_BY_HOP(0)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::ICMP),
        "IpProtocol::ICMP(1)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::IGMP),
        "IpProtocol::IGMP(2)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::IPIP),
        "IpProtocol::IPIP(4)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::TCP),
        "IpProtocol::TCP(6)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::UDP),
        "IpProtocol::UDP(17)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::DCCP),
        "IpProtocol::DCCP(33)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::IPV6),
        "IpProtocol::IPV6(41)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::IPV6_ROUTING),
        "IpProtocol::IPV6_ROUTING(43)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::IPV6_FRAGMENT),
        "IpProtocol::IPV6_FRAGMENT(44)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::GRE),
        "IpProtocol::GRE(47)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::ESP),
        "IpProtocol::ESP(50)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::AH),
        "IpProtocol::AH(51)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::ICMPV6),
        "IpProtocol::ICMPV6(58)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::IPV6_NO_NEXT_HEADER),
        "IpProtocol::IPV6_NO_NEXT_HEADER(59)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::IPV6_DEST_OPTIONS),
        "IpProtocol::IPV6_DEST_OPTIONS(60)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::SCTP),
        "IpProtocol::SCTP(132)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::MOBILITY),
        "IpProtocol::MOBILITY(135)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::UDP_LITE),
        "IpProtocol::UDP_LITE(136)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::HIP),
        "IpProtocol::HIP(139)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::SHIM6),
        "IpProtocol::SHIM6(140)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::EXPERIMENT_1),
        "IpProtocol::EXPERIMENT_1(253)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol::EXPERIMENT_2),
        "IpProtocol::EXPERIMENT_2(254)"
    );
    assert_eq!(
        format!("{:?}", crate::ip::IpProtocol(255)),
        "IpProtocol(255)"
    );
}

#[test]
fn tstampkind_names() {
    assert_eq!(
        format!("{:?}", crate::timestamp::TstampKind::SND),
        "TstampKind::SND(0)"
    );
    assert_eq!(
        format!("{:?}", crate::timestamp::TstampKind::SCHED),
        "TstampKind::SCHED(1)"
    );
    assert_eq!(
        format!("{:?}", crate::timestamp::TstampKind::ACK),
        "TstampKind::ACK(2)"
    );
    assert_eq!(
        format!("{:?}", crate::timestamp::TstampKind::COMPLETION),
        "TstampKind::COMPLETION(3)"
    );
    assert_eq!(
        format!("{:?}", crate::timestamp::TstampKind(255)),
        "TstampKind(255)"
    );
}

#[test]
fn objectclass_names() {
    assert_eq!(
        format!("{:?}", crate::ext::ObjectClass::MPLS_LABEL_STACK),
        "ObjectClass::MPLS_LABEL_STACK(1)"
    );
    assert_eq!(
        format!("{:?}", crate::ext::ObjectClass::INTERFACE_INFORMATION),
        "ObjectClass::INTERFACE_INFORMATION(2)"
    );
    assert_eq!(
        format!("{:?}", crate::ext::ObjectClass::INTERFACE_IDENTIFICATION),
        "ObjectClass::INTERFACE_IDENTIFICATION(3)"
    );
    assert_eq!(
        format!("{:?}", crate::ext::ObjectClass(255)),
        "ObjectClass(255)"
    );
}

#[test]
fn tcpnla_names() {
    use crate::optstats::TcpNla;
    assert_eq!(format!("{:?}", TcpNla::BUSY), "TcpNla::BUSY(1)");
    assert_eq!(format!("{:?}", TcpNla::REORDERING), "TcpNla::REORDERING(9)");
    assert_eq!(format!("{:?}", TcpNla(60000)), "TcpNla(60000)");
}
