//! The message layouts of RFC 4884, 4950, 5837 and 8335, written out byte by byte from the
//! RFCs' figures (not with this crate's encoders), decoded field by field.
// Tests build small packets by hand: lengths fit their fields, slices are in bounds.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::unwrap_used
)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use errq_codec::checksum::internet_checksum;
use errq_codec::ext::{
    Extension, ExtensionChecksum, InterfaceIdent, InterfaceRole, ObjectClass, ObjectData,
};
use errq_codec::icmp::{
    ExtensionMode, IcmpErrorPacket, IcmpHeader, Icmpv4Code, Icmpv4Packet, Icmpv4Rest, Icmpv4Type,
    Icmpv6Packet, Icmpv6Rest, Icmpv6Type,
};
use errq_codec::ip::Transport;

/// Store the Internet checksum of `bytes[from..]` at `bytes[at..at + 2]`.
fn fix_checksum(bytes: &mut [u8], from: usize, at: usize) {
    bytes[at] = 0;
    bytes[at + 1] = 0;
    let c = internet_checksum(&bytes[from..]);
    bytes[at..at + 2].copy_from_slice(&c.to_be_bytes());
}

/// A 128-byte original datagram: IPv4 header 10.0.0.1 -> 192.0.2.9, UDP 33434 -> 33435,
/// total length 228 (the router quotes the first 128 bytes, RFC 4884 section 4.1).
fn original_datagram() -> Vec<u8> {
    // IPv4 header: total length 228, TTL 1, UDP, 10.0.0.1 -> 192.0.2.9
    let mut d = vec![
        0x45, 0x00, 0x00, 0xe4, 0x00, 0x01, 0x00, 0x00, 0x01, 0x11, 0x00, 0x00,
    ];
    d.extend_from_slice(&[10, 0, 0, 1, 192, 0, 2, 9]);
    // UDP header: 33434 -> 33435, length 208
    d.extend_from_slice(&[0x82, 0x9a, 0x82, 0x9b, 0x00, 0xd0, 0x00, 0x00]);
    d.resize(128, 0xab);
    d
}

/// RFC 4884 figure 2 (ICMPv4 time exceeded with a length attribute) and section 7 (the
/// extension header), followed by an RFC 4950 figure 2 MPLS label stack object.
#[test]
fn rfc4884_time_exceeded_with_rfc4950_mpls_stack() {
    let mut m = vec![
        11, 0, 0, 0, // type 11 time exceeded, code 0, checksum
        0, 32, 0, 0, // unused, length 32 (32-bit words: 128 bytes), unused
    ];
    m.extend_from_slice(&original_datagram());
    let ext_at = m.len();
    m.extend_from_slice(&[
        0x20, 0x00, 0x00, 0x00, // version 2, reserved, checksum
        0x00, 0x0c, 0x01, 0x01, // object length 12, class 1 (MPLS), c-type 1 (incoming)
        0x03, 0xe8, 0x10, 0xff, // label 16001, exp/TC 0, S 0, TTL 255
        0x05, 0xdc, 0x5b, 0x01, // label 24005, TC 5, S 1, TTL 1
    ]);
    fix_checksum(&mut m, ext_at, ext_at + 2);
    fix_checksum(&mut m, 0, 2);

    let e = IcmpErrorPacket::from_icmpv4(&m, ExtensionMode::Rfc4884).unwrap();
    let IcmpHeader::V4(h) = e.icmp() else {
        panic!()
    };
    assert_eq!(h.msg_type(), Icmpv4Type::TIME_EXCEEDED);
    assert_eq!(h.code(), Icmpv4Code::TTL_EXCEEDED);
    assert!(h.checksum_valid());
    assert_eq!(h.rest(), Icmpv4Rest::TimeExceeded { length: 32 });
    assert_eq!(e.extension_offset(), Some(128));
    assert_eq!(e.original_datagram().len(), 128);
    assert_eq!(e.quoted().dst(), IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9)));
    assert_eq!(e.transport().ports(), Some((33434, 33435)));
    let ext = e.extension().unwrap().unwrap();
    assert_eq!(ext.version(), 2);
    assert_eq!(ext.reserved(), 0);
    assert_eq!(ext.checksum_status(), ExtensionChecksum::Valid);
    let objects: Vec<_> = ext.objects().map(Result::unwrap).collect();
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0].length(), 12);
    assert_eq!(objects[0].class(), ObjectClass::MPLS_LABEL_STACK);
    assert_eq!(objects[0].c_type(), 1);
    let ObjectData::MplsLabelStack(stack) = objects[0].decode().unwrap() else {
        panic!()
    };
    let labels: Vec<_> = stack.entries().collect();
    assert_eq!(labels.len(), 2);
    assert_eq!(
        (
            labels[0].label,
            labels[0].traffic_class,
            labels[0].bottom_of_stack,
            labels[0].ttl
        ),
        (16001, 0, false, 255)
    );
    assert_eq!(
        (
            labels[1].label,
            labels[1].traffic_class,
            labels[1].bottom_of_stack,
            labels[1].ttl
        ),
        (24005, 5, true, 1)
    );
}

