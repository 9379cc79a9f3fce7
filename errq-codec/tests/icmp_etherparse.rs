//! Differential tests against etherparse (an established parser of ICMP, IP, UDP and TCP):
//! on random valid packets built by etherparse, and on random mutations and cuts of them,
//! both parsers agree on every field both decode.
// Tests build small packets by hand: lengths fit their fields, slices are in bounds.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::unwrap_used
)]

use std::net::{Ipv4Addr, Ipv6Addr};

use errq_codec::icmp::{
    ExtensionMode, IcmpErrorPacket, Icmpv4Packet, Icmpv4Rest, Icmpv6Packet, Icmpv6Rest,
};
use errq_codec::ip::{QuotedIp, Transport};
use etherparse::{
    icmpv4, Icmpv4Slice, Icmpv4Type, Icmpv6Slice, Icmpv6Type, LaxNetSlice, LaxSlicedPacket,
    PacketBuilder, TransportSlice,
};
use proptest::prelude::*;

/// Compare our ICMPv4 view with etherparse's on the same bytes.
fn compare_v4(bytes: &[u8]) {
    let ours = Icmpv4Packet::new(bytes);
    let theirs = Icmpv4Slice::from_slice(bytes);
    if let (Ok(_), Err(e)) = (&ours, &theirs) {
        // etherparse insists a timestamp message (type 13/14, code 0) be exactly 20 bytes;
        // here the header is 8 bytes and the timestamps are data, so any length is a header.
        assert!(
            matches!(bytes[0], 13 | 14) && bytes[1] == 0 && e.required_len == 20,
            "{bytes:02x?}"
        );
        return;
    }
    assert_eq!(ours.is_ok(), theirs.is_ok(), "{bytes:02x?}");
    let (Ok(o), Ok(t)) = (ours, theirs) else {
        return;
    };
    assert_eq!(o.msg_type().0, t.type_u8());
    assert_eq!(o.code().0, t.code_u8());
    assert_eq!(o.checksum(), t.checksum());
    assert_eq!(o.rest_of_header(), t.bytes5to8());
    // etherparse counts a timestamp message's 12 timestamp bytes as header.
    assert_eq!(o.data().get(t.header_len() - 8..), Some(t.payload()));
    // etherparse's typed header zeroes the bytes its type leaves unused: its checksum is
    // comparable only when those bytes are zero on the wire.
    if t.header().to_bytes()[4..8] == t.bytes5to8() {
        assert_eq!(
            o.compute_checksum(),
            t.icmp_type().calc_checksum(t.payload())
        );
    }
    match t.icmp_type() {
        Icmpv4Type::EchoReply(e) | Icmpv4Type::EchoRequest(e) => {
            assert_eq!(
                o.rest(),
                Icmpv4Rest::Echo {
                    ident: e.id,
                    seq: e.seq
                }
            );
        }
        Icmpv4Type::TimestampRequest(m) | Icmpv4Type::TimestampReply(m) => {
            assert_eq!(
                o.rest(),
                Icmpv4Rest::Echo {
                    ident: m.id,
                    seq: m.seq
                }
            );
        }
        Icmpv4Type::DestinationUnreachable(h) => {
            assert_eq!(o.msg_type().0, 3);
            if let icmpv4::DestUnreachableHeader::FragmentationNeeded { next_hop_mtu } = h {
                assert_eq!(o.next_hop_mtu(), Some(next_hop_mtu));
            }
            assert_eq!(h.code_u8(), o.code().0);
        }
        Icmpv4Type::Redirect(r) => {
            assert_eq!(
                o.gateway(),
                Some(Ipv4Addr::from(r.gateway_internet_address))
            );
            assert_eq!(r.code.code_u8(), o.code().0);
        }
        Icmpv4Type::TimeExceeded(c) => {
            assert_eq!(o.msg_type().0, 11);
            assert_eq!(c.code_u8(), o.code().0);
        }
        Icmpv4Type::ParameterProblem(p) => {
            assert_eq!(o.msg_type().0, 12);
            if let icmpv4::ParameterProblemHeader::PointerIndicatesError(ptr) = p {
                assert_eq!(o.pointer(), Some(ptr));
            }
        }
        Icmpv4Type::Unknown {
            type_u8,
            code_u8,
            bytes5to8,
        } => {
            assert_eq!(
                (type_u8, code_u8, bytes5to8),
                (o.msg_type().0, o.code().0, o.rest_of_header())
            );
        }
    }
}

