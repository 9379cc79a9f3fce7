//! Property tests for the ICMP half of the codec: build-then-parse round trips for every
//! message kind, the exact error at every cut, and no panic on arbitrary bytes.
// Tests build small packets by hand: lengths fit their fields, slices are in bounds.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::unwrap_used
)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use errq_codec::ext::{
    encode_extension, Extension, ExtensionChecksum, InterfaceInformation, InterfaceInformationRepr,
    InterfaceRole, MplsLabel, ObjectClass, ObjectData, ObjectRepr,
};
use errq_codec::icmp::{
    ExtensionMode, IcmpErrorPacket, Icmpv4Code, Icmpv4ErrorRepr, Icmpv4Packet, Icmpv4Repr,
    Icmpv4Rest, Icmpv4Type, Icmpv6Code, Icmpv6ErrorRepr, Icmpv6Packet, Icmpv6Repr, Icmpv6Rest,
    Icmpv6Type,
};
use errq_codec::ip::{IpProtocol, Ipv4Header, Ipv4Repr, Ipv6Header, Ipv6Repr, QuotedIp, UdpRepr};
use errq_codec::payload::{Payload, PayloadKind};
use errq_codec::{Error, Reason, Structure};
use proptest::prelude::*;

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

/// A UDP probe as a quoted IPv4 packet: header (with options) and UDP header and payload.
fn udp4_probe(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    sport: u16,
    dport: u16,
    options: &[u8],
    data: &[u8],
) -> Vec<u8> {
    let hl = 20 + options.len();
    let total = hl + 8 + data.len();
    let mut v = vec![0u8; total];
    Ipv4Repr {
        tos: 0,
        total_len: total as u16,
        ident: 7,
        dont_fragment: true,
        more_fragments: false,
        frag_offset: 0,
        ttl: 1,
        protocol: IpProtocol::UDP,
        src,
        dst,
        options,
    }
    .encode(&mut v)
    .unwrap();
    UdpRepr {
        src_port: sport,
        dst_port: dport,
        length: (8 + data.len()) as u16,
        checksum: 0,
    }
    .encode(&mut v[hl..])
    .unwrap();
    v[hl + 8..].copy_from_slice(data);
    v
}

fn udp6_probe(src: Ipv6Addr, dst: Ipv6Addr, sport: u16, dport: u16, data: &[u8]) -> Vec<u8> {
    let mut v = vec![0u8; 48 + data.len()];
    Ipv6Repr {
        traffic_class: 0,
        flow_label: 1,
        payload_len: (8 + data.len()) as u16,
        next_header: IpProtocol::UDP,
        hop_limit: 1,
        src,
        dst,
    }
    .encode(&mut v)
    .unwrap();
    UdpRepr {
        src_port: sport,
        dst_port: dport,
        length: (8 + data.len()) as u16,
        checksum: 0,
    }
    .encode(&mut v[40..])
    .unwrap();
    v[48..].copy_from_slice(data);
    v
}

fn mpls_payload(labels: &[(u32, u8, u8)]) -> Vec<u8> {
    let n = labels.len();
    labels
        .iter()
        .enumerate()
        .flat_map(|(i, &(label, tc, ttl))| {
            MplsLabel {
                label: label & 0xfffff,
                traffic_class: tc & 7,
                bottom_of_stack: i + 1 == n,
                ttl,
            }
            .to_bytes()
        })
        .collect()
}

fn addr() -> impl Strategy<Value = Option<IpAddr>> {
    prop_oneof![
        Just(None),
        any::<[u8; 4]>().prop_map(|b| Some(IpAddr::from(b))),
        any::<[u8; 16]>().prop_map(|b| Some(IpAddr::from(b))),
    ]
}

