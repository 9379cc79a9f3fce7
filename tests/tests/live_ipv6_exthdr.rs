//! IPv6 extension-header companions of an ICMPv6 error, live: R answers A's UDP probe with a
//! hand-built ICMPv6 port unreachable that carries a hop-by-hop options header and a
//! destination options header (sticky `IPV6_HOPOPTS`/`IPV6_DSTOPTS` on R's raw socket). A's
//! socket asked for them (`IPV6_RECVHOPOPTS`, `IPV6_RECVDSTOPTS`): `ipv6_recv_error`
//! (`net/ipv6/datagram.c`) hands the ICMPv6 packet to `ip6_datagram_recv_specific_ctl`, which
//! puts each header as a control message before the error record.

use std::io::IoSlice;

use errq_codec::exthdr::{IPV6_DSTOPTS, IPV6_HOPOPTS};
use errq_codec::ip::IpProtocol;
use errq_codec::level::Level;
use errq_codec::meaning::Meaning;
use errq_codec::payload::PayloadKind;
use errq_codec::record::Record;
use errq_sys::{set_ipv6_recvdstopts, set_ipv6_recvhopopts, RecvBuffers, SendMsg};
use errq_tests::ffi;
use errq_tests::hand_built::HAND_DPORT;
use errq_tests::netns::require_root;
use errq_tests::packet;
use errq_tests::sockets::recverr_udp;
use errq_tests::topology::{addr, Topology};
use errq_tests::wait::await_error;

#[test]
fn icmpv6_error_with_hop_by_hop_and_destination_options() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = recverr_udp(&t.a, "[::]:0");
    set_ipv6_recvhopopts(&s, true).unwrap();
    set_ipv6_recvdstopts(&s, true).unwrap();
    let sport = s.local_addr().unwrap().port();
    let data = [7u8; 24];
    let quote = packet::udp6(
        packet::v6(addr::A6, sport),
        packet::v6(addr::HOLE6, HAND_DPORT),
        &data,
    );
    // Destination unreachable, port unreachable (the kernel fills the ICMPv6 checksum).
    let icmp = packet::icmp_error(1, 4, [0; 4], &quote, quote.len(), &[], false);
    let raw =
        t.r.run(|| ffi::socket(libc::AF_INET6, libc::SOCK_RAW, libc::IPPROTO_ICMPV6))
            .unwrap();
    // Hop-by-hop: PadN of 4 bytes (RFC 8200 4.2); destination options: PadN too. The kernel
    // fills the next-header octets.
    let hbh = [0, 0, 1, 4, 0, 0, 0, 0];
    let dst = [0, 0, 1, 4, 0, 0, 0, 0];
    ffi::set_bytes(&raw, libc::IPPROTO_IPV6, IPV6_HOPOPTS, &hbh).unwrap();
    ffi::set_bytes(&raw, libc::IPPROTO_IPV6, IPV6_DSTOPTS, &dst).unwrap();
    let to = std::net::SocketAddr::from((addr::A6, 0));
    let probe_to = std::net::SocketAddr::from((addr::HOLE6, HAND_DPORT));
    let answer = [IoSlice::new(&icmp)];
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || {
        s.send_to(&data, probe_to)?;
        SendMsg::new(&answer).to(to).send(&raw).map(drop)
    })
    .unwrap();
    let m = b.message(&r);
    assert_eq!(m.problem(), None, "{m}");
    assert_eq!(m.error_level(), Some(Level::IPV6));
    let Some(Meaning::Icmp6(e)) = m.meaning() else {
        panic!("{m}")
    };
    assert_eq!((e.kind.0, e.code.0), (1, 4));
    assert!(e.errno.is("ECONNREFUSED"));
    // The companions, typed: one record per header, each the header itself.
    let c = m.companions();
    let h = c.hop_opts.expect("IPV6_HOPOPTS record").header().unwrap();
    assert_eq!(h.kind(), IpProtocol::HOP_BY_HOP);
    assert_eq!(h.next_header(), IpProtocol::IPV6_DEST_OPTIONS);
    assert_eq!(&h.bytes()[1..], &hbh[1..]);
    let d = c.dst_opts.expect("IPV6_DSTOPTS record").header().unwrap();
    assert_eq!(d.kind(), IpProtocol::IPV6_DEST_OPTIONS);
    assert_eq!(d.next_header(), IpProtocol::ICMPV6);
    assert_eq!(&d.bytes()[1..], &dst[1..]);
    assert_eq!(c.others, 0, "{:?}", m.records().collect::<Vec<_>>());
    // Records come before the error, which is last.
    let recs: Vec<_> = m.records().map(Result::unwrap).collect();
    assert!(matches!(recs.last(), Some(Record::Error(Level::IPV6, _))));
    // The payload without a kind: the UDP data (the port in msg_name is the probe's).
    assert_eq!(m.payload_kind(None), PayloadKind::Udp);
    assert_eq!(m.probe_auto(None).data, Some(&data[..]));
    assert_eq!(m.destination(), Some(probe_to));
}