/// Compare our ICMPv6 view with etherparse's on the same bytes.
fn compare_v6(bytes: &[u8], src: Ipv6Addr, dst: Ipv6Addr) {
    let ours = Icmpv6Packet::new(bytes);
    let theirs = Icmpv6Slice::from_slice(bytes);
    assert_eq!(ours.is_ok(), theirs.is_ok(), "{bytes:02x?}");
    let (Ok(o), Ok(t)) = (ours, theirs) else {
        return;
    };
    assert_eq!(o.msg_type().0, t.type_u8());
    assert_eq!(o.code().0, t.code_u8());
    assert_eq!(o.checksum(), t.checksum());
    assert_eq!(o.rest_of_header(), t.bytes5to8());
    assert_eq!(o.data(), t.payload());
    assert_eq!(
        o.checksum_valid(src, dst),
        t.is_checksum_valid(src.octets(), dst.octets())
    );
    match t.icmp_type() {
        Icmpv6Type::EchoRequest(e) | Icmpv6Type::EchoReply(e) => {
            assert_eq!(
                o.rest(),
                Icmpv6Rest::Echo {
                    ident: e.id,
                    seq: e.seq
                }
            );
        }
        Icmpv6Type::PacketTooBig { mtu } => assert_eq!(o.mtu(), Some(mtu)),
        Icmpv6Type::ParameterProblem(h) => {
            assert_eq!(o.pointer(), Some(h.pointer));
            assert_eq!(h.code.code_u8(), o.code().0);
        }
        Icmpv6Type::DestinationUnreachable(c) => {
            assert_eq!(o.msg_type().0, 1);
            assert_eq!(c.code_u8(), o.code().0);
        }
        Icmpv6Type::TimeExceeded(c) => {
            assert_eq!(o.msg_type().0, 3);
            assert_eq!(c.code_u8(), o.code().0);
        }
        Icmpv6Type::Unknown {
            type_u8,
            code_u8,
            bytes5to8,
        } => {
            assert_eq!(
                (type_u8, code_u8, bytes5to8),
                (o.msg_type().0, o.code().0, o.rest_of_header())
            );
        }
    }
}

/// Compare our quoted-packet decode with etherparse's lax one on the same bytes.
fn compare_quote(ours: &QuotedIp<'_>, quote: &[u8]) {
    let Ok(theirs) = LaxSlicedPacket::from_ip(quote) else {
        return;
    };
    match (ours, theirs.net) {
        (QuotedIp::V4(o), Some(LaxNetSlice::Ipv4(t))) => {
            let h = t.header();
            assert_eq!(o.src(), h.source_addr());
            assert_eq!(o.dst(), h.destination_addr());
            assert_eq!(o.ttl(), h.ttl());
            assert_eq!(o.protocol().0, h.protocol().0);
            assert_eq!(o.ident(), h.identification());
            assert_eq!(o.total_len(), h.total_len());
            assert_eq!(o.dont_fragment(), h.dont_fragment());
            assert_eq!(o.more_fragments(), h.more_fragments());
            assert_eq!(o.frag_offset(), h.fragments_offset().value() * 8);
            assert_eq!(o.checksum(), h.header_checksum());
            assert_eq!(o.options(), h.options());
            assert_eq!(o.header_len(), usize::from(h.ihl()) * 4);
        }
        (QuotedIp::V6(o), Some(LaxNetSlice::Ipv6(t))) => {
            let h = t.header();
            assert_eq!(o.src(), h.source_addr());
            assert_eq!(o.dst(), h.destination_addr());
            assert_eq!(o.hop_limit(), h.hop_limit());
            assert_eq!(o.next_header().0, h.next_header().0);
            assert_eq!(o.payload_len(), h.payload_length());
            assert_eq!(o.flow_label(), h.flow_label().value());
            assert_eq!(o.traffic_class(), h.traffic_class());
        }
        (_, None) => return,
        (o, _) => panic!("IP version disagrees: {o:?}"),
    }
    match (ours.transport(), theirs.transport) {
        (t, Some(TransportSlice::Udp(u))) => {
            assert_eq!(t.ports(), Some((u.source_port(), u.destination_port())));
            let Transport::Udp(q, _) = t else { panic!() };
            assert_eq!(q.length(), Some(u.length()));
            assert_eq!(q.checksum(), Some(u.checksum()));
        }
        (t, Some(TransportSlice::Tcp(tcp))) => {
            assert_eq!(t.ports(), Some((tcp.source_port(), tcp.destination_port())));
            let Transport::Tcp(q) = t else { panic!() };
            assert_eq!(q.seq_number(), Some(tcp.sequence_number()));
            assert_eq!(q.ack_number(), Some(tcp.acknowledgment_number()));
            assert_eq!(q.window(), Some(tcp.window_size()));
            assert_eq!(q.header_len(), Some(usize::from(tcp.data_offset()) * 4));
        }
        (t, Some(TransportSlice::Icmpv4(i))) => {
            let Transport::Icmp(q) = t else {
                panic!("{t:?}")
            };
            assert_eq!(q.msg_type(), Some(i.type_u8()));
            if let Icmpv4Type::EchoRequest(e) | Icmpv4Type::EchoReply(e) = i.icmp_type() {
                assert_eq!(t.echo(), Some((e.id, e.seq)));
            }
        }
        (t, Some(TransportSlice::Icmpv6(i))) => {
            let Transport::Icmp(q) = t else {
                panic!("{t:?}")
            };
            assert_eq!(q.msg_type(), Some(i.type_u8()));
            if let Icmpv6Type::EchoRequest(e) | Icmpv6Type::EchoReply(e) = i.icmp_type() {
                assert_eq!(t.echo(), Some((e.id, e.seq)));
            }
        }
        (_, None) => {}
    }
}