/// RFC 4884 section 5.5: a router that predates RFC 4884 appends the MPLS extension at offset
/// 128 and leaves the length field zero. Found only when asked for.
#[test]
fn rfc4884_non_compliant_router() {
    let mut m = vec![11, 0, 0, 0, 0, 0, 0, 0];
    m.extend_from_slice(&original_datagram());
    let ext_at = m.len();
    m.extend_from_slice(&[
        0x20, 0, 0, 0, 0x00, 0x08, 0x01, 0x01, 0x03, 0xe8, 0x11, 0x01,
    ]);
    fix_checksum(&mut m, ext_at, ext_at + 2);
    fix_checksum(&mut m, 0, 2);
    let strict = IcmpErrorPacket::from_icmpv4(&m, ExtensionMode::Rfc4884).unwrap();
    assert_eq!(strict.extension(), None);
    assert_eq!(strict.original_datagram().len(), 140);
    let compat = IcmpErrorPacket::from_icmpv4(&m, ExtensionMode::Rfc4884OrCompat).unwrap();
    assert_eq!(compat.extension_offset(), Some(128));
    let ext = compat.extension().unwrap().unwrap();
    let o = ext.objects().next().unwrap().unwrap();
    let ObjectData::MplsLabelStack(stack) = o.decode().unwrap() else {
        panic!()
    };
    let l = stack.entries().next().unwrap();
    assert_eq!((l.label, l.bottom_of_stack, l.ttl), (16001, true, 1));
    // A wrong checksum at offset 128 is not taken for an extension in compat mode.
    let mut bad = m.clone();
    bad[ext_at + 3] ^= 0xff;
    let e = IcmpErrorPacket::from_icmpv4(&bad, ExtensionMode::Rfc4884OrCompat).unwrap();
    assert_eq!(e.extension(), None);
}

/// RFC 4884 figure 3 (ICMPv6 destination unreachable, length in 64-bit words in byte 4) and
/// RFC 5837 figures 2-5: interface information objects, incoming interface with every
/// sub-object and an IP next hop with its IPv6 address only.
#[test]
fn rfc5837_interface_information_in_icmpv6() {
    let mut original = vec![
        0x60, 0, 0, 0, 0x00, 0xa0, 17, 1, // IPv6: payload 160, next header UDP, hop limit 1
    ];
    original.extend_from_slice(&"2001:db8::1".parse::<Ipv6Addr>().unwrap().octets());
    original.extend_from_slice(&"2001:db8:5::9".parse::<Ipv6Addr>().unwrap().octets());
    original.extend_from_slice(&[0x82, 0x9a, 0x82, 0x9b, 0x00, 0xa0, 0x00, 0x00]);
    original.resize(128, 0);
    let mut m = vec![1, 0, 0, 0, 16, 0, 0, 0]; // dest unreach, no route, length 16 (x8 = 128)
    m.extend_from_slice(&original);
    let ext_at = m.len();
    m.extend_from_slice(&[
        0x20, 0x00, 0x00, 0x00, // extension header
        // length 40, class 2, c-type: role 0, ifIndex, IPAddr, name, MTU
        0x00, 0x28, 0x02, 0x0f, 0x00, 0x00, 0x00, 0x07, // ifIndex 7
        0x00, 0x02, 0x00, 0x00, // AFI 2 (IPv6), reserved
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, // 2001:db8::2
        0x08, b'e', b't', b'h', b'-', b'r', b'0', 0x00, // name sub-object, length 8
        0x00, 0x00, 0x05, 0xdc, // MTU 1500
        0x00, 0x18, 0x02, 0xc4, // length 24, class 2, c-type: role 3 (next hop), IPAddr
        0x00, 0x02, 0x00, 0x00, // AFI 2, reserved
        0x20, 0x01, 0x0d, 0xb8, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, // 2001:db8:5::1
    ]);
    fix_checksum(&mut m, ext_at, ext_at + 2);

    let e = IcmpErrorPacket::from_icmpv6(&m, ExtensionMode::Rfc4884).unwrap();
    let IcmpHeader::V6(h) = e.icmp() else {
        panic!()
    };
    assert_eq!(h.msg_type(), Icmpv6Type::DEST_UNREACH);
    assert_eq!(h.rest(), Icmpv6Rest::DestUnreach { length: 16 });
    assert_eq!(e.extension_offset(), Some(128));
    assert_eq!(e.quoted().dst(), "2001:db8:5::9".parse::<IpAddr>().unwrap());
    assert!(matches!(e.transport(), Transport::Udp(..)));
    let ext = e.extension().unwrap().unwrap();
    assert!(ext.is_valid());
    let objects: Vec<_> = ext
        .objects()
        .map(|o| o.unwrap().decode().unwrap())
        .collect();
    let ObjectData::InterfaceInformation(incoming) = objects[0] else {
        panic!()
    };
    assert_eq!(incoming.role, InterfaceRole::IncomingInterface);
    assert_eq!(incoming.if_index, Some(7));
    assert_eq!(incoming.address, Some("2001:db8::2".parse().unwrap()));
    assert_eq!(incoming.name, Some(&b"eth-r0"[..]));
    assert_eq!(incoming.mtu, Some(1500));
    let ObjectData::InterfaceInformation(next_hop) = objects[1] else {
        panic!()
    };
    assert_eq!(next_hop.role, InterfaceRole::NextHop);
    assert_eq!(next_hop.address, Some("2001:db8:5::1".parse().unwrap()));
    assert_eq!(
        (next_hop.if_index, next_hop.name, next_hop.mtu),
        (None, None, None)
    );
}

