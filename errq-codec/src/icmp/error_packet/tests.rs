use super::*;
use crate::ip::{Ipv4Repr, Ipv6Repr};

fn v6(next: u8, ext: &[u8], icmp: &[u8]) -> std::vec::Vec<u8> {
    let mut v = std::vec![0u8; 40];
    Ipv6Repr {
        traffic_class: 0,
        flow_label: 0,
        payload_len: (ext.len() + icmp.len()) as u16,
        next_header: IpProtocol(next),
        hop_limit: 64,
        src: "2001:db8::1".parse().unwrap(),
        dst: "2001:db8::2".parse().unwrap(),
    }
    .encode(&mut v)
    .unwrap();
    v.extend_from_slice(ext);
    v.extend_from_slice(icmp);
    v
}

fn quote() -> std::vec::Vec<u8> {
    // Hop limit exceeded, quoting an IPv6/UDP header.
    let mut q = v6(17, &[], &[0x82, 0x9a, 0x82, 0x9b, 0, 8, 0, 0]);
    let mut m = std::vec![3u8, 0, 0, 0, 0, 0, 0, 0];
    m.append(&mut q);
    m
}

#[test]
fn ipv6_outer_with_hop_by_hop() {
    let icmp = quote();
    let p = v6(0, &[58, 0, 1, 4, 0, 0, 0, 0], &icmp);
    let e = IcmpErrorPacket::from_ip(&p, ExtensionMode::Rfc4884).unwrap();
    assert_eq!(e.transport().ports(), Some((33434, 33435)));
    assert_eq!(e.sender(), Some("2001:db8::1".parse().unwrap()));
    // The checksum was left zero: it does not verify, and that is reported, not an error.
    assert_eq!(e.checksum_valid(), Some(false));
    assert_eq!(
        IcmpErrorPacket::from_icmpv6(&icmp, ExtensionMode::Rfc4884)
            .unwrap()
            .checksum_valid(),
        None
    );
    // The outer chain cut inside the hop-by-hop header.
    let cut = v6(0, &[58, 1, 0, 0], &[]);
    assert_eq!(
        IcmpErrorPacket::from_ip(&cut, ExtensionMode::Rfc4884),
        Err(Error::truncated(Structure::Ipv6ExtensionHeader, 16, 4))
    );
}

#[test]
fn outer_packet_that_is_not_icmp() {
    let mut p = std::vec![0u8; 28];
    Ipv4Repr {
        tos: 0,
        total_len: 28,
        ident: 0,
        dont_fragment: false,
        more_fragments: false,
        frag_offset: 0,
        ttl: 1,
        protocol: IpProtocol::UDP,
        src: core::net::Ipv4Addr::LOCALHOST,
        dst: core::net::Ipv4Addr::LOCALHOST,
        options: &[],
    }
    .encode(&mut p)
    .unwrap();
    assert_eq!(
        IcmpErrorPacket::from_ip(&p, ExtensionMode::Rfc4884),
        Err(Error::malformed(
            Structure::Icmpv4Header,
            Reason::BadValue {
                field: "IP protocol",
                value: 17
            }
        ))
    );
    let echo = v6(58, &[], &[128, 0, 0, 0, 0, 1, 0, 1]);
    assert_eq!(
        IcmpErrorPacket::from_ip(&echo, ExtensionMode::Rfc4884),
        Err(Error::malformed(
            Structure::Icmpv6Header,
            Reason::BadValue {
                field: "ICMP type",
                value: 128
            }
        ))
    );
}

#[test]
fn compat_mode_needs_an_object_after_the_header() {
    // A time exceeded with the length field 0, quoting an IPv4/UDP probe padded to 128 bytes,
    // then 4 bytes that read as an extension header whose checksum verifies (0x2000 + 0xdfff
    // folds to 0xffff) but no object: RFC 4884 section 5 looks for an extension only in an
    // ICMP message of 144 octets or more, so these 4 bytes are part of the quote.
    let mut m = std::vec![11u8, 0, 0, 0, 0, 0, 0, 0];
    let mut quote = std::vec![0u8; 128];
    Ipv4Repr {
        tos: 0,
        total_len: 228,
        ident: 0,
        dont_fragment: true,
        more_fragments: false,
        frag_offset: 0,
        ttl: 1,
        protocol: IpProtocol::UDP,
        src: core::net::Ipv4Addr::new(198, 18, 1, 1),
        dst: core::net::Ipv4Addr::new(198, 18, 52, 1),
        options: &[],
    }
    .encode(&mut quote)
    .unwrap();
    m.extend_from_slice(&quote);
    m.extend_from_slice(&[0x20, 0x00, 0xdf, 0xff]);
    let e = IcmpErrorPacket::from_icmpv4(&m, ExtensionMode::Rfc4884OrCompat).unwrap();
    assert_eq!((e.extension(), e.original_datagram().len()), (None, 132));
    // With an (empty) object after it, it is taken: 0x2000 + 0x0004 + 0x0101 + checksum.
    let sum = !(0x2000u16 + 0x0004 + 0x0101);
    m.truncate(8 + 128);
    m.extend_from_slice(&[0x20, 0x00, (sum >> 8) as u8, sum as u8, 0, 4, 1, 1]);
    let e = IcmpErrorPacket::from_icmpv4(&m, ExtensionMode::Rfc4884OrCompat).unwrap();
    assert_eq!(e.extension_offset(), Some(128));
    assert_eq!(e.extension().unwrap().unwrap().objects().count(), 1);
}