fn icmpv4_type() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(0u8),
        Just(3),
        Just(4),
        Just(5),
        Just(8),
        Just(11),
        Just(12),
        Just(13),
        Just(14),
        any::<u8>()
    ]
}

fn icmpv6_type() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(1u8),
        Just(2),
        Just(3),
        Just(4),
        Just(128),
        Just(129),
        any::<u8>()
    ]
}

fn code() -> impl Strategy<Value = u8> {
    prop_oneof![0u8..16, any::<u8>()]
}

type Flips = Vec<(usize, u8)>;

fn mutate(bytes: &[u8], flips: &Flips, cut: usize) -> Vec<u8> {
    let mut m = bytes.to_vec();
    if !m.is_empty() {
        for &(at, x) in flips {
            let i = at % m.len();
            m[i] ^= x;
        }
    }
    m.truncate(cut % (m.len() + 1));
    m
}

/// A probe as a traceroute sends it, built by etherparse.
#[derive(Clone, Debug)]
enum Probe {
    Udp(u16, u16),
    Tcp(u16, u16, u32),
    Echo(u16, u16),
}

fn probe() -> impl Strategy<Value = Probe> {
    prop_oneof![
        (any::<u16>(), any::<u16>()).prop_map(|(s, d)| Probe::Udp(s, d)),
        (any::<u16>(), any::<u16>(), any::<u32>()).prop_map(|(s, d, q)| Probe::Tcp(s, d, q)),
        (any::<u16>(), any::<u16>()).prop_map(|(i, s)| Probe::Echo(i, s)),
    ]
}

fn build_v4(src: [u8; 4], dst: [u8; 4], ttl: u8, p: &Probe, payload: &[u8]) -> Vec<u8> {
    let ip = PacketBuilder::ipv4(src, dst, ttl);
    let mut out = Vec::new();
    match *p {
        Probe::Udp(s, d) => ip.udp(s, d).write(&mut out, payload).unwrap(),
        Probe::Tcp(s, d, q) => ip.tcp(s, d, q, 1024).write(&mut out, payload).unwrap(),
        Probe::Echo(i, s) => ip
            .icmpv4_echo_request(i, s)
            .write(&mut out, payload)
            .unwrap(),
    }
    out
}