fn role() -> impl Strategy<Value = InterfaceRole> {
    prop_oneof![
        Just(InterfaceRole::IncomingInterface),
        Just(InterfaceRole::IncomingSubIpComponent),
        Just(InterfaceRole::OutgoingInterface),
        Just(InterfaceRole::NextHop),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn icmpv4_repr_round_trip(t in any::<u8>(), c in any::<u8>(), rest in any::<[u8; 4]>(), data in bytes(64)) {
        let t = Icmpv4Type(t);
        let repr = Icmpv4Repr { msg_type: t, code: Icmpv4Code(c), rest: Icmpv4Rest::parse(t, rest), data: &data };
        let mut out = vec![0u8; repr.buffer_len()];
        prop_assert_eq!(repr.encode(&mut out), Ok(out.len()));
        let p = Icmpv4Packet::new(&out).unwrap();
        prop_assert!(p.checksum_valid());
        prop_assert_eq!(Icmpv4Repr::parse(&p), repr);
        prop_assert_eq!(Icmpv4Rest::parse(t, repr.rest.to_bytes()), repr.rest);
        for len in 0..8 {
            prop_assert_eq!(Icmpv4Packet::new(&out[..len]), Err(Error::truncated(Structure::Icmpv4Header, 8, len)));
        }
        let short = out.len() - 1;
        prop_assert_eq!(
            repr.encode(&mut vec![0u8; short]),
            Err(Error::NoSpace { what: Structure::Icmpv4Header, needed: out.len(), available: short })
        );
    }

    #[test]
    fn icmpv6_repr_round_trip(t in any::<u8>(), c in any::<u8>(), rest in any::<[u8; 4]>(), data in bytes(64),
                              src in any::<[u8; 16]>(), dst in any::<[u8; 16]>()) {
        let t = Icmpv6Type(t);
        let (src, dst) = (Ipv6Addr::from(src), Ipv6Addr::from(dst));
        let repr = Icmpv6Repr { msg_type: t, code: Icmpv6Code(c), rest: Icmpv6Rest::parse(t, rest), data: &data };
        let mut out = vec![0u8; repr.buffer_len()];
        prop_assert_eq!(repr.encode_with_checksum(src, dst, &mut out), Ok(out.len()));
        let p = Icmpv6Packet::new(&out).unwrap();
        prop_assert!(p.checksum_valid(src, dst));
        prop_assert_eq!(Icmpv6Repr::parse(&p), repr);
        for len in 0..8 {
            prop_assert_eq!(Icmpv6Packet::new(&out[..len]), Err(Error::truncated(Structure::Icmpv6Header, 8, len)));
        }
    }

    #[test]
    fn ipv4_header_round_trip(tos in any::<u8>(), total in any::<u16>(), ident in any::<u16>(), df in any::<bool>(),
                              mf in any::<bool>(), frag in any::<u16>(), ttl in any::<u8>(), proto in any::<u8>(),
                              src in any::<[u8; 4]>(), dst in any::<[u8; 4]>(), opt_words in 0usize..=10, opt in any::<[u8; 40]>()) {
        let repr = Ipv4Repr {
            tos, total_len: total, ident, dont_fragment: df, more_fragments: mf, frag_offset: frag & !7,
            ttl, protocol: IpProtocol(proto), src: src.into(), dst: dst.into(), options: &opt[..opt_words * 4],
        };
        let mut out = vec![0u8; repr.header_len()];
        prop_assert_eq!(repr.encode(&mut out), Ok(out.len()));
        let h = Ipv4Header::new(&out).unwrap();
        prop_assert!(h.checksum_valid());
        prop_assert_eq!(Ipv4Repr::parse(&h), repr);
        for len in 0..out.len() {
            let needed = if len < 20 { 20 } else { out.len() };
            prop_assert_eq!(Ipv4Header::new(&out[..len]), Err(Error::truncated(Structure::Ipv4Header, needed, len)));
        }
    }

    #[test]
    fn ipv6_header_round_trip(tc in any::<u8>(), flow in 0u32..0x10_0000, plen in any::<u16>(), nh in any::<u8>(),
                              hl in any::<u8>(), src in any::<[u8; 16]>(), dst in any::<[u8; 16]>()) {
        let repr = Ipv6Repr { traffic_class: tc, flow_label: flow, payload_len: plen, next_header: IpProtocol(nh),
                              hop_limit: hl, src: src.into(), dst: dst.into() };
        let mut out = [0u8; 40];
        prop_assert_eq!(repr.encode(&mut out), Ok(40));
        prop_assert_eq!(Ipv6Repr::parse(&Ipv6Header::new(&out).unwrap()), repr);
    }

    #[test]
    fn extension_round_trip_and_every_cut(
        labels in proptest::collection::vec((any::<u32>(), any::<u8>(), any::<u8>()), 1..5),
        if_index in proptest::option::of(any::<u32>()), address in addr(),
        name in proptest::option::of(proptest::collection::vec(1u8..=255, 0..40)),
        mtu in proptest::option::of(any::<u32>()), r in role(),
        raw_class in 4u8..=255, raw in bytes(20),
    ) {
        let mpls = mpls_payload(&labels);
        let info = InterfaceInformationRepr { role: r, if_index, address, name: name.as_deref(), mtu };
        let mut info_bytes = vec![0u8; info.payload_len()];
        prop_assert_eq!(info.encode(&mut info_bytes), Ok(info_bytes.len()));
        let objects = [
            ObjectRepr { class: ObjectClass::MPLS_LABEL_STACK, c_type: 1, payload: &mpls },
            ObjectRepr { class: ObjectClass::INTERFACE_INFORMATION, c_type: info.c_type(), payload: &info_bytes },
            ObjectRepr { class: ObjectClass(raw_class), c_type: 0, payload: &raw },
        ];
        let mut out = vec![0u8; 4 + 12 + mpls.len() + info_bytes.len() + raw.len()];
        prop_assert_eq!(encode_extension(&objects, true, &mut out), Ok(out.len()));
        let ext = Extension::new(&out).unwrap();
        prop_assert_eq!(ext.checksum_status(), ExtensionChecksum::Valid);
        prop_assert!(ext.is_valid());
        let decoded: Vec<_> = ext.objects().map(|o| o.unwrap()).collect();
        prop_assert_eq!(decoded.len(), 3);
        let ObjectData::MplsLabelStack(stack) = decoded[0].decode().unwrap() else { panic!() };
        let entries: Vec<_> = stack.entries().collect();
        prop_assert_eq!(entries.len(), labels.len());
        for (e, &(label, tc, ttl)) in entries.iter().zip(&labels) {
            prop_assert_eq!((e.label, e.traffic_class, e.ttl), (label & 0xfffff, tc & 7, ttl));
        }
        prop_assert!(entries.last().unwrap().bottom_of_stack);
        let ObjectData::InterfaceInformation(got) = decoded[1].decode().unwrap() else { panic!() };
        prop_assert_eq!(got, InterfaceInformation { role: r, if_index, address, name: name.as_deref(), mtu });
        let ObjectData::Other(o) = decoded[2].decode().unwrap() else { panic!() };
        prop_assert_eq!(o.payload(), &raw[..]);

        // Every cut: the objects before the cut, then exactly one Truncated, then nothing.
        let ends = [8 + mpls.len(), 12 + mpls.len() + info_bytes.len(), out.len()];
        let starts = [4, ends[0], ends[1]];
        for len in 4..out.len() {
            let cut = Extension::new(&out[..len]).unwrap();
            let got: Vec<_> = cut.objects().collect();
            let whole = ends.iter().filter(|&&e| e <= len).count();
            for g in &got[..whole] { prop_assert!(g.is_ok()); }
            if whole < 3 && len > starts[whole] {
                let avail = len - starts[whole];
                let needed = if avail < 4 { 4 } else { ends[whole] - starts[whole] };
                prop_assert_eq!(got.len(), whole + 1);
                prop_assert_eq!(got[whole], Err(Error::truncated(Structure::ExtensionObject, needed, avail)));
            } else {
                prop_assert_eq!(got.len(), whole);
            }
        }
        for len in 0..4 {
            prop_assert_eq!(Extension::new(&out[..len]), Err(Error::truncated(Structure::ExtensionHeader, 4, len)));
        }
    }

    #[test]
    fn icmpv4_error_round_trip(
        kind in 0usize..3, code in any::<u8>(), mtu in any::<u16>(), pointer in any::<u8>(),
        src in any::<[u8; 4]>(), dst in any::<[u8; 4]>(), sport in any::<u16>(), dport in any::<u16>(),
        opt_words in 0usize..=10, data in bytes(200), quote_cut in any::<usize>(),
        with_ext in any::<bool>(), labels in proptest::collection::vec((any::<u32>(), any::<u8>(), any::<u8>()), 1..4),
    ) {
        let opts = vec![1u8; opt_words * 4];
        let probe = udp4_probe(src.into(), dst.into(), sport, dport, &opts, &data);
        let hl = 20 + opts.len();
        // A router quotes a cut datagram without extension; with one (RFC 4884), the whole
        // datagram zero-padded to 128 bytes, or a cut at 128 bytes or more.
        let with_ext = with_ext && probe.len() <= 1020;
        let quote = if !with_ext {
            &probe[..hl + quote_cut % (probe.len() - hl + 1)]
        } else if probe.len() <= 128 {
            &probe[..]
        } else {
            &probe[..(128 + quote_cut % (probe.len() - 127)) & !3]
        };
        let (t, rest) = match kind {
            0 => (Icmpv4Type::DEST_UNREACH, Icmpv4Rest::DestUnreach { length: 0, next_hop_mtu: mtu }),
            1 => (Icmpv4Type::TIME_EXCEEDED, Icmpv4Rest::TimeExceeded { length: 0 }),
            _ => (Icmpv4Type::PARAMETER_PROBLEM, Icmpv4Rest::ParameterProblem { pointer, length: 0 }),
        };
        let mpls = mpls_payload(&labels);
        let objs = [ObjectRepr { class: ObjectClass::MPLS_LABEL_STACK, c_type: 1, payload: &mpls }];
        let repr = Icmpv4ErrorRepr {
            msg_type: t, code: Icmpv4Code(code), rest, original: quote,
            extension: if with_ext { &objs } else { &[] },
        };
        let mut out = vec![0u8; 2048];
        let n = repr.encode(&mut out).unwrap();
        let out = &out[..n];
        let e = IcmpErrorPacket::from_icmpv4(out, ExtensionMode::Rfc4884).unwrap();
        let errq_codec::icmp::IcmpHeader::V4(h) = e.icmp() else { panic!() };
        prop_assert!(h.checksum_valid());
        prop_assert_eq!((h.msg_type(), h.code()), (t, Icmpv4Code(code)));
        if kind == 0 { prop_assert_eq!(h.next_hop_mtu(), Some(mtu)); }
        if kind == 2 { prop_assert_eq!(h.pointer(), Some(pointer)); }
        prop_assert_eq!(e.quoted().dst(), IpAddr::from(dst));
        prop_assert_eq!(e.quoted().src(), IpAddr::from(src));
        let QuotedIp::V4(q) = e.quoted() else { panic!() };
        prop_assert_eq!(q.options(), &opts[..]);
        prop_assert_eq!(e.transport().ports(), (quote.len() >= hl + 4).then_some((sport, dport)));
        if repr.extension.is_empty() {
            prop_assert_eq!(e.extension(), None);
            prop_assert_eq!(e.original_datagram(), quote);
        } else {
            let padded = quote.len().div_ceil(4).max(32) * 4;
            prop_assert_eq!(h.rfc4884_length(), Some((padded / 4) as u8));
            prop_assert_eq!(e.extension_offset(), Some(padded));
            prop_assert_eq!(&e.original_datagram()[..quote.len()], quote);
            let ext = e.extension().unwrap().unwrap();
            prop_assert!(ext.is_valid());
            let o = ext.objects().next().unwrap().unwrap();
            prop_assert_eq!(o.payload(), &mpls[..]);
            // The quoted header sees through the zero padding.
            prop_assert_eq!(q.payload().len(), quote.len() - hl);
        }
        // Every cut of the message: the exact error until the quoted IP header is whole.
        for len in 0..(8 + hl).min(n) {
            let want = if len < 8 {
                Error::truncated(Structure::Icmpv4Header, 8, len)
            } else if len < 28 {
                Error::truncated(Structure::Ipv4Header, 20, len - 8)
            } else {
                Error::truncated(Structure::Ipv4Header, hl, len - 8)
            };
            prop_assert_eq!(IcmpErrorPacket::from_icmpv4(&out[..len], ExtensionMode::Rfc4884), Err(want));
        }
        for len in (8 + hl)..n {
            prop_assert!(IcmpErrorPacket::from_icmpv4(&out[..len], ExtensionMode::Rfc4884).is_ok());
        }
    }

    #[test]
    fn icmpv6_error_round_trip(
        kind in 0usize..4, code in any::<u8>(), word in any::<u32>(),
        src in any::<[u8; 16]>(), dst in any::<[u8; 16]>(), sport in any::<u16>(), dport in any::<u16>(),
        data in bytes(200), quote_cut in any::<usize>(), with_ext in any::<bool>(),
        if_index in proptest::option::of(any::<u32>()), mtu in proptest::option::of(any::<u32>()),
    ) {
        let (src, dst) = (Ipv6Addr::from(src), Ipv6Addr::from(dst));
        let probe = udp6_probe(src, dst, sport, dport, &data);
        let ext_ok = with_ext && kind < 2;
        let quote = if !ext_ok {
            &probe[..40 + quote_cut % (probe.len() - 40 + 1)]
        } else if probe.len() <= 128 {
            &probe[..]
        } else {
            &probe[..(128 + quote_cut % (probe.len() - 127)) & !7]
        };
        let (t, rest) = match kind {
            0 => (Icmpv6Type::DEST_UNREACH, Icmpv6Rest::DestUnreach { length: 0 }),
            1 => (Icmpv6Type::TIME_EXCEEDED, Icmpv6Rest::TimeExceeded { length: 0 }),
            2 => (Icmpv6Type::PACKET_TOO_BIG, Icmpv6Rest::PacketTooBig { mtu: word }),
            _ => (Icmpv6Type::PARAMETER_PROBLEM, Icmpv6Rest::ParameterProblem { pointer: word }),
        };
        let info = InterfaceInformationRepr { role: InterfaceRole::OutgoingInterface, if_index, address: Some(IpAddr::V6(src)), name: Some(b"eth0"), mtu };
        let mut info_bytes = vec![0u8; info.payload_len()];
        info.encode(&mut info_bytes).unwrap();
        let objs = [ObjectRepr { class: ObjectClass::INTERFACE_INFORMATION, c_type: info.c_type(), payload: &info_bytes }];
        let repr = Icmpv6ErrorRepr { msg_type: t, code: Icmpv6Code(code), rest, original: quote, extension: if ext_ok { &objs } else { &[] } };
        let router: Ipv6Addr = "2001:db8::1".parse().unwrap();
        let mut out = vec![0u8; 2048];
        let n = repr.encode_with_checksum(router, src, &mut out).unwrap();
        let out = &out[..n];
        let e = IcmpErrorPacket::from_icmpv6(out, ExtensionMode::Rfc4884).unwrap();
        let errq_codec::icmp::IcmpHeader::V6(h) = e.icmp() else { panic!() };
        prop_assert!(h.checksum_valid(router, src));
        prop_assert_eq!((h.msg_type(), h.code()), (t, Icmpv6Code(code)));
        if kind == 2 { prop_assert_eq!(h.mtu(), Some(word)); }
        if kind == 3 { prop_assert_eq!(h.pointer(), Some(word)); }
        prop_assert_eq!(e.quoted().dst(), IpAddr::V6(dst));
        prop_assert_eq!(e.transport().ports(), (quote.len() >= 44).then_some((sport, dport)));
        if ext_ok {
            let padded = quote.len().div_ceil(8).max(16) * 8;
            prop_assert_eq!(e.extension_offset(), Some(padded));
            let ext = e.extension().unwrap().unwrap();
            let ObjectData::InterfaceInformation(i) = ext.objects().next().unwrap().unwrap().decode().unwrap() else { panic!() };
            prop_assert_eq!((i.if_index, i.mtu, i.name_str()), (if_index, mtu, Some("eth0")));
            prop_assert_eq!(i.address, Some(IpAddr::V6(src)));
        } else {
            prop_assert_eq!(e.extension(), None);
        }
        for len in 0..48.min(n) {
            let want = if len < 8 { Error::truncated(Structure::Icmpv6Header, 8, len) } else { Error::truncated(Structure::Ipv6Header, 40, len - 8) };
            prop_assert_eq!(IcmpErrorPacket::from_icmpv6(&out[..len], ExtensionMode::Rfc4884), Err(want));
        }
    }

    #[test]
    fn no_panic_on_arbitrary_bytes(b in bytes(300), len in any::<u16>()) {
        for mode in [ExtensionMode::Rfc4884, ExtensionMode::Rfc4884OrCompat, ExtensionMode::Ignore] {
            for e in [IcmpErrorPacket::from_ip(&b, mode), IcmpErrorPacket::from_icmpv4(&b, mode), IcmpErrorPacket::from_icmpv6(&b, mode)].into_iter().flatten() {
                let _ = (e.transport().ports(), e.transport().echo(), e.icmp().code_name());
                if let Some(Ok(ext)) = e.extension() {
                    for o in ext.objects().flatten() { let _ = o.decode(); }
                }
            }
        }
        if let Ok(ext) = Extension::new(&b) {
            let n = ext.objects().count();
            prop_assert!(n <= b.len() / 4 + 1);
            for o in ext.objects().flatten() { let _ = o.decode(); }
        }
        for kind in [PayloadKind::Udp, PayloadKind::Icmp { v6: false }, PayloadKind::Icmp { v6: true }, PayloadKind::RawIp, PayloadKind::Tcp, PayloadKind::TxTimestamp] {
            if let Ok(p) = Payload::parse(&b, kind) { let _ = (p.ports(), p.echo(), p.data()); }
        }
        let _ = errq_codec::payload::split_rfc4884(&b, len);
        if let Ok(q) = QuotedIp::new(&b) {
            let _ = q.transport().ports();
            if let QuotedIp::V6(h) = q { prop_assert!(h.extension_headers().count() <= b.len() / 8 + 1); }
        }
    }
}

#[test]
fn bad_lengths_are_malformed() {
    // An RFC 4884 length below 128 bytes with bytes after it.
    let probe = udp4_probe(
        Ipv4Addr::LOCALHOST,
        Ipv4Addr::LOCALHOST,
        1,
        2,
        &[],
        &[0; 20],
    );
    let mut msg = vec![11u8, 0, 0, 0, 0, 12, 0, 0];
    msg.extend_from_slice(&probe);
    msg.extend_from_slice(&[0x20, 0, 0, 0]);
    let e = IcmpErrorPacket::from_icmpv4(&msg, ExtensionMode::Rfc4884).unwrap();
    assert_eq!(
        e.extension(),
        Some(Err(Error::malformed(
            Structure::ExtensionHeader,
            Reason::BadValue {
                field: "RFC 4884 length",
                value: 48
            }
        )))
    );
    // The kernel ignores a length below 128 (`ip_icmp_error_rfc4884`: `off < 128`) and
    // reads the whole quote: so does errq, even when the junk length is shorter than the
    // quoted IPv4 header (1 word: 4 bytes).
    assert_eq!(e.original_datagram().len(), msg.len() - 8);
    msg[5] = 1;
    let e = IcmpErrorPacket::from_icmpv4(&msg, ExtensionMode::Rfc4884).unwrap();
    assert_eq!(e.original_datagram().len(), msg.len() - 8);
    assert_eq!(e.transport().protocol(), IpProtocol::UDP);
    // Not an error type.
    assert_eq!(
        IcmpErrorPacket::from_icmpv4(&[8, 0, 0, 0, 0, 0, 0, 0], ExtensionMode::Rfc4884),
        Err(Error::malformed(
            Structure::Icmpv4Header,
            Reason::BadValue {
                field: "ICMP type",
                value: 8
            }
        ))
    );
}