/// RFC 8335 sections 2 and 3: extended echo request (ICMPv4 type 42) with an interface
/// identification object in each of its three forms, and the extended echo reply.
#[test]
fn rfc8335_extended_echo() {
    let forms: [(u8, &[u8]); 3] = [
        (1, b"eth0\0\0\0\0"),             // by name, NUL-padded to 32 bits
        (2, &[0, 0, 0, 3]),               // by ifIndex 3
        (3, &[0, 1, 4, 0, 192, 0, 2, 1]), // by address: AFI 1, length 4, 192.0.2.1
    ];
    for (c_type, payload) in forms {
        let mut m = vec![42, 0, 0, 0, 0x12, 0x34, 0x05, 0x01]; // id 0x1234, seq 5, L bit set
        let ext_at = m.len();
        m.extend_from_slice(&[0x20, 0, 0, 0, 0, 4 + payload.len() as u8, 3, c_type]);
        m.extend_from_slice(payload);
        fix_checksum(&mut m, ext_at, ext_at + 2);
        fix_checksum(&mut m, 0, 2);
        let p = Icmpv4Packet::new(&m).unwrap();
        assert!(p.checksum_valid());
        assert_eq!(p.msg_type(), Icmpv4Type::EXTENDED_ECHO_REQUEST);
        assert_eq!(p.msg_type().name(), Some("extended echo request"));
        assert_eq!(
            p.rest(),
            Icmpv4Rest::ExtendedEchoRequest {
                ident: 0x1234,
                seq: 5,
                local: true
            }
        );
        // The extension structure follows the header directly.
        let ext = Extension::new(p.data()).unwrap();
        assert_eq!(ext.checksum_status(), ExtensionChecksum::Valid);
        let o = ext.objects().next().unwrap().unwrap();
        assert_eq!(o.class(), ObjectClass::INTERFACE_IDENTIFICATION);
        let ObjectData::InterfaceIdent(ident) = o.decode().unwrap() else {
            panic!()
        };
        match c_type {
            1 => assert_eq!(ident, InterfaceIdent::Name(b"eth0")),
            2 => assert_eq!(ident, InterfaceIdent::Index(3)),
            _ => {
                assert_eq!(ident.ip(), Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))));
                assert!(matches!(ident, InterfaceIdent::Address { afi: 1, .. }));
            }
        }
    }
    // Reply: code 0 no error, state 2 (reachable), A, 4 and 6 bits.
    let reply = [43, 0, 0, 0, 0x12, 0x34, 0x05, 0b0100_0111];
    let p = Icmpv4Packet::new(&reply).unwrap();
    assert_eq!(p.msg_type().code_name(p.code()), Some("no error"));
    assert_eq!(
        p.rest(),
        Icmpv4Rest::ExtendedEchoReply {
            ident: 0x1234,
            seq: 5,
            state: 2,
            active: true,
            ipv4: true,
            ipv6: true
        }
    );
    let reply6 = [161, 2, 0, 0, 0x12, 0x34, 0x06, 0];
    let p6 = Icmpv6Packet::new(&reply6).unwrap();
    assert_eq!(
        p6.msg_type().code_name(p6.code()),
        Some("no such interface")
    );
    assert_eq!(
        p6.rest(),
        Icmpv6Rest::ExtendedEchoReply {
            ident: 0x1234,
            seq: 6,
            state: 0,
            active: false,
            ipv4: false,
            ipv6: false
        }
    );
}