fn build_v6(src: [u8; 16], dst: [u8; 16], hops: u8, p: &Probe, payload: &[u8]) -> Vec<u8> {
    let ip = PacketBuilder::ipv6(src, dst, hops);
    let mut out = Vec::new();
    match *p {
        Probe::Udp(s, d) => ip.udp(s, d).write(&mut out, payload).unwrap(),
        Probe::Tcp(s, d, q) => ip.tcp(s, d, q, 1024).write(&mut out, payload).unwrap(),
        Probe::Echo(i, s) => ip
            .icmpv6_echo_request(i, s)
            .write(&mut out, payload)
            .unwrap(),
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn icmpv4_headers_agree(
        t in icmpv4_type(), c in code(), rest in any::<[u8; 4]>(),
        payload in proptest::collection::vec(any::<u8>(), 0..64),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in any::<usize>(),
    ) {
        let mut ip = Vec::new();
        PacketBuilder::ipv4([192, 0, 2, 1], [192, 0, 2, 2], 64)
            .icmpv4_raw(t, c, rest)
            .write(&mut ip, &payload)
            .unwrap();
        let icmp = &ip[20..];
        prop_assert!(Icmpv4Packet::new(icmp).unwrap().checksum_valid());
        compare_v4(icmp);
        compare_v4(&mutate(icmp, &flips, cut));
    }

    #[test]
    fn icmpv6_headers_agree(
        t in icmpv6_type(), c in code(), rest in any::<[u8; 4]>(),
        payload in proptest::collection::vec(any::<u8>(), 0..64),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in any::<usize>(),
    ) {
        let src: Ipv6Addr = "2001:db8::1".parse().unwrap();
        let dst: Ipv6Addr = "2001:db8::2".parse().unwrap();
        let mut ip = Vec::new();
        PacketBuilder::ipv6(src.octets(), dst.octets(), 64)
            .icmpv6_raw(t, c, rest)
            .write(&mut ip, &payload)
            .unwrap();
        let icmp = &ip[40..];
        prop_assert!(Icmpv6Packet::new(icmp).unwrap().checksum_valid(src, dst));
        compare_v6(icmp, src, dst);
        let m = mutate(icmp, &flips, cut);
        compare_v6(&m, src, dst);
    }

    #[test]
    fn quoted_ipv4_probes_agree(
        src in any::<[u8; 4]>(), dst in any::<[u8; 4]>(), ttl in any::<u8>(), p in probe(),
        payload in proptest::collection::vec(any::<u8>(), 0..64),
        quote_len in 20usize..200,
        flips in proptest::collection::vec((20usize..400, any::<u8>()), 0..3),
    ) {
        let probe = build_v4(src, dst, ttl, &p, &payload);
        let quote = &probe[..quote_len.min(probe.len())];
        let mut error = Vec::new();
        PacketBuilder::ipv4([198, 51, 100, 1], src, 64)
            .icmpv4_raw(11, 0, [0; 4])
            .write(&mut error, quote)
            .unwrap();
        let e = IcmpErrorPacket::from_ip(&error, ExtensionMode::Rfc4884).unwrap();
        prop_assert_eq!(e.sender(), Some(Ipv4Addr::new(198, 51, 100, 1).into()));
        prop_assert_eq!(e.checksum_valid(), Some(true));
        prop_assert_eq!(e.quoted().dst(), std::net::IpAddr::from(dst));
        // The outer packet and its ICMP header, then the quote.
        let outer = LaxSlicedPacket::from_ip(&error).unwrap();
        let Some(TransportSlice::Icmpv4(icmp)) = outer.transport else { panic!() };
        compare_v4(icmp.slice());
        prop_assert!(LaxSlicedPacket::from_ip(icmp.payload()).unwrap().net.is_some());
        compare_quote(&e.quoted(), icmp.payload());
        // Mutated quotes (the ICMP header and the outer header stay intact).
        let m = mutate(&error, &flips.iter().map(|&(a, x)| (28 + a % (error.len() - 28), x)).collect(), usize::MAX);
        if let Ok(e) = IcmpErrorPacket::from_ip(&m, ExtensionMode::Rfc4884) {
            compare_quote(&e.quoted(), e.original_datagram());
        }
    }

    #[test]
    fn quoted_ipv6_probes_agree(
        src in any::<[u8; 16]>(), dst in any::<[u8; 16]>(), hops in any::<u8>(), p in probe(),
        payload in proptest::collection::vec(any::<u8>(), 0..64),
        quote_len in 40usize..200,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..3),
    ) {
        let probe = build_v6(src, dst, hops, &p, &payload);
        let quote = &probe[..quote_len.min(probe.len())];
        let router: Ipv6Addr = "2001:db8::ff".parse().unwrap();
        let mut error = Vec::new();
        PacketBuilder::ipv6(router.octets(), src, 64)
            .icmpv6_raw(3, 0, [0; 4])
            .write(&mut error, quote)
            .unwrap();
        let e = IcmpErrorPacket::from_ip(&error, ExtensionMode::Rfc4884).unwrap();
        prop_assert_eq!(e.sender(), Some(router.into()));
        prop_assert_eq!(e.checksum_valid(), Some(true));
        let icmp = &error[40..];
        compare_v6(icmp, router, Ipv6Addr::from(src));
        let e6 = IcmpErrorPacket::from_icmpv6(icmp, ExtensionMode::Rfc4884).unwrap();
        compare_quote(&e6.quoted(), &icmp[8..]);
        let m = mutate(&icmp[8..], &flips, usize::MAX);
        if let Ok(q) = QuotedIp::new(&m) {
            compare_quote(&q, &m);
        }
    }
}
